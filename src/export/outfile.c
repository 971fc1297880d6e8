/*
 * outfile.c — whole files or nothing, for every export (export.h).
 *
 * The same promise as the result file (src/write/h5.c): write NAME.tmp.PID in
 * the target's folder, then rename() it onto NAME, which is atomic on one file
 * system, so a reader never sees half a workbook or chart. Unlike `run`, an
 * existing export is replaced: it is derived from a result file and can always
 * be made again.
 */
#include "sendcast/export.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sendcast/alloc.h"

int sc_outfile_begin(sc_outfile *o, const char *path, int stream, sc_error *e)
{
    memset(o, 0, sizeof *o);
    size_t size = strlen(path) + 32;
    o->path = sc_strdup(path);
    o->tmp = sc_malloc(size);
    if (!o->path || !o->tmp) {
        sc_outfile_abort(o);
        return sc_error_set(e, SC_ENOMEM, "out of memory writing %s", path);
    }
    snprintf(o->tmp, size, "%s.tmp.%ld", path, (long)getpid());
    if (stream && !(o->f = fopen(o->tmp, "wb"))) {
        int err = errno;
        sc_outfile_abort(o);
        return sc_error_set(e, SC_EFAIL, "cannot write %s: %s", path, strerror(err));
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

int sc_outfile_commit(sc_outfile *o, sc_error *e)
{
    int rc = SC_OK;
    if (o->f) {
        int bad = ferror(o->f);
        if (fclose(o->f) != 0 || bad)
            rc = sc_error_set(e, SC_EFAIL, "cannot write %s: %s", o->path,
                              bad ? "write error" : strerror(errno));
        o->f = NULL;
    }
    if (!rc && rename(o->tmp, o->path) != 0)
        rc = sc_error_set(e, SC_EFAIL, "cannot rename %s to %s: %s", o->tmp, o->path,
                          strerror(errno));
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
