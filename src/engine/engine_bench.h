/*
 * engine_bench.h — the engine's benchmark-only entry, private: for
 * bench/bench.c, which times the stages of a run apart. Commands use
 * sc_engine_run (engine.h).
 */
#ifndef SENDCAST_ENGINE_ENGINE_BENCH_H
#define SENDCAST_ENGINE_ENGINE_BENCH_H

#include "sendcast/engine.h"
#include "../simulate/sim_bench.h"

/* Where a run's time went. */
typedef struct sc_engine_measures {
    sc_draw_counts draws;    /* every pass's draws together */
    double passes_s;         /* wall time of the passes: simulating, the sink's work, ending
                                each pass (the statistics apart) */
    double sink_s;           /* of which in the sink between blocks (a bounded summary's
                                binning; 0 when every record is kept) */
    double compute_s;        /* sc_summary_compute */
    int bounded;             /* the summary's kind */
    int passes;              /* its passes, the pilot included */
} sc_engine_measures;

/* sc_engine_run, measured (m is filled). With summarise 0, only simulates
 * o->trajectories trajectories (no summary, *out NULL): the simulation's own
 * cost. */
int sc_engine_run_measured(const sc_scenario *s, const sc_params *p, const sc_engine_options *o,
                           int summarise, sc_summary **out, sc_engine_measures *m,
                           sc_error *e);

#endif
