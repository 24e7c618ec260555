/*
 * queued_job.h - what the engine's queues carry: two words, so that a
 * fire-and-forget job (cymade_pool_submit without a future) is queued with
 * no allocation at all.
 */
#ifndef CYMADE_QUEUED_JOB_H
#define CYMADE_QUEUED_JOB_H

#include "cymade/future.h"

typedef struct queued_job {
    cymade_job_fn fn; /* NULL: `arg` is a cymade_future, run through its state machine */
    void *arg;
} queued_job;

static inline queued_job queued_future(cymade_future *future) {
    return (queued_job){.fn = NULL, .arg = future};
}

#endif /* CYMADE_QUEUED_JOB_H */
