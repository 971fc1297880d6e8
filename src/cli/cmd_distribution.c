/*
 * cmd_distribution.c — `sendcast distribution RESULT.h5 --metric NAME
 * [--unit ID] --year Y [--threshold X]... [--chart FILE.png|.svg] [--csv FILE]
 * [--real] [--force] [--quiet]`: read the result → the output's distribution
 * in that year (distribution.h) → print its percentiles, the target's P(met)
 * and P(< X), P(> X) for each threshold → write the chart and CSV asked for →
 * free. "What is the chance the deficit exceeds £X?" No simulation.
 */
#include <stdio.h>
#include <string.h>

#include "sendcast/cli.h"
#include "sendcast/distribution.h"
#include "sendcast/outfile.h"
#include "sendcast/result.h"
#include "sendcast/sensitivity.h"

#define MAX_THRESHOLDS 9

typedef struct dist_options {
    const char *result, *metric, *unit, *year, *chart, *csv;
    const char *threshold[MAX_THRESHOLDS];
    int nthresholds, quiet, force, real;
} dist_options;

static int take_option(int c, const char *arg, void *ctx, sc_error *e)
{
    dist_options *o = ctx;
    switch (c) {
    case 'm': o->metric = arg; return SC_OK;
    case 'u': o->unit = arg; return SC_OK;
    case 'y': o->year = arg; return SC_OK;
    case 'g': o->chart = arg; return SC_OK;
    case 'c': o->csv = arg; return SC_OK;
    case 'q': o->quiet = 1; return SC_OK;
    case 'f': o->force = 1; return SC_OK;
    case 'r': o->real = 1; return SC_OK;
    case 'x':
        if (o->nthresholds == MAX_THRESHOLDS)
            return SC_ERROR(e, SC_EINPUT, "--threshold: at most %d", MAX_THRESHOLDS);
        o->threshold[o->nthresholds++] = arg;
        return SC_OK;
    default: return SC_NEVER(e);
    }
}

/* The chart's device from its name: PNG or SVG, nothing else. */
static const char *chart_device(const char *path)
{
    const char *dot = path ? strrchr(path, '.') : NULL;
    return !dot ? NULL : !strcmp(dot, ".png") ? "pngcairo" : !strcmp(dot, ".svg") ? "svg"
                                                                                   : NULL;
}

static int parse_options(int argc, char **argv, dist_options *o, sc_error *e)
{
    static const struct option longs[] = {
        {"metric", required_argument, NULL, 'm'}, {"unit", required_argument, NULL, 'u'},
        {"year", required_argument, NULL, 'y'}, {"threshold", required_argument, NULL, 'x'},
        {"chart", required_argument, NULL, 'g'}, {"csv", required_argument, NULL, 'c'},
        {"quiet", no_argument, NULL, 'q'}, {"force", no_argument, NULL, 'f'},
        {"real", no_argument, NULL, 'r'}, {NULL, 0, NULL, 0}};
    memset(o, 0, sizeof *o);
    int first, st = sc_cli_getopt(argc, argv, "", longs, take_option, o, &first, e);
    if (st)
        return st;
    if ((st = sc_cli_expect_one(argc, first, "distribution", "result", e)))
        return st;
    if (!o->metric || !o->year)
        return SC_ERROR(e, SC_EINPUT, "distribution: say which output and year: --metric NAME "
                        "--year Y (cumulative_deficit, 2029/30)");
    if (o->chart && !chart_device(o->chart))
        return SC_ERROR(e, SC_EINPUT, "--chart %s: expected a .png or .svg file", o->chart);
    o->result = argv[first];
    const char *const inputs[1] = { o->result }, *const outs[2] = { o->chart, o->csv };
    st = sc_outfile_check_distinct(outs, 2, e);
    if (!st && o->chart)
        st = sc_outfile_check(o->chart, o->force, inputs, 1, e);
    if (!st && o->csv)
        st = sc_outfile_check(o->csv, o->force, inputs, 1, e);
    return st;
}

static int thresholds(const dist_options *o, double *x, sc_error *e)
{
    int st = SC_OK;
    for (int k = 0; !st && k < o->nthresholds; k++)
        st = sc_sens_parse_amount(o->threshold[k], "--threshold", &x[k], e);
    return st;
}

static int outputs(const dist_options *o, const sc_cdf *d, const double *x, sc_error *e)
{
    int st = SC_OK;
    if (o->chart) {
        sc_chart_to to = { o->chart, o->force, NULL, 0 };
        if (!(st = sc_cdf_chart(d, x, o->nthresholds, chart_device(o->chart), &to, e))
            && !o->quiet)
            printf("Wrote %s\n", o->chart);
    }
    if (!st && o->csv && !(st = sc_cdf_csv(d, x, o->nthresholds, o->csv, o->force, e))
        && !o->quiet)
        printf("Wrote %s\n", o->csv);
    return st;
}

int sc_cli_distribution(int argc, char **argv, sc_error *e)
{
    dist_options o;
    sc_result *r = NULL;
    sc_cdf d = { 0 };
    double x[MAX_THRESHOLDS];
    int opened = 0;
    int st = parse_options(argc, argv, &o, e);
    if (!st) st = thresholds(&o, x, e);
    if (!st) st = sc_result_read(o.result, &r, e);
    if (!st && o.real) st = sc_result_real_terms(r, e);
    if (!st) opened = !(st = sc_cdf_open(r, o.metric, o.unit, o.year, &d, e));
    if (!st && !o.quiet)
        sc_cdf_print(stdout, &d, x, o.nthresholds);
    if (!st)
        st = outputs(&o, &d, x, e);
    if (st && o.result)
        SC_CONTEXT(e, "while reading the distribution in %s", o.result);
    if (opened)
        sc_cdf_close(&d);
    sc_result_free(r);
    return st;
}
