/*
 * service.c: a service's shared state opened and closed in one place: what `skillmatch serve`
 * holds (service.h) and what an in-process test of the routes needs without the HTTP server.
 */
#include "api/audit.h"
#include "api/consent.h"
#include "api/keys_cache.h"
#include "api/limits.h"
#include "api/metrics.h"
#include "api/writer.h"
#include "sql/keys.h"
#include "taxonomy/base/alloc.h"

#include <stdlib.h>
#include <string.h>

int sm_service_open(sm_service *s, const char *conninfo, unsigned pool,
                    const char *const *route_names, size_t route_count, sm_error *err)
{
    memset(s, 0, sizeof *s);
    pthread_mutex_init(&s->gen_lock, NULL);
    /* SKILLMATCH_DB_TIMEOUT_MS: how long a request or a write waits for one statement's
     * answer (default 5 s) before answering 503. */
    const char *t = getenv("SKILLMATCH_DB_TIMEOUT_MS");
    long ms = t ? strtol(t, NULL, 10) : 5000;
    s->db_timeout_ms = ms >= 100 && ms <= 600000 ? (unsigned)ms : 5000;
    /* SKILLMATCH_REPACK_MIN: the emptied slots the index holds at least before the writer
     * rebuilds it (default 65,536; tests lower it). */
    const char *r = getenv("SKILLMATCH_REPACK_MIN");
    long slots = r ? strtol(r, NULL, 10) : 65536;
    s->repack_min = slots >= 1 && slots <= 100000000 ? (size_t)slots : 65536;
    if (!(s->conninfo = sm_strdup(conninfo)))
        return sm_error_set(err, SM_ENOMEM, "out of memory");
    PGconn *c = NULL;
    sm_gen *g = NULL;
    int rc = sm_db_connect(s->conninfo, &c, err);
    if (rc == SM_OK)
        rc = sm_db_check_serving(c, err);
    if (rc == SM_OK)
        rc = sm_secret_read(c, "pseudonyms", s->pseudonym_key, err);
    if (rc == SM_OK)
        rc = sm_secret_read(c, "feed", s->feed_key, err);
    if (rc == SM_OK && (rc = sm_consent_load()) != SM_OK)
        rc = sm_error_set(err, rc,
                          rc == SM_ENOMEM ? "out of memory"
                                          : "api/consent.json: a current version with "
                                            "every purpose's French and English text "
                                            "is needed");
    if (rc == SM_OK)
        rc = sm_gen_load(c, &g, err);
    if (c)
        PQfinish(c);
    if (rc == SM_OK) {
        sm_service_swap(s, g);
        rc = sm_db_open(s->conninfo, pool, &s->db, err);
    }
    atomic_store(&s->retention_days, SM_RETENTION_DAYS);
    atomic_store(&s->audit_days, SM_AUDIT_DAYS);
    if (rc == SM_OK && (sm_keys_new(&s->keys) != SM_OK || sm_limits_new(&s->limits) != SM_OK ||
                        sm_audit_open(s->feed_key, &s->audit) != SM_OK ||
                        sm_metrics_new(route_names, route_count, &s->metrics) != SM_OK))
        rc = sm_error_set(err, SM_ENOMEM, "out of memory");
    if (rc == SM_OK)
        rc = sm_writer_start(s, &s->writer, err);
    if (rc != SM_OK)
        sm_service_close(s);
    return rc;
}

void sm_service_close(sm_service *s)
{
    sm_writer_stop(s->writer);
    if (s->gen)
        sm_service_release(s, s->gen);
    sm_db_free(s->db);
    sm_keys_free(s->keys);
    sm_audit_close(s->audit);
    sm_limits_free(s->limits);
    sm_metrics_free(s->metrics);
    sm_free(s->conninfo);
    pthread_mutex_destroy(&s->gen_lock);
    memset(s, 0, sizeof *s);
}
