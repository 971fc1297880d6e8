/*
 * run.c — `sendcast run`: read the scenario → lay out the cells → simulate →
 * summarise → write, then free in reverse (the architecture in one function).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <omp.h>

#include "sendcast/cli.h"
#include "sendcast/layout.h"
#include "sendcast/scenario.h"
#include "sendcast/simulate.h"
#include "sendcast/summary.h"
#include "sendcast/table.h"
#include "sendcast/write.h"

typedef struct run_options {
    const char *scenario;
    const char *output;
    long trajectories;      /* 0: the scenario's */
    uint64_t seed;
    int seed_given;
    int threads;            /* 0: all cores */
    int force, quiet;
} run_options;

int sc_cli_parse_long(const char *arg, const char *what, long min, long max, long *out,
                      sc_error *e)
{
    char *end;
    errno = 0;
    long v = strtol(arg, &end, 10);
    if (errno || end == arg || *end || v < min || v > max)
        return sc_error_set(e, SC_EINPUT, "%s: expected a whole number from %ld to %ld, got \"%s\"",
                            what, min, max, arg);
    *out = v;
    return SC_OK;
}

int sc_cli_parse_seed(const char *arg, uint64_t *out, sc_error *e)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(arg, &end, 10);
    if (errno || end == arg || *end || arg[0] == '-')
        return sc_error_set(e, SC_EINPUT,
                            "-s: expected a seed from 0 to 18446744073709551615, got \"%s\"", arg);
    *out = (uint64_t)v;
    return SC_OK;
}

static int parse_run_options(int argc, char **argv, run_options *o, sc_error *e)
{
    static const struct option longopts[] = {
        {"force", no_argument, NULL, 'f'}, {"quiet", no_argument, NULL, 'q'},
        {"output", required_argument, NULL, 'o'}, {"threads", required_argument, NULL, 't'},
        {"seed", required_argument, NULL, 's'}, {"trajectories", required_argument, NULL, 'n'},
        {NULL, 0, NULL, 0}};
    long v;
    int c, st;
    memset(o, 0, sizeof *o);
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":n:s:t:o:", longopts, NULL)) != -1) {
        switch (c) {
        case 'n':
            if ((st = sc_cli_parse_long(optarg, "-n", 1, 1000000000L, &v, e)))
                return st;
            o->trajectories = v;
            break;
        case 's':
            if ((st = sc_cli_parse_seed(optarg, &o->seed, e)))
                return st;
            o->seed_given = 1;
            break;
        case 't':
            if ((st = sc_cli_parse_long(optarg, "-t", 1, 4096, &v, e)))
                return st;
            o->threads = (int)v;
            break;
        case 'o': o->output = optarg; break;
        case 'f': o->force = 1; break;
        case 'q': o->quiet = 1; break;
        case ':':
            return sc_error_set(e, SC_EINPUT, "option %s needs a value", argv[optind - 1]);
        default:
            return sc_error_set(e, SC_EINPUT, "unknown option %s", argv[optind - 1]);
        }
    }
    if (optind != argc - 1)
        return sc_error_set(e, SC_EINPUT, "run: expected one scenario file%s",
                            optind < argc - 1 ? ", got several" : "");
    o->scenario = argv[optind];
    return SC_OK;
}

static void run_info_fill(sc_run_info *run, const sc_scenario *s, int threads, double seconds,
                          int argc, char **argv)
{
    memset(run, 0, sizeof *run);
    run->seed = s->seed;
    run->trajectories = s->trajectories;
    run->threads = threads;
    run->seconds = seconds;
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(run->created_utc, sizeof run->created_utc, "%Y-%m-%dT%H:%M:%SZ", &tm);
    sc_sha256_hex(s->files[0].text, s->files[0].len, run->scenario_sha256);
    size_t used = (size_t)snprintf(run->command_line, sizeof run->command_line, "sendcast");
    for (int i = 0; i < argc && used + 2 < sizeof run->command_line; i++) {
        int n = snprintf(run->command_line + used, sizeof run->command_line - used, " %s", argv[i]);
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

int sc_cli_run(int argc, char **argv, sc_error *e)
{
    run_options o;
    sc_scenario *s = NULL;
    sc_summary *sum = NULL;
    sc_layout layout;
    char outpath[4096];
    int st;

    if ((st = parse_run_options(argc, argv, &o, e)))
        return st;
    if ((st = sc_scenario_read(o.scenario, &s, e)))
        return st;
    if (o.trajectories)
        s->trajectories = o.trajectories;
    if (o.seed_given)
        s->seed = o.seed;
    if (o.output)
        snprintf(outpath, sizeof outpath, "%s", o.output);
    else
        snprintf(outpath, sizeof outpath, "results/%s.h5", s->name);
    int threads = o.threads ? o.threads : omp_get_num_procs();

    if ((st = sc_write_check_target(outpath, o.force, e)))
        goto done;
    sc_layout_init(&layout, s);
    if ((st = sc_summary_alloc(&layout, s->trajectories, s->npercentiles, s->percentiles, &sum, e)))
        goto done;

    char what[SC_ID_MAX + 16];
    snprintf(what, sizeof what, "simulating %s", s->name);
    sc_cli_progress progress;
    sc_cli_progress_init(&progress, what, o.quiet);
    sc_sim_options sim = {threads, sc_cli_progress_update, &progress};
    double t0 = omp_get_wtime();
    if ((st = sc_sim_run(s, &layout, s->seed, s->trajectories, &sim, sum, e)))
        goto done;
    if ((st = sc_summary_compute(sum, e)))
        goto done;
    double seconds = omp_get_wtime() - t0;

    sc_run_info run;
    run_info_fill(&run, s, threads, seconds, argc, argv);
    if ((st = sc_write_h5(outpath, o.force, s, &layout, sum, &run, e)))
        goto done;
    if (!o.quiet) {
        sc_table_print(stdout, s, &layout, sum);
        printf("\nWrote %s (%ld trajectories, seed %" PRIu64 ", %d threads, %.2f s).\n", outpath,
               s->trajectories, s->seed, threads, seconds);
    }
done:
    if (st != SC_OK)
        sc_error_push(e, "while running %s", o.scenario);
    sc_summary_free(sum);
    sc_scenario_free(s);
    return st;
}

