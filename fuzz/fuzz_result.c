/*
 * fuzz_result.c — libFuzzer harness over the result reader: the reading path
 * of export, compare and report (`make fuzz`).
 *
 * The input is a result file's bytes. It is read in this process, without
 * the checksum and without the child process that sc_result_read() puts
 * round HDF5 (src/export/result.c), so that every fault is the fuzzer's to
 * see: a crash or a sanitizer report in sendcast's checks, or in HDF5 itself
 * (which the child process survives in the product; such inputs go to
 * fuzz/regressions-result/ and tests/test_fuzz_result.c replays them through
 * sc_result_read). What export, compare and report compute from a result
 * they read then runs on it too: fan-chart percentiles of every district
 * metric, P(overspend) of every cluster, and the paired comparison of the
 * result with itself. Seeds: real result files (`make fuzz` makes them).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "sendcast/library.h"
#include "sendcast/compare.h"
#include "sendcast/h5.h"
#include "sendcast/result.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* As main() does (library.h). */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    sc_library_init();
    return 0;
}

/* What the exports compute from a result, on every metric it has: the
 * fan charts' band edges (export.h's sc_fan_q, without linking PLplot). */
static const double fan_q[7] = { 5, 20, 35, 50, 65, 80, 95 };

static void use(const sc_result *r)
{
    sc_error e;
    for (int v = 0; v < SC_NLEVELS; v++)
        for (int k = 0; k < r->nmetrics[v]; k++) {
            const sc_result_metric *m = &r->metric[v][k];
            for (int u = 0; u < m->units && u < 4; u++) {
                double out[64 * 7];
                if (r->years <= 64)
                    sc_result_quantiles(r, m, u, 7, fan_q, out, &e);
                int exact;
                for (int t = 0; t < r->years; t++)
                    (void)sc_result_p_positive(r, m, t, u, &exact);
            }
        }
    sc_compare *c = NULL;
    if (sc_compare_compute(r, r, 1, &c, &e) == SC_OK)
        sc_compare_free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The reader only reads the image; HDF5 is given it in place. */
    sc_h5_image img = { (unsigned char *)(uintptr_t)data, size, 0 };
    sc_result *r = NULL;
    sc_error e;
    sc_error_clear(&e);
    if (sc_result_read_image("fuzz.h5", &img, &r, &e) == SC_OK) {
        use(r);
        sc_result_free(r);
    }
    return 0;
}
