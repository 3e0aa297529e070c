/*
 * digcomp.c: the DigComp 3.0 JSON-LD importer (see digcomp.h).
 *
 * The supplement is a JSON-LD document whose @graph lists typed nodes:
 * CompetenceArea, Competence (with competence_area_id), ProficiencyLevel
 * (eight_levels_mapping 1..8), CompetenceStatement and LearningOutcome (with
 * competence_id and a four-level band). Other node types (Glossary) are
 * skipped. jansson allocates through our seam (sm_json_use_allocator).
 */
#include "taxonomy/digcomp.h"
#include "taxonomy/base/alloc.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

static sm_str jstr(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    if (json_is_string(v))
        return sm_str_make(json_string_value(v), json_string_length(v));
    return sm_str_make("", 0);
}

/* "Competence/1.1" -> "urn:skillmatch:digcomp:competence:1.1" in buf. */
static int make_uri(sm_str id, const char *kind, const char *prefix, char *buf, size_t size)
{
    size_t kind_len = strlen(kind);
    if (id.len <= kind_len + 1 || memcmp(id.ptr, kind, kind_len) != 0 || id.ptr[kind_len] != '/')
        return SM_EPARSE;
    sm_str number = sm_str_make(id.ptr + kind_len + 1, id.len - kind_len - 1);
    if (number.len > 16)
        return SM_EPARSE;
    for (size_t i = 0; i < number.len; i++)
        if (!((number.ptr[i] >= '0' && number.ptr[i] <= '9') || number.ptr[i] == '.'))
            return SM_EPARSE;
    snprintf(buf, size, "%s%.*s", prefix, (int)number.len, number.ptr);
    return SM_OK;
}

static int load_graph(sm_taxonomy *tx, const char *name, json_t *root, sm_error *err)
{
    json_t *graph = json_object_get(root, "@graph");
    if (!json_is_array(graph))
        return sm_error_set(err, SM_EPARSE, "%s: no @graph array", name);
    char uri[128];
    size_t index;
    json_t *node;
    /* Two passes: areas first, so competences can point at them. */
    for (int pass = 0; pass < 2; pass++) {
        json_array_foreach(graph, index, node) {
            sm_str type = jstr(node, "@type"), id = jstr(node, "@id");
            int rc = SM_OK;
            uint32_t cid;
            if (sm_str_eq(type, "CompetenceArea") && pass == 0) {
                if (make_uri(id, "CompetenceArea", SM_DIGCOMP_AREA_PREFIX, uri, sizeof uri))
                    return sm_error_set(err, SM_EPARSE, "%s: @graph[%zu].@id: bad area id", name,
                                        index);
                rc =
                    sm_taxonomy_intern(tx, sm_str_make(uri, strlen(uri)), SM_CT_DIGCOMP_AREA, &cid);
                if (rc == SM_OK)
                    rc = sm_taxonomy_add_label(tx, cid, SM_LANG_EN, SM_LABEL_PREFERRED,
                                               jstr(node, "name"));
                if (rc == SM_OK)
                    rc =
                        sm_taxonomy_set_description(tx, cid, SM_LANG_EN, jstr(node, "description"));
                if (rc == SM_OK)
                    rc = sm_taxonomy_set_code(tx, cid, sm_str_make(id.ptr + 15, id.len - 15));
                if (rc == SM_OK)
                    sm_taxonomy_add_collections(tx, cid, SM_COLL_DIGCOMP | SM_COLL_DIGITAL);
            } else if (sm_str_eq(type, "Competence") && pass == 0) {
                if (make_uri(id, "Competence", SM_DIGCOMP_COMPETENCE_PREFIX, uri, sizeof uri))
                    return sm_error_set(err, SM_EPARSE, "%s: @graph[%zu].@id: bad competence id",
                                        name, index);
                rc = sm_taxonomy_intern(tx, sm_str_make(uri, strlen(uri)), SM_CT_DIGCOMP_COMPETENCE,
                                        &cid);
                if (rc == SM_OK)
                    rc = sm_taxonomy_add_label(tx, cid, SM_LANG_EN, SM_LABEL_PREFERRED,
                                               jstr(node, "name"));
                if (rc == SM_OK)
                    rc =
                        sm_taxonomy_set_description(tx, cid, SM_LANG_EN, jstr(node, "description"));
                if (rc == SM_OK)
                    rc = sm_taxonomy_set_code(tx, cid, sm_str_make(id.ptr + 11, id.len - 11));
                if (rc == SM_OK)
                    sm_taxonomy_add_collections(tx, cid, SM_COLL_DIGCOMP | SM_COLL_DIGITAL);
                char area_uri[128];
                if (rc == SM_OK && make_uri(jstr(node, "competence_area_id"), "CompetenceArea",
                                            SM_DIGCOMP_AREA_PREFIX, area_uri, sizeof area_uri))
                    return sm_error_set(err, SM_EPARSE,
                                        "%s: @graph[%zu].competence_area_id: missing or bad", name,
                                        index);
                uint32_t area;
                if (rc == SM_OK)
                    rc = sm_taxonomy_intern(tx, sm_str_make(area_uri, strlen(area_uri)),
                                            SM_CT_DIGCOMP_AREA, &area);
                if (rc == SM_OK)
                    rc = sm_taxonomy_add_relation(tx, cid, area, SM_REL_BROADER);
            } else if (sm_str_eq(type, "ProficiencyLevel") && pass == 0) {
                json_t *n = json_object_get(node, "eight_levels_mapping");
                if (!json_is_integer(n) || json_integer_value(n) < 1 || json_integer_value(n) > 8)
                    return sm_error_set(err, SM_EPARSE,
                                        "%s: @graph[%zu].eight_levels_mapping: must be 1..8", name,
                                        index);
                rc = sm_taxonomy_set_level(tx, (int)json_integer_value(n),
                                           jstr(node, "four_levels_name"), sm_str_make("", 0),
                                           jstr(node, "eight_levels_description"));
            } else if ((sm_str_eq(type, "CompetenceStatement") ||
                        sm_str_eq(type, "LearningOutcome")) &&
                       pass == 1) {
                if (make_uri(jstr(node, "competence_id"), "Competence",
                             SM_DIGCOMP_COMPETENCE_PREFIX, uri, sizeof uri))
                    return sm_error_set(err, SM_EPARSE,
                                        "%s: @graph[%zu].competence_id: missing or bad", name,
                                        index);
                cid = sm_taxonomy_find(tx, sm_str_make(uri, strlen(uri)));
                if (cid == SM_NO_CONCEPT)
                    return sm_error_set(err, SM_EPARSE,
                                        "%s: @graph[%zu].competence_id: unknown competence %s",
                                        name, index, uri);
                sm_str band = jstr(node, "four_levels_proficiency_name");
                if (band.len > 17 && memcmp(band.ptr, "ProficiencyLevel/", 17) == 0)
                    band = sm_str_make(band.ptr + 17, band.len - 17);
                rc = sm_taxonomy_add_statement(tx, cid, band, jstr(node, "description"));
            }
            if (rc != SM_OK)
                return sm_error_set(err, rc, "%s: @graph[%zu]: %s", name, index, sm_strerror(rc));
        }
    }
    return SM_OK;
}

static int load_json(sm_taxonomy *tx, const char *name, json_t *root, json_error_t *jerr,
                     sm_error *err)
{
    if (!root)
        return sm_error_set(err, SM_EPARSE, "%s: line %d, column %d: %s", name, jerr->line,
                            jerr->column, jerr->text);
    int rc = load_graph(tx, name, root, err);
    json_decref(root);
    return rc;
}

int sm_digcomp_load_jsonld(sm_taxonomy *tx, const char *path, sm_error *err)
{
    json_error_t jerr;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    return load_json(tx, path, root, &jerr, err);
}

int sm_digcomp_load_jsonld_buffer(sm_taxonomy *tx, const char *name, const char *data, size_t len,
                                  sm_error *err)
{
    json_error_t jerr;
    json_t *root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
    return load_json(tx, name, root, &jerr, err);
}
