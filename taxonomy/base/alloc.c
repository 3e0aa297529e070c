/* alloc.c: the allocator seam with its failure-injection hook (see alloc.h). */
#include "taxonomy/base/alloc.h"
#include "taxonomy/base/error.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static long fail_countdown = -1;
static long failed; /* allocations refused since the last sm_alloc_fail_after */

static int should_fail(void)
{
    if (fail_countdown < 0)
        return 0;
    if (fail_countdown == 0) {
        failed++;
        return 1;
    }
    fail_countdown--;
    return 0;
}

int sm__alloc_inject(void)
{
    return should_fail();
}

void sm_alloc_fail_after(long count)
{
    fail_countdown = count;
    failed = 0;
}

long sm_alloc_failed(void)
{
    return failed;
}

void *sm_malloc(size_t size)
{
    return should_fail() ? NULL : malloc(size ? size : 1);
}

void *sm_calloc(size_t count, size_t size)
{
    return should_fail() ? NULL : calloc(count ? count : 1, size ? size : 1);
}

void *sm_realloc(void *ptr, size_t size)
{
    return should_fail() ? NULL : realloc(ptr, size ? size : 1);
}

void sm_free(void *ptr)
{
    free(ptr);
}

char *sm_strndup(const char *s, size_t len)
{
    char *copy = sm_malloc(len + 1);
    if (copy) {
        memcpy(copy, s, len);
        copy[len] = '\0';
    }
    return copy;
}

char *sm_strdup(const char *s)
{
    return sm_strndup(s, strlen(s));
}

int sm_grow_slow(void **items, size_t *cap, size_t need, size_t elem_size)
{
    if (need <= *cap)
        return SM_OK;
    size_t new_cap = *cap ? *cap : 16;
    while (new_cap < need) {
        if (new_cap > SIZE_MAX / 2)
            return SM_ENOMEM;
        new_cap *= 2;
    }
    if (new_cap > SIZE_MAX / elem_size)
        return SM_ENOMEM;
    void *grown = sm_realloc(*items, new_cap * elem_size);
    if (!grown)
        return SM_ENOMEM;
    *items = grown;
    *cap = new_cap;
    return SM_OK;
}
