/*
 * prepare.c — sc_backtest_prepare(): a scenario made into its own back-test
 * at year `until` (backtest.h says what changes and why; docs/validation.md
 * says the same for readers).
 */
#include "sendcast/backtest.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sendcast/alloc.h"
#include "sendcast/priors.h"
#include "sendcast/stats.h"

const char *const sc_backtest_metric_names[SC_BT_NMETRICS] = {
    "requests", "assessments", "new_plans", "plans_total", "ceased",
};

/* Scale every band and non-mainstream placement stock so the total is `total`
 * (history's plans_open, a count), by largest remainder (whole plans, adding
 * up exactly; ties to the earlier cluster, band, placement). */
static int rescale_stock(sc_scenario *s, double total, double *before, sc_error *e)
{
    int per = s->nbands + SC_NPLACEMENTS - 1;
    size_t n = (size_t)s->nclusters * (size_t)per;
    uint64_t *w = sc_calloc(2 * (n ? n : 1), sizeof *w), *share = w + (n ? n : 1);
    if (!w)
        return SC_ERROR(e, SC_ENOMEM, "out of memory rescaling the base-year stock");
    double sum = 0;
    for (int c = 0, k = 0; c < s->nclusters; c++) {
        const sc_cluster *cl = &s->clusters[c];
        for (int b = 0; b < s->nbands; b++)
            w[k++] = (uint64_t)cl->band_stock[b];
        for (int p = 1; p < SC_NPLACEMENTS; p++)
            w[k++] = (uint64_t)cl->placement_stock[p];
    }
    for (size_t k = 0; k < n; k++)
        sum += (double)w[k];
    *before = sum;
    int err = sum > 0 ? sc_stats_largest_remainder(w, n, (uint64_t)llround(total), share) : EDOM;
    for (int c = 0, k = 0; !err && c < s->nclusters; c++) {
        sc_cluster *cl = &s->clusters[c];
        cl->placement_stock[SC_PL_MAINSTREAM] = 0;
        for (int b = 0; b < s->nbands; b++) {
            cl->band_stock[b] = (int64_t)share[k++];
            cl->placement_stock[SC_PL_MAINSTREAM] += cl->band_stock[b];
        }
        for (int p = 1; p < SC_NPLACEMENTS; p++)
            cl->placement_stock[p] = (int64_t)share[k++];
    }
    sc_free(w);
    if (err == EDOM)
        return SC_ERROR(e, SC_EINPUT, "%s: the scenario has no base-year plans to split "
                        "history's plans_open by", s->path);
    if (err == ENOMEM)
        return SC_ERROR(e, SC_ENOMEM, "out of memory rescaling the base-year stock");
    return err ? SC_ERROR(e, SC_EINPUT, "%s: history's plans_open %.0f is too large to split",
                          s->path, total) : SC_OK;
}

/* The ramp of each back-test year is the scenario's for that calendar year. */
static void shift_years(sc_scenario *s, int until, int years)
{
    double ramp[SC_MAX_HORIZON + 1];
    for (int t = 0; t <= years; t++) {
        int t0 = until + t - s->base_year;
        ramp[t] = t0 < 0 ? 0.0 : s->ramp[t0 > s->horizon ? s->horizon : t0];
    }
    for (int t = 0; t <= SC_MAX_HORIZON; t++) {
        s->ramp[t] = t <= years ? ramp[t] : 0.0;
        s->target[t] = NAN;            /* money is not scored: no Safety Valve targets */
        s->projection_topup[t] = NAN;
    }
    s->ntargets = 0;                   /* nor the `targets:` section's (by t of the old horizon) */
}

/* Budgets are by t: keep the array as long as the new horizon needs. */
static int fit_budget_array(sc_scenario *s, int years, sc_error *e)
{
    if (years <= s->horizon)
        return SC_OK;
    size_t n = (size_t)(years + 1) * (size_t)s->nclusters;
    double *b = sc_realloc(s->cluster_budget, (n ? n : 1) * sizeof *b);
    if (!b)
        return SC_ERROR(e, SC_ENOMEM, "out of memory extending the budgets");
    for (size_t i = (size_t)(s->horizon + 1) * (size_t)s->nclusters; i < n; i++)
        b[i] = NAN;
    s->cluster_budget = b;
    return SC_OK;
}

static void scale_send_support(sc_scenario *s, int row)
{
    double ss = sc_history_get(&s->history, SC_H_SEND_SUPPORT, row), base = 0;
    if (isnan(ss))
        return;
    for (int c = 0; c < s->nclusters; c++)
        base += s->clusters[c].pupils * s->clusters[c].send_support_share;
    for (int c = 0; base > 0 && c < s->nclusters; c++)
        s->clusters[c].pupils *= ss / base;
}

static const int observed_col[SC_BT_NMETRICS] = {
    SC_H_REQUESTS, SC_H_ASSESSMENTS, SC_H_PLANS_ISSUED, SC_H_PLANS_OPEN, SC_H_PLANS_CEASED,
};

static void observations(const sc_scenario *s, int until, sc_backtest *bt)
{
    for (int m = 0; m < SC_BT_NMETRICS; m++)
        for (int y = 0; y < bt->years; y++) {
            int row = sc_history_row(&s->history, until + 1 + y);
            bt->obs[m][y] = row < 0 ? NAN : sc_history_get(&s->history, observed_col[m], row);
        }
}

/* Where the back-test starts: history's base-year stock and the years it
 * holds out. */
static int check_until(const sc_scenario *s, int until, int max_years, sc_backtest *bt,
                       int *row, sc_error *e)
{
    const sc_history *h = &s->history;
    if (h->nyears == 0)
        return SC_ERROR(e, SC_EINPUT, "%s: a back-test needs a history: section", s->path);
    int last = h->year[h->nyears - 1];
    *row = sc_history_row(h, until);
    if (*row < 0 || until >= last)
        return SC_ERROR(e, SC_EINPUT, "--until %d: expected a year of %s before its last "
                        "(%d to %d), so that some years are held out", until, h->path,
                        h->year[0], last);
    bt->base_plans = sc_history_get(h, SC_H_PLANS_OPEN, *row);
    if (isnan(bt->base_plans))
        return SC_ERROR_AT(e, h->path, h->row_line[*row], 0, "column %s: the back-test needs "
                           "plans_open at %d (the base-year stock)", h->column[SC_H_PLANS_OPEN][0]
                           ? h->column[SC_H_PLANS_OPEN] : "plans_open", until);
    bt->until = until;
    bt->years = last - until;
    if (max_years > 0 && bt->years > max_years)
        bt->years = max_years;
    if (bt->years > SC_MAX_HORIZON)
        return SC_ERROR(e, SC_EINPUT, "--until %d: at most %d held-out years", until,
                        SC_MAX_HORIZON);
    return SC_OK;
}

/* The back-test's own scenario b (a copy of the scenario) made into its
 * back-test at `until`. */
static int make_backtest(sc_scenario *b, int until, int row, sc_backtest *bt, sc_error *e)
{
    int rc = fit_budget_array(b, bt->years, e);
    if (!rc)
        rc = rescale_stock(b, bt->base_plans, &bt->scenario_plans, e);
    if (rc)
        return rc;
    scale_send_support(b, row);
    shift_years(b, until, bt->years);
    /* The scenario's own levers are policies for its forecast years: a
     * back-test, which forecasts years already seen, leaves them out
     * (cluster working's lever follows the ramp shifted above). */
    b->nlevers -= b->nuser_levers;
    b->nuser_levers = 0;
    b->base_year = until;
    b->horizon = bt->years;
    observations(b, until, bt);
    return SC_OK;
}

int sc_backtest_prepare(const sc_scenario *s, int until, sc_scenario **out, sc_params **params,
                        sc_backtest *bt, sc_error *e)
{
    return sc_backtest_prepare_with(s, until, 0, NULL, out, params, bt, e);
}

int sc_backtest_prepare_with(const sc_scenario *s, int until, int max_years,
                             const sc_priors *priors, sc_scenario **out, sc_params **params,
                             sc_backtest *bt, sc_error *e)
{
    memset(bt, 0, sizeof *bt);
    *out = NULL;
    *params = NULL;
    int row = -1, rc = check_until(s, until, max_years, bt, &row, e);
    if (!rc)
        rc = sc_scenario_copy(s, out, e);
    if (!rc)
        rc = make_backtest(*out, until, row, bt, e);
    if (!rc)
        rc = sc_fit_params_with(*out, priors, until, params, &bt->fit, e);
    if (rc) {
        sc_scenario_free(*out);
        *out = NULL;
    }
    return rc;
}
