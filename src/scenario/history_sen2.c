/*
 * history_sen2.c — a history read from DfE's SEN2 release files (sen2.h):
 *
 *   history:
 *     sen2: [data/sen2/education-health-and-care-plans_2022.zip,
 *            data/sen2/education-health-and-care-plans_2025_to-2023.zip]  # later wins
 *     la: "382"            # old 3-digit code, 9-character new code or the name
 *     status: published    # optional (the default)
 *     exclude: [...]       # optional, as for a CSV history (history.c)
 *
 * The releases are read into a panel (or a panel the caller read already is
 * used: sc_scenario_read_options), the council is found in it, and its
 * series become the history's roles:
 *
 *   requests <- requests        agreed <- agreed          refused <- refused
 *   assessments <- assessments  plans_issued <- new_plans
 *   plans_ceased <- ceased      plans_open <- plans (the January census after the year)
 *
 * (send_support and ramp: SEN2 has neither). Every value is recorded in the
 * provenance register with the release file and line it came from. A cell
 * that a suspect rule flagged becomes an exclusion with the rule and its
 * reason, and is left out of every fit, as an `exclude:` entry is. The
 * releases' paths and SHA-256 and the council's codes, name and region are
 * kept in history.sen2 for the result file (/history).
 */
#define _XOPEN_SOURCE 700      /* realpath() */
#include "scn_internal.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sendcast/alloc.h"
#include "sendcast/text.h"

#define MAX_RELEASES 16

/* History role <- SEN2 role. */
static const struct {
    int role, sen2;
} role_map[] = {
    { SC_H_REQUESTS, SC_SEN2_REQUESTS },       { SC_H_AGREED, SC_SEN2_AGREED },
    { SC_H_REFUSED, SC_SEN2_REFUSED },         { SC_H_ASSESSMENTS, SC_SEN2_ASSESSMENTS },
    { SC_H_PLANS_ISSUED, SC_SEN2_NEW_PLANS },  { SC_H_PLANS_CEASED, SC_SEN2_CEASED },
    { SC_H_PLANS_OPEN, SC_SEN2_PLANS },
};
#define NMAP ((int)(sizeof role_map / sizeof role_map[0]))

/* ---- the releases ---- */

static int add_release(scn_ctx *r, const scn_val *item, sc_history_sen2 *x)
{
    char rel[1024];
    if (scn_str(r, item, rel, sizeof rel))
        return scn_fail(r);
    if (!rel[0])
        return SCN_EXPECTED(r, item, "the path of a SEN2 release (a .zip as DfE publishes it, "
                            "or the folder it unpacks to)");
    const char *dir = rel[0] == '/' ? "" : scn_dir_of(r, item);
    size_t n = strlen(dir) + strlen(rel) + 1;
    char *path = sc_malloc(n);
    if (!path)
        return SCN_NOMEM(r);
    snprintf(path, n, "%s%s", dir, rel);
    x->release[x->nreleases++] = path;
    return SC_OK;
}

/* sen2: one path, or a list of them (later ones win where they overlap). */
static int release_paths(scn_ctx *r, const scn_val *v, sc_history_sen2 *x)
{
    int n = 1;
    if (scn_kind(v) == SCN_SEQ && scn_seq_open(r, v, 1, MAX_RELEASES, &n))
        return scn_fail(r);
    if (scn_kind(v) != SCN_SEQ && scn_kind(v) != SCN_SCALAR)
        return SCN_EXPECTED(r, v, "a SEN2 release's path, or a list of them");
    x->release = sc_calloc((size_t)n, sizeof *x->release);
    x->sha256 = sc_calloc((size_t)n, sizeof *x->sha256);
    if (!x->release || !x->sha256)
        return SCN_NOMEM(r);
    if (scn_kind(v) == SCN_SCALAR)
        return add_release(r, v, x);
    void *it = NULL;
    int k;
    scn_val item;
    while (scn_seq_next(v, &it, &k, &item))
        if (add_release(r, &item, x))
            return scn_fail(r);
    return SC_OK;
}

/* Whether two paths name the same file (both resolve, to one real path). */
static int same_file(const char *a, const char *b)
{
    char ra[PATH_MAX], rb[PATH_MAX];
    return realpath(a, ra) && realpath(b, rb) && strcmp(ra, rb) == 0;
}

/* The panel of the releases: the caller's, when it was read from the same
 * files in the same order; else read here (and freed with the context). */
static int panel_of(scn_ctx *r, const scn_val *v, const sc_history_sen2 *x, const sc_sen2 **out)
{
    const sc_sen2 *p = r->sen2_given;
    if (p) {
        int n = sc_sen2_release_count(p), same = n == x->nreleases;
        for (int k = 0; same && k < n; k++)
            same = same_file(x->release[k], sc_sen2_release_path(p, k));
        if (!same) {
            char given[512], named[512];
            size_t ug = 0, un = 0;
            given[0] = named[0] = '\0';
            for (int k = 0; k < n; k++)
                sc_text_append(given, sizeof given, &ug, ", ", sc_sen2_release_path(p, k));
            for (int k = 0; k < x->nreleases; k++)
                sc_text_append(named, sizeof named, &un, ", ", x->release[k]);
            return SCN_ERR(r, v, "the SEN2 panel handed in was read from %s, not from the "
                           "releases named here (%s): expected the same files in the same order",
                           given, named);
        }
        *out = p;
        return SC_OK;
    }
    int rc = sc_sen2_read((const char *const *)x->release, x->nreleases, &r->sen2_own, r->e);
    if (rc == SC_ENOMEM)
        return rc;
    if (rc) {
        scn_ref_context(r, v);      /* "read for SCENARIO:LINE:COL (history.sen2)" */
        return rc;
    }
    *out = r->sen2_own;
    return SC_OK;
}

/* ---- the council ---- */

static int find_council(scn_ctx *r, const scn_val *v, const sc_sen2 *p, sc_history_sen2 *x,
                        const sc_sen2_la **out)
{
    if (scn_str(r, v, x->la_query, sizeof x->la_query))
        return scn_fail(r);
    sc_error local;
    sc_error_clear(&local);
    int index;
    int rc = sc_sen2_find(p, x->la_query, &index, &local);
    if (rc == SC_ENOMEM)
        return SCN_NOMEM(r);
    if (rc)
        return SCN_ERR(r, v, "%s", local.msg);
    *out = sc_sen2_la_at(p, index);
    return SC_OK;
}

/* The council's codes, name and region, for the result's provenance. */
static int identity(scn_ctx *r, const scn_val *v, const sc_sen2_la *la, sc_history_sen2 *x)
{
    char codes[SC_TEXT_MAX] = "", region[2 * SC_TEXT_MAX];
    size_t used = 0;
    int cut = 0;
    for (int k = 0; k < la->nnew_codes; k++)
        cut |= sc_text_append(codes, sizeof codes, &used, ", ", la->new_codes[k]) != 0;
    snprintf(region, sizeof region, "%s %s", la->region_code ? la->region_code : "",
             la->region_name ? la->region_name : "");
    if (cut || scn_copy(x->la_old_code, sizeof x->la_old_code, la->old_code)
        || scn_copy(x->la_new_codes, sizeof x->la_new_codes, codes)
        || scn_copy(x->la_name, sizeof x->la_name, la->name)
        || scn_copy(x->region, sizeof x->region, region))
        return SCN_ERR(r, v, "the council's codes, name or region are too long to keep");
    return SC_OK;
}

/* ---- the series ---- */

/* "FILE:LINE" of a cell, its head cut (with "...") when too long for a source. */
static void cell_source(const sc_sen2_cell *c, char *buf, size_t cap)
{
    char line[24];
    int nl = snprintf(line, sizeof line, ":%d", c->line);
    size_t nf = strlen(c->file), room = cap - 1 - (size_t)nl;   /* for the file's part */
    const char *from = c->file;
    size_t used = 0;
    if (nf > room) {        /* keep the tail, which names the release's file */
        memcpy(buf, "...", 3);
        used = 3;
        from = c->file + (nf - (room - 3));
        nf = room - 3;
    }
    memcpy(buf + used, from, nf);
    memcpy(buf + used + nf, line, (size_t)nl + 1);
}

static int count_flagged(const sc_sen2_la *la)
{
    int n = 0;
    for (int j = 0; j < NMAP; j++)
        for (int i = 0; i < la->nyears; i++)
            n += la->cell[role_map[j].sen2][i].rule != SC_SEN2_KEPT;
    return n;
}

static int alloc_series(scn_ctx *r, const sc_sen2_la *la)
{
    sc_history *h = &r->s->history;
    size_t n = la->nyears > 0 ? (size_t)la->nyears : 1;
    int nflag = count_flagged(la);
    h->year = sc_calloc(n, sizeof *h->year);
    h->row_line = sc_calloc(n, sizeof *h->row_line);
    h->value = sc_calloc(n * SC_NHISTORY, sizeof *h->value);
    h->exclude = sc_calloc((size_t)(nflag ? nflag : 1), sizeof *h->exclude);
    if (!h->year || !h->row_line || !h->value || !h->exclude)
        return SCN_NOMEM(r);
    return SC_OK;
}

/* One cell of role j in year i: kept (and recorded) or left out (flagged). */
static int take_cell(scn_ctx *r, const sc_sen2_la *la, int j, int i, const char *status)
{
    sc_history *h = &r->s->history;
    int sen2 = role_map[j].sen2, role = role_map[j].role;
    double v = la->value[sen2][i];
    const sc_sen2_cell *c = &la->cell[sen2][i];
    double *slot = &h->value[(size_t)role * (size_t)h->nyears + (size_t)i];
    *slot = NAN;
    if (c->rule != SC_SEN2_KEPT) {
        sc_history_exclusion *x = &h->exclude[h->nexclude++];
        x->year = h->year[i];
        x->columns = 1u << role;
        x->rule = c->rule;
        x->value = v;
        if (scn_copy(x->reason, sizeof x->reason, c->reason ? c->reason : ""))
            snprintf(x->reason, sizeof x->reason, "%.*s...", (int)sizeof x->reason - 4,
                     c->reason);
        return SC_OK;
    }
    if (isnan(v) || !c->file)
        return SC_OK;
    *slot = v;
    char name[SC_ID_MAX], source[SC_TEXT_MAX];
    snprintf(name, sizeof name, "history.%s", sc_history_roles[role]);
    cell_source(c, source, sizeof source);
    return scn_record(r, name, "", h->year[i], v, status, source);
}

static int fill_series(scn_ctx *r, const sc_sen2_la *la, const char *status)
{
    sc_history *h = &r->s->history;
    if (alloc_series(r, la))
        return scn_fail(r);
    h->nyears = la->nyears;
    for (int i = 0; i < la->nyears; i++)
        h->year[i] = la->first_year + i;
    for (int j = 0; j < NMAP; j++) {
        snprintf(h->column[role_map[j].role], SC_ID_MAX, "%s", sc_sen2_role_name(role_map[j].sen2));
        for (int i = 0; i < la->nyears; i++)
            if (take_cell(r, la, j, i, status))
                return scn_fail(r);
    }
    for (int j = 0; j < SC_NHISTORY; j++)     /* roles SEN2 lacks: missing every year */
        if (!h->column[j][0])
            for (int i = 0; i < la->nyears; i++)
                h->value[(size_t)j * (size_t)h->nyears + (size_t)i] = NAN;
    return SC_OK;
}

int scn_history_sen2(scn_ctx *r, const scn_val *k_sen2, const scn_val *k_la, const char *status)
{
    sc_history *h = &r->s->history;
    sc_history_sen2 *x = &h->sen2;
    const sc_sen2 *p = NULL;
    const sc_sen2_la *la = NULL;
    h->from_sen2 = 1;
    if (release_paths(r, k_sen2, x) || panel_of(r, k_sen2, x, &p)
        || find_council(r, k_la, p, x, &la) || identity(r, k_la, la, x))
        return scn_fail(r);
    for (int k = 0; k < x->nreleases; k++)
        snprintf(x->sha256[k], sizeof x->sha256[k], "%s", sc_sen2_release_sha256(p, k));
    char path[SC_TEXT_MAX];
    snprintf(path, sizeof path, "SEN2 %s (%s)", la->name,
             la->old_code[0] ? la->old_code : la->nnew_codes ? la->new_codes[0] : "");
    h->path = sc_strdup(path);
    if (!h->path)
        return SCN_NOMEM(r);
    if (la->nyears < 1)
        return SCN_ERR(r, k_la, "%s has no year in the releases", path);
    return fill_series(r, la, status[0] ? status : "published");
}
