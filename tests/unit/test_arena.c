/* test_arena.c: per-request memory (taxonomy/base/arena.h): blocks aligned and kept apart,
 * across chunks and for large blocks; jansson's values from the thread's arena while it has
 * one and from the seam otherwise; each block counted by the seam's failure injection. */
#include "taxonomy/base/alloc.h"
#include "taxonomy/base/arena.h"
#include "tests/unit/check.h"

#include <stdalign.h>
#include <stdint.h>
#include <string.h>

static void blocks_aligned_apart_and_freed_at_once(void)
{
    sm_arena a;
    sm_arena_init(&a);
    unsigned char *prev = NULL;
    size_t prev_size = 0;
    /* Enough blocks of odd sizes to fill several chunks, and one larger than any chunk. */
    for (size_t i = 0; i < 4000; i++) {
        size_t size = i == 2000 ? ((size_t)3 << 20) : 1 + (i * 37) % 300;
        unsigned char *p = sm_arena_alloc(&a, size);
        CHECK(p != NULL);
        CHECK_INT((uintptr_t)p % alignof(max_align_t), 0);
        memset(p, (int)(i & 0xff), size); /* the sanitizer sees any overlap or overrun */
        CHECK(sm_arena_owns(&a, p) && sm_arena_owns(&a, p + size - 1));
        if (prev)
            CHECK(prev[prev_size - 1] == (unsigned char)((i - 1) & 0xff));
        prev = p;
        prev_size = size;
    }
    CHECK_INT(a.blocks, 4000);
    CHECK(a.bytes >= ((size_t)3 << 20));
    int outside = 0;
    CHECK(!sm_arena_owns(&a, &outside));
    CHECK(sm_arena_alloc(&a, SIZE_MAX - 8) == NULL);
    sm_arena_free(&a);
    CHECK(a.chunks == NULL && a.blocks == 0);
    sm_arena_free(&a); /* twice: still empty */
}

static void json_values_come_from_the_thread_arena(void)
{
    sm_arena a;
    sm_arena_init(&a);
    json_t *before = json_pack("{s:s}", "made", "before the request"); /* from the seam */
    sm_arena *outer = sm_arena_enter(&a);
    CHECK(outer == NULL);
    json_t *doc =
        json_pack("{s:s, s:[i, i, i], s:O}", "name", "Roubaix", "list", 1, 2, 3, "shared", before);
    CHECK(doc && sm_arena_owns(&a, doc));
    size_t used = a.blocks;
    CHECK(used > 3);
    /* A value from before the request, released in it, goes back to the seam (LeakSanitizer
     * would see it lost otherwise); the request's own are freed with the arena. */
    json_decref(before);
    json_decref(doc);
    CHECK_INT(a.blocks, used);
    sm_arena_enter(outer);
    json_t *after = json_string("after"); /* no arena: from the seam */
    CHECK(after && !sm_arena_owns(&a, after));
    json_decref(after);
    sm_arena_free(&a);
}

static void each_block_counts_for_failure_injection(void)
{
    sm_arena a;
    sm_arena_init(&a);
    CHECK(sm_arena_alloc(&a, 16) != NULL); /* the first chunk */
    sm_alloc_fail_after(2);
    CHECK(sm_arena_alloc(&a, 16) != NULL);
    CHECK(sm_arena_alloc(&a, 16) != NULL);
    CHECK(sm_arena_alloc(&a, 16) == NULL); /* within the chunk, yet refused */
    CHECK_INT(sm_alloc_failed(), 1);
    sm_alloc_fail_after(-1);
    CHECK(sm_arena_alloc(&a, 16) != NULL);
    sm_arena_free(&a);
}

SM_TEST_MAIN("test_arena", T(blocks_aligned_apart_and_freed_at_once),
             T(json_values_come_from_the_thread_arena), T(each_block_counts_for_failure_injection))
