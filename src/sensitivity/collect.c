/*
 * collect.c — what `sendcast run` keeps for sensitivity, stress tests and
 * budgets beyond the summary (sensitivity.h, sc_sens_collect), and the
 * process-only run of the layered fan.
 *
 * In order, so that every MPI rank makes the same engine calls before rank
 * 0 alone does the rest:
 *
 *   1. bounded-memory runs only: the sample, trajectories 0 .. M-1 simulated
 *      again by the engine on the same seed (so identical to the full run's:
 *      keyed streams), keeping the outputs the analyses read (district
 *      headline metrics, target met, cluster spend);
 *   2. the layered fan: the first L = min(N, sample) trajectories with every
 *      parameter at its central value (sc_sens_central_params), on the same
 *      seed: common random numbers, trajectory by trajectory;
 *   3. rank 0: the parameter draws of trajectories 0 .. M-1 (sim_draws.h),
 *      and the fan's bands and variance shares from the paired runs.
 *
 * Memory: the extra runs get what eo->memory_mb leaves beside the full
 * run's records; where that is too little the engine makes them in bounded
 * memory, keeping only the cells read here.
 */
#include "sendcast/sensitivity.h"

#include <math.h>
#include <string.h>

#include "sendcast/alloc.h"
#include "sendcast/layout.h"
#include "sendcast/ranks.h"
#include "sendcast/sim_draws.h"
#include "sendcast/stats.h"
#include "sens_internal.h"

const sc_sens_output_info sc_sens_outputs[SC_SENS_NOUTPUTS] = {
    [SC_SENS_HNB_SPEND] = { "hnb_spend", SC_D_HNB_SPEND, "High Needs Block spend", 0, 1e6, "£m" },
    [SC_SENS_BALANCE] = { "hnb_balance", SC_D_HNB_BALANCE, "in-year balance", 0, 1e6, "£m" },
    [SC_SENS_DEFICIT] = { "cumulative_deficit", SC_D_CUMULATIVE_DEFICIT, "cumulative deficit",
                          0, 1e6, "£m" },
    [SC_SENS_TOPUP] = { "topup_spend", SC_D_TOPUP_SPEND, "mainstream top-up spend", 0, 1e6, "£m" },
    [SC_SENS_PLANS] = { "plans_total", SC_D_PLANS_TOTAL, "EHC plans in place", 0, 1, "plans" },
    [SC_SENS_TARGET_MET] = { "target_met", -1, "P(Safety Valve target met)", 1, 1,
                             "probability" },
    [SC_SENS_REQUESTS] = { "requests", SC_D_REQUESTS, "requests for assessment", 0, 1,
                           "requests" },
    [SC_SENS_NEW_PLANS] = { "new_plans", SC_D_NEW_PLANS, "new EHC plans", 0, 1, "plans" },
};

const double sc_sens_q[SC_SENS_NQ] = { 5, 20, 35, 50, 65, 80, 95 };

int sc_sens_output_find(const char *name)
{
    for (int o = 0; o < SC_SENS_NOUTPUTS; o++)
        if (!strcmp(sc_sens_outputs[o].name, name))
            return o;
    return -1;
}

/* ---- central parameters -------------------------------------------------- */

int sc_sens_central_params(const sc_params *p, sc_params **out, sc_error *e)
{
    int st = sc_params_copy(p, out, e);
    if (st)
        return st;
    sc_params_fix_at_means(*out);
    sc_dist *shock = sc_params_edit(*out, SC_P_NATIONAL_SHOCK);
    if (shock->kind == SC_DIST_SCALED_INV_CHI2) {
        double nu = shock->p[0], s2 = shock->p[1];
        shock->value[0] = nu > 2 ? nu * s2 / (nu - 2) : s2;
        shock->kind = SC_DIST_FIXED;
    }
    sc_dist *cv = sc_params_edit(*out, SC_P_HETEROGENEITY_CV);
    cv->kind = SC_DIST_FIXED;
    cv->value[0] = 0;
    return SC_OK;
}

/* ---- the cells read ------------------------------------------------------ */

/* Which output o's cells exist in s: a district metric that applies, or the
 * targets. */
int sens_output_applies(const sc_scenario *s, int o)
{
    int m = sc_sens_outputs[o].metric;
    return m < 0 ? sc_layout_has_targets(s) : sc_layout_applies(s, SC_LEVEL_DISTRICT, m);
}

/* First cell of output o's [year] cells. */
size_t sens_output_cell(const sc_layout *l, int o)
{
    int m = sc_sens_outputs[o].metric;
    return m < 0 ? l->target_offset : sc_layout_block(l, SC_LEVEL_DISTRICT, m);
}

int sens_keeps_clusters(const sc_scenario *s)
{
    return sc_layout_applies(s, SC_LEVEL_CLUSTER, SC_C_BUDGET);
}

/* The cells the extra runs keep: every applying output's years, and (with
 * clusters) the clusters' spend, into cells (caller's, big enough). */
static int cells_read(const sc_scenario *s, const sc_layout *l, int with_clusters, size_t *cells)
{
    int k = 0;
    for (int o = 0; o < SC_SENS_NOUTPUTS; o++)
        for (int t = 0; sens_output_applies(s, o) && t < l->years; t++)
            cells[k++] = sens_output_cell(l, o) + (size_t)t;
    size_t first = sc_layout_block(l, SC_LEVEL_CLUSTER, SC_C_CLUSTER_SPEND);
    size_t ncl = (size_t)l->years * (size_t)l->units[SC_LEVEL_CLUSTER];
    for (size_t c = 0; with_clusters && sens_keeps_clusters(s) && c < ncl; c++)
        cells[k++] = first + c;
    return k;
}

/* ---- the extras ---------------------------------------------------------- */


void sc_sens_extras_free(sc_sens_extras *x)
{
    if (!x)
        return;
    sc_free(x->cols);
    sc_free(x->draws);
    for (int o = 0; o < SC_SENS_NOUTPUTS; o++) {
        sc_free(x->sample[o]);
        sc_free(x->inner[o]);
        sc_free(x->outer[o]);
        sc_free(x->share[o]);
        sc_free(x->share_se[o]);
    }
    sc_free(x->sample_clusters);
    for (int k = 0; k < 3; k++)
        sc_free(x->p_met[k]);
    sc_free(x->values);
    sc_free(x);
}

long sc_sens_extras_draws(const sc_sens_extras *x) { return x ? x->m : 0; }
int sc_sens_extras_columns(const sc_sens_extras *x) { return x ? x->ncols : 0; }
long sc_sens_extras_layers(const sc_sens_extras *x) { return x ? x->nl : 0; }

/* The options of an extra engine run: n trajectories, keeping `cells`,
 * within the memory the full run's records leave (the same on every rank). */
static sc_engine_options extra_options(const sc_engine_options *eo, int all, const sc_layout *l,
                                       long n, const size_t *cells, int k)
{
    sc_engine_options o = *eo;
    o.trajectories = n;
    o.keep_cells = cells;
    o.nkeep_cells = k;
    double used = all ? 8.0 * (double)l->ncells * (double)eo->trajectories / 1048576.0 : 0;
    o.memory_mb = (long)fmax(1.0, (double)eo->memory_mb - used);
    return o;
}

/* Every trajectory's value of one cell, from a summary: the first n. */
static int cell_values(const sc_summary *sum, size_t cell, long n, double *out, double *scratch,
                       sc_error *e)
{
    int st = sc_summary_cell_values(sum, cell, scratch, e);
    if (!st)
        memcpy(out, scratch, (size_t)n * sizeof *out);
    return st;
}

/* Bounded runs: the sample's outputs, [m][Y] and [m][Y][C], from its summary. */
static int keep_sample(sc_sens_extras *x, const sc_summary *ss, sc_error *e)
{
    const sc_layout *l = &x->l;
    long m = x->m;
    size_t ny = (size_t)l->years, nc = (size_t)l->units[SC_LEVEL_CLUSTER];
    double *v = sc_calloc((size_t)m, sizeof *v);
    int st = v ? SC_OK : SC_ERROR(e, SC_ENOMEM, "out of memory keeping the sample");
    for (int o = 0; !st && o < SC_SENS_NOUTPUTS; o++) {
        if (!sens_output_applies(x->s, o))
            continue;
        if (!(x->sample[o] = sc_calloc((size_t)m * ny, sizeof(double))))
            st = SC_ERROR(e, SC_ENOMEM, "out of memory keeping the sample");
        for (size_t t = 0; !st && t < ny; t++) {
            st = sc_summary_cell_values(ss, sens_output_cell(l, o) + t, v, e);
            for (long i = 0; !st && i < m; i++)
                x->sample[o][(size_t)i * ny + t] = v[i];
        }
    }
    size_t first = sc_layout_block(l, SC_LEVEL_CLUSTER, SC_C_CLUSTER_SPEND);
    if (!st && sens_keeps_clusters(x->s)
        && !(x->sample_clusters = sc_calloc((size_t)m * ny * nc, sizeof(double))))
        st = SC_ERROR(e, SC_ENOMEM, "out of memory keeping the sample");
    for (size_t c = 0; !st && x->sample_clusters && c < ny * nc; c++) {
        st = sc_summary_cell_values(ss, first + c, v, e);
        for (long i = 0; !st && i < m; i++)
            x->sample_clusters[(size_t)i * ny * nc + c] = v[i];
    }
    sc_free(v);
    return st;
}

/* The full side of the fan, output o's year t over the first n trajectories:
 * from the full run's summary when it kept every record, else (full NULL)
 * from the sample's outputs keep_sample took, its summary already freed. */
static int full_values(const sc_sens_extras *x, const sc_summary *full, int o, size_t t, long n,
                       double *out, double *scratch, sc_error *e)
{
    if (full)
        return cell_values(full, sens_output_cell(&x->l, o) + t, n, out, scratch, e);
    size_t ny = (size_t)x->l.years;
    for (long i = 0; i < n; i++)
        out[i] = x->sample[o][(size_t)i * ny + t];
    return SC_OK;
}

/* The layered fan of output o from the paired runs: bands at sc_sens_q over
 * the first nl trajectories of each, and the parameters' share. full is the
 * full run's summary (every record kept), or NULL: the sample's outputs. */
static int fan_of(sc_sens_extras *x, int o, const sc_summary *full, const sc_summary *proc,
                  double *scratch, sc_error *e)
{
    const sc_layout *l = &x->l;
    long n = x->nl, ntraj = full ? sc_summary_trajectories(full) : 0;
    size_t ny = (size_t)l->years;
    double *f = x->values, *p = x->values + n;
    int st = SC_OK;
    if (!(x->inner[o] = sc_calloc(ny * SC_SENS_NQ, sizeof(double)))
        || !(x->outer[o] = sc_calloc(ny * SC_SENS_NQ, sizeof(double)))
        || !(x->share[o] = sc_calloc(ny, sizeof(double)))
        || !(x->share_se[o] = sc_calloc(ny, sizeof(double))))
        return SC_ERROR(e, SC_ENOMEM, "out of memory for the layered fan");
    for (size_t t = 0; !st && t < ny; t++) {
        size_t cell = sens_output_cell(l, o) + t;
        st = full_values(x, full, o, t, n, f, scratch, e);
        if (!st)
            st = cell_values(proc, cell, n, p, scratch + ntraj, e);
        if (st)
            break;
        for (int q = 0; q < SC_SENS_NQ; q++) {
            x->outer[o][t * SC_SENS_NQ + (size_t)q] = sc_sens_quantile(f, n, sc_sens_q[q] / 100, scratch);
            x->inner[o][t * SC_SENS_NQ + (size_t)q] = sc_sens_quantile(p, n, sc_sens_q[q] / 100, scratch);
        }
        sc_sens_variance_share(f, p, n, &x->share[o][t], &x->share_se[o][t]);
    }
    return st;
}

/* P(target met) of both runs over the same trajectories, and the
 * process-only one's error. */
static int met_of(sc_sens_extras *x, const sc_summary *full, const sc_summary *proc,
                  double *scratch, sc_error *e)
{
    const sc_layout *l = &x->l;
    long n = x->nl, ntraj = full ? sc_summary_trajectories(full) : 0;
    size_t ny = (size_t)l->years;
    for (int k = 0; k < 3; k++)
        if (!(x->p_met[k] = sc_calloc(ny, sizeof(double))))
            return SC_ERROR(e, SC_ENOMEM, "out of memory for the layered fan");
    int st = SC_OK;
    for (size_t t = 0; !st && t < ny; t++) {
        double *f = x->values, *p = x->values + n;
        st = full_values(x, full, SC_SENS_TARGET_MET, t, n, f, scratch, e);
        if (!st)
            st = cell_values(proc, l->target_offset + t, n, p, scratch + ntraj, e);
        double sf = 0, sp = 0;
        for (long i = 0; !st && i < n; i++) {
            sf += f[i];
            sp += p[i];
        }
        x->p_met[0][t] = sf / (double)n;
        x->p_met[1][t] = sp / (double)n;
        x->p_met[2][t] = sqrt(x->p_met[1][t] * (1 - x->p_met[1][t]) / (double)n);
    }
    return st;
}

static int layers_of(sc_sens_extras *x, const sc_summary *full, const sc_summary *proc,
                     sc_error *e)
{
    long big = (full ? sc_summary_trajectories(full) : 0) + sc_summary_trajectories(proc);
    double *scratch = sc_calloc((size_t)big, sizeof *scratch);
    x->values = sc_calloc(2 * (size_t)x->nl, sizeof *x->values);
    int st = scratch && x->values ? SC_OK
                                  : SC_ERROR(e, SC_ENOMEM, "out of memory for the layered fan");
    for (int o = 0; !st && o < SC_SENS_NOUTPUTS; o++)
        if (sens_output_applies(x->s, o) && !sc_sens_outputs[o].indicator)
            st = fan_of(x, o, full, proc, scratch, e);
    if (!st && sc_layout_has_targets(x->s))
        st = met_of(x, full, proc, scratch, e);
    sc_free(scratch);
    return st;
}

/* Rank 0, after the engine runs: the draws and the fan (the sample's outputs
 * were taken before the fan's run; full is NULL in a bounded run). */
static int finish(sc_sens_extras *x, const sc_params *p, const sc_engine_options *eo,
                  const sc_summary *full, const sc_summary *proc, sc_error *e)
{
    int st = sc_sim_draw_columns(x->s, p, &x->cols, &x->ncols, e);
    if (!st && x->m > 0 && !(x->draws = sc_calloc((size_t)x->m * (size_t)(x->ncols ? x->ncols : 1),
                                                  sizeof(double))))
        st = SC_ERROR(e, SC_ENOMEM, "out of memory for %ld trajectories' parameter draws", x->m);
    if (!st && x->m > 0)
        st = sc_sim_draws(x->s, p, eo->seed, 0, x->m, eo->threads, x->cols, x->ncols, x->draws, e);
    if (!st && proc)
        st = layers_of(x, x->all ? full : NULL, proc, e);
    return st;
}

int sc_sens_collect(const sc_scenario *s, const sc_params *p, const sc_summary *sum,
                    const sc_engine_options *eo, long sample, sc_sens_extras **out, sc_error *e)
{
    *out = NULL;
    sc_layout l;
    sc_layout_init(&l, s);
    long n = eo->trajectories;
    int root = sum != NULL, all = sc_engine_keeps_records(s, eo);
    long m = all ? n : (sample < n ? sample : n), nl = sample < n ? sample : n;
    size_t *cells = sc_calloc(l.ncells, sizeof *cells);
    sc_params *central = NULL;
    sc_summary *ss = NULL, *proc = NULL;
    int st = cells ? SC_OK : SC_ERROR(e, SC_ENOMEM, "out of memory for the extra runs");
    if (!st && nl > 0)
        st = sc_sens_central_params(p, &central, e);
    if (eo->distribute)
        st = sc_ranks_agree(st, e);
    if (!st && !all && m > 0) {   /* 1. the sample */
        sc_engine_options o = extra_options(eo, all, &l, m, cells, cells_read(s, &l, 1, cells));
        st = sc_engine_run(s, p, &o, &ss, e);
    }
    sc_sens_extras *x = NULL;
    if (!st && root) {            /* rank 0: the sample's outputs */
        if (!(x = sc_calloc(1, sizeof *x)))
            st = SC_ERROR(e, SC_ENOMEM, "out of memory for the sensitivity extras");
        else {
            *x = (sc_sens_extras){ .s = s, .l = l, .trajectories = n, .m = m, .all = all,
                                   .nl = nl };
            if (ss)
                st = keep_sample(x, ss, e);
        }
    }
    /* The sample's records go before the fan's run: held beside its records they
     * doubled a bounded run's extra memory (docs/performance.md). */
    sc_summary_free(ss);
    ss = NULL;
    if (eo->distribute)           /* every rank makes the fan's run, or none */
        st = sc_ranks_agree(st, e);
    if (!st && nl > 0) {          /* 2. the layered fan's process-only run */
        sc_engine_options o = extra_options(eo, all, &l, nl, cells, cells_read(s, &l, 0, cells));
        st = sc_engine_run(s, central, &o, &proc, e);
    }
    if (!st && x)                 /* 3. rank 0: the draws and the fan */
        st = finish(x, p, eo, sum, proc, e);
    sc_summary_free(proc);
    sc_params_free(central);
    sc_free(cells);
    if (st) {
        sc_sens_extras_free(x);
        return SC_CONTEXT(e, "while keeping the parameter draws and the layered fan");
    }
    *out = x;
    return SC_OK;
}
