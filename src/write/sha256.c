/*
 * sha256.c — the scenario file's fingerprint for the result file.
 *
 * A result records the SHA-256 of the scenario bytes it was made from, so a
 * reader can tell which exact scenario produced it. The hash is nettle's; this
 * file only formats the digest as lower-case hex.
 */
#include "sendcast/write.h"

#include <nettle/sha2.h>

int sc_sha256_hex(const void *data, size_t len, char out[65])
{
    static const char hex[] = "0123456789abcdef";
    struct sha256_ctx ctx;
    unsigned char digest[SHA256_DIGEST_SIZE];

    sha256_init(&ctx);
    sha256_update(&ctx, len, (const uint8_t *)data);
    sha256_digest(&ctx, sizeof digest, digest);
    for (size_t i = 0; i < sizeof digest; i++) {
        out[2 * i] = hex[digest[i] >> 4];
        out[2 * i + 1] = hex[digest[i] & 0xf];
    }
    out[2 * SHA256_DIGEST_SIZE] = '\0';
    return SC_OK;
}
