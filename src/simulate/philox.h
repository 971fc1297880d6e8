/*
 * philox.h — the state of sendcast's Philox4x64-10 generator and its next
 * output, inline: the binomial samplers draw a uniform a draw, and calling
 * through gsl_rng_uniform (a PLT call, then the type's function pointer)
 * cost them more than the arithmetic of the walk.
 */
#ifndef SENDCAST_SIMULATE_PHILOX_H
#define SENDCAST_SIMULATE_PHILOX_H

#include <gsl/gsl_rng.h>

#include <Random123/philox.h>

#include "sendcast/rng.h"

typedef struct sim_philox_state {
    philox4x64_ctr_t ctr;     /* v[0] block counter, v[1] sub (0 but for levers), v[2]
                                 purpose, v[3] unit */
    philox4x64_key_t key;     /* v[0] seed, v[1] trajectory */
    philox4x64_ctr_t out;     /* the current block of four outputs */
    int left;                 /* outputs of `out` not yet used */
} sim_philox_state;

/* The first output of the next block of four (rng.c): out of line, so that
 * the common case below, an output already in the block, inlines to a few
 * instructions. */
uint64_t sim_philox_refill(sim_philox_state *st);

static inline uint64_t sim_philox_next64(sim_philox_state *st)
{
    if (st->left == 0)
        return sim_philox_refill(st);
    return st->out.v[--st->left];
}

/* The top 53 bits of one output: uniforms in [0, 1) at full double resolution. */
static inline double sim_philox_uniform(sim_philox_state *st)
{
    return (double)(sim_philox_next64(st) >> 11) * 0x1.0p-53;
}

/* gsl_rng_uniform(r), inline when r is a sendcast stream (always, in a run;
 * tests may pass other generators). The same number either way. */
static inline double sim_rng_uniform(const gsl_rng *r)
{
    if (r->type == sc_rng_philox)
        return sim_philox_uniform((sim_philox_state *)r->state);
    return gsl_rng_uniform(r);
}

#endif
