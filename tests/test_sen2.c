/*
 * test_sen2.c — the SEN2 release reader: two synthetic releases
 * (tests/data/sen2/, made by make_fixtures.py, which lists what is planted in
 * them) read as folders and as zips give the same panel; the file formats,
 * suppression codes, overlap between releases, recoded and reorganised
 * councils, lookups and each suspect rule come out as documented; every
 * error path gives SC_EINPUT and a message naming the file, the line and
 * what was expected.
 *
 * The last test reads DfE's real releases when scenarios/data/sen2 (or
 * $SC_SEN2_DATA) holds them, checks Kirklees against
 * scenarios/data/kirklees/history.csv, and prints what docs/sen2.md reports:
 * timing, the count of cells each rule flags, example reasons, and the
 * councils with fewer than three years of requests. It is skipped otherwise.
 * Run from the repository root.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <zip.h>

#include "sendcast/library.h"
#include "sendcast/error.h"
#include "sendcast/sen2.h"
#include "sendcast/alloc.h"
#include "sendcast/sha256.h"
#include "sendcast/text.h"
#include "test_util.h"

#define FIX "tests/data/sen2/"
#define A_DIR FIX "r2022"
#define B_DIR FIX "r2025"
#define A_ZIP FIX "r2022.zip"
#define B_ZIP FIX "r2025.zip"

enum { A = 0, B = 1 };  /* release index of the two fixtures, as read in that order */

/* ---- helpers ---- */

static sc_sen2 *read_ok(const char *a, const char *b)
{
    const char *paths[2] = { a, b };
    sc_sen2 *p = NULL;
    sc_error e;
    sc_error_clear(&e);
    int rc = sc_sen2_read(paths, b ? 2 : 1, &p, &e);
    if (rc)
        fail_msg("reading %s %s: status %d: %s", a, b ? b : "", rc, e.msg);
    assert_non_null(p);
    return p;
}

static sc_sen2 *fixture(void)
{
    return read_ok(A_DIR, B_DIR);
}

static const sc_sen2_la *council(const sc_sen2 *p, const char *which)
{
    int k = -1;
    sc_error e;
    sc_error_clear(&e);
    if (sc_sen2_find(p, which, &k, &e))
        fail_msg("finding %s: %s", which, e.msg);
    const sc_sen2_la *la = sc_sen2_la_at(p, k);
    assert_non_null(la);
    return la;
}

static const sc_sen2_cell *cell(const sc_sen2_la *la, int role, int year)
{
    const sc_sen2_cell *c = sc_sen2_cell_at(la, role, year);
    if (!c)
        fail_msg("%s has no %s cell for %d", la->name, sc_sen2_role_name(role), year);
    return c;
}

#define assert_value(la, role, year, v) assert_value_at((la), (role), (year), (v), __LINE__)

static void assert_value_at(const sc_sen2_la *la, int role, int year, double v, int line)
{
    double got = sc_sen2_value(la, role, year);
    if (!(got == v))
        fail_msg("line %d: %s %d %s: expected %g, got %g", line, la->name, year,
                 sc_sen2_role_name(role), v, got);
}

static void assert_missing(const sc_sen2_la *la, int role, int year, const char *why)
{
    const sc_sen2_cell *c = cell(la, role, year);
    if (!isnan(sc_sen2_value(la, role, year)) || !c->missing || strcmp(c->missing, why) != 0)
        fail_msg("%s %d %s: expected NaN (%s), got %g (%s)", la->name, year,
                 sc_sen2_role_name(role), why, sc_sen2_value(la, role, year),
                 c->missing ? c->missing : "a number");
}

static void assert_flag(const sc_sen2_la *la, int role, int year, int rule, const char *reason)
{
    const sc_sen2_cell *c = cell(la, role, year);
    if (c->rule != rule || !c->reason || !strstr(c->reason, reason))
        fail_msg("%s %d %s: expected rule %d with \"%s\", got rule %d: %s", la->name, year,
                 sc_sen2_role_name(role), rule, reason, c->rule, c->reason ? c->reason : "-");
}

static int flags_of(const sc_sen2_la *la)
{
    int n = 0;
    for (int r = 0; r < SC_SEN2_NROLES; r++)
        for (int i = 0; i < la->nyears; i++)
            n += la->cell[r][i].rule != SC_SEN2_KEPT;
    return n;
}

static int ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), m = strlen(tail);
    return n >= m && strcmp(s + n - m, tail) == 0;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    assert_non_null(s);
    assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
    s[n] = '\0';
    fclose(f);
    return s;
}

static void run(const char *cmd)
{
    if (system(cmd) != 0)
        fail_msg("test setup failed: %s", cmd);
}

/* A temporary folder holding copies of both fixture folders (r2022, r2025). */
typedef struct scratch {
    char dir[64];
    char a[128], b[128];
} scratch;

static void scratch_make(scratch *s)
{
    snprintf(s->dir, sizeof s->dir, "/tmp/sendcast-sen2-XXXXXX");
    assert_non_null(mkdtemp(s->dir));
    char cmd[512];
    snprintf(cmd, sizeof cmd, "cp -r %s %s %s/", A_DIR, B_DIR, s->dir);
    run(cmd);
    snprintf(s->a, sizeof s->a, "%s/r2022", s->dir);
    snprintf(s->b, sizeof s->b, "%s/r2025", s->dir);
}

static void scratch_drop(scratch *s)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", s->dir);
    run(cmd);
}

/* In file `rel` of the scratch, replace the first `from` by `to`; returns
 * the 1-based line where it was. */
static int edit(const scratch *s, const char *rel, const char *from, const char *to)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", s->dir, rel);
    char *text = slurp(path);
    char *at = strstr(text, from);
    if (!at)
        fail_msg("test setup: '%s' is not in %s", from, path);
    int line = 1;
    for (const char *q = text; q < at; q++)
        line += *q == '\n';
    size_t n = strlen(text) - strlen(from) + strlen(to) + 1;
    char *out = malloc(n);
    assert_non_null(out);
    snprintf(out, n, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
    write_text(path, out);
    free(out);
    free(text);
    return line;
}

/* Reading `paths` fails with SC_EINPUT, a message starting with `prefix` and
 * holding every further word (NULL-terminated). */
static void expect_bad(const char *a, const char *b, const char *prefix, ...)
{
    const char *paths[2] = { a, b };
    sc_sen2 *p = (sc_sen2 *)1;
    sc_error e;
    sc_error_clear(&e);
    int rc = sc_sen2_read(paths, b ? 2 : 1, &p, &e);
    if (rc != SC_EINPUT)
        fail_msg("expected SC_EINPUT, got %d: %s", rc, rc ? e.msg : "(success)");
    assert_null(p);
    if (strncmp(e.msg, prefix, strlen(prefix)) != 0)
        fail_msg("expected the message to start with '%s', got:\n%s", prefix, e.msg);
    va_list ap;
    va_start(ap, prefix);
    for (const char *w; (w = va_arg(ap, const char *));)
        if (!strstr(e.msg, w))
            fail_msg("expected '%s' in the message:\n%s", w, e.msg);
    va_end(ap);
}

/* ---- folder and zip ---- */

static void same_cell(const sc_sen2_cell *x, const sc_sen2_cell *y, const char *what)
{
    if (x->release != y->release || x->line != y->line || x->rule != y->rule
        || !x->missing != !y->missing || (x->missing && strcmp(x->missing, y->missing))
        || !x->reason != !y->reason || (x->reason && strcmp(x->reason, y->reason))
        || !x->file != !y->file)
        fail_msg("%s: the folder and the zip disagree", what);
    if (x->file) {     /* same member, under the folder or the zip */
        assert_true(ends_with(x->file, strrchr(y->file, '/')));
        assert_non_null(strstr(x->file, "/r2022/data/") ? strstr(y->file, "r2022.zip/data/")
                                                       : strstr(y->file, "r2025.zip/data/"));
    }
}

static void same_record(const sc_sen2_la *x, const sc_sen2_la *y)
{
    assert_string_equal(x->old_code, y->old_code);
    assert_string_equal(x->name, y->name);
    assert_string_equal(x->region_code, y->region_code);
    assert_string_equal(x->region_name, y->region_name);
    assert_int_equal(x->nnew_codes, y->nnew_codes);
    for (int i = 0; i < x->nnew_codes; i++)
        assert_string_equal(x->new_codes[i], y->new_codes[i]);
    assert_int_equal(x->first_year, y->first_year);
    assert_int_equal(x->nyears, y->nyears);
    for (int r = 0; r < SC_SEN2_NROLES; r++)
        for (int i = 0; i < x->nyears; i++) {
            double vx = x->value[r][i], vy = y->value[r][i];
            if (!(vx == vy || (isnan(vx) && isnan(vy))))
                fail_msg("%s %d %s: folder %g, zip %g", x->name, x->first_year + i,
                         sc_sen2_role_name(r), vx, vy);
            same_cell(&x->cell[r][i], &y->cell[r][i], x->name);
        }
}

static void test_folder_and_zip_identical(void **state)
{
    (void)state;
    sc_sen2 *f = fixture(), *z = read_ok(A_ZIP, B_ZIP);
    assert_int_equal(sc_sen2_la_count(f), 18);
    assert_int_equal(sc_sen2_la_count(z), sc_sen2_la_count(f));
    assert_int_equal(sc_sen2_region_count(z), sc_sen2_region_count(f));
    for (int i = 0; i < sc_sen2_la_count(f); i++)
        same_record(sc_sen2_la_at(f, i), sc_sen2_la_at(z, i));
    for (int i = 0; i < sc_sen2_region_count(f); i++)
        same_record(sc_sen2_region_at(f, i), sc_sen2_region_at(z, i));
    for (int r = 0; r < SC_SEN2_NRULES; r++)
        assert_int_equal(sc_sen2_flag_count(f, r), sc_sen2_flag_count(z, r));
    assert_int_equal(sc_sen2_lag_count(f), sc_sen2_lag_count(z));
    const sc_sen2_cell *c = cell(council(z, "Alderley"), SC_SEN2_REQUESTS, 2019);
    assert_string_equal(c->file, B_ZIP "/data/requests.csv");
    assert_int_equal(c->line, 37);
    c = cell(council(f, "Alderley"), SC_SEN2_REQUESTS, 2019);
    assert_string_equal(c->file, B_DIR "/data/requests.csv");
    sc_sen2_free(f);
    sc_sen2_free(z);
}

/* Each release's path, layout and fingerprint: a zip's SHA-256 is the file's
 * (as sha256sum prints it); a folder's is that of its manifest, the lines
 * "HEX  data/NAME" of the files read in the layout's order. The zip and the
 * folder of one release differ, but each is stable. */
static void test_release_fingerprints(void **state)
{
    (void)state;
    sc_sen2 *z = read_ok(A_ZIP, B_ZIP), *f = fixture();
    assert_int_equal(sc_sen2_release_count(z), 2);
    assert_string_equal(sc_sen2_release_path(z, 0), A_ZIP);
    assert_string_equal(sc_sen2_release_path(z, 1), B_ZIP);
    assert_null(sc_sen2_release_path(z, 2));
    assert_null(sc_sen2_release_sha256(z, -1));
    assert_string_equal(sc_sen2_release_layout(z, 0), "2022");
    assert_string_equal(sc_sen2_release_layout(f, 1), "2025");
    char sha[65];
    assert_int_equal(sc_sha256_file(B_ZIP, sha), 0);
    assert_string_equal(sc_sen2_release_sha256(z, 1), sha);
    /* the folder's manifest, as sha256sum would print it from inside the folder */
    static const char *const files[] = { "requests.csv", "assessments.csv", "newplans.csv",
                                         "ceased_plans.csv", "caseload.csv" };
    char manifest[2048] = "";
    size_t used = 0;
    for (size_t k = 0; k < sizeof files / sizeof files[0]; k++) {
        char path[256], *text = NULL;
        size_t len;
        snprintf(path, sizeof path, B_DIR "/data/%s", files[k]);
        assert_int_equal(sc_file_read(path, (size_t)1 << 30, &text, &len), 0);
        sc_sha256_hex(text, len, sha);
        sc_free(text);
        used += (size_t)snprintf(manifest + used, sizeof manifest - used, "%s  data/%s\n", sha,
                                 files[k]);
    }
    sc_sha256_hex(manifest, used, sha);
    assert_string_equal(sc_sen2_release_sha256(f, 1), sha);
    assert_string_not_equal(sc_sen2_release_sha256(f, 0), sc_sen2_release_sha256(z, 0));
    assert_int_equal(sc_sha256_file(FIX "no-such.zip", sha), ENOENT);
    assert_string_equal(sha, "");
    assert_int_equal(sc_sen2_release_count(NULL), 0);
    sc_sen2_free(z);
    sc_sen2_free(f);
}

/* ---- formats and codes ---- */

static void test_formats(void **state)
{
    (void)state;
    sc_sen2 *p = fixture();
    /* byte-order marks: time_period is found in both releases' first column;
     * CRLF: no '\r' left in the last column of sen2_mi.csv; quotes */
    const sc_sen2_la *j = council(p, "205");
    assert_string_equal(j->name, "Jarrow, City of");
    assert_string_equal(j->region_name, "South Testshire");
    const sc_sen2_la *al = council(p, "Alderley");
    assert_value(al, SC_SEN2_REQUESTS, 2016, 294);       /* InreqEHC, CRLF file's last column */
    assert_value(al, SC_SEN2_REFUSED, 2015, 68);
    assert_int_equal(al->first_year, 2015);
    assert_int_equal(al->nyears, 9);
    /* the census year: 201819 and January 2019 are both activity 2018 */
    assert_value(al, SC_SEN2_PLANS, 2015, 2400);
    assert_value(al, SC_SEN2_PLANS, 2023, 5093);
    /* settings are disjoint and add up to plans */
    for (int i = 0; i < sc_sen2_la_count(p); i++) {
        const sc_sen2_la *la = sc_sen2_la_at(p, i);
        for (int y = 0; y < la->nyears; y++) {
            double sum = 0;
            for (int r = SC_SEN2_PLANS_MAINSTREAM; r <= SC_SEN2_PLANS_OTHER; r++)
                sum += la->value[r][y];
            if (!isnan(sum) && sum != la->value[SC_SEN2_PLANS][y])
                fail_msg("%s %d: settings sum to %g, plans %g", la->name, la->first_year + y,
                         sum, la->value[SC_SEN2_PLANS][y]);
        }
    }
    /* 2018 (January 2019) from r2025: 3162 plans, 1265 mainstream of which 32
     * independent, 1107 special of which 158 independent */
    assert_value(al, SC_SEN2_PLANS_MAINSTREAM, 2018, 1233);
    assert_value(al, SC_SEN2_PLANS_SPECIAL, 2018, 949);
    assert_value(al, SC_SEN2_PLANS_INDEPENDENT, 2018, 190);
    assert_value(al, SC_SEN2_PLANS_POST16, 2018, 474);
    assert_value(al, SC_SEN2_PLANS_AP, 2018, 63);
    assert_value(al, SC_SEN2_PLANS_OTHER, 2018, 253);
    /* sums: assessments = plan issued + not issued; ceased from four EHC and
     * (to 2017) four statement columns, their "z" counting 0 from 2018 */
    assert_value(al, SC_SEN2_ASSESSMENTS, 2017, 240);
    assert_value(al, SC_SEN2_CEASED, 2017, 131);
    assert_value(al, SC_SEN2_CEASED, 2019, 161);
    sc_sen2_free(p);
}

static void test_suppression_codes(void **state)
{
    (void)state;
    sc_sen2 *p = fixture();
    const sc_sen2_la *al = council(p, "Alderley"), *kelso = council(p, "Kelso");
    assert_missing(al, SC_SEN2_REQUESTS, 2015, "z");                   /* InreqEHC "z" */
    assert_missing(kelso, SC_SEN2_REQUESTS, 2016, "empty");
    assert_missing(council(p, "Lydford"), SC_SEN2_CEASED, 2017, ":");   /* one part ":" */
    assert_missing(council(p, "Gorton"), SC_SEN2_REFUSED, 2021, "x");   /* "c", then "x" */
    assert_int_equal(cell(council(p, "Gorton"), SC_SEN2_REFUSED, 2021)->release, B);
    /* AssnoneEHC "low": assessments from NewallEHC_AssnoneEHC_sum */
    assert_value(kelso, SC_SEN2_ASSESSMENTS, 2017, 264);
    /* not published in the 2022 layout, and no row for a year */
    assert_missing(al, SC_SEN2_AGREED, 2017, "no row");
    assert_int_equal(cell(al, SC_SEN2_AGREED, 2017)->release, -1);
    assert_null(cell(al, SC_SEN2_AGREED, 2017)->file);
    assert_value(al, SC_SEN2_AGREED, 2018, 251);
    /* January 2016 census had no further education rows */
    assert_missing(al, SC_SEN2_PLANS_POST16, 2015, "no row");
    assert_missing(al, SC_SEN2_PLANS_OTHER, 2015, "no row");
    assert_value(al, SC_SEN2_PLANS_POST16, 2016, 388);
    assert_missing(council(p, "Brockton"), SC_SEN2_AGREED, 2020, "x");
    sc_sen2_free(p);
}

static void test_overlap_later_release_wins(void **state)
{
    (void)state;
    sc_sen2 *p = fixture();
    const sc_sen2_la *al = council(p, "Alderley");
    /* r2022 has 2019 requests 414, r2025 407: the later wins */
    assert_value(al, SC_SEN2_REQUESTS, 2019, 407);
    assert_int_equal(cell(al, SC_SEN2_REQUESTS, 2019)->release, B);
    assert_value(al, SC_SEN2_REQUESTS, 2017, 333);
    assert_int_equal(cell(al, SC_SEN2_REQUESTS, 2017)->release, A);
    assert_true(ends_with(cell(al, SC_SEN2_REQUESTS, 2017)->file, "r2022/data/sen2_mi.csv"));
    assert_true(ends_with(cell(al, SC_SEN2_PLANS, 2017)->file,
                          "r2022/data/sen2_estab_caseload.csv"));
    assert_int_equal(cell(al, SC_SEN2_PLANS, 2018)->release, B);
    assert_int_equal(cell(al, SC_SEN2_CEASED, 2021)->release, A);   /* r2025: from 2022 */
    /* r2025's "x" does not replace r2022's number */
    const sc_sen2_la *br = council(p, "Brockton");
    assert_value(br, SC_SEN2_REQUESTS, 2020, 590);
    assert_int_equal(cell(br, SC_SEN2_REQUESTS, 2020)->release, A);
    assert_null(cell(br, SC_SEN2_REQUESTS, 2020)->missing);
    sc_sen2_free(p);

    /* the order of the paths decides: r2022 last wins */
    p = read_ok(B_DIR, A_DIR);
    assert_value(council(p, "Alderley"), SC_SEN2_REQUESTS, 2019, 414);
    sc_sen2_free(p);
}

static void test_recoded_and_reorganised(void **state)
{
    (void)state;
    sc_sen2 *p = fixture();
    const sc_sen2_la *ca = council(p, "103");
    assert_string_equal(ca->name, "Carbury");
    assert_int_equal(ca->nnew_codes, 2);
    assert_string_equal(ca->new_codes[0], "E10000103");
    assert_string_equal(ca->new_codes[1], "E06000103");
    assert_int_equal(ca->first_year, 2015);
    assert_int_equal(ca->nyears, 9);
    assert_false(isnan(sc_sen2_value(ca, SC_SEN2_REQUESTS, 2016)));
    assert_false(isnan(sc_sen2_value(ca, SC_SEN2_REQUESTS, 2023)));
    /* a predecessor keeps its series, its successors have short ones */
    const sc_sen2_la *old = council(p, "303"), *neu = council(p, "304");
    assert_int_equal(old->first_year + old->nyears - 1, 2020);
    assert_int_equal(neu->first_year, 2021);
    assert_missing(neu, SC_SEN2_REQUESTS, 2021, "no row");
    assert_value(neu, SC_SEN2_PLANS, 2021, sc_sen2_value(neu, SC_SEN2_PLANS, 2021));
    /* no old code: keyed on the new code, listed after the others */
    const sc_sen2_la *nt = council(p, "Newtown");
    assert_string_equal(nt->old_code, "");
    assert_ptr_equal(nt, sc_sen2_la_at(p, sc_sen2_la_count(p) - 1));
    assert_string_equal(sc_sen2_la_at(p, 0)->old_code, "101");
    /* regions kept apart, totals per year and role */
    assert_int_equal(sc_sen2_region_count(p), 4);
    const sc_sen2_la *south = sc_sen2_region_at(p, 1);
    assert_string_equal(south->region_code, "E12000002");
    assert_string_equal(south->name, "South Testshire");
    assert_value(south, SC_SEN2_NEW_PLANS, 2022, 1918);
    sc_sen2_free(p);
}

static void test_find(void **state)
{
    (void)state;
    sc_sen2 *p = fixture();
    int k;
    sc_error e;
    const char *alderley[] = { "101", "E06000101", "e06000101", "alderley", "  ALDERLEY " };
    for (size_t i = 0; i < sizeof alderley / sizeof *alderley; i++) {
        k = -1;
        assert_int_equal(sc_sen2_find(p, alderley[i], &k, &e), SC_OK);
        assert_string_equal(sc_sen2_la_at(p, k)->name, "Alderley");
    }
    assert_string_equal(council(p, "E10000103")->name, "Carbury");     /* its first code */
    assert_string_equal(council(p, "E06000103")->name, "Carbury");
    assert_string_equal(council(p, "E06000306")->name, "Newtown");
    assert_string_equal(council(p, "jarrow, city of")->old_code, "205");

    assert_int_equal(sc_sen2_find(p, "Aldersley", &k, &e), SC_EINPUT);
    assert_non_null(strstr(e.msg, "no council \"Aldersley\""));
    assert_non_null(strstr(e.msg, "did you mean 101 Alderley (E06000101, 2015-2023)"));
    assert_int_equal(sc_sen2_find(p, "Jarrow", &k, &e), SC_EINPUT);
    assert_non_null(strstr(e.msg, "did you mean 205 Jarrow, City of"));
    assert_int_equal(sc_sen2_find(p, "999", &k, &e), SC_EINPUT);
    assert_non_null(strstr(e.msg, "no council \"999\""));
    assert_int_equal(sc_sen2_find(p, "Zzyzx Qqq", &k, &e), SC_EINPUT);
    assert_null(strstr(e.msg, "did you mean"));
    assert_int_equal(sc_sen2_find(p, "Oldshire", &k, &e), SC_EINPUT);
    assert_non_null(strstr(e.msg, "\"Oldshire\" names 2 councils"));
    assert_non_null(strstr(e.msg, "303 Oldshire (E10000303, 2015-2020)"));
    assert_non_null(strstr(e.msg, "304 Oldshire (E06000304, 2021-2023)"));
    assert_int_equal(sc_sen2_find(p, " ", &k, &e), SC_EINPUT);
    sc_sen2_free(p);
}

/* ---- the suspect rules ---- */

static void test_rule_region_total(void **state)
{
    (void)state;
    sc_sen2 *p = fixture();
    const char *south[] = { "Fenwick", "Gorton", "Hexham Vale", "Ickworth", "Jarrow, City of" };
    for (int i = 0; i < 5; i++)
        assert_flag(council(p, south[i]), SC_SEN2_NEW_PLANS, 2022, SC_SEN2_RULE_REGION,
                    "2022 new_plans 1,918 equals the South Testshire regional total (5 "
                    "councils of the region report a positive value)");
    /* the only council of its region equals the region's total: not flagged */
    const sc_sen2_la *isle = council(p, "Isle");
    assert_value(isle, SC_SEN2_NEW_PLANS, 2022,
                 sc_sen2_value(sc_sen2_region_at(p, 3), SC_SEN2_NEW_PLANS, 2022));
    assert_int_equal(flags_of(isle), 0);
    assert_int_equal(sc_sen2_flag_count(p, SC_SEN2_RULE_REGION), 5);
    sc_sen2_free(p);
}

static void test_rule_series_break(void **state)
{
    (void)state;
    sc_sen2 *p = fixture();
    const sc_sen2_la *br = council(p, "Brockton");
    assert_flag(br, SC_SEN2_REQUESTS, 2017, SC_SEN2_RULE_BREAK,
                "2017 requests 44 is 0.0965 times 456, the geometric mean of 2016 (420) and "
                "2018 (495): outside [0.3333, 3]");
    assert_int_equal(flags_of(br), 1);         /* its neighbours are not dragged in */
    assert_flag(council(p, "Dunmore"), SC_SEN2_REFUSED, 2020, SC_SEN2_RULE_BREAK,
                "2020 refused is 0 where its neighbours 2019 (57) and 2021 (69) are at "
                "least 20");
    assert_flag(council(p, "Eastwick"), SC_SEN2_PLANS, 2020, SC_SEN2_RULE_BREAK,
                "2020 plans 3,940 is 0.5852 times 6,733, the geometric mean of 2019 (6,091) "
                "and 2021 (7,443): outside [0.7, 1.5]");
    /* the value stays; only the flag says leave it out */
    assert_value(council(p, "Eastwick"), SC_SEN2_PLANS, 2020, 3940);
    assert_int_equal(sc_sen2_flag_count(p, SC_SEN2_RULE_BREAK), 3);
    sc_sen2_free(p);
}

static void test_rule_ratio(void **state)
{
    (void)state;
    sc_sen2 *p = fixture();
    double lo, hi;
    assert_int_equal(sc_sen2_ratio_range(p, SC_SEN2_PLANS_PER_ASSESSMENT, &lo, &hi), 130);
    assert_true(lo > 0.4 && lo < 0.5 && hi > 1.8 && hi < 2);
    assert_flag(council(p, "Carbury"), SC_SEN2_NEW_PLANS, 2019, SC_SEN2_RULE_RATIO,
                "2019 new_plans 651 gives new_plans/assessments 2.553, outside the national "
                "range [0.4708, 1.897] (percentiles 1-99 of 130 council-years, widened 2x)");
    assert_flag(council(p, "Hexham Vale"), SC_SEN2_CEASED, 2021, SC_SEN2_RULE_RATIO,
                "2021 ceased 676 gives ceased/plans at the January before 0.1325, outside the "
                "national range");
    assert_int_equal(sc_sen2_flag_count(p, SC_SEN2_RULE_RATIO), 2);
    assert_int_equal(sc_sen2_flag_count(p, SC_SEN2_KEPT), 10);
    assert_true(sc_sen2_ratio_range(p, SC_SEN2_ASSESSED_PER_REQUEST, &lo, &hi) > 100);
    assert_true(sc_sen2_ratio_range(p, SC_SEN2_CEASED_PER_PLAN, &lo, &hi) > 100);
    assert_int_equal(sc_sen2_ratio_range(p, 99, &lo, &hi), 0);
    sc_sen2_free(p);

    /* r2025 alone has ceased plans for 2022-2023 only: too few council-years
     * (34 < ratio_min_years), so rule 3 is off for that ratio */
    p = read_ok(B_DIR, NULL);
    assert_int_equal(sc_sen2_ratio_range(p, SC_SEN2_CEASED_PER_PLAN, &lo, &hi), 0);
    assert_true(isnan(lo) && isnan(hi));
    sc_sen2_free(p);
}

static void test_normal_series_not_flagged(void **state)
{
    (void)state;
    sc_sen2 *p = fixture();
    const char *clean[] = { "Alderley", "Kelso", "Lydford", "Tiny", "Isle", "Newtown",
                            "South Oldshire" };
    for (size_t i = 0; i < sizeof clean / sizeof *clean; i++)
        if (flags_of(council(p, clean[i])))
            fail_msg("%s: expected no flagged cell", clean[i]);
    int n;
    const sc_sen2_param *t = sc_sen2_params(&n);
    assert_true(n >= 10);
    for (int i = 0; i < n; i++) {
        assert_non_null(t[i].name);
        assert_true(t[i].doc && strlen(t[i].doc) > 20);
    }
    sc_sen2_free(p);
}

static void test_lags(void **state)
{
    (void)state;
    sc_sen2 *p = fixture();
    assert_int_equal(sc_sen2_lag_count(p), 1);
    const sc_sen2_lag *l = sc_sen2_lag_at(p, 0);
    assert_string_equal(sc_sen2_la_at(p, l->la)->name, "Ickworth");
    assert_int_equal(l->year, 2020);
    assert_true(l->assessments > l->requests);
    assert_int_equal(cell(sc_sen2_la_at(p, l->la), SC_SEN2_ASSESSMENTS, 2020)->rule, 0);
    assert_null(sc_sen2_lag_at(p, 1));
    sc_sen2_free(p);
}

/* ---- errors ---- */

static void test_bad_paths(void **state)
{
    (void)state;
    expect_bad("tests/data/sen2/nowhere.zip", NULL,
               "tests/data/sen2/nowhere.zip: no such file or folder", NULL);
    expect_bad(A_DIR, "tests/data/sen2/nowhere", "tests/data/sen2/nowhere: no such file",
               "while reading SEN2 release 2 of 2", NULL);
    expect_bad(FIX "make_fixtures.py", NULL, FIX "make_fixtures.py: neither a zip archive "
               "nor a folder", NULL);
    expect_bad(FIX "r2022/data", NULL, FIX "r2022/data: a folder without data/", NULL);
    const char *none[1] = { NULL };
    sc_sen2 *p = (sc_sen2 *)1;
    sc_error e;
    assert_int_equal(sc_sen2_read(none, 0, &p, &e), SC_EINPUT);
    assert_null(p);
    assert_non_null(strstr(e.msg, "no SEN2 release given"));
    assert_int_equal(sc_sen2_read(none, 1, &p, &e), SC_EINPUT);
    assert_non_null(strstr(e.msg, "no path given"));
}

/* A zip of the CSV files under folder/data/, each stored as
 * PREFIXdata/NAME (prefix "" as DfE lays them out, or "top/"). */
static void zip_release(const char *folder, const char *prefix, const char *zip_path)
{
    static const char *const names[] = { "requests.csv", "assessments.csv", "newplans.csv",
                                         "caseload.csv", "ceased_plans.csv", "sen2_mi.csv",
                                         "sen2_estab_caseload.csv" };
    int zerr;
    zip_t *z = zip_open(zip_path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
    assert_non_null(z);
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        char src[256], member[128];
        struct stat st;
        snprintf(src, sizeof src, "%s/data/%s", folder, names[i]);
        if (stat(src, &st) != 0)
            continue;
        snprintf(member, sizeof member, "%sdata/%s", prefix, names[i]);
        zip_source_t *zs = zip_source_file(z, src, 0, -1);
        assert_non_null(zs);
        assert_true(zip_file_add(z, member, zs, 0) >= 0);
    }
    assert_int_equal(zip_close(z), 0);
}

static void test_bad_layouts(void **state)
{
    (void)state;
    scratch s;
    scratch_make(&s);
    char cmd[512], want[1024];
    /* a folder with data/ but no SEN2 file */
    snprintf(cmd, sizeof cmd, "mkdir -p %s/empty/data && touch %s/empty/data/other.csv",
             s.dir, s.dir);
    run(cmd);
    snprintf(want, sizeof want, "%s/empty: no SEN2 files: expected data/sen2_mi.csv, "
             "data/sen2_estab_caseload.csv (a 2022-style release) or data/requests.csv", s.dir);
    snprintf(cmd, sizeof cmd, "%s/empty", s.dir);
    expect_bad(cmd, NULL, want, NULL);
    /* a release without one of its files */
    snprintf(cmd, sizeof cmd, "rm %s/data/ceased_plans.csv", s.b);
    run(cmd);
    snprintf(want, sizeof want, "%s: has data/requests.csv, data/assessments.csv, "
             "data/newplans.csv, data/caseload.csv of a 2025-style SEN2 release but lacks "
             "data/ceased_plans.csv", s.b);
    expect_bad(s.b, NULL, want, NULL);
    /* a zip without the expected CSVs */
    snprintf(cmd, sizeof cmd, "%s/guidance.zip", s.dir);
    int zerr;
    zip_t *z = zip_open(cmd, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
    assert_non_null(z);
    static const char note[] = "only guidance\n";
    zip_source_t *src = zip_source_buffer(z, note, sizeof note - 1, 0);
    assert_true(zip_file_add(z, "data-guidance/data-guidance.txt", src, 0) >= 0);
    assert_int_equal(zip_close(z), 0);
    snprintf(want, sizeof want, "%s: no SEN2 files", cmd);
    expect_bad(cmd, NULL, want, "data/requests.csv", NULL);
    /* a zip of a folder, data/ one level down, is read like the folder */
    snprintf(cmd, sizeof cmd, "%s/nested.zip", s.dir);
    zip_release(s.a, "r2022/", cmd);
    sc_sen2 *p = read_ok(cmd, NULL);
    assert_true(ends_with(cell(council(p, "Alderley"), SC_SEN2_REQUESTS, 2017)->file,
                          "nested.zip/r2022/data/sen2_mi.csv"));
    sc_sen2_free(p);
    scratch_drop(&s);
}

static void test_bad_columns(void **state)
{
    (void)state;
    scratch s;
    scratch_make(&s);
    char want[512];
    edit(&s, "r2025/data/requests.csv", "requests_decided_to_assess,", "decided,");
    snprintf(want, sizeof want, "%s/data/requests.csv:1: the header lacks the column "
             "requests_decided_to_assess, which this file of a SEN2 release (requests.csv) "
             "must have", s.b);
    expect_bad(s.a, s.b, want, "while reading SEN2 release 2 of 2", NULL);
    edit(&s, "r2022/data/sen2_mi.csv", "la_name,NewallEHC,", "name,Newall,");
    snprintf(want, sizeof want, "%s/data/sen2_mi.csv:1: the header lacks the columns la_name, "
             "NewallEHC", s.a);
    expect_bad(s.a, NULL, want, NULL);
    scratch_drop(&s);
}

static void test_bad_cells(void **state)
{
    (void)state;
    scratch s;
    scratch_make(&s);
    char want[512];
    /* a number that is not one, at its line and field */
    int line = edit(&s, "r2025/data/requests.csv",
                    "Alderley,All requests for EHC needs assessments,All requests for EHC needs "
                    "assessments,407,", "Alderley,All requests for EHC needs assessments,"
                    "All requests for EHC needs assessments,4O7,");
    snprintf(want, sizeof want, "%s/data/requests.csv:%d:13: column requests_received_in_year: "
             "expected a count or a suppression code (x, c, z, :, low or an empty cell), got "
             "\"4O7\"", s.b, line);
    expect_bad(s.b, NULL, want, NULL);
    edit(&s, "r2025/data/requests.csv", ",4O7,", ",407,");
    /* a negative count */
    line = edit(&s, "r2025/data/assessments.csv", "Kelso,All EHC needs assessments,All EHC "
                "needs assessments,x,", "Kelso,All EHC needs assessments,All EHC needs "
                "assessments,x,-");
    snprintf(want, sizeof want, "%s/data/assessments.csv:%d:14: column assess_issued", s.b,
             line);
    expect_bad(s.b, NULL, want, NULL);
    scratch_drop(&s);

    scratch_make(&s);
    /* time_period */
    line = edit(&s, "r2025/data/caseload.csv", "201920,", "201921,");
    snprintf(want, sizeof want, "%s/data/caseload.csv:%d:1: column time_period: expected a year "
             "(2022) or an academic year (202223), got \"201921\"", s.b, line);
    expect_bad(s.b, NULL, want, NULL);
    /* old code */
    line = edit(&s, "r2022/data/sen2_mi.csv", ",101,", ",1O1,");
    snprintf(want, sizeof want, "%s/data/sen2_mi.csv:%d:8: column old_la_code: expected a "
             "3-digit code", s.a, line);
    expect_bad(s.a, NULL, want, NULL);
    scratch_drop(&s);

    scratch_make(&s);
    /* a row given twice */
    char path[256];
    snprintf(path, sizeof path, "%s/data/ceased_plans.csv", s.b);
    char *text = slurp(path);
    const char *row = strstr(text, "\n2022,Calendar year,Local authority");
    assert_non_null(row);
    const char *end = strchr(row + 1, '\n');
    size_t n = strlen(text) + (size_t)(end - row) + 1;
    char *twice = malloc(n);
    assert_non_null(twice);
    snprintf(twice, n, "%s%.*s", text, (int)(end - row - 1), row + 1);
    write_text(path, twice);
    int first = 2, dup = 1;
    for (const char *q = twice; *q; q++)
        dup += *q == '\n';
    snprintf(want, sizeof want, "%s:%d: a second row for Alderley, time_period 2022: the first "
             "is line %d", path, dup, first);
    expect_bad(s.b, NULL, want, NULL);
    free(twice);
    /* a short row: the CSV parser's own message */
    write_text(path, text);
    line = edit(&s, "r2025/data/ceased_plans.csv", "All ceased EHC plans,All ceased EHC plans,",
                "All ceased EHC plans,");
    snprintf(want, sizeof want, "%s:%d: row has", path, line);
    expect_bad(s.b, NULL, want, "a short row", NULL);
    free(text);
    scratch_drop(&s);
}

static void test_no_total_rows(void **state)
{
    (void)state;
    scratch s;
    scratch_make(&s);
    char path[256], want[512];
    snprintf(path, sizeof path, "%s/data/newplans.csv", s.b);
    char *text = slurp(path);
    for (char *q; (q = strstr(text, ",New EHC plans,New EHC plans,"));)
        memcpy(q, ",New EHC plans,Any EHC plans,", 29);
    write_text(path, text);
    free(text);
    snprintf(want, sizeof want, "%s: no row has the breakdown \"New EHC plans\" (the total this "
             "file must give)", path);
    expect_bad(s.b, NULL, want, NULL);
    scratch_drop(&s);
}

static void test_bad_cell_in_zip(void **state)
{
    (void)state;
    scratch s;
    scratch_make(&s);
    int line = edit(&s, "r2025/data/newplans.csv", "Kelso,New EHC plans,New EHC plans,",
                    "Kelso,New EHC plans,New EHC plans,twelve");
    char zip_path[256], want[512];
    snprintf(zip_path, sizeof zip_path, "%s/r2025.zip", s.dir);
    zip_release(s.b, "", zip_path);
    snprintf(want, sizeof want, "%s/data/newplans.csv:%d:13: column new_ehc_plans: expected a "
             "count", zip_path, line);
    expect_bad(A_ZIP, zip_path, want, "got \"twelve", "while reading SEN2 release 2 of 2",
               NULL);
    /* a damaged zip */
    char cmd[600];
    snprintf(cmd, sizeof cmd, "head -c 600 %s > %s/cut.zip", B_ZIP, s.dir);
    run(cmd);
    snprintf(zip_path, sizeof zip_path, "%s/cut.zip", s.dir);
    snprintf(want, sizeof want, "%s: ", zip_path);
    expect_bad(zip_path, NULL, want, NULL);
    scratch_drop(&s);
}

/* ---- DfE's real releases ---- */

static const char *real_dir(void)
{
    const char *env = getenv("SC_SEN2_DATA");
    static const char *const tries[] = { "scenarios/data/sen2" };   /* the project's copy */
    struct stat st;
    if (env && *env)
        return stat(env, &st) == 0 ? env : NULL;
    for (size_t i = 0; i < sizeof tries / sizeof *tries; i++)
        if (stat(tries[i], &st) == 0)
            return tries[i];
    return NULL;
}

/* history.csv's column `name` for `year`, NaN when empty. */
static double history(const char *text, const char *name, int year)
{
    char head[1024];
    const char *nl = strchr(text, '\n');
    snprintf(head, sizeof head, "%.*s", (int)(nl - text), text);
    int col = -1, i = 0;
    for (char *t = strtok(head, ","); t; t = strtok(NULL, ","), i++)
        if (strcmp(t, name) == 0)
            col = i;
    if (col < 0)
        fail_msg("history.csv has no column %s", name);
    char key[16];
    snprintf(key, sizeof key, "\n%d,", year);
    const char *row = strstr(text, key);
    if (!row)
        fail_msg("history.csv has no year %d", year);
    row++;
    for (i = 0; i < col; i++)
        row = strchr(row, ',') + 1;
    return *row == ',' || *row == '\n' ? NAN : atof(row);
}

static void test_real_releases(void **state)
{
    (void)state;
    const char *dir = real_dir();
    if (!dir) {
        print_message("no SEN2 releases at scenarios/data/sen2 (or $SC_SEN2_DATA): skipped\n");
        skip();
    }
    char a[512], b[512], hist[512];
    snprintf(a, sizeof a, "%s/education-health-and-care-plans_2022.zip", dir);
    snprintf(b, sizeof b, "%s/education-health-and-care-plans_2025_to-2023.zip", dir);
    snprintf(hist, sizeof hist, "%s/../kirklees/history.csv", dir);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    sc_sen2 *p = read_ok(a, b);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    print_message("read both releases in %.3f s: %d councils, %d regions\n", secs,
                  sc_sen2_la_count(p), sc_sen2_region_count(p));
#if !defined(__SANITIZE_ADDRESS__)
    assert_true(secs < 1.0);
#endif

    /* Kirklees (382) against the project's own history.csv */
    const sc_sen2_la *k = council(p, "382");
    assert_string_equal(k->name, "Kirklees");
    assert_ptr_equal(council(p, "Kirklees"), k);
    assert_ptr_equal(council(p, "E08000034"), k);
    static const double requests[] = { 261, 436, 387, 517, 560, 709, 981, 1037 };
    static const double plans[] = { 2372, 2455, 2741, 3329, 3469, 3734, 3898, 4125 };
    for (int y = 2016; y <= 2023; y++) {
        assert_value(k, SC_SEN2_REQUESTS, y, requests[y - 2016]);
        assert_value(k, SC_SEN2_PLANS, y, plans[y - 2016]);
    }
    struct stat st;
    if (stat(hist, &st) == 0) {
        char *h = slurp(hist);
        for (int y = 2016; y <= 2023; y++) {
            assert_value(k, SC_SEN2_REQUESTS, y, history(h, "requests", y));
            assert_value(k, SC_SEN2_PLANS, y, history(h, "plans_open", y));
            if (y != 2022) {        /* history.csv: "refused 5 is an evident error" */
                assert_value(k, SC_SEN2_REFUSED, y, history(h, "refused", y));
                assert_value(k, SC_SEN2_NEW_PLANS, y, history(h, "plans_issued", y));
            }
            if (y >= 2022)
                assert_value(k, SC_SEN2_CEASED, y, history(h, "plans_ceased", y));
            if (y >= 2018) {        /* history.csv's settings: mainstream and special totals */
                assert_value(k, SC_SEN2_PLANS_POST16, y, history(h, "plans_post16", y));
                assert_value(k, SC_SEN2_PLANS_AP, y, history(h, "plans_ap", y));
                double ours = sc_sen2_value(k, SC_SEN2_PLANS_MAINSTREAM, y)
                              + sc_sen2_value(k, SC_SEN2_PLANS_SPECIAL, y)
                              + sc_sen2_value(k, SC_SEN2_PLANS_INDEPENDENT, y);
                assert_true(ours == history(h, "plans_mainstream", y)
                                    + history(h, "plans_special_all", y));
            }
        }
        assert_value(k, SC_SEN2_AGREED, 2023, history(h, "agreed", 2023));
        free(h);
    }
    assert_flag(k, SC_SEN2_NEW_PLANS, 2022, SC_SEN2_RULE_REGION,
                "2022 new_plans 6,078 equals the Yorkshire and The Humber regional total");
    assert_flag(k, SC_SEN2_REFUSED, 2022, SC_SEN2_RULE_BREAK, "2022 refused 5 is 0.02");

    /* what docs/sen2.md reports */
    int n3 = 0;
    for (int i = 0; i < sc_sen2_la_count(p); i++) {
        const sc_sen2_la *la = sc_sen2_la_at(p, i);
        int n = 0;
        for (int y = 0; y < la->nyears; y++)
            n += !isnan(la->value[SC_SEN2_REQUESTS][y])
                 && la->cell[SC_SEN2_REQUESTS][y].rule == SC_SEN2_KEPT;
        if (n >= 3)
            n3++;
        else
            print_message("  fewer than 3 years of usable requests: %s %s (%d-%d): %d\n",
                          la->old_code, la->name, la->first_year,
                          la->first_year + la->nyears - 1, n);
    }
    print_message("councils with at least 3 years of usable requests: %d of %d\n", n3,
                  sc_sen2_la_count(p));
    assert_true(n3 >= 150);
    /* cells flagged, by rule and role: all years, and from 2016 (the 2014-2015
     * transition from statements to EHC plans breaks most series) */
    int count[SC_SEN2_NRULES][SC_SEN2_NROLES] = { { 0 } };
    int late[SC_SEN2_NRULES][SC_SEN2_NROLES] = { { 0 } };
    for (int i = 0; i < sc_sen2_la_count(p); i++) {
        const sc_sen2_la *la = sc_sen2_la_at(p, i);
        for (int r = 0; r < SC_SEN2_NROLES; r++)
            for (int y = 0; y < la->nyears; y++) {
                int rule = la->cell[r][y].rule;
                count[rule][r]++;
                late[rule][r] += la->first_year + y >= 2016;
            }
    }
    for (int rule = 1; rule < SC_SEN2_NRULES; rule++)
        for (int from = 0; from < 2; from++) {
            int (*c)[SC_SEN2_NROLES] = from ? late : count, total = 0;
            for (int r = 0; r < SC_SEN2_NROLES; r++)
                total += c[rule][r];
            print_message("rule %d, %s: %d cells:", rule, from ? "2016 on" : "all years", total);
            for (int r = 0; r < SC_SEN2_NROLES; r++)
                if (c[rule][r])
                    print_message(" %s %d", sc_sen2_role_name(r), c[rule][r]);
            print_message("\n");
        }
    for (int q = 0; q < SC_SEN2_NRATIOS; q++) {
        double lo, hi;
        int n = sc_sen2_ratio_range(p, q, &lo, &hi);
        print_message("rule 3 range %d: [%.3g, %.3g] from %d council-years\n", q, lo, hi, n);
    }
    int lags[2030 - 2014] = { 0 };
    for (int i = 0; i < sc_sen2_lag_count(p); i++)
        lags[sc_sen2_lag_at(p, i)->year - 2014]++;
    print_message("council-years where assessments exceed requests: %d (", sc_sen2_lag_count(p));
    for (int y = 2014; y < 2030; y++)
        if (lags[y - 2014])
            print_message(" %d: %d", y, lags[y - 2014]);
    print_message(" )\n");
    assert_int_equal(count[SC_SEN2_RULE_REGION][SC_SEN2_NEW_PLANS], 15);
    for (int rule = 1; rule < SC_SEN2_NRULES; rule++) {     /* an example or two of each */
        int shown = 0;
        for (int i = 0; i < sc_sen2_la_count(p) && shown < 2; i++) {
            const sc_sen2_la *la = sc_sen2_la_at(p, (i * 37) % sc_sen2_la_count(p));
            for (int r = 0; r < SC_SEN2_NROLES && shown < 2; r++)
                for (int y = 0; y < la->nyears && shown < 2; y++)
                    if (la->cell[r][y].rule == rule && la->first_year + y >= 2016) {
                        print_message("  e.g. %s %s: %s\n", la->old_code, la->name,
                                      la->cell[r][y].reason);
                        shown++;
                    }
        }
    }
    sc_sen2_free(p);
}

int main(void)
{
    sc_library_init();   /* as main() does: GSL never aborts (library.h) */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_folder_and_zip_identical),
        cmocka_unit_test(test_release_fingerprints),
        cmocka_unit_test(test_formats),
        cmocka_unit_test(test_suppression_codes),
        cmocka_unit_test(test_overlap_later_release_wins),
        cmocka_unit_test(test_recoded_and_reorganised),
        cmocka_unit_test(test_find),
        cmocka_unit_test(test_rule_region_total),
        cmocka_unit_test(test_rule_series_break),
        cmocka_unit_test(test_rule_ratio),
        cmocka_unit_test(test_normal_series_not_flagged),
        cmocka_unit_test(test_lags),
        cmocka_unit_test(test_bad_paths),
        cmocka_unit_test(test_bad_layouts),
        cmocka_unit_test(test_bad_columns),
        cmocka_unit_test(test_bad_cells),
        cmocka_unit_test(test_no_total_rows),
        cmocka_unit_test(test_bad_cell_in_zip),
        cmocka_unit_test(test_real_releases),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
