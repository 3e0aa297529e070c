/*
 * matcher.c: the offer and profile store, its skill index, and queries
 * (see matcher.h and matcher/README.md).
 *
 * Invariants:
 * - Records (offers, profiles) are immutable once published. An upsert
 *   writes a new record in a new slot and empties the old slot; the old
 *   record is freed through epoch-based reclamation, so a reader that loaded
 *   it keeps a valid pointer until its query ends. Slots are never reused.
 * - Slot directories and posting blocks never move: readers reach them
 *   through atomic pointers and counts published with release stores after
 *   the data they guard is written.
 * - Postings of an emptied slot stay in the lists; queries skip them when
 *   they find the slot empty. Scores only ever come from live records.
 * - Similarity is read from neighbour lists made symmetric at creation, so
 *   expanding the profile (offers query) and expanding the offer
 *   (candidates query) give the same credits.
 */
#include "matcher/matcher.h"
#include "matcher/demand.h"
#include "matcher/epoch.h"
#include "matcher/explain.h"
#include "taxonomy/alloc.h"
#include "taxonomy/similarity.h"
#include "taxonomy/strmap.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define SM_ACC_WIDE 1 /* accumulate_wide, when the CPU has AVX-512 */
#include <immintrin.h>
#else
#define SM_ACC_WIDE 0
#endif

#define SEG_BITS 16
#define SEG_SIZE (1u << SEG_BITS)
#define MAX_SEGS 4096
#define MIN_SIM 0.2f
#define CLOSE_SIM 0.5f     /* a neighbour this similar is a close match (tier close) */
#define MAX_NEIGHBOURS 40u /* per skill, kept when mutual (keep_mutual_neighbours) */
#define ESSENTIAL_FACTOR 3.0f
#define DISTANCE_PENALTY 0.3
#define NO_SLOT UINT32_MAX
#define TOMBSTONE UINT32_MAX

/* ---- scoring rules ------------------------------------------------------ */

static float evidence_factor(uint8_t evidence, unsigned disable)
{
    static const float factor[4] = {0.80f, 0.90f, 0.95f, 1.00f};
    if (disable & SM_SCORE_NO_EVIDENCE)
        return 1.0f;
    return factor[evidence > 3 ? 3 : evidence];
}

static float level_factor(uint8_t have, uint8_t need, unsigned disable)
{
    if ((disable & SM_SCORE_NO_LEVEL) || need == 0 || have >= need)
        return 1.0f;
    if (have == 0)
        return 0.85f; /* level not stated: the benefit of the doubt, not full credit */
    float f = 1.0f - 0.2f * (float)(need - have);
    return f < 0.25f ? 0.25f : f;
}

static double distance_km(double lat1, double lon1, double lat2, double lon2)
{
    const double rad = 3.14159265358979323846 / 180.0;
    double dlat = (lat2 - lat1) * rad, dlon = (lon2 - lon1) * rad;
    double a = sin(dlat / 2) * sin(dlat / 2) +
               cos(lat1 * rad) * cos(lat2 * rad) * sin(dlon / 2) * sin(dlon / 2);
    return 6371.0 * 2 * atan2(sqrt(a), sqrt(1 - a));
}

int32_t sm_today(void)
{
    return (int32_t)(time(NULL) / 86400);
}

/* ---- records and slots -------------------------------------------------- */

typedef struct offer_rec {
    char *id, *title, *organisation, *contract;
    uint8_t kind, remote, has_location, org_kind, contract_type;
    unsigned flags;
    double lat, lon;
    float hours, duration_hours, cost;
    uint32_t seats, occupation;
    int32_t valid_from, valid_through;
    uint32_t req_count, teach_count;
    sm_requirement *reqs;
    float *contrib; /* per requirement: W / sum of W, default model */
    sm_requirement *teaches;
    uint32_t funding, start_count;
    int32_t *start_dates; /* sorted */
    uint8_t in_demand;    /* its counts are in the demand counters (under the demand lock) */
} offer_rec;

typedef struct profile_rec {
    char *id;
    uint8_t has_location;
    double lat, lon;
    float radius_km;
    unsigned constraints, consent;
    uint32_t skill_count;
    sm_skill_claim *skills;
} profile_rec;

/* What filtering needs of an offer, packed, so queries rarely touch records. */
typedef struct offer_meta {
    double lat, lon;
    int32_t valid_from, valid_through;
    float hours;
    _Atomic uint8_t alive;
    uint8_t flags; /* META_* */
    uint8_t org_kind, contract_type;
} offer_meta;

enum { META_REMOTE = 1, META_LOCATED = 2, META_CAR = 4, META_SUPPORT = 8, META_NO_DIPLOMA = 16 };

#define META_SEGS 4096
typedef struct metas {
    _Atomic(void *) segs[META_SEGS]; /* of offer_meta */
} metas;

/*
 * Per offer slot, where it is as a point on the unit sphere, in 16-bit fixed point (8 bytes
 * a slot, in slot order): top-k drops an offer beyond the radius, or whose distance already
 * keeps it out, without touching its meta or record (the chord between two points is at most
 * their great-circle distance, so the test below never drops an offer that could enter).
 */
typedef struct slot_point {
    int16_t x, y, z;
    uint16_t on_site; /* 0: remote or unlocated, never dropped here */
} slot_point;
#define POINT_UNIT 32767.0
/* Rounding each coordinate moves a point by at most sqrt(3) / 2 / POINT_UNIT (2.7e-5) on the
 * unit sphere: the chord is taken that much shorter. */
#define POINT_SLACK 3e-5
#define EARTH_KM 6371.0

typedef struct slot_points {
    _Atomic(void *) segs[META_SEGS]; /* of slot_point */
} slot_points;

typedef struct slots {
    _Atomic(_Atomic(void *) *) segs[MAX_SEGS];
    _Atomic uint32_t count; /* slots handed out */
} slots;

/*
 * A posting is eight bytes, the posting walk being most of a query: the slot,
 * then for offers the requirement's weight share rounded up to a multiple of
 * 1/SHARE_SCALE (22 bits), its level (4 bits) and the offer's depth increment
 * (6 bits, see DEPTH_FULL); for profiles the claim's level and evidence (2 bits).
 */
typedef struct posting {
    uint32_t slot;
    uint32_t packed;
} posting;

#define P_SHARE(p) ((p).packed & 0x3FFFFFu)
#define P_LEVEL(p) (((p).packed >> 22) & 15u)
#define P_INC(p) ((p).packed >> 26)
#define P_EVIDENCE(p) (((p).packed >> 26) & 3u)
/* extra: the depth increment (offers) or the evidence (profiles) */
#define PACK(share, level, extra)                                                                  \
    ((uint32_t)(share) | (uint32_t)(level) << 22 | (uint32_t)(extra) << 26)

/*
 * Bounds in fixed point. An accumulator is 32 bits: the query's stamp (5), a
 * depth count (12) and a skills bound (15). Queries add quantised shares x
 * quantised credits, both rounded up, into the skills bound in units of
 * 1/ACC_UNIT, plus one unit per posting: an upper bound of the exact skills
 * score, at most 6e-5 per requirement above it. Each posting also adds
 * DEPTH_FULL / min(SM_DEPTH_SKILLS, the offer's requirements) to the depth
 * count: the person's skills an offer draws on are at most the postings that
 * reached it, so min(count, DEPTH_FULL) / DEPTH_FULL bounds the depth factor,
 * and the product of the two bounds the score before distance. An offer's
 * sums fit their fields (at most 64 requirements: a bound below 1 plus 64
 * units, a count of at most 64 x 60), so one addition updates both; a
 * profile's saturate. Bounds only discard; whatever can still enter the
 * top-k is scored exactly from its record.
 */
#define QSCALE 8388608.0f      /* 2^23: a credit of 1 fits 24 bits */
#define SHARE_SCALE 2097152.0f /* 2^21: a share of 1 fits 22 bits */
#define ACC_SHIFT 30           /* QSCALE x SHARE_SCALE / ACC_UNIT */
#define ACC_UNIT 16384.0       /* 2^14: the skills bound reaches 2 */
#define STAMP_SHIFT 27
#define STAMP_MAX 31u
#define ACC_MAX 0x7FFFFFFu /* below the stamp */
#define BOUND_MAX 0x7FFFu
#define DEPTH_SHIFT 15
#define DEPTH_MASK 0xFFFu
#define DEPTH_FULL 60u /* divisible by 1..SM_DEPTH_SKILLS */

/* What one posting adds to an offer's depth count: DEPTH_FULL / min(SM_DEPTH_SKILLS,
 * requirements). */
static uint32_t depth_inc(size_t req_count)
{
    return DEPTH_FULL / (req_count == 0                ? 1u
                         : req_count < SM_DEPTH_SKILLS ? (uint32_t)req_count
                                                       : SM_DEPTH_SKILLS);
}

static uint32_t quant_at(float x, float scale)
{
    if (!(x > 0))
        return 0;
    float q = ceilf(x * scale);
    return q >= scale ? (uint32_t)scale : (uint32_t)q;
}

/* A credit, rounded up to a multiple of 1/QSCALE. */
static uint32_t quant_up(float x)
{
    return quant_at(x, QSCALE);
}

/*
 * A job posting's add comes from an entry of its skill's table, per required level: the
 * credit (24 bits, 1/QSCALE) and, above it, the weight in the depth of the claim that credit
 * comes through (1/WEIGHT_SCALE): 1 for an exact or close claim, its similarity for a loosely
 * related one, as drawn_total() counts it. The depth count grows by the posting's increment
 * times that weight, rounded up: the depth counts each claim once, at its best weight, so the
 * sum over the offer's requirements is at least what the exact score draws on.
 */
#define JOB_CREDIT_MASK 0xFFFFFFu
#define WEIGHT_SHIFT 6
#define WEIGHT_SCALE (1u << WEIGHT_SHIFT)
#define JOB_ENTRY(credit, weight) ((credit) | quant_at((weight), (float)WEIGHT_SCALE) << 24)

static float drawn_weight(float sim)
{
    return sim >= CLOSE_SIM ? 1.0f : sim;
}

static inline uint32_t job_add(posting p, uint32_t entry)
{
    uint32_t part = (uint32_t)(((uint64_t)P_SHARE(p) * (entry & JOB_CREDIT_MASK)) >> ACC_SHIFT);
    uint32_t inc = (P_INC(p) * (entry >> 24) + WEIGHT_SCALE - 1) >> WEIGHT_SHIFT;
    return part + 1 + (inc << DEPTH_SHIFT);
}

typedef struct block {
    _Atomic uint32_t count;
    /* the slot of the last posting appended, stored before count: at least items[count - 1]'s,
     * so a reader knows from the header alone that no posting is newer than its query */
    _Atomic uint32_t last;
    uint32_t cap;
    _Atomic(struct block *) next;
    posting items[];
} block;

typedef struct plist {
    _Atomic(block *) head;
    block *tail, *prev; /* writer only: the last block and the one before it */
} plist;

/*
 * The spatial grid: each skill's job postings are split by the cell of the
 * offer's location (CELL_DEG degrees square), plus one cell for remote and
 * unlocated offers, which every query walks. A query with a location and a
 * mobility radius walks only the cells its radius can reach; offers elsewhere
 * would be filtered out anyway, so results do not change. Skills of middling
 * popularity are split by coarse cells (COARSE x COARSE cells, numbered from
 * COARSE_BASE) instead: fine cells would cut their lists into slivers, whose
 * per-list cost falls on every query that walks all cells.
 */
#define CELLS_PER_DEG 2
#define CELL_DEG (1.0 / CELLS_PER_DEG)
#define COARSE 4u
#define COARSE_BASE 0x80000000u
#define CELL_ANYWHERE UINT32_MAX
/* Profiles with a larger (or no) radius are filed under CELL_ANYWHERE. */
#define GRID_MAX_RADIUS 100.0f
/* A skill's postings stay in CELL_ANYWHERE until it has this many: splitting a very rare
 * skill into cells would only scatter a short list into tiny blocks. From the first number
 * on, its new job postings go by coarse cell, from the second by cell. Low, because a located
 * query walks only the cells its radius reaches (half the postings of 2,048 / 16,384), and
 * queries without a radius walk a second, whole list of the gridded postings (job_gridded),
 * not every cell. */
#define GRID_MIN_COARSE_JOB_POSTINGS 128u
#define GRID_MIN_JOB_POSTINGS 1024u
#define GRID_MIN_PROFILE_POSTINGS 2048u
/* A cell number is row * 1024 + column: the columns must fit. */
_Static_assert(360 * CELLS_PER_DEG < 1024, "grid columns overflow the cell number");

typedef struct cell_list {
    plist list;
} cell_list;

/* A skill's cells, sorted by cell; replaced whole (copy on write) when a cell is added. */
typedef struct cellmap {
    uint32_t count;
    cell_list entries[]; /* then count cell numbers, searched apart: 16 to a cache line */
} cellmap;

static inline const uint32_t *cell_ids(const cellmap *cm)
{
    return (const uint32_t *)(cm->entries + cm->count);
}

static uint32_t cell_of(double lat, double lon)
{
    uint32_t cy = (uint32_t)floor((lat + 90.0) / CELL_DEG),
             cx = (uint32_t)floor((lon + 180.0) / CELL_DEG);
    return cy * 1024u + cx;
}

/* The coarse cell holding a cell. */
static uint32_t coarse_of(uint32_t cell)
{
    return COARSE_BASE | ((cell / 1024u / COARSE) * 1024u + cell % 1024u / COARSE);
}

/* The cells within radius_km of a point, as a box of rows and columns (all when
 * unbounded), and the coarse cells holding them. */
typedef struct cell_box {
    uint32_t cy0, cy1, cx0, cx1;
} cell_box;

static cell_box radius_box(int located, double lat, double lon, double radius_km)
{
    cell_box b = {0, UINT32_MAX, 0, UINT32_MAX};
    if (!located || radius_km <= 0)
        return b;
    /* Conservative: one degree is 111.19 km on the haversine sphere, and the box
     * takes the widest parallel of its latitude band. */
    double dlat = radius_km / 110.0 + 0.05;
    double lat0 = lat - dlat, lat1 = lat + dlat;
    double widest = fmax(fabs(lat0), fabs(lat1));
    if (widest >= 85)
        return b;
    double dlon = radius_km / (110.0 * cos(widest * 3.14159265358979323846 / 180)) + 0.05;
    if (lon - dlon <= -180 || lon + dlon >= 180)
        return b;
    b.cy0 = cell_of(lat0, 0) / 1024;
    b.cy1 = cell_of(lat1, 0) / 1024;
    b.cx0 = cell_of(0, lon - dlon) % 1024;
    b.cx1 = cell_of(0, lon + dlon) % 1024;
    return b;
}

/* The cells of a skill's map inside a box, row by row (galloping from the last row's end), then
 * CELL_ANYWHERE: a popular skill has hundreds of cells and a query wants a few. */
typedef struct cell_iter {
    const cellmap *cm;
    const cell_box *box;
    uint32_t i, row;
    int positioned, coarse, anywhere_done;
} cell_iter;

/* The first of a map's cells [lo, hi) that is not below cell (hi when none). */
static uint32_t cells_search(const cellmap *cm, uint32_t lo, uint32_t hi, uint32_t cell)
{
    const uint32_t *ids = cell_ids(cm);
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (ids[mid] < cell)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static uint32_t cells_lower_bound(const cellmap *cm, uint32_t cell)
{
    return cells_search(cm, 0, cm->count, cell);
}

/* cells_lower_bound() knowing that every cell before lo is smaller: the next row of a box
 * starts a few cells after where the last one ended, so gallop from there (a few probes in
 * cache lines already read) rather than search the whole map again. */
static uint32_t cells_lower_bound_from(const cellmap *cm, uint32_t lo, uint32_t cell)
{
    const uint32_t *ids = cell_ids(cm);
    uint32_t hi = lo, step = 1;
    while (hi < cm->count && ids[hi] < cell) {
        lo = hi + 1;
        hi += step;
        step *= 2;
    }
    return cells_search(cm, lo, hi < cm->count ? hi : cm->count, cell);
}

/* A map's CELL_ANYWHERE list (the last, when there is one), or NULL. */
static const cell_list *anywhere_list(const cellmap *cm)
{
    return cm && cm->count && cell_ids(cm)[cm->count - 1] == CELL_ANYWHERE
               ? &cm->entries[cm->count - 1]
               : NULL;
}

static const cell_list *cell_next(cell_iter *it)
{
    const cellmap *cm = it->cm;
    if (!cm)
        return NULL;
    const cell_box *b = it->box;
    if (b->cy1 == UINT32_MAX) /* unbounded: every cell */
        return it->i < cm->count ? &cm->entries[it->i++] : NULL;
    /* The box's rows of cells, then its rows of coarse cells. */
    for (; it->coarse < 2; it->coarse++, it->row = it->coarse ? b->cy0 / COARSE : 0) {
        uint32_t base = it->coarse ? COARSE_BASE : 0, div = it->coarse ? COARSE : 1;
        uint32_t last = b->cy1 / div, x0 = b->cx0 / div, x1 = b->cx1 / div;
        while (it->row <= last) {
            if (!it->positioned) {
                it->i = cells_lower_bound_from(cm, it->i, base | (it->row * 1024u + x0));
                it->positioned = 1;
            }
            if (it->i < cm->count && cell_ids(cm)[it->i] <= (base | (it->row * 1024u + x1)))
                return &cm->entries[it->i++];
            it->row++;
            it->positioned = 0;
        }
    }
    if (!it->anywhere_done) {
        it->anywhere_done = 1;
        return anywhere_list(cm);
    }
    return NULL;
}

static cell_iter cells_in(const cellmap *cm, const cell_box *box)
{
    cell_iter it = {cm, box, 0, box->cy0, 0, 0, 0};
    return it;
}

typedef struct neighbour {
    uint32_t skill;
    float sim;
} neighbour;

struct sm_matcher {
    const sm_taxonomy *tx;
    size_t skill_space; /* taxonomy concept count */
    uint32_t *nb_offsets;
    neighbour *nbs;
    float *rarity;
    pthread_mutex_t writer; /* serialises writers, and id lookups by readers */
    sm_epoch *epoch;
    slots offers, profiles, trainings; /* trainings: slot numbers of training offers */
    sm_strmap *offer_ids, *profile_ids;
    _Atomic(cellmap *) *job_cells;                         /* per skill */
    /* per skill, its postings filed under a cell (not CELL_ANYWHERE) once more, in one list: a
     * query without a radius walks it and the skill's CELL_ANYWHERE list, not every cell */
    plist *job_gridded;
    /* per skill, the training offers that teach it (their slots; emptied ones are skipped) */
    plist *training_lists;
    _Atomic(cellmap *) *profile_cells;                     /* per skill */
    uint32_t *job_skill_postings, *profile_skill_postings; /* writer only: postings per skill */
    /* writer only: per skill, postings of emptied slots still in its lists (see compaction) */
    uint32_t *job_skill_dead, *profile_skill_dead;
    uint32_t grid_min_coarse_postings, grid_min_job_postings, grid_min_profile_postings;
    int wide; /* job postings are accumulated sixteen at a time (accumulate_wide) */
    _Atomic size_t job_count, training_count, profile_count;
    _Atomic size_t bytes;
    metas offer_metas;      /* per offer slot, written before the slot is published */
    slot_points offer_points; /* likewise */
    sm_similarity *own_sim; /* the model built by sm_matcher_new, freed with the matcher */
    /* skills demand (demand.h), and per profile slot the skills it is one or two away by
     * (under the demand lock) */
    sm__demand *demand;
    struct away_set **away;
    size_t away_cap;
    _Atomic uint32_t away_cursor;
    size_t stat_profiles, away_count; /* under the demand lock */
    /* A bulk load defers the counters (sm_matcher_demand_defer): the demand worker then
     * counts the records slot by slot (sm_matcher_demand_catch_up); meanwhile a change is
     * logged only for a slot already counted or added since (under the writers' mutex). */
    _Atomic int demand_state; /* DEMAND_LIVE, DEMAND_DEFERRED, DEMAND_CATCHING_UP */
    _Atomic int32_t demand_day; /* the day sm_matcher_demand_expire last looked at */
    uint32_t demand_offer_end, demand_profile_end, demand_offer_at, demand_profile_at;
};

enum { DEMAND_LIVE = 0, DEMAND_DEFERRED, DEMAND_CATCHING_UP };

/* Whether a change to a slot goes to the counters now (the writers' mutex is held). */
static int demand_counts_slot(const sm_matcher *m, uint32_t slot, int offer)
{
    int state = atomic_load_explicit(&m->demand_state, memory_order_relaxed);
    if (state == DEMAND_LIVE)
        return 1;
    if (state == DEMAND_DEFERRED)
        return 0;
    uint32_t end = offer ? m->demand_offer_end : m->demand_profile_end,
             at = offer ? m->demand_offer_at : m->demand_profile_at;
    return slot < at || slot >= end;
}

static _Atomic(void *) *slot_ref(const slots *s, uint32_t slot)
{
    _Atomic(void *) *seg = atomic_load_explicit(&s->segs[slot >> SEG_BITS], memory_order_acquire);
    return seg ? &seg[slot & (SEG_SIZE - 1)] : NULL;
}

static void *slot_get(const slots *s, uint32_t slot)
{
    _Atomic(void *) *ref = slot_ref(s, slot);
    return ref ? atomic_load_explicit(ref, memory_order_acquire) : NULL;
}

/* Writer: appends value in a new slot; returns it, or NO_SLOT when out of memory. */
static uint32_t slot_append(slots *s, void *value)
{
    uint32_t slot = atomic_load_explicit(&s->count, memory_order_relaxed);
    if ((slot >> SEG_BITS) >= MAX_SEGS)
        return NO_SLOT;
    if (!atomic_load_explicit(&s->segs[slot >> SEG_BITS], memory_order_relaxed)) {
        _Atomic(void *) *seg = sm_calloc(SEG_SIZE, sizeof *seg);
        if (!seg)
            return NO_SLOT;
        atomic_store_explicit(&s->segs[slot >> SEG_BITS], seg, memory_order_release);
    }
    atomic_store_explicit(slot_ref(s, slot), value, memory_order_release);
    atomic_store_explicit(&s->count, slot + 1, memory_order_release);
    return slot;
}

/* Writer: entry slot of a per-slot array of size-byte entries kept in segments, the segment
 * allocated (zeroed) on first use; NULL when out of memory. */
static void *seg_entry_for_write(_Atomic(void *) *segs, uint32_t slot, size_t size)
{
    uint32_t seg = slot >> SEG_BITS;
    if (seg >= META_SEGS)
        return NULL;
    char *s = atomic_load_explicit(&segs[seg], memory_order_relaxed);
    if (!s) {
        s = sm_calloc(SEG_SIZE, size);
        if (!s)
            return NULL;
        atomic_store_explicit(&segs[seg], s, memory_order_release);
    }
    return s + (size_t)(slot & (SEG_SIZE - 1)) * size;
}

static void *seg_entry(_Atomic(void *) *segs, uint32_t slot, size_t size)
{
    char *s = atomic_load_explicit(&segs[slot >> SEG_BITS], memory_order_acquire);
    return s ? s + (size_t)(slot & (SEG_SIZE - 1)) * size : NULL;
}

static offer_meta *meta_for_write(metas *ms, uint32_t slot)
{
    return seg_entry_for_write(ms->segs, slot, sizeof(offer_meta));
}

static const offer_meta *meta_get(metas *ms, uint32_t slot)
{
    return seg_entry(ms->segs, slot, sizeof(offer_meta));
}

static slot_point *point_for_write(slot_points *sp, uint32_t slot)
{
    return seg_entry_for_write(sp->segs, slot, sizeof(slot_point));
}

static const slot_point *point_get(slot_points *sp, uint32_t slot)
{
    return seg_entry(sp->segs, slot, sizeof(slot_point));
}

/* The unit vector of a place. */
static void unit_vector(double lat, double lon, double v[3])
{
    const double rad = 3.14159265358979323846 / 180.0;
    v[0] = cos(lat * rad) * cos(lon * rad);
    v[1] = cos(lat * rad) * sin(lon * rad);
    v[2] = sin(lat * rad);
}

static slot_point point_of(int on_site, double lat, double lon)
{
    slot_point p = {0, 0, 0, 0};
    if (!on_site)
        return p;
    double v[3];
    unit_vector(lat, lon, v);
    p.x = (int16_t)lrint(v[0] * POINT_UNIT);
    p.y = (int16_t)lrint(v[1] * POINT_UNIT);
    p.z = (int16_t)lrint(v[2] * POINT_UNIT);
    p.on_site = 1;
    return p;
}

static void slots_free(slots *s, void (*free_fn)(void *))
{
    uint32_t count = atomic_load(&s->count);
    for (uint32_t i = 0; free_fn && i < count; i++)
        free_fn(slot_get(s, i));
    for (int k = 0; k < MAX_SEGS; k++) {
        _Atomic(void *) *seg = atomic_load(&s->segs[k]);
        void *raw;
        memcpy(&raw, &seg, sizeof raw); /* free() takes a plain pointer */
        sm_free(raw);
    }
}

static void free_offer(void *p)
{
    offer_rec *o = p;
    if (!o)
        return;
    sm_free(o->id);
    sm_free(o->title);
    sm_free(o->organisation);
    sm_free(o->contract);
    sm_free(o); /* reqs, contrib and teaches live in the same allocation */
}

static void free_profile(void *p)
{
    profile_rec *r = p;
    if (!r)
        return;
    sm_free(r->id);
    sm_free(r->skills);
    sm_free(r);
}

/*
 * A list is full blocks of BLOCK_MAX postings and one growing tail. A full
 * tail below BLOCK_MAX is replaced by a copy twice its size (readers still in
 * the old one keep it until their epoch ends): a query pays one block start,
 * a likely cache miss, per BLOCK_MAX postings instead of one per doubling.
 */
#define BLOCK_MIN 8u
#define BLOCK_MAX 8192u

/*
 * Writer: appends a posting to a list. A full tail below BLOCK_MAX is replaced by a copy twice
 * as large when copy is set, else followed by a new block twice as large: a list that only
 * queries without a radius walk (job_gridded) spares the upserts those copies.
 */
static int plist_add(sm_matcher *m, plist *l, const posting *p, int copy)
{
    block *b = l->tail;
    if (!b || atomic_load_explicit(&b->count, memory_order_relaxed) == b->cap) {
        int grow = copy && b && b->cap < BLOCK_MAX;
        uint32_t cap = !b ? BLOCK_MIN : b->cap < BLOCK_MAX ? b->cap * 2 : BLOCK_MAX;
        block *fresh = sm_malloc(sizeof(block) + cap * sizeof(posting));
        if (!fresh)
            return SM_ENOMEM;
        fresh->cap = cap;
        atomic_init(&fresh->next, NULL);
        atomic_fetch_add(&m->bytes, sizeof(block) + cap * sizeof(posting));
        if (grow) {
            memcpy(fresh->items, b->items, b->cap * sizeof(posting));
            atomic_init(&fresh->count, b->cap);
            atomic_init(&fresh->last, atomic_load_explicit(&b->last, memory_order_relaxed));
            /* seq_cst, as the epoch protocol wants of an unlink */
            if (l->prev)
                atomic_store(&l->prev->next, fresh);
            else
                atomic_store(&l->head, fresh);
            atomic_fetch_sub(&m->bytes, sizeof(block) + b->cap * sizeof(posting));
            sm_epoch_retire(m->epoch, b, sm_free);
        } else {
            atomic_init(&fresh->count, 0);
            atomic_init(&fresh->last, 0);
            if (b)
                atomic_store_explicit(&b->next, fresh, memory_order_release);
            else
                atomic_store_explicit(&l->head, fresh, memory_order_release);
            l->prev = b;
        }
        l->tail = b = fresh;
    }
    uint32_t n = atomic_load_explicit(&b->count, memory_order_relaxed);
    b->items[n] = *p;
    atomic_store_explicit(&b->last, p->slot, memory_order_relaxed);
    atomic_store_explicit(&b->count, n + 1, memory_order_release);
    return SM_OK;
}

/*
 * Writer: the posting list of skill in cell, adding the cell to the skill's
 * map (a new copy, published, the old one retired) when it is new. NULL when
 * out of memory.
 */
static plist *cell_list_for(sm_matcher *m, _Atomic(cellmap *) *maps, uint32_t skill, uint32_t cell)
{
    cellmap *cm = atomic_load_explicit(&maps[skill], memory_order_relaxed);
    uint32_t n = cm ? cm->count : 0, lo = cm ? cells_lower_bound(cm, cell) : 0;
    if (lo < n && cell_ids(cm)[lo] == cell)
        return &cm->entries[lo].list;
    size_t size = sizeof(cellmap) + (n + 1) * (sizeof(cell_list) + sizeof(uint32_t));
    cellmap *fresh = sm_malloc(size);
    if (!fresh)
        return NULL;
    fresh->count = n + 1;
    uint32_t *ids = (uint32_t *)(fresh->entries + n + 1);
    /* Lists keep their blocks: readers of the old map and of the new one share them. */
    for (uint32_t i = 0, k = 0; i <= n; i++) {
        cell_list *e = &fresh->entries[i];
        if (i == lo) {
            ids[i] = cell;
            atomic_init(&e->list.head, NULL);
            e->list.tail = e->list.prev = NULL;
            continue;
        }
        ids[i] = cell_ids(cm)[k];
        atomic_init(&e->list.head,
                    atomic_load_explicit(&cm->entries[k].list.head, memory_order_relaxed));
        e->list.tail = cm->entries[k].list.tail;
        e->list.prev = cm->entries[k].list.prev;
        k++;
    }
    atomic_store_explicit(&maps[skill], fresh, memory_order_release);
    atomic_fetch_add(&m->bytes, sizeof(cell_list) + sizeof(uint32_t));
    if (cm)
        sm_epoch_retire(m->epoch, cm, sm_free);
    return &fresh->entries[lo].list;
}

static void plist_free(plist *l)
{
    block *b = atomic_load(&l->head);
    while (b) {
        block *next = atomic_load(&b->next);
        sm_free(b);
        b = next;
    }
}

static void cellmaps_free(_Atomic(cellmap *) *maps, size_t count)
{
    for (size_t skill = 0; maps && skill < count; skill++) {
        cellmap *cm = atomic_load(&maps[skill]);
        for (uint32_t i = 0; cm && i < cm->count; i++)
            plist_free(&cm->entries[i].list);
        sm_free(cm);
    }
    sm_free(maps);
}

/* ---- creation ----------------------------------------------------------- */

typedef struct pair {
    uint32_t a, b;
    float sim;
} pair;

static int cmp_pair(const void *x, const void *y)
{
    const pair *p = x, *q = y;
    if (p->a != q->a)
        return p->a < q->a ? -1 : 1;
    if (p->b != q->b)
        return p->b < q->b ? -1 : 1;
    return (p->sim < q->sim) - (p->sim > q->sim); /* larger sim first */
}

/* A skill's neighbours by strength: similarity, then the more specific first (fewer
 * occupations ask for it: as with rarity, its credit says more), then concept number. */
typedef struct ranked_nb {
    uint32_t index; /* in the skill's list */
    float sim;
    uint32_t occupations, skill;
} ranked_nb;

static int cmp_ranked_nb(const void *x, const void *y)
{
    const ranked_nb *p = x, *q = y;
    if (p->sim != q->sim)
        return p->sim > q->sim ? -1 : 1;
    if (p->occupations != q->occupations)
        return p->occupations < q->occupations ? -1 : 1;
    return (p->skill > q->skill) - (p->skill < q->skill);
}

/* Where b sits in a's list (sorted by skill), or UINT32_MAX. */
static uint32_t nb_index(const sm_matcher *m, uint32_t a, uint32_t b)
{
    uint32_t lo = m->nb_offsets[a], hi = m->nb_offsets[a + 1];
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (m->nbs[mid].skill < b)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < m->nb_offsets[a + 1] && m->nbs[lo].skill == b ? lo : UINT32_MAX;
}

/*
 * Keeps a pair only when each skill is among the other's MAX_NEIGHBOURS
 * strongest (mutual nearest neighbours). Without it a broad skill with
 * hundreds of narrower ones, all equally similar, expands every query that
 * names it to all of them. Measured (bench/match_eval, dev profiles; and
 * bench/match_speed): nDCG@10 0.690 -> 0.688, MRR 0.782 -> 0.774, postings
 * walked per query -30%, query p50 1.07 -> 0.81 ms. Breaking ties by
 * popularity instead kept longer lists and ranked no better.
 */
static int keep_mutual_neighbours(sm_matcher *m)
{
    size_t count = m->skill_space, total = m->nb_offsets[count];
    uint32_t *rank = sm_malloc((total + 1) * sizeof *rank);
    ranked_nb *tmp = sm_malloc((total + 1) * sizeof *tmp);
    if (!rank || !tmp) {
        sm_free(rank);
        sm_free(tmp);
        return SM_ENOMEM;
    }
    for (uint32_t a = 0; a < count; a++) {
        uint32_t first = m->nb_offsets[a], n = m->nb_offsets[a + 1] - first;
        for (uint32_t i = 0; i < n; i++) {
            const sm_edge *e;
            uint32_t b = m->nbs[first + i].skill;
            tmp[i] =
                (ranked_nb){i, m->nbs[first + i].sim,
                            (uint32_t)sm_taxonomy_adjacent(m->tx, b, SM_ADJ_SKILL_OCCS, &e), b};
        }
        qsort(tmp, n, sizeof *tmp, cmp_ranked_nb);
        for (uint32_t r = 0; r < n; r++)
            rank[first + tmp[r].index] = r;
    }
    /* rank[i] becomes 1 for the pairs kept, before any list moves. */
    for (uint32_t a = 0; a < count; a++)
        for (uint32_t i = m->nb_offsets[a]; i < m->nb_offsets[a + 1]; i++) {
            uint32_t back = nb_index(m, m->nbs[i].skill, a);
            tmp[i].index =
                rank[i] < MAX_NEIGHBOURS && back != UINT32_MAX && rank[back] < MAX_NEIGHBOURS;
        }
    size_t kept = 0;
    for (uint32_t a = 0, start = 0; a < count; a++) {
        uint32_t end = m->nb_offsets[a + 1];
        for (uint32_t i = start; i < end; i++)
            if (tmp[i].index)
                m->nbs[kept++] = m->nbs[i]; /* kept <= i: moves down in place, order kept */
        start = end;
        m->nb_offsets[a + 1] = (uint32_t)kept;
    }
    sm_free(rank);
    sm_free(tmp);
    return SM_OK;
}

/* Symmetric neighbour lists: b is a's neighbour when either lists the other. */
static int build_neighbours(sm_matcher *m, const sm_similarity *sim)
{
    size_t count = m->skill_space, total = 0;
    for (uint32_t a = 0; a < count; a++) {
        const sm_neighbour *list;
        total += sm_similarity_neighbours(sim, a, &list);
    }
    pair *pairs = sm_malloc((2 * total + 1) * sizeof *pairs);
    m->nb_offsets = sm_calloc(count + 1, sizeof *m->nb_offsets);
    if (!pairs || !m->nb_offsets) {
        sm_free(pairs);
        return SM_ENOMEM;
    }
    size_t n = 0;
    for (uint32_t a = 0; a < count; a++) {
        const sm_neighbour *list;
        size_t k = sm_similarity_neighbours(sim, a, &list);
        for (size_t i = 0; i < k; i++) {
            if (list[i].sim < MIN_SIM)
                continue;
            pairs[n++] = (pair){a, list[i].concept, list[i].sim};
            pairs[n++] = (pair){list[i].concept, a, list[i].sim};
        }
    }
    if (n)
        qsort(pairs, n, sizeof *pairs, cmp_pair);
    m->nbs = sm_malloc((n + 1) * sizeof *m->nbs);
    if (!m->nbs) {
        sm_free(pairs);
        return SM_ENOMEM;
    }
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        if (i && pairs[i].a == pairs[i - 1].a && pairs[i].b == pairs[i - 1].b)
            continue;
        m->nbs[kept] = (neighbour){pairs[i].b, pairs[i].sim};
        m->nb_offsets[pairs[i].a + 1]++;
        kept++;
    }
    for (size_t a = 0; a < count; a++)
        m->nb_offsets[a + 1] += m->nb_offsets[a];
    sm_free(pairs);
    return keep_mutual_neighbours(m);
}

size_t sm_matcher_neighbours(const sm_matcher *m, uint32_t skill, uint32_t *skills, float *sims,
                             size_t cap)
{
    if (skill >= m->skill_space)
        return 0;
    size_t n = m->nb_offsets[skill + 1] - m->nb_offsets[skill];
    for (size_t i = 0; i < n && i < cap; i++) {
        skills[i] = m->nbs[m->nb_offsets[skill] + i].skill;
        sims[i] = m->nbs[m->nb_offsets[skill] + i].sim;
    }
    return n;
}

float sm_matcher_similarity(const sm_matcher *m, uint32_t a, uint32_t b)
{
    if (a == b)
        return 1.0f;
    if (a >= m->skill_space)
        return 0.0f;
    const neighbour *list = m->nbs + m->nb_offsets[a];
    size_t lo = 0, hi = m->nb_offsets[a + 1] - m->nb_offsets[a];
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (list[mid].skill < b)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < m->nb_offsets[a + 1] - m->nb_offsets[a] && list[lo].skill == b ? list[lo].sim
                                                                               : 0.0f;
}

void sm_matcher_sim_params(sm_sim_params *p)
{
    /* Chosen on the dev profiles of bench/match_eval (see matcher/README.md): a
     * sibling can stand in for a skill, a skill asked alongside it cannot. */
    sm_sim_params_default(p);
    p->sibling = 0.65f;
    p->sibling_group_size = 40.0f;
    p->parent = 0.60f;
    p->cooccur = 0.0f;
}

int sm_matcher_new(const sm_taxonomy *tx, sm_matcher **out)
{
    sm_sim_params params;
    sm_matcher_sim_params(&params);
    sm_similarity *sim;
    *out = NULL;
    if (sm_similarity_build(tx, &params, &sim) != SM_OK)
        return SM_ENOMEM;
    int rc = sm_matcher_new_with_similarity(tx, sim, out);
    if (rc != SM_OK) {
        sm_similarity_free(sim);
        return rc;
    }
    (*out)->own_sim = sim;
    return SM_OK;
}

int sm_matcher_new_with_similarity(const sm_taxonomy *tx, const sm_similarity *sim,
                                   sm_matcher **out)
{
    *out = NULL;
    sm_matcher *m = sm_calloc(1, sizeof *m);
    if (!m)
        return SM_ENOMEM;
    m->tx = tx;
    m->skill_space = sm_taxonomy_count(tx);
    pthread_mutex_init(&m->writer, NULL);
    m->epoch = sm_epoch_new();
    m->offer_ids = sm_strmap_new();
    m->profile_ids = sm_strmap_new();
    m->job_cells = sm_calloc(m->skill_space + 1, sizeof *m->job_cells);
    m->job_gridded = sm_calloc(m->skill_space + 1, sizeof *m->job_gridded);
    m->training_lists = sm_calloc(m->skill_space + 1, sizeof *m->training_lists);
    m->demand = sm__demand_new(m->skill_space + 1); /* + PEOPLE(m) */
    m->profile_cells = sm_calloc(m->skill_space + 1, sizeof *m->profile_cells);
    m->job_skill_postings = sm_calloc(m->skill_space + 1, sizeof *m->job_skill_postings);
    m->profile_skill_postings = sm_calloc(m->skill_space + 1, sizeof *m->profile_skill_postings);
    m->job_skill_dead = sm_calloc(m->skill_space + 1, sizeof *m->job_skill_dead);
    m->profile_skill_dead = sm_calloc(m->skill_space + 1, sizeof *m->profile_skill_dead);
    m->grid_min_coarse_postings = GRID_MIN_COARSE_JOB_POSTINGS;
    m->grid_min_job_postings = GRID_MIN_JOB_POSTINGS;
    m->grid_min_profile_postings = GRID_MIN_PROFILE_POSTINGS;
    sm_matcher_set_wide(m, 1);
    m->rarity = sm_malloc((m->skill_space + 1) * sizeof(float));
    if (!m->epoch || !m->offer_ids || !m->profile_ids || !m->job_cells || !m->job_gridded ||
        !m->training_lists || !m->demand || !m->profile_cells ||
        !m->job_skill_postings || !m->profile_skill_postings || !m->job_skill_dead ||
        !m->profile_skill_dead || !m->rarity || build_neighbours(m, sim) != SM_OK) {
        sm_matcher_free(m);
        return SM_ENOMEM;
    }
    /* Rarity: skills asked for by many occupations (English, teamwork) weigh less. */
    for (uint32_t s = 0; s < m->skill_space; s++) {
        const sm_edge *e;
        size_t occ = sm_taxonomy_adjacent(tx, s, SM_ADJ_SKILL_OCCS, &e);
        m->rarity[s] = 1.0f / (1.0f + 0.25f * logf(1.0f + (float)occ));
    }
    *out = m;
    return SM_OK;
}

void sm_matcher_free(sm_matcher *m)
{
    if (!m)
        return;
    slots_free(&m->offers, free_offer);
    slots_free(&m->profiles, free_profile);
    slots_free(&m->trainings, NULL);
    for (int k = 0; k < META_SEGS; k++) {
        sm_free(atomic_load(&m->offer_metas.segs[k]));
        sm_free(atomic_load(&m->offer_points.segs[k]));
    }
    cellmaps_free(m->job_cells, m->skill_space);
    for (size_t skill = 0; m->job_gridded && skill < m->skill_space; skill++)
        plist_free(&m->job_gridded[skill]);
    for (size_t skill = 0; m->training_lists && skill < m->skill_space; skill++)
        plist_free(&m->training_lists[skill]);
    sm_free(m->job_gridded);
    sm_free(m->training_lists);
    sm__demand_free(m->demand);
    for (size_t i = 0; i < m->away_cap; i++)
        sm_free(m->away[i]);
    sm_free(m->away);
    cellmaps_free(m->profile_cells, m->skill_space);
    sm_free(m->job_skill_postings);
    sm_free(m->profile_skill_postings);
    sm_free(m->job_skill_dead);
    sm_free(m->profile_skill_dead);
    sm_strmap_free(m->offer_ids);
    sm_strmap_free(m->profile_ids);
    sm_epoch_free(m->epoch);
    sm_free(m->nb_offsets);
    sm_free(m->nbs);
    sm_free(m->rarity);
    sm_similarity_free(m->own_sim);
    pthread_mutex_destroy(&m->writer);
    sm_free(m);
}

void sm_matcher_set_grid_min_postings(sm_matcher *m, uint32_t coarse, uint32_t postings)
{
    pthread_mutex_lock(&m->writer);
    m->grid_min_coarse_postings = coarse;
    m->grid_min_job_postings = m->grid_min_profile_postings = postings;
    pthread_mutex_unlock(&m->writer);
}

float sm_matcher_rarity(const sm_matcher *m, uint32_t skill)
{
    return skill < m->skill_space ? m->rarity[skill] : 1.0f;
}

/* ---- writing ------------------------------------------------------------ */

static int is_skill(const sm_matcher *m, uint32_t id)
{
    return id < m->skill_space && sm_concept_is_skill(sm_taxonomy_type(m->tx, id));
}

static int check_text(const char *s, const char *field, int required, sm_error *err)
{
    if (!s || !*s)
        return required ? sm_error_set(err, SM_EINVAL, "%s: required", field) : SM_OK;
    size_t len = strlen(s);
    if (len > 1024)
        return sm_error_set(err, SM_EINVAL, "%s: longer than 1024 bytes", field);
    if (!sm_utf8_valid(s, len, NULL))
        return sm_error_set(err, SM_EINVAL, "%s: invalid UTF-8", field);
    return SM_OK;
}

static int check_geo(const sm_geo *g, const char *field, sm_error *err)
{
    if (g->known && !(g->lat >= -90 && g->lat <= 90 && g->lon >= -180 && g->lon <= 180))
        return sm_error_set(err, SM_EINVAL,
                            "%s: latitude must be in [-90, 90], longitude in [-180, 180]", field);
    return SM_OK;
}

static int check_requirements(const sm_matcher *m, const sm_requirement *r, size_t n,
                              const char *field, sm_error *err)
{
    if (n > SM_MAX_REQUIREMENTS)
        return sm_error_set(err, SM_EINVAL, "%s: more than %d skills", field, SM_MAX_REQUIREMENTS);
    for (size_t i = 0; i < n; i++) {
        if (!is_skill(m, r[i].skill))
            return sm_error_set(err, SM_EINVAL, "%s[%zu].skill: not a skill concept", field, i);
        if (r[i].level > SM_MAX_LEVEL)
            return sm_error_set(err, SM_EINVAL, "%s[%zu].level: must be 0..8", field, i);
        if (!(r[i].weight >= 0 && r[i].weight <= 10))
            return sm_error_set(err, SM_EINVAL, "%s[%zu].weight: must be in (0, 10]", field, i);
        for (size_t k = 0; k < i; k++)
            if (r[k].skill == r[i].skill)
                return sm_error_set(err, SM_EINVAL, "%s[%zu].skill: listed twice", field, i);
    }
    return SM_OK;
}

static char *dup_or_null(const char *s)
{
    return s && *s ? sm_strndup(s, strlen(s)) : NULL;
}

/* The requirement weight W of the default model. */
static float req_weight(const sm_matcher *m, const sm_requirement *r, unsigned disable)
{
    float w = r->weight > 0 ? r->weight : 1.0f;
    if (!(disable & SM_SCORE_NO_RARITY))
        w *= m->rarity[r->skill];
    if (!(disable & SM_SCORE_NO_ESSENTIAL) && r->essential)
        w *= ESSENTIAL_FACTOR;
    return w;
}

/* shares[i] = W_i / sum of W: what requirement i adds to the skills score at full credit. */
static void weight_shares(const sm_matcher *m, const sm_requirement *reqs, size_t n,
                          unsigned disable, float *shares)
{
    double total = 0;
    for (size_t i = 0; i < n; i++)
        total += req_weight(m, &reqs[i], disable);
    for (size_t i = 0; i < n; i++)
        shares[i] = total > 0 ? (float)(req_weight(m, &reqs[i], disable) / total) : 0;
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
        free_offer(r);
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
    weight_shares(m, r->reqs, r->req_count, 0, r->contrib);
    if (o->teach_count)
        memcpy(r->teaches, o->teaches, o->teach_count * sizeof *r->teaches);
    return r;
}

/* ---- demand counters (demand.h) ---------------------------------------------- */

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
static void demand_offer(sm_matcher *m, offer_rec *o, int32_t sign)
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

static void demand_profile(sm_matcher *m, const profile_rec *p, int32_t sign)
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
        sm__demand_add(m->demand, a->skills[i], a->cell, i < a->one ? SM__D_ONE_AWAY
                                                                    : SM__D_TWO_AWAY,
                       sign);
    if (a)
        sm__demand_add(m->demand, PEOPLE(m), a->cell, SM__D_ONE_AWAY, sign); /* evaluated */
}

/* Drops a profile slot's away set from the counters; under the demand lock. */
static void drop_away(sm_matcher *m, uint32_t slot)
{
    if (slot < m->away_cap && m->away[slot]) {
        demand_away(m, m->away[slot], -1);
        sm_free(m->away[slot]);
        m->away[slot] = NULL;
        m->away_count--;
    }
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
        offer_meta *meta = meta_for_write(&m->offer_metas, slot);
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
        demand_offer(m, old, -1);
    else if (old && !kind) {
        if (demand_counts_slot(m, slot, 0))
            demand_profile(m, old, -1);
        drop_away(m, slot);
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

int sm_matcher_upsert_offer(sm_matcher *m, const sm_offer *o, sm_error *err)
{
    int rc;
    if ((rc = check_text(o->id, "id", 1, err)) || (rc = check_text(o->title, "title", 0, err)) ||
        (rc = check_text(o->organisation, "organisation", 0, err)) ||
        (rc = check_text(o->contract, "contract", 0, err)) ||
        (rc = check_geo(&o->location, "location", err)))
        return rc;
    if (o->kind != SM_OFFER_JOB && o->kind != SM_OFFER_TRAINING)
        return sm_error_set(err, SM_EINVAL, "kind: must be job or training");
    if ((rc = check_requirements(m, o->requirements, o->requirement_count,
                                 o->kind == SM_OFFER_JOB ? "skills" : "prerequisites", err)) ||
        (rc = check_requirements(m, o->teaches, o->teach_count, "teaches", err)))
        return rc;
    if (o->kind == SM_OFFER_JOB && o->requirement_count == 0)
        return sm_error_set(err, SM_EINVAL, "skills: a job offer needs at least one skill");
    if (o->kind == SM_OFFER_TRAINING && o->teach_count == 0)
        return sm_error_set(err, SM_EINVAL, "teaches: a training needs at least one skill");
    if (!(o->hours >= 0 && o->hours <= 80))
        return sm_error_set(err, SM_EINVAL, "hours: must be 0..80 a week");
    if (o->valid_through && o->valid_from && o->valid_through < o->valid_from)
        return sm_error_set(err, SM_EINVAL, "valid_through: before valid_from");
    if (o->start_date_count > SM_MAX_START_DATES || (o->start_date_count && !o->start_dates))
        return sm_error_set(err, SM_EINVAL, "start_dates: at most %d", SM_MAX_START_DATES);
    if (!(o->duration_hours >= 0 && o->duration_hours <= 10000) ||
        !(o->cost >= 0 && o->cost <= 1e6))
        return sm_error_set(err, SM_EINVAL, "duration_hours, cost: must be 0..10000 h, 0..1e6");
    if (o->occupation != SM_NO_CONCEPT &&
        (o->occupation >= m->skill_space ||
         sm_taxonomy_type(m->tx, o->occupation) != SM_CT_OCCUPATION))
        return sm_error_set(err, SM_EINVAL, "occupation: not an occupation concept");
    offer_rec *r = make_offer(m, o);
    if (!r)
        return sm_error_set(err, SM_ENOMEM, "out of memory");
    pthread_mutex_lock(&m->writer);
    offer_meta *meta = meta_for_write(&m->offer_metas, atomic_load(&m->offers.count));
    slot_point *where = point_for_write(&m->offer_points, atomic_load(&m->offers.count));
    if (where)
        *where = point_of(!r->remote && r->has_location, r->lat, r->lon);
    uint32_t slot = meta && where ? slot_append(&m->offers, r) : NO_SLOT;
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
                      (r->flags & SM_OFFER_NO_DIPLOMA ? META_NO_DIPLOMA : 0));
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
            plist *list = cell_list_for(m, m->job_cells, skill, cell);
            rc = list ? plist_add(m, list, &p, 1) : SM_ENOMEM;
            if (rc == SM_OK && cell != CELL_ANYWHERE)
                rc = plist_add(m, &m->job_gridded[skill], &p, 0);
        }
    } else if (rc == SM_OK) {
        rc = slot_append(&m->trainings, (void *)(uintptr_t)(slot + 1)) == NO_SLOT ? SM_ENOMEM
                                                                                  : SM_OK;
        /* Path planning finds trainings by the skills they teach. */
        for (uint32_t i = 0; i < r->teach_count && rc == SM_OK; i++) {
            posting p = {slot, r->teaches[i].level};
            rc = plist_add(m, &m->training_lists[r->teaches[i].skill], &p, 0);
        }
    }
    if (rc != SM_OK) {
        /* The new slot stays empty; its postings (if any) are skipped by queries. */
        if (slot != NO_SLOT) {
            atomic_store(&meta->alive, 0);
            atomic_store(slot_ref(&m->offers, slot), NULL);
        }
        pthread_mutex_unlock(&m->writer);
        free_offer(r);
        return sm_error_set(err, SM_ENOMEM, "out of memory");
    }
    int old_kind;
    if (unlink_id(m, m->offer_ids, &m->offers, r->id, free_offer, &old_kind) == SM_OK)
        count_offer(m, old_kind, -1);
    if (sm_strmap_put(m->offer_ids, r->id, strlen(r->id), slot, NULL) == 0)
        sm_strmap_set(m->offer_ids, r->id, strlen(r->id), slot);
    count_offer(m, r->kind, +1);
    if (demand_counts_slot(m, slot, 1)) {
        sm__demand_write_lock(m->demand);
        demand_offer(m, r, +1);
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
    int rc = unlink_id(m, m->offer_ids, &m->offers, id, free_offer, &kind);
    if (rc == SM_OK)
        count_offer(m, kind, -1);
    pthread_mutex_unlock(&m->writer);
    return rc;
}

int sm_matcher_upsert_profile(sm_matcher *m, const sm_profile *p, sm_error *err)
{
    int rc;
    if ((rc = check_text(p->id, "id", 1, err)) || (rc = check_geo(&p->location, "location", err)))
        return rc;
    if (p->skill_count > SM_MAX_PROFILE_SKILLS)
        return sm_error_set(err, SM_EINVAL, "skills: more than %d", SM_MAX_PROFILE_SKILLS);
    for (size_t i = 0; i < p->skill_count; i++) {
        if (!is_skill(m, p->skills[i].skill))
            return sm_error_set(err, SM_EINVAL, "skills[%zu].skill: not a skill concept", i);
        if (p->skills[i].level > SM_MAX_LEVEL)
            return sm_error_set(err, SM_EINVAL, "skills[%zu].level: must be 0..8", i);
        if (p->skills[i].evidence > SM_EVIDENCE_CERTIFIED)
            return sm_error_set(err, SM_EINVAL,
                                "skills[%zu].evidence: must be declared, validated, assessed or "
                                "certified",
                                i);
    }
    if (!(p->radius_km >= 0 && p->radius_km <= 20000))
        return sm_error_set(err, SM_EINVAL, "radius_km: must be 0..20000");
    profile_rec *r = sm_calloc(1, sizeof *r);
    if (!r)
        return sm_error_set(err, SM_ENOMEM, "out of memory");
    r->id = dup_or_null(p->id);
    r->skills = sm_malloc((p->skill_count + 1) * sizeof *r->skills);
    if (!r->id || !r->skills) {
        free_profile(r);
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
    uint32_t slot = slot_append(&m->profiles, r);
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
        plist *list = cell_list_for(m, m->profile_cells, skill, cell);
        rc = list ? plist_add(m, list, &q, 1) : SM_ENOMEM;
    }
    if (rc != SM_OK) {
        if (slot != NO_SLOT)
            atomic_store(slot_ref(&m->profiles, slot), NULL);
        pthread_mutex_unlock(&m->writer);
        free_profile(r);
        return sm_error_set(err, SM_ENOMEM, "out of memory");
    }
    if (unlink_id(m, m->profile_ids, &m->profiles, r->id, free_profile, NULL) == SM_OK)
        atomic_fetch_sub(&m->profile_count, 1);
    if (sm_strmap_put(m->profile_ids, r->id, strlen(r->id), slot, NULL) == 0)
        sm_strmap_set(m->profile_ids, r->id, strlen(r->id), slot);
    atomic_fetch_add(&m->profile_count, 1);
    if (demand_counts_slot(m, slot, 0)) {
        sm__demand_write_lock(m->demand);
        demand_profile(m, r, +1);
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
    int rc = unlink_id(m, m->profile_ids, &m->profiles, id, free_profile, NULL);
    if (rc == SM_OK)
        atomic_fetch_sub(&m->profile_count, 1);
    pthread_mutex_unlock(&m->writer);
    return rc;
}

/*
 * Writer: rewrites one list without the postings of emptied slots. The new
 * chain has the shape plist_add grows (full blocks, then a tail of a power
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

size_t sm_matcher_offer_count(const sm_matcher *m, sm_offer_kind kind)
{
    return kind == SM_OFFER_JOB ? atomic_load(&m->job_count) : atomic_load(&m->training_count);
}

size_t sm_matcher_profile_count(const sm_matcher *m)
{
    return atomic_load(&m->profile_count);
}

size_t sm_matcher_memory(const sm_matcher *m)
{
    size_t offers = atomic_load(&m->offers.count), profiles = atomic_load(&m->profiles.count);
    return atomic_load(&m->bytes) +
           offers * (sizeof(offer_rec) + 16 * (sizeof(sm_requirement) + sizeof(float)) + 64) +
           profiles * (sizeof(profile_rec) + 10 * sizeof(sm_skill_claim) + 32) +
           m->skill_space * 2 * sizeof(plist) + sm_strmap_memory(m->offer_ids) +
           sm_strmap_memory(m->profile_ids);
}

/* ---- queries ------------------------------------------------------------ */

/* One way the profile can cover a skill: through one of its claims. */
typedef struct cand {
    float factor; /* similarity x evidence */
    float sim;
    uint32_t via, next;
    uint8_t level;
} cand;

/*
 * Accumulation lists the slots whose bound crosses HOT_FLOOR; top-k puts them
 * in BANDS bands of BAND_WIDTH (one pass to count, one to move) and considers
 * the highest band first. Once the k-th exact score reaches a band's floor,
 * no slot below it can enter. Most queries never scan the accumulators.
 */
#define HOT_FLOOR 0.04
#define BANDS 64
#define BAND_WIDTH 0.0075

/* Band b's floor (1 <= b <= BANDS), as a float: HOT_FLOOR, then every BAND_WIDTH; the last band
 * is open. Band 0 holds the slots below HOT_FLOOR, which no band considers. */
static inline float band_floor(uint32_t b)
{
    return (float)(HOT_FLOOR + BAND_WIDTH * (double)(b - 1));
}

/* The band of a float bound: the highest whose floor it reaches, compared as floats. */
static inline uint32_t band_index(float bound)
{
    double x = ((double)bound - HOT_FLOOR) / BAND_WIDTH + 1;
    uint32_t b = x < 0 ? 0 : x >= BANDS ? BANDS : (uint32_t)x;
    while (b > 0 && bound < band_floor(b))
        b--;
    while (b < BANDS && bound >= band_floor(b + 1))
        b++;
    return b;
}

typedef struct hitem {
    double score;
    uint32_t slot;
} hitem;

/* Where a result's strings and lists live until they are fixed up. */
typedef struct pending {
    size_t id, title, justification; /* offsets in text */
    size_t items;                    /* offset in items: matched, then missing, then teaches */
    size_t matched, missing, teaches; /* how many of each */
    int training;
    int bare; /* id, title and score only (sm_match_count_above) */
} pending;

struct sm_match_reader {
    sm_matcher *m;
    sm_epoch_reader *er;
    /* per slot: an 8-bit query stamp over a depth count and a skills bound (see ACC_UNIT) */
    uint32_t *acc;
    size_t slot_cap, acc_count; /* acc_count: the slots the current query accumulates over */
    /* The slots whose bound crossed HOT_FLOOR this query (each once: bounds only grow). */
    uint32_t *hot;
    double *hot_bound; /* select_topk: each listed slot's bound, read once */
    uint32_t *band_slots; /* select_topk: the listed slots band by band, their bounds, bands */
    double *band_bounds;
    uint8_t *band_place; /* each listed slot's band, counted from the highest */
    size_t hot_count;
    sm_match_stats stats; /* of the last query */
    uint32_t epoch;
    /* the blocks a query walks, gathered first (see walk_blocks), and their add tables */
    struct pending_block *blocks;
    size_t block_count, block_cap;
    struct pending_list *lists; /* accumulate_jobs: the lists of the box's cells, then gathered */
    size_t list_count, list_cap;
    uint32_t *tables;
    size_t table_count, table_cap;
    /* per skill: the profile's ways to cover it */
    uint32_t *xstamp, *xfirst, *xskills;
    size_t xcount;
    uint32_t xepoch;
    cand *cands;
    size_t cand_count, cand_cap;
    hitem *heap;
    size_t heap_count, heap_cap;
    /* results */
    sm_match_result *results;
    pending *pend;
    size_t result_count, result_cap, pend_cap;
    sm_match_item *items;
    size_t item_count, item_cap;
    sm_reason *reasons; /* SM__MAX_REASONS per result, made by fix_up */
    size_t reason_cap;
    char *text;
    size_t text_len, text_cap;
    float shares[SM_MAX_REQUIREMENTS];
    sm_gap *gaps; /* sm_match_gaps */
    size_t gap_count, gap_cap;
    struct sm__demand_counts *dsum; /* sm_match_demand: per skill sums (skill_space) */
    uint8_t *dwant;
    sm_demand_row *drows;
    size_t drow_count, drow_cap;
    const sm_profile *prepared; /* sm_match_prepare's profile, until the next query */
    unsigned prepared_disable;
};

sm_match_reader *sm_match_reader_new(sm_matcher *m)
{
    sm_match_reader *r = sm_calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->m = m;
    r->er = sm_epoch_register(m->epoch);

    r->xstamp = sm_calloc(m->skill_space + 1, sizeof *r->xstamp);
    r->xfirst = sm_calloc(m->skill_space + 1, sizeof *r->xfirst);
    r->xskills = sm_calloc(m->skill_space + 1, sizeof *r->xskills);
    if (!r->er || !r->xstamp || !r->xfirst || !r->xskills) {
        sm_match_reader_free(r);
        return NULL;
    }
    return r;
}

sm_matcher *sm_match_reader_matcher(const sm_match_reader *r)
{
    return r->m;
}

void sm_match_reader_free(sm_match_reader *r)
{
    if (!r)
        return;
    if (r->er)
        sm_epoch_unregister(r->m->epoch, r->er);
    sm_free(r->acc);
    sm_free(r->hot);
    sm_free(r->hot_bound);
    sm_free(r->band_slots);
    sm_free(r->band_bounds);
    sm_free(r->band_place);
    sm_free(r->blocks);
    sm_free(r->lists);
    sm_free(r->tables);
    sm_free(r->xstamp);
    sm_free(r->xfirst);
    sm_free(r->xskills);
    sm_free(r->cands);
    sm_free(r->heap);
    sm_free(r->results);
    sm_free(r->pend);
    sm_free(r->items);
    sm_free(r->reasons);
    sm_free(r->text);
    sm_free(r->gaps);
    sm_free(r->dsum);
    sm_free(r->dwant);
    sm_free(r->drows);
    sm_free(r);
}

/* Reallocates *p to cap entries of size bytes; 0, or -1 (*p unchanged) when out of memory. */
static int resize(void **p, size_t cap, size_t size)
{
    void *q = sm_realloc(*p, cap * size);
    if (!q)
        return -1;
    *p = q;
    return 0;
}

/* Grows the per-slot scratch to cover slots [0, count). */
static int ensure_slots(sm_match_reader *r, size_t count)
{
    if (count <= r->slot_cap)
        return SM_OK;
    size_t cap = count + count / 4 + 1024;
    if (resize((void **)&r->acc, cap, sizeof *r->acc) ||
        resize((void **)&r->hot, cap, sizeof *r->hot) ||
        resize((void **)&r->hot_bound, cap, sizeof *r->hot_bound) ||
        resize((void **)&r->band_slots, cap, sizeof *r->band_slots) ||
        resize((void **)&r->band_bounds, cap, sizeof *r->band_bounds) ||
        resize((void **)&r->band_place, cap, sizeof *r->band_place))
        return SM_ENOMEM;
    memset(r->acc + r->slot_cap, 0, (cap - r->slot_cap) * sizeof *r->acc);
    r->slot_cap = cap;
    return SM_OK;
}

int sm_match_reader_reserve(sm_match_reader *r)
{
    uint32_t offers = atomic_load_explicit(&r->m->offers.count, memory_order_acquire),
             profiles = atomic_load_explicit(&r->m->profiles.count, memory_order_acquire);
    return ensure_slots(r, offers > profiles ? offers : profiles);
}

static uint32_t next_stamp(uint32_t *epoch, uint32_t *stamps, size_t count)
{
    if (++*epoch == 0) {
        if (count)
            memset(stamps, 0, count * sizeof *stamps);
        *epoch = 1;
    }
    return *epoch;
}

/* The stamp of a new query over the accumulators, shifted into their top byte. */
static uint32_t next_acc_stamp(sm_match_reader *r)
{
    if (++r->epoch > STAMP_MAX) {
        if (r->slot_cap) /* no array before the first offer */
            memset(r->acc, 0, r->slot_cap * sizeof *r->acc);
        r->epoch = 1;
    }
    return r->epoch << STAMP_SHIFT;
}

/* Starts a query's accumulation over slots [0, count): a new stamp, no crossings. */
static uint32_t begin_accumulation(sm_match_reader *r, uint32_t count)
{
    r->acc_count = count;
    r->hot_count = 0;
    r->block_count = 0;
    r->table_count = 0;
    r->list_count = 0;
    memset(&r->stats, 0, sizeof r->stats);
    return next_acc_stamp(r);
}

/* Prefetch distance, in postings, for the accumulators of the postings ahead. */
#define PREFETCH_AHEAD 12
/* How many of a block's first postings the walk fetches four blocks ahead (walk_blocks). */
#define BLOCK_HEAD_FETCH 136

/* One posting: add carries a skills bound and a depth increment, as an accumulator holds them;
 * slot's grow by it (from 0 if the accumulator is stale), each field saturating when asked;
 * the slot is listed when their product (the bound of its score, in units of
 * 1 / (ACC_UNIT x DEPTH_FULL)) crosses floor. */
static inline __attribute__((always_inline)) void acc_step(uint32_t *acc, uint32_t *hot, size_t *hn,
                                                           uint32_t slot, uint32_t add,
                                                           uint32_t stamp, uint32_t floor,
                                                           int saturate)
{
    uint32_t x = acc[slot] ^ stamp;
    /* Masks, not a conditional: compilers turn that into a branch on the loaded value. */
    uint32_t current = x <= ACC_MAX;
    uint32_t old = x & (0u - current), v;
    if (saturate) {
        /* a profile's bound and count can outgrow their fields: each saturates */
        uint32_t b = (old & BOUND_MAX) + (add & BOUND_MAX),
                 d = (old >> DEPTH_SHIFT) + (add >> DEPTH_SHIFT);
        b = b > BOUND_MAX ? BOUND_MAX : b;
        d = d > DEPTH_FULL ? DEPTH_FULL : d;
        v = d << DEPTH_SHIFT | b;
    } else {
        /* an offer's cannot (see ACC_UNIT): add carries both, one addition */
        v = old + add;
    }
    acc[slot] = stamp | v;
    hot[*hn] = slot;
    /* bound x count only grows, and is at least the score bound x DEPTH_FULL: listed once,
     * when it crosses */
    *hn += ((old & BOUND_MAX) * (old >> DEPTH_SHIFT) < floor) &
           ((v & BOUND_MAX) * (v >> DEPTH_SHIFT) >= floor);
}

#if SM_ACC_WIDE

/* Sixteen postings (lanes in mask: the others are neither read nor written) at items: see
 * accumulate_wide. Returns 0, having done nothing, when two neighbouring lanes hold one slot. */
__attribute__((target("avx512f,popcnt"))) static inline __attribute__((always_inline)) int
accumulate16(uint32_t *acc, uint32_t *hot, size_t *hn, const posting *items, __mmask16 mask,
             __m512i v_stamp, __m512i v_floor, __m512i q_entry0, __m512i q_entry1)
{
    const __m512i v_max = _mm512_set1_epi32(ACC_MAX), v_bound = _mm512_set1_epi32(BOUND_MAX),
                  q_share = _mm512_set1_epi64(0x3FFFFF), q_level = _mm512_set1_epi64(15),
                  q_credit = _mm512_set1_epi64(JOB_CREDIT_MASK),
                  q_round = _mm512_set1_epi64(WEIGHT_SCALE - 1), q_one = _mm512_set1_epi64(1);
    __m512i q0 = _mm512_maskz_loadu_epi64((__mmask8)mask, items),
            q1 = _mm512_maskz_loadu_epi64((__mmask8)(mask >> 8), items + 8);
    __m512i sl = _mm512_inserti64x4(_mm512_castsi256_si512(_mm512_cvtepi64_epi32(q0)),
                                    _mm512_cvtepi64_epi32(q1), 1);
    if (_mm512_mask_cmpeq_epi32_mask(mask >> 1, sl, _mm512_alignr_epi32(sl, sl, 1)))
        return 0;
    /* job_add() in 64-bit lanes: (share x credit >> ACC_SHIFT) + 1 + the depth increment
     * times the weight, rounded up, with credit and weight from the entry of the level */
    __m512i a[2];
    for (int h = 0; h < 2; h++) {
        __m512i packed = _mm512_srli_epi64(h ? q1 : q0, 32);
        __m512i e = _mm512_permutex2var_epi64(
            q_entry0, _mm512_and_si512(_mm512_srli_epi64(packed, 22), q_level), q_entry1);
        __m512i part = _mm512_srli_epi64(
            _mm512_mul_epu32(_mm512_and_si512(packed, q_share), _mm512_and_si512(e, q_credit)),
            ACC_SHIFT);
        __m512i inc = _mm512_slli_epi64(
            _mm512_srli_epi64(_mm512_add_epi64(_mm512_mul_epu32(_mm512_srli_epi64(packed, 26),
                                                                _mm512_srli_epi64(e, 24)),
                                               q_round),
                              WEIGHT_SHIFT),
            DEPTH_SHIFT);
        a[h] = _mm512_add_epi64(_mm512_add_epi64(part, q_one), inc);
    }
    __m512i add = _mm512_inserti64x4(_mm512_castsi256_si512(_mm512_cvtepi64_epi32(a[0])),
                                     _mm512_cvtepi64_epi32(a[1]), 1);
    __m512i x = _mm512_xor_si512(
        _mm512_mask_i32gather_epi32(_mm512_setzero_si512(), mask, sl, acc, 4), v_stamp);
    __m512i old = _mm512_maskz_mov_epi32(_mm512_cmple_epu32_mask(x, v_max), x);
    __m512i v = _mm512_add_epi32(old, add);
    _mm512_mask_i32scatter_epi32(acc, mask, sl, _mm512_or_si512(v, v_stamp), 4);
    __m512i was = _mm512_mullo_epi32(_mm512_and_si512(old, v_bound),
                                     _mm512_srli_epi32(old, DEPTH_SHIFT)),
            now = _mm512_mullo_epi32(_mm512_and_si512(v, v_bound),
                                     _mm512_srli_epi32(v, DEPTH_SHIFT));
    __mmask16 crossed = mask & _mm512_cmplt_epu32_mask(was, v_floor) &
                        _mm512_cmpge_epu32_mask(now, v_floor);
    /* sixteen written, the crossed ones first: hot has room (ensure_slots) */
    _mm512_storeu_si512(hot + *hn, _mm512_maskz_compress_epi32(crossed, sl));
    *hn += (size_t)__builtin_popcount(crossed);
    return 1;
}

/*
 * accumulate() for job postings, sixteen at a time with AVX-512 (gather, scatter, compress),
 * when the CPU has it, the last few with the lanes beyond them masked: the same additions in
 * the same order, so the same accumulators and the same list of crossings. A list holds a slot
 * once, so the sixteen slots differ; sixteen with two equal neighbours (which a list never
 * holds) are left to the scalar loop, as is what follows them. Returns how many postings it took.
 */
__attribute__((target("avx512f,popcnt"))) static uint32_t
accumulate_wide(uint32_t *acc, uint32_t *hot, size_t *hn_io, const posting *items, uint32_t n,
                uint32_t stamp, uint32_t floor, const uint32_t *table)
{
    _Static_assert(sizeof(posting) == 8 && offsetof(posting, slot) == 0,
                   "a posting is its slot, then its packed fields, in one 64-bit lane");
    const __m512i v_stamp = _mm512_set1_epi32((int)stamp), v_floor = _mm512_set1_epi32((int)floor);
    /* the table's entries (JOB_ENTRY), in 64-bit lanes: levels 0-7, then 8-15 */
    const __m512i q_entry0 = _mm512_cvtepu32_epi64(_mm256_loadu_si256((const void *)table)),
                  q_entry1 = _mm512_cvtepu32_epi64(_mm256_loadu_si256((const void *)(table + 8)));
    size_t hn = *hn_io;
    uint32_t i = 0;
    for (; i + 16 <= n; i += 16) {
        if (i + 48 <= n) /* the accumulators two rounds ahead */
            for (uint32_t j = i + 32; j < i + 48; j++)
                __builtin_prefetch(&acc[items[j].slot], 1);
        if (i + 80 <= n) { /* and the postings four rounds ahead */
            __builtin_prefetch(items + i + 64);
            __builtin_prefetch(items + i + 72);
        }
        if (!accumulate16(acc, hot, &hn, items + i, 0xFFFF, v_stamp, v_floor, q_entry0,
                          q_entry1))
            break;
    }
    if (i < n && n - i < 16 &&
        accumulate16(acc, hot, &hn, items + i, (__mmask16)((1u << (n - i)) - 1), v_stamp,
                     v_floor, q_entry0, q_entry1))
        i = n;
    *hn_io = hn;
    return i;
}

static int wide_supported(void)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("popcnt");
}
#else
static int wide_supported(void)
{
    return 0;
}
#endif

int sm_matcher_set_wide(sm_matcher *m, int on)
{
    const char *off = getenv("SKILLMATCH_NO_AVX512");
    m->wide = on && wide_supported() && !(off && *off == '1');
    return m->wide;
}

/*
 * The inner loop of every query: adds each posting's bound to its slot's
 * accumulator. offers: job_add() with table[level], the entry for the posting's
 * required level (an offer's adds cannot overflow the skills bound); else table[evidence * 16 +
 * level], which carries the offer's depth increment too, each field
 * saturating (a profile may reach a requirement through several claims). Branch-free: a
 * branch on a loaded bound would, when mispredicted, throw away the loads in flight behind it; and
 * no list of touched slots, whose appends would chain each iteration to the previous one's load.
 * The accumulators ahead are prefetched. This loop is most of a query's time.
 */
static inline __attribute__((always_inline)) void accumulate(sm_match_reader *r,
                                                             const posting *items, uint32_t n,
                                                             uint32_t stamp,
                                                             const uint32_t *table, int offers)
{
    uint32_t *acc = r->acc, *hot = r->hot;
    size_t hn = r->hot_count;
    const uint32_t floor = (uint32_t)(HOT_FLOOR * ACC_UNIT) * DEPTH_FULL;
    uint32_t i = 0, ahead = n > PREFETCH_AHEAD ? n - PREFETCH_AHEAD : 0;
#if SM_ACC_WIDE
    if (offers && r->m->wide)
        i = accumulate_wide(acc, hot, &hn, items, n, stamp, floor, table);
    ahead = ahead > i ? ahead : i;
#endif
#define ADD(p)                                                                                     \
    (offers ? job_add(p, table[P_LEVEL(p)])                                                        \
            : table[P_EVIDENCE(p) * 16 + P_LEVEL(p)])
    for (; i < ahead; i++) {
        __builtin_prefetch(&acc[items[i + PREFETCH_AHEAD].slot], 1);
        acc_step(acc, hot, &hn, items[i].slot, ADD(items[i]), stamp, floor, !offers);
    }
    for (; i < n; i++)
        acc_step(acc, hot, &hn, items[i].slot, ADD(items[i]), stamp, floor, !offers);
#undef ADD
    r->hot_count = hn;
    r->stats.postings += n;
}

/*
 * A query walks a few hundred blocks, each somewhere in a gigabyte of
 * postings: loading a block's header is a cache miss, and walked list after
 * list, cell after cell, the query waited on each in turn (a third of its
 * time once the grid made the blocks small). So it gathers its blocks first,
 * fetching their headers ahead while it looks up the next skills' cells,
 * then walks them; a list's next block is gathered when its previous one is
 * reached. A header also says whether any posting in the block is newer than
 * the query (its last slot), which spares a miss at the block's far end.
 */
typedef struct pending_block {
    const block *b;
    uint32_t table; /* offset of its add table in the reader's tables */
} pending_block;

/* Keeps a query's add table (len entries) for its gathered blocks; *at is where it went. */
static int keep_table(sm_match_reader *r, const uint32_t *table, size_t len, uint32_t *at)
{
    if (sm_grow((void **)&r->tables, &r->table_cap, r->table_count + len, sizeof *r->tables) !=
        SM_OK)
        return SM_ENOMEM;
    memcpy(r->tables + r->table_count, table, len * sizeof *table);
    *at = (uint32_t)r->table_count;
    r->table_count += len;
    return SM_OK;
}

static int gather_block(sm_match_reader *r, const block *b, uint32_t table)
{
    if (sm_grow((void **)&r->blocks, &r->block_cap, r->block_count + 1, sizeof *r->blocks) !=
        SM_OK)
        return SM_ENOMEM;
    __builtin_prefetch(b);
    __builtin_prefetch((const char *)b + 64); /* the header and the first postings */
    r->blocks[r->block_count++] = (pending_block){b, table};
    return SM_OK;
}

/* Gathers a list's first block, if any (walk_blocks gathers the others). */
static int gather_list(sm_match_reader *r, const plist *l, uint32_t table)
{
    const block *b = atomic_load_explicit(&l->head, memory_order_acquire);
    return b ? gather_block(r, b, table) : SM_OK;
}

/*
 * The lists of a query's cells are noted first, each list's head fetched as it is noted, and
 * gathered once every skill's are noted, by when the heads have arrived: gathering each as it
 * was found waited on every head in turn (a cell list is somewhere in its skill's cell map).
 */
typedef struct pending_list {
    const plist *l;
    uint32_t table;
} pending_list;

static int note_list(sm_match_reader *r, const plist *l, uint32_t table)
{
    if (sm_grow((void **)&r->lists, &r->list_cap, r->list_count + 1, sizeof *r->lists) != SM_OK)
        return SM_ENOMEM;
    __builtin_prefetch(&l->head);
    r->lists[r->list_count++] = (pending_list){l, table};
    return SM_OK;
}

/* Notes a skill's list in each cell of box. */
static int note_skill(sm_match_reader *r, _Atomic(cellmap *) *map, const cell_box *box,
                      uint32_t table)
{
    cell_iter it = cells_in(atomic_load_explicit(map, memory_order_acquire), box);
    for (const cell_list *cl; (cl = cell_next(&it));)
        if (note_list(r, &cl->list, table) != SM_OK)
            return SM_ENOMEM;
    return SM_OK;
}

/* Notes the two job lists that hold all of a skill's postings: its gridded list and its
 * CELL_ANYWHERE list. */
static int note_all(sm_match_reader *r, const plist *gridded, _Atomic(cellmap *) *map,
                    uint32_t table)
{
    const cell_list *anywhere = anywhere_list(atomic_load_explicit(map, memory_order_acquire));
    if (note_list(r, gridded, table) != SM_OK)
        return SM_ENOMEM;
    return anywhere ? note_list(r, &anywhere->list, table) : SM_OK;
}

/* Gathers the noted lists' first blocks, in the order noted. */
static int gather_lists(sm_match_reader *r)
{
    int rc = SM_OK;
    for (size_t i = 0; i < r->list_count && rc == SM_OK; i++)
        rc = gather_list(r, r->lists[i].l, r->lists[i].table);
    r->list_count = 0;
    return rc;
}

/*
 * Before a query looks up its skills' cells, it fetches what the lookups read, in three passes
 * over the skills so that their misses overlap: the pointers to the cell maps, the maps'
 * headers, then their cell numbers (all of a small map's; a larger one's middle and quarters,
 * where its binary search starts). Looked up skill by skill, each lookup waited on each in turn.
 */
static void prefetch_maps(_Atomic(cellmap *) *maps, const uint32_t *skills, size_t n)
{
    for (size_t x = 0; x < n; x++)
        __builtin_prefetch(&maps[skills[x]]);
    for (size_t x = 0; x < n; x++)
        __builtin_prefetch(atomic_load_explicit(&maps[skills[x]], memory_order_relaxed));
    for (size_t x = 0; x < n; x++) {
        const cellmap *cm = atomic_load_explicit(&maps[skills[x]], memory_order_acquire);
        uint32_t c = cm ? cm->count : 0;
        if (!c)
            continue;
        const uint32_t *ids = cell_ids(cm);
        if (c <= 64) {
            for (uint32_t j = 0; j < c; j += 16)
                __builtin_prefetch(ids + j);
        } else {
            __builtin_prefetch(ids + c / 4);
            __builtin_prefetch(ids + c / 2);
            __builtin_prefetch(ids + c / 4 * 3);
        }
    }
}

/* How many of a block's n postings (in slot order) have a slot below count. */
static uint32_t postings_before(const posting *items, uint32_t n, uint32_t count)
{
    uint32_t lo = 0, hi = n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (items[mid].slot < count)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Walks the gathered blocks (and the blocks after them), without the postings of slots newer
 * than the query (count and beyond), then forgets them. */
static inline __attribute__((always_inline)) int walk_blocks(sm_match_reader *r, uint32_t count,
                                                             uint32_t stamp, int offers)
{
    int rc = SM_OK;
    for (size_t i = 0; i < r->block_count; i++) {
        const block *b = r->blocks[i].b;
        uint32_t table = r->blocks[i].table;
        uint32_t n = atomic_load_explicit(&b->count, memory_order_acquire);
        const block *next = atomic_load_explicit(&b->next, memory_order_acquire);
        if (next && rc == SM_OK)
            rc = gather_block(r, next, table);
        /* The header of the block six ahead again: the gather's fetch is long gone by then. */
        if (i + 6 < r->block_count) {
            __builtin_prefetch(r->blocks[i + 6].b);
            __builtin_prefetch((const char *)r->blocks[i + 6].b + 64);
        }
        /* The first postings of the block four ahead, whose header has arrived by now: the
         * loop fetches its postings four rounds ahead, so a block's first lines were misses. */
        if (i + 4 < r->block_count) {
            const block *fb = r->blocks[i + 4].b;
            uint32_t fn = atomic_load_explicit(&fb->count, memory_order_relaxed);
            for (uint32_t j = 8; j < fn && j < BLOCK_HEAD_FETCH; j += 8)
                __builtin_prefetch(fb->items + j);
        }
        const posting *items = b->items;
        /* A list is in slot order: postings newer than the query are at its end. */
        if (n && atomic_load_explicit(&b->last, memory_order_relaxed) >= count)
            n = postings_before(items, n, count);
        /* The next block's first accumulators, which its own loop cannot fetch ahead. */
        if (i + 1 < r->block_count) {
            const block *nb = r->blocks[i + 1].b;
            uint32_t nn = atomic_load_explicit(&nb->count, memory_order_acquire);
            for (uint32_t j = 0; j < nn && j < PREFETCH_AHEAD; j++)
                if (nb->items[j].slot < count)
                    __builtin_prefetch(&r->acc[nb->items[j].slot], 1);
        }
        accumulate(r, items, n, stamp, r->tables + table, offers);
    }
    r->block_count = 0;
    r->table_count = 0;
    return rc;
}

/* The bound of a slot's score before distance: skills bound times depth bound. */
static double acc_bound(const sm_match_reader *r, uint32_t slot)
{
    uint32_t v = r->acc[slot], d = (v >> DEPTH_SHIFT) & DEPTH_MASK;
    return (double)(v & BOUND_MAX) / ACC_UNIT * (double)(d < DEPTH_FULL ? d : DEPTH_FULL) /
           (double)DEPTH_FULL;
}

/* The profile's ways to cover each skill: its claims and their neighbours. */
static int expand_profile(sm_match_reader *r, const sm_skill_claim *claims, size_t n,
                          unsigned disable)
{
    const sm_matcher *m = r->m;
    uint32_t e = next_stamp(&r->xepoch, r->xstamp, m->skill_space + 1);
    r->xcount = 0;
    r->cand_count = 0;
    for (size_t i = 0; i < n; i++) {
        const sm_skill_claim *c = &claims[i];
        float ef = evidence_factor(c->evidence, disable);
        uint32_t first = m->nb_offsets[c->skill], last = m->nb_offsets[c->skill + 1];
        if (disable & SM_SCORE_NO_SIMILARITY)
            last = first;
        for (uint32_t k = first; k <= last; k++) {
            uint32_t skill = k == last ? c->skill : m->nbs[k].skill;
            float sim = k == last ? 1.0f : m->nbs[k].sim;
            if (sm_grow((void **)&r->cands, &r->cand_cap, r->cand_count + 1, sizeof(cand)) != SM_OK)
                return SM_ENOMEM;
            if (r->xstamp[skill] != e) {
                r->xstamp[skill] = e;
                r->xfirst[skill] = UINT32_MAX;
                r->xskills[r->xcount++] = skill;
            }
            cand *cd = &r->cands[r->cand_count];
            cd->factor = sim * ef;
            cd->sim = sim;
            cd->via = c->skill;
            cd->level = c->level;
            cd->next = r->xfirst[skill];
            r->xfirst[skill] = (uint32_t)r->cand_count++;
        }
    }
    return SM_OK;
}

/*
 * Whether a claim giving credit at similarity sim through claim skill via covers a
 * requirement better than the best so far: more credit, then closer, then the smaller
 * skill id, so that every path (offers, candidates, explanations) picks the same claim.
 */
static inline int better_claim(float credit, float sim, uint32_t via, float best, float best_sim,
                               uint32_t best_via)
{
    if (credit != best)
        return credit > best;
    if (sim != best_sim)
        return sim > best_sim;
    return via < best_via;
}

/* Keeps cd as *why, its credit at level need as *best, when it covers better than *why. */
static inline void take_claim(const cand *cd, uint8_t need, unsigned disable, float *best,
                              const cand **why)
{
    float credit = cd->factor * level_factor(cd->level, need, disable);
    if (credit > 0 &&
        (!*why || better_claim(credit, cd->sim, cd->via, *best, (*why)->sim, (*why)->via))) {
        *best = credit;
        *why = cd;
    }
}

/* The best credit the expanded profile gives a skill required at level need. */
static float expanded_credit(const sm_match_reader *r, uint32_t skill, uint8_t need,
                             unsigned disable, const cand **why)
{
    float best = 0;
    *why = NULL;
    if (r->xstamp[skill] != r->xepoch)
        return 0;
    for (uint32_t i = r->xfirst[skill]; i != UINT32_MAX; i = r->cands[i].next)
        take_claim(&r->cands[i], need, disable, &best, why);
    return best;
}

/* The person's skills an offer draws on: each claim skill once, counted 1 when it covers one
 * of the offer's requirements exactly or closely (similarity >= 0.5, the close tier), else at
 * its best similarity: a loosely related skill is only partly drawn on. */
typedef struct drawn {
    uint32_t via;
    float sim; /* what it counts */
} drawn;

static size_t draw_on(drawn *d, size_t n, uint32_t via, float sim)
{
    sim = drawn_weight(sim);
    for (size_t i = 0; i < n; i++)
        if (d[i].via == via) {
            if (sim > d[i].sim)
                d[i].sim = sim;
            return n;
        }
    d[n] = (drawn){via, sim};
    return n + 1;
}

static double drawn_total(const drawn *d, size_t n)
{
    double total = 0;
    for (size_t i = 0; i < n; i++)
        total += (double)d[i].sim;
    return total;
}

/*
 * The depth factor: 1 once the offer draws on SM_DEPTH_SKILLS of the person's skills, or on
 * as many as it asks for; proportionally less below. It depends on the skills that cover the
 * offer only: unrelated skills neither raise nor lower it.
 */
static double depth_factor(double used, size_t req_count)
{
    double full = SM_DEPTH_SKILLS;
    if ((double)req_count < full)
        full = (double)req_count;
    return full <= 0 || used >= full ? 1.0 : used / full;
}

/* An offer's exact score before distance for the expanded profile: the skills score times the
 * depth factor, as score_requirements computes them. */
static double offer_skills(const sm_match_reader *r, const offer_rec *o)
{
    double sum = 0;
    drawn d[SM_MAX_REQUIREMENTS];
    size_t nd = 0;
    for (uint32_t j = 0; j < o->req_count; j++) {
        const cand *why;
        sum +=
            (double)o->contrib[j] * expanded_credit(r, o->reqs[j].skill, o->reqs[j].level, 0, &why);
        if (why)
            nd = draw_on(d, nd, why->via, why->sim);
    }
    return sum * depth_factor(drawn_total(d, nd), o->req_count);
}

typedef struct offer_view {
    const char *id, *title;
    uint8_t kind, remote, has_location, org_kind, contract_type;
    unsigned flags;
    double lat, lon;
    float hours;
    int32_t valid_from, valid_through;
    const sm_requirement *reqs;
    const float *shares; /* NULL: computed */
    size_t req_count;
    const sm_requirement *teaches;
    size_t teach_count;
} offer_view;

typedef struct profile_view {
    const char *id;
    const sm_skill_claim *claims;
    size_t claim_count;
    uint8_t has_location;
    double lat, lon;
    float radius_km;
    unsigned constraints;
    const sm_match_filter *filter; /* NULL: none */
} profile_view;

static offer_view view_of_offer_rec(const offer_rec *o)
{
    offer_view v = {o->id,         o->title,         o->kind,      o->remote,     o->has_location,
                    o->org_kind,   o->contract_type, o->flags,     o->lat,        o->lon,
                    o->hours,      o->valid_from,    o->valid_through, o->reqs,   o->contrib,
                    o->req_count,  o->teaches,       o->teach_count};
    return v;
}

/* A query's profile (and its filter) as scoring reads it. */
static profile_view view_of_profile(const sm_profile *p, const sm_match_filter *filter)
{
    profile_view pv = {p->id ? p->id : "", p->skills,     p->skill_count, p->location.known != 0,
                       p->location.lat,   p->location.lon, p->radius_km, p->constraints,
                       filter};
    return pv;
}

static profile_view view_of_profile_rec(const profile_rec *p)
{
    profile_view v = {p->id,  p->skills, p->skill_count, p->has_location,
                      p->lat, p->lon,    p->radius_km,   p->constraints, NULL};
    return v;
}

/*
 * For candidates: the requirements' ways to be covered, by skill: each
 * requirement's skill and its neighbours, chained per skill in r's expansion
 * scratch (cand.via holds the requirement's index, cand.level its level).
 */
static int expand_requirements(sm_match_reader *r, const offer_view *o)
{
    const sm_matcher *m = r->m;
    uint32_t e = next_stamp(&r->xepoch, r->xstamp, m->skill_space + 1);
    r->xcount = 0;
    r->cand_count = 0;
    for (size_t j = 0; j < o->req_count; j++) {
        uint32_t req_skill = o->reqs[j].skill;
        uint32_t first = m->nb_offsets[req_skill], last = m->nb_offsets[req_skill + 1];
        for (uint32_t k = first; k <= last; k++) {
            uint32_t skill = k == last ? req_skill : m->nbs[k].skill;
            if (sm_grow((void **)&r->cands, &r->cand_cap, r->cand_count + 1, sizeof(cand)) != SM_OK)
                return SM_ENOMEM;
            if (r->xstamp[skill] != e) {
                r->xstamp[skill] = e;
                r->xfirst[skill] = UINT32_MAX;
                r->xskills[r->xcount++] = skill;
            }
            cand *cd = &r->cands[r->cand_count];
            cd->sim = k == last ? 1.0f : m->nbs[k].sim;
            cd->factor = cd->sim;
            cd->via = (uint32_t)j;
            cd->level = o->reqs[j].level;
            cd->next = r->xfirst[skill];
            r->xfirst[skill] = (uint32_t)r->cand_count++;
        }
    }
    return SM_OK;
}

/* A profile's exact score before distance for the offer whose requirements r holds expanded:
 * each requirement's best claim, chosen as expanded_credit chooses it, credit times share,
 * times the depth factor. */
static double profile_skills(sm_match_reader *r, const offer_view *o, const profile_rec *p)
{
    float best[SM_MAX_REQUIREMENTS] = {0}, best_sim[SM_MAX_REQUIREMENTS] = {0};
    uint32_t best_via[SM_MAX_REQUIREMENTS];
    for (uint32_t c = 0; c < p->skill_count; c++) {
        const sm_skill_claim *claim = &p->skills[c];
        if (r->xstamp[claim->skill] != r->xepoch)
            continue;
        float ef = evidence_factor(claim->evidence, 0);
        for (uint32_t i = r->xfirst[claim->skill]; i != UINT32_MAX; i = r->cands[i].next) {
            const cand *cd = &r->cands[i];
            float factor = cd->sim * ef;
            float credit = factor * level_factor(claim->level, cd->level, 0);
            uint32_t j = cd->via;
            if (credit > best[j] ||
                (credit == best[j] && best[j] > 0 &&
                 better_claim(credit, cd->sim, claim->skill, best[j], best_sim[j], best_via[j]))) {
                best[j] = credit;
                best_sim[j] = cd->sim;
                best_via[j] = claim->skill;
            }
        }
    }
    double sum = 0;
    drawn d[SM_MAX_REQUIREMENTS];
    size_t nd = 0;
    for (size_t j = 0; j < o->req_count; j++) {
        sum += (double)o->shares[j] * best[j];
        if (best[j] > 0)
            nd = draw_on(d, nd, best_via[j], best_sim[j]);
    }
    return sum * depth_factor(drawn_total(d, nd), o->req_count);
}

/* Whether the offer is open on day today (between its dates). */
static inline __attribute__((always_inline)) int open_on(const offer_view *o, int32_t today)
{
    return !(o->valid_through && today > o->valid_through) &&
           !(o->valid_from && today < o->valid_from);
}

/* Whether a query's filters leave the offer out. */
static inline __attribute__((always_inline)) int filtered(const offer_view *o,
                                                          const sm_match_filter *f)
{
    return f && ((f->org_kinds && !(o->org_kind < 32 && (f->org_kinds >> o->org_kind & 1))) ||
                 (f->contract_types &&
                  !(o->contract_type < 32 && (f->contract_types >> o->contract_type & 1))) ||
                 (f->max_hours > 0 && !(o->hours > 0 && o->hours <= f->max_hours)) ||
                 (f->require & ~o->flags & (SM_OFFER_SUPPORT | SM_OFFER_NO_DIPLOMA)) ||
                 (f->remote_only && !o->remote));
}

/*
 * Whether the offer may be shown to the profile, and the distance factor:
 * 0 when filtered out (expired, not yet open, beyond the radius, a
 * constraint), else 1 with *factor and *km set. Inlined with what it calls: it runs once per
 * posting where gaps count offers nearby, and a call there cost gaps 14% (bench/RESULTS.md).
 */
static inline __attribute__((always_inline)) int admit(const offer_view *o, const profile_view *p,
                                                       int32_t today, unsigned disable,
                                                       double *factor, double *km)
{
    *factor = 1.0;
    *km = -1;
    if (!open_on(o, today))
        return 0;
    if ((p->constraints & SM_PROFILE_REMOTE_ONLY) && !o->remote)
        return 0;
    if ((p->constraints & SM_PROFILE_PART_TIME) && o->hours > SM_PART_TIME_HOURS)
        return 0;
    if ((p->constraints & SM_PROFILE_NO_CAR) && (o->flags & SM_OFFER_REQUIRES_CAR))
        return 0;
    if (filtered(o, p->filter))
        return 0;
    if (o->remote || (disable & SM_SCORE_NO_DISTANCE))
        return 1;
    if (!o->has_location || !p->has_location) {
        /* On site, with a place unknown on either side: counted as far as the scale, so that
         * leaving a place out never ranks an offer (or a candidate) above a near one. */
        *factor = 1.0 - DISTANCE_PENALTY;
        return 1;
    }
    double d = distance_km(p->lat, p->lon, o->lat, o->lon);
    *km = d;
    if (p->radius_km > 0 && d > p->radius_km)
        return 0;
    double scale = p->radius_km > 0 ? p->radius_km : 50.0;
    *factor = 1.0 - DISTANCE_PENALTY * (d < scale ? d / scale : 1.0);
    return 1;
}

/* What filtering reads of an offer, from its packed meta. */
static inline __attribute__((always_inline)) offer_view view_of_meta(const offer_meta *meta)
{
    offer_view v;
    memset(&v, 0, sizeof v);
    v.remote = (meta->flags & META_REMOTE) != 0;
    v.has_location = (meta->flags & META_LOCATED) != 0;
    v.flags = (meta->flags & META_CAR ? SM_OFFER_REQUIRES_CAR : 0) |
              (meta->flags & META_SUPPORT ? SM_OFFER_SUPPORT : 0) |
              (meta->flags & META_NO_DIPLOMA ? SM_OFFER_NO_DIPLOMA : 0);
    v.org_kind = meta->org_kind;
    v.contract_type = meta->contract_type;
    v.lat = meta->lat;
    v.lon = meta->lon;
    v.hours = meta->hours;
    v.valid_from = meta->valid_from;
    v.valid_through = meta->valid_through;
    return v;
}

/* admit() from an offer's packed meta; 0 also when the offer is gone. */
static inline __attribute__((always_inline)) int
admit_meta(const offer_meta *meta, const profile_view *p, int32_t today, double *factor, double *km)
{
    if (!meta || !atomic_load_explicit(&meta->alive, memory_order_acquire))
        return 0;
    offer_view v = view_of_meta(meta);
    return admit(&v, p, today, 0, factor, km);
}

static size_t add_text(sm_match_reader *r, const char *s, size_t len)
{
    if (sm_grow((void **)&r->text, &r->text_cap, r->text_len + len + 1, 1) != SM_OK)
        return SIZE_MAX;
    size_t off = r->text_len;
    memcpy(r->text + off, s, len);
    r->text[off + len] = '\0';
    r->text_len += len + 1;
    return off;
}

typedef struct scored {
    double skills, ess_cov, opt_cov;
    double used, depth; /* the skills drawn on and the depth factor */
} scored;

/*
 * What skill, asked at level need, is to the expanded profile in r: the one definition of
 * sm_req_status (matcher.h). *why is the claim behind it: for met, the closest claim that
 * meets it; under level, the close claim of the highest level; near, the most similar claim;
 * missing, none.
 */
static uint8_t requirement_status(const sm_match_reader *r, uint32_t skill, uint8_t need,
                                  const cand **why)
{
    const cand *met = NULL, *under = NULL, *nearest = NULL;
    if (r->xstamp[skill] == r->xepoch)
        for (uint32_t c = r->xfirst[skill]; c != UINT32_MAX; c = r->cands[c].next) {
            const cand *cd = &r->cands[c];
            if (cd->sim >= CLOSE_SIM) {
                if (need == 0 || cd->level == 0 || cd->level >= need) {
                    if (!met || better_claim(cd->sim, cd->sim, cd->via, met->sim, met->sim, met->via))
                        met = cd;
                } else if (!under || cd->level > under->level ||
                           (cd->level == under->level &&
                            better_claim(cd->sim, cd->sim, cd->via, under->sim, under->sim,
                                         under->via)))
                    under = cd;
            }
            if (!nearest ||
                better_claim(cd->sim, cd->sim, cd->via, nearest->sim, nearest->sim, nearest->via))
                nearest = cd;
        }
    *why = met ? met : under ? under : nearest;
    return met ? SM_REQ_MET : under ? SM_REQ_UNDER_LEVEL : nearest ? SM_REQ_NEAR : SM_REQ_MISSING;
}

/* The item for a skill asked (or taught) at level need, essential or not, with credit. */
static sm_match_item item_for(const sm_match_reader *r, uint32_t skill, uint8_t need,
                              int essential, float credit)
{
    const cand *why;
    sm_match_item it;
    memset(&it, 0, sizeof it);
    it.required = skill;
    it.essential = essential != 0;
    it.credit = credit;
    it.required_level = need;
    it.status = requirement_status(r, skill, need, &why);
    it.via = why ? why->via : SM_NO_CONCEPT;
    it.similarity = why ? why->sim : 0;
    it.profile_level = why ? why->level : 0;
    it.tier = !why                  ? SM_TIER_NONE
              : why->via == skill   ? SM_TIER_EXACT
              : why->sim >= CLOSE_SIM ? SM_TIER_CLOSE
                                    : SM_TIER_RELATED;
    it.level_gap = need && it.profile_level && need > it.profile_level ? need - it.profile_level : 0;
    return it;
}

/*
 * Appends items to r->items in the order a result lists them: first the ones for which
 * first_if(item) holds, then the rest, each part essential first and otherwise in the
 * offer's order. Returns how many of the first part, or SIZE_MAX when out of memory.
 */
static size_t append_items(sm_match_reader *r, const sm_match_item *items, size_t n,
                           int (*first_if)(const sm_match_item *))
{
    if (sm_grow((void **)&r->items, &r->item_cap, r->item_count + n + 1, sizeof(sm_match_item)) !=
        SM_OK)
        return SIZE_MAX;
    size_t firsts = 0;
    for (int part = 0; part < 2; part++)
        for (int ess = 1; ess >= 0; ess--)
            for (size_t j = 0; j < n; j++)
                if ((first_if(&items[j]) != 0) == (part == 0) && items[j].essential == ess) {
                    r->items[r->item_count++] = items[j];
                    firsts += part == 0;
                }
    return firsts;
}

static int is_met(const sm_match_item *it)
{
    return it->status == SM_REQ_MET;
}

static int is_lacked(const sm_match_item *it)
{
    return it->status != SM_REQ_MET;
}

/*
 * Scores the offer's requirements against the expanded profile in r (the
 * reference computation, also used for explanations). When pd is not NULL,
 * appends the result's items to r->items: met requirements, then the others
 * (pd->matched, pd->missing), then for a training what it teaches (pd->teaches).
 */
static int score_requirements(sm_match_reader *r, const offer_view *o, unsigned disable,
                              scored *out, pending *pd)
{
    const sm_matcher *m = r->m;
    const float *shares = o->shares;
    if (!shares || disable) {
        weight_shares(m, o->reqs, o->req_count, disable, r->shares);
        shares = r->shares;
    }
    memset(out, 0, sizeof *out);
    double ess_sum = 0, opt_sum = 0;
    size_t ess_total = 0, opt_total = 0;
    drawn d[SM_MAX_REQUIREMENTS];
    sm_match_item items[SM_MAX_REQUIREMENTS];
    size_t nd = 0;
    for (size_t j = 0; j < o->req_count; j++) {
        const sm_requirement *q = &o->reqs[j];
        const cand *why;
        float credit = expanded_credit(r, q->skill, q->level, disable, &why);
        out->skills += (double)shares[j] * credit;
        if (why)
            nd = draw_on(d, nd, why->via, why->sim);
        if (q->essential) {
            ess_total++;
            ess_sum += credit;
        } else {
            opt_total++;
            opt_sum += credit;
        }
        if (pd)
            items[j] = item_for(r, q->skill, q->level, q->essential, credit);
    }
    out->used = drawn_total(d, nd);
    out->depth = disable & SM_SCORE_NO_DEPTH ? 1.0 : depth_factor(out->used, o->req_count);
    out->ess_cov = ess_total ? ess_sum / (double)ess_total : 1.0;
    out->opt_cov = opt_total ? opt_sum / (double)opt_total : 1.0;
    if (!pd)
        return SM_OK;
    pd->items = r->item_count;
    size_t met = append_items(r, items, o->req_count, is_met);
    if (met == SIZE_MAX)
        return SM_ENOMEM;
    pd->matched = met;
    pd->missing = o->req_count - met;
    pd->teaches = 0;
    if (o->kind == SM_OFFER_TRAINING) {
        /* What it teaches, and what each taught skill is to the person: lacked ones first. */
        for (size_t j = 0; j < o->teach_count; j++) {
            const cand *why;
            float have = expanded_credit(r, o->teaches[j].skill, o->teaches[j].level, disable,
                                         &why);
            items[j] = item_for(r, o->teaches[j].skill, o->teaches[j].level, 1, have);
        }
        if (append_items(r, items, o->teach_count, is_lacked) == SIZE_MAX)
            return SM_ENOMEM;
        pd->teaches = o->teach_count;
    }
    return SM_OK;
}

/* Where the offer is for the person, as admit() saw it. */
static uint8_t place_of(const offer_view *o, const profile_view *p, double km)
{
    if (o->remote)
        return SM_PLACE_REMOTE;
    if (!o->has_location)
        return SM_PLACE_OFFER_UNKNOWN;
    if (!p->has_location)
        return SM_PLACE_PROFILE_UNKNOWN;
    return km >= 0 ? SM_PLACE_KNOWN : SM_PLACE_PROFILE_UNKNOWN;
}

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
static int add_result(sm_match_reader *r, const offer_view *o, const profile_view *p, double score,
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
    int rc = score_requirements(r, o, opts->disable, &s, pd);
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
    res->place = place_of(o, p, km);
    point_lists(r, res, pd);
    res->fit = sm__explain_fit(res, pd->training);
    sm_reason reasons[SM__MAX_REASONS];
    size_t nr = sm__explain_reasons(res, pd->training, reasons);
    char sentence[1024];
    sm__explain_sentence(r->m->tx, reasons, nr, candidate, opts->lang, sentence, sizeof sentence);
    const char *id = candidate ? p->id : o->id;
    pd->id = add_text(r, id, strlen(id));
    pd->title = o->title ? add_text(r, o->title, strlen(o->title)) : SIZE_MAX - 1;
    pd->justification = add_text(r, sentence, strlen(sentence));
    if (pd->id == SIZE_MAX || pd->title == SIZE_MAX || pd->justification == SIZE_MAX)
        return SM_ENOMEM;
    r->result_count++;
    return SM_OK;
}

/* Points results at their strings, lists and reasons once the buffers stop moving. */
static int fix_up(sm_match_reader *r)
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
            pd->bare ? 0
                                   : sm__explain_reasons(res, pd->training,
                                                         r->reasons + i * SM__MAX_REASONS);
    }
    return SM_OK;
}

static void reset_results(sm_match_reader *r)
{
    r->result_count = r->item_count = r->text_len = 0;
    r->heap_count = 0;
    r->hot_count = 0;
    memset(&r->stats, 0, sizeof r->stats);
}

/* Queries reuse the expansion scratch: a prepared profile does not survive them. */
static void forget_prepared(sm_match_reader *r)
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

static int heap_push(sm_match_reader *r, size_t k, double score, uint32_t slot)
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
static int could_enter(const sm_match_reader *r, size_t k, double bound, uint32_t slot)
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
static void sort_heap(sm_match_reader *r, int rc)
{
    if (rc == SM_OK && r->heap_count > 1)
        qsort(r->heap, r->heap_count, sizeof(hitem), cmp_hitem_desc);
}

/* Ends a query begun with sm_epoch_enter: the result count, or rc with err set. */
static int finish_query(sm_match_reader *r, int rc, sm_error *err)
{
    sm_epoch_leave(r->er);
    if (rc == SM_OK)
        rc = fix_up(r);
    if (rc != SM_OK) {
        reset_results(r);
        return sm_error_set(err, rc, "%s", sm_strerror(rc));
    }
    return (int)r->result_count;
}

static size_t clamp_limit(size_t limit)
{
    if (limit == 0)
        return 20;
    return limit > SM_MATCH_MAX_LIMIT ? SM_MATCH_MAX_LIMIT : limit;
}

static int check_profile(const sm_matcher *m, const sm_profile *p, sm_error *err)
{
    if (p->skill_count == 0)
        return sm_error_set(err, SM_EINVAL,
                            "profile.skills: empty, add at least one skill to get matches");
    if (p->skill_count > SM_MAX_PROFILE_SKILLS)
        return sm_error_set(err, SM_EINVAL, "profile.skills: more than %d", SM_MAX_PROFILE_SKILLS);
    for (size_t i = 0; i < p->skill_count; i++) {
        if (!is_skill(m, p->skills[i].skill))
            return sm_error_set(err, SM_EINVAL, "profile.skills[%zu].skill: not a skill concept",
                                i);
        if (p->skills[i].level > SM_MAX_LEVEL)
            return sm_error_set(err, SM_EINVAL, "profile.skills[%zu].level: must be 0..8", i);
    }
    return check_geo(&p->location, "profile.location", err);
}

/* Training offers: scanned, scored as reachability times what they add. */
static double training_score(sm_match_reader *r, const offer_view *o, unsigned disable)
{
    scored s;
    score_requirements(r, o, disable, &s, NULL);
    double reach = o->req_count ? s.skills : 1.0;
    double gain = 0;
    for (size_t i = 0; i < o->teach_count; i++) {
        const cand *why;
        float have = expanded_credit(r, o->teaches[i].skill, o->teaches[i].level, disable, &why);
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
__attribute__((target("avx512f"))) static uint32_t next_stamped_wide(const uint32_t *acc,
                                                                     uint32_t slot,
                                                                     uint32_t count,
                                                                     uint32_t stamp)
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
            pass[j] = could_enter(r, k, sorted_hb[j], sorted[j]) &&
                      (!calls->screen || calls->screen(ctx, sorted[j], sorted_hb[j]));
            if (pass[j])
                calls->prefetch(ctx, sorted[j], 1);
        }
        if (i + 8 < end && pass[i + 8] && could_enter(r, k, sorted_hb[i + 8], sorted[i + 8]))
            calls->prefetch(ctx, sorted[i + 8], 2);
        double bound = sorted_hb[i];
        int rc = pass[i] && could_enter(r, k, bound, sorted[i])
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
        int rc = (float)bound < done_above && could_enter(r, k, bound, slot)
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
    int located;   /* the profile has a location: screen_offer applies */
    double at[3];  /* its unit vector */
    double scale;  /* the distance at which the penalty is whole */
} topk_ctx;

static topk_ctx offers_ctx(sm_match_reader *r, const profile_view *pv, int32_t today, size_t k)
{
    topk_ctx c = {r, pv, NULL, today, k, pv->has_location, {0, 0, 0},
                  pv->radius_km > 0 ? pv->radius_km : 50.0};
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
    return could_enter(c->r, c->k, bound * factor, slot);
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
    if (!could_enter(r, c->k, bound * factor, slot))
        return SM_OK;
    const offer_rec *o = slot_get(&r->m->offers, slot);
    if (!o)
        return SM_OK;
    r->stats.exact++;
    double score = offer_skills(r, o) * factor;
    return score > 0 ? heap_push(r, c->k, score, slot) : SM_OK;
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
        !could_enter(r, c->k, bound * factor, slot))
        return SM_OK;
    r->stats.exact++;
    double score = profile_skills(r, c->ov, p) * factor;
    return score > 0 ? heap_push(r, c->k, score, slot) : SM_OK;
}

static int accumulate_jobs(sm_match_reader *r, const profile_view *pv, cell_box *box);
static int explain_offers(sm_match_reader *r, const profile_view *pv, int32_t today,
                          const sm_match_options *opts, int rc);

int sm_match_offers(sm_match_reader *r, const sm_profile *profile, const sm_match_options *opts,
                    sm_error *err)
{
    sm_matcher *m = r->m;
    reset_results(r);
    forget_prepared(r);
    int rc = check_profile(m, profile, err);
    if (rc != SM_OK)
        return rc;
    size_t k = clamp_limit(opts->limit);
    int32_t today = opts->today ? opts->today : sm_today();
    profile_view pv = view_of_profile(profile, opts->filter);
    if ((rc = expand_profile(r, profile->skills, profile->skill_count, 0)) != SM_OK)
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
                rc = heap_push(r, k, score, slot);
        }
    } else {
        cell_box box;
        rc = accumulate_jobs(r, &pv, &box);
        /* Top-k: the bound bounds the final score (distance only lowers it); whatever can still
         * enter is scored exactly from its record. */
        topk_ctx ctx = offers_ctx(r, &pv, today, k);
        static const topk_calls calls = {consider_offer, screen_offer, prefetch_offer};
        if (rc == SM_OK)
            rc = select_topk(r, k, &calls, &ctx);
    }
    rc = explain_offers(r, &pv, today, opts, rc);
    return finish_query(r, rc, err);
}

/* Explanations for the kept results, best first (rc: the query's so far). */
static int explain_offers(sm_match_reader *r, const profile_view *pv, int32_t today,
                          const sm_match_options *opts, int rc)
{
    sort_heap(r, rc);
    for (size_t i = 0; i < r->heap_count && rc == SM_OK; i++) {
        const offer_rec *o = slot_get(&r->m->offers, r->heap[i].slot);
        if (!o)
            continue;
        offer_view ov = view_of_offer_rec(o);
        double factor, km;
        admit(&ov, pv, today, 0, &factor, &km);
        rc = add_result(r, &ov, pv, r->heap[i].score, factor, km, opts, 0);
    }
    return rc;
}

/*
 * A skill's table for job postings (JOB_ENTRY), per required level: what expanded_credit()
 * gives each level, in one pass over the skill's claims. Levels above SM_MAX_LEVEL, which no
 * requirement has, get the loosest entry.
 */
static void job_entries(const sm_match_reader *r, uint32_t skill, uint32_t entry[16])
{
    float best[SM_MAX_LEVEL + 1] = {0};
    const cand *why[SM_MAX_LEVEL + 1] = {0};
    if (r->xstamp[skill] == r->xepoch)
        for (uint32_t i = r->xfirst[skill]; i != UINT32_MAX; i = r->cands[i].next)
            for (uint8_t need = 0; need <= SM_MAX_LEVEL; need++)
                take_claim(&r->cands[i], need, 0, &best[need], &why[need]);
    for (int need = 0; need < 16; need++)
        entry[need] = need > SM_MAX_LEVEL ? JOB_ENTRY((uint32_t)QSCALE, 1.0f)
                      : JOB_ENTRY(quant_up(best[need]),
                                  why[need] ? drawn_weight(why[need]->sim) : 1.0f);
}

/*
 * Walks the postings of every skill the expanded profile covers, directly or through
 * neighbours, adding each job offer's bound; *box receives the grid cells the mobility
 * radius reaches (all of them without one).
 */
static int accumulate_jobs(sm_match_reader *r, const profile_view *pv, cell_box *box)
{
    sm_matcher *m = r->m;
    uint32_t count = atomic_load_explicit(&m->offers.count, memory_order_acquire);
    int rc = ensure_slots(r, count);
    uint32_t e = rc == SM_OK ? begin_accumulation(r, count) : 0;
    *box = radius_box(pv->has_location, pv->lat, pv->lon, pv->radius_km);
    prefetch_maps(m->job_cells, r->xskills, r->xcount);
    for (size_t x = 0; x < r->xcount && rc == SM_OK; x++) {
        uint32_t skill = r->xskills[x];
        /* Per required level (a posting carries its requirement's): the exact score's credit
         * for that requirement and the weight of the claim it comes through in the depth,
         * both rounded up (JOB_ENTRY). */
        uint32_t entry[16], at;
        job_entries(r, skill, entry);
        if ((rc = keep_table(r, entry, 16, &at)) != SM_OK)
            break;
        if (box->cy1 == UINT32_MAX) /* no radius: the gridded list and CELL_ANYWHERE's */
            rc = note_all(r, &m->job_gridded[skill], &m->job_cells[skill], at);
        else
            rc = note_skill(r, &m->job_cells[skill], box, at);
    }
    if (rc == SM_OK)
        rc = gather_lists(r);
    return rc == SM_OK ? walk_blocks(r, count, e, 1) : rc;
}

int sm_match_candidates(sm_match_reader *r, const char *offer_id, const sm_match_options *opts,
                        sm_error *err)
{
    sm_matcher *m = r->m;
    reset_results(r);
    forget_prepared(r);
    if (!offer_id)
        return sm_error_set(err, SM_EINVAL, "offer_id: required");
    size_t k = clamp_limit(opts->limit);
    int32_t today = opts->today ? opts->today : sm_today();
    uint32_t oslot;
    pthread_mutex_lock(&m->writer);
    int found =
        sm_strmap_get(m->offer_ids, offer_id, strlen(offer_id), &oslot) && oslot != TOMBSTONE;
    pthread_mutex_unlock(&m->writer);
    if (!found)
        return sm_error_set(err, SM_ENOTFOUND, "offer_id: no offer %s", offer_id);
    sm_epoch_enter(m->epoch, r->er);
    const offer_rec *o = slot_get(&m->offers, oslot);
    if (!o || o->kind != SM_OFFER_JOB) {
        sm_epoch_leave(r->er);
        return sm_error_set(err, o ? SM_EINVAL : SM_ENOTFOUND,
                            o ? "offer_id: candidates are ranked for job offers"
                              : "offer_id: no offer %s",
                            offer_id);
    }
    offer_view ov = view_of_offer_rec(o);
    uint32_t count = atomic_load_explicit(&m->profiles.count, memory_order_acquire);
    int rc = ensure_slots(r, count);
    if (rc == SM_OK)
        rc = expand_requirements(r, &ov);
    uint32_t e = rc == SM_OK ? begin_accumulation(r, count) : 0;
    /* Profiles filed under a cell have a radius of at most GRID_MAX_RADIUS: only the cells that
     * close to a located, on-site offer can hold candidates (plus CELL_ANYWHERE). */
    cell_box box = radius_box(ov.has_location && !ov.remote, ov.lat, ov.lon, GRID_MAX_RADIUS);
    /* Requirement by requirement, every profile claim that can cover it adds its credit to the
     * profile's bound: a sum over claims, at least the best one, so still an upper bound. */
    for (size_t j = 0; j < ov.req_count && rc == SM_OK; j++) {
        const sm_requirement *q = &ov.reqs[j];
        uint32_t share_q = quant_at(ov.shares[j], SHARE_SCALE);
        uint32_t first = m->nb_offsets[q->skill], last = m->nb_offsets[q->skill + 1];
        for (uint32_t nk = first; nk <= last; nk++) {
            uint32_t skill = nk == last ? q->skill : m->nbs[nk].skill;
            float sim = nk == last ? 1.0f : m->nbs[nk].sim;
            /* What a posting adds, by the claim's evidence and level, with the depth increment
             * (a profile's claims drawn on are at most the postings that reach it). */
            uint32_t add[4 * 16] = {0};
            for (uint8_t ev = 0; ev < 4; ev++)
                for (uint8_t level = 0; level <= SM_MAX_LEVEL; level++)
                    add[ev * 16 + level] =
                        (uint32_t)(((uint64_t)share_q *
                                    quant_up(sim * evidence_factor(ev, 0) *
                                             level_factor(level, q->level, 0))) >>
                                   ACC_SHIFT) +
                        1 + (depth_inc(ov.req_count) << DEPTH_SHIFT);
            uint32_t at;
            if ((rc = keep_table(r, add, 4 * 16, &at)) != SM_OK ||
                (rc = note_skill(r, &m->profile_cells[skill], &box, at)) != SM_OK)
                break;
        }
    }
    if (rc == SM_OK)
        rc = gather_lists(r);
    if (rc == SM_OK)
        rc = walk_blocks(r, count, e, 0);
    topk_ctx ctx = {r, NULL, &ov, today, k, 0, {0, 0, 0}, 0};
    static const topk_calls calls = {consider_candidate, NULL, prefetch_candidate};
    if (rc == SM_OK)
        rc = select_topk(r, k, &calls, &ctx);
    sort_heap(r, rc);
    for (size_t i = 0; i < r->heap_count && rc == SM_OK; i++) {
        const profile_rec *p = slot_get(&m->profiles, r->heap[i].slot);
        if (!p)
            continue;
        profile_view pv = view_of_profile_rec(p);
        double factor, km;
        admit(&ov, &pv, today, 0, &factor, &km);
        if ((rc = expand_profile(r, p->skills, p->skill_count, 0)) == SM_OK)
            rc = add_result(r, &ov, &pv, r->heap[i].score, factor, km, opts, 1);
    }
    return finish_query(r, rc, err);
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
    reset_results(r);
    r->prepared = NULL;
    if (profile->skill_count == 0 || profile->skill_count > SM_MAX_PROFILE_SKILLS)
        return SM_EINVAL;
    for (size_t i = 0; i < profile->skill_count; i++)
        if (!is_skill(r->m, profile->skills[i].skill) || profile->skills[i].level > SM_MAX_LEVEL)
            return SM_EINVAL;
    int rc = expand_profile(r, profile->skills, profile->skill_count, disable);
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
    reset_results(r);
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
        if ((rc = score_requirements(r, &ov, opts->disable, &s, NULL)) != SM_OK)
            return rc;
        *score = s.skills * s.depth * factor;
    }
    if (result) {
        if ((rc = add_result(r, &ov, &pv, *score, factor, km, opts, 0)) != SM_OK ||
            (rc = fix_up(r)) != SM_OK)
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

/* ---- gaps, counts above a threshold, trainings by skill ------------------ */

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

int sm_matcher_profile_copy(sm_matcher *m, const char *id, sm_profile *out,
                            sm_skill_claim *claims)
{
    uint32_t slot;
    int rc = SM_ENOTFOUND;
    pthread_mutex_lock(&m->writer);
    const profile_rec *p = sm_strmap_get(m->profile_ids, id, strlen(id), &slot) &&
                                   slot != TOMBSTONE
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
                n += slot < count && admit_meta(meta_get(&m->offer_metas, slot), pv, today,
                                                 &factor, &km);
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

/* Checks a profile that may have no skills (gaps: everything is missing then). */
static int check_profile_maybe_empty(const sm_matcher *m, const sm_profile *p, sm_error *err)
{
    if (p->skill_count == 0)
        return check_geo(&p->location, "profile.location", err);
    return check_profile(m, p, err);
}

int sm_match_gaps(sm_match_reader *r, const sm_profile *profile, const sm_requirement *target,
                  size_t target_count, int count_offers, sm_error *err)
{
    sm_matcher *m = r->m;
    reset_results(r);
    forget_prepared(r);
    r->gap_count = 0;
    int rc = check_profile_maybe_empty(m, profile, err);
    if (rc != SM_OK)
        return rc;
    if (target_count > SM_MAX_TARGET)
        return sm_error_set(err, SM_EINVAL, "target: more than %d skills", SM_MAX_TARGET);
    for (size_t i = 0; i < target_count; i++)
        if (!is_skill(m, target[i].skill) || target[i].level > SM_MAX_LEVEL)
            return sm_error_set(err, SM_EINVAL, "target[%zu]: not a skill concept, or level "
                                                "beyond 8", i);
    if ((rc = expand_profile(r, profile->skills, profile->skill_count, 0)) != SM_OK ||
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
        /* The one definition (requirement_status): met requirements are no gap. */
        const cand *why;
        uint8_t status = requirement_status(r, q.skill, q.level, &why);
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
    reset_results(r);
    forget_prepared(r);
    *count = 0;
    int rc = check_profile(m, profile, err);
    if (rc != SM_OK)
        return rc;
    if (!(threshold > 0 && threshold <= 1))
        return sm_error_set(err, SM_EINVAL, "threshold: must be in (0, 1]");
    size_t k = clamp_limit(opts->limit);
    int32_t today = opts->today ? opts->today : sm_today();
    profile_view pv = view_of_profile(profile, opts->filter);
    if ((rc = expand_profile(r, profile->skills, profile->skill_count, 0)) != SM_OK)
        return sm_error_set(err, rc, "out of memory");
    sm_epoch_enter(m->epoch, r->er);
    cell_box box;
    rc = accumulate_jobs(r, &pv, &box);
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
        double score = offer_skills(r, o) * factor;
        if (score >= threshold) {
            (*count)++;
            rc = heap_push(r, k, score, slot);
        }
    }
    /* The kept offers, best first, with their ids, titles and scores only. */
    sort_heap(r, rc);
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
        pd->id = add_text(r, o->id, strlen(o->id));
        pd->title = o->title ? add_text(r, o->title, strlen(o->title)) : SIZE_MAX - 1;
        pd->justification = add_text(r, "", 0);
        pd->items = r->item_count;
        if (pd->id == SIZE_MAX || pd->title == SIZE_MAX || pd->justification == SIZE_MAX)
            rc = SM_ENOMEM;
        else
            r->result_count++;
    }
    return finish_query(r, rc, err);
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
    for (const block *b = atomic_load_explicit(&m->training_lists[skill].head,
                                               memory_order_acquire);
         b && !stop; b = atomic_load_explicit(&b->next, memory_order_acquire)) {
        uint32_t items = atomic_load_explicit(&b->count, memory_order_acquire);
        for (uint32_t i = 0; i < items && !stop; i++) {
            const offer_rec *o = slot_get(&m->offers, b->items[i].slot);
            if (!o || o->kind != SM_OFFER_TRAINING)
                continue;
            sm_training_view v = {o->id,          o->title,       o->teaches,       o->reqs,
                                  o->teach_count, o->req_count,   o->duration_hours, o->cost,
                                  o->funding,     o->start_dates, o->start_count,   o->remote,
                                  o->has_location, o->lat,        o->lon,           o->valid_from,
                                  o->valid_through};
            stop = fn(arg, &v);
        }
    }
    sm_epoch_leave(r->er);
    return stop;
}

/* ---- skills demand -------------------------------------------------------- */

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
                demand_offer(m, o, +1);
        }
        for (size_t n = 0; n < budget && m->demand_offer_at == m->demand_offer_end &&
                           m->demand_profile_at < m->demand_profile_end;
             n++) {
            const profile_rec *p = slot_get(&m->profiles, m->demand_profile_at++);
            if (p)
                demand_profile(m, p, +1);
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
            demand_offer(m, o, -1);
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
            drop_away(m, slot);
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
        return sm_error_set(err, SM_EINVAL, "top: at most 1000");
    if (q->located && (!(q->lat >= -90 && q->lat <= 90) || !(q->lon >= -180 && q->lon <= 180) ||
                       !(q->radius_km > 0 && q->radius_km <= 1000)))
        return sm_error_set(err, SM_EINVAL, "near: a point and a radius of 0 to 1000 km");
    if (q->occupation != SM_NO_CONCEPT &&
        (q->occupation >= m->skill_space ||
         sm_taxonomy_type(m->tx, q->occupation) != SM_CT_OCCUPATION))
        return sm_error_set(err, SM_EINVAL, "occupation: not an occupation concept");
    if ((!r->dsum && !(r->dsum = sm_malloc((m->skill_space + 1) * sizeof *r->dsum))) ||
        (!r->dwant && !(r->dwant = sm_malloc(m->skill_space + 1))))
        return sm_error_set(err, SM_ENOMEM, "out of memory");
    /* Which skills: a collection, an occupation's. */
    for (uint32_t s = 0; s < m->skill_space; s++)
        r->dwant[s] = is_skill(m, s) && (!q->collections ||
                                         (sm_taxonomy_collections(m->tx, s) & q->collections));
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
    sm__demand_sum(m->demand, n_spans == SIZE_MAX ? NULL : spans,
                   n_spans == SIZE_MAX ? 0 : n_spans, r->dwant, !q->exact_people, r->dsum);
    for (uint32_t s = 0; s < m->skill_space; s++) {
        const sm__demand_counts *c = &r->dsum[s];
        /* A row shows when something published is there: a skill that only people below the
         * threshold have would otherwise show by its row. */
        if (!r->dwant[s] || (c->offers_essential <= 0 && c->offers_optional <= 0 &&
                             c->trainings <= 0 && c->profiles <= 0 && c->one_away <= 0 &&
                             c->two_away <= 0))
            continue;
        if (sm_grow((void **)&r->drows, &r->drow_cap, r->drow_count + 1, sizeof *r->drows) !=
            SM_OK)
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
        status->complete = sm__demand_complete(m->demand) &&
                           atomic_load(&m->demand_state) == DEMAND_LIVE;
        sm__demand_write_unlock(m->demand);
    }
    return (int)r->drow_count;
}

const sm_demand_row *sm_match_demand_get(const sm_match_reader *r, size_t index)
{
    return index < r->drow_count ? &r->drows[index] : NULL;
}
