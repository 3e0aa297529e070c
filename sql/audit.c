/* audit.c: the audit trail's statements (see audit.h). */
#include "sql/audit.h"
#include "sql/db.h"
#include "taxonomy/base/alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AUDIT_UTC "to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"

int sm_audit_insert(PGconn *c, const char *actor, const char *action, const char *object,
                    sm_error *err)
{
    const char *p[] = {actor, action, object};
    return sm_db_exec(c, "INSERT INTO audit (actor, action, object) VALUES ($1, $2, $3)", 3, p,
                      NULL, err);
}

/* The array literal of n words (none of which needs quoting: actors, actions, UUIDs and
 * numbers are made here); NULL when out of memory. */
static char *array_text(size_t n, const char *const *words)
{
    size_t cap = 3;
    for (size_t i = 0; i < n; i++)
        cap += strlen(words[i]) + 1;
    char *out = sm_malloc(cap), *at = out;
    if (!out)
        return NULL;
    *at++ = '{';
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(words[i]);
        if (i)
            *at++ = ',';
        memcpy(at, words[i], len);
        at += len;
    }
    *at++ = '}';
    *at = '\0';
    return out;
}

int sm_audit_insert_many(PGconn *c, size_t n, const double *at, const char *const *actor,
                         const char *const *action, const char *const *object, sm_error *err)
{
    if (!n)
        return SM_OK;
    char(*secs)[32] = sm_malloc(n * sizeof *secs);
    const char **sp = sm_malloc(n * sizeof *sp);
    char *arrays[4] = {NULL, NULL, NULL, NULL};
    int rc = SM_ENOMEM;
    if (secs && sp) {
        for (size_t i = 0; i < n; i++) {
            snprintf(secs[i], sizeof secs[i], "%.3f", at[i]);
            sp[i] = secs[i];
        }
        arrays[0] = array_text(n, sp);
        arrays[1] = array_text(n, actor);
        arrays[2] = array_text(n, action);
        arrays[3] = array_text(n, object);
    }
    if (arrays[0] && arrays[1] && arrays[2] && arrays[3]) {
        const char *p[] = {arrays[0], arrays[1], arrays[2], arrays[3]};
        rc = sm_db_exec(c,
                        "INSERT INTO audit (at, actor, action, object) SELECT to_timestamp(t), "
                        "a, x, o FROM unnest($1::float8[], $2::text[], $3::text[], $4::uuid[]) "
                        "AS e(t, a, x, o)",
                        4, p, NULL, err);
    }
    for (int i = 0; i < 4; i++)
        sm_free(arrays[i]);
    sm_free(secs);
    sm_free(sp);
    return rc;
}

int sm_audit_touch_profiles(PGconn *c, size_t n, const char *const *ids, sm_error *err)
{
    if (!n)
        return SM_OK;
    char *list = array_text(n, ids);
    if (!list)
        return SM_ENOMEM;
    const char *p[] = {list};
    int rc = sm_db_exec(c,
                        "UPDATE profiles SET last_used_at = now() WHERE id = ANY($1::uuid[]) AND "
                        "last_used_at < now() - interval '1 minute'",
                        1, p, NULL, err);
    sm_free(list);
    return rc;
}

int sm_audit_page(PGconn *c, long long after, size_t limit, const char *object, const char *actor,
                  sm_rows **out, sm_error *err)
{
    char after_t[24], lim[24];
    snprintf(after_t, sizeof after_t, "%lld", after);
    snprintf(lim, sizeof lim, "%zu", limit);
    const char *p[] = {after_t, lim, object, actor};
    return sm__rows_query(c,
                          "SELECT id, " AUDIT_UTC ", actor, action, object FROM audit WHERE id > "
                          "$1 AND ($3::uuid IS NULL OR object = $3::uuid) AND ($4::text IS NULL "
                          "OR actor = $4) ORDER BY id LIMIT $2",
                          4, p, 0, out, err);
}

sm_audit_entry sm_audit_rows_at(const sm_rows *rows, size_t i)
{
    sm_audit_entry e = {atoll(sm__rows_text(rows, i, 0)), sm__rows_text(rows, i, 1),
                        sm__rows_text(rows, i, 2), sm__rows_text(rows, i, 3),
                        sm__rows_text(rows, i, 4)};
    return e;
}

int sm_audit_purge(PGconn *c, int days, long long *purged, sm_error *err)
{
    char d[16];
    snprintf(d, sizeof d, "%d", days);
    const char *p[] = {d};
    PGresult *r;
    *purged = 0;
    if (sm_db_exec(c, "DELETE FROM audit WHERE at < now() - make_interval(days => $1::int)", 1, p,
                   &r, err))
        return SM_EIO;
    *purged = atoll(PQcmdTuples(r));
    PQclear(r);
    return SM_OK;
}
