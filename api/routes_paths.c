/*
 * routes_paths.c: POST /v1/gaps (what a person lacks for a target) and
 * POST /v1/paths (the trainings that close it, in order, with their costs,
 * dates and the offers they unlock). A target is a job offer, an ESCO
 * occupation, or the person's best matching offers.
 */
#include "api/records.h"
#include "api/routes.h"
#include "matcher/plan.h"
#include "taxonomy/base/alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TOP_OFFERS 20

/* What a request asks about: the target's requirements and the person. */
typedef struct gap_request {
    sm_inline_profile profile;
    sm_requirement target[SM_MAX_TARGET];
    size_t target_count;
    json_t *target_out; /* the target as answered */
    sm_lang lang;
} gap_request;

/* The requirements of an occupation: its essential and optional skills, no level. */
/* An occupation's skills as requirements: the essential ones first, then the optional ones,
 * at most cap; *left_out says how many did not fit (none with ESCO 1.1.1, see SM_MAX_TARGET). */
static size_t occupation_requirements(sm_gen *g, uint32_t occ, sm_requirement *out, size_t cap,
                                      size_t *left_out)
{
    const sm_edge *e;
    size_t n = sm_taxonomy_adjacent(g->tx, occ, SM_ADJ_OCC_SKILLS, &e), kept = 0;
    *left_out = 0;
    for (int essential = 1; essential >= 0; essential--)
        for (size_t i = 0; i < n; i++)
            if ((e[i].relation == SM_REL_OCC_ESSENTIAL) == essential &&
                sm_concept_is_skill(sm_taxonomy_type(g->tx, e[i].concept))) {
                if (kept < cap)
                    out[kept++] = (sm_requirement){e[i].concept, (uint8_t)essential, 0, 0};
                else
                    (*left_out)++;
            }
    return kept;
}

/* Adds an offer's requirements to the target (the matcher merges duplicates). */
static int add_offer_target(sm_gen *g, gap_request *q, const char *id)
{
    sm_requirement reqs[SM_MAX_REQUIREMENTS];
    int n = sm_matcher_offer_requirements(g->m, id, reqs);
    for (int i = 0; i < n && q->target_count < SM_MAX_TARGET; i++)
        q->target[q->target_count++] = reqs[i];
    return n;
}

/*
 * Reads the body shared by both routes (profile or profile_id, target, lang) into q. Returns
 * the parsed body (the caller reads its own fields from it and frees it), or NULL with the
 * problem in resp.
 */
static json_t *read_gap_request(sm_service *s, sm_gen *g, const sm_request *rq,
                                const char *const *keys, gap_request *q, sm_response *resp)
{
    json_t *body = sm_parse_body(rq, resp);
    if (!body)
        return NULL;
    sm_field_errors fe = {0};
    sm_check_keys(body, "", keys, &fe);
    const char *lang_s = sm_get_string(body, "", "lang", 2, 0, &fe);
    if (lang_s && strcmp(lang_s, "fr") && strcmp(lang_s, "en"))
        sm_field_error(&fe, "lang", "must be \"fr\" or \"en\"");
    else
        resp->lang = sm_req_lang(rq, lang_s);
    q->lang = resp->lang;
    json_t *inl = json_object_get(body, "profile");
    const char *pid = sm_get_string(body, "", "profile_id", 64, 0, &fe);
    if (inl && pid)
        sm_field_error(&fe, "profile", "give profile or profile_id, not both");
    else if (!inl && !pid)
        sm_field_error(&fe, "profile", "required (or profile_id)");
    else if (inl)
        sm_read_inline_profile(g, inl, &q->profile, resp->lang, &fe);
    json_t *target = json_object_get(body, "target");
    static const char *const tkeys[] = {"offer_id", "occupation", "top_offers", NULL};
    const char *offer_id = NULL;
    json_t *occupation = NULL;
    long long top = 0;
    if (!json_is_object(target))
        sm_field_error(&fe, "target",
                       target ? "must be an object"
                              : "required: {\"offer_id\":…}, "
                                "{\"occupation\":URI} or {\"top_offers\":N}");
    else {
        sm_check_keys(target, "target", tkeys, &fe);
        offer_id = sm_get_string(target, "target", "offer_id", 64, 0, &fe);
        occupation = json_object_get(target, "occupation");
        sm_get_int(target, "target", "top_offers", 1, MAX_TOP_OFFERS, &top, &fe);
        int given = (offer_id != NULL) + (occupation != NULL) + (top > 0);
        if (given != 1 && !fe.count)
            sm_field_error(&fe, "target",
                           "give exactly one of offer_id, occupation and top_offers");
    }
    uint32_t occ = SM_NO_CONCEPT;
    if (occupation && !fe.count)
        occ = sm_resolve_concept(g, occupation, "target.occupation", SM_REF_OCCUPATION, &fe);
    if (!fe.count && offer_id && add_offer_target(g, q, offer_id) < 0)
        sm_field_error(&fe, "target.offer_id", "no job offer with this id");
    if (fe.count) {
        json_decref(body);
        sm_problem_fields(resp, 400, &fe);
        return NULL;
    }
    if (pid && sm_load_stored_profile(s, g, rq, pid, &q->profile, resp) != 0) {
        json_decref(body);
        return NULL;
    }
    if (!q->profile.p.skill_count) {
        json_decref(body);
        sm_profile_without_skills(resp);
        return NULL;
    }
    if (occ != SM_NO_CONCEPT) {
        size_t left_out;
        q->target_count = occupation_requirements(g, occ, q->target, SM_MAX_TARGET, &left_out);
        q->target_out = json_pack("{s:o}", "occupation", sm_concept_ref(g, occ, q->lang));
        if (left_out) /* optional skills past SM_MAX_TARGET: said, never silently dropped */
            json_object_set_new(q->target_out, "optional_skills_left_out",
                                json_integer((json_int_t)left_out));
    } else if (offer_id)
        q->target_out = json_pack("{s:s}", "offer_id", offer_id);
    else {
        /* The person's best matching offers: what they ask for together. */
        sm_match_reader *r = sm_gen_reader(g);
        if (!r) {
            json_decref(body);
            sm_readers_busy(resp);
            return NULL;
        }
        sm_match_options opts = {SM_OFFER_JOB, (size_t)top, 0, q->lang, 0, NULL};
        sm_error err = {0};
        int n = q->profile.p.skill_count ? sm_match_offers(r, &q->profile.p, &opts, &err) : 0;
        json_t *ids = json_array();
        for (int i = 0; i < n; i++) {
            const sm_match_result *res = sm_match_get(r, (size_t)i);
            json_array_append_new(ids, json_string(res->id));
        }
        sm_gen_reader_put(g, r);
        size_t i;
        json_t *v;
        json_array_foreach(ids, i, v)
            add_offer_target(g, q, json_string_value(v));
        q->target_out = json_pack("{s:I,s:o}", "top_offers", (json_int_t)top, "offer_ids", ids);
    }
    return body;
}

static json_t *skill_ref(sm_gen *g, uint32_t skill, sm_lang lang)
{
    return json_pack("{s:s,s:s}", "uri", sm_taxonomy_uri(g->tx, skill), "label",
                     sm_taxonomy_label_any(g->tx, skill, lang));
}

static double rounded3(double v);

/* The matcher's error for a request: 400 naming the field, or the error code. */
static int matcher_error(sm_response *resp, int rc, const sm_error *err)
{
    if (rc != SM_EINVAL)
        return rc;
    sm_field_errors fe = {0};
    if (err->field[0])
        sm_field_error(&fe, err->field, "%s", sm_error_reason(err));
    else
        sm_field_error(&fe, "profile", "%s", err->message);
    return sm_problem_fields(resp, 400, &fe);
}

int sm_route_gaps(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp)
{
    static const char *const keys[] = {"profile", "profile_id", "target", "lang", NULL};
    gap_request *q = sm_calloc(1, sizeof *q);
    if (!q)
        return SM_ENOMEM;
    json_t *body = read_gap_request(s, g, rq, keys, q, resp);
    if (!body) {
        sm_free(q);
        return 0;
    }
    json_decref(body);
    sm_match_reader *r = sm_gen_reader(g);
    if (!r) {
        json_decref(q->target_out);
        sm_free(q);
        return sm_readers_busy(resp);
    }
    sm_error err = {0};
    int n = sm_match_gaps(r, &q->profile.p, q->target, q->target_count, 1, &err);
    int rc;
    if (n < 0)
        rc = matcher_error(resp, n, &err);
    else {
        json_t *gaps = json_array();
        for (int i = 0; i < n; i++) {
            const sm_gap *gp = sm_match_gap_get(r, (size_t)i);
            static const char *const statuses[] = {"met", "under_level", "near", "missing"};
            json_t *item = json_pack(
                "{s:s,s:s,s:b,s:s,s:i,s:i,s:b,s:I}", "uri", sm_taxonomy_uri(g->tx, gp->skill),
                "label", sm_taxonomy_label_any(g->tx, gp->skill, q->lang), "essential",
                gp->essential, "status", statuses[gp->status < 4 ? gp->status : 3],
                "required_level", gp->required_level, "profile_level", gp->profile_level,
                "under_level", gp->under_level, "offers_nearby", (json_int_t)gp->offers_nearby);
            if (gp->closest != SM_NO_CONCEPT) {
                json_t *c = skill_ref(g, gp->closest, q->lang);
                json_object_set_new(c, "similarity", json_real(rounded3(gp->similarity)));
                json_object_set_new(item, "closest", c);
            } else
                json_object_set_new(item, "closest", json_null());
            json_array_append_new(gaps, item);
        }
        rc = sm_resp_json(resp, 200,
                          json_pack("{s:o,s:I,s:o}", "target", q->target_out, "requirements",
                                    (json_int_t)q->target_count, "gaps", gaps));
        q->target_out = NULL;
    }
    sm_gen_reader_put(g, r);
    json_decref(q->target_out);
    sm_free(q);
    return rc;
}

/* Reads "constraints" into c (field errors into fe). */
static void read_constraints(json_t *obj, sm_path_constraints *c, sm_field_errors *fe)
{
    c->max_hours = c->max_cost = c->max_distance_km = -1;
    if (!obj || json_is_null(obj))
        return;
    if (!json_is_object(obj)) {
        sm_field_error(fe, "constraints", "must be an object");
        return;
    }
    static const char *const keys[] = {
        "max_hours", "max_cost", "max_distance_km", "remote_only", "funding", "start_before", NULL};
    sm_check_keys(obj, "constraints", keys, fe);
    sm_get_number(obj, "constraints", "max_hours", 0, 100000, &c->max_hours, fe);
    sm_get_number(obj, "constraints", "max_cost", 0, 1e7, &c->max_cost, fe);
    sm_get_number(obj, "constraints", "max_distance_km", 0, 20000, &c->max_distance_km, fe);
    sm_get_bool(obj, "constraints", "remote_only", &c->remote_only, fe);
    if (sm_get_date(obj, "constraints", "start_before", &c->start_before, fe) &&
        c->start_before < sm_today())
        sm_field_error(fe, "constraints.start_before",
                       "already past: no session can start by then");
    json_t *funding = json_object_get(obj, "funding"), *v;
    size_t i;
    if (funding && !json_is_null(funding)) {
        if (!json_is_array(funding))
            sm_field_error(fe, "constraints.funding", "must be an array of scheme names");
        else
            json_array_foreach(funding, i, v) {
                char p[64];
                uint32_t bit = json_is_string(v) ? sm_funding_bit(json_string_value(v)) : 0;
                if (!bit)
                    sm_field_error(fe, sm_path_index(p, sizeof p, "constraints.funding", i),
                                   "must be one of CPF, OPCO, France Travail, region, employer, "
                                   "PIC, AGEFIPH, self");
                c->funding |= bit;
            }
    }
}

static json_t *date_or_null(int32_t day, int known)
{
    char d[11];
    if (!known)
        return json_null();
    sm_format_date(day, d);
    return json_string(d);
}

static json_t *funding_list(uint32_t bits)
{
    json_t *a = json_array();
    for (int i = 0; sm_funding_names[i]; i++)
        if (bits >> i & 1)
            json_array_append_new(a, json_string(sm_funding_names[i]));
    return a;
}

/* v to 2 decimals (hours, euros, km), or 3 (scores, similarities). */
static double rounded(double v)
{
    return (double)(long long)(v * 100 + (v >= 0 ? 0.5 : -0.5)) / 100;
}

static double rounded3(double v)
{
    return (double)(long long)(v * 1000 + (v >= 0 ? 0.5 : -0.5)) / 1000;
}

static json_t *render_path(sm_gen *g, const sm_plan *plan, const sm_plan_path *p, sm_lang lang)
{
    json_t *steps = json_array();
    for (size_t i = 0; i < p->step_count; i++) {
        const sm_plan_step *st = &p->steps[i];
        json_t *covers = json_array(), *labels = json_array(), *prepares = json_array();
        for (size_t k = 0; k < st->cover_count; k++) {
            json_array_append_new(covers, json_string(sm_taxonomy_uri(g->tx, st->covers[k])));
            json_array_append_new(labels,
                                  json_string(sm_taxonomy_label_any(g->tx, st->covers[k], lang)));
        }
        for (size_t k = 0; k < st->prepare_count; k++)
            json_array_append_new(prepares, skill_ref(g, st->prepares[k], lang));
        json_t *step = json_pack(
            "{s:s,s:s?,s:o,s:o,s:o,s:s,s:f,s:f,s:f,s:o,s:o,s:o,s:o,s:b,s:o,s:b}", "training_id",
            st->training_id, "title", st->title, "covers", covers, "covers_labels", labels,
            "prepares", prepares, "explanation", st->explanation, "hours", rounded(st->hours),
            "cost", rounded(st->cost), "price", rounded(st->price), "funded_by",
            funding_list(st->funded_by), "fundable_by", funding_list(st->fundable_by), "start",
            date_or_null(st->start, 1), "finish", date_or_null(st->finish, 1), "start_date_known",
            st->start_known, "distance_km",
            st->distance_km >= 0 ? json_real(rounded3(st->distance_km)) : json_null(), "remote",
            st->remote);
        json_object_set_new(step, "prepares_step",
                            st->opens ? json_integer((json_int_t)st->opens) : json_null());
        json_array_append_new(steps, step);
    }
    json_t *remaining = json_array();
    for (size_t k = 0; k < p->remaining_count; k++) {
        json_t *ref = skill_ref(g, p->remaining[k], lang);
        json_object_set_new(ref, "essential", json_boolean(p->remaining_essential[k]));
        json_array_append_new(remaining, ref);
    }
    json_t *best = json_array();
    for (size_t k = 0; k < p->best_count; k++)
        json_array_append_new(best,
                              json_pack("{s:s,s:s?,s:f}", "offer_id", p->best[k].id, "title",
                                        p->best[k].title, "score", rounded3(p->best[k].score)));
    size_t more = p->offers_after > plan->offers_now ? p->offers_after - plan->offers_now : 0;
    return json_pack("{s:o,s:f,s:f,s:f,s:o,s:o,s:o,s:f,s:{s:I,s:I,s:I,s:o},s:b}", "steps", steps,
                     "total_hours", rounded(p->total_hours), "total_cost", rounded(p->total_cost),
                     "total_price", rounded(p->total_price), "earliest_finish",
                     date_or_null(p->finish, p->step_count > 0), "max_distance_km",
                     p->max_distance_km >= 0 ? json_real(rounded(p->max_distance_km)) : json_null(),
                     "remaining_gap", remaining, "coverage", rounded3(p->coverage), "unlocks",
                     "offers", (json_int_t)more, "offers_before", (json_int_t)plan->offers_now,
                     "offers_after", (json_int_t)p->offers_after, "best", best, "exact", p->exact);
}

/* Why there is no path: the reason, the trainings excluded by each constraint, a sentence. */
static json_t *render_no_path(const sm_plan *plan)
{
    static const char *const reasons[] = {"", "no_gap", "no_training", "all_excluded",
                                          "not_combinable"};
    static const char *const why[] = {"usable",    "expired",  "level", "remote_only",
                                      "max_hours", "max_cost", "dates", "distance"};
    json_t *excluded = json_object();
    for (int k = 1; k < SM_PLAN_EXCLUDED_COUNT; k++)
        if (plan->excluded[k])
            json_object_set_new(excluded, why[k], json_integer((json_int_t)plan->excluded[k]));
    return json_pack("{s:s,s:I,s:o,s:s}", "reason",
                     reasons[plan->no_path >= 1 && plan->no_path <= 4 ? plan->no_path : 2],
                     "usable", (json_int_t)plan->excluded[SM_PLAN_USABLE], "excluded", excluded,
                     "explanation", plan->no_path_explanation ? plan->no_path_explanation : "");
}

int sm_route_paths(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp)
{
    static const char *const keys[] = {"profile",     "profile_id",       "target", "lang",
                                       "constraints", "unlock_threshold", NULL};
    gap_request *q = sm_calloc(1, sizeof *q);
    if (!q)
        return SM_ENOMEM;
    json_t *body = read_gap_request(s, g, rq, keys, q, resp);
    if (!body) {
        sm_free(q);
        return 0;
    }
    sm_field_errors fe = {0};
    sm_path_constraints c;
    memset(&c, 0, sizeof c);
    read_constraints(json_object_get(body, "constraints"), &c, &fe);
    sm_get_number(body, "", "unlock_threshold", 0.05, 1, &c.threshold, &fe);
    json_decref(body);
    if (fe.count) {
        json_decref(q->target_out);
        sm_free(q);
        return sm_problem_fields(resp, 400, &fe);
    }
    c.funding_names = sm_funding_names;
    c.lang = q->lang;
    sm_match_reader *r = sm_gen_reader(g);
    if (!r) {
        json_decref(q->target_out);
        sm_free(q);
        return sm_readers_busy(resp);
    }
    sm_error err = {0};
    sm_plan *plan = NULL;
    int rc = sm_match_paths(r, g->tx, &q->profile.p, q->target, q->target_count, &c, &plan, &err);
    sm_gen_reader_put(g, r);
    if (rc != SM_OK)
        rc = matcher_error(resp, rc, &err);
    else {
        json_t *paths = json_array();
        for (size_t i = 0; i < plan->path_count; i++)
            json_array_append_new(paths, render_path(g, plan, &plan->paths[i], q->lang));
        json_t *out = json_pack("{s:o,s:I,s:I,s:I,s:o}", "target", q->target_out, "gap_size",
                                (json_int_t)plan->gap_count, "trainings_considered",
                                (json_int_t)plan->trainings_kept, "trainings_teaching",
                                (json_int_t)plan->trainings_teaching, "paths", paths);
        json_object_set_new(out, "no_path", plan->path_count ? json_null() : render_no_path(plan));
        rc = sm_resp_json(resp, 200, out);
        q->target_out = NULL;
    }
    sm_plan_free(plan);
    json_decref(q->target_out);
    sm_free(q);
    return rc;
}
