/*
 * sha256.c — fingerprints for provenance (sha256.h): of the scenario's bytes,
 * and of a file such as a SEN2 release zip. The hash is nettle's; this file
 * reads files in blocks and formats the digest as lower-case hex.
 */
#include "sendcast/sha256.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>

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

int sc_sha256_file(const char *path, char out[65])
{
    out[0] = '\0';
    FILE *f = fopen(path, "rb");
    if (!f)
        return errno ? errno : EIO;
    struct sha256_ctx ctx;
    unsigned char digest[SHA256_DIGEST_SIZE];
    uint8_t buf[65536];
    size_t n;
    sha256_init(&ctx);
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        sha256_update(&ctx, n, buf);
    int err = ferror(f) ? (errno ? errno : EIO) : 0;
    fclose(f);
    if (err)
        return err;
    sha256_digest(&ctx, sizeof digest, digest);
    to_hex(digest, out);
    return 0;
}
