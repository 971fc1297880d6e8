/*
 * calibrate.h — `sendcast calibrate`: model 2's national priors fitted on the
 * whole SEN2 panel, and the rolling-origin back-test of every eligible
 * council that says how honest its bands have been (docs/validation.md).
 *
 * For each origin Y (a year whose later years the files hold), the priors are
 * fitted on the panel up to Y only; every council with at least three years
 * of requests up to Y and plans in place at Y is forecast from Y with model 2
 * (the scenario `sendcast init` writes for it, fitted on its history up to Y
 * and those priors), and each of requests, new plans and plans in place
 * 1..max_horizon years ahead is scored against what the files say happened:
 * whether it fell inside the central 50% and 90% bands, its PIT, the CRPS, and
 * the absolute % error of the forecast median beside two naive rules
 * (the last value grown at the last three years' growth; a straight line
 * through the last five years). Suspect cells (SEN2 rules) are neither fitted
 * nor scored. Finally the priors are fitted on every year, for shipping.
 *
 * The forecasts are independent of one another, so they are spread over
 * OpenMP threads (one engine call of one thread each) and, with `distribute`,
 * over MPI ranks; results never depend on either.
 */
#ifndef SENDCAST_CALIBRATE_H
#define SENDCAST_CALIBRATE_H

#include <stdint.h>
#include <stdio.h>

#include "sendcast/error.h"
#include "sendcast/priors.h"
#include "sendcast/sen2.h"

#define SC_CAL_NMETRICS 3      /* requests, new_plans, plans_total */
#define SC_CAL_MAX_H 8
#define SC_CAL_NBINS 10        /* PIT histogram */

extern const char *const sc_calibrate_metric_names[SC_CAL_NMETRICS];

/* One council's series from the panel, as the priors and the naive rules use
 * them (flagged cells NaN); arrays owned by the set. */
typedef struct sc_calibrate_series {
    int n;
    sc_panel_series *series;    /* [n], id = the council's old (or new) code */
    const sc_sen2_la **la;      /* [n] the panel's record */
    double *store;              /* the arrays' memory */
} sc_calibrate_series;

/* The panel's councils as series; SC_OK or SC_ENOMEM. */
int sc_calibrate_series_make(const sc_sen2 *panel, sc_calibrate_series *out, sc_error *e);
void sc_calibrate_series_free(sc_calibrate_series *s);

/* The naive rules' forecasts of x at origin index t (x[0..t] known), h years
 * ahead: (1) the last value grown at its last three years' mean growth, (2) a
 * least-squares line through the last five years, floored at 0. NaN when the
 * rule has too little data. */
double sc_calibrate_naive_growth(const double *x, int t, int h);
double sc_calibrate_naive_line(const double *x, int t, int h);

typedef struct sc_calibrate_options {
    const char *const *sen2;    /* release paths (zip or folder), later wins */
    int nsen2;
    int first_origin, last_origin;  /* 0: 2018, and the last year but one */
    int max_horizon;            /* 1..SC_CAL_MAX_H; 0: 4 */
    long trajectories;          /* per forecast; 0: 4000 */
    uint64_t seed;
    int threads;                /* 0: all cores */
    int distribute;             /* 1: spread the forecasts over the job's MPI ranks */
    int quiet;
} sc_calibrate_options;

/* Scores of one metric at one horizon, over every council and origin. */
typedef struct sc_calibrate_cell {
    long n;                     /* forecasts with an outturn */
    double cover50, cover90;    /* shares inside the central 50% / 90% bands */
    double pit_hist[SC_CAL_NBINS];  /* shares of PIT values in each tenth */
    double crps;                /* mean CRPS */
    double mdape, mape;         /* median / mean absolute % error of the forecast median */
    double mdape_growth, mape_growth, mdape_line, mape_line;   /* the naive rules' */
    long n_naive;               /* cases where both naive rules had data */
} sc_calibrate_cell;

typedef struct sc_calibrate sc_calibrate;

int sc_calibrate_run(const sc_calibrate_options *o, sc_calibrate **out, sc_error *e);
void sc_calibrate_free(sc_calibrate *c);

const sc_calibrate_cell *sc_calibrate_score(const sc_calibrate *c, int metric, int h);
/* The priors fitted on every year of the files (what calibrate ships). */
const sc_priors *sc_calibrate_final_priors(const sc_calibrate *c);

void sc_calibrate_print(FILE *out, const sc_calibrate *c);
int sc_calibrate_write_h5(const char *path, int force, const sc_calibrate *c, sc_error *e);
/* The provenance lines for the priors file (files, origin, councils, version). */
void sc_calibrate_provenance(const sc_calibrate *c, char *buf, size_t cap);

#endif
