/*
 * search_speed.c: the autocomplete of skills and of occupations (GET /v1/skills, GET
 * /v1/occupations), in process, over the whole taxonomy.
 *
 *   build/bench/search_speed ESCO_DIR
 *
 * Loads ESCO (EN+FR) with the built-in set, builds both indexes (time, resident memory added),
 * then times 20,000 queries on each: the first 1 to 8 bytes (cut at a character) of labels
 * drawn at random (seed 23) from what that index holds, in French, 10 hits asked. Prints median
 * and p99 in microseconds, and the same for one-letter queries alone (the slowest).
 */
#include "api/search.h"
#include "bench/util.h"
#include "taxonomy/loader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define N 20000

static void run(const sm_taxonomy *tx, const sm_skill_search *s, int occupations, const char *name)
{
    static double t[N], one[N];
    size_t total = sm_taxonomy_label_total(tx), n1 = 0;
    sm_search_hit hits[10];
    char q[16];
    for (size_t i = 0; i < N;) {
        sm_label l = sm_taxonomy_label_at(tx, (size_t)rand() % total);
        sm_concept_type type = sm_taxonomy_type(tx, l.concept);
        if ((occupations ? type != SM_CT_OCCUPATION : !sm_concept_is_skill(type)) ||
            l.lang != SM_LANG_FR)
            continue;
        size_t len = 1 + (size_t)rand() % 8, k = strlen(l.text) < len ? strlen(l.text) : len;
        while (k && ((unsigned char)l.text[k] & 0xC0) == 0x80)
            k--;
        memcpy(q, l.text, k);
        q[k] = '\0';
        double a = now();
        sm_skill_search_find(s, q, k, SM_LANG_FR, hits, 10, NULL);
        t[i] = now() - a;
        if (k == 1)
            one[n1++] = t[i];
        i++;
    }
    char what[64];
    snprintf(what, sizeof what, "%s, 1 to 8 bytes", name);
    report_us(what, t, N);
    snprintf(what, sizeof what, "%s, one letter (%zu of them)", name, n1);
    if (n1)
        report_us(what, one, n1);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: search_speed ESCO_DIR\n");
        return 2;
    }
    sm_load_options opts = {argv[1], NULL};
    sm_taxonomy *tx;
    sm_error err;
    if (sm_taxonomy_load(&opts, &tx, NULL, &err) != SM_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    sm_skill_search *skills, *occupations;
    long r0 = rss_kb();
    double t0 = now();
    if (sm_concept_search_new(tx, 0, &skills) != SM_OK)
        return 1;
    double t1 = now();
    long r1 = rss_kb();
    if (sm_concept_search_new(tx, 1, &occupations) != SM_OK)
        return 1;
    double t2 = now();
    long r2 = rss_kb();
    printf("skills index: built in %.2f s, %.1f MB; occupations index: %.2f s, %.1f MB\n", t1 - t0,
           (double)(r1 - r0) / 1024, t2 - t1, (double)(r2 - r1) / 1024);
    srand(23);
    run(tx, skills, 0, "skills");
    run(tx, occupations, 1, "occupations");
    sm_skill_search_free(skills);
    sm_skill_search_free(occupations);
    sm_taxonomy_free(tx);
    return 0;
}
