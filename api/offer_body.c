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
                                         "rome",
                                         "appellation",
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
        /* "from": proposed from the job the offer names (rome, appellation, occupation) */
        static const char *const with_ess[] = {"uri",   "essential",  "level", "extracted",
                                               "label", "confidence", "from",  NULL};
        static const char *const without[] = {"uri", "level", "label", NULL};
        sm_check_keys(item, path, with_essential ? with_ess : without, fe);
        uint32_t id = sm_resolve_concept(g, json_object_get(item, "uri"),
                                         sm_path(p2, sizeof p2, path, "uri"), SM_REF_SKILL, fe);
        int essential = 1, extracted = 0;
        long long level = 0;
        const char *from = NULL;
        if (with_essential) {
            sm_get_bool(item, path, "essential", &essential, fe);
            sm_get_bool(item, path, "extracted", &extracted, fe);
            from = sm_get_string(item, path, "from", 1000, 0, fe);
            if (from && sm_job_find(g, from, NULL).kind == SM_JOB_NONE)
                sm_field_error(fe, sm_path(p2, sizeof p2, path, "from"),
                               "not a job: an ESCO occupation URI, rome:CODE or ogr:NUMBER");
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
        if (from)
            json_object_set_new(o, "from", json_string(from));
        json_array_append_new(norm, o);
    }
    json_object_set_new(doc, name, norm);
}

/* The skills description names (read in lang) appended to norm as stored, and packed into
 * packed[*count..] as essential requirements, at most SM_MAX_REQUIREMENTS in all; a training's
 * without "essential". */
static void described_skills(sm_gen *g, const char *description, sm_lang lang, int training,
                             int32_t *packed, int *count, json_t *norm)
{
    json_t *found = sm_extract_skills(g, description, lang, 0, 30), *item;
    size_t i;
    json_array_foreach(found, i, item) {
        uint32_t id = sm_gen_concept(g, json_string_value(json_object_get(item, "uri")));
        if (id == SM_NO_CONCEPT || !g->map.cid_of[id] || *count >= SM_MAX_REQUIREMENTS)
            continue;
        packed[(*count)++] = sm_pack_requirement(g->map.cid_of[id], 1, 0);
        json_object_del(item, "confidence");
        if (training)
            json_object_del(item, "essential");
        json_array_append(norm, item);
    }
    json_decref(found);
}

/* The job a job offer names: "rome" (a ROME code), "appellation" (a ROME job title number) and
 * "occupation" (ESCO). A code and a title must agree; the occupation, when not given, is the
 * one the crosswalk maps the title (else the code) to. Returns the most precise job named. */
static sm_job read_job(sm_gen *g, json_t *body, offer_in *in, sm_field_errors *fe)
{
    sm_job job = {SM_JOB_NONE, 0}, code = job;
    const char *rome = sm_get_string(body, "", "rome", 5, 0, fe),
               *title = sm_get_string(body, "", "appellation", 9, 0, fe);
    if (rome) {
        code = sm_job_find(g, rome, "rome");
        if (code.kind == SM_JOB_NONE)
            sm_field_error(fe, "rome",
                           g->rome ? "no such ROME code" : "no ROME repertoire is loaded");
        else
            json_object_set_new(in->r.doc, "rome",
                                json_string(sm_rome_job_at(g->rome, code.index)->code));
        job = code;
    }
    if (title) {
        sm_job t = sm_job_find(g, title, "appellation");
        if (t.kind == SM_JOB_NONE)
            sm_field_error(fe, "appellation",
                           g->rome ? "no such ROME job title number"
                                   : "no ROME repertoire is loaded");
        else if (code.kind == SM_JOB_ROME && sm_rome_title_at(g->rome, t.index)->job != code.index)
            sm_field_error(fe, "appellation", "a job title of another ROME code than \"rome\"");
        else {
            char num[16];
            snprintf(num, sizeof num, "%u", sm_rome_title_at(g->rome, t.index)->ogr);
            json_object_set_new(in->r.doc, "appellation", json_string(num));
            if (code.kind == SM_JOB_NONE)
                json_object_set_new(
                    in->r.doc, "rome",
                    json_string(
                        sm_rome_job_at(g->rome, sm_rome_title_at(g->rome, t.index)->job)->code));
            job = t;
        }
    }
    json_t *occ = json_object_get(body, "occupation");
    if (occ && !json_is_null(occ)) {
        uint32_t id = sm_resolve_concept(g, occ, "occupation", SM_REF_OCCUPATION, fe);
        if (id != SM_NO_CONCEPT) {
            in->occupation_cid = g->map.cid_of[id];
            json_object_set_new(in->r.doc, "occupation", json_string(sm_taxonomy_uri(g->tx, id)));
            if (job.kind == SM_JOB_NONE)
                job = (sm_job){SM_JOB_OCCUPATION, id};
        }
    } else if (job.kind != SM_JOB_NONE) {
        uint32_t o[1];
        uint8_t rel[1];
        if (sm_job_occupations(g, job, o, rel, 1) && g->map.cid_of[o[0]]) {
            in->occupation_cid = g->map.cid_of[o[0]];
            json_object_set_new(in->r.doc, "occupation", json_string(sm_taxonomy_uri(g->tx, o[0])));
        }
    }
    return job;
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
    /* the language a description is read in */
    sm_lang text_lang = lang && !strcmp(lang, "en") ? SM_LANG_EN : in->r.request_lang;
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
    sm_job job = in->kind == SM_OFFER_JOB ? read_job(g, body, in, fe) : (sm_job){SM_JOB_NONE, 0};
    if ((!skills || json_is_null(skills)) && in->kind == SM_OFFER_JOB && job.kind != SM_JOB_NONE &&
        !fe->count) {
        /* No skill listed for a job named: its essential skills, marked with the job they came
         * from, and those the description names. */
        json_t *norm = json_array();
        if (description)
            described_skills(g, description, text_lang, 0, in->skills, &in->nskills, norm);
        sm_job_skill js[256];
        size_t k = sm_job_skills(g, job, js, 256);
        char jid[1100];
        sm_job_id(g, job, jid, sizeof jid);
        for (size_t i = 0; i < k && i < 256 && in->nskills < SM_MAX_REQUIREMENTS; i++) {
            uint32_t cid = g->map.cid_of[js[i].concept];
            int dup = !js[i].essential || !cid;
            for (int h = 0; h < in->nskills && !dup; h++)
                dup = (uint32_t)in->skills[h] >> 5 == cid;
            if (dup)
                continue;
            in->skills[in->nskills++] = sm_pack_requirement(cid, 1, 0);
            json_array_append_new(norm, json_pack("{s:s, s:b, s:s}", "uri",
                                                  sm_taxonomy_uri(g->tx, js[i].concept),
                                                  "essential", 1, "from", jid));
        }
        json_object_set_new(in->r.doc, "skills", norm);
        if (!json_array_size(norm))
            sm_field_error(fe, "skills",
                           "none known for this job and none found in the description: list "
                           "the skills");
    } else if (!skills || json_is_null(skills)) {
        if (!description)
            sm_field_error(fe, list,
                           "required when there is no description to extract from nor a job "
                           "(rome, appellation or occupation) to take them from");
        else if (!fe->count) {
            json_t *norm = json_array();
            if (in->kind == SM_OFFER_JOB)
                described_skills(g, description, text_lang, 0, in->skills, &in->nskills, norm);
            else
                described_skills(g, description, text_lang, 1, in->teaches, &in->nteaches, norm);
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
}

void sm__read_offer_body(sm_gen *g, json_t *body, sm_resource_in *base, sm_field_errors *fe)
{
    offer_in *in = (offer_in *)base;
    if (!sm__is_job_posting(body) && sm__is_france_travail(body)) {
        json_t *kept = NULL;
        json_t *plain = sm__from_france_travail(g, body, in->r.request_lang, &kept, fe);
        if (!fe->count)
            sm__read_offer(g, plain, in, fe);
        json_decref(plain);
        if (in->r.doc) {
            json_object_set_new(in->r.doc, "source", json_string("France Travail"));
            json_object_set(in->r.doc, "france_travail", kept);
        }
        json_decref(kept);
        return;
    }
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
