/*
 * rome.h: the ROME tables (migration 012): replaced whole by an import, read back into the
 * repertoire (taxonomy/rome.h) when the server loads a generation.
 */
#ifndef SM_SQL_ROME_H
#define SM_SQL_ROME_H

#include "taxonomy/base/error.h"
#include "taxonomy/rome.h"

#include <libpq-fe.h>

/* Replaces the stored repertoire with r, in one transaction (COPY), and notes the import
 * (source): SM_OK, SM_ENOMEM, or SM_EIO with err set (nothing changed). */
int sm_store_rome_replace(PGconn *c, const sm_rome *r, const char *source, sm_error *err);
/* The stored repertoire (*out: NULL when none was imported): SM_OK, SM_ENOMEM, or SM_EIO /
 * SM_EINVAL with err set. */
int sm_store_rome_load(PGconn *c, sm_rome **out, sm_error *err);

#endif
