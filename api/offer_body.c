/*
 * offer_body.c: an offer's body read and validated in full against the current taxonomy before
 * anything is written (a job's or a training's fields, skills, place, dates, funding), into an
 * offer_in: its skill references kept as concept numbers, its document normalised.
 */
#include "api/offers_internal.h"
#include "taxonomy/base/alloc.h"

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
                                         "reserved_to_iae_eligible",
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
                                              "reserved_to_iae_eligible",
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

static void read_location(const sm_places *places, json_t *body, json_t *doc, offer_in *in,
                          sm_field_errors *fe)
{
    sm_place_in place;
    if (!sm_get_place(body, "", "location", places, &place, fe))
        return;
    in->located = 1;
    in->lat = place.lat;
    in->lon = place.lon;
    json_object_set_new(doc, "location", place.doc);
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
                if (!in->org_kind) {
                    char names[400];
                    sm_names_list(sm_org_kinds, sm_org_kind_count, names, sizeof names);
                    sm_field_error(fe, "organisation.kind", "must be one of %s", names);
                }
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
                if (!in->contract_type) {
                    char names[400];
                    sm_names_list(sm_contract_types, sm_contract_type_count, names, sizeof names);
                    sm_field_error(fe, "contract.type", "must be one of %s (CUI: PEC)", names);
                }
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
                 {"requires_car", SM_OFFER_REQUIRES_CAR},
                 {"reserved_to_iae_eligible", SM_OFFER_IAE_RESERVED}};
    for (size_t i = 0; i < sizeof flags / sizeof *flags; i++) {
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

/* Validates a plain offer body into in (in->r.doc set even on errors). */
void sm__read_offer(sm_gen *g, json_t *body, offer_in *in, sm_field_errors *fe)
{
    in->r.doc = json_object();
    const char *kind = sm_get_string(body, "", "kind", 20, 1, fe);
    if (kind && strcmp(kind, "job") && strcmp(kind, "training")) {
        sm_field_error(fe, "kind", "must be \"job\" or \"training\"");
        kind = NULL;
    }
    if (!kind)
        return;
    in->kind = strcmp(kind, "training") == 0 ? SM_OFFER_TRAINING : SM_OFFER_JOB;
    sm_check_keys(body, "", in->kind == SM_OFFER_JOB ? job_fields : training_fields, fe);
    json_object_set_new(in->r.doc, "kind", json_string(kind));
    const char *title = sm_get_string(body, "", "title", MAX_TITLE, 1, fe);
    if (title) {
        snprintf(in->title, sizeof in->title, "%s", title);
        json_object_set_new(in->r.doc, "title", json_string(title));
    }
    const char *description = sm_get_string(body, "", "description", MAX_DESCRIPTION, 0, fe);
    if (description)
        json_object_set_new(in->r.doc, "description", json_string(description));
    const char *lang = sm_get_string(body, "", "lang", 2, 0, fe);
    if (lang && strcmp(lang, "fr") && strcmp(lang, "en"))
        sm_field_error(fe, "lang", "must be \"fr\" or \"en\"");
    else if (lang)
        json_object_set_new(in->r.doc, "lang", json_string(lang));
    const char *list = in->kind == SM_OFFER_JOB ? "skills" : "teaches";
    json_t *skills = json_object_get(body, list);
    if (in->kind == SM_OFFER_JOB)
        read_skill_list(g, skills, "skills", 1, in->r.doc, in->skills, &in->nskills, fe);
    else {
        read_skill_list(g, skills, "teaches", 0, in->r.doc, in->teaches, &in->nteaches, fe);
        read_skill_list(g, json_object_get(body, "prerequisites"), "prerequisites", 0, in->r.doc,
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
                g, description, lang && !strcmp(lang, "en") ? SM_LANG_EN : in->r.request_lang, 0,
                30);
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
            json_object_set_new(in->r.doc, list, norm);
            if (!json_array_size(norm))
                sm_field_error(fe, "description",
                               "no skill recognised in it: list the skills in \"%s\"", list);
        }
    } else if (in->kind == SM_OFFER_JOB && !in->nskills && !fe->count)
        sm_field_error(fe, "skills", "empty: list at least one skill");
    read_location(g->places, body, in->r.doc, in, fe);
    read_ess_fields(body, in->r.doc, in, fe);
    if (in->kind == SM_OFFER_TRAINING)
        read_training_fields(body, in->r.doc, in, fe);
    json_t *occ = json_object_get(body, "occupation");
    if (occ && !json_is_null(occ)) {
        uint32_t id = sm_resolve_concept(g, occ, "occupation", SM_REF_OCCUPATION, fe);
        if (id != SM_NO_CONCEPT) {
            in->occupation_cid = g->map.cid_of[id];
            json_object_set_new(in->r.doc, "occupation", json_string(sm_taxonomy_uri(g->tx, id)));
        }
    }
}

void sm__read_offer_body(sm_gen *g, json_t *body, sm_resource_in *base, sm_field_errors *fe)
{
    offer_in *in = (offer_in *)base;
    if (!sm__is_job_posting(body)) {
        sm__read_offer(g, body, in, fe);
        return;
    }
    json_t *plain = sm__from_job_posting(g, body, in->r.request_lang, fe);
    if (!fe->count)
        sm__read_offer(g, plain, in, fe);
    json_decref(plain);
    if (in->r.doc)
        json_object_set_new(in->r.doc, "source", json_string("schema.org/JobPosting"));
}
