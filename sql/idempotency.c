/* idempotency.c: answers kept for Idempotency-Keys (see idempotency.h). */
#include "sql/idempotency.h"
#include "sql/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sm_idem_find(PGconn *c, const char *scope, const char *key, const unsigned char hash[32],
                 int *same, unsigned *status, char **body, sm_error *err)
{
    *same = 0;
    *status = 0;
    *body = NULL;
    const char *p[] = {scope, key};
    PGresult *r;
    if (sm_db_exec(c,
                   "SELECT request, status, body FROM idempotency WHERE scope = $1 AND key = "
                   "$2 AND created_at > now() - interval '1 day'",
                   2, p, &r, err))
        return SM_EIO;
    if (PQntuples(r) != 1) {
        PQclear(r);
        return SM_ENOTFOUND;
    }
    size_t n = 0;
    unsigned char *stored = PQunescapeBytea((const unsigned char *)PQgetvalue(r, 0, 0), &n);
    *same = stored && n == 32 && memcmp(stored, hash, 32) == 0;
    PQfreemem(stored);
    *status = (unsigned)atoi(PQgetvalue(r, 0, 1));
    *body = strdup(PQgetvalue(r, 0, 2));
    PQclear(r);
    return *body ? SM_OK : SM_ENOMEM;
}

int sm_idem_keep(PGconn *c, const char *scope, const char *key, const unsigned char hash[32],
                 unsigned status, const char *body, const char *profile_id, sm_error *err)
{
    char st[8];
    snprintf(st, sizeof st, "%u", status);
    const char *p[] = {scope, key, (const char *)hash, st, body ? body : "", profile_id};
    int lengths[] = {0, 0, 32, 0, 0, 0}, formats[] = {0, 0, 1, 0, 0, 0};
    return sm_db_exec_bin(c,
                          "INSERT INTO idempotency (scope, key, request, status, body, profile_id) "
                          "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
                          6, p, lengths, formats, NULL, err);
}

int sm_idem_store(PGconn *c, const char *scope, const char *key, const unsigned char hash[32],
                  unsigned status, const char *body, const char *profile_id, sm_error *err)
{
    char st[8];
    snprintf(st, sizeof st, "%u", status);
    const char *p[] = {scope, key, (const char *)hash, st, body ? body : "", profile_id};
    int lengths[] = {0, 0, 32, 0, 0, 0}, formats[] = {0, 0, 1, 0, 0, 0};
    return sm_db_exec_bin(c,
                          "INSERT INTO idempotency (scope, key, request, status, body, profile_id) "
                          "VALUES ($1, $2, $3, $4, $5, $6)",
                          6, p, lengths, formats, NULL, err);
}

int sm_idem_purge(PGconn *c, sm_error *err)
{
    return sm_db_exec(c, "DELETE FROM idempotency WHERE created_at < now() - interval '1 day'", 0,
                      NULL, NULL, err);
}
