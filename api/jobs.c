/* jobs.c: jobs people name and the skills they bring (see jobs.h). */
#include "api/jobs.h"
#include "api/parse.h"
#include "taxonomy/base/alloc.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t sm_jobs_mapped_labels(const sm_gen *g)
{
    return g->rome_mapped;
}

static int all_digits(const char *s)
{
    if (!*s || strlen(s) > 9)
        return 0;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s))
            return 0;
    return 1;
}

sm_job sm_job_find(const sm_gen *g, const char *id, const char *kind_hint)
{
    sm_job none = {SM_JOB_NONE, 0};
    if (!id)
        return none;
    int rome = !strncmp(id, "rome:", 5), ogr = !strncmp(id, "ogr:", 4);
    const char *bare = rome ? id + 5 : ogr ? id + 4 : id;
    int hint_rome = kind_hint && !strcmp(kind_hint, "rome"),
        hint_title = kind_hint && !strcmp(kind_hint, "appellation");
    if (g->rome && (rome || hint_rome)) {
        long j = sm_rome_job_find(g->rome, bare);
        return j < 0 ? none : (sm_job){SM_JOB_ROME, (uint32_t)j};
    }
    if (g->rome && (ogr || hint_title)) {
        if (!all_digits(bare))
            return none;
        long t = sm_rome_title_find(g->rome, (uint32_t)strtoul(bare, NULL, 10));
        return t < 0 ? none : (sm_job){SM_JOB_TITLE, (uint32_t)t};
    }
    if (rome || ogr || hint_rome || hint_title)
        return none;
    uint32_t c = sm_gen_concept(g, id);
    if (c == SM_NO_CONCEPT || sm_taxonomy_type(g->tx, c) != SM_CT_OCCUPATION)
        return none;
    return (sm_job){SM_JOB_OCCUPATION, c};
}

void sm_job_id(const sm_gen *g, sm_job job, char *out, size_t cap)
{
    if (job.kind == SM_JOB_ROME)
        snprintf(out, cap, "rome:%s", sm_rome_job_at(g->rome, job.index)->code);
    else if (job.kind == SM_JOB_TITLE)
        snprintf(out, cap, "ogr:%u", sm_rome_title_at(g->rome, job.index)->ogr);
    else if (job.kind == SM_JOB_OCCUPATION)
        snprintf(out, cap, "%s", sm_taxonomy_uri(g->tx, job.index));
    else if (cap)
        out[0] = '\0';
}

const char *sm_job_label(const sm_gen *g, sm_job job, sm_lang lang)
{
    if (job.kind == SM_JOB_ROME)
        return sm_rome_job_at(g->rome, job.index)->label;
    if (job.kind == SM_JOB_TITLE)
        return sm_rome_title_at(g->rome, job.index)->label;
    if (job.kind == SM_JOB_OCCUPATION)
        return sm_taxonomy_label_any(g->tx, job.index, lang);
    return "";
}

/* Adds what an occupation or a ROME skill brings to out[0..*n), once per skill (the first
 * source kept; essential wins). */
static void add(sm_job_skill *out, size_t cap, size_t *n, const sm_job_skill *s)
{
    for (size_t i = 0; i < *n && i < cap; i++)
        if (out[i].concept == s->concept) {
            if (s->essential && !out[i].essential)
                out[i].essential = 1;
            return;
        }
    if (*n < cap)
        out[*n] = *s;
    (*n)++;
}

static size_t occupation_skills(const sm_gen *g, uint32_t occ, int relation, sm_job_skill *out,
                                size_t cap, size_t n)
{
    const sm_edge *e;
    size_t k = sm_taxonomy_adjacent(g->tx, occ, SM_ADJ_OCC_SKILLS, &e);
    for (size_t i = 0; i < k; i++) {
        if (!sm_concept_is_skill(sm_taxonomy_type(g->tx, e[i].concept)))
            continue;
        sm_job_skill s = {e[i].concept,
                          e[i].relation == SM_REL_SKILL_ESSENTIAL ||
                              e[i].relation == SM_REL_OCC_ESSENTIAL,
                          SM_VIA_OCCUPATION,
                          (uint8_t)relation,
                          occ,
                          0,
                          1.0f};
        add(out, cap, &n, &s);
    }
    return n;
}

static size_t rome_skills(const sm_gen *g, uint32_t job, sm_job_skill *out, size_t cap, size_t n)
{
    const sm_rome_job *j = sm_rome_job_at(g->rome, job);
    for (uint32_t i = 0; i < j->skill_count; i++) {
        const sm_rome_skill *rs = sm_rome_skill_at(g->rome, j->first_skill + i);
        long li = sm_rome_label_find(g->rome, rs->ogr);
        if (li < 0 || !g->rome_label_concept || g->rome_label_concept[li] == SM_NO_CONCEPT)
            continue;
        sm_job_skill s = {g->rome_label_concept[li],
                          rs->core,
                          SM_VIA_ROME_SKILL,
                          0,
                          SM_NO_CONCEPT,
                          (uint32_t)li,
                          g->rome_label_confidence[li]};
        add(out, cap, &n, &s);
    }
    return n;
}

/* The occupations a title is mapped to, of the relations in mask, into occ. */
static size_t title_occupations(const sm_gen *g, uint32_t title, unsigned mask, uint32_t *occ,
                                uint8_t *rel, size_t cap)
{
    const sm_rome_title *t = sm_rome_title_at(g->rome, title);
    size_t n = 0;
    for (uint32_t k = 0; k < t->link_count; k++) {
        const sm_rome_link *l = sm_rome_link_at(g->rome, t->first_link + k);
        if (!(mask >> l->relation & 1))
            continue;
        uint32_t c = sm_gen_concept(g, l->esco_uri);
        if (c == SM_NO_CONCEPT || sm_taxonomy_type(g->tx, c) != SM_CT_OCCUPATION)
            continue;
        if (n < cap) {
            occ[n] = c;
            if (rel)
                rel[n] = l->relation;
        }
        n++;
    }
    return n < cap ? n : cap;
}

typedef struct met_occ {
    uint32_t occ, count;
    uint8_t closest;
} met_occ;

/* A code's occupation: the one its titles are mapped to most often (exact, close or broad),
 * ties to the closer relation then the lower id; SM_NO_CONCEPT when none. */
static uint32_t code_occupation(const sm_gen *g, uint32_t job, uint8_t *relation)
{
    /* One pass over the code's titles: each occupation met, how often, its closest relation. */
    enum { MAX_MET = 256 };
    met_occ met[MAX_MET];
    size_t nmet = 0;
    const sm_rome_job *j = sm_rome_job_at(g->rome, job);
    for (uint32_t a = 0; a < j->title_count; a++) {
        uint32_t occ[16];
        uint8_t rel[16];
        size_t n = title_occupations(g, j->first_title + a, 7u, occ, rel, 16);
        for (size_t i = 0; i < n; i++) {
            size_t k = 0;
            while (k < nmet && met[k].occ != occ[i])
                k++;
            if (k == nmet) {
                if (nmet == MAX_MET)
                    continue;
                met[nmet++] = (met_occ){occ[i], 0, rel[i]};
            }
            met[k].count++;
            if (rel[i] < met[k].closest)
                met[k].closest = rel[i];
        }
    }
    uint32_t best = SM_NO_CONCEPT, best_count = 0;
    uint8_t best_rel = SM_ROME_RELATION_COUNT;
    for (size_t k = 0; k < nmet; k++)
        if (met[k].count > best_count ||
            (met[k].count == best_count &&
             (met[k].closest < best_rel || (met[k].closest == best_rel && met[k].occ < best)))) {
            best = met[k].occ;
            best_count = met[k].count;
            best_rel = met[k].closest;
        }
    *relation = best_rel;
    return best;
}

size_t sm_job_occupations(const sm_gen *g, sm_job job, uint32_t *out, uint8_t *relation, size_t cap)
{
    if (!cap)
        return 0;
    if (job.kind == SM_JOB_OCCUPATION) {
        out[0] = job.index;
        relation[0] = SM_ROME_EXACT;
        return 1;
    }
    if (job.kind == SM_JOB_TITLE)
        return title_occupations(g, job.index, 15u, out, relation, cap);
    if (job.kind == SM_JOB_ROME) {
        uint32_t c = code_occupation(g, job.index, relation);
        if (c == SM_NO_CONCEPT)
            return 0;
        out[0] = c;
        return 1;
    }
    return 0;
}

static void essential_first(sm_job_skill *out, size_t n)
{
    size_t w = 0;
    sm_job_skill *tmp = sm_malloc(n * sizeof *tmp + 1);
    if (!tmp)
        return; /* the order only */
    for (int pass = 1; pass >= 0; pass--)
        for (size_t i = 0; i < n; i++)
            if (out[i].essential == pass)
                tmp[w++] = out[i];
    memcpy(out, tmp, n * sizeof *tmp);
    sm_free(tmp);
}

size_t sm_job_skills(const sm_gen *g, sm_job job, sm_job_skill *out, size_t cap)
{
    size_t n = 0;
    if (job.kind == SM_JOB_OCCUPATION) {
        n = occupation_skills(g, job.index, SM_ROME_EXACT, out, cap, 0);
        if (!n && g->rome) { /* no skill relations: the ROME code of a title mapped to it */
            uint32_t titles[1];
            if (sm_rome_titles_of_occupation(g->rome, sm_taxonomy_uri(g->tx, job.index), titles, 1))
                n = rome_skills(g, sm_rome_title_at(g->rome, titles[0])->job, out, cap, 0);
        }
    } else if (job.kind == SM_JOB_TITLE) {
        uint32_t occ[32];
        uint8_t rel[32];
        /* exact and close, then broad; narrow only when nothing else */
        static const unsigned masks[] = {3u, 4u, 8u};
        for (size_t m = 0; m < 3 && !n; m++) {
            size_t k = title_occupations(g, job.index, masks[m], occ, rel, 32);
            for (size_t i = 0; i < k; i++)
                n = occupation_skills(g, occ[i], rel[i], out, cap, n);
            if (m == 0 && k)
                break; /* mapped exactly or closely: broader occupations add nothing true */
        }
        if (!n)
            n = rome_skills(g, sm_rome_title_at(g->rome, job.index)->job, out, cap, 0);
    } else if (job.kind == SM_JOB_ROME) {
        uint8_t rel;
        uint32_t occ = code_occupation(g, job.index, &rel);
        if (occ != SM_NO_CONCEPT)
            n = occupation_skills(g, occ, rel, out, cap, 0);
        if (!n)
            n = rome_skills(g, job.index, out, cap, 0);
    }
    essential_first(out, n < cap ? n : cap);
    return n;
}

json_t *sm_job_ref_json(const sm_gen *g, sm_job job, sm_lang lang)
{
    char id[1100];
    sm_job_id(g, job, id, sizeof id);
    static const char *const types[] = {"", "occupation", "rome_code", "rome_title"};
    json_t *o = json_pack("{s:s, s:s, s:s}", "id", id, "type", types[job.kind], "label",
                          sm_job_label(g, job, lang));
    if (job.kind == SM_JOB_TITLE) {
        const sm_rome_job *j = sm_rome_job_at(g->rome, sm_rome_title_at(g->rome, job.index)->job);
        json_object_set_new(o, "rome", json_pack("{s:s, s:s}", "code", j->code, "label", j->label));
    }
    return o;
}

static json_t *skill_json(const sm_gen *g, const sm_job_skill *s, sm_lang lang)
{
    json_t *o = json_pack("{s:s, s:s, s:s}", "uri", sm_taxonomy_uri(g->tx, s->concept), "label",
                          sm_taxonomy_label_any(g->tx, s->concept, lang), "via",
                          s->via == SM_VIA_OCCUPATION ? "occupation" : "rome_skill");
    if (s->via == SM_VIA_OCCUPATION)
        json_object_set_new(o, "through",
                            json_pack("{s:s, s:s, s:s}", "uri",
                                      sm_taxonomy_uri(g->tx, s->occupation), "label",
                                      sm_taxonomy_label_any(g->tx, s->occupation, lang), "relation",
                                      sm_rome_relation_names[s->relation]));
    else {
        uint32_t ogr;
        const char *label;
        sm_rome_label_at(g->rome, s->rome_skill, &ogr, &label);
        char num[16];
        snprintf(num, sizeof num, "%u", ogr);
        json_object_set_new(o, "through",
                            json_pack("{s:s, s:s, s:f}", "rome_skill", label, "code_ogr", num,
                                      "confidence", sm_extract_shown(s->confidence)));
    }
    return o;
}

json_t *sm_job_skills_json(const sm_gen *g, sm_job job, sm_lang lang)
{
    enum { CAP = 1024 };
    sm_job_skill *s = sm_malloc(CAP * sizeof *s);
    json_t *ess = json_array(), *opt = json_array();
    size_t n = s ? sm_job_skills(g, job, s, CAP) : 0;
    for (size_t i = 0; i < n && i < CAP; i++)
        json_array_append_new(s[i].essential ? ess : opt, skill_json(g, &s[i], lang));
    sm_free(s);
    return json_pack("{s:o, s:o}", "essential", ess, "optional", opt);
}

size_t sm_read_experience(const sm_gen *g, json_t *arr, sm_experience *out, json_t **norm,
                          sm_lang lang, sm_field_errors *fe)
{
    if (norm)
        *norm = NULL;
    if (!json_is_array(arr)) {
        sm_field_error(fe, "experience",
                       "must be an array of {\"occupation\"|\"rome\"|\"appellation\":…, "
                       "\"years\":…}");
        return 0;
    }
    if (json_array_size(arr) > SM_MAX_EXPERIENCE) {
        sm_field_error(fe, "experience", "at most %d jobs", SM_MAX_EXPERIENCE);
        return 0;
    }
    json_t *list = json_array(), *item;
    size_t i, n = 0;
    char path[48], p2[96];
    json_array_foreach(arr, i, item) {
        sm_path_index(path, sizeof path, "experience", i);
        if (!json_is_object(item)) {
            sm_field_error(fe, path,
                           "must be an object {\"occupation\"|\"rome\"|\"appellation\":…}");
            continue;
        }
        static const char *const keys[] = {"occupation", "rome",  "appellation", "years",
                                           "id",         "label", NULL};
        sm_check_keys(item, path, keys, fe);
        static const char *const kinds[] = {"occupation", "rome", "appellation"};
        const char *which = NULL, *value = NULL;
        int given = 0;
        for (int k = 0; k < 3; k++) {
            json_t *v = json_object_get(item, kinds[k]);
            if (!v || json_is_null(v))
                continue;
            given++;
            which = kinds[k];
            value = json_is_string(v) ? json_string_value(v) : NULL;
            if (!value || strlen(value) > 1000)
                sm_field_error(fe, sm_path(p2, sizeof p2, path, kinds[k]), "must be a string");
        }
        if (given != 1) {
            sm_field_error(fe, path,
                           given ? "name one job: occupation, rome or appellation"
                                 : "needs the job: occupation (an ESCO URI), rome (a ROME code "
                                   "such as D1505) or appellation (a ROME job title number)");
            continue;
        }
        double years = 0;
        sm_get_number(item, path, "years", 0, 60, &years, fe);
        if (!value)
            continue;
        sm_job job = sm_job_find(g, value, strcmp(which, "occupation") ? which : NULL);
        if (job.kind == SM_JOB_NONE) {
            int occupation = which == kinds[0], code = which == kinds[1];
            sm_path(p2, sizeof p2, path, which);
            if (occupation)
                sm_field_error(fe, p2, "no ESCO occupation with this URI");
            else if (!g->rome)
                sm_field_error(fe, p2, "no ROME repertoire is loaded");
            else if (code)
                sm_field_error(fe, p2, "no such ROME code");
            else
                sm_field_error(fe, p2, "no such ROME job title number");
            continue;
        }
        out[n] = (sm_experience){job, years};
        json_t *o = sm_job_ref_json(g, job, lang);
        json_object_del(o, "rome"); /* a title's code: "rome" names the job field here */
        char num[16];
        const char *named = num;
        if (job.kind == SM_JOB_OCCUPATION)
            named = sm_taxonomy_uri(g->tx, job.index);
        else if (job.kind == SM_JOB_ROME)
            named = sm_rome_job_at(g->rome, job.index)->code;
        else
            snprintf(num, sizeof num, "%u", sm_rome_title_at(g->rome, job.index)->ogr);
        json_object_set_new(o, which, json_string(named));
        if (years > 0)
            json_object_set_new(o, "years", json_real(years));
        json_object_del(o, "type");
        json_array_append_new(list, o);
        n++;
    }
    if (norm)
        *norm = list;
    else
        json_decref(list);
    return n;
}

size_t sm_experience_proposals(const sm_gen *g, const sm_experience *e, size_t n, sm_proposal *out,
                               size_t cap)
{
    enum { CAP = 1024 };
    sm_job_skill *s = sm_malloc(CAP * sizeof *s);
    size_t count = 0;
    for (size_t i = 0; s && i < n; i++) {
        size_t k = sm_job_skills(g, e[i].job, s, CAP);
        for (size_t j = 0; j < k && j < CAP; j++) {
            if (!s[j].essential && e[i].years < SM_EXPERIENCE_OPTIONAL_YEARS)
                continue;
            size_t at = 0;
            while (at < count && at < cap && out[at].s.concept != s[j].concept)
                at++;
            if (at < count && at < cap) {
                if (s[j].essential && !out[at].s.essential)
                    out[at].s.essential = 1;
                continue;
            }
            if (count < cap)
                out[count] = (sm_proposal){s[j], (uint32_t)i};
            count++;
        }
    }
    sm_free(s);
    return count;
}

json_t *sm_proposal_source(const sm_gen *g, const sm_experience *e, const sm_proposal *p,
                           sm_lang lang)
{
    json_t *skill = skill_json(g, &p->s, lang);
    json_t *o =
        json_pack("{s:I, s:o, s:O, s:O}", "experience", (json_int_t)p->experience, "job",
                  sm_job_ref_json(g, e[p->experience].job, lang), "via",
                  json_object_get(skill, "via"), "through", json_object_get(skill, "through"));
    json_decref(skill);
    return o;
}
