/*
 * cli.h — the commands of the sendcast command line (CONTRACT.md), one
 * function each, dispatched by src/main.c.
 *
 * A command gets its own arguments (argv[0] is the command's name), returns a
 * status and fills the error; it prints its results itself, and main prints
 * the error and chooses the exit status.
 */
#ifndef SENDCAST_CLI_H
#define SENDCAST_CLI_H

#include <stdio.h>

#include "sendcast/error.h"
#include "sendcast/scenario.h"
#include "sendcast/simulate.h"

typedef struct sc_cli_command {
    const char *name;
    int (*fn)(int argc, char **argv, sc_error *e);
    const char *usage;      /* lines for --help */
} sc_cli_command;

int sc_cli_run(int argc, char **argv, sc_error *e);
int sc_cli_export(int argc, char **argv, sc_error *e);
int sc_cli_compare(int argc, char **argv, sc_error *e);
int sc_cli_report(int argc, char **argv, sc_error *e);
int sc_cli_fit(int argc, char **argv, sc_error *e);
int sc_cli_backtest(int argc, char **argv, sc_error *e);

/* Progress on stderr: a bar with an ETA on a terminal, a line every few
 * seconds otherwise (batch logs), nothing when quiet. */
typedef struct sc_cli_progress {
    const char *what;       /* "simulating kirklees-clusters" */
    int tty;
    int quiet;
    double start, last;     /* omp_get_wtime() seconds */
} sc_cli_progress;

void sc_cli_progress_init(sc_cli_progress *p, const char *what, int quiet);
void sc_cli_progress_update(void *ctx, long done, long total);   /* an sc_progress_fn */

/* Parsing helpers shared by the commands: SC_EINPUT with a clear message. */
int sc_cli_parse_long(const char *arg, const char *what, long min, long max, long *out,
                      sc_error *e);
int sc_cli_parse_seed(const char *arg, uint64_t *out, sc_error *e);

/* Read a scenario and apply -n (when > 0) and -s (when seed_given). */
int sc_cli_read_scenario(const char *path, long trajectories, int seed_given, uint64_t seed,
                         sc_scenario **out, sc_error *e);

#endif
