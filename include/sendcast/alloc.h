/*
 * alloc.h — the one allocation wrapper.
 *
 * Every allocation in sendcast goes through these functions so that a test can
 * make the k-th allocation fail and prove each error path frees what it made.
 * The failure injection is per process and set once before any work starts
 * (tests only); it is not touched from parallel regions.
 */
#ifndef SENDCAST_ALLOC_H
#define SENDCAST_ALLOC_H

#include <stddef.h>

void *sc_malloc(size_t size);
void *sc_calloc(size_t count, size_t size);   /* checks count*size for overflow */
void *sc_realloc(void *p, size_t size);
char *sc_strdup(const char *s);
void sc_free(void *p);

/* Tests only: fail the k-th allocation from now on (k >= 1); 0 disables. */
void sc_alloc_fail_at(long k);
/* Tests only: number of allocations made since the last sc_alloc_fail_at(). */
long sc_alloc_count(void);

#endif
