/*
 * kalman.h — the two small state-space filters of model v2 (docs/model.md 4):
 * a council's log request level with a damped trend deviation, and a rate's
 * deviation as a constant offset plus an AR(1) part.
 *
 * Both filters use robust updates: an observation whose standardised
 * innovation |e| / sqrt(S) exceeds SC_KALMAN_HUBER is used with its variance
 * inflated by |e| / (SC_KALMAN_HUBER sqrt(S)), and adds Huber's rho instead
 * of the Gaussian e^2 / S to the log-likelihood, so that one wild published
 * value moves neither the state nor the fitted hyper-parameters far.
 *
 * Series are arrays over consecutive years; NaN marks a missing (or flagged)
 * year, and an observation variance that is not finite drops that year too.
 * Nothing here allocates or fails: the filters are pure arithmetic, called
 * thousands of times by the panel fit.
 */
#ifndef SENDCAST_KALMAN_H
#define SENDCAST_KALMAN_H

#define SC_KALMAN_HUBER 2.5

/* Hyper-parameters of the request-level filter (model.md 4.1). */
typedef struct sc_trend_hyper {
    double tau_b;       /* prior sd of a council's trend deviation */
    double phi;         /* its yearly damping, in [0, 1] */
    double sigma;       /* sd of the council's yearly shock */
    double share;       /* persistent share of sigma^2, in [0, 1] */
} sc_trend_hyper;

/* Hyper-parameters of a rate-deviation filter (model.md 4.3, 4.4). */
typedef struct sc_ar_hyper {
    double tau_a;       /* prior sd of the council's constant offset */
    double rho;         /* AR(1) coefficient of the moving part, in [0, 1) */
    double sd;          /* stationary sd of the moving part */
} sc_ar_hyper;

/* What a filter ends with: the state's mean and covariance after the last
 * year used, the log-likelihood of the innovations (the first observation of
 * the trend filter is diffuse and adds nothing), and how many observations
 * were used. */
typedef struct sc_kalman_state {
    double m[2];
    double P[2][2];
    double loglik;
    int nobs;
} sc_kalman_state;

/* The trend filter over z[0..n) with observation variances extra[0..n) added
 * to the transient one. State (level, trend deviation). nobs 0: no data, and
 * m, P are zero. */
void sc_kalman_trend(const double *z, const double *extra, int n, const sc_trend_hyper *h,
                     sc_kalman_state *out);

/* The offset + AR(1) filter over y[0..n) with sampling variances extra[0..n):
 * state (offset a, moving part u), observation a + u. Starts from (0, 0) with
 * variances (tau_a^2, sd^2). */
void sc_kalman_ar(const double *y, const double *extra, int n, const sc_ar_hyper *h,
                  sc_kalman_state *out);

#endif
