/*
 * extract_speed.c: extraction throughput and latency on one core.
 *
 * Usage: extract_speed ESCO_DIR CORPUS [PASSES]
 * Loads ESCO EN+FR and the built-in taxonomy, builds the extractor, then
 * runs sm_extract (limit 10, both languages) over every line of CORPUS,
 * PASSES times (default 7). Prints, as key=value lines: extractor build
 * time, MB/s per pass (median and worst), and per-line latency (median,
 * p99) over all passes.
 */
#include "bench/util.h"
#include "taxonomy/extract.h"
#include "taxonomy/loader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: extract_speed ESCO_DIR CORPUS [PASSES]\n");
        return 2;
    }
    int passes = argc > 3 ? atoi(argv[3]) : 7;
    FILE *f = fopen(argv[2], "rb");
    if (!f) {
        perror(argv[2]);
        return 1;
    }
    size_t cap = 1024, count = 0, bytes = 0;
    char **lines = malloc(cap * sizeof *lines);
    size_t *lens = malloc(cap * sizeof *lens);
    char *line = NULL;
    size_t lcap = 0;
    ssize_t got;
    while ((got = getline(&line, &lcap, f)) > 0) {
        if (count == cap) {
            cap *= 2;
            lines = realloc(lines, cap * sizeof *lines);
            lens = realloc(lens, cap * sizeof *lens);
        }
        lens[count] = (size_t)got - (line[got - 1] == '\n');
        lines[count] = malloc(lens[count] + 1);
        memcpy(lines[count], line, lens[count]);
        bytes += (size_t)got;
        count++;
    }
    fclose(f);

    sm_load_options opts = {argv[1], NULL};
    sm_taxonomy *tx;
    sm_extractor *ex;
    sm_error err;
    double t0 = now();
    if (sm_taxonomy_load(&opts, &tx, NULL, &err) != SM_OK) {
        fprintf(stderr, "extract_speed: %s\n", err.message);
        return 1;
    }
    double t1 = now();
    if (sm_extractor_new(tx, &ex, &err) != SM_OK) {
        fprintf(stderr, "extract_speed: %s\n", err.message);
        return 1;
    }
    double t2 = now();
    sm_extraction *x = sm_extraction_new(ex);
    double *mbps = malloc((size_t)passes * sizeof *mbps);
    double *lat = malloc(count * (size_t)passes * sizeof *lat);
    size_t results = 0;
    for (int p = 0; p < passes; p++) {
        double start = now();
        for (size_t i = 0; i < count; i++) {
            double a = now();
            int n = sm_extract(x, lines[i], lens[i], SM_LANG_MASK_ALL, 10);
            lat[(size_t)p * count + i] = now() - a;
            results += n > 0 ? (size_t)n : 0;
        }
        mbps[p] = (double)bytes / 1e6 / (now() - start);
    }
    qsort(mbps, (size_t)passes, sizeof *mbps, cmp_double);
    qsort(lat, count * (size_t)passes, sizeof *lat, cmp_double);
    size_t total = count * (size_t)passes;
    printf("corpus_lines=%zu\ncorpus_mb=%.2f\npasses=%d\n", count, (double)bytes / 1e6, passes);
    printf("taxonomy_load_s=%.3f\nextractor_build_s=%.3f\nphrases=%zu\n", t1 - t0, t2 - t1,
           sm_extractor_phrase_count(ex));
    printf("mb_per_s_median=%.2f\nmb_per_s_worst=%.2f\n", mbps[passes / 2], mbps[0]);
    printf("line_us_median=%.1f\nline_us_p99=%.1f\nline_us_max=%.1f\n", lat[total / 2] * 1e6,
           lat[total * 99 / 100] * 1e6, lat[total - 1] * 1e6);
    printf("results_per_line=%.2f\n", (double)results / (double)total);
    return 0;
}
