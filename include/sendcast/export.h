/*
 * export.h — what finance officers and the steering group take away from a
 * result file: tidy CSV, an Excel workbook, and fan charts (PNG and SVG).
 *
 * Every function reads an sc_result (result.h) and writes whole files or
 * nothing: each output is written beside its target (NAME.tmp.PID) and
 * renamed into place when complete; an existing file is replaced only with
 * replace != 0 (--force), and never when it is not a regular file
 * (outfile.h). Errors: SC_EFAIL for I/O or library failures, with the file
 * named; SC_EEXIST, SC_EINPUT as outfile.h; SC_ENOMEM. Money is shown in £m
 * in charts and sheets; the CSV keeps pounds exactly as stored, and a text
 * cell that a spreadsheet would run as a formula (= + - @ first, or a tab or
 * a carriage return) is written with a leading apostrophe.
 */
#ifndef SENDCAST_EXPORT_H
#define SENDCAST_EXPORT_H

#include <stddef.h>
#include <stdio.h>

#include "sendcast/error.h"
#include "sendcast/outfile.h"
#include "sendcast/result.h"

/* ---- CSV ------------------------------------------------------------------ */

/* Tidy long form, one number a row, with this header:
 *   metric,level,unit,measure,year,financial_year,statistic,value
 * level is district/area/cluster (or "target"), unit the area or cluster id
 * ("district" at district level), measure the unit of measure (GBP, plans,
 * ...), statistic mean/sd/mcse/pN (the stored percentiles) or, for targets,
 * target/p_met/p_met_mcse/p_first_breach and p_all_met/p_all_met_mcse (year
 * "all"; only when the result has finance). Values are written with 17
 * significant digits, so they read back to exactly the stored doubles; NaN is
 * an empty field. */
int sc_export_csv(const sc_result *r, const char *path, int replace, sc_error *e);

/* ---- Excel ---------------------------------------------------------------- */

/* Workbook (libxlsxwriter): Summary (key table, Safety Valve view,
 * provenance, count of inputs by status), Inputs, District, Areas, Clusters
 * (bands), Targets, Parameters, Charts (native Excel fan charts), and
 * Distribution (distribution.h: P below and above round amounts). A
 * result without finance has no Targets sheet, and its Summary and Charts
 * show demand (requests, new plans, plans in place) instead of money. */
int sc_export_xlsx(const sc_result *r, const char *path, int replace, sc_error *e);

/* The same with at most max_rows rows a sheet (Excel's limit, 1,048,576, in
 * sc_export_xlsx; smaller in tests). A table longer than a sheet (Clusters
 * of 2,000 clusters over 50 years, Inputs) goes on in "Clusters (2)", ...,
 * each with its header, and the first sheet says so: no row is dropped
 * (libxlsxwriter ignored rows past the limit, issue 17). */
int sc_export_xlsx_rows(const sc_result *r, const char *path, int replace, int max_rows,
                        sc_error *e);

/* ---- charts --------------------------------------------------------------- */

enum sc_chart_kind {
    SC_CHART_HNB_SPEND,       /* fan chart of HNB spend */
    SC_CHART_BALANCE,         /* fan chart of the in-year balance, with the targets */
    SC_CHART_PLANS,           /* fan chart of plans in place */
    SC_CHART_TOPUP,           /* fan chart of top-up spend, council projection over it */
    SC_CHART_DEFICIT,         /* fan chart of the cumulative deficit */
    SC_CHART_CLUSTER_OVERSPEND, /* P(cluster overspends) by cluster, first and last year */
    SC_CHART_AREA_CONTINGENCY,  /* contingency used vs available, by area */
    SC_CHART_SV_TARGETS,      /* P(target met) and P(first breach) by year */
    SC_NCHARTS
};

/* File stem of each chart ("hnb_spend_fan", ...). */
const char *sc_chart_name(enum sc_chart_kind k);
/* Title a reader sees. */
const char *sc_chart_title(enum sc_chart_kind k);

/* Whether result r can have chart k: the plans fan chart always; spend fans
 * need costs, the balance, deficit and Safety Valve charts finance, the
 * cluster and area charts cluster working (result.h's has_*). A demand-only
 * result has the plans chart alone. */
int sc_chart_applies(const sc_result *r, enum sc_chart_kind k);

/* Chart k drawn with PLplot's device "pngcairo" or "svgcairo" into memory
 * (*out, *len; sc_free it), PLplot running in a child process: SC_EFAIL when
 * the device is missing, PLplot crashed or stopped the process, or what it
 * drew is not a whole PNG or SVG (the message names the chart). */
int sc_chart_render(const sc_result *r, enum sc_chart_kind k, const char *device, char **out,
                    size_t *len, sc_error *e);

/* The same written to path, whole or not at all (outfile.h: replace as
 * there; SC_EFAIL when a write fails, with the file named). */
int sc_chart_draw(const sc_result *r, enum sc_chart_kind k, const char *device,
                  const char *path, int replace, sc_error *e);

/* Whether every chart file sc_export_charts would write into dir may be
 * written (sc_outfile_check with the command's inputs), before any is. */
int sc_export_charts_check(const sc_result *r, const char *dir, int replace,
                           const char *const *inputs, int ninputs, sc_error *e);

/* Any chart: fn(ctx, e) draws on a fresh PLplot stream of `device`
 * ("pngcairo", "svgcairo"; 1000 x 600, white, the charts' colours and font
 * set, no page advanced yet), in a child process as sc_chart_render: into
 * memory (name for messages), or to path whole or not at all (replace as
 * outfile.h). For charts drawn from more than a result
 * (src/export/sens_charts.c). */
typedef int (*sc_chart_fn)(const void *ctx, sc_error *e);
int sc_chart_render_with(const char *device, const char *name, sc_chart_fn fn, const void *ctx,
                         char **out, size_t *len, sc_error *e);
int sc_chart_draw_with(const char *device, const char *path, int replace, sc_chart_fn fn,
                       const void *ctx, sc_error *e);

/* Where a chart goes: a file (path; whole or not at all, replace as
 * outfile.h) or, path NULL, memory (bytes, len: sc_free bytes). */
typedef struct sc_chart_to {
    const char *path;
    int replace;
    char *bytes;
    size_t len;
} sc_chart_to;
/* fn's chart to `to`, as the two above (name for messages in memory); an SVG
 * carries title and desc as its <title> and <desc> (title NULL: none), for
 * screen readers and slides. sc_chart_render and sc_chart_draw caption a
 * result's chart with its title and what it shows in words. */
int sc_chart_make(const char *device, const char *name, const char *title, const char *desc,
                  sc_chart_fn fn, const void *ctx, sc_chart_to *to, sc_error *e);

/* Every chart r can have (sc_chart_applies) as DIR/<name>.png and
 * DIR/<name>.svg (DIR must exist); *ndrawn (may be NULL) says how many were
 * drawn, both files of each, before any failure. */
int sc_export_charts(const sc_result *r, const char *dir, int replace, int *ndrawn,
                     sc_error *e);

/* The fan-chart bands: percentiles 5, 20, 35, 50, 65, 80, 95 (the 90%, 60%
 * and 30% central intervals and the median). */
#define SC_FAN_NQ 7
extern const double sc_fan_q[SC_FAN_NQ];

/* The bands a fan of metric m (NULL: any metric of r) can show, in q: 5, 50
 * and 95 always (every scenario stores them); the inner pairs 20/80 and
 * 35/65 where the file keeps per-trajectory values or stores them, and
 * otherwise the stored symmetric pairs nearest them (a bounded-memory run
 * with the default percentiles gives 10/90 and 25/75), or 5/95 again where
 * there is none. The central share each band holds, in per cent (90, 60, 30
 * normally), is in share[0..2], for the labels. */
void sc_fan_levels(const sc_result *r, const sc_result_metric *m, double q[SC_FAN_NQ],
                   double share[3]);

#endif
