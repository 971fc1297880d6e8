/*
 * backtest.c — `sendcast backtest SCENARIO.yaml --until YEAR`: read → make the
 * back-test (base year YEAR, fit on history <= YEAR) → lay out → simulate the
 * held-out years → score against history → print, and write with -o.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <omp.h>

#include "sendcast/backtest.h"
#include "sendcast/cli.h"
#include "sendcast/layout.h"
#include "sendcast/scenario.h"
#include "sendcast/simulate.h"
#include "sendcast/summary.h"
#include "sendcast/write.h"

typedef struct bt_options {
    const char *scenario, *output;
    long until, trajectories;
    uint64_t seed;
    int seed_given, threads, force, quiet, fixed;
} bt_options;

static int parse_option(int c, bt_options *o, char **argv, sc_error *e)
{
    long v;
    int st = SC_OK;
    switch (c) {
    case 'u': st = sc_cli_parse_long(optarg, "--until", 1000, 9999, &o->until, e); break;
    case 'n': st = sc_cli_parse_long(optarg, "-n", 1, 1000000000L, &o->trajectories, e); break;
    case 's':
        st = sc_cli_parse_seed(optarg, &o->seed, e);
        o->seed_given = 1;
        break;
    case 't':
        if (!(st = sc_cli_parse_long(optarg, "-t", 1, 4096, &v, e)))
            o->threads = (int)v;
        break;
    case 'o': o->output = optarg; break;
    case 'f': o->force = 1; break;
    case 'q': o->quiet = 1; break;
    case 'x': o->fixed = 1; break;
    case ':': return SC_ERROR(e, SC_EINPUT, "option %s needs a value", argv[optind - 1]);
    default: return SC_ERROR(e, SC_EINPUT, "unknown option %s", argv[optind - 1]);
    }
    return st;
}

static int parse_options(int argc, char **argv, bt_options *o, sc_error *e)
{
    static const struct option longopts[] = {
        {"until", required_argument, NULL, 'u'}, {"force", no_argument, NULL, 'f'},
        {"quiet", no_argument, NULL, 'q'}, {"output", required_argument, NULL, 'o'},
        {"no-parameter-uncertainty", no_argument, NULL, 'x'},
        {NULL, 0, NULL, 0}};
    int c, st;
    memset(o, 0, sizeof *o);
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":n:s:t:o:", longopts, NULL)) != -1)
        if ((st = parse_option(c, o, argv, e)))
            return st;
    if (optind != argc - 1)
        return SC_ERROR(e, SC_EINPUT, "backtest: expected one scenario file%s",
                        optind < argc - 1 ? ", got several" : "");
    if (!o->until)
        return SC_ERROR(e, SC_EINPUT, "backtest: --until YEAR is required (the last "
                        "history year the fit may see)");
    o->scenario = argv[optind];
    return SC_OK;
}

static int simulate_and_score(sc_scenario *s, const bt_options *o, sc_backtest *bt,
                              sc_error *e)
{
    sc_layout layout;
    sc_summary *sum = NULL;
    sc_layout_init(&layout, s);
    int st = sc_summary_alloc(&layout, s->trajectories, s->npercentiles, s->percentiles, &sum, e);
    if (!st) {
        char what[SC_ID_MAX + 32];
        snprintf(what, sizeof what, "back-testing %s to %d", s->name, bt->until);
        sc_cli_progress progress;
        sc_cli_progress_init(&progress, what, o->quiet);
        sc_sim_options sim;
        memset(&sim, 0, sizeof sim);
        sim.threads = o->threads ? o->threads : omp_get_num_procs();
        sim.progress = sc_cli_progress_update;
        sim.progress_ctx = &progress;
        st = sc_sim_run(s, &layout, s->seed, s->trajectories, &sim, sum, e);
    }
    if (!st)
        st = sc_backtest_score(s, &layout, sum, bt, e);
    sc_summary_free(sum);
    return st;
}

int sc_cli_backtest(int argc, char **argv, sc_error *e)
{
    bt_options o;
    sc_scenario *s = NULL;
    static sc_backtest bt_zero;
    sc_backtest bt = bt_zero;
    int st = parse_options(argc, argv, &o, e);
    if (st)
        return st;
    if ((st = sc_cli_read_scenario(o.scenario, o.trajectories, o.seed_given, o.seed, &s, e)))
        return st;
    if (o.output && (st = sc_write_check_target(o.output, o.force, e)))
        goto done;
    if ((st = sc_backtest_prepare(s, (int)o.until, &bt, e)))
        goto done;
    if (o.fixed)
        sc_backtest_fix_parameters(s);
    if ((st = simulate_and_score(s, &o, &bt, e)))
        goto done;
    if (o.output && (st = sc_backtest_write_h5(o.output, o.force, s, &bt, e)))
        goto done;
    if (!o.quiet) {
        if (o.fixed)
            puts("Diagnostic: every parameter fixed at its mean (no parameter uncertainty).");
        sc_backtest_print(stdout, s, &bt);
        if (o.output)
            printf("Wrote %s.\n", o.output);
    }
done:
    if (st != SC_OK)
        SC_CONTEXT(e, "while back-testing %s to %ld", o.scenario, o.until);
    sc_scenario_free(s);
    return st;
}
