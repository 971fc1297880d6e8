/*
 * sha256.h — fingerprints: the SHA-256 of some bytes or of a file, as
 * lower-case hex (nettle's hash). A result records the scenario's, and a
 * history read from SEN2 releases records each release's, so a reader can
 * tell which exact inputs a result was made from.
 */
#ifndef SENDCAST_SHA256_H
#define SENDCAST_SHA256_H

#include <stddef.h>

/* Lower-case hex SHA-256 of len bytes into out (64 digits + NUL). Returns
 * SC_OK (0); it cannot fail. */
int sc_sha256_hex(const void *data, size_t len, char out[65]);

/* The same of the file at path, read in blocks (never whole). Returns 0, or
 * the errno value of the open or read that failed (out is then ""); EINVAL
 * for a path that is not a regular file (a FIFO is never waited on). */
int sc_sha256_file(const char *path, char out[65]);
/* The same of the file's bytes from offset on (an HDF5 file after its user
 * block, h5.h). */
int sc_sha256_file_from(const char *path, long long offset, char out[65]);

#endif
