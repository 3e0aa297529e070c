/*
 * retention.h: profiles are kept serve --retention-days (default 730) after their last use
 * (a read or change with the person's key or by their organisation, or any change: the
 * profiles' last_used_at, migration 009), then erased by the writer thread as a DELETE would
 * erase them, with an audit entry "profile.expire" by "system".
 */
#ifndef SM_RETENTION_H
#define SM_RETENTION_H

#include "api/service.h"

/* Erases profiles unused for s->retention_days, each in its own transaction on c (the
 * writer's; locked and checked again there, and skipped while a read of it waits in the audit
 * queue), then from the index and the key cache, for about budget_s seconds so that queued
 * writes wait no longer. Returns how many, with *more set when others are due now, or an
 * error (< 0) with err set when they could not be looked for. The writer thread only. */
int sm_retention_erase(sm_service *s, PGconn *c, double budget_s, int *more, sm_error *err);

#endif
