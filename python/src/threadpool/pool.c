/*
 * pool.c - cymade._threadpool.ThreadPool: the C base class of
 * cymade.threadpool.ThreadPool (which adds map(), the context manager and
 * the default report_error in Python).
 *
 * Workers are the engine's C threads.  Each attaches to the interpreter once
 * (worker_gil.h), runs the initializer, and then runs jobs holding the GIL
 * across consecutive jobs; the engine's idle hook lets it go.
 *
 * The hook context is a separately allocated pool_hooks, not the Python
 * object, because a pool may be deallocated by one of its own workers (a job
 * held the last reference): the pool then stops accepting work and leaves
 * its workers, which still read the hooks, to drain and exit on their own.
 */
#define _GNU_SOURCE /* pthread_setname_np */
#include "future.h" /* first: Python.h */

#include <pthread.h>
#include <stdio.h>

#include "cymade/pool.h"
#include "module_state.h"
#include "worker_gil.h"

/* Thread safety: the fields are written before the workers start and
 * immutable after, except `broken` (an atomic) and the initializer and
 * initargs, which only the GC clears (pool_clear), with the world stopped
 * or the GIL held. */
typedef struct pool_hooks {
    PyInterpreterState *interpreter;
    PyObject *initializer; /* strong; NULL for none */
    PyObject *initargs;    /* strong tuple */
    PyObject *pool_ref;    /* strong weakref to the ThreadPool, for report_error */
    char name_prefix[16];  /* Linux thread names hold 15 bytes */
    cymade_pool *pool;
    cymade_atomic_u64 broken; /* an initializer raised */
} pool_hooks;

/* Thread safety: every field is set once, by __init__ inside the object's
 * critical section (so racing __init__ calls cannot both initialise), and
 * immutable after; the engine pool itself is thread-safe (cymade/pool.h). */
typedef struct pool_object {
    PyObject_HEAD
    PyObject *weakreflist;
    cymade_pool *pool;
    pool_hooks *hooks;
    threadpool_state *state;
    Py_ssize_t max_workers;
} pool_object;

static PyObject *raise_engine_error(int error) {
    switch (error) {
    case CYMADE_ENOMEM: return PyErr_NoMemory();
    case CYMADE_ESHUTDOWN: return PyErr_Format(PyExc_RuntimeError, "cannot schedule new futures after shutdown");
    case CYMADE_EFORKED:
        return PyErr_Format(PyExc_RuntimeError,
                            "this ThreadPool was created before fork(); its workers do not exist in the child "
                            "process: create a new ThreadPool there");
    case CYMADE_EAGAIN: return PyErr_Format(PyExc_RuntimeError, "could not start a worker thread");
    default: return PyErr_Format(PyExc_RuntimeError, "cymade engine error: %s", cymade_strerror(error));
    }
}

/* ---------------------------------------------------------------------------
 * Worker hooks (engine threads)
 * ------------------------------------------------------------------------- */

static void on_worker_start(size_t index, void *context) {
    pool_hooks *hooks = context;
    char name[16];
    snprintf(name, sizeof name, "%.10s%zu", hooks->name_prefix[0] ? hooks->name_prefix : "cymade-", index);
    pthread_setname_np(pthread_self(), name);
    worker_gil_attach(hooks->interpreter);
    worker_gil_hold(); /* the GC may clear the initializer (pool_clear) */
    if (hooks->initializer == NULL) {
        worker_gil_release();
        return;
    }
    PyObject *returned = PyObject_Call(hooks->initializer, hooks->initargs, NULL);
    if (returned == NULL) {
        /* Like ThreadPoolExecutor: a failed initializer breaks the pool.
         * Jobs not yet started are cancelled; later submits raise
         * BrokenThreadPool.  wait=false: a worker cannot wait for itself. */
        report_unhandled_error(hooks->pool_ref, NULL);
        /* release: submitters that see broken also see the report. */
        cymade_atomic_u64_store(&hooks->broken, 1, memory_order_release);
        worker_gil_release();
        cymade_pool_shutdown(hooks->pool, false, true);
        return;
    }
    Py_DECREF(returned);
    worker_gil_release();
}

static void on_worker_idle(size_t index, void *context) {
    (void)index;
    (void)context;
    worker_gil_release();
}

static void on_worker_stop(size_t index, void *context) {
    (void)index;
    (void)context;
    worker_gil_detach();
}

static void free_hooks(pool_hooks *hooks) {
    Py_XDECREF(hooks->initializer);
    Py_XDECREF(hooks->initargs);
    Py_XDECREF(hooks->pool_ref);
    PyMem_RawFree(hooks);
}

/* ---------------------------------------------------------------------------
 * Construction and destruction
 * ------------------------------------------------------------------------- */

static int pool_init_once(pool_object *self, PyObject *args, PyObject *kwargs) {
    static char *keywords[] = {"max_workers", "thread_name_prefix", "initializer", "initargs", NULL};
    PyObject *max_workers = Py_None, *initializer = Py_None, *initargs = NULL;
    const char *prefix = "";
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|O$sOO!:ThreadPool", keywords, &max_workers, &prefix,
                                     &initializer, &PyTuple_Type, &initargs)) {
        return -1;
    }
    if (self->pool != NULL) {
        PyErr_SetString(PyExc_RuntimeError, "ThreadPool.__init__() called twice");
        return -1;
    }
    Py_ssize_t workers;
    if (max_workers == Py_None) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        workers = cpus > 0 ? cpus : 1;
    } else {
        if (!PyLong_Check(max_workers)) {
            PyErr_Format(PyExc_TypeError, "max_workers must be an int or None, not %.100s", Py_TYPE(max_workers)->tp_name);
            return -1;
        }
        int overflow;
        long long requested = PyLong_AsLongLongAndOverflow(max_workers, &overflow);
        if (requested == -1 && PyErr_Occurred()) {
            return -1;
        }
        /* Out of range either way: report it against the nearer bound. */
        workers = overflow > 0 ? PY_SSIZE_T_MAX : overflow < 0 ? 0 : (Py_ssize_t)requested;
        if (workers < 1) {
            PyErr_SetString(PyExc_ValueError, "max_workers must be greater than 0");
            return -1;
        }
        if (workers > CYMADE_POOL_MAX_WORKERS) {
            PyErr_Format(PyExc_ValueError, "max_workers must be at most %d", CYMADE_POOL_MAX_WORKERS);
            return -1;
        }
    }
    if (initializer != Py_None && !PyCallable_Check(initializer)) {
        PyErr_SetString(PyExc_TypeError, "initializer must be a callable");
        return -1;
    }
    pool_hooks *hooks = PyMem_RawCalloc(1, sizeof *hooks);
    if (hooks == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    hooks->interpreter = PyInterpreterState_Get();
    hooks->initializer = initializer == Py_None ? NULL : Py_NewRef(initializer);
    hooks->initargs = initargs ? Py_NewRef(initargs) : PyTuple_New(0);
    hooks->pool_ref = PyWeakref_NewRef((PyObject *)self, NULL);
    snprintf(hooks->name_prefix, sizeof hooks->name_prefix, "%s", prefix);
    cymade_atomic_u64_init(&hooks->broken, 0);
    if (hooks->initargs == NULL || hooks->pool_ref == NULL) {
        free_hooks(hooks);
        return -1;
    }

    cymade_pool_options options;
    cymade_pool_options_init(&options, (size_t)workers);
    options.on_worker_start = on_worker_start;
    options.on_worker_idle = on_worker_idle;
    options.on_worker_stop = on_worker_stop;
    options.hook_context = hooks;
    cymade_pool *pool = NULL;
    int rc;
    /* Workers may run the initializer (which needs the GIL) right away;
     * hooks->pool is set before any of them can read it: they only do so
     * after an initializer failure, under the GIL we hold until then. */
    rc = cymade_pool_create(&pool, &options);
    if (rc != CYMADE_OK) {
        free_hooks(hooks);
        raise_engine_error(rc);
        return -1;
    }
    hooks->pool = pool;
    self->pool = pool;
    self->hooks = hooks;
    self->max_workers = workers;
    self->state = threadpool_state_from_type(Py_TYPE(self));
    return self->state ? 0 : -1;
}

static int pool_init(pool_object *self, PyObject *args, PyObject *kwargs) {
    int rc;
    COMPAT_BEGIN_CRITICAL_SECTION(self);
    rc = pool_init_once(self, args, kwargs);
    COMPAT_END_CRITICAL_SECTION();
    return rc;
}

/* Shuts the engine pool down (optionally waiting) with the GIL released:
 * workers need it to finish their jobs. */
static int shutdown_engine(pool_object *self, bool wait, bool cancel_pending) {
    int rc;
    Py_BEGIN_ALLOW_THREADS rc = cymade_pool_shutdown(self->pool, wait, cancel_pending);
    Py_END_ALLOW_THREADS return rc;
}

static void pool_dealloc(pool_object *self) {
    PyTypeObject *type = Py_TYPE(self);
    PyObject_GC_UnTrack(self);
    if (self->weakreflist != NULL) {
        PyObject_ClearWeakRefs((PyObject *)self);
    }
    if (self->pool != NULL) {
        if (cymade_pool_current_worker(self->pool) >= 0) {
            /* A job dropped the last reference: we cannot join ourselves.
             * Stop accepting work; the workers drain the queue and exit,
             * and the engine pool and hooks stay allocated for them. */
            cymade_pool_shutdown(self->pool, false, false);
        } else {
            int rc;
            Py_BEGIN_ALLOW_THREADS rc = cymade_pool_destroy(self->pool);
            Py_END_ALLOW_THREADS if (rc == CYMADE_OK) {
                free_hooks(self->hooks);
            }
            /* CYMADE_EFORKED: the pool's threads died with the fork; its
             * memory stays (it may hold locks taken by those threads). */
        }
    }
    type->tp_free((PyObject *)self);
    Py_DECREF(type);
}

static int pool_traverse(pool_object *self, visitproc visit, void *arg) {
    Py_VISIT(Py_TYPE(self));
    if (self->hooks != NULL) {
        Py_VISIT(self->hooks->initializer);
        Py_VISIT(self->hooks->initargs);
    }
    return 0;
}

/* Breaks cycles through the initializer (e.g. a closure over the pool). */
static int pool_clear(pool_object *self) {
    if (self->hooks != NULL) {
        Py_CLEAR(self->hooks->initializer);
        Py_CLEAR(self->hooks->initargs);
    }
    return 0;
}

/* ---------------------------------------------------------------------------
 * Submission: the hot path
 * ------------------------------------------------------------------------- */

static PyObject *submit_job(pool_object *self, int64_t priority, PyObject *const *args, Py_ssize_t nargs,
                            PyObject *kwnames, const char *method) {
    if (nargs < 1) {
        return PyErr_Format(PyExc_TypeError, "%s() missing the callable to run", method);
    }
    if (self->pool == NULL) {
        return PyErr_Format(PyExc_RuntimeError, "ThreadPool.__init__() was not called");
    }
    PyObject *fn = args[0];
    if (!PyCallable_Check(fn)) {
        return PyErr_Format(PyExc_TypeError, "%s() needs a callable, not %.100s", method, Py_TYPE(fn)->tp_name);
    }
    /* acquire: pairs with the failing initializer's release. */
    if (cymade_atomic_u64_load(&self->hooks->broken, memory_order_acquire)) {
        PyErr_SetString(self->state->broken_pool_error,
                        "a thread initializer failed, the ThreadPool is not usable anymore");
        return NULL;
    }
    future_object *future = future_object_create(self->state, self->hooks->pool_ref, fn, args + 1, nargs - 1, kwnames);
    if (future == NULL) {
        return NULL;
    }
    /* On success the pool takes the engine reference; on failure dropping
     * it releases the future's engine-side Python reference. */
    int rc = cymade_pool_submit_future(self->pool, priority, &future->core);
    if (rc != CYMADE_OK) {
        cymade_future_release(&future->core);
        Py_DECREF(future);
        return raise_engine_error(rc);
    }
    return (PyObject *)future;
}

static PyObject *pool_submit(pool_object *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    return submit_job(self, 0, args, nargs, kwnames, "submit");
}

static PyObject *pool_schedule(pool_object *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    if (nargs < 1) {
        return PyErr_Format(PyExc_TypeError, "schedule() missing the priority and the callable to run");
    }
    /* Only integers: a float priority (NaN and inf included) is a TypeError
     * rather than a silent rounding. */
    if (!PyLong_Check(args[0])) {
        return PyErr_Format(PyExc_TypeError, "priority must be an int, not %.100s", Py_TYPE(args[0])->tp_name);
    }
    int overflow;
    long long priority = PyLong_AsLongLongAndOverflow(args[0], &overflow);
    if (overflow) {
        return PyErr_Format(PyExc_OverflowError, "priority must fit in 64 bits");
    }
    if (priority == -1 && PyErr_Occurred()) {
        return NULL;
    }
    return submit_job(self, priority, args + 1, nargs - 1, kwnames, "schedule");
}

static PyObject *pool_shutdown(pool_object *self, PyObject *args, PyObject *kwargs) {
    static char *keywords[] = {"wait", "cancel_futures", NULL};
    int wait = 1, cancel_futures = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|p$p:shutdown", keywords, &wait, &cancel_futures)) {
        return NULL;
    }
    if (self->pool == NULL) {
        Py_RETURN_NONE;
    }
    int rc = shutdown_engine(self, wait, cancel_futures);
    if (rc == CYMADE_EINVAL) {
        return PyErr_Format(PyExc_RuntimeError, "shutdown(wait=True) called from one of the pool's own workers "
                                                "would wait for itself; use shutdown(wait=False) there");
    }
    /* A pool inherited through fork() has nothing to shut down. */
    if (rc != CYMADE_OK && rc != CYMADE_EFORKED) {
        return raise_engine_error(rc);
    }
    Py_RETURN_NONE;
}

static PyObject *pool_stats(pool_object *self, PyObject *Py_UNUSED(ignored)) {
    if (self->pool == NULL) {
        return PyErr_Format(PyExc_RuntimeError, "ThreadPool.__init__() was not called");
    }
    cymade_pool_stats stats;
    int rc = cymade_pool_get_stats(self->pool, &stats, NULL);
    if (rc != CYMADE_OK) {
        return raise_engine_error(rc);
    }
    return Py_BuildValue("{sKsKsKsKsKsKsn}", "queued", (unsigned long long)stats.queued, "running",
                         (unsigned long long)stats.running, "completed", (unsigned long long)stats.completed,
                         "cancelled", (unsigned long long)stats.cancelled, "stolen", (unsigned long long)stats.stolen,
                         "ring_grows", (unsigned long long)stats.ring_grows, "workers", (Py_ssize_t)stats.workers);
}

static PyObject *pool_get_max_workers(pool_object *self, void *Py_UNUSED(closure)) {
    return PyLong_FromSsize_t(self->max_workers);
}

static PyMethodDef pool_methods[] = {
    {"submit", (PyCFunction)(void (*)(void))pool_submit, METH_FASTCALL | METH_KEYWORDS,
     "submit(fn, /, *args, **kwargs)\n--\n\nRun fn(*args, **kwargs) at normal priority; returns a Future.\n"
     "Raises RuntimeError after shutdown."},
    {"schedule", (PyCFunction)(void (*)(void))pool_schedule, METH_FASTCALL | METH_KEYWORDS,
     "schedule(priority, fn, /, *args, **kwargs)\n--\n\nRun fn(*args, **kwargs) in a priority class; returns a "
     "Future.\n\n"
     "priority < 0: urgent, before anything queued (lowest first); no normal or\n"
     "background job starts while one is queued or running.\n"
     "priority == 0: normal (same as submit).\n"
     "priority > 0: background, started only when no urgent job is pending and at\n"
     "least `priority` ms have passed since the last urgent or normal job finished\n"
     "(lowest first).  After shutdown, queued background jobs no longer wait.\n"
     "priority must be an int (TypeError otherwise, e.g. for floats, NaN or inf)."},
    {"shutdown", (PyCFunction)(void (*)(void))pool_shutdown, METH_VARARGS | METH_KEYWORDS,
     "shutdown(wait=True, *, cancel_futures=False)\n--\n\nStop accepting jobs.  cancel_futures cancels the jobs not "
     "yet started;\n"
     "otherwise they still run.  wait blocks until every job that will run has\n"
     "finished and the workers exited.  Idempotent."},
    {"stats", (PyCFunction)pool_stats, METH_NOARGS,
     "stats()\n--\n\nA snapshot of the engine's counters: queued, running, completed, cancelled,\n"
     "stolen, ring_grows, workers."},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef pool_getset[] = {
    {"max_workers", (getter)pool_get_max_workers, NULL, "The number of worker threads.", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyMemberDef pool_members[] = {
    COMPAT_WEAKLIST_MEMBER(pool_object, weakreflist),
    {NULL, 0, 0, 0, NULL},
};

static PyType_Slot pool_slots[] = {
    {Py_tp_doc, "The engine behind cymade.threadpool.ThreadPool (use that class)."},
    {Py_tp_init, pool_init},
    {Py_tp_new, PyType_GenericNew},
    {Py_tp_dealloc, pool_dealloc},
    {Py_tp_traverse, pool_traverse},
    {Py_tp_clear, pool_clear},
    {Py_tp_methods, pool_methods},
    {Py_tp_getset, pool_getset},
    {Py_tp_members, pool_members},
    {0, NULL},
};

static PyType_Spec pool_spec = {
    .name = "cymade._threadpool.ThreadPool",
    .basicsize = sizeof(pool_object),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC,
    .slots = pool_slots,
};

int pool_type_init(PyObject *module, threadpool_state *state) {
    PyObject *thread_module = PyImport_ImportModule("concurrent.futures.thread");
    if (thread_module == NULL) {
        return -1;
    }
    state->broken_pool_error = PyObject_GetAttrString(thread_module, "BrokenThreadPool");
    Py_DECREF(thread_module);
    if (state->broken_pool_error == NULL) {
        return -1;
    }
    state->pool_type = (PyTypeObject *)PyType_FromModuleAndSpec(module, &pool_spec, NULL);
    if (state->pool_type == NULL) {
        return -1;
    }
    return PyModule_AddType(module, state->pool_type);
}
