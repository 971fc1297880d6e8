/*
 * score.c — scoring a back-test run against the held-out years, and its
 * readable table.
 *
 * For each (metric, year) with an observation y and the trajectory sample
 * x_1..x_n (sorted):
 *   quantiles  Hyndman-Fan type 7, as the rest of the engine;
 *   PIT        (#{x < y} + #{x = y}/2) / n: the mid-rank, because counts tie
 *              (a plain "share below" would bias PIT low for small counts);
 *   CRPS       the CRPS of the empirical distribution of the sample,
 *              mean|x - y| - (1/2) mean|x - x'|, with the second term
 *              (1/n^2) sum_i (2i - n + 1) x_(i) (0-based i, sorted x).
 */
#include "sendcast/backtest.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sendcast/alloc.h"
#include "sendcast/stats.h"

static const int district_metric[SC_BT_NMETRICS] = {
    SC_D_REQUESTS, SC_D_ASSESSMENTS, SC_D_NEW_PLANS, SC_D_PLANS_TOTAL, SC_D_CEASED,
};
static const double quantile_p[SC_BT_NQ] = { 0.05, 0.25, 0.50, 0.75, 0.95 };

static void score_cell(const double *x, long n, double y, double *q, double *pit, double *crps)
{
    long below = 0, equal = 0;
    double abs_dev = 0, spread = 0;
    for (long i = 0; i < n; i++) {
        below += x[i] < y;
        equal += x[i] == y;
        abs_dev += fabs(x[i] - y);
        spread += (double)(2 * i - n + 1) * x[i];
    }
    for (int k = 0; k < SC_BT_NQ; k++)
        q[k] = sc_stats_type7(x, (size_t)n, quantile_p[k]);
    *pit = ((double)below + 0.5 * (double)equal) / (double)n;
    *crps = abs_dev / (double)n - spread / ((double)n * (double)n);
}

int sc_backtest_cells(const sc_backtest *bt, const sc_layout *l, size_t *cells)
{
    int k = 0;
    for (int m = 0; m < SC_BT_NMETRICS; m++)
        for (int y = 0; y < bt->years; y++)
            cells[k++] = sc_layout_cell(l, SC_LEVEL_DISTRICT, district_metric[m], y, 0);
    return k;
}

int sc_backtest_score(const sc_layout *l, const sc_summary *sum, sc_backtest *bt, sc_error *e)
{
    long n = sc_summary_trajectories(sum);
    double *x = sc_malloc((size_t)n * sizeof *x);
    if (!x)
        return SC_ERROR(e, SC_ENOMEM, "out of memory scoring the back-test");
    bt->trajectories = n;
    int in50 = 0, in90 = 0, rc = SC_OK;
    double crps = 0;
    bt->ncells = 0;
    for (int m = 0; m < SC_BT_NMETRICS && !rc; m++)
        for (int y = 0; y < bt->years && !rc; y++) {
            size_t cell = sc_layout_cell(l, SC_LEVEL_DISTRICT, district_metric[m], y, 0);
            if ((rc = sc_summary_cell_values(sum, cell, x, e)))
                break;
            sc_stats_sort(x, (size_t)n);
            double obs = bt->obs[m][y];
            score_cell(x, n, isnan(obs) ? 0 : obs, bt->q[m][y], &bt->pit[m][y], &bt->crps[m][y]);
            if (isnan(obs)) {
                bt->pit[m][y] = bt->crps[m][y] = NAN;
                continue;
            }
            const double *q = bt->q[m][y];
            bt->ncells++;
            in50 += obs >= q[1] && obs <= q[3];
            in90 += obs >= q[0] && obs <= q[4];
            crps += bt->crps[m][y];
        }
    sc_free(x);
    bt->cover50 = bt->ncells ? (double)in50 / bt->ncells : NAN;
    bt->cover90 = bt->ncells ? (double)in90 / bt->ncells : NAN;
    bt->crps_mean = bt->ncells ? crps / bt->ncells : NAN;
    return rc;
}

void sc_backtest_print(FILE *out, const sc_scenario *s, const sc_params *p,
                       const sc_backtest *bt)
{
    fprintf(out, "Back-test of %s: fitted on history to %d, forecast %d-%d (%ld trajectories)\n",
            s->name, bt->until, bt->until + 1, bt->until + bt->years, bt->trajectories);
    fprintf(out, "Base-year stock: %.0f plans (history's plans_open at %d), split as the "
            "scenario's own %.0f\n", bt->base_plans, bt->until, bt->scenario_plans);
    const sc_fit_nb *f = &bt->fit.trend;
    if (bt->fit.have_trend)
        fprintf(out, "Trend fitted on %d years to %d: alpha %.4f (se %.4f), beta %.4f (se %.4f), "
                "k %.4g\n", bt->fit.trend_data.n, bt->until, f->alpha, f->se_alpha, f->beta,
                f->se_beta, f->k);
    if (bt->fit.have_model2 && bt->fit.m2_priors_origin > bt->until)
        fprintf(out, "NOTE: model 2's national priors (the scenario's `priors:`) were fitted on "
                "years to %d, after %d: they have seen the years held out here. `sendcast "
                "calibrate` back-tests every council on priors fitted up to each origin only "
                "(docs/validation.md).\n", bt->fit.m2_priors_origin, bt->until);
    for (int id = 0; id < SC_NPARAMS; id++)
        if (bt->fit.after_until[id])
            fprintf(out, "NOTE: %s uses history after %d (none before): %s\n",
                    sc_param_table[id].name, bt->until,
                    sc_params_dist(p, (enum sc_param_id)id)->fitted_from);
    fputc('\n', out);
    fprintf(out, "%-12s %5s %9s %9s %9s %9s %6s %5s %5s %8s\n", "metric", "year", "observed",
            "p5", "p50", "p95", "PIT", "50%", "90%", "CRPS");
    for (int m = 0; m < SC_BT_NMETRICS; m++)
        for (int y = 0; y < bt->years; y++) {
            const double *q = bt->q[m][y];
            double obs = bt->obs[m][y];
            if (isnan(obs)) {
                fprintf(out, "%-12s %5d %9s %9.0f %9.0f %9.0f %6s\n", sc_backtest_metric_names[m],
                        bt->until + 1 + y, "-", q[0], q[2], q[4], "-");
                continue;
            }
            fprintf(out, "%-12s %5d %9.0f %9.0f %9.0f %9.0f %6.3f %5s %5s %8.1f\n",
                    sc_backtest_metric_names[m], bt->until + 1 + y, obs, q[0], q[2], q[4],
                    bt->pit[m][y], obs >= q[1] && obs <= q[3] ? "in" : "out",
                    obs >= q[0] && obs <= q[4] ? "in" : "out", bt->crps[m][y]);
        }
    fprintf(out, "\nOver %d held-out cells: 50%% band (p25-p75) covers %.2f, 90%% band (p5-p95) "
            "covers %.2f; mean CRPS %.1f\n", bt->ncells, bt->cover50, bt->cover90, bt->crps_mean);
    fputs("PIT: share of trajectories below the observation, ties counted half (mid-rank). "
          "'-': history has no observation.\n", out);
}
