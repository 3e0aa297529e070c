/*
 * alloc.h: the one allocator seam. Every allocation of the core goes through
 * sm_malloc/sm_calloc/sm_realloc/sm_free, so a test can make the Nth
 * allocation fail (sm_alloc_fail_after) and check nothing leaks or crashes.
 * The functions behave like their libc namesakes: NULL on failure, sm_free(NULL)
 * is a no-op, sm_realloc leaves the old block valid when it fails.
 */
#ifndef SM_ALLOC_H
#define SM_ALLOC_H

#include <stddef.h>

void *sm_malloc(size_t size);
void *sm_calloc(size_t count, size_t size);
void *sm_realloc(void *ptr, size_t size);
void sm_free(void *ptr);
/* Returns a copy of the len bytes at s, NUL-terminated; the caller frees it. */
char *sm_strndup(const char *s, size_t len);
/* A copy of the string s; the caller frees it (NULL when out of memory). */
char *sm_strdup(const char *s);

/*
 * Test hook: after `count` more successful allocations every allocation
 * fails, until sm_alloc_fail_after(-1) restores normal behaviour.
 * Not thread-safe; tests only.
 */
void sm_alloc_fail_after(long count);
/* Test hook: how many allocations failed since the last sm_alloc_fail_after, so that a test
 * stepping N up knows when the operation it injects into stopped meeting the failure. */
long sm_alloc_failed(void);
/* The failure injection alone, for an allocator built on the seam (arena.c): 1 when the
 * allocation it is about to make must fail, counted as one of the seam's. */
int sm__alloc_inject(void);

/*
 * Grows the array *items (of *cap elements of elem_size bytes) so that it
 * can hold at least need elements. Returns 0 or SM_ENOMEM (array untouched).
 * Inline when there is room already, as on every call but a few: the query
 * loops call it for each list and block they note.
 */
int sm_grow_slow(void **items, size_t *cap, size_t need, size_t elem_size);
static inline int sm_grow(void **items, size_t *cap, size_t need, size_t elem_size)
{
    return need <= *cap ? 0 : sm_grow_slow(items, cap, need, elem_size);
}

#endif
