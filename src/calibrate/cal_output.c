/*
 * cal_output.c — the calibration's scores from its blocks, its readable
 * table, its HDF5 file and the provenance the priors file carries.
 *
 * The HDF5 layout (docs/validation.md):
 *   /                attrs file_kind "calibration", format_version, engine_version,
 *                    model_version "2", origins, max_horizon, trajectories, seed
 *   /axes/metric     [M] requests, new_plans, plans_total
 *   /axes/horizon    [H] 1..H
 *   /axes/origin     [O]
 *   /scores/{n, cover50, cover90, crps, mdape, mape, mdape_growth, mape_growth,
 *            mdape_line, mape_line}   [M][H]
 *   /scores/pit_histogram             [M][H][10]
 *   /cases/council   [N] council code of each forecast; /cases/origin [N]; /cases/status [N]
 *   /cases/values    [N][M x H][10] (metric-major): obs, q5, q25, q50, q75, q95, pit,
 *                    crps, naive growth, naive line (NaN where no case)
 *   /priors/<origin> and /priors/final: the priors file's numbers, as text
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cal_internal.h"
#include "sendcast/alloc.h"
#include "sendcast/h5.h"
#include "sendcast/text.h"
#include "sendcast/write.h"
#include "sendcast/stats.h"
#include "sendcast/version.h"

static const double *case_at(const double *block, int m, int h)
{
    return block + ((size_t)m * SC_CAL_MAX_H + (size_t)(h - 1)) * CASE_LEN;
}

static double median_of(double *x, long n)
{
    if (n <= 0)
        return NAN;
    sc_stats_sort(x, (size_t)n);
    return sc_stats_type7(x, (size_t)n, 0.5);
}

static double mean_of(const double *x, long n)
{
    double s = 0;
    for (long i = 0; i < n; i++)
        s += x[i];
    return n > 0 ? s / (double)n : NAN;
}

static double ape(double forecast, double obs)
{
    return fabs(forecast / obs - 1);
}

/* One cell's scores; buf has room for 3 x nwork doubles. */
static void score_cell(const cal_work *work, long nwork, const double *blocks, int m, int h,
                       double *buf, sc_calibrate_cell *out)
{
    double *own = buf, *grow = buf + nwork, *line = buf + 2 * nwork;
    long n = 0, nown = 0, nn = 0;
    double in50 = 0, in90 = 0, crps = 0;
    memset(out, 0, sizeof *out);
    for (long k = 0; k < nwork; k++) {
        const double *c = case_at(blocks + (size_t)k * CAL_BLOCK, m, h);
        if (work[k].status || isnan(c[CASE_OBS]) || isnan(c[CASE_PIT]))
            continue;
        double y = c[CASE_OBS];
        in50 += c[CASE_Q25] <= y && y <= c[CASE_Q75];
        in90 += c[CASE_Q5] <= y && y <= c[CASE_Q95];
        crps += c[CASE_CRPS];
        int bin = (int)(c[CASE_PIT] * SC_CAL_NBINS);
        out->pit_hist[bin < SC_CAL_NBINS ? bin : SC_CAL_NBINS - 1] += 1;
        if (y > 0) {
            own[nown++] = ape(c[CASE_Q50], y);
            if (!isnan(c[CASE_NAIVE_GROWTH]) && !isnan(c[CASE_NAIVE_LINE])) {
                grow[nn] = ape(c[CASE_NAIVE_GROWTH], y);
                line[nn] = ape(c[CASE_NAIVE_LINE], y);
                nn++;
            }
        }
        n++;
    }
    out->n = n;
    out->n_naive = nn;
    if (!n)
        return;
    out->cover50 = in50 / (double)n;
    out->cover90 = in90 / (double)n;
    out->crps = crps / (double)n;
    for (int b = 0; b < SC_CAL_NBINS; b++)
        out->pit_hist[b] /= (double)n;
    out->mape = mean_of(own, nown);
    out->mape_growth = mean_of(grow, nn);
    out->mape_line = mean_of(line, nn);
    out->mdape = median_of(own, nown);
    out->mdape_growth = median_of(grow, nn);
    out->mdape_line = median_of(line, nn);
}

void cal_scores(const cal_work *work, long nwork, const double *blocks, int max_h,
                sc_calibrate_cell cell[SC_CAL_NMETRICS][SC_CAL_MAX_H])
{
    double *buf = sc_calloc(3 * (size_t)(nwork > 0 ? nwork : 1), sizeof *buf);
    for (int m = 0; m < SC_CAL_NMETRICS; m++)
        for (int h = 1; h <= SC_CAL_MAX_H; h++) {
            if (h > max_h || !buf)
                memset(&cell[m][h - 1], 0, sizeof cell[m][h - 1]);
            else
                score_cell(work, nwork, blocks, m, h, buf, &cell[m][h - 1]);
        }
    sc_free(buf);
}

void cal_provenance_files(const sc_calibrate_options *o, char *buf, size_t cap)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < o->nsen2; i++) {
        char sha[65] = "";
        char *text;
        size_t len;
        if (sc_file_read(o->sen2[i], (size_t)1 << 30, &text, &len) == 0) {
            sc_sha256_hex(text, len, sha);
            sc_free(text);
        }
        int k = snprintf(buf + used, cap - used, "%s%s (sha256 %s)", i ? "; " : "", o->sen2[i],
                         sha[0] ? sha : "unreadable");
        if (k < 0 || (size_t)k >= cap - used)
            break;
        used += (size_t)k;
    }
}

void sc_calibrate_provenance(const sc_calibrate *c, char *buf, size_t cap)
{
    snprintf(buf, cap, "written by sendcast %s `calibrate`: fitted on every council's SEN2 "
             "history %d-%d\nfrom %s\n%d councils; suspect cells left out (docs/sen2.md); "
             "Open Government Licence v3.0 data (DfE)", SC_VERSION, c->final->first_year,
             c->final->origin, c->files, c->final->ncouncils);
}

/* ---- the table ---------------------------------------------------------- */

static void flag(FILE *out, int ok)
{
    fputs(ok ? "  " : " *", out);
}

void sc_calibrate_print(FILE *out, const sc_calibrate *c)
{
    fprintf(out, "Rolling-origin back-test of model 2: origins %d-%d, horizons 1-%d, %ld "
            "trajectories a forecast\n", c->o.first_origin, c->o.last_origin, c->o.max_horizon,
            c->o.trajectories);
    fprintf(out, "%ld forecasts of %d councils (%ld could not be made); priors fitted per "
            "origin on years up to it only\n\n", c->nwork - c->refused, c->ncouncils, c->refused);
    fprintf(out, "%-12s %2s %5s %6s %6s %8s %6s %9s %6s %6s %6s   PIT histogram (%% per tenth)\n",
            "metric", "h", "n", "50%", "90%", "CRPS", "PITmax", "MdAPE", "growth", "line",
            "MAPE");
    for (int m = 0; m < SC_CAL_NMETRICS; m++)
        for (int h = 1; h <= c->o.max_horizon; h++) {
            const sc_calibrate_cell *x = &c->cell[m][h - 1];
            double pmax = 0;
            for (int b = 0; b < SC_CAL_NBINS; b++)
                pmax = fmax(pmax, x->pit_hist[b]);
            double better = fmin(x->mdape_growth, x->mdape_line);
            fprintf(out, "%-12s %2d %5ld %5.1f%%", sc_calibrate_metric_names[m], h, x->n,
                    100 * x->cover50);
            flag(out, x->cover50 >= 0.40 && x->cover50 <= 0.60);
            fprintf(out, "%4.1f%%", 100 * x->cover90);
            flag(out, x->cover90 >= 0.85 && x->cover90 <= 0.95);
            fprintf(out, "%6.1f %5.1f%%", x->crps, 100 * pmax);
            flag(out, pmax <= 0.15);
            fprintf(out, "%5.1f%%", 100 * x->mdape);
            flag(out, x->mdape <= better);
            fprintf(out, "%5.1f%% %5.1f%% %5.1f%%  ", 100 * x->mdape_growth, 100 * x->mdape_line,
                    100 * x->mape);
            for (int b = 0; b < SC_CAL_NBINS; b++)
                fprintf(out, " %2.0f", 100 * x->pit_hist[b]);
            fputc('\n', out);
        }
    fputs("\n50%, 90%: shares of outturns inside the central bands (honest: about 50% and 90%; "
          "* outside 40-60% / 85-95%).\nPIT: where each outturn fell in its forecast "
          "distribution; flat is honest (* a tenth above 15%).\nMdAPE: median absolute % error "
          "of the forecast median; growth, line: the naive rules' (* when ours is worse than "
          "the better rule); MAPE: the mean.\n", out);
}

/* ---- the HDF5 file ------------------------------------------------------ */

static int write_scores(sc_h5w *w, const sc_calibrate *c, sc_error *e)
{
    int M = SC_CAL_NMETRICS, H = c->o.max_horizon;
    hsize_t d2[2] = { (hsize_t)M, (hsize_t)H }, d3[3] = { (hsize_t)M, (hsize_t)H, SC_CAL_NBINS };
    static const char *const names[] = { "n", "cover50", "cover90", "crps", "mdape", "mape",
                                         "mdape_growth", "mape_growth", "mdape_line",
                                         "mape_line" };
    double v[10][SC_CAL_NMETRICS * SC_CAL_MAX_H], pit[SC_CAL_NMETRICS * SC_CAL_MAX_H * SC_CAL_NBINS];
    for (int m = 0; m < M; m++)
        for (int h = 0; h < H; h++) {
            const sc_calibrate_cell *x = &c->cell[m][h];
            double row[10] = { (double)x->n, x->cover50, x->cover90, x->crps, x->mdape, x->mape,
                               x->mdape_growth, x->mape_growth, x->mdape_line, x->mape_line };
            for (int k = 0; k < 10; k++)
                v[k][m * H + h] = row[k];
            for (int b = 0; b < SC_CAL_NBINS; b++)
                pit[(m * H + h) * SC_CAL_NBINS + b] = x->pit_hist[b];
        }
    int rc = SC_OK;
    for (int k = 0; !rc && k < 10; k++) {
        char path[64];
        snprintf(path, sizeof path, "/scores/%s", names[k]);
        rc = sc_h5_doubles(w, path, 2, d2, v[k], e);
    }
    if (!rc) rc = sc_h5_doubles(w, "/scores/pit_histogram", 3, d3, pit, e);
    return rc;
}

static int write_cases(sc_h5w *w, const sc_calibrate *c, sc_error *e)
{
    size_t n = (size_t)c->nwork;
    const char **code = sc_calloc(n ? n : 1, sizeof *code);
    int32_t *origin = sc_calloc(n ? n : 1, sizeof *origin), *status = sc_calloc(n ? n : 1, sizeof *status);
    double *values = sc_calloc((n ? n : 1) * SC_CAL_NMETRICS * (size_t)c->o.max_horizon * CASE_LEN,
                               sizeof *values);
    int rc = code && origin && status && values ? SC_OK
                                                 : SC_ERROR(e, SC_ENOMEM, "out of memory writing cases");
    for (size_t k = 0; !rc && k < n; k++) {
        code[k] = c->codes[c->work[k].council];
        origin[k] = c->work[k].origin;
        status[k] = c->work[k].status;
        for (int m = 0; m < SC_CAL_NMETRICS; m++)
            for (int h = 1; h <= c->o.max_horizon; h++)
                memcpy(values + ((k * SC_CAL_NMETRICS + (size_t)m) * (size_t)c->o.max_horizon
                                 + (size_t)(h - 1)) * CASE_LEN,
                       case_at(c->blocks + k * CAL_BLOCK, m, h), CASE_LEN * sizeof(double));
    }
    hsize_t d1[1] = { n }, d3[3] = { n, SC_CAL_NMETRICS * (hsize_t)c->o.max_horizon, CASE_LEN };
    if (!rc) rc = sc_h5_strings(w, "/cases/council", n, code, e);
    if (!rc) rc = sc_h5_int32s(w, "/cases/origin", 1, d1, origin, e);
    if (!rc) rc = sc_h5_int32s(w, "/cases/status", 1, d1, status, e);
    if (!rc) rc = sc_h5_doubles(w, "/cases/values", 3, d3, values, e);
    if (!rc) rc = sc_h5_attr_string(w, "/cases/values", "fields", "[case][metric x horizon, "
                                    "metric-major][obs, q5, q25, q50, q75, q95, pit, crps, "
                                    "naive_growth, naive_line]", e);
    sc_free(code);
    sc_free(origin);
    sc_free(status);
    sc_free(values);
    return rc;
}

static int write_priors_text(sc_h5w *w, const char *path, const sc_priors *p, sc_error *e)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return SC_ERROR(e, SC_ENOMEM, "out of memory writing %s", path);
    int rc = sc_priors_write(p, f, NULL, e);
    fclose(f);
    if (!rc)
        rc = sc_h5_text(w, path, text, len, e);
    free(text);   /* open_memstream's buffer is malloc'd by libc */
    return rc;
}

static int fill(sc_h5w *w, const void *ctx, sc_error *e)
{
    const sc_calibrate *c = ctx;
    int M = SC_CAL_NMETRICS, H = c->o.max_horizon;
    int32_t hs[SC_CAL_MAX_H], origins[64];
    for (int h = 0; h < H; h++)
        hs[h] = h + 1;
    for (int j = 0; j < c->norigins && j < 64; j++)
        origins[j] = c->o.first_origin + j;
    hsize_t dm[1] = { (hsize_t)M }, dh[1] = { (hsize_t)H }, dor[1] = { (hsize_t)c->norigins };
    int rc = sc_h5_write_kind(w, SC_FILE_CALIBRATION, e);   /* file_kind, format_version */
    if (!rc) rc = sc_h5_attr_string(w, "/", "engine_version", SC_VERSION, e);
    if (!rc) rc = sc_h5_attr_string(w, "/", "model_version", "2", e);
    if (!rc) rc = sc_h5_attr_int(w, "/", "max_horizon", H, e);
    if (!rc) rc = sc_h5_attr_int64(w, "/", "trajectories", c->o.trajectories, e);
    if (!rc) rc = sc_h5_attr_uint64(w, "/", "seed", c->o.seed, e);
    if (!rc) rc = sc_h5_attr_string(w, "/", "sen2_files", c->files, e);
    if (!rc) rc = sc_h5_strings(w, "/axes/metric", (size_t)M, sc_calibrate_metric_names, e);
    if (!rc) rc = sc_h5_int32s(w, "/axes/horizon", 1, dh, hs, e);
    if (!rc) rc = sc_h5_int32s(w, "/axes/origin", 1, dor, origins, e);
    (void)dm;
    if (!rc) rc = write_scores(w, c, e);
    if (!rc) rc = write_cases(w, c, e);
    for (int j = 0; !rc && j < c->norigins; j++) {
        char path[64];
        snprintf(path, sizeof path, "/priors/%d", c->o.first_origin + j);
        rc = write_priors_text(w, path, c->priors[j], e);
    }
    if (!rc) rc = write_priors_text(w, "/priors/final", c->final, e);
    return rc;
}

int sc_calibrate_write_h5(const char *path, int force, const sc_calibrate *c, sc_error *e)
{
    return sc_h5_write_file(path, force, fill, c, e);
}
