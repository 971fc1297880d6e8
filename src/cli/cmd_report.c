/*
 * cmd_report.c — `sendcast report RESULT.h5 [--compare OTHER.h5] -o REPORT.html
 * [--total T] [--year Y] [--risk P] [--force] [--quiet]`: check the page's
 * name → read the result (and the other run) → pair them (RESULT − OTHER,
 * OTHER being the baseline) → write the page → free. --total, --year and
 * --risk set the budgets section (sendcast budgets). The page never replaces
 * an existing file without --force, either result file under any name, or
 * anything that is not a regular file.
 */
#include <stdio.h>
#include <string.h>

#include "sendcast/alloc.h"
#include "sendcast/cli.h"
#include "sendcast/compare.h"
#include "sendcast/h5.h"
#include "sendcast/outfile.h"
#include "sendcast/report.h"
#include "sendcast/result.h"
#include "sendcast/sens_output.h"
#include "sendcast/sensitivity.h"

typedef struct report_options {
    const char *result, *other, *output;
    const char *total, *risk;       /* the budgets section's (sens_output.h) */
    sc_sens_report_options sens;
    int quiet, force, real;
} report_options;

static int take_option(int c, const char *arg, void *ctx, sc_error *e)
{
    report_options *o = ctx;
    switch (c) {
    case 'c': o->other = arg; return SC_OK;
    case 'o': o->output = arg; return SC_OK;
    case 'q': o->quiet = 1; return SC_OK;
    case 'T': o->total = arg; return SC_OK;
    case 'y': o->sens.year = arg; return SC_OK;
    case 'r': o->risk = arg; return SC_OK;
    case 'f': o->force = 1; return SC_OK;
    case 'R': o->real = 1; return SC_OK;
    default: return SC_NEVER(e);
    }
}

static int parse_report_options(int argc, char **argv, report_options *o, sc_error *e)
{
    static const struct option longs[] = {
        {"compare", required_argument, NULL, 'c'}, {"output", required_argument, NULL, 'o'},
        {"quiet", no_argument, NULL, 'q'}, {"total", required_argument, NULL, 'T'},
        {"year", required_argument, NULL, 'y'}, {"risk", required_argument, NULL, 'r'},
        {"force", no_argument, NULL, 'f'}, {"real", no_argument, NULL, 'R'},
        {NULL, 0, NULL, 0}};
    memset(o, 0, sizeof *o);
    int first, st = sc_cli_getopt(argc, argv, "o:", longs, take_option, o, &first, e);
    if (st)
        return st;
    if (first != argc - 1)
        return SC_ERROR(e, SC_EINPUT, "report: expected one result file");
    if (!o->output)
        return SC_ERROR(e, SC_EINPUT, "report: say where to write the page: -o REPORT.html");
    o->result = argv[first];
    st = o->total ? sc_sens_parse_amount(o->total, "--total", &o->sens.total, e) : SC_OK;
    if (!st && o->total && !(o->sens.total > 0))
        st = SC_ERROR(e, SC_EINPUT, "--total: expected a positive amount in pounds (say 17m), "
                      "got %s", o->total);
    if (!st && o->risk)
        st = sc_sens_parse_amount(o->risk, "--risk", &o->sens.risk, e);
    if (!st && o->risk && !(o->sens.risk > 0 && o->sens.risk < 1))
        st = SC_ERROR(e, SC_EINPUT, "--risk: expected a probability strictly between 0 and 1 "
                      "(say 0.9), got %s", o->risk);
    return st;
}

/* A sweep's or an attribution's page (no --compare: they compare already). */
static int whatif_page(const report_options *o, const char *kind, sc_error *e)
{
    if (o->other)
        return SC_ERROR(e, SC_EINPUT, "report: --compare takes two result files; %s is a %s "
                        "file", o->result, kind);
    sc_whatif_sweep *s = NULL;
    sc_whatif_attribution *a = NULL;
    int st = !strcmp(kind, SC_FILE_SWEEP) ? sc_whatif_sweep_read(o->result, &s, e)
                                          : sc_whatif_attribution_read(o->result, &a, e);
    if (!st)
        st = s ? sc_report_sweep_html(s, o->output, o->force, e)
                 : sc_report_attribution_html(a, o->output, o->force, e);
    if (!st && !o->quiet)
        printf("Wrote %s\n", o->output);
    sc_whatif_sweep_free(s);
    sc_free(a);
    return st;
}

int sc_cli_report(int argc, char **argv, sc_error *e)
{
    report_options o;
    sc_result *r = NULL, *other = NULL;
    sc_compare *c = NULL;
    char kind[64] = "";
    int st = parse_report_options(argc, argv, &o, e);
    const char *const inputs[2] = { o.result, o.other };
    if (!st) st = sc_outfile_check(o.output, o.force, inputs, 2, e);
    if (!st) st = sc_h5_file_kind(o.result, kind, sizeof kind, e);
    if (!st && (!strcmp(kind, SC_FILE_SWEEP) || !strcmp(kind, SC_FILE_ATTRIBUTION)))
        return whatif_page(&o, kind, e);
    if (!st) st = sc_result_read(o.result, &r, e);
    if (!st && o.other) st = sc_result_read(o.other, &other, e);
    /* both runs in base-year prices, so the paired differences are too */
    if (!st && o.real) st = sc_result_real_terms(r, e);
    if (!st && o.real && other) st = sc_result_real_terms(other, e);
    if (!st && other) st = sc_compare_compute(other, r, 0, &c, e);
    if (!st) st = sc_report_html_with(r, c, &o.sens, o.output, o.force, e);
    if (!st && !o.quiet)
        printf("Wrote %s\n", o.output);
    sc_compare_free(c);
    sc_result_free(other);
    sc_result_free(r);
    return st;
}
