/*
 * council.c — a council's model v2 parameters from its own history, pooled
 * towards the national priors by the filters of docs/model.md 4.
 */
#include "sendcast/council.h"

#include <math.h>

#include "sendcast/alloc.h"

void sc_council_logit_normal_moments(double mu, double sd, double *mean, double *out_sd)
{
    /* Trapezoid over +-8 sd: the integrand is smooth and negligible beyond. */
    const int n = 2000;
    if (!(sd > 0)) {
        *mean = 1 / (1 + exp(-mu));
        *out_sd = 0;
        return;
    }
    double s0 = 0, s1 = 0, s2 = 0, h = 16.0 / n;
    for (int i = 0; i <= n; i++) {
        double z = -8 + i * h, w = exp(-0.5 * z * z) * (i == 0 || i == n ? 0.5 : 1);
        double v = 1 / (1 + exp(-(mu + sd * z)));
        s0 += w;
        s1 += w * v;
        s2 += w * v * v;
    }
    *mean = s1 / s0;
    double var = s2 / s0 - *mean * *mean;
    *out_sd = var > 0 ? sqrt(var) : 0;
}

typedef void (*council_series)(const sc_priors *p, const sc_panel_series *s, double *x, double *var);

static int run_filter(const sc_priors *p, const sc_panel_series *s, int base_year,
                      council_series make, const sc_trend_hyper *th, const sc_ar_hyper *ah,
                      sc_kalman_state *st, sc_error *e)
{
    int len = base_year - s->first_year + 1;
    if (len <= 0 || len > s->nyears)
        return SC_ERROR(e, SC_EINPUT, "%s: base year %d is outside its history %d-%d", s->id,
                        base_year, s->first_year, s->first_year + s->nyears - 1);
    double *x = sc_calloc((size_t)s->nyears, sizeof *x), *var = sc_calloc((size_t)s->nyears, sizeof *var);
    if (!x || !var) {
        sc_free(x);
        sc_free(var);
        return SC_ERROR(e, SC_ENOMEM, "out of memory fitting %s", s->id);
    }
    make(p, s, x, var);
    if (th)
        sc_kalman_trend(x, var, len, th, st);
    else
        sc_kalman_ar(x, var, len, ah, st);
    sc_free(x);
    sc_free(var);
    return SC_OK;
}

int sc_council_fit_compute(const sc_priors *p, const sc_panel_series *s, int base_year,
                           sc_council_fit *out, sc_error *e)
{
    *out = (sc_council_fit){ .base_year = base_year };
    int nreq = 0;
    for (int i = 0; i < s->nyears && s->first_year + i <= base_year; i++)
        nreq += s->requests[i] > 0;
    if (nreq < 3)
        return SC_ERROR(e, SC_EINPUT, "%s has %d year%s of requests up to %d; the model needs "
                        "at least 3", s->id, nreq, nreq == 1 ? "" : "s", base_year);
    out->nrequests = nreq;

    sc_kalman_state st;
    int rc = run_filter(p, s, base_year, sc_priors_request_series, &p->trend, NULL, &st, e);
    if (rc)
        return rc;
    out->conv_mean[0] = st.m[0] + sc_priors_index(p, base_year);
    out->conv_mean[1] = st.m[1];
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++)
            out->conv_cov[i][j] = st.P[i][j];

    out->trend_mean = p->beta_hat;
    out->trend_sd = p->beta_se;
    out->shock_nu = p->delta_nu;
    out->shock_s2 = p->delta_s2;
    out->shock_sd = p->trend.sigma;
    sc_council_logit_normal_moments(p->trend_mode[SC_TH_LOGIT_PHI], p->trend_sd[SC_TH_LOGIT_PHI],
                                    &out->damping_mean, &out->damping_sd);
    sc_council_logit_normal_moments(p->trend_mode[SC_TH_LOGIT_SHARE],
                                    p->trend_sd[SC_TH_LOGIT_SHARE], &out->persistence_mean,
                                    &out->persistence_sd);

    rc = run_filter(p, s, base_year, sc_priors_ratio_series, NULL, &p->ratio_ar, &st, e);
    if (rc)
        return rc;
    out->ratio_log_mean = p->ratio_mean + st.m[0];
    out->ratio_log_sd = sqrt(p->ratio_mean_se * p->ratio_mean_se + st.P[0][0]);
    out->assess_dev_mean = st.m[1];
    out->assess_dev_sd = sqrt(fmax(st.P[1][1], 0));
    out->assess_rho = p->ratio_ar.rho;
    out->assess_sd = p->ratio_ar.sd;
    out->national_assess_sd = p->psi_sd;
    out->kappa = p->kappa;

    rc = run_filter(p, s, base_year, sc_priors_netleave_series, NULL, &p->netleave_ar, &st, e);
    if (rc)
        return rc;
    out->netleave_mean = p->netleave_mean + st.m[0];
    out->netleave_sd = sqrt(p->netleave_mean_se * p->netleave_mean_se + st.P[0][0]);
    out->transfer_rho = p->netleave_ar.rho;
    out->transfer_sd = p->netleave_ar.sd;
    out->national_transfer_sd = p->chi_sd;
    return SC_OK;
}
