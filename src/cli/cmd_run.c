/*
 * cmd_run.c — `sendcast run`: the architecture in one function (sc_cli_run).
 *
 *   read the scenario -> fit its parameters -> the engine simulates and
 *   summarises -> write the HDF5 file (and print the table) -> free, in
 *   reverse order.
 *
 * Each step is one call into its stage; this file only parses options and
 * keeps the order. With --trajectory I --trace FILE.csv the engine replays
 * one trajectory instead.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <omp.h>

#include "sendcast/cli.h"
#include "sendcast/engine.h"
#include "sendcast/fit.h"
#include "sendcast/outfile.h"
#include "sendcast/params.h"
#include "sendcast/ranks.h"
#include "sendcast/scenario.h"
#include "sendcast/summary.h"
#include "sendcast/table.h"
#include "sendcast/text.h"
#include "sendcast/write.h"

typedef struct run_options {
    const char *scenario;
    sc_cli_common common;   /* -n -s -t -o --force --quiet */
    long trajectory;        /* --trajectory I: replay I alone (-1: a full run) */
    long memory_mb;         /* --memory MB: keep every record only below this */
    double rank_error;      /* --rank-error E (0: --exact-percentiles): bounded summaries */
    const char *trace;      /* --trace FILE.csv */
} run_options;

/* --rank-error: a share of the trajectories, 0 (exact) to 0.01. */
static int parse_rank_error(const char *arg, double *out, sc_error *e)
{
    char *end;
    errno = 0;
    double v = strtod(arg, &end);
    if (errno || end == arg || *end || !(v >= 0 && v <= 0.01))
        return SC_ERROR(e, SC_EINPUT, "--rank-error: expected a number from 0 (exact) to 0.01, "
                        "got \"%s\"", arg);
    *out = v;
    return SC_OK;
}

static int take_option(int c, const char *arg, void *ctx, sc_error *e)
{
    run_options *o = ctx;
    int taken, st = sc_cli_common_option(c, arg, &o->common, &taken, e);
    if (taken)
        return st;
    switch (c) {
    case 'I': return sc_cli_parse_long(arg, "--trajectory", 0, LONG_MAX, &o->trajectory, e);
    case 'T': o->trace = arg; return SC_OK;
    case 'M': return sc_cli_parse_long(arg, "--memory", 1, 1L << 40, &o->memory_mb, e);
    case 'X': o->rank_error = 0; return SC_OK;
    case 'R': return parse_rank_error(arg, &o->rank_error, e);
    default: return SC_NEVER(e);
    }
}

static int parse_run_options(int argc, char **argv, run_options *o, sc_error *e)
{
    static const struct option longs[] = {
        SC_CLI_COMMON_LONGS,
        {"trajectory", required_argument, NULL, 'I'}, {"trace", required_argument, NULL, 'T'},
        {"memory", required_argument, NULL, 'M'},
        {"exact-percentiles", no_argument, NULL, 'X'},
        {"rank-error", required_argument, NULL, 'R'},
        {NULL, 0, NULL, 0}};
    memset(o, 0, sizeof *o);
    o->trajectory = -1;
    o->memory_mb = SC_ENGINE_MEMORY_MB;
    o->rank_error = SC_SUMMARY_RANK_ERROR;
    int first, st = sc_cli_getopt(argc, argv, SC_CLI_COMMON_SHORTS, longs, take_option, o,
                                  &first, e);
    if (st)
        return st;
    if (first != argc - 1)
        return SC_ERROR(e, SC_EINPUT, "run: expected one scenario file%s",
                        first < argc - 1 ? ", got several" : "");
    o->scenario = argv[first];
    if ((o->trajectory >= 0) != (o->trace != NULL))
        return SC_ERROR(e, SC_EINPUT, "--trajectory I and --trace FILE.csv go together");
    return SC_OK;
}

static void run_info_fill(sc_run_info *run, const sc_scenario *s, int threads, double seconds,
                          int argc, char **argv)
{
    memset(run, 0, sizeof *run);
    run->seed = s->seed;
    run->trajectories = s->trajectories;
    run->threads = threads;
    run->seconds = seconds;
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(run->created_utc, sizeof run->created_utc, "%Y-%m-%dT%H:%M:%SZ", &tm);
    sc_sha256_hex(s->files[0].text, s->files[0].len, run->scenario_sha256);
    size_t used = (size_t)snprintf(run->command_line, sizeof run->command_line, "sendcast");
    for (int i = 0; i < argc; i++)
        if (sc_text_append(run->command_line, sizeof run->command_line, &used, " ", argv[i]))
            break;
}

/* --trajectory I --trace FILE: trajectory I alone, its every draw and state,
 * written whole or not at all (outfile.h). */
static int replay(const sc_scenario *s, const sc_params *p, const run_options *o, sc_error *e)
{
    int st = sc_write_check_target(o->trace, o->common.force, s, e);
    sc_outfile out;
    if (st == SC_OK)
        st = sc_outfile_begin(&out, o->trace, 1, e);
    if (st != SC_OK)
        return st;
    st = sc_engine_trace(s, p, s->seed, o->trajectory, out.f, e);
    if (st == SC_OK)
        st = sc_outfile_commit(&out, o->common.force, e);
    else
        sc_outfile_abort(&out);
    if (st == SC_OK && !o->common.quiet)
        printf("Wrote %s: trajectory %ld of %s (seed %" PRIu64 "), every draw and state.\n",
               o->trace, o->trajectory, s->name, s->seed);
    return st;
}

/* The table, then what was written (rank 0, unless --quiet). */
static void print_summary(const sc_scenario *s, const sc_summary *sum, const char *outpath,
                          int threads, double seconds)
{
    sc_layout layout;
    sc_layout_init(&layout, s);
    sc_table_print(stdout, s, &layout, sum);
    char procs[32] = "";
    if (sc_ranks_size() > 1)
        snprintf(procs, sizeof procs, " x %d MPI ranks", sc_ranks_size());
    if (sc_summary_rank_error(sum) > 0)
        printf("Percentiles in bounded memory, one pass: each within %.1e of its rank "
               "(--exact-percentiles: exact, with a second pass).\n",
               sc_summary_rank_error(sum));
    printf("\nWrote %s (%ld trajectories, seed %" PRIu64 ", %d threads%s, %.2f s).\n",
           outpath, s->trajectories, s->seed, threads, procs, seconds);
}

int sc_cli_run(int argc, char **argv, sc_error *e)
{
    run_options o;
    sc_scenario *s = NULL;
    sc_params *p = NULL;
    sc_summary *sum = NULL;
    char outpath[4096];
    const int root = sc_ranks_rank() == 0;
    int st = parse_run_options(argc, argv, &o, e);
    if (st)
        return st;

    /* 1. Read the scenario (with -n and -s in place of its own). */
    if ((st = sc_cli_read_scenario(o.scenario, &o.common, &s, e)))
        return st;
    if (o.common.output)
        snprintf(outpath, sizeof outpath, "%s", o.common.output);
    else
        snprintf(outpath, sizeof outpath, "results/%s.h5", s->name);
    int threads = o.common.threads ? o.common.threads : omp_get_num_procs();
    omp_set_num_threads(threads);   /* -t governs the writer's compression too */
    if (!o.trace)
        st = sc_ranks_agree(root ? sc_write_check_target(outpath, o.common.force, s, e) : SC_OK,
                            e);

    /* 2. Fit: every dist: fit from history, into the run's parameters. */
    if (!st)
        st = sc_fit_params(s, 0, &p, NULL, e);
    if (!st && o.trace) {
        st = root ? replay(s, p, &o, e) : SC_OK;
        goto done;
    }

    /* 3. The engine: simulate and summarise, every rank its share. */
    char what[SC_ID_MAX + 16];
    snprintf(what, sizeof what, "simulating %s", s->name);
    sc_cli_progress progress;
    sc_cli_progress_init(&progress, what, o.common.quiet || !root);
    sc_engine_options eo;
    sc_engine_options_init(&eo, s);
    eo.threads = threads;
    eo.memory_mb = o.memory_mb;
    eo.rank_error = o.rank_error;
    eo.distribute = 1;
    eo.progress = sc_cli_progress_update;
    eo.progress_ctx = &progress;
    double t0 = omp_get_wtime();
    if (!st)
        st = sc_engine_run(s, p, &eo, &sum, e);
    if (st || !root)
        goto done;
    double seconds = omp_get_wtime() - t0;

    /* 4. Write the file, then say what it holds. */
    sc_run_info run;
    run_info_fill(&run, s, threads, seconds, argc, argv);
    if ((st = sc_write_h5(outpath, o.common.force, s, p, sum, &run, e)))
        goto done;
    if (!o.common.quiet)
        print_summary(s, sum, outpath, threads, seconds);
done:
    if (st != SC_OK)
        SC_CONTEXT(e, "while running %s", o.scenario);
    sc_summary_free(sum);
    sc_params_free(p);
    sc_scenario_free(s);
    return st;
}
