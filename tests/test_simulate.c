/*
 * test_simulate.c — the Monte Carlo of MODEL.md 3 against closed forms.
 *
 * Statistical checks use fixed seeds (so they are deterministic) and a
 * tolerance of 4 Monte Carlo standard errors of the quantity compared (the
 * standard error is stated beside each check): a correct engine fails a
 * single check with probability about 6e-5 for a new seed. The fixture is
 * tests/data/simulate/one-cluster.yaml; tests change the scenario in memory
 * (before resolving its parameters) so each expectation has a closed form.
 * Runs of many trajectories go through the engine (engine.h), which is how
 * every command simulates; sc_sim_run is tested with a sink of its own.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_math.h>

#include "sendcast/library.h"
#include "sendcast/alloc.h"
#include "sendcast/engine.h"
#include "sendcast/fit.h"
#include "sendcast/layout.h"
#include "sendcast/params.h"
#include "sendcast/scenario.h"
#include "sendcast/simulate.h"
#include "sendcast/summary.h"
#include "test_util.h"

#define FIXTURE "tests/data/simulate/one-cluster.yaml"
#define NSIM 20000L
#define Z 4.0

static sc_scenario *load(const char *path)
{
    sc_scenario *s = NULL;
    sc_error e;
    sc_error_clear(&e);
    int st = sc_scenario_read(path, &s, &e);
    if (st != SC_OK)
        print_error("%s\n", e.msg);
    assert_int_equal(st, SC_OK);
    return s;
}

/* The run's parameters of s as it stands: every dist: fit fitted, as `run` does. */
static sc_params *resolve(const sc_scenario *s)
{
    sc_params *p = NULL;
    sc_error e;
    sc_error_clear(&e);
    if (sc_fit_params(s, 0, &p, NULL, &e) != SC_OK)
        fail_msg("%s", e.msg);
    return p;
}

/* n trajectories of s through the engine, every record kept. */
static sc_summary *engine_run(const sc_scenario *s, long n, int threads)
{
    sc_params *p = resolve(s);
    sc_engine_options o;
    sc_engine_options_init(&o, s);
    o.trajectories = n;
    o.threads = threads;
    sc_summary *sum = NULL;
    sc_error e;
    if (sc_engine_run(s, p, &o, &sum, &e) != SC_OK)
        fail_msg("%s", e.msg);
    assert_true(sc_summary_has_records(sum));
    sc_params_free(p);
    return sum;
}

/* Running mean and variance of one cell over trajectories 0..n-1 (Welford). */
typedef struct moments {
    double mean, m2;
    long n;
} moments;

static void moments_add(moments *m, double x)
{
    m->n++;
    double d = x - m->mean;
    m->mean += d / (double)m->n;
    m->m2 += d * (x - m->mean);
}

static double moments_var(const moments *m)
{
    return m->m2 / (double)(m->n - 1);
}

/* Simulate n trajectories serially; accumulate the moments of ncell cells. */
static void simulate_moments(const sc_scenario *s, long n, const size_t *cell, int ncell,
                             moments *out)
{
    sc_layout l;
    sc_sim_workspace *w = NULL;
    sc_error e;
    sc_layout_init(&l, s);
    sc_params *p = resolve(s);
    assert_int_equal(sc_sim_workspace_alloc(s, &w, &e), SC_OK);
    double *cells = sc_calloc(l.ncells, sizeof *cells);
    memset(out, 0, (size_t)ncell * sizeof *out);
    for (long i = 0; i < n; i++) {
        assert_int_equal(sc_sim_trajectory(s, p, &l, w, s->seed, i, cells, &e), SC_OK);
        for (int k = 0; k < ncell; k++)
            moments_add(&out[k], cells[cell[k]]);
    }
    sc_free(cells);
    sc_sim_workspace_free(w);
    sc_params_free(p);
}

static void fix(sc_scenario *s, enum sc_param_id id, double v)
{
    s->param[id].kind = SC_DIST_FIXED;
    s->param[id].value[0] = v;
}

/* assert_close with what the number is, for the message. */
#define assert_close_what(got, want, tol, what)                                          \
    do {                                                                                  \
        if (!(fabs((got) - (want)) <= (tol)))                                             \
            print_error("%s:\n", what);                                                   \
        assert_close(got, want, tol);                                                     \
    } while (0)

/* Mean and variance of requests: NegBin(SS q0, k) with q0 = w exp(alpha + beta g_t). */
static void test_requests_negative_binomial(void **state)
{
    (void)state;
    sc_scenario *s = load(FIXTURE);
    sc_layout l;
    sc_layout_init(&l, s);
    size_t cell[2] = {sc_layout_cell(&l, SC_LEVEL_DISTRICT, SC_D_REQUESTS, 0, 0),
                      sc_layout_cell(&l, SC_LEVEL_DISTRICT, SC_D_REQUESTS, 1, 0)};
    moments m[2];
    simulate_moments(s, NSIM, cell, 2, m);

    const double ss = 10000 * 0.15, k = 40;
    for (int t = 1; t <= 2; t++) {
        double mean = ss * 1.3 * exp(-2.385 + 0.1 * t);
        double var = mean + mean * mean / k;
        /* SE of the mean: sqrt(var/n). */
        assert_close_what(m[t - 1].mean, mean, Z * sqrt(var / NSIM), "mean requests");
        /* SE of the sample variance ~ var sqrt((2 + excess kurtosis)/n); kurtosis of
         * this NB is below 0.2, so 4 SE < 0.043 var: a Poisson (var = mean) fails. */
        assert_close_what(moments_var(&m[t - 1]), var, Z * var * sqrt(2.2 / NSIM), "var requests");
    }
    sc_scenario_free(s);
}

/* The damped trend: g_2 = 1 + phi. */
static void test_damped_trend(void **state)
{
    (void)state;
    sc_scenario *s = load(FIXTURE);
    fix(s, SC_P_DAMPING, 0.35);
    sc_layout l;
    sc_layout_init(&l, s);
    size_t cell = sc_layout_cell(&l, SC_LEVEL_DISTRICT, SC_D_REQUESTS, 1, 0);
    moments m;
    simulate_moments(s, NSIM, &cell, 1, &m);
    double mean = 1500 * 1.3 * exp(-2.385 + 0.1 * 1.35);
    assert_close_what(m.mean, mean, Z * sqrt((mean + mean * mean / 40) / NSIM), "damped mean");
    sc_scenario_free(s);
}

/* Expected stock after one year with no new plans, from 3.2 step 8 in order. */
static void test_stock_after_one_year(void **state)
{
    (void)state;
    sc_scenario *s = load(FIXTURE);
    s->clusters[0].pupils = 0;   /* no requests, so no new plans */
    sc_layout l;
    sc_layout_init(&l, s);
    enum { NB = 3 };
    size_t cell[4] = {sc_layout_cell(&l, SC_LEVEL_DISTRICT, SC_D_PLANS_MAINSTREAM, 0, 0),
                      sc_layout_cell(&l, SC_LEVEL_DISTRICT, SC_D_PLANS_SPECIAL, 0, 0),
                      sc_layout_cell(&l, SC_LEVEL_DISTRICT, SC_D_PLANS_POST16, 0, 0),
                      sc_layout_cell(&l, SC_LEVEL_DISTRICT, SC_D_CEASED, 0, 0)};
    moments m[4];
    simulate_moments(s, NSIM, cell, 4, m);

    const double n[NB] = {400, 300, 200}, cm = 0.05, pe = 0.02, p16 = 0.07;
    double main_after = 0, to_special = 0, to_post16 = 0;
    for (int b = 0; b < NB; b++) {
        double kept = n[b] * (1 - cm);
        to_special += kept * pe;
        to_post16 += kept * (1 - pe) * p16;
        main_after += kept * (1 - pe) * (1 - p16);   /* step-up keeps plans in mainstream */
    }
    double special = 500 * (1 - 0.03) + to_special;
    double post16 = 300 * (1 - 0.15) + to_post16;
    /* SE from the sample sd: sqrt(var/n). */
    assert_close_what(m[0].mean, main_after, Z * sqrt(moments_var(&m[0]) / NSIM), "mainstream");
    assert_close_what(m[1].mean, special, Z * sqrt(moments_var(&m[1]) / NSIM), "special");
    assert_close_what(m[2].mean, post16, Z * sqrt(moments_var(&m[2]) / NSIM), "post16");
    double ceased = 900 * 0.05 + 40 * 0.04 + 500 * 0.03 + 10 * 0.06 + 300 * 0.15 + 20 * 0.1;
    assert_close_what(m[3].mean, ceased, Z * sqrt(moments_var(&m[3]) / NSIM), "ceased");
    sc_scenario_free(s);
}

/* Step-up moves plans one band up; the top band only gains. Top-up spend's
 * mean follows from the expected band counts. */
static void test_step_up_and_topup(void **state)
{
    (void)state;
    sc_scenario *s = load(FIXTURE);
    s->clusters[0].pupils = 0;
    fix(s, SC_P_CEASE_MAINSTREAM, 0);
    fix(s, SC_P_ESCALATION, 0);
    fix(s, SC_P_POST16_TRANSFER, 0);
    sc_layout l;
    sc_layout_init(&l, s);
    size_t cell = sc_layout_cell(&l, SC_LEVEL_CLUSTER, SC_C_TOPUP_SPEND, 0, 0);
    moments m;
    simulate_moments(s, NSIM, &cell, 1, &m);
    const double n[3] = {400, 300, 200}, topup[3] = {1000, 2500, 6000}, pu = 0.08;
    double close[3] = {n[0] * (1 - pu), n[1] * (1 - pu) + n[0] * pu, n[2] + n[1] * pu};
    double want = 0;
    for (int b = 0; b < 3; b++)
        want += 0.5 * (n[b] + close[b]) * topup[b] * 1.02;
    assert_close_what(m.mean, want, Z * sqrt(moments_var(&m) / NSIM), "top-up spend");
    sc_scenario_free(s);
}

/* With every transition off, the money of 3.3 is exact arithmetic. */
static sc_scenario *frozen(void)
{
    sc_scenario *s = load(FIXTURE);
    s->clusters[0].pupils = 0;
    for (int id = SC_P_CEASE_MAINSTREAM; id <= SC_P_POST16_TRANSFER; id++)
        fix(s, (enum sc_param_id)id, 0);
    return s;
}

static double frozen_spend_base(void)
{
    return 400 * 1000.0 + 300 * 2500.0 + 200 * 6000.0                     /* top-up */
           + 40 * 18000.0 + 500 * 26000.0 + 10 * 63000.0 + 300 * 9000.0 + 20 * 8000.0
           + 1000000.0;                                                    /* fixed lines */
}

static void test_money_exact(void **state)
{
    (void)state;
    sc_scenario *s = frozen();
    sc_layout l;
    sc_layout_init(&l, s);
    size_t cell[4] = {sc_layout_cell(&l, SC_LEVEL_DISTRICT, SC_D_HNB_SPEND, 1, 0),
                      sc_layout_cell(&l, SC_LEVEL_DISTRICT, SC_D_HNB_BALANCE, 1, 0),
                      sc_layout_cell(&l, SC_LEVEL_DISTRICT, SC_D_CUMULATIVE_DEFICIT, 1, 0),
                      sc_layout_cell(&l, SC_LEVEL_CLUSTER, SC_C_BUDGET_GAP, 1, 0)};
    moments m[4];
    simulate_moments(s, 3, cell, 4, m);
    double p1 = 1.02, p2 = 1.02 * 1.02;
    double spend2 = frozen_spend_base() * p2;
    double bal1 = 30e6 - frozen_spend_base() * p1, bal2 = 30e6 - spend2;
    double topup2 = (400 * 1000.0 + 300 * 2500.0 + 200 * 6000.0);
    assert_close_what(m[0].mean, spend2, 1e-6, "HNB spend year 2");
    assert_close_what(m[1].mean, bal2, 1e-6, "balance year 2");
    assert_close_what(m[2].mean, 5e6 - bal1 - bal2, 1e-6, "cumulative deficit");
    /* Budget by uplift 0: the base-year top-up; spend has two years' inflation. */
    assert_close_what(m[3].mean, topup2 * p2 - topup2, 1e-6, "budget gap");
    assert_close_what(moments_var(&m[0]), 0, 1e-6, "no variance");
    sc_scenario_free(s);
}

/* Safety Valve payments add to the balance; with `conditional`, year t's is
 * withheld when year t-1 missed its target. Exact arithmetic (no randomness). */
static void test_safety_valve_payments(void **state)
{
    (void)state;
    sc_scenario *s = frozen();
    s->sv_payment[1] = 2.3e6;
    s->sv_payment[2] = 1.7e6;
    s->target[1] = 1e12;            /* missed for sure */
    s->target[2] = NAN;
    sc_layout l;
    sc_layout_init(&l, s);
    size_t cell[2] = {sc_layout_cell(&l, SC_LEVEL_DISTRICT, SC_D_HNB_BALANCE, 0, 0),
                      sc_layout_cell(&l, SC_LEVEL_DISTRICT, SC_D_HNB_BALANCE, 1, 0)};
    const double bal1 = 30e6 - frozen_spend_base() * 1.02;
    const double bal2 = 30e6 - frozen_spend_base() * 1.02 * 1.02;
    moments m[4];

    simulate_moments(s, 2, cell, 2, m);
    assert_close_what(m[0].mean, bal1 + 2.3e6, 1e-6, "paid, unconditional");
    assert_close_what(m[1].mean, bal2 + 1.7e6, 1e-6, "paid, unconditional");

    s->sv_conditional = 1;
    simulate_moments(s, 2, cell, 2, m);
    assert_close_what(m[0].mean, bal1 + 2.3e6, 1e-6, "first year always paid");
    assert_close_what(m[1].mean, bal2, 1e-6, "withheld after a missed target");
    size_t sv[4] = {sc_layout_cell(&l, SC_LEVEL_DISTRICT, SC_D_SV_WITHHELD, 1, 0),
                    l.breach_offset, l.breach_offset + 1, l.all_met_offset};
    simulate_moments(s, 2, sv, 4, m);
    assert_close_what(m[0].mean, 1.7e6, 1e-6, "withheld");
    assert_close_what(m[1].mean, 1, 0, "first missed target in year 1");
    assert_close_what(m[2].mean, 0, 0, "not first in year 2");
    assert_close_what(m[3].mean, 0, 0, "not every target met");

    s->target[1] = -1e12;           /* met for sure */
    simulate_moments(s, 2, cell, 2, m);
    assert_close_what(m[1].mean, bal2 + 1.7e6, 1e-6, "paid after a met target");
    simulate_moments(s, 2, sv, 4, m);
    assert_close_what(m[0].mean, 0, 0, "nothing withheld");
    assert_close_what(m[1].mean + m[2].mean, 0, 0, "no target missed");
    assert_close_what(m[3].mean, 1, 0, "every target met");
    sc_scenario_free(s);
}

/* P(target met) and percentiles of the balance when only inflation is random:
 * Bal = G - K (1 + i), i ~ N(mu, sd), so a target at G - K(1 + mu + sd z_q)
 * is met with probability q, and the balance's p-th percentile is
 * G - K (1 + mu + sd z_{1-p}). */
static void test_target_at_known_quantile(void **state)
{
    (void)state;
    sc_scenario *s = frozen();
    s->horizon = 1;
    s->param[SC_P_INFLATION].kind = SC_DIST_NORMAL;
    s->param[SC_P_INFLATION].p[0] = 0.02;
    s->param[SC_P_INFLATION].p[1] = 0.01;
    const double q = 0.3, K = frozen_spend_base(), G = 30e6, mu = 0.02, sd = 0.01;
    s->target[1] = G - K * (1 + mu + sd * gsl_cdf_ugaussian_Pinv(q));

    sc_summary *sum = engine_run(s, NSIM, 2);

    /* SE of a proportion: sqrt(q(1-q)/n). */
    assert_close_what(sc_summary_p_met(sum)[0], q, Z * sqrt(q * (1 - q) / NSIM), "P(target met)");
    assert_close_what(sc_summary_p_met_mcse(sum)[0], sqrt(q * (1 - q) / NSIM), 1e-4, "its mcse");

    const double *pct = sc_summary_pct(sum, SC_LEVEL_DISTRICT, SC_D_HNB_BALANCE);
    for (int j = 0; j < s->npercentiles; j++) {
        double p = s->percentiles[j] / 100, z = gsl_cdf_ugaussian_Pinv(1 - p);
        double want = G - K * (1 + mu + sd * z);
        /* SE of a sample quantile: sqrt(p(1-p)/n) / f(x_p), f the balance's density. */
        double f = exp(-0.5 * z * z) / sqrt(2 * M_PI) / (K * sd);
        assert_close_what(pct[j], want, Z * sqrt(p * (1 - p) / NSIM) / f, "balance percentile");
    }
    sc_summary_free(sum);
    sc_scenario_free(s);
}

/* Cluster working diverts a share E r_t of would-be requests. */
static void test_diversion_share(void **state)
{
    (void)state;
    sc_scenario *s = load(FIXTURE);
    fix(s, SC_P_CLUSTER_EFFECT, 0.2);
    for (int t = 0; t <= s->horizon; t++)
        s->ramp[t] = t >= 1 ? 0.5 : 0;
    sc_layout l;
    sc_layout_init(&l, s);
    size_t cell[2] = {sc_layout_cell(&l, SC_LEVEL_DISTRICT, SC_D_DIVERTED, 0, 0),
                      sc_layout_cell(&l, SC_LEVEL_DISTRICT, SC_D_REQUESTS, 0, 0)};
    moments m[2];
    simulate_moments(s, NSIM, cell, 2, m);
    double r0 = 1500 * 1.3 * exp(-2.385 + 0.1);
    /* SE of a mean count: sqrt(var/n) from the sample. */
    assert_close_what(m[0].mean, 0.1 * r0, Z * sqrt(moments_var(&m[0]) / NSIM), "diverted");
    assert_close_what(m[1].mean, 0.9 * r0, Z * sqrt(moments_var(&m[1]) / NSIM), "requests");
    sc_scenario_free(s);
}

/* A sink of every record, [n][ncells], any thread at once (sink.h's
 * SC_SINK_ANY_THREAD): what sc_sim_run is tested with, apart from summaries. */
typedef struct records {
    size_t ncells;
    double *rows;
} records;

static void put_records(void *ctx, long first, long count, const double *rows)
{
    records *r = ctx;
    memcpy(r->rows + (size_t)first * r->ncells, rows, (size_t)count * r->ncells * sizeof *rows);
}

/* Same rows, bit for bit, with 1 and 3 threads (sc_sim_run with a sink of its
 * own), through the engine, and trajectory i alone. */
static void test_threads_and_replay_identical(void **state)
{
    (void)state;
    sc_scenario *s = load("scenarios/kirklees-clusters-v1.yaml");
    sc_params *p = resolve(s);
    const long n = 600;
    sc_layout l;
    sc_layout_init(&l, s);
    sc_error e;
    records a = {l.ncells, sc_calloc((size_t)n * l.ncells, sizeof(double))};
    records b = {l.ncells, sc_calloc((size_t)n * l.ncells, sizeof(double))};
    sc_sink sa = {SC_SINK_ANY_THREAD, put_records, &a}, sb = {SC_SINK_ANY_THREAD, put_records, &b};
    assert_int_equal(sc_sim_run(s, p, &l, s->seed, n, &(sc_sim_options){.threads = 1}, &sa, &e),
                     SC_OK);
    assert_int_equal(sc_sim_run(s, p, &l, s->seed, n, &(sc_sim_options){.threads = 3}, &sb, &e),
                     SC_OK);
    assert_memory_equal(a.rows, b.rows, (size_t)n * l.ncells * sizeof(double));

    sc_summary *sum = engine_run(s, n, 2);
    assert_memory_equal(a.rows, sc_summary_records(sum), (size_t)n * l.ncells * sizeof(double));

    sc_sim_workspace *w = NULL;
    double *cells = sc_calloc(l.ncells, sizeof *cells);
    assert_int_equal(sc_sim_workspace_alloc(s, &w, &e), SC_OK);
    assert_int_equal(sc_sim_trajectory(s, p, &l, w, s->seed, 437, cells, &e), SC_OK);
    assert_memory_equal(a.rows + 437 * l.ncells, cells, l.ncells * sizeof(double));
    sc_free(cells);
    sc_free(a.rows);
    sc_free(b.rows);
    sc_sim_workspace_free(w);
    sc_summary_free(sum);
    sc_params_free(p);
    sc_scenario_free(s);
}

/* --trajectory I --trace: the replay writes trajectory I exactly as the full
 * run made it: its cells are bit-identical to the stored record, and the
 * district rows of the CSV read back to the same doubles. */
static void test_trace_matches_full_run(void **state)
{
    (void)state;
    sc_scenario *s = load("scenarios/kirklees-clusters-v1.yaml");
    sc_params *p = resolve(s);
    sc_layout l;
    sc_layout_init(&l, s);
    sc_error e;
    const long n = 300, i = 217;
    sc_summary *sum = engine_run(s, n, 2);

    char path[] = "/tmp/sendcast-trace-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w+");
    double *cells = sc_calloc(l.ncells, sizeof *cells);
    assert_int_equal(sc_sim_trace(s, p, &l, s->seed, i, f, cells, &e), SC_OK);
    for (size_t c = 0; c < l.ncells; c++) {
        double x = sc_summary_value(sum, i, c);
        assert_memory_equal(&x, &cells[c], sizeof x);
    }

    rewind(f);
    char line[256];
    int rows = 0, district = 0;
    while (fgets(line, sizeof line, f)) {
        rows++;
        int year;
        char unit[64], quantity[64];
        double v;
        if (sscanf(line, "%d,%63[^,],%63[^,],%lf", &year, unit, quantity, &v) != 4 ||
            strcmp(unit, "district") || !strcmp(quantity, "target_met"))
            continue;
        const sc_metric_info *m = sc_layout_metrics(SC_LEVEL_DISTRICT);
        for (int k = 0; k < l.nmetrics[SC_LEVEL_DISTRICT]; k++)
            if (!strcmp(m[k].name, quantity)) {
                double want = cells[sc_layout_cell(&l, SC_LEVEL_DISTRICT, k,
                                                   year - s->base_year - 1, 0)];
                assert_memory_equal(&v, &want, sizeof v);
                district++;
            }
    }
    assert_int_equal(district, l.nmetrics[SC_LEVEL_DISTRICT] * s->horizon);
    assert_true(rows > 17 * 6 * 40);   /* every cluster's draws, every year */
    fclose(f);
    remove(path);
    sc_free(cells);
    sc_summary_free(sum);
    sc_params_free(p);
    sc_scenario_free(s);
}

/* Common random numbers: the two Kirklees policies share every would-be
 * request (requests + diverted), cluster by cluster and year by year, and the
 * price path. Only the diversion and what follows from it differ. */
static void test_policies_share_draws(void **state)
{
    (void)state;
    sc_scenario *on = load("scenarios/kirklees-clusters-v1.yaml");
    sc_scenario *off = load("scenarios/kirklees-no-change-v1.yaml");
    sc_params *pon = resolve(on), *poff = resolve(off);
    sc_layout l;
    sc_layout_init(&l, on);
    sc_sim_workspace *w = NULL;
    sc_error e;
    double *a = sc_calloc(l.ncells, sizeof *a), *b = sc_calloc(l.ncells, sizeof *b);
    assert_int_equal(sc_sim_workspace_alloc(on, &w, &e), SC_OK);
    long diverted = 0;
    for (long i = 0; i < 200; i++) {
        assert_int_equal(sc_sim_trajectory(on, pon, &l, w, on->seed, i, a, &e), SC_OK);
        assert_int_equal(sc_sim_trajectory(off, poff, &l, w, off->seed, i, b, &e), SC_OK);
        for (int y = 0; y < l.years; y++)
            for (int c = 0; c < on->nclusters; c++) {
                double r_on = a[sc_layout_cell(&l, SC_LEVEL_CLUSTER, SC_C_REQUESTS, y, c)];
                double d_on = a[sc_layout_cell(&l, SC_LEVEL_CLUSTER, SC_C_DIVERTED, y, c)];
                double r_off = b[sc_layout_cell(&l, SC_LEVEL_CLUSTER, SC_C_REQUESTS, y, c)];
                assert_true(r_on + d_on == r_off);
                diverted += (long)d_on;
            }
        size_t f = sc_layout_cell(&l, SC_LEVEL_DISTRICT, SC_D_FIXED_SPEND, l.years - 1, 0);
        assert_true(a[f] == b[f]);
    }
    assert_true(diverted > 0);
    sc_free(a);
    sc_free(b);
    sc_sim_workspace_free(w);
    sc_params_free(poff);
    sc_params_free(pon);
    sc_scenario_free(off);
    sc_scenario_free(on);
}

int main(void)
{
    sc_library_init();   /* as main() does: GSL never aborts (library.h) */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_requests_negative_binomial),
        cmocka_unit_test(test_damped_trend),
        cmocka_unit_test(test_stock_after_one_year),
        cmocka_unit_test(test_step_up_and_topup),
        cmocka_unit_test(test_money_exact),
        cmocka_unit_test(test_safety_valve_payments),
        cmocka_unit_test(test_target_at_known_quantile),
        cmocka_unit_test(test_diversion_share),
        cmocka_unit_test(test_threads_and_replay_identical),
        cmocka_unit_test(test_policies_share_draws),
        cmocka_unit_test(test_trace_matches_full_run),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
