/*
 * source.c — a SEN2 release as DfE publishes it: a zip archive (read with
 * libzip), or the folder it unpacks to. Either way it holds CSV files under
 * data/; in a zip, data/ may also sit under one top folder
 * ("release/data/x.csv").
 *
 * Paths shown in messages and cells name the member inside the release as
 * if the zip were a folder: "releases/ehcp_2022.zip/data/sen2_mi.csv".
 */
#include "s2_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <zip.h>

#include "sendcast/alloc.h"
#include "sendcast/text.h"

#define S2_MAX_MEMBER_BYTES ((size_t)512 * 1024 * 1024)

static int nomem(sc_error *e, const char *path)
{
    return SC_ERROR(e, SC_ENOMEM, "%s: out of memory while reading", path);
}

/* Whether the file begins with a zip's local-file signature "PK\3\4". */
static int starts_as_zip(const char *path)
{
    unsigned char sig[4] = { 0 };
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    size_t n = fread(sig, 1, sizeof sig, f);
    fclose(f);
    return n == 4 && sig[0] == 'P' && sig[1] == 'K' && sig[2] == 3 && sig[3] == 4;
}

int s2_source_open(s2_source *s, const char *path, sc_error *e)
{
    s->path = path;
    s->zip = NULL;
    struct stat st;
    if (stat(path, &st) != 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            return SC_ERROR_AT(e, path, 0, 0, "no such file or folder");
        return SC_ERROR_AT(e, path, 0, 0, "cannot open: %s", strerror(errno));
    }
    if (S_ISDIR(st.st_mode)) {
        size_t n = strlen(path) + 8;
        char *data = sc_malloc(n);
        if (!data)
            return nomem(e, path);
        snprintf(data, n, "%s/data", path);
        int ok = stat(data, &st) == 0 && S_ISDIR(st.st_mode);
        sc_free(data);
        if (!ok)
            return SC_ERROR_AT(e, path, 0, 0,
                               "a folder without data/: expected a DfE release, a .zip or the "
                               "folder it unpacks to, holding CSV files under data/");
        return SC_OK;
    }
    int zerr = 0;
    zip_t *z = zip_open(path, ZIP_RDONLY, &zerr);
    if (!z) {
        if (zerr == ZIP_ER_NOZIP && starts_as_zip(path))
            return SC_ERROR_AT(e, path, 0, 0,
                               "cannot read the zip archive: it starts as one but its table of "
                               "contents is missing (cut short or damaged): expected the whole "
                               "release as DfE publishes it (download it again)");
        if (zerr == ZIP_ER_NOZIP)
            return SC_ERROR_AT(e, path, 0, 0,
                               "neither a zip archive nor a folder: expected a DfE release, a "
                               ".zip or the folder it unpacks to, holding CSV files under data/");
        if (zerr == ZIP_ER_MEMORY)
            return nomem(e, path);
        zip_error_t ze;
        zip_error_init_with_code(&ze, zerr);
        int rc = SC_ERROR_AT(e, path, 0, 0, "cannot read the zip archive: %s",
                             zip_error_strerror(&ze));
        zip_error_fini(&ze);
        return rc;
    }
    s->zip = z;
    return SC_OK;
}

void s2_source_close(s2_source *s)
{
    if (s && s->zip) {
        zip_discard(s->zip);
        s->zip = NULL;
    }
}

/* The zip entry holding data/<name>, at the top or under one folder; -1. */
static zip_int64_t member(const s2_source *s, const char *name)
{
    zip_int64_t n = zip_get_num_entries(s->zip, 0);
    size_t want = strlen(name) + 5;
    for (zip_int64_t i = 0; i < n; i++) {
        const char *m = zip_get_name(s->zip, (zip_uint64_t)i, ZIP_FL_ENC_RAW);
        if (!m)
            continue;
        size_t len = strlen(m);
        if (len < want || strcmp(m + len - want + 5, name) != 0
            || strncmp(m + len - want, "data/", 5) != 0)
            continue;
        const char *slash = memchr(m, '/', len - want);
        if (len == want || (m[len - want - 1] == '/' && slash == m + len - want - 1))
            return i;
    }
    return -1;
}

static char *folder_path(const s2_source *s, const char *name)
{
    size_t n = strlen(s->path) + strlen(name) + 8;
    char *p = sc_malloc(n);
    if (p) {
        size_t plen = strlen(s->path);
        while (plen > 1 && s->path[plen - 1] == '/')
            plen--;
        snprintf(p, n, "%.*s/data/%s", (int)plen, s->path, name);
    }
    return p;
}

int s2_source_has(const s2_source *s, const char *name)
{
    if (s->zip)
        return member(s, name) >= 0;
    char *p = folder_path(s, name);
    if (!p)
        return -1;
    struct stat st;
    int ok = stat(p, &st) == 0 && S_ISREG(st.st_mode);
    sc_free(p);
    return ok;
}

static int read_folder_file(const char *path, char **text, size_t *len, sc_error *e)
{
    int err = sc_file_read(path, S2_MAX_MEMBER_BYTES, text, len);
    if (err == ENOENT)
        return SC_ERROR_AT(e, path, 0, 0, "no such file");
    if (err == ENOMEM)
        return nomem(e, path);
    if (err == EFBIG)
        return SC_ERROR_AT(e, path, 0, 0, "larger than %zu MB: not a SEN2 file",
                           S2_MAX_MEMBER_BYTES >> 20);
    if (err)
        return SC_ERROR_AT(e, path, 0, 0, "cannot read: %s", strerror(err));
    return SC_OK;
}

static int read_member(const s2_source *s, zip_int64_t i, const char *display, char **text,
                       size_t *len, sc_error *e)
{
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(s->zip, (zip_uint64_t)i, 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE))
        return SC_ERROR_AT(e, display, 0, 0, "cannot read the member's size in the zip archive");
    if (st.size >= S2_MAX_MEMBER_BYTES)
        return SC_ERROR_AT(e, display, 0, 0, "larger than %zu MB: not a SEN2 file",
                           S2_MAX_MEMBER_BYTES >> 20);
    char *buf = sc_malloc((size_t)st.size + 1);
    if (!buf)
        return nomem(e, display);
    zip_file_t *f = zip_fopen_index(s->zip, (zip_uint64_t)i, 0);
    zip_uint64_t used = 0;
    int rc = SC_OK;
    if (!f)
        rc = SC_ERROR_AT(e, display, 0, 0, "cannot open the member: %s",
                         zip_strerror(s->zip));
    while (!rc && used < st.size) {
        zip_int64_t n = zip_fread(f, buf + used, st.size - used);
        if (n <= 0)
            rc = SC_ERROR_AT(e, display, 0, 0, "damaged member: %s",
                             n < 0 ? zip_file_strerror(f) : "shorter than its stated size");
        else
            used += (zip_uint64_t)n;
    }
    if (f)
        zip_fclose(f);
    if (rc) {
        sc_free(buf);
        return rc;
    }
    buf[used] = '\0';
    *text = buf;
    *len = (size_t)used;
    return SC_OK;
}

int s2_source_read(const s2_source *s, const char *name, char **text, size_t *len,
                   char **display, sc_error *e)
{
    *text = NULL;
    *display = NULL;
    *len = 0;
    if (!s->zip) {
        char *p = folder_path(s, name);
        if (!p)
            return nomem(e, s->path);
        int rc = read_folder_file(p, text, len, e);
        if (rc)
            sc_free(p);
        else
            *display = p;
        return rc;
    }
    zip_int64_t i = member(s, name);
    if (i < 0)
        return SC_ERROR_AT(e, s->path, 0, 0, "the zip archive has no data/%s", name);
    const char *m = zip_get_name(s->zip, (zip_uint64_t)i, ZIP_FL_ENC_RAW);
    size_t n = strlen(s->path) + strlen(m) + 2;
    char *p = sc_malloc(n);
    if (!p)
        return nomem(e, s->path);
    snprintf(p, n, "%s/%s", s->path, m);
    int rc = read_member(s, i, p, text, len, e);
    if (rc)
        sc_free(p);
    else
        *display = p;
    return rc;
}
