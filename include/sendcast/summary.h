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

/* Bounded memory: instead of keeping every record, the trajectories are
 * simulated in passes (the keyed streams make a trajectory the same every
 * time): a pilot of the first m records fixes, per cell, bins between its
 * distinct values, split finely enough at large n that each holds about a
 * third of rank_error x n values; pass 1 over all n counts values per bin
 * and accumulates moments per chunk. If every wanted order statistic then
 * lies in a bin of one value or of at most rank_error x n values, the
 * percentiles are read from the bins, each within that rank error (the
 * achieved error: sc_summary_rank_error), and there is no pass 2; otherwise
 * pass 2 over all n keeps only the values in the bins that hold a wanted
 * order statistic, and percentiles are the same as with every record kept.
 * Means and sds agree with keeping every record to rounding. Memory about
 * 24 x cells x m bytes plus the counters (about 3 / rank_error a cell when
 * split, 2m otherwise) and the kept values, m = sqrt(2 x percentiles x n)
 * within [1024, 65536] (docs/performance.md). */
int sc_summary_alloc_bounded(const sc_layout *l, long n, int npercentiles,
                             const double *percentiles, sc_summary **out, sc_error *e);

/* The rank error allowed to a one-pass answer, as a share of n (default
 * SC_SUMMARY_RANK_ERROR); 0 asks for exact percentiles (pass 2 always). Bins
 * are split only when rank_error x n >= 30. Before the first pass ends. */
#define SC_SUMMARY_RANK_ERROR 1e-4
void sc_summary_set_rank_error(sc_summary *s, double rank_error);

/* The largest rank error of the percentiles given, as a share of n: 0 when
 * they are exact (every record kept, or pass 2 ran, or every wanted order
 * statistic fell on a value seen in the pilot). After the passes. */
double sc_summary_rank_error(const sc_summary *s);

/* Passes: 1 when every record is kept; 3 when bounded, or 2 once pass 1 has
 * ended and found it can answer. Store sc_summary_pass_trajectories(s, k)
 * trajectories 0.. in pass k (0-based), then call sc_summary_end_pass, while
 * k < sc_summary_passes(s) (ask again after each pass). */
int sc_summary_passes(const sc_summary *s);
long sc_summary_pass_trajectories(const sc_summary *s, int pass);
int sc_summary_end_pass(sc_summary *s, sc_error *e);
int sc_summary_has_records(const sc_summary *s);   /* sc_summary_value/records usable */

/* Bounded, across MPI ranks: this process stores trajectories first..first+
 * count-1 in passes 1 and 2 (the pilot, pass 0, is every process's); the
 * passes combine the processes' counts (so all decide alike whether pass 2
 * is needed); after the last pass
 * sc_summary_end_passes brings the kept values to rank 0, which computes.
 * The slice must start on a chunk boundary (sc_summary_chunk). */
void sc_summary_set_slice(sc_summary *s, long first, long count);
int sc_summary_end_passes(sc_summary *s, sc_error *e);

/* Trajectories are handed to threads in chunks of this many, each chunk to one
 * thread in index order (the bounded mode's sums rely on it). */
long sc_summary_chunk(long n);

/* Store trajectory i's cells (l->ncells doubles, laid out as sc_layout says).
 * Threads may store different i at once: no locks, no allocation. 0 <= i < n. */
void sc_summary_store(sc_summary *s, long i, const double *cells);

/* Store trajectories first .. first + count - 1 at once, rows[count][ncells].
 * Every record kept: any thread may store any rows. Bounded: the cells are shared among the threads
 * of the calling team, which must all call it with the same block (one
 * thread alone outside a parallel region does all of them); blocks come in
 * index order within each chunk. */
void sc_summary_store_rows(sc_summary *s, long first, long count, const double *rows);

/* Whether the summary is the bounded kind (stores blocks team-wide). */
int sc_summary_bounded(const sc_summary *s);

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

/* The stored records, [n][ncells] doubles, row i = record i: for moving whole
 * records between processes (MPI gather), not for reading statistics. */
double *sc_summary_records(sc_summary *s);

/* The raw value of one cell in trajectory i (tests, replay). */
double sc_summary_value(const sc_summary *s, long i, size_t cell);

#endif
