/*
 * xl_internal.h — what the workbook's writers (xlsx.c, sens_xlsx.c) share,
 * private to src/export/ (prefix xl_): one set of number formats, the cell
 * writers, header rows whose columns are wide enough for their words, and
 * the print set-up every sheet gets before the workbook is closed.
 */
#ifndef SENDCAST_XL_INTERNAL_H
#define SENDCAST_XL_INTERNAL_H

#include <xlsxwriter.h>

/* Cell formats, made once per workbook. A cell holds the number itself;
 * the format only shows it: pounds "£#,##0", £m "£#,##0.0m" (chart data),
 * counts "#,##0", means of counts "#,##0.0", probabilities as percentages
 * (0 and 1 as the bound n trajectories can give, sc_prob_label), shares
 * and standard errors as plain percentages, other numbers as they are. */
typedef struct xl_formats {
    lxw_format *bold, *head, *title, *wrap;
    lxw_format *money, *money_m, *count, *mean, *prob, *pct, *plain;
} xl_formats;

void xl_formats_add(lxw_workbook *wb, long trajectories, xl_formats *f);

/* The format of a number in unit ("GBP", "GBP_m", "probability", a count
 * such as "plans"). */
lxw_format *xl_format_of(const xl_formats *f, const char *unit);

/* A number (NaN: a blank cell; ±inf: the word, there being no number) and
 * a string. */
void xl_num(lxw_worksheet *ws, int row, int col, double v, lxw_format *f);
void xl_str(lxw_worksheet *ws, int row, int col, const char *s, lxw_format *f);

/* A table's header row h[0..n) at (row, col0 + c), wrapped, the row tall
 * enough for the lines it wraps to. With XL_WIDTHS each column is made as
 * wide as its longest word and, up to a limit, its whole header, or
 * min_width[c] where its data need more (NULL: none); a later table on the
 * same sheet leaves the widths alone. With XL_REPEAT the row is printed at
 * the top of every page (the sheet's one long table). */
enum { XL_WIDTHS = 1, XL_REPEAT = 2 };
void xl_heads(lxw_worksheet *ws, int row, int col0, const char *const *h, int n,
              const double *min_width, int flags, const xl_formats *f);

/* A note too long for a cell: merged over columns col..last (width
 * characters wide in all), wrapped, its row tall enough to show it all. */
void xl_note(lxw_worksheet *ws, int row, int col, int last, double width, const char *s,
             const xl_formats *f);

/* Every sheet of wb: A4 landscape, one page wide (as many tall as it
 * takes), its print area the cells and charts it holds. Called last,
 * before workbook_close. */
void xl_print_setup(lxw_workbook *wb);

#endif
