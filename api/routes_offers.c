/*
 * routes_offers.c: job and training offers: create (plain JSON or a
 * schema.org JobPosting), read, replace, delete, list; and the helpers every
 * route uses for skill references and idempotent writes.
 *
 * An offer body is validated in full against the current taxonomy before
 * anything is written; its skill references are then kept as concept
 * numbers, so the write applies to whatever generation is current when it
 * commits. The stored document is the normalised body; labels are added
 * when it is shown, in the reader's language.
 */
#include "api/messages.h"
#include "api/records.h"
#include "api/routes.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TITLE 300
#define MAX_DESCRIPTION 20000

/* ---- shared helpers --------------------------------------------------------- */

json_t *sm_concept_ref(sm_gen *g, uint32_t id, sm_lang lang)
{
    return json_pack("{s:s, s:s}", "uri", sm_taxonomy_uri(g->tx, id), "label",
                     sm_taxonomy_label_any(g->tx, id, lang));
}

uint32_t sm_resolve_concept(sm_gen *g, json_t *v, const char *path, sm_ref_kind kind,
                            sm_field_errors *fe)
{
    if (!json_is_string(v)) {
        sm_field_error(fe, path, v ? "must be a string (a concept URI)" : "required");
        return SM_NO_CONCEPT;
    }
    uint32_t id = sm_gen_concept(g, json_string_value(v));
    sm_concept_type t = id == SM_NO_CONCEPT ? SM_CT_UNKNOWN : sm_taxonomy_type(g->tx, id);
    if (id == SM_NO_CONCEPT || t == SM_CT_UNKNOWN) {
        sm_field_error(fe, path, "unknown ESCO concept");
        return SM_NO_CONCEPT;
    }
    if (kind == SM_REF_SKILL && !sm_concept_is_skill(t)) {
        sm_field_error(fe, path, "not a skill (%s)", sm_concept_type_name(t));
        return SM_NO_CONCEPT;
    }
    if (kind == SM_REF_OCCUPATION && t != SM_CT_OCCUPATION) {
        sm_field_error(fe, path, "not an occupation (%s)", sm_concept_type_name(t));
        return SM_NO_CONCEPT;
    }
    if (!g->map.cid_of[id] && id < g->map.id_cap) {
        sm_field_error(fe, path, "not stored in the database");
        return SM_NO_CONCEPT;
    }
    return id;
}

int sm_read_evidence(json_t *item, const char *path, sm_field_errors *fe)
{
    const char *ev = sm_get_string(item, path, "evidence", 20, 0, fe);
    if (!ev)
        return SM_EVIDENCE_DECLARED;
    for (int e = 0; sm_evidence_names[e]; e++)
        if (strcmp(ev, sm_evidence_names[e]) == 0)
            return e;
    char p[160];
    sm_field_error(fe, sm_path(p, sizeof p, path, "evidence"),
                   "must be declared, validated, assessed or certified");
    return SM_EVIDENCE_DECLARED;
}

void sm_label_skills(sm_gen *g, json_t *doc, sm_lang lang)
{
    static const char *const arrays[] = {"skills", "teaches", "prerequisites"};
    for (size_t a = 0; a < 3; a++) {
        json_t *arr = json_object_get(doc, arrays[a]), *item;
        size_t i;
        json_array_foreach(arr, i, item) {
            json_t *uri = json_object_get(item, "uri");
            uint32_t id =
                json_is_string(uri) ? sm_gen_concept(g, json_string_value(uri)) : SM_NO_CONCEPT;
            if (id != SM_NO_CONCEPT)
                json_object_set_new(item, "label",
                                    json_string(sm_taxonomy_label_any(g->tx, id, lang)));
        }
    }
    json_t *occ = json_object_get(doc, "occupation");
    if (json_is_string(occ)) {
        uint32_t id = sm_gen_concept(g, json_string_value(occ));
        if (id != SM_NO_CONCEPT)
            json_object_set_new(doc, "occupation_label",
                                json_string(sm_taxonomy_label_any(g->tx, id, lang)));
    }
}

json_t *sm_extract_skills(sm_gen *g, const char *text, sm_lang lang, int with_level_field,
                          size_t limit)
{
    (void)with_level_field;
    json_t *out = json_array();
    sm_extraction *x = sm_gen_extraction(g);
    if (!x || !out) {
        sm_gen_extraction_put(g, x);
        json_decref(out);
        return NULL;
    }
    /* The text's language is the request's: its labels first, the other's as a fallback. */
    int n = sm_extract_in(x, text, strlen(text), lang, 1, limit);
    for (int i = 0; i < n; i++) {
        const sm_extracted *e = sm_extraction_get(x, (size_t)i);
        if (sm_extract_shown(e->confidence) < SM_EXTRACT_MIN_CONFIDENCE ||
            !sm_concept_is_skill(sm_taxonomy_type(g->tx, e->concept)))
            continue;
        json_array_append_new(out, json_pack("{s:s, s:b, s:b, s:f}", "uri",
                                             sm_taxonomy_uri(g->tx, e->concept), "essential", 1,
                                             "extracted", 1, "confidence",
                                             sm_extract_shown(e->confidence)));
    }
    sm_gen_extraction_put(g, x);
    return out;
}

void sm_idem_prepare(const sm_request *rq, sm_write_op *op, unsigned status, const char *body)
{
    if (!rq->idem_key)
        return;
    op->idem_scope = rq->idem_scope;
    op->idem_key = rq->idem_key;
    memcpy(op->idem_hash, rq->idem_hash, 32);
    op->idem_status = status;
    op->idem_body = body;
    if (rq->idem_stored)
        *rq->idem_stored = 1;
}

int sm_write_failed(sm_response *resp, const sm_write_op *op, const char *what)
{
    int offer = strcmp(what, "offer") == 0;
    if (op->rc == SM_ENOTFOUND)
        return offer ? sm_problem(resp, 404, "no offer with this id")
                     : sm_problem(resp, 404, "no profile with this id");
    if (op->rc == SM_ESTALE && op->current_version)
        sm_etag(op->current_version, resp->etag);
    if (op->rc == SM_ESTALE)
        return offer ? sm_problem(resp, 412,
                                  "the offer changed since this version was read (If-Match): "
                                  "read it again, then send the change")
                     : sm_problem(resp, 412,
                                  "the profile changed since this version was read (If-Match): "
                                  "read it again, then send the change");
    if (op->rc == SM_EINVAL)
        return sm_problem(resp, 409, "%s", op->err.message);
    if (op->committed) /* in the database, not in the index: a restart rebuilds it */
        return sm_problem(resp, 500, "the change was saved but could not be indexed (%s)",
                          op->err.message);
    resp->retry_after = 2;
    return sm_problem(resp, 503, "the change was not saved: the database failed (%s)",
                      op->err.message);
}

int sm_db_unavailable(sm_response *resp, const sm_error *err)
{
    resp->retry_after = 1;
    return sm_problem(resp, 503, "%s", err->message);
}

PGconn *sm_route_db(sm_service *s, sm_response *resp)
{
    sm_error err = {0, ""};
    PGconn *c = sm_db_get(s->db, 2000, &err);
    if (!c)
        sm_db_unavailable(resp, &err);
    return c;
}

int sm_require_role(const sm_request *rq, sm_response *resp, unsigned roles_mask)
{
    if (SM_ROLEBIT(rq->who.role) & roles_mask)
        return 0;
    sm_problem(resp, 403, "a %s key cannot do this", sm_role_name(rq->who.role));
    return SM_EANSWERED;
}

/* ---- the offer body ---------------------------------------------------------- */

typedef struct offer_in {
    char id[37];
    sm_offer_kind kind;
    json_t *doc; /* normalised, owned */
    int32_t skills[SM_MAX_REQUIREMENTS], teaches[SM_MAX_REQUIREMENTS];
    int nskills, nteaches;
    char title[MAX_TITLE + 1];
    int located, remote;
    double lat, lon;
    float hours, duration_hours, cost;
    int32_t valid_from, valid_through;
    uint32_t occupation_cid, seats;
    unsigned flags;
    uint8_t org_kind, contract_type;
    uint32_t funding; /* the known schemes among "funding" */
    int32_t start_dates[SM_MAX_START_DATES];
    int nstart;
    char owner[208];
    int admin; /* the writer may change any organisation's offer */
    /* If-Match: the versions a replace or delete may apply to (any: "*"; none given: any) */
    long long if_versions[8];
    size_t if_count;
    int if_given, if_any;
    long long version;    /* the row's version once written */
    int retry_on_stale;   /* PATCH without If-Match: a concurrent change is merged with again */
    sm_lang request_lang; /* of the text to extract skills from, when the body says none */
} offer_in;

static const char *const job_fields[] = {"kind",
                                         "title",
                                         "description",
                                         "skills",
                                         "location",
                                         "organisation",
                                         "contract",
                                         "support_provided",
                                         "no_diploma_required",
                                         "valid_from",
                                         "valid_through",
                                         "remote",
                                         "requires_car",
                                         "occupation",
                                         "lang",
                                         "url",
                                         NULL};
static const char *const training_fields[] = {"kind",
                                              "title",
                                              "description",
                                              "teaches",
                                              "prerequisites",
                                              "location",
                                              "organisation",
                                              "duration_hours",
                                              "cost",
                                              "funding",
                                              "remote",
                                              "start_dates",
                                              "seats",
                                              "valid_from",
                                              "valid_through",
                                              "lang",
                                              "url",
                                              "contract",
                                              "support_provided",
                                              "no_diploma_required",
                                              NULL};

/* Reads a list of skill references into doc (normalised) and packed. */
static void read_skill_list(sm_gen *g, json_t *arr, const char *name, int with_essential,
                            json_t *doc, int32_t *packed, int *count, sm_field_errors *fe)
{
    char path[64], p2[96];
    *count = 0;
    if (!arr)
        return;
    if (!json_is_array(arr)) {
        sm_field_error(fe, name, "must be an array of {\"uri\":…}");
        return;
    }
    if (json_array_size(arr) > SM_MAX_REQUIREMENTS) {
        sm_field_error(fe, name, "at most %d skills", SM_MAX_REQUIREMENTS);
        return;
    }
    json_t *norm = json_array(), *item;
    size_t i;
    json_array_foreach(arr, i, item) {
        sm_path_index(path, sizeof path, name, i);
        if (!json_is_object(item)) {
            sm_field_error(fe, path, "must be an object {\"uri\":…}");
            continue;
        }
        static const char *const with_ess[] = {"uri",   "essential",  "level", "extracted",
                                               "label", "confidence", NULL};
        static const char *const without[] = {"uri", "level", "label", NULL};
        sm_check_keys(item, path, with_essential ? with_ess : without, fe);
        uint32_t id = sm_resolve_concept(g, json_object_get(item, "uri"),
                                         sm_path(p2, sizeof p2, path, "uri"), SM_REF_SKILL, fe);
        int essential = 1, extracted = 0;
        long long level = 0;
        if (with_essential) {
            sm_get_bool(item, path, "essential", &essential, fe);
            sm_get_bool(item, path, "extracted", &extracted, fe);
        }
        sm_get_int(item, path, "level", 0, SM_MAX_LEVEL, &level, fe);
        if (id == SM_NO_CONCEPT)
            continue;
        for (int k = 0; k < *count; k++)
            if ((uint32_t)packed[k] >> 5 == g->map.cid_of[id]) {
                sm_field_error(fe, sm_path(p2, sizeof p2, path, "uri"), "listed twice");
                id = SM_NO_CONCEPT;
                break;
            }
        if (id == SM_NO_CONCEPT)
            continue;
        packed[(*count)++] = sm_pack_requirement(g->map.cid_of[id], essential, (int)level);
        json_t *o = json_pack("{s:s}", "uri", sm_taxonomy_uri(g->tx, id));
        if (with_essential)
            json_object_set_new(o, "essential", json_boolean(essential));
        if (level)
            json_object_set_new(o, "level", json_integer(level));
        if (extracted)
            json_object_set_new(o, "extracted", json_true());
        json_array_append_new(norm, o);
    }
    json_object_set_new(doc, name, norm);
}

static void read_location(json_t *body, json_t *doc, offer_in *in, sm_field_errors *fe)
{
    sm_place_in place;
    if (!sm_get_place(body, "", "location", &place, fe))
        return;
    in->located = 1;
    in->lat = place.lat;
    in->lon = place.lon;
    json_t *out = json_pack("{s:f, s:f}", "lat", place.lat, "lon", place.lon);
    if (place.label)
        json_object_set_new(out, "label", json_string(place.label));
    json_object_set_new(doc, "location", out);
}

static void read_ess_fields(json_t *body, json_t *doc, offer_in *in, sm_field_errors *fe)
{
    json_t *org = json_object_get(body, "organisation");
    if (org && !json_is_null(org)) {
        if (!json_is_object(org))
            sm_field_error(fe, "organisation", "must be an object {\"name\":…,\"kind\":…}");
        else {
            static const char *const keys[] = {"name", "kind", NULL};
            sm_check_keys(org, "organisation", keys, fe);
            const char *name = sm_get_string(org, "organisation", "name", 200, 0, fe);
            const char *kind = sm_get_string(org, "organisation", "kind", 40, 0, fe);
            json_t *o = json_object();
            if (name)
                json_object_set_new(o, "name", json_string(name));
            if (kind) {
                in->org_kind = (uint8_t)sm_code_of(sm_org_kinds, sm_org_kind_count, kind);
                if (!in->org_kind)
                    sm_field_error(fe, "organisation.kind",
                                   "must be one of association, cooperative, mutual, foundation, "
                                   "social_enterprise, aci, ei, etti, ai, adapted_enterprise, "
                                   "esat, public, company");
                json_object_set_new(o, "kind", json_string(kind));
            }
            json_object_set_new(doc, "organisation", o);
        }
    }
    json_t *contract = json_object_get(body, "contract");
    if (contract && !json_is_null(contract)) {
        if (!json_is_object(contract))
            sm_field_error(fe, "contract", "must be an object {\"type\":…,\"hours_per_week\":…}");
        else {
            static const char *const keys[] = {"type", "hours_per_week", NULL};
            sm_check_keys(contract, "contract", keys, fe);
            const char *type = sm_get_string(contract, "contract", "type", 40, 0, fe);
            double hours = 0;
            int has_hours =
                sm_get_number(contract, "contract", "hours_per_week", 1, 60, &hours, fe);
            json_t *o = json_object();
            if (type) {
                in->contract_type =
                    (uint8_t)sm_code_of(sm_contract_types, sm_contract_type_count, type);
                if (!in->contract_type)
                    sm_field_error(fe, "contract.type",
                                   "must be one of CDI, CDD, CDDI, PEC, apprenticeship, "
                                   "professionalisation, interim, internship, civic_service, "
                                   "freelance");
                json_object_set_new(o, "type", json_string(type));
            }
            if (has_hours) {
                in->hours = (float)hours;
                json_object_set_new(o, "hours_per_week", json_real(hours));
            }
            json_object_set_new(doc, "contract", o);
        }
    }
    static const struct {
        const char *key;
        unsigned flag;
    } flags[] = {{"support_provided", SM_OFFER_SUPPORT},
                 {"no_diploma_required", SM_OFFER_NO_DIPLOMA},
                 {"requires_car", SM_OFFER_REQUIRES_CAR}};
    for (size_t i = 0; i < 3; i++) {
        int v = 0;
        if (sm_get_bool(body, "", flags[i].key, &v, fe)) {
            json_object_set_new(doc, flags[i].key, json_boolean(v));
            if (v)
                in->flags |= flags[i].flag;
        }
    }
    int remote = 0;
    if (sm_get_bool(body, "", "remote", &remote, fe)) {
        in->remote = remote;
        json_object_set_new(doc, "remote", json_boolean(remote));
    }
    if (sm_get_date(body, "", "valid_from", &in->valid_from, fe))
        json_object_set(doc, "valid_from", json_object_get(body, "valid_from"));
    if (sm_get_date(body, "", "valid_through", &in->valid_through, fe))
        json_object_set(doc, "valid_through", json_object_get(body, "valid_through"));
    if (in->valid_from && in->valid_through && in->valid_through < in->valid_from)
        sm_field_error(fe, "valid_through", "before valid_from");
    const char *url = sm_get_string(body, "", "url", 2000, 0, fe);
    if (url)
        json_object_set_new(doc, "url", json_string(url));
}

static void read_training_fields(json_t *body, json_t *doc, offer_in *in, sm_field_errors *fe)
{
    /* Hours and euros to the hundredth, as answers and sentences show them: more decimals
     * would be shown otherwise than they were given. */
    double d = 0;
    if (sm_get_number(body, "", "duration_hours", 0, 10000, &d, fe)) {
        if (!sm_hundredths(d))
            sm_field_error(fe, "duration_hours", "at most 2 decimals");
        in->duration_hours = (float)d;
        json_object_set_new(doc, "duration_hours", json_real(d));
    }
    if (sm_get_number(body, "", "cost", 0, 1000000, &d, fe)) {
        if (!sm_hundredths(d))
            sm_field_error(fe, "cost", "at most 2 decimals (cents)");
        in->cost = (float)d;
        json_object_set_new(doc, "cost", json_real(d));
    }
    long long seats = 0;
    if (sm_get_int(body, "", "seats", 0, 100000, &seats, fe)) {
        in->seats = (uint32_t)seats;
        json_object_set_new(doc, "seats", json_integer(seats));
    }
    json_t *funding = json_object_get(body, "funding"), *v;
    size_t i;
    if (funding && !json_is_null(funding)) {
        if (!json_is_array(funding) || json_array_size(funding) > 16)
            sm_field_error(fe, "funding", "must be an array of at most 16 scheme names");
        else {
            json_t *out = json_array();
            json_array_foreach(funding, i, v) {
                char p[48];
                if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) > 60)
                    sm_field_error(fe, sm_path_index(p, sizeof p, "funding", i),
                                   "must be a scheme name (CPF, OPCO, France Travail, region, "
                                   "employer, PIC, AGEFIPH, self, or another name)");
                else {
                    json_array_append(out, v);
                    in->funding |= sm_funding_bit(json_string_value(v));
                }
            }
            json_object_set_new(doc, "funding", out);
        }
    }
    json_t *dates = json_object_get(body, "start_dates");
    if (dates && !json_is_null(dates)) {
        if (!json_is_array(dates) || json_array_size(dates) > SM_MAX_START_DATES)
            sm_field_error(fe, "start_dates", "must be an array of at most %d dates",
                           SM_MAX_START_DATES);
        else {
            json_t *out = json_array();
            json_array_foreach(dates, i, v) {
                char p[48];
                int32_t day;
                if (!json_is_string(v) || sm_parse_date(json_string_value(v), &day) != 0)
                    sm_field_error(fe, sm_path_index(p, sizeof p, "start_dates", i),
                                   "must be a date YYYY-MM-DD");
                else {
                    json_array_append(out, v);
                    in->start_dates[in->nstart++] = day;
                }
            }
            json_object_set_new(doc, "start_dates", out);
        }
    }
}

/* Validates a plain offer body into in (in->doc set even on errors). */
static void read_offer(sm_gen *g, json_t *body, offer_in *in, sm_field_errors *fe)
{
    in->doc = json_object();
    const char *kind = sm_get_string(body, "", "kind", 20, 1, fe);
    if (kind && strcmp(kind, "job") && strcmp(kind, "training")) {
        sm_field_error(fe, "kind", "must be \"job\" or \"training\"");
        kind = NULL;
    }
    if (!kind)
        return;
    in->kind = strcmp(kind, "training") == 0 ? SM_OFFER_TRAINING : SM_OFFER_JOB;
    sm_check_keys(body, "", in->kind == SM_OFFER_JOB ? job_fields : training_fields, fe);
    json_object_set_new(in->doc, "kind", json_string(kind));
    const char *title = sm_get_string(body, "", "title", MAX_TITLE, 1, fe);
    if (title) {
        snprintf(in->title, sizeof in->title, "%s", title);
        json_object_set_new(in->doc, "title", json_string(title));
    }
    const char *description = sm_get_string(body, "", "description", MAX_DESCRIPTION, 0, fe);
    if (description)
        json_object_set_new(in->doc, "description", json_string(description));
    const char *lang = sm_get_string(body, "", "lang", 2, 0, fe);
    if (lang && strcmp(lang, "fr") && strcmp(lang, "en"))
        sm_field_error(fe, "lang", "must be \"fr\" or \"en\"");
    else if (lang)
        json_object_set_new(in->doc, "lang", json_string(lang));
    const char *list = in->kind == SM_OFFER_JOB ? "skills" : "teaches";
    json_t *skills = json_object_get(body, list);
    if (in->kind == SM_OFFER_JOB)
        read_skill_list(g, skills, "skills", 1, in->doc, in->skills, &in->nskills, fe);
    else {
        read_skill_list(g, skills, "teaches", 0, in->doc, in->teaches, &in->nteaches, fe);
        read_skill_list(g, json_object_get(body, "prerequisites"), "prerequisites", 0, in->doc,
                        in->skills, &in->nskills, fe);
        /* Prerequisites are all needed. */
        for (int i = 0; i < in->nskills; i++)
            in->skills[i] |= 1 << 4;
    }
    if (!skills || json_is_null(skills)) {
        if (!description)
            sm_field_error(fe, list, "required when there is no description to extract from");
        else if (!fe->count) {
            json_t *found = sm_extract_skills(
                g, description, lang && !strcmp(lang, "en") ? SM_LANG_EN : in->request_lang, 0, 30);
            json_t *norm = json_array(), *item;
            size_t i;
            json_array_foreach(found, i, item) {
                if (i >= SM_MAX_REQUIREMENTS)
                    break;
                uint32_t id = sm_gen_concept(g, json_string_value(json_object_get(item, "uri")));
                if (id == SM_NO_CONCEPT || !g->map.cid_of[id])
                    continue;
                int32_t v = sm_pack_requirement(g->map.cid_of[id], 1, 0);
                if (in->kind == SM_OFFER_JOB)
                    in->skills[in->nskills++] = v;
                else
                    in->teaches[in->nteaches++] = v;
                json_object_del(item, "confidence");
                if (in->kind == SM_OFFER_TRAINING)
                    json_object_del(item, "essential");
                json_array_append(norm, item);
            }
            json_decref(found);
            json_object_set_new(in->doc, list, norm);
            if (!json_array_size(norm))
                sm_field_error(fe, "description",
                               "no skill recognised in it: list the skills in \"%s\"", list);
        }
    } else if (in->kind == SM_OFFER_JOB && !in->nskills && !fe->count)
        sm_field_error(fe, "skills", "empty: list at least one skill");
    read_location(body, in->doc, in, fe);
    read_ess_fields(body, in->doc, in, fe);
    if (in->kind == SM_OFFER_TRAINING)
        read_training_fields(body, in->doc, in, fe);
    json_t *occ = json_object_get(body, "occupation");
    if (occ && !json_is_null(occ)) {
        uint32_t id = sm_resolve_concept(g, occ, "occupation", SM_REF_OCCUPATION, fe);
        if (id != SM_NO_CONCEPT) {
            in->occupation_cid = g->map.cid_of[id];
            json_object_set_new(in->doc, "occupation", json_string(sm_taxonomy_uri(g->tx, id)));
        }
    }
}

/* ---- schema.org JobPosting ------------------------------------------------------ */

/* Text without HTML tags and with the common entities decoded (descriptions often carry markup). */
static char *strip_html(const char *s)
{
    size_t n = strlen(s);
    char *out = malloc(n + 1), *w = out;
    if (!out)
        return NULL;
    int tag = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '<') {
            tag = 1;
            continue;
        }
        if (tag) {
            if (s[i] == '>') {
                tag = 0;
                *w++ = ' ';
            }
            continue;
        }
        static const struct {
            const char *entity, *text;
        } ents[] = {{"&amp;", "&"},    {"&lt;", "<"},    {"&gt;", ">"},     {"&quot;", "\""},
                    {"&apos;", "'"},   {"&nbsp;", " "},  {"&eacute;", "é"}, {"&egrave;", "è"},
                    {"&agrave;", "à"}, {"&ccedil;", "ç"}};
        int replaced = 0;
        for (size_t e = 0; e < sizeof ents / sizeof *ents && s[i] == '&'; e++) {
            size_t el = strlen(ents[e].entity);
            if (strncmp(s + i, ents[e].entity, el) == 0 && strlen(ents[e].text) <= el) {
                size_t tl = strlen(ents[e].text);
                memcpy(w, ents[e].text, tl);
                w += tl;
                i += el - 1;
                replaced = 1;
                break;
            }
        }
        /* &#233; and &#xE9;: the character, in UTF-8 (never longer than the reference). */
        if (!replaced && s[i] == '&' && s[i + 1] == '#') {
            int hex = s[i + 2] == 'x' || s[i + 2] == 'X';
            char *end;
            unsigned long c = strtoul(s + i + 2 + hex, &end, hex ? 16 : 10);
            if (end > s + i + 2 + hex && *end == ';' && c >= 0x20 && c <= 0x10FFFF &&
                !(c >= 0xD800 && c <= 0xDFFF)) {
                if (c < 0x80)
                    *w++ = (char)c;
                else if (c < 0x800) {
                    *w++ = (char)(0xC0 | c >> 6);
                    *w++ = (char)(0x80 | (c & 0x3F));
                } else if (c < 0x10000) {
                    *w++ = (char)(0xE0 | c >> 12);
                    *w++ = (char)(0x80 | (c >> 6 & 0x3F));
                    *w++ = (char)(0x80 | (c & 0x3F));
                } else {
                    *w++ = (char)(0xF0 | c >> 18);
                    *w++ = (char)(0x80 | (c >> 12 & 0x3F));
                    *w++ = (char)(0x80 | (c >> 6 & 0x3F));
                    *w++ = (char)(0x80 | (c & 0x3F));
                }
                i = (size_t)(end - s);
                replaced = 1;
            }
        }
        if (!replaced)
            *w++ = s[i];
    }
    *w = '\0';
    /* The spaces tags leave: runs as one, none at either end. */
    char *r = out, *d = out;
    for (; *r; r++)
        if (!(isspace((unsigned char)*r) && (d == out || d[-1] == ' ')))
            *d++ = isspace((unsigned char)*r) ? ' ' : *r;
    while (d > out && d[-1] == ' ')
        d--;
    *d = '\0';
    return out;
}

static const char *first_string(json_t *v)
{
    if (json_is_array(v))
        v = json_array_get(v, 0);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static double number_or_string(json_t *v, int *ok)
{
    *ok = 1;
    if (json_is_number(v))
        return json_number_value(v);
    if (json_is_string(v)) {
        char *end;
        double d = strtod(json_string_value(v), &end);
        if (end != json_string_value(v) && !*end)
            return d;
    }
    *ok = 0;
    return 0;
}

/* Maps a JobPosting into the plain offer body it stands for (a new object); errors in fe. */
/*
 * A JobPosting as our plain offer: nothing it says is dropped without a word. Its
 * employmentType (one or a list) gives the first contract type that maps; a value neither
 * schema.org's nor ours is an error. Its skills are DefinedTerms with an ESCO termCode, or
 * text (a string, or a term's name): each text is read in lang for the skills it names, and
 * one that names none is an error (the poster can code it). The description is kept as given.
 */
static json_t *from_job_posting(sm_gen *g, json_t *jp, sm_lang lang, sm_field_errors *fe)
{
    json_t *body = json_pack("{s:s}", "kind", "job");
    const char *title = first_string(json_object_get(jp, "title"));
    if (!title)
        sm_field_error(fe, "title", "required (a JobPosting's title)");
    else
        json_object_set_new(body, "title", json_string(title));
    const char *description = first_string(json_object_get(jp, "description"));
    if (description) {
        char *text = strip_html(description);
        if (text)
            json_object_set_new(body, "description", json_string(text));
        free(text);
    }
    const char *through = first_string(json_object_get(jp, "validThrough"));
    if (through)
        json_object_set_new(body, "valid_through",
                            json_stringn(through, strlen(through) >= 10 ? 10 : strlen(through)));
    /* Contract: our names pass through; schema.org's employment types map where they can (a
     * working time or "other" says no contract type). */
    json_t *et = json_object_get(jp, "employmentType"), *one;
    if (et && !json_is_array(et)) {
        json_t *list = json_array();
        json_array_append(list, et);
        et = list;
    } else
        json_incref(et);
    size_t k;
    const char *contract = NULL;
    json_array_foreach(et, k, one) {
        static const struct {
            const char *from, *to;
        } map[] = {
            {"TEMPORARY", "CDD"},        {"INTERN", "internship"}, {"VOLUNTEER", "civic_service"},
            {"CONTRACTOR", "freelance"}, {"FULL_TIME", NULL},      {"PART_TIME", NULL},
            {"PER_DIEM", NULL},          {"OTHER", NULL}};
        const char *type = json_string_value(one), *to = NULL;
        int known = type && sm_code_of(sm_contract_types, sm_contract_type_count, type);
        if (known)
            to = type;
        for (size_t i = 0; type && i < sizeof map / sizeof *map && !known; i++)
            if (strcasecmp(type, map[i].from) == 0) {
                known = 1;
                to = map[i].to;
            }
        if (!known) {
            char p[48];
            sm_field_error(fe, sm_path_index(p, sizeof p, "employmentType", k),
                           "neither a schema.org employment type (FULL_TIME, PART_TIME, "
                           "TEMPORARY, CONTRACTOR, INTERN, VOLUNTEER, PER_DIEM, OTHER) nor a "
                           "contract type");
        } else if (to && !contract)
            contract = to;
    }
    json_decref(et);
    if (contract)
        json_object_set_new(body, "contract", json_pack("{s:s}", "type", contract));
    json_t *org = json_object_get(jp, "hiringOrganization");
    const char *org_name =
        json_is_object(org) ? first_string(json_object_get(org, "name")) : first_string(org);
    if (org_name)
        json_object_set_new(body, "organisation", json_pack("{s:s}", "name", org_name));
    json_t *loc = json_object_get(jp, "jobLocation");
    if (json_is_array(loc))
        loc = json_array_get(loc, 0);
    if (json_is_object(loc)) {
        json_t *geo = json_object_get(loc, "geo");
        int ok1, ok2;
        double lat = number_or_string(json_object_get(geo, "latitude"), &ok1);
        double lon = number_or_string(json_object_get(geo, "longitude"), &ok2);
        json_t *addr = json_object_get(loc, "address");
        const char *locality = json_is_object(addr)
                                   ? first_string(json_object_get(addr, "addressLocality"))
                                   : first_string(addr);
        if (ok1 && ok2) {
            json_t *out = json_pack("{s:f, s:f}", "lat", lat, "lon", lon);
            if (locality)
                json_object_set_new(out, "label", json_string(locality));
            json_object_set_new(body, "location", out);
        } else
            sm_field_error(fe, "jobLocation.geo",
                           "needs latitude and longitude: an address alone is not a place");
    } else if (loc && !json_is_null(loc))
        sm_field_error(fe, "jobLocation", "must be a Place with geo.latitude and geo.longitude");
    const char *lt = first_string(json_object_get(jp, "jobLocationType"));
    if (lt && strcasecmp(lt, "TELECOMMUTE") == 0)
        json_object_set_new(body, "remote", json_true());
    json_t *occ = json_object_get(jp, "occupationalCategory");
    if (json_is_array(occ))
        occ = json_array_get(occ, 0);
    const char *occ_code = json_is_object(occ)
                               ? (first_string(json_object_get(occ, "termCode"))
                                      ? first_string(json_object_get(occ, "termCode"))
                                  : first_string(json_object_get(occ, "codeValue"))
                                      ? first_string(json_object_get(occ, "codeValue"))
                                      : first_string(json_object_get(occ, "@id")))
                               : first_string(occ);
    if (occ_code) {
        uint32_t id = sm_gen_concept(g, occ_code);
        if (id != SM_NO_CONCEPT && sm_taxonomy_type(g->tx, id) == SM_CT_OCCUPATION)
            json_object_set_new(body, "occupation", json_string(sm_taxonomy_uri(g->tx, id)));
    }
    /* Skills: DefinedTerms with an ESCO termCode, or text to read skills from. */
    json_t *skills = json_object_get(jp, "skills"), *item;
    if (skills && !json_is_array(skills)) {
        json_t *list = json_array();
        json_array_append(list, skills);
        skills = list;
    } else
        json_incref(skills);
    json_t *list = json_array();
    size_t i;
    json_array_foreach(skills, i, item) {
        char p[48];
        const char *text = json_is_string(item)   ? json_string_value(item)
                           : json_is_object(item) ? first_string(json_object_get(item, "name"))
                                                  : NULL;
        const char *code =
            json_is_object(item) ? first_string(json_object_get(item, "termCode")) : NULL;
        uint32_t id = code ? sm_gen_concept(g, code) : SM_NO_CONCEPT;
        if (!json_is_string(item) && !json_is_object(item))
            sm_field_error(fe, sm_path_index(p, sizeof p, "skills", i),
                           "must be a DefinedTerm or text");
        else if (id != SM_NO_CONCEPT && sm_concept_is_skill(sm_taxonomy_type(g->tx, id)))
            json_array_append_new(list, json_pack("{s:s}", "uri", sm_taxonomy_uri(g->tx, id)));
        else if (code && strncmp(code, "http://data.europa.eu/esco/", 27) == 0)
            sm_field_error(fe, sm_path_index(p, sizeof p, "skills", i),
                           "termCode: unknown ESCO concept");
        else if (text) {
            json_t *found = sm_extract_skills(g, text, lang, 0, 5), *f;
            size_t j;
            if (!json_array_size(found))
                sm_field_error(fe, sm_path_index(p, sizeof p, "skills", i),
                               "no skill found in this text: give a DefinedTerm with an ESCO "
                               "termCode");
            json_array_foreach(found, j, f)
                json_object_del(f, "confidence");
            json_array_extend(list, found);
            json_decref(found);
        } else
            sm_field_error(fe, sm_path_index(p, sizeof p, "skills", i),
                           "a DefinedTerm needs an ESCO termCode or a name");
    }
    json_decref(skills);
    /* The same skill named twice (coded and in words) is asked once. */
    json_t *unique = json_array(), *u;
    json_array_foreach(list, i, item) {
        int dup = 0;
        json_array_foreach(unique, k, u)
            dup |= json_equal(json_object_get(u, "uri"), json_object_get(item, "uri"));
        if (!dup)
            json_array_append(unique, item);
    }
    json_decref(list);
    if (json_array_size(unique))
        json_object_set_new(body, "skills", unique);
    else
        json_decref(unique);
    return body;
}

static int is_job_posting(json_t *body)
{
    json_t *type = json_object_get(body, "@type");
    const char *t = first_string(type);
    return t && (strcmp(t, "JobPosting") == 0 || strcmp(t, "schema:JobPosting") == 0 ||
                 strcmp(t, "http://schema.org/JobPosting") == 0 ||
                 strcmp(t, "https://schema.org/JobPosting") == 0);
}

/* Parses rq's body (plain or JobPosting) into in; 0, or -1 with resp filled. */
static int parse_offer(sm_gen *g, const sm_request *rq, sm_response *resp, offer_in *in)
{
    memset(in, 0, sizeof *in);
    json_t *body = sm_parse_body(rq, resp);
    if (!body)
        return SM_EANSWERED;
    sm_body_lang(rq, body, resp);
    in->request_lang = resp->lang;
    sm_field_errors fe = {0};
    if (is_job_posting(body)) {
        json_t *plain = from_job_posting(g, body, resp->lang, &fe);
        json_decref(body);
        body = plain;
        if (!fe.count)
            read_offer(g, body, in, &fe);
        if (in->doc)
            json_object_set_new(in->doc, "source", json_string("schema.org/JobPosting"));
    } else
        read_offer(g, body, in, &fe);
    json_decref(body);
    if (fe.count) {
        json_decref(in->doc);
        in->doc = NULL;
        sm_problem_fields(resp, 400, &fe);
        return SM_EANSWERED;
    }
    return 0;
}

int sm_offer_check(sm_gen *g, const sm_request *rq, sm_response *resp)
{
    offer_in *in = calloc(1, sizeof *in);
    if (!in)
        return sm_problem(resp, 503, "out of memory"), SM_EANSWERED;
    int rc = parse_offer(g, rq, resp, in);
    json_decref(in->doc);
    free(in);
    return rc;
}

/* ---- writes ------------------------------------------------------------------------ */

static void int_array_text(const int32_t *v, int n, char *out, size_t cap)
{
    size_t len = 0;
    out[len++] = '{';
    for (int i = 0; i < n && len + 16 < cap; i++)
        len += (size_t)snprintf(out + len, cap - len, i ? ",%d" : "%d", v[i]);
    snprintf(out + len, cap - len, "}");
}

typedef struct offer_write {
    offer_in *in;
    char *doc_text;
    int replace; /* PUT */
    int deleting;
    sm_offer_kind deleted_kind;
} offer_write;

/* The If-Match versions of in as a SQL array text ("{3,4}"), or NULL when any will do. */
static const char *offer_if_versions(const offer_in *in, char *buf, size_t cap)
{
    if (!in->if_given || in->if_any)
        return NULL;
    size_t len = (size_t)snprintf(buf, cap, "{");
    for (size_t i = 0; i < in->if_count && len + 24 < cap; i++)
        len += (size_t)snprintf(buf + len, cap - len, i ? ",%lld" : "%lld", in->if_versions[i]);
    snprintf(buf + len, cap - len, "}");
    return buf;
}

/* After an UPDATE or DELETE that matched no row: SM_ESTALE when the offer is there for this
 * writer, of its kind unless any_kind (its version did not match If-Match), else
 * SM_ENOTFOUND. */
static int offer_missing_or_stale(PGconn *c, const offer_in *in, int any_kind, sm_write_op *op,
                                  sm_error *err)
{
    char kind[4];
    snprintf(kind, sizeof kind, "%d", any_kind ? -1 : (int)in->kind);
    const char *p[] = {in->id, in->owner, in->admin ? "t" : "f", kind};
    PGresult *r;
    /* An offer of the other kind is not this one (a PUT cannot change the kind). */
    if (sm_db_exec(c,
                   "SELECT version FROM offers WHERE id = $1 AND (owner = $2 OR $3) AND (kind = "
                   "$4 OR $4 = '-1')",
                   4, p, &r, err))
        return SM_EIO;
    int there = PQntuples(r) == 1;
    if (there) /* the 412 carries the version there is, as PATCH's does */
        op->current_version = atoll(PQgetvalue(r, 0, 0));
    PQclear(r);
    return there ? SM_ESTALE : SM_ENOTFOUND;
}

static int exec_offer(PGconn *c, sm_write_op *op, sm_error *err)
{
    offer_write *w = op->ctx;
    offer_in *in = w->in;
    char skills[SM_MAX_REQUIREMENTS * 12 + 4], teaches[SM_MAX_REQUIREMENTS * 12 + 4];
    char lat[32], lon[32], hours[32], from[16], through[16], occ[16], flags[16], ok[8], ct[8],
        dur[32], cost[32], seats[16], kind[4], funding[16], dates[SM_MAX_START_DATES * 12 + 4];
    int_array_text(in->skills, in->nskills, skills, sizeof skills);
    int_array_text(in->start_dates, in->nstart, dates, sizeof dates);
    snprintf(funding, sizeof funding, "%u", in->funding);
    int_array_text(in->teaches, in->nteaches, teaches, sizeof teaches);
    snprintf(lat, sizeof lat, "%.7f", in->lat);
    snprintf(lon, sizeof lon, "%.7f", in->lon);
    snprintf(hours, sizeof hours, "%g", in->hours);
    snprintf(from, sizeof from, "%d", in->valid_from);
    snprintf(through, sizeof through, "%d", in->valid_through);
    snprintf(occ, sizeof occ, "%u", in->occupation_cid);
    snprintf(flags, sizeof flags, "%u", in->flags);
    snprintf(ok, sizeof ok, "%u", in->org_kind);
    snprintf(ct, sizeof ct, "%u", in->contract_type);
    snprintf(dur, sizeof dur, "%g", in->duration_hours);
    snprintf(cost, sizeof cost, "%g", in->cost);
    snprintf(seats, sizeof seats, "%u", in->seats);
    snprintf(kind, sizeof kind, "%d", in->kind);
    const char *p[] = {in->id,
                       kind,
                       in->owner,
                       w->doc_text,
                       skills,
                       teaches,
                       in->located ? lat : NULL,
                       in->located ? lon : NULL,
                       in->remote ? "t" : "f",
                       hours,
                       from,
                       through,
                       in->occupation_cid ? occ : NULL,
                       flags,
                       ok,
                       ct,
                       dur,
                       cost,
                       seats,
                       funding,
                       dates,
                       in->admin ? "t" : "f"};
    char versions[220];
    const char *up[23];
    memcpy(up, p, sizeof p);
    up[22] = offer_if_versions(in, versions, sizeof versions);
    PGresult *r;
    int rc;
    /* The row and its change-feed entry in one statement (one round trip). */
    if (!w->replace)
        rc =
            sm_db_exec(c,
                       "WITH o AS (INSERT INTO offers (id, kind, owner, doc, skills, teaches, lat, "
                       "lon, remote, hours, valid_from, valid_through, occupation, flags, "
                       "org_kind, contract_type, duration_hours, cost, seats, funding, "
                       "start_dates) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, "
                       "$13, $14, $15, $16, $17, $18, $19, $20, $21) RETURNING id, kind, "
                       "version), c AS (INSERT INTO changes (object, id, op, kind) SELECT "
                       "'offer', id, 'upsert', kind FROM o) SELECT version FROM o",
                       21, p, &r, err);
    else
        rc = sm_db_exec(c,
                        "WITH o AS (UPDATE offers SET doc = $4, skills = $5, teaches = $6, lat = "
                        "$7, lon = $8, remote = $9, hours = $10, valid_from = $11, valid_through = "
                        "$12, occupation = $13, flags = $14, org_kind = $15, contract_type = $16, "
                        "duration_hours = $17, cost = $18, seats = $19, funding = $20, "
                        "start_dates = $21, updated_at = now(), version = version + 1 WHERE id = "
                        "$1 AND kind = $2 AND (owner = $3 OR $22) AND ($23::bigint[] IS NULL OR "
                        "version = ANY($23::bigint[])) RETURNING id, kind, version), c AS (INSERT "
                        "INTO changes (object, id, op, kind) SELECT 'offer', id, 'upsert', kind "
                        "FROM o) SELECT version FROM o",
                        23, up, &r, err);
    if (rc != SM_OK)
        return rc;
    int n = PQntuples(r);
    in->version = n == 1 ? atoll(PQgetvalue(r, 0, 0)) : 0;
    PQclear(r);
    return n == 1 ? SM_OK : offer_missing_or_stale(c, in, 0, op, err);
}

static int apply_offer(sm_gen *g, sm_write_op *op, sm_error *err)
{
    offer_in *in = ((offer_write *)op->ctx)->in;
    sm_requirement reqs[SM_MAX_REQUIREMENTS], teaches[SM_MAX_REQUIREMENTS];
    size_t nr = 0, nt = 0;
    for (int i = 0; i < in->nskills; i++) {
        uint32_t cid, id;
        int ess, level;
        sm_unpack_requirement(in->skills[i], &cid, &ess, &level);
        if ((id = sm_concept_id(&g->map, cid)) != SM_NO_CONCEPT)
            reqs[nr++] = (sm_requirement){id, (uint8_t)ess, (uint8_t)level, 0};
    }
    for (int i = 0; i < in->nteaches; i++) {
        uint32_t cid, id;
        int ess, level;
        sm_unpack_requirement(in->teaches[i], &cid, &ess, &level);
        if ((id = sm_concept_id(&g->map, cid)) != SM_NO_CONCEPT)
            teaches[nt++] = (sm_requirement){id, 1, (uint8_t)level, 0};
    }
    sm_offer o;
    memset(&o, 0, sizeof o);
    o.id = in->id;
    o.title = in->title;
    o.kind = in->kind;
    o.requirements = reqs;
    o.requirement_count = nr;
    o.teaches = teaches;
    o.teach_count = nt;
    o.location.known = in->located;
    o.location.lat = in->lat;
    o.location.lon = in->lon;
    o.remote = in->remote;
    o.hours = in->hours;
    o.valid_from = in->valid_from;
    o.valid_through = in->valid_through;
    o.occupation = in->occupation_cid ? sm_concept_id(&g->map, in->occupation_cid) : SM_NO_CONCEPT;
    o.flags = in->flags;
    o.org_kind = in->org_kind;
    o.contract_type = in->contract_type;
    o.duration_hours = in->duration_hours;
    o.cost = in->cost;
    o.seats = in->seats;
    o.funding = in->funding;
    o.start_dates = in->start_dates;
    o.start_date_count = (size_t)in->nstart;
    return sm_matcher_upsert_offer(g->m, &o, err);
}

/* The offer as shown: the stored document with its id, owner, times and labels. */
static json_t *render_offer(sm_gen *g, json_t *doc, const char *id, const char *owner,
                            const char *created, const char *updated, sm_lang lang)
{
    json_t *out = json_pack("{s:s}", "id", id);
    json_object_update(out, doc);
    if (owner)
        json_object_set_new(out, "owner", json_string(owner));
    if (created)
        json_object_set_new(out, "created_at", json_string(created));
    if (updated)
        json_object_set_new(out, "updated_at", json_string(updated));
    sm_label_skills(g, out, lang);
    return out;
}

/*
 * What an answer to the offer's owner adds: what keeps the offer from being found as they
 * meant it (warnings, in lang): a closing date already past, a job with no place that is not
 * remote, funding names skillmatch does not know (kept and shown, never counted by paths).
 */
static void advise_offer(json_t *shown, json_t *doc, sm_lang lang)
{
    json_t *warnings = json_array();
    sm_field_errors ignored = {0};
    int32_t through = 0;
    if (sm_get_date(doc, "", "valid_through", &through, &ignored) && through < sm_today())
        json_array_append_new(
            warnings, json_pack("{s:s, s:s}", "field", "valid_through", "reason",
                                sm_msg("already past: the offer is in no match, candidate search, "
                                       "path or demand count until the date is changed",
                                       lang)));
    const char *kind = json_string_value(json_object_get(doc, "kind"));
    if (kind && !strcmp(kind, "job") && !json_is_object(json_object_get(doc, "location")) &&
        !json_is_true(json_object_get(doc, "remote")))
        json_array_append_new(
            warnings, json_pack("{s:s, s:s}", "field", "location", "reason",
                                sm_msg("no place, and not remote: people who give a distance "
                                       "never see it as near; add {\"lat\":…,\"lon\":…} or "
                                       "\"remote\": true",
                                       lang)));
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(doc, "funding"), i, v) {
        if (sm_funding_bit(json_string_value(v)))
            continue;
        char field[48];
        json_array_append_new(
            warnings,
            json_pack("{s:s, s:s}", "field", sm_path_index(field, sizeof field, "funding", i),
                      "reason",
                      sm_msg("not a scheme skillmatch knows (CPF, OPCO, France Travail, region, "
                             "employer, PIC, AGEFIPH, self): shown with the training, but "
                             "training paths cannot count it",
                             lang)));
    }
    json_object_set_new(shown, "warnings", warnings);
}

static unsigned roles_for(sm_offer_kind kind)
{
    return SM_ROLEBIT(SM_ROLE_ADMIN) |
           SM_ROLEBIT(kind == SM_OFFER_JOB ? SM_ROLE_INCLUSION_ORG : SM_ROLE_TRAINING_PROVIDER);
}

enum { CREATE, REPLACE, PATCH };

/* One write of a validated offer: committed, answered. Returns 1 when a PATCH met a concurrent
 * change and may be tried again, else 0 or an error. */
static int offer_write_once(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp,
                            int mode, offer_in *in)
{
    if (sm_require_role(rq, resp, roles_for(in->kind)))
        return 0;
    if (mode != CREATE)
        snprintf(in->id, sizeof in->id, "%s", rq->params[0]);
    else if (sm_uuid_generate(in->id) != SM_OK)
        return sm_problem(resp, 503, "no random bytes available");
    snprintf(in->owner, sizeof in->owner, "%s", rq->who.org);
    in->admin = rq->who.role == SM_ROLE_ADMIN;
    int replace = mode != CREATE;
    offer_write w = {in, json_dumps(in->doc, JSON_COMPACT | JSON_REAL_PRECISION(12)), replace, 0,
                     SM_OFFER_JOB};
    json_t *shown = render_offer(g, in->doc, in->id, in->owner, NULL, NULL, resp->lang);
    advise_offer(shown, in->doc, resp->lang);
    unsigned status = replace ? 200 : 201;
    char *answer = json_dumps(shown, JSON_COMPACT | JSON_REAL_PRECISION(12));
    json_decref(shown);
    sm_write_op op;
    memset(&op, 0, sizeof op);
    op.exec = exec_offer;
    op.apply = apply_offer;
    op.ctx = &w;
    sm_idem_prepare(rq, &op, status, answer);
    int rc = SM_OK;
    if (!w.doc_text || !answer)
        rc = SM_ENOMEM;
    else if (sm_writer_submit(s->writer, &op) != SM_OK) {
        if (op.rc == SM_ESTALE && mode == PATCH && in->retry_on_stale)
            rc = 1;
        else
            sm_write_failed(resp, &op, "offer");
    } else {
        sm_resp_text(resp, status, NULL, answer);
        answer = NULL;
        sm_etag(in->version ? in->version : 1, resp->etag);
        if (!replace)
            snprintf(resp->location, sizeof resp->location, "/v1/offers/%s", in->id);
    }
    free(answer);
    free(w.doc_text);
    return rc;
}

/* The stored document and version of an offer this key may change (PATCH merges into it):
 * 0, or -1 with resp filled (404). */
/* Whether rq's key has the wrong role for the kind of the offer it changes (a 403 in resp, as
 * for every write of that kind: offers are public, so the 403 tells nothing new). */
static int offer_role_refused(sm_service *s, const sm_request *rq, sm_response *resp)
{
    if (rq->who.role == SM_ROLE_ADMIN)
        return 0;
    sm_error err = {0, ""};
    PGconn *c = sm_db_get(s->db, 2000, &err);
    PGresult *r = NULL;
    const char *p[] = {rq->params[0]};
    if (!c || sm_db_exec(c, "SELECT kind FROM offers WHERE id = $1", 1, p, &r, &err)) {
        sm_db_put(s->db, c);
        return sm_db_unavailable(resp, &err), 1;
    }
    sm_db_put(s->db, c);
    int kind = PQntuples(r) == 1 ? atoi(PQgetvalue(r, 0, 0)) : -1;
    PQclear(r);
    return kind >= 0 &&
           sm_require_role(rq, resp, roles_for(kind == 1 ? SM_OFFER_TRAINING : SM_OFFER_JOB));
}

static int read_current_offer(sm_service *s, const sm_request *rq, sm_response *resp, json_t **doc,
                              long long *version)
{
    sm_error err = {0, ""};
    PGconn *c = sm_route_db(s, resp);
    if (!c)
        return SM_EANSWERED;
    const char *p[] = {rq->params[0], rq->who.org, rq->who.role == SM_ROLE_ADMIN ? "t" : "f"};
    PGresult *r;
    int rc = sm_db_exec(c, "SELECT doc, version FROM offers WHERE id = $1 AND (owner = $2 OR $3)",
                        3, p, &r, &err);
    sm_db_put(s->db, c);
    if (rc != SM_OK)
        return sm_db_unavailable(resp, &err), SM_EANSWERED;
    if (PQntuples(r) != 1) {
        PQclear(r);
        return sm_problem(resp, 404, "no offer with this id"), SM_EANSWERED;
    }
    *doc = json_loads(PQgetvalue(r, 0, 0), 0, NULL);
    *version = atoll(PQgetvalue(r, 0, 1));
    PQclear(r);
    return *doc ? 0 : (sm_problem(resp, 500, "internal error (%s)", "stored document"), -1);
}

static int write_offer(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp, int mode)
{
    if (sm_require_role(rq, resp,
                        SM_ROLEBIT(SM_ROLE_ADMIN) | SM_ROLEBIT(SM_ROLE_INCLUSION_ORG) |
                            SM_ROLEBIT(SM_ROLE_TRAINING_PROVIDER)))
        return 0;
    if (mode != CREATE && !sm_is_uuid(rq->params[0]))
        return sm_problem(resp, 404, "no offer with this id");
    offer_in *in = calloc(1, sizeof *in);
    if (!in)
        return SM_ENOMEM;
    int rc = SM_OK, given = 0, any = 0;
    long long versions[8];
    size_t count = 0;
    if (mode != CREATE && (given = sm_if_match(rq, versions, 8, &count, &any, resp)) < 0)
        goto done;
    if (mode != PATCH) {
        if (parse_offer(g, rq, resp, in) == 0) {
            in->if_given = given;
            in->if_any = any;
            in->if_count = count;
            memcpy(in->if_versions, versions, sizeof versions);
            rc = offer_write_once(s, g, rq, resp, mode, in);
            json_decref(in->doc);
        }
        goto done;
    }
    /* PATCH: the stored document, the patch merged in (RFC 7396), validated whole as a plain
     * offer of the same kind, written only over the version read (412 for a client's stale
     * If-Match; without one, a change made meanwhile is merged with again). */
    if (offer_role_refused(s, rq, resp))
        goto done;
    json_t *patch = sm_parse_patch_body(rq, resp);
    if (!patch)
        goto done;
    sm_body_lang(rq, patch, resp);
    for (int round = 0;; round++) {
        if (round == SM_PATCH_ROUNDS) {
            rc = sm_patch_busy(resp, 1);
            break;
        }
        json_t *doc;
        long long version;
        if (read_current_offer(s, rq, resp, &doc, &version) != 0)
            break;
        int accepted = !given || any;
        for (size_t i = 0; i < count && !accepted; i++)
            accepted = versions[i] == version;
        if (!accepted) {
            json_decref(doc);
            sm_etag(version, resp->etag);
            sm_problem(resp, 412,
                       "the offer changed since this version was read (If-Match): read it again, "
                       "then send the change");
            break;
        }
        json_t *source = json_incref(json_object_get(doc, "source"));
        json_object_del(doc, "source"); /* ours, not the client's: kept as it was */
        json_t *merged = sm_merge_patch(doc, patch);
        sm_field_errors fe = {0};
        if (!json_equal(json_object_get(merged, "kind"), json_object_get(doc, "kind")))
            sm_field_error(&fe, "kind", "cannot change: delete the offer and post a new one");
        json_decref(doc);
        memset(in, 0, sizeof *in);
        in->request_lang = resp->lang;
        if (!fe.count)
            read_offer(g, merged, in, &fe);
        json_decref(merged);
        if (fe.count) {
            json_decref(source);
            json_decref(in->doc);
            in->doc = NULL;
            sm_problem_fields(resp, 400, &fe);
            break;
        }
        if (source)
            json_object_set_new(in->doc, "source", source);
        in->if_given = 1;
        in->if_count = 1;
        in->if_versions[0] = version;
        in->retry_on_stale = !given;
        rc = offer_write_once(s, g, rq, resp, mode, in);
        json_decref(in->doc);
        if (rc != 1)
            break;
        rc = SM_OK;
    }
    json_decref(patch);
done:
    free(in);
    return rc;
}

int sm_route_offer_create(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp)
{
    return write_offer(s, g, rq, resp, CREATE);
}

int sm_route_offer_put(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp)
{
    return write_offer(s, g, rq, resp, REPLACE);
}

int sm_route_offer_patch(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp)
{
    return write_offer(s, g, rq, resp, PATCH);
}

static int exec_offer_delete(PGconn *c, sm_write_op *op, sm_error *err)
{
    offer_write *w = op->ctx;
    char versions[220];
    const char *p[] = {w->in->id, w->in->owner, w->in->admin ? "t" : "f",
                       offer_if_versions(w->in, versions, sizeof versions)};
    PGresult *r;
    if (sm_db_exec(c,
                   "WITH d AS (DELETE FROM offers WHERE id = $1 AND (owner = $2 OR $3) AND "
                   "($4::bigint[] IS NULL OR version = ANY($4::bigint[])) RETURNING id, kind) "
                   "INSERT INTO changes (object, id, op, kind) SELECT 'offer', id, 'delete', kind "
                   "FROM d RETURNING id",
                   4, p, &r, err))
        return SM_EIO;
    int n = PQntuples(r);
    PQclear(r);
    return n == 1 ? SM_OK : offer_missing_or_stale(c, w->in, 1, op, err);
}

static int apply_offer_delete(sm_gen *g, sm_write_op *op, sm_error *err)
{
    (void)err;
    offer_write *w = op->ctx;
    int rc = sm_matcher_delete_offer(g->m, w->in->id);
    return rc == SM_ENOTFOUND ? SM_OK : rc; /* an offer the index had refused */
}

int sm_route_offer_delete(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp)
{
    (void)g;
    if (sm_require_role(rq, resp,
                        SM_ROLEBIT(SM_ROLE_ADMIN) | SM_ROLEBIT(SM_ROLE_INCLUSION_ORG) |
                            SM_ROLEBIT(SM_ROLE_TRAINING_PROVIDER)))
        return 0;
    if (!sm_is_uuid(rq->params[0]))
        return sm_problem(resp, 404, "no offer with this id");
    if (offer_role_refused(s, rq, resp))
        return 0;
    offer_in in;
    memset(&in, 0, sizeof in);
    snprintf(in.id, sizeof in.id, "%s", rq->params[0]);
    snprintf(in.owner, sizeof in.owner, "%s", rq->who.org);
    in.admin = rq->who.role == SM_ROLE_ADMIN;
    int given = sm_if_match(rq, in.if_versions, 8, &in.if_count, &in.if_any, resp);
    if (given < 0)
        return 0;
    in.if_given = given;
    offer_write w = {&in, NULL, 0, 1, SM_OFFER_JOB};
    sm_write_op op;
    memset(&op, 0, sizeof op);
    op.exec = exec_offer_delete;
    op.apply = apply_offer_delete;
    op.ctx = &w;
    if (sm_writer_submit(s->writer, &op) != SM_OK)
        return sm_write_failed(resp, &op, "offer");
    sm_resp_text(resp, 204, NULL, NULL);
    return 0;
}

/* ---- reads ---------------------------------------------------------------------------- */

int sm_route_offer_get(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp)
{
    if (!sm_is_uuid(rq->params[0]))
        return sm_problem(resp, 404, "no offer with this id");
    sm_error err = {0, ""};
    PGconn *c = sm_route_db(s, resp);
    if (!c)
        return 0;
    const char *p[] = {rq->params[0]};
    PGresult *r;
    int rc = sm_db_exec(c,
                        "SELECT doc, owner, " SM_SQL_UTC("created_at") ", " SM_SQL_UTC(
                            "updated_at") ", version FROM offers WHERE id = $1",
                        1, p, &r, &err);
    sm_db_put(s->db, c);
    if (rc != SM_OK) {
        return sm_db_unavailable(resp, &err);
    }
    if (PQntuples(r) != 1) {
        PQclear(r);
        return sm_problem(resp, 404, "no offer with this id");
    }
    json_t *doc = json_loads(PQgetvalue(r, 0, 0), 0, NULL);
    json_t *out = render_offer(g, doc, rq->params[0], PQgetvalue(r, 0, 1), PQgetvalue(r, 0, 2),
                               PQgetvalue(r, 0, 3), resp->lang);
    if (rq->who.role == SM_ROLE_ADMIN ||
        (rq->who.key_id && !strcmp(rq->who.org, PQgetvalue(r, 0, 1))))
        advise_offer(out, doc, resp->lang); /* for the owner only */
    sm_etag(atoll(PQgetvalue(r, 0, 4)), resp->etag);
    json_decref(doc);
    PQclear(r);
    return sm_resp_json(resp, 200, out);
}

int sm_route_offer_list(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp)
{
    const char *kind = sm_req_query(rq, "kind"), *cursor = sm_req_query(rq, "cursor"),
               *mine = sm_req_query(rq, "mine");
    sm_field_errors fe = {0};
    if (kind && strcmp(kind, "job") && strcmp(kind, "training"))
        sm_field_error(&fe, "kind", "must be job or training");
    long long limit = sm_query_int(rq, "limit", 1, 200, 20, NULL, &fe);
    if (cursor && !sm_is_uuid(cursor))
        sm_field_error(&fe, "cursor", "not a cursor this service gave");
    int only_mine = mine && strcmp(mine, "true") == 0;
    if (mine && !only_mine && strcmp(mine, "false"))
        sm_field_error(&fe, "mine", "must be true or false");
    if (only_mine && !rq->who.key_id)
        return sm_problem(resp, 401, "mine=true needs an API key");
    if (fe.count)
        return sm_problem_fields(resp, 400, &fe);
    char kind_code[4] = "";
    if (kind)
        snprintf(kind_code, sizeof kind_code, "%d", strcmp(kind, "training") == 0);
    char lim[24];
    snprintf(lim, sizeof lim, "%lld", limit + 1);
    const char *p[] = {kind ? kind_code : NULL, cursor, only_mine ? rq->who.org : NULL, lim};
    sm_error err = {0, ""};
    PGconn *c = sm_route_db(s, resp);
    if (!c)
        return 0;
    PGresult *r, *t = NULL;
    int rc = sm_db_exec(
        c,
        "SELECT id, doc, owner, " SM_SQL_UTC("created_at") ", " SM_SQL_UTC(
            "updated_at") " FROM offers WHERE ($1::smallint "
                          "IS NULL OR kind = $1) AND ($2::uuid IS NULL OR id > $2) AND ($3::text "
                          "IS NULL OR owner = $3) ORDER BY id LIMIT $4",
        4, p, &r, &err);
    /* The total: the index counts offers by kind; an owner's share needs the database. */
    size_t total = 0;
    if (rc == SM_OK && only_mine) {
        const char *tp[] = {p[0], p[2]};
        rc = sm_db_exec(c,
                        "SELECT count(*) FROM offers WHERE ($1::smallint IS NULL OR kind = $1) "
                        "AND owner = $2",
                        2, tp, &t, &err);
        if (rc == SM_OK)
            total = (size_t)atoll(PQgetvalue(t, 0, 0));
        PQclear(t);
    } else if (!kind)
        total = sm_matcher_offer_count(g->m, SM_OFFER_JOB) +
                sm_matcher_offer_count(g->m, SM_OFFER_TRAINING);
    else
        total = sm_matcher_offer_count(g->m, strcmp(kind, "training") == 0 ? SM_OFFER_TRAINING
                                                                           : SM_OFFER_JOB);
    sm_db_put(s->db, c);
    if (rc != SM_OK) {
        return sm_db_unavailable(resp, &err);
    }
    json_t *items = json_array();
    int rows = PQntuples(r), shown = rows > limit ? (int)limit : rows;
    sm_lang lang = sm_req_lang(rq, NULL);
    for (int i = 0; i < shown; i++) {
        json_t *doc = json_loads(PQgetvalue(r, i, 1), 0, NULL);
        json_array_append_new(items, render_offer(g, doc, PQgetvalue(r, i, 0), PQgetvalue(r, i, 2),
                                                  PQgetvalue(r, i, 3), PQgetvalue(r, i, 4), lang));
        json_decref(doc);
    }
    json_t *out = json_pack("{s:o, s:I}", "items", items, "total", (json_int_t)total);
    json_object_set_new(out, "next_cursor",
                        rows > limit ? json_string(PQgetvalue(r, shown - 1, 0)) : json_null());
    PQclear(r);
    return sm_resp_json(resp, 200, out);
}
