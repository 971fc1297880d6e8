/*
 * sim_draws.h — every trajectory's parameter draws as a table: the inputs
 * of a sensitivity analysis (docs/sensitivity.md).
 *
 * A trajectory first draws its parameters (docs/model.md 2, MODEL.md 3.1)
 * from the run's resolved parameters, each from its own keyed stream, then
 * simulates its years. This header gives those draws back as a table of
 * columns, one number a trajectory each: a scalar parameter is one column
 * ("p_assess"), a vector one column a component ("placement_mix.special",
 * "band_mix.3"), the clusters' multipliers of the effect one a cluster once
 * heterogeneity is on ("cluster_multiplier.4&11": h_c, independent of the
 * effect E itself, so that each input's share is its own),
 * and inflation one a year ("inflation.2026", the year label). A column is
 * listed only when the run's parameters make it vary (not a fixed value,
 * not a normal of sd 0): the table holds what is uncertain, nothing else.
 *
 * Which columns exist is one table in src/simulate/draw_table.c (name,
 * parameter, span, where the trajectory keeps the value, what it means):
 * adding an input that trajectories draw (model 2's parameters, levers) is
 * a row there, and the result file, the sensitivity tables and the charts
 * follow it.
 *
 * The draws are a pure function of (scenario, parameters, seed, trajectory):
 * sc_sim_draws gives trajectory i's exactly as inside a full run, whatever
 * the threads, without simulating its years.
 */
#ifndef SENDCAST_SIM_DRAWS_H
#define SENDCAST_SIM_DRAWS_H

#include <stdint.h>

#include "sendcast/error.h"
#include "sendcast/params.h"
#include "sendcast/scenario.h"

/* One column of the draws table. */
typedef struct sc_sim_column {
    char name[2 * SC_ID_MAX];   /* "inflation.2026", "cluster_effect.4&11", "p_assess" */
    char group[SC_ID_MAX];      /* the stem: the column name before any ".<item>" */
    enum sc_param_id param;     /* the parameter (its /parameters group) it is drawn from */
    int year;                   /* the year label of a per-year draw; 0 otherwise */
    const char *doc;            /* what the number is (static text) */
    int def, item;              /* private: the table row and the component */
} sc_sim_column;

/* The columns a run of s with parameters p (resolved) draws, in the table's
 * order, into a new array (*out, sc_free it; *n of them, possibly 0). SC_OK
 * or SC_ENOMEM. */
int sc_sim_draw_columns(const sc_scenario *s, const sc_params *p, sc_sim_column **out, int *n,
                        sc_error *e);

/* The draws of trajectories first .. first + n - 1 of the run with this
 * seed into out[n][ncols] (row k = trajectory first + k), with `threads`
 * OpenMP threads (0: all cores); identical for any number of threads.
 * SC_OK or SC_ENOMEM (per-thread workspaces). */
int sc_sim_draws(const sc_scenario *s, const sc_params *p, uint64_t seed, long first, long n,
                 int threads, const sc_sim_column *cols, int ncols, double *out, sc_error *e);

#endif
