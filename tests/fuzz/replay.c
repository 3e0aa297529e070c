/*
 * replay.c: runs a fuzz target over files without libFuzzer, so `make test`
 * replays the committed corpus under ASan/UBSan with gcc. Each file is one
 * test; a crash or sanitizer report ends the run, and the suite line is then
 * missing, which tests/run.sh counts as a failure.
 *
 * Usage: replay_<target> NAME FILE...
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: replay NAME FILE...\n");
        return 2;
    }
    int passed = 0, failed = 0;
    for (int i = 2; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (!f) {
            perror(argv[i]);
            failed++;
            continue;
        }
        fseek(f, 0, SEEK_END);
        long size = ftell(f);
        fseek(f, 0, SEEK_SET);
        uint8_t *data = malloc(size > 0 ? (size_t)size : 1);
        size_t got = fread(data, 1, (size_t)size, f);
        fclose(f);
        LLVMFuzzerTestOneInput(data, got);
        free(data);
        passed++;
    }
    printf("  %s  %s: %d corpus inputs replayed, %d unreadable\n", failed ? "FAIL" : "ok  ",
           argv[1], passed, failed);
    printf("%s: %d passed, %d failed, 0 skipped\n", argv[1], failed ? 0 : 1, failed ? 1 : 0);
    return failed ? 1 : 0;
}
