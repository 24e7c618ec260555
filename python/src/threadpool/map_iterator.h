/*
 * map_iterator.h - what ThreadPool.map() returns: the results of jobs
 * already submitted (map_job.h), in submission order, as
 * concurrent.futures.Executor.map's generator yields them, without a Python
 * frame or a Future per item.
 *
 * Executor.map's contract, kept here:
 *   - each result waits until the deadline given to map() (if any); on
 *     TimeoutError that job is cancelled (if it has not started);
 *   - the first exception (the job's, TimeoutError, CancelledError) ends
 *     the iteration: it propagates, every job not yet reached is
 *     cancelled, and later next() calls raise StopIteration;
 *   - close(), or dropping the iterator, cancels the jobs not reached,
 *     once iteration started: before the first next() (when the generator
 *     has not entered its try block) every job still runs;
 *   - a job's result is dropped once it was handed out.
 *
 * The collector sees what the iterator's jobs hold once no worker needs it
 * (map_jobs_traverse): a cycle through fn or through results is collected
 * once the jobs involved are final.
 *
 * Thread safety: an iterator is used by one thread at a time (like a
 * generator: CPython raises for concurrent next() calls into a generator;
 * here each call runs inside the object's critical section, compat.h).
 */
#ifndef CYMADE_PY_MAP_ITERATOR_H
#define CYMADE_PY_MAP_ITERATOR_H

#include "map_job.h"

/* An iterator over `jobs`, which it takes over.  `deadline` is a
 * monotonic_clock_ns() time (core/src/monotonic_clock.h) in seconds, +inf
 * for none.  NULL with an exception set (the jobs are then released, not
 * cancelled). */
PyObject *map_iterator_create(threadpool_state *state, map_jobs *jobs, double deadline);

/* Create the map iterator type into the state; -1 with an exception set. */
int map_iterator_type_init(PyObject *module, threadpool_state *state);

#endif /* CYMADE_PY_MAP_ITERATOR_H */
