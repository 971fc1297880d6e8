/*
 * result.c — read a result file back (result.h).
 *
 * The reader is strict about shapes, because export, compare and report
 * index these arrays blindly: every dataset's element count is checked
 * against the axes before it is read, and a missing or misshapen one is an
 * input error naming the file and the dataset. It is lenient about what may
 * be absent: per-trajectory values (files written before /trajectories) and
 * the newer Safety Valve cells read as NULL / NaN, so older files still
 * export. Automatic HDF5 error printing is off while reading.
 */
#include "sendcast/result.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hdf5.h>

#include "sendcast/alloc.h"
#include "sendcast/stats.h"

typedef struct rd {
    hid_t file;
    const char *name;
    sc_error *e;
} rd;

static int bad(rd *f, const char *obj, const char *what)
{
    return SC_ERROR(f->e, SC_EINPUT, "%s: %s %s (is it a sendcast result file?)", f->name,
                    obj, what);
}

static int exists(rd *f, const char *path)
{
    /* H5Lexists needs each parent to exist: walk them. */
    char buf[512];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = strchr(buf + 1, '/');; p = strchr(p + 1, '/')) {
        if (p)
            *p = '\0';
        if (H5Lexists(f->file, buf, H5P_DEFAULT) <= 0)
            return 0;
        if (!p)
            return 1;
        *p = '/';
    }
}

/* ---- attributes ------------------------------------------------------ */

static int attr_string(rd *f, const char *obj, const char *name, char *out, size_t size,
                       int required)
{
    out[0] = '\0';
    if (H5Aexists_by_name(f->file, obj, name, H5P_DEFAULT) <= 0)
        return required ? bad(f, obj, "has no attribute") : SC_OK;
    hid_t a = H5Aopen_by_name(f->file, obj, name, H5P_DEFAULT, H5P_DEFAULT);
    hid_t t = a >= 0 ? H5Aget_type(a) : H5I_INVALID_HID;
    int rc = SC_OK;
    if (t < 0 || H5Tget_class(t) != H5T_STRING) {
        rc = bad(f, name, "is not a string attribute of");
    } else if (H5Tis_variable_str(t) > 0) {
        char *v = NULL;
        hid_t mt = H5Tcopy(t);
        if (H5Aread(a, mt, &v) < 0 || !v)
            rc = bad(f, name, "cannot be read on");
        else
            snprintf(out, size, "%s", v);
        H5free_memory(v);   /* HDF5 allocated it: its own release */
        H5Tclose(mt);
    } else {
        size_t n = H5Tget_size(t);
        char *v = sc_calloc(n + 1, 1);
        if (!v || H5Aread(a, t, v) < 0)
            rc = v ? bad(f, name, "cannot be read on") : SC_ERROR(f->e, SC_ENOMEM, "out of memory");
        else
            snprintf(out, size, "%s", v);
        sc_free(v);
    }
    if (t >= 0)
        H5Tclose(t);
    if (a >= 0)
        H5Aclose(a);
    return rc;
}

static int attr_number(rd *f, const char *obj, const char *name, hid_t mtype, void *out)
{
    hid_t a = H5Aopen_by_name(f->file, obj, name, H5P_DEFAULT, H5P_DEFAULT);
    int rc = a < 0 || H5Aread(a, mtype, out) < 0 ? bad(f, name, "missing or unreadable on /")
                                                  : SC_OK;
    if (a >= 0)
        H5Aclose(a);
    return rc;
}

/* ---- datasets -------------------------------------------------------- */

/* Read a numeric dataset that must hold exactly n values into a new array. */
static int doubles(rd *f, const char *path, size_t n, double **out)
{
    *out = NULL;
    hid_t d = H5Dopen2(f->file, path, H5P_DEFAULT);
    if (d < 0)
        return bad(f, path, "is missing");
    hid_t s = H5Dget_space(d);
    hssize_t np = s >= 0 ? H5Sget_simple_extent_npoints(s) : -1;
    int rc = SC_OK;
    if (np < 0 || (size_t)np != n) {
        char what[96];
        snprintf(what, sizeof what, "has %lld values, expected %zu", (long long)np, n);
        rc = bad(f, path, what);
    } else if (!(*out = sc_calloc(n ? n : 1, sizeof **out))) {
        rc = SC_ERROR(f->e, SC_ENOMEM, "out of memory reading %s", path);
    } else if (n && H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, *out) < 0) {
        rc = bad(f, path, "cannot be read");
    }
    if (s >= 0)
        H5Sclose(s);
    H5Dclose(d);
    if (rc) {
        sc_free(*out);
        *out = NULL;
    }
    return rc;
}

/* Like doubles() but NULL without error when the dataset is absent. */
static int doubles_opt(rd *f, const char *path, size_t n, double **out)
{
    *out = NULL;
    return exists(f, path) ? doubles(f, path, n, out) : SC_OK;
}

static int scalar_opt(rd *f, const char *path, double *out)
{
    double *v = NULL;
    *out = NAN;
    int rc = doubles_opt(f, path, 1, &v);
    if (v)
        *out = v[0];
    sc_free(v);
    return rc;
}

/* Length of a 1-d dataset. */
static int length(rd *f, const char *path, int *n)
{
    hid_t d = H5Dopen2(f->file, path, H5P_DEFAULT);
    if (d < 0)
        return bad(f, path, "is missing");
    hid_t s = H5Dget_space(d);
    hssize_t np = s >= 0 ? H5Sget_simple_extent_npoints(s) : -1;
    if (s >= 0)
        H5Sclose(s);
    H5Dclose(d);
    if (np < 0 || np > 1000000)
        return bad(f, path, "has an unreadable size");
    *n = (int)np;
    return SC_OK;
}

/* n variable-length strings into fixed fields at out, out + stride, ... */
static int strings(rd *f, const char *path, size_t n, char *out, size_t stride, size_t size)
{
    hid_t d = H5Dopen2(f->file, path, H5P_DEFAULT);
    if (d < 0)
        return bad(f, path, "is missing");
    hid_t mt = H5Tcopy(H5T_C_S1);
    H5Tset_size(mt, H5T_VARIABLE);
    H5Tset_cset(mt, H5T_CSET_UTF8);
    char **v = sc_calloc(n ? n : 1, sizeof *v);
    hid_t s = H5Dget_space(d);
    hssize_t np = s >= 0 ? H5Sget_simple_extent_npoints(s) : -1;
    int rc = SC_OK;
    if (!v)
        rc = SC_ERROR(f->e, SC_ENOMEM, "out of memory reading %s", path);
    else if (np < 0 || (size_t)np != n)
        rc = bad(f, path, "has the wrong length");
    else if (n && H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) < 0)
        rc = bad(f, path, "cannot be read as strings");
    for (size_t k = 0; !rc && k < n; k++)
        snprintf(out + k * stride, size, "%s", v[k] ? v[k] : "");
    if (v && n && !rc)
        H5Dvlen_reclaim(mt, s, H5P_DEFAULT, v);
    sc_free(v);
    if (s >= 0)
        H5Sclose(s);
    H5Tclose(mt);
    H5Dclose(d);
    return rc;
}

/* ---- parts of the file ----------------------------------------------- */

static int read_root(rd *f, sc_result *r)
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
        rc = attr_string(f, "/", s[k].name, s[k].out, s[k].size, s[k].required);
    int64_t n = 0;
    if (!rc) rc = attr_number(f, "/", "format_version", H5T_NATIVE_INT, &r->format_version);
    if (!rc) rc = attr_number(f, "/", "seed", H5T_NATIVE_UINT64, &r->seed);
    if (!rc) rc = attr_number(f, "/", "trajectories", H5T_NATIVE_INT64, &n);
    if (!rc) rc = attr_number(f, "/", "base_year", H5T_NATIVE_INT, &r->base_year);
    if (!rc) rc = attr_number(f, "/", "horizon", H5T_NATIVE_INT, &r->horizon);
    if (!rc && (n < 1 || r->horizon < 1 || r->horizon > 200))
        rc = bad(f, "/", "has impossible trajectories or horizon attributes");
    r->trajectories = (long)n;
    return rc;
}

static int read_axes(rd *f, sc_result *r)
{
    double *y = NULL;
    r->years = r->horizon;
    int rc = doubles(f, "/axes/year", (size_t)r->years, &y);
    if (!rc && !(r->year = sc_calloc((size_t)r->years, sizeof *r->year)))
        rc = SC_ERROR(f->e, SC_ENOMEM, "out of memory");
    for (int t = 0; !rc && t < r->years; t++)
        r->year[t] = (int)y[t];
    sc_free(y);
    if (!rc) rc = length(f, "/axes/area", &r->nareas);
    if (!rc) rc = length(f, "/axes/cluster", &r->nclusters);
    if (!rc) rc = length(f, "/axes/percentile", &r->np);
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
    if (!rc) rc = strings(f, "/axes/area", na, r->area[0], sizeof *r->area, sizeof *r->area);
    if (!rc && exists(f, "/axes/area_name"))
        rc = strings(f, "/axes/area_name", na, r->area_name[0], sizeof *r->area_name,
                     sizeof *r->area_name);
    if (!rc)
        rc = strings(f, "/axes/cluster", nc, r->cluster[0], sizeof *r->cluster, sizeof *r->cluster);
    if (!rc && exists(f, "/axes/cluster_area"))
        rc = strings(f, "/axes/cluster_area", nc, ca[0], sizeof *ca, sizeof *ca);
    for (size_t c = 0; !rc && c < nc; c++) {
        r->cluster_area[c] = -1;
        for (size_t a = 0; a < na; a++)
            if (!strcmp(ca[c], r->area[a]))
                r->cluster_area[c] = (int)a;
    }
    sc_free(ca);
    if (!rc) rc = doubles(f, "/axes/percentile", (size_t)r->np, &r->percentile);
    return rc;
}

static int read_metric(rd *f, sc_result *r, enum sc_level v, const sc_metric_info *info,
                       sc_result_metric *m)
{
    char g[256], p[300];
    snprintf(g, sizeof g, "/%s/%s", sc_level_names[v], info->name);
    snprintf(m->name, sizeof m->name, "%s", info->name);
    m->level = v;
    m->units = v == SC_LEVEL_DISTRICT ? 1 : v == SC_LEVEL_AREA ? r->nareas : r->nclusters;
    size_t cells = (size_t)r->years * (size_t)m->units;
    int rc = attr_string(f, g, "unit", m->unit, sizeof m->unit, 0);
    if (!rc) rc = attr_string(f, g, "doc", m->doc, sizeof m->doc, 0);
    snprintf(p, sizeof p, "%s/mean", g);
    if (!rc) rc = doubles(f, p, cells, &m->mean);
    snprintf(p, sizeof p, "%s/sd", g);
    if (!rc) rc = doubles(f, p, cells, &m->sd);
    snprintf(p, sizeof p, "%s/mcse", g);
    if (!rc) rc = doubles(f, p, cells, &m->mcse);
    snprintf(p, sizeof p, "%s/percentiles", g);
    if (!rc) rc = doubles(f, p, cells * (size_t)r->np, &m->pct);
    snprintf(p, sizeof p, "/trajectories/%s/%s", sc_level_names[v], info->name);
    if (!rc) rc = doubles_opt(f, p, cells * (size_t)r->trajectories, &m->traj);
    return rc;
}

/* The engine's metrics that the file has, in the engine's order. */
static int read_metrics(rd *f, sc_result *r)
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
            if (exists(f, g))
                rc = read_metric(f, r, (enum sc_level)v, &t[k], &r->metric[v][r->nmetrics[v]++]);
        }
    }
    static const char *const demand[] = { "requests", "new_plans", "plans_total" };
    for (size_t k = 0; !rc && k < sizeof demand / sizeof demand[0]; k++)
        if (!sc_result_metric_find(r, SC_LEVEL_DISTRICT, demand[k])) {
            char g[64];
            snprintf(g, sizeof g, "/district/%s", demand[k]);
            rc = bad(f, g, "is missing");
        }
    r->has_costs = sc_result_metric_find(r, SC_LEVEL_DISTRICT, "topup_spend") != NULL;
    r->has_finance = sc_result_metric_find(r, SC_LEVEL_DISTRICT, "hnb_spend") != NULL;
    r->has_cluster_working = sc_result_metric_find(r, SC_LEVEL_DISTRICT, "budget_gap") != NULL;
    return rc;
}

/* A file without finance (a demand-only scenario's) has no targets: every
 * year's is NaN, as in a year without a target. */
static int no_targets(rd *f, sc_result *r)
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

static int read_targets(rd *f, sc_result *r)
{
    static const char g[] = "/targets/safety_valve_balance";
    size_t ny = (size_t)r->years;
    char p[128];
    if (!r->has_finance && !exists(f, g))
        return no_targets(f, r);
    snprintf(p, sizeof p, "%s/target", g);
    int rc = doubles(f, p, ny, &r->target);
    snprintf(p, sizeof p, "%s/p_met", g);
    if (!rc) rc = doubles(f, p, ny, &r->p_met);
    snprintf(p, sizeof p, "%s/p_met_mcse", g);
    if (!rc) rc = doubles(f, p, ny, &r->p_met_mcse);
    snprintf(p, sizeof p, "%s/p_first_breach", g);
    if (!rc) rc = doubles_opt(f, p, ny, &r->p_first_breach);
    snprintf(p, sizeof p, "%s/p_all_met", g);
    if (!rc) rc = scalar_opt(f, p, &r->p_all_met);
    snprintf(p, sizeof p, "%s/p_all_met_mcse", g);
    if (!rc) rc = scalar_opt(f, p, &r->p_all_met_mcse);
    if (!rc)
        rc = doubles_opt(f, "/trajectories/targets/met", ny * (size_t)r->trajectories,
                         &r->met_traj);
    return rc;
}

static int read_inputs(rd *f, sc_result *r)
{
    if (!exists(f, "/inputs/name"))
        return SC_OK;
    int rc = length(f, "/inputs/name", &r->ninputs);
    size_t n = (size_t)r->ninputs, st = sizeof(sc_result_input);
    if (!rc && !(r->inputs = sc_calloc(n ? n : 1, st)))
        return SC_ERROR(f->e, SC_ENOMEM, "out of memory");
    sc_result_input *in = r->inputs;
    double *year = NULL, *value = NULL;
    if (!rc) rc = strings(f, "/inputs/name", n, in->name, st, sizeof in->name);
    if (!rc) rc = strings(f, "/inputs/item", n, in->item, st, sizeof in->item);
    if (!rc) rc = strings(f, "/inputs/status", n, in->status, st, sizeof in->status);
    if (!rc) rc = strings(f, "/inputs/source", n, in->source, st, sizeof in->source);
    if (!rc) rc = doubles(f, "/inputs/year", n, &year);
    if (!rc) rc = doubles(f, "/inputs/value", n, &value);
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
    rd *f;
    const char *group;
    sc_result_param *p;
} param_walk;

/* Append "name=v" (or "name=[v, ...]") for one dataset of a parameter group. */
static herr_t param_number(hid_t g, const char *name, const H5L_info_t *info, void *data)
{
    (void)g;
    (void)info;
    param_walk *w = data;
    char path[300];
    snprintf(path, sizeof path, "%s/%s", w->group, name);
    hid_t d = H5Dopen2(w->f->file, path, H5P_DEFAULT);
    if (d < 0)
        return 0;   /* a subgroup: nothing the parameter table shows */
    double v[16];
    hid_t s = H5Dget_space(d);
    hssize_t n = H5Sget_simple_extent_npoints(s);
    char *out = w->p->numbers;
    size_t used = strlen(out);
    if (n >= 1 && n <= 16 && H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0) {
        used += (size_t)snprintf(out + used, sizeof w->p->numbers - used, "%s%s=%s",
                                 used ? "; " : "", name, n > 1 ? "[" : "");
        for (hssize_t k = 0; k < n && used < sizeof w->p->numbers; k++)
            used += (size_t)snprintf(out + used, sizeof w->p->numbers - used, "%s%.6g",
                                     k ? ", " : "", v[k]);
        if (n > 1 && used < sizeof w->p->numbers)
            snprintf(out + used, sizeof w->p->numbers - used, "]");
    }
    H5Sclose(s);
    H5Dclose(d);
    return 0;
}

static int read_params(rd *f, sc_result *r)
{
    if (!exists(f, "/parameters"))
        return SC_OK;
    hid_t g = H5Gopen2(f->file, "/parameters", H5P_DEFAULT);
    H5G_info_t gi;
    if (g < 0 || H5Gget_info(g, &gi) < 0) {
        if (g >= 0)
            H5Gclose(g);
        return bad(f, "/parameters", "cannot be read");
    }
    r->params = sc_calloc(gi.nlinks ? gi.nlinks : 1, sizeof *r->params);
    int rc = r->params ? SC_OK : SC_ERROR(f->e, SC_ENOMEM, "out of memory");
    for (hsize_t k = 0; !rc && k < gi.nlinks; k++) {
        sc_result_param *p = &r->params[r->nparams++];
        char group[300];
        H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, k, p->name, sizeof p->name,
                           H5P_DEFAULT);
        snprintf(group, sizeof group, "/parameters/%s", p->name);
        rc = attr_string(f, group, "distribution", p->distribution, sizeof p->distribution, 0);
        if (!rc) rc = attr_string(f, group, "status", p->status, sizeof p->status, 0);
        if (!rc) rc = attr_string(f, group, "source", p->source, sizeof p->source, 0);
        param_walk w = { f, group, p };
        if (!rc)
            H5Literate_by_name(f->file, group, H5_INDEX_NAME, H5_ITER_INC, NULL, param_number,
                               &w, H5P_DEFAULT);
    }
    H5Gclose(g);
    return rc;
}

/* ---- a history read from SEN2 ---------------------------------------- */

static int read_history(rd *f, sc_result *r)
{
    if (!exists(f, "/history/releases/path"))
        return SC_OK;
    char name[96], old[16], codes[128];
    int rc = attr_string(f, "/history", "la_name", name, sizeof name, 0);
    if (!rc) rc = attr_string(f, "/history", "la_old_code", old, sizeof old, 0);
    if (!rc) rc = attr_string(f, "/history", "la_new_codes", codes, sizeof codes, 0);
    if (!rc)
        snprintf(r->history_la, sizeof r->history_la, "%s (%s%s%s)", name, old,
                 old[0] && codes[0] ? ", " : "", codes);
    if (!rc) rc = length(f, "/history/releases/path", &r->nreleases);
    size_t n = (size_t)r->nreleases;
    if (!rc && (!(r->release = sc_calloc(n ? n : 1, sizeof *r->release))
                || !(r->release_sha256 = sc_calloc(n ? n : 1, sizeof *r->release_sha256))))
        return SC_ERROR(f->e, SC_ENOMEM, "out of memory");
    if (!rc)
        rc = strings(f, "/history/releases/path", n, r->release[0], sizeof *r->release,
                     sizeof *r->release);
    if (!rc)
        rc = strings(f, "/history/releases/sha256", n, r->release_sha256[0],
                     sizeof *r->release_sha256, sizeof *r->release_sha256);
    if (!rc && exists(f, "/history/exclusions/year"))
        rc = length(f, "/history/exclusions/year", &r->nexclusions);
    return rc;
}

/* ---- the whole file -------------------------------------------------- */

static int read_all(rd *f, sc_result *r)
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
    H5E_auto2_t old_func = NULL;
    void *old_data = NULL;
    H5Eget_auto2(H5E_DEFAULT, &old_func, &old_data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    int rc;
    rd f = { H5I_INVALID_HID, path, e };
    if (H5Fis_hdf5(path) <= 0) {
        rc = SC_ERROR(e, SC_EINPUT, "%s: not an HDF5 file (or cannot be read)", path);
    } else if ((f.file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT)) < 0) {
        rc = SC_ERROR(e, SC_EINPUT, "%s: cannot open the HDF5 file", path);
    } else {
        rc = read_all(&f, r);
        H5Fclose(f.file);
    }
    H5Eclear2(H5E_DEFAULT);
    H5Eset_auto2(H5E_DEFAULT, old_func, old_data);
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
