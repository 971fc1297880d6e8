/*
 * draws.c — the draw log of the benchmark's raw-draw floor, and its replay.
 */
#include <string.h>

#include "draws.h"

const char *const sc_draw_kind_names[SC_NDRAW_KINDS] = {
    "gamma", "poisson", "binomial", "multinomial", "beta", "dirichlet", "gaussian",
    "bivariate_gaussian"
};

sim_draw_entry *sim_draw_log_add(sim_draw_log *log, int kind, int dim, unsigned int n, double a,
                               double b, double rho, const double *vec)
{
    if (log->len >= log->cap)
        return NULL;
    sim_draw_entry *e = &log->entry[log->len++];
    e->kind = kind;
    e->sampler = 0;
    e->dim = dim;
    e->n = n;
    e->a = a;
    e->b = b;
    e->rho = rho;
    if (vec)
        memcpy(e->vec, vec, (size_t)dim * sizeof *vec);
    return e;
}

void sim_draw_replay(const sim_draw_entry *e, const gsl_rng *r)
{
    unsigned int counts[SC_MAX_DIM];
    double theta[SC_MAX_DIM], x, y;
    switch (e->kind) {
    case SC_DRAW_GAMMA: (void)gsl_ran_gamma(r, e->a, e->b); break;
    case SC_DRAW_POISSON: (void)gsl_ran_poisson(r, e->a); break;
    case SC_DRAW_BINOMIAL: (void)gsl_ran_binomial(r, e->a, e->n); break;
    case SC_DRAW_MULTINOMIAL: gsl_ran_multinomial(r, (size_t)e->dim, e->n, e->vec, counts); break;
    case SC_DRAW_BETA: (void)gsl_ran_beta(r, e->a, e->b); break;
    case SC_DRAW_DIRICHLET: gsl_ran_dirichlet(r, (size_t)e->dim, e->vec, theta); break;
    case SC_DRAW_GAUSSIAN: (void)gsl_ran_gaussian_ziggurat(r, e->a); break;
    case SC_DRAW_BVGAUSSIAN: gsl_ran_bivariate_gaussian(r, e->a, e->b, e->rho, &x, &y); break;
    default: break;
    }
}
