/*
 * main.c: build/skillmatch, one binary with subcommands. This file only
 * dispatches and holds the option helpers the subcommands share.
 */
#include "api/cli.h"

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
                 "           load taxonomy, offers and profiles from PostgreSQL, serve the API\n"
                 "  migrate  [--db CONNINFO]   apply the schema migrations (idempotent)\n"
                 "  import   esco DIR | digcomp FILE | builtin [--db CONNINFO]\n"
                 "           store a taxonomy source in PostgreSQL (idempotent)\n"
                 "  keys     create --org NAME --role admin|inclusion_org|training_provider\n"
                 "           | list | revoke ID [--db CONNINFO]   manage API keys\n"
                 "  extract  [--esco DIR] [--digcomp FILE] [--lang en|fr|auto] [--limit N]\n"
                 "           read one text per line on stdin, write one JSON object per line\n"
                 "  taxonomy [--esco DIR] [--digcomp FILE] [--skill URI]\n"
                 "           load a taxonomy and print its statistics (or one skill) as JSON\n"
                 "  version  print the version\n"
                 "\n"
                 "Without --esco the built-in starter taxonomy is used. DIR is an ESCO CSV\n"
                 "export (directly or with en/ and fr/ subfolders). CONNINFO is a libpq\n"
                 "connection string; the default is $SKILLMATCH_DB, else libpq's PG* variables.\n");
}

const char *sm_cli_value(const char *name, int argc, char **argv, int *i, int *missing)
{
    size_t n = strlen(name);
    const char *arg = argv[*i];
    *missing = 0;
    if (strncmp(arg, name, n) != 0)
        return NULL;
    if (arg[n] == '=')
        return arg + n + 1;
    if (arg[n] != '\0')
        return NULL;
    if (*i + 1 >= argc) {
        *missing = 1;
        return NULL;
    }
    return argv[++*i];
}

int sm_cli_taxonomy_option(const char *cmd, int argc, char **argv, int *i, sm_load_options *opts)
{
    int missing;
    const char *v;
    if ((v = sm_cli_value("--esco", argc, argv, i, &missing))) {
        opts->esco_dir = v;
        return 1;
    }
    if (missing) {
        fprintf(stderr, "skillmatch %s: --esco needs a directory\n", cmd);
        return -1;
    }
    if ((v = sm_cli_value("--digcomp", argc, argv, i, &missing))) {
        opts->digcomp_path = v;
        return 1;
    }
    if (missing) {
        fprintf(stderr, "skillmatch %s: --digcomp needs a file\n", cmd);
        return -1;
    }
    return 0;
}

sm_taxonomy *sm_cli_load_taxonomy(const char *cmd, const sm_load_options *opts,
                                  sm_load_report *report)
{
    sm_error err = {0, ""};
    sm_taxonomy *tx = NULL;
    if (sm_taxonomy_load(opts, &tx, report, &err) != SM_OK) {
        fprintf(stderr, "skillmatch %s: %s\n", cmd, err.message);
        return NULL;
    }
    return tx;
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
