/*
 * future.h - cymade._threadpool.Future: a concurrent.futures.Future whose
 * state lives in an embedded engine future (cymade/future.h).
 *
 * What concurrent.futures.wait()/as_completed() need (_condition, _waiters)
 * is created only when they ask for it, both at once, so a plain
 * submit/result pays for one GC-tracked object and nothing else.  The
 * object is 224 bytes, in CPython's 256-byte allocation class with its GC
 * header and instance-dict slot: a million pending jobs are a million such
 * blocks, whose first touch (page faults) is much of a submit loop's time.
 *
 * Thread safety (with or without a GIL):
 *   - the state is the engine future's atomic word (cymade/future.h);
 *   - fn and the call's arguments are written before submission and then
 *     touched only by the worker that runs the job (the future is not
 *     tracked by the GC until the engine lets go of it, so the collector
 *     never reads them either); outcome is written by that worker
 *     before completion, which publishes it (release) to every thread that
 *     sees the final state (acquire);
 *   - callbacks and waiting (_condition and _waiters) are created inside the object's
 *     critical section (compat.h); attributes users add live in the
 *     instance __dict__ inherited from concurrent.futures.Future, which
 *     CPython protects itself;
 *   - uuid is a lazy_object; outcome_retrieved and final_published are
 *     atomic flags;
 *   - pool_ref is immutable after creation.
 */
#ifndef CYMADE_PY_FUTURE_H
#define CYMADE_PY_FUTURE_H

#include "call_arguments.h"
#include "compat.h"
#include "lazy_object.h"

#include "cymade/future.h"
#include "module_state.h"

typedef struct future_object {
    PyObject_HEAD
        /* What every concurrent.futures.Future instance holds (compat.h);
     * checked against the base class layout at import (future_type_init). */
        COMPAT_PYCLASS_INSTANCE_FIELDS cymade_future core;
    PyObject *fn;                        /* the job; cleared once it ran */
    call_arguments arguments;            /* fn's arguments; cleared once it ran */
    PyObject *outcome;                   /* the return value, or the exception raised */
    PyObject *pool_ref;                  /* weakref to the ThreadPool, for report_error */
    PyObject *callbacks;                 /* list, created by the first add_done_callback */
    PyObject *waiting;                   /* (threading.Condition, waiters list), created on demand */
    lazy_object uuid;                    /* created on demand */
    cymade_atomic_u64 outcome_retrieved; /* 1 once result()/exception() returned it */
    cymade_atomic_u64 final_published;   /* 1 once _state shows the final state (future.c) */
} future_object;

/* A new pending future for fn(*args, **kwargs) (vectorcall convention);
 * NULL with an exception set. */
future_object *future_object_create(threadpool_state *state, PyObject *pool_ref, PyObject *fn, PyObject *const *args,
                                    Py_ssize_t nargs, PyObject *kwnames);

/* Waits, with the GIL released, until the engine future `core` is final or
 * `timeout_seconds` passed (+inf: no limit; 0 or less: no wait): 0, or -1
 * with TimeoutError, a signal's exception (KeyboardInterrupt) or ValueError
 * (NaN) set.  What result() does before looking at the outcome. */
int future_core_wait(cymade_future *core, double timeout_seconds);

/* The engine's job function for future_object (runs on a worker). */
int future_object_run_job(void *arg, void **result);

/* Calls pool.report_error(future, exception, traceback_str) through the
 * weakref `pool_ref` (or writes to stderr if the pool is gone); consumes the
 * current exception.  GIL held. */
void report_unhandled_error(PyObject *pool_ref, PyObject *future);

#endif /* CYMADE_PY_FUTURE_H */
