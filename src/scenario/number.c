/*
 * number.c — the lowest layer of the scenario reader: a number as YAML 1.2
 * writes it, the domains numbers are checked against, and bounded copies.
 * The YAML reader (yaml.c), the CSV reader (csv_reader.c) and the three
 * forms of a number (values.c) all stand on it; it calls none of them.
 */
#include "scn_internal.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const scn_dom scn_real = { -INFINITY, INFINITY, 0, 0, 0, "a number" };
const scn_dom scn_prob = { 0, 1, 0, 0, 0, "a number in [0, 1]" };
const scn_dom scn_nonneg = { 0, INFINITY, 0, 0, 0, "a number >= 0" };
const scn_dom scn_positive = { 0, INFINITY, 1, 0, 0, "a number > 0" };
const scn_dom scn_count = { 0, SCN_MAX_COUNT, 0, 0, 1, "a whole number from 0 to 1e9 (a count)" };
const scn_dom scn_growth = { -1, INFINITY, 1, 0, 0, "a number > -1 (a yearly rate)" };
const scn_dom scn_unit_open = { 0, 1, 1, 0, 0, "a number in (0, 1]" };
const scn_dom scn_change = { -1, INFINITY, 1, 0, 0,
                             "a relative change > -1 (-0.2: 20% less; -1 or below would take "
                             "the number to zero or below)" };
const scn_dom scn_share = { 0, 1, 0, 0, 0,
                            "a share in [0, 1] (above 1 would take the setting it is moved "
                            "from below zero)" };
const scn_dom scn_money = { 0, 1e12, 0, 0, 0, "an amount from 0 to 1e12 (pounds)" };
const scn_dom scn_money_signed = { -1e12, 1e12, 0, 0, 0, "an amount from -1e12 to 1e12 (pounds)" };

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static size_t digits(const char *s, size_t i, size_t len)
{
    size_t j = i;
    while (j < len && is_digit(s[j]))
        j++;
    return j - i;
}

/* .inf / .nan in the spellings YAML 1.2 allows. */
static int special(const char *s, size_t len, double *out)
{
    static const char *const infs[] = { ".inf", ".Inf", ".INF" };
    static const char *const nans[] = { ".nan", ".NaN", ".NAN" };
    size_t i = (len > 0 && (s[0] == '+' || s[0] == '-')) ? 1 : 0;
    for (int k = 0; k < 3; k++) {
        if (len - i == 4 && memcmp(s + i, infs[k], 4) == 0) {
            *out = s[0] == '-' ? -INFINITY : INFINITY;
            return 1;
        }
        if (i == 0 && len == 4 && memcmp(s, nans[k], 4) == 0) {
            *out = NAN;
            return 1;
        }
    }
    return 0;
}

int scn_parse_number(const char *s, size_t len, double *out)
{
    if (len == 0 || len >= 128)
        return SCN_NUM_BAD;
    if (special(s, len, out))
        return SCN_NUM_NONFINITE;
    /* [-+]? ( .D+ | D+ ( . D* )? ) ( [eE] [-+]? D+ )? */
    size_t i = (s[0] == '+' || s[0] == '-') ? 1 : 0;
    size_t whole = digits(s, i, len);
    i += whole;
    size_t frac = 0;
    if (i < len && s[i] == '.') {
        frac = digits(s, i + 1, len);
        i += 1 + frac;
    }
    if (whole + frac == 0)
        return SCN_NUM_BAD;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-'))
            i++;
        size_t ex = digits(s, i, len);
        if (ex == 0)
            return SCN_NUM_BAD;
        i += ex;
    }
    if (i != len)
        return SCN_NUM_BAD;
    char buf[128];
    memcpy(buf, s, len);
    buf[len] = '\0';
    errno = 0;
    double x = strtod(buf, NULL);
    *out = x;
    return isfinite(x) ? SCN_NUM_OK : SCN_NUM_NONFINITE;
}

int scn_dom_ok(const scn_dom *d, double x)
{
    if (!isfinite(x))
        return 0;
    if (d->lo_open ? !(x > d->lo) : !(x >= d->lo))
        return 0;
    if (d->hi_open ? !(x < d->hi) : !(x <= d->hi))
        return 0;
    return !d->whole || x == floor(x);
}

int scn_copy(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);
    if (n >= cap)
        return -1;
    memcpy(dst, src, n + 1);
    return 0;
}

/* The statuses a number may carry (docs/scenario.md): what a reader must
 * know about where it came from. A note may follow in parentheses. */
static const char *const statuses[] = { "published", "derived", "estimate", "assumption",
                                        "illustrative", "expert prior", "fitted", "definition" };

const char *const scn_status_list = "published, derived, estimate, assumption, illustrative, "
                                    "expert prior, fitted or definition (a note may follow in "
                                    "parentheses)";

int scn_status_ok(const char *s)
{
    for (size_t k = 0; k < sizeof statuses / sizeof statuses[0]; k++) {
        size_t n = strlen(statuses[k]);
        if (strncmp(s, statuses[k], n) == 0 && (s[n] == '\0' || (s[n] == ' ' && s[n + 1] == '(')))
            return 1;
    }
    return 0;
}

uint64_t scn_hash64(const char *s)
{
    uint64_t h = 14695981039346656037ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}
