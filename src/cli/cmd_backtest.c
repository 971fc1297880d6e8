/*
 * cmd_backtest.c — `sendcast backtest SCENARIO.yaml --until YEAR`:
 *
 *   read the scenario -> make its back-test (its own scenario: base year
 *   YEAR, fitted on history <= YEAR) -> the engine simulates the held-out
 *   years, keeping the scored cells trajectory by trajectory -> score them
 *   against history -> write (-o) and print -> free, in reverse order.
 *
 * Through the engine, a back-test runs in bounded memory and across MPI
 * ranks as `run` does.
 */
#include <omp.h>
#include <stdio.h>
#include <string.h>

#include "sendcast/backtest.h"
#include "sendcast/cli.h"
#include "sendcast/engine.h"
#include "sendcast/layout.h"
#include "sendcast/params.h"
#include "sendcast/ranks.h"
#include "sendcast/scenario.h"
#include "sendcast/summary.h"
#include "sendcast/write.h"

typedef struct bt_options {
    const char *scenario;
    sc_cli_common common;   /* -n -s -t -o --force --quiet */
    long until;
    long memory_mb;         /* --memory MB: keep every record only below this */
    int fixed;              /* --no-parameter-uncertainty */
} bt_options;

static int take_option(int c, const char *arg, void *ctx, sc_error *e)
{
    bt_options *o = ctx;
    int taken, st = sc_cli_common_option(c, arg, &o->common, &taken, e);
    if (taken)
        return st;
    switch (c) {
    case 'u': return sc_cli_parse_long(arg, "--until", 1000, 9999, &o->until, e);
    case 'x': o->fixed = 1; return SC_OK;
    case 'M': return sc_cli_parse_long(arg, "--memory", 1, 1L << 40, &o->memory_mb, e);
    default: return SC_NEVER(e);
    }
}

static int parse_options(int argc, char **argv, bt_options *o, sc_error *e)
{
    static const struct option longs[] = {
        SC_CLI_COMMON_LONGS,
        {"until", required_argument, NULL, 'u'},
        {"no-parameter-uncertainty", no_argument, NULL, 'x'},
        {"memory", required_argument, NULL, 'M'},
        {NULL, 0, NULL, 0}};
    memset(o, 0, sizeof *o);
    o->memory_mb = SC_ENGINE_MEMORY_MB;
    int first, st = sc_cli_getopt(argc, argv, SC_CLI_COMMON_SHORTS, longs, take_option, o,
                                  &first, e);
    if (st)
        return st;
    if ((st = sc_cli_expect_one(argc, first, "backtest", "scenario", e)))
        return st;
    if (!o->until)
        return SC_ERROR(e, SC_EINPUT, "backtest: --until YEAR is required (the last "
                        "history year the fit may see)");
    o->scenario = argv[first];
    return SC_OK;
}

/* The engine over the back-test scenario b, keeping the cells the score reads. */
static int simulate(const sc_scenario *b, const sc_params *p, const bt_options *o,
                    const sc_backtest *bt, sc_summary **sum, sc_error *e)
{
    sc_layout l;
    sc_layout_init(&l, b);
    size_t cells[SC_BT_NMETRICS * SC_MAX_HORIZON];
    char what[SC_ID_MAX + 32];
    snprintf(what, sizeof what, "back-testing %s to %d", b->name, bt->until);
    sc_cli_progress progress;
    sc_cli_progress_init(&progress, what, o->common.quiet || sc_ranks_rank() != 0);
    sc_engine_options eo;
    sc_engine_options_init(&eo, b);
    eo.threads = o->common.threads ? o->common.threads : omp_get_num_procs();
    eo.memory_mb = o->memory_mb;
    eo.distribute = 1;
    eo.keep_cells = cells;
    eo.nkeep_cells = sc_backtest_cells(bt, &l, cells);
    eo.progress = sc_cli_progress_update;
    eo.pass_note = sc_cli_progress_pass;
    eo.progress_ctx = &progress;
    return sc_engine_run(b, p, &eo, sum, e);
}

int sc_cli_backtest(int argc, char **argv, sc_error *e)
{
    bt_options o;
    sc_scenario *s = NULL, *b = NULL;
    sc_params *p = NULL;
    sc_summary *sum = NULL;
    sc_backtest bt;
    const int root = sc_ranks_rank() == 0;
    int st = parse_options(argc, argv, &o, e);
    if (st)
        return st;
    if ((st = sc_cli_read_scenario(o.scenario, &o.common, &s, e)))                /* read */
        return st;
    if (o.common.output)
        st = sc_ranks_agree(root ? sc_write_check_target(o.common.output, o.common.force, s, e)
                                 : SC_OK, e);
    if (!st)
        st = sc_backtest_prepare(s, (int)o.until, &b, &p, &bt, e);                 /* fit */
    if (!st && o.fixed)
        sc_params_fix_at_means(p);
    if (!st)
        st = simulate(b, p, &o, &bt, &sum, e);                                     /* engine */
    if (st || !root)
        goto done;
    sc_layout l;
    sc_layout_init(&l, b);
    if ((st = sc_backtest_score(&l, sum, &bt, e)))                                 /* score */
        goto done;
    if (o.common.output && (st = sc_backtest_write_h5(o.common.output, o.common.force, b, p,
                                                      &bt, e)))                    /* write */
        goto done;
    if (!o.common.quiet) {
        if (o.fixed)
            puts("Diagnostic: every parameter fixed at its mean (no parameter uncertainty).");
        sc_backtest_print(stdout, b, p, &bt);
        if (o.common.output)
            printf("Wrote %s.\n", o.common.output);
    }
done:
    if (st != SC_OK)
        SC_CONTEXT(e, "while back-testing %s to %ld", o.scenario, o.until);
    sc_summary_free(sum);
    sc_params_free(p);
    sc_scenario_free(b);
    sc_scenario_free(s);
    return st;
}
