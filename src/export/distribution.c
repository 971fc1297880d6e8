/*
 * distribution.c — one output in one year as a distribution: P(value < x)
 * for any x, its text view and its CSV (distribution.h).
 *
 * Exact where the file keeps every trajectory: the values sorted once, and a
 * count by binary search, so P(< x) is k/N to the last bit (the test counts
 * them itself). Interpolated where it does not: linear between stored
 * percentiles, and only a bound beyond them, because a tail drawn past p95
 * from p5..p95 alone would be a guess dressed as a number.
 */
#include "sendcast/distribution.h"

#include <math.h>
#include <string.h>

#include "sendcast/alloc.h"
#include "sendcast/stats.h"
#include "sendcast/text.h"

/* ---- choosing the output --------------------------------------------------- */

/* The level and unit an id names: district for none (or "district"), else
 * the area or cluster of that id; -1 when it names none. */
static int find_unit(const sc_result *r, const char *unit, enum sc_level *level)
{
    *level = SC_LEVEL_DISTRICT;
    if (!unit || !strcmp(unit, "district"))
        return 0;
    *level = SC_LEVEL_AREA;
    for (int u = 0; u < r->nareas; u++)
        if (!strcmp(unit, r->area[u]))
            return u;
    *level = SC_LEVEL_CLUSTER;
    for (int u = 0; u < r->nclusters; u++)
        if (!strcmp(unit, r->cluster[u]))
            return u;
    return -1;
}

static int bad_unit(const sc_result *r, const char *unit, sc_error *e)
{
    return SC_ERROR(e, SC_EINPUT, "--unit %s: %s has no area or cluster of that id (areas %s%s, "
                    "clusters %s%s)", unit, r->path, r->nareas ? r->area[0] : "none",
                    r->nareas > 1 ? ", ..." : "", r->nclusters ? r->cluster[0] : "none",
                    r->nclusters > 1 ? ", ..." : "");
}

/* The metric is not at this level: the ones that are, and where it is. */
static int unknown_metric(const sc_result *r, enum sc_level level, const char *name,
                          sc_error *e)
{
    char list[2048] = "";
    size_t used = 0;
    for (int k = 0; k < r->nmetrics[level]; k++)
        if (sc_text_append(list, sizeof list, &used, ", ", r->metric[level][k].name))
            break;
    const char *elsewhere = "";
    for (int v = 0; v < SC_NLEVELS; v++)
        if (v != (int)level && sc_result_metric_find(r, (enum sc_level)v, name))
            elsewhere = v == SC_LEVEL_DISTRICT ? " (it is a district output: leave --unit out)"
                        : v == SC_LEVEL_AREA ? " (it is an area output: --unit AREA)"
                        : " (it is a cluster output: --unit CLUSTER)";
    return SC_ERROR(e, SC_EINPUT, "--metric %s: %s has no such %s output%s; it has %s", name,
                    r->path, sc_level_names[level], elsewhere, list);
}

/* The target on d's metric in d's year: the Safety Valve's on the in-year
 * balance, or a `targets:` entry on the metric (the first with a value). */
static void find_target(const sc_result *r, sc_cdf *d)
{
    d->target_name[0] = '\0';
    d->target = d->p_met = d->p_met_mcse = NAN;
    if (d->m->level != SC_LEVEL_DISTRICT)
        return;
    if (!strcmp(d->m->name, "hnb_balance") && r->target && !isnan(r->target[d->t])) {
        snprintf(d->target_name, sizeof d->target_name, "safety_valve_balance");
        d->target = r->target[d->t];
        d->at_least = 1;
        d->p_met = r->p_met[d->t];
        d->p_met_mcse = r->p_met_mcse[d->t];
        return;
    }
    for (int k = 0; k < r->ntargets; k++) {
        const sc_result_target *g = &r->targets[k];
        if (strcmp(g->metric, d->m->name) || isnan(g->target[d->t]))
            continue;
        snprintf(d->target_name, sizeof d->target_name, "%s", g->name);
        d->target = g->target[d->t];
        d->at_least = g->at_least;
        d->p_met = g->p_met[d->t];
        d->p_met_mcse = g->p_met_mcse[d->t];
        return;
    }
}

/* The trajectories' values sorted (exact), and the stored percentiles. */
static int load_values(const sc_result *r, sc_cdf *d, sc_error *e)
{
    const sc_result_metric *m = d->m;
    d->np = r->np;
    d->q = r->percentile;
    d->v = sc_calloc((size_t)(r->np ? r->np : 1), sizeof *d->v);
    if (!d->v)
        return SC_ERROR(e, SC_ENOMEM, "out of memory reading %s", m->name);
    for (int k = 0; k < r->np; k++)
        d->v[k] = m->pct[((size_t)d->t * (size_t)m->units + (size_t)d->u) * (size_t)r->np + k];
    d->exact = m->traj != NULL && d->n > 0;
    if (!d->exact)
        return d->np >= 2 ? SC_OK
                          : SC_ERROR(e, SC_EINPUT, "%s keeps no trajectories and fewer than "
                                     "two percentiles: no distribution to show", r->path);
    d->sorted = sc_calloc((size_t)d->n, sizeof *d->sorted);
    if (!d->sorted)
        return SC_ERROR(e, SC_ENOMEM, "out of memory reading %s's trajectories", m->name);
    /* a value that is not a number (an output a trajectory does not have)
     * is left out: the binary search needs a total order */
    size_t stride = (size_t)r->years * (size_t)m->units;
    long kept = 0;
    for (long i = 0; i < d->n; i++) {
        double v = m->traj[(size_t)i * stride + (size_t)d->t * (size_t)m->units + (size_t)d->u];
        if (!isnan(v))
            d->sorted[kept++] = v;
    }
    if (kept == 0)
        return SC_ERROR(e, SC_EINPUT, "%s: %s has no value in %s in any trajectory", r->path,
                        m->name, sc_year_label(r->year[d->t]).s);
    d->n = kept;
    sc_stats_sort(d->sorted, (size_t)d->n);
    return SC_OK;
}

int sc_cdf_open(const sc_result *r, const char *metric, const char *unit, const char *year,
                 sc_cdf *d, sc_error *e)
{
    memset(d, 0, sizeof *d);
    d->r = r;
    d->n = r->trajectories;
    enum sc_level level;
    if ((d->u = find_unit(r, unit, &level)) < 0)
        return bad_unit(r, unit, e);
    if (!(d->m = sc_result_metric_find(r, level, metric)))
        return unknown_metric(r, level, metric, e);
    d->unit_id = d->m->level == SC_LEVEL_DISTRICT ? "district"
                 : d->m->level == SC_LEVEL_AREA ? r->area[d->u] : r->cluster[d->u];
    if ((d->t = sc_text_year_index(year, r->year, r->years)) < 0)
        return SC_ERROR(e, SC_EINPUT, "--year %s: expected a year of %s's run, %s to %s (or %d "
                        "to %d)", year, r->path, sc_year_label(r->year[0]).s,
                        sc_year_label(r->year[r->years - 1]).s, r->year[0],
                        r->year[r->years - 1]);
    d->scale = !strcmp(d->m->unit, "GBP") ? 1e6 : 1;
    find_target(r, d);
    int rc = load_values(r, d, e);
    if (rc)
        sc_cdf_close(d);
    return rc;
}

void sc_cdf_close(sc_cdf *d)
{
    sc_free(d->sorted);
    sc_free(d->v);
    d->sorted = d->v = NULL;
}

/* The last year index in which v[0..n) has a value, -1 when none. */
static int last_with_value(const double *v, int n)
{
    for (int t = n - 1; v && t >= 0; t--)
        if (!isnan(v[t]))
            return t;
    return -1;
}

int sc_cdf_views(const sc_result *r, sc_cdf_view *v)
{
    int n = 0, sv = r->has_finance ? last_with_value(r->target, r->years) : -1;
    int deficit = sc_result_metric_find(r, SC_LEVEL_DISTRICT, "cumulative_deficit") != NULL;
    if (sv >= 0)
        v[n++] = (sc_cdf_view){ "hnb_balance", sv };
    for (int g = 0; g < r->ntargets && g < SC_RESULT_MAX_TARGETS; g++) {
        int t = last_with_value(r->targets[g].target, r->years);
        if (t >= 0)
            v[n++] = (sc_cdf_view){ r->targets[g].metric, t };
        if (t == r->years - 1 && !strcmp(r->targets[g].metric, "cumulative_deficit"))
            deficit = 0;    /* shown already, with its target */
    }
    if (deficit)
        v[n++] = (sc_cdf_view){ "cumulative_deficit", r->years - 1 };
    return n;
}

/* ---- probabilities ------------------------------------------------------------ */

/* How many of the sorted values are below x (strict) or at most x. */
static long count_below(const double *s, long n, double x, int or_equal)
{
    long lo = 0, hi = n;
    while (lo < hi) {
        long mid = lo + (hi - lo) / 2;
        if (s[mid] < x || (or_equal && s[mid] == x))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* P(< x) between stored percentiles: on a run of equal values the lowest
 * level that reaches x, so a threshold at p5 reads 5%. */
static double interpolate_below(const sc_cdf *d, double x)
{
    for (int k = 0; k + 1 < d->np; k++) {
        double a = d->v[k], b = d->v[k + 1];
        if (x > b)
            continue;
        if (x <= a || b <= a)
            return d->q[k] / 100;
        return (d->q[k] + (x - a) / (b - a) * (d->q[k + 1] - d->q[k])) / 100;
    }
    return d->q[d->np - 1] / 100;
}

sc_cdf_prob sc_cdf_at(const sc_cdf *d, double x)
{
    sc_cdf_prob p = { x, NAN, NAN, NAN, NAN, 0 };
    if (d->exact) {
        double n = (double)d->n;
        p.below = (double)count_below(d->sorted, d->n, x, 0) / n;
        p.above = (double)(d->n - count_below(d->sorted, d->n, x, 1)) / n;
        p.mcse = sqrt(p.below * (1 - p.below) / n);
        p.mcse_above = sqrt(p.above * (1 - p.above) / n);
        return p;
    }
    if (x < d->v[0]) {
        p.bound = -1;
        p.below = d->q[0] / 100;            /* an upper bound */
    } else if (x > d->v[d->np - 1]) {
        p.bound = 1;
        p.below = d->q[d->np - 1] / 100;    /* a lower bound */
    } else {
        p.below = interpolate_below(d, x);
    }
    p.above = 1 - p.below;
    return p;
}

double sc_cdf_quantile(const sc_cdf *d, double p)
{
    if (d->exact)
        return sc_stats_type7(d->sorted, (size_t)d->n, p);
    double level = 100 * p;
    for (int k = 0; k + 1 < d->np; k++)
        if (level >= d->q[k] && level <= d->q[k + 1]) {
            double w = d->q[k + 1] > d->q[k] ? (level - d->q[k]) / (d->q[k + 1] - d->q[k]) : 0;
            return sc_stats_between(d->v[k], d->v[k + 1], w);
        }
    return NAN;
}

/* 1, 2 or 5 times a power of ten, the nearest at or above step. */
static double nice_step(double step)
{
    double p = pow(10, floor(log10(step)));
    return step <= p ? p : step <= 2 * p ? 2 * p : step <= 5 * p ? 5 * p : 10 * p;
}

int sc_cdf_round_thresholds(const sc_cdf *d, int k, double *x)
{
    double lo = sc_cdf_quantile(d, 0.05), hi = sc_cdf_quantile(d, 0.95);
    double mid = sc_cdf_quantile(d, 0.5);
    if (k < 1 || isnan(lo) || isnan(hi) || isnan(mid))
        return 0;
    if (k > 9)
        k = 9;
    double span = hi - lo > 0 ? hi - lo : fabs(mid) > 0 ? fabs(mid) : 1;
    double step = nice_step(span / (k + 1));
    double centre = round(mid / step) * step;
    for (int j = 0; j < k; j++)
        x[j] = centre + (j - (k - 1) / 2) * step;
    return k;
}

sc_label sc_cdf_value_label(const sc_cdf *d, double x)
{
    sc_label l;
    if (d->scale == 1e6)
        snprintf(l.s, sizeof l.s, "%s£%.2fm", x < 0 ? "-" : "", fabs(x) / 1e6);
    else
        snprintf(l.s, sizeof l.s, "%.6g", x);
    return l;
}

/* ---- text ----------------------------------------------------------------------- */

/* s and spaces to width characters: "£" and "±" are two bytes each, which
 * printf's widths count. */
static void padded(FILE *f, const char *s, int width)
{
    fputs(s, f);
    for (const char *c = s; *c; c++)
        width -= ((unsigned char)*c & 0xC0) != 0x80;
    while (width-- > 0)
        fputc(' ', f);
}

sc_cdf_label sc_cdf_p_label(const sc_cdf *d, double p, double mcse, int bound)
{
    sc_cdf_label l;
    if (bound)
        snprintf(l.s, sizeof l.s, "%s %g%%", bound < 0 ? "<" : ">", 100 * p);
    else if (isnan(mcse) || p <= 0 || p >= 1)
        snprintf(l.s, sizeof l.s, "%s", sc_prob_label(p, d->n).s);
    else
        snprintf(l.s, sizeof l.s, mcse >= 0.01 ? "%s ± %.1f pp" : "%s ± %.2g pp",
                 sc_prob_label(p, d->n).s, 100 * mcse);
    return l;
}

static void print_p(FILE *f, const sc_cdf *d, double p, double mcse, int bound, int width)
{
    padded(f, sc_cdf_p_label(d, p, mcse, bound).s, width);
}

static void print_head(FILE *f, const sc_cdf *d)
{
    const sc_result *r = d->r;
    fprintf(f, "%s (%s)", d->m->name, d->m->unit);
    if (d->m->level != SC_LEVEL_DISTRICT)
        fprintf(f, ", %s %s", sc_level_names[d->m->level], d->unit_id);
    fprintf(f, " in %s, %ld trajectories of %s", sc_year_label(r->year[d->t]).s, d->n,
            r->scenario_name);
    if (d->scale == 1e6)
        fprintf(f, "; money in %s", r->money_basis);
    fputs("\n", f);
    if (d->exact)
        fputs("P(value < x) is the share of trajectories below x; ± is its Monte Carlo error, "
              "sqrt(p(1-p)/N).\n", f);
    else
        fprintf(f, "The file keeps no per-trajectory values of this output (a bounded-memory run "
                "keeps none): P is interpolated linearly from the stored percentiles p%g..p%g, "
                "carries no Monte Carlo error, and beyond them only a bound is known.\n",
                d->q[0], d->q[d->np - 1]);
}

static void print_target(FILE *f, const sc_cdf *d)
{
    if (!d->target_name[0])
        return;
    sc_cdf_prob p = sc_cdf_at(d, d->target);
    fprintf(f, "\nTarget %s: %s %s; P(met) %s", d->target_name, d->at_least ? "at least" : "at most",
            sc_cdf_value_label(d, d->target).s, sc_prob_label(d->p_met, d->n).s);
    if (!isnan(d->p_met_mcse) && d->p_met > 0 && d->p_met < 1)
        fprintf(f, d->p_met_mcse >= 0.01 ? " ± %.1f pp" : " ± %.2g pp", 100 * d->p_met_mcse);
    fputs(" (as the run stored it)", f);
    if (!d->exact && p.bound)
        fprintf(f, "; the target lies %s the stored percentiles", p.bound < 0 ? "below" : "above");
    fputs("\n", f);
}

void sc_cdf_print(FILE *f, const sc_cdf *d, const double *x, int nx)
{
    print_head(f, d);
    fputs("\nPercentiles:", f);
    for (int k = 0; k < d->np; k++)   /* six to a line */
        fprintf(f, "%s p%g %s", !k ? "" : k % 6 ? "," : ",\n            ", d->q[k],
                sc_cdf_value_label(d, d->v[k]).s);
    fprintf(f, "\nMean %s\n", sc_cdf_value_label(d, d->m->mean[(size_t)d->t * (size_t)d->m->units
                                                                 + (size_t)d->u]).s);
    print_target(f, d);
    if (nx > 0)
        fprintf(f, "\n%-14s %-22s %s\n", "threshold x", "P(value < x)", "P(value > x)");
    for (int j = 0; j < nx; j++) {
        sc_cdf_prob p = sc_cdf_at(d, x[j]);
        padded(f, sc_cdf_value_label(d, x[j]).s, 15);
        print_p(f, d, p.below, p.mcse, p.bound, 23);
        print_p(f, d, p.above, p.mcse_above, -p.bound, 0);
        fputs("\n", f);
    }
}

/* ---- CSV ---------------------------------------------------------------------------- */

static void csv_number(FILE *f, double v)
{
    fputc(',', f);
    if (!isnan(v))
        fprintf(f, "%.17g", v);
}

static void csv_row(FILE *f, const sc_cdf *d, const char *kind, double x, sc_cdf_prob p)
{
    int year = d->r->year[d->t];
    sc_text_csv_field(f, d->m->name);
    fputc(',', f);
    sc_text_csv_field(f, d->unit_id);
    fprintf(f, ",%d,%s,%s", year, sc_year_label(year).s, kind);
    csv_number(f, x);
    csv_number(f, p.bound ? NAN : p.below);   /* a bound is not a value */
    csv_number(f, p.bound ? NAN : p.above);
    csv_number(f, p.mcse);
    if (p.bound)
        fprintf(f, ",p_below %s %g\n", p.bound < 0 ? "<" : ">", p.below);
    else
        fputs(d->exact ? ",trajectories\n" : ",interpolated\n", f);
}

static void csv_body(FILE *f, const sc_cdf *d, const double *x, int nx)
{
    fputs("metric,unit,year,financial_year,kind,value,p_below,p_above,mcse,p_from\n", f);
    if (d->exact)
        for (int k = 1; k < 100; k++) {
            double v = sc_cdf_quantile(d, k / 100.0);
            csv_row(f, d, "quantile", v, sc_cdf_at(d, v));
        }
    else
        for (int k = 0; k < d->np; k++)
            csv_row(f, d, "quantile", d->v[k], sc_cdf_at(d, d->v[k]));
    for (int j = 0; j < nx; j++)
        csv_row(f, d, "threshold", x[j], sc_cdf_at(d, x[j]));
    if (d->target_name[0])
        csv_row(f, d, "target", d->target, sc_cdf_at(d, d->target));
}

int sc_cdf_csv(const sc_cdf *d, const double *x, int nx, const char *path, int replace,
                sc_error *e)
{
    sc_outfile o;
    int rc = sc_outfile_begin(&o, path, 1, e);
    if (rc)
        return rc;
    csv_body(o.f, d, x, nx);
    if (ferror(o.f)) {
        sc_outfile_abort(&o);
        return SC_ERROR(e, SC_EFAIL, "cannot write %s", path);
    }
    return sc_outfile_commit(&o, replace, e);
}
