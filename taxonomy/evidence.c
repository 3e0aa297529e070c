/*
 * evidence.c: lexical evidence, the extractor's sm__fallback: concepts whose labels and
 * descriptions share the text's words (weighted by how rare each word is), kept in a small heap,
 * each with the spans of the words that voted; confidence at most 0.5.
 */
#include "taxonomy/base/heap.h"
#include "taxonomy/extract_internal.h"

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

static inline int scored_before(void *ctx, const scored *a, const scored *b)
{
    (void)ctx;
    return scored_less(a, b);
}

/* The best candidates, kept in a min-heap: the weakest at the root. */
SM_HEAP_DEFINE(scored_heap, scored, void *, scored_before)

int sm__fallback(sm_extraction *x, size_t n, unsigned lang_mask, size_t wanted)
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
            scored_heap_offer(NULL, heap, &heap_count, wanted, sc);
    }
    int rc = SM_OK;
    for (size_t i = 0; i < heap_count && rc == SM_OK; i++) {
        uint32_t c = heap[i].concept, index;
        result *r = sm__slot_for(x, c, &index);
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
            if (spans && (rc = sm__append_text(x, " ", 1)) != SM_OK)
                break;
            rc = sm__append_text(x, x->input + x->toks[t].start, x->toks[t].end - x->toks[t].start);
            if (rc == SM_OK)
                rc = sm__add_span(x, index, x->toks[t].start, x->toks[t].end);
            spans++;
        }
        r->text_len = (uint32_t)(x->text_len - r->text_off);
    }
    sm_free(heap);
    return rc;
}
