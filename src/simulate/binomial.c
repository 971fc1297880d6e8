/*
 * binomial.c — small-mean binomial draws by inversion from a table of q^n.
 */
#include "binomial.h"

#include <math.h>

#include <gsl/gsl_randist.h>

#include "philox.h"

void sim_binomial_prepare(sim_binomial *b, double p)
{
    b->p = p;
    b->flipped = p > 0.5;
    b->small = b->flipped ? 1 - p : p;
    b->ratio = b->small / (1 - b->small);
    b->qn[0] = 1;
    b->filled = 1;
    for (unsigned int x = 0; x < SC_BINOMIAL_HEAD; x++)
        b->step[x] = b->ratio / (x + 1);
    b->steps = SC_BINOMIAL_HEAD;
}

static void fill_to(sim_binomial *b, unsigned int n)
{
    const double q = 1 - b->small;
    for (unsigned int k = b->filled; k <= n; k++)
        b->qn[k] = b->qn[k - 1] * q;
    b->filled = n + 1;
}

static double step_factor(sim_binomial *b, unsigned int x)
{
    while (b->steps <= x) {
        b->step[b->steps] = b->ratio / (b->steps + 1);
        b->steps++;
    }
    return b->step[x];
}

/* The tail of GSL's inversion, from step x with u and f = P(X = x) left. */
static unsigned int walk_on(sim_binomial *b, const gsl_rng *r, unsigned int n, unsigned int x,
                            double u, double f)
{
    for (;;) {
        for (; x <= SC_BINOMIAL_WALK_MAX; x++) {
            if (u < f)
                return x;
            u -= f;
            f *= ((double)n - x) * step_factor(b, x);
        }
        u = sim_rng_uniform(r);
        f = b->qn[n];
        x = 0;
    }
}

/* GSL's inversion: the smallest x with u < P(X <= x), found by walking up
 * from 0 and subtracting each P(X = x) from u; a u that rounding leaves above
 * every P is drawn again, as GSL does. Where the walk stops is the draw, and
 * no branch predictor can guess it: a mispredicted exit cost as much as the
 * rest of the draw. But once u_x < f_x, u stays negative, so the first
 * SC_BINOMIAL_HEAD steps can be taken without a branch, x counting those
 * where u_x >= f_x. Same arithmetic, same x; most draws end there. */
static unsigned int walk(sim_binomial *b, const gsl_rng *r, unsigned int n, double u)
{
    double f = b->qn[n];
    unsigned int x = 0;
    for (unsigned int j = 0; j < SC_BINOMIAL_HEAD; j++) {
        x += u >= f;
        u -= f;
        f *= ((double)n - j) * b->step[j];
    }
    if (x < SC_BINOMIAL_HEAD)
        return x;
    return walk_on(b, r, n, x, u, f);
}

unsigned int sim_binomial_draw(sim_binomial *b, const gsl_rng *r, unsigned int n)
{
    if (n == 0)
        return 0;
    if (n >= SC_BINOMIAL_TABLE || n * b->small >= SC_BINOMIAL_SMALL_MEAN)
        return gsl_ran_binomial(r, b->p, n);
    if (n >= b->filled)
        fill_to(b, n);
    unsigned int x = walk(b, r, n, sim_rng_uniform(r));
    return b->flipped ? n - x : x;
}

unsigned int sim_binomial_draw_once(const gsl_rng *r, double p, unsigned int n)
{
    const double small = p > 0.5 ? 1 - p : p;
    if (n == 0)
        return 0;
    if (n * small >= SC_BINOMIAL_SMALL_MEAN)
        return gsl_ran_binomial(r, p, n);
    const double ratio = small / (1 - small), qn = pow(1 - small, n);
    for (;;) {    /* walk(), with the step factors computed as it goes */
        double u = sim_rng_uniform(r), f = qn;
        for (unsigned int x = 0; x <= SC_BINOMIAL_WALK_MAX; x++) {
            if (u < f)
                return p > 0.5 ? n - x : x;
            u -= f;
            f *= ((double)n - x) * ratio / (x + 1);
        }
    }
}

void sim_multinomial_prepare(sim_multinomial *m, int k, const double *p)
{
    double norm = 0, before = 0;
    for (int j = 0; j < k; j++)
        norm += p[j];
    m->k = k;
    m->last = -1;
    for (int j = 0; j < k; j++) {
        m->p[j] = p[j];
        m->positive[j] = p[j] > 0;
        if (m->positive[j])
            m->last = j;
        sim_binomial_prepare(&m->step[j], m->positive[j] ? p[j] / (norm - before) : 0);
        before += p[j];
    }
}

void sim_multinomial_draw(sim_multinomial *m, const gsl_rng *r, unsigned int n, unsigned int *out)
{
    unsigned int drawn = 0;
    for (int j = 0; j < m->k; j++)
        out[j] = 0;
    if (m->last < 0)
        return;
    for (int j = 0; j < m->last; j++) {
        out[j] = m->positive[j] ? sim_binomial_draw(&m->step[j], r, n - drawn) : 0;
        drawn += out[j];
    }
    out[m->last] = n - drawn;   /* its conditional probability is 1 */
}
