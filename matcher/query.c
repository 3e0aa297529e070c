/*
 * query.c: the queries: jobs and trainings for a profile (sm_match_offers), candidates for an
 * offer, scoring one pair, and the record copies other modules read (requirements, profiles);
 * with the top-k selection over the accumulators' bands (highest first, stopping once no lower
 * band can enter), kept beside its callers so that its calls to them are direct.
 */
#include "matcher/internal.h"

/* Training offers: scanned, scored as reachability times what they add. */
static double training_score(sm_match_reader *r, const offer_view *o, unsigned disable)
{
    scored s;
    sm__score_requirements(r, o, disable, &s, NULL);
    double reach = o->req_count ? s.skills : 1.0;
    double gain = 0;
    for (size_t i = 0; i < o->teach_count; i++) {
        const cand *why;
        float have =
            sm__expanded_credit(r, o->teaches[i].skill, o->teaches[i].level, disable, &why);
        /* How close it is to what the person knows: a next step, not a leap. */
        float near = 0;
        if (r->xstamp[o->teaches[i].skill] == r->xepoch)
            for (uint32_t c = r->xfirst[o->teaches[i].skill]; c != UINT32_MAX; c = r->cands[c].next)
                if (r->cands[c].sim < 1.0f && r->cands[c].sim > near)
                    near = r->cands[c].sim;
        gain += (1.0 - have) * (0.5 + 0.5 * near);
    }
    return reach * (o->teach_count ? gain / (double)o->teach_count : 0);
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

/*
 * Top-k over the accumulated slots: consider(slot, bound) pushes the slot with
 * its exact score when it can still enter. Slots that crossed the highest
 * level come first; once the heap is full and its weakest score reaches a
 * level, every slot left has a smaller bound and is skipped unseen.
 * screen(slot, bound), when given, may say from compact per-slot state that a
 * slot cannot enter; prefetch(slot, step) fetches ahead, step 0 furthest.
 */
typedef struct topk_calls {
    int (*consider)(void *, uint32_t, double);
    int (*screen)(void *, uint32_t, double);
    void (*prefetch)(void *, uint32_t, int);
} topk_calls;

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

static int select_topk(sm_match_reader *r, size_t k, const topk_calls *calls, void *ctx)
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

/* What consider_offer / consider_candidate need: the query's profile, or its offer. */
typedef struct topk_ctx {
    sm_match_reader *r;
    const profile_view *pv;
    const offer_view *ov;
    int32_t today;
    size_t k;
    int located;  /* the profile has a location: screen_offer applies */
    double at[3]; /* its unit vector */
    double scale; /* the distance at which the penalty is whole */
} topk_ctx;

static topk_ctx offers_ctx(sm_match_reader *r, const profile_view *pv, int32_t today, size_t k)
{
    topk_ctx c = {r,         pv,
                  NULL,      today,
                  k,         pv->has_location,
                  {0, 0, 0}, pv->radius_km > 0 ? pv->radius_km : 50.0};
    if (c.located)
        unit_vector(pv->lat, pv->lon, c.at);
    return c;
}

static void prefetch_offer(void *arg, uint32_t slot, int step)
{
    topk_ctx *c = arg;
    if (step == 0) {
        __builtin_prefetch(point_get(&c->r->m->offer_points, slot));
    } else if (step == 1) {
        __builtin_prefetch(meta_get(&c->r->m->offer_metas, slot));
        __builtin_prefetch(slot_ref(&c->r->m->offers, slot));
    } else {
        __builtin_prefetch(slot_get(&c->r->m->offers, slot));
    }
}

/*
 * Whether an on-site offer could still enter, as far as its distance says (admit's radius
 * and penalty): the great-circle distance is at least the chord times the Earth's radius,
 * and the chord between the rounded points is shortened by their rounding, so the distance
 * used here is never more than admit's and the factor never less.
 */
static int screen_offer(void *arg, uint32_t slot, double bound)
{
    topk_ctx *c = arg;
    const slot_point *pt = point_get(&c->r->m->offer_points, slot);
    if (!c->located || !pt || !pt->on_site)
        return 1;
    double dx = pt->x / POINT_UNIT - c->at[0], dy = pt->y / POINT_UNIT - c->at[1],
           dz = pt->z / POINT_UNIT - c->at[2];
    double near_km = (sqrt(dx * dx + dy * dy + dz * dz) - POINT_SLACK) * EARTH_KM;
    if (near_km <= 0)
        return 1;
    if (c->pv->radius_km > 0 && near_km > c->pv->radius_km)
        return 0;
    double factor = 1.0 - DISTANCE_PENALTY * (near_km < c->scale ? near_km / c->scale : 1.0);
    return sm__could_enter(c->r, c->k, bound * factor, slot);
}

static int consider_offer(void *arg, uint32_t slot, double bound)
{
    topk_ctx *c = arg;
    sm_match_reader *r = c->r;
    r->stats.considered++;
    double factor, km;
    const offer_meta *meta = meta_get(&r->m->offer_metas, slot);
    if (!admit_meta(meta, c->pv, c->today, &factor, &km)) {
        if (c->pv->filter && meta && atomic_load_explicit(&meta->alive, memory_order_acquire)) {
            offer_view v = view_of_meta(meta);
            r->stats.filtered += filtered(&v, c->pv->filter) && open_on(&v, c->today);
        }
        return SM_OK;
    }
    if (!sm__could_enter(r, c->k, bound * factor, slot))
        return SM_OK;
    const offer_rec *o = slot_get(&r->m->offers, slot);
    if (!o)
        return SM_OK;
    r->stats.exact++;
    double score = sm__offer_skills(r, o) * factor;
    return score > 0 ? sm__heap_push(r, c->k, score, slot) : SM_OK;
}

static void prefetch_candidate(void *arg, uint32_t slot, int step)
{
    topk_ctx *c = arg;
    if (step == 1)
        __builtin_prefetch(slot_ref(&c->r->m->profiles, slot));
    else if (step == 2)
        __builtin_prefetch(slot_get(&c->r->m->profiles, slot));
}

static int consider_candidate(void *arg, uint32_t slot, double bound)
{
    topk_ctx *c = arg;
    sm_match_reader *r = c->r;
    r->stats.considered++;
    const profile_rec *p = slot_get(&r->m->profiles, slot);
    if (!p || !(p->consent & SM_CONSENT_VISIBLE))
        return SM_OK;
    profile_view pv = view_of_profile_rec(p);
    double factor, km;
    if (!admit(c->ov, &pv, c->today, 0, &factor, &km) ||
        !sm__could_enter(r, c->k, bound * factor, slot))
        return SM_OK;
    r->stats.exact++;
    double score = sm__profile_skills(r, c->ov, p) * factor;
    return score > 0 ? sm__heap_push(r, c->k, score, slot) : SM_OK;
}

int sm_match_offers(sm_match_reader *r, const sm_profile *profile, const sm_match_options *opts,
                    sm_error *err)
{
    sm_matcher *m = r->m;
    sm__reset_results(r);
    sm__forget_prepared(r);
    int rc = sm__check_profile(m, profile, err);
    if (rc != SM_OK)
        return rc;
    size_t k = clamp_limit(opts->limit);
    int32_t today = opts->today ? opts->today : sm_today();
    profile_view pv = view_of_profile(profile, opts->filter);
    if ((rc = sm__expand_profile(r, profile->skills, profile->skill_count, 0)) != SM_OK)
        return sm_error_set(err, rc, "out of memory");
    sm_epoch_enter(m->epoch, r->er);
    if (opts->kind == SM_OFFER_TRAINING) {
        uint32_t count = atomic_load_explicit(&m->trainings.count, memory_order_acquire);
        for (uint32_t i = 0; i < count && rc == SM_OK; i++) {
            uint32_t slot = (uint32_t)(uintptr_t)slot_get(&m->trainings, i) - 1;
            const offer_rec *o = slot_get(&m->offers, slot);
            if (!o)
                continue;
            offer_view ov = view_of_offer_rec(o);
            double factor, km;
            if (!admit(&ov, &pv, today, 0, &factor, &km)) {
                r->stats.filtered += filtered(&ov, pv.filter) && open_on(&ov, today) &&
                                     training_score(r, &ov, 0) > 0;
                continue;
            }
            double score = training_score(r, &ov, 0) * factor;
            if (score > 0)
                rc = sm__heap_push(r, k, score, slot);
        }
    } else {
        cell_box box;
        rc = sm__accumulate_jobs(r, &pv, &box);
        /* Top-k: the bound bounds the final score (distance only lowers it); whatever can still
         * enter is scored exactly from its record. */
        topk_ctx ctx = offers_ctx(r, &pv, today, k);
        static const topk_calls calls = {consider_offer, screen_offer, prefetch_offer};
        if (rc == SM_OK)
            rc = select_topk(r, k, &calls, &ctx);
    }
    rc = sm__explain_offers(r, &pv, today, opts, rc);
    return sm__finish_query(r, rc, err);
}

/* Explanations for the kept results, best first (rc: the query's so far). */
int sm__explain_offers(sm_match_reader *r, const profile_view *pv, int32_t today,
                       const sm_match_options *opts, int rc)
{
    sm__sort_heap(r, rc);
    for (size_t i = 0; i < r->heap_count && rc == SM_OK; i++) {
        const offer_rec *o = slot_get(&r->m->offers, r->heap[i].slot);
        if (!o)
            continue;
        offer_view ov = view_of_offer_rec(o);
        double factor, km;
        admit(&ov, pv, today, 0, &factor, &km);
        rc = sm__add_result(r, &ov, pv, r->heap[i].score, factor, km, opts, 0);
    }
    return rc;
}

int sm_match_candidates(sm_match_reader *r, const char *offer_id, const sm_match_options *opts,
                        sm_error *err)
{
    sm_matcher *m = r->m;
    sm__reset_results(r);
    sm__forget_prepared(r);
    if (!offer_id)
        return sm_error_field(err, SM_EINVAL, "offer_id", "required");
    size_t k = clamp_limit(opts->limit);
    int32_t today = opts->today ? opts->today : sm_today();
    uint32_t oslot;
    pthread_mutex_lock(&m->writer);
    int found =
        sm_strmap_get(m->offer_ids, offer_id, strlen(offer_id), &oslot) && oslot != TOMBSTONE;
    pthread_mutex_unlock(&m->writer);
    if (!found)
        return sm_error_field(err, SM_ENOTFOUND, "offer_id", "no offer %s", offer_id);
    sm_epoch_enter(m->epoch, r->er);
    const offer_rec *o = slot_get(&m->offers, oslot);
    if (!o || o->kind != SM_OFFER_JOB) {
        sm_epoch_leave(r->er);
        return o ? sm_error_field(err, SM_EINVAL, "offer_id",
                                  "candidates are ranked for job offers")
                 : sm_error_field(err, SM_ENOTFOUND, "offer_id", "no offer %s", offer_id);
    }
    offer_view ov = view_of_offer_rec(o);
    uint32_t count = atomic_load_explicit(&m->profiles.count, memory_order_acquire);
    int rc = sm__ensure_slots(r, count);
    if (rc == SM_OK)
        rc = sm__expand_requirements(r, &ov);
    if (rc == SM_OK)
        rc = sm__accumulate_profiles(r, &ov, count);
    topk_ctx ctx = {r, NULL, &ov, today, k, 0, {0, 0, 0}, 0};
    static const topk_calls calls = {consider_candidate, NULL, prefetch_candidate};
    if (rc == SM_OK)
        rc = select_topk(r, k, &calls, &ctx);
    sm__sort_heap(r, rc);
    for (size_t i = 0; i < r->heap_count && rc == SM_OK; i++) {
        const profile_rec *p = slot_get(&m->profiles, r->heap[i].slot);
        if (!p)
            continue;
        profile_view pv = view_of_profile_rec(p);
        double factor, km;
        admit(&ov, &pv, today, 0, &factor, &km);
        if ((rc = sm__expand_profile(r, p->skills, p->skill_count, 0)) == SM_OK)
            rc = sm__add_result(r, &ov, &pv, r->heap[i].score, factor, km, opts, 1);
    }
    return sm__finish_query(r, rc, err);
}

void sm_match_last_stats(const sm_match_reader *r, sm_match_stats *out)
{
    *out = r->stats;
    out->crossed = r->hot_count;
}

size_t sm_match_count(const sm_match_reader *r)
{
    return r->result_count;
}

const sm_match_result *sm_match_get(const sm_match_reader *r, size_t index)
{
    return index < r->result_count ? &r->results[index] : NULL;
}

int sm_match_prepare(sm_match_reader *r, const sm_profile *profile, unsigned disable)
{
    sm__reset_results(r);
    r->prepared = NULL;
    if (profile->skill_count == 0 || profile->skill_count > SM_MAX_PROFILE_SKILLS)
        return SM_EINVAL;
    for (size_t i = 0; i < profile->skill_count; i++)
        if (!is_skill(r->m, profile->skills[i].skill) || profile->skills[i].level > SM_MAX_LEVEL)
            return SM_EINVAL;
    int rc = sm__expand_profile(r, profile->skills, profile->skill_count, disable);
    if (rc == SM_OK) {
        r->prepared = profile;
        r->prepared_disable = disable;
    }
    return rc;
}

int sm_match_score_prepared(sm_match_reader *r, const sm_offer *offer, const sm_match_options *opts,
                            double *score, const sm_match_result **result)
{
    const sm_profile *profile = r->prepared;
    sm__reset_results(r);
    *score = 0;
    if (!profile || opts->disable != r->prepared_disable)
        return SM_EINVAL;
    int32_t today = opts->today ? opts->today : sm_today();
    offer_view ov = {offer->id ? offer->id : "",
                     offer->title,
                     (uint8_t)offer->kind,
                     offer->remote != 0,
                     offer->location.known != 0,
                     offer->org_kind,
                     offer->contract_type,
                     offer->flags,
                     offer->location.lat,
                     offer->location.lon,
                     offer->hours,
                     offer->valid_from,
                     offer->valid_through,
                     offer->requirements,
                     NULL,
                     offer->requirement_count,
                     offer->teaches,
                     offer->teach_count};
    if (ov.req_count > SM_MAX_REQUIREMENTS || ov.teach_count > SM_MAX_REQUIREMENTS)
        return SM_EINVAL;
    for (size_t i = 0; i < ov.req_count; i++)
        if (ov.reqs[i].skill >= r->m->skill_space)
            return SM_EINVAL;
    for (size_t i = 0; i < ov.teach_count; i++)
        if (ov.teaches[i].skill >= r->m->skill_space)
            return SM_EINVAL;
    profile_view pv = view_of_profile(profile, opts->filter);
    double factor, km;
    if (!admit(&ov, &pv, today, opts->disable, &factor, &km))
        return 0;
    int rc;
    if (offer->kind == SM_OFFER_TRAINING)
        *score = training_score(r, &ov, opts->disable) * factor;
    else {
        scored s;
        if ((rc = sm__score_requirements(r, &ov, opts->disable, &s, NULL)) != SM_OK)
            return rc;
        *score = s.skills * s.depth * factor;
    }
    if (result) {
        if ((rc = sm__add_result(r, &ov, &pv, *score, factor, km, opts, 0)) != SM_OK ||
            (rc = sm__fix_up(r)) != SM_OK)
            return rc;
        *result = &r->results[0];
    }
    return 1;
}

int sm_match_score(sm_match_reader *r, const sm_offer *offer, const sm_profile *profile,
                   const sm_match_options *opts, double *score, const sm_match_result **result)
{
    *score = 0;
    int rc = sm_match_prepare(r, profile, opts->disable);
    if (rc != SM_OK)
        return rc;
    rc = sm_match_score_prepared(r, offer, opts, score, result);
    r->prepared = NULL;
    return rc;
}

int sm_matcher_offer_requirements(sm_matcher *m, const char *id, sm_requirement *out)
{
    uint32_t slot;
    int rc = SM_ENOTFOUND;
    if (!id)
        return SM_EINVAL;
    pthread_mutex_lock(&m->writer);
    if (sm_strmap_get(m->offer_ids, id, strlen(id), &slot) && slot != TOMBSTONE) {
        /* The writer's own lock keeps the record alive: no epoch needed. */
        const offer_rec *o = slot_get(&m->offers, slot);
        if (o && o->kind == SM_OFFER_JOB) {
            memcpy(out, o->reqs, o->req_count * sizeof *out);
            rc = (int)o->req_count;
        } else if (o)
            rc = SM_EINVAL;
    }
    pthread_mutex_unlock(&m->writer);
    return rc;
}

int sm_matcher_claims_meet(const sm_matcher *m, const sm_skill_claim *claims, size_t n,
                           uint32_t skill, uint8_t level)
{
    for (size_t i = 0; i < n; i++) {
        const sm_skill_claim *cl = &claims[i];
        if ((cl->level == 0 || level == 0 || cl->level >= level) &&
            (cl->skill == skill || sm_matcher_similarity(m, cl->skill, skill) >= CLOSE_SIM))
            return 1;
    }
    return 0;
}

int sm_matcher_profile_copy(sm_matcher *m, const char *id, sm_profile *out, sm_skill_claim *claims)
{
    uint32_t slot;
    int rc = SM_ENOTFOUND;
    pthread_mutex_lock(&m->writer);
    const profile_rec *p = sm_strmap_get(m->profile_ids, id, strlen(id), &slot) && slot != TOMBSTONE
                               ? slot_get(&m->profiles, slot)
                               : NULL;
    if (p) {
        memset(out, 0, sizeof *out);
        memcpy(claims, p->skills, p->skill_count * sizeof *claims);
        out->skills = claims;
        out->skill_count = p->skill_count;
        out->location = (sm_geo){p->lat, p->lon, p->has_location};
        out->radius_km = p->radius_km;
        out->constraints = p->constraints;
        out->consent = p->consent;
        rc = SM_OK;
    }
    pthread_mutex_unlock(&m->writer);
    return rc;
}
