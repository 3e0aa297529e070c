/*
 * make_corpus.c: writes a job-ad-like text corpus, one text per line, from
 * the ESCO export: every occupation description in English and French (what
 * the job is, what the worker does), then every skill label, one per line,
 * to a second file for the grep peer.
 *
 * Usage: make_corpus ESCO_DIR CORPUS_OUT LABELS_OUT
 */
#include "taxonomy/csv.h"
#include "taxonomy/loader.h"

#include <stdio.h>
#include <string.h>

static int write_descriptions(const char *path, FILE *out)
{
    sm_csv *csv;
    sm_error err;
    if (sm_csv_open_file(&csv, path, &err) != SM_OK) {
        fprintf(stderr, "make_corpus: %s\n", err.message);
        return 1;
    }
    int col = sm_csv_column(csv, "description");
    int rc;
    while ((rc = sm_csv_next(csv, &err)) == 1) {
        sm_str d = sm_csv_field(csv, col);
        if (d.len < 20)
            continue;
        for (size_t i = 0; i < d.len; i++)
            fputc(d.ptr[i] == '\n' || d.ptr[i] == '\r' ? ' ' : d.ptr[i], out);
        fputc('\n', out);
    }
    sm_csv_free(csv);
    if (rc < 0)
        fprintf(stderr, "make_corpus: %s\n", err.message);
    return rc < 0;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: make_corpus ESCO_DIR CORPUS_OUT LABELS_OUT\n");
        return 2;
    }
    FILE *out = fopen(argv[2], "w");
    if (!out) {
        perror(argv[2]);
        return 1;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/en/occupations_en.csv", argv[1]);
    int bad = write_descriptions(path, out);
    snprintf(path, sizeof path, "%s/fr/occupations_fr.csv", argv[1]);
    bad |= write_descriptions(path, out);
    fclose(out);

    sm_load_options opts = {argv[1], NULL};
    sm_taxonomy *tx;
    sm_error err;
    if (sm_taxonomy_load(&opts, &tx, NULL, &err) != SM_OK) {
        fprintf(stderr, "make_corpus: %s\n", err.message);
        return 1;
    }
    FILE *labels = fopen(argv[3], "w");
    for (size_t i = 0; i < sm_taxonomy_label_total(tx); i++) {
        sm_label l = sm_taxonomy_label_at(tx, i);
        if (sm_concept_is_skill(sm_taxonomy_type(tx, l.concept)))
            fprintf(labels, "%s\n", l.text);
    }
    fclose(labels);
    sm_taxonomy_free(tx);
    return bad;
}
