/*
 * profiles.h: statements about stored profiles, with their parameters built and rows decoded
 * here, so that no handler builds SQL or parses a row: writes, erasure (the profile, its seeker
 * keys, the idempotency copies about it and a change-feed entry), reads for display and
 * export, and the row matching reads.
 */
#ifndef SM_SQL_PROFILES_H
#define SM_SQL_PROFILES_H

#include "matcher/matcher.h"
#include "sql/copy.h"
#include "sql/rows.h"
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

/* A profile row as stored: its JSON document beside the columns the index is rebuilt from. */
typedef struct sm_profile_row {
    const char *id;
    const char *owner; /* the organisation that created it; NULL: the person themself */
    const char *doc;
    const int32_t *skills; /* packed claims */
    size_t skill_count;
    int located;
    double lat, lon;
    float radius_km;
    unsigned constraints, consent;
} sm_profile_row;

/* Inserts row: SM_OK with *version, or SM_EIO with err set. */
int sm_store_profile_insert(PGconn *c, const sm_profile_row *row, long long *version,
                            sm_error *err);
/* Replaces profile row->id as guard allows: SM_OK with its new *version, SM_ESTALE when it is
 * there for this writer in another version (*version: the one there is), SM_ENOTFOUND, or
 * SM_EIO with err set. */
int sm_store_profile_update(PGconn *c, const sm_profile_row *row, const sm_row_guard *guard,
                            long long *version, sm_error *err);
/* The change-feed entry of a profile written, under its feed name (sm_feed_id, never its
 * id): SM_OK or SM_EIO. */
int sm_store_profile_changed(PGconn *c, const char *feed_name, sm_error *err);
/* Erases profile id as guard allows, with its seeker keys and the idempotency copies about it,
 * and notes the erasure in the change feed under feed_name (in the caller's transaction): as
 * sm_store_profile_update. */
int sm_store_profile_erase(PGconn *c, const char *id, const char *feed_name,
                           const sm_row_guard *guard, long long *version, sm_error *err);

/* The stored document (*doc to free with sm_free) and version of profile id for a reader of
 * organisation owner ("" for none), any for an admin or the person's key: SM_OK,
 * SM_ENOTFOUND, SM_ENOMEM, or SM_EIO with err set. */
int sm_store_profile_doc(PGconn *c, const char *id, const char *owner, int any, char **doc,
                         long long *version, sm_error *err);

/* A profile as shown, one of the sm_rows sm_store_profile_get returns. */
typedef struct sm_profile_shown {
    const char *doc, *owner, *created_at, *updated_at; /* owner: "" when self-created */
    long long version;
    const char *last_used_at; /* the retention clock's start (migration 009) */
} sm_profile_shown;
/* Profile id for that reader, as sm_store_profile_doc: SM_OK with *out (one row), ... */
int sm_store_profile_get(PGconn *c, const char *id, const char *owner, int any, sm_rows **out,
                         sm_error *err);
sm_profile_shown sm_profile_rows_at(const sm_rows *rows, size_t index);

/* What an export shows of a profile's keys and change-feed entries, in order. */
typedef struct sm_key_shown {
    long long id;
    const char *role, *created_at, *revoked_at; /* revoked_at: "" when in use */
} sm_key_shown;
typedef struct sm_change_shown {
    long long seq;
    const char *op, *at;
} sm_change_shown;
int sm_store_profile_keys(PGconn *c, const char *id, sm_rows **out, sm_error *err);
sm_key_shown sm_key_rows_at(const sm_rows *rows, size_t index);
/* (changes: by the profile's feed name, sm_feed_id) */
int sm_store_profile_changes(PGconn *c, const char *feed_name, sm_rows **out, sm_error *err);
sm_change_shown sm_change_rows_at(const sm_rows *rows, size_t index);
/* What the person said of a match (migration 008): one added (SM_OK with *out, one row),
 * and all of a profile's, oldest first. */
typedef struct sm_feedback_shown {
    long long id;
    const char *offer_id, *kind, *comment, *at;
    const char *profile_id; /* sm_store_feedback_page only, else "" */
} sm_feedback_shown;
int sm_store_feedback_add(PGconn *c, const char *profile_id, const char *offer_id, const char *kind,
                          const char *comment, sm_rows **out, sm_error *err);
int sm_store_profile_feedback(PGconn *c, const char *profile_id, sm_rows **out, sm_error *err);
/* Every profile's, after id `after`, at most limit, for review: profile_id set. */
int sm_store_feedback_page(PGconn *c, long long after, size_t limit, sm_rows **out, sm_error *err);
sm_feedback_shown sm_feedback_rows_at(const sm_rows *rows, size_t index);

/* The answers kept for Idempotency-Keys that tell of the profile (its creation, matches on
 * it), oldest first. */
typedef struct sm_answer_shown {
    unsigned status;
    const char *body, *created_at;
} sm_answer_shown;
int sm_store_profile_answers(PGconn *c, const char *id, sm_rows **out, sm_error *err);
sm_answer_shown sm_answer_rows_at(const sm_rows *rows, size_t index);

/* Profiles neither used nor changed for days days (last_used_at, migration 009), at most
 * limit: rows of ids (sm_profile_id_rows_at). */
int sm_store_profiles_unused(PGconn *c, int days, size_t limit, sm_rows **out, sm_error *err);
/* In the caller's transaction, locks profile id when it is still unused for days days (a use
 * committed meanwhile waits, or is seen): SM_OK, SM_ENOTFOUND (used since, or gone), SM_EIO. */
int sm_store_profile_lock_unused(PGconn *c, const char *id, int days, sm_error *err);
const char *sm_profile_id_rows_at(const sm_rows *rows, size_t index);

/* The consent and contact of profiles (for candidates' names): rows of sm_contact_shown. */
typedef struct sm_contact_shown {
    const char *id;
    unsigned consent;
    const char *contact; /* JSON text, "" when none */
} sm_contact_shown;
/* Profiles ids[0..n) (UUIDs): SM_OK with *out, SM_ENOMEM, or SM_EIO with err set. */
int sm_store_profile_contacts(PGconn *c, const char *const *ids, size_t n, sm_rows **out,
                              sm_error *err);
sm_contact_shown sm_contact_rows_at(const sm_rows *rows, size_t index);

/* Every profile row, streamed (COPY) to sink, with these columns in this order: id, skills,
 * lat, lon, radius_km, constraints, consent. As sm_copy_out. */
int sm_store_stream_profiles(PGconn *c, sm_copy_sink sink, void *ctx, sm_error *err);

#endif
