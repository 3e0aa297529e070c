/*
 * strmap.h: a hash table from byte strings to uint32_t values.
 *
 * Open addressing with linear probing over a power-of-two slot array, load
 * kept at or below 0.75. Keys are hashed with XXH3-64 under a seed drawn from
 * the kernel's random source when the map is made, so crafted keys cannot be
 * chosen to collide. The map owns copies of its keys (in chunks that never
 * move), so callers may free or reuse their key buffers after an insert.
 */
#ifndef SM_STRMAP_H
#define SM_STRMAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct sm_strmap sm_strmap;

/* A hash function over (key, len, seed); tests inject degenerate ones. */
typedef uint64_t (*sm_hash_fn)(const void *key, size_t len, uint64_t seed);

/* Returns a new empty map, or NULL when out of memory. Free with sm_strmap_free. */
sm_strmap *sm_strmap_new(void);
/* As sm_strmap_new, with a given hash function and seed (tests). */
sm_strmap *sm_strmap_new_with_hash(sm_hash_fn hash, uint64_t seed);
/* Frees the map and its key copies; NULL is a no-op. */
void sm_strmap_free(sm_strmap *map);

/*
 * Looks key up. Returns 1 and stores its value in *value (if value is not
 * NULL) when present, else 0.
 */
int sm_strmap_get(const sm_strmap *map, const void *key, size_t len, uint32_t *value);

/*
 * Inserts key with value unless present. Returns 1 when inserted, 0 when the
 * key was already there (then *existing, if not NULL, receives the present
 * value and nothing changes), or SM_ENOMEM (map unchanged).
 */
int sm_strmap_put(sm_strmap *map, const void *key, size_t len, uint32_t value, uint32_t *existing);

/* Replaces the value of a present key; returns 1, or 0 when absent. */
int sm_strmap_set(sm_strmap *map, const void *key, size_t len, uint32_t value);

size_t sm_strmap_count(const sm_strmap *map);
/* Bytes of memory the map holds (slots and key copies). */
size_t sm_strmap_memory(const sm_strmap *map);
/* Longest probe sequence seen by an insert: a health measure for tests. */
size_t sm_strmap_max_probe(const sm_strmap *map);

/* The default hash: XXH3-64 with seed. */
uint64_t sm_hash_bytes(const void *key, size_t len, uint64_t seed);
/* A fresh random 64-bit seed from the kernel (falls back to time and address). */
uint64_t sm_random_seed(void);

#endif
