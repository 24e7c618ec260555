/*
 * worker_gil.h - how pool workers hold the GIL.
 *
 * A worker attaches to the interpreter once (one thread state for its whole
 * life), takes the GIL when it starts a Python job and keeps it across
 * consecutive jobs, and lets go when it runs out of work (the engine's idle
 * hook) or every WORKER_GIL_BATCH jobs, so that a stream of jobs that never
 * enters the bytecode loop (e.g. builtins) cannot starve other threads.
 */
#ifndef CYMADE_PY_WORKER_GIL_H
#define CYMADE_PY_WORKER_GIL_H

#include "compat.h"
#include <stdbool.h>

#define WORKER_GIL_BATCH 64

/* Attach the calling (new) thread to `interp`; it starts without the GIL. */
void worker_gil_attach(PyInterpreterState *interp);

/* Take the GIL for a job if this worker does not hold it yet. */
void worker_gil_hold(void);

/* Let go of the GIL if held (idle), or briefly every WORKER_GIL_BATCH jobs. */
void worker_gil_release(void);
void worker_gil_yield_if_due(void);

/* Detach the calling worker thread and free its thread state. */
void worker_gil_detach(void);

/* For code the engine may run on any thread (future completion, frees):
 * take the GIL unless this thread already holds it. */
typedef struct gil_guard {
    bool ensured;
    PyGILState_STATE state;
} gil_guard;

gil_guard gil_guard_enter(void);
void gil_guard_exit(gil_guard guard);

#endif /* CYMADE_PY_WORKER_GIL_H */
