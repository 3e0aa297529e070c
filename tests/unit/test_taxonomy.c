/*
 * test_taxonomy.c: the concept store, the ESCO, DigComp and built-in
 * importers on our fixtures, their error messages, and the similarity model.
 */
#include "taxonomy/base/alloc.h"
#include "taxonomy/builtin.h"
#include "taxonomy/digcomp.h"
#include "taxonomy/esco.h"
#include "taxonomy/loader.h"
#include "taxonomy/similarity.h"
#include "tests/unit/check.h"

#include <sys/stat.h>

#define FIX "tests/fixtures/esco"
#define SKILL(n) "http://data.europa.eu/esco/skill/00000000-0000-4000-8000-0000000000" #n
#define OCC(n) "http://data.europa.eu/esco/occupation/00000000-0000-4000-8000-000000000" #n

static uint32_t find(const sm_taxonomy *tx, const char *uri)
{
    return sm_taxonomy_find(tx, sm_str_make(uri, strlen(uri)));
}

static sm_taxonomy *load_fixture(void)
{
    sm_taxonomy *tx = sm_taxonomy_new();
    sm_error err = {0};
    sm_esco_stats stats;
    int rc = sm_esco_load(tx, FIX, &stats, &err);
    if (rc != SM_OK)
        fprintf(stderr, "    load: %s\n", err.message);
    CHECK_INT(rc, SM_OK);
    CHECK_INT(stats.files, 14);
    CHECK_INT(sm_taxonomy_finalize(tx), SM_OK);
    return tx;
}

static int has_label(const sm_taxonomy *tx, uint32_t id, sm_lang lang, sm_label_kind kind,
                     const char *text)
{
    size_t first, n = sm_taxonomy_labels_of(tx, id, &first);
    for (size_t i = 0; i < n; i++) {
        sm_label l = sm_taxonomy_label_at(tx, first + i);
        if (l.lang == lang && l.kind == kind && strcmp(l.text, text) == 0)
            return 1;
    }
    return 0;
}

static int adjacent_to(const sm_taxonomy *tx, uint32_t a, sm_adjacency adj, uint32_t b)
{
    const sm_edge *e;
    size_t n = sm_taxonomy_adjacent(tx, a, adj, &e);
    for (size_t i = 0; i < n; i++)
        if (e[i].concept == b)
            return 1;
    return 0;
}

static void esco_fixture_concepts_and_labels(void)
{
    sm_taxonomy *tx = load_fixture();
    CHECK_INT(sm_taxonomy_count_type(tx, SM_CT_SKILL) + sm_taxonomy_count_type(tx, SM_CT_KNOWLEDGE),
              12);
    CHECK_INT(sm_taxonomy_count_type(tx, SM_CT_SKILL_GROUP), 2);
    CHECK_INT(sm_taxonomy_count_type(tx, SM_CT_OCCUPATION), 3);
    CHECK_INT(sm_taxonomy_count_type(tx, SM_CT_ISCO_GROUP), 4);
    CHECK_INT(sm_taxonomy_count_type(tx, SM_CT_UNKNOWN), 0);
    uint32_t sheets = find(tx, SKILL(01));
    CHECK(sheets != SM_NO_CONCEPT);
    CHECK_STR(sm_taxonomy_label(tx, sheets, SM_LANG_EN), "use spreadsheets software");
    CHECK_STR(sm_taxonomy_label(tx, sheets, SM_LANG_FR), "utiliser un tableur");
    /* Newline-separated alternatives in the main file, '|' in the French label file. */
    CHECK(has_label(tx, sheets, SM_LANG_EN, SM_LABEL_ALT, "work with spreadsheets"));
    CHECK(has_label(tx, sheets, SM_LANG_EN, SM_LABEL_ALT, "Excel spreadsheets"));
    CHECK(has_label(tx, sheets, SM_LANG_FR, SM_LABEL_ALT, "Excel"));
    /* " | " separates alternatives in collection files. */
    CHECK(has_label(tx, sheets, SM_LANG_FR, SM_LABEL_ALT, "feuille de calcul"));
    CHECK_HAS(sm_taxonomy_description(tx, sheets, SM_LANG_EN), "\"charts\", diagrams");
    CHECK_HAS(sm_taxonomy_description(tx, sheets, SM_LANG_FR), "tableaux de données");
    CHECK_INT(sm_taxonomy_reuse(tx, sheets), SM_REUSE_CROSS_SECTOR);
    CHECK(sm_taxonomy_collections(tx, sheets) & SM_COLL_DIGITAL);
    uint32_t till = find(tx, SKILL(02));
    CHECK(has_label(tx, till, SM_LANG_EN, SM_LABEL_HIDDEN, "till operation"));
    CHECK_INT(sm_taxonomy_type(tx, find(tx, SKILL(03))), SM_CT_KNOWLEDGE);
    CHECK(sm_taxonomy_collections(tx, find(tx, SKILL(11))) & SM_COLL_TRANSVERSAL);
    CHECK(sm_taxonomy_collections(tx, find(tx, SKILL(10))) & SM_COLL_LANGUAGE);
    uint32_t cashier = find(tx, OCC(201));
    CHECK_STR(sm_taxonomy_label(tx, cashier, SM_LANG_FR), "caissier/caissière");
    CHECK(has_label(tx, cashier, SM_LANG_FR, SM_LABEL_ALT, "hôtesse de caisse"));
    CHECK_STR(sm_taxonomy_code(tx, cashier), "5230.1");
    CHECK_STR(sm_taxonomy_code(tx, find(tx, "http://data.europa.eu/esco/isco/C52")), "52");
    /* Unknown URIs are not found; lookups trim spaces. */
    CHECK(find(tx, SKILL(99)) == SM_NO_CONCEPT);
    CHECK(sm_taxonomy_find(tx, sm_str_make(" " SKILL(01) " ", strlen(SKILL(01)) + 2)) == sheets);
    sm_taxonomy_free(tx);
}

static void esco_fixture_relations(void)
{
    sm_taxonomy *tx = load_fixture();
    uint32_t sheets = find(tx, SKILL(01)), excel = find(tx, SKILL(09)), till = find(tx, SKILL(02)),
             pay = find(tx, SKILL(07)), cashier = find(tx, OCC(201));
    uint32_t group =
        find(tx, "http://data.europa.eu/esco/skill/00000000-0000-4000-8000-000000000101");
    CHECK(adjacent_to(tx, excel, SM_ADJ_BROADER, sheets));
    CHECK(adjacent_to(tx, sheets, SM_ADJ_NARROWER, excel));
    CHECK(adjacent_to(tx, sheets, SM_ADJ_BROADER, group));
    CHECK(adjacent_to(tx, till, SM_ADJ_RELATED, pay));
    CHECK(adjacent_to(tx, pay, SM_ADJ_RELATED, till)); /* both directions */
    CHECK(adjacent_to(tx, cashier, SM_ADJ_OCC_SKILLS, till));
    CHECK(adjacent_to(tx, till, SM_ADJ_SKILL_OCCS, cashier));
    const sm_edge *e;
    size_t n = sm_taxonomy_adjacent(tx, cashier, SM_ADJ_OCC_SKILLS, &e);
    CHECK_INT(n, 6);
    int essential = 0;
    for (size_t i = 0; i < n; i++)
        essential += e[i].relation == SM_REL_OCC_ESSENTIAL;
    CHECK_INT(essential, 3);
    CHECK(adjacent_to(tx, cashier, SM_ADJ_BROADER,
                      find(tx, "http://data.europa.eu/esco/isco/C5230")));
    CHECK_INT(sm_taxonomy_edge_count(tx, SM_REL_SKILL_ESSENTIAL), 1);
    CHECK_INT(sm_taxonomy_edge_count(tx, SM_REL_OCC_ESSENTIAL) +
                  sm_taxonomy_edge_count(tx, SM_REL_OCC_OPTIONAL),
              16);
    sm_taxonomy_free(tx);
}

/* Writes a one-file ESCO directory holding skills_en.csv with the given body. */
static void write_dir(char *dir, const char *name, const char *body)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    fputs(body, f);
    fclose(f);
}

static const char skills_header[] = "conceptType,conceptUri,skillType,reuseLevel,preferredLabel,"
                                    "altLabels,description\r\n";

static void esco_errors_name_file_record_column(void)
{
    char dir[] = "/tmp/sm-esco-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    sm_error err;
    sm_taxonomy *tx;
    char body[1024];

    snprintf(body, sizeof body,
             "%sK,http://x/1,skill/competence,,one,,\r\nK,http://x/2,,,\"two,,\r\n", skills_header);
    write_dir(dir, "skills_en.csv", body);
    tx = sm_taxonomy_new();
    CHECK_INT(sm_esco_load(tx, dir, NULL, &err), SM_EPARSE);
    CHECK_HAS(err.message, "skills_en.csv: record 2 (line 3), column preferredLabel: unterminated");
    sm_taxonomy_free(tx);

    write_dir(dir, "skills_en.csv", "conceptType,preferredLabel\r\nK,x\r\n");
    tx = sm_taxonomy_new();
    CHECK_INT(sm_esco_load(tx, dir, NULL, &err), SM_EPARSE);
    CHECK_HAS(err.message, "skills_en.csv: header has no column conceptUri");
    sm_taxonomy_free(tx);

    snprintf(body, sizeof body, "%sK,,skill/competence,,no uri,,\r\n", skills_header);
    write_dir(dir, "skills_en.csv", body);
    tx = sm_taxonomy_new();
    CHECK_INT(sm_esco_load(tx, dir, NULL, &err), SM_EPARSE);
    CHECK_HAS(err.message, "record 1 (line 2), column conceptUri: empty concept URI");
    sm_taxonomy_free(tx);

    snprintf(body, sizeof body, "%sK,http://x/1,,,one,,\r\n", skills_header);
    write_dir(dir, "skills_en.csv", body);
    write_dir(
        dir, "occupationSkillRelations.csv",
        "occupationUri,relationType,skillType,skillUri\r\nhttp://o/1,essential,,http://x/1\r\n"
        "http://o/1,mandatory,,http://x/1\r\n");
    tx = sm_taxonomy_new();
    CHECK_INT(sm_esco_load(tx, dir, NULL, &err), SM_EPARSE);
    CHECK_HAS(err.message, "occupationSkillRelations.csv: record 2 (line 3), column relationType");
    sm_taxonomy_free(tx);

    snprintf(body, sizeof body, "%sK,http://x/1,,,caf\xC3,,\r\n", skills_header);
    write_dir(dir, "skills_en.csv", body);
    tx = sm_taxonomy_new();
    CHECK_INT(sm_esco_load(tx, dir, NULL, &err), SM_EUTF8);
    CHECK_HAS(err.message, "column preferredLabel: invalid UTF-8");
    sm_taxonomy_free(tx);

    tx = sm_taxonomy_new();
    CHECK_INT(sm_esco_load(tx, "/nonexistent-esco", NULL, &err), SM_ENOTFOUND);
    CHECK_HAS(err.message, "no ESCO export here");
    sm_taxonomy_free(tx);

    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK_INT(system(cmd), 0);
}

static void esco_load_survives_allocation_failures(void)
{
    /* Fail the Nth allocation for a spread of N: an error or success, no crash, no leak. */
    int failures = 0;
    for (long fail = 0; fail < 4000; fail += 37) {
        sm_taxonomy *tx = sm_taxonomy_new();
        if (!tx)
            continue;
        sm_error err;
        sm_alloc_fail_after(fail);
        int rc = sm_esco_load(tx, FIX, NULL, &err);
        if (rc == SM_OK)
            rc = sm_taxonomy_finalize(tx);
        sm_alloc_fail_after(-1);
        CHECK(rc == SM_OK || rc == SM_ENOMEM);
        failures += rc == SM_ENOMEM;
        sm_taxonomy_free(tx);
    }
    CHECK(failures > 0);
}

static void digcomp_jsonld(void)
{
    sm_taxonomy *tx = sm_taxonomy_new();
    sm_error err = {0};
    int rc = sm_digcomp_load_jsonld(tx, "tests/fixtures/digcomp-mini.jsonld", &err);
    if (rc)
        fprintf(stderr, "    %s\n", err.message);
    CHECK_INT(rc, SM_OK);
    CHECK_INT(sm_taxonomy_finalize(tx), SM_OK);
    uint32_t c = find(tx, SM_DIGCOMP_COMPETENCE_PREFIX "1.1");
    uint32_t a = find(tx, SM_DIGCOMP_AREA_PREFIX "1");
    CHECK(c != SM_NO_CONCEPT && a != SM_NO_CONCEPT);
    CHECK_INT(sm_taxonomy_type(tx, c), SM_CT_DIGCOMP_COMPETENCE);
    CHECK_STR(sm_taxonomy_label(tx, c, SM_LANG_EN),
              "Browsing, searching and filtering information");
    CHECK(adjacent_to(tx, c, SM_ADJ_BROADER, a));
    CHECK_STR(sm_taxonomy_code(tx, c), "1.1");
    CHECK(sm_taxonomy_level(tx, 1) != NULL);
    CHECK_STR(sm_taxonomy_level(tx, 5)->name, "Advanced");
    CHECK(sm_taxonomy_level(tx, 2) == NULL);
    CHECK_INT(sm_taxonomy_statement_count(tx), 1);
    CHECK_STR(sm_taxonomy_statement_at(tx, 0).band, "Basic");
    sm_taxonomy_free(tx);

    const char *bad[] = {
        "{\"@graph\": [", "{\"@graph\": 3}",
        "{\"@graph\": [{\"@type\":\"Competence\",\"@id\":\"Competence/x y\"}]}",
        "{\"@graph\": [{\"@type\":\"ProficiencyLevel\",\"eight_levels_mapping\":9}]}",
        "{\"@graph\": [{\"@type\":\"CompetenceStatement\",\"competence_id\":"
        "\"Competence/9.9\",\"description\":\"x\"}]}"};
    const char *why[] = {"line 1", "no @graph array", "@graph[0].@id", "eight_levels_mapping",
                         "unknown competence"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        tx = sm_taxonomy_new();
        CHECK_INT(sm_digcomp_load_jsonld_buffer(tx, "bad.jsonld", bad[i], strlen(bad[i]), &err),
                  SM_EPARSE);
        CHECK_HAS(err.message, "bad.jsonld");
        CHECK_HAS(err.message, why[i]);
        sm_taxonomy_free(tx);
    }
}

static void builtin_taxonomy(void)
{
    sm_load_options opts = {NULL, NULL};
    sm_taxonomy *tx = NULL;
    sm_error err;
    CHECK_INT(sm_taxonomy_load(&opts, &tx, NULL, &err), SM_OK);
    CHECK_INT(sm_taxonomy_count_type(tx, SM_CT_DIGCOMP_AREA), 5);
    CHECK_INT(sm_taxonomy_count_type(tx, SM_CT_DIGCOMP_COMPETENCE), 21);
    size_t skills =
        sm_taxonomy_count_type(tx, SM_CT_SKILL) + sm_taxonomy_count_type(tx, SM_CT_KNOWLEDGE);
    CHECK(skills >= 150 && skills <= 300);
    for (int l = 1; l <= 8; l++)
        CHECK(sm_taxonomy_level(tx, l) != NULL && sm_taxonomy_level(tx, l)->name_fr[0]);
    /* Every concept has labels in both languages and a description in both. */
    for (uint32_t id = 0; id < sm_taxonomy_count(tx); id++) {
        CHECK(sm_taxonomy_label(tx, id, SM_LANG_EN)[0] != '\0');
        CHECK(sm_taxonomy_label(tx, id, SM_LANG_FR)[0] != '\0');
        CHECK(sm_taxonomy_description(tx, id, SM_LANG_FR)[0] != '\0');
    }
    uint32_t pos = find(tx, "urn:skillmatch:skill:pos-software");
    CHECK(pos != SM_NO_CONCEPT);
    CHECK_STR(sm_taxonomy_label(tx, pos, SM_LANG_FR), "utiliser un logiciel de caisse");
    CHECK(has_label(tx, pos, SM_LANG_FR, SM_LABEL_ALT, "logiciel de caisse"));
    /* A skill linked to ESCO carries the ESCO URI. */
    uint32_t sheets =
        find(tx, "http://data.europa.eu/esco/skill/1973c966-f236-40c9-b2d4-5d71a89019be");
    CHECK(sheets != SM_NO_CONCEPT);
    CHECK(has_label(tx, sheets, SM_LANG_FR, SM_LABEL_ALT, "Excel"));
    uint32_t c = find(tx, SM_DIGCOMP_COMPETENCE_PREFIX "3.1");
    CHECK(adjacent_to(tx, sheets, SM_ADJ_DIGCOMP, c));
    /* The competence is broader than its skills, seen from either side. */
    sm_neighbour why;
    const sm_similarity *sim = sm_taxonomy_similarity(tx);
    float up = sm_similarity_pair(sim, sheets, c, &why);
    CHECK_INT(why.via, SM_VIA_BROADER);
    float down = sm_similarity_pair(sim, c, sheets, &why);
    CHECK_INT(why.via, SM_VIA_NARROWER);
    CHECK(up == down && up > 0.5f);
    sm_taxonomy_free(tx);
}

static void builtin_format_errors(void)
{
    sm_taxonomy *tx = sm_taxonomy_new();
    sm_error err;
    const char *hdr = "key\tesco_uri\tdigcomp\ttype\ten\ten_synonyms\tfr\tfr_synonyms\t"
                      "description_en\tdescription_fr\n";
    char text[512];
    snprintf(text, sizeof text, "%sx\t\t\tgadget\ta\t\tb\t\t\t\n", hdr);
    CHECK_INT(sm_builtin_load_buffer(tx, "skills.tsv", text, strlen(text), &err), SM_EPARSE);
    CHECK_HAS(err.message, "skills.tsv: line 2, column type");
    snprintf(text, sizeof text, "%sx\t\t\tskill\ta\t\t\t\t\t\n", hdr);
    CHECK_INT(sm_builtin_load_buffer(tx, "skills.tsv", text, strlen(text), &err), SM_EPARSE);
    CHECK_HAS(err.message, "English and French labels are required");
    snprintf(text, sizeof text, "%sx\thttp://example.org/x\t\tskill\ta\t\tb\t\t\t\n", hdr);
    CHECK_INT(sm_builtin_load_buffer(tx, "skills.tsv", text, strlen(text), &err), SM_EPARSE);
    CHECK_HAS(err.message, "column esco_uri: not an ESCO URI");
    snprintf(text, sizeof text, "level\tname_en\tname_fr\tdescription_en\n9\tx\ty\tz\n");
    CHECK_INT(sm_builtin_load_buffer(tx, "x_levels.tsv", text, strlen(text), &err), SM_EPARSE);
    CHECK_HAS(err.message, "x_levels.tsv: line 2, column level: must be 1..8");
    sm_taxonomy_free(tx);
}

static void labels_are_deduplicated(void)
{
    sm_taxonomy *tx = sm_taxonomy_new();
    uint32_t id;
    CHECK_INT(sm_taxonomy_intern(tx, sm_str_make("u:1", 3), SM_CT_SKILL, &id), SM_OK);
    sm_taxonomy_add_label(tx, id, SM_LANG_EN, SM_LABEL_PREFERRED, sm_str_make("cook", 4));
    sm_taxonomy_add_label(tx, id, SM_LANG_EN, SM_LABEL_ALT, sm_str_make("cook", 4));
    sm_taxonomy_add_label(tx, id, SM_LANG_EN, SM_LABEL_ALT, sm_str_make(" bake ", 6));
    sm_taxonomy_add_label(tx, id, SM_LANG_EN, SM_LABEL_HIDDEN, sm_str_make("bake", 4));
    sm_taxonomy_add_label(tx, id, SM_LANG_EN, SM_LABEL_ALT, sm_str_make("", 0));
    CHECK_INT(sm_taxonomy_finalize(tx), SM_OK);
    size_t first;
    CHECK_INT(sm_taxonomy_labels_of(tx, id, &first), 2);
    CHECK(has_label(tx, id, SM_LANG_EN, SM_LABEL_PREFERRED, "cook"));
    CHECK(has_label(tx, id, SM_LANG_EN, SM_LABEL_ALT, "bake"));
    /* Finalize can run again after more changes. */
    sm_taxonomy_add_label(tx, id, SM_LANG_FR, SM_LABEL_PREFERRED, sm_str_make("cuisiner", 8));
    CHECK_INT(sm_taxonomy_finalize(tx), SM_OK);
    CHECK_INT(sm_taxonomy_labels_of(tx, id, &first), 3);
    CHECK_INT(sm_taxonomy_intern(tx, sm_str_make("", 0), SM_CT_SKILL, &id), SM_EINVAL);
    sm_taxonomy_free(tx);
    sm_taxonomy_free(NULL);
}

static void similarity_model(void)
{
    sm_taxonomy *tx = load_fixture();
    const sm_similarity *sim = sm_taxonomy_similarity(tx);
    uint32_t sheets = find(tx, SKILL(01)), excel = find(tx, SKILL(09)), words = find(tx, SKILL(05)),
             till = find(tx, SKILL(02)), pay = find(tx, SKILL(07)), french = find(tx, SKILL(10));
    sm_neighbour why;
    CHECK(sm_similarity_pair(sim, sheets, sheets, &why) == 1.0f);
    CHECK_INT(why.via, SM_VIA_SAME);
    float s_parent = sm_similarity_pair(sim, excel, sheets, &why);
    CHECK_INT(why.via, SM_VIA_BROADER);
    sm_sim_params defaults;
    sm_sim_params_default(&defaults);
    CHECK(s_parent >= defaults.parent && s_parent < 1.0f);
    float s_rel = sm_similarity_pair(sim, till, pay, &why);
    CHECK(s_rel > 0.5f);
    /* Siblings in a 3-skill group; one shared occupation is below the
     * co-occurrence minimum, so the group is the evidence. */
    float s_sib = sm_similarity_pair(sim, sheets, words, &why);
    CHECK(s_sib > 0.15f && s_sib < defaults.sibling);
    CHECK_INT(why.via, SM_VIA_SIBLING);
    /* Unrelated skills: a spreadsheet user is not a French speaker. */
    CHECK(sm_similarity_pair(sim, sheets, french, NULL) < 0.2f);
    CHECK(sm_similarity_pair(sim, sheets, till, NULL) < s_sib);
    /* Groups and occupations have no similarity to skills. */
    CHECK(sm_similarity_pair(sim, sheets, find(tx, OCC(201)), NULL) == 0.0f);
    /* Symmetry, range, and neighbour lists agree with the pair function. */
    size_t count = sm_taxonomy_count(tx);
    for (uint32_t a = 0; a < count; a++) {
        const sm_neighbour *list;
        size_t n = sm_similarity_neighbours(sim, a, &list);
        for (size_t i = 0; i < n; i++) {
            CHECK(list[i].concept != a);
            CHECK(list[i].sim > 0 && list[i].sim < 1);
            CHECK(list[i].sim == sm_similarity_pair(sim, a, list[i].concept, NULL));
            if (i)
                CHECK(list[i].sim <= list[i - 1].sim);
        }
        for (uint32_t b = 0; b < count; b++)
            CHECK(sm_similarity_pair(sim, a, b, NULL) == sm_similarity_pair(sim, b, a, NULL));
    }
    sm_taxonomy_free(tx);
}

static void similarity_without_cooccurrence(void)
{
    /* Masking every occupation removes co-occurrence evidence only. */
    sm_taxonomy *tx = load_fixture();
    uint8_t *mask = calloc(sm_taxonomy_count(tx), 1);
    sm_sim_params p;
    sm_sim_params_default(&p);
    p.occupation_mask = mask;
    sm_similarity *sim = NULL;
    CHECK_INT(sm_similarity_build(tx, &p, &sim), SM_OK);
    uint32_t till = find(tx, SKILL(02)), service = find(tx, SKILL(03)),
             shelves = find(tx, SKILL(08));
    sm_neighbour why;
    float masked = sm_similarity_pair(sim, service, shelves, &why);
    float full = sm_similarity_pair(sm_taxonomy_similarity(tx), service, shelves, NULL);
    CHECK(full > masked);
    CHECK(sm_similarity_pair(sim, till, find(tx, SKILL(07)), NULL) > 0.5f); /* relation remains */
    sm_similarity_free(sim);
    free(mask);
    sm_taxonomy_free(tx);
}

SM_TEST_MAIN("test_taxonomy", T(esco_fixture_concepts_and_labels), T(esco_fixture_relations),
             T(esco_errors_name_file_record_column), T(esco_load_survives_allocation_failures),
             T(digcomp_jsonld), T(builtin_taxonomy), T(builtin_format_errors),
             T(labels_are_deduplicated), T(similarity_model), T(similarity_without_cooccurrence))
