/*
 * progress.c — how far a run has got, on stderr.
 *
 * On a terminal: one line redrawn in place, a bar and an ETA. In a batch log
 * (stderr not a terminal): a plain line at most every 5 seconds, so logs stay
 * short. With --quiet: nothing. Called under the simulation's progress lock,
 * so it needs no locking of its own.
 */
#include <stdio.h>
#include <unistd.h>

#include <omp.h>

#include "sendcast/cli.h"

void sc_cli_progress_init(sc_cli_progress *p, const char *what, int quiet)
{
    snprintf(p->base, sizeof p->base, "%s", what);
    p->what = p->base;
    p->quiet = quiet;
    p->tty = isatty(fileno(stderr));
    p->start = p->last = omp_get_wtime();
}

static void bar(const sc_cli_progress *p, long done, long total, double eta)
{
    enum { WIDTH = 30 };
    int filled = (int)((double)WIDTH * (double)done / (double)total);
    char b[WIDTH + 1];
    for (int i = 0; i < WIDTH; i++)
        b[i] = i < filled ? '#' : '.';
    b[WIDTH] = '\0';
    fprintf(stderr, "\r%s [%s] %3.0f%%  ETA %4.0f s ", p->what, b, 100.0 * (double)done / (double)total,
            eta);
    if (done == total)
        fputc('\n', stderr);
}

void sc_cli_progress_update(void *ctx, long done, long total)
{
    sc_cli_progress *p = ctx;
    if (p->quiet || total <= 0)
        return;
    double now = omp_get_wtime(), elapsed = now - p->start;
    double eta = done > 0 ? elapsed * (double)(total - done) / (double)done : 0;
    if (p->tty) {
        if (now - p->last >= 0.1 || done == total) {
            bar(p, done, total, eta);
            p->last = now;
        }
    } else if (now - p->last >= 5.0) {
        fprintf(stderr, "%s: %ld of %ld trajectories (%.0f%%), %.0f s elapsed, about %.0f s to go\n",
                p->what, done, total, 100.0 * (double)done / (double)total, elapsed, eta);
        p->last = now;
    }
}

void sc_cli_progress_note(void *ctx, const char *what)
{
    sc_cli_progress *p = ctx;
    sc_cli_progress_init(p, what, p->quiet);
    if (!p->quiet && !p->tty)
        fprintf(stderr, "%s\n", what);
}

void sc_cli_progress_pass(void *ctx, const char *pass)
{
    sc_cli_progress *p = ctx;
    snprintf(p->label, sizeof p->label, "%s, %s", p->base, pass);
    p->what = p->label;
    p->start = p->last = omp_get_wtime();
    if (!p->quiet && !p->tty)
        fprintf(stderr, "%s\n", p->label);
}
