/*
 * library.c — start-up settings of the libraries sendcast uses (library.h).
 * Both are process-wide settings of those libraries, made once, before any
 * thread starts; sendcast itself keeps no global state.
 */
#include "sendcast/library.h"

#include <gsl/gsl_errno.h>
#include <hdf5.h>

void sc_library_init(void)
{
    gsl_set_error_handler_off();
    H5dont_atexit();
}
