/*
 * budgets.c — cluster budgets sized to a chosen risk, and the area
 * contingency that covers their overspend (sensitivity.h,
 * sc_sens_budgets_run), from every trajectory's cluster spend in one year.
 *
 * Risk-equalised split of a total T: the budgets B_c = Q_c(p) (Q_c the type
 * 7 quantile of cluster c's spend over the trajectories) with the one p at
 * which they add up to T, found by bisection (the sum is continuous and
 * non-decreasing in p): every cluster then overspends with the same
 * probability 1 - p, to within 1/n. Beside it, the scenario's own budgets
 * and T shared in their proportions, each with its P(overspend).
 *
 * Area contingency: each trajectory's overspend of an area is the sum of its
 * clusters' overspends, max(0, spend - budget), pooled within the area; the
 * contingency that covers it with probability P is its P-quantile. The
 * district's one pool (every area's overspend together) shows what pooling
 * across areas would save. The trade-off curve of each pool: contingency K
 * held against P(overspend beyond K) and the expected overspend beyond K.
 *
 * Errors: a probability's is sqrt(p (1 - p) / n), for the budgets as given;
 * a contingency's is the batch-means error of the quantile (SC_SENS_BATCHES
 * contiguous batches).
 */
#include "sendcast/sensitivity.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sendcast/alloc.h"
#include "sendcast/stats.h"

int sc_sens_parse_amount(const char *arg, const char *what, double *out, sc_error *e)
{
    /* "£50m" and "-£2.5m" as a finance user types them: the pound sign
     * (UTF-8) after an optional sign is dropped */
    char buf[128];
    const char *s = arg;
    size_t sign = *s == '-' || *s == '+';
    if (!strncmp(s + sign, "£", 2) && strlen(s) < sizeof buf) {
        memcpy(buf, s, sign);
        snprintf(buf + sign, sizeof buf - sign, "%s", s + sign + 2);
        s = buf;
    }
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    double scale = !strcmp(end, "k") || !strcmp(end, "K") ? 1e3
                   : !strcmp(end, "m") || !strcmp(end, "M") ? 1e6
                   : !strcmp(end, "bn") ? 1e9 : *end ? 0 : 1;
    if (errno || end == s || scale == 0 || !isfinite(v) || isspace((unsigned char)*s))
        return SC_ERROR(e, SC_EINPUT, "%s: expected a number (with k, m or bn for thousands, "
                        "millions or billions, and £ if you like: 17m, £17m), got \"%s\"",
                        what, arg);
    *out = v * scale;
    return SC_OK;
}

const char *sc_sens_label(const char *status)
{
    return status && !strcmp(status, "illustrative") ? " (illustrative)" : "";
}

const char *sc_sens_total_status(const sc_sens_budgets *b)
{
    double own = 0;
    for (int c = 0; c < b->nclusters; c++)
        own += b->today[c];
    /* a pound's tolerance: a total typed as "17.6m" is the scenario's 17,600,000 */
    return own > 0 && fabs(b->total - own) < 1 ? b->budget_status : "";
}

void sc_sens_budgets_free(sc_sens_budgets *b)
{
    if (!b)
        return;
    sc_free(b->today);
    sc_free(b->p_today);
    sc_free(b->scaled);
    sc_free(b->p_scaled);
    sc_free(b->equal);
    sc_free(b->p_equal);
    sc_free(b->p_equal_se);
    sc_free(b->contingency_today);
    sc_free(b->p_cover_today);
    sc_free(b->need_today);
    sc_free(b->need_equal);
    sc_free(b->need_equal_se);
    sc_free(b->curve_k);
    sc_free(b->curve_p);
    sc_free(b->curve_e);
    sc_free(b);
}

static int check(const sc_sens_data *d, int t, double total, double risk, sc_error *e)
{
    if (!d->budget || d->nclusters < 1)
        return SC_ERROR(e, SC_EINPUT, "%s: no cluster working in this result (budgets need "
                        "the clusters' budgets: a scenario with a cluster_working section)",
                        d->path);
    if (!d->cluster_spend)
        return SC_ERROR(e, SC_EINPUT, "%s has no per-trajectory cluster spend (written before "
                        "sendcast kept it): run the scenario again with this sendcast",
                        d->path);
    if (t < 0 || t >= d->years)
        return SC_ERROR(e, SC_EINPUT, "--year: expected a year of the horizon, %d to %d",
                        d->year[0], d->year[d->years - 1]);
    if (!(total > 0) || isinf(total))
        return SC_ERROR(e, SC_EINPUT, "--total: expected a positive amount in pounds (say "
                        "17000000 or 17m), got %g", total);
    if (!(risk > 0 && risk < 1))
        return SC_ERROR(e, SC_EINPUT, "--risk: expected a probability strictly between 0 and "
                        "1 (say 0.9), got %g", risk);
    return SC_OK;
}

/* Share of v[0..n) above x. */
static double p_above(const double *v, long n, double x)
{
    long k = 0;
    for (long i = 0; i < n; i++)
        k += v[i] > x;
    return (double)k / (double)n;
}

/* sum_c Q_c(p) over the clusters' sorted spends. */
static double split_total(const double *sorted, long n, int nc, double p)
{
    double s = 0;
    for (int c = 0; c < nc; c++)
        s += sc_stats_type7(sorted + (size_t)c * (size_t)n, (size_t)n, p);
    return s;
}

/* The risk-equalised budgets: equal[c] = Q_c(p) with sum T. */
static void equalise(sc_sens_budgets *b, const double *sorted, long n)
{
    int nc = b->nclusters;
    double lo = 0, hi = 1, g0 = split_total(sorted, n, nc, 0), g1 = split_total(sorted, n, nc, 1);
    double p;
    if (b->total <= g0) {
        p = 0;
        b->clamped = -1;
    } else if (b->total >= g1) {
        p = 1;
        b->clamped = 1;
    } else {
        for (int it = 0; it < 200 && hi - lo > 1e-15; it++) {
            double mid = 0.5 * (lo + hi);
            if (split_total(sorted, n, nc, mid) < b->total)
                lo = mid;
            else
                hi = mid;
        }
        p = 0.5 * (lo + hi);
    }
    double sum = 0;
    for (int c = 0; c < nc; c++)
        sum += b->equal[c] = sc_stats_type7(sorted + (size_t)c * (size_t)n, (size_t)n, p);
    for (int c = 0; c < nc && sum > 0; c++)   /* the total exactly (clamped: in proportion) */
        b->equal[c] *= b->total / sum;
    b->q = 1 - p;
}

/* Each pool's overspend in each trajectory with budgets bud: pool[a][i] for
 * the areas and [A] for the district. */
static void overspend(const sc_sens_data *d, const double *spend, long n, const double *bud,
                      double *pool)
{
    int na = d->nareas, nc = d->nclusters;
    memset(pool, 0, (size_t)(na + 1) * (size_t)n * sizeof *pool);
    for (int c = 0; c < nc; c++) {
        int a = d->cluster_area[c];
        for (long i = 0; i < n; i++) {
            double o = fmax(0.0, spend[(size_t)c * (size_t)n + (size_t)i] - bud[c]);
            if (a >= 0)
                pool[(size_t)a * (size_t)n + (size_t)i] += o;
            pool[(size_t)na * (size_t)n + (size_t)i] += o;
        }
    }
}

/* The P-quantile of v[0..n) and its batch error; v is reordered. */
static void need(double *v, long n, double risk, double *q, double *se)
{
    double bq[SC_SENS_BATCHES], m = 0, ss = 0;
    long first = 0;
    for (int k = 0; k < SC_SENS_BATCHES; k++) {
        long end = (long)(((k + 1) * n) / SC_SENS_BATCHES);
        sc_stats_sort(v + first, (size_t)(end - first));
        bq[k] = sc_stats_type7(v + first, (size_t)(end - first), risk);
        m += bq[k];
        first = end;
    }
    m /= SC_SENS_BATCHES;
    for (int k = 0; k < SC_SENS_BATCHES; k++)
        ss += (bq[k] - m) * (bq[k] - m);
    *se = sqrt(ss / (SC_SENS_BATCHES - 1)) / sqrt((double)SC_SENS_BATCHES);
    sc_stats_sort(v, (size_t)n);
    *q = sc_stats_type7(v, (size_t)n, risk);
}

/* The trade-off curve of pool a (sorted overspends v). */
static void curve(sc_sens_budgets *b, int a, const double *v, long n)
{
    double top = fmax(sc_stats_type7(v, (size_t)n, 0.995), 1.5 * b->need_equal[a]);
    for (int k = 0; k < SC_BUDGET_CURVE; k++) {
        double K = top * k / (SC_BUDGET_CURVE - 1), ex = 0;
        for (long i = 0; i < n; i++)
            ex += fmax(0.0, v[i] - K);
        size_t at = (size_t)a * SC_BUDGET_CURVE + (size_t)k;
        b->curve_k[at] = K;
        b->curve_p[at] = p_above(v, n, K);
        b->curve_e[at] = ex / (double)n;
    }
}

static int allocate(sc_sens_budgets *b)
{
    size_t nc = (size_t)b->nclusters, np = (size_t)b->nareas + 1;
    double **v[] = { &b->today, &b->p_today, &b->scaled, &b->p_scaled, &b->equal, &b->p_equal,
                     &b->p_equal_se };
    double **w[] = { &b->contingency_today, &b->p_cover_today, &b->need_today, &b->need_equal,
                     &b->need_equal_se };
    double **c[] = { &b->curve_k, &b->curve_p, &b->curve_e };
    int ok = 1;
    for (size_t k = 0; k < sizeof v / sizeof v[0]; k++)
        ok &= (*v[k] = sc_calloc(nc, sizeof(double))) != NULL;
    for (size_t k = 0; k < sizeof w / sizeof w[0]; k++)
        ok &= (*w[k] = sc_calloc(np, sizeof(double))) != NULL;
    for (size_t k = 0; k < sizeof c / sizeof c[0]; k++)
        ok &= (*c[k] = sc_calloc(np * SC_BUDGET_CURVE, sizeof(double))) != NULL;
    return ok;
}

/* Every number of b from the clusters' spends [C][n] (and sorted copies). */
static void compute(const sc_sens_data *d, sc_sens_budgets *b, const double *spend,
                    const double *sorted, double *pool)
{
    long n = d->n;
    int nc = b->nclusters, na = b->nareas;
    double tt = 0;
    for (int c = 0; c < nc; c++)
        tt += b->today[c] = d->budget[(size_t)b->t * (size_t)nc + (size_t)c];
    for (int c = 0; c < nc; c++) {
        const double *s = spend + (size_t)c * (size_t)n;
        b->scaled[c] = tt > 0 ? b->total * b->today[c] / tt : b->total / nc;
        b->p_today[c] = p_above(s, n, b->today[c]);
        b->p_scaled[c] = p_above(s, n, b->scaled[c]);
    }
    equalise(b, sorted, n);
    for (int c = 0; c < nc; c++) {
        const double *s = spend + (size_t)c * (size_t)n;
        b->p_equal[c] = p_above(s, n, b->equal[c]);
        b->p_equal_se[c] = sqrt(b->p_equal[c] * (1 - b->p_equal[c]) / (double)n);
    }
    /* today's budgets and contingency */
    overspend(d, spend, n, b->today, pool);
    b->contingency_today[na] = 0;
    for (int a = 0; a <= na; a++) {
        double *v = pool + (size_t)a * (size_t)n, se;
        if (a < na) {
            b->contingency_today[a] = d->contingency[(size_t)b->t * (size_t)na + (size_t)a];
            b->contingency_today[na] += b->contingency_today[a];
        }
        b->p_cover_today[a] = 1 - p_above(v, n, b->contingency_today[a]);
        need(v, n, b->risk, &b->need_today[a], &se);
    }
    /* the risk-equalised budgets */
    overspend(d, spend, n, b->equal, pool);
    for (int a = 0; a <= na; a++) {
        double *v = pool + (size_t)a * (size_t)n;
        need(v, n, b->risk, &b->need_equal[a], &b->need_equal_se[a]);
        curve(b, a, v, n);
    }
}

int sc_sens_budgets_run(const sc_sens_data *d, int t, double total, double risk,
                        sc_sens_budgets **out, sc_error *e)
{
    *out = NULL;
    int st = check(d, t, total, risk, e);
    if (st)
        return st;
    long n = d->n;
    size_t nc = (size_t)d->nclusters, ny = (size_t)d->years;
    sc_sens_budgets *b = sc_calloc(1, sizeof *b);
    double *spend = sc_calloc(nc * (size_t)n, sizeof *spend);
    double *sorted = sc_calloc(nc * (size_t)n, sizeof *sorted);
    double *pool = sc_calloc(((size_t)d->nareas + 1) * (size_t)n, sizeof *pool);
    if (b)
        *b = (sc_sens_budgets){ .t = t, .total = total, .risk = risk,
                                .nclusters = d->nclusters, .nareas = d->nareas, .n = n };
    if (!b || !spend || !sorted || !pool || !allocate(b))
        st = SC_ERROR(e, SC_ENOMEM, "out of memory for the budgets of %zu clusters", nc);
    if (!st) {
        snprintf(b->budget_status, sizeof b->budget_status, "%s", d->budget_status);
        snprintf(b->contingency_status, sizeof b->contingency_status, "%s",
                 d->contingency_status);
        for (size_t c = 0; c < nc; c++) {
            for (long i = 0; i < n; i++)
                spend[c * (size_t)n + (size_t)i] =
                    d->cluster_spend[((size_t)i * ny + (size_t)t) * nc + c];
            memcpy(sorted + c * (size_t)n, spend + c * (size_t)n, (size_t)n * sizeof *spend);
            sc_stats_sort(sorted + c * (size_t)n, (size_t)n);
        }
        compute(d, b, spend, sorted, pool);
    }
    sc_free(spend);
    sc_free(sorted);
    sc_free(pool);
    if (st) {
        sc_sens_budgets_free(b);
        return st;
    }
    *out = b;
    return SC_OK;
}
