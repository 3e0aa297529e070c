/*
 * heap.h: the one binary min-heap of the code, macro-typed so that each use keeps direct,
 * inlined comparisons (the matcher's top-k runs it for every slot it considers).
 *
 * SM_HEAP_DEFINE(name, T, C, less) defines, for elements of type T in a caller's array and a
 * context of type C handed to less(C ctx, const T *a, const T *b) (a strict weak order: "a
 * comes out before b"):
 *   name_push(ctx, h, &n, item)        adds item (h has room for one more);
 *   name_pop(ctx, h, &n)               takes the least out (n > 0) and returns it;
 *   name_offer(ctx, h, &n, cap, item)  keeps the cap greatest items offered: adds item while
 *                                      n < cap, else puts it in place of the least when that
 *                                      one comes out before it; 1 when item was kept.
 * Nothing allocates: the caller owns h and grows it before a push.
 */
#ifndef SM_HEAP_H
#define SM_HEAP_H

#include <stddef.h>

/* (unused): clang warns of a generated function a file does not call. */
#define SM_HEAP_DEFINE(name, T, C, less)                                                           \
    static inline __attribute__((unused)) void name##_sift_up(C ctx, T *h, size_t i, T item)       \
    {                                                                                              \
        while (i > 0 && less(ctx, &item, &h[(i - 1) / 2])) {                                       \
            h[i] = h[(i - 1) / 2];                                                                 \
            i = (i - 1) / 2;                                                                       \
        }                                                                                          \
        h[i] = item;                                                                               \
    }                                                                                              \
    static inline __attribute__((unused)) void name##_sift_down(C ctx, T *h, size_t n, T item)     \
    {                                                                                              \
        size_t i = 0;                                                                              \
        for (;;) {                                                                                 \
            size_t c = 2 * i + 1;                                                                  \
            if (c >= n)                                                                            \
                break;                                                                             \
            if (c + 1 < n && less(ctx, &h[c + 1], &h[c]))                                          \
                c++;                                                                               \
            if (!less(ctx, &h[c], &item))                                                          \
                break;                                                                             \
            h[i] = h[c];                                                                           \
            i = c;                                                                                 \
        }                                                                                          \
        h[i] = item;                                                                               \
    }                                                                                              \
    static inline __attribute__((unused)) void name##_push(C ctx, T *h, size_t *n, T item)         \
    {                                                                                              \
        name##_sift_up(ctx, h, (*n)++, item);                                                      \
    }                                                                                              \
    static inline __attribute__((unused)) T name##_pop(C ctx, T *h, size_t *n)                     \
    {                                                                                              \
        T top = h[0], last = h[--*n];                                                              \
        if (*n)                                                                                    \
            name##_sift_down(ctx, h, *n, last);                                                    \
        return top;                                                                                \
    }                                                                                              \
    static inline                                                                                  \
        __attribute__((unused)) int name##_offer(C ctx, T *h, size_t *n, size_t cap, T item)       \
    {                                                                                              \
        if (*n < cap) {                                                                            \
            name##_push(ctx, h, n, item);                                                          \
            return 1;                                                                              \
        }                                                                                          \
        if (!less(ctx, &h[0], &item))                                                              \
            return 0;                                                                              \
        name##_sift_down(ctx, h, *n, item);                                                        \
        return 1;                                                                                  \
    }

#endif
