/*
 * isolate.c — work in a child process (isolate.h).
 *
 * fork(), then the child runs fn and writes one fixed-size report (fn's
 * status, its error record, how many bytes follow), then the bytes fn made,
 * into a pipe before _exit(0); the parent reads them
 * with poll() against the deadline and reaps the child. The child's stdout
 * and stderr go to /dev/null. A child that never
 * sends its report crashed (a fatal signal, or the crash handler's status),
 * exited (a library's exit()) or ran out of time (killed). The error record
 * crosses as bytes: its `where` points at string literals, which the child
 * shares with the parent (a fork runs the same image).
 */
#include "sendcast/isolate.h"

#include "sendcast/alloc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

enum {
    REPORT_MAGIC = 0x5343524f,  /* "SCRO" */
    CRASH_STATUS = 125          /* the child's crash handler's exit status */
};

typedef struct report {
    unsigned magic;
    int status;
    size_t len;     /* bytes that follow the report */
    sc_error err;
} report;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* A fatal signal in the child: end it without a report (and without a
 * sanitizer's, which would read as the command's own failure). */
static void on_fatal(int sig)
{
    (void)sig;
    _exit(CRASH_STATUS);
}

/* The child speaks only through the pipe: what a library prints there
 * (HDF5's diagnostics, a sanitizer's report of a fault inside a library,
 * PLplot's last words before exit()) would read as the command's own. */
static void child_quiet(void)
{
    int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (fd >= 0) {
        dup2(fd, STDOUT_FILENO);
        dup2(fd, STDERR_FILENO);
        close(fd);
    }
}

static void child_signals(pid_t parent)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = SIG_DFL;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    static const int fatal[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGSYS, SIGTRAP };
    sa.sa_handler = on_fatal;
    for (size_t k = 0; k < sizeof fatal / sizeof fatal[0]; k++)
        sigaction(fatal[k], &sa, NULL);
#ifdef __linux__
    prctl(PR_SET_PDEATHSIG, SIGKILL);   /* a parent killed outright takes the child too */
#endif
    if (getppid() != parent)
        _exit(1);
}

static int write_all(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static void child(int fd, pid_t parent, sc_isolate_fn fn, void *ctx)
{
    child_signals(parent);
    child_quiet();
    report rep;
    memset(&rep, 0, sizeof rep);
    sc_error_clear(&rep.err);
    rep.magic = REPORT_MAGIC;
    sc_isolate_bytes out = { NULL, 0 };
    rep.status = fn(ctx, &out, &rep.err);
    if (rep.status == SC_OK && out.data && out.len <= SC_ISOLATE_MAX_BYTES)
        rep.len = out.len;
    if (write_all(fd, &rep, sizeof rep) == 0 && rep.len)
        write_all(fd, out.data, rep.len);
    _exit(0);   /* never exit(): the parent's stdio buffers and handlers are not ours */
}

/* Read len bytes into buf until they are all there, the pipe closes or the
 * deadline passes (deadline 0: none). Returns the bytes read; *late set on
 * the deadline. */
static size_t read_until(int fd, void *buf, size_t len, double deadline, int *late)
{
    size_t got = 0;
    *late = 0;
    while (got < len) {
        int wait_ms = -1;
        if (deadline > 0) {
            double left = deadline - now();
            if (left <= 0) {
                *late = 1;
                break;
            }
            wait_ms = left > 3600 ? 3600000 : (int)(left * 1000) + 1;
        }
        struct pollfd p = { fd, POLLIN, 0 };
        int n = poll(&p, 1, wait_ms);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            break;
        if (n == 0)
            continue;   /* the deadline is checked above */
        ssize_t r = read(fd, (char *)buf + got, len - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;      /* the child ended */
        got += (size_t)r;
    }
    return got;
}

int sc_isolate_run(sc_isolate_fn fn, void *ctx, double timeout_s, sc_isolate_outcome *out,
                   sc_error *e)
{
    memset(out, 0, sizeof *out);
    int fds[2];
    if (pipe(fds) != 0)
        return SC_ERROR(e, SC_EFAIL, "cannot start a child process: %s", strerror(errno));
    fflush(NULL);   /* nothing buffered may be written twice */
    pid_t parent = getpid(), pid = fork();
    if (pid < 0) {
        int err = errno;
        close(fds[0]);
        close(fds[1]);
        return SC_ERROR(e, err == ENOMEM || err == EAGAIN ? SC_ENOMEM : SC_EFAIL,
                        "cannot start a child process: %s", strerror(err));
    }
    if (pid == 0) {
        close(fds[0]);
        child(fds[1], parent, fn, ctx);
    }
    close(fds[1]);
    report rep;
    int late, rc = SC_OK;
    double deadline = timeout_s > 0 ? now() + timeout_s : 0;
    size_t got = read_until(fds[0], &rep, sizeof rep, deadline, &late);
    int whole = got == sizeof rep && rep.magic == REPORT_MAGIC;
    if (whole && rep.len && !late) {
        /* the bytes the work sent back */
        out->bytes.data = rep.len <= SC_ISOLATE_MAX_BYTES ? sc_malloc(rep.len) : NULL;
        if (!out->bytes.data)
            rc = SC_ERROR(e, SC_ENOMEM, "out of memory receiving %zu bytes from a child "
                          "process", rep.len);
        else if (read_until(fds[0], out->bytes.data, rep.len, deadline, &late) != rep.len)
            whole = 0;
        else
            out->bytes.len = rep.len;
        if (rc || !whole) {
            sc_free(out->bytes.data);
            out->bytes.data = NULL;
        }
    }
    close(fds[0]);
    if (late || rc)
        kill(pid, SIGKILL);
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    if (rc)
        return rc;
    if (late) {
        out->end = SC_ISOLATE_TIMED_OUT;
    } else if (whole) {
        out->end = SC_ISOLATE_RETURNED;
        out->status = rep.status;
        if (rep.status != SC_OK && e)
            *e = rep.err;
    } else if (WIFSIGNALED(st)) {
        out->end = SC_ISOLATE_CRASHED;
        out->signal = WTERMSIG(st);
    } else if (WIFEXITED(st) && WEXITSTATUS(st) == CRASH_STATUS) {
        out->end = SC_ISOLATE_CRASHED;
    } else {
        out->end = SC_ISOLATE_EXITED;
        out->code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    }
    return SC_OK;
}

int sc_isolate_memory_short(const sc_isolate_outcome *o, size_t need)
{
    if (o->end == SC_ISOLATE_RETURNED || o->end == SC_ISOLATE_TIMED_OUT)
        return 0;
    if (o->end == SC_ISOLATE_CRASHED && o->signal == SIGKILL)
        return 1;
    /* the address-space limit against what this process has mapped (as the
     * child had: it is a fork) and need more; asked, not tried, as a malloc
     * that cannot succeed aborts under AddressSanitizer */
    struct rlimit lim;
    if (getrlimit(RLIMIT_AS, &lim) || lim.rlim_cur == RLIM_INFINITY)
        return 0;
    FILE *f = fopen("/proc/self/statm", "r");
    unsigned long pages = 0;
    int got = f && fscanf(f, "%lu", &pages) == 1;
    if (f)
        fclose(f);
    long page = sysconf(_SC_PAGESIZE);
    if (!got || page <= 0)
        return 0;
    double mapped = (double)pages * (double)page;
    return mapped + (double)need > (double)lim.rlim_cur;
}

void sc_isolate_describe(const sc_isolate_outcome *o, double timeout_s, char *buf, size_t size)
{
    switch (o->end) {
    case SC_ISOLATE_RETURNED:
        snprintf(buf, size, "returned %d", o->status);
        break;
    case SC_ISOLATE_CRASHED:
        if (o->signal)
            snprintf(buf, size, "crashed (signal %d, %s)", o->signal, strsignal(o->signal));
        else
            snprintf(buf, size, "crashed");
        break;
    case SC_ISOLATE_EXITED:
        snprintf(buf, size, "stopped the process (exit status %d)", o->code);
        break;
    case SC_ISOLATE_TIMED_OUT:
        snprintf(buf, size, "did not finish in %.0f s", timeout_s);
        break;
    default:
        snprintf(buf, size, "ended in an unknown way");
    }
}
