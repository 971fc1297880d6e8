/*
 * series.c — the SEN2 panel as the calibration reads it: every council's
 * requests, assessments, new plans and plans in place, suspect cells left
 * out; and the two naive rules its forecasts are measured against.
 */
#include "sendcast/calibrate.h"

#include <math.h>
#include <string.h>

#include "sendcast/alloc.h"

const char *const sc_calibrate_metric_names[SC_CAL_NMETRICS] = {
    "requests", "new_plans", "plans_total",
};

enum { S_REQUESTS, S_ASSESSMENTS, S_NEW_PLANS, S_PLANS, S_N };
static const int role_of[S_N] = { SC_SEN2_REQUESTS, SC_SEN2_ASSESSMENTS, SC_SEN2_NEW_PLANS,
                                  SC_SEN2_PLANS };

int sc_calibrate_series_make(const sc_sen2 *panel, sc_calibrate_series *out, sc_error *e)
{
    memset(out, 0, sizeof *out);
    int n = sc_sen2_la_count(panel);
    size_t values = 0;
    for (int k = 0; k < n; k++)
        values += (size_t)sc_sen2_la_at(panel, k)->nyears * S_N;
    out->series = sc_calloc(n ? (size_t)n : 1, sizeof *out->series);
    out->la = sc_calloc(n ? (size_t)n : 1, sizeof *out->la);
    out->store = sc_calloc(values ? values : 1, sizeof *out->store);
    if (!out->series || !out->la || !out->store) {
        sc_calibrate_series_free(out);
        return SC_ERROR(e, SC_ENOMEM, "out of memory laying out the SEN2 panel");
    }
    double *next = out->store;
    for (int k = 0; k < n; k++) {
        const sc_sen2_la *la = sc_sen2_la_at(panel, k);
        double *col[S_N];
        for (int j = 0; j < S_N; j++) {
            col[j] = next;
            next += la->nyears;
            for (int i = 0; i < la->nyears; i++) {
                const sc_sen2_cell *c = &la->cell[role_of[j]][i];
                col[j][i] = c->rule == SC_SEN2_KEPT ? la->value[role_of[j]][i] : NAN;
            }
        }
        out->la[k] = la;
        out->series[k] = (sc_panel_series){ la->old_code[0] ? la->old_code : la->new_codes[0],
                                            la->first_year, la->nyears, col[S_REQUESTS],
                                            col[S_ASSESSMENTS], col[S_NEW_PLANS], col[S_PLANS],
                                            NAN };
    }
    out->n = n;
    return SC_OK;
}

void sc_calibrate_series_free(sc_calibrate_series *s)
{
    sc_free(s->series);
    sc_free(s->la);
    sc_free(s->store);
    memset(s, 0, sizeof *s);
}

double sc_calibrate_naive_growth(const double *x, int t, int h)
{
    int last = t;
    while (last >= 0 && isnan(x[last]))
        last--;
    int prev = last - 3;
    while (prev >= 0 && isnan(x[prev]))
        prev--;
    if (last < 0 || prev < 0 || !(x[last] > 0) || !(x[prev] > 0))
        return NAN;
    double g = pow(x[last] / x[prev], 1.0 / (last - prev));
    return x[last] * pow(g, t + h - last);
}

double sc_calibrate_naive_line(const double *x, int t, int h)
{
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    int n = 0;
    for (int i = t - 4 < 0 ? 0 : t - 4; i <= t; i++)
        if (!isnan(x[i])) {
            sx += i;
            sy += x[i];
            sxx += (double)i * i;
            sxy += i * x[i];
            n++;
        }
    if (n < 2)
        return NAN;
    double den = n * sxx - sx * sx;
    double b = (n * sxy - sx * sy) / den, a = (sy - b * sx) / n;
    double f = a + b * (t + h);
    return f > 0 ? f : 0;
}
