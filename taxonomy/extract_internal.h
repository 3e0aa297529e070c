/*
 * extract_internal.h: what the extractor's files share and nothing outside them includes
 * (sm__tokenize.c, dictionary.c, extract.c, evidence.c): the dictionary and per-call structures,
 * their limits, and small helpers; functions one file defines for another are named sm__.
 */
#ifndef SM_EXTRACT_INTERNAL_H
#define SM_EXTRACT_INTERNAL_H

#define PCRE2_CODE_UNIT_WIDTH 8

#include "taxonomy/base/alloc.h"
#include "taxonomy/base/strmap.h"
#include "taxonomy/extract.h"

#include <math.h>
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#define MAX_PHRASE 12
#define MAX_LABEL_TOKENS 32
#define MAX_TOKEN_BYTES 64
#define PREFIX_ONLY UINT32_MAX
#define UNKNOWN_TOKEN UINT32_MAX
#define KIND_DERIVED 3
/* Tokens in more labels (or descriptions) than this carry no lexical evidence. */
#define MAX_LABEL_DF 800
#define MAX_DESC_DF 500
/* Lexical evidence uses at most this many distinct tokens of a text, the rarest
 * first, so its cost is bounded whatever the text's length. */
#define MAX_EVIDENCE_TOKENS 24
#define MAX_FALLBACK_SPANS 8

typedef struct entry {
    uint32_t concept, next;
    uint64_t exact; /* hash of the label's folded, unstemmed tokens */
    uint8_t lang, kind;
    uint8_t short_acronym; /* the label is one word of 2 or 3 capitals ("IDE", "SQL", "UX") */
} entry;

typedef struct lab {
    uint32_t concept, first; /* first: index of its tokens in lab_tokens */
    uint8_t count, lang, kind;
    float idf_total;
} lab;

/* Postings: token t's items are items[offsets[t] .. offsets[t + 1]), each
 * with the share of its item's total weight that t carries. */
typedef struct csr {
    uint32_t *offsets, *items;
    float *weights;
} csr;

struct sm_extractor {
    const sm_taxonomy *tx;
    pcre2_code *re;
    pcre2_match_context *mctx;
    sm_strmap *vocab, *stop, *verbs, *phrases;
    uint32_t vocab_count;
    uint32_t *phrase_head;
    size_t phrase_count, phrase_cap;
    entry *entries;
    size_t entry_count, entry_cap;
    lab *labs;
    size_t lab_count, lab_cap;
    uint32_t *lab_tokens;
    size_t lab_token_count, lab_token_cap;
    uint32_t *desc_tokens; /* per concept, sorted, via desc_offsets */
    uint32_t *desc_offsets;
    size_t desc_token_count, desc_token_cap;
    uint32_t *label_df, *desc_df;
    float *idf, *desc_idf, *desc_total;
    csr token_labs, token_descs;
};

static inline int ends_with(const char *w, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n >= k && memcmp(w + n - k, suffix, k) == 0;
}

typedef struct tok {
    uint32_t start, end, id;
    uint64_t fold_hash;
} tok;

typedef struct result {
    uint32_t concept;
    float confidence, best;
    uint8_t lang, literal;
    uint8_t other_lang; /* found only through a label of a language other than the one asked */
    uint32_t matched_start, matched_end; /* literal: byte range of the best match */
    uint32_t text_off, text_len;         /* sm__fallback: joined tokens in x->text */
    uint32_t first_span, span_count;
} result;

typedef struct span_rec {
    uint32_t result;
    sm_span span;
} span_rec;

typedef struct candidate {
    uint32_t start, end; /* token indexes, half-open */
    uint32_t phrase;
} candidate;

typedef struct lab_state {
    uint32_t stamp;
    float acc; /* coverage of the label by the text's tokens */
} lab_state;

typedef struct concept_state {
    uint32_t stamp, slot, lab; /* slot: result index or UINT32_MAX; lab: best label */
    float label, desc;         /* best label coverage, description cosine (unnormalised) */
} concept_state;

struct sm_extraction {
    const sm_extractor *ex;
    pcre2_match_data *md;
    tok *toks;
    uint32_t *ids;
    size_t tok_cap, ids_cap;
    candidate *cands;
    size_t cand_cap;
    uint8_t *taken;
    size_t taken_cap;
    result *results;
    size_t result_count, result_cap;
    span_rec *span_recs;
    size_t span_rec_count, span_rec_cap;
    sm_span *spans;
    size_t span_cap;
    char *text;
    size_t text_len, text_cap;
    sm_extracted *out;
    size_t out_count, out_cap;
    /* Epoch-stamped per-concept, per-label and per-token scratch. */
    uint32_t epoch;
    concept_state *concepts;
    lab_state *labs;
    uint32_t *token_stamp;
    float *token_weight;
    uint32_t *touched_labs, *touched_concepts;
    size_t error_offset;
    const char *input;
};

static inline void next_epoch(sm_extraction *x)
{
    if (++x->epoch == 0) {
        /* Wrapped after 4 billion calls: clear the stamps once. */
        const sm_extractor *ex = x->ex;
        for (size_t i = 0; i <= sm_taxonomy_count(ex->tx); i++)
            x->concepts[i].stamp = 0;
        for (size_t i = 0; i <= ex->lab_count; i++)
            x->labs[i].stamp = 0;
        memset(x->token_stamp, 0, ((size_t)ex->vocab_count + 1) * sizeof(uint32_t));
        x->epoch = 1;
    }
}

/* concept's scratch state, reset on first use in this call. */
static inline concept_state *state_of(sm_extraction *x, uint32_t concept)
{
    concept_state *st = &x->concepts[concept];
    if (st->stamp != x->epoch) {
        st->stamp = x->epoch;
        st->slot = UINT32_MAX;
        st->lab = UINT32_MAX;
        st->label = st->desc = 0;
    }
    return st;
}

static inline float kind_factor(uint8_t kind)
{
    switch (kind) {
    case SM_LABEL_PREFERRED: return 0.95f;
    case SM_LABEL_ALT: return 0.90f;
    case SM_LABEL_HIDDEN: return 0.80f;
    default: return 0.82f;
    }
}

/*
 * Whether text token i is weak: one or two characters, or digits only. A pronoun or verb
 * form ("j'ai"), a number ("3 ans"), a letter ("B") names no skill by itself: a weak token
 * counts only inside a longer label ("permis B", "CACES 3"), or alone when it is written as
 * an acronym of two or more capitals and the label is exactly it ("UX", "IA").
 */
static inline int weak_token(const sm_extraction *x, size_t i)
{
    const tok *t = &x->toks[i];
    size_t len = t->end - t->start, digits = 0;
    for (size_t k = 0; k < len; k++)
        digits += x->input[t->start + k] >= '0' && x->input[t->start + k] <= '9';
    return digits == len || len <= 2;
}

static inline int acronym(const sm_extraction *x, size_t i)
{
    const tok *t = &x->toks[i];
    size_t len = t->end - t->start;
    for (size_t k = 0; k < len; k++)
        if (x->input[t->start + k] < 'A' || x->input[t->start + k] > 'Z')
            return 0;
    return len >= 2;
}

static inline uint64_t exact_hash(const tok *t, size_t n)
{
    uint64_t h[MAX_PHRASE];
    for (size_t i = 0; i < n && i < MAX_PHRASE; i++)
        h[i] = t[i].fold_hash;
    return XXH3_64bits(h, (n < MAX_PHRASE ? n : MAX_PHRASE) * sizeof(uint64_t));
}

/* ---- what one file of the extractor defines for the others ---- */

/* tokenize.c */
long sm__read_words(sm_extraction *x, const char *text, size_t len);
size_t sm__fold_token(const char *text, size_t len, char *out);
int sm__next_word(const sm_extractor *ex, pcre2_match_data *md, const char *text, size_t len,
                  size_t *pos, uint32_t *start, uint32_t *end);
size_t sm__stem(char *w, size_t n);
long sm__tokenize(sm_extractor *ex, pcre2_match_data *md, const char *text, size_t len,
                  int keep_stops, tok *out, size_t cap);

/* extract.c */
int sm__add_span(sm_extraction *x, uint32_t result_index, uint32_t start, uint32_t end);
int sm__append_text(sm_extraction *x, const char *s, size_t len);
result *sm__slot_for(sm_extraction *x, uint32_t concept, uint32_t *index);

/* evidence.c */
int sm__fallback(sm_extraction *x, size_t n, unsigned lang_mask, size_t wanted);

#endif
