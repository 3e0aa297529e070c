/*
 * esco.c: the ESCO CSV importer (see esco.h).
 *
 * Each file kind has a handler that reads one record through columns looked
 * up by header name. Concept files are read before relation files so that a
 * relation's endpoints already carry their types; a relation naming a URI
 * never described is kept with type SM_CT_UNKNOWN.
 */
#include "taxonomy/esco.h"
#include "taxonomy/csv.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

typedef enum file_kind {
    F_SKILLS,
    F_SKILL_GROUPS,
    F_OCCUPATIONS,
    F_ISCO,
    F_FR_LABELS,
    F_COLLECTION,
    F_BROADER_SKILL,
    F_BROADER_OCC,
    F_SKILL_SKILL,
    F_OCC_SKILL
} file_kind;

typedef struct file_spec {
    const char *pattern; /* %s is the language code, when per language */
    file_kind kind;
    int per_lang;
    unsigned collection;
} file_spec;

/* Concept files first, then collections and relations. "%s" stands for en or fr. */
static const file_spec specs[] = {
    {"skills_%s.csv", F_SKILLS, 1, 0},
    {"skillGroups_%s.csv", F_SKILL_GROUPS, 1, 0},
    {"occupations_%s.csv", F_OCCUPATIONS, 1, 0},
    {"ISCOGroups_%s.csv", F_ISCO, 1, 0},
    {"skills_fr_labels.csv", F_FR_LABELS, 0, 0},
    {"digitalSkillsCollection_%s.csv", F_COLLECTION, 1, SM_COLL_DIGITAL},
    {"transversalSkillsCollection_%s.csv", F_COLLECTION, 1, SM_COLL_TRANSVERSAL},
    {"languageSkillsCollection_%s.csv", F_COLLECTION, 1, SM_COLL_LANGUAGE},
    {"greenSkillsCollection_%s.csv", F_COLLECTION, 1, SM_COLL_GREEN},
    {"digCompSkillsCollection_%s.csv", F_COLLECTION, 1, SM_COLL_DIGCOMP},
    {"broaderRelationsSkillPillar.csv", F_BROADER_SKILL, 0, 0},
    {"broaderRelationsOccPillar.csv", F_BROADER_OCC, 0, 0},
    {"skillSkillRelations.csv", F_SKILL_SKILL, 0, 0},
    {"occupationSkillRelations.csv", F_OCC_SKILL, 0, 0},
};

int sm_split_values(sm_str field, const char *sep, int (*fn)(void *ctx, sm_str part), void *ctx)
{
    size_t sep_len = strlen(sep);
    const char *p = field.ptr, *end = field.ptr + field.len;
    while (p <= end) {
        const char *q = p;
        while (q < end && !((size_t)(end - q) >= sep_len && memcmp(q, sep, sep_len) == 0))
            q++;
        sm_str part = sm_str_trim(sm_str_make(p, (size_t)(q - p)));
        if (part.len) {
            int rc = fn(ctx, part);
            if (rc)
                return rc;
        }
        if (q >= end)
            break;
        p = q + sep_len;
    }
    return 0;
}

typedef struct label_ctx {
    sm_taxonomy *tx;
    uint32_t id;
    sm_lang lang;
    sm_label_kind kind;
} label_ctx;

static int add_one_label(void *ctx, sm_str part)
{
    label_ctx *c = ctx;
    return sm_taxonomy_add_label(c->tx, c->id, c->lang, c->kind, part);
}

static int add_labels(sm_taxonomy *tx, uint32_t id, sm_lang lang, sm_label_kind kind, sm_str field,
                      const char *sep)
{
    label_ctx c = {tx, id, lang, kind};
    return sm_split_values(field, sep, add_one_label, &c);
}

static sm_reuse parse_reuse(sm_str s)
{
    if (sm_str_eq(s, "transversal"))
        return SM_REUSE_TRANSVERSAL;
    if (sm_str_eq(s, "cross-sector") || sm_str_eq(s, "cross-sectoral"))
        return SM_REUSE_CROSS_SECTOR;
    if (sm_str_eq(s, "sector-specific"))
        return SM_REUSE_SECTOR_SPECIFIC;
    if (sm_str_eq(s, "occupation-specific"))
        return SM_REUSE_OCCUPATION_SPECIFIC;
    return SM_REUSE_UNKNOWN;
}

static sm_concept_type parse_pillar_type(sm_str s)
{
    if (sm_str_eq(s, "SkillGroup"))
        return SM_CT_SKILL_GROUP;
    if (sm_str_eq(s, "Occupation"))
        return SM_CT_OCCUPATION;
    if (sm_str_eq(s, "ISCOGroup"))
        return SM_CT_ISCO_GROUP;
    return SM_CT_UNKNOWN; /* KnowledgeSkillCompetence: skill or knowledge, told by skills_*.csv */
}

typedef struct reader {
    sm_taxonomy *tx;
    sm_csv *csv;
    sm_error *err;
    sm_lang lang;
} reader;

static int fail(reader *r, int col, int code, const char *what)
{
    return sm_error_set(r->err, code, "%s: record %zu (line %zu), column %s: %s",
                        sm_csv_name(r->csv), sm_csv_record(r->csv), sm_csv_line(r->csv),
                        sm_csv_column_name(r->csv, col), what);
}

/* Interns the URI in column col, failing with a message when it is empty or too long. */
static int uri_at(reader *r, int col, sm_concept_type type, uint32_t *id)
{
    sm_str uri = sm_str_trim(sm_csv_field(r->csv, col));
    if (uri.len == 0)
        return fail(r, col, SM_EPARSE, "empty concept URI");
    int rc = sm_taxonomy_intern(r->tx, uri, type, id);
    if (rc == SM_EINVAL)
        return fail(r, col, SM_EPARSE, "concept URI longer than 1024 bytes");
    if (rc != SM_OK)
        return fail(r, col, rc, sm_strerror(rc));
    return SM_OK;
}

#define COLS(...) ((const char *const[]){__VA_ARGS__, NULL})

static int read_concepts(reader *r, file_kind kind)
{
    int col[4];
    int rc = sm_csv_require(r->csv, COLS("conceptUri", "preferredLabel"), col, r->err);
    if (rc != SM_OK)
        return rc;
    int c_uri = col[0], c_pref = col[1];
    int c_alt = sm_csv_column(r->csv, "altLabels");
    int c_hidden = sm_csv_column(r->csv, "hiddenLabels");
    int c_desc = sm_csv_column(r->csv, "description");
    int c_code = sm_csv_column(r->csv, "code");
    int c_type = sm_csv_column(r->csv, "skillType");
    int c_reuse = sm_csv_column(r->csv, "reuseLevel");
    sm_concept_type base = kind == F_SKILL_GROUPS  ? SM_CT_SKILL_GROUP
                           : kind == F_OCCUPATIONS ? SM_CT_OCCUPATION
                           : kind == F_ISCO        ? SM_CT_ISCO_GROUP
                                                   : SM_CT_SKILL;
    while ((rc = sm_csv_next(r->csv, r->err)) == 1) {
        sm_concept_type type = base;
        if (kind == F_SKILLS && sm_str_eq(sm_str_trim(sm_csv_field(r->csv, c_type)), "knowledge"))
            type = SM_CT_KNOWLEDGE;
        uint32_t id;
        if ((rc = uri_at(r, c_uri, type, &id)) != SM_OK)
            return rc;
        if (kind == F_SKILLS) {
            sm_taxonomy_set_type(r->tx, id, type);
            sm_reuse reuse = parse_reuse(sm_str_trim(sm_csv_field(r->csv, c_reuse)));
            if (reuse != SM_REUSE_UNKNOWN)
                sm_taxonomy_set_reuse(r->tx, id, reuse);
        }
        if ((rc = sm_taxonomy_add_label(r->tx, id, r->lang, SM_LABEL_PREFERRED,
                                        sm_csv_field(r->csv, c_pref))) != SM_OK ||
            (rc = add_labels(r->tx, id, r->lang, SM_LABEL_ALT, sm_csv_field(r->csv, c_alt),
                             "\n")) != SM_OK ||
            (rc = add_labels(r->tx, id, r->lang, SM_LABEL_HIDDEN, sm_csv_field(r->csv, c_hidden),
                             "\n")) != SM_OK ||
            (rc = sm_taxonomy_set_description(r->tx, id, r->lang, sm_csv_field(r->csv, c_desc))) !=
                SM_OK)
            return fail(r, c_pref, rc, sm_strerror(rc));
        if (c_code >= 0 && sm_csv_field(r->csv, c_code).len &&
            (rc = sm_taxonomy_set_code(r->tx, id, sm_csv_field(r->csv, c_code))) != SM_OK)
            return fail(r, c_code, rc, sm_strerror(rc));
    }
    return rc;
}

static int read_fr_labels(reader *r)
{
    int col[3];
    int rc = sm_csv_require(r->csv, COLS("conceptUri", "preferredLabel", "altLabels"), col, r->err);
    if (rc != SM_OK)
        return rc;
    while ((rc = sm_csv_next(r->csv, r->err)) == 1) {
        uint32_t id;
        if ((rc = uri_at(r, col[0], SM_CT_UNKNOWN, &id)) != SM_OK)
            return rc;
        if ((rc = sm_taxonomy_add_label(r->tx, id, SM_LANG_FR, SM_LABEL_PREFERRED,
                                        sm_csv_field(r->csv, col[1]))) != SM_OK ||
            (rc = add_labels(r->tx, id, SM_LANG_FR, SM_LABEL_ALT, sm_csv_field(r->csv, col[2]),
                             "|")) != SM_OK)
            return fail(r, col[1], rc, sm_strerror(rc));
    }
    return rc;
}

static int read_collection(reader *r, unsigned collection)
{
    int col[2];
    int rc = sm_csv_require(r->csv, COLS("conceptUri", "preferredLabel"), col, r->err);
    if (rc != SM_OK)
        return rc;
    int c_alt = sm_csv_column(r->csv, "altLabels");
    int c_desc = sm_csv_column(r->csv, "description");
    int c_type = sm_csv_column(r->csv, "skillType");
    while ((rc = sm_csv_next(r->csv, r->err)) == 1) {
        sm_concept_type type = sm_str_eq(sm_str_trim(sm_csv_field(r->csv, c_type)), "knowledge")
                                   ? SM_CT_KNOWLEDGE
                                   : SM_CT_SKILL;
        uint32_t id;
        if ((rc = uri_at(r, col[0], type, &id)) != SM_OK)
            return rc;
        sm_taxonomy_add_collections(r->tx, id, collection);
        /* Collections are the only source of French descriptions; keep labels too. */
        if ((r->lang == SM_LANG_FR &&
             (rc = sm_taxonomy_add_label(r->tx, id, r->lang, SM_LABEL_PREFERRED,
                                         sm_csv_field(r->csv, col[1]))) != SM_OK) ||
            (rc = add_labels(r->tx, id, r->lang, SM_LABEL_ALT, sm_csv_field(r->csv, c_alt),
                             " | ")) != SM_OK)
            return fail(r, col[1], rc, sm_strerror(rc));
        if (r->lang == SM_LANG_FR && sm_csv_field(r->csv, c_desc).len &&
            (rc = sm_taxonomy_set_description(r->tx, id, r->lang, sm_csv_field(r->csv, c_desc))) !=
                SM_OK)
            return fail(r, c_desc, rc, sm_strerror(rc));
    }
    return rc;
}

static int read_broader(reader *r)
{
    int col[2];
    int rc = sm_csv_require(r->csv, COLS("conceptUri", "broaderUri"), col, r->err);
    if (rc != SM_OK)
        return rc;
    int c_type = sm_csv_column(r->csv, "conceptType");
    int c_btype = sm_csv_column(r->csv, "broaderType");
    while ((rc = sm_csv_next(r->csv, r->err)) == 1) {
        uint32_t from, to;
        if ((rc = uri_at(r, col[0], parse_pillar_type(sm_csv_field(r->csv, c_type)), &from)) !=
                SM_OK ||
            (rc = uri_at(r, col[1], parse_pillar_type(sm_csv_field(r->csv, c_btype)), &to)) !=
                SM_OK)
            return rc;
        if ((rc = sm_taxonomy_add_relation(r->tx, from, to, SM_REL_BROADER)) != SM_OK)
            return fail(r, col[1], rc, sm_strerror(rc));
    }
    return rc;
}

static int read_pairs(reader *r, file_kind kind)
{
    int col[3];
    int rc =
        kind == F_SKILL_SKILL
            ? sm_csv_require(r->csv, COLS("originalSkillUri", "relationType", "relatedSkillUri"),
                             col, r->err)
            : sm_csv_require(r->csv, COLS("occupationUri", "relationType", "skillUri"), col,
                             r->err);
    if (rc != SM_OK)
        return rc;
    sm_relation essential = kind == F_SKILL_SKILL ? SM_REL_SKILL_ESSENTIAL : SM_REL_OCC_ESSENTIAL;
    sm_relation optional = kind == F_SKILL_SKILL ? SM_REL_SKILL_OPTIONAL : SM_REL_OCC_OPTIONAL;
    sm_concept_type from_type = kind == F_SKILL_SKILL ? SM_CT_UNKNOWN : SM_CT_OCCUPATION;
    while ((rc = sm_csv_next(r->csv, r->err)) == 1) {
        sm_str rel = sm_str_trim(sm_csv_field(r->csv, col[1]));
        sm_relation relation;
        if (sm_str_eq(rel, "essential"))
            relation = essential;
        else if (sm_str_eq(rel, "optional"))
            relation = optional;
        else
            return fail(r, col[1], SM_EPARSE, "relation type must be essential or optional");
        uint32_t from, to;
        if ((rc = uri_at(r, col[0], from_type, &from)) != SM_OK ||
            (rc = uri_at(r, col[2], SM_CT_UNKNOWN, &to)) != SM_OK)
            return rc;
        if ((rc = sm_taxonomy_add_relation(r->tx, from, to, relation)) != SM_OK)
            return fail(r, col[2], rc, sm_strerror(rc));
    }
    return rc;
}

/* Writes pattern with its "%s" replaced by lang into out. */
static void expand_pattern(const char *pattern, const char *lang, char *out, size_t size)
{
    const char *mark = strstr(pattern, "%s");
    if (!mark)
        snprintf(out, size, "%s", pattern);
    else
        snprintf(out, size, "%.*s%s%s", (int)(mark - pattern), pattern, lang, mark + 2);
}

static int file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Finds name in dir, dir/<sub>: returns 1 and the path in buf when present. */
static int locate(const char *dir, const char *sub, const char *name, char *buf, size_t size)
{
    snprintf(buf, size, "%s/%s", dir, name);
    if (file_exists(buf))
        return 1;
    snprintf(buf, size, "%s/%s/%s", dir, sub, name);
    return file_exists(buf);
}

int sm_esco_dir_ok(const char *dir)
{
    char path[4096];
    return locate(dir, "en", "skills_en.csv", path, sizeof path) ||
           locate(dir, "fr", "skills_fr.csv", path, sizeof path);
}

static int read_file(sm_taxonomy *tx, const char *path, const file_spec *spec, sm_lang lang,
                     sm_esco_stats *stats, sm_error *err)
{
    reader r = {tx, NULL, err, lang};
    int rc = sm_csv_open_file(&r.csv, path, err);
    if (rc != SM_OK)
        return rc;
    switch (spec->kind) {
    case F_SKILLS:
    case F_SKILL_GROUPS:
    case F_OCCUPATIONS:
    case F_ISCO: rc = read_concepts(&r, spec->kind); break;
    case F_FR_LABELS: rc = read_fr_labels(&r); break;
    case F_COLLECTION: rc = read_collection(&r, spec->collection); break;
    case F_BROADER_SKILL:
    case F_BROADER_OCC: rc = read_broader(&r); break;
    case F_SKILL_SKILL:
    case F_OCC_SKILL: rc = read_pairs(&r, spec->kind); break;
    }
    if (stats) {
        stats->files++;
        stats->records += sm_csv_record(r.csv);
    }
    sm_csv_free(r.csv);
    return rc < 0 ? rc : SM_OK;
}

int sm_esco_load(sm_taxonomy *tx, const char *dir, sm_esco_stats *stats, sm_error *err)
{
    if (stats)
        memset(stats, 0, sizeof *stats);
    if (!sm_esco_dir_ok(dir))
        return sm_error_set(err, SM_ENOTFOUND,
                            "%s: no ESCO export here (expected skills_en.csv or skills_fr.csv, "
                            "directly or in en/ or fr/)",
                            dir);
    char name[128], path[4096];
    for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++) {
        const file_spec *spec = &specs[i];
        for (int lang = 0; lang < (spec->per_lang ? SM_LANG_COUNT : 1); lang++) {
            const char *code = sm_lang_code((sm_lang)lang);
            expand_pattern(spec->pattern, code, name, sizeof name);
            sm_lang file_lang = spec->kind == F_FR_LABELS ? SM_LANG_FR : (sm_lang)lang;
            const char *sub = spec->per_lang ? code : (spec->kind == F_FR_LABELS ? "fr" : "en");
            if (!locate(dir, sub, name, path, sizeof path))
                continue;
            int rc = read_file(tx, path, spec, file_lang, stats, err);
            if (rc != SM_OK)
                return rc;
            if (stats) {
                struct stat st;
                if (stat(path, &st) == 0)
                    stats->bytes += (size_t)st.st_size;
            }
        }
    }
    return SM_OK;
}
