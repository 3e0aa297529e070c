/*
 * offers.h: statements about stored offers, with their rows encoded and decoded here so that
 * no handler builds parameters or parses a row. Each write is one statement with its
 * change-feed entry (one round trip).
 */
#ifndef SM_SQL_OFFERS_H
#define SM_SQL_OFFERS_H

#include "sql/copy.h"
#include "sql/rows.h"
#include "taxonomy/base/error.h"

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

/* An offer row as stored: its JSON document (what is shown) beside the columns the index and
 * the demand counters are rebuilt from. Skills are concept numbers as records.h packs them. */
typedef struct sm_offer_row {
    const char *id, *owner, *doc;
    int kind; /* 0 job, 1 training */
    const int32_t *skills, *teaches, *start_dates;
    size_t skill_count, teach_count, start_count;
    int located, remote;
    double lat, lon;
    float hours, duration_hours, cost;
    int32_t valid_from, valid_through;
    uint32_t occupation; /* 0: none */
    unsigned flags;
    uint8_t org_kind, contract_type;
    uint32_t seats, funding;
} sm_offer_row;

/* An offer as stored and shown, one of the sm_rows its reads return. */
typedef struct sm_offer_shown {
    const char *id, *doc, *owner, *created_at, *updated_at; /* times: ISO 8601, UTC */
    long long version;
} sm_offer_shown;
sm_offer_shown sm_offer_rows_at(const sm_rows *rows, size_t index);

/* Offer id: SM_OK with *out (one row), SM_ENOTFOUND, SM_ENOMEM, or SM_EIO with err set. */
int sm_store_offer_get(PGconn *c, const char *id, sm_rows **out, sm_error *err);

/*
 * A page of offers in id order: of kind (-1: any), after cursor (NULL: from the start), of
 * owner (NULL: any), of ROME code rome (NULL: any), at most limit rows. SM_OK with *out,
 * SM_ENOMEM, or SM_EIO with err set.
 */
int sm_store_offer_page(PGconn *c, int kind, const char *cursor, const char *owner,
                        const char *rome, size_t limit, sm_rows **out, sm_error *err);

/* How many offers of kind (-1: any) owner (NULL: any) has of ROME code rome (NULL: any):
 * SM_OK with *count, or SM_EIO with err set. */
int sm_store_offer_count(PGconn *c, int kind, const char *owner, const char *rome, size_t *count,
                         sm_error *err);

/* Inserts row: SM_OK with *version, or SM_EIO with err set. */
int sm_store_offer_insert(PGconn *c, const sm_offer_row *row, long long *version, sm_error *err);

/*
 * Replaces offer row->id (of row->kind) as guard allows: SM_OK with its new *version;
 * SM_ESTALE when it is there for this writer in another version (*version: the one there is);
 * SM_ENOTFOUND; or SM_EIO with err set.
 */
int sm_store_offer_update(PGconn *c, const sm_offer_row *row, const sm_row_guard *guard,
                          long long *version, sm_error *err);

/* Deletes offer id (of any kind) as guard allows: SM_OK with *kind the deleted one's, or as
 * sm_store_offer_update (SM_ESTALE with *version, SM_ENOTFOUND, SM_EIO). */
int sm_store_offer_delete(PGconn *c, const char *id, const sm_row_guard *guard, int *kind,
                          long long *version, sm_error *err);

/* The kind of offer id (0 job, 1 training), among the offers of owner when it is not NULL
 * (any_owner: all, for an admin): SM_OK, SM_ENOTFOUND, or SM_EIO with err set. */
int sm_store_offer_kind(PGconn *c, const char *id, const char *owner, int any_owner, int *kind,
                        sm_error *err);

/*
 * The stored document (JSON text, *doc to free with sm_free) and version of offer id when the
 * writer may change it: owner is its organisation, any is set for an admin. SM_OK,
 * SM_ENOTFOUND, SM_ENOMEM, or SM_EIO with err set.
 */
int sm_store_offer_doc(PGconn *c, const char *id, const char *owner, int any, char **doc,
                       long long *version, sm_error *err);

/* Every offer row, streamed (COPY) to sink, with these columns in this order: id, kind, title,
 * skills, teaches, lat, lon, remote, hours, valid_from, valid_through, occupation, flags,
 * org_kind, contract_type, duration_hours, cost, seats, funding, start_dates. As sm_copy_out. */
int sm_store_stream_offers(PGconn *c, sm_copy_sink sink, void *ctx, sm_error *err);

#endif
