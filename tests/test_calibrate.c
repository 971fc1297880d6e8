/*
 * test_calibrate.c — `sendcast calibrate` (calibrate.h): the naive rules, the
 * panel as series, and a whole calibration of the synthetic releases in
 * tests/data/sen2 (18 councils): every eligible forecast made, scores that
 * add up from the file's own cases, the same numbers on 1 and 2 threads, and
 * every bad option refused with exit 2.
 *
 * The real panel's calibration (158 councils, 742 forecasts) is measured by
 * `make calibrate` and docs/validation.md, and its scores recomputed
 * independently from its HDF5 file by tests/calibrate_check.py.
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

#include <math.h>

#include "sendcast/calibrate.h"
#include "test_util.h"

#define R2022 "tests/data/sen2/r2022.zip"
#define R2025 "tests/data/sen2/r2025.zip"

static void test_naive_rules(void **state)
{
    (void)state;
    const double x[6] = { 100, 110, 121, 133.1, NAN, 161.051 };
    /* growth: the last value (index 5) grown at the mean growth since index 2 */
    assert_close(sc_calibrate_naive_growth(x, 5, 1), 161.051 * 1.1, 1e-9);
    assert_close(sc_calibrate_naive_growth(x, 3, 2), 133.1 * 1.1 * 1.1, 1e-9);
    assert_true(isnan(sc_calibrate_naive_growth(x, 2, 1)));   /* no year three back */
    /* line: least squares through the last five years (4 with data at t = 5) */
    const double y[5] = { 10, 12, 14, 16, 18 };
    assert_close(sc_calibrate_naive_line(y, 4, 1), 20, 1e-9);
    assert_close(sc_calibrate_naive_line(y, 4, 3), 24, 1e-9);
    const double z[3] = { 10, 5, 0 };
    assert_close(sc_calibrate_naive_line(z, 2, 3), 0, 0);      /* floored at 0 */
    const double w[2] = { NAN, 7 };
    assert_true(isnan(sc_calibrate_naive_line(w, 1, 1)));      /* one point */
}

static void test_series_leave_flags_out(void **state)
{
    (void)state;
    const char *paths[2] = { R2022, R2025 };
    sc_sen2 *p;
    sc_error e;
    if (sc_sen2_read(paths, 2, &p, &e))
        fail_msg("%s", e.msg);
    sc_calibrate_series cs;
    assert_int_equal(sc_calibrate_series_make(p, &cs, &e), SC_OK);
    assert_int_equal(cs.n, sc_sen2_la_count(p));
    int flagged = 0, kept = 0;
    for (int k = 0; k < cs.n; k++)
        for (int i = 0; i < cs.series[k].nyears; i++) {
            const sc_sen2_cell *c = &cs.la[k]->cell[SC_SEN2_NEW_PLANS][i];
            if (c->rule != SC_SEN2_KEPT) {
                assert_true(isnan(cs.series[k].new_plans[i]));
                flagged++;
            } else if (!isnan(cs.la[k]->value[SC_SEN2_NEW_PLANS][i])) {
                assert_close(cs.series[k].new_plans[i], cs.la[k]->value[SC_SEN2_NEW_PLANS][i], 0);
                kept++;
            }
        }
    assert_true(flagged > 0 && kept > 0);
    sc_calibrate_series_free(&cs);
    sc_sen2_free(p);
}

static sc_calibrate *calibrate(int threads)
{
    const char *paths[2] = { R2022, R2025 };
    sc_calibrate_options o = { .sen2 = paths, .nsen2 = 2, .first_origin = 2019,
                               .last_origin = 2021, .max_horizon = 2, .trajectories = 300,
                               .seed = 11, .threads = threads, .quiet = 1 };
    sc_calibrate *c;
    sc_error e;
    if (sc_calibrate_run(&o, &c, &e))
        fail_msg("%s", e.msg);
    return c;
}

static void test_whole_calibration(void **state)
{
    (void)state;
    sc_calibrate *c1 = calibrate(1), *c2 = calibrate(2);
    for (int m = 0; m < SC_CAL_NMETRICS; m++)
        for (int h = 1; h <= 2; h++) {
            const sc_calibrate_cell *a = sc_calibrate_score(c1, m, h), *b = sc_calibrate_score(c2, m, h);
            assert_non_null(a);
            assert_true(a->n > 10);
            assert_memory_equal(a, b, sizeof *a);   /* threads change nothing */
            assert_true(a->cover50 <= a->cover90);
            double sum = 0;
            for (int k = 0; k < SC_CAL_NBINS; k++)
                sum += a->pit_hist[k];
            assert_close(sum, 1, 1e-12);
        }
    assert_null(sc_calibrate_score(c1, 0, 3));
    const sc_priors *p = sc_calibrate_final_priors(c1);
    assert_int_equal(p->origin, 2023);
    char prov[2048];
    sc_calibrate_provenance(c1, prov, sizeof prov);
    assert_non_null(strstr(prov, "r2022.zip (sha256 "));
    sc_calibrate_free(c1);
    sc_calibrate_free(c2);
}

static void test_cli(void **state)
{
    (void)state;
    char out[32768], dir[] = "/tmp/sc-calibrate-XXXXXX";
    assert_non_null(mkdtemp(dir));
    assert_int_equal(run(out, sizeof out, "%s calibrate --sen2 " R2022 " --sen2 " R2025
                         " --origins 2019-2021 --horizon 2 -n 200 -t 2 -o %s/c.h5 "
                         "--priors %s/p.yaml", bin(), dir, dir), 0);
    assert_non_null(strstr(out, "Rolling-origin back-test of model 2: origins 2019-2021"));
    assert_non_null(strstr(out, "requests"));
    assert_non_null(strstr(out, "plans_total"));
    assert_int_equal(run(out, sizeof out, "/usr/bin/python3 tests/calibrate_check.py %s/c.h5",
                         dir), 0);
    /* the priors file reads back as a scenario's priors: init uses it */
    assert_int_equal(run(out, sizeof out, "%s init --sen2 " R2022 " --sen2 " R2025 " --la 101 "
                         "--priors %s/p.yaml -o %s/s.yaml && %s run %s/s.yaml -n 100 -o %s/s.h5 "
                         "--quiet", bin(), dir, dir, bin(), dir, dir), 0);
    /* an existing file is kept without --force */
    assert_int_equal(run(out, sizeof out, "%s calibrate --sen2 " R2022 " --sen2 " R2025
                         " --origins 2021 -n 200 -o %s/c.h5", bin(), dir), 2);
    assert_non_null(strstr(out, "--force"));
    static const char *const bad[][2] = {
        { "--origins 2012-2021", "expected years from" },
        { "--origins 2020-2023", "expected years from" },
        { "--origins 20x", "expected YEAR or FIRST-LAST" },
        { "--horizon 0", "--horizon" },
        { "-n 50", "at least 100 trajectories" },
        { "--sen2 /nonexistent.zip", "no such file" },
        { "stray", "unexpected \"stray\"" },
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        int rc = run(out, sizeof out, "%s calibrate --sen2 " R2022 " --sen2 " R2025 " %s -o "
                     "%s/bad.h5", bin(), bad[k][0], dir);
        if (rc != 2 || !strstr(out, bad[k][1]))
            fail_msg("calibrate %s: exit %d, expected 2 and \"%s\" in:\n%s", bad[k][0], rc,
                     bad[k][1], out);
        assert_int_equal(access(strcat(strcpy(out, dir), "/bad.h5"), F_OK), -1);
    }
    run(out, sizeof out, "rm -rf %s", dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_naive_rules),
        cmocka_unit_test(test_series_leave_flags_out),
        cmocka_unit_test(test_whole_calibration),
        cmocka_unit_test(test_cli),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
