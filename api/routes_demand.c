/*
 * routes_demand.c: GET /v1/demand (the skills most asked for and least
 * supplied in an area) and GET /v1/demand/history (a skill's weeks), for
 * training providers, inclusion organisations and admins. Counts of people
 * are published per grid cell (matcher.h: below 5 a cell counts 0, above it
 * is rounded down to a multiple of 5) and an area's are sums of its cells';
 * a sum of 0 is shown as null ("fewer than 5 in each cell"). The area is the
 * cells the answer names. api/README.md, "Privacy", says what this resists.
 */
#include "api/routes.h"
#include "sql/demand.h"
#include "taxonomy/base/alloc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SM_SUPPRESS_BELOW SM_DEMAND_MIN_PEOPLE
#define HISTORY_WEEKS 26
#define MAX_CELLS_SHOWN 4096

static const unsigned demand_roles = SM_ROLEBIT(SM_ROLE_ADMIN) | SM_ROLEBIT(SM_ROLE_INCLUSION_ORG) |
                                     SM_ROLEBIT(SM_ROLE_TRAINING_PROVIDER);

/* A count of people as shown, from published counts (already multiples of 5, or 0): null
 * for 0, which stands for "fewer than 5" as well as for none. A count read from elsewhere (the
 * status, stored history) is published here the same way. */
static json_t *people(long long n)
{
    long long shown = n < SM_DEMAND_MIN_PEOPLE ? 0 : n - n % SM_DEMAND_ROUND;
    return shown ? json_integer(shown) : json_null();
}

static const struct {
    const char *name;
    unsigned bit;
} collections[] = {{"digital", SM_COLL_DIGITAL},
                   {"transversal", SM_COLL_TRANSVERSAL},
                   {"language", SM_COLL_LANGUAGE},
                   {"green", SM_COLL_GREEN},
                   {"digcomp", SM_COLL_DIGCOMP}};

int sm_route_demand(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp)
{
    (void)s;
    if (sm_require_role(rq, resp, demand_roles))
        return 0;
    sm_field_errors fe = {0};
    sm_demand_query q = {0, 0, 0, 0, 0, SM_NO_CONCEPT, 20, 0};
    const char *near = sm_req_query(rq, "near");
    if (near) {
        char *end;
        q.lat = strtod(near, &end);
        if (*end == ',')
            q.lon = strtod(end + 1, &end);
        if (*end || end == near || !strchr(near, ','))
            sm_field_error(&fe, "near", "must be lat,lon (e.g. 50.63,3.06)");
        else
            sm_check_point(q.lat, q.lon, "near", &fe);
        q.located = 1;
    }
    /* Or a commune: place= (with departement= when the name is shared), postcode=, insee=. */
    const char *place = sm_req_query(rq, "place"), *postcode = sm_req_query(rq, "postcode"),
               *insee = sm_req_query(rq, "insee"), *dep = sm_req_query(rq, "departement");
    if (!!near + !!place + !!postcode + !!insee > 1)
        sm_field_error(&fe, near ? "near" : "place", "give one of near, place, postcode and insee");
    else if (place || postcode || insee || dep) {
        json_t *loc = json_object(), *wrap = json_object();
        static const char *const names[] = {"place", "postcode", "insee", "departement"};
        const char *values[] = {place, postcode, insee, dep};
        for (size_t i = 0; i < 4; i++)
            if (values[i])
                json_object_set_new(loc, names[i], json_string(values[i]));
        json_object_set_new(wrap, "", loc); /* so that errors name the parameters */
        sm_place_in where;
        if (sm_get_place(wrap, "", "", g->places, &where, &fe)) {
            q.lat = where.lat;
            q.lon = where.lon;
            q.located = 1;
            json_decref(where.doc);
        }
        json_decref(wrap);
    }
    long long radius = sm_query_int(rq, "radius_km", 1, 1000, 30, NULL, &fe);
    q.radius_km = (double)radius;
    if (!q.located && !fe.count && sm_req_query(rq, "radius_km"))
        sm_field_error(&fe, "radius_km", "needs near=lat,lon, place, postcode or insee");
    q.top = (size_t)sm_query_int(rq, "top", 1, 1000, 20, NULL, &fe);
    const char *coll = sm_req_query(rq, "collection");
    if (coll) {
        size_t k = 0;
        while (k < sizeof collections / sizeof *collections && strcmp(collections[k].name, coll))
            k++;
        if (k == sizeof collections / sizeof *collections)
            sm_field_error(&fe, "collection",
                           "must be digital, transversal, language, green or digcomp");
        else
            q.collections = collections[k].bit;
    }
    const char *occ = sm_req_query(rq, "occupation");
    if (occ) {
        q.occupation = sm_gen_concept(g, occ);
        if (q.occupation == SM_NO_CONCEPT ||
            sm_taxonomy_type(g->tx, q.occupation) != SM_CT_OCCUPATION)
            sm_field_error(&fe, "occupation", "not an occupation URI or id of the taxonomy");
    }
    sm_lang lang = sm_req_lang(rq, sm_req_query(rq, "lang"));
    if (fe.count)
        return sm_problem_fields(resp, 400, &fe);
    sm_match_reader *r = sm_gen_reader(g);
    if (!r) {
        return sm_readers_busy(resp);
    }
    sm_error err = {0};
    sm_demand_status st;
    int n = sm_match_demand(r, &q, &st, &err);
    int rc;
    if (n < 0) {
        rc = n == SM_EINVAL ? sm_problem(resp, 400, "%s", err.message) : n;
    } else {
        json_t *rows = json_array();
        for (int i = 0; i < n; i++) {
            const sm_demand_row *d = sm_match_demand_get(r, (size_t)i);
            json_array_append_new(
                rows, json_pack("{s:s,s:s,s:{s:I,s:I},s:o,s:o,s:o,s:I,s:I,s:f}", "uri",
                                sm_taxonomy_uri(g->tx, d->skill), "label",
                                sm_taxonomy_label_any(g->tx, d->skill, lang), "offers", "essential",
                                (json_int_t)d->offers_essential, "optional",
                                (json_int_t)d->offers_optional, "profiles", people(d->profiles),
                                "one_skill_away", people(d->one_away), "two_skills_away",
                                people(d->two_away), "trainings", (json_int_t)d->trainings, "seats",
                                (json_int_t)d->seats, "unmet_demand", round(d->unmet * 100) / 100));
        }
        json_t *area = json_null();
        if (q.located) {
            sm_demand_cell *cells = sm_malloc(MAX_CELLS_SHOWN * sizeof *cells);
            size_t nc = cells ? sm_demand_area_cells(&q, cells, MAX_CELLS_SHOWN) : 0;
            json_t *list = json_array();
            for (size_t i = 0; i < nc && i < MAX_CELLS_SHOWN; i++) {
                char id[32];
                snprintf(id, sizeof id, "%u", cells[i].id);
                json_array_append_new(list, json_pack("{s:s,s:f,s:f,s:f,s:f}", "id", id, "south",
                                                      cells[i].south, "west", cells[i].west,
                                                      "north", cells[i].south + SM_DEMAND_CELL_DEG,
                                                      "east", cells[i].west + SM_DEMAND_CELL_DEG));
            }
            sm_free(cells);
            area = json_pack("{s:f,s:f,s:f,s:o}", "lat", q.lat, "lon", q.lon, "radius_km",
                             q.radius_km, "cells", list);
        }
        rc = sm_resp_json(
            resp, 200,
            json_pack("{s:o,s:o,s:{s:o,s:o,s:b,s:i},s:o}", "area", area, "occupation",
                      q.occupation != SM_NO_CONCEPT ? sm_concept_ref(g, q.occupation, lang)
                                                    : json_null(),
                      "status", "profiles_counted", people((long long)st.profiles),
                      "profiles_evaluated", people((long long)st.evaluated), "complete",
                      st.complete, "suppressed_below", SM_SUPPRESS_BELOW, "skills", rows));
    }
    sm_gen_reader_put(g, r);
    return rc;
}

int sm_route_demand_history(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp)
{
    if (sm_require_role(rq, resp, demand_roles))
        return 0;
    sm_field_errors fe = {0};
    const char *skill = sm_req_query(rq, "skill");
    uint32_t id = skill ? sm_gen_concept(g, skill) : SM_NO_CONCEPT;
    if (!skill)
        sm_field_error(&fe, "skill", "required: a skill URI or id");
    else if (id == SM_NO_CONCEPT || !sm_concept_is_skill(sm_taxonomy_type(g->tx, id)))
        sm_field_error(&fe, "skill", "not a skill URI or id of the taxonomy");
    long long weeks = sm_query_int(rq, "weeks", 1, 520, HISTORY_WEEKS, NULL, &fe);
    if (fe.count)
        return sm_problem_fields(resp, 400, &fe);
    PGconn *c = sm_route_db(s, resp);
    if (!c)
        return 0;
    sm_rows *weeks_read = NULL;
    sm_error err = {0};
    int rc = sm_store_demand_history(c, g->map.cid_of[id], weeks, &weeks_read, &err);
    sm_db_put(s->db, c);
    if (rc != SM_OK)
        return rc == SM_ENOMEM ? rc : sm_db_unavailable(resp, &err);
    json_t *rows = json_array();
    for (size_t i = 0; i < sm_rows_count(weeks_read); i++) {
        sm_demand_week wk = sm_demand_weeks_at(weeks_read, i);
        json_array_append_new(
            rows, json_pack("{s:s,s:{s:I,s:I},s:I,s:I,s:o,s:o,s:o}", "week", wk.week, "offers",
                            "essential", (json_int_t)wk.offers_essential, "optional",
                            (json_int_t)wk.offers_optional, "trainings", (json_int_t)wk.trainings,
                            "seats", (json_int_t)wk.seats, "profiles", people(wk.profiles),
                            "one_skill_away", people(wk.one_away), "two_skills_away",
                            people(wk.two_away)));
    }
    sm_rows_free(weeks_read);
    sm_lang lang = sm_req_lang(rq, NULL);
    return sm_resp_json(resp, 200,
                        json_pack("{s:o,s:I,s:i,s:o}", "skill", sm_concept_ref(g, id, lang),
                                  "weeks", (json_int_t)weeks, "suppressed_below", SM_SUPPRESS_BELOW,
                                  "history", rows));
}

/*
 * POST /v1/test/demand: a test hook, served only when the server runs with
 * SKILLMATCH_TEST_HOOKS=1 (a 404 otherwise, as for any unknown route), and only to an admin
 * key. It does at once what the background does in its own time, and answers when done:
 * counts a load still being counted, re-evaluates every person's one/two-away skills
 * ("sweep": true), and stores the demand as the week of "snapshot_week" (YYYY-MM-DD). The
 * end-to-end privacy test uses it instead of sleeping. Not in the OpenAPI document.
 */
int sm_route_demand_test_hook(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp)
{
    const char *hooks = getenv("SKILLMATCH_TEST_HOOKS");
    if (!hooks || strcmp(hooks, "1") != 0)
        return sm_problem(resp, 404, "no route for %.200s", rq->path);
    if (sm_require_role(rq, resp, SM_ROLEBIT(SM_ROLE_ADMIN)))
        return 0;
    json_t *body = sm_parse_body(rq, resp);
    if (!body)
        return 0;
    sm_field_errors fe = {0};
    static const char *const keys[] = {"sweep", "snapshot_week", NULL};
    sm_check_keys(body, "", keys, &fe);
    int sweep = 0;
    sm_get_bool(body, "", "sweep", &sweep, &fe);
    int32_t day = 0;
    int snapshot = sm_get_date(body, "", "snapshot_week", &day, &fe);
    json_decref(body);
    if (fe.count)
        return sm_problem_fields(resp, 400, &fe);
    while (!sm_matcher_demand_catch_up(g->m, 1u << 20))
        ;
    size_t swept = 0;
    if (sweep) {
        sm_match_reader *r = sm_gen_reader(g);
        if (!r)
            return sm_readers_busy(resp);
        swept = sm_matcher_demand_refresh(r, SIZE_MAX); /* every slot once */
        sm_gen_reader_put(g, r);
    }
    char week[11] = "";
    if (snapshot) {
        sm_format_date(day, week);
        PGconn *c = sm_route_db(s, resp);
        if (!c)
            return 0;
        sm_error err = {0};
        int rc = sm_demand_store_week(g, c, week, &err);
        sm_db_put(s->db, c);
        if (rc != SM_OK)
            return sm_db_unavailable(resp, &err);
    }
    return sm_resp_json(
        resp, 200,
        json_pack("{s:I,s:s?}", "swept", (json_int_t)swept, "stored", snapshot ? week : NULL));
}
