/*
 * h5_internal.h — what the HDF5 layer's reading files share (private prefix
 * h5i_): the image's file and link access (h5_image.c), for h5_read.c.
 */
#ifndef SENDCAST_H5_INTERNAL_H
#define SENDCAST_H5_INTERNAL_H

#include <stddef.h>

#include <hdf5.h>

#include "sendcast/h5.h"

/* File access for r's image: the core driver reading r->image in place. */
hid_t h5i_fapl(sc_h5r *r);
/* Link access that never follows an external link. */
hid_t h5i_lapl(void);
/* Whether d holds the HDF5 signature where HDF5 looks for it. */
int h5i_has_signature(const unsigned char *d, size_t len);

#endif
