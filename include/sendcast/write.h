/*
 * write.h — the HDF5 result file of CONTRACT.md.
 *
 * sc_write_h5() writes the whole file beside its target (PATH.tmp.PID) and
 * puts it in place (rename with force, link without) only when every dataset
 * is written and the file is closed, so a result appears whole or not at
 * all. Without `force` an existing file is never replaced (SC_EEXIST);
 * sc_write_check_target() lets a command refuse before any simulation.
 */
#ifndef SENDCAST_WRITE_H
#define SENDCAST_WRITE_H

#include <stddef.h>
#include <stdint.h>

#include "sendcast/error.h"
#include "sendcast/h5.h"
#include "sendcast/layout.h"
#include "sendcast/params.h"
#include "sendcast/scenario.h"
#include "sendcast/sha256.h"
#include "sendcast/summary.h"

/* How the run was made, for the file's provenance attributes. */
typedef struct sc_run_info {
    uint64_t seed;
    long trajectories;
    int threads;
    double seconds;                 /* wall time of simulate + summarise */
    char created_utc[32];           /* ISO 8601, e.g. 2026-11-23T05:00:00Z */
    char scenario_sha256[65];       /* of the scenario file's bytes, hex */
    char command_line[1024];
} sc_run_info;

/* SC_OK if path can be written: sc_outfile_check (outfile.h) with the
 * scenario's own files (s may be NULL) as the inputs never written over, even
 * with force. A missing folder is created only when it is exactly "results"
 * (the default -o folder). */
int sc_write_check_target(const char *path, int force, const sc_scenario *s, sc_error *e);

/* sc_sha256_hex(), the scenario's fingerprint, is in sha256.h. */

/* Write the result file of a run of s with parameters p (CONTRACT.md layout;
 * extras listed atop src/write/result_h5.c): the scenario's own provenance
 * register then p's, the parameters as p has them. Returns SC_OK; SC_EEXIST
 * if path exists (or appears meanwhile) and !force; SC_EFAIL for I/O or HDF5
 * failures and for s, sum and run that disagree (trajectories); SC_ENOMEM.
 * On failure no file is at path and no temporary file remains; an existing
 * file is untouched. */
int sc_write_h5(const char *path, int force, const sc_scenario *s, const sc_params *p,
                const sc_summary *sum, const sc_run_info *run, sc_error *e);

/* What every file made from a scenario says of it, under the group `at` ("":
 * the root): /scenario/text and /scenario/files (the scenario verbatim and
 * every file it read), /levers/<name> (its levers, when it has its own:
 * src/write/provenance.c gives the layout), and the attribute `overrides`
 * (the --set values or grafts it was read with, when any). SC_OK, SC_EFAIL. */
int sc_write_scenario_provenance(sc_h5w *w, const sc_scenario *s, const char *at, sc_error *e);
/* sc_write_h5, then extra(w, extra_ctx, e) writes more into the same file
 * before it is closed and put in place (extra NULL: nothing more); a
 * failure of extra leaves no file, as any other. */
int sc_write_h5_with(const char *path, int force, const sc_scenario *s, const sc_params *p,
                     const sc_summary *sum, const sc_run_info *run, sc_h5_fill_fn extra,
                     const void *extra_ctx, sc_error *e);

#endif
