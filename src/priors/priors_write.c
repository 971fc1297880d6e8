/*
 * priors_write.c — the national priors as the YAML file a scenario's
 * `priors:` key reads (src/scenario/priors_file.c reads it back; the two list
 * the same keys in the same order).
 */
#include "sendcast/priors.h"

#include <math.h>
#include <string.h>

/* %.17g round-trips a double; NaN is YAML's .nan. */
static void number(FILE *f, double x)
{
    if (isnan(x))
        fputs(".nan", f);
    else
        fprintf(f, "%.17g", x);
}

static void key(FILE *f, const char *indent, const char *name, double x, const char *comment)
{
    fprintf(f, "%s%s: ", indent, name);
    number(f, x);
    fprintf(f, "%s%s\n", comment ? "    # " : "", comment ? comment : "");
}

static void list(FILE *f, const char *name, const double *x, int n, const char *comment)
{
    fprintf(f, "  %s: [", name);
    for (int i = 0; i < n; i++) {
        if (i)
            fputs(", ", f);
        number(f, x[i]);
    }
    fprintf(f, "]    # %s\n", comment);
}

int sc_priors_write(const sc_priors *p, FILE *f, const char *provenance, sc_error *e)
{
    fputs("# sendcast national priors for model 2 (docs/model.md sections 1, 4 and 5)\n", f);
    for (const char *line = provenance; line && *line;) {
        const char *end = strchr(line, '\n');
        int n = end ? (int)(end - line) : (int)strlen(line);
        fprintf(f, "# %.*s\n", n, line);
        line = end ? end + 1 : line + n;
    }
    fprintf(f, "origin: %d              # the last year read: nothing after it was used\n",
            p->origin);
    fprintf(f, "first_year: %d          # the national series below run first_year .. origin\n",
            p->first_year);
    fprintf(f, "councils: %d\n", p->ncouncils);
    fputs("national:\n", f);
    list(f, "growth", p->growth, p->nyears, "mean log growth of requests (.nan: none)");
    list(f, "index", p->index, p->nyears, "cumulative national log index of requests");
    list(f, "ratio", p->ratio, p->nyears, "mean log plans per request");
    list(f, "netleave", p->netleave, p->nyears, "mean net leaving rate of the stock");
    fputs("requests:\n", f);
    key(f, "  ", "trend_mean", p->beta_hat, "national_trend ~ N(trend_mean, trend_se)");
    key(f, "  ", "trend_se", p->beta_se, NULL);
    key(f, "  ", "shock_nu", p->delta_nu, "national_shock ~ Scaled-Inv-chi2(nu, s2)");
    key(f, "  ", "shock_s2", p->delta_s2, NULL);
    key(f, "  ", "tau_b", p->trend.tau_b, "prior sd of a council's trend deviation");
    key(f, "  ", "phi", p->trend.phi, "damping of the trend deviation (MAP)");
    key(f, "  ", "sigma", p->trend.sigma, "sd of a council's yearly shock");
    key(f, "  ", "share", p->trend.share, "persistent share of its variance (MAP)");
    fputs("  mode: [", f);
    for (int i = 0; i < SC_TH_N; i++) {
        if (i)
            fputs(", ", f);
        number(f, p->trend_mode[i]);
    }
    fputs("]    # log tau_b, logit phi, log sigma, logit share\n  sd: [", f);
    for (int i = 0; i < SC_TH_N; i++) {
        if (i)
            fputs(", ", f);
        number(f, p->trend_sd[i]);
    }
    fputs("]    # their posterior sds (Laplace)\n", f);
    fputs("plans_per_request:\n", f);
    key(f, "  ", "kappa", p->kappa, "response to a request surprise");
    key(f, "  ", "mean", p->ratio_mean, "national mean of log plans per request");
    key(f, "  ", "mean_se", p->ratio_mean_se, NULL);
    key(f, "  ", "national_sd", p->psi_sd, "sd of the national yearly shock");
    key(f, "  ", "tau_a", p->ratio_ar.tau_a, "prior sd of a council's offset");
    key(f, "  ", "rho", p->ratio_ar.rho, "AR(1) coefficient of its deviation");
    key(f, "  ", "sd", p->ratio_ar.sd, "stationary sd of its deviation");
    fputs("net_leaving:\n", f);
    key(f, "  ", "mean", p->netleave_mean, "national mean over the last three years");
    key(f, "  ", "mean_se", p->netleave_mean_se, NULL);
    key(f, "  ", "national_sd", p->chi_sd, "sd of the national yearly shock");
    key(f, "  ", "tau_a", p->netleave_ar.tau_a, NULL);
    key(f, "  ", "rho", p->netleave_ar.rho, NULL);
    key(f, "  ", "sd", p->netleave_ar.sd, NULL);
    if (ferror(f))
        return SC_ERROR(e, SC_EFAIL, "writing the national priors failed");
    return SC_OK;
}
