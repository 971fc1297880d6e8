/*
 * backtest_h5.c — the back-test result file (`sendcast backtest -o`), written
 * beside its target and put in place whole, as the run's result file is,
 * through the checked HDF5 layer (h5.h).
 *
 *   /                      attrs file_kind = "back-test" and format_version (h5.h),
 *                          scenario_name, until, trajectories, seed,
 *                          cover50, cover90, crps_mean, ncells, pit_definition
 *   /backtest/year         int32 [Y]    held-out years
 *   /backtest/metric       string [M]   requests, assessments, new_plans, plans_total, ceased
 *   /backtest/quantile     float64 [Q]  5, 25, 50, 75, 95
 *   /backtest/observed     float64 [M][Y]   NaN: no observation
 *   /backtest/forecast     float64 [M][Y][Q]
 *   /backtest/pit          float64 [M][Y]
 *   /backtest/crps         float64 [M][Y]
 *   /parameters/<name>     attrs distribution, fitted_from (what the back-test fitted)
 */
#include "sendcast/backtest.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sendcast/h5.h"
#include "sendcast/write.h"

static int write_arrays(sc_h5w *w, const sc_backtest *bt, sc_error *e)
{
    static const double qs[SC_BT_NQ] = { 5, 25, 50, 75, 95 };
    int32_t year[SC_MAX_HORIZON];
    double obs[SC_BT_NMETRICS * SC_MAX_HORIZON], pit[SC_BT_NMETRICS * SC_MAX_HORIZON],
        crps[SC_BT_NMETRICS * SC_MAX_HORIZON], q[SC_BT_NMETRICS * SC_MAX_HORIZON * SC_BT_NQ];
    int Y = bt->years;
    for (int y = 0; y < Y; y++)
        year[y] = bt->until + 1 + y;
    for (int m = 0; m < SC_BT_NMETRICS; m++)
        for (int y = 0; y < Y; y++) {
            obs[m * Y + y] = bt->obs[m][y];
            pit[m * Y + y] = bt->pit[m][y];
            crps[m * Y + y] = bt->crps[m][y];
            for (int k = 0; k < SC_BT_NQ; k++)
                q[(m * Y + y) * SC_BT_NQ + k] = bt->q[m][y][k];
        }
    hsize_t dy = (hsize_t)Y, dq = SC_BT_NQ, d2[2] = { SC_BT_NMETRICS, (hsize_t)Y },
            d3[3] = { SC_BT_NMETRICS, (hsize_t)Y, SC_BT_NQ };
    int rc = sc_h5_int32s(w, "/backtest/year", 1, &dy, year, e);
    if (!rc) rc = sc_h5_strings(w, "/backtest/metric", SC_BT_NMETRICS, sc_backtest_metric_names, e);
    if (!rc) rc = sc_h5_doubles(w, "/backtest/quantile", 1, &dq, qs, e);
    if (!rc) rc = sc_h5_doubles(w, "/backtest/observed", 2, d2, obs, e);
    if (!rc) rc = sc_h5_doubles(w, "/backtest/forecast", 3, d3, q, e);
    if (!rc) rc = sc_h5_doubles(w, "/backtest/pit", 2, d2, pit, e);
    if (!rc) rc = sc_h5_doubles(w, "/backtest/crps", 2, d2, crps, e);
    return rc;
}

static int write_fitted(sc_h5w *w, const sc_params *p, sc_error *e)
{
    int rc = SC_OK;
    for (int i = 0; !rc && i < SC_NPARAMS; i++) {
        const sc_dist *d = sc_params_dist(p, (enum sc_param_id)i);
        if (!d->fitted_from[0])
            continue;
        char group[256];
        rc = sc_h5_path(group, sizeof group, e, "/parameters/%s", sc_param_table[i].name);
        if (!rc) rc = sc_h5_group(w, group, e);
        if (!rc) rc = sc_h5_attr_string(w, group, "distribution", sc_dist_names[d->kind], e);
        if (!rc) rc = sc_h5_attr_string(w, group, "fitted_from", d->fitted_from, e);
    }
    return rc;
}

static int write_contents(sc_h5w *w, const sc_scenario *s, const sc_params *p,
                          const sc_backtest *bt, sc_error *e)
{
    int rc = sc_h5_write_kind(w, SC_FILE_BACKTEST, e);
    if (!rc) rc = sc_h5_attr_string(w, "/", "scenario_name", s->name, e);
    if (!rc) rc = sc_h5_attr_int(w, "/", "until", bt->until, e);
    if (!rc) rc = sc_h5_attr_int64(w, "/", "trajectories", bt->trajectories, e);
    if (!rc) rc = sc_h5_attr_uint64(w, "/", "seed", s->seed, e);
    if (!rc) rc = sc_h5_attr_int(w, "/", "ncells", bt->ncells, e);
    if (!rc) rc = sc_h5_attr_double(w, "/", "cover50", bt->cover50, e);
    if (!rc) rc = sc_h5_attr_double(w, "/", "cover90", bt->cover90, e);
    if (!rc) rc = sc_h5_attr_double(w, "/", "crps_mean", bt->crps_mean, e);
    if (!rc) rc = sc_h5_attr_double(w, "/", "base_plans", bt->base_plans, e);
    if (!rc) rc = sc_h5_attr_string(w, "/", "pit_definition", "(#below + #equal/2) / n (mid-rank)", e);
    if (!rc) rc = write_arrays(w, bt, e);
    if (!rc) rc = write_fitted(w, p, e);
    return rc;
}

typedef struct backtest_parts {
    const sc_scenario *s;
    const sc_params *p;
    const sc_backtest *bt;
} backtest_parts;

static int fill_backtest(sc_h5w *w, const void *ctx, sc_error *e)
{
    const backtest_parts *b = ctx;
    return write_contents(w, b->s, b->p, b->bt, e);
}

int sc_backtest_write_h5(const char *path, int force, const sc_scenario *s, const sc_params *p,
                         const sc_backtest *bt, sc_error *e)
{
    int rc = sc_write_check_target(path, force, s, e);
    if (rc)
        return rc;
    const backtest_parts parts = {s, p, bt};
    return sc_h5_write_file(path, force, fill_backtest, &parts, e);
}
