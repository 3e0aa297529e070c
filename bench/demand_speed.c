/*
 * demand_speed.c: skills demand (sm_match_demand) at 1M job offers, 100,000
 * trainings and 1M profiles, side by side with PostgreSQL counting the same
 * thing from tables, in one run.
 *
 * Usage: demand_speed ESCO_DIR [OFFERS [PROFILES [QUERIES]]]  (default 1M 1M 200)
 * Connects with the usual libpq environment (bench/run.sh starts a private
 * cluster); without a server, the PostgreSQL side is skipped with a message.
 *
 * Data as in bench/gen.h (offers over French cities, profiles of 10 skills;
 * 70% of profiles consent to statistics), trainings as in path_speed.c.
 * Queries: a city drawn by population, a radius of 10 to 100 km, half of
 * them on the digital collection, top 20. Also timed: offer upserts with the
 * demand counters (the writer's cost), and the background sweep that finds
 * the skills people are one or two away by (profiles a second).
 *
 * PostgreSQL gets the same rows (offer, profile and training skills, each
 * with its grid cell computed as the matcher does) with an index on
 * (cell, skill), and answers each query with one GROUP BY over the cells the
 * matcher sums; the top 20 lists are compared.
 */
#include "bench/gen.h"
#include "bench/util.h"

#include <libpq-fe.h>
#include <stdarg.h>

/* The matcher's grid cell of a place (rows of 1,024 cells of half a degree). */
static uint32_t cell_of(double lat, double lon)
{
    return sm_area_cell(1, 0, lat, lon);
}

static void exec(PGconn *c, const char *sql)
{
    PGresult *res = PQexec(c, sql);
    ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_COPY_IN) {
        fprintf(stderr, "demand_speed: %s: %s", sql, PQerrorMessage(c));
        exit(1);
    }
    PQclear(res);
}

typedef struct copy_buf {
    PGconn *c;
    char data[1 << 16];
    size_t len;
} copy_buf;

static void put(copy_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(copy_buf *b, const char *fmt, ...)
{
    if (!b->c)
        return;
    if (b->len + 256 > sizeof b->data) {
        PQputCopyData(b->c, b->data, (int)b->len);
        b->len = 0;
    }
    va_list ap;
    va_start(ap, fmt);
    b->len += (size_t)vsnprintf(b->data + b->len, sizeof b->data - b->len, fmt, ap);
    va_end(ap);
}

static void copy_end(copy_buf *b)
{
    if (!b->c)
        return;
    PQputCopyData(b->c, b->data, (int)b->len);
    b->len = 0;
    PQputCopyEnd(b->c, NULL);
    PGresult *res = PQgetResult(b->c);
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        fprintf(stderr, "demand_speed: copy: %s", PQerrorMessage(b->c));
        exit(1);
    }
    PQclear(res);
}

static void percentiles(const char *name, double *v, size_t n, double unit, const char *u)
{
    qsort(v, n, sizeof *v, cmp_double);
    printf("%s_p50_%s=%.3f\n%s_p99_%s=%.3f\n", name, u, v[n / 2] * unit, name, u,
           v[n * 99 / 100] * unit);
}

static const char peer_sql[] =
    "WITH o AS (SELECT skill, count(*) FILTER (WHERE essential) AS e, count(*) FILTER (WHERE NOT "
    "essential) AS op FROM offer_skills WHERE cell = ANY($1::int[]) GROUP BY skill),\n"
    "p AS (SELECT skill, count(*) AS n FROM profile_skills WHERE cell = ANY($1::int[]) GROUP BY "
    "skill),\n"
    "t AS (SELECT skill, count(*) AS n, sum(seats) AS s FROM training_skills WHERE cell = "
    "ANY($1::int[]) GROUP BY skill),\n"
    "a AS (SELECT skill, coalesce(o.e, 0) AS e, coalesce(o.op, 0) AS op, coalesce(p.n, 0) AS pn, "
    "coalesce(t.n, 0) AS tn, coalesce(t.s, 0) AS ts FROM o FULL JOIN p USING (skill) FULL JOIN t "
    "USING (skill) WHERE $2 = 0 OR skill = ANY($3::int[]))\n"
    "SELECT skill, e, op, pn, tn, ts FROM a ORDER BY CASE WHEN e + op / 2.0 > 0 THEN (e + op / "
    "2.0) ^ 2 / ((e + op / 2.0) + pn + ts) ELSE 0 END DESC, 2 * e + op DESC, skill LIMIT 20";

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: demand_speed ESCO_DIR [OFFERS [PROFILES [QUERIES]]]\n");
        return 2;
    }
    size_t n_offers = argc > 2 ? (size_t)atol(argv[2]) : 1000000;
    size_t n_profiles = argc > 3 ? (size_t)atol(argv[3]) : 1000000;
    size_t n_queries = argc > 4 ? (size_t)atol(argv[4]) : 200;
    size_t n_trainings = n_offers / 10;
    rng_t r;
    sm_taxonomy *t = gen_load(argv[0], argv[1], &r);
    sm_matcher *m;
    sm_error err;
    if (!t || sm_matcher_new(tx, &m) != SM_OK)
        return 1;
    PGconn *c = PQconnectdb("");
    if (PQstatus(c) != CONNECTION_OK) {
        fprintf(stderr, "demand_speed: no PostgreSQL (%s): the peer is skipped\n",
                PQerrorMessage(c));
        PQfinish(c);
        c = NULL;
    }
    copy_buf *b = calloc(1, sizeof *b);
    b->c = c;
    if (c) {
        exec(c, "SET client_min_messages = warning");
        exec(c, "DROP TABLE IF EXISTS offer_skills, profile_skills, training_skills");
        exec(c, "CREATE UNLOGGED TABLE offer_skills (cell int, skill int, essential bool)");
        exec(c, "CREATE UNLOGGED TABLE profile_skills (cell int, skill int)");
        exec(c, "CREATE UNLOGGED TABLE training_skills (cell int, skill int, seats int)");
        exec(c, "COPY offer_skills FROM STDIN");
    }
    char id[32];
    double *up = malloc(n_offers * sizeof *up);
    for (size_t i = 0; i < n_offers; i++) {
        sm_requirement reqs[24];
        sm_offer o;
        gen_job_offer(&r, i, reqs, id, &o);
        size_t n = o.requirement_count;
        double a = now();
        if (sm_matcher_upsert_offer(m, &o, &err) != SM_OK)
            return 1;
        up[i] = now() - a;
        uint32_t cell = sm_area_cell(1, o.remote, o.location.lat, o.location.lon);
        for (size_t k = 0; k < n && !o.remote; k++)
            put(b, "%u\t%u\t%c\n", cell, reqs[k].skill, reqs[k].essential ? 't' : 'f');
    }
    copy_end(b);
    percentiles("offer_upsert", up, n_offers, 1e6, "us");
    if (c)
        exec(c, "COPY training_skills FROM STDIN");
    for (size_t i = 0; i < n_trainings; i++) {
        sm_requirement reqs[24], teach[4];
        size_t oi, n = make_offer(&r, reqs, &oi), nt = 1 + rnd(&r, 4);
        nt = nt < n ? nt : n;
        for (size_t k = 0; k < nt; k++)
            teach[k] = (sm_requirement){reqs[k].skill, 1, (uint8_t)(2 + rnd(&r, 4)), 0};
        snprintf(id, sizeof id, "t%zu", i);
        sm_offer o;
        memset(&o, 0, sizeof o);
        o.id = id;
        o.kind = SM_OFFER_TRAINING;
        o.teaches = teach;
        o.teach_count = nt;
        o.location = place(&r);
        o.duration_hours = (float)(14 + rnd(&r, 387));
        o.seats = 6 + rnd(&r, 20);
        o.occupation = SM_NO_CONCEPT;
        if (sm_matcher_upsert_offer(m, &o, &err) != SM_OK)
            return 1;
        for (size_t k = 0; k < nt; k++)
            put(b, "%u\t%u\t%u\n", cell_of(o.location.lat, o.location.lon), teach[k].skill,
                o.seats);
    }
    copy_end(b);
    if (c)
        exec(c, "COPY profile_skills FROM STDIN");
    for (size_t i = 0; i < n_profiles; i++) {
        sm_skill_claim cl[10];
        size_t n = make_claims(&r, cl, 10);
        snprintf(id, sizeof id, "p%zu", i);
        sm_profile p = {id,
                        cl,
                        n,
                        place(&r),
                        (float)(10 + rnd(&r, 90)),
                        0,
                        rnd(&r, 10) < 7 ? SM_CONSENT_STATISTICS : 0};
        if (sm_matcher_upsert_profile(m, &p, &err) != SM_OK)
            return 1;
        /* a skill claimed twice counts once a claim, as in the matcher */
        for (size_t k = 0; k < n && p.consent; k++)
            put(b, "%u\t%u\n", cell_of(p.location.lat, p.location.lon), cl[k].skill);
    }
    copy_end(b);
    if (c) {
        exec(c, "CREATE INDEX ON offer_skills (cell, skill)");
        exec(c, "CREATE INDEX ON profile_skills (cell, skill)");
        exec(c, "CREATE INDEX ON training_skills (cell, skill)");
        exec(c, "ANALYZE");
    }
    printf("offers=%zu\ntrainings=%zu\nprofiles=%zu\n", n_offers, n_trainings, n_profiles);

    /* The sweep: profiles a second (one thread). */
    sm_match_reader *rd = sm_match_reader_new(m);
    double a = now();
    size_t swept = sm_matcher_demand_refresh(rd, 2000);
    double sweep = now() - a;
    printf("sweep_profiles_per_s=%.0f\n", (double)swept / sweep);

    char *digital_list = malloc(sm_taxonomy_count(t) * 8 + 4);
    size_t dl = 0;
    digital_list[dl++] = '{';
    for (uint32_t s = 0; s < sm_taxonomy_count(t); s++)
        if (sm_concept_is_skill(sm_taxonomy_type(t, s)) &&
            (sm_taxonomy_collections(t, s) & SM_COLL_DIGITAL))
            dl += (size_t)sprintf(digital_list + dl, dl > 1 ? ",%u" : "%u", s);
    strcpy(digital_list + dl, "}");
    double *ours = malloc(n_queries * sizeof *ours), *theirs = malloc(n_queries * sizeof *theirs);
    size_t agree = 0, compared = 0;
    for (size_t q = 0; q < n_queries; q++) {
        sm_geo g = place(&r);
        /* People as counted: the peer counts them so (the API shows them published). */
        sm_demand_query dq = {
            1, g.lat, g.lon, 10 + rnd(&r, 91), q % 2 ? SM_COLL_DIGITAL : 0, SM_NO_CONCEPT, 20, 1};
        a = now();
        int n = sm_match_demand(rd, &dq, NULL, &err);
        ours[q] = now() - a;
        if (n < 0)
            return 1;
        if (!c)
            continue;
        /* The same cells as the matcher's area (sm_demand_area_cells). */
        sm_demand_cell area[1024];
        size_t ns = sm_demand_area_cells(&dq, area, 1024);
        char cells[16384];
        size_t len = 0;
        cells[len++] = '{';
        for (size_t k = 0; k < ns && k < 1024 && len < sizeof cells - 16; k++)
            len += (size_t)sprintf(cells + len, len > 1 ? ",%u" : "%u", area[k].id);
        strcpy(cells + len, "}");
        const char *params[] = {cells, q % 2 ? "1" : "0", q % 2 ? digital_list : "{}"};
        a = now();
        PGresult *res = PQexecParams(c, peer_sql, 3, NULL, params, NULL, NULL, 0);
        theirs[q] = now() - a;
        if (PQresultStatus(res) != PGRES_TUPLES_OK) {
            fprintf(stderr, "demand_speed: %s", PQerrorMessage(c));
            return 1;
        }
        int same = PQntuples(res) == n;
        for (int i = 0; i < n && same; i++) {
            const sm_demand_row *d = sm_match_demand_get(rd, (size_t)i);
            same = (uint32_t)atol(PQgetvalue(res, i, 0)) == d->skill &&
                   (uint32_t)atol(PQgetvalue(res, i, 1)) == d->offers_essential &&
                   (uint32_t)atol(PQgetvalue(res, i, 2)) == d->offers_optional &&
                   (uint32_t)atol(PQgetvalue(res, i, 3)) == d->profiles &&
                   (uint32_t)atol(PQgetvalue(res, i, 5)) == d->seats;
        }
        agree += same;
        compared++;
        PQclear(res);
    }
    percentiles("demand_query", ours, n_queries, 1e3, "ms");
    if (c) {
        percentiles("postgres_demand_query", theirs, n_queries, 1e3, "ms");
        qsort(ours, n_queries, sizeof *ours, cmp_double);
        qsort(theirs, n_queries, sizeof *theirs, cmp_double);
        printf("postgres_over_ours_p50=%.1f\nsame_top20=%zu/%zu\n",
               theirs[n_queries / 2] / ours[n_queries / 2], agree, compared);
        exec(c, "DROP TABLE offer_skills, profile_skills, training_skills");
        PQfinish(c);
    }
    sm_match_reader_free(rd);
    sm_matcher_free(m);
    sm_taxonomy_free(t);
    return 0;
}
