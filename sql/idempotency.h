/*
 * idempotency.h: the first answer to a POST with an Idempotency-Key, kept a day per scope (the
 * key's, or the address's without one) and key, with the SHA-256 of the request it answered.
 */
#ifndef SM_SQL_IDEMPOTENCY_H
#define SM_SQL_IDEMPOTENCY_H

#include "taxonomy/base/error.h"

#include <libpq-fe.h>

/*
 * The answer kept for (scope, key) in the last day: SM_OK with *same set when it answered the
 * request whose hash is given, its *status and *body (to free with free(): an answer's body is
 * libc's), SM_ENOTFOUND, SM_ENOMEM, or SM_EIO with err set.
 */
int sm_idem_find(PGconn *c, const char *scope, const char *key, const unsigned char hash[32],
                 int *same, unsigned *status, char **body, sm_error *err);

/* Keeps the answer (status, body) to the request hash for (scope, key), unless one is kept
 * already; profile_id (or NULL): the stored profile the request read, so that the answer is
 * erased with it and listed in its export. SM_OK or SM_EIO with err set. */
int sm_idem_keep(PGconn *c, const char *scope, const char *key, const unsigned char hash[32],
                 unsigned status, const char *body, const char *profile_id, sm_error *err);

/* Keeps the answer to a write in the write's own transaction (profile_id: the profile it
 * created, so that erasing the profile erases this copy of its key; NULL for none): SM_OK or
 * SM_EIO with err set (a conflict included: the transaction then fails). */
int sm_idem_store(PGconn *c, const char *scope, const char *key, const unsigned char hash[32],
                  unsigned status, const char *body, const char *profile_id, sm_error *err);

/* Forgets the answers kept more than a day: SM_OK or SM_EIO with err set. */
int sm_idem_purge(PGconn *c, sm_error *err);

#endif
