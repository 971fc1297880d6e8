/*
 * attribute.c — why a forecast moved from OLD to NEW (whatif.h,
 * docs/whatif.md, "attribute").
 *
 * The change is split into steps, each the difference between two runs on
 * the same seed and trajectories (common random numbers), so a step shows
 * what its change did and little Monte Carlo noise besides:
 *
 *   OLD                                   (OLD's own seed and trajectories)
 *   + new data/history   OLD with NEW's data: base year and horizon, areas,
 *                        clusters, base-year stock, SEND-support share,
 *                        history, opening deficit, national priors (model 2)
 *   + changed assumptions  NEW with OLD's levers: everything else NEW changed
 *                        (the model, parameters, costs, finance, growth)
 *   + changed levers     NEW: its levers, cluster working's ramp and effect
 *   + Monte Carlo noise  NEW on its own seed and trajectories (0 when they
 *                        are OLD's): the only unpaired step
 *   = NEW
 *
 * The assembled steps are read as scenarios whose sections come from both
 * files (sc_scenario_edit grafts, paths in each relative to its own file),
 * leniently: a table written for OLD's base year loses the years before
 * NEW's. With --via the steps are the files given instead. The steps add up
 * to NEW - OLD exactly (they telescope). Runs of different base years are
 * compared on the calendar years both forecast; their draws are paired by
 * trajectory (the parameters' draws are the same; the year steps' are those
 * of the same forecast year, not the same calendar year), so the data step's
 * interval is wider than the others'.
 */
#include "wi_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sendcast/alloc.h"
#include "sendcast/outfile.h"
#include "sendcast/ranks.h"
#include "sendcast/text.h"

#define ROWS (SC_WHATIF_MAX_METRICS + 1)

/* What NEW's data is, and what OLD's levers are (key paths of a scenario). */
static const char *const data_paths[] = {
    "base_year", "horizon", "areas", "clusters", "population.send_support_share",
    "placements.arp.stock", "placements.special.stock", "placements.independent.stock",
    "placements.post16.stock", "placements.other.stock", "history", "finance.opening_deficit",
};
static const char *const lever_paths[] = {
    "levers", "cluster_working.ramp", "parameters.cluster_effect", "parameters.heterogeneity_cv",
};

const char *sc_whatif_step_name(enum sc_whatif_step_kind k)
{
    switch (k) {
    case SC_WS_DATA: return "new data/history";
    case SC_WS_ASSUMPTIONS: return "changed assumptions";
    case SC_WS_LEVERS: return "changed levers";
    case SC_WS_VIA: return "step";
    case SC_WS_NOISE: return "Monte Carlo noise";
    }
    return "?";
}

/* One run's statistic of every row and calendar year, and its batches. */
typedef struct run_stats {
    int base_year;
    long n;
    double stat[ROWS][SC_MAX_HORIZON];
    double batch[ROWS][SC_MAX_HORIZON][WI_BATCHES];
} run_stats;

static int stats_of(const wi_values *v, const sc_whatif_attribution *a, run_stats *r,
                    sc_error *e)
{
    double *scratch = sc_malloc((size_t)v->n * sizeof *scratch);
    if (!scratch)
        return SC_ERROR(e, SC_ENOMEM, "out of memory");
    r->base_year = v->base_year;
    r->n = v->n;
    double q = isnan(a->stat_q) ? NAN : a->stat_q / 100;
    for (int y = 0; y < a->years; y++) {
        int j = a->first_year + y - v->base_year - 1;   /* the run's year index */
        for (int m = 0; m <= a->nmetric; m++) {
            const double *x = m < a->nmetric ? wi_cell(v, m, j) : v->met + (size_t)j * (size_t)v->n;
            double qq = m < a->nmetric ? q : NAN;   /* P(met): a mean of indicators */
            r->stat[m][y] = isnan(qq) ? wi_mean(x, v->n) : wi_percentile(x, v->n, qq, scratch);
            wi_batches(x, v->n, qq, scratch, r->batch[m][y]);
        }
    }
    sc_free(scratch);
    return SC_OK;
}

/* Step k's change from run `from` to run `to` and its standard error:
 * batch means of the paired differences, or of each alone when unpaired. */
static void step_change(sc_whatif_attribution *a, int k, const run_stats *from,
                        const run_stats *to, int paired)
{
    for (int m = 0; m <= a->nmetric; m++)
        for (int y = 0; y < a->years; y++) {
            a->change[k][m][y] = to->stat[m][y] - from->stat[m][y];
            double d[WI_BATCHES];
            if (paired) {
                for (int b = 0; b < WI_BATCHES; b++)
                    d[b] = to->batch[m][y][b] - from->batch[m][y][b];
                a->se[k][m][y] = wi_batch_se(d);
            } else {
                double s1 = wi_batch_se(from->batch[m][y]), s2 = wi_batch_se(to->batch[m][y]);
                a->se[k][m][y] = sqrt(s1 * s1 + s2 * s2);
            }
        }
}

/* Grafts of `paths` from file `from` (the priors too where asked). */
static int grafts(const char *const *paths, int n, const char *from, int priors,
                  sc_scenario_edit **out, int *nout, sc_error *e)
{
    sc_scenario_edit *ed = sc_calloc((size_t)n + 1, sizeof *ed);
    if (!ed)
        return SC_ERROR(e, SC_ENOMEM, "out of memory");
    for (int k = 0; k < n; k++) {
        snprintf(ed[k].path, sizeof ed[k].path, "%s", paths[k]);
        ed[k].from = from;
    }
    if (priors) {
        snprintf(ed[n].path, sizeof ed[n].path, "priors");
        ed[n++].from = from;
    }
    *out = ed;
    *nout = n;
    return SC_OK;
}

/* The calendar years both forecast. */
static int common_years(sc_whatif_attribution *a, const sc_scenario *o, const sc_scenario *n,
                        sc_error *e)
{
    int first = (o->base_year > n->base_year ? o->base_year : n->base_year) + 1;
    int lo = o->base_year + o->horizon, hi = n->base_year + n->horizon;
    int last = lo < hi ? lo : hi;
    if (last < first)
        return SC_ERROR(e, SC_EINPUT, "attribute: %s forecasts %s to %s and %s %s to %s: no year "
                        "in common to compare", o->name, sc_year_label(o->base_year + 1).s,
                        sc_year_label(o->base_year + o->horizon).s, n->name,
                        sc_year_label(n->base_year + 1).s,
                        sc_year_label(n->base_year + n->horizon).s);
    a->first_year = first;
    a->years = last - first + 1;
    return SC_OK;
}

/* A step's run, statistics on rank 0. */
typedef struct chain {
    sc_whatif_attribution *a;
    const sc_whatif_settings *w;
    const char *const *metrics;
    int nmetrics;
    int root;
    run_stats *prev, *cur;
} chain;

static int run_step(chain *c, const char *path, const sc_scenario_edit *ed, int ned,
                    int lenient, const uint64_t *seed, long n, const char *what, sc_error *e)
{
    if (c->w->note)
        c->w->note(c->w->ctx, what);
    wi_values v;
    int st = wi_run(path, c->w, ed, ned, lenient, c->metrics, c->nmetrics, seed, n, &v, NULL, e);
    if (!st && c->root)
        st = stats_of(&v, c->a, c->cur, e);
    wi_values_clear(&v);
    if (st)
        SC_CONTEXT(e, "while running the attribution's step: %s", what);
    return st;
}

/* Run the next step and record its change from the one before. */
static int next_step(chain *c, enum sc_whatif_step_kind kind, const char *label, const char *path,
                     const sc_scenario_edit *ed, int ned, int lenient, const uint64_t *seed,
                     long n, int paired, sc_error *e)
{
    sc_whatif_attribution *a = c->a;
    if (a->nsteps >= SC_WHATIF_MAX_STEPS)
        return SC_ERROR(e, SC_EINPUT, "attribute: at most %d steps", SC_WHATIF_MAX_STEPS - 2);
    int st = run_step(c, path, ed, ned, lenient, seed, n, label, e);
    if (st)
        return st;
    int k = a->nsteps++;
    a->step_kind[k] = kind;
    snprintf(a->step_label[k], sizeof a->step_label[k], "%s", label);
    if (c->root)
        step_change(a, k, c->prev, c->cur, paired);
    run_stats *t = c->prev;
    c->prev = c->cur;
    c->cur = t;
    return SC_OK;
}

static int check_metrics(const chain *c, const sc_scenario *s, sc_error *e)
{
    int ids[SC_WHATIF_MAX_METRICS], n;
    int st = sc_whatif_metrics(s, c->metrics, c->nmetrics, ids, &n, e);
    if (st)
        return SC_CONTEXT(e, "in %s", s->path);
    if (c->a->nmetric && (n != c->a->nmetric || memcmp(ids, c->a->metric, sizeof ids[0] * (size_t)n)))
        return SC_ERROR(e, SC_EINPUT, "attribute: %s and %s report different outputs by default "
                        "(one is demand-only); name them with --metric", c->a->old_path, s->path);
    c->a->nmetric = n;
    memcpy(c->a->metric, ids, sizeof ids);
    return SC_OK;
}

int sc_whatif_attribute(const char *old_path, const char *new_path, const char *const *via,
                        int nvia, const char *const *metrics, int nmetrics, double stat_q,
                        const sc_whatif_settings *w, sc_whatif_attribution **out, sc_error *e)
{
    *out = NULL;
    if (nvia > SC_WHATIF_MAX_STEPS - 2)
        return SC_ERROR(e, SC_EINPUT, "--via: at most %d", SC_WHATIF_MAX_STEPS - 2);
    sc_whatif_attribution *a = sc_calloc(1, sizeof *a);
    run_stats *rs = sc_calloc(2, sizeof *rs);
    sc_scenario *o = NULL, *n = NULL;
    sc_scenario_edit *data = NULL, *levers = NULL;
    int ndata = 0, nlevers = 0;
    if (!a || !rs) {
        sc_free(a);
        sc_free(rs);
        return SC_ERROR(e, SC_ENOMEM, "out of memory");
    }
    chain c = { a, w, metrics, nmetrics, !w->distribute || sc_ranks_rank() == 0, &rs[0], &rs[1] };
    a->stat_q = stat_q;
    snprintf(a->old_path, sizeof a->old_path, "%s", old_path);
    snprintf(a->new_path, sizeof a->new_path, "%s", new_path);

    /* Read both first: their years, outputs and the common seed. */
    int st = wi_read(old_path, w, NULL, 0, 0, &o, e);
    if (!st) st = wi_read(new_path, w, NULL, 0, 0, &n, e);
    if (!st) st = common_years(a, o, n, e);
    if (!st) st = check_metrics(&c, o, e);
    if (!st) st = check_metrics(&c, n, e);
    for (int k = 0; !st && k < nvia; k++) {
        sc_scenario *v = NULL;
        st = wi_read(via[k], w, NULL, 0, 0, &v, e);
        if (!st) st = check_metrics(&c, v, e);
        sc_scenario_free(v);
    }
    if (st)
        goto done;
    snprintf(a->old_name, sizeof a->old_name, "%s", o->name);
    snprintf(a->new_name, sizeof a->new_name, "%s", n->name);
    a->old_base = o->base_year;
    a->new_base = n->base_year;
    a->has_targets = sc_layout_has_targets(o) && sc_layout_has_targets(n);
    uint64_t seed = w->seed_given ? w->seed : o->seed;
    long traj = w->trajectories > 0 ? w->trajectories : o->trajectories;
    a->seed = seed;
    a->trajectories = traj;

    /* OLD, then the steps. */
    char label[512];
    snprintf(label, sizeof label, "OLD %s", o->name);
    st = run_step(&c, old_path, NULL, 0, 0, &seed, traj, label, e);
    { run_stats *t = c.prev; c.prev = c.cur; c.cur = t; }
    if (!st && c.root)
        memcpy(a->old_value, c.prev->stat, sizeof a->old_value);
    if (!st && nvia == 0) {
        st = grafts(data_paths, (int)(sizeof data_paths / sizeof *data_paths), new_path,
                    o->model == 2 && n->priors, &data, &ndata, e);
        if (!st)
            st = grafts(lever_paths, (int)(sizeof lever_paths / sizeof *lever_paths), old_path, 0,
                        &levers, &nlevers, e);
        if (!st)
            st = next_step(&c, SC_WS_DATA, sc_whatif_step_name(SC_WS_DATA), old_path, data,
                           ndata, 1, &seed, traj, 1, e);
        if (!st)
            st = next_step(&c, SC_WS_ASSUMPTIONS, sc_whatif_step_name(SC_WS_ASSUMPTIONS),
                           new_path, levers, nlevers, 1, &seed, traj, 1, e);
        if (!st)
            st = next_step(&c, SC_WS_LEVERS, sc_whatif_step_name(SC_WS_LEVERS), new_path, NULL,
                           0, 0, &seed, traj, 1, e);
    }
    for (int k = 0; !st && k <= nvia && nvia > 0; k++) {
        const char *p = k < nvia ? via[k] : new_path;
        snprintf(label, sizeof label, "to %s", p);
        st = next_step(&c, SC_WS_VIA, label, p, NULL, 0, 0, &seed, traj, 1, e);
    }
    /* NEW on its own seed and trajectories: what is left is Monte Carlo noise. */
    long own_n = w->trajectories > 0 ? w->trajectories : n->trajectories;
    uint64_t own_seed = w->seed_given ? w->seed : n->seed;
    if (!st && (own_seed != seed || own_n != traj)) {
        snprintf(label, sizeof label, "%s (NEW's own seed %llu, %ld trajectories)",
                 sc_whatif_step_name(SC_WS_NOISE), (unsigned long long)own_seed, own_n);
        st = next_step(&c, SC_WS_NOISE, label, new_path, NULL, 0, 0, &own_seed, own_n, 0, e);
    } else if (!st) {
        int k = a->nsteps++;
        a->step_kind[k] = SC_WS_NOISE;
        snprintf(a->step_label[k], sizeof a->step_label[k], "%s (none: NEW's own seed and "
                 "trajectories are the common ones)", sc_whatif_step_name(SC_WS_NOISE));
    }
    if (!st && c.root)
        memcpy(a->new_value, c.prev->stat, sizeof a->new_value);
done:
    sc_free(data);
    sc_free(levers);
    sc_free(rs);
    sc_scenario_free(o);
    sc_scenario_free(n);
    if (st || !c.root) {
        sc_free(a);
        return st;
    }
    *out = a;
    return SC_OK;
}

/* ---- the table and CSV ---- */

static int money_row(const sc_whatif_attribution *a, int m)
{
    return m < a->nmetric && !strcmp(sc_district_metrics[a->metric[m]].unit, "GBP");
}

static double shown(const sc_whatif_attribution *a, int m, double v)
{
    return money_row(a, m) ? v / 1e6 : v;
}

static void stat_name(const sc_whatif_attribution *a, char *buf, size_t size)
{
    if (isnan(a->stat_q))
        snprintf(buf, size, "mean");
    else
        snprintf(buf, size, "p%g", a->stat_q);
}

void sc_whatif_attribution_print(FILE *out, const sc_whatif_attribution *a)
{
    char stat[16];
    stat_name(a, stat, sizeof stat);
    fprintf(out, "\nWhy the forecast moved: %s -> %s\n", a->old_name, a->new_name);
    fprintf(out, "Compared on %s to %s (the years both forecast; base years %d and %d); %s of "
            "each output.\nEvery step on seed %llu, %ld trajectories (common random numbers); "
            "+- is 1.96 Monte Carlo standard errors (batch means).\n",
            sc_year_label(a->first_year).s, sc_year_label(a->first_year + a->years - 1).s,
            a->old_base, a->new_base, stat, (unsigned long long)a->seed, a->trajectories);
    fprintf(out, "Steps:");
    for (int k = 0; k < a->nsteps; k++)
        fprintf(out, " (%d) %s;", k + 1, a->step_label[k]);
    fprintf(out, "\n");
    for (int m = 0; m <= a->nmetric; m++) {
        if (m == a->nmetric && !a->has_targets)
            break;
        if (m < a->nmetric)
            fprintf(out, "\n%s of %s%s\n", stat, sc_whatif_metric_name(a->metric[m]),
                    money_row(a, m) ? " (£m)" : "");
        else
            fprintf(out, "\nP(target met)\n");
        fprintf(out, "%-8s %9s", "year", "OLD");
        for (int k = 0; k < a->nsteps; k++) {
            char h[16];
            snprintf(h, sizeof h, "(%d)", k + 1);
            fprintf(out, "  %15s", h);
        }
        fprintf(out, " %9s %9s\n", "NEW", "total");
        const char *f = money_row(a, m) ? "%9.2f" : m == a->nmetric ? "%9.3f" : "%9.0f";
        const char *g = money_row(a, m) ? "%+7.2f +-%-6.2f" : m == a->nmetric
                        ? "%+7.3f +-%-6.3f" : "%+7.0f +-%-6.0f";
        const char *t = money_row(a, m) ? "%+9.2f" : m == a->nmetric ? "%+9.3f" : "%+9.0f";
        for (int y = 0; y < a->years; y++) {
            fprintf(out, "%-8s ", sc_year_label(a->first_year + y).s);
            if (isnan(a->old_value[m][y]) && isnan(a->new_value[m][y])) {
                fprintf(out, "%9s  (no target this year)\n", "-");
                continue;
            }
            fprintf(out, f, shown(a, m, a->old_value[m][y]));
            double total = 0;
            for (int k = 0; k < a->nsteps; k++) {
                fprintf(out, "  ");
                fprintf(out, g, shown(a, m, a->change[k][m][y]),
                        shown(a, m, 1.96 * a->se[k][m][y]));
                total += a->change[k][m][y];
            }
            fprintf(out, " ");
            fprintf(out, f, shown(a, m, a->new_value[m][y]));
            fprintf(out, " ");
            fprintf(out, t, shown(a, m, total));
            fprintf(out, "\n");
        }
    }
    fprintf(out, "\nThe steps add up to NEW - OLD exactly (each is the difference of two runs).%s\n",
            a->nmetric && money_row(a, 0) ? " Money in £m, nominal." : "");
}

int sc_whatif_attribution_csv(const sc_whatif_attribution *a, const char *path, int force,
                              sc_error *e)
{
    sc_outfile o;
    int rc = sc_outfile_begin(&o, path, 1, e);
    if (rc)
        return rc;
    char stat[16];
    stat_name(a, stat, sizeof stat);
    fputs("output,statistic,year,step,label,value,se,lo95,hi95\n", o.f);
    for (int m = 0; m <= a->nmetric; m++) {
        if (m == a->nmetric && !a->has_targets)
            break;
        const char *name = m < a->nmetric ? sc_whatif_metric_name(a->metric[m]) : "p_met";
        const char *st = m < a->nmetric ? stat : "probability";
        for (int y = 0; y < a->years; y++) {
            const char *yr = sc_year_label(a->first_year + y).s;
            fprintf(o.f, "%s,%s,%s,0,OLD %s,%.10g,,,\n", name, st, yr, a->old_name,
                    a->old_value[m][y]);
            for (int k = 0; k < a->nsteps; k++) {
                double c = a->change[k][m][y], s = a->se[k][m][y];
                fprintf(o.f, "%s,%s,%s,%d,", name, st, yr, k + 1);
                sc_text_csv_field(o.f, a->step_label[k]);
                fprintf(o.f, ",%.10g,%.10g,%.10g,%.10g\n", c, s, c - 1.96 * s, c + 1.96 * s);
            }
            fprintf(o.f, "%s,%s,%s,%d,NEW %s,%.10g,,,\n", name, st, yr, a->nsteps + 1,
                    a->new_name, a->new_value[m][y]);
        }
    }
    if (ferror(o.f)) {
        sc_outfile_abort(&o);
        return SC_ERROR(e, SC_EFAIL, "writing %s failed", path);
    }
    return sc_outfile_commit(&o, force, e);
}
