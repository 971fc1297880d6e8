/*
 * outfile.h — every file sendcast writes appears whole or not at all, and
 * never in place of what it should not replace.
 *
 * A file is written as PATH.tmp.PID in the target's folder (PATH's name cut
 * so that the temporary name fits, for names up to 255 bytes), made new by
 * sendcast itself, synced, and only then put in place: renamed over the
 * target (replace), or linked to it, which fails atomically if the target
 * exists (no replace: SC_EEXIST). On any failure the temporary file is
 * removed. A run killed outright (kill -9, power) can leave a PATH.tmp.PID
 * behind; the next sc_outfile_begin for the same PATH removes those whose
 * process is gone.
 *
 * What is never replaced, even with --force: a file that is not a regular
 * file (a device such as /dev/null, a FIFO, a socket, a symbolic link, a
 * folder), and any of the command's own inputs (the same file by device and
 * inode, whatever its name). Commands check every output with
 * sc_outfile_check before they compute or write anything, so that a refusal
 * costs nothing and leaves nothing half-done; sc_outfile_commit looks again
 * at what it is about to replace.
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

/* Whether path may be written: SC_OK when it names a file ("" does not; nor
 * does a name ending in "/" or longer than 255 bytes) in a folder that exists
 * and can be written, and it is absent, or (replace != 0) an existing regular
 * file that is none of inputs[0..ninputs) (NULL entries skipped). SC_EINPUT:
 * no name, a folder, not a regular file, one of the inputs; SC_EEXIST: it
 * exists and replace == 0 ("use --force to replace it"); SC_EFAIL: the folder
 * is missing or cannot be written. */
int sc_outfile_check(const char *path, int replace, const char *const *inputs, int ninputs,
                     sc_error *e);

/* SC_EINPUT when two of paths[0..n) (NULL entries skipped) are the same
 * name: one command's outputs each need a file of their own. */
int sc_outfile_check_distinct(const char *const *paths, int n, sc_error *e);

/* Start writing path; with stream != 0 also open tmp for writing ("wb").
 * Libraries that open files themselves (HDF5, libxlsxwriter, PLplot) write
 * to o->tmp. */
int sc_outfile_begin(sc_outfile *o, const char *path, int stream, sc_error *e);

/* Close the stream (if any), sync tmp, and put it in place: replace != 0
 * renames over an existing regular file (SC_EINPUT for anything else);
 * replace == 0 refuses one (SC_EEXIST, "use --force"). Always releases o; on
 * failure tmp is removed. */
int sc_outfile_commit(sc_outfile *o, int replace, sc_error *e);

/* Give up: close, remove tmp, release o. Safe on a zeroed or released o. */
void sc_outfile_abort(sc_outfile *o);

#endif
