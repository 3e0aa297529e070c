/*
 * test_people.c: what people and organisations send, and what they are told, end to end (the
 * real server on a private PostgreSQL, tests/e2e/harness.h). Each test is a point a new user
 * met: simultaneous edits of one record, the language of a write, the numbers in a sentence,
 * funding schemes by other names, expired offers, JobPosting items, filters and parameters that
 * do not apply. Nothing a person sends is dropped without a word.
 */
#include "tests/e2e/harness.h"

#include <math.h>
#include <openssl/evp.h>
#include <pthread.h>

#define MERGE "Content-Type: application/merge-patch+json\r\n"

/* ---- simultaneous edits ------------------------------------------------------------------ */

typedef struct patcher {
    const char *path, *key;
    int n, status;
    char body[256];
} patcher;

static void *patch_once(void *arg)
{
    patcher *p = arg;
    reply r;
    snprintf(p->body, sizeof p->body, "{\"title\":\"Vendeur %d\"}", p->n);
    if (strstr(p->path, "/profiles/"))
        snprintf(p->body, sizeof p->body, "{\"radius_km\":%d}", 10 + p->n);
    http_request(port, "PATCH", p->path, p->key, MERGE, p->body, strlen(p->body), &r);
    p->status = r.status;
    if (r.status != 200)
        fprintf(stderr, "    PATCH %d: %d %s\n", p->n, r.status, r.body);
    reply_free(&r);
    return NULL;
}

/* Twelve people change one record at once, without If-Match: each change is applied over the
 * one before it (200), never a 500, and the version counts them all. */
static void simultaneous_patches_all_apply(void)
{
    char offer[40], opath[96], ppath[96], etag[64];
    CHECK_INT(create_offer(org_a,
                           "{\"kind\":\"job\",\"title\":\"Vendeur\",\"skills\":[{\"uri\":\"" S(
                               02) "\"}],\"location\":{\"lat\":48.85,\"lon\":2.35}}",
                           offer),
              201);
    snprintf(opath, sizeof opath, "/v1/offers/%s", offer);
    reply r;
    http(port, "POST", "/v1/profiles", org_a,
         "{\"skills\":[{\"uri\":\"" S(02) "\"}],\"location\":{\"lat\":48.85,\"lon\":2.35}}", &r);
    CHECK_INT(r.status, 201);
    snprintf(ppath, sizeof ppath, "/v1/profiles/%s", str_at(r.json, "id"));
    reply_free(&r);
    enum { N = 12 };
    const char *paths[2] = {opath, ppath};
    for (int k = 0; k < 2; k++) {
        patcher ps[N];
        pthread_t th[N];
        for (int i = 0; i < N; i++) {
            ps[i] = (patcher){paths[k], org_a, i, 0, ""};
            pthread_create(&th[i], NULL, patch_once, &ps[i]);
        }
        int ok = 0;
        for (int i = 0; i < N; i++) {
            pthread_join(th[i], NULL);
            ok += ps[i].status == 200;
        }
        CHECK_INT(ok, N);
        http(port, "GET", paths[k], org_a, NULL, &r);
        CHECK_STR(header_value(&r, "ETag", etag, sizeof etag), "\"v13\"");
        reply_free(&r);
    }
}

/* ---- what an organisation learns of a candidate ------------------------------------------ */

/* The result for the candidate whose pseudonym or id is name, in an answer of candidates. */
static json_t *result_of(json_t *answer, const char *name)
{
    size_t i;
    json_t *res;
    json_array_foreach(json_object_get(answer, "results"), i, res)
        if (!strcmp(str_at(res, "candidate") ? str_at(res, "candidate") : "", name))
            return res;
    return NULL;
}

/* An organisation that posts offers around a candidate learns the distance to each: it must not
 * be able to place the person more finely than a square of about 2 km (the matcher keeps the
 * square's centre), nor recognise their pseudonym from a profile id it once knew (the names are
 * keyed with the server's secret). Two people in one square, 1.5 km apart, answer the same. */
static void candidates_cannot_be_placed(void)
{
    /* A square of 0.02 by 0.025 degrees: its south-west corner at 50.62, 3.05. */
    static const double at[2][2] = {{50.6215, 3.0515}, {50.6350, 3.0720}};
    char ids[2][40];
    for (int k = 0; k < 2; k++) {
        char body[256];
        snprintf(
            body, sizeof body,
            "{\"skills\":[{\"uri\":\"" S(05) "\"}],\"location\":{\"lat\":%.4f,\"lon\":%.4f},"
                                             "\"consent\":{\"visible_to_organisations\":true}}",
            at[k][0], at[k][1]);
        reply r;
        http(port, "POST", "/v1/profiles", org_a, body, &r);
        CHECK_INT(r.status, 201);
        snprintf(ids[k], sizeof ids[k], "%s", str_at(r.json, "id") ? str_at(r.json, "id") : "");
        reply_free(&r);
    }
    static const double offer_at[3][2] = {{50.64, 3.07}, {50.58, 2.98}, {50.70, 3.12}};
    char seen[3][2][24];
    for (int o = 0; o < 3; o++) {
        char id[40], body[256], path[160];
        snprintf(body, sizeof body,
                 "{\"kind\":\"job\",\"title\":\"Trilatération %d\",\"skills\":[{\"uri\":\"" S(
                     05) "\"}],\"location\":{\"lat\":%.2f,\"lon\":%.2f}}",
                 o, offer_at[o][0], offer_at[o][1]);
        CHECK_INT(create_offer(org_a, body, id), 201);
        snprintf(path, sizeof path, "/v1/offers/%s/candidates?limit=50", id);
        reply r;
        http(port, "GET", path, org_a, NULL, &r);
        CHECK_INT(r.status, 200);
        json_t *res[2];
        for (int k = 0; k < 2; k++) {
            /* The unkeyed hash a curious organisation would try: not the pseudonym. */
            char buf[128], guess[24];
            unsigned char h[32];
            unsigned n = 32;
            snprintf(buf, sizeof buf, "%s:%s", id, ids[k]);
            EVP_Digest(buf, strlen(buf), h, &n, EVP_sha256(), NULL);
            snprintf(guess, sizeof guess, "cand_%02x%02x%02x%02x%02x%02x%02x%02x", h[0], h[1], h[2],
                     h[3], h[4], h[5], h[6], h[7]);
            CHECK(!result_of(r.json, guess));
            res[k] = NULL;
        }
        /* Both people are there, with the same distance and score. */
        size_t i, found = 0;
        json_t *it;
        json_array_foreach(json_object_get(r.json, "results"), i, it)
            if (found < 2)
                res[found++] = it;
        CHECK_INT(found, 2);
        if (found == 2) {
            json_t *b0 = json_object_get(res[0], "score_breakdown"),
                   *b1 = json_object_get(res[1], "score_breakdown");
            CHECK(json_number_value(json_object_get(b0, "distance_km")) ==
                  json_number_value(json_object_get(b1, "distance_km")));
            CHECK(json_number_value(json_object_get(res[0], "score")) ==
                  json_number_value(json_object_get(res[1], "score")));
            CHECK_STR(str_at(res[0], "justification"), str_at(res[1], "justification"));
            for (int k = 0; k < 2; k++)
                snprintf(seen[o][k], sizeof seen[o][k], "%s", str_at(res[k], "candidate"));
        }
        reply_free(&r);
        /* The same names when asked again. */
        http(port, "GET", path, org_a, NULL, &r);
        for (int k = 0; k < 2; k++)
            CHECK(result_of(r.json, seen[o][k]) != NULL);
        reply_free(&r);
    }
    /* Different names on each offer. */
    for (int k = 0; k < 2; k++)
        CHECK(strcmp(seen[0][k], seen[1][k]) && strcmp(seen[0][k], seen[2][k]) &&
              strcmp(seen[0][k], seen[1][1 - k]));
    for (int k = 0; k < 2; k++) {
        char path[96];
        snprintf(path, sizeof path, "/v1/profiles/%s", ids[k]);
        CHECK_INT(status_of("DELETE", path, org_a, NULL), 204);
    }
}

/* Organisations and training providers cannot count the people who come and go: the change
 * feed numbers offers on their own (no gap for a profile written meanwhile), and /ready,
 * open to all, does not count profiles. */
static void profile_activity_does_not_show(void)
{
    reply r;
    const char *keys[] = {org_b, tp_key};
    long long last[2];
    for (int k = 0; k < 2; k++) {
        http(port, "GET", "/v1/changes?since=0&limit=1000", keys[k], NULL, &r);
        CHECK_INT(r.status, 200);
        last[k] = json_integer_value(json_object_get(r.json, "last_seq"));
        reply_free(&r);
    }
    http(port, "GET", "/ready", NULL, NULL, &r);
    char *ready = strdup(r.body);
    CHECK(!json_object_get(r.json, "profiles"));
    reply_free(&r);
    /* People come and go. */
    for (int i = 0; i < 3; i++) {
        http(port, "POST", "/v1/profiles", i ? org_a : NULL,
             "{\"skills\":[{\"uri\":\"" S(02) "\"}],\"consent\":{\"statistics\":true}}", &r);
        CHECK_INT(r.status, 201);
        char path[96];
        snprintf(path, sizeof path, "/v1/profiles/%s", str_at(r.json, "id"));
        if (i == 2)
            CHECK_INT(status_of("DELETE", path, org_a, NULL), 204);
        reply_free(&r);
    }
    http(port, "GET", "/ready", NULL, NULL, &r);
    CHECK_STR(r.body, ready);
    reply_free(&r);
    free(ready);
    /* The next offer is the next number, for both readers. */
    char id[40];
    CHECK_INT(create_offer(org_b,
                           "{\"kind\":\"job\",\"title\":\"Flux\",\"skills\":[{\"uri\":\"" S(
                               02) "\"}],\"location\":{\"lat\":48.85,\"lon\":2.35}}",
                           id),
              201);
    for (int k = 0; k < 2; k++) {
        char path[96];
        snprintf(path, sizeof path, "/v1/changes?since=%lld", last[k]);
        http(port, "GET", path, keys[k], NULL, &r);
        json_t *first = json_array_get(json_object_get(r.json, "items"), 0);
        CHECK_STR(str_at(first, "id"), id);
        CHECK_INT(json_integer_value(json_object_get(first, "seq")), last[k] + 1);
        reply_free(&r);
    }
}

/* ---- the language of a write ------------------------------------------------------------ */

/* A write's body says its language ("lang"): its errors, labels and warnings are in it, as on
 * every other route; ?lang and Accept-Language come after it. */
static void writes_answer_in_the_body_language(void)
{
    reply r;
    http(port, "POST", "/v1/profiles", org_a, "{\"skills\":[{\"uri\":\"nope\"}],\"lang\":\"en\"}",
         &r);
    CHECK_INT(r.status, 400);
    CHECK_STR(str_at(r.json, "title"), "Bad Request");
    reply_free(&r);
    http(port, "POST", "/v1/offers?lang=fr", org_a,
         "{\"kind\":\"job\",\"title\":\"x\",\"skills\":[{\"uri\":\"nope\"}],\"lang\":\"en\"}", &r);
    CHECK_INT(r.status, 400);
    CHECK_STR(str_at(r.json, "title"), "Bad Request");
    reply_free(&r);
    /* A creation in English: English labels and warnings. */
    http(port, "POST", "/v1/profiles", org_a,
         "{\"skills\":[{\"uri\":\"urn:skillmatch:skill:smartphone-use\"}],\"lang\":\"en\"}", &r);
    CHECK_INT(r.status, 201);
    CHECK_STR(str_at(json_array_get(json_object_get(r.json, "skills"), 0), "label"),
              "use a smartphone");
    const char *warning = str_at(json_array_get(json_object_get(r.json, "warnings"), 0), "reason");
    CHECK(warning && !strncmp(warning, "no place", 8));
    char path[96], body[256];
    snprintf(path, sizeof path, "/v1/profiles/%s", str_at(r.json, "id"));
    reply_free(&r);
    /* A patch in French of the same profile: the answer follows the patch. */
    snprintf(body, sizeof body, "{\"radius_km\":-1,\"lang\":\"fr\"}");
    http_request(port, "PATCH", path, org_a, MERGE "Accept-Language: en\r\n", body, strlen(body),
                 &r);
    CHECK_INT(r.status, 400);
    CHECK_STR(str_at(r.json, "title"), "Requête incorrecte");
    reply_free(&r);
}

/* ---- what an organisation is told ------------------------------------------------------- */

/* The demand row of a skill in an answer, NULL when absent. */
static json_t *demand_row(json_t *answer, const char *uri)
{
    size_t i;
    json_t *row;
    json_array_foreach(json_object_get(answer, "skills"), i, row)
        if (!strcmp(str_at(row, "uri") ? str_at(row, "uri") : "", uri))
            return row;
    return NULL;
}

/* A closing date already past: the offer is created (the organisation may be closing it), the
 * answer says it will be found nowhere, and demand does not count it. */
static void closed_offers_are_told_and_not_counted(void)
{
    const char *where = "\"location\":{\"lat\":47.22,\"lon\":-1.55}"; /* Nantes */
    char body[512], open_id[40];
    snprintf(body, sizeof body,
             "{\"kind\":\"job\",\"title\":\"Ouverte\",\"skills\":[{\"uri\":\"" S(07) "\"}],%s}",
             where);
    CHECK_INT(create_offer(org_a, body, open_id), 201);
    snprintf(body, sizeof body,
             "{\"kind\":\"job\",\"title\":\"Close\",\"skills\":[{\"uri\":\"" S(
                 07) "\"}],%s,"
                     "\"valid_through\":\"2020-01-01\"}",
             where);
    reply r;
    http(port, "POST", "/v1/offers?lang=en", org_a, body, &r);
    CHECK_INT(r.status, 201);
    json_t *w = json_array_get(json_object_get(r.json, "warnings"), 0);
    CHECK_STR(str_at(w, "field"), "valid_through");
    CHECK(str_at(w, "reason") && strstr(str_at(w, "reason"), "already past"));
    char path[96];
    snprintf(path, sizeof path, "/v1/offers/%s", str_at(r.json, "id"));
    reply_free(&r);
    /* The owner reads the warning again; anyone else reads the offer only. */
    http(port, "GET", path, org_a, NULL, &r);
    CHECK_INT(json_array_size(json_object_get(r.json, "warnings")), 1);
    reply_free(&r);
    http(port, "GET", path, NULL, NULL, &r);
    CHECK(!json_object_get(r.json, "warnings"));
    reply_free(&r);
    http(port, "GET", "/v1/demand?near=47.22,-1.55&radius_km=10&top=100", tp_key, NULL, &r);
    json_t *row = demand_row(r.json, S(07));
    CHECK(row &&
          json_integer_value(json_object_get(json_object_get(row, "offers"), "essential")) == 1);
    reply_free(&r);
    /* A job with no place and not remote is told so. */
    http(port, "POST", "/v1/offers", org_a,
         "{\"kind\":\"job\",\"title\":\"Nulle part\",\"skills\":[{\"uri\":\"" S(07) "\"}]}", &r);
    CHECK_INT(r.status, 201);
    CHECK_STR(str_at(json_array_get(json_object_get(r.json, "warnings"), 0), "field"), "location");
    reply_free(&r);
}

/* Funding schemes however a provider writes them; a name skillmatch does not know is kept
 * and the provider is told paths cannot count it. Hours and euros to the cent, shown as
 * given in the sentences. */
/* The admin's view of the change feed: its last sequence number. */
static long long last_change(void)
{
    reply r;
    http(port, "GET", "/v1/changes?since=0&limit=1000", admin_key, NULL, &r);
    CHECK_INT(r.status, 200);
    long long last = json_integer_value(json_object_get(r.json, "last_seq"));
    reply_free(&r);
    return last;
}

/* What the index would refuse is refused before the transaction (400 naming the field): a
 * training that teaches nothing is neither stored nor half-stored, and a PUT that empties one
 * leaves the stored training and the index as they were. */
static void refused_writes_leave_nothing(void)
{
    reply r;
    long long before = last_change();
    http(port, "POST", "/v1/offers", tp_key,
         "{\"kind\":\"training\",\"title\":\"Rien\",\"teaches\":[],\"remote\":true}", &r);
    CHECK_INT(r.status, 400);
    CHECK_STR(str_at(json_array_get(json_object_get(r.json, "errors"), 0), "field"), "teaches");
    reply_free(&r);
    CHECK_INT(last_change(), before);
    char id[40], path[80];
    CHECK_INT(create_offer(tp_key,
                           "{\"kind\":\"training\",\"title\":\"Caisse\",\"teaches\":[{\"uri\":\"" S(
                               07) "\"}],\"remote\":true}",
                           id),
              201);
    before = last_change();
    snprintf(path, sizeof path, "/v1/offers/%s", id);
    http(port, "PUT", path, tp_key,
         "{\"kind\":\"training\",\"title\":\"Caisse\",\"teaches\":[],\"remote\":true}", &r);
    CHECK_INT(r.status, 400);
    reply_free(&r);
    CHECK_INT(last_change(), before);
    http(port, "GET", path, NULL, NULL, &r);
    CHECK_INT(r.status, 200);
    CHECK_HAS(r.body, S(07));
    reply_free(&r);
}

/* Rows of every table of the database whose text holds needle, table by table ("t: n; ...");
 * tables in skip are not searched. */
static int rows_holding(const char *needle, const char *skip, char *found, size_t cap)
{
    char cmd[1400], tables[4096];
    snprintf(cmd, sizeof cmd,
             "psql '%s' -tAc \"SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER "
             "BY 1\"",
             conninfo);
    if (run_capture(cmd, tables, sizeof tables) != 0)
        return -1;
    int total = 0;
    found[0] = '\0';
    for (char *t = strtok(tables, "\n"); t; t = strtok(NULL, "\n")) {
        if (strstr(skip, t))
            continue;
        char out[64];
        snprintf(cmd, sizeof cmd,
                 "psql '%s' -tAc \"SELECT count(*) FROM %s x WHERE x::text LIKE '%%%s%%'\"",
                 conninfo, t, needle);
        if (run_capture(cmd, out, sizeof out) != 0)
            return -1;
        int n = atoi(out);
        if (n) {
            size_t len = strlen(found);
            snprintf(found + len, cap - len, "%s: %d; ", t, n);
        }
        total += n;
    }
    return total;
}

/*
 * Erasure leaves no residue (issue 21): a profile created with an Idempotency-Key, matched on
 * with one, exported (the stored answers and its change-feed entries are listed), then erased:
 * no table holds its id (the change feed names people by a keyed hash) or the unique word of
 * its description, no route shows it, and the stored answer of the match is gone (it outlived
 * the erasure for a day, unlisted in the export).
 */
static void erasure_leaves_no_residue(void)
{
    char token[40], body[512], id[40] = "", path[96], hdr[160];
    snprintf(token, sizeof token, "Zorglubien%d", (int)getpid());
    snprintf(body, sizeof body,
             "{\"skills\":[{\"uri\":\"" S(
                 02) "\"}],\"description\":\"Je suis %s et je tiens une "
                     "caisse.\",\"consent\":{\"visible_to_organisations\":true}}",
             token);
    snprintf(hdr, sizeof hdr, "Idempotency-Key: create-%s\r\nContent-Type: application/json\r\n",
             token);
    reply r;
    http_request(port, "POST", "/v1/profiles", org_a, hdr, body, strlen(body), &r);
    CHECK_INT(r.status, 201);
    if (str_at(r.json, "id"))
        snprintf(id, sizeof id, "%s", str_at(r.json, "id"));
    reply_free(&r);
    snprintf(body, sizeof body, "{\"profile_id\":\"%s\",\"limit\":5}", id);
    snprintf(hdr, sizeof hdr, "Idempotency-Key: match-%s\r\nContent-Type: application/json\r\n",
             token);
    http_request(port, "POST", "/v1/match", org_a, hdr, body, strlen(body), &r);
    CHECK_INT(r.status, 200);
    reply_free(&r);
    snprintf(path, sizeof path, "/v1/profiles/%s/feedback", id);
    snprintf(body, sizeof body,
             "{\"offer_id\":\"00000000-0000-4000-8000-0000000000ad\",\"kind\":\"wrong\","
             "\"comment\":\"%s ne conduit pas\"}",
             token);
    CHECK_INT(status_of("POST", path, org_a, body), 201);
    snprintf(path, sizeof path, "/v1/profiles/%s/export", id);
    http(port, "GET", path, org_a, NULL, &r);
    CHECK_INT(r.status, 200);
    CHECK_INT(json_array_size(json_object_get(r.json, "feedback")), 1);
    CHECK_INT(json_array_size(json_object_get(r.json, "stored_answers")), 2);
    CHECK_INT(json_array_size(json_object_get(r.json, "changes")), 1); /* its creation */
    long long created_seq = json_integer_value(
        json_object_get(json_array_get(json_object_get(r.json, "changes"), 0), "seq"));
    reply_free(&r);
    snprintf(path, sizeof path, "/v1/profiles/%s", id);
    http(port, "DELETE", path, org_a, NULL, &r);
    CHECK_INT(r.status, 204);
    reply_free(&r);
    /* The erasure's feed entry bears the name of the creation's (followers can drop it). */
    char since_created[96], name[40] = "";
    snprintf(since_created, sizeof since_created, "/v1/changes?since=%lld&limit=1000",
             created_seq - 1);
    http(port, "GET", since_created, admin_key, NULL, &r);
    int erased_named = 0;
    size_t e;
    json_t *entry;
    json_array_foreach(json_object_get(r.json, "items"), e, entry) {
        if (json_integer_value(json_object_get(entry, "seq")) == created_seq)
            snprintf(name, sizeof name, "%s", str_at(entry, "id"));
        erased_named +=
            *name && !strcmp(str_at(entry, "op"), "delete") && !strcmp(str_at(entry, "id"), name);
    }
    reply_free(&r);
    CHECK_INT(erased_named, 1);
    char found[1024];
    CHECK_INT(rows_holding(token, "", found, sizeof found), 0);
    if (*found)
        fprintf(stderr, "    the description's word is still in %s\n", found);
    CHECK_INT(rows_holding(id, "", found, sizeof found), 0);
    if (*found)
        fprintf(stderr, "    the profile's id is still in %s\n", found);
    char cmd[700], out[64];
    snprintf(cmd, sizeof cmd,
             "psql '%s' -tAc \"SELECT count(*) FROM idempotency WHERE key LIKE '%%%s'\"", conninfo,
             token);
    CHECK_INT(run_capture(cmd, out, sizeof out), 0);
    CHECK_INT(atoi(out), 0);
    CHECK_INT(status_of("GET", path, org_a, NULL), 404);
    snprintf(path, sizeof path, "/v1/profiles/%s/export", id);
    CHECK_INT(status_of("GET", path, org_a, NULL), 404);
    snprintf(body, sizeof body, "{\"profile_id\":\"%s\"}", id);
    CHECK_INT(status_of("POST", "/v1/match", org_a, body), 404);
    http(port, "GET", "/v1/changes?limit=500", org_a, NULL, &r);
    CHECK(r.body && !strstr(r.body, token));
    reply_free(&r);
    /* The admin's feed has the creation and the erasure, under a name that is not the id. */
    int named = 0;
    for (long long since = 0;;) {
        char feed[96];
        snprintf(feed, sizeof feed, "/v1/changes?since=%lld&limit=1000", since);
        http(port, "GET", feed, admin_key, NULL, &r);
        CHECK_INT(r.status, 200);
        CHECK(r.body && !strstr(r.body, id));
        size_t k;
        json_t *it, *items = json_object_get(r.json, "items");
        json_array_foreach(items, k, it) {
            named += !strcmp(str_at(it, "object"), "profile") &&
                     str_at(it, "id")[14] == '8'; /* a name, of version 8 */
            since = json_integer_value(json_object_get(it, "seq"));
        }
        int more = json_array_size(items) == 1000;
        reply_free(&r);
        if (!more)
            break;
    }
    CHECK(named >= 2);
}

/*
 * Only hashes of keys are stored (issue 21): the answer kept for a profile creation's
 * Idempotency-Key holds no seeker key, and its replay issues a fresh one and revokes the
 * first, which stops working at once (it was kept in clear and replayed as it was).
 */
static void replayed_creation_issues_a_fresh_key(void)
{
    char idem[64], hdr[160], first[64] = "", again[64] = "", id[40] = "", path[96];
    snprintf(idem, sizeof idem, "replay-key-%d", (int)getpid());
    snprintf(hdr, sizeof hdr, "Idempotency-Key: %s\r\nContent-Type: application/json\r\n", idem);
    const char *body = "{\"skills\":[{\"uri\":\"" S(02) "\"}]}";
    reply r;
    http_request(port, "POST", "/v1/profiles", org_a, hdr, body, strlen(body), &r);
    CHECK_INT(r.status, 201);
    snprintf(first, sizeof first, "%s",
             str_at(r.json, "seeker_key") ? str_at(r.json, "seeker_key") : "");
    snprintf(id, sizeof id, "%s", str_at(r.json, "id") ? str_at(r.json, "id") : "");
    reply_free(&r);
    CHECK(strncmp(first, "smk_", 4) == 0);
    snprintf(path, sizeof path, "/v1/profiles/%s", id);
    CHECK_INT(status_of("GET", path, first, NULL), 200);
    char cmd[700], out[64];
    snprintf(cmd, sizeof cmd,
             "psql '%s' -tAc \"SELECT count(*) FROM idempotency WHERE key = '%s' AND body NOT LIKE "
             "'%%smk_%%'\"",
             conninfo, idem);
    CHECK_INT(run_capture(cmd, out, sizeof out), 0);
    CHECK_INT(atoi(out), 1); /* kept, without a key */
    http_request(port, "POST", "/v1/profiles", org_a, hdr, body, strlen(body), &r);
    CHECK_INT(r.status, 201);
    CHECK_STR(str_at(r.json, "id"), id);
    snprintf(again, sizeof again, "%s",
             str_at(r.json, "seeker_key") ? str_at(r.json, "seeker_key") : "");
    char loc[160];
    CHECK_HAS(header_value(&r, "Location", loc, sizeof loc), id);
    reply_free(&r);
    CHECK(strncmp(again, "smk_", 4) == 0 && strcmp(again, first) != 0);
    CHECK_INT(status_of("GET", path, again, NULL), 200);
    CHECK_INT(status_of("GET", path, first, NULL), 401);
    CHECK_INT(run_capture(cmd, out, sizeof out), 0);
    CHECK_INT(atoi(out), 1);
}

/* Change-feed entries written before 007 name profiles by their ids: `skillmatch migrate`
 * renames them (version 8 names), and renames nothing twice. */
static void old_feed_entries_are_renamed(void)
{
    const char *old = "0a1b2c3d-0000-4000-8000-00000000beef";
    char cmd[900], out[128], first[64];
    snprintf(cmd, sizeof cmd,
             "psql '%s' -qtAc \"INSERT INTO changes (object, id, op) VALUES ('profile', '%s', "
             "'upsert') RETURNING seq\"",
             conninfo, old);
    CHECK_INT(run_capture(cmd, out, sizeof out), 0);
    long long seq = atoll(out);
    CHECK(seq > 0);
    CHECK_INT(sh("build/skillmatch migrate --db '%s' >/dev/null", conninfo), 0);
    snprintf(cmd, sizeof cmd, "psql '%s' -tAc \"SELECT id FROM changes WHERE seq = %lld\"",
             conninfo, seq);
    CHECK_INT(run_capture(cmd, first, sizeof first), 0);
    CHECK(strncmp(first, old, 36) != 0 && strlen(first) >= 36 && first[14] == '8');
    CHECK_INT(sh("build/skillmatch migrate --db '%s' >/dev/null", conninfo), 0);
    CHECK_INT(run_capture(cmd, out, sizeof out), 0);
    CHECK_STR(out, first);
}

/*
 * A person says a match is wrong or unwanted (GDPR articles 21, 22): with their seeker key or
 * through the organisation helping them; refused with the field named (in French by default)
 * when the kind or offer is not one; another organisation cannot; the export lists it.
 */
static void feedback_is_kept_and_exported(void)
{
    char id[40] = "", key[64] = "", path[96], body[256];
    reply r;
    CHECK_INT(create_profile(org_a, "{\"skills\":[{\"uri\":\"" S(02) "\"}]}", id, key), 201);
    snprintf(path, sizeof path, "/v1/profiles/%s/feedback", id);
    snprintf(body, sizeof body,
             "{\"offer_id\":\"00000000-0000-4000-8000-0000000000ab\",\"kind\":\"wrong\","
             "\"comment\":\"Je ne sais pas conduire.\"}");
    http(port, "POST", path, key, body, &r);
    CHECK_INT(r.status, 201);
    CHECK_STR(str_at(r.json, "kind"), "wrong");
    CHECK_STR(str_at(r.json, "comment"), "Je ne sais pas conduire.");
    reply_free(&r);
    http(port, "POST", path, org_a,
         "{\"offer_id\":\"00000000-0000-4000-8000-0000000000ac\",\"kind\":\"unwanted\"}", &r);
    CHECK_INT(r.status, 201);
    reply_free(&r);
    http(port, "POST", path, key, "{\"offer_id\":\"pas-un-id\",\"kind\":\"nul\"}", &r);
    CHECK_INT(r.status, 400);
    CHECK_STR(str_at(json_array_get(json_object_get(r.json, "errors"), 0), "field"), "offer_id");
    CHECK_HAS(r.body, "doit valoir");
    reply_free(&r);
    CHECK_INT(status_of("POST", path, org_b, body), 404);
    CHECK_INT(status_of("POST", path, NULL, body), 401);
    snprintf(path, sizeof path, "/v1/profiles/%s/export", id);
    http(port, "GET", path, key, NULL, &r);
    CHECK_INT(r.status, 200);
    json_t *fb = json_object_get(r.json, "feedback");
    CHECK_INT(json_array_size(fb), 2);
    CHECK_STR(str_at(json_array_get(fb, 0), "comment"), "Je ne sais pas conduire.");
    CHECK_STR(str_at(json_array_get(fb, 1), "kind"), "unwanted");
    reply_free(&r);
}

/* The consent record of purpose in a profile's answer: given, at, text_version. */
static json_t *consent_of(json_t *profile, const char *purpose)
{
    return json_object_get(json_object_get(profile, "consent"), purpose);
}

/* Whether the candidates of offer for org_a hold profile id (its contact is shared). */
static int among_candidates(const char *offer, const char *id)
{
    char path[160];
    snprintf(path, sizeof path, "/v1/offers/%s/candidates?limit=50", offer);
    reply r;
    http(port, "GET", path, org_a, NULL, &r);
    int found = r.body && strstr(r.body, id) != NULL;
    reply_free(&r);
    return found;
}

/*
 * Consent per purpose (issue 21): recorded with the time and the version of the text shown,
 * kept as it was while unchanged, stamped again when withdrawn; withdrawal takes effect at
 * once (the candidates list drops the person); the texts are served in both languages; a
 * made-up version or time is refused with the field named.
 */
static void consent_is_recorded_per_purpose(void)
{
    char id[40] = "", key[64] = "", offer[40] = "", path[96];
    CHECK_INT(create_offer(org_a,
                           "{\"kind\":\"job\",\"title\":\"Consentement\",\"skills\":[{\"uri\":\"" S(
                               11) "\"}]}",
                           offer),
              201);
    reply r;
    http(port, "GET", "/v1/consent", NULL, NULL, &r);
    CHECK_INT(r.status, 200);
    const char *version = str_at(r.json, "current");
    char current[32];
    snprintf(current, sizeof current, "%s", version ? version : "");
    CHECK_INT(json_array_size(json_object_get(r.json, "purposes")), 3);
    json_t *first = json_array_get(json_object_get(r.json, "purposes"), 0);
    CHECK_STR(str_at(first, "purpose"), "visible_to_organisations");
    CHECK_HAS(str_at(first, "text"), "structures"); /* French by default */
    CHECK_HAS(str_at(json_object_get(first, "texts"), "en"), "organisations");
    reply_free(&r);
    CHECK_INT(status_of("GET", "/v1/consent?version=1999-01", NULL, NULL), 400);
    http(port, "POST", "/v1/profiles", org_a,
         "{\"consent\":{\"statistics\":{\"text_version\":\"2026-12\"}}}", &r);
    CHECK_INT(r.status, 400);
    CHECK_STR(str_at(json_array_get(json_object_get(r.json, "errors"), 0), "field"),
              "consent.statistics.given");
    reply_free(&r);
    char body[512];
    snprintf(body, sizeof body,
             "{\"skills\":[{\"uri\":\"" S(
                 11) "\"}],\"contact\":{\"name\":\"Ada\"},\"consent\":{"
                     "\"visible_to_organisations\":{\"given\":true,\"text_version\":\"%s\"},"
                     "\"share_contact\":true}}",
             current);
    CHECK_INT(create_profile(org_a, body, id, key), 201);
    snprintf(path, sizeof path, "/v1/profiles/%s", id);
    http(port, "GET", path, key, NULL, &r);
    json_t *visible = consent_of(r.json, "visible_to_organisations");
    CHECK(json_is_true(json_object_get(visible, "given")));
    CHECK_STR(str_at(visible, "text_version"), current);
    char at[32];
    snprintf(at, sizeof at, "%s", str_at(visible, "at") ? str_at(visible, "at") : "");
    CHECK(strlen(at) == 20 && at[10] == 'T');
    CHECK(json_is_false(json_object_get(consent_of(r.json, "statistics"), "given")));
    CHECK(!json_object_get(consent_of(r.json, "statistics"), "at")); /* never asked */
    reply_free(&r);
    CHECK(among_candidates(offer, id));
    /* A change of something else keeps the record as it was (its time too). */
    sleep(1);
    const char *other = "{\"constraints\":{\"part_time\":true}}";
    http_request(port, "PATCH", path, key, MERGE, other, strlen(other), &r);
    CHECK_INT(r.status, 200);
    CHECK_STR(str_at(consent_of(r.json, "visible_to_organisations"), "at"), at);
    reply_free(&r);
    /* Withdrawn as easily as given: at once, in memory too. */
    const char *off = "{\"consent\":{\"visible_to_organisations\":false}}";
    http_request(port, "PATCH", path, key, MERGE, off, strlen(off), &r);
    CHECK_INT(r.status, 200);
    visible = consent_of(r.json, "visible_to_organisations");
    CHECK(json_is_false(json_object_get(visible, "given")));
    CHECK(str_at(visible, "at") && strcmp(str_at(visible, "at"), at) > 0);
    reply_free(&r);
    CHECK(!among_candidates(offer, id));
    /* A PUT of what GET shows keeps the records as they are. */
    http(port, "GET", path, key, NULL, &r);
    json_t *doc = json_pack("{s:O, s:O, s:O}", "skills", json_object_get(r.json, "skills"),
                            "consent", json_object_get(r.json, "consent"), "contact",
                            json_object_get(r.json, "contact"));
    json_t *skills = json_object_get(doc, "skills");
    size_t i;
    json_t *it;
    json_array_foreach(skills, i, it) {
        json_object_del(it, "label");
        json_object_del(it, "evidence");
    }
    char *text = json_dumps(doc, JSON_COMPACT);
    char withdrawn[32];
    snprintf(withdrawn, sizeof withdrawn, "%s",
             str_at(consent_of(r.json, "visible_to_organisations"), "at"));
    reply_free(&r);
    http(port, "PUT", path, key, text, &r);
    CHECK_INT(r.status, 200);
    if (r.status != 200)
        fprintf(stderr, "    PUT: %s\n", r.body);
    CHECK_STR(str_at(consent_of(r.json, "visible_to_organisations"), "at"), withdrawn);
    reply_free(&r);
    free(text);
    json_decref(doc);
    /* Refused, with the field named: a version never shown, a time of one's own. */
    const char *bad[][2] = {
        {"{\"consent\":{\"statistics\":{\"given\":true,\"text_version\":\"1999-01\"}}}",
         "consent.statistics.text_version"},
        {"{\"consent\":{\"statistics\":{\"given\":true,\"at\":\"2020-01-01T00:00:00Z\"}}}",
         "consent.statistics.at"},
        {"{\"consent\":{\"statistics\":\"oui\"}}", "consent.statistics"},
        {"{\"consent\":{\"statistics\":{\"given\":true,\"at\":42}}}", "consent.statistics.at"},
        {"{\"consent\":{\"marketing\":true}}", "consent.marketing"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        http_request(port, "PATCH", path, key, MERGE, bad[k][0], strlen(bad[k][0]), &r);
        CHECK_INT(r.status, 400);
        CHECK_STR(str_at(json_array_get(json_object_get(r.json, "errors"), 0), "field"), bad[k][1]);
        reply_free(&r);
    }
    /* Given again: in the candidates at once. */
    const char *on = "{\"consent\":{\"visible_to_organisations\":{\"given\":true}}}";
    http_request(port, "PATCH", path, key, MERGE, on, strlen(on), &r);
    CHECK_INT(r.status, 200);
    CHECK_STR(str_at(consent_of(r.json, "visible_to_organisations"), "text_version"), current);
    reply_free(&r);
    CHECK(among_candidates(offer, id));
    CHECK_INT(status_of("DELETE", path, key, NULL), 204);
}

/* The audit entries of profile id (admin), waiting up to 5 s for at least min of them. */
static json_t *audit_of(const char *id, size_t min)
{
    char path[160];
    snprintf(path, sizeof path, "/v1/audit?profile=%s&limit=1000", id);
    for (int tries = 0; tries < 50; tries++) {
        reply r;
        http(port, "GET", path, admin_key, NULL, &r);
        json_t *items = json_incref(json_object_get(r.json, "items"));
        reply_free(&r);
        if (json_array_size(items) >= min || tries == 49)
            return items;
        json_decref(items);
        usleep(100000);
    }
    return NULL;
}

static int has_action(json_t *items, const char *action)
{
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
        if (!strcmp(str_at(it, "action"), action))
            return 1;
    return 0;
}

/*
 * The audit trail (issue 21): who read or changed a profile (creation, reads, a match on it,
 * its export, a change, its erasure), by key and never by the profile's id or content; for
 * admin keys only, by pages; listed in the person's export.
 */
static void audit_names_who_read_and_changed(void)
{
    char id[40] = "", key[64] = "", path[96], body[128];
    CHECK_INT(create_profile(org_a,
                             "{\"skills\":[{\"uri\":\"" S(02) "\"}],\"description\":"
                                                              "\"Audite Quiproquo\"}",
                             id, key),
              201);
    snprintf(path, sizeof path, "/v1/profiles/%s", id);
    CHECK_INT(status_of("GET", path, key, NULL), 200);
    CHECK_INT(status_of("GET", path, admin_key, NULL), 200);
    snprintf(body, sizeof body, "{\"profile_id\":\"%s\"}", id);
    CHECK_INT(status_of("POST", "/v1/match", org_a, body), 200);
    reply r;
    const char *patch = "{\"constraints\":{\"no_car\":true}}";
    http_request(port, "PATCH", path, org_a, MERGE, patch, strlen(patch), &r);
    CHECK_INT(r.status, 200);
    reply_free(&r);
    json_t *items = audit_of(id, 5);
    CHECK(has_action(items, "profile.create") && has_action(items, "profile.read") &&
          has_action(items, "profile.match") && has_action(items, "profile.patch"));
    size_t i;
    json_t *it;
    int by_admin = 0;
    json_array_foreach(items, i, it) {
        CHECK(!strncmp(str_at(it, "actor"), "key:", 4));
        CHECK(strcmp(str_at(it, "object"), id) != 0);
        by_admin += !strcmp(str_at(it, "action"), "profile.read") &&
                    strcmp(str_at(it, "actor"), str_at(json_array_get(items, 0), "actor"));
    }
    json_decref(items);
    CHECK(by_admin >= 1); /* the admin's read, under its own key */
    /* Nothing of the person in the trail. */
    http(port, "GET", "/v1/audit?limit=1000", admin_key, NULL, &r);
    CHECK_INT(r.status, 200);
    CHECK(r.body && !strstr(r.body, id) && !strstr(r.body, "Quiproquo"));
    reply_free(&r);
    /* By pages. */
    http(port, "GET", "/v1/audit?limit=1", admin_key, NULL, &r);
    CHECK_INT(json_array_size(json_object_get(r.json, "items")), 1);
    char next[300];
    snprintf(next, sizeof next, "/v1/audit?limit=1&cursor=%s",
             str_at(r.json, "next_cursor") ? str_at(r.json, "next_cursor") : "none");
    long long first = json_integer_value(
        json_object_get(json_array_get(json_object_get(r.json, "items"), 0), "id"));
    reply_free(&r);
    http(port, "GET", next, admin_key, NULL, &r);
    CHECK_INT(r.status, 200);
    CHECK(json_integer_value(
              json_object_get(json_array_get(json_object_get(r.json, "items"), 0), "id")) > first);
    reply_free(&r);
    CHECK_INT(status_of("GET", "/v1/audit", org_a, NULL), 403);
    CHECK_INT(status_of("GET", "/v1/audit", key, NULL), 403);
    CHECK_INT(status_of("GET", "/v1/audit?profile=moi", admin_key, NULL), 400);
    /* The person sees it in their export. */
    snprintf(path, sizeof path, "/v1/profiles/%s/export", id);
    http(port, "GET", path, key, NULL, &r);
    CHECK_INT(r.status, 200);
    json_t *audit = json_object_get(r.json, "audit");
    CHECK(json_array_size(audit) >= 5);
    CHECK(has_action(audit, "profile.create"));
    reply_free(&r);
    snprintf(path, sizeof path, "/v1/profiles/%s", id);
    CHECK_INT(status_of("DELETE", path, key, NULL), 204);
    items = audit_of(id, 7);
    CHECK(has_action(items, "profile.erase") && has_action(items, "profile.export"));
    json_decref(items);
}

/*
 * Retention (issue 21): the creation answer tells the rule; a read with the person's key
 * restarts the count; a profile unused past the period is erased by the server itself, keys
 * and all, and the erasure is audited as the system's.
 */
static void unused_profiles_are_erased(void)
{
    char id[40] = "", key[64] = "", path[96], cmd[700], out[64];
    reply r;
    http(port, "POST", "/v1/profiles", org_a, "{\"skills\":[{\"uri\":\"" S(02) "\"}]}", &r);
    CHECK_INT(r.status, 201);
    json_t *retention = json_object_get(r.json, "retention");
    CHECK_INT(json_integer_value(json_object_get(retention, "days")), 730);
    CHECK(str_at(retention, "erased_after") && strlen(str_at(retention, "erased_after")) == 10);
    CHECK_HAS(str_at(retention, "rule"), "730 jours");
    snprintf(id, sizeof id, "%s", str_at(r.json, "id") ? str_at(r.json, "id") : "");
    snprintf(key, sizeof key, "%s",
             str_at(r.json, "seeker_key") ? str_at(r.json, "seeker_key") : "");
    reply_free(&r);
    snprintf(path, sizeof path, "/v1/profiles/%s", id);
    /* Unused for 700 days, then read by the person: counted from now again. */
    snprintf(cmd, sizeof cmd,
             "psql '%s' -qtAc \"UPDATE profiles SET last_used_at = now() - interval '700 days' "
             "WHERE id = '%s'\"",
             conninfo, id);
    CHECK_INT(sh("%s", cmd), 0);
    CHECK_INT(status_of("GET", path, key, NULL), 200);
    snprintf(cmd, sizeof cmd,
             "psql '%s' -tAc \"SELECT last_used_at > now() - interval '1 day' FROM profiles "
             "WHERE id = '%s'\"",
             conninfo, id);
    int renewed = 0;
    for (int tries = 0; tries < 50 && !renewed; tries++) {
        if (tries)
            usleep(100000);
        renewed = run_capture(cmd, out, sizeof out) == 0 && out[0] == 't';
    }
    CHECK(renewed);
    /* Unused for 731 days: erased by the server within a few seconds (the first turn of the
     * job comes 5 s after the start). */
    snprintf(cmd, sizeof cmd,
             "psql '%s' -qtAc \"UPDATE profiles SET last_used_at = now() - interval '731 days' "
             "WHERE id = '%s'\"",
             conninfo, id);
    CHECK_INT(sh("%s", cmd), 0);
    int gone = 0;
    for (int tries = 0; tries < 150 && !gone; tries++) {
        if (tries)
            usleep(100000);
        gone = status_of("GET", path, admin_key, NULL) == 404; /* (an admin's read is no use) */
    }
    CHECK(gone);
    CHECK_INT(status_of("GET", path, key, NULL), 401); /* its key went with it */
    char found[1024];
    CHECK_INT(rows_holding(id, "", found, sizeof found), 0);
    if (*found)
        fprintf(stderr, "    the profile's id is still in %s\n", found);
    json_t *items = audit_of(id, 3);
    size_t i;
    json_t *it;
    int expired = 0;
    json_array_foreach(items, i, it)
        expired += !strcmp(str_at(it, "action"), "profile.expire") &&
                   !strcmp(str_at(it, "actor"), "system");
    CHECK_INT(expired, 1);
    json_decref(items);
}

/* What people said of their matches is there for admins to review, and for no one else. */
static void feedback_is_reviewed_by_admins(void)
{
    char id[40] = "", key[64] = "", path[96];
    CHECK_INT(create_profile(org_a, "{\"skills\":[{\"uri\":\"" S(02) "\"}]}", id, key), 201);
    snprintf(path, sizeof path, "/v1/profiles/%s/feedback", id);
    CHECK_INT(status_of("POST", path, key,
                        "{\"offer_id\":\"00000000-0000-4000-8000-0000000000ee\",\"kind\":"
                        "\"unwanted\",\"comment\":\"Trop loin\"}"),
              201);
    reply r;
    int seen = 0;
    for (char cursor[32] = "0"; *cursor;) {
        char url[96];
        snprintf(url, sizeof url, "/v1/feedback?limit=100&cursor=%s", cursor);
        http(port, "GET", url, admin_key, NULL, &r);
        CHECK_INT(r.status, 200);
        size_t i;
        json_t *it;
        json_array_foreach(json_object_get(r.json, "items"), i, it)
            seen += !strcmp(str_at(it, "profile_id"), id) &&
                    !strcmp(str_at(it, "comment"), "Trop loin");
        snprintf(cursor, sizeof cursor, "%s",
                 str_at(r.json, "next_cursor") ? str_at(r.json, "next_cursor") : "");
        reply_free(&r);
    }
    CHECK_INT(seen, 1);
    json_t *items = audit_of(id, 3); /* created, feedback given, reviewed */
    CHECK(has_action(items, "profile.feedback_review"));
    json_decref(items);
    CHECK_INT(status_of("GET", "/v1/feedback", org_a, NULL), 403);
    CHECK_INT(status_of("GET", "/v1/feedback", key, NULL), 403);
    CHECK_INT(status_of("GET", "/v1/feedback?cursor=-1", admin_key, NULL), 400);
}

static void trainings_keep_what_providers_write(void)
{
    reply r;
    http(port, "POST", "/v1/offers", tp_key,
         "{\"kind\":\"training\",\"title\":\"Caisse\",\"teaches\":[{\"uri\":\"" S(
             07) "\"}],"
                 "\"duration_hours\":10.5,\"cost\":450.5,\"funding\":[\"cpf\",\"Pôle emploi\","
                 "\"Fonds Solidaire du Nord\"],\"remote\":true}",
         &r);
    CHECK_INT(r.status, 201);
    json_t *w = json_object_get(r.json, "warnings");
    CHECK_INT(json_array_size(w), 1);
    CHECK_STR(str_at(json_array_get(w, 0), "field"), "funding[2]");
    CHECK_INT(json_array_size(json_object_get(r.json, "funding")), 3);
    reply_free(&r);
    /* A person with France Travail: the training is funded; with nothing named, fundable. */
    char job[40], ask[512], plain[512];
    CHECK_INT(create_offer(org_a,
                           "{\"kind\":\"job\",\"title\":\"Caissier\",\"skills\":[{\"uri\":\"" S(
                               07) "\"}],\"remote\":true}",
                           job),
              201);
    snprintf(ask, sizeof ask,
             "{\"profile\":{\"skills\":[{\"uri\":\"" S(
                 05) "\"}]},\"target\":{\"offer_id\":\"%s\"},"
                     "\"constraints\":{\"funding\":[\"france travail\"]}}",
             job);
    snprintf(plain, sizeof plain,
             "{\"profile\":{\"skills\":[{\"uri\":\"" S(05) "\"}]},\"target\":{\"offer_id\":\"%s\"},"
                                                           "\"lang\":\"en\"}",
             job);
    http(port, "POST", "/v1/paths", NULL, ask, &r);
    CHECK_INT(r.status, 200);
    json_t *step = json_array_get(
        json_object_get(json_array_get(json_object_get(r.json, "paths"), 0), "steps"), 0);
    json_t *funded = json_object_get(step, "funded_by");
    CHECK(json_array_size(funded) == 1 &&
          !strcmp(json_string_value(json_array_get(funded, 0)), "France Travail"));
    CHECK_HAS(str_at(step, "explanation") ? str_at(step, "explanation") : "", "(10,5 h, financée");
    reply_free(&r);
    http(port, "POST", "/v1/paths", NULL, plain, &r);
    step = json_array_get(
        json_object_get(json_array_get(json_object_get(r.json, "paths"), 0), "steps"), 0);
    CHECK_INT(json_array_size(json_object_get(step, "fundable_by")), 2);
    CHECK_HAS(str_at(step, "explanation") ? str_at(step, "explanation") : "",
              "(10.5 h, €450.50, fundable by CPF or France Travail");
    reply_free(&r);
    /* More decimals than shown are refused, naming the field. */
    http(port, "POST", "/v1/offers", tp_key,
         "{\"kind\":\"training\",\"title\":\"x\",\"teaches\":[{\"uri\":\"" S(07) "\"}],"
                                                                                 "\"cost\":10.123}",
         &r);
    CHECK_INT(r.status, 400);
    CHECK_STR(str_at(json_array_get(json_object_get(r.json, "errors"), 0), "field"), "cost");
    reply_free(&r);
}

/* Filters that leave every offer out: the empty answer says how many they left out. */
static void empty_answers_say_why(void)
{
    char id[40];
    CHECK_INT(
        create_offer(tp_key,
                     "{\"kind\":\"training\",\"title\":\"Tableur\",\"teaches\":[{\"uri\":\"" S(
                         01) "\"}],\"remote\":true}",
                     id),
        201);
    reply r;
#define ASK "{\"profile\":{\"skills\":[{\"uri\":\"" S(01) "\"}]},\"kind\":\"training\"%s}"
    char body[512];
    snprintf(body, sizeof body, ASK, ",\"filters\":{\"contract_types\":[\"CDI\"]}");
    http(port, "POST", "/v1/match", NULL, body, &r);
    CHECK_INT(r.status, 200);
    CHECK_INT(json_array_size(json_object_get(r.json, "results")), 0);
    CHECK(json_integer_value(json_object_get(r.json, "filtered_out")) >= 1);
    reply_free(&r);
    snprintf(body, sizeof body, ASK, "");
    http(port, "POST", "/v1/match", NULL, body, &r);
    CHECK(json_array_size(json_object_get(r.json, "results")) >= 1);
    CHECK(!json_object_get(r.json, "filtered_out"));
    reply_free(&r);
}

/* A misspelt or repeated query parameter is named, never ignored. */
static void query_parameters_are_checked(void)
{
    static const struct {
        const char *path, *field;
    } cases[] = {
        {"/v1/demand?near=47.22,-1.55&radius=5", "radius"},
        {"/v1/demand?near=47.22,-1.55&rayon_km=5", "rayon_km"},
        {"/v1/demand/history?skill=" S(07) "&near=47.22,-1.55", "near"},
        {"/v1/offers?foo=1", "foo"},
        {"/v1/offers?limit=1&limit=2", "limit"},
        {"/v1/skills?q=caisse&lang=en&lang=fr", "lang"},
        {"/health?x=1", "x"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        reply r;
        http(port, "GET", cases[i].path, tp_key, NULL, &r);
        CHECK_INT(r.status, 400);
        CHECK_STR(str_at(json_array_get(json_object_get(r.json, "errors"), 0), "field"),
                  cases[i].field);
        reply_free(&r);
    }
    CHECK_INT(status_of("GET", "/v1/offers?kind=job&limit=2&lang=en", NULL, NULL), 200);
}

/* Small things a second look found, each one told the same way everywhere. */
static void answers_agree_with_each_other(void)
{
    reply r;
    char id[40], path[96], etag[64];
    /* A 412 carries the version there is, on PUT as on PATCH. */
    const char *job = "{\"kind\":\"job\",\"title\":\"Vendeur\",\"skills\":[{\"uri\":\"" S(
        02) "\"}],\"location\":{\"lat\":48.85,\"lon\":2.35}}";
    CHECK_INT(create_offer(org_a, job, id), 201);
    snprintf(path, sizeof path, "/v1/offers/%s", id);
    CHECK_INT(status_of("PUT", path, org_a, job), 200);
    http_request(port, "PUT", path, org_a, "If-Match: \"v1\"\r\n", job, strlen(job), &r);
    CHECK_INT(r.status, 412);
    CHECK_STR(header_value(&r, "ETag", etag, sizeof etag), "\"v2\"");
    reply_free(&r);
    http_request(port, "DELETE", path, org_a, "If-Match: \"v1\"\r\n", NULL, 0, &r);
    CHECK_INT(r.status, 412);
    CHECK_STR(header_value(&r, "ETag", etag, sizeof etag), "\"v2\"");
    reply_free(&r);
    /* A key of the wrong role for a job offer: 403 on PATCH as on PUT and DELETE. */
    http_request(port, "PATCH", path, tp_key, MERGE, "{\"title\":\"x\"}", 13, &r);
    CHECK_INT(r.status, 403);
    reply_free(&r);
    CHECK_INT(status_of("DELETE", path, tp_key, NULL), 403);
    /* A body that is not JSON: the reason in the request's language, no English in French. */
    http(port, "POST", "/v1/match", NULL, "{\"profile\":", &r);
    CHECK_INT(r.status, 400);
    CHECK_STR(str_at(r.json, "detail"),
              "le corps n'est pas du JSON valide : il s'arrête trop tôt (ligne 1, colonne 11)");
    reply_free(&r);
    /* A start date already past cannot be met: said at once. */
    http(port, "POST", "/v1/paths", NULL,
         "{\"profile\":{\"skills\":[{\"uri\":\"" S(
             05) "\"}]},\"target\":{\"top_offers\":1},"
                 "\"constraints\":{\"start_before\":\"2020-01-01\"}}",
         &r);
    CHECK_INT(r.status, 400);
    CHECK_STR(str_at(json_array_get(json_object_get(r.json, "errors"), 0), "field"),
              "constraints.start_before");
    reply_free(&r);
    /* Autocomplete's total counts every concept that matches, not the page. */
    http(port, "GET", "/v1/skills?q=u&limit=1", NULL, NULL, &r);
    CHECK_INT(json_array_size(json_object_get(r.json, "items")), 1);
    CHECK(json_integer_value(json_object_get(r.json, "total")) > 1);
    reply_free(&r);
}

/* No path because every training is too far: the sentence names the limit that applied, the
 * profile's radius when the request gave none. */
static void no_path_names_the_limit_used(void)
{
    char job[40], training[40];
    CHECK_INT(create_offer(org_a,
                           "{\"kind\":\"job\",\"title\":\"Magasinier\",\"skills\":[{\"uri\":\"" S(
                               09) "\"}],\"remote\":true}",
                           job),
              201);
    CHECK_INT(create_offer(tp_key,
                           "{\"kind\":\"training\",\"title\":\"Loin\",\"teaches\":[{\"uri\":\"" S(
                               09) "\"}],\"location\":{\"lat\":43.30,\"lon\":5.37}}",
                           training),
              201);
    char body[512];
    snprintf(body, sizeof body,
             "{\"profile\":{\"skills\":[{\"uri\":\"" S(
                 05) "\"}],\"location\":{\"lat\":50.63,"
                     "\"lon\":3.06},\"radius_km\":20},\"target\":{\"offer_id\":\"%s\"}}",
             job);
    reply r;
    http(port, "POST", "/v1/paths", NULL, body, &r);
    CHECK_INT(r.status, 200);
    const char *why = str_at(json_object_get(r.json, "no_path"), "explanation");
    CHECK_HAS(why ? why : "", "(radius_km du profil)");
    reply_free(&r);
}

/* The status of a demand answer is its area's: people counted there, not everywhere. */
static void demand_status_is_the_area(void)
{
    for (int i = 0; i < 5; i++) {
        reply r;
        http(port, "POST", "/v1/profiles", org_a,
             "{\"skills\":[{\"uri\":\"" S(08) "\"}],\"location\":{\"lat\":47.21,\"lon\":-1.56},"
                                              "\"consent\":{\"statistics\":true}}",
             &r);
        CHECK_INT(r.status, 201);
        reply_free(&r);
    }
    reply r;
    http(port, "GET", "/v1/demand?near=47.22,-1.55&radius_km=10", tp_key, NULL, &r);
    json_t *st = json_object_get(r.json, "status");
    CHECK(json_integer_value(json_object_get(st, "profiles_counted")) >= 5);
    reply_free(&r);
    http(port, "GET", "/v1/demand?near=48.57,7.75&radius_km=1", tp_key, NULL, &r); /* Strasbourg */
    st = json_object_get(r.json, "status");
    CHECK(json_is_null(json_object_get(st, "profiles_counted")));
    reply_free(&r);
}

int main(int argc, char **argv)
{
    static const sm_test tests[] = {
        T(simultaneous_patches_all_apply),
        T(writes_answer_in_the_body_language),
        T(candidates_cannot_be_placed),
        T(profile_activity_does_not_show),
        T(closed_offers_are_told_and_not_counted),
        T(trainings_keep_what_providers_write),
        T(refused_writes_leave_nothing),
        T(erasure_leaves_no_residue),
        T(replayed_creation_issues_a_fresh_key),
        T(old_feed_entries_are_renamed),
        T(feedback_is_kept_and_exported),
        T(consent_is_recorded_per_purpose),
        T(audit_names_who_read_and_changed),
        T(unused_profiles_are_erased),
        T(feedback_is_reviewed_by_admins),
        T(demand_status_is_the_area),
        T(empty_answers_say_why),
        T(query_parameters_are_checked),
        T(answers_agree_with_each_other),
        T(no_path_names_the_limit_used),
    };
    /* The retention job every second (a profile backdated is erased within the test). */
    setenv("SKILLMATCH_RETENTION_EVERY_S", "1", 1);
    return e2e_main("test_people", NULL, tests, sizeof tests / sizeof *tests, argc, argv);
}
