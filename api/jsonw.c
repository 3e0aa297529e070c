/* jsonw.c: the JSON writer (see jsonw.h). */
#include "api/jsonw.h"
#include "taxonomy/alloc.h"

#include <stdio.h>
#include <string.h>

void jsonw_reset(jsonw *w)
{
    w->len = 0;
    w->failed = 0;
}

void jsonw_free(jsonw *w)
{
    sm_free(w->data);
    w->data = NULL;
    w->len = w->cap = 0;
}

void jsonw_raw(jsonw *w, const char *s, size_t len)
{
    if (w->failed)
        return;
    if (sm_grow((void **)&w->data, &w->cap, w->len + len + 1, 1) != 0) {
        w->failed = 1;
        return;
    }
    memcpy(w->data + w->len, s, len);
    w->len += len;
    w->data[w->len] = '\0';
}

void jsonw_string(jsonw *w, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    jsonw_raw(w, "\"", 1);
    size_t run = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        jsonw_raw(w, s + run, i - run);
        run = i + 1;
        char esc[8] = {'\\', 0};
        switch (c) {
        case '"':
            esc[1] = '"';
            jsonw_raw(w, esc, 2);
            break;
        case '\\':
            esc[1] = '\\';
            jsonw_raw(w, esc, 2);
            break;
        case '\n':
            esc[1] = 'n';
            jsonw_raw(w, esc, 2);
            break;
        case '\r':
            esc[1] = 'r';
            jsonw_raw(w, esc, 2);
            break;
        case '\t':
            esc[1] = 't';
            jsonw_raw(w, esc, 2);
            break;
        default:
            memcpy(esc, "\\u00", 4);
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            jsonw_raw(w, esc, 6);
        }
    }
    jsonw_raw(w, s + run, len - run);
    jsonw_raw(w, "\"", 1);
}

void jsonw_uint(jsonw *w, unsigned long long v)
{
    char buf[32];
    int n = snprintf(buf, sizeof buf, "%llu", v);
    jsonw_raw(w, buf, (size_t)n);
}

void jsonw_fixed(jsonw *w, double v, int decimals)
{
    char buf[64];
    if (decimals < 0 || decimals > 6)
        decimals = 3;
    int n = snprintf(buf, sizeof buf, "%.*f", decimals, v);
    /* Trim trailing zeros for compact output: 0.930 -> 0.93, 1.000 -> 1. */
    while (n > 1 && decimals > 0 && buf[n - 1] == '0')
        n--;
    if (n > 1 && buf[n - 1] == '.')
        n--;
    jsonw_raw(w, buf, (size_t)n);
}
