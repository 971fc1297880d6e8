/*
 * finance.c — cluster working (ramp, early support, budgets, contingency) and
 * the finance section (fixed lines, grant, transfers, Safety Valve, the
 * council's own projection).
 *
 * Each year table is completed here by the rule docs/scenario.md gives for
 * it, so the simulation reads a number (or NaN for "no target") for every
 * year 0..horizon: the ramp holds its last value, money not given is 0, the
 * grant grows from the year before, and cluster budgets must be given for
 * every simulated year.
 */
#include "scn_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sendcast/alloc.h"

/* ---- cluster working ---- */

/* Base-year top-up spend of cluster c: its plans by band at the band tariffs. */
static double topup_spend(const sc_scenario *s, int c)
{
    double sum = 0;
    for (int b = 0; b < s->nbands; b++)
        sum += (double)s->clusters[c].band_stock[b] * s->topup[b];
    return sum;
}

static int budget_total(scn_ctx *r, const scn_val *v, double *part)
{
    sc_scenario *s = r->s;
    const int C = s->nclusters;
    scn_years y;
    if (scn_year_table(r, v, &scn_money, "cluster_working.budgets.total", &y))
        return scn_fail(r);
    for (int t = 1; t <= s->horizon; t++)
        if (!y.have[t])
            return SCN_ERR(r, v, "no budget total for %d: every simulated year (%d..%d) needs one",
                           s->base_year + t, s->base_year + 1, s->base_year + s->horizon);
    double all = 0;
    for (int c = 0; c < C; c++)
        all += topup_spend(s, c);
    if (!(all > 0))
        return SCN_ERR(r, v, "cannot share the total by base-year top-up spend: the clusters' "
                       "top-up spend is zero");
    for (int t = 0; t <= s->horizon; t++) {
        s->cluster_budget_total[t] = y.have[t] ? y.v[t] : NAN;
        for (int c = 0; c < C; c++)
            part[t * C + c] = s->cluster_budget_total[t] * (topup_spend(s, c) / all);
    }
    return SC_OK;
}

static int budget_uplift(scn_ctx *r, const scn_val *v, double *part)
{
    sc_scenario *s = r->s;
    const int C = s->nclusters;
    double u;
    if (scn_number(r, v, &scn_growth, "cluster_working.budgets.uplift", "", 0, &u))
        return scn_fail(r);
    for (int t = 0; t <= s->horizon; t++) {
        s->cluster_budget_total[t] = 0;
        for (int c = 0; c < C; c++) {
            part[t * C + c] = topup_spend(s, c) * pow(1 + u, t);
            s->cluster_budget_total[t] += part[t * C + c];
        }
    }
    return SC_OK;
}

typedef struct budget_csv {
    scn_csv *t;
    int ccol, ycol, bcol;
    char status[SC_ID_MAX];
    const scn_val *at;
} budget_csv;

static int budget_row(scn_ctx *r, const budget_csv *b, int row, double *part, unsigned char *have)
{
    static const scn_dom year = { 1, 9999, 0, 0, 1, "a year (a whole number)" };
    sc_scenario *s = r->s;
    const scn_csv *t = b->t;
    char id[SC_ID_MAX], status[SC_ID_MAX], source[SC_TEXT_MAX];
    double yr, x;
    if (scn_csv_text(r, t, row, b->ccol, id, sizeof id, b->at)
        || scn_csv_number(r, t, row, b->ycol, &year, b->at, &yr))
        return scn_fail(r);
    int c = scn_cluster_index(r, id), tt = (int)yr - s->base_year;
    const char *problem = c < 0 ? "unknown cluster" : tt < 0 ? "year before the base year" : NULL;
    if (!problem && tt <= s->horizon && have[tt * s->nclusters + c])
        problem = "second budget for this cluster and year";
    if (problem) {
        SC_ERROR_AT(r->e, t->path, t->line[row], 0, "%s (cluster '%s', year %d)", problem, id,
                    (int)yr);
        return scn_ref_context(r, b->at);
    }
    if (tt > s->horizon)
        return SC_OK;
    if (scn_csv_number(r, t, row, b->bcol, &scn_money, b->at, &x)
        || scn_csv_provenance(r, t, row, b->at, status, source))
        return scn_fail(r);
    have[tt * s->nclusters + c] = 1;
    part[tt * s->nclusters + c] = x;
    return scn_record(r, "cluster_working.budgets.table", id, (int)yr, x,
                      b->status[0] ? b->status : status, source);
}

static int budget_rows(scn_ctx *r, const budget_csv *b, double *part, unsigned char *have)
{
    sc_scenario *s = r->s;
    for (int row = 0; row < b->t->nrows; row++)
        if (budget_row(r, b, row, part, have))
            return scn_fail(r);
    for (int t = 0; t <= s->horizon; t++) {
        s->cluster_budget_total[t] = 0;
        for (int c = 0; c < s->nclusters; c++) {
            if (!have[t * s->nclusters + c] && t > 0)
                return SCN_ERR(r, b->at, "%s has no budget for cluster '%s' in %d (every cluster "
                               "needs one for every simulated year)", b->t->path,
                               s->clusters[c].id, s->base_year + t);
            if (!have[t * s->nclusters + c])
                part[t * s->nclusters + c] = NAN;
            s->cluster_budget_total[t] += part[t * s->nclusters + c];
        }
    }
    return SC_OK;
}

static int budget_table(scn_ctx *r, const scn_val *v, double *part)
{
    static const scn_key keys[] = { { "csv", 1 }, { "status", 0 } };
    scn_val k[2];
    budget_csv b = { .at = v };
    if (scn_map(r, v, keys, 2, k) || (k[1].n && scn_str(r, &k[1], b.status, sizeof b.status))
        || scn_csv_open(r, &k[0], &b.t) || scn_csv_need(r, &k[0], b.t, "cluster", &b.ccol)
        || scn_csv_need(r, &k[0], b.t, "year", &b.ycol)
        || scn_csv_need(r, &k[0], b.t, "budget", &b.bcol))
        return scn_fail(r);
    size_t n = (size_t)(r->s->horizon + 1) * (size_t)r->s->nclusters;
    unsigned char *have = sc_calloc(n, 1);
    if (!have)
        return SCN_NOMEM(r);
    int rc = budget_rows(r, &b, part, have);
    sc_free(have);
    return rc;
}

static int budgets(scn_ctx *r, const scn_val *v)
{
    static const scn_key keys[] = { { "total", 0 }, { "uplift", 0 }, { "table", 0 } };
    sc_scenario *s = r->s;
    scn_val k[3];
    if (scn_map(r, v, keys, 3, k))
        return scn_fail(r);
    if (!!k[0].n + !!k[1].n + !!k[2].n != 1)
        return SCN_ERR(r, v, "expected exactly one of total, uplift or table");
    const int C = s->nclusters;
    s->cluster_budget = sc_calloc((size_t)(s->horizon + 1) * (size_t)C, sizeof *s->cluster_budget);
    if (!s->cluster_budget)
        return SCN_NOMEM(r);
    double *b = s->cluster_budget;
    int rc = k[0].n ? budget_total(r, &k[0], b)
                    : k[1].n ? budget_uplift(r, &k[1], b) : budget_table(r, &k[2], b);
    if (rc)
        return rc;
    for (int t = 0; t <= s->horizon; t++)
        for (int c = 0; c < C; c++)
            b[t * C + c] += s->clusters[c].early_support * s->ramp[t];
    return SC_OK;
}

/* Before the first year given the ramp is 0; after it, each year keeps the
 * last value given. */
static int ramp(scn_ctx *r, const scn_val *v)
{
    scn_years y;
    if (scn_year_table(r, v, &scn_prob, "cluster_working.ramp", &y))
        return scn_fail(r);
    double last = y.before_year ? y.before_v : 0;   /* read leniently: held from before */
    for (int t = 0; t <= r->s->horizon; t++) {
        if (y.have[t])
            last = y.v[t];
        r->s->ramp[t] = last;
    }
    return SC_OK;
}

/* Money sections need the costs they spend: top-up tariffs and unit costs. */
static int needs_costs(scn_ctx *r, const scn_val *v, const char *section)
{
    if (r->s->has_costs)
        return SC_OK;
    return SCN_ERR(r, v, "%s needs the scenario's costs: bands.topup (top-up tariffs) and "
                   "placements.<p>.unit_cost; a demand-only scenario leaves out bands, "
                   "cluster_working and finance altogether", section);
}

/* Without the section: no ramp, no early support, budgets of 0 (never
 * written: the result leaves cluster working's metrics out). */
static int no_cluster_working(scn_ctx *r, const scn_val *at)
{
    sc_scenario *s = r->s;
    r->es_total = 0;
    s->contingency_share = 0;
    s->cluster_budget = sc_calloc((size_t)(s->horizon + 1) * (size_t)s->nclusters,
                                  sizeof *s->cluster_budget);
    if (!s->cluster_budget)
        return SCN_NOMEM(r);
    return scn_early_support(r, at);
}

int scn_cluster_working(scn_ctx *r, const scn_val *v)
{
    static const scn_key keys[] = { { "ramp", 1 }, { "early_support_total", 0 },
                                    { "contingency_share", 0 }, { "budgets", 1 } };
    scn_val k[4];
    if (!v->n)
        return no_cluster_working(r, &r->root);
    if (needs_costs(r, v, "cluster_working"))
        return scn_fail(r);
    r->s->has_cluster_working = 1;
    if (scn_map(r, v, keys, 4, k) || ramp(r, &k[0]))
        return scn_fail(r);
    r->es_total = 0;
    if (k[1].n && scn_number(r, &k[1], &scn_money, "cluster_working.early_support_total", "", 0,
                             &r->es_total))
        return scn_fail(r);
    if (k[2].n && scn_number(r, &k[2], &scn_prob, "cluster_working.contingency_share", "", 0,
                             &r->s->contingency_share))
        return scn_fail(r);
    if (scn_early_support(r, k[1].n ? &k[1] : v) || budgets(r, &k[3]))
        return scn_fail(r);
    return scn_cluster_lever(r);
}

/* ---- finance ---- */

/* A year table whose missing years take `missing`; absent entirely: all. */
static int years_or(scn_ctx *r, const scn_val *v, const scn_dom *d, const char *name,
                    double missing, double *out)
{
    scn_years y = { .n = 0 };
    if (v->n && scn_year_table(r, v, d, name, &y))
        return scn_fail(r);
    for (int t = 0; t <= r->s->horizon; t++)
        out[t] = y.have[t] ? y.v[t] : missing;
    return SC_OK;
}

static int grant(scn_ctx *r, const scn_val *v)
{
    static const scn_key keys[] = { { "table", 1 }, { "growth", 0 } };
    sc_scenario *s = r->s;
    scn_val k[2];
    scn_years y;
    double g = 0;
    if (scn_map(r, v, keys, 2, k) || scn_year_table(r, &k[0], &scn_money, "finance.grant", &y))
        return scn_fail(r);
    if (k[1].n && scn_number(r, &k[1], &scn_growth, "finance.grant.growth", "", 0, &g))
        return scn_fail(r);
    if (!y.have[0] && r->lenient_years && y.before_year && k[1].n) {
        /* A table written for an earlier base year: grow its latest year to ours. */
        y.v[0] = y.before_v * pow(1 + g, s->base_year - y.before_year);
        y.have[0] = 1;
    }
    if (!y.have[0])
        return SCN_ERR(r, &k[0], "expected a grant for the base year %d in the table (later "
                       "years grow from it)", s->base_year);
    s->grant[0] = y.v[0];
    for (int t = 1; t <= s->horizon; t++) {
        if (y.have[t]) {
            s->grant[t] = y.v[t];
            continue;
        }
        if (!k[1].n)
            return SCN_ERR(r, v, "missing required key 'growth': the grant table has no %d, and "
                           "growth fills the years it leaves out", s->base_year + t);
        s->grant[t] = s->grant[t - 1] * (1 + g);
        char source[SC_TEXT_MAX];
        snprintf(source, sizeof source, "%d grant grown by finance.grant.growth %g",
                 s->base_year + t - 1, g);
        int rc = scn_record(r, "finance.grant", "", s->base_year + t, s->grant[t], "derived",
                            source);
        if (rc)
            return rc;
    }
    return SC_OK;
}

/* In-year balance targets are income - spend in pounds, so "an overspend of
 * at most 12m" is -12000000: a large positive target (10% of the base-year
 * grant or more) or a tiny one (under 0.01% of it: millions written as
 * pounds) is most likely a slip, though allowed. */
static int target_warnings(scn_ctx *r, const scn_val *at)
{
    const sc_scenario *s = r->s;
    const double g = s->grant[0];
    int rc = SC_OK;
    for (int t = 0, big = 0, small = 0; !rc && t <= s->horizon; t++) {
        double x = s->target[t];
        if (isnan(x) || x == 0 || !(g > 0))
            continue;
        if (x >= 0.1 * g && !big++)
            rc = scn_warn(r, at, "a positive in-year balance target of %.0f (%d) asks for a "
                          "surplus of £%.1fm; the balance is income - spend, so an overspend "
                          "of at most £%.1fm is written %.0f", x, s->base_year + t, x / 1e6,
                          x / 1e6, -x);
        else if (fabs(x) < 1e-4 * g && !small++)
            rc = scn_warn(r, at, "a target of %g (%d) is tiny beside the grant of £%.1fm: "
                          "targets are in pounds (£%gm is %.0f)", x, s->base_year + t, g / 1e6,
                          x, x * 1e6);
    }
    return rc;
}

static int safety_valve(scn_ctx *r, const scn_val *v)
{
    static const scn_key keys[] = { { "payments", 0 }, { "conditional", 0 }, { "targets", 0 } };
    sc_scenario *s = r->s;
    scn_val k[3] = { { .n = NULL } };
    if (v->n && scn_map(r, v, keys, 3, k))
        return scn_fail(r);
    s->sv_conditional = 0;
    if (years_or(r, &k[0], &scn_money, "finance.safety_valve.payments", 0.0, s->sv_payment)
        || (k[1].n && scn_bool(r, &k[1], &s->sv_conditional))
        || years_or(r, &k[2], &scn_money_signed, "finance.safety_valve.targets", NAN, s->target))
        return scn_fail(r);
    return target_warnings(r, &k[2]);
}

static int projection(scn_ctx *r, const scn_val *v)
{
    static const scn_key keys[] = { { "topup_spend", 1 } };
    scn_val k[1] = { { .n = NULL } };
    if (v->n && scn_map(r, v, keys, 1, k))
        return scn_fail(r);
    return years_or(r, &k[0], &scn_money, "finance.council_projection.topup_spend", NAN,
                    r->s->projection_topup);
}

int scn_finance(scn_ctx *r, const scn_val *v)
{
    static const scn_key keys[] = { { "fixed_lines", 1 }, { "opening_deficit", 1 },
                                    { "grant", 1 }, { "transfers", 0 },
                                    { "safety_valve", 0 }, { "council_projection", 0 } };
    sc_scenario *s = r->s;
    scn_val k[6];
    if (!v->n)      /* no money in or out: grant, transfers, payments 0, no targets */
        return SC_OK;
    if (needs_costs(r, v, "finance"))
        return scn_fail(r);
    s->has_finance = 1;
    if (scn_map(r, v, keys, 6, k)
        || scn_number(r, &k[0], &scn_money, "finance.fixed_lines", "", 0, &s->fixed_lines)
        || scn_number(r, &k[1], &scn_money_signed, "finance.opening_deficit", "", 0, &s->opening_deficit)
        || grant(r, &k[2])
        || years_or(r, &k[3], &scn_money_signed, "finance.transfers", 0.0, s->transfers)
        || safety_valve(r, &k[4]) || projection(r, &k[5]))
        return scn_fail(r);
    return SC_OK;
}
