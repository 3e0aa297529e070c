/*
 * demand_index.c: how the index feeds the skills demand counters (matcher/demand.c) and answers
 * demand queries: offers and profiles counted by cell as they change, the sweep that finds the
 * skills people are one or two away by, closing offers leaving the counts, and the published
 * answer for an area (sm_match_demand).
 */
#include "matcher/internal.h"

/* The skills a profile is one or two skills away from an offer by (sm_matcher_demand_refresh). */
typedef struct away_set {
    uint32_t cell;
    uint16_t one, two; /* skills[0 .. one) one away, then two away */
    uint32_t skills[];
} away_set;

static uint32_t demand_cell(int located, int remote, double lat, double lon)
{
    return located && !remote ? cell_of(lat, lon) : CELL_ANYWHERE;
}

uint32_t sm_area_cell(int located, int remote, double lat, double lon)
{
    return located && !remote && fabs(lat) <= 90 && fabs(lon) <= 180 ? cell_of(lat, lon)
                                                                     : CELL_ANYWHERE;
}

/* The demand counters' row that counts people whatever their skills (in its profiles field,
 * and those evaluated in its one_away field): the status of an area sums its cells. */
#define PEOPLE(m) ((uint32_t)(m)->skill_space)

/* Whether an offer counts in demand on day today: until its closing date (an offer not open
 * yet is demand to come). */
static int demand_open(const offer_rec *o, int32_t today)
{
    return !o->valid_through || o->valid_through >= today;
}

/* An offer's counts, added (sign 1: when it is open, sm_matcher_demand_expire) or removed (-1:
 * when they were added); under the demand lock, which also guards in_demand (a field no
 * reader reads: set on a published record). */
void sm__demand_offer(sm_matcher *m, offer_rec *o, int32_t sign)
{
    if (sign > 0 ? !demand_open(o, sm_today()) : !o->in_demand)
        return;
    o->in_demand = sign > 0;
    uint32_t cell = demand_cell(o->has_location, o->remote, o->lat, o->lon);
    if (o->kind == SM_OFFER_JOB)
        for (uint32_t i = 0; i < o->req_count; i++)
            sm__demand_add(m->demand, o->reqs[i].skill, cell,
                           o->reqs[i].essential ? SM__D_ESSENTIAL : SM__D_OPTIONAL, sign);
    else
        for (uint32_t i = 0; i < o->teach_count; i++) {
            sm__demand_add(m->demand, o->teaches[i].skill, cell, SM__D_TRAININGS, sign);
            sm__demand_add(m->demand, o->teaches[i].skill, cell, SM__D_SEATS,
                           sign * (int32_t)o->seats);
        }
}

void sm__demand_profile(sm_matcher *m, const profile_rec *p, int32_t sign)
{
    if (!(p->consent & SM_CONSENT_STATISTICS))
        return;
    uint32_t cell = demand_cell(p->has_location, 0, p->lat, p->lon);
    for (uint32_t i = 0; i < p->skill_count; i++)
        sm__demand_add(m->demand, p->skills[i].skill, cell, SM__D_PROFILES, sign);
    sm__demand_add(m->demand, PEOPLE(m), cell, SM__D_PROFILES, sign);
    m->stat_profiles += (size_t)(ptrdiff_t)sign;
}

static void demand_away(sm_matcher *m, const away_set *a, int32_t sign)
{
    for (uint32_t i = 0; a && i < (uint32_t)a->one + a->two; i++)
        sm__demand_add(m->demand, a->skills[i], a->cell,
                       i < a->one ? SM__D_ONE_AWAY : SM__D_TWO_AWAY, sign);
    if (a)
        sm__demand_add(m->demand, PEOPLE(m), a->cell, SM__D_ONE_AWAY, sign); /* evaluated */
}

/* Drops a profile slot's away set from the counters; under the demand lock. */
void sm__drop_away(sm_matcher *m, uint32_t slot)
{
    if (slot < m->away_cap && m->away[slot]) {
        demand_away(m, m->away[slot], -1);
        sm_free(m->away[slot]);
        m->away[slot] = NULL;
        m->away_count--;
    }
}

/* Adds skill to set (n entries) unless there. */
static size_t add_unique(uint32_t *set, size_t n, uint32_t skill)
{
    for (size_t i = 0; i < n; i++)
        if (set[i] == skill)
            return n;
    set[n] = skill;
    return n + 1;
}

void sm_matcher_demand_defer(sm_matcher *m)
{
    pthread_mutex_lock(&m->writer);
    if (atomic_load(&m->demand_state) == DEMAND_LIVE)
        atomic_store(&m->demand_state, DEMAND_DEFERRED);
    pthread_mutex_unlock(&m->writer);
}

int sm_matcher_demand_catch_up(sm_matcher *m, size_t budget)
{
    pthread_mutex_lock(&m->writer);
    int state = atomic_load(&m->demand_state);
    if (state == DEMAND_DEFERRED) {
        m->demand_offer_end = atomic_load(&m->offers.count);
        m->demand_profile_end = atomic_load(&m->profiles.count);
        m->demand_offer_at = m->demand_profile_at = 0;
        atomic_store(&m->demand_state, state = DEMAND_CATCHING_UP);
    }
    if (state == DEMAND_CATCHING_UP) {
        /* A stretch of slots under the writers' mutex: no record changes meanwhile, and the
         * changes before and after it know which side of the cursor their slot is on. */
        sm__demand_write_lock(m->demand);
        for (size_t n = 0; n < budget && m->demand_offer_at < m->demand_offer_end; n++) {
            offer_rec *o = slot_get(&m->offers, m->demand_offer_at++);
            if (o)
                sm__demand_offer(m, o, +1);
        }
        for (size_t n = 0; n < budget && m->demand_offer_at == m->demand_offer_end &&
                           m->demand_profile_at < m->demand_profile_end;
             n++) {
            const profile_rec *p = slot_get(&m->profiles, m->demand_profile_at++);
            if (p)
                sm__demand_profile(m, p, +1);
        }
        if (m->demand_offer_at == m->demand_offer_end &&
            m->demand_profile_at == m->demand_profile_end)
            atomic_store(&m->demand_state, state = DEMAND_LIVE);
        sm__demand_write_unlock(m->demand);
    }
    pthread_mutex_unlock(&m->writer);
    return state == DEMAND_LIVE;
}

void sm_matcher_demand_expire(sm_matcher *m, int32_t today)
{
    if (atomic_load_explicit(&m->demand_day, memory_order_relaxed) == today)
        return;
    pthread_mutex_lock(&m->writer);
    sm__demand_write_lock(m->demand);
    uint32_t count = atomic_load(&m->offers.count);
    for (uint32_t slot = 0; slot < count; slot++) {
        offer_rec *o = slot_get(&m->offers, slot);
        if (o && o->in_demand && !demand_open(o, today))
            sm__demand_offer(m, o, -1);
    }
    atomic_store(&m->demand_day, today);
    sm__demand_write_unlock(m->demand);
    pthread_mutex_unlock(&m->writer);
}

size_t sm_matcher_demand_refresh(sm_match_reader *r, size_t budget)
{
    sm_matcher *m = r->m;
    size_t done = 0;
    sm_matcher_demand_expire(m, sm_today());
    sm_skill_claim claims[SM_MAX_PROFILE_SKILLS];
    sm__demand_flush(m->demand); /* the writers' changes since the last call */
    for (size_t step = 0; step < budget; step++) {
        uint32_t count = atomic_load_explicit(&m->profiles.count, memory_order_acquire);
        if (!count)
            break;
        if (step >= count)
            break; /* each profile once a call at most */
        uint32_t slot = atomic_fetch_add(&m->away_cursor, 1) % count;
        /* A copy of the profile: the match below enters its own epoch. */
        sm_epoch_enter(m->epoch, r->er);
        const profile_rec *p = slot_get(&m->profiles, slot);
        int wanted = p && (p->consent & SM_CONSENT_STATISTICS);
        sm_profile pr;
        memset(&pr, 0, sizeof pr);
        if (wanted) {
            pr.id = "";
            pr.skill_count = p->skill_count;
            memcpy(claims, p->skills, p->skill_count * sizeof *claims);
            pr.skills = claims;
            pr.location = (sm_geo){p->lat, p->lon, p->has_location};
            pr.radius_km = p->radius_km;
            pr.constraints = p->constraints;
        }
        sm_epoch_leave(r->er);
        if (!wanted || !pr.skill_count)
            continue;
        sm_match_options opts = {SM_OFFER_JOB, SM_AWAY_OFFERS, 0, SM_LANG_EN, 0, NULL};
        sm_error err;
        int n = sm_match_offers(r, &pr, &opts, &err);
        uint32_t one[SM_AWAY_OFFERS], two[2 * SM_AWAY_OFFERS];
        size_t n1 = 0, n2 = 0;
        for (int i = 0; i < n; i++) {
            const sm_match_result *res = sm_match_get(r, (size_t)i);
            size_t ess = 0;
            if (!res)
                continue;
            while (ess < res->missing_count && res->missing[ess].essential)
                ess++; /* missing lists essential ones first (lacked: under level, near too) */
            if (res->score >= SM_AWAY_THRESHOLD || ess == 0 || ess > 2)
                continue;
            if (ess == 1)
                n1 = add_unique(one, n1, res->missing[0].required);
            else
                for (size_t k = 0; k < 2; k++)
                    n2 = add_unique(two, n2, res->missing[k].required);
        }
        away_set *a = n >= 0 ? sm_malloc(sizeof *a + (n1 + n2 + 1) * sizeof(uint32_t)) : NULL;
        if (a) {
            a->cell = demand_cell(pr.location.known, 0, pr.location.lat, pr.location.lon);
            a->one = (uint16_t)n1;
            a->two = (uint16_t)n2;
            memcpy(a->skills, one, n1 * sizeof *one);
            memcpy(a->skills + n1, two, n2 * sizeof *two);
        }
        sm__demand_write_lock(m->demand);
        /* Still the same record? (the writer empties a slot before taking this lock) */
        int same = slot_get(&m->profiles, slot) == (const void *)p;
        if (same && a && slot >= m->away_cap) {
            size_t cap = m->away_cap;
            if (sm_grow((void **)&m->away, &cap, (size_t)slot + 1, sizeof *m->away) == SM_OK) {
                memset(m->away + m->away_cap, 0, (cap - m->away_cap) * sizeof *m->away);
                m->away_cap = cap;
            }
        }
        if (same && a && slot < m->away_cap) {
            sm__drop_away(m, slot);
            m->away[slot] = a;
            m->away_count++;
            demand_away(m, a, +1);
            a = NULL;
            done++;
        }
        sm__demand_write_unlock(m->demand);
        sm_free(a);
    }
    return done;
}

/* The distance from a point to the nearest point of a grid cell (0 inside it): the cell's
 * nearest latitude and longitude to the point, the longitude taken the short way round. */
static double km_to_cell(double lat, double lon, double south, double west)
{
    double north = south + CELL_DEG, east = west + CELL_DEG;
    double nlat = lat < south ? south : lat > north ? north : lat;
    double nlon = lon < west ? west : lon > east ? east : lon;
    return distance_km(lat, lon, nlat, nlon);
}

size_t sm_demand_area_cells(const sm_demand_query *q, sm_demand_cell *out, size_t cap)
{
    cell_box b = radius_box(1, q->lat, q->lon, q->radius_km);
    if (b.cy1 == UINT32_MAX)
        return 0;
    size_t n = 0;
    for (uint32_t row = b.cy0; row <= b.cy1; row++)
        for (uint32_t col = b.cx0; col <= b.cx1; col++) {
            double south = row * CELL_DEG - 90.0, west = col * CELL_DEG - 180.0;
            if (km_to_cell(q->lat, q->lon, south, west) > q->radius_km)
                continue;
            if (n < cap)
                out[n] = (sm_demand_cell){row * 1024u + col, south, west};
            n++;
        }
    return n;
}

/* The area's cells as runs of one row (the cells of a row within a radius are contiguous):
 * returns how many, SIZE_MAX when the query is not located (every cell). */
static size_t area_spans(const sm_demand_query *q, sm__cell_span *spans, size_t cap)
{
    if (!q->located)
        return SIZE_MAX;
    sm_demand_cell cells[4096];
    size_t n = sm_demand_area_cells(q, cells, sizeof cells / sizeof *cells), k = 0;
    if (n > sizeof cells / sizeof *cells)
        n = sizeof cells / sizeof *cells;
    for (size_t i = 0; i < n; i++) {
        if (k && spans[k - 1].to + 1 == cells[i].id)
            spans[k - 1].to = cells[i].id;
        else if (k < cap)
            spans[k++] = (sm__cell_span){cells[i].id, cells[i].id};
    }
    return k;
}

static int cmp_demand_row(const void *a, const void *b)
{
    const sm_demand_row *x = a, *y = b;
    if (x->unmet != y->unmet)
        return x->unmet > y->unmet ? -1 : 1;
    uint32_t dx = 2 * x->offers_essential + x->offers_optional,
             dy = 2 * y->offers_essential + y->offers_optional;
    if (dx != dy)
        return dx > dy ? -1 : 1;
    return (x->skill > y->skill) - (x->skill < y->skill);
}

static uint32_t nonneg(int32_t v)
{
    return v > 0 ? (uint32_t)v : 0;
}

int sm_match_demand(sm_match_reader *r, const sm_demand_query *q, sm_demand_status *status,
                    sm_error *err)
{
    sm_matcher *m = r->m;
    r->drow_count = 0;
    size_t top = q->top ? q->top : 20;
    if (top > 1000 && top != SIZE_MAX)
        return sm_error_field(err, SM_EINVAL, "top", "at most 1000");
    if (q->located && (!(q->lat >= -90 && q->lat <= 90) || !(q->lon >= -180 && q->lon <= 180) ||
                       !(q->radius_km > 0 && q->radius_km <= 1000)))
        return sm_error_field(err, SM_EINVAL, "near", "a point and a radius of 0 to 1000 km");
    if (q->occupation != SM_NO_CONCEPT &&
        (q->occupation >= m->skill_space ||
         sm_taxonomy_type(m->tx, q->occupation) != SM_CT_OCCUPATION))
        return sm_error_field(err, SM_EINVAL, "occupation", "not an occupation concept");
    if ((!r->dsum && !(r->dsum = sm_malloc((m->skill_space + 1) * sizeof *r->dsum))) ||
        (!r->dwant && !(r->dwant = sm_malloc(m->skill_space + 1))))
        return sm_error_set(err, SM_ENOMEM, "out of memory");
    /* Which skills: a collection, an occupation's. */
    for (uint32_t s = 0; s < m->skill_space; s++)
        r->dwant[s] = is_skill(m, s) &&
                      (!q->collections || (sm_taxonomy_collections(m->tx, s) & q->collections));
    if (q->occupation != SM_NO_CONCEPT) {
        const sm_edge *e;
        size_t n = sm_taxonomy_adjacent(m->tx, q->occupation, SM_ADJ_OCC_SKILLS, &e);
        uint8_t *keep = sm_calloc(m->skill_space + 1, 1);
        if (!keep)
            return sm_error_set(err, SM_ENOMEM, "out of memory");
        for (size_t i = 0; i < n; i++)
            if (e[i].concept < m->skill_space)
                keep[e[i].concept] = 1;
        for (uint32_t s = 0; s < m->skill_space; s++)
            r->dwant[s] &= keep[s];
        sm_free(keep);
    }
    r->dwant[PEOPLE(m)] = status != NULL; /* the people of the area, for its status */
    sm__cell_span spans[256];
    size_t n_spans = area_spans(q, spans, 256);
    sm__demand_sum(m->demand, n_spans == SIZE_MAX ? NULL : spans, n_spans == SIZE_MAX ? 0 : n_spans,
                   r->dwant, !q->exact_people, r->dsum);
    for (uint32_t s = 0; s < m->skill_space; s++) {
        const sm__demand_counts *c = &r->dsum[s];
        /* A row shows when something published is there: a skill that only people below the
         * threshold have would otherwise show by its row. */
        if (!r->dwant[s] ||
            (c->offers_essential <= 0 && c->offers_optional <= 0 && c->trainings <= 0 &&
             c->profiles <= 0 && c->one_away <= 0 && c->two_away <= 0))
            continue;
        if (sm_grow((void **)&r->drows, &r->drow_cap, r->drow_count + 1, sizeof *r->drows) != SM_OK)
            return sm_error_set(err, SM_ENOMEM, "out of memory");
        sm_demand_row *row = &r->drows[r->drow_count++];
        *row = (sm_demand_row){s,
                               nonneg(c->offers_essential),
                               nonneg(c->offers_optional),
                               nonneg(c->trainings),
                               nonneg(c->seats),
                               nonneg(c->profiles),
                               nonneg(c->one_away),
                               nonneg(c->two_away),
                               0};
        double demand = row->offers_essential + 0.5 * row->offers_optional,
               supply = (double)row->profiles + row->seats;
        row->unmet = demand > 0 ? demand * demand / (demand + supply) : 0;
    }
    if (r->drow_count > 1)
        qsort(r->drows, r->drow_count, sizeof *r->drows, cmp_demand_row);
    if (r->drow_count > top)
        r->drow_count = top;
    if (status) {
        /* The area's people, summed from its cells as every people count is (published). */
        status->profiles = nonneg(r->dsum[PEOPLE(m)].profiles);
        status->evaluated = nonneg(r->dsum[PEOPLE(m)].one_away);
        sm__demand_write_lock(m->demand);
        status->complete =
            sm__demand_complete(m->demand) && atomic_load(&m->demand_state) == DEMAND_LIVE;
        sm__demand_write_unlock(m->demand);
    }
    return (int)r->drow_count;
}

const sm_demand_row *sm_match_demand_get(const sm_match_reader *r, size_t index)
{
    return index < r->drow_count ? &r->drows[index] : NULL;
}
