/*
 * priors.c — fitting model v2's national priors on the SEN2 panel
 * (docs/model.md 5).
 *
 * The national path is the cross-council mean by year; the pooling
 * hyper-parameters are the maximum (a posteriori) of the panel's likelihood,
 * every council's filter contributing the likelihood of its innovations. Only
 * years up to the origin are read.
 */
#include "sendcast/priors.h"

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_multimin.h>
#include <math.h>
#include <string.h>

#include "sendcast/alloc.h"
#include "sendcast/stats.h"

/* A prior worth PRIOR_YEARS years on each national yearly shock's sd. */
#define PRIOR_YEARS 4.0
#define PRIOR_GROWTH_SD 0.1
#define PRIOR_RATIO_SD 0.1
#define PRIOR_NETLEAVE_SD 0.01
/* The national net leaving rate is the mean of its last NETLEAVE_WINDOW years. */
#define NETLEAVE_WINDOW 3
/* Weakly informative N(0, LOGIT_PRIOR_SD^2) on logit phi and logit share. */
#define LOGIT_PRIOR_SD 1.5
/* Pairs farther than this from the means are left out of kappa's slope. */
#define KAPPA_TRIM 0.6
/* Plans per request is clipped to this range before its log is taken. */
#define RATIO_MIN 0.02
#define RATIO_MAX 1.5
/* Sampling variance of the net leaving rate: about c (1 - c) / S with c ~ 5%. */
#define NETLEAVE_VAR_NUM 0.05

static double logistic(double x)
{
    return 1 / (1 + exp(-x));
}

/* ---- the panel as the filters see it ---------------------------------- */

static double value_at(const sc_panel_series *s, const double *v, int year)
{
    int i = year - s->first_year;
    return v && i >= 0 && i < s->nyears ? v[i] : NAN;
}

static double plans_at(const sc_panel_series *s, int year)
{
    if (year == s->first_year - 1)
        return s->plans_before;
    return value_at(s, s->plans, year);
}

static double log_growth(const sc_panel_series *s, int year)
{
    double a = value_at(s, s->requests, year), b = value_at(s, s->requests, year - 1);
    return a > 0 && b > 0 ? log(a / b) : NAN;
}

static double log_ratio(const sc_panel_series *s, int year, double *var)
{
    double r = value_at(s, s->requests, year), i = value_at(s, s->new_plans, year);
    *var = INFINITY;
    if (!(r > 0) || isnan(i))
        return NAN;
    double p = i / r;
    p = p < RATIO_MIN ? RATIO_MIN : p > RATIO_MAX ? RATIO_MAX : p;
    *var = fabs(1 - p) / (r * p);
    return log(p);
}

static double netleave(const sc_panel_series *s, int year, double *var)
{
    double before = plans_at(s, year - 1), after = plans_at(s, year);
    double issued = value_at(s, s->new_plans, year);
    *var = INFINITY;
    if (!(before > 0) || isnan(after) || isnan(issued))
        return NAN;
    *var = NETLEAVE_VAR_NUM / before;
    return (before + issued - after) / before;
}

double sc_priors_at(const sc_priors *p, const double *series, int year)
{
    int i = year - p->first_year;
    return i >= 0 && i < p->nyears ? series[i] : NAN;
}

double sc_priors_index(const sc_priors *p, int year)
{
    int last = p->first_year + p->nyears - 1;
    if (year < p->first_year)
        return p->index[0] - p->beta_hat * (p->first_year - year);
    if (year > last)
        return p->index[p->nyears - 1] + p->beta_hat * (year - last);
    return p->index[year - p->first_year];
}

/* The national value of `series` in `year`, or 0 when the national series has
 * no such year (the council's deviation is then measured from the mean). */
static double national_or(const sc_priors *p, const double *series, int year, double fallback)
{
    double v = sc_priors_at(p, series, year);
    return isnan(v) ? fallback : v;
}

void sc_priors_request_series(const sc_priors *p, const sc_panel_series *s, double *z, double *var)
{
    for (int i = 0; i < s->nyears; i++) {
        int year = s->first_year + i;
        double r = s->requests[i];
        int ok = r > 0 && year <= p->origin;
        z[i] = ok ? log(r) - sc_priors_index(p, year) : NAN;
        var[i] = ok ? 1 / r : INFINITY;
    }
}

void sc_priors_ratio_series(const sc_priors *p, const sc_panel_series *s, double *x, double *var)
{
    for (int i = 0; i < s->nyears; i++) {
        int year = s->first_year + i;
        x[i] = year <= p->origin ? log_ratio(s, year, &var[i]) : NAN;
        if (isnan(x[i])) {
            var[i] = INFINITY;
            continue;
        }
        double g = log_growth(s, year), gn = sc_priors_at(p, p->growth, year);
        double surprise = isnan(g) || isnan(gn) ? 0 : g - gn;
        x[i] += -national_or(p, p->ratio, year, p->ratio_mean) + p->kappa * surprise;
    }
}

void sc_priors_netleave_series(const sc_priors *p, const sc_panel_series *s, double *x, double *var)
{
    for (int i = 0; i < s->nyears; i++) {
        int year = s->first_year + i;
        x[i] = year <= p->origin ? netleave(s, year, &var[i]) : NAN;
        if (isnan(x[i]))
            var[i] = INFINITY;
        else
            x[i] -= national_or(p, p->netleave, year, p->netleave_mean);
    }
}

/* ---- national series --------------------------------------------------- */

typedef double (*year_value)(const sc_panel_series *s, int year, double *var);

static double growth_value(const sc_panel_series *s, int year, double *var)
{
    *var = 0;
    return log_growth(s, year);
}

/* Cross-council mean of f by year into out[0..nyears). */
static void national_mean(const sc_panel_series *s, int n, const sc_priors *p, year_value f,
                          double *out)
{
    for (int y = 0; y < p->nyears; y++) {
        double sum = 0, var;
        int count = 0;
        for (int j = 0; j < n; j++) {
            double v = f(&s[j], p->first_year + y, &var);
            if (!isnan(v)) {
                sum += v;
                count++;
            }
        }
        out[y] = count ? sum / count : NAN;
    }
}

/* sqrt(pi / 2): the median's standard error over the mean's, for normal data. */
#define MEDIAN_SE_FACTOR 1.2533141373155001

/* The median of the non-NaN values of x[0..n) (NaN when none). */
static double median_of(const double *x, int n)
{
    double v[64];
    int m = 0;
    for (int i = 0; i < n && m < 64; i++)
        if (!isnan(x[i]))
            v[m++] = x[i];
    if (!m)
        return NAN;
    sc_stats_sort(v, (size_t)m);
    return m % 2 ? v[m / 2] : 0.5 * (v[m / 2 - 1] + v[m / 2]);
}

/* Mean of the non-NaN values of x[from..n), their count, and the sd with a
 * PRIOR_YEARS-year prior of prior_sd: sqrt((k s0^2 + SS) / (k + m - 1)). */
static int mean_and_prior_sd(const double *x, int from, int n, double prior_sd, double *mean,
                             double *sd)
{
    double sum = 0, ss = 0;
    int m = 0;
    for (int i = from; i < n; i++)
        if (!isnan(x[i])) {
            sum += x[i];
            m++;
        }
    if (m == 0)
        return 0;
    *mean = sum / m;
    for (int i = from; i < n; i++)
        if (!isnan(x[i]))
            ss += (x[i] - *mean) * (x[i] - *mean);
    *sd = sqrt((PRIOR_YEARS * prior_sd * prior_sd + ss) / (PRIOR_YEARS + m - 1));
    return m;
}

/* ---- minimising over the panel ---------------------------------------- */

typedef double (*objective_fn)(const double *x, void *ctx);

typedef struct minimise_ctx {
    objective_fn f;
    void *ctx;
} minimise_ctx;

static double gsl_trampoline(const gsl_vector *v, void *params)
{
    const minimise_ctx *m = params;
    double x[8];
    for (size_t i = 0; i < v->size; i++)
        x[i] = gsl_vector_get(v, i);
    double f = m->f(x, m->ctx);
    return isfinite(f) ? f : GSL_POSINF;
}

/* Nelder-Mead (GSL's nmsimplex2) from x, restarted until a restart gains
 * nothing; x holds the minimum after. */
static int minimise(objective_fn f, void *ctx, int np, double *x, const char *what, sc_error *e)
{
    minimise_ctx mc = { f, ctx };
    gsl_multimin_function fn = { gsl_trampoline, (size_t)np, &mc };
    gsl_vector *x0 = gsl_vector_alloc((size_t)np), *step = gsl_vector_alloc((size_t)np);
    gsl_multimin_fminimizer *m =
        gsl_multimin_fminimizer_alloc(gsl_multimin_fminimizer_nmsimplex2, (size_t)np);
    int rc = SC_OK;
    if (!x0 || !step || !m)
        rc = SC_ERROR(e, SC_ENOMEM, "out of memory fitting %s", what);
    double best = GSL_POSINF;
    for (int round = 0; !rc && round < 10; round++) {
        for (int i = 0; i < np; i++) {
            gsl_vector_set(x0, (size_t)i, x[i]);
            gsl_vector_set(step, (size_t)i, 0.5);
        }
        if (gsl_multimin_fminimizer_set(m, &fn, x0, step)) {
            rc = SC_ERROR(e, SC_EFAIL, "fitting %s: the simplex could not start", what);
            break;
        }
        for (int it = 0; it < 5000; it++) {
            if (gsl_multimin_fminimizer_iterate(m))
                break;
            if (gsl_multimin_test_size(gsl_multimin_fminimizer_size(m), 1e-7) == GSL_SUCCESS)
                break;
        }
        double fval = gsl_multimin_fminimizer_minimum(m);
        if (!isfinite(fval)) {
            rc = SC_ERROR(e, SC_EFAIL, "fitting %s: no finite likelihood", what);
            break;
        }
        for (int i = 0; i < np; i++)
            x[i] = gsl_vector_get(gsl_multimin_fminimizer_x(m), (size_t)i);
        int done = best - fval < 1e-9 * (1 + fabs(fval));
        best = fval;
        if (done)
            break;
    }
    gsl_vector_free(x0);
    gsl_vector_free(step);
    gsl_multimin_fminimizer_free(m);
    return rc;
}

/* The posterior sd of each coordinate: the diagonal of the pseudo-inverse of
 * the Hessian of f at x (central differences), eigenvalues below 1e-8 of the
 * largest dropped (a flat direction gets a large sd, capped at 10). */
static int laplace_sd(objective_fn f, void *ctx, int np, const double *x, double *sd,
                      sc_error *e)
{
    const double h = 1e-3;
    double H[SC_TH_N * SC_TH_N];
    for (int i = 0; i < np; i++)
        for (int j = i; j < np; j++) {
            double xp[SC_TH_N], v[4];
            for (int s = 0; s < 4; s++) {
                memcpy(xp, x, (size_t)np * sizeof *xp);
                xp[i] += s & 1 ? -h : h;
                xp[j] += s & 2 ? -h : h;
                v[s] = f(xp, ctx);
            }
            H[i * np + j] = H[j * np + i] = (v[0] - v[1] - v[2] + v[3]) / (4 * h * h);
        }
    gsl_matrix_view A = gsl_matrix_view_array(H, (size_t)np, (size_t)np);
    gsl_vector *eval = gsl_vector_alloc((size_t)np);
    gsl_matrix *evec = gsl_matrix_alloc((size_t)np, (size_t)np);
    gsl_eigen_symmv_workspace *w = gsl_eigen_symmv_alloc((size_t)np);
    int rc = SC_OK;
    if (!eval || !evec || !w)
        rc = SC_ERROR(e, SC_ENOMEM, "out of memory in the Laplace approximation");
    else if (gsl_eigen_symmv(&A.matrix, eval, evec, w))
        rc = SC_ERROR(e, SC_EFAIL, "the panel fit's Hessian has no eigen-decomposition");
    if (!rc) {
        double top = 0;
        for (int k = 0; k < np; k++)
            top = fmax(top, gsl_vector_get(eval, (size_t)k));
        for (int i = 0; i < np; i++) {
            double var = 0;
            for (int k = 0; k < np; k++) {
                double lam = gsl_vector_get(eval, (size_t)k), v = gsl_matrix_get(evec, (size_t)i, (size_t)k);
                if (lam > 1e-8 * top)
                    var += v * v / lam;
                else if (v * v > 1e-12)
                    var = INFINITY;
            }
            sd[i] = fmin(sqrt(var), 10);
        }
    }
    gsl_vector_free(eval);
    gsl_matrix_free(evec);
    gsl_eigen_symmv_free(w);
    return rc;
}

/* ---- the request-level hyper-parameters ------------------------------- */

typedef struct panel_ctx {
    int n, len;
    double *y, *var;        /* [n][len] the filters' series */
} panel_ctx;

static void trend_from(const double *x, sc_trend_hyper *h)
{
    h->tau_b = exp(x[SC_TH_LOG_TAU_B]);
    h->phi = logistic(x[SC_TH_LOGIT_PHI]);
    h->sigma = exp(x[SC_TH_LOG_SIGMA]);
    h->share = logistic(x[SC_TH_LOGIT_SHARE]);
}

static double trend_objective(const double *x, void *ctx)
{
    const panel_ctx *pc = ctx;
    sc_trend_hyper h;
    trend_from(x, &h);
    double nll = 0.5 * (x[SC_TH_LOGIT_PHI] / LOGIT_PRIOR_SD) * (x[SC_TH_LOGIT_PHI] / LOGIT_PRIOR_SD)
               + 0.5 * (x[SC_TH_LOGIT_SHARE] / LOGIT_PRIOR_SD) * (x[SC_TH_LOGIT_SHARE] / LOGIT_PRIOR_SD);
    for (int j = 0; j < pc->n; j++) {
        sc_kalman_state st;
        sc_kalman_trend(pc->y + (size_t)j * pc->len, pc->var + (size_t)j * pc->len, pc->len, &h, &st);
        nll -= st.loglik;
    }
    return nll;
}

static double ar_objective(const double *x, void *ctx)
{
    const panel_ctx *pc = ctx;
    sc_ar_hyper h = { exp(x[0]), logistic(x[1]), exp(x[2]) };
    double nll = 0;
    for (int j = 0; j < pc->n; j++) {
        sc_kalman_state st;
        sc_kalman_ar(pc->y + (size_t)j * pc->len, pc->var + (size_t)j * pc->len, pc->len, &h, &st);
        nll -= st.loglik;
    }
    return nll;
}

typedef void (*council_series)(const sc_priors *p, const sc_panel_series *s, double *x, double *var);

/* Every council's series on the national years, by `make`. */
static int panel_series(const sc_priors *p, const sc_panel_series *s, int n, council_series make,
                        panel_ctx *pc, sc_error *e)
{
    pc->n = n;
    pc->len = p->nyears;
    pc->y = sc_calloc((size_t)n * (size_t)p->nyears, sizeof *pc->y);
    pc->var = sc_calloc((size_t)n * (size_t)p->nyears, sizeof *pc->var);
    if (!pc->y || !pc->var)
        return SC_ERROR(e, SC_ENOMEM, "out of memory laying out the panel");
    for (int j = 0; j < n; j++) {
        /* the council's own years, placed on the national ones */
        double *y = pc->y + (size_t)j * pc->len, *v = pc->var + (size_t)j * pc->len;
        for (int i = 0; i < pc->len; i++) {
            y[i] = NAN;
            v[i] = INFINITY;
        }
        double tmpy[64], tmpv[64];
        sc_panel_series c = s[j];
        if (c.nyears > 64)
            return SC_ERROR(e, SC_EINPUT, "%s: more than 64 years of history", c.id);
        make(p, &c, tmpy, tmpv);
        for (int i = 0; i < c.nyears; i++) {
            int k = c.first_year + i - p->first_year;
            if (k >= 0 && k < pc->len) {
                y[k] = tmpy[i];
                v[k] = tmpv[i];
            }
        }
    }
    return SC_OK;
}

static void panel_free(panel_ctx *pc)
{
    sc_free(pc->y);
    sc_free(pc->var);
    pc->y = pc->var = NULL;
}

static int fit_trend(sc_priors *p, const sc_panel_series *s, int n, sc_error *e)
{
    panel_ctx pc;
    int rc = panel_series(p, s, n, sc_priors_request_series, &pc, e);
    double x[SC_TH_N] = { log(0.15), 0, log(0.14), 0 };
    if (!rc)
        rc = minimise(trend_objective, &pc, SC_TH_N, x, "the request-level priors", e);
    if (!rc)
        rc = laplace_sd(trend_objective, &pc, SC_TH_N, x, p->trend_sd, e);
    if (!rc) {
        memcpy(p->trend_mode, x, sizeof x);
        trend_from(x, &p->trend);
    }
    panel_free(&pc);
    return rc;
}

static int fit_ar(sc_priors *p, const sc_panel_series *s, int n, council_series make,
                  const double init[3], sc_ar_hyper *out, const char *what, sc_error *e)
{
    panel_ctx pc;
    int rc = panel_series(p, s, n, make, &pc, e);
    double x[3] = { log(init[0]), log(init[1] / (1 - init[1])), log(init[2]) };
    if (!rc)
        rc = minimise(ar_objective, &pc, 3, x, what, e);
    if (!rc) {
        out->tau_a = exp(x[0]);
        out->rho = logistic(x[1]);
        out->sd = exp(x[2]);
    }
    panel_free(&pc);
    return rc;
}

/* kappa: minus the least-squares slope of the council- and year-demeaned log
 * plans per request on the year-demeaned request growth. */
static void fit_kappa(sc_priors *p, const sc_panel_series *s, int n)
{
    double sxx = 0, sxy = 0, sx = 0, sy = 0;
    long m = 0;
    for (int j = 0; j < n; j++) {
        double x[64], g[64], var, mean = 0;
        int k = 0, len = p->nyears < 64 ? p->nyears : 64;
        for (int i = 0; i < len; i++) {
            int year = p->first_year + i;
            double r = log_ratio(&s[j], year, &var);
            x[i] = isnan(r) ? NAN : r - p->ratio[i];
            double gr = log_growth(&s[j], year);
            g[i] = isnan(gr) || isnan(p->growth[i]) ? NAN : gr - p->growth[i];
            if (!isnan(x[i])) {
                mean += x[i];
                k++;
            }
        }
        if (!k)
            continue;
        mean /= k;
        for (int i = 0; i < len; i++) {
            double xi = x[i] - mean;
            if (isnan(xi) || isnan(g[i]) || fabs(xi) >= KAPPA_TRIM || fabs(g[i]) >= KAPPA_TRIM)
                continue;
            sx += g[i];
            sy += xi;
            sxx += g[i] * g[i];
            sxy += g[i] * xi;
            m++;
        }
    }
    double slope = m > 2 ? (sxy - sx * sy / m) / (sxx - sx * sx / m) : 0;
    p->kappa = slope < 0 ? -slope : 0;
}

/* The national plans per request: its mean and yearly shock, once the
 * national requests' own surprise is taken out (kappa x the year's growth
 * beyond the trend), since the year step takes it out through omega. */
static void national_ratio_shocks(sc_priors *p)
{
    double adjusted[64];
    int n = p->nyears < 64 ? p->nyears : 64;
    for (int i = 0; i < n; i++)
        adjusted[i] = p->ratio[i] + (isnan(p->growth[i]) ? 0 : p->kappa * (p->growth[i] - p->beta_hat));
    int nr = mean_and_prior_sd(adjusted, 0, n, PRIOR_RATIO_SD, &p->ratio_mean, &p->psi_sd);
    p->ratio_mean_se = nr ? p->psi_sd / sqrt(nr) : 0;
}

/* ---- the whole fit ----------------------------------------------------- */

static int count_requests(const sc_panel_series *s, int last_year)
{
    int k = 0;
    for (int i = 0; i < s->nyears && s->first_year + i <= last_year; i++)
        k += s->requests[i] > 0;
    return k;
}

int sc_priors_fit(const sc_panel_series *series, int n, int last_year, sc_priors **out,
                  sc_error *e)
{
    *out = NULL;
    int first = last_year + 1, users = 0;
    for (int j = 0; j < n; j++) {
        if (count_requests(&series[j], last_year) == 0)
            continue;
        users++;
        for (int i = 0; i < series[j].nyears; i++)
            if (series[j].requests[i] > 0 && series[j].first_year + i < first)
                first = series[j].first_year + i;
    }
    if (users < 10)
        return SC_ERROR(e, SC_EINPUT, "national priors need at least 10 councils with requests "
                        "up to %d; the panel has %d", last_year, users);
    sc_priors *p;
    int rc = sc_priors_alloc(last_year - first + 1, &p, e);
    if (rc)
        return rc;
    p->origin = last_year;
    p->first_year = first;
    p->ncouncils = users;
    national_mean(series, n, p, growth_value, p->growth);
    national_mean(series, n, p, log_ratio, p->ratio);
    national_mean(series, n, p, netleave, p->netleave);

    double sd;
    int ng = mean_and_prior_sd(p->growth, 0, p->nyears, PRIOR_GROWTH_SD, &p->beta_hat, &sd);
    if (ng < 2) {
        rc = SC_ERROR(e, SC_EINPUT, "national priors need at least 2 years of national request "
                      "growth up to %d; the panel has %d", last_year, ng);
        goto done;
    }
    p->delta_nu = PRIOR_YEARS + ng - 1;
    p->delta_s2 = sd * sd;
    /* The trend is the median of the national growths: one extraordinary year
     * (2020's fall) moves it little, while the spread (sd, about the mean)
     * keeps every year. The median's standard error is about sqrt(pi/2) of
     * the mean's. */
    p->beta_hat = median_of(p->growth, p->nyears);
    p->beta_se = MEDIAN_SE_FACTOR * sd / sqrt(ng);
    for (int i = 0; i < p->nyears; i++)
        p->index[i] = i ? p->index[i - 1] + (isnan(p->growth[i]) ? p->beta_hat : p->growth[i]) : 0;

    int from = p->nyears > NETLEAVE_WINDOW ? p->nyears - NETLEAVE_WINDOW : 0;
    double ignored;
    int nl = mean_and_prior_sd(p->netleave, from, p->nyears, PRIOR_NETLEAVE_SD,
                               &p->netleave_mean, &ignored);
    int nall = mean_and_prior_sd(p->netleave, 0, p->nyears, PRIOR_NETLEAVE_SD, &ignored, &p->chi_sd);
    p->netleave_mean_se = nl ? p->chi_sd / sqrt(nl) : 0;
    int nr = 0;
    for (int i = 0; i < p->nyears; i++)
        nr += !isnan(p->ratio[i]);
    if (!nr || !nall) {
        rc = SC_ERROR(e, SC_EINPUT, "national priors need new plans and plans in place up to %d",
                      last_year);
        goto done;
    }

    rc = fit_trend(p, series, n, e);
    if (!rc) {
        fit_kappa(p, series, n);
        national_ratio_shocks(p);
        rc = fit_ar(p, series, n, sc_priors_ratio_series, (double[]){ 0.1, 0.3, 0.2 },
                    &p->ratio_ar, "the plans-per-request priors", e);
    }
    if (!rc)
        rc = fit_ar(p, series, n, sc_priors_netleave_series, (double[]){ 0.01, 0.1, 0.03 },
                    &p->netleave_ar, "the net-flow priors", e);
done:
    if (rc) {
        sc_priors_free(p);
        return rc;
    }
    *out = p;
    return SC_OK;
}

int sc_priors_alloc(int nyears, sc_priors **out, sc_error *e)
{
    *out = NULL;
    sc_priors *p = sc_calloc(1, sizeof *p);
    size_t ny = nyears > 0 ? (size_t)nyears : 1;
    if (p) {
        p->nyears = nyears;
        p->growth = sc_calloc(ny, sizeof(double));
        p->index = sc_calloc(ny, sizeof(double));
        p->ratio = sc_calloc(ny, sizeof(double));
        p->netleave = sc_calloc(ny, sizeof(double));
    }
    if (!p || !p->growth || !p->index || !p->ratio || !p->netleave) {
        sc_priors_free(p);
        return SC_ERROR(e, SC_ENOMEM, "out of memory for the national priors");
    }
    for (size_t i = 0; i < ny; i++)
        p->growth[i] = p->index[i] = p->ratio[i] = p->netleave[i] = NAN;
    *out = p;
    return SC_OK;
}

int sc_priors_copy(const sc_priors *p, sc_priors **out, sc_error *e)
{
    sc_priors *c;
    int rc = sc_priors_alloc(p->nyears, &c, e);
    if (rc)
        return rc;
    double *arrays[4] = { c->growth, c->index, c->ratio, c->netleave };
    *c = *p;
    c->growth = arrays[0];
    c->index = arrays[1];
    c->ratio = arrays[2];
    c->netleave = arrays[3];
    size_t bytes = (size_t)p->nyears * sizeof(double);
    memcpy(c->growth, p->growth, bytes);
    memcpy(c->index, p->index, bytes);
    memcpy(c->ratio, p->ratio, bytes);
    memcpy(c->netleave, p->netleave, bytes);
    *out = c;
    return SC_OK;
}

void sc_priors_free(sc_priors *p)
{
    if (!p)
        return;
    sc_free(p->growth);
    sc_free(p->index);
    sc_free(p->ratio);
    sc_free(p->netleave);
    sc_free(p);
}
