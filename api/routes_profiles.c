/*
 * routes_profiles.c: job seekers' profiles: create (by an inclusion
 * organisation for a person it supports, or by the person without a key),
 * read, replace, erase and export.
 *
 * A profile is personal data. Only the person (through the seeker key the
 * creation answer carries once), the organisation that created it, and an
 * admin can see or change it; anyone else gets 404, as if it did not exist.
 * Erasure removes the profile, its seeker keys and any stored idempotent
 * answers about it, in one transaction, then from memory.
 */
#include "api/audit.h"
#include "api/consent.h"
#include "api/jobs.h"
#include "api/keys_cache.h"
#include "api/messages.h"
#include "api/records.h"
#include "api/resource.h"
#include "api/routes.h"
#include "sql/audit.h"
#include "sql/profiles.h"
#include "taxonomy/base/alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct profile_in {
    sm_resource_in r; /* id, doc, If-Match, version: first, for the write pipeline */
    int32_t skills[SM_MAX_PROFILE_SKILLS];
    int nskills;
    int located;
    double lat, lon;
    float radius_km;
    unsigned constraints, consent;
    char owner[208]; /* "" when the person created it */
    char key[SM_KEY_LEN + 1];
    long long key_id;
    /* Created from the service's own page asking to remember the person: the key goes into
     * the pages' cookie only, and a second seeker key, the recovery code, is shown to print
     * (api/session.c). */
    int remember;
    char recovery[SM_KEY_LEN + 1];
    long long recovery_id;
    /* who may write it (PUT, PATCH, DELETE): checked again in SQL */
    const char *org;
    int admin, seeker;
} profile_in;

static const char *const profile_fields[] = {"skills",       "description", "location", "radius_km",
                                             "consent",      "constraints", "contact",  "lang",
                                             "iae_eligible", "experience",  NULL};

static void read_claims(sm_gen *g, json_t *arr, json_t *doc, profile_in *in, sm_field_errors *fe)
{
    char path[48], p2[80];
    if (!json_is_array(arr)) {
        sm_field_error(fe, "skills", "must be an array of {\"uri\":…,\"level\":…,\"evidence\":…}");
        return;
    }
    if (json_array_size(arr) > SM_MAX_PROFILE_SKILLS) {
        sm_field_error(fe, "skills", "at most %d skills", SM_MAX_PROFILE_SKILLS);
        return;
    }
    json_t *norm = json_array(), *item;
    size_t i;
    json_array_foreach(arr, i, item) {
        sm_path_index(path, sizeof path, "skills", i);
        if (!json_is_object(item)) {
            sm_field_error(fe, path, "must be an object {\"uri\":…}");
            continue;
        }
        /* "source" and "essential": a proposal of POST /v1/profiles/suggest sent back as it
         * came; the job it names is kept ("from"), the rest is the proposal's explanation. */
        static const char *const keys[] = {"uri",       "level",      "evidence", "label",
                                           "extracted", "confidence", "from",     "source",
                                           "essential", NULL};
        sm_check_keys(item, path, keys, fe);
        uint32_t id = sm_resolve_concept(g, json_object_get(item, "uri"),
                                         sm_path(p2, sizeof p2, path, "uri"), SM_REF_SKILL, fe);
        long long level = 0;
        sm_get_int(item, path, "level", 0, SM_MAX_LEVEL, &level, fe);
        int evidence = sm_read_evidence(item, path, fe);
        int extracted = 0, essential = 0;
        sm_get_bool(item, path, "extracted", &extracted, fe);
        sm_get_bool(item, path, "essential", &essential, fe);
        /* the job a claim came from: "from", or a proposal's source.job.id */
        json_t *from = json_object_get(item, "from"), *source = json_object_get(item, "source");
        if (!from && json_is_object(source))
            from = json_object_get(json_object_get(source, "job"), "id");
        else if (source && !json_is_null(source) && !json_is_object(source))
            sm_field_error(fe, sm_path(p2, sizeof p2, path, "source"),
                           "must be the object a suggestion gave");
        sm_job job = {SM_JOB_NONE, 0};
        if (from && !json_is_null(from)) {
            job = sm_job_find(g, json_is_string(from) ? json_string_value(from) : NULL, NULL);
            if (job.kind == SM_JOB_NONE)
                sm_field_error(fe, sm_path(p2, sizeof p2, path, "from"),
                               "not a job: an ESCO occupation URI, rome:CODE or ogr:NUMBER");
        }
        if (id == SM_NO_CONCEPT)
            continue;
        uint32_t cid = g->map.cid_of[id];
        int dup = 0;
        for (int k = 0; k < in->nskills && !dup; k++)
            dup = sm_claim_cid(in->skills[k]) == cid;
        if (dup) {
            sm_field_error(fe, sm_path(p2, sizeof p2, path, "uri"), "listed twice");
            continue;
        }
        in->skills[in->nskills++] = sm_pack_claim(cid, evidence, (int)level);
        json_t *o = json_pack("{s:s, s:s}", "uri", sm_taxonomy_uri(g->tx, id), "evidence",
                              sm_evidence_names[evidence]);
        if (level)
            json_object_set_new(o, "level", json_integer(level));
        if (extracted)
            json_object_set_new(o, "extracted", json_true());
        if (job.kind != SM_JOB_NONE) {
            char jid[1100];
            sm_job_id(g, job, jid, sizeof jid);
            json_object_set_new(o, "from", json_string(jid));
        }
        json_array_append_new(norm, o);
    }
    json_object_set_new(doc, "skills", norm);
}

static void read_flags(json_t *body, const char *name, const char *const *keys,
                       const unsigned *bits, json_t *doc, unsigned *out, sm_field_errors *fe)
{
    json_t *o = json_object_get(body, name);
    if (!o || json_is_null(o))
        return;
    if (!json_is_object(o)) {
        sm_field_error(fe, name, "must be an object of true/false fields");
        return;
    }
    sm_check_keys(o, name, keys, fe);
    json_t *norm = json_object();
    for (size_t i = 0; keys[i]; i++) {
        int v = 0;
        if (sm_get_bool(o, name, keys[i], &v, fe) && v)
            *out |= bits[i];
        json_object_set_new(norm, keys[i], json_boolean(v));
    }
    json_object_set_new(doc, name, norm);
}

/* The consent bit that lets an organisation see who a candidate is. */
#define CONSENT_SHARE_CONTACT (1u << 8)
#define CONSENT_STATISTICS (1u << 9)

/* Validates a profile given as JSON into in (in->r.doc set), recording field errors. */
static void profile_from_json(sm_gen *g, json_t *body, sm_resource_in *base, sm_field_errors *fe)
{
    profile_in *in = (profile_in *)base;
    in->r.doc = json_object();
    sm_check_keys(body, "", profile_fields, fe);
    json_t *skills = json_object_get(body, "skills");
    const char *description = sm_get_string(body, "", "description", 20000, 0, fe);
    const char *lang = sm_get_string(body, "", "lang", 2, 0, fe);
    if (lang && strcmp(lang, "fr") && strcmp(lang, "en")) {
        sm_field_error(fe, "lang", "must be \"fr\" or \"en\"");
        lang = NULL;
    }
    /* The jobs the person did (experience): kept; without skills listed, what they propose
     * (api/jobs.h) becomes the person's skills, as a suggestion would have them. */
    json_t *experience = json_object_get(body, "experience"), *jobs = NULL;
    sm_experience exp[SM_MAX_EXPERIENCE];
    size_t nexp = 0;
    if (experience && !json_is_null(experience)) {
        nexp = sm_read_experience(g, experience, exp, &jobs, in->r.request_lang, fe);
        json_object_set_new(in->r.doc, "experience", jobs ? jobs : json_array());
    }
    /* Skills listed are the person's; without any, those found in the description and those
     * the jobs propose. */
    if (skills && !json_is_null(skills) && (json_array_size(skills) || (!description && !nexp)))
        read_claims(g, skills, in->r.doc, in, fe);
    else if ((description || nexp) && !fe->count) {
        /* The person's own words: the skills found are declared, and marked extracted. */
        json_t *found = description ? sm_extract_skills(g, description,
                                                        !lang                 ? in->r.request_lang
                                                        : !strcmp(lang, "en") ? SM_LANG_EN
                                                                              : SM_LANG_FR,
                                                        0, 30)
                                    : json_array(),
               *item;
        json_t *norm = json_array();
        size_t i;
        json_array_foreach(found, i, item) {
            uint32_t id = sm_gen_concept(g, json_string_value(json_object_get(item, "uri")));
            if (id == SM_NO_CONCEPT || !g->map.cid_of[id] || in->nskills >= SM_MAX_PROFILE_SKILLS)
                continue;
            in->skills[in->nskills++] = sm_pack_claim(g->map.cid_of[id], 0, 0);
            json_array_append_new(norm,
                                  json_pack("{s:s, s:s, s:b}", "uri", sm_taxonomy_uri(g->tx, id),
                                            "evidence", "declared", "extracted", 1));
        }
        json_decref(found);
        sm_proposal props[SM_MAX_PROFILE_SKILLS];
        size_t np = sm_experience_proposals(g, exp, nexp, props, SM_MAX_PROFILE_SKILLS);
        for (size_t k = 0; k < np && k < SM_MAX_PROFILE_SKILLS; k++) {
            uint32_t id = props[k].s.concept, cid = g->map.cid_of[id];
            int dup = !cid;
            for (int h = 0; h < in->nskills && !dup; h++)
                dup = sm_claim_cid(in->skills[h]) == cid;
            if (dup || in->nskills >= SM_MAX_PROFILE_SKILLS)
                continue;
            in->skills[in->nskills++] = sm_pack_claim(cid, SM_EVIDENCE_FROM_EXPERIENCE, 0);
            char jid[1100];
            sm_job_id(g, exp[props[k].experience].job, jid, sizeof jid);
            json_array_append_new(norm,
                                  json_pack("{s:s, s:s, s:s}", "uri", sm_taxonomy_uri(g->tx, id),
                                            "evidence", "from_experience", "from", jid));
        }
        json_object_set_new(in->r.doc, "skills", norm);
    } else if (!fe->count)
        json_object_set_new(in->r.doc, "skills", json_array());
    if (description)
        json_object_set_new(in->r.doc, "description", json_string(description));
    sm_place_in place;
    if (sm_get_place(body, "", "location", g->places, &place, fe)) {
        in->located = 1;
        in->lat = place.lat;
        in->lon = place.lon;
        json_object_set_new(in->r.doc, "location", place.doc);
    }
    double radius = 0;
    if (sm_get_number(body, "", "radius_km", 0, 1000, &radius, fe)) {
        if (radius > 0 && !in->located && !place.given)
            sm_field_error(fe, "radius_km",
                           "needs a location {\"lat\":…,\"lon\":…} to be a distance from");
        in->radius_km = (float)radius;
        json_object_set_new(in->r.doc, "radius_km", json_real(radius));
    }
    static const char *const consent_keys[] = {"visible_to_organisations", "statistics",
                                               "share_contact", NULL};
    static const unsigned consent_bits[] = {SM_CONSENT_VISIBLE, CONSENT_STATISTICS,
                                            CONSENT_SHARE_CONTACT};
    sm_consent_read(json_object_get(body, "consent"),
                    in->r.prior ? json_object_get(in->r.prior, "consent") : NULL, consent_keys,
                    consent_bits, in->r.doc, &in->consent, fe);
    static const char *const constraint_keys[] = {"remote_only", "part_time", "no_car", NULL};
    static const unsigned constraint_bits[] = {SM_PROFILE_REMOTE_ONLY, SM_PROFILE_PART_TIME,
                                               SM_PROFILE_NO_CAR};
    read_flags(body, "constraints", constraint_keys, constraint_bits, in->r.doc, &in->constraints,
               fe);
    json_t *contact = json_object_get(body, "contact");
    if (contact && !json_is_null(contact)) {
        static const char *const keys[] = {"name", "email", "phone", NULL};
        if (!json_is_object(contact))
            sm_field_error(fe, "contact", "must be an object {\"name\":…,\"email\":…,\"phone\":…}");
        else {
            sm_check_keys(contact, "contact", keys, fe);
            json_t *o = json_object();
            for (size_t i = 0; keys[i]; i++) {
                const char *v = sm_get_string(contact, "contact", keys[i], 200, 0, fe);
                if (v)
                    json_object_set_new(o, keys[i], json_string(v));
            }
            json_object_set_new(in->r.doc, "contact", o);
        }
    }
    if (lang)
        json_object_set_new(in->r.doc, "lang", json_string(lang));
    /* Eligible for the IAE (insertion by economic activity), as the person or their
     * organisation states it (and withdraws it, with false or null): false leaves out the
     * offers reserved to eligible people. */
    int eligible = 0;
    if (sm_get_bool(body, "", "iae_eligible", &eligible, fe)) {
        json_object_set_new(in->r.doc, "iae_eligible", json_boolean(eligible));
        if (!eligible)
            in->constraints |= SM_PROFILE_NOT_IAE_ELIGIBLE;
    }
}

/* Who may change the profile and which versions (If-Match: none given or "*", any). */
static sm_row_guard profile_guard(const profile_in *in)
{
    sm_row_guard g = {in->org ? in->org : "", in->admin || in->seeker,
                      !in->r.if_given || in->r.if_any, in->r.if_versions, in->r.if_count};
    return g;
}

static int exec_profile(PGconn *c, sm_write_op *op, sm_error *err)
{
    sm_resource_ctx *w = op->ctx;
    profile_in *in = (profile_in *)w->in;
    sm_profile_row row = {in->r.id,
                          *in->owner ? in->owner : NULL,
                          w->doc_text,
                          in->skills,
                          (size_t)in->nskills,
                          in->located,
                          in->lat,
                          in->lon,
                          in->radius_km,
                          in->constraints,
                          in->consent};
    long long version = 0;
    int rc;
    if (!w->replace)
        rc = sm_store_profile_insert(c, &row, &version, err);
    else {
        sm_row_guard guard = profile_guard(in);
        rc = sm_store_profile_update(c, &row, &guard, &version, err);
    }
    in->r.version = rc == SM_OK ? version : 0;
    if (rc == SM_ESTALE) /* the 412 carries the version there is */
        op->current_version = version;
    if (rc != SM_OK)
        return rc;
    if (!w->replace) {
        char org[240];
        snprintf(org, sizeof org, "%s", *in->owner ? in->owner : "self");
        if ((rc = sm_key_store(c, in->key, org, SM_ROLE_SEEKER, in->r.id, 0, &in->key_id, err)))
            return rc;
        if (in->remember && (rc = sm_key_store(c, in->recovery, org, SM_ROLE_SEEKER, in->r.id, 0,
                                               &in->recovery_id, err)))
            return rc;
    }
    char name[37];
    sm_feed_id(op->feed_key, in->r.id, name);
    return sm_store_profile_changed(c, name, err);
}

/* The profile the index holds for in (claims: SM_MAX_PROFILE_SKILLS of room). */
static void profile_of(sm_gen *g, const profile_in *in, sm_profile *p, sm_skill_claim *claims)
{
    size_t n = 0;
    for (int i = 0; i < in->nskills; i++) {
        uint32_t cid, id;
        int ev, level;
        sm_unpack_claim(in->skills[i], &cid, &ev, &level);
        if ((id = sm_concept_id(&g->map, cid)) != SM_NO_CONCEPT)
            claims[n++] = (sm_skill_claim){id, (uint8_t)level, (uint8_t)ev};
    }
    memset(p, 0, sizeof *p);
    p->id = in->r.id;
    p->skills = claims;
    p->skill_count = n;
    p->location.known = in->located;
    p->location.lat = in->lat;
    p->location.lon = in->lon;
    p->radius_km = in->radius_km;
    p->constraints = in->constraints;
    p->consent = in->consent & (SM_CONSENT_VISIBLE | SM_CONSENT_STATISTICS);
}

static int check_profile(sm_gen *g, sm_resource_in *base, sm_error *err)
{
    sm_skill_claim claims[SM_MAX_PROFILE_SKILLS];
    sm_profile p;
    profile_of(g, (profile_in *)base, &p, claims);
    return sm_matcher_check_profile(g->m, &p, err);
}

static int apply_profile(sm_gen *g, sm_write_op *op, sm_error *err)
{
    sm_skill_claim claims[SM_MAX_PROFILE_SKILLS];
    sm_profile p;
    profile_of(g, (profile_in *)((sm_resource_ctx *)op->ctx)->in, &p, claims);
    return sm_matcher_upsert_profile(g->m, &p, err);
}

static json_t *render_profile(sm_gen *g, json_t *doc, const char *id, const char *owner,
                              const char *created, const char *updated, sm_lang lang)
{
    json_t *out = json_pack("{s:s}", "id", id);
    json_object_update(out, doc);
    json_object_set_new(out, "created_by", json_string(owner && *owner ? owner : "self"));
    if (created)
        json_object_set_new(out, "created_at", json_string(created));
    if (updated)
        json_object_set_new(out, "updated_at", json_string(updated));
    sm_label_skills(g, out, lang);
    return out;
}

/*
 * How long the profile is kept (api/retention.h), told in every answer that shows it: the
 * days, the last use (last_used: "YYYY-MM-DDTHH:MM:SSZ"; NULL: now), the day it will be
 * erased if not used again, and the rule in lang.
 */
static json_t *retention_json(sm_service *s, const char *last_used, sm_lang lang)
{
    int days = atomic_load(&s->retention_days);
    struct tm tm = {0};
    time_t t = time(NULL);
    if (last_used && sscanf(last_used, "%d-%d-%dT%d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                            &tm.tm_hour, &tm.tm_min, &tm.tm_sec) == 6) {
        tm.tm_year -= 1900;
        tm.tm_mon -= 1;
        t = timegm(&tm);
    }
    char used[24], until[16], rule[400];
    gmtime_r(&t, &tm);
    strftime(used, sizeof used, "%Y-%m-%dT%H:%M:%SZ", &tm);
    t += (time_t)days * 86400;
    gmtime_r(&t, &tm);
    strftime(until, sizeof until, "%Y-%m-%d", &tm);
    sm_msg_format(rule, sizeof rule, lang,
                  "kept %d days after its last use (read or changed with the person's key or by "
                  "their organisation, or changed), then erased with everything about it; using "
                  "it again restarts the count",
                  days);
    return json_pack("{s:i, s:s, s:s, s:s}", "days", days, "last_used_at", used, "erased_after",
                     until, "rule", rule);
}

/* Whether rq's reading of a profile it may see is the person's or their organisation's use
 * (which restarts the retention clock; an admin's is not). */
static int is_use(const sm_request *rq)
{
    return rq->who.role == SM_ROLE_SEEKER || rq->who.role == SM_ROLE_INCLUSION_ORG;
}

/* Whether rq may touch profile id at all (seekers: only theirs). -1: resp holds the 403/404. */
static int may_touch(const sm_request *rq, sm_response *resp, const char *id)
{
    if (sm_require_role(rq, resp,
                        SM_ROLEBIT(SM_ROLE_ADMIN) | SM_ROLEBIT(SM_ROLE_INCLUSION_ORG) |
                            SM_ROLEBIT(SM_ROLE_SEEKER)))
        return SM_EANSWERED;
    if (!sm_is_uuid(id) || (rq->who.role == SM_ROLE_SEEKER && strcmp(rq->who.profile_id, id))) {
        sm_problem(resp, 404, "no profile with this id");
        return SM_EANSWERED;
    }
    return 0;
}

/*
 * What an answer adds to a profile for the person: skills found in the description that
 * they did not list (suggested, never added: they confirm them by adding them), and what
 * to add for matches to work (warnings), in lang.
 */
static void advise(sm_gen *g, json_t *shown, json_t *doc, sm_lang lang)
{
    json_t *skills = json_object_get(doc, "skills");
    const char *description = json_string_value(json_object_get(doc, "description"));
    json_t *suggested = json_array();
    if (description) {
        json_t *found = sm_extract_skills(g, description, lang, 0, 30), *item;
        size_t i, k;
        json_t *mine;
        json_array_foreach(found, i, item) {
            const char *uri = json_string_value(json_object_get(item, "uri"));
            int listed = 0;
            json_array_foreach(skills, k, mine)
                listed |= !strcmp(json_string_value(json_object_get(mine, "uri")), uri);
            uint32_t id = sm_gen_concept(g, uri);
            if (listed || id == SM_NO_CONCEPT)
                continue;
            json_t *s = sm_concept_ref(g, id, lang);
            json_object_set(s, "confidence", json_object_get(item, "confidence"));
            json_array_append_new(suggested, s);
        }
        json_decref(found);
    }
    json_object_set_new(shown, "suggested_skills", suggested);
    json_t *warnings = json_array();
    if (!json_array_size(skills))
        json_array_append_new(
            warnings,
            json_pack("{s:s, s:s}", "field", "skills", "reason",
                      sm_msg("no skills yet: matches, gaps and paths need at least one; add "
                             "skills, or a description to find them in",
                             lang)));
    if (!json_is_object(json_object_get(doc, "location")))
        json_array_append_new(
            warnings,
            json_pack("{s:s, s:s}", "field", "location", "reason",
                      sm_msg("no place: distances cannot be used, and every on-site offer "
                             "counts as far; add {\"lat\":…,\"lon\":…}",
                             lang)));
    json_object_set_new(shown, "warnings", warnings);
}

/* The fields a profile's owner edits: its stored document (what PATCH merges into). */
static int read_current(sm_service *s, const sm_request *rq, sm_response *resp, json_t **doc,
                        long long *version)
{
    const char *id = rq->params[0];
    sm_error err = {0};
    PGconn *c = sm_route_db(s, resp);
    if (!c)
        return SM_EANSWERED;
    const char *org = rq->who.role == SM_ROLE_INCLUSION_ORG ? rq->who.org : "";
    char *text = NULL;
    int rc = sm_store_profile_doc(c, id, org,
                                  rq->who.role == SM_ROLE_ADMIN || rq->who.role == SM_ROLE_SEEKER,
                                  &text, version, &err);
    sm_db_put(s->db, c);
    if (rc == SM_ENOTFOUND)
        return sm_problem(resp, 404, "no profile with this id"), SM_EANSWERED;
    if (rc != SM_OK)
        return rc == SM_ENOMEM ? rc : (sm_db_unavailable(resp, &err), SM_EANSWERED);
    *doc = json_loads(text, 0, NULL);
    sm_free(text);
    return *doc ? 0
                : (sm_problem(resp, 500, "internal error (%s)", "stored document"), SM_EANSWERED);
}

/* Whether every skill of a stored list was found in a description (none listed by hand). */
static int only_extracted(json_t *skills)
{
    size_t i;
    json_t *it;
    json_array_foreach(skills, i, it)
        if (!json_is_true(json_object_get(it, "extracted")))
            return 0;
    return 1;
}

/* Whether the key may write this profile: a creation by a key needs an organisation's (or
 * admin's); a change needs the profile to be the key's to touch. */
static int admit_profile(sm_service *s, const sm_request *rq, sm_response *resp, sm_write_mode mode)
{
    (void)s;
    if (mode != SM_WRITE_CREATE)
        return may_touch(rq, resp, rq->params[0]);
    if (rq->who.key_id &&
        sm_require_role(rq, resp, SM_ROLEBIT(SM_ROLE_ADMIN) | SM_ROLEBIT(SM_ROLE_INCLUSION_ORG)))
        return SM_EANSWERED;
    return 0;
}

/* PATCH: skills found in the old description follow a new one, unless the person listed
 * skills of their own (or lists them in this patch). */
static void merge_profile(sm_gen *g, json_t *doc, json_t *patch, sm_resource_in *in,
                          sm_field_errors *fe)
{
    if (json_is_string(json_object_get(patch, "description")) &&
        !json_object_get(patch, "skills") && only_extracted(json_object_get(doc, "skills")))
        json_object_del(doc, "skills");
    /* A location that names a new place replaces the stored one whole ({"place":…} over
     * stored coordinates); a patch of its label alone merges. */
    if (sm_location_names_place(json_object_get(patch, "location")))
        json_object_del(doc, "location");
    json_t *merged = sm_merge_patch(doc, patch);
    in->prior = doc; /* consent records kept or stamped against the stored ones */
    profile_from_json(g, merged, in, fe);
    in->prior = NULL;
    json_decref(doc);
    json_decref(merged);
}

static int prepare_profile(const sm_request *rq, sm_response *resp, sm_write_mode mode,
                           sm_resource_in *base)
{
    profile_in *in = (profile_in *)base;
    if (mode == SM_WRITE_CREATE && sm_uuid_generate(in->r.id) != SM_OK)
        return sm_problem(resp, 503, "no random bytes available");
    if (mode != SM_WRITE_CREATE)
        snprintf(in->r.id, sizeof in->r.id, "%s", rq->params[0]);
    if (mode == SM_WRITE_CREATE && rq->who.key_id)
        snprintf(in->owner, sizeof in->owner, "%s", rq->who.org);
    in->org = rq->who.role == SM_ROLE_INCLUSION_ORG ? rq->who.org : NULL;
    in->admin = rq->who.role == SM_ROLE_ADMIN;
    in->seeker = rq->who.role == SM_ROLE_SEEKER; /* may_touch checked it is theirs */
    /* The seeker key is made now, so that the answer, which carries it, can be stored for
     * an Idempotency-Key retry with the change (that copy is erased with the profile and
     * purged after a day: api/README.md). */
    if (mode == SM_WRITE_CREATE && sm_key_generate(in->key) != SM_OK)
        return sm_problem(resp, 503, "no random bytes available");
    const char *remember = sm_req_header(rq, "Skillmatch-Remember");
    if (mode == SM_WRITE_CREATE && remember && !strcmp(remember, "cookie")) {
        if (!sm_session_origin_ok(rq))
            return sm_problem(resp, 403, "only the service's own pages may do this");
        if (sm_key_generate(in->recovery) != SM_OK)
            return sm_problem(resp, 503, "no random bytes available");
        in->remember = 1;
        sm_session_set_cookie(resp, rq, in->key);
    }
    return 0;
}

static json_t *show_profile(sm_service *s, sm_gen *g, sm_resource_in *base, sm_write_mode mode,
                            sm_lang lang)
{
    profile_in *in = (profile_in *)base;
    json_t *shown = render_profile(g, in->r.doc, in->r.id, in->owner, NULL, NULL, lang);
    advise(g, shown, in->r.doc, lang);
    json_object_set_new(shown, "retention", retention_json(s, NULL, lang)); /* a write: used now */
    if (mode == SM_WRITE_CREATE && in->remember) /* the key is in the cookie only */
        json_object_set_new(shown, "recovery_code", json_string(in->recovery));
    else if (mode == SM_WRITE_CREATE)
        json_object_set_new(shown, "seeker_key", json_string(in->key));
    return shown;
}

/* A created profile's seeker key works at once (the cache learns it); an erased one's keys
 * stop at once. */
static void profile_committed(sm_service *s, sm_resource_in *base, sm_write_mode mode)
{
    profile_in *in = (profile_in *)base;
    if (mode == SM_WRITE_DELETE)
        sm_keys_forget_profile(s->keys, in->r.id);
    if (mode != SM_WRITE_CREATE)
        return;
    sm_keys_add_seeker(s->keys, in->key, in->key_id, *in->owner ? in->owner : "self", in->r.id);
    if (in->remember)
        sm_keys_add_seeker(s->keys, in->recovery, in->recovery_id, *in->owner ? in->owner : "self",
                           in->r.id);
}

static int exec_profile_delete(PGconn *c, sm_write_op *op, sm_error *err)
{
    profile_in *in = (profile_in *)((sm_resource_ctx *)op->ctx)->in;
    sm_row_guard guard = profile_guard(in);
    long long version = 0;
    char name[37];
    sm_feed_id(op->feed_key, in->r.id, name);
    int rc = sm_store_profile_erase(c, in->r.id, name, &guard, &version, err);
    if (rc == SM_ESTALE)
        op->current_version = version;
    return rc;
}

static int apply_profile_delete(sm_gen *g, sm_write_op *op, sm_error *err)
{
    (void)err;
    profile_in *in = (profile_in *)((sm_resource_ctx *)op->ctx)->in;
    int rc = sm_matcher_delete_profile(g->m, in->r.id);
    return rc == SM_ENOTFOUND ? SM_OK : rc;
}

static const sm_resource profile_resource = {
    .is_offer = 0,
    .collection = "/v1/profiles/",
    .in_size = sizeof(profile_in),
    .admit = admit_profile,
    .read = profile_from_json,
    .merge = merge_profile,
    .read_current = read_current,
    .prepare = prepare_profile,
    .check = check_profile,
    .show = show_profile,
    .exec = exec_profile,
    .apply = apply_profile,
    .exec_delete = exec_profile_delete,
    .apply_delete = apply_profile_delete,
    .committed = profile_committed,
    .idem_names_profile = 1,
    .secret = "seeker_key",
    .audit_noun = "profile",
    .replace_reads_current = 1,
};

int sm_profile_check(sm_gen *g, const sm_request *rq, sm_response *resp)
{
    return sm_resource_check(&profile_resource, g, rq, resp);
}

SM_RESOURCE_ROUTES(profile, &profile_resource)

/* The profile of the request's path, for a key that may see it: its rows (one) and the
 * connection they came on (to give back); NULL with resp filled (403, 404, 503). */
static sm_rows *fetch_profile(sm_service *s, const sm_request *rq, sm_response *resp, PGconn **conn)
{
    *conn = NULL;
    if (may_touch(rq, resp, rq->params[0]))
        return NULL;
    sm_error err = {0};
    PGconn *c = sm_route_db(s, resp);
    if (!c)
        return NULL;
    const char *org = rq->who.role == SM_ROLE_INCLUSION_ORG ? rq->who.org : "";
    sm_rows *rows = NULL;
    int rc = sm_store_profile_get(c, rq->params[0], org,
                                  rq->who.role == SM_ROLE_ADMIN || rq->who.role == SM_ROLE_SEEKER,
                                  &rows, &err);
    if (rc != SM_OK) {
        sm_db_put(s->db, c);
        if (rc == SM_ENOTFOUND)
            sm_problem(resp, 404, "no profile with this id");
        else if (rc == SM_ENOMEM)
            sm_problem(resp, 503, "out of memory");
        else
            sm_db_unavailable(resp, &err);
        return NULL;
    }
    *conn = c;
    return rows;
}

int sm_route_profile_get(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp)
{
    PGconn *c;
    sm_rows *rows = fetch_profile(s, rq, resp, &c);
    if (!rows)
        return 0;
    sm_db_put(s->db, c);
    sm_profile_shown shown = sm_profile_rows_at(rows, 0);
    json_t *doc = json_loads(shown.doc, 0, NULL);
    json_t *out = render_profile(g, doc, rq->params[0], shown.owner, shown.created_at,
                                 shown.updated_at, resp->lang);
    advise(g, out, doc, resp->lang);
    json_object_set_new(out, "retention",
                        retention_json(s, is_use(rq) ? NULL : shown.last_used_at, resp->lang));
    sm_audit_note(s->audit, &rq->who, "profile.read", rq->params[0], is_use(rq));
    sm_etag(shown.version, resp->etag);
    json_decref(doc);
    sm_rows_free(rows);
    return sm_resp_json(resp, 200, out);
}

static json_t *feedback_json(sm_feedback_shown f)
{
    return json_pack("{s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)f.id, "offer_id", f.offer_id,
                     "kind", f.kind, "comment", f.comment, "at", f.at);
}

int sm_route_profile_export(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp)
{
    PGconn *c;
    sm_rows *rows = fetch_profile(s, rq, resp, &c);
    if (!rows)
        return 0;
    sm_profile_shown shown = sm_profile_rows_at(rows, 0);
    json_t *doc = json_loads(shown.doc, 0, NULL);
    sm_lang lang = sm_req_lang(rq, NULL);
    json_t *profile = render_profile(g, doc, rq->params[0], shown.owner, shown.created_at,
                                     shown.updated_at, lang);
    json_object_set_new(profile, "retention",
                        retention_json(s, is_use(rq) ? NULL : shown.last_used_at, lang));
    json_decref(doc);
    sm_rows_free(rows);
    sm_error err = {0};
    json_t *keys = json_array(), *changes = json_array();
    int rc = sm_store_profile_keys(c, rq->params[0], &rows, &err);
    for (size_t i = 0; rc == SM_OK && i < sm_rows_count(rows); i++) {
        sm_key_shown key = sm_key_rows_at(rows, i);
        json_t *k = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)key.id, "role", key.role,
                              "created_at", key.created_at);
        if (*key.revoked_at)
            json_object_set_new(k, "revoked_at", json_string(key.revoked_at));
        json_array_append_new(keys, k);
    }
    sm_rows_free(rows);
    char name[37]; /* the feed names the person by a keyed hash (sql/007) */
    sm_feed_id(s->feed_key, rq->params[0], name);
    if (rc == SM_OK)
        rc = sm_store_profile_changes(c, name, &rows, &err);
    for (size_t i = 0; rc == SM_OK && i < sm_rows_count(rows); i++) {
        sm_change_shown ch = sm_change_rows_at(rows, i);
        json_array_append_new(changes, json_pack("{s:I, s:s, s:s}", "seq", (json_int_t)ch.seq, "op",
                                                 ch.op, "at", ch.at));
    }
    if (rc == SM_OK)
        sm_rows_free(rows);
    /* Answers kept for Idempotency-Keys (a day), as they were sent. None holds a seeker key
     * any more (the replay issues a new one); one kept by an older server shows its last
     * characters only (the person's own, and an export travels). */
    json_t *answers = json_array();
    if (rc == SM_OK)
        rc = sm_store_profile_answers(c, rq->params[0], &rows, &err);
    for (size_t i = 0; rc == SM_OK && i < sm_rows_count(rows); i++) {
        sm_answer_shown a = sm_answer_rows_at(rows, i);
        json_t *body = json_loads(a.body, 0, NULL);
        const char *key = json_string_value(json_object_get(body, "seeker_key"));
        if (key && strlen(key) > 6) {
            char masked[16];
            snprintf(masked, sizeof masked, "…%s", key + strlen(key) - 4);
            json_object_set_new(body, "seeker_key", json_string(masked));
        }
        json_array_append_new(answers,
                              json_pack("{s:i, s:s, s:o}", "status", (int)a.status, "kept_at",
                                        a.created_at, "answer", body ? body : json_string(a.body)));
    }
    if (rc == SM_OK)
        sm_rows_free(rows);
    json_t *feedback = json_array();
    if (rc == SM_OK)
        rc = sm_store_profile_feedback(c, rq->params[0], &rows, &err);
    for (size_t i = 0; rc == SM_OK && i < sm_rows_count(rows); i++)
        json_array_append_new(feedback, feedback_json(sm_feedback_rows_at(rows, i)));
    if (rc == SM_OK)
        sm_rows_free(rows);
    /* Who read or changed it (the audit trail names it by the same keyed hash as the feed). */
    json_t *audit = json_array();
    for (long long after = 0; rc == SM_OK;) {
        if ((rc = sm_audit_page(c, after, 1000, name, NULL, &rows, &err)) != SM_OK)
            break;
        size_t n = sm_rows_count(rows);
        for (size_t i = 0; i < n; i++) {
            sm_audit_entry e = sm_audit_rows_at(rows, i);
            json_array_append_new(audit, json_pack("{s:s, s:s, s:s}", "at", e.at, "actor", e.actor,
                                                   "action", e.action));
            after = e.id;
        }
        sm_rows_free(rows);
        if (n < 1000)
            break;
    }
    sm_db_put(s->db, c);
    if (rc != SM_OK) {
        json_decref(profile);
        json_decref(keys);
        json_decref(changes);
        json_decref(answers);
        json_decref(feedback);
        json_decref(audit);
        return rc == SM_ENOMEM ? rc : sm_db_unavailable(resp, &err);
    }
    /* (written within a second or so: listed in the next export) */
    sm_audit_note(s->audit, &rq->who, "profile.export", rq->params[0], is_use(rq));
    json_t *out = json_pack(
        "{s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:s}", "format", "skillmatch-profile-export/2",
        "profile", profile, "keys", keys, "changes", changes, "stored_answers", answers, "feedback",
        feedback, "audit", audit, "note",
        sm_msg("Everything skillmatch stores about this profile. Keys are kept as hashes only; "
               "logs and metrics hold no personal data. The audit entries and the change feed "
               "name the profile by a keyed hash, not by its id.",
               lang));
    return sm_resp_json(resp, 200, out);
}

/*
 * What the person says of a match shown to them (GDPR articles 21 and 22): "wrong" (it does
 * not fit what they can do) or "unwanted" (not to be shown), with a comment if they like; kept
 * for review, listed in the export, erased with the profile. The person's own key, or the
 * organisation helping them.
 */
int sm_route_profile_feedback(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp)
{
    (void)g;
    PGconn *c;
    sm_rows *rows = fetch_profile(s, rq, resp, &c);
    if (!rows)
        return 0;
    sm_rows_free(rows);
    json_t *body = sm_parse_body(rq, resp);
    if (!body) {
        sm_db_put(s->db, c);
        return 0;
    }
    sm_field_errors fe = {0};
    static const char *const keys[] = {"offer_id", "kind", "comment", NULL};
    sm_check_keys(body, "", keys, &fe);
    const char *offer = sm_get_string(body, "", "offer_id", 64, 1, &fe);
    const char *kind = sm_get_string(body, "", "kind", 16, 1, &fe);
    const char *comment = sm_get_string(body, "", "comment", 1000, 0, &fe);
    if (offer && !sm_is_uuid(offer))
        sm_field_error(&fe, "offer_id", "must be the id of an offer (a UUID)");
    if (kind && strcmp(kind, "wrong") && strcmp(kind, "unwanted"))
        sm_field_error(&fe, "kind", "must be \"wrong\" or \"unwanted\"");
    if (fe.count) {
        sm_db_put(s->db, c);
        json_decref(body);
        return sm_problem_fields(resp, 400, &fe);
    }
    sm_error err = {0};
    int rc =
        sm_store_feedback_add(c, rq->params[0], offer, kind, comment ? comment : "", &rows, &err);
    sm_db_put(s->db, c);
    json_decref(body);
    if (rc != SM_OK)
        return rc == SM_ENOMEM ? rc : sm_db_unavailable(resp, &err);
    sm_audit_note(s->audit, &rq->who, "profile.feedback", rq->params[0], is_use(rq));
    json_t *out = feedback_json(sm_feedback_rows_at(rows, 0));
    sm_rows_free(rows);
    return sm_resp_json(resp, 201, out);
}
