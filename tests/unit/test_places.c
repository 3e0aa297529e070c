/* test_places.c: the gazetteer: names as people write them, postcodes, arrondissements, the
 * overseas, autocomplete, the CSV importer's errors, and the whole communes file when present. */
#include "matcher/matcher.h"
#include "taxonomy/base/alloc.h"
#include "taxonomy/places.h"
#include "tests/unit/check.h"

#include <stdio.h>
#include <unistd.h>

static sm_places *fixture(void)
{
    sm_places *p = NULL;
    sm_error err = {0};
    if (sm_places_load_csv("tests/fixtures/communes.csv", &p, &err) != SM_OK)
        fprintf(stderr, "    %s\n", err.message);
    return p;
}

/* The INSEE code of the one place called name (in dep), "" when none or several. */
static const char *named(const sm_places *p, const char *name, const char *dep)
{
    const sm_commune *out[8];
    size_t n = sm_places_named(p, name, dep, out, 8);
    return n == 1 ? out[0]->insee : n ? "several" : "";
}

static void keys_forgive_how_names_are_written(void)
{
    char k[128];
    sm_place_key("Saint-Étienne", strlen("Saint-Étienne"), k, sizeof k);
    CHECK_STR(k, "saint etienne");
    sm_place_key("  ST  ETIENNE ", 14, k, sizeof k);
    CHECK_STR(k, "saint etienne");
    sm_place_key("Villeneuve-d’Ascq", strlen("Villeneuve-d’Ascq"), k, sizeof k);
    CHECK_STR(k, "villeneuve d ascq");
    sm_place_key("Paris 11e Arrondissement", 24, k, sizeof k);
    CHECK_STR(k, "paris 11");
    sm_place_key("Lyon 3ème", strlen("Lyon 3ème"), k, sizeof k);
    CHECK_STR(k, "lyon 3");
    sm_place_key("Marseille 1er", 13, k, sizeof k);
    CHECK_STR(k, "marseille 1");
    sm_place_key("Ste-Adresse", 11, k, sizeof k);
    CHECK_STR(k, "sainte adresse");
}

static void names_resolve(void)
{
    sm_places *p = fixture();
    CHECK(p != NULL);
    if (!p)
        return;
    CHECK_STR(named(p, "Roubaix", NULL), "59512");
    CHECK_STR(named(p, "roubaix", NULL), "59512");
    CHECK_STR(named(p, "ROUBAIX", "59"), "59512");
    CHECK_STR(named(p, "Roubaix", "13"), "");
    CHECK_STR(named(p, "St Etienne", NULL), "42218");
    CHECK_STR(named(p, "saint-etienne", NULL), "42218");
    CHECK_STR(named(p, "Villeneuve d'Ascq", NULL), "59009");
    CHECK_STR(named(p, "villeneuve-d-ascq", NULL), "59009");
    /* Ambiguous without a département; one with it, or in brackets. */
    const sm_commune *out[8];
    CHECK_INT(sm_places_named(p, "Saint-Denis", NULL, out, 8), 3);
    CHECK_STR(out[0]->insee, "97411"); /* the most populous first */
    CHECK_STR(named(p, "Saint-Denis", "93"), "93066");
    CHECK_STR(named(p, "Saint-Denis (974)", NULL), "97411");
    CHECK_STR(named(p, "Saint-Denis (93)", "974"), "");
    /* Arrondissements, and the city itself. */
    CHECK_STR(named(p, "Lyon 3e", NULL), "69383");
    CHECK_STR(named(p, "Paris 11", NULL), "75111");
    CHECK_STR(named(p, "Marseille 8e arrondissement", NULL), "13208");
    CHECK_STR(named(p, "Paris", NULL), "75056");
    CHECK_STR(named(p, "Nowhere", NULL), "");
    CHECK_STR(named(p, "", NULL), "");
    CHECK_STR(named(p, "\xff\xfe", NULL), "");
    sm_places_free(p);
}

static void postcodes_and_codes_resolve(void)
{
    sm_places *p = fixture();
    if (!p)
        return;
    const sm_commune *out[8];
    /* A shared postcode: its most populous commune first, the others after. */
    CHECK_INT(sm_places_postcode(p, "01400", out, 8), 3);
    CHECK_STR(out[0]->name, "Châtillon-sur-Chalaronne");
    CHECK_STR(out[1]->insee, "01050");
    /* An arrondissement's postcode is the arrondissement's, not the city's. */
    CHECK_INT(sm_places_postcode(p, "75011", out, 8), 1);
    CHECK_STR(out[0]->insee, "75111");
    CHECK_INT(sm_places_postcode(p, "13008", out, 8), 1);
    CHECK_STR(out[0]->insee, "13208");
    CHECK_INT(sm_places_postcode(p, "59200", out, 8), 1);
    CHECK_STR(out[0]->name, "Tourcoing");
    CHECK_INT(sm_places_postcode(p, "99999", out, 8), 0);
    CHECK_INT(sm_places_postcode(p, "5910", out, 8), 0);
    CHECK(sm_places_insee(p, "2A004") != NULL);
    CHECK_STR(sm_places_insee(p, "2A004")->name, "Ajaccio");
    CHECK(sm_places_insee(p, "00000") == NULL);
    /* A place without a point (a TAAF district) is known, and says so. */
    const sm_commune *taaf = sm_places_insee(p, "98414");
    CHECK(taaf && !taaf->located);
    sm_places_free(p);
}

static void autocomplete_ranks_by_population(void)
{
    sm_places *p = fixture();
    if (!p)
        return;
    const sm_commune *out[10];
    size_t n = sm_places_complete(p, "roub", out, 10);
    CHECK_INT(n, 1);
    CHECK_STR(out[0]->insee, "59512");
    n = sm_places_complete(p, "sAINT", out, 10);
    CHECK(n >= 4);
    CHECK_STR(out[0]->name, "Saint-Étienne"); /* 173,000 before 155,000 */
    n = sm_places_complete(p, "st ", out, 2);
    CHECK_INT(n, 2);
    n = sm_places_complete(p, "591", out, 10); /* 59100, 59130, 59160 */
    CHECK_INT(n, 3);
    CHECK_STR(out[0]->name, "Lille");
    CHECK_STR(out[1]->name, "Roubaix");
    n = sm_places_complete(p, "75", out, 10);
    CHECK_INT(n, 2); /* the arrondissements; Paris itself holds none of their postcodes */
    CHECK_INT(sm_places_complete(p, "zzz", out, 10), 0);
    CHECK_INT(sm_places_complete(p, "", out, 10), 0);
    sm_places_free(p);
}

/* The matcher's distances (sm_distance_km, what a radius is checked with) near Futuna. */
static void distances_cross_the_antimeridian(void)
{
    /* Alo (Futuna) and a point just across the 180th meridian: about 25 km, not 40,000. */
    double d = sm_distance_km(-14.309, -178.087, -14.30, 179.90);
    CHECK(d > 200 && d < 230);
    d = sm_distance_km(-14.30, -179.95, -14.30, 179.95);
    CHECK(d > 10 && d < 11);
    d = sm_distance_km(50.6884, 3.1819, 50.7235, 3.1612); /* Roubaix, Tourcoing */
    CHECK(d > 4 && d < 5);
}

static int load_text(const char *text, sm_error *err)
{
    char path[] = "/tmp/test_places_XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return -1;
    FILE *f = fdopen(fd, "w");
    fputs(text, f);
    fclose(f);
    sm_places *p = NULL;
    int rc = sm_places_load_csv(path, &p, err);
    sm_places_free(p);
    unlink(path);
    return rc;
}

static void importer_errors_name_file_line_and_column(void)
{
    static const char *head = "insee,name,postcodes,departement,population,lat,lon,type,"
                              "parent_insee\n";
    static const struct {
        const char *row, *says;
    } bad[] = {
        {"5951,Roubaix,59100,59,1,50.6,3.1,commune,\n", "INSEE"},
        {"59512,,59100,59,1,50.6,3.1,commune,\n", "column name"},
        {"59512,Roubaix,5910,59,1,50.6,3.1,commune,\n", "postcodes"},
        {"59512,Roubaix,59100,59,many,50.6,3.1,commune,\n", "column population"},
        {"59512,Roubaix,59100,59,1,95,3.1,commune,\n", "column lat"},
        {"59512,Roubaix,59100,59,1,50.6,,commune,\n", "column lon"},
        {"59512,Roubaix,59100,59,1,50.6,3.1,village,\n", "column type"},
        {"75111,Paris 11e,75011,75,1,48.8,2.3,arrondissement_municipal,\n", "parent_insee"},
        {"75111,Paris 11e,75011,75,1,48.8,2.3,arrondissement_municipal,75056\n",
         "75056 is not listed"},
        {"59512,Roubaix,59100,59,1,50.6,3.1,commune,\n59512,Roubaix,59100,59,1,50.6,3.1,"
         "commune,\n",
         "listed twice"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char text[512];
        snprintf(text, sizeof text, "%s%s", head, bad[i].row);
        sm_error err = {0};
        CHECK(load_text(text, &err) != SM_OK);
        CHECK_HAS(err.message, bad[i].says);
        CHECK_HAS(err.message, "test_places_"); /* the file */
    }
    sm_error err = {0};
    CHECK(load_text("insee,name\n59512,Roubaix\n", &err) != SM_OK);
    CHECK_HAS(err.message, "postcodes");
    CHECK_INT(load_text(head, &err), SM_OK); /* no places: an empty gazetteer */
}

static void allocation_failures_are_reported(void)
{
    for (long fail = 0; fail < 400; fail += 7) {
        sm_places *p = NULL;
        sm_error err = {0};
        sm_alloc_fail_after(fail);
        int rc = sm_places_load_csv("tests/fixtures/communes.csv", &p, &err);
        sm_alloc_fail_after(-1);
        CHECK(rc == SM_OK || rc == SM_ENOMEM);
        CHECK((rc == SM_OK) == (p != NULL));
        sm_places_free(p);
    }
}

/* The whole file: every commune loads, the cases the issue names resolve. */
static void every_french_commune(void)
{
    char path[512];
    snprintf(path, sizeof path, "%s/fr-communes/communes.csv", sm_test_data_dir());
    if (access(path, R_OK) != 0)
        SKIP("no fr-communes/communes.csv in SKILLMATCH_DATA");
    sm_places *p = NULL;
    sm_error err = {0};
    CHECK_INT(sm_places_load_csv(path, &p, &err), SM_OK);
    if (!p) {
        fprintf(stderr, "    %s\n", err.message);
        return;
    }
    CHECK_INT(sm_places_count(p), 35014);
    CHECK_STR(named(p, "Roubaix", NULL), "59512");
    CHECK_STR(named(p, "Tourcoing", NULL), "59599");
    CHECK_STR(named(p, "Lyon 3e", NULL), "69383");
    CHECK_STR(named(p, "Paris 11", NULL), "75111");
    const sm_commune *out[64];
    CHECK(sm_places_named(p, "Saint-Denis", NULL, out, 64) >= 2);
    CHECK_INT(sm_places_postcode(p, "75011", out, 64), 1);
    CHECK_STR(out[0]->insee, "75111");
    CHECK_INT(sm_places_postcode(p, "13008", out, 64), 1);
    CHECK_STR(out[0]->insee, "13208");
    CHECK_INT(sm_places_postcode(p, "59200", out, 64), 1);
    CHECK_STR(named(p, "Saint-Denis", "974"), "97411");
    CHECK(sm_places_complete(p, "roub", out, 10) >= 1);
    CHECK_STR(out[0]->insee, "59512");
    size_t shared = 0, codes = 0;
    for (size_t i = 0; i < sm_places_count(p); i++) {
        const sm_commune *q = sm_places_at(p, i);
        for (const char *c = q->postcodes; *c; c += c[5] ? 6 : 5) {
            char pc[6] = {0};
            memcpy(pc, c, 5);
            size_t n = sm_places_postcode(p, pc, out, 64);
            CHECK(n >= 1);
            if (out[0] == q && n > 1)
                shared++;
            codes += out[0] == q;
        }
    }
    fprintf(stderr, "    %zu postcodes, %zu shared by several communes\n", codes, shared);
    sm_places_free(p);
}

SM_TEST_MAIN("test_places", T(keys_forgive_how_names_are_written), T(names_resolve),
             T(postcodes_and_codes_resolve), T(autocomplete_ranks_by_population),
             T(distances_cross_the_antimeridian), T(importer_errors_name_file_line_and_column),
             T(allocation_failures_are_reported), T(every_french_commune))
