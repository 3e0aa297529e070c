/*
 * routes_taxonomy.c: the taxonomy, open to everyone: skill autocomplete
 * (GET /v1/skills?q=), one concept with its labels and neighbours
 * (GET /v1/skills/{id}) and skill extraction from text (POST /v1/extract).
 */
#include "api/jobs.h"
#include "api/messages.h"
#include "api/records.h"
#include "api/routes.h"
#include "api/search.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *uuid_of(const char *uri)
{
    const char *slash = strrchr(uri, '/');
    return slash && strlen(slash + 1) == 36 ? slash + 1 : NULL;
}

static json_t *ref(sm_gen *g, uint32_t id, sm_lang lang)
{
    json_t *o = sm_concept_ref(g, id, lang);
    json_object_set_new(o, "type", json_string(sm_concept_type_name(sm_taxonomy_type(g->tx, id))));
    return o;
}

/* An autocomplete's q (required: missing says `required`) and limit (1..50, 10): the query,
 * or NULL with a 400 in resp. */
static const char *search_query(const sm_request *rq, sm_response *resp, const char *required,
                                long long *limit)
{
    const char *q = sm_req_query(rq, "q");
    sm_field_errors fe = {0};
    if (!q || !*q)
        sm_field_error(&fe, "q", "%s", required);
    else if (strlen(q) > 200)
        sm_field_error(&fe, "q", "longer than 200 bytes");
    else if (!sm_utf8_valid(q, strlen(q), NULL))
        sm_field_error(&fe, "q", "invalid UTF-8");
    *limit = sm_query_int(rq, "limit", 1, 50, 10, NULL, &fe);
    if (!fe.count)
        return q;
    sm_problem_fields(resp, 400, &fe);
    return NULL;
}

/* The hits of index for rq's q and limit, as the autocomplete routes answer them. */
static int concept_search(sm_gen *g, const sm_skill_search *index, const char *required,
                          const sm_request *rq, sm_response *resp)
{
    long long limit;
    const char *q = search_query(rq, resp, required, &limit);
    if (!q)
        return 0;
    sm_lang lang = sm_req_lang(rq, NULL);
    sm_search_hit hits[50];
    size_t total = 0;
    size_t n = sm_skill_search_find(index, q, strlen(q), lang, hits, (size_t)limit, &total);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *o = ref(g, hits[i].concept, lang);
        sm_label l = sm_taxonomy_label_at(g->tx, hits[i].label);
        const char *uuid = uuid_of(sm_taxonomy_uri(g->tx, hits[i].concept));
        if (uuid)
            json_object_set_new(o, "id", json_string(uuid));
        json_object_set_new(o, "matched_label", json_string(l.text));
        json_object_set_new(o, "matched_lang", json_string(sm_lang_code((sm_lang)l.lang)));
        json_array_append_new(items, o);
    }
    return sm_resp_json(
        resp, 200,
        json_pack("{s:o, s:I, s:n}", "items", items, "total", (json_int_t)total, "next_cursor"));
}

int sm_route_skills(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp)
{
    (void)s;
    return concept_search(
        g, g->search, sm_msg("required: the beginning of a skill's name", SM_LANG_EN), rq, resp);
}

/* The ROME codes whose titles the crosswalk maps to occupation id: [{"code","label"}]. */
static json_t *rome_codes_of(sm_gen *g, uint32_t id)
{
    json_t *list = json_array();
    if (!g->rome)
        return list;
    uint32_t titles[256];
    size_t n = sm_rome_titles_of_occupation(g->rome, sm_taxonomy_uri(g->tx, id), titles, 256);
    uint32_t seen[256];
    size_t k = 0;
    for (size_t i = 0; i < n && i < 256; i++) {
        uint32_t job = sm_rome_title_at(g->rome, titles[i])->job;
        size_t j = 0;
        while (j < k && seen[j] != job)
            j++;
        if (j < k)
            continue;
        seen[k++] = job;
        const sm_rome_job *r = sm_rome_job_at(g->rome, job);
        json_array_append_new(list, json_pack("{s:s, s:s}", "code", r->code, "label", r->label));
    }
    return list;
}

/* GET /v1/occupations?q=caissière: ESCO occupations by the first letters of any of their
 * labels (preferred, alternative, both genders; FR and EN) and ROME job titles, ranked as
 * skills are. A title carries the ESCO occupations the crosswalk maps it to, with the
 * relation; an occupation the ROME codes of the titles mapped to it. Open to all; details at
 * GET /v1/occupations/{id}. */
int sm_route_occupations(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp)
{
    (void)s;
    long long limit;
    const char *q = search_query(
        rq, resp, sm_msg("required: the beginning of an occupation's name", SM_LANG_EN), &limit);
    if (!q)
        return 0;
    sm_lang lang = sm_req_lang(rq, NULL);
    sm_search_hit hits[50];
    size_t total = 0, base = sm_taxonomy_count(g->tx);
    size_t n =
        sm_skill_search_find(g->occupation_search, q, strlen(q), lang, hits, (size_t)limit, &total);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *o;
        if (hits[i].concept >= base) {
            sm_job job = {SM_JOB_TITLE, hits[i].concept - (uint32_t)base};
            o = sm_job_ref_json(g, job, lang);
            json_object_set_new(o, "matched_label", json_string(sm_job_label(g, job, lang)));
            json_object_set_new(o, "matched_lang", json_string("fr"));
            uint32_t occ[16];
            uint8_t rel[16];
            size_t k = sm_job_occupations(g, job, occ, rel, 16);
            json_t *list = json_array();
            for (size_t j = 0; j < k; j++) {
                json_t *r = sm_concept_ref(g, occ[j], lang);
                json_object_set_new(r, "relation", json_string(sm_rome_relation_names[rel[j]]));
                json_array_append_new(list, r);
            }
            json_object_set_new(o, "occupations", list);
        } else {
            o = ref(g, hits[i].concept, lang);
            sm_label l = sm_taxonomy_label_at(g->tx, hits[i].label);
            const char *uuid = uuid_of(sm_taxonomy_uri(g->tx, hits[i].concept));
            if (uuid)
                json_object_set_new(o, "id", json_string(uuid));
            json_object_set_new(o, "matched_label", json_string(l.text));
            json_object_set_new(o, "matched_lang", json_string(sm_lang_code((sm_lang)l.lang)));
            json_object_set_new(o, "rome", rome_codes_of(g, hits[i].concept));
        }
        json_array_append_new(items, o);
    }
    return sm_resp_json(
        resp, 200,
        json_pack("{s:o, s:I, s:n}", "items", items, "total", (json_int_t)total, "next_cursor"));
}

/* One list of the vocabulary: code, label in lang, both labels. */
static json_t *terms(const char *const *names, int count, const sm_term_label *labels, sm_lang lang)
{
    json_t *list = json_array();
    for (int i = 1; i < count; i++)
        json_array_append_new(list, json_pack("{s:s, s:s, s:{s:s, s:s}}", "code", names[i], "label",
                                              lang == SM_LANG_FR ? labels[i].fr : labels[i].en,
                                              "labels", "fr", labels[i].fr, "en", labels[i].en));
    return list;
}

/* GET /v1/vocabulary: the inclusion sector's words an offer or a filter uses (employer kinds,
 * contract types), with their labels in French and English. Open to all. */
int sm_route_vocabulary(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp)
{
    (void)s;
    (void)g;
    sm_lang lang = sm_req_lang(rq, NULL);
    return sm_resp_json(
        resp, 200,
        json_pack("{s:o, s:o, s:{s:s}}", "organisation_kinds",
                  terms(sm_org_kinds, sm_org_kind_count, sm_org_kind_labels, lang),
                  "contract_types",
                  terms(sm_contract_types, sm_contract_type_count, sm_contract_type_labels, lang),
                  "aliases", "CUI", "PEC"));
}

/* A commune as the places route shows it. */
static json_t *commune_json(const sm_commune *c)
{
    static const char *const kinds[] = {"commune", "commune_com", "arrondissement_municipal"};
    json_t *codes = json_array();
    for (const char *p = c->postcodes; *p; p += p[5] ? 6 : 5)
        json_array_append_new(codes, json_stringn(p, 5));
    json_t *o = json_pack("{s:s, s:s, s:s, s:o, s:I, s:s}", "name", c->name, "insee", c->insee,
                          "departement", c->departement, "postcodes", codes, "population",
                          (json_int_t)c->population, "kind", kinds[c->kind]);
    if (c->located) {
        json_object_set_new(o, "lat", json_real(c->lat));
        json_object_set_new(o, "lon", json_real(c->lon));
    }
    if (c->parent[0])
        json_object_set_new(o, "parent_insee", json_string(c->parent));
    return o;
}

/* GET /v1/places?q=roub: communes whose name (or postcode) starts so, most populous first;
 * what a person types to say where they are. Open to all. */
int sm_route_places(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp)
{
    (void)s;
    long long limit;
    const char *q = search_query(
        rq, resp, sm_msg("required: the beginning of a commune's name or postcode", SM_LANG_EN),
        &limit);
    if (!q)
        return 0;
    if (!g->places)
        return sm_problem(resp, 503, "this server has no places loaded (skillmatch import places)");
    const sm_commune *found[50];
    size_t n = sm_places_complete(g->places, q, found, (size_t)limit);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, commune_json(found[i]));
    return sm_resp_json(resp, 200, json_pack("{s:o}", "items", items));
}

/* Every concept id is linked to by adj, essential ones first where links have a kind (the
 * largest list in ESCO 1.1.1 is an occupation's 340 skills: nothing is cut). */
static json_t *neighbours(sm_gen *g, uint32_t id, sm_adjacency adj, sm_lang lang)
{
    json_t *list = json_array();
    const sm_edge *e;
    size_t n = sm_taxonomy_adjacent(g->tx, id, adj, &e);
    int kinds = adj == SM_ADJ_RELATED || adj == SM_ADJ_OCC_SKILLS || adj == SM_ADJ_SKILL_OCCS;
    for (int pass = 0; pass < (kinds ? 2 : 1); pass++)
        for (size_t i = 0; i < n; i++) {
            int essential =
                e[i].relation == SM_REL_SKILL_ESSENTIAL || e[i].relation == SM_REL_OCC_ESSENTIAL;
            if (kinds && essential != (pass == 0))
                continue;
            json_t *o = ref(g, e[i].concept, lang);
            if (kinds)
                json_object_set_new(o, "relation",
                                    json_string(essential ? "essential" : "optional"));
            json_array_append_new(list, o);
        }
    return list;
}

int sm_route_skill(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp)
{
    (void)s;
    const char *key = rq->params[0];
    uint32_t id = key ? sm_gen_concept(g, key) : SM_NO_CONCEPT;
    if (id == SM_NO_CONCEPT || sm_taxonomy_type(g->tx, id) == SM_CT_UNKNOWN)
        return sm_problem(resp, 404,
                          "no concept with this id: give the percent-encoded concept URI or the "
                          "UUID that ends it");
    sm_lang lang = sm_req_lang(rq, NULL);
    json_t *o = ref(g, id, lang);
    const char *uuid = uuid_of(sm_taxonomy_uri(g->tx, id));
    if (uuid)
        json_object_set_new(o, "id", json_string(uuid));
    sm_concept_describe(g, id, o);
    if (*sm_taxonomy_code(g->tx, id))
        json_object_set_new(o, "code", json_string(sm_taxonomy_code(g->tx, id)));
    json_object_set_new(o, "broader", neighbours(g, id, SM_ADJ_BROADER, lang));
    json_object_set_new(o, "narrower", neighbours(g, id, SM_ADJ_NARROWER, lang));
    json_object_set_new(o, "related", neighbours(g, id, SM_ADJ_RELATED, lang));
    json_object_set_new(o, "digcomp", neighbours(g, id, SM_ADJ_DIGCOMP, lang));
    if (sm_taxonomy_type(g->tx, id) == SM_CT_OCCUPATION)
        json_object_set_new(o, "skills", neighbours(g, id, SM_ADJ_OCC_SKILLS, lang));
    else
        json_object_set_new(o, "occupations", neighbours(g, id, SM_ADJ_SKILL_OCCS, lang));
    return sm_resp_json(resp, 200, o);
}

int sm_route_extract(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp)
{
    (void)s;
    json_t *body = sm_parse_body(rq, resp);
    if (!body)
        return 0;
    sm_field_errors fe = {0};
    static const char *const keys[] = {"text", "lang", "limit", "min_confidence", NULL};
    sm_check_keys(body, "", keys, &fe);
    const char *text = sm_get_string(body, "", "text", 100000, 1, &fe);
    const char *lang = sm_get_string(body, "", "lang", 4, 0, &fe);
    /* The text is read in the request's language (lang, else ?lang=, else Accept-Language),
     * never guessed; "auto" is that too. The other language's labels are a fallback. */
    if (lang && strcmp(lang, "en") && strcmp(lang, "fr") && strcmp(lang, "auto"))
        sm_field_error(&fe, "lang", "must be en, fr or auto");
    else if (lang && strcmp(lang, "auto"))
        resp->lang = sm_req_lang(rq, lang);
    long long limit = 10;
    sm_get_int(body, "", "limit", 1, 100, &limit, &fe);
    double min_confidence = SM_EXTRACT_MIN_CONFIDENCE;
    sm_get_number(body, "", "min_confidence", 0, 1, &min_confidence, &fe);
    if (fe.count) {
        json_decref(body);
        return sm_problem_fields(resp, 400, &fe);
    }
    sm_extraction *x = sm_gen_extraction(g);
    if (!x) {
        json_decref(body);
        resp->retry_after = 1;
        return sm_problem(resp, 503, "too many extractions at once");
    }
    /* Enough candidates that min_confidence, not the limit, decides what is dropped. */
    int n = sm_extract_in(x, text, strlen(text), resp->lang, 1, (size_t)limit * 4);
    int rc = SM_OK;
    if (n == SM_EUTF8) {
        sm_field_error(&fe, "text", "invalid UTF-8 at byte %zu", sm_extraction_error_offset(x));
        rc = sm_problem_fields(resp, 400, &fe);
    } else if (n < 0)
        rc = sm_problem(resp, 422, "the text could not be analysed (%s)", sm_strerror(n));
    else {
        json_t *skills = json_array();
        for (int i = 0; i < n && (long long)json_array_size(skills) < limit; i++) {
            const sm_extracted *e = sm_extraction_get(x, (size_t)i);
            if (sm_extract_shown(e->confidence) < min_confidence)
                continue;
            json_t *spans = json_array();
            for (size_t k = 0; k < e->span_count; k++)
                json_array_append_new(
                    spans, json_pack("[i, i]", (int)e->spans[k].start, (int)e->spans[k].end));
            json_t *item = json_pack(
                "{s:s, s:s, s:s%, s:s, s:f, s:o}", "uri", sm_taxonomy_uri(g->tx, e->concept),
                "label", sm_taxonomy_label_any(g->tx, e->concept, resp->lang), "matched",
                e->matched, e->matched_len, "matched_lang", sm_lang_code((sm_lang)e->lang),
                "confidence", sm_extract_shown(e->confidence), "spans", spans);
            if (e->other_lang)
                json_object_set_new(item, "other_language", json_true());
            json_array_append_new(skills, item);
        }
        rc = sm_resp_json(resp, 200,
                          json_pack("{s:o, s:s, s:f}", "skills", skills, "lang",
                                    sm_lang_code(resp->lang), "min_confidence", min_confidence));
    }
    sm_gen_extraction_put(g, x);
    json_decref(body);
    return rc;
}
