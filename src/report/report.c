/*
 * report.c — the steering group's HTML page (report.h).
 *
 * Written top to bottom into NAME.tmp.PID and renamed when complete. Charts
 * are drawn by charts.c into memory (no temporary file: a kill leaves none
 * behind) and embedded inline after three changes that inline SVG needs:
 * the XML declaration goes; the xmlns attributes go (the HTML parser puts
 * <svg> in the SVG namespace itself, and the page then names no web address
 * at all); and every id (cairo's glyph symbols are "glyph0-1" in every file)
 * gets a per-chart prefix, because ids are shared by the whole page and the
 * second chart would otherwise draw with the first chart's glyphs.
 */
#include "sendcast/report.h"
#include "report_internal.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sendcast/alloc.h"
#include "sendcast/export.h"
#include "sendcast/sens_output.h"
#include "sendcast/text.h"

/* ---- text ------------------------------------------------------------------ */

/* Text from a result file into HTML (elements and attribute values): the
 * five characters that could start markup or end an attribute. */
static void esc(FILE *f, const char *s)
{
    sc_text_html(f, s);
}

static void fy(FILE *f, int year)
{
    fputs(sc_year_label(year).s, f);
}

/* A probability from n trajectories as the page shows it: a percentage, 0
 * and 1 as the bound n can give (sc_prob_label), "–" when undefined. */
static void prob(FILE *f, double p, long n)
{
    if (isnan(p))
        fputs("&ndash;", f);
    else
        esc(f, sc_prob_label(p, n).s);   /* "<" and ">" as entities */
}

/* A difference of probabilities, or a standard error of one, in percentage
 * points: "+1.2 pp" (a percentage of a percentage would mislead). */
static void points(FILE *f, double d, int sign)
{
    if (isnan(d))
        fputs("&ndash;", f);
    else
        fprintf(f, sign ? "%+.1f&nbsp;pp" : "%.1f&nbsp;pp", 100.0 * d);
}

static void money(FILE *f, double v)
{
    if (isnan(v))
        fputs("&ndash;", f);
    else
        fprintf(f, "%.2f", v / 1e6);
}

/* ---- charts ------------------------------------------------------------------ */

static int starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Copy svg into f from "<svg" on, dropping xmlns attributes and prefixing
 * every id and reference to one with "c<k>-". */
static void embed_svg(FILE *f, const char *svg, int k)
{
    const char *s = strstr(svg, "<svg");
    if (!s)
        return;
    while (*s) {
        if (starts(s, " xmlns")) {             /* ' xmlns="…"' or ' xmlns:xlink="…"' */
            const char *q = strchr(s, '"');
            q = q ? strchr(q + 1, '"') : NULL;
            if (q) {
                s = q + 1;
                continue;
            }
        }
        if (starts(s, " id=\"")) {
            fprintf(f, " id=\"c%d-", k);
            s += 5;
        } else if (starts(s, "href=\"#")) {
            fprintf(f, "href=\"#c%d-", k);
            s += 7;
        } else if (starts(s, "url(#")) {
            fprintf(f, "url(#c%d-", k);
            s += 5;
        } else {
            fputc(*s++, f);
        }
    }
}

/* Embed the SVG bytes svg[len] (freed here) as figure k: an
 * sc_sens_embed_fn, for the sensitivity sections draw their own. */
static int embed_bytes(FILE *f, char *svg, size_t len, int k, sc_error *e)
{
    char *text = sc_realloc(svg, len + 1);    /* as a string */
    if (!text) {
        sc_free(svg);
        return SC_ERROR(e, SC_ENOMEM, "out of memory embedding a chart");
    }
    text[len] = '\0';
    fputs("<figure class=\"chart\">", f);
    embed_svg(f, text, k);
    fputs("</figure>\n", f);
    sc_free(text);
    return SC_OK;
}

/* Chart kind drawn in memory (charts.c: PLplot in a child process) and
 * embedded: no temporary file beside the report, so a kill leaves none. */
static int chart(FILE *f, const sc_result *r, enum sc_chart_kind kind, sc_error *e)
{
    char *svg = NULL;
    size_t len = 0;
    int rc = sc_chart_render(r, kind, "svg", &svg, &len, e);
    return rc ? rc : embed_bytes(f, svg, len, (int)kind, e);
}

/* ---- sections ---------------------------------------------------------------- */

static const char style[] =
    "<style>\n"
    "body{font-family:'DejaVu Sans',Arial,sans-serif;max-width:1100px;margin:2em auto;"
    "padding:0 1em;color:#222;line-height:1.4}\n"
    "h1{font-size:1.8em;margin-bottom:.2em}h2{border-bottom:2px solid #4282c4;padding-bottom:.2em;"
    "margin-top:2em}\n"
    ".cards{display:flex;flex-wrap:wrap;gap:1em}.card{flex:1 1 220px;border:1px solid #ccd;"
    "border-radius:6px;padding:.8em;background:#f5f8fc}.card .v{font-size:1.9em;font-weight:bold;"
    "color:#08306b}.card .l{font-size:.9em;color:#444}\n"
    "table{border-collapse:collapse;margin:.5em 0;font-size:.9em}th,td{border:1px solid #ccc;"
    "padding:.25em .6em;text-align:right}th{background:#e8eef6}td.t,th.t{text-align:left}\n"
    ".chart{margin:1em 0}.chart svg{width:100%;height:auto}\n"
    ".note{color:#555;font-size:.9em}.warn{background:#fff4e0;border-left:4px solid #e67800;"
    "padding:.5em 1em}\n"
    ".status-illustrative{color:#b00;font-weight:bold}\n"
    "tr.outturn td{background:#f2f2f2;font-style:italic}\n"
    ".description{font-size:1.1em}\n"
    /* printed: a heading stays with the table or chart under it, and a chart
     * or a table's row is never cut in two */
    "@media print{h1,h2,h3{break-after:avoid;page-break-after:avoid}"
    ".chart,.cards,tr,p.warn{break-inside:avoid;page-break-inside:avoid}}\n"
    "</style>\n";

static void head(FILE *f, const sc_result *r)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>sendcast: ", f);
    esc(f, r->scenario_name);
    fputs("</title>\n", f);
    fputs(style, f);
    fputs(r->has_costs ? "</head><body>\n<h1>SEND and High Needs forecast: "
                       : "</head><body>\n<h1>SEND demand forecast: ", f);
    esc(f, r->scenario_name);
    fputs("</h1>\n", f);
    if (r->scenario_description[0]) {
        fputs("<p class=\"description\">", f);
        esc(f, r->scenario_description);
        fputs("</p>\n", f);
    }
    fprintf(f, "<p class=\"note\">%ld trajectories, seed %llu, made ", r->trajectories,
            (unsigned long long)r->seed);
    esc(f, r->created_utc);
    fputs(" by sendcast ", f);
    esc(f, r->engine_version);
    if (r->has_costs)
        fprintf(f, ". Money in £m, %s%s.", r->money_basis,
                r->real ? " (the outturn, up to the base year, in cash)" : "");
    else
        fputs(".", f);
    fputs(" Bands carry both what we do not know about the rates and year-to-year "
          "chance.</p>\n", f);
}

static int count_status(const sc_result *r, const char *status)
{
    int n = 0;
    for (int k = 0; k < r->ninputs; k++)
        n += !strcmp(r->inputs[k].status, status);
    return n;
}

/* Both value and label escaped: a label may carry a name from a result file
 * (the compared run's scenario_name), which is text, never markup. */
static void card(FILE *f, const char *value, const char *label)
{
    fputs("<div class=\"card\"><div class=\"v\">", f);
    esc(f, value);
    fputs("</div><div class=\"l\">", f);
    esc(f, label);
    fputs("</div></div>\n", f);
}

static double district_pct(const sc_result *r, const char *metric, int t, double q)
{
    const sc_result_metric *m = sc_result_metric_find(r, SC_LEVEL_DISTRICT, metric);
    double v[64];   /* [Y][1] */
    sc_error ignored;
    if (m && r->years <= 64 && sc_result_quantiles(r, m, 0, 1, &q, v, &ignored) == SC_OK)
        return v[t];
    return NAN;
}

/* Requests, new plans and plans in place in the last year: the headline of a
 * result without money. */
static void demand_cards(FILE *f, const sc_result *r, const sc_compare *c)
{
    static const struct { const char *metric, *what; } m[] = {
        { "requests", "requests for an EHC needs assessment" },
        { "new_plans", "new EHC plans" },
        { "plans_total", "EHC plans in place at the end of" },
    };
    int last = r->years - 1;
    char v[64], l[256];
    for (size_t k = 0; k < sizeof m / sizeof m[0]; k++) {
        snprintf(v, sizeof v, "%.0f", district_pct(r, m[k].metric, last, 50));
        snprintf(l, sizeof l, "median %s %s (90%% range %.0f to %.0f)", m[k].what,
                 sc_year_label(r->year[last]).s, district_pct(r, m[k].metric, last, 5),
                 district_pct(r, m[k].metric, last, 95));
        card(f, v, l);
    }
    const sc_compare_metric *p = c ? sc_compare_find(c, "plans_total") : NULL;
    if (p) {
        snprintf(v, sizeof v, "%s", sc_prob_label(p->p_lower[last], r->trajectories).s);
        snprintf(l, sizeof l, "chance this run has fewer plans than %s in %s (paired)",
                 c->a->scenario_name, sc_year_label(r->year[last]).s);
        card(f, v, l);
    }
}

static void headline(FILE *f, const sc_result *r, const sc_compare *c)
{
    int last = r->years - 1;
    char v[64], l[256];
    fputs("<h2>Headline</h2>\n<div class=\"cards\">\n", f);
    if (!r->has_finance) {
        demand_cards(f, r, c);
        fputs("</div>\n<p class=\"note\">", f);
        fputs(r->has_costs ? "No finance section: no High Needs Block spend, balance or "
                             "Safety Valve target.</p>\n"
                           : "demand-only scenario: no money (it gives no costs, finance or "
                             "cluster working).</p>\n", f);
        return;
    }
    snprintf(v, sizeof v, "%s", sc_prob_label(r->p_all_met, r->trajectories).s);
    card(f, isnan(r->p_all_met) ? "\u2013" : v, "chance of meeting every Safety Valve target");
    for (int t = 0; t < r->years; t++)
        if (!isnan(r->p_met[t])) {
            snprintf(v, sizeof v, "%s", sc_prob_label(r->p_met[t], r->trajectories).s);
            snprintf(l, sizeof l, "chance of meeting the %s target (the first)",
                     sc_year_label(r->year[t]).s);
            card(f, v, l);
            break;
        }
    snprintf(v, sizeof v, "£%.1fm", district_pct(r, "hnb_spend", last, 50) / 1e6);
    snprintf(l, sizeof l, "median High Needs spend in %s (90%% range £%.1fm to £%.1fm)",
             sc_year_label(r->year[last]).s,
             district_pct(r, "hnb_spend", last, 5) / 1e6,
             district_pct(r, "hnb_spend", last, 95) / 1e6);
    card(f, v, l);
    snprintf(v, sizeof v, "£%.1fm", district_pct(r, "cumulative_deficit", last, 50) / 1e6);
    snprintf(l, sizeof l, "median cumulative deficit at the end of %s",
             sc_year_label(r->year[last]).s);
    card(f, v, l);
    for (int k = 0; k < r->ntargets && k < 2; k++) {
        snprintf(v, sizeof v, "%s", sc_prob_label(r->targets[k].p_all_met, r->trajectories).s);
        snprintf(l, sizeof l, "chance of meeting every year's %s target (%s %s)",
                 r->targets[k].name, r->targets[k].metric,
                 r->targets[k].at_least ? "at least" : "at most");
        card(f, isnan(r->targets[k].p_all_met) ? "\u2013" : v, l);
    }
    const sc_compare_metric *m = c ? sc_compare_find(c, "hnb_spend") : NULL;
    if (m) {
        snprintf(v, sizeof v, "%s", sc_prob_label(m->p_lower[last], r->trajectories).s);
        snprintf(l, sizeof l, "chance this run spends less than %s in %s (paired)",
                 c->a->scenario_name, sc_year_label(r->year[last]).s);
        card(f, v, l);
    }
    fputs("</div>\n", f);
    int ill = count_status(r, "illustrative");
    if (ill > 0)
        fprintf(f, "<p class=\"warn\">%d of the %d input numbers are <b>illustrative</b> "
                "(see Inputs), including any Safety Valve targets marked so: probabilities "
                "that depend on them are only as good as they are.</p>\n", ill, r->ninputs);
}

static void sv_table(FILE *f, const sc_result *r)
{
    fputs("<h2>Safety Valve</h2>\n<table><tr><th class=\"t\">year</th><th>target (£m)</th>"
          "<th>balance p5</th><th>p50</th><th>p95</th><th>P(target met)</th><th>&plusmn;</th>"
          "<th>P(first missed target)</th><th>expected payment withheld (£m)</th>"
          "<th>cumulative deficit p50 (£m)</th></tr>\n", f);
    const sc_result_metric *w = sc_result_metric_find(r, SC_LEVEL_DISTRICT, "sv_withheld");
    static const char *const out_metric[] = { "hnb_balance", "cumulative_deficit" };
    int oy[2 * SC_MAX_OUTTURN], no = sc_result_outturn_years(r, out_metric, 2, oy);
    const sc_result_metric *bal = sc_result_metric_find(r, SC_LEVEL_DISTRICT, "hnb_balance");
    const sc_result_metric *def = sc_result_metric_find(r, SC_LEVEL_DISTRICT,
                                                        "cumulative_deficit");
    /* the outturn in the p50 columns, in rows marked as outturn */
    for (int i = 0; i < no; i++) {
        fputs("<tr class=\"outturn\"><td class=\"t\">", f);
        fy(f, oy[i]);
        fputs(" outturn</td><td>&ndash;</td><td>&ndash;</td><td>", f);
        money(f, sc_result_outturn(bal, oy[i]));
        fputs("</td><td>&ndash;</td><td>&ndash;</td><td>&ndash;</td><td>&ndash;</td>"
              "<td>&ndash;</td><td>", f);
        money(f, sc_result_outturn(def, oy[i]));
        fputs("</td></tr>\n", f);
    }
    for (int t = 0; t < r->years; t++) {
        fputs("<tr><td class=\"t\">", f);
        fy(f, r->year[t]);
        fputs("</td><td>", f);
        money(f, r->target[t]);
        fputs("</td><td>", f);
        money(f, district_pct(r, "hnb_balance", t, 5));
        fputs("</td><td>", f);
        money(f, district_pct(r, "hnb_balance", t, 50));
        fputs("</td><td>", f);
        money(f, district_pct(r, "hnb_balance", t, 95));
        fputs("</td><td>", f);
        prob(f, r->p_met[t], r->trajectories);
        fputs("</td><td>", f);
        points(f, r->p_met_mcse[t], 0);
        fputs("</td><td>", f);
        prob(f, r->p_first_breach ? r->p_first_breach[t] : NAN, r->trajectories);
        fputs("</td><td>", f);
        money(f, w ? w->mean[t] : NAN);
        fputs("</td><td>", f);
        money(f, district_pct(r, "cumulative_deficit", t, 50));
        fputs("</td></tr>\n", f);
    }
    fputs("</table>\n<p>P(every target met): ", f);
    prob(f, r->p_all_met, r->trajectories);
    fputs(" &plusmn; ", f);
    points(f, r->p_all_met_mcse, 0);
    fputs(". A target is met when the year's in-year balance (income + Safety Valve payment "
          "&minus; spend) is at least the target. Where payments are conditional, a missed "
          "target withholds the next year's instalment, and the deficit carries it.</p>\n", f);
}

/* The register's status of an input, "" when absent. */
static const char *input_status(const sc_result *r, const char *name)
{
    for (int k = 0; k < r->ninputs; k++)
        if (!strcmp(r->inputs[k].name, name))
            return r->inputs[k].status;
    return "";
}

/* A value in the unit of its metric: £m for money, else a count. */
static void value_in(FILE *f, double v, const char *unit)
{
    if (!strcmp(unit, "GBP"))
        money(f, v);
    else if (isnan(v))
        fputs("&ndash;", f);
    else
        fprintf(f, "%.0f", v);
}

/* The scenario's other targets (its `targets:` section), each with its
 * metric's band, P(met) by year and P(every year's target met). */
static void targets_section(FILE *f, const sc_result *r)
{
    if (r->ntargets == 0)
        return;
    fputs("<h2>Other targets</h2>\n<p>Targets the scenario sets on district metrics beside "
          "the Safety Valve's in-year balance (such as the cumulative deficit profile DfE "
          "monitors). No payment depends on them here.</p>\n", f);
    for (int k = 0; k < r->ntargets; k++) {
        const sc_result_target *g = &r->targets[k];
        int gbp = !strcmp(g->unit, "GBP");
        char item[96];
        snprintf(item, sizeof item, "targets.%s", g->name);
        const char *status = input_status(r, item);
        fputs("<h3>", f);
        esc(f, g->name);
        fputs(": ", f);
        esc(f, g->metric);
        fprintf(f, " %s each year's target%s</h3>\n", g->at_least ? "at least" : "at most",
                gbp ? " (£m)" : "");
        if (strstr(status, "illustrative"))
            fputs("<p class=\"warn\">This target profile is <b>illustrative</b>: P(met) is "
                  "only as good as it is.</p>\n", f);
        fputs("<table><tr><th class=\"t\">year</th><th>target</th><th>p5</th><th>p50</th>"
              "<th>p95</th><th>P(target met)</th><th>&plusmn;</th></tr>\n", f);
        for (int t = 0; t < r->years; t++) {
            fputs("<tr><td class=\"t\">", f);
            fy(f, r->year[t]);
            fputs("</td><td>", f);
            value_in(f, g->target[t], g->unit);
            for (int j = 0; j < 3; j++) {
                fputs("</td><td>", f);
                value_in(f, district_pct(r, g->metric, t, (double[]){ 5, 50, 95 }[j]), g->unit);
            }
            fputs("</td><td>", f);
            prob(f, g->p_met[t], r->trajectories);
            fputs("</td><td>", f);
            points(f, g->p_met_mcse[t], 0);
            fputs("</td></tr>\n", f);
        }
        fputs("</table>\n<p>P(every year's target met): ", f);
        prob(f, g->p_all_met, r->trajectories);
        fputs(" &plusmn; ", f);
        points(f, g->p_all_met_mcse, 0);
        fputs(".</p>\n", f);
    }
}

/* Per cluster, the last year: P(overspend), median budget gap. */
static void cluster_table(FILE *f, const sc_result *r)
{
    const sc_result_metric *o = sc_result_metric_find(r, SC_LEVEL_CLUSTER, "overspend");
    const sc_result_metric *g = sc_result_metric_find(r, SC_LEVEL_CLUSTER, "budget_gap");
    if (!o || !g)
        return;
    int last = r->years - 1;
    fputs("<table><tr><th class=\"t\">cluster</th><th class=\"t\">area</th>", f);
    for (int t = 0; t < r->years; t++) {
        fputs("<th>P(overspend) ", f);
        fy(f, r->year[t]);
        fputs("</th>", f);
    }
    fputs("<th>median gap, last year (£m)</th></tr>\n", f);
    int exact = 1;
    for (int c = 0; c < r->nclusters; c++) {
        fputs("<tr><td class=\"t\">", f);
        esc(f, r->cluster[c]);
        fputs("</td><td class=\"t\">", f);
        esc(f, r->cluster_area[c] >= 0 ? r->area[r->cluster_area[c]] : "");
        fputs("</td>", f);
        for (int t = 0; t < r->years; t++) {
            fputs("<td>", f);
            prob(f, sc_result_p_positive(r, o, t, c, &exact), r->trajectories);
            fputs("</td>", f);
        }
        double q = 50, gap = NAN;
        sc_error ignored;
        double tmp[64];
        if (r->years <= 64 && sc_result_quantiles(r, g, c, 1, &q, tmp, &ignored) == SC_OK)
            gap = tmp[last];
        fputs("<td>", f);
        money(f, gap);
        fputs("</td></tr>\n", f);
    }
    fputs("</table>\n", f);
    if (!exact)
        fputs("<p class=\"note\">This run kept no per-trajectory values (a bounded-memory "
              "run), so P(overspend) is estimated from the stored percentiles, to within "
              "their spacing.</p>\n", f);
}

/* P(met) of A and of B by year, their difference and its paired error. */
static void p_met_table(FILE *f, const sc_compare *c, const double *pa, const double *pb,
                        const double *diff, const double *se)
{
    fputs("<table><tr><th class=\"t\">year</th><th>", f);
    esc(f, c->a->scenario_name);
    fputs("</th><th>", f);
    esc(f, c->b->scenario_name);
    fputs("</th><th>difference</th><th>&plusmn; (paired)</th></tr>\n", f);
    for (int t = 0; t < c->years; t++) {
        fputs("<tr><td class=\"t\">", f);
        fy(f, c->a->year[t]);
        fputs("</td><td>", f);
        prob(f, pa[t], c->a->trajectories);
        fputs("</td><td>", f);
        prob(f, pb[t], c->b->trajectories);
        fputs("</td><td>", f);
        points(f, diff[t], 1);
        fputs("</td><td>", f);
        points(f, se[t], 0);
        fputs("</td></tr>\n", f);
    }
    fputs("</table>\n", f);
}

static void compare_section(FILE *f, const sc_compare *c)
{
    static const struct { const char *metric, *title, *lower; double scale; } rows[] = {
        { "hnb_spend", "High Needs Block spend (£m)", "P(cheaper)", 1e6 },
        { "topup_spend", "Mainstream top-up spend (£m)", "P(cheaper)", 1e6 },
        { "hnb_balance", "In-year balance (£m)", "P(lower)", 1e6 },
        { "plans_total", "EHC plans in place", "P(fewer)", 1 },
    };
    fputs("<h2>Comparison</h2>\n<p>This run (", f);
    esc(f, c->b->scenario_name);
    fputs(") minus ", f);
    esc(f, c->a->scenario_name);
    fprintf(f, ", trajectory by trajectory: both runs use seed %llu, so trajectory <i>i</i> "
            "sees the same rates, prices and would-be requests in both, and the difference is "
            "the policy's effect in that world (common random numbers). The median of the "
            "differences need not equal the difference of the medians, which is shown "
            "beside it.</p>\n", (unsigned long long)c->a->seed);
    for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++) {
        const sc_compare_metric *m = sc_compare_find(c, rows[k].metric);
        if (!m)
            continue;
        fprintf(f, "<h3>%s</h3>\n<table><tr><th class=\"t\">year</th><th>difference p5</th>"
                "<th>p50</th><th>p95</th><th>median minus median</th><th>%s</th></tr>\n",
                rows[k].title, rows[k].lower);
        for (int t = 0; t < c->years; t++) {
            const double *q = m->q + (size_t)t * SC_COMPARE_NQ;
            double s = rows[k].scale;
            fputs("<tr><td class=\"t\">", f);
            fy(f, c->a->year[t]);
            fprintf(f, "</td><td>%.2f</td><td>%.2f</td><td>%.2f</td><td>%.2f</td><td>",
                    q[0] / s, q[1] / s, q[2] / s, (m->median_b[t] - m->median_a[t]) / s);
            prob(f, m->p_lower[t], c->a->trajectories);
            fputs("</td></tr>\n", f);
        }
        fputs("</table>\n", f);
    }
    if (!c->a->has_finance || !c->b->has_finance)
        return;
    int differ = sc_compare_targets_differ(c);
    fputs("<h3>Safety Valve: P(target met)</h3>\n", f);
    if (differ)
        fprintf(f, "<p class=\"warn\">The two runs have different Safety Valve targets "
                "(first in %s: £%.2fm and £%.2fm): each P(target met) is against its own "
                "run's target, so their difference mixes the policy's effect with the change "
                "of target.</p>\n", sc_year_label(c->a->year[differ - 1]).s,
                c->a->target[differ - 1] / 1e6, c->b->target[differ - 1] / 1e6);
    else
        fputs("<p class=\"note\">Both runs against the same targets.</p>\n", f);
    p_met_table(f, c, c->p_met_a, c->p_met_b, c->p_met_diff, c->p_met_diff_mcse);
}

/* The two runs overlaid and their paired difference as a fan: HNB spend
 * where both have money, else plans in place. */
static int compare_figure(FILE *f, const sc_compare *c, sc_error *e)
{
    int money_ = sc_compare_find(c, "hnb_spend") != NULL;
    sc_chart_to to = { NULL, 0, NULL, 0 };
    int rc = sc_report_compare_chart(c, money_ ? "hnb_spend" : "plans_total",
                                     money_ ? "High Needs Block spend" : "EHC plans in place",
                                     money_ ? "£m a year" : "plans", money_ ? 1e6 : 1, "svg",
                                     &to, e);
    if (rc == SC_EINPUT) {   /* no per-trajectory values: the tables say what there is */
        sc_error_clear(e);
        return SC_OK;
    }
    return rc ? rc : embed_bytes(f, to.bytes, to.len, SC_NCHARTS + 40, e);
}

/* The other targets both runs have, as the Safety Valve's. */
static void compare_targets(FILE *f, const sc_compare *c)
{
    for (int k = 0; k < c->ntargets; k++) {
        const sc_compare_target *g = &c->target[k];
        fputs("<h3>Target ", f);
        esc(f, g->name);
        fputs(": P(target met)</h3>\n", f);
        if (g->differ) {
            fputs("<p class=\"warn\">The two runs have different ", f);
            esc(f, g->name);
            fprintf(f, " targets (first in %s): each P(target met) is against its own run's "
                    "target.</p>\n", sc_year_label(c->a->year[g->differ - 1]).s);
        }
        p_met_table(f, c, g->p_a, g->p_b, g->diff, g->diff_mcse);
    }
}

static int inputs_section(FILE *f, const sc_result *r, sc_error *e)
{
    sc_status_count *c;
    int n;
    if (sc_result_status_counts(r, &c, &n, e))
        return SC_ENOMEM;
    fputs("<h2>Inputs and their status</h2>\n<p>Every number the run used. <b>published</b>: "
          "taken from a published source; <b>derived</b>: arithmetic on published numbers; "
          "<b>estimate</b> / <b>assumption</b>: ours; <b>illustrative</b>: stands in until the "
          "council's own figure replaces it.</p>\n<table><tr><th class=\"t\">status</th>"
          "<th>numbers</th></tr>\n", f);
    for (int k = 0; k < n; k++) {
        fputs("<tr><td class=\"t\">", f);
        esc(f, r->inputs[c[k].first].status);
        fprintf(f, "</td><td>%d</td></tr>\n", c[k].count);
    }
    sc_free(c);
    fputs("</table>\n<details><summary>All inputs</summary>\n<table><tr><th class=\"t\">name"
          "</th><th class=\"t\">item</th><th>year</th><th>value</th><th class=\"t\">status</th>"
          "<th class=\"t\">source</th></tr>\n", f);
    for (int k = 0; k < r->ninputs; k++) {
        const sc_result_input *in = &r->inputs[k];
        fputs("<tr><td class=\"t\">", f);
        esc(f, in->name);
        fputs("</td><td class=\"t\">", f);
        esc(f, in->item);
        fputs("</td><td>", f);
        if (in->year)
            fprintf(f, "%d", in->year);
        fprintf(f, "</td><td>%.6g</td><td class=\"t status-", in->value);
        esc(f, in->status);
        fputs("\">", f);
        esc(f, in->status);
        fputs("</td><td class=\"t\">", f);
        esc(f, in->source);
        fputs("</td></tr>\n", f);
    }
    fputs("</table></details>\n", f);
    return SC_OK;
}

/* Requests, new plans and plans in place by year: p5, p50, p95. */
static void demand_table(FILE *f, const sc_result *r)
{
    static const char *const metric[] = { "requests", "new_plans", "plans_total" };
    fputs("<table><tr><th class=\"t\">year</th><th>requests p5</th><th>p50</th><th>p95</th>"
          "<th>new plans p5</th><th>p50</th><th>p95</th><th>plans in place p5</th><th>p50</th>"
          "<th>p95</th></tr>\n", f);
    int oy[3 * SC_MAX_OUTTURN], no = sc_result_outturn_years(r, metric, 3, oy);
    for (int i = 0; i < no; i++) {
        fputs("<tr class=\"outturn\"><td class=\"t\">", f);
        fy(f, oy[i]);
        fputs(" outturn</td>", f);
        for (int m = 0; m < 3; m++) {
            double v = sc_result_outturn(sc_result_metric_find(r, SC_LEVEL_DISTRICT, metric[m]),
                                         oy[i]);
            if (isnan(v))
                fputs("<td>&ndash;</td><td>&ndash;</td><td>&ndash;</td>", f);
            else
                fprintf(f, "<td>&ndash;</td><td>%.0f</td><td>&ndash;</td>", v);
        }
        fputs("</tr>\n", f);
    }
    for (int t = 0; t < r->years; t++) {
        fputs("<tr><td class=\"t\">", f);
        fy(f, r->year[t]);
        fputs("</td>", f);
        for (int m = 0; m < 3; m++)
            for (int q = 0; q < 3; q++)
                fprintf(f, "<td>%.0f</td>", district_pct(r, metric[m], t, q == 0 ? 5
                                                                          : q == 1 ? 50 : 95));
        fputs("</tr>\n", f);
    }
    fputs("</table>\n", f);
}

/* Every outturn the result holds, metric by metric, with its status. */
static void outturn_section(FILE *f, const sc_result *r)
{
    const int nm = r->nmetrics[SC_LEVEL_DISTRICT];
    int any = 0;
    for (int k = 0; k < nm; k++)
        any |= r->metric[SC_LEVEL_DISTRICT][k].nout > 0;
    if (!any)
        return;
    fputs("<h3>Outturn</h3>\n<p class=\"note\">What the council recorded up to the base year, "
          "drawn as the black line leading into each fan (the dotted line marks where the "
          "forecast starts). The model does not read it.</p>\n<table><tr><th class=\"t\">"
          "metric</th><th class=\"t\">year</th><th>value</th><th class=\"t\">status</th>"
          "</tr>\n", f);
    for (int k = 0; k < nm; k++) {
        const sc_result_metric *m = &r->metric[SC_LEVEL_DISTRICT][k];
        int gbp = !strcmp(m->unit, "GBP");
        for (int i = 0; i < m->nout; i++) {
            fputs("<tr class=\"outturn\"><td class=\"t\">", f);
            esc(f, m->name);
            fputs(gbp ? " (£m)</td><td class=\"t\">" : "</td><td class=\"t\">", f);
            fy(f, m->out_year[i]);
            fputs("</td><td>", f);
            if (gbp)
                money(f, m->out_value[i]);
            else
                fprintf(f, "%.0f", m->out_value[i]);
            fputs("</td><td class=\"t\">", f);
            esc(f, m->out_status[i]);
            fputs("</td></tr>\n", f);
        }
    }
    fputs("</table>\n", f);
}

static void provenance_section(FILE *f, const sc_result *r)
{
    char seed[32], n[32];
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)r->seed);
    snprintf(n, sizeof n, "%ld", r->trajectories);
    const char *rows[][2] = {
        { "result file", r->path }, { "scenario", r->scenario_name },
        { "scenario SHA-256", r->scenario_sha256 }, { "created (UTC)", r->created_utc },
        { "trajectories", n }, { "seed", seed }, { "engine", r->engine_version },
        { "git revision", r->git_revision }, { "model version", r->model_version },
        { "command line", r->command_line }, { "libraries", r->libraries },
        { "percentiles", r->percentile_definition },
    };
    fputs("<h2>Provenance</h2>\n<table>\n", f);
    for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++) {
        fprintf(f, "<tr><th class=\"t\">%s</th><td class=\"t\">", rows[k][0]);
        esc(f, rows[k][1]);
        fputs("</td></tr>\n", f);
    }
    if (r->history_la[0]) {
        fputs("<tr><th class=\"t\">history (DfE SEN2), council</th><td class=\"t\">", f);
        esc(f, r->history_la);
        fprintf(f, "; %d cell%s left out of the fit by the SEN2 rules</td></tr>\n",
                r->nexclusions, r->nexclusions == 1 ? "" : "s");
    }
    for (int k = 0; k < r->nreleases; k++) {
        fputs("<tr><th class=\"t\">SEN2 release</th><td class=\"t\">", f);
        esc(f, r->release[k]);
        fputs(" (SHA-256 ", f);
        esc(f, r->release_sha256[k]);
        fputs(")</td></tr>\n", f);
    }
    fputs("</table>\n<p class=\"note\">The same scenario file and seed give bit-identical "
          "results.</p>\n", f);
}

/* ---- the page ---------------------------------------------------------------- */

static int body(FILE *f, const sc_result *r, const sc_compare *c,
                const sc_sens_report_options *so, sc_error *e)
{
    head(f, r);
    headline(f, r, c);
    int rc = SC_OK;
    if (r->has_finance) {
        sv_table(f, r);
        rc = chart(f, r, SC_CHART_BALANCE, e);
        if (!rc) rc = chart(f, r, SC_CHART_SV_TARGETS, e);
    }
    targets_section(f, r);
    if (!rc) {
        fputs(r->has_costs ? "<h2>Spending and plans</h2>\n" : "<h2>Demand</h2>\n", f);
        if (!r->has_costs)
            demand_table(f, r);
        double q[SC_FAN_NQ], share[3];
        sc_fan_levels(r, NULL, q, share);   /* the bands the file can give */
        fprintf(f, "<p>Fan charts: the darkest band holds the central %g%% of outcomes, the "
                "next the central %g%%, the palest the central %g%%; the line is the "
                "median; the black line with dots before the dotted line is the outturn.</p>\n",
                share[2], share[1], share[0]);
        outturn_section(f, r);
    }
    /* each chart the result can have (sc_chart_applies), in the page's order */
    static const enum sc_chart_kind spending[] = { SC_CHART_HNB_SPEND, SC_CHART_TOPUP,
                                                   SC_CHART_PLANS, SC_CHART_DEFICIT };
    for (size_t k = 0; !rc && k < sizeof spending / sizeof spending[0]; k++)
        if (sc_chart_applies(r, spending[k]))
            rc = chart(f, r, spending[k], e);
    if (!rc && r->has_cluster_working && !sc_result_clusters_work(r))
        fputs("<h2>Clusters and areas</h2>\n<p class=\"note\">Cluster working is off in this "
              "run (its ramp is 0 every year): no cluster holds a budget, so no cluster's "
              "budget gap or overspend is shown. The budgets the scenario keeps are there to "
              "compare with a run where clusters work (<code>sendcast compare</code>).</p>\n",
              f);
    else if (!rc && r->has_cluster_working) {
        fputs("<h2>Clusters and areas</h2>\n", f);
        rc = chart(f, r, SC_CHART_CLUSTER_OVERSPEND, e);
        if (!rc) {
            cluster_table(f, r);
            rc = chart(f, r, SC_CHART_AREA_CONTINGENCY, e);
        }
    }
    if (!rc)   /* the chance of passing £X, each target's year and the deficit's last */
        rc = sc_report_dist_section(f, r, embed_bytes, e);
    if (!rc)   /* what drives the risk, the layered fan, a stress test, budgets */
        rc = sc_sens_report_sections(f, r, so, embed_bytes, e);
    if (rc)
        return rc;
    if (c) {
        compare_section(f, c);
        rc = compare_figure(f, c, e);
        if (rc)
            return rc;
        compare_targets(f, c);
    }
    rc = inputs_section(f, r, e);
    if (rc)
        return rc;
    provenance_section(f, r);
    fputs("</body></html>\n", f);
    return SC_OK;
}

int sc_report_html(const sc_result *r, const sc_compare *c, const char *path, int replace,
                   sc_error *e)
{
    return sc_report_html_with(r, c, NULL, path, replace, e);
}

int sc_report_html_with(const sc_result *r, const sc_compare *c,
                        const sc_sens_report_options *so, const char *path, int replace,
                        sc_error *e)
{
    sc_outfile o;
    int rc = sc_outfile_begin(&o, path, 1, e);
    if (rc)
        return rc;
    rc = body(o.f, r, c, so, e);
    if (rc) {
        sc_outfile_abort(&o);
        return SC_CONTEXT(e, "while writing %s", path);
    }
    return sc_outfile_commit(&o, replace, e);
}
