/*
 * demand.c: skills demand counters (see demand.h). Each skill has its cells'
 * counters in a vector sorted by cell number, and a total over all of them;
 * a row of cells is found by binary search, so a query over an area reads a
 * few runs per skill. Writers only append to a log of changes; a flush (each
 * query's, the demand worker's, or the writer's when the log is long) applies
 * them, so an upsert pays no search.
 */
#include "matcher/demand.h"
#include "matcher/matcher.h"

#include "taxonomy/base/alloc.h"
#include "taxonomy/base/error.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* A skill's cells, sorted, and their counters apart: a search reads only the cell numbers,
 * sixteen to a cache line (an offer's upsert searches one per requirement). */
typedef struct skill_cells {
    uint32_t *cells;
    sm__demand_counts *counts;
    size_t count, cap;
    sm__demand_counts total;
    sm__demand_counts published; /* people fields: the sum of the cells' published counts */
} skill_cells;

/* A change not applied yet. */
typedef struct change {
    uint32_t skill, cell;
    int32_t delta;
    uint8_t field;
} change;

struct sm__demand {
    pthread_rwlock_t lock; /* the counters: written by flushes, read by sums */
    skill_cells *skills;
    size_t skill_space;
    int short_counts; /* an allocation failed: some counts are short */
    /* Writers append changes to a log under log_lock (cheap: no search, sequential), and
     * flushes apply them: writers never wait on the counters' searches. */
    pthread_mutex_t log_lock;
    change *log;
    size_t log_count, log_cap;
    pthread_mutex_t flush_lock; /* one flush at a time */
    change *applying, *sorting;
    size_t applying_cap, sort_cap;
};

/* Past this many pending changes, the writer flushes them itself. */
#define LOG_MAX (1u << 20)

sm__demand *sm__demand_new(size_t skill_space)
{
    sm__demand *d = sm_calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->skills = sm_calloc(skill_space + 1, sizeof *d->skills);
    if (!d->skills) {
        sm_free(d);
        return NULL;
    }
    d->skill_space = skill_space;
    pthread_rwlock_init(&d->lock, NULL);
    pthread_mutex_init(&d->log_lock, NULL);
    pthread_mutex_init(&d->flush_lock, NULL);
    return d;
}

void sm__demand_free(sm__demand *d)
{
    if (!d)
        return;
    for (size_t s = 0; s < d->skill_space; s++) {
        sm_free(d->skills[s].cells);
        sm_free(d->skills[s].counts);
    }
    sm_free(d->skills);
    sm_free(d->log);
    sm_free(d->applying);
    sm_free(d->sorting);
    pthread_rwlock_destroy(&d->lock);
    pthread_mutex_destroy(&d->log_lock);
    pthread_mutex_destroy(&d->flush_lock);
    sm_free(d);
}

void sm__demand_write_lock(sm__demand *d)
{
    pthread_mutex_lock(&d->log_lock);
}

void sm__demand_write_unlock(sm__demand *d)
{
    int full = d->log_count >= LOG_MAX;
    pthread_mutex_unlock(&d->log_lock);
    if (full)
        sm__demand_flush(d);
}

int sm__demand_complete(const sm__demand *d)
{
    return !d->short_counts;
}

static size_t lower_bound(const skill_cells *sc, uint32_t cell)
{
    size_t lo = 0, hi = sc->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (sc->cells[mid] < cell)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static int32_t *field_of(sm__demand_counts *c, sm__demand_field field)
{
    return field == SM__D_ESSENTIAL   ? &c->offers_essential
           : field == SM__D_OPTIONAL  ? &c->offers_optional
           : field == SM__D_TRAININGS ? &c->trainings
           : field == SM__D_SEATS     ? &c->seats
           : field == SM__D_PROFILES  ? &c->profiles
           : field == SM__D_ONE_AWAY  ? &c->one_away
                                      : &c->two_away;
}

static void bump(sm__demand_counts *c, sm__demand_field field, int32_t delta)
{
    *field_of(c, field) += delta;
}

static int people_field(sm__demand_field field)
{
    return field == SM__D_PROFILES || field == SM__D_ONE_AWAY || field == SM__D_TWO_AWAY;
}

int32_t sm__demand_publish(int32_t people)
{
    return people < SM_DEMAND_MIN_PEOPLE ? 0 : people - people % SM_DEMAND_ROUND;
}

void sm__demand_add(sm__demand *d, uint32_t skill, uint32_t cell, sm__demand_field field,
                    int32_t delta)
{
    if (skill >= d->skill_space || delta == 0)
        return;
    if (sm_grow((void **)&d->log, &d->log_cap, d->log_count + 1, sizeof *d->log) != SM_OK) {
        d->short_counts = 1;
        return;
    }
    d->log[d->log_count++] = (change){skill, cell, delta, (uint8_t)field};
}

/* Applies one change to the counters; the counters' write lock is held. */
static void apply(sm__demand *d, uint32_t skill, uint32_t cell, sm__demand_field field,
                  int32_t delta)
{
    skill_cells *sc = &d->skills[skill];
    size_t i = lower_bound(sc, cell);
    if (i == sc->count || sc->cells[i] != cell) {
        if (sc->count == sc->cap) {
            size_t cap = sc->cap ? sc->cap * 2 : 4;
            uint32_t *cells = sm_realloc(sc->cells, cap * sizeof *cells);
            if (cells)
                sc->cells = cells;
            sm__demand_counts *counts = cells ? sm_realloc(sc->counts, cap * sizeof *counts) : NULL;
            if (!counts) {
                d->short_counts = 1;
                return;
            }
            sc->counts = counts;
            sc->cap = cap;
        }
        memmove(&sc->cells[i + 1], &sc->cells[i], (sc->count - i) * sizeof *sc->cells);
        memmove(&sc->counts[i + 1], &sc->counts[i], (sc->count - i) * sizeof *sc->counts);
        sc->cells[i] = cell;
        memset(&sc->counts[i], 0, sizeof sc->counts[i]);
        sc->count++;
    }
    int32_t before = *field_of(&sc->counts[i], field);
    bump(&sc->counts[i], field, delta);
    bump(&sc->total, field, delta);
    if (people_field(field))
        bump(&sc->published, field,
             sm__demand_publish(before + delta) - sm__demand_publish(before));
}

static int cmp_change(const void *a, const void *b)
{
    const change *x = a, *y = b;
    if (x->skill != y->skill)
        return x->skill < y->skill ? -1 : 1;
    return (x->cell > y->cell) - (x->cell < y->cell);
}

/* A change's place in (skill, cell) order, in 36 bits: grid cells are below 2^19, and
 * CELL_ANYWHERE (any other number) sorts last. */
static uint64_t order_key(const change *c)
{
    uint32_t cell = c->cell < (1u << 19) - 1 ? c->cell : (1u << 19) - 1;
    return (uint64_t)c->skill << 19 | cell;
}

/* Sorts a log in (skill, cell) order: three passes of a 12-bit radix sort through tmp (a
 * start-up logs millions, and qsort took seconds); qsort for skills past 2^17. */
static void sort_changes(change *v, change *tmp, size_t n, size_t skill_space)
{
    if (skill_space >= (1u << 17) || !tmp) {
        qsort(v, n, sizeof *v, cmp_change);
        return;
    }
    static const int bits = 12;
    change *from = v, *to = tmp;
    for (int pass = 0; pass < 3; pass++) {
        size_t count[1 << 12] = {0};
        int shift = pass * bits;
        for (size_t i = 0; i < n; i++)
            count[order_key(&from[i]) >> shift & ((1u << bits) - 1)]++;
        size_t sum = 0;
        for (size_t b = 0; b < (1u << bits); b++) {
            size_t c = count[b];
            count[b] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++)
            to[count[order_key(&from[i]) >> shift & ((1u << bits) - 1)]++] = from[i];
        change *t = from;
        from = to;
        to = t;
    }
    if (from != v) /* three passes: the result is in tmp */
        memcpy(v, from, n * sizeof *v);
}

void sm__demand_flush(sm__demand *d)
{
    pthread_mutex_lock(&d->flush_lock);
    /* Take the pending changes (swapping buffers), then apply them without the log's lock. */
    pthread_mutex_lock(&d->log_lock);
    change *pending = d->log;
    size_t n = d->log_count, cap = d->log_cap;
    d->log = d->applying;
    d->log_cap = d->applying_cap;
    d->log_count = 0;
    pthread_mutex_unlock(&d->log_lock);
    if (n) {
        /* A long log (a start-up's millions) in skill and cell order: each skill's cells are
         * then visited once, in order, instead of searched at random. */
        if (n > 4096) {
            /* the sort's buffer is kept: a fresh one a flush cost page faults by the million */
            if (d->sort_cap < n) {
                sm_free(d->sorting);
                d->sorting = sm_malloc(n * sizeof *d->sorting);
                d->sort_cap = d->sorting ? n : 0;
            }
            sort_changes(pending, d->sorting, n, d->skill_space);
        }
        pthread_rwlock_wrlock(&d->lock);
        for (size_t i = 0; i < n; i++)
            apply(d, pending[i].skill, pending[i].cell, (sm__demand_field)pending[i].field,
                  pending[i].delta);
        pthread_rwlock_unlock(&d->lock);
    }
    d->applying = pending;
    d->applying_cap = cap;
    pthread_mutex_unlock(&d->flush_lock);
}

/* Adds c to to; people counts as published when published is set. */
static void add_counts(sm__demand_counts *to, const sm__demand_counts *c, int published)
{
    to->offers_essential += c->offers_essential;
    to->offers_optional += c->offers_optional;
    to->trainings += c->trainings;
    to->seats += c->seats;
    to->profiles += published ? sm__demand_publish(c->profiles) : c->profiles;
    to->one_away += published ? sm__demand_publish(c->one_away) : c->one_away;
    to->two_away += published ? sm__demand_publish(c->two_away) : c->two_away;
}

void sm__demand_sum(sm__demand *d, const sm__cell_span *spans, size_t span_count,
                    const uint8_t *want, int published, sm__demand_counts *out)
{
    memset(out, 0, d->skill_space * sizeof *out);
    sm__demand_flush(d);
    pthread_rwlock_rdlock(&d->lock);
    for (size_t s = 0; s < d->skill_space; s++) {
        const skill_cells *sc = &d->skills[s];
        if (!sc->count || (want && !want[s]))
            continue;
        if (!spans) {
            out[s] = sc->total;
            if (published) {
                out[s].profiles = sc->published.profiles;
                out[s].one_away = sc->published.one_away;
                out[s].two_away = sc->published.two_away;
            }
            continue;
        }
        for (size_t k = 0; k < span_count; k++)
            for (size_t i = lower_bound(sc, spans[k].from);
                 i < sc->count && sc->cells[i] <= spans[k].to; i++)
                add_counts(&out[s], &sc->counts[i], published);
    }
    pthread_rwlock_unlock(&d->lock);
}
