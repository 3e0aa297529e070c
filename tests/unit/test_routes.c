/*
 * test_routes.c: one request of each route that needs no database, run in process over the
 * built-in taxonomy, with allocation N failing for N = 0, 1, 2... until the request needs
 * fewer (the allocator seam: api/, jansson, the matcher and the extractor all allocate
 * through it). Each run must meet its failure and answer as out of memory (SM_ENOMEM, or a
 * 503), never a 4xx that blames the request, never a crash; the sanitized build checks that
 * nothing leaks. Then a run with no failure answers as a clean run does. Each request's
 * memory comes from one arena, as in the server.
 */
#include "api/parse.h"
#include "api/routes.h"
#include "taxonomy/base/alloc.h"
#include "taxonomy/base/arena.h"
#include "taxonomy/loader.h"
#include "tests/unit/check.h"

#include <string.h>

static sm_gen *g;

typedef int (*route_fn)(sm_service *, sm_gen *, const sm_request *, sm_response *);

static int offer_check(sm_service *s, sm_gen *gen, const sm_request *rq, sm_response *resp)
{
    (void)s;
    return sm_offer_check(gen, rq, resp);
}

static int profile_check(sm_service *s, sm_gen *gen, const sm_request *rq, sm_response *resp)
{
    (void)s;
    return sm_profile_check(gen, rq, resp);
}

static size_t arena_blocks; /* the last request's */

/* One request, its memory from one arena as the server's (api/server.c process): the
 * handler's code and the answer's status (body freed). */
static int request(route_fn fn, const char *body, unsigned *status)
{
    sm_request rq;
    memset(&rq, 0, sizeof rq);
    rq.method = "POST";
    rq.body = body;
    rq.body_len = strlen(body);
    sm_response resp;
    memset(&resp, 0, sizeof resp);
    sm_arena arena;
    sm_arena_init(&arena);
    sm_arena *outer = sm_arena_enter(&arena);
    int rc = fn(NULL, g, &rq, &resp);
    sm_arena_enter(outer);
    arena_blocks = arena.blocks;
    CHECK(!resp.body || !sm_arena_owns(&arena, resp.body)); /* the answer outlives it */
    sm_arena_free(&arena);
    *status = resp.status;
    sm_free(resp.body);
    return rc;
}

static void each_route(const char *name, route_fn fn, const char *body)
{
    unsigned clean_status;
    CHECK_INT(request(fn, body, &clean_status), SM_OK);
    CHECK(clean_status < 300); /* a check answers nothing when the body is right */
    CHECK(arena_blocks > 0);   /* its JSON came from the request's arena */
    long failed_runs = 0;
    for (long fail = 0; fail < 200000; fail++) {
        unsigned status;
        sm_alloc_fail_after(fail);
        int rc = request(fn, body, &status);
        long failed = sm_alloc_failed();
        sm_alloc_fail_after(-1);
        if (failed == 0) {
            CHECK_INT(rc, SM_OK);
            CHECK_INT(status, clean_status);
            break;
        }
        failed_runs++;
        /* Out of memory said as such (the server turns SM_ENOMEM into a 503), or the request
         * answered as if nothing had failed: never a refusal that blames the request. */
        int said = rc == SM_ENOMEM || status == 503;
        int whole = rc == SM_OK && status == clean_status;
        if (!said && !whole) {
            fprintf(stderr, "    %s, allocation %ld failed: rc %d, status %u\n", name, fail, rc,
                    status);
            CHECK(said || whole);
            break;
        }
    }
    CHECK(failed_runs > 0);
    printf("    %s: %ld allocations made to fail\n", name, failed_runs);
}

static void requests_survive_allocation_failures(void)
{
    sm_load_options opts = {NULL, NULL};
    sm_taxonomy *tx;
    sm_error err = {0};
    CHECK_INT(sm_taxonomy_load(&opts, &tx, NULL, &err), SM_OK);
    CHECK_INT(sm_gen_from_taxonomy(tx, &g, &err), SM_OK);
    const char *profile =
        "{\"skills\":[{\"uri\":\"urn:skillmatch:skill:smartphone-use\",\"level\":3},"
        "{\"uri\":\"urn:skillmatch:skill:pos-software\"}],\"location\":{\"lat\":50.63,"
        "\"lon\":3.06},\"radius_km\":30}";
    char body[1024];
    each_route("offer check", offer_check,
               "{\"kind\":\"job\",\"title\":\"Agent d'accueil\",\"description\":\"Tenir une "
               "caisse\",\"skills\":[{\"uri\":\"urn:skillmatch:skill:pos-software\"}],"
               "\"location\":{\"lat\":50.63,\"lon\":3.06}}");
    each_route("profile check", profile_check, profile);
    snprintf(body, sizeof body, "{\"profile\":%s,\"limit\":5}", profile);
    each_route("match", sm_route_match, body);
    each_route("extract", sm_route_extract,
               "{\"text\":\"Je sais utiliser un smartphone et un logiciel de caisse\"}");
    snprintf(body, sizeof body, "{\"profile\":%s,\"target\":{\"top_offers\":3}}", profile);
    each_route("gaps", sm_route_gaps, body);
    sm_gen_free(g);
}

/* The server routes a match on a stored profile to the threads that may wait for PostgreSQL
 * by this scan: keys at the top level only, compared once their escapes are decoded. */
static void top_level_keys_found_as_a_parser_would(void)
{
    static const struct {
        const char *text;
        int has;
    } cases[] = {
        {"{\"profile_id\":\"x\"}", 1},
        {"{\"profil\\u0065_id\":1}", 1},
        {" { \"profile\\u005Fid\" : 1 }", 1},
        {"{\"profile\":{},\"profile_id\":2}", 1},
        {"{\"x\":\"\\\"\",\"profile_id\":1}", 1},
        {"{\"a\":{\"profile_id\":1}}", 0},
        {"{\"x\":\"profile_id\"}", 0},
        {"{\"x\":[\"a\",\"profile_id\"]}", 0},
        {"{\"profile_idx\":1}", 0},
        {"{\"profile_i\":1}", 0},
        {"{\"profile\\u00e9id\":1}", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        json_t *parsed = json_loads(cases[i].text, 0, NULL);
        CHECK(parsed != NULL);
        CHECK_INT(json_object_get(parsed, "profile_id") != NULL, cases[i].has);
        CHECK_INT(sm_json_has_top_level_key(cases[i].text, strlen(cases[i].text), "profile_id"),
                  cases[i].has);
        json_decref(parsed);
    }
}

SM_TEST_MAIN("test_routes", T(requests_survive_allocation_failures),
             T(top_level_keys_found_as_a_parser_would))
