/*
 * worker_gil.h - how a pool worker thread holds the GIL, and what the jobs
 * it runs need to know about it.
 *
 * A worker is a threading.Thread: it enters the engine's loop from its
 * run() with its own thread state and the GIL, keeps the GIL across
 * consecutive jobs, and lets go when it runs out of work (the engine's idle
 * hook).  Between jobs it honours CPython's switch requests the way the
 * bytecode loop does (worker_gil_yield_if_due).
 */
#ifndef CYMADE_PY_WORKER_GIL_H
#define CYMADE_PY_WORKER_GIL_H

#include "compat.h"
#include <stdbool.h>

#include "cymade/atomic.h"

/* Jobs between two looks at the clock in worker_gil_yield_if_due. */
#define WORKER_GIL_CLOCK_CHECK_JOBS 64

/* The calling thread (holding the GIL) becomes a worker of the pool whose
 * broken flag is `broken`; worker_gil_leave ends that, holding the GIL. */
void worker_gil_enter(const cymade_atomic_u64 *broken);
void worker_gil_leave(void);

/* Take the GIL for a job if this worker does not hold it yet. */
void worker_gil_hold(void);

/* Let go of the GIL if held (the worker is idle). */
void worker_gil_release(void);

/* Before a job: if this worker has held the GIL for two switch intervals,
 * drop and retake it once (see worker_gil.c). */
void worker_gil_yield_if_due(void);

/* Whether the calling worker's pool is broken (an initializer failed). */
bool worker_pool_is_broken(void);

/* For code the engine may run on any thread (future completion, frees):
 * take the GIL unless this thread already holds it. */
typedef struct gil_guard {
    bool ensured;
    PyGILState_STATE state;
} gil_guard;

gil_guard gil_guard_enter(void);
void gil_guard_exit(gil_guard guard);

#endif /* CYMADE_PY_WORKER_GIL_H */
