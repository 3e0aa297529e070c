/*
 * places.h: the places table (migration 011): replaced whole by an import, streamed into a
 * gazetteer (taxonomy/places.h) when the server loads a generation.
 */
#ifndef SM_SQL_PLACES_H
#define SM_SQL_PLACES_H

#include "taxonomy/base/error.h"
#include "taxonomy/places.h"

#include <libpq-fe.h>

/* Replaces every stored place with p's, in one transaction, and notes the import (source):
 * SM_OK, SM_ENOMEM, or SM_EIO with err set (nothing changed). */
int sm_store_places_replace(PGconn *c, const sm_places *p, const char *source, sm_error *err);
/* The stored places as a gazetteer (*out: NULL when there are none): SM_OK, SM_ENOMEM, or
 * SM_EIO / SM_EINVAL with err set. */
int sm_store_places_load(PGconn *c, sm_places **out, sm_error *err);

#endif
