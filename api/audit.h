/*
 * audit.h: the audit trail of personal data as the server keeps it (GDPR articles 5(2), 30,
 * 32). A change of a profile is written in the change's own transaction (api/writer.c); a read
 * (a profile shown, exported, matched on; a candidate's contact shown) is noted here in
 * memory and written by the writer thread within a second or so, in one statement, with the
 * restart of the profile's retention clock when the person or their organisation used it.
 * Entries name the actor by key number and the profile by its keyed hash (sm_feed_id), and
 * hold nothing of the profile.
 */
#ifndef SM_AUDIT_H
#define SM_AUDIT_H

#include "api/http.h"

#include <libpq-fe.h>

typedef struct sm_audit sm_audit;

int sm_audit_open(const unsigned char feed_key[32], sm_audit **out);
/* Frees what is left unwritten (sm_audit_flush first). NULL is a no-op. */
void sm_audit_close(sm_audit *a);

/* The actor of who: "key:ID", or "anonymous" without a key. */
void sm_audit_actor(const sm_principal *who, char out[32]);

/* Notes that who did action ("profile.read", at most 31 bytes) on profile id; use: the
 * person's own key or their organisation, whose use restarts the retention clock. Never fails
 * the request: past 65,536 unwritten entries (the database away for long) an entry is counted
 * lost (sm_audit_lost) and the first of a series is logged. */
void sm_audit_note(sm_audit *a, const sm_principal *who, const char *action, const char *profile_id,
                   int use);

/* Writes the entries noted so far (the writer thread): SM_OK, or an error with err set and
 * the entries kept for the next call. */
int sm_audit_flush(sm_audit *a, PGconn *c, sm_error *err);

/* Whether a use of profile_id is noted and not yet written (the retention job then leaves the
 * profile: its clock is about to restart). */
int sm_audit_pending_use(sm_audit *a, const char *profile_id);

/* Entries lost so far, and waiting now (metrics). */
void sm_audit_stats(sm_audit *a, unsigned long long *lost, unsigned *waiting);

#endif
