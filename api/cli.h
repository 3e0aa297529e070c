/*
 * cli.h: the subcommands of build/skillmatch. Each takes the arguments after
 * its name and returns the process exit status: 0 success, 1 failure (a
 * message on stderr naming the file and place), 2 bad usage.
 */
#ifndef SM_CLI_H
#define SM_CLI_H

#include "taxonomy/loader.h"

int sm_cmd_extract(int argc, char **argv);
int sm_cmd_serve(int argc, char **argv);
int sm_cmd_taxonomy(int argc, char **argv);
int sm_cmd_migrate(int argc, char **argv);
int sm_cmd_import(int argc, char **argv);
int sm_cmd_keys(int argc, char **argv);

/*
 * Parses the taxonomy options shared by subcommands (--esco DIR,
 * --digcomp FILE) at argv[*i]; returns 1 when it consumed one, 0 when the
 * argument is not one of them, -1 (message printed) when its value is missing.
 */
int sm_cli_taxonomy_option(const char *cmd, int argc, char **argv, int *i, sm_load_options *opts);
/* Loads the taxonomy, printing what went wrong; NULL on failure. */
sm_taxonomy *sm_cli_load_taxonomy(const char *cmd, const sm_load_options *opts,
                                  sm_load_report *report);
/* Value of option name at argv[*i] ("--name VALUE" or "--name=VALUE"), else NULL. */
const char *sm_cli_value(const char *name, int argc, char **argv, int *i, int *missing);

#endif
