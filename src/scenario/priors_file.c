/*
 * priors_file.c — the `priors:` key of a model 2 scenario: the national
 * priors file that `sendcast calibrate` writes (src/priors/priors_write.c),
 * read with the scenario's own strict YAML layer, so every problem is
 * reported as FILE:LINE:COL and what was expected, and the file is kept
 * verbatim with the scenario in the result.
 *
 *   priors: data/national/priors.yaml      # relative to the scenario
 */
#include "scn_internal.h"

#include <math.h>
#include <string.h>

#include "sendcast/priors.h"

/* A number, or .nan where `nan_ok` (a year the national series has no value). */
static int number_or_nan(scn_ctx *r, const scn_val *v, const scn_dom *d, int nan_ok, double *out)
{
    if (nan_ok && scn_text_is(v, ".nan")) {
        *out = NAN;
        return SC_OK;
    }
    return scn_plain_number(r, v, d, out);
}

static int series(scn_ctx *r, const scn_val *v, int n, int nan_ok, double *out)
{
    int count;
    if (scn_seq_open(r, v, n, n, &count))
        return scn_fail(r);
    void *it = NULL;
    int i;
    scn_val item;
    while (scn_seq_next(v, &it, &i, &item))
        if (number_or_nan(r, &item, &scn_real, nan_ok, &out[i]))
            return scn_fail(r);
    return SC_OK;
}

/* Read the keys of mapping v into the doubles *dst[i], each in dom[i]. */
static int numbers(scn_ctx *r, const scn_val *v, const scn_key *keys, int n, double *const *dst,
                   const scn_dom *const *dom)
{
    scn_val k[12];
    if (scn_map(r, v, keys, n, k))
        return scn_fail(r);
    for (int i = 0; i < n; i++)
        if (scn_plain_number(r, &k[i], dom[i], dst[i]))
            return scn_fail(r);
    return SC_OK;
}

static const scn_dom rho_dom = { 0, 1, 0, 1, 0, "a number in [0, 1)" };

static int read_national(scn_ctx *r, const scn_val *v, sc_priors *p)
{
    static const scn_key keys[] = { { "growth", 1 }, { "index", 1 }, { "ratio", 1 },
                                    { "netleave", 1 } };
    scn_val k[4];
    if (scn_map(r, v, keys, 4, k) || series(r, &k[0], p->nyears, 1, p->growth)
        || series(r, &k[1], p->nyears, 0, p->index) || series(r, &k[2], p->nyears, 1, p->ratio)
        || series(r, &k[3], p->nyears, 1, p->netleave))
        return scn_fail(r);
    return SC_OK;
}

static int read_requests(scn_ctx *r, const scn_val *v, sc_priors *p)
{
    static const scn_key keys[] = { { "trend_mean", 1 }, { "trend_se", 1 }, { "shock_nu", 1 },
                                    { "shock_s2", 1 }, { "tau_b", 1 }, { "phi", 1 },
                                    { "sigma", 1 }, { "share", 1 }, { "mode", 1 }, { "sd", 1 } };
    scn_val k[10];
    if (scn_map(r, v, keys, 10, k))
        return scn_fail(r);
    double *dst[8] = { &p->beta_hat, &p->beta_se, &p->delta_nu, &p->delta_s2,
                       &p->trend.tau_b, &p->trend.phi, &p->trend.sigma, &p->trend.share };
    const scn_dom *dom[8] = { &scn_real, &scn_nonneg, &scn_positive, &scn_nonneg,
                              &scn_nonneg, &scn_prob, &scn_nonneg, &scn_prob };
    for (int i = 0; i < 8; i++)
        if (scn_plain_number(r, &k[i], dom[i], dst[i]))
            return scn_fail(r);
    if (scn_number_list(r, &k[8], &scn_real, SC_TH_N, p->trend_mode)
        || scn_number_list(r, &k[9], &scn_nonneg, SC_TH_N, p->trend_sd))
        return scn_fail(r);
    return SC_OK;
}

static int read_ratio(scn_ctx *r, const scn_val *v, sc_priors *p)
{
    static const scn_key keys[] = { { "kappa", 1 }, { "mean", 1 }, { "mean_se", 1 },
                                    { "national_sd", 1 }, { "tau_a", 1 }, { "rho", 1 },
                                    { "sd", 1 } };
    double *const dst[7] = { &p->kappa, &p->ratio_mean, &p->ratio_mean_se, &p->psi_sd,
                             &p->ratio_ar.tau_a, &p->ratio_ar.rho, &p->ratio_ar.sd };
    const scn_dom *const dom[7] = { &scn_nonneg, &scn_real, &scn_nonneg, &scn_nonneg,
                                    &scn_nonneg, &rho_dom, &scn_nonneg };
    return numbers(r, v, keys, 7, dst, dom);
}

static int read_netleave(scn_ctx *r, const scn_val *v, sc_priors *p)
{
    static const scn_key keys[] = { { "mean", 1 }, { "mean_se", 1 }, { "national_sd", 1 },
                                    { "tau_a", 1 }, { "rho", 1 }, { "sd", 1 } };
    double *const dst[6] = { &p->netleave_mean, &p->netleave_mean_se, &p->chi_sd,
                             &p->netleave_ar.tau_a, &p->netleave_ar.rho, &p->netleave_ar.sd };
    const scn_dom *const dom[6] = { &scn_real, &scn_nonneg, &scn_nonneg, &scn_nonneg, &rho_dom,
                                    &scn_nonneg };
    return numbers(r, v, keys, 6, dst, dom);
}

enum { P_ORIGIN, P_FIRST, P_COUNCILS, P_NATIONAL, P_REQUESTS, P_RATIO, P_NETLEAVE, P_N };

static int read_document(scn_ctx *sub, sc_priors **out)
{
    static const scn_key keys[P_N] = { { "origin", 1 }, { "first_year", 1 }, { "councils", 1 },
                                       { "national", 1 }, { "requests", 1 },
                                       { "plans_per_request", 1 }, { "net_leaving", 1 } };
    scn_val k[P_N];
    long long origin, first, councils;
    if (scn_map(sub, &sub->root, keys, P_N, k) || scn_int(sub, &k[P_ORIGIN], 1000, 9999, &origin)
        || scn_int(sub, &k[P_FIRST], 1000, origin, &first)
        || scn_int(sub, &k[P_COUNCILS], 1, 100000, &councils))
        return scn_fail(sub);
    if (origin - first + 1 > 64)
        return SCN_ERR(sub, &k[P_FIRST], "expected at most 64 national years, got %lld",
                       origin - first + 1);
    sc_priors *p;
    int rc = sc_priors_alloc((int)(origin - first + 1), &p, sub->e);
    if (rc)
        return rc;
    p->origin = (int)origin;
    p->first_year = (int)first;
    p->ncouncils = (int)councils;
    rc = read_national(sub, &k[P_NATIONAL], p) || read_requests(sub, &k[P_REQUESTS], p)
         || read_ratio(sub, &k[P_RATIO], p) || read_netleave(sub, &k[P_NETLEAVE], p);
    if (rc) {
        sc_priors_free(p);
        return scn_fail(sub);
    }
    *out = p;
    return SC_OK;
}

int scn_priors_file(scn_ctx *r, const scn_val *v)
{
    if (!v->n)
        return SC_OK;
    const sc_file *f;
    if (scn_file_open(r, v, "a national priors file", &f))
        return scn_fail(r);
    /* The priors are their own YAML document: a reading context of their own,
     * reporting against their own path. */
    scn_ctx sub = { .s = r->s, .e = r->e, .file = f->path };
    int rc = scn_yaml_open(&sub, f->text, f->len);
    if (!rc)
        rc = read_document(&sub, &r->s->priors);
    scn_yaml_close(&sub);
    return rc ? scn_fail(r) : SC_OK;
}
