/*
 * h5_read.c — reading a sendcast HDF5 file back, checked (h5.h): what the
 * file is, then its attributes and datasets, each refused with the file's
 * and the object's names when missing or of another shape.
 */
#include "sendcast/h5.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sendcast/alloc.h"
#include "sendcast/version.h"

int sc_h5_read_bad(sc_h5r *r, const char *obj, const char *what)
{
    return SC_ERROR(r->e, SC_EINPUT, "%s: %s %s (is it a sendcast %s file?)", r->name, obj, what,
                    r->kind);
}

int sc_h5_read_exists(sc_h5r *r, const char *path)
{
    /* H5Lexists needs each parent to exist: walk them. */
    char buf[512];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
        return 0;
    for (char *p = strchr(buf + 1, '/');; p = strchr(p + 1, '/')) {
        if (p)
            *p = '\0';
        if (H5Lexists(r->file, buf, H5P_DEFAULT) <= 0)
            return 0;
        if (!p)
            return 1;
        *p = '/';
    }
}

/* ---- attributes ------------------------------------------------------ */

int sc_h5_read_attr_string(sc_h5r *r, const char *obj, const char *name, char *out, size_t size,
                           int required)
{
    out[0] = '\0';
    if (H5Aexists_by_name(r->file, obj, name, H5P_DEFAULT) <= 0)
        return required ? sc_h5_read_bad(r, obj, "has no attribute") : SC_OK;
    hid_t a = H5Aopen_by_name(r->file, obj, name, H5P_DEFAULT, H5P_DEFAULT);
    hid_t t = a >= 0 ? H5Aget_type(a) : H5I_INVALID_HID;
    int rc = SC_OK;
    if (t < 0 || H5Tget_class(t) != H5T_STRING) {
        rc = sc_h5_read_bad(r, name, "is not a string attribute of");
    } else if (H5Tis_variable_str(t) > 0) {
        char *v = NULL;
        hid_t mt = H5Tcopy(t);
        if (H5Aread(a, mt, &v) < 0 || !v)
            rc = sc_h5_read_bad(r, name, "cannot be read on");
        else
            snprintf(out, size, "%s", v);
        H5free_memory(v);   /* HDF5 allocated it: its own release */
        H5Tclose(mt);
    } else {
        size_t n = H5Tget_size(t);
        char *v = sc_calloc(n + 1, 1);
        if (!v || H5Aread(a, t, v) < 0)
            rc = v ? sc_h5_read_bad(r, name, "cannot be read on")
                   : SC_ERROR(r->e, SC_ENOMEM, "out of memory");
        else
            snprintf(out, size, "%s", v);
        sc_free(v);
    }
    if (t >= 0)
        H5Tclose(t);
    if (a >= 0)
        H5Aclose(a);
    return rc;
}

static int attr_number(sc_h5r *r, const char *obj, const char *name, hid_t mtype, void *out)
{
    hid_t a = H5Aopen_by_name(r->file, obj, name, H5P_DEFAULT, H5P_DEFAULT);
    int rc = a < 0 || H5Aread(a, mtype, out) < 0
                 ? sc_h5_read_bad(r, name, "missing or unreadable on /") : SC_OK;
    if (a >= 0)
        H5Aclose(a);
    return rc;
}

int sc_h5_read_attr_int(sc_h5r *r, const char *obj, const char *name, int *out)
{
    return attr_number(r, obj, name, H5T_NATIVE_INT, out);
}

int sc_h5_read_attr_int64(sc_h5r *r, const char *obj, const char *name, int64_t *out)
{
    return attr_number(r, obj, name, H5T_NATIVE_INT64, out);
}

int sc_h5_read_attr_uint64(sc_h5r *r, const char *obj, const char *name, uint64_t *out)
{
    return attr_number(r, obj, name, H5T_NATIVE_UINT64, out);
}

/* ---- datasets -------------------------------------------------------- */

int sc_h5_read_doubles(sc_h5r *r, const char *path, size_t n, double **out)
{
    *out = NULL;
    hid_t d = H5Dopen2(r->file, path, H5P_DEFAULT);
    if (d < 0)
        return sc_h5_read_bad(r, path, "is missing");
    hid_t s = H5Dget_space(d);
    hssize_t np = s >= 0 ? H5Sget_simple_extent_npoints(s) : -1;
    int rc = SC_OK;
    if (np < 0 || (size_t)np != n) {
        char what[96];
        snprintf(what, sizeof what, "has %lld values, expected %zu", (long long)np, n);
        rc = sc_h5_read_bad(r, path, what);
    } else if (!(*out = sc_calloc(n ? n : 1, sizeof **out))) {
        rc = SC_ERROR(r->e, SC_ENOMEM, "out of memory reading %s", path);
    } else if (n && H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, *out) < 0) {
        rc = sc_h5_read_bad(r, path, "cannot be read");
    }
    if (s >= 0)
        H5Sclose(s);
    H5Dclose(d);
    if (rc) {
        sc_free(*out);
        *out = NULL;
    }
    return rc;
}

int sc_h5_read_doubles_opt(sc_h5r *r, const char *path, size_t n, double **out)
{
    *out = NULL;
    return sc_h5_read_exists(r, path) ? sc_h5_read_doubles(r, path, n, out) : SC_OK;
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

int sc_h5_read_length(sc_h5r *r, const char *path, int *n)
{
    hid_t d = H5Dopen2(r->file, path, H5P_DEFAULT);
    if (d < 0)
        return sc_h5_read_bad(r, path, "is missing");
    hid_t s = H5Dget_space(d);
    hssize_t np = s >= 0 ? H5Sget_simple_extent_npoints(s) : -1;
    if (s >= 0)
        H5Sclose(s);
    H5Dclose(d);
    if (np < 0 || np > 1000000)
        return sc_h5_read_bad(r, path, "has an unreadable size");
    *n = (int)np;
    return SC_OK;
}

int sc_h5_read_strings(sc_h5r *r, const char *path, size_t n, char *out, size_t stride,
                       size_t size)
{
    hid_t d = H5Dopen2(r->file, path, H5P_DEFAULT);
    if (d < 0)
        return sc_h5_read_bad(r, path, "is missing");
    hid_t mt = H5Tcopy(H5T_C_S1);
    H5Tset_size(mt, H5T_VARIABLE);
    H5Tset_cset(mt, H5T_CSET_UTF8);
    char **v = sc_calloc(n ? n : 1, sizeof *v);
    hid_t s = H5Dget_space(d);
    hssize_t np = s >= 0 ? H5Sget_simple_extent_npoints(s) : -1;
    int rc = SC_OK;
    if (!v)
        rc = SC_ERROR(r->e, SC_ENOMEM, "out of memory reading %s", path);
    else if (np < 0 || (size_t)np != n)
        rc = sc_h5_read_bad(r, path, "has the wrong length");
    else if (n && H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) < 0)
        rc = sc_h5_read_bad(r, path, "cannot be read as strings");
    for (size_t k = 0; !rc && k < n; k++)
        snprintf(out + k * stride, size, "%s", v[k] ? v[k] : "");
    if (v && n && !rc)
        H5Dvlen_reclaim(mt, s, H5P_DEFAULT, v);
    sc_free(v);
    if (s >= 0)
        H5Sclose(s);
    H5Tclose(mt);
    H5Dclose(d);
    return rc;
}

int sc_h5_read_members(sc_h5r *r, const char *path, sc_h5_member_fn each, void *ctx)
{
    hid_t g = H5Gopen2(r->file, path, H5P_DEFAULT);
    H5G_info_t gi;
    if (g < 0 || H5Gget_info(g, &gi) < 0) {
        if (g >= 0)
            H5Gclose(g);
        return sc_h5_read_bad(r, path, "cannot be read");
    }
    int rc = SC_OK;
    for (hsize_t k = 0; !rc && k < gi.nlinks; k++) {
        char name[256];
        if (H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, k, name, sizeof name,
                               H5P_DEFAULT) < 0)
            rc = sc_h5_read_bad(r, path, "has a member that cannot be named");
        else
            rc = each(name, ctx);
    }
    H5Gclose(g);
    return rc;
}

int sc_h5_read_small(sc_h5r *r, const char *path, double *v, int max)
{
    if (H5Oexists_by_name(r->file, path, H5P_DEFAULT) <= 0)
        return 0;
    H5O_info_t info;
    if (H5Oget_info_by_name(r->file, path, &info, H5P_DEFAULT) < 0 || info.type != H5O_TYPE_DATASET)
        return 0;
    hid_t d = H5Dopen2(r->file, path, H5P_DEFAULT);
    if (d < 0)
        return 0;
    hid_t s = H5Dget_space(d);
    hssize_t n = s >= 0 ? H5Sget_simple_extent_npoints(s) : -1;
    int got = n >= 1 && n <= max
                  && H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0
              ? (int)n : 0;
    if (s >= 0)
        H5Sclose(s);
    H5Dclose(d);
    return got;
}

/* ---- what the file is ------------------------------------------------ */

/* The file's kind: its file_kind, or, in a file written before there was
 * one, what it holds (a comparison said kind = "sendcast compare"; a
 * back-test has /backtest; anything else was a result). */
static int kind_of(sc_h5r *r, char *kind, size_t size)
{
    char old[64];
    int rc = sc_h5_read_attr_string(r, "/", "file_kind", kind, size, 0);
    if (!rc && !kind[0])
        rc = sc_h5_read_attr_string(r, "/", "kind", old, sizeof old, 0);
    if (!rc && !kind[0])
        snprintf(kind, size, "%s", !strcmp(old, "sendcast compare") ? SC_FILE_COMPARISON
                                   : sc_h5_read_exists(r, "/backtest") ? SC_FILE_BACKTEST
                                                                        : SC_FILE_RESULT);
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
    if (!rc && strcmp(kind, r->kind))
        return SC_ERROR(r->e, SC_EINPUT, "%s is a sendcast %s file (written by %s), not a %s "
                        "file (written by %s)", r->name, kind, writer_of(kind), r->kind,
                        writer_of(r->kind));
    if (!rc && H5Aexists_by_name(r->file, "/", "format_version", H5P_DEFAULT) > 0)
        rc = sc_h5_read_attr_int(r, "/", "format_version", &version);
    if (!rc && version > SC_FORMAT_VERSION)
        return SC_ERROR(r->e, SC_EINPUT, "%s is in %s file format %d, newer than this sendcast "
                        "(%s) reads: format %d and older; read it with a newer sendcast",
                        r->name, r->kind, version, SC_VERSION, SC_FORMAT_VERSION);
    return rc;
}

int sc_h5_read_open(sc_h5r *r, const char *path, const char *kind, sc_error *e)
{
    *r = (sc_h5r){H5I_INVALID_HID, path, kind, e, NULL, NULL};
    H5Eget_auto2(H5E_DEFAULT, &r->old_func, &r->old_data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    int rc = SC_OK;
    if (H5Fis_hdf5(path) <= 0)
        rc = SC_ERROR(e, SC_EINPUT, "%s: not an HDF5 file (or cannot be read)", path);
    else if ((r->file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT)) < 0)
        rc = SC_ERROR(e, SC_EINPUT, "%s: cannot open the HDF5 file", path);
    else
        rc = check_kind(r);
    if (rc)
        sc_h5_read_close(r);
    return rc;
}

int sc_h5_file_kind(const char *path, char *kind, size_t size, sc_error *e)
{
    sc_h5r r = {H5I_INVALID_HID, path, "sendcast", e, NULL, NULL};
    H5Eget_auto2(H5E_DEFAULT, &r.old_func, &r.old_data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    int rc = SC_OK;
    if (H5Fis_hdf5(path) <= 0)
        rc = SC_ERROR(e, SC_EINPUT, "%s: not an HDF5 file (or cannot be read)", path);
    else if ((r.file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT)) < 0)
        rc = SC_ERROR(e, SC_EINPUT, "%s: cannot open the HDF5 file", path);
    else
        rc = kind_of(&r, kind, size);
    sc_h5_read_close(&r);
    return rc;
}

void sc_h5_read_close(sc_h5r *r)
{
    if (r->file >= 0)
        H5Fclose(r->file);
    r->file = H5I_INVALID_HID;
    H5Eclear2(H5E_DEFAULT);
    H5Eset_auto2(H5E_DEFAULT, r->old_func, r->old_data);
}
