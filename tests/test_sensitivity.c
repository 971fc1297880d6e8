/*
 * test_sensitivity.c — the estimators of src/sensitivity/ on inputs whose
 * answers are known, the draws table against the trajectories that used
 * them, and the files `run` writes for them.
 *
 * Tolerances come from Monte Carlo error: an estimate must lie within 4 of
 * its own batch-means errors (plus, for the median shift, the window's
 * small bias, stated where it is used) of the analytic value, and the
 * batch-means error must match the spread of the estimate over independent
 * replications to within what 100 replications can tell (a ratio between 0.7
 * and 1.4; the ratio of two sds from 100 and 20 degrees of freedom has a
 * 95% range of about 0.75 to 1.35).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli_util.h"
#include "test_util.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <hdf5.h>

#include "sendcast/alloc.h"
#include "sendcast/engine.h"
#include "sendcast/fit.h"
#include "sendcast/params.h"
#include "sendcast/scenario.h"
#include "sendcast/sensitivity.h"
#include "sendcast/sim_draws.h"
#include "sendcast/simulate.h"
#include "sendcast/stats.h"

/* Y = X1 + 0.5 X2 + sqrt(0.25) e with X1, X2, X3, e ~ N(0, 1): shares
 * 1/1.5, 0.25/1.5 and 0. */
static void linear(gsl_rng *r, long n, double *x1, double *x2, double *x3, double *y)
{
    for (long i = 0; i < n; i++) {
        x1[i] = gsl_ran_gaussian(r, 1);
        x2[i] = gsl_ran_gaussian(r, 1);
        x3[i] = gsl_ran_gaussian(r, 1);
        y[i] = x1[i] + 0.5 * x2[i] + 0.5 * gsl_ran_gaussian(r, 1);
    }
}

/* The median of X + Z, X ~ N(0, 1) restricted to (za, zb), Z ~ N(0, v):
 * solved by bisection over a fine integral. The analytic median shift of
 * the linear model with X1 in its 5th-15th (or 85th-95th) percentiles. */
static double window_median(double pa, double pb, double v)
{
    double za = gsl_cdf_ugaussian_Pinv(pa), zb = gsl_cdf_ugaussian_Pinv(pb);
    double lo = -5, hi = 5;
    for (int it = 0; it < 60; it++) {
        double m = 0.5 * (lo + hi), s = 0, w = 0;
        for (int k = 0; k < 4000; k++) {
            double x = za + (zb - za) * (k + 0.5) / 4000, f = gsl_ran_ugaussian_pdf(x);
            s += f * gsl_cdf_ugaussian_P((m - x) / sqrt(v));
            w += f;
        }
        if (s / w < 0.5)
            lo = m;
        else
            hi = m;
    }
    return 0.5 * (lo + hi);
}

static void estimate(const double *x, const double *y, long n, int indicator,
                     sc_sens_estimate *est)
{
    long *order = malloc((size_t)n * sizeof *order);
    double *scratch = malloc((size_t)n * sizeof *scratch);
    sc_error e;
    assert_int_equal(sc_sens_order(x, n, order, &e), SC_OK);
    sc_sens_ycontext c;
    sc_sens_ycontext_init(&c, y, n, indicator, scratch);
    sc_sens_estimate_one(&c, order, y, scratch, est);
    free(order);
    free(scratch);
}

static void test_linear_shares_and_shifts(void **state)
{
    (void)state;
    long n = 20000;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 2385);
    double *x1 = malloc((size_t)n * sizeof(double)), *x2 = malloc((size_t)n * sizeof(double));
    double *x3 = malloc((size_t)n * sizeof(double)), *y = malloc((size_t)n * sizeof(double));
    linear(r, n, x1, x2, x3, y);
    sc_sens_estimate a, b, c;
    estimate(x1, y, n, 0, &a);
    estimate(x2, y, n, 0, &b);
    estimate(x3, y, n, 0, &c);
    print_message("shares %.4f ± %.4f (1/1.5), %.4f ± %.4f (1/6), %.4f ± %.4f (0)\n", a.share,
                  a.share_se, b.share, b.share_se, c.share, c.share_se);
    assert_close(a.share, 1 / 1.5, 4 * a.share_se);
    assert_close(b.share, 0.25 / 1.5, 4 * b.share_se);
    assert_close(c.share, 0, 4 * c.share_se);
    assert_true(a.share_se > 0.002 && a.share_se < 0.02);
    /* Y's median is 0 (symmetric); with X1 in its 5th-15th percentiles the
     * median is that of X1 there plus N(0, 0.5). The window's median over
     * 2,000 values has its own error, in low_se. */
    double low = window_median(0.05, 0.15, 0.5), high = window_median(0.85, 0.95, 0.5);
    print_message("shifts %.4f ± %.4f (%.4f), %.4f ± %.4f (%.4f)\n", a.low, a.low_se, low,
                  a.high, a.high_se, high);
    assert_close(a.low, low, 4 * a.low_se);
    assert_close(a.high, high, 4 * a.high_se);
    assert_close(c.low, 0, 4 * c.low_se);
    free(x1), free(x2), free(x3), free(y);
    gsl_rng_free(r);
}

/* The batch-means error against the spread over 100 replications. */
static void test_errors_match_replications(void **state)
{
    (void)state;
    enum { R = 100 };
    long n = 2000;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 777);
    double *x1 = malloc((size_t)n * sizeof(double)), *x2 = malloc((size_t)n * sizeof(double));
    double *x3 = malloc((size_t)n * sizeof(double)), *y = malloc((size_t)n * sizeof(double));
    double s[R], se[R], lo[R], lose[R];
    for (int k = 0; k < R; k++) {
        linear(r, n, x1, x2, x3, y);
        sc_sens_estimate a;
        estimate(x1, y, n, 0, &a);
        s[k] = a.share, se[k] = a.share_se, lo[k] = a.low, lose[k] = a.low_se;
    }
    double ms = 0, ml = 0, mse = 0, mlse = 0, vs = 0, vl = 0;
    for (int k = 0; k < R; k++)
        ms += s[k] / R, ml += lo[k] / R, mse += se[k] / R, mlse += lose[k] / R;
    for (int k = 0; k < R; k++)
        vs += (s[k] - ms) * (s[k] - ms) / (R - 1), vl += (lo[k] - ml) * (lo[k] - ml) / (R - 1);
    print_message("share: sd over replications %.4f, mean batch error %.4f; mean %.4f\n",
                  sqrt(vs), mse, ms);
    print_message("shift: sd over replications %.4f, mean batch error %.4f; mean %.4f\n",
                  sqrt(vl), mlse, ml);
    assert_true(mse / sqrt(vs) > 0.7 && mse / sqrt(vs) < 1.4);
    assert_true(mlse / sqrt(vl) > 0.7 && mlse / sqrt(vl) < 1.4);
    /* unbiased to within the replications' own error */
    assert_close(ms, 1 / 1.5, 4 * sqrt(vs / R));
    assert_close(ml, window_median(0.05, 0.15, 0.5), 4 * sqrt(vl / R));
    free(x1), free(x2), free(x3), free(y);
    gsl_rng_free(r);
}

/* A 0/1 outcome: Y = 1{X + e > 0}: E[Y|X] = Phi(X), Var = 1/3 - 1/4 = 1/12
 * against Var(Y) = 1/4: share 1/3. */
static void test_indicator(void **state)
{
    (void)state;
    long n = 20000;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 31);
    double *x = malloc((size_t)n * sizeof(double)), *y = malloc((size_t)n * sizeof(double));
    for (long i = 0; i < n; i++) {
        x[i] = gsl_ran_gaussian(r, 1);
        y[i] = x[i] + gsl_ran_gaussian(r, 1) > 0;
    }
    sc_sens_estimate a;
    estimate(x, y, n, 1, &a);
    print_message("indicator share %.4f ± %.4f (1/3)\n", a.share, a.share_se);
    assert_close(a.share, 1.0 / 3, 4 * a.share_se);
    /* the probability with X in its 5th-15th percentiles: E Phi(X) there */
    assert_true(a.low < -0.3 && a.high > 0.3);
    free(x), free(y);
    gsl_rng_free(r);
}

/* Paired runs: full = theta + e, process-only = e: share 1/2. */
static void test_variance_share(void **state)
{
    (void)state;
    long n = 10000;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 5);
    double *f = malloc((size_t)n * sizeof(double)), *p = malloc((size_t)n * sizeof(double));
    for (long i = 0; i < n; i++) {
        double e = gsl_ran_gaussian(r, 1);
        f[i] = gsl_ran_gaussian(r, 1) + e;
        p[i] = e;
    }
    double share, se;
    sc_sens_variance_share(f, p, n, &share, &se);
    print_message("variance share %.4f ± %.4f (0.5)\n", share, se);
    assert_close(share, 0.5, 4 * se);
    free(f), free(p);
    gsl_rng_free(r);
}

static void test_quantile_and_order(void **state)
{
    (void)state;
    double v[] = { 3.5, -1, 2.385, 2.385, 7, 0, 11.25, -4 }, sorted[8], scratch[8];
    long order[8];
    memcpy(sorted, v, sizeof v);
    sc_stats_sort(sorted, 8);
    for (int k = 0; k <= 20; k++) {
        double p = k / 20.0;
        assert_true(sc_sens_quantile(v, 8, p, scratch) == sc_stats_type7(sorted, 8, p));
    }
    sc_error e;
    assert_int_equal(sc_sens_order(v, 8, order, &e), SC_OK);
    long want[8] = { 7, 1, 5, 2, 3, 0, 4, 6 };   /* ties by index */
    assert_memory_equal(order, want, sizeof want);
}

/* ---- the draws table ---------------------------------------------------- */

/* Trajectory i's draws are those its trace shows, for 1 and 2 threads. */
static void test_draws_are_the_trajectories(void **state)
{
    (void)state;
    sc_error e;
    sc_scenario *s = NULL;
    sc_params *p = NULL;
    assert_int_equal(sc_scenario_read("tests/data/scenario/minimal.yaml", &s, &e), SC_OK);
    assert_int_equal(sc_fit_params(s, 0, &p, NULL, &e), SC_OK);
    sc_sim_column *cols = NULL;
    int k = 0;
    assert_int_equal(sc_sim_draw_columns(s, p, &cols, &k, &e), SC_OK);
    /* minimal.yaml: conversion (2 margins), p_assess, band_mix (2), five Beta cease rates,
     * post16_transfer, heterogeneity_cv (gamma) and its 3 multipliers, inflation by year */
    int want = 2 + 1 + 2 + 5 + 1 + 1 + 3 + s->horizon, has_p = -1, has_infl = -1;
    assert_int_equal(k, want);
    for (int j = 0; j < k; j++) {
        if (!strcmp(cols[j].name, "p_assess"))
            has_p = j;
        if (!strcmp(cols[j].name, "inflation.2025"))
            has_infl = j;
    }
    assert_true(has_p >= 0 && has_infl >= 0);
    long n = 64;
    double *one = calloc((size_t)(n * k), sizeof *one), *two = calloc((size_t)(n * k), sizeof *two);
    assert_int_equal(sc_sim_draws(s, p, 99, 0, n, 1, cols, k, one, &e), SC_OK);
    assert_int_equal(sc_sim_draws(s, p, 99, 0, n, 2, cols, k, two, &e), SC_OK);
    assert_memory_equal(one, two, (size_t)(n * k) * sizeof *one);
    /* trajectory 7's trace */
    char path[] = "/tmp/sendcast-draws-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w+");
    assert_int_equal(sc_engine_trace(s, p, 99, 7, f, &e), SC_OK);
    rewind(f);
    char line[512];
    int seen = 0;
    while (fgets(line, sizeof line, f)) {
        char unit[64], quantity[64];
        int year;
        double v;
        if (sscanf(line, "%d,%63[^,],%63[^,],%lf", &year, unit, quantity, &v) != 4
            || strcmp(unit, "parameters"))
            continue;
        if (!strcmp(quantity, "p_assess"))
            seen += v == one[7 * k + has_p];
        if (!strcmp(quantity, "inflation") && year == 2025)
            seen += v == one[7 * k + has_infl];
    }
    fclose(f);
    unlink(path);
    assert_int_equal(seen, 2);
    free(one), free(two);
    sc_free(cols);
    sc_params_free(p);
    sc_scenario_free(s);
}

/* ---- the files run writes ------------------------------------------------ */

static char dir[128];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/sendcast-sens-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char out[64];
    return run(out, sizeof out, "rm -rf %s", dir);
}

/* A keep-everything run and a bounded one with a sample: the sample's
 * outputs and draws are the full run's first trajectories, the layered fan
 * the same, and every cluster's P(overspend) under the equalised budgets is
 * the common one to within 1/n. */
static void test_files_and_budgets(void **state)
{
    (void)state;
    char out[8192], a[256], b[256];
    snprintf(a, sizeof a, "%s/a.h5", dir);
    snprintf(b, sizeof b, "%s/b.h5", dir);
    assert_int_equal(run(out, sizeof out, "%s run tests/data/scenario/minimal.yaml -n 2000 -o %s "
                         "--quiet", bin(), a), 0);
    assert_int_equal(run(out, sizeof out, "%s run tests/data/scenario/minimal.yaml -n 2000 -o %s "
                         "--memory 1 --sample 800 -t 2 --quiet", bin(), b), 0);
    sc_error e;
    sc_sens_data *da = NULL, *db = NULL;
    assert_int_equal(sc_sens_data_read(a, &da, &e), SC_OK);
    assert_int_equal(sc_sens_data_read(b, &db, &e), SC_OK);
    assert_int_equal(da->n, 2000);
    assert_true(da->sample_all);
    assert_int_equal(db->n, 800);
    assert_false(db->sample_all);
    assert_int_equal(da->ncols, db->ncols);
    for (long i = 0; i < 800; i++)
        for (int j = 0; j < da->ncols; j++)
            assert_true(da->draws[i * da->ncols + j] == db->draws[i * db->ncols + j]);
    for (int o = 0; o < SC_SENS_NOUTPUTS; o++) {
        assert_true((da->out[o] != NULL) == (db->out[o] != NULL));
        for (long i = 0; da->out[o] && i < 800 * da->years; i++)
            assert_true(da->out[o][i] == db->out[o][i] || (isnan(da->out[o][i])
                                                           && isnan(db->out[o][i])));
    }
    for (long i = 0; i < 800 * da->years * da->nclusters; i++)
        assert_true(da->cluster_spend[i] == db->cluster_spend[i]);
    /* the layered fan: b's over its 800, a's over 2000 */
    assert_int_equal(da->layers.n, 2000);
    assert_int_equal(db->layers.n, 800);
    sc_sens_budgets *bu = NULL;
    assert_int_equal(sc_sens_budgets_run(da, 1, 40000, 0.9, &bu, &e), SC_OK);
    double sum = 0;
    for (int c = 0; c < bu->nclusters; c++) {
        sum += bu->equal[c];
        assert_close(bu->p_equal[c], bu->q, 2.0 / 2000);
    }
    assert_close(sum, 40000, 1e-6);
    for (int a2 = 0; a2 <= bu->nareas; a2++)
        assert_true(bu->need_equal[a2] >= 0);
    sc_sens_budgets_free(bu);
    /* out of range */
    assert_int_equal(sc_sens_budgets_run(da, 1, -5, 0.9, &bu, &e), SC_EINPUT);
    assert_non_null(strstr(e.msg, "positive"));
    assert_int_equal(sc_sens_budgets_run(da, 1, 1000, 1, &bu, &e), SC_EINPUT);
    assert_non_null(strstr(e.msg, "strictly between 0 and 1"));
    sc_sens_condition c;
    assert_int_equal(sc_sens_condition_parse(da, "p_assess:90-100", &c, &e), SC_OK);
    assert_int_equal(sc_sens_condition_parse(da, "p_assess:50-50", &c, &e), SC_EINPUT);
    assert_int_equal(sc_sens_condition_parse(da, "p_assess:90-101", &c, &e), SC_EINPUT);
    assert_int_equal(sc_sens_condition_parse(da, "nonesuch:0-10", &c, &e), SC_EINPUT);
    assert_non_null(strstr(e.msg, "p_assess"));
    sc_sens_stress *st = NULL;
    assert_int_equal(sc_sens_condition_parse(da, "inflation:90-100", &c, &e), SC_OK);
    assert_int_equal(sc_sens_stress_run(da, &c, 1, &st, &e), SC_OK);
    for (int t = 0; t < da->years; t++)
        assert_true(st->count[t] >= 199 && st->count[t] <= 201);
    sc_sens_stress_free(st);
    sc_sens_data_free(da);
    sc_sens_data_free(db);
}

/* The table is the same for 1 and 2 threads, and a file without draws is
 * refused with how to make one. */
static void test_threads_and_refusal(void **state)
{
    (void)state;
    char out[8192], a[256], c1[256], c2[256];
    snprintf(a, sizeof a, "%s/t.h5", dir);
    snprintf(c1, sizeof c1, "%s/t1.csv", dir);
    snprintf(c2, sizeof c2, "%s/t2.csv", dir);
    assert_int_equal(run(out, sizeof out, "%s run tests/data/scenario/minimal.yaml -n 1000 -o %s "
                         "-t 1 --quiet", bin(), a), 0);
    assert_int_equal(run(out, sizeof out, "%s sensitivity %s -t 1 --csv %s --quiet", bin(), a,
                         c1), 0);
    assert_int_equal(run(out, sizeof out, "%s sensitivity %s -t 2 --csv %s --quiet", bin(), a,
                         c2), 0);
    assert_int_equal(run(out, sizeof out, "cmp %s %s", c1, c2), 0);
    /* without /draws */
    hid_t f = H5Fopen(a, H5F_ACC_RDWR, H5P_DEFAULT);
    assert_true(f >= 0);
    assert_true(H5Ldelete(f, "/draws", H5P_DEFAULT) >= 0);
    H5Fclose(f);
    /* signed again, as sendcast would have written it without draws */
    assert_int_equal(run(out, sizeof out, "/usr/bin/python3 tests/craft_results.py --sign %s", a),
                     0);
    assert_int_equal(run(out, sizeof out, "%s sensitivity %s", bin(), a), 2);
    assert_non_null(strstr(out, "no parameter draws"));
    assert_non_null(strstr(out, "sendcast run"));
    assert_int_equal(run(out, sizeof out, "%s budgets %s --total 1m", bin(), a), 2);
    assert_non_null(strstr(out, "no parameter draws"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_linear_shares_and_shifts),
        cmocka_unit_test(test_errors_match_replications),
        cmocka_unit_test(test_indicator),
        cmocka_unit_test(test_variance_share),
        cmocka_unit_test(test_quantile_and_order),
        cmocka_unit_test(test_draws_are_the_trajectories),
        cmocka_unit_test(test_files_and_budgets),
        cmocka_unit_test(test_threads_and_refusal),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
