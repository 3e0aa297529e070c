/*
 * neighbours.c: the similarity neighbours of each skill, kept when mutual and made symmetric at
 * creation, so that expanding the profile (offers query) and expanding the offer (candidates
 * query) give the same credits.
 */
#include "matcher/internal.h"

typedef struct pair {
    uint32_t a, b;
    float sim;
} pair;

static int cmp_pair(const void *x, const void *y)
{
    const pair *p = x, *q = y;
    if (p->a != q->a)
        return p->a < q->a ? -1 : 1;
    if (p->b != q->b)
        return p->b < q->b ? -1 : 1;
    return (p->sim < q->sim) - (p->sim > q->sim); /* larger sim first */
}

/* A skill's neighbours by strength: similarity, then the more specific first (fewer
 * occupations ask for it: as with rarity, its credit says more), then concept number. */
typedef struct ranked_nb {
    uint32_t index; /* in the skill's list */
    float sim;
    uint32_t occupations, skill;
} ranked_nb;

static int cmp_ranked_nb(const void *x, const void *y)
{
    const ranked_nb *p = x, *q = y;
    if (p->sim != q->sim)
        return p->sim > q->sim ? -1 : 1;
    if (p->occupations != q->occupations)
        return p->occupations < q->occupations ? -1 : 1;
    return (p->skill > q->skill) - (p->skill < q->skill);
}

/* Where b sits in a's list (sorted by skill), or UINT32_MAX. */
static uint32_t nb_index(const sm_matcher *m, uint32_t a, uint32_t b)
{
    uint32_t lo = m->nb_offsets[a], hi = m->nb_offsets[a + 1];
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (m->nbs[mid].skill < b)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < m->nb_offsets[a + 1] && m->nbs[lo].skill == b ? lo : UINT32_MAX;
}

/*
 * Keeps a pair only when each skill is among the other's MAX_NEIGHBOURS
 * strongest (mutual nearest neighbours). Without it a broad skill with
 * hundreds of narrower ones, all equally similar, expands every query that
 * names it to all of them. Measured (bench/match_eval, dev profiles; and
 * bench/match_speed): nDCG@10 0.690 -> 0.688, MRR 0.782 -> 0.774, postings
 * walked per query -30%, query p50 1.07 -> 0.81 ms. Breaking ties by
 * popularity instead kept longer lists and ranked no better.
 */
static int keep_mutual_neighbours(sm_matcher *m)
{
    size_t count = m->skill_space, total = m->nb_offsets[count];
    uint32_t *rank = sm_malloc((total + 1) * sizeof *rank);
    ranked_nb *tmp = sm_malloc((total + 1) * sizeof *tmp);
    if (!rank || !tmp) {
        sm_free(rank);
        sm_free(tmp);
        return SM_ENOMEM;
    }
    for (uint32_t a = 0; a < count; a++) {
        uint32_t first = m->nb_offsets[a], n = m->nb_offsets[a + 1] - first;
        for (uint32_t i = 0; i < n; i++) {
            const sm_edge *e;
            uint32_t b = m->nbs[first + i].skill;
            tmp[i] =
                (ranked_nb){i, m->nbs[first + i].sim,
                            (uint32_t)sm_taxonomy_adjacent(m->tx, b, SM_ADJ_SKILL_OCCS, &e), b};
        }
        qsort(tmp, n, sizeof *tmp, cmp_ranked_nb);
        for (uint32_t r = 0; r < n; r++)
            rank[first + tmp[r].index] = r;
    }
    /* rank[i] becomes 1 for the pairs kept, before any list moves. */
    for (uint32_t a = 0; a < count; a++)
        for (uint32_t i = m->nb_offsets[a]; i < m->nb_offsets[a + 1]; i++) {
            uint32_t back = nb_index(m, m->nbs[i].skill, a);
            tmp[i].index =
                rank[i] < MAX_NEIGHBOURS && back != UINT32_MAX && rank[back] < MAX_NEIGHBOURS;
        }
    size_t kept = 0;
    for (uint32_t a = 0, start = 0; a < count; a++) {
        uint32_t end = m->nb_offsets[a + 1];
        for (uint32_t i = start; i < end; i++)
            if (tmp[i].index)
                m->nbs[kept++] = m->nbs[i]; /* kept <= i: moves down in place, order kept */
        start = end;
        m->nb_offsets[a + 1] = (uint32_t)kept;
    }
    sm_free(rank);
    sm_free(tmp);
    return SM_OK;
}

/* Symmetric neighbour lists: b is a's neighbour when either lists the other. */
int sm__build_neighbours(sm_matcher *m, const sm_similarity *sim)
{
    size_t count = m->skill_space, total = 0;
    for (uint32_t a = 0; a < count; a++) {
        const sm_neighbour *list;
        total += sm_similarity_neighbours(sim, a, &list);
    }
    pair *pairs = sm_malloc((2 * total + 1) * sizeof *pairs);
    m->nb_offsets = sm_calloc(count + 1, sizeof *m->nb_offsets);
    if (!pairs || !m->nb_offsets) {
        sm_free(pairs);
        return SM_ENOMEM;
    }
    size_t n = 0;
    for (uint32_t a = 0; a < count; a++) {
        const sm_neighbour *list;
        size_t k = sm_similarity_neighbours(sim, a, &list);
        for (size_t i = 0; i < k; i++) {
            if (list[i].sim < MIN_SIM)
                continue;
            pairs[n++] = (pair){a, list[i].concept, list[i].sim};
            pairs[n++] = (pair){list[i].concept, a, list[i].sim};
        }
    }
    if (n)
        qsort(pairs, n, sizeof *pairs, cmp_pair);
    m->nbs = sm_malloc((n + 1) * sizeof *m->nbs);
    if (!m->nbs) {
        sm_free(pairs);
        return SM_ENOMEM;
    }
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        if (i && pairs[i].a == pairs[i - 1].a && pairs[i].b == pairs[i - 1].b)
            continue;
        m->nbs[kept] = (neighbour){pairs[i].b, pairs[i].sim};
        m->nb_offsets[pairs[i].a + 1]++;
        kept++;
    }
    for (size_t a = 0; a < count; a++)
        m->nb_offsets[a + 1] += m->nb_offsets[a];
    sm_free(pairs);
    return keep_mutual_neighbours(m);
}

size_t sm_matcher_neighbours(const sm_matcher *m, uint32_t skill, uint32_t *skills, float *sims,
                             size_t cap)
{
    if (skill >= m->skill_space)
        return 0;
    size_t n = m->nb_offsets[skill + 1] - m->nb_offsets[skill];
    for (size_t i = 0; i < n && i < cap; i++) {
        skills[i] = m->nbs[m->nb_offsets[skill] + i].skill;
        sims[i] = m->nbs[m->nb_offsets[skill] + i].sim;
    }
    return n;
}

float sm_matcher_similarity(const sm_matcher *m, uint32_t a, uint32_t b)
{
    if (a == b)
        return 1.0f;
    if (a >= m->skill_space)
        return 0.0f;
    const neighbour *list = m->nbs + m->nb_offsets[a];
    size_t lo = 0, hi = m->nb_offsets[a + 1] - m->nb_offsets[a];
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (list[mid].skill < b)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < m->nb_offsets[a + 1] - m->nb_offsets[a] && list[lo].skill == b ? list[lo].sim
                                                                               : 0.0f;
}

void sm_matcher_sim_params(sm_sim_params *p)
{
    /* Chosen on the dev profiles of bench/match_eval (see matcher/README.md): a
     * sibling can stand in for a skill, a skill asked alongside it cannot. */
    sm_sim_params_default(p);
    p->sibling = 0.65f;
    p->sibling_group_size = 40.0f;
    p->parent = 0.60f;
    p->cooccur = 0.0f;
}
