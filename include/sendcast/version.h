/*
 * version.h — engine, model and file-format versions, and the build's provenance.
 */
#ifndef SENDCAST_VERSION_H
#define SENDCAST_VERSION_H

#ifndef SC_VERSION
#define SC_VERSION "0.0.0"
#endif
#ifndef SC_GIT_REV
#define SC_GIT_REV "unknown"
#endif

#define SC_MODEL_VERSIONS "1, 2"   /* the models a scenario may ask for (`model:`): MODEL.md v1
                                      (docs/model-v1.md) and docs/model.md v2 */
#define SC_FORMAT_VERSION 1        /* CONTRACT.md HDF5 layout */

/* "GSL 2.7.1, HDF5 1.10.8, libfyaml 0.7.12, nettle 3.8, gcc 12.2.0" into buf. */
void sc_version_libraries(char *buf, unsigned long size);

#endif
