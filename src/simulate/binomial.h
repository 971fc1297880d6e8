/*
 * binomial.h — binomial draws for one success probability and many trial
 * counts, as the year step makes them: every band of every cluster in every
 * year ceases, escalates and steps up with the same few probabilities.
 *
 * Most of these draws have a small mean (87% below 3 for Kirklees), where the
 * exact method is inversion of the CDF (BINV, Kachitvichyanukul and Schmeiser
 * 1988: one uniform, walk up the probabilities from P(0) = q^n). GSL computes
 * q^n afresh for every draw (40% of the draw's cost) and divides at every
 * step of the walk; here q^n and the step factors ratio / (x + 1) come from
 * tables filled on demand for the probability the sampler was prepared with,
 * and the walk's first SC_BINOMIAL_HEAD steps take no branch (binomial.c).
 * Means of 30 and above, and counts beyond the table, go to GSL's BTPE.
 * Below a mean of 14 the draws are GSL's, uniform for uniform
 * (tests/test_samplers.c), to the rounding of q^n; from 14 to 30 GSL would
 * use BTPE, which costs more than this walk of 14-30 table-driven steps
 * (measured: 5% of a Kirklees trajectory), so the draws differ from GSL's
 * there, exact all the same (chi-square tested).
 */
#ifndef SENDCAST_SIMULATE_BINOMIAL_H
#define SENDCAST_SIMULATE_BINOMIAL_H

#include <gsl/gsl_rng.h>

#include "sendcast/scenario.h"

#define SC_BINOMIAL_TABLE 512      /* n < this are inverted from the table */
/* From this mean on, BTPE (GSL switches at 14). The walk's limit below
 * truncates P(X > 110) < 1e-28 at a mean under 30: keep the two together. */
#define SC_BINOMIAL_SMALL_MEAN 30
/* As in GSL: if rounding keeps u above the cumulative sum this long (u within
 * a few ulps of 1), draw u again rather than walk on. */
#define SC_BINOMIAL_WALK_MAX 110
/* The walk's first steps, taken without a branch: a Binomial of mean 3
 * ends there about 99% of the time. 6 to 8 were fastest for Kirklees (1.3x the
 * branching walk's trajectories a second), 4 and 12 slower. */
#define SC_BINOMIAL_HEAD 8

typedef struct sim_binomial {
    double p;              /* the probability prepared for */
    double small;          /* min(p, 1 - p): inversion counts the rarer outcome */
    double ratio;          /* small / (1 - small), for P(x + 1) / P(x) */
    int flipped;           /* p > 1/2: the draw is n minus the rarer outcome */
    unsigned filled;       /* qn[0 .. filled - 1] are known */
    unsigned steps;        /* step[0 .. steps - 1] are known */
    double qn[SC_BINOMIAL_TABLE];   /* (1 - small)^n */
    double step[SC_BINOMIAL_WALK_MAX + 1];   /* ratio / (x + 1) */
} sim_binomial;

/* Set b up for probability p. The year step skips draws with p <= 0 or
 * p >= 1; a multinomial's chain prepares its last link with p = 1 (or an ulp
 * either side), which draws like gsl_ran_binomial: n, after one uniform. */
void sim_binomial_prepare(sim_binomial *b, double p);

/* One Binomial(n, p) draw; fills the table up to n when needed. */
unsigned int sim_binomial_draw(sim_binomial *b, const gsl_rng *r, unsigned int n);

/* One Binomial(n, p) draw by the same inversion with nothing prepared, for
 * a probability used once (diversion: each cluster and year has its own). */
unsigned int sim_binomial_draw_once(const gsl_rng *r, double p, unsigned int n);

/* Multinomial(n, p[0..k-1]) as GSL draws it, a chain of binomials with the
 * conditional probabilities p_j / (p_j + ... + p_{k-1}), each one a prepared
 * sampler, except that the last category of positive probability takes what
 * is left without a draw (GSL draws it, with probability 1). */
typedef struct sim_multinomial {
    int k;
    int last;                      /* the last j with p_j > 0; -1 if none */
    double p[SC_MAX_DIM];          /* the probabilities prepared for */
    int positive[SC_MAX_DIM];      /* p_j > 0: categories of zero weight draw nothing */
    sim_binomial step[SC_MAX_DIM];
} sim_multinomial;

void sim_multinomial_prepare(sim_multinomial *m, int k, const double *p);
void sim_multinomial_draw(sim_multinomial *m, const gsl_rng *r, unsigned int n, unsigned int *out);

#endif
