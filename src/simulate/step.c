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
 *
 * The scenario's levers act here (docs/model.md, "Levers"): on the rates
 * (the year's multipliers, the samplers prepared again where they changed),
 * on requests (diverted, cluster working first), on the placement of new
 * plans, and on capacity after every cluster's step. A lever's own draws
 * come from its own streams (w->lever_rng, keyed by its name), so every
 * other draw is the one the scenario without it makes.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include <gsl/gsl_randist.h>

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
    d->p_assess = fmin(1.0, d->p_assess * w->year.assess);   /* a lever on assessment */

    rho = p->transfer_rho;
    d->w = rho * d->w + p->transfer_sd * sqrt(1 - rho * rho)
                          * std_normal(w, district_stream(w, seed, i, D_TRANSFER, t));
    d->chi = p->national_transfer_sd
           * std_normal(w, district_stream(w, seed, i, D_NATIONAL_TRANSFER, t));
    d->tau = p->net_transfer - d->w - d->chi;
    sim_binomial_prepare(&w->assess, d->p_assess);
}

/* ---- levers (docs/model.md, "Levers") -------------------------------- */

/* The stream of lever l's draws for cluster c (SC_RNG_DISTRICT: the whole
 * district) in year t. */
static gsl_rng *lever_stream(sc_sim_workspace *w, uint64_t seed, long i, const sc_lever *l,
                             int c, int t)
{
    sc_rng_key_sub(&w->lever_rng, seed, (uint64_t)i, SC_PURPOSE_LEVER_STEP, sc_rng_unit(c, t),
                   l->key);
    return &w->lever_rng.gsl;
}

/* The year's multipliers: each lever acting on a rate or a cost multiplies
 * it by 1 + e r_t (several: their product). */
static void levers_year(const sc_scenario *s, sc_sim_workspace *w, int t)
{
    sim_year_levers *y = &w->year;
    y->assess = y->issue = y->esc = y->post16 = y->up = 1;
    for (int pl = 0; pl < SC_NPLACEMENTS; pl++)
        y->cease[pl] = y->unit_cost[pl] = 1;
    for (int b = 0; b < s->nbands; b++)
        y->topup[b] = 1;
    for (int k = 0; k < s->nlevers; k++) {
        const sc_lever *l = &s->levers[k];
        if (l->builtin || !(l->ramp[t] > 0))
            continue;
        double m = 1 + w->params.lever[k] * l->ramp[t];
        switch (l->on) {
        case SC_LEVER_ASSESSMENT: y->assess *= m; break;
        case SC_LEVER_ISSUE: y->issue *= m; break;
        case SC_LEVER_ESCALATION: y->esc *= m; break;
        case SC_LEVER_POST16: y->post16 *= m; break;
        case SC_LEVER_STEP_UP: y->up *= m; break;
        case SC_LEVER_CEASING:
            for (int pl = 0; pl < SC_NPLACEMENTS; pl++)
                if (l->setting < 0 || l->setting == pl)
                    y->cease[pl] *= m;
            break;
        case SC_LEVER_UNIT_COST: y->unit_cost[l->setting] *= m; break;
        case SC_LEVER_TOPUP:
            for (int b = 0; b < s->nbands; b++)
                if (l->bands & (1u << b))
                    y->topup[b] *= m;
            break;
        default: break;   /* requests, placement mix and capacity act on counts */
        }
    }
}

static void prepare_at(sim_binomial *b, double p, double m_now, double *m_prepared)
{
    if (m_now == *m_prepared)
        return;
    sim_binomial_prepare(b, fmin(1.0, p * m_now));
    *m_prepared = m_now;
}

/* The rate samplers whose multiplier changed since they were prepared
 * (model 2 prepares p_assess,t every year itself, with the multiplier). */
static void prepare_rates(sc_sim_workspace *w, int v2)
{
    const sim_params *p = &w->params;
    const sim_year_levers *y = &w->year;
    sim_year_levers *a = &w->applied;
    if (!v2)
        prepare_at(&w->assess, p->p_assess, y->assess, &a->assess);
    prepare_at(&w->issue, p->p_issue, y->issue, &a->issue);
    prepare_at(&w->escalate, p->p_esc, y->esc, &a->esc);
    prepare_at(&w->post16, p->p_post16, y->post16, &a->post16);
    prepare_at(&w->step_up, p->p_up, y->up, &a->up);
    for (int pl = 0; pl < SC_NPLACEMENTS; pl++)
        prepare_at(&w->cease[pl], p->cease[pl], y->cease[pl], &a->cease[pl]);
}

/* 5. Diverted: each lever on requests in turn, from what the ones before it
 * left; cluster working's E_c r_t from its own stream (MODEL.md 3.2 step 5). */
static int64_t diverted(const sc_scenario *s, sc_sim_workspace *w, uint64_t seed, long i,
                        int c, int t, int64_t r0)
{
    sim_flows *f = &w->flows[c];
    int64_t d = 0;
    f->lever_diverted = 0;
    for (int k = 0; k < s->nlevers; k++) {
        const sc_lever *l = &s->levers[k];
        if (l->on != SC_LEVER_REQUESTS)
            continue;
        if (l->builtin) {
            d += binomial(w, sim_stream(w, seed, i, SC_PURPOSE_DIVERSION, c, t),
                          w->params.effect_c[c] * s->ramp[t], r0 - d);
            continue;
        }
        double q = w->params.lever[k] * l->ramp[t];
        if (!(q > 0) || r0 - d <= 0)
            continue;
        int64_t x = binomial(w, lever_stream(w, seed, i, l, c, t), q, r0 - d);
        f->lever_diverted += x;
        d += x;
    }
    return d;
}

/* 7'. A placement_mix lever places a share e r_t of the new plans its `from`
 * setting would get in `to` instead (each lever from what the ones before left). */
static void mix_levers(const sc_scenario *s, sc_sim_workspace *w, uint64_t seed, long i, int c,
                       int t, int64_t *new_place)
{
    w->flows[c].mix_moved = 0;
    for (int k = 0; k < s->nlevers; k++) {
        const sc_lever *l = &s->levers[k];
        double q = w->params.lever[k] * l->ramp[t];
        if (l->on != SC_LEVER_MIX || !(q > 0) || new_place[l->setting] <= 0)
            continue;
        int64_t x = binomial(w, lever_stream(w, seed, i, l, c, t), q, new_place[l->setting]);
        new_place[l->setting] -= x;
        new_place[l->to] += x;
        w->flows[c].mix_moved += x;
    }
}

/* 12. Capacity, after every cluster's step: where a capped setting holds more
 * than its places places_t (1 + e), the year's entrants beyond them (new
 * plans and moves into it, never plans already there) go to the overflow
 * setting instead; which clusters' entrants go is a multivariate
 * hypergeometric draw over the clusters (the lever's district stream). */
static void capacity(const sc_scenario *s, sc_sim_workspace *w, uint64_t seed, long i, int t)
{
    for (int k = 0; k < s->nlevers; k++) {
        const sc_lever *l = &s->levers[k];
        if (l->on != SC_LEVER_CAPACITY || t < l->start || isnan(l->places[t]))
            continue;
        const int from = l->setting, to = l->to;
        double cap = floor(l->places[t] * (1 + w->params.lever[k]));
        int64_t stock = 0, entrants = 0;
        for (int c = 0; c < s->nclusters; c++) {
            stock += w->close[c].place[from];
            entrants += w->flows[c].entered[from];
        }
        if (!((double)stock > cap) || entrants <= 0)
            continue;
        if ((double)entrants > SC_COUNT_MAX) {
            w->overflow = 1;
            return;
        }
        int64_t want = (double)stock - cap < (double)entrants ? stock - (int64_t)cap : entrants;
        int64_t left = entrants;
        gsl_rng *r = lever_stream(w, seed, i, l, SC_RNG_DISTRICT, t);
        for (int c = 0; c < s->nclusters && want > 0; c++) {
            sim_flows *f = &w->flows[c];
            int64_t e = f->entered[from];
            if (e <= 0)
                continue;
            int64_t x = left == e ? want
                      : (int64_t)gsl_ran_hypergeometric(r, (unsigned int)e,
                                                        (unsigned int)(left - e),
                                                        (unsigned int)want);
            left -= e;
            want -= x;
            w->close[c].place[from] -= x;
            w->close[c].place[to] += x;
            f->entered[from] -= x;
            f->entered[to] += x;
            f->capacity_moved[from] -= x;
            f->capacity_moved[to] += x;
        }
    }
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
    levers_year(s, w, t);
    prepare_rates(w, v2);
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

        /* 5. Diverted by cluster working (and the scenario's levers on requests). */
        f->diverted = diverted(s, w, seed, i, c, t, f->requests0);
        f->requests = f->requests0 - f->diverted;

        /* 6. Assessments and new plans. */
        f->assessments = binomial_from(w, sim_stream(w, seed, i, SC_PURPOSE_ASSESSMENT, c, t),
                                       &w->assess, f->requests);
        f->issued = binomial_from(w, sim_stream(w, seed, i, SC_PURPOSE_ISSUE, c, t),
                                  &w->issue, f->assessments);

        /* 7. New plans by placement, new mainstream plans by band. */
        gsl_rng *r = sim_stream(w, seed, i, SC_PURPOSE_PLACEMENT, c, t);
        multinomial(w, r, &w->placement, f->issued, f->new_place);
        mix_levers(s, w, seed, i, c, t, f->new_place);
        multinomial(w, r, &w->band, f->new_place[SC_PL_MAINSTREAM], f->new_band);

        /* 8. Existing stock changes (model 2: then the net flow, its step 10d). */
        change_stock(s, w, seed, i, c, t, st);
        if (v2)
            net_flow(s, w, seed, i, c, t, st);
        else
            f->net_flow = 0;

        /* 9. Stock at the end of the year; what entered each setting (for capacity). */
        for (int b = 0; b < s->nbands; b++)
            st->band[b] += f->new_band[b];
        for (int pl = SC_PL_ARP; pl < SC_NPLACEMENTS; pl++) {
            st->place[pl] += f->new_place[pl];
            f->entered[pl] = f->new_place[pl];
            f->capacity_moved[pl] = 0;
        }
        for (int b = 0; b < s->nbands; b++) {
            f->entered[SC_PL_SPECIAL] += f->to_special[b];
            f->entered[SC_PL_POST16] += f->to_post16[b];
        }
    }
    if (s->nuser_levers)
        capacity(s, w, seed, i, t);
}
