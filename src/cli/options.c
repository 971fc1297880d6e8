/*
 * options.c — what the commands share to read their command lines (cli.h):
 * getopt's set-up and its errors, whole numbers and seeds, the options of
 * every simulating command, and reading the scenario they name.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sendcast/cli.h"

int sc_cli_getopt(int argc, char **argv, const char *shorts, const struct option *longs,
                  sc_cli_option_fn take, void *ctx, int *operands, sc_error *e)
{
    char spec[64];
    snprintf(spec, sizeof spec, ":%s", shorts);
    int c, st = SC_OK;
    opterr = 0;
    optind = 1;
    while (st == SC_OK && (c = getopt_long(argc, argv, spec, longs, NULL)) != -1) {
        if (c == ':')
            st = SC_ERROR(e, SC_EINPUT, "option %s needs a value", argv[optind - 1]);
        else if (c == '?')
            st = SC_ERROR(e, SC_EINPUT, "unknown option %s", argv[optind - 1]);
        else
            st = take(c, optarg, ctx, e);
    }
    *operands = optind;
    return st;
}

int sc_cli_parse_long(const char *arg, const char *what, long min, long max, long *out,
                      sc_error *e)
{
    char *end;
    errno = 0;
    /* digits only (strtol would skip leading blanks and take a sign) */
    int digits = (arg[0] >= '0' && arg[0] <= '9')
                 || (arg[0] == '-' && arg[1] >= '0' && arg[1] <= '9');
    long v = digits ? strtol(arg, &end, 10) : 0;
    if (!digits || errno || end == arg || *end || v < min || v > max)
        return SC_ERROR(e, SC_EINPUT, "%s: expected a whole number from %ld to %ld, got \"%s\"",
                        what, min, max, arg);
    *out = v;
    return SC_OK;
}

int sc_cli_parse_seed(const char *arg, uint64_t *out, sc_error *e)
{
    char *end;
    errno = 0;
    /* digits only: strtoull would skip " " and take " -1" as 2^64 - 1 */
    int digits = arg[0] >= '0' && arg[0] <= '9';
    unsigned long long v = digits ? strtoull(arg, &end, 10) : 0;
    if (!digits || errno || end == arg || *end)
        return SC_ERROR(e, SC_EINPUT,
                        "-s: expected a seed from 0 to 18446744073709551615, got \"%s\"", arg);
    *out = (uint64_t)v;
    return SC_OK;
}

int sc_cli_common_option(int opt, const char *arg, sc_cli_common *c, int *taken, sc_error *e)
{
    long v;
    int st = SC_OK;
    *taken = 1;
    switch (opt) {
    case 'n': st = sc_cli_parse_long(arg, "-n", 1, 1000000000L, &c->trajectories, e); break;
    case 's':
        st = sc_cli_parse_seed(arg, &c->seed, e);
        c->seed_given = 1;
        break;
    case 't':
        if ((st = sc_cli_parse_long(arg, "-t", 1, 4096, &v, e)) == SC_OK)
            c->threads = (int)v;
        break;
    case 'o': c->output = arg; break;
    case 'f': c->force = 1; break;
    case 'q': c->quiet = 1; break;
    default: *taken = 0;
    }
    return st;
}

int sc_cli_read_scenario(const char *path, const sc_cli_common *c, sc_scenario **out,
                         sc_error *e)
{
    int st = sc_scenario_read(path, out, e);
    for (int k = 0; st == SC_OK && k < (*out)->nwarnings; k++)
        fprintf(stderr, "sendcast: warning: %s\n", (*out)->warning[k]);
    if (st == SC_OK && c->trajectories > 0)
        (*out)->trajectories = c->trajectories;
    if (st == SC_OK && c->seed_given)
        (*out)->seed = c->seed;
    return st;
}
