/*
 * extraction.c: the per-call state of extraction (sm_extraction): its scratch, stamped with an
 * epoch so nothing is cleared between calls, and the results as they are found (one per
 * concept, with their spans and matched text), read back with sm_extraction_get.
 */
#include "taxonomy/extract_internal.h"

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

int sm__add_span(sm_extraction *x, uint32_t result_index, uint32_t start, uint32_t end)
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

/* The result slot of concept, made on first use this call; NULL when out of memory. */
result *sm__slot_for(sm_extraction *x, uint32_t concept, uint32_t *index)
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

int sm__append_text(sm_extraction *x, const char *s, size_t len)
{
    if (sm_grow((void **)&x->text, &x->text_cap, x->text_len + len + 1, 1) != SM_OK)
        return SM_ENOMEM;
    memcpy(x->text + x->text_len, s, len);
    x->text_len += len;
    return SM_OK;
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
