/* alloc.h - internal allocation entry points; see cymade/alloc.h. */
#ifndef CYMADE_SRC_ALLOC_H
#define CYMADE_SRC_ALLOC_H

#include <stddef.h>

#include "cymade/alloc.h"

void *cymade_aligned_alloc(size_t alignment, size_t size);
void cymade_free(void *memory);

static inline void *cymade_malloc(size_t size) {
    return cymade_aligned_alloc(sizeof(void *) * 2, size);
}

#endif /* CYMADE_SRC_ALLOC_H */
