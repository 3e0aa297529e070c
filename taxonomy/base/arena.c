/*
 * arena.c: per-request memory (arena.h). Chunks grow geometrically from 16 KiB to 1 MiB (a
 * larger block gets a chunk of its own), so that a small request makes one allocation from
 * the seam and a large answer a handful. Under AddressSanitizer a freed chunk is returned
 * to the seam, so that a block used after its request is reported where it is used.
 */
#include "taxonomy/base/arena.h"
#include "taxonomy/base/alloc.h"

#include <stdalign.h>
#include <stdint.h>

struct sm_arena_chunk {
    sm_arena_chunk *next;
    size_t size, used; /* of data */
    alignas(max_align_t) unsigned char data[];
};

#define FIRST_CHUNK ((size_t)16 << 10)
#define LARGEST_CHUNK ((size_t)1 << 20)
#define ALIGN alignof(max_align_t)

static _Thread_local sm_arena *current;

void sm_arena_init(sm_arena *a)
{
    a->chunks = NULL;
    a->blocks = 0;
    a->bytes = 0;
}

static sm_arena_chunk *add_chunk(sm_arena *a, size_t need)
{
    size_t size = a->chunks ? a->chunks->size * 2 : FIRST_CHUNK;
    if (size > LARGEST_CHUNK)
        size = LARGEST_CHUNK;
    if (size < need)
        size = need;
    if (size > SIZE_MAX - sizeof(sm_arena_chunk))
        return NULL;
    sm_arena_chunk *c = sm_malloc(sizeof *c + size);
    if (!c)
        return NULL;
    c->size = size;
    c->used = 0;
    c->next = a->chunks;
    a->chunks = c;
    return c;
}

void *sm_arena_alloc(sm_arena *a, size_t size)
{
    if (size > SIZE_MAX - ALIGN)
        return NULL;
    size_t rounded = (size + ALIGN - 1) & ~(ALIGN - 1);
    if (!rounded)
        rounded = ALIGN;
    sm_arena_chunk *c = a->chunks;
    if (c && c->size - c->used >= rounded) {
        if (sm__alloc_inject())
            return NULL;
    } else if (!(c = add_chunk(a, rounded)))
        return NULL;
    void *p = c->data + c->used;
    c->used += rounded;
    a->blocks++;
    a->bytes += rounded;
    return p;
}

int sm_arena_owns(const sm_arena *a, const void *p)
{
    const unsigned char *b = p;
    for (const sm_arena_chunk *c = a->chunks; c; c = c->next)
        if (b >= c->data && b < c->data + c->used)
            return 1;
    return 0;
}

void sm_arena_free(sm_arena *a)
{
    sm_arena_chunk *c = a->chunks;
    while (c) {
        sm_arena_chunk *next = c->next;
        sm_free(c);
        c = next;
    }
    sm_arena_init(a);
}

sm_arena *sm_arena_enter(sm_arena *a)
{
    sm_arena *previous = current;
    current = a;
    return previous;
}

/* JSON allocations this thread was refused (sm_json_failures). */
static _Thread_local unsigned long json_failures;

void *sm_json_malloc(size_t size)
{
    void *p = current ? sm_arena_alloc(current, size) : sm_malloc(size);
    if (!p)
        json_failures++;
    return p;
}

unsigned long sm_json_failures(void)
{
    return json_failures;
}

void sm_json_free(void *p)
{
    if (p && !(current && sm_arena_owns(current, p)))
        sm_free(p);
}
