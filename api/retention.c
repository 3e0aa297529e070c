/* retention.c: the erasure of profiles unused past the retention period (see retention.h). */
#include "api/retention.h"
#include "api/audit.h"
#include "api/keys_cache.h"
#include "sql/audit.h"
#include "sql/keys.h"
#include "sql/profiles.h"
#include "taxonomy/base/clock.h"

#include <stdio.h>
#include <string.h>

#define RETENTION_PICK 1000 /* profiles looked at a turn at most */

/* Erases profile id (one transaction) if it is still unused: SM_OK, SM_ENOTFOUND (used since,
 * or gone) or SM_EIO. A read noted in memory but not yet written counts as a use. */
static int erase_one(sm_service *s, PGconn *c, const char *id, int days, sm_error *err)
{
    if (sm_audit_pending_use(s->audit, id))
        return SM_ENOTFOUND;
    char name[37];
    sm_feed_id(s->feed_key, id, name);
    sm_row_guard any = {"", 1, 1, NULL, 0};
    long long version = 0;
    int rc = sm_db_begin(c, err);
    if (rc == SM_OK)
        rc = sm_store_profile_lock_unused(c, id, days, err);
    if (rc == SM_OK && sm_audit_pending_use(s->audit, id))
        rc = SM_ENOTFOUND; /* read while the row was being locked */
    if (rc == SM_OK)
        rc = sm_store_profile_erase(c, id, name, &any, &version, err);
    if (rc == SM_OK)
        rc = sm_audit_insert(c, "system", "profile.expire", name, err);
    if (rc == SM_OK)
        rc = sm_db_commit(c, err);
    if (rc != SM_OK) {
        sm_db_rollback(c);
        return rc;
    }
    sm_gen *g = sm_service_acquire(s);
    sm_matcher_delete_profile(g->m, id);
    sm_service_release(s, g);
    sm_keys_forget_profile(s->keys, id);
    return SM_OK;
}

int sm_retention_erase(sm_service *s, PGconn *c, double budget_s, int *more, sm_error *err)
{
    int days = atomic_load(&s->retention_days);
    double until = sm_now_s() + budget_s;
    sm_rows *rows = NULL;
    *more = 0;
    int rc = sm_store_profiles_unused(c, days, RETENTION_PICK, &rows, err);
    if (rc != SM_OK)
        return rc == SM_ENOMEM ? sm_error_set(err, SM_ENOMEM, "out of memory") : rc;
    int erased = 0, failed = 0;
    size_t n = sm_rows_count(rows), i = 0;
    for (; i < n && sm_now_s() < until; i++) {
        char id[40];
        snprintf(id, sizeof id, "%s", sm_profile_id_rows_at(rows, i));
        rc = erase_one(s, c, id, days, err);
        if (rc == SM_OK)
            erased++;
        else if (rc != SM_ENOTFOUND && !failed++) /* said once a turn; the others go on */
            fprintf(stderr, "skillmatch: erasing an unused profile: %s\n", err->message);
    }
    sm_rows_free(rows);
    /* More are due when this turn stopped early, or picked all it could. */
    *more = i < n || (n == RETENTION_PICK && erased > 0);
    return erased;
}
