/*
 * strmap.c: open-addressing hash table from byte strings to uint32_t.
 *
 * Invariants: slot_count is a power of two; count <= 3/4 slot_count; a slot
 * with key == NULL is empty (no deletions, so probing stops at the first
 * empty slot). Each slot caches the full 64-bit hash so most mismatches cost
 * no memcmp. Key bytes live in arena chunks that are never reallocated.
 */
#include "taxonomy/base/strmap.h"
#include "taxonomy/base/alloc.h"
#include "taxonomy/base/error.h"
#include "taxonomy/base/probe.h"

#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <xxhash.h>

typedef struct slot {
    uint64_t hash;
    const char *key;
    uint32_t len;
    uint32_t value;
} slot;

typedef struct chunk {
    struct chunk *next;
    size_t used, size;
    char data[];
} chunk;

struct sm_strmap {
    slot *slots;
    size_t slot_count, count, max_probe, key_bytes;
    sm_hash_fn hash;
    uint64_t seed;
    chunk *chunks;
};

uint64_t sm_hash_bytes(const void *key, size_t len, uint64_t seed)
{
    return XXH3_64bits_withSeed(key, len, seed);
}

uint64_t sm_random_seed(void)
{
    uint64_t seed = 0;
    if (getrandom(&seed, sizeof seed, GRND_NONBLOCK) != (ssize_t)sizeof seed) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        seed = (uint64_t)now.tv_nsec * 0x9E3779B97F4A7C15ull ^ (uint64_t)(uintptr_t)&now;
    }
    return seed;
}

sm_strmap *sm_strmap_new_with_hash(sm_hash_fn hash, uint64_t seed)
{
    sm_strmap *map = sm_calloc(1, sizeof *map);
    if (!map)
        return NULL;
    map->slot_count = 64;
    map->slots = sm_calloc(map->slot_count, sizeof *map->slots);
    if (!map->slots) {
        sm_free(map);
        return NULL;
    }
    map->hash = hash;
    map->seed = seed;
    return map;
}

sm_strmap *sm_strmap_new(void)
{
    return sm_strmap_new_with_hash(sm_hash_bytes, sm_random_seed());
}

void sm_strmap_free(sm_strmap *map)
{
    if (!map)
        return;
    for (chunk *c = map->chunks, *next; c; c = next) {
        next = c->next;
        sm_free(c);
    }
    sm_free(map->slots);
    sm_free(map);
}

/* A key as the probe compares it. */
typedef struct key_ref {
    const void *bytes;
    size_t len;
} key_ref;

static inline int slot_empty(void *ctx, const slot *s)
{
    (void)ctx;
    return !s->key;
}

static inline int slot_matches(void *ctx, const slot *s, uint64_t hash, const key_ref *k)
{
    (void)ctx;
    return s->hash == hash && s->len == k->len && memcmp(s->key, k->bytes, k->len) == 0;
}

SM_PROBE_DEFINE(slot_probe, slot, key_ref, void *, slot_empty, slot_matches)

static slot *find_slot(const sm_strmap *map, const void *key, size_t len, uint64_t hash,
                       size_t *probes)
{
    key_ref k = {key, len};
    return &map->slots[slot_probe_find(NULL, map->slots, map->slot_count, hash, &k, probes)];
}

int sm_strmap_get(const sm_strmap *map, const void *key, size_t len, uint32_t *value)
{
    slot *s = find_slot(map, key, len, map->hash(key, len, map->seed), NULL);
    if (!s->key)
        return 0;
    if (value)
        *value = s->value;
    return 1;
}

int sm_strmap_set(sm_strmap *map, const void *key, size_t len, uint32_t value)
{
    slot *s = find_slot(map, key, len, map->hash(key, len, map->seed), NULL);
    if (!s->key)
        return 0;
    s->value = value;
    return 1;
}

static int grow(sm_strmap *map)
{
    size_t new_count = map->slot_count * 2;
    slot *fresh = sm_calloc(new_count, sizeof *fresh);
    if (!fresh)
        return SM_ENOMEM;
    for (size_t i = 0; i < map->slot_count; i++) {
        slot *s = &map->slots[i];
        if (!s->key)
            continue;
        fresh[slot_probe_free_slot(NULL, fresh, new_count, s->hash)] = *s;
    }
    sm_free(map->slots);
    map->slots = fresh;
    map->slot_count = new_count;
    return SM_OK;
}

static const char *copy_key(sm_strmap *map, const void *key, size_t len)
{
    chunk *c = map->chunks;
    if (!c || c->size - c->used < len) {
        size_t size = len > 60000 ? len : 65536 - sizeof(chunk);
        chunk *fresh = sm_malloc(sizeof(chunk) + size);
        if (!fresh)
            return NULL;
        fresh->size = size;
        fresh->used = 0;
        fresh->next = c;
        map->chunks = c = fresh;
    }
    char *dst = c->data + c->used;
    if (len)
        memcpy(dst, key, len);
    c->used += len;
    map->key_bytes += len;
    return dst;
}

int sm_strmap_put(sm_strmap *map, const void *key, size_t len, uint32_t value, uint32_t *existing)
{
    if (len > UINT32_MAX)
        return SM_EINVAL;
    uint64_t hash = map->hash(key, len, map->seed);
    size_t probes;
    slot *s = find_slot(map, key, len, hash, &probes);
    if (s->key) {
        if (existing)
            *existing = s->value;
        return 0;
    }
    if ((map->count + 1) * 4 > map->slot_count * 3) {
        if (grow(map) != SM_OK)
            return SM_ENOMEM;
        s = find_slot(map, key, len, hash, &probes);
    }
    const char *copy = copy_key(map, key, len);
    if (!copy)
        return SM_ENOMEM;
    /* copy_key never returns NULL on success, even for a zero-length key, so
     * the slot is marked used. */
    s->key = copy;
    s->hash = hash;
    s->len = (uint32_t)len;
    s->value = value;
    map->count++;
    if (probes > map->max_probe)
        map->max_probe = probes;
    return 1;
}

size_t sm_strmap_count(const sm_strmap *map)
{
    return map->count;
}

size_t sm_strmap_memory(const sm_strmap *map)
{
    size_t bytes = sizeof *map + map->slot_count * sizeof(slot);
    for (const chunk *c = map->chunks; c; c = c->next)
        bytes += sizeof *c + c->size;
    return bytes;
}

size_t sm_strmap_max_probe(const sm_strmap *map)
{
    return map->max_probe;
}
