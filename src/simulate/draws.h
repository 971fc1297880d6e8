/*
 * draws.h — every GSL draw of the simulation, counted (and, for the raw-draw
 * floor of the benchmark, optionally logged with its arguments).
 *
 * The count is one integer add per draw; the log is a NULL test unless a
 * benchmark turned it on. Counting lets `make bench` size a loop of bare GSL
 * draws exactly like the run's, so "engine time / draw time" is measured,
 * not guessed.
 */
#ifndef SENDCAST_SIMULATE_DRAWS_H
#define SENDCAST_SIMULATE_DRAWS_H

#include <gsl/gsl_randist.h>

#include "sendcast/scenario.h"
#include "sendcast/simulate.h"
#include "sim_bench.h"
#include "binomial.h"
#include "poisson.h"

/* One logged draw: its kind and the arguments it was made with. */
typedef struct sim_draw_entry {
    int kind;
    int sampler;                /* binomial from a prepared sim_binomial */
    int dim;                    /* multinomial / Dirichlet categories */
    unsigned int n;             /* binomial / multinomial trials */
    double a, b;                /* shape,scale / mu / p / a,b / sd / sx,sy */
    double rho;                 /* bivariate gaussian */
    double vec[SC_MAX_DIM];     /* multinomial probabilities / Dirichlet alpha */
} sim_draw_entry;

typedef struct sim_draw_log {
    sim_draw_entry *entry;
    long len, cap;              /* draws past cap are counted, not logged */
} sim_draw_log;

typedef struct sim_draws {
    sc_draw_counts counts;
    sim_draw_log *log;           /* NULL: not logging */
} sim_draws;

/* Log one draw; NULL when the log is full (the draw is then only counted). */
sim_draw_entry *sim_draw_log_add(sim_draw_log *log, int kind, int dim, unsigned int n, double a,
                               double b, double rho, const double *vec);

static inline void sim_draw_note(sim_draws *d, int kind, int dim, unsigned int n, double a,
                                double b, double rho, const double *vec)
{
    d->counts.n[kind]++;
    if (d->log)
        (void)sim_draw_log_add(d->log, kind, dim, n, a, b, rho, vec);
}

/* Log a draw made by one of the engine's prepared samplers (the engine floor
 * replays it with the same kind of sampler). */
static inline void sim_draw_note_sampler(sim_draws *d, int kind, int dim, unsigned int n, double p,
                                        const double *vec)
{
    d->counts.n[kind]++;
    sim_draw_entry *e = d->log ? sim_draw_log_add(d->log, kind, dim, n, p, 0, 0, vec) : NULL;
    if (e)
        e->sampler = 1;
}

/* A binomial from a prepared sampler: counted as a binomial (the GSL floor
 * replays it with gsl_ran_binomial), logged as the sampler's. */
static inline unsigned int sim_draw_binomial_from(sim_draws *d, sim_binomial *b, const gsl_rng *r,
                                                 unsigned int n)
{
    sim_draw_note_sampler(d, SC_DRAW_BINOMIAL, 0, n, b->p, NULL);
    return sim_binomial_draw(b, r, n);
}

static inline void sim_draw_multinomial_from(sim_draws *d, sim_multinomial *m, const gsl_rng *r,
                                            unsigned int n, unsigned int *out)
{
    sim_draw_note_sampler(d, SC_DRAW_MULTINOMIAL, m->k, n, 0, m->p);
    sim_multinomial_draw(m, r, n, out);
}

static inline double sim_draw_gamma(sim_draws *d, const gsl_rng *r, double shape, double scale)
{
    sim_draw_note(d, SC_DRAW_GAMMA, 0, 0, shape, scale, 0, NULL);
    return gsl_ran_gamma(r, shape, scale);
}

/* The engine's Poisson sampler (the engine floor replays it with the same,
 * the GSL floor with gsl_ran_poisson). */
static inline unsigned int sim_draw_poisson(sim_draws *d, const gsl_rng *r, double mu)
{
    sim_draw_note(d, SC_DRAW_POISSON, 0, 0, mu, 0, 0, NULL);
    return sim_poisson_draw(r, mu);
}

/* A binomial whose probability is used once (the floors replay it with
 * sim_binomial_draw_once and gsl_ran_binomial). */
static inline unsigned int sim_draw_binomial(sim_draws *d, const gsl_rng *r, double p,
                                            unsigned int n)
{
    sim_draw_note(d, SC_DRAW_BINOMIAL, 0, n, p, 0, 0, NULL);
    return sim_binomial_draw_once(r, p, n);
}

static inline void sim_draw_multinomial(sim_draws *d, const gsl_rng *r, int k, unsigned int n,
                                       const double *p, unsigned int *out)
{
    sim_draw_note(d, SC_DRAW_MULTINOMIAL, k, n, 0, 0, 0, p);
    gsl_ran_multinomial(r, (size_t)k, n, p, out);
}

static inline double sim_draw_beta(sim_draws *d, const gsl_rng *r, double a, double b)
{
    sim_draw_note(d, SC_DRAW_BETA, 0, 0, a, b, 0, NULL);
    return gsl_ran_beta(r, a, b);
}

static inline void sim_draw_dirichlet(sim_draws *d, const gsl_rng *r, int k, const double *alpha,
                                     double *out)
{
    sim_draw_note(d, SC_DRAW_DIRICHLET, k, 0, 0, 0, 0, alpha);
    gsl_ran_dirichlet(r, (size_t)k, alpha, out);
}

static inline double sim_draw_gaussian(sim_draws *d, const gsl_rng *r, double sd)
{
    sim_draw_note(d, SC_DRAW_GAUSSIAN, 0, 0, sd, 0, 0, NULL);
    return gsl_ran_gaussian_ziggurat(r, sd);
}

static inline void sim_draw_bvgaussian(sim_draws *d, const gsl_rng *r, double sx, double sy,
                                      double rho, double *x, double *y)
{
    sim_draw_note(d, SC_DRAW_BVGAUSSIAN, 0, 0, sx, sy, rho, NULL);
    gsl_ran_bivariate_gaussian(r, sx, sy, rho, x, y);
}

/* Make one logged draw again (the floor). */
void sim_draw_replay(const sim_draw_entry *e, const gsl_rng *r);

#endif
