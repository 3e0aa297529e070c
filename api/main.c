/*
 * main.c: build/skillmatch, one binary with subcommands. This file only
 * dispatches; cli.c holds the option helpers the subcommands share.
 */
#include "api/cli.h"
#include "taxonomy/base/alloc.h"
#include "taxonomy/base/arena.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SM_VERSION "0.1.0"

static void usage(FILE *out)
{
    fprintf(out, "usage: skillmatch COMMAND [OPTIONS]\n"
                 "\n"
                 "commands:\n"
                 "  serve    [--listen 127.0.0.1:8080] [--db CONNINFO]\n"
                 "           [--retention-days 730] [--audit-days 365]\n"
                 "           load taxonomy, offers and profiles from PostgreSQL, serve the API\n"
                 "           (profiles unused that long are erased; audit entries purged)\n"
                 "  migrate  [--db CONNINFO]   apply the schema migrations (idempotent)\n"
                 "  import   esco DIR | digcomp FILE | builtin | places FILE | rome DIR\n"
                 "           | offers FILE --org NAME [--db CONNINFO]\n"
                 "           store a taxonomy source in PostgreSQL (idempotent)\n"
                 "  keys     create --org NAME --role admin|inclusion_org|training_provider\n"
                 "           | list | revoke ID [--db CONNINFO]   manage API keys\n"
                 "  extract  [--esco DIR] [--digcomp FILE] [--lang en|fr|auto] [--limit N]\n"
                 "           [--min-confidence X]\n"
                 "           read one text per line on stdin, write one JSON object per line\n"
                 "  taxonomy [--esco DIR] [--digcomp FILE] [--skill URI]\n"
                 "           load a taxonomy and print its statistics (or one skill) as JSON\n"
                 "  version  print the version\n"
                 "\n"
                 "Without --esco the built-in starter taxonomy is used. DIR is an ESCO CSV\n"
                 "export (directly or with en/ and fr/ subfolders). CONNINFO is a libpq\n"
                 "connection string; the default is $SKILLMATCH_DB, else libpq's PG* variables.\n");
}

/*
 * The in-memory index allocates all along while serving, and on virtual
 * machines the first touch of each 4 KiB page is a costly fault that shows
 * in write latency (bench/RESULTS.md: upsert p99 about 53 -> 40-47 us, build
 * 10% faster). glibc backs its heap with transparent huge pages when asked
 * at start, through a tunable its loader reads from the environment: serve
 * sets it and executes itself again, once. An explicit setting is kept.
 */
static void reexec_with_huge_pages(char **argv)
{
    const char *tunables = getenv("GLIBC_TUNABLES");
    if (tunables && strstr(tunables, "glibc.malloc.hugetlb"))
        return;
    char value[1024];
    int n = snprintf(value, sizeof value, "%s%sglibc.malloc.hugetlb=1", tunables ? tunables : "",
                     tunables && *tunables ? ":" : "");
    if (n < 0 || (size_t)n >= sizeof value || setenv("GLIBC_TUNABLES", value, 1) != 0)
        return;
    execv("/proc/self/exe", argv); /* returns only on failure: go on as we are */
}

int main(int argc, char **argv)
{
    /* jansson allocates through the seam too, and from the request's arena while a request
     * is worked out (taxonomy/base/arena.h); set once, before any thread starts. */
    json_set_alloc_funcs(sm_json_malloc, sm_json_free);
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "extract") == 0)
        return sm_cmd_extract(argc - 2, argv + 2);
    if (strcmp(cmd, "serve") == 0) {
        reexec_with_huge_pages(argv);
        return sm_cmd_serve(argc - 2, argv + 2);
    }
    if (strcmp(cmd, "taxonomy") == 0)
        return sm_cmd_taxonomy(argc - 2, argv + 2);
    if (strcmp(cmd, "migrate") == 0)
        return sm_cmd_migrate(argc - 2, argv + 2);
    if (strcmp(cmd, "import") == 0)
        return sm_cmd_import(argc - 2, argv + 2);
    if (strcmp(cmd, "keys") == 0)
        return sm_cmd_keys(argc - 2, argv + 2);
    if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
        printf("skillmatch %s\n", SM_VERSION);
        return 0;
    }
    if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        usage(stdout);
        return 0;
    }
    fprintf(stderr, "skillmatch: unknown command '%s'\n", cmd);
    usage(stderr);
    return 2;
}
