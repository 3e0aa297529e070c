/*
 * accumulate.c: the first pass of a query: walking the posting lists of the profile's skills
 * (or the offer's) cell by cell and adding each posting's credit into the per-slot
 * accumulators, sixteen at a time with AVX-512 when the CPU has it; slots whose bound crosses
 * HOT_FLOOR are listed for top-k.
 */
#include "matcher/internal.h"

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
            now =
                _mm512_mullo_epi32(_mm512_and_si512(v, v_bound), _mm512_srli_epi32(v, DEPTH_SHIFT));
    __mmask16 crossed =
        mask & _mm512_cmplt_epu32_mask(was, v_floor) & _mm512_cmpge_epu32_mask(now, v_floor);
    /* sixteen written, the crossed ones first: hot has room (sm__ensure_slots) */
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
        if (!accumulate16(acc, hot, &hn, items + i, 0xFFFF, v_stamp, v_floor, q_entry0, q_entry1))
            break;
    }
    if (i < n && n - i < 16 &&
        accumulate16(acc, hot, &hn, items + i, (__mmask16)((1u << (n - i)) - 1), v_stamp, v_floor,
                     q_entry0, q_entry1))
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
                                                             uint32_t stamp, const uint32_t *table,
                                                             int offers)
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
#define ADD(p) (offers ? job_add(p, table[P_LEVEL(p)]) : table[P_EVIDENCE(p) * 16 + P_LEVEL(p)])
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
    if (sm_grow((void **)&r->blocks, &r->block_cap, r->block_count + 1, sizeof *r->blocks) != SM_OK)
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

/*
 * A skill's table for job postings (JOB_ENTRY), per required level: what sm__expanded_credit()
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
        entry[need] =
            need > SM_MAX_LEVEL
                ? JOB_ENTRY((uint32_t)QSCALE, 1.0f)
                : JOB_ENTRY(quant_up(best[need]), why[need] ? drawn_weight(why[need]->sim) : 1.0f);
}

/*
 * Walks the postings of every skill the expanded profile covers, directly or through
 * neighbours, adding each job offer's bound; *box receives the grid cells the mobility
 * radius reaches (all of them without one).
 */
int sm__accumulate_jobs(sm_match_reader *r, const profile_view *pv, cell_box *box)
{
    sm_matcher *m = r->m;
    uint32_t count = atomic_load_explicit(&m->offers.count, memory_order_acquire);
    int rc = sm__ensure_slots(r, count);
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

/* Accumulates the bounds of the profiles an offer's requirements reach (candidates): the
 * offer's requirements expanded in r first (sm__expand_requirements); SM_OK or SM_ENOMEM. */
int sm__accumulate_profiles(sm_match_reader *r, const offer_view *ov, uint32_t count)
{
    sm_matcher *m = r->m;
    int rc = SM_OK;
    uint32_t e = begin_accumulation(r, count);
    /* Profiles filed under a cell have a radius of at most GRID_MAX_RADIUS: only the cells that
     * close to a located, on-site offer can hold candidates (plus CELL_ANYWHERE). */
    cell_box box = radius_box(ov->has_location && !ov->remote, ov->lat, ov->lon, GRID_MAX_RADIUS);
    /* Requirement by requirement, every profile claim that can cover it adds its credit to the
     * profile's bound: a sum over claims, at least the best one, so still an upper bound. */
    for (size_t j = 0; j < ov->req_count && rc == SM_OK; j++) {
        const sm_requirement *q = &ov->reqs[j];
        uint32_t share_q = quant_at(ov->shares[j], SHARE_SCALE);
        uint32_t first = m->nb_offsets[q->skill], last = m->nb_offsets[q->skill + 1];
        for (uint32_t nk = first; nk <= last; nk++) {
            uint32_t skill = nk == last ? q->skill : m->nbs[nk].skill;
            float sim = nk == last ? 1.0f : m->nbs[nk].sim;
            /* What a posting adds, by the claim's evidence and level, with the depth increment
             * (a profile's claims drawn on are at most the postings that reach it). */
            uint32_t add[SM_EVIDENCE_COUNT * 16] = {0};
            for (uint8_t ev = 0; ev < SM_EVIDENCE_COUNT; ev++)
                for (uint8_t level = 0; level <= SM_MAX_LEVEL; level++)
                    add[ev * 16 + level] =
                        (uint32_t)(((uint64_t)share_q *
                                    quant_up(sim * evidence_factor(ev, 0) *
                                             level_factor(level, q->level, 0))) >>
                                   ACC_SHIFT) +
                        1 + (depth_inc(ov->req_count) << DEPTH_SHIFT);
            uint32_t at;
            if ((rc = keep_table(r, add, SM_EVIDENCE_COUNT * 16, &at)) != SM_OK ||
                (rc = note_skill(r, &m->profile_cells[skill], &box, at)) != SM_OK)
                break;
        }
    }
    if (rc == SM_OK)
        rc = gather_lists(r);
    if (rc == SM_OK)
        rc = walk_blocks(r, count, e, 0);
    return rc;
}
