/* test_csv.c: the RFC 4180 reader, its edge cases and its error messages. */
#include "taxonomy/base/alloc.h"
#include "taxonomy/csv.h"
#include "tests/unit/check.h"

static sm_csv *open_text(const char *text, sm_error *err)
{
    sm_csv *csv = NULL;
    sm_csv_open_buffer(&csv, "t.csv", text, strlen(text), err);
    return csv;
}

static int field_is(sm_csv *csv, int col, const char *want)
{
    sm_str f = sm_csv_field(csv, col);
    return f.len == strlen(want) && memcmp(f.ptr, want, f.len) == 0;
}

static void quoting_and_newlines(void)
{
    sm_error err;
    sm_csv *csv = open_text("a,b,c\r\n\"x, y\",\"he said \"\"hi\"\"\",\"line1\nline2\r\nline3\"\r\n"
                            "plain,,last\n",
                            &err);
    CHECK(csv != NULL);
    CHECK_INT(sm_csv_next(csv, &err), 1);
    CHECK(field_is(csv, 0, "x, y"));
    CHECK(field_is(csv, 1, "he said \"hi\""));
    CHECK(field_is(csv, 2, "line1\nline2\r\nline3"));
    CHECK_INT(sm_csv_line(csv), 2);
    CHECK_INT(sm_csv_next(csv, &err), 1);
    CHECK(field_is(csv, 0, "plain"));
    CHECK(field_is(csv, 1, ""));
    CHECK(field_is(csv, 2, "last"));
    CHECK_INT(sm_csv_line(csv), 5);
    CHECK_INT(sm_csv_record(csv), 2);
    CHECK_INT(sm_csv_next(csv, &err), 0);
    sm_csv_free(csv);
}

static void header_lookup_and_bom(void)
{
    sm_error err;
    sm_csv *csv = open_text("\xEF\xBB\xBF"
                            "conceptUri, preferredLabel ,x\nu1,label,1",
                            &err);
    CHECK(csv != NULL);
    CHECK_INT(sm_csv_column(csv, "conceptUri"), 0);
    CHECK_INT(sm_csv_column(csv, "preferredLabel"), 1);
    CHECK_INT(sm_csv_column(csv, "missing"), -1);
    int idx[2];
    CHECK_INT(sm_csv_require(csv, (const char *const[]){"x", "nope", NULL}, idx, &err), SM_EPARSE);
    CHECK_HAS(err.message, "t.csv: header has no column nope");
    CHECK_INT(sm_csv_next(csv, &err), 1); /* last record without a line end */
    CHECK(field_is(csv, 2, "1"));
    CHECK_INT(sm_csv_next(csv, &err), 0);
    sm_csv_free(csv);
}

static void ragged_and_blank_lines(void)
{
    sm_error err;
    sm_csv *csv = open_text("a,b,c,d\n1,2\n\n\r\n3,4,5,6\r1\n", &err);
    CHECK_INT(sm_csv_next(csv, &err), 1);
    CHECK_INT(sm_csv_field_count(csv), 2);
    CHECK(field_is(csv, 3, ""));
    CHECK(field_is(csv, 7, ""));
    CHECK(field_is(csv, -1, ""));
    CHECK_INT(sm_csv_next(csv, &err), 1);
    CHECK(field_is(csv, 3, "6"));
    CHECK_INT(sm_csv_next(csv, &err), 1); /* lone CR ended the previous record */
    CHECK(field_is(csv, 0, "1"));
    CHECK_INT(sm_csv_next(csv, &err), 0);
    sm_csv_free(csv);
}

static void error_unterminated_quote(void)
{
    sm_error err;
    sm_csv *csv = open_text("id,label\n1,ok\n2,\"never closed\n", &err);
    CHECK_INT(sm_csv_next(csv, &err), 1);
    CHECK_INT(sm_csv_next(csv, &err), SM_EPARSE);
    CHECK_HAS(err.message, "t.csv: record 2 (line 3), column label: unterminated quoted field");
    sm_csv_free(csv);
}

static void error_quote_in_unquoted_field(void)
{
    sm_error err;
    sm_csv *csv = open_text("id,label\n1,bad\"quote\n", &err);
    CHECK_INT(sm_csv_next(csv, &err), SM_EPARSE);
    CHECK_HAS(err.message, "record 1 (line 2), column label: quote inside an unquoted field");
    sm_csv_free(csv);
}

static void error_text_after_closing_quote(void)
{
    sm_error err;
    sm_csv *csv = open_text("id,label\n\"1\"x,y\n", &err);
    CHECK_INT(sm_csv_next(csv, &err), SM_EPARSE);
    CHECK_HAS(err.message, "column id: unexpected character after closing quote");
    sm_csv_free(csv);
}

static void error_too_many_fields(void)
{
    sm_error err;
    sm_csv *csv = open_text("a,b\n1,2,3\n", &err);
    CHECK_INT(sm_csv_next(csv, &err), SM_EPARSE);
    CHECK_HAS(err.message, "record 1 (line 2): 3 fields, the header has 2");
    sm_csv_free(csv);
}

static void error_invalid_utf8(void)
{
    sm_error err;
    sm_csv *csv = open_text("uri,label\nu,caf\xC3\n", &err);
    CHECK_INT(sm_csv_next(csv, &err), SM_EUTF8);
    CHECK_HAS(err.message, "record 1 (line 2), column label: invalid UTF-8 at byte 3");
    sm_csv_free(csv);
    /* Overlong encodings and surrogates are invalid too. */
    CHECK(!sm_utf8_valid("\xC0\xAF", 2, NULL));
    CHECK(!sm_utf8_valid("\xED\xA0\x80", 3, NULL));
    CHECK(!sm_utf8_valid("\xF4\x90\x80\x80", 4, NULL));
    CHECK(sm_utf8_valid("\xE2\x80\x99\xF0\x9F\x98\x80", 7, NULL));
}

static void error_empty_file_and_missing_file(void)
{
    sm_error err;
    sm_csv *csv = NULL;
    CHECK_INT(sm_csv_open_buffer(&csv, "empty.csv", "", 0, &err), SM_EPARSE);
    CHECK(csv == NULL);
    CHECK_HAS(err.message, "empty.csv: empty file");
    CHECK_INT(sm_csv_open_file(&csv, "/nonexistent/dir/x.csv", &err), SM_EIO);
    CHECK_HAS(err.message, "/nonexistent/dir/x.csv");
}

static void too_many_fields_in_header(void)
{
    char text[SM_CSV_MAX_FIELDS * 3 + 8];
    size_t n = 0;
    for (int i = 0; i <= SM_CSV_MAX_FIELDS; i++)
        n += (size_t)sprintf(text + n, "%sa", i ? "," : "");
    sm_error err;
    sm_csv *csv = NULL;
    CHECK_INT(sm_csv_open_buffer(&csv, "wide.csv", text, n, &err), SM_EPARSE);
    CHECK_HAS(err.message, "more than");
}

static void allocation_failures(void)
{
    /* Failing each allocation in turn must give SM_ENOMEM, never a crash or a leak. */
    const char *text = "a,b\n1,2\n";
    for (long fail = 0; fail < 8; fail++) {
        sm_error err;
        sm_csv *csv = NULL;
        sm_alloc_fail_after(fail);
        int rc = sm_csv_open_buffer(&csv, "t.csv", text, strlen(text), &err);
        sm_alloc_fail_after(-1);
        CHECK(rc == SM_OK || rc == SM_ENOMEM);
        CHECK((rc == SM_OK) == (csv != NULL));
        sm_csv_free(csv);
    }
}

SM_TEST_MAIN("test_csv", T(quoting_and_newlines), T(header_lookup_and_bom),
             T(ragged_and_blank_lines), T(error_unterminated_quote),
             T(error_quote_in_unquoted_field), T(error_text_after_closing_quote),
             T(error_too_many_fields), T(error_invalid_utf8), T(error_empty_file_and_missing_file),
             T(too_many_fields_in_header), T(allocation_failures))
