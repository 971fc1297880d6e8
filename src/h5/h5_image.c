/*
 * h5_image.c — a file's bytes for reading (h5.h): loaded once from a regular
 * file, its checksum verified, and handed to HDF5's core driver in place, so
 * that HDF5 reads memory, never the path (a file swapped for a FIFO under the
 * reader's feet is never opened), and never follows a link out of the file.
 */
#include "sendcast/h5.h"
#include "h5_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sendcast/alloc.h"
#include "sendcast/isolate.h"
#include "sendcast/sha256.h"

/* ---- the file's bytes -------------------------------------------------- */

static int hexval(int c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The checksum in the user block, when the file carries one. */
static int verify_checksum(const char *path, sc_h5_image *img, sc_error *e)
{
    static const char magic[] = SC_H5_CHECKSUM_MAGIC;
    const size_t m = sizeof magic - 1;
    img->checksum = 0;
    if (img->len < SC_H5_USERBLOCK || memcmp(img->data, magic, m) != 0)
        return SC_OK;     /* a file from before the checksum, or another program's */
    const unsigned char *hex = img->data + m;
    int ok = hex[64] == '\n';
    for (int k = 0; ok && k < 64; k++)
        ok = hexval(hex[k]) >= 0;
    char have[65];
    if (ok) {
        sc_sha256_hex(img->data + SC_H5_USERBLOCK, img->len - SC_H5_USERBLOCK, have);
        ok = memcmp(have, hex, 64) == 0;
    }
    if (!ok)
        return SC_ERROR(e, SC_EINPUT, "%s is damaged: its SHA-256 checksum (in the first %d "
                        "bytes, written by sendcast) does not match its contents; it was "
                        "corrupted in transit or on disk, cut short, or changed after it was "
                        "written: ask for the file again", path, SC_H5_USERBLOCK);
    img->checksum = 1;
    return SC_OK;
}

int sc_h5_image_load(const char *path, sc_h5_image *img, sc_error *e)
{
    memset(img, 0, sizeof *img);
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return SC_ERROR(e, SC_EINPUT, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    int rc = SC_OK;
    if (fstat(fd, &st) != 0)
        rc = SC_ERROR(e, SC_EFAIL, "%s: cannot read: %s", path, strerror(errno));
    else if (!S_ISREG(st.st_mode))
        rc = SC_ERROR(e, SC_EINPUT, "%s is not a regular file (a FIFO, a device or a folder); "
                      "sendcast reads result files only from regular files", path);
    else if (st.st_size < 8)
        rc = SC_ERROR(e, SC_EINPUT, "%s: not an HDF5 file (%lld bytes)", path,
                      (long long)st.st_size);
    else if ((unsigned long long)st.st_size > (unsigned long long)(SIZE_MAX / 2))
        rc = SC_ERROR(e, SC_EINPUT, "%s: too large to read (%lld bytes)", path,
                      (long long)st.st_size);
    else if (!(img->data = sc_malloc((size_t)st.st_size)))
        rc = SC_ERROR(e, SC_ENOMEM, "out of memory reading %s (%lld bytes)", path,
                      (long long)st.st_size);
    size_t want = rc ? 0 : (size_t)st.st_size;
    while (!rc && img->len < want) {
        ssize_t n = read(fd, img->data + img->len, want - img->len);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (n < 0)
            rc = SC_ERROR(e, SC_EFAIL, "%s: cannot read: %s", path, strerror(errno));
        else if (n == 0)
            rc = SC_ERROR(e, SC_EINPUT, "%s was cut short while it was read (%zu of %zu "
                          "bytes)", path, img->len, want);
        else
            img->len += (size_t)n;
    }
    close(fd);
    if (!rc)
        rc = verify_checksum(path, img, e);
    if (rc)
        sc_h5_image_free(img);
    return rc;
}

void sc_h5_image_free(sc_h5_image *img)
{
    sc_free(img->data);
    memset(img, 0, sizeof *img);
}

/* ---- HDF5 on the image, in place -------------------------------------- */

/* The core driver asks for buffers to copy the image into: it is given the
 * image itself, which is only ever read. */
static void *img_malloc(size_t size, H5FD_file_image_op_t op, void *udata)
{
    (void)op;
    sc_h5r *r = udata;
    return size == r->image.len ? (void *)(uintptr_t)r->image.data : NULL;
}

static void *img_memcpy(void *dest, const void *src, size_t size, H5FD_file_image_op_t op,
                        void *udata)
{
    (void)size;
    (void)op;
    (void)udata;
    return dest == src ? dest : NULL;
}

static void *img_realloc(void *ptr, size_t size, H5FD_file_image_op_t op, void *udata)
{
    (void)ptr;
    (void)size;
    (void)op;
    (void)udata;
    return NULL;   /* read-only: never grows */
}

static herr_t img_free(void *ptr, H5FD_file_image_op_t op, void *udata)
{
    (void)ptr;
    (void)op;
    (void)udata;
    return 0;      /* the caller owns the image */
}

static void *img_udata_copy(void *udata)
{
    return udata;
}

static herr_t img_udata_free(void *udata)
{
    (void)udata;
    return 0;
}

hid_t h5i_fapl(sc_h5r *r)
{
    H5FD_file_image_callbacks_t cb = { img_malloc, img_memcpy, img_realloc, img_free,
                                       img_udata_copy, img_udata_free, r };
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl < 0 || H5Pset_fapl_core(fapl, 65536, 0) < 0
        || H5Pset_file_image_callbacks(fapl, &cb) < 0
        || H5Pset_file_image(fapl, (void *)(uintptr_t)r->image.data, r->image.len) < 0) {
        if (fapl >= 0)
            H5Pclose(fapl);
        fapl = H5I_INVALID_HID;
    }
    return fapl;
}

/* External links are refused where found; should one be reached anyway,
 * its traversal fails here, before another file is opened. */
static herr_t no_external_links(const char *parent_file, const char *parent_group,
                                const char *child_file, const char *child_object,
                                unsigned *flags, hid_t fapl, void *data)
{
    (void)parent_file;
    (void)parent_group;
    (void)child_file;
    (void)child_object;
    (void)flags;
    (void)fapl;
    (void)data;
    return -1;
}

hid_t h5i_lapl(void)
{
    hid_t lapl = H5Pcreate(H5P_LINK_ACCESS);
    if (lapl >= 0 && H5Pset_elink_cb(lapl, no_external_links, NULL) < 0) {
        H5Pclose(lapl);
        lapl = H5I_INVALID_HID;
    }
    return lapl;
}

/* The HDF5 signature where HDF5 looks for it: at 0, 512, 1024, ... */
int h5i_has_signature(const unsigned char *d, size_t len)
{
    static const unsigned char sig[8] = { 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n' };
    for (size_t at = 0; at + 8 <= len; at = at ? 2 * at : 512)
        if (memcmp(d + at, sig, 8) == 0)
            return 1;
    return 0;
}


/* ---- reading a file away from the command ----------------------------------- */

typedef struct isolated_job {
    const char *path;
    const sc_h5_image *img;
    sc_h5_reader read;
    void *ctx;
} isolated_job;

/* In the child: the whole read, thrown away with the child. */
static int isolated_child(void *ctx, sc_isolate_bytes *out, sc_error *e)
{
    (void)out;
    const isolated_job *j = ctx;
    return j->read(j->path, j->img, j->ctx, e);
}

int sc_h5_read_isolated(const char *path, double timeout_s, sc_h5_reader read, void *ctx,
                        sc_error *e)
{
    sc_h5_image img;
    int rc = sc_h5_image_load(path, &img, e);
    if (rc)
        return rc;
    /* HDF5 reads a result at about 200 MB a second (a 57 MB result, 50,000
     * trajectories, in 0.3 s): 30 s and a second for every 2 MB is a hang */
    double timeout = timeout_s > 0 ? timeout_s : 30 + (double)img.len / 2e6;
    size_t need = ((size_t)32 << 20) + 4 * img.len;
    isolated_job j = { path, &img, read, ctx };
    sc_isolate_outcome o;
    memset(&o, 0, sizeof o);
    rc = sc_isolate_run(isolated_child, &j, timeout, &o, e);
    if (!rc && o.end == SC_ISOLATE_RETURNED) {
        rc = o.status ? o.status : read(path, &img, ctx, e);
    } else if (!rc && sc_isolate_memory_short(&o, need)) {
        char how[128];
        sc_isolate_describe(&o, timeout, how, sizeof how);
        rc = SC_ERROR(e, SC_ENOMEM, "%s: out of memory reading it (the HDF5 library %s, and "
                      "%zu MB more cannot be had now)", path, how, need >> 20);
    } else if (!rc) {
        char how[128];
        sc_isolate_describe(&o, timeout, how, sizeof how);
        rc = SC_ERROR(e, SC_EINPUT, "%s: the HDF5 library %s reading it: the file is damaged "
                      "or was made to break readers (%s)", path, how,
                      img.checksum ? "its checksum matches, so it was written so"
                                   : "it carries no checksum to tell");
    }
    sc_free(o.bytes.data);
    sc_h5_image_free(&img);
    return rc;
}
