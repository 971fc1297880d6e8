/*
 * dist_xlsx.c — the workbook's sheet "Distribution" (distribution.h,
 * sc_cdf_xlsx_sheet), written with libxlsxwriter beside xlsx.c's: the
 * report's distribution section as numbers a finance team can chart or look
 * up against its own amounts. One block of rows for each output
 * (sc_cdf_views): its target, P below and above round amounts, then the
 * distribution function. Money in £m; probabilities as percentages; a bound
 * (beyond the stored percentiles of a bounded run) as text, never as a
 * number it is not.
 */
#include "sendcast/distribution.h"

#include <math.h>
#include <string.h>

#include <xlsxwriter.h>

#include "sendcast/text.h"

typedef struct sheet {
    lxw_worksheet *ws;
    lxw_format *bold, *value, *prob;
    int row;
} sheet;

static void put(sheet *s, int col, double v, lxw_format *f)
{
    if (isnan(v))
        worksheet_write_blank(s->ws, (lxw_row_t)s->row, (lxw_col_t)col, f);
    else
        worksheet_write_number(s->ws, (lxw_row_t)s->row, (lxw_col_t)col, v, f);
}

static void text(sheet *s, int col, const char *t, lxw_format *f)
{
    worksheet_write_string(s->ws, (lxw_row_t)s->row, (lxw_col_t)col, t, f);
}

/* A probability from n trajectories: a number shown as a percentage, but 0
 * and 1 as the bound n can give (sc_prob_label), as text, so that no cell
 * reads as certainty. */
static void prob(sheet *s, int col, double p, long n)
{
    if (p <= 0 || p >= 1)
        text(s, col, sc_prob_label(p, n).s, NULL);
    else
        put(s, col, p, s->prob);
}

/* P(< x) and P(> x) of p into columns col, col + 1 (and the error after):
 * numbers, or the bound as text. */
static void probs(sheet *s, const sc_cdf *d, int col, sc_cdf_prob p)
{
    if (p.bound) {
        text(s, col, sc_cdf_p_label(d, p.below, NAN, p.bound).s, NULL);
        text(s, col + 1, sc_cdf_p_label(d, p.above, NAN, -p.bound).s, NULL);
        return;
    }
    prob(s, col, p.below, d->n);
    prob(s, col + 1, p.above, d->n);
    put(s, col + 2, p.mcse, s->prob);
}

static void head_rows(sheet *s, const sc_cdf *d)
{
    char title[256];
    snprintf(title, sizeof title, "%s in %s%s", d->m->name, sc_year_label(d->r->year[d->t]).s,
             d->scale == 1e6 ? " (£m)" : "");
    text(s, 0, title, s->bold);
    text(s, 3, d->exact ? "P: the share of trajectories, ± its Monte Carlo error"
                        : "P: interpolated between the stored percentiles; beyond them a bound",
         NULL);
    s->row++;
    if (d->target_name[0]) {
        text(s, 0, "target", NULL);
        put(s, 1, d->target / d->scale, s->value);
        text(s, 2, "P(met)", NULL);
        prob(s, 3, d->p_met, d->n);
        s->row++;
    }
}

static void one(sheet *s, const sc_cdf *d)
{
    static const char *const h[] = { "x", "P(value < x)", "P(value > x)", "MC error" };
    double x[9];
    int nx = sc_cdf_round_thresholds(d, 5, x);
    head_rows(s, d);
    for (int c = 0; c < 4; c++)
        text(s, c, h[c], s->bold);
    s->row++;
    for (int j = 0; j < nx; j++, s->row++) {
        put(s, 0, x[j] / d->scale, s->value);
        probs(s, d, 1, sc_cdf_at(d, x[j]));
    }
    text(s, 0, "P(value < x)", s->bold);
    text(s, 1, "x", s->bold);
    s->row++;
    for (int k = 1; k < 100; k++, s->row++) {
        double p = d->exact ? k / 100.0 : (k - 1 < d->np ? d->q[k - 1] / 100 : NAN);
        if (isnan(p))
            break;
        put(s, 0, p, s->prob);
        put(s, 1, sc_cdf_quantile(d, p) / d->scale, s->value);
    }
    s->row++;
}

int sc_cdf_xlsx_sheet(struct lxw_workbook *wb, const sc_result *r, sc_error *e)
{
    sc_cdf_view v[SC_CDF_MAX_VIEWS];
    int n = sc_cdf_views(r, v), rc = SC_OK;
    if (n == 0)
        return SC_OK;
    sheet s = { workbook_add_worksheet(wb, "Distribution"), workbook_add_format(wb),
                workbook_add_format(wb), workbook_add_format(wb), 0 };
    format_set_bold(s.bold);
    format_set_num_format(s.value, "#,##0.00");
    format_set_num_format(s.prob, "0.0##%");
    worksheet_set_column(s.ws, 0, 3, 16, NULL);
    for (int k = 0; !rc && k < n; k++) {
        char year[16];
        snprintf(year, sizeof year, "%d", r->year[v[k].t]);
        sc_cdf d;
        if (!(rc = sc_cdf_open(r, v[k].metric, NULL, year, &d, e))) {
            one(&s, &d);
            sc_cdf_close(&d);
        }
    }
    return rc ? SC_CONTEXT(e, "while writing the workbook's distributions") : SC_OK;
}
