/*
 * summary.c — statistics across trajectories (MODEL.md section 4): the
 * summary's public face, and the kind that keeps every record.
 *
 * Every trajectory's cells are kept in one array laid out [trajectory][cell]:
 * a trajectory arrives as a whole record and is stored with one memcpy (an
 * earlier cell-major layout scattered each record over ncells pages and cost
 * more than simulating it). sc_summary_compute gathers blocks of 8 adjacent
 * cells into contiguous columns (a cache line per row read), then computes
 * each column's statistics and sorts it in place for the percentiles.
 *
 * Blocks of cells are shared among OpenMP threads. Each cell is computed by
 * one thread, serially, in trajectory order, with plain sums, so results are
 * bit-identical whatever the thread count. Each thread owns one scratch
 * buffer (8 x n doubles), made before the loop; an allocation failure is
 * recorded and reported after the parallel
 * region, never returned from inside it.
 *
 * Statistics of a cell: mean; sample sd (divisor n-1; 0 when n = 1); Monte
 * Carlo standard error of the mean sd/sqrt(n); percentiles by Hyndman-Fan
 * type 7 (sc_stats_type7, on order statistics placed by selection rather
 * than a full sort). A cell holding NaN in any
 * trajectory gets NaN for every statistic: NaN marks "not defined" (a year
 * with no target), and sorting with NaN would give meaningless percentiles.
 * For the Safety Valve indicators (1 met, 0 not, NaN no target) P(met) is the
 * mean and its standard error the binomial one, sqrt(p(1-p)/n).
 */
/* MADV_HUGEPAGE of madvise is a Linux extension beyond POSIX. */
#define _DEFAULT_SOURCE

#include "sendcast/summary.h"

#include <math.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>


#include "sendcast/alloc.h"
#include "sendcast/stats.h"
#include "summ_internal.h"

void sc_summary_free(sc_summary *s)
{
    if (!s)
        return;
    sc_free(s->pcts);
    sc_free(s->ranks);
    sc_free(s->values);
    sc_free(s->mean);
    sc_free(s->sd);
    sc_free(s->mcse);
    sc_free(s->pct);
    sc_free(s->p_met);
    sc_free(s->p_met_mcse);
    sc_free(s->keep);
    sc_free(s->kept_cells);
    summ_twopass_free(s->tp);
    sc_free(s);
}

static int check_args(const sc_layout *l, long n, int np, const double *pcts, sc_error *e)
{
    if (n < 1)
        return SC_ERROR(e, SC_EINPUT, "summary: need at least one trajectory, got %ld", n);
    if (l->ncells == 0)
        return SC_ERROR(e, SC_EINPUT, "summary: the layout has no cells");
    if (np < 0 || np > SC_MAX_PERCENTILES || (np > 0 && !pcts))
        return SC_ERROR(e, SC_EINPUT, "summary: bad percentile list (%d entries; at most %d)",
                        np, SC_MAX_PERCENTILES);
    for (int k = 0; k < np; k++)
        if (!(pcts[k] >= 0.0 && pcts[k] <= 100.0))
            return SC_ERROR(e, SC_EINPUT,
                            "summary: percentile %g is outside [0, 100]", pcts[k]);
    for (int k = 1; k < np; k++)
        if (pcts[k] < pcts[k - 1])
            return SC_ERROR(e, SC_EINPUT, "summary: percentiles must be in ascending "
                            "order (%g after %g)", pcts[k], pcts[k - 1]);
    return SC_OK;
}

/* Ask for transparent huge pages for the records (advice; ignored where not
 * available): a gigabyte of records filled by the simulation otherwise takes
 * 250,000 page faults. */
static void advise_huge_pages(void *p, size_t bytes)
{
#ifdef MADV_HUGEPAGE
    const uintptr_t huge = (uintptr_t)2 << 20;
    uintptr_t start = ((uintptr_t)p + huge - 1) & ~(huge - 1);
    uintptr_t end = ((uintptr_t)p + bytes) & ~(huge - 1);
    if (end > start)
        (void)madvise((void *)start, end - start, MADV_HUGEPAGE);
#else
    (void)p;
    (void)bytes;
#endif
}

/* The big array is 8 x ncells x n bytes: refuse sizes that overflow size_t,
 * and say how much was asked for when the allocation itself fails. */
static int alloc_values(sc_summary *s, sc_error *e)
{
    size_t cells = s->layout.ncells;
    size_t n = (size_t)s->n;
    double need = 8.0 * (double)cells * (double)n;
    if (n > SIZE_MAX / sizeof(double) / cells)
        return SC_ERROR(e, SC_ENOMEM,
                        "summary: %zu cells x %ld trajectories need %.4g bytes, "
                        "more than this machine can address", cells, s->n, need);
    s->values = sc_malloc(cells * n * sizeof(double));
    if (!s->values)
        return SC_ERROR(e, SC_ENOMEM,
                        "summary: out of memory: cannot allocate %.4g bytes (%.3g GiB) "
                        "for %zu cells x %ld trajectories; use fewer trajectories or "
                        "a smaller --memory",
                        need, need / (1024.0 * 1024.0 * 1024.0), cells, s->n);
    advise_huge_pages(s->values, cells * n * sizeof(double));
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
        return SC_ERROR(e, SC_ENOMEM, "summary: out of memory for the statistics of "
                        "%zu cells", cells);
    return SC_OK;
}

/* The distinct ranks j and j + 1 (rank (n-1)p = j + d) the percentiles read. */
static int percentile_ranks(long n, int np, const double *pcts, size_t *ranks)
{
    int nr = 0;
    for (int k = 0; k < np; k++) {
        size_t j = (size_t)((double)(n - 1) * (pcts[k] / 100.0));
        for (size_t r = j; r <= j + 1 && r < (size_t)n; r++)
            if (nr == 0 || ranks[nr - 1] < r)
                ranks[nr++] = r;
    }
    return nr;
}

/* What both modes share: arguments, percentiles, the statistics' arrays. */
static int alloc_common(const sc_layout *l, long n, int npercentiles, const double *percentiles,
                        int keep_records, sc_summary **out, sc_error *e)
{
    *out = NULL;
    int rc = check_args(l, n, npercentiles, percentiles, e);
    if (rc)
        return rc;
    sc_summary *s = sc_calloc(1, sizeof *s);
    if (!s)
        return SC_ERROR(e, SC_ENOMEM, "summary: out of memory");
    s->layout = *l;
    s->n = n;
    s->np = npercentiles;
    s->passes = 1;
    s->pcts = sc_calloc((size_t)npercentiles, sizeof(double));
    s->ranks = sc_calloc(2 * (size_t)npercentiles + 1, sizeof(size_t));
    rc = s->pcts && s->ranks ? SC_OK : SC_ERROR(e, SC_ENOMEM, "summary: out of memory");
    if (!rc && keep_records)
        rc = alloc_values(s, e);   /* first: its failure names the bytes asked for */
    if (!rc)
        rc = alloc_results(s, e);
    if (rc) {
        sc_summary_free(s);
        return rc;
    }
    if (npercentiles > 0)
        memcpy(s->pcts, percentiles, (size_t)npercentiles * sizeof(double));
    s->nranks = percentile_ranks(n, npercentiles, s->pcts, s->ranks);
    *out = s;
    return SC_OK;
}

int sc_summary_alloc(const sc_layout *l, long n, int npercentiles, const double *percentiles,
                     sc_summary **out, sc_error *e)
{
    return alloc_common(l, n, npercentiles, percentiles, 1, out, e);
}

int sc_summary_alloc_bounded(const sc_layout *l, long n, int npercentiles,
                             const double *percentiles, sc_summary **out, sc_error *e)
{
    int rc = alloc_common(l, n, npercentiles, percentiles, 0, out, e);
    if (!rc && (rc = summ_twopass_alloc(*out, e))) {
        sc_summary_free(*out);
        *out = NULL;
    }
    return rc;
}

int sc_summary_passes(const sc_summary *s)
{
    return s->passes;
}

long sc_summary_pass_trajectories(const sc_summary *s, int pass)
{
    return s->tp && pass == 0 ? summ_twopass_pilot(s) : s->n;
}

int sc_summary_end_pass(sc_summary *s, sc_error *e)
{
    if (s->pass >= s->passes)
        return SC_ERROR(e, SC_EFAIL, "summary: all %d passes have ended", s->passes);
    int rc = s->tp ? summ_twopass_end_pass(s, e) : SC_OK;
    if (!rc)
        s->pass++;
    return rc;
}

void sc_summary_set_rank_error(sc_summary *s, double rank_error)
{
    if (s->tp && s->pass == 0)
        summ_twopass_set_rank_error(s, rank_error > 0 ? rank_error : 0);
}

void sc_summary_set_threads(sc_summary *s, int threads)
{
    s->threads = threads > 0 ? threads : 0;
}

double sc_summary_rank_error(const sc_summary *s)
{
    return s->tp ? summ_twopass_rank_error(s) : 0.0;
}

void sc_summary_set_slice(sc_summary *s, long first, long count)
{
    if (s->tp)
        summ_twopass_set_slice(s, first, count);
}

int sc_summary_keep_cells(sc_summary *s, const size_t *cells, int k, sc_error *e)
{
    for (int j = 0; j < k; j++)
        if (cells[j] >= s->layout.ncells)
            return SC_ERROR(e, SC_EINPUT, "summary: cell %zu to keep is outside the layout's "
                            "%zu", cells[j], s->layout.ncells);
    if (!s->tp || k <= 0)
        return SC_OK;    /* every record is kept: every cell's values are there */
    size_t *keep = sc_calloc((size_t)k, sizeof *keep);
    double *kept = sc_calloc((size_t)s->n, (size_t)k * sizeof *kept);
    if (!keep || !kept) {
        sc_free(keep);
        sc_free(kept);
        return SC_ERROR(e, SC_ENOMEM, "summary: out of memory keeping %d cells of %ld "
                        "trajectories", k, s->n);
    }
    memcpy(keep, cells, (size_t)k * sizeof *keep);
    sc_free(s->keep);
    sc_free(s->kept_cells);
    s->keep = keep;
    s->kept_cells = kept;
    s->nkeep = k;
    return SC_OK;
}

void sc_summary_shared_state(sc_summary *s, sc_summary_shared *sh)
{
    memset(sh, 0, sizeof *sh);
    if (s->tp)
        summ_twopass_shared(s, sh);
}

int sc_summary_pack_kept(const sc_summary *s, double **fills, size_t *nfills, double **values,
                         size_t *nvalues, sc_error *e)
{
    *fills = *values = NULL;
    *nfills = *nvalues = 0;
    return s->tp ? summ_twopass_pack_kept(s, fills, nfills, values, nvalues, e) : SC_OK;
}

void sc_summary_unpack_kept(sc_summary *s, int nprocs, const double *fills,
                            const double *values)
{
    if (s->tp)
        summ_twopass_unpack_kept(s, nprocs, fills, values);
}

int sc_summary_bounded(const sc_summary *s)
{
    return s->tp != NULL;
}

int sc_summary_has_records(const sc_summary *s)
{
    return s->values != NULL;
}

void sc_summary_store_rows(sc_summary *s, long first, long count, const double *rows)
{
    if (s->tp)
        summ_twopass_store(s, first, count, rows);
    else
        memcpy(s->values + (size_t)first * s->layout.ncells, rows,
               (size_t)count * s->layout.ncells * sizeof *rows);
}

static void put_rows(void *ctx, long first, long count, const double *rows)
{
    sc_summary_store_rows(ctx, first, count, rows);
}

sc_sink sc_summary_sink(sc_summary *s)
{
    return (sc_sink){s->tp ? SC_SINK_TEAM : SC_SINK_ANY_THREAD, put_rows, s};
}

void sc_summary_store(sc_summary *s, long i, const double *cells)
{
    sc_summary_store_rows(s, i, 1, cells);
}



static void swap(double *a, double *b)
{
    double t = *a;
    *a = *b;
    *b = t;
}

/* Put x[lo..hi) around its k-th smallest value (lo <= k < hi): afterwards
 * x[k] is that value, everything before it is <= and everything after >=.
 * Quickselect with a median-of-three pivot and a three-way partition, so runs
 * of equal values (counts, capped amounts) cost one pass, not many. */
static void select_kth(double *x, size_t lo, size_t hi, size_t k)
{
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        double a = x[lo], b = x[mid], c = x[hi - 1];
        double pivot = a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));
        size_t lt = lo, i = lo, gt = hi;   /* [lo,lt) < pivot, [lt,i) == pivot, [gt,hi) > pivot */
        while (i < gt) {
            if (x[i] < pivot)
                swap(&x[lt++], &x[i++]);
            else if (x[i] > pivot)
                swap(&x[i], &x[--gt]);
            else
                i++;
        }
        if (k < lt)
            hi = lt;
        else if (k >= gt)
            lo = gt;
        else
            return;
    }
}

/* Put each rank of ranks[0..nr) (ascending, in [lo, hi)) in its sorted place:
 * select the middle one, then the ranks below it among the values below it
 * and those above among the values above. Every level of the recursion
 * partitions at most n values, so 22 ranks cost about log2(22) passes, not 22
 * (a rank equal to one already placed is skipped). */
static void select_ranks(double *x, size_t lo, size_t hi, const size_t *ranks, int nr)
{
    while (nr > 0) {
        int mid = nr / 2;
        size_t k = ranks[mid];
        if (k >= lo && k < hi) {
            select_kth(x, lo, hi, k);
            select_ranks(x, lo, k, ranks, mid);
            lo = k + 1;
        }
        ranks += mid + 1;
        nr -= mid + 1;
    }
}

/* One cell: plain sums in trajectory order, the corrected two-pass algorithm
 * (the second pass removes the rounding of the first mean, so the sd loses no
 * digits to cancellation), then percentiles from a sorted copy. A cell that is
 * the same in every trajectory (a grant, a capped contingency) gets exactly
 * that value as its mean and sd 0, not rounding noise. */
static void summarise_cell(sc_summary *s, size_t c, double *x)
{
    size_t n = (size_t)s->n;
    double sum = 0.0;
    int constant = 1;
    for (size_t i = 0; i < n; i++) {
        if (isnan(x[i])) {
            summ_set_nan(s, c);
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
    select_ranks(x, 0, n, s->ranks, s->nranks);
    for (int k = 0; k < s->np; k++)
        s->pct[c * (size_t)s->np + (size_t)k] = sc_stats_type7(x, n, s->pcts[k] / 100.0);
}

/* Copy cells c0..c0+nb-1 of every trajectory into nb contiguous columns.
 * Rows are read a cache line at a time (SC_GATHER cells), not a value at a
 * time: storing whole rows and gathering blocks is far cheaper than
 * scattering every trajectory across ncells columns. */
enum { SC_GATHER = 8 };

static void gather(const sc_summary *s, size_t c0, size_t nb, double *cols)
{
    size_t n = (size_t)s->n, nc = s->layout.ncells;
    for (size_t i = 0; i < n; i++) {
        const double *row = s->values + i * nc + c0;
        for (size_t k = 0; k < nb; k++)
            cols[k * n + i] = row[k];
    }
}

int sc_summary_compute(sc_summary *s, sc_error *e)
{
    if (s->tp)
        return summ_twopass_compute(s, e);
    size_t ncells = s->layout.ncells;
    size_t n = (size_t)s->n;
    long long nblocks = (long long)((ncells + SC_GATHER - 1) / SC_GATHER);
    int failed = 0, nt = summ_threads(s);

#pragma omp parallel default(none) shared(s, ncells, n, nblocks, failed) num_threads(nt)
    {
        double *cols = sc_malloc(SC_GATHER * n * sizeof(double));
        if (!cols) {
#pragma omp atomic write
            failed = 1;
        }
        /* Every thread must still reach the worksharing loop (OpenMP needs
         * all or none); one without scratch skips its cells, and the flag
         * turns the whole result into an error below. */
#pragma omp for schedule(dynamic)
        for (long long b = 0; b < nblocks; b++) {
            size_t c0 = (size_t)b * SC_GATHER;
            size_t nb = ncells - c0 < SC_GATHER ? ncells - c0 : SC_GATHER;
            if (!cols)
                continue;
            gather(s, c0, nb, cols);
            for (size_t k = 0; k < nb; k++)
                summarise_cell(s, c0 + k, cols + k * n);
        }
        sc_free(cols);
    }

    if (failed)
        return SC_ERROR(e, SC_ENOMEM, "summary: out of memory for %zu bytes of sorting "
                        "scratch per thread", SC_GATHER * n * sizeof(double));
    summ_targets(s);
    return SC_OK;
}

long sc_summary_trajectories(const sc_summary *s)
{
    return s->n;
}

const sc_layout *sc_summary_layout(const sc_summary *s)
{
    return &s->layout;
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
    return sc_summary_p_cell(s, s->layout.all_met_offset, mcse);
}

double sc_summary_p_cell(const sc_summary *s, size_t cell, double *mcse)
{
    double p = cell < s->layout.ncells ? s->mean[cell] : NAN;
    if (mcse)
        *mcse = isnan(p) ? NAN : sqrt(p * (1.0 - p) / (double)s->n);
    return p;
}

int sc_summary_cell_values(const sc_summary *s, size_t cell, double *out, sc_error *e)
{
    size_t nc = s->layout.ncells, n = (size_t)s->n;
    if (s->values && cell < nc) {
        for (size_t i = 0; i < n; i++)
            out[i] = s->values[i * nc + cell];
        return SC_OK;
    }
    for (int j = 0; j < s->nkeep; j++)
        if (s->keep[j] == cell) {
            for (size_t i = 0; i < n; i++)
                out[i] = s->kept_cells[i * (size_t)s->nkeep + (size_t)j];
            return SC_OK;
        }
    return SC_ERROR(e, SC_EINPUT, "summary: cell %zu was not kept trajectory by trajectory "
                    "(bounded memory keeps only the cells asked for)", cell);
}

double *sc_summary_records(sc_summary *s)
{
    return s->values;
}

double sc_summary_value(const sc_summary *s, long i, size_t cell)
{
    return s->values[(size_t)i * s->layout.ncells + cell];
}
