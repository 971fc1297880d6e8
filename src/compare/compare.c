/*
 * compare.c — paired differences B − A on common random numbers (compare.h).
 *
 * For each district metric both files keep per trajectory, and each year,
 * the n differences d_i = B_i − A_i are sorted and read at the 5th, 50th and
 * 95th percentiles by the engine's type 7 rule. The median of the
 * differences is not the difference of the medians: the two agree only when
 * the effect moves every trajectory by about the same amount; both are
 * reported so a reader can see which is which (docs/compare.md).
 */
#include "sendcast/compare.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sendcast/alloc.h"
#include "sendcast/text.h"
#include "sendcast/stats.h"

const double sc_compare_q[SC_COMPARE_NQ] = { 5, 50, 95 };

/* ---- can they be paired? --------------------------------------------------- */

/* Arrays of 64-char ids, passed as their first char (C17 cannot add const to
 * a pointer to array implicitly). */
static int same_ids(const char *x, const char *y, int n)
{
    for (int k = 0; k < n; k++)
        if (strcmp(x + 64 * k, y + 64 * k))
            return 0;
    return 1;
}

int sc_compare_check(const sc_result *a, const sc_result *b, int independent, sc_error *e)
{
    if (!independent && a->seed != b->seed)
        return SC_ERROR(e, SC_EINPUT, "compare: cannot pair %s with %s: the seeds differ "
                        "(%llu and %llu), so trajectory i is not the same world in both; "
                        "re-run one with -s %llu", a->path, b->path,
                        (unsigned long long)a->seed, (unsigned long long)b->seed,
                        (unsigned long long)a->seed);
    if (a->trajectories != b->trajectories)
        return SC_ERROR(e, SC_EINPUT, "compare: cannot pair %s with %s: they have %ld and "
                        "%ld trajectories; re-run one with -n %ld", a->path, b->path,
                        a->trajectories, b->trajectories, a->trajectories);
    if (a->years != b->years || a->base_year != b->base_year
        || memcmp(a->year, b->year, (size_t)a->years * sizeof *a->year))
        return SC_ERROR(e, SC_EINPUT, "compare: cannot pair %s with %s: the years differ "
                        "(base year %d, %d years against base year %d, %d years)", a->path,
                        b->path, a->base_year, a->years, b->base_year, b->years);
    if (a->nareas != b->nareas || !same_ids(a->area[0], b->area[0], a->nareas))
        return SC_ERROR(e, SC_EINPUT, "compare: cannot pair %s with %s: the areas differ",
                        a->path, b->path);
    if (a->nclusters != b->nclusters || !same_ids(a->cluster[0], b->cluster[0], a->nclusters)
        || memcmp(a->cluster_area, b->cluster_area, (size_t)a->nclusters * sizeof(int)))
        return SC_ERROR(e, SC_EINPUT, "compare: cannot pair %s with %s: the clusters (or "
                        "their areas) differ", a->path, b->path);
    /* requests: every result has them (a demand-only one has no money) */
    const sc_result_metric *ma = sc_result_metric_find(a, SC_LEVEL_DISTRICT, "requests");
    const sc_result_metric *mb = sc_result_metric_find(b, SC_LEVEL_DISTRICT, "requests");
    if (!ma || !ma->traj || !mb || !mb->traj)
        return SC_ERROR(e, SC_EINPUT, "compare: %s keeps no per-trajectory values "
                        "(/trajectories): it was made before they were kept, or in bounded "
                        "memory (too many trajectories for run --memory); re-run it with "
                        "this version and enough --memory",
                        !ma || !ma->traj ? a->path : b->path);
    return SC_OK;
}

/* ---- differences ------------------------------------------------------------ */

static void free_metric(sc_compare_metric *m)
{
    sc_free(m->q);
    sc_free(m->mean);
    sc_free(m->sd);
    sc_free(m->p_lower);
    sc_free(m->median_a);
    sc_free(m->median_b);
}

/* Median of column t of an [n][Y] block, x is n scratch. */
static double column_median(const double *v, long n, int years, int t, double *x)
{
    for (long i = 0; i < n; i++)
        x[i] = v[(size_t)i * (size_t)years + (size_t)t];
    sc_stats_sort(x, (size_t)n);
    return sc_stats_type7(x, (size_t)n, 0.5);
}

/* The mean of d[0..n) into *mean, and its sample variance (0 when n < 2):
 * every paired difference's sd and error is taken from it. */
static double mean_var(const double *d, long n, double *mean)
{
    double sum = 0, ss = 0;
    for (long i = 0; i < n; i++)
        sum += d[i];
    *mean = sum / (double)n;
    for (long i = 0; i < n; i++)
        ss += (d[i] - *mean) * (d[i] - *mean);
    return n > 1 ? ss / (double)(n - 1) : 0;
}

/* One year of one metric; d is n scratch. */
static void diff_year(const double *va, const double *vb, long n, int years, int t,
                      sc_compare_metric *m, double *d)
{
    long lower = 0;
    for (long i = 0; i < n; i++) {
        size_t at = (size_t)i * (size_t)years + (size_t)t;
        d[i] = vb[at] - va[at];
        lower += vb[at] < va[at];
    }
    m->sd[t] = sqrt(mean_var(d, n, &m->mean[t]));
    m->p_lower[t] = (double)lower / (double)n;
    sc_stats_sort(d, (size_t)n);
    for (int k = 0; k < SC_COMPARE_NQ; k++)
        m->q[(size_t)t * SC_COMPARE_NQ + (size_t)k] = sc_stats_type7(d, (size_t)n, sc_compare_q[k] / 100.0);
    m->median_a[t] = column_median(va, n, years, t, d);
    m->median_b[t] = column_median(vb, n, years, t, d);
}

static int diff_metric(const sc_result_metric *a, const sc_result_metric *b, long n, int years,
                       sc_compare_metric *m, double *scratch)
{
    snprintf(m->name, sizeof m->name, "%s", a->name);
    snprintf(m->unit, sizeof m->unit, "%s", a->unit);
    size_t y = (size_t)years;
    m->q = sc_calloc(y * SC_COMPARE_NQ, sizeof *m->q);
    m->mean = sc_calloc(y, sizeof *m->mean);
    m->sd = sc_calloc(y, sizeof *m->sd);
    m->p_lower = sc_calloc(y, sizeof *m->p_lower);
    m->median_a = sc_calloc(y, sizeof *m->median_a);
    m->median_b = sc_calloc(y, sizeof *m->median_b);
    if (!m->q || !m->mean || !m->sd || !m->p_lower || !m->median_a || !m->median_b)
        return SC_ENOMEM;
    for (int t = 0; t < years; t++)
        diff_year(a->traj, b->traj, n, years, t, m, scratch);
    return SC_OK;
}

/* P(met) in each run and their paired difference. NaN where no target;
 * d is n scratch. */
static void diff_targets(sc_compare *c, double *d)
{
    const sc_result *a = c->a, *b = c->b;
    long n = a->trajectories;
    for (int t = 0; t < c->years; t++) {
        c->p_met_a[t] = a->p_met[t];
        c->p_met_b[t] = b->p_met[t];
        c->p_met_diff[t] = b->p_met[t] - a->p_met[t];
        c->p_met_diff_mcse[t] = NAN;
        if (!a->met_traj || !b->met_traj)
            continue;
        for (long i = 0; i < n; i++)
            d[i] = b->met_traj[(size_t)i * (size_t)c->years + (size_t)t]
                   - a->met_traj[(size_t)i * (size_t)c->years + (size_t)t];
        double mean;
        c->p_met_diff_mcse[t] = n > 1 ? sqrt(mean_var(d, n, &mean) / (double)n) : NAN;
    }
}

/* Whether value v meets target g in year t: 1, 0, or NaN (no target). */
static double met(const sc_result_target *g, int t, double v)
{
    if (isnan(g->target[t]))
        return NAN;
    return g->at_least ? v >= g->target[t] : v <= g->target[t];
}

/* Target ga of A against gb of B, each against its own run's profile,
 * paired trajectory by trajectory through their metric's values; d is n
 * scratch. */
static int diff_other(const sc_compare *c, const sc_result_target *ga,
                      const sc_result_target *gb, sc_compare_target *out, double *d)
{
    size_t y = (size_t)c->years;
    snprintf(out->name, sizeof out->name, "%s", ga->name);
    snprintf(out->metric, sizeof out->metric, "%s", ga->metric);
    snprintf(out->unit, sizeof out->unit, "%s", ga->unit);
    out->at_least = ga->at_least;
    out->p_a = sc_calloc(y, sizeof(double));
    out->p_b = sc_calloc(y, sizeof(double));
    out->diff = sc_calloc(y, sizeof(double));
    out->diff_mcse = sc_calloc(y, sizeof(double));
    if (!out->p_a || !out->p_b || !out->diff || !out->diff_mcse)
        return SC_ENOMEM;
    const sc_result_metric *ma = sc_result_metric_find(c->a, SC_LEVEL_DISTRICT, ga->metric);
    const sc_result_metric *mb = sc_result_metric_find(c->b, SC_LEVEL_DISTRICT, gb->metric);
    long n = c->a->trajectories;
    for (int t = 0; t < c->years; t++) {
        double ta = ga->target[t], tb = gb->target[t];
        if (!out->differ && (isnan(ta) != isnan(tb) || (!isnan(ta) && ta != tb)))
            out->differ = t + 1;
        out->p_a[t] = ga->p_met[t];
        out->p_b[t] = gb->p_met[t];
        out->diff[t] = gb->p_met[t] - ga->p_met[t];
        out->diff_mcse[t] = NAN;
        if (!ma || !mb || !ma->traj || !mb->traj || isnan(out->diff[t]) || n < 2)
            continue;
        for (long i = 0; i < n; i++) {
            size_t at = (size_t)i * y + (size_t)t;
            d[i] = met(gb, t, mb->traj[at]) - met(ga, t, ma->traj[at]);
        }
        double mean;
        out->diff_mcse[t] = sqrt(mean_var(d, n, &mean) / (double)n);
    }
    return SC_OK;
}

static int diff_others(sc_compare *c, double *d)
{
    c->target = sc_calloc((size_t)(c->a->ntargets ? c->a->ntargets : 1), sizeof *c->target);
    if (!c->target)
        return SC_ENOMEM;
    for (int k = 0; k < c->a->ntargets; k++)
        for (int j = 0; j < c->b->ntargets; j++)
            if (!strcmp(c->a->targets[k].name, c->b->targets[j].name)
                && !strcmp(c->a->targets[k].metric, c->b->targets[j].metric)
                && c->a->targets[k].at_least == c->b->targets[j].at_least) {
                int rc = diff_other(c, &c->a->targets[k], &c->b->targets[j],
                                    &c->target[c->ntargets++], d);
                if (rc)
                    return rc;
            }
    return SC_OK;
}

static int compute(sc_compare *c, sc_error *e)
{
    const sc_result *a = c->a, *b = c->b;
    size_t y = (size_t)c->years;
    double *scratch = sc_calloc((size_t)a->trajectories, sizeof *scratch);
    c->metric = sc_calloc((size_t)a->nmetrics[SC_LEVEL_DISTRICT], sizeof *c->metric);
    c->p_met_a = sc_calloc(y, sizeof(double));
    c->p_met_b = sc_calloc(y, sizeof(double));
    c->p_met_diff = sc_calloc(y, sizeof(double));
    c->p_met_diff_mcse = sc_calloc(y, sizeof(double));
    int rc = scratch && c->metric && c->p_met_a && c->p_met_b && c->p_met_diff
             && c->p_met_diff_mcse ? SC_OK : SC_ENOMEM;
    for (int k = 0; !rc && k < a->nmetrics[SC_LEVEL_DISTRICT]; k++) {
        const sc_result_metric *ma = &a->metric[SC_LEVEL_DISTRICT][k];
        const sc_result_metric *mb = sc_result_metric_find(b, SC_LEVEL_DISTRICT, ma->name);
        if (ma->traj && mb && mb->traj)
            rc = diff_metric(ma, mb, a->trajectories, c->years, &c->metric[c->nmetrics++],
                             scratch);
    }
    if (!rc)
        diff_targets(c, scratch);
    if (!rc)
        rc = diff_others(c, scratch);
    sc_free(scratch);
    return rc ? SC_ERROR(e, SC_ENOMEM, "out of memory comparing %s with %s", a->path,
                         b->path)
              : SC_OK;
}

int sc_compare_compute(const sc_result *a, const sc_result *b, int independent,
                       sc_compare **out, sc_error *e)
{
    *out = NULL;
    int rc = sc_compare_check(a, b, independent, e);
    if (rc)
        return rc;
    sc_compare *c = sc_calloc(1, sizeof *c);
    if (!c)
        return SC_ERROR(e, SC_ENOMEM, "out of memory");
    c->a = a;
    c->b = b;
    c->independent = independent;
    c->years = a->years;
    if ((rc = compute(c, e))) {
        sc_compare_free(c);
        return rc;
    }
    *out = c;
    return SC_OK;
}

void sc_compare_free(sc_compare *c)
{
    if (!c)
        return;
    for (int k = 0; c->metric && k < c->nmetrics; k++)
        free_metric(&c->metric[k]);
    sc_free(c->metric);
    sc_free(c->p_met_a);
    sc_free(c->p_met_b);
    sc_free(c->p_met_diff);
    sc_free(c->p_met_diff_mcse);
    for (int k = 0; c->target && k < c->ntargets; k++) {
        sc_free(c->target[k].p_a);
        sc_free(c->target[k].p_b);
        sc_free(c->target[k].diff);
        sc_free(c->target[k].diff_mcse);
    }
    sc_free(c->target);
    sc_free(c);
}

const sc_compare_metric *sc_compare_find(const sc_compare *c, const char *name)
{
    for (int k = 0; k < c->nmetrics; k++)
        if (!strcmp(c->metric[k].name, name))
            return &c->metric[k];
    return NULL;
}

/* ---- the table ------------------------------------------------------------ */

static void print_metric(FILE *out, const sc_compare *c, const char *name, const char *title,
                         double scale, const char *lower_means)
{
    const sc_compare_metric *m = sc_compare_find(c, name);
    if (!m)
        return;
    fprintf(out, "\n%s, B - A%s\n", title, scale > 1 ? " (£m)" : "");
    fprintf(out, "year          p5        p50        p95 | median B - median A   %s\n",
            lower_means);
    for (int t = 0; t < c->years; t++) {
        const double *q = m->q + (size_t)t * SC_COMPARE_NQ;
        fprintf(out, "%s %10.2f %10.2f %10.2f | %19.2f   %.3f\n",
                sc_year_label(c->a->year[t]).s, q[0] / scale, q[1] / scale, q[2] / scale,
                (m->median_b[t] - m->median_a[t]) / scale, m->p_lower[t]);
    }
}

int sc_compare_targets_differ(const sc_compare *c)
{
    for (int t = 0; t < c->years; t++) {
        double a = c->a->target[t], b = c->b->target[t];
        if (isnan(a) != isnan(b) || (!isnan(a) && a != b))
            return t + 1;
    }
    return 0;
}

/* Whether run r has a target named name that the comparison pairs. */
static int paired(const sc_compare *c, const char *name)
{
    for (int k = 0; k < c->ntargets; k++)
        if (!strcmp(c->target[k].name, name))
            return 1;
    return 0;
}

/* The targets of one run alone, named: neither side's P(met) is compared. */
static void print_unpaired(FILE *out, const sc_compare *c, const sc_result *r, const char *side)
{
    for (int k = 0; k < r->ntargets; k++)
        if (!paired(c, r->targets[k].name))
            fprintf(out, "\nnote: target %s (%s) is in %s only (or on another metric or "
                    "direction in the other): not compared\n", r->targets[k].name,
                    r->targets[k].metric, side);
}

/* The other targets both runs have: P(met) in each and the paired difference. */
static void print_others(FILE *out, const sc_compare *c)
{
    for (int k = 0; k < c->ntargets; k++) {
        const sc_compare_target *g = &c->target[k];
        if (g->differ)
            fprintf(out, "\nwarning: A and B have different %s targets (first in %s): each "
                    "P(target met) below is against its own run's target\n", g->name,
                    sc_year_label(c->a->year[g->differ - 1]).s);
        fprintf(out, "\nTarget %s: P(target met), %s %s %s target\n"
                "year           A        B    B - A (paired se)\n", g->name, g->metric,
                g->at_least ? "at least" : "at most", g->differ ? "each run's own" : "the same");
        for (int t = 0; t < c->years; t++)
            fprintf(out, "%s %9.3f %8.3f   %+.3f (%.3f)\n", sc_year_label(c->a->year[t]).s,
                    g->p_a[t], g->p_b[t], g->diff[t], g->diff_mcse[t]);
    }
    print_unpaired(out, c, c->a, "A");
    print_unpaired(out, c, c->b, "B");
}

void sc_compare_print(FILE *out, const sc_compare *c)
{
    fprintf(out, "A: %s (%s)\nB: %s (%s)\n%ld trajectories paired one to one%s\n",
            c->a->path, c->a->scenario_name, c->b->path, c->b->scenario_name,
            c->a->trajectories,
            c->independent ? " (INDEPENDENT seeds: no common random numbers)"
                           : ", same seed: common random numbers");
    print_metric(out, c, "hnb_spend", "High Needs Block spend", 1e6, "P(B cheaper)");
    print_metric(out, c, "topup_spend", "Mainstream top-up spend", 1e6, "P(B cheaper)");
    print_metric(out, c, "hnb_balance", "In-year balance", 1e6, "P(B lower)");
    print_metric(out, c, "plans_total", "EHC plans in place", 1, "P(B fewer)");
    if (!c->a->has_costs || !c->b->has_costs) {
        print_metric(out, c, "requests", "Requests for assessment", 1, "P(B fewer)");
        print_metric(out, c, "new_plans", "New EHC plans", 1, "P(B fewer)");
        fprintf(out, "\n%s: no money to compare.\n", !c->a->has_costs && !c->b->has_costs
                ? "demand-only scenarios" : "one is a demand-only scenario");
    }
    if (c->a->has_finance && c->b->has_finance) {
        int differ = sc_compare_targets_differ(c);
        if (differ)
            fprintf(out, "\nwarning: A and B have different Safety Valve targets (first in "
                    "%s: A %.2f, B %.2f £m): each P(target met) below is against its own "
                    "run's target, so B - A mixes the policy's effect with the change of "
                    "target\n", sc_year_label(c->a->year[differ - 1]).s,
                    c->a->target[differ - 1] / 1e6, c->b->target[differ - 1] / 1e6);
        fprintf(out, "\nSafety Valve: P(target met), the in-year balance at least %s target"
                "\nyear           A        B    B - A (paired se)\n",
                differ ? "each run's own" : "the same");
        for (int t = 0; t < c->years; t++)
        fprintf(out, "%s %9.3f %8.3f   %+.3f (%.3f)\n", sc_year_label(c->a->year[t]).s,
                c->p_met_a[t], c->p_met_b[t], c->p_met_diff[t],
                c->p_met_diff_mcse[t]);
    }
    print_others(out, c);
    fprintf(out, "\nThe p5/p50/p95 are of the per-trajectory differences B_i - A_i; the median of "
            "the differences\nneed not equal the difference of the medians (docs/compare.md).\n");
}
