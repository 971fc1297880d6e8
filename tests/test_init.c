/*
 * test_init.c — `sendcast init`'s scenario (src/init, init.h) on the
 * synthetic SEN2 releases of tests/data/sen2 (make_fixtures.py):
 *
 * - names and paths: the scenario's name from the council's, release paths
 *   relative to the scenario's folder;
 * - the plan: base year (the latest with requests, or the one asked for),
 *   the stock by setting from the census after it (AP and other together),
 *   and the councils refused: fewer than three years of requests (named,
 *   with the years they have), a base year without requests;
 * - the scenario: every line commented; it parses, fits and runs (the
 *   engine on it, then `sendcast init` + `sendcast run` end to end, whose
 *   file has the demand metrics for the years after the base year and no
 *   money); an existing file is kept without --force; -o - prints it.
 */
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

#include "cli_util.h"

#include <hdf5.h>
#include <math.h>

#include "sendcast/library.h"
#include "sendcast/engine.h"
#include "sendcast/fit.h"
#include "sendcast/init.h"
#include "sendcast/params.h"
#include "sendcast/scenario.h"
#include "sendcast/sen2.h"
#include "sendcast/summary.h"
#include "test_util.h"

#define R2022 "tests/data/sen2/r2022.zip"
#define R2025 "tests/data/sen2/r2025.zip"
#define RELEASES "--sen2 " R2022 " --sen2 " R2025

static char dir[256];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/sendcast-init-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char out[64];
    return run(out, sizeof out, "rm -rf %s", dir);
}

static sc_sen2 *panel(void)
{
    const char *paths[] = { R2022, R2025 };
    sc_sen2 *p = NULL;
    sc_error e;
    if (sc_sen2_read(paths, 2, &p, &e))
        fail_msg("%s", e.msg);
    return p;
}

static int council(const sc_sen2 *p, const char *la)
{
    int k = -1;
    sc_error e;
    if (sc_sen2_find(p, la, &k, &e))
        fail_msg("%s", e.msg);
    return k;
}

/* ---- names and paths ---- */

static void test_slug_and_relative_paths(void **state)
{
    (void)state;
    char buf[64];
    static const char *const cases[][2] = {
        { "Kirklees", "kirklees" }, { "Bristol, City of", "bristol-city-of" },
        { "St. Helens", "st-helens" }, { "Kingston upon Hull, City of", "kingston-upon-hull-city-of" },
        { "  Isle of Wight ", "isle-of-wight" }, { "***", "council" },
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        sc_init_slug(cases[k][0], buf, sizeof buf);
        assert_string_equal(buf, cases[k][1]);
    }
    char out[512];
    assert_int_equal(sc_init_relative_path("scenarios", "scenarios/data/sen2/x.zip", out,
                                           sizeof out), 0);
    /* x.zip does not exist: as given */
    assert_string_equal(out, "scenarios/data/sen2/x.zip");
    assert_int_equal(sc_init_relative_path("scenarios", R2022, out, sizeof out), 0);
    assert_string_equal(out, "../" R2022);
    assert_int_equal(sc_init_relative_path("tests/data/sen2", R2022, out, sizeof out), 0);
    assert_string_equal(out, "r2022.zip");
    assert_int_equal(sc_init_relative_path("tests/data/scenario", R2025, out, sizeof out), 0);
    assert_string_equal(out, "../sen2/r2025.zip");
    assert_int_equal(sc_init_relative_path("/", R2022, out, sizeof out), 0);   /* only / shared */
    assert_int_equal(out[0], '/');
    assert_non_null(strstr(out, "/" R2022));
    assert_int_equal(sc_init_relative_path("tests", R2022, out, 8), -1);   /* too long */
}

/* ---- the plan ---- */

static void test_plan(void **state)
{
    (void)state;
    sc_sen2 *p = panel();
    sc_init_options o;
    sc_init_options_init(&o);
    assert_int_equal(o.horizon, 4);
    assert_int_equal(o.trajectories, 4000);
    assert_int_equal(o.model, 2);
    assert_null(o.priors_path);
    o.la = council(p, "Alderley");
    sc_init_plan plan;
    sc_error e;
    if (sc_init_plan_make(p, &o, &plan, &e))
        fail_msg("%s", e.msg);
    const sc_sen2_la *la = plan.la;
    assert_string_equal(plan.slug, "alderley");
    assert_int_equal(plan.base_year, 2023);
    assert_int_equal(plan.nrequest_years, 8);     /* 2015's requests are "z" (not collected) */
    assert_int_equal(plan.request_year[0], 2016);
    assert_int_equal(plan.request_year[7], 2023);
    assert_int_equal(plan.shares_year, 2023);
    /* the January 2024 census: settings as they are, AP and other together */
    assert_int_equal(plan.stock[SC_PL_MAINSTREAM],
                     (int64_t)sc_sen2_value(la, SC_SEN2_PLANS_MAINSTREAM, 2023));
    assert_int_equal(plan.stock[SC_PL_SPECIAL], (int64_t)sc_sen2_value(la, SC_SEN2_PLANS_SPECIAL, 2023));
    assert_int_equal(plan.stock[SC_PL_INDEPENDENT],
                     (int64_t)sc_sen2_value(la, SC_SEN2_PLANS_INDEPENDENT, 2023));
    assert_int_equal(plan.stock[SC_PL_POST16], (int64_t)sc_sen2_value(la, SC_SEN2_PLANS_POST16, 2023));
    assert_int_equal(plan.stock[SC_PL_OTHER], (int64_t)(sc_sen2_value(la, SC_SEN2_PLANS_AP, 2023)
                                                        + sc_sen2_value(la, SC_SEN2_PLANS_OTHER, 2023)));
    assert_int_equal(plan.stock[SC_PL_ARP], 0);
    int64_t sum = 0;
    for (int k = 0; k < SC_NPLACEMENTS; k++)
        sum += plan.stock[k];
    assert_int_equal(sum, (int64_t)sc_sen2_value(la, SC_SEN2_PLANS, 2023));
    assert_int_equal(plan.plans_total, sum);
    /* a base year asked for */
    o.base_year = 2020;
    assert_int_equal(sc_init_plan_make(p, &o, &plan, &e), SC_OK);
    assert_int_equal(plan.base_year, 2020);
    assert_int_equal(plan.stock[SC_PL_SPECIAL], (int64_t)sc_sen2_value(la, SC_SEN2_PLANS_SPECIAL, 2020));
    /* ... without requests */
    o.base_year = 2015;
    assert_int_equal(sc_init_plan_make(p, &o, &plan, &e), SC_EINPUT);
    assert_non_null(strstr(e.msg, "--base-year 2015: Alderley (101, E06000101) has no requests "
                                  "for 2015 in these SEN2 releases; expected a year with requests "
                                  "(it has 2016-2023)"));
    /* a horizon out of range */
    o.base_year = 0;
    o.horizon = 0;
    assert_int_equal(sc_init_plan_make(p, &o, &plan, &e), SC_EINPUT);
    assert_non_null(strstr(e.msg, "--horizon"));
    o.horizon = 4;
    /* fewer than three years of requests: named, with the years it has */
    o.la = council(p, "305");
    assert_int_equal(sc_init_plan_make(p, &o, &plan, &e), SC_EINPUT);
    assert_string_equal(e.msg, "South Oldshire (305, E06000305) has requests for 2 years in "
                               "these SEN2 releases (2022-2023); the model needs at least 3 "
                               "years of requests to fit their trend, so no scenario can be "
                               "written for it");
    /* a council without an old code is named by its new code */
    o.la = council(p, "Newtown");
    assert_int_equal(sc_init_plan_make(p, &o, &plan, &e), SC_OK);
    assert_string_equal(plan.slug, "newtown");
    sc_sen2_free(p);
}

/* ---- the scenario ---- */

/* Every line is a comment, blank, or carries a comment, or follows one. */
static void assert_every_line_commented(const char *text)
{
    int prev_comment = 0, n = 0;
    for (const char *l = text; *l;) {
        const char *end = strchr(l, '\n');
        size_t len = end ? (size_t)(end - l) : strlen(l);
        char line[512];
        snprintf(line, sizeof line, "%.*s", (int)len, l);
        const char *t = line + strspn(line, " ");
        int comment = t[0] == '#';
        if (*t && !comment && !strstr(line, "  # ") && !prev_comment)
            fail_msg("line %d has no comment: %s", n + 1, line);
        prev_comment = comment;
        n++;
        l += len + (end ? 1 : 0);
    }
    assert_true(n > 60);
}

static void write_scenario(const sc_sen2 *p, sc_init_options *o, const char *path)
{
    sc_init_plan plan;
    sc_error e;
    if (sc_init_plan_make(p, o, &plan, &e))
        fail_msg("%s", e.msg);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    sc_init_write(f, p, &plan, o);
    assert_int_equal(fclose(f), 0);
}

/* Written beside the releases (paths relative to it), the scenario reads
 * (with and without the pre-read panel), fits every `dist: fit`, and the
 * engine runs it: requests, new plans and plans in place for the years after
 * the base year. */
static void test_scenario_parses_fits_runs(void **state)
{
    (void)state;
    sc_sen2 *p = panel();
    sc_init_options o;
    sc_init_options_init(&o);
    o.la = council(p, "Ickworth");      /* a lag year and a region-rule flag */
    o.horizon = 3;
    o.trajectories = 300;
    o.model = 1;
    const char *names[] = { "r2022.zip", "r2025.zip" };
    o.release_paths = names;
    const char *path = "tests/data/sen2/init-test.yaml";
    write_scenario(p, &o, path);
    char *text = read_text(path);
    assert_non_null(text);
    assert_every_line_commented(text);
    static const char *const want[] = {
        "model: 1 ", "name: ickworth ", "base_year: 2023 ", "horizon: 3 ", "trajectories: 300 ",
        "seed: 20240709 ", "  - {id: \"204\", name: \"Ickworth\"}", "    pupils: 1 ",
        "    send_support_share: 1 ", "    need_index: 1 ", "  arp: {stock: 0} ",
        "  conversion: {dist: fit}", "  p_assess: {dist: fit}", "  cease_post16: {dist: fit}",
        "  band_mix: {dist: fixed, value: [1]}", "  step_up: 0 ", "  inflation: 0 ",
        "  sen2:", "    - \"r2022.zip\"", "    - \"r2025.zip\"", "  la: \"204\" ",
        "SEN2 has no pupil counts",
    };
    for (size_t k = 0; k < sizeof want / sizeof want[0]; k++)
        if (!strstr(text, want[k]))
            fail_msg("expected \"%s\" in:\n%s", want[k], text);
    assert_null(strstr(text, "\nfinance:"));
    assert_null(strstr(text, "\ncluster_working:"));
    assert_null(strstr(text, "unit_cost"));
    free(text);

    sc_scenario *s = NULL;
    sc_error e;
    sc_scenario_read_options ro;
    sc_scenario_read_options_init(&ro);
    ro.sen2 = p;
    if (sc_scenario_read_with(path, &ro, &s, &e))
        fail_msg("%s", e.msg);
    sc_scenario_free(s);
    if (sc_scenario_read(path, &s, &e))
        fail_msg("%s", e.msg);
    assert_false(s->has_costs);
    assert_true(s->history.from_sen2);
    assert_int_equal(s->clusters[0].placement_stock[SC_PL_ARP], 0);
    sc_params *pr = NULL;
    sc_fit_result res;
    if (sc_fit_params(s, 0, &pr, &res, &e))
        fail_msg("%s", e.msg);
    assert_true(sc_params_resolved(pr));
    assert_int_equal(res.nover[SC_P_ASSESS], 1);    /* 2020: fitted, not refused */
    for (int id = SC_P_CEASE_MAINSTREAM; id <= SC_P_CEASE_OTHER; id++)
        assert_close(sc_params_dist(pr, (enum sc_param_id)id)->p[0],
                     sc_params_dist(pr, SC_P_CEASE_MAINSTREAM)->p[0], 0);
    sc_engine_options eo;
    sc_engine_options_init(&eo, s);
    eo.threads = 1;
    sc_summary *sum = NULL;
    if (sc_engine_run(s, pr, &eo, &sum, &e))
        fail_msg("%s", e.msg);
    for (int t = 0; t < 3; t++) {
        assert_true(sc_summary_mean(sum, SC_LEVEL_DISTRICT, SC_D_REQUESTS)[t] > 100);
        assert_true(sc_summary_mean(sum, SC_LEVEL_DISTRICT, SC_D_NEW_PLANS)[t] > 50);
        assert_true(sc_summary_mean(sum, SC_LEVEL_DISTRICT, SC_D_PLANS_TOTAL)[t] > 1000);
    }
    sc_summary_free(sum);
    sc_params_free(pr);
    sc_scenario_free(s);
    sc_sen2_free(p);
    unlink(path);
}

/* Model 2 (the default): its parameters, all `dist: fit`, and the priors
 * file the scenario names, fitted and run like model 1's. */
static void test_model2_scenario(void **state)
{
    (void)state;
    sc_sen2 *p = panel();
    sc_init_options o;
    sc_init_options_init(&o);
    o.la = council(p, "Ickworth");
    o.horizon = 3;
    const char *names[] = { "r2022.zip", "r2025.zip" };
    o.release_paths = names;
    o.priors_path = "../../../scenarios/data/national/priors.yaml";
    const char *path = "tests/data/sen2/init-test-v2.yaml";
    write_scenario(p, &o, path);
    char *text = read_text(path);
    assert_non_null(text);
    assert_every_line_commented(text);
    static const char *const want[] = {
        "model: 2 ", "priors: \"../../../scenarios/data/national/priors.yaml\"",
        "  national_trend: {dist: fit}", "  shock_persistence: {dist: fit}",
        "  net_transfer: {dist: fit}", "  damping: {dist: fit}",
    };
    for (size_t k = 0; k < sizeof want / sizeof want[0]; k++)
        if (!strstr(text, want[k]))
            fail_msg("expected \"%s\" in:\n%s", want[k], text);
    assert_null(strstr(text, "dispersion"));
    sc_scenario *s = NULL;
    sc_params *par = NULL;
    sc_error e;
    if (sc_scenario_read(path, &s, &e) || sc_fit_params(s, 0, &par, NULL, &e))
        fail_msg("%s", e.msg);
    assert_int_equal(s->model, 2);
    assert_non_null(s->priors);
    sc_params_free(par);
    sc_scenario_free(s);
    free(text);
    unlink(path);
    sc_sen2_free(p);
}

static int h5_has(hid_t f, const char *path)
{
    return H5Lexists(f, path, H5P_DEFAULT) > 0;
}

/* End to end: `sendcast init` then `sendcast run`: the result has the demand
 * metrics for the years after the base year, no money, and the history's
 * provenance. The default output is scenarios/<council>.yaml; an existing
 * file is kept without --force; -o - prints the scenario. */
static void test_cli_init_then_run(void **state)
{
    (void)state;
    char out[16384], cwd[1024];
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(run(out, sizeof out, "%s init " RELEASES " --la Alderley -o %s/a.yaml", bin(),
                         dir), 0);
    assert_non_null(strstr(out, "Wrote"));
    assert_non_null(strstr(out, "Alderley (101), base year 2023"));
    assert_int_equal(run(out, sizeof out, "%s run %s/a.yaml -n 200 -o %s/a.h5", bin(), dir, dir),
                     0);
    assert_non_null(strstr(out, "demand-only scenario: no money"));
    char h5[400];
    snprintf(h5, sizeof h5, "%s/a.h5", dir);
    hid_t f = H5Fopen(h5, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(f >= 0);
    static const char *const have[] = { "/district/requests", "/district/new_plans",
                                        "/district/plans_total", "/district/assessments",
                                        "/history/exclusions", "/history/releases/sha256" };
    for (size_t k = 0; k < sizeof have / sizeof have[0]; k++)
        assert_true(h5_has(f, have[k]));
    assert_false(h5_has(f, "/targets"));
    assert_false(h5_has(f, "/district/hnb_spend"));
    int years[8] = { 0 };
    hid_t d = H5Dopen2(f, "/axes/year", H5P_DEFAULT);
    assert_true(H5Dread(d, H5T_NATIVE_INT, H5S_ALL, H5S_ALL, H5P_DEFAULT, years) >= 0);
    H5Dclose(d);
    assert_int_equal(years[0], 2024);
    assert_int_equal(years[3], 2027);
    H5Fclose(f);
    /* an existing file is kept without --force, replaced with it */
    assert_int_equal(run(out, sizeof out, "%s init " RELEASES " --la 102 -o %s/a.yaml", bin(), dir),
                     2);
    assert_non_null(strstr(out, "--force"));
    assert_int_equal(run(out, sizeof out, "grep -c 'name: alderley' %s/a.yaml", dir), 0);
    assert_int_equal(run(out, sizeof out, "%s init " RELEASES " --la 102 -o %s/a.yaml --force",
                         bin(), dir), 0);
    assert_int_equal(run(out, sizeof out, "grep -c 'name: brockton' %s/a.yaml", dir), 0);
    assert_int_equal(run(out, sizeof out, "ls %s | grep -c tmp", dir), 1);   /* none left */
    /* the default output, in another folder: scenarios/<council>.yaml, paths relative to it */
    assert_int_equal(run(out, sizeof out, "cd %s && %s/%s init --sen2 %s/" R2022 " --sen2 %s/"
                         R2025 " --la 'Jarrow, City of' --horizon 2 --quiet", dir, cwd, bin(), cwd,
                         cwd), 0);
    assert_int_equal(strlen(out), 0);
    assert_int_equal(run(out, sizeof out, "grep -c 'horizon: 2 ' %s/scenarios/jarrow-city-of.yaml",
                         dir), 0);
    assert_int_equal(run(out, sizeof out, "cd %s && %s/%s run scenarios/jarrow-city-of.yaml -n 100 "
                         "--quiet -o j.h5", dir, cwd, bin()), 0);
    /* -o -: the scenario on standard output, nothing else written */
    assert_int_equal(run(out, sizeof out, "%s init " RELEASES " --la 101 -o - --quiet", bin()), 0);
    assert_non_null(strstr(out, "name: alderley"));
    assert_non_null(strstr(out, "    - \"" R2022 "\""));
    assert_int_equal(run(out, sizeof out, "ls | grep -c init-check"), 1);
    /* sendcast init --help */
    assert_int_equal(run(out, sizeof out, "%s init --help", bin()), 0);
    assert_non_null(strstr(out, "sendcast init --sen2 RELEASE [--sen2 RELEASE...] --la LA"));
    assert_int_equal(run(out, sizeof out, "%s --help", bin()), 0);
    assert_non_null(strstr(out, "sendcast init --sen2 RELEASE"));
}

int main(void)
{
    sc_library_init();   /* as main() does: GSL never aborts (library.h) */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_slug_and_relative_paths),
        cmocka_unit_test(test_plan),
        cmocka_unit_test(test_scenario_parses_fits_runs),
        cmocka_unit_test(test_model2_scenario),
        cmocka_unit_test(test_cli_init_then_run),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
