/*
 * test_cli.c: build/skillmatch as scripts use it: `extract` reads lines and
 * writes aligned JSON lines; bad options and bad data give clear errors.
 */
#include "tests/unit/check.h"

#include <jansson.h>

#define BIN "build/skillmatch"

/* Runs cmd with input on stdin; returns its stdout (caller frees) and exit status. */
static char *run(const char *cmd, const char *input, size_t input_len, int *status)
{
    char in_path[] = "/tmp/sm-cli-in-XXXXXX", out_path[] = "/tmp/sm-cli-out-XXXXXX";
    int in_fd = mkstemp(in_path), out_fd = mkstemp(out_path);
    if (write(in_fd, input, input_len) != (ssize_t)input_len)
        return NULL;
    close(in_fd);
    close(out_fd);
    char shell[2048];
    snprintf(shell, sizeof shell, "%s < %s > %s 2>%s.err", cmd, in_path, out_path, out_path);
    int rc = system(shell);
    *status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
    FILE *f = fopen(out_path, "rb");
    char *out = calloc(1, 1 << 22);
    size_t n = fread(out, 1, (1 << 22) - 1, f);
    out[n] = '\0';
    fclose(f);
    /* Keep stderr after stdout, separated by a form feed, for error checks. */
    snprintf(shell, sizeof shell, "%s.err", out_path);
    f = fopen(shell, "rb");
    if (f) {
        out[n++] = '\f';
        n += fread(out + n, 1, (1 << 22) - 1 - n, f);
        out[n] = '\0';
        fclose(f);
    }
    unlink(in_path);
    unlink(out_path);
    unlink(shell);
    return out;
}

static size_t count_lines(const char *s)
{
    size_t n = 0;
    for (; *s && *s != '\f'; s++)
        n += *s == '\n';
    return n;
}

static void extract_lines_align(void)
{
    const char input[] = "Maîtrise d’Excel et du logiciel de caisse\n"
                         "\n"
                         "experience with customer service and cash handling\r\n"
                         "caf\xC3 invalide\n"
                         "last line without newline: visioconférence";
    int status;
    char *out = run(BIN " extract", input, sizeof input - 1, &status);
    CHECK_INT(status, 0);
    CHECK_INT(count_lines(out), 5);
    char *line = out;
    for (int i = 0; i < 5; i++) {
        char *nl = strchr(line, '\n');
        *nl = '\0';
        json_error_t jerr;
        json_t *doc = json_loads(line, 0, &jerr);
        CHECK(doc != NULL);
        json_t *skills = json_object_get(doc, "skills");
        CHECK(json_is_array(skills));
        if (i == 1)
            CHECK_STR(line, "{\"skills\":[]}");
        if (i == 3) {
            CHECK_INT(json_array_size(skills), 0);
            CHECK_STR(json_string_value(json_object_get(doc, "error")), "invalid UTF-8 at byte 3");
        }
        if (i == 0 || i == 2 || i == 4) {
            CHECK(json_array_size(skills) > 0 && json_array_size(skills) <= 10);
            size_t k;
            json_t *s;
            double prev = 2;
            json_array_foreach(skills, k, s) {
                CHECK(json_is_string(json_object_get(s, "uri")));
                CHECK(json_is_string(json_object_get(s, "label")));
                CHECK(json_is_string(json_object_get(s, "matched")));
                double c = json_number_value(json_object_get(s, "confidence"));
                CHECK(c >= 0 && c <= 1 && c <= prev);
                prev = c;
                json_t *spans = json_object_get(s, "spans");
                CHECK(json_is_array(spans) && json_array_size(spans) > 0);
                json_t *span = json_array_get(spans, 0);
                CHECK(json_array_size(span) == 2 &&
                      json_integer_value(json_array_get(span, 0)) <
                          json_integer_value(json_array_get(span, 1)));
            }
        }
        if (i == 0) {
            json_t *first = json_array_get(skills, 0);
            CHECK_STR(json_string_value(json_object_get(first, "uri")),
                      "urn:skillmatch:skill:pos-software");
            CHECK_STR(json_string_value(json_object_get(first, "label")),
                      "utiliser un logiciel de caisse");
            CHECK_STR(json_string_value(json_object_get(first, "matched")), "logiciel de caisse");
        }
        json_decref(doc);
        line = nl + 1;
    }
    free(out);
}

static void extract_options(void)
{
    int status;
    char *out = run(BIN " extract --limit 2 --lang fr", "tableur, caisse, courriel\n", 26, &status);
    CHECK_INT(status, 0);
    json_t *doc = json_loads(out, JSON_DISABLE_EOF_CHECK, NULL);
    CHECK(json_array_size(json_object_get(doc, "skills")) == 2);
    json_decref(doc);
    free(out);

    out = run(BIN " extract --limit 0", "x\n", 2, &status);
    CHECK_INT(status, 2);
    CHECK_HAS(out, "--limit must be an integer from 1 to 1000");
    free(out);
    out = run(BIN " extract --lang de", "x\n", 2, &status);
    CHECK_INT(status, 2);
    CHECK_HAS(out, "--lang must be en, fr or auto");
    free(out);
    out = run(BIN " extract --bogus", "x\n", 2, &status);
    CHECK_INT(status, 2);
    CHECK_HAS(out, "unknown option '--bogus'");
    free(out);
    out = run(BIN " extract --esco", "x\n", 2, &status);
    CHECK_INT(status, 2);
    CHECK_HAS(out, "--esco needs a directory");
    free(out);
    out = run(BIN " extract --esco /nonexistent", "x\n", 2, &status);
    CHECK_INT(status, 1);
    CHECK_HAS(out, "/nonexistent: no ESCO export here");
    free(out);
}

static void extract_with_esco_fixture(void)
{
    int status;
    char *out = run(BIN " extract --esco tests/fixtures/esco --lang en",
                    "I can operate cash register and show initiative\n", 48, &status);
    CHECK_INT(status, 0);
    CHECK_HAS(out, "00000000-0000-4000-8000-000000000002");
    CHECK_HAS(out, "\"matched\":\"operate cash register\"");
    CHECK_HAS(out, "\"spans\":[[6,27]]");
    free(out);
}

static void extract_reports_malformed_esco(void)
{
    char dir[] = "/tmp/sm-cli-esco-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[256], cmd[512];
    snprintf(path, sizeof path, "%s/skills_en.csv", dir);
    FILE *f = fopen(path, "w");
    fputs("conceptUri,preferredLabel\nhttp://x/1,ok\nhttp://x/2,\"broken\n", f);
    fclose(f);
    snprintf(cmd, sizeof cmd, BIN " extract --esco %s", dir);
    int status;
    char *out = run(cmd, "x\n", 2, &status);
    CHECK_INT(status, 1);
    CHECK_HAS(out,
              "skills_en.csv: record 2 (line 3), column preferredLabel: unterminated quoted field");
    free(out);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK_INT(system(cmd), 0);
}

static void taxonomy_command(void)
{
    int status;
    char *out = run(BIN " taxonomy --esco tests/fixtures/esco", "", 0, &status);
    CHECK_INT(status, 0);
    char *ff = strchr(out, '\f');
    if (ff)
        *ff = '\0';
    json_t *doc = json_loads(out, 0, NULL);
    CHECK(doc != NULL);
    CHECK(json_integer_value(json_object_get(json_object_get(doc, "by_type"), "occupation")) == 3);
    CHECK(json_integer_value(json_object_get(doc, "files_read")) == 14);
    json_decref(doc);
    free(out);
    out = run(BIN " taxonomy --skill urn:skillmatch:skill:pos-software", "", 0, &status);
    CHECK_INT(status, 0);
    CHECK_HAS(out, "\"neighbours\"");
    CHECK_HAS(out, "logiciel de caisse");
    free(out);
    out = run(BIN " taxonomy --skill urn:nothing", "", 0, &status);
    CHECK_INT(status, 1);
    CHECK_HAS(out, "no concept with URI urn:nothing");
    free(out);
    out = run(BIN " frobnicate", "", 0, &status);
    CHECK_INT(status, 2);
    CHECK_HAS(out, "unknown command 'frobnicate'");
    free(out);
}

SM_TEST_MAIN("test_cli", T(extract_lines_align), T(extract_options), T(extract_with_esco_fixture),
             T(extract_reports_malformed_esco), T(taxonomy_command))
