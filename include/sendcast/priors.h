/*
 * priors.h — model v2's national priors (docs/model.md 5): the national path
 * of requests, plans per request and the stock's net leaving rate by year, and
 * the hyper-parameters that pool every council's deviation from it, fitted on
 * the whole SEN2 panel up to an origin year and shipped as a data file.
 *
 * A panel is handed over as plain series (sc_panel_series), one per council,
 * over consecutive activity years; NaN marks a missing or flagged cell. The
 * fit reads nothing after `last_year`, which is what lets a rolling-origin
 * back-test score years the priors never saw.
 */
#ifndef SENDCAST_PRIORS_H
#define SENDCAST_PRIORS_H

#include <stdio.h>

#include "sendcast/error.h"
#include "sendcast/kalman.h"

/* One council's series (not owned): activity year first_year + i. plans[i]
 * is the stock at the January after year i; plans_before the stock at the
 * January before first_year (NaN when unknown). */
typedef struct sc_panel_series {
    const char *id;
    int first_year, nyears;
    const double *requests, *assessments, *new_plans, *plans;
    double plans_before;
} sc_panel_series;

/* Transformed coordinates of the trend hyper-parameters, in which their
 * posterior is approximately normal: log tau_b, logit phi, log sigma, logit share. */
enum { SC_TH_LOG_TAU_B, SC_TH_LOGIT_PHI, SC_TH_LOG_SIGMA, SC_TH_LOGIT_SHARE, SC_TH_N };

typedef struct sc_priors {
    int origin;                 /* the last year read */
    int first_year, nyears;     /* the national series' years: first_year .. origin */
    int ncouncils;              /* councils with at least one usable value */
    double *growth;             /* [nyears] national mean log growth of requests (NaN: none) */
    double *index;              /* [nyears] cumulative national log index, 0 in first_year */
    double *ratio;              /* [nyears] national mean log plans per request */
    double *netleave;           /* [nyears] national mean net leaving rate */

    double beta_hat, beta_se;   /* national trend: N(beta_hat, beta_se) */
    double delta_nu, delta_s2;  /* national shock variance: Scaled-Inv-chi2(nu, s2) */

    sc_trend_hyper trend;       /* MAP of the request-level filter's hyper-parameters */
    double trend_mode[SC_TH_N]; /* the MAP in transformed coordinates */
    double trend_sd[SC_TH_N];   /* their posterior sd (Laplace) */

    double kappa;               /* response of plans per request to a request surprise */
    double ratio_mean, ratio_mean_se, psi_sd;
    sc_ar_hyper ratio_ar;
    double netleave_mean, netleave_mean_se, chi_sd;
    sc_ar_hyper netleave_ar;
} sc_priors;

/* Fit the priors on series[0..n) using years up to last_year. SC_EINPUT when
 * fewer than 2 years of national request growth or fewer than 10 councils
 * with requests can be used; SC_EFAIL when a minimisation fails. */
int sc_priors_fit(const sc_panel_series *series, int n, int last_year, sc_priors **out,
                  sc_error *e);

void sc_priors_free(sc_priors *p);

/* The national log index of `year`: from the series, extrapolated by
 * beta_hat a year beyond it (and before it). */
double sc_priors_index(const sc_priors *p, int year);

/* The national series value (growth, ratio, netleave arrays) of `year`, NaN outside. */
double sc_priors_at(const sc_priors *p, const double *series, int year);

/* The council's series as the filters see them (model.md 4.1, 4.3, 4.4), for
 * years first_year .. first_year + nyears - 1 of s; each output array holds
 * s->nyears values and its observation variance. */
void sc_priors_request_series(const sc_priors *p, const sc_panel_series *s, double *z, double *var);
void sc_priors_ratio_series(const sc_priors *p, const sc_panel_series *s, double *x, double *var);
void sc_priors_netleave_series(const sc_priors *p, const sc_panel_series *s, double *x, double *var);

/* An empty priors object with nyears national years (every array NaN), for
 * a reader to fill; SC_OK or SC_ENOMEM. */
int sc_priors_alloc(int nyears, sc_priors **out, sc_error *e);
/* A deep copy. SC_OK or SC_ENOMEM. */
int sc_priors_copy(const sc_priors *p, sc_priors **out, sc_error *e);

/* Write the priors as YAML (scenarios/data/national/priors.yaml), after a
 * header of comment lines saying where they came from (`provenance`, lines
 * separated by '\n'). A scenario's `priors:` key reads such a file
 * (src/scenario/priors_file.c). SC_OK, or SC_EFAIL when writing fails. */
int sc_priors_write(const sc_priors *p, FILE *f, const char *provenance, sc_error *e);

#endif
