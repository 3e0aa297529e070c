/* loader.c: sources of a taxonomy, read in order (see loader.h). */
#include "taxonomy/loader.h"
#include "taxonomy/base/clock.h"
#include "taxonomy/builtin.h"
#include "taxonomy/digcomp.h"

#include <string.h>
#include <time.h>

int sm_taxonomy_load(const sm_load_options *opts, sm_taxonomy **out, sm_load_report *report,
                     sm_error *err)
{
    double start = sm_now_s();
    *out = NULL;
    if (report)
        memset(report, 0, sizeof *report);
    sm_taxonomy *tx = sm_taxonomy_new();
    if (!tx)
        return sm_error_set(err, SM_ENOMEM, "taxonomy: out of memory");
    int rc = SM_OK;
    if (opts->esco_dir)
        rc = sm_esco_load(tx, opts->esco_dir, report ? &report->esco : NULL, err);
    if (rc == SM_OK && opts->digcomp_path)
        rc = sm_digcomp_load_jsonld(tx, opts->digcomp_path, err);
    if (rc == SM_OK)
        rc = sm_builtin_load(tx, err);
    if (rc == SM_OK && (rc = sm_taxonomy_finalize(tx)) != SM_OK)
        sm_error_set(err, rc, "taxonomy: %s while building indexes", sm_strerror(rc));
    if (rc != SM_OK) {
        sm_taxonomy_free(tx);
        return rc;
    }
    if (report)
        report->seconds = sm_now_s() - start;
    *out = tx;
    return SM_OK;
}
