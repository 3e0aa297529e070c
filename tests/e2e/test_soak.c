/*
 * test_soak.c: the short form of make soak (bench/soak.sh): mixed load for SOAK_SECONDS
 * (default 15) on the real server, with a key of a rate no test reaches. tests/run.sh runs it
 * against the plain server, then against the sanitizer build's (SM_SERVER_BIN): no answer
 * 500, no request unanswered, the server's memory within a generous bound, and a clean stop
 * with no sanitizer report in its log. Liveness only: no timing is asserted.
 */
#include "tests/e2e/harness.h"

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

enum { THREADS = 8 };

static char soak_key[64];
static atomic_int statuses[600], unanswered;

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void count(int st)
{
    if (st > 0 && st < 600)
        atomic_fetch_add(&statuses[st], 1);
    else
        atomic_fetch_add(&unanswered, 1);
}

static int call(const char *method, const char *path, const char *type, const char *body, reply *r)
{
    char hdr[96] = "";
    if (type)
        snprintf(hdr, sizeof hdr, "Content-Type: %s\r\n", type);
    int rc = http_request(port, method, path, soak_key, type ? hdr : NULL, body,
                          body ? strlen(body) : 0, r);
    count(rc == 0 ? r->status : 0);
    return rc == 0 ? r->status : 0;
}

/* One round of the mix: an offer created, matched, read, patched, its candidates, deleted; a
 * profile created and erased; searches, extraction, demand and the change feed. */
static void round_of(int t, int k)
{
    reply r;
    char body[512], path[128], id[40] = "", pid[40] = "";
    snprintf(body, sizeof body,
             "{\"kind\":\"job\",\"title\":\"Soak %d-%d\",\"skills\":[{\"uri\":\"" S(
                 02) "\",\"essential\":true},{\"uri\":\"" S(05) "\"}],\"location\":{\"lat\":50.6"
                                                                "3,\"lon\":3.06}}",
             t, k);
    if (call("POST", "/v1/offers", "application/json", body, &r) == 201)
        snprintf(id, sizeof id, "%s", str_at(r.json, "id") ? str_at(r.json, "id") : "");
    reply_free(&r);
    call("POST", "/v1/match", "application/json",
         "{\"profile\":{\"skills\":[{\"uri\":\"" S(
             02) "\",\"level\":3}],\"location\":{\"lat\":"
                 "50.6,\"lon\":3.1},\"radius_km\":30},\"limit\":10}",
         &r);
    reply_free(&r);
    if (*id) {
        snprintf(path, sizeof path, "/v1/offers/%s", id);
        call("GET", path, NULL, NULL, &r);
        reply_free(&r);
        call("PATCH", path, "application/merge-patch+json", "{\"title\":\"Soak, changed\"}", &r);
        reply_free(&r);
        snprintf(path, sizeof path, "/v1/offers/%s/candidates?limit=5", id);
        call("GET", path, NULL, NULL, &r);
        reply_free(&r);
        snprintf(path, sizeof path, "/v1/offers/%s", id);
        call("DELETE", path, NULL, NULL, &r);
        reply_free(&r);
    }
    if (call("POST", "/v1/profiles", "application/json",
             "{\"skills\":[{\"uri\":\"" S(05) "\"}],\"description\":\"Je tiens une caisse.\"}",
             &r) == 201)
        snprintf(pid, sizeof pid, "%s", str_at(r.json, "id") ? str_at(r.json, "id") : "");
    reply_free(&r);
    if (*pid) {
        snprintf(path, sizeof path, "/v1/profiles/%s", pid);
        call("DELETE", path, NULL, NULL, &r);
        reply_free(&r);
    }
    call("GET", k % 2 ? "/v1/skills?q=caisse" : "/v1/skills?q=tableur&lang=fr", NULL, NULL, &r);
    reply_free(&r);
    call("POST", "/v1/extract", "application/json",
         "{\"text\":\"Je tiens une caisse et je range les rayons.\"}", &r);
    reply_free(&r);
    call("GET", "/v1/demand?near=50.63,3.06&radius_km=50", NULL, NULL, &r);
    reply_free(&r);
    call("GET", "/v1/changes?limit=20", NULL, NULL, &r);
    reply_free(&r);
}

static double until;

static void *worker(void *arg)
{
    int t = (int)(intptr_t)arg;
    for (int k = 0; now_s() < until; k++)
        round_of(t, k);
    return NULL;
}

static void mixed_load_answers_every_request(void)
{
    const char *s = getenv("SOAK_SECONDS");
    double secs = s ? atof(s) : 15;
    long long rss0 = metric("process_resident_memory_bytes");
    until = now_s() + secs;
    pthread_t th[THREADS];
    for (int i = 0; i < THREADS; i++)
        pthread_create(&th[i], NULL, worker, (void *)(intptr_t)i);
    for (int i = 0; i < THREADS; i++)
        pthread_join(th[i], NULL);
    long long rss1 = metric("process_resident_memory_bytes");
    int total = 0;
    printf("    %.0f s, %d threads:", secs, THREADS);
    for (int st = 0; st < 600; st++)
        if (statuses[st]) {
            printf(" %d×%d", atomic_load(&statuses[st]), st);
            total += statuses[st];
        }
    printf("; memory %lld → %lld MB\n", rss0 >> 20, rss1 >> 20);
    CHECK(total > 0);
    CHECK_INT(atomic_load(&unanswered), 0);
    CHECK_INT(atomic_load(&statuses[500]), 0);
    /* Every answer is one the mix expects (503, back-pressure, is counted, not failed). */
    int other = 0;
    for (int st = 0; st < 600; st++)
        if (st != 200 && st != 201 && st != 204 && st != 503)
            other += statuses[st];
    CHECK_INT(other, 0);
    CHECK(rss1 > 0 && rss1 < rss0 + ((long long)512 << 20)); /* generous: a liveness bound */
}

/* Last: the server stops on SIGTERM, and its log holds no sanitizer report (with the sanitizer
 * build, LeakSanitizer's at exit too). */
static void stops_clean_without_reports(void)
{
    int pid = pid_in("server.pid");
    CHECK(pid > 0);
    kill(pid, SIGTERM);
    /* The server is the suite's child, not this test's: wait until it has ended (a zombie) or
     * is gone, as long as a sanitizer's leak check at exit may take. */
    char path[300], line[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    double t0 = now_s();
    for (;;) {
        FILE *st = fopen(path, "r");
        char state = 'Z';
        if (st) {
            if (fscanf(st, "%*d (%*[^)]) %c", &state) != 1)
                state = 'Z';
            fclose(st);
        }
        if (state == 'Z' || now_s() - t0 > 120)
            break;
        usleep(100000);
    }
    CHECK(now_s() - t0 <= 120);
    snprintf(path, sizeof path, "%s/server.pid", pg_dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/server.log", pg_dir);
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    int reports = 0;
    while (f && fgets(line, sizeof line, f))
        if (strstr(line, "ERROR: AddressSanitizer") || strstr(line, "ERROR: LeakSanitizer") ||
            strstr(line, "runtime error:") || strstr(line, "WARNING: ThreadSanitizer")) {
            fprintf(stderr, "    %s", line);
            reports++;
        }
    if (f)
        fclose(f);
    CHECK_INT(reports, 0);
}

static int soak_keys(void)
{
    return create_key("Soak", "inclusion_org", soak_key, "--rate-limit 10000000");
}

int main(int argc, char **argv)
{
    static const sm_test tests[] = {
        T(mixed_load_answers_every_request),
        T(stops_clean_without_reports),
    };
    return e2e_main("test_soak", soak_keys, tests, sizeof tests / sizeof *tests, argc, argv);
}
