/* demand.h: the weekly history of skills demand as stored (published counts only), read. */
#ifndef SM_SQL_DEMAND_H
#define SM_SQL_DEMAND_H

#include "sql/rows.h"
#include "taxonomy/base/error.h"

#include <libpq-fe.h>
#include <stdint.h>

typedef struct sm_demand_week {
    const char *week; /* its Monday, YYYY-MM-DD */
    long long offers_essential, offers_optional, trainings, seats, profiles, one_away, two_away;
} sm_demand_week;

/* The stored weeks of concept cid within the last weeks weeks, oldest first: SM_OK with *out,
 * SM_ENOMEM, or SM_EIO with err set. */
int sm_store_demand_history(PGconn *c, uint32_t cid, long long weeks, sm_rows **out, sm_error *err);
sm_demand_week sm_demand_weeks_at(const sm_rows *rows, size_t index);

/* One skill's published counts of a week, as stored. */
typedef struct sm_demand_week_row {
    uint32_t cid; /* the concept's number in the database; 0 rows are skipped */
    long long offers_essential, offers_optional, trainings, seats, profiles, one_away, two_away;
} sm_demand_week_row;

/* Stores rows[0..n) as the week of week ("YYYY-MM-DD", NULL: this week), replacing what was
 * stored for it, in one statement: SM_OK, SM_ENOMEM, or SM_EIO with err set. */
int sm_store_demand_week(PGconn *c, const char *week, const sm_demand_week_row *rows, size_t n,
                         sm_error *err);

#endif
