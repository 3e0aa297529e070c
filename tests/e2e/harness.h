/*
 * harness.h: what every end-to-end suite shares: a private PostgreSQL cluster in a temporary
 * directory, migrated, with the fixture ESCO export and the built-in taxonomy imported by the
 * CLI, keys of each role, and the real `skillmatch serve` started on a free port (setup,
 * teardown); helpers to call it. One suite at a time (the cluster's port is fixed).
 */
#ifndef SM_TEST_HARNESS_H
#define SM_TEST_HARNESS_H

#include "tests/e2e/http.h"
#include "tests/unit/check.h"

#include <signal.h>
#include <stdarg.h>

#define S(n) "http://data.europa.eu/esco/skill/00000000-0000-4000-8000-0000000000" #n
#define OCC "http://data.europa.eu/esco/occupation/00000000-0000-4000-8000-000000000201"

static char pg_dir[256] __attribute__((unused)), conninfo[512] __attribute__((unused));
static int port __attribute__((unused));
static pid_t server __attribute__((unused));
static char admin_key[64] __attribute__((unused)), org_a[64] __attribute__((unused)),
    org_b[64] __attribute__((unused)), tp_key[64] __attribute__((unused));

/* ---- set-up --------------------------------------------------------------------------- */

static inline int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline int sh(const char *fmt, ...)
{
    char cmd[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static inline int create_key(const char *org, const char *role, char *out, const char *extra)
{
    char cmd[1024], text[4096];
    snprintf(cmd, sizeof cmd, "build/skillmatch keys create --org '%s' --role %s %s --db '%s'", org,
             role, extra ? extra : "", conninfo);
    if (run_capture(cmd, text, sizeof text) != 0)
        return -1;
    const char *line = last_line(text);
    size_t n = strlen(line) < 63 ? strlen(line) : 63;
    memcpy(out, line, n);
    out[n] = '\0';
    return strncmp(out, "smk_", 4) == 0 ? 0 : -1;
}

static inline void save_pid(pid_t pid)
{
    char path[300];
    snprintf(path, sizeof path, "%s/server.pid", pg_dir);
    FILE *f = fopen(path, "w");
    if (f) {
        fprintf(f, "%d\n", (int)pid);
        fclose(f);
    }
}

static inline pid_t start_server(const char *db)
{
    char listen[64];
    snprintf(listen, sizeof listen, "127.0.0.1:%d", port);
    pid_t pid = fork();
    if (pid == 0) {
        char log[300];
        snprintf(log, sizeof log, "%s/server.log", pg_dir);
        if (!freopen(log, "a", stderr))
            _exit(126);
        /* SM_SERVER_BIN: another build's server (tests/run.sh: the sanitizer build's). */
        const char *bin = getenv("SM_SERVER_BIN");
        execl(bin && *bin ? bin : "build/skillmatch", "skillmatch", "serve", "--listen", listen,
              "--db", db, (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 300; i++) {
        reply r;
        if (http(port, "GET", "/ready", NULL, NULL, &r) == 0 && r.status == 200) {
            reply_free(&r);
            save_pid(pid);
            return pid;
        }
        reply_free(&r);
        int st;
        if (waitpid(pid, &st, WNOHANG) == pid)
            return -1;
        usleep(50000);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    return -1;
}

/* The pid on the first line of pg_dir/name (server.pid, data/postmaster.pid); 0 if none. */
static inline int pid_in(const char *name)
{
    char path[300];
    snprintf(path, sizeof path, "%s/%s", pg_dir, name);
    FILE *f = fopen(path, "r");
    int pid = 0;
    if (f) {
        if (fscanf(f, "%d", &pid) != 1)
            pid = 0;
        fclose(f);
    }
    return pid;
}

/* Stops the server whose pid was saved (a test that restarts it runs in a child process). */
static inline void stop_server(void)
{
    char path[300];
    snprintf(path, sizeof path, "%s/server.pid", pg_dir);
    int pid = pid_in("server.pid");
    if (pid > 0) {
        kill(pid, SIGTERM);
        if (waitpid(pid, NULL, 0) != pid) /* not our child: wait until it is gone */
            for (int i = 0; i < 100 && kill(pid, 0) == 0; i++)
                usleep(50000);
    }
    unlink(path);
    server = 0;
}

static inline int setup(void)
{
    if (sh("ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1") != 0) {
        printf("  skip    every end-to-end test: PostgreSQL is not installed (make deps-test)\n");
        return 77;
    }
    snprintf(pg_dir, sizeof pg_dir, "/tmp/skillmatch-e2e-%d", (int)getpid());
    char env[1024];
    if (sh("SM_PG_PORT=5433 sql/pg-private.sh start %s", pg_dir) != 0) {
        fprintf(stderr, "setup: PostgreSQL did not start (see %s/server.log)\n", pg_dir);
        return 1;
    }
    char cmd[512];
    snprintf(cmd, sizeof cmd, "SM_PG_PORT=5433 sql/pg-private.sh env %s", pg_dir);
    if (run_capture(cmd, env, sizeof env) != 0)
        return 1;
    char host[300], user[64];
    int p;
    if (sscanf(env, "PGHOST=%299s PGPORT=%d PGUSER=%63s", host, &p, user) != 3)
        return 1;
    snprintf(conninfo, sizeof conninfo, "host=%s port=%d user=%s dbname=postgres", host, p, user);
    if (sh("build/skillmatch migrate --db '%s' >/dev/null", conninfo) ||
        sh("build/skillmatch import esco tests/fixtures/esco --db '%s' >/dev/null", conninfo) ||
        sh("build/skillmatch import builtin --db '%s' >/dev/null", conninfo) ||
        sh("build/skillmatch import places tests/fixtures/communes.csv --db '%s' >/dev/null",
           conninfo) ||
        sh("build/skillmatch import rome tests/fixtures/rome --db '%s' >/dev/null", conninfo) ||
        create_key("Admin", "admin", admin_key, NULL) ||
        create_key("Régie Nord", "inclusion_org", org_a, NULL) ||
        create_key("Atelier Sud", "inclusion_org", org_b, NULL) ||
        create_key("Formations Est", "training_provider", tp_key, NULL)) {
        fprintf(stderr, "setup: the CLI failed\n");
        return 1;
    }
    port = test_free_port();
    server = start_server(conninfo);
    if (server < 0) {
        fprintf(stderr, "setup: the server did not become ready (see %s/server.log)\n", pg_dir);
        return 1;
    }
    return 0;
}

static inline void teardown(void)
{
    stop_server();
    sh("SM_PG_PORT=5433 sql/pg-private.sh stop %s", pg_dir);
    sh("rm -rf %s", pg_dir);
}

/*
 * An end-to-end suite's main: setup (a visible skip without PostgreSQL), more (a suite's own
 * set-up, may be NULL: 0 or a failure), the tests, teardown; the summary line in every case.
 */
static inline int e2e_main(const char *suite, int (*more)(void), const sm_test *tests, size_t n,
                           int argc, char **argv)
{
    /* A server that answers before reading a whole body (413 at once) closes the connection:
     * a write into it must fail with EPIPE, not kill the test. */
    signal(SIGPIPE, SIG_IGN);
    int rc = setup();
    if (rc == 77) {
        printf("%s: 0 passed, 0 failed, 1 skipped\n", suite);
        return 0;
    }
    if (rc != 0 || (more && more() != 0)) {
        teardown();
        printf("%s: 0 passed, 1 failed, 0 skipped\n", suite);
        return 1;
    }
    rc = sm_test_main(suite, tests, n, argc, argv);
    teardown();
    return rc;
}

/* ---- helpers --------------------------------------------------------------------------- */

static inline const char *str_at(json_t *j, const char *key)
{
    return json_string_value(json_object_get(j, key));
}

/* The value of a header in a reply ("" when absent). */
static inline const char *header_value(const reply *r, const char *name, char *out, size_t cap)
{
    char key[64];
    snprintf(key, sizeof key, "\r\n%s: ", name);
    const char *at = strcasestr(r->headers, key);
    out[0] = '\0';
    if (at) {
        at += strlen(key);
        size_t n = strcspn(at, "\r\n");
        snprintf(out, cap, "%.*s", (int)(n < cap ? n : cap - 1), at);
    }
    return out;
}

/* The value of a /metrics sample ("skillmatch_profiles"), -1 when absent. */
static inline long long metric(const char *sample)
{
    reply r;
    long long v = -1;
    if (http(port, "GET", "/metrics", NULL, NULL, &r) == 0 && r.status == 200) {
        char key[128];
        snprintf(key, sizeof key, "\n%s ", sample);
        const char *at = strstr(r.body, key);
        if (at)
            v = atoll(at + strlen(key));
    }
    reply_free(&r);
    return v;
}

/* Creates a job offer as key; returns its id (static buffer per call site). */
static inline int create_offer(const char *key, const char *body, char id[40])
{
    reply r;
    http(port, "POST", "/v1/offers", key, body, &r);
    int status = r.status;
    if (status == 201)
        snprintf(id, 40, "%s", str_at(r.json, "id"));
    else
        fprintf(stderr, "    create_offer: %d %s\n", r.status, r.body);
    reply_free(&r);
    return status;
}

/* Creates a profile as key from body; its id and seeker key (when 201). Returns the status. */
static inline int create_profile(const char *key, const char *body, char id[40],
                                 char seeker_key[64])
{
    reply r;
    http(port, "POST", "/v1/profiles", key, body, &r);
    int status = r.status;
    if (status == 201) {
        snprintf(id, 40, "%s", str_at(r.json, "id"));
        snprintf(seeker_key, 64, "%s", str_at(r.json, "seeker_key"));
    }
    reply_free(&r);
    return status;
}

static inline int status_of(const char *method, const char *path, const char *key, const char *body)
{
    reply r;
    if (http(port, method, path, key, body, &r) != 0)
        return -1;
    int s = r.status;
    reply_free(&r);
    return s;
}

#endif
