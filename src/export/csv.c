/*
 * csv.c — the result as a tidy CSV, one number a row (export.h).
 *
 * Long form rather than one wide sheet per metric because that is what a
 * pivot table, pandas or R wants: filter by metric and statistic, pivot year
 * into columns. Every stored statistic is written (mean, sd, mcse and every
 * stored percentile), with %.17g so each value reads back to the same double
 * (the test checks this against the HDF5 file). Text that a spreadsheet
 * would run as a formula is written as text (field()).
 */
#include "sendcast/export.h"
#include "sendcast/text.h"

#include <math.h>
#include <string.h>

static const char header[] = "metric,level,unit,measure,year,financial_year,statistic,value\n";

/* A text field, quoted when it holds a comma, quote or line break (RFC
 * 4180); one that would start a formula gets a leading apostrophe (and
 * quotes), which spreadsheets show as text. Ids and units come from the
 * result file, which may have been made to carry a formula. */
static void field(FILE *f, const char *s)
{
    sc_text_csv_field(f, s);
}

static void row(FILE *f, const char *metric, const char *level, const char *unit,
                const char *measure, int year, const char *stat, double v)
{
    field(f, metric);
    fputc(',', f);
    fputs(level, f);
    fputc(',', f);
    field(f, unit);
    fputc(',', f);
    field(f, measure);
    if (year > 0)
        fprintf(f, ",%d,%s,", year, sc_year_label(year).s);
    else
        fputs(",all,all,", f);
    fputs(stat, f);
    fputc(',', f);
    if (!isnan(v))
        fprintf(f, "%.17g", v);
    fputc('\n', f);
}

static const char *unit_id(const sc_result *r, enum sc_level v, int u)
{
    return v == SC_LEVEL_DISTRICT ? "district" : v == SC_LEVEL_AREA ? r->area[u] : r->cluster[u];
}

static void write_metric(FILE *f, const sc_result *r, const sc_result_metric *m)
{
    const char *level = sc_level_names[m->level];
    char real[96];
    snprintf(real, sizeof real, "GBP, %s", r->money_basis);
    /* in real terms the forecast's pounds are base-year pounds; the outturn's stay cash */
    const char *unit = r->real && !strcmp(m->unit, "GBP") ? real : m->unit;
    for (int i = 0; i < m->nout; i++)
        row(f, m->name, level, "district", m->unit, m->out_year[i], "outturn", m->out_value[i]);
    for (int u = 0; u < m->units; u++)
        for (int t = 0; t < r->years; t++) {
            size_t c = (size_t)t * (size_t)m->units + (size_t)u;
            const char *id = unit_id(r, m->level, u);
            row(f, m->name, level, id, unit, r->year[t], "mean", m->mean[c]);
            row(f, m->name, level, id, unit, r->year[t], "sd", m->sd[c]);
            row(f, m->name, level, id, unit, r->year[t], "mcse", m->mcse[c]);
            for (int k = 0; k < r->np; k++) {
                char stat[32];
                snprintf(stat, sizeof stat, "p%g", r->percentile[k]);
                row(f, m->name, level, id, unit, r->year[t], stat,
                    m->pct[c * (size_t)r->np + (size_t)k]);
            }
        }
}

static void write_targets(FILE *f, const sc_result *r)
{
    static const char name[] = "safety_valve_balance";
    for (int t = 0; t < r->years; t++) {
        row(f, name, "target", "district", r->real ? "GBP, real terms" : "GBP", r->year[t],
            "target", r->target[t]);
        row(f, name, "target", "district", "probability", r->year[t], "p_met", r->p_met[t]);
        row(f, name, "target", "district", "probability", r->year[t], "p_met_mcse",
            r->p_met_mcse[t]);
        if (r->p_first_breach)
            row(f, name, "target", "district", "probability", r->year[t], "p_first_breach",
                r->p_first_breach[t]);
    }
    row(f, name, "target", "district", "probability", 0, "p_all_met", r->p_all_met);
    row(f, name, "target", "district", "probability", 0, "p_all_met_mcse", r->p_all_met_mcse);
}

/* The `targets:` section's, by name: the same statistics as the Safety
 * Valve's but p_first_breach (no payment hangs on them); the target's unit
 * is its metric's. */
static void write_other_targets(FILE *f, const sc_result *r)
{
    for (int k = 0; k < r->ntargets; k++) {
        const sc_result_target *x = &r->targets[k];
        int gbp = !strcmp(x->unit, "GBP");
        for (int t = 0; t < r->years; t++) {
            row(f, x->name, "target", "district", gbp && r->real ? "GBP, real terms" : x->unit,
                r->year[t], "target", x->target[t]);
            row(f, x->name, "target", "district", "probability", r->year[t], "p_met",
                x->p_met[t]);
            row(f, x->name, "target", "district", "probability", r->year[t], "p_met_mcse",
                x->p_met_mcse[t]);
        }
        row(f, x->name, "target", "district", "probability", 0, "p_all_met", x->p_all_met);
        row(f, x->name, "target", "district", "probability", 0, "p_all_met_mcse",
            x->p_all_met_mcse);
    }
}

int sc_export_csv(const sc_result *r, const char *path, int replace, sc_error *e)
{
    sc_outfile o;
    int rc = sc_outfile_begin(&o, path, 1, e);
    if (rc)
        return rc;
    fputs(header, o.f);
    for (int v = 0; v < SC_NLEVELS; v++)
        for (int k = 0; k < r->nmetrics[v]; k++)
            write_metric(o.f, r, &r->metric[v][k]);
    if (r->has_finance)     /* a demand-only scenario has no targets */
        write_targets(o.f, r);
    write_other_targets(o.f, r);
    return sc_outfile_commit(&o, replace, e);
}
