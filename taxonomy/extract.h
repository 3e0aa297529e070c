/*
 * extract.h: finding skills in free text (job ads, CVs, a person's own words).
 *
 * An sm_extractor is built once from a finalized taxonomy: it holds a
 * dictionary of every skill label (English and French) as a sequence of
 * normalised tokens, plus an inverted index of label and description tokens
 * for lexical evidence. It is read-only afterwards and may be shared by
 * threads. Each thread uses its own sm_extraction, which holds the scratch
 * space and the results of the last call.
 *
 * Normalisation: PCRE2 splits text into word tokens (letters, digits,
 * combining marks, a trailing ++ or #); each token is case- and
 * accent-folded, typographic apostrophes and dashes unified, and lightly
 * stemmed (plurals, -ing/-ed, a final -e) so inflected forms meet; French
 * and English stop words (d', l', de, of, the...) are skipped on both sides.
 *
 * Results: literal matches first found by a longest-match scan (the longest
 * label wins where matches overlap; a weak token, of one or two characters or
 * digits only, names nothing by itself: only inside a longer label, or as an
 * acronym of capitals that is the label), confidence from the label kind, whether
 * the surface matched exactly or through stemming, how generic a one-word
 * label is and how ambiguous the label is. When fewer than `limit` concepts
 * appear literally, the rest are filled with candidates ranked by weighted
 * token overlap with labels and descriptions, at lower confidence.
 */
#ifndef SM_EXTRACT_H
#define SM_EXTRACT_H

#include "taxonomy/taxonomy.h"

#include <stddef.h>
#include <stdint.h>

typedef struct sm_extractor sm_extractor;
typedef struct sm_extraction sm_extraction;

enum { SM_LANG_MASK_EN = 1 << SM_LANG_EN, SM_LANG_MASK_FR = 1 << SM_LANG_FR, SM_LANG_MASK_ALL = 3 };

/* The most results one call returns. */
#define SM_EXTRACT_MAX_LIMIT 1000
/*
 * The confidence below which the API drops results by default (min_confidence), and profiles
 * and offers built from text keep none: where noise stops falling on the tuning sentences
 * (bench/extract_eval: our dev split and the shared validation split; RESULTS.md).
 */
#define SM_EXTRACT_MIN_CONFIDENCE 0.45
/* A confidence as answers show it (3 decimals), which min_confidence is compared with. */
static inline double sm_extract_shown(float confidence)
{
    return (double)(long long)((double)confidence * 1000 + 0.5) / 1000;
}

typedef struct sm_span {
    uint32_t start, end; /* half-open UTF-8 byte range in the input */
} sm_span;

typedef struct sm_extracted {
    uint32_t concept;
    float confidence;    /* in [0, 1] */
    uint8_t lang;        /* language of the label that matched */
    uint8_t literal;     /* 1: a label appeared in the text; 0: lexical evidence only */
    uint8_t other_lang;  /* 1: found only through a label of a language other than the one asked */
    const char *matched; /* the text found (not NUL-terminated), see matched_len */
    size_t matched_len;
    const sm_span *spans;
    size_t span_count;
} sm_extracted;

/*
 * Builds the dictionaries over tx (finalized; must outlive the extractor).
 * Returns 0, or SM_ENOMEM / SM_EINVAL with err set; *out is NULL on error.
 */
int sm_extractor_new(const sm_taxonomy *tx, sm_extractor **out, sm_error *err);
void sm_extractor_free(sm_extractor *ex);
/* Distinct label phrases indexed, and bytes held (for stats and benches). */
size_t sm_extractor_phrase_count(const sm_extractor *ex);
size_t sm_extractor_memory(const sm_extractor *ex);

/* Scratch and results for one thread; NULL when out of memory. */
sm_extraction *sm_extraction_new(const sm_extractor *ex);
void sm_extraction_free(sm_extraction *x);

/*
 * Extracts up to limit (clamped to 1..SM_EXTRACT_MAX_LIMIT) concepts from the
 * len bytes at text, using labels of the languages in lang_mask. Returns the
 * number of results (0 for text without words), SM_EUTF8 when text is not
 * valid UTF-8 (sm_extraction_error_offset tells where), SM_ENOMEM, or
 * SM_ELIMIT if the tokenizer hit its match limit. Results stay valid until
 * the next call on x.
 */
int sm_extract(sm_extraction *x, const char *text, size_t len, unsigned lang_mask, size_t limit);
/*
 * As sm_extract, in one language: the labels of lang first (literal matches, then lexical
 * evidence); with other_langs, the other languages' labels are then looked for, literally,
 * in what lang's left, and what they add is marked other_lang (an English tool name in a
 * French CV), a little less confident. The text's language is never guessed.
 */
int sm_extract_in(sm_extraction *x, const char *text, size_t len, sm_lang lang, int other_langs,
                  size_t limit);
size_t sm_extraction_count(const sm_extraction *x);
const sm_extracted *sm_extraction_get(const sm_extraction *x, size_t index);
size_t sm_extraction_error_offset(const sm_extraction *x);

#endif
