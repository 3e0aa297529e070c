/*
 * routes_jobs.c: the jobs people name (api/jobs.h). GET /v1/occupations/{id}: an ESCO
 * occupation, a ROME code or a ROME job title with its labels, ROME and ESCO counterparts,
 * skills and mobility; POST /v1/profiles/suggest: the skills a person's past jobs propose,
 * nothing stored.
 */
#include "api/jobs.h"
#include "api/messages.h"
#include "api/parse.h"
#include "api/routes.h"

#include <stdio.h>
#include <string.h>

/* The mobility France Travail suggests from a ROME code: [{"id","label"}]. */
static json_t *mobility(const sm_gen *g, uint32_t job)
{
    json_t *list = json_array();
    const sm_rome_job *j = sm_rome_job_at(g->rome, job);
    for (uint32_t k = 0; k < j->move_count; k++) {
        const sm_rome_job *t = sm_rome_job_at(g->rome, sm_rome_move_at(g->rome, j->first_move + k));
        char id[16];
        snprintf(id, sizeof id, "rome:%s", t->code);
        json_array_append_new(list, json_pack("{s:s, s:s}", "id", id, "label", t->label));
    }
    return list;
}

static json_t *titles_of(const sm_gen *g, uint32_t job)
{
    json_t *list = json_array();
    const sm_rome_job *j = sm_rome_job_at(g->rome, job);
    for (uint32_t k = 0; k < j->title_count; k++) {
        const sm_rome_title *t = sm_rome_title_at(g->rome, j->first_title + k);
        char id[24];
        snprintf(id, sizeof id, "ogr:%u", t->ogr);
        json_t *o = json_pack("{s:s, s:s}", "id", id, "label", t->label);
        if (t->rare)
            json_object_set_new(o, "rare", json_true());
        json_array_append_new(list, o);
    }
    return list;
}

/* The ESCO occupations a job stands for, with the crosswalk's relation. */
static json_t *occupations_of(sm_gen *g, sm_job job, sm_lang lang)
{
    uint32_t occ[64];
    uint8_t rel[64];
    size_t n = sm_job_occupations(g, job, occ, rel, 64);
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *o = sm_concept_ref(g, occ[i], lang);
        json_object_set_new(o, "relation", json_string(sm_rome_relation_names[rel[i]]));
        json_array_append_new(list, o);
    }
    return list;
}

/* A ROME code's own skill labels, each with the ESCO skill it reads as (or null). */
static json_t *rome_labels(sm_gen *g, uint32_t job, sm_lang lang)
{
    json_t *list = json_array();
    const sm_rome_job *j = sm_rome_job_at(g->rome, job);
    for (uint32_t k = 0; k < j->skill_count; k++) {
        const sm_rome_skill *s = sm_rome_skill_at(g->rome, j->first_skill + k);
        char num[16];
        snprintf(num, sizeof num, "%u", s->ogr);
        json_t *o = json_pack("{s:s, s:s, s:s, s:b}", "code_ogr", num, "label", s->label, "kind",
                              sm_rome_kind_names[s->kind], "core", s->core);
        long li = sm_rome_label_find(g->rome, s->ogr);
        uint32_t c = g->rome_label_concept && li >= 0 ? g->rome_label_concept[li] : SM_NO_CONCEPT;
        json_object_set_new(o, "esco",
                            c == SM_NO_CONCEPT ? json_null() : sm_concept_ref(g, c, lang));
        json_array_append_new(list, o);
    }
    return list;
}

int sm_route_occupation(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp)
{
    (void)s;
    sm_job job = sm_job_find(g, rq->params[0], NULL);
    if (job.kind == SM_JOB_NONE)
        return sm_problem(resp, 404,
                          "no occupation with this id: give an ESCO occupation URI "
                          "(percent-encoded) or its UUID, rome:CODE or ogr:NUMBER");
    sm_lang lang = sm_req_lang(rq, NULL);
    json_t *o = sm_job_ref_json(g, job, lang);
    if (job.kind == SM_JOB_OCCUPATION) {
        uint32_t id = job.index;
        sm_concept_describe(g, id, o);
        /* The ISCO group: the broader concept of that kind, else the code's first digits. */
        const sm_edge *e;
        size_t nb = sm_taxonomy_adjacent(g->tx, id, SM_ADJ_BROADER, &e);
        json_t *isco = json_null();
        for (size_t i = 0; i < nb; i++)
            if (strstr(sm_taxonomy_uri(g->tx, e[i].concept), "/isco/")) {
                json_decref(isco);
                isco = json_pack("{s:s, s:s}", "code", sm_taxonomy_code(g->tx, e[i].concept),
                                 "label", sm_taxonomy_label_any(g->tx, e[i].concept, lang));
            }
        if (json_is_null(isco) && strlen(sm_taxonomy_code(g->tx, id)) >= 4) {
            char code[5];
            memcpy(code, sm_taxonomy_code(g->tx, id), 4);
            code[4] = '\0';
            isco = json_pack("{s:s}", "code", code);
        }
        json_object_set_new(o, "isco", isco);
        json_t *titles = json_array(), *moves = json_array();
        if (g->rome) {
            uint32_t t[256];
            size_t n = sm_rome_titles_of_occupation(g->rome, sm_taxonomy_uri(g->tx, id), t, 256);
            uint32_t codes[256];
            size_t nc = 0;
            for (size_t i = 0; i < n && i < 256; i++) {
                const sm_rome_title *rt = sm_rome_title_at(g->rome, t[i]);
                json_t *r = sm_job_ref_json(g, (sm_job){SM_JOB_TITLE, t[i]}, lang);
                json_object_del(r, "type");
                for (uint32_t k = 0; k < rt->link_count; k++) {
                    const sm_rome_link *l = sm_rome_link_at(g->rome, rt->first_link + k);
                    if (!strcmp(l->esco_uri, sm_taxonomy_uri(g->tx, id)))
                        json_object_set_new(r, "relation",
                                            json_string(sm_rome_relation_names[l->relation]));
                }
                json_array_append_new(titles, r);
                size_t j = 0;
                while (j < nc && codes[j] != rt->job)
                    j++;
                if (j == nc)
                    codes[nc++] = rt->job;
            }
            for (size_t j = 0; j < nc; j++) {
                json_t *m = mobility(g, codes[j]);
                json_array_extend(moves, m);
                json_decref(m);
            }
        }
        json_object_set_new(o, "rome_titles", titles);
        json_object_set_new(o, "mobility", moves);
    } else {
        uint32_t code =
            job.kind == SM_JOB_ROME ? job.index : sm_rome_title_at(g->rome, job.index)->job;
        const sm_rome_job *j = sm_rome_job_at(g->rome, code);
        if (job.kind == SM_JOB_ROME) {
            json_object_set_new(o, "definition", json_string(j->definition));
            json_object_set_new(o, "rome_titles", titles_of(g, code));
        }
        json_object_set_new(o, "occupations", occupations_of(g, job, lang));
        json_object_set_new(o, "rome_skills", rome_labels(g, code, lang));
        json_object_set_new(o, "mobility", mobility(g, code));
    }
    json_object_set_new(o, "skills", sm_job_skills_json(g, job, lang));
    return sm_resp_json(resp, 200, o);
}

/* POST /v1/profiles/suggest {"experience": [...], "skills": [...]?, "lang"?}: the skills the
 * jobs propose (essential ones; optional ones from two years on), each with its source; skills
 * the body lists already are left out. Stores nothing. */
int sm_route_profiles_suggest(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp)
{
    (void)s;
    json_t *body = sm_parse_body(rq, resp);
    if (!body)
        return 0;
    sm_body_lang(rq, body, resp);
    sm_field_errors fe = {0};
    static const char *const keys[] = {"experience", "skills", "lang", NULL};
    sm_check_keys(body, "", keys, &fe);
    const char *lang_s = sm_get_string(body, "", "lang", 2, 0, &fe);
    if (lang_s && strcmp(lang_s, "fr") && strcmp(lang_s, "en"))
        sm_field_error(&fe, "lang", "must be \"fr\" or \"en\"");
    sm_lang lang = sm_req_lang(rq, lang_s);
    json_t *arr = json_object_get(body, "experience");
    sm_experience exp[SM_MAX_EXPERIENCE];
    size_t n = 0;
    json_t *norm = NULL;
    if (!arr)
        sm_field_error(&fe, "experience",
                       "required: the jobs done, [{\"rome\":\"D1505\",\"years\":5}]");
    else
        n = sm_read_experience(g, arr, exp, &norm, lang, &fe);
    /* skills the person listed already: not proposed again */
    json_t *listed = json_object_get(body, "skills"), *item;
    uint32_t have[SM_MAX_PROFILE_SKILLS];
    size_t nhave = 0, i;
    if (listed && !json_is_array(listed))
        sm_field_error(&fe, "skills", "must be an array of {\"uri\":…}");
    else if (json_array_size(listed) > SM_MAX_PROFILE_SKILLS)
        sm_field_error(&fe, "skills", "at most %d skills", SM_MAX_PROFILE_SKILLS);
    else
        json_array_foreach(listed, i, item) {
            char path[48];
            sm_path_index(path, sizeof path, "skills", i);
            json_t *uri = json_is_object(item) ? json_object_get(item, "uri") : item;
            uint32_t id = sm_resolve_concept(g, uri, path, SM_REF_SKILL, &fe);
            if (id != SM_NO_CONCEPT)
                have[nhave++] = id;
        }
    if (fe.count) {
        json_decref(norm);
        json_decref(body);
        return sm_problem_fields(resp, 400, &fe);
    }
    enum { CAP = SM_MAX_PROFILE_SKILLS };
    sm_proposal props[CAP];
    size_t total = sm_experience_proposals(g, exp, n, props, CAP);
    json_t *claims = json_array();
    size_t counts[SM_MAX_EXPERIENCE] = {0};
    for (size_t k = 0; k < total && k < CAP; k++) {
        int dup = 0;
        for (size_t h = 0; h < nhave && !dup; h++)
        dup = have[h] == props[k].s.concept;
        if (dup)
            continue;
        counts[props[k].experience]++;
        json_array_append_new(
            claims, json_pack("{s:s, s:s, s:s, s:b, s:o}", "uri",
                              sm_taxonomy_uri(g->tx, props[k].s.concept), "label",
                              sm_taxonomy_label_any(g->tx, props[k].s.concept, lang), "evidence",
                              "from_experience", "essential", props[k].s.essential, "source",
                              sm_proposal_source(g, exp, &props[k], lang)));
    }
    json_t *e;
    json_array_foreach(norm, i, e) {
        json_object_set_new(e, "proposed", json_integer((json_int_t)counts[i]));
        if (!counts[i])
            json_object_set_new(
                e, "note",
                json_string(sm_msg("no skill known for this job in ESCO or in the ROME labels "
                                   "we read: add the skills yourself",
                                   lang)));
    }
    json_decref(body);
    return sm_resp_json(
        resp, 200,
        json_pack("{s:o, s:o, s:I, s:s}", "claims", claims, "experience", norm, "truncated",
                  (json_int_t)(total > CAP ? total - CAP : 0), "rule",
                  sm_msg("essential skills of each job; optional ones from 2 years in it", lang)));
}
