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
#include "sendcast/whatif.h"

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
int sc_cli_sweep(int argc, char **argv, sc_error *e);
int sc_cli_goalseek(int argc, char **argv, sc_error *e);
int sc_cli_attribute(int argc, char **argv, sc_error *e);
int sc_cli_sensitivity(int argc, char **argv, sc_error *e);
int sc_cli_budgets(int argc, char **argv, sc_error *e);
int sc_cli_distribution(int argc, char **argv, sc_error *e);

/* ---- progress.c: progress on stderr ---- */

/* A bar with an ETA on a terminal, a line every few seconds otherwise (batch
 * logs), nothing when quiet. */
typedef struct sc_cli_progress {
    const char *what;       /* what the bar says: base, or label */
    char base[256];         /* "simulating kirklees-clusters" */
    char label[512];        /* base and the pass under way (sc_cli_progress_pass) */
    int tty;
    int quiet;
    double start, last;     /* omp_get_wtime() seconds */
} sc_cli_progress;

void sc_cli_progress_init(sc_cli_progress *p, const char *what, int quiet);
void sc_cli_progress_update(void *ctx, long done, long total);   /* an sc_progress_fn */
/* A new run begins (a sweep's point, a goal seek's run): the bar restarts
 * under this label (whatif.h's note). */
void sc_cli_progress_note(void *ctx, const char *what);
/* A new pass of the same run begins (engine.h's pass_note): the bar restarts
 * as "<what it said>, pass 2 of up to 3: ...". */
void sc_cli_progress_pass(void *ctx, const char *pass);

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
    /* --set PATH=VALUE, in order (commands that take it: SC_CLI_SET_LONG);
     * sc_cli_common_clear frees them. */
    sc_scenario_edit *sets;
    int nsets;
} sc_cli_common;

#define SC_CLI_COMMON_SHORTS "n:s:t:o:"
#define SC_CLI_COMMON_LONGS                                                                 \
    {"trajectories", required_argument, NULL, 'n'}, {"seed", required_argument, NULL, 's'}, \
    {"threads", required_argument, NULL, 't'}, {"output", required_argument, NULL, 'o'},    \
    {"force", no_argument, NULL, 'f'}, {"quiet", no_argument, NULL, 'q'}

/* --set PATH=VALUE (docs/scenario.md, "Overrides"), for the commands that
 * read scenarios to run them: the option SC_CLI_OPT_SET that sc_cli_common_option takes. */
#define SC_CLI_OPT_SET 0x101   /* past every char: no short option or other long one clashes */
#define SC_CLI_SET_LONG {"set", required_argument, NULL, SC_CLI_OPT_SET}
#define SC_CLI_MAX_SETS 64

/* Take opt if it is one of the common options (or --set): SC_OK with *taken
 * 1, or SC_EINPUT for a bad value; *taken 0 otherwise. */
int sc_cli_common_option(int opt, const char *arg, sc_cli_common *c, int *taken, sc_error *e);
/* Append one --set PATH=VALUE to c (SC_EINPUT: malformed, or too many). */
int sc_cli_add_set(sc_cli_common *c, const char *arg, sc_error *e);
void sc_cli_common_clear(sc_cli_common *c);

/* The settings of a sweep, goal seek or attribution from the common options:
 * -n, -s, -t (threads, already resolved: all cores when not given), the
 * --set overrides, --memory, every MPI rank, and progress shown through p. */
void sc_cli_whatif_settings(const sc_cli_common *c, int threads, long memory_mb,
                            sc_cli_progress *p, sc_whatif_settings *w);
/* What a sweep or a goal seek does first: read the scenario (with -n, -s and
 * --set), name its file (-o, else results/<name><suffix>.h5), check that it
 * and csv (when given) can be written, and set the threads (-t, else all
 * cores) into *threads and OpenMP's. *s is the caller's to free. */
int sc_cli_whatif_start(const char *scenario, const sc_cli_common *c, const char *suffix,
                        const char *csv, sc_scenario **s, char *outpath, size_t size,
                        int *threads, sc_error *e);
/* Each path given (NULL skipped) can be written: no two the same, none one
 * of the files of the scenarios s[0..ns) (sc_write_check_target on rank 0,
 * agreed among the ranks). */
int sc_cli_check_outputs(const char *const *paths, int n, int force,
                         const sc_scenario *const *s, int ns, sc_error *e);

/* "sendcast ARGS..." into buf (cut with "..." when it does not fit): the
 * command line a file records. */
void sc_cli_command_line(int argc, char **argv, char *buf, size_t size);

/* The folder of --charts DIR: made (one level) when missing; SC_EINPUT when
 * DIR is something else, SC_EFAIL when it cannot be made. */
/* After getopt (sc_cli_getopt's *first): exactly one operand, a `kind`
 * ("scenario", "result") file, else SC_EINPUT "COMMAND: expected one KIND
 * file" (", got several" when there are more). */
int sc_cli_expect_one(int argc, int first, const char *command, const char *kind, sc_error *e);

/* The outputs of a command that reads one result file and writes a CSV
 * and/or charts into a folder (either may be NULL): each may be written
 * (outfile.h: never the result, never without replace when it exists; the
 * charts' folder must be a folder when it exists), checked before any work. */
int sc_cli_check_result_outputs(const char *result, const char *csv, const char *charts,
                                int replace,
                         sc_error *e);
int sc_cli_make_folder(const char *dir, sc_error *e);

/* Read a scenario, with -n (when > 0) and -s (when given) in place of its
 * own trajectories and seed, and every --set applied as it is read (the
 * scenario is then read-only like any other): part of reading it, before
 * anything shares it. extra (nextra of them) are applied after c's. The
 * reader's warnings (implausible targets and rates) go to stderr. */
int sc_cli_read_scenario(const char *path, const sc_cli_common *c, sc_scenario **out,
                         sc_error *e);
int sc_cli_read_scenario_with(const char *path, const sc_cli_common *c,
                              const sc_scenario_edit *extra, int nextra, sc_scenario **out,
                              sc_error *e);

#endif
