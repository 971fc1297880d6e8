/*
 * distribution.h — one output in one year as a distribution: the question
 * "what is the chance the deficit exceeds £X?" answered for any X
 * (`sendcast distribution`, docs/outputs.md "The distribution of one output").
 *
 * From a result file (result.h): where the file keeps every trajectory's
 * value, P(value < x) is the share of trajectories below x, exactly, with its
 * Monte Carlo error sqrt(p (1 - p) / N). A bounded-memory run keeps none;
 * then the distribution function is interpolated linearly between the stored
 * percentiles (p5 .. p95 by default), and beyond them only a bound is known
 * ("< 5%", "> 95%"): nothing is invented past what the file holds.
 *
 * Prefix sc_cdf_ (sc_dist is the scenario's distribution of a parameter).
 * Part of the export stage (src/export/distribution.c, the text and CSV;
 * src/export/dist_chart.c, the chart); the report's section is
 * src/report/dist_page.c.
 */
#ifndef SENDCAST_DISTRIBUTION_H
#define SENDCAST_DISTRIBUTION_H

#include <stdio.h>

#include "sendcast/error.h"
#include "sendcast/export.h"
#include "sendcast/result.h"
#include "sendcast/text.h"

/* The output chosen: metric m of r for unit u in year index t. */
typedef struct sc_cdf {
    const sc_result *r;
    const sc_result_metric *m;
    int t, u;
    const char *unit_id;        /* "district", or the area's or cluster's id */
    long n;                     /* trajectories of the run (with a value, when exact) */
    double scale;               /* shown in units of scale: 1e6 for money (£m) */
    int exact;                  /* 1: every trajectory's value; 0: stored percentiles */
    double *sorted;             /* [n] ascending when exact, else NULL */
    int np;                     /* the stored percentiles, ascending */
    const double *q;            /* [np] levels, 0..100 (r->percentile) */
    double *v;                  /* [np] their values */
    /* the target on this metric in this year, if any (target_name "" when none) */
    char target_name[64];
    double target;
    int at_least;               /* met when value >= target (else <=) */
    double p_met, p_met_mcse;   /* as the file stores them */
} sc_cdf;

/* The outputs the report and the workbook show as distributions: each
 * target's (the Safety Valve's on hnb_balance in its last agreement year,
 * each other target's metric in its last year with a value), then the
 * cumulative deficit in the last year unless a target showed it already. */
#define SC_CDF_MAX_VIEWS (SC_RESULT_MAX_TARGETS + 2)
typedef struct sc_cdf_view {
    const char *metric;
    int t;
} sc_cdf_view;
int sc_cdf_views(const sc_result *r, sc_cdf_view *v);

/* P(value < x) and P(value > x) with their Monte Carlo errors (NaN when
 * interpolated: the stored percentiles carry none; the two differ by the
 * share of trajectories at exactly x); bound -1 when x is below
 * the lowest stored percentile q0 (P(< x) is only known to be under q0%),
 * +1 above the highest q1 (P(< x) over q1%), 0 otherwise. */
typedef struct sc_cdf_prob {
    double x;
    double below, above, mcse, mcse_above;
    int bound;
} sc_cdf_prob;

/* The distribution of metric `metric` (any level; unit: an area or cluster
 * id, NULL or "district" at district level) in the year `year` ("2029" or
 * "2029/30"). SC_EINPUT naming what is wrong: an unknown metric (the known
 * ones listed), a unit the level lacks, a year outside the run; SC_ENOMEM. */
int sc_cdf_open(const sc_result *r, const char *metric, const char *unit, const char *year,
                 sc_cdf *d, sc_error *e);
void sc_cdf_close(sc_cdf *d);

sc_cdf_prob sc_cdf_at(const sc_cdf *d, double x);

/* The value x with P(value < x) = p (0 < p < 1): the type 7 percentile of
 * the trajectories, or interpolated between stored percentiles (NaN outside
 * them). */
double sc_cdf_quantile(const sc_cdf *d, double p);

/* Round thresholds around the median, k of them (k <= 9), a "nice" step
 * (1, 2 or 5 times a power of ten) apart, into x[]; returns how many. */
int sc_cdf_round_thresholds(const sc_cdf *d, int k, double *x);

/* A value as it is shown: "£12.35m" for money, "1234.5" otherwise. */
sc_label sc_cdf_value_label(const sc_cdf *d, double x);

/* A probability as every view shows it: the bound it is known to ("< 5%"),
 * or sc_prob_label's value with its Monte Carlo error ("12.3% ± 0.74 pp";
 * none beside 0 or 1, whose bound says it, nor when interpolated). bound
 * is sc_cdf_prob's, negated for P(> x). */
typedef struct sc_cdf_label {
    char s[48];
} sc_cdf_label;
sc_cdf_label sc_cdf_p_label(const sc_cdf *d, double p, double mcse, int bound);

/* The text view: the output, how P is known, its percentiles, the target's
 * P(met) and each threshold's P(< x) and P(> x). */
void sc_cdf_print(FILE *f, const sc_cdf *d, const double *x, int nx);

/* The CSV (header metric,unit,year,financial_year,kind,value,p_below,
 * p_above,mcse,p_from): kind "quantile" for a grid of 99 points of the
 * distribution function (1%..99%, or the stored percentiles when
 * interpolated), "threshold" for each x, "target" for the target; p_from
 * "trajectories", "interpolated", or for a value beyond the stored
 * percentiles the bound ("p_below < 0.05", "p_below > 0.95"), its
 * p_below and p_above then empty.
 * Whole or nothing, replace as outfile.h. */
int sc_cdf_csv(const sc_cdf *d, const double *x, int nx, const char *path, int replace,
                sc_error *e);

/* The chart: histogram above, the distribution function below on the same
 * x axis, the target and each threshold marked with its P. device
 * "pngcairo", "svg" (its words kept as text) or "svgcairo"; to as
 * sc_chart_make. */
int sc_cdf_chart(const sc_cdf *d, const double *x, int nx, const char *device,
                  sc_chart_to *to, sc_error *e);

/* The workbook's sheet "Distribution" (src/export/dist_xlsx.c): for each of
 * sc_cdf_views, the target, P below and above round amounts around the
 * median, and the distribution function at 1%..99% (or the stored
 * percentiles), money in £m. Nothing when there are no views. wb is a
 * libxlsxwriter workbook. */
struct lxw_workbook;
int sc_cdf_xlsx_sheet(struct lxw_workbook *wb, const sc_result *r, sc_error *e);

#endif
