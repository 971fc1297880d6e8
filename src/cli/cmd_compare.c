/*
 * cmd_compare.c — `sendcast compare A.h5 B.h5 [-o DIFF.h5] [--force] [--quiet]
 * [--independent]`: read both results → check they pair → paired differences
 * → table (and DIFF.h5) → free. --independent pairs runs with different seeds
 * on purpose, only to measure what common random numbers gain (docs/compare.md).
 */
#include <stdio.h>
#include <string.h>

#include "sendcast/cli.h"
#include "sendcast/compare.h"
#include "sendcast/outfile.h"
#include "sendcast/result.h"

typedef struct compare_options {
    const char *a, *b, *output;
    int force, quiet, independent;
} compare_options;

static int take_option(int c, const char *arg, void *ctx, sc_error *e)
{
    compare_options *o = ctx;
    switch (c) {
    case 'o': o->output = arg; return SC_OK;
    case 'f': o->force = 1; return SC_OK;
    case 'q': o->quiet = 1; return SC_OK;
    case 'i': o->independent = 1; return SC_OK;
    default: return SC_NEVER(e);
    }
}

static int parse_compare_options(int argc, char **argv, compare_options *o, sc_error *e)
{
    static const struct option longs[] = {
        {"output", required_argument, NULL, 'o'}, {"force", no_argument, NULL, 'f'},
        {"quiet", no_argument, NULL, 'q'}, {"independent", no_argument, NULL, 'i'},
        {NULL, 0, NULL, 0}};
    memset(o, 0, sizeof *o);
    int first, st = sc_cli_getopt(argc, argv, "o:", longs, take_option, o, &first, e);
    if (st)
        return st;
    if (first != argc - 2)
        return SC_ERROR(e, SC_EINPUT, "compare: expected two result files, A.h5 and B.h5");
    o->a = argv[first];
    o->b = argv[first + 1];
    return SC_OK;
}

int sc_cli_compare(int argc, char **argv, sc_error *e)
{
    compare_options o;
    sc_result *a = NULL, *b = NULL;
    sc_compare *c = NULL;
    int st = parse_compare_options(argc, argv, &o, e);
    const char *const inputs[2] = { o.a, o.b };
    if (!st && o.output)   /* never over an input, a device, or without --force */
        st = sc_outfile_check(o.output, o.force, inputs, 2, e);
    if (!st) st = sc_result_read(o.a, &a, e);
    if (!st) st = sc_result_read(o.b, &b, e);
    if (!st) st = sc_compare_compute(a, b, o.independent, &c, e);
    if (!st && o.output)
        st = sc_compare_write_h5(c, o.output, o.force, e);
    if (!st && !o.quiet) {
        sc_compare_print(stdout, c);
        if (o.output)
            printf("\nWrote %s\n", o.output);
    }
    sc_compare_free(c);
    sc_result_free(b);
    sc_result_free(a);
    return st;
}
