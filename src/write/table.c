/*
 * table.c — the end-of-run table, in £m, for people rather than programs.
 *
 * The table shows the 5th, 50th and 95th percentiles when the scenario asks
 * for them; otherwise the nearest percentiles it has, labelled as such.
 */
#include <math.h>

#include "sendcast/table.h"

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

static void year_label(char *buf, size_t n, int year)
{
    snprintf(buf, n, "%d/%02d", year, (year + 1) % 100);
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

void sc_table_print(FILE *out, const sc_scenario *s, const sc_layout *l, const sc_summary *sum)
{
    const int np = sc_summary_npercentiles(sum);
    const double *pv = sc_summary_percentiles(sum);
    const int lo = nearest(sum, 5), mid = nearest(sum, 50), hi = nearest(sum, 95);
    const double *hnb = sc_summary_pct(sum, SC_LEVEL_DISTRICT, SC_D_HNB_SPEND);
    const double *bal = sc_summary_pct(sum, SC_LEVEL_DISTRICT, SC_D_HNB_BALANCE);
    const double *top = sc_summary_pct(sum, SC_LEVEL_DISTRICT, SC_D_TOPUP_SPEND);
    const double *pm = sc_summary_p_met(sum), *pm_se = sc_summary_p_met_mcse(sum);
    char y[16];

    fprintf(out, "\n%s: %ld trajectories. Money in £m, nominal (after inflation).\n", s->name,
            sc_summary_trajectories(sum));
    fprintf(out, "\nHigh Needs Block: spend, in-year balance and the Safety Valve target\n");
    fprintf(out, "%-8s %26s | %8s %8s %14s\n", "", "HNB spend", "balance", "target", "");
    fprintf(out, "%-8s", "year");
    heading(out, pv[lo]);
    heading(out, pv[mid]);
    heading(out, pv[hi]);
    fprintf(out, " |");
    heading(out, pv[mid]);
    fprintf(out, " %8s %14s\n", "", "P(target met)");
    for (int t = 1; t <= l->years; t++) {
        int k = t - 1;
        year_label(y, sizeof y, s->base_year + t);
        fprintf(out, "%-8s", y);
        money(out, hnb[k * np + lo]);
        money(out, hnb[k * np + mid]);
        money(out, hnb[k * np + hi]);
        fprintf(out, " |");
        money(out, bal[k * np + mid]);
        money(out, s->target[t]);
        if (isnan(pm[k]))
            fprintf(out, " %14s\n", "-");
        else
            fprintf(out, "  %6.3f ± %.3f\n", pm[k], pm_se[k]);
    }

    fprintf(out, "\nMainstream top-up spend (the part devolved to clusters under cluster working)\n");
    fprintf(out, "%-8s", "year");
    heading(out, pv[lo]);
    heading(out, pv[mid]);
    heading(out, pv[hi]);
    fprintf(out, "   council's own projection\n");
    for (int t = 1; t <= l->years; t++) {
        int k = t - 1;
        year_label(y, sizeof y, s->base_year + t);
        fprintf(out, "%-8s", y);
        money(out, top[k * np + lo]);
        money(out, top[k * np + mid]);
        money(out, top[k * np + hi]);
        if (isnan(s->projection_topup[t]))
            fprintf(out, "\n");
        else
            fprintf(out, "   %8.2f (council)\n", s->projection_topup[t] / 1e6);
    }
    fprintf(out, "\nBands are Monte Carlo percentiles over trajectories: parameter uncertainty and "
                 "year-to-year variability together.\n");
}
