/*
 * csv.c: the in-place RFC 4180 reader (see csv.h).
 *
 * Invariants: pos <= len; buf[len] == '\0' (a sentinel, never data); each
 * field of the current record lies inside buf. Unescaping only ever shrinks a
 * field, which is why it can be done in place.
 */
#include "taxonomy/csv.h"
#include "taxonomy/base/alloc.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

struct sm_csv {
    char *buf;
    size_t len, pos;
    char name[256];
    size_t record, line, next_line;
    sm_str fields[SM_CSV_MAX_FIELDS];
    size_t field_count;
    char *header_names[SM_CSV_MAX_FIELDS];
    size_t header_count;
};

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static int parse_record(sm_csv *csv, sm_error *err)
{
    char *b = csv->buf;
    size_t p = csv->pos;
    /* Skip blank lines between records. */
    while (p < csv->len && (b[p] == '\n' || b[p] == '\r')) {
        if (b[p] == '\n')
            csv->next_line++;
        p++;
    }
    if (p >= csv->len) {
        csv->pos = p;
        return 0;
    }
    csv->line = csv->next_line;
    csv->field_count = 0;
    for (;;) {
        if (csv->field_count == SM_CSV_MAX_FIELDS)
            return sm_error_set(err, SM_EPARSE, "%s: record %zu (line %zu): more than %d fields",
                                csv->name, csv->record + 1, csv->line, SM_CSV_MAX_FIELDS);
        size_t col = csv->field_count;
        char *start = b + p, *w = start;
        if (p < csv->len && b[p] == '"') {
            p++;
            for (;;) {
                if (p >= csv->len)
                    return sm_error_set(err, SM_EPARSE,
                                        "%s: record %zu (line %zu), column %s: unterminated "
                                        "quoted field",
                                        csv->name, csv->record + 1, csv->line,
                                        sm_csv_column_name(csv, (int)col));
                char c = b[p++];
                if (c == '"') {
                    if (p < csv->len && b[p] == '"') {
                        *w++ = '"';
                        p++;
                        continue;
                    }
                    break;
                }
                if (c == '\n')
                    csv->next_line++;
                *w++ = c;
            }
            if (p < csv->len && b[p] != ',' && b[p] != '\n' && b[p] != '\r')
                return sm_error_set(err, SM_EPARSE,
                                    "%s: record %zu (line %zu), column %s: unexpected "
                                    "character after closing quote",
                                    csv->name, csv->record + 1, csv->line,
                                    sm_csv_column_name(csv, (int)col));
        } else {
            while (p < csv->len && b[p] != ',' && b[p] != '\n' && b[p] != '\r') {
                if (b[p] == '"')
                    return sm_error_set(err, SM_EPARSE,
                                        "%s: record %zu (line %zu), column %s: quote inside an "
                                        "unquoted field",
                                        csv->name, csv->record + 1, csv->line,
                                        sm_csv_column_name(csv, (int)col));
                p++;
            }
            w = b + p;
        }
        csv->fields[col] = sm_str_make(start, (size_t)(w - start));
        csv->field_count++;
        if (p >= csv->len)
            break;
        if (b[p] == ',') {
            p++;
            continue;
        }
        /* End of record: CRLF, LF or a lone CR. */
        if (b[p] == '\r')
            p++;
        if (p < csv->len && b[p] == '\n')
            p++;
        csv->next_line++;
        break;
    }
    csv->pos = p;
    for (size_t i = 0; i < csv->field_count; i++) {
        size_t bad;
        if (!sm_utf8_valid(csv->fields[i].ptr, csv->fields[i].len, &bad))
            return sm_error_set(err, SM_EUTF8,
                                "%s: record %zu (line %zu), column %s: invalid UTF-8 at byte %zu "
                                "of the field",
                                csv->name, csv->record + 1, csv->line,
                                sm_csv_column_name(csv, (int)i), bad);
    }
    return 1;
}

static int read_header(sm_csv *csv, sm_error *err)
{
    if (csv->len >= 3 && memcmp(csv->buf, "\xEF\xBB\xBF", 3) == 0)
        csv->pos = 3;
    int rc = parse_record(csv, err);
    if (rc == 0)
        return sm_error_set(err, SM_EPARSE, "%s: empty file, a header record is expected",
                            csv->name);
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < csv->field_count; i++) {
        sm_str f = sm_str_trim(csv->fields[i]);
        csv->header_names[i] = sm_strndup(f.ptr, f.len);
        if (!csv->header_names[i])
            return sm_error_set(err, SM_ENOMEM, "%s: out of memory", csv->name);
        csv->header_count++;
    }
    csv->field_count = 0;
    return SM_OK;
}

static int open_owned(sm_csv **out, const char *name, char *buf, size_t len, sm_error *err)
{
    sm_csv *csv = sm_calloc(1, sizeof *csv);
    if (!csv) {
        sm_free(buf);
        return sm_error_set(err, SM_ENOMEM, "%s: out of memory", name);
    }
    csv->buf = buf;
    csv->len = len;
    csv->next_line = 1;
    snprintf(csv->name, sizeof csv->name, "%s", name);
    int rc = read_header(csv, err);
    if (rc != SM_OK) {
        sm_csv_free(csv);
        *out = NULL;
        return rc;
    }
    *out = csv;
    return SM_OK;
}

int sm_csv_open_buffer(sm_csv **out, const char *name, const char *data, size_t len, sm_error *err)
{
    *out = NULL;
    if (len > SM_CSV_MAX_BYTES)
        return sm_error_set(err, SM_ETOOBIG, "%s: larger than %zu bytes", name, SM_CSV_MAX_BYTES);
    char *buf = sm_malloc(len + 1);
    if (!buf)
        return sm_error_set(err, SM_ENOMEM, "%s: out of memory", name);
    if (len)
        memcpy(buf, data, len);
    buf[len] = '\0';
    return open_owned(out, name, buf, len, err);
}

int sm_csv_open_file(sm_csv **out, const char *path, sm_error *err)
{
    *out = NULL;
    const char *name = base_name(path);
    FILE *f = fopen(path, "rb");
    if (!f)
        return sm_error_set(err, SM_EIO, "%s: %s", path, strerror(errno));
    char *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (sm_grow((void **)&buf, &cap, len + 65537, 1) != SM_OK) {
            sm_free(buf);
            fclose(f);
            return sm_error_set(err, SM_ENOMEM, "%s: out of memory", path);
        }
        size_t got = fread(buf + len, 1, cap - len - 1, f);
        len += got;
        if (len > SM_CSV_MAX_BYTES) {
            sm_free(buf);
            fclose(f);
            return sm_error_set(err, SM_ETOOBIG, "%s: larger than %zu bytes", path,
                                SM_CSV_MAX_BYTES);
        }
        if (got == 0)
            break;
    }
    int failed = ferror(f);
    fclose(f);
    if (failed) {
        sm_free(buf);
        return sm_error_set(err, SM_EIO, "%s: read error", path);
    }
    buf[len] = '\0';
    return open_owned(out, name, buf, len, err);
}

void sm_csv_free(sm_csv *csv)
{
    if (!csv)
        return;
    for (size_t i = 0; i < csv->header_count; i++)
        sm_free(csv->header_names[i]);
    sm_free(csv->buf);
    sm_free(csv);
}

int sm_csv_column(const sm_csv *csv, const char *name)
{
    for (size_t i = 0; i < csv->header_count; i++)
        if (strcmp(csv->header_names[i], name) == 0)
            return (int)i;
    return -1;
}

int sm_csv_require(const sm_csv *csv, const char *const *names, int *idx, sm_error *err)
{
    for (size_t i = 0; names[i]; i++) {
        idx[i] = sm_csv_column(csv, names[i]);
        if (idx[i] < 0)
            return sm_error_set(err, SM_EPARSE, "%s: header has no column %s", csv->name, names[i]);
    }
    return SM_OK;
}

int sm_csv_next(sm_csv *csv, sm_error *err)
{
    int rc = parse_record(csv, err);
    if (rc == 1) {
        csv->record++;
        if (csv->field_count > csv->header_count)
            return sm_error_set(
                err, SM_EPARSE, "%s: record %zu (line %zu): %zu fields, the header has %zu",
                csv->name, csv->record, csv->line, csv->field_count, csv->header_count);
    }
    return rc;
}

sm_str sm_csv_field(const sm_csv *csv, int col)
{
    if (col < 0 || (size_t)col >= csv->field_count)
        return sm_str_make("", 0);
    return csv->fields[col];
}

size_t sm_csv_field_count(const sm_csv *csv)
{
    return csv->field_count;
}

size_t sm_csv_record(const sm_csv *csv)
{
    return csv->record;
}

size_t sm_csv_line(const sm_csv *csv)
{
    return csv->line;
}

const char *sm_csv_name(const sm_csv *csv)
{
    return csv->name;
}

const char *sm_csv_column_name(const sm_csv *csv, int col)
{
    if (col < 0 || (size_t)col >= csv->header_count)
        return "?";
    return csv->header_names[col];
}
