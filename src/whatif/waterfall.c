/*
 * waterfall.c — an attribution as a waterfall chart, one SVG document: OLD's
 * value as a bar from zero, each step a floating bar from where the steps
 * before it left off (red for the worse: more spend, deficit or demand, a
 * lower balance or P(target met); green for the better), with its
 * 95% Monte Carlo interval as a whisker, and NEW as a bar from zero. Plain
 * SVG (no script, no font file), so it opens in a browser, goes into a slide,
 * and `report` puts it inline.
 */
#include "wi_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sendcast/outfile.h"
#include "sendcast/text.h"

#define W 760
#define H 420
#define LEFT 90
#define RIGHT 20
#define TOP 50
#define BOTTOM 120

static int money(const sc_whatif_attribution *a, int m)
{
    return m < a->nmetric && !strcmp(sc_district_metrics[a->metric[m]].unit, "GBP");
}

static void label_of(const sc_whatif_attribution *a, int m, double v, char *buf, size_t size)
{
    if (money(a, m))
        snprintf(buf, size, "%.2f", v / 1e6);
    else if (m == a->nmetric)
        snprintf(buf, size, "%.3f", v);
    else
        snprintf(buf, size, "%.0f", v);
}

void sc_whatif_waterfall_svg(FILE *out, const sc_whatif_attribution *a, int m, int y)
{
    const int nbars = a->nsteps + 2;
    double base[SC_WHATIF_MAX_STEPS + 2], top[SC_WHATIF_MAX_STEPS + 2];
    double lo = 0, hi = 0, level = a->old_value[m][y];
    base[0] = 0;
    top[0] = level;
    for (int k = 0; k < a->nsteps; k++) {
        base[k + 1] = level;
        level += a->change[k][m][y];
        top[k + 1] = level;
    }
    base[nbars - 1] = 0;
    top[nbars - 1] = a->new_value[m][y];
    for (int k = 0; k < nbars; k++) {
        double w = k > 0 && k < nbars - 1 ? 1.96 * a->se[k - 1][m][y] : 0;
        double x1 = fmin(base[k], top[k]) - w, x2 = fmax(base[k], top[k]) + w;
        lo = fmin(lo, x1);
        hi = fmax(hi, x2);
    }
    /* Steps are small beside the levels: start the axis near the smallest level
     * (not at zero) when every bar is on one side of zero, as a waterfall does. */
    double span = hi - lo;
    double smallest = fmin(a->old_value[m][y], a->new_value[m][y]);
    if (lo >= 0 && smallest > 0) {
        double steps_lo = smallest;
        for (int k = 1; k < nbars - 1; k++)
            steps_lo = fmin(steps_lo, fmin(base[k], top[k]) - 1.96 * a->se[k - 1][m][y]);
        lo = fmax(0, steps_lo - 0.25 * (hi - steps_lo));
        span = hi - lo;
    }
    if (!(span > 0))
        span = 1;
    hi += 0.05 * span;
    span = hi - lo;
    const double plot_h = H - TOP - BOTTOM, plot_w = W - LEFT - RIGHT;
    const double slot = plot_w / nbars, bar = slot * 0.6;
#define YPX(v) (TOP + plot_h * (hi - (v)) / span)

    char title[512], stat[16];
    if (isnan(a->stat_q))
        snprintf(stat, sizeof stat, "mean");
    else
        snprintf(stat, sizeof stat, "p%g", a->stat_q);
    if (m < a->nmetric)
        snprintf(title, sizeof title, "%s of %s%s, %s: %s to %s", stat,
                 sc_whatif_metric_name(a->metric[m]), money(a, m) ? " (£m)" : "",
                 sc_year_label(a->first_year + y).s, a->old_name, a->new_name);
    else
        snprintf(title, sizeof title, "P(target met), %s: %s to %s",
                 sc_year_label(a->first_year + y).s, a->old_name, a->new_name);
    fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
            "viewBox=\"0 0 %d %d\" font-family=\"DejaVu Sans, sans-serif\" font-size=\"12\">\n",
            W, H, W, H);
    fprintf(out, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n<text x=\"%d\" y=\"24\" "
            "font-size=\"15\">", W, H, LEFT);
    sc_text_html(out, title);
    fprintf(out, "</text>\n");
    /* the axis: five ticks */
    for (int t = 0; t <= 4; t++) {
        double v = lo + span * t / 4;
        char lab[64];
        label_of(a, m, v, lab, sizeof lab);
        fprintf(out, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", LEFT, W - RIGHT,
                YPX(v), YPX(v), LEFT - 6, YPX(v) + 4, lab);
    }
    for (int k = 0; k < nbars; k++) {
        const int ends = k == 0 || k == nbars - 1;
        double x = LEFT + slot * k + (slot - bar) / 2;
        double v1 = fmax(fmin(base[k], top[k]), lo), v2 = fmax(base[k], top[k]);
        double d = top[k] - base[k];
        int worse = sc_whatif_worse(m < a->nmetric ? a->metric[m] : -1, d);
        const char *fill = ends ? "#4a6fa5" : d == 0 ? "#999" : worse ? "#c0504d" : "#4f9a55";
        fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>\n",
                x, YPX(v2), bar, fmax(YPX(v1) - YPX(v2), 1.0), fill);
        char lab[64];
        label_of(a, m, ends ? top[k] : d, lab, sizeof lab);
        fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s%s</text>\n",
                x + bar / 2, YPX(v2) - 6, !ends && d > 0 ? "+" : "", lab);
        if (!ends && a->se[k - 1][m][y] > 0) {
            double w = 1.96 * a->se[k - 1][m][y];
            fprintf(out, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"black\"/>\n",
                    x + bar / 2, x + bar / 2, YPX(top[k] - w), YPX(top[k] + w));
        }
        if (k + 1 < nbars - 1 || (k == nbars - 2))
            fprintf(out, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#888\" "
                    "stroke-dasharray=\"3,2\"/>\n", x + bar, x + slot, YPX(top[k]), YPX(top[k]));
        const char *name = k == 0 ? "OLD" : k == nbars - 1 ? "NEW"
                                  : sc_whatif_step_name(a->step_kind[k - 1]);
        fprintf(out, "<text text-anchor=\"end\" transform=\"translate(%.1f,%d) rotate(-30)\">",
                x + bar / 2 + 4, H - BOTTOM + 16);
        sc_text_html(out, k == 0 ? a->old_name : k == nbars - 1 ? a->new_name : name);
        fprintf(out, "</text>\n");
    }
    fprintf(out, "<text x=\"%d\" y=\"%d\" font-size=\"10\" fill=\"#555\">Whiskers: 95%% Monte "
            "Carlo interval of each step (common random numbers, seed %llu, %ld trajectories)."
            "</text>\n</svg>\n", LEFT, H - 8, (unsigned long long)a->seed, a->trajectories);
#undef YPX
}

int sc_whatif_waterfall_write(const sc_whatif_attribution *a, int m, int y, const char *path,
                              int force, sc_error *e)
{
    sc_outfile o;
    int rc = sc_outfile_begin(&o, path, 1, e);
    if (rc)
        return rc;
    sc_whatif_waterfall_svg(o.f, a, m, y);
    if (ferror(o.f)) {
        sc_outfile_abort(&o);
        return SC_ERROR(e, SC_EFAIL, "writing %s failed", path);
    }
    return sc_outfile_commit(&o, force, e);
}
