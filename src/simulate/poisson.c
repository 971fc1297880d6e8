/*
 * poisson.c — Poisson draws by transformed rejection with squeeze (PTRS).
 */
#include "poisson.h"

#include <math.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_gamma.h>

#include "philox.h"

/* Proposals beyond this are rejected outright: they come only from u within
 * 2^-40 or so of the hat's poles, and a Poisson mean below 2^31 gives them
 * probability below 1e-300, so the distribution is unchanged; without the
 * bound, converting them to an integer would overflow. */
#define PROPOSAL_MAX 4294967295.0

/* Hörmann (1993), algorithm PTRS, constants as published. */
static unsigned int ptrs(const gsl_rng *r, double mu)
{
    const double smu = sqrt(mu);
    const double b = 0.931 + 2.53 * smu;
    const double a = -0.059 + 0.02483 * b;
    const double inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
    const double v_r = 0.9277 - 3.6224 / (b - 2);
    double log_mu = 0;     /* computed on the first slow acceptance test */

    for (;;) {
        double u = sim_rng_uniform(r) - 0.5;
        double v = sim_rng_uniform(r);
        double us = 0.5 - fabs(u);
        double kd = floor((2 * a / us + b) * u + mu + 0.43);
        if (us >= 0.07 && v <= v_r)
            return (unsigned int)kd;      /* the squeeze: inside the hat for sure */
        if (kd < 0 || kd > PROPOSAL_MAX || (us < 0.013 && v > us))
            continue;
        unsigned int k = (unsigned int)kd;
        if (log_mu == 0)
            log_mu = log(mu);
        if (log(v * inv_alpha / (a / (us * us) + b)) <= -mu + k * log_mu - gsl_sf_lnfact(k))
            return k;
    }
}

unsigned int sim_poisson_draw(const gsl_rng *r, double mu)
{
    if (mu < SC_POISSON_PTRS_MIN)
        return gsl_ran_poisson(r, mu);
    return ptrs(r, mu);
}
