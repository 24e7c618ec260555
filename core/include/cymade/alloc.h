/*
 * cymade/alloc.h - the allocator every cymade allocation goes through.
 *
 * Replaceable so that tests can inject allocation failures (rings, futures,
 * pools) and embedders can route memory to their own allocator.
 */
#ifndef CYMADE_ALLOC_H
#define CYMADE_ALLOC_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cymade_allocator {
    /* Returns `size` bytes aligned to `alignment` (a power of two), or NULL. */
    void *(*allocate)(size_t alignment, size_t size, void *context);
    /* Releases memory from `allocate`; never called with NULL. */
    void (*release)(void *memory, void *context);
    void *context;
} cymade_allocator;

/* Installs `allocator` (copied), or restores the C library's when NULL.
 * Not synchronised with allocations in flight: install it while no pool
 * exists, or while no other thread is using cymade. */
void cymade_set_allocator(const cymade_allocator *allocator);

#ifdef __cplusplus
}
#endif

#endif /* CYMADE_ALLOC_H */
