/*
 * simulate.h — the Monte Carlo of MODEL.md section 3.
 *
 * Each trajectory draws its parameters (3.1) from the run's resolved
 * parameters (params.h), then steps the years (3.2) and counts the money
 * (3.3), writing its cells as laid out in layout.h. Random numbers come from
 * keyed streams (rng.h), so trajectory i is the same whatever thread or
 * process runs it, and alone or inside a full run. The scenario and the
 * parameters are only read: any number of runs may share them.
 *
 * The stage knows nothing of summaries: it hands its rows to a sink
 * (sink.h, which states the threading rule). src/engine/ connects the two.
 */
#ifndef SENDCAST_SIMULATE_H
#define SENDCAST_SIMULATE_H

#include <stdint.h>
#include <stdio.h>

#include "sendcast/error.h"
#include "sendcast/layout.h"
#include "sendcast/params.h"
#include "sendcast/scenario.h"
#include "sendcast/sink.h"

/* Per-thread scratch: the year step never allocates. */
typedef struct sc_sim_workspace sc_sim_workspace;

int sc_sim_workspace_alloc(const sc_scenario *s, sc_sim_workspace **out, sc_error *e);
void sc_sim_workspace_free(sc_sim_workspace *w);

/* Simulate trajectory i of the run with this seed into cells[l->ncells].
 * Fails (SC_EFAIL) only when a count would leave the range the samplers
 * handle exactly (2^31), rather than wrap. */
int sc_sim_trajectory(const sc_scenario *s, const sc_params *p, const sc_layout *l,
                      sc_sim_workspace *w, uint64_t seed, long i, double *cells, sc_error *e);

/* Progress of a run: called from one thread at a time, with the number of
 * trajectories finished so far; must be cheap and must not fail. */
typedef void (*sc_progress_fn)(void *ctx, long done, long total);

/* Benchmarks only (draw counts, the sink's time): src/simulate/sim_bench.h. */
struct sc_sim_bench;

typedef struct sc_sim_options {
    int threads;                /* OpenMP threads; 0: all cores (omp_get_num_procs) */
    long first;                 /* the first trajectory */
    long record_first;          /* trajectory first + k goes to the sink as record
                                   record_first + k */
    sc_progress_fn progress;    /* NULL: none */
    void *progress_ctx;
    struct sc_sim_bench *bench; /* NULL, except in benchmarks */
} sc_sim_options;

/* Simulate trajectories first .. first + n - 1 (opt->first) with opt->threads
 * threads and hand their rows to sink by its rule (sink may be NULL: simulate
 * only, for timing). The rows do not depend on the number of threads. opt
 * may be NULL (all cores, no progress, from trajectory 0). Returns SC_OK,
 * SC_ENOMEM (workspaces, row buffers: nothing was handed over), or the first
 * trajectory's failure (sc_sim_trajectory). */
int sc_sim_run(const sc_scenario *s, const sc_params *p, const sc_layout *l, uint64_t seed,
               long n, const sc_sim_options *opt, const sc_sink *sink, sc_error *e);

/* Re-run trajectory i alone, writing to `out` (CSV: year,unit,quantity,value)
 * every parameter it drew, every draw of each year step (MODEL.md 3.2 by
 * cluster), the stock after it, and the year's district cells; its cells
 * land in cells[l->ncells], identical to trajectory i inside a full run. */
int sc_sim_trace(const sc_scenario *s, const sc_params *p, const sc_layout *l, uint64_t seed,
                 long i, FILE *out, double *cells, sc_error *e);

#endif
