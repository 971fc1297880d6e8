/*
 * cmd_init.c — `sendcast init --sen2 RELEASE [--sen2 RELEASE...] --la LA
 * [--horizon H] [--base-year Y] [-o FILE.yaml | -o -] [--force] [--quiet]`:
 *
 *   read the releases (one panel) -> find the council -> choose its base year
 *   and stock (refusing a council with fewer than three years of requests)
 *   -> write the scenario beside its target -> read it back and fit it, as
 *   `run` would -> put it in place (or print it) -> free.
 *
 * The default output is scenarios/<council>.yaml (made if missing, as `run`
 * makes results/), so that the scenario sits with the project's others and
 * `sendcast run` on it writes results/<council>.h5; `-o -` prints it
 * instead, its release paths then relative to the current folder. A file is
 * never replaced without --force, and appears whole or not at all
 * (outfile.h). The read-back makes sure that what is written runs: a
 * failure there is init's own fault, and nothing is written.
 */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sendcast/alloc.h"
#include "sendcast/cli.h"
#include "sendcast/fit.h"
#include "sendcast/init.h"
#include "sendcast/outfile.h"
#include "sendcast/params.h"
#include "sendcast/scenario.h"
#include "sendcast/sen2.h"
#include "sendcast/text.h"
#include "sendcast/write.h"

#define MAX_RELEASES 16

typedef struct init_cli {
    const char *release[MAX_RELEASES];
    int nreleases;
    const char *la;
    long horizon, base_year;
    const char *output;     /* NULL: scenarios/<council>.yaml; "-": standard output */
    long model;             /* 2 (default) or 1 */
    const char *priors;     /* model 2's national priors file */
    char priors_found[4096];    /* where the shipped priors were found */
    int force, quiet;
} init_cli;

static int take_option(int c, const char *arg, void *ctx, sc_error *e)
{
    init_cli *o = ctx;
    switch (c) {
    case 'S':
        if (o->nreleases == MAX_RELEASES)
            return SC_ERROR(e, SC_EINPUT, "--sen2: at most %d releases", MAX_RELEASES);
        o->release[o->nreleases++] = arg;
        return SC_OK;
    case 'L': o->la = arg; return SC_OK;
    case 'H': return sc_cli_parse_long(arg, "--horizon", 1, SC_MAX_HORIZON, &o->horizon, e);
    case 'B': return sc_cli_parse_long(arg, "--base-year", 1000, 9999, &o->base_year, e);
    case 'o': o->output = arg; return SC_OK;
    case 'M': return sc_cli_parse_long(arg, "--model", 1, 2, &o->model, e);
    case 'P': o->priors = arg; return SC_OK;
    case 'f': o->force = 1; return SC_OK;
    case 'q': o->quiet = 1; return SC_OK;
    default: return SC_NEVER(e);
    }
}

/* The shipped priors: from the current folder, else from the repository the
 * running binary was built in (build/sendcast, build/mpi/sendcast), so that
 * init works from any folder. */
static const char *shipped_priors(char *buf, size_t cap)
{
    if (access(SC_INIT_PRIORS, R_OK) == 0)
        return SC_INIT_PRIORS;
    char exe[2048];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return SC_INIT_PRIORS;
    exe[n] = '\0';
    for (int up = 0; up < 4; up++) {
        char *slash = strrchr(exe, '/');
        if (!slash)
            break;
        *slash = '\0';
        snprintf(buf, cap, "%s/%s", exe, SC_INIT_PRIORS);
        if (access(buf, R_OK) == 0)
            return buf;
    }
    return SC_INIT_PRIORS;
}

static int parse_init_options(int argc, char **argv, init_cli *o, sc_error *e)
{
    static const struct option longs[] = {
        {"sen2", required_argument, NULL, 'S'}, {"la", required_argument, NULL, 'L'},
        {"horizon", required_argument, NULL, 'H'}, {"base-year", required_argument, NULL, 'B'},
        {"output", required_argument, NULL, 'o'}, {"force", no_argument, NULL, 'f'},
        {"quiet", no_argument, NULL, 'q'}, {"model", required_argument, NULL, 'M'},
        {"priors", required_argument, NULL, 'P'}, {NULL, 0, NULL, 0}};
    memset(o, 0, sizeof *o);
    o->horizon = SC_INIT_HORIZON;
    o->model = 2;
    o->priors = shipped_priors(o->priors_found, sizeof o->priors_found);
    int first, st = sc_cli_getopt(argc, argv, "o:", longs, take_option, o, &first, e);
    if (st)
        return st;
    if (first < argc)
        return SC_ERROR(e, SC_EINPUT, "init: unexpected \"%s\": the releases are given with "
                        "--sen2 RELEASE and the council with --la LA", argv[first]);
    if (o->nreleases == 0)
        return SC_ERROR(e, SC_EINPUT, "init: expected --sen2 RELEASE (DfE's SEN2 release zip "
                        "or its folder; repeat it for several releases, the later winning)");
    if (!o->la)
        return SC_ERROR(e, SC_EINPUT, "init: expected --la LA (the council: its 3-digit old "
                        "code, its 9-character new code or its name)");
    if (o->model == 2 && access(o->priors, R_OK) != 0)
        return SC_ERROR(e, SC_EINPUT, "init: --priors %s: no such file (model 2 pools the "
                        "council towards the national priors `sendcast calibrate` writes; "
                        "the project ships them as %s)", o->priors, SC_INIT_PRIORS);
    return SC_OK;
}

/* The folder part of path ("." for none). */
static void folder_of(const char *path, char *buf, size_t cap)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(buf, cap, ".");
    else if (slash == path)
        snprintf(buf, cap, "/");
    else
        snprintf(buf, cap, "%.*s", (int)(slash - path), path);
}

/* How the scenario at `target` names each release: relative to its folder. */
static int release_names(const init_cli *o, const char *target, char (*name)[4096], sc_error *e)
{
    char dir[4096];
    folder_of(target, dir, sizeof dir);
    for (int k = 0; k < o->nreleases; k++)
        if (sc_init_relative_path(dir, o->release[k], name[k], sizeof name[k]))
            return SC_ERROR(e, SC_EINPUT, "--sen2 %s: the path is too long", o->release[k]);
    return SC_OK;
}

/* Read the scenario at path back (with the panel) and fit it, as `run` does. */
static int check_runs(const char *path, const sc_sen2 *panel, sc_error *e)
{
    sc_scenario_read_options ro;
    sc_scenario_read_options_init(&ro);
    ro.sen2 = panel;
    sc_scenario *s = NULL;
    sc_params *p = NULL;
    int st = sc_scenario_read_with(path, &ro, &s, e);
    if (!st)
        st = sc_fit_params(s, 0, &p, NULL, e);
    sc_params_free(p);
    sc_scenario_free(s);
    if (st && st != SC_ENOMEM) {
        SC_CONTEXT(e, "init wrote a scenario that does not read or fit (a fault of init's, "
                   "please report it); nothing was written");
        e->status = SC_EFAIL;
    }
    return st ? e->status : SC_OK;
}

/* Write the scenario to target (whole or not at all), checked first. */
static int write_file(const init_cli *o, const char *target, const sc_sen2 *panel,
                      const sc_init_plan *plan, sc_init_options *io, sc_error *e)
{
    char(*names)[4096] = sc_calloc((size_t)o->nreleases, sizeof *names);
    const char **paths = sc_calloc((size_t)o->nreleases, sizeof *paths);
    int st = names && paths ? SC_OK : SC_ERROR(e, SC_ENOMEM, "out of memory");
    if (!st)
        st = release_names(o, target, names, e);
    for (int k = 0; !st && k < o->nreleases; k++)
        paths[k] = names[k];
    io->release_paths = paths;
    char priors[4096];
    if (!st && io->model == 2) {
        char dir[4096];
        folder_of(target, dir, sizeof dir);
        if (sc_init_relative_path(dir, o->priors, priors, sizeof priors))
            st = SC_ERROR(e, SC_EINPUT, "--priors %s: the path is too long", o->priors);
        io->priors_path = priors;
    }
    sc_outfile out;
    if (!st)
        st = sc_outfile_begin(&out, target, 1, e);
    if (!st) {
        sc_init_write(out.f, panel, plan, io);
        if (fflush(out.f) != 0)
            st = SC_ERROR(e, SC_EFAIL, "cannot write %s: %s", out.tmp, strerror(errno));
        if (!st)
            st = check_runs(out.tmp, panel, e);
        if (!st)
            st = sc_outfile_commit(&out, o->force, e);
        else
            sc_outfile_abort(&out);
    }
    io->release_paths = NULL;
    io->priors_path = NULL;
    sc_free(names);
    sc_free(paths);
    return st;
}

/* -o -: the scenario on standard output; checked from a temporary file in the
 * current folder, where its release paths lead. */
static int write_stdout(const init_cli *o, const sc_sen2 *panel, const sc_init_plan *plan,
                        sc_init_options *io, sc_error *e)
{
    char probe[SC_ID_MAX + 32];
    snprintf(probe, sizeof probe, "%s.init-check.yaml", plan->slug);
    sc_outfile out;
    int st = sc_outfile_begin(&out, probe, 1, e);
    if (st)
        return st;
    io->release_paths = o->release;
    io->priors_path = io->model == 2 ? o->priors : NULL;
    sc_init_write(out.f, panel, plan, io);
    if (fflush(out.f) != 0)
        st = SC_ERROR(e, SC_EFAIL, "cannot write %s: %s", out.tmp, strerror(errno));
    if (!st)
        st = check_runs(out.tmp, panel, e);
    sc_outfile_abort(&out);
    if (!st) {
        sc_init_write(stdout, panel, plan, io);
        if (fflush(stdout) != 0)
            st = SC_ERROR(e, SC_EFAIL, "cannot write to standard output: %s", strerror(errno));
    }
    io->release_paths = NULL;
    return st;
}

/* scenarios/ is made on demand, as `run` makes results/ (one level only). */
static int default_target(const sc_init_plan *plan, char *buf, size_t cap, sc_error *e)
{
    snprintf(buf, cap, "scenarios/%s.yaml", plan->slug);
    if (mkdir("scenarios", 0777) != 0 && errno != EEXIST)
        return SC_ERROR(e, SC_EFAIL, "cannot create folder scenarios: %s", strerror(errno));
    return SC_OK;
}

static void say_written(const init_cli *o, const char *target, const sc_init_plan *plan)
{
    FILE *f = target ? stdout : stderr;
    const sc_sen2_la *la = plan->la;
    fprintf(f, "%s %s: %s (%s), base year %d, %d years of requests (%d-%d), %lld plans in place "
            "at January %d; horizon %ld.\n", target ? "Wrote" : "Printed",
            target ? target : "the scenario", la->name,
            la->old_code[0] ? la->old_code : la->nnew_codes ? la->new_codes[0] : "",
            plan->base_year, plan->nrequest_years, plan->request_year[0],
            plan->request_year[plan->nrequest_years - 1], (long long)plan->plans_total,
            plan->base_year + 1, o->horizon);
    if (target)
        fprintf(f, "Next: sendcast fit %s    # the fitted rates\n      sendcast run %s    "
                "# the forecast, into results/%s.h5\n", target, target, plan->slug);
}

int sc_cli_init(int argc, char **argv, sc_error *e)
{
    init_cli o;
    sc_sen2 *panel = NULL;
    int st = parse_init_options(argc, argv, &o, e);
    if (st)
        return st;

    /* 1. The releases, one panel. */
    if ((st = sc_sen2_read(o.release, o.nreleases, &panel, e)))
        return st;

    /* 2. The council, its base year and stock. */
    sc_init_options io;
    sc_init_options_init(&io);
    io.horizon = (int)o.horizon;
    io.base_year = (int)o.base_year;
    io.model = (int)o.model;
    sc_init_plan plan;
    char releases[1024] = "";
    size_t used = 0;
    for (int k = 0; k < o.nreleases; k++)
        sc_text_append(releases, sizeof releases, &used, ", ", o.release[k]);
    if ((st = sc_sen2_find(panel, o.la, &io.la, e)))
        SC_CONTEXT(e, "--la %s: expected a council that %s %s", o.la, releases,
                   o.nreleases > 1 ? "have" : "has");
    else if ((st = sc_init_plan_make(panel, &io, &plan, e)))
        SC_CONTEXT(e, "while writing a scenario for --la %s from %s", o.la, releases);

    /* 3. The scenario, written and checked, or printed. */
    char target[4096];
    int to_stdout = o.output && !strcmp(o.output, "-");
    if (!st && !to_stdout) {
        if (o.output)
            snprintf(target, sizeof target, "%s", o.output);
        else
            st = default_target(&plan, target, sizeof target, e);
        if (!st)   /* the releases are never written over */
            st = sc_outfile_check(target, o.force, (const char *const *)o.release,
                                  o.nreleases, e);
        if (!st)
            st = write_file(&o, target, panel, &plan, &io, e);
    } else if (!st) {
        st = write_stdout(&o, panel, &plan, &io, e);
    }
    if (!st && !o.quiet)
        say_written(&o, to_stdout ? NULL : target, &plan);
    sc_sen2_free(panel);
    return st;
}
