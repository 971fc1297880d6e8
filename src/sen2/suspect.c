/*
 * suspect.c — the rules that flag suspect cells, their thresholds in one
 * table, and the list of years where assessments exceed requests.
 *
 * A flagged cell keeps its value; cell.rule and cell.reason say it is to be
 * left out of fitting and why. A cell is flagged by one rule at most: rule 1
 * runs within each release as it is read (the council's number and its
 * region's total then come from the same files), rules 2 and 3 on the merged
 * councils' series, in that order, each ignoring cells already flagged. The
 * rules are documented in include/sendcast/sen2.h and docs/sen2.md.
 */
#include "s2_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_sort_double.h>
#include <gsl/gsl_statistics_double.h>

#include "sendcast/alloc.h"

/* Every threshold of the rules: tune here, and docs/sen2.md follows from
 * sc_sen2_params() (tests/test_sen2.c prints the table and the counts). */
static const sc_sen2_param params[S2P_COUNT] = {
    [S2P_REGION_MIN_COUNCILS] = { "region_min_councils", 2,
        "rule 1: a council's cell equal to its region's total is flagged only when at least "
        "this many councils of the region (itself included) report a positive value that "
        "year; with fewer, equality is arithmetic, not pasting" },
    [S2P_BREAK_MIN_NEIGHBOUR] = { "break_min_neighbour", 20,
        "rule 2: a cell is judged only when both neighbours it is compared with are at least "
        "this; small counts swing too much to call a break" },
    [S2P_BREAK_FLOW_LO] = { "break_flow_lo", 1.0 / 3,
        "rule 2: an activity or setting cell below this times the geometric mean of its "
        "neighbours is flagged (zero included)" },
    [S2P_BREAK_FLOW_HI] = { "break_flow_hi", 3,
        "rule 2: an activity or setting cell above this times the geometric mean of its "
        "neighbours is flagged" },
    [S2P_BREAK_STOCK_LO] = { "break_stock_lo", 0.7,
        "rule 2: plans (the stock moves slowly) below this times its neighbours' geometric "
        "mean is flagged" },
    [S2P_BREAK_STOCK_HI] = { "break_stock_hi", 1.5,
        "rule 2: plans above this times its neighbours' geometric mean is flagged" },
    [S2P_RATIO_PCT_LO] = { "ratio_percentile_lo", 1,
        "rule 3: the lower percentile (0-100) of a ratio over all council-years" },
    [S2P_RATIO_PCT_HI] = { "ratio_percentile_hi", 99,
        "rule 3: the upper percentile (0-100) of a ratio over all council-years" },
    [S2P_RATIO_WIDEN] = { "ratio_widen", 2,
        "rule 3: the percentile range widened by this factor each way on the log scale: "
        "a ratio outside [p_lo / widen, p_hi * widen] flags its numerator" },
    [S2P_RATIO_MIN_DENOMINATOR] = { "ratio_min_denominator", 20,
        "rule 3: council-years whose denominator is below this are neither judged nor "
        "counted in the percentiles (a ratio of small counts is noise)" },
    [S2P_RATIO_MIN_YEARS] = { "ratio_min_years", 50,
        "rule 3: a ratio found in fewer council-years than this has no trustworthy range, "
        "and the rule is not applied to it" },
};

const sc_sen2_param *sc_sen2_params(int *count)
{
    if (count)
        *count = S2P_COUNT;
    return params;
}

double s2_param(int which)
{
    return params[which].value;
}

void s2_format_count(char *buf, size_t cap, double v)
{
    if (!(fabs(v) < 1e15) || v != floor(v)) {
        snprintf(buf, cap, "%.4g", v);
        return;
    }
    char digits[32];
    snprintf(digits, sizeof digits, "%.0f", fabs(v));
    size_t n = strlen(digits), at = 0;
    if (v < 0 && at + 1 < cap)
        buf[at++] = '-';
    for (size_t i = 0; i < n && at + 2 < cap; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            buf[at++] = ',';
        buf[at++] = digits[i];
    }
    buf[at] = '\0';
}

/* ---- rule 1: equal to the region's total, within one release ---- */

int s2_rule_region(s2_ctx *c, size_t first, size_t last)
{
    if (first == last)
        return SC_OK;
    int ymin = S2_YEAR_MAX, ymax = S2_YEAR_MIN, nslot = 0;
    for (size_t i = first; i < last; i++) {
        ymin = c->obs[i].year < ymin ? c->obs[i].year : ymin;
        ymax = c->obs[i].year > ymax ? c->obs[i].year : ymax;
    }
    int *slot = sc_malloc((size_t)c->nent * sizeof *slot);
    if (!slot)
        return s2_nomem(c);
    for (int i = 0; i < c->nent; i++)
        slot[i] = -1;
    for (size_t i = first; i < last; i++)
        if (c->ent[c->obs[i].ent].level == S2_REGION && slot[c->obs[i].ent] < 0)
            slot[c->obs[i].ent] = nslot++;
    size_t ny = (size_t)(ymax - ymin + 1), n = (size_t)nslot * ny * SC_SEN2_NROLES;
    double *total = sc_malloc((n ? n : 1) * sizeof *total);
    int *positive = sc_calloc(n ? n : 1, sizeof *positive);
    if (!total || !positive) {
        sc_free(slot);
        sc_free(total);
        sc_free(positive);
        return s2_nomem(c);
    }
#define AT(region, ob)                                                   \
    (((size_t)slot[region] * ny + (size_t)((ob)->year - ymin)) * SC_SEN2_NROLES \
     + (size_t)(ob)->role)
    for (size_t i = 0; i < n; i++)
        total[i] = NAN;
    for (size_t i = first; i < last; i++) {
        const s2_obs *ob = &c->obs[i];
        if (c->ent[ob->ent].level == S2_REGION)
            total[AT(ob->ent, ob)] = ob->val.v;
        else if (ob->region >= 0 && slot[ob->region] >= 0 && ob->val.v > 0)
            positive[AT(ob->region, ob)]++;
    }
    int rc = SC_OK;
    for (size_t i = first; !rc && i < last; i++) {
        s2_obs *ob = &c->obs[i];
        if (c->ent[ob->ent].level != S2_LA || ob->region < 0 || slot[ob->region] < 0
            || !(ob->val.v > 0) || ob->val.v != total[AT(ob->region, ob)]
            || positive[AT(ob->region, ob)] < s2_param(S2P_REGION_MIN_COUNCILS))
            continue;
        char num[32], why[S2_REASON_MAX];
        s2_format_count(num, sizeof num, ob->val.v);
        snprintf(why, sizeof why,
                 "%d %s %s equals the %s regional total (%d councils of the region report a "
                 "positive value)", ob->year, sc_sen2_role_name(ob->role), num,
                 c->ent[ob->region].name ? c->ent[ob->region].name : "",
                 positive[AT(ob->region, ob)]);
        ob->reason = sc_strdup(why);
        ob->rule = SC_SEN2_RULE_REGION;
        if (!ob->reason) {
            ob->rule = SC_SEN2_KEPT;
            rc = s2_nomem(c);
        }
    }
#undef AT
    sc_free(slot);
    sc_free(total);
    sc_free(positive);
    return rc;
}

/* ---- rules 2 and 3, on the merged councils ---- */

/* Writable views of one council's series. */
static double *vals(sc_sen2 *p, int k, int role)
{
    return p->values + p->la_off[k] + (size_t)role * (size_t)p->la[k].nyears;
}

static sc_sen2_cell *cells(sc_sen2 *p, int k, int role)
{
    return p->cells + p->la_off[k] + (size_t)role * (size_t)p->la[k].nyears;
}

static int usable(const double *v, const sc_sen2_cell *cl, int i)
{
    return !isnan(v[i]) && cl[i].rule == SC_SEN2_KEPT;
}

static int flag(sc_sen2_cell *cl, int rule, const char *why, sc_error *e)
{
    char *r = sc_strdup(why);
    if (!r)
        return SC_ERROR(e, SC_ENOMEM, "out of memory while checking the SEN2 panel");
    cl->rule = rule;
    cl->reason = r;
    return SC_OK;
}

/* The neighbours cell i is judged against: the nearest usable cell before
 * and after it, or at an end the two nearest on the one side. 0 if none. */
static int neighbours(const double *v, const sc_sen2_cell *cl, int n, int i, int *a, int *b)
{
    int prev = -1, next = -1;
    for (int j = i - 1; j >= 0 && prev < 0; j--)
        if (usable(v, cl, j))
            prev = j;
    for (int j = i + 1; j < n && next < 0; j++)
        if (usable(v, cl, j))
            next = j;
    if (prev >= 0 && next >= 0) {
        *a = prev;
        *b = next;
        return 1;
    }
    int from = prev >= 0 ? prev : next, step = prev >= 0 ? -1 : 1;
    if (from < 0)
        return 0;
    for (int j = from + step; j >= 0 && j < n; j += step)
        if (usable(v, cl, j)) {
            *a = j < from ? j : from;
            *b = j < from ? from : j;
            return 1;
        }
    return 0;
}

/* Rule 2 on one series: flag the worst break, then look again without it. */
static int rule_break(sc_sen2 *p, int k, int role, sc_error *e)
{
    const int stock = role == SC_SEN2_PLANS;
    const double lo = s2_param(stock ? S2P_BREAK_STOCK_LO : S2P_BREAK_FLOW_LO);
    const double hi = s2_param(stock ? S2P_BREAK_STOCK_HI : S2P_BREAK_FLOW_HI);
    const double least = s2_param(S2P_BREAK_MIN_NEIGHBOUR);
    const int n = p->la[k].nyears, y0 = p->la[k].first_year;
    double *v = vals(p, k, role);
    sc_sen2_cell *cl = cells(p, k, role);
    for (;;) {
        int worst = -1, wa = 0, wb = 0;
        double wdev = 0;
        for (int i = 0; i < n; i++) {
            int a, b;
            if (!usable(v, cl, i) || !neighbours(v, cl, n, i, &a, &b) || v[a] < least
                || v[b] < least)
                continue;
            double r = v[i] / sqrt(v[a] * v[b]);
            if (r >= lo && r <= hi)
                continue;
            double dev = v[i] == 0 ? INFINITY : fabs(log(r));
            if (worst < 0 || dev > wdev) {
                worst = i;
                wdev = dev;
                wa = a;
                wb = b;
            }
        }
        if (worst < 0)
            return SC_OK;
        char x[32], xa[32], xb[32], g[32], why[S2_REASON_MAX];
        s2_format_count(x, sizeof x, v[worst]);
        s2_format_count(xa, sizeof xa, v[wa]);
        s2_format_count(xb, sizeof xb, v[wb]);
        s2_format_count(g, sizeof g, round(sqrt(v[wa] * v[wb])));
        if (v[worst] == 0)
            snprintf(why, sizeof why,
                     "%d %s is 0 where its neighbours %d (%s) and %d (%s) are at least %g",
                     y0 + worst, sc_sen2_role_name(role), y0 + wa, xa, y0 + wb, xb, least);
        else
            snprintf(why, sizeof why,
                     "%d %s %s is %.4g times %s, the geometric mean of %d (%s) and %d (%s): "
                     "outside [%.4g, %.4g]", y0 + worst, sc_sen2_role_name(role), x,
                     v[worst] / sqrt(v[wa] * v[wb]), g, y0 + wa, xa, y0 + wb, xb, lo, hi);
        int rc = flag(&cl[worst], SC_SEN2_RULE_BREAK, why, e);
        if (rc)
            return rc;
    }
}

/* The ratios of rule 3: numerator, denominator, the denominator's year. */
static const struct {
    int num, den, lag;
    const char *label;
} ratios[SC_SEN2_NRATIOS] = {
    [SC_SEN2_ASSESSED_PER_REQUEST] = { SC_SEN2_ASSESSMENTS, SC_SEN2_REQUESTS, 0,
                                       "assessments/requests" },
    [SC_SEN2_PLANS_PER_ASSESSMENT] = { SC_SEN2_NEW_PLANS, SC_SEN2_ASSESSMENTS, 0,
                                       "new_plans/assessments" },
    [SC_SEN2_CEASED_PER_PLAN] = { SC_SEN2_CEASED, SC_SEN2_PLANS, 1,
                                  "ceased/plans at the January before" },
};

/* The ratio of council k in year index i, or NaN when it is not judged. */
static double ratio_at(sc_sen2 *p, int k, int which, int i)
{
    const int j = i - ratios[which].lag;
    if (j < 0)
        return NAN;
    const double *nv = vals(p, k, ratios[which].num), *dv = vals(p, k, ratios[which].den);
    const sc_sen2_cell *nc = cells(p, k, ratios[which].num), *dc = cells(p, k, ratios[which].den);
    if (!usable(nv, nc, i) || !usable(dv, dc, j) || dv[j] < s2_param(S2P_RATIO_MIN_DENOMINATOR))
        return NAN;
    return nv[i] / dv[j];
}

static int rule_ratio(sc_sen2 *p, int which, double *scratch, sc_error *e)
{
    size_t n = 0;
    for (int k = 0; k < p->nla; k++)
        for (int i = 0; i < p->la[k].nyears; i++) {
            double r = ratio_at(p, k, which, i);
            if (!isnan(r))
                scratch[n++] = r;
        }
    p->range_lo[which] = p->range_hi[which] = NAN;
    p->range_n[which] = 0;
    if (n < s2_param(S2P_RATIO_MIN_YEARS))
        return SC_OK;
    gsl_sort(scratch, 1, n);
    const double widen = s2_param(S2P_RATIO_WIDEN);
    const double plo = gsl_stats_quantile_from_sorted_data(scratch, 1, n,
                                                           s2_param(S2P_RATIO_PCT_LO) / 100);
    const double phi = gsl_stats_quantile_from_sorted_data(scratch, 1, n,
                                                           s2_param(S2P_RATIO_PCT_HI) / 100);
    const double lo = plo / widen, hi = phi * widen;
    p->range_lo[which] = lo;
    p->range_hi[which] = hi;
    p->range_n[which] = (int)n;
    char count[32];
    s2_format_count(count, sizeof count, (double)n);
    for (int k = 0; k < p->nla; k++)
        for (int i = 0; i < p->la[k].nyears; i++) {
            double r = ratio_at(p, k, which, i);
            if (isnan(r) || (r >= lo && r <= hi))
                continue;
            const int role = ratios[which].num;
            char x[32], why[S2_REASON_MAX];
            s2_format_count(x, sizeof x, vals(p, k, role)[i]);
            snprintf(why, sizeof why,
                     "%d %s %s gives %s %.4g, outside the national range [%.4g, %.4g] "
                     "(percentiles %g-%g of %s council-years, widened %gx)",
                     p->la[k].first_year + i, sc_sen2_role_name(role), x, ratios[which].label, r,
                     lo, hi, s2_param(S2P_RATIO_PCT_LO), s2_param(S2P_RATIO_PCT_HI), count,
                     widen);
            int rc = flag(&cells(p, k, role)[i], SC_SEN2_RULE_RATIO, why, e);
            if (rc)
                return rc;
        }
    return SC_OK;
}

static int list_lags(sc_sen2 *p, sc_error *e)
{
    int n = 0, cap = 0;
    for (int k = 0; k < p->nla; k++) {
        const double *rq = vals(p, k, SC_SEN2_REQUESTS), *as = vals(p, k, SC_SEN2_ASSESSMENTS);
        const sc_sen2_cell *rc = cells(p, k, SC_SEN2_REQUESTS);
        const sc_sen2_cell *ac = cells(p, k, SC_SEN2_ASSESSMENTS);
        for (int i = 0; i < p->la[k].nyears; i++) {
            if (!usable(rq, rc, i) || !usable(as, ac, i) || !(as[i] > rq[i]))
                continue;
            if (n == cap) {
                cap = cap ? 2 * cap : 64;
                sc_sen2_lag *l = sc_realloc(p->lags, (size_t)cap * sizeof *l);
                if (!l)
                    return SC_ERROR(e, SC_ENOMEM,
                                        "out of memory while checking the SEN2 panel");
                p->lags = l;
            }
            p->lags[n++] = (sc_sen2_lag){ k, p->la[k].first_year + i, rq[i], as[i] };
            p->nlags = n;
        }
    }
    return SC_OK;
}

int s2_rules_panel(sc_sen2 *p, sc_error *e)
{
    int rc = SC_OK;
    size_t most = 0;
    for (int k = 0; k < p->nla; k++) {
        most += (size_t)p->la[k].nyears;
        for (int role = 0; !rc && role < SC_SEN2_NROLES; role++)
            rc = rule_break(p, k, role, e);
    }
    double *scratch = rc ? NULL : sc_malloc((most ? most : 1) * sizeof *scratch);
    if (!rc && !scratch)
        rc = SC_ERROR(e, SC_ENOMEM, "out of memory while checking the SEN2 panel");
    for (int which = 0; !rc && which < SC_SEN2_NRATIOS; which++)
        rc = rule_ratio(p, which, scratch, e);
    sc_free(scratch);
    if (!rc)
        rc = list_lags(p, e);
    for (int k = 0; !rc && k < p->nla; k++)
        for (int role = 0; role < SC_SEN2_NROLES; role++)
            for (int i = 0; i < p->la[k].nyears; i++)
                p->nflag[cells(p, k, role)[i].rule]++;
    p->nflag[SC_SEN2_KEPT] = 0;
    return rc;
}
