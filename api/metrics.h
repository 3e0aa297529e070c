/*
 * metrics.h: request counters and latency histograms per route, written
 * in Prometheus text format with the service's gauges. Route names and
 * status codes only: no path parameter, key, address or body ever enters.
 */
#ifndef SM_METRICS_H
#define SM_METRICS_H

#include "api/jsonw.h"

#include <stddef.h>

typedef struct sm_metrics sm_metrics;

/* route_count routes named by names (which must outlive it), plus "unmatched". */
int sm_metrics_new(const char *const *names, size_t route_count, sm_metrics **out);
void sm_metrics_free(sm_metrics *m);
/* route: index in names, or route_count for requests no route took. */
void sm_metrics_record(sm_metrics *m, size_t route, unsigned status, double seconds);
/* Appends the counters and histograms. */
void sm_metrics_write(sm_metrics *m, jsonw *out);

#endif
