/*
 * rome_speed.c: what ROME 4.0 adds to a generation, and how well its skills reach ESCO
 * (issue 23), in process, as the server builds it (api/gen.c).
 *
 *   build/bench/rome_speed ESCO_DIR ROME_DIR
 *
 * Loads ESCO (EN+FR) with the built-in set into a generation, then ROME: the time to read and
 * check the CSV files, and to attach them (the job titles indexed beside the occupations,
 * every ROME skill label read by the extractor), with the resident memory each adds. Reports
 * how many ROME skill labels map to an ESCO skill (all of them, and those the fiches use),
 * how many job titles get skills through the crosswalk, through their code's ROME skills, or
 * none, then times 20,000 occupation autocompletes (seed 23): the first 1 to 8 bytes of French
 * occupation labels and ROME titles drawn at random, 10 hits.
 */
#include "api/jobs.h"
#include "api/search.h"
#include "bench/util.h"
#include "taxonomy/base/arena.h"
#include "taxonomy/loader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N 20000

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: rome_speed ESCO_DIR ROME_DIR\n");
        return 2;
    }
    json_set_alloc_funcs(sm_json_malloc, sm_json_free);
    sm_load_options opts = {argv[1], NULL};
    sm_taxonomy *tx;
    sm_gen *g;
    sm_error err;
    if (sm_taxonomy_load(&opts, &tx, NULL, &err) != SM_OK ||
        sm_gen_from_taxonomy(tx, &g, &err) != SM_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    long r0 = rss_kb();
    double t0 = now();
    sm_rome *rome;
    if (sm_rome_load_dir(argv[2], &rome, &err) != SM_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    double t1 = now();
    long r1 = rss_kb();
    if (sm_gen_attach_rome(g, rome, &err) != SM_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    double t2 = now();
    long r2 = rss_kb();
    printf("ROME read and checked in %.2f s (+%.1f MB resident); attached (titles indexed, skill "
           "labels read) in %.2f s (+%.1f MB)\n",
           t1 - t0, (double)(r1 - r0) / 1024, t2 - t1, (double)(r2 - r1) / 1024);

    /* The mapping: all labels, and those some code uses. */
    size_t labels = sm_rome_label_count(rome), used = 0, used_mapped = 0;
    unsigned char *in_use = calloc(labels + 1, 1);
    for (size_t j = 0; j < sm_rome_job_count(rome); j++) {
        const sm_rome_job *job = sm_rome_job_at(rome, j);
        for (uint32_t k = 0; k < job->skill_count; k++) {
            uint32_t ogr = sm_rome_skill_at(rome, job->first_skill + k)->ogr;
            long li = sm_rome_label_find(rome, ogr);
            if (li < 0)
                continue;
            in_use[li] = 1;
        }
    }
    for (size_t i = 0; i < labels; i++)
        if (in_use[i]) {
            used++;
            used_mapped += g->rome_label_concept[i] != SM_NO_CONCEPT;
        }
    printf("ROME skill labels mapped to an ESCO skill: %zu of %zu (%.1f%%); of the %zu the fiches "
           "use: %zu (%.1f%%)\n",
           sm_jobs_mapped_labels(g), labels,
           100.0 * (double)sm_jobs_mapped_labels(g) / (double)labels, used, used_mapped,
           100.0 * (double)used_mapped / (double)used);
    free(in_use);

    /* Where each title's skills come from. */
    enum { CAP = 1024 };
    static sm_job_skill s[CAP];
    size_t via_occ = 0, via_rome = 0, none = 0, skills = 0;
    for (size_t i = 0; i < sm_rome_title_count(rome); i++) {
        size_t n = sm_job_skills(g, (sm_job){SM_JOB_TITLE, (uint32_t)i}, s, CAP);
        skills += n;
        if (!n)
            none++;
        else if (s[0].via == SM_VIA_OCCUPATION)
            via_occ++;
        else
            via_rome++;
    }
    printf("job titles with skills through the crosswalk: %zu; through their code's ROME skills: "
           "%zu; none: %zu (of %zu; %.1f skills each on average)\n",
           via_occ, via_rome, none, sm_rome_title_count(rome),
           (double)skills / (double)sm_rome_title_count(rome));

    /* Occupation autocomplete over occupations and titles. */
    static double t[N];
    size_t total = sm_taxonomy_label_total(tx), titles = sm_rome_title_count(rome);
    sm_search_hit hits[10];
    char q[16];
    srand(23);
    for (size_t i = 0; i < N;) {
        const char *text;
        if (rand() % 2) {
            text = sm_rome_title_at(rome, (size_t)rand() % titles)->label;
        } else {
            sm_label l = sm_taxonomy_label_at(tx, (size_t)rand() % total);
            if (sm_taxonomy_type(tx, l.concept) != SM_CT_OCCUPATION || l.lang != SM_LANG_FR)
                continue;
            text = l.text;
        }
        size_t len = 1 + (size_t)rand() % 8, k = strlen(text) < len ? strlen(text) : len;
        while (k && ((unsigned char)text[k] & 0xC0) == 0x80)
            k--;
        memcpy(q, text, k);
        q[k] = '\0';
        double a = now();
        sm_skill_search_find(g->occupation_search, q, k, SM_LANG_FR, hits, 10, NULL);
        t[i++] = now() - a;
    }
    report_us("occupations and ROME titles, 1 to 8 bytes", t, N);
    sm_gen_free(g);
    return 0;
}
