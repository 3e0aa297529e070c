/* limits.c: token buckets (see limits.h) in an open-addressing table under one mutex. */
#include "api/limits.h"
#include "taxonomy/base/alloc.h"
#include "taxonomy/base/clock.h"
#include "taxonomy/base/error.h"
#include "taxonomy/base/strmap.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xxhash.h>

#define CAP 65536 /* buckets; a power of two */
#define MAX_FILL (CAP / 2)
#define WCAP 8192 /* windows; a power of two */
#define WMAX_FILL (WCAP / 2)

typedef struct bucket {
    char key[64];
    double tokens, per_minute, at;
} bucket;

/* The times of the last events allowed under one key, oldest first from at[head]. */
typedef struct window {
    char key[64];
    double at[SM_LIMITS_WINDOW_MAX];
    unsigned count, head;
} window;

struct sm_limits {
    pthread_mutex_t lock;
    bucket *b;
    size_t count;
    window *w;
    size_t wcount;
    uint64_t seed; /* random: a client cannot choose keys that collide */
};

static double capacity(double per_minute)
{
    double c = per_minute / 6;
    return c < 5 ? 5 : c;
}

int sm_limits_new(sm_limits **out)
{
    sm_limits *l = sm_calloc(1, sizeof *l);
    if (l)
        l->seed = sm_random_seed();
    if (!l || !(l->b = sm_calloc(CAP, sizeof *l->b)) || !(l->w = sm_calloc(WCAP, sizeof *l->w))) {
        if (l)
            sm_free(l->b);
        sm_free(l);
        return SM_ENOMEM;
    }
    pthread_mutex_init(&l->lock, NULL);
    *out = l;
    return SM_OK;
}

void sm_limits_free(sm_limits *l)
{
    if (!l)
        return;
    pthread_mutex_destroy(&l->lock);
    sm_free(l->b);
    sm_free(l->w);
    sm_free(l);
}

static void refill(bucket *b, double t)
{
    b->tokens = fmin(capacity(b->per_minute), b->tokens + (t - b->at) * b->per_minute / 60);
    b->at = t;
}

/* Drops buckets that are full again (their owners are idle); rebuilds the table. */
static void sweep(sm_limits *l, double t)
{
    bucket *old = l->b;
    bucket *fresh = sm_calloc(CAP, sizeof *fresh);
    if (!fresh)
        return;
    l->b = fresh;
    l->count = 0;
    for (size_t i = 0; i < CAP; i++) {
        if (!old[i].key[0])
            continue;
        refill(&old[i], t);
        if (old[i].tokens >= capacity(old[i].per_minute))
            continue;
        size_t j = XXH3_64bits_withSeed(old[i].key, strlen(old[i].key), l->seed) & (CAP - 1);
        while (fresh[j].key[0])
            j = (j + 1) & (CAP - 1);
        fresh[j] = old[i];
        l->count++;
    }
    sm_free(old);
}

unsigned sm_limits_take(sm_limits *l, const char *key, double per_minute)
{
    size_t len = strnlen(key, 63);
    double t = sm_now_s();
    pthread_mutex_lock(&l->lock);
    if (l->count >= MAX_FILL)
        sweep(l, t);
    size_t i = XXH3_64bits_withSeed(key, len, l->seed) & (CAP - 1);
    while (l->b[i].key[0] && strncmp(l->b[i].key, key, 63) != 0)
        i = (i + 1) & (CAP - 1);
    bucket *b = &l->b[i];
    if (!b->key[0]) {
        if (l->count >= MAX_FILL) {
            pthread_mutex_unlock(&l->lock);
            return 60; /* every bucket is in use: too many clients at once */
        }
        memcpy(b->key, key, len);
        b->key[len] = '\0';
        b->tokens = capacity(per_minute);
        b->at = t;
        l->count++;
    }
    b->per_minute = per_minute;
    refill(b, t);
    unsigned wait = 0;
    if (b->tokens >= 1)
        b->tokens -= 1;
    else
        wait = (unsigned)ceil((1 - b->tokens) * 60 / per_minute);
    pthread_mutex_unlock(&l->lock);
    return wait ? wait : 0;
}

/* Forgets the events of w older than since. */
static void window_expire(window *w, double since)
{
    while (w->count && w->at[w->head] <= since) {
        w->head = (w->head + 1) % SM_LIMITS_WINDOW_MAX;
        w->count--;
    }
}

/* Drops the windows with nothing left in them; rebuilds the table. */
static void window_sweep(sm_limits *l, double since)
{
    window *old = l->w;
    window *fresh = sm_calloc(WCAP, sizeof *fresh);
    if (!fresh)
        return;
    l->w = fresh;
    l->wcount = 0;
    for (size_t i = 0; i < WCAP; i++) {
        if (!old[i].key[0])
            continue;
        window_expire(&old[i], since);
        if (!old[i].count)
            continue;
        size_t j = XXH3_64bits_withSeed(old[i].key, strlen(old[i].key), l->seed) & (WCAP - 1);
        while (fresh[j].key[0])
            j = (j + 1) & (WCAP - 1);
        fresh[j] = old[i];
        l->wcount++;
    }
    sm_free(old);
}

unsigned sm_limits_window(sm_limits *l, const char *key, unsigned max, unsigned seconds)
{
    if (max < 1)
        max = 1;
    if (max > SM_LIMITS_WINDOW_MAX)
        max = SM_LIMITS_WINDOW_MAX;
    size_t len = strnlen(key, 63);
    double t = sm_now_s(), since = t - seconds;
    pthread_mutex_lock(&l->lock);
    if (l->wcount >= WMAX_FILL)
        window_sweep(l, since);
    size_t i = XXH3_64bits_withSeed(key, len, l->seed) & (WCAP - 1);
    while (l->w[i].key[0] && strncmp(l->w[i].key, key, 63) != 0)
        i = (i + 1) & (WCAP - 1);
    window *w = &l->w[i];
    if (!w->key[0]) {
        if (l->wcount >= WMAX_FILL) {
            pthread_mutex_unlock(&l->lock);
            return 60; /* every window is in use: too many clients at once */
        }
        memcpy(w->key, key, len);
        w->key[len] = '\0';
        w->count = w->head = 0;
        l->wcount++;
    }
    window_expire(w, since);
    unsigned wait = 0;
    if (w->count >= max) {
        double until = w->at[w->head] + seconds - t;
        wait = until < 1 ? 1 : (unsigned)ceil(until);
    } else {
        w->at[(w->head + w->count) % SM_LIMITS_WINDOW_MAX] = t;
        w->count++;
    }
    pthread_mutex_unlock(&l->lock);
    return wait;
}
