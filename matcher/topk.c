/*
 * topk.c: the kept results: the min-heap of the best k, the selection over the accumulators'
 * bands (highest first, stopping once no lower band can enter), and the result records with
 * their strings, lists and reasons.
 */
#include "matcher/internal.h"

/* Points res's lists at r's buffers (which must not move until the next fix-up). */
static void point_lists(const sm_match_reader *r, sm_match_result *res, const pending *pd)
{
    res->matched = r->items + pd->items;
    res->matched_count = pd->matched;
    res->missing = r->items + pd->items + pd->matched;
    res->missing_count = pd->missing;
    res->teaches = r->items + pd->items + pd->matched + pd->missing;
    res->teach_count = pd->teaches;
}

/* Appends a result for offer o and profile p (expanded in r) with its explanation. */
int sm__add_result(sm_match_reader *r, const offer_view *o, const profile_view *p, double score,
                   double factor, double km, const sm_match_options *opts, int candidate)
{
    if (sm_grow((void **)&r->results, &r->result_cap, r->result_count + 1,
                sizeof(sm_match_result)) != SM_OK ||
        sm_grow((void **)&r->pend, &r->pend_cap, r->result_count + 1, sizeof(pending)) != SM_OK)
        return SM_ENOMEM;
    sm_match_result *res = &r->results[r->result_count];
    pending *pd = &r->pend[r->result_count];
    memset(res, 0, sizeof *res);
    memset(pd, 0, sizeof *pd);
    scored s;
    int rc = sm__score_requirements(r, o, opts->disable, &s, pd);
    if (rc != SM_OK)
        return rc;
    pd->training = o->kind == SM_OFFER_TRAINING;
    res->score = score;
    res->skills = s.skills;
    res->essential_coverage = s.ess_cov;
    res->optional_coverage = s.opt_cov;
    res->depth = pd->training ? 1.0 : s.depth;
    res->skills_used = s.used;
    res->distance_factor = factor;
    res->distance_km = km;
    res->place = sm__place_of(o, p, km);
    point_lists(r, res, pd);
    res->fit = sm__explain_fit(res, pd->training);
    sm_reason reasons[SM__MAX_REASONS];
    size_t nr = sm__explain_reasons(res, pd->training, reasons);
    char sentence[1024];
    sm__explain_sentence(r->m->tx, reasons, nr, candidate, opts->lang, sentence, sizeof sentence);
    const char *id = candidate ? p->id : o->id;
    pd->id = sm__add_text(r, id, strlen(id));
    pd->title = o->title ? sm__add_text(r, o->title, strlen(o->title)) : SIZE_MAX - 1;
    pd->justification = sm__add_text(r, sentence, strlen(sentence));
    if (pd->id == SIZE_MAX || pd->title == SIZE_MAX || pd->justification == SIZE_MAX)
        return SM_ENOMEM;
    r->result_count++;
    return SM_OK;
}

/* Points results at their strings, lists and reasons once the buffers stop moving. */
int sm__fix_up(sm_match_reader *r)
{
    if (r->result_count && sm_grow((void **)&r->reasons, &r->reason_cap,
                                   r->result_count * SM__MAX_REASONS, sizeof(sm_reason)) != SM_OK)
        return SM_ENOMEM;
    for (size_t i = 0; i < r->result_count; i++) {
        sm_match_result *res = &r->results[i];
        pending *pd = &r->pend[i];
        res->id = r->text + pd->id;
        res->title = pd->title == SIZE_MAX - 1 ? NULL : r->text + pd->title;
        res->justification = r->text + pd->justification;
        point_lists(r, res, pd);
        res->reasons = r->reasons + i * SM__MAX_REASONS;
        res->reason_count =
            pd->bare ? 0 : sm__explain_reasons(res, pd->training, r->reasons + i * SM__MAX_REASONS);
    }
    return SM_OK;
}

void sm__reset_results(sm_match_reader *r)
{
    r->result_count = r->item_count = r->text_len = 0;
    r->heap_count = 0;
    r->hot_count = 0;
    memset(&r->stats, 0, sizeof r->stats);
}

/* Queries reuse the expansion scratch: a prepared profile does not survive them. */
void sm__forget_prepared(sm_match_reader *r)
{
    r->prepared = NULL;
}

/* Min-heap on (score, then later slot), so the root is the weakest kept result. */
static int hless(const hitem *a, const hitem *b)
{
    if (a->score != b->score)
        return a->score < b->score;
    return a->slot > b->slot;
}

int sm__heap_push(sm_match_reader *r, size_t k, double score, uint32_t slot)
{
    hitem it = {score, slot};
    if (r->heap_count < k) {
        if (sm_grow((void **)&r->heap, &r->heap_cap, r->heap_count + 1, sizeof(hitem)) != SM_OK)
            return SM_ENOMEM;
        size_t i = r->heap_count++;
        r->heap[i] = it;
        while (i && hless(&r->heap[i], &r->heap[(i - 1) / 2])) {
            hitem t = r->heap[i];
            r->heap[i] = r->heap[(i - 1) / 2];
            r->heap[(i - 1) / 2] = t;
            i = (i - 1) / 2;
        }
        return SM_OK;
    }
    if (!hless(&r->heap[0], &it))
        return SM_OK;
    r->heap[0] = it;
    size_t i = 0;
    for (;;) {
        size_t l = 2 * i + 1, rr = l + 1, s = i;
        if (l < k && hless(&r->heap[l], &r->heap[s]))
            s = l;
        if (rr < k && hless(&r->heap[rr], &r->heap[s]))
            s = rr;
        if (s == i)
            break;
        hitem t = r->heap[i];
        r->heap[i] = r->heap[s];
        r->heap[s] = t;
        i = s;
    }
    return SM_OK;
}

/* Whether a candidate with this upper bound could still enter the heap. */
int sm__could_enter(const sm_match_reader *r, size_t k, double bound, uint32_t slot)
{
    if (r->heap_count < k)
        return 1;
    hitem it = {bound, slot};
    return hless(&r->heap[0], &it);
}

static int cmp_hitem_desc(const void *a, const void *b)
{
    return hless(b, a) ? -1 : hless(a, b) ? 1 : 0;
}

/* Orders the kept results best first (when the query has not failed). */
void sm__sort_heap(sm_match_reader *r, int rc)
{
    if (rc == SM_OK && r->heap_count > 1)
        qsort(r->heap, r->heap_count, sizeof(hitem), cmp_hitem_desc);
}

/* Ends a query begun with sm_epoch_enter: the result count, or rc with err set. */
int sm__finish_query(sm_match_reader *r, int rc, sm_error *err)
{
    sm_epoch_leave(r->er);
    if (rc == SM_OK)
        rc = sm__fix_up(r);
    if (rc != SM_OK) {
        sm__reset_results(r);
        return sm_error_set(err, rc, "%s", sm_strerror(rc));
    }
    return (int)r->result_count;
}

#if SM_ACC_WIDE
/* next_stamped() sixteen accumulators at a time: the first stamped slot, or where fewer than
 * sixteen are left. */
__attribute__((target("avx512f"))) static uint32_t
next_stamped_wide(const uint32_t *acc, uint32_t slot, uint32_t count, uint32_t stamp)
{
    const __m512i v_stamp = _mm512_set1_epi32((int)stamp), v_high = _mm512_set1_epi32(~ACC_MAX);
    for (; slot + 16 <= count; slot += 16) {
        __mmask16 hit = _mm512_cmpeq_epi32_mask(
            _mm512_and_si512(_mm512_loadu_si512(acc + slot), v_high), v_stamp);
        if (hit)
            return slot + (uint32_t)__builtin_ctz(hit);
    }
    return slot;
}
#endif

/* The first slot from slot on whose accumulator this query wrote (its stamp), or count. */
static uint32_t next_stamped(const sm_match_reader *r, uint32_t slot, uint32_t count,
                             uint32_t stamp)
{
#if SM_ACC_WIDE
    if (r->m->wide)
        slot = next_stamped_wide(r->acc, slot, count, stamp);
#endif
    for (; slot < count && (r->acc[slot] & ~ACC_MAX) != stamp; slot++)
        ;
    return slot;
}

int sm__select_topk(sm_match_reader *r, size_t k, const topk_calls *calls, void *ctx)
{
    /* One pass finds each listed slot's band, a second moves the slots band by band, the highest
     * first: place p holds band BANDS - p, and band 0 (below HOT_FLOOR, never considered here)
     * comes last. */
    uint32_t *hot = r->hot, *sorted = r->band_slots;
    double *hb = r->hot_bound, *sorted_hb = r->band_bounds;
    uint8_t *place = r->band_place;
    size_t n = r->hot_count;
    uint32_t start[BANDS + 2] = {0};
    for (size_t i = 0; i < n; i++) {
        hb[i] = acc_bound(r, hot[i]);
        place[i] = (uint8_t)(BANDS - band_index((float)hb[i]));
        start[place[i] + 1]++;
    }
    for (size_t p = 0; p <= BANDS; p++)
        start[p + 1] += start[p];
    uint32_t fill[BANDS + 1];
    memcpy(fill, start, sizeof fill);
    for (size_t i = 0; i < n; i++) {
        sorted[fill[place[i]]] = hot[i];
        sorted_hb[fill[place[i]]++] = hb[i];
    }
    /* One walk down the bands, so that fetching ahead runs across their borders. */
    float done_above = INFINITY; /* every slot whose float bound reaches this was considered */
    size_t end = start[BANDS];   /* the end of band 1 */
    uint32_t p = 0;
    /* place[] is free now: it holds each slot's screen, taken 16 ahead (the heap's floor only
     * rises, so a slot screened out then stays out). */
    uint8_t *pass = place;
    for (size_t i = 0; i < end && i < 16; i++)
        pass[i] = !calls->screen || calls->screen(ctx, sorted[i], sorted_hb[i]);
    for (size_t i = 0;; i++) {
        /* At the end of a band (or of several, empty): stop once no slot below can enter. */
        for (; p < BANDS && i == start[p + 1]; p++) {
            done_above = band_floor(BANDS - p);
            if (r->heap_count == k && r->heap[0].score >= done_above)
                return SM_OK;
        }
        if (i >= end)
            break;
        /* When many slots tie on skills, filters and distance decide: their records are
         * misses, fetched ahead in three steps (what screens them, then where a record is and
         * its meta, then the record), for the slots that can still enter. */
        if (i + 24 < end)
            calls->prefetch(ctx, sorted[i + 24], 0);
        if (i + 16 < end) {
            size_t j = i + 16;
            pass[j] = sm__could_enter(r, k, sorted_hb[j], sorted[j]) &&
                      (!calls->screen || calls->screen(ctx, sorted[j], sorted_hb[j]));
            if (pass[j])
                calls->prefetch(ctx, sorted[j], 1);
        }
        if (i + 8 < end && pass[i + 8] && sm__could_enter(r, k, sorted_hb[i + 8], sorted[i + 8]))
            calls->prefetch(ctx, sorted[i + 8], 2);
        double bound = sorted_hb[i];
        int rc = pass[i] && sm__could_enter(r, k, bound, sorted[i])
                     ? calls->consider(ctx, sorted[i], bound)
                     : SM_OK;
        if (rc != SM_OK)
            return rc;
    }
    /* Rarely (the k-th score ends below the lowest band): every accumulator, in order. */
    uint32_t stamp = r->epoch << STAMP_SHIFT, count = (uint32_t)r->acc_count;
    r->stats.full_scan = 1;
    for (uint32_t slot = 0; (slot = next_stamped(r, slot, count, stamp)) < count; slot++) {
        double bound = acc_bound(r, slot);
        int rc = (float)bound < done_above && sm__could_enter(r, k, bound, slot)
                     ? calls->consider(ctx, slot, bound)
                     : SM_OK;
        if (rc != SM_OK)
            return rc;
    }
    return SM_OK;
}
