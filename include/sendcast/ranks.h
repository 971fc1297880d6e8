/*
 * ranks.h — one job as several processes with Open MPI, moving plain arrays.
 *
 * The stage knows nothing of what it moves: counts to add up, flags to
 * combine, rows of tables to share, values and records to bring to rank 0.
 * src/engine/ decides what moves when (a summary's shared state, its kept
 * values, whole records), and a later command may distribute other work (a
 * calibration's scenarios) with the same calls.
 *
 * Built without MPI (the default `make`), ranks_single.c describes the one
 * process there is: rank 0 of 1, a slice that is everything, moves that move
 * nothing. Built with `make MPI=1`, ranks_mpi.c calls MPI (the Makefile
 * chooses which file to build). Only the main thread calls these functions
 * (MPI_THREAD_FUNNELED); every rank calls each collective one in the same
 * order. Failures: SC_EFAIL naming what failed, SC_ENOMEM; a collective that
 * fails on one rank fails on all (sc_ranks_agree).
 */
#ifndef SENDCAST_RANKS_H
#define SENDCAST_RANKS_H

#include <stddef.h>
#include <stdint.h>

#include "sendcast/error.h"

int sc_ranks_init(int *argc, char ***argv);
void sc_ranks_finalize(void);
int sc_ranks_rank(void);
int sc_ranks_size(void);
void sc_ranks_library(char *buf, size_t size);   /* "Open MPI v4.1.4" or "none" */

/* Rank r of `size` ranks' slice of items 0..n-1: [*first, *first + *count),
 * contiguous, in rank order, sizes within one of each other. */
void sc_ranks_slice_of(long n, int rank, int size, long *first, long *count);

/* SC_OK on every rank if `status` is SC_OK on every rank; otherwise each rank
 * returns its own failure or SC_EFAIL ("another rank failed"). */
int sc_ranks_agree(int status, sc_error *e);

/* v[0..n) of rank 0 on every rank (a decision rank 0 took from its summary,
 * such as a goal seek's next point). */
int sc_ranks_bcast_doubles(double *v, size_t n, sc_error *e);

/* Element-wise, in place on every rank: the sum of every rank's v[0..n), and
 * the maximum of every rank's flags[0..n). */
int sc_ranks_sum_u32(uint32_t *v, size_t n, sc_error *e);
int sc_ranks_max_u8(unsigned char *flags, size_t n, sc_error *e);

/* A table [rows][len] of which this rank filled rows first .. first + mine
 * - 1: afterwards every rank has every rank's rows (ranks' rows must not
 * overlap; rows no rank owns are left as they were). */
int sc_ranks_share_rows(double *table, size_t len, long first, long mine, sc_error *e);

/* Every rank's values mine[0..n) concatenated on rank 0 in rank order:
 * *all (the values) and *counts (how many each rank gave) are new arrays on
 * rank 0, the caller's to sc_free; NULL on the other ranks. */
int sc_ranks_gather_values(const double *mine, size_t n, double **all, size_t **counts,
                           sc_error *e);

/* Records of len doubles, sliced among the ranks by sc_ranks_slice_of(n, ...):
 * each rank's rows mine[count][len] land in all[n][len] on rank 0 (all is
 * ignored elsewhere). On rank 0, mine must be all + first x len: its own rows
 * are already in place. */
int sc_ranks_gather_rows(const double *mine, long count, size_t len, double *all, long n,
                         sc_error *e);

#endif
