/*
 * paths.c: the training path solver (see paths.h).
 *
 * Exact search: labels are partial paths, each with the set of elements it
 * has reached, its hours, euros and cost, and its last step and parent. They
 * are expanded cheapest first. A training extends a label when its
 * prerequisites are in the label's set and it reaches something new (a step
 * that reaches nothing new only costs). At one set, a label is dropped when
 * another is no worse in hours and in euros (in cost alone when there are no
 * budgets): what can follow depends only on the set. Every label not
 * dropped is a candidate answer; the first label popped that reaches all the
 * goal weight any path could reach is the cheapest such path, and the search
 * stops there. When labels run past SM_PATH_MAX_LABELS, the greedy search
 * answers instead (out->exact = 0).
 */
#include "matcher/paths.h"
#include "taxonomy/base/heap.h"
#include "taxonomy/base/probe.h"

#include "taxonomy/base/alloc.h"
#include "taxonomy/base/error.h"

#include <string.h>

typedef struct label {
    sm_elems set;
    double hours, euros, cost, covered;
    uint32_t parent; /* UINT32_MAX for the start */
    uint32_t next;   /* the next label at the same set */
    uint16_t training;
    uint8_t steps, dead;
} label;

typedef struct search {
    const sm_path_problem *p;
    label *labels;
    size_t count, cap;
    uint32_t *heap; /* label numbers, cheapest first */
    size_t heap_count, heap_cap;
    uint32_t *table; /* open addressing: first label of a set, UINT32_MAX = empty */
    size_t table_cap;
    int budgets;
} search;

static double weight_of(const sm_path_problem *p, const sm_elems *s)
{
    double w = 0;
    for (size_t e = 0; e < p->element_count; e++)
        if (p->weight[e] > 0 && sm_elems_has(s, e))
            w += p->weight[e];
    return w;
}

static sm_elems united(const sm_elems *a, const sm_elems *b)
{
    sm_elems u;
    for (size_t i = 0; i < SM_PATH_MAX_ELEMENTS / 64; i++)
        u.w[i] = a->w[i] | b->w[i];
    return u;
}

static uint64_t hash_set(const sm_elems *s)
{
    uint64_t h = 0x9e3779b97f4a7c15ull;
    for (size_t i = 0; i < SM_PATH_MAX_ELEMENTS / 64; i++) {
        h ^= s->w[i] + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
        h *= 0xff51afd7ed558ccdull;
    }
    return h ^ (h >> 33);
}

/* Whether path a (covered, cost, steps) is better than b. */
static int better(double ca, double costa, size_t sa, double cb, double costb, size_t sb)
{
    if (ca > cb + 1e-9 || ca < cb - 1e-9)
        return ca > cb;
    if (costa < costb - 1e-9 || costa > costb + 1e-9)
        return costa < costb;
    return sa < sb;
}

static int heap_less(const search *s, uint32_t a, uint32_t b)
{
    const label *x = &s->labels[a], *y = &s->labels[b];
    if (x->cost != y->cost)
        return x->cost < y->cost;
    return x->steps < y->steps;
}

static inline int label_before(const search *s, const uint32_t *a, const uint32_t *b)
{
    return heap_less(s, *a, *b);
}

/* The labels to extend, cheapest first. */
SM_HEAP_DEFINE(label_heap, uint32_t, const search *, label_before)

static int heap_push(search *s, uint32_t l)
{
    if (sm_grow((void **)&s->heap, &s->heap_cap, s->heap_count + 1, sizeof *s->heap) != SM_OK)
        return SM_ENOMEM;
    label_heap_push(s, s->heap, &s->heap_count, l);
    return SM_OK;
}

static uint32_t heap_pop(search *s)
{
    return label_heap_pop(s, s->heap, &s->heap_count);
}

static inline int set_slot_empty(const search *s, const uint32_t *slot)
{
    (void)s;
    return *slot == UINT32_MAX;
}

static inline int set_slot_matches(const search *s, const uint32_t *slot, uint64_t hash,
                                   const sm_elems *set)
{
    (void)hash;
    return memcmp(&s->labels[*slot].set, set, sizeof *set) == 0;
}

/* The table of sets: each slot the first label of a set, UINT32_MAX when free. */
SM_PROBE_DEFINE(set_probe, uint32_t, sm_elems, const search *, set_slot_empty, set_slot_matches)

/* The table slot of set: where its first label is, or the empty slot it would take. */
static size_t find_set(const search *s, const sm_elems *set)
{
    return set_probe_find(s, s->table, s->table_cap, hash_set(set), set, NULL);
}

static int grow_table(search *s)
{
    size_t old_cap = s->table_cap;
    uint32_t *old = s->table;
    size_t cap = old_cap ? old_cap * 2 : 1024;
    uint32_t *t = sm_malloc(cap * sizeof *t);
    if (!t)
        return SM_ENOMEM;
    memset(t, 0xff, cap * sizeof *t);
    s->table = t;
    s->table_cap = cap;
    for (size_t i = 0; i < old_cap; i++)
        if (old[i] != UINT32_MAX)
            s->table[find_set(s, &s->labels[old[i]].set)] = old[i];
    sm_free(old);
    return SM_OK;
}

/* Whether label a makes b useless: as good in everything that matters later. */
static int dominates(const search *s, const label *a, const label *b)
{
    if (!s->budgets)
        return a->cost <= b->cost;
    return a->hours <= b->hours && a->euros <= b->euros;
}

/* Adds a label unless one at its set dominates it; drops the ones it dominates. 1 when added. */
static int add_label(search *s, const label *l, int *added)
{
    *added = 0;
    if ((s->count + 1) * 2 > s->table_cap && grow_table(s) != SM_OK)
        return SM_ENOMEM;
    size_t slot = find_set(s, &l->set);
    uint32_t first = s->table[slot];
    for (uint32_t i = first; i != UINT32_MAX; i = s->labels[i].next)
        if (!s->labels[i].dead && dominates(s, &s->labels[i], l))
            return SM_OK;
    for (uint32_t i = first; i != UINT32_MAX; i = s->labels[i].next)
        if (!s->labels[i].dead && dominates(s, l, &s->labels[i]))
            s->labels[i].dead = 1;
    if (sm_grow((void **)&s->labels, &s->cap, s->count + 1, sizeof *s->labels) != SM_OK)
        return SM_ENOMEM;
    uint32_t n = (uint32_t)s->count++;
    s->labels[n] = *l;
    s->labels[n].next = first;
    s->table[slot] = n;
    *added = 1;
    return heap_push(s, n);
}

static void path_of(const search *s, uint32_t l, sm_path *out)
{
    const label *x = &s->labels[l];
    out->step_count = x->steps;
    out->covered = x->covered;
    out->hours = x->hours;
    out->euros = x->euros;
    out->cost = x->cost;
    for (size_t i = x->steps; i > 0; i--, x = &s->labels[x->parent])
        out->steps[i - 1] = x->training;
}

static int usable(const sm_path_problem *p, size_t t)
{
    return !(p->banned && p->banned[t]);
}

static int within(const sm_path_problem *p, double hours, double euros)
{
    return (p->max_hours < 0 || hours <= p->max_hours + 1e-9) &&
           (p->max_euros < 0 || euros <= p->max_euros + 1e-9);
}

/* Whether training t may follow a state: prerequisites reached, something new reached. */
static int extends(const sm_path_problem *p, size_t t, const sm_elems *set)
{
    const sm_path_training *tr = &p->trainings[t];
    return usable(p, t) && sm_elems_subset(&tr->requires, set) &&
           !sm_elems_subset(&tr->teaches, set);
}

/* Greedy: each step, the usable training with the most new goal weight per cost. */
static void greedy(const sm_path_problem *p, sm_path *out)
{
    sm_elems set = p->have;
    memset(out, 0, sizeof *out);
    out->covered = weight_of(p, &set);
    while (out->step_count < SM_PATH_MAX_STEPS) {
        size_t best = SIZE_MAX;
        double best_ratio = 0, best_gain = 0;
        for (size_t t = 0; t < p->training_count; t++) {
            const sm_path_training *tr = &p->trainings[t];
            if (!extends(p, t, &set) || !within(p, out->hours + tr->hours, out->euros + tr->euros))
                continue;
            sm_elems u = united(&set, &tr->teaches);
            double gain = weight_of(p, &u) - out->covered;
            double ratio = gain / (sm_path_cost(tr->hours, tr->euros) + 1e-6);
            if (gain > 1e-9 && ratio > best_ratio) {
                best = t;
                best_ratio = ratio;
                best_gain = gain;
            }
        }
        if (best == SIZE_MAX)
            break;
        set = united(&set, &p->trainings[best].teaches);
        out->steps[out->step_count++] = best;
        out->hours += p->trainings[best].hours;
        out->euros += p->trainings[best].euros;
        out->covered += best_gain;
    }
    out->cost = sm_path_cost(out->hours, out->euros);
    out->exact = 0;
}

/* The elements a state could still reach: every usable training whose prerequisites are
 * reached (at the start or by another such training) and that fits the budgets left on its
 * own, applied until nothing changes. An upper bound on any path from the state. */
static sm_elems closure(const sm_path_problem *p, const sm_elems *set, double hours, double euros)
{
    sm_elems reach = *set;
    for (int changed = 1; changed;) {
        changed = 0;
        for (size_t t = 0; t < p->training_count; t++) {
            const sm_path_training *tr = &p->trainings[t];
            if (!usable(p, t) || !sm_elems_subset(&tr->requires, &reach) ||
                sm_elems_subset(&tr->teaches, &reach) ||
                !within(p, hours + tr->hours, euros + tr->euros))
                continue;
            reach = united(&reach, &tr->teaches);
            changed = 1;
        }
    }
    return reach;
}

int sm_path_solve(const sm_path_problem *p, sm_path *out)
{
    search s = {p, NULL, 0, 0, NULL, 0, 0, NULL, 0, p->max_hours >= 0 || p->max_euros >= 0};
    int rc = SM_OK, added;
    size_t max_labels = p->max_labels ? p->max_labels : SM_PATH_MAX_LABELS;
    /* The most goal weight any path could reach: a full cover stops the search. */
    sm_elems reach = closure(p, &p->have, 0, 0);
    double reachable = weight_of(p, &reach);
    label start = {p->have, 0, 0, 0, weight_of(p, &p->have), UINT32_MAX, UINT32_MAX, 0, 0, 0};
    if ((rc = add_label(&s, &start, &added)) != SM_OK)
        goto done;
    uint32_t best = 0;
    int complete = 1;
    while (s.heap_count) {
        uint32_t l = heap_pop(&s);
        if (s.labels[l].dead)
            continue;
        if (s.labels[l].covered >= reachable - 1e-9) {
            best = l; /* the cheapest full cover there is */
            break;
        }
        if (s.labels[l].steps >= SM_PATH_MAX_STEPS)
            continue;
        /* Branch and bound: a state whose every continuation covers less than the best path
         * so far, or as much for more (costs only grow), is not expanded. */
        if (l != best) {
            const label *inc = &s.labels[best], *cur = &s.labels[l];
            sm_elems could = closure(p, &cur->set, cur->hours, cur->euros);
            double most = weight_of(p, &could);
            if (most < inc->covered - 1e-9 ||
                (most <= inc->covered + 1e-9 && cur->cost >= inc->cost - 1e-9))
                continue;
        }
        for (size_t t = 0; t < p->training_count; t++) {
            const label *x = &s.labels[l];
            if (!extends(p, t, &x->set))
                continue;
            const sm_path_training *tr = &p->trainings[t];
            label n = {united(&x->set, &tr->teaches),
                       x->hours + tr->hours,
                       x->euros + tr->euros,
                       0,
                       0,
                       l,
                       UINT32_MAX,
                       (uint16_t)t,
                       (uint8_t)(x->steps + 1),
                       0};
            if (!within(p, n.hours, n.euros))
                continue;
            n.cost = sm_path_cost(n.hours, n.euros);
            n.covered = weight_of(p, &n.set);
            if (s.count >= max_labels) {
                complete = 0;
                break;
            }
            if ((rc = add_label(&s, &n, &added)) != SM_OK)
                goto done;
            const label *b = &s.labels[best];
            if (added && better(n.covered, n.cost, n.steps, b->covered, b->cost, b->steps))
                best = (uint32_t)s.count - 1;
        }
        if (!complete)
            break;
    }
    if (!complete) {
        greedy(p, out);
        sm_path exact_so_far;
        path_of(&s, best, &exact_so_far);
        if (better(exact_so_far.covered, exact_so_far.cost, exact_so_far.step_count, out->covered,
                   out->cost, out->step_count))
            *out = exact_so_far;
        out->exact = 0;
    } else {
        path_of(&s, best, out);
        out->exact = 1;
    }
done:
    sm_free(s.labels);
    sm_free(s.heap);
    sm_free(s.table);
    return rc;
}

static int same_trainings(const sm_path *a, const sm_path *b)
{
    if (a->step_count != b->step_count)
        return 0;
    for (size_t i = 0; i < a->step_count; i++) {
        size_t j = 0;
        while (j < b->step_count && b->steps[j] != a->steps[i])
            j++;
        if (j == b->step_count)
            return 0;
    }
    return 1;
}

typedef struct candidate {
    sm_path path;
    uint8_t *banned;
} candidate;

int sm_path_solve_many(const sm_path_problem *p, sm_path *out, size_t max)
{
    size_t n = p->training_count, found = 0, cand_count = 0;
    candidate cands[SM_PATH_MAX_STEPS * 3 + 1];
    uint8_t *bans[4] = {0}; /* the ban set that gave each path found */
    int rc = SM_OK;
    if (max > 4)
        max = 4;
    sm_path_problem q = *p;
    uint8_t *first = sm_calloc(n + 1, 1);
    if (!first)
        return SM_ENOMEM;
    if (p->banned)
        memcpy(first, p->banned, n);
    q.banned = first;
    sm_path best;
    if ((rc = sm_path_solve(&q, &best)) != SM_OK || best.step_count == 0 || max == 0) {
        sm_free(first);
        return rc != SM_OK ? rc : 0;
    }
    out[found] = best;
    bans[found++] = first;
    while (found < max) {
        /* The last path found, each of its trainings banned in turn. */
        const sm_path *last = &out[found - 1];
        for (size_t j = 0; j < last->step_count && cand_count < sizeof cands / sizeof *cands; j++) {
            uint8_t *ban = sm_malloc(n + 1);
            if (!ban) {
                rc = SM_ENOMEM;
                goto done;
            }
            memcpy(ban, bans[found - 1], n + 1);
            ban[last->steps[j]] = 1;
            q.banned = ban;
            /* alternatives need not be proven best: a smaller search each */
            q.max_labels = p->max_labels && p->max_labels < SM_PATH_MAX_LABELS / 10
                               ? p->max_labels
                               : SM_PATH_MAX_LABELS / 10;
            sm_path alt;
            if ((rc = sm_path_solve(&q, &alt)) != SM_OK) {
                sm_free(ban);
                goto done;
            }
            int fresh = alt.step_count > 0;
            for (size_t i = 0; i < found && fresh; i++)
                fresh = !same_trainings(&alt, &out[i]);
            for (size_t i = 0; i < cand_count && fresh; i++)
                fresh = !same_trainings(&alt, &cands[i].path);
            if (!fresh) {
                sm_free(ban);
                continue;
            }
            cands[cand_count++] = (candidate){alt, ban};
        }
        if (!cand_count)
            break;
        size_t pick = 0;
        for (size_t i = 1; i < cand_count; i++)
            if (better(cands[i].path.covered, cands[i].path.cost, cands[i].path.step_count,
                       cands[pick].path.covered, cands[pick].path.cost,
                       cands[pick].path.step_count))
                pick = i;
        out[found] = cands[pick].path;
        bans[found++] = cands[pick].banned;
        cands[pick] = cands[--cand_count];
    }
done:
    for (size_t i = 0; i < cand_count; i++)
        sm_free(cands[i].banned);
    for (size_t i = 0; i < found; i++)
        sm_free(bans[i]);
    return rc != SM_OK ? rc : (int)found;
}
