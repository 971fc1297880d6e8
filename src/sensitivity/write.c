/*
 * write.c — /draws and /layers of the result file (sensitivity.h,
 * sc_sens_write; docs/outputs.md gives the layout):
 *
 *   /draws                attrs doc, sample ("all" or "first"), trajectories
 *                         (rows M), of (the run's N), outputs (the group that
 *                         holds the rows' outputs: "/trajectories" when every
 *                         trajectory is kept, else "/draws/trajectories")
 *   /draws/values         float64 [M][K]: row i = trajectory i's draws
 *   /draws/{name, group, parameter, doc}   string [K]; /draws/year int32 [K]
 *   /draws/trajectories/{district/<metric>, targets/met} [M][Y] and
 *                         cluster/cluster_spend [M][Y][C]: a bounded run's
 *                         sample only
 *   /layers               attrs doc, method, trajectories (L)
 *   /layers/percentile    float64 [Q]
 *   /layers/district/<metric>/{inner, outer} [Y][Q], parameter_share and
 *                         parameter_share_mcse [Y]
 *   /layers/targets/{p_met_full, p_met_process, p_met_process_mcse} [Y]
 *
 * The large tables are chunked by 1,024 rows, shuffled and deflated, as
 * /trajectories is.
 */
#include "sens_internal.h"

#include <stdio.h>
#include <string.h>

#include "sendcast/alloc.h"

#define PATH_MAX_H5 512

int sens_output_path(int o, const char *root, char *buf, size_t size, sc_error *e)
{
    int m = sc_sens_outputs[o].metric;
    if (m < 0)
        return sc_h5_path(buf, size, e, "%s/targets/met", root);
    return sc_h5_path(buf, size, e, "%s/district/%s", root,
                      sc_layout_metrics(SC_LEVEL_DISTRICT)[m].name);
}

/* rows x [cols] (rank 2) or rows x [a][b] (rank 3), chunked by 1,024 rows. */
static int table(sc_h5w *w, const char *path, long rows, int rank, hsize_t a, hsize_t b,
                 const double *v, sc_error *e)
{
    hsize_t dims[3] = { (hsize_t)rows, a, b };
    hsize_t chunk[3] = { (hsize_t)(rows < 1024 ? rows : 1024), a, b };
    if (rows == 0 || a == 0 || (rank == 3 && b == 0))
        return sc_h5_doubles(w, path, rank, dims, v, e);
    return sc_h5_doubles_packed(w, path, rank, dims, chunk, 3, v, e);
}

static int column_names(sc_h5w *w, const sc_sens_extras *x, sc_error *e)
{
    size_t k = (size_t)x->ncols;
    const char **name = sc_calloc(k ? k : 1, sizeof *name);
    const char **group = sc_calloc(k ? k : 1, sizeof *group);
    const char **param = sc_calloc(k ? k : 1, sizeof *param);
    const char **doc = sc_calloc(k ? k : 1, sizeof *doc);
    int32_t *year = sc_calloc(k ? k : 1, sizeof *year);
    int rc = name && group && param && doc && year
                 ? SC_OK : SC_ERROR(e, SC_ENOMEM, "out of memory writing /draws");
    for (size_t j = 0; !rc && j < k; j++) {
        name[j] = x->cols[j].name;
        group[j] = x->cols[j].group;
        param[j] = sc_param_table[x->cols[j].param].name;
        doc[j] = x->cols[j].doc;
        year[j] = x->cols[j].year;
    }
    hsize_t dim = (hsize_t)k;
    if (!rc) rc = sc_h5_strings(w, "/draws/name", k, name, e);
    if (!rc) rc = sc_h5_strings(w, "/draws/group", k, group, e);
    if (!rc) rc = sc_h5_strings(w, "/draws/parameter", k, param, e);
    if (!rc) rc = sc_h5_strings(w, "/draws/doc", k, doc, e);
    if (!rc) rc = sc_h5_int32s(w, "/draws/year", 1, &dim, year, e);
    sc_free(name);
    sc_free(group);
    sc_free(param);
    sc_free(doc);
    sc_free(year);
    return rc;
}

/* A bounded run's sample: its outputs beside its draws. */
static int sample_outputs(sc_h5w *w, const sc_sens_extras *x, sc_error *e)
{
    const sc_layout *l = &x->l;
    char path[PATH_MAX_H5];
    int rc = SC_OK;
    for (int o = 0; !rc && o < SC_SENS_NOUTPUTS; o++)
        if (x->sample[o]) {
            rc = sens_output_path(o, "/draws/trajectories", path, sizeof path, e);
            if (!rc)
                rc = table(w, path, x->m, 2, (hsize_t)l->years, 0, x->sample[o], e);
        }
    if (!rc && x->sample_clusters)
        rc = table(w, "/draws/trajectories/cluster/cluster_spend", x->m, 3, (hsize_t)l->years,
                   (hsize_t)l->units[SC_LEVEL_CLUSTER], x->sample_clusters, e);
    return rc;
}

static int draws(sc_h5w *w, const sc_sens_extras *x, sc_error *e)
{
    static const char g[] = "/draws";
    int rc = sc_h5_group(w, g, e);
    if (!rc)
        rc = sc_h5_attr_string(w, g, "doc", "every trajectory's parameter draws (row i: "
                               "trajectory i; columns named in name, each drawn from the "
                               "/parameters group in parameter; year: the year of a per-year "
                               "draw, else 0), for sensitivity, stress tests and budgets "
                               "(docs/sensitivity.md); the rows' outputs are in the group the "
                               "attribute outputs names", e);
    if (!rc)
        rc = sc_h5_attr_string(w, g, "sample", x->all ? "all" : "first", e);
    if (!rc)
        rc = sc_h5_attr_string(w, g, "sample_doc", x->all
                               ? "every trajectory of the run (every record was kept)"
                               : "the first trajectories of a bounded-memory run, simulated "
                                 "again on the same seed (identical to the run's), with their "
                                 "outputs", e);
    if (!rc) rc = sc_h5_attr_int64(w, g, "trajectories", x->m, e);
    if (!rc) rc = sc_h5_attr_int64(w, g, "of", x->trajectories, e);
    if (!rc)
        rc = sc_h5_attr_string(w, g, "outputs", x->all ? "/trajectories" : "/draws/trajectories",
                               e);
    if (!rc)
        rc = table(w, "/draws/values", x->m, 2, (hsize_t)x->ncols, 0, x->draws, e);
    if (!rc)
        rc = column_names(w, x, e);
    if (!rc && !x->all)
        rc = sample_outputs(w, x, e);
    return rc;
}

static int vector(sc_h5w *w, const char *group, const char *name, int rank, const hsize_t *dims,
                  const double *v, sc_error *e)
{
    char path[PATH_MAX_H5];
    int rc = sc_h5_path(path, sizeof path, e, "%s/%s", group, name);
    return rc ? rc : sc_h5_doubles(w, path, rank, dims, v, e);
}

static int layers(sc_h5w *w, const sc_sens_extras *x, sc_error *e)
{
    static const char g[] = "/layers";
    hsize_t dims[2] = { (hsize_t)x->l.years, SC_SENS_NQ }, nq = SC_SENS_NQ;
    int rc = sc_h5_group(w, g, e);
    if (!rc)
        rc = sc_h5_attr_string(w, g, "doc", "the layered fan: per output and year, the band of "
                               "the full run (outer) and of a run with every parameter at its "
                               "central value (inner, year-to-year chance alone), over the same "
                               "first trajectories on common random numbers, and the "
                               "parameters' share of the variance, 1 - Var(inner)/Var(outer), "
                               "with its batch-means error", e);
    if (!rc)
        rc = sc_h5_attr_string(w, g, "method", "process-only run on common random numbers: the "
                               "same seed, every parameter at its mean (the national shock's "
                               "variance at its mean, the clusters' multipliers at 1)", e);
    if (!rc) rc = sc_h5_attr_int64(w, g, "trajectories", x->nl, e);
    if (!rc) rc = sc_h5_doubles(w, "/layers/percentile", 1, &nq, sc_sens_q, e);
    for (int o = 0; !rc && o < SC_SENS_NOUTPUTS; o++) {
        char group[PATH_MAX_H5];
        if (!x->inner[o])
            continue;
        rc = sens_output_path(o, g, group, sizeof group, e);
        if (!rc) rc = vector(w, group, "inner", 2, dims, x->inner[o], e);
        if (!rc) rc = vector(w, group, "outer", 2, dims, x->outer[o], e);
        if (!rc) rc = vector(w, group, "parameter_share", 1, dims, x->share[o], e);
        if (!rc) rc = vector(w, group, "parameter_share_mcse", 1, dims, x->share_se[o], e);
    }
    if (!rc && x->p_met[0]) {
        rc = vector(w, "/layers/targets", "p_met_full", 1, dims, x->p_met[0], e);
        if (!rc) rc = vector(w, "/layers/targets", "p_met_process", 1, dims, x->p_met[1], e);
        if (!rc)
            rc = vector(w, "/layers/targets", "p_met_process_mcse", 1, dims, x->p_met[2], e);
    }
    return rc;
}

int sc_sens_write(sc_h5w *w, const void *ctx, sc_error *e)
{
    const sc_sens_extras *x = ctx;
    if (!x)
        return SC_OK;
    int rc = x->m > 0 ? draws(w, x, e) : SC_OK;
    if (!rc && x->nl > 0)
        rc = layers(w, x, e);
    return rc;
}
