#define _GNU_SOURCE /* syscall, clock_gettime, posix_memalign under -std=c11 */
#include "alloc.h"

#include <stdlib.h>

static void *libc_allocate(size_t alignment, size_t size, void *context) {
    (void)context;
    void *memory = NULL;
    return posix_memalign(&memory, alignment, size) == 0 ? memory : NULL;
}

static void libc_release(void *memory, void *context) {
    (void)context;
    free(memory);
}

static cymade_allocator current_allocator = {libc_allocate, libc_release, NULL};

void cymade_set_allocator(const cymade_allocator *allocator) {
    static const cymade_allocator libc_allocator = {libc_allocate, libc_release, NULL};
    current_allocator = allocator ? *allocator : libc_allocator;
}

void *cymade_aligned_alloc(size_t alignment, size_t size) {
    return current_allocator.allocate(alignment, size, current_allocator.context);
}

void cymade_free(void *memory) {
    if (memory != NULL) {
        current_allocator.release(memory, current_allocator.context);
    }
}
