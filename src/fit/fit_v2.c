/*
 * fit_v2.c — model 2's `dist: fit` (docs/model.md 4): the council's history
 * laid out as a panel series, filtered towards the national priors
 * (council.c), and turned into the run's parameter distributions.
 *
 * The rates model 1 fits on sums (p_issue, cease_*: MODEL.md 5.2) are fitted
 * first by fit.c; p_assess's level needs E[p_issue], and the net transfer
 * needs the cease rates' mean.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "fit_internal.h"
#include "sendcast/alloc.h"
#include "sendcast/council.h"
#include "sendcast/stats.h"

/* Need-weighted SEND-support pupils of the base year: the district's requests
 * are exp(level) times this (docs/model.md 3 step 8). */
static double weighted_send_support(const sc_scenario *s)
{
    double ss = 0;
    for (int c = 0; c < s->nclusters; c++)
        ss += s->clusters[c].pupils * s->clusters[c].send_support_share * s->clusters[c].need_index;
    return ss;
}

typedef struct council_arrays {
    double *requests, *assessments, *new_plans, *plans;
} council_arrays;

static void arrays_free(council_arrays *a)
{
    sc_free(a->requests);
    sc_free(a->assessments);
    sc_free(a->new_plans);
    sc_free(a->plans);
}

/* History years first..last as one consecutive series (NaN in gaps and after
 * `last`); requests scaled to the base year's SEND-support pupils where
 * history has them for the year (so the level is per pupil, the variance a
 * count's). */
static int council_series(const sc_scenario *s, int last, double ss_base, council_arrays *a,
                          sc_panel_series *out, sc_error *e)
{
    const sc_history *h = &s->history;
    int first = h->year[0], n = h->year[h->nyears - 1] - first + 1;
    memset(a, 0, sizeof *a);
    a->requests = sc_malloc((size_t)n * sizeof(double));
    a->assessments = sc_malloc((size_t)n * sizeof(double));
    a->new_plans = sc_malloc((size_t)n * sizeof(double));
    a->plans = sc_malloc((size_t)n * sizeof(double));
    if (!a->requests || !a->assessments || !a->new_plans || !a->plans) {
        arrays_free(a);
        return SC_ERROR(e, SC_ENOMEM, "out of memory fitting model 2");
    }
    for (int k = 0; k < n; k++)
        a->requests[k] = a->assessments[k] = a->new_plans[k] = a->plans[k] = NAN;
    for (int i = 0; i < h->nyears; i++) {
        int k = h->year[i] - first;
        if (h->year[i] > last)
            continue;
        double r = sc_history_get(h, SC_H_REQUESTS, i), ss = sc_history_get(h, SC_H_SEND_SUPPORT, i);
        a->requests[k] = isnan(ss) || !(ss > 0) ? r : r * ss_base / ss;
        a->assessments[k] = sc_history_get(h, SC_H_ASSESSMENTS, i);
        a->new_plans[k] = sc_history_get(h, SC_H_PLANS_ISSUED, i);
        a->plans[k] = sc_history_get(h, SC_H_PLANS_OPEN, i);
    }
    *out = (sc_panel_series){ s->name, first, n, a->requests, a->assessments, a->new_plans,
                              a->plans, NAN };
    return SC_OK;
}

/* The stock-weighted mean of the cease rates' means (the base year's stock). */
static double cease_mean(const sc_scenario *s, const sc_params *p)
{
    double w = 0, sum = 0;
    for (int pl = 0; pl < SC_NPLACEMENTS; pl++) {
        double n = 0;
        for (int c = 0; c < s->nclusters; c++)
            n += (double)s->clusters[c].placement_stock[pl];
        sum += n * fit_dist_mean(sc_params_dist(p, (enum sc_param_id)(SC_P_CEASE_MAINSTREAM + pl)));
        w += n;
    }
    return w > 0 ? sum / w : fit_dist_mean(sc_params_dist(p, SC_P_CEASE_MAINSTREAM));
}

/* ---- setting one parameter ---- */

typedef struct setter {
    const sc_scenario *s;
    sc_params *p;
    sc_fit_result *res;
    const char *from;
    sc_error *e;
} setter;

static sc_dist *fitted(setter *st, int id)
{
    if (st->s->param[id].kind != SC_DIST_FIT)
        return NULL;
    sc_dist *d = sc_params_edit(st->p, (enum sc_param_id)id);
    fit_set_source(d, st->from);
    st->res->fitted[id] = 1;
    st->res->n[id] = st->res->m2_nrequests;
    return d;
}

static int set_fixed(setter *st, int id, double x)
{
    sc_dist *d = fitted(st, id);
    if (!d)
        return SC_OK;
    d->kind = SC_DIST_FIXED;
    d->value[0] = x;
    return fit_record(st->p, id, "value", "", x, st->e);
}

static int set_normal(setter *st, int id, double mean, double sd)
{
    sc_dist *d = fitted(st, id);
    if (!d)
        return SC_OK;
    d->kind = SC_DIST_NORMAL;
    d->p[0] = mean;
    d->p[1] = sd;
    int rc = fit_record(st->p, id, "mean", "", mean, st->e);
    return rc ? rc : fit_record(st->p, id, "sd", "", sd, st->e);
}

/* A Beta of mean m and sd sd, the sd cut to what a Beta of that mean allows. */
static int set_beta(setter *st, int id, double m, double sd)
{
    sc_dist *d = fitted(st, id);
    if (!d)
        return SC_OK;
    m = fmin(fmax(m, 1e-6), 1 - 1e-6);
    sd = fmin(fmax(sd, 1e-9), 0.99 * sqrt(m * (1 - m)));
    d->kind = SC_DIST_BETA;
    if (sc_stats_beta_from_mean_sd(m, sd, &d->p[0], &d->p[1]))
        return SC_NEVER(st->e);
    int rc = fit_record(st->p, id, "a", "", d->p[0], st->e);
    return rc ? rc : fit_record(st->p, id, "b", "", d->p[1], st->e);
}

static int set_conversion(setter *st, const sc_council_fit *f, double ss_base)
{
    sc_dist *d = fitted(st, SC_P_CONVERSION);
    if (!d)
        return SC_OK;
    d->kind = SC_DIST_BVNORMAL;
    d->value[0] = f->conv_mean[0] - log(ss_base);
    d->value[1] = f->conv_mean[1];
    memcpy(d->cov, f->conv_cov, sizeof d->cov);
    int rc = fit_record(st->p, SC_P_CONVERSION, "mean", "1", d->value[0], st->e);
    if (!rc) rc = fit_record(st->p, SC_P_CONVERSION, "mean", "2", d->value[1], st->e);
    if (!rc) rc = fit_record(st->p, SC_P_CONVERSION, "cov", "1,1", d->cov[0][0], st->e);
    if (!rc) rc = fit_record(st->p, SC_P_CONVERSION, "cov", "1,2", d->cov[0][1], st->e);
    if (!rc) rc = fit_record(st->p, SC_P_CONVERSION, "cov", "2,2", d->cov[1][1], st->e);
    return rc;
}

/* p_assess: the Beta with the mean and sd of exp(L) / E[p_issue], L the
 * council's log plans per request (lognormal moments). */
static int set_assess(setter *st, const sc_council_fit *f)
{
    double pi = fit_dist_mean(sc_params_dist(st->p, SC_P_ISSUE));
    double v = f->ratio_log_sd * f->ratio_log_sd;
    double m = exp(f->ratio_log_mean + 0.5 * v) / pi;
    double sd = m * sqrt(expm1(v));
    return set_beta(st, SC_P_ASSESS, fmin(m, 0.99), sd);
}

static int need_priors(const sc_scenario *s, sc_error *e)
{
    for (int id = 0; id < SC_NPARAMS; id++)
        if (s->param[id].kind == SC_DIST_FIT && sc_param_in_model(id, 2)
            && !sc_param_in_model(id, 1))
            return SC_ERROR_AT(e, s->path, s->param[id].line, 0, "parameters.%s: dist: fit in a "
                               "model 2 scenario needs the national priors: add `priors: "
                               "data/national/priors.yaml` (the file sendcast calibrate writes)",
                               sc_param_table[id].name);
    return SC_ERROR_AT(e, s->path, s->param[SC_P_CONVERSION].line, 0, "parameters.conversion: "
                       "dist: fit in a model 2 scenario needs the national priors: add "
                       "`priors: data/national/priors.yaml`");
}

int fit_model2(const sc_scenario *s, const sc_priors *priors, sc_params *p, int until,
               sc_fit_result *res, sc_error *e)
{
    int any = 0;
    for (int id = 0; id < SC_NPARAMS; id++)
        any |= s->param[id].kind == SC_DIST_FIT && sc_param_in_model(id, 2)
               && (id == SC_P_CONVERSION || id == SC_P_ASSESS || !sc_param_in_model(id, 1));
    if (!any)
        return SC_OK;
    if (!priors)
        return need_priors(s, e);
    int base = until ? until : s->base_year;
    double ss_base = weighted_send_support(s);
    council_arrays a;
    sc_panel_series series;
    int rc = council_series(s, base, ss_base, &a, &series, e);
    if (rc)
        return rc;
    sc_council_fit f;
    rc = sc_council_fit_compute(priors, &series, base, &f, e);
    if (rc) {
        arrays_free(&a);
        return SC_CONTEXT(e, "while fitting model 2 to %s", s->history.path);
    }
    res->have_model2 = 1;
    res->m2_nrequests = f.nrequests;
    res->m2_level = f.conv_mean[0] - log(ss_base);
    res->m2_trend_dev = f.conv_mean[1];
    res->m2_level_sd = sqrt(f.conv_cov[0][0]);
    res->m2_netleave = f.netleave_mean;
    res->m2_cease_mean = cease_mean(s, p);
    res->m2_priors_origin = priors->origin;
    res->m2_priors_councils = priors->ncouncils;
    res->m2_years[0] = res->m2_years[1] = 0;
    for (int i = 0; i < series.nyears; i++)
        if (series.requests[i] > 0 && series.first_year + i <= base) {
            if (!res->m2_years[0])
                res->m2_years[0] = series.first_year + i;
            res->m2_years[1] = series.first_year + i;
        }
    arrays_free(&a);

    char from[SC_TEXT_MAX];
    snprintf(from, sizeof from, "%s: requests, new plans and plans in place to %d, pooled "
             "towards the national priors (origin %d, %d councils; docs/model.md 4)",
             s->history.path, base, priors->origin, priors->ncouncils);
    setter st = { s, p, res, from, e };
    rc = set_conversion(&st, &f, ss_base);
    if (!rc) rc = set_normal(&st, SC_P_NATIONAL_TREND, f.trend_mean, f.trend_sd);
    if (!rc) {
        sc_dist *d = fitted(&st, SC_P_NATIONAL_SHOCK);
        if (d) {
            d->kind = SC_DIST_SCALED_INV_CHI2;
            d->p[0] = f.shock_nu;
            d->p[1] = f.shock_s2;
            rc = fit_record(p, SC_P_NATIONAL_SHOCK, "nu", "", f.shock_nu, e);
            if (!rc) rc = fit_record(p, SC_P_NATIONAL_SHOCK, "s2", "", f.shock_s2, e);
        }
    }
    if (!rc) rc = set_beta(&st, SC_P_DAMPING, f.damping_mean, f.damping_sd);
    if (!rc) rc = set_fixed(&st, SC_P_SHOCK_SD, f.shock_sd);
    if (!rc) rc = set_beta(&st, SC_P_SHOCK_PERSISTENCE, f.persistence_mean, f.persistence_sd);
    if (!rc) rc = set_assess(&st, &f);
    if (!rc) rc = set_normal(&st, SC_P_ASSESS_DEVIATION, f.assess_dev_mean, f.assess_dev_sd);
    if (!rc) rc = set_fixed(&st, SC_P_ASSESS_PERSISTENCE, f.assess_rho);
    if (!rc) rc = set_fixed(&st, SC_P_ASSESS_SD, f.assess_sd);
    if (!rc) rc = set_fixed(&st, SC_P_NATIONAL_ASSESS_SD, f.national_assess_sd);
    if (!rc) rc = set_fixed(&st, SC_P_ASSESS_RESPONSE, f.kappa);
    /* Ceasing first, then the flow on what is left: (1 - c)(1 + tau) = 1 - nu. */
    double keep = 1 - res->m2_cease_mean;
    if (!rc) rc = set_normal(&st, SC_P_NET_TRANSFER, (res->m2_cease_mean - f.netleave_mean) / keep,
                             f.netleave_sd / keep);
    if (!rc) rc = set_fixed(&st, SC_P_TRANSFER_PERSISTENCE, f.transfer_rho);
    if (!rc) rc = set_fixed(&st, SC_P_TRANSFER_SD, f.transfer_sd);
    if (!rc) rc = set_fixed(&st, SC_P_NATIONAL_TRANSFER_SD, f.national_transfer_sd);
    return rc;
}
