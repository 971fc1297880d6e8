/*
 * bench.c — `make bench`: speed and memory of the engine, measured side by
 * side in one run on one scenario (default: the Kirklees cluster scenario).
 *
 * Prints trajectories per second end to end at 10^4, 10^5 and 10^6
 * trajectories (10^6 with bounded-memory summaries, as `sendcast run` does);
 * the ratio of simulation time to the raw-draw floor (the same number and kinds
 * of GSL draws, with the engine's own arguments, and no model around them:
 * src/simulate/floor.c); the split of time between simulation, summaries and
 * writing; thread scaling; and the peak resident memory. A benchmark, not a
 * test: it asserts nothing, it reports.
 *
 *   build/bench/bench [SCENARIO.yaml] [--max N] [--numpy-rate R]
 *   (N: the largest run, default 10^6; R: bench/numpy_rate.py's trajectories a second)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <omp.h>

#include "sendcast/library.h"
#include "sendcast/engine.h"
#include "sendcast/fit.h"
#include "sendcast/layout.h"
#include "sendcast/params.h"
#include "sendcast/scenario.h"
#include "sendcast/summary.h"
#include "sendcast/write.h"
#include "../src/engine/engine_bench.h"

typedef struct timing {
    double simulate, summarise, write;
    double binning;            /* of summarise: a bounded summary's binning of each block */
    long long draws;
    int bounded, passes;       /* the summary's kind and the passes it took */
    double rank_error;         /* of its percentiles (0: exact) */
} timing;

/* "kept", or the bounded summary's passes over all trajectories (the pilot
 * apart) and its percentiles' rank error. */
static const char *summary_mode(const timing *t, char *buf, size_t size)
{
    if (!t->bounded)
        snprintf(buf, size, "kept");
    else if (t->rank_error > 0)
        snprintf(buf, size, "%d pass, %.0e", t->passes - 1, t->rank_error);
    else
        snprintf(buf, size, "%d, exact", t->passes - 1);
    return buf;
}

/* " (binning B s)": how much of a bounded run's summarising was binning. */
static const char *binned(const timing *t, char *buf, size_t size)
{
    snprintf(buf, size, " (binning %.3f s)", t->binning);
    return buf;
}

static long long total_draws(const sc_draw_counts *c)
{
    long long t = 0;
    for (int k = 0; k < SC_NDRAW_KINDS; k++)
        t += c->n[k];
    return t;
}

static double peak_rss_mb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_maxrss / 1024.0;
}

/* Simulate n trajectories with `threads` through the engine, as `sendcast
 * run` does with its default --memory (every record kept up to 10^5 for
 * Kirklees, bounded above: a pilot and one pass, percentiles within 1e-4 of
 * their rank, or a second pass when that is not met); with `full`,
 * summarise and write too, else simulate only. `counts` gets the draws of
 * all passes. */
static int measure(const sc_scenario *s, const sc_params *p, long n, int threads, int full,
                   timing *t, sc_draw_counts *counts, sc_error *e)
{
    sc_summary *sum = NULL;
    sc_engine_measures m;
    sc_engine_options o;
    sc_engine_options_init(&o, s);
    o.trajectories = n;
    o.threads = threads;
    memset(t, 0, sizeof *t);
    omp_set_num_threads(threads);   /* the writer's compression, as -t does */
    int st = sc_engine_run_measured(s, p, &o, full, &sum, &m, e);
    *counts = m.draws;
    /* Binning is the summary's work, done between blocks of simulation: it
     * counts as summarising, as sorting does when every record is kept. */
    t->simulate = m.passes_s - m.sink_s;
    t->binning = m.sink_s;
    t->summarise = m.sink_s + m.compute_s;
    t->draws = total_draws(counts);
    t->bounded = m.bounded;
    t->passes = full ? m.passes : 1;
    if (st == SC_OK && full) {
        t->rank_error = sc_summary_rank_error(sum);
        char path[64];
        snprintf(path, sizeof path, "/tmp/sendcast-bench-%d.h5", (int)getpid());
        sc_run_info run = {.seed = s->seed, .trajectories = n, .threads = threads};
        snprintf(run.created_utc, sizeof run.created_utc, "bench");
        sc_sha256_hex(s->files[0].text, s->files[0].len, run.scenario_sha256);
        double t0 = omp_get_wtime();
        st = sc_write_h5(path, 1, s, p, sum, &run, e);
        t->write = omp_get_wtime() - t0;
        unlink(path);
    }
    sc_summary_free(sum);
    return st;
}

/* Time n trajectories at 1, 2, 4, ... threads, ending on the machine's
 * core count: simulation only, or (`full`) the whole run with its summary
 * and file. *t1 gets the one-thread seconds. */
static int scaling(const sc_scenario *s, const sc_params *p, long n, int full, int cores,
                   double *t1, sc_error *e)
{
    timing t;
    sc_draw_counts counts;
    int st = SC_OK;
    printf("%8s %10s %12s %12s\n", "threads", "seconds", "speed-up", "efficiency");
    for (int th = 1; th <= cores && st == SC_OK; th *= 2) {
        st = measure(s, p, n, th, full, &t, &counts, e);
        double seconds = t.simulate + t.summarise + t.write;
        if (th == 1)
            *t1 = seconds;
        if (st == SC_OK)
            printf("%8d %10.3f %12.2f %11.0f%%", th, seconds, *t1 / seconds,
                   100.0 * *t1 / seconds / th);
        if (st == SC_OK && full)
            printf("   simulate %.3f s, binning %.3f s, the rest %.3f s", t.simulate, t.binning,
                   seconds - t.simulate - t.binning);
        if (st == SC_OK)
            printf("\n");
        if (th * 2 > cores && th != cores)
            th = cores / 2;    /* end on the machine's core count */
    }
    return st;
}

static int bench(const char *path, long max_n, double numpy_rate, sc_error *e)
{
    sc_scenario *s = NULL;
    sc_params *p = NULL;
    int st = sc_scenario_read(path, &s, e);
    if (st == SC_OK)
        st = sc_fit_params(s, 0, &p, NULL, e);   /* as `sendcast run` does */
    if (st) {
        sc_scenario_free(s);
        return st;
    }
    sc_layout l;
    sc_layout_init(&l, s);
    int cores = omp_get_num_procs();
    printf("sendcast bench: %s (%d clusters, %d areas, %d years, %zu cells a trajectory)\n",
           s->name, s->nclusters, s->nareas, s->horizon, l.ncells);
    printf("machine: %d cores (omp_get_num_procs)\n\n", cores);

    printf("1. Speed end to end (simulate + summarise + write) and the raw-draw floor, %d threads\n",
           cores);
    printf("   up to 10^5 every record is kept; above, summaries are made in bounded memory: a pilot,\n"
           "   one pass with percentiles within 1e-4 of their rank, and a second pass only if needed\n");
    printf("   floors: the same draws with no model around them, by GSL's samplers (GSL) and by\n"
           "   the engine's own binomial, multinomial and Poisson samplers (own); engine time is\n"
           "   the simulation's: a bounded summary's binning between blocks counts as summarising\n");
    printf("%12s %13s %10s %10s %12s %9s %9s %11s %11s\n", "trajectories", "summaries",
           "simulate s", "traj/s", "draws", "GSL s", "own s", "engine/GSL", "engine/own");
    timing t;
    sc_draw_counts counts;
    char mode[32];
    for (long n = 10000; n <= max_n && st == SC_OK; n *= 10) {
        st = measure(s, p, n, cores, 1, &t, &counts, e);
        double gsl_s = 0, own_s = 0;
        if (st == SC_OK)
            st = sc_sim_draw_floor(s, p, &l, s->seed, 64, &counts, cores, SC_FLOOR_GSL, &gsl_s,
                                   e);
        if (st == SC_OK)
            st = sc_sim_draw_floor(s, p, &l, s->seed, 64, &counts, cores, SC_FLOOR_ENGINE,
                                   &own_s, e);
        if (st == SC_OK)
            printf("%12ld %13s %10.3f %10.0f %12lld %9.3f %9.3f %11.2f %11.2f\n", n,
                   summary_mode(&t, mode, sizeof mode), t.simulate,
                   (double)n / (t.simulate + t.summarise + t.write), t.draws, gsl_s, own_s,
                   t.simulate / gsl_s, t.simulate / own_s);
        if (st == SC_OK)
            printf("%12s %13s   split: simulate %.3f s, summarise %.3f s%s, write %.3f s\n", "",
                   "", t.simulate, t.summarise,
                   t.bounded ? binned(&t, mode, sizeof mode) : "", t.write);
    }
    if (st == SC_OK) {
        printf("\n   draws by kind in the last run:");
        for (int k = 0; k < SC_NDRAW_KINDS; k++)
            printf(" %s %lld", sc_draw_kind_names[k], counts.n[k]);
        printf("\n");
    }

    long ns = max_n < 100000 ? max_n : 100000;
    printf("\n2. Thread scaling, %ld trajectories, simulation only\n", ns);
    double t1 = 0;
    st = st == SC_OK ? scaling(s, p, ns, 0, cores, &t1, e) : st;
    if (st == SC_OK && numpy_rate > 0)
        printf("   per core: engine %.0f traj/s (1 thread, simulation only), vectorised NumPy "
               "%.0f traj/s\n   (bench/numpy_rate.py, one core): engine/NumPy %.2f\n",
               (double)ns / t1, numpy_rate, (double)ns / t1 / numpy_rate);

    long nb = max_n < 300000 ? max_n : 300000;
    if (st == SC_OK && nb > 100000) {
        double whole1 = 0;
        printf("\n   and a whole bounded run, %ld trajectories: pilot, edges, simulation and binning\n"
               "   between blocks, percentiles, file (what `sendcast run` does above --memory)\n", nb);
        st = scaling(s, p, nb, 1, cores, &whole1, e);
    }
    printf("\n3. Peak resident memory of this process (all of the above): %.0f MB\n", peak_rss_mb());
    sc_params_free(p);
    sc_scenario_free(s);
    return st;
}

/* Model 2's cost a trajectory against model 1's on the same council: both
 * scenarios simulated on one thread, interleaved, best of three each. */
static int model_cost(const char *v1_path, const char *v2_path, long n, sc_error *e)
{
    const char *paths[2] = { v1_path, v2_path };
    sc_scenario *s[2] = { NULL, NULL };
    sc_params *p[2] = { NULL, NULL };
    int st = SC_OK;
    for (int k = 0; st == SC_OK && k < 2; k++) {
        st = sc_scenario_read(paths[k], &s[k], e);
        if (st == SC_OK)
            st = sc_fit_params(s[k], 0, &p[k], NULL, e);
    }
    double best[2] = { 1e300, 1e300 };
    for (int rep = 0; st == SC_OK && rep < 3; rep++)
        for (int k = 0; st == SC_OK && k < 2; k++) {
            timing t;
            sc_draw_counts counts;
            st = measure(s[k], p[k], n, 1, 0, &t, &counts, e);
            best[k] = t.simulate < best[k] ? t.simulate : best[k];
        }
    if (st == SC_OK) {
        printf("\n5. Model 2 against model 1, %ld trajectories, one thread, simulation only "
               "(best of 3, interleaved)\n", n);
        printf("   model 1 (%s): %.3f s, %.0f traj/s\n", v1_path, best[0], (double)n / best[0]);
        printf("   model 2 (%s): %.3f s, %.0f traj/s\n", v2_path, best[1], (double)n / best[1]);
        printf("   model 2 / model 1 cost a trajectory: %.2f (goal: at most 1.5)\n",
               best[1] / best[0]);
    }
    for (int k = 0; k < 2; k++) {
        sc_params_free(p[k]);
        sc_scenario_free(s[k]);
    }
    return st;
}

int main(int argc, char **argv)
{
    sc_library_init();   /* as main() does: GSL never aborts (library.h) */
    const char *path = "scenarios/kirklees-clusters-v1.yaml";
    long max_n = 1000000;
    double numpy_rate = 0;   /* trajectories a second of bench/numpy_rate.py, if given */
    const char *v1 = NULL, *v2 = NULL;   /* --models V1 V2: model 2's cost against model 1's */
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--max") && i + 1 < argc)
            max_n = atol(argv[++i]);
        else if (!strcmp(argv[i], "--numpy-rate") && i + 1 < argc)
            numpy_rate = atof(argv[++i]);
        else if (!strcmp(argv[i], "--models") && i + 2 < argc) {
            v1 = argv[++i];
            v2 = argv[++i];
        }
        else
            path = argv[i];
    }
    sc_error e;
    sc_error_clear(&e);
    if (bench(path, max_n, numpy_rate, &e) != SC_OK
        || (v1 && model_cost(v1, v2, max_n < 20000 ? max_n : 20000, &e) != SC_OK)) {
        fprintf(stderr, "bench: %s\n", e.msg);
        return 1;
    }
    return 0;
}
