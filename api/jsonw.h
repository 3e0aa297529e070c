/*
 * jsonw.h: a small, fast JSON writer into a growing buffer, for output that
 * is produced in volume (one line per input on the extract command). The
 * buffer owns its memory; jsonw_free releases it.
 */
#ifndef SM_JSONW_H
#define SM_JSONW_H

#include <stddef.h>
#include <string.h>

typedef struct jsonw {
    char *data;
    size_t len, cap;
    int failed; /* set when an allocation failed; later writes do nothing */
} jsonw;

void jsonw_reset(jsonw *w);
void jsonw_free(jsonw *w);
/* Makes room for n bytes in all, so that a large answer is not grown by a dozen doublings. */
void jsonw_reserve(jsonw *w, size_t n);
void jsonw_raw(jsonw *w, const char *s, size_t len);
/* Writes s as it is; inline, so that a literal's length is known when compiling. */
static inline void jsonw_lit(jsonw *w, const char *s)
{
    jsonw_raw(w, s, strlen(s));
}
/* Writes s (valid UTF-8) as a quoted JSON string. */
void jsonw_string(jsonw *w, const char *s, size_t len);
void jsonw_uint(jsonw *w, unsigned long long v);
/* Writes v rounded to `decimals` places (0..6). */
void jsonw_fixed(jsonw *w, double v, int decimals);

#endif
