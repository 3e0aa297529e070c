/*
 * test_extract.c: skill extraction in French and English on the built-in
 * taxonomy plus the ESCO fixture: accents, case, apostrophes, hyphens,
 * plurals, overlaps, generic words, lexical fallback, limits and bad input.
 */
#include "taxonomy/base/alloc.h"
#include "taxonomy/extract.h"
#include "taxonomy/loader.h"
#include "tests/unit/check.h"

#define SHEETS "http://data.europa.eu/esco/skill/1973c966-f236-40c9-b2d4-5d71a89019be"
#define POS "urn:skillmatch:skill:pos-software"
#define EMAIL "http://data.europa.eu/esco/skill/4d0317915a84" /* a suffix is enough */
#define FIX_TILL "http://data.europa.eu/esco/skill/00000000-0000-4000-8000-000000000002"
#define FIX_DESK "http://data.europa.eu/esco/skill/00000000-0000-4000-8000-000000000013"
#define FIX_MGMT "http://data.europa.eu/esco/skill/00000000-0000-4000-8000-000000000012"

static sm_taxonomy *tx;
static sm_extractor *ex;
static sm_extraction *x;

static void setup(const char *esco)
{
    sm_load_options opts = {esco, NULL};
    sm_error err = {0};
    if (sm_taxonomy_load(&opts, &tx, NULL, &err) != SM_OK ||
        sm_extractor_new(tx, &ex, &err) != SM_OK) {
        fprintf(stderr, "    setup: %s\n", err.message);
        exit(1);
    }
    x = sm_extraction_new(ex);
}

static void teardown(void)
{
    sm_extraction_free(x);
    sm_extractor_free(ex);
    sm_taxonomy_free(tx);
}

/* Index of the result whose URI ends with uri_suffix, or -1. */
static int rank_of(const char *uri_suffix)
{
    size_t n = sm_extraction_count(x), k = strlen(uri_suffix);
    for (size_t i = 0; i < n; i++) {
        const char *uri = sm_taxonomy_uri(tx, sm_extraction_get(x, i)->concept);
        size_t len = strlen(uri);
        if (len >= k && strcmp(uri + len - k, uri_suffix) == 0)
            return (int)i;
    }
    return -1;
}

static const sm_extracted *result_for(const char *uri_suffix)
{
    int r = rank_of(uri_suffix);
    return r < 0 ? NULL : sm_extraction_get(x, (size_t)r);
}

/* Properties of the result for uri_suffix; -1 when it is absent. */
static int literal_of(const char *uri_suffix)
{
    const sm_extracted *r = result_for(uri_suffix);
    return r ? r->literal : -1;
}

static int lang_of(const char *uri_suffix)
{
    const sm_extracted *r = result_for(uri_suffix);
    return r ? r->lang : -1;
}

static float confidence_of(const char *uri_suffix)
{
    const sm_extracted *r = result_for(uri_suffix);
    return r ? r->confidence : -1.0f;
}

static int run(const char *text, unsigned langs, size_t limit)
{
    return sm_extract(x, text, strlen(text), langs, limit);
}

static void french_literal_with_accents_and_apostrophes(void)
{
    setup(NULL);
    const char *text = "Maîtrise d’Excel et du logiciel de caisse";
    CHECK(run(text, SM_LANG_MASK_ALL, 10) > 0);
    const sm_extracted *pos = result_for(POS);
    CHECK(pos != NULL);
    if (pos) {
        CHECK(pos->literal);
        CHECK(pos->confidence > 0.8f);
        CHECK_INT(pos->span_count, 1);
        CHECK_INT(pos->spans[0].start, strstr(text, "logiciel") - text);
        CHECK_INT(pos->spans[0].end, strlen(text));
        CHECK_INT(pos->matched_len, strlen("logiciel de caisse"));
        CHECK_INT(pos->lang, SM_LANG_FR);
    }
    const sm_extracted *sheets = result_for(SHEETS);
    CHECK(sheets != NULL && sheets->literal);
    if (sheets)
        CHECK(memcmp(sheets->matched, "Excel", 5) == 0);
    /* The same with a straight apostrophe, capitals and no accents. */
    CHECK(run("MAITRISE D'EXCEL ET DU LOGICIEL DE CAISSE", SM_LANG_MASK_ALL, 10) > 0);
    CHECK(rank_of(POS) >= 0 && rank_of(SHEETS) >= 0);
    teardown();
}

static void plurals_and_inflections(void)
{
    setup(NULL);
    CHECK(run("Utilisation de logiciels de caisses au quotidien", SM_LANG_MASK_FR, 5) > 0);
    CHECK(rank_of(POS) == 0);
    CHECK(run("Sending e-mails and using spreadsheets daily", SM_LANG_MASK_EN, 5) > 0);
    CHECK(rank_of(SHEETS) >= 0);
    CHECK_INT(literal_of(SHEETS), 1);
    teardown();
}

static void hyphens_and_slashes(void)
{
    setup(NULL);
    /* "e-mail" and "email" both reach the email skill; a slash separates words. */
    CHECK(run("envoi d'e-mails", SM_LANG_MASK_ALL, 5) > 0);
    int a = rank_of("4d0317915a84");
    CHECK(run("envoi d'emails", SM_LANG_MASK_ALL, 5) > 0);
    int b = rank_of("4d0317915a84");
    CHECK(a >= 0 && b >= 0);
    CHECK(run("Word/Excel", SM_LANG_MASK_ALL, 5) > 0);
    CHECK(rank_of(SHEETS) >= 0);
    CHECK(rank_of("e1f17c3d5d8d") >= 0 || rank_of("word-processing") >= 0 ||
          sm_extraction_count(x) >= 2);
    teardown();
}

static void longest_match_wins(void)
{
    setup("tests/fixtures/esco");
    /* "manage cash desk" contains "cash desk"-like shorter labels; the longer label wins. */
    const char *text = "I manage the cash desk every evening";
    CHECK(run(text, SM_LANG_MASK_EN, 10) > 0);
    const sm_extracted *desk = result_for(FIX_DESK);
    CHECK(desk != NULL && desk->literal);
    CHECK_INT(rank_of(FIX_DESK), 0);
    if (desk)
        CHECK_INT(desk->spans[0].start, 2);
    /* "operate cash register" as a whole beats the derived "cash register". */
    CHECK(run("operate cash register", SM_LANG_MASK_EN, 3) > 0);
    CHECK_INT(rank_of(FIX_TILL), 0);
    /* The built-in "operate a cash register" (another concept here, since the
     * fixture's URIs are not ESCO's) shares the label: ambiguity costs a little. */
    CHECK(sm_extraction_get(x, 0)->confidence > 0.75f);
    CHECK(sm_extraction_get(x, 0)->confidence < 0.9f);
    teardown();
}

static void generic_single_words_are_down_weighted(void)
{
    setup("tests/fixtures/esco");
    CHECK(run("management", SM_LANG_MASK_EN, 5) > 0);
    const sm_extracted *m = result_for(FIX_MGMT);
    CHECK(m != NULL);
    float generic = m ? m->confidence : 1;
    CHECK(run("show initiative", SM_LANG_MASK_EN, 5) > 0);
    const sm_extracted *s = sm_extraction_get(x, 0);
    CHECK(s && s->confidence > generic);
    teardown();
}

static void fallback_fills_the_list(void)
{
    setup("tests/fixtures/esco");
    /* No label appears literally, yet a ranked list comes back, at lower confidence. */
    int n = run("cash handling at the register", SM_LANG_MASK_EN, 5);
    CHECK(n > 0);
    CHECK(n <= 5);
    for (int i = 0; i < n; i++) {
        const sm_extracted *r = sm_extraction_get(x, (size_t)i);
        CHECK(r->confidence >= 0 && r->confidence <= 1);
        if (i)
            CHECK(r->confidence <= sm_extraction_get(x, (size_t)i - 1)->confidence);
        CHECK(r->span_count > 0);
    }
    CHECK(rank_of(FIX_TILL) >= 0 && rank_of(FIX_TILL) < 3);
    CHECK_INT(literal_of(FIX_TILL), 0);
    CHECK(confidence_of(FIX_TILL) < 0.6f);
    teardown();
}

static void language_filter(void)
{
    setup("tests/fixtures/esco");
    CHECK(run("utiliser une caisse enregistreuse", SM_LANG_MASK_FR, 3) > 0);
    CHECK_INT(rank_of(FIX_TILL), 0);
    CHECK_INT(literal_of(FIX_TILL), 1);
    CHECK_INT(lang_of(FIX_TILL), SM_LANG_FR);
    run("utiliser une caisse enregistreuse", SM_LANG_MASK_EN, 3);
    CHECK(literal_of(FIX_TILL) != 1);
    teardown();
}

static void empty_huge_and_invalid_input(void)
{
    setup(NULL);
    CHECK_INT(run("", SM_LANG_MASK_ALL, 10), 0);
    CHECK_INT(run("   ,;. !!", SM_LANG_MASK_ALL, 10), 0);
    CHECK_INT(sm_extract(x, "caf\xC3", 4, SM_LANG_MASK_ALL, 10), SM_EUTF8);
    CHECK_INT(sm_extraction_error_offset(x), 3);
    CHECK_INT(sm_extract(x, "ok \xFF", 4, SM_LANG_MASK_ALL, 10), SM_EUTF8);
    CHECK_INT(sm_extraction_error_offset(x), 3);
    /* Several megabytes of text: linear work, a full answer. */
    size_t len = 4 << 20;
    char *big = malloc(len + 1);
    const char *piece = "Vente, encaissement, logiciel de caisse et Excel. ";
    size_t plen = strlen(piece);
    for (size_t i = 0; i < len; i++)
        big[i] = piece[i % plen];
    big[len] = '\0';
    int n = sm_extract(x, big, len, SM_LANG_MASK_ALL, 10);
    CHECK(n > 0);
    CHECK(rank_of(POS) >= 0);
    /* One very long word, and a run of combining marks. */
    memset(big, 'a', len);
    CHECK(sm_extract(x, big, len, SM_LANG_MASK_ALL, 10) >= 0);
    for (size_t i = 0; i + 1 < len; i += 2) {
        big[i] = (char)0xCC;
        big[i + 1] = (char)0x81;
    }
    CHECK(sm_extract(x, big, len & ~(size_t)1, SM_LANG_MASK_ALL, 10) >= 0);
    free(big);
    teardown();
}

static void limits_are_clamped(void)
{
    setup(NULL);
    CHECK(run("logiciel de caisse, Excel, e-mail, Word, visioconférence", SM_LANG_MASK_ALL, 0) ==
          1);
    CHECK(run("logiciel de caisse, Excel, e-mail, Word, visioconférence", SM_LANG_MASK_ALL, 3) ==
          3);
    CHECK(run("logiciel de caisse", SM_LANG_MASK_ALL, 100000) <= SM_EXTRACT_MAX_LIMIT);
    teardown();
}

static void spans_point_at_the_text(void)
{
    setup(NULL);
    const char *text = "Expérience en caisse enregistreuse, tenue de caisse et TPE; bonne maîtrise "
                       "du pack Office.";
    int n = run(text, SM_LANG_MASK_ALL, 10);
    CHECK(n > 0);
    for (int i = 0; i < n; i++) {
        const sm_extracted *r = sm_extraction_get(x, (size_t)i);
        for (size_t k = 0; k < r->span_count; k++) {
            CHECK(r->spans[k].start < r->spans[k].end);
            CHECK(r->spans[k].end <= strlen(text));
            /* Spans start and end on UTF-8 character boundaries. */
            CHECK(((unsigned char)text[r->spans[k].start] & 0xC0) != 0x80);
            CHECK(r->spans[k].end == strlen(text) ||
                  ((unsigned char)text[r->spans[k].end] & 0xC0) != 0x80);
        }
        if (r->literal)
            CHECK(r->matched >= text && r->matched + r->matched_len <= text + strlen(text));
    }
    CHECK(rank_of("1558e8f3-c0d8-4bde-a0ac-8f4ff0c4e5b8") >= 0 ||
          rank_of("card-payment-terminal") >= 0 || n >= 3);
    teardown();
}

static void extraction_survives_allocation_failures(void)
{
    /* Allocation N fails, for N = 0, 1, 2... until the extraction needs fewer than N: each run
     * must meet its failure and say SM_ENOMEM, or succeed; then one with no failure at all must
     * give the full answer. Leaks show under the sanitized build (LeakSanitizer). */
    setup(NULL);
    const char *text = "Maîtrise d’Excel et du logiciel de caisse, envoi d'e-mails";
    int clean = run(text, SM_LANG_MASK_ALL, 10);
    CHECK(clean > 0);
    long fail = 0, failed_runs = 0;
    for (;; fail++) {
        /* A fresh scratch each time: a used one has grown already and allocates nothing. */
        sm_alloc_fail_after(fail);
        sm_extraction *fx = sm_extraction_new(ex);
        int rc = fx ? sm_extract(fx, text, strlen(text), SM_LANG_MASK_ALL, 10) : SM_ENOMEM;
        long failed = sm_alloc_failed();
        sm_alloc_fail_after(-1);
        sm_extraction_free(fx);
        if (failed == 0) {
            CHECK_INT(rc, clean); /* no allocation failed: the same answer */
            break;
        }
        CHECK_INT(rc, SM_ENOMEM); /* a failed allocation is never hidden */
        failed_runs++;
        CHECK(fail < 100000);
        if (fail >= 100000)
            break;
    }
    CHECK(failed_runs > 0); /* the extraction allocates: some run met a failure */
    CHECK_INT(run("logiciel de caisse", SM_LANG_MASK_ALL, 10), 1);
    teardown();
    /* Building the extractor under allocation failures, every N until it needs fewer. */
    sm_load_options opts = {NULL, NULL};
    sm_error err;
    CHECK_INT(sm_taxonomy_load(&opts, &tx, NULL, &err), SM_OK);
    long builds_failed = 0;
    for (fail = 0;; fail++) {
        sm_extractor *e = NULL;
        sm_alloc_fail_after(fail);
        int rc = sm_extractor_new(tx, &e, &err);
        long failed = sm_alloc_failed();
        sm_alloc_fail_after(-1);
        if (failed == 0) {
            CHECK_INT(rc, SM_OK);
            CHECK(e != NULL);
            sm_extractor_free(e);
            break;
        }
        CHECK_INT(rc, SM_ENOMEM);
        CHECK(e == NULL);
        builds_failed++;
        sm_extractor_free(e);
        CHECK(fail < 100000);
        if (fail >= 100000)
            break;
    }
    CHECK(builds_failed > 10); /* every allocation of the build was made to fail once */
    printf("    %ld allocations of an extraction and %ld of the extractor's build made to fail\n",
           failed_runs, builds_failed);
    sm_taxonomy_free(tx);
}

/* A pronoun, a number, a letter names no skill by itself, in any language or mode; inside a
 * longer label or as an acronym it still counts. */
static void weak_tokens_name_nothing_alone(void)
{
    setup("tests/fixtures/esco");
    static const char *const texts[] = {
        "J'ai", "j'ai 3 ans d'expérience", "3", "B", "permis B", "AI", "ai", "I", "2 ou 3 jours"};
    for (size_t t = 0; t < sizeof texts / sizeof *texts; t++) {
        for (int mode = 0; mode < 3; mode++) {
            int n = mode == 0 ? sm_extract(x, texts[t], strlen(texts[t]), SM_LANG_MASK_ALL, 20)
                              : sm_extract_in(x, texts[t], strlen(texts[t]),
                                              mode == 1 ? SM_LANG_FR : SM_LANG_EN, 1, 20);
            for (int i = 0; i < n; i++) {
                const sm_extracted *e = sm_extraction_get(x, (size_t)i);
                /* what matched is more than a weak token, or an acronym in capitals */
                int weak =
                    e->matched_len <= 2 || strspn(e->matched, "0123456789") == e->matched_len;
                int upper = e->matched_len >= 2 &&
                            strspn(e->matched, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == e->matched_len;
                if (weak && !upper)
                    fprintf(stderr, "    \"%s\" gave \"%.*s\" (%s)\n", texts[t],
                            (int)e->matched_len, e->matched, sm_taxonomy_uri(tx, e->concept));
                CHECK(!weak || upper);
            }
        }
    }
    /* "J'ai tenu une caisse": the till, not artificial intelligence. */
    int n = sm_extract_in(x, "J'ai tenu une caisse", 21, SM_LANG_FR, 1, 10);
    CHECK(n >= 1);
    CHECK(rank_of("generative-ai") < 0);
    teardown();
}

/* A short acronym is named by its very letters, never by a word that stems to them: "sums" is
 * not the spreadsheet function SUM, "entes" not the school platform ENT (the words a stemmer
 * brings to an acronym's letters: "idée" to IDE in ESCO). Past forms of "do" are stop words. */
static void short_acronyms_need_their_letters(void)
{
    setup(NULL);
    static const struct {
        const char *text, *not_this;
        sm_lang lang;
    } cases[] = {{"I paid the sums due on time", "spreadsheet-formulas", SM_LANG_EN},
                 {"les entes du verger", "school-platforms", SM_LANG_FR}};
    for (size_t c = 0; c < 2; c++) {
        sm_extract_in(x, cases[c].text, strlen(cases[c].text), cases[c].lang, 1, 10);
        int r = rank_of(cases[c].not_this);
        CHECK(r < 0 || sm_extract_shown(sm_extraction_get(x, (size_t)r)->confidence) <
                           SM_EXTRACT_MIN_CONFIDENCE);
    }
    /* The letters themselves still name it, in capitals or not. */
    sm_extract_in(x, "formules Excel comme SUM", 24, SM_LANG_FR, 1, 10);
    CHECK(rank_of("spreadsheet-formulas") >= 0);
    sm_extract_in(x, "un ent scolaire", 15, SM_LANG_FR, 1, 10);
    CHECK(rank_of("school-platforms") >= 0);
    teardown();
}

/* The text is read in the language asked; the other's labels come after, marked, and are
 * shown with the asked language's label by callers. */
static void the_language_asked_first(void)
{
    setup("tests/fixtures/esco");
    const char *text = "I use a smartphone every day";
    int n = sm_extract_in(x, text, strlen(text), SM_LANG_FR, 1, 10);
    const sm_extracted *e = result_for("smartphone-use");
    CHECK(n >= 1 && e != NULL);
    if (e) {
        CHECK_INT(e->other_lang, 1);
        CHECK_INT(e->lang, SM_LANG_EN);
        CHECK(e->confidence < 0.95f); /* less sure than a label of the language asked */
    }
    /* Without the fallback, a French reading of an English text finds no literal label. */
    sm_extract_in(x, text, strlen(text), SM_LANG_FR, 0, 10);
    e = result_for("smartphone-use");
    CHECK(!e || !e->literal);
    /* In English it is the language asked. */
    sm_extract_in(x, text, strlen(text), SM_LANG_EN, 1, 10);
    e = result_for("smartphone-use");
    CHECK(e && !e->other_lang && e->lang == SM_LANG_EN);
    teardown();
}

SM_TEST_MAIN("test_extract", T(weak_tokens_name_nothing_alone),
             T(short_acronyms_need_their_letters), T(the_language_asked_first),
             T(french_literal_with_accents_and_apostrophes), T(plurals_and_inflections),
             T(hyphens_and_slashes), T(longest_match_wins),
             T(generic_single_words_are_down_weighted), T(fallback_fills_the_list),
             T(language_filter), T(empty_huge_and_invalid_input), T(limits_are_clamped),
             T(spans_point_at_the_text), T(extraction_survives_allocation_failures))
