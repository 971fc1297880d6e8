/*
 * ranks.h — running one job as several processes with Open MPI.
 *
 * Trajectories are split into contiguous slices, one per rank; each rank
 * simulates its slice with OpenMP threads inside; rank 0 gathers the records
 * and summarises and writes. Since a trajectory's numbers depend only on
 * (seed, trajectory, purpose), the gathered records are the same as one
 * process would make, so the file is bit-identical for any number of ranks.
 *
 * Built without MPI (the default `make`), these functions describe the one
 * process there is: rank 0 of 1, a slice that is everything, a gather that
 * hands the records over. Built with `make MPI=1` (SC_MPI), they call MPI.
 */
#ifndef SENDCAST_RANKS_H
#define SENDCAST_RANKS_H

#include <stddef.h>
#include <stdint.h>

#include "sendcast/error.h"
#include "sendcast/layout.h"
#include "sendcast/summary.h"

int sc_ranks_init(int *argc, char ***argv);
void sc_ranks_finalize(void);
int sc_ranks_rank(void);
int sc_ranks_size(void);
void sc_ranks_library(char *buf, size_t size);   /* "Open MPI v4.1.4" or "none" */

/* This rank's slice of trajectories 0..n-1: [*first, *first + *count). */
void sc_ranks_slice(long n, long *first, long *count);

/* SC_OK on every rank if `status` is SC_OK on every rank; otherwise each rank
 * returns its own failure or SC_EFAIL ("another rank failed"). */
int sc_ranks_agree(int status, sc_error *e);

/* Collect every rank's records (its slice, in rank order) into one summary of
 * n trajectories on rank 0 (*all; NULL on other ranks). `local` is freed or
 * handed over in every case. */
int sc_ranks_gather(sc_summary *local, const sc_layout *l, long n, int npercentiles,
                    const double *percentiles, sc_summary **all, sc_error *e);

/* Building blocks for summaries made across ranks (every rank calls them):
 * element-wise sum of counts and maximum of flags, on every rank; rows
 * [first, first + mine) of a [rows][len] table filled in on every rank from
 * the rank that owns them; and every rank's values concatenated on rank 0 in
 * rank order (*all and *counts allocated there; NULL elsewhere). */
int sc_ranks_sum_counts(uint32_t *v, size_t n, sc_error *e);
int sc_ranks_max_flags(unsigned char *v, size_t n, sc_error *e);
int sc_ranks_share_rows(double *table, size_t len, long first, long mine, sc_error *e);
int sc_ranks_gather_values(const double *mine, size_t n, double **all, size_t **counts,
                           sc_error *e);

#endif
