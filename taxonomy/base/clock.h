/*
 * clock.h: the two readings of time the code takes: seconds on the monotonic clock (for
 * durations and deadlines measured in-process), and a wall-clock instant some seconds ahead,
 * as pthread_cond_timedwait wants it.
 */
#ifndef SM_CLOCK_H
#define SM_CLOCK_H

#include <time.h>

/* Seconds on CLOCK_MONOTONIC. */
static inline double sm_now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* CLOCK_REALTIME plus seconds (>= 0): the deadline of a pthread_cond_timedwait. */
static inline struct timespec sm_deadline_in(double seconds)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    time_t whole = (time_t)seconds;
    t.tv_sec += whole;
    t.tv_nsec += (long)((seconds - (double)whole) * 1e9);
    if (t.tv_nsec >= 1000000000L) {
        t.tv_sec++;
        t.tv_nsec -= 1000000000L;
    }
    return t;
}

#endif
