/*
 * forecasts.c — the rolling-origin forecasts of the calibration: every
 * eligible council's scenario (the one `sendcast init` writes, read once,
 * with the panel already in memory), made into its back-test at each origin
 * on that origin's priors, run by the engine, and scored into a block.
 *
 * One forecast is one engine call on one thread; forecasts are spread over
 * the threads (and ranks), and each block depends only on its (council,
 * origin), so the result never depends on either.
 */
#define _XOPEN_SOURCE 700      /* realpath() */
#include <limits.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cal_internal.h"
#include "sendcast/alloc.h"
#include "sendcast/backtest.h"
#include "sendcast/engine.h"
#include "sendcast/init.h"
#include "sendcast/layout.h"
#include "sendcast/ranks.h"
#include "sendcast/scenario.h"

/* The council's metrics in the back-test's. */
static const int bt_metric[SC_CAL_NMETRICS] = { SC_BT_REQUESTS, SC_BT_NEW_PLANS,
                                                SC_BT_PLANS_TOTAL };

static int requests_up_to(const sc_panel_series *s, int year)
{
    int k = 0;
    for (int i = 0; i < s->nyears && s->first_year + i <= year; i++)
        k += s->requests[i] > 0;
    return k;
}

static double value_at(const sc_panel_series *s, const double *v, int year)
{
    int i = year - s->first_year;
    return i >= 0 && i < s->nyears ? v[i] : NAN;
}

/* Forecastable from `origin`: three years of requests, plans in place at the
 * origin, and an outturn of some metric after it. */
static int eligible(const sc_panel_series *s, int origin, int max_h)
{
    if (requests_up_to(s, origin) < 3 || isnan(value_at(s, s->plans, origin)))
        return 0;
    for (int h = 1; h <= max_h; h++)
        if (!isnan(value_at(s, s->requests, origin + h)) || !isnan(value_at(s, s->new_plans, origin + h))
            || !isnan(value_at(s, s->plans, origin + h)))
            return 1;
    return 0;
}

/* Each eligible council's scenario, written by init into a private folder
 * and read back with the panel: scen[k] NULL where the council is not
 * forecast at all. */
static int council_scenarios(const sc_sen2 *panel, const sc_calibrate_series *cs,
                             const sc_calibrate_options *o, const char *dir, const int *wanted,
                             sc_scenario **scen, sc_error *e)
{
    char(*abs)[PATH_MAX] = sc_calloc((size_t)o->nsen2, sizeof *abs);
    const char **abs_paths = sc_calloc((size_t)o->nsen2, sizeof *abs_paths);
    if (!abs || !abs_paths) {
        sc_free(abs);
        sc_free(abs_paths);
        return SC_ERROR(e, SC_ENOMEM, "out of memory for the councils' scenarios");
    }
    for (int k = 0; k < o->nsen2; k++) {
        if (!realpath(o->sen2[k], abs[k]))
            snprintf(abs[k], sizeof abs[k], "%s", o->sen2[k]);
        abs_paths[k] = abs[k];
    }
    int failed = 0;
    sc_error first;
    sc_error_clear(&first);
#pragma omp parallel for schedule(dynamic) num_threads(o->threads > 0 ? o->threads : omp_get_max_threads())
    for (int k = 0; k < cs->n; k++) {
        if (!wanted[k])
            continue;
        sc_error ek;
        sc_error_clear(&ek);
        char path[4096];
        snprintf(path, sizeof path, "%s/council-%d.yaml", dir, k);
        sc_init_options io;
        sc_init_options_init(&io);
        io.la = k;
        io.horizon = o->max_horizon;
        io.release_paths = abs_paths;   /* the scenario lives in a temporary folder */
        sc_init_plan plan;
        int rc = sc_init_plan_make(panel, &io, &plan, &ek);
        FILE *f = rc ? NULL : fopen(path, "w");
        if (!rc && !f)
            rc = SC_ERROR(&ek, SC_EFAIL, "cannot write %s", path);
        if (f) {
            sc_init_write(f, panel, &plan, &io);
            if (fclose(f) != 0)
                rc = SC_ERROR(&ek, SC_EFAIL, "cannot write %s", path);
        }
        if (!rc) {
            sc_scenario_read_options ro;
            sc_scenario_read_options_init(&ro);
            ro.sen2 = panel;
            rc = sc_scenario_read_with(path, &ro, &scen[k], &ek);
        }
        unlink(path);
        if (rc) {
#pragma omp critical(cal_first_error)
            if (!failed++)
                first = ek;
        }
    }
    sc_free(abs);
    sc_free(abs_paths);
    if (failed) {
        *e = first;
        return SC_CONTEXT(e, "while writing the councils' scenarios (%d failed)", failed);
    }
    return SC_OK;
}

/* One forecast into its block: the back-test at the origin on its priors. */
static int forecast(const sc_scenario *s, const sc_panel_series *series, int origin,
                    const sc_priors *priors, const sc_calibrate_options *o, double *block,
                    sc_error *e)
{
    sc_scenario *b = NULL;
    sc_params *p = NULL;
    sc_summary *sum = NULL;
    sc_backtest *bt = sc_malloc(sizeof *bt);
    if (!bt)
        return SC_ERROR(e, SC_ENOMEM, "out of memory forecasting %s", series->id);
    int rc = sc_backtest_prepare_with(s, origin, o->max_horizon, priors, &b, &p, bt, e);
    if (!rc) {
        sc_layout l;
        sc_layout_init(&l, b);
        size_t cells[SC_BT_NMETRICS * SC_MAX_HORIZON];
        sc_engine_options eo;
        sc_engine_options_init(&eo, b);
        eo.trajectories = o->trajectories;
        eo.seed = o->seed;
        eo.threads = 1;
        eo.keep_cells = cells;
        eo.nkeep_cells = sc_backtest_cells(bt, &l, cells);
        rc = sc_engine_run(b, p, &eo, &sum, e);
        if (!rc)
            rc = sc_backtest_score(&l, sum, bt, e);
    }
    for (int m = 0; !rc && m < SC_CAL_NMETRICS; m++) {
        const double *hist = m == 0 ? series->requests : m == 1 ? series->new_plans : series->plans;
        int t = origin - series->first_year;
        for (int h = 1; h <= bt->years && h <= SC_CAL_MAX_H; h++) {
            double *c = block + ((size_t)m * SC_CAL_MAX_H + (size_t)(h - 1)) * CASE_LEN;
            int bm = bt_metric[m];
            c[CASE_OBS] = bt->obs[bm][h - 1];
            for (int q = 0; q < SC_BT_NQ; q++)
                c[CASE_Q5 + q] = bt->q[bm][h - 1][q];
            c[CASE_PIT] = bt->pit[bm][h - 1];
            c[CASE_CRPS] = bt->crps[bm][h - 1];
            c[CASE_NAIVE_GROWTH] = sc_calibrate_naive_growth(hist, t, h);
            c[CASE_NAIVE_LINE] = sc_calibrate_naive_line(hist, t, h);
        }
    }
    if (rc)
        SC_CONTEXT(e, "while forecasting %s from %d", series->id, origin);
    sc_summary_free(sum);
    sc_params_free(p);
    sc_scenario_free(b);
    sc_free(bt);
    return rc;
}

static int make_work(int first_origin, int norigins, const sc_calibrate_series *cs, int max_h,
                     cal_work **work, long *nwork, int *wanted, sc_error *e)
{
    long n = 0;
    for (int j = 0; j < norigins; j++)
        for (int k = 0; k < cs->n; k++)
            n += eligible(&cs->series[k], first_origin + j, max_h);
    *work = sc_calloc(n ? (size_t)n : 1, sizeof **work);
    if (!*work)
        return SC_ERROR(e, SC_ENOMEM, "out of memory for the calibration's work list");
    n = 0;
    for (int k = 0; k < cs->n; k++)
        for (int j = 0; j < norigins; j++)
            if (eligible(&cs->series[k], first_origin + j, max_h)) {
                (*work)[n++] = (cal_work){ k, first_origin + j, SC_OK };
                wanted[k] = 1;
            }
    *nwork = n;
    return SC_OK;
}

int cal_forecasts(int first_origin, int norigins, sc_priors *const *priors, const sc_sen2 *panel,
                  const sc_calibrate_series *cs, const sc_calibrate_options *o, cal_work **work,
                  long *nwork, double **blocks, long *refused, sc_error *e)
{
    *work = NULL;
    *blocks = NULL;
    *refused = 0;
    int *wanted = sc_calloc(cs->n ? (size_t)cs->n : 1, sizeof *wanted);
    sc_scenario **scen = sc_calloc(cs->n ? (size_t)cs->n : 1, sizeof *scen);
    char dir[4096];
    const char *tmp = getenv("TMPDIR");   /* HPC nodes point it at local scratch */
    snprintf(dir, sizeof dir, "%s/sendcast-calibrate-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    int rc = wanted && scen ? SC_OK : SC_ERROR(e, SC_ENOMEM, "out of memory for the calibration");
    if (!rc)
        rc = make_work(first_origin, norigins, cs, o->max_horizon, work, nwork, wanted, e);
    if (!rc && !mkdtemp(dir))
        rc = SC_ERROR(e, SC_EFAIL, "cannot make a temporary folder for the councils' scenarios");
    if (!rc) {
        rc = council_scenarios(panel, cs, o, dir, wanted, scen, e);
        rmdir(dir);
    }
    const size_t len = CAL_BLOCK + 1;   /* the block, then the status */
    double *table = rc ? NULL : sc_malloc((*nwork ? (size_t)*nwork : 1) * len * sizeof *table);
    if (!rc && !table)
        rc = SC_ERROR(e, SC_ENOMEM, "out of memory for the calibration's scores");
    long first = 0, mine = *nwork;
    if (!rc && o->distribute)
        sc_ranks_slice_of(*nwork, sc_ranks_rank(), sc_ranks_size(), &first, &mine);
    for (long k = 0; !rc && k < *nwork * (long)len; k++)
        table[k] = NAN;
    if (!rc) {
#pragma omp parallel for schedule(dynamic) num_threads(o->threads > 0 ? o->threads : omp_get_max_threads())
        for (long k = first; k < first + mine; k++) {
            const cal_work *w = &(*work)[k];
            sc_error ek;
            sc_error_clear(&ek);
            double *row = table + (size_t)k * len;
            int st = forecast(scen[w->council], &cs->series[w->council], w->origin,
                              priors[w->origin - first_origin], o, row, &ek);
            row[CAL_BLOCK] = st;
            if (st && !o->quiet) {
#pragma omp critical(cal_report)
                fprintf(stderr, "calibrate: %s\n", ek.msg);
            }
        }
        if (o->distribute)
            rc = sc_ranks_share_rows(table, len, first, mine, e);
    }
    if (!rc) {
        *blocks = sc_malloc((*nwork ? (size_t)*nwork : 1) * CAL_BLOCK * sizeof **blocks);
        if (!*blocks)
            rc = SC_ERROR(e, SC_ENOMEM, "out of memory for the calibration's scores");
    }
    for (long k = 0; !rc && k < *nwork; k++) {
        memcpy(*blocks + (size_t)k * CAL_BLOCK, table + (size_t)k * len, CAL_BLOCK * sizeof(double));
        (*work)[k].status = (int)table[(size_t)k * len + CAL_BLOCK];
        *refused += (*work)[k].status != SC_OK;
    }
    for (int k = 0; scen && k < cs->n; k++)
        sc_scenario_free(scen[k]);
    sc_free(scen);
    sc_free(wanted);
    sc_free(table);
    return rc;
}
