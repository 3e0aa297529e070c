/*
 * rows.h: what the statement files of sql/ share: rows read (a result kept until freed, read
 * through each file's typed accessor), the guard of a write (owner and If-Match versions), and
 * PostgreSQL integer arrays written and read.
 */
#ifndef SM_SQL_ROWS_H
#define SM_SQL_ROWS_H

#include "taxonomy/base/error.h"

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

/* Rows a read returned; their strings live until sm_rows_free (which accepts NULL). */
typedef struct sm_rows sm_rows;
size_t sm_rows_count(const sm_rows *rows);
void sm_rows_free(sm_rows *rows);

/* Who may change a row, and which of its versions (If-Match): owner is the writer's
 * organisation, any_owner is set for an admin (and, for a profile, the person's own key);
 * any_version, else one of versions[0..version_count) (none: no version will do, as for an
 * If-Match of weak tags). */
typedef struct sm_row_guard {
    const char *owner;
    int any_owner;
    int any_version;
    const long long *versions;
    size_t version_count;
} sm_row_guard;

/* For the statement files: wrapping a result (SM_OK, or SM_ENOMEM with r cleared), a row's
 * text, the guard's versions as an array text ("{3,4}", NULL for any), and integer arrays. */
int sm__rows_wrap(PGresult *r, sm_rows **out);
/* Runs sql with its n params on c into *out (NULL first): SM_OK, SM_EIO with err set, SM_ENOMEM,
 * or with one set SM_ENOTFOUND unless exactly one row came back. */
int sm__rows_query(PGconn *c, const char *sql, int n, const char *const *params, int one,
                   sm_rows **out, sm_error *err);
const char *sm__rows_text(const sm_rows *rows, size_t row, int column);
int sm__rows_columns(const sm_rows *rows);
const char *sm__guard_versions(const sm_row_guard *g, char *buf, size_t cap);
void sm__int_array_text(const int32_t *v, size_t n, char *out, size_t cap);
size_t sm__int_array_parse(const char *text, int32_t *out, size_t cap);
/* A write's result (cleared here) whose one row's first column is the row's version: SM_OK with
 * *version, or SM_ENOTFOUND when the write matched no row. */
int sm__returned_version(PGresult *r, long long *version);
/* Runs sql, a read of (doc, version) of one row: SM_OK with *doc (free with sm_free) and
 * *version, SM_ENOTFOUND, SM_ENOMEM, or SM_EIO with err set. */
int sm__read_doc(PGconn *c, const char *sql, int nparams, const char *const *params, char **doc,
                 long long *version, sm_error *err);

#endif
