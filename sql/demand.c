/* demand.c: the weekly history of skills demand, read (see demand.h). */
#include "sql/demand.h"
#include "sql/db.h"

#include <stdio.h>
#include <stdlib.h>

int sm_store_demand_history(PGconn *c, uint32_t cid, long long weeks, sm_rows **out, sm_error *err)
{
    *out = NULL;
    char cid_t[16], w[24];
    snprintf(cid_t, sizeof cid_t, "%u", cid);
    snprintf(w, sizeof w, "%lld", weeks);
    const char *p[] = {cid_t, w};
    PGresult *r;
    if (sm_db_exec(c,
                   "SELECT to_char(week, 'YYYY-MM-DD'), offers_essential, offers_optional, "
                   "trainings, seats, profiles, one_away, two_away FROM demand_weekly WHERE "
                   "cid = $1 AND week > (date_trunc('week', now()) - ($2 || ' weeks')::interval) "
                   "ORDER BY week",
                   2, p, &r, err))
        return SM_EIO;
    return sm__rows_wrap(r, out);
}

sm_demand_week sm_demand_weeks_at(const sm_rows *rows, size_t i)
{
    long long v[7];
    for (int k = 0; k < 7; k++)
        v[k] = atoll(sm__rows_text(rows, i, k + 1));
    sm_demand_week w = {sm__rows_text(rows, i, 0), v[0], v[1], v[2], v[3], v[4], v[5], v[6]};
    return w;
}
