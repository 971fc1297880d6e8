/*
 * main.c — the sendcast command line (CONTRACT.md): find the command, run it,
 * and be the one place that prints an error and picks the exit status
 * (2 for bad input or usage, 1 otherwise). Each command is in src/cli/.
 */
#include <stdio.h>
#include <string.h>

#include "sendcast/cli.h"
#include "sendcast/error.h"
#include "sendcast/version.h"

static const sc_cli_command commands[] = {
    {"run", sc_cli_run,
     "sendcast run SCENARIO.yaml [-n TRAJECTORIES] [-s SEED] [-t THREADS]\n"
     "                    [-o FILE.h5] [--force] [--quiet]\n"
     "      simulate the scenario (MODEL.md v1) and write an HDF5 result file\n"
     "      -n N         trajectories (overrides the scenario's `trajectories`)\n"
     "      -s SEED      random seed, 0..2^64-1 (overrides the scenario's `seed`)\n"
     "      -t THREADS   OpenMP threads (default: all cores); results never depend on it\n"
     "      -o FILE      result file (default: results/<scenario name>.h5)\n"
     "      --force      replace an existing result file\n"
     "      --quiet      print nothing but errors\n"},
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
    printf("sendcast %s (git %s), model v%s, result format %d\n%s\n", SC_VERSION, SC_GIT_REV,
           SC_MODEL_VERSION, SC_FORMAT_VERSION, libs);
    return 0;
}

int main(int argc, char **argv)
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
        sc_error e;
        sc_error_clear(&e);
        if (commands[i].fn(argc - 1, argv + 1, &e) == SC_OK)
            return 0;
        fprintf(stderr, "sendcast: %s\n", e.msg);
        return sc_error_exit_code(&e);
    }
    fprintf(stderr, "sendcast: unknown command \"%s\"\n\n", argv[1]);
    usage(stderr);
    return 2;
}
