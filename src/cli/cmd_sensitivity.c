/*
 * cmd_sensitivity.c — `sendcast sensitivity RESULT.h5 [--output NAME] [--year Y]
 * [--top K] [--stress INPUT:LO-HI ...] [--csv FILE] [--charts DIR] [-t T]
 * [--quiet]`: read what the result keeps (the parameter draws, the outputs
 * of the same trajectories, the layered fan) → the sensitivity table →
 * print it, the layered fan and any stress test → write the CSV and charts
 * asked for → free. No simulation: everything comes from the file.
 */
#include <stdio.h>
#include <string.h>

#include "sendcast/cli.h"
#include "sendcast/sens_output.h"
#include "sendcast/sensitivity.h"

#define MAX_STRESS 8

typedef struct sens_options {
    const char *result, *output, *year, *csv, *charts;
    const char *stress[MAX_STRESS];
    int nstress;
    long top, threads;
    int quiet, force;
} sens_options;

static int take_option(int c, const char *arg, void *ctx, sc_error *e)
{
    sens_options *o = ctx;
    switch (c) {
    case 'O': o->output = arg; return SC_OK;
    case 'y': o->year = arg; return SC_OK;
    case 'k': return sc_cli_parse_long(arg, "--top", 1, 1000, &o->top, e);
    case 't': return sc_cli_parse_long(arg, "-t", 1, 4096, &o->threads, e);
    case 'c': o->csv = arg; return SC_OK;
    case 'g': o->charts = arg; return SC_OK;
    case 'q': o->quiet = 1; return SC_OK;
    case 'f': o->force = 1; return SC_OK;
    case 'S':
        if (o->nstress == MAX_STRESS)
            return SC_ERROR(e, SC_EINPUT, "--stress: at most %d conditions", MAX_STRESS);
        o->stress[o->nstress++] = arg;
        return SC_OK;
    default: return SC_NEVER(e);
    }
}

static int parse_options(int argc, char **argv, sens_options *o, sc_error *e)
{
    static const struct option longs[] = {
        {"output", required_argument, NULL, 'O'}, {"year", required_argument, NULL, 'y'},
        {"top", required_argument, NULL, 'k'}, {"threads", required_argument, NULL, 't'},
        {"stress", required_argument, NULL, 'S'}, {"csv", required_argument, NULL, 'c'},
        {"charts", required_argument, NULL, 'g'}, {"quiet", no_argument, NULL, 'q'},
        {"force", no_argument, NULL, 'f'}, {NULL, 0, NULL, 0}};
    memset(o, 0, sizeof *o);
    o->top = 10;
    int first, st = sc_cli_getopt(argc, argv, "t:", longs, take_option, o, &first, e);
    if (st)
        return st;
    if ((st = sc_cli_expect_one(argc, first, "sensitivity", "result", e)))
        return st;
    o->result = argv[first];
    return sc_cli_check_result_outputs(o->result, o->csv, o->charts, o->force, e);
}

/* --output NAME: one of the outputs, or -1 (every headline one). */
static int which_output(const sens_options *o, int *out, sc_error *e)
{
    *out = -1;
    if (!o->output)
        return SC_OK;
    *out = sc_sens_output_find(o->output);
    if (*out >= 0)
        return SC_OK;
    char list[512] = "";
    for (int k = 0; k < SC_SENS_NOUTPUTS; k++) {
        strncat(list, sc_sens_outputs[k].name, sizeof list - strlen(list) - 1);
        strncat(list, k + 1 < SC_SENS_NOUTPUTS ? ", " : "", sizeof list - strlen(list) - 1);
    }
    return SC_ERROR(e, SC_EINPUT, "--output %s: expected one of %s", o->output, list);
}

/* Print, then write what was asked for. */
static int report(const sens_options *o, const sc_sens_data *d, const sc_sens_table *t, int only,
                  int y, const sc_sens_condition *c, sc_error *e)
{
    sc_sens_stress *s = NULL;
    int st = o->nstress ? sc_sens_stress_run(d, c, o->nstress, &s, e) : SC_OK;
    if (!st && !o->quiet) {
        sc_sens_print(stdout, d, t, only, y, (int)o->top);
        sc_sens_print_layers(stdout, d);
        if (s)
            sc_sens_print_stress(stdout, d, c, o->nstress, s);
    }
    if (!st && o->csv && !(st = sc_sens_csv(d, t, o->csv, o->force, e)) && !o->quiet)
        printf("Wrote %s\n", o->csv);
    int n = 0;
    if (!st && o->charts && !(st = sc_cli_make_folder(o->charts, e))
        && !(st = sc_sens_export_charts(d, t, y, NULL, o->charts, o->force, &n, e)) && !o->quiet)
        printf("Wrote %d charts (PNG and SVG) into %s\n", n, o->charts);
    sc_sens_stress_free(s);
    return st;
}

int sc_cli_sensitivity(int argc, char **argv, sc_error *e)
{
    sens_options o;
    sc_sens_data *d = NULL;
    sc_sens_table *t = NULL;
    sc_sens_condition c[MAX_STRESS];
    int only = -1, y = 0;
    int st = parse_options(argc, argv, &o, e);
    if (!st) st = which_output(&o, &only, e);
    if (!st) st = sc_sens_data_read(o.result, &d, e);
    if (!st) {
        y = d->years - 1;
        if (o.year)
            st = sc_sens_year_index(d, o.year, &y, e);
    }
    for (int k = 0; !st && k < o.nstress; k++)
        st = sc_sens_condition_parse(d, o.stress[k], &c[k], e);
    if (!st && only >= 0 && !d->out[only])
        st = SC_ERROR(e, SC_EINPUT, "--output %s: %s has no such output (a scenario without "
                      "the money it needs?)", o.output, o.result);
    if (!st) st = sc_sens_analyse(d, (int)o.threads, &t, e);
    if (!st) st = report(&o, d, t, only, y, c, e);
    if (st && o.result)
        SC_CONTEXT(e, "while analysing %s", o.result);
    sc_sens_table_free(t);
    sc_sens_data_free(d);
    return st;
}
