/*
 * sim_eval.c: measures the skill similarity model on occupations it never saw.
 *
 * Usage: sim_eval ESCO_DIR
 *
 * Occupations are split by a hash of their URI: 60% train, 20% dev, 20% test.
 * Only train occupations feed the co-occurrence evidence. Weights were tuned
 * by looking at dev only; test is reported and was never looked at while
 * tuning. For each dev or test occupation with at least three skills, and
 * each of its skills s, we ask whether similarity points to the
 * occupation's other skills:
 *   P@10  share of s's ten nearest neighbours that the occupation also asks for;
 *   R@20  share of the occupation's other skills among s's twenty neighbours;
 *   AUC   chance that sim(s, t) for a skill t of the same occupation beats
 *         sim(s, r) for a random skill r (ties count half); 0.5 is chance.
 * The model is built with each kind of evidence alone and with each removed,
 * so the table shows what each part contributes.
 */
#include "taxonomy/loader.h"
#include "taxonomy/similarity.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xxhash.h>

typedef struct variant {
    const char *name;
    float parent, sibling, essential, optional, cooccur, digcomp;
} variant;

static uint64_t rng = 88172645463325252ull;
static uint64_t next_random(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: sim_eval ESCO_DIR\n");
        return 2;
    }
    sm_load_options opts = {argv[1], NULL};
    sm_taxonomy *tx;
    sm_error err;
    if (sm_taxonomy_load(&opts, &tx, NULL, &err) != SM_OK) {
        fprintf(stderr, "sim_eval: %s\n", err.message);
        return 1;
    }
    size_t count = sm_taxonomy_count(tx);
    uint8_t *train = calloc(count, 1), *split = calloc(count, 1);
    uint32_t *skills = malloc(count * sizeof *skills);
    size_t skill_count = 0;
    for (uint32_t id = 0; id < count; id++) {
        const char *uri = sm_taxonomy_uri(tx, id);
        if (sm_taxonomy_type(tx, id) == SM_CT_OCCUPATION)
            train[id] =
                (uint8_t)(1 + XXH3_64bits(uri, strlen(uri)) % 5); /* 1: test, 2: dev, 3-5: train */
        if (sm_concept_is_skill(sm_taxonomy_type(tx, id)))
            skills[skill_count++] = id;
    }
    sm_sim_params d;
    sm_sim_params_default(&d);
    /* Tuning hooks: SIM_SIBLING, SIM_GROUP_SIZE, SIM_COOCCUR, SIM_PARENT override defaults. */
    if (getenv("SIM_SIBLING"))
        d.sibling = strtof(getenv("SIM_SIBLING"), NULL);
    if (getenv("SIM_GROUP_SIZE"))
        d.sibling_group_size = strtof(getenv("SIM_GROUP_SIZE"), NULL);
    if (getenv("SIM_COOCCUR"))
        d.cooccur = strtof(getenv("SIM_COOCCUR"), NULL);
    if (getenv("SIM_PARENT"))
        d.parent = strtof(getenv("SIM_PARENT"), NULL);
    variant variants[] = {
        {"all evidence (default)", d.parent, d.sibling, d.related_essential, d.related_optional,
         d.cooccur, d.digcomp},
        {"hierarchy only", d.parent, d.sibling, 0, 0, 0, 0},
        {"skill-skill relations only", 0, 0, d.related_essential, d.related_optional, 0, 0},
        {"co-occurrence only", 0, 0, 0, 0, d.cooccur, 0},
        {"all but hierarchy", 0, 0, d.related_essential, d.related_optional, d.cooccur, d.digcomp},
        {"all but relations", d.parent, d.sibling, 0, 0, d.cooccur, d.digcomp},
        {"all but co-occurrence", d.parent, d.sibling, d.related_essential, d.related_optional, 0,
         d.digcomp},
    };
    for (uint32_t id = 0; id < count; id++)
        split[id] = train[id];
    for (uint32_t id = 0; id < count; id++)
        train[id] = train[id] >= 3;
    printf("| similarity model | split | P@10 | R@20 | AUC | neighbours/skill | build s |\n");
    printf("|---|---|---:|---:|---:|---:|---:|\n");
    uint8_t *in_occ = calloc(count, 1);
    for (size_t v = 0; v < sizeof variants / sizeof variants[0]; v++) {
        sm_sim_params p = d;
        p.parent = variants[v].parent;
        p.sibling = variants[v].sibling;
        p.related_essential = variants[v].essential;
        p.related_optional = variants[v].optional;
        p.cooccur = variants[v].cooccur;
        p.digcomp = variants[v].digcomp;
        p.occupation_mask = train;
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        sm_similarity *sim;
        if (sm_similarity_build(tx, &p, &sim) != SM_OK)
            return 1;
        clock_gettime(CLOCK_MONOTONIC, &t1);
        for (int which = 2; which >= 1; which--) {
            double p10 = 0, r20 = 0, auc = 0, with_neighbours = 0, neighbours = 0;
            size_t queries = 0, auc_pairs = 0;
            rng = 88172645463325252ull;
            for (uint32_t occ = 0; occ < count; occ++) {
                if (sm_taxonomy_type(tx, occ) != SM_CT_OCCUPATION || split[occ] != which)
                    continue;
                const sm_edge *e;
                size_t n = sm_taxonomy_adjacent(tx, occ, SM_ADJ_OCC_SKILLS, &e);
                if (n < 3)
                    continue;
                for (size_t i = 0; i < n; i++)
                    in_occ[e[i].concept] = 1;
                for (size_t i = 0; i < n; i++) {
                    uint32_t s = e[i].concept;
                    const sm_neighbour *list;
                    size_t m = sm_similarity_neighbours(sim, s, &list);
                    size_t hits10 = 0, hits20 = 0;
                    for (size_t k = 0; k < m && k < 20; k++) {
                        if (in_occ[list[k].concept]) {
                            hits20++;
                            hits10 += k < 10;
                        }
                    }
                    p10 += (double)hits10 / 10;
                    r20 += (double)hits20 / (double)(n - 1);
                    with_neighbours += m > 0;
                    neighbours += (double)m;
                    queries++;
                    /* AUC on sampled pairs: a skill of the same occupation against a random skill.
                     */
                    for (int k = 0; k < 4; k++) {
                        uint32_t t = e[next_random() % n].concept;
                        uint32_t r = skills[next_random() % skill_count];
                        if (t == s || in_occ[r])
                            continue;
                        float st = sm_similarity_pair(sim, s, t, NULL),
                              sr = sm_similarity_pair(sim, s, r, NULL);
                        auc += st > sr ? 1.0 : st == sr ? 0.5 : 0.0;
                        auc_pairs++;
                    }
                }
                for (size_t i = 0; i < n; i++)
                    in_occ[e[i].concept] = 0;
            }
            printf("| %s | %s | %.3f | %.3f | %.3f | %.1f | %.2f |\n", variants[v].name,
                   which == 2 ? "dev" : "test", p10 / queries, r20 / queries, auc / auc_pairs,
                   neighbours / queries,
                   (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
            fflush(stdout);
            (void)with_neighbours;
        }
        sm_similarity_free(sim);
    }
    size_t dev = 0, test = 0;
    for (uint32_t id = 0; id < count; id++) {
        dev += sm_taxonomy_type(tx, id) == SM_CT_OCCUPATION && split[id] == 2;
        test += sm_taxonomy_type(tx, id) == SM_CT_OCCUPATION && split[id] == 1;
    }
    printf("\noccupations: %zu dev, %zu test (held out), of %zu\n", dev, test,
           sm_taxonomy_count_type(tx, SM_CT_OCCUPATION));
    sm_taxonomy_free(tx);
    return 0;
}
