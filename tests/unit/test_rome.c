/* test_rome.c: the ROME repertoire: the fixture's codes, titles, crosswalk, skills and
 * mobility linked and found; the importer's errors naming file, record and field; every
 * reference checked; allocation failures reported; the whole ROME 4.0 when present. */
#include "taxonomy/base/alloc.h"
#include "taxonomy/rome.h"
#include "tests/unit/check.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void the_fixture_links(void)
{
    sm_rome *r = NULL;
    sm_error err = {0};
    CHECK_INT(sm_rome_load_dir("tests/fixtures/rome", &r, &err), SM_OK);
    if (!r) {
        fprintf(stderr, "    %s\n", err.message);
        return;
    }
    CHECK_INT(sm_rome_job_count(r), 4);
    CHECK_INT(sm_rome_title_count(r), 8);
    long j = sm_rome_job_find(r, "d1505"); /* any case */
    CHECK(j >= 0);
    const sm_rome_job *job = sm_rome_job_at(r, (size_t)j);
    CHECK_STR(job->code, "D1505");
    CHECK_INT(job->title_count, 4);
    /* the code's own name first */
    CHECK_STR(sm_rome_title_at(r, job->first_title)->label, "Caissier / Caissière");
    CHECK(sm_rome_title_at(r, job->first_title)->main);
    CHECK_HAS(job->definition, "tient la caisse");
    CHECK_INT(job->skill_count, 4);
    CHECK(sm_rome_skill_at(r, job->first_skill)->core); /* core skills first */
    CHECK_INT(job->move_count, 2);
    CHECK_STR(sm_rome_job_at(r, sm_rome_move_at(r, job->first_move))->code, "D1507");
    long t = sm_rome_title_find(r, 90003);
    CHECK(t >= 0);
    const sm_rome_title *title = sm_rome_title_at(r, (size_t)t);
    CHECK_INT(title->link_count, 1);
    CHECK_INT(sm_rome_link_at(r, title->first_link)->relation, SM_ROME_BROAD);
    CHECK(sm_rome_title_find(r, 12345) < 0);
    CHECK(sm_rome_title_at(r, (size_t)sm_rome_title_find(r, 90004))->rare);
    uint32_t back[8];
    CHECK_INT(sm_rome_titles_of_occupation(
                  r, "http://data.europa.eu/esco/occupation/00000000-0000-4000-8000-000000000201",
                  back, 8),
              3);
    CHECK_INT(sm_rome_titles_of_occupation(r, "http://example.org/none", back, 8), 0);
    CHECK(sm_rome_memory(r) > 0);
    sm_rome_free(r);
}

/* Rows through the builder: each malformed field named; each dangling reference refused. */
static void rows_are_checked(void)
{
    static const struct {
        int table;
        const char *f[5];
        const char *field;
    } bad[] = {
        {SM_ROME_T_JOBS, {"D15", "x", ""}, "code_rome"},
        {SM_ROME_T_JOBS, {"D1505", "", ""}, "libelle_rome"},
        {SM_ROME_T_TITLES, {"12a", "D1505", "t", "N", "N"}, "code_appellation"},
        {SM_ROME_T_LINKS, {"1", "http://example.org/x", "skos:exactMatch"}, "esco_occupation_uri"},
        {SM_ROME_T_LINKS,
         {"1", "http://data.europa.eu/esco/occupation/x", "skos:relatedMatch"},
         "mapping_relation"},
        {SM_ROME_T_SKILLS, {"D1505", "savoir_vivre", "1", ""}, "rubrique"},
        {SM_ROME_T_MOVES, {"D1505", "D1507", "first"}, "numero_ordre"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        sm_rome_builder *b;
        CHECK_INT(sm_rome_builder_new(&b), SM_OK);
        sm_error err = {0};
        CHECK_INT(sm_rome_add(b, (sm_rome_table)bad[i].table, bad[i].f, &err), SM_EINVAL);
        CHECK_STR(err.field, bad[i].field);
        sm_rome_builder_free(b);
    }
    /* a title of a code not listed */
    sm_rome_builder *b;
    CHECK_INT(sm_rome_builder_new(&b), SM_OK);
    sm_error err = {0};
    const char *job[] = {"D1505", "Caisse", "", NULL, NULL};
    const char *title[] = {"1", "D1507", "Employé", "N", "N"};
    CHECK_INT(sm_rome_add(b, SM_ROME_T_JOBS, job, &err), SM_OK);
    CHECK_INT(sm_rome_add(b, SM_ROME_T_TITLES, title, &err), SM_OK);
    sm_rome *r = NULL;
    CHECK_INT(sm_rome_finish(b, &r, &err), SM_EINVAL);
    CHECK_HAS(err.message, "D1507");
    CHECK(r == NULL);
}

/* A file's error names the file, its record and line, and the field. */
static void importer_errors_name_the_file(void)
{
    char dir[] = "/tmp/sm-rome-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    const char *files[] = {"rome_codes.csv", "rome_appellations.csv", "rome_esco_crosswalk.csv",
                           "rome_skill_labels.csv", "rome_skills.csv"};
    const char *texts[] = {
        "code_rome,libelle_rome\nD1505,Caisse\n",
        "code_appellation,libelle_appellation_long,code_rome,classification,peu_usite\n"
        "1,Caissier,D1505,PRINCIPALE,N\n2,Hôte,X15,SYNONYME,N\n",
        "esco_occupation_uri,mapping_relation,code_appellation\n", "code_ogr,libelle\n",
        "code_rome,rubrique,code_ogr,coeur_metier\n"};
    char path[256];
    for (size_t i = 0; i < 5; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        FILE *f = fopen(path, "w");
        CHECK(f != NULL);
        if (f) {
            fputs(texts[i], f);
            fclose(f);
        }
    }
    sm_rome *r = NULL;
    sm_error err = {0};
    CHECK_INT(sm_rome_load_dir(dir, &r, &err), SM_EINVAL);
    CHECK_HAS(err.message, "rome_appellations.csv: record 2 (line 3): code_rome");
    for (size_t i = 0; i < 5; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        unlink(path);
    }
    rmdir(dir);
    CHECK_INT(sm_rome_load_dir("/nonexistent", &r, &err) != SM_OK, 1);
}

static void allocation_failures_are_reported(void)
{
    long runs = 0;
    for (long fail = 0;; fail++) {
        sm_alloc_fail_after(fail);
        sm_rome *r = NULL;
        sm_error err = {0};
        int rc = sm_rome_load_dir("tests/fixtures/rome", &r, &err);
        long failed = sm_alloc_failed();
        sm_alloc_fail_after(-1);
        sm_rome_free(r);
        if (!failed) {
            CHECK_INT(rc, SM_OK);
            break;
        }
        CHECK(rc != SM_OK);
        runs++;
    }
    CHECK(runs > 10);
}

/* The whole of ROME 4.0: every reference resolves, the numbers SOURCES-fr-rome.md gives. */
static void all_of_rome_4(void)
{
    char dir[512], probe[600];
    snprintf(dir, sizeof dir, "%s/rome-4.0", sm_test_data_dir());
    snprintf(probe, sizeof probe, "%s/rome_codes.csv", dir);
    if (access(probe, R_OK) != 0)
        SKIP("no rome-4.0 in SKILLMATCH_DATA");
    sm_rome *r = NULL;
    sm_error err = {0};
    CHECK_INT(sm_rome_load_dir(dir, &r, &err), SM_OK);
    if (!r) {
        fprintf(stderr, "    %s\n", err.message);
        return;
    }
    CHECK_INT(sm_rome_job_count(r), 1584);
    CHECK_INT(sm_rome_title_count(r), 13120);
    long t = sm_rome_title_find(r, 11640);
    CHECK(t >= 0);
    CHECK_STR(sm_rome_title_at(r, (size_t)t)->label, "Caissier / Caissière");
    size_t unmapped = 0;
    for (size_t i = 0; i < sm_rome_title_count(r); i++)
        unmapped += !sm_rome_title_at(r, i)->link_count;
    CHECK_INT(unmapped, 2002);
    const sm_rome_job *j = sm_rome_job_at(r, (size_t)sm_rome_job_find(r, "D1505"));
    CHECK(strstr(j->definition, "''") == NULL); /* the source's doubled apostrophes undone */
    fprintf(stderr, "    %zu links, %zu skill labels, %zu code skills, %zu moves, %zu KB\n",
            sm_rome_link_count(r), sm_rome_label_count(r), sm_rome_skill_count(r),
            sm_rome_move_count(r), sm_rome_memory(r) / 1024);
    sm_rome_free(r);
}

SM_TEST_MAIN("test_rome", T(the_fixture_links), T(rows_are_checked),
             T(importer_errors_name_the_file), T(allocation_failures_are_reported),
             T(all_of_rome_4))
