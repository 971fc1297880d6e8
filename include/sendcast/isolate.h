/*
 * isolate.h — run a piece of work in a child process, so that a library
 * that crashes, calls exit() or loops forever on hostile input cannot take
 * the command with it: HDF5 reading a crafted or corrupted result file,
 * PLplot drawing a chart (it exits the process on errors it cannot return).
 *
 * The child is a fork of the caller: it sees the caller's memory as it was
 * (copy on write) and sends back only fn's status and error record. What fn
 * leaves in memory is lost with the child, so fn does work whose product is
 * outside the process (a file), or a dry run the caller repeats once it is
 * known to be safe (the same bytes read the same way).
 */
#ifndef SENDCAST_ISOLATE_H
#define SENDCAST_ISOLATE_H

#include "sendcast/error.h"

/* What the work may send back besides its status: bytes it made (a chart
 * drawn in memory). In the child they may be any memory it holds; in the
 * parent they arrive in a new buffer (sc_free it). */
typedef struct sc_isolate_bytes {
    char *data;
    size_t len;
} sc_isolate_bytes;

#define SC_ISOLATE_MAX_BYTES ((size_t)1 << 30)

typedef int (*sc_isolate_fn)(void *ctx, sc_isolate_bytes *out, sc_error *e);

enum sc_isolate_end {
    SC_ISOLATE_RETURNED,    /* fn returned: out->status and (on failure) e are its own */
    SC_ISOLATE_CRASHED,     /* a fatal signal (SIGSEGV, SIGBUS, SIGFPE, SIGABRT, ...) */
    SC_ISOLATE_EXITED,      /* the child ended without fn returning: exit() in a library */
    SC_ISOLATE_TIMED_OUT    /* still running after the time allowed: killed */
};

typedef struct sc_isolate_outcome {
    enum sc_isolate_end end;
    int status;     /* RETURNED: fn's status */
    sc_isolate_bytes bytes;   /* RETURNED with SC_OK: what fn left in out (may be empty) */
    int signal;     /* CRASHED: the signal, when known (0 otherwise) */
    int code;       /* EXITED: the exit status */
} sc_isolate_outcome;

/* Run fn(ctx, out, e) in a child process and wait for it at most timeout_s
 * seconds (<= 0: no limit). In the child, SIGINT and SIGTERM end it quietly
 * (the caller's own handler speaks), it dies with its parent, fatal signals
 * end it without a report, and what it prints goes to /dev/null (only its
 * status and error come back). Returns SC_OK with *out filled (when fn
 * returned a failure, e holds fn's error, as if it had run here); SC_EFAIL
 * or SC_ENOMEM when no child could be started or its bytes not received. */
int sc_isolate_run(sc_isolate_fn fn, void *ctx, double timeout_s, sc_isolate_outcome *out,
                   sc_error *e);

/* "crashed (signal 11, Segmentation fault)", "called exit(1)", "did not
 * finish in 60 s" into buf: what happened to a child that did not return. */
void sc_isolate_describe(const sc_isolate_outcome *o, double timeout_s, char *buf,
                         size_t size);

/* Whether a child that did not return more likely ran short of memory than
 * met a fault: it was killed by SIGKILL it did not get from us (the kernel's
 * out-of-memory killer), or this process (the child's twin) cannot reserve
 * `need` bytes now (an address-space limit, ulimit -v). Libraries such as
 * HDF5 crash rather than fail when malloc returns NULL, and that is out of
 * memory (exit 1), not a damaged file (exit 2) (issue 17). */
int sc_isolate_memory_short(const sc_isolate_outcome *o, size_t need);

#endif
