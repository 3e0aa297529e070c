/*
 * builtin.h: skillmatch's own starter taxonomy, compiled into the binary.
 *
 * taxonomy/data/ holds tab-separated files written by us: DigComp's areas,
 * competences and levels with French and English labels, and the everyday
 * digital skills inclusion jobs ask for, each with labels, synonyms and
 * descriptions in both languages, linked to an ESCO URI where one exists
 * (then the row adds to that ESCO concept) and to DigComp competences.
 * Rows without an ESCO URI get urn:skillmatch:skill:<key>. A DigComp
 * competence row may name its twin in ESCO's DigComp collection: when ESCO is
 * loaded, the twin is linked to the competence (SM_REL_DIGCOMP).
 */
#ifndef SM_BUILTIN_H
#define SM_BUILTIN_H

#include "taxonomy/taxonomy.h"

#define SM_BUILTIN_SKILL_PREFIX "urn:skillmatch:skill:"

/*
 * Loads the built-in files into tx (after ESCO, if ESCO is loaded: ESCO's
 * preferred labels stay preferred and ours become alternatives). Returns 0 or
 * an error naming the file and line. Does not finalize.
 */
int sm_builtin_load(sm_taxonomy *tx, sm_error *err);

/*
 * Loads one file in the built-in format from memory; name selects the format
 * (a name ending in "levels.tsv" holds levels) and appears in messages.
 */
int sm_builtin_load_buffer(sm_taxonomy *tx, const char *name, const char *data, size_t len,
                           sm_error *err);

#endif
