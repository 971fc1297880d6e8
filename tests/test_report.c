/*
 * test_report.c — the steering group's HTML page (src/report/).
 *
 * Two small Kirklees runs (same seed) are made once by the built binary; the
 * report on cluster working, compared with no change, must be one
 * self-contained file (no web address at all, no external resource, every
 * chart inline SVG with ids made unique per chart), carry the headline
 * numbers exactly as the result file has them, and every section. Bad usage
 * and mismatched runs exit 2 and leave no page. Rendering in Chromium is
 * `make report-test` (tests/report_render.sh), kept out of `make test`
 * because a browser start costs seconds.
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

#include "cli_util.h"
#include "test_util.h"

#include "sendcast/library.h"
#include "sendcast/alloc.h"
#include "sendcast/result.h"
#include "sendcast/text.h"

#define NTRAJ 400

static char dir[256], nc[320], kc[320], kc2[320], html[320];
static char *page;   /* the report, read once */

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

static int setup(void **state)
{
    (void)state;
    /* Under `make asan`: PLplot's cairo drivers leak inside libfontconfig
     * (tests/lsan.supp); the commands this test runs inherit the setting. */
    setenv("LSAN_OPTIONS", "suppressions=tests/lsan.supp:print_suppressions=0", 0);
    char out[8192];
    snprintf(dir, sizeof dir, "/tmp/sendcast-report-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(nc, sizeof nc, "%s/nc.h5", dir);
    snprintf(kc, sizeof kc, "%s/kc.h5", dir);
    snprintf(kc2, sizeof kc2, "%s/kc2.h5", dir);
    snprintf(html, sizeof html, "%s/report.html", dir);
    int rc = run(out, sizeof out,
                 "%s run scenarios/kirklees-no-change-v1.yaml -n %d -o %s --quiet && "
                 "%s run scenarios/kirklees-clusters-v1.yaml -n %d -o %s --quiet && "
                 "%s run scenarios/kirklees-clusters-v1.yaml -n %d -s 3 -o %s --quiet && "
                 "%s report %s --compare %s -o %s",
                 bin(), NTRAJ, nc, bin(), NTRAJ, kc, bin(), NTRAJ, kc2, bin(), kc, nc, html);
    if (rc) {
        fprintf(stderr, "%s", out);
        return -1;
    }
    page = read_text(html);
    return page ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char out[64];
    sc_free(page);
    return run(out, sizeof out, "rm -rf %s", dir);
}

static void test_self_contained(void **state)
{
    (void)state;
    assert_null(strstr(page, "http://"));
    assert_null(strstr(page, "https://"));
    assert_null(strstr(page, "<script"));
    assert_null(strstr(page, "<link"));
    assert_null(strstr(page, "src=\""));
    /* 8 charts of the result, the distributions of the Safety Valve's last target
     * year and of the deficit, the tornado, the layered fan, the budgets and the
     * comparison's */
    assert_int_equal(count(page, "<svg"), 14);
    assert_int_equal(count(page, "</svg>"), 14);
    /* Ids are per chart: the first chart's never reused by the second. */
    assert_int_equal(count(page, "id=\"c1-text-clipping0\""), 1);
    assert_int_equal(count(page, "id=\"c200-text-clipping0\""), 1);
    assert_int_equal(count(page, " id=\"text-clipping"), 0);
    /* text stays text (PLplot's svg device), not glyph outlines */
    assert_int_equal(count(page, "glyph"), 0);
    assert_true(count(page, "<text") > 100);
    assert_non_null(strstr(page, "</html>"));
}

/* A probability as the page shows it: sc_prob_label, its "<" or ">"
 * escaped. */
static const char *shown(double p, long n)
{
    static char s[64];
    const char *l = sc_prob_label(p, n).s;
    snprintf(s, sizeof s, "%s%s", l[0] == '<' ? "&lt;" : l[0] == '>' ? "&gt;" : "",
             l[0] == '<' || l[0] == '>' ? l + 1 : l);
    return s;
}

/* Probabilities are percentages, and P of 0 or 1 is the bound the run can
 * give, never "0.000" or "1.000" (issue 16). */
static void test_headline_numbers(void **state)
{
    (void)state;
    sc_result *r = NULL;
    sc_error e;
    assert_int_equal(sc_result_read(kc, &r, &e), SC_OK);
    char want[128];
    snprintf(want, sizeof want, "<div class=\"v\">%s</div>", shown(r->p_all_met, NTRAJ));
    assert_non_null(strstr(page, want));
    snprintf(want, sizeof want, "<div class=\"v\">%s</div>", shown(r->p_met[0], NTRAJ));
    assert_non_null(strstr(page, want));
    for (int t = 0; t < r->years; t++) {
        snprintf(want, sizeof want, "<td>%s</td><td>%.1f&nbsp;pp</td>", shown(r->p_met[t], NTRAJ),
                 100 * r->p_met_mcse[t]);
        if (!strstr(page, want))
            fail_msg("the report lacks %s", want);
    }
    assert_null(strstr(page, "<td>0.000</td>"));
    assert_null(strstr(page, "<td>1.000</td>"));
    assert_non_null(strstr(page, "&lt; 0.75%"));   /* 3 / 400 */
    sc_result_free(r);
}

static void test_sections(void **state)
{
    (void)state;
    static const char *const parts[] = {
        "<h2>Headline</h2>", "<h2>Safety Valve</h2>", "<h2>Spending and plans</h2>",
        "<h2>Clusters and areas</h2>", "<h2>Comparison</h2>", "<h2>Inputs and their status</h2>",
        "<h2>Provenance</h2>", "kirklees-no-change", "illustrative", "published",
        "P(first missed target)", "P(cheaper)", "4&amp;11", "<h2>What drives the risk</h2>",
        "<h2>Parameter uncertainty and year-to-year chance</h2>", "<h2>Stress test</h2>",
        "<h2>Cluster budgets and contingency</h2>", "today's budget (illustrative)",
        "today's contingency (illustrative)", "parameters' share", "Shares of the variance in",
        /* the default total is the sum of the scenario's budgets, and what is
         * sized from it keeps their label */
        "a total of £17.600m (the scenario's own, illustrative)",
        "risk-equalised (illustrative) (£m)",
        /* printed, headings stay with what follows them */
        "h1,h2,h3{break-after:avoid", ".chart,.cards,tr,p.warn{break-inside:avoid",
        /* the comparison says whether the targets are the same */
        "Both runs against the same targets.",
        /* the scenario's description, not only its id */
        "<p class=\"description\">Kirklees, cluster working from September 2024" };
    for (size_t k = 0; k < sizeof parts / sizeof parts[0]; k++)
        if (!strstr(page, parts[k]))
            fail_msg("the report lacks %s", parts[k]);
}

/* The Kirklees scenarios' cumulative-deficit profile (a `targets:` target):
 * its table carries P(met) as the file has it, the comparison pairs it, the
 * two runs are overlaid with their paired difference as a fan, and every
 * chart carries a <title> and a <desc> for screen readers. */
static void test_other_targets_and_comparison_chart(void **state)
{
    (void)state;
    char out[8192], a[320], b[320], h[320];
    snprintf(a, sizeof a, "%s/nc-v2.h5", dir);
    snprintf(b, sizeof b, "%s/kc-v2.h5", dir);
    snprintf(h, sizeof h, "%s/targets.html", dir);
    int rc = run(out, sizeof out,
                 "%s run scenarios/kirklees-no-change.yaml -n %d -o %s --quiet && "
                 "%s run scenarios/kirklees-clusters.yaml -n %d -o %s --quiet && "
                 "%s report %s --compare %s -o %s",
                 bin(), NTRAJ, a, bin(), NTRAJ, b, bin(), b, a, h);
    if (rc)
        fail_msg("%s", out);
    char *text = read_text(h);
    assert_non_null(text);
    sc_result *r = NULL;
    sc_error e = { 0 };
    assert_int_equal(sc_result_read(b, &r, &e), SC_OK);
    assert_int_equal(r->ntargets, 1);
    assert_string_equal(r->targets[0].name, "deficit_profile");
    static const char *const parts[] = {
        "<h2>Other targets</h2>", "<h3>deficit_profile: cumulative_deficit at most",
        "This target profile is <b>illustrative</b>",
        "<h3>Target deficit_profile: P(target met)</h3>",
        "<title>High Needs Block spend: kirklees-clusters against kirklees-no-change</title>",
        "chance of meeting every year&#39;s deficit_profile target" };
    for (size_t k = 0; k < sizeof parts / sizeof parts[0]; k++)
        if (!strstr(text, parts[k]))
            fail_msg("the report lacks %s", parts[k]);
    /* the first year's P(met), as the file has it, in the target's table */
    char cell[64];
    snprintf(cell, sizeof cell, "<td>%s</td>",
             sc_prob_label(r->targets[0].p_met[0], r->trajectories).s);
    const char *table = strstr(text, "<h3>deficit_profile:");
    assert_non_null(strstr(table, cell));
    assert_int_equal(count(text, "<svg"), count(text, "<title>") - 1);   /* and the page's */
    assert_int_equal(count(text, "<svg"), count(text, "<desc>"));
    sc_result_free(r);
    sc_free(text);
}

/* A no-change run (cluster working off) keeps the clusters' budgets to
 * compare, but its report shows no budget gap or sizing as if clusters
 * worked; a run where they work shows both. */
static void test_no_change_shows_no_cluster_gaps(void **state)
{
    (void)state;
    char out[4096], path[400];
    snprintf(path, sizeof path, "%s/nc.html", dir);
    assert_int_equal(run(out, sizeof out, "%s report %s -o %s", bin(), nc, path), 0);
    char *nc_page = read_text(path);
    assert_non_null(nc_page);
    assert_non_null(strstr(nc_page, "Cluster working is off in this run"));
    assert_null(strstr(nc_page, "P(overspend)"));
    assert_null(strstr(nc_page, "<h2>Cluster budgets and contingency</h2>"));
    assert_non_null(strstr(nc_page, "<p class=\"description\">Kirklees, no change"));
    sc_free(nc_page);
    assert_null(strstr(page, "Cluster working is off"));
    assert_non_null(strstr(page, "<h2>Cluster budgets and contingency</h2>"));
}

static void test_bad_usage(void **state)
{
    (void)state;
    char out[8192], other[400];
    snprintf(other, sizeof other, "%s/other.html", dir);
    assert_int_equal(run(out, sizeof out, "%s report %s", bin(), kc), 2);
    assert_non_null(strstr(out, "-o"));
    assert_int_equal(run(out, sizeof out, "%s report %s --compare %s -o %s", bin(), kc, kc2,
                         other), 2);
    assert_non_null(strstr(out, "seeds differ"));
    assert_int_equal(access(other, F_OK), -1);
    assert_int_equal(run(out, sizeof out, "%s report %s/none.h5 -o %s", bin(), dir, other), 2);
    assert_int_equal(access(other, F_OK), -1);
    /* the budgets section's settings */
    assert_int_equal(run(out, sizeof out, "%s report %s -o %s --risk 1.5", bin(), kc, other), 2);
    assert_non_null(strstr(out, "strictly between 0 and 1"));
    assert_int_equal(run(out, sizeof out, "%s report %s -o %s --total 0", bin(), kc, other), 2);
    assert_non_null(strstr(out, "positive"));
    assert_int_equal(run(out, sizeof out, "%s report %s -o %s --year 1999", bin(), kc, other), 2);
    assert_non_null(strstr(out, "horizon"));
    assert_int_equal(access(other, F_OK), -1);
}

/* Names from a result file are text, never markup (issue 17): with
 * --compare, the other run's scenario_name reached the page unescaped (a
 * live <script>). Both runs are given hostile names (and cluster ids), as a
 * file mailed in could carry; the page must hold them only escaped. */
static void test_names_are_escaped(void **state)
{
    (void)state;
    char out[8192], a[400], b[400], h[400];
    snprintf(a, sizeof a, "%s/evil-a.h5", dir);
    snprintf(b, sizeof b, "%s/evil-b.h5", dir);
    snprintf(h, sizeof h, "%s/evil.html", dir);
    int rc = run(out, sizeof out, "cp %s %s && cp %s %s && /usr/bin/python3 -c \"import h5py, sys\n"
                 "for p in sys.argv[1:]:\n"
                 "    f = h5py.File(p, 'a')\n"
                 "    f.attrs['scenario_name'] = '<script>alert(1)</script>'\n"
                 "    ids = list(f['/axes/cluster'].asstr()[()]); ids[0] = '<img src=x onerror=alert(2)>'\n"
                 "    del f['/axes/cluster']; f['/axes/cluster'] = ids\n"
                 "    f.close()\" %s %s && /usr/bin/python3 tests/craft_results.py --sign %s && "
                 "/usr/bin/python3 tests/craft_results.py --sign %s && "
                 "%s report %s --compare %s -o %s", nc, a, kc, b, a, b, a, b, bin(), b, a, h);
    if (rc)
        fail_msg("%s", out);
    char *text = read_text(h);
    assert_non_null(text);
    assert_null(strstr(text, "<script"));
    assert_null(strstr(text, "<img"));
    assert_non_null(strstr(text, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    sc_free(text);
}

int main(void)
{
    sc_library_init();   /* as main() does: GSL never aborts (library.h) */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_self_contained),
        cmocka_unit_test(test_headline_numbers),
        cmocka_unit_test(test_sections),
        cmocka_unit_test(test_bad_usage),
        cmocka_unit_test(test_no_change_shows_no_cluster_gaps),
        cmocka_unit_test(test_names_are_escaped),
        cmocka_unit_test(test_other_targets_and_comparison_chart),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
