/*
 * loader.h: assembling a ready taxonomy from its sources, in a fixed order:
 * the ESCO export (optional), the DigComp JSON-LD supplement (optional),
 * then our built-in starter taxonomy, then finalize.
 */
#ifndef SM_LOADER_H
#define SM_LOADER_H

#include "taxonomy/esco.h"
#include "taxonomy/taxonomy.h"

typedef struct sm_load_options {
    const char *esco_dir;     /* NULL: no ESCO */
    const char *digcomp_path; /* NULL: no DigComp JSON-LD (the built-in DigComp is always there) */
} sm_load_options;

typedef struct sm_load_report {
    sm_esco_stats esco;
    double seconds; /* wall time of the whole load, finalize included */
} sm_load_report;

/*
 * Builds and finalizes a taxonomy. Returns 0 with *out owning it (free with
 * sm_taxonomy_free), or an error with err naming the file and place; *out is
 * NULL on error. report may be NULL.
 */
int sm_taxonomy_load(const sm_load_options *opts, sm_taxonomy **out, sm_load_report *report,
                     sm_error *err);

#endif
