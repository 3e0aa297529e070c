/*
 * routes_demand.c: GET /v1/demand (the skills most asked for and least
 * supplied in an area) and GET /v1/demand/history (a skill's weeks), for
 * training providers, inclusion organisations and admins. Counts of people
 * below SM_SUPPRESS_BELOW are shown as null: a small group is never revealed.
 */
#include "api/routes.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SM_SUPPRESS_BELOW 5
#define HISTORY_WEEKS 26

static const unsigned demand_roles = SM_ROLEBIT(SM_ROLE_ADMIN) |
                                     SM_ROLEBIT(SM_ROLE_INCLUSION_ORG) |
                                     SM_ROLEBIT(SM_ROLE_TRAINING_PROVIDER);

/* A count of people as shown: null from 1 to 4. */
static json_t *people(long long n)
{
    return n > 0 && n < SM_SUPPRESS_BELOW ? json_null() : json_integer(n);
}

static const struct {
    const char *name;
    unsigned bit;
} collections[] = {{"digital", SM_COLL_DIGITAL},     {"transversal", SM_COLL_TRANSVERSAL},
                   {"language", SM_COLL_LANGUAGE},   {"green", SM_COLL_GREEN},
                   {"digcomp", SM_COLL_DIGCOMP}};

int sm_route_demand(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp)
{
    (void)s;
    if (sm_require_role(rq, resp, demand_roles))
        return 0;
    sm_field_errors fe = {0};
    sm_demand_query q = {0, 0, 0, 0, 0, SM_NO_CONCEPT, 20};
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
    long long radius = sm_query_int(rq, "radius_km", 1, 1000, 30, NULL, &fe);
    q.radius_km = (double)radius;
    if (!near && sm_req_query(rq, "radius_km"))
        sm_field_error(&fe, "radius_km", "needs near=lat,lon");
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
    sm_error err = {0, ""};
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
                rows,
                json_pack("{s:s,s:s,s:{s:I,s:I},s:o,s:o,s:o,s:I,s:I,s:f}", "uri",
                          sm_taxonomy_uri(g->tx, d->skill), "label",
                          sm_taxonomy_label_any(g->tx, d->skill, lang), "offers", "essential",
                          (json_int_t)d->offers_essential, "optional",
                          (json_int_t)d->offers_optional, "profiles", people(d->profiles),
                          "one_skill_away", people(d->one_away), "two_skills_away",
                          people(d->two_away), "trainings", (json_int_t)d->trainings, "seats",
                          (json_int_t)d->seats, "unmet_demand", round(d->unmet * 100) / 100));
        }
        json_t *area = q.located ? json_pack("{s:f,s:f,s:f}", "lat", q.lat, "lon", q.lon,
                                             "radius_km", q.radius_km)
                                 : json_null();
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
    char cid[16], w[16];
    snprintf(cid, sizeof cid, "%u", g->map.cid_of[id]);
    snprintf(w, sizeof w, "%lld", weeks);
    const char *p[] = {cid, w};
    PGresult *res;
    sm_error err = {0, ""};
    int rc = sm_db_exec(c,
                        "SELECT to_char(week, 'YYYY-MM-DD'), offers_essential, offers_optional, "
                        "trainings, seats, profiles, one_away, two_away FROM demand_weekly WHERE "
                        "cid = $1 AND week > (date_trunc('week', now()) - ($2 || ' weeks')::interval) "
                        "ORDER BY week",
                        2, p, &res, &err);
    sm_db_put(s->db, c);
    if (rc != SM_OK)
        return sm_db_unavailable(resp, &err);
    json_t *rows = json_array();
    for (int i = 0; i < PQntuples(res); i++) {
        long long v[7];
        for (int k = 0; k < 7; k++)
            v[k] = atoll(PQgetvalue(res, i, k + 1));
        json_array_append_new(
            rows, json_pack("{s:s,s:{s:I,s:I},s:I,s:I,s:o,s:o,s:o}", "week",
                            PQgetvalue(res, i, 0), "offers", "essential", (json_int_t)v[0],
                            "optional", (json_int_t)v[1], "trainings", (json_int_t)v[2], "seats",
                            (json_int_t)v[3], "profiles", people(v[4]), "one_skill_away",
                            people(v[5]), "two_skills_away", people(v[6])));
    }
    PQclear(res);
    sm_lang lang = sm_req_lang(rq, NULL);
    return sm_resp_json(resp, 200,
                        json_pack("{s:o,s:I,s:i,s:o}", "skill", sm_concept_ref(g, id, lang),
                                  "weeks", (json_int_t)weeks, "suppressed_below",
                                  SM_SUPPRESS_BELOW, "history", rows));
}
