/*
 * layout.h — what one trajectory records, and where.
 *
 * A trajectory's outputs are a flat array of doubles ("cells"): for each level
 * (district, area, cluster), each metric of that level, each simulated year and
 * each unit of the level. The block of one (level, metric) is contiguous and
 * laid out [year][unit], which is also the HDF5 dataset's layout, so summaries
 * and writers need no reshaping. After the level blocks come the Safety Valve
 * cells of the trajectory: one "target met" indicator per year (1 met, 0 not
 * met, NaN no target), one "first missed target" indicator per year (1 in the
 * first year whose target is missed, else 0), and one "every target met"
 * indicator (NaN when the scenario has no target). Their means are the
 * probabilities the steering group reads.
 */
#ifndef SENDCAST_LAYOUT_H
#define SENDCAST_LAYOUT_H

#include <stddef.h>

#include "sendcast/error.h"
#include "sendcast/scenario.h"

enum sc_level { SC_LEVEL_DISTRICT, SC_LEVEL_AREA, SC_LEVEL_CLUSTER, SC_NLEVELS };
extern const char *const sc_level_names[SC_NLEVELS];   /* "district", "area", "cluster" */

/* What a metric needs the scenario to have, to mean anything: demand metrics
 * nothing; spend the costs (bands.topup and unit costs); the High Needs Block
 * and the Safety Valve the finance section; budgets and contingency the
 * cluster_working section. Cells of a metric the scenario cannot give are
 * still simulated (as zeros), but no result, table or chart shows them. */
enum sc_metric_needs { SC_NEEDS_NOTHING, SC_NEEDS_COSTS, SC_NEEDS_FINANCE,
                       SC_NEEDS_CLUSTER_WORKING };

typedef struct sc_metric_info {
    const char *name;     /* HDF5 dataset group name, CONTRACT.md */
    const char *unit;     /* "plans", "requests", "GBP", ... */
    const char *doc;
    enum sc_metric_needs needs;
} sc_metric_info;

/* District metrics (one unit). */
enum sc_district_metric {
    SC_D_REQUESTS, SC_D_DIVERTED, SC_D_ASSESSMENTS, SC_D_NEW_PLANS,
    SC_D_PLANS_TOTAL, SC_D_PLANS_MAINSTREAM, SC_D_PLANS_ARP, SC_D_PLANS_SPECIAL,
    SC_D_PLANS_INDEPENDENT, SC_D_PLANS_POST16, SC_D_PLANS_OTHER,
    SC_D_TOPUP_SPEND, SC_D_EARLY_SUPPORT_SPEND, SC_D_CLUSTER_SPEND, SC_D_PLACEMENT_SPEND,
    SC_D_FIXED_SPEND, SC_D_HNB_SPEND, SC_D_INCOME, SC_D_SV_PAYMENT, SC_D_HNB_BALANCE,
    SC_D_CUMULATIVE_DEFICIT, SC_D_BUDGET_GAP, SC_D_CONTINGENCY_USED, SC_D_UNCOVERED_OVERSPEND,
    SC_D_CEASED, SC_D_SV_WITHHELD, SC_D_PRICE_INDEX,
    SC_D_NMETRICS
};

/* Area metrics (units = areas): sums over the area's clusters, plus contingency. */
enum sc_area_metric {
    SC_A_REQUESTS, SC_A_DIVERTED, SC_A_NEW_PLANS, SC_A_PLANS_MAINSTREAM,
    SC_A_TOPUP_SPEND, SC_A_CLUSTER_SPEND, SC_A_BUDGET, SC_A_OVERSPEND,
    SC_A_CONTINGENCY, SC_A_CONTINGENCY_USED, SC_A_UNCOVERED_OVERSPEND,
    SC_A_NMETRICS
};

/* Cluster metrics (units = clusters). */
enum sc_cluster_metric {
    SC_C_REQUESTS, SC_C_DIVERTED, SC_C_ASSESSMENTS, SC_C_NEW_PLANS, SC_C_PLANS_MAINSTREAM,
    SC_C_PLANS_TOTAL, SC_C_TOPUP_SPEND, SC_C_EARLY_SUPPORT_SPEND, SC_C_CLUSTER_SPEND,
    SC_C_BUDGET, SC_C_BUDGET_GAP, SC_C_OVERSPEND,
    SC_C_NMETRICS
};

/* One row per enum value, in its order: SC_D_NMETRICS, SC_A_NMETRICS and
 * SC_C_NMETRICS rows (layout.c checks). */
extern const sc_metric_info sc_district_metrics[];
extern const sc_metric_info sc_area_metrics[];
extern const sc_metric_info sc_cluster_metrics[];

typedef struct sc_layout {
    int years;                        /* Y = horizon */
    int units[SC_NLEVELS];            /* 1, nareas, nclusters */
    int nmetrics[SC_NLEVELS];
    size_t offset[SC_NLEVELS];        /* first cell of each level */
    size_t target_offset;             /* Y "target met" indicators */
    size_t breach_offset;             /* Y "first missed target" indicators */
    size_t all_met_offset;            /* 1 "every target met" indicator */
    /* The `targets:` section's (s->targets, k = 0..ntargets-1), after the
     * Safety Valve's: none when the scenario has none, so the cells of a
     * scenario without them are as they were. */
    int ntargets;
    size_t xmet_offset;               /* [k][Y] "target k met" (1, 0; NaN no target) */
    size_t xall_offset;               /* [k] "every year's target k met" (NaN: none) */
    size_t ncells;                    /* all cells, indicators included */
} sc_layout;

void sc_layout_init(sc_layout *l, const sc_scenario *s);
const sc_metric_info *sc_layout_metrics(enum sc_level level);

/* Whether scenario s gives what the metric needs (sc_metric_needs): only such
 * metrics are written, printed and charted. */
int sc_layout_applies(const sc_scenario *s, enum sc_level level, int metric);
/* The district metric named `name` (enum sc_district_metric), or -1. */
int sc_layout_district_metric(const char *name);

/* Whether s has the Safety Valve's cells (its finance section): /targets. */
int sc_layout_has_targets(const sc_scenario *s);

/* First cell of the [year][unit] block of one metric. */
static inline size_t sc_layout_block(const sc_layout *l, enum sc_level level, int metric)
{
    return l->offset[level] + (size_t)metric * (size_t)l->years * (size_t)l->units[level];
}

/* Cell of (level, metric, year index y = t-1, unit u). */
static inline size_t sc_layout_cell(const sc_layout *l, enum sc_level level, int metric, int y, int u)
{
    return sc_layout_block(l, level, metric) + (size_t)y * (size_t)l->units[level] + (size_t)u;
}

#endif
