/*
 * outturn.c — what the council recorded up to the base year, by district
 * metric, for the charts and tables to draw leading into each fan
 * (docs/scenario.md, "outturn").
 *
 * The money comes from the `outturn:` section, since a finance table's items
 * rarely match a metric's definition and sign one for one (an overspend is a
 * negative in-year balance: `negate`). Requests, new plans and plans in place
 * come from history, which already holds them, unless `outturn:` names the
 * metric itself. Nothing here reaches the simulation.
 */
#include "scn_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sendcast/alloc.h"
#include "sendcast/layout.h"

/* The district metrics history gives, and the history column of each. */
static const struct { int metric, role; } from_history[] = {
    { SC_D_REQUESTS, SC_H_REQUESTS },
    { SC_D_NEW_PLANS, SC_H_PLANS_ISSUED },
    { SC_D_PLANS_TOTAL, SC_H_PLANS_OPEN },
};

static int have_metric(const sc_scenario *s, int metric)
{
    for (int k = 0; k < s->noutturn; k++)
        if (s->outturn[k].metric == metric)
            return 1;
    return 0;
}

static int one_metric(scn_ctx *r, const scn_val *key, const scn_val *val, sc_outturn *o)
{
    static const scn_key keys[] = { { "table", 1 }, { "negate", 0 } };
    sc_scenario *s = r->s;
    char name[SC_ID_MAX], regname[SC_ID_MAX + 16];
    if (scn_id(r, key, name, sizeof name))
        return scn_fail(r);
    int m = sc_layout_district_metric(name);
    if (m < 0)
        return SCN_ERR(r, key, "'%s' is not a district metric (docs/outputs.md lists them: "
                       "topup_spend, hnb_balance, cumulative_deficit, ...)", name);
    if (!sc_layout_applies(s, SC_LEVEL_DISTRICT, m))
        return SCN_ERR(r, key, "the scenario does not forecast %s (it lacks the costs, "
                       "finance or cluster_working it needs), so it has no fan to draw its "
                       "outturn into", name);
    if (have_metric(s, m))
        return SCN_ERR(r, key, "%s is given twice", name);
    snprintf(regname, sizeof regname, "outturn.%s", name);
    const scn_dom *d = strcmp(sc_district_metrics[m].unit, "GBP") ? &scn_nonneg : &scn_real;
    const scn_val *table = val;
    scn_val k[2];
    int negate = 0;
    if (scn_kind(val) == SCN_MAP && scn_has_key(val, "table")) {
        if (scn_map(r, val, keys, 2, k) || (k[1].n && scn_bool(r, &k[1], &negate)))
            return scn_fail(r);
        table = &k[0];
    }
    memset(o, 0, sizeof *o);
    o->metric = m;
    if (scn_past_years(r, table, d, regname, o))
        return scn_fail(r);
    for (int i = 0; negate && i < o->n; i++)
        o->value[i] = -o->value[i];
    return SC_OK;
}

/* The status history's value had in the register ("unstated" if none). */
static const char *history_status(const sc_scenario *s, int role, int year)
{
    char name[SC_ID_MAX];
    snprintf(name, sizeof name, "history.%s", sc_history_roles[role]);
    for (int k = 0; k < s->ninputs; k++)
        if (s->inputs[k].year == year && !strcmp(s->inputs[k].name, name))
            return s->inputs[k].status;
    return "unstated";
}

static void from_demand_history(sc_scenario *s, int metric, int role, sc_outturn *o)
{
    const sc_history *h = &s->history;
    memset(o, 0, sizeof *o);
    o->metric = metric;
    /* the latest years, if history is longer than an outturn holds */
    int first = 0;
    for (int i = 0, n = 0; i < h->nyears; i++)
        if (h->year[i] <= s->base_year && !isnan(sc_history_get(h, role, i))
            && ++n > SC_MAX_OUTTURN)
            first = i;
    for (int i = first; i < h->nyears && o->n < SC_MAX_OUTTURN; i++) {
        double x = sc_history_get(h, role, i);
        /* a missing or excluded cell is a gap in the line, not a zero */
        if (h->year[i] > s->base_year || isnan(x))
            continue;
        o->year[o->n] = h->year[i];
        o->value[o->n] = x;
        snprintf(o->status[o->n], sizeof o->status[o->n], "%s",
                 history_status(s, role, h->year[i]));
        o->n++;
    }
}

int scn_outturn(scn_ctx *r, const scn_val *v)
{
    sc_scenario *s = r->s;
    int given = 0;
    if (v->n && scn_map_open(r, v))
        return scn_fail(r);
    if (v->n)
        given = fy_node_mapping_item_count(v->n);
    int cap = (given > 0 ? given : 0) + (int)(sizeof from_history / sizeof from_history[0]);
    s->outturn = sc_calloc((size_t)cap, sizeof *s->outturn);
    if (!s->outturn)
        return SCN_NOMEM(r);
    void *it = NULL;
    scn_val key, val;
    while (v->n && scn_map_next(v, &it, &key, &val)) {
        if (s->noutturn == cap)
            return SCN_ERR(r, v, "more metrics than the mapping holds");   /* cannot happen */
        if (one_metric(r, &key, &val, &s->outturn[s->noutturn]))
            return scn_fail(r);
        s->noutturn++;
    }
    for (size_t j = 0; j < sizeof from_history / sizeof from_history[0]; j++) {
        if (have_metric(s, from_history[j].metric))
            continue;
        from_demand_history(s, from_history[j].metric, from_history[j].role,
                            &s->outturn[s->noutturn]);
        if (s->outturn[s->noutturn].n > 0)
            s->noutturn++;
    }
    return SC_OK;
}
