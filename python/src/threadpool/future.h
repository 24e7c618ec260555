/*
 * future.h - cymade._threadpool.Future: a concurrent.futures.Future whose
 * state lives in an embedded engine future (cymade/future.h).
 *
 * What concurrent.futures.wait()/as_completed() need (_condition, _waiters)
 * is created only when they ask for it, so a plain submit/result pays for
 * one GC-tracked object and nothing else.
 */
#ifndef CYMADE_PY_FUTURE_H
#define CYMADE_PY_FUTURE_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "cymade/future.h"
#include "module_state.h"

typedef struct future_object {
    PyObject_HEAD
    /* Where concurrent.futures.Future keeps __weakref__ on 3.11; checked
     * against the base class layout at import (future_type_init). */
    PyObject *weakreflist;
    cymade_future core;
    PyObject *fn;            /* the job; cleared once it ran */
    PyObject *args;          /* tuple */
    PyObject *kwargs;        /* dict, or NULL */
    PyObject *outcome;       /* the return value, or the exception raised */
    PyObject *pool_ref;      /* weakref to the ThreadPool, for report_error */
    PyObject *callbacks;     /* list, created by the first add_done_callback */
    PyObject *condition;     /* threading.Condition, created on demand */
    PyObject *waiters;       /* list, created on demand */
    PyObject *uuid;          /* created on demand */
    bool outcome_retrieved;
} future_object;

/* A new pending future for fn(*args, **kwargs) (vectorcall convention);
 * NULL with an exception set. */
future_object *future_object_create(threadpool_state *state, PyObject *pool_ref, PyObject *fn, PyObject *const *args,
                             Py_ssize_t nargs, PyObject *kwnames);

/* The engine's job function for future_object (runs on a worker). */
int future_object_run_job(void *arg, void **result);

/* Calls pool.report_error(future, exception, traceback_str) through the
 * weakref `pool_ref` (or writes to stderr if the pool is gone); consumes the
 * current exception.  GIL held. */
void report_unhandled_error(PyObject *pool_ref, PyObject *future);

#endif /* CYMADE_PY_FUTURE_H */
