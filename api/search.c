/*
 * search.c: the label index (see search.h). Entries point at a word start
 * inside a folded copy of each label; they are sorted by the folded text
 * from there, so all entries starting with a query form one range.
 */
#include "api/search.h"
#include "taxonomy/base/alloc.h"
#include "taxonomy/base/str.h"

#include <stdlib.h>
#include <string.h>

typedef struct entry {
    uint32_t text;  /* offset of the word start in the folded pool */
    uint32_t label; /* taxonomy label index */
    uint32_t start; /* offset of the folded label's start */
    uint16_t length;
    uint8_t extra;      /* label is an index into the extras, not the taxonomy's labels */
    uint8_t extra_kind; /* an extra's sm_label_kind */
} entry;

struct sm_skill_search {
    const sm_taxonomy *tx;
    uint8_t *extra_lang; /* each extra's language */
    size_t extra_count;
    char *pool;
    size_t pool_len;
    entry *entries;
    size_t count;
};

static const char *cmp_pool;
static int cmp_entry(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    return strcmp(cmp_pool + x->text, cmp_pool + y->text);
}

int sm_skill_search_new(const sm_taxonomy *tx, sm_skill_search **out)
{
    return sm_concept_search_new(tx, 0, out);
}

/* Indexes the folded text at every word start: item label (of the extras when extra). */
static int add_label(sm_skill_search *s, const char *text, uint32_t label, int extra, int kind,
                     size_t *pool_cap, size_t *entry_cap)
{
    char buf[1024];
    size_t n = sm_fold_words(text, strlen(text), buf, sizeof buf);
    if (!n)
        return SM_OK;
    if (sm_grow((void **)&s->pool, pool_cap, s->pool_len + n + 1, 1) != SM_OK)
        return SM_ENOMEM;
    uint32_t start = (uint32_t)s->pool_len;
    memcpy(s->pool + start, buf, n + 1);
    s->pool_len += n + 1;
    for (size_t k = 0; k < n; k++) {
        if (k && buf[k - 1] != ' ')
            continue;
        if (sm_grow((void **)&s->entries, entry_cap, s->count + 1, sizeof(entry)) != SM_OK)
            return SM_ENOMEM;
        s->entries[s->count++] =
            (entry){start + (uint32_t)k, label,        start, (uint16_t)(n > 65535 ? 65535 : n),
                    (uint8_t)extra,      (uint8_t)kind};
    }
    return SM_OK;
}

/* The index over the labels of occupations (else skill-like concepts) and extra labels beside,
 * sorted once. */
static int build(const sm_taxonomy *tx, int occupations, const sm_search_extra *extra,
                 size_t extra_count, sm_skill_search **out)
{
    *out = NULL;
    sm_skill_search *s = sm_calloc(1, sizeof *s);
    if (!s)
        return SM_ENOMEM;
    s->tx = tx;
    size_t total = sm_taxonomy_label_total(tx), pool_cap = 0, entry_cap = 0;
    int rc = SM_OK;
    for (size_t i = 0; i < total && rc == SM_OK; i++) {
        sm_label l = sm_taxonomy_label_at(tx, i);
        sm_concept_type t = sm_taxonomy_type(tx, l.concept);
        if ((occupations ? t != SM_CT_OCCUPATION : !sm_concept_is_skill(t)) ||
            l.kind == SM_LABEL_HIDDEN)
            continue;
        rc = add_label(s, l.text, (uint32_t)i, 0, l.kind, &pool_cap, &entry_cap);
    }
    if (rc == SM_OK && extra_count && !(s->extra_lang = sm_malloc(extra_count)))
        rc = SM_ENOMEM;
    for (size_t i = 0; i < extra_count && rc == SM_OK; i++) {
        s->extra_lang[i] = extra[i].lang;
        rc = add_label(s, extra[i].text, (uint32_t)i, 1,
                       extra[i].synonym ? SM_LABEL_ALT : SM_LABEL_PREFERRED, &pool_cap, &entry_cap);
    }
    s->extra_count = extra_count;
    if (rc != SM_OK) {
        sm_skill_search_free(s);
        return rc;
    }
    cmp_pool = s->pool; /* built once per generation, by one thread */
    if (s->count)       /* none: a taxonomy without occupations (the built-in set alone) */
        qsort(s->entries, s->count, sizeof(entry), cmp_entry);
    *out = s;
    return SM_OK;
}

int sm_occupation_search_new(const sm_taxonomy *tx, const sm_search_extra *extra,
                             size_t extra_count, sm_skill_search **out)
{
    return build(tx, 1, extra, extra_count, out);
}

int sm_concept_search_new(const sm_taxonomy *tx, int occupations, sm_skill_search **out)
{
    return build(tx, occupations, NULL, 0, out);
}

void sm_skill_search_free(sm_skill_search *s)
{
    if (!s)
        return;
    sm_free(s->pool);
    sm_free(s->entries);
    sm_free(s->extra_lang);
    sm_free(s);
}

typedef struct cand {
    uint32_t concept, label;
    double rank;
} cand;

static int cmp_cand(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    return x->concept < y->concept ? -1 : x->concept > y->concept;
}

size_t sm_skill_search_find(const sm_skill_search *s, const char *q, size_t len, sm_lang lang_pref,
                            sm_search_hit *hits, size_t limit, size_t *total)
{
    char folded[256];
    if (total)
        *total = 0;
    if (len > 200)
        len = 200;
    if (!sm_utf8_valid(q, len, NULL) || !limit)
        return 0;
    size_t n = sm_fold_words(q, len, folded, sizeof folded);
    if (!n)
        return 0;
    /* The range of entries starting with the query. */
    size_t lo = 0, hi = s->count;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (strncmp(s->pool + s->entries[mid].text, folded, n) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t first = lo;
    hi = s->count;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (strncmp(s->pool + s->entries[mid].text, folded, n) <= 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t take = lo - first;
    size_t base = sm_taxonomy_count(s->tx), concepts = base + s->extra_count;
    cand *c = sm_malloc((take ? take : 1) * sizeof *c);
    uint8_t *seen_concept = sm_calloc(concepts / 8 + 1, 1);
    if (!c || !seen_concept) {
        sm_free(c);
        sm_free(seen_concept);
        return 0;
    }
    size_t distinct = 0;
    for (size_t i = 0; i < take; i++) {
        const entry *e = &s->entries[first + i];
        sm_label l;
        if (e->extra)
            l = (sm_label){(uint32_t)(base + e->label), s->extra_lang[e->label], e->extra_kind,
                           NULL};
        else
            l = sm_taxonomy_label_at(s->tx, e->label);
        /* Tiers: the whole label; whole words of a preferred label, then of a synonym; then a
         * word's beginning, preferred before synonym ("caisse" finds "tenir une caisse"
         * before "… aux caisses automatiques"). Within one: at the label's start, in the
         * asked language, shorter. */
        char after = s->pool[e->text + n];
        int whole = after == ' ' || after == '\0';
        int exact = whole && e->text == e->start && e->length == n;
        int preferred = l.kind == SM_LABEL_PREFERRED;
        int tier = exact ? 0 : whole ? (preferred ? 1 : 2) : (preferred ? 3 : 4);
        double rank = tier * 10000.0 + (e->text != e->start) * 1000.0 +
                      (l.lang != lang_pref) * 500.0 + e->length;
        c[i] = (cand){l.concept, e->label, rank};
        if (!(seen_concept[l.concept / 8] >> (l.concept % 8) & 1)) {
            seen_concept[l.concept / 8] |= (uint8_t)(1u << (l.concept % 8));
            distinct++;
        }
    }
    sm_free(seen_concept);
    if (total)
        *total = distinct;
    /* Every matching entry is ranked (a one-letter query over the whole of ESCO sorts some
     * tens of thousands: bench/RESULTS.md), then the best limit distinct concepts taken. */
    qsort(c, take, sizeof *c, cmp_cand);
    size_t out = 0;
    for (size_t i = 0; i < take && out < limit; i++) {
        int seen = 0;
        for (size_t j = 0; j < out && !seen; j++)
        seen = hits[j].concept == c[i].concept;
        if (!seen)
            hits[out++] = (sm_search_hit){c[i].concept, c[i].label};
    }
    sm_free(c);
    return out;
}
