/* rows.c: rows read, write guards and integer arrays (see rows.h). */
#include "sql/rows.h"
#include "sql/db.h"
#include "taxonomy/base/alloc.h"

#include <stdio.h>
#include <stdlib.h>

struct sm_rows {
    PGresult *r;
};

size_t sm_rows_count(const sm_rows *rows)
{
    return rows ? (size_t)PQntuples(rows->r) : 0;
}

void sm_rows_free(sm_rows *rows)
{
    if (!rows)
        return;
    PQclear(rows->r);
    sm_free(rows);
}

int sm__rows_wrap(PGresult *r, sm_rows **out)
{
    *out = sm_malloc(sizeof **out);
    if (!*out) {
        PQclear(r);
        return SM_ENOMEM;
    }
    (*out)->r = r;
    return SM_OK;
}

int sm__rows_query(PGconn *c, const char *sql, int n, const char *const *params, int one,
                   sm_rows **out, sm_error *err)
{
    *out = NULL;
    PGresult *r;
    if (sm_db_exec(c, sql, n, params, &r, err))
        return SM_EIO;
    if (one && PQntuples(r) != 1) {
        PQclear(r);
        return SM_ENOTFOUND;
    }
    return sm__rows_wrap(r, out);
}

int sm__rows_columns(const sm_rows *rows)
{
    return PQnfields(rows->r);
}

const char *sm__rows_text(const sm_rows *rows, size_t row, int column)
{
    return PQgetvalue(rows->r, (int)row, column);
}

const char *sm__guard_versions(const sm_row_guard *g, char *buf, size_t cap)
{
    if (g->any_version)
        return NULL;
    size_t len = (size_t)snprintf(buf, cap, "{");
    for (size_t i = 0; i < g->version_count && len + 24 < cap; i++)
        len += (size_t)snprintf(buf + len, cap - len, i ? ",%lld" : "%lld", g->versions[i]);
    snprintf(buf + len, cap - len, "}");
    return buf;
}

void sm__int_array_text(const int32_t *v, size_t n, char *out, size_t cap)
{
    size_t len = 0;
    out[len++] = '{';
    for (size_t i = 0; i < n && len + 16 < cap; i++)
        len += (size_t)snprintf(out + len, cap - len, i ? ",%d" : "%d", v[i]);
    snprintf(out + len, cap - len, "}");
}

size_t sm__int_array_parse(const char *text, int32_t *out, size_t cap)
{
    size_t n = 0;
    const char *at = *text == '{' ? text + 1 : text;
    while (*at && *at != '}' && n < cap) {
        char *end;
        long v = strtol(at, &end, 10);
        if (end == at)
            break;
        out[n++] = (int32_t)v;
        at = *end == ',' ? end + 1 : end;
    }
    return n;
}

int sm__returned_version(PGresult *r, long long *version)
{
    int n = PQntuples(r);
    if (n == 1)
        *version = atoll(PQgetvalue(r, 0, 0));
    PQclear(r);
    return n == 1 ? SM_OK : SM_ENOTFOUND;
}

int sm__read_doc(PGconn *c, const char *sql, int nparams, const char *const *params, char **doc,
                 long long *version, sm_error *err)
{
    *doc = NULL;
    PGresult *r;
    if (sm_db_exec(c, sql, nparams, params, &r, err) != SM_OK)
        return SM_EIO;
    if (PQntuples(r) != 1) {
        PQclear(r);
        return SM_ENOTFOUND;
    }
    *doc = sm_strndup(PQgetvalue(r, 0, 0), (size_t)PQgetlength(r, 0, 0));
    *version = atoll(PQgetvalue(r, 0, 1));
    PQclear(r);
    return *doc ? SM_OK : SM_ENOMEM;
}
