/*
 * sink.h — where simulated trajectories go: rows of cells that the
 * simulation (simulate.h) hands to whoever keeps or summarises them
 * (summary.h gives one; a caller may write its own).
 *
 * A row is one trajectory's cells, l->ncells doubles laid out as layout.h
 * says. put(ctx, first, count, rows) hands over rows[count][ncells]: row r is
 * record first + r. Every record of a run is handed over exactly once.
 *
 * The threading rule, stated here and nowhere else:
 *
 *   SC_SINK_ANY_THREAD  put() may be called by any thread of the simulating
 *                       team at any time, by several at once, with blocks of
 *                       records that never overlap, in any order. The sink
 *                       must not lock or allocate (it writes each record to
 *                       a place of its own). The rows are the caller's again
 *                       when put() returns.
 *   SC_SINK_TEAM        every thread of the simulating team calls put() with
 *                       the same block at the same time (one thread alone
 *                       when the team is one thread), and blocks come in
 *                       record order. put() shares the work among the team
 *                       with worksharing loops (#pragma omp for) and ends in
 *                       a barrier, so the rows are everyone's again when it
 *                       returns. A sink that bins cell by cell wants this
 *                       rule: each cell is one thread's, so it needs no
 *                       atomics, and its values arrive in record order.
 *
 * put() cannot fail: a sink allocates what it needs before the run.
 */
#ifndef SENDCAST_SINK_H
#define SENDCAST_SINK_H

enum sc_sink_rule { SC_SINK_ANY_THREAD, SC_SINK_TEAM };

typedef struct sc_sink {
    enum sc_sink_rule rule;
    void (*put)(void *ctx, long first, long count, const double *rows);
    void *ctx;
} sc_sink;

#endif
