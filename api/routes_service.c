/*
 * routes_service.c: the service's own routes: /health (alive), /ready
 * (database reachable and index loaded), the change feed for mirrors,
 * the OpenAPI document and the Prometheus metrics.
 */
#include "api/audit.h"
#include "api/guard.h"
#include "api/metrics.h"
#include "api/routes.h"
#include "sql/changes.h"
#include "taxonomy/base/alloc.h"

#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int sm_route_health(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp)
{
    (void)s;
    (void)rq;
    return sm_resp_json(resp, 200,
                        json_pack("{s:s, s:{s:I, s:I, s:I}}", "status", "ok", "taxonomy",
                                  "concepts", (json_int_t)sm_taxonomy_count(g->tx), "skills",
                                  (json_int_t)(sm_taxonomy_count_type(g->tx, SM_CT_SKILL) +
                                               sm_taxonomy_count_type(g->tx, SM_CT_KNOWLEDGE)),
                                  "occupations",
                                  (json_int_t)sm_taxonomy_count_type(g->tx, SM_CT_OCCUPATION)));
}

int sm_route_ready(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp)
{
    (void)rq;
    sm_error err = {0};
    PGconn *c = sm_db_get(s->db, 1000, &err);
    int db_ok = 0;
    if (c) {
        db_ok = sm_db_ping(c, &err) == SM_OK;
        sm_db_put(s->db, c);
    }
    if (!db_ok || !atomic_load(&s->ready)) {
        resp->retry_after = 2;
        return sm_problem(resp, 503, "%s",
                          !db_ok ? "the database is not reachable" : "the index is still loading");
    }
    /* Offers are public; how many people have a profile is not (each creation and erasure
     * would show as one more or one fewer): /metrics, local by default, counts them. */
    return sm_resp_json(resp, 200,
                        json_pack("{s:s, s:I, s:I}", "status", "ready", "job_offers",
                                  (json_int_t)sm_matcher_offer_count(g->m, SM_OFFER_JOB),
                                  "trainings",
                                  (json_int_t)sm_matcher_offer_count(g->m, SM_OFFER_TRAINING)));
}

int sm_route_changes(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp)
{
    (void)g;
    if (sm_require_role(rq, resp,
                        SM_ROLEBIT(SM_ROLE_ADMIN) | SM_ROLEBIT(SM_ROLE_INCLUSION_ORG) |
                            SM_ROLEBIT(SM_ROLE_TRAINING_PROVIDER)))
        return 0;
    sm_field_errors fe = {0};
    long long since =
        sm_query_int(rq, "since", 0, INT64_MAX, 0, "must be a sequence number (0 or more)", &fe);
    long long limit = sm_query_int(rq, "limit", 1, 1000, 100, NULL, &fe);
    if (fe.count)
        return sm_problem_fields(resp, 400, &fe);
    /* Admin keys read every entry by seq; the others read offers by offer_seq, a numbering
     * of their own (sql/006: the gaps of a shared one counted profile changes). */
    int admin = rq->who.role == SM_ROLE_ADMIN;
    sm_error err = {0};
    PGconn *c = sm_route_db(s, resp);
    if (!c)
        return 0;
    sm_rows *rows = NULL;
    size_t total = 0;
    int rc = sm_store_changes_page(c, !admin, since, (size_t)limit + 1, &rows, &total, &err);
    sm_db_put(s->db, c);
    if (rc != SM_OK)
        return rc == SM_ENOMEM ? rc : sm_db_unavailable(resp, &err);
    json_t *items = json_array();
    size_t count = sm_rows_count(rows), shown = count > (size_t)limit ? (size_t)limit : count;
    for (size_t i = 0; i < shown; i++) {
        sm_change_entry e = sm_change_entries_at(rows, i);
        json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s}", "seq", (json_int_t)e.seq, "object",
                              e.object, "id", e.id, "op", e.op, "at", e.at);
        if (e.kind >= 0)
            json_object_set_new(o, "kind", json_string(e.kind == 1 ? "training" : "job"));
        json_array_append_new(items, o);
    }
    json_t *out = json_pack("{s:o, s:I}", "items", items, "total", (json_int_t)total);
    char cursor[24] = "";
    if (count > (size_t)limit)
        snprintf(cursor, sizeof cursor, "%lld", sm_change_entries_at(rows, shown - 1).seq);
    json_object_set_new(out, "next_cursor", *cursor ? json_string(cursor) : json_null());
    json_object_set_new(out, "last_seq",
                        shown ? json_integer(sm_change_entries_at(rows, shown - 1).seq)
                              : json_integer(since));
    sm_rows_free(rows);
    return sm_resp_json(resp, 200, out);
}

int sm_route_openapi(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp)
{
    (void)s;
    (void)g;
    (void)rq;
    char *copy = sm_strdup(sm_openapi_json());
    if (!copy)
        return SM_ENOMEM;
    sm_resp_text(resp, 200, "application/json", copy);
    return SM_OK;
}

/* The process's resident memory, from /proc/self/statm (0 when unreadable). */
static size_t resident_bytes(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    unsigned long long size = 0, pages = 0;
    if (f) {
        if (fscanf(f, "%llu %llu", &size, &pages) != 2)
            pages = 0;
        fclose(f);
    }
    return (size_t)pages * (size_t)sysconf(_SC_PAGESIZE);
}

int sm_route_metrics(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp)
{
    if (!rq->loopback && !s->metrics_public)
        return sm_problem(resp, 403,
                          "/metrics answers local clients only (serve --metrics-public "
                          "opens it)");
    jsonw w = {0};
    sm_metrics_write(s->metrics, &w);
    char line[1024];
    sm_db_stats st;
    sm_db_pool_stats(s->db, &st);
    unsigned long long batches, ops;
    unsigned queued;
    sm_writer_stats(s->writer, &batches, &ops, &queued);
    snprintf(line, sizeof line,
             "# HELP skillmatch_offers Offers in the index.\n# TYPE skillmatch_offers gauge\n"
             "skillmatch_offers{kind=\"job\"} %zu\nskillmatch_offers{kind=\"training\"} %zu\n"
             "# HELP skillmatch_profiles Profiles in the index.\n# TYPE skillmatch_profiles gauge\n"
             "skillmatch_profiles %zu\n"
             "# HELP skillmatch_index_bytes Memory held by the index.\n"
             "# TYPE skillmatch_index_bytes gauge\nskillmatch_index_bytes %zu\n"
             "# HELP skillmatch_index_emptied_slots Index slots emptied by changes since it "
             "was built.\n# TYPE skillmatch_index_emptied_slots gauge\n"
             "skillmatch_index_emptied_slots %zu\n"
             "# HELP skillmatch_taxonomy_concepts Concepts loaded.\n"
             "# TYPE skillmatch_taxonomy_concepts gauge\nskillmatch_taxonomy_concepts %zu\n",
             sm_matcher_offer_count(g->m, SM_OFFER_JOB),
             sm_matcher_offer_count(g->m, SM_OFFER_TRAINING), sm_matcher_profile_count(g->m),
             sm_matcher_memory(g->m), sm_matcher_emptied_slots(g->m), sm_taxonomy_count(g->tx));
    jsonw_lit(&w, line);
    snprintf(line, sizeof line,
             "# HELP skillmatch_db_pool_connections Read pool connections.\n"
             "# TYPE skillmatch_db_pool_connections gauge\n"
             "skillmatch_db_pool_connections{state=\"size\"} %u\n"
             "skillmatch_db_pool_connections{state=\"open\"} %u\n"
             "skillmatch_db_pool_connections{state=\"in_use\"} %u\n"
             "# HELP skillmatch_db_pool_waits_total Requests that waited for a connection.\n"
             "# TYPE skillmatch_db_pool_waits_total counter\nskillmatch_db_pool_waits_total %llu\n"
             "# HELP skillmatch_db_pool_timeouts_total Requests that got none in time.\n"
             "# TYPE skillmatch_db_pool_timeouts_total counter\n"
             "skillmatch_db_pool_timeouts_total %llu\n",
             st.size, st.open, st.in_use, st.waits, st.timeouts);
    jsonw_lit(&w, line);
    snprintf(line, sizeof line,
             "# HELP skillmatch_write_batches_total Transactions committed by the writer.\n"
             "# TYPE skillmatch_write_batches_total counter\nskillmatch_write_batches_total %llu\n"
             "# HELP skillmatch_writes_total Changes committed.\n"
             "# TYPE skillmatch_writes_total counter\nskillmatch_writes_total %llu\n"
             "# HELP skillmatch_write_queue Changes waiting for the writer.\n"
             "# TYPE skillmatch_write_queue gauge\nskillmatch_write_queue %u\n",
             batches, ops, queued);
    jsonw_lit(&w, line);
    unsigned long long audit_lost;
    unsigned audit_waiting;
    sm_audit_stats(s->audit, &audit_lost, &audit_waiting);
    snprintf(line, sizeof line,
             "# HELP skillmatch_audit_waiting Reads of personal data noted, not yet written.\n"
             "# TYPE skillmatch_audit_waiting gauge\nskillmatch_audit_waiting %u\n"
             "# HELP skillmatch_audit_lost_total Audit entries lost (the database away too "
             "long).\n# TYPE skillmatch_audit_lost_total counter\nskillmatch_audit_lost_total "
             "%llu\n",
             audit_waiting, audit_lost);
    jsonw_lit(&w, line);
    sm_guard_stats gs;
    sm_guard_stats_get(&gs);
    snprintf(line, sizeof line,
             "# HELP skillmatch_connections Open HTTP connections.\n"
             "# TYPE skillmatch_connections gauge\nskillmatch_connections %u\n"
             "# HELP skillmatch_connections_cut_total Connections shut down by the watchdog "
             "(SECURITY.md).\n# TYPE skillmatch_connections_cut_total counter\n"
             "skillmatch_connections_cut_total{late=\"headers\"} %llu\n"
             "skillmatch_connections_cut_total{late=\"body\"} %llu\n"
             "# HELP skillmatch_connections_refused_total Connections refused to an address "
             "holding many while slots ran short.\n"
             "# TYPE skillmatch_connections_refused_total counter\n"
             "skillmatch_connections_refused_total %llu\n"
             "# HELP skillmatch_body_bytes_held Bytes of large request bodies held at once.\n"
             "# TYPE skillmatch_body_bytes_held gauge\nskillmatch_body_bytes_held %zu\n"
             "# HELP process_resident_memory_bytes Resident memory of the process.\n"
             "# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes %zu\n",
             gs.connections, gs.cut_headers, gs.cut_body, gs.refused, gs.body_bytes_held,
             resident_bytes());
    jsonw_lit(&w, line);
    /* What malloc holds: in use, and free but kept (fragmentation when it grows). */
    struct mallinfo2 mi = mallinfo2();
    snprintf(line, sizeof line,
             "# HELP skillmatch_malloc_bytes Memory malloc holds, in use or free but kept.\n"
             "# TYPE skillmatch_malloc_bytes gauge\n"
             "skillmatch_malloc_bytes{state=\"in_use\"} %zu\n"
             "skillmatch_malloc_bytes{state=\"free\"} %zu\n",
             mi.uordblks + mi.hblkhd, mi.fordblks);
    jsonw_lit(&w, line);
    if (w.failed) {
        jsonw_free(&w);
        return SM_ENOMEM;
    }
    sm_resp_text(resp, 200, "text/plain; version=0.0.4", w.data);
    return SM_OK;
}
