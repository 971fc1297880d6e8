/*
 * wr_internal.h — private to src/write (prefix wr_): what its files share.
 */
#ifndef SENDCAST_WRITE_WR_INTERNAL_H
#define SENDCAST_WRITE_WR_INTERNAL_H

#include "sendcast/error.h"
#include "sendcast/h5.h"
#include "sendcast/scenario.h"

#define WR_PATH_MAX 512   /* longest HDF5 object path built here */

/* A distribution into the existing group `group`: attribute distribution
 * and its numbers as datasets (CONTRACT.md's /parameters layout). */
int wr_write_dist(sc_h5w *w, const char *group, const sc_dist *d, sc_error *e);
/* group/name as a scalar, or as a [dims] array of rank 1..3. */
int wr_write_scalar(sc_h5w *w, const char *group, const char *name, double v, sc_error *e);
int wr_write_vector(sc_h5w *w, const char *group, const char *name, int rank,
                    const hsize_t *dims, const double *v, sc_error *e);

#endif
