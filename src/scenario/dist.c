/*
 * dist.c — what a parameter's distribution says on its own: its mean.
 */
#include "sendcast/scenario.h"

void sc_dist_mean(const sc_dist *d, double mean[SC_MAX_DIM])
{
    int dim = d->dim >= 1 && d->dim <= SC_MAX_DIM ? d->dim : 1;
    double sum = 0;
    switch (d->kind) {
    case SC_DIST_BETA:
        mean[0] = d->p[0] / (d->p[0] + d->p[1]);
        break;
    case SC_DIST_NORMAL:
        mean[0] = d->p[0];
        break;
    case SC_DIST_GAMMA:
        mean[0] = d->p[0] * d->p[1];
        break;
    case SC_DIST_UNIFORM:
        mean[0] = 0.5 * (d->p[0] + d->p[1]);
        break;
    case SC_DIST_DIRICHLET:
        for (int j = 0; j < dim; j++)
            sum += d->value[j];
        for (int j = 0; j < dim; j++)
            mean[j] = d->value[j] / sum;
        break;
    default:    /* fixed, bivariate normal (value[0..1] is the mean), Poisson (+inf) */
        for (int j = 0; j < dim; j++)
            mean[j] = d->value[j];
        break;
    }
}
