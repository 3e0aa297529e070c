/*
 * test_paths.c: the training path solver against a brute-force reference
 * (every ordered sequence of distinct trainings) on small random instances,
 * and the rules a counsellor would check by hand: prerequisites force an
 * order, a budget forces the cheaper path, alternatives differ.
 */
#include "matcher/paths.h"
#include "taxonomy/base/alloc.h"
#include "taxonomy/base/error.h"
#include "tests/unit/check.h"

#include <math.h>

static uint64_t rng_state = 88172645463325252ull;
static uint32_t rnd(uint32_t n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state % n);
}

static int better_ref(double ca, double costa, size_t sa, double cb, double costb, size_t sb)
{
    if (fabs(ca - cb) > 1e-9)
        return ca > cb;
    if (fabs(costa - costb) > 1e-9)
        return costa < costb;
    return sa < sb;
}

typedef struct ref {
    const sm_path_problem *p;
    uint8_t used[16];
    double best_covered, best_cost;
    size_t best_steps;
} ref;

static double weight_ref(const sm_path_problem *p, const sm_elems *s)
{
    double w = 0;
    for (size_t e = 0; e < p->element_count; e++)
        if (sm_elems_has(s, e))
            w += p->weight[e];
    return w;
}

/* Every sequence of distinct usable trainings, prerequisites met at each start, within budgets. */
static void brute(ref *r, sm_elems set, double hours, double euros, size_t steps)
{
    const sm_path_problem *p = r->p;
    double covered = weight_ref(p, &set), cost = sm_path_cost(hours, euros);
    if (better_ref(covered, cost, steps, r->best_covered, r->best_cost, r->best_steps)) {
        r->best_covered = covered;
        r->best_cost = cost;
        r->best_steps = steps;
    }
    if (steps == SM_PATH_MAX_STEPS)
        return;
    for (size_t t = 0; t < p->training_count; t++) {
        const sm_path_training *tr = &p->trainings[t];
        if (r->used[t] || (p->banned && p->banned[t]))
            continue;
        int ok = 1;
        for (size_t i = 0; i < SM_PATH_MAX_ELEMENTS / 64; i++)
            ok &= (tr->requires.w[i] & ~set.w[i]) == 0;
        double h = hours + tr->hours, e = euros + tr->euros;
        if (!ok || (p->max_hours >= 0 && h > p->max_hours) ||
            (p->max_euros >= 0 && e > p->max_euros))
            continue;
        sm_elems next = set;
        for (size_t i = 0; i < SM_PATH_MAX_ELEMENTS / 64; i++)
            next.w[i] |= tr->teaches.w[i];
        r->used[t] = 1;
        brute(r, next, h, e, steps + 1);
        r->used[t] = 0;
    }
}

/* Checks that a path is valid for p: distinct, prerequisites met in order, within budgets,
 * and its totals right. */
static void check_valid(const sm_path_problem *p, const sm_path *path)
{
    sm_elems set = p->have;
    double hours = 0, euros = 0;
    for (size_t i = 0; i < path->step_count; i++) {
        const sm_path_training *tr = &p->trainings[path->steps[i]];
        for (size_t j = 0; j < i; j++)
            CHECK(path->steps[j] != path->steps[i]);
        CHECK(!(p->banned && p->banned[path->steps[i]]));
        for (size_t w = 0; w < SM_PATH_MAX_ELEMENTS / 64; w++) {
            CHECK((tr->requires.w[w] & ~set.w[w]) == 0);
            set.w[w] |= tr->teaches.w[w];
        }
        hours += tr->hours;
        euros += tr->euros;
    }
    CHECK(fabs(hours - path->hours) < 1e-6 && fabs(euros - path->euros) < 1e-6);
    CHECK(fabs(weight_ref(p, &set) - path->covered) < 1e-6);
    CHECK(p->max_hours < 0 || hours <= p->max_hours + 1e-9);
    CHECK(p->max_euros < 0 || euros <= p->max_euros + 1e-9);
}

static void random_problem(sm_path_problem *p, sm_path_training *tr, double *weight, size_t nt)
{
    size_t ne = 3 + rnd(8);
    memset(tr, 0, nt * sizeof *tr);
    memset(&p->have, 0, sizeof p->have);
    for (size_t e = 0; e < ne; e++) {
        weight[e] = rnd(3) == 0 ? 0 : rnd(2) ? 3.0 : 1.0; /* 0: a prerequisite only */
        if (rnd(6) == 0)
            sm_elems_add(&p->have, e);
    }
    for (size_t t = 0; t < nt; t++) {
        size_t k = 1 + rnd(3);
        for (size_t i = 0; i < k; i++)
            sm_elems_add(&tr[t].teaches, rnd((uint32_t)ne));
        if (rnd(3) == 0)
            sm_elems_add(&tr[t].requires, rnd((uint32_t)ne));
        tr[t].hours = 10 + rnd(200);
        tr[t].euros = rnd(2) ? 0 : 100 + rnd(2000);
    }
    p->element_count = ne;
    p->weight = weight;
    p->trainings = tr;
    p->training_count = nt;
    p->max_hours = rnd(3) == 0 ? -1.0 : 50.0 + rnd(300);
    p->max_euros = rnd(3) == 0 ? -1.0 : (double)rnd(2500);
    p->banned = NULL;
    p->max_labels = 0;
}

static void exact_equals_brute_force(void)
{
    sm_path_training tr[7];
    double weight[16];
    for (int round = 0; round < 3000; round++) {
        sm_path_problem p;
        random_problem(&p, tr, weight, 3 + rnd(5));
        uint8_t banned[7] = {0};
        if (round % 5 == 0) {
            banned[rnd((uint32_t)p.training_count)] = 1;
            p.banned = banned;
        }
        ref r = {&p, {0}, -1, 0, 0};
        brute(&r, p.have, 0, 0, 0);
        sm_path got;
        CHECK_INT(sm_path_solve(&p, &got), SM_OK);
        CHECK(got.exact);
        check_valid(&p, &got);
        if (fabs(got.covered - r.best_covered) > 1e-6 || fabs(got.cost - r.best_cost) > 1e-6) {
            fprintf(stderr, "    round %d: solver %.2f / %.2f, brute force %.2f / %.2f\n", round,
                    got.covered, got.cost, r.best_covered, r.best_cost);
            CHECK(0);
        }
    }
}

/* A gap of one skill that only B teaches, and B needs A's skill first: the path is A then B. */
static void prerequisites_force_order(void)
{
    double weight[2] = {0, 3};
    sm_path_training tr[3];
    memset(tr, 0, sizeof tr);
    sm_elems_add(&tr[0].requires, 0); /* B: needs element 0, teaches the gap */
    sm_elems_add(&tr[0].teaches, 1);
    tr[0].hours = 70;
    sm_elems_add(&tr[1].teaches, 0); /* A: teaches the prerequisite */
    tr[1].hours = 35;
    tr[2].hours = 5; /* teaches nothing useful */
    sm_elems_add(&tr[2].teaches, 0);
    sm_elems_add(&tr[2].requires, 1);
    sm_path_problem p = {2, weight, {{0}}, tr, 3, -1, -1, NULL, 0};
    sm_path got;
    CHECK_INT(sm_path_solve(&p, &got), SM_OK);
    CHECK_INT(got.step_count, 2);
    CHECK_INT(got.steps[0], 1);
    CHECK_INT(got.steps[1], 0);
    CHECK(fabs(got.hours - 105) < 1e-9);
    /* Already having the prerequisite: B alone. */
    sm_elems_add(&p.have, 0);
    CHECK_INT(sm_path_solve(&p, &got), SM_OK);
    CHECK_INT(got.step_count, 1);
    CHECK_INT(got.steps[0], 0);
}

/* Two ways to close a gap: fast and dear, or slow and free. No budget: the cheaper in cost
 * (hours + euros / 15); a budget in euros forces the free one; a budget in hours too low for
 * the free one leaves the dear one; both leave nothing, and the gap stays. */
static void budget_forces_cheaper_path(void)
{
    double weight[1] = {3};
    sm_path_training tr[2];
    memset(tr, 0, sizeof tr);
    sm_elems_add(&tr[0].teaches, 0);
    tr[0].hours = 35;
    tr[0].euros = 900; /* cost 35 + 60 = 95 */
    sm_elems_add(&tr[1].teaches, 0);
    tr[1].hours = 140; /* cost 140 */
    sm_path_problem p = {1, weight, {{0}}, tr, 2, -1, -1, NULL, 0};
    sm_path got;
    CHECK_INT(sm_path_solve(&p, &got), SM_OK);
    CHECK_INT(got.step_count, 1);
    CHECK_INT(got.steps[0], 0);
    p.max_euros = 500;
    CHECK_INT(sm_path_solve(&p, &got), SM_OK);
    CHECK_INT(got.steps[0], 1);
    p.max_euros = -1;
    p.max_hours = 100;
    CHECK_INT(sm_path_solve(&p, &got), SM_OK);
    CHECK_INT(got.steps[0], 0);
    p.max_euros = 500;
    CHECK_INT(sm_path_solve(&p, &got), SM_OK);
    CHECK_INT(got.step_count, 0);
    CHECK(got.covered == 0);
}

static void alternatives_are_distinct_and_ranked(void)
{
    sm_path_training tr[8];
    double weight[16];
    for (int round = 0; round < 200; round++) {
        sm_path_problem p;
        random_problem(&p, tr, weight, 4 + rnd(5));
        sm_path paths[3];
        int n = sm_path_solve_many(&p, paths, 3);
        CHECK(n >= 0 && n <= 3);
        for (int i = 0; i < n; i++) {
            check_valid(&p, &paths[i]);
            CHECK(paths[i].step_count > 0);
            for (int j = 0; j < i; j++) {
                int same = paths[i].step_count == paths[j].step_count;
                for (size_t a = 0; same && a < paths[i].step_count; a++) {
                    int in = 0;
                    for (size_t b = 0; b < paths[j].step_count; b++)
                        in |= paths[i].steps[a] == paths[j].steps[b];
                    same = in;
                }
                CHECK(!same);
                CHECK(!better_ref(paths[i].covered, paths[i].cost, paths[i].step_count,
                                  paths[j].covered, paths[j].cost, paths[j].step_count));
            }
        }
        /* The first is the best path there is. */
        sm_path one;
        CHECK_INT(sm_path_solve(&p, &one), SM_OK);
        if (n > 0)
            CHECK(fabs(one.cost - paths[0].cost) < 1e-9 &&
                  fabs(one.covered - paths[0].covered) < 1e-9);
    }
}

/* Without prerequisites or budgets, the greedy search is the weighted set cover greedy: it
 * covers all the goal weight there is, at a cost within H(W) of the best cover's (W: the goal
 * weight, integer here). */
static void greedy_fallback_is_valid_and_bounded(void)
{
    sm_path_training tr[7];
    double weight[16];
    int greedy_runs = 0;
    for (int round = 0; round < 500; round++) {
        sm_path_problem p;
        random_problem(&p, tr, weight, 7);
        for (size_t t = 0; t < p.training_count; t++)
            memset(&tr[t].requires, 0, sizeof tr[t].requires);
        p.max_hours = p.max_euros = -1;
        sm_path best, quick;
        CHECK_INT(sm_path_solve(&p, &best), SM_OK);
        p.max_labels = 2;
        CHECK_INT(sm_path_solve(&p, &quick), SM_OK);
        check_valid(&p, &quick);
        if (quick.exact)
            continue;
        greedy_runs++;
        double goal = 0, h = 0;
        for (size_t e = 0; e < p.element_count; e++)
            goal += sm_elems_has(&p.have, e) ? 0 : weight[e];
        for (int i = 1; i <= (int)goal; i++)
            h += 1.0 / i;
        CHECK(fabs(quick.covered - best.covered) < 1e-9);
        CHECK(quick.cost <= h * best.cost + 1e-6);
    }
    CHECK(greedy_runs > 100);
}

static void allocation_failures_are_reported(void)
{
    sm_path_training tr[7];
    double weight[16];
    sm_path_problem p;
    rng_state = 12345;
    random_problem(&p, tr, weight, 7);
    p.max_hours = p.max_euros = -1;
    for (int n = 0; n < 40; n++) {
        sm_path paths[3];
        sm_alloc_fail_after(n);
        int rc = sm_path_solve_many(&p, paths, 3);
        sm_alloc_fail_after(-1);
        CHECK(rc == SM_ENOMEM || rc >= 0);
    }
}

SM_TEST_MAIN("test_paths", T(exact_equals_brute_force), T(prerequisites_force_order),
             T(budget_forces_cheaper_path), T(alternatives_are_distinct_and_ranked),
             T(greedy_fallback_is_valid_and_bounded), T(allocation_failures_are_reported))
