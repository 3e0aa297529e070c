/*
 * search.h: autocomplete over skill labels (GET /v1/skills?q=), and over occupation labels
 * (GET /v1/occupations?q=) the same way.
 *
 * Every label of every skill-like concept (skills, knowledge, DigComp
 * competences), in both languages, is folded (lower case, no accents) and
 * indexed at each word start, sorted; a query is folded the same way and
 * found by binary search as a prefix of a label or of one of its words. The
 * best concepts come first: a label equal to the query, then labels where the
 * query is whole words (a preferred label before a synonym), then labels where
 * it only begins a word; within each, at the label's start first, the query's
 * language first, then shorter labels. Read-only once built; shared by threads.
 */
#ifndef SM_SEARCH_H
#define SM_SEARCH_H

#include "taxonomy/taxonomy.h"

#include <stddef.h>
#include <stdint.h>

typedef struct sm_skill_search sm_skill_search;

typedef struct sm_search_hit {
    uint32_t concept; /* a concept id; or, from sm_taxonomy_count on, an extra label's item */
    uint32_t label;   /* index in the taxonomy's label list, or of the extra label */
} sm_search_hit;

/* A label indexed beside the taxonomy's (a ROME job title): found as item
 * sm_taxonomy_count(tx) + index in the extras given. */
typedef struct sm_search_extra {
    const char *text;
    uint8_t lang;    /* sm_lang */
    uint8_t synonym; /* ranked as an alternative label (a title "peu usité") */
} sm_search_extra;

int sm_skill_search_new(const sm_taxonomy *tx, sm_skill_search **out);
/* The same index over the labels of occupations (occupations set) or of skill-like concepts:
 * GET /v1/occupations, GET /v1/skills. */
int sm_concept_search_new(const sm_taxonomy *tx, int occupations, sm_skill_search **out);
/* The occupations' index with extra labels beside (copied: extra need not outlive it). */
int sm_occupation_search_new(const sm_taxonomy *tx, const sm_search_extra *extra,
                             size_t extra_count, sm_skill_search **out);
void sm_skill_search_free(sm_skill_search *s);
/*
 * The best limit distinct concepts whose label matches q (UTF-8, at most 200
 * bytes are used), every match ranked. lang_pref orders labels of that
 * language first. Returns the number of hits, and in *total (unless NULL)
 * how many distinct concepts match in all; 0 for a query without letters or
 * digits.
 */
size_t sm_skill_search_find(const sm_skill_search *s, const char *q, size_t len, sm_lang lang_pref,
                            sm_search_hit *hits, size_t limit, size_t *total);

#endif
