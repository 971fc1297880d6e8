/*
 * cli.h — the commands of the sendcast command line (CONTRACT.md), one
 * function each, dispatched by src/main.c, and what they share.
 *
 * A command gets its own arguments (argv[0] is the command's name), returns a
 * status and fills the error; it prints its results itself, and main prints
 * the error and chooses the exit status. A command parses its options, then
 * calls the stages in order (read -> fit -> engine -> write for `run`);
 * it computes nothing itself.
 */
#ifndef SENDCAST_CLI_H
#define SENDCAST_CLI_H

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>

#include "sendcast/error.h"
#include "sendcast/scenario.h"

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
int sc_cli_init(int argc, char **argv, sc_error *e);
int sc_cli_calibrate(int argc, char **argv, sc_error *e);

/* ---- progress.c: progress on stderr ---- */

/* A bar with an ETA on a terminal, a line every few seconds otherwise (batch
 * logs), nothing when quiet. */
typedef struct sc_cli_progress {
    const char *what;       /* "simulating kirklees-clusters" */
    int tty;
    int quiet;
    double start, last;     /* omp_get_wtime() seconds */
} sc_cli_progress;

void sc_cli_progress_init(sc_cli_progress *p, const char *what, int quiet);
void sc_cli_progress_update(void *ctx, long done, long total);   /* an sc_progress_fn */

/* ---- options.c: the parsers every command shares ---- */

/* Called for each option getopt finds (its value in arg, NULL when it takes
 * none); returns SC_OK or SC_EINPUT with the message. */
typedef int (*sc_cli_option_fn)(int opt, const char *arg, void *ctx, sc_error *e);

/* getopt_long over argv[1..] with the short options `shorts` (getopt's
 * syntax, without the leading ':') and `longs`; each option goes to take().
 * An unknown option or one missing its value is SC_EINPUT naming it. On
 * success *operands is the index of the first operand (a file name). getopt's
 * state is reset first, so commands may be run one after another (tests). */
int sc_cli_getopt(int argc, char **argv, const char *shorts, const struct option *longs,
                  sc_cli_option_fn take, void *ctx, int *operands, sc_error *e);

/* A whole number from min to max, or SC_EINPUT naming the option. */
int sc_cli_parse_long(const char *arg, const char *what, long min, long max, long *out,
                      sc_error *e);
/* A seed, 0 to 2^64 - 1. */
int sc_cli_parse_seed(const char *arg, uint64_t *out, sc_error *e);

/* The options every simulating command takes: -n, -s, -t, -o, --force,
 * --quiet (long forms --trajectories, --seed, --threads, --output). */
typedef struct sc_cli_common {
    long trajectories;      /* 0: the scenario's */
    uint64_t seed;
    int seed_given;
    int threads;            /* 0: all cores */
    const char *output;     /* NULL: the command's default */
    int force, quiet;
} sc_cli_common;

#define SC_CLI_COMMON_SHORTS "n:s:t:o:"
#define SC_CLI_COMMON_LONGS                                                                 \
    {"trajectories", required_argument, NULL, 'n'}, {"seed", required_argument, NULL, 's'}, \
    {"threads", required_argument, NULL, 't'}, {"output", required_argument, NULL, 'o'},    \
    {"force", no_argument, NULL, 'f'}, {"quiet", no_argument, NULL, 'q'}

/* Take opt if it is one of the common options: SC_OK with *taken 1, or
 * SC_EINPUT for a bad value; *taken 0 otherwise. */
int sc_cli_common_option(int opt, const char *arg, sc_cli_common *c, int *taken, sc_error *e);

/* Read a scenario, with -n (when > 0) and -s (when given) in place of its
 * own trajectories and seed: part of reading it, before anything shares it.
 * The reader's warnings (implausible targets and rates) go to stderr. */
int sc_cli_read_scenario(const char *path, const sc_cli_common *c, sc_scenario **out,
                         sc_error *e);

#endif
