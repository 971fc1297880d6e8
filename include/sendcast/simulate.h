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
#include <stdio.h>

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

/* GSL draws a run made, by kind: what the raw-draw floor of `make bench`
 * must repeat. Counted always (one integer add per draw). */
enum sc_draw_kind {
    SC_DRAW_GAMMA, SC_DRAW_POISSON, SC_DRAW_BINOMIAL, SC_DRAW_MULTINOMIAL, SC_DRAW_BETA,
    SC_DRAW_DIRICHLET, SC_DRAW_GAUSSIAN, SC_DRAW_BVGAUSSIAN,
    SC_NDRAW_KINDS
};
extern const char *const sc_draw_kind_names[SC_NDRAW_KINDS];

typedef struct sc_draw_counts {
    long long n[SC_NDRAW_KINDS];
} sc_draw_counts;

typedef struct sc_sim_options {
    int threads;                /* OpenMP threads; 0: all cores */
    long first;                 /* index of the first trajectory (an MPI rank's slice) */
    long store_first;           /* trajectory first+k is stored as record store_first+k */
    sc_progress_fn progress;    /* NULL: none */
    void *progress_ctx;
    sc_draw_counts *draws;      /* NULL, or filled with the run's draw counts */
    double *store_seconds;      /* NULL, or added to: wall time of a bounded summary's
                                   binning (sc_summary_store_rows), inside the run's time */
} sc_sim_options;

/* Re-run trajectory i alone, writing to `out` (CSV: year,unit,quantity,value)
 * every parameter it drew, every draw of each year step (MODEL.md 3.2 by
 * cluster), the stock after it, and the year's district cells; its cells
 * land in cells[l->ncells], identical to trajectory i inside a full run. */
int sc_sim_trace(const sc_scenario *s, const sc_layout *l, uint64_t seed, long i, FILE *out,
                 double *cells, sc_error *e);

/* Simulate trajectories first..first+n-1 (opt->first, 0 by default) and store
 * trajectory first+k as the summary's record store_first+k (sum may be NULL:
 * simulate only, for timing). The result does not depend on the number of threads.
 * opt may be NULL (all cores, no progress, from trajectory 0). */
int sc_sim_run(const sc_scenario *s, const sc_layout *l, uint64_t seed, long n,
               const sc_sim_options *opt, sc_summary *sum, sc_error *e);

/* Which samplers the raw-draw floor makes its draws with. */
enum sc_floor_kind {
    SC_FLOOR_GSL,       /* every draw by GSL's own sampler (gsl_ran_binomial, ...) */
    SC_FLOOR_ENGINE     /* binomials and multinomials by the engine's prepared samplers */
};

/* The raw-draw floor (benchmarks): the same number of draws of each kind as
 * `counts`, with no model around them. The arguments of the draws are those
 * the engine made in its first `sample` trajectories, replayed in turn, so
 * each kind costs what it costs in the run. Returns the wall time. */
int sc_sim_draw_floor(const sc_scenario *s, const sc_layout *l, uint64_t seed, long sample,
                      const sc_draw_counts *counts, int threads, enum sc_floor_kind kind,
                      double *seconds, sc_error *e);

#endif
