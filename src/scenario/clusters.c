/*
 * clusters.c — areas, clusters, population and placements: who the council's
 * pupils and plans are, where, and at what base-year cost.
 *
 * Areas and clusters come as YAML lists or as CSV files with a column map.
 * What a cluster does not give itself is derived here, so the simulation
 * sees complete numbers: its SEND-support share from the population default,
 * its base-year stock of each non-mainstream placement as a share of the
 * district count (by its mainstream plans, largest remainder, so the shares
 * are whole plans that add up to the district count exactly), and its
 * early-support allowance as a share of the total by pupils.
 */
#include "scn_internal.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sendcast/alloc.h"
#include "sendcast/stats.h"
#include "sendcast/text.h"

static const scn_dom pupils_dom = { 0, SCN_MAX_COUNT, 0, 0, 0, "a number from 0 to 1e9 (pupils)" };
/* A need index is relative to the district's (about 0.5 to 2): 1e10 passed
 * the check and overflowed the counts in the middle of the run, without file
 * and line (issue 17). */
static const scn_dom need_dom = { 0, 100, 1, 0, 0, "a number in (0, 100] (need relative to "
                                  "the district's)" };
/* Requests are forecast per SEND-support pupil: a share of 0 passed and
 * failed later, without file and line (issue 17). */
static const scn_dom share_dom = { 0, 1, 1, 0, 0, "a number in (0, 1] (a share of pupils)" };

/* ---- areas ---- */

static int ids_init(scn_ctx *r, scn_ids *h, const void *base, size_t stride, int n)
{
    size_t size = 16;
    while (size < 2 * (size_t)n)
        size *= 2;
    h->slot = sc_calloc(size, sizeof *h->slot);
    h->mask = size - 1;
    h->base = base;
    h->stride = stride;
    return h->slot ? SC_OK : SCN_NOMEM(r);
}

static size_t ids_hash(const char *id)
{
    uint64_t x = 1469598103934665603u;   /* FNV-1a */
    for (; *id; id++)
        x = (x ^ (unsigned char)*id) * 1099511628211u;
    return (size_t)x;
}

/* The slot of id: where it is, or the empty slot where it would go. */
static size_t ids_slot(const scn_ids *h, const char *id)
{
    size_t i = ids_hash(id) & h->mask;
    while (h->slot[i] && strcmp(h->base + (size_t)(h->slot[i] - 1) * h->stride, id) != 0)
        i = (i + 1) & h->mask;
    return i;
}

/* The index of id among those added; -1 if none. */
static int ids_find(const scn_ids *h, const char *id)
{
    return h->slot ? h->slot[ids_slot(h, id)] - 1 : -1;
}

/* Adds record k (its id is id) unless the id is there: then its index. */
static int ids_add(scn_ids *h, const char *id, int k)
{
    size_t i = ids_slot(h, id);
    if (h->slot[i])
        return h->slot[i] - 1;
    h->slot[i] = k + 1;
    return -1;
}

static int area_index(const scn_ctx *r, const char *id)
{
    return ids_find(&r->area_ids, id);
}

int scn_cluster_index(const scn_ctx *r, const char *id)
{
    return ids_find(&r->cluster_ids, id);
}

static void area_list(const sc_scenario *s, char *buf, size_t cap)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int a = 0; a < s->nareas; a++)
        if (sc_text_append(buf, cap, &used, ", ", s->areas[a].id))
            break;
}

static int alloc_areas(scn_ctx *r, int n)
{
    r->s->areas = sc_calloc((size_t)n, sizeof *r->s->areas);
    if (!r->s->areas)
        return SCN_NOMEM(r);
    return ids_init(r, &r->area_ids, r->s->areas, sizeof *r->s->areas, n);
}

static int areas_from_list(scn_ctx *r, const scn_val *v)
{
    static const scn_key keys[] = { { "id", 1 }, { "name", 0 } };
    int n;
    if (scn_seq_open(r, v, 1, SC_MAX_AREAS, &n) || alloc_areas(r, n))
        return scn_fail(r);
    int *lines = sc_calloc((size_t)n, sizeof *lines);
    if (!lines)
        return SCN_NOMEM(r);
    void *it = NULL;
    int i, rc = SC_OK;
    scn_val item, k[2];
    while (!rc && scn_seq_next(v, &it, &i, &item)) {
        sc_area *a = &r->s->areas[i];
        rc = scn_map(r, &item, keys, 2, k) || scn_id(r, &k[0], a->id, sizeof a->id)
             || (k[1].n && scn_str(r, &k[1], a->name, sizeof a->name));
        if (rc)
            break;
        if (!k[1].n)
            snprintf(a->name, sizeof a->name, "%s", a->id);
        int dup = ids_add(&r->area_ids, a->id, i);
        if (dup >= 0)
            rc = SCN_ERR(r, &k[0], "duplicate area id '%s' (first on line %d)", a->id, lines[dup]);
        lines[i] = k[0].line;
        r->s->nareas++;
    }
    sc_free(lines);
    return rc ? scn_fail(r) : SC_OK;
}

static int areas_from_csv(scn_ctx *r, const scn_val *v)
{
    static const scn_key keys[] = { { "csv", 1 }, { "columns", 1 } };
    static const scn_key ckeys[] = { { "id", 1 }, { "name", 0 } };
    scn_val k[2], ck[2];
    scn_csv *t;
    char id[SC_ID_MAX], name[SC_ID_MAX];
    int icol, ncol = -1;
    if (scn_map(r, v, keys, 2, k) || scn_map(r, &k[1], ckeys, 2, ck)
        || scn_str(r, &ck[0], id, sizeof id) || (ck[1].n && scn_str(r, &ck[1], name, sizeof name))
        || scn_csv_open(r, &k[0], &t) || scn_csv_need(r, &ck[0], t, id, &icol)
        || (ck[1].n && scn_csv_need(r, &ck[1], t, name, &ncol)))
        return scn_fail(r);
    if (t->nrows < 1)
        return SCN_ERR(r, &k[0], "%s has no rows: expected at least one area", t->path);
    if (t->nrows > SC_MAX_AREAS)   /* as a list of areas is (issue 17: there was no cap) */
        return SCN_ERR(r, &k[0], "%s has %d rows: at most %d areas", t->path, t->nrows,
                       SC_MAX_AREAS);
    if (alloc_areas(r, t->nrows))
        return scn_fail(r);
    for (int row = 0; row < t->nrows; row++) {
        sc_area *a = &r->s->areas[row];
        if (scn_csv_text(r, t, row, icol, a->id, sizeof a->id, &ck[0])
            || (ncol >= 0 && scn_csv_text(r, t, row, ncol, a->name, sizeof a->name, &ck[1])))
            return scn_fail(r);
        if (!a->id[0]) {
            SC_ERROR_AT(r->e, t->path, t->line[row], 0, "column %s: expected an area id, got an "
                        "empty cell", t->head[icol]);
            return scn_ref_context(r, &ck[0]);
        }
        if (!a->name[0])
            snprintf(a->name, sizeof a->name, "%s", a->id);
        int dup = ids_add(&r->area_ids, a->id, row);
        if (dup >= 0) {
            SC_ERROR_AT(r->e, t->path, t->line[row], 0, "column %s: duplicate area id '%s' "
                        "(first on line %d)", t->head[icol], a->id, t->line[dup]);
            return scn_ref_context(r, &ck[0]);
        }
        r->s->nareas++;
    }
    return SC_OK;
}

int scn_areas(scn_ctx *r, const scn_val *v)
{
    if (scn_kind(v) == SCN_SEQ)
        return areas_from_list(r, v);
    if (scn_kind(v) == SCN_MAP)
        return areas_from_csv(r, v);
    return SCN_EXPECTED(r, v, "a list of areas ({id, name}) or {csv: FILE, columns: {id: ..., "
                        "name: ...}}");
}

/* ---- clusters ---- */

/* The cluster fields, in the order of the YAML keys and the column map. */
enum { CF_ID, CF_AREA, CF_PUPILS, CF_NEED, CF_BANDS, CF_SS, CF_ES, CF_STOCK, CF_N = CF_STOCK + 5 };

static const scn_key cluster_keys[CF_N] = {
    { "id", 1 }, { "area", 1 }, { "pupils", 1 }, { "need_index", 1 }, { "bands", 1 },
    { "send_support_share", 0 }, { "early_support", 0 }, { "arp", 0 }, { "special", 0 },
    { "independent", 0 }, { "post16", 0 }, { "other", 0 },
};

static const char *const field_name[CF_N] = {
    "clusters.id", "clusters.area", "clusters.pupils", "clusters.need_index", "clusters.bands",
    "clusters.send_support_share", "clusters.early_support", "clusters.arp", "clusters.special",
    "clusters.independent", "clusters.post16", "clusters.other",
};

static const scn_dom *field_dom(int f)
{
    switch (f) {
    case CF_PUPILS:
        return &pupils_dom;
    case CF_NEED:
        return &need_dom;
    case CF_SS:
        return &share_dom;
    case CF_ES:
        return &scn_money;
    default:
        return &scn_count;
    }
}

/* Store an optional number a cluster gave itself. */
static void put_optional(scn_ctx *r, int c, int f, double x)
{
    sc_cluster *cl = &r->s->clusters[c];
    if (f == CF_SS) {
        cl->send_support_share = x;
        r->cgiven[c] |= SCN_HAS_SS;
    } else if (f == CF_ES) {
        cl->early_support = x;
        r->cgiven[c] |= SCN_HAS_ES;
    } else {
        int p = f - CF_STOCK + 1;
        cl->placement_stock[p] = (int64_t)x;
        r->cgiven[c] |= SCN_HAS_STOCK0 << p;
    }
}

static int alloc_clusters(scn_ctx *r, int n)
{
    r->s->clusters = sc_calloc((size_t)n, sizeof *r->s->clusters);
    r->cgiven = sc_calloc((size_t)n, sizeof *r->cgiven);
    r->cline = sc_calloc((size_t)n, sizeof *r->cline);
    if (!r->s->clusters || !r->cgiven || !r->cline)
        return SCN_NOMEM(r);
    return ids_init(r, &r->cluster_ids, r->s->clusters, sizeof *r->s->clusters, n);
}

/* Id and area of cluster c, and that the id is new; at/line for messages. */
static int check_id_area(scn_ctx *r, int c, const char *area, const scn_val *id_at,
                         const scn_val *area_at, const scn_csv *t, int row, int acol)
{
    sc_cluster *cl = &r->s->clusters[c];
    int dup = ids_add(&r->cluster_ids, cl->id, c);
    if (dup >= 0 && dup < c) {
        if (!t)
            return SCN_ERR(r, id_at, "duplicate cluster id '%s' (first on line %d)", cl->id,
                           r->cline[dup]);
        SC_ERROR_AT(r->e, t->path, t->line[row], 0, "duplicate cluster id '%s' (first on line %d)",
                    cl->id, r->cline[dup]);
        return scn_ref_context(r, id_at);
    }
    cl->area = area_index(r, area);
    if (cl->area >= 0)
        return SC_OK;
    char areas[256];
    area_list(r->s, areas, sizeof areas);
    if (!t)
        return SCN_ERR(r, area_at, "unknown area '%s'; the areas are: %s", area, areas);
    SC_ERROR_AT(r->e, t->path, t->line[row], 0, "column %s: unknown area '%s'; the areas are: %s",
                t->head[acol], area, areas);
    return scn_ref_context(r, area_at);
}

/* A list with one entry per band ("band counts", "band columns"). */
static int open_band_list(scn_ctx *r, const scn_val *v, const char *what)
{
    if (scn_kind(v) == SCN_SEQ && fy_node_sequence_item_count(v->n) != r->s->nbands)
        return SCN_ERR(r, v, "expected %d %s, one per band of bands.topup, got %d",
                       r->s->nbands, what, fy_node_sequence_item_count(v->n));
    int n;
    return scn_seq_open(r, v, r->s->nbands, r->s->nbands, &n) ? scn_fail(r) : SC_OK;
}

static int bands_from_list(scn_ctx *r, const scn_val *v, int c)
{
    sc_cluster *cl = &r->s->clusters[c];
    if (open_band_list(r, v, "band counts"))
        return scn_fail(r);
    void *it = NULL;
    int b;
    scn_val item;
    while (scn_seq_next(v, &it, &b, &item)) {
        char name[32];
        double x;
        snprintf(name, sizeof name, "clusters.band%d", b + 1);
        if (scn_number(r, &item, &scn_count, name, cl->id, 0, &x))
            return scn_fail(r);
        cl->band_stock[b] = (int64_t)x;
    }
    return SC_OK;
}

static int cluster_from_yaml(scn_ctx *r, const scn_val *item, int c)
{
    sc_cluster *cl = &r->s->clusters[c];
    scn_val k[CF_N];
    char area[SC_ID_MAX];
    if (scn_map(r, item, cluster_keys, CF_N, k) || scn_id(r, &k[CF_ID], cl->id, sizeof cl->id)
        || scn_id(r, &k[CF_AREA], area, sizeof area)
        || check_id_area(r, c, area, &k[CF_ID], &k[CF_AREA], NULL, 0, 0))
        return scn_fail(r);
    r->cline[c] = k[CF_ID].line;
    if (scn_number(r, &k[CF_PUPILS], &pupils_dom, field_name[CF_PUPILS], cl->id, 0, &cl->pupils)
        || scn_number(r, &k[CF_NEED], &need_dom, field_name[CF_NEED], cl->id, 0,
                      &cl->need_index)
        || bands_from_list(r, &k[CF_BANDS], c))
        return scn_fail(r);
    for (int f = CF_SS; f < CF_N; f++) {
        double x;
        if (!k[f].n)
            continue;
        if (scn_number(r, &k[f], field_dom(f), field_name[f], cl->id, 0, &x))
            return scn_fail(r);
        put_optional(r, c, f, x);
    }
    return SC_OK;
}

static int clusters_from_list(scn_ctx *r, const scn_val *v)
{
    int n;
    if (scn_seq_open(r, v, 1, SCN_MAX_CLUSTERS, &n) || alloc_clusters(r, n))
        return scn_fail(r);
    void *it = NULL;
    int i;
    scn_val item;
    while (scn_seq_next(v, &it, &i, &item)) {
        r->s->nclusters = i + 1;
        if (cluster_from_yaml(r, &item, i))
            return scn_fail(r);
    }
    return SC_OK;
}

/* The column map of a clusters CSV: column index per field, -1 if unmapped. */
typedef struct colmap {
    scn_csv *t;
    int col[CF_N];
    int band[SC_MAX_BANDS];
    scn_val at[CF_N];
    char status[SC_ID_MAX];
} colmap;

static int map_band_columns(scn_ctx *r, colmap *m)
{
    const scn_val *v = &m->at[CF_BANDS];
    if (open_band_list(r, v, "band columns"))
        return scn_fail(r);
    void *it = NULL;
    int b;
    scn_val item;
    while (scn_seq_next(v, &it, &b, &item)) {
        char name[SC_ID_MAX];
        if (scn_str(r, &item, name, sizeof name) || scn_csv_need(r, &item, m->t, name, &m->band[b]))
            return scn_fail(r);
    }
    return SC_OK;
}

static int map_columns(scn_ctx *r, const scn_val *cols, colmap *m)
{
    if (scn_map(r, cols, cluster_keys, CF_N, m->at))
        return scn_fail(r);
    for (int f = 0; f < CF_N; f++) {
        char name[SC_ID_MAX];
        m->col[f] = -1;
        if (f == CF_BANDS || !m->at[f].n)
            continue;
        if (scn_str(r, &m->at[f], name, sizeof name) || scn_csv_need(r, &m->at[f], m->t, name,
                                                                     &m->col[f]))
            return scn_fail(r);
    }
    return map_band_columns(r, m);
}

static int csv_id(scn_ctx *r, const colmap *m, int row, int f, char *buf)
{
    if (scn_csv_text(r, m->t, row, m->col[f], buf, SC_ID_MAX, &m->at[f]))
        return scn_fail(r);
    if (buf[0])
        return SC_OK;
    SC_ERROR_AT(r->e, m->t->path, m->t->line[row], 0, "column %s: expected an id, got an empty "
                "cell", m->t->head[m->col[f]]);
    return scn_ref_context(r, &m->at[f]);
}

static int csv_field(scn_ctx *r, const colmap *m, int row, int col, const scn_val *at,
                     const scn_dom *d, const char *name, const char *id, double *x)
{
    char status[SC_ID_MAX], source[SC_TEXT_MAX];
    if (scn_csv_number(r, m->t, row, col, d, at, x)
        || scn_csv_provenance(r, m->t, row, at, status, source))
        return scn_fail(r);
    return scn_record(r, name, id, 0, *x, m->status[0] ? m->status : status, source);
}

static int cluster_from_row(scn_ctx *r, const colmap *m, int row)
{
    sc_cluster *cl = &r->s->clusters[row];
    char area[SC_ID_MAX];
    if (csv_id(r, m, row, CF_ID, cl->id) || csv_id(r, m, row, CF_AREA, area)
        || check_id_area(r, row, area, &m->at[CF_ID], &m->at[CF_AREA], m->t, row, m->col[CF_AREA]))
        return scn_fail(r);
    r->cline[row] = m->t->line[row];
    if (csv_field(r, m, row, m->col[CF_PUPILS], &m->at[CF_PUPILS], &pupils_dom,
                  field_name[CF_PUPILS], cl->id, &cl->pupils)
        || csv_field(r, m, row, m->col[CF_NEED], &m->at[CF_NEED], &need_dom,
                     field_name[CF_NEED], cl->id, &cl->need_index))
        return scn_fail(r);
    for (int b = 0; b < r->s->nbands; b++) {
        char name[32];
        double x;
        snprintf(name, sizeof name, "clusters.band%d", b + 1);
        if (csv_field(r, m, row, m->band[b], &m->at[CF_BANDS], &scn_count, name, cl->id, &x))
            return scn_fail(r);
        cl->band_stock[b] = (int64_t)x;
    }
    for (int f = CF_SS; f < CF_N; f++) {
        double x;
        /* An empty cell in an optional column: this cluster takes the default. */
        if (m->col[f] < 0 || !m->t->cell[(size_t)row * (size_t)m->t->ncols + (size_t)m->col[f]][0])
            continue;
        if (csv_field(r, m, row, m->col[f], &m->at[f], field_dom(f), field_name[f], cl->id, &x))
            return scn_fail(r);
        put_optional(r, row, f, x);
    }
    return SC_OK;
}

static int clusters_from_csv(scn_ctx *r, const scn_val *v)
{
    static const scn_key keys[] = { { "csv", 1 }, { "status", 0 }, { "columns", 1 } };
    scn_val k[3];
    colmap m;
    memset(&m, 0, sizeof m);
    if (scn_map(r, v, keys, 3, k) || (k[1].n && scn_str(r, &k[1], m.status, sizeof m.status))
        || scn_csv_open(r, &k[0], &m.t) || map_columns(r, &k[2], &m))
        return scn_fail(r);
    if (m.t->nrows < 1)
        return SCN_ERR(r, &k[0], "%s has no rows: expected at least one cluster", m.t->path);
    if (m.t->nrows > SCN_MAX_CLUSTERS)
        return SCN_ERR(r, &k[0], "%s has %d rows: at most %d clusters", m.t->path, m.t->nrows,
                       SCN_MAX_CLUSTERS);
    if (alloc_clusters(r, m.t->nrows))
        return scn_fail(r);
    for (int row = 0; row < m.t->nrows; row++) {
        r->s->nclusters = row + 1;
        if (cluster_from_row(r, &m, row))
            return scn_fail(r);
    }
    return SC_OK;
}

int scn_clusters(scn_ctx *r, const scn_val *v)
{
    int rc;
    if (scn_kind(v) == SCN_SEQ)
        rc = clusters_from_list(r, v);
    else if (scn_kind(v) == SCN_MAP)
        rc = clusters_from_csv(r, v);
    else
        return SCN_EXPECTED(r, v, "a list of clusters or {csv: FILE, columns: {...}}");
    if (rc)
        return rc;
    for (int c = 0; c < r->s->nclusters; c++) {
        sc_cluster *cl = &r->s->clusters[c];
        int64_t sum = 0;
        for (int b = 0; b < r->s->nbands; b++)
            sum += cl->band_stock[b];
        cl->placement_stock[SC_PL_MAINSTREAM] = sum;
    }
    return SC_OK;
}

/* ---- population ---- */

int scn_population(scn_ctx *r, const scn_val *v)
{
    static const scn_key keys[] = { { "pupil_growth", 1 }, { "send_support_share", 0 } };
    scn_val k[2];
    if (scn_map(r, v, keys, 2, k)
        || scn_number(r, &k[0], &scn_growth, "population.pupil_growth", "", 0, &r->s->pupil_growth)
        || (k[1].n && scn_number(r, &k[1], &share_dom, "population.send_support_share", "", 0,
                                 &r->sshare)))
        return scn_fail(r);
    for (int c = 0; c < r->s->nclusters; c++) {
        if (r->cgiven[c] & SCN_HAS_SS)
            continue;
        if (!k[1].n)
            return SCN_ERR(r, v, "missing required key 'send_support_share' (cluster '%s' gives "
                           "no send_support_share of its own)", r->s->clusters[c].id);
        r->s->clusters[c].send_support_share = r->sshare;
    }
    return SC_OK;
}

/* ---- placements and their stock ---- */

/* Share R plans among the k clusters that give no stock of placement p, in
 * proportion to their mainstream plans, by largest remainder (ties to the
 * earlier cluster). R W_c < 1e9 * 1.6e10 fits in 64 bits, so the shares
 * are exact. */
static int largest_remainder(scn_ctx *r, int p, uint64_t R, int k)
{
    sc_scenario *s = r->s;
    uint64_t *w = sc_malloc(2 * (size_t)k * sizeof *w);
    if (!w)
        return SCN_NOMEM(r);
    int n = 0;
    for (int c = 0; c < s->nclusters; c++)
        if (!(r->cgiven[c] & (SCN_HAS_STOCK0 << p)))
            w[n++] = (uint64_t)s->clusters[c].placement_stock[SC_PL_MAINSTREAM];
    int err = sc_stats_largest_remainder(w, (size_t)n, R, w + k);
    for (int c = 0, j = 0; !err && c < s->nclusters; c++)
        if (!(r->cgiven[c] & (SCN_HAS_STOCK0 << p)))
            s->clusters[c].placement_stock[p] = (int64_t)w[k + j++];
    sc_free(w);
    return err == ENOMEM ? SCN_NOMEM(r) : err ? SC_NEVER(r->e) : SC_OK;
}

static int apportion(scn_ctx *r, int p, const scn_val *at)
{
    sc_scenario *s = r->s;
    const char *pn = sc_placement_names[p];
    int64_t own = 0;
    uint64_t W = 0;
    int k = 0;
    for (int c = 0; c < s->nclusters; c++) {
        if (r->cgiven[c] & (SCN_HAS_STOCK0 << p)) {
            own += s->clusters[c].placement_stock[p];
        } else {
            k++;
            W += (uint64_t)s->clusters[c].placement_stock[SC_PL_MAINSTREAM];
        }
    }
    if (isnan(r->dstock[p]))
        return k == 0 ? SC_OK
                      : SCN_ERR(r, at, "missing required key 'stock' (%d clusters give no %s "
                                "stock of their own)", k, pn);
    int64_t total = (int64_t)r->dstock[p];
    if (k == 0 && total != own)
        return SCN_ERR(r, at, "expected the district stock to equal the clusters' own %s stocks, "
                       "which add up to %lld, got %lld", pn, (long long)own, (long long)total);
    if (own > total)
        return SCN_ERR(r, at, "the clusters' own %s stocks add up to %lld, more than the "
                       "district stock %lld", pn, (long long)own, (long long)total);
    uint64_t R = (uint64_t)(total - own);
    if (R == 0 || k == 0)
        return SC_OK;
    if (W == 0)
        return SCN_ERR(r, at, "cannot share %lld %s plans among the clusters by their "
                       "mainstream plans: they have none", (long long)R, pn);
    return largest_remainder(r, p, R, k);
}

/* A placement's unit cost and district stock. The cost is the money: required
 * with bands.topup, refused without (a demand-only scenario has none). */
static int placement(scn_ctx *r, int p, const scn_val *v)
{
    const scn_key keys[] = { { "unit_cost", r->s->has_costs }, { "stock", 0 } };
    scn_val k[2];
    char name[SC_ID_MAX];
    r->dstock[p] = NAN;
    if (scn_map(r, v, keys, 2, k))
        return scn_fail(r);
    if (k[0].n && !r->s->has_costs)
        return SCN_ERR(r, &k[0], "a unit cost needs bands.topup too: the scenario's money is "
                       "both (give bands: {topup: [...]}), or neither in a demand-only "
                       "scenario (leave unit_cost out)");
    snprintf(name, sizeof name, "placements.%s.unit_cost", sc_placement_names[p]);
    if (k[0].n && scn_number(r, &k[0], &scn_money, name, "", 0, &r->s->unit_cost[p]))
        return scn_fail(r);
    snprintf(name, sizeof name, "placements.%s.stock", sc_placement_names[p]);
    if (k[1].n && scn_number(r, &k[1], &scn_count, name, "", 0, &r->dstock[p]))
        return scn_fail(r);
    return apportion(r, p, k[1].n ? &k[1] : v);
}

int scn_placements(scn_ctx *r, const scn_val *v)
{
    scn_key keys[SC_NPLACEMENTS - 1];
    scn_val k[SC_NPLACEMENTS - 1];
    for (int p = 1; p < SC_NPLACEMENTS; p++)
        keys[p - 1] = (scn_key){ sc_placement_names[p], 1 };
    if (scn_map(r, v, keys, SC_NPLACEMENTS - 1, k))
        return scn_fail(r);
    r->s->unit_cost[SC_PL_MAINSTREAM] = 0;      /* mainstream is costed by band */
    for (int p = 1; p < SC_NPLACEMENTS; p++)
        if (placement(r, p, &k[p - 1]))
            return scn_fail(r);
    return SC_OK;
}

/* ---- early support ---- */

int scn_early_support(scn_ctx *r, const scn_val *at)
{
    sc_scenario *s = r->s;
    double pupils = 0;
    for (int c = 0; c < s->nclusters; c++)
        if (!(r->cgiven[c] & SCN_HAS_ES))
            pupils += s->clusters[c].pupils;
    if (r->es_total > 0 && pupils <= 0)
        return SCN_ERR(r, at, "cannot share the early-support total by pupils: the clusters that "
                       "give no early_support of their own have no pupils");
    for (int c = 0; c < s->nclusters; c++)
        if (!(r->cgiven[c] & SCN_HAS_ES))
            s->clusters[c].early_support = pupils > 0 ? r->es_total * s->clusters[c].pupils / pupils
                                                      : 0.0;
    return SC_OK;
}
