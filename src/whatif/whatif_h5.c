/*
 * whatif_h5.c — the sweep and attribution files (whatif.h), written whole or
 * not at all through the checked HDF5 layer (h5.h), and read back for
 * `report`.
 *
 * Sweep (file_kind "sweep"; a goal seek's runs are one too, with `goal`):
 *   /                       attrs scenario_name, scenario_path, seed, trajectories,
 *                           base_year, horizon, points, goal, answer, and the run's
 *                           (engine_version, created_utc, git_revision, threads,
 *                           command_line, wall_seconds)
 *   /sweep/axis             string [K]      the --set paths
 *   /sweep/value/<k>        string [N]      axis k's value at each point
 *   /sweep/metric           string [M]      the outputs, in order
 *   /axes/year              int32 [Y];  /axes/quantile float64 [3] (5, 50, 95)
 *   /district/<metric>/mean, sd, mcse   float64 [N][Y];  .../quantiles [N][Y][3]
 *   /targets/safety_valve_balance/target [Y], p_met, p_met_mcse [N][Y],
 *                           p_all_met, p_all_met_mcse [N]   (with targets)
 *   /scenario, /levers, attr overrides: the scenario's provenance (write.h)
 *
 * Attribution (file_kind "attribution"):
 *   /                       attrs old_name, new_name, old_path, new_path,
 *                           old_base_year, new_base_year, seed, trajectories,
 *                           statistic ("p50", "mean"), first_year, years,
 *                           has_targets, and the run's
 *   /attribution/year       int32 [Y]       the common calendar years
 *   /attribution/output     string [R]      the outputs, then "p_met"
 *   /attribution/step, step_kind   string [S]
 *   /attribution/old, new   float64 [R][Y]  the statistic of OLD and NEW
 *   /attribution/change, se float64 [S][R][Y]   each step's change, its standard error
 *   /old, /new              each scenario's provenance (/old/scenario/text, ...)
 */
#include "wi_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sendcast/alloc.h"
#include "sendcast/h5.h"
#include "sendcast/version.h"
#include "sendcast/write.h"

#define ROWS (SC_WHATIF_MAX_METRICS + 1)

/* What every what-if file says of the run that made it. */
typedef struct run_attrs {
    const char *command_line;
    int threads;
    double seconds;
} run_attrs;

static int write_run(sc_h5w *w, const char *kind, const run_attrs *r, sc_error *e)
{
    char created[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", &tm);
    int rc = sc_h5_write_kind(w, kind, e);
    if (!rc) rc = sc_h5_attr_string(w, "/", "engine_version", SC_VERSION, e);
    if (!rc) rc = sc_h5_attr_string(w, "/", "git_revision", SC_GIT_REV, e);
    if (!rc) rc = sc_h5_attr_string(w, "/", "created_utc", created, e);
    if (!rc) rc = sc_h5_attr_string(w, "/", "command_line", r->command_line, e);
    if (!rc) rc = sc_h5_attr_int(w, "/", "threads", r->threads, e);
    if (!rc) rc = sc_h5_attr_double(w, "/", "wall_seconds", r->seconds, e);
    return rc;
}

static int write_years(sc_h5w *w, const char *path, int first, int n, sc_error *e)
{
    int32_t year[SC_MAX_HORIZON];
    for (int y = 0; y < n; y++)
        year[y] = first + y;
    hsize_t d = (hsize_t)n;
    return sc_h5_int32s(w, path, 1, &d, year, e);
}

/* ---- sweep ---- */

typedef struct sweep_parts {
    const sc_whatif_sweep *s;
    const sc_scenario *scenario;
    run_attrs run;
} sweep_parts;

static int write_metric(sc_h5w *w, const sc_whatif_sweep *s, int m, double *buf, sc_error *e)
{
    const size_t N = (size_t)s->npoints, Y = (size_t)s->years;
    hsize_t d2[2] = { N, Y }, d3[3] = { N, Y, SC_WHATIF_NQ };
    char path[256];
    const char *name = sc_district_metrics[s->metric[m]].name;
    int rc = SC_OK;
    static const char *const what[] = { "mean", "sd", "mcse" };
    for (int k = 0; !rc && k < 3; k++) {
        for (size_t i = 0; i < N; i++)
            for (size_t y = 0; y < Y; y++) {
                const sc_whatif_point *p = &s->point[i];
                buf[i * Y + y] = k == 0 ? p->mean[m][y] : k == 1 ? p->sd[m][y] : p->mcse[m][y];
            }
        rc = sc_h5_path(path, sizeof path, e, "/district/%s/%s", name, what[k]);
        if (!rc) rc = sc_h5_doubles(w, path, 2, d2, buf, e);
    }
    for (size_t i = 0; i < N; i++)
        for (size_t y = 0; y < Y; y++)
            for (int j = 0; j < SC_WHATIF_NQ; j++)
                buf[(i * Y + y) * SC_WHATIF_NQ + (size_t)j] = s->point[i].q[m][y][j];
    if (!rc) rc = sc_h5_path(path, sizeof path, e, "/district/%s/quantiles", name);
    if (!rc) rc = sc_h5_doubles(w, path, 3, d3, buf, e);
    if (!rc) rc = sc_h5_path(path, sizeof path, e, "/district/%s", name);
    if (!rc) rc = sc_h5_attr_string(w, path, "unit", sc_district_metrics[s->metric[m]].unit, e);
    return rc;
}

static int write_targets(sc_h5w *w, const sc_whatif_sweep *s, double *buf, sc_error *e)
{
    static const char g[] = "/targets/safety_valve_balance";
    const size_t N = (size_t)s->npoints, Y = (size_t)s->years;
    hsize_t dy = Y, dn = N, d2[2] = { N, Y };
    int rc = sc_h5_group(w, g, e);
    if (!rc) rc = sc_h5_doubles(w, "/targets/safety_valve_balance/target", 1, &dy, s->target, e);
    for (int k = 0; !rc && k < 2; k++) {
        for (size_t i = 0; i < N; i++)
            for (size_t y = 0; y < Y; y++)
                buf[i * Y + y] = k ? s->point[i].p_met_mcse[y] : s->point[i].p_met[y];
        rc = sc_h5_doubles(w, k ? "/targets/safety_valve_balance/p_met_mcse"
                                : "/targets/safety_valve_balance/p_met", 2, d2, buf, e);
    }
    for (int k = 0; !rc && k < 2; k++) {
        for (size_t i = 0; i < N; i++)
            buf[i] = k ? s->point[i].p_all_met_mcse : s->point[i].p_all_met;
        rc = sc_h5_doubles(w, k ? "/targets/safety_valve_balance/p_all_met_mcse"
                                : "/targets/safety_valve_balance/p_all_met", 1, &dn, buf, e);
    }
    return rc;
}

static int fill_sweep(sc_h5w *w, const void *ctx, sc_error *e)
{
    const sweep_parts *p = ctx;
    const sc_whatif_sweep *s = p->s;
    const size_t N = (size_t)s->npoints;
    double *buf = sc_malloc(N * (size_t)s->years * SC_WHATIF_NQ * sizeof *buf + 8);
    const char **text = sc_calloc(N + SC_WHATIF_MAX_METRICS + SC_WHATIF_MAX_AXES, sizeof *text);
    if (!buf || !text) {
        sc_free(buf);
        sc_free(text);
        return SC_ERROR(e, SC_ENOMEM, "out of memory");
    }
    int rc = write_run(w, SC_FILE_SWEEP, &p->run, e);
    if (!rc) rc = sc_h5_attr_string(w, "/", "scenario_name", s->scenario, e);
    if (!rc) rc = sc_h5_attr_string(w, "/", "scenario_path", s->path, e);
    if (!rc) rc = sc_h5_attr_uint64(w, "/", "seed", s->seed, e);
    if (!rc) rc = sc_h5_attr_int64(w, "/", "trajectories", s->trajectories, e);
    if (!rc) rc = sc_h5_attr_int(w, "/", "base_year", s->base_year, e);
    if (!rc) rc = sc_h5_attr_int(w, "/", "horizon", s->years, e);
    if (!rc) rc = sc_h5_attr_int(w, "/", "points", s->npoints, e);
    if (!rc) rc = sc_h5_attr_string(w, "/", "goal", s->goal, e);
    if (!rc) rc = sc_h5_attr_string(w, "/", "answer", s->answer, e);
    for (int a = 0; a < s->naxes; a++)
        text[a] = s->axis[a];
    if (!rc) rc = sc_h5_strings(w, "/sweep/axis", (size_t)s->naxes, text, e);
    for (int a = 0; !rc && a < s->naxes; a++) {
        char path[64];
        for (size_t i = 0; i < N; i++)
            text[i] = s->value[i][a];
        rc = sc_h5_path(path, sizeof path, e, "/sweep/value/%d", a);
        if (!rc) rc = sc_h5_strings(w, path, N, text, e);
    }
    for (int m = 0; m < s->nmetric; m++)
        text[m] = sc_district_metrics[s->metric[m]].name;
    if (!rc) rc = sc_h5_strings(w, "/sweep/metric", (size_t)s->nmetric, text, e);
    if (!rc) rc = write_years(w, "/axes/year", s->base_year + 1, s->years, e);
    hsize_t dq = SC_WHATIF_NQ;
    if (!rc) rc = sc_h5_doubles(w, "/axes/quantile", 1, &dq, sc_whatif_q, e);
    for (int m = 0; !rc && m < s->nmetric; m++)
        rc = write_metric(w, s, m, buf, e);
    if (!rc && s->has_targets)
        rc = write_targets(w, s, buf, e);
    if (!rc && p->scenario)
        rc = sc_write_scenario_provenance(w, p->scenario, "", e);
    sc_free(buf);
    sc_free(text);
    return rc;
}

int sc_whatif_sweep_write_h5(const sc_whatif_sweep *s, const sc_scenario *scenario,
                             const char *path, int force, const char *command_line,
                             int threads, sc_error *e)
{
    int rc = sc_write_check_target(path, force, scenario, e);
    if (rc)
        return rc;
    const sweep_parts parts = { s, scenario, { command_line, threads, s->seconds } };
    return sc_h5_write_file(path, force, fill_sweep, &parts, e);
}

/* ---- reading a sweep back ---- */

static int read_matrix(sc_h5r *r, const char *path, size_t n, double **out)
{
    return sc_h5_read_doubles(r, path, n, out);
}

static int read_sweep_metric(sc_h5r *r, sc_whatif_sweep *s, int m)
{
    const size_t N = (size_t)s->npoints, Y = (size_t)s->years;
    const char *name = sc_district_metrics[s->metric[m]].name;
    static const char *const what[] = { "mean", "sd", "mcse", "quantiles" };
    int rc = SC_OK;
    for (int k = 0; !rc && k < 4; k++) {
        char path[256];
        double *v = NULL;
        snprintf(path, sizeof path, "/district/%s/%s", name, what[k]);
        rc = read_matrix(r, path, N * Y * (k == 3 ? SC_WHATIF_NQ : 1), &v);
        for (size_t i = 0; !rc && i < N; i++)
            for (size_t y = 0; y < Y; y++) {
                sc_whatif_point *p = &s->point[i];
                if (k == 3)
                    for (int j = 0; j < SC_WHATIF_NQ; j++)
                        p->q[m][y][j] = v[(i * Y + y) * SC_WHATIF_NQ + (size_t)j];
                else
                    (k == 0 ? p->mean : k == 1 ? p->sd : p->mcse)[m][y] = v[i * Y + y];
            }
        sc_free(v);
    }
    return rc;
}

static int read_sweep_targets(sc_h5r *r, sc_whatif_sweep *s)
{
    const size_t N = (size_t)s->npoints, Y = (size_t)s->years;
    double *t = NULL, *pm = NULL, *pms = NULL, *pa = NULL, *pas = NULL;
    int rc = sc_h5_read_doubles(r, "/targets/safety_valve_balance/target", Y, &t);
    if (!rc) rc = sc_h5_read_doubles(r, "/targets/safety_valve_balance/p_met", N * Y, &pm);
    if (!rc) rc = sc_h5_read_doubles(r, "/targets/safety_valve_balance/p_met_mcse", N * Y, &pms);
    if (!rc) rc = sc_h5_read_doubles(r, "/targets/safety_valve_balance/p_all_met", N, &pa);
    if (!rc) rc = sc_h5_read_doubles(r, "/targets/safety_valve_balance/p_all_met_mcse", N, &pas);
    for (size_t i = 0; !rc && i < N; i++) {
        for (size_t y = 0; y < Y; y++) {
            s->point[i].p_met[y] = pm[i * Y + y];
            s->point[i].p_met_mcse[y] = pms[i * Y + y];
        }
        s->point[i].p_all_met = pa[i];
        s->point[i].p_all_met_mcse = pas[i];
    }
    for (size_t y = 0; !rc && y < Y; y++)
        s->target[y] = t[y];
    sc_free(t);
    sc_free(pm);
    sc_free(pms);
    sc_free(pa);
    sc_free(pas);
    return rc;
}

static int metric_of(sc_h5r *r, const char *name, int *out)
{
    *out = sc_layout_district_metric(name);
    if (*out >= 0)
        return SC_OK;
    return sc_h5_read_bad(r, name, "is not an output of this sendcast (in /sweep/metric)");
}

static int read_sweep_body(sc_h5r *r, sc_whatif_sweep *s)
{
    int rc = SC_OK, naxes = 0, nmetric = 0;
    if (!rc) rc = sc_h5_read_length(r, "/sweep/axis", SC_WHATIF_MAX_AXES, &naxes);
    if (!rc) rc = sc_h5_read_length(r, "/sweep/metric", SC_WHATIF_MAX_METRICS, &nmetric);
    if (!rc && (naxes < 1 || naxes > SC_WHATIF_MAX_AXES || nmetric < 0
                || nmetric > SC_WHATIF_MAX_METRICS || s->years < 1 || s->years > SC_MAX_HORIZON
                || s->npoints < 1 || s->npoints > SC_WHATIF_MAX_POINTS))
        return sc_h5_read_bad(r, "/", "has axes, outputs, years or points out of range");
    s->naxes = naxes;
    s->nmetric = nmetric;
    if (!rc) rc = sc_h5_read_strings(r, "/sweep/axis", (size_t)naxes, s->axis[0],
                                     sizeof s->axis[0], sizeof s->axis[0]);
    for (int a = 0; !rc && a < naxes; a++) {
        char path[64];
        snprintf(path, sizeof path, "/sweep/value/%d", a);
        rc = sc_h5_read_strings(r, path, (size_t)s->npoints, s->value[0][a], sizeof s->value[0],
                                SC_WHATIF_VALUE_MAX);
    }
    char names[SC_WHATIF_MAX_METRICS][64];
    if (!rc) rc = sc_h5_read_strings(r, "/sweep/metric", (size_t)nmetric, names[0],
                                     sizeof names[0], sizeof names[0]);
    for (int m = 0; !rc && m < nmetric; m++)
        rc = metric_of(r, names[m], &s->metric[m]);
    for (int m = 0; !rc && m < nmetric; m++)
        rc = read_sweep_metric(r, s, m);
    if (!rc)
        rc = sc_h5_read_exists(r, "/targets/safety_valve_balance/p_met", &s->has_targets);
    for (int y = 0; y < SC_MAX_HORIZON; y++)
        s->target[y] = NAN;
    if (!rc && s->has_targets)
        rc = read_sweep_targets(r, s);
    return rc;
}

static int sweep_read_image(const char *path, const sc_h5_image *img, void *ctx, sc_error *e)
{
    sc_whatif_sweep **out = ctx;
    *out = NULL;
    sc_h5r r;
    int rc = sc_h5_read_open(&r, path, img, SC_FILE_SWEEP, e);
    if (rc)
        return rc;
    sc_whatif_sweep *s = sc_calloc(1, sizeof *s);
    int64_t traj = 0;
    int np = 0;
    if (!s)
        rc = SC_ERROR(e, SC_ENOMEM, "out of memory");
    if (!rc) rc = sc_h5_read_attr_string(&r, "/", "scenario_name", s->scenario, sizeof s->scenario, 1);
    if (!rc) rc = sc_h5_read_attr_string(&r, "/", "scenario_path", s->path, sizeof s->path, 0);
    if (!rc) rc = sc_h5_read_attr_uint64(&r, "/", "seed", &s->seed);
    if (!rc) rc = sc_h5_read_attr_int64(&r, "/", "trajectories", &traj);
    if (!rc) rc = sc_h5_read_attr_int(&r, "/", "base_year", &s->base_year);
    if (!rc) rc = sc_h5_read_attr_int(&r, "/", "horizon", &s->years);
    if (!rc) rc = sc_h5_read_attr_int(&r, "/", "points", &np);
    if (!rc) rc = sc_h5_read_attr_string(&r, "/", "goal", s->goal, sizeof s->goal, 0);
    if (!rc) rc = sc_h5_read_attr_string(&r, "/", "answer", s->answer, sizeof s->answer, 0);
    if (!rc && (np < 1 || np > SC_WHATIF_MAX_POINTS))
        rc = sc_h5_read_bad(&r, "/", "has a number of points out of range");
    if (!rc) {
        s->trajectories = (long)traj;
        s->npoints = np;
        s->value = sc_calloc((size_t)np, sizeof *s->value);
        s->point = sc_calloc((size_t)np, sizeof *s->point);
        if (!s->value || !s->point)
            rc = SC_ERROR(e, SC_ENOMEM, "out of memory");
    }
    if (!rc)
        rc = read_sweep_body(&r, s);
    sc_h5_read_close(&r);
    if (rc) {
        sc_whatif_sweep_free(s);
        return rc;
    }
    *out = s;
    return SC_OK;
}

/* Sweep and attribution files are untrusted input, read as a result is
 * (h5.h, sc_h5_read_isolated). */
int sc_whatif_sweep_read(const char *path, sc_whatif_sweep **out, sc_error *e)
{
    *out = NULL;
    return sc_h5_read_isolated(path, 0, sweep_read_image, out, e);
}

/* ---- attribution ---- */

typedef struct attr_parts {
    const sc_whatif_attribution *a;
    const sc_scenario *old_s, *new_s;
    run_attrs run;
} attr_parts;

/* The rows [R][Y] (or steps [S][R][Y]) of a struct's fixed arrays, packed. */
static void pack(const sc_whatif_attribution *a, const double (*rows)[SC_MAX_HORIZON],
                 double *out)
{
    for (int m = 0; m <= a->nmetric; m++)
        for (int y = 0; y < a->years; y++)
            out[m * a->years + y] = rows[m][y];
}

static void unpack(sc_whatif_attribution *a, const double *in, double (*rows)[SC_MAX_HORIZON])
{
    for (int m = 0; m <= a->nmetric; m++)
        for (int y = 0; y < a->years; y++)
            rows[m][y] = in[m * a->years + y];
}

static int fill_attribution(sc_h5w *w, const void *ctx, sc_error *e)
{
    const attr_parts *p = ctx;
    const sc_whatif_attribution *a = p->a;
    const size_t R = (size_t)a->nmetric + 1, Y = (size_t)a->years, S = (size_t)a->nsteps;
    double *buf = sc_malloc((S + 1) * R * Y * sizeof *buf);
    const char *text[ROWS + SC_WHATIF_MAX_STEPS];
    if (!buf)
        return SC_ERROR(e, SC_ENOMEM, "out of memory");
    char stat[16];
    if (isnan(a->stat_q))
        snprintf(stat, sizeof stat, "mean");
    else
        snprintf(stat, sizeof stat, "p%g", a->stat_q);
    int rc = write_run(w, SC_FILE_ATTRIBUTION, &p->run, e);
    if (!rc) rc = sc_h5_attr_string(w, "/", "old_name", a->old_name, e);
    if (!rc) rc = sc_h5_attr_string(w, "/", "new_name", a->new_name, e);
    if (!rc) rc = sc_h5_attr_string(w, "/", "old_path", a->old_path, e);
    if (!rc) rc = sc_h5_attr_string(w, "/", "new_path", a->new_path, e);
    if (!rc) rc = sc_h5_attr_int(w, "/", "old_base_year", a->old_base, e);
    if (!rc) rc = sc_h5_attr_int(w, "/", "new_base_year", a->new_base, e);
    if (!rc) rc = sc_h5_attr_uint64(w, "/", "seed", a->seed, e);
    if (!rc) rc = sc_h5_attr_int64(w, "/", "trajectories", a->trajectories, e);
    if (!rc) rc = sc_h5_attr_string(w, "/", "statistic", stat, e);
    if (!rc) rc = sc_h5_attr_int(w, "/", "first_year", a->first_year, e);
    if (!rc) rc = sc_h5_attr_int(w, "/", "years", a->years, e);
    if (!rc) rc = sc_h5_attr_int(w, "/", "has_targets", a->has_targets, e);
    if (!rc) rc = write_years(w, "/attribution/year", a->first_year, a->years, e);
    for (int m = 0; m < a->nmetric; m++)
        text[m] = sc_district_metrics[a->metric[m]].name;
    text[a->nmetric] = "p_met";
    if (!rc) rc = sc_h5_strings(w, "/attribution/output", R, text, e);
    for (size_t k = 0; k < S; k++)
        text[k] = a->step_label[k];
    if (!rc) rc = sc_h5_strings(w, "/attribution/step", S, text, e);
    for (size_t k = 0; k < S; k++)
        text[k] = sc_whatif_step_name(a->step_kind[k]);
    if (!rc) rc = sc_h5_strings(w, "/attribution/step_kind", S, text, e);
    hsize_t d2[2] = { R, Y }, d3[3] = { S, R, Y };
    pack(a, a->old_value, buf);
    if (!rc) rc = sc_h5_doubles(w, "/attribution/old", 2, d2, buf, e);
    pack(a, a->new_value, buf);
    if (!rc) rc = sc_h5_doubles(w, "/attribution/new", 2, d2, buf, e);
    for (size_t k = 0; k < S; k++)
        pack(a, a->change[k], buf + k * R * Y);
    if (!rc) rc = sc_h5_doubles(w, "/attribution/change", 3, d3, buf, e);
    for (size_t k = 0; k < S; k++)
        pack(a, a->se[k], buf + k * R * Y);
    if (!rc) rc = sc_h5_doubles(w, "/attribution/se", 3, d3, buf, e);
    if (!rc && p->old_s) rc = sc_write_scenario_provenance(w, p->old_s, "/old", e);
    if (!rc && p->new_s) rc = sc_write_scenario_provenance(w, p->new_s, "/new", e);
    sc_free(buf);
    return rc;
}

int sc_whatif_attribution_write_h5(const sc_whatif_attribution *a, const sc_scenario *old_s,
                                   const sc_scenario *new_s, const char *path, int force,
                                   const char *command_line, int threads, sc_error *e)
{
    int rc = sc_write_check_target(path, force, old_s, e);
    if (!rc)
        rc = sc_write_check_target(path, force, new_s, e);
    if (rc)
        return rc;
    const attr_parts parts = { a, old_s, new_s, { command_line, threads, a->seconds } };
    return sc_h5_write_file(path, force, fill_attribution, &parts, e);
}

static int step_kind_of(const char *name, enum sc_whatif_step_kind *k)
{
    for (int j = SC_WS_DATA; j <= SC_WS_NOISE; j++)
        if (!strcmp(name, sc_whatif_step_name((enum sc_whatif_step_kind)j))) {
            *k = (enum sc_whatif_step_kind)j;
            return 1;
        }
    return 0;
}

static int read_attribution_body(sc_h5r *r, sc_whatif_attribution *a)
{
    int R = 0, S = 0, rc = sc_h5_read_length(r, "/attribution/output", ROWS, &R);
    if (!rc) rc = sc_h5_read_length(r, "/attribution/step", SC_WHATIF_MAX_STEPS, &S);
    if (!rc && (R < 1 || R > ROWS || S < 1 || S > SC_WHATIF_MAX_STEPS || a->years < 1
                || a->years > SC_MAX_HORIZON))
        return sc_h5_read_bad(r, "/attribution", "has outputs, steps or years out of range");
    a->nmetric = R - 1;
    a->nsteps = S;
    char names[ROWS][64], kinds[SC_WHATIF_MAX_STEPS][64];
    if (!rc) rc = sc_h5_read_strings(r, "/attribution/output", (size_t)R, names[0],
                                     sizeof names[0], sizeof names[0]);
    for (int m = 0; !rc && m < a->nmetric; m++)
        rc = metric_of(r, names[m], &a->metric[m]);
    if (!rc) rc = sc_h5_read_strings(r, "/attribution/step", (size_t)S, a->step_label[0],
                                     sizeof a->step_label[0], sizeof a->step_label[0]);
    if (!rc) rc = sc_h5_read_strings(r, "/attribution/step_kind", (size_t)S, kinds[0],
                                     sizeof kinds[0], sizeof kinds[0]);
    for (int k = 0; !rc && k < S; k++)
        if (!step_kind_of(kinds[k], &a->step_kind[k]))
            rc = sc_h5_read_bad(r, kinds[k], "is not a step kind (in /attribution/step_kind)");
    const size_t RY = (size_t)R * (size_t)a->years;
    double *v = NULL;
    if (!rc) rc = sc_h5_read_doubles(r, "/attribution/old", RY, &v);
    if (!rc) unpack(a, v, a->old_value);
    sc_free(v);
    v = NULL;
    if (!rc) rc = sc_h5_read_doubles(r, "/attribution/new", RY, &v);
    if (!rc) unpack(a, v, a->new_value);
    sc_free(v);
    v = NULL;
    if (!rc) rc = sc_h5_read_doubles(r, "/attribution/change", (size_t)S * RY, &v);
    for (int k = 0; !rc && k < S; k++)
        unpack(a, v + (size_t)k * RY, a->change[k]);
    sc_free(v);
    v = NULL;
    if (!rc) rc = sc_h5_read_doubles(r, "/attribution/se", (size_t)S * RY, &v);
    for (int k = 0; !rc && k < S; k++)
        unpack(a, v + (size_t)k * RY, a->se[k]);
    sc_free(v);
    return rc;
}

static int attribution_read_image(const char *path, const sc_h5_image *img, void *ctx,
                                  sc_error *e)
{
    sc_whatif_attribution **out = ctx;
    *out = NULL;
    sc_h5r r;
    int rc = sc_h5_read_open(&r, path, img, SC_FILE_ATTRIBUTION, e);
    if (rc)
        return rc;
    sc_whatif_attribution *a = sc_calloc(1, sizeof *a);
    int64_t traj = 0;
    char stat[16] = "";
    if (!a)
        rc = SC_ERROR(e, SC_ENOMEM, "out of memory");
    if (!rc) rc = sc_h5_read_attr_string(&r, "/", "old_name", a->old_name, sizeof a->old_name, 1);
    if (!rc) rc = sc_h5_read_attr_string(&r, "/", "new_name", a->new_name, sizeof a->new_name, 1);
    if (!rc) rc = sc_h5_read_attr_string(&r, "/", "old_path", a->old_path, sizeof a->old_path, 0);
    if (!rc) rc = sc_h5_read_attr_string(&r, "/", "new_path", a->new_path, sizeof a->new_path, 0);
    if (!rc) rc = sc_h5_read_attr_int(&r, "/", "old_base_year", &a->old_base);
    if (!rc) rc = sc_h5_read_attr_int(&r, "/", "new_base_year", &a->new_base);
    if (!rc) rc = sc_h5_read_attr_uint64(&r, "/", "seed", &a->seed);
    if (!rc) rc = sc_h5_read_attr_int64(&r, "/", "trajectories", &traj);
    if (!rc) rc = sc_h5_read_attr_string(&r, "/", "statistic", stat, sizeof stat, 1);
    if (!rc) rc = sc_h5_read_attr_int(&r, "/", "first_year", &a->first_year);
    if (!rc) rc = sc_h5_read_attr_int(&r, "/", "years", &a->years);
    if (!rc) rc = sc_h5_read_attr_int(&r, "/", "has_targets", &a->has_targets);
    if (!rc) {
        a->trajectories = (long)traj;
        a->stat_q = stat[0] == 'p' ? strtod(stat + 1, NULL) : NAN;
        rc = read_attribution_body(&r, a);
    }
    sc_h5_read_close(&r);
    if (rc) {
        sc_free(a);
        return rc;
    }
    *out = a;
    return SC_OK;
}

int sc_whatif_attribution_read(const char *path, sc_whatif_attribution **out, sc_error *e)
{
    *out = NULL;
    return sc_h5_read_isolated(path, 0, attribution_read_image, out, e);
}
