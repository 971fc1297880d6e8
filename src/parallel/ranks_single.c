/*
 * ranks_single.c — the one process there is, when built without MPI (the
 * default `make`; ranks_mpi.c with `make MPI=1`). See include/sendcast/ranks.h:
 * rank 0 of 1, whose slice is everything, and moves that move nothing (or
 * copy, where the caller gets a new array).
 */
#include "sendcast/ranks.h"

#include <stdio.h>
#include <string.h>

#include "sendcast/alloc.h"

int sc_ranks_init(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return SC_OK;
}

void sc_ranks_finalize(void)
{
}

int sc_ranks_rank(void)
{
    return 0;
}

int sc_ranks_size(void)
{
    return 1;
}

void sc_ranks_library(char *buf, size_t size)
{
    snprintf(buf, size, "none");
}

int sc_ranks_agree(int status, sc_error *e)
{
    (void)e;
    return status;
}

int sc_ranks_bcast_doubles(double *v, size_t n, sc_error *e)
{
    (void)v;
    (void)n;
    (void)e;
    return SC_OK;
}

int sc_ranks_sum_u32(uint32_t *v, size_t n, sc_error *e)
{
    (void)v;
    (void)n;
    (void)e;
    return SC_OK;
}

int sc_ranks_max_u8(unsigned char *flags, size_t n, sc_error *e)
{
    (void)flags;
    (void)n;
    (void)e;
    return SC_OK;
}

int sc_ranks_share_rows(double *table, size_t len, long first, long mine, sc_error *e)
{
    (void)table;
    (void)len;
    (void)first;
    (void)mine;
    (void)e;
    return SC_OK;
}

int sc_ranks_gather_values(const double *mine, size_t n, double **all, size_t **counts,
                           sc_error *e)
{
    *all = sc_calloc(n ? n : 1, sizeof **all);
    *counts = sc_calloc(1, sizeof **counts);
    if (!*all || !*counts) {
        sc_free(*all);
        sc_free(*counts);
        *all = NULL;
        *counts = NULL;
        return SC_ERROR(e, SC_ENOMEM, "out of memory gathering %zu values", n);
    }
    if (n)
        memcpy(*all, mine, n * sizeof *mine);
    (*counts)[0] = n;
    return SC_OK;
}

int sc_ranks_gather_rows(const double *mine, long count, size_t len, double *all, long n,
                         sc_error *e)
{
    (void)n;
    (void)e;
    if (mine != all && count > 0)   /* rank 0's rows are in place already */
        memmove(all, mine, (size_t)count * len * sizeof *mine);
    return SC_OK;
}
