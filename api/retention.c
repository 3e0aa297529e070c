/* retention.c: the erasure of profiles unused past the retention period (see retention.h). */
#include "api/retention.h"
#include "api/keys_cache.h"
#include "sql/audit.h"
#include "sql/keys.h"
#include "sql/profiles.h"

#include <stdio.h>
#include <string.h>

/* Erases profile id (one transaction): SM_OK, SM_ENOTFOUND (gone meanwhile) or SM_EIO. */
static int erase_one(sm_service *s, PGconn *c, const char *id, sm_error *err)
{
    char name[37];
    sm_feed_id(s->feed_key, id, name);
    sm_row_guard any = {"", 1, 1, NULL, 0};
    long long version = 0;
    int rc = sm_db_begin(c, err);
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

int sm_retention_erase(sm_service *s, PGconn *c, size_t max, sm_error *err)
{
    sm_rows *rows = NULL;
    int rc = sm_store_profiles_unused(c, atomic_load(&s->retention_days), max, &rows, err);
    if (rc != SM_OK)
        return rc == SM_ENOMEM ? sm_error_set(err, SM_ENOMEM, "out of memory") : rc;
    int erased = 0;
    for (size_t i = 0; i < sm_rows_count(rows); i++) {
        char id[40];
        snprintf(id, sizeof id, "%s", sm_profile_id_rows_at(rows, i));
        rc = erase_one(s, c, id, err);
        if (rc == SM_OK)
            erased++;
        else if (rc != SM_ENOTFOUND) {
            sm_rows_free(rows);
            return rc;
        }
    }
    sm_rows_free(rows);
    return erased;
}
