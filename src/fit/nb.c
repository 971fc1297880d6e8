/*
 * nb.c — the negative-binomial trend of MODEL.md 5.1 by maximum likelihood,
 * with the cluster-working effect E optionally estimated jointly (MAP).
 *
 * Free parameters x = (alpha, beta[, log k][, logit E]): log k because k > 0
 * and its likelihood is far from quadratic in k; logit E because E is in
 * (0, 1) and the Laplace approximation is better on the logit scale. The
 * minimiser is GSL's Nelder-Mead simplex (nmsimplex2), restarted from its
 * own optimum until the objective stops improving (a simplex can stall
 * early on a long, curved valley such as the (alpha, log k) one), then
 * polished with GSL's BFGS2 on the analytic gradient until the gradient is
 * below 1e-9. The covariance is the inverse of the Hessian of the negative
 * log-likelihood (log-posterior for E) at the optimum, by central
 * differences of the analytic gradient,
 * inverted with GSL's Cholesky routines (a failure there means the optimum
 * is not a proper maximum, which is reported rather than hidden).
 */
#include "sendcast/fit.h"

#include <math.h>
#include <string.h>

#include <gsl/gsl_linalg.h>
#include <gsl/gsl_multimin.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_sf_psi.h>

#include "sendcast/stats.h"

#define MAXPAR 4
#define LOGK_MAX 18.0           /* k = 6.6e7: beyond this the fit is Poisson */
/* The objective where the likelihood is 0 or the parameters absurd: large but
 * finite, because GSL's minimisers stop with an error on an infinite value. */
#define OUTSIDE 1e100

typedef struct nb_problem {
    const sc_fit_nb_data *d;
    int free_k, free_e;
    int ik, ie;                 /* index of log k and logit E in x */
} nb_problem;

static double logistic(double z)
{
    return 1.0 / (1.0 + exp(-z));
}

static void unpack(const nb_problem *p, const double *x, double *a, double *b, double *k,
                   double *eff)
{
    *a = x[0];
    *b = x[1];
    *k = p->free_k ? exp(x[p->ik]) : p->d->k_fixed;
    *eff = p->free_e ? logistic(x[p->ie]) : p->d->effect_fixed;
}

static double mean_of(const sc_fit_nb_data *d, int i, double a, double b, double eff)
{
    return d->exposure[i] * exp(a + b * d->t[i]) * (1.0 - eff * d->ramp[i]);
}

/* log P(y | mean mu, dispersion k); Poisson for k infinite. */
static double nb_logpmf(double y, double mu, double k)
{
    if (!(mu > 0))
        return y == 0 ? 0.0 : -INFINITY;
    if (isinf(k))
        return y * log(mu) - mu - gsl_sf_lngamma(y + 1);
    return gsl_sf_lngamma(y + k) - gsl_sf_lngamma(k) - gsl_sf_lngamma(y + 1)
           + k * log(k / (k + mu)) + y * log(mu / (k + mu));
}

/* Negative log-likelihood, minus the log prior of theta = logit E when E is
 * free: a Beta(a, b) density on E, carried to theta with its Jacobian E(1-E),
 * is proportional to E^a (1-E)^b. */
static double objective(const double *x, const nb_problem *p)
{
    double a, b, k, eff;
    unpack(p, x, &a, &b, &k, &eff);
    if (p->free_k && x[p->ik] > LOGK_MAX + 5)
        return OUTSIDE;
    double ll = 0;
    for (int i = 0; i < p->d->n; i++)
        ll += nb_logpmf(p->d->y[i], mean_of(p->d, i, a, b, eff), k);
    if (p->free_e)
        ll += p->d->prior_a * log(eff) + p->d->prior_b * log1p(-eff);
    return isfinite(ll) ? -ll : OUTSIDE;
}

static double gsl_objective(const gsl_vector *v, void *params)
{
    const nb_problem *p = params;
    double x[MAXPAR];
    for (size_t i = 0; i < v->size; i++)
        x[i] = gsl_vector_get(v, i);
    return objective(x, p);
}

/* One simplex run from x (updated in place); the final objective. */
static int simplex(const nb_problem *p, int np, double *x, double *fmin, sc_error *e)
{
    gsl_multimin_function fn = { gsl_objective, (size_t)np, (void *)p };
    gsl_vector *x0 = gsl_vector_alloc((size_t)np), *step = gsl_vector_alloc((size_t)np);
    gsl_multimin_fminimizer *m =
        gsl_multimin_fminimizer_alloc(gsl_multimin_fminimizer_nmsimplex2, (size_t)np);
    if (!x0 || !step || !m) {
        gsl_vector_free(x0);
        gsl_vector_free(step);
        gsl_multimin_fminimizer_free(m);
        return SC_ERROR(e, SC_ENOMEM, "out of memory in the trend fit");
    }
    for (int i = 0; i < np; i++) {
        gsl_vector_set(x0, (size_t)i, x[i]);
        gsl_vector_set(step, (size_t)i, i == 1 ? 0.05 : 0.3);
    }
    /* The objective is finite everywhere (OUTSIDE where the likelihood is 0),
     * so GSL's set-up cannot refuse the start. */
    int rc = gsl_multimin_fminimizer_set(m, &fn, x0, step) ? SC_EFAIL : SC_OK;
    for (int it = 0; !rc && it < 20000; it++) {
        if (gsl_multimin_fminimizer_iterate(m))
            break;
        if (gsl_multimin_test_size(gsl_multimin_fminimizer_size(m), 1e-10) == GSL_SUCCESS)
            break;
    }
    if (!rc) {
        for (int i = 0; i < np; i++)
            x[i] = gsl_vector_get(m->x, (size_t)i);
        *fmin = m->fval;
    }
    gsl_vector_free(x0);
    gsl_vector_free(step);
    gsl_multimin_fminimizer_free(m);
    return rc ? SC_NEVER(e) : SC_OK;
}

static int polish(const nb_problem *p, int np, double *x, sc_error *e);

static int minimise(const nb_problem *p, int np, double *x, sc_error *e)
{
    double f = GSL_POSINF, prev;
    for (int round = 0; round < 20; round++) {
        prev = f;
        int rc = simplex(p, np, x, &f, e);
        if (rc)
            return rc;
        if (!(f < OUTSIDE))
            return SC_ERROR(e, SC_EFAIL, "trend fit: no parameters give the data a "
                            "positive likelihood");
        if (round > 0 && prev - f < 1e-12 * (1 + fabs(f)))
            break;
    }
    return polish(p, np, x, e);
}

/* Gradient of the objective: the analytic score of the NB log-likelihood
 * (d/d log k through the digamma function), negated. */
static void gradient(const double *x, const nb_problem *p, double *g)
{
    double a, b, k, eff;
    unpack(p, x, &a, &b, &k, &eff);
    double ga = 0, gb = 0, gk = 0, ge = 0;
    for (int i = 0; i < p->d->n; i++) {
        double y = p->d->y[i], r = p->d->ramp[i], mu = mean_of(p->d, i, a, b, eff);
        double s = isinf(k) ? y - mu : k * (y - mu) / (k + mu);   /* dl/d log mu */
        ga += s;
        gb += s * p->d->t[i];
        if (p->free_k)
            gk += k * (gsl_sf_psi(y + k) - gsl_sf_psi(k) + log(k / (k + mu)) + 1
                       - (y + k) / (k + mu));
        if (p->free_e)
            ge += -s * r / (1 - eff * r) * eff * (1 - eff);
    }
    if (p->free_e)
        ge += p->d->prior_a * (1 - eff) - p->d->prior_b * eff;
    g[0] = -ga;
    g[1] = -gb;
    if (p->free_k)
        g[p->ik] = -gk;
    if (p->free_e)
        g[p->ie] = -ge;
}

static void gsl_gradient(const gsl_vector *v, void *params, gsl_vector *out)
{
    const nb_problem *p = params;
    double x[MAXPAR], g[MAXPAR];
    for (size_t i = 0; i < v->size; i++)
        x[i] = gsl_vector_get(v, i);
    gradient(x, p, g);
    for (size_t i = 0; i < v->size; i++)
        gsl_vector_set(out, i, g[i]);
}

static void gsl_fdf(const gsl_vector *v, void *params, double *f, gsl_vector *g)
{
    *f = gsl_objective(v, params);
    gsl_gradient(v, params, g);
}

/* Polish the simplex's optimum with BFGS on the analytic gradient, so the
 * estimate is converged to the gradient, not just to the simplex size. Keeps
 * x when BFGS does not improve on it. */
static int polish(const nb_problem *p, int np, double *x, sc_error *e)
{
    gsl_multimin_function_fdf fn = { gsl_objective, gsl_gradient, gsl_fdf, (size_t)np,
                                     (void *)p };
    gsl_vector *x0 = gsl_vector_alloc((size_t)np);
    gsl_multimin_fdfminimizer *m =
        gsl_multimin_fdfminimizer_alloc(gsl_multimin_fdfminimizer_vector_bfgs2, (size_t)np);
    if (!x0 || !m) {
        gsl_vector_free(x0);
        gsl_multimin_fdfminimizer_free(m);
        return SC_ERROR(e, SC_ENOMEM, "out of memory in the trend fit");
    }
    for (int i = 0; i < np; i++)
        gsl_vector_set(x0, (size_t)i, x[i]);
    double f0 = objective(x, p);
    if (gsl_multimin_fdfminimizer_set(m, &fn, x0, 1e-4, 0.1) == GSL_SUCCESS) {
        for (int it = 0; it < 500; it++) {
            if (gsl_multimin_fdfminimizer_iterate(m))
                break;
            if (gsl_multimin_test_gradient(m->gradient, 1e-9) == GSL_SUCCESS)
                break;
        }
        if (m->f <= f0)
            for (int i = 0; i < np; i++)
                x[i] = gsl_vector_get(m->x, (size_t)i);
    }
    gsl_vector_free(x0);
    gsl_multimin_fdfminimizer_free(m);
    return SC_OK;
}

/* Hessian of the objective at x: central differences of the analytic
 * gradient (one order more accurate than second differences of f), made
 * symmetric. */
static void hessian(const nb_problem *p, int np, const double *x, double h[MAXPAR][MAXPAR])
{
    double xx[MAXPAR], gp[MAXPAR], gm[MAXPAR];
    for (int j = 0; j < np; j++) {
        double step = 1e-5 * fmax(1.0, fabs(x[j]));
        memcpy(xx, x, sizeof xx);
        xx[j] = x[j] + step;
        gradient(xx, p, gp);
        xx[j] = x[j] - step;
        gradient(xx, p, gm);
        for (int i = 0; i < np; i++)
            h[i][j] = (gp[i] - gm[i]) / (2 * step);
    }
    for (int i = 0; i < np; i++)
        for (int j = 0; j < i; j++)
            h[i][j] = h[j][i] = 0.5 * (h[i][j] + h[j][i]);
}

/* cov = H^-1 by Cholesky; SC_EFAIL when H is not positive definite. */
static int invert(int np, double h[MAXPAR][MAXPAR], double cov[MAXPAR][MAXPAR], sc_error *e)
{
    gsl_matrix *m = gsl_matrix_alloc((size_t)np, (size_t)np);
    if (!m)
        return SC_ERROR(e, SC_ENOMEM, "out of memory in the trend fit");
    for (int i = 0; i < np; i++)
        for (int j = 0; j < np; j++)
            gsl_matrix_set(m, (size_t)i, (size_t)j, h[i][j]);
    int bad = gsl_linalg_cholesky_decomp1(m) || gsl_linalg_cholesky_invert(m);
    for (int i = 0; !bad && i < np; i++)
        for (int j = 0; j < np; j++)
            cov[i][j] = gsl_matrix_get(m, (size_t)i, (size_t)j);
    gsl_matrix_free(m);
    return bad ? SC_ERROR(e, SC_EFAIL, "trend fit: the observed information is not "
                          "positive definite at the optimum (the data do not identify "
                          "the parameters)")
               : SC_OK;
}

static void start(const nb_problem *p, double *x)
{
    double sy = 0, se = 0;
    for (int i = 0; i < p->d->n; i++) {
        sy += p->d->y[i];
        se += p->d->exposure[i];
    }
    x[0] = log(fmax(sy, 0.5) / se);
    x[1] = 0;
    if (p->free_k)
        x[p->ik] = log(20.0);
    if (p->free_e)
        x[p->ie] = log((p->d->prior_a) / (p->d->prior_b));
}

/* Mean and sd of E = logistic(theta), theta ~ N(m, s^2), by a fine
 * trapezoid over +-8 sd (the Beta that MODEL.md draws E from is then the one
 * with these moments). */
static void logit_normal_moments(double m, double s, double *mean, double *sd)
{
    double w = 0, s1 = 0, s2 = 0;
    for (int i = -1600; i <= 1600; i++) {
        double z = i / 200.0, wt = exp(-0.5 * z * z), v = logistic(m + s * z);
        w += wt;
        s1 += wt * v;
        s2 += wt * v * v;
    }
    *mean = s1 / w;
    *sd = sqrt(fmax(s2 / w - *mean * *mean, 0));
}

static void goodness(const sc_fit_nb_data *d, sc_fit_nb *o)
{
    o->deviance = o->pearson = 0;
    for (int i = 0; i < d->n; i++) {
        double y = d->y[i], mu = mean_of(d, i, o->alpha, o->beta, o->effect);
        double var = o->poisson ? mu : mu + mu * mu / o->k;
        double dev = o->poisson ? 2 * ((y > 0 ? y * log(y / mu) : 0) - (y - mu))
                                : 2 * ((y > 0 ? y * log(y / mu) : 0)
                                       - (y + o->k) * log((y + o->k) / (mu + o->k)));
        o->mu[i] = mu;
        o->resid[i] = (y - mu) / sqrt(var);
        o->deviance += dev;
        o->pearson += o->resid[i] * o->resid[i];
    }
}

static void fill(const nb_problem *p, int np, const double *x, double cov[MAXPAR][MAXPAR],
                 sc_fit_nb *o)
{
    unpack(p, x, &o->alpha, &o->beta, &o->k, &o->effect);
    o->poisson = isinf(o->k);
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++)
            o->cov[i][j] = cov[i][j];
    o->se_alpha = sqrt(cov[0][0]);
    o->se_beta = sqrt(cov[1][1]);
    o->se_logk = p->free_k ? sqrt(cov[p->ik][p->ik]) : NAN;
    o->k_lo = p->free_k ? o->k * exp(-1.96 * o->se_logk) : o->k;
    o->k_hi = p->free_k ? o->k * exp(1.96 * o->se_logk) : o->k;
    if (p->free_e) {
        double m, s;
        logit_normal_moments(x[p->ie], sqrt(cov[p->ie][p->ie]), &m, &s);
        o->effect = m;
        o->effect_sd = s;
        if (sc_stats_beta_from_mean_sd(m, s, &o->effect_a, &o->effect_b))
            o->effect_a = o->effect_b = NAN;   /* no Beta has them: a logit-normal of sd 0 */
    } else {
        o->effect_sd = 0;
        o->effect_a = o->effect_b = NAN;
    }
    o->loglik = -objective(x, p);
    o->df = p->d->n - np;
    goodness(p->d, o);
}

/* How a fit that did not fail ended: fitted, or with k running to infinity
 * (the data are no more variable than Poisson: the caller refits with k
 * held there). Kept apart from the status, so a failure is never taken for
 * the one and refitted. */
enum nb_outcome { NB_FITTED, NB_K_INFINITE };

static int fit_once(nb_problem *p, sc_fit_nb *out, enum nb_outcome *how, sc_error *e)
{
    int np = 2;
    p->ik = p->free_k ? np++ : -1;
    p->ie = p->free_e ? np++ : -1;
    double x[MAXPAR], h[MAXPAR][MAXPAR], cov[MAXPAR][MAXPAR];
    *how = NB_FITTED;
    start(p, x);
    int rc = minimise(p, np, x, e);
    if (rc)
        return rc;
    if (p->free_k && x[p->ik] > LOGK_MAX) {
        *how = NB_K_INFINITE;
        return SC_OK;
    }
    hessian(p, np, x, h);
    if ((rc = invert(np, h, cov, e)))
        return rc;
    memset(out, 0, sizeof *out);
    fill(p, np, x, cov, out);
    return SC_OK;
}

static int check_data(const sc_fit_nb_data *d, sc_error *e)
{
    if (d->n < 3)
        return SC_ERROR(e, SC_EINPUT, "the trend needs at least 3 years of counts, got %d",
                        d->n);
    if (d->n > SC_FIT_MAX_YEARS)
        return SC_ERROR(e, SC_EINPUT, "the trend takes at most %d years, got %d",
                        SC_FIT_MAX_YEARS, d->n);
    double sum = 0;
    for (int i = 0; i < d->n; i++) {
        if (!(d->y[i] >= 0) || !(d->exposure[i] > 0) || !(d->ramp[i] >= 0 && d->ramp[i] <= 1))
            return SC_ERROR(e, SC_EINPUT, "trend data %d: expected a count >= 0, "
                            "SEND-support pupils > 0 and a ramp in [0, 1]", i);
        sum += d->y[i];
    }
    if (!(sum > 0))
        return SC_ERROR(e, SC_EINPUT, "the trend needs some counts above 0, got all 0");
    if (d->fit_effect && !(d->prior_a > 0 && d->prior_b > 0))
        return SC_ERROR(e, SC_EINPUT, "the cluster effect needs a Beta prior (a, b > 0)");
    return SC_OK;
}

static int fit_poisson(const sc_fit_nb_data *d, sc_fit_nb *out, sc_error *e);

int sc_fit_nb_trend(const sc_fit_nb_data *d, sc_fit_nb *out, sc_error *e)
{
    int rc = check_data(d, e);
    if (rc)
        return rc;
    /* GSL's errors come back as statuses (its aborting handler is off:
     * library.h); the handler is not switched here, where threads may be
     * fitting at once (calibrate). */
    nb_problem p = { d, d->k_fixed == 0, d->fit_effect, -1, -1 };
    enum nb_outcome how;
    rc = fit_once(&p, out, &how, e);
    if (rc == SC_OK && how == NB_K_INFINITE)
        rc = fit_poisson(d, out, e);
    return rc;
}

/* The data are no more variable than Poisson: k's maximum is at infinity. */
static int fit_poisson(const sc_fit_nb_data *d, sc_fit_nb *out, sc_error *e)
{
    sc_fit_nb_data pd = *d;
    pd.k_fixed = INFINITY;
    nb_problem pp = { &pd, 0, d->fit_effect, -1, -1 };
    enum nb_outcome how;
    int rc = fit_once(&pp, out, &how, e);
    if (rc == SC_OK && how != NB_FITTED)
        return SC_NEVER(e);   /* k is held, so it cannot run off */
    if (rc == SC_OK)
        out->df = d->n - 3 - d->fit_effect;   /* k was estimated, at its boundary */
    return rc;
}
