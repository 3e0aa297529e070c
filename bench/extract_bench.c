/*
 * extract_bench.c: skill extraction measured as the benchmark measures it (issue 25), with
 * its two baselines computed in the same run.
 *
 *   build/bench/extract_bench ESCO_DIR [VALIDATION_DIR [GOLD_TSV]]
 *
 * Sets: the shared validation split (skill-extraction-validation/: TECH and HOUSE, English
 * job-ad sentences, gold = ESCO preferred labels in English, "LABEL NOT PRESENT" and
 * "UNDERSPECIFIED" rows skipped; a label that no longer names an ESCO 1.1.1 skill stays in the
 * gold, never found), and our own gold set (tests/fixtures/gold/extraction.tsv, its French and
 * English sentences, dev and test as it marks them). Each validation set is cut in two halves by
 * a hash of the sentence: "dev" may be looked at while tuning, "held out" only reported.
 *
 * Metric: RP@k (R-precision at k): over the sentences with gold, the mean of
 * |top-k ∩ gold| / min(k, |gold|), for k = 1, 3, 5, with a 95% bootstrap interval on RP@5
 * (2,000 resamples, fixed seed). Systems, each asked for 5 skills in the sentence's language:
 *   ours     sm_extract_in (the server's extractor, other languages not used)
 *   BM25     every skill a document of its labels (preferred and alternative) in the language,
 *            words folded (case, accents), k1 = 1.2, b = 0.75, the sentence's words the query
 *   literal  every label of the language found as a folded substring at word boundaries,
 *            longer labels first
 *   fusion   ours and BM25's ten best merged by reciprocal rank (1 / (60 + rank)): what a
 *            lexical re-ranker could add (a measure for issue 25, not the server's extractor)
 * Then our throughput on the same sentences (MB/s on one core, p50 and p99 per sentence).
 */
#include "bench/util.h"
#include "taxonomy/base/str.h"
#include "taxonomy/base/strmap.h"
#include "taxonomy/csv.h"
#include "taxonomy/extract.h"
#include "taxonomy/loader.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#define MAX_GOLD 24
#define MAX_SENT 2048
#define K 5

enum { SET_TECH, SET_HOUSE, SET_OURS_FR, SET_OURS_EN, SET_COUNT };
static const char *const set_names[SET_COUNT] = {"TECH (validation)", "HOUSE (validation)",
                                                 "our gold, French", "our gold, English"};

typedef struct sent {
    int set, held; /* held: the held-out half (validation) or our test split */
    sm_lang lang;
    char *text;
    uint32_t gold[MAX_GOLD]; /* SM_NO_CONCEPT: a label ESCO 1.1.1 no longer has */
    int ngold;
} sent;

static sent ss[MAX_SENT];
static int nss;
static const sm_taxonomy *tx;

/* ---- reading the sets ---- */

static sm_strmap *pref_en; /* English preferred label → concept */

static void read_validation(const char *dir, int set, const char *file)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    sm_csv *csv;
    sm_error err;
    if (sm_csv_open_file(&csv, path, &err) != SM_OK) {
        fprintf(stderr, "%s\n", err.message);
        return;
    }
    static const char *const names[] = {"sentence", "label", NULL};
    int idx[2];
    if (sm_csv_require(csv, names, idx, &err) != SM_OK) {
        sm_csv_free(csv);
        return;
    }
    while (sm_csv_next(csv, &err) == 1 && nss < MAX_SENT) {
        sm_str text = sm_csv_field(csv, idx[0]), label = sm_csv_field(csv, idx[1]);
        sent *s = NULL;
        for (int i = nss - 1; i >= 0 && ss[i].set == set && !s; i--)
            if (strlen(ss[i].text) == text.len && !memcmp(ss[i].text, text.ptr, text.len))
                s = &ss[i];
        if (!s) {
            s = &ss[nss++];
            s->set = set;
            s->lang = SM_LANG_EN;
            s->text = strndup(text.ptr, text.len);
            s->held = XXH3_64bits(s->text, text.len) & 1;
        }
        if ((label.len == 17 && !memcmp(label.ptr, "LABEL NOT PRESENT", 17)) ||
            (label.len == 14 && !memcmp(label.ptr, "UNDERSPECIFIED", 14)) || !label.len)
            continue;
        uint32_t id = SM_NO_CONCEPT;
        sm_strmap_get(pref_en, label.ptr, label.len, &id);
        int dup = 0;
        for (int g = 0; g < s->ngold; g++)
            dup |= id != SM_NO_CONCEPT && s->gold[g] == id;
        if (!dup && s->ngold < MAX_GOLD)
            s->gold[s->ngold++] = id;
    }
    sm_csv_free(csv);
}

static void read_ours(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    char line[8192];
    while (fgets(line, sizeof line, f) && nss < MAX_SENT) {
        if (line[0] == '#' || !strncmp(line, "id\t", 3))
            continue;
        line[strcspn(line, "\n")] = '\0';
        char *field[6] = {0}, *p = line;
        for (int k = 0; k < 6 && p; k++) {
            field[k] = p;
            p = strchr(p, '\t');
            if (p)
                *p++ = '\0';
        }
        if (!field[4])
            continue;
        sent *s = &ss[nss++];
        s->lang = !strcmp(field[2], "fr") ? SM_LANG_FR : SM_LANG_EN;
        s->set = s->lang == SM_LANG_FR ? SET_OURS_FR : SET_OURS_EN;
        s->held = !strcmp(field[1], "test");
        s->text = strdup(field[3]);
        for (char *u = strtok(field[4], " "); u && s->ngold < MAX_GOLD; u = strtok(NULL, " "))
            s->gold[s->ngold++] = sm_taxonomy_find(tx, sm_str_make(u, strlen(u)));
    }
    fclose(f);
}

/* ---- folding and the baselines ---- */

/* Folded words of s, separated by one space, with a space before and after (so that a
 * label matches at word boundaries). */
static char *fold(const char *s)
{
    size_t len = strlen(s);
    char *out = malloc(len * 4 + 8);
    out[0] = ' ';
    size_t n = 1 + sm_fold_words(s, len, out + 1, len * 4 + 6);
    if (n > 1)
        out[n++] = ' ';
    out[n] = '\0';
    return out;
}

typedef struct label_ref {
    char *folded;
    size_t len;
    uint32_t concept;
} label_ref;
static label_ref *labels[SM_LANG_COUNT];
static size_t nlabels[SM_LANG_COUNT];

static int cmp_len_desc(const void *a, const void *b)
{
    const label_ref *x = a, *y = b;
    return x->len < y->len ? 1 : x->len > y->len ? -1 : 0;
}

static int literal(const sent *s, uint32_t *out)
{
    char *t = fold(s->text);
    int n = 0;
    for (size_t i = 0; i < nlabels[s->lang] && n < K; i++) {
        const label_ref *l = &labels[s->lang][i];
        if (!strstr(t, l->folded))
            continue;
        int dup = 0;
        for (int k = 0; k < n; k++)
        dup |= out[k] == l->concept;
        if (!dup)
        out[n++] = l->concept;
    }
    free(t);
    return n;
}

/* BM25 over skills: a word index of every skill's labels, per language. */
typedef struct bm25 {
    sm_strmap *words;    /* word → index */
    uint32_t **postings; /* per word: concept, tf pairs */
    size_t *npost, *cap, nwords;
    float *doclen, avglen;
    size_t ndocs;
} bm25;
static bm25 bm[SM_LANG_COUNT];

static void bm25_build(sm_lang lang)
{
    bm25 *b = &bm[lang];
    size_t count = sm_taxonomy_count(tx);
    b->words = sm_strmap_new();
    b->doclen = calloc(count, sizeof(float));
    size_t wcap = 0;
    for (uint32_t c = 0; c < count; c++) {
        if (!sm_concept_is_skill(sm_taxonomy_type(tx, c)))
            continue;
        size_t first, nl = sm_taxonomy_labels_of(tx, c, &first);
        for (size_t li = 0; li < nl; li++) {
            sm_label l = sm_taxonomy_label_at(tx, first + li);
            if (l.lang != lang || l.kind == SM_LABEL_HIDDEN)
                continue;
            char *f = fold(l.text);
            for (char *w = strtok(f, " "); w; w = strtok(NULL, " ")) {
                uint32_t wi;
                if (!sm_strmap_get(b->words, w, strlen(w), &wi)) {
                    wi = (uint32_t)b->nwords++;
                    sm_strmap_put(b->words, w, strlen(w), wi, NULL);
                    if (b->nwords > wcap) {
                        wcap = wcap ? wcap * 2 : 4096;
                        b->postings = realloc(b->postings, wcap * sizeof *b->postings);
                        b->npost = realloc(b->npost, wcap * sizeof *b->npost);
                        b->cap = realloc(b->cap, wcap * sizeof *b->cap);
                    }
                    b->postings[wi] = NULL;
                    b->npost[wi] = b->cap[wi] = 0;
                }
                size_t np = b->npost[wi];
                if (np && b->postings[wi][2 * (np - 1)] == c)
                    b->postings[wi][2 * (np - 1) + 1]++;
                else {
                    if (np + 1 > b->cap[wi]) {
                        b->cap[wi] = b->cap[wi] ? b->cap[wi] * 2 : 4;
                        b->postings[wi] =
                            realloc(b->postings[wi], 2 * b->cap[wi] * sizeof(uint32_t));
                    }
                    b->postings[wi][2 * np] = c;
                    b->postings[wi][2 * np + 1] = 1;
                    b->npost[wi]++;
                }
                b->doclen[c] += 1;
            }
            free(f);
        }
        if (b->doclen[c] > 0) {
            b->ndocs++;
            b->avglen += b->doclen[c];
        }
    }
    b->avglen /= b->ndocs ? (float)b->ndocs : 1;
}

static int bm25_top_k(const sent *s, uint32_t *out, int want);
static int bm25_top(const sent *s, uint32_t *out)
{
    return bm25_top_k(s, out, K);
}

static int bm25_top_k(const sent *s, uint32_t *out, int want)
{
    bm25 *b = &bm[s->lang];
    size_t count = sm_taxonomy_count(tx);
    static float *score;
    static uint32_t *touched;
    if (!score) {
        score = calloc(count, sizeof *score);
        touched = malloc(count * sizeof *touched);
    }
    size_t nt = 0;
    char *f = fold(s->text);
    char *seen = calloc(b->nwords + 1, 1);
    for (char *w = strtok(f, " "); w; w = strtok(NULL, " ")) {
        uint32_t wi;
        if (!sm_strmap_get(b->words, w, strlen(w), &wi) || seen[wi])
            continue;
        seen[wi] = 1;
        double df = (double)b->npost[wi];
        double idf = log(1.0 + ((double)b->ndocs - df + 0.5) / (df + 0.5));
        for (size_t k = 0; k < b->npost[wi]; k++) {
            uint32_t c = b->postings[wi][2 * k], tf = b->postings[wi][2 * k + 1];
            if (score[c] == 0)
                touched[nt++] = c;
            double norm = tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * b->doclen[c] / b->avglen));
            score[c] += (float)(idf * norm);
        }
    }
    free(seen);
    free(f);
    int n = 0;
    for (int k = 0; k < want; k++) {
        float best = 0;
        size_t at = 0;
        for (size_t i = 0; i < nt; i++)
            if (score[touched[i]] > best) {
                best = score[touched[i]];
                at = i;
            }
        if (best <= 0)
            break;
        out[n++] = touched[at];
        score[touched[at]] = -1;
    }
    for (size_t i = 0; i < nt; i++)
        score[touched[i]] = 0;
    return n;
}

static int ours_k(sm_extraction *x, const sent *s, uint32_t *out, int k)
{
    int n = sm_extract_in(x, s->text, strlen(s->text), s->lang, 0, (size_t)k);
    for (int i = 0; i < n; i++)
    out[i] = sm_extraction_get(x, (size_t)i)->concept;
    return n < 0 ? 0 : n;
}

static int ours(sm_extraction *x, const sent *s, uint32_t *out)
{
    int n = sm_extract_in(x, s->text, strlen(s->text), s->lang, 0, K);
    for (int k = 0; k < n; k++)
    out[k] = sm_extraction_get(x, (size_t)k)->concept;
    return n < 0 ? 0 : n;
}

/* Ours and BM25's ten best, merged by reciprocal rank. */
static int fusion(sm_extraction *x, const sent *s, uint32_t *out)
{
    uint32_t a[10], b[10], c[20];
    double sc[20];
    int na = ours_k(x, s, a, 10), nb = bm25_top_k(s, b, 10), nc = 0;
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < (pass ? nb : na); i++) {
            uint32_t id = pass ? b[i] : a[i];
            int at = -1;
            for (int k = 0; k < nc; k++)
                if (c[k] == id)
                    at = k;
            if (at < 0) {
                at = nc++;
                c[at] = id;
                sc[at] = 0;
            }
            sc[at] += 1.0 / (60 + i);
        }
    int n = 0;
    for (; n < K && n < nc; n++) {
        int best = n;
        for (int k = n + 1; k < nc; k++)
            if (sc[k] > sc[best])
                best = k;
        uint32_t ti = c[n];
        double ts = sc[n];
        c[n] = c[best];
        sc[n] = sc[best];
        c[best] = ti;
        sc[best] = ts;
        out[n] = c[n];
    }
    return n;
}

/* ---- scoring ---- */

/* |top-k ∩ gold| / min(k, |gold|) */
static double rp(const sent *s, const uint32_t *top, int n, int k)
{
    int hit = 0;
    for (int i = 0; i < n && i < k; i++)
        for (int g = 0; g < s->ngold; g++)
            if (s->gold[g] == top[i] && top[i] != SM_NO_CONCEPT) {
                hit++;
                break;
            }
    return (double)hit / (double)(s->ngold < k ? s->ngold : k);
}

typedef struct result {
    double rp[K + 1]; /* per sentence, k = 1, 3, 5 filled */
} result;

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint32_t rnd(uint32_t n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng % n);
}

/* Mean of v[0..n) and its 95% bootstrap interval. */
static void mean_ci(const double *v, int n, double *mean, double *lo, double *hi)
{
    double sum = 0;
    for (int i = 0; i < n; i++)
        sum += v[i];
    *mean = n ? sum / n : 0;
    enum { B = 2000 };
    static double means[B];
    for (int b = 0; b < B; b++) {
        double s = 0;
        for (int i = 0; i < n; i++)
            s += v[rnd((uint32_t)n)];
        means[b] = n ? s / n : 0;
    }
    qsort(means, B, sizeof *means, cmp_double);
    *lo = means[(int)(0.025 * B)];
    *hi = means[(int)(0.975 * B)];
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: extract_bench ESCO_DIR [VALIDATION_DIR [GOLD_TSV]]\n");
        return 2;
    }
    const char *vdir = argc > 2 ? argv[2] : "../shared/data/skill-extraction-validation";
    const char *gold = argc > 3 ? argv[3] : "tests/fixtures/gold/extraction.tsv";
    sm_load_options opts = {argv[1], NULL};
    sm_taxonomy *t;
    sm_error err;
    double t0 = now();
    if (sm_taxonomy_load(&opts, &t, NULL, &err) != SM_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    tx = t;
    sm_extractor *ex;
    if (sm_extractor_new(tx, &ex, &err) != SM_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    double t1 = now();
    pref_en = sm_strmap_new();
    for (size_t i = 0; i < sm_taxonomy_label_total(tx); i++) {
        sm_label l = sm_taxonomy_label_at(tx, i);
        if (l.kind != SM_LABEL_HIDDEN && sm_concept_is_skill(sm_taxonomy_type(tx, l.concept))) {
            sm_lang lg = (sm_lang)l.lang;
            labels[lg] = realloc(labels[lg], (nlabels[lg] + 1) * sizeof *labels[lg]);
            char *f = fold(l.text);
            labels[lg][nlabels[lg]++] = (label_ref){f, strlen(f), l.concept};
        }
        if (l.lang == SM_LANG_EN && l.kind == SM_LABEL_PREFERRED)
            sm_strmap_put(pref_en, l.text, strlen(l.text), l.concept, NULL);
    }
    for (int lg = 0; lg < SM_LANG_COUNT; lg++) {
        qsort(labels[lg], nlabels[lg], sizeof *labels[lg], cmp_len_desc);
        bm25_build((sm_lang)lg);
    }
    read_validation(vdir, SET_TECH, "tech_validation_annotations.csv");
    read_validation(vdir, SET_HOUSE, "house_validation_annotations.csv");
    read_ours(gold);
    printf("taxonomy and extractor built in %.2f s; %d sentences read\n\n", t1 - t0, nss);

    sm_extraction *x = sm_extraction_new(ex);
    enum { SYS = 4 };
    static const char *const sys[SYS] = {"ours", "BM25", "literal", "fusion"};
    static double v[SYS][3][MAX_SENT]; /* system, k index (1, 3, 5), sentence */
    int unmapped = 0;
    printf("| set | half | sentences | ours RP@1 | RP@3 | RP@5 [95%% CI] | BM25 RP@5 | literal "
           "RP@5 | fusion RP@5 |\n|---|---|---:|---:|---:|---|---:|---:|---:|\n");
    for (int set = 0; set < SET_COUNT; set++)
        for (int half = 0; half < 3; half++) { /* 0 dev, 1 held out, 2 all */
            int n = 0;
            for (int i = 0; i < nss; i++) {
                const sent *s = &ss[i];
                if (s->set != set || !s->ngold || (half < 2 && s->held != half))
                    continue;
                uint32_t top[SYS][K];
                int got[SYS] = {ours(x, s, top[0]), bm25_top(s, top[1]), literal(s, top[2]),
                                fusion(x, s, top[3])};
                static const int ks[3] = {1, 3, 5};
                for (int y = 0; y < SYS; y++)
                    for (int k = 0; k < 3; k++)
                        v[y][k][n] = rp(s, top[y], got[y], ks[k]);
                if (half == 2)
                    for (int g = 0; g < s->ngold; g++)
                        unmapped += s->gold[g] == SM_NO_CONCEPT;
                n++;
            }
            if (!n)
                continue;
            double m[SYS][3], lo = 0, hi = 0;
            for (int y = 0; y < SYS; y++)
                for (int k = 0; k < 3; k++) {
                    double a, b2;
                    mean_ci(v[y][k], n, &m[y][k], &a, &b2);
                    if (y == 0 && k == 2) {
                        lo = a;
                        hi = b2;
                    }
                }
            static const char *const halves[3] = {"dev", "held out", "all"};
            printf("| %s | %s | %d | %.3f | %.3f | **%.3f** [%.3f, %.3f] | %.3f | %.3f | %.3f |\n",
                   set_names[set],
                   set < SET_OURS_FR ? halves[half] : (half ? (half == 1 ? "test" : "all") : "dev"),
                   n, m[0][0], m[0][1], m[0][2], lo, hi, m[1][2], m[2][2], m[3][2]);
        }
    printf("\nGold labels that name no ESCO 1.1.1 skill (kept, never found): %d\n", unmapped);
    (void)sys;

    /* Throughput: every sentence, again and again, on one core. */
    size_t bytes = 0;
    static double per[MAX_SENT * 8];
    int np = 0;
    double a0 = now();
    for (int r = 0; r < 8; r++)
        for (int i = 0; i < nss; i++) {
            uint32_t top[K];
            double a = now();
            ours(x, &ss[i], top);
            per[np++] = now() - a;
            bytes += strlen(ss[i].text);
        }
    double el = now() - a0;
    printf("\nours: %.2f MB/s on one core over %d extractions; ", (double)bytes / el / 1e6, np);
    report_us("per sentence", per, (size_t)np);
    sm_extraction_free(x);
    sm_extractor_free(ex);
    sm_taxonomy_free(t);
    return 0;
}
