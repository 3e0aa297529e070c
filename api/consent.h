/*
 * consent.h: consent per purpose (GDPR article 7). Each purpose of a profile is recorded as
 * {"given": true|false, "at": when it was last given or withdrawn, "text_version": the
 * version of the text the person was shown}; the texts, every version in French and English,
 * live in api/consent.json (embedded at build time) and are served by GET /v1/consent.
 */
#ifndef SM_CONSENT_H
#define SM_CONSENT_H

#include "api/http.h"

/* Reads the texts (once; again while it fails): SM_OK, SM_ENOMEM, or SM_EINVAL when
 * api/consent.json is not well made (its current version missing, a text missing). */
int sm_consent_load(void);
/* The version of the texts shown now ("2026-12"; "" when they cannot be read). */
const char *sm_consent_current(void);
/* The text of purpose in version in lang; NULL when there is none. */
const char *sm_consent_text(const char *version, const char *purpose, sm_lang lang);

/*
 * Reads a profile's consent (given: the request's "consent", NULL when absent) into doc's
 * "consent" object and *bits (bits[i] for purposes[i], NULL-ended), recording field errors.
 * Each purpose is true/false (the current text) or {"given", "text_version", "at"}. prior is
 * the stored profile's "consent" (NULL for a creation): a purpose whose given and version are
 * unchanged keeps its record (and time), any other is stamped with now; an "at" sent must be
 * the stored one (the server sets it). Purposes not given: {"given": false}.
 */
void sm_consent_read(json_t *given, json_t *prior, const char *const *purposes,
                     const unsigned *bits, json_t *doc, unsigned *out, sm_field_errors *fe);

#endif
