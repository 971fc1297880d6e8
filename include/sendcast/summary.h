/*
 * summary.h — statistics across trajectories (MODEL.md section 4).
 *
 * For each cell: mean, sample sd (n-1), Monte Carlo standard error of the
 * mean (sd/sqrt(n)), and percentiles by the Hyndman-Fan type 7 rule
 * (sc_stats_type7 in stats.h: linear interpolation between order statistics,
 * numpy's and R's default, Excel's PERCENTILE.INC, in a clamped form that keeps
 * a row of percentiles non-decreasing). For the Safety Valve indicators it
 * gives P(target met) and its standard error sqrt(p(1-p)/n).
 *
 * Two kinds. sc_summary_alloc keeps every trajectory's record (8 bytes x
 * cells x n) and computes exactly. sc_summary_alloc_bounded works in bounded
 * memory, in passes over the same trajectories (src/summarise/twopass.c).
 * Either way a cell's statistics are computed by one thread in trajectory
 * order, so they do not depend on the number of threads (or processes).
 *
 * Rows come in through the summary's sink (sink.h), whose rule depends on the
 * kind. Across processes, the summary moves nothing itself: what each
 * process must combine is handed out as plain arrays (sc_summary_shared,
 * sc_summary_pack_kept) for the caller to move (src/engine/ with
 * src/parallel/).
 */
#ifndef SENDCAST_SUMMARY_H
#define SENDCAST_SUMMARY_H

#include <stddef.h>
#include <stdint.h>

#include "sendcast/error.h"
#include "sendcast/layout.h"
#include "sendcast/sink.h"

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

/* ---- settings, before the first row is stored ---- */

/* OpenMP threads of the summary's own loops (bounded binning shares the
 * simulating team instead; see the sink): 0, the default, takes
 * omp_get_max_threads(). */
void sc_summary_set_threads(sc_summary *s, int threads);

/* The rank error allowed to a one-pass answer, as a share of n (default
 * SC_SUMMARY_RANK_ERROR); 0 asks for exact percentiles (pass 2 always). Bins
 * are split only when rank_error x n >= 30. Bounded only. */
#define SC_SUMMARY_RANK_ERROR 1e-4
void sc_summary_set_rank_error(sc_summary *s, double rank_error);

/* Bounded, across processes: this process stores trajectories first ..
 * first + count - 1 in passes 1 and 2 (the pilot, pass 0, is every
 * process's). The slice must start on a chunk boundary (sc_summary_chunk). */
void sc_summary_set_slice(sc_summary *s, long first, long count);

/* Keep every trajectory's value of these cells (copied list of k cells), so
 * that sc_summary_cell_values can give them: free when every record is kept;
 * bounded, 8 x k x n bytes, filled in pass 1. SC_OK, SC_EINPUT (a cell
 * outside the layout), SC_ENOMEM. */
int sc_summary_keep_cells(sc_summary *s, const size_t *cells, int k, sc_error *e);

/* Trajectories are handed to the bounded kind's moments in chunks of this
 * many (a chunk's rows are taken in order by one thread). */
long sc_summary_chunk(long n);

/* ---- storing rows, pass by pass ---- */

/* The sink that stores rows in the pass under way: record i is trajectory
 * i's row (0 <= i < n). Every record kept: SC_SINK_ANY_THREAD (each record is
 * copied to its own place). Bounded: SC_SINK_TEAM (the cells are shared
 * among the team, a cell a thread, in record order). */
sc_sink sc_summary_sink(sc_summary *s);

/* Store rows first .. first + count - 1 (rows[count][ncells]) by the sink's
 * rule, from the calling thread alone outside a parallel region. */
void sc_summary_store_rows(sc_summary *s, long first, long count, const double *rows);
/* One record (tests). */
void sc_summary_store(sc_summary *s, long i, const double *cells);

/* Passes: 1 when every record is kept; 3 when bounded, or 2 once pass 1 has
 * ended and found it can answer. Store sc_summary_pass_trajectories(s, k)
 * trajectories 0.. in pass k (0-based; with a slice, the slice in passes 1
 * and 2), then call sc_summary_end_pass, while k < sc_summary_passes(s) (ask
 * again after each pass). */
int sc_summary_passes(const sc_summary *s);
long sc_summary_pass_trajectories(const sc_summary *s, int pass);
int sc_summary_end_pass(sc_summary *s, sc_error *e);
int sc_summary_bounded(const sc_summary *s);
int sc_summary_has_records(const sc_summary *s);   /* sc_summary_value/records usable */

/* ---- combining processes, as plain arrays ---- */

/* One table [rows][row_len] of which rows first .. first + count - 1 are
 * this process's: every process must end with every process's rows. */
typedef struct sc_summary_table {
    double *data;
    size_t row_len;
    long first, count;
} sc_summary_table;

#define SC_SUMMARY_MAX_TABLES 6

/* What the processes of a bounded summary must combine after the pass just
 * stored and before sc_summary_end_pass: sums[nsums] added element-wise,
 * flags[nflags] combined by maximum, and tables whose rows are copied from
 * the process that owns them. After pass 1: the bin counts, the NaN and
 * fraction flags, each chunk's moments and extremes, and the kept cells'
 * values; nothing (all counts 0) after the other passes, or when every
 * record is kept (records move whole: sc_summary_records). */
typedef struct sc_summary_shared {
    uint32_t *sums;
    size_t nsums;
    unsigned char *flags;
    size_t nflags;
    int ntables;
    sc_summary_table table[SC_SUMMARY_MAX_TABLES];
} sc_summary_shared;
void sc_summary_shared_state(sc_summary *s, sc_summary_shared *sh);

/* After the last pass of a bounded summary that took pass 2: the values this
 * process kept, to be brought to the one process that computes, as fills[nfills]
 * (how many values each slot holds, as doubles) and values[nvalues] (the
 * slots' values one after another). New arrays, the caller's to sc_free.
 * SC_OK or SC_ENOMEM. */
int sc_summary_pack_kept(const sc_summary *s, double **fills, size_t *nfills, double **values,
                         size_t *nvalues, sc_error *e);
/* On the computing process: every process's packs, in process order
 * (fills: nprocs x nfills; values: every process's one after another), in
 * place of its own. */
void sc_summary_unpack_kept(sc_summary *s, int nprocs, const double *fills,
                            const double *values);

/* ---- statistics ---- */

/* Compute the statistics once every pass has ended. A cell holding NaN in any
 * trajectory gets NaN for every statistic. Returns SC_OK, SC_ENOMEM (sorting
 * scratch, 8 x n doubles per thread), or SC_EFAIL when passes are missing;
 * may be called again. */
int sc_summary_compute(sc_summary *s, sc_error *e);

/* The largest rank error of the percentiles given, as a share of n: 0 when
 * they are exact (every record kept, or pass 2 ran, or every wanted order
 * statistic fell on a value seen in the pilot). After the passes. */
double sc_summary_rank_error(const sc_summary *s);

long sc_summary_trajectories(const sc_summary *s);
const sc_layout *sc_summary_layout(const sc_summary *s);      /* its copy */
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
/* The mean of a 0/1 indicator cell of the layout (a probability: the
 * `targets:` section's met and all-met cells, layout.h) and its standard
 * error sqrt(p(1-p)/n); NaN both where the cell is NaN (no target). */
double sc_summary_p_cell(const sc_summary *s, size_t cell, double *mcse);

/* ---- trajectory by trajectory ---- */

/* Every trajectory's value of one cell, in trajectory order, into out[n]
 * (for PIT values, CRPS, paired differences): any cell when every record is
 * kept, a cell given to sc_summary_keep_cells when bounded. After the passes
 * (on the process that computes). SC_OK, or SC_EINPUT when the summary does
 * not have that cell's values. */
int sc_summary_cell_values(const sc_summary *s, size_t cell, double *out, sc_error *e);

/* The stored records, [n][ncells] doubles, row i = record i (NULL when
 * bounded): for moving whole records between processes. */
double *sc_summary_records(sc_summary *s);

/* The raw value of one cell in trajectory i, when every record is kept. */
double sc_summary_value(const sc_summary *s, long i, size_t cell);

#endif
