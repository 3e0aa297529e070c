/* copy.c: COPY FROM STDIN in text format (see copy.h). */
#include "sql/copy.h"
#include "sql/db.h"

#include "taxonomy/base/alloc.h"
#include <stdlib.h>

#include <stdio.h>
#include <string.h>

#define CHUNK (1u << 20)

void sm_copy_begin(sm_copy *cp, PGconn *conn)
{
    memset(cp, 0, sizeof *cp);
    cp->conn = conn;
}

static void flush(sm_copy *cp)
{
    if (cp->failed || !cp->len)
        return;
    if (PQputCopyData(cp->conn, cp->buf, (int)cp->len) != 1)
        cp->failed = SM_EIO;
    cp->len = 0;
}

static void put(sm_copy *cp, const char *s, size_t n)
{
    if (cp->failed)
        return;
    if (cp->len + n > cp->cap) {
        size_t cap = cp->cap ? cp->cap : CHUNK + 4096;
        while (cap < cp->len + n)
            cap *= 2;
        char *b = sm_realloc(cp->buf, cap);
        if (!b) {
            cp->failed = SM_ENOMEM;
            return;
        }
        cp->buf = b;
        cp->cap = cap;
    }
    memcpy(cp->buf + cp->len, s, n);
    cp->len += n;
}

static void separator(sm_copy *cp)
{
    if (cp->fields++)
        put(cp, "\t", 1);
}

void sm_copy_text(sm_copy *cp, const char *s, size_t len)
{
    separator(cp);
    size_t from = 0;
    for (size_t i = 0; i < len; i++) {
        const char *esc = NULL;
        switch (s[i]) {
        case '\\': esc = "\\\\"; break;
        case '\t': esc = "\\t"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        default: continue;
        }
        put(cp, s + from, i - from);
        put(cp, esc, 2);
        from = i + 1;
    }
    put(cp, s + from, len - from);
}

void sm_copy_str(sm_copy *cp, const char *s)
{
    sm_copy_text(cp, s ? s : "", s ? strlen(s) : 0);
}

void sm_copy_int(sm_copy *cp, long long v)
{
    char tmp[32];
    int n = snprintf(tmp, sizeof tmp, "%lld", v);
    separator(cp);
    put(cp, tmp, (size_t)n);
}

void sm_copy_null(sm_copy *cp)
{
    separator(cp);
    put(cp, "\\N", 2);
}

void sm_copy_row_end(sm_copy *cp)
{
    put(cp, "\n", 1);
    cp->fields = 0;
    if (cp->len >= CHUNK)
        flush(cp);
}

int sm_copy_end(sm_copy *cp, sm_error *err)
{
    flush(cp);
    int rc = cp->failed;
    if (PQputCopyEnd(cp->conn, rc ? "skillmatch: copy abandoned" : NULL) != 1 && !rc)
        rc = SM_EIO;
    PGresult *r;
    while ((r = PQgetResult(cp->conn)) != NULL) {
        if (PQresultStatus(r) != PGRES_COMMAND_OK && !rc) {
            rc = SM_EIO;
            sm_error_set(err, rc, "database: %s", PQresultErrorMessage(r));
        }
        PQclear(r);
    }
    if (rc == SM_ENOMEM)
        sm_error_set(err, rc, "copy: out of memory");
    else if (rc && err && !err->message[0])
        sm_error_set(err, rc, "database: %s", PQerrorMessage(cp->conn));
    sm_free(cp->buf);
    cp->buf = NULL;
    return rc;
}

/* Unescapes one COPY text field in place. */
static void unescape(char *s)
{
    char *w = s;
    for (; *s; s++) {
        if (*s == '\\' && s[1]) {
            s++;
            *w++ = *s == 't' ? '\t' : *s == 'n' ? '\n' : *s == 'r' ? '\r' : *s;
        } else
            *w++ = *s;
    }
    *w = '\0';
}

/* Splits a row (no trailing newline) in place into fields; \N fields are NULL. */
int sm_copy_split_row(char *row, size_t len, char **fields, int max)
{
    int n = 0;
    char *start = row;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && row[i] != '\t')
            continue;
        row[i] = '\0';
        if (n < max) {
            fields[n] = strcmp(start, "\\N") == 0 ? NULL : start;
            if (fields[n])
                unescape(fields[n]);
        }
        n++;
        start = row + i + 1;
    }
    return n;
}

/* Parses "{1,2,3}" into out (up to cap); returns the count or -1. */
int sm_copy_int_array(const char *s, int32_t *out, int cap)
{
    if (!s || *s != '{')
        return -1;
    int n = 0;
    s++;
    while (*s && *s != '}') {
        char *end;
        long v = strtol(s, &end, 10);
        if (end == s || n >= cap)
            return -1;
        out[n++] = (int32_t)v;
        s = *end == ',' ? end + 1 : end;
    }
    return n;
}

/* Streams a COPY TO STDOUT, each row (without its newline) to sink, until sink fails. */
int sm_copy_out(PGconn *c, const char *sql, sm_copy_sink sink, void *ctx, sm_error *err)
{
    if (sm_db_exec(c, sql, 0, NULL, NULL, err))
        return SM_EIO;
    char *buf;
    int len, rc = SM_OK;
    while ((len = PQgetCopyData(c, &buf, 0)) > 0) {
        size_t l = (size_t)len;
        if (l && buf[l - 1] == '\n')
            l--;
        if (rc == SM_OK && (rc = sink(ctx, buf, l)) != SM_OK)
            sm_error_set(err, rc, rc == SM_ENOMEM ? "out of memory" : "load stopped");
        PQfreemem(buf);
    }
    PGresult *r;
    while ((r = PQgetResult(c)) != NULL) {
        if (PQresultStatus(r) != PGRES_COMMAND_OK && rc == SM_OK)
            rc = sm_error_set(err, SM_EIO, "database: %s", PQresultErrorMessage(r));
        PQclear(r);
    }
    return rc;
}
