/*
 * test_cli.c — the command line as a user meets it (CONTRACT.md).
 *
 * Runs the built binary (SC_BIN, default build/sendcast) and checks exit
 * statuses, messages, that results never depend on the thread count (every
 * HDF5 dataset bit-identical, tests/h5_same.py), and that an existing result
 * is never overwritten without --force.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "sendcast/library.h"

#include "cli_util.h"

static char tmpdir[256];

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/sendcast-cli-XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[512], out[64];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    return run(out, sizeof out, "%s", cmd);
}

static void test_version_and_help(void **state)
{
    (void)state;
    char out[32768];
    assert_int_equal(run(out, sizeof out, "%s --version", bin()), 0);
    assert_non_null(strstr(out, "sendcast "));
    assert_non_null(strstr(out, "GSL"));
    assert_int_equal(run(out, sizeof out, "%s --help", bin()), 0);
    assert_non_null(strstr(out, "sendcast run SCENARIO.yaml"));
    assert_int_equal(run(out, sizeof out, "%s", bin()), 2);
    assert_int_equal(run(out, sizeof out, "%s frobnicate", bin()), 2);
    assert_non_null(strstr(out, "unknown command"));
}

static void test_bad_usage_exits_2(void **state)
{
    (void)state;
    char out[8192];
    const char *sc = "scenarios/kirklees-clusters-v1.yaml";
    assert_int_equal(run(out, sizeof out, "%s run %s -n zero -o %s/x.h5", bin(), sc, tmpdir), 2);
    assert_non_null(strstr(out, "-n: expected a whole number"));
    assert_int_equal(run(out, sizeof out, "%s run %s -n 0 -o %s/x.h5", bin(), sc, tmpdir), 2);
    assert_int_equal(run(out, sizeof out, "%s run %s -s -1 -o %s/x.h5", bin(), sc, tmpdir), 2);
    assert_int_equal(run(out, sizeof out, "%s run %s -s ' -1' -o %s/x.h5", bin(), sc, tmpdir), 2);
    assert_non_null(strstr(out, "-s: expected a seed"));
    assert_int_equal(run(out, sizeof out, "%s run %s -n ' 5' -o %s/x.h5", bin(), sc, tmpdir), 2);
    assert_int_equal(run(out, sizeof out, "%s run %s --bogus", bin(), sc), 2);
    assert_non_null(strstr(out, "unknown option --bogus"));
    assert_int_equal(run(out, sizeof out, "%s run", bin()), 2);
    assert_int_equal(run(out, sizeof out, "%s run %s/none.yaml", bin(), tmpdir), 2);
    assert_non_null(strstr(out, "none.yaml"));
    struct stat sb;
    char path[512];
    snprintf(path, sizeof path, "%s/x.h5", tmpdir);
    assert_int_not_equal(stat(path, &sb), 0);   /* nothing written */
}

static void test_bad_scenario_names_file_and_line(void **state)
{
    (void)state;
    char out[8192], path[512];
    snprintf(path, sizeof path, "%s/bad.yaml", tmpdir);
    /* A copy of the reference scenario (its CSVs linked beside it) with a
     * probability out of range; the message must name the copy and the line. */
    int st = run(out, sizeof out,
                 "ln -sfn \"$PWD/scenarios/data\" %s/data && "
                 "sed 's/p_assess: {dist: fit}/p_assess: {dist: fixed, value: 1.4}/' "
                 "scenarios/kirklees-clusters-v1.yaml > %s && grep -n 'value: 1.4' %s | cut -d: -f1",
                 tmpdir, path, path);
    assert_int_equal(st, 0);
    int line = atoi(out);
    assert_true(line > 0);
    assert_int_equal(run(out, sizeof out, "%s run %s -o %s/bad.h5", bin(), path, tmpdir), 2);
    char want[600];
    snprintf(want, sizeof want, "%s:%d:", path, line);
    if (!strstr(out, want))
        print_error("expected \"%s\" in: %s\n", want, out);
    assert_non_null(strstr(out, want));
    assert_non_null(strstr(out, "p_assess"));
}

/* `from` as a sed pattern that matches itself literally. */
static void sed_escape(const char *from, char *out, size_t n)
{
    size_t j = 0;
    for (; *from && j + 3 < n; from++) {
        if (strchr("[].*^$\\|", *from))
            out[j++] = '\\';
        out[j++] = *from;
    }
    out[j] = '\0';
}

/* Every kind of bad scenario of the validation list ends the command with
 * exit status 2 and a message naming the file, the line and what was
 * expected, before anything is simulated or written. Each case edits one
 * line of tests/data/scenario/minimal.yaml (its CSVs linked beside it). */
static void test_bad_scenarios_exit_2_with_file_and_line(void **state)
{
    (void)state;
    static const struct {
        const char *from, *to, *expect;
    } cases[] = {
        {"  pupil_growth: 0.01", "  pupil_growht: 0.01", "unknown key 'pupil_growht'"},
        {"horizon: 3", "horizon: 3\\nhorizon: 4", "duplicate key 'horizon'"},
        {"  pupil_growth: 0.01", "  pupil_growth: abc", "expected a number"},
        {"  p_issue: 0.9", "  p_issue: 1.9", "expected a number in [0, 1]"},
        {"cease_arp: {dist: beta, mean: 0.05, sd: 0.01}", "cease_arp: {dist: beta, mean: 0.05, sd: 0.3}",
         "no Beta has mean 0.05 and sd 0.3"},
        {"bands: [10, 5]}", "bands: [10, -5]}", "expected a whole number"},
        {"{id: c3, area: S,", "{id: c3, area: Q,", "unknown area 'Q'"},
        {"bands: [4, 2],", "bands: [4, 2, 1],", "expected 2 band counts"},
        {"  fixed_lines: 100000", "  fixed_lines: .nan", "finite"},
        {"data/money.csv, item: grant", "data/nomoney.csv, item: grant", "nomoney.csv"},
        {"  p_issue: 0.9", "  p_issue: {dist: fit}", "fit"},
    };
    char out[8192], cmd[1024], from[256];
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        sed_escape(cases[k].from, from, sizeof from);
        int st = run(out, sizeof out,
                     "ln -sfn \"$PWD/tests/data/scenario/data\" %s/data && "
                     "sed 's|%s|%s|' tests/data/scenario/minimal.yaml > %s/case.yaml && "
                     "grep -n -F -e '%s' %s/case.yaml | tail -1 | cut -d: -f1",
                     tmpdir, from, cases[k].to, tmpdir, strchr(cases[k].to, '\\') ?
                     "horizon: 4" : cases[k].to, tmpdir);
        assert_int_equal(st, 0);
        int line = atoi(out);
        snprintf(cmd, sizeof cmd, "%s run %s/case.yaml -n 10 -o %s/case.h5", bin(), tmpdir, tmpdir);
        st = run(out, sizeof out, "%s", cmd);
        char want[600];
        snprintf(want, sizeof want, "%s/case.yaml:%d:", tmpdir, line);
        if (strstr(cases[k].expect, ".csv"))   /* a missing file is named, at the line naming it */
            snprintf(want, sizeof want, "%s", "nomoney.csv");
        if (st != 2 || !strstr(out, want) || !strstr(out, cases[k].expect))
            print_error("case %zu: exit %d, expected 2 with \"%s\" and \"%s\" in:\n%s\n", k, st,
                        want, cases[k].expect, out);
        assert_int_equal(st, 2);
        assert_non_null(strstr(out, want));
        assert_non_null(strstr(out, cases[k].expect));
        struct stat sb;
        snprintf(cmd, sizeof cmd, "%s/case.h5", tmpdir);
        assert_int_not_equal(stat(cmd, &sb), 0);
    }
}

/* A run killed outright (kill -9) leaves PATH.tmp.PID behind, never a file
 * at PATH; the next run for that PATH removes such leftovers of processes that
 * are gone, and leaves those of living processes (here pid 1) alone. */
static void test_stale_temporary_files_cleaned(void **state)
{
    (void)state;
    char out[16384];
    assert_int_equal(run(out, sizeof out, "touch %s/k.h5.tmp.999999 %s/k.h5.tmp.1", tmpdir, tmpdir), 0);
    assert_int_equal(run(out, sizeof out, "%s run scenarios/kirklees-clusters-v1.yaml -n 100 -o %s/k.h5 "
                         "--quiet", bin(), tmpdir), 0);
    assert_int_equal(run(out, sizeof out, "ls %s | grep -c 'k.h5.tmp'", tmpdir), 0);
    assert_int_equal(atoi(out), 1);
    assert_int_equal(run(out, sizeof out, "ls %s/k.h5.tmp.1 && rm %s/k.h5.tmp.1", tmpdir, tmpdir), 0);
    /* kill -9 in the middle of a run: no result, and the next run starts clean. */
    run(out, sizeof out, "%s run scenarios/kirklees-clusters-v1.yaml -n 200000 -o %s/killed.h5 --quiet & "
        "sleep 1; kill -9 $! ; wait $! ; ls %s | grep -c killed.h5", bin(), tmpdir, tmpdir);
    assert_int_equal(atoi(out), 0);
}

/* A full disk (here a file-size limit, ulimit -f) and Ctrl-C: a clear
 * message, a failure status, and nothing at the target name or beside it. */
static void test_full_disk_and_interrupt_leave_nothing(void **state)
{
    (void)state;
    char out[16384];
    int st = run(out, sizeof out, "ulimit -f 200; %s run scenarios/kirklees-clusters-v1.yaml -n 2000 "
                 "-o %s/full.h5 --quiet", bin(), tmpdir);
    assert_int_equal(st, 1);
    assert_non_null(strstr(out, "File too large"));
    assert_non_null(strstr(out, "full.h5"));
    st = run(out, sizeof out, "{ %s run scenarios/kirklees-clusters-v1.yaml -n 300000 -o %s/int.h5 "
             "--quiet & sleep 1; kill -INT $!; wait $!; }", bin(), tmpdir);
    assert_int_equal(st, 130);
    /* what is said holds whenever the signal comes: a result put in place
     * just before it is whole, and nothing else is left (issue 17: "no
     * result was written" was said of a result that had been) */
    assert_non_null(strstr(out, "interrupted; no file is left half-written"));
    assert_null(strstr(out, "no result was written"));
    assert_int_equal(run(out, sizeof out, "ls %s | grep -c -e full.h5 -e int.h5", tmpdir), 1);
    assert_int_equal(atoi(out), 0);
}

/* Extremes are run correctly or refused clearly, never wrapped around:
 * 10^8 pupils in a cluster runs; 10^9 pupils converting at e^2 requests a
 * pupil for 12 years passes 2^31 plans and is stopped (exit 1, no file);
 * 100,001 clusters are refused at input (exit 2, file named). */
static void test_extremes(void **state)
{
    (void)state;
    char out[16384];
    int st = run(out, sizeof out,
                 "mkdir -p %s/ext/data && cp tests/data/scenario/data/money.csv %s/ext/data/ && "
                 "sed 's/pupils: 1000, need_index: 1.2/pupils: 100000000, need_index: 1.2/' "
                 "tests/data/scenario/minimal.yaml > %s/ext/big.yaml && "
                 "sed -e 's/pupils: 1000, need_index: 1.2/pupils: 1000000000, need_index: 1.2/' "
                 "-e 's/    mean: \\[-2.0, 0.1\\]/    mean: [2.0, 0.1]/' -e 's/^horizon: 3/horizon: 12/' "
                 "-e 's|    total: {csv: data/money.csv, item: budget_total}|    uplift: 0.0|' "
                 "tests/data/scenario/minimal.yaml > %s/ext/huge.yaml", tmpdir, tmpdir, tmpdir, tmpdir);
    assert_int_equal(st, 0);
    assert_int_equal(run(out, sizeof out, "%s run %s/ext/big.yaml -n 100 -o %s/big.h5 --quiet && "
                         "/usr/bin/python3 -c \"import h5py; print(h5py.File('%s/big.h5')"
                         "['district/requests/mean'][0])\"", bin(), tmpdir, tmpdir, tmpdir), 0);
    assert_true(atof(out) > 1e6);   /* 10^8 x 0.12 x e^-1.9 x 1.2: about 2 million a year */
    st = run(out, sizeof out, "%s run %s/ext/huge.yaml -n 20 -o %s/huge.h5 --quiet", bin(), tmpdir,
             tmpdir);
    assert_int_equal(st, 1);
    assert_non_null(strstr(out, "passed 2^31"));
    assert_int_equal(run(out, sizeof out, "ls %s | grep -c huge.h5", tmpdir), 1);
    st = run(out, sizeof out,
             "sed 's|  - {id: c1, area: N, pupils: 1000, need_index: 1.2, bands: \\[10, 5\\]}|"
             "  csv: data/many.csv\\n  columns: {id: c, area: a, pupils: p, need_index: w, "
             "bands: [b1, b2]}|' tests/data/scenario/minimal.yaml | grep -v '  - {id: c[23],' "
             "> %s/ext/many.yaml && /usr/bin/python3 -c \"import sys; "
             "sys.stdout.write('c,a,p,w,b1,b2\\n' + ''.join('c%%d,N,10,1,1,1\\n' %% i for i in "
             "range(100001)))\" > %s/ext/data/many.csv; %s run %s/ext/many.yaml -n 10 -o %s/many.h5",
             tmpdir, tmpdir, bin(), tmpdir, tmpdir);
    if (st != 2)
        print_error("%s\n", out);
    assert_int_equal(st, 2);
    assert_non_null(strstr(out, "many.csv"));
    assert_non_null(strstr(out, "at most 100000 clusters"));
    run(out, sizeof out, "rm -rf %s/ext", tmpdir);
}

/* An unwritable folder: a clear message, a failure status, nothing written.
 * Root may write anywhere, so as root the run is made as user nobody
 * (setpriv), with the binary and a scenario copied where nobody can read. */
static void test_unwritable_folder(void **state)
{
    (void)state;
    char out[16384];
    int st = run(out, sizeof out,
                 "chmod 755 %s && mkdir -p %s/nb/data %s/nb/ro && cp %s %s/nb/sc && "
                 "cp tests/data/scenario/minimal.yaml %s/nb/ && "
                 "cp tests/data/scenario/data/money.csv %s/nb/data/ && chmod -R a+rX %s/nb && "
                 "chmod 555 %s/nb/ro", tmpdir, tmpdir, tmpdir, bin(), tmpdir, tmpdir, tmpdir,
                 tmpdir, tmpdir);
    assert_int_equal(st, 0);
    const char *as = getuid() == 0 ? "setpriv --reuid=65534 --regid=65534 --clear-groups " : "";
    if (getuid() == 0 && run(out, sizeof out, "command -v setpriv") != 0)
        skip();
    st = run(out, sizeof out, "%s%s/nb/sc run %s/nb/minimal.yaml -n 20 -o %s/nb/ro/x.h5 --quiet",
             as, tmpdir, tmpdir, tmpdir);
    if (st != 1)
        print_error("%s\n", out);
    assert_int_equal(st, 1);
    assert_non_null(strstr(out, "Permission denied"));
    assert_int_equal(run(out, sizeof out, "ls -A %s/nb/ro | wc -l", tmpdir), 0);
    assert_int_equal(atoi(out), 0);
    run(out, sizeof out, "chmod 755 %s/nb/ro && rm -rf %s/nb", tmpdir, tmpdir);
}

static void test_threads_give_identical_files(void **state)
{
    (void)state;
    char out[16384];
    const char *sc = "scenarios/kirklees-clusters-v1.yaml";
    assert_int_equal(run(out, sizeof out, "%s run %s -n 3000 -t 1 -o %s/t1.h5 --quiet", bin(), sc,
                         tmpdir), 0);
    assert_int_equal(strlen(out), 0);   /* --quiet prints nothing */
    assert_int_equal(run(out, sizeof out, "%s run %s -n 3000 -t 2 -o %s/t2.h5 --quiet", bin(), sc,
                         tmpdir), 0);
    int st = run(out, sizeof out, "/usr/bin/python3 tests/h5_same.py %s/t1.h5 %s/t2.h5", tmpdir,
                 tmpdir);
    if (st != 0)
        print_error("%s", out);
    assert_int_equal(st, 0);
    /* A different seed must give different results (the comparison can fail). */
    assert_int_equal(run(out, sizeof out, "%s run %s -n 3000 -s 99 -o %s/s99.h5 --quiet", bin(), sc,
                         tmpdir), 0);
    assert_int_not_equal(run(out, sizeof out, "/usr/bin/python3 tests/h5_same.py %s/t1.h5 %s/s99.h5",
                             tmpdir, tmpdir), 0);
}

static void test_no_overwrite_without_force(void **state)
{
    (void)state;
    char out[16384], path[512];
    snprintf(path, sizeof path, "%s/keep.h5", tmpdir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("precious", f);
    fclose(f);
    const char *sc = "scenarios/kirklees-no-change-v1.yaml";
    assert_int_equal(run(out, sizeof out, "%s run %s -n 200 -o %s", bin(), sc, path), 2);
    assert_non_null(strstr(out, "--force"));
    assert_int_equal(run(out, sizeof out, "cat %s", path), 0);
    assert_string_equal(out, "precious");
    assert_int_equal(run(out, sizeof out, "%s run %s -n 200 -o %s --force", bin(), sc, path), 0);
    assert_non_null(strstr(out, "P(target met)"));
    assert_int_equal(run(out, sizeof out, "h5dump -H %s | grep -c DATASET", path), 0);
    assert_true(atoi(out) > 100);
    assert_int_equal(run(out, sizeof out, "ls %s | grep -c tmp", tmpdir), 1);   /* none left */
}

/* Several scenarios in one run, each to its own file; --set lands in the file. */
static void test_run_several_and_set(void **state)
{
    (void)state;
    char out[16384];
    const char *m = "tests/data/scenario/minimal.yaml", *l = "tests/data/scenario/levers.yaml";
    assert_int_equal(run(out, sizeof out, "cd %s && %s/%s run %s/%s %s/%s -n 50 --quiet", tmpdir,
                         getenv("PWD"), bin(), getenv("PWD"), m, getenv("PWD"), l), 0);
    assert_int_equal(run(out, sizeof out, "ls %s/results/minimal-test.h5 %s/results/levers-test.h5",
                         tmpdir, tmpdir), 0);
    /* The same name twice is refused before anything runs. */
    assert_int_equal(run(out, sizeof out, "%s run %s %s -n 50", bin(), m, m), 2);
    assert_non_null(strstr(out, "both named minimal-test"));
    assert_int_equal(run(out, sizeof out, "%s run %s %s -n 50 -o %s/x.h5", bin(), m, l, tmpdir), 2);
    assert_non_null(strstr(out, "-o takes one scenario file"));
    assert_int_equal(run(out, sizeof out, "%s run %s -n 50 -o %s/s.h5 --quiet --set "
                         "finance.grant.growth=0.05 --set 'levers.fees.effect=-0.2'", bin(), l,
                         tmpdir), 0);
    assert_int_equal(run(out, sizeof out, "h5dump -a /overrides %s/s.h5", tmpdir), 0);
    assert_non_null(strstr(out, "finance.grant.growth=0.05; levers.fees.effect=-0.2"));
    assert_int_equal(run(out, sizeof out, "h5dump -a /levers/fees/changes %s/s.h5", tmpdir), 0);
    assert_non_null(strstr(out, "unit_cost"));
}

/* sweep, goalseek and attribute end to end: tables, files, CSVs, the chart,
 * and the report of each; a sweep's file is the same for 1 and 2 threads. */
static void test_whatif_commands(void **state)
{
    (void)state;
    char out[65536];
    const char *m = "tests/data/scenario/minimal.yaml";
    for (int t = 1; t <= 2; t++) {
        assert_int_equal(run(out, sizeof out, "%s sweep %s --set parameters.p_issue=0.7,0.8,0.9 "
                             "--set finance.fixed_lines=120000 -n 200 -t %d -o %s/sw%d.h5 "
                             "--csv %s/sw%d.csv", bin(), m, t, tmpdir, t, tmpdir, t), 0);
        assert_non_null(strstr(out, "Sweep of minimal-test: 3 points"));
        assert_non_null(strstr(out, "P(target met) by year"));
    }
    assert_int_equal(run(out, sizeof out, "/usr/bin/python3 tests/h5_same.py %s/sw1.h5 %s/sw2.h5",
                         tmpdir, tmpdir), 0);
    assert_int_equal(run(out, sizeof out, "cmp %s/sw1.csv %s/sw2.csv", tmpdir, tmpdir), 0);
    assert_int_equal(run(out, sizeof out, "%s sweep %s --set parameters.p_issue=0.7,0.8 -n 200 "
                         "-o %s/sw1.h5", bin(), m, tmpdir), 2);
    assert_non_null(strstr(out, "use --force"));

    assert_int_equal(run(out, sizeof out, "%s goalseek %s --vary parameters.p_issue --range "
                         "0.3,1 --target 'mean(new_plans)[2025/26] >= 30' -n 300 -o %s/gs.h5",
                         bin(), m, tmpdir), 0);
    assert_non_null(strstr(out, "Goal: mean(new_plans)[2025/26] >= 30"));
    assert_true(strstr(out, "holds from parameters.p_issue =") || strstr(out, "not attainable"));

    assert_int_equal(run(out, sizeof out, "%s attribute %s tests/data/scenario/levers.yaml -n 300 "
                         "-o %s/at.h5 --csv %s/at.csv --chart %s/at.svg", bin(), m, tmpdir,
                         tmpdir, tmpdir), 0);
    assert_non_null(strstr(out, "Why the forecast moved: minimal-test -> levers-test"));
    assert_non_null(strstr(out, "(3) changed levers"));

    for (int k = 0; k < 3; k++) {
        static const char *const f[] = { "sw1", "gs", "at" };
        assert_int_equal(run(out, sizeof out, "%s report %s/%s.h5 -o %s/%s.html", bin(), tmpdir,
                             f[k], tmpdir, f[k]), 0);
    }
    assert_int_equal(run(out, sizeof out, "grep -c '<svg' %s/at.html", tmpdir), 0);
    assert_int_equal(run(out, sizeof out, "grep -c 'Goal:' %s/gs.html", tmpdir), 0);
    assert_int_equal(run(out, sizeof out, "%s report %s/at.h5 --compare %s/at.h5 -o %s/x.html",
                         bin(), tmpdir, tmpdir, tmpdir), 2);
    assert_int_equal(run(out, sizeof out, "%s export %s/at.h5 --csv %s/x.csv", bin(), tmpdir,
                         tmpdir), 2);
    assert_non_null(strstr(out, "attribution file"));
}

/* Outputs never replace what they should not (issue 17): an existing export
 * or report without --force; a command's own input, under any name, even with
 * --force; something that is not a regular file (a FIFO, a symbolic link, a
 * device: as root `--csv /dev/null` replaced the device node), even with
 * --force; one output with another of the same command. An empty -o is bad
 * usage (exit 2), and a legal 255-byte file name works. */
static void test_outputs_replace_nothing_they_should_not(void **state)
{
    (void)state;
    char out[16384], r[512], before[128], after[128], name[300];
    snprintf(r, sizeof r, "%s/own.h5", tmpdir);
    assert_int_equal(run(out, sizeof out, "%s run tests/data/scenario/minimal.yaml -n 30 -o %s "
                         "--quiet && mkdir -p %s/sc && cp tests/data/scenario/minimal.yaml %s/sc/ "
                         "&& ln -sfn \"$PWD/tests/data/scenario/data\" %s/sc/data && "
                         "ln %s %s/hard.h5 && mkfifo %s/fifo.csv && ln -s %s %s/link.csv && "
                         "echo precious > %s/old.csv", bin(), r, tmpdir, tmpdir, tmpdir, r, tmpdir,
                         tmpdir, r, tmpdir, tmpdir), 0);
    assert_int_equal(run(before, sizeof before, "sha256sum %s %s/sc/minimal.yaml | md5sum", r,
                         tmpdir), 0);
    static const struct { const char *args, *says; } refused[] = {
        { "export %1$s/own.h5 --csv %1$s/own.h5", "own input" },
        { "export %1$s/own.h5 --csv %1$s/own.h5 --force", "own input" },
        { "export %1$s/own.h5 --xlsx %1$s/hard.h5 --force", "own input" },
        { "report %1$s/own.h5 -o %1$s/own.h5 --force", "own input" },
        { "report %1$s/own.h5 --compare %1$s/hard.h5 -o %1$s/hard.h5 --force", "own input" },
        { "compare %1$s/own.h5 %1$s/own.h5 -o %1$s/own.h5 --force", "own input" },
        { "run %1$s/sc/minimal.yaml -n 10 -o %1$s/sc/minimal.yaml --force", "own input" },
        { "run %1$s/sc/minimal.yaml -n 10 -o %1$s/sc/data/money.csv --force", "own input" },
        { "export %1$s/own.h5 --csv %1$s/old.csv", "exists; use --force" },
        { "report %1$s/own.h5 -o %1$s/old.csv", "exists; use --force" },
        { "export %1$s/own.h5 --csv %1$s/fifo.csv --force", "not a regular file" },
        { "report %1$s/own.h5 -o %1$s/fifo.csv --force", "not a regular file" },
        { "export %1$s/own.h5 --csv %1$s/link.csv --force", "not a regular file" },
        { "export %1$s/own.h5 --csv %1$s/two --xlsx %1$s/two", "twice" },
        { "export %1$s/own.h5 --csv ''", "no file name" },
        { "report %1$s/own.h5 -o ''", "no file name" },
        { "compare %1$s/own.h5 %1$s/own.h5 -o ''", "no file name" },
        { "run %1$s/sc/minimal.yaml -n 10 -o ''", "no file name" },
    };
    for (size_t k = 0; k < sizeof refused / sizeof refused[0]; k++) {
        char args[1024];
        snprintf(args, sizeof args, refused[k].args, tmpdir);
        int st = run(out, sizeof out, "%s %s", bin(), args);
        if (st != 2 || !strstr(out, refused[k].says))
            fail_msg("sendcast %s: exit %d, expected 2 and \"%s\":\n%s", args, st,
                     refused[k].says, out);
    }
    assert_int_equal(run(after, sizeof after, "sha256sum %s %s/sc/minimal.yaml | md5sum", r,
                         tmpdir), 0);
    assert_string_equal(before, after);              /* the inputs are untouched */
    assert_int_equal(run(out, sizeof out, "cat %s/old.csv; test -p %s/fifo.csv && test -L "
                         "%s/link.csv && ls %s | grep -c -e two -e tmp", tmpdir, tmpdir, tmpdir,
                         tmpdir), 1);
    assert_non_null(strstr(out, "precious\n0"));
    /* with --force an older export, report or set of charts is replaced */
    assert_int_equal(run(out, sizeof out, "%1$s export %2$s/own.h5 --csv %2$s/old.csv --force && "
                         "%1$s report %2$s/own.h5 -o %2$s/p.html && "
                         "%1$s report %2$s/own.h5 -o %2$s/p.html --force && "
                         "%1$s export %2$s/own.h5 --charts %2$s/ch", bin(), tmpdir), 0);
    assert_int_equal(run(out, sizeof out, "%s export %s/own.h5 --charts %s/ch", bin(), tmpdir,
                         tmpdir), 2);
    assert_non_null(strstr(out, "use --force"));
    assert_int_equal(run(out, sizeof out, "%s export %s/own.h5 --charts %s/ch --force", bin(),
                         tmpdir, tmpdir), 0);
    /* a file name of 255 bytes, the most a folder holds */
    memset(name, 'n', 251);
    memcpy(name + 251, ".csv", 5);
    assert_int_equal(run(out, sizeof out, "%s export %s/own.h5 --csv %s/%s", bin(), tmpdir,
                         tmpdir, name), 0);
    assert_int_equal(run(out, sizeof out, "test -s %s/%s && ls %s | grep -c tmp", tmpdir, name,
                         tmpdir), 1);
}

/* An implausible number is a warning, not a refusal: the run goes on (exit
 * 0) and says where the number is, on stderr; fit says it too. */
static void test_implausible_numbers_warn(void **state)
{
    (void)state;
    char out[16384], path[512];
    snprintf(path, sizeof path, "%s/warn.yaml", tmpdir);
    int st = run(out, sizeof out,
                 "ln -sfn \"$PWD/scenarios/data\" %s/data && "
                 "sed 's/pupil_growth: {value: -0.005,/pupil_growth: {value: 4,/' "
                 "scenarios/kirklees-clusters-v1.yaml > %s && grep -n 'value: 4,' %s | cut -d: -f1",
                 tmpdir, path, path);
    assert_int_equal(st, 0);
    int line = atoi(out);
    assert_true(line > 0);
    char want[600];
    snprintf(want, sizeof want, "warning: %s:%d:", path, line);
    /* stderr alone: the warnings, not the table */
    assert_int_equal(run(out, sizeof out, "{ %s run %s -n 20 -o %s/warn.h5 2>&1 >/dev/null; }",
                         bin(), path, tmpdir), 0);
    if (!strstr(out, want))
        print_error("expected \"%s\" in: %s\n", want, out);
    assert_non_null(strstr(out, want));
    assert_non_null(strstr(out, "a yearly rate of 4 is 400% a year"));
    assert_int_equal(run(out, sizeof out, "{ %s fit %s 2>&1 >/dev/null; }", bin(), path), 0);
    assert_non_null(strstr(out, want));
}

/* A bounded run names each pass on stderr (the bar would otherwise reach
 * 100% in the pilot and start again), and says that it kept no
 * per-trajectory series for compare, with the --memory that would. */
static void test_bounded_run_says_so(void **state)
{
    (void)state;
    char out[16384];
    const char *sc = "scenarios/kirklees-no-change-v1.yaml";
    assert_int_equal(run(out, sizeof out, "%s run %s -n 4000 --memory 1 -o %s/bounded.h5",
                         bin(), sc, tmpdir), 0);
    if (!strstr(out, "pass 1 of up to 3: a pilot sample"))
        print_error("%s", out);
    assert_non_null(strstr(out, "simulating kirklees-no-change-v1, pass 1 of up to 3"));
    assert_non_null(strstr(out, "pass 2 of up to 3: every trajectory"));
    assert_non_null(strstr(out, "Kept no per-trajectory series"));
    assert_non_null(strstr(out, "--memory "));
    /* every record kept: no pass named, nothing to say */
    assert_int_equal(run(out, sizeof out, "%s run %s -n 200 -o %s/kept.h5", bin(), sc, tmpdir),
                     0);
    assert_null(strstr(out, "pass 1"));
    assert_null(strstr(out, "Kept no per-trajectory"));
}

/* A result file that is not there says so, in every command that reads one. */
static void test_missing_result_says_no_such_file(void **state)
{
    (void)state;
    char out[16384];
    const char *cmds[] = {"export %s/none.h5 --csv %s/x.csv", "compare %s/none.h5 %s/none.h5",
                          "report %s/none.h5 -o %s/x.html", "sensitivity %s/none.h5"};
    for (size_t k = 0; k < sizeof cmds / sizeof *cmds; k++) {
        char cmd[512];
        snprintf(cmd, sizeof cmd, cmds[k], tmpdir, tmpdir);
        assert_int_equal(run(out, sizeof out, "%s %s", bin(), cmd), 2);
        if (!strstr(out, "No such file"))
            print_error("%s: %s", cmd, out);
        assert_non_null(strstr(out, "none.h5: cannot open: No such file"));
        assert_null(strstr(out, "not an HDF5"));
    }
}

/* The run's table shows each target of the `targets:` section with its
 * metric's band, the target and P(met) by year, and the target's status:
 * Kirklees' cumulative-deficit profile is illustrative. */
static void test_run_prints_other_targets(void **state)
{
    (void)state;
    char out[16384], path[512];
    snprintf(path, sizeof path, "%s/targets.h5", tmpdir);
    assert_int_equal(run(out, sizeof out, "%s run scenarios/kirklees-clusters.yaml -n 300 -o %s "
                         "--force", bin(), path), 0);
    const char *t = strstr(out, "Target deficit_profile: cumulative_deficit at most each "
                                "year's value (£m)");
    assert_non_null(t);
    assert_non_null(strstr(t, "2024/25"));
    assert_non_null(strstr(t, "   47.00"));            /* the first year's target, £m */
    assert_non_null(strstr(t, "P(every year's target met):"));
    assert_non_null(strstr(t, "Its status in the scenario: illustrative"));
}

int main(void)
{
    sc_library_init();   /* as main() does: GSL never aborts (library.h) */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_version_and_help),
        cmocka_unit_test(test_bad_usage_exits_2),
        cmocka_unit_test(test_bad_scenario_names_file_and_line),
        cmocka_unit_test(test_bad_scenarios_exit_2_with_file_and_line),
        cmocka_unit_test(test_stale_temporary_files_cleaned),
        cmocka_unit_test(test_full_disk_and_interrupt_leave_nothing),
        cmocka_unit_test(test_extremes),
        cmocka_unit_test(test_unwritable_folder),
        cmocka_unit_test(test_threads_give_identical_files),
        cmocka_unit_test(test_no_overwrite_without_force),
        cmocka_unit_test(test_run_several_and_set),
        cmocka_unit_test(test_whatif_commands),
        cmocka_unit_test(test_outputs_replace_nothing_they_should_not),
        cmocka_unit_test(test_implausible_numbers_warn),
        cmocka_unit_test(test_bounded_run_says_so),
        cmocka_unit_test(test_missing_result_says_no_such_file),
        cmocka_unit_test(test_run_prints_other_targets),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
