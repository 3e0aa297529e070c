/*
 * test_hostile.c: the service against a failing database and hostile clients, end to end
 * (the real server on a private PostgreSQL, tests/e2e/harness.h), in short forms with
 * generous liveness bounds and no timing assertion: each test failed before its fix
 * (issue 20). The server runs with SKILLMATCH_DB_TIMEOUT_MS=1000.
 */
#include "tests/e2e/harness.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>

static char fast_key[64]; /* an organisation's key with a rate no test reaches */

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* The private cluster's postmaster (its children are the backends). */
static int postmaster_pid(void)
{
    return pid_in("data/postmaster.pid");
}

typedef struct stored_match {
    int status;
    char body[160];
} stored_match;

static void *match_stored(void *arg)
{
    stored_match *m = arg;
    reply r;
    http(port, "POST", "/v1/match", org_a, m->body, &r);
    m->status = r.status;
    reply_free(&r);
    return NULL;
}

/* No libpq words in an answer: socket paths, server messages. */
static int plain(const reply *r)
{
    return r->body && !strstr(r->body, "/tmp") && !strstr(r->body, "socket") &&
           !strstr(r->body, "server") && !strstr(r->body, "PGSQL");
}

/*
 * PostgreSQL stopped (SIGSTOP: it accepts connections and never answers): every route that
 * needs it answers 503 in plain words within the bound, matches that need no database keep
 * being answered, and the service recovers by itself once PostgreSQL runs again. Eight
 * matches on a stored profile whose key is written with an escape ("profil\u0065_id") must
 * not be taken for inline matches: they would hold the compute threads.
 */
static void hung_database_answers_503(void)
{
    char offer[40], path[80];
    CHECK_INT(create_offer(org_a,
                           "{\"kind\":\"job\",\"title\":\"Vendeur\",\"skills\":[{\"uri\":\"" S(
                               02) "\"}],\"location\":{\"lat\":48.85,\"lon\":2.35}}",
                           offer),
              201);
    snprintf(path, sizeof path, "/v1/offers/%s", offer);
    int pid = postmaster_pid();
    CHECK(pid > 0);
    if (pid <= 0)
        return;
    CHECK_INT(sh("kill -STOP %d; pkill -STOP -P %d", pid, pid), 0);
    double t0 = now_s();
    stored_match m[8];
    pthread_t threads[8];
    for (int i = 0; i < 8; i++) {
        snprintf(m[i].body, sizeof m[i].body,
                 "{\"profil\\u0065_id\":\"00000000-0000-4000-8000-%012d\",\"limit\":3}", i);
        pthread_create(&threads[i], NULL, match_stored, &m[i]);
    }
    usleep(200000);
    reply r;
    /* A match that needs no database is answered while the stored ones wait. */
    http(port, "POST", "/v1/match", NULL, "{\"profile\":{\"skills\":[{\"uri\":\"" S(02) "\"}]}}",
         &r);
    CHECK_INT(r.status, 200);
    reply_free(&r);
    double inline_s = now_s() - t0;
    http(port, "GET", "/ready", NULL, NULL, &r);
    CHECK_INT(r.status, 503);
    CHECK(plain(&r));
    reply_free(&r);
    http(port, "GET", path, NULL, NULL, &r);
    CHECK_INT(r.status, 503);
    CHECK(plain(&r));
    if (!plain(&r))
        fprintf(stderr, "    %s\n", r.body ? r.body : "");
    reply_free(&r);
    for (int i = 0; i < 8; i++) {
        pthread_join(threads[i], NULL);
        CHECK_INT(m[i].status, 503);
    }
    double hung_s = now_s() - t0;
    CHECK_INT(sh("kill -CONT %d; pkill -CONT -P %d", pid, pid), 0);
    int ready = 0;
    for (int i = 0; i < 300 && !ready; i++) {
        http(port, "GET", "/ready", NULL, NULL, &r);
        ready = r.status == 200;
        reply_free(&r);
        if (!ready)
            usleep(100000);
    }
    CHECK(ready);
    http(port, "GET", path, NULL, NULL, &r);
    CHECK_INT(r.status, 200);
    reply_free(&r);
    printf("    PostgreSQL stopped: an inline match answered after %.2f s, every database "
           "route 503 within %.1f s, ready again %.1f s after it resumed\n",
           inline_s, hung_s, now_s() - t0 - hung_s);
}

/* Keys the server does not know cost a database lookup each: an address has a budget of them
 * (300 a minute, its first 50 at once), so random keys end in 429, not in 401s and PostgreSQL
 * transactions without end. */
static void unknown_keys_pay_from_the_address(void)
{
    int n401 = 0, n429 = 0, other = 0;
    for (int i = 0; i < 400; i++) {
        char key[64];
        snprintf(key, sizeof key, "smk_unknown_%08d_%d", i, (int)getpid());
        reply r;
        http(port, "GET", "/v1/offers?limit=1", key, NULL, &r);
        if (r.status == 401)
            n401++;
        else if (r.status == 429)
            n429++;
        else
            other++;
        reply_free(&r);
    }
    printf("    400 unknown keys: %d answered 401, %d answered 429\n", n401, n429);
    CHECK(n429 > 0);
    CHECK(n401 <= 60);
    CHECK_INT(other, 0);
}

/* A connection from source (127.0.0.x) that sends head and len bytes of body, then waits;
 * reads time out after 10 s. -1 when it cannot connect. */
static int raw_send(const char *source, const char *head, size_t len)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    inet_pton(AF_INET, source, &a.sin_addr);
    bind(fd, (struct sockaddr *)&a, sizeof a);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct timeval tv = {10, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return -1;
    }
    if (write(fd, head, strlen(head)) < 0) {
        close(fd);
        return -1;
    }
    static char chunk[65536];
    memset(chunk, '{', sizeof chunk);
    for (size_t sent = 0; sent < len;) {
        size_t n = len - sent < sizeof chunk ? len - sent : sizeof chunk;
        ssize_t k = write(fd, chunk, n);
        if (k <= 0)
            break;
        sent += (size_t)k;
    }
    return fd;
}

/* The status of the answer waiting on fd (0: none within the socket's timeout). */
static int raw_status(int fd)
{
    char buf[512];
    ssize_t n = read(fd, buf, sizeof buf - 1);
    if (n < 12)
        return 0;
    buf[n] = '\0';
    return atoi(buf + 9);
}

/* A body declared larger than the limit gets its 413 before any of it is sent (it was read
 * to the end first, or waited for until the idle timeout). */
static void oversized_bodies_refused_at_once(void)
{
    double t0 = now_s();
    int fd = raw_send("127.0.0.1",
                      "POST /v1/extract HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
                      "application/json\r\nContent-Length: 100000000000\r\n\r\n",
                      0);
    CHECK(fd >= 0);
    CHECK_INT(raw_status(fd), 413);
    close(fd);
    printf("    a body declared as 100 GB: 413 after %.3f s\n", now_s() - t0);
}

/* Headers whose body never comes are answered 408 at the body's deadline (SM_BODY_GRACE_S),
 * in the request's language, and the connection is closed; the cut shows in /metrics. */
static void late_bodies_get_408(void)
{
    static const char *heads[2] = {
        "POST /v1/offers HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        "Accept-Language: en\r\nContent-Length: 5000\r\n\r\n",
        "POST /v1/extract HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        "Content-Length: 5000\r\n\r\n{\"text\":"};
    int fds[2];
    double t0 = now_s();
    for (int i = 0; i < 2; i++) {
        fds[i] = raw_send("127.0.0.11", heads[i], 0);
        CHECK(fds[i] >= 0);
        struct timeval tv = {40, 0};
        setsockopt(fds[i], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    }
    for (int i = 0; i < 2; i++) {
        char buf[2048];
        size_t n = 0;
        ssize_t k;
        while (n < sizeof buf - 1 && (k = read(fds[i], buf + n, sizeof buf - 1 - n)) > 0)
            n += (size_t)k;
        buf[n] = '\0';
        CHECK_HAS(buf, "HTTP/1.1 408 ");
        CHECK_HAS(buf, "application/problem+json");
        CHECK_HAS(buf, i == 0 ? "did not arrive in time" : "pas arriv");
        CHECK(k == 0 || n == sizeof buf - 1 ? 1 : 0); /* then closed */
        close(fds[i]);
    }
    printf("    headers without their body: 408 after %.0f s\n", now_s() - t0);
    CHECK(metric("skillmatch_connections_cut_total{late=\"body\"}") >= 2);
    CHECK(metric("process_resident_memory_bytes") > 0);
}

/*
 * Updates and deletes empty slots of the index that are never reused: past the bound
 * (SKILLMATCH_REPACK_MIN, 60 here) and half the live offers and profiles, the writer builds
 * the index again, and every offer is there with its last version. Four offers changed 25
 * times each leave 100 emptied slots.
 */
static void emptied_slots_are_repacked(void)
{
    char ids[4][40];
    for (int i = 0; i < 4; i++) {
        char body[256];
        snprintf(body, sizeof body,
                 "{\"kind\":\"job\",\"title\":\"Repack-%d\",\"skills\":[{\"uri\":\"" S(
                     02) "\"}],\"remote\":true}",
                 i);
        CHECK_INT(create_offer(fast_key, body, ids[i]), 201);
    }
    for (int k = 0; k < 25; k++)
        for (int i = 0; i < 4; i++) {
            char path[80], patch[80];
            snprintf(path, sizeof path, "/v1/offers/%s", ids[i]);
            snprintf(patch, sizeof patch, "{\"title\":\"Repack-%d-%d\"}", i, k);
            reply r;
            http_request(port, "PATCH", path, fast_key,
                         "Content-Type: application/merge-patch+json\r\n", patch, strlen(patch),
                         &r);
            CHECK_INT(r.status, 200);
            reply_free(&r);
        }
    long long emptied = metric("skillmatch_index_emptied_slots");
    double t0 = now_s();
    while (emptied >= 60 && now_s() - t0 < 60) {
        usleep(200000);
        emptied = metric("skillmatch_index_emptied_slots");
    }
    CHECK(emptied >= 0 && emptied < 60);
    printf("    100 changes of 4 offers: index rebuilt after %.1f s, %lld slots emptied since\n",
           now_s() - t0, emptied);
    reply r;
    http(port, "POST", "/v1/match", fast_key,
         "{\"profile\":{\"skills\":[{\"uri\":\"" S(02) "\"}]},\"limit\":100}", &r);
    CHECK_INT(r.status, 200);
    for (int i = 0; i < 4; i++) {
        char title[40];
        snprintf(title, sizeof title, "\"Repack-%d-24\"", i);
        CHECK_HAS(r.body, title);
        CHECK_HAS(r.body, ids[i]);
    }
    reply_free(&r);
}

/* An orchestrator probing /health and /ready often is never answered 429 (it would restart
 * a healthy service); anything else from the same address still is. */
static void probes_are_not_rate_limited(void)
{
    http_source = "127.0.0.9";
    int limited = 0;
    for (int i = 0; i < 200; i++) {
        reply r;
        http(port, "GET", i % 2 ? "/health" : "/ready", NULL, NULL, &r);
        limited += r.status == 429;
        reply_free(&r);
    }
    CHECK_INT(limited, 0);
    int skills_limited = 0;
    for (int i = 0; i < 200 && !skills_limited; i++) {
        reply r;
        http(port, "GET", "/v1/skills?q=caisse", NULL, NULL, &r);
        skills_limited = r.status == 429;
        reply_free(&r);
    }
    CHECK(skills_limited);
    http_source = NULL;
}

/*
 * Slow clients: connections that send their headers a byte at a time, and uploads that
 * trickle, are cut within bounded time (libmicrohttpd alone restarts its idle timeout at each
 * byte, so they held their slots for ever), and other clients are served meanwhile. Then 8
 * addresses open 64 connections each, as many as the server has slots: a quarter is kept for
 * addresses holding few, so a newcomer is still served.
 */
static void slow_clients_are_cut(void)
{
    enum { SLOW = 40 };
    int fds[SLOW];
    for (int i = 0; i < SLOW; i++) {
        char source[32];
        snprintf(source, sizeof source, "127.0.2.%d", 1 + i % 4);
        /* half never finish their headers, half trickle their body */
        fds[i] = raw_send(source,
                          i % 2 ? "POST /v1/extract HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
                                  "application/json\r\nContent-Length: 5000\r\n\r\n{"
                                : "GET /health HTTP/1.1\r\nHo",
                          0);
    }
    double t0 = now_s();
    int open = SLOW;
    while (open > 0 && now_s() - t0 < 25) {
        open = 0;
        for (int i = 0; i < SLOW; i++) {
            if (fds[i] < 0)
                continue;
            if (write(fds[i], i % 2 ? " " : "s", 1) == 1)
                open++;
            else {
                close(fds[i]);
                fds[i] = -1;
            }
        }
        reply r;
        http(port, "GET", "/health", NULL, NULL, &r);
        CHECK_INT(r.status, 200); /* others are served meanwhile */
        reply_free(&r);
        usleep(1000000);
    }
    double cut_s = now_s() - t0;
    for (int i = 0; i < SLOW; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    CHECK_INT(open, 0);
    printf("    %d slow connections (headers or body a byte a second): all cut after %.0f s\n",
           SLOW, cut_s);
    /* Every slot asked for by 8 addresses; a newcomer still gets one. */
    enum { FULL = 8 * 64 };
    static int many[FULL];
    int opened = 0;
    for (int i = 0; i < FULL; i++) {
        char source[32];
        snprintf(source, sizeof source, "127.0.3.%d", 1 + i / 64);
        many[i] = raw_send(source, "GET /health HTTP/1.1\r\nHo", 0);
        opened += many[i] >= 0;
    }
    usleep(300000);
    http_source = "127.0.4.1";
    reply r;
    int st = http(port, "GET", "/health", NULL, NULL, &r) == 0 ? r.status : 0;
    reply_free(&r);
    http_source = NULL;
    CHECK_INT(st, 200);
    for (int i = 0; i < FULL; i++)
        if (many[i] >= 0)
            close(many[i]);
    printf("    %d connections asked for by 8 addresses: a newcomer answered %d\n", opened, st);
}

/* Uploads held half-way take from a budget of bodies held at once (64 MiB): past it, the next
 * is answered 503 before its body is read, and the budget comes back when they go. */
static void unfinished_uploads_have_a_budget(void)
{
    enum { N = 90 };
    int fds[N], refused = 0;
    for (int i = 0; i < N; i++) {
        char source[32];
        snprintf(source, sizeof source, "127.0.5.%d", 1 + i / 30);
        fds[i] = raw_send(source,
                          "POST /v1/extract HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
                          "application/json\r\nContent-Length: 1000000\r\n\r\n{",
                          0);
    }
    usleep(300000);
    for (int i = 0; i < N; i++) {
        struct timeval tv = {0, 100000};
        if (fds[i] < 0)
            continue;
        setsockopt(fds[i], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        refused += raw_status(fds[i]) == 503;
    }
    CHECK(refused >= N - 67); /* 64 MiB hold 67 bodies of 1 MB */
    for (int i = 0; i < N; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    usleep(300000);
    reply r;
    http(port, "POST", "/v1/extract", NULL, "{\"text\":\"tenir une caisse\"}", &r);
    CHECK_INT(r.status, 200);
    reply_free(&r);
    printf("    %d uploads of 1 MB declared and held: %d answered 503 at once\n", N, refused);
}

/* The smaller points of the probe: a %00 in a path id, HTTP/1.1 without Host, a filter list
 * of 100,000 names. */
static void small_points(void)
{
    char id[40], path[120];
    CHECK_INT(create_offer(org_a,
                           "{\"kind\":\"job\",\"title\":\"Caissier\",\"skills\":[{\"uri\":\"" S(
                               02) "\"}],\"remote\":true}",
                           id),
              201);
    snprintf(path, sizeof path, "/v1/offers/%s%%00anything", id);
    reply r;
    http(port, "GET", path, NULL, NULL, &r);
    CHECK_INT(r.status, 404); /* was 200: the id read up to the NUL */
    reply_free(&r);
    int fd = raw_send("127.0.0.1", "GET /health HTTP/1.1\r\nConnection: close\r\n\r\n", 0);
    CHECK(fd >= 0);
    CHECK_INT(raw_status(fd), 400);
    close(fd);
    /* A thousand query parameters: refused with a word, not a closed connection (the
     * connection's memory holds about 1,500; libmicrohttpd closes beyond). */
    char *many = malloc(32768);
    size_t m = (size_t)snprintf(many, 32768, "GET /v1/skills?q=caisse");
    for (int i = 0; i < 1000; i++)
        m += (size_t)snprintf(many + m, 32768 - m, "&p%d=1", i);
    snprintf(many + m, 32768 - m, " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    fd = raw_send("127.0.0.1", many, 0);
    CHECK(fd >= 0);
    CHECK_INT(raw_status(fd), 400);
    close(fd);
    free(many);
    size_t cap = 100000 * 7 + 200, n = 0;
    char *body = malloc(cap);
    n += (size_t)snprintf(body + n, cap - n,
                          "{\"profile\":{\"skills\":[{\"uri\":\"" S(02) "\"}]},\"filters\":"
                                                                        "{\"contract_types\":[");
    for (int i = 0; i < 100000; i++)
        n += (size_t)snprintf(body + n, cap - n, "%s\"CDI\"", i ? "," : "");
    n += (size_t)snprintf(body + n, cap - n, "]}}");
    http(port, "POST", "/v1/match", NULL, body, &r);
    CHECK_INT(r.status, 400);
    CHECK_STR(str_at(json_array_get(json_object_get(r.json, "errors"), 0), "field"),
              "filters.contract_types");
    reply_free(&r);
    free(body);
}

/* ---- kill -9 during writes ---------------------------------------------------------- */

enum { KILL_WRITERS = 16, KILL_EACH = 63 };

typedef struct kill_write {
    int status; /* 0: no answer (the server was killed) */
    char id[40];
} kill_write;

static kill_write kill_writes[KILL_WRITERS * KILL_EACH];
static atomic_int kill_answered;

static void kill_body(int i, char *body, size_t cap)
{
    snprintf(body, cap,
             "{\"kind\":\"job\",\"title\":\"Kill-%d-%d\",\"skills\":[{\"uri\":\"" S(
                 02) "\"}],\"remote\":true}",
             (int)getpid(), i);
}

static int kill_post(int i, reply *r)
{
    char body[256], idem[64];
    kill_body(i, body, sizeof body);
    snprintf(idem, sizeof idem, "Idempotency-Key: kill-%d-%d\r\n", (int)getpid(), i);
    return http_request(port, "POST", "/v1/offers", fast_key, i % 2 ? idem : NULL, body,
                        strlen(body), r);
}

static void *kill_writer(void *arg)
{
    int w = (int)(intptr_t)arg;
    for (int k = 0; k < KILL_EACH; k++) {
        int i = w * KILL_EACH + k;
        reply r;
        if (kill_post(i, &r) != 0 || r.status == 0) {
            reply_free(&r);
            return NULL; /* the server is gone: this one and the rest stay unanswered */
        }
        kill_writes[i].status = r.status;
        if (r.status == 201)
            snprintf(kill_writes[i].id, sizeof kill_writes[i].id, "%s", str_at(r.json, "id"));
        reply_free(&r);
        atomic_fetch_add(&kill_answered, 1);
    }
    return NULL;
}

/* How many of this organisation's offers carry each title of this test (index: the write). */
static void count_titles(int *count)
{
    char path[200], cursor[40] = "";
    for (;;) {
        snprintf(path, sizeof path, "/v1/offers?mine=true&limit=200%s%s", *cursor ? "&cursor=" : "",
                 cursor);
        reply r;
        http(port, "GET", path, fast_key, NULL, &r);
        CHECK_INT(r.status, 200);
        json_t *items = json_object_get(r.json, "items"), *it;
        size_t k;
        char prefix[32];
        snprintf(prefix, sizeof prefix, "Kill-%d-", (int)getpid());
        json_array_foreach(items, k, it) {
            const char *title = str_at(it, "title");
            if (title && !strncmp(title, prefix, strlen(prefix)))
                count[atoi(title + strlen(prefix))]++;
        }
        const char *next = str_at(r.json, "next_cursor");
        snprintf(cursor, sizeof cursor, "%s", next ? next : "");
        reply_free(&r);
        if (!*cursor)
            return;
    }
}

/*
 * kill -9 of the server during about 1,000 concurrent writes (16 writers, every other one with
 * an Idempotency-Key): after a restart every write answered 201 is there, whole; a write that
 * got no answer is there once or not at all; sent again with its key, it is there exactly once.
 */
static void killed_mid_write_loses_nothing(void)
{
    pthread_t t[KILL_WRITERS];
    memset(kill_writes, 0, sizeof kill_writes);
    atomic_store(&kill_answered, 0);
    for (int w = 0; w < KILL_WRITERS; w++)
        pthread_create(&t[w], NULL, kill_writer, (void *)(intptr_t)w);
    for (int i = 0; i < 600 && atomic_load(&kill_answered) < 300; i++)
        usleep(10000);
    kill(server, SIGKILL);
    waitpid(server, NULL, 0);
    for (int w = 0; w < KILL_WRITERS; w++)
        pthread_join(t[w], NULL);
    server = start_server(conninfo);
    CHECK(server > 0);
    if (server <= 0)
        return;
    int n = KILL_WRITERS * KILL_EACH, answered = 0, unanswered = 0, retried = 0;
    static int count[KILL_WRITERS * KILL_EACH];
    memset(count, 0, sizeof count);
    count_titles(count);
    for (int i = 0; i < n; i++) {
        if (kill_writes[i].status) {
            answered++;
            CHECK_INT(kill_writes[i].status, 201);
            CHECK_INT(count[i], 1);
            char path[80];
            snprintf(path, sizeof path, "/v1/offers/%s", kill_writes[i].id);
            reply r;
            http(port, "GET", path, fast_key, NULL, &r);
            CHECK_INT(r.status, 200);
            CHECK_HAS(r.body, S(02)); /* whole: its skills came with it */
            reply_free(&r);
        } else {
            unanswered++;
            CHECK(count[i] <= 1);
            if (i % 2) { /* with its key: sent again, it is applied once */
                reply r;
                CHECK_INT(kill_post(i, &r), 0);
                CHECK_INT(r.status, 201);
                reply_free(&r);
                retried++;
            }
        }
    }
    memset(count, 0, sizeof count);
    count_titles(count);
    for (int i = 0; i < n; i++)
        if (kill_writes[i].status || i % 2)
            CHECK_INT(count[i], 1);
    printf("    kill -9 after %d of %d writes answered: all present once; %d unanswered, %d sent "
           "again with their key and applied once\n",
           answered, n, unanswered, retried);
}

/* PostgreSQL restarted while the server runs: 503 while it is down, then the service
 * recovers by itself. */
static void database_restart_recovers(void)
{
    CHECK_INT(sh("SM_PG_PORT=5433 sql/pg-private.sh stop %s >/dev/null", pg_dir), 0);
    reply r;
    http(port, "GET", "/v1/offers?mine=true", org_a, NULL, &r);
    CHECK_INT(r.status, 503);
    CHECK(plain(&r));
    reply_free(&r);
    CHECK_INT(sh("SM_PG_PORT=5433 sql/pg-private.sh start %s >/dev/null", pg_dir), 0);
    int ok = 0;
    for (int i = 0; i < 100 && !ok; i++) {
        http(port, "GET", "/v1/offers?mine=true", org_a, NULL, &r);
        ok = r.status == 200;
        reply_free(&r);
        if (!ok)
            usleep(100000);
    }
    CHECK(ok);
}

static int hostile_keys(void)
{
    return create_key("Écriture Rapide", "inclusion_org", fast_key, "--rate-limit 10000000");
}

int main(int argc, char **argv)
{
    setenv("SKILLMATCH_DB_TIMEOUT_MS", "1000", 1);
    setenv("SKILLMATCH_REPACK_MIN", "60", 1);
    static const sm_test tests[] = {
        T(emptied_slots_are_repacked),
        T(hung_database_answers_503),
        T(database_restart_recovers),
        T(killed_mid_write_loses_nothing),
        T(oversized_bodies_refused_at_once),
        T(late_bodies_get_408),
        T(slow_clients_are_cut),
        T(unfinished_uploads_have_a_budget),
        T(small_points),
        T(unknown_keys_pay_from_the_address),
        T(probes_are_not_rate_limited),
    };
    return e2e_main("test_hostile", hostile_keys, tests, sizeof tests / sizeof *tests, argc, argv);
}
