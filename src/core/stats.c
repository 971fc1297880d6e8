/*
 * stats.c — sorting, the type 7 percentile, Beta moments and quantiles,
 * largest remainder (stats.h).
 */
#include "sendcast/stats.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>

#include "sendcast/alloc.h"

int sc_stats_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void sc_stats_sort(double *x, size_t n)
{
    qsort(x, n, sizeof *x, sc_stats_cmp_double);
}

double sc_stats_between(double a, double b, double frac)
{
    double v = a + frac * (b - a);
    return fmin(fmax(v, a), b);
}

double sc_stats_type7(const double *x, size_t n, double p)
{
    double rank = (double)(n - 1) * p;
    size_t j = (size_t)rank;
    if (j + 1 >= n)
        return x[n - 1];
    return sc_stats_between(x[j], x[j + 1], rank - (double)j);
}

int sc_stats_beta_from_mean_sd(double m, double sd, double *a, double *b)
{
    if (!(m > 0 && m < 1 && sd > 0 && sd * sd < m * (1 - m)))
        return -1;
    double k = m * (1 - m) / (sd * sd) - 1;
    *a = m * k;
    *b = (1 - m) * k;
    return 0;
}

typedef struct rem_item {
    uint64_t rem;
    size_t i;
} rem_item;

/* Largest rem_item first; ties to the earlier item, so the result does not
 * depend on the sort. */
static int by_remainder(const void *a, const void *b)
{
    const rem_item *x = a, *y = b;
    if (x->rem != y->rem)
        return x->rem > y->rem ? -1 : 1;
    return (x->i > y->i) - (x->i < y->i);
}

int sc_stats_largest_remainder(const uint64_t *weight, size_t n, uint64_t total,
                               uint64_t *share)
{
    uint64_t W = 0;
    for (size_t i = 0; i < n; i++) {
        if (weight[i] > UINT64_MAX - W || (weight[i] && total > UINT64_MAX / weight[i]))
            return EOVERFLOW;
        W += weight[i];
    }
    if (W == 0)
        return EDOM;
    rem_item *list = sc_malloc((n ? n : 1) * sizeof *list);
    if (!list)
        return ENOMEM;
    uint64_t given = 0;
    for (size_t i = 0; i < n; i++) {
        share[i] = total * weight[i] / W;
        given += share[i];
        list[i] = (rem_item){ total * weight[i] % W, i };
    }
    qsort(list, n, sizeof *list, by_remainder);
    for (uint64_t j = 0; j < total - given; j++)
        share[list[j].i]++;
    sc_free(list);
    return 0;
}

/* x with cdf(x) = p in [lo, hi], by bisection on a monotone distribution
 * function, which GSL computes where its own inverses do not converge (a
 * Beta(160.5, 1418.5) at 0.975). 200 halvings reach the doubles next to the
 * answer; NaN when the function cannot be evaluated. */
static double bisect(double p, double (*cdf)(double x, const double *par), const double *par,
                     double lo, double hi)
{
    for (int k = 0; k < 200; k++) {
        double mid = lo + (hi - lo) / 2, f = cdf(mid, par);
        if (isnan(f))
            return NAN;
        if (mid <= lo || mid >= hi)
            break;
        if (f < p)
            lo = mid;
        else
            hi = mid;
    }
    return lo + (hi - lo) / 2;
}

static double beta_cdf(double x, const double *par)
{
    return gsl_cdf_beta_P(x, par[0], par[1]);
}

static double chisq_cdf(double x, const double *par)
{
    return gsl_cdf_chisq_P(x, par[0]);
}

double sc_stats_beta_quantile(double p, double a, double b)
{
    if (!(p > 0 && p < 1 && a > 0 && b > 0 && isfinite(a) && isfinite(b)))
        return NAN;
    const double par[2] = { a, b };
    return bisect(p, beta_cdf, par, 0, 1);
}

double sc_stats_chisq_quantile(double p, double nu)
{
    if (!(p > 0 && p < 1 && nu > 0 && isfinite(nu)))
        return NAN;
    const double par[1] = { nu };
    double hi = nu + 10;
    for (int k = 0; k < 64 && chisq_cdf(hi, par) < p; k++)
        hi *= 2;
    return bisect(p, chisq_cdf, par, 0, hi);
}
