/*
 * write.c: the writers: checking and building offer and profile records, upsert and delete
 * (a new record in a new slot, the old slot emptied, its record freed through the epochs),
 * and compaction of posting lists that emptied slots left behind.
 */
#include "matcher/internal.h"

static char *dup_or_null(const char *s)
{
    return s && *s ? sm_strndup(s, strlen(s)) : NULL;
}

static int cmp_day(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

static offer_rec *make_offer(const sm_matcher *m, const sm_offer *o)
{
    /* One allocation: exact scoring reads the record, its shares and its requirements,
     * adjacent in memory (the requirement counts are bounded by SM_MAX_REQUIREMENTS). */
    size_t n = o->requirement_count, t = o->teach_count;
    size_t d = o->start_date_count;
    offer_rec *r = sm_calloc(1, sizeof *r + (n + 1) * sizeof(float) +
                                    (n + 1 + t + 1) * sizeof(sm_requirement) + d * sizeof(int32_t));
    if (!r)
        return NULL;
    r->contrib = (float *)(r + 1);
    r->reqs = (sm_requirement *)(void *)(r->contrib + n + 1);
    r->teaches = r->reqs + n + 1;
    r->start_dates = (int32_t *)(void *)(r->teaches + t + 1);
    r->start_count = (uint32_t)d;
    r->funding = o->funding;
    if (d)
        memcpy(r->start_dates, o->start_dates, d * sizeof *r->start_dates);
    qsort(r->start_dates, d, sizeof *r->start_dates, cmp_day);
    r->id = dup_or_null(o->id);
    r->title = dup_or_null(o->title);
    r->organisation = dup_or_null(o->organisation);
    r->contract = dup_or_null(o->contract);
    if (!r->id || (o->title && *o->title && !r->title) ||
        (o->organisation && *o->organisation && !r->organisation) ||
        (o->contract && *o->contract && !r->contract)) {
        sm__free_offer(r);
        return NULL;
    }
    r->kind = (uint8_t)o->kind;
    r->remote = o->remote != 0;
    r->has_location = o->location.known != 0;
    r->lat = o->location.lat;
    r->lon = o->location.lon;
    r->flags = o->flags;
    r->org_kind = o->org_kind;
    r->contract_type = o->contract_type;
    r->hours = o->hours;
    r->duration_hours = o->duration_hours;
    r->cost = o->cost;
    r->seats = o->seats;
    r->occupation = o->occupation;
    r->valid_from = o->valid_from;
    r->valid_through = o->valid_through;
    r->req_count = (uint32_t)o->requirement_count;
    r->teach_count = (uint32_t)o->teach_count;
    for (size_t i = 0; i < o->requirement_count; i++) {
        r->reqs[i] = o->requirements[i];
        r->reqs[i].essential = o->requirements[i].essential != 0;
    }
    sm__weight_shares(m, r->reqs, r->req_count, 0, r->contrib);
    if (o->teach_count)
        memcpy(r->teaches, o->teaches, o->teach_count * sizeof *r->teaches);
    return r;
}

/*
 * Writer: empties the slot that id maps to in ids and retires its record.
 * For offers, *kind receives the removed offer's kind (read before the
 * record may be freed). Returns SM_ENOTFOUND when id maps to nothing live.
 */
static int unlink_id(sm_matcher *m, sm_strmap *ids, slots *s, const char *id,
                     void (*free_fn)(void *), int *kind)
{
    uint32_t slot;
    if (!sm_strmap_get(ids, id, strlen(id), &slot) || slot == TOMBSTONE)
        return SM_ENOTFOUND;
    _Atomic(void *) *ref = slot_ref(s, slot);
    void *old = atomic_load(ref);
    if (kind && old) {
        const offer_rec *o = old;
        *kind = o->kind;
        offer_meta *meta = sm__meta_for_write(&m->offer_metas, slot);
        if (meta)
            atomic_store(&meta->alive, 0);
        for (uint32_t i = 0; o->kind == SM_OFFER_JOB && i < o->req_count; i++)
            m->job_skill_dead[o->reqs[i].skill]++;
    } else if (old) {
        const profile_rec *p = old;
        for (uint32_t i = 0; (p->consent & SM_CONSENT_VISIBLE) && i < p->skill_count; i++)
            m->profile_skill_dead[p->skills[i].skill]++;
    }
    atomic_store(ref, NULL);
    /* The slot is empty before the demand lock: a refresh that takes it after sees so. */
    sm__demand_write_lock(m->demand);
    if (kind && old && demand_counts_slot(m, slot, 1))
        sm__demand_offer(m, old, -1);
    else if (old && !kind) {
        if (demand_counts_slot(m, slot, 0))
            sm__demand_profile(m, old, -1);
        sm__drop_away(m, slot);
    }
    sm__demand_write_unlock(m->demand);
    sm_strmap_set(ids, id, strlen(id), TOMBSTONE);
    sm_epoch_retire(m->epoch, old, free_fn);
    return SM_OK;
}

static void count_offer(sm_matcher *m, int kind, int delta)
{
    _Atomic size_t *c = kind == SM_OFFER_JOB ? &m->job_count : &m->training_count;
    if (delta > 0)
        atomic_fetch_add(c, 1);
    else
        atomic_fetch_sub(c, 1);
}

int sm_matcher_check_offer(const sm_matcher *m, const sm_offer *o, sm_error *err)
{
    int rc;
    if ((rc = sm__check_text(o->id, "id", 1, err)) ||
        (rc = sm__check_text(o->title, "title", 0, err)) ||
        (rc = sm__check_text(o->organisation, "organisation", 0, err)) ||
        (rc = sm__check_text(o->contract, "contract", 0, err)) ||
        (rc = sm__check_geo(&o->location, "location", err)))
        return rc;
    if (o->kind != SM_OFFER_JOB && o->kind != SM_OFFER_TRAINING)
        return sm_error_field(err, SM_EINVAL, "kind", "must be job or training");
    if ((rc = sm__check_requirements(m, o->requirements, o->requirement_count,
                                     o->kind == SM_OFFER_JOB ? "skills" : "prerequisites", err)) ||
        (rc = sm__check_requirements(m, o->teaches, o->teach_count, "teaches", err)))
        return rc;
    if (o->kind == SM_OFFER_JOB && o->requirement_count == 0)
        return sm_error_field(err, SM_EINVAL, "skills", "a job offer needs at least one skill");
    if (o->kind == SM_OFFER_TRAINING && o->teach_count == 0)
        return sm_error_field(err, SM_EINVAL, "teaches", "a training needs at least one skill");
    if (!(o->hours >= 0 && o->hours <= 80))
        return sm_error_field(err, SM_EINVAL, "hours", "must be 0..80 a week");
    if (o->valid_through && o->valid_from && o->valid_through < o->valid_from)
        return sm_error_field(err, SM_EINVAL, "valid_through", "before valid_from");
    if (o->start_date_count > SM_MAX_START_DATES || (o->start_date_count && !o->start_dates))
        return sm_error_field(err, SM_EINVAL, "start_dates", "at most %d", SM_MAX_START_DATES);
    if (!(o->duration_hours >= 0 && o->duration_hours <= 10000) ||
        !(o->cost >= 0 && o->cost <= 1e6))
        return sm_error_field(err, SM_EINVAL, "duration_hours, cost", "must be 0..10000 h, 0..1e6");
    if (o->occupation != SM_NO_CONCEPT &&
        (o->occupation >= m->skill_space ||
         sm_taxonomy_type(m->tx, o->occupation) != SM_CT_OCCUPATION))
        return sm_error_field(err, SM_EINVAL, "occupation", "not an occupation concept");
    return SM_OK;
}

int sm_matcher_upsert_offer(sm_matcher *m, const sm_offer *o, sm_error *err)
{
    int rc = sm_matcher_check_offer(m, o, err);
    if (rc)
        return rc;
    offer_rec *r = make_offer(m, o);
    if (!r)
        return sm_error_set(err, SM_ENOMEM, "out of memory");
    pthread_mutex_lock(&m->writer);
    offer_meta *meta = sm__meta_for_write(&m->offer_metas, atomic_load(&m->offers.count));
    slot_point *where = sm__point_for_write(&m->offer_points, atomic_load(&m->offers.count));
    if (where)
        *where = point_of(!r->remote && r->has_location, r->lat, r->lon);
    uint32_t slot = meta && where ? sm__slot_append(&m->offers, r) : NO_SLOT;
    rc = slot == NO_SLOT ? SM_ENOMEM : SM_OK;
    if (rc == SM_OK) {
        meta->lat = r->lat;
        meta->lon = r->lon;
        meta->valid_from = r->valid_from;
        meta->valid_through = r->valid_through;
        meta->hours = r->hours;
        meta->flags =
            (uint8_t)((r->remote ? META_REMOTE : 0) | (r->has_location ? META_LOCATED : 0) |
                      (r->flags & SM_OFFER_REQUIRES_CAR ? META_CAR : 0) |
                      (r->flags & SM_OFFER_SUPPORT ? META_SUPPORT : 0) |
                      (r->flags & SM_OFFER_NO_DIPLOMA ? META_NO_DIPLOMA : 0) |
                      (r->flags & SM_OFFER_IAE_RESERVED ? META_IAE : 0));
        meta->org_kind = r->org_kind;
        meta->contract_type = r->contract_type;
        atomic_store_explicit(&meta->alive, 1, memory_order_release);
    }
    if (rc == SM_OK && r->kind == SM_OFFER_JOB) {
        for (uint32_t i = 0; i < r->req_count && rc == SM_OK; i++) {
            posting p = {slot, PACK(quant_at(r->contrib[i], SHARE_SCALE), r->reqs[i].level,
                                    depth_inc(r->req_count))};
            uint32_t skill = r->reqs[i].skill;
            uint32_t seen = m->job_skill_postings[skill];
            uint32_t cell = r->remote || !r->has_location || seen < m->grid_min_coarse_postings
                                ? CELL_ANYWHERE
                            : seen < m->grid_min_job_postings ? coarse_of(cell_of(r->lat, r->lon))
                                                              : cell_of(r->lat, r->lon);
            m->job_skill_postings[skill]++;
            plist *list = sm__cell_list_for(m, m->job_cells, skill, cell);
            rc = list ? sm__plist_add(m, list, &p, 1) : SM_ENOMEM;
            if (rc == SM_OK && cell != CELL_ANYWHERE)
                rc = sm__plist_add(m, &m->job_gridded[skill], &p, 0);
        }
    } else if (rc == SM_OK) {
        rc = sm__slot_append(&m->trainings, (void *)(uintptr_t)(slot + 1)) == NO_SLOT ? SM_ENOMEM
                                                                                      : SM_OK;
        /* Path planning finds trainings by the skills they teach. */
        for (uint32_t i = 0; i < r->teach_count && rc == SM_OK; i++) {
            posting p = {slot, r->teaches[i].level};
            rc = sm__plist_add(m, &m->training_lists[r->teaches[i].skill], &p, 0);
        }
    }
    if (rc != SM_OK) {
        /* The new slot stays empty; its postings (if any) are skipped by queries. */
        if (slot != NO_SLOT) {
            atomic_store(&meta->alive, 0);
            atomic_store(slot_ref(&m->offers, slot), NULL);
        }
        pthread_mutex_unlock(&m->writer);
        sm__free_offer(r);
        return sm_error_set(err, SM_ENOMEM, "out of memory");
    }
    int old_kind;
    if (unlink_id(m, m->offer_ids, &m->offers, r->id, sm__free_offer, &old_kind) == SM_OK)
        count_offer(m, old_kind, -1);
    if (sm_strmap_put(m->offer_ids, r->id, strlen(r->id), slot, NULL) == 0)
        sm_strmap_set(m->offer_ids, r->id, strlen(r->id), slot);
    count_offer(m, r->kind, +1);
    if (demand_counts_slot(m, slot, 1)) {
        sm__demand_write_lock(m->demand);
        sm__demand_offer(m, r, +1);
        sm__demand_write_unlock(m->demand);
    }
    pthread_mutex_unlock(&m->writer);
    return SM_OK;
}

int sm_matcher_delete_offer(sm_matcher *m, const char *id)
{
    if (!id)
        return SM_EINVAL;
    pthread_mutex_lock(&m->writer);
    int kind;
    int rc = unlink_id(m, m->offer_ids, &m->offers, id, sm__free_offer, &kind);
    if (rc == SM_OK)
        count_offer(m, kind, -1);
    pthread_mutex_unlock(&m->writer);
    return rc;
}

int sm_matcher_check_profile(const sm_matcher *m, const sm_profile *p, sm_error *err)
{
    int rc;
    if ((rc = sm__check_text(p->id, "id", 1, err)) ||
        (rc = sm__check_geo(&p->location, "location", err)))
        return rc;
    if (p->skill_count > SM_MAX_PROFILE_SKILLS)
        return sm_error_field(err, SM_EINVAL, "skills", "more than %d", SM_MAX_PROFILE_SKILLS);
    char f[64];
    for (size_t i = 0; i < p->skill_count; i++) {
        if (!is_skill(m, p->skills[i].skill))
            return sm_error_field(err, SM_EINVAL, item_field(f, sizeof f, "skills", i, "skill"),
                                  "not a skill concept");
        if (p->skills[i].level > SM_MAX_LEVEL)
            return sm_error_field(err, SM_EINVAL, item_field(f, sizeof f, "skills", i, "level"),
                                  "must be 0..8");
        if (p->skills[i].evidence >= SM_EVIDENCE_COUNT)
            return sm_error_field(err, SM_EINVAL, item_field(f, sizeof f, "skills", i, "evidence"),
                                  "must be declared, validated, assessed or certified");
    }
    if (!(p->radius_km >= 0 && p->radius_km <= 20000))
        return sm_error_field(err, SM_EINVAL, "radius_km", "must be 0..20000");
    return SM_OK;
}

int sm_matcher_upsert_profile(sm_matcher *m, const sm_profile *p, sm_error *err)
{
    int rc = sm_matcher_check_profile(m, p, err);
    if (rc)
        return rc;
    profile_rec *r = sm_calloc(1, sizeof *r);
    if (!r)
        return sm_error_set(err, SM_ENOMEM, "out of memory");
    r->id = dup_or_null(p->id);
    r->skills = sm_malloc((p->skill_count + 1) * sizeof *r->skills);
    if (!r->id || !r->skills) {
        sm__free_profile(r);
        return sm_error_set(err, SM_ENOMEM, "out of memory");
    }
    if (p->skill_count)
        memcpy(r->skills, p->skills, p->skill_count * sizeof *r->skills);
    r->skill_count = (uint32_t)p->skill_count;
    r->has_location = p->location.known != 0;
    /* The centre of the place's square. SM_PLACE_SQUARE_* divide CELL_DEG (25 and 20 squares
     * to a cell's side): the square lies in the place's own grid cell, and demand counts the
     * person where they are. */
    r->lat =
        -90.0 + (floor((p->location.lat + 90.0) / SM_PLACE_SQUARE_LAT) + 0.5) * SM_PLACE_SQUARE_LAT;
    r->lon = -180.0 +
             (floor((p->location.lon + 180.0) / SM_PLACE_SQUARE_LON) + 0.5) * SM_PLACE_SQUARE_LON;
    r->radius_km = p->radius_km;
    r->constraints = p->constraints;
    r->consent = p->consent;
    pthread_mutex_lock(&m->writer);
    uint32_t slot = sm__slot_append(&m->profiles, r);
    rc = slot == NO_SLOT ? SM_ENOMEM : SM_OK;
    /* Only profiles visible to inclusion organisations are filed: the postings serve candidate
     * searches alone, which show nobody else. */
    uint32_t filed = r->consent & SM_CONSENT_VISIBLE ? r->skill_count : 0;
    for (uint32_t i = 0; i < filed && rc == SM_OK; i++) {
        posting q = {slot, PACK(0, r->skills[i].level, r->skills[i].evidence)};
        /* A profile is filed under its cell when its radius lets the grid find it. */
        uint32_t skill = r->skills[i].skill;
        uint32_t cell = r->has_location && r->radius_km > 0 && r->radius_km <= GRID_MAX_RADIUS &&
                                m->profile_skill_postings[skill] >= m->grid_min_profile_postings
                            ? cell_of(r->lat, r->lon)
                            : CELL_ANYWHERE;
        m->profile_skill_postings[skill]++;
        plist *list = sm__cell_list_for(m, m->profile_cells, skill, cell);
        rc = list ? sm__plist_add(m, list, &q, 1) : SM_ENOMEM;
    }
    if (rc != SM_OK) {
        if (slot != NO_SLOT)
            atomic_store(slot_ref(&m->profiles, slot), NULL);
        pthread_mutex_unlock(&m->writer);
        sm__free_profile(r);
        return sm_error_set(err, SM_ENOMEM, "out of memory");
    }
    if (unlink_id(m, m->profile_ids, &m->profiles, r->id, sm__free_profile, NULL) == SM_OK)
        atomic_fetch_sub(&m->profile_count, 1);
    if (sm_strmap_put(m->profile_ids, r->id, strlen(r->id), slot, NULL) == 0)
        sm_strmap_set(m->profile_ids, r->id, strlen(r->id), slot);
    atomic_fetch_add(&m->profile_count, 1);
    if (demand_counts_slot(m, slot, 0)) {
        sm__demand_write_lock(m->demand);
        sm__demand_profile(m, r, +1);
        sm__demand_write_unlock(m->demand);
    }
    pthread_mutex_unlock(&m->writer);
    return SM_OK;
}

int sm_matcher_delete_profile(sm_matcher *m, const char *id)
{
    if (!id)
        return SM_EINVAL;
    pthread_mutex_lock(&m->writer);
    int rc = unlink_id(m, m->profile_ids, &m->profiles, id, sm__free_profile, NULL);
    if (rc == SM_OK)
        atomic_fetch_sub(&m->profile_count, 1);
    pthread_mutex_unlock(&m->writer);
    return rc;
}

/*
 * Writer: rewrites one list without the postings of emptied slots. The new
 * chain has the shape sm__plist_add grows (full blocks, then a tail of a power
 * of two); it is published with one store, and the old blocks are retired,
 * so readers walking them finish undisturbed. Returns the postings dropped,
 * or SM_ENOMEM (the list unchanged).
 */
static long compact_list(sm_matcher *m, plist *l, const slots *owners)
{
    size_t live = 0, total = 0;
    for (block *b = atomic_load(&l->head); b; b = atomic_load(&b->next))
        for (uint32_t i = 0; i < b->count; i++, total++)
            live += slot_get(owners, b->items[i].slot) != NULL;
    if (live == total)
        return 0;
    block *head = NULL, *prev = NULL, *tail = NULL, *before_tail = NULL;
    size_t left = live, bytes = 0;
    while (left || !head) {
        uint32_t cap = BLOCK_MIN;
        if (left >= BLOCK_MAX)
            cap = BLOCK_MAX;
        else
            while (cap < left)
                cap *= 2;
        block *fresh = sm_malloc(sizeof(block) + cap * sizeof(posting));
        if (!fresh) {
            while (head) {
                block *next = atomic_load(&head->next);
                sm_free(head);
                head = next;
            }
            return SM_ENOMEM;
        }
        fresh->cap = cap;
        atomic_init(&fresh->count, 0);
        atomic_init(&fresh->last, 0);
        atomic_init(&fresh->next, NULL);
        bytes += sizeof(block) + cap * sizeof(posting);
        if (prev)
            atomic_init(&prev->next, fresh);
        else
            head = fresh;
        before_tail = prev;
        prev = tail = fresh;
        left -= left < cap ? left : cap;
        if (!live)
            break;
    }
    block *to = head;
    for (block *b = atomic_load(&l->head); b; b = atomic_load(&b->next))
        for (uint32_t i = 0; i < b->count; i++) {
            if (!slot_get(owners, b->items[i].slot))
                continue;
            if (to->count == to->cap)
                to = atomic_load(&to->next);
            uint32_t n = atomic_load_explicit(&to->count, memory_order_relaxed);
            to->items[n] = b->items[i];
            atomic_store_explicit(&to->last, b->items[i].slot, memory_order_relaxed);
            atomic_store_explicit(&to->count, n + 1, memory_order_relaxed);
        }
    block *old = atomic_load(&l->head);
    atomic_store(&l->head, head); /* seq_cst, as the epoch protocol wants of an unlink */
    l->tail = tail;
    l->prev = before_tail;
    atomic_fetch_add(&m->bytes, bytes);
    while (old) {
        block *next = atomic_load(&old->next);
        atomic_fetch_sub(&m->bytes, sizeof(block) + old->cap * sizeof(posting));
        sm_epoch_retire(m->epoch, old, sm_free);
        old = next;
    }
    return (long)(total - live);
}

size_t sm_matcher_compact(sm_matcher *m, size_t budget)
{
    size_t dropped = 0, walked = 0;
    pthread_mutex_lock(&m->writer);
    for (int side = 0; side < 2; side++) {
        uint32_t *dead = side ? m->profile_skill_dead : m->job_skill_dead;
        /* postings in the skill's lists, dead included (also the grid's threshold) */
        uint32_t *posted = side ? m->profile_skill_postings : m->job_skill_postings;
        _Atomic(cellmap *) *maps = side ? m->profile_cells : m->job_cells;
        const slots *owners = side ? &m->profiles : &m->offers;
        for (uint32_t skill = 0; skill < m->skill_space && walked < budget; skill++) {
            /* A skill is rewritten once a quarter of its postings are dead. */
            if (dead[skill] == 0 || (uint64_t)dead[skill] * 4 < posted[skill])
                continue;
            cellmap *cm = atomic_load(&maps[skill]);
            int failed = 0;
            walked += posted[skill];
            for (uint32_t c = 0; cm && c < cm->count; c++) {
                long n = compact_list(m, &cm->entries[c].list, owners);
                failed |= n < 0;
                if (n > 0) {
                    dropped += (size_t)n;
                    posted[skill] -= (uint32_t)n;
                }
            }
            /* (the gridded postings' second list: not counted in posted) */
            if (!side && compact_list(m, &m->job_gridded[skill], owners) < 0)
                failed = 1;
            if (!failed)
                dead[skill] = 0;
        }
    }
    pthread_mutex_unlock(&m->writer);
    return dropped;
}
