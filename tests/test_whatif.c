/*
 * test_whatif.c — sweeps, goal seeks and attributions (whatif.h) on small
 * scenarios.
 *
 * A sweep's point is the run of the scenario with that --set on the same
 * seed; points do not depend on threads; the file and CSV round-trip. A goal
 * seek finds the crossing a fine sweep shows, within its stated Monte Carlo
 * uncertainty, and says plainly when the range cannot reach the goal or holds
 * it throughout; bad expressions are refused naming what was expected. An
 * attribution's steps add up to NEW - OLD exactly; a change of levers alone
 * shows in the levers step alone; different base years are compared on the
 * years both forecast; --via steps run through the files given.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "sendcast/alloc.h"
#include "sendcast/engine.h"
#include "sendcast/fit.h"
#include "sendcast/layout.h"
#include "sendcast/params.h"
#include "sendcast/scenario.h"
#include "sendcast/summary.h"
#include "sendcast/whatif.h"
#include "test_util.h"

#define MINIMAL "tests/data/scenario/minimal.yaml"
#define ONE "tests/data/simulate/one-cluster.yaml"

static char tmpdir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/sc-whatif-XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static void settings(sc_whatif_settings *w, long n, int threads)
{
    sc_whatif_settings_init(w);
    w->trajectories = n;
    w->threads = threads;
}

static void axis(sc_whatif_axis *a, const char *arg)
{
    sc_error e;
    if (sc_whatif_axis_parse(arg, a, &e))
        fail_msg("%s", e.msg);
}

/* ---- sweep ---- */

/* Mean hnb_spend of the last year of `path` run alone with one --set. */
static double run_mean(const char *path, const char *set, long n, int metric)
{
    sc_scenario_edit ed;
    sc_error e;
    assert_int_equal(sc_scenario_edit_parse(set, &ed, &e), SC_OK);
    sc_scenario_read_options o;
    sc_scenario_read_options_init(&o);
    o.edits = &ed;
    o.nedits = 1;
    sc_scenario *s = NULL;
    if (sc_scenario_read_with(path, &o, &s, &e))
        fail_msg("%s", e.msg);
    sc_params *p = NULL;
    assert_int_equal(sc_fit_params(s, 0, &p, NULL, &e), SC_OK);
    sc_engine_options eo;
    sc_engine_options_init(&eo, s);
    eo.trajectories = n;
    sc_summary *sum = NULL;
    assert_int_equal(sc_engine_run(s, p, &eo, &sum, &e), SC_OK);
    double m = sc_summary_mean(sum, SC_LEVEL_DISTRICT, metric)[s->horizon - 1];
    sc_summary_free(sum);
    sc_params_free(p);
    sc_scenario_free(s);
    return m;
}

static void test_sweep(void **state)
{
    (void)state;
    sc_whatif_axis ax[2];
    axis(&ax[0], "parameters.p_issue=0.7,0.9");
    axis(&ax[1], "finance.fixed_lines=100000,{value: 2.385e5, status: estimate}");
    assert_int_equal(ax[1].nvalues, 2);
    assert_string_equal(ax[1].values[1], "{value: 2.385e5, status: estimate}");
    sc_whatif_settings w;
    settings(&w, 400, 1);
    sc_whatif_sweep *one = NULL, *two = NULL;
    sc_error e;
    if (sc_whatif_sweep_run(MINIMAL, ax, 2, NULL, 0, &w, &one, &e))
        fail_msg("%s", e.msg);
    assert_int_equal(one->npoints, 4);
    assert_string_equal(one->value[1][0], "0.7");
    assert_string_equal(one->value[1][1], "{value: 2.385e5, status: estimate}");
    assert_string_equal(one->value[2][0], "0.9");
    assert_int_equal(one->nmetric, 3);
    assert_int_equal(one->metric[0], SC_D_HNB_SPEND);
    assert_true(one->has_targets);

    /* Point 3 (p_issue 0.9, fixed lines 100000) is that run alone. */
    double m = run_mean(MINIMAL, "parameters.p_issue=0.9", 400, SC_D_HNB_SPEND);
    assert_close(one->point[2].mean[0][2], m, 1e-12 * m);   /* the same values, summed apart */
    /* Fixed lines are spent year by year: the two points differ by them. */
    assert_true(one->point[1].mean[0][0] > one->point[0].mean[0][0] + 100000);

    /* Threads change nothing. */
    w.threads = 2;
    assert_int_equal(sc_whatif_sweep_run(MINIMAL, ax, 2, NULL, 0, &w, &two, &e), SC_OK);
    assert_memory_equal(one->point, two->point, 4 * sizeof *one->point);

    /* The file and the CSV. */
    char h5[128], csv[128];
    snprintf(h5, sizeof h5, "%s/sweep.h5", tmpdir);
    snprintf(csv, sizeof csv, "%s/sweep.csv", tmpdir);
    assert_int_equal(sc_whatif_sweep_write_h5(one, NULL, h5, 0, "test", 1, &e), SC_OK);
    assert_int_equal(sc_whatif_sweep_write_h5(one, NULL, h5, 0, "test", 1, &e), SC_EEXIST);
    assert_int_equal(sc_whatif_sweep_csv(one, csv, 0, &e), SC_OK);
    sc_whatif_sweep *back = NULL;
    if (sc_whatif_sweep_read(h5, &back, &e))
        fail_msg("%s", e.msg);
    assert_int_equal(back->npoints, 4);
    assert_int_equal(back->naxes, 2);
    assert_string_equal(back->axis[1], "finance.fixed_lines");
    assert_string_equal(back->value[3][1], one->value[3][1]);
    assert_memory_equal(back->point, one->point, 4 * sizeof *one->point);
    char *text = read_text(csv);
    assert_non_null(strstr(text, "point,parameters.p_issue,finance.fixed_lines,year,hnb_spend_mean"));
    assert_non_null(strstr(text, "\"{value: 2.385e5, status: estimate}\""));
    free(text);
    sc_whatif_attribution *wrong = NULL;
    assert_int_equal(sc_whatif_attribution_read(h5, &wrong, &e), SC_EINPUT);
    assert_non_null(strstr(e.msg, "is a sendcast sweep file"));

    /* A bad value names its --set. */
    sc_whatif_axis bad;
    axis(&bad, "parameters.p_issue=0.5,1.5");
    sc_whatif_sweep *none = NULL;
    assert_int_equal(sc_whatif_sweep_run(MINIMAL, &bad, 1, NULL, 0, &w, &none, &e), SC_EINPUT);
    assert_non_null(strstr(e.msg, "--set parameters.p_issue=1.5"));
    assert_null(none);
    sc_whatif_axis_clear(&bad);
    assert_int_equal(sc_whatif_axis_parse("x=1,", &bad, &e), SC_EINPUT);
    assert_null(bad.values);

    sc_whatif_sweep_free(back);
    sc_whatif_sweep_free(one);
    sc_whatif_sweep_free(two);
    for (int a = 0; a < 2; a++)
        sc_whatif_axis_clear(&ax[a]);
}

/* Sweeps are bit-identical for 1 and 2 threads with a lever of every kind
 * (model 1 and model 2), the swept lever's effect and a parameter forming a
 * grid: each lever draws on its own keyed streams, so no draw depends on which
 * thread ran the trajectory. */
static void test_sweep_threads_with_levers(void **state)
{
    (void)state;
    static const char *const files[] = { "tests/data/scenario/levers.yaml",
                                         "tests/data/model_check/levers_v2.yaml" };
    static const char *const grids[][2] = {
        { "levers.arp-shift.effect=0.1,0.4", "parameters.p_issue=0.8,0.9" },
        { "levers.arp-shift.effect={dist: beta, mean: 0.3, sd: 0.1},0.8",
          "levers.early-help.effect=0.05,0.3" },
    };
    for (int f = 0; f < 2; f++) {
        sc_whatif_axis ax[2];
        axis(&ax[0], grids[f][0]);
        axis(&ax[1], grids[f][1]);
        sc_whatif_sweep *sw[2] = { NULL, NULL };
        for (int t = 0; t < 2; t++) {
            sc_whatif_settings w;
            settings(&w, 300, t + 1);
            sc_error e;
            if (sc_whatif_sweep_run(files[f], ax, 2, NULL, 0, &w, &sw[t], &e))
                fail_msg("%s: %s", files[f], e.msg);
        }
        assert_int_equal(sw[0]->npoints, 4);
        assert_memory_equal(sw[0]->point, sw[1]->point, 4 * sizeof *sw[0]->point);
        /* and the lever moved something: the points differ */
        assert_memory_not_equal(&sw[0]->point[0], &sw[0]->point[2], sizeof *sw[0]->point);
        sc_whatif_sweep_free(sw[0]);
        sc_whatif_sweep_free(sw[1]);
        sc_whatif_axis_clear(&ax[0]);
        sc_whatif_axis_clear(&ax[1]);
    }
}

/* ---- goal seek ---- */

static void test_expressions(void **state)
{
    (void)state;
    sc_whatif_expr x;
    sc_error e;
    assert_int_equal(sc_whatif_expr_parse("p_met[2025/26] >= 0.8", "--target", &x, &e), SC_OK);
    assert_int_equal(x.quantity, SC_WQ_P_MET);
    assert_int_equal(x.year, 2025);
    assert_int_equal(x.op, SC_WOP_GE);
    assert_int_equal(sc_whatif_expr_parse(" p50( cumulative_deficit )[2029] <= -1e6", "--target",
                                          &x, &e), SC_OK);
    assert_int_equal(x.quantity, SC_WQ_PCT);
    assert_close(x.q, 50, 0);
    assert_int_equal(x.metric, SC_D_CUMULATIVE_DEFICIT);
    assert_close(x.value, -1e6, 0);
    assert_int_equal(sc_whatif_expr_parse("mean(plans_total)[2025]<900", "t", &x, &e), SC_OK);
    assert_int_equal(x.op, SC_WOP_LT);
    assert_int_equal(sc_whatif_expr_parse("p_all_met > 0.5", "t", &x, &e), SC_OK);

    static const struct { const char *text, *word; } bad[] = {
        { "p_mett[2025] >= 0.8", "unknown output 'p_mett'" },
        { "p50(hnb_spendd)[2025] <= 1", "unknown output 'hnb_spendd'" },
        { "p_met[2025/27] >= 0.8", "a financial year such as 2027/28" },
        { "p_met[2025] = 0.8", "a comparison" },
        { "p_met[2025] >= 1.5", "a number in [0, 1]" },
        { "p_met >= 0.5", "[YEAR]" },
        { "p50(hnb_spend)[2025] <= 1 extra", "nothing after the number" },
        { "p150(hnb_spend)[2025] <= 1", "unknown output 'p150'" },
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        if (sc_whatif_expr_parse(bad[k].text, "--target", &x, &e) != SC_EINPUT)
            fail_msg("'%s' was taken", bad[k].text);
        if (!strstr(e.msg, bad[k].word) || !strstr(e.msg, "--target"))
            fail_msg("'%s': expected '%s' in: %s", bad[k].text, bad[k].word, e.msg);
    }
    /* Checked against a scenario: its years, its outputs, its targets. */
    sc_scenario *s = NULL;
    assert_int_equal(sc_scenario_read(MINIMAL, &s, &e), SC_OK);
    assert_int_equal(sc_whatif_expr_parse("p_met[2027/28] >= 0.8", "--target", &x, &e), SC_OK);
    assert_int_equal(sc_whatif_expr_check(&x, s, "--target", &e), SC_EINPUT);
    assert_non_null(strstr(e.msg, "2027/28 is not a year minimal-test simulates (2024/25 to 2026/27)"));
    assert_int_equal(sc_whatif_expr_parse("p_met[2024] >= 0.8", "--target", &x, &e), SC_OK);
    assert_int_equal(sc_whatif_expr_check(&x, s, "--target", &e), SC_EINPUT);
    assert_non_null(strstr(e.msg, "no target for 2024/25"));
    sc_scenario_free(s);
    assert_int_equal(sc_scenario_read("tests/data/scenario/demand.yaml", &s, &e), SC_OK);
    assert_int_equal(sc_whatif_expr_parse("mean(hnb_spend)[2024] <= 1", "--target", &x, &e), SC_OK);
    assert_int_equal(sc_whatif_expr_check(&x, s, "--target", &e), SC_EINPUT);
    assert_non_null(strstr(e.msg, "not an output"));
    sc_scenario_free(s);
}

/* p_met(NAME)[YEAR] and p_all_met(NAME): a target of the scenario's
 * `targets:` section, checked against the scenario's names and years. */
static void test_expressions_named_targets(void **state)
{
    (void)state;
    sc_whatif_expr x;
    sc_error e;
    assert_int_equal(sc_whatif_expr_parse("p_met( deficit_profile )[2025/26] >= 0.5", "--target",
                                          &x, &e), SC_OK);
    assert_int_equal(x.quantity, SC_WQ_P_MET);
    assert_string_equal(x.target, "deficit_profile");
    assert_int_equal(x.year, 2025);
    assert_int_equal(sc_whatif_expr_parse("p_all_met(plans_cap) > 0.2", "t", &x, &e), SC_OK);
    assert_int_equal(x.quantity, SC_WQ_P_ALL_MET);
    assert_string_equal(x.target, "plans_cap");
    assert_int_equal(sc_whatif_expr_parse("p_met[2025] >= 0.5", "t", &x, &e), SC_OK);
    assert_string_equal(x.target, "");      /* the Safety Valve's, as before */
    assert_int_equal(sc_whatif_expr_parse("p_met()[2025] >= 0.5", "--target", &x, &e), SC_EINPUT);
    assert_non_null(strstr(e.msg, "a target name"));
    assert_int_equal(sc_whatif_expr_parse("p_met(plans_cap[2025] >= 0.5", "--target", &x, &e),
                     SC_EINPUT);
    assert_non_null(strstr(e.msg, "')' after the target name"));
    sc_scenario *s = NULL;
    assert_int_equal(sc_scenario_read("tests/data/model_check/small.yaml", &s, &e), SC_OK);
    assert_int_equal(sc_whatif_expr_parse("p_met(plans_cap)[2026] >= 0.5", "t", &x, &e), SC_OK);
    assert_int_equal(sc_whatif_expr_check(&x, s, "--target", &e), SC_OK);
    assert_int_equal(sc_whatif_expr_parse("p_all_met(new_plans_floor) >= 0.5", "t", &x, &e), SC_OK);
    assert_int_equal(sc_whatif_expr_check(&x, s, "--target", &e), SC_OK);
    assert_int_equal(sc_whatif_expr_parse("p_met(plans_cap)[2025] >= 0.5", "t", &x, &e), SC_OK);
    assert_int_equal(sc_whatif_expr_check(&x, s, "--target", &e), SC_EINPUT);
    assert_non_null(strstr(e.msg, "target plans_cap has no value for 2025/26"));
    assert_int_equal(sc_whatif_expr_parse("p_met(nope)[2026] >= 0.5", "t", &x, &e), SC_OK);
    assert_int_equal(sc_whatif_expr_check(&x, s, "--target", &e), SC_EINPUT);
    assert_non_null(strstr(e.msg, "no target named nope"));
    sc_scenario_free(s);
}

/* Goal: mean new plans in 2025 of one-cluster.yaml at least 110, varying
 * p_issue (fixed; new plans = E[A] p_issue exactly on average): the answer
 * agrees with a fine sweep's crossing within its interval, and with the
 * closed form 110 / E[A] to Monte Carlo error. */
static void test_goalseek(void **state)
{
    (void)state;
    sc_whatif_settings w;
    settings(&w, 2000, 0);
    sc_whatif_expr x;
    sc_error e;
    assert_int_equal(sc_whatif_expr_parse("mean(new_plans)[2025] >= 110", "--target", &x, &e),
                     SC_OK);
    sc_whatif_goal g;
    if (sc_whatif_goalseek(ONE, "parameters.p_issue", 0.5, 1.0, &x, 0, &w, &g, &e))
        fail_msg("%s", e.msg);
    assert_int_equal(g.found, SC_WF_FOUND);
    assert_true(g.increasing);
    assert_true(g.runs >= 3 && g.runs <= 12);
    assert_true(g.lo < g.value && g.value < g.hi && g.se > 0);
    assert_int_equal(g.evals->npoints, g.runs);

    /* The sweep: assessments do not depend on p_issue (common random
     * numbers), so new plans rise in p_issue and the crossing is sharp. */
    sc_whatif_axis ax;
    axis(&ax, "parameters.p_issue=0.55,0.6,0.65,0.7,0.75,0.8,0.85,0.9,0.95");
    sc_whatif_sweep *s = NULL;
    static const char *const names[] = { "new_plans", "assessments" };
    assert_int_equal(sc_whatif_sweep_run(ONE, &ax, 1, names, 2, &w, &s, &e), SC_OK);
    int k = 0;
    while (k + 1 < s->npoints && s->point[k + 1].mean[0][1] < 110)
        k++;
    double f0 = s->point[k].mean[0][1], f1 = s->point[k + 1].mean[0][1];
    double x0 = 0.55 + 0.05 * k, crossing = x0 + 0.05 * (110 - f0) / (f1 - f0);
    if (fabs(crossing - g.value) > 0.01)
        fail_msg("goal seek %g, sweep crossing %g", g.value, crossing);
    double ea = s->point[0].mean[1][1];     /* E[A] in 2025: the same at every point */
    assert_close(110 / ea, g.value, 4 * g.se + 0.002);
    sc_whatif_sweep_free(s);
    sc_whatif_axis_clear(&ax);
    sc_whatif_goal_clear(&g);

    /* Out of reach, and met throughout: said plainly. */
    char text[512];
    assert_int_equal(sc_whatif_goalseek(ONE, "parameters.p_issue", 0.1, 0.2, &x, 0, &w, &g, &e),
                     SC_OK);
    assert_int_equal(g.found, SC_WF_NEVER);
    assert_int_equal(g.runs, 2);
    assert_close(g.best_value, 0.2, 0);
    sc_whatif_goal_describe(&g, "parameters.p_issue", &x, text, sizeof text);
    assert_non_null(strstr(text, "not attainable"));
    assert_non_null(strstr(text, "reaches"));
    sc_whatif_goal_clear(&g);
    assert_int_equal(sc_whatif_goalseek(ONE, "parameters.p_issue", 0.9, 1.0, &x, 0, &w, &g, &e),
                     SC_OK);
    assert_int_equal(g.found, SC_WF_ALWAYS);
    sc_whatif_goal_clear(&g);

    /* Bad input. */
    assert_int_equal(sc_whatif_goalseek(ONE, "parameters.p_issue", 0.9, 0.9, &x, 0, &w, &g, &e),
                     SC_EINPUT);
    assert_non_null(strstr(e.msg, "LO < HI"));
    assert_int_equal(sc_whatif_goalseek(ONE, "parameters.p_isue", 0.5, 0.9, &x, 0, &w, &g, &e),
                     SC_EINPUT);
    assert_non_null(strstr(e.msg, "--set parameters.p_isue="));
    assert_int_equal(sc_whatif_goalseek(ONE, "parameters.p_issue", 0.5, 1.5, &x, 0, &w, &g, &e),
                     SC_EINPUT);
    assert_non_null(strstr(e.msg, "--set parameters.p_issue=1.5"));
}

/* ---- attribution ---- */

/* Sum of the steps against NEW - OLD, every row and year. */
static void adds_up(const sc_whatif_attribution *a)
{
    for (int m = 0; m <= a->nmetric; m++)
        for (int y = 0; y < a->years; y++) {
            double sum = 0;
            for (int k = 0; k < a->nsteps; k++)
                sum += a->change[k][m][y];
            double total = a->new_value[m][y] - a->old_value[m][y];
            if (isnan(total))
                continue;
            if (fabs(sum - total) > 1e-9 * (1 + fabs(total)))
                fail_msg("row %d year %d: steps %.17g, total %.17g", m, y, sum, total);
        }
}

/* levers.yaml against minimal.yaml (the same scenario with levers): only the
 * levers step moves; OLD against itself: nothing moves. */
static void test_attribute_levers(void **state)
{
    (void)state;
    sc_whatif_settings w;
    settings(&w, 600, 0);
    sc_whatif_attribution *a = NULL;
    sc_error e;
    if (sc_whatif_attribute(MINIMAL, "tests/data/scenario/levers.yaml", NULL, 0, NULL, 0, 50, &w,
                            &a, &e))
        fail_msg("%s", e.msg);
    assert_int_equal(a->nsteps, 4);
    assert_int_equal(a->step_kind[0], SC_WS_DATA);
    assert_int_equal(a->step_kind[3], SC_WS_NOISE);
    assert_int_equal(a->first_year, 2024);
    assert_int_equal(a->years, 3);
    adds_up(a);
    int moved = 0;
    for (int m = 0; m <= a->nmetric; m++)
        for (int y = 0; y < a->years; y++) {
            if (isnan(a->old_value[m][y]))      /* P(met) of a year without a target */
                continue;
            assert_true(a->change[0][m][y] == 0);
            assert_true(a->change[1][m][y] == 0);
            assert_true(a->change[3][m][y] == 0);
            moved += a->change[2][m][y] != 0;
        }
    assert_true(moved > 0);

    /* The file, the CSV and the chart. */
    char h5[128], csv[128], svg[128];
    snprintf(h5, sizeof h5, "%s/attr.h5", tmpdir);
    snprintf(csv, sizeof csv, "%s/attr.csv", tmpdir);
    snprintf(svg, sizeof svg, "%s/attr.svg", tmpdir);
    assert_int_equal(sc_whatif_attribution_write_h5(a, NULL, NULL, h5, 0, "t", 1, &e), SC_OK);
    assert_int_equal(sc_whatif_attribution_csv(a, csv, 0, &e), SC_OK);
    assert_int_equal(sc_whatif_waterfall_write(a, 0, 2, svg, 0, &e), SC_OK);
    sc_whatif_attribution *b = NULL;
    if (sc_whatif_attribution_read(h5, &b, &e))
        fail_msg("%s", e.msg);
    assert_int_equal(b->nsteps, a->nsteps);
    assert_memory_equal(b->change, a->change, sizeof a->change);
    assert_memory_equal(b->se, a->se, sizeof a->se);
    assert_string_equal(b->step_label[2], a->step_label[2]);
    assert_int_equal(b->step_kind[3], SC_WS_NOISE);
    assert_close(b->stat_q, 50, 0);
    char *text = read_text(svg);
    assert_non_null(strstr(text, "<svg"));
    assert_non_null(strstr(text, "changed levers"));
    free(text);
    text = read_text(csv);
    assert_non_null(strstr(text, "output,statistic,year,step,label,value,se,lo95,hi95\n"));
    assert_non_null(strstr(text, "hnb_spend,p50,2026/27,3,changed levers,"));
    free(text);
    sc_free(b);
    sc_free(a);

    /* Same file twice, another seed for NEW's own run: only noise is left. */
    w.seed = 99;
    w.seed_given = 1;
    assert_int_equal(sc_whatif_attribute(MINIMAL, MINIMAL, NULL, 0, NULL, 0, NAN, &w, &a, &e),
                     SC_OK);
    for (int k = 0; k < a->nsteps; k++)
        for (int m = 0; m <= a->nmetric; m++)
            for (int y = 0; y < a->years; y++)
                assert_true(a->change[k][m][y] == 0 || isnan(a->old_value[m][y]));
    sc_free(a);
}

/* OLD from 2023 for 3 years, NEW from 2024 for 2 with a different stock
 * (and its grant table from 2024):
 * compared on 2025 and 2026; the data step holds the change; via files. */
static void test_attribute_base_years(void **state)
{
    (void)state;
    char data[128], path[128], money[128];
    snprintf(data, sizeof data, "%s/data", tmpdir);
    snprintf(money, sizeof money, "%s/data/money.csv", tmpdir);
    snprintf(path, sizeof path, "%s/later.yaml", tmpdir);
    mkdir(data, 0700);
    char *csv = read_text("tests/data/scenario/data/money.csv");
    write_text(money, csv);
    char *text = read_text(MINIMAL), *t1 = replace(text, "base_year: 2023", "base_year: 2024");
    char *t2 = replace(t1, "horizon: 3", "horizon: 2");
    char *t3 = replace(t2, "targets: {2023: -100, 2025: 0}", "targets: {2025: 0}");
    char *t4a = replace(t3, "special: {unit_cost: 25000, stock: 11}", "special: {unit_cost: 25000, stock: 40}");
    char *t4 = replace(t4a, "table: {csv: data/money.csv, item: grant}", "table: {2024: 1100000}");
    free(t4a);
    write_text(path, t4);

    sc_whatif_settings w;
    settings(&w, 600, 0);
    sc_whatif_attribution *a = NULL;
    sc_error e;
    if (sc_whatif_attribute(MINIMAL, path, NULL, 0, NULL, 0, NAN, &w, &a, &e))
        fail_msg("%s", e.msg);
    assert_int_equal(a->first_year, 2025);
    assert_int_equal(a->years, 2);
    assert_int_equal(a->old_base, 2023);
    assert_int_equal(a->new_base, 2024);
    adds_up(a);
    /* The later base year and its stock are data: the data step moves spend. */
    assert_true(fabs(a->change[0][0][0]) > 10000);
    for (int m = 0; m <= a->nmetric; m++)
        for (int y = 0; y < a->years; y++)
            assert_true(a->change[2][m][y] == 0 || isnan(a->old_value[m][y]));
    sc_free(a);

    /* Through a file of our own (the later one itself): two steps, then noise. */
    const char *via[] = { path };
    assert_int_equal(sc_whatif_attribute(MINIMAL, path, via, 1, NULL, 0, 50, &w, &a, &e), SC_OK);
    assert_int_equal(a->nsteps, 3);
    assert_int_equal(a->step_kind[0], SC_WS_VIA);
    adds_up(a);
    for (int m = 0; m <= a->nmetric; m++)
        for (int y = 0; y < a->years; y++)
            assert_true(a->change[1][m][y] == 0 || isnan(a->old_value[m][y]));
    sc_free(a);

    /* No year in common. */
    char *t5 = replace(t4, "base_year: 2024", "base_year: 2030");
    char *t6 = replace(t5, "targets: {2025: 0}", "targets: {}");
    char *t7 = replace(t6, "table: {2024: 1100000}", "table: {2030: 1000000}");
    char *t8 = replace(t7, "total: {csv: data/money.csv, item: budget_total}", "uplift: 0.01");
    char *t9 = replace(t8, "ramp: {2024: 0.5, 2025: 1.0}", "ramp: {2031: 1}");
    char *t10 = replace(t9, "transfers: {2024: 1000}", "transfers: {}");
    char *t11 = replace(t10, "payments: {2024: 500, 2025: 500}", "payments: {}");
    write_text(path, t11);
    assert_int_equal(sc_whatif_attribute(MINIMAL, path, NULL, 0, NULL, 0, 50, &w, &a, &e),
                     SC_EINPUT);
    assert_non_null(strstr(e.msg, "no year in common"));
    free(t11); free(t10); free(t9); free(t8); free(t7); free(t6); free(t5);
    free(t4); free(t3); free(t2); free(t1); free(text); free(csv);
}

/* A lever moving a share e of the new plans special schools would get to
 * resourced provision (ARP) lowers spending by what the unit costs say
 * (docs/whatif.md, the Kirklees measurement): each year's moved cohort,
 * e x special's share x E[new plans], then ceases at ARP's rate instead of
 * special's (model 1 has no net flow), and money is charged on the year's
 * average stock at the year's prices: dT_t = E[P_t] (c_arp avgA_t -
 * c_special avgS_t). Prices are drawn apart from the plans, so E[P_t x stock]
 * is E[P_t] E[stock]; the cease rates' spread (sd 0.01) enters a cohort's
 * survival squared at most, far below the tolerance: 4 Monte Carlo standard
 * errors of the paired difference, plus 0.5% of the change for that. */
static void test_lever_unit_cost_arithmetic(void **state)
{
    (void)state;
    char data[128], money[160], path[160];
    snprintf(data, sizeof data, "%s/data", tmpdir);
    snprintf(money, sizeof money, "%s/money.csv", data);
    snprintf(path, sizeof path, "%s/arp.yaml", tmpdir);
    mkdir(data, 0700);
    char *csv = read_text("tests/data/scenario/data/money.csv");
    write_text(money, csv);
    char *text = read_text(MINIMAL);
    size_t n = strlen(text);
    const char *lever = "\nlevers:\n  arp-places:\n    changes: placement_mix\n"
                        "    from: special\n    to: arp\n    start: 2025\n    effect: 0.5\n";
    char *with = malloc(n + strlen(lever) + 1);
    assert_non_null(with);
    memcpy(with, text, n);
    strcpy(with + n, lever);
    write_text(path, with);

    const double share = 0.5, special = 0.2;            /* the lever; placement_mix */
    const double c_arp = 15000, c_sp = 25000, q_arp = 0.05, q_sp = 0.04, fixed = 100000;
    const char *metrics[] = { "hnb_spend", "new_plans", "fixed_spend" };
    sc_whatif_settings w;
    settings(&w, 4000, 0);
    sc_whatif_attribution *a = NULL;
    sc_error e;
    if (sc_whatif_attribute(MINIMAL, path, NULL, 0, metrics, 3, NAN, &w, &a, &e))
        fail_msg("%s", e.msg);
    int k = 0;
    while (k < a->nsteps && a->step_kind[k] != SC_WS_LEVERS)
        k++;
    assert_true(k < a->nsteps);
    double A = 0, S = 0;                                /* moved plans: in ARP, had they stayed */
    for (int y = 0; y < a->years; y++) {
        double oa = A, os = S;
        double moved = a->first_year + y >= 2025 ? share * special * a->old_value[1][y] : 0;
        A = oa * (1 - q_arp) + moved;
        S = os * (1 - q_sp) + moved;
        double price = a->old_value[2][y] / fixed;      /* E[P_t] */
        double arith = price * (c_arp * (oa + A) / 2 - c_sp * (os + S) / 2);
        double sim = a->change[k][0][y], se = a->se[k][0][y];
        print_message("%d: arithmetic %.0f, simulated %.0f +- %.0f (1 se)\n", a->first_year + y,
                      arith, sim, se);
        if (moved == 0 && oa == 0)
            assert_true(sim == 0);                      /* before the start: not a plan moves */
        else if (fabs(sim - arith) > 4 * se + 0.005 * fabs(arith))
            fail_msg("%d: simulated %.0f +- %.0f, arithmetic %.0f", a->first_year + y, sim, se,
                     arith);
    }
    assert_true(a->change[k][0][a->years - 1] < 0);
    sc_free(a);
    free(with);
    free(text);
    free(csv);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sweep),
        cmocka_unit_test(test_sweep_threads_with_levers),
        cmocka_unit_test(test_expressions),
        cmocka_unit_test(test_expressions_named_targets),
        cmocka_unit_test(test_goalseek),
        cmocka_unit_test(test_attribute_levers),
        cmocka_unit_test(test_attribute_base_years),
        cmocka_unit_test(test_lever_unit_cost_arithmetic),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
