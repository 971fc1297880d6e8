/*
 * floor.c — the raw-draw floor of `make bench`: as many GSL draws of each kind
 * as a run made, with no model around them.
 *
 * The arguments are the engine's own: the first `sample` trajectories are
 * simulated with the draw log on, and the logged draws of each kind are
 * replayed in turn until that kind's count is reached. A binomial of n = 3
 * and one of n = 3,000 cost differently, so replaying real arguments is what
 * makes "engine / floor" an honest ratio. The floor uses the same generator
 * and the same threads as the run.
 *
 * Two floors: GSL's samplers for every draw (what the engine would cost if
 * it were nothing but GSL calls), and the engine's own samplers for the
 * draws it makes with them: prepared binomials and multinomials, each
 * prepared once per probability as a trajectory does, its one-off binomials
 * and its Poisson (so the second floor is what the engine's
 * draws cost, and engine / that floor is the cost of the model around them).
 */
#include <stdint.h>
#include <string.h>

#include <omp.h>

#include "sendcast/alloc.h"
#include "sim_internal.h"

static int log_sample(const sc_scenario *s, const sc_params *p, const sc_layout *l,
                      uint64_t seed, long sample, sim_draw_log *log, sc_error *e)
{
    sc_sim_workspace *w = NULL;
    double *cells = sc_calloc(l->ncells, sizeof *cells);
    int st = cells ? sc_sim_workspace_alloc(s, &w, e)
                   : SC_ERROR(e, SC_ENOMEM, "out of memory for the draw log");
    if (st == SC_OK) {
        w->draws.log = log;
        for (long i = 0; i < sample && st == SC_OK; i++)
            st = sc_sim_trajectory(s, p, l, w, seed, i, cells, e);
        w->draws.log = NULL;
    }
    sc_sim_workspace_free(w);
    sc_free(cells);
    return st;
}

/* What the replay reads per draw: a binomial's arguments inline (the draws
 * are mostly binomials of a few nanoseconds, so streaming whole log entries
 * of ~180 bytes would cost more than the draws and the floor would not be
 * one), anything else through its log entry. */
typedef struct floor_draw {
    double p;
    unsigned int n;
    int sampler;                  /* made by a prepared sampler in the engine */
    const sim_draw_entry *entry;
} floor_draw;

/* A thread's prepared samplers for the engine floor, found by probability in
 * a direct-mapped table: a trajectory has about a dozen probabilities, and
 * the log is replayed in trajectory order, so each is prepared once per
 * trajectory, as the engine does. */
enum { FLOOR_SLOTS = 64, FLOOR_MULTINOMIALS = 8 };

typedef struct floor_samplers {
    sim_binomial binomial[FLOOR_SLOTS];
    sim_multinomial multinomial[FLOOR_MULTINOMIALS];
    int next_multinomial;
} floor_samplers;

static unsigned int slot_of(double p)
{
    uint64_t bits;
    memcpy(&bits, &p, sizeof bits);
    return (unsigned int)((bits * 0x9E3779B97F4A7C15u) >> 58);   /* top 6 bits: 64 slots */
}

static sim_binomial *binomial_for(floor_samplers *fs, double p)
{
    sim_binomial *b = &fs->binomial[slot_of(p)];
    if (b->p != p || b->filled == 0)
        sim_binomial_prepare(b, p);
    return b;
}

static sim_multinomial *multinomial_for(floor_samplers *fs, int k, const double *p)
{
    for (int j = 0; j < FLOOR_MULTINOMIALS; j++) {
        sim_multinomial *m = &fs->multinomial[j];
        if (m->k == k && memcmp(m->p, p, (size_t)k * sizeof *p) == 0)
            return m;
    }
    sim_multinomial *m = &fs->multinomial[fs->next_multinomial];
    fs->next_multinomial = (fs->next_multinomial + 1) % FLOOR_MULTINOMIALS;
    sim_multinomial_prepare(m, k, p);
    return m;
}

/* One draw as the GSL floor (fs NULL) or the engine floor makes it. */
static void replay_one(const floor_draw *d, int kind, const gsl_rng *r, floor_samplers *fs)
{
    unsigned int counts[SC_MAX_DIM];
    if (!fs) {
        if (kind == SC_DRAW_BINOMIAL)
            (void)gsl_ran_binomial(r, d->p, d->n);
        else
            sim_draw_replay(d->entry, r);
    } else if (kind == SC_DRAW_BINOMIAL) {
        if (d->sampler)
            (void)sim_binomial_draw(binomial_for(fs, d->p), r, d->n);
        else
            (void)sim_binomial_draw_once(r, d->p, d->n);
    } else if (kind == SC_DRAW_POISSON) {
        (void)sim_poisson_draw(r, d->p);
    } else if (kind == SC_DRAW_MULTINOMIAL && d->sampler) {
        sim_multinomial_draw(multinomial_for(fs, d->entry->dim, d->entry->vec), r, d->n, counts);
    } else {
        sim_draw_replay(d->entry, r);
    }
}

/* Replay kind k's logged draws in turn, `count` draws in all, split among
 * threads so each replays its own share with its own stream. */
static void replay_kind(const floor_draw *draws, long nd, long long count, uint64_t seed, int k,
                        enum sc_floor_kind kind, int *failed)
{
    if (nd == 0 || count == 0)
        return;
    long long rounds = (count + nd - 1) / nd;
#pragma omp parallel
    {
        sc_rng r;
        sc_rng_init(&r);
        sc_rng_key(&r, seed, (uint64_t)omp_get_thread_num(), 1000u + (uint32_t)k, 0);
        floor_samplers *fs = NULL;
        if (kind == SC_FLOOR_ENGINE && (fs = sc_calloc(1, sizeof *fs)) == NULL) {
#pragma omp atomic write
            *failed = 1;
        }
#pragma omp for schedule(static)
        for (long long round = 0; round < rounds; round++) {
            long last = round + 1 < rounds ? nd : (long)(count - (rounds - 1) * nd);
            for (long j = 0; j < last; j++)
                replay_one(&draws[j], k, &r.gsl, fs);
        }
        sc_free(fs);
    }
}

int sc_sim_draw_floor(const sc_scenario *s, const sc_params *p, const sc_layout *l,
                      uint64_t seed, long sample, const sc_draw_counts *counts, int threads,
                      enum sc_floor_kind kind, double *seconds, sc_error *e)
{
    sim_draw_log log = {NULL, 0, 0};
    long cap = sample * (long)(s->nclusters * s->horizon * 40 + 64);
    log.entry = sc_calloc((size_t)cap, sizeof *log.entry);
    floor_draw *draws = sc_calloc((size_t)cap, sizeof *draws);
    int st = (log.entry && draws) ? SC_OK
                                  : SC_ERROR(e, SC_ENOMEM, "out of memory for the draw log");
    log.cap = cap;
    if (st == SC_OK)
        st = log_sample(s, p, l, seed, sample, &log, e);

    /* Group the log by kind before the clock starts. */
    long start[SC_NDRAW_KINDS + 1] = {0};
    for (int k = 0; st == SC_OK && k < SC_NDRAW_KINDS; k++) {
        start[k + 1] = start[k];
        for (long j = 0; j < log.len; j++)
            if (log.entry[j].kind == k)
                draws[start[k + 1]++] = (floor_draw){log.entry[j].a, log.entry[j].n,
                                                     log.entry[j].sampler, &log.entry[j]};
    }

    double t0 = omp_get_wtime();
    int saved = omp_get_max_threads();
    omp_set_num_threads(threads > 0 ? threads : omp_get_num_procs());
    int failed = 0;
    for (int k = 0; st == SC_OK && k < SC_NDRAW_KINDS; k++)
        replay_kind(draws + start[k], start[k + 1] - start[k], counts->n[k], seed, k, kind,
                    &failed);
    omp_set_num_threads(saved);
    *seconds = omp_get_wtime() - t0;
    if (st == SC_OK && failed)
        st = SC_ERROR(e, SC_ENOMEM, "out of memory for the floor's samplers");
    sc_free(draws);
    sc_free(log.entry);
    return st;
}
