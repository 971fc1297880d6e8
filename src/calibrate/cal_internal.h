/*
 * cal_internal.h — private to src/calibrate (prefix cal_): the calibration's
 * state, its work list and the layout of one forecast's block of scores.
 */
#ifndef SENDCAST_CALIBRATE_CAL_INTERNAL_H
#define SENDCAST_CALIBRATE_CAL_INTERNAL_H

#include "sendcast/calibrate.h"

/* One case: a metric h years ahead of an origin, for one council. */
enum {
    CASE_OBS,           /* the outturn (NaN: none, or flagged) */
    CASE_Q5, CASE_Q25, CASE_Q50, CASE_Q75, CASE_Q95,
    CASE_PIT, CASE_CRPS,
    CASE_NAIVE_GROWTH, CASE_NAIVE_LINE,
    CASE_LEN
};
#define CAL_BLOCK (SC_CAL_NMETRICS * SC_CAL_MAX_H * CASE_LEN)

/* A forecast to make: council (index in the panel) at an origin. */
typedef struct cal_work {
    int council;
    int origin;         /* the year */
    int status;         /* SC_OK, or why it failed (then its block is NaN) */
} cal_work;

struct sc_calibrate {
    sc_calibrate_options o;
    int first_year, last_year;      /* the files' activity years with requests */
    int norigins;
    sc_priors **priors;             /* [norigins] */
    sc_priors *final;               /* fitted on every year */
    int ncouncils;                  /* in the panel */
    char (*codes)[16];              /* [ncouncils] each council's code */
    long nwork;
    cal_work *work;                 /* [nwork] */
    double *blocks;                 /* [nwork][CAL_BLOCK] */
    sc_calibrate_cell cell[SC_CAL_NMETRICS][SC_CAL_MAX_H];
    char files[1024];               /* the releases read, for provenance */
    char sha[2][80];
    long refused;                   /* eligible forecasts that failed (should be 0) */
    double seconds;
};

/* Every eligible (council, origin) forecast, scored into blocks
 * ([nwork][CAL_BLOCK], NaN where there is no case). */
int cal_forecasts(int first_origin, int norigins, sc_priors *const *priors, const sc_sen2 *panel,
                  const sc_calibrate_series *cs, const sc_calibrate_options *o, cal_work **work,
                  long *nwork, double **blocks, long *refused, sc_error *e);

/* The scores by metric and horizon from the blocks. */
void cal_scores(const cal_work *work, long nwork, const double *blocks, int max_h,
                sc_calibrate_cell cell[SC_CAL_NMETRICS][SC_CAL_MAX_H]);

void cal_provenance_files(const sc_calibrate_options *o, char *buf, size_t cap);

#endif
