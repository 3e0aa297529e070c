/* fuzz_places.c: libFuzzer target for the communes importer and the lookups over what it
 * loaded: any bytes, never a crash. The input's last line (after the last '\n') is also
 * looked up as a name, a postcode and an autocomplete query. */
#include "taxonomy/places.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sm_places *p = NULL;
    sm_error err;
    if (sm_places_load_buffer("fuzz.csv", (const char *)data, size, &p, &err) != SM_OK)
        return 0;
    const char *text = (const char *)data, *nl = memrchr(text, '\n', size);
    size_t from = nl ? (size_t)(nl - text) + 1 : 0, len = size - from;
    char *q = malloc(len + 1);
    if (q) {
        memcpy(q, text + from, len);
        q[len] = '\0';
        const sm_commune *out[16];
        sm_places_named(p, q, NULL, out, 16);
        sm_places_named(p, q, "59", out, 16);
        sm_places_postcode(p, q, out, 16);
        sm_places_complete(p, q, out, 16);
        sm_places_insee(p, q);
        free(q);
    }
    sm_places_free(p);
    return 0;
}
