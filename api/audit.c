/* audit.c: entries of reads noted in memory, written by the writer thread (see audit.h). */
#include "api/audit.h"
#include "sql/audit.h"
#include "sql/db.h"
#include "sql/keys.h"
#include "taxonomy/base/alloc.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define AUDIT_MAX 65536
#define AUDIT_CHUNK 4096 /* entries a statement */

typedef struct entry {
    double at; /* seconds since the epoch */
    char actor[32];
    char action[32];
    char object[37]; /* the profile's feed name */
    char id[37];     /* the profile's id, for the retention clock; "" when not a use */
} entry;

struct sm_audit {
    pthread_mutex_t lock;
    unsigned char feed_key[32];
    entry *pending;
    size_t count, cap;
    entry *flushing; /* the entries being written (sm_audit_pending_use reads them too) */
    size_t flushing_count;
    unsigned long long lost;
    int warned; /* the loss of the current series is logged */
};

int sm_audit_open(const unsigned char feed_key[32], sm_audit **out)
{
    sm_audit *a = sm_calloc(1, sizeof *a);
    if (!a)
        return SM_ENOMEM;
    pthread_mutex_init(&a->lock, NULL);
    memcpy(a->feed_key, feed_key, 32);
    *out = a;
    return SM_OK;
}

void sm_audit_close(sm_audit *a)
{
    if (!a)
        return;
    if (a->count)
        fprintf(stderr, "skillmatch: %zu audit entries could not be written\n", a->count);
    sm_free(a->pending);
    pthread_mutex_destroy(&a->lock);
    sm_free(a);
}

void sm_audit_actor(const sm_principal *who, char out[32])
{
    if (who->key_id)
        snprintf(out, 32, "key:%lld", who->key_id);
    else
        snprintf(out, 32, "anonymous");
}

void sm_audit_note(sm_audit *a, const sm_principal *who, const char *action, const char *profile_id,
                   int use)
{
    entry e;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    e.at = (double)ts.tv_sec + ts.tv_nsec / 1e9;
    sm_audit_actor(who, e.actor);
    snprintf(e.action, sizeof e.action, "%s", action);
    sm_feed_id(a->feed_key, profile_id, e.object);
    snprintf(e.id, sizeof e.id, "%s", use ? profile_id : "");
    pthread_mutex_lock(&a->lock);
    if (a->count == a->cap && a->cap < AUDIT_MAX) {
        size_t cap = a->cap ? a->cap * 2 : 64;
        if (cap > AUDIT_MAX)
            cap = AUDIT_MAX;
        entry *grown = sm_realloc(a->pending, cap * sizeof *grown);
        if (grown) {
            a->pending = grown;
            a->cap = cap;
        }
    }
    if (a->count < a->cap) {
        a->pending[a->count++] = e;
        a->warned = 0;
    } else {
        a->lost++;
        if (!a->warned && a->count >= AUDIT_MAX)
            fprintf(stderr,
                    "skillmatch: the audit trail is %zu entries behind; entries are "
                    "being lost (the database does not take them)\n",
                    a->count);
        else if (!a->warned)
            fprintf(stderr, "skillmatch: out of memory: an audit entry is lost\n");
        a->warned = 1;
    }
    pthread_mutex_unlock(&a->lock);
}

/* Writes batch[0..n) in one transaction: the entries, and the restart of the clocks of the
 * profiles used. SM_OK, SM_ENOMEM, or SM_EIO with err set. */
static int write_chunk(PGconn *c, const entry *batch, size_t n, sm_error *err)
{
    double *at = sm_malloc(n * sizeof *at);
    const char **words = sm_malloc(4 * n * sizeof *words);
    int rc = SM_ENOMEM;
    if (at && words) {
        const char **actor = words, **action = words + n, **object = words + 2 * n,
                   **used = words + 3 * n;
        size_t uses = 0;
        for (size_t i = 0; i < n; i++) {
            at[i] = batch[i].at;
            actor[i] = batch[i].actor;
            action[i] = batch[i].action;
            object[i] = batch[i].object;
            if (batch[i].id[0])
                used[uses++] = batch[i].id;
        }
        rc = sm_db_begin(c, err);
        if (rc == SM_OK)
            rc = sm_audit_insert_many(c, n, at, actor, action, object, err);
        if (rc == SM_OK)
            rc = sm_audit_touch_profiles(c, uses, used, err);
        if (rc == SM_OK)
            rc = sm_db_commit(c, err);
        if (rc != SM_OK)
            sm_db_rollback(c);
    }
    sm_free(at);
    sm_free(words);
    return rc;
}

int sm_audit_flush(sm_audit *a, PGconn *c, sm_error *err)
{
    pthread_mutex_lock(&a->lock);
    entry *batch = a->pending;
    size_t n = a->count;
    a->pending = NULL;
    a->count = a->cap = 0;
    a->flushing = batch;
    a->flushing_count = n;
    pthread_mutex_unlock(&a->lock);
    /* In chunks, each its own statement under the database deadline (a backlog after an
     * outage does not become one statement too long to finish). */
    size_t done = 0;
    int rc = SM_OK;
    while (done < n && rc == SM_OK) {
        size_t k = n - done < AUDIT_CHUNK ? n - done : AUDIT_CHUNK;
        if ((rc = write_chunk(c, batch + done, k, err)) == SM_OK)
            done += k;
    }
    pthread_mutex_lock(&a->lock);
    a->flushing = NULL;
    a->flushing_count = 0;
    if (rc != SM_OK) {
        /* What is left is kept, before what was noted meanwhile, for the next call. */
        size_t left = n - done, total = left + a->count;
        if (total > AUDIT_MAX) {
            a->lost += total - AUDIT_MAX;
            total = AUDIT_MAX;
        }
        entry *merged = sm_malloc(total * sizeof *merged);
        if (merged) {
            size_t keep_new = total > left ? total - left : 0;
            memcpy(merged, batch + done, (total - keep_new) * sizeof *merged);
            if (keep_new)
                memcpy(merged + (total - keep_new), a->pending, keep_new * sizeof *merged);
            sm_free(a->pending);
            a->pending = merged;
            a->count = a->cap = total;
        } else
            a->lost += left;
    }
    pthread_mutex_unlock(&a->lock);
    sm_free(batch);
    return rc == SM_ENOMEM ? sm_error_set(err, SM_ENOMEM, "out of memory") : rc;
}

int sm_audit_pending_use(sm_audit *a, const char *profile_id)
{
    int found = 0;
    pthread_mutex_lock(&a->lock);
    for (size_t i = 0; i < a->count && !found; i++)
        found = !strcmp(a->pending[i].id, profile_id);
    for (size_t i = 0; i < a->flushing_count && !found; i++)
        found = !strcmp(a->flushing[i].id, profile_id);
    pthread_mutex_unlock(&a->lock);
    return found;
}

void sm_audit_stats(sm_audit *a, unsigned long long *lost, unsigned *waiting)
{
    pthread_mutex_lock(&a->lock);
    *lost = a->lost;
    *waiting = (unsigned)a->count;
    pthread_mutex_unlock(&a->lock);
}
