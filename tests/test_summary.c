/*
 * test_summary.c — statistics across trajectories (src/summarise/summary.c)
 * and the cell layout they rest on (src/core/layout.c).
 *
 * Known answers: percentiles of 1..101 and of a small irregular sample
 * against numpy's default (Hyndman-Fan type 7), mean/sd/mcse, P(met) with its
 * binomial standard error, NaN for years without a target. Properties:
 * results bit-identical for 1 and 4 threads; percentiles of 20000 gamma
 * draws within Monte Carlo error of the exact quantiles. Errors: bad
 * arguments, a size that overflows, every allocation failing in turn.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "sendcast/library.h"
#include "sendcast/alloc.h"
#include "sendcast/layout.h"
#include "sendcast/summary.h"
#include "sendcast/stats.h"
#include "test_util.h"

/* cmocka 1.1.5 compares only floats; statistics need doubles. */
/* A layout of h years, a areas, c clusters (only these fields are read). */
static sc_layout make_layout(int h, int a, int c)
{
    static sc_scenario s;   /* large; zeroed once, only the counts set */
    s.horizon = h;
    s.nareas = a;
    s.nclusters = c;
    sc_layout l;
    sc_layout_init(&l, &s);
    return l;
}

static sc_summary *make_summary(const sc_layout *l, long n, int np, const double *p)
{
    sc_summary *s = NULL;
    sc_error e;
    sc_error_clear(&e);
    int rc = sc_summary_alloc(l, n, np, p, &s, &e);
    if (rc)
        fail_msg("sc_summary_alloc: %s", e.msg);
    return s;
}

/* Store n trajectories where every cell of trajectory i holds x[i]. */
static void store_constant_cells(sc_summary *s, const sc_layout *l, long n, const double *x)
{
    double *cells = malloc(l->ncells * sizeof *cells);
    assert_non_null(cells);
    for (long i = 0; i < n; i++) {
        for (size_t c = 0; c < l->ncells; c++)
            cells[c] = x[i];
        sc_summary_store(s, i, cells);
    }
    free(cells);
}

static void compute_ok(sc_summary *s)
{
    sc_error e;
    sc_error_clear(&e);
    int rc = sc_summary_compute(s, &e);
    if (rc)
        fail_msg("sc_summary_compute: %s", e.msg);
}

/* ---- layout ---------------------------------------------------------- */

static void test_layout_offsets(void **state)
{
    (void)state;
    sc_layout l = make_layout(3, 2, 5);
    assert_int_equal(l.years, 3);
    assert_int_equal(l.units[SC_LEVEL_DISTRICT], 1);
    assert_int_equal(l.units[SC_LEVEL_AREA], 2);
    assert_int_equal(l.units[SC_LEVEL_CLUSTER], 5);
    assert_int_equal(l.offset[SC_LEVEL_DISTRICT], 0);
    assert_int_equal(l.offset[SC_LEVEL_AREA], SC_D_NMETRICS * 3 * 1);
    assert_int_equal(l.offset[SC_LEVEL_CLUSTER], SC_D_NMETRICS * 3 + SC_A_NMETRICS * 3 * 2);
    assert_int_equal(l.target_offset, l.offset[SC_LEVEL_CLUSTER] + SC_C_NMETRICS * 3 * 5);
    assert_int_equal(l.breach_offset, l.target_offset + 3);
    assert_int_equal(l.all_met_offset, l.breach_offset + 3);
    assert_int_equal(l.ncells, l.all_met_offset + 1);
    /* The last cell of the last block is just before the indicators. */
    assert_int_equal(sc_layout_cell(&l, SC_LEVEL_CLUSTER, SC_C_NMETRICS - 1, 2, 4) + 1,
                     l.target_offset);
    assert_int_equal(sc_layout_cell(&l, SC_LEVEL_AREA, 1, 2, 1),
                     l.offset[SC_LEVEL_AREA] + 1 * 6 + 2 * 2 + 1);
}

static int has_metric(const sc_metric_info *t, int n, const char *name)
{
    for (int k = 0; k < n; k++)
        if (strcmp(t[k].name, name) == 0)
            return 1;
    return 0;
}

/* Every row filled, names unique within a level, and CONTRACT.md's names. */
static void test_layout_tables(void **state)
{
    (void)state;
    static const char *const district[] = { "requests", "diverted", "assessments",
        "new_plans", "plans_total", "plans_mainstream", "plans_arp", "plans_special",
        "plans_independent", "plans_post16", "plans_other", "topup_spend",
        "early_support_spend", "hnb_spend", "hnb_balance", "cumulative_deficit" };
    static const char *const cluster[] = { "requests", "diverted", "new_plans",
        "plans_mainstream", "topup_spend", "cluster_spend", "budget_gap" };
    static const char *const area[] = { "contingency_used", "uncovered_overspend" };
    for (int v = 0; v < SC_NLEVELS; v++) {
        sc_layout l = make_layout(1, 1, 1);
        const sc_metric_info *t = sc_layout_metrics((enum sc_level)v);
        assert_non_null(t);
        for (int k = 0; k < l.nmetrics[v]; k++) {
            assert_non_null(t[k].name);
            assert_non_null(t[k].unit);
            assert_non_null(t[k].doc);
            for (int j = 0; j < k; j++)
                assert_string_not_equal(t[j].name, t[k].name);
        }
    }
    for (size_t k = 0; k < sizeof district / sizeof *district; k++)
        assert_true(has_metric(sc_district_metrics, SC_D_NMETRICS, district[k]));
    for (size_t k = 0; k < sizeof cluster / sizeof *cluster; k++)
        assert_true(has_metric(sc_cluster_metrics, SC_C_NMETRICS, cluster[k]));
    for (size_t k = 0; k < sizeof area / sizeof *area; k++)
        assert_true(has_metric(sc_area_metrics, SC_A_NMETRICS, area[k]));
    assert_string_equal(sc_district_metrics[SC_D_HNB_BALANCE].name, "hnb_balance");
    assert_string_equal(sc_area_metrics[SC_A_UNCOVERED_OVERSPEND].name, "uncovered_overspend");
    assert_string_equal(sc_cluster_metrics[SC_C_BUDGET_GAP].name, "budget_gap");
    assert_string_equal(sc_level_names[SC_LEVEL_AREA], "area");
}

/* ---- known answers --------------------------------------------------- */

/* 1..101: type 7 puts p at index (n-1)p = 100p, exactly the value 100p + 1. */
static void test_percentiles_1_to_101(void **state)
{
    (void)state;
    static const double p[] = { 5, 10, 25, 50, 75, 90, 95 };
    static const double want[] = { 6, 11, 26, 51, 76, 91, 96 };
    sc_layout l = make_layout(2, 1, 2);
    double x[101];
    for (int i = 0; i < 101; i++)
        x[i] = 101 - i;   /* stored in reverse: the summary must sort */
    sc_summary *s = make_summary(&l, 101, 7, p);
    store_constant_cells(s, &l, 101, x);
    compute_ok(s);
    const double *q = sc_summary_pct(s, SC_LEVEL_CLUSTER, SC_C_BUDGET_GAP);
    for (int cell = 0; cell < 2 * 2; cell++)
        for (int k = 0; k < 7; k++)
            assert_close(q[cell * 7 + k], want[k], 1e-12);
    /* Mean 51, variance with divisor n-1 of 1..N is N(N+1)/12. */
    assert_close(sc_summary_mean(s, SC_LEVEL_DISTRICT, SC_D_REQUESTS)[1], 51.0, 1e-12);
    assert_close(sc_summary_sd(s, SC_LEVEL_AREA, SC_A_BUDGET)[0],
                        sqrt(101.0 * 102.0 / 12.0), 1e-12);
    assert_close(sc_summary_mcse(s, SC_LEVEL_AREA, SC_A_BUDGET)[0],
                        sqrt(101.0 * 102.0 / 12.0) / sqrt(101.0), 1e-12);
    assert_int_equal(sc_summary_trajectories(s), 101);
    assert_int_equal(sc_summary_npercentiles(s), 7);
    assert_close(sc_summary_percentiles(s)[3], 50.0, 0);
    sc_summary_free(s);
}

/* An irregular sample (repeated value, outlier, negatives), in no order.
 * Expected values from numpy 1.24.2, np.percentile(x, p) (default "linear",
 * i.e. type 7), mean and np.std(x, ddof=1). */
/* A run of equal values (a budget, a capped contingency) gives exactly that
 * value at every percentile it covers, and a row never decreases: GSL's
 * (1-d) a + d b form returned 4081994.28010466 less an ulp here. */
static void test_percentiles_constant_run_monotone(void **state)
{
    (void)state;
    static const double p[] = { 5, 10, 25, 50, 75, 90, 95 };
    sc_layout l = make_layout(1, 1, 1);
    enum { N = 997 };
    double x[N];
    for (int i = 0; i < N; i++)
        x[i] = i < 40 ? 1000.0 + i : 4081994.28010466;
    sc_summary *s = make_summary(&l, N, 7, p);
    store_constant_cells(s, &l, N, x);
    compute_ok(s);
    const double *q = sc_summary_pct(s, SC_LEVEL_AREA, SC_A_CONTINGENCY_USED);
    for (int k = 1; k < 7; k++) {
        assert_true(q[k] >= q[k - 1]);
        assert_true(q[k] == 4081994.28010466);
    }
    for (int i = 0; i < N; i++)
        x[i] = 4081994.28010466;
    store_constant_cells(s, &l, N, x);
    compute_ok(s);
    for (int k = 0; k < 7; k++)
        assert_true(q[k] == 4081994.28010466);
    assert_true(sc_summary_sd(s, SC_LEVEL_AREA, SC_A_CONTINGENCY_USED)[0] == 0.0);
    assert_true(sc_summary_mean(s, SC_LEVEL_AREA, SC_A_CONTINGENCY_USED)[0] == 4081994.28010466);
    sc_summary_free(s);
}

/* Percentiles by selection equal those of a full sort, exactly, on samples
 * with heavy ties (small counts) and without (continuous), at odd and even n. */
static void test_percentiles_match_full_sort(void **state)
{
    (void)state;
    static const double p[] = { 0, 2.5, 5, 10, 25, 50, 50, 75, 90, 95, 97.5, 100 };
    enum { NP = sizeof p / sizeof p[0] };
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    for (int trial = 0; trial < 40; trial++) {
        long n = 50 + trial * 37;
        sc_layout l = make_layout(1, 1, 1);
        sc_summary *s = make_summary(&l, n, NP, p);
        double *x = malloc((size_t)n * sizeof *x), *cells = calloc(l.ncells, sizeof *cells);
        assert_non_null(x);
        assert_non_null(cells);
        for (long i = 0; i < n; i++) {
            x[i] = trial % 2 ? (double)gsl_rng_uniform_int(r, 6) : gsl_ran_gaussian(r, 3.7);
            cells[0] = x[i];
            sc_summary_store(s, i, cells);
        }
        compute_ok(s);
        sc_stats_sort(x, (size_t)n);
        const double *q = sc_summary_pct(s, SC_LEVEL_DISTRICT, 0);
        for (int k = 0; k < NP; k++) {
            double rank = (double)(n - 1) * (p[k] / 100.0);
            long j = (long)rank;
            double want = j + 1 >= n ? x[n - 1] : x[j] + (rank - (double)j) * (x[j + 1] - x[j]);
            if (j + 1 < n)
                want = fmin(fmax(want, x[j]), x[j + 1]);
            assert_true(q[k] == want);
        }
        free(x);
        free(cells);
        sc_summary_free(s);
    }
    gsl_rng_free(r);
}

static void test_percentiles_irregular(void **state)
{
    (void)state;
    static const double x[] = { 2.385, -1.7, 10.25, 3.3, 3.3, 0.01, 7.77, -4.2, 100.5, 6.125 };
    static const double p[] = { 1, 5, 10, 25, 33.3, 50, 75, 90, 95, 99 };
    static const double want[] = { -3.975, -3.075, -1.95, 0.60375, 2.3778749999999995, 3.3,
                                   7.35875, 19.27499999999997, 59.8874999999999,
                                   92.37750000000001 };
    sc_layout l = make_layout(1, 1, 1);
    sc_summary *s = make_summary(&l, 10, 10, p);
    store_constant_cells(s, &l, 10, x);
    compute_ok(s);
    const double *q = sc_summary_pct(s, SC_LEVEL_DISTRICT, SC_D_HNB_BALANCE);
    for (int k = 0; k < 10; k++)
        assert_close(q[k], want[k], 1e-9);
    const double mean = 12.774000000000001, sd = 31.125995905530655;
    assert_close(sc_summary_mean(s, SC_LEVEL_DISTRICT, SC_D_HNB_BALANCE)[0], mean, 1e-12);
    assert_close(sc_summary_sd(s, SC_LEVEL_DISTRICT, SC_D_HNB_BALANCE)[0], sd, 1e-10);
    assert_close(sc_summary_mcse(s, SC_LEVEL_DISTRICT, SC_D_HNB_BALANCE)[0],
                        sd / sqrt(10.0), 1e-10);
    assert_close(sc_summary_value(s, 8, 0), 100.5, 0);
    sc_summary_free(s);
}

/* One trajectory: sd and mcse are 0, every percentile is the value. */
static void test_single_trajectory(void **state)
{
    (void)state;
    static const double p[] = { 5, 50, 95 };
    const double x[] = { 2.385 };
    sc_layout l = make_layout(2, 1, 1);
    sc_summary *s = make_summary(&l, 1, 3, p);
    store_constant_cells(s, &l, 1, x);
    compute_ok(s);
    assert_close(sc_summary_mean(s, SC_LEVEL_CLUSTER, 0)[1], 2.385, 0);
    assert_close(sc_summary_sd(s, SC_LEVEL_CLUSTER, 0)[1], 0.0, 0);
    assert_close(sc_summary_mcse(s, SC_LEVEL_CLUSTER, 0)[1], 0.0, 0);
    for (int k = 0; k < 3; k++)
        assert_close(sc_summary_pct(s, SC_LEVEL_CLUSTER, 0)[3 + k], 2.385, 0);
    sc_summary_free(s);
}

/* Indicators: year 1 met in 3 of 4, year 2 no target (NaN), year 3 never.
 * A level cell with NaN anywhere gets NaN statistics. */
static void test_targets_and_nan(void **state)
{
    (void)state;
    static const double p[] = { 10, 90 };
    const double met[4][3] = { { 1, NAN, 0 }, { 0, NAN, 0 }, { 1, NAN, 0 }, { 1, NAN, 0 } };
    sc_layout l = make_layout(3, 1, 1);
    sc_summary *s = make_summary(&l, 4, 2, p);
    double *cells = calloc(l.ncells, sizeof *cells);
    assert_non_null(cells);
    size_t nan_cell = sc_layout_cell(&l, SC_LEVEL_DISTRICT, SC_D_SV_PAYMENT, 1, 0);
    for (long i = 0; i < 4; i++) {
        for (size_t c = 0; c < l.target_offset; c++)
            cells[c] = 2.385 * (double)i;
        cells[nan_cell] = i == 2 ? NAN : 1.0;
        for (int y = 0; y < 3; y++)
            cells[l.target_offset + (size_t)y] = met[i][y];
        sc_summary_store(s, i, cells);
    }
    free(cells);
    compute_ok(s);

    const double *pm = sc_summary_p_met(s), *se = sc_summary_p_met_mcse(s);
    assert_close(pm[0], 0.75, 1e-15);
    assert_close(se[0], sqrt(0.75 * 0.25 / 4.0), 1e-15);
    assert_true(isnan(pm[1]));
    assert_true(isnan(se[1]));
    assert_close(pm[2], 0.0, 0);
    assert_close(se[2], 0.0, 0);

    const double *mean = sc_summary_mean(s, SC_LEVEL_DISTRICT, SC_D_SV_PAYMENT);
    assert_close(mean[0], 2.385 * 1.5, 1e-15);
    assert_true(isnan(mean[1]));
    assert_true(isnan(sc_summary_sd(s, SC_LEVEL_DISTRICT, SC_D_SV_PAYMENT)[1]));
    assert_true(isnan(sc_summary_mcse(s, SC_LEVEL_DISTRICT, SC_D_SV_PAYMENT)[1]));
    assert_true(isnan(sc_summary_pct(s, SC_LEVEL_DISTRICT, SC_D_SV_PAYMENT)[2]));
    assert_true(isnan(sc_summary_pct(s, SC_LEVEL_DISTRICT, SC_D_SV_PAYMENT)[3]));
    sc_summary_free(s);
}

/* ---- properties ------------------------------------------------------ */

static sc_summary *random_summary(const sc_layout *l, long n, int threads)
{
    static const double p[] = { 5, 10, 25, 50, 75, 90, 95 };
    sc_summary *s = make_summary(l, n, 7, p);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 20240611);
    double *cells = malloc(l->ncells * sizeof *cells);
    assert_non_null(cells);
    for (long i = 0; i < n; i++) {
        for (size_t c = 0; c < l->ncells; c++)
            cells[c] = gsl_ran_lognormal(r, 10.0, 1.5) * (c % 3 ? 1.0 : -1.0);
        for (int y = 0; y < l->years; y++)
            cells[l->target_offset + (size_t)y] = y == 1 ? NAN : (gsl_rng_uniform(r) < 0.3);
        sc_summary_store(s, i, cells);
    }
    free(cells);
    gsl_rng_free(r);
    omp_set_num_threads(threads);
    compute_ok(s);
    return s;
}

static void assert_same_bits(const double *a, const double *b, size_t n)
{
    assert_memory_equal(a, b, n * sizeof(double));
}

static void test_thread_count_invariance(void **state)
{
    (void)state;
    sc_layout l = make_layout(4, 2, 3);
    sc_summary *one = random_summary(&l, 1001, 1);
    sc_summary *four = random_summary(&l, 1001, 4);
    for (int v = 0; v < SC_NLEVELS; v++) {
        enum sc_level lv = (enum sc_level)v;
        size_t cells = (size_t)l.years * (size_t)l.units[v];
        for (int m = 0; m < l.nmetrics[v]; m++) {
            assert_same_bits(sc_summary_mean(one, lv, m), sc_summary_mean(four, lv, m), cells);
            assert_same_bits(sc_summary_sd(one, lv, m), sc_summary_sd(four, lv, m), cells);
            assert_same_bits(sc_summary_mcse(one, lv, m), sc_summary_mcse(four, lv, m), cells);
            assert_same_bits(sc_summary_pct(one, lv, m), sc_summary_pct(four, lv, m), cells * 7);
        }
    }
    assert_same_bits(sc_summary_p_met(one), sc_summary_p_met(four), 4);
    assert_same_bits(sc_summary_p_met_mcse(one), sc_summary_p_met_mcse(four), 4);
    sc_summary_free(one);
    sc_summary_free(four);
    omp_set_num_threads(omp_get_num_procs());
}

/* 20000 Gamma(2.5, 1.3) draws. The sample p-quantile is asymptotically
 * normal with standard error sqrt(p(1-p)/n) / f(x_p), f the density at the
 * exact quantile x_p; four standard errors is the tolerance, so a correct
 * implementation fails about once in 16000 per percentile, while an
 * off-by-one-order-statistic or wrong-p error is far larger. The fixed seed
 * makes the test deterministic anyway. */
static void test_gamma_percentiles(void **state)
{
    (void)state;
    static const double p[] = { 5, 10, 25, 50, 75, 90, 95 };
    const double shape = 2.5, scale = 1.3;
    const long n = 20000;
    sc_layout l = make_layout(1, 1, 1);
    sc_summary *s = make_summary(&l, n, 7, p);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 987654321);
    double *x = malloc((size_t)n * sizeof *x);
    assert_non_null(x);
    for (long i = 0; i < n; i++)
        x[i] = gsl_ran_gamma(r, shape, scale);
    store_constant_cells(s, &l, n, x);
    compute_ok(s);
    const double *q = sc_summary_pct(s, SC_LEVEL_DISTRICT, SC_D_TOPUP_SPEND);
    for (int k = 0; k < 7; k++) {
        double pk = p[k] / 100.0;
        double exact = gsl_cdf_gamma_Pinv(pk, shape, scale);
        double se = sqrt(pk * (1.0 - pk) / (double)n) / gsl_ran_gamma_pdf(exact, shape, scale);
        assert_close(q[k], exact, 4.0 * se);
    }
    /* The mean within 4 Monte Carlo standard errors of shape x scale. */
    double mean = sc_summary_mean(s, SC_LEVEL_DISTRICT, SC_D_TOPUP_SPEND)[0];
    double mcse = sc_summary_mcse(s, SC_LEVEL_DISTRICT, SC_D_TOPUP_SPEND)[0];
    assert_close(mcse, sqrt(shape) * scale / sqrt((double)n), 0.05 * mcse);
    assert_close(mean, shape * scale, 4.0 * mcse);
    free(x);
    gsl_rng_free(r);
    sc_summary_free(s);
}

/* ---- errors ---------------------------------------------------------- */

static void test_bad_arguments(void **state)
{
    (void)state;
    static const double good[] = { 50 }, bad[] = { 101 }, nan_p[] = { NAN };
    sc_layout l = make_layout(2, 1, 1);
    sc_summary *s = (sc_summary *)&l;   /* must be reset to NULL on failure */
    sc_error e;
    sc_error_clear(&e);
    assert_int_equal(sc_summary_alloc(&l, 0, 1, good, &s, &e), SC_EINPUT);
    assert_null(s);
    assert_int_equal(sc_summary_alloc(&l, 10, 1, bad, &s, &e), SC_EINPUT);
    assert_non_null(strstr(e.msg, "101"));
    assert_int_equal(sc_summary_alloc(&l, 10, 1, nan_p, &s, &e), SC_EINPUT);
    assert_int_equal(sc_summary_alloc(&l, 10, -1, good, &s, &e), SC_EINPUT);
    sc_summary_free(NULL);
}

/* 8 x cells x n beyond size_t: SC_ENOMEM naming the bytes, nothing allocated
 * for the values (so no attempt to allocate a wrapped-around size). */
static void test_size_overflow(void **state)
{
    (void)state;
    sc_layout l = make_layout(1, 1, 1);
    l.ncells = SIZE_MAX / 16;
    sc_summary *s = NULL;
    sc_error e;
    sc_error_clear(&e);
    assert_int_equal(sc_summary_alloc(&l, 100, 0, NULL, &s, &e), SC_ENOMEM);
    assert_null(s);
    assert_non_null(strstr(e.msg, "bytes"));
}

/* Make the k-th allocation fail for every k: each gives SC_ENOMEM and frees
 * what it made (AddressSanitizer's leak check proves the second part). */
static void test_allocation_failures(void **state)
{
    (void)state;
    static const double p[] = { 25, 75 };
    sc_layout l = make_layout(2, 2, 2);
    int succeeded = 0;
    for (long k = 1; k < 50 && !succeeded; k++) {
        sc_summary *s = NULL;
        sc_error e;
        sc_error_clear(&e);
        sc_alloc_fail_at(k);
        int rc = sc_summary_alloc(&l, 7, 2, p, &s, &e);
        sc_alloc_fail_at(0);
        if (rc == SC_OK) {
            succeeded = 1;
            sc_summary_free(s);
        } else {
            assert_int_equal(rc, SC_ENOMEM);
            assert_null(s);
        }
    }
    assert_true(succeeded);
}

/* The sorting scratch failing in one thread fails the whole compute. */
static void test_scratch_failure(void **state)
{
    (void)state;
    static const double p[] = { 50 };
    const double x[] = { 1, 2, 3 };
    sc_layout l = make_layout(2, 1, 1);
    for (int threads = 1; threads <= 4; threads *= 4) {
        sc_summary *s = make_summary(&l, 3, 1, p);
        store_constant_cells(s, &l, 3, x);
        omp_set_num_threads(threads);
        sc_error e;
        sc_error_clear(&e);
        sc_alloc_fail_at(1);
        int rc = sc_summary_compute(s, &e);
        sc_alloc_fail_at(0);
        assert_int_equal(rc, SC_ENOMEM);
        assert_non_null(strstr(e.msg, "scratch"));
        compute_ok(s);   /* and it works once memory is there */
        assert_close(sc_summary_pct(s, SC_LEVEL_DISTRICT, 0)[0], 2.0, 0);
        sc_summary_free(s);
    }
    omp_set_num_threads(omp_get_num_procs());
}

int main(void)
{
    sc_library_init();   /* as main() does: GSL never aborts (library.h) */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout_offsets),
        cmocka_unit_test(test_layout_tables),
        cmocka_unit_test(test_percentiles_1_to_101),
        cmocka_unit_test(test_percentiles_irregular),
        cmocka_unit_test(test_percentiles_match_full_sort),
        cmocka_unit_test(test_percentiles_constant_run_monotone),
        cmocka_unit_test(test_single_trajectory),
        cmocka_unit_test(test_targets_and_nan),
        cmocka_unit_test(test_thread_count_invariance),
        cmocka_unit_test(test_gamma_percentiles),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_size_overflow),
        cmocka_unit_test(test_allocation_failures),
        cmocka_unit_test(test_scratch_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
