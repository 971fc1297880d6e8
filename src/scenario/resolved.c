/*
 * resolved.c — a scenario's resolved parameters (params.h): the
 * distributions a run draws from, kept apart from the scenario as read.
 */
#include "sendcast/params.h"

#include <string.h>

#include "scn_internal.h"
#include "sendcast/alloc.h"

struct sc_params {
    sc_dist dist[SC_NPARAMS];
    sc_input *inputs;       /* what resolving added to the provenance register */
    int ninputs;
};

int sc_params_alloc(const sc_scenario *s, sc_params **out, sc_error *e)
{
    sc_params *p = sc_calloc(1, sizeof *p);
    *out = p;
    if (!p)
        return SC_ERROR(e, SC_ENOMEM, "out of memory for the parameters");
    memcpy(p->dist, s->param, sizeof p->dist);
    return SC_OK;
}

int sc_params_copy(const sc_params *p, sc_params **out, sc_error *e)
{
    sc_params *c = sc_calloc(1, sizeof *c);
    sc_input *in = c ? sc_calloc((size_t)(p->ninputs ? p->ninputs : 1), sizeof *in) : NULL;
    *out = NULL;
    if (!in) {
        sc_free(c);
        return SC_ERROR(e, SC_ENOMEM, "out of memory copying the parameters");
    }
    *c = *p;
    c->inputs = in;
    if (p->ninputs)
        memcpy(in, p->inputs, (size_t)p->ninputs * sizeof *in);
    *out = c;
    return SC_OK;
}

void sc_params_free(sc_params *p)
{
    if (!p)
        return;
    sc_free(p->inputs);
    sc_free(p);
}

const sc_dist *sc_params_dist(const sc_params *p, enum sc_param_id id)
{
    return &p->dist[id];
}

sc_dist *sc_params_edit(sc_params *p, enum sc_param_id id)
{
    return &p->dist[id];
}

int sc_params_resolved(const sc_params *p)
{
    for (int i = 0; i < SC_NPARAMS; i++)
        if (p->dist[i].kind == SC_DIST_FIT)
            return 0;
    return 1;
}

/* A distribution at its mean (vectors: Dirichlet shares); fixed values,
 * Poisson dispersion and parameters left out stay as they are. */
static void fix_at_mean(sc_dist *d)
{
    if (d->kind != SC_DIST_BETA && d->kind != SC_DIST_NORMAL && d->kind != SC_DIST_GAMMA
        && d->kind != SC_DIST_DIRICHLET && d->kind != SC_DIST_BVNORMAL)
        return;
    double mean[SC_MAX_DIM];
    sc_dist_mean(d, mean);
    for (int j = 0; j < (d->dim >= 1 ? d->dim : 1); j++)
        d->value[j] = mean[j];
    d->kind = SC_DIST_FIXED;
}

void sc_params_fix_at_means(sc_params *p)
{
    for (int i = 0; i < SC_NPARAMS; i++)
        fix_at_mean(&p->dist[i]);
}

int sc_params_add_input(sc_params *p, const char *name, const char *item, int year,
                        double value, const char *status, const char *source, sc_error *e)
{
    /* The register grows one entry at a time: resolving adds a handful. */
    sc_input *in = sc_realloc(p->inputs, (size_t)(p->ninputs + 1) * sizeof *in);
    if (!in)
        return SC_ERROR(e, SC_ENOMEM, "out of memory adding %s to the register", name);
    p->inputs = in;
    if (scn_fill_input(&p->inputs[p->ninputs], name, item, year, value, status, source))
        return SC_ERROR(e, SC_EFAIL, "provenance entry %s does not fit", name);
    p->ninputs++;
    return SC_OK;
}

int sc_params_ninputs(const sc_params *p)
{
    return p->ninputs;
}

const sc_input *sc_params_inputs(const sc_params *p)
{
    return p->inputs;
}
