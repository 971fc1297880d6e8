/*
 * alloc.c — the allocation wrapper with failure injection for tests.
 *
 * The counters are atomics: allocation happens only outside the parallel
 * simulation loop, but atomics keep the wrapper safe if that ever changes.
 */
#include "sendcast/alloc.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static atomic_long fail_at;   /* test hook: 0 = never fail */
static atomic_long count;

static int should_fail(void)
{
    long n = atomic_fetch_add(&count, 1) + 1;
    long k = atomic_load(&fail_at);
    return k > 0 && n == k;
}

void sc_alloc_fail_at(long k)
{
    atomic_store(&count, 0);
    atomic_store(&fail_at, k);
}

long sc_alloc_count(void)
{
    return atomic_load(&count);
}

void *sc_malloc(size_t size)
{
    if (should_fail())
        return NULL;
    return malloc(size ? size : 1);
}

void *sc_calloc(size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    if (should_fail())
        return NULL;
    return calloc(n ? n : 1, size ? size : 1);
}

void *sc_realloc(void *p, size_t size)
{
    if (should_fail())
        return NULL;
    return realloc(p, size ? size : 1);
}

char *sc_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = sc_malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

void sc_free(void *p)
{
    free(p);
}
