/* offers.c: statements about stored offers and their rows (see offers.h). */
#include "sql/offers.h"
#include "sql/db.h"
#include "taxonomy/base/alloc.h"

#include <stdlib.h>
#include <string.h>

int sm_store_offer_kind(PGconn *c, const char *id, int *kind, sm_error *err)
{
    const char *p[] = {id};
    PGresult *r;
    if (sm_db_exec(c, "SELECT kind FROM offers WHERE id = $1", 1, p, &r, err) != SM_OK)
        return SM_EIO;
    int found = PQntuples(r) == 1;
    *kind = found ? atoi(PQgetvalue(r, 0, 0)) : -1;
    PQclear(r);
    return found ? SM_OK : SM_ENOTFOUND;
}

int sm_store_offer_doc(PGconn *c, const char *id, const char *owner, int any, char **doc,
                       long long *version, sm_error *err)
{
    *doc = NULL;
    const char *p[] = {id, owner, any ? "t" : "f"};
    PGresult *r;
    if (sm_db_exec(c, "SELECT doc, version FROM offers WHERE id = $1 AND (owner = $2 OR $3)", 3, p,
                   &r, err) != SM_OK)
        return SM_EIO;
    if (PQntuples(r) != 1) {
        PQclear(r);
        return SM_ENOTFOUND;
    }
    *doc = sm_strndup(PQgetvalue(r, 0, 0), (size_t)PQgetlength(r, 0, 0));
    *version = atoll(PQgetvalue(r, 0, 1));
    PQclear(r);
    return *doc ? SM_OK : SM_ENOMEM;
}
