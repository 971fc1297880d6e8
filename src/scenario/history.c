/*
 * history.c — the `history:` section (MODEL.md 5): the council's own yearly
 * counts that `dist: fit` parameters are fitted to.
 *
 *   history:
 *     csv: data/kirklees/history.csv    # or sen2: [RELEASE, ...] with la: (history_sen2.c)
 *     status: published                 # optional; else each row's status column
 *     columns: {assessments: assessments_completed}   # optional role -> column
 *     exclude:                          # optional: cells known to be wrong
 *       - {year: 2022, columns: [refused], reason: "published 5 is an evident error"}
 *
 * Each role of enum sc_history_col reads the column the scenario maps it to,
 * or the column of the role's own name when the file has one. A column the
 * scenario names must exist. Cells must be numbers (counts: whole, >= 0;
 * send_support >= 0; ramp in [0, 1]) or empty (missing); years must be whole,
 * ascending and never twice. Every problem names the file, the row's line and
 * the column. Excluded cells become missing (NaN) and keep their reason, so a
 * fit can say what it left out and why.
 */
#include "scn_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sendcast/alloc.h"


static const scn_dom year_dom = { 1000, 9999, 0, 0, 1, "a four-digit year" };
static const scn_dom ss_dom = { 0, 1e9, 0, 0, 0, "a number of pupils from 0 to 1e9" };

double sc_history_get(const sc_history *h, int col, int i)
{
    if (col < 0 || col >= SC_NHISTORY || i < 0 || i >= h->nyears)
        return NAN;
    return h->value[(size_t)col * (size_t)h->nyears + (size_t)i];
}

static const scn_dom *role_dom(int role)
{
    if (role == SC_H_SEND_SUPPORT)
        return &ss_dom;
    if (role == SC_H_RAMP)
        return &scn_prob;
    return &scn_count;
}

int scn_history_role(const scn_val *key)
{
    for (int j = 0; j < SC_NHISTORY; j++)
        if (scn_text_is(key, sc_history_roles[j]))
            return j;
    return scn_text_is(key, "year") ? SC_NHISTORY : -1;
}

/* Column of every role (and of the year, index SC_NHISTORY); -1 absent. */
static int map_columns(scn_ctx *r, const scn_val *v, const scn_csv *t, int *col)
{
    sc_history *h = &r->s->history;
    for (int j = 0; j < SC_NHISTORY; j++)
        col[j] = scn_csv_col(t, sc_history_roles[j]);
    col[SC_NHISTORY] = scn_csv_col(t, "year");
    if (v->n) {
        if (scn_map_open(r, v))
            return scn_fail(r);
        void *it = NULL;
        scn_val key, val;
        while (scn_map_next(v, &it, &key, &val)) {
            int j = scn_history_role(&key);
            char name[SC_ID_MAX];
            if (j < 0)
                return SCN_ERR(r, &key, "unknown history column role; expected year, "
                               "requests, agreed, refused, assessments, plans_issued, "
                               "plans_ceased, plans_open, send_support or ramp");
            if (scn_str(r, &val, name, sizeof name) || scn_csv_need(r, &val, t, name, &col[j]))
                return scn_fail(r);
        }
    }
    if (col[SC_NHISTORY] < 0)
        return SCN_ERR(r, v->n ? v : &r->root, "%s has no column 'year' (map it with "
                       "history.columns.year)", t->path);
    for (int j = 0; j < SC_NHISTORY; j++)
        if (col[j] >= 0 && scn_copy(h->column[j], SC_ID_MAX, t->head[col[j]]))
            return SCN_ERR(r, v, "history column name too long");
    return SC_OK;
}

static int is_empty(const scn_csv *t, int row, int col)
{
    const char *c = t->cell[(size_t)row * (size_t)t->ncols + (size_t)col];
    return c[strspn(c, " \t")] == '\0';
}

static int alloc_rows(scn_ctx *r, int n)
{
    sc_history *h = &r->s->history;
    h->year = sc_calloc((size_t)n, sizeof *h->year);
    h->row_line = sc_calloc((size_t)n, sizeof *h->row_line);
    h->value = sc_calloc((size_t)n * SC_NHISTORY, sizeof *h->value);
    if (!h->year || !h->row_line || !h->value)
        return SCN_NOMEM(r);
    return SC_OK;
}

/* One row: its year (ascending, never twice) and every mapped cell. */
static int read_row(scn_ctx *r, const scn_csv *t, int row, const int *col, const char *status,
                    const scn_val *at)
{
    sc_history *h = &r->s->history;
    int i = h->nyears, n = t->nrows;
    double y;
    if (scn_csv_number(r, t, row, col[SC_NHISTORY], &year_dom, at, &y))
        return scn_fail(r);
    for (int j = 0; j < i; j++)
        if (h->year[j] == (int)y)
            return SC_ERROR_AT(r->e, t->path, t->line[row], 0, "column %s: year %d is given "
                               "twice (also on line %d)", t->head[col[SC_NHISTORY]], (int)y,
                               h->row_line[j]);
    if (i > 0 && (int)y < h->year[i - 1])
        return SC_ERROR_AT(r->e, t->path, t->line[row], 0, "column %s: expected years in "
                           "ascending order, got %d after %d", t->head[col[SC_NHISTORY]],
                           (int)y, h->year[i - 1]);
    h->year[i] = (int)y;
    h->row_line[i] = t->line[row];
    char st[SC_ID_MAX], source[SC_TEXT_MAX];
    if (scn_csv_provenance(r, t, row, at, st, source))
        return scn_fail(r);
    for (int j = 0; j < SC_NHISTORY; j++) {
        double x = NAN;
        if (col[j] >= 0 && !is_empty(t, row, col[j])) {
            if (scn_csv_number(r, t, row, col[j], role_dom(j), at, &x))
                return scn_fail(r);
            char name[SC_ID_MAX];
            snprintf(name, sizeof name, "history.%s", sc_history_roles[j]);
            if (scn_record(r, name, "", (int)y, x, status[0] ? status : st, source))
                return scn_fail(r);
        }
        h->value[(size_t)j * (size_t)n + (size_t)i] = x;
    }
    h->nyears++;
    return SC_OK;
}

int sc_history_row(const sc_history *h, int year)
{
    for (int i = 0; i < h->nyears; i++)
        if (h->year[i] == year)
            return i;
    return -1;
}

/* Role bits of an exclusion's `columns:` list (absent: the whole year). */
static int exclusion_columns(scn_ctx *r, const scn_val *v, unsigned *bits)
{
    *bits = (1u << SC_NHISTORY) - 1;
    if (!v->n)
        return SC_OK;
    int n;
    if (scn_seq_open(r, v, 1, SC_NHISTORY, &n))
        return scn_fail(r);
    *bits = 0;
    void *it = NULL;
    int k;
    scn_val item;
    while (scn_seq_next(v, &it, &k, &item)) {
        int j = scn_history_role(&item);
        if (j < 0 || j == SC_NHISTORY)
            return SCN_EXPECTED(r, &item, "a history column role (requests, agreed, refused, "
                                "assessments, plans_issued, plans_ceased, plans_open, "
                                "send_support, ramp)");
        *bits |= 1u << j;
    }
    return SC_OK;
}

static int read_exclusion(scn_ctx *r, const scn_val *v, sc_history_exclusion *x)
{
    static const scn_key keys[] = { { "year", 1 }, { "columns", 0 }, { "reason", 1 } };
    scn_val k[3];
    long long year;
    if (scn_map(r, v, keys, 3, k) || scn_int(r, &k[0], 1000, 9999, &year)
        || exclusion_columns(r, &k[1], &x->columns)
        || scn_str(r, &k[2], x->reason, sizeof x->reason))
        return scn_fail(r);
    if (!x->reason[0])
        return SCN_EXPECTED(r, &k[2], "the reason the cells are left out");
    x->year = (int)year;
    sc_history *h = &r->s->history;
    int i = sc_history_row(h, x->year);
    if (i < 0)
        return SCN_ERR(r, &k[0], "history has no year %d to exclude (%s)", x->year, h->path);
    for (int j = 0; j < SC_NHISTORY; j++)
        if (x->columns & (1u << j))
            h->value[(size_t)j * (size_t)h->nyears + (size_t)i] = NAN;
    return SC_OK;
}

/* The scenario's own exclusions, after those a SEN2 history has already. */
static int read_exclusions(scn_ctx *r, const scn_val *v)
{
    sc_history *h = &r->s->history;
    int n;
    if (!v->n)
        return SC_OK;
    if (scn_seq_open(r, v, 0, 1000, &n))
        return scn_fail(r);
    int first = h->nexclude;
    sc_history_exclusion *x = sc_realloc(h->exclude, (size_t)(first + n + 1) * sizeof *x);
    if (!x)
        return SCN_NOMEM(r);
    h->exclude = x;
    void *it = NULL;
    int k;
    scn_val item;
    while (scn_seq_next(v, &it, &k, &item)) {
        memset(&h->exclude[first + k], 0, sizeof h->exclude[first + k]);
        h->exclude[first + k].value = NAN;
        if (read_exclusion(r, &item, &h->exclude[first + k]))
            return scn_fail(r);
        h->nexclude = first + k + 1;
    }
    return SC_OK;
}

enum { HK_CSV, HK_SEN2, HK_LA, HK_STATUS, HK_COLUMNS, HK_EXCLUDE, HK_N };

/* history: is a CSV (csv:, columns:) or DfE's SEN2 releases (sen2:, la:),
 * never both; either may have status: and exclude:. */
static int pick_source(scn_ctx *r, const scn_val *v, const scn_val *k)
{
    if (!k[HK_CSV].n && !k[HK_SEN2].n)
        return SCN_ERR(r, v, "expected csv: FILE (a table of yearly counts) or sen2: [RELEASE, "
                       "...] with la: COUNCIL (DfE's SEN2 release files)");
    if (k[HK_CSV].n && k[HK_SEN2].n)
        return SCN_ERR(r, &k[HK_SEN2], "expected csv: or sen2:, not both (one history)");
    if (k[HK_SEN2].n && !k[HK_LA].n)
        return SCN_ERR(r, v, "missing required key 'la' (the council whose SEN2 series to read: "
                       "its 3-digit old code, its 9-character new code or its name)");
    if (k[HK_CSV].n && k[HK_LA].n)
        return SCN_ERR(r, &k[HK_LA], "la: goes with sen2: (a CSV history is one council's "
                       "already)");
    if (k[HK_SEN2].n && k[HK_COLUMNS].n)
        return SCN_ERR(r, &k[HK_COLUMNS], "columns: maps a CSV's columns; a SEN2 history has "
                       "its own (docs/scenario.md)");
    return SC_OK;
}

static int history_csv(scn_ctx *r, const scn_val *k, const char *status);

int scn_history(scn_ctx *r, const scn_val *v)
{
    static const scn_key keys[HK_N] = { { "csv", 0 }, { "sen2", 0 }, { "la", 0 },
                                        { "status", 0 }, { "columns", 0 }, { "exclude", 0 } };
    if (!v->n)
        return SC_OK;
    scn_val k[HK_N];
    char status[SC_ID_MAX] = "";
    if (scn_map(r, v, keys, HK_N, k) || pick_source(r, v, k)
        || (k[HK_STATUS].n && scn_status(r, &k[HK_STATUS], status, sizeof status)))
        return scn_fail(r);
    int rc = k[HK_CSV].n ? history_csv(r, k, status)
                         : scn_history_sen2(r, &k[HK_SEN2], &k[HK_LA], status);
    return rc ? rc : read_exclusions(r, &k[HK_EXCLUDE]);
}

static int history_csv(scn_ctx *r, const scn_val *k, const char *status)
{
    scn_csv *t;
    int col[SC_NHISTORY + 1];
    if (scn_csv_open(r, &k[HK_CSV], &t) || map_columns(r, &k[HK_COLUMNS], t, col))
        return scn_fail(r);
    sc_history *h = &r->s->history;
    h->path = sc_strdup(t->path);
    if (!h->path)
        return SCN_NOMEM(r);
    if (t->nrows < 1)
        return SCN_ERR(r, &k[HK_CSV], "%s has no rows of history", t->path);
    if (alloc_rows(r, t->nrows))
        return scn_fail(r);
    for (int row = 0; row < t->nrows; row++)
        if (read_row(r, t, row, col, status, &k[HK_CSV]))
            return scn_fail(r);
    return SC_OK;
}

void scn_history_free(sc_history *h)
{
    sc_free(h->year);
    sc_free(h->row_line);
    sc_free(h->value);
    sc_free(h->path);
    sc_free(h->exclude);
    for (int k = 0; h->sen2.release && k < h->sen2.nreleases; k++)
        sc_free(h->sen2.release[k]);
    sc_free(h->sen2.release);
    sc_free(h->sen2.sha256);
    memset(h, 0, sizeof *h);
}

/* A fit window must lie inside the years history has. */
static int check_window(scn_ctx *r, const sc_dist *d, const char *name)
{
    const sc_history *h = &r->s->history;
    if (h->nyears == 0)
        return SC_ERROR_AT(r->e, r->file, d->line, 0, "parameters.%s: dist: fit needs a "
                           "history: section (the council's yearly counts)", name);
    int first = h->year[0], last = h->year[h->nyears - 1];
    if (d->fit_from && (d->fit_from < first || d->fit_from > last))
        return SC_ERROR_AT(r->e, r->file, d->line, 0, "parameters.%s: the window starts in %d "
                           "but %s has years %d to %d only", name, d->fit_from, h->path, first,
                           last);
    if (d->fit_to && (d->fit_to < first || d->fit_to > last))
        return SC_ERROR_AT(r->e, r->file, d->line, 0, "parameters.%s: the window ends in %d "
                           "but %s has years %d to %d only", name, d->fit_to, h->path, first,
                           last);
    if (d->fit_from && d->fit_to && d->fit_from > d->fit_to)
        return SC_ERROR_AT(r->e, r->file, d->line, 0, "parameters.%s: the window runs from %d "
                           "to %d: expected from <= to", name, d->fit_from, d->fit_to);
    return SC_OK;
}

int scn_history_check_fits(scn_ctx *r)
{
    for (int i = 0; i < SC_NPARAMS; i++)
        if (r->s->param[i].kind == SC_DIST_FIT
            && check_window(r, &r->s->param[i], sc_param_table[i].name))
            return scn_fail(r);
    return SC_OK;
}
