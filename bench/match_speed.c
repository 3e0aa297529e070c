/*
 * match_speed.c: the matcher at full scale, on synthetic data drawn from ESCO.
 *
 * Usage: match_speed ESCO_DIR [OFFERS [PROFILES [QUERIES]]]   (default 1000000 1000000 1000)
 *        match_speed ESCO_DIR OFFERS PROFILES QUERIES --dump DIR
 *
 * Generator: occupations are drawn with Zipf-skewed popularity (a few
 * occupations post most offers, as in real ads); an offer asks for its
 * occupation's essential skills (at most 10) and optional ones up to ~15,
 * with DigComp-style levels on some digital skills; locations are French
 * cities weighted by population, with ~15 km of jitter; 5% are remote, 3%
 * expired. A profile names ~6 of an occupation's skills, 2 hierarchy
 * neighbours and 2 random skills, with levels, evidence, a mobility radius
 * and consent for 70%.
 * Prints key=value lines: build time, memory, query latencies (one thread,
 * then two), candidate search, upsert and delete latency during queries.
 * With --dump, also writes the offers, their requirements and the query
 * profiles as CSV for the PostgreSQL peer (bench/pg_match.sh).
 */
#include "matcher/matcher.h"
#include "taxonomy/loader.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TODAY 20400

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long rss_kb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = 0;
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "VmRSS:", 6) == 0)
            sscanf(line + 6, "%ld", &kb);
    if (f)
        fclose(f);
    return kb;
}

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
} cities[] = {{48.8566, 2.3522, 21.0}, {43.2965, 5.3698, 8.7}, {45.7640, 4.8357, 5.2},
              {43.6047, 1.4442, 4.8},  {43.7102, 7.2620, 3.4}, {47.2184, -1.5536, 3.1},
              {48.5734, 7.7521, 2.8},  {43.6108, 3.8767, 2.9}, {44.8378, -0.5792, 2.5},
              {50.6292, 3.0573, 2.3},  {48.1173, -1.6778, 2.2}, {49.2583, 4.0317, 1.8},
              {45.4397, 4.3872, 1.7},  {43.1242, 5.9280, 1.7}, {49.4944, 0.1079, 1.7},
              {45.1885, 5.7245, 1.6},  {47.3220, 5.0415, 1.5}, {47.4784, -0.5632, 1.5},
              {45.7772, 3.0870, 1.4},  {49.4431, 1.0993, 1.4}, {47.9029, 1.9093, 1.2},
              {48.6921, 6.1844, 1.1},  {49.8941, 2.2958, 1.1}, {47.3941, 0.6848, 1.1},
              {42.6887, 2.8948, 1.0},  {43.9493, 4.8055, 0.9}, {46.5802, 0.3404, 0.8},
              {45.8336, 1.2611, 0.8},  {50.2910, 2.7775, 0.6}, {44.9334, 4.8924, 0.6}};
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
        c[n++] = (sm_skill_claim){neighbour(r, oc->ess[rnd(r, (uint32_t)oc->ne)]), (uint8_t)rnd(r, 9),
                                  (uint8_t)rnd(r, 4)};
    while (n < want)
        c[n++] = (sm_skill_claim){random_skill(r), (uint8_t)rnd(r, 9), (uint8_t)rnd(r, 4)};
    return n;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void percentiles(const char *name, double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_double);
    printf("%s_p50_us=%.1f\n%s_p99_us=%.1f\n%s_max_us=%.1f\n", name, v[n / 2] * 1e6, name,
           v[n * 99 / 100] * 1e6, name, v[n - 1] * 1e6);
}

typedef struct query_set {
    sm_skill_claim claims[10];
    sm_profile p;
} query_set;

static sm_matcher *m;
static query_set *queries;
static size_t n_queries;

typedef struct worker {
    size_t first, count;
    double *lat;
    double elapsed;
} worker;

static void *run_queries(void *arg)
{
    worker *w = arg;
    sm_match_reader *r = sm_match_reader_new(m);
    sm_match_options opts = {SM_OFFER_JOB, 20, TODAY, SM_LANG_FR, 0};
    sm_error err;
    double start = now();
    for (size_t i = 0; i < w->count; i++) {
        double t0 = now();
        sm_match_offers(r, &queries[(w->first + i) % n_queries].p, &opts, &err);
        if (w->lat)
            w->lat[i] = now() - t0;
    }
    w->elapsed = now() - start;
    sm_match_reader_free(r);
    return NULL;
}

static atomic_int stop_readers;
static void *background_reader(void *arg)
{
    (void)arg;
    sm_match_reader *r = sm_match_reader_new(m);
    sm_match_options opts = {SM_OFFER_JOB, 20, TODAY, SM_LANG_FR, 0};
    sm_error err;
    for (size_t i = 0; !atomic_load(&stop_readers); i++)
        sm_match_offers(r, &queries[i % n_queries].p, &opts, &err);
    sm_match_reader_free(r);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: match_speed ESCO_DIR [OFFERS [PROFILES [QUERIES]]] [--dump DIR]\n");
        return 2;
    }
    size_t n_offers = argc > 2 ? (size_t)atol(argv[2]) : 1000000;
    size_t n_profiles = argc > 3 ? (size_t)atol(argv[3]) : 1000000;
    n_queries = argc > 4 ? (size_t)atol(argv[4]) : 1000;
    const char *dump = argc > 6 && strcmp(argv[5], "--dump") == 0 ? argv[6] : NULL;
    sm_load_options lo = {argv[1], NULL};
    sm_taxonomy *t;
    sm_error err;
    if (sm_taxonomy_load(&lo, &t, NULL, &err) != SM_OK) {
        fprintf(stderr, "match_speed: %s\n", err.message);
        return 1;
    }
    tx = t;
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
            else if (e[i].relation == SM_REL_OCC_OPTIONAL && o->no < 64)
                o->opt[o->no++] = e[i].concept;
        }
        if (o->ne >= 3)
            n_occs++;
    }
    /* Zipf popularity over a shuffled order of occupations. */
    rng_t r = {0x9E3779B97F4A7C15ull};
    for (size_t i = n_occs; i > 1; i--) {
        size_t j = rnd(&r, (uint32_t)i);
        occ tmp = occs[i - 1];
        occs[i - 1] = occs[j];
        occs[j] = tmp;
    }
    occ_cdf = malloc(n_occs * sizeof *occ_cdf);
    for (size_t i = 0; i < n_occs; i++)
        occ_cdf[i] = (i ? occ_cdf[i - 1] : 0) + 1.0 / pow((double)(i + 1), 0.9);

    long rss0 = rss_kb();
    double t0 = now();
    if (sm_matcher_new(tx, &m) != SM_OK)
        return 1;
    FILE *f_offers = NULL, *f_reqs = NULL;
    if (dump) {
        char path[4096];
        snprintf(path, sizeof path, "%s/offers.csv", dump);
        f_offers = fopen(path, "w");
        snprintf(path, sizeof path, "%s/requirements.csv", dump);
        f_reqs = fopen(path, "w");
    }
    char id[32];
    char title[1100];
    for (size_t i = 0; i < n_offers; i++) {
        sm_requirement reqs[24];
        size_t oi;
        size_t n = make_offer(&r, reqs, &oi);
        snprintf(id, sizeof id, "o%zu", i);
        snprintf(title, sizeof title, "%s", sm_taxonomy_label_any(tx, occs[oi].id, SM_LANG_FR));
        sm_offer o = {id, title, "Structure d'insertion", "CDDI", SM_OFFER_JOB, reqs, n, NULL, 0,
                      place(&r), rnd(&r, 20) == 0, 26 + rnd(&r, 10), 0,
                      rnd(&r, 33) == 0 ? TODAY - 1 - (int32_t)rnd(&r, 100) : TODAY + 60,
                      occs[oi].id, 0, 0, 0, 0};
        if (sm_matcher_upsert_offer(m, &o, &err) != SM_OK) {
            fprintf(stderr, "match_speed: %s\n", err.message);
            return 1;
        }
        if (f_offers) {
            fprintf(f_offers, "%zu,%.6f,%.6f,%d,%d\n", i, o.location.lat, o.location.lon, o.remote,
                    o.valid_through);
            for (size_t k = 0; k < n; k++)
                fprintf(f_reqs, "%zu,%u,%d,%d,%.9g\n", i, reqs[k].skill, reqs[k].essential,
                        reqs[k].level,
                        (double)(sm_matcher_rarity(m, reqs[k].skill) * (reqs[k].essential ? 3.0f : 1.0f)));
        }
    }
    double t1 = now();
    for (size_t i = 0; i < n_profiles; i++) {
        sm_skill_claim c[10];
        size_t n = make_claims(&r, c, 10);
        snprintf(id, sizeof id, "p%zu", i);
        sm_profile p = {id, c, n, place(&r), rnd(&r, 5) ? (float)(10 + rnd(&r, 90)) : 0, 0,
                        rnd(&r, 10) < 7 ? SM_CONSENT_VISIBLE : 0};
        if (sm_matcher_upsert_profile(m, &p, &err) != SM_OK) {
            fprintf(stderr, "match_speed: %s\n", err.message);
            return 1;
        }
    }
    double t2 = now();
    if (f_offers) {
        fclose(f_offers);
        fclose(f_reqs);
    }
    printf("offers=%zu\nprofiles=%zu\n", n_offers, n_profiles);
    printf("build_offers_s=%.2f\nbuild_profiles_s=%.2f\nbuild_total_s=%.2f\n", t1 - t0, t2 - t1, t2 - t0);
    printf("rss_mb=%.0f\nrss_added_mb=%.0f\nmatcher_bytes_mb=%.0f\n", rss_kb() / 1024.0,
           (rss_kb() - rss0) / 1024.0, sm_matcher_memory(m) / 1048576.0);

    queries = calloc(n_queries, sizeof *queries);
    FILE *f_q = NULL;
    if (dump) {
        char path[4096];
        snprintf(path, sizeof path, "%s/queries.csv", dump);
        f_q = fopen(path, "w");
    }
    for (size_t i = 0; i < n_queries; i++) {
        query_set *q = &queries[i];
        size_t n = make_claims(&r, q->claims, 10);
        q->p = (sm_profile){"q", q->claims, n, place(&r), (float)(20 + rnd(&r, 80)), 0, 0};
        for (size_t k = 0; f_q && k < n; k++)
            fprintf(f_q, "%zu,%u,%d,%d,%.6f,%.6f,%.1f\n", i, q->claims[k].skill, q->claims[k].level,
                    q->claims[k].evidence, q->p.location.lat, q->p.location.lon, (double)q->p.radius_km);
    }
    if (f_q)
        fclose(f_q);

    /* One thread, then two, on the same queries. */
    double *lat = malloc(n_queries * sizeof *lat);
    worker w1 = {0, n_queries, lat, 0};
    run_queries(&w1);
    percentiles("offers_query", lat, n_queries);
    pthread_t th[2];
    worker w2[2] = {{0, n_queries, NULL, 0}, {n_queries / 2, n_queries, NULL, 0}};
    double s2 = now();
    for (int i = 0; i < 2; i++)
        pthread_create(&th[i], NULL, run_queries, &w2[i]);
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    double e2 = now() - s2;
    double qps1 = (double)n_queries / w1.elapsed, qps2 = 2.0 * (double)n_queries / e2;
    printf("qps_1_thread=%.0f\nqps_2_threads=%.0f\nscaling_2_threads=%.2f\n", qps1, qps2, qps2 / qps1);

    /* Candidates for offers. */
    sm_match_reader *rd = sm_match_reader_new(m);
    sm_match_options opts = {SM_OFFER_JOB, 20, TODAY, SM_LANG_FR, 0};
    size_t nc = n_queries < 500 ? n_queries : 500;
    double *clat = malloc(nc * sizeof *clat);
    for (size_t i = 0; i < nc; i++) {
        snprintf(id, sizeof id, "o%u", rnd(&r, (uint32_t)n_offers));
        double c0 = now();
        sm_match_candidates(rd, id, &opts, &err);
        clat[i] = now() - c0;
    }
    percentiles("candidates_query", clat, nc);

    /* Upserts and deletes while a reader queries. */
    pthread_t bg;
    pthread_create(&bg, NULL, background_reader, NULL);
    size_t nw = 20000;
    double *ulat = malloc(nw * sizeof *ulat), *dlat = malloc(nw * sizeof *dlat);
    size_t nu = 0, nd = 0;
    for (size_t i = 0; i < nw; i++) {
        sm_requirement reqs[24];
        size_t oi;
        size_t n = make_offer(&r, reqs, &oi);
        snprintf(id, sizeof id, "o%u", rnd(&r, (uint32_t)n_offers));
        sm_offer o = {id, "Agent d'entretien", "Régie de quartier", "CDI", SM_OFFER_JOB, reqs, n, NULL,
                      0, place(&r), 0, 35, 0, TODAY + 30, occs[oi].id, 0, 0, 0, 0};
        double u0 = now();
        if (i % 4 == 3) {
            sm_matcher_delete_offer(m, id);
            dlat[nd++] = now() - u0;
        } else {
            sm_matcher_upsert_offer(m, &o, &err);
            ulat[nu++] = now() - u0;
        }
    }
    atomic_store(&stop_readers, 1);
    pthread_join(bg, NULL);
    percentiles("upsert_offer", ulat, nu);
    percentiles("delete_offer", dlat, nd);
    sm_match_reader_free(rd);
    sm_matcher_free(m);
    sm_taxonomy_free(t);
    return 0;
}
