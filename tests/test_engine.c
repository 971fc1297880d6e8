/*
 * test_engine.c — the engine (src/engine): N trajectories of a resolved
 * scenario into a summary, across threads and bounded-memory passes (the MPI
 * ranks: tests/mpi_check.sh).
 *
 * - Bounded memory, exact (three passes): percentiles exactly those of
 *   keeping every record, means and sds to rounding, 1 and 2 threads alike.
 * - Bounded, one pass: every percentile within the achieved rank error.
 * - Cells kept trajectory by trajectory (for PIT and CRPS) are the same in
 *   either memory mode.
 * - What callers rely on: calls with threads = 1 may run at once from a
 *   caller's own OpenMP loop and give what they give alone; the scenario and
 *   the parameters are not changed; the caller's OpenMP settings are left
 *   alone; bad options are refused.
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
#include <omp.h>

#include "sendcast/library.h"
#include "sendcast/alloc.h"
#include "sendcast/engine.h"
#include "sendcast/fit.h"
#include "sendcast/layout.h"
#include "sendcast/params.h"
#include "sendcast/scenario.h"
#include "sendcast/summary.h"
#include "test_util.h"

#define KIRKLEES "scenarios/kirklees-clusters-v1.yaml"
#define ONE_CLUSTER "tests/data/simulate/one-cluster.yaml"

typedef struct run {
    sc_scenario *s;
    sc_params *p;
    sc_layout l;
} run;

static run load(const char *path)
{
    run r = {NULL, NULL, {0}};
    sc_error e;
    sc_error_clear(&e);
    if (sc_scenario_read(path, &r.s, &e) != SC_OK || sc_fit_params(r.s, 0, &r.p, NULL, &e))
        fail_msg("%s: %s", path, e.msg);
    sc_layout_init(&r.l, r.s);
    return r;
}

static void unload(run *r)
{
    sc_params_free(r->p);
    sc_scenario_free(r->s);
}

/* n trajectories with `threads`, every record kept (memory_mb large) or in
 * bounded memory (memory_mb 1) at the given rank error. */
static sc_summary *engine(const run *r, long n, int threads, int bounded, double rank_error)
{
    sc_engine_options o;
    sc_engine_options_init(&o, r->s);
    o.trajectories = n;
    o.threads = threads;
    o.memory_mb = bounded ? 1 : 1L << 20;
    o.rank_error = rank_error;
    sc_summary *sum = NULL;
    sc_error e;
    if (sc_engine_run(r->s, r->p, &o, &sum, &e) != SC_OK)
        fail_msg("%s", e.msg);
    assert_int_equal(sc_summary_bounded(sum), bounded);
    return sum;
}

/* Bounded-memory summaries (exact: three passes over the same trajectories)
 * give exactly the percentiles of keeping every record, means and sds to
 * rounding, and do not depend on the thread count. n is not a multiple of
 * the chunk. */
static void test_bounded_summaries_exact(void **state)
{
    (void)state;
    run r = load(KIRKLEES);
    const sc_layout l = r.l;
    const long n = 2501;
    sc_summary *full = engine(&r, n, 2, 0, SC_SUMMARY_RANK_ERROR);
    sc_summary *b1 = engine(&r, n, 1, 1, SC_SUMMARY_RANK_ERROR);
    sc_summary *b2 = engine(&r, n, 2, 1, SC_SUMMARY_RANK_ERROR);
    assert_int_equal(sc_summary_passes(b1), 3);   /* n x 1e-4 < 30: exact */
    assert_false(sc_summary_has_records(b1));
    const int np = r.s->npercentiles;
    for (int lev = 0; lev < SC_NLEVELS; lev++)
        for (int m = 0; m < l.nmetrics[lev]; m++) {
            size_t cells = (size_t)l.years * (size_t)l.units[lev];
            const double *pf = sc_summary_pct(full, (enum sc_level)lev, m);
            const double *p1 = sc_summary_pct(b1, (enum sc_level)lev, m);
            const double *p2 = sc_summary_pct(b2, (enum sc_level)lev, m);
            assert_memory_equal(pf, p1, cells * (size_t)np * sizeof(double));
            assert_memory_equal(p1, p2, cells * (size_t)np * sizeof(double));
            const double *mf = sc_summary_mean(full, (enum sc_level)lev, m);
            const double *m1 = sc_summary_mean(b1, (enum sc_level)lev, m);
            assert_memory_equal(m1, sc_summary_mean(b2, (enum sc_level)lev, m),
                                cells * sizeof(double));
            assert_memory_equal(sc_summary_sd(b1, (enum sc_level)lev, m),
                                sc_summary_sd(b2, (enum sc_level)lev, m), cells * sizeof(double));
            for (size_t k = 0; k < cells; k++)
                assert_close(m1[k], mf[k], 1e-12 * fmax(1.0, fabs(mf[k])));
        }
    for (int y = 0; y < l.years; y++)
        assert_close(sc_summary_p_met(b1)[y], sc_summary_p_met(full)[y], 1e-12);
    sc_summary_free(full);
    sc_summary_free(b1);
    sc_summary_free(b2);
    unload(&r);
}

/* Whether `got` could be percentile q of cell c's n values (in `full`) to
 * within `slack` ranks: some rank it may take among the values (from the
 * count below it to the count at or below it) is within slack of the
 * order statistics j0, j1 that the type-7 percentile lies between. */
static int within_ranks(const sc_summary *full, size_t c, double q, double got, long slack)
{
    long n = sc_summary_trajectories(full), less = 0, equal = 0;
    for (long i = 0; i < n; i++) {
        double x = sc_summary_value(full, i, c);
        less += x < got;
        equal += x == got;
    }
    long j0 = (long)((double)(n - 1) * q / 100.0), j1 = j0 + 1 < n ? j0 + 1 : j0;
    long lowest = less, highest = less + (equal > 0 ? equal - 1 : 0);
    return lowest <= j1 + slack && highest >= j0 - slack;
}

/* One pass (bounded, bins split): every percentile of every cell within the
 * rank error against the exact ones from every record, the achieved error
 * reported and below the allowed one, means to rounding, and the same
 * numbers for 1 and 2 threads. 12,000 trajectories at rank error 4e-3 (48
 * ranks) stand for 10^6 at 1e-4 (100 ranks): the same code, a test's time. */
static void test_bounded_summaries_one_pass(void **state)
{
    (void)state;
    run r = load(KIRKLEES);
    const sc_layout l = r.l;
    const long n = 12000;
    const double eps = 4e-3;
    sc_summary *full = engine(&r, n, 2, 0, eps);
    sc_summary *b1 = engine(&r, n, 1, 1, eps), *b2 = engine(&r, n, 2, 1, eps);
    assert_int_equal(sc_summary_passes(b1), 2);
    assert_true(sc_summary_rank_error(b1) > 0 && sc_summary_rank_error(b1) <= eps);
    const long slack = (long)ceil(sc_summary_rank_error(b1) * (double)n);
    const int np = r.s->npercentiles;
    long checked = 0, exact = 0;
    for (int lev = 0; lev < SC_NLEVELS; lev++)
        for (int m = 0; m < l.nmetrics[lev]; m++) {
            size_t cells = (size_t)l.years * (size_t)l.units[lev];
            const double *pf = sc_summary_pct(full, (enum sc_level)lev, m);
            const double *p1 = sc_summary_pct(b1, (enum sc_level)lev, m);
            assert_memory_equal(p1, sc_summary_pct(b2, (enum sc_level)lev, m),
                                cells * (size_t)np * sizeof(double));
            const double *mf = sc_summary_mean(full, (enum sc_level)lev, m);
            const double *m1 = sc_summary_mean(b1, (enum sc_level)lev, m);
            for (size_t k = 0; k < cells; k++) {
                assert_close(m1[k], mf[k], 1e-12 * fmax(1.0, fabs(mf[k])));
                size_t c = sc_layout_cell(&l, (enum sc_level)lev, m,
                                          (int)(k / (size_t)l.units[lev]),
                                          (int)(k % (size_t)l.units[lev]));
                for (int q = 0; q < np; q++) {
                    double got = p1[k * (size_t)np + (size_t)q];
                    double want = pf[k * (size_t)np + (size_t)q];
                    if (isnan(want)) {
                        assert_true(isnan(got));
                        continue;
                    }
                    if (!within_ranks(full, c, r.s->percentiles[q], got, slack))
                        fail_msg("cell %zu, p%g: %.17g is not within %ld ranks (exact %.17g)", c,
                                 r.s->percentiles[q], got, slack, want);
                    checked++;
                    exact += got == want;
                }
            }
        }
    /* Counts sit in point bins and come out exact; amounts are within the error. */
    assert_true(checked > 10000 && exact > checked / 4 && exact < checked);
    sc_summary_free(full);
    sc_summary_free(b1);
    sc_summary_free(b2);
    unload(&r);
}

/* Every trajectory's value of chosen cells, in memory, in either mode: what
 * a back-test or a calibration scores (PIT, CRPS) against an outturn. */
static void test_kept_cells_in_either_mode(void **state)
{
    (void)state;
    run r = load(KIRKLEES);
    const long n = 3001;
    size_t cells[3] = {sc_layout_cell(&r.l, SC_LEVEL_DISTRICT, SC_D_REQUESTS, 0, 0),
                       sc_layout_cell(&r.l, SC_LEVEL_DISTRICT, SC_D_PLANS_TOTAL, 2, 0),
                       sc_layout_cell(&r.l, SC_LEVEL_CLUSTER, SC_C_TOPUP_SPEND, 1, 3)};
    sc_engine_options o;
    sc_engine_options_init(&o, r.s);
    o.trajectories = n;
    o.threads = 2;
    o.keep_cells = cells;
    o.nkeep_cells = 3;
    sc_summary *kept = NULL, *bounded = NULL;
    sc_error e;
    assert_int_equal(sc_engine_run(r.s, r.p, &o, &kept, &e), SC_OK);
    o.memory_mb = 1;
    assert_int_equal(sc_engine_run(r.s, r.p, &o, &bounded, &e), SC_OK);
    assert_true(sc_summary_has_records(kept) && sc_summary_bounded(bounded));
    double *a = sc_calloc((size_t)n, sizeof *a), *b = sc_calloc((size_t)n, sizeof *b);
    for (int k = 0; k < 3; k++) {
        assert_int_equal(sc_summary_cell_values(kept, cells[k], a, &e), SC_OK);
        assert_int_equal(sc_summary_cell_values(bounded, cells[k], b, &e), SC_OK);
        assert_memory_equal(a, b, (size_t)n * sizeof *a);
        assert_true(a[17] == sc_summary_value(kept, 17, cells[k]));
    }
    /* A cell not asked for is refused in bounded memory, named. */
    size_t other = sc_layout_cell(&r.l, SC_LEVEL_DISTRICT, SC_D_HNB_SPEND, 0, 0);
    assert_int_equal(sc_summary_cell_values(bounded, other, b, &e), SC_EINPUT);
    assert_non_null(strstr(e.msg, "not kept"));
    /* values_only (sweeps, goal seeks, attributions): the same values in
     * either mode, the statistics never computed. */
    o.values_only = 1;
    for (int mode = 0; mode < 2; mode++) {
        o.memory_mb = mode ? 1 : SC_ENGINE_MEMORY_MB;
        sc_summary *v = NULL;
        assert_int_equal(sc_engine_run(r.s, r.p, &o, &v, &e), SC_OK);
        for (int k = 0; k < 3; k++) {
            assert_int_equal(sc_summary_cell_values(kept, cells[k], a, &e), SC_OK);
            assert_int_equal(sc_summary_cell_values(v, cells[k], b, &e), SC_OK);
            assert_memory_equal(a, b, (size_t)n * sizeof *a);
        }
        sc_summary_free(v);
    }
    sc_free(a);
    sc_free(b);
    sc_summary_free(kept);
    sc_summary_free(bounded);
    unload(&r);
}

/* The means of every cell of a summary, to compare runs. */
static double *means(const run *r, const sc_summary *sum)
{
    double *m = sc_calloc(r->l.ncells, sizeof *m);
    for (int lev = 0; lev < SC_NLEVELS; lev++)
        for (int k = 0; k < r->l.nmetrics[lev]; k++)
            memcpy(m + sc_layout_block(&r->l, (enum sc_level)lev, k),
                   sc_summary_mean(sum, (enum sc_level)lev, k),
                   (size_t)r->l.years * (size_t)r->l.units[lev] * sizeof *m);
    return m;
}

/* A calibration's way: many small runs with threads = 1 at once, from the
 * caller's own OpenMP loop, each on its own scenario and seed. Each gives
 * what it gives alone, bit for bit, in either memory mode. */
static void test_concurrent_calls(void **state)
{
    (void)state;
    enum { RUNS = 8 };
    run r[2] = {load(ONE_CLUSTER), load(KIRKLEES)};
    double *alone[RUNS], *together[RUNS];
    sc_summary *sums[RUNS] = {NULL};
    int status[RUNS];
    for (int k = 0; k < RUNS; k++) {
        sc_summary *sum = engine(&r[k % 2], 400, 1, k % 4 == 3, SC_SUMMARY_RANK_ERROR);
        alone[k] = means(&r[k % 2], sum);
        sc_summary_free(sum);
    }
#pragma omp parallel for num_threads(4) schedule(dynamic, 1)
    for (int k = 0; k < RUNS; k++) {
        sc_engine_options o;
        sc_engine_options_init(&o, r[k % 2].s);
        o.trajectories = 400;
        o.threads = 1;
        o.memory_mb = k % 4 == 3 ? 1 : 1L << 20;
        sc_error e;
        status[k] = sc_engine_run(r[k % 2].s, r[k % 2].p, &o, &sums[k], &e);
    }
    for (int k = 0; k < RUNS; k++) {
        assert_int_equal(status[k], SC_OK);
        together[k] = means(&r[k % 2], sums[k]);
        assert_memory_equal(alone[k], together[k], r[k % 2].l.ncells * sizeof(double));
        sc_free(alone[k]);
        sc_free(together[k]);
        sc_summary_free(sums[k]);
    }
    unload(&r[0]);
    unload(&r[1]);
}

/* The scenario and the parameters are only read, and the caller's OpenMP
 * settings stay as they were: the same call twice gives the same summary. */
static void test_reads_only(void **state)
{
    (void)state;
    run r = load(KIRKLEES);
    sc_scenario before = *r.s;
    sc_cluster *clusters = sc_calloc((size_t)r.s->nclusters, sizeof *clusters);
    memcpy(clusters, r.s->clusters, (size_t)r.s->nclusters * sizeof *clusters);
    sc_dist dists[SC_NPARAMS];
    for (int i = 0; i < SC_NPARAMS; i++)
        dists[i] = *sc_params_dist(r.p, (enum sc_param_id)i);
    omp_set_num_threads(3);
    sc_summary *a = engine(&r, 700, 1, 0, SC_SUMMARY_RANK_ERROR);
    sc_summary *b = engine(&r, 700, 2, 1, SC_SUMMARY_RANK_ERROR);
    assert_int_equal(omp_get_max_threads(), 3);
    assert_memory_equal(&before, r.s, sizeof before);
    assert_memory_equal(clusters, r.s->clusters, (size_t)r.s->nclusters * sizeof *clusters);
    for (int i = 0; i < SC_NPARAMS; i++)
        assert_memory_equal(&dists[i], sc_params_dist(r.p, (enum sc_param_id)i), sizeof dists[i]);
    sc_summary *c = engine(&r, 700, 1, 0, SC_SUMMARY_RANK_ERROR);
    assert_memory_equal(sc_summary_records(a), sc_summary_records(c),
                        700 * r.l.ncells * sizeof(double));
    sc_free(clusters);
    sc_summary_free(a);
    sc_summary_free(b);
    sc_summary_free(c);
    unload(&r);
}

/* Bad options and unresolved parameters are refused before any work. */
static void test_refuses(void **state)
{
    (void)state;
    run r = load(KIRKLEES);
    sc_engine_options o;
    sc_summary *sum = NULL;
    sc_error e;
    sc_engine_options_init(&o, r.s);
    o.trajectories = 0;
    assert_int_equal(sc_engine_run(r.s, r.p, &o, &sum, &e), SC_EINPUT);
    assert_null(sum);
    assert_non_null(strstr(e.msg, "at least one trajectory"));
    sc_engine_options_init(&o, r.s);
    o.trajectories = 10;
    size_t bad = r.l.ncells;
    o.keep_cells = &bad;
    o.nkeep_cells = 1;
    assert_int_equal(sc_engine_run(r.s, r.p, &o, &sum, &e), SC_EINPUT);
    assert_non_null(strstr(e.msg, "outside the layout"));
    sc_params *raw = NULL;   /* the scenario's own: conversion is still dist: fit */
    assert_int_equal(sc_params_alloc(r.s, &raw, &e), SC_OK);
    o.nkeep_cells = 0;
    assert_int_equal(sc_engine_run(r.s, raw, &o, &sum, &e), SC_EINPUT);
    assert_non_null(strstr(e.msg, "dist: fit"));
    assert_null(sum);
    sc_params_free(raw);
    unload(&r);
}

int main(void)
{
    sc_library_init();   /* as main() does: GSL never aborts (library.h) */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bounded_summaries_exact),
        cmocka_unit_test(test_bounded_summaries_one_pass),
        cmocka_unit_test(test_kept_cells_in_either_mode),
        cmocka_unit_test(test_concurrent_calls),
        cmocka_unit_test(test_reads_only),
        cmocka_unit_test(test_refuses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
