/* profiles.c: statements about stored profiles and their rows (see profiles.h). */
#include "sql/profiles.h"
#include "sql/db.h"
#include "sql/rows.h"

#include "taxonomy/base/alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sm_store_profile_for_match(PGconn *c, const char *id, const char *owner, int any,
                               sm_profile_match_row *out, sm_error *err)
{
    memset(out, 0, sizeof *out);
    const char *p[] = {id, owner, any ? "t" : "f"};
    PGresult *r;
    if (sm_db_exec(c,
                   "SELECT skills, lat, lon, radius_km, constraints FROM profiles WHERE id = $1 "
                   "AND (owner = $2 OR $3)",
                   3, p, &r, err) != SM_OK)
        return SM_EIO;
    if (PQntuples(r) != 1) {
        PQclear(r);
        return SM_ENOTFOUND;
    }
    out->claim_count = sm__int_array_parse(PQgetvalue(r, 0, 0), out->claims, SM_MAX_PROFILE_SKILLS);
    out->located = !PQgetisnull(r, 0, 1) && !PQgetisnull(r, 0, 2);
    out->lat = atof(PQgetvalue(r, 0, 1));
    out->lon = atof(PQgetvalue(r, 0, 2));
    out->radius_km = (float)atof(PQgetvalue(r, 0, 3));
    out->constraints = (unsigned)atoi(PQgetvalue(r, 0, 4));
    PQclear(r);
    return SM_OK;
}

/* After an UPDATE or DELETE that matched no row: SM_ESTALE (*version: the one there is) when
 * the row is there for this writer, else SM_ENOTFOUND. */
static int missing_or_stale(PGconn *c, const char *id, const sm_row_guard *g, long long *version,
                            sm_error *err)
{
    const char *p[] = {id, g->owner, g->any_owner ? "t" : "f"};
    PGresult *r;
    if (sm_db_exec(c, "SELECT version FROM profiles WHERE id = $1 AND (owner = $2 OR $3)", 3, p, &r,
                   err))
        return SM_EIO;
    return sm__returned_version(r, version) == SM_OK ? SM_ESTALE : SM_ENOTFOUND;
}

typedef struct row_params {
    char skills[SM_MAX_PROFILE_SKILLS * 12 + 4], lat[32], lon[32], radius[32], cons[16],
        consent[16];
} row_params;

static void fill_params(const sm_profile_row *row, row_params *rp)
{
    sm__int_array_text(row->skills, row->skill_count, rp->skills, sizeof rp->skills);
    snprintf(rp->lat, sizeof rp->lat, "%.7f", row->lat);
    snprintf(rp->lon, sizeof rp->lon, "%.7f", row->lon);
    snprintf(rp->radius, sizeof rp->radius, "%g", row->radius_km);
    snprintf(rp->cons, sizeof rp->cons, "%u", row->constraints);
    snprintf(rp->consent, sizeof rp->consent, "%u", row->consent);
}

int sm_store_profile_insert(PGconn *c, const sm_profile_row *row, long long *version, sm_error *err)
{
    row_params rp;
    fill_params(row, &rp);
    const char *p[] = {row->id,
                       row->owner,
                       row->doc,
                       rp.skills,
                       row->located ? rp.lat : NULL,
                       row->located ? rp.lon : NULL,
                       rp.radius,
                       rp.cons,
                       rp.consent};
    PGresult *r;
    if (sm_db_exec(c,
                   "INSERT INTO profiles (id, owner, doc, skills, lat, lon, radius_km, "
                   "constraints, consent) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
                   "RETURNING version",
                   9, p, &r, err))
        return SM_EIO;
    return sm__returned_version(r, version) == SM_OK
               ? SM_OK
               : sm_error_set(err, SM_EIO, "the insert of profile %s returned no row", row->id);
}

int sm_store_profile_update(PGconn *c, const sm_profile_row *row, const sm_row_guard *guard,
                            long long *version, sm_error *err)
{
    row_params rp;
    fill_params(row, &rp);
    char versions[220];
    const char *p[] = {row->id,
                       row->doc,
                       rp.skills,
                       row->located ? rp.lat : NULL,
                       row->located ? rp.lon : NULL,
                       rp.radius,
                       rp.cons,
                       rp.consent,
                       guard->owner,
                       guard->any_owner ? "t" : "f",
                       sm__guard_versions(guard, versions, sizeof versions)};
    PGresult *r;
    if (sm_db_exec(
            c,
            "UPDATE profiles SET doc = $2, skills = $3, lat = $4, lon = $5, "
            "radius_km = $6, constraints = $7, consent = $8, updated_at = now(), "
            "last_used_at = now(), version = version + 1 WHERE id = $1 AND (owner = $9 OR $10) AND "
            "($11::bigint[] IS NULL OR version = ANY($11::bigint[])) RETURNING version",
            11, p, &r, err))
        return SM_EIO;
    return sm__returned_version(r, version) == SM_OK
               ? SM_OK
               : missing_or_stale(c, row->id, guard, version, err);
}

int sm_store_profile_changed(PGconn *c, const char *feed_name, sm_error *err)
{
    const char *p[] = {feed_name};
    return sm_db_exec(c, "INSERT INTO changes (object, id, op) VALUES ('profile', $1, 'upsert')", 1,
                      p, NULL, err);
}

int sm_store_profile_erase(PGconn *c, const char *id, const char *feed_name,
                           const sm_row_guard *guard, long long *version, sm_error *err)
{
    char versions[220];
    const char *p[] = {id, guard->owner, guard->any_owner ? "t" : "f",
                       sm__guard_versions(guard, versions, sizeof versions)};
    PGresult *r;
    if (sm_db_exec(c,
                   "DELETE FROM profiles WHERE id = $1 AND (owner = $2 OR $3) AND ($4::bigint[] "
                   "IS NULL OR version = ANY($4::bigint[])) RETURNING id",
                   4, p, &r, err))
        return SM_EIO;
    int n = PQntuples(r);
    PQclear(r);
    if (n != 1)
        return missing_or_stale(c, id, guard, version, err);
    int rc = sm_db_exec(c, "DELETE FROM api_keys WHERE profile_id = $1", 1, p, NULL, err);
    if (rc == SM_OK)
        rc = sm_db_exec(c, "DELETE FROM idempotency WHERE profile_id = $1", 1, p, NULL, err);
    const char *named[] = {feed_name};
    if (rc == SM_OK)
        rc = sm_db_exec(c, "INSERT INTO changes (object, id, op) VALUES ('profile', $1, 'delete')",
                        1, named, NULL, err);
    return rc;
}

int sm_store_profile_doc(PGconn *c, const char *id, const char *owner, int any, char **doc,
                         long long *version, sm_error *err)
{
    const char *p[] = {id, owner, any ? "t" : "f"};
    return sm__read_doc(c, "SELECT doc, version FROM profiles WHERE id = $1 AND (owner = $2 OR $3)",
                        3, p, doc, version, err);
}

int sm_store_profile_get(PGconn *c, const char *id, const char *owner, int any, sm_rows **out,
                         sm_error *err)
{
    const char *p[] = {id, owner, any ? "t" : "f"};
    return sm__rows_query(
        c,
        "SELECT doc, COALESCE(owner, ''), " SM_SQL_UTC("created_at") ", " SM_SQL_UTC(
            "updated_at") ", version, " SM_SQL_UTC("last_used_at") " FROM profiles WHERE id = "
                                                                   "$1 AND (owner = $2 OR $3)",
        3, p, 1, out, err);
}

sm_profile_shown sm_profile_rows_at(const sm_rows *rows, size_t i)
{
    sm_profile_shown p = {sm__rows_text(rows, i, 0),        sm__rows_text(rows, i, 1),
                          sm__rows_text(rows, i, 2),        sm__rows_text(rows, i, 3),
                          atoll(sm__rows_text(rows, i, 4)), sm__rows_text(rows, i, 5)};
    return p;
}

int sm_store_profile_keys(PGconn *c, const char *id, sm_rows **out, sm_error *err)
{
    const char *p[] = {id};
    return sm__rows_query(c,
                          "SELECT id, role, " SM_SQL_UTC("created_at") ", COALESCE(" SM_SQL_UTC(
                              "revoked_at") ", '') FROM api_keys WHERE profile_id = $1 ORDER BY id",
                          1, p, 0, out, err);
}

sm_key_shown sm_key_rows_at(const sm_rows *rows, size_t i)
{
    sm_key_shown k = {atoll(sm__rows_text(rows, i, 0)), sm__rows_text(rows, i, 1),
                      sm__rows_text(rows, i, 2), sm__rows_text(rows, i, 3)};
    return k;
}

int sm_store_profile_changes(PGconn *c, const char *feed_name, sm_rows **out, sm_error *err)
{
    const char *p[] = {feed_name};
    return sm__rows_query(
        c,
        "SELECT seq, op, " SM_SQL_UTC(
            "at") " FROM changes WHERE object = 'profile' AND id = $1 ORDER BY seq",
        1, p, 0, out, err);
}

sm_change_shown sm_change_rows_at(const sm_rows *rows, size_t i)
{
    sm_change_shown ch = {atoll(sm__rows_text(rows, i, 0)), sm__rows_text(rows, i, 1),
                          sm__rows_text(rows, i, 2)};
    return ch;
}

int sm_store_feedback_add(PGconn *c, const char *profile_id, const char *offer_id, const char *kind,
                          const char *comment, sm_rows **out, sm_error *err)
{
    const char *p[] = {profile_id, offer_id, kind, comment};
    /* One insert at a time (the lock lets reads through): ids are then committed in their
     * order, so that a reviewer's cursor never passes one still being written. */
    int rc = sm_db_begin(c, err);
    if (rc == SM_OK)
        rc = sm_db_exec(c, "LOCK TABLE feedback IN EXCLUSIVE MODE", 0, NULL, NULL, err);
    if (rc == SM_OK)
        rc = sm__rows_query(
            c,
            "INSERT INTO feedback (profile_id, offer_id, kind, comment) VALUES "
            "($1, $2, $3, $4) RETURNING id, offer_id, kind, comment, " SM_SQL_UTC("at"),
            4, p, 1, out, err);
    if (rc == SM_OK && (rc = sm_db_commit(c, err)) != SM_OK) {
        sm_rows_free(*out);
        *out = NULL;
    }
    if (rc != SM_OK)
        sm_db_rollback(c);
    return rc;
}

int sm_store_profile_feedback(PGconn *c, const char *profile_id, sm_rows **out, sm_error *err)
{
    const char *p[] = {profile_id};
    return sm__rows_query(c,
                          "SELECT id, offer_id, kind, comment, " SM_SQL_UTC(
                              "at") " FROM feedback WHERE profile_id = $1 ORDER BY id",
                          1, p, 0, out, err);
}

int sm_store_feedback_page(PGconn *c, long long after, size_t limit, sm_rows **out, sm_error *err)
{
    char after_t[24], lim[24];
    snprintf(after_t, sizeof after_t, "%lld", after);
    snprintf(lim, sizeof lim, "%zu", limit);
    const char *p[] = {after_t, lim};
    return sm__rows_query(c,
                          "SELECT id, offer_id, kind, comment, " SM_SQL_UTC(
                              "at") ", profile_id FROM feedback WHERE id > $1 ORDER BY id LIMIT $2",
                          2, p, 0, out, err);
}

sm_feedback_shown sm_feedback_rows_at(const sm_rows *rows, size_t i)
{
    sm_feedback_shown f = {atoll(sm__rows_text(rows, i, 0)),
                           sm__rows_text(rows, i, 1),
                           sm__rows_text(rows, i, 2),
                           sm__rows_text(rows, i, 3),
                           sm__rows_text(rows, i, 4),
                           sm__rows_columns(rows) > 5 ? sm__rows_text(rows, i, 5) : ""};
    return f;
}

int sm_store_profile_answers(PGconn *c, const char *id, sm_rows **out, sm_error *err)
{
    const char *p[] = {id};
    return sm__rows_query(c,
                          "SELECT status, body, " SM_SQL_UTC(
                              "created_at") " FROM idempotency WHERE profile_id = $1 ORDER BY "
                                            "created_at, key",
                          1, p, 0, out, err);
}

sm_answer_shown sm_answer_rows_at(const sm_rows *rows, size_t i)
{
    sm_answer_shown a = {(unsigned)atoi(sm__rows_text(rows, i, 0)), sm__rows_text(rows, i, 1),
                         sm__rows_text(rows, i, 2)};
    return a;
}

int sm_store_profile_contacts(PGconn *c, const char *const *ids, size_t n, sm_rows **out,
                              sm_error *err)
{
    char list[SM_MATCH_MAX_LIMIT * 38 + 4];
    size_t len = 0;
    list[len++] = '{';
    for (size_t i = 0; i < n && len + 40 < sizeof list; i++)
        len += (size_t)snprintf(list + len, sizeof list - len, i ? ",%s" : "%s", ids[i]);
    snprintf(list + len, sizeof list - len, "}");
    const char *p[] = {list};
    return sm__rows_query(
        c,
        "SELECT id, consent, COALESCE((doc->'contact')::text, '') FROM profiles WHERE id = "
        "ANY($1::uuid[])",
        1, p, 0, out, err);
}

sm_contact_shown sm_contact_rows_at(const sm_rows *rows, size_t i)
{
    sm_contact_shown ct = {sm__rows_text(rows, i, 0), (unsigned)atoi(sm__rows_text(rows, i, 1)),
                           sm__rows_text(rows, i, 2)};
    return ct;
}

int sm_store_profiles_unused(PGconn *c, int days, size_t limit, sm_rows **out, sm_error *err)
{
    char d[16], lim[24];
    snprintf(d, sizeof d, "%d", days);
    snprintf(lim, sizeof lim, "%zu", limit);
    const char *p[] = {d, lim};
    return sm__rows_query(c,
                          "SELECT id FROM profiles WHERE last_used_at < now() - "
                          "make_interval(days => $1::int) LIMIT $2",
                          2, p, 0, out, err);
}

int sm_store_profile_lock_unused(PGconn *c, const char *id, int days, sm_error *err)
{
    char d[16];
    snprintf(d, sizeof d, "%d", days);
    const char *p[] = {id, d};
    PGresult *r;
    if (sm_db_exec(c,
                   "SELECT 1 FROM profiles WHERE id = $1 AND last_used_at < now() - "
                   "make_interval(days => $2::int) FOR UPDATE",
                   2, p, &r, err))
        return SM_EIO;
    int n = PQntuples(r);
    PQclear(r);
    return n == 1 ? SM_OK : SM_ENOTFOUND;
}

const char *sm_profile_id_rows_at(const sm_rows *rows, size_t i)
{
    return sm__rows_text(rows, i, 0);
}

int sm_store_stream_profiles(PGconn *c, sm_copy_sink sink, void *ctx, sm_error *err)
{
    return sm_copy_out(c,
                       "COPY (SELECT id, skills, lat, lon, radius_km, constraints, consent FROM "
                       "profiles) TO STDOUT",
                       sink, ctx, err);
}
