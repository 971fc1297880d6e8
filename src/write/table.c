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
static const char *target_status(const sc_scenario *s)
{
    for (int k = 0; k < s->ninputs; k++)
        if (!strcmp(s->inputs[k].name, "finance.safety_valve.targets"))
            return s->inputs[k].status;
    return NULL;
}

void sc_table_print(FILE *out, const sc_scenario *s, const sc_layout *l, const sc_summary *sum)
{
    const int np = sc_summary_npercentiles(sum);
    const double *pv = sc_summary_percentiles(sum);
    const int lo = nearest(sum, 5), mid = nearest(sum, 50), hi = nearest(sum, 95);
    const double *hnb = sc_summary_pct(sum, SC_LEVEL_DISTRICT, SC_D_HNB_SPEND);
    const double *bal = sc_summary_pct(sum, SC_LEVEL_DISTRICT, SC_D_HNB_BALANCE);
    const double *top = sc_summary_pct(sum, SC_LEVEL_DISTRICT, SC_D_TOPUP_SPEND);
    const double *pm = sc_summary_p_met(sum), *pm_se = sc_summary_p_met_mcse(sum);
    const double n = (double)sc_summary_trajectories(sum);

    fprintf(out, "\n%s: %ld trajectories. Money in £m, nominal (after inflation).\n", s->name,
            sc_summary_trajectories(sum));
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
        if (isnan(pm[k]))
            fprintf(out, " %14s\n", "-");
        else if (pm[k] == 0 || pm[k] == 1)   /* no spread to show: the rule of three's 95% bound */
            fprintf(out, "  %6.3f (%s %.*f)\n", pm[k], pm[k] == 0 ? "<" : ">",
                    bound_digits(3.0 / n), pm[k] == 0 ? 3.0 / n : 1 - 3.0 / n);
        else
            fprintf(out, pm_se[k] < 0.001 ? "  %6.3f ± %.4f\n" : "  %6.3f ± %.3f\n", pm[k],
                    pm_se[k]);
    }

    const char *status = target_status(s);
    if (status)
        fprintf(out, "Safety Valve targets' status in the scenario: %s%s\n", status,
                strstr(status, "illustrative") ? "; P(target met) is only as good as them" : "");

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
                 "year-to-year variability together.\n± is the Monte Carlo standard error; where no "
                 "trajectory (or every one) met the target, the bracket gives the 95%% bound.\n");
}
