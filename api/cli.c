/* cli.c: the option helpers the subcommands share (see cli.h). */
#include "api/cli.h"

#include <stdio.h>
#include <string.h>

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
    sm_error err = {0};
    sm_taxonomy *tx = NULL;
    if (sm_taxonomy_load(opts, &tx, report, &err) != SM_OK) {
        fprintf(stderr, "skillmatch %s: %s\n", cmd, err.message);
        return NULL;
    }
    return tx;
}
