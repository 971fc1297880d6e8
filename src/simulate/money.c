/*
 * money.c — MODEL.md 3.3 for one year of one trajectory, and the year's cells.
 *
 * Spend on a stock is charged on the year's average stock, (open + close)/2,
 * at base-year unit costs times the price index P_t. Budgets and grant are
 * cash as the scenario gives them. All amounts are nominal pounds.
 */
#include <math.h>

#include "sim_internal.h"

static void put(const sc_layout *l, double *cells, enum sc_level level, int metric, int t, int u,
                double v)
{
    cells[sc_layout_cell(l, level, metric, t - 1, u)] = v;
}

static void add(const sc_layout *l, double *cells, enum sc_level level, int metric, int t, int u,
                double v)
{
    cells[sc_layout_cell(l, level, metric, t - 1, u)] += v;
}

static double avg(int64_t open, int64_t close)
{
    return 0.5 * ((double)open + (double)close);
}

/* Counts and spend of one cluster; returns its spend on other placements. */
static double cluster_year(const sc_scenario *s, const sc_layout *l, sc_sim_workspace *w, int t,
                           int c, double price, double *cells)
{
    const sim_stock *o = &w->open[c], *z = &w->close[c];
    const sim_flows *f = &w->flows[c];
    const int a = s->clusters[c].area;

    double topup = 0;
    int64_t mainstream = 0;
    const sim_year_levers *y = &w->year;   /* levers on tariffs and unit costs (1: none) */
    for (int b = 0; b < s->nbands; b++) {
        topup += avg(o->band[b], z->band[b]) * (s->topup[b] * y->topup[b]) * price;
        mainstream += z->band[b];
    }
    double placements = 0;
    int64_t total = mainstream;
    for (int pl = SC_PL_ARP; pl < SC_NPLACEMENTS; pl++) {
        placements += avg(o->place[pl], z->place[pl]) * (s->unit_cost[pl] * y->unit_cost[pl])
                      * price;
        total += z->place[pl];
        add(l, cells, SC_LEVEL_DISTRICT, SC_D_PLANS_ARP + (pl - SC_PL_ARP), t, 0, (double)z->place[pl]);
    }
    double early = s->clusters[c].early_support * s->ramp[t] * price;
    double spend = topup + early;
    double budget = sc_scenario_budget(s, t, c);
    double gap = spend - budget;
    w->overspend[c] = fmax(0.0, gap);

    put(l, cells, SC_LEVEL_CLUSTER, SC_C_REQUESTS, t, c, (double)f->requests);
    put(l, cells, SC_LEVEL_CLUSTER, SC_C_DIVERTED, t, c, (double)f->diverted);
    put(l, cells, SC_LEVEL_CLUSTER, SC_C_ASSESSMENTS, t, c, (double)f->assessments);
    put(l, cells, SC_LEVEL_CLUSTER, SC_C_NEW_PLANS, t, c, (double)f->issued);
    put(l, cells, SC_LEVEL_CLUSTER, SC_C_PLANS_MAINSTREAM, t, c, (double)mainstream);
    put(l, cells, SC_LEVEL_CLUSTER, SC_C_PLANS_TOTAL, t, c, (double)total);
    put(l, cells, SC_LEVEL_CLUSTER, SC_C_TOPUP_SPEND, t, c, topup);
    put(l, cells, SC_LEVEL_CLUSTER, SC_C_EARLY_SUPPORT_SPEND, t, c, early);
    put(l, cells, SC_LEVEL_CLUSTER, SC_C_CLUSTER_SPEND, t, c, spend);
    put(l, cells, SC_LEVEL_CLUSTER, SC_C_BUDGET, t, c, budget);
    put(l, cells, SC_LEVEL_CLUSTER, SC_C_BUDGET_GAP, t, c, gap);
    put(l, cells, SC_LEVEL_CLUSTER, SC_C_OVERSPEND, t, c, w->overspend[c]);

    add(l, cells, SC_LEVEL_AREA, SC_A_REQUESTS, t, a, (double)f->requests);
    add(l, cells, SC_LEVEL_AREA, SC_A_DIVERTED, t, a, (double)f->diverted);
    add(l, cells, SC_LEVEL_AREA, SC_A_NEW_PLANS, t, a, (double)f->issued);
    add(l, cells, SC_LEVEL_AREA, SC_A_PLANS_MAINSTREAM, t, a, (double)mainstream);
    add(l, cells, SC_LEVEL_AREA, SC_A_TOPUP_SPEND, t, a, topup);
    add(l, cells, SC_LEVEL_AREA, SC_A_CLUSTER_SPEND, t, a, spend);
    add(l, cells, SC_LEVEL_AREA, SC_A_BUDGET, t, a, budget);
    add(l, cells, SC_LEVEL_AREA, SC_A_OVERSPEND, t, a, w->overspend[c]);

    add(l, cells, SC_LEVEL_DISTRICT, SC_D_REQUESTS, t, 0, (double)f->requests);
    add(l, cells, SC_LEVEL_DISTRICT, SC_D_DIVERTED, t, 0, (double)f->diverted);
    add(l, cells, SC_LEVEL_DISTRICT, SC_D_ASSESSMENTS, t, 0, (double)f->assessments);
    add(l, cells, SC_LEVEL_DISTRICT, SC_D_NEW_PLANS, t, 0, (double)f->issued);
    add(l, cells, SC_LEVEL_DISTRICT, SC_D_CEASED, t, 0, (double)f->ceased);
    add(l, cells, SC_LEVEL_DISTRICT, SC_D_PLANS_TOTAL, t, 0, (double)total);
    add(l, cells, SC_LEVEL_DISTRICT, SC_D_PLANS_MAINSTREAM, t, 0, (double)mainstream);
    add(l, cells, SC_LEVEL_DISTRICT, SC_D_TOPUP_SPEND, t, 0, topup);
    add(l, cells, SC_LEVEL_DISTRICT, SC_D_EARLY_SUPPORT_SPEND, t, 0, early);
    add(l, cells, SC_LEVEL_DISTRICT, SC_D_CLUSTER_SPEND, t, 0, spend);
    add(l, cells, SC_LEVEL_DISTRICT, SC_D_PLACEMENT_SPEND, t, 0, placements);
    add(l, cells, SC_LEVEL_DISTRICT, SC_D_BUDGET_GAP, t, 0, gap);
    return placements;
}

/* Area contingency covers what it can of its clusters' overspend. */
static void area_year(const sc_scenario *s, const sc_layout *l, int t, double *cells)
{
    for (int a = 0; a < s->nareas; a++) {
        double contingency = sc_scenario_contingency(s, t, a);
        double over = cells[sc_layout_cell(l, SC_LEVEL_AREA, SC_A_OVERSPEND, t - 1, a)];
        double used = fmin(contingency, over);
        put(l, cells, SC_LEVEL_AREA, SC_A_CONTINGENCY, t, a, contingency);
        put(l, cells, SC_LEVEL_AREA, SC_A_CONTINGENCY_USED, t, a, used);
        put(l, cells, SC_LEVEL_AREA, SC_A_UNCOVERED_OVERSPEND, t, a, over - used);
        add(l, cells, SC_LEVEL_DISTRICT, SC_D_CONTINGENCY_USED, t, 0, used);
        add(l, cells, SC_LEVEL_DISTRICT, SC_D_UNCOVERED_OVERSPEND, t, 0, over - used);
    }
}

static void zero_year(const sc_layout *l, int t, double *cells)
{
    for (int lev = 0; lev < SC_NLEVELS; lev++)
        for (int m = 0; m < l->nmetrics[lev]; m++)
            for (int u = 0; u < l->units[lev]; u++)
                put(l, cells, (enum sc_level)lev, m, t, u, 0.0);
}

void sim_money_start(const sc_scenario *s, sim_money_state *m)
{
    m->price = 1.0;
    m->deficit = s->opening_deficit;
    m->prev_met = 1;      /* the base year is observed: the first payment is due */
    m->breached = 0;
    m->targets = m->met = 0;
}

void sim_year_money(const sc_scenario *s, const sc_layout *l, sc_sim_workspace *w, int t,
                   sim_money_state *m, double *cells)
{
    m->price *= 1 + w->params.inflation[t];
    zero_year(l, t, cells);

    double placements = 0;
    for (int c = 0; c < s->nclusters; c++)
        placements += cluster_year(s, l, w, t, c, m->price, cells);
    area_year(s, l, t, cells);

    double clusters = cells[sc_layout_cell(l, SC_LEVEL_DISTRICT, SC_D_CLUSTER_SPEND, t - 1, 0)];
    double fixed = s->fixed_lines * m->price;
    double spend = clusters + placements + fixed;
    double income = s->grant[t] + s->transfers[t];
    double payment = (s->sv_conditional && !m->prev_met) ? 0.0 : s->sv_payment[t];
    double balance = income + payment - spend;
    m->deficit -= balance;

    double target = s->target[t];
    double met = isnan(target) ? NAN : (balance >= target ? 1.0 : 0.0);
    double first_breach = (met == 0.0 && !m->breached) ? 1.0 : 0.0;
    m->prev_met = isnan(target) || balance >= target;
    m->breached |= met == 0.0;
    m->targets += !isnan(target);
    m->met += met == 1.0;

    put(l, cells, SC_LEVEL_DISTRICT, SC_D_FIXED_SPEND, t, 0, fixed);
    put(l, cells, SC_LEVEL_DISTRICT, SC_D_HNB_SPEND, t, 0, spend);
    put(l, cells, SC_LEVEL_DISTRICT, SC_D_INCOME, t, 0, income);
    put(l, cells, SC_LEVEL_DISTRICT, SC_D_SV_PAYMENT, t, 0, payment);
    put(l, cells, SC_LEVEL_DISTRICT, SC_D_SV_WITHHELD, t, 0, s->sv_payment[t] - payment);
    put(l, cells, SC_LEVEL_DISTRICT, SC_D_HNB_BALANCE, t, 0, balance);
    put(l, cells, SC_LEVEL_DISTRICT, SC_D_CUMULATIVE_DEFICIT, t, 0, m->deficit);
    put(l, cells, SC_LEVEL_DISTRICT, SC_D_PRICE_INDEX, t, 0, m->price);
    cells[l->target_offset + (size_t)(t - 1)] = met;
    cells[l->breach_offset + (size_t)(t - 1)] = first_breach;

    /* The `targets:` section's, once every district cell of the year is in. */
    for (int k = 0; k < l->ntargets; k++) {
        const sc_target *g = &s->targets[k];
        double x = cells[sc_layout_cell(l, SC_LEVEL_DISTRICT, g->metric, t - 1, 0)];
        double v = g->value[t];
        cells[l->xmet_offset + (size_t)k * (size_t)l->years + (size_t)(t - 1)] =
            isnan(v) ? NAN : ((g->at_least ? x >= v : x <= v) ? 1.0 : 0.0);
    }
}

void sim_money_finish(const sc_layout *l, const sim_money_state *m, double *cells)
{
    cells[l->all_met_offset] = m->targets ? (m->met == m->targets ? 1.0 : 0.0) : NAN;
    for (int k = 0; k < l->ntargets; k++) {
        const double *met = cells + l->xmet_offset + (size_t)k * (size_t)l->years;
        double all = NAN;       /* the parser refuses a target with no year */
        for (int y = 0; y < l->years; y++)
            if (!isnan(met[y]))
                all = (isnan(all) || all == 1.0) && met[y] == 1.0 ? 1.0 : 0.0;
        cells[l->xall_offset + (size_t)k] = all;
    }
}
