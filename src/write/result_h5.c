/*
 * result_h5.c — the HDF5 result file of CONTRACT.md, written whole or not at all.
 *
 * sc_write_h5() writes everything to PATH.tmp.PID in the target's folder
 * (same file system, so the final step is atomic), closes and fsyncs it, and
 * only then puts it in place: with --force by rename(), which replaces any old
 * file atomically; without, by link(), which fails with EEXIST rather than
 * replace a file that appeared since sc_write_check_target() looked. Any
 * failure removes the temporary file, so neither a partial result nor litter
 * is left behind.
 *
 * The layout is CONTRACT.md's; what this writer adds beyond it:
 *   root attribute file_kind = "result" (h5.h: readers check it and
 *     format_version, and refuse another kind of file or a newer format);
 *   root attributes git_revision, libraries, threads, command_line,
 *     percentile_definition, percentile_rank_error, wall_seconds and
 *     scenario_path;
 *   /scenario/text has attribute `path`; the other files the scenario read
 *     are /scenario/files/<n> (n = their index, 1..), each with `path`;
 *   /inputs: the provenance register (the scenario's, then what fitting
 *     added: sc_params_inputs) as parallel datasets of equal length,
 *     name (string), item (the cluster, band or placement a number is for;
 *     "" for district numbers), year (int32, 0 when not by year), value
 *     (float64), status and source (strings) — parallel rather than one compound
 *     dataset because h5py, pandas and h5dump read plain columns directly;
 *   /parameters/<name>: the run's parameters (fitted where the scenario said
 *     `dist: fit`), with attributes status, source and doc; a Poisson
 *     dispersion is written as distribution "fixed", value +inf, with
 *     attribute note "poisson"; a parameter the scenario left out, at its
 *     table default, gets note "default";
 *   /axes/area_name [A] and /axes/cluster_area [C] (the area id of each
 *     cluster);
 *   metric groups and target groups carry attributes unit and doc;
 *   /trajectories/<level>/<metric> and /trajectories/targets/met: some cells
 *     trajectory by trajectory, for paired comparisons, sensitivity and
 *     budgets (write_trajectories);
 *   what the caller adds through sc_write_h5_with (`run`: /draws and
 *     /layers, src/sensitivity/write.c);
 *   /history: where a history read from SEN2 releases came from (write_history);
 *   /outturn/<metric>/{year int32, value float64, status string} [n]: what
 *     the council recorded up to the base year (write_outturn), display only;
 *   /levers/<name> and the root attribute `overrides`: the scenario's own
 *     levers and what --set (or an attribution's grafts) changed, when it has
 *     them (provenance.c: every file made from scenarios carries them).
 * A scenario without money leaves out what it cannot give (sc_layout_applies):
 * no spend metric without costs, no High Needs Block metric and no /targets
 * without finance, no budget or contingency without cluster working; a
 * demand-only scenario's file says so in the root attribute `money`.
 * Strings are variable-length UTF-8 except the verbatim scenario files.
 */
#include "sendcast/write.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "sendcast/h5.h"
#include "sendcast/alloc.h"
#include "sendcast/outfile.h"
#include "sendcast/version.h"
#include "wr_internal.h"

#define PERCENTILE_DEFINITION "Hyndman-Fan type 7 (linear interpolation, numpy default)"

/* ---- the target ------------------------------------------------------ */

int sc_write_check_target(const char *path, int force, const sc_scenario *s, sc_error *e)
{
    /* Only the default results/ folder is made on demand, so a typo in -o
     * never scatters new folders about. */
    struct stat st;
    if (path && !strncmp(path, "results/", 8) && !strchr(path + 8, '/')
        && stat("results", &st) != 0 && errno == ENOENT && mkdir("results", 0777) != 0
        && errno != EEXIST)
        return SC_ERROR(e, SC_EFAIL, "cannot create folder results: %s", strerror(errno));
    /* The scenario's own files (the YAML, its CSVs, the SEN2 releases) are
     * never written over. */
    int n = s ? s->nfiles + s->history.sen2.nreleases : 0;
    const char **inputs = sc_calloc((size_t)(n ? n : 1), sizeof *inputs);
    if (!inputs)
        return SC_ERROR(e, SC_ENOMEM, "out of memory");
    for (int k = 0; s && k < s->nfiles; k++)
        inputs[k] = s->files[k].path;
    for (int k = 0; s && k < s->history.sen2.nreleases; k++)
        inputs[s->nfiles + k] = s->history.sen2.release[k];
    int rc = sc_outfile_check(path, force, inputs, n, e);
    sc_free(inputs);
    return rc;
}

/* ---- root and scenario ---------------------------------------------- */

static int write_root(sc_h5w *w, const sc_scenario *s, const sc_summary *sum,
                      const sc_run_info *run, sc_error *e)
{
    char libs[512];
    sc_version_libraries(libs, sizeof libs);
    int rc = sc_h5_write_kind(w, SC_FILE_RESULT, e);   /* file_kind, format_version */
    if (!rc) rc = sc_h5_attr_string(w, "/", "engine_version", SC_VERSION, e);
    if (!rc) rc = sc_h5_attr_string(w, "/", "model_version", s->model == 2 ? "2" : "1", e);
    if (!rc) rc = sc_h5_attr_string(w, "/", "scenario_name", s->name, e);
    /* what the scenario says it is, for the report's reader: the id alone
     * ("kirklees-no-change-v1") does not say what was assumed */
    if (!rc && s->description[0])
        rc = sc_h5_attr_string(w, "/", "scenario_description", s->description, e);
    if (!rc) rc = sc_h5_attr_string(w, "/", "scenario_sha256", run->scenario_sha256, e);
    if (!rc) rc = sc_h5_attr_uint64(w, "/", "seed", run->seed, e);
    if (!rc) rc = sc_h5_attr_int64(w, "/", "trajectories", sc_summary_trajectories(sum), e);
    if (!rc) rc = sc_h5_attr_int(w, "/", "base_year", s->base_year, e);
    if (!rc) rc = sc_h5_attr_int(w, "/", "horizon", s->horizon, e);
    if (!rc) rc = sc_h5_attr_string(w, "/", "created_utc", run->created_utc, e);
    if (!rc) rc = sc_h5_attr_string(w, "/", "git_revision", SC_GIT_REV, e);
    if (!rc) rc = sc_h5_attr_string(w, "/", "libraries", libs, e);
    if (!rc) rc = sc_h5_attr_int(w, "/", "threads", run->threads, e);
    if (!rc) rc = sc_h5_attr_string(w, "/", "command_line", run->command_line, e);
    if (!rc) rc = sc_h5_attr_string(w, "/", "percentile_definition", PERCENTILE_DEFINITION, e);
    if (!rc) rc = sc_h5_attr_double(w, "/", "percentile_rank_error", sc_summary_rank_error(sum), e);
    if (!rc) rc = sc_h5_attr_double(w, "/", "wall_seconds", run->seconds, e);
    if (!rc) rc = sc_h5_attr_string(w, "/", "scenario_path", s->path, e);
    return rc;
}

/* ---- string columns -------------------------------------------------- */

/* Write n strings found at first, first + stride, ... (fields of a struct
 * array) as one string dataset. */
static int write_strided(sc_h5w *w, const char *path, size_t n, const char *first,
                         size_t stride, sc_error *e)
{
    const char **v = sc_calloc(n, sizeof *v);
    if (!v)
        return SC_ERROR(e, SC_ENOMEM, "out of memory writing %s", path);
    for (size_t k = 0; k < n; k++)
        v[k] = first + k * stride;
    int rc = sc_h5_strings(w, path, n, v, e);
    sc_free(v);
    return rc;
}

/* ---- inputs ---------------------------------------------------------- */

static int write_input_numbers(sc_h5w *w, const sc_input *in, size_t n, sc_error *e)
{
    int32_t *year = sc_calloc(n, sizeof *year);
    double *value = sc_calloc(n, sizeof *value);
    int rc = SC_OK;
    if (!year || !value)
        rc = SC_ERROR(e, SC_ENOMEM, "out of memory writing /inputs");
    for (size_t k = 0; !rc && k < n; k++) {
        year[k] = in[k].year;
        value[k] = in[k].value;
    }
    hsize_t dim = (hsize_t)n;
    if (!rc)
        rc = sc_h5_int32s(w, "/inputs/year", 1, &dim, year, e);
    if (!rc)
        rc = sc_h5_doubles(w, "/inputs/value", 1, &dim, value, e);
    sc_free(year);
    sc_free(value);
    return rc;
}

/* The scenario's register, then the parameters' (what fitting added). */
static int write_inputs(sc_h5w *w, const sc_scenario *s, const sc_params *p, sc_error *e)
{
    size_t ns = s->ninputs > 0 && s->inputs ? (size_t)s->ninputs : 0;
    size_t np = (size_t)sc_params_ninputs(p), n = ns + np;
    sc_input *in = sc_calloc(n ? n : 1, sizeof *in);
    if (!in)
        return SC_ERROR(e, SC_ENOMEM, "out of memory writing /inputs");
    if (ns)
        memcpy(in, s->inputs, ns * sizeof *in);
    if (np)
        memcpy(in + ns, sc_params_inputs(p), np * sizeof *in);
    size_t stride = sizeof(sc_input);
    int rc = sc_h5_group(w, "/inputs", e);
    if (!rc)
        rc = sc_h5_attr_string(w, "/inputs", "doc", "every number the run used, with its "
                               "status and source; parallel columns of equal length", e);
    if (!rc)
        rc = write_strided(w, "/inputs/name", n, n ? in->name : NULL, stride, e);
    if (!rc)
        rc = write_strided(w, "/inputs/item", n, n ? in->item : NULL, stride, e);
    if (!rc)
        rc = write_input_numbers(w, in, n, e);
    if (!rc)
        rc = write_strided(w, "/inputs/status", n, n ? in->status : NULL, stride, e);
    if (!rc)
        rc = write_strided(w, "/inputs/source", n, n ? in->source : NULL, stride, e);
    sc_free(in);
    return rc;
}

/* ---- parameters ------------------------------------------------------ */

static int write_parameters(sc_h5w *w, const sc_scenario *s, const sc_params *p, sc_error *e)
{
    int rc = sc_h5_group(w, "/parameters", e);
    for (int i = 0; !rc && i < SC_NPARAMS; i++) {
        if (!sc_param_in_model(i, s->model))
            continue;
        const sc_param_info *info = &sc_param_table[i];
        const sc_dist *d = sc_params_dist(p, (enum sc_param_id)i);
        char group[WR_PATH_MAX];
        rc = sc_h5_path(group, sizeof group, e, "/parameters/%s", info->name);
        if (!rc) rc = sc_h5_group(w, group, e);
        if (!rc) rc = wr_write_dist(w, group, d, e);
        if (!rc && d->is_default && d->kind == SC_DIST_FIXED)   /* left out: the table's */
            rc = sc_h5_attr_string(w, group, "note", "default", e);
        if (!rc) rc = sc_h5_attr_string(w, group, "status", d->status, e);
        if (!rc) rc = sc_h5_attr_string(w, group, "source", d->source, e);
        if (!rc) rc = sc_h5_attr_string(w, group, "doc", info->doc, e);
        if (!rc && d->fitted_from[0])   /* CONTRACT.md: fitted ones say from what */
            rc = sc_h5_attr_string(w, group, "fitted_from", d->fitted_from, e);
    }
    return rc;
}

/* ---- axes ------------------------------------------------------------ */

static int write_cluster_area(sc_h5w *w, const sc_scenario *s, sc_error *e)
{
    size_t n = (size_t)s->nclusters;
    const char **v = sc_calloc(n, sizeof *v);
    if (!v)
        return SC_ERROR(e, SC_ENOMEM, "out of memory writing /axes/cluster_area");
    int rc = SC_OK;
    for (size_t c = 0; !rc && c < n; c++) {
        int a = s->clusters[c].area;
        if (a < 0 || a >= s->nareas)
            rc = SC_ERROR(e, SC_EFAIL, "cluster %s: area index %d out of range",
                          s->clusters[c].id, a);
        else
            v[c] = s->areas[a].id;
    }
    if (!rc)
        rc = sc_h5_strings(w, "/axes/cluster_area", n, v, e);
    sc_free(v);
    return rc;
}

static int write_axes(sc_h5w *w, const sc_scenario *s, const sc_summary *sum, sc_error *e)
{
    int32_t year[SC_MAX_HORIZON];
    for (int t = 1; t <= s->horizon; t++)
        year[t - 1] = s->base_year + t;
    hsize_t ny = (hsize_t)s->horizon, np = (hsize_t)sc_summary_npercentiles(sum);
    size_t na = (size_t)s->nareas, nc = (size_t)s->nclusters;

    int rc = sc_h5_int32s(w, "/axes/year", 1, &ny, year, e);
    if (!rc)
        rc = write_strided(w, "/axes/cluster", nc, nc ? s->clusters[0].id : NULL,
                           sizeof(sc_cluster), e);
    if (!rc)
        rc = write_strided(w, "/axes/area", na, na ? s->areas[0].id : NULL, sizeof(sc_area), e);
    if (!rc)
        rc = write_strided(w, "/axes/area_name", na, na ? s->areas[0].name : NULL,
                           sizeof(sc_area), e);
    if (!rc)
        rc = write_cluster_area(w, s, e);
    if (!rc)
        rc = sc_h5_doubles(w, "/axes/percentile", 1, &np, sc_summary_percentiles(sum), e);
    return rc;
}

/* ---- metrics and targets --------------------------------------------- */

/* One metric group: mean, sd, mcse [Y] or [Y][U], percentiles [..][P]. The
 * district has no unit axis. */
static int write_metric(sc_h5w *w, const sc_layout *l, const sc_summary *sum,
                        enum sc_level level, int m, sc_error *e)
{
    const sc_metric_info *info = &sc_layout_metrics(level)[m];
    char group[WR_PATH_MAX];
    int rc = sc_h5_path(group, sizeof group, e, "/%s/%s", sc_level_names[level], info->name);
    if (!rc) rc = sc_h5_group(w, group, e);
    if (!rc) rc = sc_h5_attr_string(w, group, "unit", info->unit, e);
    if (!rc) rc = sc_h5_attr_string(w, group, "doc", info->doc, e);

    hsize_t dims[3] = { (hsize_t)l->years, (hsize_t)l->units[level], 0 };
    int rank = level == SC_LEVEL_DISTRICT ? 1 : 2;
    dims[rank] = (hsize_t)sc_summary_npercentiles(sum);
    if (!rc) rc = wr_write_vector(w, group, "mean", rank, dims, sc_summary_mean(sum, level, m), e);
    if (!rc) rc = wr_write_vector(w, group, "sd", rank, dims, sc_summary_sd(sum, level, m), e);
    if (!rc) rc = wr_write_vector(w, group, "mcse", rank, dims, sc_summary_mcse(sum, level, m), e);
    if (!rc)
        rc = wr_write_vector(w, group, "percentiles", rank + 1, dims,
                          sc_summary_pct(sum, level, m), e);
    return rc;
}

/* Every metric the scenario can give (sc_layout_applies): a demand-only
 * scenario's file has no money metric, one without cluster working no budget. */
static int write_levels(sc_h5w *w, const sc_scenario *s, const sc_layout *l,
                        const sc_summary *sum, sc_error *e)
{
    int rc = SC_OK;
    for (int v = 0; !rc && v < SC_NLEVELS; v++)
        for (int m = 0; !rc && m < l->nmetrics[v]; m++)
            if (sc_layout_applies(s, (enum sc_level)v, m))
                rc = write_metric(w, l, sum, (enum sc_level)v, m, e);
    return rc;
}

static int write_targets(sc_h5w *w, const sc_scenario *s, const sc_summary *sum, sc_error *e)
{
    static const char group[] = "/targets/safety_valve_balance";
    double target[SC_MAX_HORIZON];
    for (int t = 1; t <= s->horizon; t++)
        target[t - 1] = s->target[t];
    hsize_t ny = (hsize_t)s->horizon;
    int rc = sc_h5_group(w, group, e);
    if (!rc) rc = sc_h5_attr_string(w, group, "unit", "GBP", e);
    if (!rc)
        rc = sc_h5_attr_string(w, group, "doc", "Safety Valve in-year HNB balance target "
                               "(nominal pounds); met when hnb_balance >= target; p_met is "
                               "P(met) over trajectories, NaN where no target; p_first_breach "
                               "[year] is P(that year's is the first target missed); p_all_met "
                               "is P(every target met), with p_all_met_mcse", e);
    double mcse, all = sc_summary_p_all_met(sum, &mcse);
    if (!rc) rc = wr_write_vector(w, group, "target", 1, &ny, target, e);
    if (!rc) rc = wr_write_vector(w, group, "p_met", 1, &ny, sc_summary_p_met(sum), e);
    if (!rc) rc = wr_write_vector(w, group, "p_met_mcse", 1, &ny, sc_summary_p_met_mcse(sum), e);
    if (!rc) rc = wr_write_vector(w, group, "p_first_breach", 1, &ny, sc_summary_p_first_breach(sum), e);
    if (!rc) rc = wr_write_scalar(w, group, "p_all_met", all, e);
    if (!rc) rc = wr_write_scalar(w, group, "p_all_met_mcse", mcse, e);
    return rc;
}

/* The `targets:` section's, one group each beside the Safety Valve's:
 * target, p_met, p_met_mcse [Y] and p_all_met(_mcse) over its own years. */
static int write_other_targets(sc_h5w *w, const sc_scenario *s, const sc_layout *l,
                               const sc_summary *sum, sc_error *e)
{
    int rc = SC_OK;
    hsize_t ny = (hsize_t)s->horizon;
    for (int k = 0; !rc && k < s->ntargets; k++) {
        const sc_target *g = &s->targets[k];
        const sc_metric_info *info = &sc_district_metrics[g->metric];
        double target[SC_MAX_HORIZON], p[SC_MAX_HORIZON], se[SC_MAX_HORIZON];
        for (int y = 0; y < s->horizon; y++) {
            target[y] = g->value[y + 1];
            p[y] = sc_summary_p_cell(sum, l->xmet_offset + (size_t)k * (size_t)l->years
                                              + (size_t)y, &se[y]);
        }
        double mcse, all = sc_summary_p_cell(sum, l->xall_offset + (size_t)k, &mcse);
        char group[WR_PATH_MAX], doc[512];
        snprintf(doc, sizeof doc, "target on district %s (%s); met in a year when %s %s "
                 "target; p_met is P(met) over trajectories, NaN where no target; p_all_met "
                 "is P(every year's target met), with p_all_met_mcse", info->name, info->unit,
                 info->name, g->at_least ? ">=" : "<=");
        rc = sc_h5_path(group, sizeof group, e, "/targets/%s", g->name);
        if (!rc) rc = sc_h5_group(w, group, e);
        if (!rc) rc = sc_h5_attr_string(w, group, "metric", info->name, e);
        if (!rc) rc = sc_h5_attr_string(w, group, "direction", g->at_least ? "at_least" : "at_most", e);
        if (!rc) rc = sc_h5_attr_string(w, group, "unit", info->unit, e);
        if (!rc) rc = sc_h5_attr_string(w, group, "doc", doc, e);
        if (!rc) rc = wr_write_vector(w, group, "target", 1, &ny, target, e);
        if (!rc) rc = wr_write_vector(w, group, "p_met", 1, &ny, p, e);
        if (!rc) rc = wr_write_vector(w, group, "p_met_mcse", 1, &ny, se, e);
        if (!rc) rc = wr_write_scalar(w, group, "p_all_met", all, e);
        if (!rc) rc = wr_write_scalar(w, group, "p_all_met_mcse", mcse, e);
    }
    return rc;
}

/* ---- outturn ---------------------------------------------------------- */

static int write_outturn(sc_h5w *w, const sc_scenario *s, sc_error *e)
{
    int rc = sc_h5_group(w, "/outturn", e);
    if (!rc)
        rc = sc_h5_attr_string(w, "/outturn", "doc", "what the council recorded up to the "
                               "base year, by district metric, in the metric's unit and sign: "
                               "year, value and status [n], years ascending; drawn leading "
                               "into the metric's fan, never read by the model", e);
    for (int k = 0; !rc && k < s->noutturn; k++) {
        const sc_outturn *o = &s->outturn[k];
        const sc_metric_info *m = &sc_district_metrics[o->metric];
        const char *status[SC_MAX_OUTTURN];
        char g[256], p[272];   /* "/outturn/<metric>" and a member */
        hsize_t n = (hsize_t)o->n;
        for (int i = 0; i < o->n; i++)
            status[i] = o->status[i];
        rc = sc_h5_path(g, sizeof g, e, "/outturn/%s", m->name);
        if (!rc) rc = sc_h5_group(w, g, e);
        if (!rc) rc = sc_h5_attr_string(w, g, "unit", m->unit, e);
        if (!rc) rc = sc_h5_path(p, sizeof p, e, "%s/year", g);
        if (!rc) rc = sc_h5_int32s(w, p, 1, &n, o->year, e);
        if (!rc) rc = sc_h5_path(p, sizeof p, e, "%s/value", g);
        if (!rc) rc = sc_h5_doubles(w, p, 1, &n, o->value, e);
        if (!rc) rc = sc_h5_path(p, sizeof p, e, "%s/status", g);
        if (!rc) rc = sc_h5_strings(w, p, (size_t)o->n, status, e);
    }
    return rc;
}

/* ---- a history read from SEN2 ------------------------------------------- */

/* Where the history came from and what it left out, for a history read from
 * DfE's SEN2 releases (a CSV history is in /scenario/files and its exclude:
 * entries in the scenario text):
 *   /history                attrs source ("sen2"), la_query, la_name,
 *                           la_old_code, la_new_codes, region
 *   /history/releases/{path, sha256}   [R] strings, in the order given
 *   /history/year [Y] int32, /history/<role> [Y] float64 (requests, agreed,
 *                           refused, assessments, plans_issued, plans_ceased,
 *                           plans_open), NaN where missing or left out
 *   /history/exclusions/{year int32, column string, rule int32, value
 *                           float64, reason string} [X]: the cells left out
 *                           of every fit, each with the suspect rule that
 *                           flagged it (sen2.h) and why */
static int write_exclusions(sc_h5w *w, const sc_history *h, sc_error *e)
{
    size_t n = (size_t)h->nexclude;
    int32_t *year = sc_calloc(n ? n : 1, sizeof *year), *rule = sc_calloc(n ? n : 1, sizeof *rule);
    double *value = sc_calloc(n ? n : 1, sizeof *value);
    const char **column = sc_calloc(n ? n : 1, sizeof *column);
    const char **reason = sc_calloc(n ? n : 1, sizeof *reason);
    int rc = year && rule && value && column && reason
                 ? SC_OK : SC_ERROR(e, SC_ENOMEM, "out of memory writing /history");
    for (size_t k = 0; !rc && k < n; k++) {
        const sc_history_exclusion *x = &h->exclude[k];
        year[k] = x->year;
        rule[k] = x->rule;
        value[k] = x->value;
        reason[k] = x->reason;
        column[k] = "all";
        for (int j = 0; j < SC_NHISTORY; j++)
            if (x->columns == (1u << j))
                column[k] = sc_history_roles[j];
    }
    hsize_t dim = (hsize_t)n;
    if (!rc) rc = sc_h5_int32s(w, "/history/exclusions/year", 1, &dim, year, e);
    if (!rc) rc = sc_h5_strings(w, "/history/exclusions/column", n, column, e);
    if (!rc) rc = sc_h5_int32s(w, "/history/exclusions/rule", 1, &dim, rule, e);
    if (!rc) rc = sc_h5_doubles(w, "/history/exclusions/value", 1, &dim, value, e);
    if (!rc) rc = sc_h5_strings(w, "/history/exclusions/reason", n, reason, e);
    sc_free(year);
    sc_free(rule);
    sc_free(value);
    sc_free(column);
    sc_free(reason);
    return rc;
}

static int write_history(sc_h5w *w, const sc_scenario *s, sc_error *e)
{
    const sc_history *h = &s->history;
    const sc_history_sen2 *x = &h->sen2;
    int rc = sc_h5_group(w, "/history", e);
    if (!rc) rc = sc_h5_attr_string(w, "/history", "source", "sen2", e);
    if (!rc)
        rc = sc_h5_attr_string(w, "/history", "doc", "the council's history as read from "
                               "DfE's SEN2 releases (docs/scenario.md, History from SEN2): "
                               "releases with their SHA-256, the council, the yearly values "
                               "(NaN: missing or left out) and the cells left out of every "
                               "fit with the reason", e);
    if (!rc) rc = sc_h5_attr_string(w, "/history", "la_query", x->la_query, e);
    if (!rc) rc = sc_h5_attr_string(w, "/history", "la_name", x->la_name, e);
    if (!rc) rc = sc_h5_attr_string(w, "/history", "la_old_code", x->la_old_code, e);
    if (!rc) rc = sc_h5_attr_string(w, "/history", "la_new_codes", x->la_new_codes, e);
    if (!rc) rc = sc_h5_attr_string(w, "/history", "region", x->region, e);
    const char **sha = sc_calloc((size_t)(x->nreleases ? x->nreleases : 1), sizeof *sha);
    if (!rc && !sha)
        rc = SC_ERROR(e, SC_ENOMEM, "out of memory writing /history");
    for (int k = 0; !rc && k < x->nreleases; k++)
        sha[k] = x->sha256[k];
    if (!rc)
        rc = sc_h5_strings(w, "/history/releases/path", (size_t)x->nreleases,
                           (const char *const *)x->release, e);
    if (!rc)
        rc = sc_h5_strings(w, "/history/releases/sha256", (size_t)x->nreleases, sha, e);
    sc_free(sha);
    hsize_t ny = (hsize_t)h->nyears;
    if (!rc) rc = sc_h5_int32s(w, "/history/year", 1, &ny, h->year, e);
    for (int j = 0; !rc && j < SC_NHISTORY; j++) {
        char path[WR_PATH_MAX];
        if (!h->column[j][0])
            continue;
        rc = sc_h5_path(path, sizeof path, e, "/history/%s", sc_history_roles[j]);
        if (!rc)
            rc = sc_h5_doubles(w, path, 1, &ny, h->value + (size_t)j * (size_t)h->nyears, e);
    }
    if (!rc)
        rc = write_exclusions(w, h, e);
    return rc;
}

/* ---- per-trajectory values -------------------------------------------- */

/* Trajectory by trajectory, the cells `compare` pairs on common random numbers
 * and `report` needs beyond percentiles (P(cluster overspends), bands at any
 * level): /trajectories/<level>/<metric> [N][Y] (district) or [N][Y][U], and
 * /trajectories/targets/met [N][Y] (1 met, 0 missed, NaN no target). Chunked
 * by 1024 trajectories, shuffled and deflated (level 3): zeros and repeated
 * budgets compress well. Only the listed metrics, to keep files small. */
static int write_trajectory_block(sc_h5w *w, const sc_summary *sum, const char *path,
                                  size_t first, int years, int units, int rank, sc_error *e)
{
    long n = sc_summary_trajectories(sum);
    size_t row = (size_t)years * (size_t)units;
    double *v = sc_calloc((size_t)n * row, sizeof *v);
    if (!v)
        return SC_ERROR(e, SC_ENOMEM, "out of memory writing %s", path);
    for (long i = 0; i < n; i++)
        for (size_t k = 0; k < row; k++)
            v[(size_t)i * row + k] = sc_summary_value(sum, i, first + k);
    hsize_t dims[3] = { (hsize_t)n, (hsize_t)years, (hsize_t)units };
    hsize_t chunk[3] = { (hsize_t)(n < 1024 ? n : 1024), (hsize_t)years, (hsize_t)units };
    int rc = sc_h5_doubles_packed(w, path, rank, dims, chunk, 3, v, e);
    sc_free(v);
    return rc;
}

static int write_trajectories(sc_h5w *w, const sc_scenario *s, const sc_layout *l,
                              const sc_summary *sum, sc_error *e)
{
    static const struct { enum sc_level level; int metric; } kept[] = {
        { SC_LEVEL_DISTRICT, SC_D_REQUESTS }, { SC_LEVEL_DISTRICT, SC_D_DIVERTED },
        { SC_LEVEL_DISTRICT, SC_D_NEW_PLANS }, { SC_LEVEL_DISTRICT, SC_D_PLANS_TOTAL },
        { SC_LEVEL_DISTRICT, SC_D_TOPUP_SPEND }, { SC_LEVEL_DISTRICT, SC_D_CLUSTER_SPEND },
        { SC_LEVEL_DISTRICT, SC_D_HNB_SPEND }, { SC_LEVEL_DISTRICT, SC_D_HNB_BALANCE },
        { SC_LEVEL_DISTRICT, SC_D_CUMULATIVE_DEFICIT }, { SC_LEVEL_DISTRICT, SC_D_SV_WITHHELD },
        { SC_LEVEL_DISTRICT, SC_D_CONTINGENCY_USED }, { SC_LEVEL_DISTRICT, SC_D_PRICE_INDEX },
        { SC_LEVEL_AREA, SC_A_CONTINGENCY_USED }, { SC_LEVEL_AREA, SC_A_UNCOVERED_OVERSPEND },
        { SC_LEVEL_CLUSTER, SC_C_OVERSPEND }, { SC_LEVEL_CLUSTER, SC_C_CLUSTER_SPEND },
    };
    int rc = sc_h5_group(w, "/trajectories", e);
    if (!rc)
        rc = sc_h5_attr_string(w, "/trajectories", "doc", "per-trajectory values [trajectory]"
                               "[year] (district) or [trajectory][year][unit], for paired "
                               "comparisons on common random numbers", e);
    for (size_t k = 0; !rc && k < sizeof kept / sizeof kept[0]; k++) {
        char path[WR_PATH_MAX];
        enum sc_level v = kept[k].level;
        if (!sc_layout_applies(s, v, kept[k].metric))
            continue;
        rc = sc_h5_path(path, sizeof path, e, "/trajectories/%s/%s", sc_level_names[v],
                        sc_layout_metrics(v)[kept[k].metric].name);
        if (!rc)
            rc = write_trajectory_block(w, sum, path, sc_layout_block(l, v, kept[k].metric),
                                        l->years, l->units[v],
                                        v == SC_LEVEL_DISTRICT ? 2 : 3, e);
    }
    if (!rc && sc_layout_has_targets(s))
        rc = write_trajectory_block(w, sum, "/trajectories/targets/met", l->target_offset,
                                    l->years, 1, 2, e);
    return rc;
}

/* ---- the whole file -------------------------------------------------- */

/* The inputs must describe the same run; a mismatch is a caller bug. */
static int check_consistent(const sc_scenario *s, const sc_layout *l, const sc_params *p,
                            const sc_summary *sum, const sc_run_info *run, sc_error *e)
{
    if (!sc_params_resolved(p))
        return SC_ERROR(e, SC_EFAIL, "internal: the parameters of %s still have a dist: fit",
                        s->name);
    const sc_layout *sl = sc_summary_layout(sum);
    if (s->horizon < 1 || s->horizon > SC_MAX_HORIZON || sl->years != l->years
        || sl->ncells != l->ncells || sl->units[SC_LEVEL_AREA] != l->units[SC_LEVEL_AREA]
        || sl->units[SC_LEVEL_CLUSTER] != l->units[SC_LEVEL_CLUSTER])
        return SC_ERROR(e, SC_EFAIL, "internal: the summary's layout (%d years, %d areas, %d "
                        "clusters) does not match the scenario (%d, %d, %d)", sl->years,
                        sl->units[SC_LEVEL_AREA], sl->units[SC_LEVEL_CLUSTER],
                        s->horizon, s->nareas, s->nclusters);
    if (run->trajectories != sc_summary_trajectories(sum))
        return SC_ERROR(e, SC_EFAIL, "internal: the run says %ld trajectories, the "
                        "summary holds %ld", run->trajectories,
                        sc_summary_trajectories(sum));
    return SC_OK;
}

static int write_contents(sc_h5w *w, const sc_scenario *s, const sc_layout *l,
                          const sc_params *p, const sc_summary *sum, const sc_run_info *run,
                          sc_error *e)
{
    int rc = write_root(w, s, sum, run, e);
    if (!rc) rc = sc_write_scenario_provenance(w, s, "", e);
    if (!rc) rc = write_inputs(w, s, p, e);
    if (!rc) rc = write_parameters(w, s, p, e);
    if (!rc) rc = write_axes(w, s, sum, e);
    if (!rc) rc = write_levels(w, s, l, sum, e);
    if (!rc && sc_layout_has_targets(s))
        rc = write_targets(w, s, sum, e);
    if (!rc) rc = write_other_targets(w, s, l, sum, e);
    if (!rc && !s->has_costs)
        rc = sc_h5_attr_string(w, "/", "money", "none: a demand-only scenario (no costs, "
                               "finance or cluster working), so no money metric, target or "
                               "budget is in this file", e);
    if (!rc && s->history.from_sen2)
        rc = write_history(w, s, e);
    if (!rc && s->noutturn > 0)
        rc = write_outturn(w, s, e);
    if (!rc && sc_summary_has_records(sum))   /* bounded summaries keep no records */
        rc = write_trajectories(w, s, l, sum, e);
    return rc;
}

/* What sc_h5_write_file's fill() gets: the run's pieces, and what else the
 * caller writes into the same file. */
typedef struct result_parts {
    const sc_scenario *s;
    const sc_layout *l;
    const sc_params *p;
    const sc_summary *sum;
    const sc_run_info *run;
    sc_h5_fill_fn extra;
    const void *extra_ctx;
} result_parts;

static int fill_result(sc_h5w *w, const void *ctx, sc_error *e)
{
    const result_parts *r = ctx;
    int rc = write_contents(w, r->s, r->l, r->p, r->sum, r->run, e);
    if (!rc && r->extra)
        rc = r->extra(w, r->extra_ctx, e);
    return rc;
}

int sc_write_h5_with(const char *path, int force, const sc_scenario *s, const sc_params *p,
                     const sc_summary *sum, const sc_run_info *run, sc_h5_fill_fn extra,
                     const void *extra_ctx, sc_error *e)
{
    sc_layout l;
    sc_layout_init(&l, s);
    int rc = sc_write_check_target(path, force, s, e);
    if (!rc)
        rc = check_consistent(s, &l, p, sum, run, e);
    if (rc)
        return rc;
    const result_parts parts = {s, &l, p, sum, run, extra, extra_ctx};
    return sc_h5_write_file(path, force, fill_result, &parts, e);
}

int sc_write_h5(const char *path, int force, const sc_scenario *s, const sc_params *p,
                const sc_summary *sum, const sc_run_info *run, sc_error *e)
{
    return sc_write_h5_with(path, force, s, p, sum, run, NULL, NULL, e);
}
