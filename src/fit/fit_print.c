/*
 * fit_print.c — the table of `sendcast fit`: for every fitted parameter its
 * estimate, standard error or 95% interval, and the data it came from; for
 * the trend also the goodness of fit (deviance and Pearson chi-square per
 * degree of freedom) and the Pearson residual of every year.
 *
 * Beta and Dirichlet intervals are equal-tailed 2.5%/97.5% quantiles of the
 * posterior (a Dirichlet component's marginal is Beta(alpha_j, sum - alpha_j));
 * the trend's are Wald intervals from the inverse observed information
 * (k's on the log scale, where its likelihood is closer to quadratic).
 */
#include "sendcast/fit.h"

#include <math.h>

#include "sendcast/stats.h"
#include "sendcast/text.h"

/* sendcast's own Beta quantile: GSL's inverse did not converge for some
 * posteriors (a Beta(160.5, 1418.5) at 0.975) and aborted the process. */
static void beta_line(FILE *out, const char *label, double a, double b)
{
    double m = a / (a + b), sd = sqrt(a * b / ((a + b) * (a + b) * (a + b + 1)));
    fprintf(out, "  %-12s %9.4f   sd %.4f   95%% [%.4f, %.4f]   Beta(%.6g, %.6g)\n", label, m, sd,
            sc_stats_beta_quantile(0.025, a, b), sc_stats_beta_quantile(0.975, a, b), a, b);
}

static void print_trend(FILE *out, const sc_scenario *s, const sc_params *p,
                        const sc_fit_result *r)
{
    const sc_fit_nb *f = &r->trend;
    const sc_fit_nb_data *d = &r->trend_data;
    fprintf(out, "conversion: negative-binomial trend, %s\n",
            r->trend_on_plans ? "plans issued (fallback)" : "requests per SEND-support pupil");
    fprintf(out, "  %-12s %9.5f   se %.5f   95%% [%.5f, %.5f]   log rate in %d\n", "alpha",
            f->alpha, f->se_alpha, f->alpha - 1.96 * f->se_alpha, f->alpha + 1.96 * f->se_alpha,
            s->base_year);
    fprintf(out, "  %-12s %9.5f   se %.5f   95%% [%.5f, %.5f]   %+.1f%% a year\n", "beta",
            f->beta, f->se_beta, f->beta - 1.96 * f->se_beta, f->beta + 1.96 * f->se_beta,
            100 * expm1(f->beta));
    fprintf(out, "  %-12s %9.4f   cov(alpha, beta) = [[%.6g, %.6g], [%.6g, %.6g]]\n",
            "corr", f->cov[0][1] / (f->se_alpha * f->se_beta), f->cov[0][0], f->cov[0][1],
            f->cov[1][0], f->cov[1][1]);
    if (f->poisson)
        fprintf(out, "  %-12s       inf   (Poisson: no extra-Poisson variation)\n", "k");
    else if (isnan(f->se_logk))
        fprintf(out, "  %-12s %9.4g   held at the scenario's value\n", "k", f->k);
    else
        fprintf(out, "  %-12s %9.4g   se(log k) %.4f   95%% [%.4g, %.4g]\n", "k", f->k, f->se_logk,
                f->k_lo, f->k_hi);
    if (d->fit_effect)
        fprintf(out, "  %-12s %9.4f   sd %.4f   (MAP with prior Beta(%g, %g), Laplace on logit)\n",
                "E", f->effect, f->effect_sd, d->prior_a, d->prior_b);
    fprintf(out, "  data: %s\n", sc_params_dist(p, SC_P_CONVERSION)->fitted_from);
    if (!r->ss_from_history)
        fprintf(out, "  SEND-support pupils: %.2f every year (the base year's: history has "
                "none)\n", r->ss_base);
    fprintf(out, "  goodness of fit: deviance %.3f, Pearson chi2 %.3f on %d df: %.3f and %.3f "
            "per df\n", f->deviance, f->pearson, f->df, f->df > 0 ? f->deviance / f->df : NAN,
            f->df > 0 ? f->pearson / f->df : NAN);
    fprintf(out, "  %-6s %10s %10s %9s %6s\n", "year", "observed", "fitted", "Pearson", "ramp");
    for (int i = 0; i < d->n; i++)
        fprintf(out, "  %-6d %10.0f %10.1f %+9.3f %6.2f\n", r->trend_year[i], d->y[i], f->mu[i],
                f->resid[i], d->ramp[i]);
}

static void print_dirichlet(FILE *out, const sc_params *p, int id)
{
    const sc_dist *d = sc_params_dist(p, (enum sc_param_id)id);
    double sum = 0;
    for (int j = 0; j < d->dim; j++)
        sum += d->value[j];
    fprintf(out, "%s: Dirichlet, alpha sum %.1f\n", sc_param_table[id].name, sum);
    for (int j = 0; j < d->dim; j++) {
        char label[32];
        if (id == SC_P_PLACEMENT_MIX)
            snprintf(label, sizeof label, "%s", sc_placement_names[j]);
        else
            snprintf(label, sizeof label, "band %d", j + 1);
        beta_line(out, label, d->value[j], sum - d->value[j]);
    }
    fprintf(out, "  data: %s\n", d->fitted_from);
}

/* Model 2's fitted parameters, by what they are (docs/model.md 2). */
static void print_model2(FILE *out, const sc_scenario *s, const sc_params *p,
                         const sc_fit_result *r)
{
    const sc_dist *c = sc_params_dist(p, SC_P_CONVERSION);
    fprintf(out, "Model 2, pooled towards the national priors (origin %d, %d councils)\n",
            r->m2_priors_origin, r->m2_priors_councils);
    fprintf(out, "  requests %d-%d (%d years); data: %s\n\n", r->m2_years[0], r->m2_years[1],
            r->m2_nrequests, c->fitted_from);
    if (r->fitted[SC_P_CONVERSION]) {
        double sl = sqrt(c->cov[0][0]), sb = sqrt(c->cov[1][1]);
        fprintf(out, "conversion: filtered level and trend deviation at %d\n", s->base_year);
        fprintf(out, "  %-20s %9.5f   sd %.5f   95%% [%.5f, %.5f]   log requests per "
                "SEND-support pupil\n", "level", c->value[0], sl, c->value[0] - 1.96 * sl,
                c->value[0] + 1.96 * sl);
        fprintf(out, "  %-20s %+9.5f   sd %.5f   95%% [%+.5f, %+.5f]   beside the national "
                "trend\n\n", "trend deviation", c->value[1], sb, c->value[1] - 1.96 * sb,
                c->value[1] + 1.96 * sb);
    }
    for (int id = 0; id < SC_NPARAMS; id++) {
        const sc_dist *d = sc_params_dist(p, (enum sc_param_id)id);
        if (!r->fitted[id] || id == SC_P_CONVERSION || !sc_param_in_model(id, 2)
            || d->kind == SC_DIST_DIRICHLET || (sc_param_in_model(id, 1) && id != SC_P_DAMPING
                                                && id != SC_P_ASSESS))
            continue;
        const char *name = sc_param_table[id].name;
        switch (d->kind) {
        case SC_DIST_BETA:
            fprintf(out, "%s\n", name);
            beta_line(out, "estimate", d->p[0], d->p[1]);
            break;
        case SC_DIST_NORMAL:
            fprintf(out, "%s\n  %-12s %9.5f   sd %.5f   95%% [%.5f, %.5f]   Normal\n", name,
                    "estimate", d->p[0], d->p[1], d->p[0] - 1.96 * d->p[1], d->p[0] + 1.96 * d->p[1]);
            break;
        case SC_DIST_SCALED_INV_CHI2:
            fprintf(out, "%s\n  %-12s %9.5f   (a shock sd of about %.4f)   Scaled-Inv-chi2(nu %.4g, s2 %.6g)\n",
                    name, "median", d->p[0] * d->p[1] / sc_stats_chisq_quantile(0.5, d->p[0]),
                    sqrt(d->p[1]), d->p[0], d->p[1]);
            break;
        default:
            fprintf(out, "%s\n  %-12s %9.5f   (national prior)\n", name, "value", d->value[0]);
            break;
        }
    }
    fprintf(out, "\n  the council's net leaving rate %.4f a year, its cease rates' mean %.4f: "
            "net transfer in %.4f\n\n", r->m2_netleave, r->m2_cease_mean,
            sc_params_dist(p, SC_P_NET_TRANSFER)->p[0]);
}

/* The file column of a history role (the role's own name when unmapped). */
static const char *column_of(const sc_history *h, int role)
{
    return h->column[role][0] ? h->column[role] : sc_history_roles[role];
}

/* "requests" or "all columns" for an exclusion's column bits. */
static void columns_text(const sc_history *h, unsigned bits, char *buf, size_t cap)
{
    size_t used = 0;
    buf[0] = '\0';
    if (bits == (1u << SC_NHISTORY) - 1) {
        snprintf(buf, cap, "the whole year");
        return;
    }
    for (int j = 0; j < SC_NHISTORY; j++)
        if ((bits & (1u << j)) && sc_text_append(buf, cap, &used, ", ", column_of(h, j)))
            return;
}

/* Where the history came from, what was left out of every fit and why, and
 * the years with more assessments than requests. */
static void print_history(FILE *out, const sc_history *h)
{
    if (h->nyears == 0)
        return;
    if (h->from_sen2) {
        const sc_history_sen2 *x = &h->sen2;
        fprintf(out, "History: DfE SEN2, %s (%s%s%s), %s; years %d-%d\n", x->la_name,
                x->la_old_code, x->la_old_code[0] && x->la_new_codes[0] ? ", " : "",
                x->la_new_codes, x->region, h->year[0], h->year[h->nyears - 1]);
        for (int k = 0; k < x->nreleases; k++)
            fprintf(out, "  release %d: %s (SHA-256 %s)\n", k + 1, x->release[k], x->sha256[k]);
    } else {
        fprintf(out, "History: %s; years %d-%d\n", h->path, h->year[0], h->year[h->nyears - 1]);
    }
    if (h->nexclude)
        fprintf(out, "  left out of every fit (%d):\n", h->nexclude);
    for (int k = 0; k < h->nexclude; k++) {
        const sc_history_exclusion *x = &h->exclude[k];
        char cols[SC_TEXT_MAX];
        columns_text(h, x->columns, cols, sizeof cols);
        if (x->rule)
            fprintf(out, "    %d %s (%g): SEN2 rule %d: %s\n", x->year, cols, x->value, x->rule,
                    x->reason);
        else
            fprintf(out, "    %d %s: %s\n", x->year, cols, x->reason);
    }
    int nlag = 0;
    for (int i = 0; i < h->nyears; i++) {
        double req = sc_history_get(h, SC_H_REQUESTS, i), ass = sc_history_get(h, SC_H_ASSESSMENTS, i);
        if (isnan(req) || isnan(ass) || !(ass > req))
            continue;
        if (!nlag++)
            fprintf(out, "  more %s than %s (a lag across the calendar year, not an error; "
                    "rates are fitted on sums over years):", column_of(h, SC_H_ASSESSMENTS),
                    column_of(h, SC_H_REQUESTS));
        fprintf(out, "%s %d (%.0f > %.0f)", nlag > 1 ? "," : "", h->year[i], ass, req);
    }
    if (nlag)
        fputc('\n', out);
    fputc('\n', out);
}

/* The years a rate's count was above its denominator, fitted on the sums. */
static void print_over(FILE *out, const sc_fit_result *r, int id)
{
    if (!r->nover[id])
        return;
    fprintf(out, "  above 1 in %d year%s, fitted on the sums:", r->nover[id],
            r->nover[id] == 1 ? "" : "s");
    for (int k = 0; k < r->nover[id]; k++)
        fprintf(out, "%s %d", k ? "," : "", r->over_year[id][k]);
    fputs(r->capped[id] ? "; the sums too: counted as every one\n" : "\n", out);
}

void sc_fit_print(FILE *out, const sc_scenario *s, const sc_params *p, const sc_fit_result *r)
{
    fprintf(out, "Parameters fitted from history (%s), scenario %s, base year %d\n\n",
            s->model == 2 ? "docs/model.md 4" : "MODEL.md 5", s->name, s->base_year);
    print_history(out, &s->history);
    if (r->have_model2)
        print_model2(out, s, p, r);
    if (r->have_trend) {
        print_trend(out, s, p, r);
        if (r->fitted[SC_P_DISPERSION])
            fprintf(out, "  dispersion: fixed at k = %.6g in the simulation\n",
                    sc_params_dist(p, SC_P_DISPERSION)->value[0]);
        fputc('\n', out);
    }
    for (int id = 0; id < SC_NPARAMS; id++) {
        const sc_dist *d = sc_params_dist(p, (enum sc_param_id)id);
        if (!r->fitted[id] || id == SC_P_CONVERSION || id == SC_P_DISPERSION
            || (r->have_model2 && (!sc_param_in_model(id, 1) || id == SC_P_DAMPING
                                   || id == SC_P_ASSESS)))
            continue;
        if (d->kind == SC_DIST_DIRICHLET) {
            print_dirichlet(out, p, id);
        } else {
            fprintf(out, "%s: Beta posterior\n", sc_param_table[id].name);
            beta_line(out, "estimate", d->p[0], d->p[1]);
            fprintf(out, "  data: %s\n", d->fitted_from);
            print_over(out, r, id);
        }
        fputc('\n', out);
    }
    int others = 0;
    for (int id = 0; id < SC_NPARAMS; id++)
        if (!r->fitted[id] && sc_param_in_model(id, s->model))
            fprintf(out, "%s%s", others++ ? ", " : "Not fitted (the scenario's own distribution): ",
                    sc_param_table[id].name);
    if (others)
        fputs("\n", out);
}
