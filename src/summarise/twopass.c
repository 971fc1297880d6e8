/*
 * twopass.c — summaries in bounded memory, with exact percentiles.
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
 *     sits in a point bin and needs no storage at all;
 *   pass 1 (all n): per cell, the count of each bin, a NaN flag, and the
 *     moments (Welford) of each chunk of trajectories. A chunk is processed by
 *     one thread in order (sc_summary_chunk) and chunks merge in order (Chan
 *     et al.), so the moments do not depend on the thread count;
 *   pass 2 (all n): the cumulative counts say which bin holds each wanted
 *     order statistic; only values falling in those open bins are kept (a few
 *     hundred per bin), then sorted, and the order statistics read off.
 *
 * Percentiles are therefore exactly those of the full sort; means and sds
 * agree with the keep-everything mode to rounding. Bin counts are updated
 * with atomic adds and kept values with an atomic slot counter: their order
 * varies with threads, their multiset does not, and it is sorted before use.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include <gsl/gsl_sort.h>

#include "sendcast/alloc.h"
#include "sendcast/ranks.h"
#include "internal.h"

struct sc_twopass {
    long m;               /* pilot trajectories */
    long chunk, nchunks;
    long first, count;    /* the trajectories this process stores in passes 1 and 2 */
    double *pilot;        /* pass 0: [m][ncells]; freed after it */
    size_t *edge_at;      /* [ncells + 1] offsets into edges */
    double *edges;        /* each cell's distinct pilot values, ascending */
    size_t *bin_at;       /* [ncells + 1] offsets into counts (2u + 1 bins a cell) */
    uint32_t *counts;
    unsigned char *nan;   /* [ncells] */
    double *cmean, *cm2;  /* [nchunks][ncells] moments of each chunk */
    int nslots;           /* wanted bins a cell at most: 2 x percentiles */
    long *slot_bin;       /* [ncells][nslots] open bin kept in each slot, or -1 */
    double *slot_lo, *slot_hi;   /* [ncells][nslots] that bin's open interval (lo, hi) */
    size_t *slot_at;      /* [ncells * nslots + 1] offsets into kept */
    uint32_t *slot_fill;  /* [ncells * nslots] */
    double *kept;
};

void sc_twopass_free(sc_twopass *tp)
{
    if (!tp)
        return;
    sc_free(tp->pilot);
    sc_free(tp->edge_at);
    sc_free(tp->edges);
    sc_free(tp->bin_at);
    sc_free(tp->counts);
    sc_free(tp->nan);
    sc_free(tp->cmean);
    sc_free(tp->cm2);
    sc_free(tp->slot_bin);
    sc_free(tp->slot_lo);
    sc_free(tp->slot_hi);
    sc_free(tp->slot_at);
    sc_free(tp->slot_fill);
    sc_free(tp->kept);
    sc_free(tp);
}

long sc_twopass_pilot(const sc_summary *s)
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

int sc_twopass_alloc(sc_summary *s, sc_error *e)
{
    size_t nc = s->layout.ncells;
    sc_twopass *tp = sc_calloc(1, sizeof *tp);
    if (!tp)
        return sc_error_set(e, SC_ENOMEM, "summary: out of memory");
    s->tp = tp;
    s->passes = 3;
    if (s->n >= (long)UINT32_MAX)
        return sc_error_set(e, SC_EINPUT, "summary: at most %lu trajectories in bounded memory",
                            (unsigned long)UINT32_MAX - 1);
    tp->m = pilot_size(s->n, s->np);
    tp->chunk = sc_summary_chunk(s->n);
    tp->nchunks = (s->n + tp->chunk - 1) / tp->chunk;
    tp->first = 0;
    tp->count = s->n;
    tp->nslots = 2 * (s->np > 0 ? s->np : 1);
    tp->pilot = sc_calloc((size_t)tp->m, nc * sizeof(double));
    tp->cmean = sc_calloc((size_t)tp->nchunks, nc * sizeof(double));
    tp->cm2 = sc_calloc((size_t)tp->nchunks, nc * sizeof(double));
    tp->nan = sc_calloc(nc, 1);
    if (!tp->pilot || !tp->cmean || !tp->cm2 || !tp->nan)
        return sc_error_set(e, SC_ENOMEM, "summary: out of memory for a pilot of %ld "
                            "trajectories x %zu cells", tp->m, nc);
    return SC_OK;
}

/* Bin of v among a cell's distinct edges d[0..u): 2k for the open interval
 * below d[k] (2u above the last), 2k + 1 for the point d[k]. The search for
 * k (the number of edges <= v) is branch-free: its trip count depends on u
 * only, and each comparison feeds an add, not a jump, so the processor never
 * guesses (and misses, half the time, in a search over random values). */
static size_t bin_of(const double *d, size_t u, double v)
{
    size_t lo = 0, len = u;   /* k lies in [lo, lo + len] */
    while (len > 1) {
        size_t half = len / 2;
        lo += d[lo + half - 1] <= v ? half : 0;
        len -= half;
    }
    size_t k = lo + (len == 1 && d[lo] <= v);
    return k > 0 && d[k - 1] == v ? 2 * (k - 1) + 1 : 2 * k;
}

/* Pass 1 for rows [first, first + count): cell by cell, so one cell's edges
 * and counts stay in cache while its values are binned (row by row, every
 * cell's bins would be fetched from memory for one value each). The rows are
 * taken a chunk's share at a time and, per cell, in index order, so each
 * chunk's moments are the same as one trajectory at a time would make them. */
static void store_counts(sc_summary *s, long first, long count, const double *rows)
{
    sc_twopass *tp = s->tp;
    size_t nc = s->layout.ncells;
    for (long r0 = 0; r0 < count;) {
        long chunk = (first + r0) / tp->chunk, k0 = first + r0 - chunk * tp->chunk;
        long rows_here = tp->chunk - k0 < count - r0 ? tp->chunk - k0 : count - r0;
        double *mean = tp->cmean + (size_t)chunk * nc, *m2 = tp->cm2 + (size_t)chunk * nc;
        for (size_t c = 0; c < nc; c++) {
            const double *edges = tp->edges + tp->edge_at[c];
            size_t u = tp->edge_at[c + 1] - tp->edge_at[c];
            uint32_t *counts = tp->counts + tp->bin_at[c];
            for (long r = r0, k = k0; r < r0 + rows_here; r++, k++) {
                double x = rows[(size_t)r * nc + c];
                if (isnan(x)) {
#pragma omp atomic write
                    tp->nan[c] = 1;
                    continue;
                }
                double delta = x - (k ? mean[c] : x);
                mean[c] = k ? mean[c] + delta / (double)(k + 1) : x;
                m2[c] = k ? m2[c] + delta * (x - mean[c]) : 0.0;
                size_t b = bin_of(edges, u, x);
#pragma omp atomic update
                counts[b]++;
            }
        }
        r0 += rows_here;
    }
}

/* Pass 2: a value is kept when it lies in one of its cell's wanted open bins.
 * Testing those few intervals directly is cheaper than finding the value's
 * bin among all the cell's edges (most values are not kept). */
static void store_kept(sc_summary *s, long count, const double *rows)
{
    sc_twopass *tp = s->tp;
    size_t nc = s->layout.ncells;
    for (size_t c = 0; c < nc; c++) {
        size_t first = c * (size_t)tp->nslots;
        const long *want = tp->slot_bin + first;
        for (long r = 0; r < count; r++) {
            double x = rows[(size_t)r * nc + c];
            for (int k = 0; k < tp->nslots && want[k] >= 0; k++) {
                if (!(x > tp->slot_lo[first + (size_t)k] && x < tp->slot_hi[first + (size_t)k]))
                    continue;
                size_t slot = first + (size_t)k;
                uint32_t at;
#pragma omp atomic capture
                at = tp->slot_fill[slot]++;
                tp->kept[tp->slot_at[slot] + at] = x;
                break;
            }
        }
    }
}

void sc_twopass_store(sc_summary *s, long first, long count, const double *rows)
{
    if (s->pass == 0)
        memcpy(s->tp->pilot + (size_t)first * s->layout.ncells, rows,
               (size_t)count * s->layout.ncells * sizeof *rows);
    else if (s->pass == 1)
        store_counts(s, first, count, rows);
    else
        store_kept(s, count, rows);
}

/* After the pilot: each cell's distinct values become its bin edges. */
static int make_edges(sc_summary *s, sc_error *e)
{
    sc_twopass *tp = s->tp;
    size_t nc = s->layout.ncells, m = (size_t)tp->m;
    tp->edge_at = sc_calloc(nc + 1, sizeof *tp->edge_at);
    tp->bin_at = sc_calloc(nc + 1, sizeof *tp->bin_at);
    tp->edges = sc_calloc(nc, m * sizeof(double));
    double *col = sc_calloc(m, sizeof *col);
    int rc = (tp->edge_at && tp->bin_at && tp->edges && col)
                 ? SC_OK : sc_error_set(e, SC_ENOMEM, "summary: out of memory for bin edges");
    for (size_t c = 0; rc == SC_OK && c < nc; c++) {
        size_t u = 0;
        for (size_t i = 0; i < m; i++)
            if (!isnan(tp->pilot[i * nc + c]))
                col[u++] = tp->pilot[i * nc + c];
        gsl_sort(col, 1, u);
        double *d = tp->edges + tp->edge_at[c];
        size_t distinct = 0;
        for (size_t i = 0; i < u; i++)
            if (distinct == 0 || col[i] != d[distinct - 1])
                d[distinct++] = col[i];
        tp->edge_at[c + 1] = tp->edge_at[c] + distinct;
        tp->bin_at[c + 1] = tp->bin_at[c] + 2 * distinct + 1;
    }
    sc_free(col);
    sc_free(tp->pilot);
    tp->pilot = NULL;
    if (rc == SC_OK) {
        tp->counts = sc_calloc(tp->bin_at[nc], sizeof *tp->counts);
        if (!tp->counts)
            rc = sc_error_set(e, SC_ENOMEM, "summary: out of memory for bin counts");
    }
    return rc;
}

/* The bin holding order statistic r of cell c (0-based), and how many values
 * lie in the bins below it. */
static long bin_of_rank(const sc_twopass *tp, size_t c, long r, long *below)
{
    const uint32_t *cnt = tp->counts + tp->bin_at[c];
    long nb = (long)(tp->bin_at[c + 1] - tp->bin_at[c]), cum = 0;
    for (long b = 0; b < nb; b++) {
        if (cum + (long)cnt[b] > r) {
            *below = cum;
            return b;
        }
        cum += cnt[b];
    }
    *below = cum;
    return nb - 1;
}

/* The order statistics each percentile needs: ranks j and j+1 at (n-1)p. */
static void wanted_ranks(const sc_summary *s, int k, long *j0, long *j1)
{
    double rank = (double)(s->n - 1) * (s->pcts[k] / 100.0);
    *j0 = (long)rank;
    *j1 = *j0 + 1 < s->n ? *j0 + 1 : *j0;
}

/* After pass 1: which open bins each cell must keep, and room for them. */
static int plan_kept(sc_summary *s, sc_error *e)
{
    sc_twopass *tp = s->tp;
    size_t nc = s->layout.ncells, ns = (size_t)tp->nslots;
    tp->slot_bin = sc_calloc(nc * ns, sizeof *tp->slot_bin);
    tp->slot_at = sc_calloc(nc * ns + 1, sizeof *tp->slot_at);
    tp->slot_fill = sc_calloc(nc * ns, sizeof *tp->slot_fill);
    tp->slot_lo = sc_calloc(nc * ns, sizeof *tp->slot_lo);
    tp->slot_hi = sc_calloc(nc * ns, sizeof *tp->slot_hi);
    if (!tp->slot_bin || !tp->slot_at || !tp->slot_fill || !tp->slot_lo || !tp->slot_hi)
        return sc_error_set(e, SC_ENOMEM, "summary: out of memory planning pass 2");
    for (size_t c = 0; c < nc; c++) {
        long *want = tp->slot_bin + c * ns;
        int used = 0;
        for (size_t k = 0; k < ns; k++)
            want[k] = -1;
        for (int k = 0; k < s->np && !tp->nan[c]; k++) {
            long j[2], below;
            wanted_ranks(s, k, &j[0], &j[1]);
            for (int h = 0; h < 2; h++) {
                long b = bin_of_rank(tp, c, j[h], &below);
                int seen = b % 2 == 1;   /* a point bin needs nothing kept */
                for (int q = 0; q < used && !seen; q++)
                    seen = want[q] == b;
                if (!seen)
                    want[used++] = b;
            }
        }
        const double *d = tp->edges + tp->edge_at[c];
        size_t u = tp->edge_at[c + 1] - tp->edge_at[c];
        for (size_t k = 0; k < ns; k++) {
            size_t slot = c * ns + k;
            size_t size = want[k] >= 0 ? tp->counts[tp->bin_at[c] + (size_t)want[k]] : 0;
            tp->slot_at[slot + 1] = tp->slot_at[slot] + size;
            if (want[k] >= 0) {   /* open bin 2j lies between edges j-1 and j */
                size_t j = (size_t)want[k] / 2;
                tp->slot_lo[slot] = j > 0 ? d[j - 1] : -INFINITY;
                tp->slot_hi[slot] = j < u ? d[j] : INFINITY;
            }
        }
    }
    tp->kept = sc_calloc(tp->slot_at[nc * ns] ? tp->slot_at[nc * ns] : 1, sizeof(double));
    if (!tp->kept)
        return sc_error_set(e, SC_ENOMEM, "summary: out of memory keeping %zu values for pass 2",
                            tp->slot_at[nc * ns]);
    return SC_OK;
}

/* With several processes, each counted its own chunks in pass 1: add up the
 * bin counts, combine the NaN flags, and copy each chunk's moments from the
 * process that made them (copied, not summed, so they stay bit for bit). */
static int combine_pass1(sc_summary *s, sc_error *e)
{
    sc_twopass *tp = s->tp;
    size_t nc = s->layout.ncells;
    long c0 = tp->first / tp->chunk, c1 = (tp->first + tp->count + tp->chunk - 1) / tp->chunk;
    int st = sc_ranks_sum_counts(tp->counts, tp->bin_at[nc], e);
    if (st == SC_OK)
        st = sc_ranks_max_flags(tp->nan, nc, e);
    if (st == SC_OK)
        st = sc_ranks_share_rows(tp->cmean, nc, c0, tp->count ? c1 - c0 : 0, e);
    if (st == SC_OK)
        st = sc_ranks_share_rows(tp->cm2, nc, c0, tp->count ? c1 - c0 : 0, e);
    return st;
}

int sc_twopass_end_pass(sc_summary *s, sc_error *e)
{
    if (s->pass == 0)
        return make_edges(s, e);
    int st = sc_ranks_size() > 1 ? combine_pass1(s, e) : SC_OK;
    return st == SC_OK ? plan_kept(s, e) : st;
}

void sc_twopass_set_slice(sc_summary *s, long first, long count)
{
    s->tp->first = first;
    s->tp->count = count;
}

/* With several processes, each kept the values of its own trajectories:
 * bring them all to rank 0, slot by slot, in rank order. */
int sc_twopass_end_passes(sc_summary *s, sc_error *e)
{
    sc_twopass *tp = s->tp;
    if (sc_ranks_size() == 1)
        return SC_OK;
    size_t nslots = s->layout.ncells * (size_t)tp->nslots;
    double *fills = sc_calloc(nslots, sizeof *fills), *packed = NULL;
    double *all_fills = NULL, *all_values = NULL;
    size_t *nf = NULL, *nv = NULL, used = 0;
    int st = fills ? SC_OK : sc_error_set(e, SC_ENOMEM, "out of memory gathering kept values");
    for (size_t k = 0; st == SC_OK && k < nslots; k++)
        used += tp->slot_fill[k];
    if (st == SC_OK && !(packed = sc_calloc(used ? used : 1, sizeof *packed)))
        st = sc_error_set(e, SC_ENOMEM, "out of memory gathering kept values");
    for (size_t k = 0, at = 0; st == SC_OK && k < nslots; k++) {
        fills[k] = (double)tp->slot_fill[k];
        memcpy(packed + at, tp->kept + tp->slot_at[k], tp->slot_fill[k] * sizeof(double));
        at += tp->slot_fill[k];
    }
    st = sc_ranks_agree(st, e);
    if (st == SC_OK)
        st = sc_ranks_gather_values(fills, nslots, &all_fills, &nf, e);
    if (st == SC_OK)
        st = sc_ranks_gather_values(packed, used, &all_values, &nv, e);
    if (st == SC_OK && sc_ranks_rank() == 0) {
        const double *v = all_values;
        memset(tp->slot_fill, 0, nslots * sizeof *tp->slot_fill);
        for (int r = 0; r < sc_ranks_size(); r++)
            for (size_t k = 0; k < nslots; k++) {
                size_t f = (size_t)all_fills[(size_t)r * nslots + k];
                memcpy(tp->kept + tp->slot_at[k] + tp->slot_fill[k], v, f * sizeof *v);
                tp->slot_fill[k] += (uint32_t)f;
                v += f;
            }
    }
    sc_free(fills);
    sc_free(packed);
    sc_free(all_fills);
    sc_free(all_values);
    sc_free(nf);
    sc_free(nv);
    return st;
}

/* Order statistic r of cell c, from its point bin or its sorted kept values. */
static double order_stat(const sc_summary *s, size_t c, long r)
{
    const sc_twopass *tp = s->tp;
    long below, b = bin_of_rank(tp, c, r, &below);
    if (b % 2 == 1)
        return tp->edges[tp->edge_at[c] + (size_t)(b / 2)];
    const long *want = tp->slot_bin + c * (size_t)tp->nslots;
    for (int k = 0; k < tp->nslots; k++)
        if (want[k] == b)
            return tp->kept[tp->slot_at[c * (size_t)tp->nslots + (size_t)k] + (size_t)(r - below)];
    return NAN;   /* not reached: every wanted bin has a slot */
}

static void moments(const sc_summary *s, size_t c)
{
    const sc_twopass *tp = s->tp;
    size_t nc = s->layout.ncells;
    double mean = 0, m2 = 0;
    long n = 0;
    for (long b = 0; b < tp->nchunks; b++) {
        long nb = b + 1 < tp->nchunks ? tp->chunk : s->n - b * tp->chunk;
        double mb = tp->cmean[(size_t)b * nc + c], m2b = tp->cm2[(size_t)b * nc + c];
        double delta = mb - mean, tot = (double)(n + nb);
        mean = n ? mean + delta * (double)nb / tot : mb;
        m2 = n ? m2 + m2b + delta * delta * (double)n * (double)nb / tot : m2b;
        n += nb;
    }
    double sd = s->n > 1 ? sqrt(m2 / (double)(s->n - 1)) : 0.0;
    s->mean[c] = mean;
    s->sd[c] = sd;
    s->mcse[c] = sd / sqrt((double)s->n);
}

static void summarise_cell(sc_summary *s, size_t c)
{
    sc_twopass *tp = s->tp;
    if (tp->nan[c]) {
        sc_summary_set_nan(s, c);
        return;
    }
    moments(s, c);
    for (int k = 0; k < tp->nslots; k++) {
        size_t slot = c * (size_t)tp->nslots + (size_t)k;
        gsl_sort(tp->kept + tp->slot_at[slot], 1, tp->slot_at[slot + 1] - tp->slot_at[slot]);
    }
    for (int k = 0; k < s->np; k++) {
        long j0, j1;
        wanted_ranks(s, k, &j0, &j1);
        double rank = (double)(s->n - 1) * (s->pcts[k] / 100.0);
        double a = order_stat(s, c, j0), b = order_stat(s, c, j1);
        s->pct[c * (size_t)s->np + (size_t)k] = sc_summary_between(a, b, rank - (double)j0);
    }
}

int sc_twopass_compute(sc_summary *s, sc_error *e)
{
    if (s->pass != 2)
        return sc_error_set(e, SC_EFAIL, "summary: bounded summaries need all three passes "
                            "(at pass %d)", s->pass);
    long long nc = (long long)s->layout.ncells;
#pragma omp parallel for schedule(dynamic, 16)
    for (long long c = 0; c < nc; c++)
        summarise_cell(s, (size_t)c);
    sc_summary_targets(s);
    return SC_OK;
}
