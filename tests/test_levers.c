/*
 * test_levers.c — levers (docs/scenario.md, "Levers"; docs/model.md,
 * "Levers") and the edits a scenario is read with (--set, grafts).
 *
 * Reading: every kind of lever in tests/data/scenario/levers.yaml resolves to
 * what it says; every documented bad lever is refused where it was written;
 * --set values land where their path says, are registered as overrides, and
 * a bad one names the option; a graft takes another file's section with its
 * CSVs relative to that file; a lenient read drops years before the base.
 *
 * Simulating (tests/data/simulate/one-cluster.yaml, every parameter fixed, with
 * levers added by --set): a lever shares every other draw with the scenario
 * without it (an effect of 0 changes nothing at all); costs change spend by
 * exactly their arithmetic; a placement shift moves plans and nothing else
 * in its first year; a capacity cap keeps the setting within its places; a
 * rate lever scales its rate; and results do not depend on threads.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "sendcast/alloc.h"
#include "sendcast/engine.h"
#include "sendcast/fit.h"
#include "sendcast/layout.h"
#include "sendcast/params.h"
#include "sendcast/scenario.h"
#include "sendcast/simulate.h"
#include "sendcast/summary.h"
#include "test_util.h"

#define LEVERS "tests/data/scenario/levers.yaml"
#define MINIMAL "tests/data/scenario/minimal.yaml"
#define ONE "tests/data/simulate/one-cluster.yaml"

/* ---- helpers ---- */

static void edit(sc_scenario_edit *ed, const char *arg)
{
    sc_error e;
    if (sc_scenario_edit_parse(arg, ed, &e) != SC_OK)
        fail_msg("%s", e.msg);
}

static int read_with(const char *path, const char *const *sets, int nsets, int lenient,
                     sc_scenario **s, sc_error *e)
{
    sc_scenario_edit ed[8];
    assert_true(nsets <= 8);
    for (int k = 0; k < nsets; k++)
        edit(&ed[k], sets[k]);
    sc_scenario_read_options o;
    sc_scenario_read_options_init(&o);
    o.edits = ed;
    o.nedits = nsets;
    o.lenient_years = lenient;
    return sc_scenario_read_with(path, &o, s, e);
}

static sc_scenario *read_ok(const char *path, const char *const *sets, int nsets)
{
    sc_scenario *s = NULL;
    sc_error e;
    if (read_with(path, sets, nsets, 0, &s, &e) != SC_OK)
        fail_msg("%s: %s", path, e.msg);
    return s;
}

/* The read must fail with SC_EINPUT, the message starting with `prefix` and
 * holding `word`. */
static void read_bad(const char *path, const char *const *sets, int nsets, const char *prefix,
                     const char *word)
{
    sc_scenario *s = (sc_scenario *)1;
    sc_error e;
    int rc = read_with(path, sets, nsets, 0, &s, &e);
    if (rc != SC_EINPUT)
        fail_msg("expected SC_EINPUT, got %d: %s", rc, rc ? e.msg : "(success)");
    assert_null(s);
    if (strncmp(e.msg, prefix, strlen(prefix)) != 0)
        fail_msg("expected the message to start with '%s', got:\n%s", prefix, e.msg);
    if (!strstr(e.msg, word))
        fail_msg("expected '%s' in:\n%s", word, e.msg);
}

static const sc_lever *lever(const sc_scenario *s, const char *name)
{
    for (int k = 0; k < s->nlevers; k++)
        if (!strcmp(s->levers[k].name, name))
            return &s->levers[k];
    fail_msg("no lever %s", name);
    return NULL;
}

static const sc_input *input(const sc_scenario *s, const char *name)
{
    for (int i = 0; i < s->ninputs; i++)
        if (!strcmp(s->inputs[i].name, name))
            return &s->inputs[i];
    fail_msg("no input %s", name);
    return NULL;
}

static char *slurp(const char *path)
{
    char *t = read_text(path);
    assert_non_null(t);
    return t;
}

/* ---- reading ---- */

static void test_read_every_kind(void **state)
{
    (void)state;
    sc_scenario *s = read_ok(LEVERS, NULL, 0);
    assert_int_equal(s->nuser_levers, 9);
    assert_int_equal(s->nlevers, 10);
    const sc_lever *cw = &s->levers[0];
    assert_string_equal(cw->name, "cluster_working");
    assert_true(cw->builtin);
    assert_int_equal(cw->on, SC_LEVER_REQUESTS);

    const sc_lever *l = lever(s, "early-help");
    assert_int_equal(l->on, SC_LEVER_REQUESTS);
    assert_int_equal(l->start, 2);
    assert_close(l->ramp[1], 0, 0);
    assert_close(l->ramp[2], 0.5, 0);
    assert_close(l->ramp[3], 1, 0);
    assert_int_equal(l->effect.kind, SC_DIST_BETA);
    assert_string_equal(l->description, "earlier support in schools");
    assert_true(l->key != 0 && l->key != lever(s, "threshold")->key);

    l = lever(s, "threshold");
    assert_int_equal(l->effect.kind, SC_DIST_UNIFORM);
    assert_close(l->effect.p[0], -0.15, 0);
    assert_close(l->ramp[1], 1, 0);

    l = lever(s, "fewer-plans");      /* ramp: 2 years, linear */
    assert_close(l->ramp[1], 0, 0);
    assert_close(l->ramp[2], 0.5, 0);
    assert_close(l->ramp[3], 1, 0);

    l = lever(s, "arp-shift");
    assert_int_equal(l->on, SC_LEVER_MIX);
    assert_int_equal(l->setting, SC_PL_SPECIAL);
    assert_int_equal(l->to, SC_PL_ARP);
    assert_string_equal(l->effect.status, "illustrative");

    l = lever(s, "step-downs");
    assert_int_equal(l->setting, SC_PL_SPECIAL);
    assert_int_equal(lever(s, "fees")->setting, SC_PL_INDEPENDENT);
    assert_int_equal(lever(s, "banding")->bands, 2u);

    l = lever(s, "special-places");
    assert_int_equal(l->on, SC_LEVER_CAPACITY);
    assert_int_equal(l->to, SC_PL_INDEPENDENT);
    assert_close(l->places[1], 12, 0);
    assert_close(l->places[2], 12, 0);
    assert_close(l->places[3], 14, 0);
    assert_int_equal(l->effect.kind, SC_DIST_FIXED);
    assert_close(l->effect.value[0], 0, 0);

    /* Every number in the register, under levers.NAME. */
    assert_close(input(s, "levers.early-help.effect.mean")->value, 0.1, 0);
    assert_close(input(s, "levers.fees.effect.value")->value, -0.05, 0);
    assert_close(input(s, "levers.fewer-plans.ramp")->value, 2, 0);
    assert_string_equal(input(s, "levers.arp-shift.effect.mean")->status, "illustrative");

    /* A copy has its own levers. */
    sc_scenario *c = NULL;
    sc_error e;
    assert_int_equal(sc_scenario_copy(s, &c, &e), SC_OK);
    assert_int_equal(c->nlevers, 10);
    assert_true(c->levers != s->levers);
    assert_string_equal(c->levers[9].name, s->levers[9].name);
    sc_scenario_free(c);
    sc_scenario_free(s);

    /* Without levers: cluster working's lever only. */
    s = read_ok(MINIMAL, NULL, 0);
    assert_int_equal(s->nlevers, 1);
    assert_int_equal(s->nuser_levers, 0);
    sc_scenario_free(s);
}

/* levers.yaml with one edit, refused at the line holding `at` with `word`. */
static void lever_bad(const char *from, const char *to, const char *at, const char *word)
{
    char *text = slurp(LEVERS);
    char *bad = replace(text, from, to);
    char dir[] = "/tmp/sc-levers-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[128], data[128], csv[128];
    snprintf(path, sizeof path, "%s/case.yaml", dir);
    snprintf(data, sizeof data, "%s/data", dir);
    snprintf(csv, sizeof csv, "%s/data/money.csv", dir);
    assert_int_equal(mkdir(data, 0700), 0);
    char *money = slurp("tests/data/scenario/data/money.csv");
    write_text(csv, money);
    write_text(path, bad);
    char prefix[160];
    snprintf(prefix, sizeof prefix, "%s:%d:", path, line_of(bad, at));
    read_bad(path, NULL, 0, prefix, word);
    unlink(path);
    unlink(csv);
    rmdir(data);
    rmdir(dir);
    free(money);
    free(bad);
    free(text);
}

static void test_bad_levers(void **state)
{
    (void)state;
    lever_bad("changes: requests", "changes: request", "changes: request", "one of requests, assessment");
    lever_bad("setting: independent", "setting: private", "setting: private",
              "expected a setting");
    lever_bad("    start: 2025\n    ramp: 2", "    start: 2027\n    ramp: 2", "start: 2027",
              "2024 to 2026");
    lever_bad("    start: 2025\n    ramp: 2", "    start: 2023\n    ramp: 2", "start: 2023",
              "the base year 2023 is observed");
    lever_bad("effect: {dist: beta, mean: 0.2, sd: 0.05, status: illustrative}", "effect: 1.2",
              "effect: 1.2", "below zero");
    lever_bad("effect: -0.05", "effect: -1", "effect: -1", "a relative change > -1");
    lever_bad("    setting: special\n    overflow", "    setting: mainstream\n    overflow",
              "setting: mainstream", "mainstream plans are paid by band");
    lever_bad("    to: arp", "    to: special", "to: special", "other than");
    lever_bad("ramp: {2025: 0.5, 2026: 1}", "ramp: {2024: 0.5, 2026: 1}",
              "ramp: {2024: 0.5, 2026: 1}", "before the lever starts");
    lever_bad("    places: {2024: 12, 2026: 14}", "    places: {2024: 12, 2026: 14}\n    ramp: 3",
              "ramp: 3", "takes no 'ramp'");
    lever_bad("    places: {2024: 12, 2026: 14}", "    places: {2025: 12}", "2025: 12",
              "the places of the start year 2024");
    lever_bad("  fees:", "  cluster_working:", "  cluster_working:\n    changes: unit_cost",
              "cluster working's own lever");
    lever_bad("effect: {dist: uniform, min: -0.15, max: -0.05}",
              "effect: {dist: beta, mean: 0.2, sd: 0.05}", "dist: beta, mean: 0.2, sd: 0.05}\n  fewer",
              "not allowed");
    lever_bad("    bands: [2]", "    bands: [3]", "bands: [3]", "band number from 1 to 2");
    lever_bad("    from: special\n", "", "changes: placement_mix", "needs 'from'");
}

/* A lever on costs needs costs: refused in a demand-only scenario. */
static void test_money_lever_needs_costs(void **state)
{
    (void)state;
    static const char *const set[] = {
        "levers={fees: {changes: unit_cost, setting: special, start: 2024, effect: 0.1}}" };
    read_bad("tests/data/scenario/demand.yaml", set, 1, "--set levers=", "demand-only");
}

/* ---- --set ---- */

static void test_set_values(void **state)
{
    (void)state;
    static const char *const sets[] = {
        "finance.grant.growth=0.05", "bands.topup[1]=9500", "parameters.cluster_effect=0.2",
        "cluster_working.ramp={2024: 1}", "levers.fees.effect.mean=1",
        "levers.fees.effect={dist: normal, mean: -0.2, sd: 0.05}",
    };
    sc_scenario *base = read_ok(LEVERS, NULL, 0);
    sc_scenario *s = read_ok(LEVERS, (const char *const[]){ sets[0], sets[1], sets[2], sets[3],
                                                            sets[5] }, 5);
    assert_close(s->grant[2], base->grant[1] * 1.05, 1e-6);
    assert_close(s->topup[1], 9500, 0);
    assert_int_equal(s->param[SC_P_CLUSTER_EFFECT].kind, SC_DIST_FIXED);
    assert_close(s->param[SC_P_CLUSTER_EFFECT].value[0], 0.2, 0);
    assert_string_equal(s->param[SC_P_CLUSTER_EFFECT].status, "override");
    assert_string_equal(s->param[SC_P_CLUSTER_EFFECT].source, "--set parameters.cluster_effect=0.2");
    assert_close(s->ramp[3], 1, 0);
    assert_close(s->levers[0].ramp[1], 1, 0);   /* cluster working's lever follows */
    assert_int_equal(lever(s, "fees")->effect.kind, SC_DIST_NORMAL);
    assert_close(lever(s, "fees")->effect.p[0], -0.2, 0);
    const sc_input *in = input(s, "finance.grant.growth");
    assert_string_equal(in->status, "override");
    assert_string_equal(in->source, "--set finance.grant.growth=0.05");
    assert_int_equal(s->nedits, 5);
    assert_string_equal(s->edits[1], "bands.topup[1]=9500");
    assert_int_equal(base->nedits, 0);
    sc_scenario_free(s);
    sc_scenario_free(base);

    /* Bad: the option is named, with what was expected. */
    read_bad(LEVERS, (const char *const[]){ "finance.grant.growth=abc" }, 1,
             "--set finance.grant.growth=abc: finance.grant.growth:", "expected a number > -1");
    read_bad(LEVERS, (const char *const[]){ "finance.grantt.growth=1" }, 1,
             "--set finance.grantt.growth=1:", "has no finance.grantt");
    read_bad(LEVERS, (const char *const[]){ "finance.grant.growht=1" }, 1,
             "--set finance.grant.growht=1:", "unknown key 'growht'; allowed keys: table, growth");
    read_bad(LEVERS, (const char *const[]){ "bands.topup[7]=1" }, 1, "--set bands.topup[7]=1:",
             "no item [7]");
    read_bad(LEVERS, (const char *const[]){ sets[4] }, 1, "--set levers.fees.effect.mean=1:",
             "has no levers.fees.effect.mean");
    read_bad(LEVERS, (const char *const[]){ "levers.fees.start=2031" }, 1,
             "--set levers.fees.start=2031: levers.fees.start:", "2024 to 2026");
    read_bad(LEVERS, (const char *const[]){ "seed=-1" }, 1, "--set seed=-1: seed:",
             "expected a whole number");

    sc_scenario_edit ed;
    sc_error e;
    assert_int_equal(sc_scenario_edit_parse("novalue", &ed, &e), SC_EINPUT);
    assert_non_null(strstr(e.msg, "expected PATH=VALUE"));
    assert_int_equal(sc_scenario_edit_parse("a..b=1", &ed, &e), SC_EINPUT);
    assert_non_null(strstr(e.msg, "not a key path"));
    assert_int_equal(sc_scenario_edit_parse("x=", &ed, &e), SC_EINPUT);
    assert_int_equal(sc_scenario_edit_parse("clusters[0].pupils=12", &ed, &e), SC_OK);
    assert_string_equal(ed.path, "clusters[0].pupils");
}

/* A graft takes another file's value, its CSVs relative to that file; one
 * absent there is removed here; a lenient read drops earlier years. */
static void test_grafts_and_lenient_years(void **state)
{
    (void)state;
    char dir[] = "/tmp/sc-graft-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[128], data[128], csv[128];
    snprintf(path, sizeof path, "%s/other.yaml", dir);
    snprintf(data, sizeof data, "%s/data", dir);
    snprintf(csv, sizeof csv, "%s/data/money.csv", dir);
    assert_int_equal(mkdir(data, 0700), 0);
    write_text(csv, "item,year,value\ngrant,2023,2000000\n");
    char *text = slurp(MINIMAL);
    char *other = replace(text, "fixed_lines: 100000", "fixed_lines: 200000");
    char *other2 = replace(other, "  transfers: {2024: 1000}\n", "");
    write_text(path, other2);

    sc_scenario_edit ed[2];
    memset(ed, 0, sizeof ed);
    snprintf(ed[0].path, sizeof ed[0].path, "finance");
    ed[0].from = path;
    sc_scenario_read_options o;
    sc_scenario_read_options_init(&o);
    o.edits = ed;
    o.nedits = 1;
    sc_scenario *s = NULL;
    sc_error e;
    if (sc_scenario_read_with(MINIMAL, &o, &s, &e) != SC_OK)
        fail_msg("%s", e.msg);
    assert_close(s->fixed_lines, 200000, 0);
    assert_close(s->grant[0], 2000000, 0);          /* from dir/data/money.csv */
    assert_close(s->transfers[1], 0, 0);
    int found = 0;
    for (int k = 0; k < s->nfiles; k++)
        found += !strcmp(s->files[k].path, csv) || !strcmp(s->files[k].path, path);
    assert_int_equal(found, 2);
    assert_int_equal(s->nedits, 1);
    sc_scenario_free(s);

    /* Lenient: base year 2024, tables from 2023 dropped (the target of 2023
     * with them), the grant of 2024 as the table gives it. */
    static const char *const later[] = { "base_year=2024", "horizon=2" };
    read_bad(MINIMAL, later, 2, "tests/data/scenario/data/money.csv:2:", "before the base year");
    assert_int_equal(read_with(MINIMAL, later, 2, 1, &s, &e), SC_OK);
    assert_int_equal(s->base_year, 2024);
    assert_close(s->grant[0], 1100000, 0);
    assert_true(isnan(s->target[0]));       /* 2023's target was before it */
    assert_close(s->target[1], 0, 0);       /* 2025 */
    assert_close(s->ramp[0], 0.5, 0);       /* 2024 as given */
    sc_scenario_free(s);

    unlink(csv);
    unlink(path);
    rmdir(data);
    rmdir(dir);
    free(other2);
    free(other);
    free(text);
}

/* ---- simulating ---- */

/* one-cluster.yaml with `levers` (flow YAML) or none. */
static sc_scenario *one(const char *levers)
{
    char set[1024];
    if (!levers)
        return read_ok(ONE, NULL, 0);
    snprintf(set, sizeof set, "levers=%s", levers);
    const char *const sets[] = { set };
    return read_ok(ONE, sets, 1);
}

static sc_params *resolve(const sc_scenario *s)
{
    sc_params *p = NULL;
    sc_error e;
    if (sc_fit_params(s, 0, &p, NULL, &e) != SC_OK)
        fail_msg("%s", e.msg);
    return p;
}

/* Trajectory i of a and of b, cells into x and y. */
typedef struct pair {
    sc_scenario *a, *b;
    sc_params *pa, *pb;
    sc_layout l;
    sc_sim_workspace *wa, *wb;
    double *x, *y;
} pair;

static void pair_open(pair *q, const char *la, const char *lb)
{
    sc_error e;
    q->a = one(la);
    q->b = one(lb);
    q->pa = resolve(q->a);
    q->pb = resolve(q->b);
    sc_layout_init(&q->l, q->a);
    assert_int_equal(sc_sim_workspace_alloc(q->a, &q->wa, &e), SC_OK);
    assert_int_equal(sc_sim_workspace_alloc(q->b, &q->wb, &e), SC_OK);
    q->x = sc_calloc(q->l.ncells, sizeof *q->x);
    q->y = sc_calloc(q->l.ncells, sizeof *q->y);
}

static void pair_run(pair *q, long i)
{
    sc_error e;
    assert_int_equal(sc_sim_trajectory(q->a, q->pa, &q->l, q->wa, q->a->seed, i, q->x, &e), SC_OK);
    assert_int_equal(sc_sim_trajectory(q->b, q->pb, &q->l, q->wb, q->b->seed, i, q->y, &e), SC_OK);
}

static void pair_close(pair *q)
{
    sc_free(q->x);
    sc_free(q->y);
    sc_sim_workspace_free(q->wa);
    sc_sim_workspace_free(q->wb);
    sc_params_free(q->pa);
    sc_params_free(q->pb);
    sc_scenario_free(q->a);
    sc_scenario_free(q->b);
}

static double cell(const pair *q, const double *v, int metric, int y)
{
    return v[sc_layout_cell(&q->l, SC_LEVEL_DISTRICT, metric, y, 0)];
}

/* Levers of no effect change nothing: every other draw is shared. */
static void test_zero_effect_changes_nothing(void **state)
{
    (void)state;
    pair q;
    pair_open(&q, NULL,
              "{a: {changes: requests, start: 2024, effect: {dist: uniform, min: 0, max: 0.000001}},"
              " b: {changes: placement_mix, from: special, to: arp, start: 2024, effect: 0},"
              " c: {changes: assessment, start: 2024, effect: 0},"
              " d: {changes: capacity, setting: special, overflow: independent, start: 2024,"
              "     places: 1000000}}");
    long averted = 0;
    for (long i = 0; i < 300; i++) {
        pair_run(&q, i);
        for (size_t k = 0; k < q.l.ncells; k++) {
            if (k == sc_layout_cell(&q.l, SC_LEVEL_DISTRICT, SC_D_REQUESTS, 0, 0))
                continue;
            if (!(q.x[k] == q.y[k] || (isnan(q.x[k]) && isnan(q.y[k])))) {
                /* the uniform lever may avert a request now and then: allow it in requests
                 * and what follows only when it did */
                double dv = cell(&q, q.y, SC_D_DIVERTED, 0) + cell(&q, q.y, SC_D_DIVERTED, 1)
                          + cell(&q, q.y, SC_D_DIVERTED, 2);
                if (dv == 0)
                    fail_msg("trajectory %ld cell %zu: %g without levers, %g with", i, k, q.x[k],
                             q.y[k]);
                averted++;
                break;
            }
        }
    }
    assert_true(averted < 30);
    pair_close(&q);
}

/* A unit-cost lever changes spend by its arithmetic and nothing else: +25%
 * on arp's unit cost (18000) from 2025 adds 0.25 x 18000 x 1.02^t x the
 * average arp stock (open + close) / 2 of each year from then, and every
 * count is as without it. */
static void test_cost_arithmetic(void **state)
{
    (void)state;
    pair q;
    pair_open(&q, NULL, "{fees: {changes: unit_cost, setting: arp, start: 2025, effect: 0.25},"
                        " band: {changes: topup, bands: [3], start: 2024, effect: 0}}");
    for (long i = 0; i < 100; i++) {
        pair_run(&q, i);
        double open = 40;
        for (int y = 0; y < q.l.years; y++) {
            double close = cell(&q, q.x, SC_D_PLANS_ARP, y);
            assert_true(cell(&q, q.x, SC_D_PLANS_TOTAL, y) == cell(&q, q.y, SC_D_PLANS_TOTAL, y));
            assert_true(close == cell(&q, q.y, SC_D_PLANS_ARP, y));
            double want = y == 0 ? 0 : 0.25 * 18000 * pow(1.02, y + 1) * 0.5 * (open + close);
            double got = cell(&q, q.y, SC_D_HNB_SPEND, y) - cell(&q, q.x, SC_D_HNB_SPEND, y);
            assert_close(got, want, 1e-6);
            assert_close(cell(&q, q.y, SC_D_PLACEMENT_SPEND, y)
                         - cell(&q, q.x, SC_D_PLACEMENT_SPEND, y), want, 1e-6);
            open = close;
        }
    }
    pair_close(&q);
}

/* 100% of new special plans to arp: in the first year special gets no new
 * plan, arp every one it would have had, the total unchanged. */
static void test_mix_moves_plans(void **state)
{
    (void)state;
    pair q;
    pair_open(&q, NULL, "{shift: {changes: placement_mix, from: special, to: arp, start: 2024, effect: 1}}");
    double moved = 0;
    for (long i = 0; i < 200; i++) {
        pair_run(&q, i);
        double sp0 = cell(&q, q.x, SC_D_PLANS_SPECIAL, 0), sp1 = cell(&q, q.y, SC_D_PLANS_SPECIAL, 0);
        double a0 = cell(&q, q.x, SC_D_PLANS_ARP, 0), a1 = cell(&q, q.y, SC_D_PLANS_ARP, 0);
        assert_true(sp0 + a0 == sp1 + a1);
        assert_true(cell(&q, q.x, SC_D_PLANS_TOTAL, 0) == cell(&q, q.y, SC_D_PLANS_TOTAL, 0));
        assert_true(cell(&q, q.x, SC_D_NEW_PLANS, 0) == cell(&q, q.y, SC_D_NEW_PLANS, 0));
        assert_true(sp1 <= sp0);
        moved += sp0 - sp1;
    }
    /* new special plans a year: requests ~ 10000 x 0.15 x 1.3 x e^(-2.385+0.1)
     * = 198; x 0.6 x 0.9 x 0.15 = 16 */
    assert_true(moved / 200 > 10 && moved / 200 < 22);
    pair_close(&q);
}

/* A cap of 0 places: special never gains a plan; the entrants go to
 * independent, the total as without the cap. */
static void test_capacity(void **state)
{
    (void)state;
    pair q;
    pair_open(&q, NULL, "{cap: {changes: capacity, setting: special, overflow: independent,"
                        " start: 2024, places: 0}}");
    for (long i = 0; i < 200; i++) {
        pair_run(&q, i);
        double prev = 500;
        for (int y = 0; y < q.l.years; y++) {
            double sp = cell(&q, q.y, SC_D_PLANS_SPECIAL, y);
            assert_true(sp <= prev);
            prev = sp;
        }
        assert_true(cell(&q, q.x, SC_D_PLANS_TOTAL, 0) == cell(&q, q.y, SC_D_PLANS_TOTAL, 0));
        assert_true(cell(&q, q.y, SC_D_PLANS_INDEPENDENT, 0) > cell(&q, q.x, SC_D_PLANS_INDEPENDENT, 0));
    }
    pair_close(&q);

    /* Places 505 from 2024: special ends each year at most at 505 unless its
     * own stock (never moved) is above. */
    pair_open(&q, NULL, "{cap: {changes: capacity, setting: special, overflow: other,"
                        " start: 2024, places: 505}}");
    for (long i = 0; i < 200; i++) {
        pair_run(&q, i);
        for (int y = 0; y < q.l.years; y++)
            assert_true(cell(&q, q.y, SC_D_PLANS_SPECIAL, y) <= 505);
    }
    pair_close(&q);
}

/* A lever of -50% on p_issue from 2025: new plans per assessment halve. */
static void test_rate_lever(void **state)
{
    (void)state;
    pair q;
    pair_open(&q, NULL, "{half: {changes: issue, start: 2025, effect: -0.5}}");
    double a = 0, b = 0;
    long n = 2000;
    for (long i = 0; i < n; i++) {
        pair_run(&q, i);
        assert_true(cell(&q, q.x, SC_D_NEW_PLANS, 0) == cell(&q, q.y, SC_D_NEW_PLANS, 0));
        assert_true(cell(&q, q.x, SC_D_ASSESSMENTS, 1) == cell(&q, q.y, SC_D_ASSESSMENTS, 1));
        a += cell(&q, q.x, SC_D_NEW_PLANS, 1) / cell(&q, q.x, SC_D_ASSESSMENTS, 1);
        b += cell(&q, q.y, SC_D_NEW_PLANS, 1) / cell(&q, q.y, SC_D_ASSESSMENTS, 1);
    }
    /* p_issue 0.9 -> 0.45; the mean of a share over ~130 assessments has sd
     * about sqrt(0.25 / 130) / sqrt(n) = 0.001 */
    assert_close(a / (double)n, 0.9, 0.005);
    assert_close(b / (double)n, 0.45, 0.005);
    pair_close(&q);
}

/* Levers' results do not depend on threads (nor on the order of work). */
static void test_threads(void **state)
{
    (void)state;
    sc_scenario *s = read_ok(LEVERS, NULL, 0);
    sc_params *p = resolve(s);
    sc_summary *one_thread = NULL, *two = NULL;
    sc_engine_options o;
    sc_engine_options_init(&o, s);
    o.trajectories = 500;
    sc_error e;
    o.threads = 1;
    assert_int_equal(sc_engine_run(s, p, &o, &one_thread, &e), SC_OK);
    o.threads = 2;
    assert_int_equal(sc_engine_run(s, p, &o, &two, &e), SC_OK);
    sc_layout l;
    sc_layout_init(&l, s);
    for (long i = 0; i < 500; i++)
        for (size_t k = 0; k < l.ncells; k++) {
            double x = sc_summary_value(one_thread, i, k), y = sc_summary_value(two, i, k);
            assert_true(x == y || (isnan(x) && isnan(y)));
        }
    sc_summary_free(one_thread);
    sc_summary_free(two);
    sc_params_free(p);
    sc_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read_every_kind),
        cmocka_unit_test(test_bad_levers),
        cmocka_unit_test(test_money_lever_needs_costs),
        cmocka_unit_test(test_set_values),
        cmocka_unit_test(test_grafts_and_lenient_years),
        cmocka_unit_test(test_zero_effect_changes_nothing),
        cmocka_unit_test(test_cost_arithmetic),
        cmocka_unit_test(test_mix_moves_plans),
        cmocka_unit_test(test_capacity),
        cmocka_unit_test(test_rate_lever),
        cmocka_unit_test(test_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
