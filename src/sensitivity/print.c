/*
 * print.c — the tables `sendcast sensitivity` and `sendcast budgets` print
 * (sensitivity.h): what drives each output, the layered fan, a stress test,
 * and the budgets. Money in £m; every estimate with its Monte Carlo error.
 */
#include "sendcast/sensitivity.h"

#include <math.h>
#include <string.h>

#include "sendcast/alloc.h"
#include "sendcast/text.h"

static void years_header(FILE *f, const sc_sens_data *d, const char *first, int width)
{
    fprintf(f, "%-*s", width, first);
    for (int t = 0; t < d->years; t++)
        fprintf(f, " %8s", sc_year_label(d->year[t]).s);
}

/* One output: inputs by share in year y, their share every year, and the
 * shifts of year y. */
static void print_output(FILE *f, const sc_sens_data *d, const sc_sens_table *t, int o, int y,
                         int top, int *rank)
{
    const sc_sens_output_info *info = &sc_sens_outputs[o];
    double s = info->scale;
    if (isnan(t->centre[(size_t)o * (size_t)t->years + (size_t)y])) {
        fprintf(f, "%s: no value in %s\n\n", info->label, sc_year_label(d->year[y]).s);
        return;
    }
    if (!sc_sens_varies(t, o, y)) {   /* every trajectory alike: no share to give */
        fprintf(f, "%s (%s): %.3f in every trajectory in %s: nothing varies, so no input moves "
                "it (--year for another year)\n\n", info->label, info->unit,
                t->centre[(size_t)o * (size_t)t->years + (size_t)y] / s,
                sc_year_label(d->year[y]).s);
        return;
    }
    sc_sens_rank(t, o, y, rank);
    fprintf(f, "%s (%s): the share of its variance each input explains, by year; %s %s at "
            "the input's 10th and 90th percentiles, as a shift from its %s %.3f\n",
            info->label, info->unit, info->indicator ? "its probability" : "its median",
            sc_year_label(d->year[y]).s, info->indicator ? "probability" : "median",
            t->centre[(size_t)o * (size_t)t->years + (size_t)y] / s);
    years_header(f, d, "input", 26);
    fprintf(f, " %8s | %10s %8s %10s %8s\n", "±", "at p10", "±", "at p90", "±");
    int shown = 0;
    double total = 0;
    for (int j = 0; j < t->ninputs && shown < top; j++) {
        const sc_sens_estimate *at = sc_sens_at(t, o, y, rank[j]);
        if (isnan(at->share))
            continue;
        fprintf(f, "%-26.26s", d->input[rank[j]].name);
        for (int yy = 0; yy < t->years; yy++)
            fprintf(f, " %8.3f", sc_sens_at(t, o, yy, rank[j])->share);
        fprintf(f, " %8.3f | %+10.3f %8.3f %+10.3f %8.3f\n", at->share_se, at->low / s,
                at->low_se / s, at->high / s, at->high_se / s);
        total += at->share;
        shown++;
    }
    fprintf(f, "The %d inputs shown explain %.3f of the variance in %s on their own; the rest is "
            "the other inputs, their joint effects and year-to-year chance.\n\n", shown, total,
            sc_year_label(d->year[y]).s);
}

void sc_sens_print(FILE *f, const sc_sens_data *d, const sc_sens_table *t, int only, int y,
                   int top)
{
    fprintf(f, "What drives the bands of %s: %ld trajectories (%s), %d inputs drawn in "
            "the parameter layer\n", d->scenario_name, d->n,
            d->sample_all ? "every trajectory of the run"
                          : "a sample: the first trajectories of a bounded-memory run",
            d->ninputs);
    fprintf(f, "Shares: first-order (Var E[Y|input] / Var Y), estimated from the draws as they "
            "are (rank estimator; no extra runs); ± is the Monte Carlo error (%d batches). "
            "Inputs drawn each year count as one, cumulated to the output's year.\n\n",
            SC_SENS_BATCHES);
    int *rank = sc_calloc((size_t)(t->ninputs ? t->ninputs : 1), sizeof *rank);
    if (!rank)
        return;
    for (int o = 0; o < SC_SENS_NOUTPUTS; o++) {
        int headline = o < SC_SENS_REQUESTS || !t->has[SC_SENS_HNB_SPEND];
        if (t->has[o] && (only == o || (only < 0 && headline)))
            print_output(f, d, t, o, y, top, rank);
    }
    sc_free(rank);
}

void sc_sens_print_layers(FILE *f, const sc_sens_data *d)
{
    const sc_sens_layers *l = &d->layers;
    if (l->n == 0) {
        fputs("No layered fan in this file (run with --sample 0).\n", f);
        return;
    }
    fprintf(f, "Layered fan: the band of the full run (outer) against the band with every "
            "parameter at its central value (inner: year-to-year chance alone), the same %ld "
            "trajectories on common random numbers; parameters' share = 1 - Var(inner) / "
            "Var(outer), what better knowledge of the parameters could remove.\n\n", l->n);
    for (int o = 0; o < SC_SENS_NOUTPUTS; o++) {
        if (!l->inner[o])
            continue;
        const sc_sens_output_info *info = &sc_sens_outputs[o];
        fprintf(f, "%s (%s)\n%-8s %9s %9s %9s | %9s %9s %9s | %10s %7s\n", info->label,
                info->unit, "year", "outer p5", "p50", "p95", "inner p5", "p50", "p95",
                "parameters", "±");
        for (int t = 0; t < d->years; t++) {
            const double *out = l->outer[o] + (size_t)t * SC_SENS_NQ;
            const double *in = l->inner[o] + (size_t)t * SC_SENS_NQ;
            double s = info->scale;
            fprintf(f, "%-8s %9.2f %9.2f %9.2f | %9.2f %9.2f %9.2f | %10.3f %7.3f\n",
                    sc_year_label(d->year[t]).s, out[0] / s, out[3] / s, out[6] / s, in[0] / s,
                    in[3] / s, in[6] / s, l->share[o][t], l->share_se[o][t]);
        }
        fputc('\n', f);
    }
    if (l->p_met_full) {
        fprintf(f, "P(Safety Valve target met)\n%-8s %10s %14s %8s\n", "year", "full run",
                "central values", "±");
        for (int t = 0; t < d->years; t++)
            fprintf(f, "%-8s %10.3f %14.3f %8.3f\n", sc_year_label(d->year[t]).s,
                    l->p_met_full[t], l->p_met_process[t], l->p_met_process_se[t]);
        fputc('\n', f);
    }
}

void sc_sens_condition_text(const sc_sens_data *d, const sc_sens_condition *c, int nc,
                            char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int k = 0; k < nc; k++) {
        char item[256];
        snprintf(item, sizeof item, "%s between its %gth and %gth percentiles",
                 d->input[c[k].input].name, c[k].lo, c[k].hi);
        if (sc_text_append(buf, size, &used, " and ", item))
            break;
    }
}

void sc_sens_print_stress(FILE *f, const sc_sens_data *d, const sc_sens_condition *c, int nc,
                          const sc_sens_stress *s)
{
    char what[1024];
    sc_sens_condition_text(d, c, nc, what, sizeof what);
    fprintf(f, "Stress test: the outputs when %s (percentiles over all %ld trajectories, "
            "each year; a per-year input cumulated to that year). n: the trajectories that "
            "meet it, each counting once.\n\n", what, d->n);
    for (int o = 0; o < SC_SENS_NOUTPUTS; o++) {
        const sc_sens_output_info *info = &sc_sens_outputs[o];
        if (!d->out[o])
            continue;
        double sc = info->scale;
        if (info->indicator)
            fprintf(f, "%s\n%-8s %8s | %10s %8s %8s\n", info->label, "year", "all", "stressed",
                    "±", "n");
        else
            fprintf(f, "%s (%s)\n%-8s %9s %9s %9s | %9s %9s %9s %8s %8s\n", info->label,
                    info->unit, "year", "all p5", "p50", "p95", "stress p5", "p50", "p95", "±",
                    "n");
        for (int t = 0; t < d->years; t++) {
            size_t at = ((size_t)o * (size_t)d->years + (size_t)t) * 3;
            const double *a = s->all + at, *b = s->cond + at;
            double se = s->cond_se[(size_t)o * (size_t)d->years + (size_t)t];
            if (isnan(a[1]))
                continue;
            if (info->indicator)
                fprintf(f, "%-8s %8.3f | %10.3f %8.3f %8ld\n", sc_year_label(d->year[t]).s,
                        a[1], b[1], se, s->count[t]);
            else
                fprintf(f, "%-8s %9.2f %9.2f %9.2f | %9.2f %9.2f %9.2f %8.2f %8ld\n",
                        sc_year_label(d->year[t]).s, a[0] / sc, a[1] / sc, a[2] / sc,
                        b[0] / sc, b[1] / sc, b[2] / sc, se / sc, s->count[t]);
        }
        fputc('\n', f);
    }
}

void sc_sens_print_budgets(FILE *f, const sc_sens_data *d, const sc_sens_budgets *b)
{
    const char *bl = sc_sens_label(b->budget_status), *cl = sc_sens_label(b->contingency_status);
    const char *tl = sc_sens_label(sc_sens_total_status(b));
    fprintf(f, "Cluster budgets for %s: a total of £%.3fm%s shared so that every cluster has the "
            "same chance of overspending, beside today's split%s (%ld trajectories)\n",
            sc_year_label(d->year[b->t]).s, b->total / 1e6,
            *tl ? " (the scenario's own total: illustrative)" : "", bl, b->n);
    if (b->clamped)
        fprintf(f, "Note: £%.3fm is %s what the clusters' spend ranges over in the "
                "trajectories: every cluster %s.\n", b->total / 1e6,
                b->clamped < 0 ? "below" : "above",
                b->clamped < 0 ? "overspends in (almost) every trajectory"
                               : "stays within it in every trajectory");
    fprintf(f, "%-10s %-6s %11s %8s | %11s %8s | %11s %8s %7s\n", "cluster", "area",
            "today £m", "P(over)", "T, today's", "P(over)", "equalised", "P(over)", "±");
    double tt = 0;
    for (int c = 0; c < b->nclusters; c++) {
        int a = d->cluster_area[c];
        tt += b->today[c];
        fprintf(f, "%-10.10s %-6.6s %11.3f %8.3f | %11.3f %8.3f | %11.3f %8.3f %7.3f\n",
                d->cluster[c], a >= 0 ? d->area[a] : "", b->today[c] / 1e6, b->p_today[c],
                b->scaled[c] / 1e6, b->p_scaled[c], b->equal[c] / 1e6, b->p_equal[c],
                b->p_equal_se[c]);
    }
    fprintf(f, "%-17s %11.3f %8s | %11.3f %8s | %11.3f %8.3f\n", "total", tt / 1e6, "",
            b->total / 1e6, "", b->total / 1e6, b->q);
    fprintf(f, "today: the scenario's budgets%s; T, today's: the total shared in today's "
            "proportions; equalised%s: every cluster's overspend as likely, %.3f.\n\n", bl, tl, b->q);
    fprintf(f, "Area contingency covering its clusters' overspend with probability %.2f (pooled "
            "within the area), with the equalised budgets%s; beside it today's contingency%s with "
            "today's budgets%s\n", b->risk, tl, cl, bl);
    fprintf(f, "%-22s %12s %12s %12s | %12s %8s\n", "area", "today £m", "P(covered)",
            "needed today", "needed £m", "±");
    for (int a = 0; a <= b->nareas; a++) {
        fprintf(f, "%-22.22s %12.3f %12.3f %12.3f | %12.3f %8.3f\n",
                a < b->nareas ? d->area[a] : "district, one pool", b->contingency_today[a] / 1e6,
                b->p_cover_today[a], b->need_today[a] / 1e6, b->need_equal[a] / 1e6,
                b->need_equal_se[a] / 1e6);
    }
    double sum = 0;
    for (int a = 0; a < b->nareas; a++)
        sum += b->need_equal[a];
    fprintf(f, "The areas' contingencies add up to £%.3fm; one district pool would need £%.3fm "
            "for the same cover. The trade-off curves (contingency held against the chance and "
            "the expected size of overspend beyond it) are in the CSV and the chart.\n",
            sum / 1e6, b->need_equal[b->nareas] / 1e6);
}
