/*
 * internal.h: what the matcher's files share and nothing outside matcher/ may include: the
 * records, slots, posting lists, cell maps, the matcher and reader structures, the scoring
 * constants, and the small accessors every query runs per posting (static inline, so that the
 * hot loops keep direct code). Functions one file defines for another are named sm__.
 *
 * Invariants (matcher/README.md tells why):
 * - Records (offers, profiles) are immutable once published. An upsert writes a new record in a
 *   new slot and empties the old slot; the old record is freed through epoch-based reclamation,
 *   so a reader that loaded it keeps a valid pointer until its query ends. Slots are never reused.
 * - Slot directories and posting blocks never move: readers reach them through atomic pointers
 *   and counts published with release stores after the data they guard is written.
 * - Postings of an emptied slot stay in the lists; queries skip them when they find the slot
 *   empty. Scores only ever come from live records.
 */
#ifndef SM_MATCHER_INTERNAL_H
#define SM_MATCHER_INTERNAL_H

#include "matcher/demand.h"
#include "matcher/epoch.h"
#include "matcher/explain.h"
#include "matcher/matcher.h"
#include "taxonomy/base/alloc.h"
#include "taxonomy/base/heap.h"
#include "taxonomy/base/strmap.h"
#include "taxonomy/similarity.h"

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

static inline float evidence_factor(uint8_t evidence, unsigned disable)
{
    /* declared, validated, assessed, certified, from_experience (matcher.h) */
    static const float factor[SM_EVIDENCE_COUNT] = {0.80f, 0.90f, 0.95f, 1.00f, 0.85f};
    if (disable & SM_SCORE_NO_EVIDENCE)
        return 1.0f;
    return factor[evidence >= SM_EVIDENCE_COUNT ? SM_EVIDENCE_CERTIFIED : evidence];
}

static inline float level_factor(uint8_t have, uint8_t need, unsigned disable)
{
    if ((disable & SM_SCORE_NO_LEVEL) || need == 0 || have >= need)
        return 1.0f;
    if (have == 0)
        return 0.85f; /* level not stated: the benefit of the doubt, not full credit */
    float f = 1.0f - 0.2f * (float)(need - have);
    return f < 0.25f ? 0.25f : f;
}

static inline double distance_km(double lat1, double lon1, double lat2, double lon2)
{
    const double rad = 3.14159265358979323846 / 180.0;
    double dlat = (lat2 - lat1) * rad, dlon = (lon2 - lon1) * rad;
    double a = sin(dlat / 2) * sin(dlat / 2) +
               cos(lat1 * rad) * cos(lat2 * rad) * sin(dlon / 2) * sin(dlon / 2);
    return 6371.0 * 2 * atan2(sqrt(a), sqrt(1 - a));
}

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

enum {
    META_REMOTE = 1,
    META_LOCATED = 2,
    META_CAR = 4,
    META_SUPPORT = 8,
    META_NO_DIPLOMA = 16,
    META_IAE = 32
};

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
 * (6 bits, see DEPTH_FULL); for profiles the claim's level and evidence (3 bits).
 */
typedef struct posting {
    uint32_t slot;
    uint32_t packed;
} posting;

#define P_SHARE(p) ((p).packed & 0x3FFFFFu)
#define P_LEVEL(p) (((p).packed >> 22) & 15u)
#define P_INC(p) ((p).packed >> 26)
#define P_EVIDENCE(p) (((p).packed >> 26) & 7u)
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
static inline uint32_t depth_inc(size_t req_count)
{
    return DEPTH_FULL / (req_count == 0                ? 1u
                         : req_count < SM_DEPTH_SKILLS ? (uint32_t)req_count
                                                       : SM_DEPTH_SKILLS);
}

static inline uint32_t quant_at(float x, float scale)
{
    if (!(x > 0))
        return 0;
    float q = ceilf(x * scale);
    return q >= scale ? (uint32_t)scale : (uint32_t)q;
}

/* A credit, rounded up to a multiple of 1/QSCALE. */
static inline uint32_t quant_up(float x)
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

static inline float drawn_weight(float sim)
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

static inline uint32_t cell_of(double lat, double lon)
{
    uint32_t cy = (uint32_t)floor((lat + 90.0) / CELL_DEG),
             cx = (uint32_t)floor((lon + 180.0) / CELL_DEG);
    return cy * 1024u + cx;
}

/* The coarse cell holding a cell. */
static inline uint32_t coarse_of(uint32_t cell)
{
    return COARSE_BASE | ((cell / 1024u / COARSE) * 1024u + cell % 1024u / COARSE);
}

/* The cells within radius_km of a point, as a box of rows and columns (all when
 * unbounded), and the coarse cells holding them. */
typedef struct cell_box {
    uint32_t cy0, cy1, cx0, cx1;
} cell_box;

static inline cell_box radius_box(int located, double lat, double lon, double radius_km)
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
static inline uint32_t cells_search(const cellmap *cm, uint32_t lo, uint32_t hi, uint32_t cell)
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

static inline uint32_t cells_lower_bound(const cellmap *cm, uint32_t cell)
{
    return cells_search(cm, 0, cm->count, cell);
}

/* cells_lower_bound() knowing that every cell before lo is smaller: the next row of a box
 * starts a few cells after where the last one ended, so gallop from there (a few probes in
 * cache lines already read) rather than search the whole map again. */
static inline uint32_t cells_lower_bound_from(const cellmap *cm, uint32_t lo, uint32_t cell)
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
static inline const cell_list *anywhere_list(const cellmap *cm)
{
    return cm && cm->count && cell_ids(cm)[cm->count - 1] == CELL_ANYWHERE
               ? &cm->entries[cm->count - 1]
               : NULL;
}

static inline const cell_list *cell_next(cell_iter *it)
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

static inline cell_iter cells_in(const cellmap *cm, const cell_box *box)
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
    _Atomic(cellmap *) *job_cells; /* per skill */
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
    metas offer_metas;        /* per offer slot, written before the slot is published */
    slot_points offer_points; /* likewise */
    sm_similarity *own_sim;   /* the model built by sm_matcher_new, freed with the matcher */
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
    _Atomic int demand_state;   /* DEMAND_LIVE, DEMAND_DEFERRED, DEMAND_CATCHING_UP */
    _Atomic int32_t demand_day; /* the day sm_matcher_demand_expire last looked at */
    uint32_t demand_offer_end, demand_profile_end, demand_offer_at, demand_profile_at;
};

enum { DEMAND_LIVE = 0, DEMAND_DEFERRED, DEMAND_CATCHING_UP };

/* Whether a change to a slot goes to the counters now (the writers' mutex is held). */
static inline int demand_counts_slot(const sm_matcher *m, uint32_t slot, int offer)
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

static inline _Atomic(void *) *slot_ref(const slots *s, uint32_t slot)
{
    _Atomic(void *) *seg = atomic_load_explicit(&s->segs[slot >> SEG_BITS], memory_order_acquire);
    return seg ? &seg[slot & (SEG_SIZE - 1)] : NULL;
}

static inline void *slot_get(const slots *s, uint32_t slot)
{
    _Atomic(void *) *ref = slot_ref(s, slot);
    return ref ? atomic_load_explicit(ref, memory_order_acquire) : NULL;
}

static inline void *seg_entry(_Atomic(void *) *segs, uint32_t slot, size_t size)
{
    char *s = atomic_load_explicit(&segs[slot >> SEG_BITS], memory_order_acquire);
    return s ? s + (size_t)(slot & (SEG_SIZE - 1)) * size : NULL;
}

static inline const offer_meta *meta_get(metas *ms, uint32_t slot)
{
    return seg_entry(ms->segs, slot, sizeof(offer_meta));
}

static inline const slot_point *point_get(slot_points *sp, uint32_t slot)
{
    return seg_entry(sp->segs, slot, sizeof(slot_point));
}

/* The unit vector of a place. */
static inline void unit_vector(double lat, double lon, double v[3])
{
    const double rad = 3.14159265358979323846 / 180.0;
    v[0] = cos(lat * rad) * cos(lon * rad);
    v[1] = cos(lat * rad) * sin(lon * rad);
    v[2] = sin(lat * rad);
}

static inline slot_point point_of(int on_site, double lat, double lon)
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

/*
 * A list is full blocks of BLOCK_MAX postings and one growing tail. A full
 * tail below BLOCK_MAX is replaced by a copy twice its size (readers still in
 * the old one keep it until their epoch ends): a query pays one block start,
 * a likely cache miss, per BLOCK_MAX postings instead of one per doubling.
 */
#define BLOCK_MIN 8u
#define BLOCK_MAX 8192u

static inline int is_skill(const sm_matcher *m, uint32_t id)
{
    return id < m->skill_space && sm_concept_is_skill(sm_taxonomy_type(m->tx, id));
}

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
    size_t id, title, justification;  /* offsets in text */
    size_t items;                     /* offset in items: matched, then missing, then teaches */
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
    double *hot_bound;    /* select_topk: each listed slot's bound, read once */
    uint32_t *band_slots; /* select_topk: the listed slots band by band, their bounds, bands */
    double *band_bounds;
    uint8_t *band_place; /* each listed slot's band, counted from the highest */
    size_t hot_count;
    sm_match_stats stats; /* of the last query */
    uint32_t epoch;
    /* the blocks a query walks, gathered first (see walk_blocks), and their add tables */
    struct pending_block *blocks;
    size_t block_count, block_cap;
    struct pending_list
        *lists; /* sm__accumulate_jobs: the lists of the box's cells, then gathered */
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
    sm_reason *reasons; /* SM__MAX_REASONS per result, made by sm__fix_up */
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

static inline uint32_t next_stamp(uint32_t *epoch, uint32_t *stamps, size_t count)
{
    if (++*epoch == 0) {
        if (count)
            memset(stamps, 0, count * sizeof *stamps);
        *epoch = 1;
    }
    return *epoch;
}

/* The bound of a slot's score before distance: skills bound times depth bound. */
static inline double acc_bound(const sm_match_reader *r, uint32_t slot)
{
    uint32_t v = r->acc[slot], d = (v >> DEPTH_SHIFT) & DEPTH_MASK;
    return (double)(v & BOUND_MAX) / ACC_UNIT * (double)(d < DEPTH_FULL ? d : DEPTH_FULL) /
           (double)DEPTH_FULL;
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

static inline offer_view view_of_offer_rec(const offer_rec *o)
{
    offer_view v = {o->id,        o->title,         o->kind,          o->remote, o->has_location,
                    o->org_kind,  o->contract_type, o->flags,         o->lat,    o->lon,
                    o->hours,     o->valid_from,    o->valid_through, o->reqs,   o->contrib,
                    o->req_count, o->teaches,       o->teach_count};
    return v;
}

/* A query's profile (and its filter) as scoring reads it. */
static inline profile_view view_of_profile(const sm_profile *p, const sm_match_filter *filter)
{
    profile_view pv = {p->id ? p->id : "",     p->skills,       p->skill_count,
                       p->location.known != 0, p->location.lat, p->location.lon,
                       p->radius_km,           p->constraints,  filter};
    return pv;
}

static inline profile_view view_of_profile_rec(const profile_rec *p)
{
    profile_view v = {p->id,           p->skills,      p->skill_count,
                      p->has_location, p->lat,         p->lon,
                      p->radius_km,    p->constraints, NULL};
    return v;
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
                 (f->require & ~o->flags &
                  (SM_OFFER_SUPPORT | SM_OFFER_NO_DIPLOMA | SM_OFFER_IAE_RESERVED)) ||
                 (f->exclude & o->flags) || (f->remote_only && !o->remote));
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
    if ((p->constraints & SM_PROFILE_NOT_IAE_ELIGIBLE) && (o->flags & SM_OFFER_IAE_RESERVED))
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
              (meta->flags & META_NO_DIPLOMA ? SM_OFFER_NO_DIPLOMA : 0) |
              (meta->flags & META_IAE ? SM_OFFER_IAE_RESERVED : 0);
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

typedef struct scored {
    double skills, ess_cov, opt_cov;
    double used, depth; /* the skills drawn on and the depth factor */
} scored;

static inline size_t clamp_limit(size_t limit)
{
    if (limit == 0)
        return 20;
    return limit > SM_MATCH_MAX_LIMIT ? SM_MATCH_MAX_LIMIT : limit;
}

/* The name of an item's field, "base[i].leaf" ("base[i]" when leaf is empty), in buf. */
static inline const char *item_field(char *buf, size_t cap, const char *base, size_t i,
                                     const char *leaf)
{
    snprintf(buf, cap, "%s[%zu]%s%s", base, i, *leaf ? "." : "", leaf);
    return buf;
}

/* The heap of the best k: its order (the weakest at the root), a push, and whether a bound
 * could still enter. Inline: top-k runs them for each slot it considers. */
/* Min-heap on (score, then later slot), so the root is the weakest kept result. */
static inline int hless(const hitem *a, const hitem *b)
{
    if (a->score != b->score)
        return a->score < b->score;
    return a->slot > b->slot;
}

static inline int hitem_before(void *ctx, const hitem *a, const hitem *b)
{
    (void)ctx;
    return hless(a, b);
}

SM_HEAP_DEFINE(hitem_heap, hitem, void *, hitem_before)

static inline int sm__heap_push(sm_match_reader *r, size_t k, double score, uint32_t slot)
{
    hitem it = {score, slot};
    if (r->heap_count < k &&
        sm_grow((void **)&r->heap, &r->heap_cap, r->heap_count + 1, sizeof(hitem)) != SM_OK)
        return SM_ENOMEM;
    hitem_heap_offer(NULL, r->heap, &r->heap_count, k, it);
    return SM_OK;
}

/* Whether a candidate with this upper bound could still enter the heap. */
static inline int sm__could_enter(const sm_match_reader *r, size_t k, double bound, uint32_t slot)
{
    if (r->heap_count < k)
        return 1;
    hitem it = {bound, slot};
    return hless(&r->heap[0], &it);
}

/* ---- what one file of the matcher defines for the others ---- */

/* check.c */
int sm__check_text(const char *s, const char *field, int required, sm_error *err);
int sm__check_geo(const sm_geo *g, const char *field, sm_error *err);
int sm__check_requirements(const sm_matcher *m, const sm_requirement *r, size_t n,
                           const char *field, sm_error *err);
int sm__check_profile(const sm_matcher *m, const sm_profile *p, sm_error *err);
int sm__check_profile_maybe_empty(const sm_matcher *m, const sm_profile *p, sm_error *err);

/* store.c */
plist *sm__cell_list_for(sm_matcher *m, _Atomic(cellmap *) *maps, uint32_t skill, uint32_t cell);
void sm__cellmaps_free(_Atomic(cellmap *) *maps, size_t count);
void sm__free_offer(void *p);
void sm__free_profile(void *p);
offer_meta *sm__meta_for_write(metas *ms, uint32_t slot);
int sm__plist_add(sm_matcher *m, plist *l, const posting *p, int copy);
void sm__plist_free(plist *l);
slot_point *sm__point_for_write(slot_points *sp, uint32_t slot);
uint32_t sm__slot_append(slots *s, void *value);
void sm__slots_free(slots *s, void (*free_fn)(void *));

/* neighbours.c */
int sm__build_neighbours(sm_matcher *m, const sm_similarity *sim);

/* demand_index.c */
void sm__demand_offer(sm_matcher *m, offer_rec *o, int32_t sign);
void sm__demand_profile(sm_matcher *m, const profile_rec *p, int32_t sign);
void sm__drop_away(sm_matcher *m, uint32_t slot);

/* reader.c */
int sm__ensure_slots(sm_match_reader *r, size_t count);

/* accumulate.c */
int sm__accumulate_jobs(sm_match_reader *r, const profile_view *pv, cell_box *box);
int sm__accumulate_profiles(sm_match_reader *r, const offer_view *ov, uint32_t count);

/* score.c */
void sm__weight_shares(const sm_matcher *m, const sm_requirement *reqs, size_t n, unsigned disable,
                       float *shares);
size_t sm__add_text(sm_match_reader *r, const char *s, size_t len);
int sm__expand_profile(sm_match_reader *r, const sm_skill_claim *claims, size_t n,
                       unsigned disable);
int sm__expand_requirements(sm_match_reader *r, const offer_view *o);
float sm__expanded_credit(const sm_match_reader *r, uint32_t skill, uint8_t need, unsigned disable,
                          const cand **why);
double sm__offer_skills(const sm_match_reader *r, const offer_rec *o);
uint8_t sm__place_of(const offer_view *o, const profile_view *p, double km);
double sm__profile_skills(sm_match_reader *r, const offer_view *o, const profile_rec *p);
uint8_t sm__requirement_status(const sm_match_reader *r, uint32_t skill, uint8_t need,
                               const cand **why);
int sm__score_requirements(sm_match_reader *r, const offer_view *o, unsigned disable, scored *out,
                           pending *pd);

/* results.c */
int sm__add_result(sm_match_reader *r, const offer_view *o, const profile_view *p, double score,
                   double factor, double km, const sm_match_options *opts, int candidate);
int sm__finish_query(sm_match_reader *r, int rc, sm_error *err);
int sm__fix_up(sm_match_reader *r);
void sm__forget_prepared(sm_match_reader *r);
void sm__reset_results(sm_match_reader *r);
void sm__sort_heap(sm_match_reader *r, int rc);

/* query.c */
int sm__explain_offers(sm_match_reader *r, const profile_view *pv, int32_t today,
                       const sm_match_options *opts, int rc);

#endif
