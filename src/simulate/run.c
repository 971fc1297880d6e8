/*
 * run.c — one trajectory (its steps in order), and many: one after another
 * per thread, all threads in parallel, rows handed to a sink (sink.h).
 *
 * A trajectory is a pure function of (scenario, parameters, seed, index): its
 * streams are keyed by its index, it reads the scenario and the parameters
 * and writes its own cells. So the loop can be split across threads and
 * processes in any way and the rows are the same. Workspaces are allocated
 * once per thread, before the loop; failures are recorded per thread and
 * reported after it (nothing returns out of a parallel region).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <omp.h>

#include "sendcast/alloc.h"
#include "sim_internal.h"

void sc_sim_workspace_free(sc_sim_workspace *w)
{
    if (!w)
        return;
    sc_free(w->params.effect_c);
    sc_free(w->params.inflation);
    sc_free(w->params.lever);
    sc_free(w->open);
    sc_free(w->close);
    sc_free(w->flows);
    sc_free(w->overspend);
    sc_free(w);
}

int sc_sim_workspace_alloc(const sc_scenario *s, sc_sim_workspace **out, sc_error *e)
{
    size_t nc = (size_t)s->nclusters;
    sc_sim_workspace *w = sc_calloc(1, sizeof *w);
    *out = NULL;
    if (!w)
        return SC_ERROR(e, SC_ENOMEM, "out of memory for a simulation workspace");
    sc_rng_init(&w->rng);
    sc_rng_init(&w->lever_rng);
    w->params.lever = sc_calloc((size_t)s->nlevers + 1, sizeof(double));
    w->params.effect_c = sc_calloc(nc, sizeof(double));
    w->params.inflation = sc_calloc((size_t)s->horizon + 1, sizeof(double));
    w->open = sc_calloc(nc, sizeof(sim_stock));
    w->close = sc_calloc(nc, sizeof(sim_stock));
    w->flows = sc_calloc(nc, sizeof(sim_flows));
    w->overspend = sc_calloc(nc, sizeof(double));
    if (!w->params.effect_c || !w->params.inflation || !w->params.lever || !w->open || !w->close || !w->flows ||
        !w->overspend) {
        sc_sim_workspace_free(w);
        return SC_ERROR(e, SC_ENOMEM, "out of memory for a simulation workspace");
    }
    *out = w;
    return SC_OK;
}

static void base_year_stock(const sc_scenario *s, sc_sim_workspace *w)
{
    for (int c = 0; c < s->nclusters; c++) {
        sim_stock *st = &w->open[c];
        memset(st, 0, sizeof *st);
        for (int b = 0; b < s->nbands; b++)
            st->band[b] = s->clusters[c].band_stock[b];
        for (int pl = SC_PL_ARP; pl < SC_NPLACEMENTS; pl++)
            st->place[pl] = s->clusters[c].placement_stock[pl];
    }
}

/* One trajectory, MODEL.md 3 in order: its parameters (3.1), then year by
 * year the step (3.2) and the money (3.3), then the whole agreement's cells.
 * With `trace`, also every draw and state, year by year (the same code path,
 * so a trace is exactly the trajectory of a full run). */
static int trajectory(const sc_scenario *s, const sc_params *p, const sc_layout *l,
                      sc_sim_workspace *w, uint64_t seed, long i, double *cells, FILE *trace,
                      sc_error *e)
{
    w->overflow = 0;
    sim_params_draw(s, p, w, seed, i);
    base_year_stock(s, w);
    if (trace)
        sim_trace_start(s, w, trace);

    sim_money_state money;
    sim_money_start(s, &money);
    for (int t = 1; t <= s->horizon; t++) {
        sim_year_step(s, w, seed, i, t);
        sim_year_money(s, l, w, t, &money, cells);
        if (trace)
            sim_trace_year(s, l, w, t, cells, trace);
        sim_stock *tmp = w->open;
        w->open = w->close;
        w->close = tmp;
    }
    sim_money_finish(l, &money, cells);
    if (w->overflow)
        return SC_ERROR(e, SC_EFAIL,
                        "trajectory %ld: a count or mean passed 2^31 (parameters far outside "
                        "the scenario's plausible range?); refusing to wrap around", i);
    return SC_OK;
}

int sc_sim_trajectory(const sc_scenario *s, const sc_params *p, const sc_layout *l,
                      sc_sim_workspace *w, uint64_t seed, long i, double *cells, sc_error *e)
{
    return trajectory(s, p, l, w, seed, i, cells, NULL, e);
}

int sc_sim_trace(const sc_scenario *s, const sc_params *p, const sc_layout *l, uint64_t seed,
                 long i, FILE *out, double *cells, sc_error *e)
{
    sc_sim_workspace *w = NULL;
    int st = sc_sim_workspace_alloc(s, &w, e);
    if (st == SC_OK) {
        fprintf(out, "year,unit,quantity,value\n");
        st = trajectory(s, p, l, w, seed, i, cells, out, e);
    }
    if (st == SC_OK && ferror(out))
        st = SC_ERROR(e, SC_EFAIL, "trajectory %ld: writing the trace failed", i);
    sc_sim_workspace_free(w);
    return st;
}

/* Count finished trajectories and, every `step` of them, tell the caller
 * (never going backwards, whichever thread gets there first). One atomic add
 * per trajectory: negligible beside a trajectory's thousands of draws. */
static void report_progress(const sc_sim_options *opt, long *done, long *shown, long step, long n)
{
    long d;
#pragma omp atomic capture
    d = ++*done;
    if (d % step != 0 && d != n)
        return;
#pragma omp critical(sim_progress)
    if (d > *shown) {
        *shown = d;
        opt->progress(opt->progress_ctx, d, n);
    }
}

/* Trajectories a thread takes at a time when any thread may hand rows over
 * (SC_SINK_ANY_THREAD): n / 512, at least 64. How they are split changes no
 * row, only how evenly the threads finish. */
static long rows_per_chunk(long n)
{
    long c = (n + 511) / 512;
    return c < 64 ? 64 : c;
}

/* Trajectories a thread simulates before handing their rows to an
 * SC_SINK_ANY_THREAD sink: up to 256, within 4 MB of rows. */
static long rows_per_hand_over(const sc_layout *l)
{
    long rows = (4L << 20) / (long)(l->ncells * sizeof(double) + 1);
    return rows < 1 ? 1 : rows > 256 ? 256 : rows;
}

/* Rows of the block all threads fill before an SC_SINK_TEAM sink takes it
 * (a bounded summary bins it a cell per thread): 4096 (or 256 a thread, if
 * more), within 64 MB. Binning touches each cell's bins (a few hundred KB at
 * 10^6 trajectories) once a block, so the bigger the block the fewer times
 * they come from memory: 256 rows a thread, binned by each thread for all
 * cells, made binning cost more than simulating. */
static long rows_per_block(const sc_layout *l, int nthreads)
{
    long want = 256L * nthreads > 4096 ? 256L * nthreads : 4096;
    long fit = (64L << 20) / (long)(l->ncells * sizeof(double) + 1);
    want = want < fit ? want : fit;
    return want < nthreads ? nthreads : want;
}

/* Keep the first failure (or the first out-of-memory one) of any thread. */
static void note_failure(int st, const sc_error *err, int *status, sc_error *e)
{
#pragma omp critical(sim_run_error)
    if (st != SC_OK && (*status == SC_OK || st == SC_ENOMEM)) {
        *status = st;
        *e = *err;
    }
}

static void add_draws(const sc_sim_options *opt, const sc_sim_workspace *w)
{
#pragma omp critical(sim_run_draws)
    for (int k = 0; w && opt->bench && k < SC_NDRAW_KINDS; k++)
        opt->bench->draws.n[k] += w->draws.counts.n[k];
}

/* For an SC_SINK_TEAM sink: blocks of consecutive trajectories, simulated by
 * all threads into one shared buffer, then handed to the sink by the whole
 * team together. */
static int run_blocks(const sc_scenario *s, const sc_params *p, const sc_layout *l,
                      uint64_t seed, long n, const sc_sim_options *opt, int nthreads,
                      const sc_sink *sink, sc_error *e)
{
    long block = rows_per_block(l, nthreads);
    block = block < n ? block : (n > 0 ? n : 1);
    double *rows = sc_malloc((size_t)block * l->ncells * sizeof *rows);
    if (!rows)
        return SC_ERROR(e, SC_ENOMEM, "out of memory for %ld trajectory records", block);
    int status = SC_OK, failed = 0;
    long done = 0, shown = 0, step = n / 200 > 0 ? n / 200 : 1;

#pragma omp parallel num_threads(nthreads)
    {
        sc_sim_workspace *w = NULL;
        sc_error err;
        sc_error_clear(&err);
        int st = sc_sim_workspace_alloc(s, &w, &err);
        if (st != SC_OK) {
#pragma omp atomic write
            failed = 1;
        }
#pragma omp barrier
        for (long b0 = 0; b0 < n; b0 += block) {
            long count = n - b0 < block ? n - b0 : block;
            int stop;
#pragma omp atomic read
            stop = failed;
            if (stop)
                break;    /* every thread reads the same flag: it changes only before a barrier */
#pragma omp for schedule(dynamic, 4)
            for (long i = 0; i < count; i++) {
                if (st != SC_OK)
                    continue;
                st = sc_sim_trajectory(s, p, l, w, seed, opt->first + b0 + i,
                                       rows + (size_t)i * l->ncells, &err);
                if (st != SC_OK) {
#pragma omp atomic write
                    failed = 1;
                }
                if (opt->progress)
                    report_progress(opt, &done, &shown, step, n);
            }
#pragma omp atomic read
            stop = failed;
            if (stop)
                break;
            double t0 = omp_get_wtime();
            sink->put(sink->ctx, opt->record_first + b0, count, rows);   /* ends in a barrier */
#pragma omp master
            if (opt->bench)
                opt->bench->sink_seconds += omp_get_wtime() - t0;
        }
        note_failure(st, &err, &status, e);
        add_draws(opt, w);
        sc_sim_workspace_free(w);
    }
    sc_free(rows);
    return status;
}

/* For an SC_SINK_ANY_THREAD sink (or none): chunks of trajectories to
 * threads; each thread hands its rows over a few at a time. */
static int run_chunks(const sc_scenario *s, const sc_params *p, const sc_layout *l,
                      uint64_t seed, long n, const sc_sim_options *opt, int nthreads,
                      const sc_sink *sink, sc_error *e)
{
    int status = SC_OK;
    long done = 0, shown = 0, step = n / 200 > 0 ? n / 200 : 1;
    long chunk = rows_per_chunk(n);
    long nchunks = (n + chunk - 1) / chunk;
    long block = rows_per_hand_over(l);

#pragma omp parallel num_threads(nthreads)
    {
        sc_sim_workspace *w = NULL;
        sc_error err;
        sc_error_clear(&err);
        double *rows = sc_malloc((size_t)block * l->ncells * sizeof *rows);
        int st = rows ? sc_sim_workspace_alloc(s, &w, &err)
                      : SC_ERROR(&err, SC_ENOMEM, "out of memory for trajectory records");

#pragma omp for schedule(dynamic, 1)
        for (long c = 0; c < nchunks; c++) {
            long end = (c + 1) * chunk < n ? (c + 1) * chunk : n;
            long held = 0;   /* rows simulated, not yet handed over */
            for (long i = c * chunk; i < end && st == SC_OK; i++) {
                st = sc_sim_trajectory(s, p, l, w, seed, opt->first + i,
                                       rows + held * l->ncells, &err);
                if (st == SC_OK && sink && (++held == block || i + 1 == end)) {
                    sink->put(sink->ctx, opt->record_first + i + 1 - held, held, rows);
                    held = 0;
                }
                if (opt->progress)
                    report_progress(opt, &done, &shown, step, n);
            }
        }

        note_failure(st, &err, &status, e);
        add_draws(opt, w);
        sc_sim_workspace_free(w);
        sc_free(rows);
    }
    return status;
}

int sc_sim_run(const sc_scenario *s, const sc_params *p, const sc_layout *l, uint64_t seed,
               long n, const sc_sim_options *opt, const sc_sink *sink, sc_error *e)
{
    static const sc_sim_options defaults = {.threads = 0};
    if (!opt)
        opt = &defaults;
    int nthreads = opt->threads > 0 ? opt->threads : omp_get_num_procs();
    if (opt->bench)
        opt->bench->draws = (sc_draw_counts){{0}};
    if (sink && sink->rule == SC_SINK_TEAM)
        return run_blocks(s, p, l, seed, n, opt, nthreads, sink, e);
    return run_chunks(s, p, l, seed, n, opt, nthreads, sink, e);
}
