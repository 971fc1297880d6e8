/*
 * sens_xlsx.c — the workbook's sheets on what drives the risk
 * (sens_output.h, sc_sens_xlsx_sheets), written with libxlsxwriter beside
 * xlsx.c's:
 *
 *   Sensitivity: every output, year and input: share of the variance ± its
 *     Monte Carlo error, the shift of the median (or probability) with the
 *     input at its 10th and 90th percentiles ± theirs; a native tornado chart
 *     (bar chart of the two shifts) of each headline output in the last year,
 *     each beside the block it is drawn from;
 *   Layers: per output and year the outer (full run) and inner (parameters at
 *     their central values) band and the parameters' share, with a line chart;
 *   Stress: the leading input of the main output in its bottom and top decile;
 *   Budgets (cluster working): the scenario's own total in the first year at
 *     risk 0.9, cluster and area tables with the scenario's labels, the
 *     trade-off curves, and a column chart of the two splits.
 *
 * Numbers are number cells in xlsx.c's formats (xl_internal.h): money in
 * pounds "£#,##0" (the charts' data in £m), probabilities and shares as
 * percentages, each table with the unit of its numbers; a NaN is a blank
 * cell. Each sheet's long table has its header row printed on every page;
 * the notes above them wrap.
 */
#include "sendcast/sens_output.h"

#include <math.h>
#include <string.h>

#include <xlsxwriter.h>

#include "sendcast/alloc.h"
#include "sendcast/text.h"

#include "xl_internal.h"

typedef struct sheets {
    lxw_workbook *wb;
    const sc_sens_data *d;
    const sc_sens_table *t;
    xl_formats f;
    int main, last;
} sheets;

/* A table's header; flags as xl_heads. */
static void heads(const sheets *x, lxw_worksheet *ws, int row, const char *const *h, int n,
                  const double *width, int flags)
{
    xl_heads(ws, row, 0, h, n, width, flags, &x->f);
}

/* The unit of output o's numbers as the tables hold them (money in
 * pounds) and as the charts' data hold them (money in £m). */
static const char *unit_of(int o)
{
    const sc_sens_output_info *info = &sc_sens_outputs[o];
    return info->indicator ? "probability" : info->scale > 1 ? "GBP" : info->unit;
}

static lxw_format *format_for(const sheets *x, int o)
{
    return sc_sens_outputs[o].indicator ? x->f.pct : xl_format_of(&x->f, unit_of(o));
}

static lxw_format *chart_format_for(const sheets *x, int o)
{
    return sc_sens_outputs[o].indicator ? x->f.pct
           : sc_sens_outputs[o].scale > 1 ? x->f.money_m : x->f.mean;
}

/* ---- Sensitivity ----------------------------------------------------------- */

/* The tornado of output o, last year: its data at (row, col) and a chart over
 * it; rows used. */
static int tornado(const sheets *x, lxw_worksheet *ws, int row, int col, int o, int *rank)
{
    const sc_sens_output_info *info = &sc_sens_outputs[o];
    char title[200];
    snprintf(title, sizeof title, "What moves %s in %s (%s)", info->label,
             sc_year_label(x->d->year[x->last]).s, info->unit);
    static const char *const h[] = { "input", "at its 10th percentile",
                                     "at its 90th percentile" };
    xl_str(ws, row, col, title, x->f.bold);
    xl_heads(ws, row + 1, col, h, 3, NULL, XL_WIDTHS, &x->f);
    sc_sens_rank(x->t, o, x->last, rank);
    int k = 0;
    for (; k < 10 && k < x->t->ninputs; k++) {
        const sc_sens_estimate *e = sc_sens_at(x->t, o, x->last, rank[k]);
        if (isnan(e->share))
            break;
        xl_str(ws, row + 2 + k, col, x->d->input[rank[k]].name, NULL);
        xl_num(ws, row + 2 + k, col + 1, e->low / info->scale, chart_format_for(x, o));
        xl_num(ws, row + 2 + k, col + 2, e->high / info->scale, chart_format_for(x, o));
    }
    if (k == 0)
        return 3;
    lxw_chart *ch = workbook_add_chart(x->wb, LXW_CHART_BAR);
    static const lxw_color_t shade[2] = { 0x9ECAE1, 0x084594 };
    static const char *const names[2] = { "input at its 10th percentile",
                                          "input at its 90th percentile" };
    for (int s = 0; s < 2; s++) {
        lxw_chart_series *se = chart_add_series(ch, NULL, NULL);
        chart_series_set_categories(se, "Sensitivity", (lxw_row_t)(row + 2), (lxw_col_t)col,
                                    (lxw_row_t)(row + 1 + k), (lxw_col_t)col);
        chart_series_set_values(se, "Sensitivity", (lxw_row_t)(row + 2), (lxw_col_t)(col + 1 + s),
                                (lxw_row_t)(row + 1 + k), (lxw_col_t)(col + 1 + s));
        lxw_chart_fill fill = { shade[s], 0, 0 };
        chart_series_set_fill(se, &fill);
        chart_series_set_name(se, names[s]);
    }
    chart_axis_set_reverse(ch->y_axis);   /* bar charts: the category axis; largest on top */
    chart_axis_set_label_position(ch->y_axis, LXW_CHART_AXIS_LABEL_POSITION_LOW);
    chart_title_set_name(ch, title);
    char axis[160];
    snprintf(axis, sizeof axis, "shift of the %s (%s)", info->indicator ? "probability"
                                                                         : "median", info->unit);
    chart_axis_set_name(ch->x_axis, axis);
    chart_legend_set_position(ch, LXW_CHART_LEGEND_BOTTOM);
    /* below its data, not beside: the sheet prints one page wide */
    lxw_chart_options opt = { .x_scale = 1.2, .y_scale = 1.3 };
    worksheet_insert_chart_opt(ws, (lxw_row_t)(row + 3 + k), (lxw_col_t)col, ch, &opt);
    return k + 3 + 22;
}

static int sheet_sensitivity(const sheets *x, sc_error *e)
{
    const sc_sens_data *d = x->d;
    const sc_sens_table *t = x->t;
    lxw_worksheet *ws = workbook_add_worksheet(x->wb, "Sensitivity");
    static const char *const h[] = { "output", "unit", "year", "input", "share of variance",
                                     "± (MC error)", "shift, input at p10", "± (MC error)",
                                     "shift, input at p90", "± (MC error)",
                                     "output's median (P: probability)" };
    static const double w[] = { 20, 12, 10, 24, 11, 11, 14, 12, 14, 12, 14 };
    char note[512];
    snprintf(note, sizeof note, "First-order share of each output's variance per input, from "
             "the %ld trajectories' own parameter draws (rank estimator, no extra runs); shifts "
             "of the median (P(target met): of the probability) with the input at its 10th and "
             "90th percentiles, in the output's unit (pounds, plans); ± from %d batches. "
             "Inputs drawn each year count as one, cumulated to the output's year.", d->n,
             SC_SENS_BATCHES);
    heads(x, ws, 1, h, 11, w, XL_WIDTHS | XL_REPEAT);
    xl_note(ws, 0, 0, 10, 150, note, &x->f);
    int row = 2;
    for (int o = 0; o < SC_SENS_NOUTPUTS; o++)
        for (int y = 0; t->has[o] && y < d->years; y++) {
            double c = t->centre[(size_t)o * (size_t)d->years + (size_t)y];
            if (isnan(c))
                continue;
            for (int k = 0; k < t->ninputs; k++, row++) {
                const sc_sens_estimate *s = sc_sens_at(t, o, y, k);
                lxw_format *f = format_for(x, o);
                xl_str(ws, row, 0, sc_sens_outputs[o].name, NULL);
                xl_str(ws, row, 1, unit_of(o), NULL);
                xl_str(ws, row, 2, sc_year_label(d->year[y]).s, NULL);
                xl_str(ws, row, 3, d->input[k].name, NULL);
                xl_num(ws, row, 4, s->share, x->f.pct);
                xl_num(ws, row, 5, s->share_se, x->f.pct);
                xl_num(ws, row, 6, s->low, f);
                xl_num(ws, row, 7, s->low_se, f);
                xl_num(ws, row, 8, s->high, f);
                xl_num(ws, row, 9, s->high_se, f);
                xl_num(ws, row, 10, c, sc_sens_outputs[o].indicator ? x->f.prob : f);
            }
        }
    worksheet_autofilter(ws, 1, 0, (lxw_row_t)(row - 1), 10);
    worksheet_freeze_panes(ws, 2, 0);
    int *rank = sc_calloc((size_t)(t->ninputs + 1), sizeof *rank);
    if (!rank)
        return SC_ERROR(e, SC_ENOMEM, "out of memory writing the Sensitivity sheet");
    int at = 2;   /* below the header row, which each printed page repeats */
    for (int o = 0; o < SC_SENS_NOUTPUTS; o++)   /* headline ones; demand without money */
        if ((o < SC_SENS_REQUESTS || !t->has[SC_SENS_HNB_SPEND]) && sc_sens_varies(t, o, x->last))
            at += tornado(x, ws, at, 12, o, rank);
    worksheet_set_column(ws, 12, 12, 24, NULL);
    sc_free(rank);
    return SC_OK;
}

/* ---- Layers -------------------------------------------------------------- */

static int layer_block(const sheets *x, lxw_worksheet *ws, int row, int o)
{
    const sc_sens_data *d = x->d;
    const sc_sens_layers *l = &d->layers;
    const sc_sens_output_info *info = &sc_sens_outputs[o];
    static const char *const h[] = { "year", "outer p5", "outer p50", "outer p95", "inner p5",
                                     "inner p50", "inner p95", "parameters' share",
                                     "± (MC error)" };
    static const double w[] = { 10, 12, 12, 12, 12, 12, 12, 12, 12 };
    lxw_format *f = chart_format_for(x, o);
    char title[200];
    snprintf(title, sizeof title, "%s (%s)", info->label, info->unit);
    xl_str(ws, row, 0, title, x->f.bold);
    heads(x, ws, row + 1, h, 9, w, XL_WIDTHS);
    for (int y = 0; y < d->years; y++) {
        const double *out = l->outer[o] + (size_t)y * SC_SENS_NQ;
        const double *in = l->inner[o] + (size_t)y * SC_SENS_NQ;
        int r = row + 2 + y;
        xl_str(ws, r, 0, sc_year_label(d->year[y]).s, NULL);
        for (int q = 0; q < 3; q++) {
            xl_num(ws, r, 1 + q, out[q * 3] / info->scale, f);
            xl_num(ws, r, 4 + q, in[q * 3] / info->scale, f);
        }
        xl_num(ws, r, 7, l->share[o][y], x->f.pct);
        xl_num(ws, r, 8, l->share_se[o][y], x->f.pct);
    }
    lxw_chart *ch = workbook_add_chart(x->wb, LXW_CHART_LINE);
    static const lxw_color_t colour[6] = { 0x85B4DE, 0x08306B, 0x85B4DE, 0xF5A03C, 0xAA5000,
                                           0xF5A03C };
    static const char *const names[6] = { "full run p5", "full run median", "full run p95",
                                           "central values p5", "central values median",
                                           "central values p95" };
    for (int s = 0; s < 6; s++) {
        lxw_chart_series *se = chart_add_series(ch, NULL, NULL);
        chart_series_set_categories(se, "Layers", (lxw_row_t)(row + 2), 0,
                                    (lxw_row_t)(row + 1 + d->years), 0);
        chart_series_set_values(se, "Layers", (lxw_row_t)(row + 2), (lxw_col_t)(1 + s),
                                (lxw_row_t)(row + 1 + d->years), (lxw_col_t)(1 + s));
        lxw_chart_line line = { colour[s], 0, s % 3 == 1 ? 2.5f : 1.5f,
                                s >= 3 ? LXW_CHART_LINE_DASH_DASH : LXW_CHART_LINE_DASH_SOLID, 0 };
        chart_series_set_line(se, &line);
        chart_series_set_name(se, names[s]);
    }
    chart_title_set_name(ch, title);
    chart_legend_set_position(ch, LXW_CHART_LEGEND_BOTTOM);
    lxw_chart_options opt = { .x_scale = 1.2, .y_scale = 1.1 };
    worksheet_insert_chart_opt(ws, (lxw_row_t)row, 10, ch, &opt);
    return d->years + 3 > 20 ? d->years + 3 : 20;
}

static void sheet_layers(const sheets *x)
{
    const sc_sens_layers *l = &x->d->layers;
    lxw_worksheet *ws = workbook_add_worksheet(x->wb, "Layers");
    char note[512];
    if (l->n == 0) {
        xl_str(ws, 0, 0, "No layered fan in this result (it was run with --sample 0).", NULL);
        return;
    }
    snprintf(note, sizeof note, "Outer: the full run; inner: the same %ld trajectories with "
             "every parameter at its central value (year-to-year chance alone), on common random "
             "numbers. Parameters' share = 1 - Var(inner) / Var(outer): what better knowledge of "
             "the parameters could remove.", l->n);
    int row = 2;
    for (int o = 0; o < SC_SENS_NOUTPUTS; o++)
        if (l->inner[o] && (o < SC_SENS_REQUESTS || !l->inner[SC_SENS_HNB_SPEND]))
            row += layer_block(x, ws, row, o);
    xl_note(ws, 0, 0, 8, 110, note, &x->f);
}

/* ---- Stress ---------------------------------------------------------------- */

static int sheet_stress(const sheets *x, sc_error *e)
{
    const sc_sens_data *d = x->d;
    int *rank = sc_calloc((size_t)(x->t->ninputs + 1), sizeof *rank);
    if (!rank)
        return SC_ERROR(e, SC_ENOMEM, "out of memory writing the Stress sheet");
    sc_sens_rank(x->t, x->main, x->last, rank);
    sc_sens_condition c[2] = { { rank[0], 0, 10 }, { rank[0], 90, 100 } };
    sc_free(rank);
    sc_sens_stress *s[2] = { NULL, NULL };
    int rc = sc_sens_stress_run(d, &c[0], 1, &s[0], e);
    if (!rc)
        rc = sc_sens_stress_run(d, &c[1], 1, &s[1], e);
    if (!rc) {
        lxw_worksheet *ws = workbook_add_worksheet(x->wb, "Stress");
        char note[512];
        snprintf(note, sizeof note, "The outputs when %s, the leading input of %s in %s, lies "
                 "in its bottom decile (0th-10th percentile) or its top decile (90th-100th), "
                 "each year, from the stored draws; n: trajectories meeting it. sendcast "
                 "sensitivity --stress INPUT:LO-HI tests any input and range.",
                 d->input[c[0].input].name, sc_sens_outputs[x->main].label,
                 sc_year_label(d->year[x->last]).s);
        static const char *const h[] = { "output", "unit", "year", "all p5", "all median",
                                         "all p95", "decile", "p5", "median", "p95",
                                         "± (median)", "n" };
        static const double w[] = { 20, 12, 10, 14, 14, 14, 14, 14, 14, 14, 12, 8 };
        heads(x, ws, 1, h, 12, w, XL_WIDTHS | XL_REPEAT);
        xl_note(ws, 0, 0, 11, 160, note, &x->f);
        int row = 2;
        for (int o = 0; o < SC_SENS_NOUTPUTS; o++)
            for (int y = 0; d->out[o] && y < d->years; y++)
                for (int k = 0; k < 2; k++) {
                    size_t at = ((size_t)o * (size_t)d->years + (size_t)y) * 3;
                    if (isnan(s[k]->all[at + 1]))
                        continue;
                    lxw_format *f = format_for(x, o);
                    xl_str(ws, row, 0, sc_sens_outputs[o].name, NULL);
                    xl_str(ws, row, 1, unit_of(o), NULL);
                    xl_str(ws, row, 2, sc_year_label(d->year[y]).s, NULL);
                    for (int q = 0; q < 3; q++) {
                        xl_num(ws, row, 3 + q, s[k]->all[at + (size_t)q], f);
                        xl_num(ws, row, 7 + q, s[k]->cond[at + (size_t)q], f);
                    }
                    xl_str(ws, row, 6, k ? "top (90-100)" : "bottom (0-10)", NULL);
                    xl_num(ws, row, 10, s[k]->cond_se[(size_t)o * (size_t)d->years + (size_t)y], f);
                    xl_num(ws, row++, 11, (double)s[k]->count[y], x->f.count);
                }
        worksheet_autofilter(ws, 1, 0, (lxw_row_t)(row - 1), 11);
    }
    sc_sens_stress_free(s[0]);
    sc_sens_stress_free(s[1]);
    return rc;
}

/* ---- Budgets ---------------------------------------------------------------- */

static int budget_clusters(const sheets *x, lxw_worksheet *ws, int row, const sc_sens_budgets *b)
{
    const sc_sens_data *d = x->d;
    char today[96], scaled[96], equal[96], chart[96];
    const char *tl = sc_sens_label(sc_sens_total_status(b));
    snprintf(today, sizeof today, "today's budget%s (£)", sc_sens_label(b->budget_status));
    snprintf(scaled, sizeof scaled, "total in today's proportions%s (£)",
             sc_sens_label(b->budget_status));
    snprintf(equal, sizeof equal, "risk-equalised%s (£)", tl);
    snprintf(chart, sizeof chart, "risk-equalised%s", tl);
    const char *const h[] = { "cluster", "area", today, "P(overspend)", scaled, "P(overspend)",
                              equal, "P(overspend)", "± (MC error)" };
    static const double w[] = { 20, 16, 16, 12, 16, 12, 16, 12, 12 };
    heads(x, ws, row, h, 9, w, XL_WIDTHS | XL_REPEAT);
    for (int c = 0; c < b->nclusters; c++) {
        int r = row + 1 + c, a = d->cluster_area[c];
        xl_str(ws, r, 0, d->cluster[c], NULL);
        xl_str(ws, r, 1, a >= 0 ? d->area[a] : "", NULL);
        xl_num(ws, r, 2, b->today[c], x->f.money);
        xl_num(ws, r, 3, b->p_today[c], x->f.prob);
        xl_num(ws, r, 4, b->scaled[c], x->f.money);
        xl_num(ws, r, 5, b->p_scaled[c], x->f.prob);
        xl_num(ws, r, 6, b->equal[c], x->f.money);
        xl_num(ws, r, 7, b->p_equal[c], x->f.prob);
        xl_num(ws, r, 8, b->p_equal_se[c], x->f.pct);
        xl_num(ws, r, 10, b->scaled[c] / 1e6, x->f.money_m);   /* the chart's data, £m */
        xl_num(ws, r, 11, b->equal[c] / 1e6, x->f.money_m);
    }
    /* the chart's data beside the table, under its header row (whose
     * height the table's own header set) */
    xl_str(ws, row, 10, "today's split (£m)", x->f.head);
    xl_str(ws, row, 11, chart, x->f.head);
    worksheet_set_column(ws, 10, 11, 16, NULL);
    lxw_chart *ch = workbook_add_chart(x->wb, LXW_CHART_COLUMN);
    static const lxw_color_t shade[2] = { 0x9ECAE1, 0x084594 };
    for (int s = 0; s < 2; s++) {
        lxw_chart_series *se = chart_add_series(ch, NULL, NULL);
        chart_series_set_categories(se, "Budgets", (lxw_row_t)(row + 1), 0,
                                    (lxw_row_t)(row + b->nclusters), 0);
        chart_series_set_values(se, "Budgets", (lxw_row_t)(row + 1), (lxw_col_t)(10 + s),
                                (lxw_row_t)(row + b->nclusters), (lxw_col_t)(10 + s));
        lxw_chart_fill fill = { shade[s], 0, 0 };
        chart_series_set_fill(se, &fill);
        chart_series_set_name(se, s ? chart : today);
    }
    chart_title_set_name(ch, "Cluster budgets: today's split and the risk-equalised one (£m)");
    chart_legend_set_position(ch, LXW_CHART_LEGEND_BOTTOM);
    /* below its data, beside the tables under the clusters' */
    lxw_chart_options opt = { .x_scale = 1.2, .y_scale = 1.2 };
    worksheet_insert_chart_opt(ws, (lxw_row_t)(row + b->nclusters + 2), 10, ch, &opt);
    return row + b->nclusters + 2;
}

static int budget_areas(const sheets *x, lxw_worksheet *ws, int row, const sc_sens_budgets *b)
{
    const sc_sens_data *d = x->d;
    char today[96], need[96], need_eq[96], curves[96];
    const char *tl = sc_sens_label(sc_sens_total_status(b));
    snprintf(today, sizeof today, "today's contingency%s (£)",
             sc_sens_label(b->contingency_status));
    snprintf(need, sizeof need, "needed for P = %.2f, today's budgets%s (£)", b->risk,
             sc_sens_label(b->budget_status));
    snprintf(need_eq, sizeof need_eq, "needed, risk-equalised budgets%s (£)", tl);
    snprintf(curves, sizeof curves, "Trade-off curves, with the risk-equalised budgets%s", tl);
    const char *const h[] = { "area", today, "P(it covers today's overspend)", need,
                              need_eq, "± (MC error)" };
    heads(x, ws, row, h, 6, NULL, 0);
    for (int a = 0; a <= b->nareas; a++) {
        int r = row + 1 + a;
        xl_str(ws, r, 0, a < b->nareas ? d->area[a] : "district, one pool", NULL);
        xl_num(ws, r, 1, b->contingency_today[a], x->f.money);
        xl_num(ws, r, 2, b->p_cover_today[a], x->f.prob);
        xl_num(ws, r, 3, b->need_today[a], x->f.money);
        xl_num(ws, r, 4, b->need_equal[a], x->f.money);
        xl_num(ws, r, 5, b->need_equal_se[a], x->f.money);
    }
    row += b->nareas + 3;
    static const char *const hc[] = { "pool", "contingency held (£)",
                                      "P(overspend beyond it)", "expected overspend beyond it (£)" };
    xl_str(ws, row++, 0, curves, x->f.bold);
    heads(x, ws, row++, hc, 4, NULL, 0);
    for (int a = 0; a <= b->nareas; a++)
        for (int k = 0; k < SC_BUDGET_CURVE; k++, row++) {
            size_t at = (size_t)a * SC_BUDGET_CURVE + (size_t)k;
            xl_str(ws, row, 0, a < b->nareas ? d->area[a] : "district", NULL);
            xl_num(ws, row, 1, b->curve_k[at], x->f.money);
            xl_num(ws, row, 2, b->curve_p[at], x->f.prob);
            xl_num(ws, row, 3, b->curve_e[at], x->f.money);
        }
    return row;
}

static int sheet_budgets(const sheets *x, sc_error *e)
{
    const sc_sens_data *d = x->d;
    double total = 0;
    for (int c = 0; c < d->nclusters; c++)
        total += d->budget[c];
    sc_sens_budgets *b = NULL;
    int rc = sc_sens_budgets_run(d, 0, total > 0 ? total : 1, 0.9, &b, e);
    if (rc)
        return rc;
    lxw_worksheet *ws = workbook_add_worksheet(x->wb, "Budgets");
    char note[700];
    snprintf(note, sizeof note, "%s: the scenario's own total of £%.3fm%s shared so that every "
             "cluster is as likely to overspend (%.3f each), beside today's split%s; each area's "
             "contingency covering its clusters' overspend with probability %.2f, pooled within "
             "the area. sendcast budgets RESULT --total T --year Y --risk P sizes any total.",
             sc_year_label(d->year[0]).s, b->total / 1e6, sc_sens_label(sc_sens_total_status(b)),
             b->q, sc_sens_label(b->budget_status), b->risk);
    int row = budget_clusters(x, ws, 2, b);
    budget_areas(x, ws, row, b);
    xl_note(ws, 0, 0, 8, 130, note, &x->f);
    sc_sens_budgets_free(b);
    return SC_OK;
}

/* ---- the sheets -------------------------------------------------------------- */

int sc_sens_xlsx_sheets(lxw_workbook *wb, const sc_result *r, sc_error *e)
{
    sc_sens_data *d = NULL;
    sc_sens_table *t = NULL;
    int rc = sc_sens_data_read(r->path, &d, e);
    if (rc == SC_EINPUT) {   /* an older file, or one without draws: say so, carry on */
        lxw_worksheet *ws = workbook_add_worksheet(wb, "Sensitivity");
        worksheet_write_string(ws, 0, 0, e->msg, NULL);
        sc_error_clear(e);
        return SC_OK;
    }
    if (!rc)
        rc = sc_sens_analyse(d, 0, &t, e);
    if (!rc) {
        sheets x = { .wb = wb, .d = d, .t = t,
                     .main = d->out[SC_SENS_HNB_SPEND] ? SC_SENS_HNB_SPEND : SC_SENS_PLANS,
                     .last = d->years - 1 };
        xl_formats_add(wb, r->trajectories, &x.f);
        rc = sheet_sensitivity(&x, e);
        if (!rc)
            sheet_layers(&x);
        if (!rc)
            rc = sheet_stress(&x, e);
        /* no budgets to size where no cluster works (a no-change run) */
        if (!rc && d->budget && d->cluster_spend && sc_result_clusters_work(r))
            rc = sheet_budgets(&x, e);
    }
    sc_sens_table_free(t);
    sc_sens_data_free(d);
    return rc;
}
