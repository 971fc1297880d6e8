/*
 * whatif_page.c — the HTML page of a sweep, a goal seek or an attribution
 * file (report.h): what `sendcast report` shows when given one of them.
 *
 * Self-contained like the result's page (styles inline, the waterfall as
 * inline SVG from whatif.h, no script, nothing fetched), written whole or not
 * at all. A sweep: its points' P(target met) by year and p5/p50/p95 of each
 * output in each year; a goal seek: the goal and its answer above its runs;
 * an attribution: the waterfall of the first output in the last common
 * year, then each output's steps year by year with their 95% Monte Carlo
 * intervals.
 */
#include "sendcast/report.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sendcast/layout.h"
#include "sendcast/outfile.h"
#include "sendcast/text.h"

static const char page_style[] =
    "<style>\n"
    "body{font-family:'DejaVu Sans',Arial,sans-serif;max-width:1200px;margin:2em auto;"
    "padding:0 1em;color:#222}\n"
    "h2{border-bottom:2px solid #4a6fa5;padding-bottom:.2em;margin-top:1.6em}\n"
    "table{border-collapse:collapse;margin:.4em 0 1em;font-size:.85em}"
    "th,td{border:1px solid #ccc;padding:.2em .5em;text-align:right}"
    "th{background:#e8eef6}td.k,th.k{text-align:left}\n"
    ".answer{background:#eef6ee;border-left:4px solid #4f9a55;padding:.6em 1em}\n"
    ".small{color:#555;font-size:.85em}.up{color:#a33}.down{color:#2b7a34}\n"
    "</style>\n";

static void open_page(FILE *f, const char *title)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>sendcast: ",
          f);
    sc_text_html(f, title);
    fputs("</title>\n", f);
    fputs(page_style, f);
    fputs("</head><body>\n<h1>", f);
    sc_text_html(f, title);
    fputs("</h1>\n", f);
}

static int is_money(int metric)
{
    return !strcmp(sc_district_metrics[metric].unit, "GBP");
}

static void number(FILE *f, int metric, double v)
{
    if (isnan(v))
        fputs("&ndash;", f);
    else if (is_money(metric))
        fprintf(f, "%.2f", v / 1e6);
    else
        fprintf(f, "%.0f", v);
}

/* p50, and under it p5 to p95. */
static void band_cell(FILE *f, int metric, const double *q)
{
    fputs("<td>", f);
    number(f, metric, q[1]);
    fputs("<br><span class=\"small\">", f);
    number(f, metric, q[0]);
    fputs("&ndash;", f);
    number(f, metric, q[2]);
    fputs("</span></td>", f);
}

static void point_heads(FILE *f, const sc_whatif_sweep *s)
{
    fputs("<tr><th>point</th>", f);
    for (int a = 0; a < s->naxes; a++) {
        fputs("<th class=\"k\">", f);
        sc_text_html(f, s->axis[a]);
        fputs("</th>", f);
    }
}

static void point_keys(FILE *f, const sc_whatif_sweep *s, int k)
{
    fprintf(f, "<tr><td>%d</td>", k + 1);
    for (int a = 0; a < s->naxes; a++) {
        fputs("<td class=\"k\">", f);
        sc_text_html(f, s->value[k][a]);
        fputs("</td>", f);
    }
}

static void sweep_body(FILE *f, const sc_whatif_sweep *s)
{
    char title[256];
    snprintf(title, sizeof title, "%s of %s", s->goal[0] ? "Goal seek" : "Sweep", s->scenario);
    open_page(f, title);
    fprintf(f, "<p class=\"small\">%d %s, each %ld trajectories on seed %llu: every %s on the "
            "same random numbers, so differences between them are the values' own.</p>\n",
            s->npoints, s->goal[0] ? "runs" : "points", s->trajectories,
            (unsigned long long)s->seed, s->goal[0] ? "run" : "point");
    if (s->goal[0]) {
        fputs("<p class=\"answer\"><b>Goal:</b> ", f);
        sc_text_html(f, s->goal);
        fputs("<br>", f);
        sc_text_html(f, s->answer);
        fputs("</p>\n", f);
    }
    const int Y = s->years;
    if (s->has_targets) {
        fputs("<h2>P(target met) by year</h2>\n<table>", f);
        point_heads(f, s);
        for (int y = 0; y < Y; y++)
            fprintf(f, "<th>%s</th>", sc_year_label(s->base_year + 1 + y).s);
        fputs("<th>every target</th></tr>\n", f);
        for (int k = 0; k < s->npoints; k++) {
            point_keys(f, s, k);
            for (int y = 0; y < Y; y++)
                fprintf(f, "<td>%.3f</td>", s->point[k].p_met[y]);
            fprintf(f, "<td>%.3f</td></tr>\n", s->point[k].p_all_met);
        }
        fputs("</table>\n", f);
    }
    for (int m = 0; m < s->nmetric; m++) {
        const int id = s->metric[m];
        fputs("<h2>", f);
        sc_text_html(f, sc_district_metrics[id].name);
        fprintf(f, "%s: p50 (p5&ndash;p95)</h2>\n<table>", is_money(id) ? " (£m, nominal)" : "");
        point_heads(f, s);
        for (int y = 0; y < Y; y++)
            fprintf(f, "<th>%s</th>", sc_year_label(s->base_year + 1 + y).s);
        fputs("</tr>\n", f);
        for (int k = 0; k < s->npoints; k++) {
            point_keys(f, s, k);
            for (int y = 0; y < Y; y++)
                band_cell(f, id, s->point[k].q[m][y]);
            fputs("</tr>\n", f);
        }
        fputs("</table>\n", f);
    }
    fputs("<p class=\"small\">Percentiles are over trajectories (parameter uncertainty and "
          "year-to-year chance); every point's means and Monte Carlo errors are in the file "
          "and its CSV.</p>\n</body></html>\n", f);
}

static double shown(const sc_whatif_attribution *a, int m, double v)
{
    return m < a->nmetric && is_money(a->metric[m]) ? v / 1e6 : v;
}

static void attribution_body(FILE *f, const sc_whatif_attribution *a)
{
    char title[256], stat[16];
    snprintf(title, sizeof title, "Why the forecast moved: %s to %s", a->old_name, a->new_name);
    if (isnan(a->stat_q))
        snprintf(stat, sizeof stat, "mean");
    else
        snprintf(stat, sizeof stat, "p%g", a->stat_q);
    open_page(f, title);
    fprintf(f, "<p class=\"small\">Compared on %s to %s, the years both forecast (base years %d "
            "and %d); the %s of each output. Every step runs on seed %llu with %ld trajectories "
            "(common random numbers): a step shows what its change did; ± is the 95%% Monte "
            "Carlo interval (batch means). The steps add up to NEW &minus; OLD exactly.</p>\n",
            sc_year_label(a->first_year).s, sc_year_label(a->first_year + a->years - 1).s,
            a->old_base, a->new_base, stat, (unsigned long long)a->seed, a->trajectories);
    fputs("<ol class=\"small\">", f);
    for (int k = 0; k < a->nsteps; k++) {
        fputs("<li>", f);
        sc_text_html(f, a->step_label[k]);
        fputs("</li>", f);
    }
    fputs("</ol>\n<div>", f);
    sc_whatif_waterfall_svg(f, a, 0, a->years - 1);
    fputs("</div>\n", f);
    for (int m = 0; m <= a->nmetric; m++) {
        if (m == a->nmetric && !a->has_targets)
            break;
        const int money = m < a->nmetric && is_money(a->metric[m]);
        const char *fmt = money ? "%.2f" : m == a->nmetric ? "%.3f" : "%.0f";
        fputs("<h2>", f);
        if (m < a->nmetric) {
            fprintf(f, "%s of ", stat);
            sc_text_html(f, sc_whatif_metric_name(a->metric[m]));
        } else {
            fputs("P(target met)", f);
        }
        fprintf(f, "%s</h2>\n<table><tr><th>year</th><th>OLD</th>", money ? " (£m)" : "");
        for (int k = 0; k < a->nsteps; k++)
            fprintf(f, "<th>(%d) %s</th>", k + 1, sc_whatif_step_name(a->step_kind[k]));
        fputs("<th>NEW</th><th>total</th></tr>\n", f);
        for (int y = 0; y < a->years; y++) {
            fprintf(f, "<tr><td>%s</td><td>", sc_year_label(a->first_year + y).s);
            fprintf(f, fmt, shown(a, m, a->old_value[m][y]));
            fputs("</td>", f);
            double total = 0;
            for (int k = 0; k < a->nsteps; k++) {
                double c = a->change[k][m][y];
                total += c;
                int worse = sc_whatif_worse(m < a->nmetric ? a->metric[m] : -1, c);
                fprintf(f, "<td class=\"%s\">%s", c == 0 ? "" : worse ? "up" : "down",
                        c > 0 ? "+" : "");
                fprintf(f, fmt, shown(a, m, c));
                fputs(" ± ", f);
                fprintf(f, fmt, shown(a, m, 1.96 * a->se[k][m][y]));
                fputs("</td>", f);
            }
            fputs("<td>", f);
            fprintf(f, fmt, shown(a, m, a->new_value[m][y]));
            fputs("</td><td>", f);
            fprintf(f, fmt, shown(a, m, total));
            fputs("</td></tr>\n", f);
        }
        fputs("</table>\n", f);
    }
    fputs("</body></html>\n", f);
}

static int write_page(const char *path, int replace, const sc_whatif_sweep *s,
                      const sc_whatif_attribution *a, sc_error *e)
{
    sc_outfile o;
    int rc = sc_outfile_begin(&o, path, 1, e);
    if (rc)
        return rc;
    if (s)
        sweep_body(o.f, s);
    else
        attribution_body(o.f, a);
    if (ferror(o.f)) {
        sc_outfile_abort(&o);
        return SC_ERROR(e, SC_EFAIL, "writing %s failed", path);
    }
    return sc_outfile_commit(&o, replace, e);
}

int sc_report_sweep_html(const sc_whatif_sweep *s, const char *path, int replace, sc_error *e)
{
    return write_page(path, replace, s, NULL, e);
}

int sc_report_attribution_html(const sc_whatif_attribution *a, const char *path, int replace,
                               sc_error *e)
{
    return write_page(path, replace, NULL, a, e);
}
