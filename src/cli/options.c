/*
 * options.c — what the commands share to read their command lines (cli.h):
 * getopt's set-up and its errors, whole numbers and seeds, the options of
 * every simulating command, and reading the scenario they name.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sendcast/alloc.h"
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
    case 'S': st = sc_cli_add_set(c, arg, e); break;
    default: *taken = 0;
    }
    return st;
}

int sc_cli_add_set(sc_cli_common *c, const char *arg, sc_error *e)
{
    if (c->nsets >= SC_CLI_MAX_SETS)
        return SC_ERROR(e, SC_EINPUT, "--set: at most %d of them", SC_CLI_MAX_SETS);
    sc_scenario_edit *x = sc_realloc(c->sets, (size_t)(c->nsets + 1) * sizeof *x);
    if (!x)
        return SC_ERROR(e, SC_ENOMEM, "out of memory for --set");
    c->sets = x;
    int st = sc_scenario_edit_parse(arg, &c->sets[c->nsets], e);
    if (st == SC_OK)
        c->nsets++;
    return st;
}

void sc_cli_common_clear(sc_cli_common *c)
{
    sc_free(c->sets);
    c->sets = NULL;
    c->nsets = 0;
}

int sc_cli_read_scenario(const char *path, const sc_cli_common *c, sc_scenario **out,
                         sc_error *e)
{
    return sc_cli_read_scenario_with(path, c, NULL, 0, out, e);
}

int sc_cli_read_scenario_with(const char *path, const sc_cli_common *c,
                              const sc_scenario_edit *extra, int nextra, sc_scenario **out,
                              sc_error *e)
{
    sc_scenario_read_options ro;
    sc_scenario_read_options_init(&ro);
    sc_scenario_edit *all = NULL;
    int n = c->nsets + nextra;
    if (n > 0) {
        all = sc_calloc((size_t)n, sizeof *all);
        if (!all)
            return SC_ERROR(e, SC_ENOMEM, "out of memory for the scenario's overrides");
        if (c->nsets)
            memcpy(all, c->sets, (size_t)c->nsets * sizeof *all);
        if (nextra)
            memcpy(all + c->nsets, extra, (size_t)nextra * sizeof *all);
    }
    ro.edits = all;
    ro.nedits = n;
    int st = sc_scenario_read_with(path, &ro, out, e);
    sc_free(all);
    if (st == SC_OK && c->trajectories > 0)
        (*out)->trajectories = c->trajectories;
    if (st == SC_OK && c->seed_given)
        (*out)->seed = c->seed;
    return st;
}
