/*
 * profiles.h: the statements about stored profiles that queries read, with their rows decoded
 * here, so that no handler parses a row. (Profile writes, reads for display, export and
 * erasure are still in api/routes_profiles.c: issue 19 moves them next.)
 */
#ifndef SM_SQL_PROFILES_H
#define SM_SQL_PROFILES_H

#include "matcher/matcher.h"
#include "taxonomy/base/error.h"

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

/* A stored profile as matching reads it: its claims as stored (packed integers, see
 * api/records.h) and its place, radius and constraints. */
typedef struct sm_profile_match_row {
    int32_t claims[SM_MAX_PROFILE_SKILLS];
    size_t claim_count;
    int located;
    double lat, lon;
    float radius_km;
    unsigned constraints;
} sm_profile_match_row;

/*
 * Reads profile id for a match when the reader may see it: owner is the reading
 * organisation ("" for none), any is set for an admin or the person's own key. SM_OK with
 * *out filled, SM_ENOTFOUND when there is no such profile for this reader, or SM_EIO with err
 * set when the database failed.
 */
int sm_store_profile_for_match(PGconn *c, const char *id, const char *owner, int any,
                               sm_profile_match_row *out, sm_error *err);

#endif
