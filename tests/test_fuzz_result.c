/*
 * test_fuzz_result.c — replays every input the result fuzzer found
 * (fuzz/regressions-result/, one a fault signature, fuzz/triage.sh), in the
 * normal build and under `make asan`:
 *
 *  - every file through the product's reader (sc_result_read: checksum,
 *    then HDF5 first in a child process), as found and with its checksum
 *    taken away (so that HDF5 reads it, as it would a crafted file with a
 *    recomputed checksum): SC_OK or SC_EINPUT naming the file, never a
 *    crash, a hang or a sanitizer report; the faults inside libhdf5 (hdf5-*)
 *    are refused as files HDF5 cannot read safely;
 *  - files named ours-* (faults in sendcast's own code, fixed) also through
 *    the fuzz harness itself, in this process, where the fault would show.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../fuzz/fuzz_result.c"
#include "sendcast/library.h"

#define REG_DIR "fuzz/regressions-result"

/* The bytes of path, malloc'd; *size their number. */
static unsigned char *slurp(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    long n = ftell(f);
    assert_true(n >= 0);
    rewind(f);
    unsigned char *bytes = malloc((size_t)n + 1);
    assert_non_null(bytes);
    assert_int_equal(fread(bytes, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *size = (size_t)n;
    return bytes;
}

/* Read path through the product's reader, with the child's time limit (0:
 * the product's): read whole or refused as input naming the file, nothing
 * else; returns whether it was refused. */
static int read_contained(const char *path, double timeout_s)
{
    sc_result *r = NULL;
    sc_error e;
    sc_error_clear(&e);
    int rc = sc_result_read_within(path, timeout_s, &r, &e);
    if (rc != SC_OK && rc != SC_EINPUT)
        fail_msg("%s: status %d: %s", path, rc, e.msg);
    if (rc == SC_EINPUT && !strstr(e.msg, path))
        fail_msg("%s: the refusal does not name the file: %s", path, e.msg);
    sc_result_free(r);
    return rc == SC_EINPUT;
}

static void test_result_regressions(void **state)
{
    (void)state;
    DIR *d = opendir(REG_DIR);
    assert_non_null(d);
    char tmpdir[] = "/tmp/sc-fuzzreg-XXXXXX";
    assert_non_null(mkdtemp(tmpdir));
    char plain[64];
    snprintf(plain, sizeof plain, "%s/plain.h5", tmpdir);
    struct dirent *ent;
    int n = 0, refused = 0, ours = 0;
    while ((ent = readdir(d))) {
        size_t len = strlen(ent->d_name);
        if (len < 4 || strcmp(ent->d_name + len - 3, ".h5"))
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", REG_DIR, ent->d_name);
        /* as found: most carry the checksum of the seed they were mutated
         * from, and are refused as damaged before HDF5 sees them (5 s is a
         * hang for these small files: the product allows 30) */
        refused += read_contained(path, 5);
        /* without the checksum (as a crafted file with a recomputed one, or
         * another program's): HDF5 reads it in the child, where its crash,
         * exit or hang is a refusal */
        size_t size;
        unsigned char *bytes = slurp(path, &size);
        if (size >= sizeof SC_H5_CHECKSUM_MAGIC - 1
            && !memcmp(bytes, SC_H5_CHECKSUM_MAGIC, sizeof SC_H5_CHECKSUM_MAGIC - 1)) {
            memset(bytes, 0, sizeof SC_H5_CHECKSUM_MAGIC - 1);
            FILE *f = fopen(plain, "wb");
            assert_non_null(f);
            assert_int_equal(fwrite(bytes, 1, size, f), size);
            assert_int_equal(fclose(f), 0);
            read_contained(plain, 5);
            assert_int_equal(unlink(plain), 0);
        }
        /* faults in sendcast's own code (fixed): in this process too, as
         * the harness read them */
        if (!strncmp(ent->d_name, "ours-", 5) && !strstr(ent->d_name, "-timeout-")) {
            assert_int_equal(LLVMFuzzerTestOneInput(bytes, size), 0);
            ours++;
        }
        free(bytes);
        n++;
    }
    closedir(d);
    assert_int_equal(rmdir(tmpdir), 0);
    print_message("%d result-fuzzer regressions read (%d refused as found, %d replayed in "
                  "process)\n", n, refused, ours);
    assert_true(n >= 1);
}

int main(void)
{
    sc_library_init();   /* as main() does: GSL never aborts (library.h) */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_result_regressions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
