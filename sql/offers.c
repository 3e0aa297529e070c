/* offers.c: statements about stored offers and their rows (see offers.h). */
#include "sql/offers.h"
#include "matcher/matcher.h"
#include "sql/db.h"
#include "taxonomy/base/alloc.h"

#define SM_OFFER_ROW_MAX_SKILLS SM_MAX_REQUIREMENTS
#define SM_OFFER_ROW_MAX_DATES SM_MAX_START_DATES

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sm_store_offer_kind(PGconn *c, const char *id, const char *owner, int any_owner, int *kind,
                        sm_error *err)
{
    const char *p[] = {id, owner, any_owner ? "t" : "f"};
    PGresult *r;
    if (sm_db_exec(c,
                   "SELECT kind FROM offers WHERE id = $1 AND ($2::text IS NULL OR owner = $2 OR "
                   "$3)",
                   3, p, &r, err) != SM_OK)
        return SM_EIO;
    int found = PQntuples(r) == 1;
    *kind = found ? atoi(PQgetvalue(r, 0, 0)) : -1;
    PQclear(r);
    return found ? SM_OK : SM_ENOTFOUND;
}

int sm_store_offer_doc(PGconn *c, const char *id, const char *owner, int any, char **doc,
                       long long *version, sm_error *err)
{
    const char *p[] = {id, owner, any ? "t" : "f"};
    return sm__read_doc(c, "SELECT doc, version FROM offers WHERE id = $1 AND (owner = $2 OR $3)",
                        3, p, doc, version, err);
}

/* After an UPDATE or DELETE that matched no row: SM_ESTALE (*version: the one there is) when
 * the offer is there for this writer, of kind unless kind is -1, else SM_ENOTFOUND. */
static int missing_or_stale(PGconn *c, const char *id, const sm_row_guard *g, int kind,
                            long long *version, sm_error *err)
{
    char k[8];
    snprintf(k, sizeof k, "%d", kind);
    const char *p[] = {id, g->owner, g->any_owner ? "t" : "f", k};
    PGresult *r;
    /* An offer of the other kind is not this one (a PUT cannot change the kind). */
    if (sm_db_exec(c,
                   "SELECT version FROM offers WHERE id = $1 AND (owner = $2 OR $3) AND (kind = "
                   "$4 OR $4 = '-1')",
                   4, p, &r, err))
        return SM_EIO;
    return sm__returned_version(r, version) == SM_OK ? SM_ESTALE : SM_ENOTFOUND;
}

/* The row's parameters $1..$21 in the order both writes use. */
typedef struct row_params {
    char skills[SM_OFFER_ROW_MAX_SKILLS * 12 + 4], teaches[SM_OFFER_ROW_MAX_SKILLS * 12 + 4];
    char dates[SM_OFFER_ROW_MAX_DATES * 12 + 4];
    char lat[32], lon[32], hours[32], from[16], through[16], occ[16], flags[16], ok[8], ct[8],
        dur[32], cost[32], seats[16], kind[4], funding[16];
    const char *p[23];
} row_params;

static void fill_params(const sm_offer_row *o, row_params *rp)
{
    sm__int_array_text(o->skills, o->skill_count, rp->skills, sizeof rp->skills);
    sm__int_array_text(o->teaches, o->teach_count, rp->teaches, sizeof rp->teaches);
    sm__int_array_text(o->start_dates, o->start_count, rp->dates, sizeof rp->dates);
    snprintf(rp->funding, sizeof rp->funding, "%u", o->funding);
    snprintf(rp->lat, sizeof rp->lat, "%.7f", o->lat);
    snprintf(rp->lon, sizeof rp->lon, "%.7f", o->lon);
    snprintf(rp->hours, sizeof rp->hours, "%g", o->hours);
    snprintf(rp->from, sizeof rp->from, "%d", o->valid_from);
    snprintf(rp->through, sizeof rp->through, "%d", o->valid_through);
    snprintf(rp->occ, sizeof rp->occ, "%u", o->occupation);
    snprintf(rp->flags, sizeof rp->flags, "%u", o->flags);
    snprintf(rp->ok, sizeof rp->ok, "%u", o->org_kind);
    snprintf(rp->ct, sizeof rp->ct, "%u", o->contract_type);
    snprintf(rp->dur, sizeof rp->dur, "%g", o->duration_hours);
    snprintf(rp->cost, sizeof rp->cost, "%g", o->cost);
    snprintf(rp->seats, sizeof rp->seats, "%u", o->seats);
    snprintf(rp->kind, sizeof rp->kind, "%d", o->kind);
    const char *p[21] = {o->id,
                         rp->kind,
                         o->owner,
                         o->doc,
                         rp->skills,
                         rp->teaches,
                         o->located ? rp->lat : NULL,
                         o->located ? rp->lon : NULL,
                         o->remote ? "t" : "f",
                         rp->hours,
                         rp->from,
                         rp->through,
                         o->occupation ? rp->occ : NULL,
                         rp->flags,
                         rp->ok,
                         rp->ct,
                         rp->dur,
                         rp->cost,
                         rp->seats,
                         rp->funding,
                         rp->dates};
    memcpy(rp->p, p, sizeof p);
}

int sm_store_offer_insert(PGconn *c, const sm_offer_row *row, long long *version, sm_error *err)
{
    row_params rp;
    fill_params(row, &rp);
    PGresult *r;
    if (sm_db_exec(c,
                   "WITH o AS (INSERT INTO offers (id, kind, owner, doc, skills, teaches, lat, "
                   "lon, remote, hours, valid_from, valid_through, occupation, flags, "
                   "org_kind, contract_type, duration_hours, cost, seats, funding, "
                   "start_dates) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, "
                   "$13, $14, $15, $16, $17, $18, $19, $20, $21) RETURNING id, kind, "
                   "version), c AS (INSERT INTO changes (object, id, op, kind) SELECT "
                   "'offer', id, 'upsert', kind FROM o) SELECT version FROM o",
                   21, rp.p, &r, err))
        return SM_EIO;
    return sm__returned_version(r, version) == SM_OK
               ? SM_OK
               : sm_error_set(err, SM_EIO, "the insert of offer %s returned no row", row->id);
}

int sm_store_offer_update(PGconn *c, const sm_offer_row *row, const sm_row_guard *guard,
                          long long *version, sm_error *err)
{
    row_params rp;
    fill_params(row, &rp);
    char versions[220];
    rp.p[21] = guard->any_owner ? "t" : "f";
    rp.p[22] = sm__guard_versions(guard, versions, sizeof versions);
    rp.p[2] = guard->owner;
    PGresult *r;
    if (sm_db_exec(c,
                   "WITH o AS (UPDATE offers SET doc = $4, skills = $5, teaches = $6, lat = "
                   "$7, lon = $8, remote = $9, hours = $10, valid_from = $11, valid_through = "
                   "$12, occupation = $13, flags = $14, org_kind = $15, contract_type = $16, "
                   "duration_hours = $17, cost = $18, seats = $19, funding = $20, "
                   "start_dates = $21, updated_at = now(), version = version + 1 WHERE id = "
                   "$1 AND kind = $2 AND (owner = $3 OR $22) AND ($23::bigint[] IS NULL OR "
                   "version = ANY($23::bigint[])) RETURNING id, kind, version), c AS (INSERT "
                   "INTO changes (object, id, op, kind) SELECT 'offer', id, 'upsert', kind "
                   "FROM o) SELECT version FROM o",
                   23, rp.p, &r, err))
        return SM_EIO;
    if (sm__returned_version(r, version) == SM_OK)
        return SM_OK;
    return missing_or_stale(c, row->id, guard, row->kind, version, err);
}

int sm_store_offer_delete(PGconn *c, const char *id, const sm_row_guard *guard, int *kind,
                          long long *version, sm_error *err)
{
    char versions[220];
    const char *p[] = {id, guard->owner, guard->any_owner ? "t" : "f",
                       sm__guard_versions(guard, versions, sizeof versions)};
    PGresult *r;
    if (sm_db_exec(c,
                   "WITH d AS (DELETE FROM offers WHERE id = $1 AND (owner = $2 OR $3) AND "
                   "($4::bigint[] IS NULL OR version = ANY($4::bigint[])) RETURNING id, kind) "
                   "INSERT INTO changes (object, id, op, kind) SELECT 'offer', id, 'delete', kind "
                   "FROM d RETURNING kind",
                   4, p, &r, err))
        return SM_EIO;
    int n = PQntuples(r);
    if (n == 1)
        *kind = atoi(PQgetvalue(r, 0, 0));
    PQclear(r);
    return n == 1 ? SM_OK : missing_or_stale(c, id, guard, -1, version, err);
}

sm_offer_shown sm_offer_rows_at(const sm_rows *rows, size_t i)
{
    sm_offer_shown o = {sm__rows_text(rows, i, 0), sm__rows_text(rows, i, 1),
                        sm__rows_text(rows, i, 2), sm__rows_text(rows, i, 3),
                        sm__rows_text(rows, i, 4), atoll(sm__rows_text(rows, i, 5))};
    return o;
}

#define SHOWN_COLUMNS                                                                              \
    "id, doc, owner, " SM_SQL_UTC("created_at") ", " SM_SQL_UTC("updated_at") ", version"

int sm_store_offer_get(PGconn *c, const char *id, sm_rows **out, sm_error *err)
{
    const char *p[] = {id};
    return sm__rows_query(c, "SELECT " SHOWN_COLUMNS " FROM offers WHERE id = $1", 1, p, 1, out,
                          err);
}

int sm_store_offer_page(PGconn *c, int kind, const char *cursor, const char *owner,
                        const char *rome, size_t limit, sm_rows **out, sm_error *err)
{
    char k[8], lim[24];
    snprintf(k, sizeof k, "%d", kind);
    snprintf(lim, sizeof lim, "%zu", limit);
    const char *p[] = {kind >= 0 ? k : NULL, cursor, owner, lim, rome};
    return sm__rows_query(
        c,
        "SELECT " SHOWN_COLUMNS " FROM offers WHERE ($1::smallint IS NULL OR kind = "
        "$1) AND ($2::uuid IS NULL OR id > $2) AND ($3::text IS NULL OR owner = $3) "
        "AND ($5::text IS NULL OR doc->>'rome' = $5) ORDER BY id LIMIT $4",
        5, p, 0, out, err);
}

int sm_store_offer_count(PGconn *c, int kind, const char *owner, const char *rome, size_t *count,
                         sm_error *err)
{
    char k[8];
    snprintf(k, sizeof k, "%d", kind);
    const char *p[] = {kind >= 0 ? k : NULL, owner, rome};
    PGresult *r;
    if (sm_db_exec(c,
                   "SELECT count(*) FROM offers WHERE ($1::smallint IS NULL OR kind = $1) AND "
                   "($2::text IS NULL OR owner = $2) AND ($3::text IS NULL OR doc->>'rome' = $3)",
                   3, p, &r, err))
        return SM_EIO;
    *count = (size_t)atoll(PQgetvalue(r, 0, 0));
    PQclear(r);
    return SM_OK;
}

int sm_store_stream_offers(PGconn *c, sm_copy_sink sink, void *ctx, sm_error *err)
{
    return sm_copy_out(c,
                       "COPY (SELECT id, kind, doc->>'title', skills, teaches, lat, lon, remote, "
                       "hours, valid_from, valid_through, occupation, flags, org_kind, "
                       "contract_type, duration_hours, cost, seats, funding, start_dates FROM "
                       "offers) TO STDOUT",
                       sink, ctx, err);
}
