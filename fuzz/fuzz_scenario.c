/*
 * fuzz_scenario.c — libFuzzer harness over the scenario reader, its CSV
 * reader and validation (`make fuzz`).
 *
 * The first byte chooses the target: even, the rest is a scenario file (YAML)
 * next to the small CSV fixtures of tests/data/scenario/data; odd, the rest is
 * a clusters CSV read through a fixed scenario (tests/data/scenario/minimal.yaml
 * with its clusters taken from that CSV). Whatever the input, the reader must
 * return SC_OK or an error, never crash, hang or leak (ASan, UBSan, LSan).
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sendcast/library.h"
#include "sendcast/scenario.h"

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

static const char csv_scenario[] =
    "name: fuzz\nbase_year: 2023\nhorizon: 2\ntrajectories: 10\nseed: 1\n"
    "areas:\n  - {id: N, name: North}\n  - {id: S, name: South}\n"
    "bands:\n  topup: [3000, 9000]\n"
    "clusters:\n  csv: data/fuzz.csv\n  columns: {id: cluster, area: area, pupils: pupils, "
    "need_index: need, bands: [b1, b2]}\n"
    "population:\n  pupil_growth: 0.01\n  send_support_share: 0.12\n"
    "placements:\n  arp: {unit_cost: 15000, stock: 9}\n  special: {unit_cost: 25000, stock: 11}\n"
    "  independent: {unit_cost: 60000, stock: 0}\n  post16: {unit_cost: 9000, stock: 5}\n"
    "  other: {unit_cost: 8000, stock: 3}\n"
    "parameters:\n  conversion: {dist: fixed, value: [-2.0, 0.1]}\n  p_assess: 0.6\n"
    "  p_issue: 0.9\n  placement_mix: {dist: fixed, value: [0.5, 0.1, 0.2, 0.05, 0.1, 0.05]}\n"
    "  band_mix: {dist: dirichlet, alpha: [3.5, 2.5]}\n  cease_mainstream: 0.05\n"
    "  cease_arp: 0.05\n  cease_special: 0.04\n  cease_independent: 0.06\n  cease_post16: 0.15\n"
    "  cease_other: 0.1\n  step_up: 0.03\n  escalation: 0.01\n  post16_transfer: 0.07\n"
    "  inflation: 0.02\n"
    "cluster_working:\n  ramp: {}\n  early_support_total: 0\n  contingency_share: 0.1\n"
    "  budgets: {uplift: 0.0}\n"
    "finance:\n  fixed_lines: 100000\n  opening_deficit: 0\n  grant: {table: {2023: 1000000}, "
    "growth: 0.0}\n  transfers: {}\n  safety_valve: {payments: {}, conditional: false, "
    "targets: {}}\n";

/* A private folder with the fixtures' CSVs beside the fuzzed file. */
static const char *workdir(void)
{
    static char dir[PATH_MAX];
    if (dir[0])
        return dir;
    char cwd[PATH_MAX], src[PATH_MAX + 64], dst[PATH_MAX + 64];
    snprintf(dir, sizeof dir, "/tmp/sendcast-fuzz-XXXXXX");
    if (!mkdtemp(dir) || !getcwd(cwd, sizeof cwd))
        abort();
    snprintf(dst, sizeof dst, "%s/data", dir);
    if (mkdir(dst, 0700) != 0)
        abort();
    static const char *const files[] = {"money.csv"};
    for (size_t k = 0; k < sizeof files / sizeof files[0]; k++) {
        snprintf(src, sizeof src, "%s/tests/data/scenario/data/%s", cwd, files[k]);
        snprintf(dst, sizeof dst, "%s/data/%s", dir, files[k]);
        if (symlink(src, dst) != 0)
            abort();
    }
    return dir;
}

static void put(const char *path, const void *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f) != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const char *dir = workdir();
    char yaml[PATH_MAX + 32], csv[PATH_MAX + 32];
    snprintf(yaml, sizeof yaml, "%s/case.yaml", dir);
    snprintf(csv, sizeof csv, "%s/data/fuzz.csv", dir);
    if (data[0] & 1) {
        put(yaml, csv_scenario, sizeof csv_scenario - 1);
        put(csv, data + 1, size - 1);
    } else {
        put(yaml, data + 1, size - 1);
    }
    sc_scenario *s = NULL;
    sc_error e;
    sc_error_clear(&e);
    if (sc_scenario_read(yaml, &s, &e) == SC_OK)
        sc_scenario_free(s);
    return 0;
}
