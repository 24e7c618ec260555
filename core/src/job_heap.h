/*
 * job_heap.h - a binary min-heap of futures ordered by (priority, sequence):
 * the lowest priority value first, and submission order among equals.
 * Not thread-safe; the pool guards its heaps with a mutex (urgent and
 * background jobs are the rare classes).
 */
#ifndef CYMADE_JOB_HEAP_H
#define CYMADE_JOB_HEAP_H

#include <stddef.h>

#include "cymade/future.h"

typedef struct job_heap {
    cymade_future **jobs;
    size_t size;
    size_t capacity;
} job_heap;

void job_heap_init(job_heap *heap);
void job_heap_destroy(job_heap *heap);

/* CYMADE_OK, or CYMADE_ENOMEM with the heap unchanged. */
int job_heap_push(job_heap *heap, cymade_future *job);

/* The minimum, or NULL when empty. */
cymade_future *job_heap_peek(const job_heap *heap);
cymade_future *job_heap_pop(job_heap *heap);

#endif /* CYMADE_JOB_HEAP_H */
