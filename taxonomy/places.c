/* places.c: the gazetteer of French communes (see places.h). */
#include "taxonomy/places.h"
#include "taxonomy/base/alloc.h"
#include "taxonomy/base/str.h"
#include "taxonomy/csv.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct keyed {
    const char *key; /* sm_place_key of the name */
    uint32_t place;
} keyed;

typedef struct coded {
    char postcode[6];
    uint32_t place;
} coded;

struct sm_places {
    sm_commune *places;
    size_t count;
    char **strings; /* every string the places point to, freed with them */
    size_t string_count;
    uint32_t *by_insee; /* place indexes in INSEE order */
    keyed *by_name;     /* by key, then most populous first */
    coded *by_postcode; /* by postcode, then the one to use first */
    size_t name_count, postcode_count;
};

struct sm_places_builder {
    sm_places *p;
    size_t cap, string_cap;
};

static int is_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return 0;
    return 1;
}

/* ---- keys ---- */

static int ordinal_of(const char *w, size_t n, size_t *digits)
{
    size_t d = 0;
    while (d < n && isdigit((unsigned char)w[d]))
        d++;
    if (!d || d > 2)
        return 0;
    const char *rest = w + d;
    size_t r = n - d;
    static const char *const suffixes[] = {"", "e", "er", "eme", "ieme", "em", "re", NULL};
    for (size_t i = 0; suffixes[i]; i++)
        if (strlen(suffixes[i]) == r && !memcmp(rest, suffixes[i], r)) {
            *digits = d;
            return 1;
        }
    return 0;
}

/* Appends word w (n bytes) to out as the key wants it; returns the new length. */
static size_t put_word(const char *w, size_t n, char *out, size_t len, size_t cap)
{
    size_t digits;
    if ((n == 14 && !memcmp(w, "arrondissement", 14)) || (n == 3 && !memcmp(w, "arr", 3)) ||
        (n == 5 && !memcmp(w, "arrdt", 5)))
        return len; /* "Paris 11e Arrondissement" and "Paris 11" are one place */
    if (n == 2 && !memcmp(w, "st", 2))
        w = "saint", n = 5;
    else if (n == 3 && !memcmp(w, "ste", 3))
        w = "sainte", n = 6;
    else if (ordinal_of(w, n, &digits))
        n = digits;
    if (len + (len > 0) + n + 1 > cap)
        return len;
    if (len)
        out[len++] = ' ';
    memcpy(out + len, w, n);
    return len + n;
}

size_t sm_place_key(const char *name, size_t len, char *out, size_t cap)
{
    char word[128];
    size_t wl = 0, n = 0;
    if (!cap)
        return 0;
    int utf8 = sm_utf8_valid(name, len, NULL); /* else bytes past ASCII separate words */
    for (size_t i = 0; i < len;) {
        size_t step = 1;
        uint32_t cp = (unsigned char)name[i];
        if (cp >= 0x80 && utf8)
            cp = sm_utf8_decode(name + i, len - i, &step);
        else if (cp >= 0x80)
            cp = ' ';
        if (!step)
            step = 1;
        i += step;
        char f[8];
        size_t fl = sm_fold_codepoint(cp, f);
        for (size_t k = 0; k < fl; k++) {
            unsigned char c = (unsigned char)f[k];
            if (isalnum(c) && c < 0x80) {
                if (wl < sizeof word)
                    word[wl++] = (char)c;
            } else if (wl) {
                n = put_word(word, wl, out, n, cap);
                wl = 0;
            }
        }
        if (!fl && wl && cp < 0x80) { /* a dropped ASCII character separates words */
            n = put_word(word, wl, out, n, cap);
            wl = 0;
        }
    }
    if (wl)
        n = put_word(word, wl, out, n, cap);
    out[n] = '\0';
    return n;
}

/* ---- building ---- */

int sm_places_builder_new(sm_places_builder **out)
{
    sm_places_builder *b = sm_calloc(1, sizeof *b);
    if (b && !(b->p = sm_calloc(1, sizeof *b->p))) {
        sm_free(b);
        b = NULL;
    }
    *out = b;
    return b ? SM_OK : SM_ENOMEM;
}

static const char *keep(sm_places_builder *b, const char *s)
{
    sm_places *p = b->p;
    if (sm_grow((void **)&p->strings, &b->string_cap, p->string_count + 1, sizeof *p->strings))
        return NULL;
    char *copy = sm_strdup(s ? s : "");
    if (copy)
        p->strings[p->string_count++] = copy;
    return copy;
}

static int valid_code(const char *s, size_t lo, size_t hi)
{
    size_t n = strlen(s);
    if (n < lo || n > hi)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]) && !(i == 1 && (s[i] == 'A' || s[i] == 'B')))
            return 0;
    return 1;
}

static int valid_postcodes(const char *s)
{
    for (const char *c = s; *c;) {
        if (!is_digits(c, 5) || (c[5] && c[5] != ' '))
            return 0;
        c += c[5] ? 6 : 5;
    }
    return 1;
}

int sm_places_add(sm_places_builder *b, const sm_commune *in, sm_error *err)
{
    if (!valid_code(in->insee, 5, 5))
        return sm_error_set(err, SM_EINVAL, "insee: \"%s\" is not an INSEE code", in->insee);
    if (!valid_code(in->departement, 2, 3))
        return sm_error_set(err, SM_EINVAL, "departement: \"%s\" is not a département code",
                            in->departement);
    if (!in->name || !*in->name || strlen(in->name) > 200)
        return sm_error_set(err, SM_EINVAL, "name: empty or over 200 bytes");
    if (in->postcodes && !valid_postcodes(in->postcodes))
        return sm_error_set(err, SM_EINVAL,
                            "postcodes: \"%s\" is not a list of 5-digit codes separated by spaces",
                            in->postcodes);
    if (in->located && !(in->lat >= -90 && in->lat <= 90 && in->lon >= -180 && in->lon <= 180))
        return sm_error_set(err, SM_EINVAL, "lat, lon: %g, %g is not a point", in->lat, in->lon);
    if ((in->kind == SM_PLACE_ARRONDISSEMENT) != (in->parent[0] != '\0') ||
        (in->parent[0] && !valid_code(in->parent, 5, 5)))
        return sm_error_set(err, SM_EINVAL,
                            "parent_insee: an arrondissement names its commune, nothing else does");
    sm_places *p = b->p;
    if (sm_grow((void **)&p->places, &b->cap, p->count + 1, sizeof *p->places))
        return sm_error_set(err, SM_ENOMEM, "out of memory");
    sm_commune *q = &p->places[p->count];
    *q = *in;
    if (!(q->name = keep(b, in->name)) || !(q->postcodes = keep(b, in->postcodes)))
        return sm_error_set(err, SM_ENOMEM, "out of memory");
    p->count++;
    return SM_OK;
}

static const sm_places *sort_ctx; /* qsort has no context argument; sorting is single-threaded */

static int by_insee_cmp(const void *a, const void *b)
{
    return strcmp(sort_ctx->places[*(const uint32_t *)a].insee,
                  sort_ctx->places[*(const uint32_t *)b].insee);
}

static int more_populous(uint32_t a, uint32_t b)
{
    uint32_t pa = sort_ctx->places[a].population, pb = sort_ctx->places[b].population;
    return pa > pb   ? -1
           : pa < pb ? 1
                     : strcmp(sort_ctx->places[a].insee, sort_ctx->places[b].insee);
}

static int by_name_cmp(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : more_populous(x->place, y->place);
}

static int by_postcode_cmp(const void *a, const void *b)
{
    const coded *x = a, *y = b;
    int c = strcmp(x->postcode, y->postcode);
    if (c)
        return c;
    int ax = sort_ctx->places[x->place].kind == SM_PLACE_ARRONDISSEMENT,
        ay = sort_ctx->places[y->place].kind == SM_PLACE_ARRONDISSEMENT;
    return ax != ay ? ay - ax : more_populous(x->place, y->place);
}

void sm_places_builder_free(sm_places_builder *b)
{
    if (!b)
        return;
    sm_places_free(b->p);
    sm_free(b);
}

/* Whether an arrondissement of commune parent has postcode pc (arr: the arrondissements). */
static int child_has(const sm_places *p, const uint32_t *arr, size_t n, const char *parent,
                     const char *pc)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(p->places[arr[i]].parent, parent) && strstr(p->places[arr[i]].postcodes, pc))
            return 1;
    return 0;
}

int sm_places_finish(sm_places_builder *b, sm_places **out, sm_error *err)
{
    sm_places *p = b->p;
    *out = NULL;
    size_t codes = 0, names = p->count;
    for (size_t i = 0; i < p->count; i++)
        codes += (strlen(p->places[i].postcodes) + 1) / 6;
    p->by_insee = sm_malloc((p->count ? p->count : 1) * sizeof *p->by_insee);
    p->by_name = sm_malloc((names ? names : 1) * sizeof *p->by_name);
    p->by_postcode = sm_malloc((codes ? codes : 1) * sizeof *p->by_postcode);
    uint32_t *arr = sm_malloc((p->count ? p->count : 1) * sizeof *arr);
    size_t arr_count = 0;
    int rc = p->by_insee && p->by_name && p->by_postcode && arr ? SM_OK : SM_ENOMEM;
    for (size_t i = 0; rc == SM_OK && i < p->count; i++)
        if (p->places[i].kind == SM_PLACE_ARRONDISSEMENT)
            arr[arr_count++] = (uint32_t)i;
    sort_ctx = p;
    for (size_t i = 0; rc == SM_OK && i < p->count; i++)
        p->by_insee[i] = (uint32_t)i;
    if (rc == SM_OK)
        qsort(p->by_insee, p->count, sizeof *p->by_insee, by_insee_cmp);
    for (size_t i = 1; rc == SM_OK && i < p->count; i++)
        if (!strcmp(p->places[p->by_insee[i]].insee, p->places[p->by_insee[i - 1]].insee))
            rc = sm_error_set(err, SM_EINVAL, "insee %s: listed twice",
                              p->places[p->by_insee[i]].insee);
    for (size_t i = 0; rc == SM_OK && i < p->count; i++) {
        const sm_commune *q = &p->places[i];
        if (q->parent[0] && !sm_places_insee(p, q->parent))
            rc = sm_error_set(err, SM_EINVAL, "insee %s: its commune %s is not listed", q->insee,
                              q->parent);
        char key[256];
        sm_place_key(q->name, strlen(q->name), key, sizeof key);
        const char *k = rc == SM_OK ? keep(b, key) : NULL;
        if (rc == SM_OK && !k)
            rc = SM_ENOMEM;
        else if (rc == SM_OK)
            p->by_name[p->name_count++] = (keyed){k, (uint32_t)i};
        /* A city's postcodes that its arrondissements hold are theirs (75011: Paris 11e). */
        for (const char *c = q->postcodes; rc == SM_OK && *c; c += c[5] ? 6 : 5) {
            coded e = {{0}, (uint32_t)i};
            memcpy(e.postcode, c, 5);
            if (q->kind != SM_PLACE_ARRONDISSEMENT &&
                child_has(p, arr, arr_count, q->insee, e.postcode))
                continue;
            p->by_postcode[p->postcode_count++] = e;
        }
    }
    if (rc == SM_OK) {
        qsort(p->by_name, p->name_count, sizeof *p->by_name, by_name_cmp);
        qsort(p->by_postcode, p->postcode_count, sizeof *p->by_postcode, by_postcode_cmp);
    }
    sort_ctx = NULL;
    sm_free(arr);
    if (rc == SM_ENOMEM)
        sm_error_set(err, SM_ENOMEM, "out of memory");
    if (rc != SM_OK) {
        sm_places_builder_free(b);
        return rc;
    }
    *out = p;
    sm_free(b);
    return SM_OK;
}

void sm_places_free(sm_places *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->string_count; i++)
        sm_free(p->strings[i]);
    sm_free(p->strings);
    sm_free(p->places);
    sm_free(p->by_insee);
    sm_free(p->by_name);
    sm_free(p->by_postcode);
    sm_free(p);
}

size_t sm_places_count(const sm_places *p)
{
    return p ? p->count : 0;
}

const sm_commune *sm_places_at(const sm_places *p, size_t i)
{
    return &p->places[i];
}

/* ---- lookups ---- */

const sm_commune *sm_places_insee(const sm_places *p, const char *insee)
{
    size_t lo = 0, hi = p ? p->count : 0;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(p->places[p->by_insee[mid]].insee, insee);
        if (!c)
            return &p->places[p->by_insee[mid]];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static const char *postcode_at(const sm_places *p, size_t i)
{
    return p->by_postcode[i].postcode;
}

static const char *name_at(const sm_places *p, size_t i)
{
    return p->by_name[i].key;
}

/* In a sorted index of count entries (key_at: an entry's text), the first whose first n bytes
 * are not before prefix's. */
static size_t first_from(const sm_places *p, size_t count,
                         const char *(*key_at)(const sm_places *, size_t), const char *prefix,
                         size_t n)
{
    size_t lo = 0, hi = count;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (strncmp(key_at(p, mid), prefix, n) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static size_t postcode_from(const sm_places *p, const char *prefix, size_t n)
{
    return first_from(p, p->postcode_count, postcode_at, prefix, n);
}

size_t sm_places_postcode(const sm_places *p, const char *postcode, const sm_commune **out,
                          size_t cap)
{
    if (!p || strlen(postcode) != 5)
        return 0;
    size_t n = 0;
    for (size_t i = postcode_from(p, postcode, 5);
         i < p->postcode_count && !strcmp(p->by_postcode[i].postcode, postcode); i++, n++)
        if (n < cap)
            out[n] = &p->places[p->by_postcode[i].place];
    return n;
}

static size_t name_from(const sm_places *p, const char *key, size_t n)
{
    return first_from(p, p->name_count, name_at, key, n);
}

size_t sm_places_named(const sm_places *p, const char *name, const char *departement,
                       const sm_commune **out, size_t cap)
{
    if (!p)
        return 0;
    /* "Saint-Denis (93)": the département in brackets at the end */
    size_t len = strlen(name);
    char dep[4] = "";
    const char *open = strrchr(name, '(');
    if (open && len && name[len - 1] == ')') {
        size_t dl = (size_t)(name + len - 1 - (open + 1));
        char d[8] = "";
        if (dl >= 2 && dl <= 3) {
            memcpy(d, open + 1, dl);
            d[dl] = '\0';
            d[1] = (char)toupper((unsigned char)d[1]);
            if (valid_code(d, 2, 3)) {
                memcpy(dep, d, dl + 1);
                len = (size_t)(open - name);
            }
        }
    }
    if (*dep && departement && strcmp(dep, departement))
        return 0; /* two départements named: none fits */
    const char *want = departement ? departement : *dep ? dep : NULL;
    char key[256];
    size_t kl = sm_place_key(name, len, key, sizeof key);
    if (!kl)
        return 0;
    size_t n = 0;
    for (size_t i = name_from(p, key, kl + 1); i < p->name_count && !strcmp(p->by_name[i].key, key);
         i++) {
        const sm_commune *q = &p->places[p->by_name[i].place];
        if (want && strcmp(q->departement, want))
            continue;
        if (n < cap)
            out[n] = q;
        n++;
    }
    return n;
}

static int population_desc(const void *a, const void *b)
{
    const sm_commune *x = *(const sm_commune *const *)a, *y = *(const sm_commune *const *)b;
    return x->population > y->population   ? -1
           : x->population < y->population ? 1
                                           : strcmp(x->insee, y->insee);
}

/* Keeps out[0..cap) the most populous of what was offered, *n counting all. */
static void offer(const sm_commune *q, const sm_commune **out, size_t cap, size_t *n)
{
    for (size_t i = 0; i < *n && i < cap; i++)
        if (out[i] == q)
            return; /* a place with two postcodes of the prefix */
    if (*n < cap) {
        out[(*n)++] = q;
        return;
    }
    size_t least = 0;
    for (size_t i = 1; i < cap; i++)
        if (population_desc(&out[i], &out[least]) > 0)
            least = i;
    if (cap && population_desc(&q, &out[least]) < 0)
        out[least] = q;
}

size_t sm_places_complete(const sm_places *p, const char *q, const sm_commune **out, size_t cap)
{
    size_t n = 0, ql = strlen(q);
    if (!p || !cap)
        return 0;
    if (ql && ql <= 5 && is_digits(q, ql)) {
        for (size_t i = postcode_from(p, q, ql);
             i < p->postcode_count && !strncmp(p->by_postcode[i].postcode, q, ql); i++)
            offer(&p->places[p->by_postcode[i].place], out, cap, &n);
    } else {
        char key[256];
        size_t kl = sm_place_key(q, ql, key, sizeof key);
        if (!kl)
            return 0;
        for (size_t i = name_from(p, key, kl);
             i < p->name_count && !strncmp(p->by_name[i].key, key, kl); i++)
            offer(&p->places[p->by_name[i].place], out, cap, &n);
    }
    qsort(out, n, sizeof *out, population_desc);
    return n;
}

/* ---- the communes CSV ---- */

static int field_text(sm_csv *csv, int col, char *out, size_t cap)
{
    sm_str f = sm_str_trim(sm_csv_field(csv, col));
    if (f.len >= cap)
        return -1;
    memcpy(out, f.ptr, f.len);
    out[f.len] = '\0';
    return (int)f.len;
}

static int csv_error(sm_csv *csv, const char *column, const char *what, sm_error *err)
{
    return sm_error_set(err, SM_EPARSE, "%s, line %zu, column %s: %s", sm_csv_name(csv),
                        sm_csv_line(csv), column, what);
}

static int read_number(sm_csv *csv, int col, const char *name, double lo, double hi, int *given,
                       double *out, sm_error *err)
{
    char text[40];
    int n = field_text(csv, col, text, sizeof text);
    *given = n > 0;
    if (n == 0)
        return SM_OK;
    char *end;
    errno = 0;
    double v = n > 0 ? strtod(text, &end) : 0;
    if (n < 0 || errno || *end || !(v >= lo && v <= hi))
        return csv_error(csv, name, "not a number in range", err);
    *out = v;
    return SM_OK;
}

static int load(sm_csv *csv, sm_places **out, sm_error *err);

int sm_places_load_csv(const char *path, sm_places **out, sm_error *err)
{
    *out = NULL;
    sm_csv *csv;
    int rc = sm_csv_open_file(&csv, path, err);
    return rc == SM_OK ? load(csv, out, err) : rc;
}

int sm_places_load_buffer(const char *name, const char *data, size_t len, sm_places **out,
                          sm_error *err)
{
    *out = NULL;
    sm_csv *csv;
    int rc = sm_csv_open_buffer(&csv, name, data, len, err);
    return rc == SM_OK ? load(csv, out, err) : rc;
}

/* Reads csv's records into *out; frees csv. */
static int load(sm_csv *csv, sm_places **out, sm_error *err)
{
    int rc = SM_OK;
    static const char *const names[] = {"insee", "name", "postcodes", "departement",  "population",
                                        "lat",   "lon",  "type",      "parent_insee", NULL};
    int col[9];
    sm_places_builder *b = NULL;
    if ((rc = sm_csv_require(csv, names, col, err)) == SM_OK &&
        (rc = sm_places_builder_new(&b)) != SM_OK)
        sm_error_set(err, rc, "out of memory");
    while (rc == SM_OK) {
        int more = sm_csv_next(csv, err);
        if (more <= 0) {
            rc = more;
            break;
        }
        sm_commune q;
        memset(&q, 0, sizeof q);
        char name[256], postcodes[1024], type[32], pop[16];
        if (field_text(csv, col[0], q.insee, sizeof q.insee) < 0)
            rc = csv_error(csv, "insee", "not an INSEE code", err);
        else if (field_text(csv, col[1], name, sizeof name) <= 0)
            rc = csv_error(csv, "name", "empty or too long", err);
        else if (field_text(csv, col[2], postcodes, sizeof postcodes) < 0)
            rc = csv_error(csv, "postcodes", "too long", err);
        else if (field_text(csv, col[3], q.departement, sizeof q.departement) < 0)
            rc = csv_error(csv, "departement", "not a département code", err);
        else if (field_text(csv, col[4], pop, sizeof pop) < 0 || !is_digits(pop, strlen(pop)))
            rc = csv_error(csv, "population", "not a whole number", err);
        else if (field_text(csv, col[7], type, sizeof type) < 0)
            rc = csv_error(csv, "type", "unknown", err);
        else if (field_text(csv, col[8], q.parent, sizeof q.parent) < 0)
            rc = csv_error(csv, "parent_insee", "not an INSEE code", err);
        if (rc != SM_OK)
            break;
        q.name = name;
        q.postcodes = postcodes;
        q.population = (uint32_t)strtoul(pop, NULL, 10);
        if (!strcmp(type, "commune"))
            q.kind = SM_PLACE_COMMUNE;
        else if (!strcmp(type, "commune_com"))
            q.kind = SM_PLACE_COM;
        else if (!strcmp(type, "arrondissement_municipal"))
            q.kind = SM_PLACE_ARRONDISSEMENT;
        else {
            rc = csv_error(csv, "type", "must be commune, commune_com or arrondissement_municipal",
                           err);
            break;
        }
        int has_lat, has_lon;
        if ((rc = read_number(csv, col[5], "lat", -90, 90, &has_lat, &q.lat, err)) ||
            (rc = read_number(csv, col[6], "lon", -180, 180, &has_lon, &q.lon, err)))
            break;
        if (has_lat != has_lon) {
            rc = csv_error(csv, has_lat ? "lon" : "lat", "a point needs both lat and lon", err);
            break;
        }
        q.located = has_lat;
        sm_error why = {0};
        if ((rc = sm_places_add(b, &q, &why)) != SM_OK) {
            rc = rc == SM_ENOMEM ? sm_error_set(err, rc, "out of memory")
                                 : sm_error_set(err, SM_EPARSE, "%s, line %zu: %s",
                                                sm_csv_name(csv), sm_csv_line(csv), why.message);
            break;
        }
    }
    if (rc == SM_OK) {
        sm_error why = {0};
        rc = sm_places_finish(b, out, &why);
        b = NULL;
        if (rc != SM_OK)
            sm_error_set(err, rc, "%s: %s", sm_csv_name(csv), why.message);
    }
    sm_places_builder_free(b);
    sm_csv_free(csv);
    return rc;
}
