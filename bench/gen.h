/*
 * gen.h: the synthetic data generator shared by the matcher benchmarks
 * (match_speed.c, match_pg.c): offers and profiles drawn from the full ESCO
 * taxonomy, skill popularity skewed by a Zipf law over occupations, locations
 * over French cities. Header-only: each benchmark is one program.
 */
#ifndef SM_BENCH_GEN_H
#define SM_BENCH_GEN_H

#include "matcher/matcher.h"
#include "taxonomy/loader.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The day the generated dates count from: the real date, since the matcher judges what is
 * open by it where a query passes no day (gaps, demand); a fixed day made every generated
 * offer closed once it had passed. */
static inline int32_t bench_today(void)
{
    static int32_t today;
    if (!today)
        today = sm_today();
    return today;
}
#define TODAY bench_today()

typedef struct rng_t {
    uint64_t s;
} rng_t;

static uint32_t rnd(rng_t *r, uint32_t n)
{
    r->s ^= r->s << 13;
    r->s ^= r->s >> 7;
    r->s ^= r->s << 17;
    return n ? (uint32_t)(r->s % n) : 0;
}

static double rndf(rng_t *r)
{
    return (double)rnd(r, 1u << 30) / (double)(1u << 30);
}

static const struct city {
    double lat, lon, weight;
} cities[] = {{48.8566, 2.3522, 21.0}, {43.2965, 5.3698, 8.7},  {45.7640, 4.8357, 5.2},
              {43.6047, 1.4442, 4.8},  {43.7102, 7.2620, 3.4},  {47.2184, -1.5536, 3.1},
              {48.5734, 7.7521, 2.8},  {43.6108, 3.8767, 2.9},  {44.8378, -0.5792, 2.5},
              {50.6292, 3.0573, 2.3},  {48.1173, -1.6778, 2.2}, {49.2583, 4.0317, 1.8},
              {45.4397, 4.3872, 1.7},  {43.1242, 5.9280, 1.7},  {49.4944, 0.1079, 1.7},
              {45.1885, 5.7245, 1.6},  {47.3220, 5.0415, 1.5},  {47.4784, -0.5632, 1.5},
              {45.7772, 3.0870, 1.4},  {49.4431, 1.0993, 1.4},  {47.9029, 1.9093, 1.2},
              {48.6921, 6.1844, 1.1},  {49.8941, 2.2958, 1.1},  {47.3941, 0.6848, 1.1},
              {42.6887, 2.8948, 1.0},  {43.9493, 4.8055, 0.9},  {46.5802, 0.3404, 0.8},
              {45.8336, 1.2611, 0.8},  {50.2910, 2.7775, 0.6},  {44.9334, 4.8924, 0.6}};
#define N_CITIES (sizeof cities / sizeof cities[0])

static sm_geo place(rng_t *r)
{
    double total = 0;
    for (size_t i = 0; i < N_CITIES; i++)
        total += cities[i].weight;
    double x = rndf(r) * total;
    size_t c = 0;
    while (c + 1 < N_CITIES && x > cities[c].weight) {
        x -= cities[c].weight;
        c++;
    }
    sm_geo g = {cities[c].lat + (rndf(r) - 0.5) * 0.3, cities[c].lon + (rndf(r) - 0.5) * 0.4, 1};
    return g;
}

typedef struct occ {
    uint32_t id;
    uint32_t ess[32], opt[64];
    size_t ne, no;
} occ;

static const sm_taxonomy *tx;
static occ *occs;
static size_t n_occs;
static double *occ_cdf;

static size_t pick_occ(rng_t *r)
{
    double x = rndf(r) * occ_cdf[n_occs - 1];
    size_t lo = 0, hi = n_occs - 1;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (occ_cdf[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static uint32_t random_skill(rng_t *r)
{
    for (;;) {
        uint32_t s = rnd(r, (uint32_t)sm_taxonomy_count(tx));
        if (sm_concept_is_skill(sm_taxonomy_type(tx, s)))
            return s;
    }
}

static uint32_t neighbour(rng_t *r, uint32_t s)
{
    const sm_edge *up, *sib;
    size_t nu = sm_taxonomy_adjacent(tx, s, SM_ADJ_BROADER, &up);
    if (!nu)
        return s;
    uint32_t parent = up[rnd(r, (uint32_t)nu)].concept;
    size_t ns = sm_taxonomy_adjacent(tx, parent, SM_ADJ_NARROWER, &sib);
    for (int tries = 0; tries < 4 && ns; tries++) {
        uint32_t c = sib[rnd(r, (uint32_t)ns)].concept;
        if (sm_concept_is_skill(sm_taxonomy_type(tx, c)))
            return c;
    }
    return sm_concept_is_skill(sm_taxonomy_type(tx, parent)) ? parent : s;
}

static int has(const sm_requirement *reqs, size_t n, uint32_t s)
{
    for (size_t i = 0; i < n; i++)
        if (reqs[i].skill == s)
            return 1;
    return 0;
}

static size_t make_offer(rng_t *r, sm_requirement *reqs, size_t *occ_index)
{
    size_t o = pick_occ(r);
    *occ_index = o;
    const occ *oc = &occs[o];
    size_t n = 0, target = 12 + rnd(r, 7);
    for (size_t i = 0; i < oc->ne && n < 10; i++)
        reqs[n++] = (sm_requirement){oc->ess[i], 1, 0, 0};
    for (int tries = 0; n < target && tries < 40 && oc->no; tries++) {
        uint32_t s = oc->opt[rnd(r, (uint32_t)oc->no)];
        if (!has(reqs, n, s))
            reqs[n++] = (sm_requirement){s, 0, 0, 0};
    }
    for (size_t i = 0; i < n; i++)
        if ((sm_taxonomy_collections(tx, reqs[i].skill) & SM_COLL_DIGITAL) && rnd(r, 3) == 0)
            reqs[i].level = (uint8_t)(1 + rnd(r, 5));
    return n;
}

static size_t make_claims(rng_t *r, sm_skill_claim *c, size_t want)
{
    const occ *oc = &occs[pick_occ(r)];
    size_t n = 0;
    for (int tries = 0; n < want - 4 && tries < 30; tries++) {
        uint32_t s = rnd(r, 3) ? oc->ess[rnd(r, (uint32_t)oc->ne)]
                               : (oc->no ? oc->opt[rnd(r, (uint32_t)oc->no)] : oc->ess[0]);
        int dup = 0;
        for (size_t k = 0; k < n; k++)
            dup |= c[k].skill == s;
        if (!dup)
            c[n++] = (sm_skill_claim){s, (uint8_t)rnd(r, 9), (uint8_t)rnd(r, 4)};
    }
    for (int k = 0; k < 2 && n < want; k++)
        c[n++] = (sm_skill_claim){neighbour(r, oc->ess[rnd(r, (uint32_t)oc->ne)]),
                                  (uint8_t)rnd(r, 9), (uint8_t)rnd(r, 4)};
    while (n < want)
        c[n++] = (sm_skill_claim){random_skill(r), (uint8_t)rnd(r, 9), (uint8_t)rnd(r, 4)};
    return n;
}

/*
 * A job offer as demand_speed and path_speed generate it: make_offer's requirements in reqs
 * (room for 24), id "o<i>" in id (room for 32), the occupation's French label as its title,
 * a place, 1 in 20 remote. Fields not named stay zero.
 */
static inline void gen_job_offer(rng_t *r, size_t i, sm_requirement *reqs, char *id, sm_offer *o)
{
    size_t oi, n = make_offer(r, reqs, &oi);
    snprintf(id, 32, "o%zu", i);
    memset(o, 0, sizeof *o);
    o->id = id;
    o->title = sm_taxonomy_label_any(tx, occs[oi].id, SM_LANG_FR);
    o->kind = SM_OFFER_JOB;
    o->requirements = reqs;
    o->requirement_count = n;
    o->location = place(r);
    o->remote = rnd(r, 20) == 0;
    o->occupation = occs[oi].id;
}

/* Reads the occupations of tx and prepares the Zipf popularity; r seeds the shuffle. */
static void gen_setup(const sm_taxonomy *taxonomy, rng_t *r)
{
    tx = taxonomy;
    size_t count = sm_taxonomy_count(tx);
    occs = calloc(count, sizeof *occs);
    for (uint32_t id = 0; id < count; id++) {
        if (sm_taxonomy_type(tx, id) != SM_CT_OCCUPATION)
            continue;
        occ *o = &occs[n_occs];
        o->id = id;
        const sm_edge *e;
        size_t n = sm_taxonomy_adjacent(tx, id, SM_ADJ_OCC_SKILLS, &e);
        for (size_t i = 0; i < n; i++) {
            if (!sm_concept_is_skill(sm_taxonomy_type(tx, e[i].concept)))
                continue;
            if (e[i].relation == SM_REL_OCC_ESSENTIAL && o->ne < 32)
            o->ess[o->ne++] = e[i].concept;
            else if (e[i].relation == SM_REL_OCC_OPTIONAL && o->no < 64) o->opt[o->no++] =
                e[i].concept;
        }
        if (o->ne >= 3)
            n_occs++;
    }
    /* Zipf popularity over a shuffled order of occupations. */
    for (size_t i = n_occs; i > 1; i--) {
        size_t j = rnd(r, (uint32_t)i);
        occ tmp = occs[i - 1];
        occs[i - 1] = occs[j];
        occs[j] = tmp;
    }
    occ_cdf = malloc(n_occs * sizeof *occ_cdf);
    for (size_t i = 0; i < n_occs; i++)
        occ_cdf[i] = (i ? occ_cdf[i - 1] : 0) + 1.0 / pow((double)(i + 1), 0.9);
}

/*
 * Loads ESCO from esco_dir (with the built-in taxonomy), seeds *r and prepares
 * the generator. Returns the taxonomy (the caller frees it), or NULL after
 * printing the reason prefixed by prog.
 */
static sm_taxonomy *gen_load(const char *prog, const char *esco_dir, rng_t *r)
{
    sm_load_options lo = {esco_dir, NULL};
    sm_taxonomy *t;
    sm_error err;
    if (sm_taxonomy_load(&lo, &t, NULL, &err) != SM_OK) {
        fprintf(stderr, "%s: %s\n", prog, err.message);
        return NULL;
    }
    r->s = 0x9E3779B97F4A7C15ull;
    gen_setup(t, r);
    return t;
}

#endif
