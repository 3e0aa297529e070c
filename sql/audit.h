/*
 * audit.h: the audit trail of personal data (migration 009): who read or changed a profile,
 * what they did, when, the profile named by its keyed hash (sm_feed_id) and nothing of its
 * content; the retention clock of profiles (last_used_at) and the purge of old entries.
 */
#ifndef SM_SQL_AUDIT_H
#define SM_SQL_AUDIT_H

#include "sql/rows.h"
#include "taxonomy/base/error.h"

#include <libpq-fe.h>
#include <stddef.h>

/* One entry: actor "key:ID", "anonymous" or "system"; action "profile.read", …; object the
 * profile's feed name. In the caller's transaction: SM_OK or SM_EIO with err set. */
int sm_audit_insert(PGconn *c, const char *actor, const char *action, const char *object,
                    sm_error *err);
/* n entries at once: at[i] in seconds since the epoch (when it happened, not when written).
 * SM_OK, SM_ENOMEM, or SM_EIO with err set. */
int sm_audit_insert_many(PGconn *c, size_t n, const double *at, const char *const *actor,
                         const char *const *action, const char *const *object, sm_error *err);
/* Restarts the retention clock of the profiles ids[0..n) (UUIDs; erased ones are skipped). */
int sm_audit_touch_profiles(PGconn *c, size_t n, const char *const *ids, sm_error *err);

/* An entry as GET /v1/audit shows it. */
typedef struct sm_audit_entry {
    long long id;
    const char *at, *actor, *action, *object; /* at: ISO 8601 UTC with milliseconds */
} sm_audit_entry;
/* The entries after id `after`, oldest first, at most limit, of one object and/or one actor
 * (NULL: any): SM_OK with *out, SM_ENOMEM, or SM_EIO with err set. */
int sm_audit_page(PGconn *c, long long after, size_t limit, const char *object, const char *actor,
                  sm_rows **out, sm_error *err);
sm_audit_entry sm_audit_rows_at(const sm_rows *rows, size_t index);

/* Deletes the entries older than days days: SM_OK with *purged, or SM_EIO with err set. */
int sm_audit_purge(PGconn *c, int days, long long *purged, sm_error *err);

#endif
