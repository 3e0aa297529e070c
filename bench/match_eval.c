/*
 * match_eval.c: ranking quality of the matcher against plain Jaccard overlap,
 * on offers and profiles made from ESCO's occupation-skill relations.
 *
 * Usage: match_eval ESCO_DIR [QUERIES_PER_SPLIT]   (default: one profile per dev and test
 * occupation)
 *
 * Offers: two per occupation (with at least 4 essential skills): its
 * essential skills (at most 12) and 0-4 of its optional skills.
 * Profiles, as people describe themselves: for an occupation, each essential
 * skill is named with probability 0.6; a named skill is replaced by a
 * neighbour in ESCO's hierarchy (its broader skill, a narrower one, or a
 * sibling in its skill group) with probability 0.4; one optional skill may
 * be added; then two random unrelated skills.
 * Relevance of an offer: 2 for the profile's occupation, 1 for another
 * occupation of the same ISCO unit group, 0 otherwise.
 * Occupations are split by a hash of their URI as in sim_eval: 60% train
 * (the only ones feeding co-occurrence similarity), 20% dev (looked at while
 * tuning), 20% test (held out). Profiles come from dev or test occupations.
 * Reported: nDCG@10 and MRR (rank of the first offer of the right occupation)
 * for Jaccard, our scorer, and our scorer with each part switched off.
 * SIM_LABEL=0 leaves near-identical names out of the similarity; EVAL_EXPERIENCE=1 marks the
 * skills drawn from the occupation from_experience (the others stay declared).
 */
#include "bench/util.h"
#include "matcher/matcher.h"
#include "taxonomy/loader.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#define MAX_REQ 16
#define MAX_CLAIMS 24

typedef struct eval_offer {
    uint32_t occupation, isco;
    sm_requirement reqs[MAX_REQ];
    size_t n;
} eval_offer;

typedef struct eval_profile {
    uint32_t occupation, isco;
    sm_skill_claim claims[MAX_CLAIMS];
    size_t n;
    int split; /* 1 test, 2 dev */
} eval_profile;

static uint64_t rng = 0x2545F4914F6CDD1Dull;
static uint32_t rnd(uint32_t n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return n ? (uint32_t)(rng % n) : 0;
}

static const sm_taxonomy *tx;

/* The ISCO unit group above an occupation (through narrower occupations if needed). */
static uint32_t isco_of(uint32_t occ)
{
    for (int depth = 0; depth < 6; depth++) {
        const sm_edge *e;
        size_t n = sm_taxonomy_adjacent(tx, occ, SM_ADJ_BROADER, &e);
        if (!n)
            return SM_NO_CONCEPT;
        for (size_t i = 0; i < n; i++)
            if (sm_taxonomy_type(tx, e[i].concept) == SM_CT_ISCO_GROUP)
        return e[i].concept;
        occ = e[0].concept;
    }
    return SM_NO_CONCEPT;
}

/* A neighbour of skill s in ESCO's hierarchy, or s itself when it has none. */
static uint32_t hierarchy_neighbour(uint32_t s)
{
    const sm_edge *up, *down, *sib;
    size_t nu = sm_taxonomy_adjacent(tx, s, SM_ADJ_BROADER, &up);
    size_t nd = sm_taxonomy_adjacent(tx, s, SM_ADJ_NARROWER, &down);
    uint32_t choices[64];
    size_t c = 0;
    for (size_t i = 0; i < nu && c < 64; i++) {
        if (sm_concept_is_skill(sm_taxonomy_type(tx, up[i].concept)))
        choices[c++] = up[i].concept;
        size_t ns = sm_taxonomy_adjacent(tx, up[i].concept, SM_ADJ_NARROWER, &sib);
        for (size_t k = 0; k < ns && c < 64; k += 1 + ns / 16)
            if (sib[k].concept != s && sm_concept_is_skill(sm_taxonomy_type(tx, sib[k].concept)))
        choices[c++] = sib[k].concept;
    }
    for (size_t i = 0; i < nd && c < 64; i++)
        if (sm_concept_is_skill(sm_taxonomy_type(tx, down[i].concept)))
    choices[c++] = down[i].concept;
    return c ? choices[rnd((uint32_t)c)] : s;
}

typedef struct ranked {
    double score;
    uint32_t index;
} ranked;

static int cmp_ranked(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

static int relevance(const eval_offer *o, const eval_profile *p)
{
    if (o->occupation == p->occupation)
        return 2;
    return o->isco != SM_NO_CONCEPT && o->isco == p->isco ? 1 : 0;
}

static double jaccard(const eval_offer *o, const eval_profile *p)
{
    size_t inter = 0;
    for (size_t i = 0; i < o->n; i++)
        for (size_t k = 0; k < p->n; k++)
            if (o->reqs[i].skill == p->claims[k].skill) {
                inter++;
                break;
            }
    return (double)inter / (double)(o->n + p->n - inter);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: match_eval ESCO_DIR [QUERIES_PER_SPLIT]\n");
        return 2;
    }
    size_t per_split =
        argc > 2 ? (size_t)atoi(argv[2]) : 100000; /* default: every dev and test occupation */
    sm_load_options lo = {argv[1], NULL};
    sm_taxonomy *t;
    sm_error err;
    if (sm_taxonomy_load(&lo, &t, NULL, &err) != SM_OK) {
        fprintf(stderr, "match_eval: %s\n", err.message);
        return 1;
    }
    tx = t;
    size_t count = sm_taxonomy_count(tx);
    uint8_t *split = calloc(count, 1), *train = calloc(count, 1);
    for (uint32_t id = 0; id < count; id++)
        if (sm_taxonomy_type(tx, id) == SM_CT_OCCUPATION) {
            const char *uri = sm_taxonomy_uri(tx, id);
            split[id] = (uint8_t)(1 + XXH3_64bits(uri, strlen(uri)) % 5);
            train[id] = split[id] >= 3;
        }
    /* The matcher's similarity model; dev and test occupations kept out of its
     * co-occurrence evidence (which the matcher's model does not use anyway). */
    sm_sim_params sp;
    sm_matcher_sim_params(&sp);
    if (getenv("SIM_SIBLING"))
        sp.sibling = strtof(getenv("SIM_SIBLING"), NULL);
    if (getenv("SIM_GROUP_SIZE"))
        sp.sibling_group_size = strtof(getenv("SIM_GROUP_SIZE"), NULL);
    if (getenv("SIM_COOCCUR"))
        sp.cooccur = strtof(getenv("SIM_COOCCUR"), NULL);
    if (getenv("SIM_PARENT"))
        sp.parent = strtof(getenv("SIM_PARENT"), NULL);
    if (getenv("SIM_LABEL")) /* near-identical names (issue 23); 0: not counted */
        sp.label = strtof(getenv("SIM_LABEL"), NULL);
    /* EVAL_EXPERIENCE=1: the skills a profile draws from its occupation are marked
     * from_experience (as a suggestion from a past job gives them), the unrelated ones stay
     * declared (issue 23: the weight of from_experience). */
    uint8_t job_evidence = getenv("EVAL_EXPERIENCE") && *getenv("EVAL_EXPERIENCE") == '1'
                               ? SM_EVIDENCE_FROM_EXPERIENCE
                               : SM_EVIDENCE_DECLARED;
    sp.occupation_mask = train;
    sm_similarity *sim;
    sm_matcher *m;
    if (sm_similarity_build(tx, &sp, &sim) != SM_OK ||
        sm_matcher_new_with_similarity(tx, sim, &m) != SM_OK)
        return 1;
    sm_match_reader *r = sm_match_reader_new(m);

    eval_offer *offers = calloc(2 * count, sizeof *offers);
    eval_profile *profiles = calloc(2 * per_split + 2, sizeof *profiles);
    size_t n_offers = 0, n_profiles[3] = {0, 0, 0}, n_prof = 0;
    for (uint32_t occ = 0; occ < count; occ++) {
        if (sm_taxonomy_type(tx, occ) != SM_CT_OCCUPATION)
            continue;
        const sm_edge *e;
        size_t n = sm_taxonomy_adjacent(tx, occ, SM_ADJ_OCC_SKILLS, &e);
        uint32_t ess[64], opt[128];
        size_t ne = 0, no = 0;
        for (size_t i = 0; i < n; i++) {
            if (!sm_concept_is_skill(sm_taxonomy_type(tx, e[i].concept)))
                continue;
            if (e[i].relation == SM_REL_OCC_ESSENTIAL && ne < 64)
            ess[ne++] = e[i].concept;
            else if (e[i].relation == SM_REL_OCC_OPTIONAL && no < 128) opt[no++] = e[i].concept;
        }
        if (ne < 4)
            continue;
        uint32_t isco = isco_of(occ);
        for (int copy = 0; copy < 2; copy++) {
            eval_offer *o = &offers[n_offers++];
            o->occupation = occ;
            o->isco = isco;
            for (size_t i = 0; i < ne && o->n < 12; i++)
                o->reqs[o->n++] = (sm_requirement){ess[i], 1, 0, 0};
            size_t extra = rnd(5);
            for (size_t i = 0; i < extra && no && o->n < MAX_REQ; i++) {
                uint32_t s = opt[rnd((uint32_t)no)];
                int dup = 0;
                for (size_t k = 0; k < o->n; k++)
                    dup |= o->reqs[k].skill == s;
                if (!dup)
                    o->reqs[o->n++] = (sm_requirement){s, 0, 0, 0};
            }
        }
        int sp_id = split[occ];
        if ((sp_id == 1 || sp_id == 2) && n_profiles[sp_id] < per_split) {
            eval_profile *p = &profiles[n_prof++];
            n_profiles[sp_id]++;
            p->occupation = occ;
            p->isco = isco;
            p->split = sp_id;
            for (size_t i = 0; i < ne && p->n < MAX_CLAIMS - 3; i++) {
                if (rnd(10) >= 6)
                    continue;
                uint32_t s = rnd(10) < 4 ? hierarchy_neighbour(ess[i]) : ess[i];
                p->claims[p->n++] = (sm_skill_claim){s, 0, job_evidence};
            }
            if (no && rnd(2))
                p->claims[p->n++] = (sm_skill_claim){opt[rnd((uint32_t)no)], 0, job_evidence};
            if (p->n == 0)
                p->claims[p->n++] = (sm_skill_claim){ess[0], 0, job_evidence};
            for (int k = 0; k < 2; k++) {
                uint32_t s;
                do
                    s = rnd((uint32_t)count);
                while (!sm_concept_is_skill(sm_taxonomy_type(tx, s)));
                p->claims[p->n++] = (sm_skill_claim){s, 0, 0};
            }
        }
    }

    struct variant {
        const char *name;
        int jaccard;
        unsigned disable;
    } variants[] = {
        {"Jaccard overlap of skill sets", 1, 0},
        {"skillmatch (all parts)", 0, 0},
        {"  without similarity (exact skills only)", 0, SM_SCORE_NO_SIMILARITY},
        {"  without essential weighting", 0, SM_SCORE_NO_ESSENTIAL},
        {"  without rarity weighting", 0, SM_SCORE_NO_RARITY},
        {"  without depth (skills drawn on)", 0, SM_SCORE_NO_DEPTH},
    };
    size_t nv = sizeof variants / sizeof variants[0];
    ranked *ranking = malloc(n_offers * sizeof *ranking);
    int *rels = malloc(n_offers * sizeof *rels);
    double ndcg[8][3] = {{0}}, mrr[8][3] = {{0}};
    /* per test profile, Jaccard's and ours, for the paired bootstrap */
    double *pq[2][2];
    for (int a = 0; a < 2; a++)
        for (int b = 0; b < 2; b++)
            pq[a][b] = calloc(n_prof + 1, sizeof(double));
    size_t n_test = 0;
    for (size_t q = 0; q < n_prof; q++) {
        eval_profile *p = &profiles[q];
        sm_profile sp_in = {"q", p->claims, p->n, {0, 0, 0}, 0, 0, 0};
        /* Ideal DCG from the relevance of every offer. */
        for (size_t i = 0; i < n_offers; i++)
            rels[i] = relevance(&offers[i], p);
        int ideal[10] = {0};
        for (size_t i = 0; i < n_offers; i++) {
            int rel = rels[i];
            for (int k = 0; k < 10; k++)
                if (rel > ideal[k]) {
                    int t2 = ideal[k];
                    ideal[k] = rel;
                    rel = t2;
                }
        }
        double idcg = 0;
        for (int k = 0; k < 10; k++)
            idcg += (pow(2, ideal[k]) - 1) / log2(k + 2.0);
        for (size_t v = 0; v < nv; v++) {
            sm_match_options mo = {SM_OFFER_JOB, 20, 20000, SM_LANG_EN, variants[v].disable, NULL};
            if (!variants[v].jaccard)
                sm_match_prepare(r, &sp_in, variants[v].disable);
            for (size_t i = 0; i < n_offers; i++) {
                double s = 0;
                if (variants[v].jaccard)
                    s = jaccard(&offers[i], p);
                else {
                    sm_offer o = {"o",
                                  NULL,
                                  NULL,
                                  NULL,
                                  SM_OFFER_JOB,
                                  offers[i].reqs,
                                  offers[i].n,
                                  NULL,
                                  0,
                                  {0, 0, 0},
                                  0,
                                  0,
                                  0,
                                  0,
                                  SM_NO_CONCEPT,
                                  0,
                                  0,
                                  0,
                                  0,
                                  0,
                                  0,
                                  0,
                                  NULL,
                                  0};
                    sm_match_score_prepared(r, &o, &mo, &s, NULL);
                }
                ranking[i] = (ranked){s, (uint32_t)i};
            }
            qsort(ranking, n_offers, sizeof *ranking, cmp_ranked);
            double dcg = 0, rr = 0;
            for (size_t k = 0; k < n_offers; k++) {
                int rel = rels[ranking[k].index];
                if (k < 10)
                    dcg += (pow(2, rel) - 1) / log2((double)k + 2.0);
                if (rel == 2 && rr == 0)
                    rr = 1.0 / (double)(k + 1);
                if (k >= 10 && rr > 0)
                    break;
            }
            int s_idx = p->split == 1 ? 1 : 0;
            ndcg[v][s_idx] += idcg > 0 ? dcg / idcg : 0;
            mrr[v][s_idx] += rr;
            ndcg[v][2] += idcg > 0 ? dcg / idcg : 0;
            mrr[v][2] += rr;
            if (p->split == 1 && v < 2) {
                pq[v][0][n_test] = idcg > 0 ? dcg / idcg : 0;
                pq[v][1][n_test] = rr;
            }
        }
        n_test += p->split == 1;
    }
    printf("Offers: %zu (2 per occupation with >= 4 essential skills); profiles: %zu dev, %zu "
           "test.\n\n",
           n_offers, n_profiles[2], n_profiles[1]);
    printf("| scorer | dev nDCG@10 | dev MRR | test nDCG@10 | test MRR "
           "|\n|---|---:|---:|---:|---:|\n");
    for (size_t v = 0; v < nv; v++)
        printf("| %s | %.3f | %.3f | %.3f | %.3f |\n", variants[v].name,
               ndcg[v][0] / (double)n_profiles[2], mrr[v][0] / (double)n_profiles[2],
               ndcg[v][1] / (double)n_profiles[1], mrr[v][1] / (double)n_profiles[1]);
    printf("\nOn held-out test profiles, skillmatch vs Jaccard: nDCG@10 %+.1f%%, MRR %+.1f%%.\n",
           100.0 * (ndcg[1][1] / ndcg[0][1] - 1), 100.0 * (mrr[1][1] / mrr[0][1] - 1));
    /* Paired bootstrap over test profiles: is the difference more than the luck of the draw? */
    for (int metric = 0; metric < 2; metric++) {
        enum { ROUNDS = 2000 };
        double *gain = malloc(ROUNDS * sizeof *gain);
        size_t wins = 0, losses = 0;
        for (size_t i = 0; i < n_test; i++) {
            wins += pq[1][metric][i] > pq[0][metric][i] + 1e-12;
            losses += pq[1][metric][i] < pq[0][metric][i] - 1e-12;
        }
        for (int b = 0; b < ROUNDS; b++) {
            double ours = 0, theirs = 0;
            for (size_t i = 0; i < n_test; i++) {
                size_t j = rnd((uint32_t)n_test);
                ours += pq[1][metric][j];
                theirs += pq[0][metric][j];
            }
            gain[b] = theirs > 0 ? 100.0 * (ours / theirs - 1) : 0;
        }
        qsort(gain, ROUNDS, sizeof *gain, cmp_double);
        printf("%s on test: %+.1f%%, 95%% bootstrap interval [%+.1f%%, %+.1f%%]; ours better for "
               "%zu profiles, worse for %zu, tied for %zu.\n",
               metric ? "MRR" : "nDCG@10", gain[ROUNDS / 2], gain[ROUNDS / 40],
               gain[ROUNDS - 1 - ROUNDS / 40], wins, losses, n_test - wins - losses);
        free(gain);
    }
    sm_match_reader_free(r);
    sm_matcher_free(m);
    sm_similarity_free(sim);
    sm_taxonomy_free(t);
    return 0;
}
