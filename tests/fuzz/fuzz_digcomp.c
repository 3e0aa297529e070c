/* fuzz_digcomp.c: libFuzzer target for the DigComp JSON-LD importer. */
#include "taxonomy/digcomp.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sm_taxonomy *tx = sm_taxonomy_new();
    sm_error err;
    if (sm_digcomp_load_jsonld_buffer(tx, "fuzz.jsonld", (const char *)data, size, &err) == SM_OK)
        sm_taxonomy_finalize(tx);
    sm_taxonomy_free(tx);
    return 0;
}
