/*
 * xl_common.c — the workbook's shared formats, cells, header rows and
 * print set-up (xl_internal.h).
 */
#include "xl_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sendcast/text.h"

/* Widest a column grows for its header alone; longer headers wrap. */
#define XL_HEAD_WIDTH 16.0
/* Points a line of 11-point text takes. */
#define XL_LINE_PT 15.0

static lxw_format *number_format(lxw_workbook *wb, const char *code)
{
    lxw_format *f = workbook_add_format(wb);
    format_set_num_format(f, code);
    return f;
}

void xl_formats_add(lxw_workbook *wb, long trajectories, xl_formats *f)
{
    f->bold = workbook_add_format(wb);
    format_set_bold(f->bold);
    f->head = workbook_add_format(wb);
    format_set_bold(f->head);
    format_set_text_wrap(f->head);
    format_set_align(f->head, LXW_ALIGN_VERTICAL_TOP);
    format_set_bottom(f->head, LXW_BORDER_THIN);
    f->title = workbook_add_format(wb);
    format_set_bold(f->title);
    format_set_font_size(f->title, 13);
    f->wrap = workbook_add_format(wb);
    format_set_text_wrap(f->wrap);
    format_set_align(f->wrap, LXW_ALIGN_VERTICAL_TOP);
    f->money = number_format(wb, "£#,##0;-£#,##0");
    f->money_m = number_format(wb, "£#,##0.0\"m\";-£#,##0.0\"m\"");
    f->count = number_format(wb, "#,##0");
    f->mean = number_format(wb, "#,##0.0");
    /* 0 and 1 show the bound the run's n can give, as the report and the
     * console do (sc_prob_label), so no cell reads "0.0%" as certainty. */
    char f0[24], f1[24], pf[96];
    snprintf(f0, sizeof f0, "%s", sc_prob_label(0, trajectories).s);
    snprintf(f1, sizeof f1, "%s", sc_prob_label(1, trajectories).s);
    if (f0[0] == '<')
        snprintf(pf, sizeof pf, "[>=1]\"%s\";[<=0]\"%s\";0.0##%%", f1, f0);
    else
        snprintf(pf, sizeof pf, "0.0##%%");
    f->prob = number_format(wb, pf);
    f->pct = number_format(wb, "0.0##%");   /* shares, standard errors: no bound */
    f->plain = NULL;
}

lxw_format *xl_format_of(const xl_formats *f, const char *unit)
{
    if (!strcmp(unit, "GBP"))
        return f->money;
    if (!strcmp(unit, "GBP_m"))
        return f->money_m;
    if (!strcmp(unit, "probability"))
        return f->prob;
    return f->mean;
}

void xl_num(lxw_worksheet *ws, int row, int col, double v, lxw_format *f)
{
    if (isnan(v))
        worksheet_write_blank(ws, (lxw_row_t)row, (lxw_col_t)col, f);
    else if (isinf(v))
        worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)col, v > 0 ? "inf" : "-inf", f);
    else
        worksheet_write_number(ws, (lxw_row_t)row, (lxw_col_t)col, v, f);
}

void xl_str(lxw_worksheet *ws, int row, int col, const char *s, lxw_format *f)
{
    worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)col, s, f);
}

/* Characters of the longest word of s. */
static size_t longest_word(const char *s)
{
    size_t best = 0, run = 0;
    for (; *s; s++) {
        if (*s == ' ') {
            run = 0;
            continue;
        }
        if (((unsigned char)*s & 0xC0) != 0x80 && ++run > best)   /* UTF-8: count characters */
            best = run;
    }
    return best;
}

/* Characters of s (UTF-8: "£" is one). */
static size_t chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* Lines s wraps to in a column width characters wide (an estimate: Excel
 * breaks at spaces, and a column shows about width - 1 characters). */
static double lines_in(const char *s, double width)
{
    return fmax(1, ceil((double)chars(s) / fmax(1, width - 1.5)));
}

void xl_heads(lxw_worksheet *ws, int row, int col0, const char *const *h, int n,
              const double *min_width, int flags, const xl_formats *f)
{
    double lines = 1;
    for (int c = 0; c < n; c++) {
        double w = fmin((double)chars(h[c]) + 2, XL_HEAD_WIDTH);
        w = fmax(w, (double)longest_word(h[c]) + 2);
        if (min_width)
            w = fmax(w, min_width[c]);
        if (flags & XL_WIDTHS)
            worksheet_set_column(ws, (lxw_col_t)(col0 + c), (lxw_col_t)(col0 + c), w, NULL);
        lines = fmax(lines, lines_in(h[c], w));
        xl_str(ws, row, col0 + c, h[c], f->head);
    }
    worksheet_set_row(ws, (lxw_row_t)row, XL_LINE_PT * lines, NULL);
    if (flags & XL_REPEAT)
        worksheet_repeat_rows(ws, (lxw_row_t)row, (lxw_row_t)row);
}

void xl_note(lxw_worksheet *ws, int row, int col, int last, double width, const char *s,
             const xl_formats *f)
{
    if (last > col)
        worksheet_merge_range(ws, (lxw_row_t)row, (lxw_col_t)col, (lxw_row_t)row,
                              (lxw_col_t)last, s, f->wrap);
    else
        xl_str(ws, row, col, s, f->wrap);
    worksheet_set_row(ws, (lxw_row_t)row, XL_LINE_PT * lines_in(s, width), NULL);
}

/* ---- print ------------------------------------------------------------------ */

/* A chart's size before scaling and a default row's, in pixels
 * (libxlsxwriter's and Excel's defaults). */
#define XL_CHART_W 480.0
#define XL_CHART_H 288.0
#define XL_CELL_H 20.0

/* Pixels of column c: its width as set (Excel's rule for the default
 * font: 7 pixels a character and 5 of padding), else the default 8.43. */
static double col_pixels(const lxw_worksheet *ws, lxw_col_t c)
{
    double w = c < ws->col_sizes_max && ws->col_sizes[c] > 0 ? ws->col_sizes[c] : 8.43;
    return w < 1 ? w * 12 : w * 7 + 5;
}

/* The column a chart of px pixels from column col reaches. */
static lxw_col_t chart_reach(const lxw_worksheet *ws, lxw_col_t col, double px)
{
    while (px > 0 && col < LXW_COL_MAX - 1)
        px -= col_pixels(ws, col++);
    return col - 1;
}

/* The last row and column a sheet's cells and charts reach; 0 when it
 * has neither. A chart's rows are counted at the default height, which
 * errs to the side of a little margin where rows are taller.
 * libxlsxwriter has no call for either, so its worksheet's own record of
 * them (cells, column widths, charts) is read. */
static int used_range(const lxw_worksheet *ws, lxw_row_t *row, lxw_col_t *col)
{
    int any = ws->dim_rowmin <= ws->dim_rowmax;
    *row = any ? ws->dim_rowmax : 0;
    *col = any ? ws->dim_colmax : 0;
    lxw_object_properties *o;
    STAILQ_FOREACH(o, ws->chart_data, list_pointers) {
        lxw_row_t r = o->row + (lxw_row_t)ceil(XL_CHART_H * o->y_scale / XL_CELL_H);
        lxw_col_t c = chart_reach(ws, o->col, XL_CHART_W * o->x_scale);
        *row = r > *row ? r : *row;
        *col = c > *col ? c : *col;
        any = 1;
    }
    return any;
}

void xl_print_setup(lxw_workbook *wb)
{
    lxw_worksheet *ws;
    LXW_FOREACH_WORKSHEET(ws, wb) {
        lxw_row_t row;
        lxw_col_t col;
        worksheet_set_landscape(ws);
        worksheet_set_paper(ws, 9);                 /* A4 */
        worksheet_fit_to_pages(ws, 1, 0);           /* one page wide, as tall as it takes */
        worksheet_set_margins(ws, 0.4, 0.4, 0.6, 0.6);
        worksheet_set_footer(ws, "&L&A&RPage &P of &N");
        if (used_range(ws, &row, &col))
            worksheet_print_area(ws, 0, 0, row, col);
    }
}
