/*
 * test_failures.c: one request of every route, run in process against a service opened over
 * a private PostgreSQL (tests/e2e/harness.h; sm_service_open, as `skillmatch serve` opens
 * it), with allocation N failing for N = 0, 1, 2... until the request needs fewer. The
 * request's memory comes from one arena, as in the server. Each run must meet its failure
 * and say so (SM_ENOMEM, which the server answers 503, or a 503), or answer as a clean run
 * does; never a 4xx that blames the request, never a crash; the sanitized build checks that
 * nothing leaks. The routes that need no database are stepped in tests/unit/test_routes.c
 * too, over the built-in taxonomy alone.
 */
#include "api/routes.h"
#include "sql/offers.h"
#include "taxonomy/base/alloc.h"
#include "taxonomy/base/arena.h"
#include "tests/e2e/harness.h"

static sm_service svc;
static sm_principal org, admin;
static char offer_id[40], profile_id[40];

#define PROFILE                                                                                    \
    "{\"skills\":[{\"uri\":\"" S(02) "\",\"level\":2},{\"uri\":\"" S(                              \
        03) "\"}],\"description\":\"J'ai tenu une caisse\",\"location\":{\"lat\":48.85,"           \
            "\"lon\":2.35},\"radius_km\":30,\"consent\":{\"visible_to_organisations\":true,"       \
            "\"statistics\":true}}"
#define JOB_OFFER                                                                                  \
    "{\"kind\":\"job\",\"title\":\"Vendeur\",\"skills\":[{\"uri\":\"" S(02) "\"},{\"uri\":\"" S(   \
        03) "\",\"essential\":false}],\"location\":{\"postcode\":\"75011\"}}"

static sm_handler handler_of(const char *name)
{
    size_t n;
    const sm_route *routes = sm_routes(&n);
    for (size_t i = 0; i < n; i++)
        if (!strcmp(routes[i].name, name))
            return routes[i].handler;
    return NULL;
}

typedef struct call {
    const char *route;
    const sm_principal *who;
    const char *param; /* {id} */
    const char *body;
    const char *const *args;
} call;

/* The headers of the service's own pages (api/session.c), sent with the session routes. */
static const char *const page_headers[] = {"Host", "127.0.0.1:8080", "Origin",
                                           "http://127.0.0.1:8080", NULL};

/* One request as the server makes it (api/server.c process): the handler's code, the
 * answer's status and body (the caller frees it). */
static int request(const call *c, unsigned *status, char **body)
{
    sm_request rq;
    memset(&rq, 0, sizeof rq);
    rq.method = c->body ? "POST" : "GET";
    rq.path = c->route;
    rq.body = c->body ? c->body : "";
    rq.body_len = strlen(rq.body);
    snprintf(rq.client, sizeof rq.client, "127.0.0.1");
    rq.loopback = 1;
    if (c->who)
        rq.who = *c->who;
    rq.params[0] = c->param;
    rq.args = c->args;
    if (!strncmp(c->route, "session.", 8))
        rq.headers = page_headers;
    sm_response resp;
    memset(&resp, 0, sizeof resp);
    resp.lang = SM_LANG_EN;
    sm_arena arena;
    sm_arena_init(&arena);
    sm_arena *outer = sm_arena_enter(&arena);
    sm_gen *g = sm_service_acquire(&svc);
    int rc = handler_of(c->route)(&svc, g, &rq, &resp);
    sm_service_release(&svc, g);
    sm_arena_enter(outer);
    CHECK(!resp.body || !sm_arena_owns(&arena, resp.body)); /* the answer outlives it */
    sm_arena_free(&arena);
    if (rc == SM_EANSWERED)
        rc = SM_OK;
    *status = resp.status;
    *body = resp.body;
    return rc;
}

/* A fresh resource for a run that deletes one (made with no failure). */
static const char *fresh(const char *route, const char *json)
{
    static char id[40];
    call c = {route, &org, NULL, json, NULL};
    unsigned status;
    char *body;
    CHECK_INT(request(&c, &status, &body), SM_OK);
    CHECK_INT(status, 201);
    json_t *j = body ? json_loads(body, 0, NULL) : NULL;
    snprintf(id, sizeof id, "%s", j ? json_string_value(json_object_get(j, "id")) : "");
    json_decref(j);
    sm_free(body);
    return id;
}

static const char *fresh_offer(void)
{
    return fresh("offers.create", JOB_OFFER);
}

static const char *fresh_profile(void)
{
    return fresh("profiles.create", PROFILE);
}

/* Whether the index holds as many offers as the database (all of them are org's) (a write whose
 * index update met a failure after its commit has the writer rebuild the index: it must end there).
 */
static int index_holds_what_is_committed(void)
{
    for (int i = 0; i < 300; i++) {
        sm_error err = {0};
        size_t stored = 0;
        PGconn *c = sm_db_get(svc.db, 2000, &err);
        int rc = c ? sm_store_offer_count(c, -1, org.org, NULL, &stored, &err) : SM_EIO;
        sm_db_put(svc.db, c);
        sm_gen *g = sm_service_acquire(&svc);
        size_t indexed = sm_matcher_offer_count(g->m, SM_OFFER_JOB) +
                         sm_matcher_offer_count(g->m, SM_OFFER_TRAINING);
        sm_service_release(&svc, g);
        if (rc == SM_OK && stored == indexed && !atomic_load(&svc.reload))
            return 1;
        usleep(100000);
    }
    return 0;
}

/* Steps allocation failures through one request of c (param from make when given). */
static void step(call c, const char *(*make)(void))
{
    unsigned clean_status;
    char *body;
    if (make)
        c.param = make();
    CHECK_INT(request(&c, &clean_status, &body), SM_OK);
    if (clean_status >= 300)
        fprintf(stderr, "    %s: %u %s\n", c.route, clean_status, body ? body : "");
    CHECK(clean_status < 300);
    sm_free(body);
    long failed_runs = 0;
    for (long fail = 0; fail < 100000; fail++) {
        if (make)
            c.param = make();
        unsigned status;
        sm_alloc_fail_after(fail);
        int rc = request(&c, &status, &body);
        long failed = sm_alloc_failed();
        sm_alloc_fail_after(-1);
        int said = rc == SM_ENOMEM || status == 503;
        int whole = rc == SM_OK && status == clean_status;
        if (failed == 0) {
            CHECK(whole);
            sm_free(body);
            break;
        }
        failed_runs++;
        if (!said && !whole) {
            fprintf(stderr, "    %s, allocation %ld failed: rc %d, status %u %s\n", c.route, fail,
                    rc, status, body ? body : "");
            CHECK(said || whole);
            sm_free(body);
            break;
        }
        sm_free(body);
    }
    CHECK(failed_runs > 0);
    printf("    %s: %ld allocations made to fail\n", c.route, failed_runs);
}

/* The service, opened in the test's own process (sm_test_main forks each test, and a
 * fork has no writer thread): keys of an organisation and an admin, an offer, a profile. */
static int open_service(void)
{
    sm_error err = {0};
    size_t n;
    const sm_route *routes = sm_routes(&n);
    const char *names[64];
    for (size_t i = 0; i < n && i < 64; i++)
        names[i] = routes[i].name;
    if (sm_service_open(&svc, conninfo, 4, names, n < 64 ? n : 64, &err) != SM_OK) {
        fprintf(stderr, "    %s\n", err.message);
        return -1;
    }
    atomic_store(&svc.ready, 1); /* as serve does once it listens */
    org.key_id = 2;
    org.role = SM_ROLE_INCLUSION_ORG;
    snprintf(org.org, sizeof org.org, "Régie Nord");
    admin.key_id = 1;
    admin.role = SM_ROLE_ADMIN;
    snprintf(admin.org, sizeof admin.org, "Admin");
    snprintf(offer_id, sizeof offer_id, "%s", fresh_offer());
    snprintf(profile_id, sizeof profile_id, "%s", fresh_profile());
    return 0;
}

static void every_route_survives_allocation_failures(void)
{
    CHECK_INT(open_service(), 0);
    if (!*profile_id)
        return;
    static const char *const list_args[] = {"kind", "job", "limit", "5", NULL};
    static const char *const limit_args[] = {"limit", "5", NULL};
    static const char *const demand_args[] = {"near", "48.85,2.35", "radius_km", "50", NULL};
    static const char *const history_args[] = {"skill", "00000000-0000-4000-8000-000000000002",
                                               NULL};
    static const char *const search_args[] = {"q", "caisse", "limit", "5", NULL};
    static const char *const places_args[] = {"q", "roub", "limit", "5", NULL};
    static const char *const changes_args[] = {"since", "0", "limit", "50", NULL};
    char match[128], gaps[160], session[128];
    snprintf(session, sizeof session, "{\"key\":\"%s\"}", org_a);
    snprintf(match, sizeof match, "{\"profile_id\":\"%s\",\"limit\":5}", profile_id);
    snprintf(gaps, sizeof gaps, "{\"profile_id\":\"%s\",\"target\":{\"top_offers\":3}}",
             profile_id);
    const call calls[] = {
        {"health", NULL, NULL, NULL, NULL},
        {"ready", NULL, NULL, NULL, NULL},
        {"metrics", NULL, NULL, NULL, NULL},
        {"openapi", NULL, NULL, NULL, NULL},
        {"offers.create", &org, NULL, JOB_OFFER, NULL},
        {"offers.list", NULL, NULL, NULL, list_args},
        {"offers.get", &org, offer_id, NULL, NULL},
        {"offers.put", &org, offer_id, JOB_OFFER, NULL},
        {"offers.patch", &org, offer_id, "{\"title\":\"Vendeuse\"}", NULL},
        {"offers.candidates", &org, offer_id, NULL, limit_args},
        {"offers.near_candidates", &org, offer_id, NULL, limit_args},
        {"profiles.create", &org, NULL, PROFILE, NULL},
        {"profiles.get", &org, profile_id, NULL, NULL},
        {"profiles.put", &org, profile_id, PROFILE, NULL},
        {"profiles.patch", &org, profile_id, "{\"radius_km\":40}", NULL},
        {"profiles.export", &org, profile_id, NULL, NULL},
        {"profiles.feedback", &org, profile_id,
         "{\"offer_id\":\"00000000-0000-4000-8000-0000000000aa\",\"kind\":\"unwanted\"}", NULL},
        {"match", &org, NULL, match, NULL},
        {"gaps", &org, NULL, gaps, NULL},
        {"paths", &org, NULL, gaps, NULL},
        {"demand", &admin, NULL, NULL, demand_args},
        {"demand.history", &admin, NULL, NULL, history_args},
        {"skills.search", NULL, NULL, NULL, search_args},
        {"skills.get", NULL, "00000000-0000-4000-8000-000000000002", NULL, NULL},
        {"places.search", NULL, NULL, NULL, places_args},
        {"occupations.search", NULL, NULL, NULL, places_args},
        {"occupations.get", NULL, "ogr:90001", NULL, NULL},
        {"profiles.suggest", NULL, NULL,
         "{\"experience\":[{\"appellation\":\"90001\",\"years\":5}]}", NULL},
        {"offers.batch", &org, NULL,
         "[" JOB_OFFER ",{\"romeCode\":\"D1505\",\"intitule\":"
         "\"Caissier\",\"lieuTravail\":{\"commune\":\"59512\"},"
         "\"competences\":[{\"libelle\":\"Tenir la caisse\"}]}]",
         NULL},
        {"vocabulary", NULL, NULL, NULL, NULL},
        {"web.seeker", NULL, NULL, NULL, NULL},
        {"web.organisation", NULL, NULL, NULL, NULL},
        {"web.provider", NULL, NULL, NULL, NULL},
        {"web.sources", NULL, NULL, NULL, NULL},
        {"web.static", NULL, "app.js", NULL, NULL},
        {"session.get", &org, NULL, NULL, NULL},
        {"session.create", NULL, NULL, session, NULL},
        {"session.delete", NULL, NULL, NULL, NULL},
        {"extract", NULL, NULL, "{\"text\":\"Tenir une caisse et accueillir les clients\"}", NULL},
        {"changes", &admin, NULL, NULL, changes_args},
        {"consent", NULL, NULL, NULL, NULL},
        {"audit", &admin, NULL, NULL, limit_args},
        {"feedback.list", &admin, NULL, NULL, limit_args},
    };
    for (size_t i = 0; i < sizeof calls / sizeof *calls; i++)
        step(calls[i], NULL);
    CHECK(index_holds_what_is_committed());
    step((call){"offers.delete", &org, NULL, NULL, NULL}, fresh_offer);
    step((call){"profiles.delete", &org, NULL, NULL, NULL}, fresh_profile);
    /* Every route of the table but the test hook was stepped. */
    size_t n;
    const sm_route *routes = sm_routes(&n);
    for (size_t i = 0; i < n; i++) {
        int seen = !strcmp(routes[i].name, "offers.delete") ||
                   !strcmp(routes[i].name, "profiles.delete") ||
                   !strcmp(routes[i].name, "test.demand");
        for (size_t k = 0; k < sizeof calls / sizeof *calls && !seen; k++)
            seen = !strcmp(calls[k].route, routes[i].name);
        if (!seen)
            fprintf(stderr, "    %s: not stepped\n", routes[i].name);
        CHECK(seen);
    }
    sm_service_close(&svc);
}

int main(int argc, char **argv)
{
    static const sm_test tests[] = {T(every_route_survives_allocation_failures)};
    return e2e_main("test_failures", NULL, tests, sizeof tests / sizeof *tests, argc, argv);
}
