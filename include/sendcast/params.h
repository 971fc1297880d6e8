/*
 * params.h — a scenario's resolved parameters: the distribution each
 * parameter of MODEL.md 3.1 is drawn from in a run.
 *
 * A scenario, once read, stays as read and is shared read-only: nothing
 * replaces its `dist: fit` entries in place. The fit stage (fit.h) makes an
 * sc_params from it instead, with every `dist: fit` replaced by its fit, and
 * the fitted numbers in a provenance register of the sc_params' own. The
 * simulation draws each trajectory's parameters from an sc_params (never from
 * the scenario's own entries), and the result file records both registers.
 * So one scenario can be run under several sets of parameters (a back-test's
 * fit, every parameter at its mean, a sweep's variations) with the scenario
 * untouched and every run on the same random numbers.
 *
 * Ownership: an sc_params is its own (it copies what it takes from the
 * scenario) and may outlive the scenario. Read-only once made, it may be
 * shared by any number of threads and runs.
 */
#ifndef SENDCAST_PARAMS_H
#define SENDCAST_PARAMS_H

#include "sendcast/error.h"
#include "sendcast/scenario.h"

typedef struct sc_params sc_params;

/* The scenario's own distributions, as written (`dist: fit` entries are
 * still to be fitted: sc_fit_params does that). SC_OK or SC_ENOMEM. */
int sc_params_alloc(const sc_scenario *s, sc_params **out, sc_error *e);
/* An independent copy of p. SC_OK or SC_ENOMEM. */
int sc_params_copy(const sc_params *p, sc_params **out, sc_error *e);
void sc_params_free(sc_params *p);

/* The distribution of parameter id. */
const sc_dist *sc_params_dist(const sc_params *p, enum sc_param_id id);
/* The same, to change it (the fit stage, sc_params_fix_at_means). */
sc_dist *sc_params_edit(sc_params *p, enum sc_param_id id);

/* Whether every parameter can be drawn (no `dist: fit` is left). */
int sc_params_resolved(const sc_params *p);

/* Every parameter at its mean: Beta, normal, gamma, Dirichlet (shares) and
 * bivariate normal become fixed at their means; fixed values and a Poisson
 * dispersion stay. The back-test's diagnostic without parameter uncertainty. */
void sc_params_fix_at_means(sc_params *p);

/* The register of the numbers resolving added (say, the fitted Beta's a and
 * b, with the parameter's status and source): what the result file's
 * /inputs shows after the scenario's own register. SC_OK, SC_ENOMEM, or
 * SC_EFAIL when a text does not fit its field. */
int sc_params_add_input(sc_params *p, const char *name, const char *item, int year,
                        double value, const char *status, const char *source, sc_error *e);
int sc_params_ninputs(const sc_params *p);
const sc_input *sc_params_inputs(const sc_params *p);   /* [sc_params_ninputs] */

#endif
