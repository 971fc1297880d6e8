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
     "sendcast run SCENARIO.yaml [MORE.yaml ...] [-n TRAJECTORIES] [-s SEED] [-t THREADS]\n"
     "                    [-o FILE.h5] [--set PATH=VALUE ...] [--force] [--quiet]\n"
     "                    [--memory MB] [--rank-error E | --exact-percentiles] [--sample M]\n"
     "  sendcast run SCENARIO.yaml --trajectory I --trace FILE.csv [-s SEED]\n"
     "      simulate the scenario (docs/model.md; model 1: docs/model-v1.md) and write an\n"
     "      HDF5 result file; several scenarios: each to results/<its name>.h5\n"
     "      --set PATH=VALUE  change one value of the scenario as it is read (any number,\n"
     "                   table or lever: finance.grant.growth=0.03, bands.topup[2]=7000,\n"
     "                   levers.NAME.effect.mean=0.3); repeatable (docs/scenario.md)\n"
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
     "      --sample M   the layered fan's process-only run simulates the first M\n"
     "                   trajectories (default 20000); a bounded-memory run also keeps the\n"
     "                   parameter draws and outputs of those M (every record kept: every\n"
     "                   trajectory's draws); 0: neither (docs/sensitivity.md)\n"
     "      --trajectory I --trace FILE.csv   re-run trajectory I alone and write every\n"
     "                   draw and state of its years (identical to I in the full run)\n"},
    {"sweep", sc_cli_sweep,
     "sendcast sweep SCENARIO.yaml --set PATH=V1,V2,... [--set PATH=W1,W2,...]\n"
     "                    [--metric NAME ...] [--csv FILE.csv] [-n N] [-s SEED] [-t THREADS]\n"
     "                    [-o FILE.h5] [--force] [--quiet] [--memory MB]\n"
     "      run every point of the grid of --set values (up to 4 lists; one value: an\n"
     "      override of every point) on the same seed and trajectories (common random\n"
     "      numbers), and report p5/p50/p95 of the outputs and P(target met) by year for\n"
     "      each point (docs/whatif.md)\n"
     "      --metric NAME  an output to report (default hnb_spend, hnb_balance,\n"
     "                   cumulative_deficit; demand-only: requests, new_plans, plans_total)\n"
     "      --csv FILE   every point and year as CSV\n"
     "      -o FILE      the sweep file (default results/<scenario name>-sweep.h5)\n"},
    {"goalseek", sc_cli_goalseek,
     "sendcast goalseek SCENARIO.yaml --vary PATH --range LO,HI --target EXPR [--tol X]\n"
     "                    [--set PATH=VALUE ...] [-n N] [-s SEED] [-t THREADS] [-o FILE.h5]\n"
     "                    [--csv FILE.csv] [--force] [--quiet] [--memory MB]\n"
     "      the value of PATH in [LO, HI] at which EXPR just holds, on common random\n"
     "      numbers, with its Monte Carlo uncertainty, or that no value in the range meets\n"
     "      it and what the best reaches; EXPR: p_met[2027/28] >= 0.8, p_all_met >= 0.5,\n"
     "      p50(cumulative_deficit)[2029/30] <= 0, mean(hnb_spend)[2026/27] <= 95e6,\n"
     "      p_met(deficit_profile)[2026/27] >= 0.5 (a target of the scenario's targets:).\n"
     "      Costs 2 runs, then one a halving of the range: at most 2 + log2((HI-LO)/tol)\n"
     "      --tol X      the bracket it stops at (default (HI-LO)/1000; it also stops when\n"
     "                   the bracket is inside half the answer's Monte Carlo uncertainty)\n"
     "      -o FILE      its runs as a sweep file (default results/<name>-goalseek.h5)\n"},
    {"attribute", sc_cli_attribute,
     "sendcast attribute OLD.yaml NEW.yaml [--via STEP.yaml ...] [--metric NAME ...]\n"
     "                    [--stat p50|mean|pNN] [--year YEAR] [--csv FILE.csv]\n"
     "                    [--chart FILE.svg] [-n N] [-s SEED] [-t THREADS] [-o FILE.h5]\n"
     "                    [--set PATH=VALUE ...] [--force] [--quiet] [--memory MB]\n"
     "      why the forecast moved from OLD to NEW: the change split into new data/history,\n"
     "      changed assumptions, changed levers and Monte Carlo noise, each step on common\n"
     "      random numbers (OLD's seed and trajectories), compared on the calendar years\n"
     "      both forecast; a waterfall table, CSV and SVG chart (docs/whatif.md)\n"
     "      --via STEP   run the steps through these scenarios instead (repeatable, in order)\n"
     "      --stat S     the statistic of each output (default p50)\n"
     "      --year YEAR  the chart's year (default the last in common)\n"
     "      -o FILE      the attribution file (default results/<OLD>-to-<NEW>.h5)\n"},
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
    {"distribution", sc_cli_distribution,
     "sendcast distribution RESULT.h5 --metric NAME --year Y [--unit ID] [--threshold X]...\n"
     "                    [--chart FILE.png|FILE.svg] [--csv FILE] [--real] [--force] [--quiet]\n"
     "      one output in one year as a distribution (docs/outputs.md): its percentiles,\n"
     "      the target's P(met), and P(output < X) and P(output > X) for each threshold,\n"
     "      with their Monte Carlo error: \"what is the chance the deficit exceeds £X?\"\n"
     "      --metric NAME  any output of the file (cumulative_deficit, hnb_balance, ...)\n"
     "      --unit ID    the area or cluster of an area or cluster output\n"
     "      --year Y     2029 or 2029/30\n"
     "      --threshold X  pounds as typed: 50000000, 50m, £50m, -2.5m (repeat, up to 9)\n"
     "      --chart FILE   histogram and P(output < x) on one axis, target and thresholds\n"
     "                   marked; --csv FILE  the distribution function and each threshold\n"
     "      A bounded-memory run keeps no trajectories: P is then interpolated from the\n"
     "      stored percentiles, and beyond them only a bound (< 5%, > 95%) is given\n"},
    {"compare", sc_cli_compare,
     "sendcast compare A.h5 B.h5 [-o DIFF.h5] [--force] [--quiet]\n"
     "      paired differences B - A, trajectory by trajectory (common random numbers):\n"
     "      p5/p50/p95 per year, P(B cheaper); same seed, trajectories and geography only\n"
     "      --independent  allow runs with different seeds (to measure what pairing gains;\n"
     "                   docs/compare.md)\n"},
    {"report", sc_cli_report,
     "sendcast report RESULT.h5 [--compare OTHER.h5] -o REPORT.html [--real] [--force]\n"
     "                    [--quiet] [--total T] [--year Y] [--risk P]\n"
     "      one self-contained HTML page for the steering group (charts as inline SVG)\n"
     "      --real       money in real terms (base-year prices), as for export\n"
     "      --force      replace an existing page (never a result file, nor anything that\n"
     "                   is not a regular file)\n"
     "      --total, --year, --risk   its cluster budgets section, as sendcast budgets\n"
     "                   (default: the scenario's own total in the first year, risk 0.9);\n"
     "      given a sweep, goal seek or attribution file, its table (and waterfall)\n"},
    {"sensitivity", sc_cli_sensitivity,
     "sendcast sensitivity RESULT.h5 [--output NAME] [--year Y] [--top K]\n"
     "                    [--stress INPUT:LO-HI ...] [--csv FILE] [--charts DIR] [-t T] [--quiet]\n"
     "      what drives each output's band, from the parameter draws the result keeps (no\n"
     "      extra runs; docs/sensitivity.md): each input's share of the variance by year\n"
     "      (first-order, with its Monte Carlo error), the median's shift with the input\n"
     "      at its 10th and 90th percentiles (tornado), the layered fan (parameter\n"
     "      uncertainty against year-to-year chance)\n"
     "      --output NAME  one output: hnb_spend, hnb_balance, cumulative_deficit,\n"
     "                   topup_spend, plans_total, target_met, requests, new_plans\n"
     "                   (default: the headline ones)\n"
     "      --year Y     the year of the ranking and the shifts (default: the last)\n"
     "      --top K      inputs shown per output (default 10)\n"
     "      --stress INPUT:LO-HI   the outputs when INPUT lies between its LO-th and HI-th\n"
     "                   percentiles (say inflation:90-100); repeat to combine\n"
     "      --csv FILE   every share, shift and error, and the layered fan, one a row\n"
     "      --charts DIR tornado_<output> and layers_<output>, PNG and SVG\n"},
    {"budgets", sc_cli_budgets,
     "sendcast budgets RESULT.h5 --total T [--year Y] [--risk P] [--csv FILE]\n"
     "                    [--charts DIR] [--quiet]\n"
     "      cluster budgets sized to risk (docs/sensitivity.md): a total T (pounds, 17m for\n"
     "      17 million) shared so that every cluster is as likely to overspend, beside\n"
     "      today's split; each area's contingency covering its clusters' overspend with\n"
     "      probability P (default 0.9), pooled within the area, and its trade-off curve\n"
     "      --year Y     the budget year (default: the first of the horizon)\n"
     "      --csv FILE   every number, one a row; --charts DIR  budgets.png and .svg\n"},
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
