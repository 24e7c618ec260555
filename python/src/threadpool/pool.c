/*
 * pool.c - cymade._threadpool.ThreadPool: the C base class of
 * cymade.threadpool.ThreadPool (which adds the context manager, the
 * stdlib's defaults and the default report_error in Python).
 *
 * Workers are threading.Thread objects, started on demand by the engine
 * (its start_worker hook), so Python sees ordinary threads: names, trace and
 * profile hooks, threading.enumerate().  Each thread's run() enters the
 * engine's worker loop (_run_worker below), holding the GIL across
 * consecutive jobs and letting it go when idle (worker_gil.h).
 *
 * Lifetime.  The engine pool, and what its workers read, live in a
 * separately allocated, reference-counted pool_shared: one reference for the
 * ThreadPool object, one for each worker thread.  Dropping the ThreadPool
 * therefore never waits: it shuts the engine down without waiting, the
 * workers finish the queue on their own, and the last one out frees it all,
 * as concurrent.futures' workers do.
 */
#define _GNU_SOURCE /* pthread_setname_np */
#include "future.h" /* first: Python.h */

#include <math.h>
#include <pthread.h>
#include <stdio.h>

#include "cymade/internal/monotonic_clock.h"
#include "cymade/pool.h"
#include "map_iterator.h"
#include "map_job.h"
#include "module_state.h"
#include "worker_gil.h"

/* Thread safety: the fields are written before the first worker starts and
 * immutable after, except `references` and `broken` (atomics), `threads`
 * (a set, itself thread-safe) and the initializer and initargs, which only
 * the GC clears (pool_clear), with the world stopped or the GIL held. */
typedef struct pool_shared {
    cymade_atomic_u64 references; /* the ThreadPool's and one per worker thread */
    cymade_pool *pool;
    threadpool_state *state;
    PyObject *initializer;    /* strong; NULL for none */
    PyObject *initargs;       /* strong tuple */
    PyObject *name_prefix;    /* str: workers are named prefix_N */
    PyObject *threads;        /* set of the worker threading.Thread objects */
    PyObject *run_worker;     /* the threads' target: _run_worker bound to the module */
    cymade_atomic_u64 broken; /* an initializer raised */
} pool_shared;

/* Thread safety: every field is set once, by __init__ inside the object's
 * critical section (so racing __init__ calls cannot both initialise), and
 * immutable after; the engine pool itself is thread-safe (cymade/pool.h). */
typedef struct pool_object {
    PyObject_HEAD PyObject *weakreflist;
    pool_shared *shared;
    threadpool_state *state;
    PyObject *pool_ref; /* weakref to self, for futures' report_error */
    Py_ssize_t max_workers;
} pool_object;

/* Whether an initializer failed (break_pool).  acquire: pairs with
 * break_pool's release, which comes before it shuts the engine down. */
static bool pool_is_broken(const pool_shared *shared) {
    return cymade_atomic_u64_load(&shared->broken, memory_order_acquire) != 0;
}

static PyObject *raise_engine_error(pool_object *self, int error) {
    switch (error) {
    case CYMADE_ENOMEM: return PyErr_NoMemory();
    case CYMADE_ESHUTDOWN:
        if (self != NULL && self->shared != NULL && pool_is_broken(self->shared)) {
            PyErr_SetString(self->state->broken_pool_error, THREADPOOL_BROKEN_MESSAGE);
            return NULL;
        }
        return PyErr_Format(PyExc_RuntimeError, "cannot schedule new futures after shutdown");
    case CYMADE_EFORKED:
        return PyErr_Format(PyExc_RuntimeError,
                            "this ThreadPool was created before fork(); its workers do not exist in the child "
                            "process: create a new ThreadPool there");
    case CYMADE_EAGAIN: return PyErr_Format(PyExc_RuntimeError, "could not start a worker thread");
    default: return PyErr_Format(PyExc_RuntimeError, "cymade engine error: %s", cymade_strerror(error));
    }
}

/* ---------------------------------------------------------------------------
 * The shared part and its references
 * ------------------------------------------------------------------------- */

static void shared_retain(pool_shared *shared) {
    /* relaxed: a new reference is taken from an existing one. */
    cymade_atomic_u64_fetch_add(&shared->references, 1, memory_order_relaxed);
}

/* Drops a reference; the last one shuts the engine down (every worker has
 * left it by then) and frees everything.  GIL held. */
static void shared_release(pool_shared *shared) {
    /* acq_rel: the last releaser sees every other holder's writes. */
    if (cymade_atomic_u64_fetch_sub(&shared->references, 1, memory_order_acq_rel) != 1) {
        return;
    }
    if (shared->pool != NULL) {
        Py_BEGIN_ALLOW_THREADS
        /* CYMADE_EFORKED: the pool's threads died with a fork; its memory
         * stays (it may hold locks taken by those threads). */
        cymade_pool_destroy(shared->pool);
        Py_END_ALLOW_THREADS
    }
    Py_XDECREF(shared->initializer);
    Py_XDECREF(shared->initargs);
    Py_XDECREF(shared->name_prefix);
    Py_XDECREF(shared->threads);
    Py_XDECREF(shared->run_worker);
    PyMem_RawFree(shared);
}

static void shared_capsule_release(PyObject *capsule) {
    shared_release(PyCapsule_GetPointer(capsule, "cymade.pool_shared"));
}

/* ---------------------------------------------------------------------------
 * Worker threads
 * ------------------------------------------------------------------------- */

/* The engine's start_worker hook: a threading.Thread named prefix_N whose
 * run() calls _run_worker(shared, N).  Runs inside a submit, after the job
 * was queued, GIL held.  A thread that cannot start does not fail the
 * submit (cymade/pool.h): the error goes to sys.unraisablehook. */
static int start_worker_thread(cymade_pool *pool, size_t index, void *context) {
    (void)pool;
    pool_shared *shared = context;
    PyObject *thread = NULL;
    PyObject *capsule = PyCapsule_New(shared, "cymade.pool_shared", shared_capsule_release);
    if (capsule != NULL) {
        shared_retain(shared); /* the capsule's, dropped when the thread lets go of its target */
        PyObject *name = PyUnicode_FromFormat("%U_%zu", shared->name_prefix, index);
        PyObject *args = name ? Py_BuildValue("(On)", capsule, (Py_ssize_t)index) : NULL;
        PyObject *kwargs =
            args ? Py_BuildValue("{sOsOsO}", "name", name, "target", shared->run_worker, "args", args) : NULL;
        PyObject *no_args = PyTuple_New(0);
        thread = kwargs && no_args ? PyObject_Call(shared->state->thread_class, no_args, kwargs) : NULL;
        Py_XDECREF(no_args);
        Py_XDECREF(kwargs);
        Py_XDECREF(args);
        Py_XDECREF(name);
        Py_DECREF(capsule);
    }
    if (thread != NULL && PySet_Add(shared->threads, thread) == 0) {
        PyObject *started = PyObject_CallMethod(thread, "start", NULL);
        if (started == NULL) {
            PySet_Discard(shared->threads, thread);
        }
        Py_XDECREF(started);
    }
    bool ok = thread != NULL && !PyErr_Occurred();
    if (!ok) {
        PyErr_WriteUnraisable(thread != NULL ? thread : Py_None);
    }
    Py_XDECREF(thread);
    return ok ? CYMADE_OK : CYMADE_EAGAIN;
}

static void on_worker_idle(size_t index, void *context) {
    (void)index;
    (void)context;
    worker_gil_release();
}

/* Logs a failed initializer the way concurrent.futures does: CRITICAL on
 * the "concurrent.futures" logger.  Consumes the current exception. */
static void log_initializer_failure(void) {
    PyObject *exception = compat_fetch_exception();
    PyObject *logging = PyImport_ImportModule("logging");
    PyObject *logger = logging ? PyObject_CallMethod(logging, "getLogger", "s", "concurrent.futures") : NULL;
    PyObject *message = PyUnicode_FromString("Exception in initializer:");
    PyObject *kwargs = Py_BuildValue("{sO}", "exc_info", exception);
    PyObject *critical = logger ? PyObject_GetAttrString(logger, "critical") : NULL;
    PyObject *logged = NULL;
    if (critical != NULL && message != NULL && kwargs != NULL) {
        PyObject *args = PyTuple_Pack(1, message);
        logged = args ? PyObject_Call(critical, args, kwargs) : NULL;
        Py_XDECREF(args);
    }
    if (logged == NULL) {
        PyErr_WriteUnraisable(exception);
    }
    Py_XDECREF(logged);
    Py_XDECREF(critical);
    Py_XDECREF(kwargs);
    Py_XDECREF(message);
    Py_XDECREF(logger);
    Py_XDECREF(logging);
    Py_XDECREF(exception);
}

/* The initializer raised: like ThreadPoolExecutor, the pool is broken.
 * Later submits raise BrokenThreadPool, and every job not yet started fails
 * with it (future_object_run_job), run by the workers draining the queue. */
static void break_pool(pool_shared *shared) {
    log_initializer_failure();
    /* release: pairs with the submit path's and the job runner's acquire. */
    cymade_atomic_u64_store(&shared->broken, 1, memory_order_release);
    Py_BEGIN_ALLOW_THREADS
    cymade_pool_shutdown(shared->pool, false, false);
    Py_END_ALLOW_THREADS
}

/* Names the OS thread after the Python one, cut to Linux's 15 bytes, for
 * tools outside Python (top -H, gdb, perf). */
static void name_os_thread(pool_shared *shared, Py_ssize_t index) {
    const char *prefix = PyUnicode_AsUTF8(shared->name_prefix);
    if (prefix == NULL) {
        PyErr_Clear();
        return;
    }
    char name[16]; /* the prefix cut to 9 bytes, _, and the index (< CYMADE_POOL_MAX_WORKERS) */
    snprintf(name, sizeof name, "%.9s_%d", prefix, (int)(index % 10000));
    pthread_setname_np(pthread_self(), name);
}

/* _run_worker(shared, index): the run() of worker thread `index`: runs the
 * initializer, then the engine's worker loop until the pool is shut down
 * and drained. */
static PyObject *run_worker(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    (void)module;
    pool_shared *shared = nargs == 2 ? PyCapsule_GetPointer(args[0], "cymade.pool_shared") : NULL;
    Py_ssize_t index = shared ? PyLong_AsSsize_t(args[1]) : -1;
    if (index < 0) {
        if (!PyErr_Occurred()) {
            PyErr_SetString(PyExc_TypeError, "_run_worker(shared, index) is started by ThreadPool only");
        }
        return NULL;
    }
    name_os_thread(shared, index);
    worker_gil_enter(&shared->broken);
    /* Strong references: the GC may clear the shared ones (pool_clear). */
    PyObject *initializer = Py_XNewRef(shared->initializer);
    PyObject *initargs = Py_XNewRef(shared->initargs);
    if (initializer != NULL && initargs != NULL) {
        PyObject *returned = PyObject_Call(initializer, initargs, NULL);
        if (returned == NULL) {
            break_pool(shared);
        }
        Py_XDECREF(returned);
    }
    Py_XDECREF(initializer);
    Py_XDECREF(initargs);
    int rc = cymade_pool_run_worker(shared->pool, (size_t)index);
    worker_gil_leave();
    if (rc != CYMADE_OK && rc != CYMADE_EFORKED) {
        return PyErr_Format(PyExc_RuntimeError, "_run_worker: %s", cymade_strerror(rc));
    }
    Py_RETURN_NONE;
}

static PyMethodDef run_worker_def = {"_run_worker", (PyCFunction)(void (*)(void))run_worker, METH_FASTCALL,
                                     "The run() of a ThreadPool worker thread."};

/* ---------------------------------------------------------------------------
 * Construction and destruction
 * ------------------------------------------------------------------------- */

static int pool_init_once(pool_object *self, PyObject *args, PyObject *kwargs) {
    static char *keywords[] = {"max_workers", "thread_name_prefix", "initializer", "initargs", NULL};
    PyObject *max_workers, *prefix, *initializer = Py_None, *initargs = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OU|$OO!:ThreadPool", keywords, &max_workers, &prefix, &initializer,
                                     &PyTuple_Type, &initargs)) {
        return -1;
    }
    if (self->shared != NULL) {
        PyErr_SetString(PyExc_RuntimeError, "ThreadPool.__init__() called twice");
        return -1;
    }
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
    Py_ssize_t workers = overflow > 0 ? PY_SSIZE_T_MAX : overflow < 0 ? 0 : (Py_ssize_t)requested;
    if (workers < 1) {
        PyErr_SetString(PyExc_ValueError, "max_workers must be greater than 0");
        return -1;
    }
    if (workers > CYMADE_POOL_MAX_WORKERS) {
        PyErr_Format(PyExc_ValueError, "max_workers must be at most %d", CYMADE_POOL_MAX_WORKERS);
        return -1;
    }
    if (initializer != Py_None && !PyCallable_Check(initializer)) {
        PyErr_SetString(PyExc_TypeError, "initializer must be a callable");
        return -1;
    }
    threadpool_state *state = threadpool_state_from_type(Py_TYPE(self));
    if (state == NULL) {
        return -1;
    }
    pool_shared *shared = PyMem_RawCalloc(1, sizeof *shared);
    if (shared == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    cymade_atomic_u64_init(&shared->references, 1);
    cymade_atomic_u64_init(&shared->broken, 0);
    shared->state = state;
    shared->initializer = initializer == Py_None ? NULL : Py_NewRef(initializer);
    shared->initargs = initargs ? Py_NewRef(initargs) : PyTuple_New(0);
    shared->name_prefix = Py_NewRef(prefix);
    shared->threads = PySet_New(NULL);
    shared->run_worker = Py_NewRef(state->run_worker);
    if (shared->initargs == NULL || shared->threads == NULL) {
        shared_release(shared);
        return -1;
    }

    cymade_pool_options options;
    cymade_pool_options_init(&options, (size_t)workers);
    options.start_on_demand = true;
    options.start_worker = start_worker_thread;
    options.on_worker_idle = on_worker_idle;
    options.hook_context = shared;
    int rc = cymade_pool_create(&shared->pool, &options);
    if (rc != CYMADE_OK) {
        shared_release(shared);
        raise_engine_error(self, rc);
        return -1;
    }
    self->pool_ref = PyWeakref_NewRef((PyObject *)self, NULL);
    if (self->pool_ref == NULL) {
        cymade_pool_shutdown(shared->pool, false, false);
        shared_release(shared);
        return -1;
    }
    self->shared = shared;
    self->max_workers = workers;
    self->state = state;
    return 0;
}

static int pool_init(pool_object *self, PyObject *args, PyObject *kwargs) {
    int rc;
    compat_critical_section section;
    compat_critical_section_begin(&section, (PyObject *)self);
    rc = pool_init_once(self, args, kwargs);
    compat_critical_section_end(&section);
    return rc;
}

/* Shuts the engine pool down (optionally waiting) with the GIL released:
 * workers need it to finish their jobs. */
static int shutdown_engine(pool_object *self, bool wait, bool cancel_pending) {
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = cymade_pool_shutdown(self->shared->pool, wait, cancel_pending);
    Py_END_ALLOW_THREADS
    return rc;
}

/* Never waits (a job may be waiting for its caller): the workers finish
 * the queue on their own, and the last one frees the engine. */
static void pool_dealloc(pool_object *self) {
    PyTypeObject *type = Py_TYPE(self);
    PyObject_GC_UnTrack(self);
    if (self->weakreflist != NULL) {
        PyObject_ClearWeakRefs((PyObject *)self);
    }
    if (self->shared != NULL) {
        shutdown_engine(self, false, false);
        shared_release(self->shared);
    }
    Py_XDECREF(self->pool_ref);
    type->tp_free((PyObject *)self);
    Py_DECREF(type);
}

static int pool_traverse(pool_object *self, visitproc visit, void *arg) {
    Py_VISIT(Py_TYPE(self));
    if (self->shared != NULL) {
        Py_VISIT(self->shared->initializer);
        Py_VISIT(self->shared->initargs);
    }
    return 0;
}

/* Breaks cycles through the initializer (e.g. a closure over the pool). */
static int pool_clear(pool_object *self) {
    if (self->shared != NULL) {
        Py_CLEAR(self->shared->initializer);
        Py_CLEAR(self->shared->initargs);
    }
    return 0;
}

/* ---------------------------------------------------------------------------
 * Submission: the hot path
 * ------------------------------------------------------------------------- */

/* Creates and queues the future of fn(*args) (vectorcall convention; fn is
 * callable).  A new reference, or NULL with an exception set. */
static future_object *submit_call(pool_object *self, int64_t priority, PyObject *fn, PyObject *const *args,
                                  Py_ssize_t nargs, PyObject *kwnames) {
    if (pool_is_broken(self->shared)) {
        PyErr_SetString(self->state->broken_pool_error, THREADPOOL_BROKEN_MESSAGE);
        return NULL;
    }
    future_object *future = future_object_create(self->state, self->pool_ref, fn, args, nargs, kwnames);
    if (future == NULL) {
        return NULL;
    }
    /* On success the pool takes the engine reference; on failure dropping
     * it releases the future's engine-side Python reference. */
    int rc = cymade_pool_submit_future(self->shared->pool, priority, &future->core);
    if (rc != CYMADE_OK) {
        cymade_future_release(&future->core);
        Py_DECREF(future);
        raise_engine_error(self, rc);
        return NULL;
    }
    return future;
}

/* What submit and map check first; 0, or -1 with TypeError/RuntimeError. */
static int check_submission(pool_object *self, Py_ssize_t nargs, const char *method) {
    if (nargs < 1) {
        PyErr_Format(PyExc_TypeError, "%s() missing the callable to run", method);
        return -1;
    }
    if (self->shared == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "ThreadPool.__init__() was not called");
        return -1;
    }
    return 0;
}

static int check_callable(PyObject *fn, const char *method) {
    if (!PyCallable_Check(fn)) {
        PyErr_Format(PyExc_TypeError, "%s() needs a callable, not %.100s", method, Py_TYPE(fn)->tp_name);
        return -1;
    }
    return 0;
}

static PyObject *submit_job(pool_object *self, int64_t priority, PyObject *const *args, Py_ssize_t nargs,
                            PyObject *kwnames, const char *method) {
    if (check_submission(self, nargs, method) < 0 || check_callable(args[0], method) < 0) {
        return NULL;
    }
    return (PyObject *)submit_call(self, priority, args[0], args + 1, nargs - 1, kwnames);
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

/* ---------------------------------------------------------------------------
 * map(): every job queued from a C loop, results through map_iterator.h
 * ------------------------------------------------------------------------- */

/* map(fn, *iterables, timeout, chunksize, buffersize) as
 * concurrent.futures.Executor.map itself, for buffersize: it queues jobs
 * as results are taken (and does not take the argument before 3.14). */
static PyObject *map_through_executor(pool_object *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    PyObject *positional = PyTuple_New(nargs + 1);
    PyObject *keywords = positional ? PyDict_New() : NULL;
    PyObject *result = NULL;
    if (keywords != NULL) {
        PyTuple_SET_ITEM(positional, 0, Py_NewRef(self));
        for (Py_ssize_t i = 0; i < nargs; i++) {
            PyTuple_SET_ITEM(positional, i + 1, Py_NewRef(args[i]));
        }
        int rc = 0;
        for (Py_ssize_t i = 0; rc == 0 && i < PyTuple_GET_SIZE(kwnames); i++) {
            rc = PyDict_SetItem(keywords, PyTuple_GET_ITEM(kwnames, i), args[nargs + i]);
        }
        result = rc == 0 ? PyObject_Call(self->state->executor_map, positional, keywords) : NULL;
    }
    Py_XDECREF(keywords);
    Py_XDECREF(positional);
    return result;
}

/* Queues fn(item) for every item of `items` (fn(*item) with `unpack`: each
 * is a tuple from zip()) into `jobs`.  0, or -1 with an exception set; the
 * jobs queued before an error stay in `jobs` and still run. */
static int queue_map_jobs(pool_object *self, PyObject *items, map_jobs *jobs) {
    for (PyObject *item; (item = PyIter_Next(items)) != NULL;) {
        /* Checked at the first item, as Executor.map's first submit does. */
        map_job *job =
            (jobs->tail == NULL && check_callable(jobs->fn, "map") < 0) ? NULL : map_jobs_prepare(jobs, item);
        Py_DECREF(item);
        if (job == NULL) {
            return -1;
        }
        int rc = pool_is_broken(self->shared) ? CYMADE_ESHUTDOWN
                                              : cymade_pool_submit_future(self->shared->pool, 0, &job->core);
        if (rc != CYMADE_OK) {
            map_jobs_abandon(job);
            raise_engine_error(self, rc);
            return -1;
        }
        map_jobs_commit(jobs);
    }
    return PyErr_Occurred() ? -1 : 0;
}

static PyObject *pool_map(pool_object *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    if (check_submission(self, nargs, "map") < 0) {
        return NULL;
    }
    PyObject *timeout = Py_None;
    Py_ssize_t keyword_count = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
    for (Py_ssize_t i = 0; i < keyword_count; i++) {
        PyObject *name = PyTuple_GET_ITEM(kwnames, i), *value = args[nargs + i];
        if (PyUnicode_CompareWithASCIIString(name, "timeout") == 0) {
            timeout = value;
        } else if (PyUnicode_CompareWithASCIIString(name, "buffersize") == 0) {
            if (value != Py_None) {
                return map_through_executor(self, args, nargs, kwnames);
            }
        } else if (PyUnicode_CompareWithASCIIString(name, "chunksize") != 0) {
            /* chunksize is ignored, as by ThreadPoolExecutor. */
            return PyErr_Format(PyExc_TypeError, "map() got an unexpected keyword argument '%S'", name);
        }
    }
    double deadline = INFINITY;
    if (timeout != Py_None) {
        double seconds = PyFloat_AsDouble(timeout);
        if (seconds == -1.0 && PyErr_Occurred()) {
            return NULL;
        }
        deadline = (double)monotonic_clock_ns() * 1e-9 + seconds;
    }
    Py_ssize_t iterable_count = nargs - 1;
    /* zip(*iterables), or the one iterable itself: no tuple per item. */
    PyObject *items = iterable_count == 1
                          ? PyObject_GetIter(args[1])
                          : PyObject_Vectorcall((PyObject *)&PyZip_Type, args + 1, iterable_count, NULL);
    if (items == NULL) {
        return NULL;
    }
    map_jobs jobs;
    map_jobs_init(&jobs, args[0], iterable_count != 1, self->state->broken_pool_error);
    int rc = queue_map_jobs(self, items, &jobs);
    Py_DECREF(items);
    if (rc < 0) {
        map_jobs_clear(&jobs);
        return NULL;
    }
    return map_iterator_create(self->state, &jobs, deadline);
}

/* Joins every worker thread but the calling one, so that once shutdown
 * returns threading no longer lists them, as with ThreadPoolExecutor. */
static int join_worker_threads(pool_object *self) {
    PyObject *threads = PySequence_List(self->shared->threads);
    PyObject *current = threads ? PyObject_CallNoArgs(self->state->current_thread) : NULL;
    int rc = current ? 0 : -1;
    for (Py_ssize_t i = 0; rc == 0 && i < PyList_GET_SIZE(threads); i++) {
        PyObject *thread = PyList_GET_ITEM(threads, i);
        PyObject *joined = thread == current ? Py_NewRef(Py_None) : PyObject_CallMethod(thread, "join", NULL);
        rc = joined ? 0 : -1;
        Py_XDECREF(joined);
    }
    Py_XDECREF(current);
    Py_XDECREF(threads);
    return rc;
}

static PyObject *pool_shutdown(pool_object *self, PyObject *args, PyObject *kwargs) {
    static char *keywords[] = {"wait", "cancel_futures", NULL};
    int wait = 1, cancel_futures = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|p$p:shutdown", keywords, &wait, &cancel_futures)) {
        return NULL;
    }
    if (self->shared == NULL) {
        Py_RETURN_NONE;
    }
    int rc = shutdown_engine(self, wait, cancel_futures);
    if (rc == CYMADE_EINVAL) {
        return PyErr_Format(PyExc_RuntimeError, "shutdown(wait=True) called from one of the pool's own workers "
                                                "would wait for itself; use shutdown(wait=False) there");
    }
    /* A pool inherited through fork() has nothing to shut down. */
    if (rc != CYMADE_OK && rc != CYMADE_EFORKED) {
        return raise_engine_error(self, rc);
    }
    if (wait && join_worker_threads(self) < 0) {
        return NULL;
    }
    Py_RETURN_NONE;
}

static PyObject *pool_stats(pool_object *self, PyObject *Py_UNUSED(ignored)) {
    if (self->shared == NULL) {
        return PyErr_Format(PyExc_RuntimeError, "ThreadPool.__init__() was not called");
    }
    cymade_pool_stats stats;
    int rc = cymade_pool_get_stats(self->shared->pool, &stats, NULL);
    if (rc != CYMADE_OK) {
        return raise_engine_error(self, rc);
    }
    return Py_BuildValue("{sKsKsKsKsKsKsnsn}", "queued", (unsigned long long)stats.queued, "running",
                         (unsigned long long)stats.running, "completed", (unsigned long long)stats.completed,
                         "cancelled", (unsigned long long)stats.cancelled, "stolen", (unsigned long long)stats.stolen,
                         "ring_grows", (unsigned long long)stats.ring_grows, "workers", (Py_ssize_t)stats.workers,
                         "started_workers", (Py_ssize_t)stats.started_workers);
}

static PyObject *pool_get_max_workers(pool_object *self, void *Py_UNUSED(closure)) {
    return PyLong_FromSsize_t(self->max_workers);
}

/* What code written for ThreadPoolExecutor reads: _threads and _broken. */
static PyObject *pool_get_threads(pool_object *self, void *Py_UNUSED(closure)) {
    if (self->shared == NULL) {
        return PyErr_Format(PyExc_RuntimeError, "ThreadPool.__init__() was not called");
    }
    return Py_NewRef(self->shared->threads);
}

static PyObject *pool_get_broken(pool_object *self, void *Py_UNUSED(closure)) {
    if (self->shared != NULL && pool_is_broken(self->shared)) {
        return PyUnicode_FromString(THREADPOOL_BROKEN_MESSAGE);
    }
    Py_RETURN_FALSE;
}

static PyMethodDef pool_methods[] = {
    {"submit", (PyCFunction)(void (*)(void))pool_submit, METH_FASTCALL | METH_KEYWORDS,
     "submit(fn, /, *args, **kwargs)\n--\n\nRun fn(*args, **kwargs) at normal priority; returns a Future.\n"
     "Raises RuntimeError after shutdown.\n\n"
     "Everything the caller wrote before submit is visible to the job, and\n"
     "everything the job wrote is visible to whoever sees the future done\n"
     "(result(), exception(), done(), done-callbacks)."},
    {"schedule", (PyCFunction)(void (*)(void))pool_schedule, METH_FASTCALL | METH_KEYWORDS,
     "schedule(priority, fn, /, *args, **kwargs)\n--\n\nRun fn(*args, **kwargs) in a priority class; returns a "
     "Future.\n\n"
     "priority < 0: urgent, taken before any queued normal or background job\n"
     "(lowest first; several urgent jobs may run at once).  A normal or background\n"
     "job submitted after an urgent job's schedule() returned does not start while\n"
     "any urgent job is queued or running; jobs submitted earlier may already have\n"
     "been taken by a worker and run alongside it.\n"
     "priority == 0: normal (same as submit).\n"
     "priority > 0: background, started only when no urgent job is pending and at\n"
     "least `priority` ms have passed since the last urgent or normal job finished\n"
     "(or since the pool started), lowest first.  After shutdown, queued background\n"
     "jobs no longer wait.\n"
     "priority must be an int (TypeError otherwise, e.g. for floats, NaN or inf).\n"
     "What the caller and the job wrote is visible as for submit()."},
    {"map", (PyCFunction)(void (*)(void))pool_map, METH_FASTCALL | METH_KEYWORDS,
     "map(fn, /, *iterables, timeout=None, chunksize=1, buffersize=None)\n--\n\n"
     "fn(*args) for every args of zip(*iterables), run on the pool: an iterator\n"
     "over the results in order.  As concurrent.futures.Executor.map: every job\n"
     "is queued before map returns (unless buffersize, Python 3.14+, bounds how\n"
     "many run ahead); each result waits until `timeout` seconds after the\n"
     "call (TimeoutError); the first exception a result raises propagates and\n"
     "cancels the jobs not yet reached, as does close() or dropping the\n"
     "iterator.  chunksize is ignored, as by ThreadPoolExecutor."},
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
    {"max_workers", (getter)pool_get_max_workers, NULL, "The most worker threads (started as needed).", NULL},
    {"_max_workers", (getter)pool_get_max_workers, NULL, "max_workers, named as ThreadPoolExecutor names it.", NULL},
    {"_threads", (getter)pool_get_threads, NULL, "The set of worker threads started so far, as in ThreadPoolExecutor.",
     NULL},
    {"_broken", (getter)pool_get_broken, NULL,
     "False, or why the pool is broken (an initializer failed), as in ThreadPoolExecutor.", NULL},
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
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_IMMUTABLETYPE,
    .slots = pool_slots,
};

int pool_type_init(PyObject *module, threadpool_state *state) {
    PyObject *thread_module = PyImport_ImportModule("concurrent.futures.thread");
    if (thread_module == NULL) {
        return -1;
    }
    state->broken_pool_error = PyObject_GetAttrString(thread_module, "BrokenThreadPool");
    PyObject *executor = PyObject_GetAttrString(thread_module, "_base");
    state->executor_map = executor ? PyObject_GetAttrString(executor, "Executor") : NULL;
    Py_XDECREF(executor);
    Py_DECREF(thread_module);
    if (state->executor_map != NULL) {
        Py_SETREF(state->executor_map, PyObject_GetAttrString(state->executor_map, "map"));
    }
    if (state->executor_map == NULL) {
        return -1;
    }
    PyObject *threading = PyImport_ImportModule("threading");
    if (state->broken_pool_error == NULL || threading == NULL) {
        Py_XDECREF(threading);
        return -1;
    }
    state->thread_class = PyObject_GetAttrString(threading, "Thread");
    state->current_thread = PyObject_GetAttrString(threading, "current_thread");
    Py_DECREF(threading);
    state->run_worker = PyCFunction_NewEx(&run_worker_def, module, NULL);
    if (state->thread_class == NULL || state->current_thread == NULL || state->run_worker == NULL) {
        return -1;
    }
    state->pool_type = (PyTypeObject *)PyType_FromModuleAndSpec(module, &pool_spec, NULL);
    if (state->pool_type == NULL) {
        return -1;
    }
    return PyModule_AddType(module, state->pool_type);
}
