/*
 * prepare.c — sc_backtest_prepare(): a scenario made into its own back-test
 * at year `until` (backtest.h says what changes and why; docs/validation.md
 * says the same for readers).
 */
#include "sendcast/backtest.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sendcast/alloc.h"

const char *const sc_backtest_metric_names[SC_BT_NMETRICS] = {
    "requests", "assessments", "new_plans", "plans_total", "ceased",
};

static int history_row(const sc_history *h, int year)
{
    for (int i = 0; i < h->nyears; i++)
        if (h->year[i] == year)
            return i;
    return -1;
}

/* One stock cell to be rescaled: where it lives and its scaled share. */
typedef struct stock_cell {
    int64_t *at;
    double exact;
} stock_cell;

static int by_remainder(const void *a, const void *b)
{
    const stock_cell *x = a, *y = b;
    double rx = x->exact - floor(x->exact), ry = y->exact - floor(y->exact);
    if (rx != ry)
        return rx < ry ? 1 : -1;
    return x->at < y->at ? -1 : x->at > y->at;   /* ties: the earlier cell first */
}

/* Scale every band and non-mainstream placement stock so the total is `total`,
 * by largest remainder (whole plans, adding up exactly). */
static int rescale_stock(sc_scenario *s, double total, double *before, sc_error *e)
{
    int per = s->nbands + SC_NPLACEMENTS - 1, n = s->nclusters * per;
    stock_cell *cells = sc_calloc((size_t)(n ? n : 1), sizeof *cells);
    if (!cells)
        return sc_error_set(e, SC_ENOMEM, "out of memory rescaling the base-year stock");
    double sum = 0;
    for (int c = 0, k = 0; c < s->nclusters; c++) {
        sc_cluster *cl = &s->clusters[c];
        for (int b = 0; b < s->nbands; b++)
            cells[k++].at = &cl->band_stock[b];
        for (int p = 1; p < SC_NPLACEMENTS; p++)
            cells[k++].at = &cl->placement_stock[p];
    }
    for (int k = 0; k < n; k++)
        sum += (double)*cells[k].at;
    *before = sum;
    if (!(sum > 0)) {
        sc_free(cells);
        return sc_error_set(e, SC_EINPUT, "%s: the scenario has no base-year plans to split "
                            "history's plans_open by", s->path);
    }
    double given = 0;
    for (int k = 0; k < n; k++) {
        cells[k].exact = (double)*cells[k].at * total / sum;
        given += floor(cells[k].exact);
    }
    qsort(cells, (size_t)n, sizeof *cells, by_remainder);
    long extra = lround(total - given);
    for (int k = 0; k < n; k++)
        *cells[k].at = (int64_t)floor(cells[k].exact) + (k < extra);
    sc_free(cells);
    for (int c = 0; c < s->nclusters; c++) {
        int64_t m = 0;
        for (int b = 0; b < s->nbands; b++)
            m += s->clusters[c].band_stock[b];
        s->clusters[c].placement_stock[SC_PL_MAINSTREAM] = m;
    }
    return SC_OK;
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
}

/* Budgets are by t: keep the array as long as the new horizon needs. */
static int fit_budget_array(sc_scenario *s, int years, sc_error *e)
{
    if (years <= s->horizon)
        return SC_OK;
    size_t n = (size_t)(years + 1) * (size_t)s->nclusters;
    double *b = sc_realloc(s->cluster_budget, (n ? n : 1) * sizeof *b);
    if (!b)
        return sc_error_set(e, SC_ENOMEM, "out of memory extending the budgets");
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
            int row = history_row(&s->history, until + 1 + y);
            bt->obs[m][y] = row < 0 ? NAN : sc_history_get(&s->history, observed_col[m], row);
        }
}

int sc_backtest_prepare(sc_scenario *s, int until, sc_backtest *bt, sc_error *e)
{
    memset(bt, 0, sizeof *bt);
    const sc_history *h = &s->history;
    if (h->nyears == 0)
        return sc_error_set(e, SC_EINPUT, "%s: a back-test needs a history: section", s->path);
    int row = history_row(h, until), last = h->year[h->nyears - 1];
    if (row < 0 || until >= last)
        return sc_error_set(e, SC_EINPUT, "--until %d: expected a year of %s before its last "
                            "(%d to %d), so that some years are held out", until, h->path,
                            h->year[0], last);
    bt->base_plans = sc_history_get(h, SC_H_PLANS_OPEN, row);
    if (isnan(bt->base_plans))
        return sc_error_at(e, h->path, h->row_line[row], 0, "column %s: the back-test needs "
                           "plans_open at %d (the base-year stock)", h->column[SC_H_PLANS_OPEN][0]
                           ? h->column[SC_H_PLANS_OPEN] : "plans_open", until);
    bt->until = until;
    bt->years = last - until;
    if (bt->years > SC_MAX_HORIZON)
        return sc_error_set(e, SC_EINPUT, "--until %d: at most %d held-out years", until,
                            SC_MAX_HORIZON);
    int rc = fit_budget_array(s, bt->years, e);
    if (!rc)
        rc = rescale_stock(s, bt->base_plans, &bt->scenario_plans, e);
    if (rc)
        return rc;
    scale_send_support(s, row);
    shift_years(s, until, bt->years);
    s->base_year = until;
    s->horizon = bt->years;
    observations(s, until, bt);
    return sc_fit_scenario(s, until, &bt->fit, e);
}

/* A distribution's mean as a fixed value (vectors: Dirichlet shares). */
static void fix_at_mean(sc_dist *d)
{
    switch (d->kind) {
    case SC_DIST_BETA:
        d->value[0] = d->p[0] / (d->p[0] + d->p[1]);
        break;
    case SC_DIST_NORMAL:
        d->value[0] = d->p[0];
        break;
    case SC_DIST_GAMMA:
        d->value[0] = d->p[0] * d->p[1];
        break;
    case SC_DIST_DIRICHLET: {
        double sum = 0;
        for (int j = 0; j < d->dim; j++)
            sum += d->value[j];
        for (int j = 0; j < d->dim; j++)
            d->value[j] /= sum;
        break;
    }
    case SC_DIST_BVNORMAL:
        break;      /* value[0..1] is already the mean */
    default:
        return;     /* fixed, Poisson, left out: nothing to fix */
    }
    d->kind = SC_DIST_FIXED;
}

void sc_backtest_fix_parameters(sc_scenario *s)
{
    for (int i = 0; i < SC_NPARAMS; i++)
        fix_at_mean(&s->param[i]);
}
