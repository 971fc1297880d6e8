/*
 * goalseek.c — the value of one --set path at which an output condition just
 * holds (whatif.h, docs/whatif.md).
 *
 * Every run is on the same seed and trajectories, so the estimated quantity
 * f(x) (a probability, a mean, a percentile of one output in one year) moves
 * with x smoothly rather than by fresh Monte Carlo noise at each x, and a
 * lever's effect drawn by inversion moves every trajectory the same way: a
 * monotone quantity stays monotone in its estimate, and bisection on it is
 * sound. The ends of the range come first: if the condition holds at both,
 * or at neither, the answer is outside the range and the search says so
 * (with what the better end reaches). Otherwise the bracket is halved until
 * it is within the tolerance or within half the answer's Monte Carlo
 * uncertainty, the answer is interpolated in the last bracket, and its
 * standard error is se(f) / |slope|: the estimate's error over how fast it
 * moves with x (the error of f at the answer shifts the crossing by that).
 */
#include "wi_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sendcast/alloc.h"
#include "sendcast/ranks.h"
#include "sendcast/text.h"

#define MAX_RUNS 64

typedef struct eval {
    double x, f, se;
    int holds;
    sc_whatif_point point;
    char text[SC_WHATIF_VALUE_MAX];
} eval;

typedef struct search {
    const char *path, *vary;
    const sc_whatif_expr *x;
    const sc_whatif_settings *w;
    const char *names[SC_WHATIF_MAX_METRICS];
    int nnames;
    int expr_row;           /* the expression's metric among the chosen (-1: P(met)) */
    eval *ev;
    int n;
    int root;
    sc_whatif_sweep shape;  /* what every run shares (years, metrics, targets) */
} search;

static int holds(const sc_whatif_expr *x, double f)
{
    switch (x->op) {
    case SC_WOP_GE: return f >= x->value;
    case SC_WOP_LE: return f <= x->value;
    case SC_WOP_GT: return f > x->value;
    default: return f < x->value;
    }
}

/* The quantity of x and its standard error from a run's values. */
static int quantity(const sc_whatif_expr *x, const wi_values *v, int row, double *f, double *se,
                    sc_error *e)
{
    int y = x->year - v->base_year - 1;
    int k = 0;      /* a named target's index (sc_whatif_expr_check found it) */
    while (x->target[0] && k < v->ntargets && strcmp(v->tname[k], x->target))
        k++;
    if (x->target[0] && k == v->ntargets)
        return SC_ERROR(e, SC_EINPUT, "no target named %s", x->target);
    const double *col = x->target[0]
                          ? (x->quantity == SC_WQ_P_ALL_MET ? v->xall + (size_t)k * (size_t)v->n
                             : v->xmet + ((size_t)k * (size_t)v->years + (size_t)y) * (size_t)v->n)
                      : x->quantity == SC_WQ_P_ALL_MET ? v->all_met
                      : x->quantity == SC_WQ_P_MET ? v->met + (size_t)y * (size_t)v->n
                      : wi_cell(v, row, y);
    if (x->quantity == SC_WQ_P_MET || x->quantity == SC_WQ_P_ALL_MET) {
        *f = wi_mean(col, v->n);
        *se = sqrt(*f * (1 - *f) / (double)v->n);
        return SC_OK;
    }
    if (x->quantity == SC_WQ_MEAN) {
        *f = wi_mean(col, v->n);
        *se = wi_sd(col, v->n) / sqrt((double)v->n);
        return SC_OK;
    }
    double *scratch = sc_malloc((size_t)v->n * sizeof *scratch), b[WI_BATCHES];
    if (!scratch)
        return SC_ERROR(e, SC_ENOMEM, "out of memory");
    *f = wi_percentile(col, v->n, x->q / 100, scratch);
    wi_batches(col, v->n, x->q / 100, scratch, b);
    *se = wi_batch_se(b);
    sc_free(scratch);
    return SC_OK;
}

static int run_at(search *s, double x, sc_error *e)
{
    if (s->n >= MAX_RUNS)
        return SC_ERROR(e, SC_EFAIL, "goal seek: more than %d runs", MAX_RUNS);
    eval *ev = &s->ev[s->n];
    memset(ev, 0, sizeof *ev);
    ev->x = x;
    sc_scenario_edit ed;
    memset(&ed, 0, sizeof ed);
    snprintf(ed.path, sizeof ed.path, "%s", s->vary);
    wi_number_text(x, ed.value, sizeof ed.value);
    wi_number_text(x, ev->text, sizeof ev->text);
    if (s->w->note) {
        char what[512];
        snprintf(what, sizeof what, "run %d: %.200s=%.60s", s->n + 1, s->vary, ev->text);
        s->w->note(s->w->ctx, what);
    }
    wi_values v;
    int st = wi_run(s->path, s->w, &ed, 1, 0, s->names, s->nnames, NULL, 0, &v, NULL, e);
    double fse[2] = { NAN, NAN };
    if (!st && s->root) {
        if (s->n == 0) {
            s->shape.base_year = v.base_year;
            s->shape.years = v.years;
            s->shape.has_targets = v.has_targets;
            memcpy(s->shape.target, v.target, sizeof s->shape.target);
            s->shape.nmetric = v.nmetric;
            memcpy(s->shape.metric, v.metric, sizeof s->shape.metric);
        }
        st = quantity(s->x, &v, s->expr_row, &fse[0], &fse[1], e);
        if (!st)
            st = wi_point(&v, &ev->point, e);
    }
    wi_values_clear(&v);
    if (s->w->distribute) {     /* every rank takes the next step rank 0 takes */
        st = sc_ranks_agree(st, e);
        if (!st)
            st = sc_ranks_bcast_doubles(fse, 2, e);
    }
    if (st)
        return SC_CONTEXT(e, "while running %s=%s", s->vary, ed.value);
    ev->f = fse[0];
    ev->se = fse[1];
    ev->holds = holds(s->x, ev->f);
    s->n++;
    return SC_OK;
}

static int by_x(const void *a, const void *b)
{
    double x = ((const eval *)a)->x, y = ((const eval *)b)->x;
    return (x > y) - (x < y);
}

/* The slope of f around the answer: over the runs nearest it on either side
 * whose values differ by at least twice the quantity's standard error (else
 * over the whole range). */
static double slope_at(const search *s, double at, double se)
{
    const eval *l = NULL, *r = NULL;
    for (int k = 0; k < s->n; k++) {
        const eval *ev = &s->ev[k];
        if (ev->x <= at && (!l || ev->x > l->x))
            l = ev;
        if (ev->x >= at && (!r || ev->x < r->x))
            r = ev;
    }
    for (int widen = 0; widen < s->n && l && r; widen++) {
        if (r->x > l->x && fabs(r->f - l->f) >= 2 * se)
            return (r->f - l->f) / (r->x - l->x);
        /* move the nearer-to-at end one run outwards */
        const eval *nl = NULL, *nr = NULL;
        for (int k = 0; k < s->n; k++) {
            const eval *ev = &s->ev[k];
            if (ev->x < l->x && (!nl || ev->x > nl->x))
                nl = ev;
            if (ev->x > r->x && (!nr || ev->x < nr->x))
                nr = ev;
        }
        if (!nl && !nr)
            break;
        if (nl && (!nr || at - nl->x < nr->x - at))
            l = nl;
        else
            r = nr;
    }
    return l && r && r->x > l->x ? (r->f - l->f) / (r->x - l->x) : NAN;
}

/* The chosen outputs' names, with the expression's own metric among them. */
static int choose_metrics(search *s, const sc_scenario *sc, sc_error *e)
{
    int ids[SC_WHATIF_MAX_METRICS], n;
    if (sc_whatif_metrics(sc, NULL, 0, ids, &n, e))
        return SC_EINPUT;
    s->expr_row = -1;
    for (int k = 0; k < n; k++)
        if (ids[k] == s->x->metric)
            s->expr_row = k;
    if (s->x->metric >= 0 && s->expr_row < 0 && n < SC_WHATIF_MAX_METRICS) {
        s->expr_row = n;
        ids[n++] = s->x->metric;
    }
    for (int k = 0; k < n; k++)
        s->names[k] = sc_district_metrics[ids[k]].name;
    s->nnames = n;
    return SC_OK;
}

/* The runs as a sweep of one axis, by value (for the table, CSV and file). */
static int evals_sweep(search *s, sc_whatif_sweep **out, sc_error *e)
{
    sc_whatif_sweep *w = sc_calloc(1, sizeof *w);
    if (w) {
        *w = s->shape;
        w->value = sc_calloc((size_t)s->n, sizeof *w->value);
        w->point = sc_calloc((size_t)s->n, sizeof *w->point);
    }
    if (!w || !w->value || !w->point) {
        sc_whatif_sweep_free(w);
        return SC_ERROR(e, SC_ENOMEM, "out of memory");
    }
    eval *sorted = sc_malloc((size_t)s->n * sizeof *sorted);
    if (!sorted) {
        sc_whatif_sweep_free(w);
        return SC_ERROR(e, SC_ENOMEM, "out of memory");
    }
    memcpy(sorted, s->ev, (size_t)s->n * sizeof *sorted);
    qsort(sorted, (size_t)s->n, sizeof *sorted, by_x);
    w->npoints = s->n;
    w->naxes = 1;
    snprintf(w->axis[0], sizeof w->axis[0], "%s", s->vary);
    for (int k = 0; k < s->n; k++) {
        snprintf(w->value[k][0], sizeof w->value[k][0], "%s", sorted[k].text);
        w->point[k] = sorted[k].point;
    }
    sc_free(sorted);
    *out = w;
    return SC_OK;
}

/* After both ends: the answer is inside the range only if the condition
 * holds at one end and not the other. */
static void conclude(search *s, sc_whatif_goal *g)
{
    eval *a = &s->ev[0], *b = &s->ev[1];
    g->increasing = b->f >= a->f;
    if (a->holds == b->holds) {
        g->found = a->holds ? SC_WF_ALWAYS : SC_WF_NEVER;
        const eval *best = fabs(a->f - s->x->value) <= fabs(b->f - s->x->value) ? a : b;
        g->best_value = best->x;
        g->best = best->f;
        return;
    }
    g->found = SC_WF_FOUND;
}

/* Whether the scenario read with --set VARY=... took the value as a number:
 * every number read is in the provenance register, an override's with its
 * --set as source. A path the scenario reads as text (name, a setting) would
 * take "0.05" without complaint, and the search would run on nothing. */
static int varies_a_number(const sc_scenario *sc, const char *vary)
{
    size_t n = strlen(vary);
    for (int i = 0; i < sc->ninputs; i++) {
        const char *src = sc->inputs[i].source;
        if (!strcmp(sc->inputs[i].status, "override") && !strncmp(src, "--set ", 6)
            && !strncmp(src + 6, vary, n) && src[6 + n] == '=')
            return 1;
    }
    return 0;
}

int sc_whatif_goalseek(const char *path, const char *vary, double lo, double hi,
                       const sc_whatif_expr *x, double tol, const sc_whatif_settings *w,
                       sc_whatif_goal *out, sc_error *e)
{
    memset(out, 0, sizeof *out);
    if (!(lo < hi))
        return SC_ERROR(e, SC_EINPUT, "--range %g,%g: expected LO < HI", lo, hi);
    if (!(tol >= 0))
        return SC_ERROR(e, SC_EINPUT, "--tol: expected a number >= 0");
    if (tol == 0)
        tol = (hi - lo) / 1000;
    search s = { .path = path, .vary = vary, .x = x, .w = w,
                 .root = !w->distribute || sc_ranks_rank() == 0 };
    /* Read once first: the path, the expression and the ends' values are
     * checked before anything runs. */
    sc_scenario *sc = NULL;
    sc_scenario_edit ed[2];
    memset(ed, 0, sizeof ed);
    for (int k = 0; k < 2; k++) {
        snprintf(ed[k].path, sizeof ed[k].path, "%s", vary);
        wi_number_text(k ? hi : lo, ed[k].value, sizeof ed[k].value);
    }
    int st = SC_OK;
    for (int k = 0; !st && k < 2; k++) {
        sc_scenario_free(sc);
        sc = NULL;
        st = wi_read(path, w, &ed[k], 1, 0, &sc, e);
    }
    if (!st && !varies_a_number(sc, vary))
        st = SC_ERROR(e, SC_EINPUT, "--vary %s: expected the path of a number the scenario "
                      "reads (parameters.cluster_effect.mean, finance.grant.growth, "
                      "levers.NAME.effect, ...); %s is not read as one", vary, vary);
    if (!st)
        st = sc_whatif_expr_check(x, sc, "--target", e);
    if (!st)
        st = choose_metrics(&s, sc, e);
    if (!st) {
        snprintf(s.shape.scenario, sizeof s.shape.scenario, "%s", sc->name);
        snprintf(s.shape.path, sizeof s.shape.path, "%s", path);
        s.shape.seed = w->seed_given ? w->seed : sc->seed;
        s.shape.trajectories = w->trajectories > 0 ? w->trajectories : sc->trajectories;
    }
    sc_scenario_free(sc);
    if (st)
        return st;
    if (!(s.ev = sc_calloc(MAX_RUNS, sizeof *s.ev)))
        return SC_ERROR(e, SC_ENOMEM, "out of memory");

    st = run_at(&s, lo, e);
    if (!st)
        st = run_at(&s, hi, e);
    if (!st)
        conclude(&s, out);
    double a = lo, b = hi, fa = st ? 0 : s.ev[0].f, fb = st ? 0 : s.ev[1].f;
    int ha = st ? 0 : s.ev[0].holds;
    double se_x = NAN;
    while (!st && out->found == SC_WF_FOUND && b - a > tol) {
        double slope = (fb - fa) / (b - a);
        const eval *last = &s.ev[s.n - 1];
        se_x = fabs(last->se / slope);
        if (s.n > 2 && b - a < 0.5 * se_x)
            break;      /* the bracket is inside the Monte Carlo uncertainty: stop */
        st = run_at(&s, 0.5 * (a + b), e);
        if (st)
            break;
        const eval *m = &s.ev[s.n - 1];
        if (m->holds == ha) {
            a = m->x;
            fa = m->f;
        } else {
            b = m->x;
            fb = m->f;
        }
    }
    if (!st && out->found == SC_WF_FOUND) {
        double t = fb != fa ? (x->value - fa) / (fb - fa) : 0.5;
        out->value = a + (t < 0 ? 0 : t > 1 ? 1 : t) * (b - a);
        const eval *near = &s.ev[0];
        for (int k = 1; k < s.n; k++)
            if (fabs(s.ev[k].x - out->value) < fabs(near->x - out->value))
                near = &s.ev[k];
        double slope = slope_at(&s, out->value, near->se);
        out->se = fabs(near->se / slope);
        out->lo = out->value - 1.96 * out->se;
        out->hi = out->value + 1.96 * out->se;
    }
    out->runs = s.n;
    if (!st && s.root)
        st = evals_sweep(&s, &out->evals, e);
    sc_free(s.ev);
    return st;
}

void sc_whatif_goal_clear(sc_whatif_goal *g)
{
    sc_whatif_sweep_free(g->evals);
    memset(g, 0, sizeof *g);
}

static void fmt(const sc_whatif_expr *x, double v, char *buf, size_t size)
{
    if (x->quantity == SC_WQ_P_MET || x->quantity == SC_WQ_P_ALL_MET)
        snprintf(buf, size, "%.3f", v);
    else
        snprintf(buf, size, "%.6g", v);
}

void sc_whatif_goal_describe(const sc_whatif_goal *g, const char *vary,
                             const sc_whatif_expr *x, char *buf, size_t size)
{
    char best[64];
    fmt(x, g->best, best, sizeof best);
    switch (g->found) {
    case SC_WF_FOUND:
        snprintf(buf, size, "%s holds from %s = %.6g (95%% Monte Carlo interval %.6g to %.6g, "
                 "se %.3g)%s; %d runs", x->text, vary, g->value, g->lo, g->hi, g->se,
                 g->increasing == (x->op == SC_WOP_GE || x->op == SC_WOP_GT) ? " upwards"
                                                                            : " downwards",
                 g->runs);
        break;
    case SC_WF_NEVER:
        snprintf(buf, size, "not attainable with %s inside the range: %s never holds; the best, "
                 "at %s = %.6g, reaches %s; %d runs", vary, x->text, vary, g->best_value, best,
                 g->runs);
        break;
    case SC_WF_ALWAYS:
        snprintf(buf, size, "%s holds across the whole range of %s (the threshold lies outside "
                 "it); at %.6g it is %s; %d runs", x->text, vary, g->best_value, best, g->runs);
        break;
    }
}
