/*
 * sweep.c — a grid of --set values run on common random numbers (whatif.h):
 * every point is the scenario read with the point's values, on the same seed
 * and trajectories, so the differences between points are the values' own,
 * with little Monte Carlo noise between them. Also the sweep's table and CSV.
 */
#include "wi_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sendcast/alloc.h"
#include "sendcast/outfile.h"
#include "sendcast/ranks.h"
#include "sendcast/text.h"

/* The length of the value starting at p: up to a ',' outside brackets. */
static size_t value_span(const char *p)
{
    int depth = 0;
    size_t n = 0;
    while (p[n] && (depth > 0 || p[n] != ',')) {
        depth += (p[n] == '{' || p[n] == '[') - (p[n] == '}' || p[n] == ']');
        n++;
    }
    return n;
}

int sc_whatif_axis_parse(const char *arg, sc_whatif_axis *a, sc_error *e)
{
    memset(a, 0, sizeof *a);
    sc_scenario_edit probe;
    if (sc_scenario_edit_parse(arg, &probe, e))
        return SC_EINPUT;
    snprintf(a->path, sizeof a->path, "%s", probe.path);
    /* Values split at commas outside brackets ({...} and [...] keep theirs). */
    const char *p = strchr(arg, '=') + 1;
    if (!p[value_span(p)]) {        /* one value: an override, not a list */
        a->nvalues = 1;
        return SC_OK;
    }
    int st = SC_OK;
    while (!st && *p) {
        size_t n = value_span(p);
        char(*v)[SC_WHATIF_VALUE_MAX] = NULL;
        if (n == 0 || n >= SC_WHATIF_VALUE_MAX)
            st = SC_ERROR(e, SC_EINPUT, "--set %s: expected values v1,v2,... each of 1 to %d "
                          "characters", arg, SC_WHATIF_VALUE_MAX - 1);
        else if (a->nvalues >= SC_WHATIF_MAX_POINTS)
            st = SC_ERROR(e, SC_EINPUT, "--set %s: at most %d values", arg, SC_WHATIF_MAX_POINTS);
        else if (!(v = sc_realloc(a->values, (size_t)(a->nvalues + 1) * sizeof *v)))
            st = SC_ERROR(e, SC_ENOMEM, "out of memory for --set values");
        if (st)
            break;
        a->values = v;
        memcpy(a->values[a->nvalues], p, n);
        a->values[a->nvalues++][n] = '\0';
        p += n;
        if (*p == ',' && !*++p)
            st = SC_ERROR(e, SC_EINPUT, "--set %s: a value is missing after the last ','", arg);
    }
    if (st)
        sc_whatif_axis_clear(a);
    return st;
}

void sc_whatif_axis_clear(sc_whatif_axis *a)
{
    sc_free(a->values);
    memset(a, 0, sizeof *a);
}

void sc_whatif_sweep_free(sc_whatif_sweep *s)
{
    if (!s)
        return;
    sc_free(s->value);
    sc_free(s->point);
    sc_free(s);
}

/* The edits of point k: each axis's value (the last axis varying fastest). */
static void point_edits(const sc_whatif_axis *axes, int naxes, int k, sc_scenario_edit *ed,
                        char (*values)[SC_WHATIF_VALUE_MAX])
{
    for (int a = naxes - 1; a >= 0; a--) {
        int j = k % axes[a].nvalues;
        k /= axes[a].nvalues;
        memset(&ed[a], 0, sizeof ed[a]);
        snprintf(ed[a].path, sizeof ed[a].path, "%s", axes[a].path);
        snprintf(ed[a].value, sizeof ed[a].value, "%s", axes[a].values[j]);
        snprintf(values[a], SC_WHATIF_VALUE_MAX, "%s", axes[a].values[j]);
    }
}

static void note_point(const sc_whatif_settings *w, int k, int n, const sc_scenario_edit *ed,
                       int naxes)
{
    if (!w->note)
        return;
    char what[512];
    size_t used = (size_t)snprintf(what, sizeof what, "point %d of %d:", k + 1, n);
    for (int a = 0; a < naxes; a++) {
        char item[256];
        snprintf(item, sizeof item, "%.150s=%.63s", ed[a].path, ed[a].value);
        if (sc_text_append(what, sizeof what, &used, " ", item))
            break;
    }
    w->note(w->ctx, what);
}

static int sweep_alloc(int npoints, sc_whatif_sweep **out, sc_error *e)
{
    sc_whatif_sweep *s = sc_calloc(1, sizeof *s);
    if (s) {
        s->value = sc_calloc((size_t)npoints, sizeof *s->value);
        s->point = sc_calloc((size_t)npoints, sizeof *s->point);
    }
    if (!s || !s->value || !s->point) {
        sc_whatif_sweep_free(s);
        return SC_ERROR(e, SC_ENOMEM, "out of memory for %d points", npoints);
    }
    s->npoints = npoints;
    *out = s;
    return SC_OK;
}

int sc_whatif_sweep_run(const char *path, const sc_whatif_axis *axes, int naxes,
                        const char *const *metrics, int nmetrics, const sc_whatif_settings *w,
                        sc_whatif_sweep **out, sc_error *e)
{
    *out = NULL;
    if (naxes < 1 || naxes > SC_WHATIF_MAX_AXES)
        return SC_ERROR(e, SC_EINPUT, "sweep: expected 1 to %d --set lists", SC_WHATIF_MAX_AXES);
    long npoints = 1;
    for (int a = 0; a < naxes; a++) {
        npoints *= axes[a].nvalues;
        if (npoints > SC_WHATIF_MAX_POINTS)
            return SC_ERROR(e, SC_EINPUT, "sweep: the grid has more than %d points",
                            SC_WHATIF_MAX_POINTS);
    }
    const int root = !w->distribute || sc_ranks_rank() == 0;
    sc_whatif_sweep *s = NULL;
    int st = sweep_alloc((int)npoints, &s, e);
    sc_scenario_edit ed[SC_WHATIF_MAX_AXES];
    for (int k = 0; !st && k < npoints; k++) {
        point_edits(axes, naxes, k, ed, s->value[k]);
        note_point(w, k, (int)npoints, ed, naxes);
        wi_values v;
        sc_scenario *sc = NULL;
        st = wi_run(path, w, ed, naxes, 0, metrics, nmetrics, NULL, 0, &v, k ? NULL : &sc, e);
        if (st) {
            SC_CONTEXT(e, "while running point %d of the sweep", k + 1);
            break;
        }
        if (k == 0) {   /* what every point shares: the first's */
            snprintf(s->scenario, sizeof s->scenario, "%s", sc->name);
            snprintf(s->path, sizeof s->path, "%s", path);
            s->seed = w->seed_given ? w->seed : sc->seed;
            s->trajectories = w->trajectories > 0 ? w->trajectories : sc->trajectories;
            sc_scenario_free(sc);
        }
        if (root) {
            if (k == 0) {
                s->base_year = v.base_year;
                s->years = v.years;
                s->has_targets = v.has_targets;
                memcpy(s->target, v.target, sizeof s->target);
                s->nmetric = v.nmetric;
                memcpy(s->metric, v.metric, sizeof s->metric);
            } else if (v.years != s->years || v.base_year != s->base_year) {
                st = SC_ERROR(e, SC_EINPUT, "sweep: point %d simulates %d years from %d, the "
                              "first %d from %d: a sweep compares the same years", k + 1,
                              v.years, v.base_year, s->years, s->base_year);
            }
            if (!st)
                st = wi_point(&v, &s->point[k], e);
        }
        wi_values_clear(&v);
    }
    for (int a = 0; s && a < naxes; a++)
        snprintf(s->axis[a], sizeof s->axis[a], "%s", axes[a].path);
    if (s)
        s->naxes = naxes;
    if (st || !root) {
        sc_whatif_sweep_free(s);
        return st;
    }
    *out = s;
    return SC_OK;
}

/* ---- table and CSV ---- */

static int is_money(int metric)
{
    return !strcmp(sc_district_metrics[metric].unit, "GBP");
}

static void value(FILE *out, int metric, double v)
{
    if (isnan(v))
        fprintf(out, " %9s", "-");
    else if (is_money(metric))
        fprintf(out, " %9.2f", v / 1e6);
    else
        fprintf(out, " %9.0f", v);
}

static int axes_width(const sc_whatif_sweep *s, int a)
{
    int w = (int)strlen(s->axis[a]);
    for (int k = 0; k < s->npoints; k++)
        if ((int)strlen(s->value[k][a]) > w)
            w = (int)strlen(s->value[k][a]);
    return w > 40 ? 40 : w;
}

static void row_head(FILE *out, const sc_whatif_sweep *s, int k)
{
    fprintf(out, "%5d", k + 1);
    for (int a = 0; a < s->naxes; a++)
        fprintf(out, "  %-*.40s", axes_width(s, a), s->value[k][a]);
}

static void head(FILE *out, const sc_whatif_sweep *s)
{
    fprintf(out, "%5s", "point");
    for (int a = 0; a < s->naxes; a++)
        fprintf(out, "  %-*.40s", axes_width(s, a), s->axis[a]);
}

void sc_whatif_sweep_print(FILE *out, const sc_whatif_sweep *s)
{
    const int Y = s->years;
    if (s->goal[0])
        fprintf(out, "\nGoal seek on %s in %s: %d runs", s->axis[0], s->scenario, s->npoints);
    else
        fprintf(out, "\nSweep of %s: %d points", s->scenario, s->npoints);
    fprintf(out, ", each %ld trajectories on seed %llu (common random numbers)\n",
            s->trajectories, (unsigned long long)s->seed);
    if (s->has_targets) {
        fprintf(out, "\nP(target met) by year, and P(every target met)\n");
        head(out, s);
        fprintf(out, " |");
        for (int y = 0; y < Y; y++)
            fprintf(out, " %7s", sc_year_label(s->base_year + 1 + y).s);
        fprintf(out, " | %7s\n", "all");
        for (int k = 0; k < s->npoints; k++) {
            row_head(out, s, k);
            fprintf(out, " |");
            for (int y = 0; y < Y; y++)
                fprintf(out, " %7.3f", s->point[k].p_met[y]);
            fprintf(out, " | %7.3f\n", s->point[k].p_all_met);
        }
    }
    int y = Y - 1;
    fprintf(out, "\np5 / p50 / p95 in %s%s\n", sc_year_label(s->base_year + 1 + y).s,
            is_money(s->metric[0]) ? " (money in £m, nominal)" : "");
    head(out, s);
    for (int m = 0; m < s->nmetric; m++)
        fprintf(out, " | %-29.29s", sc_district_metrics[s->metric[m]].name);
    fprintf(out, "\n");
    for (int k = 0; k < s->npoints; k++) {
        row_head(out, s, k);
        for (int m = 0; m < s->nmetric; m++) {
            fprintf(out, " |");
            for (int j = 0; j < SC_WHATIF_NQ; j++)
                value(out, s->metric[m], s->point[k].q[m][y][j]);
        }
        fprintf(out, "\n");
    }
    fprintf(out, "Every year's numbers, and the means: the CSV (--csv) and the file (-o).\n");
}

static void number(FILE *f, double v)
{
    if (isnan(v))
        fputs(",", f);
    else
        fprintf(f, ",%.10g", v);
}

int sc_whatif_sweep_csv(const sc_whatif_sweep *s, const char *path, int force, sc_error *e)
{
    sc_outfile o;
    int rc = sc_outfile_begin(&o, path, 1, e);
    if (rc)
        return rc;
    fputs("point", o.f);
    for (int a = 0; a < s->naxes; a++) {
        fputc(',', o.f);
        sc_text_csv_field(o.f, s->axis[a]);
    }
    fputs(",year", o.f);
    for (int m = 0; m < s->nmetric; m++) {
        const char *n = sc_district_metrics[s->metric[m]].name;
        fprintf(o.f, ",%s_mean,%s_mcse,%s_p5,%s_p50,%s_p95", n, n, n, n, n);
    }
    if (s->has_targets)
        fputs(",target,p_met,p_met_mcse,p_all_met,p_all_met_mcse", o.f);
    fputc('\n', o.f);
    for (int k = 0; k < s->npoints; k++)
        for (int y = 0; y < s->years; y++) {
            const sc_whatif_point *p = &s->point[k];
            fprintf(o.f, "%d", k + 1);
            for (int a = 0; a < s->naxes; a++) {
                fputc(',', o.f);
                sc_text_csv_field(o.f, s->value[k][a]);
            }
            fprintf(o.f, ",%s", sc_year_label(s->base_year + 1 + y).s);
            for (int m = 0; m < s->nmetric; m++) {
                number(o.f, p->mean[m][y]);
                number(o.f, p->mcse[m][y]);
                for (int j = 0; j < SC_WHATIF_NQ; j++)
                    number(o.f, p->q[m][y][j]);
            }
            if (s->has_targets) {
                number(o.f, s->target[y]);
                number(o.f, p->p_met[y]);
                number(o.f, p->p_met_mcse[y]);
                number(o.f, p->p_all_met);
                number(o.f, p->p_all_met_mcse);
            }
            fputc('\n', o.f);
        }
    if (ferror(o.f)) {
        sc_outfile_abort(&o);
        return SC_ERROR(e, SC_EFAIL, "writing %s failed", path);
    }
    return sc_outfile_commit(&o, force, e);
}
