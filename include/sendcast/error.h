/*
 * error.h — status codes, and the error record every fallible function fills.
 *
 * Functions return an int status (SC_OK on success) and, on failure, describe
 * what went wrong in a caller-provided sc_error. The idiom, everywhere:
 *
 *   raise     return SC_ERROR(e, SC_EINPUT, "expected %s, got %s", want, got);
 *             (SC_ERROR_AT for a place in the user's input: "FILE:LINE:COL: ...")
 *             The record keeps the message and where in the code it was
 *             raised (__FILE__, __LINE__, __func__), as GSL_ERROR does.
 *   chain     a caller that passes a failure on may add one line of its own
 *             context, once, where it gives up: SC_CONTEXT(e, "while writing
 *             %s", path). The message then reads like a short traceback,
 *             innermost first, as CLASS's class_call builds one.
 *   never     a branch that cannot happen (a switch default over a closed enum,
 *             a slot that is always found) is marked, not left silent:
 *             return SC_NEVER(e); it fails with SC_EFAIL, "internal error",
 *             and where it was.
 *
 * Only main() prints the record (message, then where it arose) and chooses
 * the exit status from it (sc_error_exit_code).
 */
#ifndef SENDCAST_ERROR_H
#define SENDCAST_ERROR_H

#include <stddef.h>

enum sc_status {
    SC_OK = 0,
    SC_EINPUT = 2,   /* bad scenario, history or command line: exit 2 */
    SC_EFAIL = 1,    /* anything else (I/O, library failure): exit 1 */
    SC_ENOMEM = 3,   /* allocation failed: exit 1 */
    SC_EEXIST = 4    /* output exists and --force was not given: exit 2 */
};

#define SC_ERROR_MSG_MAX 2048

/* A place in the code: what SC_HERE records. */
typedef struct sc_where {
    const char *file;       /* __FILE__: "src/scenario/yaml.c" */
    int line;
    const char *func;
} sc_where;

#define SC_HERE ((sc_where){__FILE__, __LINE__, __func__})

typedef struct sc_error {
    int status;
    char msg[SC_ERROR_MSG_MAX];   /* the message, then "\n  context" lines */
    sc_where where;               /* where the failure was raised ({NULL, 0, NULL}: nowhere yet) */
} sc_error;

void sc_error_clear(sc_error *e);

/* Raise a failure of `status` (printf message); returns status, so that
 * `return SC_ERROR(...)` passes it on. e may be NULL (nothing recorded). */
#define SC_ERROR(e, status, ...) sc_error_raise((e), (status), SC_HERE, __VA_ARGS__)

/* A bad-input failure at file:line:col of the user's input (line, col 0 when
 * unknown); returns SC_EINPUT. */
#define SC_ERROR_AT(e, file, line, col, ...) \
    sc_error_raise_at((e), SC_HERE, (file), (line), (col), __VA_ARGS__)

/* Add one line of context below the message; returns the record's status. */
#define SC_CONTEXT(e, ...) sc_error_context((e), __VA_ARGS__)

/* A branch that cannot happen was taken: SC_EFAIL, "internal error". */
#define SC_NEVER(e) \
    sc_error_raise((e), SC_EFAIL, SC_HERE, "internal error: a branch that cannot happen was taken")

/* The functions behind the macros (helpers that raise on their caller's
 * behalf pass their caller's sc_where on, so the record names the caller). */
int sc_error_raise(sc_error *e, int status, sc_where where, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int sc_error_raise_at(sc_error *e, sc_where where, const char *file, int line, int col,
                      const char *fmt, ...) __attribute__((format(printf, 6, 7)));
int sc_error_context(sc_error *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "scn_map, src/scenario/yaml.c:391" into buf; "" when nothing was raised. */
void sc_error_where(const sc_error *e, char *buf, size_t size);

/* Process exit status for a failure: 2 for bad input or usage, 1 otherwise. */
int sc_error_exit_code(const sc_error *e);

#endif
