/*
 * api_load.c: fills a migrated skillmatch database for the API benchmarks:
 * N synthetic job offers and M profiles (bench/gen.h, the same generator as
 * match_speed) written with COPY, replacing what the tables held; and the
 * request bodies the wrk scripts send: inline match profiles and new offers.
 *
 * Usage: api_load ESCO_DIR OFFERS PROFILES CONNINFO OUT_DIR
 * The database must hold the ESCO import (`skillmatch import esco`) so that
 * concept numbers exist. Writes OUT_DIR/match_bodies.txt and
 * OUT_DIR/offer_bodies.txt (one JSON body per line).
 */
#include "bench/gen.h"
#include "bench/util.h"
#include "sql/copy.h"
#include "sql/db.h"

#include <libpq-fe.h>

static uint32_t *cid_of; /* by taxonomy id */

static int32_t pack_req(const sm_requirement *q)
{
    return (int32_t)(cid_of[q->skill] << 5 | (uint32_t)(q->essential != 0) << 4 | q->level);
}

static int32_t pack_claim(const sm_skill_claim *c)
{
    return (int32_t)(cid_of[c->skill] << 7 | (uint32_t)(c->evidence & 7) << 4 | c->level);
}

static void array_text(char *out, size_t cap, const int32_t *v, size_t n)
{
    size_t len = 0;
    out[len++] = '{';
    for (size_t i = 0; i < n && len + 16 < cap; i++)
        len += (size_t)snprintf(out + len, cap - len, i ? ",%d" : "%d", v[i]);
    snprintf(out + len, cap - len, "}");
}

static int fail(PGconn *c, const char *what, sm_error *err)
{
    fprintf(stderr, "api_load: %s: %s\n", what, err->message);
    PQfinish(c);
    return 1;
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: api_load ESCO_DIR OFFERS PROFILES CONNINFO OUT_DIR\n");
        return 2;
    }
    size_t n_offers = (size_t)atol(argv[2]), n_profiles = (size_t)atol(argv[3]);
    rng_t r = {0x5eed5eedULL};
    sm_taxonomy *t = gen_load("api_load", argv[1], &r);
    if (!t)
        return 1;
    PGconn *c;
    sm_error err = {0};
    if (sm_db_connect(argv[4], &c, &err) != SM_OK) {
        fprintf(stderr, "api_load: %s\n", err.message);
        return 1;
    }
    PGresult *res;
    if (sm_db_exec(c, "SELECT cid, uri FROM concepts", 0, NULL, &res, &err))
        return fail(c, "concepts", &err);
    cid_of = calloc(sm_taxonomy_count(t), sizeof *cid_of);
    for (int i = 0; i < PQntuples(res); i++) {
        const char *uri = PQgetvalue(res, i, 1);
        uint32_t id = sm_taxonomy_find(t, sm_str_make(uri, strlen(uri)));
        if (id != SM_NO_CONCEPT)
            cid_of[id] = (uint32_t)atol(PQgetvalue(res, i, 0));
    }
    PQclear(res);
    double t0 = now();
    if (sm_db_exec(c, "BEGIN", 0, NULL, NULL, &err) ||
        sm_db_exec(c, "TRUNCATE offers, profiles, feedback, changes, idempotency, audit", 0, NULL,
                   NULL, &err) ||
        sm_db_exec(c, "DELETE FROM api_keys WHERE role = 'seeker'", 0, NULL, NULL, &err) ||
        sm_db_exec(c,
                   "COPY offers (id, kind, owner, doc, skills, teaches, lat, lon, remote, hours, "
                   "valid_from, valid_through, occupation, flags, org_kind, contract_type, "
                   "duration_hours, cost, seats) FROM STDIN",
                   0, NULL, NULL, &err))
        return fail(c, "offers", &err);
    sm_copy cp;
    sm_copy_begin(&cp, c);
    char buf[2048], doc[512];
    /* The server judges validity by the real date: offers are open for 60 days from today,
     * one in 33 expired (as in match_speed, which uses a fixed date of its own). */
    int32_t today = sm_today();
    for (size_t i = 0; i < n_offers; i++) {
        sm_requirement reqs[24];
        int32_t packed[24];
        size_t oi, n = make_offer(&r, reqs, &oi), kept = 0;
        for (size_t k = 0; k < n; k++)
            if (cid_of[reqs[k].skill])
                packed[kept++] = pack_req(&reqs[k]);
        sm_geo g = place(&r);
        int remote = rnd(&r, 20) == 0;
        int through = rnd(&r, 33) == 0 ? today - 1 - (int32_t)rnd(&r, 100) : today + 60;
        snprintf(buf, sizeof buf, "%08zx-0000-4000-8000-%012zx", i >> 32,
                 (size_t)(i & 0xffffffffffffULL));
        sm_copy_str(&cp, buf);
        sm_copy_int(&cp, 0);
        sm_copy_str(&cp, "bench");
        snprintf(doc, sizeof doc, "{\"kind\":\"job\",\"title\":\"%s\"}",
                 sm_taxonomy_label_any(t, occs[oi].id, SM_LANG_FR));
        sm_copy_str(&cp, doc);
        array_text(buf, sizeof buf, packed, kept);
        sm_copy_str(&cp, buf);
        sm_copy_str(&cp, "{}");
        snprintf(buf, sizeof buf, "%.5f", g.lat);
        sm_copy_str(&cp, buf);
        snprintf(buf, sizeof buf, "%.5f", g.lon);
        sm_copy_str(&cp, buf);
        sm_copy_str(&cp, remote ? "t" : "f");
        sm_copy_int(&cp, 26 + rnd(&r, 10));
        sm_copy_int(&cp, 0);
        sm_copy_int(&cp, through);
        if (cid_of[occs[oi].id])
            sm_copy_int(&cp, cid_of[occs[oi].id]);
        else
            sm_copy_null(&cp);
        for (int k = 0; k < 6; k++)
            sm_copy_int(&cp, 0);
        sm_copy_row_end(&cp);
    }
    if (sm_copy_end(&cp, &err) ||
        sm_db_exec(c,
                   "COPY profiles (id, owner, doc, skills, lat, lon, radius_km, constraints, "
                   "consent) FROM STDIN",
                   0, NULL, NULL, &err))
        return fail(c, "profiles", &err);
    sm_copy_begin(&cp, c);
    for (size_t i = 0; i < n_profiles; i++) {
        sm_skill_claim cl[10];
        int32_t packed[10];
        size_t n = make_claims(&r, cl, 10), kept = 0;
        for (size_t k = 0; k < n; k++)
            if (cid_of[cl[k].skill])
                packed[kept++] = pack_claim(&cl[k]);
        sm_geo g = place(&r);
        snprintf(buf, sizeof buf, "%08zx-0000-4000-9000-%012zx", i >> 32,
                 (size_t)(i & 0xffffffffffffULL));
        sm_copy_str(&cp, buf);
        sm_copy_str(&cp, "bench");
        sm_copy_str(&cp, "{\"skills\":[]}");
        array_text(buf, sizeof buf, packed, kept);
        sm_copy_str(&cp, buf);
        snprintf(buf, sizeof buf, "%.5f", g.lat);
        sm_copy_str(&cp, buf);
        snprintf(buf, sizeof buf, "%.5f", g.lon);
        sm_copy_str(&cp, buf);
        sm_copy_int(&cp, rnd(&r, 5) ? 10 + rnd(&r, 90) : 0);
        sm_copy_int(&cp, 0);
        sm_copy_int(&cp, rnd(&r, 10) < 7 ? SM_CONSENT_VISIBLE : 0);
        sm_copy_row_end(&cp);
    }
    if (sm_copy_end(&cp, &err) || sm_db_exec(c, "COMMIT", 0, NULL, NULL, &err) ||
        sm_db_exec(c, "VACUUM ANALYZE offers", 0, NULL, NULL, &err) ||
        sm_db_exec(c, "VACUUM ANALYZE profiles", 0, NULL, NULL, &err))
        return fail(c, "commit", &err);
    fprintf(stderr, "api_load: %zu offers and %zu profiles stored in %.1f s\n", n_offers,
            n_profiles, now() - t0);
    PQfinish(c);
    /* Request bodies: inline match profiles (as match_speed queries) and new offers. */
    snprintf(buf, sizeof buf, "%s/match_bodies.txt", argv[5]);
    FILE *f = fopen(buf, "w");
    for (int q = 0; f && q < 1000; q++) {
        sm_skill_claim cl[10];
        size_t n = make_claims(&r, cl, 10);
        sm_geo g = place(&r);
        fprintf(f, "{\"profile\":{\"skills\":[");
        for (size_t k = 0; k < n; k++)
            fprintf(f, "%s{\"uri\":\"%s\",\"level\":%d}", k ? "," : "",
                    sm_taxonomy_uri(t, cl[k].skill), cl[k].level);
        fprintf(f, "],\"location\":{\"lat\":%.4f,\"lon\":%.4f},\"radius_km\":%d},\"limit\":20}\n",
                g.lat, g.lon, 20 + (int)rnd(&r, 80));
    }
    if (f)
        fclose(f);
    snprintf(buf, sizeof buf, "%s/offer_bodies.txt", argv[5]);
    f = fopen(buf, "w");
    for (int q = 0; f && q < 1000; q++) {
        sm_requirement reqs[24];
        size_t oi, n = make_offer(&r, reqs, &oi);
        sm_geo g = place(&r);
        fprintf(f, "{\"kind\":\"job\",\"title\":\"%s\",\"skills\":[",
                sm_taxonomy_label_any(t, occs[oi].id, SM_LANG_FR));
        for (size_t k = 0; k < n; k++)
            fprintf(f, "%s{\"uri\":\"%s\",\"essential\":%s}", k ? "," : "",
                    sm_taxonomy_uri(t, reqs[k].skill), reqs[k].essential ? "true" : "false");
        fprintf(f,
                "],\"location\":{\"lat\":%.4f,\"lon\":%.4f},\"contract\":{\"type\":\"CDDI\","
                "\"hours_per_week\":26},\"support_provided\":true}\n",
                g.lat, g.lon);
    }
    if (f)
        fclose(f);
    sm_taxonomy_free(t);
    return 0;
}
