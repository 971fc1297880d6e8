/*
 * test_compare.c — paired differences on common random numbers
 * (src/compare/).
 *
 * Three small Kirklees runs are made once by the built binary: no change and
 * cluster working with the same seed, and cluster working with another seed.
 * compare must pair the first two, refuse every pair that does not match
 * (exit 2, with the reason), give difference bands several times tighter
 * than the same difference between independent runs, and agree with the
 * difference of the medians where the effect is nearly the same in every
 * trajectory (top-up spend, where the policy acts directly).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli_util.h"

#include <math.h>

#include "sendcast/library.h"
#include "sendcast/alloc.h"
#include "sendcast/compare.h"
#include "sendcast/result.h"

#define NTRAJ 800

static char dir[256], nc[320], kc[320], kc2[320], kc_short[320];

static int make_run(const char *scenario, long n, const char *seed, const char *out_path)
{
    char out[4096];
    int rc = run(out, sizeof out, "%s run scenarios/%s.yaml -n %ld %s%s -o %s --quiet", bin(),
                 scenario, n, seed ? "-s " : "", seed ? seed : "", out_path);
    if (rc)
        fprintf(stderr, "%s", out);
    return rc;
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/sendcast-compare-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(nc, sizeof nc, "%s/nc.h5", dir);
    snprintf(kc, sizeof kc, "%s/kc.h5", dir);
    snprintf(kc2, sizeof kc2, "%s/kc2.h5", dir);
    snprintf(kc_short, sizeof kc_short, "%s/kc_short.h5", dir);
    return make_run("kirklees-no-change-v1", NTRAJ, NULL, nc)
           || make_run("kirklees-clusters-v1", NTRAJ, NULL, kc)
           || make_run("kirklees-clusters-v1", NTRAJ, "7", kc2)
           || make_run("kirklees-clusters-v1", NTRAJ / 2, NULL, kc_short);
}

static int teardown(void **state)
{
    (void)state;
    char out[64];
    return run(out, sizeof out, "rm -rf %s", dir);
}

static void test_refuses_mismatched_runs(void **state)
{
    (void)state;
    char out[8192];
    assert_int_equal(run(out, sizeof out, "%s compare %s %s", bin(), nc, kc2), 2);
    assert_non_null(strstr(out, "seeds differ"));
    assert_int_equal(run(out, sizeof out, "%s compare %s %s", bin(), nc, kc_short), 2);
    assert_non_null(strstr(out, "trajectories"));
    assert_int_equal(run(out, sizeof out, "%s compare %s", bin(), nc), 2);
    /* Geography: the same files with one cluster renamed, or areas reordered. */
    sc_result *a = NULL, *b = NULL;
    sc_error e;
    assert_int_equal(sc_result_read(nc, &a, &e), SC_OK);
    assert_int_equal(sc_result_read(kc, &b, &e), SC_OK);
    assert_int_equal(sc_compare_check(a, b, 0, &e), SC_OK);
    b->cluster[3][0] = 'X';
    assert_int_equal(sc_compare_check(a, b, 0, &e), SC_EINPUT);
    assert_non_null(strstr(e.msg, "clusters"));
    b->cluster[3][0] = a->cluster[3][0];
    b->cluster_area[0] = (b->cluster_area[0] + 1) % b->nareas;
    assert_int_equal(sc_compare_check(a, b, 0, &e), SC_EINPUT);
    b->cluster_area[0] = a->cluster_area[0];
    b->area[1][0] = 'Z';
    assert_int_equal(sc_compare_check(a, b, 0, &e), SC_EINPUT);
    assert_non_null(strstr(e.msg, "areas"));
    sc_result_free(b);
    sc_result_free(a);
}

static double width90(const sc_compare_metric *m, int t)
{
    return m->q[(size_t)t * SC_COMPARE_NQ + 2] - m->q[(size_t)t * SC_COMPARE_NQ];
}

/* Common random numbers: the paired difference is far tighter than the
 * difference of independent runs (docs/compare.md has the full numbers). */
static void test_tighter_than_independent(void **state)
{
    (void)state;
    sc_result *a = NULL, *b = NULL, *b2 = NULL;
    sc_compare *paired = NULL, *indep = NULL;
    sc_error e;
    assert_int_equal(sc_result_read(nc, &a, &e), SC_OK);
    assert_int_equal(sc_result_read(kc, &b, &e), SC_OK);
    assert_int_equal(sc_result_read(kc2, &b2, &e), SC_OK);
    assert_int_equal(sc_compare_compute(a, b, 0, &paired, &e), SC_OK);
    assert_int_equal(sc_compare_compute(a, b2, 0, &indep, &e), SC_EINPUT);
    assert_int_equal(sc_compare_compute(a, b2, 1, &indep, &e), SC_OK);
    static const char *const metrics[] = { "hnb_spend", "topup_spend", "plans_total" };
    for (size_t k = 0; k < 3; k++) {
        const sc_compare_metric *p = sc_compare_find(paired, metrics[k]);
        const sc_compare_metric *q = sc_compare_find(indep, metrics[k]);
        assert_non_null(p);
        assert_non_null(q);
        for (int t = 1; t < paired->years; t++) {
            assert_true(p->sd[t] < 0.6 * q->sd[t]);
            assert_true(width90(p, t) < 0.6 * width90(q, t));
        }
    }
    /* Cluster working diverts requests: B is cheaper in top-up nearly always. */
    const sc_compare_metric *top = sc_compare_find(paired, "topup_spend");
    assert_true(top->p_lower[paired->years - 1] > 0.95);
    sc_compare_free(indep);
    sc_compare_free(paired);
    sc_result_free(b2);
    sc_result_free(b);
    sc_result_free(a);
}

/* The median of the differences against the difference of the medians. They
 * need not be equal (the policy's effect differs between trajectories, with
 * the cluster effect E drawn per trajectory), but both estimate the typical
 * effect: they lie within an eighth of the 90% band of the differences of
 * each other, and the difference of medians inside that band. */
static void test_agrees_with_difference_of_medians(void **state)
{
    (void)state;
    sc_result *a = NULL, *b = NULL;
    sc_compare *c = NULL;
    sc_error e;
    assert_int_equal(sc_result_read(nc, &a, &e), SC_OK);
    assert_int_equal(sc_result_read(kc, &b, &e), SC_OK);
    assert_int_equal(sc_compare_compute(a, b, 0, &c, &e), SC_OK);
    static const char *const metrics[] = { "topup_spend", "plans_total", "hnb_spend" };
    for (size_t k = 0; k < 3; k++) {
        const sc_compare_metric *m = sc_compare_find(c, metrics[k]);
        for (int t = 2; t < c->years; t++) {
            double md = m->q[(size_t)t * SC_COMPARE_NQ + 1];
            double dm = m->median_b[t] - m->median_a[t];
            assert_true(fabs(md - dm) <= 0.125 * width90(m, t));
            assert_true(dm >= m->q[(size_t)t * SC_COMPARE_NQ]);
            assert_true(dm <= m->q[(size_t)t * SC_COMPARE_NQ + 2]);
        }
    }
    /* Where they must agree, they do: the mean of the differences is the
     * difference of the means the engine stored (to rounding). */
    for (size_t k = 0; k < 3; k++) {
        const sc_compare_metric *m = sc_compare_find(c, metrics[k]);
        const sc_result_metric *ma = sc_result_metric_find(a, SC_LEVEL_DISTRICT, metrics[k]);
        const sc_result_metric *mb = sc_result_metric_find(b, SC_LEVEL_DISTRICT, metrics[k]);
        for (int t = 0; t < c->years; t++)
            assert_true(fabs(m->mean[t] - (mb->mean[t] - ma->mean[t]))
                        <= 1e-9 * (fabs(ma->mean[t]) + fabs(mb->mean[t])));
    }
    /* The medians compare reports are the ones the engine stored. */
    const sc_result_metric *ra = sc_result_metric_find(a, SC_LEVEL_DISTRICT, "hnb_spend");
    const sc_compare_metric *m = sc_compare_find(c, "hnb_spend");
    int k50 = -1;
    for (int k = 0; k < a->np; k++)
        if (a->percentile[k] == 50)
            k50 = k;
    assert_true(k50 >= 0);
    for (int t = 0; t < c->years; t++)
        assert_true(fabs(m->median_a[t] - ra->pct[(size_t)t * (size_t)a->np + (size_t)k50])
                    <= 1e-9 * fabs(m->median_a[t]));
    sc_compare_free(c);
    sc_result_free(b);
    sc_result_free(a);
}

static void test_cli_table_and_diff_file(void **state)
{
    (void)state;
    char out[16384], diff[400];
    snprintf(diff, sizeof diff, "%s/diff.h5", dir);
    assert_int_equal(run(out, sizeof out, "%s compare %s %s -o %s", bin(), nc, kc, diff), 0);
    assert_non_null(strstr(out, "P(B cheaper)"));
    assert_non_null(strstr(out, "common random numbers"));
    /* Not replaced without --force; replaced with it. */
    assert_int_equal(run(out, sizeof out, "%s compare %s %s -o %s", bin(), nc, kc, diff), 2);
    assert_int_equal(run(out, sizeof out, "%s compare %s %s -o %s --force --quiet", bin(), nc,
                         kc, diff), 0);
    assert_string_equal(out, "");
    int rc = run(out, sizeof out,
                 "/usr/bin/python3 -c \"import h5py; f = h5py.File('%s', 'r'); "
                 "p = f['/difference/hnb_spend/percentiles']; assert p.shape == (6, 3), p.shape; "
                 "assert (p[:, 0] <= p[:, 1]).all() and (p[:, 1] <= p[:, 2]).all(); "
                 "assert f.attrs['trajectories'] == %d; "
                 "assert f['/targets/safety_valve_balance/diff'].shape == (6,); print('ok')\"",
                 diff, NTRAJ);
    if (rc)
        fprintf(stderr, "%s", out);
    assert_int_equal(rc, 0);
}

/* A and B with different targets: compare says so, and which P(target met)
 * it shows (each against its own run's target); with the same targets, it
 * says they are the same. */
static void test_warns_when_targets_differ(void **state)
{
    (void)state;
    char out[16384], moved[400];
    snprintf(moved, sizeof moved, "%s/kc_target.h5", dir);
    int rc = run(out, sizeof out,
                 "cp %s %s && /usr/bin/python3 -c \"import h5py; "
                 "f = h5py.File('%s', 'r+'); d = f['/targets/safety_valve_balance/target']; "
                 "d[1] = d[1] - 2e6; f.close()\" && /usr/bin/python3 tests/craft_results.py "
                 "--sign %s", kc, moved, moved, moved);
    if (rc)
        fprintf(stderr, "%s", out);
    assert_int_equal(rc, 0);
    assert_int_equal(run(out, sizeof out, "%s compare %s %s", bin(), nc, moved), 0);
    if (!strstr(out, "warning: A and B have different Safety Valve targets (first in 2025/26"))
        fprintf(stderr, "%s", out);
    assert_non_null(strstr(out, "warning: A and B have different Safety Valve targets (first in "
                                "2025/26"));
    assert_non_null(strstr(out, "at least each run's own target"));
    assert_int_equal(run(out, sizeof out, "%s compare %s %s", bin(), nc, kc), 0);
    assert_null(strstr(out, "different Safety Valve targets"));
    assert_non_null(strstr(out, "at least the same target"));
}

/* The scenarios' other targets (kirklees v2: a cumulative-deficit profile)
 * are paired by name: each run's P(met) is the share of its trajectories
 * within the profile, and the paired difference's error is the sd of the
 * per-trajectory indicator differences over sqrt(n), computed here from the
 * files' cumulative deficits, independently of compare.c. */
static void test_pairs_other_targets(void **state)
{
    (void)state;
    char a[400], b[400], out[16384];
    snprintf(a, sizeof a, "%s/nc-v2.h5", dir);
    snprintf(b, sizeof b, "%s/kc-v2.h5", dir);
    assert_int_equal(make_run("kirklees-no-change", 400, NULL, a), 0);
    assert_int_equal(make_run("kirklees-clusters", 400, NULL, b), 0);
    sc_result *ra = NULL, *rb = NULL;
    sc_compare *c = NULL;
    sc_error e = { 0 };
    assert_int_equal(sc_result_read(a, &ra, &e), SC_OK);
    assert_int_equal(sc_result_read(b, &rb, &e), SC_OK);
    assert_int_equal(sc_compare_compute(ra, rb, 0, &c, &e), SC_OK);
    assert_int_equal(c->ntargets, 1);
    const sc_compare_target *g = &c->target[0];
    assert_string_equal(g->name, "deficit_profile");
    assert_int_equal(g->differ, 0);
    const sc_result_metric *da = sc_result_metric_find(ra, SC_LEVEL_DISTRICT, "cumulative_deficit");
    const sc_result_metric *db = sc_result_metric_find(rb, SC_LEVEL_DISTRICT, "cumulative_deficit");
    long n = ra->trajectories;
    int checked = 0;
    for (int t = 0; t < c->years; t++) {
        double target = ra->targets[0].target[t], sa = 0, sb = 0, sd = 0, ss = 0;
        if (target != target)
            continue;
        for (long i = 0; i < n; i++) {
            double ia = da->traj[i * c->years + t] <= target;
            double ib = db->traj[i * c->years + t] <= target;
            sa += ia, sb += ib, sd += ib - ia;
        }
        for (long i = 0; i < n; i++) {
            double d = (db->traj[i * c->years + t] <= target)
                       - (double)(da->traj[i * c->years + t] <= target) - sd / n;
            ss += d * d;
        }
        assert_float_equal(g->p_a[t], sa / n, 1e-12);   /* the engine's own P(met) */
        assert_float_equal(g->p_b[t], sb / n, 1e-12);
        assert_float_equal(g->diff[t], (sb - sa) / n, 1e-12);
        assert_float_equal(g->diff_mcse[t], sqrt(ss / (n - 1) / n), 1e-12);
        checked += g->p_a[t] > 0 && g->p_a[t] < 1;
    }
    assert_true(checked >= 2);   /* years where the check is not 0 = 0 */
    assert_int_equal(run(out, sizeof out, "%s compare %s %s", bin(), a, b), 0);
    assert_non_null(strstr(out, "Target deficit_profile: P(target met), cumulative_deficit at "
                                "most the same target"));
    sc_compare_free(c);
    sc_result_free(ra);
    sc_result_free(rb);
}

int main(void)
{
    sc_library_init();   /* as main() does: GSL never aborts (library.h) */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_refuses_mismatched_runs),
        cmocka_unit_test(test_pairs_other_targets),
        cmocka_unit_test(test_tighter_than_independent),
        cmocka_unit_test(test_agrees_with_difference_of_medians),
        cmocka_unit_test(test_cli_table_and_diff_file),
        cmocka_unit_test(test_warns_when_targets_differ),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
