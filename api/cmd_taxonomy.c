/*
 * cmd_taxonomy.c: `skillmatch taxonomy`, which loads a taxonomy and prints
 * its statistics (counts, load time, memory) or one concept with its
 * neighbours, as JSON. Benches and people checking an import use it.
 */
#include "api/cli.h"
#include "api/http.h"
#include "taxonomy/base/alloc.h"
#include "taxonomy/extract.h"
#include "taxonomy/similarity.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* Peak resident memory of this process in bytes, from /proc (0 if unknown). */
static long long peak_rss(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long long kb = 0;
    if (!f)
        return 0;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "VmHWM:", 6) == 0)
            sscanf(line + 6, "%lld", &kb);
    fclose(f);
    return kb * 1024;
}

static json_t *concept_ref(const sm_taxonomy *tx, uint32_t id)
{
    return json_pack("{s:s, s:s, s:s}", "uri", sm_taxonomy_uri(tx, id), "label",
                     sm_taxonomy_label_any(tx, id, SM_LANG_EN), "type",
                     sm_concept_type_name(sm_taxonomy_type(tx, id)));
}

static json_t *adjacent(const sm_taxonomy *tx, uint32_t id, sm_adjacency adj)
{
    json_t *list = json_array();
    const sm_edge *e;
    size_t n = sm_taxonomy_adjacent(tx, id, adj, &e);
    for (size_t i = 0; i < n && i < 50; i++)
        json_array_append_new(list, concept_ref(tx, e[i].concept));
    return list;
}

static json_t *describe(const sm_taxonomy *tx, uint32_t id)
{
    json_t *o = concept_ref(tx, id);
    json_t *labels = json_object();
    for (int l = 0; l < SM_LANG_COUNT; l++) {
        json_t *arr = json_array();
        size_t first, n = sm_taxonomy_labels_of(tx, id, &first);
        for (size_t i = 0; i < n; i++) {
            sm_label lab = sm_taxonomy_label_at(tx, first + i);
            if (lab.lang == l)
                json_array_append_new(arr, json_pack("{s:s, s:s}", "text", lab.text, "kind",
                                                     lab.kind == 0   ? "preferred"
                                                     : lab.kind == 1 ? "alternative"
                                                                     : "hidden"));
        }
        json_object_set_new(labels, sm_lang_code((sm_lang)l), arr);
    }
    json_object_set_new(o, "labels", labels);
    json_object_set_new(o, "description_en",
                        json_string(sm_taxonomy_description(tx, id, SM_LANG_EN)));
    json_object_set_new(o, "description_fr",
                        json_string(sm_taxonomy_description(tx, id, SM_LANG_FR)));
    json_object_set_new(o, "broader", adjacent(tx, id, SM_ADJ_BROADER));
    json_object_set_new(o, "narrower", adjacent(tx, id, SM_ADJ_NARROWER));
    json_object_set_new(o, "related", adjacent(tx, id, SM_ADJ_RELATED));
    json_object_set_new(o, "digcomp", adjacent(tx, id, SM_ADJ_DIGCOMP));
    json_t *near = json_array();
    const sm_neighbour *nb;
    size_t n = sm_similarity_neighbours(sm_taxonomy_similarity(tx), id, &nb);
    for (size_t i = 0; i < n; i++) {
        json_t *ref = concept_ref(tx, nb[i].concept);
        json_object_set_new(ref, "similarity", json_real(nb[i].sim));
        json_object_set_new(ref, "via", json_string(sm_sim_via_name((sm_sim_via)nb[i].via)));
        if (nb[i].through != SM_NO_CONCEPT)
            json_object_set_new(ref, "through", concept_ref(tx, nb[i].through));
        json_array_append_new(near, ref);
    }
    json_object_set_new(o, "neighbours", near);
    return o;
}

int sm_cmd_taxonomy(int argc, char **argv)
{
    sm_load_options opts = {NULL, NULL};
    const char *skill = NULL;
    for (int i = 0; i < argc; i++) {
        int missing, taken = sm_cli_taxonomy_option("taxonomy", argc, argv, &i, &opts);
        if (taken < 0)
            return 2;
        if (taken)
            continue;
        if ((skill = sm_cli_value("--skill", argc, argv, &i, &missing)))
            continue;
        fprintf(stderr, "skillmatch taxonomy: %s '%s'\n",
                missing ? "missing value for" : "unknown option", argv[i]);
        return 2;
    }
    sm_load_report report;
    sm_taxonomy *tx = sm_cli_load_taxonomy("taxonomy", &opts, &report);
    if (!tx)
        return 1;
    json_t *out;
    if (skill) {
        uint32_t id = sm_taxonomy_find(tx, sm_str_make(skill, strlen(skill)));
        if (id == SM_NO_CONCEPT) {
            fprintf(stderr, "skillmatch taxonomy: --skill: no concept with URI %s\n", skill);
            sm_taxonomy_free(tx);
            return 1;
        }
        out = describe(tx, id);
    } else {
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        sm_error err = {0};
        sm_extractor *ex = NULL;
        if (sm_extractor_new(tx, &ex, &err) != SM_OK) {
            fprintf(stderr, "skillmatch taxonomy: %s\n", err.message);
            sm_taxonomy_free(tx);
            return 1;
        }
        clock_gettime(CLOCK_MONOTONIC, &t1);
        json_t *types = json_object();
        for (int t = 0; t < SM_CT__COUNT; t++)
            json_object_set_new(
                types, sm_concept_type_name((sm_concept_type)t),
                json_integer((json_int_t)sm_taxonomy_count_type(tx, (sm_concept_type)t)));
        size_t levels = 0;
        for (int l = 1; l <= 8; l++)
            levels += sm_taxonomy_level(tx, l) != NULL;
        out = json_pack(
            "{s:I, s:o, s:I, s:{s:I, s:I, s:I, s:I, s:I, s:I}, s:I, s:I, s:I, s:I, s:f, s:f, "
            "s:I, s:I, s:I}",
            "concepts", (json_int_t)sm_taxonomy_count(tx), "by_type", types, "labels",
            (json_int_t)sm_taxonomy_label_total(tx), "relations", "broader",
            (json_int_t)sm_taxonomy_edge_count(tx, SM_REL_BROADER), "skill_essential",
            (json_int_t)sm_taxonomy_edge_count(tx, SM_REL_SKILL_ESSENTIAL), "skill_optional",
            (json_int_t)sm_taxonomy_edge_count(tx, SM_REL_SKILL_OPTIONAL), "occupation_essential",
            (json_int_t)sm_taxonomy_edge_count(tx, SM_REL_OCC_ESSENTIAL), "occupation_optional",
            (json_int_t)sm_taxonomy_edge_count(tx, SM_REL_OCC_OPTIONAL), "digcomp",
            (json_int_t)sm_taxonomy_edge_count(tx, SM_REL_DIGCOMP), "digcomp_levels",
            (json_int_t)levels, "digcomp_statements", (json_int_t)sm_taxonomy_statement_count(tx),
            "files_read", (json_int_t)report.esco.files, "records_read",
            (json_int_t)report.esco.records, "load_seconds", report.seconds, "extractor_seconds",
            (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
            "taxonomy_bytes", (json_int_t)sm_taxonomy_memory(tx), "extractor_phrases",
            (json_int_t)sm_extractor_phrase_count(ex), "peak_rss_bytes", (json_int_t)peak_rss());
        sm_extractor_free(ex);
    }
    char *text = out ? sm_json_text(out, JSON_INDENT(2)) : NULL;
    int status = text ? 0 : 1;
    if (text)
        printf("%s\n", text);
    sm_free(text);
    json_decref(out);
    sm_taxonomy_free(tx);
    return status;
}
