/*
 * binomial.c — small-mean binomial draws by inversion from a table of q^n.
 */
#include "binomial.h"

#include <gsl/gsl_randist.h>

void sc_binomial_prepare(sc_binomial *b, double p)
{
    b->p = p;
    b->flipped = p > 0.5;
    b->small = b->flipped ? 1 - p : p;
    b->ratio = b->small / (1 - b->small);
    b->qn[0] = 1;
    b->filled = 1;
    b->steps = 0;
}

static void fill_to(sc_binomial *b, unsigned int n)
{
    const double q = 1 - b->small;
    for (unsigned int k = b->filled; k <= n; k++)
        b->qn[k] = b->qn[k - 1] * q;
    b->filled = n + 1;
}

static double step_factor(sc_binomial *b, unsigned int x)
{
    while (b->steps <= x) {
        b->step[b->steps] = b->ratio / (b->steps + 1);
        b->steps++;
    }
    return b->step[x];
}

unsigned int sc_binomial_draw(sc_binomial *b, const gsl_rng *r, unsigned int n)
{
    if (n == 0)
        return 0;
    if (n >= SC_BINOMIAL_TABLE || n * b->small >= SC_BINOMIAL_SMALL_MEAN)
        return gsl_ran_binomial(r, b->p, n);
    if (n >= b->filled)
        fill_to(b, n);
    for (;;) {
        double f = b->qn[n];
        double u = gsl_rng_uniform(r);
        for (unsigned int x = 0; x <= SC_BINOMIAL_WALK_MAX; x++) {
            if (u < f)
                return b->flipped ? n - x : x;
            u -= f;
            f *= ((double)n - x) * step_factor(b, x);
        }
    }
}

void sc_multinomial_prepare(sc_multinomial *m, int k, const double *p)
{
    double norm = 0, before = 0;
    for (int j = 0; j < k; j++)
        norm += p[j];
    m->k = k;
    for (int j = 0; j < k; j++) {
        m->p[j] = p[j];
        m->positive[j] = p[j] > 0;
        sc_binomial_prepare(&m->step[j], m->positive[j] ? p[j] / (norm - before) : 0);
        before += p[j];
    }
}

void sc_multinomial_draw(sc_multinomial *m, const gsl_rng *r, unsigned int n, unsigned int *out)
{
    unsigned int drawn = 0;
    for (int j = 0; j < m->k; j++) {
        out[j] = m->positive[j] ? sc_binomial_draw(&m->step[j], r, n - drawn) : 0;
        drawn += out[j];
    }
}
