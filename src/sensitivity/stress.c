/*
 * stress.c — outputs conditional on inputs lying in chosen percentile
 * ranges (sensitivity.h, sc_sens_stress_run): "if inflation is in its top
 * decile". From the stored draws alone: the trajectories whose inputs meet
 * every condition are kept, each counting once (n), and the outputs'
 * percentiles are taken over them.
 *
 * Errors: a conditional median's is read off the distribution-free 95%
 * interval of order statistics, ranks n/2 -+ 0.98 sqrt(n), as half its
 * width over 1.96; a conditional probability's is sqrt(p (1 - p) / n).
 */
#include "sendcast/sensitivity.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sendcast/alloc.h"
#include "sendcast/stats.h"
#include "sendcast/text.h"

/* Every input's name, for a message: "a, b, c". */
static void input_names(const sc_sens_data *d, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int k = 0; k < d->ninputs; k++)
        if (sc_text_append(buf, size, &used, ", ", d->input[k].name))
            break;
}

int sc_sens_condition_parse(const sc_sens_data *d, const char *arg, sc_sens_condition *out,
                            sc_error *e)
{
    const char *colon = strrchr(arg, ':');
    char name[128], names[1024];
    if (!colon || colon == arg || (size_t)(colon - arg) >= sizeof name)
        return SC_ERROR(e, SC_EINPUT, "--stress %s: expected INPUT:LO-HI, an input and a "
                        "percentile range (say inflation:90-100)", arg);
    memcpy(name, arg, (size_t)(colon - arg));
    name[colon - arg] = '\0';
    out->input = sc_sens_input_find(d, name);
    if (out->input < 0) {
        input_names(d, names, sizeof names);
        return SC_ERROR(e, SC_EINPUT, "--stress %s: %s has no input %s; expected one of: %s",
                        arg, d->path, name, names);
    }
    char *end;
    errno = 0;
    out->lo = strtod(colon + 1, &end);
    int ok = !errno && end != colon + 1 && *end == '-';
    if (ok) {
        const char *hi = end + 1;
        out->hi = strtod(hi, &end);
        ok = !errno && end != hi && !*end;
    }
    if (!ok || !(out->lo >= 0 && out->hi <= 100 && out->lo < out->hi))
        return SC_ERROR(e, SC_EINPUT, "--stress %s: expected a percentile range LO-HI within "
                        "[0, 100], LO below HI (say %s:90-100 for the top decile)", arg, name);
    return SC_OK;
}

void sc_sens_stress_free(sc_sens_stress *s)
{
    if (!s)
        return;
    sc_free(s->count);
    sc_free(s->all);
    sc_free(s->cond);
    sc_free(s->cond_se);
    sc_free(s);
}

/* 5th, 50th, 95th percentiles of v[0..m) (an indicator: NaN, mean, NaN), and
 * the error of the middle one; v is reordered. */
static void three(double *v, long m, int indicator, double *q, double *se)
{
    q[0] = q[1] = q[2] = *se = NAN;
    if (m < 1)
        return;
    if (indicator) {
        double s = 0;
        for (long i = 0; i < m; i++)
            s += v[i];
        q[1] = s / (double)m;
        *se = sqrt(q[1] * (1 - q[1]) / (double)m);
        return;
    }
    sc_stats_sort(v, (size_t)m);
    q[0] = sc_stats_type7(v, (size_t)m, 0.05);
    q[1] = sc_stats_type7(v, (size_t)m, 0.50);
    q[2] = sc_stats_type7(v, (size_t)m, 0.95);
    double half = 0.98 * sqrt((double)m);
    long lo = (long)floor((double)m / 2 - half), hi = (long)ceil((double)m / 2 + half);
    lo = lo < 0 ? 0 : lo;
    hi = hi > m - 1 ? m - 1 : hi;
    *se = (v[hi] - v[lo]) / (2 * 1.96);
}

/* Which trajectories meet every condition in year t: in[i] 1 or 0; the count. */
static long select_year(const sc_sens_data *d, const sc_sens_condition *c, int nc, int t,
                        double *x, double *scratch, unsigned char *in)
{
    memset(in, 1, (size_t)d->n);
    for (int k = 0; k < nc; k++) {
        sc_sens_input_values(d, c[k].input, t, x);
        double lo = sc_sens_quantile(x, d->n, c[k].lo / 100, scratch);
        double hi = sc_sens_quantile(x, d->n, c[k].hi / 100, scratch);
        for (long i = 0; i < d->n; i++)
            in[i] &= x[i] >= lo && x[i] <= hi;
    }
    long count = 0;
    for (long i = 0; i < d->n; i++)
        count += in[i];
    return count;
}

static void stress_year(const sc_sens_data *d, sc_sens_stress *s, int t, const unsigned char *in,
                        double *all, double *cond)
{
    for (int o = 0; o < SC_SENS_NOUTPUTS; o++) {
        size_t ot = (size_t)o * (size_t)d->years + (size_t)t;
        double se;
        s->all[ot * 3] = s->all[ot * 3 + 1] = s->all[ot * 3 + 2] = NAN;
        s->cond[ot * 3] = s->cond[ot * 3 + 1] = s->cond[ot * 3 + 2] = NAN;
        s->cond_se[ot] = NAN;
        if (!d->out[o])
            continue;
        long na = 0, nb = 0;
        int nan = 0;
        for (long i = 0; i < d->n; i++) {
            double y = d->out[o][(size_t)i * (size_t)d->years + (size_t)t];
            nan |= isnan(y);
            all[na++] = y;
            if (in[i])
                cond[nb++] = y;
        }
        if (nan)
            continue;   /* no target that year */
        int ind = sc_sens_outputs[o].indicator;
        three(all, na, ind, s->all + ot * 3, &se);
        three(cond, nb, ind, s->cond + ot * 3, &s->cond_se[ot]);
    }
}

int sc_sens_stress_run(const sc_sens_data *d, const sc_sens_condition *c, int nc,
                       sc_sens_stress **out, sc_error *e)
{
    *out = NULL;
    size_t n = (size_t)d->n, ny = (size_t)d->years, no = SC_SENS_NOUTPUTS;
    sc_sens_stress *s = sc_calloc(1, sizeof *s);
    double *x = sc_calloc(n, sizeof *x), *scratch = sc_calloc(n, sizeof *scratch);
    double *all = sc_calloc(n, sizeof *all), *cond = sc_calloc(n, sizeof *cond);
    unsigned char *in = sc_calloc(n, 1);
    if (s) {
        s->years = d->years;
        s->count = sc_calloc(ny, sizeof *s->count);
        s->all = sc_calloc(no * ny * 3, sizeof *s->all);
        s->cond = sc_calloc(no * ny * 3, sizeof *s->cond);
        s->cond_se = sc_calloc(no * ny, sizeof *s->cond_se);
    }
    int st = SC_OK;
    if (!s || !s->count || !s->all || !s->cond || !s->cond_se || !x || !scratch || !all || !cond
        || !in)
        st = SC_ERROR(e, SC_ENOMEM, "out of memory for a stress test of %ld trajectories", d->n);
    for (int t = 0; !st && t < d->years; t++) {
        s->count[t] = select_year(d, c, nc, t, x, scratch, in);
        stress_year(d, s, t, in, all, cond);
    }
    sc_free(x);
    sc_free(scratch);
    sc_free(all);
    sc_free(cond);
    sc_free(in);
    if (st) {
        sc_sens_stress_free(s);
        return st;
    }
    *out = s;
    return SC_OK;
}
