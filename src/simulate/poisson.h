/*
 * poisson.h — Poisson draws for the year step's would-be requests.
 *
 * The Poisson mean is a fresh Gamma draw for every cluster and year (MODEL.md
 * 3.2, step 4), typically 50-150 for Kirklees. GSL's sampler reduces such a
 * mean through a Gamma(m) draw (a rejection loop with tan, log and exp) and a
 * binomial (BTPE) before a product of uniforms: 13% of a trajectory's time.
 * For means of 10 and more this uses Hörmann's transformed rejection with
 * squeeze (PTRS; W. Hörmann, "The transformed rejection method for generating
 * Poisson random variables", Insurance: Mathematics and Economics 12, 1993),
 * the method NumPy uses: two uniforms and no logarithm for about 89% of draws.
 * It is exact (a rejection method: the accepted k have the Poisson
 * probabilities), but its draws are not GSL's. Means below 10 stay with GSL.
 */
#ifndef SENDCAST_SIMULATE_POISSON_H
#define SENDCAST_SIMULATE_POISSON_H

#include <gsl/gsl_rng.h>

#define SC_POISSON_PTRS_MIN 10.0   /* Hörmann's method holds for means >= 10 */

/* One Poisson(mu) draw, mu >= 0 and below 2^31. */
unsigned int sim_poisson_draw(const gsl_rng *r, double mu);

#endif
