/*
 * module_state.h - per-module state of cymade._threadpool (PEP 489/573):
 * every type and cached object lives here, none in C globals, so the module
 * works in several interpreters and needs no GIL to protect shared state.
 *
 * Thread safety: every field is set by the module's exec function and
 * immutable after it, except the lazy_object fields, which threads may race
 * to fill (lazy_object.h).
 */
#ifndef CYMADE_PY_THREADPOOL_STATE_H
#define CYMADE_PY_THREADPOOL_STATE_H

#include "compat.h"
#include "lazy_object.h"

/* concurrent.futures.thread's words for a pool whose initializer failed. */
#define THREADPOOL_BROKEN_MESSAGE "A thread initializer failed, the thread pool is not usable anymore"

typedef struct threadpool_state {
    PyTypeObject *pool_type;
    PyTypeObject *future_type;
    PyTypeObject *map_iterator_type; /* what ThreadPool.map() returns (map_iterator.h) */
    PyObject *cancelled_error;       /* concurrent.futures.CancelledError */
    PyObject *broken_pool_error;     /* concurrent.futures.thread.BrokenThreadPool */
    PyObject *future_states;         /* concurrent.futures._base state names (future.c) */
    PyObject *condition_class;       /* threading.Condition, for wait()/as_completed() */
    PyObject *thread_class;          /* threading.Thread: the pool's workers */
    PyObject *current_thread;        /* threading.current_thread */
    PyObject *run_worker;            /* _run_worker, the workers' target (pool.c) */
    PyObject *executor_map;          /* concurrent.futures.Executor.map, for map(buffersize=...) */
    lazy_object wrap_future;         /* asyncio.wrap_future, imported on first await */
    lazy_object uuid4;               /* uuid.uuid4, imported on first Future.uuid */
} threadpool_state;

extern struct PyModuleDef threadpool_module;

static inline threadpool_state *threadpool_get_state(PyObject *module) {
    return (threadpool_state *)PyModule_GetState(module);
}

/* The state of the module that defined `type` (or one of its bases). */
static inline threadpool_state *threadpool_state_from_type(PyTypeObject *type) {
    PyObject *module = PyType_GetModuleByDef(type, &threadpool_module);
    return module ? threadpool_get_state(module) : NULL;
}

/* Create the Future and ThreadPool types into the state; -1 with an
 * exception set. */
int future_type_init(PyObject *module, threadpool_state *state);
int pool_type_init(PyObject *module, threadpool_state *state);

#endif /* CYMADE_PY_THREADPOOL_STATE_H */
