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

#endif
