/*
 * cell_stats.c — the pieces of a summary that both kinds (every record kept,
 * summary.c; bounded memory, twopass.c) use: a cell with no statistics, the
 * Safety Valve probabilities from the indicator means, the chunks, and the
 * threads of the summary's loops.
 */
#include <math.h>

#include <omp.h>

#include "summ_internal.h"

int summ_threads(const sc_summary *s)
{
    return s->threads > 0 ? s->threads : omp_get_max_threads();
}

void summ_set_nan(sc_summary *s, size_t c)
{
    s->mean[c] = s->sd[c] = s->mcse[c] = NAN;
    for (int k = 0; k < s->np; k++)
        s->pct[c * (size_t)s->np + (size_t)k] = NAN;
}

void summ_targets(sc_summary *s)
{
    double n = (double)s->n;
    for (int y = 0; y < s->layout.years; y++) {
        double p = s->mean[s->layout.target_offset + (size_t)y];
        s->p_met[y] = p;
        s->p_met_mcse[y] = isnan(p) ? NAN : sqrt(p * (1.0 - p) / n);
    }
}

/* The bounded kind accumulates moments per chunk, each chunk's rows taken in
 * order by one thread, and the chunks merge in order, so the sums do not
 * depend on the thread count; the size depends on n alone. At most about 512
 * chunks, so per-chunk moments stay small. */
long sc_summary_chunk(long n)
{
    long c = (n + 511) / 512;
    return c < 64 ? 64 : c;
}
