/*
 * test_towns.c: places as people name them (issue 22), end to end on the shipped fixture of
 * communes (tests/fixtures/communes.csv, imported by the harness): towns, postcodes, INSEE
 * codes in every location; the answer's echo; ambiguous names with their choices; the
 * autocomplete route. And jobs as people name them (issue 23), on the shipped ROME fixture
 * (tests/fixtures/rome): a person's journey from "caissière" and "Roubaix" to jobs, gaps and
 * a training path; an organisation's France Travail offer finding that person.
 */
#include "tests/e2e/harness.h"

#define SKILL "urn:skillmatch:skill:smartphone-use"
#define MERGE "Content-Type: application/merge-patch+json\r\n"

static json_t *location_of(json_t *answer)
{
    return json_object_get(answer, "location");
}

/* The titles of an inline match's results for a profile at loc within radius km. */
static int match_finds(const char *loc, int radius, const char *title)
{
    char body[512];
    snprintf(body, sizeof body,
             "{\"profile\":{\"skills\":[{\"uri\":\"" SKILL "\"}],\"location\":%s,"
             "\"radius_km\":%d},\"limit\":50}",
             loc, radius);
    reply r;
    http(port, "POST", "/v1/match", NULL, body, &r);
    int found = r.status == 200 && r.body && strstr(r.body, title) != NULL;
    if (r.status != 200)
        fprintf(stderr, "    match: %d %s\n", r.status, r.body);
    reply_free(&r);
    return found;
}

/* A person in Roubaix within 15 km sees an offer posted at postcode 59200 (Tourcoing, 4 km
 * away), not one posted in Marseille; the offer's answer says which commune it resolved. */
static void a_town_finds_offers_nearby(void)
{
    char near[40], far[40];
    reply r;
    http(port, "POST", "/v1/offers", org_a,
         "{\"kind\":\"job\",\"title\":\"Agent d'accueil à Tourcoing\",\"skills\":[{\"uri\":\"" SKILL
         "\"}],\"location\":{\"postcode\":\"59200\"}}",
         &r);
    CHECK_INT(r.status, 201);
    json_t *loc = location_of(r.json);
    CHECK_STR(str_at(loc, "name"), "Tourcoing");
    CHECK_STR(str_at(loc, "insee"), "59599");
    CHECK_STR(str_at(loc, "postcode"), "59200");
    CHECK(json_number_value(json_object_get(loc, "lat")) > 50.7);
    snprintf(near, sizeof near, "%s", str_at(r.json, "id") ? str_at(r.json, "id") : "");
    reply_free(&r);
    CHECK_INT(create_offer(org_a,
                           "{\"kind\":\"job\",\"title\":\"Agent d'accueil à Marseille\","
                           "\"skills\":[{\"uri\":\"" SKILL "\"}],\"location\":{\"place\":"
                           "\"Marseille\"}}",
                           far),
              201);
    CHECK(match_finds("{\"place\":\"Roubaix\"}", 15, "Tourcoing"));
    /* The answer says which commune the town named. */
    http(port, "POST", "/v1/match", NULL,
         "{\"profile\":{\"skills\":[{\"uri\":\"" SKILL "\"}],\"location\":{\"place\":\"st "
         "etienne\"}}}",
         &r);
    CHECK_INT(r.status, 200);
    CHECK_STR(str_at(json_object_get(r.json, "place"), "insee"), "42218");
    reply_free(&r);
    CHECK(!match_finds("{\"place\":\"Roubaix\"}", 15, "Marseille"));
    CHECK(match_finds("{\"postcode\":\"13008\"}", 15, "Marseille"));
    /* A stored profile in Roubaix, matched by its id. */
    char id[40] = "", key[64] = "";
    CHECK_INT(create_profile(org_a,
                             "{\"skills\":[{\"uri\":\"" SKILL "\"}],\"location\":{\"place\":"
                             "\"roubaix\"},\"radius_km\":15}",
                             id, key),
              201);
    char body[128];
    snprintf(body, sizeof body, "{\"profile_id\":\"%s\",\"limit\":50}", id);
    http(port, "POST", "/v1/match", key, body, &r);
    CHECK_INT(r.status, 200);
    CHECK_HAS(r.body, "Tourcoing");
    CHECK(r.body && !strstr(r.body, "à Marseille"));
    reply_free(&r);
    char path[96];
    snprintf(path, sizeof path, "/v1/offers/%s", near);
    CHECK_INT(status_of("DELETE", path, org_a, NULL), 204);
    snprintf(path, sizeof path, "/v1/offers/%s", far);
    CHECK_INT(status_of("DELETE", path, org_a, NULL), 204);
    snprintf(path, sizeof path, "/v1/profiles/%s", id);
    CHECK_INT(status_of("DELETE", path, key, NULL), 204);
}

/* Each way of naming a place, its echo, and what is refused (with the field, in French). */
static void places_are_named_as_people_write_them(void)
{
    static const struct {
        const char *loc, *insee;
    } good[] = {
        {"{\"place\":\"Saint-Denis\",\"departement\":\"93\"}", "93066"},
        {"{\"place\":\"Saint-Denis (974)\"}", "97411"},
        {"{\"place\":\"St Étienne\"}", "42218"},
        {"{\"place\":\"VILLENEUVE D'ASCQ\"}", "59009"},
        {"{\"place\":\"Lyon 3e\"}", "69383"},
        {"{\"place\":\"Paris 11\"}", "75111"},
        {"{\"postcode\":\"75011\"}", "75111"},
        {"{\"postcode\":\"13008\"}", "13208"},
        {"{\"insee\":\"2A004\"}", "2A004"},
        {"{\"place\":\"Alo\"}", "98611"},
        {"{\"insee\":\"59512\",\"postcode\":\"59100\",\"place\":\"Roubaix\"}", "59512"},
    };
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        char body[512];
        snprintf(body, sizeof body, "{\"skills\":[{\"uri\":\"" SKILL "\"}],\"location\":%s}",
                 good[i].loc);
        reply r;
        http(port, "POST", "/v1/profiles", org_a, body, &r);
        CHECK_INT(r.status, 201);
        if (r.status != 201)
            fprintf(stderr, "    %s: %s\n", good[i].loc, r.body);
        CHECK_STR(str_at(location_of(r.json), "insee"), good[i].insee);
        reply_free(&r);
    }
    /* A shared postcode: its most populous commune, the others as alternatives. */
    reply r;
    http(port, "POST", "/v1/profiles", org_a,
         "{\"skills\":[{\"uri\":\"" SKILL "\"}],\"location\":{\"postcode\":\"01400\"}}", &r);
    CHECK_INT(r.status, 201);
    json_t *loc = location_of(r.json);
    CHECK_STR(str_at(loc, "name"), "Châtillon-sur-Chalaronne");
    CHECK_INT(json_array_size(json_object_get(loc, "alternatives")), 2);
    char id[40], path[96];
    snprintf(id, sizeof id, "%s", str_at(r.json, "id") ? str_at(r.json, "id") : "");
    /* What was answered can be sent back as it is (a PUT of the answer's fields). */
    json_t *doc = json_pack("{s:[{s:s}], s:O}", "skills", "uri", SKILL, "location", loc);
    char *text = json_dumps(doc, JSON_COMPACT);
    reply_free(&r);
    snprintf(path, sizeof path, "/v1/profiles/%s", id);
    http(port, "PUT", path, org_a, text, &r);
    CHECK_INT(r.status, 200);
    if (r.status != 200)
        fprintf(stderr, "    PUT: %s\n", r.body);
    reply_free(&r);
    free(text);
    json_decref(doc);
    /* A PATCH names a new place: the location is replaced whole. */
    const char *move = "{\"location\":{\"place\":\"Tourcoing\"}}";
    http_request(port, "PATCH", path, org_a, MERGE, move, strlen(move), &r);
    CHECK_INT(r.status, 200);
    CHECK_STR(str_at(location_of(r.json), "insee"), "59599");
    CHECK(!json_object_get(location_of(r.json), "alternatives"));
    reply_free(&r);
    /* Refused, naming the field. */
    static const struct {
        const char *loc, *field, *says;
    } bad[] = {
        {"{\"place\":\"Saint-Denis\"}", "location.place", "3 communes"},
        {"{\"place\":\"Nulle-Part-Sur-Mer\"}", "location.place", "aucune commune"},
        {"{\"place\":\"Roubaix\",\"departement\":\"13\"}", "location.place", "département"},
        {"{\"postcode\":\"99999\"}", "location.postcode", "code postal"},
        {"{\"postcode\":\"591\"}", "location.postcode", "5"},
        {"{\"insee\":\"00000\"}", "location.insee", "INSEE"},
        {"{\"insee\":\"59512\",\"postcode\":\"59200\"}", "location.postcode", "INSEE"},
        {"{\"place\":\"Roubaix\",\"lat\":43.3,\"lon\":5.4}", "location", "lieu"},
        {"{\"place\":\"La Terre-Adélie\"}", "location", "La Terre-Adélie"},
        {"{\"place\":\"Roubaix\",\"name\":\"Lille\"}", "location.name", "serveur"},
        {"{\"departement\":\"59\"}", "location", "departement"},
        {"{\"ville\":\"Roubaix\"}", "location.ville", "lieu"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char body[512];
        snprintf(body, sizeof body, "{\"skills\":[{\"uri\":\"" SKILL "\"}],\"location\":%s}",
                 bad[i].loc);
        http(port, "POST", "/v1/profiles", org_a, body, &r);
        CHECK_INT(r.status, 400);
        json_t *e = json_array_get(json_object_get(r.json, "errors"), 0);
        CHECK_STR(str_at(e, "field"), bad[i].field);
        CHECK_HAS(str_at(e, "reason"), bad[i].says);
        if (i == 0) { /* the choices of an ambiguous name */
            json_t *choices = json_object_get(e, "choices");
            CHECK_INT(json_array_size(choices), 3);
            CHECK_STR(str_at(json_array_get(choices, 0), "departement"), "974");
        }
        reply_free(&r);
    }
    CHECK_INT(status_of("DELETE", path, org_a, NULL), 204);
}

/* A schema.org JobPosting placed by its address: the postcode's commune, the locality shown. */
static void job_postings_are_placed_by_address(void)
{
    reply r;
    http(port, "POST", "/v1/offers", org_a,
         "{\"@context\":\"https://schema.org\",\"@type\":\"JobPosting\",\"title\":\"Agent "
         "polyvalent\",\"skills\":[{\"@type\":\"DefinedTerm\",\"name\":\"utiliser un "
         "smartphone\"}],\"jobLocation\":{\"@type\":\"Place\",\"address\":{\"@type\":"
         "\"PostalAddress\",\"postalCode\":\"59200\",\"addressLocality\":\"Tourcoing "
         "Centre\"}}}",
         &r);
    CHECK_INT(r.status, 201);
    if (r.status != 201)
        fprintf(stderr, "    %s\n", r.body);
    CHECK_STR(str_at(location_of(r.json), "insee"), "59599");
    CHECK_STR(str_at(location_of(r.json), "label"), "Tourcoing Centre");
    reply_free(&r);
    http(port, "POST", "/v1/offers", org_a,
         "{\"@context\":\"https://schema.org\",\"@type\":\"JobPosting\",\"title\":\"Agent\","
         "\"skills\":[{\"@type\":\"DefinedTerm\",\"name\":\"utiliser un smartphone\"}],"
         "\"jobLocation\":{\"address\":{\"addressLocality\":\"Roubaix\"}}}",
         &r);
    CHECK_INT(r.status, 201);
    CHECK_STR(str_at(location_of(r.json), "insee"), "59512");
    reply_free(&r);
}

/* Skills demand around a commune named as people name it. */
static void demand_is_asked_around_a_town(void)
{
    reply r;
    http(port, "GET", "/v1/demand?place=Roubaix&radius_km=15", tp_key, NULL, &r);
    CHECK_INT(r.status, 200);
    json_t *area = json_object_get(r.json, "area");
    CHECK(json_number_value(json_object_get(area, "lat")) > 50.6);
    reply_free(&r);
    CHECK_INT(status_of("GET", "/v1/demand?postcode=59200", tp_key, NULL), 200);
    CHECK_INT(status_of("GET", "/v1/demand?insee=59512", tp_key, NULL), 200);
    http(port, "GET", "/v1/demand?place=Saint-Denis", tp_key, NULL, &r);
    CHECK_INT(r.status, 400);
    json_t *e = json_array_get(json_object_get(r.json, "errors"), 0);
    CHECK_STR(str_at(e, "field"), "place");
    CHECK_INT(json_array_size(json_object_get(e, "choices")), 3);
    reply_free(&r);
    CHECK_INT(status_of("GET", "/v1/demand?place=Saint-Denis&departement=93", tp_key, NULL), 200);
    CHECK_INT(status_of("GET", "/v1/demand?place=Roubaix&near=50.6,3.1", tp_key, NULL), 400);
    CHECK_INT(status_of("GET", "/v1/demand?postcode=591", tp_key, NULL), 400);
}

/* The inclusion sector's words: employer kinds and contracts added (never renamed), CUI an
 * alias of PEC, labels in both languages. */
static void inclusion_vocabulary(void)
{
    reply r;
    http(port, "GET", "/v1/vocabulary", NULL, NULL, &r);
    CHECK_INT(r.status, 200);
    CHECK_HAS(r.body, "\"code\":\"geiq\"");
    CHECK_HAS(r.body, "\"code\":\"scic\"");
    CHECK_HAS(r.body, "\"code\":\"CDI_inclusion\"");
    CHECK_HAS(r.body, "\"code\":\"adapted_enterprise\"");
    CHECK_HAS(r.body, "groupement d'employeurs"); /* French by default */
    reply_free(&r);
    char id[40];
    CHECK_INT(
        create_offer(org_a,
                     "{\"kind\":\"job\",\"title\":\"Ouvrier GEIQ\",\"skills\":[{\"uri\":\"" SKILL
                     "\"}],\"organisation\":{\"name\":\"GEIQ BTP\",\"kind\":\"geiq\"},"
                     "\"contract\":{\"type\":\"CUI\"},\"location\":{\"place\":\"Lille\"}}",
                     id),
        201);
    static const char *const filters[] = {"{\"contract_types\":[\"PEC\"]}",
                                          "{\"contract_types\":[\"CUI\"]}",
                                          "{\"organisation_kinds\":[\"geiq\"]}"};
    for (size_t i = 0; i < 3; i++) {
        char body[512];
        snprintf(body, sizeof body,
                 "{\"profile\":{\"skills\":[{\"uri\":\"" SKILL "\"}],\"location\":{\"place\":"
                 "\"Lille\"}},\"filters\":%s,\"limit\":50}",
                 filters[i]);
        http(port, "POST", "/v1/match", NULL, body, &r);
        CHECK_INT(r.status, 200);
        CHECK_HAS(r.body, "Ouvrier GEIQ");
        reply_free(&r);
    }
    http(port, "POST", "/v1/offers", org_a,
         "{\"kind\":\"job\",\"title\":\"X\",\"skills\":[{\"uri\":\"" SKILL "\"}],"
         "\"organisation\":{\"kind\":\"entreprise\"}}",
         &r);
    CHECK_INT(r.status, 400);
    CHECK_HAS(r.body, "scic");
    reply_free(&r);
    char path[96];
    snprintf(path, sizeof path, "/v1/offers/%s", id);
    CHECK_INT(status_of("DELETE", path, org_a, NULL), 204);
}

/* An offer reserved to people eligible for the IAE: left out for a person who says they are
 * not, shown otherwise; searches can ask for them only, or for none of them. */
static void iae_reserved_offers(void)
{
    char id[40];
    CHECK_INT(create_offer(org_a,
                           "{\"kind\":\"job\",\"title\":\"Poste réservé IAE\",\"skills\":[{"
                           "\"uri\":\"" SKILL "\"}],\"reserved_to_iae_eligible\":true,"
                           "\"location\":{\"place\":\"Roubaix\"}}",
                           id),
              201);
    static const struct {
        const char *profile_extra, *filters;
        int shown;
    } cases[] = {
        {"", "", 1},
        {",\"iae_eligible\":true", "", 1},
        {",\"iae_eligible\":false", "", 0},
        {"", ",\"filters\":{\"reserved_to_iae_eligible\":true}", 1},
        {"", ",\"filters\":{\"reserved_to_iae_eligible\":false}", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char body[512];
        snprintf(body, sizeof body,
                 "{\"profile\":{\"skills\":[{\"uri\":\"" SKILL "\"}],\"location\":{\"place\":"
                 "\"Roubaix\"}%s}%s,\"limit\":50}",
                 cases[i].profile_extra, cases[i].filters);
        reply r;
        http(port, "POST", "/v1/match", NULL, body, &r);
        CHECK_INT(r.status, 200);
        CHECK_INT(r.body && strstr(r.body, "Poste réservé IAE") != NULL, cases[i].shown);
        reply_free(&r);
    }
    /* A stored profile states it, then withdraws the statement. */
    char pid[40] = "", key[64] = "", body[160], path[96];
    CHECK_INT(create_profile(org_a,
                             "{\"skills\":[{\"uri\":\"" SKILL "\"}],\"location\":{\"place\":"
                             "\"Roubaix\"},\"iae_eligible\":false}",
                             pid, key),
              201);
    snprintf(body, sizeof body, "{\"profile_id\":\"%s\",\"limit\":50}", pid);
    reply r;
    http(port, "POST", "/v1/match", key, body, &r);
    CHECK(r.body && !strstr(r.body, "Poste réservé IAE"));
    reply_free(&r);
    snprintf(path, sizeof path, "/v1/profiles/%s", pid);
    http_request(port, "PATCH", path, key, MERGE, "{\"iae_eligible\":null}", 21, &r);
    CHECK_INT(r.status, 200);
    CHECK(!json_object_get(r.json, "iae_eligible"));
    reply_free(&r);
    http(port, "POST", "/v1/match", key, body, &r);
    CHECK_HAS(r.body, "Poste réservé IAE");
    reply_free(&r);
    CHECK_INT(status_of("DELETE", path, key, NULL), 204);
    snprintf(path, sizeof path, "/v1/offers/%s", id);
    CHECK_INT(status_of("DELETE", path, org_a, NULL), 204);
}

/* Occupations are found as people type them (issue 23): a feminine form, no accent. */
static void occupations_are_found_as_people_type_them(void)
{
    static const char *const typed[] = {"/v1/occupations?q=caissi%C3%A8re",
                                        "/v1/occupations?q=caissiere", "/v1/occupations?q=CAISS",
                                        "/v1/occupations?q=h%C3%B4tesse%20de%20caisse"};
    for (size_t i = 0; i < sizeof typed / sizeof *typed; i++) {
        reply r;
        http(port, "GET", typed[i], NULL, NULL, &r);
        CHECK_INT(r.status, 200);
        json_t *first = json_array_get(json_object_get(r.json, "items"), 0);
        CHECK_HAS(str_at(first, "uri"), "/occupation/00000000-0000-4000-8000-000000000201");
        CHECK_STR(str_at(first, "type"), "occupation");
        reply_free(&r);
    }
    reply r;
    http(port, "GET", "/v1/occupations?q=caisse", NULL, NULL, &r); /* skills are not occupations */
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(r.json, "items"), i, it)
        CHECK(!strcmp(str_at(it, "type"), "occupation") ||
              !strcmp(str_at(it, "type"), "rome_title"));
    reply_free(&r);
    http(port, "GET", "/v1/occupations", NULL, NULL, &r);
    CHECK_INT(r.status, 400);
    CHECK_HAS(r.body, "métier");
    reply_free(&r);
}

static void places_complete_what_people_type(void)
{
    reply r;
    http(port, "GET", "/v1/places?q=roub", NULL, NULL, &r);
    CHECK_INT(r.status, 200);
    json_t *first = json_array_get(json_object_get(r.json, "items"), 0);
    CHECK_STR(str_at(first, "name"), "Roubaix");
    CHECK_STR(json_string_value(json_array_get(json_object_get(first, "postcodes"), 0)), "59100");
    reply_free(&r);
    http(port, "GET", "/v1/places?q=saint&limit=2", NULL, NULL, &r);
    CHECK_INT(json_array_size(json_object_get(r.json, "items")), 2);
    CHECK_STR(str_at(json_array_get(json_object_get(r.json, "items"), 0), "name"), "Saint-Étienne");
    reply_free(&r);
    http(port, "GET", "/v1/places?q=590", NULL, NULL, &r);
    CHECK(json_array_size(json_object_get(r.json, "items")) >= 1);
    reply_free(&r);
    CHECK_INT(status_of("GET", "/v1/places", NULL, NULL), 400);
    CHECK_INT(status_of("GET", "/v1/places?q=a&limit=500", NULL, NULL), 400);
}

#define ESCO_SKILL(n) "http://data.europa.eu/esco/skill/00000000-0000-4000-8000-0000000000" #n
#define CASHIER "http://data.europa.eu/esco/occupation/00000000-0000-4000-8000-000000000201"

/* Whether claims (a suggestion's) hold skill uri; its claim in *out. */
static int has_claim(json_t *claims, const char *uri, json_t **out)
{
    size_t i;
    json_t *c;
    json_array_foreach(claims, i, c) {
        if (!strcmp(str_at(c, "uri"), uri)) {
            if (out)
                *out = c;
            return 1;
        }
    }
    return 0;
}

/* The requirement of uri among a match result's list (matched or missing), or NULL. */
static json_t *requirement(json_t *result, const char *list, const char *uri)
{
    size_t i;
    json_t *q;
    json_array_foreach(json_object_get(result, list), i, q) {
        if (!strcmp(str_at(q, "uri"), uri))
            return q;
    }
    return NULL;
}

/* Issue 23's acceptance, played as the person and the organisation would. */
static void a_cashier_from_roubaix_finds_work(void)
{
    reply r;
    /* Offers first: a cash desk job in Tourcoing that also asks for word processing, one in
     * Marseille, and a training in Lille that teaches word processing. */
    char near[40], far[40], training[40];
    CHECK_INT(
        create_offer(
            org_a,
            "{\"kind\":\"job\",\"title\":\"Hôte de caisse, supérette solidaire\","
            "\"skills\":[{\"uri\":\"" ESCO_SKILL(02) "\"},{\"uri\":\"" ESCO_SKILL(
                07) "\"},{\"uri\":\"" ESCO_SKILL(05) "\"}],"
                                                     "\"location\":{\"place\":\"Tourcoing\"}}",
            near),
        201);
    CHECK_INT(create_offer(org_a,
                           "{\"kind\":\"job\",\"title\":\"Hôte de caisse à Marseille\","
                           "\"skills\":[{\"uri\":\"" ESCO_SKILL(
                               02) "\"}],"
                                   "\"location\":{\"place\":\"Marseille\"}}",
                           far),
              201);
    CHECK_INT(
        create_offer(tp_key,
                     "{\"kind\":\"training\",\"title\":\"Bureautique pour tous\","
                     "\"teaches\":[{\"uri\":\"" ESCO_SKILL(
                         05) "\"}],\"duration_hours\":35,"
                             "\"cost\":0,\"funding\":[\"region\"],\"start_dates\":[\"2027-03-01\"],"
                             "\"location\":{\"place\":\"Lille\"}}",
                     training),
        201);

    /* 1. She types "caissière": the ROME title Caissier / Caissière, carried to the ESCO
     * occupation with the crosswalk's relation. */
    http(port, "GET", "/v1/occupations?q=caissi%C3%A8re&lang=fr", NULL, NULL, &r);
    CHECK_INT(r.status, 200);
    json_t *title = NULL, *it;
    size_t i;
    json_array_foreach(json_object_get(r.json, "items"), i, it) {
        if (!strcmp(str_at(it, "type"), "rome_title") && !strcmp(str_at(it, "id"), "ogr:90001"))
            title = it;
    }
    CHECK(title != NULL);
    json_t *occ = json_array_get(json_object_get(title, "occupations"), 0);
    CHECK_STR(str_at(occ, "uri"), CASHIER);
    CHECK_STR(str_at(occ, "relation"), "close");
    CHECK_STR(str_at(json_object_get(title, "rome"), "code"), "D1505");
    reply_free(&r);
    /* The job's page: its code, ESCO occupation, skills and mobility. */
    http(port, "GET", "/v1/occupations/ogr:90001?lang=fr", NULL, NULL, &r);
    CHECK_INT(r.status, 200);
    CHECK_INT(json_array_size(json_object_get(json_object_get(r.json, "skills"), "essential")), 3);
    CHECK_STR(str_at(json_array_get(json_object_get(r.json, "mobility"), 0), "id"), "rome:D1507");
    reply_free(&r);
    http(port, "GET", "/v1/occupations/rome:D1505", NULL, NULL, &r);
    CHECK_INT(r.status, 200);
    CHECK_HAS(str_at(r.json, "definition"), "encaisse");
    reply_free(&r);
    CHECK_INT(status_of("GET", "/v1/occupations/rome:Z9999", NULL, NULL), 404);

    /* 2. She types "Roubaix". */
    http(port, "GET", "/v1/places?q=Roubaix", NULL, NULL, &r);
    CHECK_STR(str_at(json_array_get(json_object_get(r.json, "items"), 0), "insee"), "59512");
    reply_free(&r);

    /* 3. Five years as a cashier: the occupation's essential skills and, from two years on,
     * its optional ones, each naming the job it came from. One year: essential ones only. */
    http(port, "POST", "/v1/profiles/suggest", NULL,
         "{\"experience\":[{\"appellation\":\"90001\",\"years\":5}],\"lang\":\"fr\"}", &r);
    CHECK_INT(r.status, 200);
    json_t *claims = json_object_get(r.json, "claims"), *c = NULL;
    CHECK_INT(json_array_size(claims), 6);
    CHECK(has_claim(claims, ESCO_SKILL(02), &c));
    CHECK(c && json_is_true(json_object_get(c, "essential")));
    CHECK_STR(str_at(c, "evidence"), "from_experience");
    json_t *src = json_object_get(c, "source");
    CHECK_STR(str_at(json_object_get(src, "job"), "id"), "ogr:90001");
    CHECK_STR(str_at(src, "via"), "occupation");
    CHECK_STR(str_at(json_object_get(src, "through"), "uri"), CASHIER);
    CHECK(has_claim(claims, ESCO_SKILL(08), NULL)); /* optional: five years */
    /* She confirms all but "faire preuve d'initiative". */
    json_t *confirmed = json_array();
    json_array_foreach(claims, i, c) {
        if (strcmp(str_at(c, "uri"), ESCO_SKILL(11)))
            json_array_append(confirmed, c);
    }
    reply_free(&r);
    http(port, "POST", "/v1/profiles/suggest", NULL,
         "{\"experience\":[{\"appellation\":\"90001\",\"years\":1}]}", &r);
    CHECK_INT(json_array_size(json_object_get(r.json, "claims")), 3);
    reply_free(&r);
    /* A title the crosswalk does not map: its code's ROME skills, read by the extractor. */
    http(port, "POST", "/v1/profiles/suggest", NULL,
         "{\"experience\":[{\"appellation\":\"90011\",\"years\":3}]}", &r);
    CHECK_INT(r.status, 200);
    c = NULL;
    CHECK(has_claim(json_object_get(r.json, "claims"), ESCO_SKILL(08), &c));
    CHECK_STR(str_at(json_object_get(c, "source"), "via"), "rome_skill");
    CHECK_STR(str_at(json_object_get(json_object_get(c, "source"), "through"), "rome_skill"),
              "Réapprovisionner les rayons");
    reply_free(&r);
    CHECK_INT(
        status_of("POST", "/v1/profiles/suggest", NULL, "{\"experience\":[{\"rome\":\"Z9999\"}]}"),
        400);

    /* 4. Her profile: the confirmed skills, the job, Roubaix, 15 km. */
    json_t *body = json_pack("{s:o, s:[{s:s, s:i}], s:{s:s}, s:i, s:{s:b, s:b}, s:s}", "skills",
                             confirmed, "experience", "appellation", "90001", "years", 5,
                             "location", "insee", "59512", "radius_km", 15, "consent",
                             "visible_to_organisations", 1, "share_contact", 1, "lang", "fr");
    char *text = json_dumps(body, 0);
    json_decref(body);
    char pid[40] = "", seeker[64] = "";
    CHECK_INT(create_profile(NULL, text, pid, seeker), 201);
    free(text);
    char path[160];
    snprintf(path, sizeof path, "/v1/profiles/%s", pid);
    http(port, "GET", path, seeker, NULL, &r);
    json_t *stored = json_array_get(json_object_get(r.json, "skills"), 0);
    CHECK_STR(str_at(stored, "evidence"), "from_experience");
    CHECK_STR(str_at(stored, "from"), "ogr:90001");
    CHECK_STR(str_at(json_array_get(json_object_get(r.json, "experience"), 0), "id"), "ogr:90001");
    reply_free(&r);

    /* 5. Her jobs within 15 km: Tourcoing, not Marseille, with a true explanation. */
    char q[256];
    snprintf(q, sizeof q, "{\"profile_id\":\"%s\",\"lang\":\"fr\"}", pid);
    http(port, "POST", "/v1/match", seeker, q, &r);
    CHECK_INT(r.status, 200);
    json_t *mine = NULL, *res;
    json_array_foreach(json_object_get(r.json, "results"), i, res) {
        CHECK(strcmp(str_at(res, "offer_id"), far) != 0);
        if (!strcmp(str_at(res, "offer_id"), near))
            mine = res;
    }
    CHECK(mine != NULL);
    CHECK(requirement(mine, "matched", ESCO_SKILL(02)) != NULL);
    CHECK(requirement(mine, "matched", ESCO_SKILL(07)) != NULL);
    json_t *gap = requirement(mine, "missing", ESCO_SKILL(05));
    CHECK(gap != NULL);
    CHECK_STR(str_at(gap, "status"), "missing");
    CHECK_HAS(str_at(mine, "justification"), "traitement de texte");
    reply_free(&r);
    /* Gaps and the training path to it. */
    snprintf(q, sizeof q,
             "{\"profile_id\":\"%s\",\"target\":{\"offer_id\":\"%s\"},\"lang\":\"fr\"}", pid, near);
    http(port, "POST", "/v1/gaps", seeker, q, &r);
    CHECK_INT(r.status, 200);
    CHECK_HAS(r.body, ESCO_SKILL(05));
    reply_free(&r);
    http(port, "POST", "/v1/paths", seeker, q, &r);
    CHECK_INT(r.status, 200);
    CHECK_HAS(r.body, training);
    reply_free(&r);

    /* 6. An organisation posts a France Travail offer in Tourcoing and finds her. */
    char ft[40] = "";
    CHECK_INT(
        create_offer(
            org_b,
            "{\"id\":\"179ABCD\",\"intitule\":\"Caissier / Caissière (H/F)\","
            "\"description\":\"Accueil des clients et tenue de caisse.\",\"romeCode\":\"D1505\","
            "\"appellationlibelle\":\"Caissier / Caissière\",\"lieuTravail\":{\"libelle\":\"59 - "
            "TOURCOING\",\"commune\":\"59599\",\"codePostal\":\"59200\"},\"typeContrat\":\"CDD\","
            "\"dureeTravailLibelle\":\"24H Travail en journée\",\"competences\":[{\"code\":"
            "\"80002\",\"libelle\":\"Tenir la caisse\",\"exigence\":\"E\"},{\"code\":\"80001\","
            "\"libelle\":\"Encaisser le montant d'une vente\",\"exigence\":\"E\"},{\"libelle\":"
            "\"Piloter un drone\",\"exigence\":\"S\"}],\"formations\":[{\"niveauLibelle\":\"CAP\","
            "\"exigence\":\"S\"}]}",
            ft),
        201);
    snprintf(path, sizeof path, "/v1/offers/%s", ft);
    http(port, "GET", path, NULL, NULL, &r);
    CHECK_STR(str_at(r.json, "rome"), "D1505");
    CHECK_STR(str_at(r.json, "appellation"), "90001");
    CHECK_STR(str_at(r.json, "occupation"), CASHIER);
    CHECK_STR(str_at(json_object_get(r.json, "location"), "name"), "Tourcoing");
    CHECK_STR(str_at(json_object_get(r.json, "contract"), "type"), "CDD");
    CHECK_INT(json_array_size(json_object_get(r.json, "skills")), 2);
    CHECK_HAS(r.body, "Piloter un drone"); /* kept, not dropped */
    reply_free(&r);
    snprintf(path, sizeof path, "/v1/offers/%s/candidates", ft);
    http(port, "GET", path, org_b, NULL, &r);
    CHECK_INT(r.status, 200);
    CHECK_HAS(r.body, pid);
    reply_free(&r);
    /* Offers of a ROME code. */
    http(port, "GET", "/v1/offers?rome=d1505", NULL, NULL, &r);
    CHECK_INT(r.status, 200);
    CHECK_INT(json_integer_value(json_object_get(r.json, "total")), 1);
    CHECK_STR(str_at(json_array_get(json_object_get(r.json, "items"), 0), "id"), ft);
    reply_free(&r);
    CHECK_INT(status_of("GET", "/v1/offers?rome=Z9999", NULL, NULL), 400);
}

/* An offer named by its job alone: the job's essential skills, marked with where they came
 * from; a batch of offers, one status each. */
static void offers_named_by_job_and_batches(void)
{
    reply r;
    http(port, "POST", "/v1/offers", org_a,
         "{\"kind\":\"job\",\"title\":\"Employé de libre-service\",\"rome\":\"D1507\","
         "\"location\":{\"place\":\"Lille\"}}",
         &r);
    CHECK_INT(r.status, 201);
    json_t *s0 = json_array_get(json_object_get(r.json, "skills"), 0);
    CHECK_STR(str_at(s0, "from"), "rome:D1507");
    CHECK_STR(str_at(r.json, "occupation"),
              "http://data.europa.eu/esco/occupation/00000000-0000-4000-8000-000000000203");
    reply_free(&r);
    CHECK_INT(status_of("POST", "/v1/offers", org_a,
                        "{\"kind\":\"job\",\"title\":\"x\",\"rome\":\"D1505\",\"appellation\":"
                        "\"90020\"}"),
              400); /* a title of another code */
    http(port, "POST", "/v1/offers/batch", org_a,
         "[{\"kind\":\"job\",\"title\":\"Lot 1\",\"appellation\":\"90020\",\"location\":{"
         "\"place\":\"Lille\"}},{\"kind\":\"job\",\"title\":\"Lot 2\"},"
         "{\"intitule\":\"Lot 3\",\"romeCode\":\"D1505\",\"lieuTravail\":{\"commune\":\"59512\"},"
         "\"competences\":[{\"code\":\"80002\",\"libelle\":\"Tenir la caisse\",\"exigence\":"
         "\"E\"}]}]",
         &r);
    CHECK_INT(r.status, 200);
    CHECK_INT(json_integer_value(json_object_get(r.json, "created")), 2);
    CHECK_INT(json_integer_value(json_object_get(r.json, "failed")), 1);
    json_t *items = json_object_get(r.json, "items");
    CHECK_INT(json_integer_value(json_object_get(json_array_get(items, 0), "status")), 201);
    CHECK_INT(json_integer_value(json_object_get(json_array_get(items, 1), "status")), 400);
    char *problem = json_dumps(json_object_get(json_array_get(items, 1), "problem"), 0);
    CHECK_HAS(problem ? problem : "", "skills");
    free(problem);
    reply_free(&r);
    CHECK_INT(status_of("POST", "/v1/offers/batch", NULL, "[]"), 401);
    CHECK_INT(status_of("POST", "/v1/offers/batch", org_a, "{}"), 400);
}

int main(int argc, char **argv)
{
    static const sm_test tests[] = {
        T(a_town_finds_offers_nearby),
        T(places_are_named_as_people_write_them),
        T(job_postings_are_placed_by_address),
        T(demand_is_asked_around_a_town),
        T(inclusion_vocabulary),
        T(iae_reserved_offers),
        T(places_complete_what_people_type),
        T(occupations_are_found_as_people_type_them),
        T(a_cashier_from_roubaix_finds_work),
        T(offers_named_by_job_and_batches),
    };
    return e2e_main("test_towns", NULL, tests, sizeof tests / sizeof *tests, argc, argv);
}
