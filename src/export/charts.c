/*
 * charts.c — the steering group's charts, drawn with PLplot (export.h).
 *
 * Fan charts follow the Bank of England's inflation report: the 90%, 60% and
 * 30% central intervals as nested bands of one colour, darker towards the
 * middle, with the median as a line, so a reader sees at a glance where the
 * outcome is likely to land and how far it might stray. The band edges are
 * the 5/20/35/50/65/80/95th percentiles: stored ones where the result has
 * them, else computed from the per-trajectory values (result.h).
 *
 * PLplot keeps its state per stream inside the library; each chart makes its
 * own stream (plmkstrm) and ends it (plend1), so nothing outlives a call. The
 * device is checked with plgFileDevs before plinit. PLplot draws in a child
 * process (isolate.h), into memory (open_memstream, handed over with
 * plsfile): it calls exit() on errors it cannot return, and its drivers do
 * not report a failed write, so the child can fail without taking the
 * command with it, the bytes come back only when they are a whole PNG or SVG,
 * and sendcast writes them itself, every write checked and synced, whole or
 * not at all (outfile.c); the report embeds them without a temporary file.
 * Money is shown in £m. A fan is preceded by the metric's outturn where the
 * result has one (a black line with markers, joined only between consecutive
 * years so a gap in the record is not drawn as data), with a vertical line
 * where the forecast starts, as the Bank of England and the OBR draw theirs.
 */
#include "sendcast/export.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <plplot.h>

#include "sendcast/alloc.h"
#include "sendcast/isolate.h"
#include "sendcast/text.h"

const double sc_fan_q[SC_FAN_NQ] = { 5, 20, 35, 50, 65, 80, 95 };

static int stored(const sc_result *r, double q)
{
    for (int k = 0; k < r->np; k++)
        if (fabs(r->percentile[k] - q) < 1e-9)
            return 1;
    return 0;
}

/* A bounded-memory run keeps no per-trajectory values: a scenario with the
 * default percentiles (no 20/35/65/80) made `run` succeed and every fan of
 * export and report fail afterwards (issue 17). The fan shows what the file
 * can give, and says which bands those are. */
void sc_fan_levels(const sc_result *r, const sc_result_metric *m, double q[SC_FAN_NQ],
                   double share[3])
{
    int computed = 1;
    for (int v = 0; !m && v < SC_NLEVELS; v++)
        for (int k = 0; k < r->nmetrics[v]; k++)
            computed &= r->metric[v][k].traj != NULL;
    if (m)
        computed = m->traj != NULL;
    double lo[2] = { 20, 35 };   /* the lower edges of the 60% and 30% bands */
    if (!computed && !(stored(r, 20) && stored(r, 80) && stored(r, 35) && stored(r, 65))) {
        /* the stored symmetric pairs (p, 100 - p, 5 <= p < 50) nearest the
         * two edges, the pair of them closest in all, two bands where the
         * file has two pairs (5 is the 90% band's edge: a band that falls
         * back to it is empty) */
        double c[SC_MAX_PERCENTILES + 1];
        int n = 0;
        c[n++] = 5;
        for (int k = 0; k < r->np && n <= SC_MAX_PERCENTILES; k++) {
            double p = r->percentile[k];
            if (p > 5 && p < 50 && stored(r, 100 - p))
                c[n++] = p;
        }
        double best = INFINITY;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) {
                if (c[j] < c[i])
                    continue;
                double cost = fabs(c[i] - 20) + fabs(c[j] - 35) + (c[i] == c[j] ? 20 : 0);
                if (cost < best) {
                    best = cost;
                    lo[0] = c[i];
                    lo[1] = c[j];
                }
            }
    }
    const double levels[SC_FAN_NQ] = { 5, lo[0], lo[1], 50, 100 - lo[1], 100 - lo[0], 95 };
    memcpy(q, levels, sizeof levels);
    share[0] = 90;
    share[1] = 100 - 2 * lo[0];
    share[2] = 100 - 2 * lo[1];
}

#define WIDTH 1000
#define HEIGHT 600
#define MAXY 64

static const struct { const char *name, *title; } charts[SC_NCHARTS] = {
    [SC_CHART_HNB_SPEND] = { "hnb_spend_fan", "High Needs Block spend" },
    [SC_CHART_BALANCE] = { "balance_fan", "In-year HNB balance against the Safety Valve targets" },
    [SC_CHART_PLANS] = { "plans_fan", "EHC plans in place (end of year)" },
    [SC_CHART_TOPUP] = { "topup_fan", "Mainstream top-up spend" },
    [SC_CHART_DEFICIT] = { "deficit_fan", "Cumulative high-needs deficit" },
    [SC_CHART_CLUSTER_OVERSPEND] = { "cluster_overspend", "Chance each cluster overspends its budget" },
    [SC_CHART_AREA_CONTINGENCY] = { "area_contingency", "Area contingency and the overspend it does not cover" },
    [SC_CHART_SV_TARGETS] = { "safety_valve", "Safety Valve: chance of meeting each year's target" },
};

const char *sc_chart_name(enum sc_chart_kind k) { return charts[k].name; }
const char *sc_chart_title(enum sc_chart_kind k) { return charts[k].title; }

/* Colour map 0 entries used here (set per stream). */
enum { C_BG, C_INK, C_BAND90, C_BAND60, C_BAND30, C_MEDIAN, C_TARGET, C_COUNCIL, C_GRID,
       C_BAR1, C_BAR2, C_BAR3, C_OUTTURN, C_NCOL };

static void set_colours(void)
{
    static const int rgb[C_NCOL][3] = {
        [C_BG] = { 255, 255, 255 }, [C_INK] = { 40, 40, 40 },
        [C_BAND90] = { 198, 219, 239 }, [C_BAND60] = { 133, 180, 222 },
        [C_BAND30] = { 66, 130, 196 }, [C_MEDIAN] = { 8, 48, 107 },
        [C_TARGET] = { 200, 30, 30 }, [C_COUNCIL] = { 230, 120, 0 },
        [C_GRID] = { 210, 210, 210 }, [C_BAR1] = { 158, 202, 225 },
        [C_BAR2] = { 66, 146, 198 }, [C_BAR3] = { 8, 69, 148 },
        [C_OUTTURN] = { 0, 0, 0 },
    };
    for (int i = 0; i < C_NCOL; i++)
        plscol0a(i, rgb[i][0], rgb[i][1], rgb[i][2], 1.0);
}

/* ---- streams ----------------------------------------------------------- */

static int device_exists(const char *device)
{
    /* PLplot fills arrays the caller provides; n is their capacity. */
    const char *menu_buf[128], *names_buf[128];
    const char **menu = menu_buf, **names = names_buf;
    int n = 128;
    plgDevs(&menu, &names, &n);
    for (int i = 0; i < n; i++)
        if (names[i] && !strcmp(names[i], device))
            return 1;
    return 0;
}

/* A stream drawing into f (PLplot closes f at plend1: plCloseFile). */
static int open_stream(const char *device, FILE *f, sc_error *e)
{
    if (!device_exists(device))
        return SC_ERROR(e, SC_EFAIL, "PLplot has no %s device (install the Debian "
                        "package plplot-driver-cairo)", device);
    PLINT strm;
    plmkstrm(&strm);
    plsdev(device);
    plsfile(f);
    /* svgcairo counts points, pngcairo pixels: the same numbers give a
     * 1000 x 600 image and a 1000 x 600 pt drawing. */
    plspage(0, 0, WIDTH, HEIGHT, 0, 0);
    plscolbg(255, 255, 255);
    plinit();
    set_colours();
    plfontld(1);
    return SC_OK;
}

/* ---- axes -------------------------------------------------------------- */

/* Years on the x axis read as financial years, 2024 → "2024/25" (with data
 * non-NULL, "24/25", for small panels). */
static void fy_label(PLINT axis, PLFLT value, char *label, PLINT length, PLPointer data)
{
    int y = (int)lround(value);
    if (axis == PL_X_AXIS && fabs(value - y) < 1e-6 && data)
        snprintf(label, (size_t)length, "%02d/%02d", y % 100, (y + 1) % 100);
    else if (axis == PL_X_AXIS && fabs(value - y) < 1e-6)
        snprintf(label, (size_t)length, "%s", sc_year_label(y).s);
    else if (axis == PL_X_AXIS)
        label[0] = '\0';
    else
        snprintf(label, (size_t)length, "%g", value);
}

/* The plot from year `first` (the first outturn year, else the first
 * forecast year) to the last forecast year; more than seven years take the
 * short labels, which fit (smaller, beyond ten). The plot's top is at top
 * of the page (0.86; lower leaves a band for a key above the plot), the
 * titles always over 0.86. */
static void frame_at(const sc_result *r, int first, double ylo, double yhi, double top,
                     const char *ylabel, const char *title, const char *subtitle)
{
    static int short_labels = 1;   /* only its address is used: "short" */
    int last = r->year[r->years - 1];
    pladv(0);
    plvpor(0.10, 0.97, 0.13, 0.86);
    plcol0(C_INK);
    plschr(0, 1.5);
    plmtex("t", 2.6, 0.0, 0.0, title);
    plschr(0, 1.0);
    plmtex("t", 1.0, 0.0, 0.0, subtitle);
    plschr(0, 1.1);
    plvpor(0.10, 0.97, 0.13, top);
    plwind(first - 0.45, last + 0.45, ylo, yhi);
    plcol0(C_GRID);
    plbox("g", 1, 0, "g", 0, 0);
    plcol0(C_INK);
    plslabelfunc(fy_label, last - first + 1 > 7 ? &short_labels : NULL);
    if (last - first + 1 > 10)
        plschr(0, 0.9);
    plbox("bcnot", 1, 0, "bcnstv", 0, 0);
    plschr(0, 1.1);
    plslabelfunc(NULL, NULL);
    plmtex("l", 5.2, 0.5, 0.5, ylabel);
    plschr(0, 1.0);
}

static void frame(const sc_result *r, int first, double ylo, double yhi, const char *ylabel,
                  const char *title, const char *subtitle)
{
    frame_at(r, first, ylo, yhi, 0.86, ylabel, title, subtitle);
}

/* Range of the data with a margin; always includes 0 when asked. */
static void range(const double *v, int n, int with_zero, double *lo, double *hi)
{
    *lo = INFINITY;
    *hi = -INFINITY;
    for (int i = 0; i < n; i++)
        if (!isnan(v[i])) {
            *lo = fmin(*lo, v[i]);
            *hi = fmax(*hi, v[i]);
        }
    if (with_zero) {
        *lo = fmin(*lo, 0);
        *hi = fmax(*hi, 0);
    }
    if (!(*hi > *lo)) {
        *lo -= 1;
        *hi += 1;
    }
    double pad = 0.06 * (*hi - *lo);
    *lo -= pad;
    *hi += pad;
}

/* A key entry, line k, at the top left of the plot (or, with bottom, at the
 * bottom left, for series that fall, such as the balance). */
static void key_at(int k, int colour, int is_line, const char *text, int bottom)
{
    PLFLT x0, x1, y0, y1;
    plgvpw(&x0, &x1, &y0, &y1);
    double w = x1 - x0, h = y1 - y0;
    double x = x0 + 0.02 * w;
    double y = bottom ? y0 + (0.05 + 0.06 * (5 - k)) * h : y1 - (0.05 + 0.06 * k) * h;
    PLFLT bx[4] = { x, x + 0.035 * w, x + 0.035 * w, x };
    PLFLT by[4] = { y - 0.018 * h, y - 0.018 * h, y + 0.018 * h, y + 0.018 * h };
    plcol0(colour);
    if (is_line) {
        PLFLT lx[2] = { x, x + 0.035 * w }, ly[2] = { y, y };
        plwidth(3);
        plline(2, lx, ly);
        plwidth(1);
    } else {
        plfill(4, bx, by);
    }
    plcol0(C_INK);
    plptex(x + 0.045 * w, y, 1, 0, 0, text);
}

/* Key entry j of a row along the top of the plot, above bars that reach 1. */
static void key_row(int j, int colour, const char *text)
{
    PLFLT x0, x1, y0, y1;
    plgvpw(&x0, &x1, &y0, &y1);
    double w = x1 - x0, h = y1 - y0, x = x0 + (0.02 + 0.2 * j) * w, y = y1 - 0.07 * h;
    PLFLT bx[4] = { x, x + 0.03 * w, x + 0.03 * w, x };
    PLFLT by[4] = { y - 0.02 * h, y - 0.02 * h, y + 0.02 * h, y + 0.02 * h };
    plcol0(colour);
    plfill(4, bx, by);
    plcol0(C_INK);
    plptex(x + 0.04 * w, y, 1, 0, 0, text);
}

/* ---- fan charts ---------------------------------------------------------- */

typedef struct fan {
    double x[MAXY];
    double q[MAXY][SC_FAN_NQ];   /* scaled */
    double share[3];             /* the central % each band holds (sc_fan_levels) */
} fan;

static int fan_load(const sc_result *r, const char *metric, double scale, fan *f, sc_error *e)
{
    const sc_result_metric *m = sc_result_metric_find(r, SC_LEVEL_DISTRICT, metric);
    if (!m)
        return SC_ERROR(e, SC_EINPUT, "%s: no district metric %s", r->path, metric);
    if (r->years > MAXY)
        return SC_ERROR(e, SC_EFAIL, "charts: at most %d years, the result has %d", MAXY,
                        r->years);
    double levels[SC_FAN_NQ];
    sc_fan_levels(r, m, levels, f->share);
    int rc = sc_result_quantiles(r, m, 0, SC_FAN_NQ, levels, &f->q[0][0], e);
    for (int t = 0; t < r->years; t++) {
        f->x[t] = r->year[t];
        for (int k = 0; k < SC_FAN_NQ; k++)
            f->q[t][k] /= scale;
    }
    return rc;
}

/* The band between percentile columns lo and hi as one polygon. */
static void band(const fan *f, int n, int lo, int hi, int colour)
{
    PLFLT x[2 * MAXY], y[2 * MAXY];
    for (int t = 0; t < n; t++) {
        x[t] = f->x[t];
        y[t] = f->q[t][lo];
        x[2 * n - 1 - t] = f->x[t];
        y[2 * n - 1 - t] = f->q[t][hi];
    }
    plcol0(colour);
    plfill(2 * n, x, y);
}

static void fan_draw(const fan *f, int n)
{
    band(f, n, 0, 6, C_BAND90);
    band(f, n, 1, 5, C_BAND60);
    band(f, n, 2, 4, C_BAND30);
    PLFLT y[MAXY];
    for (int t = 0; t < n; t++)
        y[t] = f->q[t][3];
    plcol0(C_MEDIAN);
    plwidth(3);
    plline(n, f->x, y);
    plwidth(1);
}

static void fan_keys(const fan *f, int bottom)
{
    char k30[48], k60[32], k90[32];
    snprintf(k30, sizeof k30, "central %g%% of outcomes", f->share[2]);
    snprintf(k60, sizeof k60, "central %g%%", f->share[1]);
    snprintf(k90, sizeof k90, "central %g%%", f->share[0]);
    key_at(0, C_BAND30, 0, k30, bottom);
    key_at(1, C_BAND60, 0, k60, bottom);
    key_at(2, C_BAND90, 0, k90, bottom);
    key_at(3, C_MEDIAN, 1, "median", bottom);
}

/* Council's own top-up projection from the inputs register, £m by year. */
static int council_projection(const sc_result *r, double *x, double *y)
{
    int n = 0;
    for (int t = 0; t < r->years && n < MAXY; t++) {
        double v = sc_result_input_value(r, "finance.council_projection.topup_spend",
                                         r->year[t]);
        if (!isnan(v)) {
            x[n] = r->year[t];
            y[n++] = v / 1e6;
        }
    }
    return n;
}

static void subtitle_of(const sc_result *r, char *buf, size_t size, const char *extra)
{
    snprintf(buf, size, "%s, %ld trajectories%s", r->scenario_name, r->trajectories, extra);
}

/* The outturn (scaled) leading into the fan, and a line where the forecast
 * starts, labelled on either side at the top, or with the keys there
 * (keys_top), at the bottom. */
static void outturn_draw(const sc_result *r, const sc_result_metric *om, double scale,
                         double lo, double hi, int keys_top)
{
    PLFLT x[SC_MAX_OUTTURN], y[SC_MAX_OUTTURN];
    for (int i = 0; i < om->nout; i++) {
        x[i] = om->out_year[i];
        y[i] = om->out_value[i] / scale;
    }
    plcol0(C_OUTTURN);
    plwidth(2.5);
    for (int i = 1; i < om->nout; i++)
        if (om->out_year[i] == om->out_year[i - 1] + 1)
            plline(2, &x[i - 1], &y[i - 1]);
    plwidth(1);
    plssym(0, 1.4);
    plpoin(om->nout, x, y, 17);
    double edge = r->year[0] - 0.5;
    PLFLT vx[2] = { edge, edge }, vy[2] = { lo, hi };
    plcol0(C_INK);
    pllsty(3);
    plline(2, vx, vy);
    pllsty(1);
    plschr(0, 0.9);
    double ly = keys_top ? lo + 0.04 * (hi - lo) : hi - 0.04 * (hi - lo);
    plptex(edge - 0.08, ly, 1, 0, 1, "outturn");
    plptex(edge + 0.08, ly, 1, 0, 0, "forecast");
    plschr(0, 1.0);
}

/* A target profile target[Y] (scaled) as a dashed red line with markers
 * (dotted with style 1, for a second target on one chart), and, p_met not
 * NULL, P(met) in a row of its own under the years: over the targets the
 * labels ran into each other, the fan and the frame. */
static void target_draw(const sc_result *r, int first, const double *target,
                        const double *p_met, double scale, int style)
{
    int n = r->years, nt = 0;
    double tx[MAXY], ty[MAXY];
    for (int t = 0; t < n; t++)
        if (!isnan(target[t])) {
            tx[nt] = r->year[t];
            ty[nt++] = target[t] / scale;
        }
    plcol0(C_TARGET);
    plwidth(2.5);
    pllsty(style ? 3 : 2);
    plline(nt, tx, ty);
    pllsty(1);
    plwidth(1);
    plssym(0, 1.6);
    plpoin(nt, tx, ty, style ? 16 : 17);
    if (!p_met)
        return;
    double x0 = first - 0.45, x1 = r->year[n - 1] + 0.45;
    plschr(0, x1 - x0 > 8 ? 0.72 : 0.85);   /* "< 0.15%" side by side over ten years */
    plmtex("b", 4.0, -0.01, 1.0, "P(met)");
    for (int t = 0; t < n; t++)
        if (!isnan(target[t]) && !isnan(p_met[t]))
            plmtex("b", 4.0, (r->year[t] - x0) / (x1 - x0), 0.5,
                   sc_prob_label(p_met[t], r->trajectories).s);
    plschr(0, 1.0);
}

static int draw_fan(const sc_result *r, enum sc_chart_kind k, const char *metric, double scale,
                    const char *ylabel, sc_error *e)
{
    fan f;
    int rc = fan_load(r, metric, scale, &f, e);
    if (rc)
        return rc;
    const sc_result_metric *om = sc_result_metric_find(r, SC_LEVEL_DISTRICT, metric);
    double lo, hi, cx[MAXY], cy[MAXY], all[MAXY * (SC_FAN_NQ + 4) + SC_MAX_OUTTURN];
    int n = r->years, m = 0, nc = k == SC_CHART_TOPUP ? council_projection(r, cx, cy) : 0;
    int first = om->nout > 0 && om->out_year[0] < r->year[0] ? om->out_year[0] : r->year[0];
    for (int t = 0; t < n; t++)
        for (int j = 0; j < SC_FAN_NQ; j++)
            all[m++] = f.q[t][j];
    for (int i = 0; i < om->nout; i++)
        all[m++] = om->out_value[i] / scale;
    for (int t = 0; k == SC_CHART_BALANCE && t < n; t++)
        all[m++] = r->target[t] / scale;
    for (int j = 0, drawn = 0; j < r->ntargets; j++)
        if (!strcmp(r->targets[j].metric, metric) && drawn++ < 2)
            for (int t = 0; t < n; t++)
                all[m++] = r->targets[j].target[t] / scale;
    for (int t = 0; t < nc; t++)
        all[m++] = cy[t];
    range(all, m, k == SC_CHART_BALANCE || k == SC_CHART_DEFICIT, &lo, &hi);
    if (k != SC_CHART_BALANCE && k != SC_CHART_DEFICIT && lo > 0)
        lo = 0;   /* spend and plans read from zero */
    char sub[256];
    char basis[96] = "";
    if (scale > 1)
        snprintf(basis, sizeof basis, "; %s%s", r->money_basis,
                 r->real && om->nout > 0 ? ", outturn in cash" : "");
    subtitle_of(r, sub, sizeof sub, basis);
    frame(r, first, lo, hi, ylabel, sc_chart_title(k), sub);
    fan_draw(&f, n);
    int falls = f.q[n - 1][3] < f.q[0][3];
    fan_keys(&f, falls);
    if (om->nout > 0) {
        outturn_draw(r, om, scale, lo, hi, !falls);
        key_at(5, C_OUTTURN, 1, "outturn (recorded)", falls);
    }
    if (k == SC_CHART_BALANCE) {
        PLFLT zx[2] = { first - 0.45, r->year[n - 1] + 0.45 }, zy[2] = { 0, 0 };
        plcol0(C_INK);
        plline(2, zx, zy);
        target_draw(r, first, r->target, r->p_met, scale, 0);
        key_at(4, C_TARGET, 1, "Safety Valve target (in-year balance)", falls);
    }
    /* the scenario's other targets on this metric: the first with its P(met) row */
    for (int j = 0, drawn = 0; j < r->ntargets; j++)
        if (!strcmp(r->targets[j].metric, metric) && drawn < 2) {
            const sc_result_target *g = &r->targets[j];
            char lab[96];
            target_draw(r, first, g->target, drawn || k == SC_CHART_BALANCE ? NULL : g->p_met, scale,
                        k == SC_CHART_BALANCE ? 2 : 0);
            snprintf(lab, sizeof lab, "target %s (%s)", g->name,
                     g->at_least ? "at least" : "at most");
            key_at(k == SC_CHART_BALANCE ? 6 + drawn : 4 + drawn, C_TARGET, 1, lab, falls);
            drawn++;
        }
    if (nc > 0) {
        plcol0(C_COUNCIL);
        plssym(0, 2.0);
        plpoin(nc, cx, cy, 18);
        plwidth(2);
        plline(nc, cx, cy);
        plwidth(1);
        key_at(4, C_COUNCIL, 1, "council's own projection", falls);
    }
    return SC_OK;
}

/* ---- Safety Valve -------------------------------------------------------- */

static void bar(double x, double w, double y0, double y1, int colour)
{
    PLFLT bx[4] = { x - w / 2, x + w / 2, x + w / 2, x - w / 2 };
    PLFLT by[4] = { y0, y0, y1, y1 };
    plcol0(colour);
    plfill(4, bx, by);
}

static int draw_sv(const sc_result *r, sc_error *e)
{
    (void)e;
    char sub[256], extra[96] = "";
    if (!isnan(r->p_all_met))
        snprintf(extra, sizeof extra, "; P(every target met) %s",
                 sc_prob_label(r->p_all_met, r->trajectories).s);
    snprintf(sub, sizeof sub, "%s, %ld trajectories%s", r->scenario_name, r->trajectories, extra);
    /* the probability axis ends at 1; the key in a band above the plot */
    frame_at(r, r->year[0], 0, 1, 0.76, "probability", sc_chart_title(SC_CHART_SV_TARGETS), sub);
    plschr(0, 0.8);
    for (int t = 0; t < r->years; t++) {
        double p = isnan(r->p_met[t]) ? 0 : r->p_met[t];
        bar(r->year[t] - 0.17, 0.32, 0, p, C_BAR2);
        double b = r->p_first_breach && !isnan(r->p_first_breach[t]) ? r->p_first_breach[t] : 0;
        bar(r->year[t] + 0.17, 0.32, 0, b, C_TARGET);
        /* a label over its bar, or inside it (white) where the bar reaches the top */
        const double xs[2] = { r->year[t] - 0.17, r->year[t] + 0.17 }, ps[2] = { p, b };
        for (int j = 0; j < 2; j++) {
            if (j == 1 && b <= 0)
                continue;
            sc_label lab = sc_prob_label(ps[j], r->trajectories);
            if (j == 0 && isnan(r->p_met[t]))
                snprintf(lab.s, sizeof lab.s, "no target");
            plcol0(ps[j] > 0.9 ? C_BG : C_INK);
            plptex(xs[j], ps[j] > 0.9 ? ps[j] - 0.06 : ps[j] + 0.03, 1, 0, 0.5, lab.s);
        }
    }
    plschr(0, 1.0);
    plvpor(0.10, 0.97, 0.0, 0.86);
    plwind(0, 1, 0, 1);
    key_row(0, C_BAR2, "P(this year's target met)");
    key_row(2, C_TARGET, "P(the first target missed is this year's)");
    return SC_OK;
}

/* ---- clusters -------------------------------------------------------------- */

/* The cluster axis: labels are cluster ids, one a tick. */
typedef struct cluster_axis {
    const sc_result *r;
} cluster_axis;

static void cluster_label(PLINT axis, PLFLT value, char *label, PLINT length, PLPointer data)
{
    const cluster_axis *a = data;
    int c = (int)lround(value);
    label[0] = '\0';
    if (axis == PL_X_AXIS && fabs(value - c) < 1e-6 && c >= 0 && c < a->r->nclusters)
        snprintf(label, (size_t)length, "%s", a->r->cluster[c]);
    else if (axis != PL_X_AXIS)
        snprintf(label, (size_t)length, "%g", value);
}

/* Whether an input whose name starts with prefix is illustrative: a chart of
 * cluster budgets then says so on itself, since a chart copied into slides
 * loses the page's warning. */
static int illustrative(const sc_result *r, const char *prefix)
{
    for (int k = 0; k < r->ninputs; k++)
        if (!strncmp(r->inputs[k].name, prefix, strlen(prefix))
            && !strcmp(r->inputs[k].status, "illustrative"))
            return 1;
    return 0;
}

static int draw_clusters(const sc_result *r, sc_error *e)
{
    const sc_result_metric *m = sc_result_metric_find(r, SC_LEVEL_CLUSTER, "overspend");
    if (!m)
        return SC_ERROR(e, SC_EINPUT, "%s: no cluster overspend to chart", r->path);
    int ys[3] = { 0, r->years / 2, r->years - 1 }, colours[3] = { C_BAR1, C_BAR2, C_BAR3 };
    char sub[256];
    snprintf(sub, sizeof sub, "%s, %ld trajectories; overspend = cluster spend above its budget%s",
             r->scenario_name, r->trajectories,
             m->traj ? "" : " (from stored percentiles)");
    pladv(0);
    /* the key in a band of its own above the bars: the probability axis
     * ends at 1, and no key covers a bar */
    plvpor(0.08, 0.97, 0.0, 0.86);
    plwind(0, 1, 0, 1);
    plcol0(C_INK);
    plschr(0, 1.5);
    plmtex("t", 2.6, 0.0, 0.0, sc_chart_title(SC_CHART_CLUSTER_OVERSPEND));
    plschr(0, 1.0);
    plmtex("t", 1.0, 0.0, 0.0, sub);
    int nshow = r->years >= 3 ? 3 : r->years;
    for (int j = 0; j < nshow; j++)
        key_row(j, colours[j], sc_year_label(r->year[ys[j]]).s);
    if (illustrative(r, "cluster_working.budgets")) {   /* the caveat travels with the chart */
        plcol0(C_TARGET);
        plptex(0.99, 0.93, 1, 0, 1, "budgets: ILLUSTRATIVE inputs");
    }
    plvpor(0.08, 0.97, 0.13, 0.76);
    plwind(-0.6, r->nclusters - 0.4, 0, 1);
    plcol0(C_GRID);
    plbox("", 0, 0, "g", 0.2, 0);
    cluster_axis ax = { r };
    plcol0(C_INK);
    plslabelfunc(cluster_label, &ax);
    plschr(0, 0.85);
    plbox("bcnot", 1, 0, "bcnstv", 0.2, 0);
    plslabelfunc(NULL, NULL);
    plschr(0, 1.1);
    plmtex("l", 4.0, 0.5, 0.5, "probability");
    plmtex("b", 3.2, 0.5, 0.5, "cluster");
    for (int j = 0; j < nshow; j++)
        for (int c = 0; c < r->nclusters; c++) {
            int exact;
            bar(c + (j - (nshow - 1) / 2.0) * 0.27, 0.25, 0,
                sc_result_p_positive(r, m, ys[j], c, &exact), colours[j]);
        }
    return SC_OK;
}

/* ---- areas ------------------------------------------------------------------ */

static int area_stats(const sc_result *r, const char *name, int a, double q, double *out,
                      sc_error *e)
{
    const sc_result_metric *m = sc_result_metric_find(r, SC_LEVEL_AREA, name);
    if (!m)
        return SC_ERROR(e, SC_EINPUT, "%s: no area metric %s", r->path, name);
    return sc_result_quantiles(r, m, a, 1, &q, out, e);
}

/* Panel a of the page, in a grid of cols columns below the page title. */
static void panel_viewport(int a, int cols, int rows)
{
    double w = 1.0 / cols, h = 0.84 / rows;
    int i = a % cols, j = a / cols;
    plvpor(i * w + 0.07, (i + 1) * w - 0.02, 0.84 - (j + 1) * h + 0.07, 0.84 - j * h - 0.05);
}

/* Area a's panel, on the scale 0 .. top (£m) every panel shares, so that
 * panels side by side compare at a glance. */
static int draw_area_panel(const sc_result *r, int a, int cols, int rows, double top,
                           sc_error *e)
{
    double avail[MAXY], used[MAXY], used5[MAXY], used95[MAXY], unc[MAXY];
    int rc = area_stats(r, "contingency", a, 50, avail, e);
    if (!rc) rc = area_stats(r, "contingency_used", a, 50, used, e);
    if (!rc) rc = area_stats(r, "contingency_used", a, 5, used5, e);
    if (!rc) rc = area_stats(r, "contingency_used", a, 95, used95, e);
    if (!rc) rc = area_stats(r, "uncovered_overspend", a, 50, unc, e);
    if (rc)
        return rc;
    panel_viewport(a, cols, rows);
    plwind(r->year[0] - 0.5, r->year[r->years - 1] + 0.5, 0, top);
    plcol0(C_GRID);
    plbox("", 0, 0, "g", 0, 0);
    plcol0(C_INK);
    plschr(0, 0.9);
    static const int short_labels = 1;
    plslabelfunc(fy_label, (PLPointer)&short_labels);
    plbox("bcnot", 1, 0, "bcnstv", 0, 0);
    plslabelfunc(NULL, NULL);
    plmtex("l", 4.0, 0.5, 0.5, "£m");
    char title[320];
    snprintf(title, sizeof title, "%s %s", r->area[a], r->area_name[a]);
    plschr(0, 1.2);
    plmtex("t", 1.0, 0.0, 0.0, title);
    plschr(0, 0.9);
    for (int t = 0; t < r->years; t++) {
        double x = r->year[t];
        bar(x, 0.6, 0, avail[t] / 1e6, C_BAND90);
        bar(x, 0.36, 0, used[t] / 1e6, C_BAR2);
        bar(x, 0.36, used[t] / 1e6, (used[t] + unc[t]) / 1e6, C_TARGET);
        PLFLT ex[1] = { x }, lo[1] = { used5[t] / 1e6 }, up[1] = { used95[t] / 1e6 };
        plcol0(C_INK);
        plerry(1, ex, lo, up);
    }
    return SC_OK;
}

static int draw_areas(const sc_result *r, sc_error *e)
{
    int cols = r->nareas <= 1 ? 1 : 2, rows = (r->nareas + cols - 1) / cols;
    if (rows < 1)
        return SC_ERROR(e, SC_EINPUT, "%s: no areas to chart", r->path);
    pladv(0);
    plvpor(0.02, 0.98, 0.02, 0.98);
    plwind(0, 1, 0, 1);
    plcol0(C_INK);
    plschr(0, 1.2);
    plmtex("t", -1.6, 0.0, 0.0, sc_chart_title(SC_CHART_AREA_CONTINGENCY));
    if (illustrative(r, "cluster_working.")) {   /* the caveat travels with the chart */
        plcol0(C_TARGET);
        plschr(0, 0.9);
        plmtex("t", -2.2, 1.0, 1.0, "ILLUSTRATIVE inputs");
        plcol0(C_INK);
    }
    plschr(0, 0.85);
    plmtex("t", -4.6, 0.0, 0.0, "pale: contingency;  blue: median used (whisker 5-95%);  "
           "red: median not covered;  all panels one scale");
    /* the highest bar of any area, so every panel shares one scale */
    double hi = 0, avail[MAXY], used[MAXY], unc[MAXY];
    int rc = SC_OK;
    for (int a = 0; !rc && a < r->nareas; a++) {
        rc = area_stats(r, "contingency", a, 50, avail, e);
        if (!rc) rc = area_stats(r, "contingency_used", a, 50, used, e);
        if (!rc) rc = area_stats(r, "uncovered_overspend", a, 50, unc, e);
        for (int t = 0; !rc && t < r->years; t++)
            hi = fmax(hi, fmax(avail[t], used[t] + unc[t]) / 1e6);
    }
    for (int a = 0; !rc && a < r->nareas; a++)
        rc = draw_area_panel(r, a, cols, rows, hi * 1.15 + 1e-9, e);
    return rc;
}

/* ---- dispatch ------------------------------------------------------------ */

/* A fan's metric, its scale and how its values read in words. */
static const struct { enum sc_chart_kind k; const char *metric; double scale; const char *what, *ylabel; }
    fan_of[] = {
    { SC_CHART_HNB_SPEND, "hnb_spend", 1e6, "HNB spend", "£m a year" },
    { SC_CHART_BALANCE, "hnb_balance", 1e6, "the in-year balance", "£m (income - spend)" },
    { SC_CHART_PLANS, "plans_total", 1, "plans in place", "plans" },
    { SC_CHART_TOPUP, "topup_spend", 1e6, "top-up spend", "£m a year" },
    { SC_CHART_DEFICIT, "cumulative_deficit", 1e6, "the cumulative deficit", "£m" },
};

static int draw(const sc_result *r, enum sc_chart_kind k, sc_error *e)
{
    for (size_t i = 0; i < sizeof fan_of / sizeof fan_of[0]; i++)
        if (fan_of[i].k == k)
            return draw_fan(r, k, fan_of[i].metric, fan_of[i].scale, fan_of[i].ylabel, e);
    switch (k) {
    case SC_CHART_CLUSTER_OVERSPEND: return draw_clusters(r, e);
    case SC_CHART_AREA_CONTINGENCY: return draw_areas(r, e);
    case SC_CHART_SV_TARGETS: return draw_sv(r, e);
    default: return SC_ERROR(e, SC_EFAIL, "internal: chart %d", (int)k);
    }
}

/* ---- captions ------------------------------------------------------------ */

static void amount(char *buf, size_t size, double v, double scale)
{
    if (scale > 1)
        snprintf(buf, size, "%s£%.1fm", v < 0 ? "-" : "", fabs(v) / scale);
    else
        snprintf(buf, size, "%.0f", v);
}

/* The last year's median and 90% band of a fan in words ("" when the file
 * cannot give them). */
static void fan_words(const sc_result *r, const char *metric, double scale, const char *what,
                      char *buf, size_t size)
{
    static const double q[3] = { 5, 50, 95 };
    double v[MAXY * 3];
    sc_error e = { 0 };
    const sc_result_metric *m = sc_result_metric_find(r, SC_LEVEL_DISTRICT, metric);
    buf[0] = '\0';
    if (!m || r->years > MAXY || sc_result_quantiles(r, m, 0, 3, q, v, &e))
        return;
    const double *last = v + (size_t)(r->years - 1) * 3;
    char lo[32], mid[32], hi[32];
    amount(lo, sizeof lo, last[0], scale);
    amount(mid, sizeof mid, last[1], scale);
    amount(hi, sizeof hi, last[2], scale);
    snprintf(buf, size, " In %s the median of %s is %s, and 90%% of outcomes lie between %s "
             "and %s.", sc_year_label(r->year[r->years - 1]).s, what, mid, lo, hi);
}

/* A fan in words: its bands (sc_fan_levels: what the file can give), the
 * lines over it and its last year. */
static void fan_desc(const sc_result *r, enum sc_chart_kind k, char *buf, size_t size)
{
    for (size_t i = 0; i < sizeof fan_of / sizeof fan_of[0]; i++) {
        if (fan_of[i].k != k)
            continue;
        const sc_result_metric *m = sc_result_metric_find(r, SC_LEVEL_DISTRICT, fan_of[i].metric);
        double q[SC_FAN_NQ], share[3], scale = fan_of[i].scale;
        char last[320];
        if (!m)
            break;
        sc_fan_levels(r, m, q, share);
        fan_words(r, fan_of[i].metric, scale, fan_of[i].what, last, sizeof last);
        snprintf(buf, size, "Fan chart of %s: the bands hold the central %g%%, %g%% and %g%% "
                 "of outcomes and the line is the median%s%s%s.%s", fan_of[i].what, share[2],
                 share[1], share[0],
                 m->nout > 0 ? "; the black line before the dotted line is the outturn" : "",
                 k == SC_CHART_BALANCE ? "; the red dashed line is the Safety Valve target "
                 "and the row under the years the chance of meeting it" : "",
                 k == SC_CHART_TOPUP ? "; the orange line is the council's own projection" : "",
                 last);
        return;
    }
    buf[0] = '\0';
}

/* What chart k of r shows, in words, for the SVG's <desc>. */
static void chart_desc(const sc_result *r, enum sc_chart_kind k, char *buf, size_t size)
{
    char sub[256], words[768] = "";
    subtitle_of(r, sub, sizeof sub, "");
    const char *shows = "";
    switch (k) {
    case SC_CHART_CLUSTER_OVERSPEND:
        shows = "Bars: each cluster's chance of spending more than its budget, in the first "
                "and the last year; the cluster budgets are illustrative inputs.";
        break;
    case SC_CHART_AREA_CONTINGENCY:
        shows = "Panels, one per area on one scale: the contingency used against the "
                "contingency available each year, and the overspend it does not cover.";
        break;
    case SC_CHART_SV_TARGETS:
        shows = "Bars by year: the chance the in-year balance meets that year's Safety Valve "
                "target, and the chance that year is the first target missed; the axis ends "
                "at 1.";
        break;
    default:
        fan_desc(r, k, words, sizeof words);
    }
    int money = r->has_costs && k != SC_CHART_PLANS && k != SC_CHART_SV_TARGETS
                && k != SC_CHART_CLUSTER_OVERSPEND;
    snprintf(buf, size, "%s. %s%s%s%s%s", sub, shows, words, money ? " Money in " : "",
             money ? r->money_basis : "", money ? "." : "");
}

/* ---- drawing, away from the command ------------------------------------------ */

typedef struct render_job {
    const char *device;
    sc_chart_fn fn;
    const void *ctx;
} render_job;

/* In the child process: the chart drawn into memory. PLplot closes the
 * stream at plend1, which leaves the bytes in buf; the child's memory is
 * not freed (it ends with the drawing). */
static int render_child(void *ctx, sc_isolate_bytes *out, sc_error *e)
{
    const render_job *j = ctx;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return SC_ERROR(e, SC_ENOMEM, "out of memory drawing a chart");
    int rc = open_stream(j->device, f, e);
    if (rc) {
        fclose(f);
        return rc;
    }
    rc = j->fn(j->ctx, e);
    plend1();
    out->data = buf;
    out->len = len;
    return rc;
}

/* A whole PNG ends with its IEND chunk; a whole SVG with its </svg>. */
static int complete(const char *device, const char *d, size_t n)
{
    static const char png[8] = { '\x89', 'P', 'N', 'G', '\r', '\n', '\x1a', '\n' };
    static const char iend[12] = { 0, 0, 0, 0, 'I', 'E', 'N', 'D', '\xae', 'B', '`', '\x82' };
    if (!strcmp(device, "pngcairo"))
        return n > 20 && !memcmp(d, png, 8) && !memcmp(d + n - 12, iend, 12);
    while (n > 0 && (d[n - 1] == '\n' || d[n - 1] == ' '))
        n--;
    return n > 6 && !memcmp(d + n - 6, "</svg>", 6);
}

/* An SVG's <title> and <desc> (what a screen reader and a slide editor show)
 * inserted after its <svg ...> tag: PLplot's svg devices write none. The
 * bytes are replaced by the captioned copy; SC_ENOMEM leaves them as they were. */
static int caption_svg(char **bytes, size_t *len, const char *title, const char *desc,
                       sc_error *e)
{
    const char *tag = NULL, *end = NULL;
    for (size_t i = 0; !tag && i + 4 <= *len; i++)
        if (!memcmp(*bytes + i, "<svg", 4))
            tag = *bytes + i;
    if (tag)
        end = memchr(tag, '>', *len - (size_t)(tag - *bytes));
    if (!end)
        return SC_OK;   /* complete() has checked it is an SVG: not reached */
    size_t head = (size_t)(end + 1 - *bytes);
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    if (!f)
        return SC_ERROR(e, SC_ENOMEM, "out of memory captioning a chart");
    fwrite(*bytes, 1, head, f);
    fputs("\n<title>", f);
    sc_text_html(f, title);
    fputs("</title>\n<desc>", f);
    sc_text_html(f, desc ? desc : "");
    fputs("</desc>", f);
    fwrite(*bytes + head, 1, *len - head, f);
    if (fclose(f) || !buf) {
        free(buf);
        return SC_ERROR(e, SC_ENOMEM, "out of memory captioning a chart");
    }
    /* sc_free pairs with sc_malloc; open_memstream's buffer is malloc's */
    char *copy = sc_malloc(n);
    if (!copy) {
        free(buf);
        return SC_ERROR(e, SC_ENOMEM, "out of memory captioning a chart");
    }
    memcpy(copy, buf, n);
    free(buf);
    sc_free(*bytes);
    *bytes = copy;
    *len = n;
    return SC_OK;
}

static int is_svg(const char *device)
{
    return !strcmp(device, "svg") || !strcmp(device, "svgcairo");
}

/* As sc_chart_render_with, an SVG captioned with title and desc (title NULL:
 * none). */
static int render(const char *device, const char *name, sc_chart_fn fn, const void *ctx,
                  const char *title, const char *desc, char **out, size_t *len, sc_error *e)
{
    int rc = sc_chart_render_with(device, name, fn, ctx, out, len, e);
    if (!rc && title && is_svg(device)) {
        rc = caption_svg(out, len, title, desc, e);
        if (rc) {
            sc_free(*out);
            *out = NULL;
            *len = 0;
        }
    }
    return rc;
}

int sc_chart_render_with(const char *device, const char *name, sc_chart_fn fn, const void *ctx,
                         char **out, size_t *len, sc_error *e)
{
    *out = NULL;
    *len = 0;
    render_job j = { device, fn, ctx };
    sc_isolate_outcome o;
    int rc = sc_isolate_run(render_child, &j, 600, &o, e);
    if (!rc && o.end != SC_ISOLATE_RETURNED) {
        char how[128];
        sc_isolate_describe(&o, 600, how, sizeof how);
        int short_ = sc_isolate_memory_short(&o, (size_t)64 << 20);
        rc = SC_ERROR(e, short_ ? SC_ENOMEM : SC_EFAIL, "PLplot %s while drawing the chart %s "
                      "(%s)%s", how, name, device,
                      short_ ? ": out of memory (64 MB more cannot be had now)" : "");
    } else if (!rc && o.status) {
        rc = o.status;
    } else if (!rc && !complete(device, o.bytes.data, o.bytes.len)) {
        rc = SC_ERROR(e, SC_EFAIL, "PLplot drew an incomplete chart %s (%s, %zu bytes)",
                      name, device, o.bytes.len);
    }
    if (rc) {
        sc_free(o.bytes.data);
        return rc;
    }
    *out = o.bytes.data;
    *len = o.bytes.len;
    return SC_OK;
}

/* Bytes to path, whole or not at all. */
static int draw_to(const char *device, const char *path, int replace, sc_chart_fn fn,
                   const void *ctx, const char *title, const char *desc, sc_error *e)
{
    char *bytes = NULL;
    size_t len = 0;
    sc_outfile o;
    int rc = render(device, path, fn, ctx, title, desc, &bytes, &len, e);
    if (!rc)
        rc = sc_outfile_begin(&o, path, 1, e);
    if (!rc) {
        if (fwrite(bytes, 1, len, o.f) != len) {
            rc = SC_ERROR(e, SC_EFAIL, "cannot write %s: %s", path, strerror(errno));
            sc_outfile_abort(&o);
        } else {
            rc = sc_outfile_commit(&o, replace, e);
        }
    }
    sc_free(bytes);
    return rc ? SC_CONTEXT(e, "while drawing %s", path) : SC_OK;
}

int sc_chart_draw_with(const char *device, const char *path, int replace, sc_chart_fn fn,
                       const void *ctx, sc_error *e)
{
    return draw_to(device, path, replace, fn, ctx, NULL, NULL, e);
}

int sc_chart_make(const char *device, const char *name, const char *title, const char *desc,
                  sc_chart_fn fn, const void *ctx, sc_chart_to *to, sc_error *e)
{
    if (to->path)
        return draw_to(device, to->path, to->replace, fn, ctx, title, desc, e);
    return render(device, name, fn, ctx, title, desc, &to->bytes, &to->len, e);
}

typedef struct chart_of {
    const sc_result *r;
    enum sc_chart_kind k;
} chart_of;

static int draw_chart_of(const void *ctx, sc_error *e)
{
    const chart_of *c = ctx;
    return draw(c->r, c->k, e);
}

int sc_chart_render(const sc_result *r, enum sc_chart_kind k, const char *device, char **out,
                    size_t *len, sc_error *e)
{
    const chart_of c = { r, k };
    char desc[1024];
    chart_desc(r, k, desc, sizeof desc);
    return render(device, sc_chart_name(k), draw_chart_of, &c, sc_chart_title(k), desc, out,
                  len, e);
}

int sc_chart_draw(const sc_result *r, enum sc_chart_kind k, const char *device,
                  const char *path, int replace, sc_error *e)
{
    const chart_of c = { r, k };
    char desc[1024];
    chart_desc(r, k, desc, sizeof desc);
    return draw_to(device, path, replace, draw_chart_of, &c, sc_chart_title(k), desc, e);
}

int sc_chart_applies(const sc_result *r, enum sc_chart_kind k)
{
    switch (k) {
    case SC_CHART_PLANS: return 1;
    case SC_CHART_TOPUP: return r->has_costs;
    case SC_CHART_HNB_SPEND:
    case SC_CHART_BALANCE:
    case SC_CHART_DEFICIT:
    case SC_CHART_SV_TARGETS: return r->has_finance;
    /* not in a no-change run: no cluster holds the budgets it keeps */
    case SC_CHART_CLUSTER_OVERSPEND:
    case SC_CHART_AREA_CONTINGENCY: return sc_result_clusters_work(r);
    default: return 0;
    }
}

static const struct { const char *device, *ext; } formats[] = {
    { "pngcairo", "png" }, { "svg", "svg" } };
enum { NFORMATS = sizeof formats / sizeof formats[0] };

/* DIR/<name>.<ext> of chart k in format j. */
static int chart_path(const char *dir, int k, size_t j, char *path, size_t size, sc_error *e)
{
    if (snprintf(path, size, "%s/%s.%s", dir, charts[k].name, formats[j].ext) >= (int)size)
        return SC_ERROR(e, SC_EINPUT, "--charts %s: folder name too long", dir);
    return SC_OK;
}

int sc_export_charts_check(const sc_result *r, const char *dir, int replace,
                           const char *const *inputs, int ninputs, sc_error *e)
{
    int rc = SC_OK;
    for (int k = 0; !rc && k < SC_NCHARTS; k++)
        for (size_t j = 0; !rc && sc_chart_applies(r, (enum sc_chart_kind)k) && j < NFORMATS; j++) {
            char path[4096];
            rc = chart_path(dir, k, j, path, sizeof path, e);
            if (!rc)
                rc = sc_outfile_check(path, replace, inputs, ninputs, e);
        }
    return rc;
}

int sc_export_charts(const sc_result *r, const char *dir, int replace, int *ndrawn,
                     sc_error *e)
{
    int rc = SC_OK;
    if (ndrawn)
        *ndrawn = 0;
    for (int k = 0; !rc && k < SC_NCHARTS; k++) {
        if (!sc_chart_applies(r, (enum sc_chart_kind)k))
            continue;
        for (size_t j = 0; !rc && j < NFORMATS; j++) {
            char path[4096];
            rc = chart_path(dir, k, j, path, sizeof path, e);
            if (!rc)
                rc = sc_chart_draw(r, (enum sc_chart_kind)k, formats[j].device, path, replace, e);
        }
        if (!rc && ndrawn)
            ++*ndrawn;
    }
    return rc;
}
