/*
 * messages.h: what the API says to people, in French as well as English.
 *
 * Code writes its messages in English (printf formats such as "must be a number between %g
 * and %g", or plain reasons such as "unknown field"); this catalog holds the French text of
 * each. A French format has the same conversions, in the same order, as its English one
 * (tests/unit/test_messages.c checks every pair, and that every message the routes write is
 * in the catalog), so either can be given the same arguments. Read-only; no allocation.
 */
#ifndef SM_MESSAGES_H
#define SM_MESSAGES_H

#include "taxonomy/taxonomy.h"

#include <stddef.h>

/* english in lang: the catalog's French text for SM_LANG_FR when it has one, else english. */
const char *sm_msg(const char *english, sm_lang lang);
/* Whether the catalog has a French text for english. */
int sm_msg_known(const char *english);
/* The catalog's pairs, for the tests. */
size_t sm_msg_count(void);
void sm_msg_pair(size_t i, const char **english, const char **french);
/* The title of an HTTP status (RFC 9110's reason phrase, or its French). */
const char *sm_msg_status_title(unsigned status, sm_lang lang);

#endif
