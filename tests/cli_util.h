/*
 * cli_util.h — what the tests that drive the built binary share: where the
 * binary is, and running a command to get its exit status and its output.
 * Include after <cmocka.h>.
 */
#ifndef SENDCAST_TESTS_CLI_UTIL_H
#define SENDCAST_TESTS_CLI_UTIL_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

/* The binary under test: SC_BIN (make test sets it), else build/sendcast. */
static inline const char *bin(void)
{
    const char *b = getenv("SC_BIN");
    return b ? b : "build/sendcast";
}

/* Run a shell command; return its exit status and what it printed (both streams). */
static inline int run(char *out, size_t n, const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    strncat(cmd, " 2>&1", sizeof cmd - strlen(cmd) - 1);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t used = fread(out, 1, n - 1, p);
    out[used] = '\0';
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

#endif
