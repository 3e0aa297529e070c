/*
 * taxonomy.c: the concept store (see taxonomy.h).
 *
 * Invariants: strings live in one pool addressed by offsets (offset 0 is the
 * empty string), so growing the pool never invalidates what is stored;
 * concepts[i] is concept id i; uris maps each URI to its id. Before
 * finalize, alternative labels and edges are appended as they come; finalize
 * sorts and deduplicates them and builds, per adjacency kind, an offsets
 * array of count + 1 entries into an edge array (CSR).
 */
#include "taxonomy/taxonomy.h"
#include "taxonomy/base/alloc.h"
#include "taxonomy/base/strmap.h"

#include <stdlib.h>
#include <string.h>

typedef struct concept {
    uint32_t uri, code;
    uint32_t pref[SM_LANG_COUNT], desc[SM_LANG_COUNT];
    uint8_t type, reuse, collections;
}
concept;

typedef struct raw_label {
    uint32_t concept, text;
    uint8_t lang, kind;
} raw_label;

typedef struct raw_edge {
    uint32_t from, to;
    uint8_t rel;
} raw_edge;

typedef struct adjacency {
    uint32_t *offsets; /* concept_count + 1 entries */
    sm_edge *edges;
} adjacency;

typedef struct raw_statement {
    uint32_t concept, band, text;
} raw_statement;

typedef struct raw_level {
    int set;
    uint32_t name, name_fr, description;
} raw_level;

struct sm_taxonomy {
    char *pool;
    size_t pool_len, pool_cap;
    concept *concepts;
    size_t count, concepts_cap;
    sm_strmap *uris;
    raw_label *labels; /* alt/hidden while building; all labels after finalize */
    size_t label_count, labels_cap, building_labels;
    uint32_t *label_offsets; /* count + 1 entries after finalize */
    raw_edge *edges;
    size_t edge_count, edges_cap;
    size_t rel_counts[SM_REL__COUNT];
    adjacency adj[SM_ADJ__COUNT];
    raw_statement *statements;
    size_t statement_count, statements_cap;
    raw_level levels[9];
    sm_level level_view[9];
    /* the similarity model, attached by sm_taxonomy_finalize (similarity.c) with its own
     * destructor and size, so this file does not call the model's code */
    sm_similarity *similarity;
    void (*similarity_free)(sm_similarity *);
    size_t (*similarity_memory)(const sm_similarity *);
    int finalized;
};

static const char *str_at(const sm_taxonomy *tx, uint32_t off)
{
    return tx->pool + off;
}

/* Appends text + NUL to the pool; returns its offset in *off. */
static int pool_add(sm_taxonomy *tx, sm_str text, uint32_t *off)
{
    if (text.len == 0) {
        *off = 0;
        return SM_OK;
    }
    if (tx->pool_len + text.len + 1 > UINT32_MAX)
        return SM_ETOOBIG;
    if (sm_grow((void **)&tx->pool, &tx->pool_cap, tx->pool_len + text.len + 1, 1) != SM_OK)
        return SM_ENOMEM;
    memcpy(tx->pool + tx->pool_len, text.ptr, text.len);
    tx->pool[tx->pool_len + text.len] = '\0';
    *off = (uint32_t)tx->pool_len;
    tx->pool_len += text.len + 1;
    return SM_OK;
}

sm_taxonomy *sm_taxonomy_new(void)
{
    sm_taxonomy *tx = sm_calloc(1, sizeof *tx);
    if (!tx)
        return NULL;
    tx->uris = sm_strmap_new();
    tx->pool_cap = 1 << 16;
    tx->pool = sm_malloc(tx->pool_cap);
    if (!tx->uris || !tx->pool) {
        sm_taxonomy_free(tx);
        return NULL;
    }
    tx->pool[0] = '\0';
    tx->pool_len = 1;
    return tx;
}

static void free_derived(sm_taxonomy *tx)
{
    for (int a = 0; a < SM_ADJ__COUNT; a++) {
        sm_free(tx->adj[a].offsets);
        sm_free(tx->adj[a].edges);
        tx->adj[a].offsets = NULL;
        tx->adj[a].edges = NULL;
    }
    sm_free(tx->label_offsets);
    tx->label_offsets = NULL;
    if (tx->similarity)
        tx->similarity_free(tx->similarity);
    tx->similarity = NULL;
}

void sm_taxonomy_free(sm_taxonomy *tx)
{
    if (!tx)
        return;
    free_derived(tx);
    sm_strmap_free(tx->uris);
    sm_free(tx->pool);
    sm_free(tx->concepts);
    sm_free(tx->labels);
    sm_free(tx->edges);
    sm_free(tx->statements);
    sm_free(tx);
}

/* Any change after finalize drops the derived views until the next finalize. */
static void touch(sm_taxonomy *tx)
{
    if (!tx->finalized)
        return;
    /* Keep only the alt/hidden labels as raw input; preferred ones live in concepts. */
    size_t kept = 0;
    for (size_t i = 0; i < tx->label_count; i++)
        if (tx->labels[i].kind != SM_LABEL_PREFERRED)
            tx->labels[kept++] = tx->labels[i];
    tx->label_count = kept;
    free_derived(tx);
    tx->finalized = 0;
}

int sm_taxonomy_intern(sm_taxonomy *tx, sm_str uri, sm_concept_type type, uint32_t *id)
{
    uri = sm_str_trim(uri);
    if (uri.len == 0 || uri.len > 1024)
        return SM_EINVAL;
    uint32_t found;
    if (sm_strmap_get(tx->uris, uri.ptr, uri.len, &found)) {
        if (tx->concepts[found].type == SM_CT_UNKNOWN && type != SM_CT_UNKNOWN)
            tx->concepts[found].type = (uint8_t)type;
        *id = found;
        return SM_OK;
    }
    if (tx->count >= SM_NO_CONCEPT - 1)
        return SM_ETOOBIG;
    if (sm_grow((void **)&tx->concepts, &tx->concepts_cap, tx->count + 1, sizeof(concept)) != SM_OK)
        return SM_ENOMEM;
    concept *c = &tx->concepts[tx->count];
    memset(c, 0, sizeof *c);
    size_t pool_before = tx->pool_len;
    int rc = pool_add(tx, uri, &c->uri);
    if (rc != SM_OK)
        return rc;
    rc = sm_strmap_put(tx->uris, uri.ptr, uri.len, (uint32_t)tx->count, NULL);
    if (rc < 0) {
        tx->pool_len = pool_before;
        return rc;
    }
    touch(tx);
    c->type = (uint8_t)type;
    *id = (uint32_t)tx->count++;
    return SM_OK;
}

uint32_t sm_taxonomy_find(const sm_taxonomy *tx, sm_str uri)
{
    uint32_t id;
    uri = sm_str_trim(uri);
    return sm_strmap_get(tx->uris, uri.ptr, uri.len, &id) ? id : SM_NO_CONCEPT;
}

int sm_taxonomy_add_label(sm_taxonomy *tx, uint32_t id, sm_lang lang, sm_label_kind kind,
                          sm_str text)
{
    text = sm_str_trim(text);
    if (text.len == 0)
        return SM_OK;
    if (id >= tx->count || (unsigned)lang >= SM_LANG_COUNT)
        return SM_EINVAL;
    touch(tx);
    uint32_t off;
    int rc = pool_add(tx, text, &off);
    if (rc != SM_OK)
        return rc;
    if (kind == SM_LABEL_PREFERRED) {
        tx->concepts[id].pref[lang] = off;
        return SM_OK;
    }
    if (sm_grow((void **)&tx->labels, &tx->labels_cap, tx->label_count + 1, sizeof(raw_label)) !=
        SM_OK)
        return SM_ENOMEM;
    raw_label *l = &tx->labels[tx->label_count++];
    l->concept = id;
    l->text = off;
    l->lang = (uint8_t)lang;
    l->kind = (uint8_t)kind;
    return SM_OK;
}

int sm_taxonomy_set_description(sm_taxonomy *tx, uint32_t id, sm_lang lang, sm_str text)
{
    text = sm_str_trim(text);
    if (id >= tx->count || (unsigned)lang >= SM_LANG_COUNT)
        return SM_EINVAL;
    if (text.len == 0)
        return SM_OK;
    return pool_add(tx, text, &tx->concepts[id].desc[lang]);
}

int sm_taxonomy_set_code(sm_taxonomy *tx, uint32_t id, sm_str code)
{
    code = sm_str_trim(code);
    if (id >= tx->count)
        return SM_EINVAL;
    return pool_add(tx, code, &tx->concepts[id].code);
}

void sm_taxonomy_set_type(sm_taxonomy *tx, uint32_t id, sm_concept_type type)
{
    if (id < tx->count)
        tx->concepts[id].type = (uint8_t)type;
}

void sm_taxonomy_set_reuse(sm_taxonomy *tx, uint32_t id, sm_reuse reuse)
{
    if (id < tx->count)
        tx->concepts[id].reuse = (uint8_t)reuse;
}

void sm_taxonomy_add_collections(sm_taxonomy *tx, uint32_t id, unsigned collections)
{
    if (id < tx->count)
        tx->concepts[id].collections |= (uint8_t)collections;
}

int sm_taxonomy_add_relation(sm_taxonomy *tx, uint32_t from, uint32_t to, sm_relation rel)
{
    if (from >= tx->count || to >= tx->count || (unsigned)rel >= SM_REL__COUNT)
        return SM_EINVAL;
    if (from == to)
        return SM_OK;
    if (sm_grow((void **)&tx->edges, &tx->edges_cap, tx->edge_count + 1, sizeof(raw_edge)) != SM_OK)
        return SM_ENOMEM;
    touch(tx);
    raw_edge *e = &tx->edges[tx->edge_count++];
    e->from = from;
    e->to = to;
    e->rel = (uint8_t)rel;
    return SM_OK;
}

int sm_taxonomy_set_level(sm_taxonomy *tx, int level, sm_str name, sm_str name_fr,
                          sm_str description)
{
    if (level < 1 || level > 8)
        return SM_EINVAL;
    raw_level *l = &tx->levels[level];
    if (pool_add(tx, sm_str_trim(name), &l->name) != SM_OK ||
        pool_add(tx, sm_str_trim(name_fr), &l->name_fr) != SM_OK ||
        pool_add(tx, sm_str_trim(description), &l->description) != SM_OK)
        return SM_ENOMEM;
    l->set = 1;
    return SM_OK;
}

int sm_taxonomy_add_statement(sm_taxonomy *tx, uint32_t competence, sm_str band, sm_str text)
{
    text = sm_str_trim(text);
    if (competence >= tx->count)
        return SM_EINVAL;
    if (text.len == 0)
        return SM_OK;
    if (sm_grow((void **)&tx->statements, &tx->statements_cap, tx->statement_count + 1,
                sizeof(raw_statement)) != SM_OK)
        return SM_ENOMEM;
    raw_statement *s = &tx->statements[tx->statement_count];
    if (pool_add(tx, sm_str_trim(band), &s->band) != SM_OK || pool_add(tx, text, &s->text) != SM_OK)
        return SM_ENOMEM;
    s->concept = competence;
    tx->statement_count++;
    return SM_OK;
}

/* ---- finalize ---------------------------------------------------------- */

/* Labels sort by concept, language, then kind (strongest first); texts are compared later. */
static int cmp_label(const void *pa, const void *pb)
{
    const raw_label *a = pa, *b = pb;
    if (a->concept != b->concept)
    return a->concept < b->concept ? -1 : 1;
    if (a->lang != b->lang)
        return a->lang - b->lang;
    if (a->kind != b->kind)
        return a->kind - b->kind;
    return a->text < b->text ? -1 : a->text > b->text;
}

static int cmp_edge(const void *pa, const void *pb)
{
    const raw_edge *a = pa, *b = pb;
    if (a->from != b->from)
        return a->from < b->from ? -1 : 1;
    if (a->to != b->to)
        return a->to < b->to ? -1 : 1;
    return a->rel - b->rel;
}

static int finalize_labels(sm_taxonomy *tx)
{
    size_t extra = 0;
    for (size_t i = 0; i < tx->count; i++)
        for (int l = 0; l < SM_LANG_COUNT; l++)
            extra += tx->concepts[i].pref[l] != 0;
    if (sm_grow((void **)&tx->labels, &tx->labels_cap, tx->label_count + extra,
                sizeof(raw_label)) != SM_OK)
        return SM_ENOMEM;
    uint32_t *offsets = sm_calloc(tx->count + 1, sizeof *offsets);
    if (!offsets)
        return SM_ENOMEM;
    size_t n = tx->label_count;
    for (size_t i = 0; i < tx->count; i++)
        for (int l = 0; l < SM_LANG_COUNT; l++)
            if (tx->concepts[i].pref[l]) {
                raw_label *r = &tx->labels[n++];
                r->concept = (uint32_t)i;
                r->lang = (uint8_t)l;
                r->kind = SM_LABEL_PREFERRED;
                r->text = tx->concepts[i].pref[l];
            }
    if (n)
        qsort(tx->labels, n, sizeof(raw_label), cmp_label);
    /* Same concept, language and text: keep the strongest kind, which sorts first.
     * Groups are small (tens of labels), so a quadratic scan is cheap. */
    size_t kept = 0, group = 0;
    for (size_t i = 0; i < n; i++) {
        const raw_label *l = &tx->labels[i];
        if (kept == 0 || tx->labels[group].concept != l->concept ||
            tx->labels[group].lang != l->lang)
            group = kept;
        int duplicate = 0;
        for (size_t k = group; k < kept && !duplicate; k++)
            duplicate = strcmp(str_at(tx, tx->labels[k].text), str_at(tx, l->text)) == 0;
        if (!duplicate)
            tx->labels[kept++] = *l;
    }
    for (size_t i = 0; i < kept; i++)
        offsets[tx->labels[i].concept + 1]++;
    for (size_t i = 0; i < tx->count; i++)
        offsets[i + 1] += offsets[i];
    tx->label_count = kept;
    tx->label_offsets = offsets;
    return SM_OK;
}

/* Which adjacency lists an edge feeds, and in which direction. */
static int edge_targets(const raw_edge *e, int *adj_fwd, int *adj_back)
{
    switch ((sm_relation)e->rel) {
    case SM_REL_BROADER:
        *adj_fwd = SM_ADJ_BROADER;
        *adj_back = SM_ADJ_NARROWER;
        return 1;
    case SM_REL_SKILL_ESSENTIAL:
    case SM_REL_SKILL_OPTIONAL:
        *adj_fwd = SM_ADJ_RELATED;
        *adj_back = SM_ADJ_RELATED;
        return 1;
    case SM_REL_OCC_ESSENTIAL:
    case SM_REL_OCC_OPTIONAL:
        *adj_fwd = SM_ADJ_OCC_SKILLS;
        *adj_back = SM_ADJ_SKILL_OCCS;
        return 1;
    case SM_REL_DIGCOMP:
        *adj_fwd = SM_ADJ_DIGCOMP;
        *adj_back = SM_ADJ_DIGCOMP;
        return 1;
    case SM_REL__COUNT: break;
    }
    return 0;
}

static int cmp_sm_edge(const void *pa, const void *pb)
{
    const sm_edge *a = pa, *b = pb;
    if (a->concept != b->concept)
    return a->concept < b->concept ? -1 : 1;
    return a->relation - b->relation;
}

static int finalize_edges(sm_taxonomy *tx)
{
    if (tx->edge_count)
        qsort(tx->edges, tx->edge_count, sizeof(raw_edge), cmp_edge);
    size_t kept = 0;
    for (size_t i = 0; i < tx->edge_count; i++) {
        raw_edge *e = &tx->edges[i];
        if (kept) {
            raw_edge *p = &tx->edges[kept - 1];
            /* One relation per ordered pair and family: essential beats optional. */
            if (p->from == e->from && p->to == e->to) {
                int pf = -1, pb = -1, ef = -2, eb = -2;
                edge_targets(p, &pf, &pb);
                edge_targets(e, &ef, &eb);
                if (pf == ef)
                    continue;
            }
        }
        tx->edges[kept++] = *e;
    }
    tx->edge_count = kept;
    memset(tx->rel_counts, 0, sizeof tx->rel_counts);
    size_t per_adj[SM_ADJ__COUNT] = {0};
    for (int a = 0; a < SM_ADJ__COUNT; a++) {
        tx->adj[a].offsets = sm_calloc(tx->count + 2, sizeof(uint32_t));
        if (!tx->adj[a].offsets)
            return SM_ENOMEM;
    }
    for (size_t i = 0; i < kept; i++) {
        const raw_edge *e = &tx->edges[i];
        int f = 0, b = 0;
        tx->rel_counts[e->rel]++;
        if (!edge_targets(e, &f, &b))
            continue;
        tx->adj[f].offsets[e->from + 1]++;
        tx->adj[b].offsets[e->to + 1]++;
        per_adj[f]++;
        per_adj[b]++;
    }
    for (int a = 0; a < SM_ADJ__COUNT; a++) {
        uint32_t *off = tx->adj[a].offsets;
        for (size_t i = 0; i < tx->count; i++)
            off[i + 1] += off[i];
        tx->adj[a].edges = sm_malloc((per_adj[a] + 1) * sizeof(sm_edge));
        if (!tx->adj[a].edges)
            return SM_ENOMEM;
    }
    /* Fill using a moving cursor per concept (offsets[i] is advanced, then restored). */
    for (size_t i = 0; i < kept; i++) {
        const raw_edge *e = &tx->edges[i];
        int f = 0, b = 0;
        if (!edge_targets(e, &f, &b))
            continue;
        sm_edge fe = {e->to, e->rel}, be = {e->from, e->rel};
        tx->adj[f].edges[tx->adj[f].offsets[e->from]++] = fe;
        tx->adj[b].edges[tx->adj[b].offsets[e->to]++] = be;
    }
    for (int a = 0; a < SM_ADJ__COUNT; a++) {
        uint32_t *off = tx->adj[a].offsets;
        memmove(off + 1, off, tx->count * sizeof *off);
        off[0] = 0;
        /* Sorted by neighbour. A related list may name a neighbour twice, once
         * per direction of the ESCO relation; readers take the strongest. */
        for (size_t c = 0; c < tx->count; c++) {
            sm_edge *list = tx->adj[a].edges + off[c];
            size_t len = off[c + 1] - off[c];
            if (len > 1)
                qsort(list, len, sizeof *list, cmp_sm_edge);
        }
    }
    return SM_OK;
}

int sm__taxonomy_index(sm_taxonomy *tx)
{
    touch(tx);
    int rc = finalize_labels(tx);
    if (rc == SM_OK)
        rc = finalize_edges(tx);
    if (rc == SM_OK) {
        for (int l = 1; l <= 8; l++) {
            sm_level *v = &tx->level_view[l];
            v->level = l;
            v->name = str_at(tx, tx->levels[l].name);
            v->name_fr = str_at(tx, tx->levels[l].name_fr);
            v->description = str_at(tx, tx->levels[l].description);
        }
        tx->finalized = 1;
    }
    if (rc != SM_OK)
        sm__taxonomy_unindex(tx);
    return rc;
}

void sm__taxonomy_unindex(sm_taxonomy *tx)
{
    tx->finalized = 1; /* let touch() restore the raw state */
    touch(tx);
}

void sm__taxonomy_attach_similarity(sm_taxonomy *tx, sm_similarity *sim,
                                    void (*free_fn)(sm_similarity *),
                                    size_t (*memory_fn)(const sm_similarity *))
{
    if (tx->similarity)
        tx->similarity_free(tx->similarity);
    tx->similarity = sim;
    tx->similarity_free = free_fn;
    tx->similarity_memory = memory_fn;
}

/* ---- read access ------------------------------------------------------- */

size_t sm_taxonomy_count(const sm_taxonomy *tx)
{
    return tx->count;
}

size_t sm_taxonomy_count_type(const sm_taxonomy *tx, sm_concept_type type)
{
    size_t n = 0;
    for (size_t i = 0; i < tx->count; i++)
        n += tx->concepts[i].type == type;
    return n;
}

const char *sm_taxonomy_uri(const sm_taxonomy *tx, uint32_t id)
{
    return str_at(tx, tx->concepts[id].uri);
}

sm_concept_type sm_taxonomy_type(const sm_taxonomy *tx, uint32_t id)
{
    return (sm_concept_type)tx->concepts[id].type;
}

sm_reuse sm_taxonomy_reuse(const sm_taxonomy *tx, uint32_t id)
{
    return (sm_reuse)tx->concepts[id].reuse;
}

unsigned sm_taxonomy_collections(const sm_taxonomy *tx, uint32_t id)
{
    return tx->concepts[id].collections;
}

const char *sm_taxonomy_code(const sm_taxonomy *tx, uint32_t id)
{
    return str_at(tx, tx->concepts[id].code);
}

const char *sm_taxonomy_label(const sm_taxonomy *tx, uint32_t id, sm_lang lang)
{
    return str_at(tx, tx->concepts[id].pref[lang]);
}

const char *sm_taxonomy_label_any(const sm_taxonomy *tx, uint32_t id, sm_lang lang)
{
    const concept *c = &tx->concepts[id];
    if (c->pref[lang])
        return str_at(tx, c->pref[lang]);
    for (int l = 0; l < SM_LANG_COUNT; l++)
        if (c->pref[l])
            return str_at(tx, c->pref[l]);
    return str_at(tx, c->uri);
}

const char *sm_taxonomy_description(const sm_taxonomy *tx, uint32_t id, sm_lang lang)
{
    return str_at(tx, tx->concepts[id].desc[lang]);
}

size_t sm_taxonomy_label_total(const sm_taxonomy *tx)
{
    return tx->finalized ? tx->label_count : 0;
}

sm_label sm_taxonomy_label_at(const sm_taxonomy *tx, size_t index)
{
    const raw_label *r = &tx->labels[index];
    sm_label l = {r->concept, r->lang, r->kind, str_at(tx, r->text)};
    return l;
}

size_t sm_taxonomy_labels_of(const sm_taxonomy *tx, uint32_t id, size_t *first)
{
    if (!tx->finalized) {
        *first = 0;
        return 0;
    }
    *first = tx->label_offsets[id];
    return tx->label_offsets[id + 1] - tx->label_offsets[id];
}

size_t sm_taxonomy_adjacent(const sm_taxonomy *tx, uint32_t id, sm_adjacency adj,
                            const sm_edge **edges)
{
    const adjacency *a = &tx->adj[adj];
    if (!tx->finalized || !a->offsets) {
        *edges = NULL;
        return 0;
    }
    *edges = a->edges + a->offsets[id];
    return a->offsets[id + 1] - a->offsets[id];
}

size_t sm_taxonomy_edge_count(const sm_taxonomy *tx, sm_relation rel)
{
    return tx->rel_counts[rel];
}

size_t sm_taxonomy_relation_total(const sm_taxonomy *tx)
{
    return tx->edge_count;
}

void sm_taxonomy_relation_at(const sm_taxonomy *tx, size_t index, uint32_t *from, uint32_t *to,
                             sm_relation *rel)
{
    const raw_edge *e = &tx->edges[index];
    *from = e->from;
    *to = e->to;
    *rel = (sm_relation)e->rel;
}

const sm_level *sm_taxonomy_level(const sm_taxonomy *tx, int level)
{
    if (level < 1 || level > 8 || !tx->levels[level].set || !tx->finalized)
        return NULL;
    return &tx->level_view[level];
}

size_t sm_taxonomy_statement_count(const sm_taxonomy *tx)
{
    return tx->statement_count;
}

sm_statement sm_taxonomy_statement_at(const sm_taxonomy *tx, size_t index)
{
    const raw_statement *r = &tx->statements[index];
    sm_statement s = {r->concept, str_at(tx, r->band), str_at(tx, r->text)};
    return s;
}

const sm_similarity *sm_taxonomy_similarity(const sm_taxonomy *tx)
{
    return tx->similarity;
}

size_t sm_taxonomy_memory(const sm_taxonomy *tx)
{
    size_t bytes = sizeof *tx + tx->pool_cap + tx->concepts_cap * sizeof(concept) +
                   tx->labels_cap * sizeof(raw_label) + tx->edges_cap * sizeof(raw_edge) +
                   sm_strmap_memory(tx->uris) + tx->statements_cap * sizeof(raw_statement);
    if (tx->finalized) {
        bytes += (tx->count + 1) * sizeof(uint32_t);
        for (int a = 0; a < SM_ADJ__COUNT; a++) {
            bytes += (tx->count + 2) * sizeof(uint32_t);
            bytes += tx->adj[a].offsets ? tx->adj[a].offsets[tx->count] * sizeof(sm_edge) : 0;
        }
        bytes += tx->similarity ? tx->similarity_memory(tx->similarity) : 0;
    }
    return bytes;
}

int sm_concept_is_skill(sm_concept_type type)
{
    return type == SM_CT_SKILL || type == SM_CT_KNOWLEDGE || type == SM_CT_DIGCOMP_COMPETENCE;
}

const char *sm_concept_type_name(sm_concept_type type)
{
    static const char *const names[SM_CT__COUNT] = {
        "unknown",    "skill",      "knowledge",    "skill_group",
        "occupation", "isco_group", "digcomp_area", "digcomp_competence"};
    return (unsigned)type < SM_CT__COUNT ? names[type] : "unknown";
}

const char *sm_lang_code(sm_lang lang)
{
    return lang == SM_LANG_FR ? "fr" : "en";
}
