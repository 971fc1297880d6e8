/*
 * council.h — one council's model v2 parameters from its history and the
 * national priors (docs/model.md 4): the filtered request level and trend
 * deviation, the national trend and shock, damping and the shock's persistent
 * share, the level and current deviation of plans per request, and the net
 * leaving rate of its stock.
 *
 * Pure arithmetic on an sc_panel_series; the scenario's `dist: fit` turns the
 * result into parameter distributions.
 */
#ifndef SENDCAST_COUNCIL_H
#define SENDCAST_COUNCIL_H

#include "sendcast/error.h"
#include "sendcast/priors.h"

typedef struct sc_council_fit {
    int base_year;
    int nrequests;                  /* years of requests used (>= 3) */
    double conv_mean[2];            /* (level, trend deviation) at the base year */
    double conv_cov[2][2];
    double trend_mean, trend_sd;    /* national_trend ~ N */
    double shock_nu, shock_s2;      /* national_shock ~ Scaled-Inv-chi2 */
    double damping_mean, damping_sd;        /* phi's posterior */
    double shock_sd;                        /* sigma */
    double persistence_mean, persistence_sd;/* share's posterior */
    double ratio_log_mean, ratio_log_sd;    /* log of the council's plans per request */
    double assess_dev_mean, assess_dev_sd;  /* u0 */
    double assess_rho, assess_sd, national_assess_sd, kappa;
    double netleave_mean, netleave_sd;      /* the council's net leaving rate */
    double transfer_rho, transfer_sd, national_transfer_sd;
} sc_council_fit;

/* Fit council s at base_year (its last year of requests used; later years are
 * ignored). SC_EINPUT (naming s->id) when it has fewer than 3 years of
 * requests up to base_year, or no plans in place at base_year. */
int sc_council_fit_compute(const sc_priors *p, const sc_panel_series *s, int base_year,
                           sc_council_fit *out, sc_error *e);

/* Mean and sd of logistic(X), X ~ N(mu, sd^2), by quadrature. */
void sc_council_logit_normal_moments(double mu, double sd, double *mean, double *out_sd);

#endif
