/*
 * main.c — the sendcast command line (CONTRACT.md): find the command, run it,
 * and be the one place that prints an error and picks the exit status
 * (2 for bad input or usage, 1 otherwise). Each command is in src/cli/.
 */
#include <signal.h>
#include <stdio.h>

#include <string.h>
#include <unistd.h>

#include "sendcast/cli.h"
#include "sendcast/error.h"
#include "sendcast/library.h"
#include "sendcast/ranks.h"
#include "sendcast/version.h"
#include "sendcast/write.h"

static const sc_cli_command commands[] = {
    {"run", sc_cli_run,
     "sendcast run SCENARIO.yaml [-n TRAJECTORIES] [-s SEED] [-t THREADS]\n"
     "                    [-o FILE.h5] [--force] [--quiet] [--memory MB]\n"
     "                    [--rank-error E | --exact-percentiles]\n"
     "  sendcast run SCENARIO.yaml --trajectory I --trace FILE.csv [-s SEED]\n"
     "      simulate the scenario (MODEL.md v1) and write an HDF5 result file\n"
     "      -n N         trajectories (overrides the scenario's `trajectories`)\n"
     "      -s SEED      random seed, 0..2^64-1 (overrides the scenario's `seed`)\n"
     "      -t THREADS   OpenMP threads (default: all cores); results never depend on it\n"
     "      -o FILE      result file (default: results/<scenario name>.h5)\n"
     "      --force      replace an existing result file\n"
     "      --quiet      print nothing but errors\n"
     "      --memory MB  keep every trajectory's record only up to MB (default 2048);\n"
     "                   above it, summaries are made in bounded memory by passes over\n"
     "                   the trajectories: percentiles within 1e-4 of their rank after\n"
     "                   one full pass when the bins allow, else exact after a second\n"
     "      --rank-error E   bounded summaries: the rank error allowed after one pass, as a\n"
     "                   share of the trajectories (default 1e-4; at most 0.01)\n"
     "      --exact-percentiles  bounded summaries: exact percentiles (always a second pass)\n"
     "      --trajectory I --trace FILE.csv   re-run trajectory I alone and write every\n"
     "                   draw and state of its years (identical to I in the full run)\n"},
    {"fit", sc_cli_fit,
     "sendcast fit SCENARIO.yaml\n"
     "      fit every `dist: fit` parameter to the scenario's history (MODEL.md 5) and\n"
     "      print estimates, standard errors or 95% intervals, data used, goodness of fit\n"},
    {"backtest", sc_cli_backtest,
     "sendcast backtest SCENARIO.yaml --until YEAR [-n N] [-s SEED] [-t THREADS]\n"
     "                    [-o FILE.h5] [--force] [--quiet] [--memory MB]\n"
     "      fit on history up to YEAR only, simulate the later years history has, and\n"
     "      score the forecast against them (p5/p50/p95, PIT, coverage, CRPS)\n"
     "      --no-parameter-uncertainty   diagnostic: every parameter at its mean\n"
     "      --memory MB  as for run: above it, bounded memory (the scores are the same)\n"},
    {"export", sc_cli_export,
     "sendcast export RESULT.h5 [--csv FILE] [--xlsx FILE] [--charts DIR] [--real] [--force]\n"
     "                 [--quiet]\n"
     "      tidy CSV, an Excel workbook with fan charts, and PNG/SVG charts (docs/outputs.md)\n"
     "      --real       money in real terms (base-year prices, by the simulated price\n"
     "                   index) instead of cash terms (nominal)\n"
     "      --force      replace existing outputs (never the result file, nor anything that\n"
     "                   is not a regular file)\n"},
    {"compare", sc_cli_compare,
     "sendcast compare A.h5 B.h5 [-o DIFF.h5] [--force] [--quiet]\n"
     "      paired differences B - A, trajectory by trajectory (common random numbers):\n"
     "      p5/p50/p95 per year, P(B cheaper); same seed, trajectories and geography only\n"
     "      --independent  allow runs with different seeds (to measure what pairing gains;\n"
     "                   docs/compare.md)\n"},
    {"report", sc_cli_report,
     "sendcast report RESULT.h5 [--compare OTHER.h5] -o REPORT.html [--real] [--force]\n"
     "                 [--quiet]\n"
     "      one self-contained HTML page for the steering group (charts as inline SVG)\n"
     "      --real       money in real terms (base-year prices), as for export\n"
     "      --force      replace an existing page (never a result file, nor anything that\n"
     "                   is not a regular file)\n"},
    {"calibrate", sc_cli_calibrate,
     "sendcast calibrate [--sen2 RELEASE...] [--origins FIRST-LAST] [--horizon H]\n"
     "                    [-n N] [-s SEED] [-t THREADS] [-o FILE.h5] [--priors FILE.yaml]\n"
     "                    [--force] [--quiet]\n"
     "      the national priors of model 2 and the rolling-origin back-test of every\n"
     "      council in DfE's SEN2 releases (docs/validation.md): for each origin, priors\n"
     "      fitted on the years up to it only, every council with three years of requests\n"
     "      forecast from it and scored against what followed (coverage of the 50% and 90%\n"
     "      bands, PIT, CRPS, the median's error beside two naive rules)\n"
     "      --sen2 RELEASE  a release zip or folder, repeatable (default: the two shipped in\n"
     "                   scenarios/data/sen2/)\n"
     "      --origins A-B   the origin years (default 2018 to the files' last year but one)\n"
     "      --horizon H  years scored after each origin (default 4)\n"
     "      -n N         trajectories a forecast (default 4000)\n"
     "      -o FILE      the scores (default results/calibrate.h5)\n"
     "      --priors FILE   also write the priors fitted on every year (what model 2\n"
     "                   scenarios read; the project ships scenarios/data/national/priors.yaml)\n"},
    {"init", sc_cli_init,
     "sendcast init --sen2 RELEASE [--sen2 RELEASE...] --la LA [--horizon H]\n"
     "                    [--base-year Y] [-o FILE.yaml | -o -] [--force] [--quiet]\n"
     "      write a commented, runnable demand-only scenario for one council from DfE's\n"
     "      SEN2 release files (docs/scenario.md, \"sendcast init\")\n"
     "      --sen2 RELEASE  a release zip as DfE publishes it, or its folder; repeat for\n"
     "                   several, the later winning where they overlap\n"
     "      --la LA      the council: 3-digit old LA code, 9-character new code or name\n"
     "      --horizon H  years to forecast after the base year (default 4)\n"
     "      --base-year Y   the last observed year (default: the council's latest year\n"
     "                   with requests; it must have requests)\n"
     "      -o FILE      the scenario (default: scenarios/<council>.yaml; -o - prints it);\n"
     "                   release paths in it are relative to its folder\n"
     "      --force      replace an existing file\n"
     "      --quiet      print nothing but errors\n"
     "      A council needs at least three years of requests in the releases.\n"},
};
static const int ncommands = (int)(sizeof commands / sizeof commands[0]);

static void usage(FILE *out)
{
    fputs("usage:\n", out);
    for (int i = 0; i < ncommands; i++)
        fprintf(out, "  %s", commands[i].usage);
    fputs("  sendcast --version | --help\n\n"
          "Exit status: 0 success, 2 bad usage or bad input, 1 any other failure.\n"
          "Scenario format: docs/scenario.md. Result layout: CONTRACT.md.\n",
          out);
}

static int version(void)
{
    char libs[512];
    sc_version_libraries(libs, sizeof libs);
    char mpi[256];
    sc_ranks_library(mpi, sizeof mpi);
    printf("sendcast %s (git %s), models %s, result format %d\n%s\nMPI: %s\n", SC_VERSION,
           SC_GIT_REV, SC_MODEL_VERSIONS, SC_FORMAT_VERSION, libs, mpi);
    return 0;
}

/* The one place an error is printed: the message (innermost first, then
 * each caller's context), then where in the code it arose. */
static void report(const sc_error *e)
{
    char where[512];
    sc_error_where(e, where, sizeof where);
    fprintf(stderr, "sendcast: %s\n", e->msg);
    if (where[0])
        fprintf(stderr, "  (raised in %s)\n", where);
}

static int dispatch(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version"))
        return version();
    for (int i = 0; i < ncommands; i++) {
        if (strcmp(argv[1], commands[i].name))
            continue;
        if (argc == 3 && (!strcmp(argv[2], "--help") || !strcmp(argv[2], "-h"))) {
            printf("usage:\n  %s", commands[i].usage);    /* sendcast COMMAND --help */
            return 0;
        }
        sc_error e;
        sc_error_clear(&e);
        if (commands[i].fn(argc - 1, argv + 1, &e) == SC_OK)
            return 0;
        report(&e);
        return sc_error_exit_code(&e);
    }
    fprintf(stderr, "sendcast: unknown command \"%s\"\n\n", argv[1]);
    usage(stderr);
    return 2;
}

/* Ctrl-C or kill: say so and stop. Whatever was being written is still under
 * its temporary name (PATH.tmp.PID), never the output's, and the next run for
 * that PATH removes it (outfile.h). The message says only what holds whenever
 * the signal comes: a file already put in place (the signal may come between
 * the rename and the "Wrote" line) is whole, and no other is there. Only
 * async-signal-safe calls here. */
static void on_signal(int sig)
{
    static const char msg[] = "\nsendcast: interrupted; no file is left half-written (each "
                              "output is complete or absent)\n";
    ssize_t w = write(STDERR_FILENO, msg, sizeof msg - 1);
    (void)w;
    _exit(128 + sig);
}

static void handle_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    /* A file-size limit (ulimit -f) must fail the write with EFBIG and a
     * message, not kill the process silently. */
    signal(SIGXFSZ, SIG_IGN);
}

/* Under mpirun every rank runs main; only rank 0 writes and prints results,
 * and a rank that fails prints its own message. */
int main(int argc, char **argv)
{
    handle_signals();
    sc_library_init();   /* GSL never aborts; no HDF5 exit handler (library.h) */
    if (sc_ranks_init(&argc, &argv) != SC_OK) {
        fputs("sendcast: MPI could not start\n", stderr);
        return 1;
    }
    int status = dispatch(argc, argv);
    sc_ranks_finalize();
    return status;
}
