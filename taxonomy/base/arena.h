/*
 * arena.h: per-request memory, freed in one place (as h2o's per-request pool). An arena
 * hands out blocks from a chain of chunks and frees them all at once when the request ends;
 * freeing one block alone does nothing.
 *
 * jansson allocates through sm_json_malloc / sm_json_free (json_set_alloc_funcs, once, at
 * start): while a thread has entered an arena, every JSON value it makes comes from there.
 * A value must not outlive its request: what leaves it (an answer's text, a document handed
 * to the writer thread) is written out of the arena first (sm_json_text in api/http.h).
 * A thread without an arena allocates through the seam (alloc.h), as before.
 */
#ifndef SM_ARENA_H
#define SM_ARENA_H

#include <stddef.h>

typedef struct sm_arena_chunk sm_arena_chunk;

typedef struct sm_arena {
    sm_arena_chunk *chunks; /* newest first; blocks are taken from the newest */
    size_t blocks, bytes;   /* handed out since sm_arena_init: what a request used */
} sm_arena;

/* An empty arena (no memory held until the first block). */
void sm_arena_init(sm_arena *a);
/* size bytes aligned for any type, or NULL when out of memory (the seam's failure
 * injection counts each block, as for sm_malloc). */
void *sm_arena_alloc(sm_arena *a, size_t size);
/* Whether p is a block of a. */
int sm_arena_owns(const sm_arena *a, const void *p);
/* Frees every block at once; a is empty again. */
void sm_arena_free(sm_arena *a);

/* Makes a the calling thread's arena (NULL: none) and returns the one it replaces, to be
 * restored with another sm_arena_enter when the request ends. */
sm_arena *sm_arena_enter(sm_arena *a);

/* jansson's allocator: from the thread's arena when it has one, else the seam. A block of
 * the thread's arena is freed with the arena; any other goes back to the seam. */
void *sm_json_malloc(size_t size);
/* How many JSON allocations the calling thread was refused so far: a step that builds JSON
 * compares it before and after to know that nothing it built was silently cut short (jansson
 * leaves a member out when the value for it could not be made). */
unsigned long sm_json_failures(void);
void sm_json_free(void *p);

#endif
