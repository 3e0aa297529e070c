/*
 * sm__tokenize.c: the words of a text as the extractor compares them: split with PCRE2 (letters and
 * digits, apostrophes and hyphens inside a word), case and accents folded, French and English
 * endings stemmed; each word's byte span in the text kept for the answer.
 */
#include "taxonomy/extract_internal.h"

/*
 * Light stemming of a folded token, in place; returns the new length. It only
 * has to send a label and a text to the same key, so it strips, in order:
 * plurals (-s, -x, -aux -> -al, -ies -> -y); the French noun endings that
 * mirror a verb (-ation, -ement, and -age on long words: "nettoyage" and
 * "nettoyer" meet, as do "préparation" and "préparer"); -ing and -ed; the
 * infinitive -er ("nettoyer", and English "cleaner" meets "cleaning"); and
 * final -e ("gérée", "manage"). Numbers and non-Latin words are left alone.
 */
size_t sm__stem(char *w, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)w[i] >= 0x80 || (w[i] >= '0' && w[i] <= '9'))
            return n;
    if (n > 4 && ends_with(w, n, "aux")) {
        w[n - 2] = 'l';
        n--;
    } else if (n > 4 && ends_with(w, n, "ies")) {
        w[n - 3] = 'y';
        n -= 2;
    } else if (n > 4 && ends_with(w, n, "sses")) {
        n -= 2;
    } else if (n > 3 && (w[n - 1] == 's' || w[n - 1] == 'x') && w[n - 2] != 's' &&
               !ends_with(w, n, "us") && !ends_with(w, n, "is")) {
        n--;
    }
    if (n > 7 && (ends_with(w, n, "ation") || ends_with(w, n, "ement")))
        n -= 5;
    else if (n > 7 && ends_with(w, n, "age"))
        n -= 3;
    else if (n > 5 && ends_with(w, n, "ing"))
        n -= 3;
    else if (n > 4 && ends_with(w, n, "ed"))
        n -= 2;
    if (n > 4 && ends_with(w, n, "er"))
        n -= 2;
    while (n > 3 && w[n - 1] == 'e')
        n--;
    return n;
}

/* Folds the token at text[0..len) into out (MAX_TOKEN_BYTES); returns the length. */
size_t sm__fold_token(const char *text, size_t len, char *out)
{
    size_t n = 0, i = 0;
    while (i < len) {
        size_t step;
        uint32_t cp = sm_utf8_decode(text + i, len - i, &step);
        char buf[8];
        size_t k = sm_fold_codepoint(cp, buf);
        if (n + k > MAX_TOKEN_BYTES)
            break;
        memcpy(out + n, buf, k);
        n += k;
        i += step;
    }
    return n;
}

/*
 * Finds the next word token at or after *pos. Returns 1 with its byte range,
 * 0 when there is none, or SM_ELIMIT when PCRE2 hit its limits.
 */
int sm__next_word(const sm_extractor *ex, pcre2_match_data *md, const char *text, size_t len,
                  size_t *pos, uint32_t *start, uint32_t *end)
{
    if (*pos >= len)
        return 0;
    int rc = pcre2_match(ex->re, (PCRE2_SPTR)text, len, *pos, PCRE2_NO_UTF_CHECK, md, ex->mctx);
    if (rc == PCRE2_ERROR_NOMATCH)
        return 0;
    if (rc < 0)
        return SM_ELIMIT;
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
    *start = (uint32_t)ov[0];
    *end = (uint32_t)ov[1];
    *pos = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
    return 1;
}

/*
 * Tokenises dictionary text (a label, a description) into out, up to cap
 * tokens (the rest is dropped): folding, skipping stop words unless
 * keep_stops (for labels made only of them), stemming, and adding new stems
 * to the vocabulary. Returns the token count or a negative error.
 */
long sm__tokenize(sm_extractor *ex, pcre2_match_data *md, const char *text, size_t len,
                  int keep_stops, tok *out, size_t cap)
{
    size_t pos = 0, n = 0;
    uint32_t start, end;
    int rc;
    char folded[MAX_TOKEN_BYTES + 8];
    while ((rc = sm__next_word(ex, md, text, len, &pos, &start, &end)) == 1) {
        size_t flen = sm__fold_token(text + start, end - start, folded);
        if (flen == 0)
            continue;
        if (!keep_stops && sm_strmap_get(ex->stop, folded, flen, NULL))
            continue;
        if (n == cap)
            break;
        uint64_t fh = XXH3_64bits(folded, flen);
        flen = sm__stem(folded, flen);
        uint32_t id;
        if (!sm_strmap_get(ex->vocab, folded, flen, &id)) {
            if (sm_strmap_put(ex->vocab, folded, flen, ex->vocab_count, NULL) < 0)
                return SM_ENOMEM;
            id = ex->vocab_count++;
        }
        tok *t = &out[n++];
        t->start = start;
        t->end = end;
        t->id = id;
        t->fold_hash = fh;
    }
    return rc < 0 ? rc : (long)n;
}

/* The words of an extraction's text as the dictionary knows them, in x->toks: stop words left
 * out, each with its span, the hash of its folded form and its vocabulary id (UNKNOWN_TOKEN if
 * no label has it). Their count, or SM_ENOMEM. Here, beside the word functions it calls for
 * each word, so that those calls are direct. */
long sm__read_words(sm_extraction *x, const char *text, size_t len)
{
    const sm_extractor *ex = x->ex;
    size_t n = 0, pos = 0;
    for (;;) {
        if (sm_grow((void **)&x->toks, &x->tok_cap, n + 1, sizeof(tok)) != SM_OK)
            return SM_ENOMEM;
        uint32_t start, end;
        int rc = sm__next_word(ex, x->md, text, len, &pos, &start, &end);
        if (rc < 0)
            return rc;
        if (rc == 0)
            break;
        char folded[MAX_TOKEN_BYTES + 8];
        size_t flen = sm__fold_token(text + start, end - start, folded);
        if (flen == 0 || sm_strmap_get(ex->stop, folded, flen, NULL))
            continue;
        tok *t = &x->toks[n++];
        t->start = start;
        t->end = end;
        t->fold_hash = XXH3_64bits(folded, flen);
        flen = sm__stem(folded, flen);
        if (!sm_strmap_get(ex->vocab, folded, flen, &t->id))
            t->id = UNKNOWN_TOKEN;
    }
    return (long)n;
}
