/*
 * keys_cache.h: which principal a Bearer key stands for.
 *
 * Keys are looked up by their SHA-256: first in memory, then (on a miss) in
 * PostgreSQL through the read pool; misses are remembered for a short while
 * so guessing keys does not load the database. The writer thread calls
 * sm_keys_refresh every second or so, which drops keys revoked since the
 * last call (`keys revoke` takes effect within about 2 seconds).
 */
#ifndef SM_KEYS_CACHE_H
#define SM_KEYS_CACHE_H

#include "api/http.h"
#include "sql/db.h"

typedef struct sm_keys sm_keys;

int sm_keys_new(sm_keys **out);
void sm_keys_free(sm_keys *k);
/*
 * Fills *who for key. Returns 0, SM_ENOTFOUND (no such active key) or
 * SM_EIO (the database could not be asked).
 */
int sm_keys_lookup(sm_keys *k, sm_db *db, const char *key, size_t len, sm_principal *who);
/* Whether the answer for key is in memory (known or known unknown): no database needed. */
int sm_keys_cached(sm_keys *k, const char *key, size_t len);
/* Remembers a key the server just created. */
void sm_keys_add(sm_keys *k, const char *key, size_t len, const sm_principal *who);
/* Remembers a seeker key the server just issued for profile_id (org: the organisation that
 * created the profile, or "self"), as sm_keys_add. */
void sm_keys_add_seeker(sm_keys *k, const char *key, long long key_id, const char *org,
                        const char *profile_id);
/* Forgets every key bound to this profile (erased). */
void sm_keys_forget_profile(sm_keys *k, const char *profile_id);
/* Drops keys revoked since the last refresh. */
void sm_keys_refresh(sm_keys *k, PGconn *c);

#endif
