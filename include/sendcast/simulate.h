/*
 * simulate.h — the Monte Carlo of MODEL.md section 3.
 *
 * Each trajectory draws its parameters (3.1), then steps the years (3.2) and
 * counts the money (3.3), writing its cells as laid out in layout.h. Random
 * numbers come from keyed streams (rng.h), so trajectory i is the same
 * whatever thread or process runs it, and alone or inside a full run.
 */
#ifndef SENDCAST_SIMULATE_H
#define SENDCAST_SIMULATE_H

#include <stdint.h>

#include "sendcast/error.h"
#include "sendcast/layout.h"
#include "sendcast/scenario.h"
#include "sendcast/summary.h"

/* Per-thread scratch: the year step never allocates. */
typedef struct sc_sim_workspace sc_sim_workspace;

int sc_sim_workspace_alloc(const sc_scenario *s, const sc_layout *l, sc_sim_workspace **out,
                           sc_error *e);
void sc_sim_workspace_free(sc_sim_workspace *w);

/* Simulate trajectory i of the run with this seed into cells[l->ncells].
 * Fails (SC_EFAIL) only when a count would leave the range the samplers
 * handle exactly (2^31), rather than wrap. */
int sc_sim_trajectory(const sc_scenario *s, const sc_layout *l, sc_sim_workspace *w,
                      uint64_t seed, long i, double *cells, sc_error *e);

/* Progress of a run: called from one thread at a time, with the number of
 * trajectories finished so far; must be cheap and must not fail. */
typedef void (*sc_progress_fn)(void *ctx, long done, long total);

typedef struct sc_sim_options {
    int threads;                /* OpenMP threads; 0: all cores */
    sc_progress_fn progress;    /* NULL: none */
    void *progress_ctx;
} sc_sim_options;

/* Simulate trajectories 0..n-1 and store each in the summary. The result does
 * not depend on the number of threads. opt may be NULL (all cores, no
 * progress). */
int sc_sim_run(const sc_scenario *s, const sc_layout *l, uint64_t seed, long n,
               const sc_sim_options *opt, sc_summary *sum, sc_error *e);

#endif
