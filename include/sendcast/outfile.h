/*
 * outfile.h — every file sendcast writes appears whole or not at all.
 *
 * A file is written as PATH.tmp.PID in the target's folder, synced, and only
 * then put in place: renamed over the target (replace), or linked to it,
 * which fails atomically if the target exists (no replace: SC_EEXIST). On
 * any failure the temporary file is removed. A run killed outright (kill -9,
 * power) can leave a PATH.tmp.PID behind; the next sc_outfile_begin for the
 * same PATH removes those whose process is gone.
 */
#ifndef SENDCAST_OUTFILE_H
#define SENDCAST_OUTFILE_H

#include <stdio.h>

#include "sendcast/error.h"

typedef struct sc_outfile {
    char *path;
    char *tmp;
    FILE *f;       /* open on tmp when begun with a stream, else NULL */
} sc_outfile;

/* Start writing path; with stream != 0 also open tmp for writing ("wb").
 * Libraries that open files themselves (HDF5, libxlsxwriter, PLplot) write
 * to o->tmp. */
int sc_outfile_begin(sc_outfile *o, const char *path, int stream, sc_error *e);

/* Close the stream (if any), sync tmp, and put it in place: replace != 0
 * renames over an existing file; replace == 0 refuses one (SC_EEXIST, "use
 * --force"). Always releases o; on failure tmp is removed. */
int sc_outfile_commit(sc_outfile *o, int replace, sc_error *e);

/* Give up: close, remove tmp, release o. Safe on a zeroed or released o. */
void sc_outfile_abort(sc_outfile *o);

#endif
