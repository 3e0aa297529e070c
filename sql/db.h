/*
 * db.h: connections to PostgreSQL, the schema migrations and the checks the
 * server makes before it trusts a database.
 *
 * An sm_db is a bounded pool of libpq connections shared by threads: a thread
 * takes one with sm_db_get (waiting a bounded time when all are busy) and
 * gives it back with sm_db_put. Broken connections are reset on the next get.
 * Every statement that carries data goes through PQexecParams; the migrations
 * are fixed text compiled into the binary.
 */
#ifndef SM_DB_H
#define SM_DB_H

#include "taxonomy/base/error.h"

#include <libpq-fe.h>
#include <stddef.h>

typedef struct sm_db sm_db;

/* The connection string: conninfo when not NULL, else $SKILLMATCH_DB, else "" (libpq's PG*
 * variables). */
const char *sm_db_conninfo(const char *conninfo);

/* Opens one connection (UTF-8, UTC). Returns 0, or SM_EIO with err naming why. */
int sm_db_connect(const char *conninfo, PGconn **out, sm_error *err);
/*
 * Bounds every statement the calling thread runs through this file (and the commit) to ms
 * milliseconds (0: no bound, the default). One that gets no answer in time fails with
 * SM_ETIMEDOUT and its connection is shut down (the pool opens another). Set by the threads
 * that answer requests and by the writer around its batches; a load streaming the whole
 * database leaves it at 0.
 */
void sm_db_set_deadline(unsigned ms);

/* A pool of up to size connections (opened when first needed). */
int sm_db_open(const char *conninfo, unsigned size, sm_db **out, sm_error *err);
void sm_db_free(sm_db *db);
/* Opens every connection of the pool not open yet, so that the first requests do not wait
 * on the database's start-up of a backend each. Returns 0, or SM_EIO (err naming why) with the
 * rest left to be opened when first needed. */
int sm_db_warm(sm_db *db, sm_error *err);
/* A connection, waiting up to wait_ms for one; NULL with err set when none came or none connects.
 */
PGconn *sm_db_get(sm_db *db, unsigned wait_ms, sm_error *err);
/* Gives c back; a connection left inside a transaction or broken is reset first. */
void sm_db_put(sm_db *db, PGconn *c);
typedef struct sm_db_stats {
    unsigned size, open, in_use;
    unsigned long long waits, timeouts;
} sm_db_stats;
void sm_db_pool_stats(sm_db *db, sm_db_stats *out);

/* A transaction and its savepoint ("op", one at a time): begin, savepoint, release, roll back
 * to it, commit, roll back. Each SM_OK or SM_EIO with err set; a COMMIT that PostgreSQL answers
 * with ROLLBACK (the transaction had failed) is SM_EIO. sm_db_rollback does nothing when no
 * transaction is open. sm_db_fail_transaction makes the open one fail (a test hook). */
int sm_db_begin(PGconn *c, sm_error *err);
int sm_db_savepoint(PGconn *c, sm_error *err);
void sm_db_release(PGconn *c);
int sm_db_rollback_to(PGconn *c, sm_error *err);
int sm_db_commit(PGconn *c, sm_error *err);
void sm_db_rollback(PGconn *c);
void sm_db_fail_transaction(PGconn *c);
/* A read-only transaction on one snapshot (REPEATABLE READ), for a load that must see every
 * table as of one moment; ended (when open) by sm_db_end_snapshot. */
int sm_db_begin_snapshot(PGconn *c, sm_error *err);
void sm_db_end_snapshot(PGconn *c);

/* Whether the connection answers a query: SM_OK, or SM_EIO with err set. */
int sm_db_ping(PGconn *c, sm_error *err);

/* SQL: a timestamptz column as an ISO 8601 UTC text, as the API shows times. */
#define SM_SQL_UTC(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

/*
 * Runs sql with text parameters (NULL = SQL NULL). On success returns 0 and
 * *res (when res is not NULL; the caller PQclears it). On failure returns
 * SM_EIO with err holding the server's message; nothing to clear.
 */
int sm_db_exec(PGconn *c, const char *sql, int nparams, const char *const *params, PGresult **res,
               sm_error *err);
/* As sm_db_exec with binary parameters of the given lengths (formats 1). */
int sm_db_exec_bin(PGconn *c, const char *sql, int nparams, const char *const *params,
                   const int *lengths, const int *formats, PGresult **res, sm_error *err);

/* The migrations this binary knows, in order, and how many the database has applied. */
int sm_db_migration_count(void);
/*
 * Applies the missing migrations, each in its own transaction, under an
 * advisory lock (two migrate runs do not race). *applied: how many ran.
 * On an error the failing migration is rolled back and err names it.
 */
int sm_db_migrate(PGconn *c, int *applied, sm_error *err);
/*
 * Whether the server may serve from this database: every migration applied,
 * fsync and synchronous_commit on. Returns 0, or SM_EINVAL with err saying
 * what to do.
 */
int sm_db_check_serving(PGconn *c, sm_error *err);

#endif
