/*
 * read.c — one release into observations, and sc_sen2_read() over all.
 *
 * A release's layout is decided by the files it holds (layout.c). Each CSV is
 * parsed whole, its columns checked, and the rows that matter (local
 * authority and regional; the "All ..." total of a breakdown; the
 * establishment rows a column asks for) gathered into one record per
 * (entity, activity year). Every record then gives one observation per role
 * that a row spoke to, and rule 1 is applied within the release, where the
 * council's number and its region's total come from the same files.
 */
#include "s2_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sendcast/alloc.h"
#include "sendcast/sha256.h"

/* ---- entities ---- */


static int has_code(const s2_ent *t, const char *code)
{
    for (int i = 0; i < t->nnew; i++)
        if (strcmp(t->new_codes[i], code) == 0)
            return 1;
    return 0;
}

/* Replace *dst by a copy of src when src is given and differs. */
static int set_text(char **dst, const char *src)
{
    if (!src[0] || (*dst && strcmp(*dst, src) == 0))
        return 0;
    char *d = sc_strdup(src);
    if (!d)
        return -1;
    sc_free(*dst);
    *dst = d;
    return 0;
}

static int add_code(s2_ent *t, const char *code)
{
    if (!code[0] || has_code(t, code))
        return 0;
    char **l = sc_realloc(t->new_codes, (size_t)(t->nnew + 1) * sizeof *l);
    if (!l)
        return -1;
    t->new_codes = l;
    if (!(l[t->nnew] = sc_strdup(code)))
        return -1;
    t->nnew++;
    return 0;
}

static int find_entity(const s2_ctx *c, int level, const char *old_code, const char *new_code,
                       const char *name)
{
    for (int i = 0; i < c->nent; i++) {
        const s2_ent *t = &c->ent[i];
        if (t->level != level)
            continue;
        if (level == S2_REGION) {
            if (new_code[0] ? has_code(t, new_code) : (t->name && strcmp(t->name, name) == 0))
                return i;
        } else if (old_code[0] ? strcmp(t->old_code, old_code) == 0 : has_code(t, new_code)) {
            return i;
        }
    }
    if (level == S2_LA && old_code[0] && new_code[0])      /* met before without an old code */
        for (int i = 0; i < c->nent; i++)
            if (c->ent[i].level == S2_LA && !c->ent[i].old_code[0]
                && has_code(&c->ent[i], new_code))
                return i;
    return -1;
}

int s2_entity(s2_ctx *c, int level, const char *old_code, const char *new_code,
              const char *name, const char *region_code, const char *region_name, int *index)
{
    int i = find_entity(c, level, old_code, new_code, name);
    if (i < 0) {
        if (c->nent == c->capent) {
            int cap = c->capent ? 2 * c->capent : 64;
            s2_ent *l = sc_realloc(c->ent, (size_t)cap * sizeof *l);
            if (!l)
                return s2_nomem(c);
            c->ent = l;
            c->capent = cap;
        }
        i = c->nent++;
        c->ent[i] = (s2_ent){ .level = level };
    }
    s2_ent *t = &c->ent[i];
    if (level == S2_LA && old_code[0])
        memcpy(t->old_code, old_code, 4);
    if (add_code(t, new_code) || set_text(&t->name, name) || set_text(&t->region_code, region_code)
        || set_text(&t->region_name, region_name))
        return s2_nomem(c);
    *index = i;
    return SC_OK;
}

int s2_add_file(s2_ctx *c, char *display)
{
    if (c->nfiles == c->capfiles) {
        int cap = c->capfiles ? 2 * c->capfiles : 16;
        char **l = sc_realloc(c->files, (size_t)cap * sizeof *l);
        if (!l) {
            sc_free(display);
            return -1;
        }
        c->files = l;
        c->capfiles = cap;
    }
    c->files[c->nfiles] = display;
    return c->nfiles++;
}

/* ---- records of one release, by (entity, year) ---- */

typedef struct recset {
    s2_rec *rec;
    int n, cap;
    int *slot;              /* open addressing: index into rec, or -1 */
    int nslot;              /* a power of two, at least twice n */
} recset;

static unsigned hash(int ent, int year)
{
    return (unsigned)ent * 2654435761u ^ (unsigned)year * 40503u;
}

static int rehash(recset *s, int nslot)
{
    int *slot = sc_malloc((size_t)nslot * sizeof *slot);
    if (!slot)
        return -1;
    for (int i = 0; i < nslot; i++)
        slot[i] = -1;
    for (int r = 0; r < s->n; r++) {
        unsigned h = hash(s->rec[r].ent, s->rec[r].year) & (unsigned)(nslot - 1);
        while (slot[h] >= 0)
            h = (h + 1) & (unsigned)(nslot - 1);
        slot[h] = r;
    }
    sc_free(s->slot);
    s->slot = slot;
    s->nslot = nslot;
    return 0;
}

/* The record for (ent, year), made when new; NULL when out of memory. */
static s2_rec *record(recset *s, int ent, int year)
{
    if (2 * (s->n + 1) > s->nslot && rehash(s, s->nslot ? 2 * s->nslot : 256))
        return NULL;
    unsigned h = hash(ent, year) & (unsigned)(s->nslot - 1);
    for (; s->slot[h] >= 0; h = (h + 1) & (unsigned)(s->nslot - 1)) {
        s2_rec *r = &s->rec[s->slot[h]];
        if (r->ent == ent && r->year == year)
            return r;
    }
    if (s->n == s->cap) {
        int cap = s->cap ? 2 * s->cap : 256;
        s2_rec *l = sc_realloc(s->rec, (size_t)cap * sizeof *l);
        if (!l)
            return NULL;
        s->rec = l;
        s->cap = cap;
    }
    s2_rec *r = &s->rec[s->n];
    r->ent = ent;
    r->year = year;
    r->region = -1;
    for (int k = 0; k < S2_MAXRAW; k++)
        r->raw[k] = (s2_raw){ NAN, NULL, -1, 0 };
    s->slot[h] = s->n++;
    return r;
}

static void recset_free(recset *s)
{
    sc_free(s->rec);
    sc_free(s->slot);
}

/* ---- cells ---- */

/* A count, or one of the release's codes for a suppressed or unavailable
 * cell: 0 with *v; 1 with *v NaN and *code; -1 when neither. */
static int parse_count(const char *s, double *v, const char **code)
{
    static const char *const codes[] = { "x", "c", "z", ":", "low" };
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    *v = NAN;
    *code = NULL;
    if (n == 0) {
        *code = "empty";
        return 1;
    }
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
        if (strlen(codes[i]) == n && strncmp(s, codes[i], n) == 0) {
            *code = codes[i];
            return 1;
        }
    size_t i = 0, digits = 0;
    for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
        digits++;
    if (i < n && s[i] == '.')
        for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
            digits++;
    if (i != n || digits == 0 || n > 30)
        return -1;
    char buf[32];
    memcpy(buf, s, n);
    buf[n] = '\0';
    *v = strtod(buf, NULL);
    return 0;
}

/* Activity year of a time_period: "2021" is that calendar year, or in a
 * census file January 2021 (activity 2020); "202324" is the academic year
 * whose January census is 2024 (activity 2023). -1 when malformed. */
static int activity_year(const char *s, int census)
{
    size_t n = strlen(s);
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return -1;
    int y;
    if (n == 4) {
        y = atoi(s) - (census ? 1 : 0);
    } else if (n == 6 && census) {
        int first = atoi(s) / 100, second = atoi(s) % 100;
        if ((first + 1) % 100 != second)
            return -1;
        y = first;
    } else {
        return -1;
    }
    return y >= S2_YEAR_MIN && y <= S2_YEAR_MAX ? y : -1;
}

/* ---- one CSV ---- */

enum { C_TIME, C_LEVEL, C_RCODE, C_RNAME, C_OLD, C_NEW, C_NAME, C_BREAKDOWN, C_TYPE, C_GROUP,
       C_NID };
static const char *const id_cols[C_NID] = {
    "time_period", "geographic_level", "region_code", "region_name", "old_la_code",
    "new_la_code", "la_name", "breakdown", "establishment_type", "establishment_group"
};

typedef struct file_read {
    s2_ctx *c;
    const s2_table *t;
    const s2_filespec *spec;
    int file;
    int id[C_NID];
    int val[S2_MAXRAW];     /* column of spec->cols[i] */
} file_read;

static int find_col(const s2_table *t, const char *name)
{
    for (int i = 0; i < t->ncols; i++)
        if (strcmp(t->head[i], name) == 0)
            return i;
    return -1;
}

/* Every column the layout needs; a message naming all that are missing. */
static int check_columns(file_read *f)
{
    char miss[1024];
    size_t used = 0;
    int nmiss = 0;
    miss[0] = '\0';
    for (int i = 0; i < C_NID + f->spec->ncols; i++) {
        const char *name;
        int *col;
        if (i < C_NID) {
            if ((i == C_BREAKDOWN && !f->spec->total)
                || ((i == C_TYPE || i == C_GROUP) && !f->spec->by_establishment)) {
                f->id[i] = -1;
                continue;
            }
            name = id_cols[i];
            col = &f->id[i];
        } else {
            name = f->spec->cols[i - C_NID].column;
            col = &f->val[i - C_NID];
        }
        *col = find_col(f->t, name);
        if (*col >= 0)
            continue;
        int dup = 0;        /* the estab file names Total_all once per group */
        for (int j = C_NID; j < i; j++)
            dup |= strcmp(f->spec->cols[j - C_NID].column, name) == 0;
        if (dup)
            continue;
        int n = snprintf(miss + used, sizeof miss - used, "%s%s", nmiss ? ", " : "", name);
        if (n > 0 && (size_t)n < sizeof miss - used)
            used += (size_t)n;
        nmiss++;
    }
    if (!nmiss)
        return SC_OK;
    return SC_ERROR_AT(f->c->e, f->t->path, 1, 0,
                       "the header lacks the column%s %s, which this file of a SEN2 release "
                       "(%s) must have", nmiss > 1 ? "s" : "", miss, f->spec->name);
}

static int bad_cell(file_read *f, int row, int col, const char *what)
{
    const char *s = s2_cell(f->t, row, col);
    size_t len = strlen(s);
    return SC_ERROR_AT(f->c->e, f->t->path, f->t->line[row], col + 1,
                       "column %s: expected %s, got \"%.*s%s\"", f->t->head[col], what,
                       len > 40 ? 37 : (int)len, s, len > 40 ? "..." : "");
}

static int gather_row(file_read *f, recset *s, int row)
{
    const s2_table *t = f->t;
    s2_ctx *c = f->c;
    const char *level = s2_cell(t, row, f->id[C_LEVEL]);
    int lv;
    if (strcmp(level, "Local authority") == 0)
        lv = S2_LA;
    else if (strcmp(level, "Regional") == 0)
        lv = S2_REGION;
    else
        return SC_OK;       /* National, and any other level */
    if (f->spec->total && strcmp(s2_cell(t, row, f->id[C_BREAKDOWN]), f->spec->total) != 0)
        return SC_OK;
    int want[S2_MAXRAW], nwant = 0;
    for (int i = 0; i < f->spec->ncols; i++) {
        const s2_colspec *cs = &f->spec->cols[i];
        if (cs->type && (strcmp(s2_cell(t, row, f->id[C_TYPE]), cs->type) != 0
                         || strcmp(s2_cell(t, row, f->id[C_GROUP]), cs->group) != 0))
            continue;
        want[nwant++] = i;
    }
    if (!nwant)
        return SC_OK;

    int year = activity_year(s2_cell(t, row, f->id[C_TIME]), f->spec->census);
    if (year < 0)
        return bad_cell(f, row, f->id[C_TIME],
                        f->spec->census ? "a year (2022) or an academic year (202223)"
                                        : "a calendar year (2022)");
    const char *old = s2_cell(t, row, f->id[C_OLD]), *newc = s2_cell(t, row, f->id[C_NEW]);
    const char *name = s2_cell(t, row, f->id[C_NAME]);
    const char *rcode = s2_cell(t, row, f->id[C_RCODE]), *rname = s2_cell(t, row, f->id[C_RNAME]);
    int ent, region = -1, rc;
    if (lv == S2_LA) {
        if (old[0] && (strlen(old) != 3 || strspn(old, "0123456789") != 3))
            return bad_cell(f, row, f->id[C_OLD], "a 3-digit code or an empty cell");
        if (!old[0] && !newc[0])
            return SC_ERROR_AT(c->e, t->path, t->line[row], 0,
                               "a local authority row with neither old_la_code nor new_la_code");
        if ((rcode[0] || rname[0])
            && (rc = s2_entity(c, S2_REGION, "", rcode, rname, rcode, rname, &region)))
            return rc;
        rc = s2_entity(c, S2_LA, old, newc, name, rcode, rname, &ent);
    } else {
        if (!rcode[0] && !rname[0])
            return SC_ERROR_AT(c->e, t->path, t->line[row], 0,
                               "a regional row with neither region_code nor region_name");
        rc = s2_entity(c, S2_REGION, "", rcode, rname, rcode, rname, &ent);
    }
    if (rc)
        return rc;
    s2_rec *r = record(s, ent, year);
    if (!r)
        return s2_nomem(c);
    if (lv == S2_LA)
        r->region = region;
    for (int w = 0; w < nwant; w++) {
        const s2_colspec *cs = &f->spec->cols[want[w]];
        s2_raw *raw = &r->raw[cs->raw];
        int col = f->val[want[w]];
        if (raw->file == f->file)
            return SC_ERROR_AT(c->e, t->path, t->line[row], 0,
                               "a second row for %s, time_period %s%s%s: the first is line %d",
                               lv == S2_LA ? name : rname, s2_cell(t, row, f->id[C_TIME]),
                               cs->type ? ", establishment type " : "", cs->type ? cs->type : "",
                               raw->line);
        if (parse_count(s2_cell(t, row, col), &raw->v, &raw->code) < 0)
            return bad_cell(f, row, col,
                            "a count or a suppression code (x, c, z, :, low or an empty cell)");
        raw->file = f->file;
        raw->line = t->line[row];
    }
    return SC_OK;
}

/* A folder release's manifest line for one file it read: "HEX  data/NAME\n". */
static int add_manifest(char *manifest, size_t cap, const char *name, const char *text,
                        size_t len)
{
    char hex[65];
    sc_sha256_hex(text, len, hex);
    size_t used = strlen(manifest);
    int n = snprintf(manifest + used, cap - used, "%s  data/%s\n", hex, name);
    return n < 0 || (size_t)n >= cap - used ? -1 : 0;
}

static int read_file(s2_ctx *c, const s2_source *src, const s2_filespec *spec, recset *s,
                     char *manifest, size_t mcap)
{
    char *text, *display;
    size_t len;
    int rc = s2_source_read(src, spec->name, &text, &len, &display, c->e);
    if (rc)
        return rc;
    if (!src->zip && add_manifest(manifest, mcap, spec->name, text, len)) {
        sc_free(text);
        sc_free(display);
        return SC_NEVER(c->e);      /* the names are the layouts' own, and short */
    }
    int file = s2_add_file(c, display);
    if (file < 0) {
        sc_free(text);
        return s2_nomem(c);
    }
    s2_table t;
    rc = s2_table_parse(&t, c->files[file], text, len, c->e);
    sc_free(text);
    if (rc)
        return rc;
    file_read f = { .c = c, .t = &t, .spec = spec, .file = file };
    rc = check_columns(&f);
    int totals = 0;
    for (int r = 0; !rc && r < t.nrows; r++) {
        if (spec->total && f.id[C_BREAKDOWN] >= 0
            && strcmp(s2_cell(&t, r, f.id[C_BREAKDOWN]), spec->total) == 0)
            totals++;
        rc = gather_row(&f, s, r);
    }
    if (!rc && spec->total && totals == 0)
        rc = SC_ERROR_AT(c->e, t.path, 0, 0,
                         "no row has the breakdown \"%s\" (the total this file must give)",
                         spec->total);
    s2_table_free(&t);
    return rc;
}

/* ---- one release ---- */

/* "data/a.csv, data/b.csv": the files of l whose present[] is `want`. */
static void list_files(char *buf, size_t cap, const s2_layout *l, const int *present, int want)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < l->nfiles; i++) {
        if (present[i] != want)
            continue;
        int n = snprintf(buf + used, cap - used, "%sdata/%s", used ? ", " : "",
                         l->files[i].name);
        if (n < 0 || (size_t)n >= cap - used)
            return;
        used += (size_t)n;
    }
}

static int pick_layout(s2_ctx *c, const s2_source *src, const s2_layout **out)
{
    int full = -1, nfull = 0;
    int present[S2_MAXFILES];
    char have[512], lack[512];
    for (int i = 0; i < s2_nlayouts; i++) {
        const s2_layout *l = &s2_layouts[i];
        int n = 0;
        for (int k = 0; k < l->nfiles; k++) {
            present[k] = s2_source_has(src, l->files[k].name);
            if (present[k] < 0)
                return s2_nomem(c);
            n += present[k];
        }
        if (n == l->nfiles) {
            full = i;
            nfull++;
        } else if (n > 0) {
            list_files(have, sizeof have, l, present, 1);
            list_files(lack, sizeof lack, l, present, 0);
            return SC_ERROR_AT(c->e, src->path, 0, 0,
                               "has %s of a %s-style SEN2 release but lacks %s", have, l->name,
                               lack);
        }
    }
    if (nfull == 1) {
        *out = &s2_layouts[full];
        return SC_OK;
    }
    if (nfull > 1)
        return SC_ERROR_AT(c->e, src->path, 0, 0,
                           "holds the files of more than one SEN2 release layout: give each "
                           "release on its own");
    for (int k = 0; k < S2_MAXFILES; k++)
        present[k] = 0;
    list_files(have, sizeof have, &s2_layouts[0], present, 0);
    list_files(lack, sizeof lack, &s2_layouts[1], present, 0);
    return SC_ERROR_AT(c->e, src->path, 0, 0,
                       "no SEN2 files: expected %s (a 2022-style release) or %s (2025-style)",
                       have, lack);
}

static int add_obs(s2_ctx *c, const s2_rec *r, int release, int role, const s2_value *v)
{
    if (c->nobs == c->capobs) {
        size_t cap = c->capobs ? 2 * c->capobs : 4096;
        s2_obs *l = sc_realloc(c->obs, cap * sizeof *l);
        if (!l)
            return s2_nomem(c);
        c->obs = l;
        c->capobs = cap;
    }
    c->obs[c->nobs++] = (s2_obs){ .ent = r->ent, .year = r->year, .role = role,
                                  .release = release, .region = r->region, .val = *v };
    return SC_OK;
}

/* The release's fingerprint (s2_release): a zip's own SHA-256, as sha256sum
 * prints it; a folder's, the SHA-256 of its manifest. */
static int fingerprint(s2_ctx *c, const s2_source *src, const char *manifest, s2_release *r)
{
    if (!src->zip) {
        sc_sha256_hex(manifest, strlen(manifest), r->sha256);
        return SC_OK;
    }
    int err = sc_sha256_file(src->path, r->sha256);
    if (err)
        return SC_ERROR_AT(c->e, src->path, 0, 0, "cannot read the zip archive to take its "
                           "SHA-256: %s", strerror(err));
    return SC_OK;
}

int s2_read_release(s2_ctx *c, const char *path, int release)
{
    s2_source src;
    int rc = s2_source_open(&src, path, c->e);
    if (rc)
        return rc;
    const s2_layout *l = NULL;
    recset s = { 0 };
    char manifest[S2_MAXFILES * 160] = "";
    rc = pick_layout(c, &src, &l);
    for (int i = 0; !rc && l && i < l->nfiles; i++)
        rc = read_file(c, &src, &l->files[i], &s, manifest, sizeof manifest);
    if (!rc && l) {
        s2_release *r = &c->rel[release];
        r->layout = l->name;
        rc = fingerprint(c, &src, manifest, r);
    }
    s2_source_close(&src);
    size_t first = c->nobs;
    for (int i = 0; !rc && i < s.n; i++) {
        s2_value v[SC_SEN2_NROLES];
        l->derive(&s.rec[i], v);
        for (int role = 0; !rc && role < SC_SEN2_NROLES; role++)
            if (v[role].file >= 0)
                rc = add_obs(c, &s.rec[i], release, role, &v[role]);
    }
    recset_free(&s);
    if (!rc)
        rc = s2_rule_region(c, first, c->nobs);
    return rc;
}

/* ---- the whole read ---- */

static void ctx_clear(s2_ctx *c)
{
    s2_ents_free(c->ent, c->nent);
    for (size_t i = 0; i < c->nobs; i++)
        sc_free(c->obs[i].reason);
    sc_free(c->obs);
    for (int i = 0; i < c->nfiles; i++)
        sc_free(c->files[i]);
    sc_free(c->files);
    for (int i = 0; i < c->nrel; i++)
        sc_free(c->rel[i].path);
    sc_free(c->rel);
    memset(c, 0, sizeof *c);
}

int sc_sen2_read(const char *const *paths, int npaths, sc_sen2 **out, sc_error *err)
{
    *out = NULL;
    if (npaths < 1 || !paths)
        return SC_ERROR(err, SC_EINPUT, "no SEN2 release given: expected at least one "
                                            "zip or folder");
    s2_ctx c = { .e = err };
    int rc = SC_OK;
    c.rel = sc_calloc((size_t)npaths, sizeof *c.rel);
    if (!c.rel)
        return SC_ERROR(err, SC_ENOMEM, "out of memory while reading the SEN2 releases");
    c.nrel = npaths;
    for (int i = 0; i < npaths; i++)
        if (paths[i] && !(c.rel[i].path = sc_strdup(paths[i]))) {
            ctx_clear(&c);
            return SC_ERROR(err, SC_ENOMEM, "out of memory while reading the SEN2 releases");
        }
    for (int i = 0; !rc && i < npaths; i++) {
        rc = paths[i] ? s2_read_release(&c, paths[i], i)
                      : SC_ERROR(err, SC_EINPUT, "SEN2 release %d of %d: no path given",
                                     i + 1, npaths);
        if (rc == SC_EINPUT || rc == SC_EFAIL)
            SC_CONTEXT(err, "while reading SEN2 release %d of %d, %s", i + 1, npaths,
                          paths[i]);
    }
    if (!rc)
        rc = s2_panel_build(&c, out);
    ctx_clear(&c);
    return rc;
}
