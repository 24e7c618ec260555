/*
 * worker_gil.h - how a pool worker thread holds the GIL, and what the jobs
 * it runs need to know about it.
 *
 * A worker is a threading.Thread: it enters the engine's loop from its
 * run() with its own thread state and the GIL, keeps the GIL across
 * consecutive jobs, and lets go when it runs out of work (the engine's idle
 * hook).  Between jobs it honours CPython's switch requests the way the
 * bytecode loop does (worker_gil_begin_job).
 */
#ifndef CYMADE_PY_WORKER_GIL_H
#define CYMADE_PY_WORKER_GIL_H

#include "compat.h"
#include <stdbool.h>

#include "cymade/atomic.h"

/* Jobs between two looks at the clock in worker_gil_begin_job. */
#define WORKER_GIL_CLOCK_CHECK_JOBS 64

/* The calling thread (holding the GIL) becomes a worker of the pool whose
 * broken flag is `broken`; worker_gil_leave ends that, holding the GIL. */
void worker_gil_enter(const cymade_atomic_u64 *broken);
void worker_gil_leave(void);

/* Before each job on a worker: if it has held the GIL for two switch
 * intervals, drop and retake it once (see worker_gil.c); take it if it
 * does not hold it.  Returns whether the worker's pool is broken (an
 * initializer failed), in which case the job must not run. */
bool worker_gil_begin_job(void);

/* Let go of the GIL if held (the worker is idle). */
void worker_gil_release(void);

/* For code the engine may run on any thread (future completion, frees):
 * take the GIL unless this thread already holds it. */
typedef struct gil_guard {
    bool ensured;
    PyGILState_STATE state;
} gil_guard;

/* The calling worker's own thread state, NULL on other threads
 * (worker_gil.c).  initial-exec: one load, as in core/src/worker.h. */
extern _Thread_local __attribute__((tls_model("initial-exec"))) PyThreadState *worker_thread_state;

/* gil_guard_enter off a worker, or on one that does not hold the GIL. */
gil_guard gil_guard_enter_slow(void);

/* Whether the calling thread holds the GIL.  On a worker, whether its own
 * thread state is attached (compat_current_thread_state): a load and a
 * compare, inline, since workers complete and free their jobs' futures.
 * Not a flag the worker keeps, which a job makes stale when it releases
 * the GIL (Py_BEGIN_ALLOW_THREADS) around a call that reaches the engine,
 * such as shutdown(cancel_futures=True).  Elsewhere PyGILState_Check
 * (gil_guard_enter_slow). */
static inline gil_guard gil_guard_enter(void) {
    if (worker_thread_state != NULL && compat_current_thread_state() == worker_thread_state) {
        return (gil_guard){.ensured = false};
    }
    return gil_guard_enter_slow();
}

static inline void gil_guard_exit(gil_guard guard) {
    if (guard.ensured) {
        PyGILState_Release(guard.state);
    }
}

#endif /* CYMADE_PY_WORKER_GIL_H */
