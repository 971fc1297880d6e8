/*
 * sim_bench.h — the simulation's benchmark-only interface, private: for
 * bench/bench.c (and the engine's measured entry, engine_bench.h), not for
 * commands. What it gives: the GSL draws a run made, by kind; the time the
 * run spent in its sink; and the raw-draw floor, the same draws with no
 * model around them (floor.c).
 */
#ifndef SENDCAST_SIMULATE_SIM_BENCH_H
#define SENDCAST_SIMULATE_SIM_BENCH_H

#include <stdint.h>

#include "sendcast/error.h"
#include "sendcast/layout.h"
#include "sendcast/params.h"
#include "sendcast/scenario.h"
#include "sendcast/simulate.h"

/* GSL draws a run made, by kind: what the raw-draw floor must repeat.
 * Counted always (one integer add per draw). */
enum sc_draw_kind {
    SC_DRAW_GAMMA, SC_DRAW_POISSON, SC_DRAW_BINOMIAL, SC_DRAW_MULTINOMIAL, SC_DRAW_BETA,
    SC_DRAW_DIRICHLET, SC_DRAW_GAUSSIAN, SC_DRAW_BVGAUSSIAN,
    SC_NDRAW_KINDS
};
extern const char *const sc_draw_kind_names[SC_NDRAW_KINDS];

typedef struct sc_draw_counts {
    long long n[SC_NDRAW_KINDS];
} sc_draw_counts;

/* What sc_sim_run measures when sc_sim_options.bench points here. */
struct sc_sim_bench {
    sc_draw_counts draws;       /* set: the run's draws, all threads */
    double sink_seconds;        /* added to: wall time in the sink (a bounded summary's
                                   binning between blocks; SC_SINK_TEAM only) */
};

/* Which samplers the raw-draw floor makes its draws with. */
enum sc_floor_kind {
    SC_FLOOR_GSL,       /* every draw by GSL's own sampler (gsl_ran_binomial, ...) */
    SC_FLOOR_ENGINE     /* binomials and multinomials by the engine's prepared samplers */
};

/* The raw-draw floor: the same number of draws of each kind as `counts`,
 * with no model around them. The arguments of the draws are those the
 * engine made in its first `sample` trajectories, replayed in turn, so each
 * kind costs what it costs in the run. Returns the wall time. */
int sc_sim_draw_floor(const sc_scenario *s, const sc_params *p, const sc_layout *l,
                      uint64_t seed, long sample, const sc_draw_counts *counts, int threads,
                      enum sc_floor_kind kind, double *seconds, sc_error *e);

#endif
