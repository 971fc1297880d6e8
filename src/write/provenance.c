/*
 * provenance.c — what a file made from a scenario says about how the scenario
 * was made: the scenario verbatim with every file it read (/scenario), its
 * levers (/levers), and what was changed as it was read (the attribute
 * `overrides`: --set values, an attribution's grafts). The result file, and
 * the sweep, goal-seek and attribution files, write it through
 * sc_write_scenario_provenance; the distributions of parameters and lever
 * effects are written here too (wr_write_dist), in CONTRACT.md's layout.
 *
 *   /levers/<name>        attrs changes, start (the first year it acts), description,
 *                         setting, from, to, overflow, bands (as they apply)
 *   /levers/<name>/ramp   float64 [Y]  r_t of the simulated years
 *   /levers/<name>/places float64 [Y]  capacity: places (NaN before start)
 *   /levers/<name>/effect attrs distribution, status, source; its numbers
 *
 * A scenario without levers of its own and read as written gets neither
 * /levers nor `overrides`: its files are as they were before levers.
 */
#include "sendcast/write.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sendcast/text.h"
#include "wr_internal.h"

int wr_write_scalar(sc_h5w *w, const char *group, const char *name, double v, sc_error *e)
{
    char path[WR_PATH_MAX];
    int rc = sc_h5_path(path, sizeof path, e, "%s/%s", group, name);
    return rc ? rc : sc_h5_doubles(w, path, 0, NULL, &v, e);
}

int wr_write_vector(sc_h5w *w, const char *group, const char *name, int rank,
                        const hsize_t *dims, const double *v, sc_error *e)
{
    char path[WR_PATH_MAX];
    int rc = sc_h5_path(path, sizeof path, e, "%s/%s", group, name);
    return rc ? rc : sc_h5_doubles(w, path, rank, dims, v, e);
}

/* A fixed value: a scalar for dim 1, else [dim]. */
static int write_fixed(sc_h5w *w, const char *group, const sc_dist *d, sc_error *e)
{
    hsize_t dim = (hsize_t)d->dim;
    int rc = sc_h5_attr_string(w, group, "distribution", "fixed", e);
    if (!rc)
        rc = d->dim <= 1 ? wr_write_scalar(w, group, "value", d->value[0], e)
                         : wr_write_vector(w, group, "value", 1, &dim, d->value, e);
    return rc;
}

static int write_poisson(sc_h5w *w, const char *group, sc_error *e)
{
    int rc = sc_h5_attr_string(w, group, "distribution", "fixed", e);
    if (!rc)
        rc = sc_h5_attr_string(w, group, "note", "poisson", e);
    if (!rc)
        rc = wr_write_scalar(w, group, "value", INFINITY, e);
    return rc;
}

static int write_two(sc_h5w *w, const char *group, const char *dist, const char *n0,
                     const char *n1, const sc_dist *d, sc_error *e)
{
    int rc = sc_h5_attr_string(w, group, "distribution", dist, e);
    if (!rc)
        rc = wr_write_scalar(w, group, n0, d->p[0], e);
    if (!rc)
        rc = wr_write_scalar(w, group, n1, d->p[1], e);
    return rc;
}

static int write_bvnormal(sc_h5w *w, const char *group, const sc_dist *d, sc_error *e)
{
    hsize_t d1 = 2, d2[2] = { 2, 2 };
    int rc = sc_h5_attr_string(w, group, "distribution", "bivariate_normal", e);
    if (!rc)
        rc = wr_write_vector(w, group, "mean", 1, &d1, d->value, e);
    if (!rc)
        rc = wr_write_vector(w, group, "cov", 2, d2, &d->cov[0][0], e);
    return rc;
}

static int write_dirichlet(sc_h5w *w, const char *group, const sc_dist *d, sc_error *e)
{
    hsize_t dim = (hsize_t)d->dim;
    int rc = sc_h5_attr_string(w, group, "distribution", "dirichlet", e);
    if (!rc)
        rc = wr_write_vector(w, group, "alpha", 1, &dim, d->value, e);
    return rc;
}

int wr_write_dist(sc_h5w *w, const char *group, const sc_dist *d, sc_error *e)
{
    /* Only vector values read d->dim; guard them against over-reading. */
    if (d->dim > SC_MAX_DIM || (d->kind == SC_DIST_DIRICHLET && d->dim < 1))
        return SC_ERROR(e, SC_EFAIL, "parameter %s: dimension %d out of range",
                        group, d->dim);
    switch (d->kind) {
    case SC_DIST_FIXED: return write_fixed(w, group, d, e);
    case SC_DIST_BETA: return write_two(w, group, "beta", "a", "b", d, e);
    case SC_DIST_NORMAL: return write_two(w, group, "normal", "mean", "sd", d, e);
    case SC_DIST_GAMMA: return write_two(w, group, "gamma", "shape", "scale", d, e);
    case SC_DIST_DIRICHLET: return write_dirichlet(w, group, d, e);
    case SC_DIST_BVNORMAL: return write_bvnormal(w, group, d, e);
    case SC_DIST_POISSON: return write_poisson(w, group, e);
    case SC_DIST_SCALED_INV_CHI2: return write_two(w, group, "scaled_inv_chi2", "nu", "s2", d, e);
    case SC_DIST_UNIFORM: return write_two(w, group, "uniform", "min", "max", d, e);
    default:    /* none and fit: the reader fills in defaults and the fit stage resolves */
        return SC_NEVER(e);
    }
}

static int write_file_text(sc_h5w *w, const char *path, const sc_file *f, sc_error *e)
{
    int rc = sc_h5_text(w, path, f ? f->text : "", f && f->text ? f->len : 0, e);
    if (!rc)
        rc = sc_h5_attr_string(w, path, "path", f ? f->path : "", e);
    return rc;
}

static int write_scenario(sc_h5w *w, const sc_scenario *s, const char *at, sc_error *e)
{
    const sc_file *main_file = s->files && s->nfiles > 0 ? &s->files[0] : NULL;
    char path[WR_PATH_MAX];
    int rc = sc_h5_path(path, sizeof path, e, "%s/scenario/text", at);
    if (!rc)
        rc = write_file_text(w, path, main_file, e);
    if (!rc)
        rc = sc_h5_path(path, sizeof path, e, "%s/scenario/files", at);
    if (!rc)
        rc = sc_h5_group(w, path, e);
    for (int k = 1; !rc && k < s->nfiles; k++) {
        rc = sc_h5_path(path, sizeof path, e, "%s/scenario/files/%d", at, k);
        if (!rc)
            rc = write_file_text(w, path, &s->files[k], e);
    }
    return rc;
}


/* "1,3,5": the bands a topup lever acts on. */
static void band_list(unsigned bands, int nbands, char *buf, size_t cap)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int b = 0; b < nbands; b++)
        if (bands & (1u << b)) {
            char x[16];
            snprintf(x, sizeof x, "%d", b + 1);
            if (sc_text_append(buf, cap, &used, ",", x))
                return;
        }
}

static int write_lever(sc_h5w *w, const sc_scenario *s, const sc_lever *l, const char *at,
                       sc_error *e)
{
    char group[WR_PATH_MAX], path[WR_PATH_MAX];
    hsize_t dy = (hsize_t)s->horizon;
    int rc = sc_h5_path(group, sizeof group, e, "%s/levers/%s", at, l->name);
    if (!rc) rc = sc_h5_group(w, group, e);
    if (!rc) rc = sc_h5_attr_string(w, group, "changes", sc_lever_names[l->on], e);
    if (!rc) rc = sc_h5_attr_int(w, group, "start", s->base_year + l->start, e);
    if (!rc) rc = sc_h5_attr_string(w, group, "description", l->description, e);
    if (!rc && l->builtin)
        rc = sc_h5_attr_string(w, group, "effect", "parameters.cluster_effect (E_c)", e);
    if (!rc && l->setting >= 0)
        rc = sc_h5_attr_string(w, group, l->on == SC_LEVER_MIX ? "from" : "setting",
                               sc_placement_names[l->setting], e);
    if (!rc && l->to >= 0)
        rc = sc_h5_attr_string(w, group, l->on == SC_LEVER_MIX ? "to" : "overflow",
                               sc_placement_names[l->to], e);
    if (!rc && l->on == SC_LEVER_TOPUP) {
        char bands[128];
        band_list(l->bands, s->nbands, bands, sizeof bands);
        rc = sc_h5_attr_string(w, group, "bands", bands, e);
    }
    if (!rc) rc = sc_h5_path(path, sizeof path, e, "%s/ramp", group);
    if (!rc) rc = sc_h5_doubles(w, path, 1, &dy, (l->builtin ? s->ramp : l->ramp) + 1, e);
    if (!rc && l->on == SC_LEVER_CAPACITY) {
        rc = sc_h5_path(path, sizeof path, e, "%s/places", group);
        if (!rc) rc = sc_h5_doubles(w, path, 1, &dy, l->places + 1, e);
    }
    if (!rc && !l->builtin) {
        rc = sc_h5_path(path, sizeof path, e, "%s/effect", group);
        if (!rc) rc = sc_h5_group(w, path, e);
        if (!rc) rc = wr_write_dist(w, path, &l->effect, e);
        if (!rc) rc = sc_h5_attr_string(w, path, "status", l->effect.status, e);
        if (!rc) rc = sc_h5_attr_string(w, path, "source", l->effect.source, e);
    }
    return rc;
}

int sc_write_scenario_provenance(sc_h5w *w, const sc_scenario *s, const char *at, sc_error *e)
{
    int rc = write_scenario(w, s, at, e);
    for (int k = 0; !rc && s->nuser_levers && k < s->nlevers; k++)
        rc = write_lever(w, s, &s->levers[k], at, e);
    if (!rc && s->nedits) {
        char text[8192];
        size_t used = 0;
        text[0] = '\0';
        for (int k = 0; k < s->nedits; k++)
            if (sc_text_append(text, sizeof text, &used, "; ", s->edits[k]))
                break;
        rc = sc_h5_attr_string(w, at[0] ? at : "/", "overrides", text, e);
    }
    return rc;
}
