/*
 * summary.c — statistics across trajectories (MODEL.md section 4).
 *
 * Every trajectory's cells are kept in one array laid out [cell][trajectory]
 * (cell-major), so the n values of a cell are contiguous: a cell's statistics
 * read one run of memory, and its percentiles need one copy and one sort.
 * Trajectories arrive as whole records (sc_summary_store scatters one record
 * into its column); the cost of that scatter is small next to simulating it.
 *
 * sc_summary_compute works cell by cell, cells shared among OpenMP threads.
 * Each cell is computed by one thread, serially, in trajectory order, with
 * plain sums, so results are bit-identical whatever the thread count. Each
 * thread owns one scratch buffer (n doubles) for sorting, made before the
 * loop; an allocation failure is recorded and reported after the parallel
 * region, never returned from inside it.
 *
 * Statistics of a cell: mean; sample sd (divisor n-1; 0 when n = 1); Monte
 * Carlo standard error of the mean sd/sqrt(n); percentiles by Hyndman-Fan
 * type 7 (linear interpolation between
 * order statistics at (n-1)p, numpy's default). A cell holding NaN in any
 * trajectory gets NaN for every statistic: NaN marks "not defined" (a year
 * with no target), and sorting with NaN would give meaningless percentiles.
 * For the Safety Valve indicators (1 met, 0 not, NaN no target) P(met) is the
 * mean and its standard error the binomial one, sqrt(p(1-p)/n).
 */
#include "sendcast/summary.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include <gsl/gsl_sort.h>

#include "sendcast/alloc.h"

struct sc_summary {
    sc_layout layout;     /* a copy, so the caller's layout may go first */
    long n;               /* trajectories */
    int np;               /* percentiles wanted */
    double *pcts;         /* [np], in (0, 100) */
    double *values;       /* [ncells][n] */
    double *mean;         /* [ncells] */
    double *sd;           /* [ncells] */
    double *mcse;         /* [ncells] */
    double *pct;          /* [ncells][np] */
    double *p_met;        /* [years] */
    double *p_met_mcse;   /* [years] */
};

void sc_summary_free(sc_summary *s)
{
    if (!s)
        return;
    sc_free(s->pcts);
    sc_free(s->values);
    sc_free(s->mean);
    sc_free(s->sd);
    sc_free(s->mcse);
    sc_free(s->pct);
    sc_free(s->p_met);
    sc_free(s->p_met_mcse);
    sc_free(s);
}

static int check_args(const sc_layout *l, long n, int np, const double *pcts, sc_error *e)
{
    if (n < 1)
        return sc_error_set(e, SC_EINPUT, "summary: need at least one trajectory, got %ld", n);
    if (l->ncells == 0)
        return sc_error_set(e, SC_EINPUT, "summary: the layout has no cells");
    if (np < 0 || (np > 0 && !pcts))
        return sc_error_set(e, SC_EINPUT, "summary: bad percentile list (%d entries)", np);
    for (int k = 0; k < np; k++)
        if (!(pcts[k] >= 0.0 && pcts[k] <= 100.0))
            return sc_error_set(e, SC_EINPUT,
                                "summary: percentile %g is outside [0, 100]", pcts[k]);
    return SC_OK;
}

/* The big array is 8 x ncells x n bytes: refuse sizes that overflow size_t,
 * and say how much was asked for when the allocation itself fails. */
static int alloc_values(sc_summary *s, sc_error *e)
{
    size_t cells = s->layout.ncells;
    size_t n = (size_t)s->n;
    double need = 8.0 * (double)cells * (double)n;
    if (n > SIZE_MAX / sizeof(double) / cells)
        return sc_error_set(e, SC_ENOMEM,
                            "summary: %zu cells x %ld trajectories need %.4g bytes, "
                            "more than this machine can address", cells, s->n, need);
    s->values = sc_malloc(cells * n * sizeof(double));
    if (!s->values)
        return sc_error_set(e, SC_ENOMEM,
                            "summary: cannot allocate %.4g bytes (%.3g GiB) for %zu cells x "
                            "%ld trajectories; use fewer trajectories",
                            need, need / (1024.0 * 1024.0 * 1024.0), cells, s->n);
    return SC_OK;
}

static int alloc_results(sc_summary *s, sc_error *e)
{
    size_t cells = s->layout.ncells;
    size_t years = (size_t)(s->layout.years > 0 ? s->layout.years : 0);
    s->mean = sc_calloc(cells, sizeof(double));
    s->sd = sc_calloc(cells, sizeof(double));
    s->mcse = sc_calloc(cells, sizeof(double));
    /* sc_calloc checks cells * np for overflow. */
    s->pct = sc_calloc(cells, (size_t)s->np * sizeof(double));
    s->p_met = sc_calloc(years, sizeof(double));
    s->p_met_mcse = sc_calloc(years, sizeof(double));
    if (!s->mean || !s->sd || !s->mcse || !s->pct || !s->p_met || !s->p_met_mcse)
        return sc_error_set(e, SC_ENOMEM, "summary: out of memory for the statistics of "
                            "%zu cells", cells);
    return SC_OK;
}

int sc_summary_alloc(const sc_layout *l, long n, int npercentiles, const double *percentiles,
                     sc_summary **out, sc_error *e)
{
    *out = NULL;
    int rc = check_args(l, n, npercentiles, percentiles, e);
    if (rc)
        return rc;
    sc_summary *s = sc_calloc(1, sizeof *s);
    if (!s)
        return sc_error_set(e, SC_ENOMEM, "summary: out of memory");
    s->layout = *l;
    s->n = n;
    s->np = npercentiles;
    s->pcts = sc_calloc((size_t)npercentiles, sizeof(double));
    if (!s->pcts) {
        sc_summary_free(s);
        return sc_error_set(e, SC_ENOMEM, "summary: out of memory");
    }
    if (npercentiles > 0)
        memcpy(s->pcts, percentiles, (size_t)npercentiles * sizeof(double));
    rc = alloc_values(s, e);
    if (!rc)
        rc = alloc_results(s, e);
    if (rc) {
        sc_summary_free(s);
        return rc;
    }
    *out = s;
    return SC_OK;
}

void sc_summary_store(sc_summary *s, long i, const double *cells)
{
    size_t n = (size_t)s->n;
    double *col = s->values + (size_t)i;
    for (size_t c = 0; c < s->layout.ncells; c++)
        col[c * n] = cells[c];
}

static void set_all_nan(sc_summary *s, size_t c)
{
    s->mean[c] = s->sd[c] = s->mcse[c] = NAN;
    for (int k = 0; k < s->np; k++)
        s->pct[c * (size_t)s->np + (size_t)k] = NAN;
}

/* Type-7 quantile of sorted x[0..n-1]: x[j] + d (x[j+1] - x[j]) at rank
 * (n-1)p = j + d. The same definition as gsl_stats_quantile_from_sorted_data,
 * which computes (1-d) x[j] + d x[j+1]: that form can land an ulp outside
 * [x[j], x[j+1]] (e.g. on a run of equal values), so a row of percentiles of
 * a constant could decrease. This form, clamped to the bracket, is monotone in
 * p, as a finance reader expects every percentile row to be. */
static double quantile_sorted(const double *x, size_t n, double p)
{
    double rank = (double)(n - 1) * p;
    size_t j = (size_t)rank;
    if (j + 1 >= n)
        return x[n - 1];
    double v = x[j] + (rank - (double)j) * (x[j + 1] - x[j]);
    return fmin(fmax(v, x[j]), x[j + 1]);
}

/* One cell: plain sums in trajectory order, the corrected two-pass algorithm
 * (the second pass removes the rounding of the first mean, so the sd loses no
 * digits to cancellation), then percentiles from a sorted copy. A cell that is
 * the same in every trajectory (a grant, a capped contingency) gets exactly
 * that value as its mean and sd 0, not rounding noise. */
static void summarise_cell(sc_summary *s, size_t c, double *scratch)
{
    size_t n = (size_t)s->n;
    const double *x = s->values + c * n;
    double sum = 0.0;
    int constant = 1;
    for (size_t i = 0; i < n; i++) {
        if (isnan(x[i])) {
            set_all_nan(s, c);
            return;
        }
        sum += x[i];
        constant &= x[i] == x[0];
    }
    double mean = sum / (double)n, sd = 0.0;
    if (constant) {
        mean = x[0];
    } else {
        double dev = 0.0, ss = 0.0;
        for (size_t i = 0; i < n; i++) {
            dev += x[i] - mean;
            ss += (x[i] - mean) * (x[i] - mean);
        }
        ss -= dev * dev / (double)n;
        mean += dev / (double)n;
        sd = n > 1 ? sqrt(fmax(ss, 0.0) / (double)(n - 1)) : 0.0;
    }
    s->mean[c] = mean;
    s->sd[c] = sd;
    s->mcse[c] = sd / sqrt((double)n);

    if (s->np == 0)
        return;
    memcpy(scratch, x, n * sizeof(double));
    gsl_sort(scratch, 1, n);
    for (int k = 0; k < s->np; k++)
        s->pct[c * (size_t)s->np + (size_t)k] =
            quantile_sorted(scratch, n, s->pcts[k] / 100.0);
}

/* P(target met) per year from the indicator cells' means. */
static void summarise_targets(sc_summary *s)
{
    double n = (double)s->n;
    for (int y = 0; y < s->layout.years; y++) {
        double p = s->mean[s->layout.target_offset + (size_t)y];
        s->p_met[y] = p;
        s->p_met_mcse[y] = isnan(p) ? NAN : sqrt(p * (1.0 - p) / n);
    }
}

int sc_summary_compute(sc_summary *s, sc_error *e)
{
    long long ncells = (long long)s->layout.ncells;
    size_t n = (size_t)s->n;
    int failed = 0;

#pragma omp parallel default(none) shared(s, ncells, n, failed)
    {
        double *scratch = sc_malloc(n * sizeof(double));
        if (!scratch) {
#pragma omp atomic write
            failed = 1;
        }
        /* Every thread must still reach the worksharing loop (OpenMP needs
         * all or none); one without scratch skips its cells, and the flag
         * turns the whole result into an error below. */
#pragma omp for schedule(dynamic)
        for (long long c = 0; c < ncells; c++)
            if (scratch)
                summarise_cell(s, (size_t)c, scratch);
        sc_free(scratch);
    }

    if (failed)
        return sc_error_set(e, SC_ENOMEM, "summary: cannot allocate %zu bytes of sorting "
                            "scratch per thread", n * sizeof(double));
    summarise_targets(s);
    return SC_OK;
}

long sc_summary_trajectories(const sc_summary *s)
{
    return s->n;
}

int sc_summary_npercentiles(const sc_summary *s)
{
    return s->np;
}

const double *sc_summary_percentiles(const sc_summary *s)
{
    return s->pcts;
}

static size_t block(const sc_summary *s, enum sc_level level, int metric)
{
    return sc_layout_block(&s->layout, level, metric);
}

const double *sc_summary_mean(const sc_summary *s, enum sc_level level, int metric)
{
    return s->mean + block(s, level, metric);
}

const double *sc_summary_sd(const sc_summary *s, enum sc_level level, int metric)
{
    return s->sd + block(s, level, metric);
}

const double *sc_summary_mcse(const sc_summary *s, enum sc_level level, int metric)
{
    return s->mcse + block(s, level, metric);
}

const double *sc_summary_pct(const sc_summary *s, enum sc_level level, int metric)
{
    return s->pct + block(s, level, metric) * (size_t)s->np;
}

const double *sc_summary_p_met(const sc_summary *s)
{
    return s->p_met;
}

const double *sc_summary_p_met_mcse(const sc_summary *s)
{
    return s->p_met_mcse;
}

const double *sc_summary_p_first_breach(const sc_summary *s)
{
    return s->mean + s->layout.breach_offset;
}

double sc_summary_p_all_met(const sc_summary *s, double *mcse)
{
    double p = s->mean[s->layout.all_met_offset];
    if (mcse)
        *mcse = isnan(p) ? NAN : sqrt(p * (1.0 - p) / (double)s->n);
    return p;
}

double sc_summary_value(const sc_summary *s, long i, size_t cell)
{
    return s->values[cell * (size_t)s->n + (size_t)i];
}
