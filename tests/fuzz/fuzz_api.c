/*
 * fuzz_api.c: libFuzzer target for the API's request bodies over the
 * built-in taxonomy and the shipped ROME fixture, without a database: the first byte picks
 * the route (offer in any shape, ours, JobPosting or France Travail's; profile, match, extract,
 * gaps, paths, profile suggestions, an occupation's page), the rest is the body (or the id).
 * Whatever the bytes, the answer is a success or a problem+json 4xx whose `status` matches, never a
 * crash, never a 5xx.
 */
#include "api/jobs.h"
#include "api/routes.h"
#include "taxonomy/base/alloc.h"
#include "taxonomy/base/arena.h"
#include "taxonomy/loader.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static sm_gen *g;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!g) {
        json_set_alloc_funcs(sm_json_malloc, sm_json_free); /* as the server */
        sm_load_options opts = {NULL, NULL};
        sm_taxonomy *tx;
        sm_error err;
        if (sm_taxonomy_load(&opts, &tx, NULL, &err) != SM_OK ||
            sm_gen_from_taxonomy(tx, &g, &err) != SM_OK)
            abort();
        /* The fixture's communes, so that locations by name, postcode and code are parsed
         * (run from the repository's root, as make fuzz and make test do). */
        sm_places_load_csv("tests/fixtures/communes.csv", &g->places, &err);
        /* and the ROME fixture, its skill labels read by the extractor (issue 23) */
        sm_rome *rome = NULL;
        if (sm_rome_load_dir("tests/fixtures/rome", &rome, &err) == SM_OK &&
            sm_gen_attach_rome(g, rome, &err) != SM_OK)
            abort();
    }
    if (!size)
        return 0;
    char *body = malloc(size);
    if (!body)
        return 0;
    memcpy(body, data + 1, size - 1);
    body[size - 1] = '\0';
    sm_request rq;
    memset(&rq, 0, sizeof rq);
    rq.method = "POST";
    rq.body = body;
    rq.body_len = size - 1;
    sm_response resp;
    memset(&resp, 0, sizeof resp);
    int rc = 0;
    sm_arena arena; /* the request's memory, as in the server */
    sm_arena_init(&arena);
    sm_arena *outer = sm_arena_enter(&arena);
    const char *params[1] = {body};
    switch (data[0] % 8) {
    case 0: sm_offer_check(g, &rq, &resp); break;
    case 1: sm_profile_check(g, &rq, &resp); break;
    case 2: rc = sm_route_match(NULL, g, &rq, &resp); break;
    case 3: rc = sm_route_extract(NULL, g, &rq, &resp); break;
    case 4: rc = sm_route_gaps(NULL, g, &rq, &resp); break;
    case 5: rc = sm_route_paths(NULL, g, &rq, &resp); break;
    case 6: rc = sm_route_profiles_suggest(NULL, g, &rq, &resp); break;
    default:
        rq.method = "GET";
        memcpy(rq.params, params, sizeof params);
        rc = sm_route_occupation(NULL, g, &rq, &resp);
        break;
    }
    sm_arena_enter(outer);
    sm_arena_free(&arena);
    if (rc != SM_OK && rc != SM_ENOMEM && rc != SM_EANSWERED)
        abort();
    if (resp.status) {
        if (resp.status >= 500 && resp.status != 503)
            abort();
        if (resp.status >= 400) {
            json_t *p = json_loads(resp.body ? resp.body : "", 0, NULL);
            if (!p || json_integer_value(json_object_get(p, "status")) != (json_int_t)resp.status)
                abort();
            json_decref(p);
        }
    }
    sm_free(resp.body);
    free(body);
    return 0;
}
