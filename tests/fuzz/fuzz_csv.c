/* fuzz_csv.c: libFuzzer target for the CSV reader: any bytes, never a crash. */
#include "taxonomy/csv.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sm_csv *csv = NULL;
    sm_error err;
    if (sm_csv_open_buffer(&csv, "fuzz.csv", (const char *)data, size, &err) != SM_OK)
        return 0;
    int col = sm_csv_column(csv, "conceptUri");
    while (sm_csv_next(csv, &err) == 1) {
        sm_str f = sm_csv_field(csv, col);
        if (f.len && f.ptr[0] == '\0' && f.ptr[f.len - 1] == '\1')
            break; /* touch the field so it is read */
    }
    sm_csv_free(csv);
    return 0;
}
