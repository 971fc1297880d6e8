/*
 * sens_output.h — sensitivity, the layered fan, stress tests and budgets
 * (sensitivity.h) as charts, workbook sheets and report sections: what the
 * steering group sees of them. Charts are drawn with PLplot through
 * export.h's sc_chart_draw_with (src/export/sens_charts.c), sheets with
 * libxlsxwriter (src/export/sens_xlsx.c), sections as HTML
 * (src/report/sens_report.c). Each takes what sensitivity.h computed; none
 * simulates.
 */
#ifndef SENDCAST_SENS_OUTPUT_H
#define SENDCAST_SENS_OUTPUT_H

#include <stdio.h>

#include "sendcast/error.h"
#include "sendcast/export.h"
#include "sendcast/result.h"
#include "sendcast/sensitivity.h"

/* ---- charts (PNG or SVG, 1000 x 600) ------------------------------------ */

/* Each chart goes to `to` (export.h: a file, whole or not at all, or
 * memory), drawn in a child process as every chart is. */

/* Tornado of output o in year index y: the `top` inputs with the largest
 * shares, each a bar from the output's median to its median with the input
 * at its 10th and at its 90th percentile (whiskers: their Monte Carlo
 * errors), labelled with the share ± its error. */
int sc_sens_chart_tornado(const sc_sens_data *d, const sc_sens_table *t, int o, int y, int top,
                          const char *device, sc_chart_to *to, sc_error *e);

/* The layered fan of output o: the full run's 90% and 60% bands (outer),
 * the band with the parameters at their central values (inner), both
 * medians, and the parameters' share of the variance over each year.
 * SC_EINPUT when the file has no layered fan of o. */
int sc_sens_chart_layers(const sc_sens_data *d, int o, const char *device, sc_chart_to *to,
                         sc_error *e);

/* Budgets: each cluster's budget today (in today's proportions of the
 * total) and risk-equalised, with P(overspend) of each; and each area's
 * trade-off curve, contingency held against P(overspend beyond it). The
 * scenario's own budgets keep their status in the legend ("illustrative"). */
int sc_sens_chart_budgets(const sc_sens_data *d, const sc_sens_budgets *b, const char *device,
                          sc_chart_to *to, sc_error *e);

/* Into dir (which exists), PNG and SVG each (an existing file replaced only
 * with replace, as outfile.h): with a table t,
 * tornado_<output> for every headline output it has (year index y) and
 * layers_<output> for each the layered fan has; with b, budgets. *ndrawn (may be
 * NULL): how many charts. */
int sc_sens_export_charts(const sc_sens_data *d, const sc_sens_table *t, int y,
                          const sc_sens_budgets *b, const char *dir, int replace, int *ndrawn,
                          sc_error *e);

/* `export --charts`: the charts above for the result file at path, into dir:
 * tornados of the last year, the layered fans and (with cluster working) the
 * budgets of the scenario's own total in the first year at risk 0.9 (unless
 * budgets is 0: a no-change run, where no cluster holds its budget,
 * sc_result_clusters_work). A file without draws draws none (*ndrawn 0) and
 * is no error. */
int sc_sens_export_result_charts(const char *path, const char *dir, int budgets, int replace,
                                 int *ndrawn, sc_error *e);

/* ---- the workbook ---------------------------------------------------------- */

struct lxw_workbook;

/* Sheets Sensitivity (the table of every output, year and input, and a
 * native tornado chart of each headline output in the last year), Layers
 * (the layered fan's table and chart), Stress (the top decile and the bottom
 * decile of the last year's leading input of the first headline output) and
 * Budgets (the scenario's own total in the first year, risk 0.9; with
 * cluster working only) into wb, from the result file r was read from. A
 * file without draws gets one Sensitivity sheet saying how to make them.
 * SC_OK, SC_ENOMEM, SC_EINPUT (the file's draws unreadable). */
int sc_sens_xlsx_sheets(struct lxw_workbook *wb, const sc_result *r, sc_error *e);

/* ---- the report ------------------------------------------------------------ */

/* What the report's sections of sensitivity use, with their settings. */
typedef struct sc_sens_report_options {
    double total;       /* budgets: the total to share (0: the scenario's own in that year) */
    const char *year;   /* budgets: the year (NULL: the first of the horizon) */
    double risk;        /* budgets: the contingency's cover (0: 0.9) */
} sc_sens_report_options;

/* The report's sections "What drives the risk" (tornado of HNB spend, or of
 * plans for a result without money, in the last year, and the shares of every
 * headline output), "Parameter uncertainty and year-to-year chance" (the
 * layered fan and its shares), "Stress test" and, with cluster working,
 * "Cluster budgets and contingency", into f; charts drawn in memory and
 * embedded by embed(f, svg, len, k) (the report's own, which frees svg). A file without draws
 * gets a note saying how to make them. SC_OK, SC_ENOMEM, SC_EFAIL (a chart),
 * SC_EINPUT (options out of range). */
typedef int (*sc_sens_embed_fn)(FILE *f, char *svg, size_t len, int k, sc_error *e);
int sc_sens_report_sections(FILE *f, const sc_result *r, const sc_sens_report_options *o,
                            sc_sens_embed_fn embed, sc_error *e);

#endif
