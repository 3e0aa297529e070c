/*
 * offers.h: statements about stored offers, with their rows decoded here so that no handler
 * parses a row. (Offer writes, deletes and lists are still in api/routes_offers.c: issue 19
 * moves them next.)
 */
#ifndef SM_SQL_OFFERS_H
#define SM_SQL_OFFERS_H

#include "taxonomy/base/error.h"

#include <libpq-fe.h>

/* The kind of offer id (0 job, 1 training): SM_OK, SM_ENOTFOUND, or SM_EIO with err set. */
int sm_store_offer_kind(PGconn *c, const char *id, int *kind, sm_error *err);

/*
 * The stored document (JSON text, *doc to free with sm_free) and version of offer id when the
 * writer may change it: owner is its organisation, any is set for an admin. SM_OK,
 * SM_ENOTFOUND, SM_ENOMEM, or SM_EIO with err set.
 */
int sm_store_offer_doc(PGconn *c, const char *id, const char *owner, int any, char **doc,
                       long long *version, sm_error *err);

#endif
