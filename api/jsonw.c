/* jsonw.c: the JSON writer (see jsonw.h). */
#include "api/jsonw.h"
#include "taxonomy/base/alloc.h"

#include <stdint.h>
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

void jsonw_reserve(jsonw *w, size_t n)
{
    if (!w->failed && sm_grow((void **)&w->data, &w->cap, n, 1) != 0)
        w->failed = 1;
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

/*
 * How many of s's first bytes need no escaping, eight at a time: a byte below 0x20, a quote
 * or a backslash stops it (exact tests on whole words: (v - n) & ~v & 0x80.. is set when some
 * byte is below n, for n <= 128). Labels and URIs rarely hold any, so most strings are one copy.
 */
static size_t plain_prefix(const char *s, size_t len)
{
    const uint64_t ones = 0x0101010101010101ull, highs = ones * 0x80;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t v, q, b;
        memcpy(&v, s + i, 8);
        q = v ^ (ones * '"');
        b = v ^ (ones * '\\');
        if (((v - ones * 0x20) & ~v & highs) | ((q - ones) & ~q & highs) |
            ((b - ones) & ~b & highs))
            break;
    }
    while (i < len && (unsigned char)s[i] >= 0x20 && s[i] != '"' && s[i] != '\\')
        i++;
    return i;
}

void jsonw_string(jsonw *w, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    size_t run = plain_prefix(s, len);
    if (w->failed)
        return;
    if (sm_grow((void **)&w->data, &w->cap, w->len + run + 3, 1) != 0) {
        w->failed = 1;
        return;
    }
    w->data[w->len] = '"';
    memcpy(w->data + w->len + 1, s, run);
    w->len += run + 1;
    if (run == len) {
        w->data[w->len++] = '"';
        w->data[w->len] = '\0';
        return;
    }
    for (size_t i = run; i < len; i++) {
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

/* Writes v's decimal digits: snprintf's format parsing cost more than the rest of a number
 * (a match answer writes hundreds). */
static size_t utoa(char *end, unsigned long long v)
{
    char *p = end;
    do
        *--p = (char)('0' + v % 10);
    while ((v /= 10) != 0);
    return (size_t)(end - p);
}

void jsonw_uint(jsonw *w, unsigned long long v)
{
    char buf[24];
    size_t n = utoa(buf + sizeof buf, v);
    jsonw_raw(w, buf + sizeof buf - n, n);
}

void jsonw_fixed(jsonw *w, double v, int decimals)
{
    static const double scale[] = {1, 10, 100, 1000, 10000, 100000, 1000000};
    char buf[64];
    if (decimals < 0 || decimals > 6)
        decimals = 3;
    if (!(v > -1e12 && v < 1e12)) { /* huge, or not finite (NaN, infinities: never valid JSON) */
        int n = snprintf(buf, sizeof buf, "%.*f", decimals, v == v && v - v == 0 ? v : 0.0);
        while (n > 1 && decimals > 0 && buf[n - 1] == '0')
            n--;
        if (n > 1 && buf[n - 1] == '.')
            n--;
        jsonw_raw(w, buf, n > 0 ? (size_t)n : 0);
        return;
    }
    /* Rounded half away from zero at the last decimal, then trailing zeros trimmed:
     * 0.930 -> 0.93, 1.000 -> 1. */
    int neg = v < 0;
    unsigned long long q = (unsigned long long)((neg ? -v : v) * scale[decimals] + 0.5);
    unsigned long long ip = q / (unsigned long long)scale[decimals],
                       fp = q % (unsigned long long)scale[decimals];
    char *end = buf + sizeof buf, *p = end;
    int d = decimals;
    while (d > 0 && fp % 10 == 0) { /* trailing zeros of the fraction */
        fp /= 10;
        d--;
    }
    if (d > 0) {
        for (int i = 0; i < d; i++, fp /= 10)
            *--p = (char)('0' + fp % 10);
        *--p = '.';
    }
    p -= utoa(p, ip);
    if (neg && q)
        *--p = '-';
    jsonw_raw(w, p, (size_t)(end - p));
}
