/*
 * cmd_export.c — `sendcast export RESULT.h5 [--csv FILE] [--xlsx FILE] [--charts DIR]
 * [--real] [--force]` (--real: money in base-year prices, result.h): read the result file → check every output → write each output
 * asked for → free. At least one output must be asked for. A missing --charts
 * folder is made (one level). Before anything is written, every output is
 * checked (outfile.h): none replaces an existing file without --force, the
 * result file itself under any name, or anything that is not a regular file,
 * and no two outputs share a name.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "sendcast/cli.h"
#include "sendcast/export.h"
#include "sendcast/outfile.h"
#include "sendcast/result.h"
#include "sendcast/sens_output.h"

typedef struct export_options {
    const char *result, *csv, *xlsx, *charts;
    int quiet, force, real;
} export_options;

static int take_option(int c, const char *arg, void *ctx, sc_error *e)
{
    export_options *o = ctx;
    switch (c) {
    case 'c': o->csv = arg; return SC_OK;
    case 'x': o->xlsx = arg; return SC_OK;
    case 'g': o->charts = arg; return SC_OK;
    case 'q': o->quiet = 1; return SC_OK;
    case 'f': o->force = 1; return SC_OK;
    case 'r': o->real = 1; return SC_OK;
    default: return SC_NEVER(e);
    }
}

static int parse_export_options(int argc, char **argv, export_options *o, sc_error *e)
{
    static const struct option longs[] = {
        {"csv", required_argument, NULL, 'c'}, {"xlsx", required_argument, NULL, 'x'},
        {"charts", required_argument, NULL, 'g'}, {"quiet", no_argument, NULL, 'q'},
        {"force", no_argument, NULL, 'f'}, {"real", no_argument, NULL, 'r'},
        {NULL, 0, NULL, 0}};
    memset(o, 0, sizeof *o);
    int first, st = sc_cli_getopt(argc, argv, "", longs, take_option, o, &first, e);
    if (st)
        return st;
    if ((st = sc_cli_expect_one(argc, first, "export", "result", e)))
        return st;
    if (!o->csv && !o->xlsx && !o->charts)
        return SC_ERROR(e, SC_EINPUT, "export: say what to write: --csv FILE, --xlsx FILE "
                        "and/or --charts DIR");
    o->result = argv[first];
    return SC_OK;
}

/* Every output may be written, before any is (the charts once the result
 * says which it has). */
static int check_outputs(const export_options *o, const sc_result *r, sc_error *e)
{
    const char *const inputs[1] = { o->result }, *const outs[2] = { o->csv, o->xlsx };
    int st = sc_outfile_check_distinct(outs, 2, e);
    if (!st && o->csv)
        st = sc_outfile_check(o->csv, o->force, inputs, 1, e);
    if (!st && o->xlsx)
        st = sc_outfile_check(o->xlsx, o->force, inputs, 1, e);
    if (!st && o->charts && r) {
        struct stat sb;
        if (stat(o->charts, &sb) == 0)   /* a new folder holds nothing to check */
            st = sc_export_charts_check(r, o->charts, o->force, inputs, 1, e);
    }
    return st;
}

int sc_cli_export(int argc, char **argv, sc_error *e)
{
    export_options o;
    sc_result *r = NULL;
    int st = parse_export_options(argc, argv, &o, e);
    if (!st)
        st = check_outputs(&o, NULL, e);      /* before the work of reading */
    if (!st)
        st = sc_result_read(o.result, &r, e);
    if (!st)
        st = check_outputs(&o, r, e);
    if (!st && o.real)
        st = sc_result_real_terms(r, e);
    if (!st && o.csv && !(st = sc_export_csv(r, o.csv, o.force, e)) && !o.quiet)
        printf("Wrote %s\n", o.csv);
    if (!st && o.xlsx && !(st = sc_export_xlsx(r, o.xlsx, o.force, e)) && !o.quiet)
        printf("Wrote %s\n", o.xlsx);
    int ncharts = 0, nsens = 0;
    if (!st && o.charts && !(st = sc_cli_make_folder(o.charts, e))
        && !(st = sc_export_charts(r, o.charts, o.force, &ncharts, e))
        && !(st = sc_sens_export_result_charts(o.result, o.charts,
                                                     sc_result_clusters_work(r), o.force,
                                                     &nsens, e))
        && !o.quiet)
        printf("Wrote %d chart%s (PNG and SVG) into %s%s\n", ncharts + nsens,
               ncharts + nsens == 1 ? "" : "s", o.charts,
               r->has_costs ? "" : " (demand-only scenario: no money charts)");
    if (st && o.result)
        SC_CONTEXT(e, "while exporting %s", o.result);
    sc_result_free(r);
    return st;
}
