/*
 * rng.h — random streams keyed by identity, not by order.
 *
 * Every random number in sendcast comes from a stream named by
 * (seed, trajectory, purpose, unit): the trajectory's index, what the draw is
 * for (a parameter of MODEL.md 3.1, or a step of 3.2), and the unit it is for
 * (cluster and year for process draws, 0 for parameters). A trajectory's
 * numbers therefore do not depend on threads, processes or the order of work,
 * and two scenarios that differ in one policy share every draw the policy does
 * not touch (common random numbers).
 *
 * The generator is Philox4x64-10 from Random123 (counter-based: the key is
 * (seed, trajectory), the counter carries (block, sub, purpose, unit)), wrapped as
 * a gsl_rng type so GSL's samplers draw from it unchanged. Keying a stream is
 * setting four words: no warm-up, no allocation, cheap enough to do for every
 * cluster and year of 10^6 trajectories.
 */
#ifndef SENDCAST_RNG_H
#define SENDCAST_RNG_H

#include <stdint.h>

#include <gsl/gsl_rng.h>

/* Purposes of process draws (MODEL.md 3.2). Parameter draws (3.1) use their
 * enum sc_param_id as purpose; these start above them. */
enum sc_purpose {
    SC_PURPOSE_REQUESTS = 64,
    SC_PURPOSE_DIVERSION,
    SC_PURPOSE_ASSESSMENT,
    SC_PURPOSE_ISSUE,
    SC_PURPOSE_PLACEMENT,
    SC_PURPOSE_CEASING,
    SC_PURPOSE_ESCALATION,
    SC_PURPOSE_STEP_UP,
    SC_PURPOSE_HETEROGENEITY,  /* h_c, unit = cluster */
    SC_PURPOSE_DISTRICT,       /* model 2: the year's district factors, unit = (factor, year) */
    SC_PURPOSE_NET_FLOW,       /* model 2: the stock's net flow, unit = (cluster, year) */
    SC_PURPOSE_LEVER,          /* a lever's effect (unit 0), sub = the lever's key */
    SC_PURPOSE_LEVER_STEP      /* a lever's process draws, unit = (cluster, year) or, for a
                                  district-wide draw, (SC_RNG_DISTRICT, year); sub = its key */
};

/* The cluster index of a unit that is the whole district (a lever's capacity). */
#define SC_RNG_DISTRICT (-1)

/* A gsl_rng whose state lives in the caller's memory (no allocation). */
typedef struct sc_rng {
    gsl_rng gsl;                         /* pass &rng.gsl to gsl_ran_* */
    _Alignas(16) unsigned char state[128];
} sc_rng;

void sc_rng_init(sc_rng *r);

/* Point r at the start of stream (seed, trajectory, purpose, unit). */
void sc_rng_key(sc_rng *r, uint64_t seed, uint64_t trajectory, uint32_t purpose, uint64_t unit);

/* The same with a fourth word, sub (0 in every stream sc_rng_key names): the
 * streams of a lever are keyed by its name's hash here, so that a lever's
 * draws are its own whatever other levers a scenario has, and the same in
 * every scenario that has it. */
void sc_rng_key_sub(sc_rng *r, uint64_t seed, uint64_t trajectory, uint32_t purpose,
                    uint64_t unit, uint64_t sub);

/* The unit of a process draw: cluster c in year t. */
static inline uint64_t sc_rng_unit(int cluster, int year)
{
    return ((uint64_t)(uint32_t)cluster << 32) | (uint32_t)year;
}

extern const gsl_rng_type *const sc_rng_philox;

#endif
