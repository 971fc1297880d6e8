/*
 * draw_table.c — every trajectory's parameter draws as a table of columns
 * (sim_draws.h): which numbers a trajectory draws in its parameter layer,
 * where it keeps them, and getting them back for any trajectory.
 *
 * The one table below lists them. A row names a number (or a family of
 * them: one per placement, band, cluster or year), the parameter whose
 * distribution it is drawn from, the models that have it, and where
 * sim_params_draw leaves it in sim_params (sim_internal.h). A new input a
 * trajectory draws (a parameter, a lever) is one more row; the result file's
 * /draws, the sensitivity tables and the charts take it from here.
 *
 * The draws themselves come from sim_params_draw, the function a full run
 * calls, on the trajectory's own keyed streams: a column's value is exactly
 * what that trajectory used.
 */
#include "sendcast/sim_draws.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <omp.h>

#include "sendcast/alloc.h"
#include "sim_internal.h"

/* How many numbers a row stands for, and how they are kept in sim_params. */
enum span {
    SPAN_ONE,          /* one double */
    SPAN_PLACEMENTS,   /* double[SC_NPLACEMENTS], named by placement */
    SPAN_BANDS,        /* double[nbands], named 1..B */
    SPAN_CLUSTERS,     /* double * to [nclusters] (E_c), named by cluster id: kept as h_c */
    SPAN_YEARS         /* double * to [horizon + 1], [t] named by the year label */
};

typedef struct column_def {
    const char *name;           /* the column's name, or its stem before ".<item>" */
    enum sc_param_id param;
    unsigned models;            /* SC_MODEL_1 | SC_MODEL_2 */
    enum span span;
    size_t offset;              /* in sim_params */
    const char *doc;            /* NULL: the parameter's own (sc_param_table) */
} column_def;

#define AT(field) offsetof(sim_params, field)
#define M1 SC_MODEL_1
#define M2 SC_MODEL_2
#define M12 SC_MODEL_BOTH

static const column_def table[] = {
    { "conversion.alpha", SC_P_CONVERSION, M1, SPAN_ONE, AT(alpha),
      "alpha: log requests per SEND-support pupil in the base year" },
    { "conversion.beta", SC_P_CONVERSION, M1, SPAN_ONE, AT(beta),
      "beta: yearly trend of log requests" },
    { "conversion.level", SC_P_CONVERSION, M2, SPAN_ONE, AT(alpha),
      "l0: filtered log requests per SEND-support pupil in the base year" },
    { "conversion.trend", SC_P_CONVERSION, M2, SPAN_ONE, AT(beta),
      "b0: the council's trend deviation from the national trend" },
    { "dispersion", SC_P_DISPERSION, M1, SPAN_ONE, AT(k), NULL },
    { "damping", SC_P_DAMPING, M12, SPAN_ONE, AT(phi), NULL },
    { "national_trend", SC_P_NATIONAL_TREND, M2, SPAN_ONE, AT(national_trend), NULL },
    { "national_shock", SC_P_NATIONAL_SHOCK, M2, SPAN_ONE, AT(national_var), NULL },
    { "shock_sd", SC_P_SHOCK_SD, M2, SPAN_ONE, AT(shock_sd), NULL },
    { "shock_persistence", SC_P_SHOCK_PERSISTENCE, M2, SPAN_ONE, AT(persistence), NULL },
    { "p_assess", SC_P_ASSESS, M12, SPAN_ONE, AT(p_assess), NULL },
    { "p_issue", SC_P_ISSUE, M12, SPAN_ONE, AT(p_issue), NULL },
    { "assess_deviation", SC_P_ASSESS_DEVIATION, M2, SPAN_ONE, AT(assess_dev0), NULL },
    { "assess_persistence", SC_P_ASSESS_PERSISTENCE, M2, SPAN_ONE, AT(assess_rho), NULL },
    { "assess_sd", SC_P_ASSESS_SD, M2, SPAN_ONE, AT(assess_sd), NULL },
    { "national_assess_sd", SC_P_NATIONAL_ASSESS_SD, M2, SPAN_ONE, AT(national_assess_sd), NULL },
    { "assess_response", SC_P_ASSESS_RESPONSE, M2, SPAN_ONE, AT(kappa), NULL },
    { "placement_mix", SC_P_PLACEMENT_MIX, M12, SPAN_PLACEMENTS, AT(mix),
      "share of new plans in this placement" },
    { "band_mix", SC_P_BAND_MIX, M12, SPAN_BANDS, AT(band_mix),
      "share of new mainstream plans in this band" },
    { "cease_mainstream", SC_P_CEASE_MAINSTREAM, M12, SPAN_ONE, AT(cease[SC_PL_MAINSTREAM]), NULL },
    { "cease_arp", SC_P_CEASE_ARP, M12, SPAN_ONE, AT(cease[SC_PL_ARP]), NULL },
    { "cease_special", SC_P_CEASE_SPECIAL, M12, SPAN_ONE, AT(cease[SC_PL_SPECIAL]), NULL },
    { "cease_independent", SC_P_CEASE_INDEPENDENT, M12, SPAN_ONE, AT(cease[SC_PL_INDEPENDENT]), NULL },
    { "cease_post16", SC_P_CEASE_POST16, M12, SPAN_ONE, AT(cease[SC_PL_POST16]), NULL },
    { "cease_other", SC_P_CEASE_OTHER, M12, SPAN_ONE, AT(cease[SC_PL_OTHER]), NULL },
    { "net_transfer", SC_P_NET_TRANSFER, M2, SPAN_ONE, AT(net_transfer), NULL },
    { "transfer_persistence", SC_P_TRANSFER_PERSISTENCE, M2, SPAN_ONE, AT(transfer_rho), NULL },
    { "transfer_sd", SC_P_TRANSFER_SD, M2, SPAN_ONE, AT(transfer_sd), NULL },
    { "national_transfer_sd", SC_P_NATIONAL_TRANSFER_SD, M2, SPAN_ONE, AT(national_transfer_sd), NULL },
    { "step_up", SC_P_STEP_UP, M12, SPAN_ONE, AT(p_up), NULL },
    { "escalation", SC_P_ESCALATION, M12, SPAN_ONE, AT(p_esc), NULL },
    { "post16_transfer", SC_P_POST16_TRANSFER, M12, SPAN_ONE, AT(p_post16), NULL },
    { "cluster_effect", SC_P_CLUSTER_EFFECT, M12, SPAN_ONE, AT(effect), NULL },
    { "heterogeneity_cv", SC_P_HETEROGENEITY_CV, M12, SPAN_ONE, AT(cv), NULL },
    { "cluster_multiplier", SC_P_HETEROGENEITY_CV, M12, SPAN_CLUSTERS, AT(effect_c),
      "h_c: this cluster's multiplier of the effect E (E_c = min(E h_c, 0.95); kept as "
      "E_c / E, h_c itself unless the cap bound)" },
    { "inflation", SC_P_INFLATION, M12, SPAN_YEARS, AT(inflation),
      "cost inflation of this year" },
    { "send_support_drift", SC_P_SEND_SUPPORT_DRIFT, M12, SPAN_ONE, AT(drift), NULL },
};
#define NDEFS ((int)(sizeof table / sizeof table[0]))

/* Whether a distribution gives a number that varies from trajectory to
 * trajectory (component j of a vector; a bivariate normal's margin). */
static int random_dist(const sc_dist *d, int j)
{
    switch (d->kind) {
    case SC_DIST_BETA:
    case SC_DIST_GAMMA:
    case SC_DIST_DIRICHLET:
    case SC_DIST_SCALED_INV_CHI2:
        return 1;
    case SC_DIST_NORMAL:
        return d->p[1] > 0;
    case SC_DIST_BVNORMAL:
        return d->cov[j][j] > 0;
    default:    /* fixed, Poisson, left out */
        return 0;
    }
}

/* Whether row k's item j varies in a run with parameters p. The clusters'
 * multipliers h_c vary once their cv may be above 0. */
static int varies(const sc_params *p, int k, int j)
{
    const column_def *c = &table[k];
    if (c->span == SPAN_CLUSTERS) {
        const sc_dist *cv = sc_params_dist(p, SC_P_HETEROGENEITY_CV);
        return random_dist(cv, 0) || (cv->kind == SC_DIST_FIXED && cv->value[0] > 0);
    }
    int component = c->param == SC_P_CONVERSION ? (int)(c->offset == AT(beta)) : j;
    return random_dist(sc_params_dist(p, c->param), component);
}

/* How many items row k has in scenario s. */
static int items(const sc_scenario *s, int k)
{
    switch (table[k].span) {
    case SPAN_PLACEMENTS: return SC_NPLACEMENTS;
    case SPAN_BANDS: return s->nbands;
    case SPAN_CLUSTERS: return s->nclusters;
    case SPAN_YEARS: return s->horizon;
    default: return 1;
    }
}

static void describe(const sc_scenario *s, int k, int j, sc_sim_column *col)
{
    const column_def *c = &table[k];
    memset(col, 0, sizeof *col);
    col->def = k;
    col->item = j;
    col->param = c->param;
    col->doc = c->doc ? c->doc : sc_param_table[c->param].doc;
    snprintf(col->group, sizeof col->group, "%s", c->name);
    switch (c->span) {
    case SPAN_PLACEMENTS:
        snprintf(col->name, sizeof col->name, "%s.%s", c->name, sc_placement_names[j]);
        break;
    case SPAN_BANDS:
        snprintf(col->name, sizeof col->name, "%s.%d", c->name, j + 1);
        break;
    case SPAN_CLUSTERS:
        snprintf(col->name, sizeof col->name, "%s.%s", c->name, s->clusters[j].id);
        break;
    case SPAN_YEARS:
        col->year = s->base_year + 1 + j;
        snprintf(col->name, sizeof col->name, "%s.%d", c->name, col->year);
        break;
    default:
        snprintf(col->name, sizeof col->name, "%s", c->name);
        break;
    }
}

int sc_sim_draw_columns(const sc_scenario *s, const sc_params *p, sc_sim_column **out, int *n,
                        sc_error *e)
{
    unsigned model = s->model == 2 ? SC_MODEL_2 : SC_MODEL_1;
    int count = 0;
    *out = NULL;
    *n = 0;
    for (int pass = 0; pass < 2; pass++) {   /* count, then fill */
        int filled = 0;
        for (int k = 0; k < NDEFS; k++) {
            if (!(table[k].models & model))
                continue;
            for (int j = 0; j < items(s, k); j++) {
                if (!varies(p, k, j))
                    continue;
                if (pass == 1)
                    describe(s, k, j, &(*out)[filled++]);
                else
                    count++;
            }
        }
        if (pass == 0 && !(*out = sc_calloc((size_t)(count ? count : 1), sizeof **out)))
            return SC_ERROR(e, SC_ENOMEM, "out of memory for the draws table's columns");
    }
    *n = count;
    return SC_OK;
}

/* Column col's value in the trajectory whose parameters are p. */
static double value_of(const sim_params *p, const sc_sim_column *col)
{
    const column_def *c = &table[col->def];
    const char *base = (const char *)p + c->offset;
    switch (c->span) {
    case SPAN_PLACEMENTS:
    case SPAN_BANDS:
        return ((const double *)base)[col->item];
    case SPAN_CLUSTERS:   /* h_c = E_c / E: independent of E, unlike E_c */
        return p->effect > 0 ? (*(double *const *)base)[col->item] / p->effect : 1.0;
    case SPAN_YEARS:
        return (*(double *const *)base)[col->item + 1];
    default:
        return *(const double *)base;
    }
}

int sc_sim_draws(const sc_scenario *s, const sc_params *p, uint64_t seed, long first, long n,
                 int threads, const sc_sim_column *cols, int ncols, double *out, sc_error *e)
{
    int status = SC_OK;
    int nthreads = threads > 0 ? threads : omp_get_num_procs();
#pragma omp parallel num_threads(nthreads)
    {
        sc_sim_workspace *w = NULL;
        sc_error err;
        sc_error_clear(&err);
        int st = sc_sim_workspace_alloc(s, &w, &err);
#pragma omp for schedule(static)
        for (long i = 0; i < n; i++) {
            if (st != SC_OK)
                continue;
            sim_params_draw(s, p, w, seed, first + i);
            for (int k = 0; k < ncols; k++)
                out[(size_t)i * (size_t)ncols + (size_t)k] = value_of(&w->params, &cols[k]);
        }
#pragma omp critical(sim_draws_error)
        if (st != SC_OK && status == SC_OK) {
            status = st;
            *e = err;
        }
        sc_sim_workspace_free(w);
    }
    return status;
}
