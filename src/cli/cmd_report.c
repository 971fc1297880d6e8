/*
 * cmd_report.c — `sendcast report RESULT.h5 [--compare OTHER.h5] -o REPORT.html
 * [--force] [--quiet]`: check the page's name → read the result (and the
 * other run) → pair them (RESULT − OTHER, OTHER being the baseline) → write
 * the page → free. The page never replaces an existing file without --force,
 * either result file under any name, or anything that is not a regular file.
 */
#include <stdio.h>
#include <string.h>

#include "sendcast/cli.h"
#include "sendcast/compare.h"
#include "sendcast/outfile.h"
#include "sendcast/report.h"
#include "sendcast/result.h"

typedef struct report_options {
    const char *result, *other, *output;
    int quiet, force, real;
} report_options;

static int take_option(int c, const char *arg, void *ctx, sc_error *e)
{
    report_options *o = ctx;
    switch (c) {
    case 'c': o->other = arg; return SC_OK;
    case 'o': o->output = arg; return SC_OK;
    case 'q': o->quiet = 1; return SC_OK;
    case 'f': o->force = 1; return SC_OK;
    case 'r': o->real = 1; return SC_OK;
    default: return SC_NEVER(e);
    }
}

static int parse_report_options(int argc, char **argv, report_options *o, sc_error *e)
{
    static const struct option longs[] = {
        {"compare", required_argument, NULL, 'c'}, {"output", required_argument, NULL, 'o'},
        {"quiet", no_argument, NULL, 'q'}, {"force", no_argument, NULL, 'f'},
        {"real", no_argument, NULL, 'r'}, {NULL, 0, NULL, 0}};
    memset(o, 0, sizeof *o);
    int first, st = sc_cli_getopt(argc, argv, "o:", longs, take_option, o, &first, e);
    if (st)
        return st;
    if (first != argc - 1)
        return SC_ERROR(e, SC_EINPUT, "report: expected one result file");
    if (!o->output)
        return SC_ERROR(e, SC_EINPUT, "report: say where to write the page: -o REPORT.html");
    o->result = argv[first];
    return SC_OK;
}

int sc_cli_report(int argc, char **argv, sc_error *e)
{
    report_options o;
    sc_result *r = NULL, *other = NULL;
    sc_compare *c = NULL;
    int st = parse_report_options(argc, argv, &o, e);
    const char *const inputs[2] = { o.result, o.other };
    if (!st) st = sc_outfile_check(o.output, o.force, inputs, 2, e);
    if (!st) st = sc_result_read(o.result, &r, e);
    if (!st && o.other) st = sc_result_read(o.other, &other, e);
    /* both runs in base-year prices, so the paired differences are too */
    if (!st && o.real) st = sc_result_real_terms(r, e);
    if (!st && o.real && other) st = sc_result_real_terms(other, e);
    if (!st && other) st = sc_compare_compute(other, r, 0, &c, e);
    if (!st) st = sc_report_html(r, c, o.output, o.force, e);
    if (!st && !o.quiet)
        printf("Wrote %s\n", o.output);
    sc_compare_free(c);
    sc_result_free(other);
    sc_result_free(r);
    return st;
}
