/*
 * xlsx.c — the finance team's workbook, written with libxlsxwriter (export.h).
 *
 * Sheets: Summary (the key table as `run` prints it, every target, how many
 * inputs are published / derived / estimate / illustrative, provenance),
 * Targets (every target by year: metric, direction, unit, target, P(met) ±
 * MC error, P(every year met); then the Safety Valve's own view), Charts
 * (native Excel fan charts with their data), what drives the risk:
 * Sensitivity, Layers, Stress and Budgets (sens_xlsx.c), then District,
 * Areas and Clusters (one row per metric, place, unit and year: mean, sd,
 * Monte Carlo error and every stored percentile), Inputs (every number with
 * its status and source) and Parameters (each distribution's own numbers
 * beside its mean and sd).
 *
 * Every number is a number cell with a format (xl_internal.h): pounds
 * "£#,##0" so that formulas a finance officer adds work on real values,
 * £m on the charts' tables, counts "#,##0", probabilities as percentages.
 * Years are labelled as the council writes them, "2024/25", on every sheet.
 * Every sheet prints on A4 landscape, one page wide, its header row on each
 * page (xl_print_setup); headers wrap in columns wide enough for their
 * words.
 *
 * A fan chart is a line chart. libxlsxwriter 1.1 has no combined charts,
 * so shaded bands (a stacked area) could not carry a target or a
 * projection, which are lines of their own and cannot be stacked; and a
 * finance reader needs the median, the target and the council's projection
 * more than shading. So every series is a line on the same axes: the edges
 * of the 90% band (5th and 95th percentiles) thin and light, of the 60%
 * band (20th and 80th) a shade darker, the median thick and darkest, the
 * outturn solid black with markers, each target dashed red with markers,
 * and on the top-up chart the council's own projection dashed orange. One
 * legend entry per band. The table above each chart holds every band's
 * percentiles (35th and 65th too) in their own columns, the outturn, the
 * targets and the projection, as numbers in £m; the outturn years come
 * first, marked "outturn" in the basis column.
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

#include "xl_internal.h"

typedef struct book {
    lxw_workbook *wb;
    const sc_result *r;
    xl_formats f;
    int max_rows;   /* rows a sheet may hold (sc_export_xlsx_rows) */
} book;

/* A table that may outgrow a sheet: rows past max_rows go on in a sheet
 * named "NAME (2)", then "NAME (3)", each with the header (head(ws) writes
 * it in row 0, repeated on every printed page). */
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

#define NCOLS(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* ---- cells ------------------------------------------------------------------ */

static void year_cell(lxw_worksheet *ws, int row, int col, int year)
{
    xl_str(ws, row, col, sc_year_label(year).s, NULL);
}

/* The outturn value of a district metric in year (NaN when none). */
static double dout(const sc_result *r, const char *metric, int year)
{
    return sc_result_outturn(sc_result_metric_find(r, SC_LEVEL_DISTRICT, metric), year);
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

/* ---- targets ------------------------------------------------------------------ */

/* Every target of the result as one list, the Safety Valve's (where the
 * scenario has finance) first. */
typedef struct target_view {
    const char *name, *metric, *unit;
    int at_least;
    const double *target, *p_met, *p_met_mcse;
    double p_all_met, p_all_met_mcse;
} target_view;

static int target_views(const sc_result *r, target_view *v, int max)
{
    int n = 0;
    if (r->has_finance && n < max)
        v[n++] = (target_view){ "Safety Valve", "hnb_balance", "GBP", 1, r->target, r->p_met,
                                r->p_met_mcse, r->p_all_met, r->p_all_met_mcse };
    for (int k = 0; k < r->ntargets && n < max; k++) {
        const sc_result_target *t = &r->targets[k];
        v[n++] = (target_view){ t->name, t->metric, t->unit, t->at_least, t->target, t->p_met,
                                t->p_met_mcse, t->p_all_met, t->p_all_met_mcse };
    }
    return n;
}

/* One row per target and year it has a target: metric, direction, unit,
 * target, P(met) ±, and on the target's first row P(every year met) ±.
 * Returns the next free row. */
static int targets_table(const book *b, lxw_worksheet *ws, int row, int flags)
{
    const sc_result *r = b->r;
    static const char *const head[] = {
        "target", "metric", "met when the metric is", "unit", "year", "target value",
        "P(met)", "± (MC error)", "P(every year's target met)", "± (MC error)" };
    static const double width[] = { 22, 20, 0, 11, 10, 16, 10, 10, 0, 0 };
    target_view v[SC_RESULT_MAX_TARGETS + 1];
    int n = target_views(r, v, NCOLS(v));
    xl_heads(ws, row++, 0, head, NCOLS(head), width, flags, &b->f);
    for (int k = 0; k < n; k++) {
        int first = 1;
        lxw_format *f = xl_format_of(&b->f, v[k].unit);
        for (int t = 0; t < r->years; t++) {
            if (isnan(v[k].target[t]))
                continue;
            xl_str(ws, row, 0, v[k].name, NULL);
            xl_str(ws, row, 1, v[k].metric, NULL);
            xl_str(ws, row, 2, v[k].at_least ? "at least the target" : "at most the target", NULL);
            xl_str(ws, row, 3, v[k].unit, NULL);
            year_cell(ws, row, 4, r->year[t]);
            xl_num(ws, row, 5, v[k].target[t], f);
            xl_num(ws, row, 6, v[k].p_met[t], b->f.prob);
            xl_num(ws, row, 7, v[k].p_met_mcse[t], b->f.pct);
            if (first) {
                xl_num(ws, row, 8, v[k].p_all_met, b->f.prob);
                xl_num(ws, row, 9, v[k].p_all_met_mcse, b->f.pct);
            }
            first = 0;
            row++;
        }
    }
    return row + 1;
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
    static const double width[] = { 22, 15, 15, 15, 15, 15, 11, 11, 11, 15, 15, 15, 10 };
    static const char *const out_metric[] = { "hnb_spend", "hnb_balance", "cumulative_deficit",
                                              "topup_spend" };
    static const int out_col[] = { 2, 4, 10, 11 };
    int oy[4 * SC_MAX_OUTTURN], no = sc_result_outturn_years(r, out_metric, 4, oy);
    xl_heads(ws, row, 0, head, NCOLS(head), width, XL_WIDTHS, &b->f);
    for (int i = 0; i < no; i++) {
        year_cell(ws, ++row, 0, oy[i]);
        for (int k = 0; k < 4; k++)
            xl_num(ws, row, out_col[k], dout(r, out_metric[k], oy[i]), b->f.money);
        xl_str(ws, row, 12, "outturn", NULL);
    }
    for (int t = 0; t < r->years; t++) {
        int rr = row + 1 + t;
        year_cell(ws, rr, 0, r->year[t]);
        xl_str(ws, rr, 12, "forecast", NULL);
        xl_num(ws, rr, 1, dpct(r, "hnb_spend", t, 5), b->f.money);
        xl_num(ws, rr, 2, dpct(r, "hnb_spend", t, 50), b->f.money);
        xl_num(ws, rr, 3, dpct(r, "hnb_spend", t, 95), b->f.money);
        xl_num(ws, rr, 4, dpct(r, "hnb_balance", t, 50), b->f.money);
        xl_num(ws, rr, 5, r->target[t], b->f.money);
        xl_num(ws, rr, 6, r->p_met[t], b->f.prob);
        xl_num(ws, rr, 7, r->p_met_mcse[t], b->f.pct);
        xl_num(ws, rr, 8, r->p_first_breach ? r->p_first_breach[t] : NAN, b->f.prob);
        xl_num(ws, rr, 9, dmean(r, "sv_withheld", t), b->f.money);
        xl_num(ws, rr, 10, dpct(r, "cumulative_deficit", t, 50), b->f.money);
        xl_num(ws, rr, 11, dpct(r, "topup_spend", t, 50), b->f.money);
    }
    row += r->years + 1;
    xl_str(ws, row, 0, "P(every Safety Valve target met)", b->f.bold);
    xl_num(ws, row, 1, r->p_all_met, b->f.prob);
    xl_str(ws, row, 2, "± (MC error)", NULL);
    xl_num(ws, row, 3, r->p_all_met_mcse, b->f.pct);
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
    static const double width[] = { 22, 12, 12, 12, 12, 12, 12, 12, 12, 12, 10 };
    int oy[3 * SC_MAX_OUTTURN], no = sc_result_outturn_years(r, metric, 3, oy);
    xl_heads(ws, row, 0, head, NCOLS(head), width, XL_WIDTHS, &b->f);
    for (int i = 0; i < no; i++) {
        year_cell(ws, ++row, 0, oy[i]);
        for (int m = 0; m < 3; m++)
            xl_num(ws, row, 2 + 3 * m, dout(r, metric[m], oy[i]), b->f.count);
        xl_str(ws, row, 10, "outturn", NULL);
    }
    for (int t = 0; t < r->years; t++) {
        int rr = row + 1 + t;
        year_cell(ws, rr, 0, r->year[t]);
        xl_str(ws, rr, 10, "forecast", NULL);
        for (int m = 0; m < 3; m++) {
            xl_num(ws, rr, 1 + 3 * m, dpct(r, metric[m], t, 5), b->f.count);
            xl_num(ws, rr, 2 + 3 * m, dpct(r, metric[m], t, 50), b->f.count);
            xl_num(ws, rr, 3 + 3 * m, dpct(r, metric[m], t, 95), b->f.count);
        }
    }
    row += r->years + 1;
    xl_str(ws, row, 0, r->has_costs ? "No finance section: no High Needs Block spend, balance or "
                                   "Safety Valve target."
                                 : "demand-only scenario: no money (no costs, finance or "
                                   "cluster working).", NULL);
    return row + 2;
}

/* Text provenance beside its numbers: trajectories and the format are
 * number cells; the seed stays text, as a 64-bit seed may not fit a
 * spreadsheet's number exactly. */
static int provenance(const book *b, lxw_worksheet *ws, int row)
{
    const sc_result *r = b->r;
    char seed[32];
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)r->seed);
    const char *rows[][2] = {
        { "result file", r->path }, { "scenario", r->scenario_name },
        { "scenario SHA-256", r->scenario_sha256 }, { "created (UTC)", r->created_utc },
        { "seed", seed }, { "engine version", r->engine_version },
        { "git revision", r->git_revision }, { "model version", r->model_version },
        { "command line", r->command_line }, { "libraries", r->libraries },
        { "percentile definition", r->percentile_definition },
    };
    xl_str(ws, row++, 0, "Provenance", b->f.title);
    xl_str(ws, row, 0, "trajectories", b->f.bold);
    xl_num(ws, row++, 1, (double)r->trajectories, b->f.count);
    xl_str(ws, row, 0, "result format", b->f.bold);
    xl_num(ws, row++, 1, r->format_version, NULL);
    for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++, row++) {
        xl_str(ws, row, 0, rows[k][0], b->f.bold);
        xl_note(ws, row, 1, 11, 160, rows[k][1], &b->f);
    }
    if (r->history_la[0]) {
        xl_str(ws, row, 0, "history: SEN2, council", b->f.bold);
        xl_str(ws, row++, 1, r->history_la, NULL);
    }
    for (int k = 0; k < r->nreleases; k++, row++) {
        char sha[96];
        snprintf(sha, sizeof sha, "SHA-256 %s", r->release_sha256[k]);
        xl_str(ws, row, 0, "SEN2 release", b->f.bold);
        xl_str(ws, row, 1, r->release[k], NULL);
        xl_str(ws, row, 6, sha, NULL);
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
    static const char *const head[] = { "status", "numbers" };
    xl_str(ws, row++, 0, "Inputs by status (every number on the Inputs sheet)", b->f.title);
    xl_heads(ws, row++, 0, head, 2, NULL, 0, &b->f);
    for (int k = 0; k < n; k++) {
        xl_str(ws, row, 0, r->inputs[c[k].first].status, NULL);
        xl_num(ws, row++, 1, c[k].count, b->f.count);
    }
    sc_free(c);
    xl_note(ws, row++, 0, 11, 180, "Illustrative numbers (such as Safety Valve targets the "
            "agreement does not publish) make every probability that depends on them "
            "illustrative too.", &b->f);
    return row + 1;
}

static int sheet_summary(const book *b, sc_error *e)
{
    lxw_worksheet *ws = workbook_add_worksheet(b->wb, "Summary");
    char head[256];
    snprintf(head, sizeof head, "sendcast: %s (%ld trajectories)", b->r->scenario_name,
             b->r->trajectories);
    xl_str(ws, 0, 0, head, b->f.title);
    char basis[320];
    snprintf(basis, sizeof basis, "Money in %s%s. p5/p50/p95: 5th, 50th (median) and 95th "
             "percentiles over trajectories.", b->r->money_basis,
             b->r->real ? "; the outturn, up to the base year, in cash" : "");
    xl_str(ws, 1, 0, basis, NULL);
    worksheet_repeat_rows(ws, 0, 0);
    int row = b->r->has_finance ? summary_table(b, ws, 3) : demand_table(b, ws, 3);
    if (b->r->has_finance || b->r->ntargets > 0) {
        xl_str(ws, row++, 0, "Targets: P(met) each year and P(every year's target met)", b->f.title);
        row = targets_table(b, ws, row, 0);
    }
    row = status_counts(b, ws, row, e);
    if (row < 0)
        return SC_ENOMEM;
    provenance(b, ws, row);
    return SC_OK;
}

/* ---- Targets ----------------------------------------------------------------- */

static void sheet_targets(const book *b)
{
    const sc_result *r = b->r;
    lxw_worksheet *ws = workbook_add_worksheet(b->wb, "Targets");
    int row = targets_table(b, ws, 0, XL_WIDTHS | XL_REPEAT);
    if (!r->has_finance)
        return;
    static const char *const head[] = {
        "year", "in-year balance target (£)", "P(target met)", "± (MC error)",
        "P(first missed target)", "expected SV payment withheld (£)",
        "cumulative deficit p5 (£)", "cumulative deficit p50 (£)", "cumulative deficit p95 (£)" };
    xl_str(ws, row++, 0, "The Safety Valve by year", b->f.title);
    xl_heads(ws, row, 0, head, NCOLS(head), NULL, 0, &b->f);
    for (int t = 0; t < r->years; t++) {
        int rr = row + 1 + t;
        year_cell(ws, rr, 0, r->year[t]);
        xl_num(ws, rr, 1, r->target[t], b->f.money);
        xl_num(ws, rr, 2, r->p_met[t], b->f.prob);
        xl_num(ws, rr, 3, r->p_met_mcse[t], b->f.pct);
        xl_num(ws, rr, 4, r->p_first_breach ? r->p_first_breach[t] : NAN, b->f.prob);
        xl_num(ws, rr, 5, dmean(r, "sv_withheld", t), b->f.money);
        xl_num(ws, rr, 6, dpct(r, "cumulative_deficit", t, 5), b->f.money);
        xl_num(ws, rr, 7, dpct(r, "cumulative_deficit", t, 50), b->f.money);
        xl_num(ws, rr, 8, dpct(r, "cumulative_deficit", t, 95), b->f.money);
    }
    row += r->years + 2;
    xl_str(ws, row, 0, "P(every Safety Valve target met)", b->f.bold);
    xl_num(ws, row, 2, r->p_all_met, b->f.prob);
    xl_num(ws, row, 3, r->p_all_met_mcse, b->f.pct);
}

/* ---- Inputs, Parameters ------------------------------------------------------- */

static void inputs_head(const book *b, lxw_worksheet *ws)
{
    static const char *const head[] = { "name", "item", "year", "value", "status", "source" };
    static const double width[] = { 40, 14, 10, 14, 14, 70 };
    xl_heads(ws, 0, 0, head, 6, width, XL_WIDTHS | XL_REPEAT, &b->f);
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
        xl_str(ws, row, 0, in->name, NULL);
        xl_str(ws, row, 1, in->item, NULL);
        if (in->year)
            year_cell(ws, row, 2, in->year);
        xl_num(ws, row, 3, in->value, b->f.plain);
        xl_str(ws, row, 4, in->status, NULL);
        xl_str(ws, row, 5, in->source, NULL);
    }
    if (t.part == 1)
        worksheet_autofilter(t.ws, 0, 0, (lxw_row_t)(t.row - 1), 5);
}

/* Mean and sd of component i of a parameter's distribution, from the
 * numbers the file stores (NaN where the distribution has none: a
 * scaled inverse chi-squared with too few degrees of freedom). */
static void moments(const sc_result_param *p, int i, double *mean, double *sd)
{
    const double *x = p->value[0], *y = p->value[1];
    const char *d = p->distribution;
    *mean = *sd = NAN;
    if (!strcmp(d, "fixed")) {
        *mean = x[i];
        *sd = 0;
    } else if (!strcmp(d, "beta")) {
        double n = x[0] + y[0];
        *mean = x[0] / n;
        *sd = sqrt(x[0] * y[0] / (n * n * (n + 1)));
    } else if (!strcmp(d, "normal")) {
        *mean = x[0];
        *sd = y[0];
    } else if (!strcmp(d, "gamma")) {
        *mean = x[0] * y[0];
        *sd = sqrt(x[0]) * y[0];
    } else if (!strcmp(d, "scaled_inv_chi2")) {
        double nu = x[0], s2 = y[0];
        *mean = nu > 2 ? nu * s2 / (nu - 2) : NAN;
        *sd = nu > 4 ? sqrt(2 * nu * nu * s2 * s2 / ((nu - 2) * (nu - 2) * (nu - 4))) : NAN;
    } else if (!strcmp(d, "dirichlet")) {
        double a0 = 0;
        for (int k = 0; k < p->nvalue[0]; k++)
            a0 += x[k];
        *mean = x[i] / a0;
        *sd = sqrt(x[i] * (a0 - x[i]) / (a0 * a0 * (a0 + 1)));
    } else if (!strcmp(d, "bivariate_normal") && i < 2) {
        *mean = x[i];
        *sd = sqrt(y[3 * i]);
    }
}

/* How the scenario (or the fit) gave parameter p: the keys its numbers
 * have in the inputs register ("mean, sd" where the user wrote a Beta as
 * mean and sd), and the item of the i-th value of its first number
 * (a placement's name; "" when none). */
static void given_as(const sc_result *r, const sc_result_param *p, char *keys, size_t cap,
                     int i, char item[64])
{
    char prefix[96];
    size_t len = (size_t)snprintf(prefix, sizeof prefix, "parameters.%s.", p->name), used = 0;
    int seen = 0;
    keys[0] = item[0] = '\0';
    for (int k = 0; k < r->ninputs; k++) {
        const char *name = r->inputs[k].name;
        if (strncmp(name, prefix, len))
            continue;
        if (p->number[0] && !strcmp(name + len, p->number[0]) && seen++ == i)
            snprintf(item, 64, "%s", r->inputs[k].item);
        char have[SC_RESULT_STR + 2];
        snprintf(have, sizeof have, ", %s,", keys);
        char key[72];
        snprintf(key, sizeof key, ", %s,", name + len);
        if (!strstr(have, key))
            sc_text_append(keys, cap, &used, ", ", name + len);
    }
}

static void param_head(const book *b, lxw_worksheet *ws)
{
    static const char *const head[] = {
        "parameter", "component", "distribution", "given as", "mean", "sd",
        "first number", "value", "second number", "value", "status", "source" };
    static const double width[] = { 22, 12, 16, 12, 12, 12, 9, 12, 9, 12, 12, 60 };
    xl_heads(ws, 0, 0, head, NCOLS(head), width, XL_WIDTHS | XL_REPEAT, &b->f);
    worksheet_freeze_panes(ws, 1, 1);
}

/* One row of a parameter: component i (or the covariance row of a
 * bivariate normal, i = 2). */
static void param_row(const book *b, lxw_worksheet *ws, int row, const sc_result_param *p,
                      int i, const char *keys)
{
    char comp[64] = "", item[64], unused[SC_RESULT_STR];
    given_as(b->r, p, unused, sizeof unused, i, item);
    if (p->nvalue[1] == 4 && i == 2)
        snprintf(comp, sizeof comp, "1, 2");
    else if (item[0])
        snprintf(comp, sizeof comp, "%s", item);
    else if (p->nvalue[0] > 1 || p->nvalue[1] == 4)
        snprintf(comp, sizeof comp, "%d", i + 1);
    xl_str(ws, row, 0, p->name, NULL);
    xl_str(ws, row, 1, comp, NULL);
    xl_str(ws, row, 2, p->distribution, NULL);
    xl_str(ws, row, 3, keys, NULL);
    double mean, sd;
    moments(p, i, &mean, &sd);
    xl_num(ws, row, 4, mean, NULL);
    xl_num(ws, row, 5, sd, NULL);
    if (p->nvalue[1] == 4) {   /* bivariate normal: mean and variance, then the covariance */
        if (i < 2) {
            xl_str(ws, row, 6, "mean", NULL);
            xl_num(ws, row, 7, p->value[0][i], NULL);
        }
        xl_str(ws, row, 8, i < 2 ? "variance" : "covariance", NULL);
        xl_num(ws, row, 9, p->value[1][i < 2 ? 3 * i : 1], NULL);
    } else {
        for (int j = 0; j < 2 && p->number[j]; j++) {
            xl_str(ws, row, 6 + 2 * j, p->number[j], NULL);
            xl_num(ws, row, 7 + 2 * j, p->value[j][p->nvalue[j] > 1 ? i : 0], NULL);
        }
    }
    xl_str(ws, row, 10, p->status, NULL);
    xl_str(ws, row, 11, p->source, NULL);
}

/* Each parameter as the file stores it (a and b of a Beta, shape and scale
 * of a Gamma, ...) beside its mean and sd, the numbers a user writes, and
 * the keys it was given with; a vector one row per component. */
static void sheet_parameters(const book *b)
{
    const sc_result *r = b->r;
    lxw_worksheet *ws = workbook_add_worksheet(b->wb, "Parameters");
    param_head(b, ws);
    int row = 1;
    for (int k = 0; k < r->nparams; k++) {
        const sc_result_param *p = &r->params[k];
        char keys[SC_RESULT_STR], item[64];
        given_as(r, p, keys, sizeof keys, 0, item);
        int rows = p->nvalue[1] == 4 ? 3 : p->nvalue[0] > 1 ? p->nvalue[0] : 1;
        for (int i = 0; i < rows; i++)
            param_row(b, ws, row++, p, i, keys);
    }
    worksheet_autofilter(ws, 0, 0, (lxw_row_t)(row - 1), 11);
}

/* ---- levels ------------------------------------------------------------------- */

static void level_head(const book *b, lxw_worksheet *ws)
{
    const sc_result *r = b->r;
    char p[SC_MAX_PERCENTILES][32];
    const char *head[8 + SC_MAX_PERCENTILES] = { "metric", "area or cluster", "unit", "year",
                                                 "mean", "sd", "MC error" };
    /* wide enough for £999,999,999 and "probability" */
    double width[8 + SC_MAX_PERCENTILES] = { 20, 14, 11, 9, 13, 13, 13 };
    int n = 7;
    for (int k = 0; k < r->np && k < SC_MAX_PERCENTILES; k++, n++) {
        snprintf(p[k], sizeof p[k], "p%g", r->percentile[k]);
        head[n] = p[k];
        width[n] = 13;
    }
    xl_heads(ws, 0, 0, head, n, width, XL_WIDTHS | XL_REPEAT, &b->f);
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
        xl_str(tab.ws, 0, basis, "basis", b->f.head);
    size_t rows = 0;
    for (int k = 0; k < r->nmetrics[v]; k++)
        rows += (size_t)r->metric[v][k].units * (size_t)r->years + (size_t)r->metric[v][k].nout;
    if (rows >= (size_t)b->max_rows) {
        /* said in the first sheet's header row, past its columns */
        char note[160];
        snprintf(note, sizeof note, "%zu rows: more than a sheet holds; they go on in "
                 "\"%s (2)\" and after", rows, name);
        xl_str(tab.ws, 0, 9 + r->np, note, b->f.bold);
    }
    for (int k = 0; k < r->nmetrics[v]; k++) {
        const sc_result_metric *m = &r->metric[v][k];
        lxw_format *f = xl_format_of(&b->f, m->unit);
        for (int i = 0; i < m->nout; i++) {
            int row;
            lxw_worksheet *ws = long_next(&tab, &row);
            xl_str(ws, row, 0, m->name, NULL);
            xl_str(ws, row, 1, "district", NULL);
            xl_str(ws, row, 2, m->unit, NULL);
            year_cell(ws, row, 3, m->out_year[i]);
            xl_num(ws, row, 4, m->out_value[i], f);
            xl_str(ws, row, basis, "outturn", NULL);
        }
        for (int u = 0; u < m->units; u++)
            for (int t = 0; t < r->years; t++) {
                int row;
                lxw_worksheet *ws = long_next(&tab, &row);
                size_t c = (size_t)t * (size_t)m->units + (size_t)u;
                xl_str(ws, row, 0, m->name, NULL);
                xl_str(ws, row, 1, v == SC_LEVEL_DISTRICT ? "district"
                                 : v == SC_LEVEL_AREA ? r->area[u] : r->cluster[u], NULL);
                xl_str(ws, row, 2, m->unit, NULL);
                year_cell(ws, row, 3, r->year[t]);
                xl_num(ws, row, 4, m->mean[c], f);
                xl_num(ws, row, 5, m->sd[c], f);
                xl_num(ws, row, 6, m->mcse[c], f);
                for (int p = 0; p < r->np; p++)
                    xl_num(ws, row, 7 + p, m->pct[c * (size_t)r->np + (size_t)p], f);
                if (basis >= 0)
                    xl_str(ws, row, basis, "forecast", NULL);
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

/* Most targets one chart draws (each a line and a column). */
#define FAN_TARGETS 4

/* One fan's table on the Charts sheet, as the chart reads it: the first
 * row of data and how many years; the columns of the percentiles (1..7),
 * the outturn (8), each target on the metric (9...), the council's
 * projection (-1: none) and the basis. */
typedef struct fan_block {
    int row, nyears, outturn;
    int ntargets, council, basis;
    target_view t[FAN_TARGETS];
    double lv[SC_FAN_NQ], share[3];
} fan_block;

/* The targets on the chart's metric (the Safety Valve's on the in-year
 * balance) and, on the top-up chart, whether the council gave its own
 * projection. */
static void fan_lines(const book *b, const fan_spec *s, fan_block *k)
{
    target_view v[SC_RESULT_MAX_TARGETS + 1];
    int n = target_views(b->r, v, NCOLS(v));
    k->ntargets = 0;
    for (int i = 0; i < n && k->ntargets < FAN_TARGETS; i++)
        if (!strcmp(v[i].metric, s->metric))
            k->t[k->ntargets++] = v[i];
    k->council = -1;
    for (int t = 0; !strcmp(s->metric, "topup_spend") && t < b->r->years; t++)
        if (!isnan(sc_result_input_value(b->r, "finance.council_projection.topup_spend",
                                         b->r->year[t])))
            k->council = 9 + k->ntargets;
    k->basis = 9 + k->ntargets + (k->council >= 0);
}

/* The header row of a fan's table. */
static void fan_heads(const book *b, lxw_worksheet *ws, int row, const fan_block *k)
{
    char h[16][96];
    const char *head[16];
    double width[16];
    int n = 0;
    snprintf(h[n], sizeof h[n], "year");
    width[n++] = 10;
    for (int q = 0; q < SC_FAN_NQ; q++, n++) {
        if (k->lv[q] == 50)
            snprintf(h[n], sizeof h[n], "median");
        else
            snprintf(h[n], sizeof h[n], "%gth percentile", k->lv[q]);
        width[n] = 12;
    }
    snprintf(h[n], sizeof h[n], "outturn");
    width[n++] = 12;
    for (int i = 0; i < k->ntargets; i++, n++) {
        snprintf(h[n], sizeof h[n], "%s target (%s)", k->t[i].name,
                 k->t[i].at_least ? "at least" : "at most");
        width[n] = 14;
    }
    if (k->council >= 0) {
        snprintf(h[n], sizeof h[n], "council's own projection");
        width[n++] = 14;
    }
    snprintf(h[n], sizeof h[n], "basis");
    width[n++] = 10;
    for (int c = 0; c < n; c++)
        head[c] = h[c];
    xl_heads(ws, row, 0, head, n, width, XL_WIDTHS, &b->f);
}

/* The forecast rows of a fan's table from row rr: every percentile, the
 * targets and the projection. */
static void fan_forecast(const book *b, lxw_worksheet *ws, int rr, const fan_spec *s,
                         const fan_block *k, const double *q, lxw_format *f)
{
    const sc_result *r = b->r;
    for (int t = 0; t < r->years; t++, rr++) {
        year_cell(ws, rr, 0, r->year[t]);
        for (int j = 0; j < SC_FAN_NQ; j++)
            xl_num(ws, rr, 1 + j, q[(size_t)t * SC_FAN_NQ + (size_t)j] / s->scale, f);
        for (int i = 0; i < k->ntargets; i++)
            xl_num(ws, rr, 9 + i, k->t[i].target[t] / s->scale, f);
        if (k->council >= 0)
            xl_num(ws, rr, k->council, sc_result_input_value(r, "finance.council_projection."
                                                          "topup_spend", r->year[t]) / s->scale, f);
        xl_str(ws, rr, k->basis, "forecast", NULL);
    }
}

/* A fan's table at row: its title, header, the outturn years (the
 * outturn column only), then the forecast years. Returns the rows used;
 * the chart reads it, so it must stay on the Charts sheet. */
static int fan_data(const book *b, lxw_worksheet *ws, int row, const fan_spec *s,
                    fan_block *k, sc_error *e)
{
    const sc_result *r = b->r;
    const sc_result_metric *m = sc_result_metric_find(r, SC_LEVEL_DISTRICT, s->metric);
    double q[64 * SC_FAN_NQ];
    if (!m || r->years > 64)
        return -SC_ERROR(e, SC_EINPUT, "%s: no district %s to chart", r->path, s->metric);
    sc_fan_levels(r, m, k->lv, k->share);   /* what the file can give (20/35/65/80 normally) */
    int rc = sc_result_quantiles(r, m, 0, SC_FAN_NQ, k->lv, q, e);
    if (rc)
        return -rc;
    fan_lines(b, s, k);
    lxw_format *f = s->scale > 1 ? b->f.money_m : b->f.mean;
    xl_str(ws, row, 0, s->title, b->f.title);
    fan_heads(b, ws, row + 1, k);
    int first = m->nout > 0 && m->out_year[0] < r->year[0] ? m->out_year[0] : r->year[0];
    int rr = row + 2;
    for (int y = first; y < r->year[0]; y++, rr++) {
        double v = sc_result_outturn(m, y);
        year_cell(ws, rr, 0, y);
        xl_num(ws, rr, 8, v / s->scale, f);
        xl_str(ws, rr, k->basis, isnan(v) ? "no outturn" : "outturn", NULL);
    }
    k->row = row + 2;
    k->outturn = rr > row + 2;
    fan_forecast(b, ws, rr, s, k, q, f);
    k->nyears = rr + r->years - (row + 2);
    return k->nyears + 2;
}

/* One line of a fan chart: column col of the block, drawn in colour,
 * width points wide, dashed or not, with markers or not; named (NULL: no
 * name). */
static void fan_line(lxw_chart *ch, const fan_block *k, int col, const char *name,
                     lxw_color_t colour, float width, uint8_t dash, uint8_t marker)
{
    lxw_chart_series *se = chart_add_series(ch, NULL, NULL);
    int last = k->row + k->nyears - 1;
    chart_series_set_categories(se, "Charts", (lxw_row_t)k->row, 0, (lxw_row_t)last, 0);
    chart_series_set_values(se, "Charts", (lxw_row_t)k->row, (lxw_col_t)col, (lxw_row_t)last,
                            (lxw_col_t)col);
    lxw_chart_line line = { colour, 0, width, dash, 0 };
    chart_series_set_line(se, &line);
    chart_series_set_marker_type(se, marker);
    if (marker != LXW_CHART_MARKER_NONE) {
        lxw_chart_fill fill = { colour, 0, 0 };
        lxw_chart_line edge = { colour, 0, 1, LXW_CHART_LINE_DASH_SOLID, 0 };
        chart_series_set_marker_size(se, 6);
        chart_series_set_marker_fill(se, &fill);
        chart_series_set_marker_line(se, &edge);
    }
    if (name)
        chart_series_set_name(se, name);
}

/* The chart of a fan's table, below it at row. Series 0-4 are the band
 * edges and the median; the upper edges (3, 4) have no legend entry of
 * their own. */
static void fan_chart(const book *b, lxw_worksheet *ws, int row, const fan_block *k,
                      const fan_spec *s)
{
    char band[2][96], target[FAN_TARGETS][96];
    for (int i = 0; i < 2; i++)
        snprintf(band[i], sizeof band[i], "%g%% band: %gth and %gth percentiles", k->share[i],
                 k->lv[i],
                 k->lv[SC_FAN_NQ - 1 - i]);
    lxw_chart *ch = workbook_add_chart(b->wb, LXW_CHART_LINE);
    fan_line(ch, k, 1, band[0], 0x9ECAE1, 1.25f, LXW_CHART_LINE_DASH_SOLID, LXW_CHART_MARKER_NONE);
    fan_line(ch, k, 2, band[1], 0x4292C6, 1.5f, LXW_CHART_LINE_DASH_SOLID, LXW_CHART_MARKER_NONE);
    fan_line(ch, k, 4, "median", 0x08306B, 3.0f, LXW_CHART_LINE_DASH_SOLID, LXW_CHART_MARKER_NONE);
    fan_line(ch, k, 6, NULL, 0x4292C6, 1.5f, LXW_CHART_LINE_DASH_SOLID, LXW_CHART_MARKER_NONE);
    fan_line(ch, k, 7, NULL, 0x9ECAE1, 1.25f, LXW_CHART_LINE_DASH_SOLID, LXW_CHART_MARKER_NONE);
    if (k->outturn)
        fan_line(ch, k, 8, "outturn", LXW_COLOR_BLACK, 2.25f, LXW_CHART_LINE_DASH_SOLID,
                 LXW_CHART_MARKER_CIRCLE);
    for (int i = 0; i < k->ntargets; i++) {
        snprintf(target[i], sizeof target[i], "%s target (%s)", k->t[i].name,
                 k->t[i].at_least ? "at least" : "at most");
        fan_line(ch, k, 9 + i, target[i], i ? 0xE377C2 : 0xC00000, 2.0f,
                 LXW_CHART_LINE_DASH_DASH, LXW_CHART_MARKER_DIAMOND);
    }
    if (k->council >= 0)
        fan_line(ch, k, k->council, "council's own projection", 0xE6550D, 2.0f,
                 LXW_CHART_LINE_DASH_LONG_DASH, LXW_CHART_MARKER_SQUARE);
    int16_t hidden[] = { 3, 4, -1 };
    chart_legend_delete_series(ch, hidden);
    chart_legend_set_position(ch, LXW_CHART_LEGEND_BOTTOM);
    chart_title_set_name(ch, s->title);
    chart_axis_set_name(ch->y_axis, s->axis);
    chart_axis_set_num_format(ch->y_axis, s->scale > 1 ? "£#,##0\"m\";-£#,##0\"m\"" : "#,##0");
    chart_axis_set_label_position(ch->x_axis, LXW_CHART_AXIS_LABEL_POSITION_LOW);
    lxw_chart_options opt = { .x_scale = 1.7, .y_scale = 1.3 };
    worksheet_insert_chart_opt(ws, (lxw_row_t)row, 0, ch, &opt);
}

/* The money fans the result has (each needs its metric), or, for a
 * demand-only result, requests, new plans and plans in place; each table
 * with its chart below it, a page each. */
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
    int nspecs = b->r->has_costs ? NCOLS(money) : NCOLS(demand);
    lxw_worksheet *ws = workbook_add_worksheet(b->wb, "Charts");
    lxw_row_t breaks[8] = { 0 };
    int row = 0, nbreaks = 0;
    for (int i = 0; i < nspecs; i++) {
        if (!sc_result_metric_find(b->r, SC_LEVEL_DISTRICT, specs[i].metric))
            continue;       /* costs without finance: no HNB fans */
        fan_block k;
        int used = fan_data(b, ws, row, &specs[i], &k, e);
        if (used < 0)
            return -used;
        fan_chart(b, ws, row + used + 1, &k, &specs[i]);
        row += used + 1 + 22;   /* the chart is about 20 rows tall */
        if (i + 1 < nspecs)
            breaks[nbreaks++] = (lxw_row_t)row;
    }
    worksheet_set_h_pagebreaks(ws, breaks);
    return SC_OK;
}

/* ---- the workbook --------------------------------------------------------------- */

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
    xl_formats_add(b.wb, r->trajectories, &b.f);
    rc = sheet_summary(&b, e);
    if (r->has_finance || r->ntargets > 0)
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
    xl_print_setup(b.wb);
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
