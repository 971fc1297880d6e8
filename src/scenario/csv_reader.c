/*
 * csv_reader.c — a small, strict RFC 4180 reader for the CSV files a scenario names.
 *
 * Fields are separated by commas and rows by LF or CRLF; a field may be
 * quoted, and then holds commas, line breaks and doubled quotes (""); a
 * quote inside an unquoted field is an ordinary character.
 * The first row is the header. Blank lines are skipped; every other row must
 * have as many fields as the header. A file is parsed whole when first named
 * (so a broken row anywhere is reported, with its line), read once however
 * often it is named, and kept verbatim in the scenario's files[].
 */
#include "scn_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sendcast/alloc.h"
#include "sendcast/text.h"

/* Growing arrays while parsing: where each field starts in buf, and each
 * record's first field and line. */
typedef struct csv_parse {
    const char *text;
    size_t len, pos;
    int line;
    char *buf;
    size_t used;
    size_t *field;
    size_t nfield, capfield;
    size_t *rec;        /* index of a record's first field; rec[nrec] = nfield */
    int *recline;
    size_t nrec, caprec, caprecline;
    const char *path;
    sc_error *e;
} csv_parse;

/* p with room for `need` elements of `size` bytes (capacity *cap grows by
 * doubling); NULL when out of memory, p then still valid. */
static void *grow(void *p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap && p)
        return p;
    size_t n = *cap ? 2 * *cap : 64;
    while (n < need)
        n *= 2;
    void *q = sc_realloc(p, n * size);
    if (q)
        *cap = n;
    return q;
}

static int nomem(csv_parse *c)
{
    return SC_ERROR(c->e, SC_ENOMEM, "%s: out of memory while reading", c->path);
}

static int add_field(csv_parse *c, size_t start)
{
    size_t *f = grow(c->field, &c->capfield, c->nfield + 1, sizeof *f);
    if (!f)
        return nomem(c);
    c->field = f;
    c->field[c->nfield++] = start;
    c->buf[c->used++] = '\0';
    return SC_OK;
}

static int quoted_field(csv_parse *c, int open_line)
{
    c->pos++;
    for (;;) {
        if (c->pos >= c->len)
            return SC_ERROR_AT(c->e, c->path, open_line, 0,
                               "unterminated quoted field: the quote opened here is never closed");
        char ch = c->text[c->pos];
        if (ch == '"') {
            if (c->pos + 1 < c->len && c->text[c->pos + 1] == '"') {
                c->buf[c->used++] = '"';
                c->pos += 2;
                continue;
            }
            c->pos++;
            break;
        }
        if (ch == '\n')
            c->line++;
        c->buf[c->used++] = ch;
        c->pos++;
    }
    if (c->pos < c->len && c->text[c->pos] != ',' && c->text[c->pos] != '\n'
        && !(c->text[c->pos] == '\r' && c->pos + 1 < c->len && c->text[c->pos + 1] == '\n'))
        return SC_ERROR_AT(c->e, c->path, c->line, 0,
                           "unexpected character after a closing quote (a field that starts "
                           "with a quote must end with one)");
    return SC_OK;
}

static int is_eol(const csv_parse *c)
{
    return c->text[c->pos] == '\n'
           || (c->text[c->pos] == '\r' && c->pos + 1 < c->len && c->text[c->pos + 1] == '\n');
}

/* A quote inside an unquoted field is kept as it is, as spreadsheets and
 * Python's csv module read it (finance.csv has `cabinet report: "£18m+"`). */
static int plain_field(csv_parse *c)
{
    while (c->pos < c->len && c->text[c->pos] != ',' && !is_eol(c))
        c->buf[c->used++] = c->text[c->pos++];
    return SC_OK;
}

static int one_record(csv_parse *c)
{
    int start_line = c->line;
    size_t first = c->nfield;
    for (;;) {
        size_t start = c->used;
        int rc = (c->pos < c->len && c->text[c->pos] == '"') ? quoted_field(c, c->line)
                                                              : plain_field(c);
        if (!rc)
            rc = add_field(c, start);
        if (rc)
            return rc;
        if (c->pos < c->len && c->text[c->pos] == ',') {
            c->pos++;
            continue;
        }
        break;
    }
    if (c->pos < c->len) {      /* at an end of line */
        c->pos += c->text[c->pos] == '\r' ? 2 : 1;
        c->line++;
    }
    size_t *rec = grow(c->rec, &c->caprec, c->nrec + 2, sizeof *rec);
    if (rec)
        c->rec = rec;
    int *rl = rec ? grow(c->recline, &c->caprecline, c->nrec + 1, sizeof *rl) : NULL;
    if (!rl)
        return nomem(c);
    c->recline = rl;
    c->rec[c->nrec] = first;
    c->recline[c->nrec] = start_line;
    c->nrec++;
    c->rec[c->nrec] = c->nfield;
    return SC_OK;
}

static int split(csv_parse *c)
{
    if (c->len >= 3 && memcmp(c->text, "\xEF\xBB\xBF", 3) == 0)
        c->pos = 3;     /* a UTF-8 byte-order mark, as spreadsheets write */
    while (c->pos < c->len) {
        if (is_eol(c)) {    /* blank line */
            c->pos += c->text[c->pos] == '\r' ? 2 : 1;
            c->line++;
            continue;
        }
        int rc = one_record(c);
        if (rc)
            return rc;
    }
    return SC_OK;
}

static int check_shape(csv_parse *c, scn_csv *t)
{
    if (c->nrec == 0)
        return SC_ERROR_AT(c->e, c->path, 0, 0, "the file is empty: expected a header row");
    if (c->rec[1] - c->rec[0] > SCN_MAX_CSV_COLUMNS)
        return SC_ERROR_AT(c->e, c->path, c->recline[0], 0, "the header has %zu columns: "
                           "expected at most %d", c->rec[1] - c->rec[0], SCN_MAX_CSV_COLUMNS);
    t->ncols = (int)(c->rec[1] - c->rec[0]);
    for (int i = 0; i < t->ncols; i++)
        for (int j = 0; j < i; j++)
            if (c->buf[c->field[i]] && strcmp(c->buf + c->field[i], c->buf + c->field[j]) == 0)
                return SC_ERROR_AT(c->e, c->path, c->recline[0], 0,
                                   "column '%s' appears twice in the header",
                                   c->buf + c->field[i]);
    for (size_t r = 1; r < c->nrec; r++) {
        size_t n = c->rec[r + 1] - c->rec[r];
        if (n != (size_t)t->ncols)
            return SC_ERROR_AT(c->e, c->path, c->recline[r], 0,
                               "row has %zu fields, but the header has %d (a %s row)", n,
                               t->ncols, n < (size_t)t->ncols ? "short" : "long");
    }
    return SC_OK;
}

static int build(csv_parse *c, scn_csv *t)
{
    t->nrows = (int)c->nrec - 1;
    t->head = sc_calloc((size_t)t->ncols, sizeof *t->head);
    t->cell = sc_calloc((size_t)t->nrows * (size_t)t->ncols, sizeof *t->cell);
    t->line = sc_calloc((size_t)t->nrows, sizeof *t->line);
    if (!t->head || !t->cell || !t->line)
        return nomem(c);
    t->buf = c->buf;
    c->buf = NULL;
    for (int i = 0; i < t->ncols; i++)
        t->head[i] = t->buf + c->field[i];
    for (int r = 0; r < t->nrows; r++) {
        t->line[r] = c->recline[r + 1];
        for (int i = 0; i < t->ncols; i++)
            t->cell[(size_t)r * (size_t)t->ncols + (size_t)i] =
                t->buf + c->field[c->rec[r + 1] + (size_t)i];
    }
    return SC_OK;
}

int scn_csv_parse(scn_csv *t, const char *path, const char *text, size_t len, sc_error *e)
{
    memset(t, 0, sizeof *t);
    t->path = path;
    csv_parse c = { .text = text, .len = len, .line = 1, .path = path, .e = e };
    /* Unescaped fields never outgrow the text; each adds at most one NUL. */
    c.buf = sc_malloc(2 * len + 2);
    int rc = c.buf ? SC_OK : nomem(&c);
    if (!rc && len > (size_t)1 << 30)
        rc = SC_ERROR_AT(e, path, 0, 0, "the file is too large");
    /* A cell "35<NUL>09" is not 35, and a file saved as Windows-1252 would
     * run and then make a workbook and a page that are not UTF-8. */
    if (!rc)
        rc = scn_text_check(path, text, len, "a CSV file", e);
    if (!rc)
        rc = split(&c);
    if (!rc)
        rc = check_shape(&c, t);
    if (!rc)
        rc = build(&c, t);
    sc_free(c.buf);
    sc_free(c.field);
    sc_free(c.rec);
    sc_free(c.recline);
    if (rc)
        scn_csv_free(t);
    return rc;
}

void scn_csv_free(scn_csv *t)
{
    if (!t)
        return;
    sc_free(t->head);
    sc_free(t->cell);
    sc_free(t->line);
    sc_free(t->buf);
    memset(t, 0, sizeof *t);
}

int scn_csv_col(const scn_csv *t, const char *name)
{
    for (int i = 0; i < t->ncols; i++)
        if (strcmp(t->head[i], name) == 0)
            return i;
    return -1;
}

/* The path as the user sees it: the scenario's folder joined with rel. */
static char *display_path(const scn_ctx *r, const scn_val *ref, const char *rel)
{
    const char *dir = rel[0] == '/' ? "" : scn_dir_of(r, ref);
    size_t n = strlen(dir) + strlen(rel) + 1;
    char *p = sc_malloc(n);
    if (p)
        snprintf(p, n, "%s%s", dir, rel);
    return p;
}

/* Keep the file verbatim in the scenario; takes ownership of path and text. */
static int add_file(scn_ctx *r, char *path, char *text, size_t len)
{
    sc_scenario *s = r->s;
    sc_file *f = sc_realloc(s->files, (size_t)(s->nfiles + 1) * sizeof *f);
    if (!f) {
        sc_free(path);
        sc_free(text);
        return SCN_NOMEM(r);
    }
    s->files = f;
    s->files[s->nfiles++] = (sc_file){ .path = path, .text = text, .len = len };
    return SC_OK;
}

/* Read the file at path (owned: freed on failure) into the scenario's files. */
static int load_file(scn_ctx *r, const scn_val *ref, char *path, const sc_file **out)
{
    char *text;
    size_t len;
    int err = sc_file_read(path, (size_t)SCN_MAX_FILE_BYTES, &text, &len);
    if (err) {
        int rc = err == ENOMEM ? SCN_NOMEM(r)
                               : SCN_ERR(r, ref, "cannot read %s: %s", path, sc_file_strerror(err));
        sc_free(path);
        return rc;
    }
    if (add_file(r, path, text, len))
        return SC_ENOMEM;
    *out = &r->s->files[r->s->nfiles - 1];
    return SC_OK;
}

/* The path `ref` names, relative to the scenario (*path owned by the caller). */
static int ref_path(scn_ctx *r, const scn_val *ref, const char *what, char **path)
{
    char rel[1024];
    if (scn_str(r, ref, rel, sizeof rel))
        return SC_EINPUT;
    if (!rel[0])
        return SCN_ERR(r, ref, "expected the path of %s, got an empty string", what);
    *path = display_path(r, ref, rel);
    return *path ? SC_OK : SCN_NOMEM(r);
}

int scn_file_open(scn_ctx *r, const scn_val *ref, const char *what, const sc_file **out)
{
    char *path;
    int rc = ref_path(r, ref, what, &path);
    return rc ? rc : load_file(r, ref, path, out);
}

int scn_csv_open(scn_ctx *r, const scn_val *ref, scn_csv **out)
{
    char *path;
    int rc0 = ref_path(r, ref, "a CSV file", &path);
    if (rc0)
        return rc0;
    for (int i = 0; i < r->ncsv; i++)
        if (strcmp(r->csv[i]->path, path) == 0) {
            sc_free(path);
            *out = r->csv[i];
            return SC_OK;
        }
    scn_csv **list = sc_realloc(r->csv, (size_t)(r->ncsv + 1) * sizeof *list);
    scn_csv *t = sc_calloc(1, sizeof *t);
    if (list)
        r->csv = list;
    if (!list || !t) {
        sc_free(t);
        sc_free(path);
        return SCN_NOMEM(r);
    }
    const sc_file *f;
    int rc = load_file(r, ref, path, &f);
    if (rc) {
        sc_free(t);
        return rc;
    }
    rc = scn_csv_parse(t, f->path, f->text, f->len, r->e);
    if (rc) {
        sc_free(t);
        return rc == SC_EINPUT ? scn_ref_context(r, ref) : rc;
    }
    r->csv[r->ncsv++] = t;
    *out = t;
    return SC_OK;
}

int scn_ref_context(scn_ctx *r, const scn_val *at)
{
    if (at)
        SC_CONTEXT(r->e, "read for %s:%d:%d (%s)", r->file, at->line, at->col, at->path);
    return SC_EINPUT;
}

int scn_csv_need(scn_ctx *r, const scn_val *at, const scn_csv *t, const char *name, int *col)
{
    *col = scn_csv_col(t, name);
    if (*col >= 0)
        return SC_OK;
    char cols[512];
    size_t used = 0;
    cols[0] = '\0';
    for (int i = 0; i < t->ncols; i++)
        if (sc_text_append(cols, sizeof cols, &used, ", ", t->head[i]))
            break;
    return SCN_ERR(r, at, "%s has no column '%s' (its columns: %s)", t->path, name, cols);
}

/* "FILE:LINE" of a row, for sources; of a very long path only its end is
 * kept, marked with "...", so the line number always survives. */
static void csv_where(const scn_csv *t, int row, char *buf, size_t cap)
{
    char line[16];
    snprintf(line, sizeof line, ":%d", t->line[row]);
    size_t llen = strlen(line), plen = strlen(t->path);
    size_t keep = plen + llen < cap ? plen : cap - llen - 4, at = 0;
    if (keep < plen) {
        memcpy(buf, "...", 3);
        at = 3;
    }
    memcpy(buf + at, t->path + plen - keep, keep);
    memcpy(buf + at + keep, line, llen + 1);
}

static const char *cell(const scn_csv *t, int row, int col)
{
    return t->cell[(size_t)row * (size_t)t->ncols + (size_t)col];
}

int scn_csv_number(scn_ctx *r, const scn_csv *t, int row, int col, const scn_dom *d,
                   const scn_val *at, double *out)
{
    const char *s = cell(t, row, col);
    size_t len = strlen(s);
    while (len && (*s == ' ' || *s == '\t')) {
        s++;
        len--;
    }
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    double x = 0;
    int rc = scn_parse_number(s, len, &x);
    if (rc == SCN_NUM_OK && scn_dom_ok(d, x)) {
        *out = x;
        return SC_OK;
    }
    const int show = len > 40 ? 37 : (int)len;
    const char *more = len > 40 ? "..." : "";
    if (len == 0)
        SC_ERROR_AT(r->e, t->path, t->line[row], 0, "column %s: expected %s, got an empty cell",
                    t->head[col], d->what);
    else if (rc == SCN_NUM_BAD)
        SC_ERROR_AT(r->e, t->path, t->line[row], 0, "column %s: expected %s, got \"%.*s%s\"",
                    t->head[col], d->what, show, s, more);
    else
        SC_ERROR_AT(r->e, t->path, t->line[row], 0, "column %s: expected %s, got %.*s%s",
                    t->head[col], rc == SCN_NUM_NONFINITE ? "a finite number" : d->what, show,
                    s, more);
    return scn_ref_context(r, at);
}

int scn_csv_text(scn_ctx *r, const scn_csv *t, int row, int col, char *buf, size_t cap,
                 const scn_val *at)
{
    if (scn_copy(buf, cap, cell(t, row, col)) == 0)
        return SC_OK;
    SC_ERROR_AT(r->e, t->path, t->line[row], 0, "column %s: expected at most %zu characters, got %zu",
                t->head[col], cap - 1, strlen(cell(t, row, col)));
    return scn_ref_context(r, at);
}

/* Status and source of a CSV row: its own columns where it has them; else
 * "unstated" and the file and line it came from. */
int scn_csv_provenance(scn_ctx *r, const scn_csv *t, int row, const scn_val *at,
                          char *status, char *source)
{
    int sc = scn_csv_col(t, "status"), oc = scn_csv_col(t, "source");
    status[0] = source[0] = '\0';
    if (sc >= 0 && scn_csv_text(r, t, row, sc, status, SC_ID_MAX, at))
        return scn_fail(r);
    if (status[0] && !scn_status_ok(status)) {
        SC_ERROR_AT(r->e, t->path, t->line[row], 0, "column status: expected %s; got \"%s\"",
                    scn_status_list, status);
        return scn_ref_context(r, at);
    }
    if (oc >= 0 && scn_csv_text(r, t, row, oc, source, SC_TEXT_MAX, at))
        return scn_fail(r);
    if (!status[0])
        snprintf(status, SC_ID_MAX, "unstated");
    if (!source[0])
        csv_where(t, row, source, SC_TEXT_MAX);
    return SC_OK;
}

