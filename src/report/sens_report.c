/*
 * sens_report.c — the report's sections on what drives the risk
 * (sens_output.h, sc_sens_report_sections): the tornado and the shares, the
 * layered fan, a stress test and the cluster budgets, from the draws the
 * result keeps (sensitivity.h). Charts are drawn beside the report and
 * handed to the report's own embedding (inline SVG), so this file writes
 * HTML and nothing else.
 *
 * The main output is High Needs Block spend (plans in place for a result
 * without finance), in the last year; the stress test takes its leading
 * input, top and bottom decile. Budgets (with cluster working) share the
 * scenario's own total of the year asked (the first by default) unless the
 * caller gives one, at risk 0.9 unless given; the scenario's budgets and
 * contingency keep their status ("illustrative") wherever they appear.
 */
#include "sendcast/sens_output.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sendcast/alloc.h"
#include "sendcast/text.h"

/* Chart numbers for the embedding's id prefixes: beyond the report's own. */
enum { CHART_TORNADO = 100, CHART_LAYERS, CHART_BUDGETS };

/* A probability from n trajectories, as the report shows every one
 * (sc_prob_label): a percentage, 0 and 1 as the bound n gives. */
static void prob_cell(FILE *f, double v, long n)
{
    if (isnan(v))
        fputs("<td>&ndash;</td>", f);
    else {
        fputs("<td>", f);
        sc_text_html(f, sc_prob_label(v, n).s);
        fputs("</td>", f);
    }
}

static void cell(FILE *f, double v, const char *fmt)
{
    if (isnan(v))
        fputs("<td>&ndash;</td>", f);
    else {
        fputs("<td>", f);
        fprintf(f, fmt, v);
        fputs("</td>", f);
    }
}

static void th(FILE *f, const char *text, int left)
{
    fputs(left ? "<th class=\"t\">" : "<th>", f);
    sc_text_html(f, text);
    fputs("</th>", f);
}

typedef struct page {
    FILE *f;
    const sc_result *r;
    const sc_sens_data *d;
    const sc_sens_table *t;
    sc_sens_embed_fn embed;
    int main, last;             /* the main output, the last year index */
    const sc_sens_budgets *b;   /* the budgets section's, while it is drawn */
} page;

typedef int (*draw_fn)(const page *p, const char *device, sc_chart_to *to, sc_error *e);

static int figure(const page *p, draw_fn draw, int k, sc_error *e)
{
    sc_chart_to to = { NULL, 0, NULL, 0 };
    int rc = draw(p, "svg", &to, e);
    return rc ? rc : p->embed(p->f, to.bytes, to.len, k, e);
}

/* ---- what drives the risk ------------------------------------------------- */

static int draw_tornado(const page *p, const char *device, sc_chart_to *to, sc_error *e)
{
    return sc_sens_chart_tornado(p->d, p->t, p->main, p->last, 10, device, to, e);
}

/* The leading inputs of every headline output in the last year: the union
 * of each one's top 5, in the main output's order. */
static int leaders(const page *p, int *pick, int *rank)
{
    int n = 0;
    for (int o = -1; o < SC_SENS_REQUESTS; o++) {
        int oo = o < 0 ? p->main : o;
        if (!p->t->has[oo] || isnan(p->t->centre[(size_t)oo * (size_t)p->t->years + (size_t)p->last]))
            continue;
        sc_sens_rank(p->t, oo, p->last, rank);
        for (int j = 0; j < 5 && j < p->t->ninputs; j++) {
            int seen = 0;
            for (int k = 0; k < n; k++)
                seen |= pick[k] == rank[j];
            if (!seen && !isnan(sc_sens_at(p->t, oo, p->last, rank[j])->share))
                pick[n++] = rank[j];
        }
    }
    return n;
}

static void shares_table(const page *p, const int *pick, int n)
{
    FILE *f = p->f;
    fputs("<table><tr>", f);
    th(f, "input", 1);
    for (int o = 0; o < SC_SENS_REQUESTS; o++)
        if (p->t->has[o])
            th(f, sc_sens_outputs[o].label, 0);
    fputs("</tr>\n", f);
    for (int k = 0; k < n; k++) {
        fputs("<tr><td class=\"t\">", f);
        sc_text_html(f, p->d->input[pick[k]].name);
        fputs("</td>", f);
        for (int o = 0; o < SC_SENS_REQUESTS; o++) {
            if (!p->t->has[o])
                continue;
            const sc_sens_estimate *x = sc_sens_at(p->t, o, p->last, pick[k]);
            if (isnan(x->share))
                fputs("<td>&ndash;</td>", f);
            else
                fprintf(f, "<td>%.3f &plusmn; %.3f</td>", x->share, x->share_se);
        }
        fputs("</tr>\n", f);
    }
    fputs("</table>\n", f);
}

/* The main output's leading inputs, their share every year. */
static void by_year_table(const page *p, const int *rank)
{
    FILE *f = p->f;
    fputs("<table><tr>", f);
    th(f, "input", 1);
    for (int y = 0; y < p->d->years; y++)
        th(f, sc_year_label(p->d->year[y]).s, 0);
    fputs("</tr>\n", f);
    for (int j = 0; j < 8 && j < p->t->ninputs; j++) {
        fputs("<tr><td class=\"t\">", f);
        sc_text_html(f, p->d->input[rank[j]].name);
        fputs("</td>", f);
        for (int y = 0; y < p->d->years; y++)
            cell(f, sc_sens_at(p->t, p->main, y, rank[j])->share, "%.3f");
        fputs("</tr>\n", f);
    }
    fputs("</table>\n", f);
}

static int drivers(const page *p, sc_error *e)
{
    FILE *f = p->f;
    const sc_sens_output_info *m = &sc_sens_outputs[p->main];
    int *pick = sc_calloc((size_t)(p->t->ninputs + 1), sizeof *pick);
    int *rank = sc_calloc((size_t)(p->t->ninputs + 1), sizeof *rank);
    if (!pick || !rank) {
        sc_free(pick);
        sc_free(rank);
        return SC_ERROR(e, SC_ENOMEM, "out of memory writing the report");
    }
    fprintf(f, "<h2>What drives the risk</h2>\n<p>Each input's share of an output's variance "
            "(first-order: how much of the spread would go if that input alone were known), "
            "estimated from the %ld trajectories' own parameter draws with no extra runs, "
            "&plusmn; its Monte Carlo error; and, in the tornado, where the median goes when the "
            "input sits at its 10th or 90th percentile. Shares of inputs that move together "
            "(the placement or band mixes) overlap; what the shares leave is the inputs' joint "
            "effects and year-to-year chance.</p>\n", p->d->n);
    int rc = figure(p, draw_tornado, CHART_TORNADO, e);
    if (!rc) {
        int n = leaders(p, pick, rank);
        fprintf(f, "<h3>Shares of the variance in %s</h3>\n", sc_year_label(p->d->year[p->last]).s);
        shares_table(p, pick, n);
        sc_sens_rank(p->t, p->main, p->last, rank);
        fprintf(f, "<h3>%s: shares by year</h3>\n", m->label);
        by_year_table(p, rank);
    }
    sc_free(pick);
    sc_free(rank);
    return rc;
}

/* ---- the layered fan ------------------------------------------------------ */

static int draw_layers(const page *p, const char *device, sc_chart_to *to, sc_error *e)
{
    return sc_sens_chart_layers(p->d, p->main, device, to, e);
}

static int layers(const page *p, sc_error *e)
{
    FILE *f = p->f;
    const sc_sens_layers *l = &p->d->layers;
    const sc_sens_output_info *m = &sc_sens_outputs[p->main];
    fputs("<h2>Parameter uncertainty and year-to-year chance</h2>\n", f);
    if (!l->inner[p->main]) {
        fputs("<p class=\"note\">This result has no layered fan (it was run with --sample "
              "0).</p>\n", f);
        return SC_OK;
    }
    fprintf(f, "<p>The outer fan is the full run; the inner one the same %ld trajectories with "
            "every parameter held at its central value, on the same random numbers: what would "
            "remain if the rates were known (year-to-year chance alone). The parameters' share "
            "of the variance, 1 &minus; Var(inner) / Var(outer), is the part better data could "
            "remove.</p>\n", l->n);
    int rc = figure(p, draw_layers, CHART_LAYERS, e);
    if (rc)
        return rc;
    fputs("<table><tr><th class=\"t\">year</th><th>outer p5</th><th>p50</th><th>p95</th>"
          "<th>inner p5</th><th>p50</th><th>p95</th><th>parameters' share</th>"
          "<th>&plusmn;</th>", f);
    for (int o = 0; o < SC_SENS_REQUESTS; o++)
        if (o != p->main && l->inner[o])
            fprintf(f, "<th>share: %s</th>", sc_sens_outputs[o].label);
    fputs("</tr>\n", f);
    for (int y = 0; y < p->d->years; y++) {
        const double *out = l->outer[p->main] + (size_t)y * SC_SENS_NQ;
        const double *in = l->inner[p->main] + (size_t)y * SC_SENS_NQ;
        fprintf(f, "<tr><td class=\"t\">%s</td>", sc_year_label(p->d->year[y]).s);
        for (int q = 0; q < 3; q++)
            cell(f, out[q * 3] / m->scale, "%.2f");
        for (int q = 0; q < 3; q++)
            cell(f, in[q * 3] / m->scale, "%.2f");
        cell(f, l->share[p->main][y], "%.3f");
        cell(f, l->share_se[p->main][y], "%.3f");
        for (int o = 0; o < SC_SENS_REQUESTS; o++)
            if (o != p->main && l->inner[o])
                cell(f, l->share[o][y], "%.3f");
        fputs("</tr>\n", f);
    }
    fprintf(f, "</table>\n<p class=\"note\">%s in %s; p5, p50, p95: percentiles over the %ld "
            "trajectories.</p>\n", m->label, m->unit, l->n);
    return SC_OK;
}

/* ---- a stress test ----------------------------------------------------------- */

static void stress_rows(const page *p, const sc_sens_stress *top, const sc_sens_stress *bottom,
                        int o)
{
    FILE *f = p->f;
    const sc_sens_output_info *m = &sc_sens_outputs[o];
    for (int y = 0; y < p->d->years; y++) {
        size_t at = ((size_t)o * (size_t)p->d->years + (size_t)y) * 3 + 1;
        if (isnan(top->all[at]))
            continue;
        fprintf(f, "<tr><td class=\"t\">");
        sc_text_html(f, m->label);
        fprintf(f, "</td><td class=\"t\">%s</td>", sc_year_label(p->d->year[y]).s);
        double s = m->scale;
        if (m->indicator) {   /* a probability: over the draws, then each tenth's */
            prob_cell(f, top->all[at], p->d->n);
            prob_cell(f, bottom->cond[at], bottom->count[y]);
            prob_cell(f, top->cond[at], top->count[y]);
        } else {
            cell(f, top->all[at] / s, "%.2f");
            cell(f, bottom->cond[at] / s, "%.2f");
            cell(f, top->cond[at] / s, "%.2f");
        }
        fprintf(f, "<td>%ld / %ld</td></tr>\n", bottom->count[y], top->count[y]);
    }
}

static int stress(const page *p, sc_error *e)
{
    FILE *f = p->f;
    int *rank = sc_calloc((size_t)(p->t->ninputs + 1), sizeof *rank);
    if (!rank)
        return SC_ERROR(e, SC_ENOMEM, "out of memory writing the report");
    sc_sens_rank(p->t, p->main, p->last, rank);
    sc_sens_condition hi = { rank[0], 90, 100 }, lo = { rank[0], 0, 10 };
    sc_free(rank);
    sc_sens_stress *top = NULL, *bottom = NULL;
    int rc = sc_sens_stress_run(p->d, &hi, 1, &top, e);
    if (!rc)
        rc = sc_sens_stress_run(p->d, &lo, 1, &bottom, e);
    if (!rc) {
        fputs("<h2>Stress test</h2>\n<p>The outputs when the leading input, <b>", f);
        sc_text_html(f, p->d->input[hi.input].name);
        fputs("</b>, lies in its bottom or top decile (its 0th-10th or 90th-100th percentiles "
              "over the trajectories, each year), from the stored draws alone; n: the "
              "trajectories that meet it, each counting once. <code>sendcast sensitivity "
              "--stress INPUT:LO-HI</code> tests any input and range.</p>\n<table><tr>"
              "<th class=\"t\">output</th><th class=\"t\">year</th><th>median, all</th>"
              "<th>bottom decile</th><th>top decile</th><th>n</th></tr>\n", f);
        static const int shown[] = { SC_SENS_HNB_SPEND, SC_SENS_DEFICIT, SC_SENS_TARGET_MET,
                                     SC_SENS_PLANS };
        for (size_t k = 0; k < sizeof shown / sizeof shown[0]; k++)
            if (p->d->out[shown[k]])
                stress_rows(p, top, bottom, shown[k]);
        fputs(p->d->out[SC_SENS_TARGET_MET]
                  ? "</table>\n<p class=\"note\">Money in £m; P(Safety Valve target met) as a "
                    "probability (its mean in place of the median).</p>\n"
                  : "</table>\n", f);
    }
    sc_sens_stress_free(top);
    sc_sens_stress_free(bottom);
    return rc;
}

/* ---- budgets ----------------------------------------------------------------- */

static int draw_budgets_of(const page *p, const char *device, sc_chart_to *to, sc_error *e)
{
    return sc_sens_chart_budgets(p->d, p->b, device, to, e);
}

static void budget_tables(const page *p, const sc_sens_budgets *b)
{
    FILE *f = p->f;
    const char *bl = sc_sens_label(b->budget_status), *cl = sc_sens_label(b->contingency_status);
    const char *tl = sc_sens_label(sc_sens_total_status(b));
    fprintf(f, "<table><tr><th class=\"t\">cluster</th><th class=\"t\">area</th>"
            "<th>today's budget%s (£m)</th><th>P(overspend)</th><th>total in today's "
            "proportions%s (£m)</th><th>P(overspend)</th><th>risk-equalised%s (£m)</th>"
            "<th>P(overspend)</th><th>&plusmn;</th></tr>\n", bl, bl, tl);
    for (int c = 0; c < b->nclusters; c++) {
        int a = p->d->cluster_area[c];
        fputs("<tr><td class=\"t\">", f);
        sc_text_html(f, p->d->cluster[c]);
        fputs("</td><td class=\"t\">", f);
        sc_text_html(f, a >= 0 ? p->d->area[a] : "");
        fputs("</td>", f);
        cell(f, b->today[c] / 1e6, "%.3f");
        prob_cell(f, b->p_today[c], p->d->trajectories);
        cell(f, b->scaled[c] / 1e6, "%.3f");
        prob_cell(f, b->p_scaled[c], p->d->trajectories);
        cell(f, b->equal[c] / 1e6, "%.3f");
        prob_cell(f, b->p_equal[c], p->d->trajectories);
        cell(f, 100 * b->p_equal_se[c], "%.1f&nbsp;pp");
        fputs("</tr>\n", f);
    }
    fprintf(f, "</table>\n<table><tr><th class=\"t\">area</th><th>today's contingency%s "
            "(£m)</th><th>P(it covers today's budgets' overspend)</th><th>needed for P = %.2f "
            "with today's budgets%s (£m)</th><th>needed with the risk-equalised budgets%s (£m)"
            "</th><th>&plusmn;</th></tr>\n", cl, b->risk, bl, tl);
    for (int a = 0; a <= b->nareas; a++) {
        fputs("<tr><td class=\"t\">", f);
        sc_text_html(f, a < b->nareas ? p->d->area[a] : "district, one pool");
        fputs("</td>", f);
        cell(f, b->contingency_today[a] / 1e6, "%.3f");
        prob_cell(f, b->p_cover_today[a], p->d->trajectories);
        cell(f, b->need_today[a] / 1e6, "%.3f");
        cell(f, b->need_equal[a] / 1e6, "%.3f");
        cell(f, b->need_equal_se[a] / 1e6, "%.3f");
        fputs("</tr>\n", f);
    }
    fputs("</table>\n", f);
}

static int budgets(const page *p, const sc_sens_report_options *o, sc_error *e)
{
    const sc_sens_data *d = p->d;
    int t = 0;
    int rc = o && o->year ? sc_sens_year_index(d, o->year, &t, e) : SC_OK;
    if (rc)
        return rc;
    double total = 0, risk = o && o->risk > 0 ? o->risk : 0.9;
    for (int c = 0; c < d->nclusters; c++)   /* the scenario's own total of year t */
        total += d->budget[(size_t)t * (size_t)d->nclusters + (size_t)c];
    if (o && o->total > 0)
        total = o->total;
    sc_sens_budgets *b = NULL;
    rc = sc_sens_budgets_run(d, t, total > 0 ? total : 1, risk, &b, e);
    if (rc)
        return rc;
    FILE *f = p->f;
    fprintf(f, "<h2>Cluster budgets and contingency</h2>\n<p>%s: a total of £%.3fm%s shared so "
            "that every cluster is as likely to overspend (%.3f each), beside today's split%s; "
            "and each area's contingency that covers its clusters' overspend with probability "
            "%.2f, pooled within the area. <code>sendcast budgets RESULT --total T --year Y "
            "--risk P</code> sizes any total.</p>\n", sc_year_label(d->year[t]).s,
            b->total / 1e6, *sc_sens_total_status(b) ? " (the scenario's own, "
            "illustrative)" : "", b->q, sc_sens_label(b->budget_status), b->risk);
    if (b->budget_status[0] && strcmp(b->budget_status, "illustrative") == 0)
        fputs("<p class=\"warn\">The scenario's cluster budgets are <b>illustrative</b>: "
              "today's split, and the total taken from it, stand in for the council's own "
              "figures.</p>\n", f);
    budget_tables(p, b);
    page q = *p;
    q.b = b;
    rc = figure(&q, draw_budgets_of, CHART_BUDGETS, e);
    sc_sens_budgets_free(b);
    return rc;
}

/* ---- the sections -------------------------------------------------------------- */

int sc_sens_report_sections(FILE *f, const sc_result *r, const sc_sens_report_options *o,
                            sc_sens_embed_fn embed, sc_error *e)
{
    sc_sens_data *d = NULL;
    sc_sens_table *t = NULL;
    int rc = sc_sens_data_read(r->path, &d, e);
    if (rc == SC_EINPUT) {
        fputs("<h2>What drives the risk</h2>\n<p class=\"note\">", f);
        sc_text_html(f, e->msg);
        fputs("</p>\n", f);
        sc_error_clear(e);
        return SC_OK;
    }
    if (!rc)
        rc = sc_sens_analyse(d, 0, &t, e);
    if (!rc) {
        page p = { f, r, d, t, embed, d->out[SC_SENS_HNB_SPEND] ? SC_SENS_HNB_SPEND
                                                                    : SC_SENS_PLANS,
                   d->years - 1, NULL };
        rc = drivers(&p, e);
        if (!rc) rc = layers(&p, e);
        if (!rc) rc = stress(&p, e);
        /* no budgets to size where no cluster works (a no-change run) */
        if (!rc && d->budget && d->cluster_spend && sc_result_clusters_work(r))
            rc = budgets(&p, o, e);
    }
    sc_sens_table_free(t);
    sc_sens_data_free(d);
    return rc;
}
