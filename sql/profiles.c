/* profiles.c: statements about stored profiles and their rows (see profiles.h). */
#include "sql/profiles.h"
#include "sql/db.h"

#include <stdlib.h>
#include <string.h>

/* Reads a PostgreSQL integer array ("{1,2,3}") into out, at most cap values; their count. */
static size_t int_array(const char *text, int32_t *out, size_t cap)
{
    size_t n = 0;
    const char *at = *text == '{' ? text + 1 : text;
    while (*at && *at != '}' && n < cap) {
        char *end;
        long v = strtol(at, &end, 10);
        if (end == at)
            break;
        out[n++] = (int32_t)v;
        at = *end == ',' ? end + 1 : end;
    }
    return n;
}

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
    out->claim_count = int_array(PQgetvalue(r, 0, 0), out->claims, SM_MAX_PROFILE_SKILLS);
    out->located = !PQgetisnull(r, 0, 1) && !PQgetisnull(r, 0, 2);
    out->lat = atof(PQgetvalue(r, 0, 1));
    out->lon = atof(PQgetvalue(r, 0, 2));
    out->radius_km = (float)atof(PQgetvalue(r, 0, 3));
    out->constraints = (unsigned)atoi(PQgetvalue(r, 0, 4));
    PQclear(r);
    return SM_OK;
}
