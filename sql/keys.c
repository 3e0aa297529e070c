/* keys.c: API key generation and storage (see keys.h). */
#include "sql/keys.h"
#include "sql/db.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const role_names[] = {"", "admin", "inclusion_org", "training_provider",
                                         "seeker"};

const char *sm_role_name(sm_role role)
{
    return role <= SM_ROLE_SEEKER ? role_names[role] : "";
}

sm_role sm_role_parse(const char *name)
{
    for (int r = SM_ROLE_ADMIN; r <= SM_ROLE_SEEKER; r++)
        if (name && strcmp(name, role_names[r]) == 0)
            return (sm_role)r;
    return SM_ROLE_NONE;
}

int sm_random_bytes(void *buf, size_t len)
{
    return RAND_bytes(buf, (int)len) == 1 ? SM_OK : SM_EIO;
}

int sm_key_generate(char out[SM_KEY_LEN + 1])
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    unsigned char raw[33];
    if (sm_random_bytes(raw, 32) != SM_OK)
        return SM_EIO;
    raw[32] = 0;
    memcpy(out, "smk_", 4);
    /* 32 bytes = 256 bits: 43 base64url characters (the last holds 4 bits). */
    for (int i = 0; i < 43; i++) {
        int bit = i * 6, byte = bit / 8, shift = bit % 8;
        unsigned v =
            ((unsigned)raw[byte] << 8 | (byte + 1 < 33 ? raw[byte + 1] : 0)) >> (10 - shift);
        out[4 + i] = alphabet[v & 63];
    }
    out[SM_KEY_LEN] = '\0';
    return SM_OK;
}

void sm_key_hash(const char *key, size_t len, unsigned char hash[32])
{
    unsigned int n = 32;
    EVP_Digest(key, len, hash, &n, EVP_sha256(), NULL);
}

void sm_keyed_hash(const unsigned char secret[32], const char *msg, size_t len,
                   unsigned char hash[32])
{
    unsigned int n = 32;
    HMAC(EVP_sha256(), secret, 32, (const unsigned char *)msg, len, hash, &n);
}

void sm_feed_id(const unsigned char secret[32], const char *profile_id, char out[37])
{
    char msg[64];
    int n = snprintf(msg, sizeof msg, "profile:%s", profile_id);
    unsigned char h[32];
    sm_keyed_hash(secret, msg, n > 0 && (size_t)n < sizeof msg ? (size_t)n : 0, h);
    h[6] = (unsigned char)((h[6] & 0x0f) | 0x80); /* version 8: a name of our own making */
    h[8] = (unsigned char)((h[8] & 0x3f) | 0x80); /* the RFC 9562 variant */
    static const char hex[] = "0123456789abcdef";
    char *o = out;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            *o++ = '-';
        *o++ = hex[h[i] >> 4];
        *o++ = hex[h[i] & 15];
    }
    *o = '\0';
}

int sm_feed_rename_profiles(PGconn *c, sm_error *err)
{
    unsigned char secret[32];
    int rc = sm_secret_read(c, "feed", secret, err);
    PGresult *r = NULL;
    /* Profile ids are of version 4, names of version 8: run again, it renames nothing twice. */
    if (rc == SM_OK && sm_db_exec(c,
                                  "SELECT DISTINCT id FROM changes WHERE object = 'profile' AND "
                                  "substr(id::text, 15, 1) <> '8'",
                                  0, NULL, &r, err))
        rc = SM_EIO;
    for (int i = 0; rc == SM_OK && i < PQntuples(r); i++) {
        char name[37];
        sm_feed_id(secret, PQgetvalue(r, i, 0), name);
        const char *p[] = {PQgetvalue(r, i, 0), name};
        rc = sm_db_exec(c, "UPDATE changes SET id = $2 WHERE object = 'profile' AND id = $1", 2, p,
                        NULL, err);
    }
    PQclear(r);
    return rc;
}

int sm_secret_read(PGconn *c, const char *name, unsigned char out[32], sm_error *err)
{
    const char *p[] = {name};
    PGresult *r;
    int lengths[] = {0}, formats[] = {0};
    if (sm_db_exec_bin(c, "SELECT value FROM server_secrets WHERE name = $1", 1, p, lengths,
                       formats, &r, err))
        return SM_EIO;
    int rc = SM_OK;
    size_t n = 0;
    unsigned char *v =
        PQntuples(r) == 1 ? PQunescapeBytea((const unsigned char *)PQgetvalue(r, 0, 0), &n) : NULL;
    if (v && n == 32)
        memcpy(out, v, 32);
    else
        rc = sm_error_set(err, SM_ENOTFOUND,
                          "the server secret %s is missing: run `skillmatch "
                          "migrate`",
                          name);
    PQfreemem(v);
    PQclear(r);
    return rc;
}

int sm_uuid_generate(char out[37])
{
    unsigned char b[16];
    if (sm_random_bytes(b, sizeof b) != SM_OK)
        return SM_EIO;
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
             b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
             b[14], b[15]);
    return SM_OK;
}

int sm_key_create(PGconn *c, const char *org, sm_role role, const char *profile_id, int rate_limit,
                  char key_out[SM_KEY_LEN + 1], long long *id, sm_error *err)
{
    if (sm_key_generate(key_out) != SM_OK)
        return sm_error_set(err, SM_EIO, "keys: no random bytes available");
    return sm_key_store(c, key_out, org, role, profile_id, rate_limit, id, err);
}

int sm_key_store(PGconn *c, const char *key, const char *org, sm_role role, const char *profile_id,
                 int rate_limit, long long *id, sm_error *err)
{
    unsigned char hash[32];
    sm_key_hash(key, strlen(key), hash);
    char limit[16];
    snprintf(limit, sizeof limit, "%d", rate_limit);
    const char *p[] = {org, sm_role_name(role), (const char *)hash, profile_id, limit};
    int lengths[] = {0, 0, 32, 0, 0};
    int formats[] = {0, 0, 1, 0, 0};
    PGresult *r;
    if (sm_db_exec_bin(c,
                       "INSERT INTO api_keys (org, role, hash, profile_id, rate_limit) VALUES "
                       "($1, $2, $3, $4, $5) RETURNING id",
                       5, p, lengths, formats, &r, err))
        return SM_EIO;
    *id = atoll(PQgetvalue(r, 0, 0));
    PQclear(r);
    return SM_OK;
}

int sm_key_lookup(PGconn *c, const unsigned char hash[32], sm_key_row *out, sm_error *err)
{
    memset(out, 0, sizeof *out);
    const char *p[] = {(const char *)hash};
    int lengths[] = {32}, formats[] = {1};
    PGresult *r;
    if (sm_db_exec_bin(c,
                       "SELECT id, role, org, COALESCE(profile_id::text, ''), rate_limit FROM "
                       "api_keys WHERE hash = $1 AND revoked_at IS NULL",
                       1, p, lengths, formats, &r, err))
        return SM_EIO;
    int found = PQntuples(r) == 1;
    if (found) {
        out->id = atoll(PQgetvalue(r, 0, 0));
        out->role = sm_role_parse(PQgetvalue(r, 0, 1));
        snprintf(out->org, sizeof out->org, "%s", PQgetvalue(r, 0, 2));
        snprintf(out->profile_id, sizeof out->profile_id, "%s", PQgetvalue(r, 0, 3));
        out->rate_limit = atoi(PQgetvalue(r, 0, 4));
    }
    PQclear(r);
    return found ? SM_OK : SM_ENOTFOUND;
}

int sm_keys_revoked_since(PGconn *c, const char *since, void (*each)(void *arg, long long id),
                          void *arg, char *now, size_t cap, sm_error *err)
{
    PGresult *r;
    if (!*since) {
        if (sm_db_exec(c, "SELECT now()::text", 0, NULL, &r, err))
            return SM_EIO;
        snprintf(now, cap, "%s", PQgetvalue(r, 0, 0));
        PQclear(r);
        return SM_OK;
    }
    const char *p[] = {since};
    if (sm_db_exec(c,
                   "SELECT id, now()::text FROM api_keys WHERE revoked_at >= $1::timestamptz - "
                   "interval '5 seconds' UNION ALL SELECT 0, now()::text",
                   1, p, &r, err))
        return SM_EIO;
    for (int i = 0; i < PQntuples(r); i++) {
        long long id = atoll(PQgetvalue(r, i, 0));
        if (id)
            each(arg, id);
    }
    snprintf(now, cap, "%s", PQgetvalue(r, PQntuples(r) - 1, 1));
    PQclear(r);
    return SM_OK;
}

int sm_keys_list(PGconn *c, sm_rows **out, sm_error *err)
{
    static const char sql[] =
        "SELECT id, role, org, COALESCE(profile_id::text, ''), rate_limit, " SM_SQL_UTC(
            "created_at") ", COALESCE(" SM_SQL_UTC("revoked_at") ", '') FROM api_keys WHERE "
                                                                 "role <> 'seeker' OR "
                                                                 "revoked_at IS NULL ORDER BY id";
    return sm__rows_query(c, sql, 0, NULL, 0, out, err);
}

sm_key_listed sm_key_listed_at(const sm_rows *rows, size_t i)
{
    sm_key_listed k = {sm__rows_text(rows, i, 0), sm__rows_text(rows, i, 1),
                       sm__rows_text(rows, i, 2), sm__rows_text(rows, i, 4),
                       sm__rows_text(rows, i, 5), sm__rows_text(rows, i, 6)};
    return k;
}

int sm_key_renew_seeker(PGconn *c, const char *profile_id, const char *key, long long *id,
                        char *org, size_t org_cap, sm_error *err)
{
    const char *p[] = {profile_id};
    PGresult *r;
    int rc = sm_db_begin(c, err);
    if (rc == SM_OK &&
        (rc = sm_db_exec(c,
                         "UPDATE api_keys SET revoked_at = now() WHERE profile_id = $1 AND role = "
                         "'seeker' AND revoked_at IS NULL RETURNING org",
                         1, p, &r, err)) == SM_OK) {
        int n = PQntuples(r);
        snprintf(org, org_cap, "%s", n ? PQgetvalue(r, 0, 0) : "");
        PQclear(r);
        if (!n)
            rc = SM_ENOTFOUND;
    }
    if (rc == SM_OK)
        rc = sm_key_store(c, key, org, SM_ROLE_SEEKER, profile_id, 0, id, err);
    if (rc == SM_OK)
        return sm_db_commit(c, err);
    sm_db_rollback(c);
    return rc;
}

int sm_key_revoke(PGconn *c, long long id, sm_error *err)
{
    char id_t[24];
    snprintf(id_t, sizeof id_t, "%lld", id);
    const char *p[] = {id_t};
    PGresult *r;
    if (sm_db_exec(c,
                   "UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL "
                   "RETURNING org",
                   1, p, &r, err))
        return SM_EIO;
    int found = PQntuples(r) == 1;
    PQclear(r);
    return found ? SM_OK : SM_ENOTFOUND;
}
