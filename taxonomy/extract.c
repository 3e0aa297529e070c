/*
 * extract.c: skill extraction from free text (see extract.h).
 *
 * Dictionary invariants: every label of a skill concept is a sequence of at
 * most MAX_PHRASE token ids; `phrases` maps each such sequence to a phrase
 * index, and each proper prefix of one to PREFIX_ONLY (unless it is itself a
 * phrase), so the scan can stop as soon as a sequence is no prefix of any
 * label. A phrase's entries (concept, language, label kind) form a chain
 * through `entries`. For lexical evidence, `labs` lists every label with its
 * distinct tokens, and two inverted indexes map tokens to labels and to the
 * concepts whose descriptions contain them.
 *
 * Per-call state lives in sm_extraction and uses epoch stamps, so nothing is
 * cleared between calls.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "taxonomy/extract.h"
#include "taxonomy/base/alloc.h"
#include "taxonomy/base/strmap.h"

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

/* ---- normalisation ----------------------------------------------------- */

static const char *const stopwords[] = {
    /* English */
    "a", "an", "the", "of", "and", "or", "to", "in", "on", "at", "for", "with", "by", "from", "as",
    "is", "are", "be", "been", "being", "was", "were", "into", "onto", "this", "that", "these",
    "those", "its", "their", "our", "your", "we", "you", "they", "he", "she", "his", "her", "my",
    "me", "us", "them", "not", "no", "but", "if", "than", "so", "such", "also", "via", "per", "etc",
    "eg", "ie", "will", "can", "may", "must", "should", "would", "have", "has", "had", "do", "does",
    "did", "done", "doing", "having", "who", "which", "what", "when", "where", "how", "all", "any",
    "some", "s",
    /* French (folded: no accents) */
    "le", "la", "les", "l", "de", "du", "des", "d", "un", "une", "et", "ou", "au", "aux", "en",
    "dans", "sur", "pour", "par", "avec", "sans", "ce", "cet", "cette", "ces", "son", "sa", "ses",
    "leur", "leurs", "qu", "que", "qui", "se", "y", "ne", "n", "pas", "plus", "vos", "votre", "nos",
    "notre", "mon", "ma", "mes", "je", "j", "il", "elle", "ils", "elles", "nous", "vous", "on", "c",
    "m", "t", "est", "sont", "etre", "avoir", "a", "afin", "ainsi", "chez", "lors", "tout", "tous",
    "toute", "toutes", NULL};

/* Leading verbs that many skill labels carry but texts often leave out. */
static const char *const leading_verbs[] = {
    "use",       "using",    "operate",   "operating", "apply",    "perform",
    "conduct",   "utiliser", "appliquer", "effectuer", "realiser", "pratiquer",
    "manipuler", "employer", "exploiter", "mettre",    "faire",    NULL};

static int ends_with(const char *w, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n >= k && memcmp(w + n - k, suffix, k) == 0;
}

/*
 * Light stemming of a folded token, in place; returns the new length. It only
 * has to send a label and a text to the same key, so it strips, in order:
 * plurals (-s, -x, -aux -> -al, -ies -> -y); the French noun endings that
 * mirror a verb (-ation, -ement, and -age on long words: "nettoyage" and
 * "nettoyer" meet, as do "préparation" and "préparer"); -ing and -ed; the
 * infinitive -er ("nettoyer", and English "cleaner" meets "cleaning"); and
 * final -e ("gérée", "manage"). Numbers and non-Latin words are left alone.
 */
static size_t stem(char *w, size_t n)
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
static size_t fold_token(const char *text, size_t len, char *out)
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

typedef struct tok {
    uint32_t start, end, id;
    uint64_t fold_hash;
} tok;

/*
 * Finds the next word token at or after *pos. Returns 1 with its byte range,
 * 0 when there is none, or SM_ELIMIT when PCRE2 hit its limits.
 */
static int next_word(const sm_extractor *ex, pcre2_match_data *md, const char *text, size_t len,
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
static long tokenize(sm_extractor *ex, pcre2_match_data *md, const char *text, size_t len,
                     int keep_stops, tok *out, size_t cap)
{
    size_t pos = 0, n = 0;
    uint32_t start, end;
    int rc;
    char folded[MAX_TOKEN_BYTES + 8];
    while ((rc = next_word(ex, md, text, len, &pos, &start, &end)) == 1) {
        size_t flen = fold_token(text + start, end - start, folded);
        if (flen == 0)
            continue;
        if (!keep_stops && sm_strmap_get(ex->stop, folded, flen, NULL))
            continue;
        if (n == cap)
            break;
        uint64_t fh = XXH3_64bits(folded, flen);
        flen = stem(folded, flen);
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

static uint64_t exact_hash(const tok *t, size_t n)
{
    uint64_t h[MAX_PHRASE];
    for (size_t i = 0; i < n && i < MAX_PHRASE; i++)
        h[i] = t[i].fold_hash;
    return XXH3_64bits(h, (n < MAX_PHRASE ? n : MAX_PHRASE) * sizeof(uint64_t));
}

/* ---- building ---------------------------------------------------------- */

static int add_entry(sm_extractor *ex, const uint32_t *ids, size_t n, uint32_t concept,
                     uint8_t lang, uint8_t kind, uint64_t exact)
{
    if (n == 0 || n > MAX_PHRASE)
        return SM_OK;
    for (size_t k = 1; k < n; k++)
        if (sm_strmap_put(ex->phrases, ids, k * sizeof *ids, PREFIX_ONLY, NULL) < 0)
            return SM_ENOMEM;
    uint32_t phrase;
    int put = sm_strmap_put(ex->phrases, ids, n * sizeof *ids, (uint32_t)ex->phrase_count, &phrase);
    if (put < 0)
        return SM_ENOMEM;
    if (put == 1 || phrase == PREFIX_ONLY) {
        if (sm_grow((void **)&ex->phrase_head, &ex->phrase_cap, ex->phrase_count + 1,
                    sizeof *ex->phrase_head) != SM_OK)
            return SM_ENOMEM;
        phrase = (uint32_t)ex->phrase_count++;
        ex->phrase_head[phrase] = UINT32_MAX;
        if (put == 0)
            sm_strmap_set(ex->phrases, ids, n * sizeof *ids, phrase);
    }
    for (uint32_t e = ex->phrase_head[phrase]; e != UINT32_MAX; e = ex->entries[e].next)
        if (ex->entries[e].concept == concept && ex->entries[e].lang == lang) {
            if (kind < ex->entries[e].kind) {
                ex->entries[e].kind = kind;
                ex->entries[e].exact = exact;
            }
            return SM_OK;
        }
    if (sm_grow((void **)&ex->entries, &ex->entry_cap, ex->entry_count + 1, sizeof(entry)) != SM_OK)
        return SM_ENOMEM;
    entry *e = &ex->entries[ex->entry_count];
    e->concept = concept;
    e->lang = lang;
    e->kind = kind;
    e->exact = exact;
    e->short_acronym = 0;
    e->next = ex->phrase_head[phrase];
    ex->phrase_head[phrase] = (uint32_t)ex->entry_count++;
    return SM_OK;
}

/* Whether len bytes at s are 2 or 3 capital letters (A to Z). */
static int short_acronym_text(const char *s, size_t len)
{
    if (len < 2 || len > 3)
        return 0;
    for (size_t k = 0; k < len; k++)
        if (s[k] < 'A' || s[k] > 'Z')
            return 0;
    return 1;
}

/* Marks the entry of a one-token label (token id) for concept in lang as a short acronym. */
static void mark_short_acronym(sm_extractor *ex, uint32_t id, uint32_t concept, uint8_t lang)
{
    uint32_t phrase;
    if (!sm_strmap_get(ex->phrases, &id, sizeof id, &phrase) || phrase == PREFIX_ONLY)
        return;
    for (uint32_t e = ex->phrase_head[phrase]; e != UINT32_MAX; e = ex->entries[e].next)
        if (ex->entries[e].concept == concept && ex->entries[e].lang == lang)
            ex->entries[e].short_acronym = 1;
}

static int add_label(sm_extractor *ex, pcre2_match_data *md, sm_label label)
{
    tok toks[MAX_LABEL_TOKENS];
    size_t len = strlen(label.text);
    long n = tokenize(ex, md, label.text, len, 0, toks, MAX_LABEL_TOKENS);
    if (n == 0)
        n = tokenize(ex, md, label.text, len, 1, toks, MAX_LABEL_TOKENS);
    if (n <= 0)
        return n < 0 ? (int)n : SM_OK;
    uint32_t ids[MAX_LABEL_TOKENS];
    for (long i = 0; i < n; i++)
        ids[i] = toks[i].id;
    int rc = add_entry(ex, ids, (size_t)n, label.concept, label.lang, label.kind,
                       exact_hash(toks, (size_t)n));
    if (rc != SM_OK)
        return rc;
    /* A short acronym names its concept only where its very letters are written: a word that
     * merely stems to them is another word ("idée" stems to "ide", not "IDE"). */
    if (n == 1 && short_acronym_text(label.text + toks[0].start, toks[0].end - toks[0].start))
        mark_short_acronym(ex, ids[0], label.concept, label.lang);

    /* Variant: "e-mail" also as "email". */
    int hyphen = 0;
    for (long i = 0; i + 1 < n; i++)
        if (toks[i + 1].start == toks[i].end + 1 && label.text[toks[i].end] == '-')
            hyphen = 1;
    if (hyphen && n <= MAX_PHRASE) {
        uint32_t joined[MAX_PHRASE];
        tok jt[MAX_PHRASE];
        size_t m = 0;
        for (long i = 0; i < n; i++) {
            long j = i;
            while (j + 1 < n && toks[j + 1].start == toks[j].end + 1 &&
                   label.text[toks[j].end] == '-')
                j++;
            char folded[MAX_TOKEN_BYTES * 2 + 8];
            size_t flen = 0;
            for (long k = i; k <= j && flen < MAX_TOKEN_BYTES; k++)
                flen += fold_token(label.text + toks[k].start, toks[k].end - toks[k].start,
                                   folded + flen);
            jt[m].fold_hash = XXH3_64bits(folded, flen);
            flen = stem(folded, flen);
            uint32_t id;
            if (!sm_strmap_get(ex->vocab, folded, flen, &id)) {
                if (sm_strmap_put(ex->vocab, folded, flen, ex->vocab_count, NULL) < 0)
                    return SM_ENOMEM;
                id = ex->vocab_count++;
            }
            joined[m++] = id;
            i = j;
        }
        rc = add_entry(ex, joined, m, label.concept, label.lang, KIND_DERIVED, exact_hash(jt, m));
        if (rc != SM_OK)
            return rc;
    }

    /* Variant: "use spreadsheets software" also as "spreadsheets software". */
    if (n >= 3) {
        char folded[MAX_TOKEN_BYTES + 8];
        size_t flen = fold_token(label.text + toks[0].start, toks[0].end - toks[0].start, folded);
        if (sm_strmap_get(ex->verbs, folded, flen, NULL)) {
            rc = add_entry(ex, ids + 1, (size_t)n - 1, label.concept, label.lang, KIND_DERIVED,
                           exact_hash(toks + 1, (size_t)n - 1));
            if (rc != SM_OK)
                return rc;
        }
    }

    /* For lexical evidence: the label's distinct tokens. */
    if (sm_grow((void **)&ex->labs, &ex->lab_cap, ex->lab_count + 1, sizeof(lab)) != SM_OK ||
        sm_grow((void **)&ex->lab_tokens, &ex->lab_token_cap, ex->lab_token_count + (size_t)n,
                sizeof(uint32_t)) != SM_OK)
        return SM_ENOMEM;
    lab *l = &ex->labs[ex->lab_count++];
    l->concept = label.concept;
    l->first = (uint32_t)ex->lab_token_count;
    l->lang = label.lang;
    l->kind = label.kind;
    l->count = 0;
    for (long i = 0; i < n; i++) {
        int seen = 0;
        for (long k = 0; k < i && !seen; k++)
            seen = ids[k] == ids[i];
        if (!seen) {
            ex->lab_tokens[ex->lab_token_count++] = ids[i];
            l->count++;
        }
    }
    return SM_OK;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* Appends the distinct tokens of text to the current concept's description list. */
static int add_description(sm_extractor *ex, pcre2_match_data *md, const char *text, tok *scratch,
                           size_t cap)
{
    long n = tokenize(ex, md, text, strlen(text), 0, scratch, cap);
    if (n < 0)
        return (int)n;
    if (sm_grow((void **)&ex->desc_tokens, &ex->desc_token_cap, ex->desc_token_count + (size_t)n,
                sizeof(uint32_t)) != SM_OK)
        return SM_ENOMEM;
    for (long i = 0; i < n; i++)
        ex->desc_tokens[ex->desc_token_count++] = scratch[i].id;
    return SM_OK;
}

/* Builds token -> item postings from (item, token) pairs given as a CSR of tokens per item. */
static int build_postings(csr *out, uint32_t vocab, const uint32_t *item_offsets,
                          const uint32_t *tokens, size_t items, uint32_t *df)
{
    out->offsets = sm_calloc((size_t)vocab + 2, sizeof(uint32_t));
    size_t total = item_offsets[items];
    out->items = sm_malloc((total + 1) * sizeof(uint32_t));
    out->weights = sm_calloc(total + 1, sizeof(float));
    if (!out->offsets || !out->items || !out->weights)
        return SM_ENOMEM;
    for (size_t i = 0; i < total; i++)
        out->offsets[tokens[i] + 1]++;
    for (uint32_t t = 0; t < vocab; t++) {
        df[t] = out->offsets[t + 1];
        out->offsets[t + 1] += out->offsets[t];
    }
    for (size_t item = 0; item < items; item++)
        for (uint32_t k = item_offsets[item]; k < item_offsets[item + 1]; k++)
            out->items[out->offsets[tokens[k]]++] = (uint32_t)item;
    memmove(out->offsets + 1, out->offsets, vocab * sizeof(uint32_t));
    out->offsets[0] = 0;
    return SM_OK;
}

static int fill_set(sm_strmap *map, const char *const *words)
{
    for (size_t i = 0; words[i]; i++)
        if (sm_strmap_put(map, words[i], strlen(words[i]), 1, NULL) < 0)
            return SM_ENOMEM;
    return SM_OK;
}

int sm_extractor_new(const sm_taxonomy *tx, sm_extractor **out, sm_error *err)
{
    *out = NULL;
    sm_extractor *ex = sm_calloc(1, sizeof *ex);
    if (!ex)
        return sm_error_set(err, SM_ENOMEM, "extractor: out of memory");
    ex->tx = tx;
    int errcode;
    PCRE2_SIZE erroff;
    /* A word: letters or digits, with combining marks, and a trailing ++ or # (C++, C#). */
    static const char pattern[] = "[\\p{L}\\p{N}][\\p{L}\\p{N}\\p{M}]*(?:\\+\\+|#)?";
    ex->re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_UCP,
                           &errcode, &erroff, NULL);
    pcre2_match_data *md = ex->re ? pcre2_match_data_create_from_pattern(ex->re, NULL) : NULL;
    ex->mctx = pcre2_match_context_create(NULL);
    ex->vocab = sm_strmap_new();
    ex->stop = sm_strmap_new();
    ex->verbs = sm_strmap_new();
    ex->phrases = sm_strmap_new();
    size_t count = sm_taxonomy_count(tx);
    tok *scratch = sm_malloc(4096 * sizeof *scratch);
    ex->desc_offsets = sm_calloc(count + 1, sizeof(uint32_t));
    int rc = SM_ENOMEM;
    if (!ex->re || !md || !ex->mctx || !ex->vocab || !ex->stop || !ex->verbs || !ex->phrases ||
        !scratch || !ex->desc_offsets)
        goto done;
    pcre2_jit_compile(ex->re, PCRE2_JIT_COMPLETE); /* falls back to the interpreter */
    pcre2_set_match_limit(ex->mctx, 100000);
    pcre2_set_depth_limit(ex->mctx, 1000);
    if ((rc = fill_set(ex->stop, stopwords)) != SM_OK ||
        (rc = fill_set(ex->verbs, leading_verbs)) != SM_OK)
        goto done;

    size_t labels = sm_taxonomy_label_total(tx);
    for (size_t i = 0; i < labels; i++) {
        sm_label label = sm_taxonomy_label_at(tx, i);
        if (!sm_concept_is_skill(sm_taxonomy_type(tx, label.concept)))
            continue;
        if ((rc = add_label(ex, md, label)) != SM_OK)
            goto done;
    }
    /* Descriptions (both languages) and DigComp statements, per concept. */
    size_t statements = sm_taxonomy_statement_count(tx), s = 0;
    for (uint32_t c = 0; c < count; c++) {
        ex->desc_offsets[c] = (uint32_t)ex->desc_token_count;
        if (!sm_concept_is_skill(sm_taxonomy_type(tx, c)))
            continue;
        for (int lang = 0; lang < SM_LANG_COUNT; lang++)
            if ((rc = add_description(ex, md, sm_taxonomy_description(tx, c, (sm_lang)lang),
                                      scratch, 4096)) != SM_OK)
                goto done;
        for (s = 0; s < statements; s++) {
            sm_statement st = sm_taxonomy_statement_at(tx, s);
            if (st.concept == c && (rc = add_description(ex, md, st.text, scratch, 4096)) != SM_OK)
                goto done;
        }
        /* Keep each concept's description tokens sorted and distinct. */
        uint32_t *list = ex->desc_tokens + ex->desc_offsets[c];
        size_t n = ex->desc_token_count - ex->desc_offsets[c], kept = 0;
        if (n > 1)
            qsort(list, n, sizeof *list, cmp_u32);
        for (size_t i = 0; i < n; i++)
            if (kept == 0 || list[kept - 1] != list[i])
                list[kept++] = list[i];
        ex->desc_token_count = ex->desc_offsets[c] + kept;
    }
    ex->desc_offsets[count] = (uint32_t)ex->desc_token_count;

    /* Inverted indexes and token weights. */
    uint32_t vocab = ex->vocab_count;
    ex->label_df = sm_calloc((size_t)vocab + 1, sizeof(uint32_t));
    ex->desc_df = sm_calloc((size_t)vocab + 1, sizeof(uint32_t));
    ex->idf = sm_calloc((size_t)vocab + 1, sizeof(float));
    ex->desc_idf = sm_calloc((size_t)vocab + 1, sizeof(float));
    ex->desc_total = sm_calloc(count + 1, sizeof(float));
    uint32_t *lab_offsets = sm_malloc((ex->lab_count + 1) * sizeof(uint32_t));
    rc = SM_ENOMEM;
    if (!ex->label_df || !ex->desc_df || !ex->idf || !ex->desc_idf || !ex->desc_total ||
        !lab_offsets) {
        sm_free(lab_offsets);
        goto done;
    }
    for (size_t i = 0; i < ex->lab_count; i++)
        lab_offsets[i] = ex->labs[i].first;
    lab_offsets[ex->lab_count] = (uint32_t)ex->lab_token_count;
    rc = build_postings(&ex->token_labs, vocab, lab_offsets, ex->lab_tokens, ex->lab_count,
                        ex->label_df);
    sm_free(lab_offsets);
    if (rc == SM_OK)
        rc = build_postings(&ex->token_descs, vocab, ex->desc_offsets, ex->desc_tokens, count,
                            ex->desc_df);
    if (rc != SM_OK)
        goto done;
    double labs_n = (double)ex->lab_count + 1, descs_n = (double)count + 1;
    for (uint32_t t = 0; t < vocab; t++) {
        ex->idf[t] = (float)log(1.0 + labs_n / (1.0 + ex->label_df[t]));
        ex->desc_idf[t] = (float)log(1.0 + descs_n / (1.0 + ex->desc_df[t]));
    }
    for (size_t i = 0; i < ex->lab_count; i++) {
        lab *l = &ex->labs[i];
        float total = 0;
        for (uint32_t k = 0; k < l->count; k++)
            total += ex->idf[ex->lab_tokens[l->first + k]];
        l->idf_total = total;
    }
    for (uint32_t c = 0; c < count; c++) {
        double total = 0;
        for (uint32_t k = ex->desc_offsets[c]; k < ex->desc_offsets[c + 1]; k++) {
            uint32_t t = ex->desc_tokens[k];
            if (ex->desc_df[t] <= MAX_DESC_DF)
                total += (double)ex->desc_idf[t] * ex->desc_idf[t];
        }
        ex->desc_total[c] = (float)sqrt(total);
    }
    /* Pre-normalised posting weights: a label's coverage and a description's
     * cosine become plain sums at query time. */
    for (uint32_t t = 0; t < vocab; t++) {
        for (uint32_t k = ex->token_labs.offsets[t]; k < ex->token_labs.offsets[t + 1]; k++) {
            float total = ex->labs[ex->token_labs.items[k]].idf_total;
            ex->token_labs.weights[k] = total > 0 ? ex->idf[t] / total : 0;
        }
        for (uint32_t k = ex->token_descs.offsets[t]; k < ex->token_descs.offsets[t + 1]; k++) {
            float total = ex->desc_total[ex->token_descs.items[k]];
            ex->token_descs.weights[k] =
                total > 0 && ex->desc_df[t] <= MAX_DESC_DF ? ex->desc_idf[t] / total : 0;
        }
    }
    rc = SM_OK;
done:
    sm_free(scratch);
    pcre2_match_data_free(md);
    if (rc != SM_OK) {
        sm_extractor_free(ex);
        return sm_error_set(err, rc, "extractor: %s", sm_strerror(rc));
    }
    *out = ex;
    return SM_OK;
}

void sm_extractor_free(sm_extractor *ex)
{
    if (!ex)
        return;
    pcre2_code_free(ex->re);
    pcre2_match_context_free(ex->mctx);
    sm_strmap_free(ex->vocab);
    sm_strmap_free(ex->stop);
    sm_strmap_free(ex->verbs);
    sm_strmap_free(ex->phrases);
    sm_free(ex->phrase_head);
    sm_free(ex->entries);
    sm_free(ex->labs);
    sm_free(ex->lab_tokens);
    sm_free(ex->desc_tokens);
    sm_free(ex->desc_offsets);
    sm_free(ex->label_df);
    sm_free(ex->desc_df);
    sm_free(ex->idf);
    sm_free(ex->desc_idf);
    sm_free(ex->desc_total);
    sm_free(ex->token_labs.offsets);
    sm_free(ex->token_labs.items);
    sm_free(ex->token_labs.weights);
    sm_free(ex->token_descs.weights);
    sm_free(ex->token_descs.offsets);
    sm_free(ex->token_descs.items);
    sm_free(ex);
}

size_t sm_extractor_phrase_count(const sm_extractor *ex)
{
    return ex->phrase_count;
}

size_t sm_extractor_memory(const sm_extractor *ex)
{
    size_t count = sm_taxonomy_count(ex->tx);
    return sizeof *ex + sm_strmap_memory(ex->vocab) + sm_strmap_memory(ex->phrases) +
           ex->phrase_cap * 4 + ex->entry_cap * sizeof(entry) + ex->lab_cap * sizeof(lab) +
           ex->lab_token_cap * 4 + ex->desc_token_cap * 4 + (count + 1) * 8 +
           (size_t)ex->vocab_count * 24 + ex->lab_token_count * 4 + ex->desc_token_count * 4;
}

/* ---- extraction -------------------------------------------------------- */

typedef struct result {
    uint32_t concept;
    float confidence, best;
    uint8_t lang, literal;
    uint8_t other_lang; /* found only through a label of a language other than the one asked */
    uint32_t matched_start, matched_end; /* literal: byte range of the best match */
    uint32_t text_off, text_len;         /* fallback: joined tokens in x->text */
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

sm_extraction *sm_extraction_new(const sm_extractor *ex)
{
    sm_extraction *x = sm_calloc(1, sizeof *x);
    if (!x)
        return NULL;
    size_t count = sm_taxonomy_count(ex->tx) + 1, labs = ex->lab_count + 1,
           vocab = (size_t)ex->vocab_count + 1;
    x->ex = ex;
    x->md = pcre2_match_data_create_from_pattern(ex->re, NULL);
    x->concepts = sm_calloc(count, sizeof(concept_state));
    x->touched_concepts = sm_calloc(count, sizeof(uint32_t));
    x->labs = sm_calloc(labs, sizeof(lab_state));
    x->touched_labs = sm_calloc(labs, sizeof(uint32_t));
    x->token_stamp = sm_calloc(vocab, sizeof(uint32_t));
    x->token_weight = sm_calloc(vocab, sizeof(float));
    if (!x->md || !x->concepts || !x->touched_concepts || !x->labs || !x->touched_labs ||
        !x->token_stamp || !x->token_weight) {
        sm_extraction_free(x);
        return NULL;
    }
    return x;
}

void sm_extraction_free(sm_extraction *x)
{
    if (!x)
        return;
    pcre2_match_data_free(x->md);
    sm_free(x->toks);
    sm_free(x->ids);
    sm_free(x->cands);
    sm_free(x->taken);
    sm_free(x->results);
    sm_free(x->span_recs);
    sm_free(x->spans);
    sm_free(x->text);
    sm_free(x->out);
    sm_free(x->concepts);
    sm_free(x->touched_concepts);
    sm_free(x->labs);
    sm_free(x->touched_labs);
    sm_free(x->token_stamp);
    sm_free(x->token_weight);
    sm_free(x);
}

static void next_epoch(sm_extraction *x)
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

static int add_span(sm_extraction *x, uint32_t result_index, uint32_t start, uint32_t end)
{
    if (sm_grow((void **)&x->span_recs, &x->span_rec_cap, x->span_rec_count + 1,
                sizeof(span_rec)) != SM_OK)
        return SM_ENOMEM;
    span_rec *r = &x->span_recs[x->span_rec_count++];
    r->result = result_index;
    r->span.start = start;
    r->span.end = end;
    return SM_OK;
}

/* concept's scratch state, reset on first use in this call. */
static concept_state *state_of(sm_extraction *x, uint32_t concept)
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

/* The result slot of concept, made on first use this call; NULL when out of memory. */
static result *slot_for(sm_extraction *x, uint32_t concept, uint32_t *index)
{
    concept_state *st = state_of(x, concept);
    if (st->slot != UINT32_MAX) {
        *index = st->slot;
        return &x->results[*index];
    }
    if (sm_grow((void **)&x->results, &x->result_cap, x->result_count + 1, sizeof(result)) != SM_OK)
        return NULL;
    *index = (uint32_t)x->result_count;
    st->slot = *index;
    result *r = &x->results[x->result_count++];
    memset(r, 0, sizeof *r);
    r->concept = concept;
    return r;
}

static int cmp_candidate(const void *pa, const void *pb)
{
    const candidate *a = pa, *b = pb;
    uint32_t la = a->end - a->start, lb = b->end - b->start;
    if (la != lb)
        return la > lb ? -1 : 1;
    return a->start < b->start ? -1 : a->start > b->start;
}

static float kind_factor(uint8_t kind)
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
static int weak_token(const sm_extraction *x, size_t i)
{
    const tok *t = &x->toks[i];
    size_t len = t->end - t->start, digits = 0;
    for (size_t k = 0; k < len; k++)
        digits += x->input[t->start + k] >= '0' && x->input[t->start + k] <= '9';
    return digits == len || len <= 2;
}

static int acronym(const sm_extraction *x, size_t i)
{
    const tok *t = &x->toks[i];
    size_t len = t->end - t->start;
    for (size_t k = 0; k < len; k++)
        if (x->input[t->start + k] < 'A' || x->input[t->start + k] > 'Z')
            return 0;
    return len >= 2;
}

/*
 * The longest-match scan over labels of lang_mask. A second pass (other set) scans the tokens
 * the first left, with the other languages' labels: what it adds is marked other_lang, a
 * little less confident.
 */
static int literal_matches(sm_extraction *x, size_t n, unsigned lang_mask, int other)
{
    const sm_extractor *ex = x->ex;
    size_t cand_count = 0, before = x->result_count;
    for (size_t i = 0; i < n; i++) {
        if (x->ids[i] == UNKNOWN_TOKEN)
            continue;
        uint32_t best_phrase = UINT32_MAX;
        size_t best_end = 0;
        for (size_t j = i; j < n && j - i < MAX_PHRASE; j++) {
            uint32_t value;
            if (x->ids[j] == UNKNOWN_TOKEN ||
                !sm_strmap_get(ex->phrases, x->ids + i, (j - i + 1) * sizeof(uint32_t), &value))
                break;
            if (value != PREFIX_ONLY) {
                best_phrase = value;
                best_end = j + 1;
            }
        }
        if (best_phrase == UINT32_MAX)
            continue;
        /* A label made only of weak tokens: an acronym alone at most. */
        int strong = 0;
        for (size_t k = i; k < best_end && !strong; k++)
            strong = !weak_token(x, k);
        if (!strong && !(best_end == i + 1 && acronym(x, i)))
            continue;
        if (sm_grow((void **)&x->cands, &x->cand_cap, cand_count + 1, sizeof(candidate)) != SM_OK)
            return SM_ENOMEM;
        candidate *c = &x->cands[cand_count++];
        c->start = (uint32_t)i;
        c->end = (uint32_t)best_end;
        c->phrase = best_phrase;
    }
    if (cand_count)
        qsort(x->cands, cand_count, sizeof(candidate), cmp_candidate);
    if (n && !other)
        memset(x->taken, 0, n);
    for (size_t k = 0; k < cand_count; k++) {
        candidate *c = &x->cands[k];
        int overlaps = 0;
        for (uint32_t t = c->start; t < c->end && !overlaps; t++)
            overlaps = x->taken[t];
        if (overlaps)
            continue;
        /* How many concepts share this label in the wanted languages. */
        unsigned ambiguity = 0;
        uint32_t len = c->end - c->start;
        uint64_t text_exact = exact_hash(x->toks + c->start, len);
        for (uint32_t e = ex->phrase_head[c->phrase]; e != UINT32_MAX; e = ex->entries[e].next)
            ambiguity += ((lang_mask >> ex->entries[e].lang) & 1) &&
                         (!ex->entries[e].short_acronym || ex->entries[e].exact == text_exact);
        if (ambiguity == 0)
            continue;
        memset(x->taken + c->start, 1, c->end - c->start);
        float generic = 1.0f;
        if (len == 1)
            generic =
                1.0f / (1.0f + 0.25f * log2f(1.0f + (float)ex->label_df[x->ids[c->start]] / 4.0f));
        float ambiguous = 1.0f / (1.0f + 0.15f * (float)(ambiguity - 1));
        if (ambiguous < 0.5f)
            ambiguous = 0.5f;
        uint32_t start = x->toks[c->start].start, end = x->toks[c->end - 1].end;
        for (uint32_t e = ex->phrase_head[c->phrase]; e != UINT32_MAX; e = ex->entries[e].next) {
            const entry *en = &ex->entries[e];
            if (!((lang_mask >> en->lang) & 1) || (en->short_acronym && en->exact != text_exact))
                continue;
            float conf = kind_factor(en->kind) * generic * ambiguous *
                         (en->exact == text_exact ? 1.0f : 0.93f) * (other ? 0.85f : 1.0f);
            uint32_t index;
            result *r = slot_for(x, en->concept, &index);
            if (!r)
                return SM_ENOMEM;
            if (index >= before)
                r->other_lang = (uint8_t)other;
            if (conf > r->best) {
                r->best = conf;
                r->lang = en->lang;
                r->matched_start = start;
                r->matched_end = end;
            }
            r->literal = 1;
            r->confidence = 1.0f - (1.0f - r->confidence) * (1.0f - conf);
            if (add_span(x, index, start, end) != SM_OK)
                return SM_ENOMEM;
        }
    }
    for (size_t i = 0; i < x->result_count; i++) {
        result *r = &x->results[i];
        /* Repetition raises confidence a little, never above the best match by much. */
        float cap = r->best + 0.04f;
        if (r->confidence > cap)
            r->confidence = cap;
        if (r->confidence > 0.99f)
            r->confidence = 0.99f;
    }
    return SM_OK;
}

static int append_text(sm_extraction *x, const char *s, size_t len)
{
    if (sm_grow((void **)&x->text, &x->text_cap, x->text_len + len + 1, 1) != SM_OK)
        return SM_ENOMEM;
    memcpy(x->text + x->text_len, s, len);
    x->text_len += len;
    return SM_OK;
}

static int lab_has(const sm_extractor *ex, const lab *l, uint32_t token)
{
    for (uint32_t k = 0; k < l->count; k++)
        if (ex->lab_tokens[l->first + k] == token)
            return 1;
    return 0;
}

static int desc_has(const sm_extractor *ex, uint32_t concept, uint32_t token)
{
    const uint32_t *list = ex->desc_tokens + ex->desc_offsets[concept];
    size_t lo = 0, hi = ex->desc_offsets[concept + 1] - ex->desc_offsets[concept];
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (list[mid] < token)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < ex->desc_offsets[concept + 1] - ex->desc_offsets[concept] && list[lo] == token;
}

typedef struct scored {
    uint32_t concept;
    float score;
} scored;

static int scored_less(const scored *a, const scored *b)
{
    if (a->score != b->score)
        return a->score < b->score;
    return a->concept > b->concept;
}

static void heap_insert(scored *heap, size_t *count, size_t cap, scored item)
{
    if (*count == cap) {
        if (!scored_less(&heap[0], &item))
            return;
        heap[0] = item;
        size_t i = 0;
        for (;;) {
            size_t l = 2 * i + 1, r = l + 1, m = i;
            if (l < cap && scored_less(&heap[l], &heap[m]))
                m = l;
            if (r < cap && scored_less(&heap[r], &heap[m]))
                m = r;
            if (m == i)
                break;
            scored t = heap[i];
            heap[i] = heap[m];
            heap[m] = t;
            i = m;
        }
        return;
    }
    size_t i = (*count)++;
    heap[i] = item;
    while (i && scored_less(&heap[i], &heap[(i - 1) / 2])) {
        scored t = heap[i];
        heap[i] = heap[(i - 1) / 2];
        heap[(i - 1) / 2] = t;
        i = (i - 1) / 2;
    }
}

static int fallback(sm_extraction *x, size_t n, unsigned lang_mask, size_t wanted)
{
    const sm_extractor *ex = x->ex;
    /* Distinct known tokens, half weight where a literal match already used them. */
    size_t distinct = 0;
    double query_desc = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t t = x->ids[i];
        if (t == UNKNOWN_TOKEN || weak_token(x, i)) /* a number or a letter is no evidence */
            continue;
        float w = x->taken[i] ? 0.5f : 1.0f;
        if (x->token_stamp[t] != x->epoch) {
            x->token_stamp[t] = x->epoch;
            x->token_weight[t] = w;
            x->ids[distinct++] = t; /* ids[] is not needed any more: reuse it */
            if (ex->desc_df[t] <= MAX_DESC_DF)
                query_desc += (double)ex->desc_idf[t] * ex->desc_idf[t];
        } else if (w > x->token_weight[t])
            x->token_weight[t] = w;
    }
    /* Keep the rarest tokens (highest label idf) when there are too many. */
    if (distinct > MAX_EVIDENCE_TOKENS) {
        for (size_t i = 0; i < MAX_EVIDENCE_TOKENS; i++) {
            size_t best = i;
            for (size_t k = i + 1; k < distinct; k++)
                if (ex->idf[x->ids[k]] > ex->idf[x->ids[best]])
                    best = k;
            uint32_t t = x->ids[i];
            x->ids[i] = x->ids[best];
            x->ids[best] = t;
        }
        distinct = MAX_EVIDENCE_TOKENS;
        query_desc = 0;
        for (size_t i = 0; i < distinct; i++)
            if (ex->desc_df[x->ids[i]] <= MAX_DESC_DF)
                query_desc += (double)ex->desc_idf[x->ids[i]] * ex->desc_idf[x->ids[i]];
    }
    size_t touched_labs = 0, touched_concepts = 0;
    for (size_t i = 0; i < distinct; i++) {
        uint32_t t = x->ids[i];
        float w = x->token_weight[t];
        if (ex->label_df[t] <= MAX_LABEL_DF) {
            const csr *p = &ex->token_labs;
            for (uint32_t k = p->offsets[t]; k < p->offsets[t + 1]; k++) {
                lab_state *ls = &x->labs[p->items[k]];
                if (ls->stamp != x->epoch) {
                    ls->stamp = x->epoch;
                    ls->acc = 0;
                    x->touched_labs[touched_labs++] = p->items[k];
                }
                ls->acc += p->weights[k] * w;
            }
        }
        if (ex->desc_df[t] <= MAX_DESC_DF) {
            const csr *p = &ex->token_descs;
            for (uint32_t k = p->offsets[t]; k < p->offsets[t + 1]; k++) {
                /* Zero weights would let a concept be listed twice as touched. */
                if (p->weights[k] <= 0)
                    continue;
                concept_state *st = state_of(x, p->items[k]);
                if (st->desc == 0 && st->label == 0)
                    x->touched_concepts[touched_concepts++] = p->items[k];
                st->desc += p->weights[k] * w;
            }
        }
    }
    for (size_t i = 0; i < touched_labs; i++) {
        uint32_t l = x->touched_labs[i];
        /* A label less than a quarter covered cannot reach the results: skip it
         * before reading the label table. */
        float acc = x->labs[l].acc;
        if (acc < 0.25f)
            continue;
        const lab *lb = &ex->labs[l];
        if (!((lang_mask >> lb->lang) & 1))
            continue;
        float cov = acc * (lb->kind == SM_LABEL_HIDDEN ? 0.85f : 1.0f);
        concept_state *st = state_of(x, lb->concept);
        if (st->label == 0 && st->desc == 0)
        x->touched_concepts[touched_concepts++] = lb->concept;
        if (cov > st->label) {
            st->label = cov;
            st->lab = l;
        }
    }
    if (wanted == 0 || touched_concepts == 0)
        return SM_OK;
    scored *heap = sm_malloc(wanted * sizeof *heap);
    if (!heap)
        return SM_ENOMEM;
    size_t heap_count = 0;
    double query_norm = query_desc > 0 ? 1.0 / sqrt(query_desc) : 0;
    for (size_t i = 0; i < touched_concepts; i++) {
        uint32_t c = x->touched_concepts[i];
        const concept_state *st = &x->concepts[c];
        if (st->slot != UINT32_MAX)
            continue; /* already found literally */
        float desc = (float)(st->desc * query_norm);
        if (desc > 1)
            desc = 1;
        float label = st->label > 1 ? 1 : st->label;
        scored sc = {c, 0.7f * label * label + 0.3f * desc};
        if (sc.score > 0.02f)
            heap_insert(heap, &heap_count, wanted, sc);
    }
    int rc = SM_OK;
    for (size_t i = 0; i < heap_count && rc == SM_OK; i++) {
        uint32_t c = heap[i].concept, index;
        result *r = slot_for(x, c, &index);
        if (!r) {
            rc = SM_ENOMEM;
            break;
        }
        r->confidence = r->best = 0.5f * heap[i].score;
        uint32_t l = x->concepts[c].lab;
        r->lang = l != UINT32_MAX ? ex->labs[l].lang : (lang_mask & SM_LANG_MASK_EN ? 0 : 1);
        r->text_off = (uint32_t)x->text_len;
        size_t spans = 0;
        for (size_t t = 0; t < n && spans < MAX_FALLBACK_SPANS && rc == SM_OK; t++) {
            uint32_t id = x->toks[t].id;
            if (id == UNKNOWN_TOKEN)
                continue;
            int hit = l != UINT32_MAX ? lab_has(ex, &ex->labs[l], id) : desc_has(ex, c, id);
            if (!hit)
                continue;
            if (spans && (rc = append_text(x, " ", 1)) != SM_OK)
                break;
            rc = append_text(x, x->input + x->toks[t].start, x->toks[t].end - x->toks[t].start);
            if (rc == SM_OK)
                rc = add_span(x, index, x->toks[t].start, x->toks[t].end);
            spans++;
        }
        r->text_len = (uint32_t)(x->text_len - r->text_off);
    }
    sm_free(heap);
    return rc;
}

static int cmp_result(const void *pa, const void *pb)
{
    const result *a = pa, *b = pb;
    if (a->confidence != b->confidence)
        return a->confidence > b->confidence ? -1 : 1;
    if (a->literal != b->literal)
        return a->literal ? -1 : 1;
    return a->concept < b->concept ? -1 : a->concept > b->concept;
}

static int cmp_span_rec(const void *pa, const void *pb)
{
    const span_rec *a = pa, *b = pb;
    if (a->result != b->result)
        return a->result < b->result ? -1 : 1;
    if (a->span.start != b->span.start)
        return a->span.start < b->span.start ? -1 : 1;
    return a->span.end < b->span.end ? -1 : a->span.end > b->span.end;
}

static int extract(sm_extraction *x, const char *text, size_t len, unsigned lang_mask,
                   unsigned other_mask, size_t limit);

int sm_extract(sm_extraction *x, const char *text, size_t len, unsigned lang_mask, size_t limit)
{
    lang_mask &= SM_LANG_MASK_ALL;
    return extract(x, text, len, lang_mask ? lang_mask : SM_LANG_MASK_ALL, 0, limit);
}

int sm_extract_in(sm_extraction *x, const char *text, size_t len, sm_lang lang, int other_langs,
                  size_t limit)
{
    unsigned mask = 1u << lang;
    return extract(x, text, len, mask, other_langs ? SM_LANG_MASK_ALL & ~mask : 0, limit);
}

static int extract(sm_extraction *x, const char *text, size_t len, unsigned lang_mask,
                   unsigned other_mask, size_t limit)
{
    const sm_extractor *ex = x->ex;
    x->result_count = x->span_rec_count = x->text_len = x->out_count = 0;
    x->error_offset = 0;
    x->input = text;
    if (limit < 1)
        limit = 1;
    if (limit > SM_EXTRACT_MAX_LIMIT)
        limit = SM_EXTRACT_MAX_LIMIT;
    if (len > UINT32_MAX)
        return SM_ETOOBIG;
    if (!sm_utf8_valid(text, len, &x->error_offset))
        return SM_EUTF8;
    next_epoch(x);

    size_t n = 0, pos = 0;
    for (;;) {
        if (sm_grow((void **)&x->toks, &x->tok_cap, n + 1, sizeof(tok)) != SM_OK)
            return SM_ENOMEM;
        uint32_t start, end;
        int rc = next_word(ex, x->md, text, len, &pos, &start, &end);
        if (rc < 0)
            return rc;
        if (rc == 0)
            break;
        char folded[MAX_TOKEN_BYTES + 8];
        size_t flen = fold_token(text + start, end - start, folded);
        if (flen == 0 || sm_strmap_get(ex->stop, folded, flen, NULL))
            continue;
        tok *t = &x->toks[n++];
        t->start = start;
        t->end = end;
        t->fold_hash = XXH3_64bits(folded, flen);
        flen = stem(folded, flen);
        if (!sm_strmap_get(ex->vocab, folded, flen, &t->id))
            t->id = UNKNOWN_TOKEN;
    }
    if (sm_grow((void **)&x->ids, &x->ids_cap, n + 1, sizeof(uint32_t)) != SM_OK ||
        sm_grow((void **)&x->taken, &x->taken_cap, n + 1, 1) != SM_OK)
        return SM_ENOMEM;
    for (size_t i = 0; i < n; i++)
        x->ids[i] = x->toks[i].id;

    int rc = literal_matches(x, n, lang_mask, 0);
    if (rc == SM_OK && other_mask)
        rc = literal_matches(x, n, other_mask, 1);
    if (rc != SM_OK)
        return rc;
    size_t literal = x->result_count;
    if (literal < limit && (rc = fallback(x, n, lang_mask, limit - literal)) != SM_OK)
        return rc;

    /* Rank, gather each result's spans, and expose the first `limit`. */
    if (x->span_rec_count)
        qsort(x->span_recs, x->span_rec_count, sizeof(span_rec), cmp_span_rec);
    if (sm_grow((void **)&x->spans, &x->span_cap, x->span_rec_count + 1, sizeof(sm_span)) != SM_OK)
        return SM_ENOMEM;
    size_t kept = 0;
    for (size_t i = 0; i < x->span_rec_count; i++) {
        const span_rec *r = &x->span_recs[i];
        if (kept && x->span_recs[kept - 1].result == r->result &&
            x->span_recs[kept - 1].span.start == r->span.start &&
            x->span_recs[kept - 1].span.end == r->span.end)
            continue;
        x->span_recs[kept++] = *r;
    }
    x->span_rec_count = kept;
    for (size_t i = 0; i < kept; i++)
        x->spans[i] = x->span_recs[i].span;
    /* first_span: where each result's spans start (span_recs sorted by result). */
    for (size_t i = 0; i < x->result_count; i++)
        x->results[i].first_span = UINT32_MAX;
    for (size_t i = kept; i-- > 0;)
        x->results[x->span_recs[i].result].first_span = (uint32_t)i;
    /* Count spans before sorting results: span records refer to the unsorted order. */
    for (size_t i = 0; i < x->result_count; i++) {
        result *r = &x->results[i];
        r->span_count = 0;
        if (r->first_span != UINT32_MAX)
            for (size_t k = r->first_span; k < kept && x->span_recs[k].result == i; k++)
                r->span_count++;
        if (!r->literal) {
            r->matched_start = r->text_off;
            r->matched_end = r->text_off + r->text_len;
        }
    }
    if (x->result_count)
        qsort(x->results, x->result_count, sizeof(result), cmp_result);
    size_t out_n = x->result_count < limit ? x->result_count : limit;
    if (sm_grow((void **)&x->out, &x->out_cap, out_n + 1, sizeof(sm_extracted)) != SM_OK)
        return SM_ENOMEM;
    for (size_t i = 0; i < out_n; i++) {
        const result *r = &x->results[i];
        sm_extracted *o = &x->out[i];
        o->concept = r->concept;
        o->confidence = r->confidence;
        o->lang = r->lang;
        o->literal = r->literal;
        o->other_lang = r->other_lang;
        const char *base = r->literal ? text : x->text;
        o->matched = base + r->matched_start;
        o->matched_len = r->matched_end - r->matched_start;
        o->spans = r->first_span == UINT32_MAX ? x->spans : x->spans + r->first_span;
        o->span_count = r->span_count;
    }
    x->out_count = out_n;
    return (int)out_n;
}

size_t sm_extraction_count(const sm_extraction *x)
{
    return x->out_count;
}

const sm_extracted *sm_extraction_get(const sm_extraction *x, size_t index)
{
    return index < x->out_count ? &x->out[index] : NULL;
}

size_t sm_extraction_error_offset(const sm_extraction *x)
{
    return x->error_offset;
}
