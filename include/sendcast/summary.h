/*
 * summary.h — statistics across trajectories (MODEL.md section 4).
 *
 * The summary keeps every trajectory's cells (memory 8 bytes x cells x
 * trajectories) and computes, for each cell: mean, sample sd (n-1), Monte
 * Carlo standard error of the mean (sd/sqrt(n)), and percentiles by the
 * Hyndman-Fan type 7 rule (linear interpolation between order statistics,
 * as numpy's default, R's default and Excel's PERCENTILE.INC), computed with
 * gsl_stats_quantile_from_sorted_data. For the Safety Valve indicators it
 * gives P(target met) and its standard error sqrt(p(1-p)/n).
 *
 * Results are computed cell by cell over trajectories in index order, so they
 * do not depend on the number of threads.
 */
#ifndef SENDCAST_SUMMARY_H
#define SENDCAST_SUMMARY_H

#include "sendcast/error.h"
#include "sendcast/layout.h"

typedef struct sc_summary sc_summary;

/* Storage for n trajectories of the layout's cells, and the percentiles wanted
 * (each in [0, 100]; copied). The layout is copied too. Returns SC_OK;
 * SC_EINPUT for n < 1 or a bad percentile; SC_ENOMEM when 8 x cells x n bytes
 * overflow or cannot be had (the message gives the bytes). *out is NULL on
 * failure. */
int sc_summary_alloc(const sc_layout *l, long n, int npercentiles, const double *percentiles,
                     sc_summary **out, sc_error *e);
void sc_summary_free(sc_summary *s);

/* Store trajectory i's cells (l->ncells doubles, laid out as sc_layout says).
 * Storage is cell-major ([cell][trajectory]) so each cell's n values are
 * contiguous for sorting; this scatters the values into column i. Threads may
 * store different i at once: no locks, no allocation. 0 <= i < n. */
void sc_summary_store(sc_summary *s, long i, const double *cells);

/* Compute the statistics once every record is filled (threads: OpenMP, the
 * current omp_get_max_threads()). A cell holding NaN in any trajectory gets
 * NaN for every statistic. Returns SC_OK or SC_ENOMEM (sorting scratch, n
 * doubles per thread); may be called again. */
int sc_summary_compute(sc_summary *s, sc_error *e);

long sc_summary_trajectories(const sc_summary *s);
int sc_summary_npercentiles(const sc_summary *s);
const double *sc_summary_percentiles(const sc_summary *s);    /* [P] */

/* Statistic blocks of one (level, metric): [year][unit], percentiles [year][unit][P]. */
const double *sc_summary_mean(const sc_summary *s, enum sc_level level, int metric);
const double *sc_summary_sd(const sc_summary *s, enum sc_level level, int metric);
const double *sc_summary_mcse(const sc_summary *s, enum sc_level level, int metric);
const double *sc_summary_pct(const sc_summary *s, enum sc_level level, int metric);

/* Safety Valve: [year] P(target met) and its standard error; NaN where no target. */
const double *sc_summary_p_met(const sc_summary *s);
const double *sc_summary_p_met_mcse(const sc_summary *s);

/* Over the whole agreement: [year] P(this year's is the first target missed),
 * and P(every target met) with its standard error sqrt(p(1-p)/n) (NaN when
 * the scenario has no target). */
const double *sc_summary_p_first_breach(const sc_summary *s);
double sc_summary_p_all_met(const sc_summary *s, double *mcse);

/* The raw value of one cell in trajectory i (tests, replay). */
double sc_summary_value(const sc_summary *s, long i, size_t cell);

#endif
