/*
 * places_speed.c: how fast places are read and looked up (issue 22), beside PostgreSQL doing
 * the same autocomplete.
 *
 *   build/bench/places_speed COMMUNES.CSV [CONNINFO]
 *
 * Loads the communes CSV (time and resident memory added), then times 20,000 of each lookup on
 * communes drawn at random (seeded): a name as written, a name in capitals without accents'
 * care ("st etienne"), a postcode, an INSEE code, and autocomplete on the first 2 to 6
 * letters of a name. With CONNINFO (a database where `skillmatch import places` ran), the
 * same autocomplete prefixes as one SQL statement each on PostgreSQL (a prefix of the
 * lower-cased name, B-tree indexed, most populous first; accents not forgiven), over one
 * connection, for the ratio. Prints median and p99 in
 * microseconds.
 */
#include "bench/util.h"
#include "taxonomy/places.h"

#include <ctype.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define N 20000

/* The first k bytes of s, cut back to a whole UTF-8 character. */
static void prefix(const char *s, size_t k, char *out)
{
    size_t n = strlen(s) < k ? strlen(s) : k;
    while (n && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    memcpy(out, s, n);
    out[n] = '\0';
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: places_speed COMMUNES.CSV [CONNINFO]\n");
        return 2;
    }
    long before = rss_kb();
    double t0 = now();
    sm_places *p;
    sm_error err;
    if (sm_places_load_csv(argv[1], &p, &err) != SM_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    double load = now() - t0;
    printf("load: %zu places in %.3f s, %.1f MB resident added\n", sm_places_count(p), load,
           (double)(rss_kb() - before) / 1024);
    srand(22);
    static double t[N];
    const sm_commune *out[16], *q;
    char buf[256];
    size_t found = 0;
    for (size_t i = 0; i < N; i++) {
        q = sm_places_at(p, (size_t)rand() % sm_places_count(p));
        double a = now();
        found += sm_places_named(p, q->name, NULL, out, 16) > 0;
        t[i] = now() - a;
    }
    report_us("name as written", t, N);
    for (size_t i = 0; i < N; i++) {
        q = sm_places_at(p, (size_t)rand() % sm_places_count(p));
        snprintf(buf, sizeof buf, "%s", q->name);
        for (char *c = buf; *c; c++)
            *c = *c == '-' ? ' ' : (char)toupper((unsigned char)*c);
        double a = now();
        found += sm_places_named(p, buf, q->departement, out, 16) > 0;
        t[i] = now() - a;
    }
    report_us("NAME IN CAPITALS, with departement", t, N);
    for (size_t i = 0; i < N; i++) {
        do
            q = sm_places_at(p, (size_t)rand() % sm_places_count(p));
        while (!*q->postcodes);
        prefix(q->postcodes, 5, buf);
        double a = now();
        found += sm_places_postcode(p, buf, out, 16) > 0;
        t[i] = now() - a;
    }
    report_us("postcode", t, N);
    for (size_t i = 0; i < N; i++) {
        q = sm_places_at(p, (size_t)rand() % sm_places_count(p));
        double a = now();
        found += sm_places_insee(p, q->insee) != NULL;
        t[i] = now() - a;
    }
    report_us("INSEE code", t, N);
    static char prefixes[N][32];
    for (size_t i = 0; i < N; i++) {
        q = sm_places_at(p, (size_t)rand() % sm_places_count(p));
        prefix(q->name, 2 + (size_t)rand() % 5, prefixes[i]);
        double a = now();
        found += sm_places_complete(p, prefixes[i], out, 10) > 0;
        t[i] = now() - a;
    }
    report_us("autocomplete, 2 to 6 letters", t, N);
    double ours = 0;
    {
        double copy[N];
        memcpy(copy, t, sizeof copy);
        qsort(copy, N, sizeof *copy, cmp_double);
        ours = copy[N / 2];
    }
    printf("(%zu lookups found something)\n", found);
    if (argc > 2) {
        PGconn *c = PQconnectdb(argv[2]);
        if (PQstatus(c) != CONNECTION_OK) {
            fprintf(stderr, "%s", PQerrorMessage(c));
            return 1;
        }
        /* Its best shot: the lower-cased names in a B-tree for prefixes (a temporary copy). */
        PQclear(PQexec(c, "CREATE TEMP TABLE p AS SELECT insee, name, lower(name) AS lname, "
                          "population FROM places; CREATE INDEX ON p (lname text_pattern_ops); "
                          "ANALYZE p"));
        size_t n = 2000; /* fewer: each is a round trip */
        for (size_t i = 0; i < n; i++) {
            const char *params[] = {prefixes[i]};
            double a = now();
            PGresult *r = PQexecParams(c,
                                       "SELECT insee, name FROM p WHERE lname LIKE lower($1) || "
                                       "'%' ORDER BY population DESC LIMIT 10",
                                       1, NULL, params, NULL, NULL, 0);
            t[i] = now() - a;
            if (PQresultStatus(r) != PGRES_TUPLES_OK)
                fprintf(stderr, "%s", PQerrorMessage(c));
            PQclear(r);
        }
        report_us("peer: PostgreSQL, indexed prefix", t, n);
        qsort(t, n, sizeof *t, cmp_double);
        printf("ratio (median): PostgreSQL / skillmatch = %.0fx\n", t[n / 2] / ours);
        PQfinish(c);
    }
    sm_places_free(p);
    return 0;
}
