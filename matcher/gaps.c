/*
 * gaps.c: what a profile lacks for a target (sm_match_gaps) with the offers nearby that ask for
 * each skill, counts of offers above a threshold, and trainings by skill.
 */
#include "matcher/internal.h"

/* How many open job offers the profile can reach ask for skill: its postings in the cells
 * the radius reaches, each admitted as a query would (date, radius). Without a radius, the
 * count the writer keeps (offers not deleted, expired ones included). */
static uint32_t offers_asking(sm_match_reader *r, uint32_t skill, const profile_view *pv,
                              const cell_box *box, int32_t today)
{
    sm_matcher *m = r->m;
    if (box->cy1 == UINT32_MAX) {
        pthread_mutex_lock(&m->writer);
        uint32_t n = m->job_skill_postings[skill] - m->job_skill_dead[skill];
        pthread_mutex_unlock(&m->writer);
        return n;
    }
    uint32_t n = 0, count = atomic_load_explicit(&m->offers.count, memory_order_acquire);
    cell_iter it = cells_in(atomic_load_explicit(&m->job_cells[skill], memory_order_acquire), box);
    for (const cell_list *cl; (cl = cell_next(&it));)
        for (const block *b = atomic_load_explicit(&cl->list.head, memory_order_acquire); b;
             b = atomic_load_explicit(&b->next, memory_order_acquire)) {
            uint32_t items = atomic_load_explicit(&b->count, memory_order_acquire);
            for (uint32_t i = 0; i < items; i++) {
                double factor, km;
                uint32_t slot = b->items[i].slot;
                n += slot < count &&
                     admit_meta(meta_get(&m->offer_metas, slot), pv, today, &factor, &km);
            }
        }
    return n;
}

static int cmp_gap(const void *a, const void *b)
{
    const sm_gap *x = a, *y = b;
    if (x->essential != y->essential)
        return x->essential ? -1 : 1;
    if (x->offers_nearby != y->offers_nearby)
        return x->offers_nearby > y->offers_nearby ? -1 : 1;
    return (x->skill > y->skill) - (x->skill < y->skill);
}

int sm_match_gaps(sm_match_reader *r, const sm_profile *profile, const sm_requirement *target,
                  size_t target_count, int count_offers, sm_error *err)
{
    sm_matcher *m = r->m;
    sm__reset_results(r);
    sm__forget_prepared(r);
    r->gap_count = 0;
    int rc = sm__check_profile_maybe_empty(m, profile, err);
    if (rc != SM_OK)
        return rc;
    if (target_count > SM_MAX_TARGET)
        return sm_error_field(err, SM_EINVAL, "target", "more than %d skills", SM_MAX_TARGET);
    char f[64];
    for (size_t i = 0; i < target_count; i++)
        if (!is_skill(m, target[i].skill) || target[i].level > SM_MAX_LEVEL)
            return sm_error_field(err, SM_EINVAL, item_field(f, sizeof f, "target", i, ""),
                                  "not a skill concept, or level beyond 8");
    if ((rc = sm__expand_profile(r, profile->skills, profile->skill_count, 0)) != SM_OK ||
        sm_grow((void **)&r->gaps, &r->gap_cap, target_count + 1, sizeof *r->gaps) != SM_OK)
        return sm_error_set(err, SM_ENOMEM, "out of memory");
    profile_view pv = view_of_profile(profile, NULL);
    cell_box box = radius_box(pv.has_location, pv.lat, pv.lon, pv.radius_km);
    int32_t today = sm_today();
    sm_epoch_enter(m->epoch, r->er);
    for (size_t i = 0; i < target_count; i++) {
        sm_requirement q = target[i];
        int seen = 0;
        for (size_t j = 0; j < i && !seen; j++)
            seen = target[j].skill == q.skill;
        if (seen)
            continue;
        for (size_t j = i + 1; j < target_count; j++)
            if (target[j].skill == q.skill) {
                q.level = target[j].level > q.level ? target[j].level : q.level;
                q.essential |= target[j].essential;
            }
        /* The one definition (sm__requirement_status): met requirements are no gap. */
        const cand *why;
        uint8_t status = sm__requirement_status(r, q.skill, q.level, &why);
        if (status == SM_REQ_MET)
            continue;
        sm_gap *g = &r->gaps[r->gap_count++];
        g->skill = q.skill;
        g->essential = q.essential != 0;
        g->required_level = q.level;
        g->status = status;
        g->under_level = status == SM_REQ_UNDER_LEVEL;
        g->profile_level = status == SM_REQ_UNDER_LEVEL ? why->level : 0;
        g->closest = why ? why->via : SM_NO_CONCEPT;
        g->similarity = why ? why->sim : 0;
        g->offers_nearby = count_offers ? offers_asking(r, q.skill, &pv, &box, today) : 0;
    }
    sm_epoch_leave(r->er);
    qsort(r->gaps, r->gap_count, sizeof *r->gaps, cmp_gap);
    return (int)r->gap_count;
}

const sm_gap *sm_match_gap_get(const sm_match_reader *r, size_t index)
{
    return index < r->gap_count ? &r->gaps[index] : NULL;
}

int sm_match_count_above(sm_match_reader *r, const sm_profile *profile,
                         const sm_match_options *opts, double threshold, size_t *count,
                         sm_error *err)
{
    sm_matcher *m = r->m;
    sm__reset_results(r);
    sm__forget_prepared(r);
    *count = 0;
    int rc = sm__check_profile(m, profile, err);
    if (rc != SM_OK)
        return rc;
    if (!(threshold > 0 && threshold <= 1))
        return sm_error_field(err, SM_EINVAL, "threshold", "must be in (0, 1]");
    size_t k = clamp_limit(opts->limit);
    int32_t today = opts->today ? opts->today : sm_today();
    profile_view pv = view_of_profile(profile, opts->filter);
    if ((rc = sm__expand_profile(r, profile->skills, profile->skill_count, 0)) != SM_OK)
        return sm_error_set(err, rc, "out of memory");
    sm_epoch_enter(m->epoch, r->er);
    cell_box box;
    rc = sm__accumulate_jobs(r, &pv, &box);
    /* Every slot whose bound reaches the threshold, scored exactly: those above HOT_FLOOR were
     * listed as they crossed it; a lower threshold reads every accumulator. */
    uint32_t stamp = r->epoch << STAMP_SHIFT;
    size_t n = threshold >= HOT_FLOOR ? r->hot_count : r->acc_count;
    for (size_t i = 0; i < n && rc == SM_OK; i++) {
        uint32_t slot = threshold >= HOT_FLOOR ? r->hot[i] : (uint32_t)i;
        if ((r->acc[slot] & ~ACC_MAX) != stamp || acc_bound(r, slot) < threshold - 1e-9)
            continue;
        double factor, km;
        if (!admit_meta(meta_get(&m->offer_metas, slot), &pv, today, &factor, &km))
            continue;
        const offer_rec *o = slot_get(&m->offers, slot);
        if (!o)
            continue;
        double score = sm__offer_skills(r, o) * factor;
        if (score >= threshold) {
            (*count)++;
            rc = sm__heap_push(r, k, score, slot);
        }
    }
    /* The kept offers, best first, with their ids, titles and scores only. */
    sm__sort_heap(r, rc);
    for (size_t i = 0; i < r->heap_count && rc == SM_OK; i++) {
        const offer_rec *o = slot_get(&m->offers, r->heap[i].slot);
        if (!o)
            continue;
        if (sm_grow((void **)&r->results, &r->result_cap, r->result_count + 1,
                    sizeof(sm_match_result)) != SM_OK ||
            sm_grow((void **)&r->pend, &r->pend_cap, r->result_count + 1, sizeof(pending)) !=
                SM_OK) {
            rc = SM_ENOMEM;
            break;
        }
        sm_match_result *res = &r->results[r->result_count];
        pending *pd = &r->pend[r->result_count];
        memset(res, 0, sizeof *res);
        memset(pd, 0, sizeof *pd);
        res->score = r->heap[i].score;
        res->distance_km = -1;
        pd->bare = 1;
        pd->id = sm__add_text(r, o->id, strlen(o->id));
        pd->title = o->title ? sm__add_text(r, o->title, strlen(o->title)) : SIZE_MAX - 1;
        pd->justification = sm__add_text(r, "", 0);
        pd->items = r->item_count;
        if (pd->id == SIZE_MAX || pd->title == SIZE_MAX || pd->justification == SIZE_MAX)
            rc = SM_ENOMEM;
        else
            r->result_count++;
    }
    return sm__finish_query(r, rc, err);
}

double sm_distance_km(double lat1, double lon1, double lat2, double lon2)
{
    return distance_km(lat1, lon1, lat2, lon2);
}

int sm_match_trainings_teaching(sm_match_reader *r, uint32_t skill,
                                int (*fn)(void *arg, const sm_training_view *t), void *arg)
{
    sm_matcher *m = r->m;
    if (skill >= m->skill_space)
        return 0;
    int stop = 0;
    sm_epoch_enter(m->epoch, r->er);
    for (const block *b =
             atomic_load_explicit(&m->training_lists[skill].head, memory_order_acquire);
         b && !stop; b = atomic_load_explicit(&b->next, memory_order_acquire)) {
        uint32_t items = atomic_load_explicit(&b->count, memory_order_acquire);
        for (uint32_t i = 0; i < items && !stop; i++) {
            const offer_rec *o = slot_get(&m->offers, b->items[i].slot);
            if (!o || o->kind != SM_OFFER_TRAINING)
                continue;
            sm_training_view v = {
                o->id,          o->title,          o->teaches,      o->reqs,    o->teach_count,
                o->req_count,   o->duration_hours, o->cost,         o->funding, o->start_dates,
                o->start_count, o->remote,         o->has_location, o->lat,     o->lon,
                o->valid_from,  o->valid_through};
            stop = fn(arg, &v);
        }
    }
    sm_epoch_leave(r->er);
    return stop;
}
