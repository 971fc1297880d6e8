/*
 * diff_h5.c — `compare -o DIFF.h5`: the paired differences as an HDF5 file.
 *
 * Layout (all money in nominal pounds, [Y] = years of the runs):
 *   /                 attrs: file_kind = "comparison" (h5.h), format_version,
 *                     kind = "sendcast compare" (as files before file_kind said),
 *                     engine_version, created_utc, a_path, b_path,
 *                     a_scenario, b_scenario, seed_a, seed_b, trajectories,
 *                     independent (1 when seeds differ on purpose)
 *   /axes/year [Y], /axes/percentile [3] = 5, 50, 95
 *   /difference/<metric>/percentiles [Y][3]   of B_i - A_i
 *                        mean, sd, p_b_lower, median_a, median_b  [Y]
 *                        attrs unit, doc
 *   /targets/safety_valve_balance/{p_met_a, p_met_b, diff, diff_mcse} [Y] (when both
 *                     runs have finance: a demand-only scenario has no targets)
 * It is written through the checked HDF5 layer (h5.h), whole or not at all.
 */
#include "sendcast/compare.h"

#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "sendcast/h5.h"
#include "sendcast/export.h"
#include "sendcast/version.h"

static int write_root(sc_h5w *w, const sc_compare *c, sc_error *e)
{
    char now[32];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
    int rc = sc_h5_write_kind(w, SC_FILE_COMPARISON, e);   /* file_kind, format_version */
    if (!rc) rc = sc_h5_attr_string(w, "/", "kind", "sendcast compare", e);
    if (!rc) rc = sc_h5_attr_string(w, "/", "engine_version", SC_VERSION, e);
    if (!rc) rc = sc_h5_attr_string(w, "/", "created_utc", now, e);
    if (!rc) rc = sc_h5_attr_string(w, "/", "a_path", c->a->path, e);
    if (!rc) rc = sc_h5_attr_string(w, "/", "b_path", c->b->path, e);
    if (!rc) rc = sc_h5_attr_string(w, "/", "a_scenario", c->a->scenario_name, e);
    if (!rc) rc = sc_h5_attr_string(w, "/", "b_scenario", c->b->scenario_name, e);
    if (!rc) rc = sc_h5_attr_uint64(w, "/", "seed_a", c->a->seed, e);
    if (!rc) rc = sc_h5_attr_uint64(w, "/", "seed_b", c->b->seed, e);
    if (!rc) rc = sc_h5_attr_int64(w, "/", "trajectories", c->a->trajectories, e);
    if (!rc) rc = sc_h5_attr_int(w, "/", "independent", c->independent, e);
    return rc;
}

static int vec(sc_h5w *w, const char *group, const char *name, int rank, const hsize_t *dims,
               const double *v, sc_error *e)
{
    char path[512];
    int rc = sc_h5_path(path, sizeof path, e, "%s/%s", group, name);
    return rc ? rc : sc_h5_doubles(w, path, rank, dims, v, e);
}

static int write_metric(sc_h5w *w, const sc_compare *c, const sc_compare_metric *m, sc_error *e)
{
    char g[512];
    hsize_t d[2] = { (hsize_t)c->years, SC_COMPARE_NQ };
    int rc = sc_h5_path(g, sizeof g, e, "/difference/%s", m->name);
    if (!rc) rc = sc_h5_group(w, g, e);
    if (!rc) rc = sc_h5_attr_string(w, g, "unit", m->unit, e);
    if (!rc)
        rc = sc_h5_attr_string(w, g, "doc", "B - A trajectory by trajectory: percentiles "
                               "(5, 50, 95), mean, sd; p_b_lower = P(B_i < A_i); median_a, "
                               "median_b = each run's own median", e);
    if (!rc) rc = vec(w, g, "percentiles", 2, d, m->q, e);
    if (!rc) rc = vec(w, g, "mean", 1, d, m->mean, e);
    if (!rc) rc = vec(w, g, "sd", 1, d, m->sd, e);
    if (!rc) rc = vec(w, g, "p_b_lower", 1, d, m->p_lower, e);
    if (!rc) rc = vec(w, g, "median_a", 1, d, m->median_a, e);
    if (!rc) rc = vec(w, g, "median_b", 1, d, m->median_b, e);
    return rc;
}

/* A target of both runs' `targets:` sections, as the Safety Valve's. */
static int write_target(sc_h5w *w, const sc_compare_target *g, hsize_t ny, sc_error *e)
{
    char tg[512];
    int rc = sc_h5_path(tg, sizeof tg, e, "/targets/%s", g->name);
    if (!rc) rc = sc_h5_group(w, tg, e);
    if (!rc) rc = sc_h5_attr_string(w, tg, "metric", g->metric, e);
    if (!rc) rc = sc_h5_attr_string(w, tg, "direction", g->at_least ? "at_least" : "at_most", e);
    if (!rc) rc = vec(w, tg, "p_met_a", 1, &ny, g->p_a, e);
    if (!rc) rc = vec(w, tg, "p_met_b", 1, &ny, g->p_b, e);
    if (!rc) rc = vec(w, tg, "diff", 1, &ny, g->diff, e);
    if (!rc) rc = vec(w, tg, "diff_mcse", 1, &ny, g->diff_mcse, e);
    return rc;
}

static int write_all(sc_h5w *w, const sc_compare *c, sc_error *e)
{
    int32_t year[256];
    hsize_t ny = (hsize_t)c->years, nq = SC_COMPARE_NQ;
    if (c->years > 256)
        return SC_ERROR(e, SC_EFAIL, "compare: too many years (%d)", c->years);
    for (int t = 0; t < c->years; t++)
        year[t] = c->a->year[t];
    static const char tg[] = "/targets/safety_valve_balance";
    int rc = write_root(w, c, e);
    if (!rc) rc = sc_h5_int32s(w, "/axes/year", 1, &ny, year, e);
    if (!rc) rc = sc_h5_doubles(w, "/axes/percentile", 1, &nq, sc_compare_q, e);
    for (int k = 0; !rc && k < c->nmetrics; k++)
        rc = write_metric(w, c, &c->metric[k], e);
    for (int k = 0; !rc && k < c->ntargets; k++)
        rc = write_target(w, &c->target[k], ny, e);
    if (!c->a->has_finance || !c->b->has_finance)   /* no targets to compare */
        return rc;
    if (!rc) rc = sc_h5_group(w, tg, e);
    if (!rc) rc = vec(w, tg, "p_met_a", 1, &ny, c->p_met_a, e);
    if (!rc) rc = vec(w, tg, "p_met_b", 1, &ny, c->p_met_b, e);
    if (!rc) rc = vec(w, tg, "diff", 1, &ny, c->p_met_diff, e);
    if (!rc) rc = vec(w, tg, "diff_mcse", 1, &ny, c->p_met_diff_mcse, e);
    return rc;
}

static int fill_compare(sc_h5w *w, const void *ctx, sc_error *e)
{
    return write_all(w, ctx, e);
}

int sc_compare_write_h5(const sc_compare *c, const char *path, int force, sc_error *e)
{
    return sc_h5_write_file(path, force, fill_compare, c, e);
}
