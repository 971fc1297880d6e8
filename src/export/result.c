/*
 * result.c — read a result file back (result.h), through the checked HDF5
 * layer (h5.h), which first checks that it is a result file of a format this
 * sendcast reads.
 *
 * A result file is untrusted input: results are mailed between councils and
 * DfE, and export, compare and report index these arrays blindly. So the
 * reader checks everything it keeps before anything uses it: the file's
 * bytes (a regular file, its checksum: h5.h), every dataset's element count
 * against the axes (computed without overflow: a claimed 2^62 + 1
 * trajectories cannot wrap round to the one stored), every axis against what
 * a scenario may hold (years that follow the base year, percentiles in
 * (0, 100) ascending, at most 100,000 areas and clusters with unique ids),
 * every string against its field and UTF-8, and every parameter group against
 * its distribution (model 1's and model 2's alike). A missing or misshapen
 * part is an input error naming the file and the part.
 *
 * HDF5 itself may still crash on a damaged or crafted file, inside the
 * library, where no check of ours can reach; so sc_result_read first reads
 * the file in a child process (isolate.h), and reads it here only when the
 * child came back. The image is in memory, so both read the same bytes.
 *
 * It is lenient about what may be absent: per-trajectory values (files
 * written before /trajectories, or bounded-memory runs), money and targets (a
 * demand-only scenario), the newer Safety Valve cells, which read as NULL /
 * NaN, so older files still export.
 */
#include "sendcast/result.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sendcast/alloc.h"
#include "sendcast/h5.h"
#include "sendcast/scenario.h"
#include "sendcast/stats.h"
#include "sendcast/text.h"

#define MAX_TRAJECTORIES 1000000000000LL  /* what run allows */
#define MAX_INPUTS 16000000
#define MAX_PARAMS 256
#define MAX_RELEASES 64
#define MAX_EXCLUSIONS 100000

/* ---- parts of the file ----------------------------------------------- */

static int read_root(sc_h5r *f, sc_result *r)
{
    struct { const char *name; char *out; size_t size; int required; } s[] = {
        { "engine_version", r->engine_version, sizeof r->engine_version, 1 },
        { "model_version", r->model_version, sizeof r->model_version, 1 },
        { "scenario_name", r->scenario_name, sizeof r->scenario_name, 1 },
        { "scenario_sha256", r->scenario_sha256, sizeof r->scenario_sha256, 1 },
        { "scenario_description", r->scenario_description, sizeof r->scenario_description, 0 },
        { "created_utc", r->created_utc, sizeof r->created_utc, 1 },
        { "git_revision", r->git_revision, sizeof r->git_revision, 0 },
        { "libraries", r->libraries, sizeof r->libraries, 0 },
        { "command_line", r->command_line, sizeof r->command_line, 0 },
        { "percentile_definition", r->percentile_definition, sizeof r->percentile_definition, 0 },
    };
    int rc = SC_OK;
    for (size_t k = 0; !rc && k < sizeof s / sizeof s[0]; k++)
        rc = sc_h5_read_attr_string(f, "/", s[k].name, s[k].out, s[k].size, s[k].required);
    int64_t n = 0;
    if (!rc) rc = sc_h5_read_attr_int(f, "/", "format_version", &r->format_version);
    if (!rc) rc = sc_h5_read_attr_uint64(f, "/", "seed", &r->seed);
    if (!rc) rc = sc_h5_read_attr_int64(f, "/", "trajectories", &n);
    if (!rc) rc = sc_h5_read_attr_int(f, "/", "base_year", &r->base_year);
    if (!rc) rc = sc_h5_read_attr_int(f, "/", "horizon", &r->horizon);
    if (!rc && (n < 1 || n > MAX_TRAJECTORIES))
        rc = sc_h5_read_bad(f, "/", "has an impossible number of trajectories (attribute "
                            "trajectories)");
    if (!rc && (r->horizon < 1 || r->horizon > SC_MAX_HORIZON))
        rc = sc_h5_read_bad(f, "/", "has an impossible horizon (attribute horizon: 1 to 50 "
                            "years)");
    if (!rc && (r->base_year < SC_YEAR_MIN || r->base_year > SC_YEAR_MAX))
        rc = sc_h5_read_bad(f, "/", "has an impossible base year (attribute base_year)");
    r->trajectories = (long)n;
    return rc;
}

/* Ids in a, as many as n, are unique; their order (indices sorted by id)
 * into *order for look-ups (sc_free it). */
typedef struct id_list {
    const char *first;
    size_t stride;
} id_list;

static const char *id_at(const id_list *l, int k)
{
    return l->first + (size_t)k * l->stride;
}

static int cmp_ids(const void *a, const void *b, const id_list *l)
{
    return strcmp(id_at(l, *(const int *)a), id_at(l, *(const int *)b));
}

/* qsort has no context argument in C17: sort by merging, with one. */
static void sort_ids(int *v, int *tmp, int n, const id_list *l)
{
    if (n < 2)
        return;
    int h = n / 2;
    sort_ids(v, tmp, h, l);
    sort_ids(v + h, tmp, n - h, l);
    int i = 0, j = h, k = 0;
    while (i < h && j < n)
        tmp[k++] = cmp_ids(&v[j], &v[i], l) < 0 ? v[j++] : v[i++];
    while (i < h)
        tmp[k++] = v[i++];
    while (j < n)
        tmp[k++] = v[j++];
    memcpy(v, tmp, (size_t)n * sizeof *v);
}

static int order_ids(sc_h5r *f, const char *what, const id_list *l, int n, int **order)
{
    int *v = sc_calloc((size_t)(n ? n : 1), sizeof *v), *tmp = sc_calloc((size_t)(n ? n : 1),
                                                                        sizeof *tmp);
    *order = NULL;
    if (!v || !tmp) {
        sc_free(v);
        sc_free(tmp);
        return SC_ERROR(f->e, SC_ENOMEM, "out of memory");
    }
    for (int k = 0; k < n; k++)
        v[k] = k;
    sort_ids(v, tmp, n, l);
    sc_free(tmp);
    for (int k = 1; k < n; k++)
        if (!strcmp(id_at(l, v[k]), id_at(l, v[k - 1]))) {
            sc_free(v);
            return sc_h5_read_bad(f, what, "repeats an id");
        }
    *order = v;
    return SC_OK;
}

/* Index of id among the sorted ids, -1 when absent. */
static int find_id(const id_list *l, const int *order, int n, const char *id)
{
    int lo = 0, hi = n - 1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2, c = strcmp(id_at(l, order[mid]), id);
        if (!c)
            return order[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

static int read_years(sc_h5r *f, sc_result *r)
{
    double *y = NULL;
    r->years = r->horizon;
    int rc = sc_h5_read_doubles(f, "/axes/year", (size_t)r->years, &y);
    if (!rc && !(r->year = sc_calloc((size_t)r->years, sizeof *r->year)))
        rc = SC_ERROR(f->e, SC_ENOMEM, "out of memory");
    for (int t = 0; !rc && t < r->years; t++) {
        if (!(y[t] == (double)(r->base_year + 1 + t)))
            rc = sc_h5_read_bad(f, "/axes/year", "does not hold the years after base_year, "
                                "one by one");
        else
            r->year[t] = r->base_year + 1 + t;
    }
    sc_free(y);
    return rc;
}

static int read_percentile_axis(sc_h5r *f, sc_result *r)
{
    int rc = sc_h5_read_length(f, "/axes/percentile", SC_MAX_PERCENTILES, &r->np);
    if (!rc && r->np < 1)
        rc = sc_h5_read_bad(f, "/axes/percentile", "is empty");
    if (!rc) rc = sc_h5_read_doubles(f, "/axes/percentile", (size_t)r->np, &r->percentile);
    for (int k = 0; !rc && k < r->np; k++)
        if (!(r->percentile[k] > 0 && r->percentile[k] < 100)
            || (k > 0 && !(r->percentile[k] > r->percentile[k - 1])))
            rc = sc_h5_read_bad(f, "/axes/percentile", "does not hold percentiles in (0, 100) "
                                "in ascending order");
    return rc;
}

static int read_axes(sc_h5r *f, sc_result *r)
{
    int rc = read_years(f, r), found = 0;
    if (!rc) rc = sc_h5_read_length(f, "/axes/area", SC_MAX_AREAS, &r->nareas);
    if (!rc) rc = sc_h5_read_length(f, "/axes/cluster", SC_MAX_CLUSTERS, &r->nclusters);
    if (!rc) rc = read_percentile_axis(f, r);
    if (rc)
        return rc;
    size_t na = (size_t)r->nareas, nc = (size_t)r->nclusters;
    r->area = sc_calloc(na ? na : 1, sizeof *r->area);
    r->area_name = sc_calloc(na ? na : 1, sizeof *r->area_name);
    r->cluster = sc_calloc(nc ? nc : 1, sizeof *r->cluster);
    r->cluster_area = sc_calloc(nc ? nc : 1, sizeof *r->cluster_area);
    char (*ca)[64] = sc_calloc(nc ? nc : 1, sizeof *ca);
    int *order = NULL, *corder = NULL;
    if (!r->area || !r->area_name || !r->cluster || !r->cluster_area || !ca)
        rc = SC_ERROR(f->e, SC_ENOMEM, "out of memory");
    if (!rc) rc = sc_h5_read_strings(f, "/axes/area", na, r->area[0], sizeof *r->area, sizeof *r->area);
    if (!rc) rc = sc_h5_read_exists(f, "/axes/area_name", &found);
    if (!rc && found)
        rc = sc_h5_read_strings(f, "/axes/area_name", na, r->area_name[0], sizeof *r->area_name,
                     sizeof *r->area_name);
    if (!rc)
        rc = sc_h5_read_strings(f, "/axes/cluster", nc, r->cluster[0], sizeof *r->cluster, sizeof *r->cluster);
    id_list areas = { r->area[0], sizeof *r->area }, clusters = { r->cluster[0], sizeof *r->cluster };
    if (!rc) rc = order_ids(f, "/axes/area", &areas, r->nareas, &order);
    if (!rc) rc = order_ids(f, "/axes/cluster", &clusters, r->nclusters, &corder);
    if (!rc) rc = sc_h5_read_exists(f, "/axes/cluster_area", &found);
    if (!rc && found)
        rc = sc_h5_read_strings(f, "/axes/cluster_area", nc, ca[0], sizeof *ca, sizeof *ca);
    for (size_t c = 0; !rc && c < nc; c++) {
        r->cluster_area[c] = found ? find_id(&areas, order, r->nareas, ca[c]) : -1;
        if (found && r->cluster_area[c] < 0)
            rc = sc_h5_read_bad(f, "/axes/cluster_area", "names an area that is not in "
                                "/axes/area");
    }
    sc_free(order);
    sc_free(corder);
    sc_free(ca);
    return rc;
}

static int read_metric(sc_h5r *f, sc_result *r, enum sc_level v, const sc_metric_info *info,
                       sc_result_metric *m)
{
    char g[256], p[300];
    snprintf(g, sizeof g, "/%s/%s", sc_level_names[v], info->name);
    snprintf(m->name, sizeof m->name, "%s", info->name);
    m->level = v;
    m->units = v == SC_LEVEL_DISTRICT ? 1 : v == SC_LEVEL_AREA ? r->nareas : r->nclusters;
    /* at most 50 years x 100,000 units x 32 percentiles: no overflow */
    size_t cells = (size_t)r->years * (size_t)m->units;
    int rc = sc_h5_read_attr_string(f, g, "unit", m->unit, sizeof m->unit, 0);
    if (!rc) rc = sc_h5_read_attr_string(f, g, "doc", m->doc, sizeof m->doc, 0);
    snprintf(p, sizeof p, "%s/mean", g);
    if (!rc) rc = sc_h5_read_doubles(f, p, cells, &m->mean);
    snprintf(p, sizeof p, "%s/sd", g);
    if (!rc) rc = sc_h5_read_doubles(f, p, cells, &m->sd);
    snprintf(p, sizeof p, "%s/mcse", g);
    if (!rc) rc = sc_h5_read_doubles(f, p, cells, &m->mcse);
    snprintf(p, sizeof p, "%s/percentiles", g);
    if (!rc) rc = sc_h5_read_doubles(f, p, cells * (size_t)r->np, &m->pct);
    snprintf(p, sizeof p, "/trajectories/%s/%s", sc_level_names[v], info->name);
    int found = 0;
    if (!rc) rc = sc_h5_read_exists(f, p, &found);
    /* trajectories x cells must not wrap round (2^62 + 1 trajectories of 4
     * cells is 4 values in 64 bits) */
    if (!rc && found && cells > 0
        && (unsigned long long)r->trajectories > (SIZE_MAX / sizeof(double)) / cells)
        rc = sc_h5_read_bad(f, p, "claims more values than memory can address");
    if (!rc && found) rc = sc_h5_read_doubles(f, p, cells * (size_t)r->trajectories, &m->traj);
    return rc;
}

/* The engine's metrics that the file has, in the engine's order. */
static int read_metrics(sc_h5r *f, sc_result *r)
{
    int rc = SC_OK;
    for (int v = 0; !rc && v < SC_NLEVELS; v++) {
        const sc_metric_info *t = sc_layout_metrics((enum sc_level)v);
        int n = v == SC_LEVEL_DISTRICT ? SC_D_NMETRICS : v == SC_LEVEL_AREA ? SC_A_NMETRICS
                                                                              : SC_C_NMETRICS;
        r->metric[v] = sc_calloc((size_t)n, sizeof *r->metric[v]);
        if (!r->metric[v])
            return SC_ERROR(f->e, SC_ENOMEM, "out of memory");
        for (int k = 0; !rc && k < n; k++) {
            char g[256];
            int found = 0;
            snprintf(g, sizeof g, "/%s/%s", sc_level_names[v], t[k].name);
            rc = sc_h5_read_exists(f, g, &found);
            if (!rc && found)
                rc = read_metric(f, r, (enum sc_level)v, &t[k], &r->metric[v][r->nmetrics[v]++]);
        }
    }
    static const char *const demand[] = { "requests", "new_plans", "plans_total" };
    for (size_t k = 0; !rc && k < sizeof demand / sizeof demand[0]; k++)
        if (!sc_result_metric_find(r, SC_LEVEL_DISTRICT, demand[k])) {
            char g[64];
            snprintf(g, sizeof g, "/district/%s", demand[k]);
            rc = sc_h5_read_bad(f, g, "is missing");
        }
    r->has_costs = sc_result_metric_find(r, SC_LEVEL_DISTRICT, "topup_spend") != NULL;
    r->has_finance = sc_result_metric_find(r, SC_LEVEL_DISTRICT, "hnb_spend") != NULL;
    r->has_cluster_working = sc_result_metric_find(r, SC_LEVEL_DISTRICT, "budget_gap") != NULL;
    return rc;
}

/* A file without finance (a demand-only scenario's) has no targets: every
 * year's is NaN, as in a year without a target. */
static int no_targets(sc_h5r *f, sc_result *r)
{
    size_t ny = (size_t)r->years;
    r->target = sc_calloc(ny ? ny : 1, sizeof *r->target);
    r->p_met = sc_calloc(ny ? ny : 1, sizeof *r->p_met);
    r->p_met_mcse = sc_calloc(ny ? ny : 1, sizeof *r->p_met_mcse);
    if (!r->target || !r->p_met || !r->p_met_mcse)
        return SC_ERROR(f->e, SC_ENOMEM, "out of memory");
    for (size_t t = 0; t < ny; t++)
        r->target[t] = r->p_met[t] = r->p_met_mcse[t] = NAN;
    return SC_OK;
}

/* A target group g's target, p_met and p_met_mcse [ny], and its optional
 * p_all_met and p_all_met_mcse: the layout the Safety Valve and every other
 * target share (docs/outputs.md). */
static int read_p_met(sc_h5r *f, const char *g, size_t ny, double **target, double **p_met,
                      double **p_met_mcse, double *p_all_met, double *p_all_met_mcse)
{
    static const char *const vec[3] = { "target", "p_met", "p_met_mcse" };
    static const char *const one[2] = { "p_all_met", "p_all_met_mcse" };
    double **into[3] = { target, p_met, p_met_mcse }, *at[2] = { p_all_met, p_all_met_mcse };
    char p[192];
    int rc = SC_OK;
    for (int k = 0; !rc && k < 3; k++) {
        snprintf(p, sizeof p, "%s/%s", g, vec[k]);
        rc = sc_h5_read_doubles(f, p, ny, into[k]);
    }
    for (int k = 0; !rc && k < 2; k++) {
        snprintf(p, sizeof p, "%s/%s", g, one[k]);
        rc = sc_h5_read_scalar_opt(f, p, at[k]);
    }
    return rc;
}

static int read_targets(sc_h5r *f, sc_result *r)
{
    static const char g[] = "/targets/safety_valve_balance";
    size_t ny = (size_t)r->years;
    char p[128];
    int found = 0;
    int rc = sc_h5_read_exists(f, g, &found);
    if (rc)
        return rc;
    if (!r->has_finance && !found)
        return no_targets(f, r);
    rc = read_p_met(f, g, ny, &r->target, &r->p_met, &r->p_met_mcse, &r->p_all_met,
                    &r->p_all_met_mcse);
    snprintf(p, sizeof p, "%s/p_first_breach", g);
    if (!rc) rc = sc_h5_read_doubles_opt(f, p, ny, &r->p_first_breach);
    if (!rc) rc = sc_h5_read_exists(f, "/trajectories/targets/met", &found);
    if (!rc && found && ny > 0
        && (unsigned long long)r->trajectories > (SIZE_MAX / sizeof(double)) / ny)
        rc = sc_h5_read_bad(f, "/trajectories/targets/met", "claims more values than memory "
                            "can address");
    if (!rc && found)
        rc = sc_h5_read_doubles(f, "/trajectories/targets/met", ny * (size_t)r->trajectories,
                                &r->met_traj);
    return rc;
}

typedef struct target_walk {
    sc_h5r *f;
    sc_result *r;
} target_walk;

/* A probability read from the file: in [0, 1], or NaN where there is no target. */
static int prob_ok(double p)
{
    return isnan(p) || (p >= 0 && p <= 1);
}

/* One of the other targets, read as untrusted: a name fit for a CSV field,
 * a district metric the file forecasts, a direction, [Y] targets finite or
 * NaN, probabilities in [0, 1] (NaN exactly where the target is). */
static int read_other_target(const char *name, void *ctx)
{
    target_walk *w = ctx;
    sc_h5r *f = w->f;
    sc_result *r = w->r;
    if (!strcmp(name, "safety_valve_balance"))
        return SC_OK;
    char g[160], dir[16];
    snprintf(g, sizeof g, "/targets/%.64s", name);
    int ok = strlen(name) < sizeof r->targets->name && name[0] >= 'a' && name[0] <= 'z';
    for (const char *c = name; ok && *c; c++)
        ok = (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_';
    if (!ok)
        return sc_h5_read_bad(f, g, "has a target name other than [a-z][a-z0-9_]* (at most "
                              "63 characters)");
    if (r->ntargets == SC_RESULT_MAX_TARGETS)
        return sc_h5_read_bad(f, "/targets", "holds too many targets");
    sc_result_target *x = &r->targets[r->ntargets];
    snprintf(x->name, sizeof x->name, "%s", name);
    x->p_all_met = x->p_all_met_mcse = NAN;
    size_t ny = (size_t)r->years;
    int rc = sc_h5_read_attr_string(f, g, "metric", x->metric, sizeof x->metric, 1);
    if (!rc) rc = sc_h5_read_attr_string(f, g, "direction", dir, sizeof dir, 1);
    if (!rc) rc = sc_h5_read_attr_string(f, g, "unit", x->unit, sizeof x->unit, 1);
    if (!rc && !sc_result_metric_find(r, SC_LEVEL_DISTRICT, x->metric))
        rc = sc_h5_read_bad(f, g, "is a target on no district metric the file forecasts");
    if (!rc && strcmp(dir, "at_most") && strcmp(dir, "at_least"))
        rc = sc_h5_read_bad(f, g, "has a direction other than at_most and at_least");
    x->at_least = !strcmp(dir, "at_least");
    if (!rc)
        rc = read_p_met(f, g, ny, &x->target, &x->p_met, &x->p_met_mcse, &x->p_all_met,
                        &x->p_all_met_mcse);
    /* counted now, so that sc_result_free frees what was read even on failure */
    r->ntargets++;
    for (size_t y = 0; !rc && y < ny; y++)
        if (isinf(x->target[y]) || !prob_ok(x->p_met[y]) || !prob_ok(x->p_met_mcse[y])
            || isnan(x->target[y]) != isnan(x->p_met[y]))
            rc = sc_h5_read_bad(f, g, "holds a target that is not finite, or a probability "
                                "outside [0, 1] or not where the target is");
    if (!rc && (!prob_ok(x->p_all_met) || !prob_ok(x->p_all_met_mcse)))
        rc = sc_h5_read_bad(f, g, "holds a p_all_met outside [0, 1]");
    return rc;
}

static int read_other_targets(sc_h5r *f, sc_result *r)
{
    int found = 0;
    int rc = sc_h5_read_exists(f, "/targets", &found);
    if (rc || !found)
        return rc;
    if (!(r->targets = sc_calloc(SC_RESULT_MAX_TARGETS, sizeof *r->targets)))
        return SC_ERROR(f->e, SC_ENOMEM, "out of memory");
    target_walk w = { f, r };
    return sc_h5_read_members(f, "/targets", SC_RESULT_MAX_TARGETS + 1, read_other_target, &w);
}

static int read_inputs(sc_h5r *f, sc_result *r)
{
    int found = 0;
    int rc = sc_h5_read_exists(f, "/inputs/name", &found);
    if (rc || !found)
        return rc;
    rc = sc_h5_read_length(f, "/inputs/name", MAX_INPUTS, &r->ninputs);
    size_t n = (size_t)r->ninputs, st = sizeof(sc_result_input);
    if (!rc && !(r->inputs = sc_calloc(n ? n : 1, st)))
        return SC_ERROR(f->e, SC_ENOMEM, "out of memory");
    sc_result_input *in = r->inputs;
    double *year = NULL, *value = NULL;
    if (!rc) rc = sc_h5_read_strings(f, "/inputs/name", n, in->name, st, sizeof in->name);
    if (!rc) rc = sc_h5_read_strings(f, "/inputs/item", n, in->item, st, sizeof in->item);
    if (!rc) rc = sc_h5_read_strings(f, "/inputs/status", n, in->status, st, sizeof in->status);
    if (!rc) rc = sc_h5_read_strings(f, "/inputs/source", n, in->source, st, sizeof in->source);
    if (!rc) rc = sc_h5_read_doubles(f, "/inputs/year", n, &year);
    if (!rc) rc = sc_h5_read_doubles(f, "/inputs/value", n, &value);
    for (size_t k = 0; !rc && k < n; k++) {
        /* 0: not by year; else a year a scenario may name */
        if (!(year[k] == 0 || (year[k] >= SC_YEAR_MIN && year[k] <= SC_YEAR_MAX
                               && year[k] == floor(year[k])))) {
            rc = sc_h5_read_bad(f, "/inputs/year", "holds a value that is not a year");
            break;
        }
        in[k].year = (int)year[k];
        in[k].value = value[k];
    }
    sc_free(year);
    sc_free(value);
    return rc;
}

/* ---- parameters ------------------------------------------------------ */

/* What each distribution stores (src/write/result_h5.c), and what its
 * numbers must be. */
enum { ANY, POSITIVE, NONNEG, ANY_OR_INF };

typedef struct dist_form {
    const char *dist;
    const char *number[2];
    int size[2];        /* values in each: 1, 2 or 4; -1 one to SC_MAX_DIM */
    int rule[2];
} dist_form;

static const dist_form forms[] = {
    { "fixed", { "value", NULL }, { -1, 0 }, { ANY_OR_INF, 0 } },
    { "beta", { "a", "b" }, { 1, 1 }, { POSITIVE, POSITIVE } },
    { "normal", { "mean", "sd" }, { 1, 1 }, { ANY, NONNEG } },
    { "gamma", { "shape", "scale" }, { 1, 1 }, { POSITIVE, POSITIVE } },
    { "dirichlet", { "alpha", NULL }, { -1, 0 }, { POSITIVE, 0 } },
    { "bivariate_normal", { "mean", "cov" }, { 2, 4 }, { ANY, ANY } },
    { "scaled_inv_chi2", { "nu", "s2" }, { 1, 1 }, { POSITIVE, POSITIVE } },
};

typedef struct param_walk {
    sc_h5r *f;
    sc_result *r;
} param_walk;

static int number_ok(double x, int rule)
{
    switch (rule) {
    case POSITIVE: return isfinite(x) && x > 0;
    case NONNEG: return isfinite(x) && x >= 0;
    case ANY_OR_INF: return !isnan(x);
    default: return isfinite(x);
    }
}

/* One of a distribution's numbers: read, checked, and shown as
 * "name=v" (or "name=[v, ...]"). */
static int param_number(param_walk *w, sc_result_param *p, const char *group,
                        const dist_form *d, int j)
{
    char path[400], item[48], list[SC_RESULT_STR];
    double v[SC_MAX_DIM];
    int n = 0, max = d->size[j] < 0 ? SC_MAX_DIM : d->size[j];
    snprintf(path, sizeof path, "%s/%s", group, d->number[j]);
    int rc = sc_h5_read_numbers(w->f, path, v, max, &n);
    if (!rc && d->size[j] > 0 && n != d->size[j])
        rc = sc_h5_read_bad(w->f, path, "has the wrong number of values for its distribution");
    for (int k = 0; !rc && k < n; k++)
        if (!number_ok(v[k], d->rule[j]))
            rc = sc_h5_read_bad(w->f, path, d->rule[j] == POSITIVE
                                ? "holds a value that is not a positive number"
                                : d->rule[j] == NONNEG ? "holds a negative or undefined value"
                                                       : "holds an undefined value");
    if (rc)
        return rc;
    p->number[j] = d->number[j];
    p->nvalue[j] = n;
    memcpy(p->value[j], v, (size_t)n * sizeof *v);
    size_t used = 0, have = strlen(p->numbers);
    list[0] = '\0';
    for (int k = 0; k < n; k++) {
        snprintf(item, sizeof item, "%.6g", v[k]);
        if (sc_text_append(list, sizeof list, &used, ", ", item))
            break;
    }
    snprintf(p->numbers + have, sizeof p->numbers - have, "%s%s=%s%s%s", have ? "; " : "",
             d->number[j], n > 1 ? "[" : "", list, n > 1 ? "]" : "");
    return SC_OK;
}

/* One parameter group: its attributes, then its distribution's numbers. */
static int read_param(const char *name, void *ctx)
{
    param_walk *w = ctx;
    sc_result_param *p = &w->r->params[w->r->nparams++];
    char group[300];
    if (snprintf(p->name, sizeof p->name, "%s", name) >= (int)sizeof p->name)
        return sc_h5_read_bad(w->f, "/parameters", "has a parameter with an overlong name");
    snprintf(group, sizeof group, "/parameters/%s", name);
    int rc = sc_h5_read_attr_string(w->f, group, "distribution", p->distribution,
                                    sizeof p->distribution, 1);
    if (!rc) rc = sc_h5_read_attr_string(w->f, group, "status", p->status, sizeof p->status, 0);
    if (!rc) rc = sc_h5_read_attr_string(w->f, group, "source", p->source, sizeof p->source, 0);
    const dist_form *d = NULL;
    for (size_t k = 0; k < sizeof forms / sizeof forms[0]; k++)
        if (!strcmp(forms[k].dist, p->distribution))
            d = &forms[k];
    if (!rc && !d)
        rc = sc_h5_read_bad(w->f, group, "has a distribution sendcast does not know");
    for (int j = 0; !rc && j < 2 && d->number[j]; j++)
        rc = param_number(w, p, group, d, j);
    return rc;
}

static int count_member(const char *name, void *ctx)
{
    (void)name;
    ++*(int *)ctx;
    return SC_OK;
}

static int read_params(sc_h5r *f, sc_result *r)
{
    int found = 0, n = 0;
    int rc = sc_h5_read_exists(f, "/parameters", &found);
    if (rc || !found)
        return rc;
    rc = sc_h5_read_members(f, "/parameters", MAX_PARAMS, count_member, &n);
    if (!rc && !(r->params = sc_calloc((size_t)(n ? n : 1), sizeof *r->params)))
        rc = SC_ERROR(f->e, SC_ENOMEM, "out of memory");
    param_walk w = {f, r};
    return rc ? rc : sc_h5_read_members(f, "/parameters", n, read_param, &w);
}

/* ---- a history read from SEN2 ---------------------------------------- */

static int read_history(sc_h5r *f, sc_result *r)
{
    int found = 0;
    int rc = sc_h5_read_exists(f, "/history/releases/path", &found);
    if (rc || !found)
        return rc;
    char name[SC_RESULT_STR], old[16], codes[SC_RESULT_STR];
    rc = sc_h5_read_attr_string(f, "/history", "la_name", name, sizeof name, 0);
    if (!rc) rc = sc_h5_read_attr_string(f, "/history", "la_old_code", old, sizeof old, 0);
    if (!rc) rc = sc_h5_read_attr_string(f, "/history", "la_new_codes", codes, sizeof codes, 0);
    if (!rc
        && snprintf(r->history_la, sizeof r->history_la, "%s (%s%s%s)", name, old,
                    old[0] && codes[0] ? ", " : "", codes) >= (int)sizeof r->history_la)
        rc = sc_h5_read_bad(f, "/history", "names a council too long to show");
    if (!rc) rc = sc_h5_read_length(f, "/history/releases/path", MAX_RELEASES, &r->nreleases);
    size_t n = (size_t)r->nreleases;
    if (!rc && (!(r->release = sc_calloc(n ? n : 1, sizeof *r->release))
                || !(r->release_sha256 = sc_calloc(n ? n : 1, sizeof *r->release_sha256))))
        return SC_ERROR(f->e, SC_ENOMEM, "out of memory");
    if (!rc)
        rc = sc_h5_read_strings(f, "/history/releases/path", n, r->release[0], sizeof *r->release,
                     sizeof *r->release);
    if (!rc)
        rc = sc_h5_read_strings(f, "/history/releases/sha256", n, r->release_sha256[0],
                     sizeof *r->release_sha256, sizeof *r->release_sha256);
    if (!rc) rc = sc_h5_read_exists(f, "/history/exclusions/year", &found);
    if (!rc && found)
        rc = sc_h5_read_length(f, "/history/exclusions/year", MAX_EXCLUSIONS, &r->nexclusions);
    return rc;
}

/* ---- outturn --------------------------------------------------------- */

typedef struct outturn_walk {
    sc_h5r *f;
    sc_result *r;
} outturn_walk;

/* One metric's outturn: a district metric the file forecasts, at most
 * SC_MAX_OUTTURN years, each a whole year up to the base year, ascending,
 * with a finite value and a status. */
static int read_outturn_metric(const char *name, void *ctx)
{
    outturn_walk *w = ctx;
    sc_h5r *f = w->f;
    sc_result *r = w->r;
    char g[128], p[160];
    snprintf(g, sizeof g, "/outturn/%.64s", name);
    sc_result_metric *m = NULL;
    for (int k = 0; k < r->nmetrics[SC_LEVEL_DISTRICT]; k++)
        if (!strcmp(r->metric[SC_LEVEL_DISTRICT][k].name, name))
            m = &r->metric[SC_LEVEL_DISTRICT][k];
    if (!m)
        return sc_h5_read_bad(f, g, "is the outturn of no district metric the file forecasts");
    double *year = NULL, *value = NULL;
    int n = 0;
    snprintf(p, sizeof p, "%s/year", g);
    int rc = sc_h5_read_length(f, p, SC_MAX_OUTTURN, &n);
    if (!rc && n < 1)
        rc = sc_h5_read_bad(f, p, "is empty");
    if (!rc) rc = sc_h5_read_doubles(f, p, (size_t)n, &year);
    snprintf(p, sizeof p, "%s/value", g);
    if (!rc) rc = sc_h5_read_doubles(f, p, (size_t)n, &value);
    snprintf(p, sizeof p, "%s/status", g);
    if (!rc)
        rc = sc_h5_read_strings(f, p, (size_t)n, m->out_status[0], sizeof m->out_status[0],
                                sizeof m->out_status[0]);
    for (int i = 0; !rc && i < n; i++) {
        if (!(year[i] >= SC_YEAR_MIN && year[i] <= r->base_year && year[i] == floor(year[i])
              && (i == 0 || year[i] > year[i - 1]))) {
            snprintf(p, sizeof p, "%s/year", g);
            rc = sc_h5_read_bad(f, p, "holds a value that is not a year up to the base year, "
                                "after the one before");
        } else if (!isfinite(value[i])) {
            snprintf(p, sizeof p, "%s/value", g);
            rc = sc_h5_read_bad(f, p, "holds a value that is not a finite number");
        } else {
            m->out_year[i] = (int)year[i];
            m->out_value[i] = value[i];
        }
    }
    if (!rc)
        m->nout = n;
    sc_free(year);
    sc_free(value);
    return rc;
}

static int read_outturn(sc_h5r *f, sc_result *r)
{
    int found = 0;
    int rc = sc_h5_read_exists(f, "/outturn", &found);
    if (rc || !found)
        return rc;
    outturn_walk w = { f, r };
    return sc_h5_read_members(f, "/outturn", SC_D_NMETRICS, read_outturn_metric, &w);
}

/* ---- the whole file -------------------------------------------------- */

static int read_all(sc_h5r *f, sc_result *r)
{
    int rc = read_root(f, r);
    if (!rc) rc = read_axes(f, r);
    if (!rc) rc = read_metrics(f, r);
    if (!rc) rc = read_targets(f, r);
    if (!rc) rc = read_other_targets(f, r);
    if (!rc) rc = read_history(f, r);
    if (!rc) rc = read_outturn(f, r);
    if (!rc) rc = read_inputs(f, r);
    if (!rc) rc = read_params(f, r);
    return rc;
}

int sc_result_read_image(const char *name, const sc_h5_image *img, sc_result **out,
                         sc_error *e)
{
    *out = NULL;
    sc_result *r = sc_calloc(1, sizeof *r);
    if (!r || !(r->path = sc_strdup(name))) {
        sc_free(r);
        return SC_ERROR(e, SC_ENOMEM, "out of memory reading %s", name);
    }
    r->p_all_met = r->p_all_met_mcse = NAN;
    snprintf(r->money_basis, sizeof r->money_basis, "cash terms (nominal)");
    sc_h5r f;
    int rc = sc_h5_read_open(&f, name, img, SC_FILE_RESULT, e);
    if (!rc) {
        rc = read_all(&f, r);
        sc_h5_read_close(&f);
    }
    if (rc) {
        sc_result_free(r);
        return rc;
    }
    *out = r;
    return SC_OK;
}

static int read_into(const char *path, const sc_h5_image *img, void *ctx, sc_error *e)
{
    sc_result **out = ctx;
    *out = NULL;
    return sc_result_read_image(path, img, out, e);
}

int sc_result_read(const char *path, sc_result **out, sc_error *e)
{
    return sc_result_read_within(path, 0, out, e);
}

int sc_result_read_within(const char *path, double timeout_s, sc_result **out, sc_error *e)
{
    *out = NULL;
    return sc_h5_read_isolated(path, timeout_s, read_into, out, e);
}

static void free_metric(sc_result_metric *m)
{
    sc_free(m->mean);
    sc_free(m->sd);
    sc_free(m->mcse);
    sc_free(m->pct);
    sc_free(m->traj);
}

void sc_result_free(sc_result *r)
{
    if (!r)
        return;
    for (int v = 0; v < SC_NLEVELS; v++) {
        for (int k = 0; r->metric[v] && k < r->nmetrics[v]; k++)
            free_metric(&r->metric[v][k]);
        sc_free(r->metric[v]);
    }
    sc_free(r->path);
    sc_free(r->year);
    sc_free(r->area);
    sc_free(r->area_name);
    sc_free(r->cluster);
    sc_free(r->cluster_area);
    sc_free(r->percentile);
    sc_free(r->target);
    sc_free(r->p_met);
    sc_free(r->p_met_mcse);
    sc_free(r->p_first_breach);
    sc_free(r->met_traj);
    for (int k = 0; k < r->ntargets; k++) {
        sc_free(r->targets[k].target);
        sc_free(r->targets[k].p_met);
        sc_free(r->targets[k].p_met_mcse);
    }
    sc_free(r->targets);
    sc_free(r->release);
    sc_free(r->release_sha256);
    sc_free(r->inputs);
    sc_free(r->params);
    sc_free(r);
}

/* ---- look-ups -------------------------------------------------------- */

typedef struct status_key {
    const char *status;
    int k;
} status_key;

static int by_status(const void *a, const void *b)
{
    const status_key *x = a, *y = b;
    int c = strcmp(x->status, y->status);
    return c ? c : (x->k > y->k) - (x->k < y->k);
}

static int by_first(const void *a, const void *b)
{
    const sc_status_count *x = a, *y = b;
    return (x->first > y->first) - (x->first < y->first);
}

int sc_result_status_counts(const sc_result *r, sc_status_count **out, int *n, sc_error *e)
{
    *out = NULL;
    *n = 0;
    int m = r->ninputs;
    status_key *key = sc_calloc(m > 0 ? (size_t)m : 1, sizeof *key);
    sc_status_count *c = sc_calloc(m > 0 ? (size_t)m : 1, sizeof *c);
    if (!key || !c) {
        sc_free(key);
        sc_free(c);
        return SC_ERROR(e, SC_ENOMEM, "out of memory counting %d inputs by status", m);
    }
    for (int k = 0; k < m; k++)
        key[k] = (status_key){ r->inputs[k].status, k };
    qsort(key, (size_t)m, sizeof *key, by_status);
    int g = 0;
    for (int k = 0; k < m; k++) {
        if (k == 0 || strcmp(key[k].status, key[k - 1].status))
            c[g++] = (sc_status_count){ key[k].k, 0 };   /* sorted by k within: the first */
        c[g - 1].count++;
    }
    sc_free(key);
    qsort(c, (size_t)g, sizeof *c, by_first);
    *out = c;
    *n = g;
    return SC_OK;
}

const sc_result_metric *sc_result_metric_find(const sc_result *r, enum sc_level level,
                                              const char *name)
{
    for (int k = 0; r->metric[level] && k < r->nmetrics[level]; k++)
        if (!strcmp(r->metric[level][k].name, name))
            return &r->metric[level][k];
    return NULL;
}

double sc_result_outturn(const sc_result_metric *m, int year)
{
    for (int i = 0; m && i < m->nout; i++)
        if (m->out_year[i] == year)
            return m->out_value[i];
    return NAN;
}

double sc_result_input_value(const sc_result *r, const char *name, int year)
{
    for (int k = 0; k < r->ninputs; k++)
        if (r->inputs[k].year == year && !strcmp(r->inputs[k].name, name))
            return r->inputs[k].value;
    return NAN;
}

int sc_result_clusters_work(const sc_result *r)
{
    if (!r->has_cluster_working)
        return 0;
    for (int k = 0; k < r->ninputs; k++)
        if (!strcmp(r->inputs[k].name, "cluster_working.ramp") && r->inputs[k].value > 0)
            return 1;
    return 0;
}

int sc_result_outturn_years(const sc_result *r, const char *const *metrics, int n, int *years)
{
    int ny = 0;
    for (int k = 0; k < n; k++) {
        const sc_result_metric *m = sc_result_metric_find(r, SC_LEVEL_DISTRICT, metrics[k]);
        for (int i = 0; m && i < m->nout; i++) {
            int j = ny;
            while (j > 0 && years[j - 1] > m->out_year[i])
                j--;
            if (j > 0 && years[j - 1] == m->out_year[i])
                continue;
            memmove(years + j + 1, years + j, (size_t)(ny - j) * sizeof *years);
            years[j] = m->out_year[i];
            ny++;
        }
    }
    return ny;
}

int sc_result_year_index(const sc_result *r, int year)
{
    for (int t = 0; t < r->years; t++)
        if (r->year[t] == year)
            return t;
    return -1;
}

static int stored_index(const sc_result *r, double q)
{
    for (int k = 0; k < r->np; k++)
        if (fabs(r->percentile[k] - q) < 1e-9)
            return k;
    return -1;
}

/* Percentile q of one (year, unit) cell from the trajectories; x is n scratch. */
static double from_trajectories(const sc_result *r, const sc_result_metric *m, int t, int u,
                                double q, double *x)
{
    long n = r->trajectories;
    size_t stride = (size_t)r->years * (size_t)m->units, at = (size_t)t * (size_t)m->units + (size_t)u;
    for (long i = 0; i < n; i++) {
        x[i] = m->traj[(size_t)i * stride + at];
        if (isnan(x[i]))
            return NAN;
    }
    sc_stats_sort(x, (size_t)n);
    return sc_stats_type7(x, (size_t)n, q / 100.0);
}

/* ---- real terms -------------------------------------------------------- */

/* Metric m from its trajectories, each divided by its own price index pi
 * ([N][Y]): mean, sd, MC error and every stored percentile again. */
static void real_from_trajectories(sc_result *r, sc_result_metric *m, const double *pi,
                                   double *x)
{
    long n = r->trajectories;
    size_t stride = (size_t)r->years * (size_t)m->units;
    for (long i = 0; i < n; i++)
        for (int t = 0; t < r->years; t++)
            for (int u = 0; u < m->units; u++)
                m->traj[(size_t)i * stride + (size_t)t * (size_t)m->units + (size_t)u] /=
                    pi[(size_t)i * (size_t)r->years + (size_t)t];
    for (int t = 0; t < r->years; t++)
        for (int u = 0; u < m->units; u++) {
            size_t c = (size_t)t * (size_t)m->units + (size_t)u;
            double sum = 0, ss = 0;
            for (long i = 0; i < n; i++)
                sum += m->traj[(size_t)i * stride + c];
            double mean = sum / (double)n;
            for (long i = 0; i < n; i++) {
                double d = m->traj[(size_t)i * stride + c] - mean;
                ss += d * d;
            }
            m->mean[c] = mean;
            m->sd[c] = n > 1 ? sqrt(ss / (double)(n - 1)) : 0.0;
            m->mcse[c] = m->sd[c] / sqrt((double)n);
            for (int k = 0; k < r->np; k++)
                m->pct[c * (size_t)r->np + (size_t)k] = from_trajectories(r, m, t, u,
                                                                          r->percentile[k], x);
        }
}

int sc_result_real_terms(sc_result *r, sc_error *e)
{
    const sc_result_metric *pi = sc_result_metric_find(r, SC_LEVEL_DISTRICT, "price_index");
    if (!pi)
        return SC_ERROR(e, SC_EINPUT, "%s: no price index to show real terms by (%s); "
                        "run the scenario again with this sendcast", r->path,
                        r->has_costs ? "written before sendcast stored it"
                                     : "a demand-only result has no money");
    if (r->real)
        return SC_OK;
    double *x = NULL;
    if (pi->traj && !(x = sc_calloc((size_t)r->trajectories, sizeof *x)))
        return SC_ERROR(e, SC_ENOMEM, "out of memory");
    for (int v = 0; v < SC_NLEVELS; v++)
        for (int k = 0; k < r->nmetrics[v]; k++) {
            sc_result_metric *m = &r->metric[v][k];
            if (strcmp(m->unit, "GBP"))
                continue;
            if (m->traj && pi->traj) {
                real_from_trajectories(r, m, pi->traj, x);
                continue;
            }
            for (int t = 0; t < r->years; t++)
                for (int u = 0; u < m->units; u++) {
                    size_t c = (size_t)t * (size_t)m->units + (size_t)u;
                    m->mean[c] /= pi->mean[t];
                    m->sd[c] /= pi->mean[t];
                    m->mcse[c] /= pi->mean[t];
                    for (int q = 0; q < r->np; q++)
                        m->pct[c * (size_t)r->np + (size_t)q] /= pi->mean[t];
                }
        }
    sc_free(x);
    for (int t = 0; r->target && t < r->years; t++)
        r->target[t] /= pi->mean[t];
    for (int k = 0; k < r->ntargets; k++)
        for (int t = 0; !strcmp(r->targets[k].unit, "GBP") && t < r->years; t++)
            r->targets[k].target[t] /= pi->mean[t];
    for (int k = 0; k < r->ninputs; k++) {
        int t = sc_result_year_index(r, r->inputs[k].year);
        if (t >= 0 && !strncmp(r->inputs[k].name, "finance.council_projection.", 27))
            r->inputs[k].value /= pi->mean[t];
    }
    r->real = 1;
    snprintf(r->money_basis, sizeof r->money_basis, "real terms (%s prices)",
             sc_year_label(r->base_year).s);
    return SC_OK;
}

int sc_result_quantiles(const sc_result *r, const sc_result_metric *m, int u, int nq,
                        const double *q, double *out, sc_error *e)
{
    double *x = NULL;
    int rc = SC_OK;
    for (int k = 0; !rc && k < nq; k++) {
        int s = stored_index(r, q[k]);
        if (s < 0 && !m->traj) {
            rc = SC_ERROR(e, SC_EINPUT, "%s: %s/%s stores no %gth percentile and no "
                          "per-trajectory values to compute it from (add %g to the "
                          "scenario's percentiles)", r->path, sc_level_names[m->level],
                          m->name, q[k], q[k]);
            break;
        }
        if (s < 0 && !x && !(x = sc_calloc((size_t)r->trajectories, sizeof *x))) {
            rc = SC_ERROR(e, SC_ENOMEM, "out of memory");
            break;
        }
        for (int t = 0; t < r->years; t++) {
            size_t cell = (size_t)t * (size_t)m->units + (size_t)u;
            out[(size_t)t * (size_t)nq + (size_t)k] =
                s >= 0 ? m->pct[cell * (size_t)r->np + (size_t)s]
                       : from_trajectories(r, m, t, u, q[k], x);
        }
    }
    sc_free(x);
    return rc;
}

double sc_result_p_positive(const sc_result *r, const sc_result_metric *m, int t, int u,
                            int *exact)
{
    size_t at = (size_t)t * (size_t)m->units + (size_t)u;
    *exact = m->traj != NULL;
    if (m->traj) {
        size_t stride = (size_t)r->years * (size_t)m->units;
        long hits = 0;
        for (long i = 0; i < r->trajectories; i++)
            hits += m->traj[(size_t)i * stride + at] > 0;
        return (double)hits / (double)r->trajectories;
    }
    double q = 0;
    for (int k = 0; k < r->np; k++)
        if (m->pct[at * (size_t)r->np + (size_t)k] <= 0)
            q = r->percentile[k];
    return 1 - q / 100;
}
