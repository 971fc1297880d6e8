/*
 * sha256.c — fingerprints for provenance (sha256.h): of the scenario's bytes,
 * of a file such as a SEN2 release zip, and of an HDF5 file after its user
 * block (the checksum sendcast writes there, h5.h). The hash is nettle's;
 * this file reads files in blocks and formats the digest as lower-case hex.
 */
#include "sendcast/sha256.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nettle/sha2.h>

static void to_hex(const unsigned char *digest, char out[65])
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < SHA256_DIGEST_SIZE; i++) {
        out[2 * i] = hex[digest[i] >> 4];
        out[2 * i + 1] = hex[digest[i] & 0xf];
    }
    out[2 * SHA256_DIGEST_SIZE] = '\0';
}

int sc_sha256_hex(const void *data, size_t len, char out[65])
{
    struct sha256_ctx ctx;
    unsigned char digest[SHA256_DIGEST_SIZE];

    sha256_init(&ctx);
    sha256_update(&ctx, len, (const uint8_t *)data);
    sha256_digest(&ctx, sizeof digest, digest);
    to_hex(digest, out);
    return 0;
}

int sc_sha256_file_from(const char *path, long long offset, char out[65])
{
    out[0] = '\0';
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return errno ? errno : EIO;
    struct stat st;
    int err = fstat(fd, &st) != 0 ? errno : !S_ISREG(st.st_mode) ? EINVAL : 0;
    struct sha256_ctx ctx;
    unsigned char digest[SHA256_DIGEST_SIZE];
    uint8_t buf[65536];
    sha256_init(&ctx);
    for (off_t at = (off_t)offset; !err;) {
        ssize_t n = pread(fd, buf, sizeof buf, at);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            err = errno ? errno : EIO;
        if (n <= 0)
            break;
        sha256_update(&ctx, (size_t)n, buf);
        at += n;
    }
    close(fd);
    if (err)
        return err;
    sha256_digest(&ctx, sizeof digest, digest);
    to_hex(digest, out);
    return 0;
}

int sc_sha256_file(const char *path, char out[65])
{
    return sc_sha256_file_from(path, 0, out);
}
