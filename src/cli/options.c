/*
 * options.c — what the commands share to read their command lines (cli.h):
 * getopt's set-up and its errors, whole numbers and seeds, the options of
 * every simulating command, and reading the scenario they name.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <omp.h>

#include "sendcast/alloc.h"
#include "sendcast/cli.h"
#include "sendcast/outfile.h"
#include "sendcast/ranks.h"
#include "sendcast/text.h"
#include "sendcast/write.h"

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
    case SC_CLI_OPT_SET: st = sc_cli_add_set(c, arg, e); break;
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

void sc_cli_whatif_settings(const sc_cli_common *c, int threads, long memory_mb,
                            sc_cli_progress *p, sc_whatif_settings *w)
{
    sc_whatif_settings_init(w);
    w->trajectories = c->trajectories;
    w->seed = c->seed;
    w->seed_given = c->seed_given;
    w->threads = threads;
    w->memory_mb = memory_mb;
    w->distribute = 1;
    w->sets = c->sets;
    w->nsets = c->nsets;
    w->note = sc_cli_progress_note;
    w->progress = sc_cli_progress_update;
    w->ctx = p;
}

int sc_cli_check_outputs(const char *const *paths, int n, int force,
                         const sc_scenario *const *s, int ns, sc_error *e)
{
    const int root = sc_ranks_rank() == 0;
    int st = root ? sc_outfile_check_distinct(paths, n, e) : SC_OK;
    for (int k = 0; !st && k < n; k++)
        for (int j = 0; !st && paths[k] && j < ns; j++)
            st = root ? sc_write_check_target(paths[k], force, s[j], e) : SC_OK;
    return sc_ranks_agree(st, e);
}

int sc_cli_whatif_start(const char *scenario, const sc_cli_common *c, const char *suffix,
                        const char *csv, sc_scenario **s, char *outpath, size_t size,
                        int *threads, sc_error *e)
{
    *threads = c->threads ? c->threads : omp_get_num_procs();
    omp_set_num_threads(*threads);
    int st = sc_cli_read_scenario(scenario, c, s, e);
    if (st)
        return st;
    if (c->output)
        snprintf(outpath, size, "%s", c->output);
    else
        snprintf(outpath, size, "results/%s%s.h5", (*s)->name, suffix);
    const char *const outs[] = { outpath, csv };
    const sc_scenario *const read[] = { *s };
    return sc_cli_check_outputs(outs, 2, c->force, read, 1, e);
}

void sc_cli_command_line(int argc, char **argv, char *buf, size_t size)
{
    size_t used = (size_t)snprintf(buf, size, "sendcast");
    for (int i = 0; i < argc; i++)
        if (sc_text_append(buf, size, &used, " ", argv[i]))
            break;
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
    for (int k = 0; st == SC_OK && k < (*out)->nwarnings; k++)
        fprintf(stderr, "sendcast: warning: %s\n", (*out)->warning[k]);
    if (st == SC_OK && c->trajectories > 0)
        (*out)->trajectories = c->trajectories;
    if (st == SC_OK && c->seed_given)
        (*out)->seed = c->seed;
    return st;
}

int sc_cli_expect_one(int argc, int first, const char *command, const char *kind, sc_error *e)
{
    if (first == argc - 1)
        return SC_OK;
    return SC_ERROR(e, SC_EINPUT, "%s: expected one %s file%s", command, kind,
                    first < argc - 1 ? ", got several" : "");
}

int sc_cli_check_result_outputs(const char *result, const char *csv, const char *charts,
                                int replace,
                         sc_error *e)
{
    const char *const inputs[1] = { result };
    struct stat st;
    if (csv) {
        int rc = sc_outfile_check(csv, replace, inputs, 1, e);
        if (rc)
            return rc;
    }
    if (charts && !*charts)
        return SC_ERROR(e, SC_EINPUT, "--charts: no folder name given");
    if (charts && stat(charts, &st) == 0 && !S_ISDIR(st.st_mode))
        return SC_ERROR(e, SC_EINPUT, "--charts %s: not a folder", charts);
    return SC_OK;
}

int sc_cli_make_folder(const char *dir, sc_error *e)
{
    struct stat st;
    if (!*dir)
        return SC_ERROR(e, SC_EINPUT, "--charts: no folder name given");
    if (stat(dir, &st) == 0)
        return S_ISDIR(st.st_mode) ? SC_OK
                                   : SC_ERROR(e, SC_EINPUT, "--charts %s: not a folder", dir);
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        return SC_ERROR(e, SC_EFAIL, "--charts: cannot create folder %s: %s", dir,
                        strerror(errno));
    return SC_OK;
}
