/*
 * routes.h: the handlers of the HTTP API, grouped by resource, and what
 * they share: reading skill references, rendering labels, idempotency.
 */
#ifndef SM_ROUTES_H
#define SM_ROUTES_H

#include "api/parse.h"
#include "api/service.h"
#include "api/writer.h"

/* Offers (routes_offers.c). */
int sm_route_offer_create(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp);
int sm_route_offer_get(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp);
int sm_route_offer_put(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp);
int sm_route_offer_patch(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp);
int sm_route_offer_delete(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp);
int sm_route_offer_list(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp);
/* Profiles (routes_profiles.c). */
int sm_route_profile_create(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp);
int sm_route_profile_get(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp);
int sm_route_profile_put(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp);
int sm_route_profile_patch(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp);
int sm_route_profile_delete(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp);
int sm_route_profile_export(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp);
int sm_route_profile_feedback(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp);
/* Matching (routes_match.c). */
int sm_route_match(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp);
int sm_route_candidates(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp);
int sm_route_near_candidates(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp);
/* Skills demand (routes_demand.c). */
int sm_route_demand(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp);
int sm_route_demand_history(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp);
/* The demand test hook (SKILLMATCH_TEST_HOOKS=1 only; routes_demand.c). */
int sm_route_demand_test_hook(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp);
/* Gaps and training paths (routes_paths.c). */
int sm_route_gaps(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp);
int sm_route_paths(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp);

/* A profile given in a request body, or read from the database, as the matcher takes it. */
typedef struct sm_inline_profile {
    sm_skill_claim claims[SM_MAX_PROFILE_SKILLS];
    size_t count;
    sm_profile p;
    sm_lang request_lang;      /* of a description, when the profile says no lang */
    const sm_commune *commune; /* the commune its location named, echoed by the answer */
} sm_inline_profile;
/* Reads {"skills":[…] or "description":…,"location":…,"radius_km":…,"constraints":…} (the
 * field "profile") into ip, recording field errors; a description without skills gives the
 * skills found in it, read in lang_asked unless the profile says its lang. */
void sm_read_inline_profile(sm_gen *g, json_t *obj, sm_inline_profile *ip, sm_lang lang_asked,
                            sm_field_errors *fe);
/* Loads the stored profile id, if rq's key may use it, into ip; 0, or -1 with resp filled
 * (401 without a key, 403 for a training provider, 404 for another's or none). */
int sm_load_stored_profile(sm_service *s, sm_gen *g, const sm_request *rq, const char *id,
                           sm_inline_profile *ip, sm_response *resp);
/* Taxonomy (routes_taxonomy.c). */
int sm_route_skills(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp);
int sm_route_skill(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp);
int sm_route_extract(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp);
/* Service (routes_service.c). */
int sm_route_health(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp);
int sm_route_ready(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp);
int sm_route_changes(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp);
/* Personal data: the consent texts (api/consent.c), the audit trail and the feedback to
 * review (admins, api/routes_people.c). */
int sm_route_consent(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp);
int sm_route_audit(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp);
int sm_route_feedback_list(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp);
/* GET /v1/places: autocomplete over communes; GET /v1/vocabulary: employer kinds and contract
 * types with their labels (api/routes_taxonomy.c). */
int sm_route_occupations(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp);
int sm_route_vocabulary(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp);
int sm_route_places(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp);
/* The pages' kept key (api/session.c): GET, POST and DELETE /v1/session; the cookie's key of
 * rq into buf (NULL: none), whether rq comes from the service's own pages, and the cookie set
 * (key NULL: cleared) on resp. */
int sm_route_session(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp);
const char *sm_session_key(const sm_request *rq, char *buf, size_t cap);
int sm_session_origin_ok(const sm_request *rq);
void sm_session_set_cookie(sm_response *resp, const sm_request *rq, const char *key);
/* The web pages (api/web.c): GET /, /organisation, /formation, /sources and /static/{file}. */
int sm_route_web_seeker(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp);
int sm_route_web_organisation(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp);
int sm_route_web_provider(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp);
int sm_route_web_sources(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp);
int sm_route_web_static(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp);
/* GET /v1/occupations/{id} and POST /v1/profiles/suggest (api/routes_jobs.c). */
int sm_route_occupation(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp);
/* POST /v1/offers/batch (api/routes_offers.c): at most this many offers. */
#define SM_OFFER_BATCH_MAX 1000
int sm_route_offers_batch(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp);
/* skillmatch import offers FILE: the offers of text (a JSON array, or one per line), of any
 * shape POST /v1/offers takes, validated as it does against g, stored for owner in one
 * transaction (with their change-feed entries), all or none: each refused offer is said on
 * stderr with file, line (or rank) and field, and then nothing is stored. SM_OK with the
 * counts, or an error with err set (nothing stored). */
int sm_offers_import(PGconn *c, sm_gen *g, const char *text, size_t len, const char *file,
                     const char *owner, size_t *created, size_t *failed, sm_error *err);
int sm_route_profiles_suggest(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp);
int sm_route_openapi(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp);
int sm_route_metrics(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp);

/*
 * Validation alone, as the create routes do it, without writing: 0 when rq's body is a valid
 * offer (or profile) against g, else -1 with the problem in resp. For the fuzz target.
 */
int sm_offer_check(sm_gen *g, const sm_request *rq, sm_response *resp);
int sm_profile_check(sm_gen *g, const sm_request *rq, sm_response *resp);

/* What kind of concept a skill reference may name. */
typedef enum sm_ref_kind { SM_REF_SKILL, SM_REF_OCCUPATION } sm_ref_kind;
/*
 * Resolves v (a string field) to a concept of that kind; records
 * "PATH: unknown ESCO concept" or "PATH: not a skill (occupation)" and
 * returns SM_NO_CONCEPT when it is not one.
 */
uint32_t sm_resolve_concept(sm_gen *g, json_t *v, const char *path, sm_ref_kind kind,
                            sm_field_errors *fe);
/* A claim's "evidence" (an sm_evidence, declared when absent; an error names a wrong one). */
int sm_read_evidence(json_t *item, const char *path, sm_field_errors *fe);
/* Adds "label" (in lang) to each item of the skill arrays of doc (in place). */
void sm_label_skills(sm_gen *g, json_t *doc, sm_lang lang);
/* A compact {uri, label} for a concept. */
json_t *sm_concept_ref(sm_gen *g, uint32_t id, sm_lang lang);
/* Sets on o a concept's "labels" ({"en"|"fr": {"preferred", "alternative"}}) and
 * "description" ({"en", "fr"}). */
void sm_concept_describe(sm_gen *g, uint32_t id, json_t *o);

/* Extraction of skills from free text into a JSON array of {uri, essential, extracted}. */
json_t *sm_extract_skills(sm_gen *g, const char *text, sm_lang lang, int with_level_field,
                          size_t limit);

/* Fills op's idempotency fields from rq (when it carries a key); body: the answer. */
void sm_idem_prepare(const sm_request *rq, sm_write_op *op, unsigned status, const char *body);
/* The problem for a write of an offer (else a profile) that failed (404 when not found, 412,
 * 409, 500 when saved but not yet indexed, 503 on the database). */
int sm_write_failed(sm_response *resp, const sm_write_op *op, int offer);
/* The 412 for a write If-Match refused: the resource is at version now (its ETag, when not 0). */
int sm_changed_meanwhile(sm_response *resp, long long version, int offer);
/* A read connection from the pool for a route; NULL with a 503 (Retry-After) in resp when
 * none comes within 2 s. Give it back with sm_db_put. */
PGconn *sm_route_db(sm_service *s, sm_response *resp);
/* The 503 (Retry-After) for a database error err. */
int sm_db_unavailable(sm_response *resp, const sm_error *err);

/* The 422 that match, gaps and paths answer alike for a profile without skills. */
int sm_profile_without_skills(sm_response *resp);
/* The 503 (Retry-After: 1) when every matcher reader is busy. */
int sm_readers_busy(sm_response *resp);

/* The role check shared by write routes: 403 problem unless rq's role is one of them. */
int sm_require_role(const sm_request *rq, sm_response *resp, unsigned roles_mask);
#define SM_ROLEBIT(r) (1u << (r))

#endif
