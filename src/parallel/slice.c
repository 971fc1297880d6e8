/*
 * slice.c — which items each rank takes (ranks.h): arithmetic alone, the
 * same with MPI or without, so ranks_mpi.c and its callers share it.
 */
#include "sendcast/ranks.h"

void sc_ranks_slice_of(long n, int rank, int size, long *first, long *count)
{
    long long a = (long long)n * rank / size, b = (long long)n * (rank + 1) / size;
    *first = (long)a;
    *count = (long)(b - a);
}
