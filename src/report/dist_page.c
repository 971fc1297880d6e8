/*
 * dist_page.c — the report's section "What is the chance it passes £X?"
 * (report.h, sc_report_dist_section): for each target the run has (the
 * Safety Valve's last agreement year; each other target's last year with a
 * value) and for the cumulative deficit in the last year, the distribution
 * chart (histogram over P(value < x), the target marked: distribution.h) and
 * a short table of P below and above a few round amounts around the median.
 * The steering group's question is rarely "what is the median?" but "how
 * likely is it to be worse than £X?", and a table of round amounts answers it
 * without reading a curve.
 */
#include "sendcast/report.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sendcast/distribution.h"
#include "sendcast/text.h"

/* Chart numbers for the embedding's id prefixes: beyond the report's own
 * and sensitivity's (100 ...). */
#define CHART_DIST 200
#define NROUND 5

static void p_cell(FILE *f, const sc_cdf *d, double p, double mcse, int bound)
{
    fputs("<td>", f);
    sc_text_html(f, sc_cdf_p_label(d, p, mcse, bound).s);
    fputs("</td>", f);
}

/* The table of P below and above each round amount. */
static void dist_table(FILE *f, const sc_cdf *d, const double *x, int nx)
{
    int deficit = !strcmp(d->m->name, "cumulative_deficit");
    fputs("<table><tr><th>x</th><th>P(", f);
    sc_text_html(f, d->m->name);
    fputs(" below x)</th><th>", f);
    if (deficit)
        fputs("P(deficit exceeds x)", f);
    else {
        fputs("P(", f);
        sc_text_html(f, d->m->name);
        fputs(" above x)", f);
    }
    fputs("</th></tr>\n", f);
    for (int j = 0; j < nx; j++) {
        sc_cdf_prob p = sc_cdf_at(d, x[j]);
        fputs("<tr><td>", f);
        sc_text_html(f, sc_cdf_value_label(d, x[j]).s);
        fputs("</td>", f);
        p_cell(f, d, p.below, p.mcse, p.bound);
        p_cell(f, d, p.above, p.mcse_above, -p.bound);
        fputs("</tr>\n", f);
    }
    fputs("</table>\n", f);
}

/* One output in year index t: heading, chart, table. */
static int one(FILE *f, const sc_result *r, const char *metric, int t, int k,
               sc_sens_embed_fn embed, sc_error *e)
{
    char year[16];
    snprintf(year, sizeof year, "%d", r->year[t]);
    sc_cdf d;
    int rc = sc_cdf_open(r, metric, NULL, year, &d, e);
    if (rc)
        return rc;
    double x[NROUND];
    int nx = sc_cdf_round_thresholds(&d, NROUND, x);
    fputs("<h3>", f);
    sc_text_html(f, metric);
    fprintf(f, " in %s", sc_year_label(r->year[t]).s);
    if (d.target_name[0]) {
        fputs(": target ", f);
        sc_text_html(f, sc_cdf_value_label(&d, d.target).s);
        fputs(", P(met) ", f);
        sc_text_html(f, sc_prob_label(d.p_met, d.n).s);
    }
    fputs("</h3>\n", f);
    sc_chart_to to = { NULL, 0, NULL, 0 };
    rc = sc_cdf_chart(&d, x, nx, "svg", &to, e);
    if (!rc)
        rc = embed(f, to.bytes, to.len, CHART_DIST + k, e);
    if (!rc)
        dist_table(f, &d, x, nx);
    sc_cdf_close(&d);
    return rc;
}

static void intro(FILE *f, int exact)
{
    fputs("<h2>What is the chance it passes &pound;X?</h2>\n<p>Each chart shows one output in "
          "one year: above, how the trajectories spread (a histogram); below, on the same "
          "axis, the chance the output ends below each value (gridlines every 10%), with the "
          "target as a red line. The tables read that chance off at round amounts around the "
          "median; <code>sendcast distribution</code> reads it at any amount.", f);
    if (exact)
        fputs(" Each chance is the share of trajectories, &plusmn; its Monte Carlo error.", f);
    else
        fputs(" This run keeps no trajectories (bounded memory): chances are interpolated "
              "between the stored percentiles and, beyond them, only a bound is given.", f);
    fputs("</p>\n", f);
}

int sc_report_dist_section(FILE *f, const sc_result *r, sc_sens_embed_fn embed, sc_error *e)
{
    sc_cdf_view v[SC_CDF_MAX_VIEWS];
    int n = sc_cdf_views(r, v), rc = SC_OK;
    if (n == 0)
        return SC_OK;
    /* a bounded run keeps no district trajectories at all, a full run every one */
    intro(f, r->nmetrics[SC_LEVEL_DISTRICT] > 0 && r->metric[SC_LEVEL_DISTRICT][0].traj);
    for (int k = 0; !rc && k < n; k++)
        rc = one(f, r, v[k].metric, v[k].t, k, embed, e);
    return rc ? SC_CONTEXT(e, "while drawing the report's distributions") : SC_OK;
}
