/*
 * stats.c — sorting, the type 7 percentile, Beta moments, largest rem_item
 * (stats.h).
 */
#include "sendcast/stats.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

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
