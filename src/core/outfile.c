/*
 * outfile.c — whole files or nothing, in place of nothing they should not
 * replace (include/sendcast/outfile.h), for the result file, back-tests,
 * comparisons, exports, reports, traces and scenarios alike.
 */
#include "sendcast/outfile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "sendcast/alloc.h"

#ifndef NAME_MAX
#define NAME_MAX 255
#endif

/* ---- names ------------------------------------------------------------- */

/* The folder of path ("." when it has none) into dir[size]; 0, or -1 when it
 * does not fit. */
static int folder_of(const char *path, char *dir, size_t size)
{
    const char *slash = strrchr(path, '/');
    int n = !slash ? snprintf(dir, size, ".")
            : slash == path ? snprintf(dir, size, "/")
                            : snprintf(dir, size, "%.*s", (int)(slash - path), path);
    return n < 0 || (size_t)n >= size ? -1 : 0;
}

/* The temporary files of a target are STEM.tmp.PID beside it, STEM its name
 * cut (at a UTF-8 boundary) so that the temporary name fits a folder's
 * NAME_MAX: a legal 255-byte name gets a legal temporary name too. */
static size_t stem_length(const char *base)
{
    size_t n = strlen(base), room = NAME_MAX - (sizeof ".tmp." - 1) - 10;   /* 10: a pid */
    if (n <= room)
        return n;
    n = room;
    while (n > 0 && ((unsigned char)base[n] & 0xC0) == 0x80)
        n--;
    return n;
}

static const char *base_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* Remove STEM.tmp.PID files left by processes that no longer exist (a run
 * killed with -9). Best effort: a folder we cannot read is left alone. */
static void remove_stale(const char *path)
{
    char dir[4096];
    const char *base = base_of(path);
    size_t blen = stem_length(base);
    if (folder_of(path, dir, sizeof dir))
        return;
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *ent;
    while ((ent = readdir(d))) {
        const char *name = ent->d_name;
        if (strncmp(name, base, blen) || strncmp(name + blen, ".tmp.", 5))
            continue;
        char *end;
        long pid = strtol(name + blen + 5, &end, 10);
        if (*end || pid <= 0 || pid == (long)getpid())
            continue;
        if (kill((pid_t)pid, 0) != 0 && errno == ESRCH) {
            char stale[8192];
            if (snprintf(stale, sizeof stale, "%s/%s", dir, name) < (int)sizeof stale)
                unlink(stale);
        }
    }
    closedir(d);
}

/* ---- what may be written ------------------------------------------------ */

/* The folder must exist and be writable; only `run`'s default results/ is
 * made on demand (src/write), so a typo in -o never scatters folders. */
static int check_folder(const char *path, sc_error *e)
{
    char folder[4096];
    struct stat st;
    if (folder_of(path, folder, sizeof folder))
        return SC_ERROR(e, SC_EINPUT, "output %s: the name is too long", path);
    if (stat(folder, &st) != 0)
        return SC_ERROR(e, SC_EFAIL, "cannot write into folder %s: %s", folder,
                        errno == ENOENT ? "it does not exist" : strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return SC_ERROR(e, SC_EFAIL, "cannot write into %s: it is not a folder", folder);
    if (access(folder, W_OK | X_OK) != 0)
        return SC_ERROR(e, SC_EFAIL, "cannot write into folder %s: %s", folder,
                        strerror(errno));
    return SC_OK;
}

/* What an existing target is, as refused: NULL for a regular file. */
static const char *not_regular(const struct stat *st)
{
    return S_ISREG(st->st_mode) ? NULL
           : S_ISDIR(st->st_mode) ? "a folder"
           : S_ISLNK(st->st_mode) ? "a symbolic link"
           : S_ISFIFO(st->st_mode) ? "a FIFO"
           : S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode) ? "a device"
           : S_ISSOCK(st->st_mode) ? "a socket" : "not a regular file";
}

static int refuse_irregular(const char *path, const struct stat *st, sc_error *e)
{
    return SC_ERROR(e, SC_EINPUT, "output %s is not a regular file (%s): sendcast never "
                    "replaces one, even with --force", path, not_regular(st));
}

int sc_outfile_check(const char *path, int replace, const char *const *inputs, int ninputs,
                     sc_error *e)
{
    if (!path || !*path)
        return SC_ERROR(e, SC_EINPUT, "no file name given for an output (an empty -o, --csv, "
                        "...)");
    if (path[strlen(path) - 1] == '/')
        return SC_ERROR(e, SC_EINPUT, "output %s names a folder, not a file", path);
    if (strlen(base_of(path)) > NAME_MAX)
        return SC_ERROR(e, SC_EINPUT, "output %s: a file name has at most %d bytes", path,
                        NAME_MAX);
    struct stat st;
    if (lstat(path, &st) == 0) {
        if (not_regular(&st))
            return refuse_irregular(path, &st, e);
        for (int k = 0; k < ninputs; k++) {
            struct stat in;
            if (inputs[k] && stat(inputs[k], &in) == 0 && in.st_dev == st.st_dev
                && in.st_ino == st.st_ino)
                return SC_ERROR(e, SC_EINPUT, "output %s is this command's own input %s: "
                                "sendcast never writes over its input, even with --force",
                                path, inputs[k]);
        }
        if (!replace)
            return SC_ERROR(e, SC_EEXIST, "%s exists; use --force to replace it", path);
    } else if (errno != ENOENT && errno != ENOTDIR) {   /* ENOTDIR: the folder says why */
        return SC_ERROR(e, SC_EFAIL, "cannot write %s: %s", path, strerror(errno));
    }
    return check_folder(path, e);
}

int sc_outfile_check_distinct(const char *const *paths, int n, sc_error *e)
{
    for (int i = 0; i < n; i++)
        for (int j = 0; paths[i] && j < i; j++)
            if (paths[j] && !strcmp(paths[i], paths[j]))
                return SC_ERROR(e, SC_EINPUT, "output %s is named twice: each output needs a "
                                "file of its own", paths[i]);
    return SC_OK;
}

/* ---- writing ------------------------------------------------------------- */

int sc_outfile_begin(sc_outfile *o, const char *path, int stream, sc_error *e)
{
    memset(o, 0, sizeof *o);
    const char *base = base_of(path);
    size_t dirlen = (size_t)(base - path), stem = stem_length(base);
    size_t size = dirlen + stem + 32;
    o->path = sc_strdup(path);
    o->tmp = sc_malloc(size);
    if (!o->path || !o->tmp) {
        sc_outfile_abort(o);
        return SC_ERROR(e, SC_ENOMEM, "out of memory writing %s", path);
    }
    snprintf(o->tmp, size, "%.*s%.*s.tmp.%ld", (int)dirlen, path, (int)stem, base,
             (long)getpid());
    remove_stale(path);
    /* Made here, new and ours (never through a link someone left at the
     * name), before any library opens it by name. */
    int fd = open(o->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd < 0 && errno == EEXIST && unlink(o->tmp) == 0)   /* a pid used before */
        fd = open(o->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd >= 0 && stream && !(o->f = fdopen(fd, "wb"))) {
        close(fd);
        fd = -1;
    }
    if (fd < 0) {
        int err = errno;
        sc_free(o->tmp);    /* not ours to remove */
        o->tmp = NULL;
        sc_outfile_abort(o);
        return SC_ERROR(e, SC_EFAIL, "cannot write %s: %s", path, strerror(err));
    }
    if (!stream)
        close(fd);
    return SC_OK;
}

static void release(sc_outfile *o)
{
    sc_free(o->path);
    sc_free(o->tmp);
    o->path = o->tmp = NULL;
    o->f = NULL;
}

/* The data on disk before the name: a crash after the rename must not find
 * an empty file under the final name. */
static int sync_tmp(const sc_outfile *o, sc_error *e)
{
    int fd = open(o->tmp, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return SC_ERROR(e, SC_EFAIL, "cannot reopen %s: %s", o->tmp, strerror(errno));
    int rc = fsync(fd) == 0 ? SC_OK
                            : SC_ERROR(e, SC_EFAIL, "cannot write %s: %s", o->path,
                                       strerror(errno));
    close(fd);
    return rc;
}

/* Without replace, link() refuses atomically; on file systems without hard
 * links fall back to a check and a rename (a small window, the best such a
 * file system allows). With replace, only a regular file is replaced: what
 * stands at the name is looked at again just before (a device or a FIFO made
 * there since the command started is left alone). */
static int publish(const sc_outfile *o, int replace, sc_error *e)
{
    struct stat st;
    if (!replace) {
        if (link(o->tmp, o->path) == 0) {
            unlink(o->tmp);
            return SC_OK;
        }
        if (errno == EEXIST)
            return SC_ERROR(e, SC_EEXIST, "%s exists; use --force to replace it", o->path);
        if (errno != EPERM && errno != ENOTSUP && errno != EOPNOTSUPP && errno != ENOSYS)
            return SC_ERROR(e, SC_EFAIL, "cannot create %s: %s", o->path, strerror(errno));
        if (lstat(o->path, &st) == 0)
            return SC_ERROR(e, SC_EEXIST, "%s exists; use --force to replace it", o->path);
    } else if (lstat(o->path, &st) == 0 && not_regular(&st)) {
        return refuse_irregular(o->path, &st, e);
    }
    if (rename(o->tmp, o->path) != 0)
        return SC_ERROR(e, SC_EFAIL, "cannot rename %s to %s: %s", o->tmp, o->path,
                        strerror(errno));
    return SC_OK;
}

int sc_outfile_commit(sc_outfile *o, int replace, sc_error *e)
{
    int rc = SC_OK;
    if (o->f) {
        int bad = ferror(o->f);
        if (fclose(o->f) != 0 || bad)
            rc = SC_ERROR(e, SC_EFAIL, "cannot write %s: %s", o->path,
                          bad ? "write error" : strerror(errno));
        o->f = NULL;
    }
    if (!rc)
        rc = sync_tmp(o, e);
    if (!rc)
        rc = publish(o, replace, e);
    if (rc)
        unlink(o->tmp);
    release(o);
    return rc;
}

void sc_outfile_abort(sc_outfile *o)
{
    if (o->f)
        fclose(o->f);
    if (o->tmp)
        unlink(o->tmp);   /* may not exist yet: nothing to report */
    release(o);
}
