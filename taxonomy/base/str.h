/*
 * str.h: borrowed byte strings and UTF-8 helpers shared by the taxonomy layer.
 * An sm_str points into memory owned by someone else; it is not NUL-terminated.
 */
#ifndef SM_STR_H
#define SM_STR_H

#include <stddef.h>
#include <stdint.h>

typedef struct sm_str {
    const char *ptr;
    size_t len;
} sm_str;

static inline sm_str sm_str_make(const char *ptr, size_t len)
{
    sm_str s = {ptr, len};
    return s;
}

/* Returns 1 when s equals the NUL-terminated literal. */
int sm_str_eq(sm_str s, const char *literal);
/* The value of a hexadecimal digit (either case), -1 for any other character. */
static inline int sm_hex_digit(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}
/* Removes leading and trailing ASCII white space. */
sm_str sm_str_trim(sm_str s);

/*
 * Checks that the len bytes at s are valid UTF-8 (no overlongs, no
 * surrogates, nothing above U+10FFFF). Returns 1 when valid; else 0 and, if
 * bad_offset is not NULL, the offset of the first bad byte.
 */
int sm_utf8_valid(const char *s, size_t len, size_t *bad_offset);

/*
 * Decodes one code point from valid UTF-8 at s (len > 0); stores its length
 * in *step. Callers check validity first.
 */
uint32_t sm_utf8_decode(const char *s, size_t len, size_t *step);

/* Writes cp as UTF-8 into out (4 bytes room); returns the byte count. */
size_t sm_utf8_encode(uint32_t cp, char *out);

/*
 * Folds one code point for matching: lower case, accents removed, ligatures
 * split (œ -> oe), typographic apostrophes to '. Writes up to 4 bytes of
 * UTF-8 to out and returns how many (0 drops the code point, as for a
 * combining accent).
 */
size_t sm_fold_codepoint(uint32_t cp, char *out);

/*
 * The words of the len bytes at s (valid UTF-8), folded (sm_fold_codepoint), into out (cap
 * bytes, NUL-terminated, cut before it overflows): letters and digits kept, every other run
 * one space, none at either end ("Hôte / Hôtesse" -> "hote hotesse"). Returns the length.
 * The one folding of labels for comparing them whole (autocomplete, near-identical names).
 */
size_t sm_fold_words(const char *s, size_t len, char *out, size_t cap);

#endif
