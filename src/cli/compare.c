/*
 * compare.c — `sendcast compare A.h5 B.h5 [-o DIFF.h5] [--force] [--quiet]
 * [--independent]`: read both results → check they pair → paired differences
 * → table (and DIFF.h5) → free. --independent pairs runs with different seeds
 * on purpose, only to measure what common random numbers gain (docs/compare.md).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "sendcast/cli.h"
#include "sendcast/compare.h"
#include "sendcast/result.h"

typedef struct compare_options {
    const char *a, *b, *output;
    int force, quiet, independent;
} compare_options;

static int parse_compare_options(int argc, char **argv, compare_options *o, sc_error *e)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'}, {"force", no_argument, NULL, 'f'},
        {"quiet", no_argument, NULL, 'q'}, {"independent", no_argument, NULL, 'i'},
        {NULL, 0, NULL, 0}};
    int c;
    memset(o, 0, sizeof *o);
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":o:", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': o->output = optarg; break;
        case 'f': o->force = 1; break;
        case 'q': o->quiet = 1; break;
        case 'i': o->independent = 1; break;
        case ':': return SC_ERROR(e, SC_EINPUT, "option %s needs a value", argv[optind - 1]);
        default: return SC_ERROR(e, SC_EINPUT, "unknown option %s", argv[optind - 1]);
        }
    }
    if (optind != argc - 2)
        return SC_ERROR(e, SC_EINPUT, "compare: expected two result files, A.h5 and B.h5");
    o->a = argv[optind];
    o->b = argv[optind + 1];
    return SC_OK;
}

int sc_cli_compare(int argc, char **argv, sc_error *e)
{
    compare_options o;
    sc_result *a = NULL, *b = NULL;
    sc_compare *c = NULL;
    int st = parse_compare_options(argc, argv, &o, e);
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
