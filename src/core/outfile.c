/*
 * outfile.c — whole files or nothing (include/sendcast/outfile.h), for the
 * result file, back-tests, comparisons, exports, reports and traces alike.
 */
#include "sendcast/outfile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "sendcast/alloc.h"

/* Remove PATH.tmp.PID files left by processes that no longer exist (a run
 * killed with -9). Best effort: a folder we cannot read is left alone. */
static void remove_stale(const char *path)
{
    const char *slash = strrchr(path, '/');
    char dir[4096];
    const char *base = slash ? slash + 1 : path;
    int n = slash ? snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path)
                  : snprintf(dir, sizeof dir, ".");
    if (n < 0 || (size_t)n >= sizeof dir)
        return;
    if (!dir[0])
        dir[0] = '/', dir[1] = '\0';
    DIR *d = opendir(dir);
    if (!d)
        return;
    size_t blen = strlen(base);
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

int sc_outfile_begin(sc_outfile *o, const char *path, int stream, sc_error *e)
{
    memset(o, 0, sizeof *o);
    size_t size = strlen(path) + 32;
    o->path = sc_strdup(path);
    o->tmp = sc_malloc(size);
    if (!o->path || !o->tmp) {
        sc_outfile_abort(o);
        return SC_ERROR(e, SC_ENOMEM, "out of memory writing %s", path);
    }
    snprintf(o->tmp, size, "%s.tmp.%ld", path, (long)getpid());
    remove_stale(path);
    if (stream && !(o->f = fopen(o->tmp, "wb"))) {
        int err = errno;
        sc_outfile_abort(o);
        return SC_ERROR(e, SC_EFAIL, "cannot write %s: %s", path, strerror(err));
    }
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
    int fd = open(o->tmp, O_RDONLY);
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
 * file system allows). */
static int publish(const sc_outfile *o, int replace, sc_error *e)
{
    if (!replace) {
        if (link(o->tmp, o->path) == 0) {
            unlink(o->tmp);
            return SC_OK;
        }
        if (errno == EEXIST)
            return SC_ERROR(e, SC_EEXIST, "%s exists; use --force to replace it", o->path);
        if (errno != EPERM && errno != ENOTSUP && errno != EOPNOTSUPP && errno != ENOSYS)
            return SC_ERROR(e, SC_EFAIL, "cannot create %s: %s", o->path, strerror(errno));
        if (access(o->path, F_OK) == 0)
            return SC_ERROR(e, SC_EEXIST, "%s exists; use --force to replace it", o->path);
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
