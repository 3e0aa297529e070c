/* metrics.c: lock-free counters (relaxed atomics) per route and status (see metrics.h). */
#include "api/metrics.h"
#include "taxonomy/base/alloc.h"
#include "taxonomy/base/error.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const double bounds[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                0.05,   0.1,   0.25,   0.5,   1,    2.5};
#define NB (sizeof bounds / sizeof *bounds)
#define STATUSES 600

typedef struct route_stats {
    _Atomic unsigned long long by_status[STATUSES];
    _Atomic unsigned long long buckets[NB + 1];
    _Atomic unsigned long long micros; /* sum of latencies */
} route_stats;

struct sm_metrics {
    const char *const *names;
    size_t count;
    route_stats *routes; /* count + 1 */
};

int sm_metrics_new(const char *const *names, size_t route_count, sm_metrics **out)
{
    sm_metrics *m = sm_calloc(1, sizeof *m);
    if (!m || !(m->routes = sm_calloc(route_count + 1, sizeof *m->routes))) {
        sm_free(m);
        return SM_ENOMEM;
    }
    m->names = names;
    m->count = route_count;
    *out = m;
    return SM_OK;
}

void sm_metrics_free(sm_metrics *m)
{
    if (!m)
        return;
    sm_free(m->routes);
    sm_free(m);
}

void sm_metrics_record(sm_metrics *m, size_t route, unsigned status, double seconds)
{
    if (route > m->count)
        route = m->count;
    route_stats *r = &m->routes[route];
    atomic_fetch_add_explicit(&r->by_status[status < STATUSES ? status : 0], 1,
                              memory_order_relaxed);
    size_t b = 0;
    while (b < NB && seconds > bounds[b])
        b++;
    atomic_fetch_add_explicit(&r->buckets[b], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&r->micros, (unsigned long long)(seconds * 1e6),
                              memory_order_relaxed);
}

static const char *name_of(const sm_metrics *m, size_t i)
{
    return i < m->count ? m->names[i] : "unmatched";
}

void sm_metrics_write(sm_metrics *m, jsonw *out)
{
    char line[256];
    jsonw_lit(out, "# HELP skillmatch_http_requests_total HTTP requests by route and status.\n"
                   "# TYPE skillmatch_http_requests_total counter\n");
    for (size_t i = 0; i <= m->count; i++)
        for (unsigned s = 0; s < STATUSES; s++) {
            unsigned long long n =
                atomic_load_explicit(&m->routes[i].by_status[s], memory_order_relaxed);
            if (!n)
                continue;
            snprintf(line, sizeof line,
                     "skillmatch_http_requests_total{route=\"%s\",status=\"%u\"} %llu\n",
                     name_of(m, i), s, n);
            jsonw_lit(out, line);
        }
    jsonw_lit(out, "# HELP skillmatch_http_request_duration_seconds Time to answer, by route.\n"
                   "# TYPE skillmatch_http_request_duration_seconds histogram\n");
    for (size_t i = 0; i <= m->count; i++) {
        unsigned long long cum = 0;
        for (size_t b = 0; b <= NB; b++)
            cum += atomic_load_explicit(&m->routes[i].buckets[b], memory_order_relaxed);
        if (!cum)
            continue;
        unsigned long long total = cum;
        cum = 0;
        for (size_t b = 0; b <= NB; b++) {
            cum += atomic_load_explicit(&m->routes[i].buckets[b], memory_order_relaxed);
            if (b < NB)
                snprintf(line, sizeof line,
                         "skillmatch_http_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} "
                         "%llu\n",
                         name_of(m, i), bounds[b], cum);
            else
                snprintf(line, sizeof line,
                         "skillmatch_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"}"
                         " %llu\n",
                         name_of(m, i), cum);
            jsonw_lit(out, line);
        }
        snprintf(line, sizeof line,
                 "skillmatch_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n"
                 "skillmatch_http_request_duration_seconds_count{route=\"%s\"} %llu\n",
                 name_of(m, i),
                 (double)atomic_load_explicit(&m->routes[i].micros, memory_order_relaxed) / 1e6,
                 name_of(m, i), total);
        jsonw_lit(out, line);
    }
}
