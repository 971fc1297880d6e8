/*
 * scenario.c — sc_scenario_read(): the scenario's top level, the order in
 * which its sections are read and resolved, and the scenario's lifetime.
 *
 * Sections are read in dependency order, not file order: the run settings
 * first (base_year and horizon fix the year tables), then areas, bands and
 * clusters (which need both), population, placements, parameters, cluster
 * working and finance. The first problem stops the read and is reported with
 * its place; nothing partial is handed out.
 */
#include "sendcast/scenario.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "scn_internal.h"
#include "sendcast/alloc.h"
#include "sendcast/priors.h"
#include "sendcast/text.h"
#include "sendcast/version.h"

enum {
    K_NAME, K_DESCRIPTION, K_BASE_YEAR, K_HORIZON, K_TRAJECTORIES, K_SEED, K_PERCENTILES,
    K_AREAS, K_CLUSTERS, K_POPULATION, K_BANDS, K_PLACEMENTS, K_PARAMETERS, K_CLUSTER_WORKING,
    K_FINANCE, K_HISTORY, K_MODEL, K_PRIORS, K_LEVERS, K_OUTTURN, K_TARGETS, K_N
};

/* bands, cluster_working and finance are the money: a scenario without them
 * is demand-only (docs/scenario.md). */
static const scn_key top_keys[K_N] = {
    { "name", 1 }, { "description", 0 }, { "base_year", 1 }, { "horizon", 1 },
    { "trajectories", 1 }, { "seed", 1 }, { "percentiles", 0 }, { "areas", 1 },
    { "clusters", 1 }, { "population", 1 }, { "bands", 0 }, { "placements", 1 },
    { "parameters", 1 }, { "cluster_working", 0 }, { "finance", 0 }, { "history", 0 },
    { "model", 0 }, { "priors", 0 }, { "levers", 0 }, { "outturn", 0 },
    { "targets", 0 },
};

#define MAX_TRAJECTORIES (LONG_MAX < 1000000000000LL ? (long long)LONG_MAX : 1000000000000LL)

static const double default_percentiles[] = { 5, 10, 25, 50, 75, 90, 95 };

void scn_ctx_clear(scn_ctx *r)
{
    scn_yaml_close(r);
    scn_edits_clear(r);
    for (int i = 0; i < r->ncsv; i++) {
        scn_csv_free(r->csv[i]);
        sc_free(r->csv[i]);
    }
    sc_free(r->csv);
    sc_free(r->dir);
    sc_free(r->cgiven);
    sc_free(r->cline);
    sc_free(r->area_ids.slot);
    sc_free(r->cluster_ids.slot);
    sc_sen2_free(r->sen2_own);
    memset(r, 0, sizeof *r);
}

void sc_scenario_free(sc_scenario *s)
{
    if (!s)
        return;
    for (int i = 0; i < s->nfiles; i++) {
        sc_free(s->files[i].path);
        sc_free(s->files[i].text);
    }
    sc_free(s->files);
    sc_free(s->path);
    sc_free(s->areas);
    sc_free(s->clusters);
    sc_free(s->cluster_budget);
    sc_free(s->inputs);
    sc_free(s->levers);
    sc_free(s->edits);
    scn_history_free(&s->history);
    sc_free(s->outturn);
    sc_free(s->warning);
    sc_priors_free(s->priors);
    sc_free(s);
}

/* n bytes of p in a new block (NULL for none: p NULL or n 0); *failed set
 * when the block was wanted and not had. */
static void *dup_bytes(const void *p, size_t n, int *failed)
{
    if (!p || n == 0)
        return NULL;
    void *q = sc_malloc(n);
    if (q)
        memcpy(q, p, n);
    else
        *failed = 1;
    return q;
}

static char *dup_text(const char *p, int *failed)
{
    return p ? dup_bytes(p, strlen(p) + 1, failed) : NULL;
}

int sc_scenario_copy(const sc_scenario *s, sc_scenario **out, sc_error *e)
{
    sc_scenario *c = sc_malloc(sizeof *c);
    *out = NULL;
    if (!c)
        return SC_ERROR(e, SC_ENOMEM, "out of memory copying scenario %s", s->name);
    *c = *s;
    int failed = 0;
    const sc_history *h = &s->history;
    size_t ny = h->nyears > 0 ? (size_t)h->nyears : 0;
    c->path = dup_text(s->path, &failed);
    c->areas = dup_bytes(s->areas, (size_t)s->nareas * sizeof *s->areas, &failed);
    c->clusters = dup_bytes(s->clusters, (size_t)s->nclusters * sizeof *s->clusters, &failed);
    c->cluster_budget = dup_bytes(s->cluster_budget, (size_t)(s->horizon + 1)
                                  * (size_t)s->nclusters * sizeof *s->cluster_budget, &failed);
    c->inputs = dup_bytes(s->inputs, (size_t)s->ninputs * sizeof *s->inputs, &failed);
    c->levers = dup_bytes(s->levers, (size_t)s->nlevers * sizeof *s->levers, &failed);
    c->edits = dup_bytes(s->edits, (size_t)s->nedits * sizeof *s->edits, &failed);
    c->outturn = dup_bytes(s->outturn, (size_t)s->noutturn * sizeof *s->outturn, &failed);
    c->warning = dup_bytes(s->warning, (size_t)s->nwarnings * sizeof *s->warning, &failed);
    c->history.year = dup_bytes(h->year, ny * sizeof *h->year, &failed);
    c->history.row_line = dup_bytes(h->row_line, ny * sizeof *h->row_line, &failed);
    c->history.value = dup_bytes(h->value, SC_NHISTORY * ny * sizeof *h->value, &failed);
    c->history.path = dup_text(h->path, &failed);
    c->history.exclude = dup_bytes(h->exclude, (size_t)h->nexclude * sizeof *h->exclude,
                                   &failed);
    c->priors = NULL;
    if (s->priors && sc_priors_copy(s->priors, &c->priors, e))
        failed = 1;
    int nrel = h->sen2.nreleases;
    c->history.sen2.sha256 = dup_bytes(h->sen2.sha256, (size_t)nrel * sizeof *h->sen2.sha256,
                                       &failed);
    c->history.sen2.release = nrel ? sc_calloc((size_t)nrel, sizeof(char *)) : NULL;
    failed |= nrel && !c->history.sen2.release;
    c->history.sen2.nreleases = c->history.sen2.release ? nrel : 0;
    for (int k = 0; k < c->history.sen2.nreleases; k++)
        c->history.sen2.release[k] = dup_text(h->sen2.release[k], &failed);
    c->files = s->nfiles > 0 ? sc_calloc((size_t)s->nfiles, sizeof *c->files) : NULL;
    failed |= s->nfiles > 0 && !c->files;
    c->nfiles = c->files ? s->nfiles : 0;
    for (int i = 0; i < c->nfiles; i++) {
        c->files[i].path = dup_text(s->files[i].path, &failed);
        c->files[i].text = dup_bytes(s->files[i].text, s->files[i].len + 1, &failed);
        c->files[i].len = c->files[i].text ? s->files[i].len : 0;
    }
    if (failed) {
        sc_scenario_free(c);
        return SC_ERROR(e, SC_ENOMEM, "out of memory copying scenario %s", s->name);
    }
    *out = c;
    return SC_OK;
}

double sc_scenario_budget(const sc_scenario *s, int t, int c)
{
    if (t < 0 || t > s->horizon || c < 0 || c >= s->nclusters)
        return NAN;
    return s->cluster_budget[t * s->nclusters + c];
}

double sc_scenario_contingency(const sc_scenario *s, int t, int a)
{
    if (t < 0 || t > s->horizon || a < 0 || a >= s->nareas)
        return NAN;
    double sum = 0;
    for (int c = 0; c < s->nclusters; c++)
        if (s->clusters[c].area == a)
            sum += s->cluster_budget[t * s->nclusters + c];
    return s->contingency_share * sum;
}

/* ---- the run settings ---- */

static int read_name(scn_ctx *r, const scn_val *v)
{
    char *name = r->s->name;
    if (scn_str(r, v, name, sizeof r->s->name))
        return scn_fail(r);
    size_t n = strlen(name);
    if (n == 0 || strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-")
                      != n)
        return SCN_EXPECTED(r, v, "a name of letters, digits, '.', '_' and '-' only (it names "
                            "the result file)");
    return SC_OK;
}

static int read_percentiles(scn_ctx *r, const scn_val *v)
{
    static const scn_dom pct = { 0, 100, 1, 1, 0, "a percentile in (0, 100)" };
    sc_scenario *s = r->s;
    int n;
    if (!v->n) {
        s->npercentiles = (int)(sizeof default_percentiles / sizeof default_percentiles[0]);
        memcpy(s->percentiles, default_percentiles, sizeof default_percentiles);
        return SC_OK;
    }
    if (scn_seq_open(r, v, 1, SC_MAX_PERCENTILES, &n))
        return scn_fail(r);
    void *it = NULL;
    int i;
    scn_val item;
    while (scn_seq_next(v, &it, &i, &item)) {
        if (scn_plain_number(r, &item, &pct, &s->percentiles[i]))
            return scn_fail(r);
        if (i > 0 && !(s->percentiles[i] > s->percentiles[i - 1]))
            return SCN_ERR(r, &item, "expected percentiles in strictly ascending order, got %g "
                           "after %g", s->percentiles[i], s->percentiles[i - 1]);
    }
    s->npercentiles = n;
    /* every output shows the median and the 90% range (fan charts, the
     * workbook, the report): a result without them passed `run` and then
     * failed `export --charts` at its 7th chart, and `report` (issue 17) */
    static const double needed[] = { 5, 50, 95 };
    for (size_t j = 0; j < sizeof needed / sizeof needed[0]; j++) {
        int found = 0;
        for (int q = 0; q < n; q++)
            found |= s->percentiles[q] == needed[j];
        if (!found)
            return SCN_EXPECTED(r, v, "the percentiles to include 5, 50 and 95 (every output "
                                "shows the median and the 90% range)");
    }
    return SC_OK;
}

/* `model:` names the model the scenario is written for: 1 (MODEL.md v1,
 * docs/model-v1.md; the default) or 2 (docs/model.md). It is read first, as
 * it decides which parameters the scenario has. */
static int read_model(scn_ctx *r, const scn_val *v, const scn_val *priors)
{
    long long m = 1;
    if (v->n && scn_int(r, v, 1, 2, &m))
        return scn_fail(r);
    r->s->model = (int)m;
    if (priors->n && m != 2)
        return SCN_ERR(r, priors, "national priors are read by model 2 only; this scenario is "
                       "model 1 (add `model: 2`, docs/model.md)");
    return SC_OK;
}

static int read_settings(scn_ctx *r, const scn_val *k)
{
    sc_scenario *s = r->s;
    long long base, horizon, traj;
    if (read_name(r, &k[K_NAME]) || read_model(r, &k[K_MODEL], &k[K_PRIORS])
        || (k[K_DESCRIPTION].n && scn_str(r, &k[K_DESCRIPTION], s->description,
                                          sizeof s->description))
        || scn_int(r, &k[K_BASE_YEAR], SC_YEAR_MIN, SC_YEAR_MAX, &base)
        || scn_int(r, &k[K_HORIZON], 1, SC_MAX_HORIZON, &horizon)
        || scn_int(r, &k[K_TRAJECTORIES], 1, MAX_TRAJECTORIES, &traj)
        || scn_u64(r, &k[K_SEED], &s->seed) || read_percentiles(r, &k[K_PERCENTILES]))
        return scn_fail(r);
    s->base_year = (int)base;
    s->horizon = (int)horizon;
    s->trajectories = (long)traj;
    return SC_OK;
}

/* Tariffs per plan per year, by band in ascending cost. Without bands: the
 * scenario has no costs, and its mainstream plans are one band. */
static int read_bands(scn_ctx *r, const scn_val *v)
{
    static const scn_key keys[] = { { "topup", 1 } };
    sc_scenario *s = r->s;
    scn_val k[1];
    int n;
    if (!v->n) {
        s->nbands = 1;
        s->topup[0] = 0;
        return SC_OK;
    }
    s->has_costs = 1;
    if (scn_map(r, v, keys, 1, k) || scn_seq_open(r, &k[0], 1, SC_MAX_BANDS, &n))
        return scn_fail(r);
    void *it = NULL;
    int b;
    scn_val item;
    while (scn_seq_next(&k[0], &it, &b, &item)) {
        char band[16];
        snprintf(band, sizeof band, "%d", b + 1);
        if (scn_number(r, &item, &scn_money, "bands.topup", band, 0, &s->topup[b]))
            return scn_fail(r);
        if (b > 0 && s->topup[b] < s->topup[b - 1])
            return SCN_ERR(r, &item, "expected bands in ascending cost, got %g after %g",
                           s->topup[b], s->topup[b - 1]);
    }
    s->nbands = n;
    return SC_OK;
}

static int read_sections(scn_ctx *r)
{
    scn_val k[K_N];
    if (scn_map(r, &r->root, top_keys, K_N, k) || read_settings(r, k)
        || scn_areas(r, &k[K_AREAS]) || read_bands(r, &k[K_BANDS])
        || scn_clusters(r, &k[K_CLUSTERS]) || scn_population(r, &k[K_POPULATION])
        || scn_placements(r, &k[K_PLACEMENTS]) || scn_parameters(r, &k[K_PARAMETERS])
        || scn_cluster_working(r, &k[K_CLUSTER_WORKING]) || scn_finance(r, &k[K_FINANCE])
        || scn_levers(r, &k[K_LEVERS]) || scn_history(r, &k[K_HISTORY]) || scn_priors_file(r, &k[K_PRIORS])
        || scn_history_check_fits(r) || scn_outturn(r, &k[K_OUTTURN])
        || scn_targets(r, &k[K_TARGETS]))
        return scn_fail(r);
    return SC_OK;
}

/* ---- reading ---- */

static int read_scenario_file(scn_ctx *r, const char *path)
{
    sc_scenario *s = r->s;
    char *text;
    size_t len;
    int err = sc_file_read(path, (size_t)SCN_MAX_FILE_BYTES, &text, &len);
    if (err == ENOMEM)
        return SCN_NOMEM(r);
    if (err)
        return SC_ERROR_AT(r->e, path, 0, 0, "cannot read the scenario: %s", sc_file_strerror(err));
    char *copy = sc_strdup(path);
    s->files = sc_calloc(1, sizeof *s->files);
    if (!copy || !s->files) {
        sc_free(copy);
        sc_free(text);
        return SCN_NOMEM(r);
    }
    s->files[0] = (sc_file){ .path = copy, .text = text, .len = len };
    s->nfiles = 1;
    return SC_OK;
}

/* The scenario's folder with its trailing '/', where its CSV paths start. */
static int set_dir(scn_ctx *r, const char *path)
{
    const char *slash = strrchr(path, '/');
    size_t n = slash ? (size_t)(slash - path) + 1 : 0;
    r->dir = sc_malloc(n + 1);
    if (!r->dir)
        return SCN_NOMEM(r);
    memcpy(r->dir, path, n);
    r->dir[n] = '\0';
    return SC_OK;
}

static int read_into(scn_ctx *r, const char *path, const sc_scenario_read_options *o)
{
    sc_scenario *s = r->s;
    for (int t = 0; t <= SC_MAX_HORIZON; t++)
        s->target[t] = s->projection_topup[t] = s->cluster_budget_total[t] = NAN;
    s->path = sc_strdup(path);
    if (!s->path)
        return SCN_NOMEM(r);
    r->file = s->path;
    if (set_dir(r, path) || read_scenario_file(r, path)
        || scn_yaml_open(r, s->files[0].text, s->files[0].len)
        || (o && scn_edits_apply(r, o->edits, o->nedits)) || read_sections(r))
        return scn_fail(r);
    return SC_OK;
}

void sc_scenario_read_options_init(sc_scenario_read_options *o)
{
    memset(o, 0, sizeof *o);
}

int sc_scenario_read(const char *path, sc_scenario **out, sc_error *e)
{
    return sc_scenario_read_with(path, NULL, out, e);
}

int sc_scenario_read_with(const char *path, const sc_scenario_read_options *o,
                          sc_scenario **out, sc_error *e)
{
    sc_error local;
    if (!e)
        e = &local;
    sc_error_clear(e);
    if (!out || !path)
        return SC_ERROR(e, SC_EFAIL, "sc_scenario_read: no path or no result pointer");
    *out = NULL;
    scn_ctx r;
    memset(&r, 0, sizeof r);
    r.e = e;
    r.sen2_given = o ? o->sen2 : NULL;
    r.lenient_years = o ? o->lenient_years : 0;
    r.s = sc_calloc(1, sizeof *r.s);
    if (!r.s)
        return SC_ERROR(e, SC_ENOMEM, "%s: out of memory while reading the scenario", path);
    r.file = path;
    int rc = read_into(&r, path, o);
    sc_scenario *s = r.s;
    scn_ctx_clear(&r);
    if (rc) {
        sc_scenario_free(s);
        return rc;
    }
    *out = s;
    return SC_OK;
}
