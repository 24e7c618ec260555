#include "job_heap.h"

#include <string.h>

#include "alloc.h"
#include "cymade/error.h"

static int job_before(const cymade_future *a, const cymade_future *b) {
    return a->priority < b->priority || (a->priority == b->priority && a->sequence < b->sequence);
}

void job_heap_init(job_heap *heap) {
    heap->jobs = NULL;
    heap->size = 0;
    heap->capacity = 0;
}

void job_heap_destroy(job_heap *heap) {
    cymade_free(heap->jobs);
    job_heap_init(heap);
}

int job_heap_push(job_heap *heap, cymade_future *job) {
    if (heap->size == heap->capacity) {
        size_t capacity = heap->capacity ? heap->capacity * 2 : 16;
        cymade_future **jobs = cymade_malloc(capacity * sizeof *jobs);
        if (jobs == NULL) {
            return CYMADE_ENOMEM;
        }
        if (heap->size) {
            memcpy(jobs, heap->jobs, heap->size * sizeof *jobs);
        }
        cymade_free(heap->jobs);
        heap->jobs = jobs;
        heap->capacity = capacity;
    }
    size_t at = heap->size++;
    while (at > 0 && job_before(job, heap->jobs[(at - 1) / 2])) {
        heap->jobs[at] = heap->jobs[(at - 1) / 2];
        at = (at - 1) / 2;
    }
    heap->jobs[at] = job;
    return CYMADE_OK;
}

cymade_future *job_heap_peek(const job_heap *heap) {
    return heap->size ? heap->jobs[0] : NULL;
}

cymade_future *job_heap_pop(job_heap *heap) {
    if (heap->size == 0) {
        return NULL;
    }
    cymade_future *top = heap->jobs[0];
    cymade_future *last = heap->jobs[--heap->size];
    size_t at = 0;
    for (;;) {
        size_t child = 2 * at + 1;
        if (child >= heap->size) {
            break;
        }
        if (child + 1 < heap->size && job_before(heap->jobs[child + 1], heap->jobs[child])) {
            child++;
        }
        if (!job_before(heap->jobs[child], last)) {
            break;
        }
        heap->jobs[at] = heap->jobs[child];
        at = child;
    }
    if (heap->size) {
        heap->jobs[at] = last;
    }
    return top;
}
