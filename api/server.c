/*
 * server.c: `skillmatch serve`, the libmicrohttpd server.
 *
 * Start-up: check the database (migrated, fsync and synchronous_commit on),
 * build the first generation from it (taxonomy, offers, profiles), start the
 * writer thread, then listen. libmicrohttpd runs one HTTP worker per core
 * (epoll, SCHED_BATCH). A request that only computes (the taxonomy routes, health,
 * metrics) is answered on its worker, except matching an inline profile,
 * which waits in one queue for a compute thread per core; any other
 * (writes, document reads, unknown keys, Idempotency-Key) is suspended and
 * handed to a pool of blocking workers, which may wait on PostgreSQL or on
 * the writer, then resume it with its answer (api/README.md says why).
 * Bounds, set explicitly: connections in total and per address, idle time
 * per connection, memory per connection, body size (1 MiB), JSON depth, and
 * request rates per key or address.
 *
 * Every request goes through process(): route lookup (404, 405 with Allow),
 * the key (401), the rate limit (429 with Retry-After), Idempotency-Key
 * replay for POST, the handler, then metrics. SIGHUP reloads the taxonomy
 * and the index from PostgreSQL; SIGINT and SIGTERM stop the server after
 * the writes already queued.
 */
#include "api/cli.h"
#include "api/guard.h"
#include "api/keys_cache.h"
#include "api/limits.h"
#include "api/metrics.h"
#include "api/routes.h"
#include "sql/idempotency.h"
#include "taxonomy/base/alloc.h"
#include "taxonomy/base/arena.h"
#include "taxonomy/base/str.h"

#include <arpa/inet.h>
#include <malloc.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define MAX_BODY (1u << 20)
#define DEFAULT_KEY_RATE 1200 /* requests a minute per key */
#define DEFAULT_ANON_RATE 300 /* requests a minute per address without a key */
#define ANON_PROFILES_PER_HOUR 20

static const sm_route routes[] = {
    {"GET", "/", sm_route_web_seeker, SM_ACCESS_PUBLIC, "web.seeker", ""},
    {"GET", "/organisation", sm_route_web_organisation, SM_ACCESS_PUBLIC, "web.organisation", ""},
    {"GET", "/formation", sm_route_web_provider, SM_ACCESS_PUBLIC, "web.provider", ""},
    {"GET", "/sources", sm_route_web_sources, SM_ACCESS_PUBLIC, "web.sources", ""},
    {"GET", "/static/{uri}", sm_route_web_static, SM_ACCESS_PUBLIC, "web.static", ""},
    {"GET", "/v1/session", sm_route_session, SM_ACCESS_PUBLIC, "session.get", ""},
    {"POST", "/v1/session", sm_route_session, SM_ACCESS_PUBLIC, "session.create", ""},
    {"DELETE", "/v1/session", sm_route_session, SM_ACCESS_PUBLIC, "session.delete", ""},
    {"GET", "/health", sm_route_health, SM_ACCESS_PUBLIC, "health", ""},
    {"GET", "/ready", sm_route_ready, SM_ACCESS_PUBLIC, "ready", ""},
    {"GET", "/metrics", sm_route_metrics, SM_ACCESS_PUBLIC, "metrics", ""},
    {"GET", "/v1/openapi.json", sm_route_openapi, SM_ACCESS_PUBLIC, "openapi", ""},
    {"POST", "/v1/offers", sm_route_offer_create, SM_ACCESS_KEY, "offers.create", ""},
    {"GET", "/v1/offers", sm_route_offer_list, SM_ACCESS_PUBLIC, "offers.list",
     "kind cursor mine rome limit"},
    {"POST", "/v1/offers/batch", sm_route_offers_batch, SM_ACCESS_KEY, "offers.batch", ""},
    {"GET", "/v1/offers/{id}", sm_route_offer_get, SM_ACCESS_PUBLIC, "offers.get", ""},
    {"PUT", "/v1/offers/{id}", sm_route_offer_put, SM_ACCESS_KEY, "offers.put", ""},
    {"PATCH", "/v1/offers/{id}", sm_route_offer_patch, SM_ACCESS_KEY, "offers.patch", ""},
    {"DELETE", "/v1/offers/{id}", sm_route_offer_delete, SM_ACCESS_KEY, "offers.delete", ""},
    {"GET", "/v1/offers/{id}/candidates", sm_route_candidates, SM_ACCESS_KEY, "offers.candidates",
     "limit"},
    {"GET", "/v1/offers/{id}/near-candidates", sm_route_near_candidates, SM_ACCESS_KEY,
     "offers.near_candidates", "max_hours limit"},
    {"POST", "/v1/profiles", sm_route_profile_create, SM_ACCESS_PUBLIC, "profiles.create", ""},
    {"POST", "/v1/profiles/suggest", sm_route_profiles_suggest, SM_ACCESS_PUBLIC,
     "profiles.suggest", ""},
    {"GET", "/v1/profiles/{id}", sm_route_profile_get, SM_ACCESS_KEY, "profiles.get", ""},
    {"PUT", "/v1/profiles/{id}", sm_route_profile_put, SM_ACCESS_KEY, "profiles.put", ""},
    {"PATCH", "/v1/profiles/{id}", sm_route_profile_patch, SM_ACCESS_KEY, "profiles.patch", ""},
    {"DELETE", "/v1/profiles/{id}", sm_route_profile_delete, SM_ACCESS_KEY, "profiles.delete", ""},
    {"GET", "/v1/profiles/{id}/export", sm_route_profile_export, SM_ACCESS_KEY, "profiles.export",
     ""},
    {"POST", "/v1/profiles/{id}/feedback", sm_route_profile_feedback, SM_ACCESS_KEY,
     "profiles.feedback", ""},
    {"POST", "/v1/match", sm_route_match, SM_ACCESS_PUBLIC, "match", ""},
    {"POST", "/v1/gaps", sm_route_gaps, SM_ACCESS_PUBLIC, "gaps", ""},
    {"POST", "/v1/paths", sm_route_paths, SM_ACCESS_PUBLIC, "paths", ""},
    {"GET", "/v1/demand", sm_route_demand, SM_ACCESS_KEY, "demand",
     "near place departement postcode insee radius_km collection occupation top"},
    {"GET", "/v1/demand/history", sm_route_demand_history, SM_ACCESS_KEY, "demand.history",
     "skill weeks"},
    {"GET", "/v1/skills", sm_route_skills, SM_ACCESS_PUBLIC, "skills.search", "q limit"},
    {"GET", "/v1/skills/{uri}", sm_route_skill, SM_ACCESS_PUBLIC, "skills.get", ""},
    {"GET", "/v1/occupations", sm_route_occupations, SM_ACCESS_PUBLIC, "occupations.search",
     "q limit"},
    {"GET", "/v1/occupations/{uri}", sm_route_occupation, SM_ACCESS_PUBLIC, "occupations.get", ""},
    {"GET", "/v1/places", sm_route_places, SM_ACCESS_PUBLIC, "places.search", "q limit"},
    {"GET", "/v1/vocabulary", sm_route_vocabulary, SM_ACCESS_PUBLIC, "vocabulary", ""},
    {"POST", "/v1/extract", sm_route_extract, SM_ACCESS_PUBLIC, "extract", ""},
    {"GET", "/v1/changes", sm_route_changes, SM_ACCESS_KEY, "changes", "since limit"},
    {"GET", "/v1/consent", sm_route_consent, SM_ACCESS_PUBLIC, "consent", "version"},
    {"GET", "/v1/audit", sm_route_audit, SM_ACCESS_KEY, "audit", "cursor limit profile actor"},
    {"GET", "/v1/feedback", sm_route_feedback_list, SM_ACCESS_KEY, "feedback.list", "cursor limit"},
    /* Served with SKILLMATCH_TEST_HOOKS=1 only (a 404 otherwise); not documented. */
    {"POST", "/v1/test/demand", sm_route_demand_test_hook, SM_ACCESS_KEY, "test.demand", ""},
};
#define ROUTE_COUNT (sizeof routes / sizeof *routes)
static const char *route_names[ROUTE_COUNT];

const sm_route *sm_routes(size_t *count)
{
    *count = ROUTE_COUNT;
    return routes;
}

/* ---- one request ------------------------------------------------------------- */

typedef struct conn_state {
    char *body;
    size_t len, cap;
    int too_big;
    int no_host;     /* HTTP/1.1 without Host */
    int over_budget; /* the bodies held at once would pass SM_BODY_BUDGET with this one */
    size_t reserved; /* of that budget, for this body */
    struct timespec start;
    /* A request handed to the blocking workers: what it is, and its answer once done. */
    struct MHD_Connection *conn;
    const char *url, *method;
    _Atomic int state; /* 0 new, 1 with a worker, 2 answered */
    sm_response resp;
    char allow[64];
    int challenge;
    size_t route;
    struct conn_state *next_job;
} conn_state;

/* Matches path against pattern; fills params (copied into store). "{uri}" takes the rest. */
static int match_route(const char *pattern, const char *path, char store[2][1100],
                       const char **params)
{
    int n = 0;
    while (*pattern && *path) {
        if (*pattern == '{') {
            const char *close = strchr(pattern, '}');
            int rest = strncmp(pattern, "{uri}", 5) == 0;
            size_t len = rest ? strlen(path) : strcspn(path, "/");
            if (!len || len >= sizeof store[0] || n >= 2)
                return 0;
            memcpy(store[n], path, len);
            store[n][len] = '\0';
            params[n] = store[n];
            n++;
            path += len;
            pattern = close + 1;
            continue;
        }
        if (*pattern != *path)
            return 0;
        pattern++;
        path++;
    }
    return !*pattern && !*path;
}

static double elapsed(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static enum MHD_Result send_response(struct MHD_Connection *conn, sm_response *resp,
                                     const char *allow, int auth_challenge)
{
    static char empty[1];
    struct MHD_Response *r = MHD_create_response_from_buffer(
        resp->len, resp->body ? resp->body : empty,
        resp->body ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
    if (!r)
        return MHD_NO;
    resp->body = NULL; /* MHD frees it */
    if (resp->status != 204 && resp->status != 304)
        MHD_add_response_header(r, "Content-Type", resp->type ? resp->type : "application/json");
    MHD_add_response_header(r, "Cache-Control", resp->cache ? resp->cache : "no-store");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    if (resp->encoding)
        MHD_add_response_header(r, "Content-Encoding", resp->encoding);
    if (resp->cache)
        MHD_add_response_header(r, "Vary", "Accept-Encoding");
    if (resp->page) {
        /* Our own files only: no inline script or style, no other origin (api/web/). */
        MHD_add_response_header(r, "Content-Security-Policy",
                                "default-src 'none'; script-src 'self'; style-src 'self'; "
                                "img-src 'self' data:; connect-src 'self'; form-action 'self'; "
                                "base-uri 'none'; frame-ancestors 'none'");
        MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    }
    if (resp->cookie[0])
        MHD_add_response_header(r, "Set-Cookie", resp->cookie);
    if (resp->location[0])
        MHD_add_response_header(r, "Location", resp->location);
    if (resp->etag[0])
        MHD_add_response_header(r, "ETag", resp->etag);
    if (resp->retry_after) {
        char v[16];
        snprintf(v, sizeof v, "%u", resp->retry_after);
        MHD_add_response_header(r, "Retry-After", v);
    }
    if (allow)
        MHD_add_response_header(r, "Allow", allow);
    if (auth_challenge)
        MHD_add_response_header(r, "WWW-Authenticate", "Bearer realm=\"skillmatch\"");
    enum MHD_Result rc = MHD_queue_response(conn, resp->status, r);
    MHD_destroy_response(r);
    return rc;
}

/*
 * A profile creation's kept answer has no seeker key (only hashes of keys are stored): its
 * replay revokes the key issued first, which the client never got or lost, and carries a new
 * one, working at once. 1 when kept now holds it; 0 when no key was in use any more (the
 * person revoked it) or it could not be done (the replay then carries none).
 */
static int fresh_seeker_key(sm_service *s, const char *profile_id, json_t *kept)
{
    char key[SM_KEY_LEN + 1], org[sizeof((sm_principal *)0)->org];
    long long key_id = 0;
    sm_error err = {0};
    if (sm_key_generate(key) != SM_OK)
        return 0;
    PGconn *c = sm_db_get(s->db, 2000, &err);
    if (!c)
        return 0;
    int rc = sm_key_renew_seeker(c, profile_id, key, &key_id, org, sizeof org, &err);
    sm_db_put(s->db, c);
    if (rc != SM_OK)
        return 0;
    sm_keys_forget_profile(s->keys, profile_id);
    sm_keys_add_seeker(s->keys, key, key_id, org, profile_id);
    return json_object_set_new(kept, "seeker_key", json_string(key)) == 0;
}

/* Replays a stored answer for this Idempotency-Key: 1 replayed (or refused), 0 go on. */
static int idempotent_replay(sm_service *s, const sm_request *rq, sm_response *resp)
{
    sm_error err = {0};
    PGconn *c = sm_db_get(s->db, 2000, &err);
    if (!c) {
        sm_db_unavailable(resp, &err);
        return 1;
    }
    int same;
    unsigned status;
    char *body;
    int rc =
        sm_idem_find(c, rq->idem_scope, rq->idem_key, rq->idem_hash, &same, &status, &body, &err);
    sm_db_put(s->db, c);
    if (rc == SM_ENOTFOUND)
        return 0;
    if (rc != SM_OK) {
        if (rc == SM_ENOMEM) {
            resp->retry_after = 1;
            sm_problem(resp, 503, "out of memory");
        } else
            sm_db_unavailable(resp, &err);
        return 1;
    }
    if (!same) {
        sm_free(body);
        sm_problem(resp, 422, "this Idempotency-Key was used for a different request");
        return 1;
    }
    /* A creation answers with where the created object is, the replay too. */
    json_t *kept = status == 201 ? json_loads(body, 0, NULL) : NULL;
    const char *id = json_string_value(json_object_get(kept, "id"));
    if (id && sm_is_uuid(id) && !strcmp(rq->path, "/v1/profiles") &&
        fresh_seeker_key(s, id, kept)) {
        char *again = sm_json_text(kept, JSON_COMPACT | JSON_REAL_PRECISION(12));
        if (again) {
            sm_free(body);
            body = again;
        }
        id = json_string_value(json_object_get(kept, "id"));
    }
    sm_resp_text(resp, status, NULL, body);
    if (id && sm_is_uuid(id)) {
        snprintf(resp->location, sizeof resp->location, "%s/%s", rq->path, id);
        sm_etag(1, resp->etag);
    }
    json_decref(kept);
    return 1;
}

/* Stores the answer of a POST that wrote nothing (match, extract) for its Idempotency-Key. */
static void idempotent_store(sm_service *s, const sm_request *rq, const sm_response *resp)
{
    sm_error err = {0};
    PGconn *c = sm_db_get(s->db, 2000, &err);
    if (!c)
        return;
    sm_idem_keep(c, rq->idem_scope, rq->idem_key, rq->idem_hash, resp->status, resp->body,
                 rq->about_profile && *rq->about_profile ? rq->about_profile : NULL, &err);
    sm_db_put(s->db, c);
}

static int client_address(struct MHD_Connection *conn, char *out, size_t cap)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    out[0] = '\0';
    if (!ci || !ci->client_addr)
        return 0;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)sa;
        inet_ntop(AF_INET, &in->sin_addr, out, (socklen_t)cap);
        return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
    }
    if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)sa;
        inet_ntop(AF_INET6, &in6->sin6_addr, out, (socklen_t)cap);
        return IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
    }
    return 0;
}

/* The key of an Authorization header "Bearer KEY" (the scheme in any case, RFC 9110 11.1),
 * or NULL for another scheme. */
static const char *bearer_token(const char *auth)
{
    if (strncasecmp(auth, "Bearer", 6) != 0 || auth[6] != ' ')
        return NULL;
    auth += 6;
    while (*auth == ' ')
        auth++;
    return auth;
}

/* The query parameters of a request against its route's list (MHD_get_connection_values). */
typedef struct query_check {
    const char *allowed; /* space-separated */
    sm_field_errors *fe;
    const char *seen[16];
    size_t seen_count;
} query_check;

static enum MHD_Result check_query_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                       const char *value)
{
    (void)kind;
    (void)value;
    query_check *qc = cls;
    size_t n = strlen(key);
    int known = !strcmp(key, "lang");
    for (const char *a = qc->allowed; !known && *a;) {
        size_t len = strcspn(a, " ");
        known = len == n && !strncmp(a, key, n);
        a += len + (a[len] == ' ');
    }
    char field[80];
    snprintf(field, sizeof field, "%.64s", key);
    int twice = 0;
    for (size_t i = 0; i < qc->seen_count && !twice; i++)
        twice = !strcmp(qc->seen[i], key);
    if (!known)
        sm_field_error(qc->fe, field, "not a parameter of this route");
    else if (twice)
        sm_field_error(qc->fe, field, "given more than once");
    else if (qc->seen_count < 16)
        qc->seen[qc->seen_count++] = key;
    return qc->fe->count < 8 ? MHD_YES : MHD_NO;
}

/*
 * Works out the answer to a request into cs (resp, allow, challenge, route): routing, the
 * key, rate limits, Idempotency-Key replay, the handler, metrics. It may block on
 * PostgreSQL, so it runs on an HTTP worker only for requests that cannot (runs_inline).
 */
static void process_in(sm_service *s, struct MHD_Connection *conn, const char *url,
                       const char *method, conn_state *cs)
{
    sm_request rq;
    memset(&rq, 0, sizeof rq);
    sm_response resp;
    memset(&resp, 0, sizeof resp);
    rq.method = method;
    rq.path = url;
    rq.body = cs->body ? cs->body : "";
    rq.body_len = cs->len;
    rq.conn = conn;
    rq.loopback = client_address(conn, rq.client, sizeof rq.client);
    resp.lang = sm_req_lang(&rq, NULL);
    int stored = 0;
    rq.idem_stored = &stored;
    char about[40] = "";
    rq.about_profile = about;
    const char *allow = NULL;
    int challenge = 0;
    size_t route = ROUTE_COUNT;
    char store[2][1100];
    char allow_buf[64] = "";
    int head = strcmp(method, "HEAD") == 0;
    if (cs->too_big) {
        sm_problem(&resp, 413, "the body is larger than %u bytes", MAX_BODY);
        goto send;
    }
    if (cs->no_host) {
        sm_problem(&resp, 400, "an HTTP/1.1 request needs a Host header");
        goto send;
    }
    if (cs->over_budget) {
        resp.retry_after = 1;
        sm_problem(&resp, 503, "too many uploads at once: retry shortly");
        goto send;
    }
    for (size_t i = 0; i < ROUTE_COUNT; i++) {
        const char *params[2] = {NULL, NULL};
        if (!match_route(routes[i].pattern, url, store, params))
            continue;
        if (strcmp(routes[i].method, method) == 0 || (head && !strcmp(routes[i].method, "GET"))) {
            route = i;
            rq.params[0] = params[0];
            rq.params[1] = params[1];
            break;
        }
        size_t n = strlen(allow_buf);
        snprintf(allow_buf + n, sizeof allow_buf - n, "%s%s", n ? ", " : "", routes[i].method);
    }
    if (route == ROUTE_COUNT) {
        if (allow_buf[0]) {
            allow = allow_buf;
            sm_problem(&resp, 405, "%s answers %s only", url, allow_buf);
        } else
            sm_problem(&resp, 404, "no route for %.200s", url);
        goto send;
    }
    /* One rule for ?lang= on every route: French or English, anything else refused. Every
     * other query parameter is one the route reads, given once: a misspelt one ("radius=5")
     * would otherwise be ignored without a word. */
    sm_field_errors qfe = {0};
    const char *lang_q = sm_req_query(&rq, "lang");
    if (lang_q && strcmp(lang_q, "fr") && strcmp(lang_q, "en"))
        sm_field_error(&qfe, "lang", "must be \"fr\" or \"en\"");
    query_check qc = {routes[route].query, &qfe, {NULL}, 0};
    MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, check_query_arg, &qc);
    if (qfe.count) {
        sm_problem_fields(&resp, 400, &qfe);
        goto send;
    }
    /* The key: required by some routes, checked whenever given; the pages' cookie stands for
     * one from the service's own pages only (api/session.c). */
    const char *auth = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Authorization");
    char cookie_key[256];
    const char *from_cookie = auth ? NULL : sm_session_key(&rq, cookie_key, sizeof cookie_key);
    if (from_cookie && !sm_session_origin_ok(&rq))
        from_cookie = NULL;
    if (auth || from_cookie) {
        const char *token = auth ? bearer_token(auth) : from_cookie;
        if (!token || strlen(token) > 200) {
            challenge = 1;
            sm_problem(&resp, 401, "Authorization must be \"Bearer KEY\"");
            goto send;
        }
        /* A key the cache does not know costs a database lookup: each address has a budget
         * of them (its own, beside the anonymous one), so that random keys cannot flood
         * PostgreSQL. */
        if (!sm_keys_cached(s->keys, token, strlen(token))) {
            char addr_bucket[80];
            snprintf(addr_bucket, sizeof addr_bucket, "u:%s", rq.client);
            unsigned wait = sm_limits_take(s->limits, addr_bucket, DEFAULT_ANON_RATE);
            if (wait) {
                resp.retry_after = wait;
                sm_problem(&resp, 429, "too many requests: retry in %u s", wait);
                goto send;
            }
        }
        int rc = sm_keys_lookup(s->keys, s->db, token, strlen(token), &rq.who);
        if (rc == SM_EIO) {
            resp.retry_after = 1;
            sm_problem(&resp, 503, "keys cannot be checked now: the database is not reachable");
            goto send;
        }
        if (rc != SM_OK) {
            challenge = 1;
            sm_problem(&resp, 401, "this API key is unknown or revoked");
            goto send;
        }
    } else if (routes[route].access == SM_ACCESS_KEY) {
        challenge = 1;
        sm_problem(&resp, 401, "this route needs an API key: Authorization: Bearer KEY");
        goto send;
    }
    /* Rate limits. */
    char bucket[80];
    double rate;
    if (rq.who.key_id) {
        snprintf(bucket, sizeof bucket, "k:%lld", rq.who.key_id);
        rate = rq.who.rate_limit ? rq.who.rate_limit : DEFAULT_KEY_RATE;
    } else {
        snprintf(bucket, sizeof bucket, "a:%s", rq.client);
        rate = DEFAULT_ANON_RATE;
    }
    /* An orchestrator's probes (/health, /ready) are not counted: they answer from memory
     * (and one ping), and a 429 would have the service restarted. */
    int probe = routes[route].handler == sm_route_health || routes[route].handler == sm_route_ready;
    unsigned wait = probe ? 0 : sm_limits_take(s->limits, bucket, rate);
    if (!wait && !rq.who.key_id && routes[route].handler == sm_route_profile_create) {
        /* At most ANON_PROFILES_PER_HOUR in any hour (api/README.md): a counsellor's office
         * creating more uses an organisation key. */
        snprintf(bucket, sizeof bucket, "p:%s", rq.client);
        wait = sm_limits_window(s->limits, bucket, ANON_PROFILES_PER_HOUR, 3600);
    }
    if (wait) {
        resp.retry_after = wait;
        sm_problem(&resp, 429, "too many requests: retry in %u s", wait);
        goto send;
    }
    /* Idempotency-Key on POST: a retry gets the first answer. */
    const char *ikey = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Idempotency-Key");
    if (ikey && !strcmp(method, "POST")) {
        size_t n = strlen(ikey);
        if (!n || n > 200) {
            sm_problem(&resp, 400, "Idempotency-Key must be 1 to 200 characters");
            goto send;
        }
        rq.idem_key = ikey;
        if (rq.who.key_id)
            snprintf(rq.idem_scope, sizeof rq.idem_scope, "k:%lld", rq.who.key_id);
        else
            snprintf(rq.idem_scope, sizeof rq.idem_scope, "a:%s", rq.client);
        size_t cap = strlen(method) + strlen(url) + cs->len + 3;
        char *buf = sm_malloc(cap);
        if (!buf) {
            sm_problem(&resp, 503, "out of memory");
            goto send;
        }
        int m = snprintf(buf, cap, "%s %s\n", method, url);
        memcpy(buf + m, rq.body, cs->len);
        sm_key_hash(buf, (size_t)m + cs->len, rq.idem_hash);
        sm_free(buf);
        if (idempotent_replay(s, &rq, &resp))
            goto send;
    }
    sm_gen *g = sm_service_acquire(s);
    int rc = routes[route].handler(s, g, &rq, &resp);
    sm_service_release(s, g);
    /* One convention: SM_OK with an answer, SM_EANSWERED with a refusal already in resp, or a
     * failure (SM_ENOMEM: 503, anything else: 500). A refusal (4xx) a handler made before
     * failing stands: it is what the client must fix first. */
    if (rc == SM_EANSWERED || (rc != SM_OK && resp.status >= 400 && resp.status < 500)) {
        if (rc != SM_EANSWERED)
            fprintf(stderr, "skillmatch: %s answered %u, then failed: %s\n", routes[route].name,
                    resp.status, sm_strerror(rc));
        rc = resp.status ? SM_OK : rc;
    }
    if (rc != SM_OK || !resp.status) {
        sm_lang lang = resp.lang;
        sm_free(resp.body);
        memset(&resp, 0, sizeof resp);
        resp.lang = lang;
        if (rc == SM_ENOMEM) {
            resp.retry_after = 1;
            sm_problem(&resp, 503, "out of memory: retry later");
        } else
            sm_problem(&resp, 500, "internal error (%s)", sm_strerror(rc));
    }
    if (rq.idem_key && !stored && resp.status >= 200 && resp.status < 300)
        idempotent_store(s, &rq, &resp);
send:
    if (resp.status >= 500)
        fprintf(stderr, "skillmatch: %s %s -> %u\n", method,
                route < ROUTE_COUNT ? routes[route].name : "unmatched", resp.status);
    sm_metrics_record(s->metrics, route, resp.status, elapsed(&cs->start));
    if (head) {
        sm_free(resp.body);
        resp.body = NULL;
        resp.len = 0;
    }
    cs->resp = resp;
    cs->challenge = challenge;
    cs->route = route;
    snprintf(cs->allow, sizeof cs->allow, "%s", allow ? allow : "");
}

/* process_in with the request's memory taken from one arena, freed here when the answer is
 * made (its body, written out of the arena, goes with cs). */
static void process(sm_service *s, struct MHD_Connection *conn, const char *url, const char *method,
                    conn_state *cs)
{
    sm_arena request;
    sm_arena_init(&request);
    sm_arena *outer = sm_arena_enter(&request);
    sm_db_set_deadline(s->db_timeout_ms); /* no database wait outlasts it (SECURITY.md) */
    process_in(s, conn, url, method, cs);
    sm_arena_enter(outer);
    sm_arena_free(&request);
}

/* Queues cs's answer on its connection (the response takes the body). */
static enum MHD_Result answer(struct MHD_Connection *conn, conn_state *cs)
{
    enum MHD_Result r =
        send_response(conn, &cs->resp, cs->allow[0] ? cs->allow : NULL, cs->challenge);
    sm_free(cs->resp.body);
    cs->resp.body = NULL;
    return r;
}

/*
 * Whether a request can be answered on an HTTP worker without waiting for PostgreSQL: the
 * taxonomy routes, the inline match, health and metrics, with no Idempotency-Key and a key
 * (if any) already known. Everything else goes to the blocking workers, so that the HTTP
 * workers (one per core) only ever compute.
 */
static int runs_inline(sm_service *s, struct MHD_Connection *conn, const char *url,
                       const char *method, conn_state *cs)
{
    if (cs->too_big)
        return 1;
    if (MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Idempotency-Key"))
        return 0;
    const char *auth = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Authorization");
    const char *token = auth ? bearer_token(auth) : NULL;
    if (token && !sm_keys_cached(s->keys, token, strlen(token)))
        return 0;
    /* the pages' cookie: its key looked up as a header's would be */
    const char *cookies =
        auth ? NULL : MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Cookie");
    const char *kept = cookies ? strstr(cookies, "sm_key=") : NULL;
    if (kept && !sm_keys_cached(s->keys, kept + 7, strcspn(kept + 7, "; ")))
        return 0;
    int get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
    if (get &&
        (!strcmp(url, "/health") || !strcmp(url, "/metrics") || !strcmp(url, "/v1/openapi.json") ||
         !strcmp(url, "/v1/skills") || !strncmp(url, "/v1/skills/", 11) || !strcmp(url, "/") ||
         !strcmp(url, "/organisation") || !strcmp(url, "/formation") || !strcmp(url, "/sources") ||
         !strncmp(url, "/static/", 8)))
        return 1;
    if (!strcmp(method, "POST") && !strcmp(url, "/v1/extract"))
        return 1;
    /* A match on a stored profile reads it from the database: decided on the parsed body
     * (a key may be written with escapes, "profil\u0065_id"), never on its bytes. A body that
     * is not JSON is refused without the database. */
    if (!strcmp(method, "POST") && !strcmp(url, "/v1/match"))
        return !(cs->body && sm_json_has_top_level_key(cs->body, cs->len, "profile_id"));
    return 0;
}

/* ---- the blocking workers ------------------------------------------------------- */

#define BLOCKING_WORKERS 64

typedef struct blocking {
    sm_service *s;
    int fast;  /* the compute pool: its threads take readers from the fast pool */
    int yield; /* its threads yield the core after each request (batch HTTP workers) */
    pthread_mutex_t lock;
    pthread_cond_t work;
    conn_state *head, *tail;
    int stopping;
    pthread_t threads[BLOCKING_WORKERS];
    int started;
} blocking;

static void *blocking_main(void *arg)
{
    blocking *b = arg;
    if (!b->fast)
        sm_gen_thread_slow();
    for (;;) {
        pthread_mutex_lock(&b->lock);
        while (!b->head && !b->stopping)
            pthread_cond_wait(&b->work, &b->lock);
        conn_state *cs = b->head;
        if (cs) {
            b->head = cs->next_job;
            if (!b->head)
                b->tail = NULL;
        }
        pthread_mutex_unlock(&b->lock);
        if (!cs)
            return NULL; /* stopping, and nothing left */
        process(b->s, cs->conn, cs->url, cs->method, cs);
        atomic_store(&cs->state, 2);
        MHD_resume_connection(cs->conn);
        /* A batch HTTP worker woken meanwhile (this resume, a new request) runs now, between
         * two queries, rather than at the next scheduler tick (4 ms at HZ=250). */
        if (b->yield)
            sched_yield();
    }
}

static void blocking_submit(blocking *b, conn_state *cs)
{
    pthread_mutex_lock(&b->lock);
    cs->next_job = NULL;
    if (b->tail)
        b->tail->next_job = cs;
    else
        b->head = cs;
    b->tail = cs;
    pthread_cond_signal(&b->work);
    pthread_mutex_unlock(&b->lock);
}

static blocking *the_blocking; /* the server's, for handle() */
static sm_guard *guard;        /* the server's connection guard (api/guard.c) */
/* The compute pool, one thread per core, when it started: inline matches queue there. */
static blocking *the_compute;

/*
 * libmicrohttpd's unescaping of paths and query values, but for %00, which stays as written:
 * decoded, it cut a C string short, and "/v1/offers/ID%00anything" was answered as ID.
 */
static size_t unescape(void *cls, struct MHD_Connection *c, char *s)
{
    (void)cls;
    (void)c;
    char *out = s;
    for (const char *in = s; *in;) {
        int hi, lo;
        if (in[0] == '%' && (hi = sm_hex_digit(in[1])) >= 0 && (lo = sm_hex_digit(in[2])) >= 0 &&
            (hi || lo)) {
            *out++ = (char)(hi * 16 + lo);
            in += 3;
        } else
            *out++ = *in++;
    }
    *out = '\0';
    return (size_t)(out - s);
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url,
                              const char *method, const char *version, const char *upload_data,
                              size_t *upload_size, void **req_cls)
{
    sm_service *s = cls;
    conn_state *cs = *req_cls;
    if (!cs) {
        cs = sm_calloc(1, sizeof *cs);
        if (!cs)
            return MHD_NO;
        clock_gettime(CLOCK_MONOTONIC, &cs->start);
        *req_cls = cs;
        sm_request lr = {.conn = conn};
        sm_guard_headers_done(conn, (int)sm_req_lang(&lr, NULL));
        /* A body declared larger than the limit, or than what the budget of bodies held at
         * once has left, is refused before a byte of it is read. */
        const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
        unsigned long long declared = cl ? strtoull(cl, NULL, 10) : 0;
        /* HTTP/1.1 requires Host (RFC 9112 3.2): a request without one is refused. */
        if (!strcmp(version, MHD_HTTP_VERSION_1_1) &&
            !MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Host"))
            cs->no_host = 1;
        if (!cs->no_host) {
            if (declared > MAX_BODY)
                cs->too_big = 1;
            else if (declared > SM_BODY_SMALL && !sm_guard_reserve(guard, (size_t)declared + 1))
                cs->over_budget = 1;
            else if (declared > SM_BODY_SMALL)
                cs->reserved = (size_t)declared + 1;
        }
        if (cs->too_big || cs->over_budget || cs->no_host) {
            sm_guard_request_done(conn); /* answered now: no 408 may follow */
            process(s, conn, url, method, cs);
            return answer(conn, cs);
        }
        return MHD_YES;
    }
    if (*upload_size) {
        sm_guard_body_bytes(conn, *upload_size);
        if (!cs->too_big) {
            if (cs->len + *upload_size > MAX_BODY)
                cs->too_big = 1;
            else {
                if (cs->len + *upload_size + 1 > cs->cap) {
                    size_t cap = cs->cap ? cs->cap : 4096;
                    while (cap < cs->len + *upload_size + 1)
                        cap *= 2;
                    /* A body sent without Content-Length (chunked) takes from the budget
                     * as it grows; past it, the connection is closed. */
                    if (cap > SM_BODY_SMALL && cap > cs->reserved) {
                        if (!sm_guard_reserve(guard, cap - cs->reserved))
                            return MHD_NO;
                        cs->reserved = cap;
                    }
                    char *b = sm_realloc(cs->body, cap);
                    if (!b)
                        return MHD_NO;
                    cs->body = b;
                    cs->cap = cap;
                }
                memcpy(cs->body + cs->len, upload_data, *upload_size);
                cs->len += *upload_size;
                cs->body[cs->len] = '\0';
            }
        }
        *upload_size = 0;
        return MHD_YES;
    }
    if (atomic_load(&cs->state) == 2) /* resumed: the blocking worker has the answer */
        return answer(conn, cs);
    /* The whole request is in: no deadline while it works; unless the watchdog answered 408
     * first (the last bytes came too late), and then it is not carried out. */
    if (atomic_load(&cs->state) == 0 && !sm_guard_request_done(conn))
        return MHD_NO;
    if (atomic_load(&cs->state) == 1) /* still with a worker (a spurious call) */
        return MHD_YES;
    blocking *to = the_blocking;
    if (runs_inline(s, conn, url, method, cs)) {
        /* Matches, the costly inline work, wait in one queue for the compute threads: any
         * free core takes the oldest, where each HTTP worker's own connections would wait
         * behind its slowest query. */
        if (!the_compute || cs->too_big || strcmp(url, "/v1/match") != 0) {
            process(s, conn, url, method, cs);
            return answer(conn, cs);
        }
        to = the_compute;
    }
    cs->conn = conn;
    cs->url = url;
    cs->method = method;
    atomic_store(&cs->state, 1);
    MHD_suspend_connection(conn);
    blocking_submit(to, cs);
    return MHD_YES;
}

static void completed(void *cls, struct MHD_Connection *conn, void **req_cls,
                      enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)conn;
    (void)toe;
    conn_state *cs = *req_cls;
    sm_guard_answered(conn); /* kept alive: the next request's headers have a deadline */
    if (cs) {
        sm_guard_release(guard, cs->reserved);
        sm_free(cs->body);
        sm_free(cs->resp.body);
        sm_free(cs);
        *req_cls = NULL;
    }
}

/* The whole answer the watchdog writes to an upload it cuts for its slowness (api/guard.h):
 * a 408 problem in lang, closing the connection; NULL when it cannot be made. */
static const char *late_answer(sm_lang lang, char *buf, size_t cap)
{
    sm_response r;
    memset(&r, 0, sizeof r);
    r.lang = lang;
    sm_problem(&r, 408, "the request body did not arrive in time: send it again");
    int n = r.body ? snprintf(buf, cap,
                              "HTTP/1.1 408 Request Timeout\r\nContent-Type: "
                              "application/problem+json\r\nContent-Language: %s\r\n"
                              "Connection: close\r\nContent-Length: %zu\r\n\r\n%s",
                              lang == SM_LANG_FR ? "fr" : "en", r.len, r.body)
                   : -1;
    sm_free(r.body);
    return n > 0 && (size_t)n < cap ? buf : NULL;
}

static int parse_listen(const char *listen, struct sockaddr_in *addr)
{
    char host[64];
    const char *colon = strrchr(listen, ':');
    if (!colon || (size_t)(colon - listen) >= sizeof host)
        return -1;
    memcpy(host, listen, (size_t)(colon - listen));
    host[colon - listen] = '\0';
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (*end || port < 0 || port > 65535)
        return -1;
    memset(addr, 0, sizeof *addr);
    addr->sin_family = AF_INET;
    addr->sin_port = htons((uint16_t)port);
    if (strcmp(host, "localhost") == 0)
        strcpy(host, "127.0.0.1");
    return inet_pton(AF_INET, host, &addr->sin_addr) == 1 ? 0 : -1;
}

static long number_option(const char *v, long lo, long hi)
{
    char *end;
    long n = strtol(v, &end, 10);
    return *v && !*end && n >= lo && n <= hi ? n : -1;
}

int sm_cmd_serve(int argc, char **argv)
{
    const char *listen = "127.0.0.1:8080", *db = NULL;
    long pool = 8, per_ip = 64, max_conn = 512, timeout = 30;
    long retention_days = SM_RETENTION_DAYS, audit_days = SM_AUDIT_DAYS;
    int metrics_public = 0, use_poll = 0;
    /* Two malloc arenas a core, not glibc's eight: the server runs some 70 threads, and memory
     * freed in one arena stayed there, the top of resident memory rising from one index
     * rebuild to the next under mixed load (make soak, bench/RESULTS.md). MALLOC_ARENA_MAX in
     * the environment decides instead. */
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    if (!getenv("MALLOC_ARENA_MAX"))
        mallopt(M_ARENA_MAX, cores > 0 && cores < 64 ? 2 * (int)cores : 8);
    for (int i = 0; i < argc; i++) {
        static const struct {
            const char *name;
            long lo, hi;
        } numbers[] = {{"--pool", 1, 64},
                       {"--per-ip-connections", 1, 4096},
                       {"--max-connections", 1, 8192},
                       {"--timeout", 1, 3600},
                       {"--retention-days", 1, 36500},
                       {"--audit-days", 1, 36500}};
        long *targets[] = {&pool, &per_ip, &max_conn, &timeout, &retention_days, &audit_days};
        int missing = 0, taken = 0;
        const char *v;
        if (strcmp(argv[i], "--metrics-public") == 0) {
            metrics_public = 1;
            continue;
        }
        if (strcmp(argv[i], "--poll") == 0) {
            use_poll = 1;
            continue;
        }
        if ((v = sm_cli_value("--listen", argc, argv, &i, &missing)))
            listen = v, taken = 1;
        else if (!missing && (v = sm_cli_value("--db", argc, argv, &i, &missing)))
            db = v, taken = 1;
        for (size_t k = 0; k < sizeof numbers / sizeof *numbers && !taken && !missing; k++) {
            if (!(v = sm_cli_value(numbers[k].name, argc, argv, &i, &missing)))
                continue;
            taken = 1;
            if ((*targets[k] = number_option(v, numbers[k].lo, numbers[k].hi)) < 0) {
                fprintf(stderr, "skillmatch serve: %s must be %ld..%ld\n", numbers[k].name,
                        numbers[k].lo, numbers[k].hi);
                return 2;
            }
        }
        if (!taken) {
            fprintf(stderr, "skillmatch serve: %s '%s'\n",
                    missing ? "missing value for" : "unknown option", argv[i]);
            return 2;
        }
    }
    struct sockaddr_in addr;
    if (parse_listen(listen, &addr) != 0) {
        fprintf(stderr, "skillmatch serve: --listen must be IPv4:PORT, e.g. 127.0.0.1:8080\n");
        return 2;
    }
    /* Block the signals we wait for before any thread starts. */
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);

    for (size_t i = 0; i < ROUTE_COUNT; i++)
        route_names[i] = routes[i].name;
    sm_service s;
    sm_error err = {0};
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (sm_service_open(&s, sm_db_conninfo(db), (unsigned)pool, route_names, ROUTE_COUNT, &err) !=
        SM_OK) {
        fprintf(stderr, "skillmatch serve: %s\n", err.message);
        return 1;
    }
    s.metrics_public = metrics_public;
    atomic_store(&s.retention_days, (int)retention_days);
    atomic_store(&s.audit_days, (int)audit_days);
    sm_gen *g = s.gen;
    /* The pool's connections are opened before the server is ready: opened on first use, the
     * first burst of requests waited on PostgreSQL starting a backend for each (bench/RESULTS.md,
     * fifth pass). One that cannot be opened now is opened when first needed. */
    if (sm_db_warm(s.db, &err) != SM_OK)
        fprintf(stderr, "skillmatch serve: %s (the pool opens the rest when needed)\n",
                err.message);
    static blocking b;
    memset(&b, 0, sizeof b);
    b.s = &s;
    pthread_mutex_init(&b.lock, NULL);
    pthread_cond_init(&b.work, NULL);
    for (; b.started < BLOCKING_WORKERS; b.started++)
        if (pthread_create(&b.threads[b.started], NULL, blocking_main, &b) != 0)
            break;
    if (!b.started) {
        fprintf(stderr, "skillmatch serve: cannot start threads\n");
        return 1;
    }
    the_blocking = &b;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned http_workers = cpus < 2 ? 2 : cpus > 64 ? 64 : (unsigned)cpus;
    /* The HTTP workers run under SCHED_BATCH (they inherit it from this thread, which takes
     * it back once they started): a worker woken by a client or a resumed connection then
     * does not preempt the compute thread on its core in the middle of a query, and the
     * compute threads yield the core between queries, so that it runs then and handles
     * everything pending at once (api/README.md). SKILLMATCH_NO_BATCH=1 turns both off. */
    const char *no_batch = getenv("SKILLMATCH_NO_BATCH");
    int batch = !(no_batch && *no_batch == '1');
    static blocking compute;
    memset(&compute, 0, sizeof compute);
    compute.s = &s;
    compute.fast = 1;
    compute.yield = batch;
    pthread_mutex_init(&compute.lock, NULL);
    pthread_cond_init(&compute.work, NULL);
    /* SKILLMATCH_NO_COMPUTE=1 answers matches on the HTTP workers instead (the A/B in
     * bench/RESULTS.md). */
    const char *no_compute = getenv("SKILLMATCH_NO_COMPUTE");
    for (; compute.started < (int)http_workers && !(no_compute && *no_compute == '1');
         compute.started++)
        if (pthread_create(&compute.threads[compute.started], NULL, blocking_main, &compute) != 0)
            break;
    if (compute.started)
        the_compute = &compute;
    /* --poll: the workers wait with poll(2), which spares a suspended connection two epoll_ctl
     * calls and a failed read (6.3 system calls a match against 8.3, api/README.md); not the
     * default until the connection-limit test's one failure under it is understood. */
    unsigned poll_flag = use_poll ? MHD_USE_POLL : MHD_USE_EPOLL;
    struct sched_param sp = {0};
    batch = batch && sched_setscheduler(0, SCHED_BATCH, &sp) == 0;
    static char late_en[1024], late_fr[1024];
    const char *late[2] = {late_answer(SM_LANG_EN, late_en, sizeof late_en),
                           late_answer(SM_LANG_FR, late_fr, sizeof late_fr)};
    if (sm_guard_new((unsigned)max_conn, timeout > 0 ? (unsigned)timeout : 3600, late, &guard) !=
        SM_OK) {
        fprintf(stderr, "skillmatch serve: cannot start the connection guard\n");
        return 1;
    }
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | poll_flag | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG,
        0, sm_guard_accept, guard, handle, &s, MHD_OPTION_NOTIFY_CONNECTION, sm_guard_notify, guard,
        MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL, MHD_OPTION_SOCK_ADDR,
        (struct sockaddr *)&addr, MHD_OPTION_THREAD_POOL_SIZE, http_workers,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)max_conn, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        (unsigned)per_ip, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)timeout,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)128 * 1024, MHD_OPTION_NOTIFY_COMPLETED,
        completed, NULL, MHD_OPTION_END);
    if (batch)
        sched_setscheduler(0, SCHED_OTHER, &sp);
    if (!d) {
        fprintf(stderr, "skillmatch serve: cannot listen on %s (in use, or not allowed)\n", listen);
        return 1;
    }
    atomic_store(&s.ready, 1);
    fprintf(stderr,
            "skillmatch: %zu concepts, %zu job offers, %zu trainings, %zu profiles loaded in "
            "%.2f s; serving http://%s\n",
            sm_taxonomy_count(g->tx), sm_matcher_offer_count(g->m, SM_OFFER_JOB),
            sm_matcher_offer_count(g->m, SM_OFFER_TRAINING), sm_matcher_profile_count(g->m),
            elapsed(&t0), listen);
    int sig = 0;
    for (;;) {
        sigwait(&sigs, &sig);
        if (sig != SIGHUP)
            break;
        fprintf(stderr, "skillmatch: SIGHUP, reloading from the database\n");
        atomic_store(&s.reload, 1);
    }
    fprintf(stderr, "skillmatch: signal %d, stopping\n", sig);
    /* Stop taking connections, let the workers answer what they hold, then stop. */
    MHD_quiesce_daemon(d);
    blocking *pools[] = {&b, &compute};
    for (int p = 0; p < 2; p++) {
        pthread_mutex_lock(&pools[p]->lock);
        pools[p]->stopping = 1;
        pthread_cond_broadcast(&pools[p]->work);
        pthread_mutex_unlock(&pools[p]->lock);
        for (int i = 0; i < pools[p]->started; i++)
            pthread_join(pools[p]->threads[i], NULL);
    }
    MHD_stop_daemon(d);
    sm_guard_free(guard);
    sm_service_close(&s);
    return 0;
}
