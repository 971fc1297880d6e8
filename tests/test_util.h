/*
 * test_util.h — what the cmocka test programs share: comparing doubles with
 * a tolerance (naming the caller's line), and reading a file whole. Include
 * after <cmocka.h>.
 */
#ifndef SENDCAST_TESTS_TEST_UTIL_H
#define SENDCAST_TESTS_TEST_UTIL_H

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sendcast/text.h"

/* a and b equal (infinities too), or within tol of each other. */
#define assert_close(a, b, tol) assert_close_at((a), (b), (tol), __FILE__, __LINE__)

static inline void assert_close_at(double a, double b, double tol, const char *file, int line)
{
    if (!(a == b) && !(fabs(a - b) <= tol))
        fail_msg("%s:%d: %.17g != %.17g (tolerance %g)", file, line, a, b, tol);
}

/* The whole file at path, NUL-terminated (free() it), or NULL. */
static inline char *read_text(const char *path)
{
    char *text;
    size_t len;
    return sc_file_read(path, (size_t)1 << 30, &text, &len) ? NULL : text;
}

/* Write text to path (the file replaced). */
static inline void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
    assert_int_equal(fclose(f), 0);
}

/* text with the first `from` replaced by `to` (from must occur); free() it. */
static inline char *replace(const char *text, const char *from, const char *to)
{
    const char *at = strstr(text, from);
    if (!at)
        fail_msg("test setup: '%s' is not in the text", from);
    size_t n = strlen(text) - strlen(from) + strlen(to) + 1;
    char *s = malloc(n);
    assert_non_null(s);
    snprintf(s, n, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
    return s;
}

/* 1-based line of the first occurrence of needle (which must occur). */
static inline int line_of(const char *text, const char *needle)
{
    const char *at = strstr(text, needle);
    if (!at)
        fail_msg("test setup: '%s' is not in the text", needle);
    int line = 1;
    for (const char *p = text; p < at; p++)
        line += *p == '\n';
    return line;
}

#endif
