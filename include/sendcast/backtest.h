/*
 * backtest.h — how honest have the bands been? Fit on history up to a year,
 * forecast the later years history has, and score the forecast against them.
 *
 * sc_backtest_prepare() makes a scenario's back-test, a scenario of its own
 * (the scenario itself is not changed): base year =
 * `until`, horizon = the history years after it; the base-year stock from
 * history's plans_open at `until`, split over clusters, bands and placements
 * in proportion to the scenario's own base stock (largest remainder, whole
 * plans adding up exactly); SEND-support pupils scaled to history's
 * send_support at `until` where history has it (else the scenario's); the
 * cluster working ramp of each calendar year as the scenario says (0 before
 * the scenario's base year); money targets dropped (money is not scored);
 * and its parameters, with every `dist: fit` fitted on history <= until.
 *
 * sc_backtest_score() reads every trajectory of a run of that scenario (the
 * engine keeps the cells sc_backtest_cells names, in any memory mode) and,
 * per held-out year and observed metric, gives p5/p25/p50/p75/p95 (type 7),
 * the PIT (share of trajectories below the observation, ties counted half:
 * the mid-rank, since the counts are integers), and the empirical CRPS of
 * the trajectory sample; over all cells with an observation, the coverage of
 * the central 50% (p25-p75) and 90% (p5-p95) bands and the mean CRPS.
 */
#ifndef SENDCAST_BACKTEST_H
#define SENDCAST_BACKTEST_H

#include <stdio.h>

#include "sendcast/error.h"
#include "sendcast/fit.h"
#include "sendcast/layout.h"
#include "sendcast/params.h"
#include "sendcast/scenario.h"
#include "sendcast/summary.h"

/* The observed metrics, each a district metric of layout.h and a history column. */
enum sc_backtest_metric {
    SC_BT_REQUESTS, SC_BT_ASSESSMENTS, SC_BT_NEW_PLANS, SC_BT_PLANS_TOTAL, SC_BT_CEASED,
    SC_BT_NMETRICS
};
extern const char *const sc_backtest_metric_names[SC_BT_NMETRICS];

#define SC_BT_NQ 5      /* p5, p25, p50, p75, p95 */

typedef struct sc_backtest {
    int until;                  /* last year fitted; the back-test's base year */
    int years;                  /* held-out years until+1 .. until+years */
    long trajectories;
    double base_plans;          /* plans_open at until (history) */
    double scenario_plans;      /* the scenario's own base-year plans, for the split */
    /* [metric][year index], NaN where history has no observation */
    double obs[SC_BT_NMETRICS][SC_MAX_HORIZON];
    double q[SC_BT_NMETRICS][SC_MAX_HORIZON][SC_BT_NQ];
    double pit[SC_BT_NMETRICS][SC_MAX_HORIZON];
    double crps[SC_BT_NMETRICS][SC_MAX_HORIZON];
    int ncells;                 /* cells with an observation */
    double cover50, cover90;    /* shares of those cells inside the bands */
    double crps_mean;
    sc_fit_result fit;
} sc_backtest;

/* The back-test of s at `until` (see above): *out its scenario and *params
 * its fitted parameters, both the caller's to free; bt its observations.
 * s is not changed. SC_EINPUT when history has no year after until, or no
 * plans_open at until; the fit's failures; SC_ENOMEM. *out and *params are
 * NULL on failure. */
int sc_backtest_prepare(const sc_scenario *s, int until, sc_scenario **out, sc_params **params,
                        sc_backtest *bt, sc_error *e);

/* The same, holding out at most max_years years (0: every later year history
 * has) and fitting model 2 on `priors` (NULL: the scenario's own): how a
 * rolling-origin calibration forecasts each origin on priors that saw
 * nothing after it. */
int sc_backtest_prepare_with(const sc_scenario *s, int until, int max_years,
                             const struct sc_priors *priors, sc_scenario **out,
                             sc_params **params, sc_backtest *bt, sc_error *e);

/* The district cells the score reads, metric by metric, year by year, into
 * cells[SC_BT_NMETRICS x bt->years] (of the back-test scenario's layout);
 * returns how many. For the engine's keep_cells. */
int sc_backtest_cells(const sc_backtest *bt, const sc_layout *l, size_t *cells);

/* Score a run of the back-test scenario: every trajectory of the cells
 * sc_backtest_cells names (sc_summary_cell_values). */
int sc_backtest_score(const sc_layout *l, const sc_summary *sum, sc_backtest *bt,
                      sc_error *e);

void sc_backtest_print(FILE *out, const sc_scenario *s, const sc_params *p,
                       const sc_backtest *bt);

/* The same in HDF5 (/backtest/..., layout atop src/backtest/backtest_h5.c),
 * written whole or not at all; SC_EEXIST when path exists and !force. */
int sc_backtest_write_h5(const char *path, int force, const sc_scenario *s, const sc_params *p,
                         const sc_backtest *bt, sc_error *e);

#endif
