/*
 * stats.h — the pieces of arithmetic on samples that several stages share,
 * each in one copy: sorting, the type 7 percentile, the Beta of a given mean
 * and sd and its quantiles, and sharing a whole number out by largest
 * remainder.
 */
#ifndef SENDCAST_STATS_H
#define SENDCAST_STATS_H

#include <stddef.h>
#include <stdint.h>

/* qsort's comparison of doubles, ascending (NaNs compare equal to all). */
int sc_stats_cmp_double(const void *a, const void *b);

/* Sort x[0..n) ascending with sc_stats_cmp_double. */
void sc_stats_sort(double *x, size_t n);

/* The step of the type 7 rule between order statistics a <= b at fraction
 * frac of the way: a + frac (b - a), kept within [a, b]. In this form (not
 * GSL's (1 - frac) a + frac b, which can fall an ulp outside [a, b] on a run of
 * equal values) a row of percentiles never decreases. */
double sc_stats_between(double a, double b, double frac);

/* Percentile p (a share, in [0, 1]) of x[0..n) by Hyndman and Fan's type 7
 * (linear interpolation at rank (n - 1) p, numpy's and R's default, Excel's
 * PERCENTILE.INC). x must be sorted, or at least have order statistics
 * j = floor((n - 1) p) and j + 1 in their sorted places. n >= 1. Every stage
 * that reports a percentile uses this one rule, so a band computed anywhere
 * equals the one the engine stores. */
double sc_stats_type7(const double *x, size_t n, double p);

/* The Beta(a, b) with mean m and sd: a = m k, b = (1 - m) k, k = m (1 - m) /
 * sd^2 - 1. Returns 0; -1 (a, b untouched) unless 0 < m < 1 and
 * 0 < sd^2 < m (1 - m). */
int sc_stats_beta_from_mean_sd(double m, double sd, double *a, double *b);

/* The p-quantile (0 < p < 1) of Beta(a, b) (a, b > 0), by bisection on
 * GSL's distribution function: it converges for every a and b, where GSL's
 * own inverse gives up (and, with GSL's default handler, aborts the
 * process). NaN for arguments out of range. */
double sc_stats_beta_quantile(double p, double a, double b);
/* The same of a chi-square with nu > 0 degrees of freedom. */
double sc_stats_chisq_quantile(double p, double nu);

/* Share `total` among n items in proportion to weight[0..n) (sum W > 0):
 * floor(total w_i / W) each, then one more to the items with the largest
 * remainders, ties to the earlier item; the shares add up to total exactly
 * (whole plans), in exact integer arithmetic. Returns 0; EDOM when W is 0,
 * EOVERFLOW when total x a weight (or W) passes 64 bits, ENOMEM. */
int sc_stats_largest_remainder(const uint64_t *weight, size_t n, uint64_t total,
                               uint64_t *share);

#endif
