/*
 * demand.c: skills demand counters (see demand.h). Each skill has its cells'
 * counters in a vector sorted by cell number, and a total over all of them;
 * a row of cells is found by binary search, so a query over an area reads a
 * few runs per skill.
 */
#include "matcher/demand.h"

#include "taxonomy/alloc.h"
#include "taxonomy/error.h"

#include <pthread.h>
#include <string.h>

typedef struct entry {
    uint32_t cell;
    sm__demand_counts c;
} entry;

typedef struct skill_cells {
    entry *items;
    size_t count, cap;
    sm__demand_counts total;
} skill_cells;

struct sm__demand {
    pthread_rwlock_t lock;
    skill_cells *skills;
    size_t skill_space;
    int short_counts; /* an allocation failed: some counts are short */
};

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
    return d;
}

void sm__demand_free(sm__demand *d)
{
    if (!d)
        return;
    for (size_t s = 0; s < d->skill_space; s++)
        sm_free(d->skills[s].items);
    sm_free(d->skills);
    pthread_rwlock_destroy(&d->lock);
    sm_free(d);
}

void sm__demand_write_lock(sm__demand *d)
{
    pthread_rwlock_wrlock(&d->lock);
}

void sm__demand_write_unlock(sm__demand *d)
{
    pthread_rwlock_unlock(&d->lock);
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
        if (sc->items[mid].cell < cell)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static void bump(sm__demand_counts *c, sm__demand_field field, int32_t delta)
{
    int32_t *f = field == SM__D_ESSENTIAL   ? &c->offers_essential
                 : field == SM__D_OPTIONAL  ? &c->offers_optional
                 : field == SM__D_TRAININGS ? &c->trainings
                 : field == SM__D_SEATS     ? &c->seats
                 : field == SM__D_PROFILES  ? &c->profiles
                 : field == SM__D_ONE_AWAY  ? &c->one_away
                                            : &c->two_away;
    *f += delta;
}

void sm__demand_add(sm__demand *d, uint32_t skill, uint32_t cell, sm__demand_field field,
                    int32_t delta)
{
    if (skill >= d->skill_space || delta == 0)
        return;
    skill_cells *sc = &d->skills[skill];
    size_t i = lower_bound(sc, cell);
    if (i == sc->count || sc->items[i].cell != cell) {
        if (sm_grow((void **)&sc->items, &sc->cap, sc->count + 1, sizeof *sc->items) != SM_OK) {
            d->short_counts = 1;
            return;
        }
        memmove(&sc->items[i + 1], &sc->items[i], (sc->count - i) * sizeof *sc->items);
        memset(&sc->items[i], 0, sizeof sc->items[i]);
        sc->items[i].cell = cell;
        sc->count++;
    }
    bump(&sc->items[i].c, field, delta);
    bump(&sc->total, field, delta);
}

static void add_counts(sm__demand_counts *to, const sm__demand_counts *c)
{
    to->offers_essential += c->offers_essential;
    to->offers_optional += c->offers_optional;
    to->trainings += c->trainings;
    to->seats += c->seats;
    to->profiles += c->profiles;
    to->one_away += c->one_away;
    to->two_away += c->two_away;
}

void sm__demand_sum(sm__demand *d, const sm__cell_span *spans, size_t span_count,
                    const uint8_t *want, sm__demand_counts *out)
{
    memset(out, 0, d->skill_space * sizeof *out);
    pthread_rwlock_rdlock(&d->lock);
    for (size_t s = 0; s < d->skill_space; s++) {
        const skill_cells *sc = &d->skills[s];
        if (!sc->count || (want && !want[s]))
            continue;
        if (!spans) {
            out[s] = sc->total;
            continue;
        }
        for (size_t k = 0; k < span_count; k++)
            for (size_t i = lower_bound(sc, spans[k].from);
                 i < sc->count && sc->items[i].cell <= spans[k].to; i++)
                add_counts(&out[s], &sc->items[i].c);
    }
    pthread_rwlock_unlock(&d->lock);
}
