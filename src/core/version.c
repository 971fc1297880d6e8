/*
 * version.c — which libraries and compiler this build uses, for the result
 * file's provenance (STYLE.md: files that say how they were made).
 *
 * GSL and nettle versions are the headers compiled against; HDF5 and libfyaml
 * report the library actually loaded at run time, which is what wrote or read
 * the data. The compiler is the one that built this file.
 */
#include "sendcast/version.h"

#include <stdio.h>

#include <gsl/gsl_version.h>
#include <hdf5.h>
#include <libfyaml.h>
#include <nettle/version.h>

#if defined(__clang__)
#define SC_COMPILER "clang " __clang_version__
#elif defined(__GNUC__)
#define SC_COMPILER "gcc " __VERSION__
#else
#define SC_COMPILER "unknown compiler"
#endif

void sc_version_libraries(char *buf, unsigned long size)
{
    unsigned maj = 0, min = 0, rel = 0;
    const char *fy = fy_library_version();

    if (!buf || size == 0)
        return;
    if (H5get_libversion(&maj, &min, &rel) < 0)
        maj = min = rel = 0;
    /* snprintf truncates to size; a short buffer gets a shortened list. */
    snprintf(buf, size, "GSL %s, HDF5 %u.%u.%u, libfyaml %s, nettle %d.%d, %s",
             GSL_VERSION, maj, min, rel, fy ? fy : "unknown",
             NETTLE_VERSION_MAJOR, NETTLE_VERSION_MINOR, SC_COMPILER);
}
