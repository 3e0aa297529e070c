/*
 * match_pg.c: the same ranking computed by skillmatch and by PostgreSQL, side
 * by side on the same data, in one run.
 *
 * Usage: match_pg ESCO_DIR [OFFERS [QUERIES]]   (default 1000000 50)
 * Connects with the usual libpq environment (PGHOST, PGPORT...; bench/run.sh
 * starts a private cluster). Generates job offers with bench/gen.h, inserts
 * them in the matcher and COPYs them into PostgreSQL: offers, requirements
 * (with each requirement's weight share, index on skill) and the matcher's
 * skill neighbours. Each query profile (10 skills) is then ranked by
 * sm_match_offers and by one SQL query applying the same rules (expansion
 * through neighbours, level and evidence factors, weighted shares, the claim
 * each requirement is credited through and the depth factor, radius filter and
 * distance decay, expiry). Prints both latencies, their ratio,
 * and how many top-20 lists agree (scores within 1e-6, ties aside).
 */
#include "bench/gen.h"
#include "bench/util.h"
#include "taxonomy/loader.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <time.h>

static void check(PGconn *c, PGresult *res, const char *what)
{
    ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_COPY_IN) {
        fprintf(stderr, "match_pg: %s: %s", what, PQerrorMessage(c));
        exit(1);
    }
}

static void exec(PGconn *c, const char *sql)
{
    PGresult *res = PQexec(c, sql);
    check(c, res, sql);
    PQclear(res);
}

typedef struct copy_buf {
    char data[1 << 16];
    size_t len;
} copy_buf;

static void copy_flush(PGconn *c, copy_buf *b)
{
    if (b->len && PQputCopyData(c, b->data, (int)b->len) != 1) {
        fprintf(stderr, "match_pg: copy: %s", PQerrorMessage(c));
        exit(1);
    }
    b->len = 0;
}

static void copy_line(PGconn *c, copy_buf *b, const char *line)
{
    size_t n = strlen(line);
    if (b->len + n > sizeof b->data)
        copy_flush(c, b);
    memcpy(b->data + b->len, line, n);
    b->len += n;
}

static void copy_end(PGconn *c, copy_buf *b)
{
    copy_flush(c, b);
    PQputCopyEnd(c, NULL);
    PGresult *res = PQgetResult(c);
    check(c, res, "copy end");
    PQclear(res);
}

/* The matcher's rules in SQL. Credits are computed in real (float4), as the matcher does, so
 * that ties between claims (and so the claim a requirement is credited through, which depth
 * counts) come out the same. */
static const char scoring_sql[] =
    "WITH p AS (SELECT * FROM unnest($1::int[], $2::int[], $3::int[]) AS t(skill, lvl, ev)),\n"
    "ef AS (SELECT skill, lvl, (CASE ev WHEN 0 THEN 0.8 WHEN 1 THEN 0.9 WHEN 2 THEN 0.95 ELSE 1.0 "
    "END)::real AS e FROM p),\n"
    /* every way to cover a skill: a claim itself, or a claim's neighbour */
    "q AS (SELECT skill, lvl, e AS factor, 1.0::real AS sim, skill AS via FROM ef\n"
    "      UNION ALL SELECT n.nb, ef.lvl, n.sim::real * ef.e, n.sim::real, ef.skill\n"
    "      FROM ef JOIN neighbours n ON n.skill = ef.skill),\n"
    /* each requirement's credit through each way, with the level factor */
    "cr AS (SELECT r.offer, r.skill, r.share, q.sim, q.via, q.factor * CASE WHEN r.lvl = 0 OR "
    "q.lvl >= r.lvl THEN 1.0::real WHEN q.lvl = 0 THEN 0.85::real ELSE greatest(0.25::real, "
    "1.0::real - 0.2::real * (r.lvl - q.lvl)::real) END AS credit\n"
    "      FROM reqs r JOIN q ON q.skill = r.skill),\n"
    /* the claim each requirement is credited through: most credit, then closest, then lowest id */
    "b AS (SELECT DISTINCT ON (offer, skill) offer, skill, share, credit, sim, via FROM cr\n"
    "      ORDER BY offer, skill, credit DESC, sim DESC, via),\n"
    /* depth: the claims drawn on, a close one (sim >= 0.5) counting 1 */
    "dr AS (SELECT offer, via, max(CASE WHEN sim >= 0.5 THEN 1.0 ELSE sim::float8 END) AS w\n"
    "      FROM b GROUP BY offer, via),\n"
    "s AS (SELECT offer, sum(share * credit::float8) AS skills FROM b GROUP BY offer),\n"
    "u AS (SELECT offer, sum(w) AS used FROM dr GROUP BY offer),\n"
    "d AS (SELECT o.id, o.remote, s.skills * CASE WHEN u.used >= least(5, o.nreq) THEN 1.0 "
    "ELSE u.used / least(5, o.nreq) END AS skills,\n"
    "      6371.0 * 2 * asin(sqrt(sin(radians(o.lat - $4) / 2) ^ 2 + cos(radians($4)) * "
    "cos(radians(o.lat)) * sin(radians(o.lon - $5) / 2) ^ 2)) AS km\n"
    "      FROM s JOIN u USING (offer) JOIN offers o ON o.id = s.offer\n"
    "      WHERE o.valid_through = 0 OR o.valid_through >= $7)\n"
    "SELECT id, skills * CASE WHEN remote THEN 1.0 ELSE 1.0 - 0.3 * least(1.0, km / $6) END AS "
    "score\n"
    "FROM d WHERE remote OR km <= $6 ORDER BY score DESC, id LIMIT 20";

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: match_pg ESCO_DIR [OFFERS [QUERIES]]\n");
        return 2;
    }
    size_t n_offers = argc > 2 ? (size_t)atol(argv[2]) : 1000000;
    size_t n_queries = argc > 3 ? (size_t)atol(argv[3]) : 50;
    rng_t r;
    sm_taxonomy *t = gen_load(argv[0], argv[1], &r);
    sm_error err;
    if (!t)
        return 1;
    sm_matcher *m;
    if (sm_matcher_new(t, &m) != SM_OK)
        return 1;
    PGconn *c = PQconnectdb("");
    if (PQstatus(c) != CONNECTION_OK) {
        fprintf(stderr, "match_pg: %s", PQerrorMessage(c));
        return 1;
    }
    exec(c, "SET client_min_messages = warning");
    exec(c, "DROP TABLE IF EXISTS reqs, offers, neighbours");
    exec(c, "CREATE UNLOGGED TABLE offers (id int PRIMARY KEY, lat float8, lon float8, remote bool,"
            " valid_through int, nreq int)");
    exec(c, "CREATE UNLOGGED TABLE reqs (offer int, skill int, lvl int, share float8)");
    exec(c, "CREATE UNLOGGED TABLE neighbours (skill int, nb int, sim float8)");
    copy_buf *ob = calloc(1, sizeof *ob);
    char line[256], id[32], title[1100];
    double t0 = now();
    /* Offers and requirements: two COPY streams can't interleave on one connection, so
     * offers are generated once and kept. */
    typedef struct gen_offer {
        sm_requirement reqs[24];
        size_t n, oi;
        sm_geo loc;
        int remote;
        int32_t through;
    } gen_offer;
    gen_offer *gens = malloc(n_offers * sizeof *gens);
    for (size_t i = 0; i < n_offers; i++) {
        gen_offer *g = &gens[i];
        g->n = make_offer(&r, g->reqs, &g->oi);
        g->loc = place(&r);
        g->remote = rnd(&r, 20) == 0;
        g->through = rnd(&r, 33) == 0 ? TODAY - 1 - (int32_t)rnd(&r, 100) : TODAY + 60;
        snprintf(id, sizeof id, "o%zu", i);
        snprintf(title, sizeof title, "%s", sm_taxonomy_label_any(t, occs[g->oi].id, SM_LANG_FR));
        sm_offer o = {
            id,        title, NULL, NULL,       SM_OFFER_JOB,   g->reqs, g->n, NULL, 0, g->loc,
            g->remote, 35,    0,    g->through, occs[g->oi].id, 0,       0,    0,    0, 0,
            0,         0,     NULL, 0};
        if (sm_matcher_upsert_offer(m, &o, &err) != SM_OK) {
            fprintf(stderr, "match_pg: %s\n", err.message);
            return 1;
        }
    }
    double t1 = now();
    exec(c, "COPY offers FROM STDIN (FORMAT csv)");
    for (size_t i = 0; i < n_offers; i++) {
        snprintf(line, sizeof line, "%zu,%.17g,%.17g,%s,%d,%zu\n", i, gens[i].loc.lat,
                 gens[i].loc.lon, gens[i].remote ? "t" : "f", gens[i].through, gens[i].n);
        copy_line(c, ob, line);
    }
    copy_end(c, ob);
    exec(c, "COPY reqs FROM STDIN (FORMAT csv)");
    for (size_t i = 0; i < n_offers; i++) {
        const gen_offer *g = &gens[i];
        double total = 0;
        float w[24];
        for (size_t k = 0; k < g->n; k++) {
            w[k] = sm_matcher_rarity(m, g->reqs[k].skill) * (g->reqs[k].essential ? 3.0f : 1.0f);
            total += w[k];
        }
        for (size_t k = 0; k < g->n; k++) {
            snprintf(line, sizeof line, "%zu,%u,%u,%.9g\n", i, g->reqs[k].skill, g->reqs[k].level,
                     (double)(float)(w[k] / total));
            copy_line(c, ob, line);
        }
    }
    copy_end(c, ob);
    exec(c, "COPY neighbours FROM STDIN (FORMAT csv)");
    uint32_t nbs[256];
    float sims[256];
    for (uint32_t s = 0; s < sm_taxonomy_count(t); s++) {
        size_t n = sm_matcher_neighbours(m, s, nbs, sims, 256);
        for (size_t k = 0; k < n && k < 256; k++) {
            snprintf(line, sizeof line, "%u,%u,%.9g\n", s, nbs[k], (double)sims[k]);
            copy_line(c, ob, line);
        }
    }
    copy_end(c, ob);
    exec(c, "CREATE INDEX ON reqs (skill)");
    exec(c, "CREATE INDEX ON neighbours (skill)");
    exec(c, "ANALYZE");
    double t2 = now();
    printf("offers=%zu\nskillmatch_build_s=%.2f\npostgres_load_and_index_s=%.2f\n", n_offers,
           t1 - t0, t2 - t1);

    sm_match_reader *rd = sm_match_reader_new(m);
    sm_match_options opts = {SM_OFFER_JOB, 20, TODAY, SM_LANG_FR, 0, NULL};
    double *ours = malloc(n_queries * sizeof *ours), *pg = malloc(n_queries * sizeof *pg);
    size_t agree = 0, compared = 0;
    for (size_t q = 0; q < n_queries; q++) {
        sm_skill_claim claims[10];
        size_t n = make_claims(&r, claims, 10);
        sm_profile p = {"q", claims, n, place(&r), (float)(20 + rnd(&r, 80)), 0, 0};
        double a = now();
        int count = sm_match_offers(rd, &p, &opts, &err);
        ours[q] = now() - a;
        char skills[256] = "{", levels[128] = "{", evs[128] = "{";
        for (size_t k = 0; k < n; k++) {
            size_t ls = strlen(skills), ll = strlen(levels), le = strlen(evs);
            snprintf(skills + ls, sizeof skills - ls, "%s%u", k ? "," : "", claims[k].skill);
            snprintf(levels + ll, sizeof levels - ll, "%s%u", k ? "," : "", claims[k].level);
            snprintf(evs + le, sizeof evs - le, "%s%u", k ? "," : "", claims[k].evidence);
        }
        strcat(skills, "}");
        strcat(levels, "}");
        strcat(evs, "}");
        char lat[32], lon[32], radius[32], today[16];
        snprintf(lat, sizeof lat, "%.17g", p.location.lat);
        snprintf(lon, sizeof lon, "%.17g", p.location.lon);
        snprintf(radius, sizeof radius, "%.9g", (double)p.radius_km);
        snprintf(today, sizeof today, "%d", TODAY);
        const char *params[7] = {skills, levels, evs, lat, lon, radius, today};
        a = now();
        PGresult *res = PQexecParams(c, scoring_sql, 7, NULL, params, NULL, NULL, 0);
        pg[q] = now() - a;
        check(c, res, "scoring query");
        int rows = PQntuples(res), same = rows == count;
        for (int i = 0; same && i < rows; i++) {
            double ps = atof(PQgetvalue(res, i, 1));
            const sm_match_result *mr = sm_match_get(rd, (size_t)i);
            if (fabs(ps - mr->score) > 1e-6)
                same = 0;
            else if (atol(PQgetvalue(res, i, 0)) != atol(mr->id + 1)) {
                /* A different id is fine only as a tie: with a neighbour in the list, or at the
                 * cut-off, where the 21st offer may score the same. */
                double prev = i ? sm_match_get(rd, (size_t)i - 1)->score : 2,
                       next = i + 1 < count ? sm_match_get(rd, (size_t)i + 1)->score : -1;
                if (fabs(prev - mr->score) > 1e-6 && fabs(next - mr->score) > 1e-6 && i + 1 < count)
                    same = 0;
            }
        }
        if (!same && getenv("MATCH_PG_VERBOSE")) {
            fprintf(stderr, "query %zu: skillmatch %d results, postgres %d\n", q, count, rows);
            for (int i = 0; i < rows || i < count; i++)
                fprintf(stderr, "  %2d  ours %-9s %.9f   pg %-9s %.9f\n", i,
                        i < count ? sm_match_get(rd, (size_t)i)->id : "-",
                        i < count ? sm_match_get(rd, (size_t)i)->score : 0.0,
                        i < rows ? PQgetvalue(res, i, 0) : "-",
                        i < rows ? atof(PQgetvalue(res, i, 1)) : 0.0);
        }
        agree += same;
        compared++;
        PQclear(res);
    }
    qsort(ours, n_queries, sizeof *ours, cmp_double);
    qsort(pg, n_queries, sizeof *pg, cmp_double);
    printf("skillmatch_query_p50_ms=%.2f\nskillmatch_query_p99_ms=%.2f\n",
           ours[n_queries / 2] * 1e3, ours[n_queries * 99 / 100] * 1e3);
    printf("postgres_query_p50_ms=%.2f\npostgres_query_p99_ms=%.2f\n", pg[n_queries / 2] * 1e3,
           pg[n_queries * 99 / 100] * 1e3);
    printf("ratio_postgres_over_skillmatch_p50=%.1f\n", pg[n_queries / 2] / ours[n_queries / 2]);
    printf("top20_agreeing=%zu/%zu\n", agree, compared);
    sm_match_reader_free(rd);
    PQfinish(c);
    sm_matcher_free(m);
    sm_taxonomy_free(t);
    return 0;
}
