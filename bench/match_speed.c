/*
 * match_speed.c: the matcher at full scale, on synthetic data drawn from ESCO.
 *
 * Usage: match_speed ESCO_DIR [OFFERS [PROFILES [QUERIES]]]   (default 1000000 1000000 1000)
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
 * then two), candidate search, upsert and delete latency of offers and of
 * profiles while another thread queries.
 * The PostgreSQL peer on the same generator is bench/match_pg.c.
 */
#include "bench/gen.h"
#include "bench/util.h"
#include "taxonomy/loader.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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
    sm_match_stats sum; /* totals of the queries' stats */
} worker;

static void add_stats(sm_match_stats *sum, const sm_match_reader *r)
{
    sm_match_stats st;
    sm_match_last_stats(r, &st);
    sum->postings += st.postings;
    sum->crossed += st.crossed;
    sum->considered += st.considered;
    sum->exact += st.exact;
    sum->full_scan += st.full_scan;
}

static void print_stats(const char *name, const sm_match_stats *sum, size_t n)
{
    printf("%s_postings_mean=%.0f\n%s_crossed_mean=%.0f\n%s_considered_mean=%.0f\n"
           "%s_exact_mean=%.0f\n%s_full_scan_share=%.3f\n",
           name, (double)sum->postings / (double)n, name, (double)sum->crossed / (double)n, name,
           (double)sum->considered / (double)n, name, (double)sum->exact / (double)n, name,
           (double)sum->full_scan / (double)n);
}

static void *run_queries(void *arg)
{
    worker *w = arg;
    sm_match_reader *r = sm_match_reader_new(m);
    sm_match_options opts = {SM_OFFER_JOB, 20, TODAY, SM_LANG_FR, 0, NULL};
    sm_error err;
    double start = now();
    for (size_t i = 0; i < w->count; i++) {
        double t0 = now();
        sm_match_offers(r, &queries[(w->first + i) % n_queries].p, &opts, &err);
        if (w->lat)
            w->lat[i] = now() - t0;
        add_stats(&w->sum, r);
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
    sm_match_options opts = {SM_OFFER_JOB, 20, TODAY, SM_LANG_FR, 0, NULL};
    sm_error err;
    for (size_t i = 0; !atomic_load(&stop_readers); i++)
        sm_match_offers(r, &queries[i % n_queries].p, &opts, &err);
    sm_match_reader_free(r);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: match_speed ESCO_DIR [OFFERS [PROFILES [QUERIES]]]\n");
        return 2;
    }
    size_t n_offers = argc > 2 ? (size_t)atol(argv[2]) : 1000000;
    size_t n_profiles = argc > 3 ? (size_t)atol(argv[3]) : 1000000;
    n_queries = argc > 4 ? (size_t)atol(argv[4]) : 1000;
    rng_t r;
    sm_taxonomy *t = gen_load(argv[0], argv[1], &r);
    sm_error err;
    if (!t)
        return 1;
    long rss0 = rss_kb();
    double t0 = now();
    if (sm_matcher_new(tx, &m) != SM_OK)
        return 1;
    char id[32];
    char title[1100];
    double insert_offers = 0,
           insert_profiles = 0; /* time inside the matcher, generation excluded */
    for (size_t i = 0; i < n_offers; i++) {
        sm_requirement reqs[24];
        size_t oi;
        size_t n = make_offer(&r, reqs, &oi);
        snprintf(id, sizeof id, "o%zu", i);
        snprintf(title, sizeof title, "%s", sm_taxonomy_label_any(tx, occs[oi].id, SM_LANG_FR));
        sm_offer o = {id,
                      title,
                      "Structure d'insertion",
                      "CDDI",
                      SM_OFFER_JOB,
                      reqs,
                      n,
                      NULL,
                      0,
                      place(&r),
                      rnd(&r, 20) == 0,
                      26 + rnd(&r, 10),
                      0,
                      rnd(&r, 33) == 0 ? TODAY - 1 - (int32_t)rnd(&r, 100) : TODAY + 60,
                      occs[oi].id,
                      0,
                      0,
                      0,
                      0,
                      0,
                      0,
                      0,
                      NULL,
                      0};
        double a = now();
        if (sm_matcher_upsert_offer(m, &o, &err) != SM_OK) {
            fprintf(stderr, "match_speed: %s\n", err.message);
            return 1;
        }
        insert_offers += now() - a;
    }

    for (size_t i = 0; i < n_profiles; i++) {
        sm_skill_claim c[10];
        size_t n = make_claims(&r, c, 10);
        snprintf(id, sizeof id, "p%zu", i);
        sm_profile p = {id,
                        c,
                        n,
                        place(&r),
                        rnd(&r, 5) ? (float)(10 + rnd(&r, 90)) : 0,
                        0,
                        rnd(&r, 10) < 7 ? SM_CONSENT_VISIBLE : 0};
        double a = now();
        if (sm_matcher_upsert_profile(m, &p, &err) != SM_OK) {
            fprintf(stderr, "match_speed: %s\n", err.message);
            return 1;
        }
        insert_profiles += now() - a;
    }
    double t2 = now();
    printf("offers=%zu\nprofiles=%zu\n", n_offers, n_profiles);
    printf("generate_and_build_s=%.2f\n", t2 - t0);
    printf("build_offers_s=%.2f\nbuild_profiles_s=%.2f\nbuild_total_s=%.2f\n", insert_offers,
           insert_profiles, insert_offers + insert_profiles);
    printf("rss_mb=%.0f\nrss_added_mb=%.0f\nmatcher_bytes_mb=%.0f\n", rss_kb() / 1024.0,
           (rss_kb() - rss0) / 1024.0, sm_matcher_memory(m) / 1048576.0);

    queries = calloc(n_queries, sizeof *queries);
    for (size_t i = 0; i < n_queries; i++) {
        query_set *q = &queries[i];
        size_t n = make_claims(&r, q->claims, 10);
        q->p = (sm_profile){"q", q->claims, n, place(&r), (float)(20 + rnd(&r, 80)), 0, 0};
    }

    /* One thread, then two, on the same queries. */
    double *lat = malloc(n_queries * sizeof *lat);
    worker w1 = {0, n_queries, lat, 0, {0}};
    /* BENCH_TUNE_ROUNDS=N: N rounds of the one-thread queries, a line each, then stop (to
     * compare two builds run alternately on a noisy machine). */
    const char *tune = getenv("BENCH_TUNE_ROUNDS");
    for (int round = tune ? atoi(tune) : 0; round > 0; round--) {
        run_queries(&w1);
        double mean = 0;
        for (size_t i = 0; i < n_queries; i++)
            mean += lat[i];
        printf("round mean_us=%.1f ", mean / n_queries * 1e6);
        qsort(lat, n_queries, sizeof *lat, cmp_double);
        printf("p50_us=%.1f p90_us=%.1f p99_us=%.1f\n", lat[n_queries / 2] * 1e6,
               lat[n_queries * 9 / 10] * 1e6, lat[n_queries * 99 / 100] * 1e6);
        print_stats("round", &w1.sum, n_queries);
        memset(&w1.sum, 0, sizeof w1.sum);
        if (round == 1)
            return 0;
    }
    run_queries(&w1);
    percentiles("offers_query", lat, n_queries);
    print_stats("offers_query", &w1.sum, n_queries);
    /* The same queries accumulated one posting at a time, then sixteen at a time (AVX-512),
     * in turn, five rounds each: medians of the rounds' p50 and p99, and their ratio, from
     * one process (the machine drifts between runs more than the difference). */
    if (sm_matcher_set_wide(m, 1)) {
        double p50[2][5], p99[2][5];
        for (int round = 0; round < 5; round++)
            for (int wide = 0; wide < 2; wide++) {
                sm_matcher_set_wide(m, wide);
                worker w = {0, n_queries, lat, 0, {0}};
                run_queries(&w);
                qsort(lat, n_queries, sizeof *lat, cmp_double);
                p50[wide][round] = lat[n_queries / 2] * 1e6;
                p99[wide][round] = lat[n_queries * 99 / 100] * 1e6;
            }
        sm_matcher_set_wide(m, 1);
        for (int wide = 0; wide < 2; wide++) {
            qsort(p50[wide], 5, sizeof(double), cmp_double);
            qsort(p99[wide], 5, sizeof(double), cmp_double);
        }
        printf("offers_query_scalar_p50_us=%.1f\noffers_query_scalar_p99_us=%.1f\n"
               "offers_query_wide_p50_us=%.1f\noffers_query_wide_p99_us=%.1f\n"
               "wide_speedup_p50=%.2f\n",
               p50[0][2], p99[0][2], p50[1][2], p99[1][2], p50[0][2] / p50[1][2]);
    }
    pthread_t th[2];
    worker w2[2] = {{0, n_queries, NULL, 0, {0}}, {n_queries / 2, n_queries, NULL, 0, {0}}};
    double s2 = now();
    for (int i = 0; i < 2; i++)
        pthread_create(&th[i], NULL, run_queries, &w2[i]);
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    double e2 = now() - s2;
    double qps1 = (double)n_queries / w1.elapsed, qps2 = 2.0 * (double)n_queries / e2;
    printf("qps_1_thread=%.0f\nqps_2_threads=%.0f\nscaling_2_threads=%.2f\n", qps1, qps2,
           qps2 / qps1);

    /* The same people without a location: every cell of every list is walked. */
    for (size_t i = 0; i < n_queries; i++)
        queries[i].p.location.known = 0;
    memset(&w1.sum, 0, sizeof w1.sum);
    run_queries(&w1);
    percentiles("offers_query_unlocated", lat, n_queries);
    print_stats("offers_query_unlocated", &w1.sum, n_queries);
    for (size_t i = 0; i < n_queries; i++)
        queries[i].p.location.known = 1;

    /* Candidates for offers. */
    sm_match_reader *rd = sm_match_reader_new(m);
    sm_match_options opts = {SM_OFFER_JOB, 20, TODAY, SM_LANG_FR, 0, NULL};
    size_t nc = n_queries < 500 ? n_queries : 500;
    double *clat = malloc(nc * sizeof *clat);
    sm_match_stats csum = {0};
    for (size_t i = 0; i < nc; i++) {
        snprintf(id, sizeof id, "o%u", rnd(&r, (uint32_t)n_offers));
        double c0 = now();
        sm_match_candidates(rd, id, &opts, &err);
        clat[i] = now() - c0;
        add_stats(&csum, rd);
    }
    percentiles("candidates_query", clat, nc);
    print_stats("candidates_query", &csum, nc);

    /* Upserts and deletes while a reader queries. */
    pthread_t bg;
    pthread_create(&bg, NULL, background_reader, NULL);
    size_t nw = 20000;
    double *ulat = malloc(nw * sizeof *ulat), *dlat = malloc(nw * sizeof *dlat);
    double *pulat = malloc(nw * sizeof *pulat), *pdlat = malloc(nw * sizeof *pdlat);
    size_t nu = 0, nd = 0, npu = 0, npd = 0;
    for (size_t i = 0; i < nw; i++) {
        sm_requirement reqs[24];
        size_t oi;
        size_t n = make_offer(&r, reqs, &oi);
        snprintf(id, sizeof id, "o%u", rnd(&r, (uint32_t)n_offers));
        sm_offer o = {id,
                      "Agent d'entretien",
                      "Régie de quartier",
                      "CDI",
                      SM_OFFER_JOB,
                      reqs,
                      n,
                      NULL,
                      0,
                      place(&r),
                      0,
                      35,
                      0,
                      TODAY + 30,
                      occs[oi].id,
                      0,
                      0,
                      0,
                      0,
                      0,
                      0,
                      0,
                      NULL,
                      0};
        double u0 = now();
        if (i % 4 == 3) {
            sm_matcher_delete_offer(m, id);
            dlat[nd++] = now() - u0;
        } else {
            sm_matcher_upsert_offer(m, &o, &err);
            ulat[nu++] = now() - u0;
        }
        /* and one profile */
        sm_skill_claim c[10];
        size_t nc_claims = make_claims(&r, c, 10);
        snprintf(id, sizeof id, "p%u", rnd(&r, (uint32_t)n_profiles));
        sm_profile p = {id,
                        c,
                        nc_claims,
                        place(&r),
                        (float)(10 + rnd(&r, 90)),
                        0,
                        rnd(&r, 10) < 7 ? SM_CONSENT_VISIBLE : 0};
        u0 = now();
        if (i % 4 == 1) {
            sm_matcher_delete_profile(m, id);
            pdlat[npd++] = now() - u0;
        } else {
            sm_matcher_upsert_profile(m, &p, &err);
            pulat[npu++] = now() - u0;
        }
    }
    atomic_store(&stop_readers, 1);
    pthread_join(bg, NULL);
    percentiles("upsert_offer", ulat, nu);
    percentiles("delete_offer", dlat, nd);
    percentiles("upsert_profile", pulat, npu);
    percentiles("delete_profile", pdlat, npd);
    sm_match_reader_free(rd);
    sm_matcher_free(m);
    sm_taxonomy_free(t);
    return 0;
}
