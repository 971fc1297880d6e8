/*
 * cmd_run.c — `sendcast run`: the architecture in one function (sc_cli_run).
 *
 *   read the scenario -> fit its parameters -> the engine simulates and
 *   summarises -> write the HDF5 file (and print the table) -> free, in
 *   reverse order.
 *
 * Each step is one call into its stage; this file only parses options and
 * keeps the order. After the engine, sc_sens_collect keeps what sensitivity
 * and budgets read (the parameter draws, the layered fan), written into the
 * same file. With --trajectory I --trace FILE.csv the engine replays
 * one trajectory instead. --set PATH=VALUE changes the scenario as it is
 * read (docs/scenario.md, "Overrides"); several scenario files are read
 * (and checked) first, then run one after another, each to its own file.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <omp.h>

#include "sendcast/alloc.h"
#include "sendcast/cli.h"
#include "sendcast/engine.h"
#include "sendcast/fit.h"
#include "sendcast/outfile.h"
#include "sendcast/params.h"
#include "sendcast/ranks.h"
#include "sendcast/scenario.h"
#include "sendcast/sensitivity.h"
#include "sendcast/summary.h"
#include "sendcast/table.h"
#include "sendcast/text.h"
#include "sendcast/write.h"

typedef struct run_options {
    const char *const *scenarios;   /* one or more scenario files */
    int nscenarios;
    sc_cli_common common;   /* -n -s -t -o --force --quiet --set */
    long trajectory;        /* --trajectory I: replay I alone (-1: a full run) */
    long memory_mb;         /* --memory MB: keep every record only below this */
    double rank_error;      /* --rank-error E (0: --exact-percentiles): bounded summaries */
    const char *trace;      /* --trace FILE.csv */
    long sample;            /* --sample M: the layered fan's run, a bounded run's draws */
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
    case 'P': return sc_cli_parse_long(arg, "--sample", 0, LONG_MAX, &o->sample, e);
    default: return SC_NEVER(e);
    }
}

static int parse_run_options(int argc, char **argv, run_options *o, sc_error *e)
{
    static const struct option longs[] = {
        SC_CLI_COMMON_LONGS, SC_CLI_SET_LONG,
        {"trajectory", required_argument, NULL, 'I'}, {"trace", required_argument, NULL, 'T'},
        {"memory", required_argument, NULL, 'M'},
        {"exact-percentiles", no_argument, NULL, 'X'},
        {"rank-error", required_argument, NULL, 'R'},
        {"sample", required_argument, NULL, 'P'},
        {NULL, 0, NULL, 0}};
    memset(o, 0, sizeof *o);
    o->trajectory = -1;
    o->memory_mb = SC_ENGINE_MEMORY_MB;
    o->rank_error = SC_SUMMARY_RANK_ERROR;
    o->sample = SC_SENS_SAMPLE;
    int first, st = sc_cli_getopt(argc, argv, SC_CLI_COMMON_SHORTS, longs, take_option, o,
                                  &first, e);
    if (st)
        return st;
    if (first >= argc)
        return SC_ERROR(e, SC_EINPUT, "run: expected a scenario file (or several)");
    o->scenarios = (const char *const *)argv + first;
    o->nscenarios = argc - first;
    if ((o->trajectory >= 0) != (o->trace != NULL))
        return SC_ERROR(e, SC_EINPUT, "--trajectory I and --trace FILE.csv go together");
    if (o->nscenarios > 1 && (o->trace || o->common.output))
        return SC_ERROR(e, SC_EINPUT, "run: %s takes one scenario file; with several, each "
                        "result goes to results/<its name>.h5", o->trace ? "--trace" : "-o");
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
    sc_cli_command_line(argc, argv, run->command_line, sizeof run->command_line);
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

/* What was kept for sensitivity (docs/sensitivity.md). */
static void print_extras(const sc_sens_extras *x, long n, double seconds)
{
    long m = sc_sens_extras_draws(x), nl = sc_sens_extras_layers(x);
    if (m == n)
        printf("Kept every trajectory's parameter draws (%d columns)", sc_sens_extras_columns(x));
    else if (m > 0)
        printf("Kept the parameter draws of a sample, the first %ld trajectories (%d columns)",
               m, sc_sens_extras_columns(x));
    else
        printf("Kept no parameter draws (--sample 0)");
    if (nl > 0)
        printf("; the layered fan from %ld trajectories with the parameters at their central "
               "values", nl);
    printf(" (%.2f s): sendcast sensitivity, budgets.\n", seconds);
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
    if (!sc_summary_has_records(sum)) {
        /* Said here, not first by compare: a user who wants to pair this run
         * learns it now, with the --memory that would keep them. */
        double mb = 8.0 * (double)layout.ncells * (double)s->trajectories / (1024.0 * 1024.0);
        printf("Kept no per-trajectory series (bounded memory), so compare cannot pair this "
               "file; to keep them, run again with --memory %.0f or more, or fewer "
               "trajectories.\n", ceil(mb));
    }
    printf("\nWrote %s (%ld trajectories, seed %" PRIu64 ", %d threads%s, %.2f s).\n",
           outpath, s->trajectories, s->seed, threads, procs, seconds);
}

/* One scenario, read (and checked) already: fit, simulate, write. */
static int run_one(sc_scenario *s, const run_options *o, const char *outpath, int threads,
                   int argc, char **argv, sc_error *e)
{
    sc_params *p = NULL;
    sc_summary *sum = NULL;
    sc_sens_extras *extras = NULL;
    const int root = sc_ranks_rank() == 0;
    int st = SC_OK;
    if (!o->trace)
        st = sc_ranks_agree(root ? sc_write_check_target(outpath, o->common.force, s, e) : SC_OK,
                            e);

    /* 2. Fit: every dist: fit from history, into the run's parameters. */
    if (!st)
        st = sc_fit_params(s, 0, &p, NULL, e);
    if (!st && o->trace) {
        st = root ? replay(s, p, o, e) : SC_OK;
        goto done;
    }

    /* 3. The engine: simulate and summarise, every rank its share. */
    char what[SC_ID_MAX + 16];
    snprintf(what, sizeof what, "simulating %s", s->name);
    sc_cli_progress progress;
    sc_cli_progress_init(&progress, what, o->common.quiet || !root);
    sc_engine_options eo;
    sc_engine_options_init(&eo, s);
    eo.threads = threads;
    eo.memory_mb = o->memory_mb;
    eo.rank_error = o->rank_error;
    eo.distribute = 1;
    eo.progress = sc_cli_progress_update;
    eo.pass_note = sc_cli_progress_pass;
    eo.progress_ctx = &progress;
    double t0 = omp_get_wtime();
    if (!st)
        st = sc_engine_run(s, p, &eo, &sum, e);
    double seconds = omp_get_wtime() - t0;

    /* 3b. What sensitivity and budgets read: every trajectory's parameter
     * draws (a sample's, in bounded memory) and the layered fan's
     * process-only run, every rank its share. */
    sc_cli_progress extra_progress;
    sc_cli_progress_init(&extra_progress, "simulating the layered fan (parameters at their "
                         "central values)", o->common.quiet || !root);
    eo.progress_ctx = &extra_progress;
    t0 = omp_get_wtime();
    if (!st)
        st = sc_sens_collect(s, p, sum, &eo, o->sample, &extras, e);
    double extra_seconds = omp_get_wtime() - t0;
    if (st || !root)
        goto done;

    /* 4. Write the file, then say what it holds. */
    sc_run_info run;
    run_info_fill(&run, s, threads, seconds, argc, argv);
    if ((st = sc_write_h5_with(outpath, o->common.force, s, p, sum, &run, sc_sens_write, extras,
                               e)))
        goto done;
    if (!o->common.quiet) {
        print_summary(s, sum, outpath, threads, seconds);
        print_extras(extras, s->trajectories, extra_seconds);
    }
done:
    sc_sens_extras_free(extras);
    sc_summary_free(sum);
    sc_params_free(p);
    return st;
}

/* Where scenario k's result goes: -o, else results/<name>.h5. */
static void output_of(const run_options *o, const sc_scenario *s, char *buf, size_t size)
{
    if (o->common.output)
        snprintf(buf, size, "%s", o->common.output);
    else
        snprintf(buf, size, "results/%s.h5", s->name);
}

int sc_cli_run(int argc, char **argv, sc_error *e)
{
    run_options o;
    sc_scenario **s = NULL;
    char outpath[4096];
    int st = parse_run_options(argc, argv, &o, e), k = 0;
    if (st) {
        sc_cli_common_clear(&o.common);
        return st;
    }
    s = sc_calloc((size_t)o.nscenarios, sizeof *s);
    if (!s)
        st = SC_ERROR(e, SC_ENOMEM, "out of memory");

    /* 1. Read every scenario (with -n, -s and --set in place of their own)
     * before running any: a mistake in the last is found at once. */
    for (k = 0; !st && k < o.nscenarios; k++) {
        st = sc_cli_read_scenario(o.scenarios[k], &o.common, &s[k], e);
        for (int j = 0; !st && j < k; j++)
            if (!strcmp(s[j]->name, s[k]->name))
                st = SC_ERROR(e, SC_EINPUT, "%s and %s are both named %s: their results would "
                              "go to the same file", o.scenarios[j], o.scenarios[k], s[k]->name);
    }
    int threads = o.common.threads ? o.common.threads : omp_get_num_procs();
    omp_set_num_threads(threads);   /* -t governs the writer's compression too */
    for (k = 0; !st && k < o.nscenarios; k++) {
        output_of(&o, s[k], outpath, sizeof outpath);
        if (k > 0 && !o.common.quiet && sc_ranks_rank() == 0)
            printf("\n");
        st = run_one(s[k], &o, outpath, threads, argc, argv, e);
    }
    if (st != SC_OK)
        SC_CONTEXT(e, "while running %s", o.scenarios[k > 0 ? k - 1 : 0]);
    for (int j = 0; s && j < o.nscenarios; j++)
        sc_scenario_free(s[j]);
    sc_free(s);
    sc_cli_common_clear(&o.common);
    return st;
}
