/*
 * library.h — what every program that uses sendcast's library calls once at
 * start-up, before any other call and before any thread starts: src/main.c,
 * each test program, the benchmark and the fuzz harnesses.
 *
 * GSL's default error handler aborts the process on any error (a quantile
 * that does not converge, a domain error, an allocation that fails); sendcast
 * checks every GSL status where it matters and prints NaN where it does not,
 * so the handler is turned off: no GSL call may abort the process. HDF5's
 * exit-time clean-up crashed (HDF5 1.10) on a file it could not flush (disk
 * full, ulimit -f): sendcast closes or abandons every file itself, so that
 * handler is not registered.
 */
#ifndef SENDCAST_LIBRARY_H
#define SENDCAST_LIBRARY_H

void sc_library_init(void);

#endif
