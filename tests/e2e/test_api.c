/*
 * test_api.c: the service end to end. It starts a private PostgreSQL in a
 * temporary directory, migrates it and imports the fixture ESCO export and
 * the built-in taxonomy with the CLI, creates keys, starts the real
 * `skillmatch serve`, and covers every route, the role matrix, every error
 * class, idempotency, the change feed, SIGHUP reload, key revocation, the
 * per-address connection limit and idle timeout, and a
 * restart with nothing lost. Skips, saying why, when PostgreSQL is missing.
 */
#include "api/service.h"
#include "taxonomy/loader.h"
#include "tests/e2e/harness.h"

#include <poll.h>
#include <stdarg.h>

#define JOB(title, extra)                                                                          \
    "{\"kind\":\"job\",\"title\":\"" title "\",\"skills\":[{\"uri\":\"" S(02) "\"},{\"uri\":\"" S( \
        03) "\",\"essential\":false}],\"location\":{\"lat\":48.85,\"lon\":2.35}" extra "}"

/* ---- tests ---------------------------------------------------------------------------- */

static void service_routes(void)
{
    reply r;
    http(port, "GET", "/health", NULL, NULL, &r);
    CHECK_INT(r.status, 200);
    CHECK_STR(str_at(r.json, "status"), "ok");
    reply_free(&r);
    http(port, "GET", "/ready", NULL, NULL, &r);
    CHECK_INT(r.status, 200);
    reply_free(&r);
    http(port, "GET", "/metrics", NULL, NULL, &r);
    CHECK_INT(r.status, 200);
    CHECK_HAS(r.body, "skillmatch_http_requests_total{route=\"ready\",status=\"200\"}");
    CHECK_HAS(r.body, "skillmatch_http_request_duration_seconds_bucket");
    CHECK_HAS(r.body, "skillmatch_db_pool_connections");
    CHECK(!strstr(r.body, "smk_") && !strstr(r.body, "127.0.0.1"));
    reply_free(&r);
    http(port, "HEAD", "/health", NULL, NULL, &r);
    CHECK_INT(r.status, 200);
    reply_free(&r);
}

/* Every route the router serves is in the OpenAPI document and every documented path answers. */
static void openapi_matches_routes(void)
{
    reply r;
    http(port, "GET", "/v1/openapi.json", NULL, NULL, &r);
    CHECK_INT(r.status, 200);
    json_t *paths = json_object_get(r.json, "paths");
    CHECK(json_is_object(paths));
    size_t count;
    const sm_route *routes = sm_routes(&count);
    for (size_t i = 0; i < count; i++) {
        if (!strncmp(routes[i].name, "test.", 5) || !strncmp(routes[i].name, "web.", 4))
            continue; /* test hooks and the web pages are not part of the API */
        json_t *ops = json_object_get(paths, routes[i].pattern);
        char m[16];
        size_t k;
        for (k = 0; routes[i].method[k] && k < 15; k++)
            m[k] = (char)(routes[i].method[k] | 0x20);
        m[k] = '\0';
        if (!json_object_get(ops, m))
            fprintf(stderr, "    %s %s is served but not documented\n", routes[i].method,
                    routes[i].pattern);
        CHECK(json_object_get(ops, m) != NULL);
    }
    const char *path;
    json_t *ops;
    json_object_foreach(paths, path, ops) {
        const char *method;
        json_t *op;
        json_object_foreach(ops, method, op) {
            int served = 0;
            for (size_t i = 0; i < count; i++) {
                char m[16];
                size_t k;
                for (k = 0; routes[i].method[k] && k < 15; k++)
                    m[k] = (char)(routes[i].method[k] | 0x20);
                m[k] = '\0';
                served |= !strcmp(routes[i].pattern, path) && !strcmp(m, method);
            }
            if (!served)
                fprintf(stderr, "    %s %s is documented but not served\n", method, path);
            CHECK(served);
        }
    }
    reply_free(&r);
}

/*
 * The taxonomy the server loads from PostgreSQL is the one the file loader builds, also where
 * the built-in taxonomy adds to an ESCO concept (its labels become alternatives there).
 */
static void stored_taxonomy_equals_files(void)
{
    char dir[300];
    snprintf(dir, sizeof dir, "%s/esco-twin", pg_dir);
    /* The fixture plus the ESCO skill the built-in "tenir une caisse" adds to. */
    CHECK_INT(sh("rm -rf %s && cp -r tests/fixtures/esco %s && cd %s/en && grep 000000000012 "
                 "skills_en.csv | sed -e 's|00000000-0000-4000-8000-000000000012|"
                 "0cb013af-6dd9-4fb2-b34e-63dda1a5cf82|' -e 's/,management,/,operate a till,/' "
                 ">> skills_en.csv",
                 dir, dir, dir),
              0);
    CHECK_INT(sh("build/skillmatch import esco %s --db '%s' >/dev/null && build/skillmatch "
                 "import builtin --db '%s' >/dev/null",
                 dir, conninfo, conninfo),
              0);
    sm_load_options opts = {dir, NULL};
    sm_taxonomy *files = NULL, *stored = NULL;
    sm_concept_map map;
    sm_error err = {0};
    PGconn *c = NULL;
    CHECK_INT(sm_taxonomy_load(&opts, &files, NULL, &err), SM_OK);
    CHECK_INT(sm_db_connect(conninfo, &c, &err), SM_OK);
    CHECK_INT(sm_store_load_taxonomy(c, &stored, &map, &err), SM_OK);
    if (!files || !stored)
        return;
    CHECK_INT((long long)sm_taxonomy_count(stored), (long long)sm_taxonomy_count(files));
    CHECK_INT((long long)sm_taxonomy_label_total(stored),
              (long long)sm_taxonomy_label_total(files));
    for (int rel = 0; rel < SM_REL__COUNT; rel++)
        CHECK_INT((long long)sm_taxonomy_edge_count(stored, (sm_relation)rel),
                  (long long)sm_taxonomy_edge_count(files, (sm_relation)rel));
    size_t differ = 0;
    for (uint32_t id = 0; id < sm_taxonomy_count(files); id++) {
        const char *uri = sm_taxonomy_uri(files, id);
        uint32_t other = sm_taxonomy_find(stored, sm_str_make(uri, strlen(uri)));
        for (int l = 0; l < SM_LANG_COUNT; l++)
            differ += other == SM_NO_CONCEPT ||
                      strcmp(sm_taxonomy_label(files, id, (sm_lang)l),
                             sm_taxonomy_label(stored, other, (sm_lang)l)) ||
                      strcmp(sm_taxonomy_description(files, id, (sm_lang)l),
                             sm_taxonomy_description(stored, other, (sm_lang)l)) ||
                      sm_taxonomy_type(files, id) != sm_taxonomy_type(stored, other);
    }
    CHECK_INT((long long)differ, 0);
    sm_concept_map_free(&map);
    sm_taxonomy_free(files);
    sm_taxonomy_free(stored);
    PQfinish(c);
}

static void offers_crud_and_roles(void)
{
    char id[40], path[128];
    CHECK_INT(create_offer(org_a, JOB("Caissier", ",\"contract\":{\"type\":\"CDDI\"}"), id), 201);
    snprintf(path, sizeof path, "/v1/offers/%s", id);
    reply r;
    http(port, "GET", path, NULL, NULL, &r);
    CHECK_INT(r.status, 200);
    CHECK_STR(str_at(r.json, "title"), "Caissier");
    CHECK_STR(str_at(r.json, "owner"), "Régie Nord");
    CHECK(json_object_get(json_array_get(json_object_get(r.json, "skills"), 0), "label") != NULL);
    reply_free(&r);
    /* The role matrix on writes. */
    CHECK_INT(status_of("PUT", path, org_b, JOB("Pris", "")), 404);
    CHECK_INT(status_of("PUT", path, tp_key, JOB("Pris", "")), 403);
    CHECK_INT(status_of("PUT", path, NULL, JOB("Pris", "")), 401);
    CHECK_INT(status_of("PUT", path, "smk_not_a_key", JOB("Pris", "")), 401);
    CHECK_INT(status_of("POST", "/v1/offers", NULL, JOB("Sans clé", "")), 401);
    CHECK_INT(status_of("POST", "/v1/offers", tp_key, JOB("Mauvais rôle", "")), 403);
    CHECK_INT(status_of("PUT", path, org_a, JOB("Caissier confirmé", "")), 200);
    CHECK_INT(status_of("PUT", path, admin_key, JOB("Caissier (admin)", "")), 200);
    CHECK_INT(status_of("DELETE", path, org_b, NULL), 404);
    CHECK_INT(status_of("DELETE", path, tp_key, NULL), 403);
    CHECK_INT(status_of("DELETE", path, NULL, NULL), 401);
    CHECK_INT(status_of("DELETE", path, org_a, NULL), 204);
    CHECK_INT(status_of("GET", path, NULL, NULL), 404);
    CHECK_INT(status_of("DELETE", path, org_a, NULL), 404);
    CHECK_INT(status_of("GET", "/v1/offers/not-a-uuid", NULL, NULL), 404);
}

static void offer_list_pages(void)
{
    /* An organisation of this test's own, so that its count is known exactly whatever the
     * other tests on the shared server have posted. */
    char own[64], id[40];
    CHECK(create_key("Pages seules", "inclusion_org", own, NULL) == 0);
    for (int i = 0; i < 5; i++)
        CHECK_INT(create_offer(own, JOB("Page", ""), id), 201);
    reply r;
    http(port, "GET", "/v1/offers?mine=true&limit=2&kind=job", own, NULL, &r);
    CHECK_INT(r.status, 200);
    long long total = json_integer_value(json_object_get(r.json, "total"));
    CHECK_INT(total, 5);
    CHECK_INT((long long)json_array_size(json_object_get(r.json, "items")), 2);
    size_t seen = 2;
    char cursor[64];
    while (json_is_string(json_object_get(r.json, "next_cursor"))) {
        snprintf(cursor, sizeof cursor, "%s", str_at(r.json, "next_cursor"));
        reply_free(&r);
        char path[160];
        snprintf(path, sizeof path, "/v1/offers?mine=true&limit=2&kind=job&cursor=%s", cursor);
        http(port, "GET", path, own, NULL, &r);
        CHECK_INT(r.status, 200);
        seen += json_array_size(json_object_get(r.json, "items"));
    }
    CHECK_INT((long long)seen, total);
    reply_free(&r);
    CHECK_INT(status_of("GET", "/v1/offers?limit=0", NULL, NULL), 400);
    CHECK_INT(status_of("GET", "/v1/offers?kind=boat", NULL, NULL), 400);
    CHECK_INT(status_of("GET", "/v1/offers?cursor=xyz", NULL, NULL), 400);
}

static void trainings(void)
{
    const char *training =
        "{\"kind\":\"training\",\"title\":\"Caisse et relation "
        "client\",\"teaches\":[{\"uri\":\"" S(02) "\",\"level\":3},{\"uri\":\"" S(
            13) "\"}],\"prerequisites\":[{\"uri\":\"" S(10) "\"}],\"duration_hours\":70,"
                                                            "\"cost\":0,\"funding\":[\"CPF\","
                                                            "\"region\"],"
                                                            "\"remote\":false,\"start_dates\":["
                                                            "\"2027-01-11\"],\"location\":{"
                                                            "\"lat\":48.85,"
                                                            "\"lon\":2.35}}";
    char id[40];
    CHECK_INT(status_of("POST", "/v1/offers", org_a, training), 403);
    CHECK_INT(create_offer(tp_key, training, id), 201);
    reply r;
    http(port, "POST", "/v1/match", NULL,
         "{\"kind\":\"training\",\"profile\":{\"skills\":[{\"uri\":\"" S(10) "\"},{\"uri\":\"" S(
             03) "\"}]}}",
         &r);
    CHECK_INT(r.status, 200);
    json_t *results = json_object_get(r.json, "results");
    int found = 0;
    for (size_t i = 0; i < json_array_size(results); i++)
        found |= !strcmp(str_at(json_array_get(results, i), "offer_id"), id);
    CHECK(found);
    reply_free(&r);
}

static void extraction_and_job_posting(void)
{
    reply r;
    http(port, "POST", "/v1/offers", org_a,
         "{\"kind\":\"job\",\"title\":\"Hôte de caisse\",\"description\":\"Vous tiendrez la "
         "caisse : operate cash register, customer service, stock shelves.\"}",
         &r);
    CHECK_INT(r.status, 201);
    json_t *skills = json_object_get(r.json, "skills");
    CHECK(json_array_size(skills) >= 2);
    CHECK(json_is_true(json_object_get(json_array_get(skills, 0), "extracted")));
    reply_free(&r);
    http(port, "POST", "/v1/offers", org_a,
         "{\"kind\":\"job\",\"title\":\"Rien\",\"description\":\"zzz qqq www\"}", &r);
    CHECK_INT(r.status, 400);
    CHECK_STR(str_at(json_array_get(json_object_get(r.json, "errors"), 0), "field"), "description");
    reply_free(&r);
    const char *jp =
        "{\"@context\":\"https://schema.org/\",\"@type\":\"JobPosting\",\"title\":\"Employé "
        "libre-service\",\"description\":\"<p>Mise en rayon &amp; caisse</p>\",\"datePosted\":"
        "\"2026-11-01\",\"validThrough\":\"2030-12-31T23:59\",\"employmentType\":\"CDDI\","
        "\"hiringOrganization\":{\"@type\":\"Organization\",\"name\":\"Épicerie solidaire\"},"
        "\"jobLocation\":{\"@type\":\"Place\",\"address\":{\"addressLocality\":\"Lille\"},"
        "\"geo\":{\"latitude\":\"50.63\",\"longitude\":3.06}},\"occupationalCategory\":\"" OCC
        "\",\"skills\":[{\"@type\":\"DefinedTerm\",\"name\":\"stock shelves\",\"termCode\":\"" S(
            08) "\"},\"customer service\"]}";
    http(port, "POST", "/v1/offers", org_a, jp, &r);
    CHECK_INT(r.status, 201);
    CHECK_STR(str_at(r.json, "source"), "schema.org/JobPosting");
    CHECK_STR(str_at(json_array_get(json_object_get(r.json, "skills"), 0), "uri"), S(08));
    CHECK(json_real_value(json_object_get(json_object_get(r.json, "location"), "lat")) == 50.63);
    CHECK_STR(str_at(json_object_get(r.json, "contract"), "type"), "CDDI");
    CHECK_STR(str_at(r.json, "occupation"), OCC);
    CHECK_STR(str_at(r.json, "valid_through"), "2030-12-31");
    /* The coded skill and the one named in words: both kept; the description as given. */
    CHECK_INT(json_array_size(json_object_get(r.json, "skills")), 2);
    CHECK_STR(str_at(r.json, "description"), "Mise en rayon & caisse");
    reply_free(&r);
    /* employmentType as a list: the first contract type that maps; an unknown value is named. */
    http(port, "POST", "/v1/offers", org_a,
         "{\"@type\":\"JobPosting\",\"title\":\"Caissier\",\"employmentType\":[\"PART_TIME\","
         "\"TEMPORARY\"],\"skills\":[{\"@type\":\"DefinedTerm\",\"termCode\":\"" S(08) "\"}]}",
         &r);
    CHECK_INT(r.status, 201);
    CHECK_STR(str_at(json_object_get(r.json, "contract"), "type"), "CDD");
    reply_free(&r);
    http(port, "POST", "/v1/offers", org_a,
         "{\"@type\":\"JobPosting\",\"title\":\"Caissier\",\"employmentType\":[\"PART_TIME\","
         "\"SEASONAL\"],\"skills\":[\"zzz qqq\",{\"@type\":\"DefinedTerm\",\"termCode\":\"" S(
             08) "\"}]}",
         &r);
    CHECK_INT(r.status, 400);
    json_t *errs = json_object_get(r.json, "errors");
    CHECK_INT(json_array_size(errs), 2);
    CHECK_STR(str_at(json_array_get(errs, 0), "field"), "employmentType[1]");
    CHECK_STR(str_at(json_array_get(errs, 1), "field"), "skills[0]");
    reply_free(&r);
    /* A JobPosting with only free-text skills: extracted. */
    http(port, "POST", "/v1/offers", org_a,
         "{\"@type\":\"JobPosting\",\"title\":\"Caissier\",\"skills\":\"operate cash register, "
         "process payments\"}",
         &r);
    CHECK_INT(r.status, 201);
    CHECK(json_array_size(json_object_get(r.json, "skills")) >= 2);
    reply_free(&r);
}

#define BAD_OFFER                                                                                  \
    "{\"kind\":\"job\",\"title\":5,\"skills\":[{\"uri\":\"" S(                                     \
        02) "\"},{\"uri\":\"http://"                                                               \
            "data.europa.eu/esco/skill/nope\"},{\"uri\":\"" OCC "\"}],\"location\":{\"lat\":91,"   \
            "\"lon\":2},\"colour\":\"blue\"}"

static void error_classes(void)
{
    reply r;
    http_request(port, "POST", "/v1/offers", org_a, "Accept-Language: en\r\n", BAD_OFFER,
                 strlen(BAD_OFFER), &r);
    CHECK_INT(r.status, 400);
    CHECK_HAS(r.headers, "application/problem+json");
    CHECK_HAS(r.body, "\"title\":\"Bad Request\"");
    CHECK_HAS(r.body, "\"field\":\"skills[1].uri\",\"reason\":\"unknown ESCO concept\"");
    CHECK_HAS(r.body, "\"field\":\"skills[2].uri\",\"reason\":\"not a skill (occupation)\"");
    CHECK_HAS(r.body, "\"field\":\"title\",\"reason\":\"must be a string\"");
    CHECK_HAS(r.body, "\"field\":\"colour\",\"reason\":\"unknown field\"");
    /* lat 91 is one error about the point, not two. */
    CHECK_HAS(r.body, "{\"field\":\"location\",\"reason\":\"lat must be between -90 and 90 and "
                      "lon between -180 and 180\"}");
    CHECK(!strstr(r.body, "location.lat") && !strstr(r.body, "location.lon"));
    CHECK_INT(json_integer_value(json_object_get(r.json, "status")), 400);
    reply_free(&r);
    /* The same in French, which is the default; titles too. */
    http(port, "POST", "/v1/offers", org_a, BAD_OFFER, &r);
    CHECK_INT(r.status, 400);
    CHECK_HAS(r.body, "\"title\":\"Requête incorrecte\"");
    CHECK_HAS(r.body, "\"field\":\"skills[1].uri\",\"reason\":\"concept ESCO inconnu\"");
    CHECK_HAS(r.body, "\"field\":\"colour\",\"reason\":\"champ inconnu\"");
    CHECK_HAS(r.body, "\"detail\":\"colour : champ inconnu (et 4 autres)\"");
    reply_free(&r);
    CHECK_INT(status_of("POST", "/v1/offers", org_a, "{\"kind\":\"job\"}"), 400);
    CHECK_INT(status_of("POST", "/v1/offers", org_a, "{not json"), 400);
    CHECK_INT(status_of("POST", "/v1/offers", org_a, "[1,2]"), 400);
    CHECK_INT(status_of("POST", "/v1/match", NULL, "{\"profile\":{\"skills\":[]}}"), 422);
    CHECK_INT(status_of("POST", "/v1/match", NULL, "{\"profile\":{\"skills\":\"x\"}}"), 400);
    /* Nesting and size limits. */
    char deep[512];
    size_t n = 0;
    n += (size_t)snprintf(deep, sizeof deep, "{\"kind\":");
    for (int i = 0; i < 100; i++)
        deep[n++] = '[';
    for (int i = 0; i < 100; i++)
        deep[n++] = ']';
    deep[n++] = '}';
    deep[n] = '\0';
    http_request(port, "POST", "/v1/offers", org_a, "Accept-Language: en-GB, fr;q=0.5\r\n", deep,
                 strlen(deep), &r);
    CHECK_INT(r.status, 400);
    CHECK_HAS(r.body, "nests deeper");
    reply_free(&r);
    http_request(port, "POST", "/v1/offers", org_a,
                 "Accept-Language: de-DE, fr;q=0.7, en;q=0.6\r\n", deep, strlen(deep), &r);
    CHECK_HAS(r.body, "imbrique plus de 16 niveaux");
    reply_free(&r);
    size_t big = (1u << 20) + 10;
    char *huge = malloc(big + 1);
    memset(huge, ' ', big);
    huge[0] = '{';
    huge[big - 1] = '}';
    huge[big] = '\0';
    http_request(port, "POST", "/v1/offers", org_a, NULL, huge, big, &r);
    CHECK_INT(r.status, 413);
    reply_free(&r);
    free(huge);
    http_request(port, "POST", "/v1/extract", NULL,
                 "Content-Type: text/plain\r\nContent-Length: 2\r\n", NULL, 0, &r);
    reply_free(&r);
    CHECK_INT(status_of("GET", "/v1/nothing", NULL, NULL), 404);
    http(port, "PATCH", "/v1/offers", NULL, NULL, &r);
    CHECK_INT(r.status, 405);
    CHECK_HAS(r.headers, "Allow: POST, GET");
    reply_free(&r);
    /* Wrong media type. */
    http_request(port, "POST", "/v1/extract", NULL, "Content-Type: text/plain\r\n", "x", 1, &r);
    CHECK_INT(r.status, 415);
    reply_free(&r);
}

/* What real people and counsellors send: places by name, swapped coordinates, a lower-case
 * scheme, a language we do not speak. Each is a clear 4xx naming the field, or understood. */
static void what_people_send(void)
{
    reply r;
    static const struct {
        const char *body, *field, *reason;
    } places[] = {
        {"{\"profile\":{\"skills\":[{\"uri\":\"" S(02) "\"}],\"location\":{\"label\":\"Roubaix\"},"
                                                       "\"radius_km\":15}}",
         "profile.location", "a label alone is not a place"},
        {"{\"profile\":{\"skills\":[{\"uri\":\"" S(
             02) "\"}],\"location\":{\"postcode\":\"99999\"}}}",
         "profile.location.postcode", "not a French postcode"},
        {"{\"profile\":{\"skills\":[{\"uri\":\"" S(02) "\"}],\"location\":{\"city\":\"Lille\","
                                                       "\"lat\":null}}}",
         "profile.location.city", "not a place field"},
        {"{\"profile\":{\"skills\":[{\"uri\":\"" S(02) "\"}],\"location\":{\"lat\":3.06,"
                                                       "\"lon\":50.63}}}",
         "profile.location", "lat and lon look swapped: did you mean lat 50.63, lon 3.06?"},
        {"{\"profile\":{\"skills\":[{\"uri\":\"" S(02) "\"}],\"location\":{\"lat\":14.69,"
                                                       "\"lon\":-17.44}}}",
         "profile.location", "outside the area skillmatch serves"},
        {"{\"profile\":{\"skills\":[{\"uri\":\"" S(02) "\"}],\"radius_km\":15}}",
         "profile.radius_km", "needs a location"},
    };
    for (size_t i = 0; i < sizeof places / sizeof *places; i++) {
        http_request(port, "POST", "/v1/match", NULL, "Accept-Language: en\r\n", places[i].body,
                     strlen(places[i].body), &r);
        CHECK_INT(r.status, 400);
        json_t *first = json_array_get(json_object_get(r.json, "errors"), 0);
        CHECK_STR(str_at(first, "field"), places[i].field);
        CHECK_HAS(str_at(first, "reason"), places[i].reason);
        reply_free(&r);
    }
    /* The same rule for stored offers and profiles, and for a JobPosting's address. */
    CHECK_INT(status_of("POST", "/v1/offers", org_a,
                        "{\"kind\":\"job\",\"title\":\"Ville seule\",\"skills\":[{\"uri\":\"" S(
                            02) "\"}],\"location\":{\"label\":\"Roubaix\"}}"),
              400);
    /* A postcode, or a JobPosting's address, names a commune (issue 22: test_towns). */
    CHECK_INT(
        status_of("POST", "/v1/profiles", org_a,
                  "{\"skills\":[{\"uri\":\"" S(02) "\"}],\"location\":{\"postcode\":\"59100\"}}"),
        201);
    http(port, "POST", "/v1/offers", org_a,
         "{\"@type\":\"JobPosting\",\"title\":\"Caissier\",\"skills\":\"operate cash register\","
         "\"jobLocation\":{\"address\":{\"addressLocality\":\"Nulle-Part\"}}}",
         &r);
    CHECK_INT(r.status, 400);
    CHECK_HAS(r.body, "\"field\":\"location.place\"");
    reply_free(&r);
    /* ?lang= is French or English on every route; anything else is a 400 naming it. */
    static const char *const lang_paths[] = {"/v1/skills?q=tab&lang=de", "/v1/offers?lang=de",
                                             "/health?lang=de", "/v1/demand?lang=de"};
    for (size_t i = 0; i < 4; i++) {
        http(port, "GET", lang_paths[i], tp_key, NULL, &r);
        CHECK_INT(r.status, 400);
        CHECK_HAS(r.body, "\"field\":\"lang\"");
        reply_free(&r);
    }
    CHECK_INT(status_of("POST", "/v1/match?lang=de", NULL,
                        "{\"profile\":{\"skills\":[{\"uri\":\"" S(02) "\"}]}}"),
              400);
    CHECK_INT(status_of("POST", "/v1/match", NULL,
                        "{\"profile\":{\"skills\":[{\"uri\":\"" S(02) "\"}]},\"lang\":\"de\"}"),
              400);
    http(port, "GET", "/v1/skills?q=tab&lang=en", NULL, NULL, &r);
    CHECK_INT(r.status, 200);
    reply_free(&r);
    /* The Bearer scheme in any case (RFC 9110). */
    char auth[128];
    snprintf(auth, sizeof auth, "Authorization: bearer %s\r\n", org_a);
    http_request(port, "GET", "/v1/offers?mine=true&limit=1", NULL, auth, NULL, 0, &r);
    CHECK_INT(r.status, 200);
    reply_free(&r);
    snprintf(auth, sizeof auth, "Authorization: BEARER %s\r\n", org_a);
    http_request(port, "GET", "/v1/offers?mine=true&limit=1", NULL, auth, NULL, 0, &r);
    CHECK_INT(r.status, 200);
    reply_free(&r);
    http_request(port, "GET", "/v1/offers?mine=true&limit=1", NULL, "Authorization: Basic eDp5\r\n",
                 NULL, 0, &r);
    CHECK_INT(r.status, 401);
    reply_free(&r);
}

/* PATCH with JSON Merge Patch, ETag and If-Match; what a profile from {} is told; the 422
 * that match, gaps and paths answer alike for it. */
static void patch_versions_and_advice(void)
{
    reply r;
    char etag[64], path[96], key[96], hdr[256];
    http(port, "POST", "/v1/profiles", org_a, "{}", &r);
    CHECK_INT(r.status, 201);
    CHECK_STR(header_value(&r, "ETag", etag, sizeof etag), "\"v1\"");
    json_t *warnings = json_object_get(r.json, "warnings");
    CHECK_INT(json_array_size(warnings), 2);
    CHECK_STR(str_at(json_array_get(warnings, 0), "field"), "skills");
    CHECK_STR(str_at(json_array_get(warnings, 1), "field"), "location");
    char id[40];
    snprintf(id, sizeof id, "%s", str_at(r.json, "id"));
    reply_free(&r);
    snprintf(path, sizeof path, "/v1/profiles/%s", id);
    /* Match, gaps and paths: the same 422 naming the same field. */
    char body[256];
    char *detail = NULL;
    static const char *const routes[] = {"/v1/match", "/v1/gaps", "/v1/paths"};
    for (int i = 0; i < 3; i++) {
        snprintf(body, sizeof body, "{\"profile_id\":\"%s\"%s}", id,
                 i ? ",\"target\":{\"top_offers\":3}" : "");
        http(port, "POST", routes[i], org_a, body, &r);
        CHECK_INT(r.status, 422);
        CHECK_STR(str_at(json_array_get(json_object_get(r.json, "errors"), 0), "field"),
                  "profile.skills");
        if (!detail)
            detail = strdup(str_at(r.json, "detail"));
        else
            CHECK_STR(str_at(r.json, "detail"), detail);
        reply_free(&r);
    }
    snprintf(body, sizeof body, "{\"profile\":{\"skills\":[]},\"target\":{\"top_offers\":3}}");
    CHECK_INT(status_of("POST", "/v1/gaps", NULL, body), 422);
    CHECK_INT(status_of("POST", "/v1/paths", NULL, body), 422);
    /* A merge patch over the version read: the skills stay, the place is added. */
    snprintf(hdr, sizeof hdr, "Content-Type: application/merge-patch+json\r\nIf-Match: \"v1\"\r\n");
    const char *patch = "{\"location\":{\"lat\":50.63,\"lon\":3.06,\"label\":\"Lille\"},"
                        "\"radius_km\":25,\"skills\":[{\"uri\":\"" S(02) "\"}]}";
    http_request(port, "PATCH", path, org_a, hdr, patch, strlen(patch), &r);
    CHECK_INT(r.status, 200);
    CHECK_STR(header_value(&r, "ETag", etag, sizeof etag), "\"v2\"");
    CHECK_INT(json_array_size(json_object_get(r.json, "skills")), 1);
    CHECK_INT(json_array_size(json_object_get(r.json, "warnings")), 0);
    reply_free(&r);
    /* A stale tag: 412, nothing changed; a weak tag never matches; a malformed one is a 400. */
    const char *again = "{\"radius_km\":5}";
    http_request(port, "PATCH", path, org_a, hdr, again, strlen(again), &r);
    CHECK_INT(r.status, 412);
    reply_free(&r);
    http_request(port, "PATCH", path, org_a,
                 "Content-Type: application/merge-patch+json\r\nIf-Match: W/\"v2\"\r\n", again,
                 strlen(again), &r);
    CHECK_INT(r.status, 412);
    reply_free(&r);
    http_request(port, "PATCH", path, org_a,
                 "Content-Type: application/merge-patch+json\r\nIf-Match: v2\r\n", again,
                 strlen(again), &r);
    CHECK_INT(r.status, 400);
    CHECK_HAS(r.body, "If-Match");
    reply_free(&r);
    http_request(port, "PATCH", path, org_a, "Content-Type: text/plain\r\n", again, strlen(again),
                 &r);
    CHECK_INT(r.status, 415);
    reply_free(&r);
    http(port, "GET", path, org_a, NULL, &r);
    CHECK_STR(header_value(&r, "ETag", etag, sizeof etag), "\"v2\"");
    CHECK(json_real_value(json_object_get(r.json, "radius_km")) == 25);
    reply_free(&r);
    /* null removes a field; without If-Match the change applies to the current version. */
    http_request(port, "PATCH", path, org_a, "Content-Type: application/merge-patch+json\r\n",
                 "{\"radius_km\":null,\"location\":{\"label\":null}}",
                 strlen("{\"radius_km\":null,\"location\":{\"label\":null}}"), &r);
    CHECK_INT(r.status, 200);
    CHECK(!json_object_get(r.json, "radius_km"));
    CHECK(!json_object_get(json_object_get(r.json, "location"), "label"));
    CHECK_STR(header_value(&r, "ETag", etag, sizeof etag), "\"v3\"");
    reply_free(&r);
    /* A patch that breaks the profile names the field, and changes nothing. */
    http_request(port, "PATCH", path, org_a, "Content-Type: application/merge-patch+json\r\n",
                 "{\"location\":{\"lat\":null}}", strlen("{\"location\":{\"lat\":null}}"), &r);
    CHECK_INT(r.status, 400);
    CHECK_HAS(r.body, "\"field\":\"location\"");
    reply_free(&r);
    /* PUT and DELETE honour If-Match too. */
    snprintf(hdr, sizeof hdr, "If-Match: \"v2\"\r\n");
    const char *whole = "{\"skills\":[{\"uri\":\"" S(02) "\"}]}";
    http_request(port, "PUT", path, org_a, hdr, whole, strlen(whole), &r);
    CHECK_INT(r.status, 412);
    reply_free(&r);
    http_request(port, "DELETE", path, org_a, hdr, NULL, 0, &r);
    CHECK_INT(r.status, 412);
    reply_free(&r);
    snprintf(hdr, sizeof hdr, "If-Match: \"v1\", \"v3\"\r\n");
    http_request(port, "PUT", path, org_a, hdr, whole, strlen(whole), &r);
    CHECK_INT(r.status, 200);
    CHECK_STR(header_value(&r, "ETag", etag, sizeof etag), "\"v4\"");
    reply_free(&r);
    /* Skills found in a description the person did not list are suggested, never added. */
    const char *told =
        "{\"skills\":[{\"uri\":\"" S(02) "\"}],\"description\":\"Je sais utiliser un "
                                         "tableur et parler français\"}";
    http(port, "POST", "/v1/profiles", org_a, told, &r);
    CHECK_INT(r.status, 201);
    CHECK_INT(json_array_size(json_object_get(r.json, "skills")), 1);
    json_t *suggested = json_object_get(r.json, "suggested_skills");
    CHECK(json_array_size(suggested) >= 1);
    int listed_again = 0;
    size_t i;
    json_t *it;
    json_array_foreach(suggested, i, it)
        listed_again |= !strcmp(str_at(it, "uri"), S(02));
    CHECK(!listed_again);
    snprintf(key, sizeof key, "/v1/profiles/%s", str_at(r.json, "id"));
    reply_free(&r);
    /* A profile of its description only: a new description brings its own skills. */
    http(port, "POST", "/v1/profiles", org_a, "{\"description\":\"Je sais utiliser un tableur\"}",
         &r);
    CHECK_INT(r.status, 201);
    CHECK_STR(str_at(json_array_get(json_object_get(r.json, "skills"), 0), "uri"), S(01));
    snprintf(key, sizeof key, "/v1/profiles/%s", str_at(r.json, "id"));
    reply_free(&r);
    http_request(port, "PATCH", key, org_a, "Content-Type: application/merge-patch+json\r\n",
                 "{\"description\":\"Je parle français\"}",
                 strlen("{\"description\":\"Je parle français\"}"), &r);
    CHECK_INT(r.status, 200);
    CHECK_STR(str_at(json_array_get(json_object_get(r.json, "skills"), 0), "uri"), S(10));
    CHECK_INT(json_array_size(json_object_get(r.json, "skills")), 1);
    reply_free(&r);
    /* Offers: a patch keeps what it does not name; the kind cannot change. */
    char offer[40], opath[96];
    CHECK_INT(create_offer(org_a, JOB("Vendeur", ""), offer), 201);
    snprintf(opath, sizeof opath, "/v1/offers/%s", offer);
    http_request(port, "PATCH", opath, org_a, "Content-Type: application/merge-patch+json\r\n",
                 "{\"title\":\"Vendeur confirmé\"}", strlen("{\"title\":\"Vendeur confirmé\"}"),
                 &r);
    CHECK_INT(r.status, 200);
    CHECK_STR(str_at(r.json, "title"), "Vendeur confirmé");
    CHECK_INT(json_array_size(json_object_get(r.json, "skills")), 2);
    CHECK_STR(header_value(&r, "ETag", etag, sizeof etag), "\"v2\"");
    reply_free(&r);
    http_request(port, "PATCH", opath, org_a, "Content-Type: application/merge-patch+json\r\n",
                 "{\"kind\":\"training\"}", strlen("{\"kind\":\"training\"}"), &r);
    CHECK_INT(r.status, 400);
    CHECK_HAS(r.body, "\"field\":\"kind\"");
    reply_free(&r);
    http_request(port, "PATCH", opath, org_b, "Content-Type: application/merge-patch+json\r\n",
                 "{\"title\":\"Pris\"}", strlen("{\"title\":\"Pris\"}"), &r);
    CHECK_INT(r.status, 404);
    reply_free(&r);
    http_request(port, "DELETE", opath, org_a, "If-Match: \"v1\"\r\n", NULL, 0, &r);
    CHECK_INT(r.status, 412);
    reply_free(&r);
    http_request(port, "DELETE", opath, org_a, "If-Match: *\r\n", NULL, 0, &r);
    CHECK_INT(r.status, 204);
    reply_free(&r);
    free(detail);
}

static void taxonomy_routes(void)
{
    reply r;
    http(port, "GET", "/v1/skills?q=cash&lang=en", NULL, NULL, &r);
    CHECK_INT(r.status, 200);
    CHECK(json_array_size(json_object_get(r.json, "items")) >= 2);
    CHECK_HAS(r.body, S(02));
    reply_free(&r);
    /* A preferred label in which the query is a whole word comes before a synonym or a
     * word that only begins with it ("caisses automatiques"); every item has its uri. */
    http(port, "GET", "/v1/skills?q=caisse&lang=fr&limit=5", NULL, NULL, &r);
    CHECK_INT(r.status, 200);
    json_t *items = json_object_get(r.json, "items"), *item;
    CHECK(json_array_size(items) >= 2);
    const char *top = str_at(json_array_get(items, 0), "label");
    CHECK(top && strlen(top) >= 6 && !strcmp(top + strlen(top) - 6, "caisse"));
    int seen_partial = 0;
    size_t i;
    json_array_foreach(items, i, item) {
        CHECK(str_at(item, "uri") != NULL);
        const char *label = str_at(item, "label");
        int whole = label && (strstr(label, "caisse ") ||
                              (strlen(label) >= 6 && !strcmp(label + strlen(label) - 6, "caisse")));
        if (!whole)
            seen_partial = 1;
        CHECK(whole || seen_partial); /* no whole-word label after a partial one */
    }
    reply_free(&r);
    CHECK_INT(status_of("GET", "/v1/skills", NULL, NULL), 400);
    CHECK_INT(status_of("GET", "/v1/skills?q=a&limit=99", NULL, NULL), 400);
    /* By percent-encoded URI and by UUID. */
    http(port, "GET",
         "/v1/skills/http%3A%2F%2Fdata.europa.eu%2Fesco%2Fskill%2F00000000-0000-4000-8000-"
         "000000000002",
         NULL, NULL, &r);
    CHECK_INT(r.status, 200);
    CHECK_STR(str_at(r.json, "uri"), S(02));
    CHECK(json_is_array(json_object_get(r.json, "occupations")));
    reply_free(&r);
    http(port, "GET", "/v1/skills/00000000-0000-4000-8000-000000000201", NULL, NULL, &r);
    CHECK_INT(r.status, 200);
    CHECK(json_array_size(json_object_get(r.json, "skills")) >= 1);
    reply_free(&r);
    CHECK_INT(status_of("GET", "/v1/skills/00000000-0000-4000-8000-999999999999", NULL, NULL), 404);
    http(port, "POST", "/v1/extract", NULL,
         "{\"text\":\"Je sais tenir une caisse et servir les clients, operate cash register\","
         "\"limit\":5}",
         &r);
    CHECK_INT(r.status, 200);
    CHECK_HAS(r.body, S(02));
    CHECK_HAS(r.body, "\"spans\":[[");
    reply_free(&r);
    CHECK_INT(status_of("POST", "/v1/extract", NULL, "{\"text\":\"x\",\"lang\":\"de\"}"), 400);
    /* Pronouns, numbers and letters find nothing; the request's language labels what is found;
     * min_confidence drops what is below it (0.45 by default). */
    http(port, "POST", "/v1/extract", NULL,
         "{\"text\":\"J'ai 3 ans, permis B\",\"min_confidence\":0}", &r);
    CHECK_INT(r.status, 200);
    json_array_foreach(json_object_get(r.json, "skills"), i, item) {
        const char *m = str_at(item, "matched");
        CHECK(m && strlen(m) > 2);
    }
    reply_free(&r);
    http_request(port, "POST", "/v1/extract", NULL, "Accept-Language: en\r\n",
                 "{\"text\":\"Je sais tenir une caisse\",\"min_confidence\":0}",
                 strlen("{\"text\":\"Je sais tenir une caisse\",\"min_confidence\":0}"), &r);
    CHECK_INT(r.status, 200);
    CHECK_STR(str_at(r.json, "lang"), "en");
    reply_free(&r);
    http(port, "POST", "/v1/extract", NULL,
         "{\"text\":\"Je sais tenir une caisse\",\"lang\":\"fr\"}", &r);
    CHECK_INT(r.status, 200);
    json_t *first = json_array_get(json_object_get(r.json, "skills"), 0);
    CHECK_STR(str_at(first, "matched_lang"), "fr");
    CHECK(json_real_value(json_object_get(r.json, "min_confidence")) == 0.45);
    json_array_foreach(json_object_get(r.json, "skills"), i, item)
        CHECK(json_real_value(json_object_get(item, "confidence")) >= 0.45);
    reply_free(&r);
    CHECK_INT(status_of("POST", "/v1/extract", NULL, "{\"text\":\"x\",\"min_confidence\":2}"), 400);
    /* An English word in a French text: found through the English label, marked, labelled in
     * French. */
    http(port, "POST", "/v1/extract", NULL,
         "{\"text\":\"I use a smartphone\",\"lang\":\"fr\",\"min_confidence\":0}", &r);
    CHECK_INT(r.status, 200);
    first = json_array_get(json_object_get(r.json, "skills"), 0);
    CHECK(json_is_true(json_object_get(first, "other_language")));
    CHECK_STR(str_at(first, "matched_lang"), "en");
    CHECK_STR(str_at(first, "label"), "utiliser un smartphone");
    reply_free(&r);
}

static char profile_id[40], seeker[64];

static void profiles_and_roles(void)
{
    reply r;
    http(
        port, "POST", "/v1/profiles", org_a,
        "{\"skills\":[{\"uri\":\"" S(02) "\",\"level\":3,\"evidence\":\"validated\"},{\"uri\":\"" S(
            03) "\"}],\"location\":{\"lat\":48.86,\"lon\":2.36,\"label\":\"Paris\"},"
                "\"radius_km\":20,\"consent\":{\"visible_to_organisations\":true},\"contact\":{"
                "\"name\":\"Awa D.\"}}",
        &r);
    CHECK_INT(r.status, 201);
    snprintf(profile_id, sizeof profile_id, "%s", str_at(r.json, "id"));
    snprintf(seeker, sizeof seeker, "%s", str_at(r.json, "seeker_key"));
    CHECK(strncmp(seeker, "smk_", 4) == 0);
    reply_free(&r);
    char path[128], export_path[160];
    snprintf(path, sizeof path, "/v1/profiles/%s", profile_id);
    snprintf(export_path, sizeof export_path, "/v1/profiles/%s/export", profile_id);
    /* The seeker key is not shown again. */
    http(port, "GET", path, seeker, NULL, &r);
    CHECK_INT(r.status, 200);
    CHECK(json_object_get(r.json, "seeker_key") == NULL);
    CHECK_STR(str_at(json_object_get(r.json, "contact"), "name"), "Awa D.");
    reply_free(&r);
    CHECK_INT(status_of("GET", path, org_a, NULL), 200);
    CHECK_INT(status_of("GET", path, admin_key, NULL), 200);
    CHECK_INT(status_of("GET", path, org_b, NULL), 404);
    CHECK_INT(status_of("GET", path, tp_key, NULL), 403);
    CHECK_INT(status_of("GET", path, NULL, NULL), 401);
    CHECK_INT(status_of("GET", export_path, org_b, NULL), 404);
    CHECK_INT(status_of("PUT", path, org_b, "{\"skills\":[]}"), 404);
    /* Another person's seeker key sees nothing. */
    http(port, "POST", "/v1/profiles", NULL, "{\"skills\":[{\"uri\":\"" S(05) "\"}]}", &r);
    CHECK_INT(r.status, 201);
    char other[64];
    snprintf(other, sizeof other, "%s", str_at(r.json, "seeker_key"));
    reply_free(&r);
    CHECK_INT(status_of("GET", path, other, NULL), 404);
    CHECK_INT(status_of("DELETE", path, other, NULL), 404);
    CHECK_INT(status_of("POST", "/v1/offers", other, JOB("Seeker", "")), 403);
    CHECK_INT(status_of("GET", "/v1/changes", other, NULL), 403);
    /* The person updates and exports. */
    CHECK_INT(status_of("PUT", path, seeker,
                        "{\"skills\":[{\"uri\":\"" S(02) "\",\"level\":4},{\"uri\":\"" S(
                            03) "\"},{\"uri\":\"" S(07) "\"}],\"location\":{\"lat\":48.86,\"lon\":"
                                                        "2.36},\"radius_km\":20,\"consent\":{"
                                                        "\"visible_to_organisations\":"
                                                        "true,\"share_contact\":true},\"contact\":{"
                                                        "\"name\":\"Awa D.\"}}"),
              200);
    http(port, "GET", export_path, seeker, NULL, &r);
    CHECK_INT(r.status, 200);
    CHECK_STR(str_at(r.json, "format"), "skillmatch-profile-export/2");
    CHECK_INT(
        (long long)json_array_size(json_object_get(json_object_get(r.json, "profile"), "skills")),
        3);
    CHECK(json_array_size(json_object_get(r.json, "keys")) == 1);
    CHECK(json_array_size(json_object_get(r.json, "changes")) == 2);
    reply_free(&r);
    /* Matching a stored profile: the person, its organisation; not others. */
    char body[160];
    snprintf(body, sizeof body, "{\"profile_id\":\"%s\"}", profile_id);
    CHECK_INT(status_of("POST", "/v1/match", seeker, body), 200);
    CHECK_INT(status_of("POST", "/v1/match", org_a, body), 200);
    CHECK_INT(status_of("POST", "/v1/match", org_b, body), 404);
    CHECK_INT(status_of("POST", "/v1/match", NULL, body), 401);
    /* Candidates: the offer's organisation sees the consenting person, who shared contact. */
    char offer[40], cpath[128];
    CHECK_INT(create_offer(org_a, JOB("Caissier candidats", ""), offer), 201);
    snprintf(cpath, sizeof cpath, "/v1/offers/%s/candidates?limit=5", offer);
    http(port, "GET", cpath, org_a, NULL, &r);
    CHECK_INT(r.status, 200);
    json_t *first = json_array_get(json_object_get(r.json, "results"), 0);
    CHECK_STR(str_at(first, "profile_id"), profile_id);
    CHECK(strncmp(str_at(first, "candidate") ? str_at(first, "candidate") : "", "cand_", 5) == 0);
    CHECK(json_array_size(json_object_get(first, "matched")) >= 1);
    reply_free(&r);
    CHECK_INT(status_of("GET", cpath, org_b, NULL), 404);
    CHECK_INT(status_of("GET", cpath, tp_key, NULL), 403);
    CHECK_INT(status_of("GET", cpath, seeker, NULL), 403);
    CHECK_INT(status_of("GET", cpath, NULL, NULL), 401);
    /* Erasure: gone from the database and the index, the key no longer works. */
    CHECK_INT(status_of("DELETE", path, seeker, NULL), 204);
    CHECK_INT(status_of("GET", path, seeker, NULL), 401);
    CHECK_INT(status_of("GET", path, admin_key, NULL), 404);
    http(port, "GET", cpath, org_a, NULL, &r);
    CHECK(!strstr(r.body, profile_id));
    reply_free(&r);
}

static void match_filters_and_explanations(void)
{
    char a[40], b[40];
    CHECK_INT(create_offer(org_a,
                           JOB("Filtre A", ",\"organisation\":{\"name\":\"ACI Vert\",\"kind\":"
                                           "\"aci\"},\"contract\":{\"type\":\"CDDI\","
                                           "\"hours_per_week\":26},\"support_provided\":true,"
                                           "\"no_diploma_required\":true"),
                           a),
              201);
    CHECK_INT(create_offer(org_a,
                           JOB("Filtre B", ",\"organisation\":{\"name\":\"Coop\",\"kind\":"
                                           "\"cooperative\"},\"contract\":{\"type\":\"CDI\","
                                           "\"hours_per_week\":35}"),
                           b),
              201);
    reply r;
    http(port, "POST", "/v1/match", NULL,
         "{\"profile\":{\"skills\":[{\"uri\":\"" S(
             02) "\"}],\"location\":{\"lat\":48.85,\"lon\":"
                 "2.35},\"radius_km\":10},\"limit\":200,\"lang\":\"en\",\"filters\":{"
                 "\"organisation_kinds\""
                 ":[\"aci\"],\"contract_types\":[\"CDDI\",\"PEC\"],\"max_hours_per_week\":30,"
                 "\"support_provided\":true,\"no_diploma_required\":true}}",
         &r);
    CHECK_INT(r.status, 200);
    json_t *results = json_object_get(r.json, "results");
    int saw_a = 0, saw_b = 0;
    for (size_t i = 0; i < json_array_size(results); i++) {
        const char *id = str_at(json_array_get(results, i), "offer_id");
        saw_a |= !strcmp(id, a);
        saw_b |= !strcmp(id, b);
    }
    CHECK(saw_a && !saw_b);
    json_t *res = json_array_get(results, 0);
    double score = json_number_value(json_object_get(res, "score"));
    CHECK(score > 0 && score <= 1);
    json_t *m = json_array_get(json_object_get(res, "matched"), 0);
    CHECK_STR(str_at(m, "tier"), "exact");
    CHECK(str_at(m, "via") && str_at(m, "label"));
    CHECK(json_is_object(json_object_get(res, "score_breakdown")));
    CHECK(strlen(str_at(res, "justification")) > 10);
    /* Labels in the language asked for, as the skill's own route gives them (answers write
     * them from the generation's escaped copies). */
    CHECK_STR(str_at(m, "uri"), S(02));
    reply skill;
    http(port, "GET", "/v1/skills/00000000-0000-4000-8000-000000000002", NULL, NULL, &skill);
    json_t *labels = json_object_get(skill.json, "labels");
    const char *en = str_at(json_object_get(labels, "en"), "preferred"),
               *fr = str_at(json_object_get(labels, "fr"), "preferred");
    CHECK(en && fr && strcmp(en, fr) != 0);
    CHECK_STR(str_at(m, "label"), en);
    CHECK_STR(str_at(m, "via_label"), en);
    reply_free(&r);
    http(port, "POST", "/v1/match", NULL,
         "{\"profile\":{\"skills\":[{\"uri\":\"" S(02) "\"}]},\"limit\":1}", &r);
    CHECK_INT(r.status, 200);
    json_t *items =
        json_object_get(json_array_get(json_object_get(r.json, "results"), 0), "matched");
    /* the person's one skill is what every matched requirement is covered through */
    CHECK(json_array_size(items) >= 1);
    for (size_t i = 0; i < json_array_size(items); i++) {
        CHECK_STR(str_at(json_array_get(items, i), "via"), S(02));
        CHECK_STR(str_at(json_array_get(items, i), "via_label"), fr);
    }
    reply_free(&skill);
    reply_free(&r);
    CHECK_INT(status_of("POST", "/v1/match", NULL,
                        "{\"profile\":{\"skills\":[{\"uri\":\"" S(
                            02) "\"}]},\"filters\":{"
                                "\"contract_types\":[\"job-for-life\"]}}"),
              400);
}

static void idempotency(void)
{
    const char *body = JOB("Idempotent", "");
    reply r1, r2, r3;
    http_request(port, "POST", "/v1/offers", org_a, "Idempotency-Key: offer-42\r\n", body,
                 strlen(body), &r1);
    http_request(port, "POST", "/v1/offers", org_a, "Idempotency-Key: offer-42\r\n", body,
                 strlen(body), &r2);
    CHECK_INT(r1.status, 201);
    CHECK_INT(r2.status, 201);
    CHECK_STR(str_at(r1.json, "id"), str_at(r2.json, "id"));
    /* The replay says where the offer is, as the first answer did. */
    char l1[128], l2[128];
    CHECK(*header_value(&r1, "Location", l1, sizeof l1));
    CHECK_STR(header_value(&r2, "Location", l2, sizeof l2), l1);
    const char *other = JOB("Autre", "");
    http_request(port, "POST", "/v1/offers", org_a, "Idempotency-Key: offer-42\r\n", other,
                 strlen(other), &r3);
    CHECK_INT(r3.status, 422);
    reply_free(&r1);
    reply_free(&r2);
    reply_free(&r3);
    /* Another key's same Idempotency-Key is another request. */
    http_request(port, "POST", "/v1/offers", org_b, "Idempotency-Key: offer-42\r\n", body,
                 strlen(body), &r1);
    CHECK_INT(r1.status, 201);
    reply_free(&r1);
}

static void change_feed(void)
{
    reply r;
    http(port, "GET", "/v1/changes?since=0&limit=1000", org_b, NULL, &r);
    CHECK_INT(r.status, 200);
    CHECK(json_array_size(json_object_get(r.json, "items")) > 3);
    CHECK(!strstr(r.body, "\"object\":\"profile\""));
    long long last = json_integer_value(json_object_get(r.json, "last_seq"));
    reply_free(&r);
    char id[40], path[96];
    CHECK_INT(create_offer(org_b, JOB("Flux", ""), id), 201);
    snprintf(path, sizeof path, "/v1/changes?since=%lld", last);
    http(port, "GET", path, org_b, NULL, &r);
    CHECK_INT((long long)json_array_size(json_object_get(r.json, "items")), 1);
    CHECK_STR(str_at(json_array_get(json_object_get(r.json, "items"), 0), "id"), id);
    reply_free(&r);
    http(port, "GET", "/v1/changes?since=0&limit=1000", admin_key, NULL, &r);
    CHECK_HAS(r.body, "\"object\":\"profile\"");
    reply_free(&r);
    CHECK_INT(status_of("GET", "/v1/changes", NULL, NULL), 401);
    CHECK_INT(status_of("GET", "/v1/changes?since=-1", org_b, NULL), 400);
}

static void key_revocation(void)
{
    char key[64], text[2048], cmd[1024];
    CHECK(create_key("Éphémère", "inclusion_org", key, NULL) == 0);
    CHECK_INT(status_of("GET", "/v1/changes", key, NULL), 200);
    snprintf(cmd, sizeof cmd, "build/skillmatch keys list --db '%s'", conninfo);
    CHECK_INT(run_capture(cmd, text, sizeof text), 0);
    CHECK_HAS(text, "Éphémère");
    CHECK(!strstr(text, key));
    /* The key's number: the last line is the newest key. */
    long long id = atoll(last_line(text));
    snprintf(cmd, sizeof cmd, "build/skillmatch keys revoke %lld --db '%s' >/dev/null", id,
             conninfo);
    CHECK_INT(sh("%s", cmd), 0);
    int status = 0;
    for (int i = 0; i < 50 && status != 401; i++) {
        usleep(100000);
        status = status_of("GET", "/v1/changes", key, NULL);
    }
    CHECK_INT(status, 401);
}

static void rate_limits(void)
{
    /* Anonymous profile creation, as api/README.md promises: 20 in any hour from an address
     * (this one's own, so that the rest of the suite does not count), the 21st refused with
     * a Retry-After that says when the first leaves the hour. */
    http_source = "127.0.0.7";
    reply r;
    int created = 0;
    for (int i = 0; i < 20; i++) {
        http(port, "POST", "/v1/profiles", NULL, "{\"skills\":[{\"uri\":\"" S(05) "\"}]}", &r);
        created += r.status == 201;
        reply_free(&r);
    }
    CHECK_INT(created, 20);
    http(port, "POST", "/v1/profiles", NULL, "{\"skills\":[{\"uri\":\"" S(05) "\"}]}", &r);
    CHECK_INT(r.status, 429);
    CHECK_HAS(r.headers, "application/problem+json");
    const char *after = strstr(r.headers, "Retry-After: ");
    CHECK(after && atoi(after + 13) > 3000 && atoi(after + 13) <= 3600);
    reply_free(&r);
    /* Another address is not limited by it; an organisation key is not limited at all. */
    http_source = "127.0.0.8";
    CHECK_INT(status_of("POST", "/v1/profiles", NULL, "{\"skills\":[{\"uri\":\"" S(05) "\"}]}"),
              201);
    http_source = "127.0.0.7";
    CHECK_INT(status_of("POST", "/v1/profiles", org_a, "{\"skills\":[{\"uri\":\"" S(05) "\"}]}"),
              201);
    http_source = NULL;
}

/* SIGHUP loads a new import (old URIs stay resolvable); a restart rebuilds the same index. */
static void reload_and_restart(void)
{
    reply r;
    http(port, "GET", "/ready", NULL, NULL, &r);
    long long jobs = json_integer_value(json_object_get(r.json, "job_offers"));
    long long profiles = metric("skillmatch_profiles");
    long long offers = jobs + json_integer_value(json_object_get(r.json, "trainings"));
    reply_free(&r);
    CHECK(offers > 8 && profiles > 8);
    /* Start-up streams rows in chunks, each sorted by area before it is inserted: chunks of a
     * few rows, dividing neither table, so that the restart below crosses chunk borders, ends
     * each table with a partial chunk and makes the streamer wait for room. */
    int chunk = 2;
    while (offers % chunk == 0 || profiles % chunk == 0)
        chunk++;
    char chunk_rows[16];
    snprintf(chunk_rows, sizeof chunk_rows, "%d", chunk);
    setenv("SKILLMATCH_LOAD_CHUNK_ROWS", chunk_rows, 1);
    const char *q =
        "{\"profile\":{\"skills\":[{\"uri\":\"" S(02) "\"},{\"uri\":\"" S(03) "\"}]},\"limit\":50}";
    http(port, "POST", "/v1/match", admin_key, q,
         &r); /* a key: the suite has used the address's rate */
    char *before = strdup(r.body);
    reply_free(&r);
    /* A newer export: skill 11 is gone, skill 99 is new. */
    CHECK_INT(sh("rm -rf %s/esco2 && cp -r tests/fixtures/esco %s/esco2 && cd %s/esco2/en && "
                 "grep -v 000000000011 skills_en.csv > s && grep 000000000012 skills_en.csv | "
                 "sed -e s/000000000012/000000000099/ -e 's/,management,/,beekeeping,/' >> s && "
                 "mv s skills_en.csv",
                 pg_dir, pg_dir, pg_dir),
              0);
    CHECK_INT(sh("build/skillmatch import esco %s/esco2 --db '%s' >/dev/null", pg_dir, conninfo),
              0);
    CHECK_INT(status_of("GET", "/v1/skills/00000000-0000-4000-8000-000000000099", NULL, NULL), 404);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    http_source = "127.0.0.10"; /* its own address: the suite has spent 127.0.0.1's rate */
    kill(server, SIGHUP);
    int status = 0;
    for (int i = 0; i < 100 && status != 200; i++) {
        usleep(100000);
        status = status_of("GET", "/v1/skills/00000000-0000-4000-8000-000000000099", NULL, NULL);
    }
    CHECK_INT(status, 200);
    /* The log times the reload's demand counting from the reload, not from the start. */
    char cmd[512], text[256];
    snprintf(cmd, sizeof cmd,
             "sed -n '/SIGHUP, reloading/,$p' %s/server.log | grep 'skills demand counted in' | "
             "tail -n 1 | sed 's/.*counted in \\([0-9.]*\\) s.*/\\1/'",
             pg_dir);
    text[0] = '\0';
    for (int i = 0; i < 100 && !text[0]; i++) {
        run_capture(cmd, text, sizeof text);
        if (!text[0])
            usleep(100000);
    }
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double since = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    CHECK(text[0] && atof(text) <= since + 0.5);
    CHECK_INT(status_of("GET", "/v1/skills/00000000-0000-4000-8000-000000000011", NULL, NULL), 200);
    http_source = NULL;
    http(port, "POST", "/v1/match", admin_key, q,
         &r); /* a key: the suite has used the address's rate */
    CHECK_STR(r.body, before);
    reply_free(&r);
    /* A restart: the same offers, profiles and answers. */
    stop_server();
    server = start_server(conninfo);
    CHECK(server > 0);
    http(port, "GET", "/ready", NULL, NULL, &r);
    CHECK_INT(json_integer_value(json_object_get(r.json, "job_offers")), jobs);
    CHECK_INT(metric("skillmatch_profiles"), profiles);
    reply_free(&r);
    http(port, "POST", "/v1/match", admin_key, q,
         &r); /* a key: the suite has used the address's rate */
    CHECK_STR(r.body, before);
    reply_free(&r);
    free(before);
}

static void refuses_unmigrated_database(void)
{
    char cmd[1024], text[4096];
    char other[600];
    snprintf(other, sizeof other, "%s", conninfo);
    char *db = strstr(other, "dbname=postgres");
    CHECK(db != NULL);
    if (!db)
        return;
    memcpy(db, "dbname=template1", 16);
    snprintf(cmd, sizeof cmd, "build/skillmatch serve --listen 127.0.0.1:1 --db '%s' 2>&1", other);
    CHECK_INT(run_capture(cmd, text, sizeof text), 1);
    CHECK_HAS(text, "not migrated");
    snprintf(cmd, sizeof cmd, "build/skillmatch migrate --db '%s' 2>&1", conninfo);
    CHECK_INT(run_capture(cmd, text, sizeof text), 0);
    CHECK_HAS(text, "0 applied");
}

/* serve refuses a database that could lose acknowledged writes; the CLI names its errors. */
static void refuses_unsafe_database_and_bad_cli_use(void)
{
    char cmd[1024], text[4096];
    /* Each setting off in turn: serve exits 1 naming it; then it is reset. */
    static const char *const settings[] = {"synchronous_commit", "fsync"};
    for (size_t i = 0; i < sizeof settings / sizeof *settings; i++) {
        CHECK_INT(sh("psql '%s' -qc 'ALTER SYSTEM SET %s = off' -c 'SELECT pg_reload_conf()' "
                     ">/dev/null",
                     conninfo, settings[i]),
                  0);
        usleep(300000);
        snprintf(cmd, sizeof cmd, "build/skillmatch serve --listen 127.0.0.1:1 --db '%s' 2>&1",
                 conninfo);
        CHECK_INT(run_capture(cmd, text, sizeof text), 1);
        char named[64];
        snprintf(named, sizeof named, "%s=off", settings[i]);
        CHECK_HAS(text, named);
        CHECK_INT(sh("psql '%s' -qc 'ALTER SYSTEM RESET %s' -c 'SELECT pg_reload_conf()' "
                     ">/dev/null",
                     conninfo, settings[i]),
                  0);
    }
    /* The CLI: usage errors exit 2, failures 1 with the file named, DigComp imports. */
    snprintf(cmd, sizeof cmd, "build/skillmatch import --db '%s' 2>&1", conninfo);
    CHECK_INT(run_capture(cmd, text, sizeof text), 2);
    snprintf(cmd, sizeof cmd, "build/skillmatch import esco /nonexistent --db '%s' 2>&1", conninfo);
    CHECK_INT(run_capture(cmd, text, sizeof text), 1);
    CHECK_HAS(text, "/nonexistent");
    snprintf(cmd, sizeof cmd,
             "build/skillmatch import digcomp tests/fixtures/digcomp-mini.jsonld --db '%s' 2>&1",
             conninfo);
    CHECK_INT(run_capture(cmd, text, sizeof text), 0);
    CHECK_HAS(text, "import digcomp:");
    snprintf(cmd, sizeof cmd, "build/skillmatch keys create --org X --role seeker --db '%s' 2>&1",
             conninfo);
    CHECK_INT(run_capture(cmd, text, sizeof text), 2);
    snprintf(cmd, sizeof cmd, "build/skillmatch keys revoke 999999 --db '%s' 2>&1", conninfo);
    CHECK_INT(run_capture(cmd, text, sizeof text), 1);
    CHECK_INT(
        run_capture("build/skillmatch migrate --db 'host=/nonexistent' 2>&1", text, sizeof text),
        1);
}

/* Creates a profile as key (NULL: the person, anonymously); fills its id and seeker key. */
#define VISIBLE_PROFILE                                                                            \
    "{\"skills\":[{\"uri\":\"" S(02) "\"},{\"uri\":\"" S(                                          \
        03) "\"}],\"consent\":{\"visible_to_organisations\":true}}"

/*
 * Every route against every kind of caller: no key, admin, the owning organisation, another
 * organisation, a training provider, the person the profile belongs to, another person.
 */
static void route_role_matrix(void)
{
    enum { NONE, ADMIN, OWNER, OTHER_ORG, TP, SEEKER, OTHER_SEEKER, ROLES };
    char offer[40], training[40], profile[40], seeker_key[64], other_profile[40], other_seeker[64];
    CHECK_INT(create_offer(org_a, JOB("Matrice", ""), offer), 201);
    CHECK_INT(create_offer(tp_key,
                           "{\"kind\":\"training\",\"title\":\"Matrice T\",\"teaches\":[{"
                           "\"uri\":\"" S(02) "\"}]}",
                           training),
              201);
    CHECK_INT(create_profile(org_a, VISIBLE_PROFILE, profile, seeker_key), 201);
    CHECK_INT(create_profile(org_b, VISIBLE_PROFILE, other_profile, other_seeker), 201);
    const char *keys[ROLES] = {NULL, admin_key, org_a, org_b, tp_key, seeker_key, other_seeker};
    char offer_path[96], training_path[96], cand_path[128], profile_path[96], export_path[128],
        match_stored[128];
    snprintf(offer_path, sizeof offer_path, "/v1/offers/%s", offer);
    snprintf(training_path, sizeof training_path, "/v1/offers/%s", training);
    snprintf(cand_path, sizeof cand_path, "/v1/offers/%s/candidates", offer);
    char near_path[128];
    snprintf(near_path, sizeof near_path, "/v1/offers/%s/near-candidates", offer);
    snprintf(profile_path, sizeof profile_path, "/v1/profiles/%s", profile);
    snprintf(export_path, sizeof export_path, "/v1/profiles/%s/export", profile);
    snprintf(match_stored, sizeof match_stored, "{\"profile_id\":\"%s\"}", profile);
    const char *job = JOB("Matrice modifiée", "");
    const char *person = "{\"skills\":[{\"uri\":\"" S(02) "\"}],\"consent\":{"
                                                          "\"visible_to_organisations\":true}}";
    const char *inline_match = "{\"profile\":{\"skills\":[{\"uri\":\"" S(02) "\"}]}}";
    char gaps_inline[256], gaps_stored[256];
    snprintf(
        gaps_inline, sizeof gaps_inline,
        "{\"profile\":{\"skills\":[{\"uri\":\"" S(10) "\"}]},\"target\":{\"offer_id\":\"%s\"}}",
        offer);
    snprintf(gaps_stored, sizeof gaps_stored,
             "{\"profile_id\":\"%s\",\"target\":{\"offer_id\":\"%s\"}}", profile, offer);
    const struct {
        const char *method, *path, *body;
        int expect[ROLES]; /* none, admin, owner, other org, tp, seeker, other seeker */
    } cases[] = {
        {"GET", "/health", NULL, {200, 200, 200, 200, 200, 200, 200}},
        {"GET", "/ready", NULL, {200, 200, 200, 200, 200, 200, 200}},
        {"GET", "/metrics", NULL, {200, 200, 200, 200, 200, 200, 200}},
        {"GET", "/v1/openapi.json", NULL, {200, 200, 200, 200, 200, 200, 200}},
        {"GET", "/v1/offers", NULL, {200, 200, 200, 200, 200, 200, 200}},
        {"GET", offer_path, NULL, {200, 200, 200, 200, 200, 200, 200}},
        {"POST", "/v1/offers", JOB("Matrice créée", ""), {401, 201, 201, 201, 403, 403, 403}},
        {"PUT", offer_path, job, {401, 200, 200, 404, 403, 403, 403}},
        {"PUT",
         training_path,
         job,
         {401, 404, 404, 404, 403, 403, 403}}, /* a job body: kinds differ */
        {"DELETE", training_path, NULL, {401, -1, 403, 403, -1, 403, 403}},
        {"DELETE", offer_path, NULL, {401, -1, -1, 404, 403, 403, 403}},
        {"GET", cand_path, NULL, {401, 200, 200, 404, 403, 403, 403}},
        {"POST", "/v1/profiles", person, {201, 201, 201, 201, 403, 403, 403}},
        {"GET", profile_path, NULL, {401, 200, 200, 404, 403, 200, 404}},
        {"PUT", profile_path, person, {401, 200, 200, 404, 403, 200, 404}},
        {"GET", export_path, NULL, {401, 200, 200, 404, 403, 200, 404}},
        {"DELETE", profile_path, NULL, {401, -1, -1, 404, 403, -1, 404}},
        {"POST", "/v1/match", inline_match, {200, 200, 200, 200, 200, 200, 200}},
        {"POST", "/v1/match", match_stored, {401, 200, 200, 404, 403, 200, 404}},
        {"POST", "/v1/gaps", gaps_inline, {200, 200, 200, 200, 200, 200, 200}},
        {"POST", "/v1/gaps", gaps_stored, {401, 200, 200, 404, 403, 200, 404}},
        {"POST", "/v1/paths", gaps_inline, {200, 200, 200, 200, 200, 200, 200}},
        {"POST", "/v1/paths", gaps_stored, {401, 200, 200, 404, 403, 200, 404}},
        {"GET", "/v1/skills?q=cash", NULL, {200, 200, 200, 200, 200, 200, 200}},
        {"GET",
         "/v1/skills/00000000-0000-4000-8000-000000000002",
         NULL,
         {200, 200, 200, 200, 200, 200, 200}},
        {"POST",
         "/v1/extract",
         "{\"text\":\"operate cash register\"}",
         {200, 200, 200, 200, 200, 200, 200}},
        {"GET", "/v1/changes", NULL, {401, 200, 200, 200, 200, 403, 403}},
        {"GET", "/v1/demand", NULL, {401, 200, 200, 200, 200, 403, 403}},
        {"GET",
         "/v1/demand/history?skill=00000000-0000-4000-8000-000000000002",
         NULL,
         {401, 200, 200, 200, 200, 403, 403}},
        {"GET", near_path, NULL, {401, 200, 200, 404, 403, 403, 403}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        for (int role = 0; role < ROLES; role++) {
            if (cases[i].expect[role] < 0) /* a success that would remove the object: below */
                continue;
            int got = status_of(cases[i].method, cases[i].path, keys[role], cases[i].body);
            if (got != cases[i].expect[role])
                fprintf(stderr, "    %s %s as role %d: %d, expected %d\n", cases[i].method,
                        cases[i].path, role, got, cases[i].expect[role]);
            CHECK_INT(got, cases[i].expect[role]);
        }
    /* The successful deletions, last: each by one allowed caller. */
    CHECK_INT(status_of("DELETE", training_path, tp_key, NULL), 204);
    CHECK_INT(status_of("DELETE", offer_path, org_a, NULL), 204);
    CHECK_INT(status_of("DELETE", profile_path, seeker_key, NULL), 204);
    char id2[40], key2[64], path2[96];
    CHECK_INT(create_offer(org_a, JOB("Matrice admin", ""), id2), 201);
    snprintf(path2, sizeof path2, "/v1/offers/%s", id2);
    CHECK_INT(status_of("DELETE", path2, admin_key, NULL), 204);
    CHECK_INT(create_profile(org_a, VISIBLE_PROFILE, id2, key2), 201);
    snprintf(path2, sizeof path2, "/v1/profiles/%s", id2);
    CHECK_INT(status_of("DELETE", path2, admin_key, NULL), 204);
    CHECK_INT(create_profile(org_a, VISIBLE_PROFILE, id2, key2), 201);
    snprintf(path2, sizeof path2, "/v1/profiles/%s", id2);
    CHECK_INT(status_of("DELETE", path2, org_a, NULL), 204);
}

/* A commit that fails changes neither the database nor the index, and says so (503). */
/*
 * Starts a second server on the shared database at a free port (*other), logging to
 * pg_dir/log_name, with SKILLMATCH_FAULT_COMMIT=fault when fault is set and up to two more
 * option pairs; waits until it is ready. Its pid, or -1.
 */
static pid_t start_second_server(int *other, const char *log_name, const char *fault,
                                 const char *const extra[4])
{
    *other = test_free_port();
    char listen[64], log[300];
    snprintf(listen, sizeof listen, "127.0.0.1:%d", *other);
    snprintf(log, sizeof log, "%s/%s", pg_dir, log_name);
    pid_t pid = fork();
    if (pid == 0) {
        if (!freopen(log, "a", stderr))
            _exit(126);
        if (fault)
            setenv("SKILLMATCH_FAULT_COMMIT", fault, 1);
        execl("build/skillmatch", "skillmatch", "serve", "--listen", listen, "--db", conninfo,
              extra[0], extra[1], extra[2], extra[3], (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 200; i++) {
        reply r;
        int up = http(*other, "GET", "/ready", NULL, NULL, &r) == 0 && r.status == 200;
        reply_free(&r);
        if (up)
            return pid;
        usleep(50000);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    return -1;
}

/* A TCP connection to 127.0.0.1:p, or -1. */
static int connect_to(int p)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)p)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        fd = -1;
    }
    return fd;
}

/* Whether the server closed fd (end of stream or reset) within ms milliseconds. */
static int closed_within(int fd, int ms)
{
    struct pollfd pfd = {fd, POLLIN, 0};
    if (poll(&pfd, 1, ms) <= 0)
        return 0;
    char c;
    return recv(fd, &c, 1, 0) <= 0;
}

/* The per-address connection limit and the idle timeout, on a second server set low. */
/* ---- gaps and training paths, on data whose answers are known by construction ---------
 * Skills 09 (Excel), 11 (show initiative) and 12 (management) have no close skill in the
 * fixture and no other test's training teaches them. */

#define TRAINING(title, teaches, prereqs, extra)                                                   \
    "{\"kind\":\"training\",\"title\":\"" title "\",\"teaches\":[" teaches                         \
    "],\"prerequisites\":[" prereqs "],\"location\":{\"lat\":48.86,\"lon\":2.34}" extra "}"
#define TAUGHT(n, level) "{\"uri\":\"" S(n) "\",\"level\":" #level "}"

static json_t *post_json(const char *path, const char *key, const char *body, int *status)
{
    reply r;
    http(port, "POST", path, key, body, &r);
    *status = r.status;
    if (r.status != 200)
        fprintf(stderr, "    %s: %d %s\n", path, r.status, r.body);
    json_t *j = json_incref(r.json);
    reply_free(&r);
    return j;
}

/* The training ids of a path, in order, joined by "+". */
static void path_titles(json_t *path, char *out, size_t cap, const char *const *ids,
                        const char *const *names, size_t n)
{
    size_t len = 0;
    out[0] = '\0';
    json_t *steps = json_object_get(path, "steps");
    for (size_t i = 0; i < json_array_size(steps); i++) {
        const char *id = str_at(json_array_get(steps, i), "training_id");
        const char *name = "?";
        for (size_t k = 0; k < n; k++)
            if (id && !strcmp(id, ids[k]))
                name = names[k];
        len += (size_t)snprintf(out + len, cap - len, i ? "+%s" : "%s", name);
    }
}

static void gaps_and_training_paths(void)
{
    char both[40], excel[40], initiative[40], management[40], intensive[40];
    char target[40], lead[40], junior[40];
    CHECK_INT(create_offer(tp_key,
                           TRAINING("both", TAUGHT(09, 3) "," TAUGHT(12, 3), "",
                                    ",\"duration_hours\":80,\"cost\":0"),
                           both),
              201);
    CHECK_INT(create_offer(
                  tp_key, TRAINING("excel", TAUGHT(09, 3), "", ",\"duration_hours\":50,\"cost\":0"),
                  excel),
              201);
    CHECK_INT(create_offer(tp_key,
                           TRAINING("initiative", TAUGHT(11, 2), "",
                                    ",\"duration_hours\":35,\"cost\":0,\"start_dates\":"
                                    "[\"2090-01-08\"]"),
                           initiative),
              201);
    CHECK_INT(create_offer(tp_key,
                           TRAINING("management", TAUGHT(12, 3), TAUGHT(11, 2),
                                    ",\"duration_hours\":40,\"cost\":0"),
                           management),
              201);
    CHECK_INT(create_offer(tp_key,
                           TRAINING("intensive", TAUGHT(09, 4), "",
                                    ",\"duration_hours\":14,\"cost\":450,\"funding\":"
                                    "[\"OPCO\"]"),
                           intensive),
              201);
    const char *ids[] = {both, excel, initiative, management, intensive};
    const char *names[] = {"both", "excel", "initiative", "management", "intensive"};
#define PARIS_JOB                                                                                  \
    "{\"kind\":\"job\",\"title\":\"%s\",\"skills\":[%s],\"location\":{\"lat\":48.85,\"lon\":2.35}" \
    "}"
    char body[1024];
    snprintf(body, sizeof body, PARIS_JOB, "Gestionnaire",
             "{\"uri\":\"" S(10) "\"},{\"uri\":\"" S(09) "\"},{\"uri\":\"" S(12) "\"}");
    CHECK_INT(create_offer(org_a, body, target), 201);
    snprintf(body, sizeof body, PARIS_JOB, "Chef d'équipe",
             "{\"uri\":\"" S(10) "\"},{\"uri\":\"" S(12) "\",\"level\":3}");
    CHECK_INT(create_offer(org_a, body, lead), 201);
    snprintf(body, sizeof body, PARIS_JOB, "Comptable junior",
             "{\"uri\":\"" S(10) "\"},{\"uri\":\"" S(09) "\"}");
    CHECK_INT(create_offer(org_a, body, junior), 201);
    const char *person =
        "{\"skills\":[{\"uri\":\"" S(10) "\",\"level\":4}],\"location\":{"
                                         "\"lat\":48.85,\"lon\":2.35},\"radius_km\":30}";
    int status;
    char got[128];

    /* Gaps: Excel and management, essential, each asked for by two offers nearby. */
    snprintf(body, sizeof body, "{\"profile\":%s,\"target\":{\"offer_id\":\"%s\"}}", person,
             target);
    json_t *j = post_json("/v1/gaps", NULL, body, &status);
    CHECK_INT(status, 200);
    json_t *gaps = json_object_get(j, "gaps");
    CHECK_INT((long long)json_array_size(gaps), 2);
    for (size_t i = 0; i < json_array_size(gaps); i++) {
        json_t *g = json_array_get(gaps, i);
        const char *uri = str_at(g, "uri");
        CHECK(uri && (!strcmp(uri, S(09)) || !strcmp(uri, S(12))));
        CHECK(json_is_true(json_object_get(g, "essential")));
        CHECK_INT(json_integer_value(json_object_get(g, "offers_nearby")), 2);
        CHECK(json_is_null(json_object_get(g, "closest")));
    }
    json_decref(j);
    /* An occupation as target; the best offers as target. */
    snprintf(body, sizeof body,
             "{\"profile\":%s,\"target\":{\"occupation\":\"http://data."
             "europa.eu/esco/occupation/00000000-0000-4000-8000-000000000202\"}}",
             person);
    j = post_json("/v1/gaps", NULL, body, &status);
    CHECK_INT(status, 200);
    CHECK_INT((long long)json_array_size(json_object_get(j, "gaps")), 5);
    json_decref(j);
    snprintf(body, sizeof body, "{\"profile\":%s,\"target\":{\"top_offers\":3}}", person);
    j = post_json("/v1/gaps", NULL, body, &status);
    CHECK_INT(status, 200);
    CHECK(json_array_size(json_object_get(j, "gaps")) >= 2);
    json_decref(j);

    /* A gap exactly one training closes: "both" (80 h). Then, "both" set aside, intensive
     * (14 h + 450 euros, counted 30 h) with initiative before management (119), then excel with
     * them (125). */
    snprintf(body, sizeof body,
             "{\"profile\":%s,\"target\":{\"offer_id\":\"%s\"},\"lang\":"
             "\"en\"}",
             person, target);
    j = post_json("/v1/paths", NULL, body, &status);
    CHECK_INT(status, 200);
    json_t *paths = json_object_get(j, "paths");
    CHECK_INT((long long)json_array_size(paths), 3);
    path_titles(json_array_get(paths, 0), got, sizeof got, ids, names, 5);
    CHECK_STR(got, "both");
    json_t *first = json_array_get(paths, 0);
    CHECK_INT((long long)json_array_size(json_object_get(first, "remaining_gap")), 0);
    CHECK(json_real_value(json_object_get(first, "total_hours")) == 80);
    json_t *step = json_array_get(json_object_get(first, "steps"), 0);
    CHECK_INT((long long)json_array_size(json_object_get(step, "covers")), 2);
    CHECK_HAS(str_at(step, "explanation"), "Step 1: take “both” (80 h, free, 1 km away) to gain");
    /* after it, the three offers asking for these skills are matched; none before */
    json_t *unlocks = json_object_get(first, "unlocks");
    CHECK_INT(json_integer_value(json_object_get(unlocks, "offers_before")), 0);
    CHECK_INT(json_integer_value(json_object_get(unlocks, "offers")), 3);
    CHECK_INT((long long)json_array_size(json_object_get(unlocks, "best")), 3);
    path_titles(json_array_get(paths, 1), got, sizeof got, ids, names, 5);
    CHECK(!strcmp(got, "intensive+initiative+management") ||
          !strcmp(got, "initiative+intensive+management") ||
          !strcmp(got, "initiative+management+intensive"));
    CHECK(json_real_value(json_object_get(json_array_get(paths, 1), "total_cost")) == 450);
    path_titles(json_array_get(paths, 2), got, sizeof got, ids, names, 5);
    CHECK(strstr(got, "excel") && strstr(got, "initiative+") && strstr(got, "management"));
    json_decref(j);

    /* Prerequisites force an order: management needs initiative, whose one session is on
     * 2090-01-08 (a week), so management starts when it ends. */
    snprintf(body, sizeof body, "{\"profile\":%s,\"target\":{\"offer_id\":\"%s\"}}", person, lead);
    j = post_json("/v1/paths", NULL, body, &status);
    CHECK_INT(status, 200);
    paths = json_object_get(j, "paths");
    path_titles(json_array_get(paths, 0), got, sizeof got, ids, names, 5);
    CHECK_STR(got, "initiative+management");
    json_t *steps = json_object_get(json_array_get(paths, 0), "steps");
    CHECK_STR(str_at(json_array_get(steps, 0), "start"), "2090-01-08");
    CHECK_STR(str_at(json_array_get(steps, 1), "start"), "2090-01-15");
    CHECK_STR(str_at(json_array_get(paths, 0), "earliest_finish"), "2090-01-23");
    CHECK_HAS(str_at(json_array_get(steps, 0), "explanation"), "Étape 1 : suivre « initiative »");
    json_decref(j);

    /* A budget forces the cheaper path: intensive wins on time, excel within 300 euros;
     * eligible for OPCO, intensive is free and wins again. */
    const char *const variants[][2] = {
        {"", "intensive"},
        {",\"constraints\":{\"max_cost\":300}", "excel"},
        {",\"constraints\":{\"max_cost\":300,\"funding\":[\"OPCO\"]}", "intensive"},
        {",\"constraints\":{\"max_hours\":20,\"max_cost\":300}", ""},
    };
    for (size_t v = 0; v < sizeof variants / sizeof *variants; v++) {
        snprintf(body, sizeof body, "{\"profile\":%s,\"target\":{\"offer_id\":\"%s\"}%s}", person,
                 junior, variants[v][0]);
        j = post_json("/v1/paths", NULL, body, &status);
        CHECK_INT(status, 200);
        paths = json_object_get(j, "paths");
        path_titles(json_array_get(paths, 0), got, sizeof got, ids, names, 5);
        CHECK_STR(got, variants[v][1]);
        json_decref(j);
    }

    /* Errors name the field. */
    reply r;
    http(port, "POST", "/v1/paths", NULL, "{\"profile\":{\"skills\":[]}}", &r);
    CHECK_INT(r.status, 400);
    CHECK_HAS(r.body, "\"target\"");
    reply_free(&r);
    snprintf(body, sizeof body, "{\"profile\":%s,\"target\":{\"offer_id\":\"nope\"}}", person);
    http(port, "POST", "/v1/gaps", NULL, body, &r);
    CHECK_INT(r.status, 400);
    CHECK_HAS(r.body, "target.offer_id");
    reply_free(&r);
    snprintf(body, sizeof body,
             "{\"profile\":%s,\"target\":{\"top_offers\":2},\"constraints\":"
             "{\"funding\":[\"lottery\"]}}",
             person);
    http(port, "POST", "/v1/paths", NULL, body, &r);
    CHECK_INT(r.status, 400);
    CHECK_HAS(r.body, "constraints.funding[0]");
    reply_free(&r);
    snprintf(body, sizeof body,
             "{\"profile\":%s,\"target\":{\"top_offers\":2,\"occupation\":"
             "\"x\"}}",
             person);
    CHECK_INT(status_of("POST", "/v1/gaps", NULL, body), 400);
}

/* ---- skills demand and candidates one training away, in Marseille (no other test's data
 * is located there) ----------------------------------------------------------------------- */

#define MARSEILLE "\"location\":{\"lat\":43.30,\"lon\":5.37}"

static json_t *get_json(const char *path, const char *key, int *status)
{
    reply r;
    http(port, "GET", path, key, NULL, &r);
    *status = r.status;
    if (r.status != 200)
        fprintf(stderr, "    %s: %d %s\n", path, r.status, r.body);
    json_t *j = json_incref(r.json);
    reply_free(&r);
    return j;
}

/* The row of a skill in a demand answer, or NULL. */
static json_t *demand_row(json_t *j, const char *uri)
{
    json_t *rows = json_object_get(j, "skills");
    for (size_t i = 0; i < json_array_size(rows); i++)
        if (!strcmp(str_at(json_array_get(rows, i), "uri"), uri))
            return json_array_get(rows, i);
    return NULL;
}

static void demand_and_near_candidates(void)
{
    char job[3][40], optional_job[40], training[40];
    const char *body_job = "{\"kind\":\"job\",\"title\":\"Chef d'équipe Marseille\",\"skills\":[{"
                           "\"uri\":\"" S(10) "\"},{\"uri\":\"" S(12) "\"}]," MARSEILLE "}";
    for (int i = 0; i < 3; i++)
        CHECK_INT(create_offer(org_a, body_job, job[i]), 201);
    CHECK_INT(create_offer(org_a,
                           "{\"kind\":\"job\",\"title\":\"Agent\",\"skills\":[{\"uri\":\"" S(
                               10) "\"},{\"uri\":\"" S(12) "\",\"essential\":false}]," MARSEILLE
                                                           "}",
                           optional_job),
              201);
    CHECK_INT(create_offer(tp_key,
                           "{\"kind\":\"training\",\"title\":\"Encadrer une équipe\",\"teaches\":[{"
                           "\"uri\":\"" S(12) "\",\"level\":3}],\"duration_hours\":35,\"seats\":"
                                              "8," MARSEILLE "}",
                           training),
              201);
    /* Six people with French only (one skill away from the three jobs), two with management,
     * one with management who did not consent to statistics. */
    const char *french = "{\"skills\":[{\"uri\":\"" S(
        10) "\"}]," MARSEILLE ",\"radius_km\":30,"
            "\"consent\":{\"visible_to_organisations\":true,\"statistics\":true}}";
    const char *manager = "{\"skills\":[{\"uri\":\"" S(12) "\"}]," MARSEILLE ",\"radius_km\":30,"
                                                           "\"consent\":{\"statistics\":true}}";
    const char *private = "{\"skills\":[{\"uri\":\"" S(12) "\"}]," MARSEILLE ",\"radius_km\":30}";
    for (int i = 0; i < 9; i++) {
        reply r;
        http(port, "POST", "/v1/profiles", org_a, i < 6 ? french : i < 8 ? manager : private, &r);
        CHECK_INT(r.status, 201);
        reply_free(&r);
    }
    const char *area = "/v1/demand?near=43.30,5.37&radius_km=30&top=50";
    int status;
    json_t *j = NULL, *row = NULL;
    /* The one-skill-away counts come from the background sweep: a few seconds at most. */
    for (int tries = 0; tries < 100; tries++) {
        json_decref(j);
        j = get_json(area, tp_key, &status);
        row = demand_row(j, S(12));
        if (row && json_integer_value(json_object_get(row, "one_skill_away")) >= 5)
            break;
        usleep(100000);
    }
    CHECK_INT(status, 200);
    CHECK(row != NULL);
    if (row) {
        json_t *offers = json_object_get(row, "offers");
        CHECK_INT(json_integer_value(json_object_get(offers, "essential")), 3);
        CHECK_INT(json_integer_value(json_object_get(offers, "optional")), 1);
        CHECK_INT(json_integer_value(json_object_get(row, "trainings")), 1);
        CHECK_INT(json_integer_value(json_object_get(row, "seats")), 8);
        /* two people have it: suppressed; six are one skill away, shown rounded down to 5 */
        CHECK(json_is_null(json_object_get(row, "profiles")));
        CHECK_INT(json_integer_value(json_object_get(row, "one_skill_away")), 5);
        /* the area is the cells the answer names */
        json_t *cells = json_object_get(json_object_get(j, "area"), "cells");
        CHECK(json_array_size(cells) >= 1);
    }
    row = demand_row(j, S(10));
    CHECK(row && json_integer_value(json_object_get(row, "profiles")) == 5);
    json_decref(j);
    /* A deleted offer leaves the counts at once. */
    char path[96];
    snprintf(path, sizeof path, "/v1/offers/%s", job[2]);
    CHECK_INT(status_of("DELETE", path, org_a, NULL), 204);
    j = get_json(area, org_a, &status);
    row = demand_row(j, S(12));
    CHECK(row &&
          json_integer_value(json_object_get(json_object_get(row, "offers"), "essential")) == 2);
    json_decref(j);
    /* Far from Marseille, nothing of this. */
    j = get_json("/v1/demand?near=50.63,3.06&radius_km=10", tp_key, &status);
    CHECK(!demand_row(j, S(12)) ||
          json_integer_value(
              json_object_get(json_object_get(demand_row(j, S(12)), "offers"), "essential")) == 0);
    json_decref(j);
    /* The week's history, stored by the server every second in this test. */
    int seen = 0;
    for (int tries = 0; tries < 60 && !seen; tries++) {
        j = get_json("/v1/demand/history?skill=00000000-0000-4000-8000-000000000012", tp_key,
                     &status);
        json_t *h = json_object_get(j, "history");
        json_t *last = json_array_get(h, json_array_size(h) - 1);
        seen = last && json_integer_value(
                           json_object_get(json_object_get(last, "offers"), "essential")) >= 2;
        json_decref(j);
        if (!seen)
            usleep(100000);
    }
    CHECK(seen);
    /* Errors and roles. */
    CHECK_INT(status_of("GET", "/v1/demand?near=abc", tp_key, NULL), 400);
    CHECK_INT(status_of("GET", "/v1/demand?collection=cooking", tp_key, NULL), 400);
    CHECK_INT(status_of("GET", "/v1/demand/history", tp_key, NULL), 400);
    CHECK_INT(status_of("GET", "/v1/demand", NULL, NULL), 401);

    /* Candidates one short training away: the French speakers, with the training. */
    snprintf(path, sizeof path, "/v1/offers/%s/near-candidates?limit=3", job[0]);
    j = get_json(path, org_a, &status);
    CHECK_INT(status, 200);
    json_t *results = json_object_get(j, "results");
    CHECK_INT((long long)json_array_size(results), 3);
    for (size_t i = 0; i < json_array_size(results); i++) {
        json_t *res = json_array_get(results, i);
        CHECK_STR(str_at(json_object_get(res, "training"), "training_id"), training);
        json_t *covers = json_object_get(res, "covers");
        CHECK(json_array_size(covers) == 1 &&
              !strcmp(str_at(json_array_get(covers, 0), "uri"), S(12)));
        CHECK_HAS(str_at(res, "explanation"), "Encadrer une équipe");
        CHECK(!json_object_get(res, "profile_id")); /* pseudonymous */
    }
    json_decref(j);
    /* Too short a training for anyone: none. */
    snprintf(path, sizeof path, "/v1/offers/%s/near-candidates?max_hours=10", job[0]);
    j = get_json(path, org_a, &status);
    CHECK_INT((long long)json_array_size(json_object_get(j, "results")), 0);
    json_decref(j);
    CHECK_INT(status_of("GET", path, org_b, NULL), 404);
    CHECK_INT(status_of("GET", path, tp_key, NULL), 403);
    (void)optional_job;
}

/* Whether fd is still open and nothing came on it (a non-blocking look). */
static int open_now(int fd)
{
    struct pollfd pfd = {fd, POLLIN, 0};
    return poll(&pfd, 1, 0) == 0;
}

static void connection_limits(void)
{
    int other;
    const char *const low[4] = {"--per-ip-connections", "2", "--timeout", "6"};
    pid_t pid = start_second_server(&other, "limits.log", NULL, low);
    CHECK(pid > 0);
    if (pid <= 0)
        return;
    /* Two connections from one address are served; a third is closed at once. The readiness
     * probes' connections may still hold a slot for a moment under load: then one of the first
     * two is the one closed, and the attempt is made again (bounded, never loosened). */
    int a = -1, b = -1, c = -1, limited = 0;
    for (int attempt = 0; attempt < 40 && !limited; attempt++) {
        a = connect_to(other);
        b = connect_to(other);
        c = connect_to(other);
        CHECK(a >= 0 && b >= 0 && c >= 0);
        limited = closed_within(c, 5000) && open_now(a) && open_now(b);
        if (!limited) {
            close(a);
            close(b);
            close(c);
            usleep(250000);
        }
    }
    CHECK(limited);
    /* A request on an open connection is answered. */
    const char req[] = "GET /health HTTP/1.1\r\nHost: x\r\n\r\n";
    char buf[256] = {0};
    CHECK(send(b, req, sizeof req - 1, 0) == (ssize_t)(sizeof req - 1));
    struct pollfd pfd = {b, POLLIN, 0};
    CHECK(poll(&pfd, 1, 10000) == 1 && recv(b, buf, sizeof buf - 1, 0) > 0);
    CHECK_HAS(buf, "200");
    /* The idle connection (open above, idle for less than its timeout) is closed after its
     * timeout (6 s). */
    CHECK(closed_within(a, 20000));
    close(a);
    close(b);
    close(c);
    /* Slots freed: a new connection is served again. */
    reply r;
    int served = 0;
    for (int i = 0; i < 40 && !served; i++) {
        served = http(other, "GET", "/health", NULL, NULL, &r) == 0 && r.status == 200;
        reply_free(&r);
        if (!served)
            usleep(250000);
    }
    CHECK(served);
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    char text[1024];
    CHECK_INT(run_capture("build/skillmatch serve --timeout 0 2>&1", text, sizeof text), 2);
    CHECK_HAS(text, "--timeout must be 1..3600");
}

static void failed_commit_changes_nothing(void)
{
    /* A second server on the same database, whose first commit fails. */
    int other;
    const char *const none[4] = {NULL, NULL, NULL, NULL};
    pid_t pid = start_second_server(&other, "fault.log", "1", none);
    CHECK(pid > 0);
    if (pid <= 0)
        return;
    reply r;
    http(other, "GET", "/v1/offers?mine=true", org_a, NULL, &r);
    long long before = json_integer_value(json_object_get(r.json, "total"));
    reply_free(&r);
    const char *body = JOB("Jamais écrit", "");
    http(other, "POST", "/v1/offers", org_a, body, &r);
    CHECK_INT(r.status, 503);
    CHECK_HAS(r.headers, "Retry-After: ");
    CHECK(!strstr(r.body, "division")); /* libpq's words go to the log (SECURITY.md) */
    reply_free(&r);
    http(other, "GET", "/v1/offers?mine=true", org_a, NULL, &r);
    CHECK_INT(json_integer_value(json_object_get(r.json, "total")), before);
    reply_free(&r);
    http(other, "POST", "/v1/match", NULL,
         "{\"profile\":{\"skills\":[{\"uri\":\"" S(02) "\"}]},\"limit\":200}", &r);
    CHECK(r.body && !strstr(r.body, "Jamais écrit"));
    reply_free(&r);
    /* The next commit goes through. */
    http(other, "POST", "/v1/offers", org_a, body, &r);
    CHECK_INT(r.status, 201);
    reply_free(&r);
    http(other, "POST", "/v1/match", NULL,
         "{\"profile\":{\"skills\":[{\"uri\":\"" S(02) "\"}]},\"limit\":200}", &r);
    CHECK(r.body && strstr(r.body, "Jamais écrit"));
    reply_free(&r);
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
}

/* Every message the suite's requests were answered with had its French text (the server says
 * in its log when one had not: api/http.c). Runs last. */
static void every_message_had_french(void)
{
    char cmd[512], text[4096];
    snprintf(cmd, sizeof cmd, "grep -h 'no French text' %s/*.log 2>/dev/null | sort -u | head -20",
             pg_dir);
    run_capture(cmd, text, sizeof text);
    if (text[0])
        fprintf(stderr, "%s", text);
    CHECK(!text[0]);
}

/* The pages (issue 24): served from the binary with their type, ETag, gzip and a CSP without
 * inline code; a 304 for a copy the client holds. */
static void pages_are_served_with_their_headers(void)
{
    reply r;
    char v[512];
    http_request(port, "GET", "/", NULL, "Accept-Encoding: gzip\r\n", NULL, 0, &r);
    CHECK_INT(r.status, 200);
    CHECK_HAS(header_value(&r, "Content-Type", v, sizeof v), "text/html");
    CHECK_STR(header_value(&r, "Content-Encoding", v, sizeof v), "gzip");
    CHECK_HAS(header_value(&r, "Content-Security-Policy", v, sizeof v), "script-src 'self'");
    CHECK(!strstr(v, "unsafe-inline"));
    char etag[64];
    header_value(&r, "ETag", etag, sizeof etag);
    CHECK(etag[0] == '"');
    reply_free(&r);
    char inm[128];
    snprintf(inm, sizeof inm, "If-None-Match: %s\r\n", etag);
    http_request(port, "GET", "/", NULL, inm, NULL, 0, &r);
    CHECK_INT(r.status, 304);
    reply_free(&r);
    http(port, "GET", "/static/app.js", NULL, NULL, &r);
    CHECK_INT(r.status, 200);
    CHECK_HAS(header_value(&r, "Content-Type", v, sizeof v), "text/javascript");
    CHECK_HAS(r.body, "use strict");
    reply_free(&r);
    CHECK_INT(status_of("GET", "/static/index.html", NULL, NULL), 404);
    CHECK_INT(status_of("GET", "/static/nothing.js", NULL, NULL), 404);
    CHECK_INT(status_of("GET", "/organisation", NULL, NULL), 200);
    CHECK_INT(status_of("GET", "/formation", NULL, NULL), 200);
    CHECK_INT(status_of("GET", "/sources", NULL, NULL), 200);
}

/* A key kept for the pages: an HttpOnly, SameSite=Strict cookie the API takes only from the
 * service's own pages (matching Origin, or a same-origin GET); never shown back. */
static void pages_keep_keys_in_a_cookie_from_their_own_origin(void)
{
    reply r;
    char v[512], body[160], cookie[200], hdr[400];
    snprintf(body, sizeof body, "{\"key\":\"%s\"}", org_a);
    http_request(port, "POST", "/v1/session", NULL, "Origin: http://evil.example\r\n", body,
                 strlen(body), &r);
    CHECK_INT(r.status, 403);
    reply_free(&r);
    http_request(port, "POST", "/v1/session", NULL, "Origin: http://localhost\r\n", body,
                 strlen(body), &r);
    CHECK_INT(r.status, 200);
    header_value(&r, "Set-Cookie", v, sizeof v);
    CHECK_HAS(v, "sm_key=");
    CHECK_HAS(v, "HttpOnly");
    CHECK_HAS(v, "SameSite=Strict");
    CHECK_STR(str_at(r.json, "role"), "inclusion_org");
    CHECK(!strstr(r.body, org_a)); /* the key never comes back */
    reply_free(&r);
    snprintf(cookie, sizeof cookie, "Cookie: sm_key=%s\r\n", org_a);
    /* the service's own page: taken; another origin, or a cross-site GET: no key at all */
    snprintf(hdr, sizeof hdr, "%sOrigin: http://localhost\r\n", cookie);
    http_request(port, "GET", "/v1/offers?mine=true", NULL, hdr, NULL, 0, &r);
    CHECK_INT(r.status, 200);
    reply_free(&r);
    snprintf(hdr, sizeof hdr, "%sSec-Fetch-Site: same-origin\r\n", cookie);
    http_request(port, "GET", "/v1/offers?mine=true", NULL, hdr, NULL, 0, &r);
    CHECK_INT(r.status, 200);
    reply_free(&r);
    snprintf(hdr, sizeof hdr, "%sOrigin: http://evil.example\r\n", cookie);
    http_request(port, "GET", "/v1/offers?mine=true", NULL, hdr, NULL, 0, &r);
    CHECK_INT(r.status, 401);
    reply_free(&r);
    snprintf(hdr, sizeof hdr, "%sSec-Fetch-Site: cross-site\r\n", cookie);
    http_request(port, "GET", "/v1/offers?mine=true", NULL, hdr, NULL, 0, &r);
    CHECK_INT(r.status, 401);
    reply_free(&r);
    /* a person remembered at creation: the key in the cookie only, a recovery code to print */
    const char *profile = "{\"skills\":[{\"uri\":\"" S(02) "\"}],\"consent\":{}}";
    http_request(port, "POST", "/v1/profiles", NULL,
                 "Origin: http://localhost\r\nSkillmatch-Remember: cookie\r\n", profile,
                 strlen(profile), &r);
    CHECK_INT(r.status, 201);
    CHECK(str_at(r.json, "seeker_key") == NULL);
    char code[128], pid[64], path[128];
    snprintf(code, sizeof code, "%s",
             str_at(r.json, "recovery_code") ? str_at(r.json, "recovery_code") : "");
    snprintf(pid, sizeof pid, "%s", str_at(r.json, "id") ? str_at(r.json, "id") : "");
    header_value(&r, "Set-Cookie", v, sizeof v);
    CHECK_HAS(v, "sm_key=");
    CHECK(!strstr(v, code));
    reply_free(&r);
    snprintf(path, sizeof path, "/v1/profiles/%s", pid);
    CHECK_INT(status_of("GET", path, code, NULL), 200); /* the code works on another device */
    CHECK_INT(status_of("DELETE", path, code, NULL), 204);
    http_request(port, "DELETE", "/v1/session", NULL, "Origin: http://localhost\r\n", NULL, 0, &r);
    CHECK_INT(r.status, 204);
    CHECK_HAS(header_value(&r, "Set-Cookie", v, sizeof v), "Max-Age=0");
    reply_free(&r);
}

int main(int argc, char **argv)
{
    setenv("SKILLMATCH_DEMAND_SNAPSHOT_S", "1", 1); /* the demand history test's week */
    static const sm_test tests[] = {
        T(service_routes),
        T(pages_are_served_with_their_headers),
        T(pages_keep_keys_in_a_cookie_from_their_own_origin),
        T(openapi_matches_routes),
        T(stored_taxonomy_equals_files),
        T(offers_crud_and_roles),
        T(offer_list_pages),
        T(trainings),
        T(extraction_and_job_posting),
        T(error_classes),
        T(what_people_send),
        T(patch_versions_and_advice),
        T(taxonomy_routes),
        T(profiles_and_roles),
        T(match_filters_and_explanations),
        T(idempotency),
        T(change_feed),
        T(key_revocation),
        T(route_role_matrix),
        T(rate_limits),
        T(reload_and_restart),
        T(refuses_unmigrated_database),
        T(refuses_unsafe_database_and_bad_cli_use),
        T(failed_commit_changes_nothing),
        T(connection_limits),
        T(gaps_and_training_paths),
        T(demand_and_near_candidates),
        T(every_message_had_french),
    };
    return e2e_main("test_api", NULL, tests, sizeof tests / sizeof *tests, argc, argv);
}
