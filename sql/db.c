/*
 * db.c: the connection pool, statement helpers and migrations (see db.h).
 *
 * The pool is a fixed array of slots guarded by one mutex and a condition
 * variable; a slot holds a connection once it has been opened. Migrations
 * are the files sql/NNN_*.sql, embedded at build time in name order; their
 * base names are the versions recorded in schema_migrations.
 */
#include "sql/db.h"
#include "taxonomy/base/alloc.h"
#include "taxonomy/base/clock.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

extern const int sm__migration_count;
extern const char *const sm__migration_names[];
extern const unsigned char *const sm__migration_data[];
extern const size_t sm__migration_sizes[];

/* A lock number of our own for pg_advisory_lock (bytes of "skillmtc"). */
#define MIGRATE_LOCK "7722601216263710307"

typedef struct slot {
    PGconn *conn;
    int busy;
} slot;

struct sm_db {
    char *conninfo;
    pthread_mutex_t lock;
    pthread_cond_t freed;
    unsigned size;
    slot *slots;
    unsigned long long waits, timeouts;
};

const char *sm_db_conninfo(const char *conninfo)
{
    if (conninfo)
        return conninfo;
    const char *env = getenv("SKILLMATCH_DB");
    return env ? env : "";
}

/* The calling thread's bound on one statement's answer (sm_db_set_deadline); 0: none. */
static _Thread_local unsigned deadline_ms;

void sm_db_set_deadline(unsigned ms)
{
    deadline_ms = ms;
}

/*
 * PQexecParams within the thread's deadline: the statement is sent, then its answer awaited
 * with poll(2) until the deadline. A PostgreSQL that does not answer in time (stopped, hung,
 * a network gone quiet) gets its connection shut down, so that libpq marks it bad and the
 * pool opens a new one; NULL is returned with *timed_out set. Without a deadline, as libpq.
 */
static PGresult *exec_bounded(PGconn *c, const char *sql, int nparams, const char *const *params,
                              const int *lengths, const int *formats, int *timed_out)
{
    *timed_out = 0;
    if (!deadline_ms)
        return PQexecParams(c, sql, nparams, NULL, params, lengths, formats, 0);
    if (!PQsendQueryParams(c, sql, nparams, NULL, params, lengths, formats, 0))
        return NULL;
    double until = sm_now_s() * 1e3 + deadline_ms;
    PGresult *last = NULL;
    int flushing = 1;
    for (;;) {
        if (flushing) {
            int f = PQflush(c);
            if (f < 0)
                break;
            flushing = f > 0;
        }
        if (!flushing && !PQisBusy(c)) {
            PGresult *r = PQgetResult(c);
            if (!r)
                return last;
            ExecStatusType st = PQresultStatus(r);
            PQclear(last);
            last = r;
            if (st == PGRES_COPY_IN || st == PGRES_COPY_OUT)
                return last; /* the caller streams the rest */
            continue;
        }
        double left = until - sm_now_s() * 1e3;
        struct pollfd pfd = {PQsocket(c), (short)(POLLIN | (flushing ? POLLOUT : 0)), 0};
        int n = left > 0 ? poll(&pfd, 1, (int)left + 1) : 0;
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            *timed_out = 1;
            break;
        }
        if (!PQconsumeInput(c))
            break;
    }
    PQclear(last);
    if (*timed_out && PQsocket(c) >= 0) {
        shutdown(PQsocket(c), SHUT_RDWR);
        PQconsumeInput(c); /* sees the end: the connection is bad from now on */
    }
    return NULL;
}

/* libpq's message without its trailing newline. */
static void set_pq_error(sm_error *err, const char *what, const char *msg)
{
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        n--;
    sm_error_set(err, SM_EIO, "%s: %.*s", what, (int)n, msg);
}

int sm_db_connect(const char *conninfo, PGconn **out, sm_error *err)
{
    *out = NULL;
    /* Bounded waits for the connection itself (connect_timeout: the thread's deadline, else
     * 5 s) and TCP keepalives, so that a network gone quiet is noticed; the conninfo given
     * overrides either (it comes last). */
    static const char *const keys[] = {"connect_timeout",
                                       "keepalives",
                                       "keepalives_idle",
                                       "keepalives_interval",
                                       "keepalives_count",
                                       "dbname",
                                       NULL};
    char timeout[16]; /* the thread's deadline in whole seconds (libpq takes 2 at least) */
    unsigned seconds = deadline_ms ? (deadline_ms + 999) / 1000 : 5;
    snprintf(timeout, sizeof timeout, "%u", seconds < 2 ? 2 : seconds);
    const char *values[] = {timeout, "1", "30", "10", "3", sm_db_conninfo(conninfo), NULL};
    PGconn *c = PQconnectdbParams(keys, values, 1);
    if (!c)
        return sm_error_set(err, SM_ENOMEM, "database: out of memory");
    if (PQstatus(c) != CONNECTION_OK) {
        set_pq_error(err, "database", PQerrorMessage(c));
        PQfinish(c);
        return SM_EIO;
    }
    PGresult *r = PQexec(c, "SET client_encoding = 'UTF8'; SET TIME ZONE 'UTC'; "
                            "SET client_min_messages = warning");
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (!ok) {
        set_pq_error(err, "database", PQerrorMessage(c));
        PQfinish(c);
        return SM_EIO;
    }
    *out = c;
    return SM_OK;
}

int sm_db_open(const char *conninfo, unsigned size, sm_db **out, sm_error *err)
{
    *out = NULL;
    sm_db *db = sm_calloc(1, sizeof *db);
    if (!db)
        return sm_error_set(err, SM_ENOMEM, "database: out of memory");
    db->size = size ? size : 1;
    db->slots = sm_calloc(db->size, sizeof *db->slots);
    db->conninfo = strdup(sm_db_conninfo(conninfo));
    if (!db->slots || !db->conninfo) {
        sm_free(db->slots);
        free(db->conninfo);
        sm_free(db);
        return sm_error_set(err, SM_ENOMEM, "database: out of memory");
    }
    pthread_mutex_init(&db->lock, NULL);
    pthread_cond_init(&db->freed, NULL);
    *out = db;
    return SM_OK;
}

void sm_db_free(sm_db *db)
{
    if (!db)
        return;
    for (unsigned i = 0; i < db->size; i++)
        if (db->slots[i].conn)
            PQfinish(db->slots[i].conn);
    pthread_mutex_destroy(&db->lock);
    pthread_cond_destroy(&db->freed);
    sm_free(db->slots);
    free(db->conninfo);
    sm_free(db);
}

int sm_db_warm(sm_db *db, sm_error *err)
{
    /* Each connection is held until all are open, so that each get takes another slot. */
    PGconn **held = sm_calloc(db->size, sizeof *held);
    if (!held)
        return sm_error_set(err, SM_ENOMEM, "database: out of memory");
    unsigned n = 0;
    int rc = SM_OK;
    while (n < db->size && rc == SM_OK)
        if (!(held[n] = sm_db_get(db, 0, err)))
            rc = SM_EIO;
        else
            n++;
    while (n)
        sm_db_put(db, held[--n]);
    sm_free(held);
    return rc;
}

PGconn *sm_db_get(sm_db *db, unsigned wait_ms, sm_error *err)
{
    struct timespec until = sm_deadline_in(wait_ms / 1000.0);
    pthread_mutex_lock(&db->lock);
    slot *s = NULL;
    int waited = 0;
    for (;;) {
        for (unsigned i = 0; i < db->size && !s; i++)
            if (!db->slots[i].busy)
                s = &db->slots[i];
        if (s)
            break;
        if (!waited++)
            db->waits++;
        if (pthread_cond_timedwait(&db->freed, &db->lock, &until) == ETIMEDOUT) {
            db->timeouts++;
            pthread_mutex_unlock(&db->lock);
            sm_error_set(err, SM_ELIMIT, "database: every connection is busy");
            return NULL;
        }
    }
    s->busy = 1;
    pthread_mutex_unlock(&db->lock);
    /* Connect or repair outside the lock: it may take a while. */
    if (s->conn && PQstatus(s->conn) != CONNECTION_OK) {
        PQfinish(s->conn);
        s->conn = NULL;
    }
    if (!s->conn && sm_db_connect(db->conninfo, &s->conn, err) != SM_OK) {
        pthread_mutex_lock(&db->lock);
        s->busy = 0;
        pthread_cond_signal(&db->freed);
        pthread_mutex_unlock(&db->lock);
        return NULL;
    }
    return s->conn;
}

void sm_db_put(sm_db *db, PGconn *c)
{
    if (!c)
        return;
    if (PQstatus(c) == CONNECTION_OK && PQtransactionStatus(c) != PQTRANS_IDLE) {
        int timed_out;
        PQclear(exec_bounded(c, "ROLLBACK", 0, NULL, NULL, NULL, &timed_out));
    }
    pthread_mutex_lock(&db->lock);
    for (unsigned i = 0; i < db->size; i++)
        if (db->slots[i].conn == c) {
            db->slots[i].busy = 0;
            break;
        }
    pthread_cond_signal(&db->freed);
    pthread_mutex_unlock(&db->lock);
}

void sm_db_pool_stats(sm_db *db, sm_db_stats *out)
{
    memset(out, 0, sizeof *out);
    pthread_mutex_lock(&db->lock);
    out->size = db->size;
    for (unsigned i = 0; i < db->size; i++) {
        out->open += db->slots[i].conn != NULL;
        out->in_use += db->slots[i].busy != 0;
    }
    out->waits = db->waits;
    out->timeouts = db->timeouts;
    pthread_mutex_unlock(&db->lock);
}

int sm_db_exec_bin(PGconn *c, const char *sql, int nparams, const char *const *params,
                   const int *lengths, const int *formats, PGresult **res, sm_error *err)
{
    if (res)
        *res = NULL;
    int timed_out;
    PGresult *r = exec_bounded(c, sql, nparams, params, lengths, formats, &timed_out);
    if (timed_out)
        return sm_error_set(err, SM_ETIMEDOUT, "database: no answer within %u ms", deadline_ms);
    ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_COPY_IN &&
        st != PGRES_COPY_OUT) {
        set_pq_error(err, "database", r ? PQresultErrorMessage(r) : PQerrorMessage(c));
        PQclear(r);
        return SM_EIO;
    }
    if (res)
        *res = r;
    else
        PQclear(r);
    return SM_OK;
}

int sm_db_exec(PGconn *c, const char *sql, int nparams, const char *const *params, PGresult **res,
               sm_error *err)
{
    return sm_db_exec_bin(c, sql, nparams, params, NULL, NULL, res, err);
}

int sm_db_migration_count(void)
{
    return sm__migration_count;
}

/* The version a migration file records: its base name without ".sql". */
static void version_of(int i, char *out, size_t cap)
{
    const char *name = sm__migration_names[i];
    size_t n = strlen(name);
    if (n > 4 && strcmp(name + n - 4, ".sql") == 0)
        n -= 4;
    if (n >= cap)
        n = cap - 1;
    memcpy(out, name, n);
    out[n] = '\0';
}

static int applied_versions(PGconn *c, int *present, sm_error *err)
{
    PGresult *r;
    memset(present, 0, sizeof(int) * (size_t)sm__migration_count);
    if (sm_db_exec(c, "SELECT to_regclass('schema_migrations') IS NOT NULL", 0, NULL, &r, err))
        return SM_EIO;
    int exists = strcmp(PQgetvalue(r, 0, 0), "t") == 0;
    PQclear(r);
    if (!exists)
        return SM_OK;
    if (sm_db_exec(c, "SELECT version FROM schema_migrations", 0, NULL, &r, err))
        return SM_EIO;
    for (int row = 0; row < PQntuples(r); row++)
        for (int i = 0; i < sm__migration_count; i++) {
            char v[128];
            version_of(i, v, sizeof v);
            if (strcmp(v, PQgetvalue(r, row, 0)) == 0)
                present[i] = 1;
        }
    PQclear(r);
    return SM_OK;
}

int sm_db_migrate(PGconn *c, int *applied, sm_error *err)
{
    *applied = 0;
    int present[64];
    if (sm__migration_count > 64)
        return sm_error_set(err, SM_ELIMIT, "migrations: too many");
    const char *lock_param[] = {MIGRATE_LOCK};
    if (sm_db_exec(c, "SELECT pg_advisory_lock($1::bigint)", 1, lock_param, NULL, err) ||
        sm_db_exec(c,
                   "CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY, "
                   "applied_at timestamptz NOT NULL DEFAULT now())",
                   0, NULL, NULL, err))
        return SM_EIO;
    int rc = applied_versions(c, present, err);
    for (int i = 0; i < sm__migration_count && rc == SM_OK; i++) {
        if (present[i])
            continue;
        char version[128];
        version_of(i, version, sizeof version);
        char *text = sm_malloc(sm__migration_sizes[i] + 1);
        if (!text) {
            rc = sm_error_set(err, SM_ENOMEM, "migrations: out of memory");
            break;
        }
        memcpy(text, sm__migration_data[i], sm__migration_sizes[i]);
        text[sm__migration_sizes[i]] = '\0';
        const char *vp[] = {version};
        PGresult *r = PQexec(c, "BEGIN");
        PQclear(r);
        r = PQexec(c, text); /* fixed text from the binary: several statements at once */
        sm_free(text);
        if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK) {
            char what[160];
            snprintf(what, sizeof what, "migration %s", version);
            set_pq_error(err, what, PQresultErrorMessage(r));
            rc = SM_EIO;
        }
        PQclear(r);
        if (rc == SM_OK &&
            sm_db_exec(c, "INSERT INTO schema_migrations (version) VALUES ($1)", 1, vp, NULL, err))
            rc = SM_EIO;
        r = PQexec(c, rc == SM_OK ? "COMMIT" : "ROLLBACK");
        if (rc == SM_OK && PQresultStatus(r) != PGRES_COMMAND_OK) {
            set_pq_error(err, "migration commit", PQresultErrorMessage(r));
            rc = SM_EIO;
        }
        PQclear(r);
        if (rc == SM_OK)
            ++*applied;
    }
    sm_error unlock_err;
    sm_db_exec(c, "SELECT pg_advisory_unlock($1::bigint)", 1, lock_param, NULL, &unlock_err);
    return rc;
}

int sm_db_check_serving(PGconn *c, sm_error *err)
{
    int present[64] = {0};
    if (sm__migration_count > 64 || applied_versions(c, present, err) != SM_OK)
        return SM_EIO;
    for (int i = 0; i < sm__migration_count; i++)
        if (!present[i]) {
            char v[128];
            version_of(i, v, sizeof v);
            return sm_error_set(err, SM_ESCHEMA,
                                "the database is not migrated (%s is missing): run "
                                "`skillmatch migrate` first",
                                v);
        }
    PGresult *r;
    if (sm_db_exec(c, "SELECT current_setting('fsync'), current_setting('synchronous_commit')", 0,
                   NULL, &r, err))
        return SM_EIO;
    char fsync_v[16], sync_v[16];
    snprintf(fsync_v, sizeof fsync_v, "%s", PQgetvalue(r, 0, 0));
    snprintf(sync_v, sizeof sync_v, "%s", PQgetvalue(r, 0, 1));
    PQclear(r);
    if (strcmp(fsync_v, "on") != 0)
        return sm_error_set(err, SM_EINVAL,
                            "the database runs with fsync=%s: an acknowledged write could be "
                            "lost in a crash; turn fsync on",
                            fsync_v);
    if (strcmp(sync_v, "off") == 0)
        return sm_error_set(err, SM_EINVAL,
                            "the database runs with synchronous_commit=off: an acknowledged "
                            "write could be lost in a crash; set it to on");
    return SM_OK;
}

int sm_db_ping(PGconn *c, sm_error *err)
{
    return sm_db_exec(c, "SELECT 1", 0, NULL, NULL, err);
}

int sm_db_begin(PGconn *c, sm_error *err)
{
    return sm_db_exec(c, "BEGIN", 0, NULL, NULL, err);
}

int sm_db_savepoint(PGconn *c, sm_error *err)
{
    return sm_db_exec(c, "SAVEPOINT op", 0, NULL, NULL, err);
}

void sm_db_release(PGconn *c)
{
    sm_error ignored;
    sm_db_exec(c, "RELEASE SAVEPOINT op", 0, NULL, NULL, &ignored);
}

int sm_db_rollback_to(PGconn *c, sm_error *err)
{
    return sm_db_exec(c, "ROLLBACK TO SAVEPOINT op", 0, NULL, NULL, err);
}

int sm_db_commit(PGconn *c, sm_error *err)
{
    /* COMMIT of a transaction PostgreSQL aborted answers "ROLLBACK", not an error. */
    int timed_out;
    PGresult *res = exec_bounded(c, "COMMIT", 0, NULL, NULL, NULL, &timed_out);
    if (timed_out)
        return sm_error_set(err, SM_ETIMEDOUT,
                            "database: no answer to the commit within %u ms: it may or may not "
                            "have been applied",
                            deadline_ms);
    int ok = PQresultStatus(res) == PGRES_COMMAND_OK && !strcmp(PQcmdStatus(res), "COMMIT");
    if (!ok)
        sm_error_set(err, SM_EIO, "database: the commit failed (%s)",
                     PQresultStatus(res) == PGRES_COMMAND_OK ? "rolled back" : PQerrorMessage(c));
    PQclear(res);
    return ok ? SM_OK : SM_EIO;
}

void sm_db_rollback(PGconn *c)
{
    sm_error ignored;
    if (c && PQtransactionStatus(c) != PQTRANS_IDLE)
        sm_db_exec(c, "ROLLBACK", 0, NULL, NULL, &ignored);
}

void sm_db_fail_transaction(PGconn *c)
{
    sm_error ignored;
    sm_db_exec(c, "SELECT 1 / 0", 0, NULL, NULL, &ignored);
}

int sm_db_begin_snapshot(PGconn *c, sm_error *err)
{
    return sm_db_exec(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", 0, NULL, NULL, err);
}

void sm_db_end_snapshot(PGconn *c)
{
    sm_error ignored;
    if (PQtransactionStatus(c) != PQTRANS_IDLE)
        sm_db_exec(c, "COMMIT", 0, NULL, NULL, &ignored);
}
