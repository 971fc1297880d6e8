/*
 * targets.c — the `targets:` section: named targets on district metrics
 * (the cumulative deficit DfE monitors, plans in place, new plans, ...)
 * beside the Safety Valve's in-year balance targets (finance.safety_valve),
 * each met in a year when the metric is at most or at least that year's
 * value (docs/scenario.md, "targets").
 *
 * The section is read after finance and cluster working, since whether a
 * metric is forecast at all depends on them. Nothing here reaches a draw:
 * a target only scores trajectories the simulation makes anyway.
 */
#include "scn_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sendcast/layout.h"

/* The name becomes an HDF5 group (/targets/<name>) and a CSV field, so it
 * keeps to [a-z0-9_], starting with a letter; safety_valve_balance is the
 * Safety Valve's own. */
static int target_name(scn_ctx *r, const scn_val *key, char *name)
{
    if (scn_id(r, key, name, SC_TARGET_NAME_MAX))
        return scn_fail(r);
    int ok = name[0] >= 'a' && name[0] <= 'z';
    for (const char *c = name; ok && *c; c++)
        ok = (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_';
    if (!ok)
        return SCN_ERR(r, key, "expected a target name of lower-case letters, digits and '_' "
                       "starting with a letter, got '%s'", name);
    if (!strcmp(name, "safety_valve_balance"))
        return SCN_ERR(r, key, "safety_valve_balance is the name of the Safety Valve's "
                       "in-year balance targets (finance.safety_valve.targets); choose another");
    return SC_OK;
}

/* Numbers read as given but most likely slips (warned, not refused): money
 * in millions where pounds are meant, a cumulative deficit written negative
 * (the deficit is positive while in deficit, so a negative target asks for
 * a surplus), an in-year balance "deficit at most 12m" written +12m, a count
 * written as a fraction. The grant (when given) sizes the money checks. */
static int warnings(scn_ctx *r, const scn_val *at, const sc_target *g)
{
    const sc_scenario *s = r->s;
    const double grant = s->has_finance ? s->grant[0] : NAN;
    const char *metric = sc_district_metrics[g->metric].name;
    const int money = !strcmp(sc_district_metrics[g->metric].unit, "GBP");
    for (int t = 1; t <= s->horizon; t++) {
        double x = g->value[t];
        int year = s->base_year + t;
        if (isnan(x) || x == 0)
            continue;
        if (money && grant > 0 && fabs(x) < 1e-4 * grant)
            return scn_warn(r, at, "a %s target of %g (%d) is tiny beside the grant of £%.1fm: "
                            "targets are in pounds (£%gm is %.0f)", metric, x, year,
                            grant / 1e6, x, x * 1e6);
        if (money && !(grant > 0) && fabs(x) < 1000)
            return scn_warn(r, at, "a %s target of %g (%d) is under £1,000: targets are in "
                            "pounds (£%gm is %.0f)", metric, x, year, x, x * 1e6);
        if (g->metric == SC_D_CUMULATIVE_DEFICIT && x < 0)
            return scn_warn(r, at, "a cumulative deficit target of %.0f (%d) asks for a "
                            "cumulative surplus of £%.1fm; the deficit is positive while in "
                            "deficit, so a deficit of at most £%.1fm is written %.0f", x, year,
                            -x / 1e6, -x / 1e6, -x);
        if (g->metric == SC_D_HNB_BALANCE && grant > 0 && x >= 0.1 * grant)
            return scn_warn(r, at, "a positive in-year balance target of %.0f (%d) asks for a "
                            "surplus of £%.1fm; the balance is income - spend, so an overspend "
                            "of at most £%.1fm is written %.0f", x, year, x / 1e6, x / 1e6, -x);
        if (!money && x > 0 && x < 1)
            return scn_warn(r, at, "a %s target of %g (%d) is a fraction: %s is a count, not "
                            "a rate or share", metric, x, year, metric);
    }
    return SC_OK;
}

static int one_target(scn_ctx *r, const scn_val *key, const scn_val *val, sc_target *g)
{
    static const scn_key keys[] = { { "metric", 1 }, { "at_most", 0 }, { "at_least", 0 } };
    sc_scenario *s = r->s;
    scn_val k[3];
    char metric[SC_ID_MAX], regname[SC_TARGET_NAME_MAX + 16];
    if (target_name(r, key, g->name) || scn_map(r, val, keys, 3, k)
        || scn_id(r, &k[0], metric, sizeof metric))
        return scn_fail(r);
    g->metric = sc_layout_district_metric(metric);
    if (g->metric < 0)
        return SCN_ERR(r, &k[0], "expected a district metric (docs/outputs.md lists them: "
                       "cumulative_deficit, hnb_balance, plans_total, new_plans, ...), got '%s'",
                       metric);
    if (!sc_layout_applies(s, SC_LEVEL_DISTRICT, g->metric))
        return SCN_ERR(r, &k[0], "the scenario does not forecast %s (it lacks the costs, "
                       "finance or cluster_working it needs), so a target on it cannot be "
                       "scored", metric);
    if (!k[1].n == !k[2].n)
        return SCN_ERR(r, val, "expected exactly one of at_most (met when %s <= the year's "
                       "value) and at_least (met when >=), got %s", metric,
                       k[1].n ? "both" : "neither");
    g->at_least = k[2].n != NULL;
    const scn_val *table = g->at_least ? &k[2] : &k[1];
    const scn_dom *d = strcmp(sc_district_metrics[g->metric].unit, "GBP") ? &scn_nonneg
                                                                         : &scn_money_signed;
    snprintf(regname, sizeof regname, "targets.%s", g->name);
    scn_years y;
    if (scn_year_table(r, table, d, regname, &y))
        return scn_fail(r);
    if (y.have[0])
        return SCN_ERR(r, table, "the base year %d is outturn, not forecast: targets are for "
                       "%d-%d", s->base_year, s->base_year + 1, s->base_year + s->horizon);
    if (!y.n)
        return SCN_ERR(r, table, "expected a target for at least one forecast year %d-%d (years "
                       "past the horizon are left out)", s->base_year + 1,
                       s->base_year + s->horizon);
    for (int t = 0; t <= s->horizon; t++)
        g->value[t] = y.have[t] ? y.v[t] : NAN;
    return warnings(r, table, g);
}

int scn_targets(scn_ctx *r, const scn_val *v)
{
    sc_scenario *s = r->s;
    s->ntargets = 0;
    if (!v->n)
        return SC_OK;
    if (scn_map_open(r, v))    /* repeated names are refused here */
        return scn_fail(r);
    void *it = NULL;
    scn_val key, val;
    while (scn_map_next(v, &it, &key, &val)) {
        if (s->ntargets == SC_MAX_TARGETS)
            return SCN_ERR(r, &key, "one target too many (at most %d)", SC_MAX_TARGETS);
        if (one_target(r, &key, &val, &s->targets[s->ntargets]))
            return scn_fail(r);
        s->ntargets++;
    }
    return SC_OK;
}
