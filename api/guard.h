/*
 * guard.h: the server's defence against clients that hold connections without using them
 * (SECURITY.md). libmicrohttpd 0.9.75 bounds idle time only, and each byte restarts it, so a
 * client sending a header byte every few seconds holds a slot for ever. The guard tracks each
 * connection's phase and a watchdog thread shuts down, every half second:
 * - a connection whose request headers are not complete within SM_HEADER_DEADLINE_S of its
 *   opening (or, kept alive, within the idle timeout of its previous answer);
 * - an upload slower than SM_BODY_MIN_RATE bytes a second once SM_BODY_GRACE_S have passed
 *   (headers sent without their body among them), answered 408 first, in the request's
 *   language, as no response is under way while a body is read.
 * It also keeps a quarter of the connection slots for addresses not yet holding many
 * (SM_BUSY_ADDRESS connections or more), and bounds the large request bodies held at once.
 */
#ifndef SM_GUARD_H
#define SM_GUARD_H

#include <microhttpd.h>
#include <stddef.h>

#define SM_HEADER_DEADLINE_S 10
#define SM_BODY_GRACE_S 10
#define SM_BODY_MIN_RATE 4096
#define SM_BUSY_ADDRESS 8
#define SM_BODY_BUDGET ((size_t)64 << 20)
/* Bodies up to this size take nothing from the budget (connections bound them: 512 of 64 KiB
 * is 32 MiB), so that uploads held half-way never refuse the small requests of others. */
#define SM_BODY_SMALL ((size_t)64 << 10)

typedef struct sm_guard sm_guard;

/* A guard for a server of max_connections slots whose kept-alive connections may idle
 * idle_s seconds; starts the watchdog. late[lang] is the whole HTTP answer (status line,
 * headers, body) written to an upload cut for its slowness, by the language of its request
 * (sm_lang); the texts outlive the guard. 0 or SM_ENOMEM. */
int sm_guard_new(unsigned max_connections, unsigned idle_s, const char *const late[2],
                 sm_guard **out);
/* Stops the watchdog and frees g (NULL: no-op); the server has stopped. */
void sm_guard_free(sm_guard *g);

/* libmicrohttpd's callbacks: MHD_OPTION_NOTIFY_CONNECTION and the accept policy. */
void sm_guard_notify(void *cls, struct MHD_Connection *c, void **socket_context,
                     enum MHD_ConnectionNotificationCode toe);
enum MHD_Result sm_guard_accept(void *cls, const struct sockaddr *addr, socklen_t len);

/* The phases of a request on connection c, as the access handler sees them. lang (sm_lang)
 * chooses the 408 of a late body. sm_guard_request_done returns 0 when the watchdog had
 * already cut the connection (and answered 408): the request must not be carried out. */
void sm_guard_headers_done(struct MHD_Connection *c, int lang);
void sm_guard_body_bytes(struct MHD_Connection *c, size_t n);
int sm_guard_request_done(struct MHD_Connection *c);
void sm_guard_answered(struct MHD_Connection *c);

/* What the guard did since the start, for /metrics (zeros without a guard). */
typedef struct sm_guard_stats {
    unsigned long long cut_headers, cut_body, refused;
    unsigned connections;
    size_t body_bytes_held;
} sm_guard_stats;
void sm_guard_stats_get(sm_guard_stats *out);

/* Takes n bytes from the budget of bodies held at once: 1, or 0 when it would pass it. */
int sm_guard_reserve(sm_guard *g, size_t n);
void sm_guard_release(sm_guard *g, size_t n);

#endif
