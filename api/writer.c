/*
 * writer.c: the writer thread (see writer.h). Its queue is a singly linked
 * list under one mutex; callers wait on a condition variable for their
 * operation's done flag.
 */
#include "api/writer.h"
#include "api/audit.h"
#include "api/keys_cache.h"
#include "api/retention.h"
#include "sql/audit.h"
#include "sql/demand.h"
#include "sql/idempotency.h"
#include "sql/keys.h"
#include "taxonomy/base/alloc.h"
#include "taxonomy/base/clock.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BATCH_MAX 512
#define COMPACT_BUDGET 4000000
#define RETENTION_BUDGET_S 0.1 /* of erasures a housekeeping turn, queued writes waiting */

struct sm_writer {
    sm_service *s;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t work, finished;
    sm_write_op *head, *tail;
    unsigned queued;
    int stopping;
    PGconn *conn;
    _Atomic unsigned long long batches, ops;
    /* Fault injection for the tests: the commit of this batch (1 = the first) fails, as a
     * commit the database refuses would ($SKILLMATCH_FAULT_COMMIT; 0 = never). */
    unsigned long long fault_commit, commits;
    /* the demand worker (sm_matcher_demand_refresh in the background), and how often the
     * week's demand counts are stored ($SKILLMATCH_DEMAND_SNAPSHOT_S, default an hour) */
    pthread_t demand_thread;
    int demand_started;
    pthread_cond_t demand_wake;
    double snapshot_every;
    /* how often unused profiles are looked for ($SKILLMATCH_RETENTION_EVERY_S, default an
     * hour; tests lower it) */
    double retention_every;
    int audit_failing; /* the last write of the audit trail failed (logged once) */
};

#define DEMAND_BATCH 32
#define DEMAND_CATCH_UP 20000 /* slots counted a turn after a load (a few ms) */

static void snapshot_demand(sm_writer *w);

static int ensure_conn(sm_writer *w, sm_error *err)
{
    if (w->conn && PQstatus(w->conn) == CONNECTION_OK)
        return SM_OK;
    if (w->conn)
        PQfinish(w->conn);
    w->conn = NULL;
    return sm_db_connect(w->s->conninfo, &w->conn, err);
}

static int store_idempotency(PGconn *c, sm_write_op *op, sm_error *err)
{
    return sm_idem_store(c, op->idem_scope, op->idem_key, op->idem_hash, op->idem_status,
                         op->idem_body, op->idem_profile, err);
}

static int store_audit(PGconn *c, sm_write_op *op, sm_error *err)
{
    char name[37];
    sm_feed_id(op->feed_key, op->audit_profile, name);
    return sm_audit_insert(c, op->audit_actor, op->audit_action, name, err);
}

/*
 * Runs the batch's operations in the open transaction. Optimistic first (safe = 0): no
 * savepoints, one round trip per operation; "not found" leaves nothing behind, so only a
 * database error aborts, and then the caller rolls back and runs the batch again with a
 * savepoint around each operation, so that one failing operation fails alone.
 * Returns 0, or SM_EIO when the transaction is aborted (optimistic) or lost.
 */
static int exec_ops(sm_writer *w, sm_write_op *batch, int safe, sm_error *err)
{
    for (sm_write_op *op = batch; op; op = op->next) {
        op->err.message[0] = '\0';
        if (safe && sm_db_savepoint(w->conn, err))
            return SM_EIO;
        op->rc = op->exec(w->conn, op, &op->err);
        if (op->rc == SM_OK && op->idem_key)
            op->rc = store_idempotency(w->conn, op, &op->err);
        if (op->rc == SM_OK && op->audit_action)
            op->rc = store_audit(w->conn, op, &op->err);
        if (op->rc == SM_OK || op->rc == SM_ENOTFOUND || op->rc == SM_ESTALE) {
            if (safe)
                sm_db_release(w->conn);
            continue;
        }
        if (!safe) {
            *err = op->err;
            return SM_EIO;
        }
        if (sm_db_rollback_to(w->conn, err))
            return SM_EIO;
    }
    return SM_OK;
}

static void run_batch(sm_writer *w, sm_write_op *batch)
{
    sm_error err = {0};
    int rc = SM_EIO, commit_failed = 0;
    for (int safe = 0; safe < 2 && rc != SM_OK && !commit_failed; safe++) {
        if ((rc = ensure_conn(w, &err)) != SM_OK)
            break;
        rc = sm_db_begin(w->conn, &err);
        if (rc == SM_OK)
            rc = exec_ops(w, batch, safe, &err);
        /* A failed COMMIT is not retried: whether it took effect is unknown, so the callers
         * get an error and the next start-up loads whatever the database holds. */
        if (rc == SM_OK && w->fault_commit && ++w->commits == w->fault_commit)
            sm_db_fail_transaction(w->conn);
        if (rc == SM_OK && (rc = sm_db_commit(w->conn, &err)) != SM_OK)
            commit_failed = 1;
        if (rc != SM_OK)
            sm_db_rollback(w->conn);
    }
    if (rc != SM_OK) {
        for (sm_write_op *op = batch; op; op = op->next) {
            op->rc = SM_EIO;
            op->err = err;
        }
        fprintf(stderr, "skillmatch: a batch of writes failed: %s\n", err.message);
        /* A commit without an answer may have been applied: the index is rebuilt from what
         * the database holds once it answers again. */
        if (commit_failed && err.code == SM_ETIMEDOUT)
            atomic_store(&w->s->reload, 1);
        return;
    }
    w->batches++;
    sm_gen *g = sm_service_acquire(w->s);
    for (sm_write_op *op = batch; op; op = op->next) {
        if (op->rc != SM_OK)
            continue;
        op->committed = 1;
        w->ops++;
        /* What the index refuses was checked before the transaction (sm_matcher_check_*),
         * so only memory can fail here: the index is then rebuilt from the database, which
         * holds the change, before the next batch. */
        if (op->apply && (op->rc = op->apply(g, op, &op->err)) != SM_OK) {
            fprintf(stderr,
                    "skillmatch: a committed change could not enter the index (%s); "
                    "rebuilding the index from the database\n",
                    op->err.message);
            atomic_store(&w->s->reload, 1);
        }
    }
    sm_service_release(w->s, g);
}

/* SIGHUP: a new generation from the database, swapped in between batches. */
static void reload(sm_writer *w)
{
    sm_error err = {0};
    sm_gen *g = NULL;
    double t0 = sm_now_s();
    int rc = ensure_conn(w, &err);
    if (rc == SM_OK)
        rc = sm_gen_load(w->conn, &g, &err);
    if (rc != SM_OK) {
        fprintf(stderr, "skillmatch: reload failed, serving the previous data: %s\n", err.message);
        if (rc == SM_EIO || rc == SM_ETIMEDOUT || rc == SM_ENOMEM)
            atomic_store(&w->s->reload, 1); /* passing: tried again at the next housekeeping */
        return;
    }
    sm_service_swap(w->s, g);
    fprintf(stderr, "skillmatch: reloaded %zu concepts, %zu offers, %zu profiles in %.2f s\n",
            sm_taxonomy_count(g->tx), g->offers_loaded, g->profiles_loaded, sm_now_s() - t0);
}

/*
 * Every update or delete empties a slot of the index, and slots are never reused
 * (matcher/internal.h): each emptied one keeps costing memory, and the slot space would in
 * the end run out. Once they pass both half the live offers and profiles and repack_min, the
 * index is built again from the database (the reload below, between batches, so no change is
 * missed; writes wait meanwhile, as long as a start-up takes).
 */
static void repack_when_due(sm_writer *w, const sm_matcher *m)
{
    size_t emptied = sm_matcher_emptied_slots(m);
    size_t live = sm_matcher_offer_count(m, SM_OFFER_JOB) +
                  sm_matcher_offer_count(m, SM_OFFER_TRAINING) + sm_matcher_profile_count(m);
    if (emptied < w->s->repack_min || emptied < live / 2 || atomic_load(&w->s->reload))
        return;
    fprintf(stderr,
            "skillmatch: %zu slots emptied by changes beside %zu live: rebuilding the index\n",
            emptied, live);
    atomic_store(&w->s->reload, 1);
}

/* Writes the reads of personal data noted since the last turn (api/audit.h). */
static void write_audit(sm_writer *w)
{
    sm_error err = {0};
    int rc = sm_audit_flush(w->s->audit, w->conn, &err);
    if (rc != SM_OK && !w->audit_failing)
        fprintf(stderr, "skillmatch: the audit trail waits for the database: %s\n", err.message);
    else if (rc == SM_OK && w->audit_failing)
        fprintf(stderr, "skillmatch: the audit trail is written again\n");
    w->audit_failing = rc != SM_OK;
}

/* One turn of the retention job: the reads noted so far written first (their uses restart
 * clocks; no turn while they cannot be), then profiles unused for retention_days erased for
 * RETENTION_BUDGET_S at most, and audit entries older than audit_days purged. Returns 1 when
 * more profiles are due now. */
static int apply_retention(sm_writer *w)
{
    write_audit(w);
    if (w->audit_failing)
        return 0;
    sm_error err = {0};
    int more = 0;
    int n = sm_retention_erase(w->s, w->conn, RETENTION_BUDGET_S, &more, &err);
    if (n < 0)
        fprintf(stderr, "skillmatch: looking for unused profiles: %s\n", err.message);
    else if (n > 0)
        fprintf(stderr, "skillmatch: %d profiles unused for %d days erased\n", n,
                atomic_load(&w->s->retention_days));
    long long purged = 0;
    if (sm_audit_purge(w->conn, atomic_load(&w->s->audit_days), &purged, &err) != SM_OK)
        fprintf(stderr, "skillmatch: purging the audit trail: %s\n", err.message);
    return n >= 0 && more;
}

static void *writer_main(void *arg)
{
    sm_writer *w = arg;
    sm_gen_thread_slow();                    /* the weekly snapshot's reader */
    sm_db_set_deadline(w->s->db_timeout_ms); /* a hung database fails a batch, not the writer */
    double last_idle = sm_now_s(), last_purge = 0, last_snapshot = -1e9;
    /* the first retention turn a few seconds after the start (serve sets the periods once the
     * service is open) */
    double last_retention = last_idle - w->retention_every + 5;
    int more_unused = 0; /* the last retention turn stopped at its bound */
    for (;;) {
        pthread_mutex_lock(&w->lock);
        while (!w->head && !w->stopping) {
            struct timespec until = sm_deadline_in(0.5);
            if (pthread_cond_timedwait(&w->work, &w->lock, &until) != 0)
                break;
        }
        if (!w->head && w->stopping) {
            pthread_mutex_unlock(&w->lock);
            break;
        }
        sm_write_op *batch = w->head, *last = NULL;
        unsigned n = 0;
        for (sm_write_op *op = batch; op && n < BATCH_MAX; op = op->next, n++)
            last = op;
        if (last) {
            w->head = last->next;
            if (!w->head)
                w->tail = NULL;
            last->next = NULL;
            w->queued -= n;
        }
        pthread_mutex_unlock(&w->lock);
        if (batch) {
            run_batch(w, batch);
            pthread_mutex_lock(&w->lock);
            for (sm_write_op *op = batch; op; op = op->next)
                op->done = 1;
            pthread_cond_broadcast(&w->finished);
            pthread_mutex_unlock(&w->lock);
        }
        /* Housekeeping when the queue is idle, or at least every second under load. */
        double t = sm_now_s();
        if (!batch || t - last_idle > 1.0) {
            last_idle = t;
            if (atomic_exchange(&w->s->reload, 0))
                reload(w);
            sm_error err;
            if (ensure_conn(w, &err) == SM_OK) {
                sm_keys_refresh(w->s->keys, w->conn);
                write_audit(w);
                /* Idempotency records are kept a day. */
                if (t - last_purge > 60) {
                    last_purge = t;
                    sm_idem_purge(w->conn, &err);
                }
                /* Profiles unused past the retention period are erased, and old audit
                 * entries purged, every retention_every (at once while more are due). */
                if (more_unused || t - last_retention >= w->retention_every) {
                    last_retention = t;
                    more_unused = apply_retention(w);
                }
            }
            sm_gen *g = sm_service_acquire(w->s);
            sm_matcher_compact(g->m, COMPACT_BUDGET);
            repack_when_due(w, g->m);
            sm_service_release(w->s, g);
            if (t - last_snapshot >= w->snapshot_every && w->conn) {
                last_snapshot = t;
                snapshot_demand(w);
            }
        }
    }
    sm_error err;
    if (ensure_conn(w, &err) == SM_OK)
        write_audit(w); /* what was read until the end */
    return NULL;
}

/*
 * The demand worker: re-evaluates which skills people are one or two away by, a batch at a
 * time, resting three times as long as it worked (at least 0.2 s): a quarter of a core at
 * most, so a million profiles take about two hours a sweep.
 */
static void *demand_main(void *arg)
{
    sm_writer *w = arg;
    sm_gen_thread_slow();
    sm_db_set_deadline(w->s->db_timeout_ms);
    unsigned long counting = 0, counted = 0; /* generations' serials */
    double since = sm_now_s();
    pthread_mutex_lock(&w->lock);
    while (!w->stopping) {
        pthread_mutex_unlock(&w->lock);
        double t0 = sm_now_s();
        sm_gen *g = sm_service_acquire(w->s);
        /* After a load, the counters first (a stretch of slots at a time, writes going on
         * in between), then the sweep. */
        /* A generation seen for the first time starts the clock of its counting. */
        if (g->serial != counting && g->serial != counted) {
            counting = g->serial;
            since = t0;
        }
        int live = sm_matcher_demand_catch_up(g->m, DEMAND_CATCH_UP);
        if (live && g->serial != counted) {
            counted = g->serial; /* this generation's counters are live */
            fprintf(stderr, "skillmatch: skills demand counted in %.1f s\n", sm_now_s() - since);
        }
        sm_match_reader *r = live ? sm_gen_reader(g) : NULL;
        if (r) {
            sm_matcher_demand_refresh(r, DEMAND_BATCH);
            sm_gen_reader_put(g, r);
        }
        sm_service_release(w->s, g);
        /* a quarter of a core at most, catching up or sweeping */
        double pause = 3 * (sm_now_s() - t0);
        pause = live && pause < 0.2 ? 0.2 : pause < 0.001 ? 0.001 : pause;
        struct timespec until = sm_deadline_in(pause);
        pthread_mutex_lock(&w->lock);
        if (!w->stopping)
            pthread_cond_timedwait(&w->demand_wake, &w->lock, &until);
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

int sm_demand_store_week(sm_gen *g, PGconn *c, const char *week, sm_error *err)
{
    sm_match_reader *r = sm_gen_reader(g);
    if (!r)
        return sm_error_set(err, SM_ENOMEM, "no matcher reader");
    sm_demand_query q = {0, 0, 0, 0, 0, SM_NO_CONCEPT, SIZE_MAX, 0}; /* people as published */
    sm_demand_status st;
    int n = sm_match_demand(r, &q, &st, err);
    int rc = n < 0 ? n : SM_OK;
    if (n > 0 && !st.complete)
        rc = sm_error_set(err, SM_EAGAIN, "still counting a load");
    sm_demand_week_row *rows = NULL;
    if (rc == SM_OK && n > 0 && !(rows = sm_calloc((size_t)n, sizeof *rows)))
        rc = sm_error_set(err, SM_ENOMEM, "out of memory");
    for (int i = 0; rc == SM_OK && i < n; i++) {
        const sm_demand_row *d = sm_match_demand_get(r, (size_t)i);
        rows[i] = (sm_demand_week_row){g->map.cid_of[d->skill],
                                       d->offers_essential,
                                       d->offers_optional,
                                       d->trainings,
                                       d->seats,
                                       d->profiles,
                                       d->one_away,
                                       d->two_away};
    }
    if (rc == SM_OK && n > 0)
        rc = sm_store_demand_week(c, week, rows, (size_t)n, err);
    sm_free(rows);
    sm_gen_reader_put(g, r);
    return rc;
}

/* Stores this week's demand counts for every skill (one statement), on the writer's
 * connection. */
static void snapshot_demand(sm_writer *w)
{
    sm_gen *g = sm_service_acquire(w->s);
    sm_error err = {0};
    int rc = sm_demand_store_week(g, w->conn, NULL, &err);
    if (rc != SM_OK && rc != SM_EAGAIN) /* a load still being counted waits for the next hour */
        fprintf(stderr, "skillmatch: storing the week's demand: %s\n", err.message);
    sm_service_release(w->s, g);
}

int sm_writer_start(sm_service *s, sm_writer **out, sm_error *err)
{
    sm_writer *w = sm_calloc(1, sizeof *w);
    if (!w)
        return sm_error_set(err, SM_ENOMEM, "writer: out of memory");
    w->s = s;
    const char *fault = getenv("SKILLMATCH_FAULT_COMMIT");
    w->fault_commit = fault ? strtoull(fault, NULL, 10) : 0;
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->work, NULL);
    pthread_cond_init(&w->finished, NULL);
    pthread_cond_init(&w->demand_wake, NULL);
    const char *every = getenv("SKILLMATCH_DEMAND_SNAPSHOT_S");
    w->snapshot_every = every && atof(every) > 0 ? atof(every) : 3600;
    const char *retention = getenv("SKILLMATCH_RETENTION_EVERY_S");
    w->retention_every = retention && atof(retention) > 0 ? atof(retention) : 3600;
    int rc = ensure_conn(w, err);
    if (rc == SM_OK && pthread_create(&w->thread, NULL, writer_main, w) != 0)
        rc = sm_error_set(err, SM_ENOMEM, "writer: cannot start its thread");
    if (rc == SM_OK && pthread_create(&w->demand_thread, NULL, demand_main, w) == 0)
        w->demand_started = 1;
    if (rc != SM_OK) {
        if (w->conn)
            PQfinish(w->conn);
        sm_free(w);
        return rc;
    }
    *out = w;
    return SM_OK;
}

void sm_writer_stop(sm_writer *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->lock);
    w->stopping = 1;
    pthread_cond_signal(&w->work);
    pthread_cond_signal(&w->demand_wake);
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->thread, NULL);
    if (w->demand_started)
        pthread_join(w->demand_thread, NULL);
    pthread_cond_destroy(&w->demand_wake);
    if (w->conn)
        PQfinish(w->conn);
    pthread_mutex_destroy(&w->lock);
    pthread_cond_destroy(&w->work);
    pthread_cond_destroy(&w->finished);
    sm_free(w);
}

int sm_writer_submit(sm_writer *w, sm_write_op *op)
{
    sm_writer_submit_many(w, &op, 1);
    return op->rc;
}

void sm_writer_submit_many(sm_writer *w, sm_write_op **ops, size_t n)
{
    pthread_mutex_lock(&w->lock);
    for (size_t i = 0; i < n; i++) {
        sm_write_op *op = ops[i];
        op->rc = SM_OK;
        op->committed = 0;
        op->done = 0;
        op->next = NULL;
        op->err.code = 0;
        op->err.message[0] = '\0';
        if (w->tail)
            w->tail->next = op;
        else
            w->head = op;
        w->tail = op;
        w->queued++;
    }
    pthread_cond_signal(&w->work);
    for (size_t i = 0; i < n; i++)
        while (!ops[i]->done)
            pthread_cond_wait(&w->finished, &w->lock);
    pthread_mutex_unlock(&w->lock);
}

void sm_writer_stats(sm_writer *w, unsigned long long *batches, unsigned long long *ops,
                     unsigned *queued)
{
    pthread_mutex_lock(&w->lock);
    *batches = w->batches;
    *ops = w->ops;
    *queued = w->queued;
    pthread_mutex_unlock(&w->lock);
}
