/*
 * map_iterator.h - what ThreadPool.map() returns: the results of futures
 * already submitted, in submission order, as concurrent.futures.Executor.map's
 * generator yields them, without a Python frame per item.
 *
 * Executor.map's contract, kept here:
 *   - each result waits until the deadline given to map() (if any); on
 *     TimeoutError that future is cancelled;
 *   - the first exception (the job's, TimeoutError, CancelledError) ends
 *     the iteration: it propagates, every future not yet reached is
 *     cancelled, and later next() calls raise StopIteration;
 *   - close(), or dropping the iterator, cancels the futures not reached,
 *     once iteration started: before the first next() (when the generator
 *     has not entered its try block) every job still runs;
 *   - a future is dropped once its result was handed out.
 *
 * Thread safety: an iterator is used by one thread at a time (like a
 * generator: CPython raises for concurrent next() calls into a generator;
 * here each call runs inside the object's critical section, compat.h).
 */
#ifndef CYMADE_PY_MAP_ITERATOR_H
#define CYMADE_PY_MAP_ITERATOR_H

#include "future.h"

/* An iterator over `futures[0 .. count)`, which it takes over (strong
 * references and the PyMem array).  `deadline` is a monotonic_clock_ns()
 * time (core/src/monotonic_clock.h) in seconds, +inf for none.  NULL with an exception set (the futures are then
 * released, not cancelled). */
PyObject *map_iterator_create(threadpool_state *state, future_object **futures, Py_ssize_t count, double deadline);

/* Create the map iterator type into the state; -1 with an exception set. */
int map_iterator_type_init(PyObject *module, threadpool_state *state);

#endif /* CYMADE_PY_MAP_ITERATOR_H */
