/*
 * test_write.c — the HDF5 result file (src/write/), its atomic placement,
 * and the provenance helpers (sha256, library versions).
 *
 * A small scenario is built by hand (2 areas, 3 clusters, 2 bands, horizon
 * 3) with every kind of parameter distribution, and a summary of five
 * trajectories whose cell c in trajectory i holds c + 0.125 i, so the
 * written means reveal whether each cell landed where CONTRACT.md says. The
 * file is then read back by h5py (the way outside scripts read it) with a
 * checker this program writes beside the file: every CONTRACT path, shape,
 * type and attribute, and non-decreasing percentile rows. The rest proves the
 * "whole or not at all" promise: no replacing without force, replacing with
 * it, clean failures for bad folders, a failure half-way and every
 * allocation failing in turn, with no file at the target and no *.tmp.*
 * left behind.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hdf5.h>

#include "sendcast/library.h"
#include "sendcast/alloc.h"
#include "sendcast/engine.h"
#include "sendcast/fit.h"
#include "sendcast/h5.h"
#include "sendcast/layout.h"
#include "sendcast/params.h"
#include "sendcast/summary.h"
#include "sendcast/version.h"
#include "sendcast/write.h"

#define NTRAJ 5
#define SEED UINT64_C(0xFEDCBA9876543210)

static const char scenario_text[] = "name: fixture\n# gr\xc3\xbc\xc3\x9f" "e\nhorizon: 3\n";
static const char csv_text[] = "year,value\n2023,1.5\n";

typedef struct fixture {
    char dir[64];
    char out[128];
    sc_scenario s;
    sc_area areas[2];
    sc_cluster clusters[3];
    sc_file files[2];
    sc_input inputs[3];
    sc_layout l;
    sc_params *p;
    sc_summary *sum;
    sc_run_info run;
} fixture;

/* The checker, one line per string (ISO C caps a literal's length), run as
 * /usr/bin/python3 check_write.py FILE.h5 EXPECT.txt SCENARIO_SHA256. */
static const char *const checker_py[] = {
    "# Checks a result file written by test_write.c against CONTRACT.md.\n",
    "# argv: FILE.h5 EXPECT.txt SCENARIO_SHA256; EXPECT.txt: \"level metric block units\" lines.\n",
    "import math, sys\n",
    "import h5py, numpy as np\n",
    "path, expect, sha = sys.argv[1], sys.argv[2], sys.argv[3]\n",
    "def need(ok, what):\n",
    "    if not ok:\n",
    "        print('check_write: ' + what, file=sys.stderr)\n",
    "        sys.exit(1)\n",
    "def strs(ds):\n",
    "    return [x.decode() if isinstance(x, bytes) else x for x in ds[()]]\n",
    "def same(a, b):\n",
    "    a, b = np.asarray(a, float), np.asarray(b, float)\n",
    "    return a.shape == b.shape and np.allclose(a, b, rtol=1e-12, atol=1e-12, equal_nan=True)\n",
    "f = h5py.File(path, 'r')\n",
    "a = f.attrs\n",
    "for k in ('format_version engine_version model_version scenario_name scenario_sha256 seed '\n",
    "          'trajectories base_year horizon created_utc git_revision libraries threads '\n",
    "          'command_line percentile_definition').split():\n",
    "    need(k in a, 'root attribute %s missing' % k)\n",
    "need(a['format_version'].dtype.kind == 'i' and a['format_version'] == 1, 'format_version')\n",
    "need(a['seed'].dtype == np.uint64 and int(a['seed']) == 0xFEDCBA9876543210, 'seed')\n",
    "need(int(a['trajectories']) == 5 and a['base_year'] == 2024 and a['horizon'] == 3, 'counts')\n",
    "need(a['threads'] == 4, 'threads')\n",
    "need(a['scenario_name'] == 'fixture' and a['scenario_sha256'] == sha, 'scenario name/sha')\n",
    "need(a['created_utc'] == '2026-11-23T05:00:00Z', 'created_utc')\n",
    "need(a['command_line'] == 'sendcast run fixture.yaml -n 5', 'command_line')\n",
    "need(a['percentile_definition'].startswith('Hyndman-Fan type 7'), 'percentile_definition')\n",
    "need('HDF5 1.' in a['libraries'] and 'nettle' in a['libraries'], 'libraries')\n",
    "text = 'name: fixture\\n# gr\\xfc\\xdfe\\nhorizon: 3\\n'.encode()\n",
    "need(f['scenario/text'][()] == text, 'text')\n",
    "need(f['scenario/text'].attrs['path'] == 'fixture.yaml', 'text path')\n",
    "need(f['scenario/files/1'][()] == b'year,value\\n2023,1.5\\n', 'files/1')\n",
    "need(f['scenario/files/1'].attrs['path'] == 'data/history.csv', 'files/1 path')\n",
    "need(strs(f['inputs/name']) == ['grant', 'grant', 'fixed_lines'], 'inputs/name')\n",
    "need(list(f['inputs/year'][()]) == [1, 2, 0], 'inputs/year')\n",
    "need(same(f['inputs/value'], [1.5e8, 1.6e8, 2.385e7]), 'inputs/value')\n",
    "need(strs(f['inputs/status']) == ['published', 'estimate', 'derived'], 'inputs/status')\n",
    "need(len(strs(f['inputs/source'])) == 3, 'inputs/source')\n",
    "numbers = {'beta': ['a', 'b'], 'normal': ['mean', 'sd'], 'gamma': ['shape', 'scale'],\n",
    "           'dirichlet': ['alpha'], 'bivariate_normal': ['mean', 'cov'], 'fixed': ['value']}\n",
    "for n in ('conversion dispersion damping p_assess p_issue placement_mix band_mix '\n",
    "          'cease_mainstream cease_arp cease_special cease_independent cease_post16 '\n",
    "          'cease_other step_up escalation post16_transfer cluster_effect heterogeneity_cv '\n",
    "          'inflation send_support_drift').split():\n",
    "    g = f['parameters/' + n]\n",
    "    d = g.attrs['distribution']\n",
    "    need(d in numbers, 'parameter %s: distribution %r' % (n, d))\n",
    "    for ds in numbers[d]:\n",
    "        need(ds in g and g[ds].dtype == np.float64, 'parameter %s: %s missing' % (n, ds))\n",
    "    need(g.attrs['status'] == 'illustrative' and g.attrs['source'] == 'test fixture', n)\n",
    "p = f['parameters']\n",
    "need(p['conversion'].attrs['distribution'] == 'bivariate_normal', 'conversion kind')\n",
    "need(same(p['conversion/mean'], [1.2, 3.4]), 'conversion mean')\n",
    "need(same(p['conversion/cov'], [[0.04, 0.01], [0.01, 0.09]]), 'conversion cov')\n",
    "need(p['dispersion/value'][()] == math.inf and p['dispersion'].attrs['note'] == 'poisson',\n",
    "     'dispersion poisson')\n",
    "need(same(p['placement_mix/alpha'], [10, 2, 3, 1, 4, 0.5]), 'placement_mix')\n",
    "need(same(p['band_mix/alpha'], [7.5, 2.5]), 'band_mix')\n",
    "need(p['damping'].attrs['distribution'] == 'beta', 'damping kind')\n",
    "need(p['damping/a'][()] == 2.385, 'damping a')\n",
    "need(p['escalation'].attrs['distribution'] == 'gamma', 'escalation')\n",
    "need(p['inflation'].attrs['distribution'] == 'normal', 'inflation kind')\n",
    "need(p['inflation/sd'][()] == 0.005, 'inflation sd')\n",
    "need(p['send_support_drift'].attrs['note'] == 'default', 'default note')\n",
    "need(p['cease_arp/value'].shape == (), 'fixed scalar')\n",
    "ax = f['axes']\n",
    "need(ax['year'].dtype == np.int32, 'axes/year type')\n",
    "need(list(ax['year'][()]) == [2025, 2026, 2027], 'axes/year')\n",
    "need(strs(ax['cluster']) == ['c1', 'c2', 'c3'], 'axes/cluster')\n",
    "need(strs(ax['area']) == ['north', 'south'], 'axes/area')\n",
    "need(strs(ax['area_name']) == ['North', 'South \\xfc'], 'axes/area_name')\n",
    "need(strs(ax['cluster_area']) == ['north', 'south', 'south'], 'axes/cluster_area')\n",
    "need(ax['percentile'].dtype == np.float64, 'percentile type')\n",
    "need(same(ax['percentile'], [5, 50, 95]), 'percentile')\n",
    "Y, P, nmetrics = 3, 3, 0\n",
    "sd = 0.125 * math.sqrt(2.5)    # values c + 0.125 i, i = 0..4\n",
    "for line in open(expect):\n",
    "    lv, name, block, U = line.split()\n",
    "    block, U = int(block), int(U)\n",
    "    g = f[lv + '/' + name]\n",
    "    nmetrics += 1\n",
    "    need(len(g.attrs['unit']) > 0 and len(g.attrs['doc']) > 0, lv + '/' + name + ' attrs')\n",
    "    shape = (Y,) if lv == 'district' else (Y, U)\n",
    "    for s in ('mean', 'sd', 'mcse'):\n",
    "        need(g[s].shape == shape, '%s/%s/%s shape' % (lv, name, s))\n",
    "        need(g[s].dtype == np.float64, '%s/%s/%s type' % (lv, name, s))\n",
    "    need(g['percentiles'].shape == shape + (P,), lv + '/' + name + ' percentiles shape')\n",
    "    want = block + np.arange(Y * U).reshape(shape) + 0.25\n",
    "    need(same(g['mean'], want), lv + '/' + name + ' mean (layout)')\n",
    "    need(same(g['sd'], np.full(shape, sd)), lv + '/' + name + ' sd')\n",
    "    need(same(g['mcse'], np.full(shape, sd / math.sqrt(5))), lv + '/' + name + ' mcse')\n",
    "    q = g['percentiles'][()]\n",
    "    need(np.all(np.diff(q, axis=-1) >= 0), lv + '/' + name + ' percentiles decrease')\n",
    "    need(same(q[..., 1], want), lv + '/' + name + ' median')\n",
    "need(nmetrics > 40, 'metric list')\n",
    "for lv, names in (('district', 'requests diverted assessments new_plans plans_total '\n",
    "                   'plans_mainstream plans_arp plans_special plans_independent '\n",
    "                   'plans_post16 '\n",
    "                   'plans_other topup_spend early_support_spend hnb_spend hnb_balance '\n",
    "                   'cumulative_deficit'),\n",
    "                  ('cluster', 'requests diverted new_plans plans_mainstream topup_spend '\n",
    "                   'cluster_spend budget_gap'),\n",
    "                  ('area', 'contingency_used uncovered_overspend')):\n",
    "    for n in names.split():\n",
    "        need(n in f[lv], 'CONTRACT metric %s/%s missing' % (lv, n))\n",
    "t = f['targets/safety_valve_balance']\n",
    "need(same(t['target'], [-1e6, math.nan, 0.0]), 'target')\n",
    "need(same(t['p_met'], [0.6, math.nan, 1.0]), 'p_met')\n",
    "need(same(t['p_met_mcse'], [math.sqrt(0.24 / 5), math.nan, 0.0]), 'p_met_mcse')\n",
};

/* ---- the fixture ----------------------------------------------------- */

static void fill_param(sc_dist *d, int id, int nbands)
{
    static const double mix[6] = { 10, 2, 3, 1, 4, 0.5 };
    memset(d, 0, sizeof *d);
    d->dim = 1;
    snprintf(d->status, sizeof d->status, "illustrative");
    snprintf(d->source, sizeof d->source, "test fixture");
    switch (id) {
    case SC_P_CONVERSION:
        d->kind = SC_DIST_BVNORMAL;
        d->dim = 2;
        d->value[0] = 1.2, d->value[1] = 3.4;
        d->cov[0][0] = 0.04, d->cov[0][1] = d->cov[1][0] = 0.01, d->cov[1][1] = 0.09;
        break;
    case SC_P_DISPERSION: d->kind = SC_DIST_POISSON; break;
    case SC_P_PLACEMENT_MIX:
        d->kind = SC_DIST_DIRICHLET;
        d->dim = 6;
        memcpy(d->value, mix, sizeof mix);
        break;
    case SC_P_BAND_MIX:
        d->kind = SC_DIST_DIRICHLET;
        d->dim = nbands;
        d->value[0] = 7.5, d->value[1] = 2.5;
        break;
    case SC_P_DAMPING: case SC_P_ASSESS: case SC_P_ISSUE: case SC_P_STEP_UP:
        d->kind = SC_DIST_BETA;
        d->p[0] = 2.385, d->p[1] = 7.1;
        break;
    case SC_P_ESCALATION: d->kind = SC_DIST_GAMMA, d->p[0] = 2, d->p[1] = 0.01; break;
    case SC_P_INFLATION: d->kind = SC_DIST_NORMAL, d->p[0] = 0.02, d->p[1] = 0.005; break;
    case SC_P_SEND_SUPPORT_DRIFT:   /* left out of the scenario: its table default */
        d->kind = SC_DIST_FIXED, d->is_default = 1;
        d->value[0] = sc_param_table[id].default_value;
        break;
    default: d->kind = SC_DIST_FIXED, d->value[0] = 0.05 * (id + 1); break;
    }
}

static void fill_places(fixture *f)
{
    static const char *const ids[3] = { "c1", "c2", "c3" };
    snprintf(f->areas[0].id, SC_ID_MAX, "north");
    snprintf(f->areas[0].name, SC_TEXT_MAX, "North");
    snprintf(f->areas[1].id, SC_ID_MAX, "south");
    snprintf(f->areas[1].name, SC_TEXT_MAX, "South \xc3\xbc");
    for (int c = 0; c < 3; c++) {
        snprintf(f->clusters[c].id, SC_ID_MAX, "%s", ids[c]);
        f->clusters[c].area = c == 0 ? 0 : 1;
        f->clusters[c].pupils = 5000.0 + c;
    }
    f->s.areas = f->areas;
    f->s.nareas = 2;
    f->s.clusters = f->clusters;
    f->s.nclusters = 3;
}

static void fill_inputs(fixture *f)
{
    static const char *const name[3] = { "grant", "grant", "fixed_lines" };
    static const char *const status[3] = { "published", "estimate", "derived" };
    static const int year[3] = { 1, 2, 0 };
    static const double value[3] = { 1.5e8, 1.6e8, 2.385e7 };
    for (int k = 0; k < 3; k++) {
        snprintf(f->inputs[k].name, SC_ID_MAX, "%s", name[k]);
        snprintf(f->inputs[k].status, SC_ID_MAX, "%s", status[k]);
        snprintf(f->inputs[k].source, SC_TEXT_MAX, "DfE table %d", k);
        f->inputs[k].year = year[k];
        f->inputs[k].value = value[k];
    }
    f->s.inputs = f->inputs;
    f->s.ninputs = 3;
}

static void fill_scenario(fixture *f)
{
    sc_scenario *s = &f->s;
    snprintf(s->name, sizeof s->name, "fixture");
    s->path = (char *)"fixture.yaml";
    f->files[0] = (sc_file){ (char *)"fixture.yaml", (char *)scenario_text,
                             sizeof scenario_text - 1 };
    f->files[1] = (sc_file){ (char *)"data/history.csv", (char *)csv_text, sizeof csv_text - 1 };
    s->files = f->files;
    s->nfiles = 2;
    s->base_year = 2024;
    s->horizon = 3;
    s->trajectories = NTRAJ;
    s->seed = SEED;
    s->npercentiles = 3;
    s->percentiles[0] = 5, s->percentiles[1] = 50, s->percentiles[2] = 95;
    s->nbands = 2;
    s->has_costs = s->has_finance = s->has_cluster_working = 1;
    fill_places(f);
    fill_inputs(f);
    for (int i = 0; i < SC_NPARAMS; i++)
        fill_param(&s->param[i], i, s->nbands);
    for (int t = 0; t <= SC_MAX_HORIZON; t++)
        s->target[t] = NAN;
    s->target[1] = -1e6;
    s->target[3] = 0.0;
}

/* Cell c of trajectory i = c + 0.125 i; Safety Valve met in 3 of 5 in year
 * 1, no target in year 2, always met in year 3. */
static int fill_summary(fixture *f)
{
    static const double met1[NTRAJ] = { 1, 0, 1, 1, 0 };
    sc_error e;
    sc_error_clear(&e);
    sc_layout_init(&f->l, &f->s);
    if (sc_summary_alloc(&f->l, NTRAJ, f->s.npercentiles, f->s.percentiles, &f->sum, &e))
        return -1;
    double *cells = calloc(f->l.ncells, sizeof *cells);
    if (!cells)
        return -1;
    for (long i = 0; i < NTRAJ; i++) {
        for (size_t c = 0; c < f->l.target_offset; c++)
            cells[c] = (double)c + 0.125 * (double)i;
        cells[f->l.target_offset] = met1[i];
        cells[f->l.target_offset + 1] = NAN;
        cells[f->l.target_offset + 2] = 1.0;
        sc_summary_store(f->sum, i, cells);
    }
    free(cells);
    return sc_summary_compute(f->sum, &e);
}

static void fill_run(fixture *f)
{
    f->run.seed = SEED;
    f->run.trajectories = NTRAJ;
    f->run.threads = 4;
    f->run.seconds = 1.5;
    snprintf(f->run.created_utc, sizeof f->run.created_utc, "2026-11-23T05:00:00Z");
    snprintf(f->run.command_line, sizeof f->run.command_line, "sendcast run fixture.yaml -n 5");
    sc_sha256_hex(scenario_text, sizeof scenario_text - 1, f->run.scenario_sha256);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    snprintf(f->dir, sizeof f->dir, "/tmp/sc_test_write.XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->out, sizeof f->out, "%s/out.h5", f->dir);
    fill_scenario(f);
    fill_run(f);
    *state = f;
    sc_error e;
    if (sc_params_alloc(&f->s, &f->p, &e))
        return -1;
    return fill_summary(f);
}

static int teardown(void **state)
{
    fixture *f = *state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    int rc = system(cmd);
    sc_summary_free(f->sum);
    sc_params_free(f->p);
    free(f);
    return rc;
}

/* ---- helpers --------------------------------------------------------- */

static int write_out(fixture *f, const char *path, int force, sc_error *e)
{
    sc_error_clear(e);
    return sc_write_h5(path, force, &f->s, f->p, f->sum, &f->run, e);
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* No PATH.tmp.PID anywhere in dir (one level down too: results/). */
static void assert_no_temp_files(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *ent;
    while ((ent = readdir(d)) != NULL) {
        if (strstr(ent->d_name, ".tmp."))
            fail_msg("temporary file %s/%s left behind", dir, ent->d_name);
        if (strcmp(ent->d_name, "results") == 0) {
            char sub[256];
            snprintf(sub, sizeof sub, "%s/results", dir);
            assert_no_temp_files(sub);
        }
    }
    closedir(d);
}

static void write_text_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

static void assert_file_text(const char *path, const char *text)
{
    char buf[256] = "";
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    size_t n = fread(buf, 1, sizeof buf - 1, fp);
    fclose(fp);
    buf[n] = '\0';
    assert_string_equal(buf, text);
}

/* Level, metric, first cell and unit count of every metric, for the checker. */
static void write_expect(const fixture *f, const char *path)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    for (int v = 0; v < SC_NLEVELS; v++) {
        const sc_metric_info *m = sc_layout_metrics((enum sc_level)v);
        for (int k = 0; k < f->l.nmetrics[v]; k++)
            fprintf(fp, "%s %s %zu %d\n", sc_level_names[v], m[k].name,
                    sc_layout_block(&f->l, (enum sc_level)v, k), f->l.units[v]);
    }
    fclose(fp);
}

static void run_checker(const fixture *f, const char *h5)
{
    char script[128], expect[128], cmd[512];
    snprintf(script, sizeof script, "%s/check_write.py", f->dir);
    snprintf(expect, sizeof expect, "%s/expect.txt", f->dir);
    FILE *fp = fopen(script, "w");
    assert_non_null(fp);
    for (size_t k = 0; k < sizeof checker_py / sizeof *checker_py; k++)
        fputs(checker_py[k], fp);
    fclose(fp);
    write_expect(f, expect);
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 '%s' '%s' '%s' '%s'", script, h5, expect,
             f->run.scenario_sha256);
    assert_int_equal(system(cmd), 0);
}

/* ---- the file -------------------------------------------------------- */

static void test_contract_layout(void **state)
{
    fixture *f = *state;
    sc_error e;
    int rc = write_out(f, f->out, 0, &e);
    if (rc)
        fail_msg("sc_write_h5: %s", e.msg);
    assert_true(H5Fis_hdf5(f->out) > 0);
    run_checker(f, f->out);
    assert_no_temp_files(f->dir);
}

static void attr_text(hid_t file, const char *obj, const char *name, char *buf, size_t size);

static int h5_has(hid_t file, const char *path)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = strchr(buf + 1, '/');; p = strchr(p + 1, '/')) {
        if (p)
            *p = '\0';
        if (H5Lexists(file, buf, H5P_DEFAULT) <= 0)
            return 0;
        if (!p)
            return 1;
        *p = '/';
    }
}

/* What a scenario leaves out, its file leaves out: a demand-only one has no
 * money metric, no target and says so; one without cluster working has no
 * budget; with finance but no targets' sections all else stays. */
static void test_sections_left_out(void **state)
{
    fixture *f = *state;
    sc_error e;
    f->s.has_costs = f->s.has_finance = f->s.has_cluster_working = 0;
    if (write_out(f, f->out, 0, &e))
        fail_msg("sc_write_h5: %s", e.msg);
    hid_t h = H5Fopen(f->out, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(h >= 0);
    static const char *const kept[] = {
        "/district/requests/mean", "/district/new_plans/percentiles", "/district/plans_total/sd",
        "/district/assessments/mcse", "/district/ceased/mean", "/district/plans_special/mean",
        "/area/requests/mean", "/cluster/plans_total/mean", "/trajectories/district/requests",
        "/trajectories/district/plans_total", "/inputs/name", "/parameters/conversion" };
    static const char *const gone[] = {
        "/district/hnb_spend", "/district/topup_spend", "/district/cumulative_deficit",
        "/district/budget_gap", "/area/contingency", "/cluster/overspend", "/cluster/topup_spend",
        "/targets", "/trajectories/district/hnb_spend", "/trajectories/targets",
        "/trajectories/cluster/overspend", "/history" };
    for (size_t k = 0; k < sizeof kept / sizeof kept[0]; k++)
        if (!h5_has(h, kept[k]))
            fail_msg("a demand-only file lacks %s", kept[k]);
    for (size_t k = 0; k < sizeof gone / sizeof gone[0]; k++)
        if (h5_has(h, gone[k]))
            fail_msg("a demand-only file has %s", gone[k]);
    char money[256];
    attr_text(h, "/", "money", money, sizeof money);
    assert_non_null(strstr(money, "demand-only"));
    H5Fclose(h);
    /* costs and finance, no cluster working: spend and targets, no budgets */
    f->s.has_costs = f->s.has_finance = 1;
    assert_int_equal(write_out(f, f->out, 1, &e), SC_OK);
    h = H5Fopen(f->out, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(h5_has(h, "/district/hnb_spend/mean") && h5_has(h, "/district/topup_spend/mean"));
    assert_true(h5_has(h, "/targets/safety_valve_balance/p_met"));
    assert_false(h5_has(h, "/district/budget_gap") || h5_has(h, "/cluster/budget"));
    assert_true(H5Aexists(h, "money") == 0);
    H5Fclose(h);
}

/* ---- placing the file ------------------------------------------------ */

static void test_refuses_existing(void **state)
{
    fixture *f = *state;
    sc_error e;
    write_text_file(f->out, "an older result\n");
    sc_error_clear(&e);
    assert_int_equal(sc_write_check_target(f->out, 0, NULL, &e), SC_EEXIST);
    assert_non_null(strstr(e.msg, "--force"));
    assert_int_equal(write_out(f, f->out, 0, &e), SC_EEXIST);
    assert_non_null(strstr(e.msg, "--force"));
    assert_int_equal(sc_error_exit_code(&e), 2);
    assert_file_text(f->out, "an older result\n");
    assert_no_temp_files(f->dir);
}

static void test_force_replaces(void **state)
{
    fixture *f = *state;
    sc_error e;
    write_text_file(f->out, "an older result\n");
    sc_error_clear(&e);
    assert_int_equal(sc_write_check_target(f->out, 1, NULL, &e), SC_OK);
    assert_int_equal(write_out(f, f->out, 1, &e), SC_OK);
    assert_true(H5Fis_hdf5(f->out) > 0);
    assert_no_temp_files(f->dir);
}

static void test_missing_folder(void **state)
{
    fixture *f = *state;
    sc_error e;
    char path[256], folder[128];
    snprintf(folder, sizeof folder, "%s/nope", f->dir);
    snprintf(path, sizeof path, "%s/x.h5", folder);
    sc_error_clear(&e);
    assert_int_equal(sc_write_check_target(path, 1, NULL, &e), SC_EFAIL);
    assert_non_null(strstr(e.msg, "does not exist"));
    assert_int_equal(write_out(f, path, 1, &e), SC_EFAIL);
    assert_false(exists(folder));
    assert_no_temp_files(f->dir);
}

static void test_folder_is_a_file(void **state)
{
    fixture *f = *state;
    sc_error e;
    char path[256], file[128];
    snprintf(file, sizeof file, "%s/plain", f->dir);
    snprintf(path, sizeof path, "%s/x.h5", file);
    write_text_file(file, "not a folder\n");
    assert_int_equal(write_out(f, path, 0, &e), SC_EFAIL);
    assert_non_null(strstr(e.msg, "not a folder"));
    assert_int_equal(sc_write_check_target(f->dir, 1, NULL, &e), SC_EINPUT);   /* a folder as file */
    assert_no_temp_files(f->dir);
}

/* Root may write anywhere, so the permission case only means something
 * for other users. */
static void test_unwritable_folder(void **state)
{
    fixture *f = *state;
    if (geteuid() == 0)
        skip();
    sc_error e;
    char path[256], folder[128];
    snprintf(folder, sizeof folder, "%s/ro", f->dir);
    snprintf(path, sizeof path, "%s/x.h5", folder);
    assert_int_equal(mkdir(folder, 0555), 0);
    assert_int_equal(write_out(f, path, 0, &e), SC_EFAIL);
    assert_non_null(strstr(e.msg, "ro"));
    assert_false(exists(path));
    chmod(folder, 0755);
    assert_no_temp_files(folder);
}

/* results/ is the one folder made on demand, and only under that name. */
static void test_results_folder(void **state)
{
    fixture *f = *state;
    char cwd[1024];
    sc_error e;
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(f->dir), 0);
    int rc_results = write_out(f, "results/run.h5", 0, &e);
    int made = exists("results/run.h5");
    int rc_other = write_out(f, "other/run.h5", 0, &e);
    int other = exists("other");
    assert_int_equal(chdir(cwd), 0);
    assert_int_equal(rc_results, SC_OK);
    assert_true(made);
    assert_int_equal(rc_other, SC_EFAIL);
    assert_false(other);
    assert_no_temp_files(f->dir);
}

/* A variable-length string attribute of obj into buf; "" when absent. */
static void attr_text(hid_t file, const char *obj, const char *name, char *buf, size_t size)
{
    buf[0] = '\0';
    if (H5Aexists_by_name(file, obj, name, H5P_DEFAULT) <= 0)
        return;
    hid_t a = H5Aopen_by_name(file, obj, name, H5P_DEFAULT, H5P_DEFAULT);
    hid_t t = H5Aget_type(a);
    char *v = NULL;
    assert_true(H5Tis_variable_str(t) > 0 && H5Aread(a, t, &v) >= 0);
    snprintf(buf, size, "%s", v);
    H5free_memory(v);
    H5Tclose(t);
    H5Aclose(a);
}

/* A parameter a scenario leaves out runs at its table default, and the file
 * says so (note "default", as the list atop src/write/result_h5.c and
 * docs/outputs.md promise): a real scenario, read, fitted, run and written.
 * minimal.yaml leaves out damping, cluster_effect and send_support_drift
 * (and dispersion: Poisson, note "poisson"). */
static void test_default_note_from_a_scenario(void **state)
{
    fixture *f = *state;
    sc_scenario *s = NULL;
    sc_params *p = NULL;
    sc_summary *sum = NULL;
    sc_error e;
    assert_int_equal(sc_scenario_read("tests/data/scenario/minimal.yaml", &s, &e), SC_OK);
    assert_int_equal(sc_fit_params(s, 0, &p, NULL, &e), SC_OK);
    sc_engine_options o;
    sc_engine_options_init(&o, s);
    o.trajectories = 20;
    o.threads = 1;
    assert_int_equal(sc_engine_run(s, p, &o, &sum, &e), SC_OK);
    sc_run_info run = f->run;
    run.seed = s->seed;
    run.trajectories = 20;
    assert_int_equal(sc_write_h5(f->out, 0, s, p, sum, &run, &e), SC_OK);

    hid_t file = H5Fopen(f->out, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(file >= 0);
    char note[64];
    static const char *const left_out[] = {"damping", "cluster_effect", "send_support_drift"};
    for (int k = 0; k < 3; k++) {
        char obj[64];
        snprintf(obj, sizeof obj, "/parameters/%s", left_out[k]);
        attr_text(file, obj, "note", note, sizeof note);
        assert_string_equal(note, "default");
    }
    attr_text(file, "/parameters/dispersion", "note", note, sizeof note);
    assert_string_equal(note, "poisson");
    attr_text(file, "/parameters/p_assess", "note", note, sizeof note);
    assert_string_equal(note, "");
    H5Fclose(file);
    sc_summary_free(sum);
    sc_params_free(p);
    sc_scenario_free(s);
}

/* ---- failures while writing ------------------------------------------ */

/* A parameter the writer refuses stops it part-way through the file. */
static void test_failure_midway(void **state)
{
    fixture *f = *state;
    sc_error e;
    sc_params_edit(f->p, SC_P_STEP_UP)->dim = SC_MAX_DIM + 1;
    assert_int_equal(write_out(f, f->out, 0, &e), SC_EFAIL);
    assert_non_null(strstr(e.msg, "step_up"));
    assert_non_null(strstr(e.msg, "while writing"));
    assert_false(exists(f->out));
    assert_no_temp_files(f->dir);
}

static void test_inconsistent_inputs(void **state)
{
    fixture *f = *state;
    sc_error e;
    f->run.trajectories = NTRAJ + 1;
    assert_int_equal(write_out(f, f->out, 0, &e), SC_EFAIL);
    assert_non_null(strstr(e.msg, "internal"));
    f->run.trajectories = NTRAJ;
    f->s.horizon = 2;
    assert_int_equal(write_out(f, f->out, 0, &e), SC_EFAIL);
    f->s.horizon = 3;
    sc_params *raw = NULL;
    assert_int_equal(sc_params_alloc(&f->s, &raw, &e), SC_OK);
    sc_params_edit(raw, SC_P_ASSESS)->kind = SC_DIST_FIT;   /* not resolved */
    assert_int_equal(sc_write_h5(f->out, 0, &f->s, raw, f->sum, &f->run, &e), SC_EFAIL);
    assert_non_null(strstr(e.msg, "dist: fit"));
    sc_params_free(raw);
    assert_false(exists(f->out));
    assert_no_temp_files(f->dir);
}

/* Every allocation the writer makes fails in turn: each attempt reports
 * SC_ENOMEM and leaves nothing; then one succeeds. */
static void test_allocation_failures(void **state)
{
    fixture *f = *state;
    int succeeded = 0;
    for (long k = 1; k < 100 && !succeeded; k++) {
        sc_error e;
        sc_alloc_fail_at(k);
        int rc = write_out(f, f->out, 0, &e);
        sc_alloc_fail_at(0);
        if (rc == SC_OK) {
            succeeded = 1;
        } else {
            assert_int_equal(rc, SC_ENOMEM);
            assert_false(exists(f->out));
        }
        assert_no_temp_files(f->dir);
    }
    assert_true(succeeded);
}

/* ---- provenance helpers ---------------------------------------------- */

static void test_sha256(void **state)
{
    (void)state;
    char hex[65];
    assert_int_equal(sc_sha256_hex("abc", 3, hex), SC_OK);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    sc_sha256_hex("", 0, hex);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void test_version_libraries(void **state)
{
    (void)state;
    char buf[256], small[12];
    sc_version_libraries(buf, sizeof buf);
    assert_non_null(strstr(buf, "GSL 2."));
    assert_non_null(strstr(buf, "HDF5 1."));
    assert_non_null(strstr(buf, "libfyaml "));
    assert_non_null(strstr(buf, "nettle 3."));
    memset(small, 'x', sizeof small);
    sc_version_libraries(small, sizeof small);   /* truncated, terminated */
    assert_int_equal(strlen(small), sizeof small - 1);
}

/* The per-trajectory datasets are shuffled and deflated chunk by chunk on all
 * threads and stored with H5Dwrite_chunk (src/h5/h5_write.c). What comes
 * back must be the values written, through HDF5's own filter pipeline on
 * reading, and the stored bytes exactly as many as HDF5's pipeline makes when
 * it filters the same data itself (a dataset written by plain H5Dwrite with
 * the same chunking and filters), also when the last chunk is partial. */
static void test_packed_chunks_as_hdf5_makes_them(void **state)
{
    (void)state;
    enum { ROWS = 2500, YEARS = 3, UNITS = 5 };
    static double v[ROWS * YEARS * UNITS], back[ROWS * YEARS * UNITS];
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        v[i] = (i % 7 == 0) ? 0.0 : (double)(i % 1000) * 0.37 - 120.0 + (double)(i / 4096);
    const char *path = "/tmp/sendcast-test-packed.h5";
    hsize_t dims[3] = {ROWS, YEARS, UNITS}, chunk[3] = {1024, YEARS, UNITS};
    hsize_t odd[3] = {1024, 1, UNITS};   /* not whole rows: HDF5 filters it itself */
    sc_h5w w;
    sc_error e;
    sc_error_clear(&e);
    assert_int_equal(sc_h5_create(&w, path, &e), SC_OK);
    assert_int_equal(sc_h5_doubles_packed(&w, "/ours", 3, dims, chunk, 3, v, &e), SC_OK);
    assert_int_equal(sc_h5_doubles_packed(&w, "/odd", 3, dims, odd, 3, v, &e), SC_OK);
    hid_t space = H5Screate_simple(3, dims, NULL), dcpl = H5Pcreate(H5P_DATASET_CREATE);
    assert_true(H5Pset_chunk(dcpl, 3, chunk) >= 0 && H5Pset_shuffle(dcpl) >= 0
                && H5Pset_deflate(dcpl, 3) >= 0);
    hid_t d = H5Dcreate2(w.file, "/hdf5s", H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    assert_true(d >= 0 && H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0);
    H5Dclose(d);
    H5Pclose(dcpl);
    H5Sclose(space);
    assert_int_equal(sc_h5_close(&w, &e), SC_OK);

    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(f >= 0);
    hsize_t stored[3];
    const char *names[3] = {"/ours", "/odd", "/hdf5s"};
    for (int k = 0; k < 3; k++) {
        hid_t ds = H5Dopen2(f, names[k], H5P_DEFAULT);
        assert_true(ds >= 0);
        memset(back, 0xff, sizeof back);
        assert_true(H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, back) >= 0);
        assert_memory_equal(back, v, sizeof v);
        hid_t pl = H5Dget_create_plist(ds);
        assert_int_equal(H5Pget_nfilters(pl), 2);
        H5Pclose(pl);
        stored[k] = H5Dget_storage_size(ds);
        H5Dclose(ds);
    }
    H5Fclose(f);
    unlink(path);
    assert_true(stored[0] < sizeof v / 2);       /* compressed at all */
    assert_int_equal(stored[0], stored[2]);      /* byte for byte HDF5's own */
}

#define FIXTURE_TEST(t) cmocka_unit_test_setup_teardown(t, setup, teardown)

int main(void)
{
    sc_library_init();   /* as main() does: GSL never aborts (library.h) */
    const struct CMUnitTest tests[] = {
        FIXTURE_TEST(test_contract_layout),
        FIXTURE_TEST(test_sections_left_out),
        FIXTURE_TEST(test_refuses_existing),
        FIXTURE_TEST(test_force_replaces),
        FIXTURE_TEST(test_missing_folder),
        FIXTURE_TEST(test_folder_is_a_file),
        FIXTURE_TEST(test_unwritable_folder),
        FIXTURE_TEST(test_results_folder),
        FIXTURE_TEST(test_default_note_from_a_scenario),
        FIXTURE_TEST(test_failure_midway),
        FIXTURE_TEST(test_inconsistent_inputs),
        FIXTURE_TEST(test_allocation_failures),
        cmocka_unit_test(test_packed_chunks_as_hdf5_makes_them),
        cmocka_unit_test(test_sha256),
        cmocka_unit_test(test_version_libraries),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
