/*
 * extract.c: skill extraction from free text (see extract.h): the literal scan (at each word the
 * longest label wins), then lexical evidence (evidence.c) for what no label named, and the
 * results ranked; the per-call state is extraction.c's.
 */
#include "taxonomy/extract_internal.h"

static int cmp_candidate(const void *pa, const void *pb)
{
    const candidate *a = pa, *b = pb;
    uint32_t la = a->end - a->start, lb = b->end - b->start;
    if (la != lb)
        return la > lb ? -1 : 1;
    return a->start < b->start ? -1 : a->start > b->start;
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
            result *r = sm__slot_for(x, en->concept, &index);
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
            if (sm__add_span(x, index, start, end) != SM_OK)
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

    long words = sm__read_words(x, text, len);
    if (words < 0)
        return (int)words;
    size_t n = (size_t)words;
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
    if (literal < limit && (rc = sm__fallback(x, n, lang_mask, limit - literal)) != SM_OK)
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
