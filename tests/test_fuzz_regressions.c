/*
 * test_fuzz_regressions.c — replays every input the fuzzer ever needed
 * (fuzz/regressions/) and every bad scenario of the catalogue (tests/bad/,
 * as scenario inputs) through the fuzz harness itself, in the normal build:
 * under `make asan` a crash, a leak or undefined behaviour fails the test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "sendcast/library.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../fuzz/fuzz_scenario.c"

/* Feed each regular file of dir to the harness; `prefix` >= 0 is prepended as
 * the harness's target byte (the catalogue's files are plain scenarios). */
static int replay_dir(const char *dir, int prefix)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *ent;
    int n = 0;
    while ((ent = readdir(d))) {
        size_t nl = strlen(ent->d_name);
        if (ent->d_name[0] == '.' || !strchr(ent->d_name, '.') ||
            (prefix >= 0 && (nl < 5 || strcmp(ent->d_name + nl - 5, ".yaml"))))
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, ent->d_name);
        FILE *f = fopen(path, "rb");
        if (!f)
            continue;
        static uint8_t buf[1 << 20];
        size_t len = 0;
        if (prefix >= 0)
            buf[len++] = (uint8_t)prefix;
        len += fread(buf + len, 1, sizeof buf - len, f);
        fclose(f);
        assert_int_equal(LLVMFuzzerTestOneInput(buf, len), 0);
        n++;
    }
    closedir(d);
    return n;
}

static void test_fuzz_regressions(void **state)
{
    (void)state;
    int n = replay_dir("fuzz/regressions", -1);
    print_message("%d fuzz regression inputs replayed\n", n);
    assert_true(n >= 1);
}

static void test_bad_catalogue_through_harness(void **state)
{
    (void)state;
    int n = replay_dir("tests/bad", 0);
    print_message("%d bad scenarios replayed\n", n);
    assert_true(n >= 40);
}

int main(void)
{
    sc_library_init();   /* as main() does: GSL never aborts (library.h) */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fuzz_regressions),
        cmocka_unit_test(test_bad_catalogue_through_harness),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
