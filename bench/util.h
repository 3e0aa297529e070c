/*
 * util.h: the timing helpers every benchmark program uses (header-only, as
 * each benchmark is one program).
 */
#ifndef SM_BENCH_UTIL_H
#define SM_BENCH_UTIL_H

#include "taxonomy/base/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* The process's resident memory in KiB (VmRSS), 0 when unreadable. */
static inline long rss_kb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = 0;
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "VmRSS:", 6) == 0)
            sscanf(line + 6, "%ld", &kb);
    if (f)
        fclose(f);
    return kb;
}

/* Sorts t[0..n) (seconds) and prints its median and 99th percentile in microseconds. */
static inline void report_us(const char *what, double *t, size_t n)
{
    qsort(t, n, sizeof *t, cmp_double);
    printf("%-40s p50 %8.2f us   p99 %8.2f us\n", what, t[n / 2] * 1e6, t[n * 99 / 100] * 1e6);
}

#endif
