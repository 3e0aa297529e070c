/*
 * retention.h: profiles are kept serve --retention-days (default 730) after their last use
 * (a read or change with the person's key or by their organisation, or any change: the
 * profiles' last_used_at, migration 009), then erased by the writer thread as a DELETE would
 * erase them, with an audit entry "profile.expire" by "system".
 */
#ifndef SM_RETENTION_H
#define SM_RETENTION_H

#include "api/service.h"

/* Erases at most max profiles unused for s->retention_days, each in its own transaction on c
 * (the writer's), then from the index and the key cache. Returns how many, or an error (< 0)
 * with err set. The writer thread only. */
int sm_retention_erase(sm_service *s, PGconn *c, size_t max, sm_error *err);

#endif
