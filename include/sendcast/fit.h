/*
 * fit.h — fitting parameters from the council's history (MODEL.md 5).
 *
 * The fit stage runs between reading the scenario and simulating it. It makes
 * the run's parameters (params.h) from the scenario, which it leaves as read:
 * every parameter the scenario gives as `dist: fit` is resolved to the
 * distribution its history supports, and each such sc_dist gets its
 * `fitted_from` text (the columns and years it came from):
 *
 *   conversion   bivariate normal of (alpha, beta): the negative-binomial
 *                trend of requests per SEND-support pupil, maximum likelihood
 *                (GSL Nelder-Mead simplex), covariance = inverse observed
 *                information (finite-difference Hessian, GSL Cholesky);
 *   dispersion   fixed at the fitted k (Poisson when the fit runs to k = inf);
 *   p_assess, p_issue, cease_*   conjugate Beta posteriors (prior Beta(0.5,
 *                0.5) unless the scenario gives one) on the counts summed
 *                over the window's years: a year whose count is above its
 *                denominator (more assessments than requests, a lag across
 *                the calendar year) is kept and listed (nover, over_year);
 *                p_assess is agreed/requests where some year has both, else
 *                completed assessments/requests;
 *   placement_mix, band_mix      Dirichlet(0.5 + base-year stock);
 *   cluster_effect   MAP of the joint trend + E likelihood (factor 1 - E r_y
 *                in years with cluster working) with the scenario's Beta
 *                prior, Laplace on the logit scale, expressed as the Beta of
 *                the same mean and sd; the prior itself when no history year
 *                had cluster working.
 *
 * Data outside the window (from/to, and the `until` year of a back-test),
 * missing cells and excluded cells are left out; what was used is reported.
 */
#ifndef SENDCAST_FIT_H
#define SENDCAST_FIT_H

#include <stdio.h>

#include "sendcast/error.h"
#include "sendcast/params.h"
#include "sendcast/scenario.h"

#define SC_FIT_MAX_YEARS 64

/* The data of one negative-binomial trend fit:
 *   y_i ~ NegBin(mean exposure_i * exp(alpha + beta t_i) * (1 - E ramp_i), k). */
typedef struct sc_fit_nb_data {
    int n;
    double y[SC_FIT_MAX_YEARS];         /* counts */
    double t[SC_FIT_MAX_YEARS];         /* year - base year */
    double exposure[SC_FIT_MAX_YEARS];  /* SEND-support pupils (x any multiplier) */
    double ramp[SC_FIT_MAX_YEARS];      /* cluster working r_y in [0, 1] */
    double k_fixed;         /* > 0: k held there (INFINITY: Poisson); 0: estimated */
    int fit_effect;         /* 1: estimate E with the Beta(prior_a, prior_b) prior */
    double prior_a, prior_b;
    double effect_fixed;    /* E when not estimated */
} sc_fit_nb_data;

typedef struct sc_fit_nb {
    double alpha, beta, k, effect;
    double cov[2][2];       /* of (alpha, beta): inverse observed information */
    double se_alpha, se_beta;
    double se_logk;         /* sd of log k; NaN when k was held or is infinite */
    double k_lo, k_hi;      /* 95% interval of k, exp(log k +- 1.96 se) */
    double effect_sd;       /* posterior sd of E (Laplace on logit, then moments) */
    double effect_a, effect_b;   /* the Beta with that mean and sd */
    double loglik, deviance, pearson;
    int df;                 /* n - parameters estimated */
    double mu[SC_FIT_MAX_YEARS], resid[SC_FIT_MAX_YEARS];   /* fitted mean, Pearson residual */
    int poisson;            /* 1: k ran to infinity (or was held there) */
} sc_fit_nb;

/* Maximum likelihood (MAP when fit_effect) of the trend; when k's maximum is
 * at infinity, the Poisson fit (out->poisson). Returns SC_OK; SC_EINPUT with
 * fewer than 3 or more than SC_FIT_MAX_YEARS years, a negative count, pupils
 * <= 0 or a ramp outside [0, 1], no positive count, or an effect to fit
 * without its prior; SC_EFAIL when no parameters give the data a positive
 * likelihood, or the information matrix at the optimum is not positive
 * definite (the data do not identify the parameters); SC_ENOMEM. Each with
 * its own message (tests/test_fit.c). */
int sc_fit_nb_trend(const sc_fit_nb_data *d, sc_fit_nb *out, sc_error *e);

/* What one fit did, for the report. */
typedef struct sc_fit_result {
    int fitted[SC_NPARAMS];         /* 1 where the parameter was fitted */
    int n[SC_NPARAMS];              /* years of data used */
    int after_until[SC_NPARAMS];    /* 1: a rate history has no year of up to `until`,
                                       fitted on the later years instead (back-tests) */
    /* Years where a rate's count was above its denominator (more assessments
     * than requests: a lag across the calendar year, not an error). Rates
     * are fitted on sums over the window's years (MODEL.md 5.2), so such a
     * year counts like any other; when even the sums are above, the rate is
     * fitted as though every one of the denominator was counted (capped). */
    int nover[SC_NPARAMS];
    int over_year[SC_NPARAMS][SC_FIT_MAX_YEARS];
    int capped[SC_NPARAMS];
    int have_trend;
    sc_fit_nb trend;
    sc_fit_nb_data trend_data;
    int trend_year[SC_FIT_MAX_YEARS];
    int trend_on_plans;             /* 1: the 5.1 fallback on plans_issued */
    int ss_from_history;            /* 1: SEND-support pupils from history */
    double ss_base;                 /* base-year SEND-support pupils used otherwise */
    /* Model 2 (fit_v2.c): the council's filtered series and pooled parameters. */
    int have_model2;
    double m2_level, m2_trend_dev, m2_level_sd;     /* conversion at the base year */
    double m2_netleave, m2_cease_mean;  /* the council's net leaving and cease rates */
    int m2_years[2];                    /* first and last year of requests used */
    int m2_nrequests;
    int m2_priors_origin, m2_priors_councils;
} sc_fit_result;

/* The parameters of a run of s (*out, the caller's to sc_params_free): the
 * scenario's distributions with every `dist: fit` fitted on history years
 * <= until (0: no limit) (a rate with no year <= until and no prior is fitted
 * on all its years and flagged in after_until, rather than refused: see
 * docs/validation.md), and the fitted numbers in the parameters' register
 * (the result file's /inputs) with the parameter's status. s is not changed.
 * result may be NULL. Returns SC_OK (also when nothing is to be fitted: *out
 * is then the scenario's own distributions); SC_EINPUT naming the history
 * file, row and column when the data cannot support a fit; SC_EFAIL,
 * SC_ENOMEM. *out is NULL on failure. */
int sc_fit_params(const sc_scenario *s, int until, sc_params **out, sc_fit_result *result,
                  sc_error *e);

/* The same with the national priors of model 2 given (NULL: the scenario's
 * own `priors:`): how a rolling-origin back-test fits each origin on priors
 * that saw nothing after it. */
int sc_fit_params_with(const sc_scenario *s, const struct sc_priors *priors, int until,
                       sc_params **out, sc_fit_result *result, sc_error *e);

/* Does the scenario have any `dist: fit`? */
int sc_fit_needed(const sc_scenario *s);

/* The readable table of `sendcast fit`. */
void sc_fit_print(FILE *out, const sc_scenario *s, const sc_params *p, const sc_fit_result *r);

#endif
