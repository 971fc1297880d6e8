/*
 * wi_internal.h — private to src/whatif (prefix wi_): one run of a scenario
 * and the values of its chosen cells, the statistics made from them, and
 * the file kinds' shared pieces.
 */
#ifndef SENDCAST_WHATIF_WI_INTERNAL_H
#define SENDCAST_WHATIF_WI_INTERNAL_H

#include <stddef.h>

#include "sendcast/whatif.h"

#define WI_BATCHES 20   /* batch means: consecutive trajectories in 20 batches */

/* Every trajectory's value of the chosen cells of one run (rank 0's). */
typedef struct wi_values {
    long n;
    int base_year, years;
    int nmetric, metric[SC_WHATIF_MAX_METRICS];
    double *v;          /* [nmetric][years][n] */
    double *met;        /* [years][n]: 1 met, 0 not, NaN no target */
    double *all_met;    /* [n] */
    /* the scenario's `targets:` section's, by name (goalseek's p_met(NAME)) */
    int ntargets;
    char tname[SC_MAX_TARGETS][SC_TARGET_NAME_MAX];
    double *xmet;       /* [ntargets][years][n] */
    double *xall;       /* [ntargets][n] */
    int has_targets;
    double target[SC_MAX_HORIZON];
} wi_values;

void wi_values_clear(wi_values *v);

static inline const double *wi_cell(const wi_values *v, int m, int y)
{
    return v->v + ((size_t)m * (size_t)v->years + (size_t)y) * (size_t)v->n;
}

/* The scenario at path read with the settings' --set and then extra
 * (lenient: sc_scenario_read_options.lenient_years). */
int wi_read(const char *path, const sc_whatif_settings *w, const sc_scenario_edit *extra,
            int nextra, int lenient, sc_scenario **out, sc_error *e);

/* One run: read path with the settings' --set, then `extra` (lenient: an
 * attribution's assembled step), fit, simulate n trajectories (the settings',
 * else the scenario's) with `seed` (NULL: the settings', else the
 * scenario's), keeping the cells of `metrics` (names; NULL: the defaults)
 * and the Safety Valve's. out is filled on rank 0. *read_out, when given,
 * receives the scenario as read (the caller's to free) on every rank. */
int wi_run(const char *path, const sc_whatif_settings *w, const sc_scenario_edit *extra,
           int nextra, int lenient, const char *const *metrics, int nmetrics,
           const uint64_t *seed, long trajectories, wi_values *out, sc_scenario **read_out,
           sc_error *e);

/* Statistics of n values x (NaN anywhere: NaN): the mean; the q-th percentile
 * (type 7; a share in (0, 1)) of a sorted copy; and a statistic's value over
 * each of WI_BATCHES batches into b (q NaN: the mean). scratch holds n. */
double wi_mean(const double *x, long n);
double wi_sd(const double *x, long n);
double wi_percentile(const double *x, long n, double q, double *scratch);
void wi_batches(const double *x, long n, double q, double *scratch, double *b);
/* The standard error of a statistic from its batches (sd / sqrt(batches)). */
double wi_batch_se(const double *b);

/* The chosen outputs of a run as a sweep point. */
int wi_point(const wi_values *v, sc_whatif_point *p, sc_error *e);

/* A number as --set writes it (%.12g). */
void wi_number_text(double x, char *buf, size_t size);

#endif
