/*
 * dist_chart.c — one output's distribution in one year (distribution.h),
 * drawn with PLplot on the streams charts.c makes (sc_chart_make: in a child
 * process, into memory or a file whole or nothing).
 *
 * Two panels on one x axis, so a reader goes from "how likely is this
 * value" (the histogram) straight down to "how likely is anything below it"
 * (the distribution function, gridlines every 10%). Without trajectories
 * the upper panel is the density the stored percentiles imply (each bar
 * spans two neighbouring percentiles and holds their share) and the curve
 * stops where they do, as the text says. The target is a red line, each
 * threshold a dashed one with its P(< x) read off.
 */
#include "sendcast/distribution.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <plplot.h>

#include "sendcast/alloc.h"
#include "sendcast/text.h"

/* This file's colours (colour map 0, set on each stream). */
enum { D_BG, D_INK, D_GRID, D_BAR, D_CURVE, D_TARGET, D_THRESH, D_NCOL };

static void palette(void)
{
    static const int rgb[D_NCOL][3] = {
        [D_BG] = { 255, 255, 255 }, [D_INK] = { 40, 40, 40 }, [D_GRID] = { 210, 210, 210 },
        [D_BAR] = { 133, 180, 222 }, [D_CURVE] = { 8, 48, 107 },
        [D_TARGET] = { 200, 30, 30 }, [D_THRESH] = { 230, 120, 0 },
    };
    for (int i = 0; i < D_NCOL; i++)
        plscol0a(i, rgb[i][0], rgb[i][1], rgb[i][2], 1.0);
}

/* the panels' left and right edges; right of them, the key */
#define PANEL_X0 0.09
#define PANEL_X1 0.70
#define NBINS 40

typedef struct job {
    const sc_cdf *d;
    const double *x;
    int nx;
} job;

/* The x range: the values the file gives, and every line to be drawn. A
 * deficit's long right tail (one trajectory in 10,000 at four times the
 * median) would squeeze the body into a corner: the axis leaves out the
 * outer 0.1% at each end, as the subtitle says. */
static void x_range(const job *j, double *lo, double *hi)
{
    const sc_cdf *d = j->d;
    *lo = d->exact ? sc_cdf_quantile(d, 0.001) : d->v[0];
    *hi = d->exact ? sc_cdf_quantile(d, 0.999) : d->v[d->np - 1];
    if (d->target_name[0]) {
        *lo = fmin(*lo, d->target);
        *hi = fmax(*hi, d->target);
    }
    for (int k = 0; k < j->nx; k++) {
        *lo = fmin(*lo, j->x[k]);
        *hi = fmax(*hi, j->x[k]);
    }
    double pad = 0.04 * (*hi - *lo > 0 ? *hi - *lo : fabs(*lo) > 0 ? fabs(*lo) : 1);
    *lo = (*lo - pad) / d->scale;
    *hi = (*hi + pad) / d->scale;
}

static void rect(double x0, double x1, double y0, double y1, int colour)
{
    PLFLT x[4] = { x0, x1, x1, x0 }, y[4] = { y0, y0, y1, y1 };
    plcol0(colour);
    plfill(4, x, y);
}

/* Bar heights as a share of trajectories per bin (exact), or the stored
 * percentiles' density per unit of x scaled to the same bin width. */
static double histogram(const sc_cdf *d, double lo, double hi, double *h)
{
    double w = (hi - lo) / NBINS, top = 0;
    memset(h, 0, NBINS * sizeof *h);
    if (d->exact) {
        for (long i = 0; i < d->n; i++) {
            double b = floor((d->sorted[i] / d->scale - lo) / w);
            if (b >= 0 && b < NBINS)   /* beyond the axis: not drawn */
                h[(int)b] += 1.0 / (double)d->n;
        }
        for (int b = 0; b < NBINS; b++)
            top = fmax(top, h[b]);
        return top;
    }
    for (int k = 0; k + 1 < d->np; k++) {
        double a = d->v[k] / d->scale, b = d->v[k + 1] / d->scale;
        if (b > a)
            top = fmax(top, (d->q[k + 1] - d->q[k]) / 100 / (b - a) * w);
    }
    return top;
}

static void draw_bars(const sc_cdf *d, double lo, double hi, const double *h)
{
    double w = (hi - lo) / NBINS;
    if (d->exact) {
        for (int b = 0; b < NBINS; b++)
            if (h[b] > 0)
                rect(lo + b * w, lo + (b + 1) * w, 0, h[b], D_BAR);
        return;
    }
    for (int k = 0; k + 1 < d->np; k++) {
        double a = d->v[k] / d->scale, b = d->v[k + 1] / d->scale;
        if (b > a)
            rect(a, b, 0, (d->q[k + 1] - d->q[k]) / 100 / (b - a) * w, D_BAR);
    }
}

static void vline(double x, double y0, double y1, int colour, int style)
{
    PLFLT vx[2] = { x, x }, vy[2] = { y0, y1 };
    plcol0(colour);
    pllsty(style);
    plwidth(2);
    plline(2, vx, vy);
    pllsty(1);
    plwidth(1);
}

/* Shares on the y axis as percentages: 0.3 -> "30%". */
static void percent_label(PLINT axis, PLFLT value, char *label, PLINT length, PLPointer data)
{
    (void)data;
    if (axis == PL_Y_AXIS)
        snprintf(label, (size_t)length, "%.0f%%", 100 * value);
    else
        snprintf(label, (size_t)length, "%g", value);
}

static const char *axis_label(const sc_cdf *d)
{
    return d->scale == 1e6 ? "£m" : d->m->unit;
}

static void upper_panel(const job *j, double lo, double hi)
{
    const sc_cdf *d = j->d;
    double h[NBINS];
    double top = histogram(d, lo, hi, h) * 1.15;
    if (!(top > 0))
        top = 1;
    plvpor(PANEL_X0, PANEL_X1, 0.58, 0.86);
    plwind(lo, hi, 0, top);
    draw_bars(d, lo, hi, h);
    plcol0(D_INK);
    plschr(0, 0.9);
    plslabelfunc(percent_label, NULL);
    plbox("bcst", 0, 0, "bcnostv", 0, 0);
    plslabelfunc(NULL, NULL);
    plmtex("l", 5.0, 0.5, 0.5, d->exact ? "share of trajectories" : "share (from percentiles)");
    if (d->target_name[0])
        vline(d->target / d->scale, 0, top, D_TARGET, 1);
    for (int k = 0; k < j->nx; k++)
        vline(j->x[k] / d->scale, 0, top, D_THRESH, 2);
}

/* The empirical distribution function, at most ~1000 points; or the stored
 * percentiles joined, and nothing beyond them. */
static void cdf_curve(const sc_cdf *d)
{
    plcol0(D_CURVE);
    plwidth(2.5);
    if (d->exact) {
        /* every step-th point and the last: enough for the eye */
        PLFLT x[1002], y[1002];
        long step = d->n / 1000 + 1;
        int m = 0;
        for (long k = 0; k < d->n; k += step, m++) {
            x[m] = d->sorted[k] / d->scale;
            y[m] = (double)(k + 1) / (double)d->n;
        }
        x[m] = d->sorted[d->n - 1] / d->scale;
        y[m++] = 1;
        plline(m, x, y);
    } else {
        for (int k = 0; k + 1 < d->np; k++) {
            PLFLT x[2] = { d->v[k] / d->scale, d->v[k + 1] / d->scale };
            PLFLT y[2] = { d->q[k] / 100, d->q[k + 1] / 100 };
            plline(2, x, y);
        }
    }
    plwidth(1);
}

/* The label of a P read off the curve: the value, or the bound. */
static void p_text(const sc_cdf *d, sc_cdf_prob p, char *s, size_t size)
{
    if (p.bound)
        snprintf(s, size, "%s: P(<) %s %g%%, P(>) %s %g%%", sc_cdf_value_label(d, p.x).s,
                 p.bound < 0 ? "<" : ">", 100 * p.below, p.bound < 0 ? ">" : "<",
                 100 * p.above);
    else
        snprintf(s, size, "%s: P(<) %s, P(>) %s", sc_cdf_value_label(d, p.x).s,
                 sc_prob_label(p.below, d->n).s, sc_prob_label(p.above, d->n).s);
}

/* Key entry `row` in the column right of the panels: a sample of the line,
 * then the text in two lines, split after its "value:" (the labels beside
 * the lines ran over the lines, the curve and each other). */
static void key_entry(int row, int colour, int style, const char *text)
{
    char first[160];
    const char *rest = strstr(text, ": ");
    size_t n = rest ? (size_t)(rest - text) + 1 : strlen(text);
    snprintf(first, sizeof first, "%.*s", (int)n, text);
    plvpor(PANEL_X1 + 0.02, 0.995, 0.12, 0.86);
    plwind(0, 1, 0, 1);
    double y = 0.97 - 0.105 * row;
    PLFLT lx[2] = { 0, 0.09 }, ly[2] = { y - 0.015, y - 0.015 };
    plcol0(colour);
    pllsty(style);
    plwidth(2);
    plline(2, lx, ly);
    plwidth(1);
    pllsty(1);
    plschr(0, 0.78);
    plptex(0.12, y, 1, 0, 0, first);
    plcol0(D_INK);
    if (rest)
        plptex(0.12, y - 0.045, 1, 0, 0, rest + 2);
}

/* A line at x and its P(< x) a dot on the curve, with its key entry. */
static void mark(const sc_cdf *d, double lo, double hi, double x, int colour, int style,
                 const char *text, int row)
{
    sc_cdf_prob p = sc_cdf_at(d, x);
    double xs = x / d->scale;
    vline(xs, 0, 1, colour, style);
    if (!p.bound) {
        PLFLT px[1] = { xs }, py[1] = { p.below };
        plcol0(colour);
        plssym(0, 1.4);
        plpoin(1, px, py, 17);
    }
    key_entry(row, colour, style, text);
    plvpor(PANEL_X0, PANEL_X1, 0.12, 0.53);   /* back to the panel */
    plwind(lo, hi, 0, 1);
}

static void lower_panel(const job *j, double lo, double hi)
{
    const sc_cdf *d = j->d;
    plvpor(PANEL_X0, PANEL_X1, 0.12, 0.53);
    plwind(lo, hi, 0, 1);
    plcol0(D_GRID);
    plbox("g", 0, 0, "g", 0, 0.1);
    plcol0(D_INK);
    plschr(0, 0.9);
    plslabelfunc(percent_label, NULL);
    plbox("bcnst", 0, 0, "bcnostv", 0.1, 0);
    plslabelfunc(NULL, NULL);
    plmtex("l", 5.0, 0.5, 0.5, "P(value < x)");
    char xlabel[160];
    snprintf(xlabel, sizeof xlabel, "%s, %s", d->m->name, axis_label(d));
    plmtex("b", 2.6, 0.5, 0.5, xlabel);
    cdf_curve(d);
    int row = 0;
    char s[160];
    if (d->target_name[0]) {
        snprintf(s, sizeof s, "target %s: P(met) %s", sc_cdf_value_label(d, d->target).s,
                 sc_prob_label(d->p_met, d->n).s);
        mark(d, lo, hi, d->target, D_TARGET, 1, s, row++);
    }
    for (int k = 0; k < j->nx && k < 9; k++) {
        p_text(d, sc_cdf_at(d, j->x[k]), s, sizeof s);
        mark(d, lo, hi, j->x[k], D_THRESH, 2, s, row++);
    }
}

/* The chart's title and subtitle, drawn on it and its SVG's caption. */
static void title_of(const sc_cdf *d, char *title, size_t tsize, char *sub, size_t ssize)
{
    snprintf(title, tsize, "%s%s%s in %s: how likely each value is", d->m->name,
             d->m->level == SC_LEVEL_DISTRICT ? "" : " ", d->m->level == SC_LEVEL_DISTRICT
             ? "" : d->unit_id, sc_year_label(d->r->year[d->t]).s);
    snprintf(sub, ssize, d->exact ? "%ld trajectories; above: histogram; below: P(value "
             "< x); the outer 0.1%% at each end off the axis" : "%ld trajectories, their values "
             "not kept: interpolated from the stored percentiles, nothing shown beyond them", d->n);
}

static void titles(const sc_cdf *d)
{
    char title[256], sub[512];
    title_of(d, title, sizeof title, sub, sizeof sub);
    plvpor(0.09, 0.97, 0.58, 0.86);
    plcol0(D_INK);
    plschr(0, 1.3);
    plmtex("t", 2.6, 0.0, 0.0, title);
    plschr(0, 0.85);
    plmtex("t", 1.0, 0.0, 0.0, sub);
}

static int draw(const void *ctx, sc_error *e)
{
    (void)e;
    const job *j = ctx;
    double lo, hi;
    palette();
    pladv(0);
    x_range(j, &lo, &hi);
    titles(j->d);
    upper_panel(j, lo, hi);
    lower_panel(j, lo, hi);
    return SC_OK;
}

int sc_cdf_chart(const sc_cdf *d, const double *x, int nx, const char *device,
                  sc_chart_to *to, sc_error *e)
{
    const job j = { d, x, nx };
    char name[160], title[256], sub[512], desc[1024], s[160];
    snprintf(name, sizeof name, "distribution of %s", d->m->name);
    title_of(d, title, sizeof title, sub, sizeof sub);
    size_t used = (size_t)snprintf(desc, sizeof desc, "%s. Above, how many trajectories end "
                                   "near each value; below, the chance the value is less "
                                   "than x, read off at each marked amount.", sub);
    if (d->target_name[0] && used < sizeof desc)
        used += (size_t)snprintf(desc + used, sizeof desc - used, " Target %s: P(met) %s.",
                                 sc_cdf_value_label(d, d->target).s,
                                 sc_prob_label(d->p_met, d->n).s);
    for (int k = 0; k < nx && k < 9 && used < sizeof desc; k++) {
        p_text(d, sc_cdf_at(d, x[k]), s, sizeof s);
        used += (size_t)snprintf(desc + used, sizeof desc - used, " %s.", s);
    }
    return sc_chart_make(device, name, title, desc, draw, &j, to, e);
}
