/*
 * run.c — one run of a what-if (whatif.h): read the scenario with its
 * overrides, fit it, run the engine keeping the chosen cells trajectory by
 * trajectory, and free it; the statistics the commands report from those
 * values, with their Monte Carlo standard errors; the chosen metrics; and
 * the output conditions of a goal seek (`p_met[2027/28] >= 0.8`).
 *
 * A run is exactly `sendcast run` of the scenario with those overrides and
 * that seed (the same read, fit and engine call), so any point of a sweep or
 * step of an attribution can be reproduced on its own.
 */
#include "wi_internal.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sendcast/alloc.h"
#include "sendcast/engine.h"
#include "sendcast/fit.h"
#include "sendcast/params.h"
#include "sendcast/ranks.h"
#include "sendcast/stats.h"
#include "sendcast/summary.h"
#include "sendcast/text.h"

const double sc_whatif_q[SC_WHATIF_NQ] = { 5, 50, 95 };

void sc_whatif_settings_init(sc_whatif_settings *w)
{
    memset(w, 0, sizeof *w);
    w->memory_mb = SC_ENGINE_MEMORY_MB;
}

/* ---- the chosen metrics ---- */

static void list_metrics(const sc_scenario *s, char *buf, size_t cap)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int m = 0; m < SC_D_NMETRICS; m++)
        if (sc_layout_applies(s, SC_LEVEL_DISTRICT, m)
            && sc_text_append(buf, cap, &used, ", ", sc_district_metrics[m].name))
            return;
}

static int unknown_metric(const sc_scenario *s, const char *name, const char *what, sc_error *e)
{
    char known[1024];
    list_metrics(s, known, sizeof known);
    int m = sc_layout_district_metric(name);
    if (m >= 0)
        return SC_ERROR(e, SC_EINPUT, "%s: %s is not an output of %s (%s); its outputs: %s",
                        what, name, s->name, s->has_costs ? "no finance section"
                        : "a demand-only scenario: no money", known);
    return SC_ERROR(e, SC_EINPUT, "%s: unknown output '%s'; expected one of: %s", what, name,
                    known);
}

int sc_whatif_metrics(const sc_scenario *s, const char *const *names, int n, int *metric,
                      int *nmetric, sc_error *e)
{
    static const char *const money[] = { "hnb_spend", "hnb_balance", "cumulative_deficit" };
    static const char *const demand[] = { "requests", "new_plans", "plans_total" };
    if (n > SC_WHATIF_MAX_METRICS)
        return SC_ERROR(e, SC_EINPUT, "--metric: at most %d outputs", SC_WHATIF_MAX_METRICS);
    if (n == 0) {
        names = s->has_finance ? money : demand;
        n = 3;
    }
    for (int k = 0; k < n; k++) {
        int m = sc_layout_district_metric(names[k]);
        if (m < 0 || !sc_layout_applies(s, SC_LEVEL_DISTRICT, m))
            return unknown_metric(s, names[k], "--metric", e);
        metric[k] = m;
    }
    *nmetric = n;
    return SC_OK;
}

const char *sc_whatif_metric_name(int metric)
{
    return metric >= 0 && metric < SC_D_NMETRICS ? sc_district_metrics[metric].name
                                                 : "P(target met)";
}

int sc_whatif_worse(int metric, double c)
{
    int higher_better = metric < 0 || metric == SC_D_HNB_BALANCE || metric == SC_D_INCOME
                        || metric == SC_D_SV_PAYMENT;
    return higher_better ? c < 0 : c > 0;
}

/* ---- statistics ---- */

double wi_mean(const double *x, long n)
{
    double s = 0;
    for (long i = 0; i < n; i++)
        s += x[i];
    return n > 0 ? s / (double)n : NAN;
}

double wi_sd(const double *x, long n)
{
    if (n < 2)
        return NAN;
    double m = wi_mean(x, n), s = 0;
    for (long i = 0; i < n; i++)
        s += (x[i] - m) * (x[i] - m);
    return sqrt(s / (double)(n - 1));
}

double wi_percentile(const double *x, long n, double q, double *scratch)
{
    if (n < 1)
        return NAN;
    for (long i = 0; i < n; i++) {
        if (isnan(x[i]))
            return NAN;
        scratch[i] = x[i];
    }
    sc_stats_sort(scratch, (size_t)n);
    return sc_stats_type7(scratch, (size_t)n, q);
}

void wi_batches(const double *x, long n, double q, double *scratch, double *b)
{
    for (int k = 0; k < WI_BATCHES; k++) {
        long first = n * k / WI_BATCHES, last = n * (k + 1) / WI_BATCHES;
        b[k] = isnan(q) ? wi_mean(x + first, last - first)
                        : wi_percentile(x + first, last - first, q, scratch);
    }
}

double wi_batch_se(const double *b)
{
    return wi_sd(b, WI_BATCHES) / sqrt((double)WI_BATCHES);
}

void wi_number_text(double x, char *buf, size_t size)
{
    snprintf(buf, size, "%.12g", x);
}

/* P(target met) of one year from its indicators: NaN where no target. */
static void probability(const double *x, long n, double *p, double *se)
{
    double m = wi_mean(x, n);
    *p = m;
    *se = isnan(m) ? NAN : sqrt(m * (1 - m) / (double)n);
}

int wi_point(const wi_values *v, sc_whatif_point *p, sc_error *e)
{
    double *scratch = sc_malloc((size_t)(v->n > 0 ? v->n : 1) * sizeof *scratch);
    if (!scratch)
        return SC_ERROR(e, SC_ENOMEM, "out of memory for %ld values", v->n);
    for (int m = 0; m < v->nmetric; m++)
        for (int y = 0; y < v->years; y++) {
            const double *x = wi_cell(v, m, y);
            p->mean[m][y] = wi_mean(x, v->n);
            p->sd[m][y] = wi_sd(x, v->n);
            p->mcse[m][y] = p->sd[m][y] / sqrt((double)v->n);
            for (int k = 0; k < SC_WHATIF_NQ; k++)
                p->q[m][y][k] = wi_percentile(x, v->n, sc_whatif_q[k] / 100, scratch);
        }
    for (int y = 0; y < v->years; y++)
        probability(v->met + (size_t)y * (size_t)v->n, v->n, &p->p_met[y], &p->p_met_mcse[y]);
    probability(v->all_met, v->n, &p->p_all_met, &p->p_all_met_mcse);
    sc_free(scratch);
    return SC_OK;
}

/* ---- one run ---- */

void wi_values_clear(wi_values *v)
{
    sc_free(v->v);
    sc_free(v->met);
    sc_free(v->all_met);
    sc_free(v->xmet);
    sc_free(v->xall);
    memset(v, 0, sizeof *v);
}

int wi_read(const char *path, const sc_whatif_settings *w,
                         const sc_scenario_edit *extra, int nextra, int lenient,
                         sc_scenario **out, sc_error *e)
{
    sc_scenario_edit *all = NULL;
    int n = w->nsets + nextra;
    if (n > 0 && !(all = sc_calloc((size_t)n, sizeof *all)))
        return SC_ERROR(e, SC_ENOMEM, "out of memory for the overrides");
    if (w->nsets)
        memcpy(all, w->sets, (size_t)w->nsets * sizeof *all);
    if (nextra)
        memcpy(all + w->nsets, extra, (size_t)nextra * sizeof *all);
    sc_scenario_read_options o;
    sc_scenario_read_options_init(&o);
    o.edits = all;
    o.nedits = n;
    o.lenient_years = lenient;
    int st = sc_scenario_read_with(path, &o, out, e);
    sc_free(all);
    return st;
}

/* The cells to keep: each metric's years, the years' "target met", "all met". */
static int keep_cells(const sc_layout *l, const wi_values *v, size_t **out, int *n, sc_error *e)
{
    int k = v->nmetric * l->years + l->years + 1 + l->ntargets * (l->years + 1);
    size_t *c = sc_malloc((size_t)k * sizeof *c);
    if (!c)
        return SC_ERROR(e, SC_ENOMEM, "out of memory");
    int j = 0;
    for (int m = 0; m < v->nmetric; m++)
        for (int y = 0; y < l->years; y++)
            c[j++] = sc_layout_cell(l, SC_LEVEL_DISTRICT, v->metric[m], y, 0);
    for (int y = 0; y < l->years; y++)
        c[j++] = l->target_offset + (size_t)y;
    c[j++] = l->all_met_offset;
    for (int t = 0; t < l->ntargets; t++)
        for (int y = 0; y < l->years; y++)
            c[j++] = l->xmet_offset + (size_t)t * (size_t)l->years + (size_t)y;
    for (int t = 0; t < l->ntargets; t++)
        c[j++] = l->xall_offset + (size_t)t;
    *out = c;
    *n = k;
    return SC_OK;
}

/* Rank 0: every trajectory's value of the kept cells into v. */
static int take_values(const sc_summary *sum, const size_t *cells, wi_values *v, sc_error *e)
{
    size_t n = (size_t)v->n, Y = (size_t)v->years;
    v->v = sc_malloc(((size_t)v->nmetric * Y + 1) * n * sizeof *v->v);
    v->met = sc_malloc((Y + 1) * n * sizeof *v->met);
    v->all_met = sc_malloc(n * sizeof *v->all_met);
    size_t nt = (size_t)v->ntargets;
    v->xmet = sc_malloc((nt * Y + 1) * n * sizeof *v->xmet);
    v->xall = sc_malloc((nt + 1) * n * sizeof *v->xall);
    if (!v->v || !v->met || !v->all_met || !v->xmet || !v->xall)
        return SC_ERROR(e, SC_ENOMEM, "out of memory for %ld trajectories' outputs", v->n);
    int j = 0, st = SC_OK;
    for (size_t m = 0; !st && m < (size_t)v->nmetric; m++)
        for (size_t y = 0; !st && y < Y; y++)
            st = sc_summary_cell_values(sum, cells[j++], v->v + (m * Y + y) * n, e);
    for (size_t y = 0; !st && y < Y; y++)
        st = sc_summary_cell_values(sum, cells[j++], v->met + y * n, e);
    if (!st)
        st = sc_summary_cell_values(sum, cells[j++], v->all_met, e);
    for (size_t k = 0; !st && k < nt * Y; k++)
        st = sc_summary_cell_values(sum, cells[j++], v->xmet + k * n, e);
    for (size_t k = 0; !st && k < nt; k++)
        st = sc_summary_cell_values(sum, cells[j++], v->xall + k * n, e);
    return st;
}

int wi_run(const char *path, const sc_whatif_settings *w, const sc_scenario_edit *extra,
           int nextra, int lenient, const char *const *metrics, int nmetrics,
           const uint64_t *seed, long trajectories, wi_values *out, sc_scenario **read_out,
           sc_error *e)
{
    sc_scenario *s = NULL;
    sc_params *p = NULL;
    sc_summary *sum = NULL;
    size_t *cells = NULL;
    int ncells = 0;
    memset(out, 0, sizeof *out);
    if (read_out)
        *read_out = NULL;
    int st = wi_read(path, w, extra, nextra, lenient, &s, e);
    if (!st)
        st = sc_whatif_metrics(s, metrics, nmetrics, out->metric, &out->nmetric, e);
    if (st)
        goto done;
    sc_layout l;
    sc_layout_init(&l, s);
    out->base_year = s->base_year;
    out->years = s->horizon;
    out->has_targets = sc_layout_has_targets(s);
    out->ntargets = s->ntargets;
    for (int k = 0; k < s->ntargets; k++)
        snprintf(out->tname[k], sizeof out->tname[k], "%s", s->targets[k].name);
    for (int t = 1; t <= s->horizon; t++)
        out->target[t - 1] = s->target[t];
    if ((st = keep_cells(&l, out, &cells, &ncells, e)) || (st = sc_fit_params(s, 0, &p, NULL, e)))
        goto done;
    sc_engine_options o;
    sc_engine_options_init(&o, s);
    o.trajectories = trajectories > 0 ? trajectories : w->trajectories > 0 ? w->trajectories
                                                                            : s->trajectories;
    o.seed = seed ? *seed : w->seed_given ? w->seed : s->seed;
    o.threads = w->threads;
    o.memory_mb = w->memory_mb > 0 ? w->memory_mb : SC_ENGINE_MEMORY_MB;
    o.distribute = w->distribute;
    o.keep_cells = cells;
    o.nkeep_cells = ncells;
    o.values_only = 1;      /* every statistic below is from the kept cells' values */
    o.progress = w->progress;
    o.progress_ctx = w->ctx;
    out->n = o.trajectories;
    st = sc_engine_run(s, p, &o, &sum, e);
    if (!st && sum)
        st = take_values(sum, cells, out, e);
done:
    if (st)
        wi_values_clear(out);
    if (!st && read_out)
        *read_out = s;
    else
        sc_scenario_free(s);
    sc_summary_free(sum);
    sc_params_free(p);
    sc_free(cells);
    return st;
}

/* ---- output conditions ---- */

static const char *skip(const char *p)
{
    while (isspace((unsigned char)*p))
        p++;
    return p;
}

static int expected(const char *what, const char *text, const char *at, const char *exp,
                    sc_error *e)
{
    return SC_ERROR(e, SC_EINPUT, "%s '%s': at \"%s\": expected %s (p_met[2027/28] >= 0.8, "
                    "p_all_met >= 0.5, p50(cumulative_deficit)[2029/30] <= 0, "
                    "mean(hnb_spend)[2026] <= 95e6)", what, text, at, exp);
}

/* [YEAR] with YEAR 2027 or 2027/28 (the two digits must follow the year). */
static int parse_year(const char **pp, const char *what, const char *text, int *year,
                      sc_error *e)
{
    const char *p = skip(*pp);
    if (*p != '[')
        return expected(what, text, p, "[YEAR]", e);
    char *end;
    errno = 0;
    long y = strtol(p + 1, &end, 10);
    if (end == p + 1 || errno || y < 1000 || y > 9999)
        return expected(what, text, p, "a year in [ ], such as [2027/28] or [2027]", e);
    if (*end == '/') {
        long next = strtol(end + 1, &end, 10);
        if (next != (y + 1) % 100)
            return expected(what, text, p, "a financial year such as 2027/28", e);
    }
    if (*end != ']')
        return expected(what, text, p, "']' after the year", e);
    *year = (int)y;
    *pp = end + 1;
    return SC_OK;
}

static int parse_quantity(const char **pp, const char *what, const char *text,
                          sc_whatif_expr *x, sc_error *e)
{
    const char *p = skip(*pp);
    size_t n = 0;
    while (isalnum((unsigned char)p[n]) || p[n] == '_' || p[n] == '.')
        n++;
    char word[64];
    if (n == 0 || n >= sizeof word)
        return expected(what, text, p, "an output: p_met[YEAR], p_all_met or STAT(METRIC)[YEAR]",
                        e);
    memcpy(word, p, n);
    word[n] = '\0';
    p += n;
    if (!strcmp(word, "p_all_met") || !strcmp(word, "p_met")) {
        x->quantity = word[2] == 'a' ? SC_WQ_P_ALL_MET : SC_WQ_P_MET;
        if (*skip(p) == '(') {      /* a target of the `targets:` section, by name */
            p = skip(skip(p) + 1);
            n = 0;
            while (isalnum((unsigned char)p[n]) || p[n] == '_')
                n++;
            if (n == 0 || n >= sizeof x->target)
                return expected(what, text, p, "a target name, such as deficit_profile", e);
            memcpy(x->target, p, n);
            x->target[n] = '\0';
            p = skip(p + n);
            if (*p != ')')
                return expected(what, text, p, "')' after the target name", e);
            p++;
        }
        *pp = p;
        return x->quantity == SC_WQ_P_MET ? parse_year(pp, what, text, &x->year, e) : SC_OK;
    }
    char *end;
    if (!strcmp(word, "mean")) {
        x->quantity = SC_WQ_MEAN;
    } else if (word[0] == 'p' && (x->q = strtod(word + 1, &end), *end == '\0' && end != word + 1)
               && x->q > 0 && x->q < 100) {
        x->quantity = SC_WQ_PCT;
    } else {
        return SC_ERROR(e, SC_EINPUT, "%s '%s': unknown output '%s'; expected p_met[YEAR], "
                        "p_all_met, or STAT(METRIC)[YEAR] with STAT mean or a percentile pNN "
                        "(p5, p50, p95)", what, text, word);
    }
    p = skip(p);
    if (*p != '(')
        return expected(what, text, p, "(METRIC) after the statistic", e);
    p = skip(p + 1);
    n = 0;
    while (isalnum((unsigned char)p[n]) || p[n] == '_')
        n++;
    if (n == 0 || n >= sizeof word)
        return expected(what, text, p, "a metric name, such as hnb_spend", e);
    memcpy(word, p, n);
    word[n] = '\0';
    x->metric = sc_layout_district_metric(word);
    if (x->metric < 0)
        return SC_ERROR(e, SC_EINPUT, "%s '%s': unknown output '%s' (district metrics: "
                        "hnb_spend, hnb_balance, cumulative_deficit, requests, new_plans, "
                        "plans_total, ...: docs/outputs.md)", what, text, word);
    p = skip(p + n);
    if (*p != ')')
        return expected(what, text, p, "')' after the metric", e);
    *pp = p + 1;
    return parse_year(pp, what, text, &x->year, e);
}

int sc_whatif_expr_parse(const char *text, const char *what, sc_whatif_expr *x, sc_error *e)
{
    memset(x, 0, sizeof *x);
    x->metric = -1;
    x->q = NAN;
    if (strlen(text) >= sizeof x->text)
        return SC_ERROR(e, SC_EINPUT, "%s: at most %zu characters", what, sizeof x->text - 1);
    snprintf(x->text, sizeof x->text, "%s", text);
    const char *p = text;
    if (parse_quantity(&p, what, text, x, e))
        return SC_EINPUT;
    p = skip(p);
    if (p[0] == '>' && p[1] == '=') { x->op = SC_WOP_GE; p += 2; }
    else if (p[0] == '<' && p[1] == '=') { x->op = SC_WOP_LE; p += 2; }
    else if (p[0] == '>') { x->op = SC_WOP_GT; p += 1; }
    else if (p[0] == '<') { x->op = SC_WOP_LT; p += 1; }
    else return expected(what, text, p, "a comparison: >=, <=, > or <", e);
    p = skip(p);
    char *end;
    errno = 0;
    x->value = strtod(p, &end);
    if (end == p || errno || !isfinite(x->value))
        return expected(what, text, p, "a number to compare with", e);
    if (*skip(end))
        return expected(what, text, skip(end), "nothing after the number", e);
    if ((x->quantity == SC_WQ_P_MET || x->quantity == SC_WQ_P_ALL_MET)
        && !(x->value >= 0 && x->value <= 1))
        return SC_ERROR(e, SC_EINPUT, "%s '%s': a probability is compared with a number in "
                        "[0, 1], got %g", what, text, x->value);
    return SC_OK;
}

int sc_whatif_expr_check(const sc_whatif_expr *x, const sc_scenario *s, const char *what,
                         sc_error *e)
{
    if (x->quantity != SC_WQ_P_ALL_MET) {
        int first = s->base_year + 1, last = s->base_year + s->horizon;
        if (x->year < first || x->year > last)
            return SC_ERROR(e, SC_EINPUT, "%s '%s': %s is not a year %s simulates (%s to %s)",
                            what, x->text, sc_year_label(x->year).s, s->name,
                            sc_year_label(first).s, sc_year_label(last).s);
    }
    if (x->target[0]) {
        int k = 0;
        while (k < s->ntargets && strcmp(s->targets[k].name, x->target))
            k++;
        if (k == s->ntargets)
            return SC_ERROR(e, SC_EINPUT, "%s '%s': %s has no target named %s in its targets: "
                            "section", what, x->text, s->name, x->target);
        if (x->quantity == SC_WQ_P_MET && isnan(s->targets[k].value[x->year - s->base_year]))
            return SC_ERROR(e, SC_EINPUT, "%s '%s': %s's target %s has no value for %s", what,
                            x->text, s->name, x->target, sc_year_label(x->year).s);
        return SC_OK;
    }
    if ((x->quantity == SC_WQ_P_MET || x->quantity == SC_WQ_P_ALL_MET)
        && !sc_layout_has_targets(s))
        return SC_ERROR(e, SC_EINPUT, "%s '%s': %s has no Safety Valve targets (no finance "
                        "section)", what, x->text, s->name);
    if (x->quantity == SC_WQ_P_MET && isnan(s->target[x->year - s->base_year]))
        return SC_ERROR(e, SC_EINPUT, "%s '%s': %s has no target for %s", what, x->text,
                        s->name, sc_year_label(x->year).s);
    if (x->metric >= 0 && !sc_layout_applies(s, SC_LEVEL_DISTRICT, x->metric))
        return unknown_metric(s, sc_district_metrics[x->metric].name, what, e);
    return SC_OK;
}
