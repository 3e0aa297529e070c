/*
 * store.c: records in slots, and posting lists in blocks: what writers append and what readers
 * reach through atomic pointers (slot directories, offer metas and points, cell maps).
 *
 * Invariants: slot directories and posting blocks never move; counts are published with
 * release stores after the data they guard is written. Writers hold the matcher's mutex.
 */
#include "matcher/internal.h"

/* Writer: appends value in a new slot; returns it, or NO_SLOT when out of memory. */
uint32_t sm__slot_append(slots *s, void *value)
{
    uint32_t slot = atomic_load_explicit(&s->count, memory_order_relaxed);
    if ((slot >> SEG_BITS) >= MAX_SEGS)
        return NO_SLOT;
    if (!atomic_load_explicit(&s->segs[slot >> SEG_BITS], memory_order_relaxed)) {
        _Atomic(void *) *seg = sm_calloc(SEG_SIZE, sizeof *seg);
        if (!seg)
            return NO_SLOT;
        atomic_store_explicit(&s->segs[slot >> SEG_BITS], seg, memory_order_release);
    }
    atomic_store_explicit(slot_ref(s, slot), value, memory_order_release);
    atomic_store_explicit(&s->count, slot + 1, memory_order_release);
    return slot;
}

/* Writer: entry slot of a per-slot array of size-byte entries kept in segments, the segment
 * allocated (zeroed) on first use; NULL when out of memory. */
static void *seg_entry_for_write(_Atomic(void *) *segs, uint32_t slot, size_t size)
{
    uint32_t seg = slot >> SEG_BITS;
    if (seg >= META_SEGS)
        return NULL;
    char *s = atomic_load_explicit(&segs[seg], memory_order_relaxed);
    if (!s) {
        s = sm_calloc(SEG_SIZE, size);
        if (!s)
            return NULL;
        atomic_store_explicit(&segs[seg], s, memory_order_release);
    }
    return s + (size_t)(slot & (SEG_SIZE - 1)) * size;
}

offer_meta *sm__meta_for_write(metas *ms, uint32_t slot)
{
    return seg_entry_for_write(ms->segs, slot, sizeof(offer_meta));
}

slot_point *sm__point_for_write(slot_points *sp, uint32_t slot)
{
    return seg_entry_for_write(sp->segs, slot, sizeof(slot_point));
}

void sm__slots_free(slots *s, void (*free_fn)(void *))
{
    uint32_t count = atomic_load(&s->count);
    for (uint32_t i = 0; free_fn && i < count; i++)
        free_fn(slot_get(s, i));
    for (int k = 0; k < MAX_SEGS; k++) {
        _Atomic(void *) *seg = atomic_load(&s->segs[k]);
        void *raw;
        memcpy(&raw, &seg, sizeof raw); /* free() takes a plain pointer */
        sm_free(raw);
    }
}

void sm__free_offer(void *p)
{
    offer_rec *o = p;
    if (!o)
        return;
    sm_free(o->id);
    sm_free(o->title);
    sm_free(o->organisation);
    sm_free(o->contract);
    sm_free(o); /* reqs, contrib and teaches live in the same allocation */
}

void sm__free_profile(void *p)
{
    profile_rec *r = p;
    if (!r)
        return;
    sm_free(r->id);
    sm_free(r->skills);
    sm_free(r);
}

/*
 * Writer: appends a posting to a list. A full tail below BLOCK_MAX is replaced by a copy twice
 * as large when copy is set, else followed by a new block twice as large: a list that only
 * queries without a radius walk (job_gridded) spares the upserts those copies.
 */
int sm__plist_add(sm_matcher *m, plist *l, const posting *p, int copy)
{
    block *b = l->tail;
    if (!b || atomic_load_explicit(&b->count, memory_order_relaxed) == b->cap) {
        int grow = copy && b && b->cap < BLOCK_MAX;
        uint32_t cap = !b ? BLOCK_MIN : b->cap < BLOCK_MAX ? b->cap * 2 : BLOCK_MAX;
        block *fresh = sm_malloc(sizeof(block) + cap * sizeof(posting));
        if (!fresh)
            return SM_ENOMEM;
        fresh->cap = cap;
        atomic_init(&fresh->next, NULL);
        atomic_fetch_add(&m->bytes, sizeof(block) + cap * sizeof(posting));
        if (grow) {
            memcpy(fresh->items, b->items, b->cap * sizeof(posting));
            atomic_init(&fresh->count, b->cap);
            atomic_init(&fresh->last, atomic_load_explicit(&b->last, memory_order_relaxed));
            /* seq_cst, as the epoch protocol wants of an unlink */
            if (l->prev)
                atomic_store(&l->prev->next, fresh);
            else
                atomic_store(&l->head, fresh);
            atomic_fetch_sub(&m->bytes, sizeof(block) + b->cap * sizeof(posting));
            sm_epoch_retire(m->epoch, b, sm_free);
        } else {
            atomic_init(&fresh->count, 0);
            atomic_init(&fresh->last, 0);
            if (b)
                atomic_store_explicit(&b->next, fresh, memory_order_release);
            else
                atomic_store_explicit(&l->head, fresh, memory_order_release);
            l->prev = b;
        }
        l->tail = b = fresh;
    }
    uint32_t n = atomic_load_explicit(&b->count, memory_order_relaxed);
    b->items[n] = *p;
    atomic_store_explicit(&b->last, p->slot, memory_order_relaxed);
    atomic_store_explicit(&b->count, n + 1, memory_order_release);
    return SM_OK;
}

/*
 * Writer: the posting list of skill in cell, adding the cell to the skill's
 * map (a new copy, published, the old one retired) when it is new. NULL when
 * out of memory.
 */
plist *sm__cell_list_for(sm_matcher *m, _Atomic(cellmap *) *maps, uint32_t skill, uint32_t cell)
{
    cellmap *cm = atomic_load_explicit(&maps[skill], memory_order_relaxed);
    uint32_t n = cm ? cm->count : 0, lo = cm ? cells_lower_bound(cm, cell) : 0;
    if (lo < n && cell_ids(cm)[lo] == cell)
        return &cm->entries[lo].list;
    size_t size = sizeof(cellmap) + (n + 1) * (sizeof(cell_list) + sizeof(uint32_t));
    cellmap *fresh = sm_malloc(size);
    if (!fresh)
        return NULL;
    fresh->count = n + 1;
    uint32_t *ids = (uint32_t *)(fresh->entries + n + 1);
    /* Lists keep their blocks: readers of the old map and of the new one share them. */
    for (uint32_t i = 0, k = 0; i <= n; i++) {
        cell_list *e = &fresh->entries[i];
        if (i == lo) {
            ids[i] = cell;
            atomic_init(&e->list.head, NULL);
            e->list.tail = e->list.prev = NULL;
            continue;
        }
        ids[i] = cell_ids(cm)[k];
        atomic_init(&e->list.head,
                    atomic_load_explicit(&cm->entries[k].list.head, memory_order_relaxed));
        e->list.tail = cm->entries[k].list.tail;
        e->list.prev = cm->entries[k].list.prev;
        k++;
    }
    atomic_store_explicit(&maps[skill], fresh, memory_order_release);
    atomic_fetch_add(&m->bytes, sizeof(cell_list) + sizeof(uint32_t));
    if (cm)
        sm_epoch_retire(m->epoch, cm, sm_free);
    return &fresh->entries[lo].list;
}

void sm__plist_free(plist *l)
{
    block *b = atomic_load(&l->head);
    while (b) {
        block *next = atomic_load(&b->next);
        sm_free(b);
        b = next;
    }
}

void sm__cellmaps_free(_Atomic(cellmap *) *maps, size_t count)
{
    for (size_t skill = 0; maps && skill < count; skill++) {
        cellmap *cm = atomic_load(&maps[skill]);
        for (uint32_t i = 0; cm && i < cm->count; i++)
            sm__plist_free(&cm->entries[i].list);
        sm_free(cm);
    }
    sm_free(maps);
}
