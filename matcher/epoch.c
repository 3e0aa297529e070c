/*
 * epoch.c: epoch-based reclamation (see epoch.h).
 *
 * Invariants: global only grows; a reader inside a query publishes the
 * global epoch it saw (odd values never used: 0 means idle); an item retired
 * at epoch E is freed once every active reader's epoch is > E, because such
 * readers started after the item was unlinked.
 */
#include "matcher/epoch.h"
#include "taxonomy/base/alloc.h"
#include "taxonomy/base/error.h"

#include <sched.h>
#include <string.h>

struct sm_epoch_reader {
    _Atomic uint64_t epoch; /* 0: not in a query */
    _Atomic int used;
    char pad[48];
};

typedef struct retired {
    void *ptr;
    void (*free_fn)(void *);
    uint64_t epoch;
} retired;

struct sm_epoch {
    _Atomic uint64_t global;
    sm_epoch_reader readers[SM_EPOCH_MAX_READERS];
    /* items[first, count): retired, not yet freed, in the order retired, so by epoch */
    retired *items;
    size_t first, count, cap;
    /* Items retired below this epoch are safe to free: no reader active at the last scan of
     * the readers is older, and none that entered since can be (see scan_readers). */
    uint64_t safe_below;
    unsigned since_scan; /* retires since that scan */
};

/*
 * Each retire frees at most RETIRE_FREES of the oldest items, and scans the readers again only
 * when the oldest cannot be freed yet and SCAN_EVERY retires have passed since the last scan
 * (so a reader parked in a long query does not make every retire scan). Freeing everything
 * due every 64 retires, as before, made one writer call in about 50 free some 64 records and
 * blocks at once: that was the upserts' p99.
 */
#define RETIRE_FREES 4
#define SCAN_EVERY 16

sm_epoch *sm_epoch_new(void)
{
    sm_epoch *e = sm_calloc(1, sizeof *e);
    if (e)
        atomic_store(&e->global, 1);
    return e;
}

void sm_epoch_free(sm_epoch *e)
{
    if (!e)
        return;
    for (size_t i = e->first; i < e->count; i++)
        e->items[i].free_fn(e->items[i].ptr);
    sm_free(e->items);
    sm_free(e);
}

sm_epoch_reader *sm_epoch_register(sm_epoch *e)
{
    for (int i = 0; i < SM_EPOCH_MAX_READERS; i++) {
        int expected = 0;
        if (atomic_compare_exchange_strong(&e->readers[i].used, &expected, 1)) {
            atomic_store(&e->readers[i].epoch, 0);
            return &e->readers[i];
        }
    }
    return NULL;
}

void sm_epoch_unregister(sm_epoch *e, sm_epoch_reader *r)
{
    (void)e;
    if (!r)
        return;
    atomic_store(&r->epoch, 0);
    atomic_store(&r->used, 0);
}

void sm_epoch_enter(sm_epoch *e, sm_epoch_reader *r)
{
    /* The announcement must be ordered before every load of a shared pointer
     * in the query: the writer unlinks with seq_cst stores and then reads the
     * announcements, so either it sees this reader, or this reader sees the
     * unlinked state. */
    atomic_store(&r->epoch, atomic_load(&e->global));
    atomic_thread_fence(memory_order_seq_cst);
}

void sm_epoch_leave(sm_epoch_reader *r)
{
    atomic_store_explicit(&r->epoch, 0, memory_order_release);
}

static uint64_t oldest_active(sm_epoch *e)
{
    uint64_t min = UINT64_MAX;
    for (int i = 0; i < SM_EPOCH_MAX_READERS; i++) {
        uint64_t v = atomic_load(&e->readers[i].epoch);
        if (v && v < min)
            min = v;
    }
    return min;
}

/* Drops the freed prefix of the list once it is most of it. */
static void compact(sm_epoch *e)
{
    if (e->first == e->count) {
        e->first = e->count = 0;
    } else if (e->first >= 1024 && e->first * 2 >= e->count) {
        memmove(e->items, e->items + e->first, (e->count - e->first) * sizeof *e->items);
        e->count -= e->first;
        e->first = 0;
    }
}

/* Scans the readers: items retired below the result can be freed, now and later. The global
 * epoch is read first: an item retired below it was unlinked before the scan, so a reader the
 * scan missed entered after the unlink; readers entering later announce at least it. */
static uint64_t scan_readers(sm_epoch *e)
{
    uint64_t global = atomic_load(&e->global), oldest = oldest_active(e);
    return oldest < global ? oldest : global;
}

/* Frees up to budget of the oldest items that no reader can see. */
static size_t free_some(sm_epoch *e, size_t budget)
{
    size_t freed = 0;
    if (e->first < e->count && e->items[e->first].epoch >= e->safe_below &&
        ++e->since_scan >= SCAN_EVERY) {
        e->safe_below = scan_readers(e);
        e->since_scan = 0;
    }
    for (; freed < budget && e->first < e->count && e->items[e->first].epoch < e->safe_below;
         freed++) {
        retired it = e->items[e->first++];
        it.free_fn(it.ptr);
    }
    compact(e);
    return freed;
}

size_t sm_epoch_collect(sm_epoch *e)
{
    e->safe_below = scan_readers(e);
    e->since_scan = 0;
    return free_some(e, SIZE_MAX);
}

void sm_epoch_synchronize(sm_epoch *e)
{
    uint64_t target = atomic_fetch_add(&e->global, 1) + 1;
    for (;;) {
        uint64_t oldest = oldest_active(e);
        if (oldest >= target)
            return;
        sched_yield();
    }
}

int sm_epoch_retire(sm_epoch *e, void *ptr, void (*free_fn)(void *))
{
    if (!ptr)
        return SM_OK;
    /* Items retired now may be seen by readers that entered at the current epoch
     * or earlier; advancing the epoch lets later readers be told apart. */
    uint64_t now = atomic_fetch_add(&e->global, 1);
    if (sm_grow((void **)&e->items, &e->cap, e->count + 1, sizeof(retired)) != SM_OK) {
        sm_epoch_synchronize(e);
        free_fn(ptr);
        return SM_ENOMEM;
    }
    e->items[e->count].ptr = ptr;
    e->items[e->count].free_fn = free_fn;
    e->items[e->count].epoch = now;
    e->count++;
    free_some(e, RETIRE_FREES);
    return SM_OK;
}
