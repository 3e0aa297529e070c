/* changes.c: the change feed read (see changes.h). */
#include "sql/changes.h"
#include "sql/db.h"

#include <stdio.h>
#include <stdlib.h>

int sm_store_changes_page(PGconn *c, int offers_only, long long since, size_t limit, sm_rows **out,
                          size_t *total, sm_error *err)
{
    *out = NULL;
    char since_t[24], lim[24];
    snprintf(since_t, sizeof since_t, "%lld", since);
    snprintf(lim, sizeof lim, "%zu", limit);
    const char *p[] = {since_t, lim};
    PGresult *r, *t;
    if (sm_db_exec(c,
                   !offers_only
                       ? "SELECT seq, object, id, op, kind, to_char(at AT TIME ZONE 'UTC', "
                         "'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') FROM changes WHERE seq > $1 "
                         "ORDER BY seq LIMIT $2"
                       : "SELECT offer_seq, object, id, op, kind, to_char(at AT TIME ZONE "
                         "'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') FROM changes WHERE "
                         "offer_seq > $1 ORDER BY offer_seq LIMIT $2",
                   2, p, &r, err))
        return SM_EIO;
    if (sm_db_exec(c,
                   !offers_only ? "SELECT count(*) FROM changes WHERE seq > $1"
                                : "SELECT count(*) FROM changes WHERE offer_seq > $1",
                   1, p, &t, err)) {
        PQclear(r);
        return SM_EIO;
    }
    *total = (size_t)atoll(PQgetvalue(t, 0, 0));
    PQclear(t);
    return sm__rows_wrap(r, out);
}

sm_change_entry sm_change_entries_at(const sm_rows *rows, size_t i)
{
    const char *kind = sm__rows_text(rows, i, 4);
    sm_change_entry e = {atoll(sm__rows_text(rows, i, 0)), sm__rows_text(rows, i, 1),
                         sm__rows_text(rows, i, 2),        sm__rows_text(rows, i, 3),
                         sm__rows_text(rows, i, 5),        *kind ? atoi(kind) : -1};
    return e;
}
