/*
 * h5util.h — private to src/write: thin, checked HDF5 wrappers.
 *
 * Every wrapper checks every HDF5 return value, closes what it opened on all
 * paths, and on failure fills sc_error with the object's path and HDF5's own
 * innermost message (the automatic error printing is off while writing). As
 * in SWIFT's common_io.c, the writer then reads as a list of "write this
 * dataset here" calls with no error handling noise of its own.
 *
 * Paths are absolute ("/district/requests/mean"); missing parent groups are
 * created on the way. Numbers are stored little-endian IEEE / two's complement
 * whatever the host; strings are variable-length UTF-8 (h5py reads them as
 * str), except sc_h5_text, which keeps a file's bytes verbatim.
 */
#ifndef SENDCAST_WRITE_H5UTIL_H
#define SENDCAST_WRITE_H5UTIL_H

#include <stddef.h>
#include <stdint.h>

#include <hdf5.h>

#include "sendcast/error.h"

/* An open file being written, with the property list and string type every
 * call shares. All ids are H5I_INVALID_HID when not open. */
typedef struct sc_h5w {
    hid_t file;
    hid_t lcpl;       /* link creation: make intermediate groups */
    hid_t str;        /* variable-length UTF-8 string */
    const char *name; /* file name, for messages */
} sc_h5w;

/* Create (truncate) the file. On failure nothing stays open. */
int sc_h5_create(sc_h5w *w, const char *filename, sc_error *e);
/* Close everything; an error here means the file may be incomplete. */
int sc_h5_close(sc_h5w *w, sc_error *e);
/* Close everything after a failure, ignoring further errors. */
void sc_h5_abort(sc_h5w *w);

/* Write an HDF5 file whole or not at all: fill() writes the contents into a
 * new file PATH.tmp.PID, with HDF5's own error printing off (errors come back
 * through e, naming the dataset); the file is then closed, synced and put in
 * place (include/sendcast/outfile.h: replace, or refuse an existing file). */
typedef int (*sc_h5_fill_fn)(sc_h5w *w, const void *ctx, sc_error *e);
int sc_h5_write_file(const char *path, int replace, sc_h5_fill_fn fill, const void *ctx,
                     sc_error *e);

/* Build a path into buf with printf rules; SC_EFAIL if it does not fit. */
int sc_h5_path(char *buf, size_t size, sc_error *e, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

int sc_h5_group(sc_h5w *w, const char *path, sc_error *e);

/* Datasets of rank 0 (dims unused) .. 3. A dimension may be 0. */
int sc_h5_doubles(sc_h5w *w, const char *path, int rank, const hsize_t *dims,
                  const double *data, sc_error *e);
int sc_h5_int32s(sc_h5w *w, const char *path, int rank, const hsize_t *dims,
                 const int32_t *data, sc_error *e);
/* Like sc_h5_doubles (rank 1..3, no zero dimension) but chunked (chunk
 * dims given) with the shuffle filter and deflate at `level` (1..9): for the
 * large per-trajectory datasets, where compression pays. */
int sc_h5_doubles_packed(sc_h5w *w, const char *path, int rank, const hsize_t *dims,
                         const hsize_t *chunk, int level, const double *data, sc_error *e);
/* One-dimensional [n] dataset of strings (n may be 0). */
int sc_h5_strings(sc_h5w *w, const char *path, size_t n, const char *const *strs, sc_error *e);
/* Scalar fixed-length string holding exactly len bytes (no terminator needed). */
int sc_h5_text(sc_h5w *w, const char *path, const char *text, size_t len, sc_error *e);

/* Scalar attributes on the object at objpath ("/" is the root group). */
int sc_h5_attr_string(sc_h5w *w, const char *objpath, const char *name, const char *value,
                      sc_error *e);
int sc_h5_attr_int(sc_h5w *w, const char *objpath, const char *name, int value, sc_error *e);
int sc_h5_attr_int64(sc_h5w *w, const char *objpath, const char *name, int64_t value,
                     sc_error *e);
int sc_h5_attr_uint64(sc_h5w *w, const char *objpath, const char *name, uint64_t value,
                      sc_error *e);
int sc_h5_attr_double(sc_h5w *w, const char *objpath, const char *name, double value,
                      sc_error *e);

#endif
