/*
 * panel.c — the observations of every release merged into the public panel,
 * its accessors, finding a council by code or name, and freeing.
 *
 * Merging: observations arrive release by release, so applying them in order
 * lets the later release win. A later number replaces whatever was there; a
 * later NaN (suppressed, or no row) replaces only an earlier NaN, so a cell
 * keeps the latest release's word on why it is missing. Each council's
 * series span every activity year any of its rows gave, contiguously (years
 * no row spoke to are NaN, "no row").
 */
#include "s2_internal.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sendcast/alloc.h"


/* ---- building ---- */

typedef struct order {
    const s2_ent *e;
    int ent;
} order;

static const char *first_code(const s2_ent *e)
{
    return e->nnew ? e->new_codes[0] : "";
}

/* Councils by old code, those without one after them by new code; regions
 * by code. */
static int by_code(const void *a, const void *b)
{
    const s2_ent *x = ((const order *)a)->e, *y = ((const order *)b)->e;
    if (!x->old_code[0] != !y->old_code[0])
        return x->old_code[0] ? -1 : 1;
    int d = strcmp(x->old_code, y->old_code);
    if (!d)
        d = strcmp(first_code(x), first_code(y));
    if (!d)
        d = strcmp(x->name ? x->name : "", y->name ? y->name : "");
    return d ? d : ((const order *)a)->ent - ((const order *)b)->ent;
}

static const char *text(const char *s)
{
    return s ? s : "";
}

/* Fill one public record (region or council) for entity t and its years. */
static void make_record(sc_sen2 *p, sc_sen2_la *r, const s2_ent *t, size_t off, int first,
                        int nyears)
{
    r->old_code = t->old_code;
    r->new_codes = (const char *const *)t->new_codes;
    r->nnew_codes = t->nnew;
    r->name = text(t->name);
    r->region_code = t->level == S2_REGION ? first_code(t) : text(t->region_code);
    r->region_name = t->level == S2_REGION ? text(t->name) : text(t->region_name);
    r->first_year = first;
    r->nyears = nyears;
    for (int role = 0; role < SC_SEN2_NROLES; role++) {
        size_t at = off + (size_t)role * (size_t)nyears;
        r->value[role] = p->values + at;
        r->cell[role] = p->cells + at;
    }
}

/* The records in order, their offsets into the blocks, and how big those are. */
static int lay_out(sc_sen2 *p, const int *lo, const int *hi, int *rec_of, size_t *total)
{
    order *o = sc_malloc((size_t)(p->nent ? p->nent : 1) * sizeof *o);
    if (!o)
        return -1;
    *total = 0;
    for (int level = S2_LA; level <= S2_REGION; level++) {
        int n = 0;
        for (int i = 0; i < p->nent; i++)
            if (p->ent[i].level == level && lo[i] <= hi[i])
                o[n++] = (order){ &p->ent[i], i };
        qsort(o, (size_t)n, sizeof *o, by_code);
        sc_sen2_la *recs = sc_calloc((size_t)(n ? n : 1), sizeof *recs);
        size_t *off = sc_calloc((size_t)(n ? n : 1), sizeof *off);
        if (level == S2_LA) {
            p->la = recs;
            p->la_off = off;
            p->nla = recs && off ? n : 0;
        } else {
            p->region = recs;
            p->region_off = off;
            p->nregion = recs && off ? n : 0;
        }
        if (!recs || !off) {
            sc_free(o);
            return -1;
        }
        for (int k = 0; k < n; k++) {
            rec_of[o[k].ent] = k;
            off[k] = *total;
            recs[k].first_year = lo[o[k].ent];
            recs[k].nyears = hi[o[k].ent] - lo[o[k].ent] + 1;
            *total += (size_t)SC_SEN2_NROLES * (size_t)recs[k].nyears;
        }
    }
    sc_free(o);
    return 0;
}

/* Apply one observation to its cell (see the top of the file). */
static void apply(sc_sen2 *p, const int *rec_of, s2_obs *ob)
{
    const s2_ent *t = &p->ent[ob->ent];
    int k = rec_of[ob->ent];
    const sc_sen2_la *r = t->level == S2_LA ? &p->la[k] : &p->region[k];
    size_t off = t->level == S2_LA ? p->la_off[k] : p->region_off[k];
    size_t at = off + (size_t)ob->role * (size_t)r->nyears + (size_t)(ob->year - r->first_year);
    if (!isnan(p->values[at]) && isnan(ob->val.v))
        return;
    sc_sen2_cell *cell = &p->cells[at];
    sc_free((char *)cell->reason);     /* the panel owns its reasons */
    p->values[at] = ob->val.v;
    *cell = (sc_sen2_cell){ .release = ob->release, .file = p->files[ob->val.file],
                            .line = ob->val.line, .missing = ob->val.missing, .rule = ob->rule,
                            .reason = ob->reason };
    ob->reason = NULL;
}

int s2_panel_build(s2_ctx *c, sc_sen2 **out)
{
    *out = NULL;
    sc_sen2 *p = sc_calloc(1, sizeof *p);
    if (!p)
        return s2_nomem(c);
    /* the panel owns the releases, entities and file names from here on */
    p->rel = c->rel;
    p->nrel = c->nrel;
    c->rel = NULL;
    c->nrel = 0;
    p->ent = c->ent;
    p->nent = c->nent;
    p->files = c->files;
    p->nfiles = c->nfiles;
    c->ent = NULL;
    c->nent = c->capent = 0;
    c->files = NULL;
    c->nfiles = c->capfiles = 0;

    int n = p->nent ? p->nent : 1;
    int *lo = sc_malloc((size_t)n * sizeof *lo), *hi = sc_malloc((size_t)n * sizeof *hi);
    int *rec_of = sc_malloc((size_t)n * sizeof *rec_of);
    size_t total = 0;
    int rc = lo && hi && rec_of ? SC_OK : s2_nomem(c);
    for (int i = 0; !rc && i < p->nent; i++) {
        lo[i] = S2_YEAR_MAX + 1;
        hi[i] = S2_YEAR_MIN - 1;
        rec_of[i] = -1;
    }
    for (size_t i = 0; !rc && i < c->nobs; i++) {
        const s2_obs *ob = &c->obs[i];
        if (ob->year < lo[ob->ent])
            lo[ob->ent] = ob->year;
        if (ob->year > hi[ob->ent])
            hi[ob->ent] = ob->year;
    }
    if (!rc && lay_out(p, lo, hi, rec_of, &total))
        rc = s2_nomem(c);
    if (!rc) {
        p->ncells = total;
        p->values = sc_malloc((total ? total : 1) * sizeof *p->values);
        p->cells = sc_calloc(total ? total : 1, sizeof *p->cells);
        if (!p->values || !p->cells)
            rc = s2_nomem(c);
    }
    if (!rc) {
        for (size_t i = 0; i < total; i++) {
            p->values[i] = NAN;
            p->cells[i] = (sc_sen2_cell){ .release = -1, .missing = "no row" };
        }
    }
    for (int i = 0; !rc && i < p->nent; i++)
        if (rec_of[i] >= 0) {
            sc_sen2_la *r = p->ent[i].level == S2_LA ? &p->la[rec_of[i]]
                                                     : &p->region[rec_of[i]];
            make_record(p, r, &p->ent[i],
                        p->ent[i].level == S2_LA ? p->la_off[rec_of[i]]
                                                 : p->region_off[rec_of[i]],
                        r->first_year, r->nyears);
        }
    for (size_t i = 0; !rc && i < c->nobs; i++)
        apply(p, rec_of, &c->obs[i]);
    sc_free(lo);
    sc_free(hi);
    sc_free(rec_of);
    if (!rc)
        rc = s2_rules_panel(p, c->e);
    if (rc) {
        sc_sen2_free(p);
        return rc;
    }
    *out = p;
    return SC_OK;
}

void sc_sen2_free(sc_sen2 *p)
{
    if (!p)
        return;
    s2_ents_free(p->ent, p->nent);
    for (int i = 0; i < p->nrel; i++)
        sc_free(p->rel[i].path);
    sc_free(p->rel);
    for (int i = 0; i < p->nfiles; i++)
        sc_free(p->files[i]);
    sc_free(p->files);
    if (p->cells)
        for (size_t i = 0; i < p->ncells; i++)
            sc_free((char *)p->cells[i].reason);
    sc_free(p->cells);
    sc_free(p->values);
    sc_free(p->la);
    sc_free(p->la_off);
    sc_free(p->region);
    sc_free(p->region_off);
    sc_free(p->lags);
    sc_free(p);
}

/* ---- accessors ---- */

int sc_sen2_release_count(const sc_sen2 *p)
{
    return p ? p->nrel : 0;
}

static const s2_release *release_at(const sc_sen2 *p, int i)
{
    return p && i >= 0 && i < p->nrel ? &p->rel[i] : NULL;
}

const char *sc_sen2_release_path(const sc_sen2 *p, int i)
{
    const s2_release *r = release_at(p, i);
    return r ? r->path : NULL;
}

const char *sc_sen2_release_sha256(const sc_sen2 *p, int i)
{
    const s2_release *r = release_at(p, i);
    return r ? r->sha256 : NULL;
}

const char *sc_sen2_release_layout(const sc_sen2 *p, int i)
{
    const s2_release *r = release_at(p, i);
    return r ? r->layout : NULL;
}

int sc_sen2_la_count(const sc_sen2 *p)
{
    return p ? p->nla : 0;
}

const sc_sen2_la *sc_sen2_la_at(const sc_sen2 *p, int index)
{
    return p && index >= 0 && index < p->nla ? &p->la[index] : NULL;
}

int sc_sen2_region_count(const sc_sen2 *p)
{
    return p ? p->nregion : 0;
}

const sc_sen2_la *sc_sen2_region_at(const sc_sen2 *p, int index)
{
    return p && index >= 0 && index < p->nregion ? &p->region[index] : NULL;
}

double sc_sen2_value(const sc_sen2_la *la, int role, int year)
{
    if (!la || role < 0 || role >= SC_SEN2_NROLES || year < la->first_year
        || year >= la->first_year + la->nyears)
        return NAN;
    return la->value[role][year - la->first_year];
}

const sc_sen2_cell *sc_sen2_cell_at(const sc_sen2_la *la, int role, int year)
{
    if (!la || role < 0 || role >= SC_SEN2_NROLES || year < la->first_year
        || year >= la->first_year + la->nyears)
        return NULL;
    return &la->cell[role][year - la->first_year];
}

int sc_sen2_flag_count(const sc_sen2 *p, int rule)
{
    if (!p || rule < 0 || rule >= SC_SEN2_NRULES)
        return 0;
    if (rule != SC_SEN2_KEPT)
        return p->nflag[rule];
    int n = 0;
    for (int r = 1; r < SC_SEN2_NRULES; r++)
        n += p->nflag[r];
    return n;
}

int sc_sen2_ratio_range(const sc_sen2 *p, int ratio, double *lo, double *hi)
{
    if (!p || ratio < 0 || ratio >= SC_SEN2_NRATIOS) {
        *lo = *hi = NAN;
        return 0;
    }
    *lo = p->range_lo[ratio];
    *hi = p->range_hi[ratio];
    return p->range_n[ratio];
}

int sc_sen2_lag_count(const sc_sen2 *p)
{
    return p ? p->nlags : 0;
}

const sc_sen2_lag *sc_sen2_lag_at(const sc_sen2 *p, int index)
{
    return p && index >= 0 && index < p->nlags ? &p->lags[index] : NULL;
}

/* ---- finding a council ---- */

#define NAME_CAP 64

/* Edit distance between a and b, case-insensitive, each cut at NAME_CAP - 1. */
static int distance(const char *a, const char *b)
{
    int la = (int)strnlen(a, NAME_CAP - 1), lb = (int)strnlen(b, NAME_CAP - 1);
    int prev[NAME_CAP], cur[NAME_CAP];
    for (int j = 0; j <= lb; j++)
        prev[j] = j;
    for (int i = 1; i <= la; i++) {
        cur[0] = i;
        for (int j = 1; j <= lb; j++) {
            int sub = prev[j - 1]
                      + (tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]));
            int del = prev[j] + 1, ins = cur[j - 1] + 1;
            cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
        }
        memcpy(prev, cur, (size_t)(lb + 1) * sizeof *cur);
    }
    return prev[lb];
}

/* Does hay contain needle, case-insensitive? */
static int contains(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    if (!n)
        return 0;
    for (; *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0)
            return 1;
    return 0;
}

/* "835 Dorset (E10000009, 2013-2018)" */
static void describe(const sc_sen2_la *r, char *buf, size_t cap)
{
    const char *code = r->nnew_codes ? r->new_codes[r->nnew_codes - 1] : "";
    snprintf(buf, cap, "%s%s%s (%s%s%d-%d)", r->old_code, r->old_code[0] ? " " : "", r->name,
             code, code[0] ? ", " : "", r->first_year, r->first_year + r->nyears - 1);
}

/* Append ", WHAT" (or "WHAT" first) to buf of capacity cap holding *used. */
static void append(char *buf, size_t cap, size_t *used, const char *what)
{
    int n = snprintf(buf + *used, cap - *used, "%s%s", *used ? ", " : "", what);
    if (n > 0 && (size_t)n < cap - *used)
        *used += (size_t)n;
}

/* How far name is from the query: the edit distance, or at most 1 when one
 * holds the other (3 characters or more). */
static int closeness(const char *q, const char *name)
{
    int d = distance(q, name);
    if (strlen(q) >= 3 && (contains(name, q) || contains(q, name)) && d > 1)
        d = 1;
    return d;
}

static int not_found(const sc_sen2 *p, const char *q, sc_error *err)
{
    enum { MAX_SUGGEST = 4 };
    int best[MAX_SUGGEST], nbest = 0;
    int near = (int)strlen(q) / 3 > 2 ? (int)strlen(q) / 3 : 2;
    for (int d = 0; d <= near && nbest < MAX_SUGGEST; d++)     /* nearest first */
        for (int i = 0; i < p->nla && nbest < MAX_SUGGEST; i++)
            if (closeness(q, p->la[i].name) == d)
                best[nbest++] = i;
    char list[1024], one[160];
    size_t used = 0;
    list[0] = '\0';
    for (int k = 0; k < nbest; k++) {
        describe(&p->la[best[k]], one, sizeof one);
        append(list, sizeof list, &used, one);
    }
    return SC_ERROR(err, SC_EINPUT,
                        "no council \"%s\" in the SEN2 panel (give a 3-digit old code, a "
                        "9-character new code or the name as DfE spells it)%s%s",
                        q, nbest ? "; did you mean " : "", list);
}

int sc_sen2_find(const sc_sen2 *p, const char *la, int *index, sc_error *err)
{
    char q[NAME_CAP * 2];
    if (!p || !la)
        return SC_ERROR(err, SC_EINPUT, "no SEN2 panel or no council given");
    while (*la && isspace((unsigned char)*la))
        la++;
    size_t n = strlen(la);
    while (n && isspace((unsigned char)la[n - 1]))
        n--;
    if (n == 0 || n >= sizeof q)
        return SC_ERROR(err, SC_EINPUT, "expected a council's code or name, got \"%.*s\"",
                            (int)(n < 64 ? n : 64), la);
    memcpy(q, la, n);
    q[n] = '\0';
    int found[8], nfound = 0;
    int digits = n == 3 && strspn(q, "0123456789") == 3;
    for (int i = 0; i < p->nla && nfound < 8; i++) {
        const sc_sen2_la *r = &p->la[i];
        int hit = digits ? strcmp(r->old_code, q) == 0 : strcasecmp(r->name, q) == 0;
        for (int k = 0; !digits && !hit && k < r->nnew_codes; k++)
            hit = strcasecmp(r->new_codes[k], q) == 0;
        if (hit)
            found[nfound++] = i;
    }
    if (nfound == 1) {
        *index = found[0];
        return SC_OK;
    }
    if (nfound == 0)
        return not_found(p, q, err);
    char list[1024], one[160];
    size_t used = 0;
    list[0] = '\0';
    for (int k = 0; k < nfound; k++) {
        describe(&p->la[found[k]], one, sizeof one);
        append(list, sizeof list, &used, one);
    }
    return SC_ERROR(err, SC_EINPUT,
                        "\"%s\" names %d councils in the SEN2 panel: %s; give the old code", q,
                        nfound, list);
}
