/*
 * fit_internal.h — private to src/fit (prefix fit_): what model 1's fits
 * (fit.c) and model 2's (fit_v2.c) share.
 */
#ifndef SENDCAST_FIT_FIT_INTERNAL_H
#define SENDCAST_FIT_FIT_INTERNAL_H

#include "sendcast/fit.h"
#include "sendcast/priors.h"

/* Record a fitted number of parameter id in p's register, with its status. */
int fit_record(sc_params *p, int id, const char *key, const char *item, double x, sc_error *e);
/* Set what a fitted parameter came from (fitted_from, and its source cut to fit). */
void fit_set_source(sc_dist *d, const char *fitted_from);
/* The mean of a one-number distribution. */
double fit_dist_mean(const sc_dist *d);

/* Model 2's fits (docs/model.md 4) of every `dist: fit` it owns, after the
 * rates of model 1's 5.2 (p_issue, cease_*) have been fitted into p. */
int fit_model2(const sc_scenario *s, const sc_priors *priors, sc_params *p, int until,
               sc_fit_result *res, sc_error *e);

#endif
