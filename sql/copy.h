/*
 * copy.h: feeding rows to PostgreSQL's COPY ... FROM STDIN (text format).
 *
 * Fields are escaped as COPY's text format requires and rows are sent in
 * chunks of about 1 MiB. Start the COPY with sm_db_exec, add rows, then
 * sm_copy_end; after an error (allocation or connection) later calls do
 * nothing and sm_copy_end reports it, ending the COPY with a failure so the
 * transaction can be rolled back.
 */
#ifndef SM_COPY_H
#define SM_COPY_H

#include "taxonomy/base/error.h"

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

typedef struct sm_copy {
    PGconn *conn;
    char *buf;
    size_t len, cap;
    int failed;
    int fields; /* in the current row */
} sm_copy;

void sm_copy_begin(sm_copy *cp, PGconn *conn);
void sm_copy_text(sm_copy *cp, const char *s, size_t len);
void sm_copy_str(sm_copy *cp, const char *s);
void sm_copy_int(sm_copy *cp, long long v);
void sm_copy_null(sm_copy *cp);
void sm_copy_row_end(sm_copy *cp);
/* Sends what is left and ends the COPY; 0, or SM_EIO / SM_ENOMEM with err set. */
int sm_copy_end(sm_copy *cp, sm_error *err);

/* Reading COPY ... TO STDOUT (text format): each row, without its newline, goes to a sink, which
 * may change it in place and answers SM_OK to go on. */
typedef int (*sm_copy_sink)(void *ctx, char *row, size_t len);
/* Runs sql (a COPY TO STDOUT) and gives every row to sink until it fails: SM_OK, the sink's
 * code, or SM_EIO with err set. */
int sm_copy_out(PGconn *c, const char *sql, sm_copy_sink sink, void *ctx, sm_error *err);
/* Splits a row in place into at most max fields, unescaped; \N fields are NULL. Returns how
 * many fields the row has. */
int sm_copy_split_row(char *row, size_t len, char **fields, int max);
/* Parses an integer array field ("{1,2,3}") into out (up to cap): the count, or -1. */
int sm_copy_int_array(const char *s, int32_t *out, int cap);

#endif
