/*
 * cmd_goalseek.c — `sendcast goalseek SCENARIO.yaml --vary PATH --range LO,HI
 * --target EXPR`: the value of PATH at which EXPR just holds (whatif.h), on
 * common random numbers, with its Monte Carlo uncertainty; or that the range
 * cannot meet it and what its best end reaches. Its runs are written as a
 * sweep file (with the goal and the answer), which `report` shows.
 *
 *   parse -> sc_whatif_goalseek (ends, then bisection; each run: read, fit,
 *   engine) -> the answer, the runs' table, file, CSV -> free
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>

#include "sendcast/cli.h"
#include "sendcast/engine.h"
#include "sendcast/ranks.h"
#include "sendcast/whatif.h"
#include "sendcast/write.h"

typedef struct goal_options {
    const char *scenario, *vary, *target, *range, *csv;
    double lo, hi, tol;
    sc_cli_common common;
    long memory_mb;
    sc_whatif_expr expr;
} goal_options;

static int parse_number(const char *s, const char *what, double *out, sc_error *e)
{
    char *end;
    errno = 0;
    *out = strtod(s, &end);
    if (end == s || *end || errno || !isfinite(*out))
        return SC_ERROR(e, SC_EINPUT, "%s: expected a number, got \"%s\"", what, s);
    return SC_OK;
}

static int parse_range(goal_options *o, const char *arg, sc_error *e)
{
    const char *comma = strchr(arg, ',');
    char lo[64];
    if (!comma || (size_t)(comma - arg) >= sizeof lo)
        return SC_ERROR(e, SC_EINPUT, "--range %s: expected LO,HI (two numbers)", arg);
    snprintf(lo, sizeof lo, "%.*s", (int)(comma - arg), arg);
    if (parse_number(lo, "--range LO", &o->lo, e) || parse_number(comma + 1, "--range HI", &o->hi, e))
        return SC_EINPUT;
    if (!(o->lo < o->hi))
        return SC_ERROR(e, SC_EINPUT, "--range %s: expected LO < HI, got LO %g and HI %g", arg,
                        o->lo, o->hi);
    return SC_OK;
}

static int take_option(int c, const char *arg, void *ctx, sc_error *e)
{
    goal_options *o = ctx;
    int taken, st = sc_cli_common_option(c, arg, &o->common, &taken, e);
    if (taken)
        return st;
    switch (c) {
    case 'V': o->vary = arg; return SC_OK;
    case 'G': o->range = arg; return parse_range(o, arg, e);
    case 'E': o->target = arg; return sc_whatif_expr_parse(arg, "--target", &o->expr, e);
    case 'L':
        if (parse_number(arg, "--tol", &o->tol, e))
            return SC_EINPUT;
        return o->tol > 0 ? SC_OK : SC_ERROR(e, SC_EINPUT, "--tol %s: expected a number > 0", arg);
    case 'C': o->csv = arg; return SC_OK;
    case 'M': return sc_cli_parse_long(arg, "--memory", 1, 1L << 40, &o->memory_mb, e);
    default: return SC_NEVER(e);
    }
}

static int parse(int argc, char **argv, goal_options *o, sc_error *e)
{
    static const struct option longs[] = {
        SC_CLI_COMMON_LONGS, SC_CLI_SET_LONG,
        {"vary", required_argument, NULL, 'V'}, {"range", required_argument, NULL, 'G'},
        {"target", required_argument, NULL, 'E'}, {"tol", required_argument, NULL, 'L'},
        {"csv", required_argument, NULL, 'C'}, {"memory", required_argument, NULL, 'M'},
        {NULL, 0, NULL, 0}};
    memset(o, 0, sizeof *o);
    o->memory_mb = SC_ENGINE_MEMORY_MB;
    int first, st = sc_cli_getopt(argc, argv, SC_CLI_COMMON_SHORTS, longs, take_option, o,
                                  &first, e);
    if (st)
        return st;
    if ((st = sc_cli_expect_one(argc, first, "goalseek", "scenario", e)))
        return st;
    if (!o->vary || !o->range || !o->target)
        return SC_ERROR(e, SC_EINPUT, "goalseek: expected --vary PATH, --range LO,HI and "
                        "--target EXPR (missing %s)", !o->vary ? "--vary" : !o->range ? "--range"
                                                                          : "--target");
    sc_scenario_edit probe;
    char arg[256];
    snprintf(arg, sizeof arg, "%s=0", o->vary);
    if (sc_scenario_edit_parse(arg, &probe, e))
        return SC_ERROR(e, SC_EINPUT, "--vary %s: expected a key path (parameters.NAME.mean, "
                        "levers.NAME.effect)", o->vary);
    o->scenario = argv[first];
    return SC_OK;
}

int sc_cli_goalseek(int argc, char **argv, sc_error *e)
{
    goal_options o;
    sc_scenario *s = NULL;
    sc_whatif_goal g;
    memset(&g, 0, sizeof g);
    char outpath[4096], command[1024];
    const int root = sc_ranks_rank() == 0;
    int st = parse(argc, argv, &o, e);
    int threads = 0;
    if (!st)
        st = sc_cli_whatif_start(o.scenario, &o.common, "-goalseek", o.csv, &s, outpath,
                                 sizeof outpath, &threads, e);

    sc_cli_progress progress;
    sc_cli_progress_init(&progress, "goal seek", o.common.quiet || !root);
    sc_whatif_settings w;
    sc_cli_whatif_settings(&o.common, threads, o.memory_mb, &progress, &w);
    double t0 = omp_get_wtime();
    if (!st)
        st = sc_whatif_goalseek(o.scenario, o.vary, o.lo, o.hi, &o.expr, o.tol, &w, &g, e);
    if (!st && root) {
        sc_whatif_sweep *ev = g.evals;
        ev->seconds = omp_get_wtime() - t0;
        snprintf(ev->goal, sizeof ev->goal, "%s", o.expr.text);
        sc_whatif_goal_describe(&g, o.vary, &o.expr, ev->answer, sizeof ev->answer);
        sc_cli_command_line(argc, argv, command, sizeof command);
        st = sc_whatif_sweep_write_h5(ev, s, outpath, o.common.force, command, threads, e);
        if (!st && o.csv)
            st = sc_whatif_sweep_csv(ev, o.csv, o.common.force, e);
        if (!st && !o.common.quiet) {
            sc_whatif_sweep_print(stdout, ev);
            printf("\nGoal: %s\n%s\n", o.expr.text, ev->answer);
            printf("\nWrote %s%s%s (%d runs x %ld trajectories, seed %llu, %d threads, %.1f s).\n",
                   outpath, o.csv ? " and " : "", o.csv ? o.csv : "", g.runs, ev->trajectories,
                   (unsigned long long)ev->seed, threads, ev->seconds);
        }
    }
    if (st && o.scenario)
        SC_CONTEXT(e, "while seeking %s in %s", o.target ? o.target : "the goal", o.scenario);
    sc_whatif_goal_clear(&g);
    sc_scenario_free(s);
    sc_cli_common_clear(&o.common);
    return st;
}
