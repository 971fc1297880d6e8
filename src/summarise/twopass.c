/*
 * twopass.c — summaries in bounded memory: percentiles exact, or within a
 * rank error of 1e-4 in one pass.
 *
 * Keeping every record costs 8 x cells x n bytes (13 GB for Kirklees at 10^6
 * trajectories). Because a trajectory's random numbers depend only on (seed,
 * trajectory, purpose), it can be simulated again and come out the same, so
 * the summary is built in passes over the same trajectories instead:
 *
 *   pass 0 (pilot, the first m trajectories): per cell, the distinct values
 *     d_0 < ... < d_{u-1} become bin edges. Bins alternate open intervals and
 *     points: (-inf, d_0), {d_0}, (d_0, d_1), {d_1}, ..., {d_{u-1}},
 *     (d_{u-1}, inf) — so a run of equal values (a count, a capped amount)
 *     sits in a point bin and needs no storage at all. At large n, each inner
 *     open bin is also split into equal-width sub-bins, as many as make each
 *     hold about a third of rank_error x n values: the pilot's spacing of
 *     nearby values (values seen once: a continuous part) says how many
 *     values an interval will hold;
 *   pass 1 (all n): per cell, the count of each (sub-)bin, a NaN flag, and
 *     the sums (shifted by the pilot's median), minimum and maximum of each
 *     chunk of trajectories. A chunk is processed by one thread in order
 *     (sc_summary_chunk) and chunks merge in order (Chan et al.), so the
 *     moments do not depend on the thread count. The cumulative counts then
 *     say which bin holds each wanted order statistic. If every one lies in a
 *     point bin or in a bin of at most rank_error x n values, the percentiles
 *     are read off here (a value inside the bin, placed by rank: its rank is
 *     within the bin's count of the true one) and pass 2 is skipped;
 *   pass 2 (all n, only if needed): only the values falling in the wanted
 *     bins are kept, sorted, and the order statistics read off: exact.
 *
 * So percentiles are exactly those of the full sort (three passes), or
 * within rank error rank_error (two; the summary says which and how much);
 * means and sds agree with the keep-everything mode to rounding. Rows are
 * binned a cell at a time, each cell by one thread (summ_twopass_store): no
 * atomics, and the numbers do not depend on the thread count.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include <gsl/gsl_sort.h>
#include <omp.h>

#include "sendcast/alloc.h"
#include "sendcast/stats.h"
#include "summ_internal.h"

/* One pass instead of two needs rank_error x n values a bin to work with;
 * below this many, bins are not split and pass 2 always runs. */
#define ONE_PASS_MIN_COUNT 30.0
/* Sub-bins aim at this share of the allowed count, so that the estimate of
 * an interval's share (from about 2 x DENSITY_WINDOW pilot values) and the
 * count's own noise rarely push a wanted bin past it. */
#define SUB_BIN_SHARE (1.0 / 3.0)
#define DENSITY_WINDOW 32
#define SUB_BINS_MAX 4096
/* Counters (4 bytes) allowed in all before splitting is given up for pass 2. */
#define COUNTERS_MAX ((size_t)96 << 20)
/* Rows ahead of the one being binned whose value is fetched early: a cell's
 * values are a row (13 KB for Kirklees) apart, too far for the hardware to
 * guess, and the load of each stalled the binning loop. */
#define PREFETCH_ROWS 16
#define BIN_BATCH 256     /* values whose counters are found before any is added to */

struct summ_twopass {
    long m;               /* pilot trajectories */
    long chunk, nchunks;
    long first, count;    /* the trajectories this process stores in passes 1 and 2 */
    double rank_error;    /* allowed, as a share of n; 0: exact (three passes) */
    int split;            /* open bins split into sub-bins (a one-pass answer is possible) */
    double achieved;      /* largest rank error of the percentiles given, share of n */
    double *pilot;        /* pass 0: [m][ncells]; freed after it */
    size_t *edge_at;      /* [ncells + 1] offsets into edges */
    double *edges;        /* each cell's distinct pilot values, ascending */
    /* Per cell, per open bin k = 0..u (index edge_at[c] + c + k): the cell's
     * counter of its first sub-bin (point bin k - 1 is the counter before),
     * and sub-bins per unit of value (0: not split). */
    uint32_t *open_first;
    double *open_scale;
    /* Per cell, a guide to its edges: [d_0, d_{u-1}] cut into g equal
     * buckets, grid[grid_at[c] + j] the number of edges in buckets below j
     * (j = 0..g), so a value's search runs over its bucket's few edges. */
    size_t *grid_at;
    uint32_t *grid;
    double *grid_scale;   /* [ncells] buckets per unit of value */
    uint32_t *grid_top;   /* [ncells] the highest power of two <= the fullest bucket's edges */
    size_t *bin_at;       /* [ncells + 1] offsets into counts */
    uint32_t *counts;
    unsigned char *flags; /* [2][ncells]: nan, then fraction (one block, to combine) */
    unsigned char *nan;   /* [ncells] a value was NaN (= flags) */
    unsigned char *fraction;   /* [ncells] pass 1 met a value that is not a whole number
                                  (= flags + ncells) */
    unsigned char *whole; /* [ncells] every pilot value a whole number: gaps split per unit */
    /* [nchunks][ncells] sums of x - shift and its square over each chunk:
     * adds, where Welford's update divides (a 20-cycle chain a value), and
     * shifted by a pilot value of the cell so the squares do not cancel. */
    double *csum, *csq;
    double *shift;        /* [ncells] the cell's pilot median */
    double *cmin, *cmax;  /* [nchunks][ncells] extremes of each chunk */
    int nslots;           /* wanted bins a cell at most: 2 x percentiles */
    long *slot_bin;       /* [ncells][nslots] counter kept in each slot, or -1 */
    long *slot_open;      /* [ncells][nslots] the open bin k holding that counter */
    double *slot_lo, *slot_hi;   /* [ncells][nslots] that open bin's interval (lo, hi) */
    size_t *slot_at;      /* [ncells * nslots + 1] offsets into kept */
    uint32_t *slot_fill;  /* [ncells * nslots] */
    double *kept;
};

void summ_twopass_free(summ_twopass *tp)
{
    if (!tp)
        return;
    sc_free(tp->pilot);
    sc_free(tp->edge_at);
    sc_free(tp->edges);
    sc_free(tp->open_first);
    sc_free(tp->open_scale);
    sc_free(tp->grid_at);
    sc_free(tp->grid);
    sc_free(tp->grid_scale);
    sc_free(tp->grid_top);
    sc_free(tp->bin_at);
    sc_free(tp->counts);
    sc_free(tp->flags);
    sc_free(tp->whole);
    sc_free(tp->csum);
    sc_free(tp->csq);
    sc_free(tp->shift);
    sc_free(tp->cmin);
    sc_free(tp->cmax);
    sc_free(tp->slot_bin);
    sc_free(tp->slot_open);
    sc_free(tp->slot_lo);
    sc_free(tp->slot_hi);
    sc_free(tp->slot_at);
    sc_free(tp->slot_fill);
    sc_free(tp->kept);
    sc_free(tp);
}

long summ_twopass_pilot(const sc_summary *s)
{
    return s->tp->m;
}

/* m balances the pilot's memory (m per cell) against the kept values (about
 * 2 x percentiles x n / m per cell). */
static long pilot_size(long n, int np)
{
    double m = ceil(sqrt(2.0 * (np > 0 ? np : 1) * (double)n));
    m = m < 1024 ? 1024 : (m > 65536 ? 65536 : m);
    return m > (double)n ? n : (long)m;
}

int summ_twopass_alloc(sc_summary *s, sc_error *e)
{
    size_t nc = s->layout.ncells;
    summ_twopass *tp = sc_calloc(1, sizeof *tp);
    if (!tp)
        return SC_ERROR(e, SC_ENOMEM, "summary: out of memory");
    s->tp = tp;
    s->passes = 3;
    if (s->n >= (long)UINT32_MAX)
        return SC_ERROR(e, SC_EINPUT, "summary: at most %lu trajectories in bounded memory",
                        (unsigned long)UINT32_MAX - 1);
    tp->m = pilot_size(s->n, s->np);
    tp->chunk = sc_summary_chunk(s->n);
    tp->nchunks = (s->n + tp->chunk - 1) / tp->chunk;
    tp->first = 0;
    tp->count = s->n;
    tp->nslots = 2 * (s->np > 0 ? s->np : 1);
    tp->pilot = sc_calloc((size_t)tp->m, nc * sizeof(double));
    tp->csum = sc_calloc((size_t)tp->nchunks, nc * sizeof(double));
    tp->csq = sc_calloc((size_t)tp->nchunks, nc * sizeof(double));
    tp->shift = sc_calloc(nc, sizeof(double));
    tp->cmin = sc_calloc((size_t)tp->nchunks, nc * sizeof(double));
    tp->cmax = sc_calloc((size_t)tp->nchunks, nc * sizeof(double));
    tp->flags = sc_calloc(nc, 2);
    tp->nan = tp->flags;
    tp->fraction = tp->flags ? tp->flags + nc : NULL;
    tp->whole = sc_calloc(nc, 1);
    if (!tp->pilot || !tp->csum || !tp->csq || !tp->shift || !tp->cmin || !tp->cmax ||
        !tp->nan || !tp->whole || !tp->fraction)
        return SC_ERROR(e, SC_ENOMEM, "summary: out of memory for a pilot of %ld "
                        "trajectories x %zu cells", tp->m, nc);
    for (size_t k = 0; k < (size_t)tp->nchunks * nc; k++) {
        tp->cmin[k] = INFINITY;
        tp->cmax[k] = -INFINITY;
    }
    tp->rank_error = SC_SUMMARY_RANK_ERROR;
    return SC_OK;
}

void summ_twopass_set_rank_error(sc_summary *s, double rank_error)
{
    s->tp->rank_error = rank_error;
}

double summ_twopass_rank_error(const sc_summary *s)
{
    return s->tp->achieved;
}

/* Whether v is a whole number (counts are; amounts mostly are not). Beyond
 * 2^52 every double is, and the conversion below would overflow. */
static int whole_number(double v)
{
    return !(fabs(v) < 0x1p52) || (double)(int64_t)v == v;
}

/* A cell's view of its bins: edges, and per open bin its first counter and
 * sub-bins per unit of value. */
typedef struct cell_bins {
    const double *d;
    size_t u;
    const uint32_t *first;    /* [u + 1] */
    const double *scale;      /* [u + 1] */
    uint32_t ncounters;
    const uint32_t *grid;     /* [buckets + 1] */
    uint32_t buckets;
    uint32_t top;             /* the first step of a search in a bucket */
    double grid_scale;
} cell_bins;

static cell_bins bins_of(const summ_twopass *tp, size_t c)
{
    size_t open = tp->edge_at[c] + c;
    return (cell_bins){tp->edges + tp->edge_at[c], tp->edge_at[c + 1] - tp->edge_at[c],
                       tp->open_first + open, tp->open_scale + open,
                       (uint32_t)(tp->bin_at[c + 1] - tp->bin_at[c]),
                       tp->grid + tp->grid_at[c], (uint32_t)(tp->grid_at[c + 1] - tp->grid_at[c] - 1),
                       tp->grid_top[c], tp->grid_scale[c]};
}

/* The grid bucket of v: monotone in v, so the edges of lower buckets are
 * all below v and those of higher ones all above. */
static uint32_t bucket_of(const cell_bins *b, double v)
{
    double t = (v - b->d[0]) * b->grid_scale;
    return !(t > 0) ? 0 : t >= (double)b->buckets ? b->buckets - 1 : (uint32_t)t;
}

/* Sub-bins of open bin k. */
static uint32_t sub_bins(const cell_bins *b, size_t k)
{
    uint32_t end = k < b->u ? b->first[k + 1] - 1 : b->ncounters;
    return end - b->first[k];
}

/* The counter of v, known to lie in open bin k: its sub-bin's. Passes 1 and
 * 2 both come here, so a value always lands in the same counter. */
static uint32_t open_counter(const cell_bins *b, size_t k, double v)
{
    uint32_t at = b->first[k];
    if (b->scale[k] > 0) {    /* only inner bins are split: d[k - 1] < v < d[k] */
        uint32_t nsub = sub_bins(b, k);
        double t = (v - b->d[k - 1]) * b->scale[k];
        at += t < (double)nsub ? (uint32_t)t : nsub - 1;
    }
    return at;
}

/* The counters of v[0..n): an edge's point counter, or a sub-bin of an open
 * bin. Each stage runs over all n values before the next, so the loads of
 * different values (grid, edges, counters: L2, not L1, at 10^6) overlap
 * instead of waiting in one value's chain. The search in v's bucket takes
 * steps of top, top / 2, ..., 1 for every value of the cell (top: the
 * highest power of two of its fullest bucket's size): a branch-free count of
 * the bucket's edges <= v, indices past the bucket clamped and not added. */
static void counters_of(const cell_bins *b, const double *v, int n, uint32_t *out)
{
    uint32_t lo[BIN_BATCH], len[BIN_BATCH], pos[BIN_BATCH];
    if (b->u == 0) {
        for (int i = 0; i < n; i++)
            out[i] = open_counter(b, 0, v[i]);
        return;
    }
    for (int i = 0; i < n; i++) {
        uint32_t j = bucket_of(b, v[i]);
        lo[i] = b->grid[j];
        len[i] = b->grid[j + 1] - lo[i];
        pos[i] = 0;
    }
    for (uint32_t step = b->top; step > 0; step >>= 1) {
        for (int i = 0; i < n; i++) {
            size_t at = lo[i] + pos[i] + step - 1;
            at = at < b->u ? at : b->u - 1;
            uint32_t in = (uint32_t)(pos[i] + step <= len[i]) & (uint32_t)(b->d[at] <= v[i]);
            pos[i] += step & -in;
        }
    }
    for (int i = 0; i < n; i++) {
        size_t k = lo[i] + pos[i];   /* edges <= v[i] */
        out[i] = k > 0 && b->d[k - 1] == v[i] ? b->first[k] - 1 : open_counter(b, k, v[i]);
    }
}

/* The open bin k of a counter, and whether it is the point bin of edge k
 * instead (the counter just before open bin k + 1). */
static size_t open_of_counter(const cell_bins *b, uint32_t counter, int *point)
{
    size_t lo = 0, hi = b->u;   /* the last k with first[k] <= counter */
    while (lo < hi) {
        size_t mid = (lo + hi + 1) / 2;
        if (b->first[mid] <= counter)
            lo = mid;
        else
            hi = mid - 1;
    }
    *point = lo < b->u && counter == b->first[lo + 1] - 1;
    return lo;
}

/* Pass 1 for rows [first, first + count), the cells shared among the
 * calling team's threads: a cell is one thread's, so its counts need no
 * atomics, and a whole block of rows is binned while the cell's edges and
 * counters are in cache (row by row, every cell's would be fetched from
 * memory for one value each: binning cost more than simulating). The rows
 * of each cell are taken in index order a chunk's share at a time, so each
 * chunk's moments are the same as one trajectory at a time would make them. */
static void store_counts(sc_summary *s, long first, long count, const double *rows)
{
    summ_twopass *tp = s->tp;
    size_t nc = s->layout.ncells;
#pragma omp for schedule(dynamic, 8)
    for (size_t c = 0; c < nc; c++) {
        cell_bins b = bins_of(tp, c);
        uint32_t *counts = tp->counts + tp->bin_at[c];
        const double shift = tp->shift[c];
        for (long r0 = 0; r0 < count;) {
            long chunk = (first + r0) / tp->chunk, k0 = first + r0 - chunk * tp->chunk;
            long rows_here = tp->chunk - k0 < count - r0 ? tp->chunk - k0 : count - r0;
            size_t at = (size_t)chunk * nc + c;
            double sum = tp->csum[at], sq = tp->csq[at], lo = tp->cmin[at], hi = tp->cmax[at];
            for (long b0 = r0; b0 < r0 + rows_here; b0 += BIN_BATCH) {
                long b1 = r0 + rows_here - b0 < BIN_BATCH ? r0 + rows_here : b0 + BIN_BATCH;
                uint32_t bins[BIN_BATCH];
                double vals[BIN_BATCH];
                int found = 0;
                for (long r = b0; r < b1; r++) {
                    if (r + PREFETCH_ROWS < count)
                        __builtin_prefetch(rows + (size_t)(r + PREFETCH_ROWS) * nc + c);
                    double x = rows[(size_t)r * nc + c];
                    if (isnan(x)) {
                        tp->nan[c] = 1;
                        continue;
                    }
                    sum += x - shift;
                    sq += (x - shift) * (x - shift);
                    lo = x < lo ? x : lo;
                    hi = x > hi ? x : hi;
                    if (tp->whole[c] && !whole_number(x))
                        tp->fraction[c] = 1;
                    vals[found++] = x;
                }
                counters_of(&b, vals, found, bins);
                /* Counters first, then the adds: the adds are independent,
                 * so their cache misses overlap. */
                for (int j = 0; j < found; j++)
                    counts[bins[j]]++;
            }
            tp->csum[at] = sum;
            tp->csq[at] = sq;
            tp->cmin[at] = lo;
            tp->cmax[at] = hi;
            r0 += rows_here;
        }
    }
}

/* Pass 2: a value is kept when it lies in one of its cell's wanted bins
 * (cells shared among the team, as in pass 1). Testing the wanted bins' open
 * intervals first is cheaper than finding the value's counter among all the
 * cell's edges (most values are not kept). */
static void store_kept(sc_summary *s, long count, const double *rows)
{
    summ_twopass *tp = s->tp;
    size_t nc = s->layout.ncells;
#pragma omp for schedule(dynamic, 8)
    for (size_t c = 0; c < nc; c++) {
        size_t first = c * (size_t)tp->nslots;
        const long *want = tp->slot_bin + first;
        cell_bins b = bins_of(tp, c);
        for (long r = 0; r < count; r++) {
            double x = rows[(size_t)r * nc + c];
            for (int k = 0; k < tp->nslots && want[k] >= 0; k++) {
                size_t slot = first + (size_t)k;
                if (!(x > tp->slot_lo[slot] && x < tp->slot_hi[slot]) ||
                    open_counter(&b, (size_t)tp->slot_open[slot], x) != (uint32_t)want[k])
                    continue;
                tp->kept[tp->slot_at[slot] + tp->slot_fill[slot]++] = x;
                break;
            }
        }
    }
}

/* Pass 1: the values of the cells kept trajectory by trajectory
 * (sc_summary_keep_cells), rows shared among the team. */
static void store_kept_cells(sc_summary *s, long first, long count, const double *rows)
{
    size_t nc = s->layout.ncells, k = (size_t)s->nkeep;
    if (k == 0)
        return;
#pragma omp for schedule(static)
    for (long r = 0; r < count; r++)
        for (size_t j = 0; j < k; j++)
            s->kept_cells[(size_t)(first + r) * k + j] = rows[(size_t)r * nc + s->keep[j]];
}

/* A block of rows for the pass under way, from every thread of the calling
 * team (or from one thread outside a parallel region). */
void summ_twopass_store(sc_summary *s, long first, long count, const double *rows)
{
    size_t nc = s->layout.ncells;
    if (s->pass == 0) {
#pragma omp for schedule(static)
        for (long r = 0; r < count; r++)
            memcpy(s->tp->pilot + (size_t)(first + r) * nc, rows + (size_t)r * nc,
                   nc * sizeof *rows);
    } else if (s->pass == 1) {
        store_counts(s, first, count, rows);
        store_kept_cells(s, first, count, rows);
    } else {
        store_kept(s, count, rows);
    }
}

/* Sub-bins for inner open bin k (between d[k-1] and d[k]) of a cell whose
 * pilot holds m values, `single[i]` of them seen once among the first i
 * distinct values: the pilot values seen once near the bin say what share of
 * all values falls per unit of value there (repeated values are atoms, which
 * sit in point bins). */
static uint32_t sub_bins_for(const double *d, const uint32_t *single, size_t u, size_t k,
                             size_t m, double rank_error)
{
    size_t lo = k > DENSITY_WINDOW ? k - DENSITY_WINDOW : 0;
    size_t hi = k - 1 + DENSITY_WINDOW < u - 1 ? k - 1 + DENSITY_WINDOW : u - 1;
    double seen_once = (double)(single[hi + 1] - single[lo]), span = d[hi] - d[lo];
    if (seen_once < 2 || !(span > 0))
        return 1;
    double share = (d[k] - d[k - 1]) * (seen_once - 1) / span / (double)m;
    double want = ceil(share / (rank_error * SUB_BIN_SHARE));
    return want < 1 ? 1 : (want > SUB_BINS_MAX ? SUB_BINS_MAX : (uint32_t)want);
}

/* Lay out cell c's counters: open bin k's sub-bins, then point bin k, and so
 * on; returns the cell's number of counters. */
static size_t lay_out_cell(summ_twopass *tp, size_t c, const uint32_t *mult, uint32_t *single,
                           size_t m, int split)
{
    const double *d = tp->edges + tp->edge_at[c];
    size_t u = tp->edge_at[c + 1] - tp->edge_at[c], open = tp->edge_at[c] + c;
    single[0] = 0;
    for (size_t i = 0; i < u; i++)
        single[i + 1] = single[i] + (mult[i] == 1);
    int whole = 1;
    for (size_t i = 0; i < u && whole; i++)
        whole = whole_number(d[i]);
    tp->whole[c] = (unsigned char)whole;
    size_t at = 0;
    for (size_t k = 0; k <= u; k++) {
        uint32_t nsub = 1;
        /* Whole numbers the pilot missed are atoms too: a sub-bin per unit
         * gives each its own counter (sub-bin 0, below the first, stays empty). */
        if (split && k > 0 && k < u)
            nsub = whole && d[k] - d[k - 1] <= SUB_BINS_MAX
                       ? (uint32_t)(d[k] - d[k - 1])
                       : sub_bins_for(d, single, u, k, m, tp->rank_error);
        tp->open_first[open + k] = (uint32_t)at;
        tp->open_scale[open + k] = nsub > 1 ? nsub / (d[k] - d[k - 1]) : 0;
        at += nsub + (k < u);    /* the sub-bins, then point bin k */
    }
    return at;
}

/* Cell c's guide to its edges (its place in grid laid out): bucket j
 * starts at the count of edges in buckets below it. */
static void make_grid(summ_twopass *tp, size_t c)
{
    const double *d = tp->edges + tp->edge_at[c];
    size_t u = tp->edge_at[c + 1] - tp->edge_at[c];
    uint32_t buckets = (uint32_t)(tp->grid_at[c + 1] - tp->grid_at[c] - 1);
    double span = u > 0 ? d[u - 1] - d[0] : 0;
    tp->grid_scale[c] = span > 0 && isfinite(buckets / span) ? buckets / span : 0;
    cell_bins b = {.d = d, .u = u, .buckets = buckets, .grid_scale = tp->grid_scale[c]};
    uint32_t *grid = tp->grid + tp->grid_at[c];
    size_t i = 0;
    for (uint32_t j = 0; j <= buckets; j++) {
        while (i < u && j > 0 && bucket_of(&b, d[i]) < j)
            i++;
        grid[j] = (uint32_t)(j == buckets ? u : i);
    }
    uint32_t fullest = 0;
    for (uint32_t j = 0; j < buckets; j++)
        fullest = grid[j + 1] - grid[j] > fullest ? grid[j + 1] - grid[j] : fullest;
    while (fullest & (fullest - 1))
        fullest &= fullest - 1;    /* down to its highest power of two */
    tp->grid_top[c] = fullest;
}

/* Each cell's guide to its edges: about two edges a bucket. */
static int make_grids(summ_twopass *tp, size_t nc, int nt, sc_error *e)
{
    tp->grid_at = sc_calloc(nc + 1, sizeof *tp->grid_at);
    tp->grid_scale = sc_calloc(nc, sizeof *tp->grid_scale);
    tp->grid_top = sc_calloc(nc, sizeof *tp->grid_top);
    if (!tp->grid_at || !tp->grid_scale || !tp->grid_top)
        return SC_ERROR(e, SC_ENOMEM, "summary: out of memory for bin guides");
    for (size_t c = 0; c < nc; c++) {
        size_t u = tp->edge_at[c + 1] - tp->edge_at[c];
        tp->grid_at[c + 1] = tp->grid_at[c] + (u > 2 ? u / 2 : 1) + 1;
    }
    tp->grid = sc_calloc(tp->grid_at[nc], sizeof *tp->grid);
    if (!tp->grid)
        return SC_ERROR(e, SC_ENOMEM, "summary: out of memory for bin guides");
#pragma omp parallel for schedule(dynamic, 16) num_threads(nt)
    for (size_t c = 0; c < nc; c++)
        make_grid(tp, c);
    return SC_OK;
}

/* Cell c's distinct pilot values, ascending, at d = scratch + c x m, and
 * how often each was seen, at mult + c x m. Returns how many there are. */
static size_t distinct_values(summ_twopass *tp, size_t nc, size_t c, double *scratch,
                              uint32_t *mult, size_t *npilot)
{
    size_t m = (size_t)tp->m, v = 0;
    double *d = scratch + c * m;
    for (size_t i = 0; i < m; i++)
        if (!isnan(tp->pilot[i * nc + c]))
            d[v++] = tp->pilot[i * nc + c];
    gsl_sort(d, 1, v);
    tp->shift[c] = v > 0 ? d[v / 2] : 0;
    uint32_t *mu = mult + c * m;
    size_t distinct = 0;
    for (size_t i = 0; i < v; i++) {
        if (distinct == 0 || d[i] != d[distinct - 1]) {
            d[distinct] = d[i];
            mu[distinct++] = 0;
        }
        mu[distinct - 1]++;
    }
    *npilot = v;
    return distinct;
}

/* After the pilot: each cell's distinct values become its bin edges, and the
 * counters are laid out (split when a one-pass answer is possible). Cells
 * are shared among threads (one thread took 1.2 s at 10^6 trajectories, a
 * tenth of what 16 cores need for the whole run); each writes at a fixed
 * place in scratch space, and the edges are packed after, in cell order. */
static int make_edges(sc_summary *s, sc_error *e)
{
    summ_twopass *tp = s->tp;
    size_t nc = s->layout.ncells, m = (size_t)tp->m;
    int nt = summ_threads(s);
    tp->edge_at = sc_calloc(nc + 1, sizeof *tp->edge_at);
    tp->bin_at = sc_calloc(nc + 1, sizeof *tp->bin_at);
    tp->open_first = sc_calloc(nc, (m + 1) * sizeof(uint32_t));
    tp->open_scale = sc_calloc(nc, (m + 1) * sizeof(double));
    uint32_t *mult = sc_calloc(nc, m * sizeof(uint32_t));
    uint32_t *single = sc_calloc((size_t)nt, (m + 1) * sizeof *single);
    double *scratch = sc_calloc(nc, m * sizeof *scratch);
    /* size[c]: cell c's distinct pilot values, and then (once those are packed) its counters */
    size_t *npilot = sc_calloc(nc, sizeof *npilot), *size = sc_calloc(nc, sizeof *size);
    int rc = (tp->edge_at && tp->bin_at && tp->open_first && tp->open_scale && mult && single &&
              scratch && npilot && size)
                 ? SC_OK : SC_ERROR(e, SC_ENOMEM, "summary: out of memory for bin edges");
    if (rc == SC_OK) {
#pragma omp parallel for schedule(dynamic, 8) num_threads(nt)
        for (size_t c = 0; c < nc; c++)
            size[c] = distinct_values(tp, nc, c, scratch, mult, npilot + c);
        for (size_t c = 0; c < nc; c++)
            tp->edge_at[c + 1] = tp->edge_at[c] + size[c];
        tp->edges = sc_calloc(tp->edge_at[nc] + 1, sizeof *tp->edges);
        if (!tp->edges)
            rc = SC_ERROR(e, SC_ENOMEM, "summary: out of memory for bin edges");
    }
    for (size_t c = 0; rc == SC_OK && c < nc; c++) {   /* mult moves down, never past itself */
        memcpy(tp->edges + tp->edge_at[c], scratch + c * m, size[c] * sizeof *tp->edges);
        memmove(mult + tp->edge_at[c], mult + c * m, size[c] * sizeof *mult);
    }
    sc_free(scratch);
    sc_free(tp->pilot);
    tp->pilot = NULL;
    if (rc == SC_OK)
        rc = make_grids(tp, nc, nt, e);
    tp->split = tp->rank_error > 0 && tp->rank_error * (double)s->n >= ONE_PASS_MIN_COUNT;
    for (int attempt = 0; rc == SC_OK && attempt < 2; attempt++) {
#pragma omp parallel for schedule(dynamic, 8) num_threads(nt)
        for (size_t c = 0; c < nc; c++)
            size[c] = lay_out_cell(tp, c, mult + tp->edge_at[c],
                                   single + (size_t)omp_get_thread_num() * (m + 1), npilot[c],
                                   tp->split);
        for (size_t c = 0; c < nc; c++)
            tp->bin_at[c + 1] = tp->bin_at[c] + size[c];
        if (!tp->split || tp->bin_at[nc] <= COUNTERS_MAX)
            break;
        tp->split = 0;    /* too many counters: no one-pass answer, pass 2 instead */
    }
    sc_free(mult);
    sc_free(single);
    sc_free(npilot);
    sc_free(size);
    if (rc == SC_OK) {
        tp->counts = sc_calloc(tp->bin_at[nc], sizeof *tp->counts);
        if (!tp->counts)
            rc = SC_ERROR(e, SC_ENOMEM, "summary: out of memory for bin counts");
    }
    return rc;
}

/* The counter holding each order statistic ranks[0..nr) (0-based,
 * ascending) of cell c, and how many values lie in the counters below it. */
static void locate_ranks(const summ_twopass *tp, size_t c, const size_t *ranks, int nr,
                         long *counter, long *below)
{
    const uint32_t *cnt = tp->counts + tp->bin_at[c];
    long nb = (long)(tp->bin_at[c + 1] - tp->bin_at[c]), cum = 0, b = 0;
    for (int i = 0; i < nr; i++) {
        while (b < nb - 1 && cum + (long)cnt[b] <= (long)ranks[i])
            cum += cnt[b++];
        counter[i] = b;
        below[i] = cum;
    }
}

/* The order statistics each percentile needs: ranks j and j+1 at (n-1)p. */
static void wanted_ranks(const sc_summary *s, int k, long *j0, long *j1)
{
    double rank = (double)(s->n - 1) * (s->pcts[k] / 100.0);
    *j0 = (long)rank;
    *j1 = *j0 + 1 < s->n ? *j0 + 1 : *j0;
}

/* Where rank r sits among s->ranks (it is always one of them). */
static int rank_index(const sc_summary *s, long r)
{
    int i = 0;
    while (i + 1 < s->nranks && (long)s->ranks[i] != r)
        i++;
    return i;
}

/* Whether every value in a sub-bin of open bin k is one and the same: a
 * cell of whole numbers, split per unit. */
static int one_value(const summ_twopass *tp, size_t c, const cell_bins *b, size_t k)
{
    return tp->whole[c] && !tp->fraction[c] && b->scale[k] == 1.0;
}

/* After pass 1, with bins split: the largest rank error, as a share of n,
 * of reading every wanted order statistic from its bin (0 for a point bin:
 * exact). */
static double one_pass_rank_error(const sc_summary *s)
{
    const summ_twopass *tp = s->tp;
    size_t nc = s->layout.ncells;
    double worst = 0;
#pragma omp parallel for schedule(dynamic, 16) reduction(max : worst) num_threads(summ_threads(s))
    for (size_t c = 0; c < nc; c++) {
        long counter[2 * SC_MAX_PERCENTILES + 1], below[2 * SC_MAX_PERCENTILES + 1];
        if (tp->nan[c])
            continue;
        cell_bins b = bins_of(tp, c);
        locate_ranks(tp, c, s->ranks, s->nranks, counter, below);
        for (int i = 0; i < s->nranks; i++) {
            int point;
            size_t k = open_of_counter(&b, (uint32_t)counter[i], &point);
            double err = point || one_value(tp, c, &b, k) ? 0
                         : tp->counts[tp->bin_at[c] + (size_t)counter[i]] / (double)s->n;
            worst = err > worst ? err : worst;
        }
    }
    return worst;
}

/* After pass 1: which bins each cell must keep in pass 2, and room for them. */
static int plan_kept(sc_summary *s, sc_error *e)
{
    summ_twopass *tp = s->tp;
    size_t nc = s->layout.ncells, ns = (size_t)tp->nslots;
    tp->slot_bin = sc_calloc(nc * ns, sizeof *tp->slot_bin);
    tp->slot_open = sc_calloc(nc * ns, sizeof *tp->slot_open);
    tp->slot_at = sc_calloc(nc * ns + 1, sizeof *tp->slot_at);
    tp->slot_fill = sc_calloc(nc * ns, sizeof *tp->slot_fill);
    tp->slot_lo = sc_calloc(nc * ns, sizeof *tp->slot_lo);
    tp->slot_hi = sc_calloc(nc * ns, sizeof *tp->slot_hi);
    if (!tp->slot_bin || !tp->slot_open || !tp->slot_at || !tp->slot_fill || !tp->slot_lo ||
        !tp->slot_hi)
        return SC_ERROR(e, SC_ENOMEM, "summary: out of memory planning pass 2");
    for (size_t c = 0; c < nc; c++) {
        long *want = tp->slot_bin + c * ns, counter[2 * SC_MAX_PERCENTILES + 1];
        long below[2 * SC_MAX_PERCENTILES + 1];
        cell_bins b = bins_of(tp, c);
        int used = 0;
        for (size_t k = 0; k < ns; k++)
            want[k] = -1;
        if (!tp->nan[c])
            locate_ranks(tp, c, s->ranks, s->nranks, counter, below);
        for (int i = 0; i < s->nranks && !tp->nan[c]; i++) {
            int point, seen;
            (void)open_of_counter(&b, (uint32_t)counter[i], &point);
            seen = point;   /* a point bin needs nothing kept */
            for (int q = 0; q < used && !seen; q++)
                seen = want[q] == counter[i];
            if (!seen)
                want[used++] = counter[i];
        }
        for (size_t k = 0; k < ns; k++) {
            size_t slot = c * ns + k;
            size_t size = want[k] >= 0 ? tp->counts[tp->bin_at[c] + (size_t)want[k]] : 0;
            tp->slot_at[slot + 1] = tp->slot_at[slot] + size;
            if (want[k] >= 0) {   /* open bin j lies between edges j-1 and j */
                int point;
                size_t j = open_of_counter(&b, (uint32_t)want[k], &point);
                tp->slot_open[slot] = (long)j;
                tp->slot_lo[slot] = j > 0 ? b.d[j - 1] : -INFINITY;
                tp->slot_hi[slot] = j < b.u ? b.d[j] : INFINITY;
            }
        }
    }
    tp->kept = sc_calloc(tp->slot_at[nc * ns] ? tp->slot_at[nc * ns] : 1, sizeof(double));
    if (!tp->kept)
        return SC_ERROR(e, SC_ENOMEM, "summary: out of memory keeping %zu values for pass 2",
                        tp->slot_at[nc * ns]);
    return SC_OK;
}

/* With several processes, each counted its own chunks in pass 1, so after it
 * the bin counts are to be added up, the NaN and fraction flags combined,
 * and each chunk's moments and extremes (and the kept cells' values) copied
 * from the process that made them (copied, not summed, so they stay bit for
 * bit). The caller moves them (sc_summary_shared_state) before ending pass 1;
 * every process then decides alike whether pass 2 is needed. */
void summ_twopass_shared(sc_summary *s, sc_summary_shared *sh)
{
    summ_twopass *tp = s->tp;
    size_t nc = s->layout.ncells;
    if (s->pass != 1)
        return;
    long c0 = tp->first / tp->chunk, c1 = (tp->first + tp->count + tp->chunk - 1) / tp->chunk;
    long mine = tp->count ? c1 - c0 : 0;
    sh->sums = tp->counts;
    sh->nsums = tp->bin_at[nc];
    sh->flags = tp->flags;
    sh->nflags = 2 * nc;
    double *tables[] = {tp->csum, tp->csq, tp->cmin, tp->cmax};
    for (int t = 0; t < 4; t++)
        sh->table[sh->ntables++] = (sc_summary_table){tables[t], nc, c0, mine};
    if (s->nkeep > 0)
        sh->table[sh->ntables++] = (sc_summary_table){s->kept_cells, (size_t)s->nkeep,
                                                      tp->first, tp->count};
}

/* End pass 0 (lay out the bins) or pass 1: when every wanted order
 * statistic can be read within the allowed rank error, there is no pass 2;
 * otherwise plan what it keeps. With several processes, the caller has
 * combined their shared state first, so every process decides alike. */
int summ_twopass_end_pass(sc_summary *s, sc_error *e)
{
    summ_twopass *tp = s->tp;
    if (s->pass == 0)
        return make_edges(s, e);
    if (s->pass == 2)
        return SC_OK;
    if (tp->split) {
        double worst = one_pass_rank_error(s);
        if (worst <= tp->rank_error) {
            tp->achieved = worst;
            s->passes = 2;
            return SC_OK;
        }
    }
    return plan_kept(s, e);
}

void summ_twopass_set_slice(sc_summary *s, long first, long count)
{
    s->tp->first = first;
    s->tp->count = count;
}

/* With several processes, each kept the values of its own trajectories in
 * pass 2: its pack is how many each slot holds (as doubles, so one kind of
 * array moves) and the values, slot after slot. */
int summ_twopass_pack_kept(const sc_summary *s, double **fills, size_t *nfills,
                           double **values, size_t *nvalues, sc_error *e)
{
    const summ_twopass *tp = s->tp;
    if (s->passes == 2)    /* nothing kept */
        return SC_OK;
    size_t nslots = s->layout.ncells * (size_t)tp->nslots, used = 0;
    for (size_t k = 0; k < nslots; k++)
        used += tp->slot_fill[k];
    double *f = sc_calloc(nslots ? nslots : 1, sizeof *f);
    double *v = sc_calloc(used ? used : 1, sizeof *v);
    if (!f || !v) {
        sc_free(f);
        sc_free(v);
        return SC_ERROR(e, SC_ENOMEM, "summary: out of memory packing %zu kept values", used);
    }
    for (size_t k = 0, at = 0; k < nslots; k++) {
        f[k] = (double)tp->slot_fill[k];
        memcpy(v + at, tp->kept + tp->slot_at[k], tp->slot_fill[k] * sizeof(double));
        at += tp->slot_fill[k];
    }
    *fills = f;
    *nfills = nslots;
    *values = v;
    *nvalues = used;
    return SC_OK;
}

/* Every process's pack, in process order, into the slots: each slot's values
 * then come in trajectory order, as one process would have kept them. */
void summ_twopass_unpack_kept(sc_summary *s, int nprocs, const double *fills,
                              const double *values)
{
    summ_twopass *tp = s->tp;
    if (s->passes == 2)
        return;
    size_t nslots = s->layout.ncells * (size_t)tp->nslots;
    const double *v = values;
    memset(tp->slot_fill, 0, nslots * sizeof *tp->slot_fill);
    for (int r = 0; r < nprocs; r++)
        for (size_t k = 0; k < nslots; k++) {
            size_t f = (size_t)fills[(size_t)r * nslots + k];
            memcpy(tp->kept + tp->slot_at[k] + tp->slot_fill[k], v, f * sizeof *v);
            tp->slot_fill[k] += (uint32_t)f;
            v += f;
        }
}

/* Order statistic r of cell c, found in `counter` with `below` values
 * under it: a point bin's value, the sorted kept values of pass 2, or, after
 * one pass, a value inside the bin placed by rank (its rank is within the
 * bin's count of r). */
static double order_stat(const sc_summary *s, size_t c, long r, long counter, long below,
                         double lo_all, double hi_all)
{
    const summ_twopass *tp = s->tp;
    cell_bins b = bins_of(tp, c);
    int point;
    size_t k = open_of_counter(&b, (uint32_t)counter, &point);
    if (point)
        return b.d[k];
    if (s->passes == 3) {
        size_t first = c * (size_t)tp->nslots;
        for (int q = 0; q < tp->nslots; q++)
            if (tp->slot_bin[first + (size_t)q] == counter)
                return tp->kept[tp->slot_at[first + (size_t)q] + (size_t)(r - below)];
        return NAN;   /* not reached: every wanted bin has a slot */
    }
    double lo = k > 0 ? b.d[k - 1] : lo_all, hi = k < b.u ? b.d[k] : hi_all;
    if (one_value(tp, c, &b, k))
        return lo + ((uint32_t)counter - b.first[k]);
    if (b.scale[k] > 0) {
        uint32_t j = (uint32_t)counter - b.first[k];
        double sub_lo = lo + j / b.scale[k], sub_hi = lo + (j + 1) / b.scale[k];
        lo = sub_lo > lo ? sub_lo : lo;
        hi = sub_hi < hi ? sub_hi : hi;
    }
    double n_in = tp->counts[tp->bin_at[c] + (size_t)counter];
    return sc_stats_between(lo, hi, ((double)(r - below) + 0.5) / n_in);
}

static void moments(const sc_summary *s, size_t c, double *lo_all, double *hi_all)
{
    const summ_twopass *tp = s->tp;
    size_t nc = s->layout.ncells;
    double mean = 0, m2 = 0, lo = INFINITY, hi = -INFINITY;
    long n = 0;
    for (long b = 0; b < tp->nchunks; b++) {
        long nb = b + 1 < tp->nchunks ? tp->chunk : s->n - b * tp->chunk;
        size_t at = (size_t)b * nc + c;
        double mb = tp->shift[c] + tp->csum[at] / (double)nb;
        double m2b = fmax(0.0, tp->csq[at] - tp->csum[at] * tp->csum[at] / (double)nb);
        double delta = mb - mean, tot = (double)(n + nb);
        mean = n ? mean + delta * (double)nb / tot : mb;
        m2 = n ? m2 + m2b + delta * delta * (double)n * (double)nb / tot : m2b;
        n += nb;
        lo = tp->cmin[at] < lo ? tp->cmin[at] : lo;
        hi = tp->cmax[at] > hi ? tp->cmax[at] : hi;
    }
    double sd = s->n > 1 ? sqrt(m2 / (double)(s->n - 1)) : 0.0;
    s->mean[c] = mean;
    s->sd[c] = sd;
    s->mcse[c] = sd / sqrt((double)s->n);
    *lo_all = lo;
    *hi_all = hi;
}

static void summarise_cell(sc_summary *s, size_t c)
{
    summ_twopass *tp = s->tp;
    if (tp->nan[c]) {
        summ_set_nan(s, c);
        return;
    }
    double lo_all, hi_all;
    moments(s, c, &lo_all, &hi_all);
    for (int k = 0; k < tp->nslots && s->passes == 3; k++) {
        size_t slot = c * (size_t)tp->nslots + (size_t)k;
        gsl_sort(tp->kept + tp->slot_at[slot], 1, tp->slot_at[slot + 1] - tp->slot_at[slot]);
    }
    long counter[2 * SC_MAX_PERCENTILES + 1], below[2 * SC_MAX_PERCENTILES + 1];
    locate_ranks(tp, c, s->ranks, s->nranks, counter, below);
    for (int k = 0; k < s->np; k++) {
        long j0, j1;
        wanted_ranks(s, k, &j0, &j1);
        int i0 = rank_index(s, j0), i1 = rank_index(s, j1);
        double rank = (double)(s->n - 1) * (s->pcts[k] / 100.0);
        double a = order_stat(s, c, j0, counter[i0], below[i0], lo_all, hi_all);
        double b = order_stat(s, c, j1, counter[i1], below[i1], lo_all, hi_all);
        s->pct[c * (size_t)s->np + (size_t)k] = sc_stats_between(a, b, rank - (double)j0);
    }
}

int summ_twopass_compute(sc_summary *s, sc_error *e)
{
    if (s->pass != s->passes)
        return SC_ERROR(e, SC_EFAIL, "summary: bounded summaries need all %d passes "
                        "(%d ended)", s->passes, s->pass);
    long long nc = (long long)s->layout.ncells;
#pragma omp parallel for schedule(dynamic, 16) num_threads(summ_threads(s))
    for (long long c = 0; c < nc; c++)
        summarise_cell(s, (size_t)c);
    summ_targets(s);
    return SC_OK;
}
