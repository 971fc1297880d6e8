/*
 * estimate.c — the estimators of sensitivity.h on plain arrays: the
 * given-data first-order share, the median's shift with an input low or
 * high, the variance share of paired runs, each with its batch error.
 *
 * First-order share (Gamboa, Klein & Lagnoux 2022, "Global sensitivity
 * analysis: a novel generation of mighty estimators based on rank
 * statistics", Bernoulli 28): with the n trajectories in ascending order of
 * the input X, o_1 .. o_n, and the output's mean m and variance v,
 *
 *     S = [ 1/(n-1) sum_j (y_{o_j} - m)(y_{o_{j+1}} - m) ] / v.
 *
 * Neighbours in X's order have (nearly) the same X and independent
 * everything else, so the covariance of their outputs is Var(E[Y|X]): a
 * consistent estimator with no tuning parameter and no extra runs.
 *
 * Median shifts: the median of Y over the trajectories whose X lies between
 * its 5th and 15th percentiles (ranks [0.05 n, 0.15 n)), less Y's median;
 * likewise between the 85th and 95th. For a 0/1 outcome the mean takes the
 * median's place.
 *
 * Errors: trajectory i belongs to batch floor(i B / n) (B = SC_SENS_BATCHES
 * contiguous blocks); each estimate is made again within each batch alone
 * (its own mean, variance, median and order), and its error is the sd of
 * the B batch estimates over sqrt(B). Everything runs in one thread, in
 * trajectory order: the same numbers for any number of threads.
 */
#include "sens_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sendcast/alloc.h"
#include "sendcast/stats.h"

#define B SC_SENS_BATCHES

/* ---- order and quantiles ------------------------------------------------ */

static int keyed_cmp(const void *a, const void *b)
{
    const sens_keyed *p = a, *q = b;
    if (p->x < q->x)
        return -1;
    if (p->x > q->x)
        return 1;
    return (p->i > q->i) - (p->i < q->i);
}

void sens_order_into(const double *x, long n, sens_keyed *k, long *order)
{
    for (long i = 0; i < n; i++)
        k[i] = (sens_keyed){ x[i], i };
    qsort(k, (size_t)n, sizeof *k, keyed_cmp);
    for (long i = 0; i < n; i++)
        order[i] = k[i].i;
}

int sc_sens_order(const double *x, long n, long *order, sc_error *e)
{
    sens_keyed *k = sc_calloc((size_t)(n > 0 ? n : 1), sizeof *k);
    if (!k)
        return SC_ERROR(e, SC_ENOMEM, "out of memory ordering %ld trajectories", n);
    sens_order_into(x, n, k, order);
    sc_free(k);
    return SC_OK;
}

/* Hoare's selection: v[j] becomes the j-th smallest of v[0..n), smaller
 * ones before it and larger after (a deterministic median-of-three pivot). */
static void select_nth(double *v, long n, long j)
{
    long lo = 0, hi = n - 1;
    while (hi > lo) {
        long mid = lo + (hi - lo) / 2;
        if (v[mid] < v[lo]) { double t = v[mid]; v[mid] = v[lo]; v[lo] = t; }
        if (v[hi] < v[lo]) { double t = v[hi]; v[hi] = v[lo]; v[lo] = t; }
        if (v[hi] < v[mid]) { double t = v[hi]; v[hi] = v[mid]; v[mid] = t; }
        double pivot = v[mid];
        long a = lo, b = hi;
        while (a <= b) {
            while (v[a] < pivot)
                a++;
            while (v[b] > pivot)
                b--;
            if (a <= b) {
                double t = v[a];
                v[a] = v[b];
                v[b] = t;
                a++;
                b--;
            }
        }
        if (j <= b)
            hi = b;
        else if (j >= a)
            lo = a;
        else
            return;
    }
}

/* Type 7 percentile p of v[0..n), reordering v. */
static double type7_inplace(double *v, long n, double p)
{
    if (n < 1)
        return NAN;
    double h = (double)(n - 1) * p;
    long j = (long)floor(h);
    if (j >= n - 1)
        j = n - 1;
    select_nth(v, n, j);
    double a = v[j], frac = h - (double)j;
    if (frac <= 0 || j + 1 >= n)
        return a;
    double b = v[j + 1];
    for (long k = j + 2; k < n; k++)
        b = fmin(b, v[k]);
    return sc_stats_between(a, b, frac);
}

double sc_sens_quantile(const double *y, long n, double p, double *scratch)
{
    memcpy(scratch, y, (size_t)n * sizeof *y);
    return type7_inplace(scratch, n, p);
}

/* The median of v[0..n) (indicator: the mean), reordering v. */
static double centre_of(double *v, long n, int indicator)
{
    if (!indicator)
        return type7_inplace(v, n, 0.5);
    double s = 0;
    for (long i = 0; i < n; i++)
        s += v[i];
    return n > 0 ? s / (double)n : NAN;
}

static int batch_of(long i, long n)
{
    return (int)((i * B) / n);
}

/* sd of B estimates over sqrt(B); NaN if any is NaN. */
static double batch_error(const double *v)
{
    double m = 0, s = 0;
    for (int b = 0; b < B; b++)
        m += v[b];
    m /= B;
    for (int b = 0; b < B; b++)
        s += (v[b] - m) * (v[b] - m);
    return sqrt(s / (B - 1)) / sqrt((double)B);
}

/* ---- the output's context ---------------------------------------------- */

void sc_sens_ycontext_init(sc_sens_ycontext *c, const double *y, long n, int indicator,
                           double *scratch)
{
    memset(c, 0, sizeof *c);
    c->n = n;
    c->indicator = indicator;
    double sum = 0, bsum[B] = { 0 };
    for (long i = 0; i < n; i++) {
        sum += y[i];
        bsum[batch_of(i, n)] += y[i];
        c->bsize[batch_of(i, n)]++;
    }
    c->mean = sum / (double)n;
    for (int b = 0; b < B; b++)
        c->bmean[b] = bsum[b] / (double)c->bsize[b];
    double ss = 0, bss[B] = { 0 };
    for (long i = 0; i < n; i++) {
        int b = batch_of(i, n);
        ss += (y[i] - c->mean) * (y[i] - c->mean);
        bss[b] += (y[i] - c->bmean[b]) * (y[i] - c->bmean[b]);
    }
    c->var = ss / (double)n;
    for (int b = 0; b < B; b++)
        c->bvar[b] = bss[b] / (double)c->bsize[b];
    memcpy(scratch, y, (size_t)n * sizeof *y);
    c->centre = centre_of(scratch, n, indicator);
    /* batches are contiguous: batch b is y[first_b .. first_b + size_b) */
    long first = 0;
    for (int b = 0; b < B; b++) {
        memcpy(scratch, y + first, (size_t)c->bsize[b] * sizeof *y);
        c->bcentre[b] = centre_of(scratch, c->bsize[b], indicator);
        first += c->bsize[b];
    }
}

/* ---- one input against one output ------------------------------------- */

/* The window of ranks [lo, hi) of m ordered values: its 5th-15th or
 * 85th-95th percentiles, at least one value. */
static void window(long m, int high, long *lo, long *hi)
{
    *lo = (long)floor((high ? 0.85 : 0.05) * (double)m);
    *hi = (long)floor((high ? 0.95 : 0.15) * (double)m);
    if (*hi <= *lo)
        *hi = *lo + 1;
    if (*hi > m)
        *hi = m;
}

/* The shift of the centre within one window (high or low), overall and per
 * batch (one pass over the order): centre of y over the window less the
 * centre of all. scratch holds n doubles. */
static void shift(const sc_sens_ycontext *c, const long *order, const double *y, int high,
                  double *scratch, double *est, double *se)
{
    long n = c->n, lo, hi;
    /* overall window */
    window(n, high, &lo, &hi);
    for (long r = lo; r < hi; r++)
        scratch[r - lo] = y[order[r]];
    *est = centre_of(scratch, hi - lo, c->indicator) - c->centre;
    /* batch windows: batch b's values go to scratch[start_b ..] */
    long start[B], fill[B], blo[B], bhi[B], rank[B] = { 0 }, at = 0;
    for (int b = 0; b < B; b++) {
        window(c->bsize[b], high, &blo[b], &bhi[b]);
        start[b] = at;
        fill[b] = 0;
        at += bhi[b] - blo[b];
    }
    for (long r = 0; r < n; r++) {
        long i = order[r];
        int b = batch_of(i, n);
        if (rank[b] >= blo[b] && rank[b] < bhi[b])
            scratch[start[b] + fill[b]++] = y[i];
        rank[b]++;
    }
    double v[B];
    for (int b = 0; b < B; b++)
        v[b] = centre_of(scratch + start[b], fill[b], c->indicator) - c->bcentre[b];
    *se = batch_error(v);
}

void sc_sens_estimate_one(const sc_sens_ycontext *c, const long *order, const double *y,
                          double *scratch, sc_sens_estimate *out)
{
    long n = c->n;
    double num = 0, bnum[B] = { 0 };
    long bcount[B] = { 0 }, last[B];
    for (int b = 0; b < B; b++)
        last[b] = -1;
    for (long r = 0; r < n; r++) {
        long i = order[r];
        int b = batch_of(i, n);
        if (r > 0)
            num += (y[order[r - 1]] - c->mean) * (y[i] - c->mean);
        if (last[b] >= 0) {
            bnum[b] += (y[last[b]] - c->bmean[b]) * (y[i] - c->bmean[b]);
            bcount[b]++;
        }
        last[b] = i;
    }
    double v[B];
    out->share = c->var > 0 ? num / (double)(n - 1) / c->var : NAN;
    for (int b = 0; b < B; b++)
        v[b] = c->bvar[b] > 0 && bcount[b] > 0 ? bnum[b] / (double)bcount[b] / c->bvar[b] : NAN;
    out->share_se = c->var > 0 ? batch_error(v) : NAN;
    shift(c, order, y, 0, scratch, &out->low, &out->low_se);
    shift(c, order, y, 1, scratch, &out->high, &out->high_se);
}

/* ---- paired runs ------------------------------------------------------- */

/* 1 - var(proc)/var(full) over y[first .. first + m). */
static double share_of(const double *full, const double *proc, long first, long m)
{
    double mf = 0, mp = 0, vf = 0, vp = 0;
    for (long i = first; i < first + m; i++) {
        mf += full[i];
        mp += proc[i];
    }
    mf /= (double)m;
    mp /= (double)m;
    for (long i = first; i < first + m; i++) {
        vf += (full[i] - mf) * (full[i] - mf);
        vp += (proc[i] - mp) * (proc[i] - mp);
    }
    return vf > 0 ? 1 - vp / vf : NAN;
}

void sc_sens_variance_share(const double *full, const double *proc, long n, double *share,
                            double *se)
{
    *share = n > 1 ? share_of(full, proc, 0, n) : NAN;
    if (n < 2 * B) {
        *se = NAN;
        return;
    }
    double v[B];
    long first = 0;
    for (int b = 0; b < B; b++) {
        long m = 0;
        while (first + m < n && batch_of(first + m, n) == b)
            m++;
        v[b] = share_of(full, proc, first, m);
        first += m;
    }
    *se = batch_error(v);
}
