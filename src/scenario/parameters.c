/*
 * parameters.c — the parameter table of MODEL.md 3.1 and the reading of each
 * parameter's distribution.
 *
 * sc_param_table is the one place that says, for every parameter, its name
 * (the YAML key and the HDF5 group), which distributions it may take, its
 * domain, its shape and its default; the reader, the checks and the writers
 * all work from it. A Beta or Gamma given by mean and sd is converted here,
 * once, so the simulation only ever sees (a, b) and (shape, scale).
 */
#include "scn_internal.h"
#include "sendcast/text.h"
#include "sendcast/stats.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define BIT(k) (1u << (k))
#define FIXED BIT(SC_DIST_FIXED)
#define BETA BIT(SC_DIST_BETA)
#define FIT BIT(SC_DIST_FIT)
#define NORMAL BIT(SC_DIST_NORMAL)
#define GAMMA BIT(SC_DIST_GAMMA)


const char *const sc_dist_names[SC_DIST_UNIFORM + 1] = {
    "none", "fixed", "beta", "normal", "gamma", "dirichlet", "bivariate_normal", "poisson", "fit",
    "scaled_inv_chi2", "uniform",
};

#define CEASE(name, what)                                                                    \
    { name, BETA | FIXED | FIT, SC_DOM_PROB, SC_SHAPE_SCALAR, 1, 0.0,                         \
      "yearly chance that a plan in " what " ceases", SC_MODEL_BOTH }

const sc_param_info sc_param_table[SC_NPARAMS] = {
    [SC_P_CONVERSION] = { "conversion", BIT(SC_DIST_BVNORMAL) | FIXED | FIT, SC_DOM_REAL,
                          SC_SHAPE_PAIR, 1, 0.0,
                          "(alpha, beta): log requests per SEND-support pupil at the base year, "
                          "and its yearly trend", SC_MODEL_BOTH },
    [SC_P_DISPERSION] = { "dispersion", FIXED | BIT(SC_DIST_GAMMA) | BIT(SC_DIST_POISSON) | FIT,
                          SC_DOM_POSITIVE, SC_SHAPE_SCALAR, 0, INFINITY,
                          "k: negative-binomial dispersion of requests (left out: Poisson)", SC_MODEL_1 },
    [SC_P_DAMPING] = { "damping", BETA | FIXED | FIT, SC_DOM_UNIT_OPEN, SC_SHAPE_SCALAR, 0, 1.0,
                       "phi: damping of the trend in forecast years (1: no damping)", SC_MODEL_BOTH },
    [SC_P_ASSESS] = { "p_assess", BETA | FIXED | FIT, SC_DOM_PROB, SC_SHAPE_SCALAR, 1, 0.0,
                      "share of requests agreed for assessment", SC_MODEL_BOTH },
    [SC_P_ISSUE] = { "p_issue", BETA | FIXED | FIT, SC_DOM_PROB, SC_SHAPE_SCALAR, 1, 0.0,
                     "share of assessments that end in a plan", SC_MODEL_BOTH },
    [SC_P_PLACEMENT_MIX] = { "placement_mix", BIT(SC_DIST_DIRICHLET) | FIXED | FIT,
                             SC_DOM_SIMPLEX, SC_SHAPE_PLACEMENTS, 1, 0.0,
                             "placement mix of new plans", SC_MODEL_BOTH },
    [SC_P_BAND_MIX] = { "band_mix", BIT(SC_DIST_DIRICHLET) | FIXED | FIT, SC_DOM_SIMPLEX,
                        SC_SHAPE_BANDS, 1, 0.0, "band mix of new mainstream plans", SC_MODEL_BOTH },
    [SC_P_CEASE_MAINSTREAM] = CEASE("cease_mainstream", "a mainstream school (any band)"),
    [SC_P_CEASE_ARP] = CEASE("cease_arp", "additionally resourced provision"),
    [SC_P_CEASE_SPECIAL] = CEASE("cease_special", "a special school"),
    [SC_P_CEASE_INDEPENDENT] = CEASE("cease_independent", "an independent school"),
    [SC_P_CEASE_POST16] = CEASE("cease_post16", "a post-16 setting"),
    [SC_P_CEASE_OTHER] = CEASE("cease_other", "another setting"),
    [SC_P_STEP_UP] = { "step_up", BETA | FIXED, SC_DOM_PROB, SC_SHAPE_SCALAR, 1, 0.0,
                       "yearly chance that a mainstream plan moves up one band", SC_MODEL_BOTH },
    [SC_P_ESCALATION] = { "escalation", BETA | FIXED, SC_DOM_PROB, SC_SHAPE_SCALAR, 1, 0.0,
                          "yearly chance that a mainstream plan moves to a special school", SC_MODEL_BOTH },
    [SC_P_POST16_TRANSFER] = { "post16_transfer", BETA | FIXED, SC_DOM_PROB, SC_SHAPE_SCALAR, 1,
                               0.0, "yearly chance that a mainstream plan moves to post-16", SC_MODEL_BOTH },
    [SC_P_CLUSTER_EFFECT] = { "cluster_effect", BETA | FIXED | FIT, SC_DOM_PROB, SC_SHAPE_SCALAR, 0,
                              0.0, "E: share of would-be requests cluster working diverts", SC_MODEL_BOTH },
    [SC_P_HETEROGENEITY_CV] = { "heterogeneity_cv", FIXED | BIT(SC_DIST_GAMMA), SC_DOM_NONNEG,
                                SC_SHAPE_SCALAR, 0, 0.0,
                                "cv of the cluster multipliers h_c of the effect (0: none)", SC_MODEL_BOTH },
    [SC_P_INFLATION] = { "inflation", BIT(SC_DIST_NORMAL) | FIXED, SC_DOM_REAL, SC_SHAPE_SCALAR,
                         SC_REQUIRED_WITH_MONEY, 0.0, "yearly cost inflation, independent by year",
                         SC_MODEL_BOTH },
    [SC_P_SEND_SUPPORT_DRIFT] = { "send_support_drift", BIT(SC_DIST_NORMAL) | FIXED,
                                  SC_DOM_REAL, SC_SHAPE_SCALAR, 0, 0.0,
                                  "d: yearly drift of SEND-support prevalence, log scale", SC_MODEL_BOTH },
    /* Model 2 (docs/model.md 2): each may be fitted from history and the
     * national priors; left out, a movement parameter is 0 (that part of the
     * model is switched off) and the persistent share is 1. */
    [SC_P_NATIONAL_TREND] = { "national_trend", NORMAL | FIXED | FIT, SC_DOM_REAL, SC_SHAPE_SCALAR, 1,
                              0.0, "beta: national yearly growth of log requests", SC_MODEL_2 },
    [SC_P_NATIONAL_SHOCK] = { "national_shock", BIT(SC_DIST_SCALED_INV_CHI2) | FIXED | FIT,
                              SC_DOM_NONNEG, SC_SHAPE_SCALAR, 0, 0.0,
                              "sigma_delta^2: variance of the national yearly shock to log requests",
                              SC_MODEL_2 },
    [SC_P_SHOCK_SD] = { "shock_sd", FIXED | GAMMA | FIT, SC_DOM_NONNEG, SC_SHAPE_SCALAR, 1, 0.0,
                        "sigma: sd of the council's yearly shock to log requests", SC_MODEL_2 },
    [SC_P_SHOCK_PERSISTENCE] = { "shock_persistence", BETA | FIXED | FIT, SC_DOM_PROB,
                                 SC_SHAPE_SCALAR, 0, 1.0,
                                 "pi: persistent share of the council's shock variance (the rest "
                                 "is the year's transient, negative-binomial dispersion)",
                                 SC_MODEL_2 },
    [SC_P_ASSESS_DEVIATION] = { "assess_deviation", NORMAL | FIXED | FIT, SC_DOM_REAL,
                                SC_SHAPE_SCALAR, 0, 0.0,
                                "u0: the base year's deviation of log plans per request from "
                                "its level", SC_MODEL_2 },
    [SC_P_ASSESS_PERSISTENCE] = { "assess_persistence", BETA | FIXED | FIT, SC_DOM_PROB,
                                  SC_SHAPE_SCALAR, 0, 0.0,
                                  "rho_u: AR(1) coefficient of that deviation", SC_MODEL_2 },
    [SC_P_ASSESS_SD] = { "assess_sd", FIXED | GAMMA | FIT, SC_DOM_NONNEG, SC_SHAPE_SCALAR, 0, 0.0,
                         "sigma_u: stationary sd of that deviation", SC_MODEL_2 },
    [SC_P_NATIONAL_ASSESS_SD] = { "national_assess_sd", FIXED | GAMMA | FIT, SC_DOM_NONNEG,
                                  SC_SHAPE_SCALAR, 0, 0.0,
                                  "sigma_psi: sd of the national yearly shock to log plans per "
                                  "request", SC_MODEL_2 },
    [SC_P_ASSESS_RESPONSE] = { "assess_response", FIXED | NORMAL | FIT, SC_DOM_NONNEG,
                               SC_SHAPE_SCALAR, 0, 0.0,
                               "kappa: plans per request fall by kappa times a request surprise",
                               SC_MODEL_2 },
    [SC_P_NET_TRANSFER] = { "net_transfer", NORMAL | FIXED | FIT, SC_DOM_REAL, SC_SHAPE_SCALAR, 0,
                            0.0, "tau-bar: net flow into the stock (transfers in less out, "
                            "recording), share of the stock a year", SC_MODEL_2 },
    [SC_P_TRANSFER_PERSISTENCE] = { "transfer_persistence", BETA | FIXED | FIT, SC_DOM_PROB,
                                    SC_SHAPE_SCALAR, 0, 0.0,
                                    "rho_w: AR(1) coefficient of the net flow's yearly deviation",
                                    SC_MODEL_2 },
    [SC_P_TRANSFER_SD] = { "transfer_sd", FIXED | GAMMA | FIT, SC_DOM_NONNEG, SC_SHAPE_SCALAR, 0,
                           0.0, "sigma_w: stationary sd of the net flow's yearly deviation",
                           SC_MODEL_2 },
    [SC_P_NATIONAL_TRANSFER_SD] = { "national_transfer_sd", FIXED | GAMMA | FIT, SC_DOM_NONNEG,
                                    SC_SHAPE_SCALAR, 0, 0.0,
                                    "sigma_chi: sd of the national yearly shock to the net flow",
                                    SC_MODEL_2 },
};

/* What one parameter reads into, and where it is written. */
typedef struct param_read {
    scn_ctx *r;
    int id;                     /* enum sc_param_id; -1: a lever's effect */
    const sc_param_info *info;
    sc_dist *d;
    const scn_val *at;
    const char *prefix;         /* of its register names: "parameters", "levers.NAME" */
    const scn_applied *edit;    /* the --set (or graft) that changed it, or NULL */
} param_read;

static const scn_dom *domain_of(enum sc_domain d)
{
    switch (d) {
    case SC_DOM_PROB:
        return &scn_prob;
    case SC_DOM_UNIT_OPEN:
        return &scn_unit_open;
    case SC_DOM_POSITIVE:
        return &scn_positive;
    case SC_DOM_NONNEG:
        return &scn_nonneg;
    case SC_DOM_SIMPLEX:
        return &scn_prob;
    case SC_DOM_CHANGE:
        return &scn_change;
    case SC_DOM_SHARE:
        return &scn_share;
    case SC_DOM_REAL:
        break;
    }
    return &scn_real;
}

static void list_allowed(unsigned allowed, int with_fit, char *buf, size_t cap)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int k = SC_DIST_FIXED; k <= SC_DIST_UNIFORM; k++)
        if ((allowed & BIT(k)) && (k != SC_DIST_FIT || with_fit)
            && sc_text_append(buf, cap, &used, ", ", sc_dist_names[k]))
            return;
}

static int record(param_read *p, const char *key, const char *item, double x)
{
    char name[SC_ID_MAX];
    snprintf(name, sizeof name, "%s.%s.%s", p->prefix, p->info->name, key);
    if (p->edit && !p->edit->graft)
        return scn_record(p->r, name, item, 0, x, "override", p->edit->source);
    return scn_record(p->r, name, item, 0, x, p->d->status, p->d->source);
}

/* Record two numbers; the first failure's status. */
static int record2(param_read *p, const char *k1, double x1, const char *k2, double x2)
{
    int rc = record(p, k1, "", x1);
    return rc ? rc : record(p, k2, "", x2);
}

static int record_vec(param_read *p, const char *key, const double *x, int n, int by_placement)
{
    for (int i = 0; i < n; i++) {
        char item[16];
        snprintf(item, sizeof item, "%d", i + 1);
        int rc = record(p, key, by_placement ? sc_placement_names[i] : item, x[i]);
        if (rc)
            return rc;
    }
    return SC_OK;
}

static int dim_of(const param_read *p)
{
    switch (p->info->shape) {
    case SC_SHAPE_PAIR:
        return 2;
    case SC_SHAPE_PLACEMENTS:
        return SC_NPLACEMENTS;
    case SC_SHAPE_BANDS:
        return p->r->s->nbands;
    case SC_SHAPE_SCALAR:
        break;
    }
    return 1;
}

/* ---- vectors: fixed values and Dirichlet alphas ---- */

static int by_placement(param_read *p, const scn_val *v, const scn_dom *dom, double *out)
{
    scn_key keys[SC_NPLACEMENTS];
    scn_val k[SC_NPLACEMENTS];
    for (int i = 0; i < SC_NPLACEMENTS; i++)
        keys[i] = (scn_key){ sc_placement_names[i], 1 };
    if (scn_map(p->r, v, keys, SC_NPLACEMENTS, k))
        return scn_fail(p->r);
    for (int i = 0; i < SC_NPLACEMENTS; i++)
        if (scn_plain_number(p->r, &k[i], dom, &out[i]))
            return scn_fail(p->r);
    return SC_OK;
}

/* A vector of dim numbers: a list, or for placements also a mapping by name. */
static int vector(param_read *p, const scn_val *v, const scn_dom *dom, const char *what, double *out)
{
    int dim = dim_of(p);
    if (p->info->shape == SC_SHAPE_PLACEMENTS && scn_kind(v) == SCN_MAP)
        return by_placement(p, v, dom, out);
    if (scn_kind(v) != SCN_SEQ) {
        char exp[160];
        snprintf(exp, sizeof exp, "a list of %d %s%s", dim, what,
                 p->info->shape == SC_SHAPE_PLACEMENTS ? " (or a mapping by placement)" : "");
        return SCN_EXPECTED(p->r, v, exp);
    }
    int n = fy_node_sequence_item_count(v->n);
    if (n != dim) {
        if (p->info->shape == SC_SHAPE_BANDS)
            return SCN_ERR(p->r, v, "expected %d %s, one per band of bands.topup, got %d", dim,
                           what, n);
        if (p->info->shape == SC_SHAPE_PLACEMENTS)
            return SCN_ERR(p->r, v, "expected %d %s, one per placement (%s, %s, %s, %s, %s, %s), "
                           "got %d", dim, what, sc_placement_names[0], sc_placement_names[1],
                           sc_placement_names[2], sc_placement_names[3], sc_placement_names[4],
                           sc_placement_names[5], n);
        return SCN_ERR(p->r, v, "expected %d %s, got %d", dim, what, n);
    }
    return scn_number_list(p->r, v, dom, dim, out);
}

static int fixed_shares(param_read *p, const scn_val *v)
{
    double *x = p->d->value;
    if (vector(p, v, &scn_prob, "shares", x))
        return scn_fail(p->r);
    double sum = 0;
    for (int i = 0; i < p->d->dim; i++)
        sum += x[i];
    if (fabs(sum - 1.0) > 1e-9)
        return SCN_ERR(p->r, v, "expected shares that sum to 1 (within 1e-9), got a sum of %.12g",
                       sum);
    return SC_OK;
}

/* ---- the distributions ---- */

static const scn_key common_keys[] = { { "dist", 1 }, { "status", 0 }, { "source", 0 } };

/* Read the mapping's keys: the three common ones then `extra`. */
static int keys_of(param_read *p, const scn_key *extra, int nextra, scn_val *out)
{
    scn_key keys[10];
    memcpy(keys, common_keys, sizeof common_keys);
    if (nextra)
        memcpy(keys + 3, extra, (size_t)nextra * sizeof *extra);
    if (scn_map(p->r, p->at, keys, 3 + nextra, out))
        return scn_fail(p->r);
    if (out[1].n && scn_status(p->r, &out[1], p->d->status, sizeof p->d->status))
        return scn_fail(p->r);
    if (out[2].n && scn_str(p->r, &out[2], p->d->source, sizeof p->d->source))
        return scn_fail(p->r);
    return SC_OK;
}

static int read_fixed(param_read *p)
{
    static const scn_key extra[] = { { "value", 1 } };
    scn_val k[4];
    if (keys_of(p, extra, 1, k))
        return scn_fail(p->r);
    const scn_dom *dom = domain_of(p->info->domain);
    if (p->info->domain == SC_DOM_SIMPLEX) {
        if (fixed_shares(p, &k[3]))
            return scn_fail(p->r);
    } else if (p->info->shape == SC_SHAPE_SCALAR) {
        if (scn_plain_number(p->r, &k[3], dom, &p->d->value[0]))
            return scn_fail(p->r);
    } else if (vector(p, &k[3], dom, "numbers", p->d->value)) {
        return scn_fail(p->r);
    }
    if (p->info->shape == SC_SHAPE_SCALAR)
        return record(p, "value", "", p->d->value[0]);
    return record_vec(p, "value", p->d->value, p->d->dim,
                      p->info->shape == SC_SHAPE_PLACEMENTS);
}

/* Either both of (x, y) or both of (u, w), never a mix. */
static int pick_pair(param_read *p, const scn_val *k, const char *names)
{
    int first = k[3].n && k[4].n, second = k[5].n && k[6].n;
    int any_first = k[3].n || k[4].n, any_second = k[5].n || k[6].n;
    if ((first && !any_second) || (second && !any_first))
        return first ? 1 : 2;
    SCN_ERR(p->r, p->at, "expected %s", names);
    return 0;
}

static int read_beta(param_read *p)
{
    static const scn_key extra[] = { { "a", 0 }, { "b", 0 }, { "mean", 0 }, { "sd", 0 } };
    scn_val k[7];
    if (keys_of(p, extra, 4, k))
        return scn_fail(p->r);
    int form = pick_pair(p, k, "either a and b, or mean and sd, for a Beta");
    if (!form)
        return scn_fail(p->r);
    double *a = &p->d->p[0], *b = &p->d->p[1];
    if (form == 1) {
        if (scn_plain_number(p->r, &k[3], &scn_positive, a)
            || scn_plain_number(p->r, &k[4], &scn_positive, b))
            return scn_fail(p->r);
        return record2(p, "a", *a, "b", *b);
    }
    double m, sd;
    static const scn_dom beta_mean = { 0, 1, 1, 1, 0, "a Beta mean in (0, 1)" };
    if (scn_plain_number(p->r, &k[5], &beta_mean, &m)
        || scn_plain_number(p->r, &k[6], &scn_positive, &sd))
        return scn_fail(p->r);
    if (sc_stats_beta_from_mean_sd(m, sd, a, b))
        return SCN_ERR(p->r, &k[6],
                       "no Beta has mean %g and sd %g: expected sd < sqrt(m(1-m)) = %.6g", m, sd,
                       sqrt(m * (1 - m)));
    return record2(p, "mean", m, "sd", sd);
}

static int read_normal(param_read *p)
{
    static const scn_key extra[] = { { "mean", 1 }, { "sd", 1 } };
    scn_val k[5];
    /* A lever's mean lies in its domain (its draws are clipped to it). */
    const scn_dom *mean = p->id < 0 ? domain_of(p->info->domain) : &scn_real;
    if (keys_of(p, extra, 2, k) || scn_plain_number(p->r, &k[3], mean, &p->d->p[0])
        || scn_plain_number(p->r, &k[4], &scn_nonneg, &p->d->p[1]))
        return scn_fail(p->r);
    return record2(p, "mean", p->d->p[0], "sd", p->d->p[1]);
}

/* Uniform on [min, max] (levers: an expert's range), both ends in the domain. */
static int read_uniform(param_read *p)
{
    static const scn_key extra[] = { { "min", 1 }, { "max", 1 } };
    scn_val k[5];
    const scn_dom *dom = domain_of(p->info->domain);
    if (keys_of(p, extra, 2, k) || scn_plain_number(p->r, &k[3], dom, &p->d->p[0])
        || scn_plain_number(p->r, &k[4], dom, &p->d->p[1]))
        return scn_fail(p->r);
    if (!(p->d->p[1] > p->d->p[0]))
        return SCN_ERR(p->r, &k[4], "expected max > min, got min %g and max %g", p->d->p[0],
                       p->d->p[1]);
    return record2(p, "min", p->d->p[0], "max", p->d->p[1]);
}

static int read_gamma(param_read *p)
{
    static const scn_key extra[] = { { "shape", 0 }, { "scale", 0 }, { "mean", 0 }, { "sd", 0 } };
    scn_val k[7];
    if (keys_of(p, extra, 4, k))
        return scn_fail(p->r);
    int form = pick_pair(p, k, "either shape and scale, or mean and sd, for a Gamma");
    if (!form)
        return scn_fail(p->r);
    double x, y;
    if (scn_plain_number(p->r, &k[form == 1 ? 3 : 5], &scn_positive, &x)
        || scn_plain_number(p->r, &k[form == 1 ? 4 : 6], &scn_positive, &y))
        return scn_fail(p->r);
    p->d->p[0] = form == 1 ? x : (x / y) * (x / y);
    p->d->p[1] = form == 1 ? y : y * y / x;
    return form == 1 ? record2(p, "shape", x, "scale", y) : record2(p, "mean", x, "sd", y);
}

static int read_dirichlet(param_read *p)
{
    static const scn_key extra[] = { { "alpha", 1 } };
    static const scn_dom alpha = { 0, INFINITY, 1, 0, 0, "a Dirichlet alpha > 0" };
    scn_val k[4];
    if (keys_of(p, extra, 1, k) || vector(p, &k[3], &alpha, "alphas", p->d->value))
        return scn_fail(p->r);
    return record_vec(p, "alpha", p->d->value, p->d->dim, p->info->shape == SC_SHAPE_PLACEMENTS);
}

static int check_cov(param_read *p, const scn_val *at)
{
    double(*c)[2] = p->d->cov;
    double tol = 1e-12 * fmax(fabs(c[0][1]), fabs(c[1][0]));
    if (fabs(c[0][1] - c[1][0]) > tol)
        return SCN_ERR(p->r, at, "expected a symmetric covariance, got cov[0][1] = %g but "
                       "cov[1][0] = %g", c[0][1], c[1][0]);
    if (!(c[0][0] > 0 && c[1][1] > 0 && c[0][0] * c[1][1] - c[0][1] * c[0][1] > 0))
        return SCN_ERR(p->r, at, "expected a positive definite covariance (variances > 0 and "
                       "v11*v22 > v12^2), got [[%g, %g], [%g, %g]]", c[0][0], c[0][1], c[1][0],
                       c[1][1]);
    return SC_OK;
}

static int read_bvnormal(param_read *p)
{
    static const scn_key extra[] = { { "mean", 1 }, { "cov", 1 } };
    scn_val k[5];
    if (keys_of(p, extra, 2, k) || scn_number_list(p->r, &k[3], &scn_real, 2, p->d->value))
        return scn_fail(p->r);
    int n;
    if (scn_seq_open(p->r, &k[4], 2, 2, &n))
        return scn_fail(p->r);
    void *it = NULL;
    int i;
    scn_val row;
    while (scn_seq_next(&k[4], &it, &i, &row))
        if (scn_number_list(p->r, &row, &scn_real, 2, p->d->cov[i]))
            return scn_fail(p->r);
    if (check_cov(p, &k[4]))
        return scn_fail(p->r);
    static const char *const cells[] = { "1,1", "1,2", "2,1", "2,2" };
    for (int j = 0; j < 4; j++) {
        int rc = record(p, "cov", cells[j], p->d->cov[j / 2][j % 2]);
        if (rc)
            return rc;
    }
    return record_vec(p, "mean", p->d->value, 2, 0);
}

static int read_scaled_inv_chi2(param_read *p)
{
    static const scn_key extra[] = { { "nu", 1 }, { "s2", 1 } };
    scn_val k[5];
    if (keys_of(p, extra, 2, k) || scn_plain_number(p->r, &k[3], &scn_positive, &p->d->p[0])
        || scn_plain_number(p->r, &k[4], &scn_positive, &p->d->p[1]))
        return scn_fail(p->r);
    return record2(p, "nu", p->d->p[0], "s2", p->d->p[1]);
}

static int read_poisson(param_read *p)
{
    scn_val k[3];
    if (keys_of(p, NULL, 0, k))
        return scn_fail(p->r);
    p->d->value[0] = INFINITY;
    return SC_OK;
}

static int read_dist_name(param_read *p, const scn_val *dv, int *kind)
{
    char allowed[160];
    list_allowed(p->info->allowed, 1, allowed, sizeof allowed);
    for (int k = SC_DIST_FIXED; k <= SC_DIST_UNIFORM; k++)
        if (scn_text_is(dv, sc_dist_names[k])) {
            *kind = k;
            break;
        }
    if (!*kind) {
        char what[256];
        snprintf(what, sizeof what, "a distribution (for %s: %s)", p->info->name, allowed);
        return SCN_EXPECTED(p->r, dv, what);
    }
    if (!(p->info->allowed & BIT(*kind)))
        return SCN_ERR(p->r, dv, "distribution '%s' is not allowed for %s; allowed: %s",
                       sc_dist_names[*kind], p->info->name, allowed);
    return SC_OK;
}

/* A Beta prior for a fitted rate or the cluster effect: {a, b} or {mean, sd}. */
static int read_prior(param_read *p, const scn_val *v)
{
    static const scn_key keys[] = { { "a", 0 }, { "b", 0 }, { "mean", 0 }, { "sd", 0 } };
    scn_val k[7];
    if (scn_map(p->r, v, keys, 4, k + 3))
        return scn_fail(p->r);
    int form = pick_pair(p, k, "a prior of either a and b, or mean and sd (a Beta)");
    if (!form)
        return scn_fail(p->r);
    double x, y;
    static const scn_dom beta_mean = { 0, 1, 1, 1, 0, "a Beta mean in (0, 1)" };
    if (scn_plain_number(p->r, &k[form == 1 ? 3 : 5], form == 1 ? &scn_positive : &beta_mean, &x)
        || scn_plain_number(p->r, &k[form == 1 ? 4 : 6], &scn_positive, &y))
        return scn_fail(p->r);
    if (form == 2 && y * y >= x * (1 - x))
        return SCN_ERR(p->r, &k[6], "no Beta has mean %g and sd %g: expected sd < %.6g", x, y,
                       sqrt(x * (1 - x)));
    double n = form == 2 ? x * (1 - x) / (y * y) - 1 : 0;
    p->d->prior[0] = form == 1 ? x : x * n;
    p->d->prior[1] = form == 1 ? y : (1 - x) * n;
    p->d->has_prior = 1;
    return record2(p, "prior_a", p->d->prior[0], "prior_b", p->d->prior[1]);
}

/* dist: fit (MODEL.md 5): an optional window of years and, for rates and the
 * cluster effect, an optional Beta prior (the cluster effect needs one). */
static int read_fit(param_read *p)
{
    static const scn_key extra[] = { { "from", 0 }, { "to", 0 }, { "prior", 0 } };
    scn_val k[6];
    long long from = 0, to = 0;
    if (keys_of(p, extra, 3, k) || (k[3].n && scn_int(p->r, &k[3], 1000, 9999, &from))
        || (k[4].n && scn_int(p->r, &k[4], 1000, 9999, &to)))
        return scn_fail(p->r);
    p->d->fit_from = (int)from;
    p->d->fit_to = (int)to;
    int beta_like = p->info->shape == SC_SHAPE_SCALAR && p->info->domain == SC_DOM_PROB;
    if (k[5].n && !beta_like)
        return SCN_ERR(p->r, &k[5], "a prior is taken only for fitted rates and the cluster "
                       "effect (a Beta); %s has none", p->info->name);
    if (k[5].n && read_prior(p, &k[5]))
        return scn_fail(p->r);
    if (p->id == SC_P_CLUSTER_EFFECT && !p->d->has_prior)
        return SCN_ERR(p->r, p->at, "cluster_effect: dist: fit needs prior: {mean: M, sd: S} "
                       "(the expert prior the history updates)");
    if (!k[1].n)
        snprintf(p->d->status, sizeof p->d->status, "fitted");
    return SC_OK;
}

static int read_mapping(param_read *p)
{
    scn_val dv = *p->at;
    void *it = NULL;
    scn_val key, val;
    int found = 0;
    if (scn_map_open(p->r, p->at))
        return scn_fail(p->r);
    while (!found && scn_map_next(p->at, &it, &key, &val))
        if (scn_text_is(&key, "dist")) {
            dv = val;
            found = 1;
        }
    if (!found)
        return SCN_ERR(p->r, p->at, "missing required key 'dist'");
    int kind = 0;
    if (read_dist_name(p, &dv, &kind))
        return scn_fail(p->r);
    p->d->kind = (enum sc_dist_kind)kind;
    switch (p->d->kind) {
    case SC_DIST_FIXED:
        return read_fixed(p);
    case SC_DIST_BETA:
        return read_beta(p);
    case SC_DIST_NORMAL:
        return read_normal(p);
    case SC_DIST_GAMMA:
        return read_gamma(p);
    case SC_DIST_DIRICHLET:
        return read_dirichlet(p);
    case SC_DIST_BVNORMAL:
        return read_bvnormal(p);
    case SC_DIST_POISSON:
        return read_poisson(p);
    case SC_DIST_FIT:
        return read_fit(p);
    case SC_DIST_SCALED_INV_CHI2:
        return read_scaled_inv_chi2(p);
    case SC_DIST_UNIFORM:
        return read_uniform(p);
    default:
        return SCN_ERR(p->r, &dv, "unsupported distribution");
    }
}

/* A plain number: {dist: fixed, value: NUMBER} for a one-number parameter. */
static int read_plain(param_read *p)
{
    if (p->info->shape != SC_SHAPE_SCALAR || !(p->info->allowed & FIXED)) {
        char allowed[160];
        list_allowed(p->info->allowed, 0, allowed, sizeof allowed);
        char what[256];
        snprintf(what, sizeof what, "a mapping with dist: (one of %s)", allowed);
        return SCN_EXPECTED(p->r, p->at, what);
    }
    p->d->kind = SC_DIST_FIXED;
    if (scn_plain_number(p->r, p->at, domain_of(p->info->domain), &p->d->value[0]))
        return scn_fail(p->r);
    return record(p, "value", "", p->d->value[0]);
}

static int read_default(param_read *p)
{
    p->d->is_default = 1;
    snprintf(p->d->status, sizeof p->d->status, "default");
    snprintf(p->d->source, sizeof p->d->source, "not given in the scenario: the default");
    if (p->id == SC_P_DISPERSION) {
        p->d->kind = SC_DIST_POISSON;
        p->d->value[0] = INFINITY;
        return SC_OK;
    }
    p->d->kind = SC_DIST_FIXED;
    p->d->value[0] = p->info->default_value;
    return record(p, "value", "", p->d->value[0]);
}

/* Whether an edit put something at or below v (a --set of the mean), or v
 * lies inside what one put there: the edit, or NULL. */
static const scn_applied *edited(const scn_ctx *r, const scn_val *v)
{
    const scn_applied *a = scn_edit_of(r, v);
    size_t n = strlen(v->path);
    for (int i = 0; !a && i < r->napplied; i++)
        if (n && strncmp(r->applied[i].path, v->path, n) == 0
            && (r->applied[i].path[n] == '.' || r->applied[i].path[n] == '['))
            a = &r->applied[i];
    return a;
}

static int read_given(param_read *p)
{
    const scn_val *v = p->at;
    sc_dist *d = p->d;
    p->edit = edited(p->r, v);
    d->line = v->line;
    snprintf(d->status, sizeof d->status, "scenario");
    snprintf(d->source, sizeof d->source, "scenario line %d", v->line);
    int rc;
    switch (scn_kind(v)) {
    case SCN_SCALAR:
        rc = read_plain(p);
        break;
    case SCN_MAP:
        rc = read_mapping(p);
        break;
    default:
        return SCN_EXPECTED(p->r, v, "a mapping with dist: ... (or a plain number)");
    }
    /* What an edit changed is the edit's, whatever the file said of it
     * (the register entries above keep the numbers as read). */
    const scn_applied *a = p->edit;
    if (!rc && a && !a->graft) {
        snprintf(d->status, sizeof d->status, "override");
        snprintf(d->source, sizeof d->source, "%s", a->source);
    }
    return rc;
}

int scn_dist(scn_ctx *r, const sc_param_info *info, int id, const char *prefix,
             const scn_val *v, sc_dist *d)
{
    memset(d, 0, sizeof *d);
    param_read p = { r, id, info, d, v, prefix, NULL };
    d->dim = dim_of(&p);
    return read_given(&p);
}

static int read_param(scn_ctx *r, int id, const scn_val *v)
{
    sc_dist *d = &r->s->param[id];
    if (v->n)
        return scn_dist(r, &sc_param_table[id], id, "parameters", v, d);
    memset(d, 0, sizeof *d);
    param_read p = { r, id, &sc_param_table[id], d, v, "parameters", NULL };
    d->dim = dim_of(&p);
    if (!sc_param_in_model(id, r->s->model)) {
        /* Not this model's: never drawn, written or registered. */
        d->is_default = 1;
        d->kind = id == SC_P_DISPERSION ? SC_DIST_POISSON : SC_DIST_FIXED;
        d->value[0] = id == SC_P_DISPERSION ? INFINITY : p.info->default_value;
        return SC_OK;
    }
    return read_default(&p);
}

int sc_param_in_model(int id, int model)
{
    return (sc_param_table[id].models & (model == 2 ? SC_MODEL_2 : SC_MODEL_1)) != 0;
}

int scn_parameters(scn_ctx *r, const scn_val *v)
{
    scn_key keys[SC_NPARAMS];
    scn_val k[SC_NPARAMS];
    const int model = r->s->model;
    for (int i = 0; i < SC_NPARAMS; i++)
        keys[i] = (scn_key){ sc_param_table[i].name,
                             (sc_param_table[i].required == SC_REQUIRED
                              || (sc_param_table[i].required == SC_REQUIRED_WITH_MONEY
                                  && r->s->has_costs))
                             && sc_param_in_model(i, model) };
    if (scn_map(r, v, keys, SC_NPARAMS, k))
        return scn_fail(r);
    for (int i = 0; i < SC_NPARAMS; i++) {
        if (k[i].n && !sc_param_in_model(i, model))
            return SCN_ERR(r, &k[i], "%s is a parameter of model %d; this scenario is model %d "
                           "(top-level `model:`; docs/model.md)", sc_param_table[i].name,
                           model == 2 ? 1 : 2, model);
        int rc = read_param(r, i, &k[i]);
        if (rc)
            return rc;
    }
    /* inflation is a yearly rate: 2.5 meant as 2.5% is 250% a year */
    const sc_dist *d = &r->s->param[SC_P_INFLATION];
    double infl = d->kind == SC_DIST_NORMAL ? d->p[0] : d->kind == SC_DIST_FIXED ? d->value[0] : 0;
    if (k[SC_P_INFLATION].n && infl >= 1)
        return scn_warn(r, &k[SC_P_INFLATION], "a yearly inflation of %g is %g%% a year; %g%% "
                        "is written %g", infl, 100 * infl, infl, infl / 100);
    return SC_OK;
}
