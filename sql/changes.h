/*
 * changes.h: the change feed read (GET /v1/changes): every entry by seq for an admin, offers
 * only by their own numbering (offer_seq, migration 006) for the others.
 */
#ifndef SM_SQL_CHANGES_H
#define SM_SQL_CHANGES_H

#include "sql/rows.h"
#include "taxonomy/base/error.h"

#include <libpq-fe.h>
#include <stddef.h>

typedef struct sm_change_entry {
    long long seq;                     /* seq, or offer_seq when offers only */
    const char *object, *id, *op, *at; /* at: ISO 8601 UTC with milliseconds */
    int kind;                          /* 0 job, 1 training, -1 not an offer */
} sm_change_entry;

/*
 * The entries after since, at most limit, and how many there are after since in all:
 * SM_OK with *out and *total, SM_ENOMEM, or SM_EIO with err set.
 */
int sm_store_changes_page(PGconn *c, int offers_only, long long since, size_t limit, sm_rows **out,
                          size_t *total, sm_error *err);
sm_change_entry sm_change_entries_at(const sm_rows *rows, size_t index);

#endif
