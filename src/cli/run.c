/*
 * run.c — `sendcast run`: read the scenario → lay out the cells → simulate →
 * summarise → write, then free in reverse (the architecture in one function).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <omp.h>

#include "sendcast/alloc.h"
#include "sendcast/cli.h"
#include "sendcast/fit.h"
#include "sendcast/layout.h"
#include "sendcast/outfile.h"
#include "sendcast/ranks.h"
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
    long trajectory;        /* --trajectory I: replay I alone (-1: a full run) */
    long memory_mb;         /* --memory MB: keep every record only below this */
    double rank_error;      /* --rank-error E (0: --exact-percentiles): bounded summaries */
    const char *trace;      /* --trace FILE.csv */
} run_options;

int sc_cli_parse_long(const char *arg, const char *what, long min, long max, long *out,
                      sc_error *e)
{
    char *end;
    errno = 0;
    long v = strtol(arg, &end, 10);
    if (errno || end == arg || *end || v < min || v > max)
        return SC_ERROR(e, SC_EINPUT, "%s: expected a whole number from %ld to %ld, got \"%s\"",
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
        return SC_ERROR(e, SC_EINPUT,
                        "-s: expected a seed from 0 to 18446744073709551615, got \"%s\"", arg);
    *out = (uint64_t)v;
    return SC_OK;
}

int sc_cli_read_scenario(const char *path, long trajectories, int seed_given, uint64_t seed,
                         sc_scenario **out, sc_error *e)
{
    int st = sc_scenario_read(path, out, e);
    if (st == SC_OK && trajectories > 0)
        (*out)->trajectories = trajectories;
    if (st == SC_OK && seed_given)
        (*out)->seed = seed;
    return st;
}

/* --rank-error: a share of the trajectories, 0 (exact) to 0.01. */
static int parse_rank_error(const char *arg, double *out, sc_error *e)
{
    char *end;
    errno = 0;
    double v = strtod(arg, &end);
    if (errno || end == arg || *end || !(v >= 0 && v <= 0.01))
        return SC_ERROR(e, SC_EINPUT, "--rank-error: expected a number from 0 (exact) to 0.01, "
                        "got \"%s\"", arg);
    *out = v;
    return SC_OK;
}

static int parse_run_options(int argc, char **argv, run_options *o, sc_error *e)
{
    static const struct option longopts[] = {
        {"force", no_argument, NULL, 'f'}, {"quiet", no_argument, NULL, 'q'},
        {"output", required_argument, NULL, 'o'}, {"threads", required_argument, NULL, 't'},
        {"seed", required_argument, NULL, 's'}, {"trajectories", required_argument, NULL, 'n'},
        {"trajectory", required_argument, NULL, 'I'}, {"trace", required_argument, NULL, 'T'},
        {"memory", required_argument, NULL, 'M'},
        {"exact-percentiles", no_argument, NULL, 'X'},
        {"rank-error", required_argument, NULL, 'R'},
        {NULL, 0, NULL, 0}};
    long v;
    int c, st;
    memset(o, 0, sizeof *o);
    o->trajectory = -1;
    o->memory_mb = 2048;
    o->rank_error = SC_SUMMARY_RANK_ERROR;
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
        case 'I':
            if ((st = sc_cli_parse_long(optarg, "--trajectory", 0, LONG_MAX, &v, e)))
                return st;
            o->trajectory = v;
            break;
        case 'T': o->trace = optarg; break;
        case 'M':
            if ((st = sc_cli_parse_long(optarg, "--memory", 1, 1L << 40, &v, e)))
                return st;
            o->memory_mb = v;
            break;
        case 'X': o->rank_error = 0; break;
        case 'R':
            if ((st = parse_rank_error(optarg, &o->rank_error, e)))
                return st;
            break;
        case 'f': o->force = 1; break;
        case 'q': o->quiet = 1; break;
        case ':':
            return SC_ERROR(e, SC_EINPUT, "option %s needs a value", argv[optind - 1]);
        default:
            return SC_ERROR(e, SC_EINPUT, "unknown option %s", argv[optind - 1]);
        }
    }
    if (optind != argc - 1)
        return SC_ERROR(e, SC_EINPUT, "run: expected one scenario file%s",
                        optind < argc - 1 ? ", got several" : "");
    o->scenario = argv[optind];
    if ((o->trajectory >= 0) != (o->trace != NULL))
        return SC_ERROR(e, SC_EINPUT, "--trajectory I and --trace FILE.csv go together");
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

/* --trajectory I --trace FILE: re-run trajectory I alone and write its every
 * draw and state (sc_sim_trace), whole or not at all (outfile.h). */
static int replay(const sc_scenario *s, const run_options *o, sc_error *e)
{
    sc_layout layout;
    sc_layout_init(&layout, s);
    int st = sc_write_check_target(o->trace, o->force, e);
    if (st)
        return st;
    double *cells = sc_calloc(layout.ncells, sizeof *cells);
    if (!cells)
        return SC_ERROR(e, SC_ENOMEM, "out of memory for a trajectory");
    sc_outfile out;
    st = sc_outfile_begin(&out, o->trace, 1, e);
    if (st == SC_OK) {
        st = sc_sim_trace(s, &layout, s->seed, o->trajectory, out.f, cells, e);
        if (st == SC_OK)
            st = sc_outfile_commit(&out, o->force, e);
        else
            sc_outfile_abort(&out);
    }
    if (st == SC_OK && !o->quiet)
        printf("Wrote %s: trajectory %ld of %s (seed %" PRIu64 "), every draw and state.\n",
               o->trace, o->trajectory, s->name, s->seed);
    sc_free(cells);
    return st;
}

/* Keep every record, or summarise in bounded memory (two or three passes
 * over the same trajectories) when the records would pass --memory. */
static int bounded(const sc_layout *l, long n, const run_options *o)
{
    double bytes = 8.0 * (double)l->ncells * (double)n;
    return bytes > (double)o->memory_mb * 1024.0 * 1024.0;
}

/* Bounded summaries: every process runs the pilot (pass 0) in full, then its
 * own whole chunks of trajectories in pass 1 and, unless pass 1 could answer
 * within the rank error (or --exact-percentiles), pass 2; rank 0 ends with
 * the summary. */
static int simulate_bounded(const sc_scenario *s, const sc_layout *l, sc_sim_options *sim,
                            double rank_error, sc_summary **all, sc_error *e)
{
    long n = s->trajectories, chunk = sc_summary_chunk(n), nchunks = (n + chunk - 1) / chunk;
    long r = sc_ranks_rank(), size = sc_ranks_size();
    long first = nchunks * r / size * chunk;
    long end = nchunks * (r + 1) / size * chunk;
    long count = (end < n ? end : n) - first;

    int st = sc_ranks_agree(sc_summary_alloc_bounded(l, n, s->npercentiles, s->percentiles,
                                                     all, e), e);
    if (st == SC_OK) {
        sc_summary_set_slice(*all, first, count);
        sc_summary_set_rank_error(*all, rank_error);
    }
    for (int pass = 0; st == SC_OK && pass < sc_summary_passes(*all); pass++) {
        sim->first = sim->store_first = pass == 0 ? 0 : first;
        long k = pass == 0 ? sc_summary_pass_trajectories(*all, 0) : count;
        st = sc_ranks_agree(sc_sim_run(s, l, s->seed, k, sim, *all, e), e);
        if (st == SC_OK)
            st = sc_ranks_agree(sc_summary_end_pass(*all, e), e);
    }
    if (st == SC_OK)
        st = sc_ranks_agree(sc_summary_end_passes(*all, e), e);
    if (st != SC_OK || r != 0) {
        sc_summary_free(*all);
        *all = NULL;
    }
    return st;
}

/* This process's slice of the trajectories (all of them without MPI), then
 * every slice's records gathered on rank 0: *all is the full summary there,
 * NULL on other ranks. Every rank learns whether every other one succeeded. */
static int simulate(const sc_scenario *s, const sc_layout *l, const run_options *o, int threads,
                    sc_summary **all, sc_error *e)
{
    char what[SC_ID_MAX + 16];
    snprintf(what, sizeof what, "simulating %s", s->name);
    sc_cli_progress progress;
    sc_cli_progress_init(&progress, what, o->quiet || sc_ranks_rank() != 0);
    sc_sim_options sim = {.threads = threads, .progress = sc_cli_progress_update,
                          .progress_ctx = &progress};
    if (bounded(l, s->trajectories, o))
        return simulate_bounded(s, l, &sim, o->rank_error, all, e);

    long count;
    sc_ranks_slice(s->trajectories, &sim.first, &count);
    sc_summary *mine = NULL;
    int st = sc_summary_alloc(l, count, s->npercentiles, s->percentiles, &mine, e);
    if ((st = sc_ranks_agree(st, e))) {
        sc_summary_free(mine);
        return st;
    }
    st = sc_ranks_agree(sc_sim_run(s, l, s->seed, count, &sim, mine, e), e);
    if (st) {
        sc_summary_free(mine);
        return st;
    }
    return sc_ranks_gather(mine, l, s->trajectories, s->npercentiles, s->percentiles, all, e);
}

int sc_cli_run(int argc, char **argv, sc_error *e)
{
    run_options o;
    sc_scenario *s = NULL;
    sc_summary *sum = NULL;
    sc_layout layout;
    char outpath[4096];
    int st;
    const int root = sc_ranks_rank() == 0;

    if ((st = parse_run_options(argc, argv, &o, e)))
        return st;
    if ((st = sc_cli_read_scenario(o.scenario, o.trajectories, o.seed_given, o.seed, &s, e)))
        return st;
    if (o.output)
        snprintf(outpath, sizeof outpath, "%s", o.output);
    else
        snprintf(outpath, sizeof outpath, "results/%s.h5", s->name);
    int threads = o.threads ? o.threads : omp_get_num_procs();
    omp_set_num_threads(threads);   /* -t governs the summaries' threads too */

    if (o.trace) {
        if ((st = sc_fit_scenario(s, 0, NULL, e)) == SC_OK && root)
            st = replay(s, &o, e);
        goto done;
    }
    if (s->trajectories < sc_ranks_size()) {
        st = SC_ERROR(e, SC_EINPUT, "%ld trajectories cannot be shared among %d MPI ranks",
                      s->trajectories, sc_ranks_size());
        goto done;
    }
    if ((st = sc_ranks_agree(root ? sc_write_check_target(outpath, o.force, e) : SC_OK, e)))
        goto done;
    if ((st = sc_fit_scenario(s, 0, NULL, e)))   /* every dist: fit, from history */
        goto done;
    sc_layout_init(&layout, s);

    double t0 = omp_get_wtime();
    if ((st = simulate(s, &layout, &o, threads, &sum, e)) || !root)
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
        char procs[32] = "";
        if (sc_ranks_size() > 1)
            snprintf(procs, sizeof procs, " x %d MPI ranks", sc_ranks_size());
        if (sc_summary_rank_error(sum) > 0)
            printf("Percentiles in bounded memory, one pass: each within %.1e of its rank "
                   "(--exact-percentiles: exact, with a second pass).\n",
                   sc_summary_rank_error(sum));
        printf("\nWrote %s (%ld trajectories, seed %" PRIu64 ", %d threads%s, %.2f s).\n",
               outpath, s->trajectories, s->seed, threads, procs, seconds);
    }
done:
    if (st != SC_OK)
        SC_CONTEXT(e, "while running %s", o.scenario);
    sc_summary_free(sum);
    sc_scenario_free(s);
    return st;
}
