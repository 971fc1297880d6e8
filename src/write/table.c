/*
 * table.c — the end-of-run table, in £m, for people rather than programs.
 *
 * The table shows the 5th, 50th and 95th percentiles when the scenario asks
 * for them; otherwise the nearest percentiles it has, labelled as such.
 */
#include <math.h>
#include <string.h>

#include "sendcast/table.h"
#include "sendcast/text.h"

/* Index of the requested percentile closest to want. */
static int nearest(const sc_summary *sum, double want)
{
    const double *p = sc_summary_percentiles(sum);
    int best = 0;
    for (int j = 1; j < sc_summary_npercentiles(sum); j++)
        if (fabs(p[j] - want) < fabs(p[best] - want))
            best = j;
    return best;
}

/* A right-aligned column heading "p5", "p50", ... */
static void heading(FILE *out, double p)
{
    char buf[16];
    snprintf(buf, sizeof buf, "p%g", p);
    fprintf(out, " %8s", buf);
}

static void money(FILE *out, double v)
{
    if (isnan(v))
        fprintf(out, " %8s", "-");
    else
        fprintf(out, " %8.2f", v / 1e6);
}

/* "year  p5  p50  p95" headings for a band. */
static void band_heading(FILE *out, const double *pv, int lo, int mid, int hi)
{
    fprintf(out, "%-8s", "year");
    heading(out, pv[lo]);
    heading(out, pv[mid]);
    heading(out, pv[hi]);
}

/* One year of a band: its label, then the low, middle and high percentiles. */
static void band_row(FILE *out, int year, const double *row, int lo, int mid, int hi)
{
    fprintf(out, "%-8s", sc_year_label(year).s);
    money(out, row[lo]);
    money(out, row[mid]);
    money(out, row[hi]);
}

/* Decimals that show the first significant digit of a bound b (at least 4):
 * 3 / 10^6 is 0.000003, not 0.0000. */
static int bound_digits(double b)
{
    int d = 4;
    while (d < 12 && b < 0.95 * pow(10, -d))
        d++;
    return d;
}

/* The status of the targets as the scenario recorded it ("illustrative",
 * "published", ...), so nobody mistakes an illustrative glide path for the
 * agreement's own. NULL when the scenario has no targets. */
static const char *input_status(const sc_scenario *s, const char *name)
{
    for (int k = 0; k < s->ninputs; k++)
        if (!strcmp(s->inputs[k].name, name))
            return s->inputs[k].status;
    return NULL;
}

static const char *target_status(const sc_scenario *s)
{
    return input_status(s, "finance.safety_valve.targets");
}

static void money_tables(FILE *out, const sc_scenario *s, const sc_layout *l,
                         const sc_summary *sum);

/* A count, or "-" for NaN. */
static void count(FILE *out, double v)
{
    if (isnan(v))
        fprintf(out, " %7s", "-");
    else
        fprintf(out, " %7.0f", v);
}

/* Requests, new plans and plans in place: the demand every scenario has, and
 * all a demand-only scenario has. */
static void demand_table(FILE *out, const sc_scenario *s, const sc_layout *l,
                         const sc_summary *sum)
{
    static const struct { int metric; const char *title; } cols[] = {
        { SC_D_REQUESTS, "requests" }, { SC_D_NEW_PLANS, "new plans" },
        { SC_D_PLANS_TOTAL, "plans in place" },
    };
    const int np = sc_summary_npercentiles(sum);
    const double *pv = sc_summary_percentiles(sum);
    const int lo = nearest(sum, 5), mid = nearest(sum, 50), hi = nearest(sum, 95);
    fprintf(out, "\nDemand: requests for assessment, new EHC plans and plans in place\n");
    fprintf(out, "%-8s", "");
    for (size_t k = 0; k < sizeof cols / sizeof cols[0]; k++)
        fprintf(out, "%s %-23.23s", k ? " |" : "", cols[k].title);
    fprintf(out, "\n%-8s", "year");
    for (size_t k = 0; k < sizeof cols / sizeof cols[0]; k++) {
        fprintf(out, "%s", k ? " |" : "");
        for (int j = 0; j < 3; j++) {
            char buf[16];
            snprintf(buf, sizeof buf, "p%g", pv[j == 0 ? lo : j == 1 ? mid : hi]);
            fprintf(out, " %7s", buf);
        }
    }
    fputc('\n', out);
    for (int t = 1; t <= l->years; t++) {
        fprintf(out, "%-8s", sc_year_label(s->base_year + t).s);
        for (size_t k = 0; k < sizeof cols / sizeof cols[0]; k++) {
            const double *row = sc_summary_pct(sum, SC_LEVEL_DISTRICT, cols[k].metric)
                                + (size_t)(t - 1) * (size_t)np;
            fprintf(out, "%s", k ? " |" : "");
            count(out, row[lo]);
            count(out, row[mid]);
            count(out, row[hi]);
        }
        fputc('\n', out);
    }
}

static void other_target(FILE *out, const sc_scenario *s, const sc_layout *l,
                         const sc_summary *sum, int k);

void sc_table_print(FILE *out, const sc_scenario *s, const sc_layout *l, const sc_summary *sum)
{
    if (!s->has_costs) {
        fprintf(out, "\n%s: %ld trajectories.\n", s->name, sc_summary_trajectories(sum));
        demand_table(out, s, l, sum);
        fprintf(out, "\ndemand-only scenario: no money (it gives no costs, finance or cluster "
                "working, so the result holds no spend, balance or Safety Valve target).\n");
        for (int k = 0; k < s->ntargets; k++)
            other_target(out, s, l, sum, k);
        fprintf(out, "\nBands are Monte Carlo percentiles over trajectories: parameter "
                "uncertainty and year-to-year variability together.\n");
        return;
    }
    money_tables(out, s, l, sum);
}

/* P(met) and its error as the Safety Valve column prints it. */
static void p_met_cell(FILE *out, double p, double se, double n)
{
    if (isnan(p))
        fprintf(out, " %14s\n", "-");
    else if (p == 0 || p == 1)   /* no spread to show: the rule of three's 95% bound */
        fprintf(out, "  %6.3f (%s %.*f)\n", p, p == 0 ? "<" : ">", bound_digits(3.0 / n),
                p == 0 ? 3.0 / n : 1 - 3.0 / n);
    else if (p < 0.001 || p > 0.999)   /* 1 of 10,000 is 0.0001, not 0.000 */
        fprintf(out, "  %6.4f ± %.4f\n", p, se);
    else
        fprintf(out, se < 0.001 ? "  %6.3f ± %.4f\n" : "  %6.3f ± %.3f\n", p, se);
}

/* A target of the `targets:` section: its metric's band, the target and
 * P(met) by year (money in £m), then P(every year's target met). */
static void other_target(FILE *out, const sc_scenario *s, const sc_layout *l,
                         const sc_summary *sum, int k)
{
    const sc_target *g = &s->targets[k];
    const sc_metric_info *mi = &sc_layout_metrics(SC_LEVEL_DISTRICT)[g->metric];
    const int np = sc_summary_npercentiles(sum);
    const double *pv = sc_summary_percentiles(sum);
    const int lo = nearest(sum, 5), mid = nearest(sum, 50), hi = nearest(sum, 95);
    const double *pct = sc_summary_pct(sum, SC_LEVEL_DISTRICT, g->metric);
    const double n = (double)sc_summary_trajectories(sum);
    int money_ = !strcmp(mi->unit, "GBP");
    double se;
    fprintf(out, "\nTarget %s: %s %s each year's value%s\n", g->name, mi->name,
            g->at_least ? "at least" : "at most", money_ ? " (£m)" : "");
    band_heading(out, pv, lo, mid, hi);
    fprintf(out, " | %8s %14s\n", "target", "P(target met)");
    for (int t = 1; t <= l->years; t++) {
        const double *row = pct + (t - 1) * np;
        double scale = money_ ? 1e6 : 1;
        fprintf(out, "%-8s %8.2f %8.2f %8.2f |", sc_year_label(s->base_year + t).s,
                row[lo] / scale, row[mid] / scale, row[hi] / scale);
        if (isnan(g->value[t]))
            fprintf(out, " %8s", "-");
        else
            fprintf(out, " %8.2f", g->value[t] / scale);
        double p = sc_summary_p_cell(sum, l->xmet_offset + (size_t)k * l->years + (size_t)(t - 1),
                                     &se);
        p_met_cell(out, p, se, n);
    }
    double all = sc_summary_p_cell(sum, l->xall_offset + (size_t)k, &se);
    fprintf(out, "P(every year's target met):");
    p_met_cell(out, all, se, n);
    char name[64];
    snprintf(name, sizeof name, "targets.%s", g->name);
    const char *status = input_status(s, name);
    if (status)
        fprintf(out, "Its status in the scenario: %s%s\n", status,
                strstr(status, "illustrative") ? "; P(target met) is only as good as it" : "");
}

/* The High Needs Block with the Safety Valve (when the scenario has finance),
 * then top-up spend. */
static void money_tables(FILE *out, const sc_scenario *s, const sc_layout *l,
                         const sc_summary *sum)
{
    const int np = sc_summary_npercentiles(sum);
    const double *pv = sc_summary_percentiles(sum);
    const int lo = nearest(sum, 5), mid = nearest(sum, 50), hi = nearest(sum, 95);
    const double *hnb = sc_summary_pct(sum, SC_LEVEL_DISTRICT, SC_D_HNB_SPEND);
    const double *bal = sc_summary_pct(sum, SC_LEVEL_DISTRICT, SC_D_HNB_BALANCE);
    const double *top = sc_summary_pct(sum, SC_LEVEL_DISTRICT, SC_D_TOPUP_SPEND);
    const double *pm = sc_summary_p_met(sum), *pm_se = sc_summary_p_met_mcse(sum);
    const double n = (double)sc_summary_trajectories(sum);

    fprintf(out, "\n%s: %ld trajectories. Money in £m, cash terms (nominal).\n", s->name,
            sc_summary_trajectories(sum));
    if (!s->has_finance) {
        fprintf(out, "\nNo finance section: no High Needs Block spend, balance or Safety Valve "
                "target.\n");
        goto topup;
    }
    fprintf(out, "\nHigh Needs Block: spend, in-year balance and the Safety Valve target\n");
    fprintf(out, "%-8s %26s | %8s %8s %14s\n", "", "HNB spend", "balance", "target", "");
    band_heading(out, pv, lo, mid, hi);
    fprintf(out, " |");
    heading(out, pv[mid]);
    fprintf(out, " %8s %14s\n", "", "P(target met)");
    for (int t = 1; t <= l->years; t++) {
        int k = t - 1;
        band_row(out, s->base_year + t, hnb + k * np, lo, mid, hi);
        fprintf(out, " |");
        money(out, bal[k * np + mid]);
        money(out, s->target[t]);
        p_met_cell(out, pm[k], pm_se[k], n);
    }

    const char *status = target_status(s);
    if (status)
        fprintf(out, "Safety Valve targets' status in the scenario: %s%s\n", status,
                strstr(status, "illustrative") ? "; P(target met) is only as good as them" : "");
    for (int k = 0; k < s->ntargets; k++)
        other_target(out, s, l, sum, k);

topup:
    fprintf(out, "\nMainstream top-up spend (the part devolved to clusters under cluster working)\n");
    band_heading(out, pv, lo, mid, hi);
    fprintf(out, "   council's own projection\n");
    for (int t = 1; t <= l->years; t++) {
        int k = t - 1;
        band_row(out, s->base_year + t, top + k * np, lo, mid, hi);
        if (isnan(s->projection_topup[t]))
            fprintf(out, "\n");
        else
            fprintf(out, "   %8.2f (council)\n", s->projection_topup[t] / 1e6);
    }
    fprintf(out, "\nBands are Monte Carlo percentiles over trajectories: parameter uncertainty and "
                 "year-to-year variability together.\n");
    if (s->has_finance)
        fprintf(out, "± is the Monte Carlo standard error; where no trajectory (or every one) met "
                "the target, the bracket gives the 95%% bound.\n");
}
