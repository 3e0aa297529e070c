/* demand.c: the weekly history of skills demand, read (see demand.h). */
#include "sql/demand.h"
#include "sql/db.h"
#include "taxonomy/base/alloc.h"

#include <stdio.h>
#include <stdlib.h>

int sm_store_demand_history(PGconn *c, uint32_t cid, long long weeks, sm_rows **out, sm_error *err)
{
    char cid_t[16], w[24];
    snprintf(cid_t, sizeof cid_t, "%u", cid);
    snprintf(w, sizeof w, "%lld", weeks);
    const char *p[] = {cid_t, w};
    return sm__rows_query(
        c,
        "SELECT to_char(week, 'YYYY-MM-DD'), offers_essential, offers_optional, "
        "trainings, seats, profiles, one_away, two_away FROM demand_weekly WHERE "
        "cid = $1 AND week > (date_trunc('week', now()) - ($2 || ' weeks')::interval) "
        "ORDER BY week",
        2, p, 0, out, err);
}

sm_demand_week sm_demand_weeks_at(const sm_rows *rows, size_t i)
{
    long long v[7];
    for (int k = 0; k < 7; k++)
        v[k] = atoll(sm__rows_text(rows, i, k + 1));
    sm_demand_week w = {sm__rows_text(rows, i, 0), v[0], v[1], v[2], v[3], v[4], v[5], v[6]};
    return w;
}

int sm_store_demand_week(PGconn *c, const char *week, const sm_demand_week_row *rows, size_t n,
                         sm_error *err)
{
    if (n == 0)
        return SM_OK;
    size_t cap = n * 21 + 4;
    char *cols[8] = {0};
    int rc = SM_OK;
    for (int k = 0; k < 8 && rc == SM_OK; k++)
        if (!(cols[k] = sm_malloc(cap)))
            rc = sm_error_set(err, SM_ENOMEM, "out of memory");
    if (rc == SM_OK) {
        size_t len[8] = {0};
        for (int k = 0; k < 8; k++)
            cols[k][len[k]++] = '{';
        for (size_t i = 0; i < n; i++) {
            const sm_demand_week_row *d = &rows[i];
            long long v[8] = {d->cid,   d->offers_essential, d->offers_optional, d->trainings,
                              d->seats, d->profiles,         d->one_away,        d->two_away};
            for (int k = 0; k < 8; k++)
                len[k] +=
                    (size_t)snprintf(cols[k] + len[k], cap - len[k], i ? ",%lld" : "%lld", v[k]);
        }
        for (int k = 0; k < 8; k++)
            snprintf(cols[k] + len[k], cap - len[k], "}");
        const char *p[9] = {cols[0], cols[1], cols[2], cols[3], cols[4],
                            cols[5], cols[6], cols[7], week};
        rc = sm_db_exec(c,
                        "INSERT INTO demand_weekly (week, cid, offers_essential, offers_optional, "
                        "trainings, seats, profiles, one_away, two_away) SELECT date_trunc('week', "
                        "coalesce($9::date, now()))::date, * FROM unnest($1::int[], $2::int[], "
                        "$3::int[], $4::int[], $5::int[], $6::int[], $7::int[], $8::int[]) AS "
                        "u(cid) WHERE cid > 0 ON CONFLICT (cid, week) DO UPDATE SET "
                        "offers_essential = excluded.offers_essential, offers_optional = "
                        "excluded.offers_optional, trainings = excluded.trainings, seats = "
                        "excluded.seats, profiles = excluded.profiles, one_away = "
                        "excluded.one_away, two_away = excluded.two_away, updated_at = now()",
                        9, p, NULL, err);
    }
    for (int k = 0; k < 8; k++)
        sm_free(cols[k]);
    return rc;
}
