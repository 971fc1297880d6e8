/*
 * cmd_budgets.c — `sendcast budgets RESULT.h5 --total T [--year Y] [--risk P]
 * [--csv FILE] [--charts DIR] [--quiet]`: read the clusters' spend the result
 * keeps → the risk-equalised split of T beside today's, and each area's
 * contingency covering its clusters' overspend with probability P → print →
 * write the CSV and the chart asked for → free. No simulation.
 */
#include <stdio.h>
#include <string.h>

#include "sendcast/cli.h"
#include "sendcast/sens_output.h"
#include "sendcast/sensitivity.h"

typedef struct budgets_options {
    const char *result, *total, *year, *risk, *csv, *charts;
    int quiet, force;
} budgets_options;

static int take_option(int c, const char *arg, void *ctx, sc_error *e)
{
    budgets_options *o = ctx;
    switch (c) {
    case 'T': o->total = arg; return SC_OK;
    case 'y': o->year = arg; return SC_OK;
    case 'r': o->risk = arg; return SC_OK;
    case 'c': o->csv = arg; return SC_OK;
    case 'g': o->charts = arg; return SC_OK;
    case 'q': o->quiet = 1; return SC_OK;
    case 'f': o->force = 1; return SC_OK;
    default: return SC_NEVER(e);
    }
}

static int parse_options(int argc, char **argv, budgets_options *o, sc_error *e)
{
    static const struct option longs[] = {
        {"total", required_argument, NULL, 'T'}, {"year", required_argument, NULL, 'y'},
        {"risk", required_argument, NULL, 'r'}, {"csv", required_argument, NULL, 'c'},
        {"charts", required_argument, NULL, 'g'}, {"quiet", no_argument, NULL, 'q'},
        {"force", no_argument, NULL, 'f'}, {NULL, 0, NULL, 0}};
    memset(o, 0, sizeof *o);
    int first, st = sc_cli_getopt(argc, argv, "", longs, take_option, o, &first, e);
    if (st)
        return st;
    if ((st = sc_cli_expect_one(argc, first, "budgets", "result", e)))
        return st;
    if (!o->total)
        return SC_ERROR(e, SC_EINPUT, "budgets: say the total to share: --total T (pounds; "
                        "17m for 17 million)");
    o->result = argv[first];
    return sc_cli_check_result_outputs(o->result, o->csv, o->charts, o->force, e);
}

int sc_cli_budgets(int argc, char **argv, sc_error *e)
{
    budgets_options o;
    sc_sens_data *d = NULL;
    sc_sens_budgets *b = NULL;
    double total = 0, risk = 0.9;
    int t = 0, n = 0;
    int st = parse_options(argc, argv, &o, e);
    if (!st) st = sc_sens_parse_amount(o.total, "--total", &total, e);
    if (!st && o.risk) st = sc_sens_parse_amount(o.risk, "--risk", &risk, e);
    if (!st) st = sc_sens_data_read(o.result, &d, e);
    if (!st && o.year) st = sc_sens_year_index(d, o.year, &t, e);
    if (!st) st = sc_sens_budgets_run(d, t, total, risk, &b, e);
    if (!st && !o.quiet)
        sc_sens_print_budgets(stdout, d, b);
    if (!st && o.csv && !(st = sc_sens_budgets_csv(d, b, o.csv, o.force, e)) && !o.quiet)
        printf("Wrote %s\n", o.csv);
    if (!st && o.charts && !(st = sc_cli_make_folder(o.charts, e))
        && !(st = sc_sens_export_charts(d, NULL, t, b, o.charts, o.force, &n, e)) && !o.quiet)
        printf("Wrote the budgets chart (PNG and SVG) into %s\n", o.charts);
    if (st && o.result)
        SC_CONTEXT(e, "while sizing budgets from %s", o.result);
    sc_sens_budgets_free(b);
    sc_sens_data_free(d);
    return st;
}
