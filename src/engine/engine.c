/*
 * engine.c — N trajectories of a resolved scenario into a summary, across
 * threads, MPI ranks and bounded-memory passes (engine.h).
 *
 * The order of a run, as engine.h gives it: make the summary; for each of
 * its passes, simulate this process's trajectories into the summary's sink,
 * combine what the ranks must share, end the pass; bring what rank 0 needs
 * there; compute. With distribute set, every status is agreed among the
 * ranks after each step (sc_ranks_agree), so all ranks stop together and
 * each says why it stopped.
 */
#include "sendcast/engine.h"

#include <stdio.h>

#include <omp.h>

#include "sendcast/alloc.h"
#include "sendcast/layout.h"
#include "sendcast/ranks.h"
#include "engine_bench.h"

/* One call's settings and where it stands; nothing outlives the call. */
typedef struct engine_run {
    const sc_scenario *s;
    const sc_params *p;
    const sc_engine_options *o;
    sc_layout l;
    int threads;
    int distribute, rank, size;     /* 0, 0, 1 without distribute */
    sc_engine_measures *m;          /* NULL unless measured */
} engine_run;

void sc_engine_options_init(sc_engine_options *o, const sc_scenario *s)
{
    *o = (sc_engine_options){.trajectories = s->trajectories, .seed = s->seed,
                             .memory_mb = SC_ENGINE_MEMORY_MB, .rank_error = SC_SUMMARY_RANK_ERROR};
}

/* Every rank's status, when the run is distributed. */
static int agree(const engine_run *r, int st, sc_error *e)
{
    return r->distribute ? sc_ranks_agree(st, e) : st;
}

/* Trajectories first .. first + n - 1 into the summary's sink as records
 * record_first .. (sum NULL: simulate only). */
static int simulate(engine_run *r, long first, long n, long record_first, sc_summary *sum,
                    sc_error *e)
{
    struct sc_sim_bench bench = {{{0}}, 0};
    sc_sim_options sim = {.threads = r->threads, .first = first, .record_first = record_first,
                          .progress = r->o->progress, .progress_ctx = r->o->progress_ctx,
                          .bench = r->m ? &bench : NULL};
    sc_sink sink;
    if (sum)
        sink = sc_summary_sink(sum);
    int st = sc_sim_run(r->s, r->p, &r->l, r->o->seed, n, &sim, sum ? &sink : NULL, e);
    if (r->m) {
        r->m->sink_s += bench.sink_seconds;
        for (int k = 0; k < SC_NDRAW_KINDS; k++)
            r->m->draws.n[k] += bench.draws.n[k];
    }
    return agree(r, st, e);
}

/* After a pass of a bounded summary, with several ranks: what each rank
 * counted or accumulated, shared as the summary says. */
static int share_state(engine_run *r, sc_summary *sum, sc_error *e)
{
    sc_summary_shared sh;
    sc_summary_shared_state(sum, &sh);
    int st = sh.nsums ? sc_ranks_sum_u32(sh.sums, sh.nsums, e) : SC_OK;
    if (st == SC_OK && sh.nflags)
        st = sc_ranks_max_u8(sh.flags, sh.nflags, e);
    for (int t = 0; st == SC_OK && t < sh.ntables; t++)
        st = sc_ranks_share_rows(sh.table[t].data, sh.table[t].row_len, sh.table[t].first,
                                 sh.table[t].count, e);
    return agree(r, st, e);
}

/* After the last pass, with several ranks: every rank's kept values of pass
 * 2 (if it ran) to rank 0, in rank order. */
static int gather_kept(engine_run *r, sc_summary *sum, sc_error *e)
{
    double *fills = NULL, *values = NULL, *all_fills = NULL, *all_values = NULL;
    size_t nfills, nvalues, *nf = NULL, *nv = NULL;
    int st = agree(r, sc_summary_pack_kept(sum, &fills, &nfills, &values, &nvalues, e), e);
    if (st == SC_OK && fills) {
        st = sc_ranks_gather_values(fills, nfills, &all_fills, &nf, e);
        if (st == SC_OK)
            st = sc_ranks_gather_values(values, nvalues, &all_values, &nv, e);
        if (st == SC_OK && r->rank == 0)
            sc_summary_unpack_kept(sum, r->size, all_fills, all_values);
    }
    sc_free(fills);
    sc_free(values);
    sc_free(all_fills);
    sc_free(all_values);
    sc_free(nf);
    sc_free(nv);
    return st;
}

/* The settings every summary of this run takes. */
static int set_up(engine_run *r, sc_summary *sum, sc_error *e)
{
    sc_summary_set_threads(sum, r->threads);
    sc_summary_set_rank_error(sum, r->o->rank_error);
    return sc_summary_keep_cells(sum, r->o->keep_cells, r->o->nkeep_cells, e);
}

/* Names the pass about to start, so that a progress bar that reaches 100%
 * and starts again says why. Pass 2 is known to run (or not) only once pass 1
 * has ended, hence "of up to 3" before then. */
static void note_pass(const engine_run *r, const sc_summary *sum, int pass)
{
    static const char *const what[] = {"a pilot sample to place the bins",
                                       "every trajectory, counting into the bins",
                                       "every trajectory again, for exact percentiles"};
    if (!r->o->pass_note || r->rank != 0)
        return;
    char buf[160];
    long n = sc_summary_pass_trajectories(sum, pass);
    snprintf(buf, sizeof buf, "pass %d of %s%d: %s (%ld trajectories)", pass + 1,
             pass < 2 ? "up to " : "", sc_summary_passes(sum), what[pass < 3 ? pass : 2], n);
    r->o->pass_note(r->o->progress_ctx, buf);
}

/* Bounded memory: every rank runs the pilot (pass 0) in full, then its own
 * whole chunks of trajectories in pass 1 and, unless pass 1 could answer
 * within the rank error, pass 2. */
static int run_bounded(engine_run *r, sc_summary **sum, sc_error *e)
{
    long n = r->o->trajectories, chunk = sc_summary_chunk(n), nchunks = (n + chunk - 1) / chunk;
    long first = nchunks * r->rank / r->size * chunk;
    long end = nchunks * (r->rank + 1) / r->size * chunk;
    long count = (end < n ? end : n) - first;
    int st = sc_summary_alloc_bounded(&r->l, n, r->s->npercentiles, r->s->percentiles, sum, e);
    if (st == SC_OK) {
        sc_summary_set_slice(*sum, first, count);
        st = set_up(r, *sum, e);
    }
    st = agree(r, st, e);
    for (int pass = 0; st == SC_OK && pass < sc_summary_passes(*sum); pass++) {
        note_pass(r, *sum, pass);
        if (pass == 0)
            st = simulate(r, 0, sc_summary_pass_trajectories(*sum, 0), 0, *sum, e);
        else
            st = simulate(r, first, count, first, *sum, e);
        if (st == SC_OK && r->size > 1)
            st = share_state(r, *sum, e);
        if (st == SC_OK)
            st = agree(r, sc_summary_end_pass(*sum, e), e);
    }
    if (st == SC_OK && r->size > 1)
        st = gather_kept(r, *sum, e);
    return st;
}

/* Every record kept: this rank's slice simulated straight into place (rank
 * 0 holds all n records, the others their slice), then the others' records
 * gathered on rank 0. */
static int run_kept(engine_run *r, sc_summary **sum, sc_error *e)
{
    long n = r->o->trajectories, first = 0, count = n;
    if (r->size > 1)
        sc_ranks_slice_of(n, r->rank, r->size, &first, &count);
    int st = sc_summary_alloc(&r->l, r->rank == 0 ? n : count, r->s->npercentiles,
                              r->s->percentiles, sum, e);
    if (st == SC_OK)
        st = set_up(r, *sum, e);
    st = agree(r, st, e);
    if (st == SC_OK)
        st = simulate(r, first, count, r->rank == 0 ? first : 0, *sum, e);
    if (st == SC_OK)
        st = agree(r, sc_summary_end_pass(*sum, e), e);
    if (st == SC_OK && r->size > 1) {
        double *records = sc_summary_records(*sum);
        st = sc_ranks_gather_rows(r->rank == 0 ? records + (size_t)first * r->l.ncells : records,
                                  count, r->l.ncells, records, n, e);
    }
    return st;
}

static int check(const engine_run *r, sc_error *e)
{
    const sc_engine_options *o = r->o;
    if (o->trajectories < 1)
        return SC_ERROR(e, SC_EINPUT, "engine: need at least one trajectory, got %ld",
                        o->trajectories);
    if (o->threads < 0 || o->nkeep_cells < 0 || (o->nkeep_cells > 0 && !o->keep_cells))
        return SC_ERROR(e, SC_EINPUT, "engine: threads %d or kept cells %d out of range",
                        o->threads, o->nkeep_cells);
    if (o->trajectories < r->size)
        return SC_ERROR(e, SC_EINPUT, "%ld trajectories cannot be shared among %d MPI ranks",
                        o->trajectories, r->size);
    if (!sc_params_resolved(r->p))
        return SC_ERROR(e, SC_EINPUT, "engine: the parameters of %s still have a dist: fit "
                        "(resolve them with sc_fit_params first)", r->s->name);
    return SC_OK;
}

/* Keep every record, or summarise in bounded memory (passes over the same
 * trajectories) when the records would pass memory_mb. */
static int bounded(const engine_run *r)
{
    return !sc_engine_keeps_records(r->s, r->o);
}

int sc_engine_keeps_records(const sc_scenario *s, const sc_engine_options *o)
{
    sc_layout l;
    sc_layout_init(&l, s);
    double bytes = 8.0 * (double)l.ncells * (double)o->trajectories;
    return bytes <= (double)o->memory_mb * 1024.0 * 1024.0;
}

int sc_engine_run_measured(const sc_scenario *s, const sc_params *p, const sc_engine_options *o,
                           int summarise, sc_summary **out, sc_engine_measures *m, sc_error *e)
{
    engine_run r = {s, p, o, {0}, o->threads > 0 ? o->threads : omp_get_num_procs(),
                    o->distribute, 0, 1, m};
    sc_layout_init(&r.l, s);
    if (r.distribute) {
        r.rank = sc_ranks_rank();
        r.size = sc_ranks_size();
    }
    if (m)
        *m = (sc_engine_measures){.bounded = summarise && bounded(&r)};
    *out = NULL;
    sc_summary *sum = NULL;
    int st = agree(&r, check(&r, e), e);
    double t0 = omp_get_wtime();
    if (st == SC_OK && !summarise)
        st = simulate(&r, 0, o->trajectories, 0, NULL, e);
    else if (st == SC_OK)
        st = bounded(&r) ? run_bounded(&r, &sum, e) : run_kept(&r, &sum, e);
    if (m) {
        m->passes_s = omp_get_wtime() - t0;
        m->passes = sum ? sc_summary_passes(sum) : 1;
    }
    if (st == SC_OK && sum && r.rank == 0 && !o->values_only) {
        t0 = omp_get_wtime();
        st = sc_summary_compute(sum, e);
        if (m)
            m->compute_s = omp_get_wtime() - t0;
    }
    if (st != SC_OK || r.rank != 0) {
        sc_summary_free(sum);
        sum = NULL;
    }
    *out = sum;
    return st;
}

int sc_engine_run(const sc_scenario *s, const sc_params *p, const sc_engine_options *o,
                  sc_summary **out, sc_error *e)
{
    return sc_engine_run_measured(s, p, o, 1, out, NULL, e);
}

int sc_engine_trace(const sc_scenario *s, const sc_params *p, uint64_t seed, long i,
                    FILE *out, sc_error *e)
{
    sc_layout l;
    sc_layout_init(&l, s);
    double *cells = sc_calloc(l.ncells, sizeof *cells);
    if (!cells)
        return SC_ERROR(e, SC_ENOMEM, "out of memory for a trajectory");
    int st = sc_sim_trace(s, p, &l, seed, i, out, cells, e);
    sc_free(cells);
    return st;
}
