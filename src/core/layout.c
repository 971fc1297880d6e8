/*
 * layout.c — the metric tables and the cell layout of one trajectory record.
 *
 * The three tables below are the single declaration of every output metric:
 * the simulation writes cells by enum, the summary treats every cell alike,
 * and the HDF5 writer takes group names, units and docs from here. Their rows
 * follow the enums of layout.h one for one (the static asserts below and a
 * test keep them in step), and the names are CONTRACT.md's, which outside
 * scripts rely on.
 *
 * Each metric also says what it needs of the scenario (costs, finance,
 * cluster working): every cell is simulated alike, but only the metrics a
 * scenario can give are written and shown (sc_layout_applies).
 *
 * Conventions stated in the docs: money is in cash terms (nominal pounds of each year);
 * plan counts are the stock at the end of the year; flows (requests,
 * assessments, new plans, spend) are totals over the year.
 */
#include "sendcast/layout.h"

#include <assert.h>
#include <string.h>

const char *const sc_level_names[SC_NLEVELS] = { "district", "area", "cluster" };

const sc_metric_info sc_district_metrics[] = {
    [SC_D_REQUESTS] = { "requests", "requests",
        "EHC needs assessment requests in the year, after diversion" },
    [SC_D_DIVERTED] = { "diverted", "requests",
        "requests diverted to early support by cluster working in the year" },
    [SC_D_ASSESSMENTS] = { "assessments", "assessments",
        "needs assessments started in the year" },
    [SC_D_NEW_PLANS] = { "new_plans", "plans", "EHC plans issued in the year" },
    [SC_D_PLANS_TOTAL] = { "plans_total", "plans",
        "EHC plans in every placement at the end of the year" },
    [SC_D_PLANS_MAINSTREAM] = { "plans_mainstream", "plans",
        "top-up plans in mainstream schools (not ARP) at the end of the year" },
    [SC_D_PLANS_ARP] = { "plans_arp", "plans",
        "plans in additionally resourced provision at the end of the year" },
    [SC_D_PLANS_SPECIAL] = { "plans_special", "plans",
        "plans in maintained special schools at the end of the year" },
    [SC_D_PLANS_INDEPENDENT] = { "plans_independent", "plans",
        "plans in independent and non-maintained special schools at the end of the year" },
    [SC_D_PLANS_POST16] = { "plans_post16", "plans",
        "post-16 plans at the end of the year" },
    [SC_D_PLANS_OTHER] = { "plans_other", "plans",
        "plans in other placements at the end of the year" },
    [SC_D_TOPUP_SPEND] = { "topup_spend", "GBP",
        "mainstream top-up spend in the year, nominal pounds", SC_NEEDS_COSTS },
    [SC_D_EARLY_SUPPORT_SPEND] = { "early_support_spend", "GBP",
        "early-support spend of the clusters in the year, nominal pounds", SC_NEEDS_COSTS },
    [SC_D_CLUSTER_SPEND] = { "cluster_spend", "GBP",
        "cluster spend (top-up + early support) in the year, nominal pounds", SC_NEEDS_COSTS },
    [SC_D_PLACEMENT_SPEND] = { "placement_spend", "GBP",
        "spend on placements other than mainstream top-up in the year, nominal pounds",
        SC_NEEDS_COSTS },
    [SC_D_FIXED_SPEND] = { "fixed_spend", "GBP",
        "fixed high-needs lines in the year, nominal pounds", SC_NEEDS_FINANCE },
    [SC_D_HNB_SPEND] = { "hnb_spend", "GBP",
        "high-needs block spend in the year, nominal pounds", SC_NEEDS_FINANCE },
    [SC_D_INCOME] = { "income", "GBP",
        "high-needs income in the year (grant + transfers), nominal pounds", SC_NEEDS_FINANCE },
    [SC_D_SV_PAYMENT] = { "sv_payment", "GBP",
        "Safety Valve payment received in the year, nominal pounds", SC_NEEDS_FINANCE },
    [SC_D_HNB_BALANCE] = { "hnb_balance", "GBP",
        "in-year balance = income + sv_payment - hnb_spend, nominal pounds", SC_NEEDS_FINANCE },
    [SC_D_CUMULATIVE_DEFICIT] = { "cumulative_deficit", "GBP",
        "cumulative high-needs deficit at the end of the year, nominal pounds", SC_NEEDS_FINANCE },
    [SC_D_BUDGET_GAP] = { "budget_gap", "GBP",
        "cluster spend - cluster budgets over all clusters in the year, signed, nominal pounds",
        SC_NEEDS_CLUSTER_WORKING },
    [SC_D_CONTINGENCY_USED] = { "contingency_used", "GBP",
        "area contingency used over all areas in the year, nominal pounds",
        SC_NEEDS_CLUSTER_WORKING },
    [SC_D_UNCOVERED_OVERSPEND] = { "uncovered_overspend", "GBP",
        "cluster overspend not covered by area contingency in the year, nominal pounds",
        SC_NEEDS_CLUSTER_WORKING },
    [SC_D_CEASED] = { "ceased", "plans",
                      "plans that ceased in the year, all placements (step 8a)" },
    [SC_D_SV_WITHHELD] = { "sv_withheld", "GBP",
                           "Safety Valve payment withheld in the year because the previous "
                           "year's target was missed (conditional agreements only)",
                           SC_NEEDS_FINANCE },
    [SC_D_PRICE_INDEX] = { "price_index", "index",
                           "the simulated price index P_t (base year 1) that grows base-year "
                           "unit costs: money / price_index is in base-year prices",
                           SC_NEEDS_COSTS },
};

const sc_metric_info sc_area_metrics[] = {
    [SC_A_REQUESTS] = { "requests", "requests",
        "requests in the area's clusters in the year, after diversion" },
    [SC_A_DIVERTED] = { "diverted", "requests",
        "requests diverted to early support in the area in the year" },
    [SC_A_NEW_PLANS] = { "new_plans", "plans", "EHC plans issued in the area in the year" },
    [SC_A_PLANS_MAINSTREAM] = { "plans_mainstream", "plans",
        "mainstream top-up plans in the area at the end of the year" },
    [SC_A_TOPUP_SPEND] = { "topup_spend", "GBP",
        "mainstream top-up spend in the area in the year, nominal pounds", SC_NEEDS_COSTS },
    [SC_A_CLUSTER_SPEND] = { "cluster_spend", "GBP",
        "cluster spend (top-up + early support) in the area in the year, nominal pounds",
        SC_NEEDS_COSTS },
    [SC_A_BUDGET] = { "budget", "GBP",
        "sum of the area's cluster budgets in the year, nominal pounds", SC_NEEDS_CLUSTER_WORKING },
    [SC_A_OVERSPEND] = { "overspend", "GBP",
        "sum of the area's cluster overspends max(0, spend - budget) in the year, nominal pounds",
        SC_NEEDS_CLUSTER_WORKING },
    [SC_A_CONTINGENCY] = { "contingency", "GBP",
        "area contingency available in the year, nominal pounds", SC_NEEDS_CLUSTER_WORKING },
    [SC_A_CONTINGENCY_USED] = { "contingency_used", "GBP",
        "contingency used = min(contingency, overspend) in the year, nominal pounds",
        SC_NEEDS_CLUSTER_WORKING },
    [SC_A_UNCOVERED_OVERSPEND] = { "uncovered_overspend", "GBP",
        "overspend - contingency_used in the year, nominal pounds", SC_NEEDS_CLUSTER_WORKING },
};

const sc_metric_info sc_cluster_metrics[] = {
    [SC_C_REQUESTS] = { "requests", "requests",
        "requests in the cluster in the year, after diversion" },
    [SC_C_DIVERTED] = { "diverted", "requests",
        "requests diverted to early support in the cluster in the year" },
    [SC_C_ASSESSMENTS] = { "assessments", "assessments",
        "needs assessments started in the cluster in the year" },
    [SC_C_NEW_PLANS] = { "new_plans", "plans", "EHC plans issued in the cluster in the year" },
    [SC_C_PLANS_MAINSTREAM] = { "plans_mainstream", "plans",
        "mainstream top-up plans in the cluster at the end of the year" },
    [SC_C_PLANS_TOTAL] = { "plans_total", "plans",
        "plans in every placement from the cluster at the end of the year" },
    [SC_C_TOPUP_SPEND] = { "topup_spend", "GBP",
        "mainstream top-up spend of the cluster in the year, nominal pounds", SC_NEEDS_COSTS },
    [SC_C_EARLY_SUPPORT_SPEND] = { "early_support_spend", "GBP",
        "early-support spend of the cluster in the year, nominal pounds", SC_NEEDS_COSTS },
    [SC_C_CLUSTER_SPEND] = { "cluster_spend", "GBP",
        "cluster spend (top-up + early support) in the year, nominal pounds", SC_NEEDS_COSTS },
    [SC_C_BUDGET] = { "budget", "GBP", "cluster budget in the year, nominal pounds",
        SC_NEEDS_CLUSTER_WORKING },
    [SC_C_BUDGET_GAP] = { "budget_gap", "GBP",
        "cluster_spend - budget in the year, signed, nominal pounds", SC_NEEDS_CLUSTER_WORKING },
    [SC_C_OVERSPEND] = { "overspend", "GBP",
        "max(0, budget_gap) in the year, nominal pounds", SC_NEEDS_CLUSTER_WORKING },
};

/* The tables are sized by their rows, so these fail to compile when the last
 * row of an enum has no row here, or a row outlives its enum value; a row
 * forgotten in the middle leaves a NULL name, which test_layout_tables in
 * tests/test_summary.c finds (a NULL name, unit or doc). */
static_assert(sizeof sc_district_metrics / sizeof sc_district_metrics[0] == SC_D_NMETRICS,
              "district metric table");
static_assert(sizeof sc_area_metrics / sizeof sc_area_metrics[0] == SC_A_NMETRICS,
              "area metric table");
static_assert(sizeof sc_cluster_metrics / sizeof sc_cluster_metrics[0] == SC_C_NMETRICS,
              "cluster metric table");

int sc_layout_has_targets(const sc_scenario *s)
{
    return s->has_finance;
}

int sc_layout_district_metric(const char *name)
{
    for (int m = 0; m < SC_D_NMETRICS; m++)
        if (!strcmp(sc_district_metrics[m].name, name))
            return m;
    return -1;
}

int sc_layout_applies(const sc_scenario *s, enum sc_level level, int metric)
{
    const sc_metric_info *m = sc_layout_metrics(level);
    if (!m || metric < 0)
        return 0;
    switch (m[metric].needs) {
    case SC_NEEDS_COSTS: return s->has_costs;
    case SC_NEEDS_FINANCE: return s->has_finance;
    case SC_NEEDS_CLUSTER_WORKING: return s->has_cluster_working;
    case SC_NEEDS_NOTHING: break;
    }
    return 1;
}

const sc_metric_info *sc_layout_metrics(enum sc_level level)
{
    switch (level) {
    case SC_LEVEL_DISTRICT: return sc_district_metrics;
    case SC_LEVEL_AREA: return sc_area_metrics;
    case SC_LEVEL_CLUSTER: return sc_cluster_metrics;
    default: return NULL;
    }
}

/* Levels follow one another, each a block of nmetrics x years x units cells,
 * then the Safety Valve indicators: met [Y], first missed [Y], all met [1],
 * then the other targets': met [ntargets][Y], all met [ntargets]. */
void sc_layout_init(sc_layout *l, const sc_scenario *s)
{
    l->years = s->horizon;
    l->units[SC_LEVEL_DISTRICT] = 1;
    l->units[SC_LEVEL_AREA] = s->nareas;
    l->units[SC_LEVEL_CLUSTER] = s->nclusters;
    l->nmetrics[SC_LEVEL_DISTRICT] = SC_D_NMETRICS;
    l->nmetrics[SC_LEVEL_AREA] = SC_A_NMETRICS;
    l->nmetrics[SC_LEVEL_CLUSTER] = SC_C_NMETRICS;

    size_t next = 0;
    for (int v = 0; v < SC_NLEVELS; v++) {
        l->offset[v] = next;
        next += (size_t)l->nmetrics[v] * (size_t)l->years * (size_t)l->units[v];
    }
    l->target_offset = next;
    l->breach_offset = next + (size_t)l->years;
    l->all_met_offset = l->breach_offset + (size_t)l->years;
    l->ntargets = s->ntargets;
    l->xmet_offset = l->all_met_offset + 1;
    l->xall_offset = l->xmet_offset + (size_t)l->ntargets * (size_t)l->years;
    l->ncells = l->xall_offset + (size_t)l->ntargets;
}
