/*
 * test_alloc.c — every allocation failure of a small run ends cleanly.
 *
 * All of sendcast's allocation goes through one wrapper (include/sendcast/
 * alloc.h). For k = 1, 2, ... this test makes the k-th allocation of a whole
 * `sendcast run` fail, in process, and checks that the run stops with the
 * exit status of a failure (1), a message that says memory ran out, and no
 * result file (nor a temporary one) left behind; under `make asan`,
 * LeakSanitizer also checks that nothing allocated before the failure leaks.
 * It stops at the first k beyond the run's last allocation, where the run
 * must succeed. The same goes for a run with levers and a --set, and for a
 * `sendcast sweep` (each point a run), and over reading two SEN2 releases (a
 * folder and a zip: sc_sen2_read), which must fail with SC_ENOMEM and no panel.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sendcast/library.h"
#include "sendcast/alloc.h"
#include "sendcast/cli.h"
#include "sendcast/error.h"
#include "sendcast/sen2.h"

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static int leftovers(const char *dir)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "ls %s | grep -q tmp", dir);
    return system(cmd) == 0;
}

typedef int (*command_fn)(int argc, char **argv, sc_error *e);

static void fail_each(command_fn fn, const char *cmd, const char *scenario, const char *n,
                      const char *extra, const char *extra2)
{
    char dir[] = "/tmp/sendcast-alloc-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char out[512];
    snprintf(out, sizeof out, "%s/r.h5", dir);
    char *argv[] = {(char *)cmd, (char *)scenario, "-n", (char *)n, "-t", "2", "-o", out,
                    "--quiet", (char *)extra, (char *)extra2, NULL};
    int argc = extra2 ? 11 : extra ? 10 : 9;

    long k;
    for (k = 1;; k++) {
        sc_error e;
        sc_error_clear(&e);
        sc_alloc_fail_at(k);
        int st = fn(argc, argv, &e);
        long made = sc_alloc_count();
        sc_alloc_fail_at(0);
        if (made < k) {          /* the run made fewer than k allocations: none failed */
            assert_int_equal(st, SC_OK);
            assert_true(exists(out));
            break;
        }
        if (st == SC_OK || sc_error_exit_code(&e) != 1 || !strstr(e.msg, "memory") ||
            exists(out) || leftovers(dir))
            print_error("allocation %ld: status %d, exit %d, file %d, message: %s\n", k, st,
                        sc_error_exit_code(&e), exists(out), e.msg);
        assert_int_not_equal(st, SC_OK);
        assert_int_equal(sc_error_exit_code(&e), 1);
        assert_non_null(strstr(e.msg, "memory"));
        assert_false(exists(out));
        assert_false(leftovers(dir));
    }
    print_message("%s %s: %ld allocations, each failed in turn\n", cmd, scenario, k - 1);
    assert_true(k > 50);
    char rm[600];
    snprintf(rm, sizeof rm, "rm -rf %s", dir);
    assert_int_equal(system(rm), 0);
}

static void sweep(const char *scenario, const char *n, const char *extra, const char *extra2)
{
    fail_each(sc_cli_run, "run", scenario, n, extra, extra2);
}

static void test_every_allocation_of_a_run(void **state)
{
    (void)state;
    sweep("tests/data/scenario/minimal.yaml", "40", NULL, NULL);
}

static void test_every_allocation_of_a_run_with_levers(void **state)
{
    (void)state;
    sweep("tests/data/scenario/levers.yaml", "40", "--set=finance.grant.growth=0.05", NULL);
}

static void test_every_allocation_of_a_sweep(void **state)
{
    (void)state;
    fail_each(sc_cli_sweep, "sweep", "tests/data/scenario/levers.yaml", "20",
              "--set=levers.fees.effect=-0.1,0.1", NULL);
}

static void test_every_allocation_of_a_bounded_run(void **state)
{
    (void)state;
    /* 259 cells x 600 trajectories x 8 bytes pass 1 MB: three passes, bounded;
     * the sample of 300 whose draws it keeps, and its layered fan, fit in it. */
    sweep("tests/data/scenario/minimal.yaml", "600", "--memory=1", "--sample=300");
}

static void test_every_allocation_of_a_sen2_read(void **state)
{
    (void)state;
    const char *paths[2] = { "tests/data/sen2/r2022", "tests/data/sen2/r2025.zip" };
    long k;
    for (k = 1;; k++) {
        sc_error e;
        sc_error_clear(&e);
        sc_sen2 *p = (sc_sen2 *)1;
        sc_alloc_fail_at(k);
        int st = sc_sen2_read(paths, 2, &p, &e);
        long made = sc_alloc_count();
        sc_alloc_fail_at(0);
        if (made < k) {
            assert_int_equal(st, SC_OK);
            assert_true(sc_sen2_la_count(p) > 10);
            sc_sen2_free(p);
            break;
        }
        if (st != SC_ENOMEM || !strstr(e.msg, "memory") || p)
            print_error("allocation %ld: status %d, panel %p, message: %s\n", k, st, (void *)p,
                        e.msg);
        assert_int_equal(st, SC_ENOMEM);
        assert_int_equal(sc_error_exit_code(&e), 1);
        assert_non_null(strstr(e.msg, "memory"));
        assert_null(p);
    }
    print_message("SEN2 releases: %ld allocations, each failed in turn\n", k - 1);
    assert_true(k > 50);
}

int main(void)
{
    sc_library_init();   /* as main() does: GSL never aborts (library.h) */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_allocation_of_a_run),
        cmocka_unit_test(test_every_allocation_of_a_run_with_levers),
        cmocka_unit_test(test_every_allocation_of_a_sweep),
        cmocka_unit_test(test_every_allocation_of_a_bounded_run),
        cmocka_unit_test(test_every_allocation_of_a_sen2_read),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
