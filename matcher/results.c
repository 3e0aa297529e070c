/*
 * results.c: a query's results: the records of the kept offers or people with their strings,
 * lists and reasons (fixed up once the buffers stop moving), their order, and the query's end.
 * The heap that keeps the best k is internal.h's; the selection that feeds it is query.c's.
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
