/*
 * step.c — one year of one trajectory: the year step of MODEL.md 3.2 for every
 * cluster, then the money of 3.3.
 *
 * Every draw comes from a stream keyed by (trajectory, purpose, cluster, year),
 * so a change in one cluster's or one year's counts shifts no other draw.
 * Draws whose outcome is certain (a count of zero, a probability of 0 or 1)
 * are skipped: MODEL.md allows it, as the joint distribution is unchanged.
 * Counts are int64; the GSL samplers take unsigned int, so any count or mean
 * beyond 2^31 marks the trajectory as overflowed instead of wrapping.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "sim_internal.h"

#define SC_COUNT_MAX 2147483647.0

/* Whether Binomial(n, p) is certain, and its value if so: such draws are
 * skipped, and counts beyond the samplers' unsigned int range mark the
 * trajectory as overflowed. */
static int binomial_certain(sc_sim_workspace *w, double p, int64_t n, int64_t *value)
{
    *value = 0;
    if (n <= 0 || !(p > 0))
        return 1;
    if (p >= 1) {
        *value = n;
        return 1;
    }
    if ((double)n > SC_COUNT_MAX) {
        w->overflow = 1;
        return 1;
    }
    return 0;
}

static int64_t binomial(sc_sim_workspace *w, gsl_rng *r, double p, int64_t n)
{
    int64_t x;
    if (binomial_certain(w, p, n, &x))
        return x;
    return (int64_t)sim_draw_binomial(&w->draws, r, p, (unsigned int)n);
}

/* The same draw from a sampler prepared for this trajectory's probability. */
static int64_t binomial_from(sc_sim_workspace *w, gsl_rng *r, sim_binomial *b, int64_t n)
{
    int64_t x;
    if (binomial_certain(w, b->p, n, &x))
        return x;
    return (int64_t)sim_draw_binomial_from(&w->draws, b, r, (unsigned int)n);
}

/* Multinomial(n, prob) from a prepared sampler into out; a zero count skips the draw. */
static void multinomial(sc_sim_workspace *w, gsl_rng *r, sim_multinomial *m, int64_t n,
                        int64_t *out)
{
    unsigned int tmp[SC_MAX_DIM];
    if (n <= 0 || (double)n > SC_COUNT_MAX) {
        w->overflow |= n > 0;
        memset(out, 0, (size_t)m->k * sizeof *out);
        return;
    }
    sim_draw_multinomial_from(&w->draws, m, r, (unsigned int)n, tmp);
    for (int j = 0; j < m->k; j++)
        out[j] = tmp[j];
}

/* R0 ~ NegBin(mean, k) as the Gamma-Poisson mixture; Poisson when k is
 * infinite. The Poisson mean L is kept in *lambda for the trace. */
static int64_t would_be_requests(sc_sim_workspace *w, gsl_rng *r, double mean, double k,
                                 double *lambda_out)
{
    *lambda_out = 0;
    if (!(mean > 0))
        return 0;
    double lambda = isinf(k) ? mean : sim_draw_gamma(&w->draws, r, k, mean / k);
    *lambda_out = lambda;
    if (!(lambda < SC_COUNT_MAX)) {
        w->overflow = 1;
        return 0;
    }
    return lambda > 0 ? (int64_t)sim_draw_poisson(&w->draws, r, lambda) : 0;
}

/* ---- model 2's district factors (docs/model.md 3, steps 1-6) ---------- */

/* Each factor has a stream of its own, keyed by (factor, year), so that a
 * change to one factor's distribution leaves every other draw as it was. */
enum { D_NATIONAL, D_LEVEL, D_TRANSIENT, D_ASSESS, D_NATIONAL_ASSESS, D_TRANSFER,
       D_NATIONAL_TRANSFER };

static gsl_rng *district_stream(sc_sim_workspace *w, uint64_t seed, long i, int factor, int t)
{
    return sim_stream(w, seed, i, SC_PURPOSE_DISTRICT, factor, t);
}

static double std_normal(sc_sim_workspace *w, gsl_rng *r)
{
    return sim_draw_gaussian(&w->draws, r, 1.0);
}

/* ln G, G ~ Gamma(k, 1/k) with k = 1 / transient variance; 0 when there is none. */
static double log_transient(sc_sim_workspace *w, uint64_t seed, long i, int t)
{
    const sim_params *p = &w->params;
    double var = p->shock_sd * p->shock_sd * (1 - p->persistence);
    if (!(var > 0))
        return 0;
    double k = 1 / var;
    return log(sim_draw_gamma(&w->draws, district_stream(w, seed, i, D_TRANSIENT, t), k, 1 / k));
}

void sim_district_start(sc_sim_workspace *w, uint64_t seed, long i)
{
    const sim_params *p = &w->params;
    sim_district *d = &w->district;
    *d = (sim_district){ .level = p->alpha, .trend_dev = p->beta, .u = p->assess_dev0 };
    d->log_g = log_transient(w, seed, i, 0);
}

/* The year's district factors: level and trend, the transient multiplier, the
 * request surprise, p_assess,t and tau_t. */
static void district_year(sc_sim_workspace *w, uint64_t seed, long i, int t)
{
    const sim_params *p = &w->params;
    sim_district *d = &w->district;
    d->delta = sqrt(p->national_var) * std_normal(w, district_stream(w, seed, i, D_NATIONAL, t));
    d->eta = p->shock_sd * sqrt(p->persistence)
           * std_normal(w, district_stream(w, seed, i, D_LEVEL, t));
    d->level += p->national_trend + d->trend_dev + d->delta + d->eta;
    d->trend_dev *= p->phi;
    double log_g = log_transient(w, seed, i, t);
    /* The year's request surprise, national and the council's own; the
     * national shock psi of plans per request is estimated with this
     * response taken out (docs/model.md 5). */
    d->omega = d->delta + d->eta + log_g - d->log_g;
    d->log_g = log_g;

    double rho = p->assess_rho;
    d->u = rho * d->u + p->assess_sd * sqrt(1 - rho * rho)
                          * std_normal(w, district_stream(w, seed, i, D_ASSESS, t));
    d->psi = p->national_assess_sd * std_normal(w, district_stream(w, seed, i, D_NATIONAL_ASSESS, t));
    d->p_assess = fmin(1.0, p->p_assess * exp(d->u + d->psi - p->kappa * d->omega));

    rho = p->transfer_rho;
    d->w = rho * d->w + p->transfer_sd * sqrt(1 - rho * rho)
                          * std_normal(w, district_stream(w, seed, i, D_TRANSFER, t));
    d->chi = p->national_transfer_sd
           * std_normal(w, district_stream(w, seed, i, D_NATIONAL_TRANSFER, t));
    d->tau = p->net_transfer - d->w - d->chi;
    sim_binomial_prepare(&w->assess, d->p_assess);
}

/* g_t = 1 + phi + ... + phi^(t-1): the damped trend (= t when phi = 1). */
static double damped_trend(double phi, int t)
{
    double g = 0, term = 1;
    for (int j = 0; j < t; j++) {
        g += term;
        term *= phi;
    }
    return g;
}

/* 8. Existing stock changes: ceasing, then escalation and post-16, then step-up. */
static void change_stock(const sc_scenario *s, sc_sim_workspace *w, uint64_t seed, long i, int c,
                         int t, sim_stock *st)
{
    const int nb = s->nbands;

    sim_flows *f = &w->flows[c];

    gsl_rng *r = sim_stream(w, seed, i, SC_PURPOSE_CEASING, c, t);
    f->ceased = f->ceased_place[SC_PL_MAINSTREAM] = 0;
    for (int pl = SC_PL_ARP; pl < SC_NPLACEMENTS; pl++) {
        st->place[pl] -= f->ceased_place[pl] = binomial_from(w, r, &w->cease[pl], st->place[pl]);
        f->ceased += f->ceased_place[pl];
    }
    for (int b = 0; b < nb; b++) {
        st->band[b] -= f->ceased_band[b] = binomial_from(w, r, &w->cease[SC_PL_MAINSTREAM], st->band[b]);
        f->ceased_place[SC_PL_MAINSTREAM] += f->ceased_band[b];
    }
    f->ceased += f->ceased_place[SC_PL_MAINSTREAM];

    r = sim_stream(w, seed, i, SC_PURPOSE_ESCALATION, c, t);
    for (int b = 0; b < nb; b++) {
        f->to_special[b] = binomial_from(w, r, &w->escalate, st->band[b]);
        f->to_post16[b] = binomial_from(w, r, &w->post16, st->band[b] - f->to_special[b]);
        st->band[b] -= f->to_special[b] + f->to_post16[b];
        st->place[SC_PL_SPECIAL] += f->to_special[b];
        st->place[SC_PL_POST16] += f->to_post16[b];
    }

    /* Every u_b is drawn from the counts after escalation, then all move at once. */
    r = sim_stream(w, seed, i, SC_PURPOSE_STEP_UP, c, t);
    f->step_up[nb - 1] = 0;
    for (int b = 0; b + 1 < nb; b++)
        f->step_up[b] = binomial_from(w, r, &w->step_up, st->band[b]);
    for (int b = 0; b + 1 < nb; b++) {
        st->band[b] -= f->step_up[b];
        st->band[b + 1] += f->step_up[b];
    }
}

/* Model 2, step 10d: the net flow tau_t n into (or out of) every count n. */
static int64_t net_flow_of(sc_sim_workspace *w, gsl_rng *r, double tau, int64_t n)
{
    if (n <= 0 || tau == 0)
        return 0;
    if (tau < 0)
        return -binomial(w, r, fmin(1.0, -tau), n);
    double mean = tau * (double)n;
    if (!(mean < SC_COUNT_MAX)) {
        w->overflow = 1;
        return 0;
    }
    return (int64_t)sim_draw_poisson(&w->draws, r, mean);
}

static void net_flow(const sc_scenario *s, sc_sim_workspace *w, uint64_t seed, long i, int c,
                     int t, sim_stock *st)
{
    gsl_rng *r = sim_stream(w, seed, i, SC_PURPOSE_NET_FLOW, c, t);
    double tau = w->district.tau;
    int64_t total = 0;
    for (int pl = SC_PL_ARP; pl < SC_NPLACEMENTS; pl++) {
        int64_t x = net_flow_of(w, r, tau, st->place[pl]);
        st->place[pl] += x;
        total += x;
    }
    for (int b = 0; b < s->nbands; b++) {
        int64_t x = net_flow_of(w, r, tau, st->band[b]);
        st->band[b] += x;
        total += x;
    }
    w->flows[c].net_flow = total;
}

void sim_year_step(const sc_scenario *s, sc_sim_workspace *w, uint64_t seed, long i, int t)
{
    const sim_params *p = &w->params;
    const int v2 = s->model == 2;
    /* The year's factors, the same for every cluster: model 1's steps 1-3;
     * model 2's district factors (requests per SEND-support pupil exp(l_t),
     * with the year's transient multiplier G_t in place of model 1's
     * per-cluster Gamma: k infinite below). */
    if (v2)
        district_year(w, seed, i, t);
    const double growth = pow(1 + s->pupil_growth, t);
    const double drift = exp(p->drift * t);
    const double rate = v2 ? exp(w->district.level + w->district.log_g)
                           : exp(p->alpha + p->beta * damped_trend(p->phi, t));
    const double k = v2 ? INFINITY : p->k;

    for (int c = 0; c < s->nclusters; c++) {
        const sc_cluster *cl = &s->clusters[c];
        sim_flows *f = &w->flows[c];
        sim_stock *st = &w->close[c];
        *st = w->open[c];

        /* 1-3. Pupils, SEND-support pupils, would-be conversion rate. */
        double pupils = cl->pupils * growth;
        f->send_support = pupils * cl->send_support_share * drift;
        f->q0 = cl->need_index * rate;

        /* 4. Would-be requests. */
        f->requests0 = would_be_requests(w, sim_stream(w, seed, i, SC_PURPOSE_REQUESTS, c, t),
                                         f->send_support * f->q0, k, &f->lambda);

        /* 5. Diverted by cluster working. */
        f->diverted = binomial(w, sim_stream(w, seed, i, SC_PURPOSE_DIVERSION, c, t),
                               p->effect_c[c] * s->ramp[t], f->requests0);
        f->requests = f->requests0 - f->diverted;

        /* 6. Assessments and new plans. */
        f->assessments = binomial_from(w, sim_stream(w, seed, i, SC_PURPOSE_ASSESSMENT, c, t),
                                       &w->assess, f->requests);
        f->issued = binomial_from(w, sim_stream(w, seed, i, SC_PURPOSE_ISSUE, c, t),
                                  &w->issue, f->assessments);

        /* 7. New plans by placement, new mainstream plans by band. */
        gsl_rng *r = sim_stream(w, seed, i, SC_PURPOSE_PLACEMENT, c, t);
        multinomial(w, r, &w->placement, f->issued, f->new_place);
        multinomial(w, r, &w->band, f->new_place[SC_PL_MAINSTREAM], f->new_band);

        /* 8. Existing stock changes (model 2: then the net flow, its step 10d). */
        change_stock(s, w, seed, i, c, t, st);
        if (v2)
            net_flow(s, w, seed, i, c, t, st);
        else
            f->net_flow = 0;

        /* 9. Stock at the end of the year. */
        for (int b = 0; b < s->nbands; b++)
            st->band[b] += f->new_band[b];
        for (int pl = SC_PL_ARP; pl < SC_NPLACEMENTS; pl++)
            st->place[pl] += f->new_place[pl];
    }
}
