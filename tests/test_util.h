/*
 * test_util.h — what the cmocka test programs share: comparing doubles with
 * a tolerance (naming the caller's line), and reading a file whole. Include
 * after <cmocka.h>.
 */
#ifndef SENDCAST_TESTS_TEST_UTIL_H
#define SENDCAST_TESTS_TEST_UTIL_H

#include <math.h>
#include <stddef.h>

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

#endif
