/*
 * probe.h: the one open-addressing probe of the code, macro-typed so that each table keeps
 * direct, inlined comparisons. The tables (sm_strmap, the server's key cache, the path
 * search's table of sets) differ in what a slot holds and when they grow; they find a key,
 * and a free slot, the same way: linear probing over a power-of-two array that is never full.
 *
 * SM_PROBE_DEFINE(name, Slot, Key, C, empty, matches) defines, for a slot type Slot, a key
 * type Key and a context C handed to empty(C ctx, const Slot *s) (the slot is free) and
 * matches(C ctx, const Slot *s, uint64_t hash, const Key *key) (the slot holds key):
 *   name_find(ctx, slots, cap, hash, key, &probes)  the index of the slot holding key, or of
 *                                                   the free slot where it would go; probes
 *                                                   (may be NULL): the slots passed;
 *   name_free_slot(ctx, slots, cap, hash)           the first free slot from hash's, for a
 *                                                   key known to be absent (a rehash).
 */
#ifndef SM_PROBE_H
#define SM_PROBE_H

#include <stddef.h>
#include <stdint.h>

#define SM_PROBE_DEFINE(name, Slot, Key, C, empty, matches)                                        \
    static inline __attribute__((unused)) size_t name##_find(                                      \
        C ctx, const Slot *slots, size_t cap, uint64_t hash, const Key *key, size_t *probes)       \
    {                                                                                              \
        size_t mask = cap - 1, i = (size_t)hash & mask, n = 0;                                     \
        while (!empty(ctx, &slots[i]) && !matches(ctx, &slots[i], hash, key)) {                    \
            i = (i + 1) & mask;                                                                    \
            n++;                                                                                   \
        }                                                                                          \
        if (probes)                                                                                \
            *probes = n;                                                                           \
        return i;                                                                                  \
    }                                                                                              \
    static inline __attribute__((unused))                                                          \
    size_t name##_free_slot(C ctx, const Slot *slots, size_t cap, uint64_t hash)                   \
    {                                                                                              \
        size_t mask = cap - 1, i = (size_t)hash & mask;                                            \
        while (!empty(ctx, &slots[i]))                                                             \
            i = (i + 1) & mask;                                                                    \
        return i;                                                                                  \
    }

#endif
