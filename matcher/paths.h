/*
 * paths.h: the training path solver, on an abstract problem: elements (a
 * skill at a level) to reach, trainings that reach some elements and need
 * others first, each with a cost in hours and euros, and budgets. No index,
 * no taxonomy: plan.c builds the problem from its offers and profiles.
 *
 * A path is an ordered list of distinct trainings, each of which has its
 * prerequisites reached (at the start or by an earlier step) when it starts.
 * The best path covers the most goal weight within the budgets; among those,
 * the least cost (hours + euros / SM_PATH_EUROS_PER_HOUR); then the fewest
 * steps. The solver is exact (a best-first search over the sets of elements
 * reached, keeping every label not dominated in hours and euros) while it
 * stays within SM_PATH_MAX_LABELS labels, and falls back to a greedy
 * approximation beyond: see matcher/README.md for its guarantee.
 */
#ifndef SM_PATHS_H
#define SM_PATHS_H

#include <stddef.h>
#include <stdint.h>

#define SM_PATH_MAX_ELEMENTS 256
#define SM_PATH_MAX_STEPS 8
/* What an hour of a person's time is worth against euros paid, in the cost of a path. */
#define SM_PATH_EUROS_PER_HOUR 15.0
/* Beyond this many labels, the exact search gives way to the greedy one. */
#define SM_PATH_MAX_LABELS 50000

typedef struct sm_elems {
    uint64_t w[SM_PATH_MAX_ELEMENTS / 64];
} sm_elems;

static inline void sm_elems_add(sm_elems *s, size_t e)
{
    s->w[e / 64] |= 1ull << (e % 64);
}
static inline int sm_elems_has(const sm_elems *s, size_t e)
{
    return (int)(s->w[e / 64] >> (e % 64) & 1);
}

/* Whether every element of a is in b. */
static inline int sm_elems_subset(const sm_elems *a, const sm_elems *b)
{
    for (size_t i = 0; i < SM_PATH_MAX_ELEMENTS / 64; i++)
        if (a->w[i] & ~b->w[i])
            return 0;
    return 1;
}

typedef struct sm_path_training {
    sm_elems teaches;    /* elements reached by completing it */
    sm_elems requires;   /* elements needed before it starts */
    double hours, euros; /* euros: what the person pays (0 when funded) */
} sm_path_training;

typedef struct sm_path_problem {
    size_t element_count; /* <= SM_PATH_MAX_ELEMENTS */
    const double *weight; /* per element, > 0 for goal elements, 0 for the others */
    sm_elems have;        /* reached at the start */
    const sm_path_training *trainings;
    size_t training_count;
    double max_hours, max_euros; /* budgets for the whole path; < 0 = none */
    const uint8_t *banned;       /* per training, 1 = not to be used; NULL = none */
    size_t max_labels; /* 0 = SM_PATH_MAX_LABELS (tests lower it to reach the greedy search) */
} sm_path_problem;

typedef struct sm_path {
    size_t steps[SM_PATH_MAX_STEPS]; /* training numbers, in order */
    size_t step_count;
    double covered; /* goal weight reached (at the start or by a step) */
    double hours, euros, cost;
    int exact; /* 1 when the search proved it best */
} sm_path;

/* The cost the solver minimises: hours plus euros at SM_PATH_EUROS_PER_HOUR. */
static inline double sm_path_cost(double hours, double euros)
{
    return hours + euros / SM_PATH_EUROS_PER_HOUR;
}

/*
 * The best path for p into *out (step_count 0 when no training adds goal
 * weight). Returns 0, or SM_ENOMEM (out unchanged).
 */
int sm_path_solve(const sm_path_problem *p, sm_path *out);

/*
 * Up to max distinct good paths (different sets of trainings), best first:
 * the best, then the best of the problems that ban one more of an earlier
 * path's trainings (Lawler's scheme). Returns how many, or SM_ENOMEM.
 */
int sm_path_solve_many(const sm_path_problem *p, sm_path *out, size_t max);

#endif
