/*
 * params.c — a trajectory's parameter draws, MODEL.md 3.1, in the table's order,
 * from the run's resolved parameters (params.h).
 *
 * Each parameter has its own stream (purpose = its enum sc_param_id), so a
 * scenario that changes one parameter's distribution leaves every other
 * parameter's draw unchanged. A lever's effect has its own too, keyed by its
 * name (SC_PURPOSE_LEVER, sub = its key): a scenario with a lever shares every
 * other draw with the scenario without it.
 */
#include <math.h>

#include <gsl/gsl_cdf.h>

#include "sim_internal.h"

static double draw_scalar(sim_draws *dr, const sc_dist *d, int id, gsl_rng *r)
{
    switch (d->kind) {
    case SC_DIST_FIXED:
        return d->value[0];
    case SC_DIST_BETA:
        return sim_draw_beta(dr, r, d->p[0], d->p[1]);
    case SC_DIST_NORMAL:
        return d->p[1] > 0 ? d->p[0] + sim_draw_gaussian(dr, r, d->p[1]) : d->p[0];
    case SC_DIST_GAMMA:
        return sim_draw_gamma(dr, r, d->p[0], d->p[1]);
    case SC_DIST_POISSON:
        return INFINITY;
    case SC_DIST_SCALED_INV_CHI2:   /* nu s^2 / X, X ~ chi^2(nu) = Gamma(nu/2, 2) */
        return d->p[0] * d->p[1] / sim_draw_gamma(dr, r, 0.5 * d->p[0], 2.0);
    default:   /* left out: the table's default (validation allowed it) */
        return id == SC_P_DISPERSION ? INFINITY : sc_param_table[id].default_value;
    }
}

static void draw_vector(sim_draws *dr, const sc_dist *d, gsl_rng *r, double *out)
{
    if (d->kind == SC_DIST_DIRICHLET) {
        sim_draw_dirichlet(dr, r, d->dim, d->value, out);
        return;
    }
    for (int j = 0; j < d->dim; j++)
        out[j] = d->value[j];
}

/* (alpha, beta) from a bivariate normal; a zero variance makes that margin fixed. */
static void draw_conversion(sim_draws *dr, const sc_dist *d, gsl_rng *r, double *alpha,
                            double *beta)
{
    *alpha = d->value[0];
    *beta = d->value[1];
    if (d->kind != SC_DIST_BVNORMAL)
        return;
    double sx = sqrt(d->cov[0][0]), sy = sqrt(d->cov[1][1]);
    double x = 0, y = 0;
    if (sx > 0 && sy > 0) {
        sim_draw_bvgaussian(dr, r, sx, sy, d->cov[0][1] / (sx * sy), &x, &y);
    } else {
        x = sx > 0 ? sim_draw_gaussian(dr, r, sx) : 0;
        y = sy > 0 ? sim_draw_gaussian(dr, r, sy) : 0;
    }
    *alpha += x;
    *beta += y;
}

static gsl_rng *param_stream(sc_sim_workspace *w, uint64_t seed, long i, enum sc_param_id id)
{
    sc_rng_key(&w->rng, seed, (uint64_t)i, (uint32_t)id, 0);
    return &w->rng.gsl;
}

static double scalar(const sc_params *params, sc_sim_workspace *w, uint64_t seed, long i,
                     enum sc_param_id id)
{
    return draw_scalar(&w->draws, sc_params_dist(params, id), id, param_stream(w, seed, i, id));
}

/* docs/model.md 2, rows 2-6, 9-13 and 16-19, and the district state they start. */
static void draw_model2(const sc_params *params, sc_sim_workspace *w, uint64_t seed, long i)
{
    sim_params *p = &w->params;
    p->national_trend = scalar(params, w, seed, i, SC_P_NATIONAL_TREND);
    p->national_var = scalar(params, w, seed, i, SC_P_NATIONAL_SHOCK);
    p->shock_sd = scalar(params, w, seed, i, SC_P_SHOCK_SD);
    p->persistence = scalar(params, w, seed, i, SC_P_SHOCK_PERSISTENCE);
    p->assess_dev0 = scalar(params, w, seed, i, SC_P_ASSESS_DEVIATION);
    p->assess_rho = scalar(params, w, seed, i, SC_P_ASSESS_PERSISTENCE);
    p->assess_sd = scalar(params, w, seed, i, SC_P_ASSESS_SD);
    p->national_assess_sd = scalar(params, w, seed, i, SC_P_NATIONAL_ASSESS_SD);
    p->kappa = scalar(params, w, seed, i, SC_P_ASSESS_RESPONSE);
    p->net_transfer = scalar(params, w, seed, i, SC_P_NET_TRANSFER);
    p->transfer_rho = scalar(params, w, seed, i, SC_P_TRANSFER_PERSISTENCE);
    p->transfer_sd = scalar(params, w, seed, i, SC_P_TRANSFER_SD);
    p->national_transfer_sd = scalar(params, w, seed, i, SC_P_NATIONAL_TRANSFER_SD);
    sim_district_start(w, seed, i);
}

/* A lever's effect by inversion of its distribution at one uniform u of its
 * stream (docs/model.md, "Levers"): a trajectory's effect then moves
 * monotonically with the distribution's mean, so a goal seek over it on
 * common random numbers sees a monotone answer. Draws are kept in the
 * lever's domain: a share in [0, 1], a relative change at least -1. */
static double lever_effect(const sc_lever *l, sc_sim_workspace *w, uint64_t seed, long i)
{
    const sc_dist *d = &l->effect;
    if (d->kind == SC_DIST_FIXED)
        return d->value[0];
    sc_rng_key_sub(&w->rng, seed, (uint64_t)i, SC_PURPOSE_LEVER, 0, l->key);
    double u = gsl_rng_uniform_pos(&w->rng.gsl), x;
    switch (d->kind) {
    case SC_DIST_UNIFORM:
        x = d->p[0] + u * (d->p[1] - d->p[0]);
        break;
    case SC_DIST_BETA:
        x = gsl_cdf_beta_Pinv(u, d->p[0], d->p[1]);
        break;
    case SC_DIST_NORMAL:
        x = d->p[0] + d->p[1] * gsl_cdf_ugaussian_Pinv(u);
        break;
    default:
        x = d->value[0];
    }
    if (l->on == SC_LEVER_REQUESTS || l->on == SC_LEVER_MIX)
        return x < 0 ? 0 : x > 1 ? 1 : x;
    return x < -1 ? -1 : x;
}

/* Every lever's effect; cluster working's is E_c, drawn above. */
static void draw_levers(const sc_scenario *s, sc_sim_workspace *w, uint64_t seed, long i)
{
    for (int k = 0; k < s->nlevers; k++)
        w->params.lever[k] = s->levers[k].builtin ? w->params.effect
                                                  : lever_effect(&s->levers[k], w, seed, i);
}

void sim_params_draw(const sc_scenario *s, const sc_params *params, sc_sim_workspace *w,
                     uint64_t seed, long i)
{
    sim_params *p = &w->params;

    draw_conversion(&w->draws, sc_params_dist(params, SC_P_CONVERSION),
                    param_stream(w, seed, i, SC_P_CONVERSION), &p->alpha, &p->beta);
    p->k = scalar(params, w, seed, i, SC_P_DISPERSION);
    p->phi = scalar(params, w, seed, i, SC_P_DAMPING);
    p->p_assess = scalar(params, w, seed, i, SC_P_ASSESS);
    p->p_issue = scalar(params, w, seed, i, SC_P_ISSUE);
    draw_vector(&w->draws, sc_params_dist(params, SC_P_PLACEMENT_MIX),
                param_stream(w, seed, i, SC_P_PLACEMENT_MIX), p->mix);
    draw_vector(&w->draws, sc_params_dist(params, SC_P_BAND_MIX),
                param_stream(w, seed, i, SC_P_BAND_MIX), p->band_mix);
    for (int pl = 0; pl < SC_NPLACEMENTS; pl++)
        p->cease[pl] = scalar(params, w, seed, i, (enum sc_param_id)(SC_P_CEASE_MAINSTREAM + pl));
    p->p_up = scalar(params, w, seed, i, SC_P_STEP_UP);
    p->p_esc = scalar(params, w, seed, i, SC_P_ESCALATION);
    p->p_post16 = scalar(params, w, seed, i, SC_P_POST16_TRANSFER);
    p->effect = scalar(params, w, seed, i, SC_P_CLUSTER_EFFECT);

    /* h_c ~ Gamma(mean 1, cv): shape 1/cv^2, scale cv^2. One stream per cluster. */
    p->cv = scalar(params, w, seed, i, SC_P_HETEROGENEITY_CV);
    for (int c = 0; c < s->nclusters; c++) {
        double h = 1.0;
        if (p->cv > 0) {
            sc_rng_key(&w->rng, seed, (uint64_t)i, SC_PURPOSE_HETEROGENEITY, (uint64_t)c);
            h = sim_draw_gamma(&w->draws, &w->rng.gsl, 1.0 / (p->cv * p->cv), p->cv * p->cv);
        }
        p->effect_c[c] = fmin(p->effect * h, 0.95);
    }

    /* i_t independent by year, drawn in year order from one stream. */
    gsl_rng *r = param_stream(w, seed, i, SC_P_INFLATION);
    const sc_dist *inflation = sc_params_dist(params, SC_P_INFLATION);
    for (int t = 1; t <= s->horizon; t++)
        p->inflation[t] = draw_scalar(&w->draws, inflation, SC_P_INFLATION, r);

    p->drift = scalar(params, w, seed, i, SC_P_SEND_SUPPORT_DRIFT);

    if (s->model == 2)
        draw_model2(params, w, seed, i);
    draw_levers(s, w, seed, i);
    sim_prepare_samplers(s, w);
}

/* The probabilities every cluster and year of the trajectory reuses. */
void sim_prepare_samplers(const sc_scenario *s, sc_sim_workspace *w)
{
    const sim_params *p = &w->params;
    /* No lever has acted yet: every rate at 1 x its draw (step.c changes them). */
    sim_year_levers one = { 1, 1, 1, 1, 1, { 1, 1, 1, 1, 1, 1 }, { 1, 1, 1, 1, 1, 1 }, { 0 } };
    for (int b = 0; b < SC_MAX_BANDS; b++)
        one.topup[b] = 1;
    w->applied = w->year = one;
    for (int pl = 0; pl < SC_NPLACEMENTS; pl++)
        sim_binomial_prepare(&w->cease[pl], p->cease[pl]);
    sim_binomial_prepare(&w->escalate, p->p_esc);
    sim_binomial_prepare(&w->post16, p->p_post16);
    sim_binomial_prepare(&w->step_up, p->p_up);
    sim_binomial_prepare(&w->assess, p->p_assess);
    sim_binomial_prepare(&w->issue, p->p_issue);
    sim_multinomial_prepare(&w->placement, SC_NPLACEMENTS, p->mix);
    sim_multinomial_prepare(&w->band, s->nbands, p->band_mix);
}
