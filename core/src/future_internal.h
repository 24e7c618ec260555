/* future_internal.h - the engine's side of futures (not public). */
#ifndef CYMADE_FUTURE_INTERNAL_H
#define CYMADE_FUTURE_INTERNAL_H

#include <stdbool.h>

#include "cymade/future.h"

/* Allocates a future with one reference; NULL when out of memory. */
cymade_future *future_create(cymade_job_fn job, void *job_arg);

/* PENDING -> RUNNING; false if the future was cancelled first. */
bool future_start(cymade_future *future);

/* RUNNING -> DONE with the job's result; runs callbacks, wakes waiters. */
void future_complete(cymade_future *future, void *result, int status);

#endif /* CYMADE_FUTURE_INTERNAL_H */
