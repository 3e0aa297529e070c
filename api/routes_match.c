/*
 * routes_match.c: POST /v1/match (offers for a profile, inline or stored)
 * and GET /v1/offers/{id}/candidates (consenting profiles for a job offer),
 * with the matcher's explanations.
 */
#include "api/audit.h"
#include "api/jsonw.h"
#include "api/records.h"
#include "api/routes.h"
#include "matcher/plan.h"
#include "sql/offers.h"
#include "sql/profiles.h"
#include "taxonomy/base/alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CONSENT_SHARE_CONTACT (1u << 8)

typedef sm_inline_profile inline_profile;

void sm_read_inline_profile(sm_gen *g, json_t *obj, sm_inline_profile *ip, sm_lang lang_asked,
                            sm_field_errors *fe)
{
    char path[64], p2[96];
    memset(ip, 0, sizeof *ip);
    ip->request_lang = lang_asked;
    ip->p.id = "";
    if (!json_is_object(obj)) {
        sm_field_error(fe, "profile", "must be an object {\"skills\":[…],…}");
        return;
    }
    static const char *const keys[] = {"skills", "location",    "radius_km",    "constraints",
                                       "lang",   "description", "iae_eligible", NULL};
    sm_check_keys(obj, "profile", keys, fe);
    json_t *skills = json_object_get(obj, "skills"), *item;
    const char *description = sm_get_string(obj, "profile", "description", 20000, 0, fe);
    const char *lang = sm_get_string(obj, "profile", "lang", 2, 0, fe);
    if (lang && strcmp(lang, "fr") && strcmp(lang, "en")) {
        sm_field_error(fe, "profile.lang", "must be \"fr\" or \"en\"");
        lang = NULL;
    }
    if ((!skills || json_is_null(skills) || (json_is_array(skills) && !json_array_size(skills))) &&
        description) {
        /* The person's own words, as for a stored profile: the skills found in them. */
        json_t *found = sm_extract_skills(g, description,
                                          !lang                 ? ip->request_lang
                                          : !strcmp(lang, "en") ? SM_LANG_EN
                                                                : SM_LANG_FR,
                                          0, 30);
        size_t i;
        json_array_foreach(found, i, item) {
            uint32_t id = sm_gen_concept(g, json_string_value(json_object_get(item, "uri")));
            if (id != SM_NO_CONCEPT && ip->count < SM_MAX_PROFILE_SKILLS)
                ip->claims[ip->count++] = (sm_skill_claim){id, 0, SM_EVIDENCE_DECLARED};
        }
        json_decref(found);
        skills = NULL;
    } else if (!json_is_array(skills)) {
        sm_field_error(fe, "profile.skills",
                       skills ? "must be an array" : "required (or a description to find them in)");
        return;
    }
    size_t i;
    if (skills && json_array_size(skills) > SM_MAX_PROFILE_SKILLS) {
        sm_field_error(fe, "profile.skills", "at most %d skills", SM_MAX_PROFILE_SKILLS);
        return;
    }
    json_array_foreach(skills, i, item) {
        sm_path_index(path, sizeof path, "profile.skills", i);
        if (!json_is_object(item)) {
            sm_field_error(fe, path, "must be an object {\"uri\":…}");
            continue;
        }
        static const char *const ik[] = {"uri", "level", "evidence", "label", "extracted", NULL};
        sm_check_keys(item, path, ik, fe);
        uint32_t id = sm_resolve_concept(g, json_object_get(item, "uri"),
                                         sm_path(p2, sizeof p2, path, "uri"), SM_REF_SKILL, fe);
        long long level = 0;
        sm_get_int(item, path, "level", 0, SM_MAX_LEVEL, &level, fe);
        int evidence = sm_read_evidence(item, path, fe);
        if (id != SM_NO_CONCEPT)
            ip->claims[ip->count++] = (sm_skill_claim){id, (uint8_t)level, (uint8_t)evidence};
    }
    sm_place_in place;
    if (sm_get_place(obj, "profile", "location", g->places, &place, fe)) {
        json_decref(place.doc);
        ip->commune = place.commune;
        ip->p.location.known = 1;
        ip->p.location.lat = place.lat;
        ip->p.location.lon = place.lon;
    }
    double radius = 0;
    if (sm_get_number(obj, "profile", "radius_km", 0, 1000, &radius, fe)) {
        if (radius > 0 && !place.given)
            sm_field_error(fe, "profile.radius_km",
                           "needs a location {\"lat\":…,\"lon\":…} to be a distance from");
        ip->p.radius_km = (float)radius;
    }
    json_t *cons = json_object_get(obj, "constraints");
    if (cons && !json_is_null(cons)) {
        static const char *const ck[] = {"remote_only", "part_time", "no_car", NULL};
        static const unsigned bits[] = {SM_PROFILE_REMOTE_ONLY, SM_PROFILE_PART_TIME,
                                        SM_PROFILE_NO_CAR};
        if (!json_is_object(cons))
            sm_field_error(fe, "profile.constraints", "must be an object of true/false fields");
        else {
            sm_check_keys(cons, "profile.constraints", ck, fe);
            for (size_t k = 0; ck[k]; k++) {
                int v = 0;
                if (sm_get_bool(cons, "profile.constraints", ck[k], &v, fe) && v)
                    ip->p.constraints |= bits[k];
            }
        }
    }
    /* Said not eligible for the IAE: offers reserved to those who are are left out. */
    int eligible = 1;
    if (sm_get_bool(obj, "profile", "iae_eligible", &eligible, fe) && !eligible)
        ip->p.constraints |= SM_PROFILE_NOT_IAE_ELIGIBLE;
    ip->p.skills = ip->claims;
    ip->p.skill_count = ip->count;
}

int sm_load_stored_profile(sm_service *s, sm_gen *g, const sm_request *rq, const char *id,
                           sm_inline_profile *ip, sm_response *resp)
{
    memset(ip, 0, sizeof *ip);
    if (!rq->who.key_id)
        return sm_problem(resp, 401, "profile_id needs an API key (or send the profile inline)"),
               SM_EANSWERED;
    int admin = rq->who.role == SM_ROLE_ADMIN;
    int seeker = rq->who.role == SM_ROLE_SEEKER && strcmp(rq->who.profile_id, id) == 0;
    if (rq->who.role == SM_ROLE_TRAINING_PROVIDER)
        return sm_problem(resp, 403, "a training_provider key cannot use stored profiles"),
               SM_EANSWERED;
    if (!sm_is_uuid(id) || (rq->who.role == SM_ROLE_SEEKER && !seeker))
        return sm_problem(resp, 404, "no profile with this id"), SM_EANSWERED;
    sm_error err = {0};
    PGconn *c = sm_route_db(s, resp);
    if (!c)
        return SM_EANSWERED;
    sm_profile_match_row row;
    int rc =
        sm_store_profile_for_match(c, id, rq->who.role == SM_ROLE_INCLUSION_ORG ? rq->who.org : "",
                                   admin || seeker, &row, &err);
    sm_db_put(s->db, c);
    if (rc == SM_ENOTFOUND)
        return sm_problem(resp, 404, "no profile with this id"), SM_EANSWERED;
    if (rq->about_profile)
        snprintf(rq->about_profile, 40, "%s", id);
    if (rc != SM_OK)
        return sm_db_unavailable(resp, &err), SM_EANSWERED;
    /* "profile.match", "profile.gaps", "profile.paths": the person's or their organisation's
     * use restarts the retention clock. */
    const char *route = strrchr(rq->path, '/');
    char action[32];
    snprintf(action, sizeof action, "profile.%s", route ? route + 1 : "match");
    sm_audit_note(s->audit, &rq->who, action, id, !admin);
    for (size_t i = 0; i < row.claim_count && ip->count < SM_MAX_PROFILE_SKILLS; i++) {
        uint32_t cid, sid;
        int ev, level;
        sm_unpack_claim(row.claims[i], &cid, &ev, &level);
        if ((sid = sm_concept_id(&g->map, cid)) != SM_NO_CONCEPT)
            ip->claims[ip->count++] = (sm_skill_claim){sid, (uint8_t)level, (uint8_t)ev};
    }
    ip->p.id = "";
    ip->p.skills = ip->claims;
    ip->p.skill_count = ip->count;
    ip->p.location.known = row.located;
    ip->p.location.lat = row.lat;
    ip->p.location.lon = row.lon;
    ip->p.radius_km = row.radius_km;
    ip->p.constraints = row.constraints;
    return 0;
}

static void read_filters(json_t *f, sm_match_filter *out, sm_field_errors *fe)
{
    memset(out, 0, sizeof *out);
    if (!f || json_is_null(f))
        return;
    if (!json_is_object(f)) {
        sm_field_error(fe, "filters", "must be an object");
        return;
    }
    static const char *const keys[] = {"organisation_kinds",
                                       "contract_types",
                                       "max_hours_per_week",
                                       "support_provided",
                                       "no_diploma_required",
                                       "reserved_to_iae_eligible",
                                       "remote",
                                       NULL};
    sm_check_keys(f, "filters", keys, fe);
    static const struct {
        const char *key;
        const char *const *names;
        const int *count;
    } lists[] = {{"organisation_kinds", sm_org_kinds, &sm_org_kind_count},
                 {"contract_types", sm_contract_types, &sm_contract_type_count}};
    for (size_t l = 0; l < 2; l++) {
        json_t *arr = json_object_get(f, lists[l].key), *v;
        uint32_t mask = 0;
        char path[64];
        size_t i;
        if (!arr || json_is_null(arr))
            continue;
        sm_path(path, sizeof path, "filters", lists[l].key);
        if (!json_is_array(arr)) {
            sm_field_error(fe, path, "must be an array of names");
            continue;
        }
        if (json_array_size(arr) > (size_t)*lists[l].count) {
            sm_field_error(fe, path, "at most %d names", *lists[l].count);
            continue;
        }
        json_array_foreach(arr, i, v) {
            int code = json_is_string(v)
                           ? sm_code_of(lists[l].names, *lists[l].count, json_string_value(v))
                           : 0;
            char p2[80];
            if (!code)
                sm_field_error(fe, sm_path_index(p2, sizeof p2, path, i), "unknown name");
            else
                mask |= 1u << code;
        }
        if (l == 0)
            out->org_kinds = mask;
        else
            out->contract_types = mask;
    }
    double hours = 0;
    if (sm_get_number(f, "filters", "max_hours_per_week", 1, 60, &hours, fe))
        out->max_hours = (float)hours;
    int v = 0;
    if (sm_get_bool(f, "filters", "support_provided", &v, fe) && v)
        out->require |= SM_OFFER_SUPPORT;
    v = 0;
    if (sm_get_bool(f, "filters", "no_diploma_required", &v, fe) && v)
        out->require |= SM_OFFER_NO_DIPLOMA;
    v = 0;
    /* true: only offers reserved to people eligible for the IAE; false: none of them */
    if (sm_get_bool(f, "filters", "reserved_to_iae_eligible", &v, fe)) {
        if (v)
            out->require |= SM_OFFER_IAE_RESERVED;
        else
            out->exclude |= SM_OFFER_IAE_RESERVED;
    }
    v = 0;
    if (sm_get_bool(f, "filters", "remote", &v, fe))
        out->remote_only = v;
}

static const char *const tier_names[] = {"exact", "close", "related"};
static const char *const status_names[] = {"met", "under_level", "near", "missing"};
static const char *const fit_names[] = {"good", "partial", "weak"};
static const char *const reason_names[] = {"essential", "lacking",  "optional", "prerequisites",
                                           "teaches",   "distance", "remote",   "place_unknown"};

int sm_profile_without_skills(sm_response *resp)
{
    sm_field_errors fe = {0};
    sm_field_error(&fe, "profile.skills",
                   "empty: add at least one skill (or a description to find them in) to get "
                   "matches, gaps and paths");
    return sm_problem_fields(resp, 422, &fe);
}

int sm_readers_busy(sm_response *resp)
{
    resp->retry_after = 1;
    return sm_problem(resp, 503, "too many queries at once");
}

static void w_str(jsonw *w, const char *s)
{
    jsonw_string(w, s, strlen(s));
}

/* A concept's URI or label, escaped at load (sm_gen_concept_json). */
static void w_concept(jsonw *w, const sm_gen *g, uint32_t id, unsigned what)
{
    size_t len;
    const char *s = sm_gen_concept_json(g, id, what, &len);
    jsonw_raw(w, s, len);
}

static void w_num(jsonw *w, const char *key, double v)
{
    jsonw_lit(w, key);
    jsonw_fixed(w, v, 3);
}

/* One required (or taught) skill and what it is to the person. */
static void write_item(jsonw *w, sm_gen *g, const sm_match_item *it, sm_lang lang)
{
    jsonw_lit(w, "{\"uri\":");
    w_concept(w, g, it->required, SM_CJ_URI);
    jsonw_lit(w, ",\"label\":");
    w_concept(w, g, it->required, SM_CJ_LABEL + lang);
    jsonw_lit(w, it->essential ? ",\"essential\":true,\"status\":"
                               : ",\"essential\":false,\"status\":");
    w_str(w, status_names[it->status < 4 ? it->status : 3]);
    if (it->via != SM_NO_CONCEPT) {
        jsonw_lit(w, ",\"via\":");
        w_concept(w, g, it->via, SM_CJ_URI);
        jsonw_lit(w, ",\"via_label\":");
        w_concept(w, g, it->via, SM_CJ_LABEL + lang);
        jsonw_lit(w, ",\"tier\":");
        w_str(w, tier_names[it->tier < 3 ? it->tier : 2]);
        w_num(w, ",\"similarity\":", it->similarity);
    } else
        jsonw_lit(w, ",\"via\":null,\"via_label\":null,\"tier\":null,\"similarity\":null");
    jsonw_lit(w, ",\"required_level\":");
    jsonw_uint(w, it->required_level);
    jsonw_lit(w, ",\"profile_level\":");
    jsonw_uint(w, it->profile_level);
    jsonw_lit(w, ",\"level_gap\":");
    jsonw_uint(w, it->level_gap > 0 ? (unsigned long long)it->level_gap : 0);
    jsonw_lit(w, "}");
}

static void write_items(jsonw *w, sm_gen *g, const char *key, const sm_match_item *items, size_t n,
                        sm_lang lang)
{
    jsonw_lit(w, key);
    jsonw_lit(w, "[");
    for (size_t i = 0; i < n; i++) {
        if (i)
            jsonw_lit(w, ",");
        write_item(w, g, &items[i], lang);
    }
    jsonw_lit(w, "]");
}

/* The structured reasons the justification is rendered from (matcher/explain.c). */
static void write_reasons(jsonw *w, sm_gen *g, const sm_match_result *res, sm_lang lang)
{
    jsonw_lit(w, ",\"reasons\":[");
    for (size_t i = 0; i < res->reason_count; i++) {
        const sm_reason *r = &res->reasons[i];
        jsonw_lit(w, i ? ",{\"kind\":" : "{\"kind\":");
        w_str(w, reason_names[r->kind < 8 ? r->kind : 0]);
        switch (r->kind) {
        case SM_REASON_DISTANCE: w_num(w, ",\"km\":", r->km); break;
        case SM_REASON_REMOTE: break;
        case SM_REASON_PLACE_UNKNOWN:
            jsonw_lit(w, r->place == SM_PLACE_OFFER_UNKNOWN ? ",\"whose\":\"offer\""
                                                            : ",\"whose\":\"profile\"");
            break;
        default:
            jsonw_lit(w, ",\"count\":");
            jsonw_uint(w, r->count);
            jsonw_lit(w, ",\"total\":");
            jsonw_uint(w, r->total);
            jsonw_lit(w, ",\"skills\":[");
            for (size_t k = 0; k < r->item_count; k++) {
                jsonw_lit(w, k ? ",{\"uri\":" : "{\"uri\":");
                w_concept(w, g, r->items[k].required, SM_CJ_URI);
                jsonw_lit(w, ",\"label\":");
                w_concept(w, g, r->items[k].required, SM_CJ_LABEL + lang);
                jsonw_lit(w, "}");
            }
            jsonw_lit(w, "]");
        }
        jsonw_lit(w, "}");
    }
    jsonw_lit(w, "]");
}

/*
 * One result as the API shows it, written directly (a match answers in volume: building it
 * as jansson objects cost as much CPU as the matching). head is written first, raw (the
 * offer's id and title, or the candidate's names), ending with a comma.
 */
static void write_result(jsonw *w, sm_gen *g, const sm_match_result *res, sm_lang lang,
                         const char *head)
{
    jsonw_lit(w, "{");
    jsonw_lit(w, head);
    w_num(w, "\"score\":", res->score);
    jsonw_lit(w, ",\"fit\":");
    w_str(w, fit_names[res->fit < 3 ? res->fit : 2]);
    w_num(w, ",\"score_breakdown\":{\"skills\":", res->skills);
    w_num(w, ",\"essential_coverage\":", res->essential_coverage);
    w_num(w, ",\"optional_coverage\":", res->optional_coverage);
    w_num(w, ",\"distance_factor\":", res->distance_factor);
    w_num(w, ",\"depth\":", res->depth);
    w_num(w, ",\"skills_used\":", res->skills_used);
    if (res->place == SM_PLACE_KNOWN && res->distance_km >= 0) {
        w_num(w, ",\"distance_km\":", res->distance_km);
        jsonw_lit(w, ",\"distance_used\":true");
    } else
        jsonw_lit(w, ",\"distance_km\":null,\"distance_used\":false");
    jsonw_lit(w, "}");
    write_items(w, g, ",\"matched\":", res->matched, res->matched_count, lang);
    write_items(w, g, ",\"missing\":", res->missing, res->missing_count, lang);
    if (res->teach_count)
        write_items(w, g, ",\"teaches\":", res->teaches, res->teach_count, lang);
    write_reasons(w, g, res, lang);
    jsonw_lit(w, ",\"justification\":");
    w_str(w, res->justification ? res->justification : "");
    jsonw_lit(w, "}");
}

/* Hands w's text to resp (200) or reports the allocation failure. */
static int answer_results(sm_response *resp, jsonw *w)
{
    if (w->failed) {
        jsonw_free(w);
        return SM_ENOMEM;
    }
    sm_resp_text(resp, 200, NULL, w->data);
    return SM_OK;
}

static int cmp_results(const void *a, const void *b)
{
    const sm_match_result *x = *(const sm_match_result *const *)a,
                          *y = *(const sm_match_result *const *)b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return strcmp(x->id, y->id);
}

int sm_route_match(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp)
{
    json_t *body = sm_parse_body(rq, resp);
    if (!body)
        return 0;
    sm_field_errors fe = {0};
    static const char *const keys[] = {"profile", "profile_id", "kind", "limit",
                                       "filters", "lang",       NULL};
    sm_check_keys(body, "", keys, &fe);
    const char *kind = sm_get_string(body, "", "kind", 20, 0, &fe);
    if (kind && strcmp(kind, "job") && strcmp(kind, "training"))
        sm_field_error(&fe, "kind", "must be \"job\" or \"training\"");
    long long limit = 20;
    sm_get_int(body, "", "limit", 1, SM_MATCH_MAX_LIMIT, &limit, &fe);
    const char *lang_s = sm_get_string(body, "", "lang", 2, 0, &fe);
    if (lang_s && strcmp(lang_s, "fr") && strcmp(lang_s, "en"))
        sm_field_error(&fe, "lang", "must be \"fr\" or \"en\"");
    else
        resp->lang = sm_req_lang(rq, lang_s);
    sm_match_filter filter;
    read_filters(json_object_get(body, "filters"), &filter, &fe);
    int filter_given = filter.org_kinds || filter.contract_types || filter.max_hours > 0 ||
                       filter.require || filter.exclude || filter.remote_only;
    json_t *inl = json_object_get(body, "profile");
    const char *pid = sm_get_string(body, "", "profile_id", 64, 0, &fe);
    if (inl && pid)
        sm_field_error(&fe, "profile", "give profile or profile_id, not both");
    else if (!inl && !pid && !fe.count)
        sm_field_error(&fe, "profile", "required (or profile_id)");
    inline_profile *ip = sm_malloc(sizeof *ip);
    if (!ip) {
        json_decref(body);
        return SM_ENOMEM;
    }
    if (inl && !pid)
        sm_read_inline_profile(g, inl, ip, resp->lang, &fe);
    if (fe.count) {
        json_decref(body);
        sm_free(ip);
        return sm_problem_fields(resp, 400, &fe);
    }
    if (pid && sm_load_stored_profile(s, g, rq, pid, ip, resp) != 0) {
        json_decref(body);
        sm_free(ip);
        return 0;
    }
    if (!ip->p.skill_count) {
        json_decref(body);
        sm_free(ip);
        return sm_profile_without_skills(resp);
    }
    sm_match_options opts;
    memset(&opts, 0, sizeof opts);
    opts.kind = kind && strcmp(kind, "training") == 0 ? SM_OFFER_TRAINING : SM_OFFER_JOB;
    opts.limit = (size_t)limit;
    opts.lang = sm_req_lang(rq, lang_s);
    opts.filter = &filter;
    json_decref(body);
    sm_match_reader *r = sm_gen_reader(g);
    if (!r) {
        sm_free(ip);
        return sm_readers_busy(resp);
    }
    sm_error err = {0};
    int n = sm_match_offers(r, &ip->p, &opts, &err);
    int rc = SM_OK;
    if (n == SM_EINVAL) {
        sm_field_errors fe2 = {0};
        if (err.field[0]) {
            char field[sizeof err.field + 16];
            snprintf(field, sizeof field, "%s%s", pid ? "profile_id:" : "", err.field);
            sm_field_error(&fe2, field, "%s", sm_error_reason(&err));
        } else
            sm_field_error(&fe2, "profile", "%s", err.message);
        rc = sm_problem_fields(resp, 400, &fe2);
    } else if (n < 0) {
        rc = n;
    } else {
        /* Equal scores in id order, so an answer does not depend on insertion order. */
        const sm_match_result *order[SM_MATCH_MAX_LIMIT];
        for (int i = 0; i < n; i++)
            order[i] = sm_match_get(r, (size_t)i);
        qsort(order, (size_t)n, sizeof *order, cmp_results);
        jsonw w = {0};
        jsonw_reserve(&w, 5120 * (size_t)n + 256); /* a result with its explanations: ~4 KB */
        jsonw_lit(&w, "{\"results\":[");
        for (int i = 0; i < n; i++) {
            jsonw head = {0};
            jsonw_lit(&head, "\"offer_id\":");
            w_str(&head, order[i]->id);
            jsonw_lit(&head, ",\"title\":");
            w_str(&head, order[i]->title ? order[i]->title : "");
            jsonw_lit(&head, ",");
            if (i)
                jsonw_lit(&w, ",");
            write_result(&w, g, order[i], opts.lang, head.failed ? "" : head.data);
            jsonw_free(&head);
        }
        jsonw_lit(&w, "]");
        /* Fewer results than asked, with filters: how many offers sharing a skill with the
         * person the filters left out (exact then: every such offer was read), so that an
         * empty answer says why. */
        sm_match_stats st;
        sm_match_last_stats(r, &st);
        if ((size_t)n < opts.limit && filter_given) {
            char t[48];
            snprintf(t, sizeof t, ",\"filtered_out\":%zu", st.filtered);
            jsonw_lit(&w, t);
        }
        /* The commune the profile's location named, as it was understood. */
        const sm_commune *c = ip->commune;
        if (c) {
            char pt[96];
            jsonw_lit(&w, ",\"place\":{\"name\":");
            w_str(&w, c->name);
            jsonw_lit(&w, ",\"insee\":");
            w_str(&w, c->insee);
            jsonw_lit(&w, ",\"departement\":");
            w_str(&w, c->departement);
            snprintf(pt, sizeof pt, ",\"lat\":%.6f,\"lon\":%.6f}", c->lat, c->lon);
            jsonw_lit(&w, pt);
        }
        jsonw_lit(&w, "}");
        rc = answer_results(resp, &w);
    }
    sm_gen_reader_put(g, r);
    sm_free(ip);
    return rc;
}

/* The name an organisation sees for a candidate who did not share contact details: stable
 * for one offer, different across offers, keyed with the server's secret (sql/005), so that
 * knowing a profile id does not tell which pseudonym is that person's. */
static void pseudonym(const sm_service *s, const char *offer_id, const char *profile_id,
                      char out[24])
{
    char buf[80];
    unsigned char h[32];
    snprintf(buf, sizeof buf, "%s:%s", offer_id, profile_id);
    sm_keyed_hash(s->pseudonym_key, buf, strlen(buf), h);
    snprintf(out, 24, "cand_%02x%02x%02x%02x%02x%02x%02x%02x", h[0], h[1], h[2], h[3], h[4], h[5],
             h[6], h[7]);
}

/* Whether rq's organisation may rank candidates for job offer id: 0 with c (a pooled
 * connection, to give back), or -1 with the problem in resp. */
static int own_job_offer(sm_service *s, const sm_request *rq, const char *id, PGconn **c,
                         sm_response *resp)
{
    if (!sm_is_uuid(id))
        return sm_problem(resp, 404, "no offer with this id"), SM_EANSWERED;
    sm_error err = {0};
    if (!(*c = sm_route_db(s, resp)))
        return SM_EANSWERED;
    int kind = -1;
    int rc = sm_store_offer_kind(*c, id, rq->who.org, rq->who.role == SM_ROLE_ADMIN, &kind, &err);
    if (rc == SM_EIO) {
        sm_db_put(s->db, *c);
        return sm_db_unavailable(resp, &err), SM_EANSWERED;
    }
    int found = rc == SM_OK, training = found && kind == 1;
    if (!found || training) {
        sm_db_put(s->db, *c);
        return sm_problem(resp, 404,
                          found ? "candidates are ranked for job offers only"
                                : "no offer with this id"),
               SM_EANSWERED;
    }
    return 0;
}

/* The contact details of the candidates among ids that chose to share them (NULL when none
 * or on an error: they are then shown pseudonymous). */
static sm_rows *shared_contacts(PGconn *c, const char *const *ids, size_t n)
{
    sm_rows *rows = NULL;
    sm_error err;
    if (!n || sm_store_profile_contacts(c, ids, n, &rows, &err) != SM_OK)
        return NULL;
    return rows;
}

/* Writes the candidate's name (pseudonym, or profile id and contact when shared) as the head
 * of a result: "\"candidate\":…,". */
static void candidate_head(const sm_service *s, const sm_request *rq, jsonw *head,
                           const sm_rows *cr, const char *offer_id, const char *profile_id)
{
    char name[24];
    pseudonym(s, offer_id, profile_id, name);
    jsonw_lit(head, "\"candidate\":");
    w_str(head, name);
    jsonw_lit(head, ",");
    for (size_t k = 0; k < sm_rows_count(cr); k++) {
        sm_contact_shown ct = sm_contact_rows_at(cr, k);
        if (strcmp(ct.id, profile_id) == 0 && (ct.consent & CONSENT_SHARE_CONTACT)) {
            /* who it is, shown to an organisation: audited */
            sm_audit_note(s->audit, &rq->who, "candidate.contact", profile_id, 0);
            jsonw_lit(head, "\"profile_id\":");
            w_str(head, profile_id);
            json_t *contact = json_loads(ct.contact, JSON_DECODE_ANY, NULL);
            char *text = contact ? sm_json_text(contact, JSON_COMPACT) : NULL;
            if (text) {
                jsonw_lit(head, ",\"contact\":");
                jsonw_lit(head, text);
            }
            sm_free(text);
            json_decref(contact);
            jsonw_lit(head, ",");
        }
    }
}

int sm_route_near_candidates(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp)
{
    if (sm_require_role(rq, resp, SM_ROLEBIT(SM_ROLE_ADMIN) | SM_ROLEBIT(SM_ROLE_INCLUSION_ORG)))
        return 0;
    const char *id = rq->params[0];
    sm_field_errors fe = {0};
    long long limit = sm_query_int(rq, "limit", 1, 50, 10, NULL, &fe);
    long long max_hours = sm_query_int(rq, "max_hours", 1, 2000, 140, NULL, &fe);
    if (fe.count)
        return sm_problem_fields(resp, 400, &fe);
    PGconn *c;
    if (own_job_offer(s, rq, id, &c, resp) != 0)
        return 0;
    sm_match_reader *mr = sm_gen_reader(g);
    if (!mr) {
        sm_db_put(s->db, c);
        return sm_readers_busy(resp);
    }
    sm_lang lang = sm_req_lang(rq, NULL);
    sm_error err = {0};
    sm_near_list *list = NULL;
    int rc = sm_match_near_candidates(mr, g->tx, id, (double)max_hours, (size_t)limit, lang, &list,
                                      &err);
    sm_gen_reader_put(g, mr);
    if (rc == SM_ENOTFOUND || rc == SM_EINVAL)
        rc = sm_problem(resp, 404, "no job offer with this id");
    else if (rc == SM_OK) {
        const char *ids[50] = {0};
        for (size_t i = 0; i < list->count; i++)
            ids[i] = list->items[i].profile_id;
        sm_rows *cr = shared_contacts(c, ids, list->count);
        jsonw w = {0};
        jsonw_lit(&w, "{\"results\":[");
        for (size_t i = 0; i < list->count; i++) {
            const sm_near_candidate *nc = &list->items[i];
            jsonw_lit(&w, i ? ",{" : "{");
            candidate_head(s, rq, &w, cr, id, nc->profile_id);
            w_num(&w, "\"score\":", nc->score);
            jsonw_lit(&w, ",\"training\":{\"training_id\":");
            w_str(&w, nc->training_id);
            jsonw_lit(&w, ",\"title\":");
            w_str(&w, nc->training_title ? nc->training_title : "");
            w_num(&w, ",\"hours\":", nc->hours);
            w_num(&w, ",\"price\":", nc->price);
            if (nc->distance_km >= 0)
                w_num(&w, ",\"distance_km\":", nc->distance_km);
            else
                jsonw_lit(&w, ",\"distance_km\":null");
            jsonw_lit(&w, nc->remote ? ",\"remote\":true}" : ",\"remote\":false}");
            jsonw_lit(&w, ",\"covers\":[");
            for (size_t k = 0; k < nc->cover_count; k++) {
                jsonw_lit(&w, k ? ",{\"uri\":" : "{\"uri\":");
                w_str(&w, sm_taxonomy_uri(g->tx, nc->covers[k]));
                jsonw_lit(&w, ",\"label\":");
                w_str(&w, sm_taxonomy_label_any(g->tx, nc->covers[k], lang));
                jsonw_lit(&w, "}");
            }
            jsonw_lit(&w, "],\"explanation\":");
            w_str(&w, nc->explanation);
            jsonw_lit(&w, "}");
        }
        jsonw_lit(&w, "],\"examined\":");
        jsonw_uint(&w, list->examined);
        jsonw_lit(&w, "}");
        sm_rows_free(cr);
        rc = answer_results(resp, &w);
    }
    sm_near_list_free(list);
    sm_db_put(s->db, c);
    return rc;
}

int sm_route_candidates(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp)
{
    if (sm_require_role(rq, resp, SM_ROLEBIT(SM_ROLE_ADMIN) | SM_ROLEBIT(SM_ROLE_INCLUSION_ORG)))
        return 0;
    const char *id = rq->params[0];
    sm_field_errors fe = {0};
    long long limit = sm_query_int(rq, "limit", 1, SM_MATCH_MAX_LIMIT, 20, NULL, &fe);
    if (fe.count)
        return sm_problem_fields(resp, 400, &fe);
    sm_error err = {0};
    PGconn *c;
    if (own_job_offer(s, rq, id, &c, resp) != 0)
        return 0;
    sm_match_reader *mr = sm_gen_reader(g);
    if (!mr) {
        sm_db_put(s->db, c);
        return sm_readers_busy(resp);
    }
    sm_match_options opts;
    memset(&opts, 0, sizeof opts);
    opts.kind = SM_OFFER_JOB;
    opts.limit = (size_t)limit;
    opts.lang = sm_req_lang(rq, NULL);
    int n = sm_match_candidates(mr, id, &opts, &err);
    int rc = SM_OK;
    if (n == SM_ENOTFOUND)
        rc = sm_problem(resp, 404, "no offer with this id");
    else if (n < 0)
        rc = n;
    else {
        /* Contact details only for those who chose to share them. */
        const char *ids[SM_MATCH_MAX_LIMIT] = {0};
        for (int i = 0; i < n; i++)
            ids[i] = sm_match_get(mr, (size_t)i)->id;
        sm_rows *cr = shared_contacts(c, ids, (size_t)n);
        const sm_match_result *order[SM_MATCH_MAX_LIMIT];
        for (int i = 0; i < n; i++)
            order[i] = sm_match_get(mr, (size_t)i);
        qsort(order, (size_t)n, sizeof *order, cmp_results);
        jsonw w = {0};
        jsonw_lit(&w, "{\"results\":[");
        for (int i = 0; i < n; i++) {
            jsonw head = {0};
            candidate_head(s, rq, &head, cr, id, order[i]->id);
            if (i)
                jsonw_lit(&w, ",");
            write_result(&w, g, order[i], opts.lang, head.failed ? "" : head.data);
            jsonw_free(&head);
        }
        jsonw_lit(&w, "]}");
        sm_rows_free(cr);
        rc = answer_results(resp, &w);
    }
    sm_db_put(s->db, c);
    sm_gen_reader_put(g, mr);
    return rc;
}
