/* rome.c: the ROME repertoire (see rome.h). Rows are gathered as they come, then sorted and
 * linked by sm_rome_finish: jobs by code, titles by code then OGR number, links by title,
 * skills by code, moves by code then rank. */
#include "taxonomy/rome.h"
#include "taxonomy/base/alloc.h"
#include "taxonomy/base/str.h"
#include "taxonomy/csv.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const sm_rome_relation_names[] = {"exact", "close", "broad", "narrow", NULL};
const char *const sm_rome_kind_names[] = {"savoir", "savoir_faire", "savoir_etre_professionnel",
                                          NULL};

/* Rows as added: references by code and number, resolved at finish. */
typedef struct title_row {
    sm_rome_title t;
    char code[6];
} title_row;
typedef struct link_row {
    uint32_t ogr;
    sm_rome_link l;
} link_row;
typedef struct skill_row {
    char code[6];
    sm_rome_skill s;
} skill_row;
typedef struct move_row {
    char code[6], target[6];
    uint32_t rank;
} move_row;
typedef struct label_row {
    uint32_t ogr;
    const char *label;
} label_row;
typedef struct text_row {
    char code[6];
    const char *text;
} text_row;

struct sm_rome {
    char **strings;
    size_t string_count, string_cap, bytes;
    sm_rome_job *jobs;
    size_t job_count, job_cap;
    title_row *titles; /* while building; then titles_out */
    size_t title_count, title_cap;
    link_row *links;
    size_t link_count, link_cap;
    skill_row *skills;
    size_t skill_count, skill_cap;
    move_row *moves;
    size_t move_count, move_cap;
    label_row *labels;
    size_t label_count, label_cap;
    text_row *texts;
    size_t text_count, text_cap;
    /* finished */
    sm_rome_title *title_out;
    sm_rome_link *link_out;
    sm_rome_skill *skill_out;
    uint32_t *move_out;
    uint32_t *by_uri;     /* link indexes sorted by ESCO URI */
    uint32_t *link_title; /* each link's title */
    uint32_t *by_ogr;     /* title indexes sorted by OGR number */
};
struct sm_rome_builder {
    sm_rome r;
};

int sm_rome_builder_new(sm_rome_builder **out)
{
    *out = sm_calloc(1, sizeof **out);
    return *out ? SM_OK : SM_ENOMEM;
}

static void rome_release(sm_rome *r)
{
    for (size_t i = 0; i < r->string_count; i++)
        sm_free(r->strings[i]);
    sm_free(r->strings);
    sm_free(r->jobs);
    sm_free(r->titles);
    sm_free(r->links);
    sm_free(r->skills);
    sm_free(r->moves);
    sm_free(r->labels);
    sm_free(r->texts);
    sm_free(r->title_out);
    sm_free(r->link_out);
    sm_free(r->skill_out);
    sm_free(r->move_out);
    sm_free(r->by_uri);
    sm_free(r->link_title);
    sm_free(r->by_ogr);
}

void sm_rome_builder_free(sm_rome_builder *b)
{
    if (!b)
        return;
    rome_release(&b->r);
    sm_free(b);
}

void sm_rome_free(sm_rome *r)
{
    if (!r)
        return;
    rome_release(r);
    sm_free(r);
}

static char *keep(sm_rome *r, const char *s)
{
    if (sm_grow((void **)&r->strings, &r->string_cap, r->string_count + 1, sizeof(char *)) != SM_OK)
        return NULL;
    char *c = sm_strdup(s);
    if (c) {
        r->strings[r->string_count++] = c;
        r->bytes += strlen(s) + 1;
    }
    return c;
}

/* A ROME code: a capital letter and four digits (any case accepted, kept upper). */
static int code_of(const char *s, char out[6])
{
    if (strlen(s) != 5 || !isalpha((unsigned char)s[0]))
        return -1;
    for (int i = 1; i < 5; i++)
        if (!isdigit((unsigned char)s[i]))
            return -1;
    out[0] = (char)toupper((unsigned char)s[0]);
    memcpy(out + 1, s + 1, 4);
    out[5] = '\0';
    return 0;
}

/* An OGR number: 1 to 9 digits. */
static int ogr_of(const char *s, uint32_t *out)
{
    size_t n = strlen(s);
    if (!n || n > 9)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return -1;
    *out = (uint32_t)strtoul(s, NULL, 10);
    return 0;
}

static int text_ok(const char *s, size_t max)
{
    size_t n = strlen(s);
    return n && n <= max && sm_utf8_valid(s, n, NULL);
}

static int yes(const char *s)
{
    return !strcmp(s, "O") || !strcmp(s, "o") || !strcmp(s, "1") || !strcmp(s, "true") ||
           !strcmp(s, "PRINCIPALE");
}

#define BAD(field, why) sm_error_field(err, SM_EINVAL, field, "%s", why)
#define GROW(arr, count, cap)                                                                      \
    (sm_grow((void **)&r->arr, &r->cap, r->count + 1, sizeof *r->arr) == SM_OK)

int sm_rome_add(sm_rome_builder *b, sm_rome_table t, const char *const *in, sm_error *err)
{
    sm_rome *r = &b->r;
    const char *f[5]; /* a missing field reads as empty */
    for (int i = 0; i < 5; i++)
        f[i] = in[i] ? in[i] : "";
    if (t == SM_ROME_T_JOBS || t == SM_ROME_T_TEXTS || t == SM_ROME_T_LINKS ||
        t == SM_ROME_T_LABELS || t == SM_ROME_T_MOVES)
        f[3] = f[4] = ""; /* fields past a table's own are not read */
    switch (t) {
    case SM_ROME_T_JOBS: {
        sm_rome_job j;
        memset(&j, 0, sizeof j);
        if (code_of(f[0], j.code))
            return BAD("code_rome", "not a ROME code (a letter and four digits)");
        if (!text_ok(f[1], 1000))
            return BAD("libelle_rome", "empty, too long or not UTF-8");
        if (*f[2] && !text_ok(f[2], 100000))
            return BAD("definition", "too long or not UTF-8");
        if (!GROW(jobs, job_count, job_cap) || !(j.label = keep(r, f[1])) ||
            !(j.definition = keep(r, f[2])))
            return sm_error_set(err, SM_ENOMEM, "out of memory");
        r->jobs[r->job_count++] = j;
        return SM_OK;
    }
    case SM_ROME_T_TEXTS: {
        text_row x;
        if (code_of(f[0], x.code))
            return BAD("code_rome", "not a ROME code (a letter and four digits)");
        if (!*f[1])
            return SM_OK; /* no definition */
        if (!text_ok(f[1], 100000))
            return BAD("definition", "too long or not UTF-8");
        char *text = GROW(texts, text_count, text_cap) ? keep(r, f[1]) : NULL;
        if (!text)
            return sm_error_set(err, SM_ENOMEM, "out of memory");
        x.text = text;
        /* rome_texts.csv doubles apostrophes as SQL does ("L''hôte"): one is meant */
        char *w = text;
        for (const char *c = text; *c; c++)
            if (!(c[0] == '\'' && c[1] == '\''))
                *w++ = *c;
        *w = '\0';
        r->texts[r->text_count++] = x;
        return SM_OK;
    }
    case SM_ROME_T_TITLES: {
        title_row x;
        memset(&x, 0, sizeof x);
        if (ogr_of(f[0], &x.t.ogr))
            return BAD("code_appellation", "not an OGR number (1 to 9 digits)");
        if (code_of(f[1], x.code))
            return BAD("code_rome", "not a ROME code (a letter and four digits)");
        if (!text_ok(f[2], 1000))
            return BAD("libelle_appellation_long", "empty, too long or not UTF-8");
        x.t.main = (uint8_t)yes(f[3]);
        x.t.rare = (uint8_t)yes(f[4]);
        if (!GROW(titles, title_count, title_cap) || !(x.t.label = keep(r, f[2])))
            return sm_error_set(err, SM_ENOMEM, "out of memory");
        r->titles[r->title_count++] = x;
        return SM_OK;
    }
    case SM_ROME_T_LINKS: {
        link_row x;
        if (ogr_of(f[0], &x.ogr))
            return BAD("code_appellation", "not an OGR number (1 to 9 digits)");
        if (strncmp(f[1], "http://data.europa.eu/esco/occupation/", 38) || !text_ok(f[1], 200))
            return BAD("esco_occupation_uri", "not an ESCO occupation URI");
        const char *rel = strncmp(f[2], "skos:", 5) ? f[2] : f[2] + 5;
        int k = -1;
        for (int i = 0; i < SM_ROME_RELATION_COUNT; i++) {
            size_t n = strlen(sm_rome_relation_names[i]);
            if (!strncmp(rel, sm_rome_relation_names[i], n) &&
                (!rel[n] || !strcmp(rel + n, "Match")))
                k = i;
        }
        if (k < 0)
            return BAD("mapping_relation",
                       "not one of skos:exactMatch, closeMatch, broadMatch, narrowMatch");
        x.l.relation = (uint8_t)k;
        if (!GROW(links, link_count, link_cap) || !(x.l.esco_uri = keep(r, f[1])))
            return sm_error_set(err, SM_ENOMEM, "out of memory");
        r->links[r->link_count++] = x;
        return SM_OK;
    }
    case SM_ROME_T_LABELS: {
        label_row x;
        if (ogr_of(f[0], &x.ogr))
            return BAD("code_ogr", "not an OGR number (1 to 9 digits)");
        if (!text_ok(f[1], 1000))
            return BAD("libelle", "empty, too long or not UTF-8");
        if (!GROW(labels, label_count, label_cap) || !(x.label = keep(r, f[1])))
            return sm_error_set(err, SM_ENOMEM, "out of memory");
        r->labels[r->label_count++] = x;
        return SM_OK;
    }
    case SM_ROME_T_SKILLS: {
        skill_row x;
        memset(&x, 0, sizeof x);
        if (code_of(f[0], x.code))
            return BAD("code_rome", "not a ROME code (a letter and four digits)");
        int k = -1;
        for (int i = 0; i < SM_ROME_KIND_COUNT; i++)
            if (!strcmp(f[1], sm_rome_kind_names[i]))
                k = i;
        if (k < 0)
            return BAD("rubrique", "not one of savoir, savoir_faire, savoir_etre_professionnel");
        if (ogr_of(f[2], &x.s.ogr))
            return BAD("code_ogr", "not an OGR number (1 to 9 digits)");
        x.s.kind = (uint8_t)k;
        x.s.core = *f[3] != '\0' && strcmp(f[3], "N") != 0;
        if (!GROW(skills, skill_count, skill_cap))
            return sm_error_set(err, SM_ENOMEM, "out of memory");
        r->skills[r->skill_count++] = x;
        return SM_OK;
    }
    case SM_ROME_T_MOVES: {
        move_row x;
        uint32_t rank;
        if (code_of(f[0], x.code))
            return BAD("code_rome", "not a ROME code (a letter and four digits)");
        if (code_of(f[1], x.target))
            return BAD("code_rome_cible", "not a ROME code (a letter and four digits)");
        if (ogr_of(f[2], &rank))
            return BAD("numero_ordre", "not a whole number");
        x.rank = rank;
        if (!GROW(moves, move_count, move_cap))
            return sm_error_set(err, SM_ENOMEM, "out of memory");
        r->moves[r->move_count++] = x;
        return SM_OK;
    }
    default: return sm_error_set(err, SM_EINVAL, "no such ROME table");
    }
}

static int cmp_job(const void *a, const void *b)
{
    return strcmp(((const sm_rome_job *)a)->code, ((const sm_rome_job *)b)->code);
}
static int cmp_title(const void *a, const void *b)
{
    const title_row *x = a, *y = b;
    int c = strcmp(x->code, y->code);
    if (c)
        return c;
    if (x->t.main != y->t.main)
        return x->t.main ? -1 : 1;
    return x->t.ogr < y->t.ogr ? -1 : x->t.ogr > y->t.ogr;
}
static int cmp_link(const void *a, const void *b)
{
    const link_row *x = a, *y = b;
    if (x->ogr != y->ogr)
        return x->ogr < y->ogr ? -1 : 1;
    if (x->l.relation != y->l.relation)
        return x->l.relation < y->l.relation ? -1 : 1;
    return strcmp(x->l.esco_uri, y->l.esco_uri);
}
static int cmp_label(const void *a, const void *b)
{
    const label_row *x = a, *y = b;
    return x->ogr < y->ogr ? -1 : x->ogr > y->ogr;
}
static int cmp_skill(const void *a, const void *b)
{
    const skill_row *x = a, *y = b;
    int c = strcmp(x->code, y->code);
    if (c)
        return c;
    if (x->s.core != y->s.core)
        return x->s.core ? -1 : 1;
    if (x->s.kind != y->s.kind)
        return x->s.kind < y->s.kind ? -1 : 1;
    return x->s.ogr < y->s.ogr ? -1 : x->s.ogr > y->s.ogr;
}
static int cmp_move(const void *a, const void *b)
{
    const move_row *x = a, *y = b;
    int c = strcmp(x->code, y->code);
    if (c)
        return c;
    return x->rank < y->rank ? -1 : x->rank > y->rank;
}
static const sm_rome *cmp_rome; /* sm_rome_finish runs on one thread */
static int cmp_by_ogr(const void *a, const void *b)
{
    uint32_t x = cmp_rome->title_out[*(const uint32_t *)a].ogr,
             y = cmp_rome->title_out[*(const uint32_t *)b].ogr;
    return x < y ? -1 : x > y;
}
static int cmp_by_uri(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    int c = strcmp(cmp_rome->link_out[x].esco_uri, cmp_rome->link_out[y].esco_uri);
    return c ? c : x < y ? -1 : x > y;
}

long sm_rome_job_find(const sm_rome *r, const char *code)
{
    char c[6];
    if (code_of(code, c))
        return -1;
    size_t lo = 0, hi = r->job_count;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int d = strcmp(r->jobs[mid].code, c);
        if (!d)
            return (long)mid;
        if (d < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

long sm_rome_label_find(const sm_rome *r, uint32_t ogr)
{
    size_t lo = 0, hi = r ? r->label_count : 0;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (r->labels[mid].ogr == ogr)
            return (long)mid;
        if (r->labels[mid].ogr < ogr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

static const char *label_find(const sm_rome *r, uint32_t ogr)
{
    long i = sm_rome_label_find(r, ogr);
    return i < 0 ? NULL : r->labels[i].label;
}

/* qsort, which an empty table (a NULL array) must not reach. */
static void sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
    if (n > 1)
        qsort(base, n, size, cmp);
}

int sm_rome_finish(sm_rome_builder *b, sm_rome **out, sm_error *err)
{
    *out = NULL;
    sm_rome *r = &b->r;
    int rc = SM_OK;
    sort(r->jobs, r->job_count, sizeof *r->jobs, cmp_job);
    sort(r->titles, r->title_count, sizeof *r->titles, cmp_title);
    sort(r->links, r->link_count, sizeof *r->links, cmp_link);
    sort(r->labels, r->label_count, sizeof *r->labels, cmp_label);
    sort(r->skills, r->skill_count, sizeof *r->skills, cmp_skill);
    sort(r->moves, r->move_count, sizeof *r->moves, cmp_move);
    for (size_t i = 1; i < r->job_count && rc == SM_OK; i++)
        if (!strcmp(r->jobs[i].code, r->jobs[i - 1].code))
            rc = sm_error_set(err, SM_EINVAL, "ROME code %s listed twice", r->jobs[i].code);
    for (size_t i = 1; i < r->label_count && rc == SM_OK; i++)
        if (r->labels[i].ogr == r->labels[i - 1].ogr)
            rc = sm_error_set(err, SM_EINVAL, "skill label %u listed twice", r->labels[i].ogr);
    for (size_t i = 0; i < r->text_count && rc == SM_OK; i++) {
        long j = sm_rome_job_find(r, r->texts[i].code);
        if (j < 0)
            rc = sm_error_set(err, SM_EINVAL, "the definition of %s: no such ROME code",
                              r->texts[i].code);
        else
            r->jobs[j].definition = r->texts[i].text;
    }
    r->title_out = sm_calloc(r->title_count + 1, sizeof *r->title_out);
    r->link_out = sm_calloc(r->link_count + 1, sizeof *r->link_out);
    r->link_title = sm_calloc(r->link_count + 1, sizeof *r->link_title);
    r->by_uri = sm_calloc(r->link_count + 1, sizeof *r->by_uri);
    r->skill_out = sm_calloc(r->skill_count + 1, sizeof *r->skill_out);
    r->move_out = sm_calloc(r->move_count + 1, sizeof *r->move_out);
    if (rc == SM_OK && (!r->title_out || !r->link_out || !r->link_title || !r->by_uri ||
                        !r->skill_out || !r->move_out))
        rc = sm_error_set(err, SM_ENOMEM, "out of memory");
    /* Titles: by code; each code's range. */
    for (size_t i = 0; i < r->title_count && rc == SM_OK; i++) {
        long j = sm_rome_job_find(r, r->titles[i].code);
        if (j < 0) {
            rc =
                sm_error_set(err, SM_EINVAL, "job title %u names ROME code %s, which is not listed",
                             r->titles[i].t.ogr, r->titles[i].code);
            break;
        }
        sm_rome_title *t = &r->title_out[i];
        *t = r->titles[i].t;
        t->job = (uint32_t)j;
        if (!r->jobs[j].title_count)
            r->jobs[j].first_title = (uint32_t)i;
        r->jobs[j].title_count++;
    }
    r->by_ogr = sm_calloc(r->title_count + 1, sizeof *r->by_ogr);
    if (rc == SM_OK && !r->by_ogr)
        rc = sm_error_set(err, SM_ENOMEM, "out of memory");
    for (size_t i = 0; i < r->title_count && rc == SM_OK; i++)
        r->by_ogr[i] = (uint32_t)i;
    cmp_rome = r;
    if (rc == SM_OK)
        sort(r->by_ogr, r->title_count, sizeof *r->by_ogr, cmp_by_ogr);
    for (size_t i = 1; i < r->title_count && rc == SM_OK; i++)
        if (r->title_out[r->by_ogr[i]].ogr == r->title_out[r->by_ogr[i - 1]].ogr)
            rc = sm_error_set(err, SM_EINVAL, "job title %u listed twice",
                              r->title_out[r->by_ogr[i]].ogr);
    /* Links: by title number, resolved to the title. */
    size_t li = 0;
    for (size_t i = 0; i < r->link_count && rc == SM_OK; i++) {
        long t = sm_rome_title_find(r, r->links[i].ogr);
        if (t < 0) {
            rc = sm_error_set(err, SM_EINVAL,
                              "the crosswalk names job title %u, which is not listed",
                              r->links[i].ogr);
            break;
        }
        if (i && r->links[i].ogr == r->links[i - 1].ogr &&
            !strcmp(r->links[i].l.esco_uri, r->links[i - 1].l.esco_uri))
            continue; /* the same pair twice: kept once (the closer relation, sorted first) */
        sm_rome_title *tt = &r->title_out[t];
        if (!tt->link_count)
            tt->first_link = (uint32_t)li;
        tt->link_count++;
        r->link_title[li] = (uint32_t)t;
        r->link_out[li++] = r->links[i].l;
    }
    r->link_count = li;
    for (size_t i = 0; i < r->link_count; i++)
        r->by_uri[i] = (uint32_t)i;
    cmp_rome = r;
    if (rc == SM_OK)
        sort(r->by_uri, r->link_count, sizeof *r->by_uri, cmp_by_uri);
    /* Skills: by code, each label checked. */
    size_t si = 0;
    for (size_t i = 0; i < r->skill_count && rc == SM_OK; i++) {
        long j = sm_rome_job_find(r, r->skills[i].code);
        const char *label = label_find(r, r->skills[i].s.ogr);
        if (j < 0 || !label) {
            rc = sm_error_set(err, SM_EINVAL, "the skills of %s: %s %u", r->skills[i].code,
                              j < 0 ? "no such ROME code, skill" : "no label for skill",
                              r->skills[i].s.ogr);
            break;
        }
        if (si && r->skill_out[si - 1].ogr == r->skills[i].s.ogr &&
            !strcmp(r->skills[i].code, r->skills[i - 1].code))
            continue;
        if (!r->jobs[j].skill_count)
            r->jobs[j].first_skill = (uint32_t)si;
        r->jobs[j].skill_count++;
        r->skill_out[si] = r->skills[i].s;
        r->skill_out[si++].label = label;
    }
    r->skill_count = si;
    size_t mi = 0;
    for (size_t i = 0; i < r->move_count && rc == SM_OK; i++) {
        long j = sm_rome_job_find(r, r->moves[i].code), k = sm_rome_job_find(r, r->moves[i].target);
        if (j < 0 || k < 0) {
            rc = sm_error_set(err, SM_EINVAL, "mobility from %s to %s: no such ROME code",
                              r->moves[i].code, r->moves[i].target);
            break;
        }
        if (j == k)
            continue;
        if (!r->jobs[j].move_count)
            r->jobs[j].first_move = (uint32_t)mi;
        r->jobs[j].move_count++;
        r->move_out[mi++] = (uint32_t)k;
    }
    r->move_count = mi;
    if (rc == SM_OK && !r->job_count)
        rc = sm_error_set(err, SM_EINVAL, "no ROME code");
    if (rc != SM_OK) {
        sm_rome_builder_free(b);
        return rc;
    }
    sm_free(r->titles);
    sm_free(r->links);
    sm_free(r->skills);
    sm_free(r->moves);
    sm_free(r->texts);
    r->titles = NULL;
    r->links = NULL;
    r->skills = NULL;
    r->moves = NULL;
    r->texts = NULL;
    sm_rome *done = sm_malloc(sizeof *done);
    if (!done) {
        sm_rome_builder_free(b);
        return sm_error_set(err, SM_ENOMEM, "out of memory");
    }
    *done = *r;
    sm_free(b);
    *out = done;
    return SM_OK;
}

long sm_rome_title_find(const sm_rome *r, uint32_t ogr)
{
    size_t lo = 0, hi = r->title_count;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        uint32_t at = r->title_out[r->by_ogr[mid]].ogr;
        if (at == ogr)
            return (long)r->by_ogr[mid];
        if (at < ogr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

size_t sm_rome_titles_of_occupation(const sm_rome *r, const char *uri, uint32_t *out, size_t cap)
{
    size_t lo = 0, hi = r->link_count;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (strcmp(r->link_out[r->by_uri[mid]].esco_uri, uri) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t n = 0;
    for (size_t i = lo; i < r->link_count && !strcmp(r->link_out[r->by_uri[i]].esco_uri, uri);
         i++, n++)
        if (n < cap)
            out[n] = r->link_title[r->by_uri[i]];
    return n;
}

size_t sm_rome_job_count(const sm_rome *r)
{
    return r ? r->job_count : 0;
}
size_t sm_rome_title_count(const sm_rome *r)
{
    return r ? r->title_count : 0;
}
size_t sm_rome_link_count(const sm_rome *r)
{
    return r ? r->link_count : 0;
}
size_t sm_rome_label_count(const sm_rome *r)
{
    return r ? r->label_count : 0;
}
size_t sm_rome_skill_count(const sm_rome *r)
{
    return r ? r->skill_count : 0;
}
size_t sm_rome_move_count(const sm_rome *r)
{
    return r ? r->move_count : 0;
}
const sm_rome_job *sm_rome_job_at(const sm_rome *r, size_t i)
{
    return &r->jobs[i];
}
const sm_rome_title *sm_rome_title_at(const sm_rome *r, size_t i)
{
    return &r->title_out[i];
}
const sm_rome_link *sm_rome_link_at(const sm_rome *r, size_t i)
{
    return &r->link_out[i];
}
const sm_rome_skill *sm_rome_skill_at(const sm_rome *r, size_t i)
{
    return &r->skill_out[i];
}
uint32_t sm_rome_move_at(const sm_rome *r, size_t i)
{
    return r->move_out[i];
}
void sm_rome_label_at(const sm_rome *r, size_t i, uint32_t *ogr, const char **label)
{
    *ogr = r->labels[i].ogr;
    *label = r->labels[i].label;
}

size_t sm_rome_memory(const sm_rome *r)
{
    if (!r)
        return 0;
    return sizeof *r + r->bytes + r->string_count * (sizeof(char *) + 16) +
           r->job_count * sizeof(sm_rome_job) + r->title_count * (sizeof(sm_rome_title) + 4) +
           r->link_count * (sizeof(sm_rome_link) + 8) + r->label_count * sizeof(label_row) +
           r->skill_count * sizeof(sm_rome_skill) + r->move_count * sizeof(uint32_t);
}

/* One CSV file of dir into table t: columns names[k] give field k. optional: a missing file is
 * no error. */
static int load_file(sm_rome_builder *b, const char *dir, const char *file, sm_rome_table t,
                     const char *const *names, int optional, sm_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    if (optional) {
        FILE *f = fopen(path, "rb");
        if (!f)
            return SM_OK;
        fclose(f);
    }
    sm_csv *csv;
    int rc = sm_csv_open_file(&csv, path, err);
    if (rc != SM_OK)
        return rc;
    int col[8];
    if ((rc = sm_csv_require(csv, names, col, err)) != SM_OK) {
        sm_csv_free(csv);
        return rc;
    }
    size_t count = 0;
    while (names[count])
        count++;
    char *copy[8] = {0};
    while (rc == SM_OK) {
        int more = sm_csv_next(csv, err);
        if (more <= 0) {
            rc = more;
            break;
        }
        const char *f[8] = {0};
        for (size_t k = 0; k < count && rc == SM_OK; k++) {
            sm_str s = sm_csv_field(csv, col[k]);
            sm_free(copy[k]);
            copy[k] = sm_strndup(s.ptr, s.len);
            if (!copy[k])
                rc = sm_error_set(err, SM_ENOMEM, "out of memory");
            f[k] = copy[k];
        }
        sm_error why = {0};
        if (rc == SM_OK && (rc = sm_rome_add(b, t, f, &why)) != SM_OK)
            sm_error_set(err, rc, "%s: record %zu (line %zu): %s%s%s", sm_csv_name(csv),
                         sm_csv_record(csv), sm_csv_line(csv), why.field[0] ? why.field : "",
                         why.field[0] ? ": " : "", sm_error_reason(&why));
    }
    for (size_t k = 0; k < 8; k++)
        sm_free(copy[k]);
    sm_csv_free(csv);
    return rc;
}

int sm_rome_load_dir(const char *dir, sm_rome **out, sm_error *err)
{
    *out = NULL;
    sm_rome_builder *b;
    if (sm_rome_builder_new(&b) != SM_OK)
        return sm_error_set(err, SM_ENOMEM, "out of memory");
    static const char *const jobs[] = {"code_rome", "libelle_rome", NULL};
    static const char *const texts[] = {"code_rome", "definition", NULL};
    static const char *const titles[] = {
        "code_appellation", "code_rome", "libelle_appellation_long",
        "classification",   "peu_usite", NULL};
    static const char *const links[] = {"code_appellation", "esco_occupation_uri",
                                        "mapping_relation", NULL};
    static const char *const labels[] = {"code_ogr", "libelle", NULL};
    static const char *const skills[] = {"code_rome", "rubrique", "code_ogr", "coeur_metier", NULL};
    static const char *const moves[] = {"code_rome", "code_rome_cible", "numero_ordre", NULL};
    int rc = load_file(b, dir, "rome_codes.csv", SM_ROME_T_JOBS, jobs, 0, err);
    if (rc == SM_OK)
        rc = load_file(b, dir, "rome_texts.csv", SM_ROME_T_TEXTS, texts, 1, err);
    if (rc == SM_OK)
        rc = load_file(b, dir, "rome_appellations.csv", SM_ROME_T_TITLES, titles, 0, err);
    if (rc == SM_OK)
        rc = load_file(b, dir, "rome_esco_crosswalk.csv", SM_ROME_T_LINKS, links, 0, err);
    if (rc == SM_OK)
        rc = load_file(b, dir, "rome_skill_labels.csv", SM_ROME_T_LABELS, labels, 0, err);
    if (rc == SM_OK)
        rc = load_file(b, dir, "rome_skills.csv", SM_ROME_T_SKILLS, skills, 0, err);
    if (rc == SM_OK)
        rc = load_file(b, dir, "rome_mobility.csv", SM_ROME_T_MOVES, moves, 1, err);
    if (rc != SM_OK) {
        sm_rome_builder_free(b);
        return rc;
    }
    return sm_rome_finish(b, out, err);
}
