/*
 * similarity.c: the skill similarity model (see similarity.h).
 *
 * Invariants: neighbours of skill a are sorted by decreasing sim, at most
 * top_n of them, none equal to a, all of skill type; the neighbour weight is
 * exactly sm_similarity_pair(a, b) because both paths gather the same
 * evidence in the same order (occupations in increasing id) and share
 * combine().
 */
#include "taxonomy/similarity.h"
#include "taxonomy/base/alloc.h"
#include "taxonomy/base/heap.h"
#include "taxonomy/base/str.h"
#include "taxonomy/base/strmap.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct sm_similarity {
    const sm_taxonomy *tx;
    sm_sim_params params;
    float *occ_norm;   /* per concept: norm of its occupation vector */
    uint32_t *offsets; /* count + 1 */
    sm_neighbour *neighbours;
    size_t neighbour_count;
    /* while building: folded labels (full, and but for the last word) to the skills bearing
     * them, as chains in label_next */
    sm_strmap *label_full, *label_trunc;
    uint32_t *label_skill, *label_next;
    size_t label_count, label_cap;
};

typedef struct evidence {
    float hier;
    uint8_t hier_via;
    uint32_t hier_through;
    float related;
    double dot;
    unsigned common;
    float digcomp;
    uint32_t digcomp_through;
    float label;
} evidence;

void sm_sim_params_default(sm_sim_params *p)
{
    memset(p, 0, sizeof *p);
    /* Chosen on the dev occupations of bench/sim_eval (see taxonomy/README.md). */
    p->parent = 0.60f;
    p->sibling = 0.25f;
    p->sibling_group_size = 10.0f;
    p->related_essential = 0.60f;
    p->related_optional = 0.45f;
    p->cooccur = 0.90f;
    p->cooccur_min = 2;
    p->digcomp = 0.45f;
    /* above CLOSE_SIM (matcher): a skill named nearly as the one asked is a close match
     * (issue 23: "utiliser une caisse enregistreuse" for "utiliser une caisse") */
    p->label = 0.60f;
    p->cap = 0.95f;
    p->top_n = 20;
}

static float occ_weight(uint8_t relation)
{
    return relation == SM_REL_OCC_ESSENTIAL ? 1.0f : 0.5f;
}

static int occ_counts(const sm_sim_params *p, uint32_t occupation)
{
    return !p->occupation_mask || p->occupation_mask[occupation];
}

static float sibling_credit(const sm_similarity *sim, uint32_t parent)
{
    const sm_edge *kids;
    size_t size = sm_taxonomy_adjacent(sim->tx, parent, SM_ADJ_NARROWER, &kids);
    return sim->params.sibling / (1.0f + (float)size / sim->params.sibling_group_size);
}

static float combine(const sm_similarity *sim, const evidence *ev, uint32_t a, uint32_t b,
                     sm_neighbour *out)
{
    const sm_sim_params *p = &sim->params;
    float cooc = 0;
    if (ev->common >= p->cooccur_min && sim->occ_norm[a] > 0 && sim->occ_norm[b] > 0)
        cooc = p->cooccur * (float)(ev->dot / ((double)sim->occ_norm[a] * sim->occ_norm[b]));
    float parts[5] = {ev->hier, ev->related, cooc, ev->digcomp, ev->label};
    static const uint8_t vias[5] = {SM_VIA_NONE, SM_VIA_RELATED, SM_VIA_COOCCUR, SM_VIA_DIGCOMP,
                                    SM_VIA_LABEL};
    float keep = 1.0f, best = 0;
    int best_i = -1;
    for (int i = 0; i < 5; i++) {
        if (parts[i] <= 0)
            continue;
        keep *= 1.0f - parts[i];
        if (parts[i] > best) {
            best = parts[i];
            best_i = i;
        }
    }
    float s = 1.0f - keep;
    if (s > p->cap)
        s = p->cap;
    if (out) {
        out->concept = b;
        out->sim = s;
        out->through = SM_NO_CONCEPT;
        out->via = SM_VIA_NONE;
        if (best_i == 0) {
            out->via = ev->hier_via;
            out->through = ev->hier_through;
        } else if (best_i == 3) {
            out->via = SM_VIA_DIGCOMP;
            out->through = ev->digcomp_through;
        } else if (best_i > 0)
            out->via = vias[best_i];
    }
    return s;
}

/* A label folded into out (cap bytes): lower case, no accents, words of letters and digits
 * separated by one space. *trunc: the length without the last word when at least two words
 * of 8 letters or more in all remain, else 0. Returns the length. */
static size_t fold_label(const char *s, char *out, size_t cap, size_t *trunc)
{
    size_t n = sm_fold_words(s, strlen(s), out, cap), words = n > 0, last_space = 0;
    for (size_t i = 0; i < n; i++)
        if (out[i] == ' ') {
            words++;
            last_space = i;
        }
    *trunc = words >= 3 && last_space >= 8 ? last_space : 0;
    return n;
}

static void note_hier(evidence *ev, float s, sm_sim_via via, uint32_t through)
{
    if (s > ev->hier) {
        ev->hier = s;
        ev->hier_via = (uint8_t)via;
        ev->hier_through = through;
    }
}

static int is_skill(const sm_taxonomy *tx, uint32_t id)
{
    return sm_concept_is_skill(sm_taxonomy_type(tx, id));
}

/* Between a skill and its DigComp competence, the competence is the broader one. */
static sm_sim_via digcomp_direction(const sm_taxonomy *tx, uint32_t neighbour)
{
    return sm_taxonomy_type(tx, neighbour) == SM_CT_DIGCOMP_COMPETENCE ? SM_VIA_BROADER
                                                                       : SM_VIA_NARROWER;
}

float sm_similarity_pair(const sm_similarity *sim, uint32_t a, uint32_t b, sm_neighbour *why)
{
    const sm_taxonomy *tx = sim->tx;
    if (why) {
        why->concept = b;
        why->through = SM_NO_CONCEPT;
        why->via = a == b ? SM_VIA_SAME : SM_VIA_NONE;
        why->sim = a == b ? 1.0f : 0.0f;
    }
    if (a == b)
        return 1.0f;
    if (a >= sm_taxonomy_count(tx) || b >= sm_taxonomy_count(tx) || !is_skill(tx, a) ||
        !is_skill(tx, b))
        return 0.0f;
    evidence ev;
    memset(&ev, 0, sizeof ev);
    ev.hier_through = ev.digcomp_through = SM_NO_CONCEPT;
    const sm_edge *ea, *eb;
    size_t na, nb;

    na = sm_taxonomy_adjacent(tx, a, SM_ADJ_BROADER, &ea);
    nb = sm_taxonomy_adjacent(tx, b, SM_ADJ_BROADER, &eb);
    for (size_t i = 0; i < na; i++)
        if (ea[i].concept == b)
            note_hier(&ev, sim->params.parent, SM_VIA_BROADER, SM_NO_CONCEPT);
    for (size_t j = 0; j < nb; j++)
        if (eb[j].concept == a)
            note_hier(&ev, sim->params.parent, SM_VIA_NARROWER, SM_NO_CONCEPT);
    for (size_t i = 0; i < na; i++)
        for (size_t j = 0; j < nb; j++)
            if (ea[i].concept == eb[j].concept)
                note_hier(&ev, sibling_credit(sim, ea[i].concept), SM_VIA_SIBLING, ea[i].concept);

    na = sm_taxonomy_adjacent(tx, a, SM_ADJ_RELATED, &ea);
    for (size_t i = 0; i < na; i++)
        if (ea[i].concept == b) {
            float s = ea[i].relation == SM_REL_SKILL_ESSENTIAL ? sim->params.related_essential
                                                               : sim->params.related_optional;
            if (s > ev.related)
                ev.related = s;
        }

    na = sm_taxonomy_adjacent(tx, a, SM_ADJ_SKILL_OCCS, &ea);
    nb = sm_taxonomy_adjacent(tx, b, SM_ADJ_SKILL_OCCS, &eb);
    for (size_t i = 0, j = 0; i < na && j < nb;) {
        if (ea[i].concept < eb[j].concept)
            i++;
        else if (ea[i].concept > eb[j].concept)
            j++;
        else {
            if (occ_counts(&sim->params, ea[i].concept)) {
                ev.dot += (double)occ_weight(ea[i].relation) * occ_weight(eb[j].relation);
                ev.common++;
            }
            i++;
            j++;
        }
    }

    if (sim->params.label > 0) {
        size_t fa, fb, la = sm_taxonomy_labels_of(tx, a, &fa),
                       lb = sm_taxonomy_labels_of(tx, b, &fb);
        char x[512], y[512];
        for (size_t i = 0; i < la && !ev.label; i++) {
            size_t tx_, nx = fold_label(sm_taxonomy_label_at(tx, fa + i).text, x, sizeof x, &tx_);
            for (size_t j = 0; j < lb && !ev.label; j++) {
                size_t ty, ny = fold_label(sm_taxonomy_label_at(tx, fb + j).text, y, sizeof y, &ty);
                if (nx &&
                    ((nx == ny && !memcmp(x, y, nx)) || (tx_ && tx_ == ny && !memcmp(x, y, ny)) ||
                     (ty && ty == nx && !memcmp(x, y, nx))))
                    ev.label = sim->params.label;
            }
        }
    }

    na = sm_taxonomy_adjacent(tx, a, SM_ADJ_DIGCOMP, &ea);
    nb = sm_taxonomy_adjacent(tx, b, SM_ADJ_DIGCOMP, &eb);
    for (size_t i = 0; i < na; i++) {
        if (ea[i].concept == b)
            note_hier(&ev, sim->params.parent, digcomp_direction(tx, b), SM_NO_CONCEPT);
        for (size_t j = 0; j < nb; j++)
            if (ea[i].concept == eb[j].concept && sim->params.digcomp > ev.digcomp) {
                ev.digcomp = sim->params.digcomp;
                ev.digcomp_through = ea[i].concept;
            }
    }
    return combine(sim, &ev, a, b, why);
}

/* ---- build ------------------------------------------------------------- */

typedef struct builder {
    sm_similarity *sim;
    uint32_t *stamp, epoch;
    evidence *ev;
    uint32_t *touched;
    size_t touched_count;
    sm_neighbour *heap;
    size_t heap_count;
} builder;

static evidence *touch(builder *bld, uint32_t b)
{
    evidence *ev = &bld->ev[b];
    if (bld->stamp[b] != bld->epoch) {
        bld->stamp[b] = bld->epoch;
        memset(ev, 0, sizeof *ev);
        ev->hier_through = ev->digcomp_through = SM_NO_CONCEPT;
        bld->touched[bld->touched_count++] = b;
    }
    return ev;
}

/* Min-heap on sim (ties: larger concept id is "smaller", for a stable order). */
static int heap_less(const sm_neighbour *x, const sm_neighbour *y)
{
    if (x->sim != y->sim)
        return x->sim < y->sim;
    return x->concept > y->concept;
}

static inline int neighbour_before(void *ctx, const sm_neighbour *a, const sm_neighbour *b)
{
    (void)ctx;
    return heap_less(a, b);
}

/* A skill's best neighbours so far, in a min-heap: the weakest at the root. */
SM_HEAP_DEFINE(neighbour_heap, sm_neighbour, void *, neighbour_before)

static int cmp_neighbour_desc(const void *pa, const void *pb)
{
    const sm_neighbour *x = pa, *y = pb;
    if (heap_less(x, y))
        return 1;
    if (heap_less(y, x))
        return -1;
    return 0;
}

static void gather(builder *bld, uint32_t a)
{
    sm_similarity *sim = bld->sim;
    const sm_taxonomy *tx = sim->tx;
    const sm_sim_params *p = &sim->params;
    const sm_edge *e, *f;
    size_t n, m;

    n = sm_taxonomy_adjacent(tx, a, SM_ADJ_BROADER, &e);
    for (size_t i = 0; i < n; i++) {
        uint32_t parent = e[i].concept;
        if (is_skill(tx, parent))
            note_hier(touch(bld, parent), p->parent, SM_VIA_BROADER, SM_NO_CONCEPT);
        float credit = sibling_credit(sim, parent);
        m = sm_taxonomy_adjacent(tx, parent, SM_ADJ_NARROWER, &f);
        for (size_t j = 0; j < m; j++)
            if (f[j].concept != a && is_skill(tx, f[j].concept))
                note_hier(touch(bld, f[j].concept), credit, SM_VIA_SIBLING, parent);
    }
    n = sm_taxonomy_adjacent(tx, a, SM_ADJ_NARROWER, &e);
    for (size_t i = 0; i < n; i++)
        if (is_skill(tx, e[i].concept))
            note_hier(touch(bld, e[i].concept), p->parent, SM_VIA_NARROWER, SM_NO_CONCEPT);

    n = sm_taxonomy_adjacent(tx, a, SM_ADJ_RELATED, &e);
    for (size_t i = 0; i < n; i++) {
        float s =
            e[i].relation == SM_REL_SKILL_ESSENTIAL ? p->related_essential : p->related_optional;
        evidence *ev = touch(bld, e[i].concept);
        if (s > ev->related)
            ev->related = s;
    }

    n = sm_taxonomy_adjacent(tx, a, SM_ADJ_SKILL_OCCS, &e);
    for (size_t i = 0; i < n; i++) {
        uint32_t occ = e[i].concept;
        if (!occ_counts(p, occ))
            continue;
        float wa = occ_weight(e[i].relation);
        m = sm_taxonomy_adjacent(tx, occ, SM_ADJ_OCC_SKILLS, &f);
        for (size_t j = 0; j < m; j++) {
            if (f[j].concept == a)
                continue;
            evidence *ev = touch(bld, f[j].concept);
            ev->dot += (double)wa * occ_weight(f[j].relation);
            ev->common++;
        }
    }

    if (p->label > 0 && sim->label_full) {
        size_t first, nl = sm_taxonomy_labels_of(tx, a, &first);
        char buf[512];
        for (size_t i = 0; i < nl; i++) {
            size_t trunc,
                len = fold_label(sm_taxonomy_label_at(tx, first + i).text, buf, sizeof buf, &trunc);
            uint32_t head;
            /* the same name; a name that is this one and one more word */
            for (int which = 0; which < 2 && len; which++)
                if (sm_strmap_get(which ? sim->label_trunc : sim->label_full, buf, len, &head))
                    for (uint32_t k = head; k != UINT32_MAX; k = sim->label_next[k])
                        if (sim->label_skill[k] != a)
                            touch(bld, sim->label_skill[k])->label = p->label;
            /* this name but for its last word */
            if (trunc && sm_strmap_get(sim->label_full, buf, trunc, &head))
                for (uint32_t k = head; k != UINT32_MAX; k = sim->label_next[k])
                    if (sim->label_skill[k] != a)
                        touch(bld, sim->label_skill[k])->label = p->label;
        }
    }

    n = sm_taxonomy_adjacent(tx, a, SM_ADJ_DIGCOMP, &e);
    for (size_t i = 0; i < n; i++) {
        uint32_t c = e[i].concept;
        if (is_skill(tx, c))
            note_hier(touch(bld, c), p->parent, digcomp_direction(tx, c), SM_NO_CONCEPT);
        m = sm_taxonomy_adjacent(tx, c, SM_ADJ_DIGCOMP, &f);
        for (size_t j = 0; j < m; j++) {
            if (f[j].concept == a)
                continue;
            evidence *ev = touch(bld, f[j].concept);
            if (f[j].concept != c && p->digcomp > ev->digcomp) {
                ev->digcomp = p->digcomp;
                ev->digcomp_through = c;
            }
        }
    }
}

static void unindex_labels(sm_similarity *sim)
{
    if (!sim)
        return;
    sm_strmap_free(sim->label_full);
    sm_strmap_free(sim->label_trunc);
    sm_free(sim->label_skill);
    sm_free(sim->label_next);
    sim->label_full = sim->label_trunc = NULL;
    sim->label_skill = sim->label_next = NULL;
    sim->label_count = sim->label_cap = 0;
}

/* One skill under key in map: a new link at the head of key's chain. */
static int index_label(sm_similarity *sim, sm_strmap *map, const char *key, size_t len,
                       uint32_t skill)
{
    if (sim->label_count + 1 > sim->label_cap) {
        size_t cap = sim->label_cap ? sim->label_cap * 2 : 4096;
        uint32_t *a = sm_realloc(sim->label_skill, cap * sizeof *a);
        if (!a)
            return SM_ENOMEM;
        sim->label_skill = a;
        uint32_t *b = sm_realloc(sim->label_next, cap * sizeof *b);
        if (!b)
            return SM_ENOMEM;
        sim->label_next = b;
        sim->label_cap = cap;
    }
    uint32_t at = (uint32_t)sim->label_count, head = UINT32_MAX;
    int present = sm_strmap_get(map, key, len, &head);
    if (present && sim->label_skill[head] == skill)
        return SM_OK; /* this skill's other label with the same key */
    sim->label_skill[at] = skill;
    sim->label_next[at] = present ? head : UINT32_MAX;
    sim->label_count++;
    if (present)
        sm_strmap_set(map, key, len, at);
    else if (sm_strmap_put(map, key, len, at, NULL) < 0)
        return SM_ENOMEM;
    return SM_OK;
}

/* Every skill's labels, folded, whole and but for their last word. */
static int index_labels(sm_similarity *sim)
{
    const sm_taxonomy *tx = sim->tx;
    sim->label_full = sm_strmap_new();
    sim->label_trunc = sm_strmap_new();
    if (!sim->label_full || !sim->label_trunc)
        return SM_ENOMEM;
    size_t total = sm_taxonomy_label_total(tx);
    char buf[512];
    for (size_t i = 0; i < total; i++) {
        sm_label l = sm_taxonomy_label_at(tx, i);
        if (!is_skill(tx, l.concept))
            continue;
        size_t trunc, len = fold_label(l.text, buf, sizeof buf, &trunc);

        if (len && index_label(sim, sim->label_full, buf, len, l.concept) != SM_OK)
            return SM_ENOMEM;
        if (trunc && index_label(sim, sim->label_trunc, buf, trunc, l.concept) != SM_OK)
            return SM_ENOMEM;
    }
    return SM_OK;
}

int sm_similarity_build(const sm_taxonomy *tx, const sm_sim_params *params, sm_similarity **out)
{
    *out = NULL;
    size_t count = sm_taxonomy_count(tx);
    sm_similarity *sim = sm_calloc(1, sizeof *sim);
    builder bld;
    memset(&bld, 0, sizeof bld);
    if (!sim)
        return SM_ENOMEM;
    sim->tx = tx;
    sim->params = *params;
    if (sim->params.top_n == 0)
        sim->params.top_n = 1;
    size_t top_n = sim->params.top_n;
    sim->occ_norm = sm_calloc(count + 1, sizeof *sim->occ_norm);
    sim->offsets = sm_calloc(count + 1, sizeof *sim->offsets);
    sim->neighbours = sm_malloc((count * top_n + 1) * sizeof *sim->neighbours);
    bld.sim = sim;
    bld.stamp = sm_calloc(count + 1, sizeof *bld.stamp);
    bld.ev = sm_malloc((count + 1) * sizeof *bld.ev);
    bld.touched = sm_malloc((count + 1) * sizeof *bld.touched);
    bld.heap = sm_malloc(top_n * sizeof *bld.heap);
    int rc = SM_ENOMEM;
    if (!sim->occ_norm || !sim->offsets || !sim->neighbours || !bld.stamp || !bld.ev ||
        !bld.touched || !bld.heap)
        goto done;

    for (uint32_t a = 0; a < count; a++) {
        const sm_edge *e;
        size_t n = sm_taxonomy_adjacent(tx, a, SM_ADJ_SKILL_OCCS, &e);
        double sum = 0;
        for (size_t i = 0; i < n; i++)
            if (occ_counts(params, e[i].concept))
                sum += (double)occ_weight(e[i].relation) * occ_weight(e[i].relation);
        sim->occ_norm[a] = (float)sqrt(sum);
    }
    if (sim->params.label > 0 && index_labels(sim) != SM_OK)
        goto done;
    size_t total = 0;
    for (uint32_t a = 0; a < count; a++) {
        sim->offsets[a] = (uint32_t)total;
        if (!is_skill(tx, a))
            continue;
        bld.epoch++;
        bld.touched_count = 0;
        bld.heap_count = 0;
        gather(&bld, a);
        for (size_t i = 0; i < bld.touched_count; i++) {
            uint32_t b = bld.touched[i];
            if (b == a || !is_skill(tx, b))
                continue;
            sm_neighbour nb;
            if (combine(sim, &bld.ev[b], a, b, &nb) > 0)
                neighbour_heap_offer(NULL, (&bld)->heap, &(&bld)->heap_count, top_n, *(&nb));
        }
        qsort(bld.heap, bld.heap_count, sizeof *bld.heap, cmp_neighbour_desc);
        memcpy(sim->neighbours + total, bld.heap, bld.heap_count * sizeof *bld.heap);
        total += bld.heap_count;
    }
    sim->offsets[count] = (uint32_t)total;
    sim->neighbour_count = total;
    rc = SM_OK;
done:
    unindex_labels(sim);
    sm_free(bld.stamp);
    sm_free(bld.ev);
    sm_free(bld.touched);
    sm_free(bld.heap);
    if (rc != SM_OK)
        sm_similarity_free(sim);
    else
        *out = sim;
    return rc;
}

void sm_similarity_free(sm_similarity *sim)
{
    if (!sim)
        return;
    sm_free(sim->occ_norm);
    sm_free(sim->offsets);
    sm_free(sim->neighbours);
    sm_free(sim);
}

size_t sm_similarity_neighbours(const sm_similarity *sim, uint32_t a, const sm_neighbour **list)
{
    if (!sim || a >= sm_taxonomy_count(sim->tx)) {
        *list = NULL;
        return 0;
    }
    *list = sim->neighbours + sim->offsets[a];
    return sim->offsets[a + 1] - sim->offsets[a];
}

size_t sm_similarity_memory(const sm_similarity *sim)
{
    if (!sim)
        return 0;
    size_t count = sm_taxonomy_count(sim->tx);
    return sizeof *sim + (count + 1) * (sizeof(float) + sizeof(uint32_t)) +
           sim->neighbour_count * sizeof(sm_neighbour);
}

const char *sm_sim_via_name(sm_sim_via via)
{
    switch (via) {
    case SM_VIA_SAME: return "same";
    case SM_VIA_BROADER: return "broader";
    case SM_VIA_NARROWER: return "narrower";
    case SM_VIA_SIBLING: return "sibling";
    case SM_VIA_RELATED: return "related";
    case SM_VIA_COOCCUR: return "cooccurrence";
    case SM_VIA_DIGCOMP: return "digcomp";
    case SM_VIA_LABEL: return "label";
    case SM_VIA_NONE: break;
    }
    return "none";
}

/* The taxonomy's finalize (taxonomy.h): its indexes, then its similarity model on them. */
int sm_taxonomy_finalize(sm_taxonomy *tx)
{
    int rc = sm__taxonomy_index(tx);
    if (rc != SM_OK)
        return rc;
    sm_sim_params params;
    sm_sim_params_default(&params);
    sm_similarity *sim = NULL;
    if ((rc = sm_similarity_build(tx, &params, &sim)) != SM_OK) {
        sm__taxonomy_unindex(tx);
        return rc;
    }
    sm__taxonomy_attach_similarity(tx, sim, sm_similarity_free, sm_similarity_memory);
    return SM_OK;
}
