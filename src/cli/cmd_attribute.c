/*
 * cmd_attribute.c — `sendcast attribute OLD.yaml NEW.yaml [--via STEP.yaml
 * ...]`: why the forecast moved (whatif.h): the change split into steps on
 * common random numbers, as a waterfall table, the attribution file, and,
 * when asked, a CSV and an SVG waterfall chart.
 *
 *   parse -> read OLD and NEW (provenance, names) -> sc_whatif_attribute ->
 *   table, file, CSV, chart -> free
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>

#include "sendcast/alloc.h"
#include "sendcast/cli.h"
#include "sendcast/engine.h"
#include "sendcast/ranks.h"
#include "sendcast/text.h"
#include "sendcast/whatif.h"
#include "sendcast/write.h"

#define MAX_VIA (SC_WHATIF_MAX_STEPS - 2)

typedef struct attr_options {
    const char *old_path, *new_path, *csv, *chart;
    const char *via[MAX_VIA];
    int nvia;
    const char *metrics[SC_WHATIF_MAX_METRICS];
    int nmetrics;
    double stat_q;          /* NaN: the mean */
    long year;              /* the chart's (0: the last in common) */
    sc_cli_common common;
    long memory_mb;
} attr_options;

/* --stat: mean, or pNN with NN in (0, 100). */
static int parse_stat(const char *arg, double *q, sc_error *e)
{
    if (!strcmp(arg, "mean")) {
        *q = NAN;
        return SC_OK;
    }
    char *end;
    errno = 0;
    double v = arg[0] == 'p' ? strtod(arg + 1, &end) : -1;
    if (arg[0] != 'p' || end == arg + 1 || *end || errno || !(v > 0 && v < 100))
        return SC_ERROR(e, SC_EINPUT, "--stat %s: expected mean or a percentile pNN (p5, p50, "
                        "p95)", arg);
    *q = v;
    return SC_OK;
}

static int take_option(int c, const char *arg, void *ctx, sc_error *e)
{
    attr_options *o = ctx;
    int taken, st = sc_cli_common_option(c, arg, &o->common, &taken, e);
    if (taken)
        return st;
    switch (c) {
    case 'v':
        if (o->nvia == MAX_VIA)
            return SC_ERROR(e, SC_EINPUT, "--via: at most %d", MAX_VIA);
        o->via[o->nvia++] = arg;
        return SC_OK;
    case 'm':
        if (o->nmetrics == SC_WHATIF_MAX_METRICS)
            return SC_ERROR(e, SC_EINPUT, "--metric: at most %d", SC_WHATIF_MAX_METRICS);
        o->metrics[o->nmetrics++] = arg;
        return SC_OK;
    case 'Q': return parse_stat(arg, &o->stat_q, e);
    case 'Y': return sc_cli_parse_long(arg, "--year", 1000, 9999, &o->year, e);
    case 'C': o->csv = arg; return SC_OK;
    case 'G': o->chart = arg; return SC_OK;
    case 'M': return sc_cli_parse_long(arg, "--memory", 1, 1L << 40, &o->memory_mb, e);
    default: return SC_NEVER(e);
    }
}

static int parse(int argc, char **argv, attr_options *o, sc_error *e)
{
    static const struct option longs[] = {
        SC_CLI_COMMON_LONGS, SC_CLI_SET_LONG,
        {"via", required_argument, NULL, 'v'}, {"metric", required_argument, NULL, 'm'},
        {"stat", required_argument, NULL, 'Q'}, {"year", required_argument, NULL, 'Y'},
        {"csv", required_argument, NULL, 'C'}, {"chart", required_argument, NULL, 'G'},
        {"memory", required_argument, NULL, 'M'}, {NULL, 0, NULL, 0}};
    memset(o, 0, sizeof *o);
    o->stat_q = 50;
    o->memory_mb = SC_ENGINE_MEMORY_MB;
    int first, st = sc_cli_getopt(argc, argv, SC_CLI_COMMON_SHORTS, longs, take_option, o,
                                  &first, e);
    if (st)
        return st;
    if (first != argc - 2)
        return SC_ERROR(e, SC_EINPUT, "attribute: expected two scenario files, OLD and NEW, "
                        "got %d", argc - first);
    o->old_path = argv[first];
    o->new_path = argv[first + 1];
    return SC_OK;
}

/* Where the file goes: -o, else results/<OLD>-to-<NEW>.h5. */
static void output_of(const attr_options *o, const sc_scenario *a, const sc_scenario *b,
                      char *buf, size_t size)
{
    if (o->common.output)
        snprintf(buf, size, "%s", o->common.output);
    else
        snprintf(buf, size, "results/%s-to-%s.h5", a->name, b->name);
}

/* The chart: the first output in --year (else the last year in common). */
static int chart(const attr_options *o, const sc_whatif_attribution *a, sc_error *e)
{
    int y = o->year ? (int)o->year - a->first_year : a->years - 1;
    if (y < 0 || y >= a->years)
        return SC_ERROR(e, SC_EINPUT, "--year %ld: expected a year both forecast, %s to %s",
                        o->year, sc_year_label(a->first_year).s,
                        sc_year_label(a->first_year + a->years - 1).s);
    return sc_whatif_waterfall_write(a, 0, y, o->chart, o->common.force, e);
}

int sc_cli_attribute(int argc, char **argv, sc_error *e)
{
    attr_options o;
    sc_scenario *old_s = NULL, *new_s = NULL;
    sc_whatif_attribution *a = NULL;
    char outpath[4096], command[1024];
    const int root = sc_ranks_rank() == 0;
    int st = parse(argc, argv, &o, e);
    if (!st) st = sc_cli_read_scenario(o.old_path, &o.common, &old_s, e);
    if (!st) st = sc_cli_read_scenario(o.new_path, &o.common, &new_s, e);
    if (!st) {
        output_of(&o, old_s, new_s, outpath, sizeof outpath);
        const char *const outs[] = { outpath, o.csv, o.chart };
        const sc_scenario *const read[] = { old_s, new_s };
        st = sc_cli_check_outputs(outs, 3, o.common.force, read, 2, e);
    }
    int threads = o.common.threads ? o.common.threads : omp_get_num_procs();
    omp_set_num_threads(threads);

    sc_cli_progress progress;
    sc_cli_progress_init(&progress, "attribute", o.common.quiet || !root);
    sc_whatif_settings w;
    sc_cli_whatif_settings(&o.common, threads, o.memory_mb, &progress, &w);
    double t0 = omp_get_wtime();
    if (!st)
        st = sc_whatif_attribute(o.old_path, o.new_path, o.via, o.nvia, o.metrics, o.nmetrics,
                                 o.stat_q, &w, &a, e);
    if (!st && root) {
        a->seconds = omp_get_wtime() - t0;
        sc_cli_command_line(argc, argv, command, sizeof command);
        if (o.chart)
            st = chart(&o, a, e);
        if (!st)
            st = sc_whatif_attribution_write_h5(a, old_s, new_s, outpath, o.common.force,
                                                command, threads, e);
        if (!st && o.csv)
            st = sc_whatif_attribution_csv(a, o.csv, o.common.force, e);
        if (!st && !o.common.quiet) {
            sc_whatif_attribution_print(stdout, a);
            printf("\nWrote %s%s%s%s%s (%d steps x %ld trajectories, seed %llu, %d threads, "
                   "%.1f s).\n", outpath, o.csv ? ", " : "", o.csv ? o.csv : "",
                   o.chart ? ", " : "", o.chart ? o.chart : "", a->nsteps, a->trajectories,
                   (unsigned long long)a->seed, threads, a->seconds);
        }
    }
    if (st && o.old_path && o.new_path)
        SC_CONTEXT(e, "while attributing %s -> %s", o.old_path, o.new_path);
    sc_free(a);
    sc_scenario_free(new_s);
    sc_scenario_free(old_s);
    sc_cli_common_clear(&o.common);
    return st;
}
