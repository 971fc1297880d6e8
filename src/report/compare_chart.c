/*
 * compare_chart.c — the report's picture of a comparison (report.h): the two
 * runs overlaid, and the paired difference B − A as a fan.
 *
 * Left panel: each run's 90% band and median on one scale, A in grey and B
 * in blue, translucent where they overlap, so a reader sees how far apart the
 * runs' outcomes lie. Right panel: the distribution of B_i − A_i, trajectory
 * by trajectory on common random numbers (compare.h), as a fan of its 90%,
 * 60% and 30% central bands with the median and a line at zero: the effect
 * of the policy in each possible world, far narrower than the gap between
 * two bands suggests. The quantiles are computed here from the runs'
 * per-trajectory values (the comparison keeps only p5/p50/p95 of the
 * differences), by the engine's Hyndman–Fan type 7 rule.
 */
#include "report_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <plplot.h>

#include "sendcast/alloc.h"
#include "sendcast/export.h"
#include "sendcast/stats.h"
#include "sendcast/text.h"

#define NQ 7
#define MAXY 64
static const double levels[NQ] = { 5, 20, 35, 50, 65, 80, 95 };

typedef struct compare_chart {
    const sc_compare *c;
    const char *label;      /* "High Needs Block spend" */
    const char *unit;       /* "£m a year" */
    double scale;
    int years;
    double x[MAXY];
    double a[MAXY][3], b[MAXY][3];   /* p5, p50, p95 of each run */
    double d[MAXY][NQ];              /* the paired differences' quantiles */
} compare_chart;

enum { K_BG, K_INK, K_GRID, K_A, K_ALINE, K_B, K_BLINE, K_D90, K_D60, K_D30, K_DMED, K_NCOL };

static void palette(void)
{
    static const int rgb[K_NCOL][3] = {
        [K_BG] = { 255, 255, 255 }, [K_INK] = { 40, 40, 40 }, [K_GRID] = { 210, 210, 210 },
        [K_A] = { 150, 150, 150 }, [K_ALINE] = { 80, 80, 80 },
        [K_B] = { 66, 130, 196 }, [K_BLINE] = { 8, 48, 107 },
        [K_D90] = { 198, 219, 239 }, [K_D60] = { 133, 180, 222 }, [K_D30] = { 66, 130, 196 },
        [K_DMED] = { 8, 48, 107 },
    };
    for (int i = 0; i < K_NCOL; i++)
        plscol0a(i, rgb[i][0], rgb[i][1], rgb[i][2], i == K_A || i == K_B ? 0.35 : 1.0);
}

/* The quantiles of the paired differences B_i - A_i of year t (the
 * comparison keeps only p5/p50/p95 of them). */
static void load_differences(compare_chart *cc, const sc_result_metric *ma,
                             const sc_result_metric *mb, int t, double *scratch)
{
    long n = cc->c->a->trajectories;
    size_t y = (size_t)cc->years;
    for (long i = 0; i < n; i++) {
        size_t at = (size_t)i * y + (size_t)t;
        scratch[i] = mb->traj[at] - ma->traj[at];
    }
    sc_stats_sort(scratch, (size_t)n);
    for (int k = 0; k < NQ; k++)
        cc->d[t][k] = sc_stats_type7(scratch, (size_t)n, levels[k] / 100.0) / cc->scale;
}

/* Each run's own p5/p50/p95 by year, as the result gives them
 * (sc_result_quantiles: stored, or from the trajectories by the same rule). */
static int load_runs(compare_chart *cc, const sc_result_metric *ma, const sc_result_metric *mb,
                     sc_error *e)
{
    static const double q[3] = { 5, 50, 95 };
    int rc = sc_result_quantiles(cc->c->a, ma, 0, 3, q, &cc->a[0][0], e);
    if (!rc)
        rc = sc_result_quantiles(cc->c->b, mb, 0, 3, q, &cc->b[0][0], e);
    for (int t = 0; !rc && t < cc->years; t++)
        for (int k = 0; k < 3; k++) {
            cc->a[t][k] /= cc->scale;
            cc->b[t][k] /= cc->scale;
        }
    return rc;
}

static void poly_band(const double *x, int n, const double *lo, const double *hi, int colour)
{
    PLFLT px[2 * MAXY], py[2 * MAXY];
    for (int t = 0; t < n; t++) {
        px[t] = x[t];
        py[t] = lo[t];
        px[2 * n - 1 - t] = x[t];
        py[2 * n - 1 - t] = hi[t];
    }
    plcol0(colour);
    plfill(2 * n, px, py);
}

static void line(const double *x, int n, const double *y, int colour, int style)
{
    plcol0(colour);
    pllsty(style);
    plwidth(2.5);
    plline(n, x, y);
    plwidth(1);
    pllsty(1);
}

/* Year labels under the axis as the council writes them ("2027/28"). */
static void year_labels(const compare_chart *cc)
{
    PLFLT x0, x1, y0, y1;
    plgvpw(&x0, &x1, &y0, &y1);
    plcol0(K_INK);
    plschr(0, 0.85);
    for (int t = 0; t < cc->years; t++) {
        int y = (int)cc->x[t];
        char lab[16];
        snprintf(lab, sizeof lab, "%02d/%02d", y % 100, (y + 1) % 100);   /* half a page wide */
        plmtex("b", 1.5, (cc->x[t] - x0) / (x1 - x0), 0.5, lab);
    }
    plschr(0, 1.0);
}

static void panel(const compare_chart *cc, double vx0, double vx1, double lo, double hi,
                  const char *heading)
{
    plvpor(vx0, vx1, 0.12, 0.74);
    plwind(cc->x[0] - 0.3, cc->x[cc->years - 1] + 0.3, lo, hi);
    plcol0(K_GRID);
    plbox("g", 1, 0, "g", 0, 0);
    plcol0(K_INK);
    plschr(0, 0.9);
    plbox("bct", 1, 0, "bcnstv", 0, 0);
    year_labels(cc);
    plschr(0, 1.0);
    plmtex("t", 1.0, 0.0, 0.0, heading);
    plmtex("l", 4.2, 0.5, 0.5, cc->unit);
}

static void range_of(const double *v, size_t n, double *lo, double *hi)
{
    *lo = 0;
    *hi = 0;
    for (size_t i = 0; i < n; i++) {
        *lo = fmin(*lo, v[i]);
        *hi = fmax(*hi, v[i]);
    }
    double pad = 0.06 * (*hi - *lo > 0 ? *hi - *lo : 1);
    *lo -= pad;
    *hi += pad;
}

static void key(double x, double y, int colour, int fill, const char *text)
{
    PLFLT bx[4] = { x, x + 0.04, x + 0.04, x }, by[4] = { y - 0.012, y - 0.012, y + 0.012, y + 0.012 };
    plvpor(0, 1, 0, 1);
    plwind(0, 1, 0, 1);
    plcol0(colour);
    if (fill) {
        plfill(4, bx, by);
    } else {
        PLFLT lx[2] = { x, x + 0.04 }, ly[2] = { y, y };
        plwidth(3);
        plline(2, lx, ly);
        plwidth(1);
    }
    plcol0(K_INK);
    plschr(0, 0.85);
    plptex(x + 0.05, y, 1, 0, 0, text);
    plschr(0, 1.0);
}

static int draw(const void *ctx, sc_error *e)
{
    (void)e;
    const compare_chart *cc = ctx;
    int n = cc->years;
    double lo5[MAXY], mid[MAXY], hi95[MAXY], all[MAXY * 6] = { 0 }, dall[MAXY * NQ] = { 0 };
    palette();
    pladv(0);
    for (int t = 0; t < n; t++)
        for (int k = 0; k < 3; k++) {
            all[t * 6 + k] = cc->a[t][k];
            all[t * 6 + 3 + k] = cc->b[t][k];
        }
    for (int t = 0; t < n; t++)
        for (int k = 0; k < NQ; k++)
            dall[t * NQ + k] = cc->d[t][k];
    double lo, hi;
    range_of(all, (size_t)n * 6, &lo, &hi);
    panel(cc, 0.08, 0.47, lo, hi, "each run: 90% band and median");
    for (int run = 0; run < 2; run++) {
        for (int t = 0; t < n; t++) {
            const double *q = run ? cc->b[t] : cc->a[t];
            lo5[t] = q[0];
            mid[t] = q[1];
            hi95[t] = q[2];
        }
        poly_band(cc->x, n, lo5, hi95, run ? K_B : K_A);
        line(cc->x, n, mid, run ? K_BLINE : K_ALINE, run ? 1 : 2);
    }
    range_of(dall, (size_t)n * NQ, &lo, &hi);
    panel(cc, 0.57, 0.97, lo, hi, "B - A, trajectory by trajectory");
    static const int band[3][3] = { { 0, 6, K_D90 }, { 1, 5, K_D60 }, { 2, 4, K_D30 } };
    for (int b = 0; b < 3; b++) {
        for (int t = 0; t < n; t++) {
            lo5[t] = cc->d[t][band[b][0]];
            hi95[t] = cc->d[t][band[b][1]];
        }
        poly_band(cc->x, n, lo5, hi95, band[b][2]);
    }
    for (int t = 0; t < n; t++)
        mid[t] = cc->d[t][3];
    line(cc->x, n, mid, K_DMED, 1);
    PLFLT zx[2] = { cc->x[0] - 0.3, cc->x[n - 1] + 0.3 }, zy[2] = { 0, 0 };
    plcol0(K_INK);
    plline(2, zx, zy);
    /* titles and keys over the whole page */
    char title[160], sub[512];
    snprintf(title, sizeof title, "%s: B against A", cc->label);
    snprintf(sub, sizeof sub, "%ld trajectories paired on common random numbers (seed %llu)",
             cc->c->a->trajectories, (unsigned long long)cc->c->a->seed);
    plvpor(0, 1, 0, 1);
    plwind(0, 1, 0, 1);
    plcol0(K_INK);
    plschr(0, 1.3);
    plptex(0.03, 0.955, 1, 0, 0, title);
    plschr(0, 0.9);
    plptex(0.03, 0.905, 1, 0, 0, sub);
    char ka[96], kb[96];
    snprintf(ka, sizeof ka, "A: %s (dashed)", cc->c->a->scenario_name);
    snprintf(kb, sizeof kb, "B: %s", cc->c->b->scenario_name);
    key(0.08, 0.855, K_ALINE, 0, ka);
    key(0.08, 0.815, K_BLINE, 0, kb);
    key(0.57, 0.855, K_D30, 1, "central 30%");
    key(0.74, 0.855, K_D60, 1, "60%");
    key(0.86, 0.855, K_D90, 1, "90%");
    key(0.57, 0.815, K_DMED, 0, "median of B - A");
    return SC_OK;
}

int sc_report_compare_chart(const sc_compare *c, const char *metric, const char *label,
                            const char *unit, double scale, const char *device,
                            sc_chart_to *to, sc_error *e)
{
    const sc_result_metric *ma = sc_result_metric_find(c->a, SC_LEVEL_DISTRICT, metric);
    const sc_result_metric *mb = sc_result_metric_find(c->b, SC_LEVEL_DISTRICT, metric);
    if (!ma || !mb || !ma->traj || !mb->traj || c->years > MAXY || c->a->trajectories < 2)
        return SC_ERROR(e, SC_EINPUT, "no paired values of %s to chart", metric);
    compare_chart *cc = sc_calloc(1, sizeof *cc);
    double *scratch = sc_calloc((size_t)c->a->trajectories, sizeof *scratch);
    if (!cc || !scratch) {
        sc_free(cc);
        sc_free(scratch);
        return SC_ERROR(e, SC_ENOMEM, "out of memory charting the comparison");
    }
    *cc = (compare_chart){ .c = c, .label = label, .unit = unit, .scale = scale,
                           .years = c->years };
    for (int t = 0; t < c->years; t++) {
        cc->x[t] = c->a->year[t];
        load_differences(cc, ma, mb, t, scratch);
    }
    int rc = load_runs(cc, ma, mb, e);
    char title[200], desc[1024];
    int last = c->years - 1;
    snprintf(title, sizeof title, "%s: %s against %s", label, c->b->scenario_name,
             c->a->scenario_name);
    snprintf(desc, sizeof desc, "Left: the 90%% band and median of each run (A grey, B blue). "
             "Right: the paired difference B - A trajectory by trajectory as a fan (central "
             "30%%, 60%% and 90%%) with its median and a line at zero. In %s the median "
             "difference is %.2f and 90%% of differences lie between %.2f and %.2f (%s).",
             sc_year_label(c->a->year[last]).s, cc->d[last][3], cc->d[last][0], cc->d[last][6],
             unit);
    if (!rc)
        rc = sc_chart_make(device, "comparison", title, desc, draw, cc, to, e);
    sc_free(scratch);
    sc_free(cc);
    return rc;
}
