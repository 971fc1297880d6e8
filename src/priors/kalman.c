/*
 * kalman.c — the robust state-space filters of model v2 (docs/model.md 4).
 *
 * Two-dimensional states only, written out by hand: GSL has no Kalman filter,
 * and 2x2 algebra in closed form is shorter and faster than matrix calls in a
 * panel fit that runs these filters some 10^6 times.
 */
#include "sendcast/kalman.h"

#include <math.h>

static const double LOG_2PI = 1.8378770664093453;

/* The innovation's log-density term; *S inflated for an outlier (Huber). */
static double robust_term(double e, double *S)
{
    double z = fabs(e) / sqrt(*S);
    double quad = e * e / *S;
    if (z > SC_KALMAN_HUBER) {
        *S *= z / SC_KALMAN_HUBER;
        double rho = SC_KALMAN_HUBER * fabs(e) / sqrt(*S);
        quad = rho < e * e / *S ? rho : e * e / *S;
    }
    return -0.5 * (log(*S) + LOG_2PI + quad);
}

static int usable(double y, double extra)
{
    return !isnan(y) && isfinite(extra);
}

static void clear_state(sc_kalman_state *out)
{
    out->m[0] = out->m[1] = 0;
    out->P[0][0] = out->P[0][1] = out->P[1][0] = out->P[1][1] = 0;
    out->loglik = 0;
    out->nobs = 0;
}

/* Update (m, P) with observation y of h'x, h = (h0, h1), variance r. */
static void update(sc_kalman_state *s, double h0, double h1, double y, double r, int score)
{
    double Ph0 = s->P[0][0] * h0 + s->P[0][1] * h1;
    double Ph1 = s->P[1][0] * h0 + s->P[1][1] * h1;
    double S = h0 * Ph0 + h1 * Ph1 + r;
    double e = y - (h0 * s->m[0] + h1 * s->m[1]);
    double ll = robust_term(e, &S);
    if (score)
        s->loglik += ll;
    double k0 = Ph0 / S, k1 = Ph1 / S;
    s->m[0] += k0 * e;
    s->m[1] += k1 * e;
    double p00 = s->P[0][0] - k0 * Ph0, p01 = s->P[0][1] - k0 * Ph1;
    double p11 = s->P[1][1] - k1 * Ph1;
    s->P[0][0] = p00;
    s->P[0][1] = s->P[1][0] = p01;
    s->P[1][1] = p11;
    s->nobs++;
}

void sc_kalman_trend(const double *z, const double *extra, int n, const sc_trend_hyper *h,
                     sc_kalman_state *out)
{
    const double level_var = h->sigma * h->sigma * h->share;
    const double transient_var = h->sigma * h->sigma * (1 - h->share);
    const double phi = h->phi;
    clear_state(out);
    for (int t = 0; t < n; t++) {
        if (out->nobs > 0) {
            /* x <- [[1, 1], [0, phi]] x + (eta, 0) */
            double p00 = out->P[0][0], p01 = out->P[0][1], p11 = out->P[1][1];
            out->m[0] += out->m[1];
            out->m[1] *= phi;
            out->P[0][0] = p00 + 2 * p01 + p11 + level_var;
            out->P[0][1] = out->P[1][0] = phi * (p01 + p11);
            out->P[1][1] = phi * phi * p11;
        }
        if (!usable(z[t], extra[t]))
            continue;
        double r = transient_var + extra[t];
        if (out->nobs == 0) {
            /* Diffuse start: the level is the first observation. */
            out->m[0] = z[t];
            out->m[1] = 0;
            out->P[0][0] = r;
            out->P[0][1] = out->P[1][0] = 0;
            out->P[1][1] = h->tau_b * h->tau_b;
            out->nobs = 1;
            continue;
        }
        update(out, 1, 0, z[t], r, 1);
    }
}

void sc_kalman_ar(const double *y, const double *extra, int n, const sc_ar_hyper *h,
                  sc_kalman_state *out)
{
    const double rho = h->rho;
    const double innov = h->sd * h->sd * (1 - rho * rho);
    clear_state(out);
    out->P[0][0] = h->tau_a * h->tau_a;
    out->P[1][1] = h->sd * h->sd;
    for (int t = 0; t < n; t++) {
        if (t > 0) {
            /* (a, u) <- (a, rho u + e) */
            out->m[1] *= rho;
            out->P[0][1] = out->P[1][0] = rho * out->P[0][1];
            out->P[1][1] = rho * rho * out->P[1][1] + innov;
        }
        if (!usable(y[t], extra[t]))
            continue;
        update(out, 1, 1, y[t], extra[t], 1);
    }
}
