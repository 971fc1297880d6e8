/*
 * calibrate.c — sc_calibrate_run(): national priors by origin, the
 * rolling-origin back-test of every eligible council on them, and the scores
 * by metric and horizon (calibrate.h).
 *
 * Work is a list of (council, origin) forecasts. Each fills a fixed block of
 * doubles (its cases: metric x horizon x CASE_LEN), so that the blocks can be
 * made on any thread of any rank and brought together as plain rows
 * (ranks.h); the scores are computed from the blocks afterwards, in one
 * order, so they never depend on threads or ranks.
 */
#include "sendcast/calibrate.h"

#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sendcast/alloc.h"
#include "sendcast/ranks.h"
#include "sendcast/stats.h"
#include "cal_internal.h"

#define DEFAULT_FIRST_ORIGIN 2018
#define DEFAULT_HORIZON 4
#define DEFAULT_TRAJECTORIES 4000



static void options_defaults(sc_calibrate_options *o, int last_year)
{
    if (!o->first_origin)
        o->first_origin = DEFAULT_FIRST_ORIGIN;
    if (!o->last_origin)
        o->last_origin = last_year - 1;
    if (!o->max_horizon)
        o->max_horizon = DEFAULT_HORIZON;
    if (!o->trajectories)
        o->trajectories = DEFAULT_TRAJECTORIES;
}

/* The first and last activity years with requests anywhere in the panel. */
static void request_years(const sc_calibrate_series *cs, int *first, int *last)
{
    *first = 9999;
    *last = 0;
    for (int k = 0; k < cs->n; k++) {
        const sc_panel_series *s = &cs->series[k];
        for (int i = 0; i < s->nyears; i++)
            if (s->requests[i] > 0) {
                int y = s->first_year + i;
                *first = y < *first ? y : *first;
                *last = y > *last ? y : *last;
            }
    }
}

static int check_options(const sc_calibrate_options *o, int first, int last, sc_error *e)
{
    if (o->max_horizon < 1 || o->max_horizon > SC_CAL_MAX_H)
        return SC_ERROR(e, SC_EINPUT, "calibrate: --horizon %d: expected 1 to %d", o->max_horizon,
                        SC_CAL_MAX_H);
    if (o->first_origin < first + 2 || o->last_origin >= last || o->first_origin > o->last_origin)
        return SC_ERROR(e, SC_EINPUT, "calibrate: origins %d-%d: expected years from %d (three "
                        "years of requests) to %d (the last year but one of the files, %d-%d), "
                        "first <= last", o->first_origin, o->last_origin, first + 2, last - 1,
                        first, last);
    return SC_OK;
}

/* Priors for every origin, and on every year: independent fits, on threads. */
static int fit_all_priors(sc_calibrate *c, const sc_calibrate_series *cs, sc_error *e)
{
    c->priors = sc_calloc((size_t)c->norigins, sizeof *c->priors);
    if (!c->priors)
        return SC_ERROR(e, SC_ENOMEM, "out of memory for the priors");
    int n = c->norigins + 1, failed = 0;
    sc_error *errs = sc_calloc((size_t)n, sizeof *errs);
    if (!errs)
        return SC_ERROR(e, SC_ENOMEM, "out of memory for the priors");
#pragma omp parallel for schedule(dynamic) num_threads(c->o.threads > 0 ? c->o.threads : omp_get_max_threads())
    for (int j = 0; j < n; j++) {
        int origin = j < c->norigins ? c->o.first_origin + j : c->last_year;
        sc_priors **slot = j < c->norigins ? &c->priors[j] : &c->final;
        if (sc_priors_fit(cs->series, cs->n, origin, slot, &errs[j])) {
#pragma omp atomic write
            failed = j + 1;
        }
    }
    int rc = SC_OK;
    if (failed) {
        *e = errs[failed - 1];
        rc = SC_CONTEXT(e, "while fitting the national priors");
    }
    sc_free(errs);
    return rc;
}

int sc_calibrate_run(const sc_calibrate_options *opt, sc_calibrate **out, sc_error *e)
{
    *out = NULL;
    double t0 = omp_get_wtime();
    sc_calibrate *c = sc_calloc(1, sizeof *c);
    if (!c)
        return SC_ERROR(e, SC_ENOMEM, "out of memory for the calibration");
    c->o = *opt;
    sc_sen2 *panel = NULL;
    sc_calibrate_series cs = { 0 };
    int rc = sc_sen2_read(opt->sen2, opt->nsen2, &panel, e);
    if (!rc)
        rc = sc_calibrate_series_make(panel, &cs, e);
    if (!rc) {
        request_years(&cs, &c->first_year, &c->last_year);
        options_defaults(&c->o, c->last_year);
        rc = check_options(&c->o, c->first_year, c->last_year, e);
    }
    if (!rc) {
        c->norigins = c->o.last_origin - c->o.first_origin + 1;
        c->ncouncils = cs.n;
        c->codes = sc_calloc(cs.n ? (size_t)cs.n : 1, sizeof *c->codes);
        rc = c->codes ? fit_all_priors(c, &cs, e)
                      : SC_ERROR(e, SC_ENOMEM, "out of memory for the calibration");
        for (int k = 0; !rc && k < cs.n; k++)
            snprintf(c->codes[k], sizeof c->codes[k], "%s", cs.series[k].id);
    }
    if (!rc)
        rc = cal_forecasts(c->o.first_origin, c->norigins, c->priors, panel, &cs, &c->o,
                           &c->work, &c->nwork, &c->blocks, &c->refused, e);
    if (!rc)
        cal_scores(c->work, c->nwork, c->blocks, c->o.max_horizon, c->cell);
    if (!rc)
        cal_provenance_files(opt, c->files, sizeof c->files);
    sc_calibrate_series_free(&cs);
    sc_sen2_free(panel);
    c->seconds = omp_get_wtime() - t0;
    if (rc) {
        sc_calibrate_free(c);
        return rc;
    }
    *out = c;
    return SC_OK;
}

void sc_calibrate_free(sc_calibrate *c)
{
    if (!c)
        return;
    for (int j = 0; c->priors && j < c->norigins; j++)
        sc_priors_free(c->priors[j]);
    sc_free(c->priors);
    sc_priors_free(c->final);
    sc_free(c->work);
    sc_free(c->blocks);
    sc_free(c->codes);
    sc_free(c);
}

const sc_calibrate_cell *sc_calibrate_score(const sc_calibrate *c, int metric, int h)
{
    if (metric < 0 || metric >= SC_CAL_NMETRICS || h < 1 || h > c->o.max_horizon)
        return NULL;
    return &c->cell[metric][h - 1];
}

const sc_priors *sc_calibrate_final_priors(const sc_calibrate *c)
{
    return c->final;
}
