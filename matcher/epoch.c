/*
 * epoch.c: epoch-based reclamation (see epoch.h).
 *
 * Invariants: global only grows; a reader inside a query publishes the
 * global epoch it saw (odd values never used: 0 means idle); an item retired
 * at epoch E is freed once every active reader's epoch is > E, because such
 * readers started after the item was unlinked.
 */
#include "matcher/epoch.h"
#include "taxonomy/alloc.h"
#include "taxonomy/error.h"

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
    retired *items;
    size_t count, cap;
    size_t collect_at; /* retire collects when count reaches this */
};

/* Collecting scans every reader and every retired item: retire does it when the list has
 * doubled since the last collect, so a reader parked in a long query cannot make each retire
 * rescan a growing list. */
#define COLLECT_MIN 64

sm_epoch *sm_epoch_new(void)
{
    sm_epoch *e = sm_calloc(1, sizeof *e);
    if (e) {
        atomic_store(&e->global, 1);
        e->collect_at = COLLECT_MIN;
    }
    return e;
}

void sm_epoch_free(sm_epoch *e)
{
    if (!e)
        return;
    for (size_t i = 0; i < e->count; i++)
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

size_t sm_epoch_collect(sm_epoch *e)
{
    uint64_t oldest = oldest_active(e);
    size_t kept = 0, freed = 0;
    for (size_t i = 0; i < e->count; i++) {
        if (e->items[i].epoch < oldest) {
            e->items[i].free_fn(e->items[i].ptr);
            freed++;
        } else
            e->items[kept++] = e->items[i];
    }
    e->count = kept;
    return freed;
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
    if (e->count >= e->collect_at) {
        sm_epoch_collect(e);
        e->collect_at = e->count * 2 > COLLECT_MIN ? e->count * 2 : COLLECT_MIN;
    }
    return SM_OK;
}
