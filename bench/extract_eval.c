/*
 * extract_eval.c: extraction quality on the gold set (tests/fixtures/gold),
 * ours against a plain literal-label baseline.
 *
 * Usage: extract_eval ESCO_DIR [GOLD_TSV [VALIDATION_DIR]]
 * Prints, per split (dev, test = held out, all) and language, precision@1
 * (the first result is one of the gold skills) and recall@5 (share of gold
 * skills among the first five), as a Markdown table. Then, for the default
 * min_confidence of the API (the threshold below which results are dropped),
 * the share of results that are noise (not gold) and the gold found, at each
 * threshold, extracting in the sentence's language with the other as a
 * fallback (as the API does): on the tuning sentences (our dev split and the
 * shared validation split, skill-extraction-validation/, when present) and
 * on our held-out test split, which only reports.
 *
 * The baseline is what a simple implementation does: every ESCO label
 * (preferred and alternative, both languages) searched as a case- and
 * accent-insensitive substring at word boundaries; longer labels first.
 */
#include "taxonomy/csv.h"
#include "taxonomy/extract.h"
#include "taxonomy/loader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_GOLD 16
#define MAX_LINES 1024

typedef struct sentence {
    char split[8], lang[4];
    char *text;
    char *gold[MAX_GOLD];
    int gold_count;
} sentence;

typedef struct scores {
    double p1, r5;
    int n;
} scores;

static char *fold(const char *s)
{
    size_t len = strlen(s), n = 0;
    char *out = malloc(len * 4 + 3);
    out[n++] = ' ';
    for (size_t i = 0; i < len;) {
        size_t step;
        uint32_t cp = sm_utf8_decode(s + i, len - i, &step);
        char buf[8];
        size_t k = sm_fold_codepoint(cp, buf);
        /* Punctuation becomes a space so labels match at word boundaries. */
        if (k == 1 && !((buf[0] >= 'a' && buf[0] <= 'z') || (buf[0] >= '0' && buf[0] <= '9') ||
                        (unsigned char)buf[0] >= 0x80)) {
            buf[0] = ' ';
        }
        memcpy(out + n, buf, k);
        n += k;
        i += step;
    }
    out[n++] = ' ';
    out[n] = '\0';
    return out;
}

typedef struct folded_label {
    char *text;
    size_t len;
    uint32_t concept;
} folded_label;

static int cmp_len_desc(const void *a, const void *b)
{
    const folded_label *x = a, *y = b;
    return x->len < y->len ? 1 : x->len > y->len ? -1 : 0;
}

static int is_gold(const sentence *s, const char *uri)
{
    for (int g = 0; g < s->gold_count; g++)
        if (strcmp(s->gold[g], uri) == 0)
            return 1;
    return 0;
}

static void score(scores *sc, const sentence *s, const char **ranked, int n)
{
    int hits = 0;
    for (int g = 0; g < s->gold_count; g++)
        for (int k = 0; k < n && k < 5; k++)
            if (strcmp(ranked[k], s->gold[g]) == 0) {
                hits++;
                break;
            }
    sc->p1 += n > 0 && is_gold(s, ranked[0]);
    sc->r5 += (double)hits / s->gold_count;
    sc->n++;
}

/*
 * Reads the shared validation split (CSV: sentence, span, sub_span, label = an ESCO preferred
 * label in English) into ss from count on, as English "val" sentences; returns the new count.
 */
static int read_validation(const char *dir, const sm_taxonomy *tx, sentence *ss, int count)
{
    static const char *const files[] = {"tech_validation_annotations.csv",
                                        "house_validation_annotations.csv"};
    for (int fi = 0; fi < 2; fi++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, files[fi]);
        sm_csv *csv;
        sm_error err;
        if (sm_csv_open_file(&csv, path, &err) != SM_OK)
            continue;
        static const char *const names[] = {"sentence", "label", NULL};
        int idx[2];
        if (sm_csv_require(csv, names, idx, &err) != SM_OK) {
            sm_csv_free(csv);
            continue;
        }
        while (sm_csv_next(csv, &err) == 1 && count < MAX_LINES) {
            sm_str text = sm_csv_field(csv, idx[0]), label = sm_csv_field(csv, idx[1]);
            sentence *s = count && ss[count - 1].split[0] == 'v' &&
                                  strlen(ss[count - 1].text) == text.len &&
                                  !memcmp(ss[count - 1].text, text.ptr, text.len)
                              ? &ss[count - 1]
                              : NULL;
            if (!s) {
                s = &ss[count++];
                snprintf(s->split, sizeof s->split, "val");
                snprintf(s->lang, sizeof s->lang, "en");
                s->text = strndup(text.ptr, text.len);
            }
            /* The preferred English label's concept: ESCO 1.1.0 labels, a few changed since. */
            char l[512];
            snprintf(l, sizeof l, "%.*s", (int)label.len, label.ptr);
            for (size_t i = 0; i < sm_taxonomy_label_total(tx) && s->gold_count < MAX_GOLD; i++) {
                sm_label lb = sm_taxonomy_label_at(tx, i);
                if (lb.lang == SM_LANG_EN && lb.kind == SM_LABEL_PREFERRED &&
                    strcmp(lb.text, l) == 0) {
                    s->gold[s->gold_count++] = strdup(sm_taxonomy_uri(tx, lb.concept));
                    break;
                }
            }
        }
        sm_csv_free(csv);
    }
    return count;
}

/* Noise and found gold at each threshold, per group of sentences: our dev split and the
 * shared validation split (for tuning), our test split (held out, reported only). */
static void thresholds(sm_extraction *x, const sm_taxonomy *tx, const sentence *ss, int count)
{
    static const double ts[] = {0.0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8};
    enum { NT = sizeof ts / sizeof *ts, NG = 3 };
    static const char *const groups[NG] = {"dev (tuning)", "validation (tuning)",
                                           "test (held out)"};
    double kept[NG][NT] = {{0}}, hits[NG][NT] = {{0}}, gold[NG] = {0};
    int sentences[NG] = {0};
    for (int i = 0; i < count; i++) {
        const sentence *s = &ss[i];
        if (!s->gold_count)
            continue;
        int g = !strcmp(s->split, "dev") ? 0 : !strcmp(s->split, "val") ? 1 : 2;
        sentences[g]++;
        gold[g] += s->gold_count;
        int n = sm_extract_in(x, s->text, strlen(s->text),
                              strcmp(s->lang, "fr") == 0 ? SM_LANG_FR : SM_LANG_EN, 1, 10);
        for (int k = 0; k < n; k++) {
            const sm_extracted *e = sm_extraction_get(x, (size_t)k);
            int good = is_gold(s, sm_taxonomy_uri(tx, e->concept));
            for (int t = 0; t < NT; t++)
                if (e->confidence >= ts[t]) {
                    kept[g][t]++;
                    hits[g][t] += good;
                }
        }
    }
    for (int g = 0; g < NG; g++) {
        if (!sentences[g])
            continue;
        printf("\n%s: %d sentences, %.0f gold skills\n\n| min_confidence | results | noise | "
               "gold found |\n|---:|---:|---:|---:|\n",
               groups[g], sentences[g], gold[g]);
        for (int t = 0; t < NT; t++)
            printf("| %.2f | %.0f | %.0f%% | %.0f%% |\n", ts[t], kept[g][t],
                   kept[g][t] ? 100 * (1 - hits[g][t] / kept[g][t]) : 0,
                   gold[g] ? 100 * hits[g][t] / gold[g] : 0);
    }
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: extract_eval ESCO_DIR [GOLD_TSV [VALIDATION_DIR]]\n");
        return 2;
    }
    const char *gold_path = argc > 2 ? argv[2] : "tests/fixtures/gold/extraction.tsv";
    FILE *f = fopen(gold_path, "r");
    if (!f) {
        perror(gold_path);
        return 1;
    }
    sentence *ss = calloc(MAX_LINES, sizeof *ss);
    int count = 0;
    char line[8192];
    while (fgets(line, sizeof line, f) && count < MAX_LINES) {
        if (line[0] == '#' || strncmp(line, "id\t", 3) == 0)
            continue;
        line[strcspn(line, "\n")] = '\0';
        char *fields[6], *save = NULL, *p = line;
        int k = 0;
        for (char *tok = strtok_r(p, "\t", &save); tok && k < 6; tok = strtok_r(NULL, "\t", &save))
            fields[k++] = tok;
        if (k < 5)
            continue;
        sentence *s = &ss[count++];
        snprintf(s->split, sizeof s->split, "%s", fields[1]);
        snprintf(s->lang, sizeof s->lang, "%s", fields[2]);
        s->text = strdup(fields[3]);
        char *usave = NULL;
        for (char *u = strtok_r(fields[4], " ", &usave); u && s->gold_count < MAX_GOLD;
             u = strtok_r(NULL, " ", &usave))
            s->gold[s->gold_count++] = strdup(u);
    }
    fclose(f);

    sm_load_options opts = {argv[1], NULL};
    sm_taxonomy *tx;
    sm_extractor *ex;
    sm_error err;
    if (sm_taxonomy_load(&opts, &tx, NULL, &err) != SM_OK ||
        sm_extractor_new(tx, &ex, &err) != SM_OK) {
        fprintf(stderr, "extract_eval: %s\n", err.message);
        return 1;
    }
    sm_extraction *x = sm_extraction_new(ex);

    /* The baseline's dictionary: ESCO labels only (no built-in synonyms). */
    size_t label_total = sm_taxonomy_label_total(tx), nl = 0;
    folded_label *labels = malloc(label_total * sizeof *labels);
    for (size_t i = 0; i < label_total; i++) {
        sm_label l = sm_taxonomy_label_at(tx, i);
        if (!sm_concept_is_skill(sm_taxonomy_type(tx, l.concept)) || l.kind == SM_LABEL_HIDDEN ||
            strncmp(sm_taxonomy_uri(tx, l.concept), "http://data.europa.eu/esco/", 27) != 0 ||
            (sm_taxonomy_collections(tx, l.concept) & SM_COLL_BUILTIN))
            continue;
        labels[nl].text = fold(l.text);
        labels[nl].len = strlen(labels[nl].text);
        labels[nl].concept = l.concept;
        nl++;
    }
    qsort(labels, nl, sizeof *labels, cmp_len_desc);

    const char *splits[] = {"dev", "test", "all"};
    scores ours[3][3] = {{{0}}}, base[3][3] = {{{0}}}; /* [split][lang: fr, en, both] */
    for (int i = 0; i < count; i++) {
        sentence *s = &ss[i];
        int si = strcmp(s->split, "dev") == 0 ? 0 : 1, li = strcmp(s->lang, "fr") == 0 ? 0 : 1;
        const char *ranked[10];
        int n = sm_extract(x, s->text, strlen(s->text), SM_LANG_MASK_ALL, 10);
        for (int k = 0; k < n; k++)
            ranked[k] = sm_taxonomy_uri(tx, sm_extraction_get(x, (size_t)k)->concept);
        for (int a = 0; a < 2; a++)
            for (int b = 0; b < 2; b++) {
                scores *sc = &ours[a ? 2 : si][b ? 2 : li];
                score(sc, s, ranked, n);
            }
        if (getenv("EVAL_VERBOSE")) {
            printf("[%s %s] %s\n", s->split, s->lang, s->text);
            for (int k = 0; k < n && k < 5; k++)
                printf("   %c %.3f %s\n", is_gold(s, ranked[k]) ? '*' : ' ',
                       sm_extraction_get(x, (size_t)k)->confidence,
                       sm_taxonomy_label_any(tx, sm_extraction_get(x, (size_t)k)->concept,
                                             SM_LANG_EN));
        }
        /* Baseline: longest labels first, one entry per concept. */
        char *ft = fold(s->text);
        int bn = 0;
        const char *branked[10];
        for (size_t k = 0; k < nl && bn < 10; k++) {
            if (!strstr(ft, labels[k].text))
                continue;
            const char *uri = sm_taxonomy_uri(tx, labels[k].concept);
            int dup = 0;
            for (int q = 0; q < bn; q++)
                dup |= strcmp(branked[q], uri) == 0;
            if (!dup)
                branked[bn++] = uri;
        }
        free(ft);
        for (int a = 0; a < 2; a++)
            for (int b = 0; b < 2; b++)
                score(&base[a ? 2 : si][b ? 2 : li], s, branked, bn);
    }
    printf("| split | lang | sentences | ours P@1 | ours R@5 | literal P@1 | literal R@5 |\n");
    printf("|---|---|---:|---:|---:|---:|---:|\n");
    const char *langs[] = {"fr", "en", "both"};
    for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++) {
            scores *o = &ours[a][b], *l = &base[a][b];
            if (!o->n)
                continue;
            printf("| %s | %s | %d | %.2f | %.2f | %.2f | %.2f |\n", splits[a], langs[b], o->n,
                   o->p1 / o->n, o->r5 / o->n, l->p1 / l->n, l->r5 / l->n);
        }
    const char *val = argc > 3 ? argv[3] : NULL;
    int all = val ? read_validation(val, tx, ss, count) : count;
    thresholds(x, tx, ss, all);
    return 0;
}
