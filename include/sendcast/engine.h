/*
 * engine.h — the one stage that turns a scenario and its resolved parameters
 * into a summary of N simulated trajectories: across OpenMP threads, MPI
 * ranks, and the passes of a summary made in bounded memory.
 *
 * Every command that simulates goes through sc_engine_run (`run`,
 * `backtest`, and those that run the engine many times over: calibration,
 * sweeps, goal seek, attribution); none of them drives simulate, summarise
 * and parallel itself. Inside, sc_engine_run:
 *
 *   1. makes the summary: every record kept when 8 x cells x n bytes fit in
 *      options.memory_mb (sc_summary_alloc), else bounded (passes);
 *   2. for each pass: simulates this process's trajectories into the
 *      summary's sink (sc_sim_run; the sink's threading rule is in sink.h),
 *      then, with several ranks, moves the summary's shared state as plain
 *      arrays (ranks.h), and ends the pass;
 *   3. brings the records (or pass 2's kept values) to rank 0;
 *   4. computes the statistics there (sc_summary_compute).
 *
 * What a call costs and keeps: it opens no file, prints nothing unless
 * options.progress is set, and keeps nothing between calls: no global state,
 * and the caller's OpenMP settings (omp_set_num_threads) are left alone. The
 * scenario and the parameters are only read, so any number of calls may
 * share them, one after another or at once.
 *
 * Threads: options.threads OpenMP threads work on the one scenario. A call
 * with threads = 1 and distribute = 0 may run concurrently with others from
 * several threads of the caller (an OpenMP loop over scenarios, each call on
 * its own scenario or parameters): the caller parallelises over scenarios.
 *
 * Results never depend on threads, ranks or the memory mode (beyond the
 * stated rank error of a one-pass bounded summary, sc_summary_rank_error):
 * trajectory i's numbers depend only on (scenario, parameters, seed, i). So
 * two calls with one seed, for two policies or two parameter sets, are on
 * common random numbers, trajectory by trajectory.
 *
 * What the simulation draws (MODEL.md 3.1's parameters, the year step of
 * 3.2) is simulate's business, not the engine's: it passes the parameters
 * through unread, so a later model version changes src/simulate/ only.
 */
#ifndef SENDCAST_ENGINE_H
#define SENDCAST_ENGINE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sendcast/error.h"
#include "sendcast/params.h"
#include "sendcast/scenario.h"
#include "sendcast/simulate.h"
#include "sendcast/summary.h"

typedef struct sc_engine_options {
    long trajectories;        /* n >= 1 */
    uint64_t seed;            /* keys every random stream (model-notes.md) */
    int threads;              /* OpenMP threads for this call; 0: all cores */
    long memory_mb;           /* keep every record while 8 x cells x n bytes fit in this
                                 many MB; above, summaries in bounded memory */
    double rank_error;        /* bounded: the rank error a one-pass answer may have, as a
                                 share of n (SC_SUMMARY_RANK_ERROR); 0: exact percentiles */
    int distribute;           /* 1: share the trajectories among the job's MPI ranks; every
                                 rank calls with the same options, and the summary is rank
                                 0's. 0: this process alone, no MPI call at all */
    const size_t *keep_cells; /* cells (layout.h) whose every trajectory's value the summary
                                 keeps in either memory mode (sc_summary_cell_values) */
    int nkeep_cells;
    int values_only;          /* 1: skip the statistics (sc_summary_compute): the caller reads
                                 only keep_cells' values, as sweeps, goal seeks and
                                 attributions do (they compute their own); percentiles of
                                 every cell are a quarter of a Kirklees run's time */
    sc_progress_fn progress;  /* NULL: silent. Called once a pass as trajectories finish
                                 (done, total of that pass), one thread at a time */
    void *progress_ctx;
    /* NULL: silent. Before each pass of a bounded run, what the pass is
     * ("pass 2 of up to 3: every trajectory"), with progress_ctx: without it
     * the progress restarts from 0% with nothing to say why (rank 0 only) */
    void (*pass_note)(void *ctx, const char *what);
} sc_engine_options;

/* The default memory_mb: every record kept up to 2 GB (Kirklees: 10^5
 * trajectories). */
#define SC_ENGINE_MEMORY_MB 2048

/* The defaults for scenario s: its trajectories and seed, all cores,
 * memory_mb SC_ENGINE_MEMORY_MB, rank_error SC_SUMMARY_RANK_ERROR, no MPI, no
 * kept cells, no progress. */
void sc_engine_options_init(sc_engine_options *o, const sc_scenario *s);

/* Simulate o->trajectories trajectories of s, drawing parameters from p (which
 * sc_fit_params resolved: no `dist: fit` left), and summarise them. On
 * success *out is the summary, computed (unless o->values_only), the caller's
 * to sc_summary_free
 * (with o->distribute, on rank 0; NULL on the other ranks). Afterwards:
 * sc_summary_mean, _pct, ... for statistics; sc_summary_cell_values for every
 * trajectory's value of a cell: any cell when every record was kept
 * (sc_summary_has_records), a keep_cells cell in either mode.
 * Returns SC_OK; SC_EINPUT for options out of range (n < 1, fewer trajectories
 * than ranks, a keep cell outside the layout) or unresolved parameters;
 * SC_ENOMEM; SC_EFAIL (a trajectory left the samplers' range, an MPI
 * failure). With o->distribute every rank returns a failure when any rank
 * fails. *out is NULL on failure. */
int sc_engine_run(const sc_scenario *s, const sc_params *p, const sc_engine_options *o,
                  sc_summary **out, sc_error *e);

/* Whether sc_engine_run(s, p, o) keeps every trajectory's record (8 x cells
 * x n bytes within o->memory_mb) rather than summarising in bounded memory:
 * the same answer on every rank. */
int sc_engine_keeps_records(const sc_scenario *s, const sc_engine_options *o);

/* Re-run trajectory i of the run with this seed alone and write its every
 * draw and state to out as CSV (year,unit,quantity,value): identical to
 * trajectory i inside a full run. SC_OK, SC_ENOMEM, SC_EFAIL. */
int sc_engine_trace(const sc_scenario *s, const sc_params *p, uint64_t seed, long i,
                    FILE *out, sc_error *e);

#endif
