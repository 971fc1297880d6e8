/*
 * ranks_mpi.c — one job as several processes with Open MPI (`make MPI=1`;
 * ranks_single.c otherwise). See include/sendcast/ranks.h.
 *
 * Records and table rows move as rows of len doubles (an MPI contiguous
 * type), so the counts MPI takes as int are counts of rows, not of doubles.
 */
#include "sendcast/ranks.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <mpi.h>

#include "sendcast/alloc.h"

int sc_ranks_init(int *argc, char ***argv)
{
    int provided;
    /* Only the main thread calls MPI; OpenMP threads never do. */
    return MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) == MPI_SUCCESS ? SC_OK
                                                                                     : SC_EFAIL;
}

void sc_ranks_finalize(void)
{
    MPI_Finalize();
}

int sc_ranks_rank(void)
{
    int r = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &r);
    return r;
}

int sc_ranks_size(void)
{
    int n = 1;
    MPI_Comm_size(MPI_COMM_WORLD, &n);
    return n;
}

void sc_ranks_library(char *buf, size_t size)
{
    char v[MPI_MAX_LIBRARY_VERSION_STRING];
    int len = 0;
    MPI_Get_library_version(v, &len);
    v[strcspn(v, ",\n")] = '\0';   /* "Open MPI v4.1.4, package: ..." -> "Open MPI v4.1.4" */
    snprintf(buf, size, "%s", v);
}

int sc_ranks_agree(int status, sc_error *e)
{
    int any = 0, mine = status != SC_OK;
    MPI_Allreduce(&mine, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    if (status != SC_OK)
        return status;
    if (any)
        return SC_ERROR(e, SC_EFAIL, "rank %d: another rank failed (its message is above)",
                        sc_ranks_rank());
    return SC_OK;
}

/* MPI takes int counts: refuse what does not fit rather than truncate. */
static int fits_int(size_t n, const char *what, sc_error *e)
{
    return n <= (size_t)INT_MAX ? SC_OK
                                : SC_ERROR(e, SC_EFAIL, "%s: %zu items are too many for "
                                           "one MPI message", what, n);
}

int sc_ranks_bcast_doubles(double *v, size_t n, sc_error *e)
{
    int st = fits_int(n, "a broadcast", e);
    if (st == SC_OK && MPI_Bcast(v, (int)n, MPI_DOUBLE, 0, MPI_COMM_WORLD) != MPI_SUCCESS)
        st = SC_ERROR(e, SC_EFAIL, "MPI_Bcast of %zu numbers failed", n);
    return st;
}

int sc_ranks_sum_u32(uint32_t *v, size_t n, sc_error *e)
{
    int st = fits_int(n, "bin counts", e);
    if (st == SC_OK && MPI_Allreduce(MPI_IN_PLACE, v, (int)n, MPI_UINT32_T, MPI_SUM,
                                     MPI_COMM_WORLD) != MPI_SUCCESS)
        st = SC_ERROR(e, SC_EFAIL, "summing bin counts across ranks failed");
    return st;
}

int sc_ranks_max_u8(unsigned char *flags, size_t n, sc_error *e)
{
    int st = fits_int(n, "flags", e);
    if (st == SC_OK && MPI_Allreduce(MPI_IN_PLACE, flags, (int)n, MPI_UNSIGNED_CHAR, MPI_MAX,
                                     MPI_COMM_WORLD) != MPI_SUCCESS)
        st = SC_ERROR(e, SC_EFAIL, "combining flags across ranks failed");
    return st;
}

int sc_ranks_share_rows(double *table, size_t len, long first, long mine, sc_error *e)
{
    int size = sc_ranks_size();
    int *counts = sc_calloc((size_t)size, sizeof *counts), *displs = sc_calloc((size_t)size, sizeof *displs);
    int st = counts && displs ? fits_int(len, "a row", e)
                              : SC_ERROR(e, SC_ENOMEM, "out of memory sharing rows");
    int spec[2] = {(int)first, (int)mine};
    int *all = st == SC_OK ? sc_calloc(2 * (size_t)size, sizeof *all) : NULL;
    if (st == SC_OK && !all)
        st = SC_ERROR(e, SC_ENOMEM, "out of memory sharing rows");
    if (st == SC_OK)
        MPI_Allgather(spec, 2, MPI_INT, all, 2, MPI_INT, MPI_COMM_WORLD);
    if (st == SC_OK) {
        MPI_Datatype row;
        MPI_Type_contiguous((int)len, MPI_DOUBLE, &row);
        MPI_Type_commit(&row);
        for (int r = 0; r < size; r++) {
            displs[r] = all[2 * r];
            counts[r] = all[2 * r + 1];
        }
        if (MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, table, counts, displs, row,
                           MPI_COMM_WORLD) != MPI_SUCCESS)
            st = SC_ERROR(e, SC_EFAIL, "sharing rows across ranks failed");
        MPI_Type_free(&row);
    }
    sc_free(all);
    sc_free(counts);
    sc_free(displs);
    return st;
}

int sc_ranks_gather_values(const double *mine, size_t n, double **all, size_t **counts,
                           sc_error *e)
{
    int rank = sc_ranks_rank(), size = sc_ranks_size(), st = fits_int(n, "values", e);
    int my = (int)n, *cnt = sc_calloc((size_t)size, sizeof *cnt), *displs = sc_calloc((size_t)size, sizeof *displs);
    *all = NULL;
    *counts = NULL;
    if (st == SC_OK && (!cnt || !displs))
        st = SC_ERROR(e, SC_ENOMEM, "out of memory gathering values");
    st = sc_ranks_agree(st, e);
    if (st == SC_OK)
        MPI_Gather(&my, 1, MPI_INT, cnt, 1, MPI_INT, 0, MPI_COMM_WORLD);
    size_t total = 0;
    for (int r = 0; st == SC_OK && rank == 0 && r < size; r++) {
        displs[r] = (int)total;
        total += (size_t)cnt[r];
    }
    if (st == SC_OK && rank == 0) {
        *all = sc_calloc(total ? total : 1, sizeof **all);
        *counts = sc_calloc((size_t)size, sizeof **counts);
        if (total > (size_t)INT_MAX)
            st = SC_ERROR(e, SC_EFAIL, "%zu values are too many for one MPI message", total);
        else if (!*all || !*counts)
            st = SC_ERROR(e, SC_ENOMEM, "out of memory gathering %zu values", total);
    }
    st = sc_ranks_agree(st, e);
    if (st == SC_OK && MPI_Gatherv(mine, my, MPI_DOUBLE, *all, cnt, displs, MPI_DOUBLE, 0,
                                   MPI_COMM_WORLD) != MPI_SUCCESS)
        st = SC_ERROR(e, SC_EFAIL, "gathering values across ranks failed");
    for (int r = 0; st == SC_OK && rank == 0 && r < size; r++)
        (*counts)[r] = (size_t)cnt[r];
    if (st != SC_OK) {
        sc_free(*all);
        sc_free(*counts);
        *all = NULL;
        *counts = NULL;
    }
    sc_free(cnt);
    sc_free(displs);
    return st;
}

int sc_ranks_gather_rows(const double *mine, long count, size_t len, double *all, long n,
                         sc_error *e)
{
    int rank = sc_ranks_rank(), size = sc_ranks_size();
    int *counts = sc_calloc((size_t)size, sizeof *counts);
    int *displs = sc_calloc((size_t)size, sizeof *displs);
    int st = counts && displs ? fits_int(len, "a record", e)
                              : SC_ERROR(e, SC_ENOMEM, "rank %d: out of memory", rank);
    if (st == SC_OK && n > (long)INT_MAX)
        st = SC_ERROR(e, SC_EFAIL, "%ld records are too many for one MPI message", n);
    st = sc_ranks_agree(st, e);
    if (st == SC_OK) {
        for (int r = 0; r < size; r++) {
            long first, c;
            sc_ranks_slice_of(n, r, size, &first, &c);
            counts[r] = (int)c;
            displs[r] = (int)first;
        }
        MPI_Datatype row;
        MPI_Type_contiguous((int)len, MPI_DOUBLE, &row);
        MPI_Type_commit(&row);
        int rc = rank == 0
                     ? MPI_Gatherv(MPI_IN_PLACE, 0, row, all, counts, displs, row, 0,
                                   MPI_COMM_WORLD)
                     : MPI_Gatherv(mine, (int)count, row, NULL, NULL, NULL, row, 0,
                                   MPI_COMM_WORLD);
        if (rc != MPI_SUCCESS)
            st = SC_ERROR(e, SC_EFAIL, "rank %d: gathering the records failed", rank);
        MPI_Type_free(&row);
    }
    sc_free(counts);
    sc_free(displs);
    return sc_ranks_agree(st, e);
}
