/*
 * test_untrusted.c — result files are untrusted input (issue 17).
 *
 * Result files are mailed between councils and DfE, so export, compare and
 * report read them as an attacker or an unlucky disk may have left them. A
 * small real result (model 2, cluster working, money) is made once by the
 * built binary; tests/craft_results.py then writes one crafted copy for each
 * way of breaking it (attributes stored as arrays, sizes that wrap, external
 * storage and links reaching outside the file, a FIFO behind them, wrong
 * types, ranks and shapes, strings that are not UTF-8, numbers out of range,
 * parameters that make no sense...). Every one must be refused by every
 * reading command with exit status 2, naming the file, in bounded time, with
 * no sanitizer report, no byte from outside the file in the output, and no
 * output file left. Bit flips in a real result are caught by its checksum;
 * bit flips in a file without one must never crash a command. Inputs that are
 * not regular files (FIFOs) are refused rather than waited on.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "sendcast/library.h"

#include "cli_util.h"

static char dir[256], src[320], cases[320], fifo[320], minimal[320];
static char out[1 << 16];

static int exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

static int setup(void **state)
{
    (void)state;
    setenv("LSAN_OPTIONS", "suppressions=tests/lsan.supp:print_suppressions=0", 0);
    snprintf(dir, sizeof dir, "/tmp/sendcast-untrusted-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(src, sizeof src, "%s/src.h5", dir);
    snprintf(cases, sizeof cases, "%s/cases", dir);
    snprintf(fifo, sizeof fifo, "%s/fifo", dir);
    snprintf(minimal, sizeof minimal, "%s/minimal.h5", dir);
    if (mkfifo(fifo, 0600) != 0)
        return -1;
    int rc = run(out, sizeof out, "%s run scenarios/kirklees-clusters.yaml -n 20 -o %s --quiet && "
                 "/usr/bin/python3 tests/craft_results.py %s %s %s && "
                 "/usr/bin/python3 tests/craft_results.py --minimal %s",
                 bin(), src, src, cases, fifo, minimal);
    if (rc)
        fprintf(stderr, "%s", out);
    return rc ? -1 : 0;
}

static int teardown(void **state)
{
    (void)state;
    return run(out, sizeof out, "rm -rf %s", dir);
}

/* What no command may print, whatever it is given. */
static void assert_clean(const char *what, const char *text)
{
    static const char *const never[] = { "Sanitizer", "runtime error", "root:x:0:0",
                                         "Segmentation", "HDF5-DIAG", "Program aborted" };
    for (size_t k = 0; k < sizeof never / sizeof never[0]; k++)
        if (strstr(text, never[k]))
            fail_msg("%s printed \"%s\":\n%s", what, never[k], text);
}

/* `sendcast ARGS` on a bad file must exit 2 naming it, leave no output,
 * and print nothing it must not. */
static void assert_refused(const char *file, const char *fmt, ...)
{
    char args[2048], outfile[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    snprintf(outfile, sizeof outfile, "%s/out", dir);
    run(out, 64, "rm -rf %s", outfile);
    int rc = run(out, sizeof out, "timeout -s KILL 120 %s %s", bin(), args);
    if (rc != 2)
        fail_msg("sendcast %s: exit %d, expected 2:\n%s", args, rc, out);
    const char *base = strrchr(file, '/');
    if (!strstr(out, base ? base + 1 : file))
        fail_msg("sendcast %s: the message does not name %s:\n%s", args, file, out);
    assert_clean(args, out);
    if (exists(outfile))
        fail_msg("sendcast %s: left %s behind", args, outfile);
}

static int list_cases(char names[][256], int max)
{
    DIR *d = opendir(cases);
    assert_non_null(d);
    struct dirent *ent;
    int n = 0;
    while ((ent = readdir(d)) && n < max)
        if (strstr(ent->d_name, ".h5"))
            snprintf(names[n++], 256, "%s", ent->d_name);
    closedir(d);
    return n;
}

/* The builder of small results makes a file every command accepts, so a
 * case built from it is refused for what was changed, not for the rest. */
static void test_minimal_result_is_accepted(void **state)
{
    (void)state;
    int rc = run(out, sizeof out, "%s export %s --csv %s/m.csv && %s report %s -o %s/m.html",
                 bin(), minimal, dir, bin(), minimal, dir);
    if (rc)
        fail_msg("the crafted minimal result was refused:\n%s", out);
    assert_clean("minimal", out);
}

static void test_crafted_results_are_refused(void **state)
{
    (void)state;
    static char names[128][256];
    int n = list_cases(names, 128);
    assert_true(n >= 40);
    for (int k = 0; k < n; k++) {
        char path[640];
        snprintf(path, sizeof path, "%s/%.250s", cases, names[k]);
        assert_refused(path, "export %s --csv %s/out", path, dir);
        assert_refused(path, "report %s -o %s/out", path, dir);
        assert_refused(path, "compare %s %s -o %s/out", path, src, dir);
        assert_refused(path, "report %s --compare %s -o %s/out", src, path, dir);
    }
    print_message("%d crafted result files refused by export, compare and report\n", n);
}

/* The charts and the workbook read the same way; a few cases through them. */
static void test_crafted_results_refused_by_every_export(void **state)
{
    (void)state;
    static const char *const some[] = { "attr_scenario_name_list", "trajectories_wrap",
                                        "external_storage_passwd", "year_base_overflow",
                                        "percentile_nan" };
    for (size_t k = 0; k < sizeof some / sizeof some[0]; k++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s.h5", cases, some[k]);
        assert_refused(path, "export %s --xlsx %s/out", path, dir);
        assert_refused(path, "export %s --charts %s/out", path, dir);
    }
}

/* A result file that is a FIFO (or any file that is not a regular one) is
 * refused at once rather than waited on; so is a scenario or a CSV. */
static void test_inputs_that_are_not_regular_files(void **state)
{
    (void)state;
    assert_refused(fifo, "export %s --csv %s/out", fifo, dir);
    assert_non_null(strstr(out, "not a regular file"));
    assert_refused(fifo, "report %s -o %s/out", fifo, dir);
    assert_refused(fifo, "compare %s %s", src, fifo);
    assert_refused(fifo, "run %s -o %s/out", fifo, dir);
    assert_refused(dir, "export %s --csv %s/out", dir, dir);
    /* the reference scenario with its clusters read from a FIFO */
    int rc = run(out, sizeof out, "mkdir -p %s/s && ln -sf $PWD/tests/data/scenario/data %s/s/data && "
                 "sed -e '/^  - {id: c[123],/d' -e 's|^clusters:$|clusters:\\n  csv: ../fifo\\n  "
                 "columns: {id: cluster, area: area, pupils: pupils, need_index: need, bands: "
                 "[b1, b2]}|' tests/data/scenario/minimal.yaml > %s/s/fifo-csv.yaml && "
                 "timeout -s KILL 60 %s run %s/s/fifo-csv.yaml -o %s/out", dir, dir, dir, bin(),
                 dir, dir);
    if (rc != 2 || !strstr(out, "fifo"))
        fail_msg("a scenario reading a FIFO: exit %d:\n%s", rc, out);
}

/* Random bit flips: a file sendcast wrote carries a checksum, so every flip
 * is caught before HDF5 reads a byte; without the checksum (an older file, or
 * one stripped of it) HDF5 reads the damage, and no command may crash on it. */
static void test_bit_flips(void **state)
{
    (void)state;
    char flips[400], bare[400];
    snprintf(flips, sizeof flips, "%s/flips", dir);
    snprintf(bare, sizeof bare, "%s/bare", dir);
    assert_int_equal(run(out, sizeof out, "/usr/bin/python3 tests/craft_results.py --flips %s %s "
                         "40 17 && /usr/bin/python3 tests/craft_results.py --flips %s %s 40 18 "
                         "--unsigned", src, flips, src, bare), 0);
    int caught = 0, read = 0, refused = 0;
    for (int k = 0; k < 40; k++) {
        char path[512];
        snprintf(path, sizeof path, "%s/flip%03d.h5", flips, k);
        int rc = run(out, sizeof out, "timeout -s KILL 120 %s export %s --csv %s/s%03d.csv",
                     bin(), path, dir, k);
        assert_clean(path, out);
        if (rc != 2 || !strstr(out, "checksum"))
            fail_msg("%s: exit %d, expected 2 and the checksum named:\n%s", path, rc, out);
        caught++;
        snprintf(path, sizeof path, "%s/flip%03d.h5", bare, k);
        for (int c = 0; c < 2; c++) {
            rc = run(out, sizeof out, c ? "timeout -s KILL 120 %s report %s -o %s/b%03d.html"
                                        : "timeout -s KILL 120 %s export %s --csv %s/b%03d.csv",
                     bin(), path, dir, k);
            assert_clean(path, out);
            if (rc != 0 && rc != 2)
                fail_msg("%s: exit %d:\n%s", path, rc, out);
            read += rc == 0;
            refused += rc == 2;
        }
    }
    print_message("bit flips: %d caught by the checksum; without it %d read, %d refused, "
                  "none crashed\n", caught, read, refused);
}

int main(void)
{
    sc_library_init();   /* as main() does: GSL never aborts (library.h) */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_minimal_result_is_accepted),
        cmocka_unit_test(test_crafted_results_are_refused),
        cmocka_unit_test(test_crafted_results_refused_by_every_export),
        cmocka_unit_test(test_inputs_that_are_not_regular_files),
        cmocka_unit_test(test_bit_flips),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
