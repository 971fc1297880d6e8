/*
 * csv.c — the sensitivity table, the layered fan and the budgets as tidy
 * CSV, one number a row (sensitivity.h), for pivot tables and pandas; each
 * written whole or not at all (outfile.h). Numbers with 17 significant
 * digits; NaN an empty field; text fields always quoted (RFC 4180).
 *
 *   sensitivity: section,output,year,financial_year,input,statistic,value
 *     section "sensitivity": statistic share, share_mcse, shift_p10,
 *       shift_p10_mcse, shift_p90, shift_p90_mcse (in the output's own
 *       unit: pounds, plans, probability);
 *     section "centre": the output's median (probability for target_met);
 *     section "layers": inner_pN and outer_pN (N in 5 20 35 50 65 80 95),
 *       parameter_share, parameter_share_mcse; for target_met p_met_full,
 *       p_met_process, p_met_process_mcse.
 *   budgets: section,unit,area,statistic,value,status
 *     section "cluster" (statistics budget_today, p_over_today, budget_scaled,
 *       p_over_scaled, budget_equalised, p_over_equalised, p_over_equalised_mcse),
 *     "area" and "district" (contingency_today, p_covered_today,
 *       contingency_needed_today, contingency_needed, contingency_needed_mcse),
 *     "curve" (statistic contingency_<k>, p_beyond_<k>, expected_beyond_<k>),
 *     "settings" (year, total, risk, p_over_common); status carries the
 *     scenario's label for its own budgets and contingency ("illustrative"),
 *     and for the total, the risk-equalised split, its contingency and
 *     curves when the total is the scenario's own (sc_sens_total_status).
 */
#include "sendcast/sensitivity.h"

#include <math.h>
#include <string.h>

#include "sendcast/outfile.h"
#include "sendcast/text.h"

static void quoted(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++)
        fputs(*s == '"' ? "\"\"" : (char[2]){ *s, 0 }, f);
    fputc('"', f);
}

static void number(FILE *f, double v)
{
    if (!isnan(v))
        fprintf(f, "%.17g", v);
}

static void sens_row(FILE *f, const char *section, int o, int year, const char *input,
                     const char *stat, double v)
{
    fprintf(f, "%s,%s,%d,%s,", section, sc_sens_outputs[o].name, year, sc_year_label(year).s);
    quoted(f, input);
    fprintf(f, ",%s,", stat);
    number(f, v);
    fputc('\n', f);
}

static void write_table(FILE *f, const sc_sens_data *d, const sc_sens_table *t)
{
    for (int o = 0; o < SC_SENS_NOUTPUTS; o++)
        for (int y = 0; t->has[o] && y < d->years; y++) {
            double c = t->centre[(size_t)o * (size_t)d->years + (size_t)y];
            if (isnan(c))
                continue;
            sens_row(f, "centre", o, d->year[y], "", sc_sens_outputs[o].indicator
                                                         ? "probability" : "median", c);
            for (int k = 0; k < t->ninputs; k++) {
                const sc_sens_estimate *x = sc_sens_at(t, o, y, k);
                const char *in = d->input[k].name;
                sens_row(f, "sensitivity", o, d->year[y], in, "share", x->share);
                sens_row(f, "sensitivity", o, d->year[y], in, "share_mcse", x->share_se);
                sens_row(f, "sensitivity", o, d->year[y], in, "shift_p10", x->low);
                sens_row(f, "sensitivity", o, d->year[y], in, "shift_p10_mcse", x->low_se);
                sens_row(f, "sensitivity", o, d->year[y], in, "shift_p90", x->high);
                sens_row(f, "sensitivity", o, d->year[y], in, "shift_p90_mcse", x->high_se);
            }
        }
}

static void write_layers(FILE *f, const sc_sens_data *d)
{
    const sc_sens_layers *l = &d->layers;
    for (int o = 0; l->n > 0 && o < SC_SENS_NOUTPUTS; o++)
        for (int y = 0; l->inner[o] && y < d->years; y++) {
            for (int q = 0; q < SC_SENS_NQ; q++) {
                char s[32];
                size_t at = (size_t)y * SC_SENS_NQ + (size_t)q;
                snprintf(s, sizeof s, "inner_p%g", sc_sens_q[q]);
                sens_row(f, "layers", o, d->year[y], "", s, l->inner[o][at]);
                snprintf(s, sizeof s, "outer_p%g", sc_sens_q[q]);
                sens_row(f, "layers", o, d->year[y], "", s, l->outer[o][at]);
            }
            sens_row(f, "layers", o, d->year[y], "", "parameter_share", l->share[o][y]);
            sens_row(f, "layers", o, d->year[y], "", "parameter_share_mcse", l->share_se[o][y]);
        }
    for (int y = 0; l->p_met_full && y < d->years; y++) {
        sens_row(f, "layers", SC_SENS_TARGET_MET, d->year[y], "", "p_met_full",
                 l->p_met_full[y]);
        sens_row(f, "layers", SC_SENS_TARGET_MET, d->year[y], "", "p_met_process",
                 l->p_met_process[y]);
        sens_row(f, "layers", SC_SENS_TARGET_MET, d->year[y], "", "p_met_process_mcse",
                 l->p_met_process_se[y]);
    }
}

int sc_sens_csv(const sc_sens_data *d, const sc_sens_table *t, const char *path, int replace,
                sc_error *e)
{
    sc_outfile o;
    int rc = sc_outfile_begin(&o, path, 1, e);
    if (rc)
        return rc;
    fputs("section,output,year,financial_year,input,statistic,value\n", o.f);
    write_table(o.f, d, t);
    write_layers(o.f, d);
    if (ferror(o.f)) {
        sc_outfile_abort(&o);
        return SC_ERROR(e, SC_EFAIL, "cannot write %s", path);
    }
    return sc_outfile_commit(&o, replace, e);
}

static void budget_row(FILE *f, const char *section, const char *unit, const char *area,
                       const char *stat, double v, const char *status)
{
    fprintf(f, "%s,", section);
    quoted(f, unit);
    fputc(',', f);
    quoted(f, area);
    fprintf(f, ",%s,", stat);
    number(f, v);
    fputc(',', f);
    quoted(f, status);
    fputc('\n', f);
}

static void write_budgets(FILE *f, const sc_sens_data *d, const sc_sens_budgets *b)
{
    const char *bs = b->budget_status, *cs = b->contingency_status;
    const char *ts = sc_sens_total_status(b);   /* the total's, and all that comes of it */
    budget_row(f, "settings", "", "", "year", d->year[b->t], "");
    budget_row(f, "settings", "", "", "total", b->total, ts);
    budget_row(f, "settings", "", "", "risk", b->risk, "");
    budget_row(f, "settings", "", "", "p_over_common", b->q, "");
    for (int c = 0; c < b->nclusters; c++) {
        const char *u = d->cluster[c], *a = d->cluster_area[c] >= 0 ? d->area[d->cluster_area[c]]
                                                                    : "";
        budget_row(f, "cluster", u, a, "budget_today", b->today[c], bs);
        budget_row(f, "cluster", u, a, "p_over_today", b->p_today[c], bs);
        budget_row(f, "cluster", u, a, "budget_scaled", b->scaled[c], bs);
        budget_row(f, "cluster", u, a, "p_over_scaled", b->p_scaled[c], bs);
        budget_row(f, "cluster", u, a, "budget_equalised", b->equal[c], ts);
        budget_row(f, "cluster", u, a, "p_over_equalised", b->p_equal[c], ts);
        budget_row(f, "cluster", u, a, "p_over_equalised_mcse", b->p_equal_se[c], ts);
    }
    for (int a = 0; a <= b->nareas; a++) {
        const char *sec = a < b->nareas ? "area" : "district";
        const char *u = a < b->nareas ? d->area[a] : "district";
        budget_row(f, sec, u, u, "contingency_today", b->contingency_today[a], cs);
        budget_row(f, sec, u, u, "p_covered_today", b->p_cover_today[a], cs);
        budget_row(f, sec, u, u, "contingency_needed_today", b->need_today[a], bs);
        budget_row(f, sec, u, u, "contingency_needed", b->need_equal[a], ts);
        budget_row(f, sec, u, u, "contingency_needed_mcse", b->need_equal_se[a], ts);
        for (int k = 0; k < SC_BUDGET_CURVE; k++) {
            char s[48];
            size_t at = (size_t)a * SC_BUDGET_CURVE + (size_t)k;
            snprintf(s, sizeof s, "contingency_%d", k);
            budget_row(f, "curve", u, u, s, b->curve_k[at], ts);
            snprintf(s, sizeof s, "p_beyond_%d", k);
            budget_row(f, "curve", u, u, s, b->curve_p[at], ts);
            snprintf(s, sizeof s, "expected_beyond_%d", k);
            budget_row(f, "curve", u, u, s, b->curve_e[at], ts);
        }
    }
}

int sc_sens_budgets_csv(const sc_sens_data *d, const sc_sens_budgets *b, const char *path,
                        int replace, sc_error *e)
{
    sc_outfile o;
    int rc = sc_outfile_begin(&o, path, 1, e);
    if (rc)
        return rc;
    fputs("section,unit,area,statistic,value,status\n", o.f);
    write_budgets(o.f, d, b);
    if (ferror(o.f)) {
        sc_outfile_abort(&o);
        return SC_ERROR(e, SC_EFAIL, "cannot write %s", path);
    }
    return sc_outfile_commit(&o, replace, e);
}
