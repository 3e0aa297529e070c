/*
 * match_dump.c: writes the generated offers and query profiles of bench/gen.h
 * as text for peers that are not C (bench/xapian_peer.py), and times
 * skillmatch on the same queries in the same run.
 *
 * Usage: match_dump ESCO_DIR OFFERS QUERIES OUT_DIR
 * Writes OUT_DIR/offers.txt ("id skill skill ..." per line),
 * OUT_DIR/queries.txt ("skill skill ..." per line) and prints skillmatch's
 * query latency (p50, p99) as key=value lines.
 */
#include "bench/gen.h"
#include "bench/util.h"
#include "taxonomy/loader.h"

#include <stdio.h>
#include <time.h>

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: match_dump ESCO_DIR OFFERS QUERIES OUT_DIR\n");
        return 2;
    }
    size_t n_offers = (size_t)atol(argv[2]), n_queries = (size_t)atol(argv[3]);
    rng_t r;
    sm_taxonomy *t = gen_load(argv[0], argv[1], &r);
    sm_error err;
    if (!t)
        return 1;
    sm_matcher *m;
    if (sm_matcher_new(t, &m) != SM_OK)
        return 1;
    char path[4096], id[32];
    snprintf(path, sizeof path, "%s/offers.txt", argv[4]);
    FILE *fo = fopen(path, "w");
    if (!fo) {
        perror(path);
        return 1;
    }
    for (size_t i = 0; i < n_offers; i++) {
        sm_requirement reqs[24];
        size_t oi, n = make_offer(&r, reqs, &oi);
        snprintf(id, sizeof id, "o%zu", i);
        sm_offer o = {id, NULL, NULL, NULL, SM_OFFER_JOB, reqs, n, NULL, 0, place(&r),
                      0,  35,   0,    0,    occs[oi].id,  0,    0, 0,    0, 0,
                      0,  0,    NULL, 0};
        if (sm_matcher_upsert_offer(m, &o, &err) != SM_OK) {
            fprintf(stderr, "match_dump: %s\n", err.message);
            return 1;
        }
        fprintf(fo, "%zu", i);
        for (size_t k = 0; k < n; k++)
            fprintf(fo, " %u", reqs[k].skill);
        fputc('\n', fo);
    }
    fclose(fo);
    snprintf(path, sizeof path, "%s/queries.txt", argv[4]);
    FILE *fq = fopen(path, "w");
    sm_match_reader *rd = sm_match_reader_new(m);
    sm_match_options opts = {SM_OFFER_JOB, 20, TODAY, SM_LANG_FR, 0, NULL};
    double *lat = malloc(n_queries * sizeof *lat);
    for (size_t q = 0; q < n_queries; q++) {
        sm_skill_claim c[10];
        size_t n = make_claims(&r, c, 10);
        /* No location: Xapian ranks the same offers without a distance filter. */
        sm_profile p = {"q", c, n, {0, 0, 0}, 0, 0, 0};
        for (size_t k = 0; k < n; k++)
            fprintf(fq, "%s%u", k ? " " : "", c[k].skill);
        fputc('\n', fq);
        double a = now();
        sm_match_offers(rd, &p, &opts, &err);
        lat[q] = now() - a;
    }
    fclose(fq);
    qsort(lat, n_queries, sizeof *lat, cmp_double);
    printf("skillmatch_query_p50_ms=%.2f\nskillmatch_query_p99_ms=%.2f\n", lat[n_queries / 2] * 1e3,
           lat[n_queries * 99 / 100] * 1e3);
    sm_match_reader_free(rd);
    sm_matcher_free(m);
    sm_taxonomy_free(t);
    return 0;
}
