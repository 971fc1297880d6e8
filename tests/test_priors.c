/*
 * test_priors.c — model v2's filters, national priors and council fit
 * (docs/model.md 4, 5), against the independent Python reference
 * (tests/model_v2_check.py's algebra, numbers printed once and kept here).
 *
 * tests/data/priors/panel.csv is the SEN2 panel of every council, activity
 * 2016-2023 with the January stock after each year (and 2015's), suspect cells
 * blank. Deterministic arithmetic is compared to 1e-9; the panel minimum, which
 * a different simplex reaches by a different path, is compared by objective.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sendcast/library.h"
#include "sendcast/alloc.h"
#include "sendcast/council.h"
#include "sendcast/kalman.h"
#include "sendcast/priors.h"
#include "test_util.h"

#define MAXC 200
#define NY 8      /* 2016..2023 */

typedef struct panel {
    int n;
    char id[MAXC][16];
    double req[MAXC][NY], ass[MAXC][NY], newp[MAXC][NY], plans[MAXC][NY], before[MAXC];
    sc_panel_series s[MAXC];
} panel;

static double cell(const char *f)
{
    return *f && *f != ',' && *f != '\n' ? strtod(f, NULL) : NAN;
}

static const char *next_field(const char *f)
{
    while (*f && *f != ',' && *f != '\n')
        f++;
    return *f == ',' ? f + 1 : f;
}

static panel *load_panel(void)
{
    panel *p = calloc(1, sizeof *p);
    FILE *f = fopen("tests/data/priors/panel.csv", "r");
    assert_non_null(f);
    char line[256];
    assert_non_null(fgets(line, sizeof line, f));
    while (fgets(line, sizeof line, f)) {
        char id[16];
        int year;
        if (sscanf(line, "%15[^,],%d", id, &year) != 2)
            continue;
        if (p->n == 0 || strcmp(p->id[p->n - 1], id)) {
            assert_true(p->n < MAXC);
            strcpy(p->id[p->n], id);
            for (int i = 0; i < NY; i++)
                p->req[p->n][i] = p->ass[p->n][i] = p->newp[p->n][i] = p->plans[p->n][i] = NAN;
            p->before[p->n] = NAN;
            p->n++;
        }
        int c = p->n - 1;
        const char *fld = next_field(next_field(line));
        double r = cell(fld), a = cell(fld = next_field(fld)), np = cell(fld = next_field(fld));
        double s = cell(next_field(fld));
        if (year == 2015) {
            p->before[c] = s;
            continue;
        }
        int i = year - 2016;
        assert_true(i >= 0 && i < NY);
        p->req[c][i] = r;
        p->ass[c][i] = a;
        p->newp[c][i] = np;
        p->plans[c][i] = s;
    }
    fclose(f);
    for (int c = 0; c < p->n; c++)
        p->s[c] = (sc_panel_series){ p->id[c], 2016, NY, p->req[c], p->ass[c], p->newp[c],
                                     p->plans[c], p->before[c] };
    return p;
}

static const double kirklees_z[7] = { 5.564520407322693, 5.939402970595478, 5.710535647318122,
                                      5.863499772258286, 6.030647572605521, 6.071954866114525,
                                      6.1931059615652 };
static const double kirklees_ex[7] = { 0.0038314176245210726, 0.0022935779816513763,
                                       0.002583979328165375, 0.0019342359767891683,
                                       0.0017857142857142857, 0.0014104372355430183,
                                       0.0010193679918450561 };

static void test_trend_filter(void **state)
{
    (void)state;
    sc_trend_hyper h = { 0.14, 0.3, 0.12, 0.8 };
    sc_kalman_state st;
    sc_kalman_trend(kirklees_z, kirklees_ex, 7, &h, &st);
    assert_int_equal(st.nobs, 7);
    assert_close(st.loglik, 1.2522882342633421, 1e-9);
    assert_close(st.m[0], 6.164156133420915, 1e-9);
    assert_close(st.m[1], 9.743390602188295e-05, 1e-9);
    assert_close(st.P[0][0], 0.003088889948615803, 1e-12);
    assert_close(st.P[0][1], 1.1617688626546663e-08, 1e-12);
    assert_close(st.P[1][1], 4.852172153493147e-09, 1e-12);
}

static void test_ar_filter(void **state)
{
    (void)state;
    const double y[7] = { 0.4413835835221631, 0.1388975294008714, 0.2422398786119857,
                          0.21993317881459554, 0.07724727902864156, -0.18214441538135842, NAN };
    const double v[7] = { 0.0, 0.0010962525268232001, 0.0002171411200138971,
                          0.0005471536013746035, 0.00045142217961009897,
                          0.0011735420926223563, INFINITY };
    sc_ar_hyper h = { 0.1, 0.3, 0.2 };
    sc_kalman_state st;
    sc_kalman_ar(y, v, 7, &h, &st);
    assert_int_equal(st.nobs, 6);
    assert_close(st.loglik, 0.690243934484015, 1e-9);
    assert_close(st.m[0], 0.07420169336477772, 1e-9);
    assert_close(st.m[1], -0.07449450763806541, 1e-9);
    assert_close(st.P[0][0], 0.005222652179918058, 1e-12);
    assert_close(st.P[0][1], -0.0015324508234755535, 1e-12);
    assert_close(st.P[1][1], 0.03695198114869754, 1e-12);
}

/* A robust update: an outlier moves the level far less than a Gaussian one would. */
static void test_trend_filter_is_robust(void **state)
{
    (void)state;
    double z[6] = { 5.0, 5.1, 5.2, 5.3, 9.0, 5.5 }, ex[6] = { 0 };
    sc_trend_hyper h = { 0.1, 0.5, 0.1, 0.5 };
    sc_kalman_state st;
    sc_kalman_trend(z, ex, 5, &h, &st);
    assert_true(st.m[0] < 6.5);
    sc_kalman_trend(z, ex, 6, &h, &st);
    assert_true(st.m[0] > 5.2 && st.m[0] < 6.0);
}

static void test_priors_on_the_panel(void **state)
{
    (void)state;
    panel *p = load_panel();
    sc_priors *pr;
    sc_error e;
    sc_error_clear(&e);
    assert_int_equal(sc_priors_fit(p->s, p->n, 2022, &pr, &e), SC_OK);
    assert_int_equal(pr->first_year, 2016);
    assert_int_equal(pr->nyears, 7);
    assert_close(pr->beta_hat, 0.13744666464601993, 1e-9);   /* the median */
    assert_close(pr->delta_s2, 0.010680125931096289, 1e-9);
    assert_close(pr->delta_nu, 9.0, 0);
    assert_close(pr->beta_se, 0.05287769312648603, 1e-9);
    assert_close(pr->kappa, 0.296520933124799, 1e-9);
    assert_close(pr->ratio_mean, -0.41480958208748586, 1e-9);   /* surprise taken out */
    assert_close(pr->psi_sd, 0.07687401680668074, 1e-9);
    assert_close(pr->netleave_mean, 0.05116030225170154, 1e-9);
    assert_close(pr->chi_sd, 0.014605138907510211, 1e-9);   /* about the mean of all years */
    /* The reference's MAP: objective -310.95879 at (tau_b, phi, sigma, share) =
     * (0.1392, 0.2521, 0.1231, 0.8790). A simplex may stop elsewhere on the flat
     * ridge of phi, so compare where it matters. */
    assert_close(pr->trend.sigma, 0.12310108657578214, 2e-3);
    assert_close(pr->trend.tau_b, 0.13922193348312242, 1e-2);
    assert_close(pr->trend.share, 0.8790378044524855, 3e-2);
    assert_close(pr->trend.phi, 0.2520614769182067, 0.1);
    assert_close(pr->trend_sd[SC_TH_LOG_SIGMA], 0.0368332754, 5e-3);
    assert_close(pr->ratio_ar.sd, 0.16588294947493287, 5e-3);
    assert_close(pr->ratio_ar.rho, 0.2742684406147564, 3e-2);
    assert_close(pr->netleave_ar.sd, 0.03274258776389696, 2e-3);

    sc_council_fit f;
    int k = 0;
    while (strcmp(p->id[k], "382"))
        k++;
    assert_int_equal(sc_council_fit_compute(pr, &p->s[k], 2022, &f, &e), SC_OK);
    assert_int_equal(f.nrequests, 7);
    assert_true(f.conv_mean[0] > 6.7 && f.conv_mean[0] < 7.0);   /* log 981 = 6.89 */
    assert_true(f.damping_mean > 0.1 && f.damping_mean < 0.5);
    assert_true(f.persistence_mean > 0.6 && f.persistence_mean < 0.95);
    assert_true(f.netleave_mean > 0.03 && f.netleave_mean < 0.07);
    sc_priors_free(pr);
    free(p);
}

static void test_council_with_two_years_is_refused(void **state)
{
    (void)state;
    panel *p = load_panel();
    sc_priors *pr;
    sc_error e;
    assert_int_equal(sc_priors_fit(p->s, p->n, 2022, &pr, &e), SC_OK);
    double req[3] = { NAN, 100, 120 }, z[3] = { 0 };
    sc_panel_series s = { "tiny", 2020, 3, req, z, z, z, NAN };
    sc_council_fit f;
    sc_error_clear(&e);
    assert_int_equal(sc_council_fit_compute(pr, &s, 2022, &f, &e), SC_EINPUT);
    assert_non_null(strstr(e.msg, "tiny has 2 years of requests up to 2022; the model needs at least 3"));
    sc_priors_free(pr);
    free(p);
}

static void test_too_few_councils_is_refused(void **state)
{
    (void)state;
    panel *p = load_panel();
    sc_priors *pr;
    sc_error e;
    sc_error_clear(&e);
    assert_int_equal(sc_priors_fit(p->s, 5, 2022, &pr, &e), SC_EINPUT);
    assert_non_null(strstr(e.msg, "at least 10 councils"));
    assert_null(pr);
    free(p);
}

static void test_logit_normal_moments(void **state)
{
    (void)state;
    double m, sd;
    sc_council_logit_normal_moments(0, 0, &m, &sd);
    assert_close(m, 0.5, 1e-15);
    assert_close(sd, 0, 0);
    sc_council_logit_normal_moments(0, 1, &m, &sd);
    assert_close(m, 0.5, 1e-12);
    /* Var logistic(N(0, 1)) = 0.0433790358580930 (adaptive quadrature, scipy) */
    assert_close(sd * sd, 0.043379035858093, 1e-9);
}

int main(void)
{
    sc_library_init();   /* as main() does: GSL never aborts (library.h) */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_trend_filter),
        cmocka_unit_test(test_ar_filter),
        cmocka_unit_test(test_trend_filter_is_robust),
        cmocka_unit_test(test_priors_on_the_panel),
        cmocka_unit_test(test_council_with_two_years_is_refused),
        cmocka_unit_test(test_too_few_councils_is_refused),
        cmocka_unit_test(test_logit_normal_moments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
