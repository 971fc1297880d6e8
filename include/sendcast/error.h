/*
 * error.h — status codes and the error record every fallible function fills.
 *
 * Functions return an int status (SC_OK on success) and, on failure, describe
 * what went wrong in a caller-provided sc_error. Callers may add their own
 * context with sc_error_push(), so the final message reads like a short
 * traceback. Only main() prints the message and chooses the exit status.
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

typedef struct sc_error {
    int status;
    char msg[SC_ERROR_MSG_MAX];
} sc_error;

void sc_error_clear(sc_error *e);

/* Record a failure; returns status so callers can write `return sc_error_set(...)`. */
int sc_error_set(sc_error *e, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A bad-input failure at file:line:col (line/col 0 when unknown); returns SC_EINPUT. */
int sc_error_at(sc_error *e, const char *file, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Add one line of context ("while writing results/x.h5") below the message. */
int sc_error_push(sc_error *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Process exit status for a failure: 2 for bad input or usage, 1 otherwise. */
int sc_error_exit_code(const sc_error *e);

#endif
