/*
 * digcomp.h: DigComp, the EU's digital competence framework, in the taxonomy.
 *
 * DigComp areas and competences get URIs of our own, stable across imports:
 *   urn:skillmatch:digcomp:area:<n>           (n = 1..5)
 *   urn:skillmatch:digcomp:competence:<n.m>   (e.g. 1.1 .. 5.4)
 * Each competence is narrower than its area. The 8 proficiency levels are
 * stored with sm_taxonomy_set_level.
 */
#ifndef SM_DIGCOMP_H
#define SM_DIGCOMP_H

#include "taxonomy/taxonomy.h"

#define SM_DIGCOMP_AREA_PREFIX "urn:skillmatch:digcomp:area:"
#define SM_DIGCOMP_COMPETENCE_PREFIX "urn:skillmatch:digcomp:competence:"

/*
 * Loads the DigComp 3.0 JSON-LD data supplement (areas, competences, the 8
 * proficiency levels, competence statements) from path into tx. Returns 0,
 * or an error with err naming the file and the @graph entry at fault
 * (SM_EPARSE, SM_EIO, SM_ENOMEM). Does not finalize.
 */
int sm_digcomp_load_jsonld(sm_taxonomy *tx, const char *path, sm_error *err);
/* As above over a buffer; name appears in messages. */
int sm_digcomp_load_jsonld_buffer(sm_taxonomy *tx, const char *name, const char *data, size_t len,
                                  sm_error *err);

#endif
