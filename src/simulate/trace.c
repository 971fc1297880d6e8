/*
 * trace.c — one trajectory, every draw and state, as CSV (year,unit,quantity,
 * value): what an analyst needs to follow a surprising trajectory by hand.
 * Written after each step from what the step kept (sim_flows), so the year
 * step itself carries no tracing code. Numbers are printed with 17
 * significant digits: they read back to the same doubles.
 */
#include <stdio.h>

#include "sim_internal.h"

static void row(FILE *out, int year, const char *unit, const char *quantity, double v)
{
    fprintf(out, "%d,%s,%s,%.17g\n", year, unit, quantity, v);
}

static void row_i(FILE *out, int year, const char *unit, const char *quantity, int index, double v)
{
    fprintf(out, "%d,%s,%s%d,%.17g\n", year, unit, quantity, index, v);
}

static void stock_rows(const sc_scenario *s, const sim_stock *st, int year, const char *unit,
                       FILE *out)
{
    for (int b = 0; b < s->nbands; b++)
        row_i(out, year, unit, "stock_band", b + 1, (double)st->band[b]);
    for (int pl = SC_PL_ARP; pl < SC_NPLACEMENTS; pl++) {
        char q[48];
        snprintf(q, sizeof q, "stock_%s", sc_placement_names[pl]);
        row(out, year, unit, q, (double)st->place[pl]);
    }
}

void sim_trace_start(const sc_scenario *s, const sc_sim_workspace *w, FILE *out)
{
    const sim_params *p = &w->params;
    const int y = s->base_year;
    row(out, y, "parameters", "alpha", p->alpha);
    row(out, y, "parameters", "beta", p->beta);
    row(out, y, "parameters", "dispersion_k", p->k);
    row(out, y, "parameters", "damping_phi", p->phi);
    row(out, y, "parameters", "p_assess", p->p_assess);
    row(out, y, "parameters", "p_issue", p->p_issue);
    for (int pl = 0; pl < SC_NPLACEMENTS; pl++) {
        char q[48];
        snprintf(q, sizeof q, "placement_mix_%s", sc_placement_names[pl]);
        row(out, y, "parameters", q, p->mix[pl]);
        snprintf(q, sizeof q, "cease_%s", sc_placement_names[pl]);
        row(out, y, "parameters", q, p->cease[pl]);
    }
    for (int b = 0; b < s->nbands; b++)
        row_i(out, y, "parameters", "band_mix", b + 1, p->band_mix[b]);
    row(out, y, "parameters", "step_up", p->p_up);
    row(out, y, "parameters", "escalation", p->p_esc);
    row(out, y, "parameters", "post16_transfer", p->p_post16);
    row(out, y, "parameters", "cluster_effect", p->effect);
    row(out, y, "parameters", "heterogeneity_cv", p->cv);
    row(out, y, "parameters", "send_support_drift", p->drift);
    for (int t = 1; t <= s->horizon; t++)
        row(out, s->base_year + t, "parameters", "inflation", p->inflation[t]);
    for (int k = 0; k < s->nlevers && s->nuser_levers; k++) {
        char q[SC_LEVER_NAME_MAX + 16];
        snprintf(q, sizeof q, "lever_%s", s->levers[k].name);
        row(out, y, "parameters", q, p->lever[k]);
    }
    for (int c = 0; c < s->nclusters; c++) {
        row(out, y, s->clusters[c].id, "cluster_effect_c", p->effect_c[c]);
        stock_rows(s, &w->open[c], y, s->clusters[c].id, out);
    }
}

static void cluster_rows(const sc_scenario *s, const sc_sim_workspace *w, int c, int year,
                         FILE *out)
{
    const sim_flows *f = &w->flows[c];
    const char *u = s->clusters[c].id;
    row(out, year, u, "send_support", f->send_support);
    row(out, year, u, "q0", f->q0);
    row(out, year, u, "lambda", f->lambda);
    row(out, year, u, "requests0", (double)f->requests0);
    row(out, year, u, "diverted", (double)f->diverted);
    row(out, year, u, "requests", (double)f->requests);
    row(out, year, u, "assessments", (double)f->assessments);
    row(out, year, u, "new_plans", (double)f->issued);
    for (int pl = 0; pl < SC_NPLACEMENTS; pl++) {
        char q[48];
        snprintf(q, sizeof q, "new_%s", sc_placement_names[pl]);
        row(out, year, u, q, (double)f->new_place[pl]);
        snprintf(q, sizeof q, "ceased_%s", sc_placement_names[pl]);
        row(out, year, u, q, (double)f->ceased_place[pl]);
    }
    for (int b = 0; b < s->nbands; b++) {
        row_i(out, year, u, "new_band", b + 1, (double)f->new_band[b]);
        row_i(out, year, u, "ceased_band", b + 1, (double)f->ceased_band[b]);
        row_i(out, year, u, "to_special_band", b + 1, (double)f->to_special[b]);
        row_i(out, year, u, "to_post16_band", b + 1, (double)f->to_post16[b]);
        row_i(out, year, u, "step_up_band", b + 1, (double)f->step_up[b]);
    }
    if (s->nuser_levers) {      /* what the scenario's own levers did */
        row(out, year, u, "lever_diverted", (double)f->lever_diverted);
        row(out, year, u, "mix_moved", (double)f->mix_moved);
        for (int pl = SC_PL_ARP; pl < SC_NPLACEMENTS; pl++) {
            char q[48];
            snprintf(q, sizeof q, "capacity_moved_%s", sc_placement_names[pl]);
            row(out, year, u, q, (double)f->capacity_moved[pl]);
        }
    }
    stock_rows(s, &w->close[c], year, u, out);
}

void sim_trace_year(const sc_scenario *s, const sc_layout *l, const sc_sim_workspace *w, int t,
                   const double *cells, FILE *out)
{
    const int year = s->base_year + t;
    for (int c = 0; c < s->nclusters; c++)
        cluster_rows(s, w, c, year, out);
    const sc_metric_info *m = sc_layout_metrics(SC_LEVEL_DISTRICT);
    for (int k = 0; k < l->nmetrics[SC_LEVEL_DISTRICT]; k++)
        row(out, year, "district", m[k].name,
            cells[sc_layout_cell(l, SC_LEVEL_DISTRICT, k, t - 1, 0)]);
    row(out, year, "district", "target_met", cells[l->target_offset + (size_t)(t - 1)]);
}
