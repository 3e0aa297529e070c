/*
 * fuzz_extract.c: libFuzzer target for extraction over the built-in
 * taxonomy: any bytes as text, never a crash, spans always inside the text.
 */
#include "taxonomy/extract.h"
#include "taxonomy/loader.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static sm_taxonomy *tx;
static sm_extractor *ex;
static sm_extraction *x;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!x) {
        sm_load_options opts = {NULL, NULL};
        sm_error err;
        if (sm_taxonomy_load(&opts, &tx, NULL, &err) != SM_OK ||
            sm_extractor_new(tx, &ex, &err) != SM_OK || !(x = sm_extraction_new(ex)))
            abort();
    }
    unsigned lang = size ? (data[0] % 4) : 3;
    int n = sm_extract(x, (const char *)data, size, lang, 1 + (size % 20));
    for (int i = 0; i < n; i++) {
        const sm_extracted *r = sm_extraction_get(x, (size_t)i);
        if (r->confidence < 0 || r->confidence > 1)
            abort();
        for (size_t k = 0; k < r->span_count; k++)
            if (r->spans[k].start >= r->spans[k].end || r->spans[k].end > size)
                abort();
    }
    return 0;
}
