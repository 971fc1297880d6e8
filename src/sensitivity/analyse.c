/*
 * analyse.c — the sensitivity table (sensitivity.h, sc_sens_analyse): every
 * input against every output the file has, every year, by the estimators of
 * estimate.c.
 *
 * The work is shared among threads by input: a thread orders the
 * trajectories by its input once (for a per-year input, once a year) and
 * runs every output against that order. Each estimate is one thread's, made
 * in trajectory order, into its own slot: the table is the same for any
 * number of threads. Scratch is allocated before the parallel region.
 */
#include "sens_internal.h"

#include <math.h>
#include <string.h>

#include <omp.h>

#include "sendcast/alloc.h"

void sc_sens_table_free(sc_sens_table *t)
{
    if (!t)
        return;
    sc_free(t->centre);
    sc_free(t->est);
    sc_free(t);
}

/* Output o's values in year t, [n], when every one is a number; else
 * leaves *ok 0 (no target that year, or no such output). */
static void column(const sc_sens_data *d, int o, int t, double *y, int *ok)
{
    *ok = d->out[o] != NULL;
    for (long i = 0; *ok && i < d->n; i++) {
        y[i] = d->out[o][(size_t)i * (size_t)d->years + (size_t)t];
        *ok = !isnan(y[i]);
    }
}

typedef struct work {
    const sc_sens_data *d;
    sc_sens_table *t;
    double *y;                  /* [o][t][n], the outputs by column */
    int *ok;                    /* [o][t] */
    sc_sens_ycontext *ctx;      /* [o][t] */
} work;

/* Every usable (output, year) of input k's order in year `only` (-1: every
 * year: the input does not depend on the year). */
static void run_order(const work *w, int k, int only, const long *order, double *scratch)
{
    const sc_sens_data *d = w->d;
    size_t ny = (size_t)d->years, n = (size_t)d->n;
    for (int o = 0; o < SC_SENS_NOUTPUTS; o++)
        for (int t = 0; t < d->years; t++) {
            size_t ot = (size_t)o * ny + (size_t)t;
            if ((only >= 0 && t != only) || !w->ok[ot])
                continue;
            sc_sens_estimate *est = (sc_sens_estimate *)sc_sens_at(w->t, o, t, k);
            sc_sens_estimate_one(&w->ctx[ot], order, w->y + ot * n, scratch, est);
        }
}

static void run_input(const work *w, int k, double *x, sens_keyed *keys, long *order,
                      double *scratch)
{
    const sc_sens_data *d = w->d;
    int per_year = d->input[k].per_year;
    for (int t = 0; t < (per_year ? d->years : 1); t++) {
        sc_sens_input_values(d, k, t, x);
        sens_order_into(x, d->n, keys, order);
        run_order(w, k, per_year ? t : -1, order, scratch);
    }
}

/* Outputs by column, whether each is usable, and their contexts. */
static void prepare(work *w, double *scratch)
{
    const sc_sens_data *d = w->d;
    size_t ny = (size_t)d->years, n = (size_t)d->n;
    for (int o = 0; o < SC_SENS_NOUTPUTS; o++) {
        w->t->has[o] = d->out[o] != NULL;
        for (int t = 0; t < d->years; t++) {
            size_t ot = (size_t)o * ny + (size_t)t;
            column(d, o, t, w->y + ot * n, &w->ok[ot]);
            w->t->centre[ot] = NAN;
            if (!w->ok[ot])
                continue;
            sc_sens_ycontext_init(&w->ctx[ot], w->y + ot * n, d->n,
                                  sc_sens_outputs[o].indicator, scratch);
            w->t->centre[ot] = w->ctx[ot].centre;
        }
    }
}

int sc_sens_analyse(const sc_sens_data *d, int threads, sc_sens_table **out, sc_error *e)
{
    *out = NULL;
    int nthreads = threads > 0 ? threads : omp_get_num_procs();
    if (nthreads > d->ninputs)
        nthreads = d->ninputs > 0 ? d->ninputs : 1;
    size_t n = (size_t)d->n, ny = (size_t)d->years, no = SC_SENS_NOUTPUTS;
    size_t nt = (size_t)nthreads, k = (size_t)(d->ninputs ? d->ninputs : 1);
    sc_sens_table *t = sc_calloc(1, sizeof *t);
    work w = { d, t, NULL, NULL, NULL };
    double *x = sc_calloc(nt * n, sizeof *x), *scratch = sc_calloc(nt * n, sizeof *scratch);
    sens_keyed *keys = sc_calloc(nt * n, sizeof *keys);
    long *order = sc_calloc(nt * n, sizeof *order);
    if (t) {
        t->centre = sc_calloc(no * ny, sizeof *t->centre);
        t->est = sc_calloc(no * ny * k, sizeof *t->est);
        w.y = sc_calloc(no * ny * n, sizeof *w.y);
        w.ok = sc_calloc(no * ny, sizeof *w.ok);
        w.ctx = sc_calloc(no * ny, sizeof *w.ctx);
    }
    int st = SC_OK;
    if (!t || !t->centre || !t->est || !w.y || !w.ok || !w.ctx || !x || !scratch || !keys
        || !order)
        st = SC_ERROR(e, SC_ENOMEM, "out of memory for the sensitivity of %ld trajectories",
                      d->n);
    if (!st) {
        t->years = d->years;
        t->ninputs = d->ninputs;
        t->n = d->n;
        for (size_t j = 0; j < no * ny * k; j++)
            t->est[j] = (sc_sens_estimate){ NAN, NAN, NAN, NAN, NAN, NAN };
        prepare(&w, scratch);
#pragma omp parallel for num_threads(nthreads) schedule(dynamic, 1)
        for (int in = 0; in < d->ninputs; in++) {
            size_t me = (size_t)omp_get_thread_num() * n;
            run_input(&w, in, x + me, keys + me, order + me, scratch + me);
        }
    }
    sc_free(x);
    sc_free(scratch);
    sc_free(keys);
    sc_free(order);
    sc_free(w.y);
    sc_free(w.ok);
    sc_free(w.ctx);
    if (st) {
        sc_sens_table_free(t);
        return st;
    }
    *out = t;
    return SC_OK;
}

int sc_sens_varies(const sc_sens_table *t, int o, int y)
{
    if (!t->has[o] || isnan(t->centre[(size_t)o * (size_t)t->years + (size_t)y]))
        return 0;
    for (int k = 0; k < t->ninputs; k++)
        if (!isnan(sc_sens_at(t, o, y, k)->share))
            return 1;
    return 0;
}

void sc_sens_rank(const sc_sens_table *t, int o, int y, int *rank)
{
    for (int k = 0; k < t->ninputs; k++)
        rank[k] = k;
    /* insertion sort: larger share first, NaN last, ties by input order */
    for (int i = 1; i < t->ninputs; i++) {
        int v = rank[i], j = i;
        double s = sc_sens_at(t, o, y, v)->share;
        while (j > 0) {
            double p = sc_sens_at(t, o, y, rank[j - 1])->share;
            int before = !isnan(s) && (isnan(p) || s > p);
            if (!before)
                break;
            rank[j] = rank[j - 1];
            j--;
        }
        rank[j] = v;
    }
}
