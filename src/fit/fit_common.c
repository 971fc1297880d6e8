/*
 * fit_common.c — what model 1's fits (fit.c) and model 2's (fit_v2.c) share:
 * the register of fitted numbers, a fitted parameter's provenance text, and
 * the mean of a one-number distribution.
 */
#include <stdio.h>

#include "fit_internal.h"

int fit_record(sc_params *p, int id, const char *key, const char *item, double x, sc_error *e)
{
    char name[SC_ID_MAX];
    snprintf(name, sizeof name, "parameters.%s.%s", sc_param_table[id].name, key);
    const sc_dist *d = sc_params_dist(p, (enum sc_param_id)id);
    return sc_params_add_input(p, name, item, 0, x, d->status, d->source, e);
}

void fit_set_source(sc_dist *d, const char *fitted_from)
{
    snprintf(d->fitted_from, sizeof d->fitted_from, "%s", fitted_from);
    /* The source is the same text, cut to fit (fitted_from keeps it whole). */
    snprintf(d->source, sizeof d->source, "fitted: %.*s", (int)sizeof d->source - 9, fitted_from);
}

double fit_dist_mean(const sc_dist *d)
{
    double m[SC_MAX_DIM];
    sc_dist_mean(d, m);
    return m[0];
}
