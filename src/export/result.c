/*
 * result.c — read a result file back (result.h), through the checked HDF5
 * layer (h5.h), which first checks that it is a result file of a format this
 * sendcast reads.
 *
 * The reader is strict about shapes, because export, compare and report
 * index these arrays blindly: every dataset's element count is checked
 * against the axes before it is read, and a missing or misshapen one is an
 * input error naming the file and the dataset. It is lenient about what may
 * be absent: per-trajectory values (files written before /trajectories) and
 * the newer Safety Valve cells read as NULL / NaN, so older files still
 * export.
 */
#include "sendcast/result.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sendcast/alloc.h"
#include "sendcast/h5.h"
#include "sendcast/text.h"
#include "sendcast/stats.h"

/* ---- parts of the file ----------------------------------------------- */

static int read_root(sc_h5r *f, sc_result *r)
{
    struct { const char *name; char *out; size_t size; int required; } s[] = {
        { "engine_version", r->engine_version, sizeof r->engine_version, 1 },
        { "model_version", r->model_version, sizeof r->model_version, 1 },
        { "scenario_name", r->scenario_name, sizeof r->scenario_name, 1 },
        { "scenario_sha256", r->scenario_sha256, sizeof r->scenario_sha256, 1 },
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
    if (!rc && (n < 1 || r->horizon < 1 || r->horizon > 200))
        rc = sc_h5_read_bad(f, "/", "has impossible trajectories or horizon attributes");
    r->trajectories = (long)n;
    return rc;
}

static int read_axes(sc_h5r *f, sc_result *r)
{
    double *y = NULL;
    r->years = r->horizon;
    int rc = sc_h5_read_doubles(f, "/axes/year", (size_t)r->years, &y);
    if (!rc && !(r->year = sc_calloc((size_t)r->years, sizeof *r->year)))
        rc = SC_ERROR(f->e, SC_ENOMEM, "out of memory");
    for (int t = 0; !rc && t < r->years; t++)
        r->year[t] = (int)y[t];
    sc_free(y);
    if (!rc) rc = sc_h5_read_length(f, "/axes/area", &r->nareas);
    if (!rc) rc = sc_h5_read_length(f, "/axes/cluster", &r->nclusters);
    if (!rc) rc = sc_h5_read_length(f, "/axes/percentile", &r->np);
    if (rc)
        return rc;
    size_t na = (size_t)r->nareas, nc = (size_t)r->nclusters;
    r->area = sc_calloc(na ? na : 1, sizeof *r->area);
    r->area_name = sc_calloc(na ? na : 1, sizeof *r->area_name);
    r->cluster = sc_calloc(nc ? nc : 1, sizeof *r->cluster);
    r->cluster_area = sc_calloc(nc ? nc : 1, sizeof *r->cluster_area);
    char (*ca)[64] = sc_calloc(nc ? nc : 1, sizeof *ca);
    if (!r->area || !r->area_name || !r->cluster || !r->cluster_area || !ca)
        rc = SC_ERROR(f->e, SC_ENOMEM, "out of memory");
    if (!rc) rc = sc_h5_read_strings(f, "/axes/area", na, r->area[0], sizeof *r->area, sizeof *r->area);
    if (!rc && sc_h5_read_exists(f, "/axes/area_name"))
        rc = sc_h5_read_strings(f, "/axes/area_name", na, r->area_name[0], sizeof *r->area_name,
                     sizeof *r->area_name);
    if (!rc)
        rc = sc_h5_read_strings(f, "/axes/cluster", nc, r->cluster[0], sizeof *r->cluster, sizeof *r->cluster);
    if (!rc && sc_h5_read_exists(f, "/axes/cluster_area"))
        rc = sc_h5_read_strings(f, "/axes/cluster_area", nc, ca[0], sizeof *ca, sizeof *ca);
    for (size_t c = 0; !rc && c < nc; c++) {
        r->cluster_area[c] = -1;
        for (size_t a = 0; a < na; a++)
            if (!strcmp(ca[c], r->area[a]))
                r->cluster_area[c] = (int)a;
    }
    sc_free(ca);
    if (!rc) rc = sc_h5_read_doubles(f, "/axes/percentile", (size_t)r->np, &r->percentile);
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
    if (!rc) rc = sc_h5_read_doubles_opt(f, p, cells * (size_t)r->trajectories, &m->traj);
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
            snprintf(g, sizeof g, "/%s/%s", sc_level_names[v], t[k].name);
            if (sc_h5_read_exists(f, g))
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

static int read_targets(sc_h5r *f, sc_result *r)
{
    static const char g[] = "/targets/safety_valve_balance";
    size_t ny = (size_t)r->years;
    char p[128];
    if (!r->has_finance && !sc_h5_read_exists(f, g))
        return no_targets(f, r);
    snprintf(p, sizeof p, "%s/target", g);
    int rc = sc_h5_read_doubles(f, p, ny, &r->target);
    snprintf(p, sizeof p, "%s/p_met", g);
    if (!rc) rc = sc_h5_read_doubles(f, p, ny, &r->p_met);
    snprintf(p, sizeof p, "%s/p_met_mcse", g);
    if (!rc) rc = sc_h5_read_doubles(f, p, ny, &r->p_met_mcse);
    snprintf(p, sizeof p, "%s/p_first_breach", g);
    if (!rc) rc = sc_h5_read_doubles_opt(f, p, ny, &r->p_first_breach);
    snprintf(p, sizeof p, "%s/p_all_met", g);
    if (!rc) rc = sc_h5_read_scalar_opt(f, p, &r->p_all_met);
    snprintf(p, sizeof p, "%s/p_all_met_mcse", g);
    if (!rc) rc = sc_h5_read_scalar_opt(f, p, &r->p_all_met_mcse);
    if (!rc)
        rc = sc_h5_read_doubles_opt(f, "/trajectories/targets/met", ny * (size_t)r->trajectories,
                         &r->met_traj);
    return rc;
}

static int read_inputs(sc_h5r *f, sc_result *r)
{
    if (!sc_h5_read_exists(f, "/inputs/name"))
        return SC_OK;
    int rc = sc_h5_read_length(f, "/inputs/name", &r->ninputs);
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
        in[k].year = (int)year[k];
        in[k].value = value[k];
    }
    sc_free(year);
    sc_free(value);
    return rc;
}

/* ---- parameters ------------------------------------------------------ */

typedef struct param_walk {
    sc_h5r *f;
    sc_result *r;
    const char *group;
    sc_result_param *p;
} param_walk;

/* Append "name=v" (or "name=[v, ...]") for one dataset of a parameter group;
 * a subgroup shows nothing. */
static int param_number(const char *name, void *ctx)
{
    param_walk *w = ctx;
    char path[300], item[48], list[SC_RESULT_STR];
    double v[16];
    snprintf(path, sizeof path, "%s/%s", w->group, name);
    int n = sc_h5_read_small(w->f, path, v, 16);
    size_t used = 0, have = strlen(w->p->numbers);
    list[0] = '\0';
    for (int k = 0; k < n; k++) {
        snprintf(item, sizeof item, "%.6g", v[k]);
        if (sc_text_append(list, sizeof list, &used, ", ", item))
            break;
    }
    if (n > 0) {
        snprintf(item, sizeof item, "%s=%s", name, n > 1 ? "[" : "");
        snprintf(w->p->numbers + have, sizeof w->p->numbers - have, "%s%s%s%s",
                 have ? "; " : "", item, list, n > 1 ? "]" : "");
    }
    return SC_OK;
}

/* One parameter group: its attributes, then its numbers. */
static int read_param(const char *name, void *ctx)
{
    param_walk *w = ctx;
    sc_result_param *p = &w->r->params[w->r->nparams++];
    char group[300];
    snprintf(p->name, sizeof p->name, "%s", name);
    snprintf(group, sizeof group, "/parameters/%s", name);
    int rc = sc_h5_read_attr_string(w->f, group, "distribution", p->distribution,
                                    sizeof p->distribution, 0);
    if (!rc) rc = sc_h5_read_attr_string(w->f, group, "status", p->status, sizeof p->status, 0);
    if (!rc) rc = sc_h5_read_attr_string(w->f, group, "source", p->source, sizeof p->source, 0);
    param_walk inner = {w->f, w->r, group, p};
    return rc ? rc : sc_h5_read_members(w->f, group, param_number, &inner);
}

static int count_member(const char *name, void *ctx)
{
    (void)name;
    ++*(int *)ctx;
    return SC_OK;
}

static int read_params(sc_h5r *f, sc_result *r)
{
    if (!sc_h5_read_exists(f, "/parameters"))
        return SC_OK;
    int n = 0, rc = sc_h5_read_members(f, "/parameters", count_member, &n);
    if (!rc && !(r->params = sc_calloc((size_t)(n ? n : 1), sizeof *r->params)))
        rc = SC_ERROR(f->e, SC_ENOMEM, "out of memory");
    param_walk w = {f, r, "/parameters", NULL};
    return rc ? rc : sc_h5_read_members(f, "/parameters", read_param, &w);
}

/* ---- a history read from SEN2 ---------------------------------------- */

static int read_history(sc_h5r *f, sc_result *r)
{
    if (!sc_h5_read_exists(f, "/history/releases/path"))
        return SC_OK;
    char name[96], old[16], codes[128];
    int rc = sc_h5_read_attr_string(f, "/history", "la_name", name, sizeof name, 0);
    if (!rc) rc = sc_h5_read_attr_string(f, "/history", "la_old_code", old, sizeof old, 0);
    if (!rc) rc = sc_h5_read_attr_string(f, "/history", "la_new_codes", codes, sizeof codes, 0);
    if (!rc)
        snprintf(r->history_la, sizeof r->history_la, "%s (%s%s%s)", name, old,
                 old[0] && codes[0] ? ", " : "", codes);
    if (!rc) rc = sc_h5_read_length(f, "/history/releases/path", &r->nreleases);
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
    if (!rc && sc_h5_read_exists(f, "/history/exclusions/year"))
        rc = sc_h5_read_length(f, "/history/exclusions/year", &r->nexclusions);
    return rc;
}

/* ---- the whole file -------------------------------------------------- */

static int read_all(sc_h5r *f, sc_result *r)
{
    int rc = read_root(f, r);
    if (!rc) rc = read_axes(f, r);
    if (!rc) rc = read_metrics(f, r);
    if (!rc) rc = read_targets(f, r);
    if (!rc) rc = read_history(f, r);
    if (!rc) rc = read_inputs(f, r);
    if (!rc) rc = read_params(f, r);
    return rc;
}

int sc_result_read(const char *path, sc_result **out, sc_error *e)
{
    *out = NULL;
    sc_result *r = sc_calloc(1, sizeof *r);
    if (!r || !(r->path = sc_strdup(path))) {
        sc_free(r);
        return SC_ERROR(e, SC_ENOMEM, "out of memory reading %s", path);
    }
    r->p_all_met = r->p_all_met_mcse = NAN;
    sc_h5r f;
    int rc = sc_h5_read_open(&f, path, SC_FILE_RESULT, e);
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
    sc_free(r->release);
    sc_free(r->release_sha256);
    sc_free(r->inputs);
    sc_free(r->params);
    sc_free(r);
}

/* ---- look-ups -------------------------------------------------------- */

const sc_result_metric *sc_result_metric_find(const sc_result *r, enum sc_level level,
                                              const char *name)
{
    for (int k = 0; r->metric[level] && k < r->nmetrics[level]; k++)
        if (!strcmp(r->metric[level][k].name, name))
            return &r->metric[level][k];
    return NULL;
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
