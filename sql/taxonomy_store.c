/*
 * taxonomy_store.c: importing a taxonomy source into PostgreSQL and loading
 * the stored sources back (see taxonomy_store.h). Imports stream rows into
 * temporary tables with COPY, then merge them with set-based statements.
 */
#include "sql/taxonomy_store.h"
#include "sql/copy.h"
#include "sql/db.h"
#include "taxonomy/base/alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sm_concept_map_free(sm_concept_map *map)
{
    if (!map)
        return;
    sm_free(map->id_of);
    sm_free(map->cid_of);
    memset(map, 0, sizeof *map);
}

static const char *const import_sql[] = {
    "CREATE TEMP TABLE imp_concepts (uri text, type smallint, code text, reuse smallint, "
    "collections integer, description_en text, description_fr text) ON COMMIT DROP",
    "CREATE TEMP TABLE imp_labels (uri text, lang smallint, kind smallint, text text) "
    "ON COMMIT DROP",
    "CREATE TEMP TABLE imp_relations (from_uri text, to_uri text, relation smallint) "
    "ON COMMIT DROP",
    "CREATE TEMP TABLE imp_statements (uri text, band text, text text) ON COMMIT DROP",
};

/* The merge, in order; $1 is the source. */
static const char *const merge_sql[] = {
    "INSERT INTO concepts (uri) SELECT uri FROM imp_concepts UNION SELECT from_uri FROM "
    "imp_relations UNION SELECT to_uri FROM imp_relations ON CONFLICT (uri) DO NOTHING",
    "UPDATE concept_facts f SET obsolete = true WHERE f.source = $1 AND NOT EXISTS (SELECT 1 "
    "FROM imp_concepts i JOIN concepts c ON c.uri = i.uri WHERE c.cid = f.cid)",
    "DELETE FROM concept_facts f USING imp_concepts i, concepts c WHERE f.source = $1 AND "
    "c.uri = i.uri AND f.cid = c.cid",
    "INSERT INTO concept_facts (source, cid, type, code, reuse, collections, description_en, "
    "description_fr) SELECT $1, c.cid, i.type, i.code, i.reuse, i.collections, "
    "i.description_en, i.description_fr FROM imp_concepts i JOIN concepts c ON c.uri = i.uri",
    "DELETE FROM concept_labels l USING imp_concepts i, concepts c WHERE l.source = $1 AND "
    "c.uri = i.uri AND l.cid = c.cid",
    "INSERT INTO concept_labels (source, cid, lang, kind, text) SELECT $1, c.cid, l.lang, "
    "l.kind, l.text FROM imp_labels l JOIN concepts c ON c.uri = l.uri",
    "DELETE FROM concept_relations r USING concepts c WHERE r.source = $1 AND c.cid = "
    "r.from_cid AND c.uri IN (SELECT uri FROM imp_concepts UNION SELECT from_uri FROM "
    "imp_relations)",
    "INSERT INTO concept_relations (source, from_cid, to_cid, relation) SELECT $1, a.cid, b.cid, "
    "r.relation FROM imp_relations r JOIN concepts a ON a.uri = r.from_uri JOIN concepts b ON "
    "b.uri = r.to_uri",
    "DELETE FROM taxonomy_statements WHERE source = $1",
    "INSERT INTO taxonomy_statements (source, cid, band, text) SELECT $1, c.cid, s.band, s.text "
    "FROM imp_statements s JOIN concepts c ON c.uri = s.uri",
    "DELETE FROM taxonomy_levels WHERE source = $1",
};

static int copy_concepts(PGconn *c, const sm_taxonomy *tx, size_t *described, sm_error *err)
{
    if (sm_db_exec(c, "COPY imp_concepts FROM STDIN", 0, NULL, NULL, err))
        return SM_EIO;
    sm_copy cp;
    sm_copy_begin(&cp, c);
    *described = 0;
    for (uint32_t id = 0; id < sm_taxonomy_count(tx); id++) {
        sm_concept_type type = sm_taxonomy_type(tx, id);
        if (type == SM_CT_UNKNOWN) /* only referenced here: another source describes it */
            continue;
        ++*described;
        sm_copy_str(&cp, sm_taxonomy_uri(tx, id));
        sm_copy_int(&cp, type);
        sm_copy_str(&cp, sm_taxonomy_code(tx, id));
        sm_copy_int(&cp, sm_taxonomy_reuse(tx, id));
        sm_copy_int(&cp, sm_taxonomy_collections(tx, id));
        sm_copy_str(&cp, sm_taxonomy_description(tx, id, SM_LANG_EN));
        sm_copy_str(&cp, sm_taxonomy_description(tx, id, SM_LANG_FR));
        sm_copy_row_end(&cp);
    }
    return sm_copy_end(&cp, err);
}

static int copy_labels(PGconn *c, const sm_taxonomy *tx, sm_error *err)
{
    if (sm_db_exec(c, "COPY imp_labels FROM STDIN", 0, NULL, NULL, err))
        return SM_EIO;
    sm_copy cp;
    sm_copy_begin(&cp, c);
    for (size_t i = 0; i < sm_taxonomy_label_total(tx); i++) {
        sm_label l = sm_taxonomy_label_at(tx, i);
        sm_copy_str(&cp, sm_taxonomy_uri(tx, l.concept));
        sm_copy_int(&cp, l.lang);
        sm_copy_int(&cp, l.kind);
        sm_copy_str(&cp, l.text);
        sm_copy_row_end(&cp);
    }
    return sm_copy_end(&cp, err);
}

static int copy_relations(PGconn *c, const sm_taxonomy *tx, sm_error *err)
{
    if (sm_db_exec(c, "COPY imp_relations FROM STDIN", 0, NULL, NULL, err))
        return SM_EIO;
    sm_copy cp;
    sm_copy_begin(&cp, c);
    for (size_t i = 0; i < sm_taxonomy_relation_total(tx); i++) {
        uint32_t from, to;
        sm_relation rel;
        sm_taxonomy_relation_at(tx, i, &from, &to, &rel);
        sm_copy_str(&cp, sm_taxonomy_uri(tx, from));
        sm_copy_str(&cp, sm_taxonomy_uri(tx, to));
        sm_copy_int(&cp, rel);
        sm_copy_row_end(&cp);
    }
    return sm_copy_end(&cp, err);
}

static int copy_statements(PGconn *c, const sm_taxonomy *tx, sm_error *err)
{
    if (sm_db_exec(c, "COPY imp_statements FROM STDIN", 0, NULL, NULL, err))
        return SM_EIO;
    sm_copy cp;
    sm_copy_begin(&cp, c);
    for (size_t i = 0; i < sm_taxonomy_statement_count(tx); i++) {
        sm_statement s = sm_taxonomy_statement_at(tx, i);
        sm_copy_str(&cp, sm_taxonomy_uri(tx, s.concept));
        sm_copy_str(&cp, s.band);
        sm_copy_str(&cp, s.text);
        sm_copy_row_end(&cp);
    }
    return sm_copy_end(&cp, err);
}

int sm_store_import_taxonomy(PGconn *c, const char *source, const char *detail,
                             const sm_taxonomy *tx, size_t *concepts, sm_error *err)
{
    *concepts = 0;
    if (sm_db_exec(c, "BEGIN", 0, NULL, NULL, err))
        return SM_EIO;
    int rc = SM_OK;
    for (size_t i = 0; i < sizeof import_sql / sizeof *import_sql && rc == SM_OK; i++)
        rc = sm_db_exec(c, import_sql[i], 0, NULL, NULL, err);
    if (rc == SM_OK)
        rc = copy_concepts(c, tx, concepts, err);
    if (rc == SM_OK)
        rc = copy_labels(c, tx, err);
    if (rc == SM_OK)
        rc = copy_relations(c, tx, err);
    if (rc == SM_OK)
        rc = copy_statements(c, tx, err);
    const char *p1[] = {source};
    for (size_t i = 0; i < sizeof merge_sql / sizeof *merge_sql && rc == SM_OK; i++)
        rc = sm_db_exec(c, merge_sql[i], strstr(merge_sql[i], "$1") ? 1 : 0, p1, NULL, err);
    for (int level = 1; level <= 8 && rc == SM_OK; level++) {
        const sm_level *l = sm_taxonomy_level(tx, level);
        if (!l)
            continue;
        char num[16];
        snprintf(num, sizeof num, "%d", level);
        const char *p[] = {source, num, l->name, l->name_fr, l->description};
        rc = sm_db_exec(c,
                        "INSERT INTO taxonomy_levels (source, level, name, name_fr, description) "
                        "VALUES ($1, $2, $3, $4, $5)",
                        5, p, NULL, err);
    }
    if (rc == SM_OK) {
        char count[32];
        snprintf(count, sizeof count, "%zu", *concepts);
        const char *p[] = {source, detail, count};
        rc = sm_db_exec(
            c, "INSERT INTO taxonomy_imports (source, detail, concepts) VALUES ($1, $2, $3)", 3, p,
            NULL, err);
    }
    if (rc == SM_OK)
        rc = sm_db_exec(c, "COMMIT", 0, NULL, NULL, err);
    if (rc != SM_OK) {
        sm_error ignored;
        sm_db_exec(c, "ROLLBACK", 0, NULL, NULL, &ignored);
    }
    return rc;
}

/* ---- loading ------------------------------------------------------------- */

#define SOURCE_ORDER "array_position(ARRAY['esco','digcomp','builtin'], source)"

static sm_str str_of(const PGresult *r, int row, int col)
{
    return sm_str_make(PQgetvalue(r, row, col), (size_t)PQgetlength(r, row, col));
}

static uint32_t u32_of(const PGresult *r, int row, int col)
{
    return (uint32_t)strtoul(PQgetvalue(r, row, col), NULL, 10);
}

static int load_concepts(PGconn *c, sm_taxonomy *tx, sm_concept_map *map, sm_error *err)
{
    PGresult *r;
    /* Each concept with the type its first describing source gives it (unknown if none). */
    if (sm_db_exec(c,
                   "SELECT c.cid, c.uri, COALESCE(f.type, 0) FROM concepts c LEFT JOIN (SELECT "
                   "DISTINCT ON (cid) cid, type FROM concept_facts ORDER BY cid, " SOURCE_ORDER
                   ") f USING (cid) ORDER BY c.cid",
                   0, NULL, &r, err))
        return SM_EIO;
    int rows = PQntuples(r);
    uint32_t max_cid = rows ? u32_of(r, rows - 1, 0) : 0;
    map->cid_cap = max_cid + 1;
    map->id_of = sm_malloc(sizeof(uint32_t) * map->cid_cap);
    map->id_cap = (uint32_t)rows;
    map->cid_of = sm_calloc((size_t)rows + 1, sizeof(uint32_t));
    if (!map->id_of || !map->cid_of) {
        PQclear(r);
        return sm_error_set(err, SM_ENOMEM, "taxonomy: out of memory");
    }
    for (uint32_t i = 0; i < map->cid_cap; i++)
        map->id_of[i] = SM_NO_CONCEPT;
    int rc = SM_OK;
    for (int row = 0; row < rows && rc == SM_OK; row++) {
        uint32_t id, cid = u32_of(r, row, 0);
        rc = sm_taxonomy_intern(tx, str_of(r, row, 1), (sm_concept_type)u32_of(r, row, 2), &id);
        if (rc == SM_OK && id < map->id_cap) {
            map->id_of[cid] = id;
            map->cid_of[id] = cid;
        }
    }
    PQclear(r);
    if (rc != SM_OK)
        return sm_error_set(err, rc, "taxonomy: %s while loading concepts", sm_strerror(rc));
    return SM_OK;
}

static uint32_t id_at(const sm_concept_map *map, const PGresult *r, int row, int col)
{
    return sm_concept_id(map, u32_of(r, row, col));
}

static int load_facts(PGconn *c, sm_taxonomy *tx, const sm_concept_map *map, sm_error *err)
{
    PGresult *r;
    if (sm_db_exec(c,
                   "SELECT cid, code, reuse, collections, description_en, description_fr FROM "
                   "concept_facts ORDER BY " SOURCE_ORDER ", cid",
                   0, NULL, &r, err))
        return SM_EIO;
    int rc = SM_OK;
    for (int row = 0; row < PQntuples(r) && rc == SM_OK; row++) {
        uint32_t id = id_at(map, r, row, 0);
        if (id == SM_NO_CONCEPT)
            continue;
        /* A later source adds to what an earlier one said, never blanks it. */
        if (PQgetlength(r, row, 1) && !*sm_taxonomy_code(tx, id))
            rc = sm_taxonomy_set_code(tx, id, str_of(r, row, 1));
        if (u32_of(r, row, 2) && sm_taxonomy_reuse(tx, id) == SM_REUSE_UNKNOWN)
            sm_taxonomy_set_reuse(tx, id, (sm_reuse)u32_of(r, row, 2));
        sm_taxonomy_add_collections(tx, id, u32_of(r, row, 3));
        for (int lang = 0; lang < 2 && rc == SM_OK; lang++)
            if (PQgetlength(r, row, 4 + lang) && !*sm_taxonomy_description(tx, id, (sm_lang)lang))
                rc = sm_taxonomy_set_description(tx, id, (sm_lang)lang, str_of(r, row, 4 + lang));
    }
    PQclear(r);
    return rc ? sm_error_set(err, rc, "taxonomy: %s while loading facts", sm_strerror(rc)) : 0;
}

/*
 * Labels, source by source. A concept keeps the preferred label of the first source that
 * gives it one in a language; a later source's preferred label becomes an alternative (the
 * built-in taxonomy, imported alone, names ESCO concepts it adds to as if they were its own;
 * the file loader makes the same choice, taxonomy/builtin.c).
 */
static int load_labels(PGconn *c, sm_taxonomy *tx, const sm_concept_map *map, sm_error *err)
{
    PGresult *r;
    if (sm_db_exec(c,
                   "SELECT cid, lang, kind, text, " SOURCE_ORDER
                   " FROM concept_labels ORDER BY " SOURCE_ORDER,
                   0, NULL, &r, err))
        return SM_EIO;
    size_t n = sm_taxonomy_count(tx);
    uint8_t *pref_source = sm_calloc(n * SM_LANG_COUNT + 1, 1);
    if (!pref_source) {
        PQclear(r);
        return sm_error_set(err, SM_ENOMEM, "taxonomy: out of memory");
    }
    int rc = SM_OK;
    for (int row = 0; row < PQntuples(r) && rc == SM_OK; row++) {
        uint32_t id = id_at(map, r, row, 0), lang = u32_of(r, row, 1), kind = u32_of(r, row, 2);
        uint8_t source = (uint8_t)u32_of(r, row, 4);
        if (id == SM_NO_CONCEPT || id >= n || lang >= SM_LANG_COUNT || kind > SM_LABEL_HIDDEN)
            continue;
        uint8_t *first = &pref_source[(size_t)id * SM_LANG_COUNT + lang];
        if (kind == SM_LABEL_PREFERRED) {
            if (!*first)
                *first = source;
            else if (*first != source)
                kind = SM_LABEL_ALT;
        }
        rc = sm_taxonomy_add_label(tx, id, (sm_lang)lang, (sm_label_kind)kind, str_of(r, row, 3));
    }
    sm_free(pref_source);
    PQclear(r);
    return rc ? sm_error_set(err, rc, "taxonomy: %s while loading labels", sm_strerror(rc)) : 0;
}

static int load_relations(PGconn *c, sm_taxonomy *tx, const sm_concept_map *map, sm_error *err)
{
    PGresult *r;
    if (sm_db_exec(c, "SELECT from_cid, to_cid, relation FROM concept_relations", 0, NULL, &r, err))
        return SM_EIO;
    int rc = SM_OK;
    for (int row = 0; row < PQntuples(r) && rc == SM_OK; row++) {
        uint32_t from = id_at(map, r, row, 0), to = id_at(map, r, row, 1), rel = u32_of(r, row, 2);
        if (from == SM_NO_CONCEPT || to == SM_NO_CONCEPT || rel >= SM_REL__COUNT)
            continue;
        rc = sm_taxonomy_add_relation(tx, from, to, (sm_relation)rel);
    }
    PQclear(r);
    return rc ? sm_error_set(err, rc, "taxonomy: %s while loading relations", sm_strerror(rc)) : 0;
}

static int load_levels_and_statements(PGconn *c, sm_taxonomy *tx, const sm_concept_map *map,
                                      sm_error *err)
{
    PGresult *r;
    if (sm_db_exec(
            c,
            "SELECT level, name, name_fr, description FROM taxonomy_levels ORDER BY " SOURCE_ORDER,
            0, NULL, &r, err))
        return SM_EIO;
    int rc = SM_OK;
    for (int row = 0; row < PQntuples(r) && rc == SM_OK; row++)
        rc = sm_taxonomy_set_level(tx, (int)u32_of(r, row, 0), str_of(r, row, 1), str_of(r, row, 2),
                                   str_of(r, row, 3));
    PQclear(r);
    if (rc != SM_OK)
        return sm_error_set(err, rc, "taxonomy: %s while loading levels", sm_strerror(rc));
    if (sm_db_exec(c, "SELECT cid, band, text FROM taxonomy_statements ORDER BY " SOURCE_ORDER, 0,
                   NULL, &r, err))
        return SM_EIO;
    for (int row = 0; rc == SM_OK && row < PQntuples(r); row++) {
        uint32_t id = id_at(map, r, row, 0);
        if (id != SM_NO_CONCEPT)
            rc = sm_taxonomy_add_statement(tx, id, str_of(r, row, 1), str_of(r, row, 2));
    }
    PQclear(r);
    return rc ? sm_error_set(err, rc, "taxonomy: %s while loading levels", sm_strerror(rc)) : 0;
}

int sm_store_load_taxonomy(PGconn *c, sm_taxonomy **out, sm_concept_map *map, sm_error *err)
{
    *out = NULL;
    memset(map, 0, sizeof *map);
    PGresult *r;
    if (sm_db_exec(c, "SELECT count(*) FROM taxonomy_imports", 0, NULL, &r, err))
        return SM_EIO;
    int imported = atoi(PQgetvalue(r, 0, 0));
    PQclear(r);
    if (!imported)
        return sm_error_set(err, SM_ENOTFOUND,
                            "the database holds no taxonomy: run `skillmatch import builtin` "
                            "(or import esco DIR)");
    sm_taxonomy *tx = sm_taxonomy_new();
    if (!tx)
        return sm_error_set(err, SM_ENOMEM, "taxonomy: out of memory");
    /* One snapshot for all the reads, so a concurrent import is seen whole or not at all. */
    int rc = sm_db_exec(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", 0, NULL, NULL, err);
    if (rc == SM_OK)
        rc = load_concepts(c, tx, map, err);
    if (rc == SM_OK)
        rc = load_facts(c, tx, map, err);
    if (rc == SM_OK)
        rc = load_labels(c, tx, map, err);
    if (rc == SM_OK)
        rc = load_relations(c, tx, map, err);
    if (rc == SM_OK)
        rc = load_levels_and_statements(c, tx, map, err);
    sm_error ignored;
    sm_db_exec(c, "COMMIT", 0, NULL, NULL, &ignored);
    if (rc == SM_OK && (rc = sm_taxonomy_finalize(tx)) != SM_OK)
        sm_error_set(err, rc, "taxonomy: %s while building indexes", sm_strerror(rc));
    if (rc != SM_OK) {
        sm_taxonomy_free(tx);
        sm_concept_map_free(map);
        return rc;
    }
    *out = tx;
    return SM_OK;
}

int sm_store_concept_uris(PGconn *c, int (*each)(void *arg, const char *uri, size_t len), void *arg,
                          sm_error *err)
{
    PGresult *r;
    if (sm_db_exec(c, "SELECT uri FROM concepts", 0, NULL, &r, err))
        return SM_EIO;
    int rc = SM_OK;
    for (int i = 0; i < PQntuples(r) && rc == SM_OK; i++)
        rc = each(arg, PQgetvalue(r, i, 0), (size_t)PQgetlength(r, i, 0));
    PQclear(r);
    return rc;
}
