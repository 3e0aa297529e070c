/*
 * builtin.c: the loader of the built-in taxonomy files (see builtin.h).
 *
 * Format: UTF-8, one record per line, fields separated by tabs, a header
 * line naming the columns, '#' starting a comment line. Concept files have
 * the columns key, esco_uri, digcomp, type, en, en_synonyms, fr,
 * fr_synonyms, description_en, description_fr (synonyms separated by '|').
 * Level files have level, name_en, name_fr, description_en.
 */
#include "taxonomy/builtin.h"
#include "taxonomy/digcomp.h"
#include "taxonomy/esco.h"

#include <stdio.h>
#include <string.h>

extern const int sm__builtin_file_count;
extern const char *const sm__builtin_file_names[];
extern const unsigned char *const sm__builtin_file_data[];
extern const size_t sm__builtin_file_sizes[];

enum { MAX_COLS = 12 };

typedef struct line_reader {
    const char *name;
    size_t line;
    sm_str cols[MAX_COLS];
    size_t col_count;
    char header[MAX_COLS][32];
    size_t header_count;
    sm_error *err;
} line_reader;

static void split_tabs(line_reader *lr, sm_str line)
{
    lr->col_count = 0;
    const char *p = line.ptr, *end = line.ptr + line.len;
    while (lr->col_count < MAX_COLS) {
        const char *q = memchr(p, '\t', (size_t)(end - p));
        if (!q)
            q = end;
        lr->cols[lr->col_count++] = sm_str_trim(sm_str_make(p, (size_t)(q - p)));
        if (q == end)
            break;
        p = q + 1;
    }
}

static int col_index(const line_reader *lr, const char *name)
{
    for (size_t i = 0; i < lr->header_count; i++)
        if (strcmp(lr->header[i], name) == 0)
            return (int)i;
    return -1;
}

static sm_str col(const line_reader *lr, int index)
{
    if (index < 0 || (size_t)index >= lr->col_count)
        return sm_str_make("", 0);
    return lr->cols[index];
}

static int fail(line_reader *lr, int rc, const char *column, const char *what)
{
    return sm_error_set(lr->err, rc, "%s: line %zu, column %s: %s", lr->name, lr->line, column,
                        what);
}

typedef struct syn_ctx {
    sm_taxonomy *tx;
    uint32_t id;
    sm_lang lang;
} syn_ctx;

static int add_synonym(void *ctx, sm_str part)
{
    syn_ctx *c = ctx;
    return sm_taxonomy_add_label(c->tx, c->id, c->lang, SM_LABEL_ALT, part);
}

typedef struct link_ctx {
    sm_taxonomy *tx;
    uint32_t id;
    int is_competence;
} link_ctx;

static int link_digcomp(void *ctx, sm_str code)
{
    link_ctx *c = ctx;
    char uri[96];
    snprintf(uri, sizeof uri, "%s%.*s",
             c->is_competence ? SM_DIGCOMP_AREA_PREFIX : SM_DIGCOMP_COMPETENCE_PREFIX,
             (int)code.len, code.ptr);
    uint32_t target;
    int rc = sm_taxonomy_intern(c->tx, sm_str_make(uri, strlen(uri)),
                                c->is_competence ? SM_CT_DIGCOMP_AREA : SM_CT_DIGCOMP_COMPETENCE,
                                &target);
    if (rc != SM_OK)
        return rc;
    return sm_taxonomy_add_relation(c->tx, c->id, target,
                                    c->is_competence ? SM_REL_BROADER : SM_REL_DIGCOMP);
}

static int concept_row(sm_taxonomy *tx, line_reader *lr)
{
    static const char *const required[] = {
        "key",         "esco_uri", "digcomp",     "type",           "en",
        "en_synonyms", "fr",       "fr_synonyms", "description_en", "description_fr"};
    int idx[10];
    for (int i = 0; i < 10; i++)
        if ((idx[i] = col_index(lr, required[i])) < 0)
            return sm_error_set(lr->err, SM_EPARSE, "%s: header has no column %s", lr->name,
                                required[i]);
    sm_str key = col(lr, idx[0]), esco = col(lr, idx[1]), type_name = col(lr, idx[3]);
    sm_concept_type type;
    char uri[256];
    if (sm_str_eq(type_name, "skill") || sm_str_eq(type_name, "knowledge")) {
        type = sm_str_eq(type_name, "skill") ? SM_CT_SKILL : SM_CT_KNOWLEDGE;
        if (esco.len) {
            if (esco.len >= sizeof uri || memcmp(esco.ptr, "http://data.europa.eu/esco/", 27))
                return fail(lr, SM_EPARSE, "esco_uri", "not an ESCO URI");
            snprintf(uri, sizeof uri, "%.*s", (int)esco.len, esco.ptr);
        } else
            snprintf(uri, sizeof uri, "%s%.*s", SM_BUILTIN_SKILL_PREFIX, (int)key.len, key.ptr);
    } else if (sm_str_eq(type_name, "area")) {
        type = SM_CT_DIGCOMP_AREA;
        snprintf(uri, sizeof uri, "%s%.*s", SM_DIGCOMP_AREA_PREFIX, (int)key.len, key.ptr);
    } else if (sm_str_eq(type_name, "competence")) {
        type = SM_CT_DIGCOMP_COMPETENCE;
        snprintf(uri, sizeof uri, "%s%.*s", SM_DIGCOMP_COMPETENCE_PREFIX, (int)key.len, key.ptr);
    } else
        return fail(lr, SM_EPARSE, "type", "must be skill, knowledge, area or competence");
    if (key.len == 0 || key.len > 64)
        return fail(lr, SM_EPARSE, "key", "must be 1 to 64 bytes");
    if (col(lr, idx[4]).len == 0 || col(lr, idx[6]).len == 0)
        return fail(lr, SM_EPARSE, "en/fr", "both English and French labels are required");
    uint32_t id;
    int rc = sm_taxonomy_intern(tx, sm_str_make(uri, strlen(uri)), type, &id);
    if (rc != SM_OK)
        return fail(lr, rc, "key", sm_strerror(rc));
    sm_taxonomy_add_collections(tx, id, SM_COLL_BUILTIN | SM_COLL_DIGITAL);
    static const int label_cols[SM_LANG_COUNT] = {4, 6};
    for (int lang = 0; lang < SM_LANG_COUNT; lang++) {
        sm_str pref = col(lr, idx[label_cols[lang]]);
        /* An ESCO concept keeps its own preferred label; ours becomes an alternative. */
        int has_pref = sm_taxonomy_label(tx, id, (sm_lang)lang)[0] != '\0';
        rc = sm_taxonomy_add_label(tx, id, (sm_lang)lang,
                                   has_pref && esco.len ? SM_LABEL_ALT : SM_LABEL_PREFERRED, pref);
        syn_ctx sc = {tx, id, (sm_lang)lang};
        if (rc == SM_OK)
            rc = sm_split_values(col(lr, idx[label_cols[lang] + 1]), "|", add_synonym, &sc);
        sm_str desc = col(lr, idx[8 + lang]);
        if (rc == SM_OK && sm_taxonomy_description(tx, id, (sm_lang)lang)[0] == '\0')
            rc = sm_taxonomy_set_description(tx, id, (sm_lang)lang, desc);
        if (rc != SM_OK)
            return fail(lr, rc, "labels", sm_strerror(rc));
    }
    if (type == SM_CT_DIGCOMP_AREA || type == SM_CT_DIGCOMP_COMPETENCE) {
        rc = sm_taxonomy_set_code(tx, id, key);
        if (rc == SM_OK)
            sm_taxonomy_add_collections(tx, id, SM_COLL_DIGCOMP);
        if (rc != SM_OK)
            return fail(lr, rc, "key", sm_strerror(rc));
    }
    /* A competence's ESCO twin (from ESCO's DigComp collection) joins it when ESCO is loaded. */
    if (type == SM_CT_DIGCOMP_COMPETENCE && esco.len) {
        uint32_t twin = sm_taxonomy_find(tx, esco);
        if (twin != SM_NO_CONCEPT &&
            (rc = sm_taxonomy_add_relation(tx, twin, id, SM_REL_DIGCOMP)) != SM_OK)
            return fail(lr, rc, "esco_uri", sm_strerror(rc));
    }
    if (type != SM_CT_DIGCOMP_AREA) {
        link_ctx lc = {tx, id, type == SM_CT_DIGCOMP_COMPETENCE};
        rc = sm_split_values(col(lr, idx[2]), ",", link_digcomp, &lc);
        if (rc != SM_OK)
            return fail(lr, rc, "digcomp", "bad DigComp code list");
    }
    return SM_OK;
}

static int level_row(sm_taxonomy *tx, line_reader *lr)
{
    int i_level = col_index(lr, "level"), i_en = col_index(lr, "name_en"),
        i_fr = col_index(lr, "name_fr"), i_desc = col_index(lr, "description_en");
    if (i_level < 0 || i_en < 0 || i_fr < 0 || i_desc < 0)
        return sm_error_set(lr->err, SM_EPARSE,
                            "%s: header must name level, name_en, name_fr, description_en",
                            lr->name);
    sm_str level = col(lr, i_level);
    if (level.len != 1 || level.ptr[0] < '1' || level.ptr[0] > '8')
        return fail(lr, SM_EPARSE, "level", "must be 1..8");
    int rc = sm_taxonomy_set_level(tx, level.ptr[0] - '0', col(lr, i_en), col(lr, i_fr),
                                   col(lr, i_desc));
    return rc == SM_OK ? SM_OK : fail(lr, rc, "level", sm_strerror(rc));
}

int sm_builtin_load_buffer(sm_taxonomy *tx, const char *name, const char *data, size_t len,
                           sm_error *err)
{
    size_t name_len = strlen(name);
    int levels = name_len >= 10 && strcmp(name + name_len - 10, "levels.tsv") == 0;
    line_reader lr;
    memset(&lr, 0, sizeof lr);
    lr.name = name;
    lr.err = err;
    size_t bad;
    if (!sm_utf8_valid(data, len, &bad))
        return sm_error_set(err, SM_EUTF8, "%s: invalid UTF-8 at byte %zu", name, bad);
    const char *p = data, *end = data + len;
    int have_header = 0;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *line_end = nl ? nl : end;
        lr.line++;
        sm_str line = sm_str_make(p, (size_t)(line_end - p));
        p = nl ? nl + 1 : end;
        if (line.len && line.ptr[line.len - 1] == '\r')
            line.len--;
        if (line.len == 0 || line.ptr[0] == '#')
            continue;
        split_tabs(&lr, line);
        if (!have_header) {
            for (size_t i = 0; i < lr.col_count; i++)
                snprintf(lr.header[i], sizeof lr.header[i], "%.*s", (int)lr.cols[i].len,
                         lr.cols[i].ptr);
            lr.header_count = lr.col_count;
            have_header = 1;
            continue;
        }
        if (lr.col_count > lr.header_count)
            return sm_error_set(err, SM_EPARSE, "%s: line %zu: %zu fields, the header has %zu",
                                name, lr.line, lr.col_count, lr.header_count);
        int rc = levels ? level_row(tx, &lr) : concept_row(tx, &lr);
        if (rc != SM_OK)
            return rc;
    }
    return SM_OK;
}

int sm_builtin_load(sm_taxonomy *tx, sm_error *err)
{
    for (int i = 0; i < sm__builtin_file_count; i++) {
        int rc = sm_builtin_load_buffer(tx, sm__builtin_file_names[i],
                                        (const char *)sm__builtin_file_data[i],
                                        sm__builtin_file_sizes[i], err);
        if (rc != SM_OK)
            return rc;
    }
    return SM_OK;
}
