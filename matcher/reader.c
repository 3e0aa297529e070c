/*
 * reader.c: a reader's lifetime and its scratch (per-slot accumulators, expansion tables, result
 * buffers), grown on demand and kept between queries.
 */
#include "matcher/internal.h"

sm_match_reader *sm_match_reader_new(sm_matcher *m)
{
    sm_match_reader *r = sm_calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->m = m;
    r->er = sm_epoch_register(m->epoch);

    r->xstamp = sm_calloc(m->skill_space + 1, sizeof *r->xstamp);
    r->xfirst = sm_calloc(m->skill_space + 1, sizeof *r->xfirst);
    r->xskills = sm_calloc(m->skill_space + 1, sizeof *r->xskills);
    if (!r->er || !r->xstamp || !r->xfirst || !r->xskills) {
        sm_match_reader_free(r);
        return NULL;
    }
    return r;
}

sm_matcher *sm_match_reader_matcher(const sm_match_reader *r)
{
    return r->m;
}

void sm_match_reader_free(sm_match_reader *r)
{
    if (!r)
        return;
    if (r->er)
        sm_epoch_unregister(r->m->epoch, r->er);
    sm_free(r->acc);
    sm_free(r->hot);
    sm_free(r->hot_bound);
    sm_free(r->band_slots);
    sm_free(r->band_bounds);
    sm_free(r->band_place);
    sm_free(r->blocks);
    sm_free(r->lists);
    sm_free(r->tables);
    sm_free(r->xstamp);
    sm_free(r->xfirst);
    sm_free(r->xskills);
    sm_free(r->cands);
    sm_free(r->heap);
    sm_free(r->results);
    sm_free(r->pend);
    sm_free(r->items);
    sm_free(r->reasons);
    sm_free(r->text);
    sm_free(r->gaps);
    sm_free(r->dsum);
    sm_free(r->dwant);
    sm_free(r->drows);
    sm_free(r);
}

/* Reallocates *p to cap entries of size bytes; 0, or -1 (*p unchanged) when out of memory. */
static int resize(void **p, size_t cap, size_t size)
{
    void *q = sm_realloc(*p, cap * size);
    if (!q)
        return -1;
    *p = q;
    return 0;
}

/* Grows the per-slot scratch to cover slots [0, count). */
int sm__ensure_slots(sm_match_reader *r, size_t count)
{
    if (count <= r->slot_cap)
        return SM_OK;
    size_t cap = count + count / 4 + 1024;
    if (resize((void **)&r->acc, cap, sizeof *r->acc) ||
        resize((void **)&r->hot, cap, sizeof *r->hot) ||
        resize((void **)&r->hot_bound, cap, sizeof *r->hot_bound) ||
        resize((void **)&r->band_slots, cap, sizeof *r->band_slots) ||
        resize((void **)&r->band_bounds, cap, sizeof *r->band_bounds) ||
        resize((void **)&r->band_place, cap, sizeof *r->band_place))
        return SM_ENOMEM;
    memset(r->acc + r->slot_cap, 0, (cap - r->slot_cap) * sizeof *r->acc);
    r->slot_cap = cap;
    return SM_OK;
}

int sm_match_reader_reserve(sm_match_reader *r)
{
    uint32_t offers = atomic_load_explicit(&r->m->offers.count, memory_order_acquire),
             profiles = atomic_load_explicit(&r->m->profiles.count, memory_order_acquire);
    return sm__ensure_slots(r, offers > profiles ? offers : profiles);
}
