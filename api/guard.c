/*
 * guard.c: connection deadlines, the watchdog, the slots kept for new addresses and the
 * budget of bodies held (guard.h). Every connection libmicrohttpd opens is in one list under
 * one mutex; the watchdog shuts a late one's socket down (shutdown(2), so that
 * libmicrohttpd sees it end and cleans up as for any closed connection). libmicrohttpd
 * reports a connection closed before it closes its socket, and the entry leaves the list
 * under the mutex then, so the watchdog never touches a socket number reused since.
 */
#include "api/guard.h"
#include "taxonomy/base/alloc.h"
#include "taxonomy/base/clock.h"
#include "taxonomy/base/error.h"

#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

enum phase { WAIT_HEADERS, BODY, WORKING };

typedef struct tracked {
    struct tracked *prev, *next;
    int fd;
    struct sockaddr_in addr;
    enum phase phase;
    int answered; /* kept alive: the next headers get the idle timeout, not the first deadline */
    double since; /* start of the phase */
    size_t bytes; /* of the body so far */
    int cut;      /* shut down by the watchdog */
    int lang;     /* of the request, for its 408 */
} tracked;

struct sm_guard {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    tracked *head;
    unsigned count, max, idle_s;
    int stopping;
    pthread_t thread;
    atomic_size_t held; /* bytes of bodies reserved */
    unsigned long long cut_headers, cut_body, refused;
    const char *late[2];
};

static sm_guard *the_guard; /* libmicrohttpd's phase calls carry no closure */

/* A connection whose headers are late is closed without a word (it may be a kept-alive
 * connection a client simply left open). One whose body is late is answered 408 first: the
 * access handler has not answered yet (the phase changes under the lock held here), so
 * nothing else is being written on the socket; a send that would block is given up. */
static void cut(sm_guard *g, tracked *t, int body)
{
    t->cut = 1;
    if (body) {
        const char *late = g->late[t->lang ? 1 : 0];
        if (late)
            (void)!send(t->fd, late, strlen(late), MSG_DONTWAIT | MSG_NOSIGNAL);
        g->cut_body++;
    } else
        g->cut_headers++;
    shutdown(t->fd, SHUT_RDWR);
}

static void *watchdog(void *arg)
{
    sm_guard *g = arg;
    pthread_mutex_lock(&g->lock);
    while (!g->stopping) {
        double t = sm_now_s();
        for (tracked *c = g->head; c; c = c->next) {
            if (c->cut)
                continue;
            double in_phase = t - c->since;
            if (c->phase == WAIT_HEADERS &&
                in_phase > (c->answered ? (double)g->idle_s : SM_HEADER_DEADLINE_S))
                cut(g, c, 0);
            else if (c->phase == BODY && in_phase > SM_BODY_GRACE_S &&
                     (double)c->bytes < SM_BODY_MIN_RATE * in_phase)
                cut(g, c, 1);
        }
        struct timespec until = sm_deadline_in(0.5);
        pthread_cond_timedwait(&g->wake, &g->lock, &until);
    }
    pthread_mutex_unlock(&g->lock);
    return NULL;
}

int sm_guard_new(unsigned max_connections, unsigned idle_s, const char *const late[2],
                 sm_guard **out)
{
    sm_guard *g = sm_calloc(1, sizeof *g);
    if (!g)
        return SM_ENOMEM;
    g->late[0] = late ? late[0] : NULL;
    g->late[1] = late ? late[1] : NULL;
    pthread_mutex_init(&g->lock, NULL);
    pthread_cond_init(&g->wake, NULL);
    g->max = max_connections;
    g->idle_s = idle_s;
    if (pthread_create(&g->thread, NULL, watchdog, g) != 0) {
        pthread_mutex_destroy(&g->lock);
        pthread_cond_destroy(&g->wake);
        sm_free(g);
        return SM_ENOMEM;
    }
    the_guard = g;
    *out = g;
    return SM_OK;
}

void sm_guard_free(sm_guard *g)
{
    if (!g)
        return;
    pthread_mutex_lock(&g->lock);
    g->stopping = 1;
    pthread_cond_signal(&g->wake);
    pthread_mutex_unlock(&g->lock);
    pthread_join(g->thread, NULL);
    while (g->head) {
        tracked *t = g->head;
        g->head = t->next;
        sm_free(t);
    }
    if (the_guard == g)
        the_guard = NULL;
    pthread_mutex_destroy(&g->lock);
    pthread_cond_destroy(&g->wake);
    sm_free(g);
}

void sm_guard_notify(void *cls, struct MHD_Connection *c, void **socket_context,
                     enum MHD_ConnectionNotificationCode toe)
{
    sm_guard *g = cls;
    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        tracked *t = sm_calloc(1, sizeof *t);
        const union MHD_ConnectionInfo *fd =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        const union MHD_ConnectionInfo *addr =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        if (!t || !fd) {
            sm_free(t); /* untracked: only the idle timeout bounds it */
            return;
        }
        t->fd = fd->connect_fd;
        if (addr && addr->client_addr && addr->client_addr->sa_family == AF_INET)
            memcpy(&t->addr, addr->client_addr, sizeof t->addr);
        t->phase = WAIT_HEADERS;
        t->since = sm_now_s();
        pthread_mutex_lock(&g->lock);
        t->next = g->head;
        if (g->head)
            g->head->prev = t;
        g->head = t;
        g->count++;
        pthread_mutex_unlock(&g->lock);
        *socket_context = t;
    } else if (toe == MHD_CONNECTION_NOTIFY_CLOSED && *socket_context) {
        tracked *t = *socket_context;
        pthread_mutex_lock(&g->lock);
        if (t->prev)
            t->prev->next = t->next;
        else
            g->head = t->next;
        if (t->next)
            t->next->prev = t->prev;
        g->count--;
        pthread_mutex_unlock(&g->lock);
        sm_free(t);
        *socket_context = NULL;
    }
}

enum MHD_Result sm_guard_accept(void *cls, const struct sockaddr *addr, socklen_t len)
{
    sm_guard *g = cls;
    if (addr->sa_family != AF_INET || len < sizeof(struct sockaddr_in))
        return MHD_YES;
    const struct sockaddr_in *in = (const struct sockaddr_in *)addr;
    pthread_mutex_lock(&g->lock);
    enum MHD_Result ok = MHD_YES;
    if (g->count >= g->max - g->max / 4) { /* the last quarter: for addresses holding few */
        unsigned same = 0;
        for (tracked *t = g->head; t && same < SM_BUSY_ADDRESS; t = t->next)
            same += t->addr.sin_addr.s_addr == in->sin_addr.s_addr;
        if (same >= SM_BUSY_ADDRESS) {
            ok = MHD_NO;
            g->refused++;
        }
    }
    pthread_mutex_unlock(&g->lock);
    return ok;
}

static tracked *of(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return ci ? ci->socket_context : NULL;
}

/* Enters phase p; returns 0 when the watchdog had cut the connection. */
static int enter(struct MHD_Connection *c, enum phase p, int answered, int lang)
{
    tracked *t = of(c);
    sm_guard *g = the_guard;
    if (!t || !g)
        return 1;
    pthread_mutex_lock(&g->lock);
    t->phase = p;
    t->since = sm_now_s();
    t->bytes = 0;
    t->answered |= answered;
    if (lang >= 0)
        t->lang = lang;
    int alive = !t->cut;
    pthread_mutex_unlock(&g->lock);
    return alive;
}

void sm_guard_headers_done(struct MHD_Connection *c, int lang)
{
    enter(c, BODY, 0, lang);
}

void sm_guard_body_bytes(struct MHD_Connection *c, size_t n)
{
    tracked *t = of(c);
    sm_guard *g = the_guard;
    if (!t || !g)
        return;
    pthread_mutex_lock(&g->lock);
    t->bytes += n;
    pthread_mutex_unlock(&g->lock);
}

int sm_guard_request_done(struct MHD_Connection *c)
{
    return enter(c, WORKING, 0, -1);
}

void sm_guard_answered(struct MHD_Connection *c)
{
    enter(c, WAIT_HEADERS, 1, -1);
}

void sm_guard_stats_get(sm_guard_stats *out)
{
    memset(out, 0, sizeof *out);
    sm_guard *g = the_guard;
    if (!g)
        return;
    pthread_mutex_lock(&g->lock);
    out->cut_headers = g->cut_headers;
    out->cut_body = g->cut_body;
    out->refused = g->refused;
    out->connections = g->count;
    pthread_mutex_unlock(&g->lock);
    out->body_bytes_held = atomic_load(&g->held);
}

int sm_guard_reserve(sm_guard *g, size_t n)
{
    if (!g)
        return 1;
    size_t before = atomic_fetch_add(&g->held, n);
    if (before + n > SM_BODY_BUDGET) {
        atomic_fetch_sub(&g->held, n);
        return 0;
    }
    return 1;
}

void sm_guard_release(sm_guard *g, size_t n)
{
    if (g)
        atomic_fetch_sub(&g->held, n);
}
