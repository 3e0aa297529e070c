/*
 * str.c: borrowed strings, UTF-8 validation and the case/accent folding used
 * by the extractor. Folding covers Latin-1, Latin Extended-A and the
 * punctuation seen in job ads; other scripts keep their code points, lower
 * cased where they are ASCII-compatible.
 */
#include "taxonomy/base/str.h"

#include <string.h>

int sm_str_eq(sm_str s, const char *literal)
{
    size_t n = strlen(literal);
    return s.len == n && memcmp(s.ptr, literal, n) == 0;
}

sm_str sm_str_trim(sm_str s)
{
    while (s.len && (s.ptr[0] == ' ' || s.ptr[0] == '\t' || s.ptr[0] == '\r' || s.ptr[0] == '\n')) {
        s.ptr++;
        s.len--;
    }
    while (s.len && (s.ptr[s.len - 1] == ' ' || s.ptr[s.len - 1] == '\t' ||
                     s.ptr[s.len - 1] == '\r' || s.ptr[s.len - 1] == '\n'))
        s.len--;
    return s;
}

int sm_utf8_valid(const char *str, size_t len, size_t *bad_offset)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < len) {
        unsigned char c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t need;
        uint32_t cp, min;
        if (c >= 0xC2 && c <= 0xDF) {
            need = 1;
            cp = c & 0x1F;
            min = 0x80;
        } else if (c >= 0xE0 && c <= 0xEF) {
            need = 2;
            cp = c & 0x0F;
            min = 0x800;
        } else if (c >= 0xF0 && c <= 0xF4) {
            need = 3;
            cp = c & 0x07;
            min = 0x10000;
        } else
            goto bad;
        if (len - i <= need)
            goto bad;
        for (size_t k = 1; k <= need; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                goto bad;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            goto bad;
        i += need + 1;
    }
    return 1;
bad:
    if (bad_offset)
        *bad_offset = i;
    return 0;
}

uint32_t sm_utf8_decode(const char *str, size_t len, size_t *step)
{
    const unsigned char *s = (const unsigned char *)str;
    unsigned char c = s[0];
    if (c < 0x80 || len < 2) {
        *step = 1;
        return c;
    }
    if (c < 0xE0) {
        *step = 2;
        return ((uint32_t)(c & 0x1F) << 6) | (s[1] & 0x3F);
    }
    if (c < 0xF0 || len < 4) {
        *step = len < 3 ? len : 3;
        return ((uint32_t)(c & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) |
               (len > 2 ? (s[2] & 0x3F) : 0);
    }
    *step = 4;
    return ((uint32_t)(c & 0x07) << 18) | ((uint32_t)(s[1] & 0x3F) << 12) |
           ((uint32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
}

size_t sm_utf8_encode(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Base letters of U+00C0..U+00FF after lower-casing; 0 marks a special case. */
static const char latin1[64] = "aaaaaaaceeeeiiiidnooooo\0ouuuuyts"
                               "aaaaaaaceeeeiiiidnooooo\0ouuuuyty";

/* Base letters of U+0100..U+017F (Latin Extended-A), in code point order. */
static const char latin_ext_a[128] =
    "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiiiijjkkklllllll"
    "lllnnnnnnnnnoooooooorrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";

size_t sm_fold_codepoint(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)((cp >= 'A' && cp <= 'Z') ? cp + 32 : cp);
        return 1;
    }
    if (cp >= 0xC0 && cp <= 0xFF) {
        if (cp == 0xC6 || cp == 0xE6) {
            out[0] = 'a';
            out[1] = 'e';
            return 2;
        }
        if (cp == 0xDF) {
            out[0] = 's';
            out[1] = 's';
            return 2;
        }
        char base = latin1[cp - 0xC0];
        if (base) {
            out[0] = base;
            return 1;
        }
        return sm_utf8_encode(cp, out); /* multiplication and division signs */
    }
    if (cp >= 0x100 && cp <= 0x17F) {
        if (cp == 0x152 || cp == 0x153) {
            out[0] = 'o';
            out[1] = 'e';
            return 2;
        }
        out[0] = latin_ext_a[cp - 0x100];
        return 1;
    }
    if (cp >= 0x300 && cp <= 0x36F)
        return 0; /* combining diacritical marks */
    switch (cp) {
    case 0x2018:
    case 0x2019:
    case 0x201B:
    case 0x2032:
    case 0x02BC:
    case 0x00B4:
    case 0x0060: out[0] = '\''; return 1;
    case 0x2010:
    case 0x2011:
    case 0x2012:
    case 0x2013:
    case 0x2014:
    case 0x2212: out[0] = '-'; return 1;
    case 0x00A0:
    case 0x202F:
    case 0x2009: out[0] = ' '; return 1;
    }
    /* Greek and Cyrillic capitals have lower-case forms at fixed offsets. */
    if ((cp >= 0x391 && cp <= 0x3A9) || (cp >= 0x410 && cp <= 0x42F))
        cp += 0x20;
    else if (cp >= 0x400 && cp <= 0x40F)
        cp += 0x50;
    return sm_utf8_encode(cp, out);
}

size_t sm_fold_words(const char *s, size_t len, char *out, size_t cap)
{
    size_t n = 0, i = 0;
    int space = 1;
    while (i < len && n + 5 < cap) {
        size_t step;
        uint32_t cp = sm_utf8_decode(s + i, len - i, &step);
        i += step;
        char buf[4];
        size_t k = sm_fold_codepoint(cp, buf);
        for (size_t j = 0; j < k; j++) {
            unsigned char c = (unsigned char)buf[j];
            if (c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                out[n++] = (char)c;
                space = 0;
            } else if (!space) {
                out[n++] = ' ';
                space = 1;
            }
        }
    }
    while (n && out[n - 1] == ' ')
        n--;
    if (cap)
        out[n] = '\0';
    return n;
}
