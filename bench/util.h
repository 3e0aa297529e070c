/*
 * util.h: the timing helpers every benchmark program uses (header-only, as
 * each benchmark is one program).
 */
#ifndef SM_BENCH_UTIL_H
#define SM_BENCH_UTIL_H

#include "taxonomy/base/clock.h"

/* Monotonic seconds (sm_now_s, under the short name the benchmarks use). */
static inline double now(void)
{
    return sm_now_s();
}

/* qsort comparator for doubles, ascending. */
static inline int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

#endif
