/*
 * values.c — numbers and year tables in the three forms docs/scenario.md
 * allows, and the provenance register that keeps each number with its status.
 *
 * A number may be written plainly, as {value, status, source}, or as a
 * reference {csv, item[, year]} to a row of an item table; a year table as
 * {YEAR: number, ...} or {csv, item} taking every row of that item with a
 * year. Whatever the form, the number is checked against its domain where it
 * was written (the YAML line or the CSV row) and recorded in s->inputs, so
 * the result file can show which numbers are published and which are guesses.
 */
#include "scn_internal.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sendcast/alloc.h"

/* One register entry. Callers check user text against these sizes where it
 * is read; a failure here is a programming error, still not a silent cut. */
int scn_fill_input(sc_input *in, const char *name, const char *item, int year, double value,
                      const char *status, const char *source)
{
    memset(in, 0, sizeof *in);
    in->year = year;
    in->value = value;
    return scn_copy(in->name, sizeof in->name, name) || scn_copy(in->item, sizeof in->item, item)
           || scn_copy(in->status, sizeof in->status, status)
           || scn_copy(in->source, sizeof in->source, source);
}

int scn_record(scn_ctx *r, const char *name, const char *item, int year, double value,
               const char *status, const char *source)
{
    sc_scenario *s = r->s;
    if (s->ninputs == r->cap_inputs) {
        int cap = r->cap_inputs ? 2 * r->cap_inputs : 64;
        sc_input *p = sc_realloc(s->inputs, (size_t)cap * sizeof *p);
        if (!p)
            return SCN_NOMEM(r);
        s->inputs = p;
        r->cap_inputs = cap;
    }
    if (scn_fill_input(&s->inputs[s->ninputs], name, item, year, value, status, source))
        return SC_ERROR(r->e, SC_EFAIL, "%s: provenance entry %s does not fit", r->file,
                        name);
    s->ninputs++;
    return SC_OK;
}

/* ---- the three forms of a number ---- */

static int inline_value(scn_ctx *r, const scn_val *v, const scn_dom *d, const char *name,
                        const char *item, int year, double *out)
{
    static const scn_key keys[] = { { "value", 1 }, { "status", 0 }, { "source", 0 } };
    scn_val k[3];
    char status[SC_ID_MAX] = "scenario", source[SC_TEXT_MAX] = "";
    if (scn_map(r, v, keys, 3, k) || scn_plain_number(r, &k[0], d, out))
        return scn_fail(r);
    if (k[1].n && scn_status(r, &k[1], status, sizeof status))
        return scn_fail(r);
    if (k[2].n && scn_str(r, &k[2], source, sizeof source))
        return scn_fail(r);
    return scn_record(r, name, item, year, *out, status, source);
}

/* The year in a row, or 0 when the table has no year or the cell is empty. */
static int row_year(scn_ctx *r, const scn_csv *t, int row, int ycol, const scn_val *at,
                    int *year)
{
    static const scn_dom yd = { 1, 9999, 0, 0, 1, "a year (a whole number)" };
    *year = 0;
    if (ycol < 0 || !t->cell[row * t->ncols + ycol][0])
        return SC_OK;
    double y;
    if (scn_csv_number(r, t, row, ycol, &yd, at, &y))
        return scn_fail(r);
    *year = (int)y;
    return SC_OK;
}

typedef struct item_ref {
    scn_val csv, item, year;
    scn_csv *t;
    char name[SC_ID_MAX * 4];
    int icol, vcol, ycol;
} item_ref;

static int open_item_ref(scn_ctx *r, const scn_val *v, int with_year, item_ref *ref)
{
    static const scn_key keys[] = { { "csv", 1 }, { "item", 1 }, { "year", 0 } };
    scn_val k[3];
    if (scn_map(r, v, keys, with_year ? 3 : 2, k))
        return scn_fail(r);
    ref->csv = k[0];
    ref->item = k[1];
    ref->year = with_year ? k[2] : (scn_val){ 0 };
    if (scn_str(r, &ref->item, ref->name, sizeof ref->name) || scn_csv_open(r, &ref->csv, &ref->t)
        || scn_csv_need(r, &ref->csv, ref->t, "item", &ref->icol)
        || scn_csv_need(r, &ref->csv, ref->t, "value", &ref->vcol))
        return scn_fail(r);
    ref->ycol = scn_csv_col(ref->t, "year");
    return SC_OK;
}

static int csv_value(scn_ctx *r, const scn_val *v, const scn_dom *d, const char *name,
                     const char *item, int year, double *out)
{
    item_ref ref;
    if (open_item_ref(r, v, 1, &ref))
        return scn_fail(r);
    long long want = 0;
    if (ref.year.n) {
        if (scn_int(r, &ref.year, 1, 9999, &want))
            return scn_fail(r);
        if (ref.ycol < 0 && scn_csv_need(r, &ref.year, ref.t, "year", &ref.ycol))
            return scn_fail(r);
    }
    int found = -1, nfound = 0, lines[3] = { 0 };
    for (int row = 0; row < ref.t->nrows; row++) {
        if (strcmp(ref.t->cell[row * ref.t->ncols + ref.icol], ref.name) != 0)
            continue;
        if (ref.year.n) {
            int y;
            if (row_year(r, ref.t, row, ref.ycol, v, &y))
                return scn_fail(r);
            if (y != want)
                continue;
        }
        if (nfound < 3)
            lines[nfound] = ref.t->line[row];
        nfound++;
        found = row;
    }
    char yeartext[32] = "";
    if (ref.year.n)
        snprintf(yeartext, sizeof yeartext, " and year %lld", want);
    if (nfound == 0)
        return SCN_ERR(r, &ref.item, "no row of %s has item '%s'%s", ref.t->path, ref.name,
                       yeartext);
    if (nfound > 1)
        return SCN_ERR(r, &ref.item,
                       "item '%s'%s matches %d rows of %s (lines %d, %d%s); a single number "
                       "needs exactly one: add year: YEAR to pick one",
                       ref.name, yeartext, nfound, ref.t->path, lines[0], lines[1],
                       nfound > 2 ? ", ..." : "");
    char status[SC_ID_MAX], source[SC_TEXT_MAX];
    int y;
    if (scn_csv_number(r, ref.t, found, ref.vcol, d, v, out)
        || scn_csv_provenance(r, ref.t, found, v, status, source)
        || row_year(r, ref.t, found, ref.ycol, v, &y))
        return scn_fail(r);
    return scn_record(r, name, item, y ? y : year, *out, status, source);
}

static int number_of(scn_ctx *r, const scn_val *v, const scn_dom *d, const char *name,
                     const char *item, int year, double *out);

int scn_number(scn_ctx *r, const scn_val *v, const scn_dom *d, const char *name,
               const char *item, int year, double *out)
{
    int rc = number_of(r, v, d, name, item, year, out);
    /* 4 written for 4% is a rate of 400% a year: allowed, but said */
    if (!rc && d == &scn_growth && *out >= 1)
        rc = scn_warn(r, v, "a yearly rate of %g is %g%% a year; %g%% is written %g",
                      *out, 100 * *out, *out, *out / 100);
    return rc;
}

static int number_of(scn_ctx *r, const scn_val *v, const scn_dom *d, const char *name,
                     const char *item, int year, double *out)
{
    switch (scn_kind(v)) {
    case SCN_SCALAR: {
        if (scn_plain_number(r, v, d, out))
            return scn_fail(r);
        const scn_applied *a = scn_edit_of(r, v);
        if (a && !a->graft)
            return scn_record(r, name, item, year, *out, "override", a->source);
        char source[SC_TEXT_MAX];
        if (a)
            snprintf(source, sizeof source, "%.200s line %d", a->source, v->line);
        else
            snprintf(source, sizeof source, "scenario line %d", v->line);
        return scn_record(r, name, item, year, *out, "scenario", source);
    }
    case SCN_MAP:
        if (scn_has_key(v, "csv"))
            return csv_value(r, v, d, name, item, year, out);
        if (scn_has_key(v, "value"))
            return inline_value(r, v, d, name, item, year, out);
        break;
    default:
        break;
    }
    if (scn_kind(v) != SCN_MAP)
        return SCN_EXPECTED(r, v, d->what);
    char what[256];
    snprintf(what, sizeof what, "%s, written plainly, as {value: ..., status: ...} or as "
             "{csv: FILE, item: NAME}", d->what);
    return SCN_EXPECTED(r, v, what);
}

/* ---- year tables ---- */

static int put_year(scn_ctx *r, const scn_val *at, int year, double x, scn_years *out)
{
    int t = year - r->s->base_year;
    if (out->have[t])
        return SCN_ERR(r, at, "year %d is given twice", year);
    out->have[t] = 1;
    out->v[t] = x;
    out->n++;
    return SC_OK;
}

static int inline_years(scn_ctx *r, const scn_val *v, const scn_dom *d, const char *name,
                        scn_years *out)
{
    if (scn_map_open(r, v))
        return scn_fail(r);
    void *it = NULL;
    scn_val key, val;
    while (scn_map_next(v, &it, &key, &val)) {
        static const scn_dom yd = { 1, 9999, 0, 0, 1, "a year (a whole number)" };
        double y, x;
        if (scn_plain_number(r, &key, &yd, &y))
            return scn_fail(r);
        long long year = (long long)y;
        if (year < r->s->base_year && r->lenient_years) {
            /* A table written for an earlier base year (an attribution's
             * step): its earlier years are history here. */
            if (year > out->before_year && !scn_number(r, &val, d, name, "", (int)year, &x)) {
                out->before_year = (int)year;
                out->before_v = x;
            } else if (year > out->before_year) {
                return scn_fail(r);
            }
            continue;
        }
        if (year < r->s->base_year)
            return SCN_ERR(r, &key, "year %lld is before the base year %d", year,
                           r->s->base_year);
        if (year > r->s->base_year + r->s->horizon)
            continue;   /* a table may run past the horizon (a longer agreement) */
        if (scn_number(r, &val, d, name, "", (int)year, &x)
            || put_year(r, &key, (int)year, x, out))
            return scn_fail(r);
    }
    return SC_OK;
}

static int row_in_years(scn_ctx *r, const item_ref *ref, const scn_val *v, const scn_dom *d,
                        const char *name, int row, scn_years *out)
{
    const scn_csv *t = ref->t;
    int year;
    if (row_year(r, t, row, ref->ycol, v, &year))
        return scn_fail(r);
    if (year == 0)
        return SC_OK;   /* rows without a year are not part of a year table */
    if (year < r->s->base_year && r->lenient_years) {
        double x;
        if (year > out->before_year) {
            if (scn_csv_number(r, t, row, ref->vcol, d, v, &x))
                return scn_fail(r);
            out->before_year = year;
            out->before_v = x;
        }
        return SC_OK;
    }
    if (year < r->s->base_year) {
        SC_ERROR_AT(r->e, t->path, t->line[row], 0,
                    "column year: year %d of item %s is before the base year %d", year,
                    ref->name, r->s->base_year);
        return scn_ref_context(r, v);
    }
    if (year > r->s->base_year + r->s->horizon)
        return SC_OK;
    int tt = year - r->s->base_year;
    if (out->have[tt]) {
        SC_ERROR_AT(r->e, t->path, t->line[row], 0, "item %s: year %d is given twice",
                    ref->name, year);
        return scn_ref_context(r, v);
    }
    double x;
    char status[SC_ID_MAX], source[SC_TEXT_MAX];
    if (scn_csv_number(r, t, row, ref->vcol, d, v, &x)
        || scn_csv_provenance(r, t, row, v, status, source))
        return scn_fail(r);
    out->have[tt] = 1;
    out->v[tt] = x;
    out->n++;
    return scn_record(r, name, "", year, x, status, source);
}

static int csv_years(scn_ctx *r, const scn_val *v, const scn_dom *d, const char *name,
                     scn_years *out)
{
    item_ref ref;
    if (open_item_ref(r, v, 0, &ref) || scn_csv_need(r, &ref.csv, ref.t, "year", &ref.ycol))
        return scn_fail(r);
    int matched = 0;
    for (int row = 0; row < ref.t->nrows; row++) {
        if (strcmp(ref.t->cell[row * ref.t->ncols + ref.icol], ref.name) != 0)
            continue;
        matched++;
        if (row_in_years(r, &ref, v, d, name, row, out))
            return scn_fail(r);
    }
    if (!matched)
        return SCN_ERR(r, &ref.item, "no row of %s has item '%s'", ref.t->path, ref.name);
    return SC_OK;
}

int scn_year_table(scn_ctx *r, const scn_val *v, const scn_dom *d, const char *name,
                   scn_years *out)
{
    memset(out, 0, sizeof *out);
    if (scn_kind(v) == SCN_MAP)
        return scn_has_key(v, "csv") ? csv_years(r, v, d, name, out)
                                     : inline_years(r, v, d, name, out);
    return SCN_EXPECTED(r, v, "a year table: {YEAR: number, ...} or {csv: FILE, item: NAME}");
}

/* ---- tables of past years (outturn) ---- */

/* Year `year` into out, kept ascending; a year given twice or one too many is
 * refused where it was written (file:line of a CSV row, else the YAML key). */
static int past_put(scn_ctx *r, const scn_csv *t, int row, const scn_val *at, int year,
                    double x, const char *status, sc_outturn *out)
{
    int k = out->n;
    while (k > 0 && out->year[k - 1] > year)
        k--;
    const char *problem = k > 0 && out->year[k - 1] == year ? "is given twice"
                          : out->n == SC_MAX_OUTTURN ? "is one too many (at most "
                                                       "64 years of outturn)" : NULL;
    if (problem) {
        if (!t)
            return SCN_ERR(r, at, "year %d %s", year, problem);
        SC_ERROR_AT(r->e, t->path, t->line[row], 0, "year %d %s", year, problem);
        return scn_ref_context(r, at);
    }
    memmove(out->year + k + 1, out->year + k, (size_t)(out->n - k) * sizeof *out->year);
    memmove(out->value + k + 1, out->value + k, (size_t)(out->n - k) * sizeof *out->value);
    memmove(out->status + k + 1, out->status + k, (size_t)(out->n - k) * sizeof *out->status);
    out->year[k] = year;
    out->value[k] = x;
    snprintf(out->status[k], sizeof out->status[k], "%s", status);
    out->n++;
    return SC_OK;
}

int scn_past_years(scn_ctx *r, const scn_val *v, const scn_dom *d, const char *name,
                   sc_outturn *out)
{
    static const scn_dom yd = { SC_YEAR_MIN, SC_YEAR_MAX, 0, 0, 1, "a year (a whole number)" };
    const int last = r->s->base_year;
    out->n = 0;
    if (scn_kind(v) != SCN_MAP)
        return SCN_EXPECTED(r, v, "a table of past years: {YEAR: number, ...} or "
                            "{csv: FILE, item: NAME}");
    if (!scn_has_key(v, "csv")) {
        if (scn_map_open(r, v))
            return scn_fail(r);
        void *it = NULL;
        scn_val key, val;
        while (scn_map_next(v, &it, &key, &val)) {
            double y, x;
            if (scn_plain_number(r, &key, &yd, &y))
                return scn_fail(r);
            if ((int)y > last)
                return SCN_ERR(r, &key, "year %d is after the base year %d: outturn is what "
                               "happened, up to the base year", (int)y, last);
            if (scn_number(r, &val, d, name, "", (int)y, &x)
                || past_put(r, NULL, 0, &key, (int)y, x, r->s->inputs[r->s->ninputs - 1].status,
                            out))
                return scn_fail(r);
        }
        return SC_OK;
    }
    item_ref ref;
    if (open_item_ref(r, v, 0, &ref) || scn_csv_need(r, &ref.csv, ref.t, "year", &ref.ycol))
        return scn_fail(r);
    int matched = 0;
    for (int row = 0; row < ref.t->nrows; row++) {
        if (strcmp(ref.t->cell[row * ref.t->ncols + ref.icol], ref.name) != 0)
            continue;
        matched++;
        int year;
        if (row_year(r, ref.t, row, ref.ycol, v, &year))
            return scn_fail(r);
        /* rows without a year, or after the base year (forecasts sharing
         * the item), are not outturn */
        if (year == 0 || year > last)
            continue;
        double x;
        char status[SC_ID_MAX], source[SC_TEXT_MAX];
        if (year < SC_YEAR_MIN) {
            SC_ERROR_AT(r->e, ref.t->path, ref.t->line[row], 0, "column year: expected a year "
                        "from %d, got %d", SC_YEAR_MIN, year);
            return scn_ref_context(r, v);
        }
        if (scn_csv_number(r, ref.t, row, ref.vcol, d, v, &x)
            || scn_csv_provenance(r, ref.t, row, v, status, source)
            || past_put(r, ref.t, row, v, year, x, status, out)
            || scn_record(r, name, "", year, x, status, source))
            return scn_fail(r);
    }
    if (!matched)
        return SCN_ERR(r, &ref.item, "no row of %s has item '%s'", ref.t->path, ref.name);
    return SC_OK;
}
