/* test_jsonw.c: the JSON writer's numbers against the C library's formatting. */
#include "api/jsonw.h"
#include "tests/unit/check.h"

#include <math.h>
#include <stdint.h>

/* snprintf's "%.*f" with jsonw_fixed's trimming of trailing zeros: the reference. */
static void reference_fixed(char *out, size_t cap, double v, int decimals)
{
    int n = snprintf(out, cap, "%.*f", decimals, v);
    while (n > 1 && decimals > 0 && out[n - 1] == '0')
        n--;
    if (n > 1 && out[n - 1] == '.')
        n--;
    out[n] = '\0';
    if (strcmp(out, "-0") == 0) /* the writer never prints a negative zero */
        strcpy(out, "0");
}

static const char *fixed(jsonw *w, double v, int decimals)
{
    jsonw_reset(w);
    jsonw_fixed(w, v, decimals);
    return w->data;
}

static uint64_t next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static void fixed_matches_printf(void)
{
    jsonw w = {0};
    char want[64];
    uint64_t s = 88172645463325252ull;
    int compared = 0;
    for (int i = 0; i < 300000; i++) {
        int decimals = (int)(next(&s) % 7);
        double mag = pow(10, (double)(next(&s) % 9) - 3); /* 0.001 to 100,000 */
        double v = ((double)(next(&s) >> 11) / 9007199254740992.0 - 0.5) * 2 * mag;
        /* Exactly half way at the last decimal, printf rounds to even and the writer away from
         * zero: such values are skipped. */
        double scaled = fabs(v) * pow(10, decimals);
        if (fabs(scaled - floor(scaled) - 0.5) < 1e-6)
            continue;
        reference_fixed(want, sizeof want, v, decimals);
        const char *got = fixed(&w, v, decimals);
        if (strcmp(got, want) != 0) {
            fprintf(stderr, "    %.17g with %d decimals: %s, printf %s\n", v, decimals, got, want);
            CHECK(0);
            break;
        }
        compared++;
    }
    CHECK(compared > 290000);
    jsonw_free(&w);
}

static void fixed_known_values(void)
{
    jsonw w = {0};
    CHECK_STR(fixed(&w, 0, 3), "0");
    CHECK_STR(fixed(&w, 1, 3), "1");
    CHECK_STR(fixed(&w, 0.93, 3), "0.93");
    CHECK_STR(fixed(&w, 0.9996, 3), "1");
    CHECK_STR(fixed(&w, -0.0001, 3), "0");
    CHECK_STR(fixed(&w, -2.5046, 2), "-2.5");
    CHECK_STR(fixed(&w, 48.856613, 6), "48.856613");
    CHECK_STR(fixed(&w, 123456789.25, 1), "123456789.3");
    CHECK_STR(fixed(&w, 0.125, 9), "0.125"); /* more than 6 decimals: 3 */
    CHECK_STR(fixed(&w, 2e15, 2), "2000000000000000");
    CHECK_STR(fixed(&w, NAN, 2), "0");
    jsonw_free(&w);
}

static void uint_matches_printf(void)
{
    jsonw w = {0};
    char want[32];
    uint64_t s = 0x9E3779B97F4A7C15ull;
    unsigned long long cases[] = {0, 1, 9, 10, 99, 100, 4294967295ull, 18446744073709551615ull};
    for (size_t i = 0; i < sizeof cases / sizeof *cases + 100000; i++) {
        unsigned long long v =
            i < sizeof cases / sizeof *cases ? cases[i] : next(&s) >> (next(&s) % 64);
        snprintf(want, sizeof want, "%llu", v);
        jsonw_reset(&w);
        jsonw_uint(&w, v);
        if (strcmp(w.data, want) != 0) {
            CHECK_STR(w.data, want);
            break;
        }
    }
    jsonw_free(&w);
}

/* The escaping the writer must produce, byte by byte. */
static size_t reference_string(char *out, const char *s, size_t len)
{
    size_t n = 0;
    out[n++] = '"';
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            n += (size_t)sprintf(out + n, "\\%c", c);
        else if (c == '\n')
            n += (size_t)sprintf(out + n, "\\n");
        else if (c == '\r')
            n += (size_t)sprintf(out + n, "\\r");
        else if (c == '\t')
            n += (size_t)sprintf(out + n, "\\t");
        else if (c < 0x20)
            n += (size_t)sprintf(out + n, "\\u%04x", c);
        else
            out[n++] = (char)c;
    }
    out[n++] = '"';
    out[n] = '\0';
    return n;
}

/* Strings of every length up to 40 with a byte to escape (or none) at each place, in text
 * with UTF-8: the word-at-a-time scan must stop exactly where the byte-wise one would. */
static void string_escapes_like_bytewise(void)
{
    jsonw w = {0};
    const char specials[] = {'"', '\\', '\n', '\r', '\t', 0x01, 0x1f, 0};
    const char *base = "Agent d\xe2\x80\x99"
                       "entretien \xc3\xa9t\xc3\xa9 -- 0123456789abcdefghij";
    char in[64], want[512];
    int cases = 0;
    for (size_t len = 0; len <= 40; len++)
        for (size_t at = 0; at <= len; at++)
            for (size_t k = 0; k < sizeof specials; k++) {
                memcpy(in, base, len);
                if (at < len)
                    in[at] = specials[k];
                size_t n = reference_string(want, in, len);
                jsonw_reset(&w);
                jsonw_lit(&w, "x");
                jsonw_string(&w, in, len);
                if (w.len != n + 1 || memcmp(w.data + 1, want, n) != 0 || w.data[w.len] != '\0') {
                    fprintf(stderr, "    length %zu, byte %d at %zu: %s, expected %s\n", len,
                            specials[k], at, w.data + 1, want);
                    CHECK(0);
                    jsonw_free(&w);
                    return;
                }
                cases++;
            }
    CHECK_INT(cases, 41 * 42 / 2 * 8);
    jsonw_free(&w);
}

SM_TEST_MAIN("test_jsonw", T(fixed_matches_printf), T(fixed_known_values), T(uint_matches_printf),
             T(string_escapes_like_bytewise))
