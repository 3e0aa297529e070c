/*
 * cmd_extract.c: `skillmatch extract`, a stable line-oriented interface that
 * scripts outside the project rely on. One text per input line, one JSON
 * object per output line, in order, always aligned:
 *   {"skills":[{"uri":…,"label":…,"matched":…,"confidence":0.93,"spans":[[12,27]]}]}
 * An empty line gives {"skills":[]}; invalid UTF-8 gives
 * {"skills":[],"error":"invalid UTF-8 at byte N"}.
 *
 * --lang en|fr reads the text in that language, the other's labels as a fallback (as the API
 * does); without it (or with auto) both at once, as this interface always did.
 * --min-confidence drops results below it; 0 by default, since scripts rank what it gives
 * (the API, which answers people, drops below SM_EXTRACT_MIN_CONFIDENCE by default).
 */
#include "api/cli.h"
#include "api/jsonw.h"
#include "taxonomy/base/alloc.h"
#include "taxonomy/extract.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void write_results(jsonw *w, const sm_taxonomy *tx, const sm_extraction *x,
                          double min_confidence)
{
    jsonw_lit(w, "{\"skills\":[");
    for (size_t i = 0, shown = 0; i < sm_extraction_count(x); i++) {
        const sm_extracted *r = sm_extraction_get(x, i);
        if (sm_extract_shown(r->confidence) < min_confidence)
            continue;
        const char *label = sm_taxonomy_label_any(tx, r->concept, (sm_lang)r->lang);
        jsonw_lit(w, shown++ ? ",{\"uri\":" : "{\"uri\":");
        const char *uri = sm_taxonomy_uri(tx, r->concept);
        jsonw_string(w, uri, strlen(uri));
        jsonw_lit(w, ",\"label\":");
        jsonw_string(w, label, strlen(label));
        jsonw_lit(w, ",\"matched\":");
        jsonw_string(w, r->matched, r->matched_len);
        jsonw_lit(w, ",\"confidence\":");
        jsonw_fixed(w, r->confidence, 3);
        jsonw_lit(w, ",\"spans\":[");
        for (size_t k = 0; k < r->span_count; k++) {
            jsonw_lit(w, k ? ",[" : "[");
            jsonw_uint(w, r->spans[k].start);
            jsonw_lit(w, ",");
            jsonw_uint(w, r->spans[k].end);
            jsonw_lit(w, "]");
        }
        jsonw_lit(w, "]}");
    }
    jsonw_lit(w, "]}\n");
}

int sm_cmd_extract(int argc, char **argv)
{
    sm_load_options opts = {NULL, NULL};
    unsigned lang_mask = SM_LANG_MASK_ALL;
    long limit = 10;
    double min_confidence = 0;
    for (int i = 0; i < argc; i++) {
        int missing, taken = sm_cli_taxonomy_option("extract", argc, argv, &i, &opts);
        const char *v;
        if (taken < 0)
            return 2;
        if (taken)
            continue;
        if ((v = sm_cli_value("--lang", argc, argv, &i, &missing))) {
            if (strcmp(v, "en") == 0)
                lang_mask = SM_LANG_MASK_EN;
            else if (strcmp(v, "fr") == 0)
                lang_mask = SM_LANG_MASK_FR;
            else if (strcmp(v, "auto") == 0)
                lang_mask = SM_LANG_MASK_ALL;
            else {
                fprintf(stderr, "skillmatch extract: --lang must be en, fr or auto, not '%s'\n", v);
                return 2;
            }
        } else if ((v = sm_cli_value("--min-confidence", argc, argv, &i, &missing))) {
            char *end;
            min_confidence = strtod(v, &end);
            if (*v == '\0' || *end != '\0' || !(min_confidence >= 0 && min_confidence <= 1)) {
                fprintf(stderr,
                        "skillmatch extract: --min-confidence must be a number from 0 to "
                        "1, not '%s'\n",
                        v);
                return 2;
            }
        } else if ((v = sm_cli_value("--limit", argc, argv, &i, &missing))) {
            char *end;
            limit = strtol(v, &end, 10);
            if (*v == '\0' || *end != '\0' || limit < 1 || limit > SM_EXTRACT_MAX_LIMIT) {
                fprintf(stderr, "skillmatch extract: --limit must be an integer from 1 to %d\n",
                        SM_EXTRACT_MAX_LIMIT);
                return 2;
            }
        } else {
            if (missing)
                fprintf(stderr, "skillmatch extract: %s needs a value\n", argv[i]);
            else
                fprintf(stderr, "skillmatch extract: unknown option '%s'\n", argv[i]);
            return 2;
        }
    }
    sm_taxonomy *tx = sm_cli_load_taxonomy("extract", &opts, NULL);
    if (!tx)
        return 1;
    sm_error err = {0};
    sm_extractor *ex = NULL;
    if (sm_extractor_new(tx, &ex, &err) != SM_OK) {
        fprintf(stderr, "skillmatch extract: %s\n", err.message);
        sm_taxonomy_free(tx);
        return 1;
    }
    sm_extraction *x = sm_extraction_new(ex);
    if (!x) {
        fprintf(stderr, "skillmatch extract: out of memory\n");
        sm_extractor_free(ex);
        sm_taxonomy_free(tx);
        return 1;
    }
    /* Interactive callers (pipes, terminals) get each answer at once; files stream. */
    struct stat st;
    int flush_each = !(fstat(0, &st) == 0 && S_ISREG(st.st_mode));
    char *line = NULL;
    size_t cap = 0, line_no = 0;
    ssize_t got;
    jsonw w = {0};
    int status = 0;
    while ((got = getline(&line, &cap, stdin)) >= 0) {
        size_t len = (size_t)got;
        line_no++;
        if (len && line[len - 1] == '\n')
            len--;
        if (len && line[len - 1] == '\r')
            len--;
        jsonw_reset(&w);
        int rc = lang_mask == SM_LANG_MASK_ALL
                     ? sm_extract(x, line, len, lang_mask, (size_t)limit)
                     : sm_extract_in(x, line, len,
                                     lang_mask == SM_LANG_MASK_EN ? SM_LANG_EN : SM_LANG_FR, 1,
                                     (size_t)limit);
        if (rc >= 0)
            write_results(&w, tx, x, min_confidence);
        else if (rc == SM_EUTF8) {
            char msg[96];
            snprintf(msg, sizeof msg, "{\"skills\":[],\"error\":\"invalid UTF-8 at byte %zu\"}\n",
                     sm_extraction_error_offset(x));
            jsonw_lit(&w, msg);
        } else {
            char msg[160];
            snprintf(msg, sizeof msg, "{\"skills\":[],\"error\":\"%s\"}\n", sm_strerror(rc));
            jsonw_lit(&w, msg);
        }
        if (w.failed || fwrite(w.data, 1, w.len, stdout) != w.len) {
            fprintf(stderr, "skillmatch extract: stdin line %zu: cannot write output\n", line_no);
            status = 1;
            break;
        }
        if (flush_each)
            fflush(stdout);
    }
    if (ferror(stdin)) {
        fprintf(stderr, "skillmatch extract: error reading stdin after line %zu\n", line_no);
        status = 1;
    }
    if (fflush(stdout) != 0)
        status = 1;
    sm_free(line);
    jsonw_free(&w);
    sm_extraction_free(x);
    sm_extractor_free(ex);
    sm_taxonomy_free(tx);
    return status;
}
