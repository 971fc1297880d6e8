/*
 * test_distribution.c — one output in one year as a distribution
 * (src/export/distribution.c, dist_chart.c; `sendcast distribution`; the
 * report's section, src/report/dist_page.c).
 *
 * Results are made once by the built binary (SC_BIN): the small model-check
 * scenario, which has targets on three metrics besides the Safety Valve
 * (every trajectory kept), and a bounded-memory run of the minimal scenario
 * (none kept). Exact probabilities are checked against a count the test makes
 * itself; the median's and the stored percentiles' P against their level
 * within three Monte Carlo errors; the engine's own P(met) against the
 * distribution's P at the target, exactly; interpolation against the hand
 * computation; the command line for its output, files and refusals; the
 * report's section and the workbook's sheet.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "cli_util.h"

#include <math.h>

#include "sendcast/distribution.h"
#include "sendcast/result.h"
#include "sendcast/sensitivity.h"

static char dir[256], full[320], bounded[320];

static int setup(void **state)
{
    (void)state;
    setenv("LSAN_OPTIONS", "suppressions=tests/lsan.supp:print_suppressions=0", 0);
    char out[8192];
    snprintf(dir, sizeof dir, "/tmp/sendcast-dist-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(full, sizeof full, "%s/small.h5", dir);
    snprintf(bounded, sizeof bounded, "%s/bounded.h5", dir);
    if (run(out, sizeof out, "%s run tests/data/model_check/small.yaml -n 1000 -s 7 -o %s --quiet",
            bin(), full)
        || run(out, sizeof out, "%s run tests/data/scenario/minimal.yaml -n 3000 -s 11 --memory 1 "
               "-o %s --quiet", bin(), bounded)) {
        fprintf(stderr, "%s", out);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char out[64];
    return run(out, sizeof out, "rm -rf %s", dir);
}

static sc_result *read_result(const char *path)
{
    sc_result *r = NULL;
    sc_error e;
    assert_int_equal(sc_result_read(path, &r, &e), SC_OK);
    return r;
}

/* The value of trajectory i of d's output, straight from the file. */
static double traj(const sc_cdf *d, long i)
{
    const sc_result_metric *m = d->m;
    return m->traj[((size_t)i * (size_t)d->r->years + (size_t)d->t) * (size_t)m->units
                   + (size_t)d->u];
}

/* P(< x) and P(> x) are the shares of trajectories below and above x, to
 * the last bit, whatever x is: at a value some trajectory takes (ties), at
 * the percentiles, between and beyond them. */
static void test_exact_is_the_count(void **state)
{
    (void)state;
    sc_result *r = read_result(full);
    sc_error e;
    sc_cdf d;
    assert_int_equal(sc_cdf_open(r, "cumulative_deficit", NULL, "2028/29", &d, &e), SC_OK);
    assert_int_equal(d.exact, 1);
    assert_int_equal(d.n, 1000);
    double xs[] = { traj(&d, 17), traj(&d, 500), 0, 3e6, 7e6, 1e12, -1e12, d.v[0], d.v[d.np - 1] };
    for (size_t j = 0; j < sizeof xs / sizeof xs[0]; j++) {
        long below = 0, above = 0;
        for (long i = 0; i < d.n; i++) {
            below += traj(&d, i) < xs[j];
            above += traj(&d, i) > xs[j];
        }
        sc_cdf_prob p = sc_cdf_at(&d, xs[j]);
        assert_true(p.below == (double)below / 1000);
        assert_true(p.above == (double)above / 1000);
        assert_true(p.mcse == sqrt(p.below * (1 - p.below) / 1000));
        assert_int_equal(p.bound, 0);
    }
    sc_cdf_close(&d);
    sc_result_free(r);
}

/* At the stored p5, p50 and p95 the share below is 5%, 50% and 95% within
 * three Monte Carlo errors, in every year (the percentiles are the engine's,
 * computed separately: an off-by-one or a wrong year would show). */
static void test_percentiles_read_back(void **state)
{
    (void)state;
    sc_result *r = read_result(full);
    sc_error e;
    for (int t = 0; t < r->years; t++) {
        char year[16];
        snprintf(year, sizeof year, "%d", r->year[t]);
        sc_cdf d;
        assert_int_equal(sc_cdf_open(r, "hnb_spend", NULL, year, &d, &e), SC_OK);
        for (int k = 0; k < d.np; k++) {
            double q = d.q[k] / 100, se = sqrt(q * (1 - q) / (double)d.n);
            sc_cdf_prob p = sc_cdf_at(&d, d.v[k]);
            if (fabs(p.below - q) > 3 * se)
                fail_msg("%s p%g: P(< x) %g, expected %g +- %g", year, d.q[k], p.below, q, 3 * se);
            /* and the quantile goes back to the stored value */
            assert_true(fabs(sc_cdf_quantile(&d, q) - d.v[k]) <= 1e-6 * fabs(d.v[k]) + 1e-9);
        }
        sc_cdf_close(&d);
    }
    sc_result_free(r);
}

/* The engine's P(target met), stored by `run`, is the distribution's P on
 * the met side of the target, exactly: at most (deficit_profile), at least
 * (new_plans_floor) and the Safety Valve's on the in-year balance. */
static void test_target_agrees_with_engine(void **state)
{
    (void)state;
    sc_result *r = read_result(full);
    sc_error e;
    static const struct { const char *metric, *year, *name; } want[] = {
        { "cumulative_deficit", "2027", "deficit_profile" },
        { "new_plans", "2027/28", "new_plans_floor" },
        { "hnb_balance", "2028", "safety_valve_balance" },
    };
    for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
        sc_cdf d;
        assert_int_equal(sc_cdf_open(r, want[k].metric, NULL, want[k].year, &d, &e), SC_OK);
        assert_string_equal(d.target_name, want[k].name);
        sc_cdf_prob p = sc_cdf_at(&d, d.target);
        double met = d.at_least ? 1 - p.below : 1 - p.above;
        if (fabs(met - d.p_met) > 1e-12)
            fail_msg("%s: P(met) %.17g, from the distribution %.17g", want[k].name, d.p_met, met);
        sc_cdf_close(&d);
    }
    sc_cdf d;   /* a year without a target has none */
    assert_int_equal(sc_cdf_open(r, "new_plans", NULL, "2028", &d, &e), SC_OK);
    assert_string_equal(d.target_name, "");
    sc_cdf_close(&d);
    sc_result_free(r);
}

/* A bounded run: P at a stored percentile is its level; between two it is
 * the straight line, as computed by hand; beyond them only a bound. */
static void test_interpolated_from_percentiles(void **state)
{
    (void)state;
    sc_result *r = read_result(bounded);
    sc_error e;
    sc_cdf d;
    assert_int_equal(sc_cdf_open(r, "hnb_spend", NULL, "2025", &d, &e), SC_OK);
    assert_int_equal(d.exact, 0);
    assert_null(d.sorted);
    assert_true(d.np >= 3);
    for (int k = 0; k < d.np; k++) {
        sc_cdf_prob p = sc_cdf_at(&d, d.v[k]);
        assert_int_equal(p.bound, 0);
        assert_true(fabs(p.below - d.q[k] / 100) < 1e-15);
        assert_true(isnan(p.mcse));
    }
    for (int k = 0; k + 1 < d.np; k++) {
        if (!(d.v[k + 1] > d.v[k]))
            continue;
        double x = d.v[k] + 0.25 * (d.v[k + 1] - d.v[k]);
        double hand = (d.q[k] + 0.25 * (d.q[k + 1] - d.q[k])) / 100;
        sc_cdf_prob p = sc_cdf_at(&d, x);
        if (fabs(p.below - hand) > 1e-12)
            fail_msg("between p%g and p%g: %.17g, by hand %.17g", d.q[k], d.q[k + 1], p.below, hand);
        assert_true(fabs(p.above - (1 - hand)) < 1e-12);
    }
    sc_cdf_prob lo = sc_cdf_at(&d, d.v[0] - 1), hi = sc_cdf_at(&d, d.v[d.np - 1] + 1);
    assert_int_equal(lo.bound, -1);
    assert_true(lo.below == d.q[0] / 100);
    assert_int_equal(hi.bound, 1);
    assert_true(hi.below == d.q[d.np - 1] / 100);
    sc_cdf_close(&d);
    sc_result_free(r);
}

/* Thresholds as a finance user types them, and what is not one. */
static void test_amounts(void **state)
{
    (void)state;
    sc_error e;
    static const struct { const char *arg; double v; } good[] = {
        { "50000000", 5e7 }, { "50m", 5e7 }, { "£50m", 5e7 }, { "-£2.5m", -2.5e6 },
        { "500k", 5e5 }, { "1.2bn", 1.2e9 }, { "+£3M", 3e6 }, { "£0", 0 },
    };
    for (size_t k = 0; k < sizeof good / sizeof good[0]; k++) {
        double v = NAN;
        assert_int_equal(sc_sens_parse_amount(good[k].arg, "--threshold", &v, &e), SC_OK);
        assert_true(fabs(v - good[k].v) < 1e-6);
    }
    static const char *const bad[] = { "£", "50mm", "fifty", "", "£-£5m", " 5m", "5 m", "nan" };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        double v;
        assert_int_equal(sc_sens_parse_amount(bad[k], "--threshold", &v, &e), SC_EINPUT);
        assert_non_null(strstr(e.msg, "--threshold: expected a number"));
    }
}

/* Round thresholds: a nice step apart, centred on the median. */
static void test_round_thresholds(void **state)
{
    (void)state;
    sc_result *r = read_result(full);
    sc_error e;
    sc_cdf d;
    assert_int_equal(sc_cdf_open(r, "cumulative_deficit", NULL, "2028", &d, &e), SC_OK);
    double x[9];
    assert_int_equal(sc_cdf_round_thresholds(&d, 5, x), 5);
    double step = x[1] - x[0], p = pow(10, floor(log10(step))), m = step / p;
    assert_true(fabs(m - 1) < 1e-9 || fabs(m - 2) < 1e-9 || fabs(m - 5) < 1e-9);
    for (int j = 1; j < 5; j++)
        assert_true(fabs(x[j] - x[j - 1] - step) < 1e-6 * step);
    assert_true(fabs(x[2] - sc_cdf_quantile(&d, 0.5)) <= step / 2 + 1e-6);
    sc_cdf_close(&d);
    sc_result_free(r);
}

/* What a user types, and what comes back: the text, the chart in both
 * formats, the CSV; and the same for a bounded run, which says so. */
static void test_command_line(void **state)
{
    (void)state;
    char out[16384], png[400], svg[400], csv[400];
    snprintf(png, sizeof png, "%s/d.png", dir);
    snprintf(svg, sizeof svg, "%s/d.svg", dir);
    snprintf(csv, sizeof csv, "%s/d.csv", dir);
    assert_int_equal(run(out, sizeof out, "%s distribution %s --metric cumulative_deficit --year "
                         "2027/28 --threshold £5m --threshold 1e12 --chart %s --csv %s",
                         bin(), full, png, csv), 0);
    assert_non_null(strstr(out, "cumulative_deficit (GBP) in 2027/28, 1000 trajectories"));
    assert_non_null(strstr(out, "Target deficit_profile: at most £5.00m; P(met)"));
    assert_non_null(strstr(out, "£5.00m"));
    assert_non_null(strstr(out, "> 99.7%"));   /* P(< 10^12) = 1: the rule of three's bound */
    assert_non_null(strstr(out, "< 0.3%"));
    assert_null(strstr(out, "100.0%"));
    /* the chart is a whole PNG; the SVG keeps its words as text */
    FILE *f = fopen(png, "rb");
    assert_non_null(f);
    unsigned char sig[8];
    assert_int_equal(fread(sig, 1, 8, f), 8);
    fclose(f);
    assert_memory_equal(sig, "\x89PNG\r\n\x1a\n", 8);
    assert_int_equal(run(out, sizeof out, "%s distribution %s --metric hnb_balance --year 2028 "
                         "--chart %s --quiet && grep -q '<text' %s && grep -q "
                         "'&#x50;&#x28;&#x6d;&#x65;&#x74;&#x29;' %s && tail -c 8 %s | grep -q '</svg>'",
                         bin(), full, svg, svg, svg, svg), 0);   /* "P(met)", as text */
    /* the CSV: a header, 99 quantile rows, a threshold row each, the target */
    assert_int_equal(run(out, sizeof out, "head -1 %s; grep -c ',quantile,' %s; "
                         "grep -c ',threshold,' %s; grep -c ',target,' %s", csv, csv, csv, csv), 0);
    assert_string_equal(out, "metric,unit,year,financial_year,kind,value,p_below,p_above,mcse,"
                        "p_from\n99\n2\n1\n");
    /* never over an existing file without --force */
    assert_int_equal(run(out, sizeof out, "%s distribution %s --metric new_plans --year 2027 "
                         "--csv %s", bin(), full, csv), 2);
    assert_non_null(strstr(out, "--force"));
    assert_int_equal(run(out, sizeof out, "%s distribution %s --metric new_plans --year 2027 "
                         "--csv %s --force --quiet", bin(), full, csv), 0);
    assert_string_equal(out, "");
    /* a bounded run says where P comes from, and gives bounds beyond it */
    assert_int_equal(run(out, sizeof out, "%s distribution %s --metric hnb_spend --year 2025 "
                         "--threshold 1 --threshold 1bn --csv %s --force", bin(), bounded, csv), 0);
    assert_non_null(strstr(out, "interpolated linearly from the stored percentiles"));
    assert_non_null(strstr(out, "< 5%"));
    assert_non_null(strstr(out, "> 95%"));
    assert_int_equal(run(out, sizeof out, "grep -c 'p_below < 0.05' %s; grep -c 'p_below > 0.95' %s",
                         csv, csv), 0);
    assert_string_equal(out, "1\n1\n");
}

/* Bad input is refused with exit status 2, a message that says what was
 * expected, and nothing written. */
static void test_refusals(void **state)
{
    (void)state;
    static const struct { const char *args, *expect; } bad[] = {
        { "--metric deficit --year 2027", "--metric deficit: " },
        { "--metric hnb_spend --year 2035", "--year 2035: expected a year of" },
        { "--metric hnb_spend --year 2027/29", "--year 2027/29: expected a year of" },
        { "--metric hnb_spend --year 2027 --threshold 5x", "--threshold: expected a number" },
        { "--metric hnb_spend --year 2027 --unit nowhere", "--unit nowhere: " },
        { "--metric overspend --year 2027", "it is a cluster output: --unit CLUSTER" },
        { "--metric hnb_spend", "--metric NAME --year Y" },
        { "--metric hnb_spend --year 2027 --chart D/c.pdf", "expected a .png or .svg file" },
    };
    char out[8192], args[512];
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        const char *d = strstr(bad[k].args, "D/");
        if (d)
            snprintf(args, sizeof args, "%.*s%s/%s", (int)(d - bad[k].args), bad[k].args, dir,
                     d + 2);
        else
            snprintf(args, sizeof args, "%s", bad[k].args);
        int st = run(out, sizeof out, "%s distribution %s %s --csv %s/refused.csv", bin(), full,
                     args, dir);
        if (st != 2 || !strstr(out, bad[k].expect))
            fail_msg("%s: exit %d, message %s", bad[k].args, st, out);
        struct stat sb;
        char path[400];
        snprintf(path, sizeof path, "%s/refused.csv", dir);
        assert_int_not_equal(stat(path, &sb), 0);
    }
}

/* The report has the section: a chart and a table for each target. */
static void test_report_section(void **state)
{
    (void)state;
    char out[8192];
    assert_int_equal(run(out, sizeof out, "%s report %s -o %s/r.html --quiet && grep -c "
                         "'<h3>.*P(met)' %s/r.html && grep -c 'P(deficit exceeds x)' %s/r.html",
                         bin(), full, dir, dir, dir), 0);
    /* the Safety Valve and the three other targets; the deficit's table */
    assert_string_equal(out, "4\n1\n");
    /* a bounded run's section says its chances are interpolated */
    assert_int_equal(run(out, sizeof out, "%s report %s -o %s/rb.html --quiet && grep -c "
                         "'interpolated between the stored percentiles' %s/rb.html",
                         bin(), bounded, dir, dir), 0);
    assert_string_equal(out, "1\n");
}

/* The workbook has the same view: a Distribution sheet with a block for
 * each target's output and the deficit. */
static void test_workbook_sheet(void **state)
{
    (void)state;
    char out[65536];
    assert_int_equal(run(out, sizeof out, "%s export %s --xlsx %s/w.xlsx --quiet && unzip -p "
                         "%s/w.xlsx xl/workbook.xml xl/sharedStrings.xml", bin(), full, dir, dir), 0);
    assert_non_null(strstr(out, "name=\"Distribution\""));
    assert_non_null(strstr(out, "hnb_balance in 2028/29 (£m)"));
    assert_non_null(strstr(out, "cumulative_deficit in 2028/29 (£m)"));
    assert_non_null(strstr(out, "new_plans in 2027/28<"));
    assert_non_null(strstr(out, "P(value &gt; x)"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exact_is_the_count),
        cmocka_unit_test(test_percentiles_read_back),
        cmocka_unit_test(test_target_agrees_with_engine),
        cmocka_unit_test(test_interpolated_from_percentiles),
        cmocka_unit_test(test_amounts),
        cmocka_unit_test(test_round_thresholds),
        cmocka_unit_test(test_command_line),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_report_section),
        cmocka_unit_test(test_workbook_sheet),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
