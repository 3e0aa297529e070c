/*
 * esco.h: the importer of ESCO's official CSV export (v1.1.x).
 *
 * sm_esco_load reads a directory holding the export's files, directly or in
 * en/ and fr/ subfolders: concept files (skills, skill groups, occupations,
 * ISCO groups) in English and French, the relation files (skill pillar and
 * occupation pillar hierarchy, skill-skill, occupation-skill), the
 * collections (digital, transversal, language, green, DigComp) and the French
 * label file skills_fr_labels.csv. Files are parsed by header name; a missing
 * optional file is skipped, a skills file (skills_en.csv or skills_fr.csv) is
 * required. It does not finalize the taxonomy.
 */
#ifndef SM_ESCO_H
#define SM_ESCO_H

#include "taxonomy/taxonomy.h"

typedef struct sm_esco_stats {
    size_t files;   /* files read */
    size_t records; /* data records read, all files */
    size_t bytes;   /* bytes read */
} sm_esco_stats;

/*
 * Loads the export in dir into tx. Returns 0, or an error with err naming the
 * file, record and column (SM_EPARSE, SM_EUTF8, SM_EIO, SM_ENOMEM). On error
 * tx holds what was read before the failing record: callers discard it.
 */
int sm_esco_load(sm_taxonomy *tx, const char *dir, sm_esco_stats *stats, sm_error *err);

/* Whether dir looks like an ESCO export (has a skills file). */
int sm_esco_dir_ok(const char *dir);

/*
 * Splits a multi-value field on sep (e.g. "\n" or " | ") and calls fn for each
 * trimmed, non-empty part. Returns the first non-zero result of fn, or 0.
 */
int sm_split_values(sm_str field, const char *sep, int (*fn)(void *ctx, sm_str part), void *ctx);

#endif
