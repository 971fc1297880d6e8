/*
 * fit.c — sc_fit_params(): the run's parameters from a scenario, every
 * `dist: fit` resolved to the distribution its history supports (MODEL.md 5),
 * saying where it came from. The scenario is only read: its own entries stay
 * `dist: fit`, and the fits live in the sc_params (params.h).
 *
 * Order matters: the rates first (the 5.1 fallback on plans_issued needs
 * E[p_assess] E[p_issue]), then the trend with the cluster effect, then the
 * mixes. Each fitted sc_dist keeps the scenario's status when one was written,
 * else "fitted"; its source and fitted_from name the history file, columns and
 * years; its numbers go to the parameters' register (the file's /inputs)
 * with that status.
 *
 * Choices where MODEL.md 5 leaves room (docs/validation.md and
 * docs/scenario.md say the same):
 *   p_assess  agreed/requests where history has an `agreed` column, else
 *             assessments/requests (5.2); `refused` is not used, because
 *             requests - refused is not the agreed count (undecided and
 *             withdrawn requests: Kirklees 2023 has 718 vs 607);
 *   cease_*   plans_ceased over the previous year's plans_open: all settings
 *             together (history has no ceasing by setting);
 *   mixes     Dirichlet(0.5 + base-year stock) (5.3: history has no new
 *             plans by placement or band);
 *   E         when cluster_effect is not `fit` but history years had
 *             cluster working, the trend's likelihood uses E at its mean.
 */
#include "sendcast/fit.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sendcast/alloc.h"
#include "sendcast/params.h"
#include "fit_internal.h"

/* ---- windows and history cells ---- */

typedef struct window {
    int lo, hi;
} window;

static window window_of(const sc_scenario *s, const sc_dist *d, int until)
{
    const sc_history *h = &s->history;
    window w = { d->fit_from ? d->fit_from : h->year[0],
                 d->fit_to ? d->fit_to : h->year[h->nyears - 1] };
    if (until && w.hi > until)
        w.hi = until;
    return w;
}

static int in_window(window w, int year)
{
    return year >= w.lo && year <= w.hi;
}

static double cell(const sc_scenario *s, int col, int i)
{
    return sc_history_get(&s->history, col, i);
}

static int has_column(const sc_scenario *s, int col)
{
    return s->history.column[col][0] != '\0';
}

static const char *colname(const sc_scenario *s, int col)
{
    return has_column(s, col) ? s->history.column[col] : sc_history_roles[col];
}

/* "the parameter at scenario line L needs column C, which FILE lacks". */
static int missing_column(const sc_scenario *s, int id, int col, sc_error *e)
{
    return SC_ERROR_AT(e, s->history.path, 0, 0, "has no column for %s, which "
                       "parameters.%s (%s line %d, dist: fit) needs (map one with "
                       "history.columns.%s)", sc_history_roles[col], sc_param_table[id].name,
                       s->path, s->param[id].line, sc_history_roles[col]);
}



/* ---- rates: conjugate Beta posteriors (5.2) ---- */

typedef struct rate_spec {
    int num, den;
    int lag;                    /* 1: denominator from the year before */
} rate_spec;

/* Whether some year of the window has both columns. */
static int any_year_with(const sc_scenario *s, window w, int a, int b)
{
    for (int i = 0; i < s->history.nyears; i++)
        if (in_window(w, s->history.year[i]) && !isnan(cell(s, a, i)) && !isnan(cell(s, b, i)))
            return 1;
    return 0;
}

/* p_assess is agreed/requests where history has agreed counts beside requests
 * in the parameter's window (before any back-test limit), else completed
 * assessments/requests: a SEN2 history has agreed for the person-level years
 * only, none for a council whose requests those years are suppressed. */
static rate_spec rate_of(const sc_scenario *s, int id)
{
    if (id == SC_P_ASSESS) {
        window w = window_of(s, &s->param[id], 0);
        int agreed = has_column(s, SC_H_AGREED)
                     && (!has_column(s, SC_H_ASSESSMENTS)
                         || any_year_with(s, w, SC_H_AGREED, SC_H_REQUESTS));
        return (rate_spec){ agreed ? SC_H_AGREED : SC_H_ASSESSMENTS, SC_H_REQUESTS, 0 };
    }
    if (id == SC_P_ISSUE)
        return (rate_spec){ SC_H_PLANS_ISSUED, SC_H_ASSESSMENTS, 0 };
    return (rate_spec){ SC_H_PLANS_CEASED, SC_H_PLANS_OPEN, 1 };
}

typedef struct rate_sum {
    double num, den;
    int n, first, last;
    int nover, over[SC_FIT_MAX_YEARS];  /* years with num > den */
} rate_sum;

/* Add year i to the sums. A year whose count is above its denominator (more
 * assessments than requests: requests of one year assessed in the next) is
 * kept: only the sums over the window must hold num <= den. */
static void rate_year(const sc_scenario *s, rate_spec r, int i, rate_sum *acc)
{
    const sc_history *h = &s->history;
    int j = r.lag ? i - 1 : i;
    if (j < 0 || (r.lag && h->year[j] != h->year[i] - 1))
        return;
    double x = cell(s, r.num, i), n = cell(s, r.den, j);
    if (isnan(x) || isnan(n))
        return;
    if (x > n && acc->nover < SC_FIT_MAX_YEARS)
        acc->over[acc->nover++] = h->year[i];
    acc->num += x;
    acc->den += n;
    if (!acc->n)
        acc->first = h->year[i];
    acc->last = h->year[i];
    acc->n++;
}

static int fit_rate(const sc_scenario *s, sc_params *p, int id, int until, sc_fit_result *res,
                    sc_error *e)
{
    sc_dist *d = sc_params_edit(p, (enum sc_param_id)id);
    rate_spec r = rate_of(s, id);
    if (!has_column(s, r.num))
        return missing_column(s, id, r.num, e);
    if (!has_column(s, r.den))
        return missing_column(s, id, r.den, e);
    window w = window_of(s, d, until);
    rate_sum acc;
    memset(&acc, 0, sizeof acc);
    for (int i = 0; i < s->history.nyears; i++)
        if (in_window(w, s->history.year[i]))
            rate_year(s, r, i, &acc);
    double a0 = d->has_prior ? d->prior[0] : 0.5, b0 = d->has_prior ? d->prior[1] : 0.5;
    if (acc.n == 0 && !d->has_prior && until) {
        /* A back-test before history has this rate at all: fit it on the later
         * years rather than refuse, and say so (the report and the back-test
         * table flag it; docs/validation.md discusses what it leaks). */
        res->after_until[id] = 1;
        w = window_of(s, d, 0);
        for (int i = 0; i < s->history.nyears; i++)
            if (in_window(w, s->history.year[i]))
                rate_year(s, r, i, &acc);
    }
    if (acc.n == 0 && !d->has_prior)
        return SC_ERROR_AT(e, s->history.path, 0, 0, "columns %s and %s: no year in %d-%d has "
                           "both, so parameters.%s (%s line %d) cannot be fitted; give a "
                           "prior: or the distribution itself", colname(s, r.num),
                           colname(s, r.den), w.lo, w.hi, sc_param_table[id].name, s->path,
                           d->line);
    char from[SC_TEXT_MAX], span[16];
    if (acc.first == acc.last)
        snprintf(span, sizeof span, "%d", acc.first);
    else
        snprintf(span, sizeof span, "%d-%d", acc.first, acc.last);
    /* Sums above their denominator: the binomial's best rate is 1, so count
     * every one of the denominator (and say so). */
    res->nover[id] = acc.nover;
    memcpy(res->over_year[id], acc.over, (size_t)acc.nover * sizeof acc.over[0]);
    res->capped[id] = acc.num > acc.den;
    double num = acc.num > acc.den ? acc.den : acc.num;
    snprintf(from, sizeof from, "%s: %s/%s%s, %s (%d year%s: %.0f of %.0f%s), prior Beta(%g, "
             "%g)%s", s->history.path, colname(s, r.num), colname(s, r.den),
             r.lag ? " of the year before" : "", span, acc.n,
             acc.n == 1 ? "" : "s", acc.num, acc.den,
             res->capped[id] ? ", more than all: counted as all" : "", a0, b0,
             res->after_until[id] ? "; AFTER the back-test year: history has none before" : "");
    d->kind = SC_DIST_BETA;
    d->p[0] = a0 + num;
    d->p[1] = b0 + (acc.den - num);
    fit_set_source(d, from);
    res->fitted[id] = 1;
    res->n[id] = acc.n;
    int rc = fit_record(p, id, "a", "", d->p[0], e);
    return rc ? rc : fit_record(p, id, "b", "", d->p[1], e);
}

/* ---- mixes: Dirichlet(0.5 + base-year stock) (5.3) ---- */

static int fit_mix(const sc_scenario *s, sc_params *p, int id, sc_fit_result *res,
                   sc_error *e)
{
    sc_dist *d = sc_params_edit(p, (enum sc_param_id)id);
    int bands = id == SC_P_BAND_MIX;
    d->kind = SC_DIST_DIRICHLET;
    d->dim = bands ? s->nbands : SC_NPLACEMENTS;
    for (int j = 0; j < d->dim; j++) {
        double n = 0;
        for (int c = 0; c < s->nclusters; c++)
            n += (double)(bands ? s->clusters[c].band_stock[j] : s->clusters[c].placement_stock[j]);
        d->value[j] = 0.5 + n;
    }
    fit_set_source(d, bands ? "base-year mainstream plans by band (clusters), 0.5 + counts: history "
                          "has no new plans by band"
                        : "base-year plans by placement, 0.5 + counts: history has no new "
                          "plans by placement");
    res->fitted[id] = 1;
    res->n[id] = 1;
    for (int j = 0; j < d->dim; j++) {
        char item[16];
        snprintf(item, sizeof item, "%d", j + 1);
        int rc = fit_record(p, id, "alpha", bands ? item : sc_placement_names[j], d->value[j], e);
        if (rc)
            return rc;
    }
    return SC_OK;
}

/* ---- the trend (5.1) and the cluster effect ---- */


static double base_send_support(const sc_scenario *s)
{
    double ss = 0;
    for (int c = 0; c < s->nclusters; c++)
        ss += s->clusters[c].pupils * s->clusters[c].send_support_share;
    return ss;
}

static double ramp_of(const sc_scenario *s, int i)
{
    double r = cell(s, SC_H_RAMP, i);
    if (!isnan(r))
        return r;
    int t = s->history.year[i] - s->base_year;
    return t >= 0 && t <= s->horizon ? s->ramp[t] : 0.0;
}

/* Which column the trend is fitted to: requests, else the 5.1 fallback. */
static int trend_column(const sc_scenario *s, window w, int *col)
{
    for (int pass = 0; pass < 2; pass++) {
        int c = pass ? SC_H_PLANS_ISSUED : SC_H_REQUESTS;
        for (int i = 0; has_column(s, c) && i < s->history.nyears; i++)
            if (in_window(w, s->history.year[i]) && !isnan(cell(s, c, i))) {
                *col = c;
                return 1;
            }
    }
    return 0;
}

static int trend_data(const sc_scenario *s, const sc_params *p, int until, sc_fit_result *res,
                      sc_error *e)
{
    const sc_dist *conv = &s->param[SC_P_CONVERSION];
    window w = window_of(s, conv, until);
    int col;
    if (!trend_column(s, w, &col))
        return SC_ERROR_AT(e, s->history.path, 0, 0, "columns %s and %s: no counts in %d-%d, "
                           "so parameters.conversion (%s line %d) cannot be fitted",
                           colname(s, SC_H_REQUESTS), colname(s, SC_H_PLANS_ISSUED), w.lo, w.hi,
                           s->path, conv->line);
    sc_fit_nb_data *d = &res->trend_data;
    memset(d, 0, sizeof *d);
    res->trend_on_plans = col == SC_H_PLANS_ISSUED;
    res->ss_base = base_send_support(s);
    double mult = res->trend_on_plans
                      ? fit_dist_mean(sc_params_dist(p, SC_P_ASSESS)) * fit_dist_mean(sc_params_dist(p, SC_P_ISSUE))
                      : 1;
    for (int i = 0; i < s->history.nyears && d->n < SC_FIT_MAX_YEARS; i++) {
        double y = cell(s, col, i), ss = cell(s, SC_H_SEND_SUPPORT, i);
        if (!in_window(w, s->history.year[i]) || isnan(y))
            continue;
        if (!isnan(ss))
            res->ss_from_history = 1;
        res->trend_year[d->n] = s->history.year[i];
        d->y[d->n] = y;
        d->t[d->n] = s->history.year[i] - s->base_year;
        d->exposure[d->n] = (isnan(ss) ? res->ss_base : ss) * mult;
        d->ramp[d->n] = ramp_of(s, i);
        d->n++;
    }
    if (d->n < 3)
        return SC_ERROR_AT(e, s->history.path, 0, 0, "column %s: the trend needs at least 3 "
                           "years with a count in %d-%d, got %d, so parameters.conversion (%s "
                           "line %d) cannot be fitted; write its distribution instead",
                           colname(s, col), w.lo, w.hi, d->n, s->path, conv->line);
    return SC_OK;
}

static void trend_options(const sc_params *p, sc_fit_nb_data *d)
{
    const sc_dist *k = sc_params_dist(p, SC_P_DISPERSION);
    const sc_dist *eff = sc_params_dist(p, SC_P_CLUSTER_EFFECT);
    d->k_fixed = k->kind == SC_DIST_FIT ? 0 : k->kind == SC_DIST_POISSON ? INFINITY : fit_dist_mean(k);
    int ramped = 0;
    for (int i = 0; i < d->n; i++)
        ramped |= d->ramp[i] > 0;
    d->fit_effect = eff->kind == SC_DIST_FIT && ramped;
    d->prior_a = eff->prior[0];
    d->prior_b = eff->prior[1];
    d->effect_fixed = eff->kind == SC_DIST_FIT ? eff->prior[0] / (eff->prior[0] + eff->prior[1])
                                               : fit_dist_mean(eff);
}

static void trend_text(const sc_scenario *s, const sc_fit_result *res, char *buf, size_t cap)
{
    const sc_fit_nb_data *d = &res->trend_data;
    snprintf(buf, cap, "%s: %s %d-%d (%d years) per SEND-support pupil (%s)%s",
             s->history.path, colname(s, res->trend_on_plans ? SC_H_PLANS_ISSUED : SC_H_REQUESTS),
             res->trend_year[0], res->trend_year[d->n - 1], d->n,
             res->ss_from_history ? "history's send_support where given" :
                                    "the base year's every year",
             res->trend_on_plans ? "; no request counts: fitted to plans_issued with the mean "
                                   "x E[p_assess] E[p_issue] (MODEL.md 5.1 fallback)" : "");
}

static int apply_trend(const sc_scenario *s, sc_params *p, sc_fit_result *res, sc_error *e)
{
    const sc_fit_nb *f = &res->trend;
    char from[SC_TEXT_MAX];
    trend_text(s, res, from, sizeof from);
    sc_dist *c = sc_params_edit(p, SC_P_CONVERSION);
    c->kind = SC_DIST_BVNORMAL;
    c->value[0] = f->alpha;
    c->value[1] = f->beta;
    memcpy(c->cov, f->cov, sizeof c->cov);
    fit_set_source(c, from);
    res->fitted[SC_P_CONVERSION] = 1;
    res->n[SC_P_CONVERSION] = res->trend_data.n;
    int rc = fit_record(p, SC_P_CONVERSION, "mean", "1", f->alpha, e);
    if (!rc) rc = fit_record(p, SC_P_CONVERSION, "mean", "2", f->beta, e);
    if (!rc) rc = fit_record(p, SC_P_CONVERSION, "cov", "1,1", f->cov[0][0], e);
    if (!rc) rc = fit_record(p, SC_P_CONVERSION, "cov", "1,2", f->cov[0][1], e);
    if (!rc) rc = fit_record(p, SC_P_CONVERSION, "cov", "2,2", f->cov[1][1], e);
    sc_dist *k = sc_params_edit(p, SC_P_DISPERSION);
    if (!rc && k->kind == SC_DIST_FIT) {
        k->kind = f->poisson ? SC_DIST_POISSON : SC_DIST_FIXED;
        k->value[0] = f->k;
        fit_set_source(k, from);
        res->fitted[SC_P_DISPERSION] = 1;
        res->n[SC_P_DISPERSION] = res->trend_data.n;
        rc = fit_record(p, SC_P_DISPERSION, "value", "", f->k, e);
    }
    return rc;
}

/* E: the joint MAP where history had cluster working, else its prior. */
static int apply_effect(const sc_scenario *s, sc_params *p, sc_fit_result *res, sc_error *e)
{
    sc_dist *d = sc_params_edit(p, SC_P_CLUSTER_EFFECT);
    if (d->kind != SC_DIST_FIT)
        return SC_OK;
    int joint = res->have_trend && res->trend_data.fit_effect;
    char from[SC_TEXT_MAX];
    d->kind = SC_DIST_BETA;
    if (joint) {
        d->p[0] = res->trend.effect_a;
        d->p[1] = res->trend.effect_b;
        char trend[SC_TEXT_MAX - 96];
        trend_text(s, res, trend, sizeof trend);
        snprintf(from, sizeof from, "joint with the trend, years with cluster working; "
                 "prior Beta(%.4g, %.4g); %s", d->prior[0], d->prior[1], trend);
    } else {
        d->p[0] = d->prior[0];
        d->p[1] = d->prior[1];
        snprintf(from, sizeof from, "no history year in the fit had cluster working (ramp > "
                 "0): the prior Beta(%.4g, %.4g) unchanged", d->prior[0], d->prior[1]);
    }
    fit_set_source(d, from);
    res->fitted[SC_P_CLUSTER_EFFECT] = 1;
    for (int i = 0; joint && i < res->trend_data.n; i++)
        res->n[SC_P_CLUSTER_EFFECT] += res->trend_data.ramp[i] > 0;
    int rc = fit_record(p, SC_P_CLUSTER_EFFECT, "a", "", d->p[0], e);
    return rc ? rc : fit_record(p, SC_P_CLUSTER_EFFECT, "b", "", d->p[1], e);
}

static int fit_trend(const sc_scenario *s, sc_params *p, int until, sc_fit_result *res,
                     sc_error *e)
{
    if (s->param[SC_P_CONVERSION].kind != SC_DIST_FIT) {
        if (s->param[SC_P_DISPERSION].kind == SC_DIST_FIT)
            return SC_ERROR_AT(e, s->path, s->param[SC_P_DISPERSION].line, 0,
                               "parameters.dispersion: dist: fit is fitted jointly with the "
                               "trend, so it needs conversion: {dist: fit} too");
        return SC_OK;
    }
    int rc = trend_data(s, p, until, res, e);
    if (rc)
        return rc;
    trend_options(p, &res->trend_data);
    if ((rc = sc_fit_nb_trend(&res->trend_data, &res->trend, e))) {
        SC_CONTEXT(e, "while fitting parameters.conversion to %s", s->history.path);
        return rc;
    }
    res->have_trend = 1;
    return apply_trend(s, p, res, e);
}

int sc_fit_needed(const sc_scenario *s)
{
    for (int i = 0; i < SC_NPARAMS; i++)
        if (s->param[i].kind == SC_DIST_FIT)
            return 1;
    return 0;
}

static int is_rate(int id)
{
    return id == SC_P_ASSESS || id == SC_P_ISSUE
           || (id >= SC_P_CEASE_MAINSTREAM && id <= SC_P_CEASE_OTHER);
}

/* Fit every `dist: fit` of s into p, in the order the fits need. */
static int fit_all(const sc_scenario *s, const sc_priors *priors, sc_params *p, int until,
                   sc_fit_result *res, sc_error *e)
{
    if (s->history.nyears == 0)
        return SC_ERROR(e, SC_EINPUT, "%s: dist: fit needs a history: section", s->path);
    if (until && until < s->history.year[0])
        return SC_ERROR(e, SC_EINPUT, "%s: history starts in %d, after --until %d",
                        s->history.path, s->history.year[0], until);
    int rc = SC_OK;
    for (int id = 0; !rc && id < SC_NPARAMS; id++)
        if (s->param[id].kind == SC_DIST_FIT && is_rate(id) && !(s->model == 2 && id == SC_P_ASSESS))
            rc = fit_rate(s, p, id, until, res, e);
    if (!rc && s->model == 2)
        rc = fit_model2(s, priors, p, until, res, e);
    else if (!rc && s->param[SC_P_DAMPING].kind == SC_DIST_FIT)
        rc = SC_ERROR_AT(e, s->path, s->param[SC_P_DAMPING].line, 0, "parameters.damping: "
                         "dist: fit is model 2's (national priors); in model 1 give the damping "
                         "as a Beta or a fixed value");
    else if (!rc)
        rc = fit_trend(s, p, until, res, e);
    if (!rc)
        rc = apply_effect(s, p, res, e);
    for (int id = SC_P_PLACEMENT_MIX; !rc && id <= SC_P_BAND_MIX; id++)
        if (s->param[id].kind == SC_DIST_FIT)
            rc = fit_mix(s, p, id, res, e);
    return rc;
}

int sc_fit_params(const sc_scenario *s, int until, sc_params **out, sc_fit_result *result,
                  sc_error *e)
{
    return sc_fit_params_with(s, NULL, until, out, result, e);
}

int sc_fit_params_with(const sc_scenario *s, const sc_priors *priors, int until, sc_params **out,
                       sc_fit_result *result, sc_error *e)
{
    sc_fit_result local;
    sc_fit_result *res = result ? result : &local;
    memset(res, 0, sizeof *res);
    int rc = sc_params_alloc(s, out, e);
    if (!rc && sc_fit_needed(s))
        rc = fit_all(s, priors ? priors : s->priors, *out, until, res, e);
    if (rc) {
        sc_params_free(*out);
        *out = NULL;
    }
    return rc;
}
