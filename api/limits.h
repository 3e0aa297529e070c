/*
 * limits.h: request rate limits, as token buckets keyed by who is asking
 * (a key, or the client address without one). A bucket holds a minute's
 * allowance divided by six (10 seconds of burst, at least 5) and refills
 * continuously. The table is bounded: when full, buckets that have refilled
 * completely are dropped, and failing that the request is refused. Rare events with an
 * exact promise ("at most 20 in any hour") use sliding windows instead.
 */
#ifndef SM_LIMITS_H
#define SM_LIMITS_H

typedef struct sm_limits sm_limits;

int sm_limits_new(sm_limits **out);
void sm_limits_free(sm_limits *l);
/*
 * Takes one token from the bucket named key (per_minute requests a minute).
 * Returns 0 when allowed, else the seconds to wait before retrying (>= 1).
 */
unsigned sm_limits_take(sm_limits *l, const char *key, double per_minute);

/*
 * A sliding window: allows the event named key when fewer than max (1..SM_LIMITS_WINDOW_MAX)
 * of them were allowed in the last seconds, and records it. Returns 0 when allowed, else the
 * seconds until the oldest of them leaves the window (>= 1). The windows' table is bounded
 * too: when full, windows with nothing left in them are dropped, and failing that the event
 * is refused.
 */
#define SM_LIMITS_WINDOW_MAX 32
unsigned sm_limits_window(sm_limits *l, const char *key, unsigned max, unsigned seconds);

#endif
