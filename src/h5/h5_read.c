/*
 * h5_read.c — reading a sendcast HDF5 file back, checked (h5.h): the file's
 * bytes (a regular file, its checksum), what the file is, then its attributes
 * and datasets, each refused with the file's and the object's names when
 * missing, of another shape, or of a form sendcast never writes.
 *
 * A result file is untrusted input (mailed between councils), so nothing in
 * it is taken on trust: HDF5 reads an image in memory (the core driver, on the
 * bytes loaded once), every link is checked to be a hard link before it is
 * followed, a dataset's storage, filters, type and extent are checked before
 * a byte of it is read, and every size is computed without overflow (the
 * bytes themselves, their checksum and the image: h5_image.c). HDF5
 * parsing a damaged file can still crash inside the library; src/export's
 * reader runs a first read in a child process for that (isolate.h).
 */
#include "sendcast/h5.h"
#include "h5_internal.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "sendcast/alloc.h"
#include "sendcast/text.h"
#include "sendcast/version.h"

enum {
    MAX_RANK = 3,             /* the largest rank sendcast writes */
    MAX_ATTR_STRING = 65536,  /* a fixed-length string attribute, bytes */
    DEFLATE_MAX_RATIO = 1100  /* deflate packs at most about 1032:1 */
};

/* ---- errors ---------------------------------------------------------- */

int sc_h5_read_bad(sc_h5r *r, const char *obj, const char *what)
{
    return SC_ERROR(r->e, SC_EINPUT, "%s: %s %s (is it a sendcast%s%s file?)", r->name, obj,
                    what, r->kind[0] ? " " : "", r->kind);
}

typedef struct h5_cause {
    int nomem;
    char desc[160];
} h5_cause;

/* Walked upward, the first entry is the most specific one. */
static herr_t cause_of(unsigned n, const H5E_error2_t *err, void *data)
{
    h5_cause *c = data;
    if (err && (err->min_num == H5E_CANTALLOC || err->min_num == H5E_NOSPACE))
        c->nomem = 1;
    if (n == 0 && err && err->desc)
        snprintf(c->desc, sizeof c->desc, "%s", err->desc);
    return 0;
}

/* A failed HDF5 call on obj: out of memory (SC_ENOMEM, as any allocation
 * failure), or a bad file, with HDF5's own words. */
static int h5_failed(sc_h5r *r, const char *obj, const char *what)
{
    h5_cause c = { 0, "" };
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, cause_of, &c);
    H5Eclear2(H5E_DEFAULT);
    if (c.nomem)
        return SC_ERROR(r->e, SC_ENOMEM, "out of memory reading %s in %s (HDF5)", obj, r->name);
    char msg[320];
    snprintf(msg, sizeof msg, "%s%s%s%s", what, c.desc[0] ? " (HDF5: " : "", c.desc,
             c.desc[0] ? ")" : "");
    return sc_h5_read_bad(r, obj, msg);
}

static int nomem(sc_h5r *r, const char *obj)
{
    return SC_ERROR(r->e, SC_ENOMEM, "out of memory reading %s in %s", obj, r->name);
}

static void close_id(hid_t *id, herr_t (*closer)(hid_t))
{
    if (*id >= 0)
        closer(*id);
    *id = H5I_INVALID_HID;
}

/* ---- links and objects ------------------------------------------------ */

static const char *link_kind(H5L_type_t t)
{
    return t == H5L_TYPE_SOFT ? "a soft link" : t == H5L_TYPE_EXTERNAL
                                                    ? "an external link (to another file)"
                                                    : "a user-defined link";
}

int sc_h5_read_exists(sc_h5r *r, const char *path, int *found)
{
    /* Each component in turn: H5Lexists needs its parent, and a component
     * must be a hard link before anything goes through it. */
    char buf[512];
    *found = 0;
    if (path[0] != '/' || snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
        return SC_NEVER(r->e);
    if (!path[1]) {
        *found = 1;
        return SC_OK;
    }
    for (char *p = strchr(buf + 1, '/');; p = strchr(p + 1, '/')) {
        if (p)
            *p = '\0';
        htri_t ex = H5Lexists(r->file, buf, r->lapl);
        if (ex < 0)
            return h5_failed(r, buf, "cannot be looked up");
        if (ex == 0)
            return SC_OK;
        H5L_info_t li;
        if (H5Lget_info(r->file, buf, &li, r->lapl) < 0)
            return h5_failed(r, buf, "cannot be looked up");
        if (li.type != H5L_TYPE_HARD) {
            char what[96];
            snprintf(what, sizeof what, "is %s; sendcast files hold none", link_kind(li.type));
            return sc_h5_read_bad(r, buf, what);
        }
        if (!p) {
            *found = 1;
            return SC_OK;
        }
        *p = '/';
    }
}

/* Open the object at path (checked by sc_h5_read_exists) as the given type;
 * *id < 0 and SC_OK when it is absent. */
static int open_object(sc_h5r *r, const char *path, H5I_type_t want, hid_t *id)
{
    int found;
    *id = H5I_INVALID_HID;
    int rc = sc_h5_read_exists(r, path, &found);
    if (rc || !found)
        return rc;
    hid_t o = H5Oopen(r->file, path, r->lapl);
    if (o < 0)
        return h5_failed(r, path, "cannot be opened");
    if (H5Iget_type(o) != want) {
        H5Oclose(o);
        return sc_h5_read_bad(r, path, want == H5I_DATASET ? "is not a dataset"
                                                           : "is not a group");
    }
    *id = o;
    return SC_OK;
}

/* ---- datasets ---------------------------------------------------------- */

/* Numbers: IEEE floats of 4 or 8 bytes, or standard integers of 1 to 8
 * bytes, so that HDF5 converts them with its ordinary routines. */
static int numeric_type(hid_t t)
{
    H5T_class_t c = H5Tget_class(t);
    size_t size = H5Tget_size(t);
    if (c == H5T_FLOAT)
        return H5Tequal(t, H5T_IEEE_F64LE) > 0 || H5Tequal(t, H5T_IEEE_F64BE) > 0
               || H5Tequal(t, H5T_IEEE_F32LE) > 0 || H5Tequal(t, H5T_IEEE_F32BE) > 0;
    if (c == H5T_INTEGER)
        return (size == 1 || size == 2 || size == 4 || size == 8)
               && H5Tget_precision(t) == 8 * size && H5Tget_offset(t) == 0;
    return 0;
}

/* Where the data is and how it is packed: in this file, with the filters
 * sendcast writes. */
static int check_storage(sc_h5r *r, const char *path, hid_t d)
{
    hid_t dcpl = H5Dget_create_plist(d);
    if (dcpl < 0)
        return h5_failed(r, path, "cannot be read");
    int rc = SC_OK;
    int next = H5Pget_external_count(dcpl), nf = H5Pget_nfilters(dcpl);
    H5D_layout_t layout = H5Pget_layout(dcpl);
    if (next != 0)
        rc = sc_h5_read_bad(r, path, "keeps its data in another file (external storage); "
                            "sendcast reads nothing from outside the file");
    else if (layout == H5D_VIRTUAL)
        rc = sc_h5_read_bad(r, path, "is a virtual dataset (data in other files); sendcast "
                            "reads nothing from outside the file");
    else if (layout < 0 || nf < 0)
        rc = h5_failed(r, path, "cannot be read");
    for (int k = 0; !rc && k < nf; k++) {
        unsigned flags = 0, cd[8];
        size_t ncd = 8;
        char name[64];
        H5Z_filter_t f = H5Pget_filter2(dcpl, (unsigned)k, &flags, &ncd, cd, sizeof name, name,
                                        NULL);
        if (f != H5Z_FILTER_DEFLATE && f != H5Z_FILTER_SHUFFLE && f != H5Z_FILTER_FLETCHER32) {
            char what[96];
            snprintf(what, sizeof what, "is packed with filter %d, which sendcast never "
                     "writes", (int)f);
            rc = sc_h5_read_bad(r, path, what);
        }
    }
    H5Pclose(dcpl);
    return rc;
}

/* Every element has stored data (no dataset of a billion values that were
 * never written, read as a billion fill values), and packed data is not
 * packed beyond what deflate can. A chunked dataset counts its chunks (HDF5
 * 1.10's space status compares compressed bytes with the full size, so it
 * calls every compressed dataset partly allocated). */
static int check_stored(sc_h5r *r, const char *path, hid_t d, hid_t space, size_t n,
                        size_t elem)
{
    if (n == 0)
        return SC_OK;
    hid_t dcpl = H5Dget_create_plist(d);
    H5D_layout_t layout = dcpl >= 0 ? H5Pget_layout(dcpl) : H5D_LAYOUT_ERROR;
    int rank = H5Sget_simple_extent_ndims(space), missing = 0, rc = SC_OK;
    if (layout == H5D_CHUNKED && rank >= 1 && rank <= MAX_RANK) {
        hsize_t dims[MAX_RANK], chunk[MAX_RANK], have = 0;
        double want = 1;
        if (H5Sget_simple_extent_dims(space, dims, NULL) != rank
            || H5Pget_chunk(dcpl, rank, chunk) != rank || H5Dget_num_chunks(d, space, &have) < 0)
            rc = h5_failed(r, path, "cannot be read");
        for (int k = 0; !rc && k < rank; k++) {
            if (chunk[k] == 0)
                rc = sc_h5_read_bad(r, path, "has an impossible chunk size");
            else
                want *= (double)((dims[k] + chunk[k] - 1) / chunk[k]);
        }
        missing = !rc && (double)have < want;
    } else if (layout == H5D_CONTIGUOUS || layout == H5D_COMPACT) {
        H5D_space_status_t status;
        if (H5Dget_space_status(d, &status) < 0)
            rc = h5_failed(r, path, "cannot be read");
        missing = !rc && status != H5D_SPACE_STATUS_ALLOCATED;
    } else if (rank >= 0) {
        rc = h5_failed(r, path, "cannot be read");
    }
    if (dcpl >= 0)
        H5Pclose(dcpl);
    if (!rc && missing) {
        char what[128];
        snprintf(what, sizeof what, "claims %zu values but stores data for only some of "
                 "them", n);
        return sc_h5_read_bad(r, path, what);
    }
    hsize_t stored = rc ? 0 : H5Dget_storage_size(d);
    if (!rc && elem && (double)stored * DEFLATE_MAX_RATIO < (double)n * (double)elem) {
        char what[160];
        snprintf(what, sizeof what, "claims %zu values in %llu bytes, more than compression "
                 "can pack", n, (unsigned long long)stored);
        return sc_h5_read_bad(r, path, what);
    }
    return rc;
}

/* The number of elements of space, checked: rank 0 to MAX_RANK, no
 * overflow. SC_OK and *n; SC_EINPUT otherwise. */
static int extent(sc_h5r *r, const char *path, hid_t space, size_t *n)
{
    H5S_class_t c = H5Sget_simple_extent_type(space);
    if (c == H5S_NULL) {
        *n = 0;
        return SC_OK;
    }
    if (c == H5S_SCALAR) {
        *n = 1;
        return SC_OK;
    }
    int rank = c == H5S_SIMPLE ? H5Sget_simple_extent_ndims(space) : -1;
    if (rank < 0)
        return h5_failed(r, path, "has an unreadable shape");
    if (rank > MAX_RANK) {
        char what[64];
        snprintf(what, sizeof what, "has rank %d (sendcast writes %d at most)", rank, MAX_RANK);
        return sc_h5_read_bad(r, path, what);
    }
    hsize_t dims[MAX_RANK];
    if (H5Sget_simple_extent_dims(space, dims, NULL) != rank)
        return h5_failed(r, path, "has an unreadable shape");
    size_t total = 1;
    for (int k = 0; k < rank; k++) {
        if (dims[k] > 0 && total > (SIZE_MAX / 16) / dims[k])
            return sc_h5_read_bad(r, path, "is impossibly large");
        total *= (size_t)dims[k];
    }
    *n = total;
    return SC_OK;
}

/* An open dataset, checked before any of its data is read. */
typedef struct dset {
    hid_t d, type, space;
    size_t n;       /* elements */
} dset;

static void dset_close(dset *s)
{
    close_id(&s->space, H5Sclose);
    close_id(&s->type, H5Tclose);
    close_id(&s->d, H5Dclose);
}

/* Open path as a dataset of numbers (strings != 0: of variable-length
 * strings). SC_OK with s->d < 0 when absent (the caller decides whether
 * that is an error). */
static int dset_open(sc_h5r *r, const char *path, int strings, dset *s)
{
    *s = (dset){ H5I_INVALID_HID, H5I_INVALID_HID, H5I_INVALID_HID, 0 };
    int rc = open_object(r, path, H5I_DATASET, &s->d);
    if (rc || s->d < 0)
        return rc;
    rc = check_storage(r, path, s->d);
    if (!rc && ((s->type = H5Dget_type(s->d)) < 0 || (s->space = H5Dget_space(s->d)) < 0))
        rc = h5_failed(r, path, "cannot be read");
    if (!rc && strings && (H5Tget_class(s->type) != H5T_STRING
                           || H5Tis_variable_str(s->type) <= 0))
        rc = sc_h5_read_bad(r, path, "is not a dataset of (variable-length) strings");
    if (!rc && !strings && !numeric_type(s->type))
        rc = sc_h5_read_bad(r, path, "is not a dataset of numbers");
    if (!rc)
        rc = extent(r, path, s->space, &s->n);
    if (!rc)
        rc = check_stored(r, path, s->d, s->space, s->n, strings ? 0 : H5Tget_size(s->type));
    if (rc)
        dset_close(s);
    return rc;
}

static int read_into(sc_h5r *r, const char *path, dset *s, double *out)
{
    if (s->n && H5Dread(s->d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, out) < 0)
        return h5_failed(r, path, "cannot be read");
    return SC_OK;
}

int sc_h5_read_doubles(sc_h5r *r, const char *path, size_t n, double **out)
{
    *out = NULL;
    dset s;
    int rc = dset_open(r, path, 0, &s);
    if (rc)
        return rc;
    if (s.d < 0)
        return sc_h5_read_bad(r, path, "is missing");
    if (s.n != n) {
        char what[96];
        snprintf(what, sizeof what, "has %zu values, expected %zu", s.n, n);
        rc = sc_h5_read_bad(r, path, what);
    } else if (!(*out = sc_calloc(n ? n : 1, sizeof **out))) {
        rc = nomem(r, path);
    } else {
        rc = read_into(r, path, &s, *out);
    }
    dset_close(&s);
    if (rc) {
        sc_free(*out);
        *out = NULL;
    }
    return rc;
}

int sc_h5_read_doubles_opt(sc_h5r *r, const char *path, size_t n, double **out)
{
    int found;
    *out = NULL;
    int rc = sc_h5_read_exists(r, path, &found);
    return rc || !found ? rc : sc_h5_read_doubles(r, path, n, out);
}

int sc_h5_read_scalar_opt(sc_h5r *r, const char *path, double *out)
{
    double *v = NULL;
    *out = NAN;
    int rc = sc_h5_read_doubles_opt(r, path, 1, &v);
    if (v)
        *out = v[0];
    sc_free(v);
    return rc;
}

int sc_h5_read_numbers(sc_h5r *r, const char *path, double *v, int max, int *n)
{
    dset s;
    *n = 0;
    int rc = dset_open(r, path, 0, &s);
    if (rc)
        return rc;
    if (s.d < 0)
        return sc_h5_read_bad(r, path, "is missing");
    if (s.n < 1 || s.n > (size_t)max) {
        char what[96];
        snprintf(what, sizeof what, "has %zu values, expected 1 to %d", s.n, max);
        rc = sc_h5_read_bad(r, path, what);
    } else {
        rc = read_into(r, path, &s, v);
    }
    if (!rc)
        *n = (int)s.n;
    dset_close(&s);
    return rc;
}

int sc_h5_read_length(sc_h5r *r, const char *path, int max, int *n)
{
    dset s;
    *n = 0;
    int rc = open_object(r, path, H5I_DATASET, &s.d);
    if (rc)
        return rc;
    if (s.d < 0)
        return sc_h5_read_bad(r, path, "is missing");
    hid_t t = H5Dget_type(s.d), space = H5Dget_space(s.d);
    size_t count = 0;
    if (t < 0 || space < 0)
        rc = h5_failed(r, path, "cannot be read");
    if (!rc)
        rc = extent(r, path, space, &count);
    if (!rc && (H5Sget_simple_extent_type(space) != H5S_SIMPLE
                || H5Sget_simple_extent_ndims(space) != 1) && count > 0)
        rc = sc_h5_read_bad(r, path, "is not a list (a one-dimensional dataset)");
    if (!rc && count > (size_t)max) {
        char what[96];
        snprintf(what, sizeof what, "has %zu entries, more than the %d sendcast allows", count,
                 max);
        rc = sc_h5_read_bad(r, path, what);
    }
    if (t >= 0)
        H5Tclose(t);
    if (space >= 0)
        H5Sclose(space);
    H5Dclose(s.d);
    if (!rc)
        *n = (int)count;
    return rc;
}

/* ---- strings ------------------------------------------------------------- */

/* A string from the file is well-formed UTF-8 with no control character but
 * tab and line breaks, and fits its field (size bytes with the NUL). */
static int check_text(sc_h5r *r, const char *obj, const char *s, size_t len, size_t size)
{
    char what[160];
    if (len >= size) {
        snprintf(what, sizeof what, "holds a string of %zu bytes, longer than the %zu "
                 "sendcast writes", len, size - 1);
        return sc_h5_read_bad(r, obj, what);
    }
    if (sc_text_utf8_bad_at(s, len) < len)
        return sc_h5_read_bad(r, obj, "holds a string that is not valid UTF-8");
    for (size_t k = 0; k < len; k++) {
        unsigned char c = (unsigned char)s[k];
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
            snprintf(what, sizeof what, "holds a string with the control character 0x%02X",
                     c);
            return sc_h5_read_bad(r, obj, what);
        }
    }
    return SC_OK;
}

int sc_h5_read_strings(sc_h5r *r, const char *path, size_t n, char *out, size_t stride,
                       size_t size)
{
    dset s;
    int rc = dset_open(r, path, 1, &s);
    if (rc)
        return rc;
    if (s.d < 0)
        return sc_h5_read_bad(r, path, "is missing");
    hid_t mt = H5Tcopy(H5T_C_S1);
    char **v = NULL;
    hsize_t bytes = 0;
    if (mt < 0 || H5Tset_size(mt, H5T_VARIABLE) < 0 || H5Tset_cset(mt, H5T_CSET_UTF8) < 0)
        rc = h5_failed(r, path, "cannot be read as strings");
    else if (s.n != n)
        rc = sc_h5_read_bad(r, path, "has the wrong length");
    /* the strings' total size, before HDF5 allocates them */
    else if (n && H5Dvlen_get_buf_size(s.d, mt, s.space, &bytes) < 0)
        rc = h5_failed(r, path, "cannot be read as strings");
    else if ((double)bytes > (double)n * (double)(size + 1))
        rc = sc_h5_read_bad(r, path, "holds strings longer than sendcast writes");
    else if (!(v = sc_calloc(n ? n : 1, sizeof *v)))
        rc = nomem(r, path);
    else if (n && H5Dread(s.d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) < 0)
        rc = h5_failed(r, path, "cannot be read as strings");
    else if (n) {
        for (size_t k = 0; !rc && k < n; k++) {
            const char *x = v[k] ? v[k] : "";
            size_t len = strlen(x);
            rc = check_text(r, path, x, len, size);
            if (!rc)
                memcpy(out + k * stride, x, len + 1);
        }
        H5Dvlen_reclaim(mt, s.space, H5P_DEFAULT, v);
    }
    sc_free(v);
    if (mt >= 0)
        H5Tclose(mt);
    dset_close(&s);
    return rc;
}

/* ---- attributes ------------------------------------------------------ */

/* "attribute NAME of OBJ", for messages. */
typedef struct attr_label {
    char s[320];
} attr_label;

static attr_label label_of(const char *obj, const char *name)
{
    attr_label l;
    snprintf(l.s, sizeof l.s, "attribute %s of %s", name, obj);
    return l;
}

/* Open attribute name of obj (checked path): *a < 0 when absent. */
static int attr_open(sc_h5r *r, const char *obj, const char *name, const char *label, hid_t *a)
{
    int found;
    *a = H5I_INVALID_HID;
    int rc = sc_h5_read_exists(r, obj, &found);
    if (rc || !found)
        return rc;
    htri_t ex = H5Aexists_by_name(r->file, obj, name, r->lapl);
    if (ex < 0)
        return h5_failed(r, label, "cannot be looked up");
    if (ex == 0)
        return SC_OK;
    if ((*a = H5Aopen_by_name(r->file, obj, name, H5P_DEFAULT, r->lapl)) < 0)
        return h5_failed(r, label, "cannot be opened");
    return SC_OK;
}

/* The attribute holds exactly one value. */
static int attr_single(sc_h5r *r, hid_t a, const char *label)
{
    hid_t space = H5Aget_space(a);
    size_t n = 0;
    int rc = space < 0 ? h5_failed(r, label, "cannot be read") : extent(r, label, space, &n);
    if (space >= 0)
        H5Sclose(space);
    if (!rc && n != 1) {
        char what[96];
        snprintf(what, sizeof what, "holds %zu values, expected one", n);
        rc = sc_h5_read_bad(r, label, what);
    }
    return rc;
}

/* A fixed-length string attribute's bytes: NUL- or space-padded; a NUL
 * inside is not padding. */
static int attr_fixed_string(sc_h5r *r, hid_t a, hid_t t, const char *label, char *out,
                             size_t size)
{
    size_t n = H5Tget_size(t);
    if (n == 0 || n > MAX_ATTR_STRING)
        return sc_h5_read_bad(r, label, "is a string of an impossible length");
    char *v = sc_calloc(n + 1, 1);
    if (!v)
        return nomem(r, label);
    int rc = H5Aread(a, t, v) < 0 ? h5_failed(r, label, "cannot be read") : SC_OK;
    size_t len = strlen(v);
    for (size_t k = len; !rc && k < n; k++)
        if (v[k] != '\0')
            rc = sc_h5_read_bad(r, label, "holds a NUL byte inside its string");
    if (!rc && !(rc = check_text(r, label, v, len, size)))
        memcpy(out, v, len + 1);
    sc_free(v);
    return rc;
}

int sc_h5_read_attr_string(sc_h5r *r, const char *obj, const char *name, char *out, size_t size,
                           int required)
{
    hid_t a;
    attr_label l = label_of(obj, name);
    out[0] = '\0';
    int rc = attr_open(r, obj, name, l.s, &a);
    if (rc)
        return rc;
    if (a < 0)
        return required ? sc_h5_read_bad(r, l.s, "is missing") : SC_OK;
    hid_t t = H5Aget_type(a);
    rc = attr_single(r, a, l.s);
    if (!rc && (t < 0 || H5Tget_class(t) != H5T_STRING))
        rc = sc_h5_read_bad(r, l.s, "is not a string");
    if (!rc && H5Tis_variable_str(t) > 0) {
        char *v = NULL;
        hid_t mt = H5Tcopy(t);
        if (mt < 0 || H5Aread(a, mt, &v) < 0 || !v)
            rc = h5_failed(r, l.s, "cannot be read");
        else if (!(rc = check_text(r, l.s, v, strlen(v), size)))
            memcpy(out, v, strlen(v) + 1);
        H5free_memory(v);   /* HDF5 allocated it: its own release */
        if (mt >= 0)
            H5Tclose(mt);
    } else if (!rc) {
        rc = attr_fixed_string(r, a, t, l.s, out, size);
    }
    if (t >= 0)
        H5Tclose(t);
    H5Aclose(a);
    if (rc)
        out[0] = '\0';
    return rc;
}

/* An integer attribute, exactly (every 64-bit seed, not through a double). */
static int attr_integer(sc_h5r *r, hid_t a, hid_t t, const char *label, int is_unsigned,
                        int64_t *s, uint64_t *u)
{
    int sign = H5Tget_sign(t) == H5T_SGN_2;
    if (sign && H5Aread(a, H5T_NATIVE_INT64, s) < 0)
        return h5_failed(r, label, "cannot be read");
    if (!sign && H5Aread(a, H5T_NATIVE_UINT64, u) < 0)
        return h5_failed(r, label, "cannot be read");
    if (sign && is_unsigned && *s < 0)
        return sc_h5_read_bad(r, label, "is negative");
    if (!sign && !is_unsigned && *u > (uint64_t)INT64_MAX)
        return sc_h5_read_bad(r, label, "is out of range");
    if (sign)
        *u = (uint64_t)*s;
    else
        *s = (int64_t)*u;
    return SC_OK;
}

/* A floating-point attribute that holds a whole number (as h5py may store
 * one): finite, whole and within [lo, hi]. */
static int attr_float_whole(sc_h5r *r, hid_t a, const char *label, double lo, double hi,
                            int64_t *s, uint64_t *u)
{
    double x = 0;
    if (H5Aread(a, H5T_NATIVE_DOUBLE, &x) < 0)
        return h5_failed(r, label, "cannot be read");
    /* hi + 1 of a 64-bit range rounds to 2^64 or 2^63: below it, the cast is defined */
    if (!isfinite(x) || x != floor(x) || x < lo || !(x < hi + 1))
        return sc_h5_read_bad(r, label, "is not a whole number in range");
    if (x < 0)
        *s = (int64_t)x, *u = 0;
    else
        *u = (uint64_t)x, *s = x < 9223372036854775808.0 ? (int64_t)x : INT64_MAX;
    return SC_OK;
}

/* A numeric attribute holding one whole number in [lo, hi]. */
static int attr_whole(sc_h5r *r, const char *obj, const char *name, double lo, double hi,
                      int is_unsigned, int64_t *s, uint64_t *u)
{
    hid_t a;
    attr_label l = label_of(obj, name);
    *s = 0;
    *u = 0;
    int rc = attr_open(r, obj, name, l.s, &a);
    if (rc)
        return rc;
    if (a < 0)
        return sc_h5_read_bad(r, l.s, "is missing");
    hid_t t = H5Aget_type(a);
    rc = attr_single(r, a, l.s);
    if (!rc && (t < 0 || !numeric_type(t)))
        rc = sc_h5_read_bad(r, l.s, "is not a number");
    else if (!rc && H5Tget_class(t) == H5T_INTEGER)
        rc = attr_integer(r, a, t, l.s, is_unsigned, s, u);
    else if (!rc)
        rc = attr_float_whole(r, a, l.s, lo, hi, s, u);
    if (!rc && !is_unsigned && ((double)*s < lo || (double)*s > hi))
        rc = sc_h5_read_bad(r, l.s, "is out of range");
    if (t >= 0)
        H5Tclose(t);
    H5Aclose(a);
    return rc;
}

int sc_h5_read_attr_int(sc_h5r *r, const char *obj, const char *name, int *out)
{
    int64_t s;
    uint64_t u;
    int rc = attr_whole(r, obj, name, -2147483648.0, 2147483647.0, 0, &s, &u);
    *out = rc ? 0 : (int)s;
    return rc;
}

int sc_h5_read_attr_int64(sc_h5r *r, const char *obj, const char *name, int64_t *out)
{
    uint64_t u;
    int rc = attr_whole(r, obj, name, -9223372036854775808.0, 9223372036854775807.0, 0, out, &u);
    if (rc)
        *out = 0;
    return rc;
}

int sc_h5_read_attr_uint64(sc_h5r *r, const char *obj, const char *name, uint64_t *out)
{
    int64_t s;
    int rc = attr_whole(r, obj, name, 0, 18446744073709551615.0, 1, &s, out);
    if (rc)
        *out = 0;
    return rc;
}

/* ---- groups ---------------------------------------------------------- */

int sc_h5_read_members(sc_h5r *r, const char *path, int max, sc_h5_member_fn each, void *ctx)
{
    hid_t g;
    int rc = open_object(r, path, H5I_GROUP, &g);
    if (rc)
        return rc;
    if (g < 0)
        return sc_h5_read_bad(r, path, "is missing");
    H5G_info_t gi;
    if (H5Gget_info(g, &gi) < 0)
        rc = h5_failed(r, path, "cannot be read");
    else if (gi.nlinks > (hsize_t)max) {
        char what[96];
        snprintf(what, sizeof what, "has %llu members, more than the %d sendcast writes",
                 (unsigned long long)gi.nlinks, max);
        rc = sc_h5_read_bad(r, path, what);
    }
    for (hsize_t k = 0; !rc && k < gi.nlinks; k++) {
        char name[256];
        ssize_t len = H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, k, name,
                                         sizeof name, H5P_DEFAULT);
        H5L_info_t li;
        if (len < 0)
            rc = h5_failed(r, path, "has a member that cannot be named");
        else if ((size_t)len >= sizeof name)
            rc = sc_h5_read_bad(r, path, "has a member with an overlong name");
        else if (check_text(r, path, name, (size_t)len, sizeof name))
            rc = SC_EINPUT;
        else if (strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, ".."))
            rc = sc_h5_read_bad(r, path, "has a member with an impossible name");
        else if (H5Lget_info(g, name, &li, r->lapl) < 0)
            rc = h5_failed(r, path, "has a member that cannot be looked up");
        else if (li.type != H5L_TYPE_HARD) {
            char what[160];
            snprintf(what, sizeof what, "has a member, %.60s, that is %s; sendcast files hold "
                     "none", name, link_kind(li.type));
            rc = sc_h5_read_bad(r, path, what);
        } else {
            rc = each(name, ctx);
        }
    }
    H5Gclose(g);
    return rc;
}

/* ---- what the file is ------------------------------------------------ */

/* The file's kind: its file_kind, or, in a file written before there was
 * one, what it holds (a comparison said kind = "sendcast compare"; a
 * back-test has /backtest; anything else was a result). */
static int kind_of(sc_h5r *r, char *kind, size_t size)
{
    char old[64];
    int found = 0;
    int rc = sc_h5_read_attr_string(r, "/", "file_kind", kind, size, 0);
    if (!rc && !kind[0])
        rc = sc_h5_read_attr_string(r, "/", "kind", old, sizeof old, 0);
    if (!rc && !kind[0] && strcmp(old, "sendcast compare"))
        rc = sc_h5_read_exists(r, "/backtest", &found);
    if (!rc && !kind[0])
        snprintf(kind, size, "%s", !strcmp(old, "sendcast compare") ? SC_FILE_COMPARISON
                                   : found ? SC_FILE_BACKTEST : SC_FILE_RESULT);
    return rc;
}

/* Who writes each kind, for the message that refuses one. */
static const char *writer_of(const char *kind)
{
    return !strcmp(kind, SC_FILE_RESULT) ? "sendcast run"
           : !strcmp(kind, SC_FILE_COMPARISON) ? "sendcast compare -o"
           : !strcmp(kind, SC_FILE_BACKTEST) ? "sendcast backtest -o"
           : !strcmp(kind, SC_FILE_CALIBRATION) ? "sendcast calibrate -o"
           : !strcmp(kind, SC_FILE_SWEEP) ? "sendcast sweep -o or goalseek -o"
           : !strcmp(kind, SC_FILE_ATTRIBUTION) ? "sendcast attribute -o" : "another program";
}

static int check_kind(sc_h5r *r)
{
    char kind[64];
    int version = 0, rc = kind_of(r, kind, sizeof kind);
    if (!rc && r->kind[0] && strcmp(kind, r->kind))
        return SC_ERROR(r->e, SC_EINPUT, "%s is a sendcast %s file (written by %s), not a %s "
                        "file (written by %s)", r->name, kind, writer_of(kind), r->kind,
                        writer_of(r->kind));
    hid_t a = H5I_INVALID_HID;
    if (!rc)
        rc = attr_open(r, "/", "format_version", "attribute format_version of /", &a);
    if (a >= 0) {
        H5Aclose(a);
        rc = sc_h5_read_attr_int(r, "/", "format_version", &version);
    }
    if (!rc && version > SC_FORMAT_VERSION)
        return SC_ERROR(r->e, SC_EINPUT, "%s is in %s file format %d, newer than this sendcast "
                        "(%s) reads: format %d and older; read it with a newer sendcast",
                        r->name, r->kind[0] ? r->kind : kind, version, SC_VERSION,
                        SC_FORMAT_VERSION);
    if (!rc && version < 0)
        return sc_h5_read_bad(r, "attribute format_version of /", "is negative");
    return rc;
}

int sc_h5_read_open(sc_h5r *r, const char *name, const sc_h5_image *img, const char *kind,
                    sc_error *e)
{
    *r = (sc_h5r){ H5I_INVALID_HID, H5I_INVALID_HID, name, kind ? kind : "", e, NULL, NULL,
                   { img->data, img->len } };
    H5Eget_auto2(H5E_DEFAULT, &r->old_func, &r->old_data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    H5PLset_loading_state(0);   /* a filter HDF5 lacks never loads a plugin */
    int rc = SC_OK;
    hid_t fapl = H5I_INVALID_HID;
    if (!img->data || img->len < 8 || !h5i_has_signature(img->data, img->len))
        rc = SC_ERROR(e, SC_EINPUT, "%s: not an HDF5 file", name);
    else if ((fapl = h5i_fapl(r)) < 0 || (r->lapl = h5i_lapl()) < 0)
        rc = h5_failed(r, "/", "cannot be set up for reading");
    /* The core driver refuses an image under the name of a file that exists
     * (and would take it as the file's own name for relative links, which
     * are refused anyway): a name no file can have. */
    else if ((r->file = H5Fopen("/dev/null/sendcast-image", H5F_ACC_RDONLY, fapl)) < 0)
        rc = h5_failed(r, "/", "cannot be opened as an HDF5 file");
    if (fapl >= 0)
        H5Pclose(fapl);
    if (!rc)
        rc = check_kind(r);
    if (rc)
        sc_h5_read_close(r);
    return rc;
}

typedef struct kind_query {
    char *kind;
    size_t size;
} kind_query;

static int read_kind(const char *path, const sc_h5_image *img, void *ctx, sc_error *e)
{
    kind_query *q = ctx;
    sc_h5r r;
    int rc = sc_h5_read_open(&r, path, img, NULL, e);
    if (!rc) {
        rc = kind_of(&r, q->kind, q->size);
        sc_h5_read_close(&r);
    }
    return rc;
}

int sc_h5_file_kind(const char *path, char *kind, size_t size, sc_error *e)
{
    kind_query q = { kind, size };
    return sc_h5_read_isolated(path, 0, read_kind, &q, e);
}

void sc_h5_read_close(sc_h5r *r)
{
    close_id(&r->file, H5Fclose);
    close_id(&r->lapl, H5Pclose);
    H5Eclear2(H5E_DEFAULT);
    H5Eset_auto2(H5E_DEFAULT, r->old_func, r->old_data);
}
