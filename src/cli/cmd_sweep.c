/*
 * cmd_sweep.c — `sendcast sweep SCENARIO.yaml --set PATH=v1,v2,... [...]`:
 * every point of the grid of --set lists on the same seed and trajectories
 * (whatif.h), the table of the chosen outputs, the sweep file (one file, a
 * point axis) and, with --csv, the CSV. A --set with one value is an
 * override of every point, as on `run`.
 *
 *   parse -> check the outputs can be written -> sc_whatif_sweep_run (each
 *   point: read, fit, engine) -> table, CSV, file -> free
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <omp.h>

#include "sendcast/alloc.h"
#include "sendcast/cli.h"
#include "sendcast/engine.h"
#include "sendcast/ranks.h"
#include "sendcast/whatif.h"
#include "sendcast/write.h"

typedef struct sweep_options {
    const char *scenario;
    sc_cli_common common;           /* -n -s -t -o --force --quiet, one-value --set */
    sc_whatif_axis axes[SC_WHATIF_MAX_AXES];
    int naxes;
    const char *metrics[SC_WHATIF_MAX_METRICS];
    int nmetrics;
    const char *csv;
    long memory_mb;
} sweep_options;

static int take_set(sweep_options *o, const char *arg, sc_error *e)
{
    sc_whatif_axis a;
    int st = sc_whatif_axis_parse(arg, &a, e);
    if (st)
        return st;
    if (a.nvalues == 1) {       /* one value: an override of every point */
        sc_whatif_axis_clear(&a);
        return sc_cli_add_set(&o->common, arg, e);
    }
    if (o->naxes == SC_WHATIF_MAX_AXES) {
        sc_whatif_axis_clear(&a);
        return SC_ERROR(e, SC_EINPUT, "--set %s: at most %d lists of values (a grid of %d "
                        "dimensions)", arg, SC_WHATIF_MAX_AXES, SC_WHATIF_MAX_AXES);
    }
    o->axes[o->naxes++] = a;
    return SC_OK;
}

static int take_option(int c, const char *arg, void *ctx, sc_error *e)
{
    sweep_options *o = ctx;
    if (c == SC_CLI_OPT_SET)
        return take_set(o, arg, e);
    int taken, st = sc_cli_common_option(c, arg, &o->common, &taken, e);
    if (taken)
        return st;
    switch (c) {
    case 'm':
        if (o->nmetrics == SC_WHATIF_MAX_METRICS)
            return SC_ERROR(e, SC_EINPUT, "--metric: at most %d", SC_WHATIF_MAX_METRICS);
        o->metrics[o->nmetrics++] = arg;
        return SC_OK;
    case 'C': o->csv = arg; return SC_OK;
    case 'M': return sc_cli_parse_long(arg, "--memory", 1, 1L << 40, &o->memory_mb, e);
    default: return SC_NEVER(e);
    }
}

static int parse(int argc, char **argv, sweep_options *o, sc_error *e)
{
    static const struct option longs[] = {
        SC_CLI_COMMON_LONGS, SC_CLI_SET_LONG,
        {"metric", required_argument, NULL, 'm'}, {"csv", required_argument, NULL, 'C'},
        {"memory", required_argument, NULL, 'M'}, {NULL, 0, NULL, 0}};
    memset(o, 0, sizeof *o);
    o->memory_mb = SC_ENGINE_MEMORY_MB;
    int first, st = sc_cli_getopt(argc, argv, SC_CLI_COMMON_SHORTS, longs, take_option, o,
                                  &first, e);
    if (st)
        return st;
    if ((st = sc_cli_expect_one(argc, first, "sweep", "scenario", e)))
        return st;
    if (o->naxes == 0)
        return SC_ERROR(e, SC_EINPUT, "sweep: expected --set PATH=v1,v2,... (at least two "
                        "values: the points to run)");
    o->scenario = argv[first];
    return SC_OK;
}

static void clear(sweep_options *o)
{
    for (int a = 0; a < o->naxes; a++)
        sc_whatif_axis_clear(&o->axes[a]);
    sc_cli_common_clear(&o->common);
}

int sc_cli_sweep(int argc, char **argv, sc_error *e)
{
    sweep_options o;
    sc_scenario *s = NULL;
    sc_whatif_sweep *sw = NULL;
    char outpath[4096], command[1024];
    const int root = sc_ranks_rank() == 0;
    int st = parse(argc, argv, &o, e);

    /* The scenario as every point starts from (for the file's provenance and
     * the default output name), read and checked first. */
    int threads = 0;
    if (!st)
        st = sc_cli_whatif_start(o.scenario, &o.common, "-sweep", o.csv, &s, outpath,
                                 sizeof outpath, &threads, e);

    sc_cli_progress progress;
    sc_cli_progress_init(&progress, "sweep", o.common.quiet || !root);
    sc_whatif_settings w;
    sc_cli_whatif_settings(&o.common, threads, o.memory_mb, &progress, &w);
    double t0 = omp_get_wtime();
    if (!st)
        st = sc_whatif_sweep_run(o.scenario, o.axes, o.naxes, o.metrics, o.nmetrics, &w, &sw, e);
    if (!st && root) {
        sw->seconds = omp_get_wtime() - t0;
        sc_cli_command_line(argc, argv, command, sizeof command);
        st = sc_whatif_sweep_write_h5(sw, s, outpath, o.common.force, command, threads, e);
        if (!st && o.csv)
            st = sc_whatif_sweep_csv(sw, o.csv, o.common.force, e);
        if (!st && !o.common.quiet) {
            sc_whatif_sweep_print(stdout, sw);
            printf("\nWrote %s%s%s (%d points x %ld trajectories, seed %llu, %d threads, "
                   "%.1f s).\n", outpath, o.csv ? " and " : "", o.csv ? o.csv : "",
                   sw->npoints, sw->trajectories, (unsigned long long)sw->seed, threads,
                   sw->seconds);
        }
    }
    if (st && o.scenario)
        SC_CONTEXT(e, "while sweeping %s", o.scenario);
    sc_whatif_sweep_free(sw);
    sc_scenario_free(s);
    clear(&o);
    return st;
}
