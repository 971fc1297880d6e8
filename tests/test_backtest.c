/*
 * test_backtest.c — back-testing (src/backtest) and the `fit` and `backtest`
 * commands.
 *
 * - Preparing a back-test moves the base year, keeps the held-out years'
 *   observations, and rescales the base-year stock to history's plans_open
 *   exactly (whole plans, largest remainder).
 * - Scoring: PIT with the mid-rank for ties, type-7 quantiles and the
 *   empirical CRPS, checked against a hand computation on a tiny sample.
 * - The commands: `fit` prints the Kirklees table, `backtest` on Kirklees runs
 *   end to end and writes its HDF5 file; bad --until and bad history exit 2
 *   naming the file (and row and column).
 * Runs the built binary (SC_BIN, default build/sendcast) from the repository root.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "cli_util.h"
#include "test_util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "sendcast/library.h"
#include "sendcast/backtest.h"
#include "sendcast/engine.h"
#include "sendcast/params.h"
#include "sendcast/layout.h"
#include "sendcast/scenario.h"
#include "sendcast/summary.h"

#define SMALL "tests/data/fit/small.yaml"

/* A scenario and its back-test: the back-test's own scenario and parameters. */
typedef struct prepared {
    sc_scenario *s, *b;
    sc_params *p;
    sc_backtest bt;
} prepared;

static prepared *prepare(int until)
{
    prepared *f = calloc(1, sizeof *f);
    sc_error e;
    if (sc_scenario_read(SMALL, &f->s, &e) != SC_OK)
        fail_msg("%s", e.msg);
    if (sc_backtest_prepare(f->s, until, &f->b, &f->p, &f->bt, &e) != SC_OK)
        fail_msg("%s", e.msg);
    return f;
}

static void unprepare(prepared *f)
{
    sc_params_free(f->p);
    sc_scenario_free(f->b);
    sc_scenario_free(f->s);
    free(f);
}

static void test_prepare(void **state)
{
    (void)state;
    prepared *f = prepare(2021);
    const sc_scenario *s = f->b;
    const sc_backtest bt = f->bt;
    assert_int_equal(s->base_year, 2021);
    assert_int_equal(s->horizon, 2);
    assert_int_equal(bt.years, 2);
    /* Stock: 150 plans in the scenario (bands 70, arp 6, special 40, ...), 540 in history. */
    assert_close(bt.scenario_plans, 150, 0);
    int64_t total = 0;
    for (int c = 0; c < s->nclusters; c++) {
        int64_t bands = 0;
        for (int b = 0; b < s->nbands; b++)
            bands += s->clusters[c].band_stock[b];
        assert_int_equal(s->clusters[c].placement_stock[SC_PL_MAINSTREAM], bands);
        for (int p = 0; p < SC_NPLACEMENTS; p++)
            total += s->clusters[c].placement_stock[p];
    }
    assert_int_equal(total, 540);
    /* c1's band 1 was 30 of 150: 108 of 540 exactly. */
    assert_int_equal(s->clusters[0].band_stock[0], 108);
    /* Held-out observations (history.csv 2022, 2023). */
    assert_close(bt.obs[SC_BT_REQUESTS][0], 281, 0);
    assert_close(bt.obs[SC_BT_REQUESTS][1], 330, 0);
    assert_close(bt.obs[SC_BT_ASSESSMENTS][1], 190, 0);
    assert_close(bt.obs[SC_BT_NEW_PLANS][0], 150, 0);
    assert_close(bt.obs[SC_BT_PLANS_TOTAL][1], 650, 0);
    assert_close(bt.obs[SC_BT_CEASED][0], 44, 0);
    /* Fitted on 2016-2021 only; no targets. */
    assert_int_equal(bt.fit.n[SC_P_CONVERSION], 6);
    assert_int_equal(sc_params_dist(f->p, SC_P_CONVERSION)->kind, SC_DIST_BVNORMAL);
    assert_true(isnan(s->target[1]));
    unprepare(f);
}

/* The scenario a back-test is made from stays as read: the back-test has a
 * scenario and parameters of its own (the scenario is documented read-only,
 * and sweeps and calibrations run one scenario many times). */
static void test_prepare_leaves_the_scenario(void **state)
{
    (void)state;
    sc_scenario *fresh = NULL;
    sc_error e;
    assert_int_equal(sc_scenario_read(SMALL, &fresh, &e), SC_OK);
    prepared *f = prepare(2021);
    const sc_scenario *s = f->s;
    assert_int_equal(s->base_year, fresh->base_year);
    assert_int_equal(s->horizon, fresh->horizon);
    assert_memory_equal(s->clusters, fresh->clusters, (size_t)s->nclusters * sizeof *s->clusters);
    assert_memory_equal(s->param, fresh->param, sizeof s->param);
    assert_memory_equal(s->ramp, fresh->ramp, sizeof s->ramp);
    assert_memory_equal(s->target, fresh->target, sizeof s->target);
    assert_int_equal(s->ninputs, fresh->ninputs);
    assert_memory_equal(s->cluster_budget, fresh->cluster_budget,
                        (size_t)(s->horizon + 1) * (size_t)s->nclusters * sizeof(double));
    assert_int_equal(s->param[SC_P_CONVERSION].kind, SC_DIST_FIT);   /* still to be fitted */
    assert_true(f->b->clusters != s->clusters && f->b->files != s->files);
    unprepare(f);
    sc_scenario_free(fresh);
}

static void test_prepare_refuses(void **state)
{
    (void)state;
    static sc_backtest bt;
    sc_scenario *s = NULL, *b = NULL;
    sc_params *p = NULL;
    sc_error e;
    assert_int_equal(sc_scenario_read(SMALL, &s, &e), SC_OK);
    assert_int_equal(sc_backtest_prepare(s, 2023, &b, &p, &bt, &e), SC_EINPUT);
    assert_non_null(strstr(e.msg, "held out"));
    assert_int_equal(sc_backtest_prepare(s, 2010, &b, &p, &bt, &e), SC_EINPUT);
    assert_null(b);
    assert_null(p);
    sc_scenario_free(s);
}

/* Seven trajectories whose requests in the first held-out year are
 * 1, 2, 2, 3, 5, 8, 13 (given unsorted); the observation 2 ties twice. */
static void test_score_by_hand(void **state)
{
    (void)state;
    prepared *f = prepare(2021);
    const sc_scenario *s = f->b;
    sc_layout l;
    sc_layout_init(&l, s);
    sc_summary *sum = NULL;
    sc_error e;
    assert_int_equal(sc_summary_alloc(&l, 7, s->npercentiles, s->percentiles, &sum, &e), SC_OK);
    static const double x[7] = { 8, 2, 13, 1, 5, 2, 3 };
    double *cells = calloc(l.ncells, sizeof *cells);
    for (long i = 0; i < 7; i++) {
        cells[sc_layout_cell(&l, SC_LEVEL_DISTRICT, SC_D_REQUESTS, 0, 0)] = x[i];
        sc_summary_store(sum, i, cells);
    }
    free(cells);
    sc_backtest bt = f->bt;
    bt.obs[SC_BT_REQUESTS][0] = 2;
    assert_int_equal(sc_backtest_score(&l, sum, &bt, &e), SC_OK);
    /* PIT: 1 below, 2 equal: (1 + 1) / 7. */
    assert_close(bt.pit[SC_BT_REQUESTS][0], 2.0 / 7, 1e-15);
    /* type 7: p5 at rank 0.3 -> 1.3; p25 at 1.5 -> 2; p50 at 3 -> 3; p75 at 4.5 -> 6.5; p95 at 5.7 -> 11.5 */
    const double *q = bt.q[SC_BT_REQUESTS][0];
    assert_close(q[0], 1.3, 1e-12);
    assert_close(q[1], 2, 1e-12);
    assert_close(q[2], 3, 1e-12);
    assert_close(q[3], 6.5, 1e-12);
    assert_close(q[4], 11.5, 1e-12);
    /* CRPS = mean|x - 2| - (1/2) mean|x - x'| by brute force. */
    double a = 0, b = 0;
    for (int i = 0; i < 7; i++) {
        a += fabs(x[i] - 2);
        for (int j = 0; j < 7; j++)
            b += fabs(x[i] - x[j]);
    }
    assert_close(bt.crps[SC_BT_REQUESTS][0], a / 7 - 0.5 * b / 49, 1e-12);
    /* The observation 2 is on p25, inside both bands. */
    sc_summary_free(sum);
    unprepare(f);
}

/* The back-test scored from a run in bounded memory (the engine keeping the
 * scored cells) is the one scored from every record, to the bit. */
static void test_score_in_bounded_memory(void **state)
{
    (void)state;
    prepared *f = prepare(2020);
    sc_layout l;
    sc_layout_init(&l, f->b);
    size_t cells[SC_BT_NMETRICS * SC_MAX_HORIZON];
    sc_engine_options o;
    sc_engine_options_init(&o, f->b);
    o.trajectories = 1500;
    o.threads = 2;
    o.keep_cells = cells;
    o.nkeep_cells = sc_backtest_cells(&f->bt, &l, cells);
    sc_backtest kept = f->bt, bounded = f->bt;
    sc_summary *a = NULL, *b = NULL;
    sc_error e;
    assert_int_equal(sc_engine_run(f->b, f->p, &o, &a, &e), SC_OK);
    o.memory_mb = 1;
    assert_int_equal(sc_engine_run(f->b, f->p, &o, &b, &e), SC_OK);
    assert_true(sc_summary_bounded(b));
    assert_int_equal(sc_backtest_score(&l, a, &kept, &e), SC_OK);
    assert_int_equal(sc_backtest_score(&l, b, &bounded, &e), SC_OK);
    assert_memory_equal(kept.q, bounded.q, sizeof kept.q);
    assert_memory_equal(kept.pit, bounded.pit, sizeof kept.pit);
    assert_memory_equal(kept.crps, bounded.crps, sizeof kept.crps);
    assert_true(kept.ncells > 0 && kept.crps_mean == bounded.crps_mean);
    sc_summary_free(a);
    sc_summary_free(b);
    unprepare(f);
}

static void test_fix_parameters(void **state)
{
    (void)state;
    prepared *f = prepare(2022);
    const sc_dist *assess = sc_params_dist(f->p, SC_P_ASSESS);
    double m = assess->p[0] / (assess->p[0] + assess->p[1]);
    sc_params_fix_at_means(f->p);
    for (int i = 0; i < SC_NPARAMS; i++) {
        enum sc_dist_kind k = sc_params_dist(f->p, (enum sc_param_id)i)->kind;
        assert_true(k == SC_DIST_FIXED || k == SC_DIST_POISSON);
    }
    assert_close(assess->value[0], m, 1e-15);
    double sum = 0;
    for (int j = 0; j < SC_NPLACEMENTS; j++)
        sum += sc_params_dist(f->p, SC_P_PLACEMENT_MIX)->value[j];
    assert_close(sum, 1, 1e-12);
    unprepare(f);
}

/* ---- the commands ---- */

static void expect_in(const char *out, const char *what)
{
    if (!strstr(out, what))
        fail_msg("expected \"%s\" in:\n%s", what, out);
}

static void test_fit_command(void **state)
{
    (void)state;
    static char out[16384];
    assert_int_equal(run(out, sizeof out, "%s fit scenarios/kirklees-clusters-v1.yaml", bin()), 0);
    expect_in(out, "alpha         -2.14983");
    expect_in(out, "beta           0.18411");
    expect_in(out, "k                118.6");
    expect_in(out, "requests 2016-2023 (8 years)");
    expect_in(out, "the base year's every year");
    expect_in(out, "Pearson chi2");
    expect_in(out, "p_assess: Beta posterior");
    /* Bad history: exit 2 with file, row and column. */
    assert_int_equal(run(out, sizeof out, "(d=$(mktemp -d) && cp " SMALL " $d/ && "
                         "sed 's/^2020,221,/2020,22x,/' tests/data/fit/history.csv > $d/history.csv && "
                         "%s fit $d/small.yaml; st=$?; rm -rf $d; exit $st)", bin()), 2);
    expect_in(out, "history.csv:6: column requests: expected a whole number");
    assert_int_equal(run(out, sizeof out, "%s fit", bin()), 2);
}

static void test_backtest_command(void **state)
{
    (void)state;
    static char out[16384];
    char h5[64] = "/tmp/sc_backtest_XXXXXX";
    int fd = mkstemp(h5);
    assert_true(fd >= 0);
    remove(h5);
    assert_int_equal(run(out, sizeof out, "%s backtest scenarios/kirklees-clusters-v1.yaml --until 2021 "
                         "-n 2000 -t 2 -o %s", bin(), h5), 0);
    expect_in(out, "forecast 2022-2023");
    expect_in(out, "requests      2022       981");
    expect_in(out, "Over 9 held-out cells");
    expect_in(out, "NOTE: p_assess uses history after 2021");
    struct stat sb;
    assert_int_equal(stat(h5, &sb), 0);
    /* Without --force the file is not replaced. */
    assert_int_equal(run(out, sizeof out, "%s backtest scenarios/kirklees-clusters-v1.yaml --until 2021 "
                         "-n 100 -o %s", bin(), h5), 2);
    expect_in(out, "--force");
    remove(h5);
    assert_int_equal(run(out, sizeof out, "%s backtest scenarios/kirklees-clusters-v1.yaml --until 2023",
                         bin()), 2);
    expect_in(out, "history.csv before its last");
    assert_int_equal(run(out, sizeof out, "%s backtest scenarios/kirklees-clusters-v1.yaml", bin()), 2);
    expect_in(out, "--until YEAR is required");
}

int main(void)
{
    sc_library_init();   /* as main() does: GSL never aborts (library.h) */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_prepare),
        cmocka_unit_test(test_prepare_leaves_the_scenario),
        cmocka_unit_test(test_prepare_refuses),
        cmocka_unit_test(test_score_by_hand),
        cmocka_unit_test(test_score_in_bounded_memory),
        cmocka_unit_test(test_fix_parameters),
        cmocka_unit_test(test_fit_command),
        cmocka_unit_test(test_backtest_command),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
