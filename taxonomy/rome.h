/*
 * rome.h: France Travail's job repertoire (ROME 4.0), the jobs French people and organisations
 * name: codes (fiches métier, "D1505"), their job titles (appellations, "11640" Caissier /
 * Caissière, with synonyms and both genders), the skills and knowledge of each code (OGR
 * numbered labels), the mobility suggested between codes, and the official ROME↔ESCO crosswalk
 * (each title to ESCO occupations, skos exact/close/broad/narrow).
 *
 * Read from the CSV files of ../shared/data/rome-4.0 (`skillmatch import rome DIR`) or rebuilt
 * from PostgreSQL (sql/rome.c) through the same builder, which checks every reference: a
 * title's code, a crosswalk row's title, a skill's label, a mobility's codes. Read-only once
 * finished; shared by threads. No HTTP, no SQL.
 */
#ifndef SM_ROME_H
#define SM_ROME_H

#include "taxonomy/base/error.h"

#include <stddef.h>
#include <stdint.h>

typedef enum sm_rome_relation {
    SM_ROME_EXACT = 0, /* skos:exactMatch */
    SM_ROME_CLOSE,     /* skos:closeMatch */
    SM_ROME_BROAD,     /* skos:broadMatch: the ESCO occupation is broader than the title */
    SM_ROME_NARROW,    /* skos:narrowMatch: narrower */
    SM_ROME_RELATION_COUNT
} sm_rome_relation;
/* "exact", "close", "broad", "narrow" */
extern const char *const sm_rome_relation_names[];

typedef enum sm_rome_kind {
    SM_ROME_SAVOIR = 0,   /* knowledge */
    SM_ROME_SAVOIR_FAIRE, /* skill */
    SM_ROME_SAVOIR_ETRE,  /* soft skill */
    SM_ROME_KIND_COUNT
} sm_rome_kind;
/* "savoir", "savoir_faire", "savoir_etre_professionnel" (rome_skills.csv's rubrique) */
extern const char *const sm_rome_kind_names[];

typedef struct sm_rome_link {
    const char *esco_uri;
    uint8_t relation; /* sm_rome_relation */
} sm_rome_link;

typedef struct sm_rome_skill {
    uint32_t ogr;
    const char *label;
    uint8_t kind; /* sm_rome_kind */
    uint8_t core; /* "Principale" or "Émergente" in the code's fiche */
} sm_rome_skill;

typedef struct sm_rome_title {
    uint32_t ogr;
    uint32_t job; /* index of its code */
    const char *label;
    uint8_t main; /* the code's own name (PRINCIPALE) */
    uint8_t rare; /* peu usité */
    uint32_t first_link, link_count;
} sm_rome_title;

typedef struct sm_rome_job {
    char code[6];
    const char *label;
    const char *definition; /* "" when none */
    uint32_t first_title, title_count;
    uint32_t first_skill, skill_count;
    uint32_t first_move, move_count; /* mobility targets, in France Travail's order */
} sm_rome_job;

typedef struct sm_rome sm_rome;
typedef struct sm_rome_builder sm_rome_builder;

/* The tables of the builder and their fields, in order (all text). */
typedef enum sm_rome_table {
    SM_ROME_T_JOBS = 0, /* code, label, definition (may be empty) */
    SM_ROME_T_TEXTS,    /* code, definition: sets a code's definition */
    SM_ROME_T_TITLES,   /* ogr, code, label, main (O/N), rare (O/N) */
    SM_ROME_T_LINKS,    /* ogr, esco_uri, relation (skos:exactMatch or exact, …) */
    SM_ROME_T_LABELS,   /* ogr, label: a skill or knowledge */
    SM_ROME_T_SKILLS,   /* code, kind (rubrique), ogr, core (Principale/Émergente or empty) */
    SM_ROME_T_MOVES,    /* code, target, rank */
    SM_ROME_T_COUNT
} sm_rome_table;

int sm_rome_builder_new(sm_rome_builder **out);
/* Adds one row of table t (fields as listed above); a malformed field is an error naming it. */
int sm_rome_add(sm_rome_builder *b, sm_rome_table t, const char *const *fields, sm_error *err);
/* Links the rows (every reference checked) into *out, freeing b. On error b is freed too. */
int sm_rome_finish(sm_rome_builder *b, sm_rome **out, sm_error *err);
void sm_rome_builder_free(sm_rome_builder *b);

/* Reads rome_codes.csv, rome_texts.csv (optional), rome_appellations.csv,
 * rome_esco_crosswalk.csv, rome_skill_labels.csv, rome_skills.csv and rome_mobility.csv
 * (optional) of dir. Errors name the file, record and line. */
int sm_rome_load_dir(const char *dir, sm_rome **out, sm_error *err);
void sm_rome_free(sm_rome *r);

size_t sm_rome_job_count(const sm_rome *r);
size_t sm_rome_title_count(const sm_rome *r);
size_t sm_rome_link_count(const sm_rome *r);
size_t sm_rome_label_count(const sm_rome *r);
size_t sm_rome_skill_count(const sm_rome *r);
size_t sm_rome_move_count(const sm_rome *r);
const sm_rome_job *sm_rome_job_at(const sm_rome *r, size_t i);
const sm_rome_title *sm_rome_title_at(const sm_rome *r, size_t i);
const sm_rome_link *sm_rome_link_at(const sm_rome *r, size_t i);
const sm_rome_skill *sm_rome_skill_at(const sm_rome *r, size_t i); /* a code's skills */
uint32_t sm_rome_move_at(const sm_rome *r, size_t i);              /* a job index */
/* Every skill label (OGR number, text), by number. */
void sm_rome_label_at(const sm_rome *r, size_t i, uint32_t *ogr, const char **label);
/* Index of a skill label (OGR number) among sm_rome_label_at's, or -1. */
long sm_rome_label_find(const sm_rome *r, uint32_t ogr);
/* Index of a code ("D1505", any case) or title (OGR number), or -1. */
long sm_rome_job_find(const sm_rome *r, const char *code);
long sm_rome_title_find(const sm_rome *r, uint32_t ogr);
/* The titles linked to the ESCO occupation uri: their indexes into out (at most cap), and how
 * many there are in all. */
size_t sm_rome_titles_of_occupation(const sm_rome *r, const char *uri, uint32_t *out, size_t cap);
/* Bytes held. */
size_t sm_rome_memory(const sm_rome *r);

#endif
