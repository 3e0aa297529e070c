/*
 * keys_cache.c: the key cache (see keys_cache.h): an open-addressing table
 * keyed by the key's SHA-256 under a read-write lock. A negative entry has
 * key_id 0 and an expiry time.
 */
#include "api/keys_cache.h"
#include "taxonomy/base/alloc.h"
#include "taxonomy/base/probe.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NEGATIVE_SECONDS 10
#define MAX_NEGATIVE 100000

typedef struct entry {
    unsigned char hash[32];
    int used;
    time_t expires; /* negative entries */
    sm_principal who;
} entry;

struct sm_keys {
    pthread_rwlock_t lock;
    entry *slots;
    size_t cap, count, negatives;
    char last_refresh[40]; /* database time of the last refresh */
};

int sm_keys_new(sm_keys **out)
{
    sm_keys *k = sm_calloc(1, sizeof *k);
    if (!k)
        return SM_ENOMEM;
    k->cap = 1024;
    k->slots = sm_calloc(k->cap, sizeof *k->slots);
    if (!k->slots) {
        sm_free(k);
        return SM_ENOMEM;
    }
    pthread_rwlock_init(&k->lock, NULL);
    *out = k;
    return SM_OK;
}

void sm_keys_free(sm_keys *k)
{
    if (!k)
        return;
    pthread_rwlock_destroy(&k->lock);
    sm_free(k->slots);
    sm_free(k);
}

/* A key's place in the table: the first bytes of its SHA-256 (already uniform). */
static uint64_t slot_hash(const unsigned char *hash)
{
    uint64_t h;
    memcpy(&h, hash, sizeof h);
    return h;
}

static inline int entry_empty(void *ctx, const entry *e)
{
    (void)ctx;
    return !e->used; /* a deleted entry (used == 2) keeps its probe chain */
}

static inline int entry_matches(void *ctx, const entry *e, uint64_t h, const unsigned char *hash)
{
    (void)ctx;
    (void)h;
    return memcmp(e->hash, hash, 32) == 0;
}

SM_PROBE_DEFINE(entry_probe, entry, unsigned char, void *, entry_empty, entry_matches)

static entry *find(const sm_keys *k, const unsigned char *hash)
{
    entry *e = &k->slots[entry_probe_find(NULL, k->slots, k->cap, slot_hash(hash), hash, NULL)];
    return e->used ? e : NULL;
}

/* Rebuilds the table at cap, dropping expired negative entries and deleted ones. */
static int rehash(sm_keys *k, size_t cap)
{
    entry *old = k->slots;
    size_t old_cap = k->cap;
    entry *slots = sm_calloc(cap, sizeof *slots);
    if (!slots)
        return SM_ENOMEM;
    k->slots = slots;
    k->cap = cap;
    k->count = k->negatives = 0;
    time_t now = time(NULL);
    for (size_t i = 0; i < old_cap; i++) {
        entry *e = &old[i];
        if (e->used != 1 || (!e->who.key_id && e->expires < now))
            continue;
        slots[entry_probe_free_slot(NULL, slots, cap, slot_hash(e->hash))] = *e;
        k->count++;
        k->negatives += !e->who.key_id;
    }
    sm_free(old);
    return SM_OK;
}

/* Inserts or replaces under the write lock. used == 2 marks a deleted entry (a tombstone). */
static void put(sm_keys *k, const unsigned char *hash, const sm_principal *who, time_t expires)
{
    if ((k->count + 1) * 2 > k->cap && rehash(k, k->count * 4 > k->cap ? k->cap * 2 : k->cap))
        return;
    entry *e = find(k, hash);
    if (!e) {
        e = &k->slots[entry_probe_free_slot(NULL, k->slots, k->cap, slot_hash(hash))];
        memcpy(e->hash, hash, 32);
        e->used = 1;
        k->count++;
        k->negatives += !who->key_id;
    }
    e->used = 1; /* also revives a tombstone of the same key */
    e->who = *who;
    e->expires = expires;
}

/* Whether the cache answers for hash (a key, or a recent miss); fills *who when it does. */
static int cached(sm_keys *k, const unsigned char *hash, time_t now, sm_principal *who)
{
    pthread_rwlock_rdlock(&k->lock);
    entry *e = find(k, hash);
    int known = e && e->used == 1 && (e->who.key_id || e->expires >= now);
    if (known)
        *who = e->who;
    pthread_rwlock_unlock(&k->lock);
    return known;
}

int sm_keys_lookup(sm_keys *k, sm_db *db, const char *key, size_t len, sm_principal *who)
{
    unsigned char hash[32];
    sm_key_hash(key, len, hash);
    time_t now = time(NULL);
    if (cached(k, hash, now, who))
        return who->key_id ? SM_OK : SM_ENOTFOUND;
    sm_error err;
    PGconn *c = sm_db_get(db, 2000, &err);
    if (!c)
        return SM_EIO;
    sm_key_row row;
    int rc = sm_key_lookup(c, hash, &row, &err);
    sm_db_put(db, c);
    if (rc == SM_EIO)
        return SM_EIO;
    sm_principal found;
    memset(&found, 0, sizeof found);
    if (rc == SM_OK) {
        found.key_id = row.id;
        found.role = row.role;
        snprintf(found.org, sizeof found.org, "%s", row.org);
        snprintf(found.profile_id, sizeof found.profile_id, "%s", row.profile_id);
        found.rate_limit = row.rate_limit;
    }
    pthread_rwlock_wrlock(&k->lock);
    if (found.key_id || k->negatives < MAX_NEGATIVE)
        put(k, hash, &found, now + NEGATIVE_SECONDS);
    pthread_rwlock_unlock(&k->lock);
    *who = found;
    return found.key_id ? SM_OK : SM_ENOTFOUND;
}

int sm_keys_cached(sm_keys *k, const char *key, size_t len)
{
    unsigned char hash[32];
    sm_principal who;
    sm_key_hash(key, len, hash);
    return cached(k, hash, time(NULL), &who);
}

void sm_keys_add(sm_keys *k, const char *key, size_t len, const sm_principal *who)
{
    unsigned char hash[32];
    sm_key_hash(key, len, hash);
    pthread_rwlock_wrlock(&k->lock);
    put(k, hash, who, 0);
    pthread_rwlock_unlock(&k->lock);
}

void sm_keys_add_seeker(sm_keys *k, const char *key, long long key_id, const char *org,
                        const char *profile_id)
{
    sm_principal who;
    memset(&who, 0, sizeof who);
    who.key_id = key_id;
    who.role = SM_ROLE_SEEKER;
    snprintf(who.org, sizeof who.org, "%s", org);
    snprintf(who.profile_id, sizeof who.profile_id, "%s", profile_id);
    sm_keys_add(k, key, strlen(key), &who);
}

/* Marks entries matching the predicate deleted (tombstones keep probe chains intact). */
static void forget_where(sm_keys *k, long long key_id, const char *profile_id)
{
    for (size_t i = 0; i < k->cap; i++) {
        entry *e = &k->slots[i];
        if (e->used == 1 && e->who.key_id &&
            ((key_id && e->who.key_id == key_id) ||
             (profile_id && strcmp(e->who.profile_id, profile_id) == 0)))
            e->used = 2;
    }
}

void sm_keys_forget_profile(sm_keys *k, const char *profile_id)
{
    pthread_rwlock_wrlock(&k->lock);
    forget_where(k, 0, profile_id);
    pthread_rwlock_unlock(&k->lock);
}

/* sm_keys_revoked_since's callback: a revoked key leaves the cache. Revocations are rare: the
 * lock is taken for each, never while the database answers. */
static void forget_revoked(void *arg, long long id)
{
    sm_keys *k = arg;
    pthread_rwlock_wrlock(&k->lock);
    forget_where(k, id, NULL);
    pthread_rwlock_unlock(&k->lock);
}

void sm_keys_refresh(sm_keys *k, PGconn *c)
{
    sm_error err;
    char now[sizeof k->last_refresh];
    if (!k->last_refresh[0]) {
        if (sm_keys_revoked_since(c, "", NULL, NULL, now, sizeof now, &err) == SM_OK)
            snprintf(k->last_refresh, sizeof k->last_refresh, "%s", now);
        return;
    }
    if (sm_keys_revoked_since(c, k->last_refresh, forget_revoked, k, now, sizeof now, &err) ==
        SM_OK)
        snprintf(k->last_refresh, sizeof k->last_refresh, "%s", now);
}
