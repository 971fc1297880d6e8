/*
 * rng.c — Philox4x64-10 (Random123) as a GSL generator, keyed per stream.
 *
 * get_double uses the top 53 bits of one 64-bit output, so uniforms have full
 * double resolution (GSL's own adapter uses 32 bits). get returns 32 bits, as
 * GSL's integer samplers expect from a generator with max 2^32 - 1.
 */
#include "sendcast/rng.h"

#include <string.h>

#include "philox.h"

typedef sim_philox_state philox_state;

_Static_assert(sizeof(philox_state) <= sizeof(((sc_rng *)0)->state), "sc_rng state too small");

uint64_t sim_philox_refill(sim_philox_state *st)
{
    philox4x64_ctr_t out = philox4x64(st->ctr, st->key);
    st->out = out;
    st->ctr.v[0]++;
    st->left = 3;
    return out.v[3];
}

static unsigned long philox_get(void *vstate)
{
    return (unsigned long)(sim_philox_next64(vstate) >> 32);
}

static double philox_get_double(void *vstate)
{
    return sim_philox_uniform(vstate);
}

/* gsl_rng_set semantics: a plain seed, trajectory 0, purpose 0 (tests only). */
static void philox_set(void *vstate, unsigned long seed)
{
    philox_state *st = vstate;
    memset(st, 0, sizeof *st);
    st->key.v[0] = seed;
}

static const gsl_rng_type philox_type = {
    "sendcast-philox4x64", 0xffffffffUL, 0, sizeof(philox_state),
    philox_set, philox_get, philox_get_double
};

const gsl_rng_type *const sc_rng_philox = &philox_type;

void sc_rng_init(sc_rng *r)
{
    memset(r, 0, sizeof *r);
    r->gsl.type = &philox_type;
    r->gsl.state = r->state;
}

void sc_rng_key(sc_rng *r, uint64_t seed, uint64_t trajectory, uint32_t purpose, uint64_t unit)
{
    sc_rng_key_sub(r, seed, trajectory, purpose, unit, 0);
}

void sc_rng_key_sub(sc_rng *r, uint64_t seed, uint64_t trajectory, uint32_t purpose,
                    uint64_t unit, uint64_t sub)
{
    philox_state *st = (philox_state *)r->state;
    st->key.v[0] = seed;
    st->key.v[1] = trajectory;
    st->ctr.v[0] = 0;
    st->ctr.v[1] = sub;
    st->ctr.v[2] = purpose;
    st->ctr.v[3] = unit;
    st->left = 0;
}
