/*
 * xlsx.c — the finance team's workbook, written with libxlsxwriter (export.h).
 *
 * Sheets: Summary (the key table as `run` prints it, the Safety Valve view,
 * provenance, and how many inputs are published / derived / estimate /
 * illustrative), Inputs (every number with its status and source), District,
 * Areas and Clusters (one row per metric, unit and year: mean, sd, Monte
 * Carlo error and every stored percentile), Targets, Parameters, Charts
 * (native Excel fan charts with their data), and what drives the risk:
 * Sensitivity, Layers, Stress and Budgets (sens_xlsx.c). Money is in pounds with a
 * thousands format so that formulas a finance officer adds work on real
 * values; charts show £m.
 *
 * An Excel fan chart is a stacked area chart: an invisible base series at
 * the 5th percentile, then the increments up to the 20th, 35th, 50th, 65th,
 * 80th and 95th percentiles, shaded light–medium–dark–dark–medium–light. The
 * two central series differ slightly in shade so the median shows as the
 * line where they meet (libxlsxwriter 1.1 cannot overlay a line chart).
 * The outturn before the fan is drawn the same way: the invisible base at
 * the outturn and a black sliver on top of it, so it reads as a line; the
 * tables list the outturn years first, marked "outturn" in their basis
 * column.
 * The workbook is written to NAME.tmp.PID and renamed when closed.
 */
#include "sendcast/export.h"
#include "sendcast/distribution.h"
#include "sendcast/sens_output.h"
#include "sendcast/alloc.h"
#include "sendcast/text.h"

#include <math.h>
#include <string.h>

#include <xlsxwriter.h>

typedef struct book {
    lxw_workbook *wb;
    const sc_result *r;
    lxw_format *bold, *title, *money, *count, *prob, *prob_se, *wrap;
    int max_rows;   /* rows a sheet may hold (sc_export_xlsx_rows) */
} book;

/* A table that may outgrow a sheet: rows past max_rows go on in a sheet
 * named "NAME (2)", then "NAME (3)", each with the header (head(ws) writes
 * it in row 0 and returns the first free row). */
typedef struct long_table {
    const book *b;
    const char *name;
    lxw_worksheet *ws;
    int row, part;
    void (*head)(const book *b, lxw_worksheet *ws);
} long_table;

static void long_begin(long_table *t, const book *b, const char *name,
                       void (*head)(const book *, lxw_worksheet *))
{
    *t = (long_table){ b, name, workbook_add_worksheet(b->wb, name), 1, 1, head };
    head(b, t->ws);
}

/* The sheet and row the next row of the table goes to. */
static lxw_worksheet *long_next(long_table *t, int *row)
{
    if (t->row >= t->b->max_rows) {
        char name[32];
        snprintf(name, sizeof name, "%s (%d)", t->name, ++t->part);
        t->ws = workbook_add_worksheet(t->b->wb, name);
        t->head(t->b, t->ws);
        t->row = 1;
    }
    *row = t->row++;
    return t->ws;
}

/* The outturn value of a district metric in year (NaN when none). */
static double dout(const sc_result *r, const char *metric, int year)
{
    return sc_result_outturn(sc_result_metric_find(r, SC_LEVEL_DISTRICT, metric), year);
}

/* ---- cells ------------------------------------------------------------------ */

static void num(lxw_worksheet *ws, int row, int col, double v, lxw_format *f)
{
    if (isnan(v))
        worksheet_write_blank(ws, (lxw_row_t)row, (lxw_col_t)col, f);
    else if (isinf(v))
        worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)col, v > 0 ? "inf" : "-inf", f);
    else
        worksheet_write_number(ws, (lxw_row_t)row, (lxw_col_t)col, v, f);
}

static void str(lxw_worksheet *ws, int row, int col, const char *s, lxw_format *f)
{
    worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)col, s, f);
}

static lxw_format *format_of(const book *b, const char *unit)
{
    if (!strcmp(unit, "GBP"))
        return b->money;
    if (!strcmp(unit, "probability"))
        return b->prob;
    return b->count;
}

/* Percentile q of a district metric in year t (NaN when not stored). */
static double dpct(const sc_result *r, const char *metric, int t, double q)
{
    const sc_result_metric *m = sc_result_metric_find(r, SC_LEVEL_DISTRICT, metric);
    for (int k = 0; m && k < r->np; k++)
        if (fabs(r->percentile[k] - q) < 1e-9)
            return m->pct[(size_t)t * (size_t)r->np + (size_t)k];
    return NAN;
}

static double dmean(const sc_result *r, const char *metric, int t)
{
    const sc_result_metric *m = sc_result_metric_find(r, SC_LEVEL_DISTRICT, metric);
    return m ? m->mean[t] : NAN;
}

/* ---- Summary ----------------------------------------------------------------- */

static int summary_table(const book *b, lxw_worksheet *ws, int row)
{
    const sc_result *r = b->r;
    static const char *const head[] = {
        "year", "HNB spend p5 (£)", "HNB spend p50 or outturn (£)", "HNB spend p95 (£)",
        "in-year balance p50 or outturn (£)", "Safety Valve target (£)", "P(target met)",
        "± (MC error)", "P(first missed target)", "expected SV payment withheld (£)",
        "cumulative deficit p50 or outturn (£)", "top-up spend p50 or outturn (£)", "basis" };
    static const char *const out_metric[] = { "hnb_spend", "hnb_balance", "cumulative_deficit",
                                              "topup_spend" };
    static const int out_col[] = { 2, 4, 10, 11 };
    int oy[4 * SC_MAX_OUTTURN], no = sc_result_outturn_years(r, out_metric, 4, oy);
    for (int c = 0; c < (int)(sizeof head / sizeof head[0]); c++)
        str(ws, row, c, head[c], b->bold);
    for (int i = 0; i < no; i++) {
        sc_label y = sc_year_label(oy[i]);
        str(ws, ++row, 0, y.s, NULL);
        for (int k = 0; k < 4; k++)
            num(ws, row, out_col[k], dout(r, out_metric[k], oy[i]), b->money);
        str(ws, row, 12, "outturn", NULL);
    }
    for (int t = 0; t < r->years; t++) {
        sc_label y = sc_year_label(r->year[t]);
        int rr = row + 1 + t;
        str(ws, rr, 0, y.s, NULL);
        str(ws, rr, 12, "forecast", NULL);
        num(ws, rr, 1, dpct(r, "hnb_spend", t, 5), b->money);
        num(ws, rr, 2, dpct(r, "hnb_spend", t, 50), b->money);
        num(ws, rr, 3, dpct(r, "hnb_spend", t, 95), b->money);
        num(ws, rr, 4, dpct(r, "hnb_balance", t, 50), b->money);
        num(ws, rr, 5, r->target[t], b->money);
        num(ws, rr, 6, r->p_met[t], b->prob);
        num(ws, rr, 7, r->p_met_mcse[t], b->prob_se);
        num(ws, rr, 8, r->p_first_breach ? r->p_first_breach[t] : NAN, b->prob);
        num(ws, rr, 9, dmean(r, "sv_withheld", t), b->money);
        num(ws, rr, 10, dpct(r, "cumulative_deficit", t, 50), b->money);
        num(ws, rr, 11, dpct(r, "topup_spend", t, 50), b->money);
    }
    row += r->years + 1;
    str(ws, row, 0, "P(every target met)", b->bold);
    num(ws, row, 1, r->p_all_met, b->prob);
    str(ws, row, 2, "± (MC error)", NULL);
    num(ws, row, 3, r->p_all_met_mcse, b->prob_se);
    return row + 2;
}

/* Without finance: requests, new plans and plans in place (p5, p50, p95). */
static int demand_table(const book *b, lxw_worksheet *ws, int row)
{
    const sc_result *r = b->r;
    static const char *const metric[] = { "requests", "new_plans", "plans_total" };
    static const char *const head[] = {
        "year", "requests p5", "requests p50 or outturn", "requests p95", "new plans p5",
        "new plans p50 or outturn", "new plans p95", "plans in place p5",
        "plans in place p50 or outturn", "plans in place p95", "basis" };
    int oy[3 * SC_MAX_OUTTURN], no = sc_result_outturn_years(r, metric, 3, oy);
    for (int c = 0; c < (int)(sizeof head / sizeof head[0]); c++)
        str(ws, row, c, head[c], b->bold);
    for (int i = 0; i < no; i++) {
        sc_label y = sc_year_label(oy[i]);
        str(ws, ++row, 0, y.s, NULL);
        for (int m = 0; m < 3; m++)
            num(ws, row, 2 + 3 * m, dout(r, metric[m], oy[i]), b->count);
        str(ws, row, 10, "outturn", NULL);
    }
    for (int t = 0; t < r->years; t++) {
        sc_label y = sc_year_label(r->year[t]);
        int rr = row + 1 + t;
        str(ws, rr, 0, y.s, NULL);
        str(ws, rr, 10, "forecast", NULL);
        for (int m = 0; m < 3; m++) {
            num(ws, rr, 1 + 3 * m, dpct(r, metric[m], t, 5), b->count);
            num(ws, rr, 2 + 3 * m, dpct(r, metric[m], t, 50), b->count);
            num(ws, rr, 3 + 3 * m, dpct(r, metric[m], t, 95), b->count);
        }
    }
    row += r->years + 1;
    str(ws, row, 0, r->has_costs ? "No finance section: no High Needs Block spend, balance or "
                                   "Safety Valve target."
                                 : "demand-only scenario: no money (no costs, finance or "
                                   "cluster working).", NULL);
    return row + 2;
}

static int provenance(const book *b, lxw_worksheet *ws, int row)
{
    const sc_result *r = b->r;
    char seed[32], n[32], fv[16];
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)r->seed);
    snprintf(n, sizeof n, "%ld", r->trajectories);
    snprintf(fv, sizeof fv, "%d", r->format_version);
    const char *rows[][2] = {
        { "result file", r->path }, { "scenario", r->scenario_name },
        { "scenario SHA-256", r->scenario_sha256 }, { "created (UTC)", r->created_utc },
        { "trajectories", n }, { "seed", seed }, { "engine version", r->engine_version },
        { "git revision", r->git_revision }, { "model version", r->model_version },
        { "result format", fv }, { "command line", r->command_line },
        { "libraries", r->libraries }, { "percentile definition", r->percentile_definition },
    };
    str(ws, row++, 0, "Provenance", b->title);
    for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++, row++) {
        str(ws, row, 0, rows[k][0], b->bold);
        str(ws, row, 1, rows[k][1], NULL);
    }
    if (r->history_la[0]) {
        str(ws, row, 0, "history: SEN2, council", b->bold);
        str(ws, row++, 1, r->history_la, NULL);
    }
    for (int k = 0; k < r->nreleases; k++, row++) {
        char sha[96];
        snprintf(sha, sizeof sha, "SHA-256 %s", r->release_sha256[k]);
        str(ws, row, 0, "SEN2 release", b->bold);
        str(ws, row, 1, r->release[k], NULL);
        str(ws, row, 2, sha, NULL);
    }
    return row + 1;
}

/* How many inputs have each status, in order of first appearance. */
static int status_counts(const book *b, lxw_worksheet *ws, int row, sc_error *e)
{
    const sc_result *r = b->r;
    sc_status_count *c;
    int n;
    if (sc_result_status_counts(r, &c, &n, e))
        return -1;
    str(ws, row++, 0, "Inputs by status (every number on the Inputs sheet)", b->title);
    str(ws, row, 0, "status", b->bold);
    str(ws, row++, 1, "numbers", b->bold);
    for (int k = 0; k < n; k++) {
        str(ws, row, 0, r->inputs[c[k].first].status, NULL);
        num(ws, row++, 1, c[k].count, b->count);
    }
    sc_free(c);
    str(ws, row++, 0, "Illustrative numbers (such as Safety Valve targets the agreement does "
        "not publish) make every probability that depends on them illustrative too.", NULL);
    return row + 1;
}

static int sheet_summary(const book *b, sc_error *e)
{
    lxw_worksheet *ws = workbook_add_worksheet(b->wb, "Summary");
    char head[256];
    snprintf(head, sizeof head, "sendcast: %s (%ld trajectories)", b->r->scenario_name,
             b->r->trajectories);
    str(ws, 0, 0, head, b->title);
    char basis[320];
    snprintf(basis, sizeof basis, "Money in %s%s. p5/p50/p95: 5th, 50th (median) and 95th "
             "percentiles over trajectories.", b->r->money_basis,
             b->r->real ? "; the outturn, up to the base year, in cash" : "");
    str(ws, 1, 0, basis, NULL);
    worksheet_set_column(ws, 0, 0, 26, NULL);
    worksheet_set_column(ws, 1, 11, 17, NULL);
    int row = b->r->has_finance ? summary_table(b, ws, 3) : demand_table(b, ws, 3);
    row = status_counts(b, ws, row, e);
    if (row < 0)
        return SC_ENOMEM;
    provenance(b, ws, row);
    return SC_OK;
}

/* ---- Inputs, Parameters, Targets ---------------------------------------------- */

static void inputs_head(const book *b, lxw_worksheet *ws)
{
    static const char *const head[] = { "name", "item", "year", "value", "status", "source" };
    for (int c = 0; c < 6; c++)
        str(ws, 0, c, head[c], b->bold);
    worksheet_set_column(ws, 0, 0, 40, NULL);
    worksheet_set_column(ws, 1, 4, 14, NULL);
    worksheet_set_column(ws, 5, 5, 70, NULL);
    worksheet_freeze_panes(ws, 1, 0);
}

static void sheet_inputs(const book *b)
{
    const sc_result *r = b->r;
    long_table t;
    long_begin(&t, b, "Inputs", inputs_head);
    for (int k = 0; k < r->ninputs; k++) {
        const sc_result_input *in = &r->inputs[k];
        int row;
        lxw_worksheet *ws = long_next(&t, &row);
        str(ws, row, 0, in->name, NULL);
        str(ws, row, 1, in->item, NULL);
        if (in->year)
            num(ws, row, 2, in->year, NULL);
        num(ws, row, 3, in->value, NULL);
        str(ws, row, 4, in->status, NULL);
        str(ws, row, 5, in->source, NULL);
    }
    if (t.part == 1)
        worksheet_autofilter(t.ws, 0, 0, (lxw_row_t)(t.row - 1), 5);
}

static void sheet_parameters(const book *b)
{
    const sc_result *r = b->r;
    lxw_worksheet *ws = workbook_add_worksheet(b->wb, "Parameters");
    static const char *const head[] = { "parameter", "distribution", "numbers", "status", "source" };
    for (int c = 0; c < 5; c++)
        str(ws, 0, c, head[c], b->bold);
    for (int k = 0; k < r->nparams; k++) {
        const sc_result_param *p = &r->params[k];
        str(ws, k + 1, 0, p->name, NULL);
        str(ws, k + 1, 1, p->distribution, NULL);
        str(ws, k + 1, 2, p->numbers, NULL);
        str(ws, k + 1, 3, p->status, NULL);
        str(ws, k + 1, 4, p->source, NULL);
    }
    worksheet_set_column(ws, 0, 1, 20, NULL);
    worksheet_set_column(ws, 2, 2, 50, NULL);
    worksheet_set_column(ws, 3, 3, 14, NULL);
    worksheet_set_column(ws, 4, 4, 70, NULL);
}

static void sheet_targets(const book *b)
{
    const sc_result *r = b->r;
    lxw_worksheet *ws = workbook_add_worksheet(b->wb, "Targets");
    static const char *const head[] = {
        "year", "in-year balance target (£)", "P(target met)", "± (MC error)",
        "P(first missed target)", "expected SV payment withheld (£)",
        "cumulative deficit p5 (£)", "cumulative deficit p50 (£)", "cumulative deficit p95 (£)" };
    for (int c = 0; c < 9; c++)
        str(ws, 0, c, head[c], b->bold);
    for (int t = 0; t < r->years; t++) {
        sc_label y = sc_year_label(r->year[t]);
        str(ws, t + 1, 0, y.s, NULL);
        num(ws, t + 1, 1, r->target[t], b->money);
        num(ws, t + 1, 2, r->p_met[t], b->prob);
        num(ws, t + 1, 3, r->p_met_mcse[t], b->prob_se);
        num(ws, t + 1, 4, r->p_first_breach ? r->p_first_breach[t] : NAN, b->prob);
        num(ws, t + 1, 5, dmean(r, "sv_withheld", t), b->money);
        num(ws, t + 1, 6, dpct(r, "cumulative_deficit", t, 5), b->money);
        num(ws, t + 1, 7, dpct(r, "cumulative_deficit", t, 50), b->money);
        num(ws, t + 1, 8, dpct(r, "cumulative_deficit", t, 95), b->money);
    }
    str(ws, r->years + 2, 0, "P(every target met)", b->bold);
    num(ws, r->years + 2, 2, r->p_all_met, b->prob);
    num(ws, r->years + 2, 3, r->p_all_met_mcse, b->prob_se);
    worksheet_set_column(ws, 0, 0, 20, NULL);
    worksheet_set_column(ws, 1, 8, 18, NULL);
}

/* ---- levels ------------------------------------------------------------------- */

static void level_head(const book *b, lxw_worksheet *ws)
{
    const sc_result *r = b->r;
    static const char *const head[] = { "metric", "unit", "measure", "year", "mean", "sd",
                                        "MC error" };
    for (int c = 0; c < 7; c++)
        str(ws, 0, c, head[c], b->bold);
    for (int k = 0; k < r->np; k++) {
        char p[32];
        snprintf(p, sizeof p, "p%g", r->percentile[k]);
        str(ws, 0, 7 + k, p, b->bold);
    }
    worksheet_set_column(ws, 0, 0, 22, NULL);
    worksheet_set_column(ws, 1, 3, 10, NULL);
    worksheet_set_column(ws, 4, (lxw_col_t)(6 + r->np), 14, NULL);
    worksheet_freeze_panes(ws, 1, 4);
}

static void sheet_level(const book *b, enum sc_level v, const char *name)
{
    const sc_result *r = b->r;
    long_table tab;
    long_begin(&tab, b, name, level_head);
    /* District metrics may have an outturn: its rows come first, the value
     * in the mean column, marked in a basis column. */
    int basis = v == SC_LEVEL_DISTRICT ? 7 + r->np : -1;
    if (basis >= 0)
        str(tab.ws, 0, basis, "basis", b->bold);
    size_t rows = 0;
    for (int k = 0; k < r->nmetrics[v]; k++)
        rows += (size_t)r->metric[v][k].units * (size_t)r->years + (size_t)r->metric[v][k].nout;
    if (rows >= (size_t)b->max_rows) {
        /* said in the first sheet's header row, past its columns */
        char note[160];
        snprintf(note, sizeof note, "%zu rows: more than a sheet holds; they go on in "
                 "\"%s (2)\" and after", rows, name);
        str(tab.ws, 0, 9 + r->np, note, b->bold);
    }
    for (int k = 0; k < r->nmetrics[v]; k++) {
        const sc_result_metric *m = &r->metric[v][k];
        lxw_format *f = format_of(b, m->unit);
        for (int i = 0; i < m->nout; i++) {
            int row;
            lxw_worksheet *ws = long_next(&tab, &row);
            sc_label y = sc_year_label(m->out_year[i]);
            str(ws, row, 0, m->name, NULL);
            str(ws, row, 1, "district", NULL);
            str(ws, row, 2, m->unit, NULL);
            str(ws, row, 3, y.s, NULL);
            num(ws, row, 4, m->out_value[i], f);
            str(ws, row, basis, "outturn", NULL);
        }
        for (int u = 0; u < m->units; u++)
            for (int t = 0; t < r->years; t++) {
                int row;
                lxw_worksheet *ws = long_next(&tab, &row);
                size_t c = (size_t)t * (size_t)m->units + (size_t)u;
                sc_label y = sc_year_label(r->year[t]);
                str(ws, row, 0, m->name, NULL);
                str(ws, row, 1, v == SC_LEVEL_DISTRICT ? "district"
                                 : v == SC_LEVEL_AREA ? r->area[u] : r->cluster[u], NULL);
                str(ws, row, 2, m->unit, NULL);
                str(ws, row, 3, y.s, NULL);
                num(ws, row, 4, m->mean[c], f);
                num(ws, row, 5, m->sd[c], f);
                num(ws, row, 6, m->mcse[c], f);
                for (int p = 0; p < r->np; p++)
                    num(ws, row, 7 + p, m->pct[c * (size_t)r->np + (size_t)p], f);
                if (basis >= 0)
                    str(ws, row, basis, "forecast", NULL);
            }
    }
    int lastcol = basis >= 0 ? basis : 6 + r->np;
    if (tab.part == 1)   /* a filter over the whole table where it is one sheet */
        worksheet_autofilter(tab.ws, 0, 0, (lxw_row_t)(tab.row - 1), (lxw_col_t)lastcol);
}

/* ---- fan charts ---------------------------------------------------------------- */

typedef struct fan_spec {
    const char *metric, *title, *axis;
    double scale;
} fan_spec;

/* Data block at (row, 0): year, base (the lowest band's edge), then the six
 * increments, then the outturn sliver, and the basis; the outturn years come
 * first, their base the outturn (carried straight across a year without one,
 * which has no sliver) and the sliver 1% of the chart's span thick. The bands
 * are those the file can give (sc_fan_levels; their central shares in
 * share[3]). Returns rows used and the years charted in *nyears. Charts read
 * it, so it must stay on the Charts sheet. */
static int fan_data(const book *b, lxw_worksheet *ws, int row, const fan_spec *s, int *nyears,
                    double share[3], sc_error *e)
{
    const sc_result *r = b->r;
    const sc_result_metric *m = sc_result_metric_find(r, SC_LEVEL_DISTRICT, s->metric);
    double q[64 * SC_FAN_NQ];
    if (!m || r->years > 64)
        return -SC_ERROR(e, SC_EINPUT, "%s: no district %s to chart", r->path, s->metric);
    double lv[SC_FAN_NQ];
    sc_fan_levels(r, m, lv, share);   /* what the file can give (20/35/65/80 normally) */
    int rc = sc_result_quantiles(r, m, 0, SC_FAN_NQ, lv, q, e);
    if (rc)
        return -rc;
    char head[10][48];
    snprintf(head[0], sizeof head[0], "year");
    snprintf(head[1], sizeof head[1], "%gth percentile or outturn", lv[0]);
    for (int k = 1; k < SC_FAN_NQ; k++)
        snprintf(head[1 + k], sizeof head[1 + k], "%gth-%gth", lv[k - 1], lv[k]);
    snprintf(head[8], sizeof head[8], "outturn line");
    snprintf(head[9], sizeof head[9], "basis");
    str(ws, row, 0, s->title, b->bold);
    for (int c = 0; c < 10; c++)
        str(ws, row + 1, c, head[c], b->bold);
    double lo = INFINITY, hi = -INFINITY;
    for (int i = 0; i < r->years * SC_FAN_NQ; i++) {
        lo = fmin(lo, q[i] / s->scale);
        hi = fmax(hi, q[i] / s->scale);
    }
    for (int i = 0; i < m->nout; i++) {
        lo = fmin(lo, m->out_value[i] / s->scale);
        hi = fmax(hi, m->out_value[i] / s->scale);
    }
    int first = m->nout > 0 && m->out_year[0] < r->year[0] ? m->out_year[0] : r->year[0];
    int rr = row + 2;
    double carried = NAN;
    for (int y = first; y < r->year[0]; y++, rr++) {
        double v = sc_result_outturn(m, y);
        sc_label yl = sc_year_label(y);
        str(ws, rr, 0, yl.s, NULL);
        if (!isnan(v))
            carried = v / s->scale;
        num(ws, rr, 1, carried, NULL);
        num(ws, rr, 8, isnan(v) ? NAN : 0.01 * (hi - lo), NULL);
        str(ws, rr, 9, isnan(v) ? "no outturn" : "outturn", NULL);
    }
    for (int t = 0; t < r->years; t++, rr++) {
        sc_label y = sc_year_label(r->year[t]);
        str(ws, rr, 0, y.s, NULL);
        const double *qt = q + (size_t)t * SC_FAN_NQ;
        num(ws, rr, 1, qt[0] / s->scale, NULL);
        for (int k = 1; k < SC_FAN_NQ; k++)
            num(ws, rr, 1 + k, (qt[k] - qt[k - 1]) / s->scale, NULL);
        str(ws, rr, 9, "forecast", NULL);
    }
    *nyears = rr - (row + 2);
    return *nyears + 3;
}

static void fan_chart(const book *b, lxw_worksheet *ws, int row, int nyears, int outturn,
                      const fan_spec *s, const double share[3])
{
    static const lxw_color_t shade[8] = { 0, 0xC6DBEF, 0x85B4DE, 0x4282C4, 0x2F6FB0,
                                          0x85B4DE, 0xC6DBEF, 0x000000 };
    char names[8][32] = { "" };
    for (int k = 0; k < 3; k++)
        snprintf(names[1 + k], sizeof names[1 + k], "%g%% band", share[k]);
    snprintf(names[7], sizeof names[7], "outturn");
    lxw_chart *ch = workbook_add_chart(b->wb, LXW_CHART_AREA_STACKED);
    int last = row + 1 + nyears;
    for (int k = 0; k < (outturn ? 8 : 7); k++) {
        lxw_chart_series *se = chart_add_series(ch, NULL, NULL);
        chart_series_set_categories(se, "Charts", (lxw_row_t)(row + 2), 0, (lxw_row_t)last, 0);
        chart_series_set_values(se, "Charts", (lxw_row_t)(row + 2), (lxw_col_t)(1 + k),
                                (lxw_row_t)last, (lxw_col_t)(1 + k));
        lxw_chart_fill fill = { shade[k], k == 0, 0 };
        lxw_chart_line none = { 0, 1, 0, 0, 0 };
        chart_series_set_fill(se, &fill);
        chart_series_set_line(se, &none);
        if (names[k][0])
            chart_series_set_name(se, names[k]);
    }
    /* One legend entry per band: the base and the upper halves are not listed. */
    int16_t hidden[] = { 0, 4, 5, 6, -1 };
    chart_legend_delete_series(ch, hidden);
    chart_legend_set_position(ch, LXW_CHART_LEGEND_BOTTOM);
    chart_title_set_name(ch, s->title);
    chart_axis_set_name(ch->y_axis, s->axis);
    chart_axis_set_label_position(ch->x_axis, LXW_CHART_AXIS_LABEL_POSITION_LOW);
    lxw_chart_options opt = { .x_scale = 1.4, .y_scale = 1.3 };
    worksheet_insert_chart_opt(ws, (lxw_row_t)row, 11, ch, &opt);
}

/* The money fans the result has (each needs its metric), or, for a
 * demand-only result, requests, new plans and plans in place. */
static int sheet_charts(const book *b, sc_error *e)
{
    static const fan_spec money[] = {
        { "hnb_spend", "High Needs Block spend (£m)", "£m", 1e6 },
        { "hnb_balance", "In-year HNB balance (£m)", "£m", 1e6 },
        { "topup_spend", "Mainstream top-up spend (£m)", "£m", 1e6 },
        { "plans_total", "EHC plans in place", "plans", 1 },
        { "cumulative_deficit", "Cumulative deficit (£m)", "£m", 1e6 },
    };
    static const fan_spec demand[] = {
        { "requests", "Requests for an EHC needs assessment", "requests", 1 },
        { "new_plans", "New EHC plans", "plans", 1 },
        { "plans_total", "EHC plans in place", "plans", 1 },
    };
    const fan_spec *specs = b->r->has_costs ? money : demand;
    size_t nspecs = b->r->has_costs ? sizeof money / sizeof money[0]
                                    : sizeof demand / sizeof demand[0];
    lxw_worksheet *ws = workbook_add_worksheet(b->wb, "Charts");
    worksheet_set_column(ws, 0, 0, 34, NULL);
    worksheet_set_column(ws, 1, 9, 12, NULL);
    int row = 0;
    for (size_t k = 0; k < nspecs; k++) {
        if (!sc_result_metric_find(b->r, SC_LEVEL_DISTRICT, specs[k].metric))
            continue;       /* costs without finance: no HNB fans */
        double share[3];
        int ny = 0, used = fan_data(b, ws, row, &specs[k], &ny, share, e);
        if (used < 0)
            return -used;
        fan_chart(b, ws, row, ny, ny > b->r->years, &specs[k], share);
        row += used > 22 ? used : 22;   /* the chart is about 20 rows tall */
    }
    return SC_OK;
}

/* ---- the workbook --------------------------------------------------------------- */

static void formats(book *b)
{
    b->bold = workbook_add_format(b->wb);
    format_set_bold(b->bold);
    b->title = workbook_add_format(b->wb);
    format_set_bold(b->title);
    format_set_font_size(b->title, 13);
    b->money = workbook_add_format(b->wb);
    format_set_num_format(b->money, "#,##0");
    b->count = workbook_add_format(b->wb);
    format_set_num_format(b->count, "#,##0.0");
    /* Probabilities are numbers shown as percentages; 0 and 1 show the
     * bound the run's n can give, as the report and the console do
     * (sc_prob_label), so no cell reads "0.0%" as certainty. */
    char f0[24], f1[24], pf[96];
    snprintf(f0, sizeof f0, "%s", sc_prob_label(0, b->r->trajectories).s);
    snprintf(f1, sizeof f1, "%s", sc_prob_label(1, b->r->trajectories).s);
    if (f0[0] == '<')
        snprintf(pf, sizeof pf, "[>=1]\"%s\";[<=0]\"%s\";0.0##%%", f1, f0);
    else
        snprintf(pf, sizeof pf, "0.0##%%");
    b->prob = workbook_add_format(b->wb);
    format_set_num_format(b->prob, pf);
    b->prob_se = workbook_add_format(b->wb);   /* a standard error: no bound to show */
    format_set_num_format(b->prob_se, "0.0##%");
}

int sc_export_xlsx(const sc_result *r, const char *path, int replace, sc_error *e)
{
    return sc_export_xlsx_rows(r, path, replace, LXW_ROW_MAX, e);
}

int sc_export_xlsx_rows(const sc_result *r, const char *path, int replace, int max_rows,
                        sc_error *e)
{
    if (max_rows < 2 || max_rows > LXW_ROW_MAX)
        return SC_ERROR(e, SC_EFAIL, "xlsx: %d rows a sheet", max_rows);
    sc_outfile o;
    int rc = sc_outfile_begin(&o, path, 0, e);
    if (rc)
        return rc;
    book b = { .wb = workbook_new(o.tmp), .r = r, .max_rows = max_rows };
    if (!b.wb) {
        sc_outfile_abort(&o);
        return SC_ERROR(e, SC_EFAIL, "cannot create workbook %s", path);
    }
    formats(&b);
    rc = sheet_summary(&b, e);
    if (r->has_finance)
        sheet_targets(&b);
    if (!rc)
        rc = sheet_charts(&b, e);
    if (!rc)   /* Sensitivity, Layers, Stress, Budgets (sens_xlsx.c) */
        rc = sc_sens_xlsx_sheets(b.wb, r, e);
    if (!rc)   /* Distribution (dist_xlsx.c) */
        rc = sc_cdf_xlsx_sheet(b.wb, r, e);
    sheet_level(&b, SC_LEVEL_DISTRICT, "District");
    sheet_level(&b, SC_LEVEL_AREA, "Areas");
    sheet_level(&b, SC_LEVEL_CLUSTER, "Clusters");
    sheet_inputs(&b);
    sheet_parameters(&b);
    lxw_error err = workbook_close(b.wb);   /* writes the file; frees the workbook */
    if (!rc && err != LXW_NO_ERROR)
        rc = SC_ERROR(e, SC_EFAIL, "cannot write workbook %s: %s", path,
                      lxw_strerror(err));
    if (rc) {
        sc_outfile_abort(&o);
        return rc;
    }
    return sc_outfile_commit(&o, replace, e);
}
