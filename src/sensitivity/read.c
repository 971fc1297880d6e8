/*
 * read.c — what sensitivity, stress tests and budgets read from a result
 * file (sensitivity.h, sc_sens_data_read): the draws (/draws), the outputs
 * of the same trajectories (/trajectories, or a bounded run's
 * /draws/trajectories), the clusters' spend and budgets, and the layered fan
 * (/layers), through the checked HDF5 layer (h5.h).
 *
 * A file without draws is refused with what to do about it; shapes are
 * checked against the axes before anything is read, as result.c does.
 */
#include "sens_internal.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "sendcast/alloc.h"
#include "sendcast/text.h"

/* Whether path is in the file; a link on the way that is not a hard link is
 * an error, left in *rc (nothing is looked at once *rc is set). */
static int present(sc_h5r *f, const char *path, int *rc)
{
    int found = 0;
    if (!*rc)
        *rc = sc_h5_read_exists(f, path, &found);
    return !*rc && found;
}

/* The most of each axis a result may hold: beyond any scenario sendcast
 * reads (docs/scenario.md, the limits), so larger is a crafted file. */
enum { MAX_COLUMNS = 1 << 22, MAX_INPUTS = 1 << 22, MAX_UNITS = 1 << 20 };

static int no_draws(sc_h5r *f)
{
    return SC_ERROR(f->e, SC_EINPUT, "%s has no parameter draws (/draws): it was written "
                    "before sendcast kept them, or by a bounded-memory run with --sample 0; "
                    "run the scenario again with this sendcast (sendcast run SCENARIO.yaml: a "
                    "run that keeps every trajectory keeps every draw, a bounded-memory one "
                    "the first --sample M trajectories, default %d)", f->name, SC_SENS_SAMPLE);
}

static int read_head(sc_h5r *f, sc_sens_data *d, char *outputs, size_t size)
{
    int64_t n = 0, m = 0;
    int horizon = 0;
    char sample[32];
    int rc = sc_h5_read_attr_string(f, "/", "scenario_name", d->scenario_name,
                                    sizeof d->scenario_name, 1);
    if (!rc) rc = sc_h5_read_attr_int64(f, "/", "trajectories", &n);
    if (!rc) rc = sc_h5_read_attr_uint64(f, "/", "seed", &d->seed);
    if (!rc) rc = sc_h5_read_attr_int(f, "/", "horizon", &horizon);
    if (!rc && (n < 1 || horizon < 1 || horizon > SC_MAX_HORIZON))
        rc = sc_h5_read_bad(f, "/", "has impossible trajectories or horizon attributes");
    if (rc)
        return rc;
    if (!present(f, "/draws/values", &rc))
        return rc ? rc : no_draws(f);
    rc = sc_h5_read_attr_int64(f, "/draws", "trajectories", &m);
    if (!rc) rc = sc_h5_read_attr_string(f, "/draws", "outputs", outputs, size, 1);
    if (!rc) rc = sc_h5_read_attr_string(f, "/draws", "sample", sample, sizeof sample, 1);
    if (!rc && (m < 1 || m > n))
        rc = sc_h5_read_bad(f, "/draws", "has an impossible trajectories attribute");
    if (rc)
        return rc;
    d->trajectories = (long)n;
    d->n = (long)m;
    d->sample_all = !strcmp(sample, "all");
    d->years = horizon;
    if (m < SC_SENS_MIN_TRAJECTORIES)
        return SC_ERROR(f->e, SC_EINPUT, "%s keeps the parameter draws of %ld trajectories; "
                        "sensitivity, stress tests and budgets need at least %d (run with -n %d "
                        "or more, or a larger --sample)", f->name, (long)m,
                        SC_SENS_MIN_TRAJECTORIES, SC_SENS_MIN_TRAJECTORIES);
    double *y = NULL;
    rc = sc_h5_read_doubles(f, "/axes/year", (size_t)horizon, &y);
    if (!rc && !(d->year = sc_calloc((size_t)horizon, sizeof *d->year)))
        rc = SC_ERROR(f->e, SC_ENOMEM, "out of memory reading %s", f->name);
    for (int t = 0; !rc && t < horizon; t++)
        d->year[t] = (int)y[t];
    sc_free(y);
    return rc;
}

static int read_columns(sc_h5r *f, sc_sens_data *d)
{
    int rc = sc_h5_read_length(f, "/draws/name", MAX_COLUMNS, &d->ncols);
    size_t k = (size_t)d->ncols, st = sizeof(sc_sens_column);
    if (!rc && !(d->col = sc_calloc(k ? k : 1, st)))
        return SC_ERROR(f->e, SC_ENOMEM, "out of memory reading %s", f->name);
    sc_sens_column *c = d->col;
    double *year = NULL;
    if (!rc) rc = sc_h5_read_strings(f, "/draws/name", k, c->name, st, sizeof c->name);
    if (!rc) rc = sc_h5_read_strings(f, "/draws/group", k, c->group, st, sizeof c->group);
    if (!rc) rc = sc_h5_read_strings(f, "/draws/parameter", k, c->param, st, sizeof c->param);
    if (!rc) rc = sc_h5_read_strings(f, "/draws/doc", k, c->doc, st, sizeof c->doc);
    if (!rc && k) rc = sc_h5_read_doubles(f, "/draws/year", k, &year);
    for (size_t j = 0; !rc && j < k; j++)
        c[j].year = (int)year[j];
    sc_free(year);
    if (!rc && k)
        rc = sc_h5_read_doubles(f, "/draws/values", (size_t)d->n * k, &d->draws);
    return rc;
}

/* Inputs: each column by itself, except the columns of a per-year draw,
 * which go together (they follow each other in the table). */
static int make_inputs(sc_h5r *f, sc_sens_data *d)
{
    if (!(d->input = sc_calloc((size_t)(d->ncols ? d->ncols : 1), sizeof *d->input)))
        return SC_ERROR(f->e, SC_ENOMEM, "out of memory reading %s", f->name);
    for (int j = 0; j < d->ncols; j++) {
        const sc_sens_column *c = &d->col[j];
        sc_sens_input *prev = d->ninputs ? &d->input[d->ninputs - 1] : NULL;
        if (c->year && prev && prev->per_year && !strcmp(prev->name, c->group)) {
            prev->ncols++;
            continue;
        }
        sc_sens_input *in = &d->input[d->ninputs++];
        snprintf(in->name, sizeof in->name, "%s", c->year ? c->group : c->name);
        snprintf(in->param, sizeof in->param, "%s", c->param);
        if (c->year)
            snprintf(in->doc, sizeof in->doc, "%s, cumulated to the output's year (the "
                     "growth factor of every year up to it: for inflation, the price index)",
                     c->doc);
        else
            snprintf(in->doc, sizeof in->doc, "%s", c->doc);
        in->per_year = c->year != 0;
        in->first = j;
        in->ncols = 1;
    }
    return SC_OK;
}

static int read_outputs(sc_h5r *f, sc_sens_data *d, const char *root)
{
    int rc = SC_OK;
    size_t cells = (size_t)d->n * (size_t)d->years;
    for (int o = 0; !rc && o < SC_SENS_NOUTPUTS; o++) {
        char path[300];
        rc = sens_output_path(o, root, path, sizeof path, f->e);
        if (!rc)
            rc = sc_h5_read_doubles_opt(f, path, cells, &d->out[o]);
    }
    return rc;
}

/* The status of the first input whose name starts with prefix, an
 * illustrative one before any other; "" when none. */
static void status_of(const char (*name)[128], const char (*status)[64], int n,
                      const char *prefix, char *out, size_t size)
{
    out[0] = '\0';
    for (int k = 0; k < n; k++)
        if (!strncmp(name[k], prefix, strlen(prefix))
            && (!out[0] || !strcmp(status[k], "illustrative")))
            snprintf(out, size, "%s", status[k]);
}

static int read_statuses(sc_h5r *f, sc_sens_data *d)
{
    int n = 0, rc = SC_OK;
    if (!present(f, "/inputs/name", &rc))
        return rc;
    rc = sc_h5_read_length(f, "/inputs/name", MAX_INPUTS, &n);
    char (*name)[128] = rc ? NULL : sc_calloc((size_t)(n ? n : 1), sizeof *name);
    char (*status)[64] = rc ? NULL : sc_calloc((size_t)(n ? n : 1), sizeof *status);
    if (!rc && (!name || !status))
        rc = SC_ERROR(f->e, SC_ENOMEM, "out of memory reading %s", f->name);
    if (!rc) rc = sc_h5_read_strings(f, "/inputs/name", (size_t)n, name[0], sizeof *name, sizeof *name);
    if (!rc)
        rc = sc_h5_read_strings(f, "/inputs/status", (size_t)n, status[0], sizeof *status,
                                sizeof *status);
    if (!rc) {
        status_of((const char (*)[128])name, (const char (*)[64])status, n,
                  "cluster_working.budgets", d->budget_status, sizeof d->budget_status);
        status_of((const char (*)[128])name, (const char (*)[64])status, n,
                  "cluster_working.contingency", d->contingency_status,
                  sizeof d->contingency_status);
    }
    sc_free(name);
    sc_free(status);
    return rc;
}

static int read_clusters(sc_h5r *f, sc_sens_data *d, const char *root)
{
    int rc = sc_h5_read_length(f, "/axes/cluster", MAX_UNITS, &d->nclusters);
    if (!rc) rc = sc_h5_read_length(f, "/axes/area", MAX_UNITS, &d->nareas);
    if (rc)
        return rc;
    size_t nc = (size_t)d->nclusters, na = (size_t)d->nareas, ny = (size_t)d->years;
    char (*ca)[64] = sc_calloc(nc ? nc : 1, sizeof *ca);
    d->cluster = sc_calloc(nc ? nc : 1, sizeof *d->cluster);
    d->area = sc_calloc(na ? na : 1, sizeof *d->area);
    d->cluster_area = sc_calloc(nc ? nc : 1, sizeof *d->cluster_area);
    if (!ca || !d->cluster || !d->area || !d->cluster_area)
        rc = SC_ERROR(f->e, SC_ENOMEM, "out of memory reading %s", f->name);
    if (!rc) rc = sc_h5_read_strings(f, "/axes/cluster", nc, d->cluster[0], 64, 64);
    if (!rc) rc = sc_h5_read_strings(f, "/axes/area", na, d->area[0], 64, 64);
    if (present(f, "/axes/cluster_area", &rc))
        rc = sc_h5_read_strings(f, "/axes/cluster_area", nc, ca[0], 64, 64);
    for (size_t c = 0; !rc && c < nc; c++) {
        d->cluster_area[c] = -1;
        for (size_t a = 0; a < na; a++)
            if (!strcmp(ca[c], d->area[a]))
                d->cluster_area[c] = (int)a;
    }
    sc_free(ca);
    char path[300];
    snprintf(path, sizeof path, "%s/cluster/cluster_spend", root);
    if (nc && present(f, "/cluster/budget/mean", &rc)) {
        rc = sc_h5_read_doubles(f, "/cluster/budget/mean", ny * nc, &d->budget);
        if (!rc) rc = sc_h5_read_doubles(f, "/area/contingency/mean", ny * na, &d->contingency);
        if (!rc) rc = sc_h5_read_doubles_opt(f, path, (size_t)d->n * ny * nc, &d->cluster_spend);
    }
    return rc;
}

static int read_layer_output(sc_h5r *f, sc_sens_data *d, int o)
{
    char g[300], p[340];
    size_t ny = (size_t)d->years;
    int rc = sens_output_path(o, "/layers", g, sizeof g, f->e);
    if (!present(f, g, &rc))
        return rc;
    snprintf(p, sizeof p, "%s/inner", g);
    rc = sc_h5_read_doubles(f, p, ny * SC_SENS_NQ, &d->layers.inner[o]);
    snprintf(p, sizeof p, "%s/outer", g);
    if (!rc) rc = sc_h5_read_doubles(f, p, ny * SC_SENS_NQ, &d->layers.outer[o]);
    snprintf(p, sizeof p, "%s/parameter_share", g);
    if (!rc) rc = sc_h5_read_doubles(f, p, ny, &d->layers.share[o]);
    snprintf(p, sizeof p, "%s/parameter_share_mcse", g);
    if (!rc) rc = sc_h5_read_doubles(f, p, ny, &d->layers.share_se[o]);
    return rc;
}

static int read_layers(sc_h5r *f, sc_sens_data *d)
{
    sc_sens_layers *l = &d->layers;
    int64_t n = 0;
    size_t ny = (size_t)d->years;
    int rc = SC_OK;
    if (!present(f, "/layers", &rc))
        return rc;
    rc = sc_h5_read_attr_int64(f, "/layers", "trajectories", &n);
    if (!rc) rc = sc_h5_read_attr_string(f, "/layers", "method", l->method, sizeof l->method, 0);
    if (!rc && (n < 1 || n > d->trajectories))
        rc = sc_h5_read_bad(f, "/layers", "has an impossible trajectories attribute");
    l->n = (long)n;
    for (int o = 0; !rc && o < SC_SENS_NOUTPUTS; o++)
        if (!sc_sens_outputs[o].indicator)
            rc = read_layer_output(f, d, o);
    if (!rc) rc = sc_h5_read_doubles_opt(f, "/layers/targets/p_met_full", ny, &l->p_met_full);
    if (!rc) rc = sc_h5_read_doubles_opt(f, "/layers/targets/p_met_process", ny, &l->p_met_process);
    if (!rc)
        rc = sc_h5_read_doubles_opt(f, "/layers/targets/p_met_process_mcse", ny,
                                    &l->p_met_process_se);
    return rc;
}

static int read_image(const char *path, const sc_h5_image *img, void *ctx, sc_error *e)
{
    sc_sens_data **out = ctx;
    *out = NULL;
    sc_sens_data *d = sc_calloc(1, sizeof *d);
    if (!d || !(d->path = sc_strdup(path))) {
        sc_free(d);
        return SC_ERROR(e, SC_ENOMEM, "out of memory reading %s", path);
    }
    sc_h5r f;
    char root[64];
    int rc = sc_h5_read_open(&f, path, img, SC_FILE_RESULT, e);
    if (!rc) {
        rc = read_head(&f, d, root, sizeof root);
        if (!rc && strcmp(root, "/trajectories") && strcmp(root, "/draws/trajectories"))
            rc = sc_h5_read_bad(&f, "/draws", "names an unknown group of outputs");
        if (!rc) rc = read_columns(&f, d);
        if (!rc) rc = make_inputs(&f, d);
        if (!rc) rc = read_outputs(&f, d, root);
        if (!rc) rc = read_statuses(&f, d);
        if (!rc) rc = read_clusters(&f, d, root);
        if (!rc) rc = read_layers(&f, d);
        sc_h5_read_close(&f);
    }
    if (rc) {
        sc_sens_data_free(d);
        return rc;
    }
    *out = d;
    return SC_OK;
}

/* A result file is untrusted input: read as every reader reads one (h5.h,
 * sc_h5_read_isolated). */
int sc_sens_data_read(const char *path, sc_sens_data **out, sc_error *e)
{
    *out = NULL;
    return sc_h5_read_isolated(path, 0, read_image, out, e);
}

void sc_sens_data_free(sc_sens_data *d)
{
    if (!d)
        return;
    sc_free(d->path);
    sc_free(d->year);
    sc_free(d->col);
    sc_free(d->draws);
    sc_free(d->input);
    for (int o = 0; o < SC_SENS_NOUTPUTS; o++) {
        sc_free(d->out[o]);
        sc_free(d->layers.inner[o]);
        sc_free(d->layers.outer[o]);
        sc_free(d->layers.share[o]);
        sc_free(d->layers.share_se[o]);
    }
    sc_free(d->cluster);
    sc_free(d->area);
    sc_free(d->cluster_area);
    sc_free(d->cluster_spend);
    sc_free(d->budget);
    sc_free(d->contingency);
    sc_free(d->layers.p_met_full);
    sc_free(d->layers.p_met_process);
    sc_free(d->layers.p_met_process_se);
    sc_free(d);
}

/* ---- inputs ---------------------------------------------------------- */

void sc_sens_input_values(const sc_sens_data *d, int k, int t, double *x)
{
    const sc_sens_input *in = &d->input[k];
    size_t K = (size_t)d->ncols;
    for (long i = 0; i < d->n; i++) {
        const double *row = d->draws + (size_t)i * K;
        if (!in->per_year) {
            x[i] = row[in->first];
            continue;
        }
        double g = 0;   /* sum of log(1 + x_s) over the years up to the output's */
        for (int j = 0; j < in->ncols; j++)
            if (d->col[in->first + j].year <= d->year[t])
                g += log1p(fmax(row[in->first + j], -1 + 1e-12));
        x[i] = g;
    }
}

int sc_sens_input_find(const sc_sens_data *d, const char *name)
{
    for (int k = 0; k < d->ninputs; k++)
        if (!strcmp(d->input[k].name, name))
            return k;
    return -1;
}

int sc_sens_year_index(const sc_sens_data *d, const char *arg, int *t, sc_error *e)
{
    int k = sc_text_year_index(arg, d->year, d->years);
    if (k >= 0) {
        *t = k;
        return SC_OK;
    }
    return SC_ERROR(e, SC_EINPUT, "--year %s: expected a year of %s's horizon, %d to %d (or "
                    "%s to %s)", arg, d->path, d->year[0], d->year[d->years - 1],
                    sc_year_label(d->year[0]).s, sc_year_label(d->year[d->years - 1]).s);
}
