/*
 * writer.h: the one writer of a running server.
 *
 * Handlers submit write operations and wait. The writer thread takes every
 * queued operation (up to a batch), runs them in one transaction, each
 * inside a savepoint so one failing operation does not fail the others,
 * commits once (one fsync for the batch), then applies each committed
 * operation to the in-memory index, and only then wakes the callers. So a
 * 2xx means committed and visible; a failed commit changes neither the
 * database nor the index. Between batches it compacts the index, refreshes
 * revoked keys and, when asked (SIGHUP), builds a new generation.
 */
#ifndef SM_WRITER_H
#define SM_WRITER_H

#include "api/service.h"

typedef struct sm_write_op sm_write_op;
struct sm_write_op {
    /* Runs the change's SQL in the batch's transaction; returns 0 or an error (err set). */
    int (*exec)(PGconn *c, sm_write_op *op, sm_error *err);
    /* Applies the committed change to the index; returns 0 or an error. */
    int (*apply)(sm_gen *g, sm_write_op *op, sm_error *err);
    void *ctx;
    /* Idempotency: when key is set, (scope, key, request hash, status, body) is stored
     * with the change, in the same transaction. */
    const char *idem_scope, *idem_key, *idem_profile;
    unsigned char idem_hash[32];
    unsigned idem_status;
    const char *idem_body;
    /* The secret of profiles' names in the change feed (sm_feed_id), for exec. */
    const unsigned char *feed_key;
    /* The audit entry of a change of personal data (api/audit.h), written with it when
     * audit_action is set: who (sm_audit_actor), what, and the profile's id (named in the
     * entry by its feed name). */
    const char *audit_action, *audit_profile;
    char audit_actor[32];
    /* Filled by the writer. */
    int rc;
    int committed;             /* the database holds the change */
    long long current_version; /* exec's: the row's version when it failed with SM_ESTALE */
    sm_error err;
    int done;
    sm_write_op *next;
};

int sm_writer_start(sm_service *s, sm_writer **out, sm_error *err);
/*
 * Stores the skills demand of g as the week of day week ("YYYY-MM-DD"; NULL: this week) in
 * demand_weekly, every skill in one statement on c, people counts as published. Returns 0,
 * SM_EAGAIN while a load is still being counted, or an error with err set.
 */
int sm_demand_store_week(sm_gen *g, PGconn *c, const char *week, sm_error *err);
/* Stops the thread after the queued operations; NULL is a no-op. */
void sm_writer_stop(sm_writer *w);
/* Queues op and waits until it has been committed and applied, or failed. */
int sm_writer_submit(sm_writer *w, sm_write_op *op);
/* Queues the n ops at once (the writer commits them in as few batches as it can, each in its
 * savepoint) and waits until every one is done; each op's rc says how it went. */
void sm_writer_submit_many(sm_writer *w, sm_write_op **ops, size_t n);
/* Batches and operations committed so far (metrics). */
void sm_writer_stats(sm_writer *w, unsigned long long *batches, unsigned long long *ops,
                     unsigned *queued);

#endif
