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
 */
#include <omp.h>

#include "sendcast/alloc.h"
#include "internal.h"

static int log_sample(const sc_scenario *s, const sc_layout *l, uint64_t seed, long sample,
                      sc_draw_log *log, sc_error *e)
{
    sc_sim_workspace *w = NULL;
    double *cells = sc_calloc(l->ncells, sizeof *cells);
    int st = cells ? sc_sim_workspace_alloc(s, l, &w, e)
                   : sc_error_set(e, SC_ENOMEM, "out of memory for the draw log");
    if (st == SC_OK) {
        w->draws.log = log;
        for (long i = 0; i < sample && st == SC_OK; i++)
            st = sc_sim_trajectory(s, l, w, seed, i, cells, e);
        w->draws.log = NULL;
    }
    sc_sim_workspace_free(w);
    sc_free(cells);
    return st;
}

/* Replay kind k's logged draws in turn, `count` draws in all, split by index
 * among threads so each replays its own share with its own stream. */
static void replay_kind(const sc_draw_log *log, const long *idx, long nidx, long long count,
                        uint64_t seed, int k)
{
    if (nidx == 0 || count == 0)
        return;
#pragma omp parallel
    {
        sc_rng r;
        sc_rng_init(&r);
        sc_rng_key(&r, seed, (uint64_t)omp_get_thread_num(), 1000u + (uint32_t)k, 0);
#pragma omp for schedule(static)
        for (long long j = 0; j < count; j++)
            sc_draw_replay(&log->entry[idx[j % nidx]], &r.gsl);
    }
}

int sc_sim_draw_floor(const sc_scenario *s, const sc_layout *l, uint64_t seed, long sample,
                      const sc_draw_counts *counts, int threads, double *seconds, sc_error *e)
{
    sc_draw_log log = {NULL, 0, 0};
    long cap = sample * (long)(s->nclusters * s->horizon * 40 + 64);
    log.entry = sc_calloc((size_t)cap, sizeof *log.entry);
    long *idx = sc_calloc((size_t)cap, sizeof *idx);
    int st = (log.entry && idx) ? SC_OK : sc_error_set(e, SC_ENOMEM, "out of memory for the draw log");
    log.cap = cap;
    if (st == SC_OK)
        st = log_sample(s, l, seed, sample, &log, e);

    /* Group the log by kind before the clock starts. */
    long start[SC_NDRAW_KINDS + 1] = {0};
    for (int k = 0; st == SC_OK && k < SC_NDRAW_KINDS; k++) {
        start[k + 1] = start[k];
        for (long j = 0; j < log.len; j++)
            if (log.entry[j].kind == k)
                idx[start[k + 1]++] = j;
    }

    double t0 = omp_get_wtime();
    int saved = omp_get_max_threads();
    omp_set_num_threads(threads > 0 ? threads : omp_get_num_procs());
    for (int k = 0; st == SC_OK && k < SC_NDRAW_KINDS; k++)
        replay_kind(&log, idx + start[k], start[k + 1] - start[k], counts->n[k], seed, k);
    omp_set_num_threads(saved);
    *seconds = omp_get_wtime() - t0;
    sc_free(idx);
    sc_free(log.entry);
    return st;
}
