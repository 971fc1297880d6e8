/*
 * h5.h — the one checked HDF5 layer every sendcast file goes through: the
 * result file (src/write), the comparison (src/compare), the back-test
 * (src/backtest), and reading a result back (src/export).
 *
 * Every wrapper checks every HDF5 return value, closes what it opened on all
 * paths, and on failure fills sc_error with the file, the object's path and
 * HDF5's own innermost message (automatic error printing is off meanwhile).
 * As in SWIFT's common_io.c, writers and readers then read as a list of
 * "this dataset here" calls with no error handling noise of their own.
 *
 * Writing: paths are absolute ("/district/requests/mean"); missing parent
 * groups are created on the way. Numbers are stored little-endian IEEE / two's
 * complement whatever the host; strings are variable-length UTF-8 (h5py reads
 * them as str), except sc_h5_text, which keeps a file's bytes verbatim.
 *
 * Reading is strict about shapes (a dataset must hold exactly the count the
 * caller expects) and names the file and the dataset when something is
 * missing or misshapen: SC_EINPUT, "is it a sendcast <kind> file?". It
 * treats every file as untrusted input (see sc_h5_read_open).
 *
 * Kinds: every file says what it is (root attribute file_kind: "result",
 * "comparison", "back-test", "calibration", "sweep" or "attribution") and in
 * which format (format_version); a
 * reader refuses a file of another kind, or of a newer format than it
 * knows, with SC_EINPUT and a message saying which.
 */
#ifndef SENDCAST_H5_H
#define SENDCAST_H5_H

#include <stddef.h>
#include <stdint.h>

#include <hdf5.h>

#include "sendcast/error.h"

/* The kinds of file sendcast writes (root attribute file_kind). */
#define SC_FILE_RESULT "result"          /* sendcast run */
#define SC_FILE_COMPARISON "comparison"  /* sendcast compare -o */
#define SC_FILE_BACKTEST "back-test"     /* sendcast backtest -o */
#define SC_FILE_CALIBRATION "calibration"   /* sendcast calibrate -o */
#define SC_FILE_SWEEP "sweep"            /* sendcast sweep -o, goalseek -o */
#define SC_FILE_ATTRIBUTION "attribution"   /* sendcast attribute -o */

/* ---- writing ----------------------------------------------------------- */

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

/* The root attributes file_kind (one of SC_FILE_*) and format_version
 * (SC_FORMAT_VERSION): what the file is, for readers to check. */
int sc_h5_write_kind(sc_h5w *w, const char *kind, sc_error *e);

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

/* ---- the checksum ---------------------------------------------------- */

/* Every file sendcast writes through sc_h5_write_file starts with an HDF5
 * user block of SC_H5_USERBLOCK bytes (HDF5 and h5py skip it) holding
 * SC_H5_CHECKSUM_MAGIC, the lower-case hex SHA-256 of every byte after the
 * block, and a newline, NUL-padded: a reader verifies it before HDF5 sees a
 * byte, so damage anywhere in the HDF5 part is caught (a bit flip in transit
 * or on disk, a file cut short). It is a checksum, not a signature: anyone
 * can rewrite it, so it does not stand in for the reader's own checks. */
#define SC_H5_USERBLOCK 512
#define SC_H5_CHECKSUM_MAGIC "sendcast-sha256 "

/* ---- reading ----------------------------------------------------------- */

/* A file's bytes in memory. Readers work on an image, never on the path:
 * the file is opened once, must be a regular file (a FIFO or a device is
 * refused, never waited on), cannot change while it is read, and its
 * checksum is verified before HDF5 parses it. */
typedef struct sc_h5_image {
    unsigned char *data;    /* sc_free'd by sc_h5_image_free */
    size_t len;
    int checksum;           /* 1: it carried sendcast's checksum, verified; 0: none */
} sc_h5_image;

/* Load path: SC_OK; SC_EINPUT (missing, not a regular file, empty, damaged:
 * its checksum does not match; the message names the file and says which);
 * SC_ENOMEM; SC_EFAIL (a read error). On failure *img is empty. */
int sc_h5_image_load(const char *path, sc_h5_image *img, sc_error *e);
void sc_h5_image_free(sc_h5_image *img);

/* Read path with read(path, img, ctx, e) (which opens img with
 * sc_h5_read_open and fills ctx) twice: first in a child process
 * (isolate.h), so that a crash or hang inside libhdf5 on a damaged or crafted
 * file is a refusal (SC_EINPUT naming the file; SC_ENOMEM when memory ran
 * short), then, when that read succeeded, here. timeout_s <= 0: 30 s and a
 * second for every 2 MB. Every reader of a file a user hands sendcast goes
 * through here (docs/hardening.md, "Result files"). */
typedef int (*sc_h5_reader)(const char *path, const sc_h5_image *img, void *ctx, sc_error *e);
int sc_h5_read_isolated(const char *path, double timeout_s, sc_h5_reader read, void *ctx,
                        sc_error *e);

/* An open file being read, and the error its calls fill. HDF5 reads the
 * image in place (the core driver, no copy): the image must outlive the
 * sc_h5r, and the sc_h5r must not move while open. */
typedef struct sc_h5r {
    hid_t file;
    hid_t lapl;            /* link access: external links never followed */
    const char *name;      /* file name, for messages */
    const char *kind;      /* the kind wanted (SC_FILE_*), for messages */
    sc_error *e;
    H5E_auto2_t old_func;  /* HDF5's error printing, put back on close */
    void *old_data;
    struct { const void *data; size_t len; } image;
} sc_h5r;

/* Open an image read-only as a sendcast file of kind `kind`, checking that
 * it is one: its file_kind (or, in files written before it, what it holds)
 * and its format_version (at most SC_FORMAT_VERSION). SC_OK; SC_EINPUT when
 * it is not an HDF5 file, is of another kind or of a newer format (the
 * message says which). Every later call's error goes to e. On failure
 * nothing stays open.
 *
 * What every read below checks, because a result file is untrusted input
 * (docs/hardening.md, "Result files"): each link on a path is a hard link
 * (no soft link, and no external link: nothing outside the file is ever
 * opened); a dataset keeps its data in the file (no external storage, no
 * virtual dataset), has an IEEE float or standard integer type (strings:
 * variable-length), rank 3 at most, a size computed without overflow, data
 * actually stored for every element, and only the filters sendcast writes
 * (shuffle, deflate, fletcher32; no plugin is ever loaded); an attribute is
 * a single value. Strings must fit the caller's field and be well-formed
 * UTF-8 without control characters (tab and line breaks allowed). HDF5
 * running out of memory is SC_ENOMEM, not a bad file. kind NULL: any kind
 * (its format_version still checked). */
int sc_h5_read_open(sc_h5r *r, const char *name, const sc_h5_image *img, const char *kind,
                    sc_error *e);
void sc_h5_read_close(sc_h5r *r);

/* The kind of sendcast file at path (one of SC_FILE_*, as sc_h5_read_open
 * would take it) into kind[size], so that a command given any of several
 * kinds (`report`) can pick its reader; read as sc_h5_read_isolated reads.
 * SC_EINPUT when it is not an HDF5 file or cannot be opened. */
int sc_h5_file_kind(const char *path, char *kind, size_t size, sc_error *e);

/* "FILE: OBJ WHAT (is it a sendcast KIND file?)"; returns SC_EINPUT. */
int sc_h5_read_bad(sc_h5r *r, const char *obj, const char *what);

/* Whether the object at path exists (*found 1 or 0); SC_EINPUT when a link
 * on the way is not a hard link. */
int sc_h5_read_exists(sc_h5r *r, const char *path, int *found);

/* A string attribute into out[size]: "" and SC_OK when absent and not
 * required; SC_EINPUT when it does not fit (size - 1 bytes at most). */
int sc_h5_read_attr_string(sc_h5r *r, const char *obj, const char *name, char *out, size_t size,
                           int required);
/* A numeric attribute holding one whole number within the type's range;
 * SC_EINPUT when missing, unreadable, an array, fractional or out of range. */
int sc_h5_read_attr_int(sc_h5r *r, const char *obj, const char *name, int *out);
int sc_h5_read_attr_int64(sc_h5r *r, const char *obj, const char *name, int64_t *out);
int sc_h5_read_attr_uint64(sc_h5r *r, const char *obj, const char *name, uint64_t *out);

/* A numeric dataset that must hold exactly n values, into a new array
 * (*out, sc_free it); _opt gives NULL without error when it is absent. */
int sc_h5_read_doubles(sc_h5r *r, const char *path, size_t n, double **out);
int sc_h5_read_doubles_opt(sc_h5r *r, const char *path, size_t n, double **out);
/* A scalar dataset, NaN when absent. */
int sc_h5_read_scalar_opt(sc_h5r *r, const char *path, double *out);
/* A numeric dataset of 1 to max values into v[max]; *n how many. */
int sc_h5_read_numbers(sc_h5r *r, const char *path, double *v, int max, int *n);
/* The number of values of a one-dimensional dataset: SC_EINPUT above max. */
int sc_h5_read_length(sc_h5r *r, const char *path, int max, int *n);
/* n strings into fixed fields of `size` bytes at out, out + stride, ... */
int sc_h5_read_strings(sc_h5r *r, const char *path, size_t n, char *out, size_t stride,
                       size_t size);
/* The names of group path's members (at most max of them) in name order:
 * each(name, ctx) for each, stopping at a failure, which it returns.
 * SC_EINPUT when the group cannot be read, has more members or a member
 * that is not a hard link. */
typedef int (*sc_h5_member_fn)(const char *name, void *ctx);
int sc_h5_read_members(sc_h5r *r, const char *path, int max, sc_h5_member_fn each, void *ctx);

#endif
