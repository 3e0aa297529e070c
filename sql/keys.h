/*
 * keys.h: API keys. A key is "smk_" and 43 base64url characters (32 random
 * bytes from OpenSSL's RAND_bytes); PostgreSQL keeps only its SHA-256, so a
 * stolen database gives no usable key. The key itself is shown once.
 */
#ifndef SM_KEYS_H
#define SM_KEYS_H

#include "taxonomy/error.h"

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

#define SM_KEY_LEN 47 /* "smk_" + 43 */

typedef enum sm_role {
    SM_ROLE_NONE = 0,
    SM_ROLE_ADMIN,
    SM_ROLE_INCLUSION_ORG,
    SM_ROLE_TRAINING_PROVIDER,
    SM_ROLE_SEEKER
} sm_role;

const char *sm_role_name(sm_role role);
/* The role with this name, SM_ROLE_NONE when none. */
sm_role sm_role_parse(const char *name);

/* Writes a new key (SM_KEY_LEN chars + NUL) into out; SM_EIO when no randomness. */
int sm_key_generate(char out[SM_KEY_LEN + 1]);
/* SHA-256 of the len bytes at key. */
void sm_key_hash(const char *key, size_t len, unsigned char hash[32]);
/* 16 random bytes as a version-4 UUID in text (36 chars + NUL). */
int sm_uuid_generate(char out[37]);
/* Random bytes; SM_EIO when none. */
int sm_random_bytes(void *buf, size_t len);

/*
 * Creates a key for org with role (profile_id: the profile a seeker key is
 * bound to, else NULL; rate_limit: requests a minute, 0 for the default).
 * Writes the key into key_out and its id into *id. Runs in the caller's
 * transaction when there is one.
 */
int sm_key_create(PGconn *c, const char *org, sm_role role, const char *profile_id,
                  int rate_limit, char key_out[SM_KEY_LEN + 1], long long *id, sm_error *err);

#endif
