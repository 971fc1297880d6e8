/*
 * sens_internal.h — private to src/sensitivity (prefix sens_): what
 * sc_sens_collect keeps (collect.c) for the writer (write.c), and the
 * layout helpers both use.
 */
#ifndef SENDCAST_SENSITIVITY_SENS_INTERNAL_H
#define SENDCAST_SENSITIVITY_SENS_INTERNAL_H

#include "sendcast/layout.h"
#include "sendcast/sensitivity.h"
#include "sendcast/sim_draws.h"

/* What a run keeps for sensitivity (sensitivity.h, sc_sens_collect). */
struct sc_sens_extras {
    const sc_scenario *s;
    sc_layout l;
    long trajectories;              /* N */
    long m;                         /* rows of /draws */
    int all;                        /* every trajectory; its outputs are in /trajectories */
    sc_sim_column *cols;
    int ncols;
    double *draws;                  /* [m][ncols] */
    double *sample[SC_SENS_NOUTPUTS];   /* bounded: [m][Y] */
    double *sample_clusters;        /* bounded: [m][Y][C] cluster spend */
    long nl;                        /* layered fan's trajectories (0: none) */
    double *inner[SC_SENS_NOUTPUTS], *outer[SC_SENS_NOUTPUTS];   /* [Y][NQ] */
    double *share[SC_SENS_NOUTPUTS], *share_se[SC_SENS_NOUTPUTS]; /* [Y] */
    double *p_met[3];               /* [Y]: full, process-only, its error */
    double *values;                 /* [2][L] scratch: one cell of both runs */
};

/* Whether output o's cells exist in scenario s (a district metric that
 * applies, or the targets), and the first of its [year] cells. */
int sens_output_applies(const sc_scenario *s, int o);
size_t sens_output_cell(const sc_layout *l, int o);
/* Whether s has cluster working, so its clusters' spend is kept for budgets. */
int sens_keeps_clusters(const sc_scenario *s);

/* The path of output o's per-trajectory values under root ("/trajectories",
 * "/draws/trajectories", "/layers"): root/district/<metric> or root/targets/met. */
int sens_output_path(int o, const char *root, char *buf, size_t size, sc_error *e);

/* sc_sens_order without allocating: k holds n pairs. */
typedef struct sens_keyed {
    double x;
    long i;
} sens_keyed;
void sens_order_into(const double *x, long n, sens_keyed *k, long *order);

#endif
