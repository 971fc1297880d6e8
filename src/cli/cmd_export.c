/*
 * cmd_export.c — `sendcast export RESULT.h5 [--csv FILE] [--xlsx FILE] [--charts DIR]`:
 * read the result file → write each output asked for → free. At least one
 * output must be asked for. A missing --charts folder is made (one level).
 */
#include <stdio.h>
#include <string.h>

#include "sendcast/cli.h"
#include "sendcast/export.h"
#include "sendcast/result.h"
#include "sendcast/sens_output.h"

typedef struct export_options {
    const char *result, *csv, *xlsx, *charts;
    int quiet;
} export_options;

static int take_option(int c, const char *arg, void *ctx, sc_error *e)
{
    export_options *o = ctx;
    switch (c) {
    case 'c': o->csv = arg; return SC_OK;
    case 'x': o->xlsx = arg; return SC_OK;
    case 'g': o->charts = arg; return SC_OK;
    case 'q': o->quiet = 1; return SC_OK;
    default: return SC_NEVER(e);
    }
}

static int parse_export_options(int argc, char **argv, export_options *o, sc_error *e)
{
    static const struct option longs[] = {
        {"csv", required_argument, NULL, 'c'}, {"xlsx", required_argument, NULL, 'x'},
        {"charts", required_argument, NULL, 'g'}, {"quiet", no_argument, NULL, 'q'},
        {NULL, 0, NULL, 0}};
    memset(o, 0, sizeof *o);
    int first, st = sc_cli_getopt(argc, argv, "", longs, take_option, o, &first, e);
    if (st)
        return st;
    if (first != argc - 1)
        return SC_ERROR(e, SC_EINPUT, "export: expected one result file%s",
                        first < argc - 1 ? ", got several" : "");
    if (!o->csv && !o->xlsx && !o->charts)
        return SC_ERROR(e, SC_EINPUT, "export: say what to write: --csv FILE, --xlsx FILE "
                        "and/or --charts DIR");
    o->result = argv[first];
    return SC_OK;
}

int sc_cli_export(int argc, char **argv, sc_error *e)
{
    export_options o;
    sc_result *r = NULL;
    int st = parse_export_options(argc, argv, &o, e);
    if (!st)
        st = sc_result_read(o.result, &r, e);
    if (!st && o.csv && !(st = sc_export_csv(r, o.csv, e)) && !o.quiet)
        printf("Wrote %s\n", o.csv);
    if (!st && o.xlsx && !(st = sc_export_xlsx(r, o.xlsx, e)) && !o.quiet)
        printf("Wrote %s\n", o.xlsx);
    int ncharts = 0, nsens = 0;
    if (!st && o.charts && !(st = sc_cli_make_folder(o.charts, e))
        && !(st = sc_export_charts(r, o.charts, &ncharts, e))
        && !(st = sc_sens_export_result_charts(o.result, o.charts, &nsens, e)) && !o.quiet)
        printf("Wrote %d chart%s (PNG and SVG) into %s%s\n", ncharts + nsens,
               ncharts + nsens == 1 ? "" : "s", o.charts,
               r->has_costs ? "" : " (demand-only scenario: no money charts)");
    if (st && o.result)
        SC_CONTEXT(e, "while exporting %s", o.result);
    sc_result_free(r);
    return st;
}
