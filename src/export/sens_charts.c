/*
 * sens_charts.c — the charts of sensitivity, the layered fan and budgets
 * (sens_output.h), drawn with PLplot on the streams charts.c makes
 * (sc_chart_draw_with: one stream a chart, whole or nothing).
 *
 * Tornado: one row an input, largest share at the top; from the output's
 * median a bar to its median with the input at its 10th percentile (pale)
 * and one to the 90th (dark), each with a whisker of its Monte Carlo error;
 * the row's label gives the input's share of the variance ± its error.
 * Layered fan: the full run's 90% and 60% bands in blue, the band with the
 * parameters at their central values over them in orange, both medians, and
 * the parameters' share of the variance over each year. Budgets: bars per
 * cluster (today's split and the risk-equalised one, £m) and the areas'
 * trade-off curves. Year labels are written under the axis as the council
 * writes them ("2027/28").
 */
#include "sendcast/sens_output.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <plplot.h>

#include "sendcast/alloc.h"
#include "sendcast/export.h"
#include "sendcast/text.h"

/* This file's colours (colour map 0, set on each stream). */
enum { K_BG, K_INK, K_GRID, K_LOW, K_HIGH, K_OUTER90, K_OUTER60, K_MEDIAN, K_INNER, K_INNERLINE,
       K_RED, K_NCOL };

static void palette(void)
{
    static const int rgb[K_NCOL][3] = {
        [K_BG] = { 255, 255, 255 }, [K_INK] = { 40, 40, 40 }, [K_GRID] = { 210, 210, 210 },
        [K_LOW] = { 158, 202, 225 }, [K_HIGH] = { 8, 69, 148 },
        [K_OUTER90] = { 198, 219, 239 }, [K_OUTER60] = { 133, 180, 222 },
        [K_MEDIAN] = { 8, 48, 107 }, [K_INNER] = { 245, 160, 60 },
        [K_INNERLINE] = { 170, 80, 0 }, [K_RED] = { 200, 30, 30 },
    };
    for (int i = 0; i < K_NCOL; i++)
        plscol0a(i, rgb[i][0], rgb[i][1], rgb[i][2], i == K_INNER ? 0.75 : 1.0);
}

static void rect(double x0, double x1, double y0, double y1, int colour)
{
    PLFLT x[4] = { x0, x1, x1, x0 }, y[4] = { y0, y0, y1, y1 };
    plcol0(colour);
    plfill(4, x, y);
}

/* Title and subtitle over the whole page (the plot's own viewport is put
 * back afterwards). */
static void titles(const char *title, const char *sub)
{
    PLFLT x0, x1, y0, y1;
    plgvpd(&x0, &x1, &y0, &y1);
    plvpor(0.03, 0.97, y0, y1);
    plcol0(K_INK);
    plschr(0, 1.4);
    plmtex("t", 2.6, 0.0, 0.0, title);
    plschr(0, 0.85);
    plmtex("t", 1.0, 0.0, 0.0, sub);
    plvpor(x0, x1, y0, y1);
}

/* ---- tornado -------------------------------------------------------------- */

typedef struct tornado {
    const sc_sens_data *d;
    const sc_sens_table *t;
    int o, y, top;
} tornado;

/* The chart's title and subtitle, drawn on it and its SVG's caption. */
static void tornado_titles(const tornado *c, char *title, size_t tsize, char *sub, size_t ssize)
{
    snprintf(title, tsize, "What moves %s in %s", sc_sens_outputs[c->o].label,
             sc_year_label(c->d->year[c->y]).s);
    snprintf(sub, ssize, "%s, %ld trajectories; bars: input at its 10th (pale) or 90th "
             "(dark) percentile", c->d->scenario_name, c->d->n);
}

/* Horizontal whisker at height y from x - s to x + s. */
static void whisker(double x, double s, double y, double h)
{
    if (isnan(s) || s <= 0)
        return;
    PLFLT hx[2] = { x - s, x + s }, hy[2] = { y, y };
    PLFLT vx[2] = { x - s, x - s }, vy[2] = { y - h, y + h };
    plcol0(K_INK);
    plline(2, hx, hy);
    plline(2, vx, vy);
    vx[0] = vx[1] = x + s;
    plline(2, vx, vy);
}

static int draw_tornado(const void *ctx, sc_error *e)
{
    const tornado *c = ctx;
    const sc_sens_data *d = c->d;
    const sc_sens_table *t = c->t;
    const sc_sens_output_info *info = &sc_sens_outputs[c->o];
    int *rank = sc_calloc((size_t)(t->ninputs ? t->ninputs : 1), sizeof *rank);
    if (!rank)
        return SC_ERROR(e, SC_ENOMEM, "out of memory drawing a tornado");
    sc_sens_rank(t, c->o, c->y, rank);
    int k = 0;
    double lo = 0, hi = 0, s = info->scale;
    while (k < c->top && k < t->ninputs && !isnan(sc_sens_at(t, c->o, c->y, rank[k])->share))
        k++;
    for (int j = 0; j < k; j++) {
        const sc_sens_estimate *x = sc_sens_at(t, c->o, c->y, rank[j]);
        lo = fmin(lo, fmin(x->low - x->low_se, x->high - x->high_se) / s);
        hi = fmax(hi, fmax(x->low + x->low_se, x->high + x->high_se) / s);
    }
    double pad = 0.08 * (hi - lo > 0 ? hi - lo : 1);
    palette();
    pladv(0);
    plvpor(0.40, 0.97, 0.12, 0.84);
    plwind(lo - pad, hi + pad, k - 0.5 + 0.001, -0.5);   /* row 0 at the top */
    plcol0(K_GRID);
    plbox("g", 0, 0, "", 0, 0);
    plcol0(K_INK);
    plschr(0, 1.0);
    plbox("bcnst", 0, 0, "bc", 0, 0);
    PLFLT zx[2] = { 0, 0 }, zy[2] = { -0.5, k - 0.5 };
    plline(2, zx, zy);
    char lab[300], title[200], sub[300];
    for (int j = 0; j < k; j++) {
        const sc_sens_estimate *x = sc_sens_at(t, c->o, c->y, rank[j]);
        rect(0, x->low / s, j - 0.32, j, K_LOW);
        rect(0, x->high / s, j, j + 0.32, K_HIGH);
        whisker(x->low / s, x->low_se / s, j - 0.16, 0.08);
        whisker(x->high / s, x->high_se / s, j + 0.16, 0.08);
        snprintf(lab, sizeof lab, "%s  %.2f ± %.2f", d->input[rank[j]].name, x->share,
                 x->share_se);
        plcol0(K_INK);
        plschr(0, 0.8);
        plmtex("lv", 0.6, 1.0 - (j + 0.5) / k, 1.0, lab);
    }
    /* what the numbers beside the inputs are, under them: in the axis label it
     * ran off the page's right edge */
    plmtex("b", 3.0, -0.02, 1.0, "input, its share of the variance ± MC error");
    plschr(0, 1.0);
    snprintf(lab, sizeof lab, "shift of the %s from %.2f %s", info->indicator ? "probability"
             : "median", t->centre[(size_t)c->o * (size_t)t->years + (size_t)c->y] / s,
             info->unit);
    plmtex("b", 3.0, 0.5, 0.5, lab);
    tornado_titles(c, title, sizeof title, sub, sizeof sub);
    titles(title, sub);
    sc_free(rank);
    return SC_OK;
}

int sc_sens_chart_tornado(const sc_sens_data *d, const sc_sens_table *t, int o, int y, int top,
                          const char *device, sc_chart_to *to, sc_error *e)
{
    const tornado c = { d, t, o, y, top };
    char title[200], sub[400], desc[1024];
    tornado_titles(&c, title, sizeof title, sub, sizeof sub);
    snprintf(desc, sizeof desc, "%s. One row an input, the largest share of the output's "
             "variance at the top, each labelled with its share and Monte Carlo error; the "
             "bars run from the output's median to its median with the input held at its "
             "10th or 90th percentile.", sub);
    return sc_chart_make(device, "tornado", title, desc, draw_tornado, &c, to, e);
}

/* ---- year axis ------------------------------------------------------------- */

static void year_axis(const sc_sens_data *d)
{
    PLFLT x0, x1, y0, y1;
    plgvpw(&x0, &x1, &y0, &y1);
    plcol0(K_INK);
    for (int t = 0; t < d->years; t++)
        plmtex("b", 1.5, (d->year[t] - x0) / (x1 - x0), 0.5, sc_year_label(d->year[t]).s);
}

/* ---- layered fan ------------------------------------------------------------ */

typedef struct layers_chart {
    const sc_sens_data *d;
    int o;
} layers_chart;

static void layers_titles(const layers_chart *c, char *title, size_t tsize, char *sub,
                          size_t ssize)
{
    snprintf(title, tsize, "%s: parameters against year-to-year chance",
             sc_sens_outputs[c->o].label);
    snprintf(sub, ssize, "%s: every parameter drawn, or at its central value; the same "
             "%ld trajectories", c->d->scenario_name, c->d->layers.n);
}

static void band(const sc_sens_data *d, const double *q, int lo, int hi, int colour)
{
    PLFLT x[128], y[128];
    int n = d->years;
    for (int t = 0; t < n; t++) {
        x[t] = d->year[t];
        y[t] = q[(size_t)t * SC_SENS_NQ + (size_t)lo];
        x[2 * n - 1 - t] = d->year[t];
        y[2 * n - 1 - t] = q[(size_t)t * SC_SENS_NQ + (size_t)hi];
    }
    plcol0(colour);
    plfill(2 * n, x, y);
}

static void median_line(const sc_sens_data *d, const double *q, int colour, int style)
{
    PLFLT x[64], y[64];
    for (int t = 0; t < d->years; t++) {
        x[t] = d->year[t];
        y[t] = q[(size_t)t * SC_SENS_NQ + 3];
    }
    plcol0(colour);
    pllsty(style);
    plwidth(3);
    plline(d->years, x, y);
    plwidth(1);
    pllsty(1);
}

static void key(int row, int colour, int line, const char *text)
{
    PLFLT x0, x1, y0, y1;
    plgvpw(&x0, &x1, &y0, &y1);
    double w = x1 - x0, h = y1 - y0, x = x0 + 0.02 * w, y = y1 - (0.05 + 0.06 * row) * h;
    if (line) {
        PLFLT lx[2] = { x, x + 0.035 * w }, ly[2] = { y, y };
        plcol0(colour);
        plwidth(3);
        plline(2, lx, ly);
        plwidth(1);
    } else {
        rect(x, x + 0.035 * w, y - 0.018 * h, y + 0.018 * h, colour);
    }
    plcol0(K_INK);
    plptex(x + 0.045 * w, y, 1, 0, 0, text);
}

static int draw_layers(const void *ctx, sc_error *e)
{
    const layers_chart *c = ctx;
    const sc_sens_data *d = c->d;
    const sc_sens_layers *l = &d->layers;
    const sc_sens_output_info *info = &sc_sens_outputs[c->o];
    double s = info->scale, lo = INFINITY, hi = -INFINITY;
    double *in = sc_calloc((size_t)d->years * SC_SENS_NQ, sizeof *in);
    double *out = sc_calloc((size_t)d->years * SC_SENS_NQ, sizeof *out);
    if (!in || !out) {
        sc_free(in);
        sc_free(out);
        return SC_ERROR(e, SC_ENOMEM, "out of memory drawing the layered fan");
    }
    for (size_t k = 0; k < (size_t)d->years * SC_SENS_NQ; k++) {
        in[k] = l->inner[c->o][k] / s;
        out[k] = l->outer[c->o][k] / s;
        lo = fmin(lo, fmin(in[k], out[k]));
        hi = fmax(hi, fmax(in[k], out[k]));
    }
    if (lo > 0 && c->o != SC_SENS_BALANCE)
        lo = 0;
    double span = hi - lo > 0 ? hi - lo : 1;
    palette();
    pladv(0);
    plvpor(0.10, 0.97, 0.13, 0.84);
    plwind(d->year[0] - 0.45, d->year[d->years - 1] + 0.45, lo - 0.04 * span, hi + 0.16 * span);
    plcol0(K_GRID);
    plbox("", 0, 0, "g", 0, 0);
    band(d, out, 0, 6, K_OUTER90);
    band(d, out, 1, 5, K_OUTER60);
    band(d, in, 0, 6, K_INNER);
    median_line(d, out, K_MEDIAN, 1);
    median_line(d, in, K_INNERLINE, 2);
    plcol0(K_INK);
    plbox("bct", 1, 0, "bcnstv", 0, 0);
    year_axis(d);
    plschr(0, 1.0);
    plmtex("l", 5.0, 0.5, 0.5, info->unit);
    plschr(0, 0.85);
    for (int t = 0; t < d->years; t++) {
        char lab[64];
        snprintf(lab, sizeof lab, "%.0f%%", 100 * l->share[c->o][t]);
        plptex(d->year[t], hi + 0.08 * span, 1, 0, 0.5, lab);
    }
    plschr(0, 0.95);
    key(1, K_BG, 0, "top: the parameters' share of each year's variance");
    key(2, K_OUTER90, 0, "full run: central 90% (outer fan)");
    key(3, K_OUTER60, 0, "full run: central 60%");
    key(4, K_INNER, 0, "parameters at central values: central 90% (inner fan)");
    key(5, K_MEDIAN, 1, "median (dashed: parameters at central values)");
    char title[200], sub[400];
    layers_titles(c, title, sizeof title, sub, sizeof sub);
    titles(title, sub);
    sc_free(in);
    sc_free(out);
    return SC_OK;
}

int sc_sens_chart_layers(const sc_sens_data *d, int o, const char *device, sc_chart_to *to,
                         sc_error *e)
{
    if (!d->layers.inner[o] || d->years > 64)
        return SC_ERROR(e, SC_EINPUT, "%s has no layered fan of %s (a run with --sample 0?)",
                        d->path, sc_sens_outputs[o].name);
    const layers_chart c = { d, o };
    char title[200], sub[400], desc[1024];
    layers_titles(&c, title, sizeof title, sub, sizeof sub);
    snprintf(desc, sizeof desc, "%s. Blue: the full run's 90%% and 60%% bands and median; "
             "orange over them: the band with every parameter at its central value, what "
             "year-to-year chance alone spreads; above each year the parameters' share of "
             "the variance.", sub);
    return sc_chart_make(device, "layered fan", title, desc, draw_layers, &c, to, e);
}

/* ---- budgets ---------------------------------------------------------------- */

typedef struct budgets_chart {
    const sc_sens_data *d;
    const sc_sens_budgets *b;
} budgets_chart;

static void budgets_titles(const budgets_chart *c, char *title, size_t tsize, char *sub,
                           size_t ssize)
{
    const sc_sens_budgets *b = c->b;
    snprintf(title, tsize, "Cluster budgets and area contingency, %s",
             sc_year_label(c->d->year[b->t]).s);
    snprintf(sub, ssize, "%s, total £%.2fm%s; right: P(overspend beyond area "
             "contingency), red: %.0f%%", c->d->scenario_name, b->total / 1e6,
             sc_sens_label(sc_sens_total_status(b)), 100 * (1 - b->risk));
}

static void budget_bars(const sc_sens_data *d, const sc_sens_budgets *b)
{
    double hi = 0;
    for (int c = 0; c < b->nclusters; c++)
        hi = fmax(hi, fmax(b->scaled[c], b->equal[c]) / 1e6);
    plvpor(0.07, 0.55, 0.16, 0.80);
    plwind(-0.6, b->nclusters - 0.4, 0, hi * 1.25 + 1e-9);
    plcol0(K_GRID);
    plbox("", 0, 0, "g", 0, 0);
    for (int c = 0; c < b->nclusters; c++) {
        rect(c - 0.38, c, 0, b->scaled[c] / 1e6, K_LOW);
        rect(c, c + 0.38, 0, b->equal[c] / 1e6, K_HIGH);
    }
    plcol0(K_INK);
    plschr(0, 0.8);
    plbox("bc", 0, 0, "bcnstv", 0, 0);
    for (int c = 0; c < b->nclusters; c++)
        plmtex("b", 1.0 + 1.0 * (c % 2), (c + 0.6) / (b->nclusters + 0.2), 0.5, d->cluster[c]);
    plmtex("l", 3.5, 0.5, 0.5, "£m");
    plmtex("b", 3.2, 0.5, 0.5, "cluster");
    char k1[160], k2[160];
    snprintf(k1, sizeof k1, "today's split of the total%s", sc_sens_label(b->budget_status));
    snprintf(k2, sizeof k2, "risk-equalised%s: P(overspend) %.0f%%",
             sc_sens_label(sc_sens_total_status(b)), 100 * b->q);
    plschr(0, 0.85);
    key(0, K_LOW, 0, k1);
    key(1, K_HIGH, 0, k2);
}

static void tradeoff(const sc_sens_data *d, const sc_sens_budgets *b)
{
    static const int colours[] = { K_HIGH, K_INNERLINE, K_RED, K_OUTER60, K_MEDIAN, K_INNER };
    double hi = 0;
    for (size_t k = 0; k < (size_t)(b->nareas + 1) * SC_BUDGET_CURVE; k++)
        hi = fmax(hi, b->curve_k[k] / 1e6);
    plvpor(0.64, 0.97, 0.16, 0.80);
    plwind(0, hi + 1e-9, 0, 1.05);
    plcol0(K_GRID);
    plbox("g", 0, 0, "g", 0, 0);
    plcol0(K_INK);
    plschr(0, 0.8);
    plbox("bcnst", 0, 0, "bcnstv", 0, 0);
    plmtex("b", 2.6, 0.5, 0.5, "contingency held (£m)");
    plmtex("l", 3.5, 0.5, 0.5, "P(overspend beyond it)");
    for (int a = 0; a <= b->nareas; a++) {
        PLFLT x[SC_BUDGET_CURVE], y[SC_BUDGET_CURVE];
        for (int k = 0; k < SC_BUDGET_CURVE; k++) {
            x[k] = b->curve_k[(size_t)a * SC_BUDGET_CURVE + (size_t)k] / 1e6;
            y[k] = b->curve_p[(size_t)a * SC_BUDGET_CURVE + (size_t)k];
        }
        plcol0(a < b->nareas ? colours[a % 6] : K_INK);
        pllsty(a < b->nareas ? 1 : 2);
        plwidth(2);
        plline(SC_BUDGET_CURVE, x, y);
        plwidth(1);
        pllsty(1);
        char lab[100];
        snprintf(lab, sizeof lab, "%s", a < b->nareas ? d->area[a] : "district pool");
        PLFLT ly = 0.95 - 0.07 * a, lx[2] = { 0.55 * hi, 0.62 * hi }, lyy[2] = { ly, ly };
        plcol0(a < b->nareas ? colours[a % 6] : K_INK);
        pllsty(a < b->nareas ? 1 : 2);
        plline(2, lx, lyy);
        pllsty(1);
        plcol0(K_INK);
        plptex(0.64 * hi, ly, 1, 0, 0, lab);
    }
    PLFLT rx[2] = { 0, hi }, ry[2] = { 1 - b->risk, 1 - b->risk };
    plcol0(K_RED);
    pllsty(3);
    plline(2, rx, ry);
    pllsty(1);
}

static int draw_budgets(const void *ctx, sc_error *e)
{
    (void)e;
    const budgets_chart *c = ctx;
    const sc_sens_budgets *b = c->b;
    palette();
    pladv(0);
    budget_bars(c->d, b);
    tradeoff(c->d, b);
    plvpor(0.07, 0.97, 0.16, 0.80);
    char title[200], sub[400];
    budgets_titles(c, title, sizeof title, sub, sizeof sub);
    titles(title, sub);
    if (!strcmp(b->budget_status, "illustrative")) {   /* the caveat travels with the chart */
        PLFLT x0, x1, y0, y1;
        plgvpd(&x0, &x1, &y0, &y1);
        plvpor(0.03, 0.97, y0, y1);
        plcol0(K_RED);
        plschr(0, 0.9);
        plmtex("t", 4.0, 1.0, 1.0, "ILLUSTRATIVE inputs");   /* the title's line */
        plvpor(x0, x1, y0, y1);
    }
    return SC_OK;
}

int sc_sens_chart_budgets(const sc_sens_data *d, const sc_sens_budgets *b, const char *device,
                          sc_chart_to *to, sc_error *e)
{
    const budgets_chart c = { d, b };
    char title[200], sub[400], desc[1024];
    budgets_titles(&c, title, sizeof title, sub, sizeof sub);
    snprintf(desc, sizeof desc, "%s. Left: each cluster's budget today and risk-equalised "
             "(£m)%s; right: each area's chance of overspending beyond the contingency it "
             "holds, against that contingency.", sub,
             strcmp(b->budget_status, "illustrative") ? "" : ", from ILLUSTRATIVE inputs");
    return sc_chart_make(device, "budgets", title, desc, draw_budgets, &c, to, e);
}

/* ---- every chart ------------------------------------------------------------- */

typedef int (*one_chart)(const sc_sens_data *d, const sc_sens_table *t, int o, int y,
                         const sc_sens_budgets *b, const char *device, sc_chart_to *to,
                         sc_error *e);

static int tornado_of(const sc_sens_data *d, const sc_sens_table *t, int o, int y,
                      const sc_sens_budgets *b, const char *device, sc_chart_to *to, sc_error *e)
{
    (void)b;
    return sc_sens_chart_tornado(d, t, o, y, 10, device, to, e);
}

static int layers_of(const sc_sens_data *d, const sc_sens_table *t, int o, int y,
                     const sc_sens_budgets *b, const char *device, sc_chart_to *to, sc_error *e)
{
    (void)t, (void)y, (void)b;
    return sc_sens_chart_layers(d, o, device, to, e);
}

static int budgets_of(const sc_sens_data *d, const sc_sens_table *t, int o, int y,
                      const sc_sens_budgets *b, const char *device, sc_chart_to *to, sc_error *e)
{
    (void)t, (void)o, (void)y;
    return sc_sens_chart_budgets(d, b, device, to, e);
}

/* PNG and SVG of one chart, as dir/stem.png and dir/stem.svg. */
static int both(one_chart fn, const sc_sens_data *d, const sc_sens_table *t, int o, int y,
                const sc_sens_budgets *b, const char *dir, const char *stem, int replace,
                sc_error *e)
{
    static const struct { const char *device, *ext; } fmt[] = {
        { "pngcairo", "png" }, { "svg", "svg" } };
    int rc = SC_OK;
    for (size_t j = 0; !rc && j < sizeof fmt / sizeof fmt[0]; j++) {
        char path[4096];
        if (snprintf(path, sizeof path, "%s/%s.%s", dir, stem, fmt[j].ext) >= (int)sizeof path)
            return SC_ERROR(e, SC_EINPUT, "--charts: folder name too long");
        sc_chart_to to = { path, replace, NULL, 0 };
        rc = fn(d, t, o, y, b, fmt[j].device, &to, e);
    }
    return rc;
}

int sc_sens_export_charts(const sc_sens_data *d, const sc_sens_table *t, int y,
                          const sc_sens_budgets *b, const char *dir, int replace, int *ndrawn,
                          sc_error *e)
{
    int rc = SC_OK, n = 0;
    char stem[128];
    for (int o = 0; !rc && t && o < SC_SENS_NOUTPUTS; o++) {
        if (!sc_sens_varies(t, o, y) || (o >= SC_SENS_REQUESTS && t->has[SC_SENS_HNB_SPEND]))
            continue;   /* an output alike in every trajectory has no tornado: no bars */
        snprintf(stem, sizeof stem, "tornado_%s", sc_sens_outputs[o].name);
        rc = both(tornado_of, d, t, o, y, b, dir, stem, replace, e);
        n++;
    }
    for (int o = 0; !rc && t && o < SC_SENS_NOUTPUTS; o++) {
        if (!d->layers.inner[o] || (o >= SC_SENS_REQUESTS && d->layers.inner[SC_SENS_HNB_SPEND]))
            continue;
        snprintf(stem, sizeof stem, "layers_%s", sc_sens_outputs[o].name);
        rc = both(layers_of, d, t, o, y, b, dir, stem, replace, e);
        n++;
    }
    if (!rc && b) {
        rc = both(budgets_of, d, t, 0, y, b, dir, "budgets", replace, e);
        n++;
    }
    if (ndrawn)
        *ndrawn = n;
    return rc;
}

int sc_sens_export_result_charts(const char *path, const char *dir, int budgets, int replace,
                                 int *ndrawn, sc_error *e)
{
    sc_sens_data *d = NULL;
    sc_sens_table *t = NULL;
    sc_sens_budgets *b = NULL;
    *ndrawn = 0;
    int rc = sc_sens_data_read(path, &d, e);
    if (rc == SC_EINPUT) {   /* no draws: nothing to draw, and export goes on */
        sc_error_clear(e);
        return SC_OK;
    }
    if (!rc)
        rc = sc_sens_analyse(d, 0, &t, e);
    double total = 0;
    for (int c = 0; !rc && d->budget && c < d->nclusters; c++)
        total += d->budget[c];
    if (!rc && budgets && d->budget && d->cluster_spend)
        rc = sc_sens_budgets_run(d, 0, total > 0 ? total : 1, 0.9, &b, e);
    if (!rc)
        rc = sc_sens_export_charts(d, t, d->years - 1, b, dir, replace, ndrawn, e);
    sc_sens_budgets_free(b);
    sc_sens_table_free(t);
    sc_sens_data_free(d);
    return rc;
}
