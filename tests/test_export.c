/*
 * test_export.c — reading a result back (src/export/result.c) and the
 * exports made from it: CSV, Excel workbook, PNG/SVG charts.
 *
 * A small Kirklees run (300 trajectories) is made once by the built binary
 * (SC_BIN). The CSV is pivoted back to the HDF5 numbers by an independent
 * h5py check (tests/csv_check.py); the workbook is unpacked with `unzip` to
 * see its sheets and native charts, and checked against the result by
 * tests/xlsx_check.py (print set-up, numbers as numbers, year labels,
 * targets, parameters, what the fans draw); every chart must exist in both formats
 * and hold a real drawing. The reader is checked for shapes, for refusing
 * files that are not results, or results of a newer format (exit 2 at the
 * command line, for export, compare and report alike), for percentiles
 * it computes from the trajectories agreeing with the stored ones, and for
 * freeing everything when any allocation fails.
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
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli_util.h"

#include <math.h>

#include <hdf5.h>

#include "sendcast/library.h"
#include "sendcast/alloc.h"
#include "sendcast/export.h"
#include "sendcast/result.h"
#include "sendcast/text.h"
#include "sendcast/version.h"

#define NTRAJ 300

static char dir[256], h5[320];

static long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static int setup(void **state)
{
    (void)state;
    /* Under `make asan`: PLplot's cairo drivers leak inside libfontconfig
     * (tests/lsan.supp); the commands this test runs inherit the setting. */
    setenv("LSAN_OPTIONS", "suppressions=tests/lsan.supp:print_suppressions=0", 0);
    char out[4096];
    snprintf(dir, sizeof dir, "/tmp/sendcast-export-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(h5, sizeof h5, "%s/kc.h5", dir);
    if (run(out, sizeof out, "%s run scenarios/kirklees-clusters-v1.yaml -n %d -o %s --quiet",
            bin(), NTRAJ, h5)) {
        fprintf(stderr, "%s", out);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char out[64];
    return run(out, sizeof out, "rm -rf %s", dir);
}

static void test_read_shapes(void **state)
{
    (void)state;
    sc_result *r = NULL;
    sc_error e;
    assert_int_equal(sc_result_read(h5, &r, &e), SC_OK);
    assert_int_equal(r->trajectories, NTRAJ);
    assert_int_equal(r->years, 6);
    assert_int_equal(r->year[0], 2024);
    assert_int_equal(r->nclusters, 17);
    assert_int_equal(r->nareas, 4);
    assert_string_equal(r->scenario_name, "kirklees-clusters-v1");
    assert_string_equal(r->scenario_description,
                        "Kirklees, cluster working from September 2024 (ramp 0.6 in 2024/25, "
                        "1.0 after)");
    const sc_result_metric *m = sc_result_metric_find(r, SC_LEVEL_DISTRICT, "hnb_spend");
    assert_non_null(m);
    assert_non_null(m->traj);
    assert_string_equal(m->unit, "GBP");
    assert_non_null(sc_result_metric_find(r, SC_LEVEL_CLUSTER, "overspend"));
    assert_non_null(r->met_traj);
    assert_true(r->ninputs > 100);
    assert_true(r->nparams >= 20);
    for (int c = 0; c < r->nclusters; c++)
        assert_true(r->cluster_area[c] >= 0 && r->cluster_area[c] < r->nareas);
    sc_result_free(r);
}

/* The type 7 percentiles the reader computes from /trajectories equal the
 * ones the engine stored, so fan charts read the same numbers either way. */
static void test_computed_percentiles_match_stored(void **state)
{
    (void)state;
    sc_result *r = NULL;
    sc_error e;
    assert_int_equal(sc_result_read(h5, &r, &e), SC_OK);
    sc_result_metric *m = (sc_result_metric *)sc_result_metric_find(r, SC_LEVEL_DISTRICT,
                                                                    "topup_spend");
    double stored[6 * SC_FAN_NQ], computed[6 * SC_FAN_NQ];
    assert_int_equal(sc_result_quantiles(r, m, 0, SC_FAN_NQ, sc_fan_q, stored, &e), SC_OK);
    r->np = 0;   /* forget the stored percentiles: computed from trajectories */
    assert_int_equal(sc_result_quantiles(r, m, 0, SC_FAN_NQ, sc_fan_q, computed, &e), SC_OK);
    for (int k = 0; k < 6 * SC_FAN_NQ; k++)   /* the engine's rule, to the bit */
        assert_memory_equal(&stored[k], &computed[k], sizeof stored[k]);
    double *keep = m->traj;
    m->traj = NULL;   /* neither stored nor computable: a clear refusal */
    assert_int_equal(sc_result_quantiles(r, m, 0, SC_FAN_NQ, sc_fan_q, computed, &e), SC_EINPUT);
    assert_non_null(strstr(e.msg, "percentile"));
    m->traj = keep;
    sc_result_free(r);
}

static void test_read_refuses_non_results(void **state)
{
    (void)state;
    sc_result *r = NULL;
    sc_error e;
    char path[400], out[4096];
    snprintf(path, sizeof path, "%s/not.h5", dir);
    FILE *f = fopen(path, "w");
    fputs("not hdf5\n", f);
    fclose(f);
    assert_int_equal(sc_result_read(path, &r, &e), SC_EINPUT);
    assert_null(r);
    assert_non_null(strstr(e.msg, path));
    assert_int_equal(sc_result_read("/nonexistent/x.h5", &r, &e), SC_EINPUT);
    assert_int_equal(run(out, sizeof out, "%s export %s --csv %s/x.csv", bin(), path, dir), 2);
    assert_non_null(strstr(out, path));
    assert_int_equal(run(out, sizeof out, "%s export %s", bin(), h5), 2);
    assert_non_null(strstr(out, "--csv"));
}

/* The result file's format_version set to v in place, and its checksum
 * made again (as a newer sendcast would have written it). */
static void set_format_version(const char *path, int v)
{
    hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    assert_true(f >= 0);
    hid_t a = H5Aopen(f, "format_version", H5P_DEFAULT);
    assert_true(a >= 0);
    assert_true(H5Awrite(a, H5T_NATIVE_INT, &v) >= 0);
    H5Aclose(a);
    H5Fclose(f);
    char out[4096];
    assert_int_equal(run(out, sizeof out, "/usr/bin/python3 tests/craft_results.py --sign %s",
                         path), 0);
}

/* export, compare and report read result files, of a format this sendcast
 * reads: a comparison or a back-test file, or a result of a newer
 * format_version, is refused with exit 2 and a message that says which. */
static void test_refuses_other_kinds_and_newer_formats(void **state)
{
    (void)state;
    static char out[16384];
    char cmp[400], bt[400], newer[400];
    snprintf(cmp, sizeof cmp, "%s/cmp.h5", dir);
    snprintf(bt, sizeof bt, "%s/bt.h5", dir);
    snprintf(newer, sizeof newer, "%s/newer.h5", dir);
    assert_int_equal(run(out, sizeof out, "%s compare %s %s -o %s --quiet", bin(), h5, h5, cmp), 0);
    assert_int_equal(run(out, sizeof out, "%s backtest scenarios/kirklees-clusters-v1.yaml --until "
                         "2021 -n 50 -o %s --quiet", bin(), bt), 0);
    assert_int_equal(run(out, sizeof out, "cp %s %s", h5, newer), 0);
    set_format_version(newer, SC_FORMAT_VERSION + 1);
    static const char *const cmds[3] = {"export %s --csv %s/never.csv", "report %s -o %s/never.html",
                                        "compare %s %s"};
    const char *files[3] = {cmp, bt, newer};
    static const char *const says[3] = {"a sendcast comparison file", "a sendcast back-test file",
                                        "newer than this sendcast"};
    for (int f = 0; f < 3; f++) {
        sc_result *r = NULL;
        sc_error e;
        assert_int_equal(sc_result_read(files[f], &r, &e), SC_EINPUT);
        assert_null(r);
        if (!strstr(e.msg, says[f]) || !strstr(e.msg, files[f]))
            fail_msg("expected \"%s\" about %s in: %s", says[f], files[f], e.msg);
        for (int c = 0; c < 3; c++) {
            char args[1024];
            snprintf(args, sizeof args, cmds[c], files[f], c < 2 ? dir : h5);
            assert_int_equal(run(out, sizeof out, "%s %s", bin(), args), 2);
            if (!strstr(out, says[f]))
                fail_msg("%s: expected \"%s\" in: %s", args, says[f], out);
        }
    }
    /* The file this sendcast writes says what it is. */
    sc_result *r = NULL;
    sc_error e;
    assert_int_equal(sc_result_read(h5, &r, &e), SC_OK);
    assert_int_equal(r->format_version, SC_FORMAT_VERSION);
    sc_result_free(r);
}

/* Every allocation failing in turn: a clean SC_ENOMEM, nothing leaked
 * (AddressSanitizer's leak check in `make asan`). */
static void test_read_allocation_failures(void **state)
{
    (void)state;
    sc_error e;
    int k;
    for (k = 1; k < 100000; k++) {
        sc_result *r = NULL;
        sc_alloc_fail_at(k);
        int rc = sc_result_read(h5, &r, &e);
        sc_alloc_fail_at(0);
        if (rc == SC_OK) {
            sc_result_free(r);
            break;
        }
        assert_int_equal(rc, SC_ENOMEM);
        assert_null(r);
    }
    assert_true(k > 10 && k < 100000);
}

static void test_csv_pivots_back(void **state)
{
    (void)state;
    char out[4096], csv[400];
    snprintf(csv, sizeof csv, "%s/kc.csv", dir);
    assert_int_equal(run(out, sizeof out, "%s export %s --csv %s", bin(), h5, csv), 0);
    int rc = run(out, sizeof out, "/usr/bin/python3 tests/csv_check.py %s %s", h5, csv);
    if (rc)
        fprintf(stderr, "%s", out);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out, "rows match"));
}

static void test_xlsx_has_sheets_and_charts(void **state)
{
    (void)state;
    char out[16384], x[400];
    snprintf(x, sizeof x, "%s/kc.xlsx", dir);
    assert_int_equal(run(out, sizeof out, "%s export %s --xlsx %s", bin(), h5, x), 0);
    assert_int_equal(run(out, sizeof out, "unzip -l %s", x), 0);
    for (int k = 1; k <= 5; k++) {
        char chart[64];
        snprintf(chart, sizeof chart, "xl/charts/chart%d.xml", k);
        assert_non_null(strstr(out, chart));
    }
    assert_int_equal(run(out, sizeof out, "unzip -p %s xl/workbook.xml", x), 0);
    static const char *const sheets[] = { "Summary", "Targets", "Charts", "Sensitivity",
                                          "Layers", "Stress", "Budgets", "District", "Areas",
                                          "Clusters", "Inputs", "Parameters" };
    for (size_t k = 0; k < sizeof sheets / sizeof sheets[0]; k++) {
        char name[64];
        snprintf(name, sizeof name, "name=\"%s\"", sheets[k]);
        assert_non_null(strstr(out, name));
    }
    /* The Summary names the status of the inputs. */
    assert_int_equal(run(out, sizeof out, "unzip -p %s xl/sharedStrings.xml", x), 0);
    assert_non_null(strstr(out, "illustrative"));
    assert_non_null(strstr(out, "published"));
    /* the tornados, the layered fans and the budgets are native charts too */
    assert_non_null(strstr(out, "What moves High Needs Block spend"));
    assert_non_null(strstr(out, "today's budget (illustrative)"));
    assert_non_null(strstr(out, "risk-equalised (illustrative)"));   /* the scenario's own total */
    assert_int_equal(run(out, sizeof out, "unzip -l %s", x), 0);
    assert_non_null(strstr(out, "xl/charts/chart16.xml"));
    /* probabilities are numbers shown as percentages, 0 and 1 as the bound
     * the run's n can give (issue 16) */
    assert_int_equal(run(out, sizeof out, "unzip -p %s xl/styles.xml", x), 0);
    char want[160];
    snprintf(want, sizeof want, "[&gt;=1]&quot;&gt; %s&quot;;[&lt;=0]&quot;&lt; %s&quot;;0.0##%%",
             sc_prob_label(1, NTRAJ).s + 2, sc_prob_label(0, NTRAJ).s + 2);
    if (!strstr(out, want))
        print_error("want %s in %s\n", want, out);
    assert_non_null(strstr(out, want));
}

/* The workbook as a finance officer prints and reads it (issue 16, item 4),
 * checked by tests/xlsx_check.py against the result itself: every sheet A4
 * landscape, one page wide, over its print area, a table's header row
 * repeated on each page in columns wide enough for its words; no number
 * written as text and every year "2024/25"; every target of the file on
 * the Targets sheet with its metric, direction, unit, target and P(met);
 * parameters' mean and sd as the scenario gave them beside the stored
 * numbers; each fan with its median, the targets on its metric and the
 * council's own projection. A Kirklees run (a projection, the Safety
 * Valve) and a small one with three other targets. */
static void test_xlsx_prints_numbers_and_targets(void **state)
{
    (void)state;
    char out[16384], x[400], t[400];
    snprintf(x, sizeof x, "%s/print.xlsx", dir);
    assert_int_equal(run(out, sizeof out, "%s export %s --xlsx %s", bin(), h5, x), 0);
    int rc = run(out, sizeof out, "/usr/bin/python3 tests/xlsx_check.py %s %s", h5, x);
    if (rc)
        fail_msg("%s", out);
    assert_non_null(strstr(out, "xlsx_check: ok (13 sheets, 6 target rows, 5 fans"));
    /* the balance chart: bands, median, the outturn and the Safety Valve's
     * target; the top-up chart: the council's projection */
    assert_int_equal(run(out, sizeof out, "unzip -p %s xl/charts/chart2.xml | grep -o "
                         "'<c:v>[^<]*</c:v>' | grep -v '[0-9]</c:v>'", x), 0);
    assert_string_equal(out, "<c:v>90% band: 5th and 95th percentiles</c:v>\n"
                             "<c:v>60% band: 20th and 80th percentiles</c:v>\n"
                             "<c:v>median</c:v>\n<c:v>outturn</c:v>\n"
                             "<c:v>Safety Valve target (at least)</c:v>\n");
    assert_int_equal(run(out, sizeof out, "unzip -p %s xl/charts/chart3.xml | grep -c "
                         "\"<c:v>council's own projection</c:v>\"", x), 0);
    snprintf(t, sizeof t, "%s/small-targets.h5", dir);
    snprintf(x, sizeof x, "%s/small-targets.xlsx", dir);
    assert_int_equal(run(out, sizeof out, "%1$s run tests/data/model_check/small.yaml -n 400 -o %2$s "
                         "--quiet && %1$s export %2$s --xlsx %3$s", bin(), t, x), 0);
    rc = run(out, sizeof out, "/usr/bin/python3 tests/xlsx_check.py %s %s", t, x);
    if (rc)
        fail_msg("%s", out);
    assert_non_null(strstr(out, "xlsx_check: ok (13 sheets, 10 target rows, 5 fans"));
    /* the deficit chart draws the deficit profile, the plans chart the cap */
    assert_int_equal(run(out, sizeof out, "unzip -p %s xl/charts/chart5.xml | grep -c "
                         "'<c:v>deficit_profile target (at most)</c:v>'", x), 0);
    assert_int_equal(run(out, sizeof out, "unzip -p %s xl/charts/chart4.xml | grep -c "
                         "'<c:v>plans_cap target (at most)</c:v>'", x), 0);
}

/* The inputs by status, for the xlsx Summary and the report (issue 17):
 * compared pair by pair, 50,000 clusters' inputs took minutes; sorted, 300,000
 * inputs of 100,000 statuses take well under a second, in order of first
 * appearance, each counted. */
static void test_status_counts_are_not_quadratic(void **state)
{
    (void)state;
    sc_result r = { 0 };
    r.ninputs = 300000;
    r.inputs = calloc((size_t)r.ninputs, sizeof *r.inputs);
    assert_non_null(r.inputs);
    for (int k = 0; k < r.ninputs; k++)
        snprintf(r.inputs[k].status, sizeof r.inputs[k].status, "s%d", (k * 7) % 100000);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    sc_status_count *c;
    int n;
    sc_error e;
    assert_int_equal(sc_result_status_counts(&r, &c, &n, &e), SC_OK);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double s = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    assert_int_equal(n, 100000);
    for (int k = 0; k < n; k++) {
        assert_int_equal(c[k].count, 3);
        if (k)
            assert_true(c[k].first > c[k - 1].first);
    }
    assert_int_equal(c[0].first, 0);
    sc_free(c);
    free(r.inputs);
    assert_true(s < 2.0);
}

/* No row is dropped (issue 17): Excel holds 1,048,576 rows a sheet, and
 * libxlsxwriter ignored every row past it without a word (2,000 clusters x
 * 50 years). A table longer than a sheet goes on in "NAME (2)", ... with
 * its header; here with 40 rows a sheet, every cluster row and every input
 * is in the workbook once. */
static void test_xlsx_splits_long_tables(void **state)
{
    (void)state;
    sc_result *r = NULL;
    sc_error e;
    assert_int_equal(sc_result_read(h5, &r, &e), SC_OK);
    long want = 0;
    for (int k = 0; k < r->nmetrics[SC_LEVEL_CLUSTER]; k++)
        want += (long)r->metric[SC_LEVEL_CLUSTER][k].units * r->years;
    char x[400], out[16384];
    snprintf(x, sizeof x, "%s/split.xlsx", dir);
    assert_int_equal(sc_export_xlsx_rows(r, x, 0, 40, &e), SC_OK);
    int ninputs = r->ninputs;
    sc_result_free(r);
    /* data rows (every row but the header) of each part of a table, in the
     * workbook's order */
    static const char *const count =
        "import re, sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); "
        "names = re.findall(r'<sheet name=\"([^\"]+)\"', z.read('xl/workbook.xml').decode()); "
        "rows = {n: len(re.findall(r'<row ', z.read('xl/worksheets/sheet%d.xml' % (i + 1)).decode())) - 1 "
        "for i, n in enumerate(names)}; "
        "t = sys.argv[2]; parts = [n for n in names if n == t or n.startswith(t + ' (')]; "
        "print(len(parts), sum(rows[n] for n in parts), max(rows[n] for n in parts))\n";
    char py[400];
    snprintf(py, sizeof py, "%s/count_rows.py", dir);
    FILE *f = fopen(py, "w");
    assert_non_null(f);
    fputs(count, f);
    assert_int_equal(fclose(f), 0);
    long parts, total, most;
    assert_int_equal(run(out, sizeof out, "python3 %s %s Clusters", py, x), 0);
    assert_int_equal(sscanf(out, "%ld %ld %ld", &parts, &total, &most), 3);
    assert_int_equal(total, want);
    assert_int_equal(parts, (want + 38) / 39);
    assert_true(most <= 39);
    assert_int_equal(run(out, sizeof out, "python3 %s %s Inputs", py, x), 0);
    assert_int_equal(sscanf(out, "%ld %ld %ld", &parts, &total, &most), 3);
    assert_int_equal(total, ninputs);
    assert_true(parts > 1);
    /* and the first part says where the rest is */
    assert_int_equal(run(out, sizeof out, "unzip -p %s xl/sharedStrings.xml", x), 0);
    assert_non_null(strstr(out, "more than a sheet holds"));
    /* each part prints like the first: landscape, one page wide, its header
     * row on every page (issue 16, item 4) */
    int rc = run(out, sizeof out, "/usr/bin/python3 tests/xlsx_check.py %s %s", h5, x);
    if (rc)
        fail_msg("%s", out);
    assert_int_equal(run(out, sizeof out, "unzip -p %s xl/workbook.xml | grep -o "
                         "'_xlnm.Print_Titles\" localSheetId=\"[0-9]*\">.Clusters (2).!\\$1:\\$1'",
                         x), 0);
}

/* Percentiles that bite late (issue 17): a bounded-memory run keeps no
 * per-trajectory values, so a scenario with the default percentiles (5, 10,
 * 25, 50, 75, 90, 95) had no 20/35/65/80th for the fan charts' bands, and
 * `export --charts`, the workbook's fans and `report` failed after `run` had
 * succeeded. The fans now use the bands the file can give (5-95, then the
 * stored pairs nearest 20/80 and 35/65: here 10/90 and 25/75), each labelled
 * with what it holds; 5, 50 and 95 are required of every scenario. */
static void test_fans_of_a_bounded_run(void **state)
{
    (void)state;
    char out[16384];
    int rc = run(out, sizeof out, "%1$s run tests/data/scenario/minimal.yaml -n 600 --memory 1 "
                 "-o %2$s/bounded-default.h5 --quiet && "
                 "%1$s export %2$s/bounded-default.h5 --charts %2$s/bdcharts --xlsx %2$s/bd.xlsx "
                 "--quiet && %1$s report %2$s/bounded-default.h5 -o %2$s/bd.html --quiet && "
                 "grep -c 'central 80%%' %2$s/bd.html", bin(), dir);
    if (rc != 0)
        fail_msg("exit %d:\n%s", rc, out);
    char png[400];
    snprintf(png, sizeof png, "%s/bdcharts/hnb_spend_fan.png", dir);
    assert_true(file_size(png) > 15000);
    assert_int_equal(run(out, sizeof out, "unzip -p %s/bd.xlsx xl/charts/chart1.xml | "
                         "grep -c '80%% band'", dir), 0);
}

/* No live formula in the CSV (issue 17): a cluster id or a unit of measure
 * from the file that starts with = + - @ (or a tab or carriage return) is
 * what a spreadsheet runs as a formula; such a cell is written with a
 * leading apostrophe, as spreadsheets advise, and stays text. */
static void test_csv_has_no_live_formula(void **state)
{
    (void)state;
    char out[16384], evil[400];
    snprintf(evil, sizeof evil, "%s/formula.h5", dir);
    int rc = run(out, sizeof out, "cp %s %s && /usr/bin/python3 -c \"import h5py, sys\n"
                 "f = h5py.File(sys.argv[1], 'a')\n"
                 "ids = list(f['/axes/cluster'].asstr()[()])\n"
                 "ids[0] = '=HYPERLINK(\\\"http://x.test/\\\",\\\"click\\\")'; ids[1] = '+1+2'; ids[2] = '@SUM(A1)'\n"
                 "ids[3] = '-2+3'\n"
                 "del f['/axes/cluster']; f['/axes/cluster'] = ids\n"
                 "f['/district/requests'].attrs['unit'] = '=1+1'\n"
                 "f.close()\" %s && /usr/bin/python3 tests/craft_results.py --sign %s && "
                 "%s export %s --csv %s/formula.csv --quiet && /usr/bin/python3 -c \"import csv, sys\n"
                 "live = neutral = 0\n"
                 "for r in csv.DictReader(open(sys.argv[1], newline='')):\n"
                 "    for k in ('metric', 'level', 'unit', 'measure', 'statistic'):\n"
                 "        live += r[k][:1] in ('=', '+', '-', '@', '\\\\t', '\\\\r')\n"
                 "        neutral += r[k][:2] in (\\\"'=\\\", \\\"'+\\\", \\\"'-\\\", \\\"'@\\\")\n"
                 "print(live, neutral)\" %s/formula.csv", h5, evil, evil, evil, bin(), evil, dir, dir);
    int live = -1, neutral = -1;
    if (rc != 0 || sscanf(out, "%d %d", &live, &neutral) != 2 || live != 0 || neutral < 100)
        fail_msg("exit %d: text cells that start a formula, and neutralised ones: %s", rc, out);
}

/* Charts that could not be written are not reported as written (issue 17):
 * on a full disk (here a file-size limit) PLplot's drivers wrote short PNGs
 * and `export` said "Wrote 8 charts" with exit 0. Now PLplot draws into
 * memory in a child process, and sendcast writes each file itself, every
 * write checked: exit 1 naming the file, no chart short or half-written, no
 * temporary file left. */
static void test_chart_write_failures_are_not_hidden(void **state)
{
    (void)state;
    char out[8192], charts[400];
    snprintf(charts, sizeof charts, "%s/fullcharts", dir);
    int rc = run(out, sizeof out, "ulimit -f 24; %s export %s --charts %s", bin(), h5, charts);
    if (rc != 1 || strstr(out, "Wrote") || !strstr(out, "File too large") || !strstr(out, charts))
        fail_msg("export --charts on a full disk: exit %d:\n%s", rc, out);
    /* what was written is whole: every PNG ends with its IEND chunk */
    assert_int_equal(run(out, sizeof out, "for f in %s/*.png; do [ -e \"$f\" ] || continue; "
                         "tail -c 8 \"$f\" | od -An -c | grep -q 'I   E   N   D' || echo \"short $f\"; "
                         "done; for f in %s/*.svg; do [ -e \"$f\" ] || continue; "
                         "tail -c 8 \"$f\" | grep -q '</svg>' || echo \"short $f\"; done; "
                         "ls %s | grep tmp", charts, charts, charts), 1);
    assert_null(strstr(out, "short"));
    /* a report killed while drawing leaves no chart file behind (its own
     * REPORT.tmp.PID the next report removes) */
    char html[400];
    snprintf(html, sizeof html, "%s/killed/r.html", dir);
    assert_int_equal(run(out, sizeof out, "mkdir -p %s/killed", dir), 0);
    for (int k = 0; k < 8; k++) {
        run(out, sizeof out, "%s report %s -o %s --force & sleep 0.%d; kill -9 $!; wait $!; "
            "sleep 0.2", bin(), h5, html, 1 + 2 * k);
        assert_int_equal(run(out, sizeof out, "ls %s/killed | grep -v -e '^r.html$' "
                             "-e '^r.html.tmp.[0-9]*$'", dir), 1);
    }
    assert_int_equal(run(out, sizeof out, "%s report %s -o %s --force --quiet && ls %s/killed",
                         bin(), h5, html, dir), 0);
    assert_string_equal(out, "r.html\n");
}

static void test_charts_exist_and_are_drawn(void **state)
{
    (void)state;
    char out[4096], charts[400];
    snprintf(charts, sizeof charts, "%s/charts", dir);
    assert_int_equal(run(out, sizeof out, "%s export %s --charts %s", bin(), h5, charts), 0);
    for (int k = 0; k < SC_NCHARTS; k++) {
        char png[512], svg[512];
        snprintf(png, sizeof png, "%s/%s.png", charts, sc_chart_name((enum sc_chart_kind)k));
        snprintf(svg, sizeof svg, "%s/%s.svg", charts, sc_chart_name((enum sc_chart_kind)k));
        assert_true(file_size(png) > 15000);   /* a blank 1000x600 PNG is ~3 kB */
        assert_true(file_size(svg) > 20000);
        unsigned char sig[8] = { 0 };
        FILE *f = fopen(png, "rb");
        assert_non_null(f);
        assert_int_equal(fread(sig, 1, 8, f), 8);
        fclose(f);
        assert_memory_equal(sig, "\x89PNG\r\n\x1a\n", 8);
    }
    /* what drives the risk: PNG and SVG of each */
    static const char *const sens[] = { "tornado_hnb_spend", "tornado_cumulative_deficit",
                                        "layers_hnb_spend", "layers_plans_total", "budgets" };
    for (size_t k = 0; k < sizeof sens / sizeof sens[0]; k++) {
        char png[512], svg[512];
        snprintf(png, sizeof png, "%s/%s.png", charts, sens[k]);
        snprintf(svg, sizeof svg, "%s/%s.svg", charts, sens[k]);
        assert_true(file_size(png) > 15000);
        assert_true(file_size(svg) > 20000);
    }
    /* The SVGs keep their text as text (editable in slides), not as glyph
     * outlines: PLplot's own svg device, not cairo's (issue 16) */
    assert_int_equal(run(out, sizeof out, "grep -c '<text' %s/balance_fan.svg %s/budgets.svg",
                         charts, charts), 0);
    assert_null(strstr(out, ":0"));
    assert_int_equal(run(out, sizeof out, "cat %s/*.svg | grep -c 'glyph'", charts), 1);
    /* Every SVG has a title and a description in words (screen readers,
     * slides): one of each, the fans' with their last year's median */
    assert_int_equal(run(out, sizeof out, "for f in %s/*.svg; do echo \"$(grep -c '<title>' "
                         "$f)$(grep -c '<desc>' $f)\"; done | sort -u", charts), 0);
    assert_string_equal(out, "11\n");
    assert_int_equal(run(out, sizeof out, "grep -A1 '<title>' %s/hnb_spend_fan.svg", charts), 0);
    assert_non_null(strstr(out, "<title>High Needs Block spend</title>"));
    assert_non_null(strstr(out, "the median of HNB spend is"));
    /* No Kirklees trajectory meets the last year's target: nothing varies, so
     * no tornado of it (an empty chart would say nothing). */
    char none[512];
    snprintf(none, sizeof none, "%s/tornado_target_met.png", charts);
    assert_true(file_size(none) < 0);
    /* No temporary file is left behind. */
    assert_int_equal(run(out, sizeof out, "ls %s | grep -c tmp", charts), 1);
}

/* Without per-trajectory values (a bounded-memory run), P(overspend) comes
 * from the stored percentiles, within their spacing (15 points at most in
 * the Kirklees list), and the cluster chart is still drawn. */
static void test_overspend_without_trajectories(void **state)
{
    (void)state;
    sc_result *r = NULL;
    sc_error e;
    assert_int_equal(sc_result_read(h5, &r, &e), SC_OK);
    sc_result_metric *m = (sc_result_metric *)sc_result_metric_find(r, SC_LEVEL_CLUSTER,
                                                                    "overspend");
    double exact_p[6 * 17];
    int exact;
    for (int t = 0; t < 6; t++)
        for (int c = 0; c < 17; c++) {
            exact_p[t * 17 + c] = sc_result_p_positive(r, m, t, c, &exact);
            assert_int_equal(exact, 1);
        }
    sc_free(m->traj);
    m->traj = NULL;
    for (int t = 0; t < 6; t++)
        for (int c = 0; c < 17; c++) {
            double p = sc_result_p_positive(r, m, t, c, &exact);
            assert_int_equal(exact, 0);
            assert_true(fabs(p - exact_p[t * 17 + c]) <= 0.15 + 1e-12);
        }
    sc_result_free(r);
    /* End to end, on a copy without /trajectories (as a bounded run writes it;
     * edited, it no longer matches its checksum, which is taken off): the
     * charts and the page are still made; compare says why it cannot. */
    char out[8192], copy[400];
    snprintf(copy, sizeof copy, "%s/bounded.h5", dir);
    assert_int_equal(run(out, sizeof out, "cp %s %s && /usr/bin/python3 -c \"import h5py; "
                         "f = h5py.File('%s', 'a'); del f['/trajectories']\" && "
                         "/usr/bin/python3 tests/craft_results.py --unsign %s", h5, copy, copy,
                         copy), 0);
    assert_int_equal(run(out, sizeof out, "%s export %s --charts %s/bounded_charts", bin(), copy,
                         dir), 0);
    char png[400];
    snprintf(png, sizeof png, "%s/bounded_charts/cluster_overspend.png", dir);
    assert_true(file_size(png) > 15000);
    assert_int_equal(run(out, sizeof out, "%s report %s -o %s/bounded.html", bin(), copy, dir), 0);
    assert_int_equal(run(out, sizeof out, "%s compare %s %s", bin(), copy, h5), 2);
    assert_non_null(strstr(out, "per-trajectory"));
}

/* A demand-only scenario's result: read without money, exported without
 * targets, money sheets or money charts; the page and compare say "no money". */
/* The `targets:` section's targets come back from the file with P(met)
 * equal to the share of trajectories meeting them (recomputed here from the
 * kept trajectories), and each is in the CSV; a file without them has none. */
#define assert_near(a, b, tol) assert_near_at((a), (b), (tol), __LINE__)
static void assert_near_at(double a, double b, double tol, int line)
{
    if (!(a == b) && !(fabs(a - b) <= tol))
        fail_msg("line %d: %.17g != %.17g", line, a, b);
}

static void test_other_targets(void **state)
{
    (void)state;
    char out[16384], scn[400], res[400], csv[400];
    sc_result *r = NULL;
    sc_error e;
    assert_int_equal(sc_result_read(h5, &r, &e), SC_OK);
    assert_int_equal(r->ntargets, 0);
    sc_result_free(r);
    snprintf(scn, sizeof scn, "%s/tscn/minimal.yaml", dir);
    snprintf(res, sizeof res, "%s/targets.h5", dir);
    snprintf(csv, sizeof csv, "%s/targets.csv", dir);
    assert_int_equal(run(out, sizeof out, "cp -r tests/data/scenario %s/tscn && printf '%%s\\n' "
                         "targets: '  deficit_profile:' '    metric: cumulative_deficit' "
                         "'    at_most: {2024: 450000, 2026: 3500000}' "
                         "'  plans_floor: {metric: plans_total, at_least: {2025: 200}}' >> %s",
                         dir, scn), 0);
    assert_int_equal(run(out, sizeof out, "%s run %s -n 400 -o %s --quiet", bin(), scn, res), 0);
    assert_int_equal(sc_result_read(res, &r, &e), SC_OK);
    assert_int_equal(r->ntargets, 2);
    static const struct { const char *name, *metric; int at_least; double v[3]; } want[] = {
        { "deficit_profile", "cumulative_deficit", 0, { 450000, NAN, 3500000 } },
        { "plans_floor", "plans_total", 1, { NAN, 200, NAN } },
    };
    for (int k = 0; k < 2; k++) {
        const sc_result_target *x = &r->targets[k];
        assert_string_equal(x->name, want[k].name);
        assert_string_equal(x->metric, want[k].metric);
        assert_int_equal(x->at_least, want[k].at_least);
        const sc_result_metric *m = sc_result_metric_find(r, SC_LEVEL_DISTRICT, x->metric);
        assert_non_null(m);
        assert_non_null(m->traj);
        long all = 0;
        for (long i = 0; i < r->trajectories; i++) {
            int ok = 1;
            for (int t = 0; t < r->years; t++)
                if (!isnan(want[k].v[t])) {
                    double v = m->traj[(size_t)i * (size_t)r->years + (size_t)t];
                    ok &= x->at_least ? v >= want[k].v[t] : v <= want[k].v[t];
                }
            all += ok;
        }
        for (int t = 0; t < r->years; t++) {
            if (isnan(want[k].v[t])) {
                assert_true(isnan(x->target[t]) && isnan(x->p_met[t]) && isnan(x->p_met_mcse[t]));
                continue;
            }
            long met = 0;
            for (long i = 0; i < r->trajectories; i++) {
                double v = m->traj[(size_t)i * (size_t)r->years + (size_t)t];
                met += x->at_least ? v >= want[k].v[t] : v <= want[k].v[t];
            }
            double p = (double)met / (double)r->trajectories;
            assert_near(x->target[t], want[k].v[t], 0);
            assert_near(x->p_met[t], p, 1e-12);
            assert_near(x->p_met_mcse[t], sqrt(p * (1 - p) / (double)r->trajectories),
                                1e-12);
        }
        assert_near(x->p_all_met, (double)all / (double)r->trajectories, 1e-12);
        /* not a degenerate check: the targets are met in some trajectories, not all */
        assert_true(x->p_all_met > 0.01 && x->p_all_met < 0.99);
    }
    sc_result_free(r);
    assert_int_equal(run(out, sizeof out, "%s export %s --csv %s", bin(), res, csv), 0);
    assert_int_equal(run(out, sizeof out, "grep -c '^deficit_profile,target,district,' %s", csv), 0);
    assert_int_equal(atoi(out), 3 * 3 + 2);
    assert_int_equal(run(out, sizeof out, "grep -c '^plans_floor,target,district,plans,2025,' %s",
                         csv), 0);
    assert_int_equal(atoi(out), 1);
    /* read as untrusted (signed again after the change, as an attacker would):
     * an unknown metric, a probability outside [0, 1], a P(met) without its
     * target, an unknown direction are each refused, naming the group */
    static const char *const spoil[] = {
        "g.attrs['metric'] = 'nope'",
        "g['p_met'][0] = 1.5",
        "g['target'][0] = float('nan')",
        "g.attrs['direction'] = 'above'",
    };
    for (size_t k = 0; k < sizeof spoil / sizeof *spoil; k++) {
        char bad[420];
        snprintf(bad, sizeof bad, "%s/spoilt.h5", dir);
        assert_int_equal(run(out, sizeof out, "cp %s %s && /usr/bin/python3 -c \"import h5py; "
                             "f = h5py.File('%s', 'r+'); g = f['targets/deficit_profile']; %s; "
                             "f.close()\" && /usr/bin/python3 tests/craft_results.py --sign %s",
                             res, bad, bad, spoil[k], bad), 0);
        r = NULL;
        assert_int_equal(sc_result_read(bad, &r, &e), SC_EINPUT);
        assert_null(r);
        if (!strstr(e.msg, "/targets/deficit_profile"))
            fail_msg("expected the group in the message: %s", e.msg);
    }
}

static void test_demand_only(void **state)
{
    (void)state;
    char out[16384], d[400];
    snprintf(d, sizeof d, "%s/demand.h5", dir);
    assert_int_equal(run(out, sizeof out, "%s run tests/data/scenario/demand.yaml -n 200 -o %s",
                         bin(), d), 0);
    assert_non_null(strstr(out, "demand-only scenario: no money"));
    assert_null(strstr(out, "High Needs Block"));
    sc_result *r = NULL;
    sc_error e;
    assert_int_equal(sc_result_read(d, &r, &e), SC_OK);
    assert_false(r->has_costs || r->has_finance || r->has_cluster_working);
    assert_non_null(sc_result_metric_find(r, SC_LEVEL_DISTRICT, "requests"));
    assert_non_null(sc_result_metric_find(r, SC_LEVEL_DISTRICT, "new_plans"));
    assert_non_null(sc_result_metric_find(r, SC_LEVEL_DISTRICT, "plans_total"));
    assert_null(sc_result_metric_find(r, SC_LEVEL_DISTRICT, "hnb_spend"));
    assert_int_equal(r->years, 3);
    for (int t = 0; t < r->years; t++)
        assert_true(isnan(r->target[t]) && isnan(r->p_met[t]));
    for (int k = 0; k < SC_NCHARTS; k++)
        assert_int_equal(sc_chart_applies(r, (enum sc_chart_kind)k), k == SC_CHART_PLANS);
    sc_result_free(r);
    /* every export */
    assert_int_equal(run(out, sizeof out, "%s export %s --csv %s/d.csv --xlsx %s/d.xlsx "
                         "--charts %s/dcharts", bin(), d, dir, dir, dir), 0);
    assert_non_null(strstr(out, "Wrote 7 charts"));   /* the plans fan; what drives demand */
    assert_int_equal(run(out, sizeof out, "/usr/bin/python3 tests/csv_check.py %s %s/d.csv", d,
                         dir), 0);
    assert_int_equal(run(out, sizeof out, "grep -c 'safety_valve\\|GBP' %s/d.csv", dir), 1);
    assert_int_equal(run(out, sizeof out, "ls %s/dcharts", dir), 0);
    assert_string_equal(out, "layers_new_plans.png\nlayers_new_plans.svg\n"
                             "layers_plans_total.png\nlayers_plans_total.svg\n"
                             "layers_requests.png\nlayers_requests.svg\n"
                             "plans_fan.png\nplans_fan.svg\n"
                             "tornado_new_plans.png\ntornado_new_plans.svg\n"
                             "tornado_plans_total.png\ntornado_plans_total.svg\n"
                             "tornado_requests.png\ntornado_requests.svg\n");
    assert_int_equal(run(out, sizeof out, "unzip -p %s/d.xlsx xl/workbook.xml", dir), 0);
    assert_null(strstr(out, "name=\"Targets\""));
    assert_non_null(strstr(out, "name=\"Charts\""));
    assert_int_equal(run(out, sizeof out, "unzip -l %s/d.xlsx | grep -c 'xl/charts/chart'", dir),
                     0);
    /* requests, new plans, plans in place: fans, tornados and layered fans */
    assert_int_equal(atoi(out), 9);
    /* the page and a comparison */
    assert_int_equal(run(out, sizeof out, "%s report %s --compare %s -o %s/d.html", bin(), d, d,
                         dir), 0);
    char html[400];
    snprintf(html, sizeof html, "%s/d.html", dir);
    char *text = NULL;
    size_t len;
    assert_int_equal(sc_file_read(html, 1 << 26, &text, &len), 0);
    assert_non_null(strstr(text, "SEND demand forecast"));
    assert_non_null(strstr(text, "demand-only scenario: no money"));
    assert_null(strstr(text, "Safety Valve"));
    assert_non_null(strstr(text, "<svg"));
    sc_free(text);
    assert_int_equal(run(out, sizeof out, "%s compare %s %s -o %s/diff.h5", bin(), d, d, dir), 0);
    assert_non_null(strstr(out, "demand-only scenarios: no money to compare"));
    assert_null(strstr(out, "Safety Valve"));
}

/* Occurrences of needle in the n bytes at d (a chart: not a C string). */
static int count_in(const char *d, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    int c = 0;
    for (size_t i = 0; i + k <= n; i++)
        c += !memcmp(d + i, needle, k);
    return c;
}

/* The outturn the scenario holds reaches the file, the CSV (statistic
 * "outturn"), every fan chart it belongs to and the workbook; a result
 * without one is drawn as before. */
static void test_outturn(void **state)
{
    (void)state;
    char out[8192], csv[400];
    sc_result *r = NULL;
    sc_error e;
    assert_int_equal(sc_result_read(h5, &r, &e), SC_OK);
    const sc_result_metric *m = sc_result_metric_find(r, SC_LEVEL_DISTRICT, "topup_spend");
    assert_non_null(m);
    assert_int_equal(m->nout, 4);
    assert_int_equal(m->out_year[0], 2020);
    assert_true(m->out_value[3] == 16030000);
    assert_string_equal(m->out_status[3], "published");
    assert_true(sc_result_outturn(sc_result_metric_find(r, SC_LEVEL_DISTRICT, "hnb_balance"),
                                  2020) == -10550000);
    assert_true(isnan(sc_result_outturn(m, 2024)));
    static const char *const both[] = { "topup_spend", "cumulative_deficit" };
    int years[2 * SC_MAX_OUTTURN];
    assert_int_equal(sc_result_outturn_years(r, both, 2, years), 5);   /* 2019-2023 */
    assert_int_equal(years[0], 2019);
    assert_int_equal(years[4], 2023);
    /* the CSV */
    snprintf(csv, sizeof csv, "%s/outturn.csv", dir);
    assert_int_equal(run(out, sizeof out, "%s export %s --csv %s", bin(), h5, csv), 0);
    assert_int_equal(run(out, sizeof out, "grep ',outturn,' %s", csv), 0);
    assert_non_null(strstr(out, "topup_spend,district,district,GBP,2023,2023/24,outturn,16030000\n"));
    assert_non_null(strstr(out, "hnb_balance,district,district,GBP,2020,2020/21,outturn,-10550000\n"));
    assert_non_null(strstr(out, "cumulative_deficit,district,district,GBP,2019,2019/20,outturn,12880000\n"));
    assert_non_null(strstr(out, "plans_total,district,district,plans,2016,2016/17,outturn,2372\n"));
    assert_non_null(strstr(out, "requests,district,district,requests,2023,2023/24,outturn,1037\n"));
    /* the SVG: the outturn is the only black ink; none without an outturn */
    char *svg = NULL;
    size_t len = 0;
    assert_int_equal(sc_chart_render(r, SC_CHART_TOPUP, "svgcairo", &svg, &len, &e), SC_OK);
    assert_true(count_in(svg, len, "rgb(0%,0%,0%)") >= 4 + 1);   /* a marker a year, the line */
    sc_free(svg);
    for (int k = 0; k < r->nmetrics[SC_LEVEL_DISTRICT]; k++)
        r->metric[SC_LEVEL_DISTRICT][k].nout = 0;
    for (int k = 0; k < SC_NCHARTS; k++) {
        if (!sc_chart_applies(r, (enum sc_chart_kind)k))
            continue;
        assert_int_equal(sc_chart_render(r, (enum sc_chart_kind)k, "svgcairo", &svg, &len, &e),
                         SC_OK);
        assert_int_equal(count_in(svg, len, "rgb(0%,0%,0%)"), 0);
        sc_free(svg);
    }
    sc_result_free(r);
    /* the workbook: outturn rows, marked, and the outturn series of the charts */
    snprintf(csv, sizeof csv, "%s/outturn.xlsx", dir);
    assert_int_equal(run(out, sizeof out, "%s export %s --xlsx %s", bin(), h5, csv), 0);
    assert_int_equal(run(out, sizeof out, "unzip -p %s xl/sharedStrings.xml | grep -o "
                         "'>outturn<\\|>basis<' | sort | uniq -c", csv), 0);
    assert_non_null(strstr(out, ">outturn<"));
    assert_non_null(strstr(out, ">basis<"));
    assert_int_equal(run(out, sizeof out, "unzip -p %s xl/charts/chart4.xml | grep -c "
                         "'<c:v>outturn</c:v>'", csv), 0);
    /* the report: the outturn table and rows */
    snprintf(csv, sizeof csv, "%s/outturn.html", dir);
    assert_int_equal(run(out, sizeof out, "%s report %s -o %s", bin(), h5, csv), 0);
    assert_int_equal(run(out, sizeof out, "grep -c 'tr class=\"outturn\"' %s", csv), 0);
    assert_true(atoi(out) >= 1);
}

/* --real: money in base-year prices, each trajectory by its own price index
 * where the file keeps both; said so on every output; refused without an
 * index. */
static void test_real_terms(void **state)
{
    (void)state;
    char out[8192], path[400];
    sc_result *r = NULL;
    sc_error e;
    assert_int_equal(sc_result_read(h5, &r, &e), SC_OK);
    assert_string_equal(r->money_basis, "cash terms (nominal)");
    const sc_result_metric *pi = sc_result_metric_find(r, SC_LEVEL_DISTRICT, "price_index");
    const sc_result_metric *m = sc_result_metric_find(r, SC_LEVEL_DISTRICT, "hnb_spend");
    assert_non_null(pi);
    assert_non_null(pi->traj);
    assert_non_null(m->traj);
    /* inflation 2.5% a year on average: the index grows from about 1.025 */
    assert_true(pi->mean[0] > 1.0 && pi->mean[0] < 1.06);
    assert_true(pi->mean[r->years - 1] > pi->mean[0]);
    /* the median of spend / index in the last year, by hand */
    int t = r->years - 1;
    long n = r->trajectories;
    double *x = calloc((size_t)n, sizeof *x), nominal = m->mean[t];
    assert_non_null(x);
    for (long i = 0; i < n; i++)
        x[i] = m->traj[(size_t)i * (size_t)r->years + (size_t)t]
               / pi->traj[(size_t)i * (size_t)r->years + (size_t)t];
    for (long i = 1; i < n; i++)        /* insertion sort: 300 values */
        for (long j = i; j > 0 && x[j - 1] > x[j]; j--) {
            double tmp = x[j];
            x[j] = x[j - 1];
            x[j - 1] = tmp;
        }
    double h = (double)(n - 1) * 0.5, want = x[(long)h] + (h - floor(h)) *
                                                        (x[(long)h + 1] - x[(long)h]);
    free(x);
    double target = r->target[t], pmean = pi->mean[t];
    assert_int_equal(sc_result_real_terms(r, &e), SC_OK);
    assert_string_equal(r->money_basis, "real terms (2023/24 prices)");
    int k50 = -1;
    for (int k = 0; k < r->np; k++)
        if (r->percentile[k] == 50)
            k50 = k;
    assert_true(k50 >= 0);
    assert_true(fabs(m->pct[(size_t)t * (size_t)r->np + (size_t)k50] - want) <= 1e-6 * want);
    assert_true(m->mean[t] < nominal);
    assert_true(fabs(r->target[t] - target / pmean) <= 1e-9 * fabs(target) + 1e-9);
    assert_true(pi->mean[t] == pmean);   /* the index itself is not deflated */
    sc_result_free(r);
    /* through the binary: every output says which */
    snprintf(path, sizeof path, "%s/real.csv", dir);
    assert_int_equal(run(out, sizeof out, "%s export %s --real --csv %s", bin(), h5, path), 0);
    assert_int_equal(run(out, sizeof out, "grep -c 'hnb_spend,district,district,\"GBP, real "
                         "terms (2023/24 prices)\",' %s", path), 0);
    assert_true(atoi(out) > 0);
    snprintf(path, sizeof path, "%s/real.html", dir);
    assert_int_equal(run(out, sizeof out, "%s report %s --real -o %s", bin(), h5, path), 0);
    assert_int_equal(run(out, sizeof out, "grep -c 'real terms (2023/24 prices)' %s", path), 0);
    snprintf(path, sizeof path, "%s/cash.html", dir);
    assert_int_equal(run(out, sizeof out, "%s report %s -o %s", bin(), h5, path), 0);
    assert_int_equal(run(out, sizeof out, "grep -c 'cash terms (nominal)' %s", path), 0);
    assert_int_not_equal(run(out, sizeof out, "grep -c 'after inflation' %s", path), 0);
    /* a demand-only result has no money, so no index */
    snprintf(path, sizeof path, "%s/demand-real.h5", dir);
    assert_int_equal(run(out, sizeof out, "%s run tests/data/scenario/demand.yaml -n 50 -o %s "
                         "--quiet", bin(), path), 0);
    assert_int_equal(run(out, sizeof out, "%s export %s --real --csv %s/dr.csv", bin(), path,
                         dir), 2);
    assert_non_null(strstr(out, "no price index"));
}

/* A no-change run (cluster working off) keeps the clusters' budgets to
 * compare, but draws no cluster overspend, area contingency or budgets
 * chart and no Budgets sheet, as if clusters held them (issue 16). */
static void test_no_change_draws_no_cluster_budgets(void **state)
{
    (void)state;
    char out[4096];
    assert_int_equal(run(out, sizeof out,
                         "%1$s run scenarios/kirklees-no-change-v1.yaml -n 100 -o %2$s/nc.h5 "
                         "--quiet && %1$s export %2$s/nc.h5 --charts %2$s/nc_charts --xlsx "
                         "%2$s/nc.xlsx", bin(), dir), 0);
    static const char *const none[] = { "cluster_overspend", "area_contingency", "budgets" };
    for (size_t k = 0; k < sizeof none / sizeof none[0]; k++) {
        char png[512];
        snprintf(png, sizeof png, "%s/nc_charts/%s.png", dir, none[k]);
        assert_true(file_size(png) < 0);
    }
    char fan[512];
    snprintf(fan, sizeof fan, "%s/nc_charts/hnb_spend_fan.png", dir);
    assert_true(file_size(fan) > 0);
    assert_int_equal(run(out, sizeof out, "unzip -p %s/nc.xlsx xl/workbook.xml", dir), 0);
    assert_null(strstr(out, "name=\"Budgets\""));
    assert_non_null(strstr(out, "name=\"Sensitivity\""));
}

/* Probabilities as readers see them (report, workbook): percentages, and 0
 * or 1 as the bound n trajectories can give, the console's rule of three. */
static void test_prob_label(void **state)
{
    (void)state;
    assert_string_equal(sc_prob_label(0, 10000).s, "< 0.03%");
    assert_string_equal(sc_prob_label(1, 10000).s, "> 99.97%");
    assert_string_equal(sc_prob_label(0, 400).s, "< 0.75%");
    assert_string_equal(sc_prob_label(1, 400).s, "> 99.25%");
    assert_string_equal(sc_prob_label(0.834, 400).s, "83.4%");
    assert_string_equal(sc_prob_label(0.00004, 100000).s, "0.004%");
    assert_string_equal(sc_prob_label(0.99996, 100000).s, "99.996%");
    assert_string_equal(sc_prob_label(NAN, 400).s, "n/a");
    assert_string_equal(sc_prob_label(0, 2).s, "0%");   /* too few to bound */
    assert_string_equal(sc_prob_label(0, 3000).s, "< 0.1%");
    assert_string_equal(sc_prob_label(1, 100).s, "> 97%");
    assert_string_equal(sc_prob_label(0, 10000000).s, "< 0.00003%");
    assert_string_equal(sc_prob_label(1, 10000000).s, "> 99.99997%");
}

int main(void)
{
    sc_library_init();   /* as main() does: GSL never aborts (library.h) */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read_shapes),
        cmocka_unit_test(test_computed_percentiles_match_stored),
        cmocka_unit_test(test_read_refuses_non_results),
        cmocka_unit_test(test_refuses_other_kinds_and_newer_formats),
        cmocka_unit_test(test_read_allocation_failures),
        cmocka_unit_test(test_csv_pivots_back),
        cmocka_unit_test(test_xlsx_has_sheets_and_charts),
        cmocka_unit_test(test_xlsx_prints_numbers_and_targets),
        cmocka_unit_test(test_charts_exist_and_are_drawn),
        cmocka_unit_test(test_chart_write_failures_are_not_hidden),
        cmocka_unit_test(test_csv_has_no_live_formula),
        cmocka_unit_test(test_fans_of_a_bounded_run),
        cmocka_unit_test(test_xlsx_splits_long_tables),
        cmocka_unit_test(test_status_counts_are_not_quadratic),
        cmocka_unit_test(test_overspend_without_trajectories),
        cmocka_unit_test(test_other_targets),
        cmocka_unit_test(test_demand_only),
        cmocka_unit_test(test_outturn),
        cmocka_unit_test(test_real_terms),
        cmocka_unit_test(test_prob_label),
        cmocka_unit_test(test_no_change_draws_no_cluster_budgets),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
