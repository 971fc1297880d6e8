/*
 * h5_write.c — thin, checked HDF5 wrappers for writing (h5.h).
 *
 * Each wrapper does one whole job (create a dataset, write it, close it) so
 * that no HDF5 id escapes to the caller and every error path closes what was
 * opened. A failure is described as "HDF5: cannot <do what> <path>: <HDF5's
 * innermost message>", the innermost message being the most specific (say,
 * "Permission denied" from the file driver rather than "unable to create
 * file" from the API layer). The caller turns automatic error printing off.
 */
#include "sendcast/h5.h"

#include "sendcast/outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <omp.h>
#include <zlib.h>

#include "sendcast/alloc.h"
#include "sendcast/sha256.h"
#include "sendcast/version.h"

/* ---- errors ---------------------------------------------------------- */

typedef struct h5_msg {
    char text[512];
} h5_msg;

/* Walked upward, the first entry is the most specific one. */
static herr_t keep_innermost(unsigned n, const H5E_error2_t *err, void *data)
{
    h5_msg *m = data;
    if (n == 0 && err && err->desc)
        snprintf(m->text, sizeof m->text, "%s", err->desc);
    return 0;
}

static int h5_fail(sc_error *e, sc_where where, const char *what, const char *path)
{
    h5_msg m = { "no detail from HDF5" };
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, keep_innermost, &m);
    H5Eclear2(H5E_DEFAULT);
    return sc_error_raise(e, SC_EFAIL, where, "HDF5: cannot %s %s: %s", what, path, m.text);
}

/* A failed HDF5 call, recorded where it was made. */
#define H5_FAIL(e, what, path) h5_fail((e), SC_HERE, (what), (path))

/* ---- ids --------------------------------------------------------------- */

/* Close an id if open; failures while cleaning up are not reported. */
static void close_any(hid_t *id, herr_t (*closer)(hid_t))
{
    if (*id >= 0)
        closer(*id);
    *id = H5I_INVALID_HID;
}

int sc_h5_path(char *buf, size_t size, sc_error *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= size)
        return SC_ERROR(e, SC_EFAIL, "HDF5 object path too long (limit %zu): %s...",
                        size - 1, buf);
    return SC_OK;
}

/* ---- file ------------------------------------------------------------ */

static int make_string_type(sc_h5w *w, sc_error *e)
{
    w->str = H5Tcopy(H5T_C_S1);
    if (w->str < 0 || H5Tset_size(w->str, H5T_VARIABLE) < 0
        || H5Tset_cset(w->str, H5T_CSET_UTF8) < 0)
        return H5_FAIL(e, "make the string type for", w->name);
    return SC_OK;
}

int sc_h5_create(sc_h5w *w, const char *filename, sc_error *e)
{
    w->file = w->lcpl = w->str = H5I_INVALID_HID;
    w->name = filename;
    /* Strong close: closing the file closes anything a failed call left open,
     * so an error path can never leave the file half-open. */
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl < 0 || H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG) < 0) {
        close_any(&fapl, H5Pclose);
        return H5_FAIL(e, "set up file access for", filename);
    }
    /* The user block holds the checksum (sc_h5_write_file). */
    hid_t fcpl = H5Pcreate(H5P_FILE_CREATE);
    if (fcpl < 0 || H5Pset_userblock(fcpl, SC_H5_USERBLOCK) < 0) {
        close_any(&fcpl, H5Pclose);
        close_any(&fapl, H5Pclose);
        return H5_FAIL(e, "set up file creation for", filename);
    }
    w->file = H5Fcreate(filename, H5F_ACC_TRUNC, fcpl, fapl);
    close_any(&fcpl, H5Pclose);
    close_any(&fapl, H5Pclose);
    if (w->file < 0)
        return H5_FAIL(e, "create file", filename);

    w->lcpl = H5Pcreate(H5P_LINK_CREATE);
    int rc = SC_OK;
    if (w->lcpl < 0 || H5Pset_create_intermediate_group(w->lcpl, 1) < 0)
        rc = H5_FAIL(e, "set up link creation for", filename);
    if (!rc)
        rc = make_string_type(w, e);
    if (rc)
        sc_h5_abort(w);
    return rc;
}

int sc_h5_close(sc_h5w *w, sc_error *e)
{
    int rc = SC_OK;
    if (w->str >= 0 && H5Tclose(w->str) < 0)
        rc = H5_FAIL(e, "close the string type of", w->name);
    if (w->lcpl >= 0 && H5Pclose(w->lcpl) < 0 && !rc)
        rc = H5_FAIL(e, "close a property list of", w->name);
    /* The file close flushes everything: its failure loses data. */
    if (w->file >= 0 && H5Fclose(w->file) < 0 && !rc)
        rc = H5_FAIL(e, "close (flush) file", w->name);
    w->file = w->lcpl = w->str = H5I_INVALID_HID;
    return rc;
}

void sc_h5_abort(sc_h5w *w)
{
    close_any(&w->str, H5Tclose);
    close_any(&w->lcpl, H5Pclose);
    close_any(&w->file, H5Fclose);
    H5Eclear2(H5E_DEFAULT);
}

int sc_h5_group(sc_h5w *w, const char *path, sc_error *e)
{
    hid_t g = H5Gcreate2(w->file, path, w->lcpl, H5P_DEFAULT, H5P_DEFAULT);
    if (g < 0)
        return H5_FAIL(e, "create group", path);
    if (H5Gclose(g) < 0)
        return H5_FAIL(e, "close group", path);
    return SC_OK;
}

/* ---- datasets -------------------------------------------------------- */

static hid_t make_space(int rank, const hsize_t *dims)
{
    return rank == 0 ? H5Screate(H5S_SCALAR) : H5Screate_simple(rank, dims, NULL);
}

/* Create path with the given file type and space and write data (memory
 * type mtype) into it; an empty dataset gets no write at all. */
static int write_dataset(sc_h5w *w, const char *path, hid_t ftype, hid_t mtype, hid_t space,
                         const void *data, sc_error *e)
{
    hid_t d = H5Dcreate2(w->file, path, ftype, space, w->lcpl, H5P_DEFAULT, H5P_DEFAULT);
    if (d < 0)
        return H5_FAIL(e, "create dataset", path);
    hssize_t npoints = H5Sget_simple_extent_npoints(space);
    int rc = SC_OK;
    if (npoints < 0)
        rc = H5_FAIL(e, "size dataset", path);
    else if (npoints > 0 && H5Dwrite(d, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0)
        rc = H5_FAIL(e, "write dataset", path);
    if (H5Dclose(d) < 0 && !rc)
        rc = H5_FAIL(e, "close dataset", path);
    return rc;
}

static int write_array(sc_h5w *w, const char *path, int rank, const hsize_t *dims,
                       hid_t ftype, hid_t mtype, const void *data, sc_error *e)
{
    if (rank < 0 || rank > 3)
        return SC_ERROR(e, SC_EFAIL, "HDF5: dataset %s: rank %d not supported", path, rank);
    hid_t space = make_space(rank, dims);
    if (space < 0)
        return H5_FAIL(e, "make the dataspace of", path);
    int rc = write_dataset(w, path, ftype, mtype, space, data, e);
    if (H5Sclose(space) < 0 && !rc)
        rc = H5_FAIL(e, "close the dataspace of", path);
    return rc;
}

int sc_h5_doubles(sc_h5w *w, const char *path, int rank, const hsize_t *dims,
                  const double *data, sc_error *e)
{
    return write_array(w, path, rank, dims, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, data, e);
}

/* The dataset-creation property list of a packed dataset. */
static hid_t packed_dcpl(int rank, const hsize_t *chunk, int level)
{
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    if (dcpl < 0)
        return dcpl;
    if (H5Pset_chunk(dcpl, rank, chunk) < 0 || H5Pset_shuffle(dcpl) < 0
        || H5Pset_deflate(dcpl, (unsigned)level) < 0) {
        H5Pclose(dcpl);
        return H5I_INVALID_HID;
    }
    return dcpl;
}

/* HDF5 runs a dataset's filters on one thread, and deflating the per-
 * trajectory series was most of a 10^5-trajectory run's writing. So chunks
 * that span every dimension but the first are filtered here, by all threads,
 * exactly as the pipeline the dataset declares would (HDF5's shuffle: byte k
 * of every value together; then zlib's compress2, which HDF5's deflate filter
 * calls), and stored as they are with H5Dwrite_chunk. Readers see an ordinary
 * shuffled, deflated dataset. Chunks are filtered in batches, so the memory
 * is a batch of compressed chunks, not the whole dataset. */
enum { SC_H5_BATCH = 64 };

typedef struct packed_chunk {
    unsigned char *shuffled, *out;   /* one chunk's values shuffled, then compressed */
    uLongf len;                      /* compressed length */
    int ok;
} packed_chunk;

static int little_endian(void)
{
    const uint16_t one = 1;
    unsigned char first;
    memcpy(&first, &one, 1);
    return first == 1;
}

/* Chunk c of data (rows of `row` values, `rows` of them) through the filters. */
static void filter_chunk(const double *data, hsize_t rows, size_t row, hsize_t chunk_rows,
                         hsize_t c, int level, packed_chunk *pc)
{
    size_t nvals = (size_t)chunk_rows * row, bytes = nvals * sizeof(double);
    hsize_t first = c * chunk_rows;
    /* The last chunk runs past the data: HDF5 stores whole chunks, padded. */
    size_t have = (size_t)(first + chunk_rows <= rows ? chunk_rows : rows - first) * row;
    const unsigned char *src = (const unsigned char *)(data + (size_t)first * row);
    for (size_t k = 0; k < sizeof(double); k++) {
        unsigned char *to = pc->shuffled + k * nvals;
        for (size_t i = 0; i < have; i++)
            to[i] = src[i * sizeof(double) + k];
        memset(to + have, 0, nvals - have);
    }
    pc->len = compressBound((uLong)bytes);
    pc->ok = compress2(pc->out, &pc->len, pc->shuffled, (uLong)bytes, level) == Z_OK;
}

static int write_chunks(hid_t d, const char *path, int rank, const hsize_t *dims,
                        const hsize_t *chunk, int level, const double *data, sc_error *e)
{
    size_t row = 1;
    for (int k = 1; k < rank; k++)
        row *= (size_t)dims[k];
    hsize_t nchunks = (dims[0] + chunk[0] - 1) / chunk[0];
    size_t bytes = (size_t)chunk[0] * row * sizeof(double);
    uLong bound = compressBound((uLong)bytes);
    long most = 2L * omp_get_max_threads();   /* chunks filtered at once */
    most = most > SC_H5_BATCH ? SC_H5_BATCH : most;
    most = (hsize_t)most > nchunks ? (long)nchunks : most;
    packed_chunk pc[SC_H5_BATCH] = {{0}};
    int rc = SC_OK;
    for (long b = 0; b < most && !rc; b++) {
        pc[b].shuffled = sc_malloc(bytes);
        pc[b].out = sc_malloc(bound);
        if (!pc[b].shuffled || !pc[b].out)
            rc = SC_ERROR(e, SC_ENOMEM, "out of memory compressing %s", path);
    }
    for (hsize_t c0 = 0; c0 < nchunks && !rc; c0 += (hsize_t)most) {
        long batch = (long)(nchunks - c0 < (hsize_t)most ? nchunks - c0 : (hsize_t)most);
#pragma omp parallel for schedule(dynamic, 1)
        for (long b = 0; b < batch; b++)
            filter_chunk(data, dims[0], row, chunk[0], c0 + (hsize_t)b, level, &pc[b]);
        for (long b = 0; b < batch && !rc; b++) {
            hsize_t offset[3] = {(c0 + (hsize_t)b) * chunk[0], 0, 0};
            if (!pc[b].ok)
                rc = SC_ERROR(e, SC_EFAIL, "zlib could not compress a chunk of %s", path);
            else if (H5Dwrite_chunk(d, H5P_DEFAULT, 0, offset, (size_t)pc[b].len, pc[b].out) < 0)
                rc = H5_FAIL(e, "write a chunk of dataset", path);
        }
    }
    for (int b = 0; b < SC_H5_BATCH; b++) {
        sc_free(pc[b].shuffled);
        sc_free(pc[b].out);
    }
    return rc;
}

/* Chunks that cover every dimension but the first, on a little-endian host
 * (the file's doubles are little-endian): the case write_chunks handles. */
static int chunks_by_rows(int rank, const hsize_t *dims, const hsize_t *chunk)
{
    for (int k = 1; k < rank; k++)
        if (chunk[k] != dims[k])
            return 0;
    return dims[0] > 0 && chunk[0] > 0 && little_endian();
}

int sc_h5_doubles_packed(sc_h5w *w, const char *path, int rank, const hsize_t *dims,
                         const hsize_t *chunk, int level, const double *data, sc_error *e)
{
    if (rank < 1 || rank > 3 || level < 1 || level > 9)
        return SC_ERROR(e, SC_EFAIL, "HDF5: dataset %s: rank %d / deflate level %d not "
                        "supported", path, rank, level);
    hid_t space = H5Screate_simple(rank, dims, NULL);
    hid_t dcpl = packed_dcpl(rank, chunk, level);
    hid_t d = space < 0 || dcpl < 0 ? H5I_INVALID_HID
              : H5Dcreate2(w->file, path, H5T_IEEE_F64LE, space, w->lcpl, dcpl, H5P_DEFAULT);
    int rc = SC_OK;
    if (d < 0)
        rc = H5_FAIL(e, "create dataset", path);
    else if (chunks_by_rows(rank, dims, chunk))
        rc = write_chunks(d, path, rank, dims, chunk, level, data, e);
    else if (H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0)
        rc = H5_FAIL(e, "write dataset", path);
    if (d >= 0 && H5Dclose(d) < 0 && !rc)
        rc = H5_FAIL(e, "close dataset", path);
    close_any(&dcpl, H5Pclose);
    close_any(&space, H5Sclose);
    return rc;
}

int sc_h5_int32s(sc_h5w *w, const char *path, int rank, const hsize_t *dims,
                 const int32_t *data, sc_error *e)
{
    return write_array(w, path, rank, dims, H5T_STD_I32LE, H5T_NATIVE_INT32, data, e);
}

int sc_h5_strings(sc_h5w *w, const char *path, size_t n, const char *const *strs, sc_error *e)
{
    hsize_t dim = (hsize_t)n;
    return write_array(w, path, 1, &dim, w->str, w->str, strs, e);
}

int sc_h5_text(sc_h5w *w, const char *path, const char *text, size_t len, sc_error *e)
{
    /* HDF5 has no zero-length fixed string; an empty file is one NUL, which
     * NULLPAD readers (h5py included) read back as the empty string. */
    static const char empty[1] = "";
    hid_t t = H5Tcopy(H5T_C_S1);
    if (t < 0 || H5Tset_size(t, len > 0 ? len : 1) < 0 || H5Tset_strpad(t, H5T_STR_NULLPAD) < 0
        || H5Tset_cset(t, H5T_CSET_UTF8) < 0) {
        close_any(&t, H5Tclose);
        return H5_FAIL(e, "make the string type of", path);
    }
    int rc = write_array(w, path, 0, NULL, t, t, len > 0 ? text : empty, e);
    if (H5Tclose(t) < 0 && !rc)
        rc = H5_FAIL(e, "close the string type of", path);
    return rc;
}

/* ---- attributes ------------------------------------------------------ */

static int write_attr(sc_h5w *w, const char *objpath, const char *name, hid_t ftype,
                      hid_t mtype, const void *value, sc_error *e)
{
    char where[512];
    snprintf(where, sizeof where, "attribute %s of %s", name, objpath);
    hid_t space = H5Screate(H5S_SCALAR);
    if (space < 0)
        return H5_FAIL(e, "make the dataspace of", where);
    hid_t a = H5Acreate_by_name(w->file, objpath, name, ftype, space, H5P_DEFAULT, H5P_DEFAULT,
                                H5P_DEFAULT);
    int rc = SC_OK;
    if (a < 0)
        rc = H5_FAIL(e, "create", where);
    else if (H5Awrite(a, mtype, value) < 0)
        rc = H5_FAIL(e, "write", where);
    if (a >= 0 && H5Aclose(a) < 0 && !rc)
        rc = H5_FAIL(e, "close", where);
    if (H5Sclose(space) < 0 && !rc)
        rc = H5_FAIL(e, "close the dataspace of", where);
    return rc;
}

int sc_h5_attr_string(sc_h5w *w, const char *objpath, const char *name, const char *value,
                      sc_error *e)
{
    const char *v = value ? value : "";
    return write_attr(w, objpath, name, w->str, w->str, &v, e);
}

int sc_h5_attr_int(sc_h5w *w, const char *objpath, const char *name, int value, sc_error *e)
{
    int32_t v = (int32_t)value;
    return write_attr(w, objpath, name, H5T_STD_I32LE, H5T_NATIVE_INT32, &v, e);
}

int sc_h5_attr_int64(sc_h5w *w, const char *objpath, const char *name, int64_t value,
                     sc_error *e)
{
    return write_attr(w, objpath, name, H5T_STD_I64LE, H5T_NATIVE_INT64, &value, e);
}

int sc_h5_attr_uint64(sc_h5w *w, const char *objpath, const char *name, uint64_t value,
                      sc_error *e)
{
    return write_attr(w, objpath, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, &value, e);
}

int sc_h5_attr_double(sc_h5w *w, const char *objpath, const char *name, double value,
                      sc_error *e)
{
    return write_attr(w, objpath, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &value, e);
}

int sc_h5_write_kind(sc_h5w *w, const char *kind, sc_error *e)
{
    int rc = sc_h5_attr_string(w, "/", "file_kind", kind, e);
    return rc ? rc : sc_h5_attr_int(w, "/", "format_version", SC_FORMAT_VERSION, e);
}

/* Write the checksum into the closed file's user block: the SHA-256 of
 * every byte after it (h5.h). */
static int write_checksum(const char *tmp, const char *path, sc_error *e)
{
    char hex[65], block[SC_H5_USERBLOCK];
    int err = sc_sha256_file_from(tmp, SC_H5_USERBLOCK, hex);
    if (err)
        return SC_ERROR(e, SC_EFAIL, "cannot read back %s for its checksum: %s", path,
                        strerror(err));
    memset(block, 0, sizeof block);
    snprintf(block, sizeof block, "%s%s\n", SC_H5_CHECKSUM_MAGIC, hex);
    int fd = open(tmp, O_WRONLY | O_CLOEXEC);
    ssize_t n = fd < 0 ? -1 : pwrite(fd, block, sizeof block, 0);
    int werr = n == (ssize_t)sizeof block ? 0 : n < 0 ? errno : EIO;
    if (fd >= 0 && close(fd) != 0 && !werr)
        werr = errno;
    return werr ? SC_ERROR(e, SC_EFAIL, "cannot write %s: %s", path, strerror(werr)) : SC_OK;
}

int sc_h5_write_file(const char *path, int replace, sc_h5_fill_fn fill, const void *ctx,
                     sc_error *e)
{
    sc_outfile o;
    int rc = sc_outfile_begin(&o, path, 0, e);
    if (rc)
        return rc;
    H5E_auto2_t old_func = NULL;
    void *old_data = NULL;
    H5Eget_auto2(H5E_DEFAULT, &old_func, &old_data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    sc_h5w w;
    rc = sc_h5_create(&w, o.tmp, e);
    if (!rc) {
        rc = fill(&w, ctx, e);
        if (rc)
            sc_h5_abort(&w);
        else
            rc = sc_h5_close(&w, e);
        if (!rc)
            rc = write_checksum(o.tmp, path, e);
    }
    H5Eset_auto2(H5E_DEFAULT, old_func, old_data);
    if (rc)
        sc_outfile_abort(&o);
    else
        rc = sc_outfile_commit(&o, replace, e);
    return rc ? SC_CONTEXT(e, "while writing %s", path) : SC_OK;
}
