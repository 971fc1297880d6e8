/*
 * cmd_calibrate.c — `sendcast calibrate`: the national priors and the
 * rolling-origin back-test of every council (calibrate.h), as one command:
 * options, the calibration, then its table, its HDF5 file and (with
 * --priors) the priors file for model 2 scenarios.
 */
#include <omp.h>
#include <stdio.h>
#include <string.h>

#include "sendcast/calibrate.h"
#include "sendcast/cli.h"
#include "sendcast/outfile.h"
#include "sendcast/ranks.h"
#include "sendcast/write.h"

#define MAX_RELEASES 16

static const char *const shipped[] = {
    "scenarios/data/sen2/education-health-and-care-plans_2022.zip",
    "scenarios/data/sen2/education-health-and-care-plans_2025_to-2023.zip",
};

typedef struct cal_cli {
    const char *release[MAX_RELEASES];
    int nreleases;
    sc_cli_common common;       /* -n -s -t -o --force --quiet */
    long first, last, horizon;
    const char *priors;         /* --priors FILE: write the final priors there */
} cal_cli;

/* --origins A-B, or one year A. */
static int parse_origins(const char *arg, long *first, long *last, sc_error *e)
{
    char tail;
    if (sscanf(arg, "%ld-%ld%c", first, last, &tail) == 2)
        return SC_OK;
    if (sscanf(arg, "%ld%c", first, &tail) == 1) {
        *last = *first;
        return SC_OK;
    }
    return SC_ERROR(e, SC_EINPUT, "--origins %s: expected YEAR or FIRST-LAST (e.g. 2018-2022)",
                    arg);
}

static int take_option(int c, const char *arg, void *ctx, sc_error *e)
{
    cal_cli *o = ctx;
    int taken, st = sc_cli_common_option(c, arg, &o->common, &taken, e);
    if (taken)
        return st;
    switch (c) {
    case 'S':
        if (o->nreleases == MAX_RELEASES)
            return SC_ERROR(e, SC_EINPUT, "--sen2: at most %d releases", MAX_RELEASES);
        o->release[o->nreleases++] = arg;
        return SC_OK;
    case 'O': return parse_origins(arg, &o->first, &o->last, e);
    case 'H': return sc_cli_parse_long(arg, "--horizon", 1, SC_CAL_MAX_H, &o->horizon, e);
    case 'P': o->priors = arg; return SC_OK;
    default: return SC_NEVER(e);
    }
}

static int parse_options(int argc, char **argv, cal_cli *o, sc_error *e)
{
    static const struct option longs[] = {
        SC_CLI_COMMON_LONGS,
        {"sen2", required_argument, NULL, 'S'}, {"origins", required_argument, NULL, 'O'},
        {"horizon", required_argument, NULL, 'H'}, {"priors", required_argument, NULL, 'P'},
        {NULL, 0, NULL, 0}};
    memset(o, 0, sizeof *o);
    int first, st = sc_cli_getopt(argc, argv, SC_CLI_COMMON_SHORTS, longs, take_option, o,
                                  &first, e);
    if (st)
        return st;
    if (first < argc)
        return SC_ERROR(e, SC_EINPUT, "calibrate: unexpected \"%s\": the releases are given "
                        "with --sen2 RELEASE", argv[first]);
    if (o->common.trajectories && o->common.trajectories < 100)
        return SC_ERROR(e, SC_EINPUT, "calibrate: -n %ld: expected at least 100 trajectories a "
                        "forecast (bands and PIT need them)", o->common.trajectories);
    if (!o->nreleases) {
        o->release[0] = shipped[0];
        o->release[1] = shipped[1];
        o->nreleases = 2;
    }
    return SC_OK;
}

/* The priors file, whole or not at all. */
static int write_priors(const cal_cli *o, const sc_calibrate *c, sc_error *e)
{
    char provenance[2048];
    sc_calibrate_provenance(c, provenance, sizeof provenance);
    sc_outfile out;
    int st = sc_outfile_begin(&out, o->priors, 1, e);
    if (st)
        return st;
    st = sc_priors_write(sc_calibrate_final_priors(c), out.f, provenance, e);
    if (!st)
        st = sc_outfile_commit(&out, o->common.force, e);
    else
        sc_outfile_abort(&out);
    return st;
}

int sc_cli_calibrate(int argc, char **argv, sc_error *e)
{
    cal_cli o;
    int st = parse_options(argc, argv, &o, e);
    if (st)
        return st;
    const char *output = o.common.output ? o.common.output : "results/calibrate.h5";
    const int root = sc_ranks_rank() == 0;
    /* the SEN2 releases are never written over */
    const char *outs[2] = { output, o.priors };
    if (root)
        st = sc_write_check_target(output, o.common.force, NULL, e);
    if (!st && root)
        st = sc_outfile_check(output, o.common.force, o.release, o.nreleases, e);
    if (!st && root && o.priors)
        st = sc_outfile_check(o.priors, o.common.force, o.release, o.nreleases, e);
    if (!st && root)
        st = sc_outfile_check_distinct(outs, 2, e);
    st = sc_ranks_agree(st, e);
    sc_calibrate_options co = { .sen2 = o.release, .nsen2 = o.nreleases,
                                .first_origin = (int)o.first, .last_origin = (int)o.last,
                                .max_horizon = (int)o.horizon,
                                .trajectories = o.common.trajectories,
                                .seed = o.common.seed_given ? o.common.seed : 20240709u,
                                .threads = o.common.threads, .distribute = sc_ranks_size() > 1,
                                .quiet = o.common.quiet || !root };
    sc_calibrate *c = NULL;
    if (!st)
        st = sc_calibrate_run(&co, &c, e);
    if (!st && root) {
        if (!o.common.quiet)
            sc_calibrate_print(stdout, c);
        st = sc_calibrate_write_h5(output, o.common.force, c, e);
        if (!st && o.priors)
            st = write_priors(&o, c, e);
        if (!st && !o.common.quiet)
            printf("\nWrote %s%s%s.\n", output, o.priors ? " and the national priors " : "",
                   o.priors ? o.priors : "");
    }
    sc_calibrate_free(c);
    return st;
}
