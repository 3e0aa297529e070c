/*
 * demand.h: skills demand counters, internal to matcher/ (demand_index.c keeps
 * them up to date as offers, trainings and profiles change, and answers
 * sm_match_demand from them).
 *
 * Per skill and grid cell (the matcher's 0.5-degree cells, CELL_ANYWHERE for
 * remote and unlocated items): open job offers asking for the skill
 * (essential, optional), training offers teaching it and their seats,
 * profiles having it (those that consented to statistics), and profiles one
 * or two skills away from an offer through it. Each skill also keeps the sum
 * of its cells' people counts as published, so that the whole country's are
 * read at once. Writers log changes under
 * the write lock; a query applies the log, then sums a few rows of cells
 * under the counters' read lock. An allocation failure leaves the counters short:
 * sm__demand_complete then says 0 until the matcher is rebuilt.
 */
#ifndef SM_DEMAND_H
#define SM_DEMAND_H

#include <stddef.h>
#include <stdint.h>

typedef struct sm__demand sm__demand;

typedef struct sm__demand_counts {
    int32_t offers_essential, offers_optional;
    int32_t trainings, seats;
    int32_t profiles;
    int32_t one_away, two_away;
} sm__demand_counts;

/* Which counter a change is to. */
typedef enum sm__demand_field {
    SM__D_ESSENTIAL,
    SM__D_OPTIONAL,
    SM__D_TRAININGS,
    SM__D_SEATS,
    SM__D_PROFILES,
    SM__D_ONE_AWAY,
    SM__D_TWO_AWAY
} sm__demand_field;

/* A run of cells of one grid row: row * 1024 + first ... row * 1024 + last. */
typedef struct sm__cell_span {
    uint32_t from, to;
} sm__cell_span;

sm__demand *sm__demand_new(size_t skill_space);
void sm__demand_free(sm__demand *d);

/* Writers: the lock of the change log (taken for one record's changes; it also guards what
 * the matcher keeps beside the counters). */
void sm__demand_write_lock(sm__demand *d);
void sm__demand_write_unlock(sm__demand *d);
/* Logs delta to a counter of (skill, cell); the write lock must be held. */
void sm__demand_add(sm__demand *d, uint32_t skill, uint32_t cell, sm__demand_field field,
                    int32_t delta);
/* Applies the logged changes to the counters (sm__demand_sum does it first). */
void sm__demand_flush(sm__demand *d);
int sm__demand_complete(const sm__demand *d);

/*
 * Sums, for each skill with want[skill] set (all when want is NULL), its
 * counters over the cells of spans (every cell, CELL_ANYWHERE included,
 * when spans is NULL) into out[skill] (skill_space entries, zeroed first).
 * With published set, each cell's people counts (profiles, one and two away)
 * count as published (sm__demand_publish) before they are added: an area's
 * count is then a sum of its cells' published counts, whatever the area.
 * Takes the read lock.
 */
void sm__demand_sum(sm__demand *d, const sm__cell_span *spans, size_t span_count,
                    const uint8_t *want, int published, sm__demand_counts *out);
/* A cell's count of people as published: 0 below SM_DEMAND_MIN_PEOPLE, else rounded down to a
 * multiple of SM_DEMAND_ROUND (matcher.h). */
int32_t sm__demand_publish(int32_t people);

#endif
