/*
 * dictionary.c: the extractor's label dictionary, built once from the taxonomy (sm_extractor_new).
 *
 * Invariants: every label of a skill concept is a sequence of at most MAX_PHRASE token ids;
 * `phrases` maps each such sequence to a phrase index, and each proper prefix of one to
 * PREFIX_ONLY (unless it is itself a phrase), so the scan can stop as soon as a sequence is no
 * prefix of any label. A phrase's entries (concept, language, label kind) form a chain through
 * `entries`. For lexical evidence, `labs` lists every label with its distinct tokens, and two
 * inverted indexes map tokens to labels and to the concepts whose descriptions contain them.
 */
#include "taxonomy/extract_internal.h"

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
    long n = sm__tokenize(ex, md, label.text, len, 0, toks, MAX_LABEL_TOKENS);
    if (n == 0)
        n = sm__tokenize(ex, md, label.text, len, 1, toks, MAX_LABEL_TOKENS);
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
                flen += sm__fold_token(label.text + toks[k].start, toks[k].end - toks[k].start,
                                       folded + flen);
            jt[m].fold_hash = XXH3_64bits(folded, flen);
            flen = sm__stem(folded, flen);
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
        size_t flen =
            sm__fold_token(label.text + toks[0].start, toks[0].end - toks[0].start, folded);
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
    long n = sm__tokenize(ex, md, text, strlen(text), 0, scratch, cap);
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
