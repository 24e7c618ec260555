/*
 * future.c - cymade._threadpool.Future (see future.h).
 *
 * Lifetime.  The engine's reference count on the embedded cymade_future
 * stands for ONE strong Python reference: future_object_create takes it, and the
 * last engine release (future_free_fn) drops it, on whatever thread that
 * happens.  So the object outlives every engine access to it.
 *
 * GC.  While the engine holds its reference (queued or running) a future
 * is alive whatever else refers to it, so the collector could not free it
 * or anything it refers to: it is left untracked until then, which spares
 * every collection a walk over a backlog of queued jobs.  future_free_fn
 * tracks it when the engine lets go, if other references remain.  Being
 * untracked makes no container skip tracking: CPython untracks a dict or
 * tuple only over untracked tuples and non-GC objects
 * (_PyObject_GC_MAY_BE_TRACKED).
 *
 * Thread safety: see future.h.
 */
#include "future.h"

#include <math.h>
#include <time.h>

#include "worker_gil.h"

/* Longest single sleep in result()/exception(): the main thread also wakes
 * on EINTR, this only bounds how stale a pending signal can get. */
#define WAIT_SLICE_NS INT64_C(100000000)

enum future_status { STATUS_RETURNED = 0, STATUS_RAISED = 1 };

/* Indexes into threadpool_state.future_states: the cymade_future_state
 * values, then the cancelled-but-not-yet-notified state. */
enum { STATE_NAME_RUNNING = CYMADE_FUTURE_RUNNING, STATE_NAME_CANCELLED = 4 };

static future_object *from_core(cymade_future *core) {
    return (future_object *)((char *)core - offsetof(future_object, core));
}

/* The module state: Future is not subclassable, so its type is ours. */
static threadpool_state *state_of(future_object *self) {
    return (threadpool_state *)PyType_GetModuleState(Py_TYPE(self));
}

/* module.attribute, imported into `slot` on first use: borrowed, or NULL
 * with an exception. */
static PyObject *lazy_import(lazy_object *slot, const char *module_name, const char *attribute) {
    PyObject *value = lazy_object_get(slot);
    if (value != NULL) {
        return value;
    }
    PyObject *module = PyImport_ImportModule(module_name);
    if (module == NULL) {
        return NULL;
    }
    value = PyObject_GetAttrString(module, attribute);
    Py_DECREF(module);
    return lazy_object_install(slot, value);
}

/* ---------------------------------------------------------------------------
 * Errors
 * ------------------------------------------------------------------------- */

static PyObject *format_traceback(PyObject *exception) {
    PyObject *traceback_module = PyImport_ImportModule("traceback");
    if (traceback_module == NULL) {
        return NULL;
    }
    PyObject *lines = PyObject_CallMethod(traceback_module, "format_exception", "O", exception);
    Py_DECREF(traceback_module);
    if (lines == NULL) {
        return NULL;
    }
    PyObject *empty = PyUnicode_FromString("");
    PyObject *text = empty ? PyUnicode_Join(empty, lines) : NULL;
    Py_XDECREF(empty);
    Py_DECREF(lines);
    return text;
}

void report_unhandled_error(PyObject *pool_ref, PyObject *future) {
    PyObject *exception = compat_fetch_exception();
    if (exception == NULL) {
        return;
    }
    PyObject *pool = pool_ref ? compat_weakref_get(pool_ref) : NULL;
    PyObject *text = format_traceback(exception);
    PyObject *reported = NULL;
    if (text != NULL && pool != NULL) {
        reported = PyObject_CallMethod(pool, "report_error", "OOO", future ? future : Py_None, exception, text);
    } else if (text != NULL) {
        PySys_FormatStderr("cymade.threadpool: unhandled error (its ThreadPool is gone):\n%U", text);
        reported = Py_NewRef(Py_None);
    }
    if (reported == NULL) {
        PyErr_WriteUnraisable(future ? future : Py_None);
    }
    Py_XDECREF(pool);
    Py_XDECREF(reported);
    Py_XDECREF(text);
    Py_DECREF(exception);
}

/* ---------------------------------------------------------------------------
 * Engine hooks
 * ------------------------------------------------------------------------- */

static void future_free_fn(cymade_future *core) {
    future_object *self = from_core(core);
    gil_guard guard = gil_guard_enter();
    if (Py_REFCNT(self) > 1) {
        PyObject_GC_Track(self); /* only Python references keep it now; see the top of this file */
    }
    Py_DECREF(self);
    gil_guard_exit(guard);
}

int future_object_run_job(void *arg, void **result) {
    future_object *self = arg;
    (void)result; /* the outcome lives in self->outcome */
    PyObject *outcome;
    if (worker_gil_begin_job()) {
        /* As ThreadPoolExecutor fails what is queued when an initializer fails. */
        PyErr_SetString(state_of(self)->broken_pool_error, THREADPOOL_BROKEN_MESSAGE);
        outcome = NULL;
    } else {
        outcome = call_arguments_call(&self->arguments, self->fn);
    }
    int status = STATUS_RETURNED;
    if (outcome == NULL) {
        outcome = compat_fetch_exception();
        status = STATUS_RAISED;
    }
    self->outcome = outcome;
    Py_CLEAR(self->fn);
    call_arguments_clear(&self->arguments);
    return status;
}

/* The final state is what _state shows from now on (see future_get_state_name). */
static void publish_final_state(future_object *self) {
    /* release: pairs with future_get_state_name's acquire. */
    cymade_atomic_u64_store(&self->final_published, 1, memory_order_release);
}

/* Publishes the final state and tells each concurrent.futures waiter
 * (wait(), as_completed()) about it in one step under the condition of
 * `waiting`, the way concurrent.futures.Future does. */
static void notify_waiters(future_object *self, PyObject *waiting) {
    PyObject *condition = PyTuple_GET_ITEM(waiting, 0);
    PyObject *entered = PyObject_CallMethod(condition, "acquire", NULL);
    publish_final_state(self); /* even if acquiring failed: _state must not stay behind */
    if (entered == NULL) {
        PyErr_WriteUnraisable((PyObject *)self);
        return;
    }
    Py_DECREF(entered);
    const char *method = cymade_future_get_state(&self->core) == CYMADE_FUTURE_CANCELLED ? "add_cancelled"
                         : self->core.status == STATUS_RAISED                            ? "add_exception"
                                                                                         : "add_result";
    PyObject *waiters = PySequence_List(PyTuple_GET_ITEM(waiting, 1));
    for (Py_ssize_t i = 0; waiters != NULL && i < PyList_GET_SIZE(waiters); i++) {
        PyObject *done = PyObject_CallMethod(PyList_GET_ITEM(waiters, i), method, "O", (PyObject *)self);
        if (done == NULL) {
            PyErr_WriteUnraisable((PyObject *)self);
        }
        Py_XDECREF(done);
    }
    Py_XDECREF(waiters);
    PyObject *notified = PyObject_CallMethod(condition, "notify_all", NULL);
    PyObject *left = PyObject_CallMethod(condition, "release", NULL);
    if (notified == NULL || left == NULL) {
        PyErr_WriteUnraisable((PyObject *)self);
    }
    Py_XDECREF(notified);
    Py_XDECREF(left);
}

static void run_done_callback(future_object *self, PyObject *callback) {
    PyObject *returned = PyObject_CallOneArg(callback, (PyObject *)self);
    if (returned == NULL) {
        report_unhandled_error(self->pool_ref, (PyObject *)self);
    }
    Py_XDECREF(returned);
}

/* The future stays alive throughout: the completing worker or the
 * cancelling caller holds a reference (cymade/future.h). */
static void future_final_fn(cymade_future *core) {
    future_object *self = from_core(core);
    gil_guard guard = gil_guard_enter();
    PyObject *saved = PyErr_Occurred() ? compat_fetch_exception() : NULL;
    PyObject *callbacks;
    PyObject *waiting;
    compat_critical_section section;
    compat_critical_section_begin(&section, (PyObject *)self);
    callbacks = self->callbacks;
    self->callbacks = NULL;
    waiting = Py_XNewRef(self->waiting);
    if (waiting == NULL) {
        /* In the section that creates the condition: no waiter exists. */
        publish_final_state(self);
    }
    compat_critical_section_end(&section);
    if (waiting != NULL) {
        notify_waiters(self, waiting);
        Py_DECREF(waiting);
    }
    for (Py_ssize_t i = 0; callbacks != NULL && i < PyList_GET_SIZE(callbacks); i++) {
        run_done_callback(self, PyList_GET_ITEM(callbacks, i));
    }
    Py_XDECREF(callbacks);
    if (saved != NULL) {
        compat_raise_exception(saved);
        Py_DECREF(saved);
    }
    gil_guard_exit(guard);
}

/* ---------------------------------------------------------------------------
 * Creation and GC
 * ------------------------------------------------------------------------- */

future_object *future_object_create(threadpool_state *state, PyObject *pool_ref, PyObject *fn, PyObject *const *args,
                                    Py_ssize_t nargs, PyObject *kwnames) {
    /* PyObject_GC_New does not zero: every field is set here, before the
     * object can be freed (on an error path).  Not tracked: see the top of
     * this file. */
    future_object *self = PyObject_GC_New(future_object, state->future_type);
    if (self == NULL) {
        return NULL;
    }
    compat_pyclass_init_weakrefs((PyObject *)self);
    self->fn = Py_NewRef(fn);
    self->outcome = NULL;
    self->pool_ref = Py_XNewRef(pool_ref);
    self->callbacks = NULL;
    self->waiting = NULL;
    lazy_object_init(&self->uuid);
    cymade_atomic_u64_init(&self->outcome_retrieved, 0);
    cymade_atomic_u64_init(&self->final_published, 0);
    cymade_future_init(&self->core, future_object_run_job, self, future_free_fn);
    self->core.final_fn = future_final_fn;
    if (call_arguments_store(&self->arguments, args, nargs, kwnames) < 0) {
        Py_DECREF(self);
        return NULL;
    }
    Py_INCREF(self); /* the engine's reference; see the top of this file */
    return self;
}

static int future_traverse(future_object *self, visitproc visit, void *arg) {
    Py_VISIT(Py_TYPE(self));
    Py_VISIT(self->fn);
    int rc = call_arguments_traverse(&self->arguments, visit, arg);
    if (rc != 0) {
        return rc;
    }
    Py_VISIT(self->outcome);
    Py_VISIT(self->pool_ref);
    Py_VISIT(self->callbacks);
    Py_VISIT(self->waiting);
    rc = compat_pyclass_visit_dict((PyObject *)self, visit, arg);
    if (rc != 0) {
        return rc;
    }
    LAZY_OBJECT_VISIT(&self->uuid);
    return 0;
}

static int future_clear(future_object *self) {
    Py_CLEAR(self->fn);
    call_arguments_clear(&self->arguments);
    Py_CLEAR(self->outcome);
    Py_CLEAR(self->pool_ref);
    Py_CLEAR(self->callbacks);
    Py_CLEAR(self->waiting);
    compat_pyclass_clear_dict((PyObject *)self);
    lazy_object_clear(&self->uuid);
    return 0;
}

/* Whether the future holds an exception nobody retrieved: its finalizer
 * reports it. */
static bool has_unretrieved_exception(future_object *self) {
    /* relaxed: a flag; the outcome itself is published by the final state. */
    return !cymade_atomic_u64_load(&self->outcome_retrieved, memory_order_relaxed) &&
           self->core.status == STATUS_RAISED && self->outcome != NULL &&
           cymade_future_get_state(&self->core) == CYMADE_FUTURE_DONE;
}

/* PEP 442 finalizer: an exception nobody retrieved is reported, as asyncio
 * does, since the job's failure would otherwise vanish silently.  Not once
 * the interpreter is finalizing: reporting needs modules (traceback, the
 * pool's report_error) that may be gone, and would only add noise at exit. */
static void future_finalize(future_object *self) {
    if (!has_unretrieved_exception(self) || compat_is_finalizing()) {
        return;
    }
    PyObject *saved = PyErr_Occurred() ? compat_fetch_exception() : NULL;
    cymade_atomic_u64_store(&self->outcome_retrieved, 1, memory_order_relaxed); /* relaxed: a flag */
    compat_raise_exception(self->outcome);
    report_unhandled_error(self->pool_ref, (PyObject *)self);
    if (saved != NULL) {
        compat_raise_exception(saved);
        Py_DECREF(saved);
    }
}

static void future_dealloc(future_object *self) {
    /* The finalizer only acts on an unretrieved exception, so the common
     * dealloc skips its protocol.  Tracked while it runs, as CPython's
     * subtype_dealloc does, so that a future it resurrects stays
     * collectable. */
    if (has_unretrieved_exception(self)) {
        if (!PyObject_GC_IsTracked((PyObject *)self)) {
            PyObject_GC_Track(self);
        }
        if (PyObject_CallFinalizerFromDealloc((PyObject *)self) < 0) {
            return; /* resurrected */
        }
    }
    PyTypeObject *type = Py_TYPE(self);
    PyObject_GC_UnTrack(self);
    compat_pyclass_clear_weakrefs((PyObject *)self);
    future_clear(self);
    type->tp_free((PyObject *)self);
    Py_DECREF(type);
}

/* ---------------------------------------------------------------------------
 * Waiting
 * ------------------------------------------------------------------------- */

/* A timeout in seconds as wait_final_ns takes it: -1 (forever) for
 * huge ones, 0 for negative ones (no wait at all, like
 * concurrent.futures).  -1 with ValueError for NaN. */
static int timeout_seconds_to_ns(double seconds, int64_t *remaining_ns) {
    if (isnan(seconds)) {
        PyErr_SetString(PyExc_ValueError, "timeout must not be NaN");
        return -1;
    }
    *remaining_ns = seconds <= 0 ? 0 : seconds >= 9.2e9 ? -1 : (int64_t)(seconds * 1e9);
    return 0;
}

/* Waits until the future is final, or `remaining_ns` passed (< 0: no
 * limit).  0, or -1 with TimeoutError or a signal's exception
 * (KeyboardInterrupt) set. */
static int wait_final_ns(cymade_future *core, int64_t remaining_ns) {
    if (cymade_future_is_final(core)) {
        return 0;
    }
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        int64_t slice = (remaining_ns < 0 || remaining_ns > WAIT_SLICE_NS) ? WAIT_SLICE_NS : remaining_ns;
        int rc;
        Py_BEGIN_ALLOW_THREADS
        rc = cymade_future_wait(core, slice);
        Py_END_ALLOW_THREADS
        if (rc == CYMADE_OK) {
            return 0;
        }
        if (PyErr_CheckSignals() < 0) {
            return -1;
        }
        if (remaining_ns >= 0) {
            struct timespec now;
            clock_gettime(CLOCK_MONOTONIC, &now);
            int64_t elapsed = (int64_t)(now.tv_sec - start.tv_sec) * 1000000000 + (now.tv_nsec - start.tv_nsec);
            if (elapsed >= remaining_ns) {
                PyErr_SetNone(PyExc_TimeoutError);
                return -1;
            }
        }
    }
}

/* wait_final_ns with result()'s `timeout` object (None: no limit); -1 also
 * with the error of a bad timeout. */
static int wait_final(future_object *self, PyObject *timeout) {
    int64_t remaining_ns = -1;
    if (timeout != NULL && timeout != Py_None) {
        double seconds = PyFloat_AsDouble(timeout);
        if ((seconds == -1.0 && PyErr_Occurred()) || timeout_seconds_to_ns(seconds, &remaining_ns) < 0) {
            return -1;
        }
    }
    return wait_final_ns(&self->core, remaining_ns);
}

int future_core_wait(cymade_future *core, double timeout_seconds) {
    int64_t remaining_ns;
    if (timeout_seconds_to_ns(timeout_seconds, &remaining_ns) < 0) {
        return -1;
    }
    return wait_final_ns(core, remaining_ns);
}

/* The optional `timeout` argument of result() and exception(), by position
 * or keyword, into *timeout (borrowed; Py_None when absent).  0, or -1 with
 * TypeError set. */
static int parse_timeout(PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames, const char *function,
                         PyObject **timeout) {
    *timeout = Py_None;
    Py_ssize_t nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
    if (nargs + nkw > 1) {
        PyErr_Format(PyExc_TypeError, "%s() takes at most 1 argument (%zd given)", function, nargs + nkw);
        return -1;
    }
    if (nkw == 1 && PyUnicode_CompareWithASCIIString(PyTuple_GET_ITEM(kwnames, 0), "timeout") != 0) {
        PyErr_Format(PyExc_TypeError, "%s() got an unexpected keyword argument '%S'", function,
                     PyTuple_GET_ITEM(kwnames, 0));
        return -1;
    }
    if (nargs + nkw == 1) {
        *timeout = args[0]; /* a keyword's value follows the positional ones */
    }
    return 0;
}

/* ---------------------------------------------------------------------------
 * Methods
 * ------------------------------------------------------------------------- */

static PyObject *future_cancel(future_object *self, PyObject *Py_UNUSED(ignored)) {
    if (cymade_future_get_state(&self->core) == CYMADE_FUTURE_CANCELLED) {
        Py_RETURN_TRUE;
    }
    return PyBool_FromLong(cymade_future_cancel(&self->core));
}

static PyObject *future_cancelled(future_object *self, PyObject *Py_UNUSED(ignored)) {
    return PyBool_FromLong(cymade_future_get_state(&self->core) == CYMADE_FUTURE_CANCELLED);
}

static PyObject *future_running(future_object *self, PyObject *Py_UNUSED(ignored)) {
    return PyBool_FromLong(cymade_future_get_state(&self->core) == CYMADE_FUTURE_RUNNING);
}

static PyObject *future_done(future_object *self, PyObject *Py_UNUSED(ignored)) {
    return PyBool_FromLong(cymade_future_is_final(&self->core));
}

/* After a successful wait: refuse a cancelled future, and mark the outcome
 * as retrieved.  0, or -1 with CancelledError set. */
static int check_done(future_object *self) {
    if (cymade_future_get_state(&self->core) == CYMADE_FUTURE_CANCELLED) {
        PyErr_SetNone(state_of(self)->cancelled_error);
        return -1;
    }
    cymade_atomic_u64_store(&self->outcome_retrieved, 1, memory_order_relaxed); /* relaxed: a flag */
    return 0;
}

/* The common part of result() and exception(): parse the timeout, wait,
 * and refuse a cancelled future.  0 when done, -1 with an exception set;
 * marks the outcome as retrieved. */
static int wait_done(future_object *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames,
                     const char *method) {
    PyObject *timeout;
    if (parse_timeout(args, nargs, kwnames, method, &timeout) < 0 || wait_final(self, timeout) < 0) {
        return -1;
    }
    return check_done(self);
}

/* The outcome of a done future: its value, or NULL with its exception. */
static PyObject *outcome_of(future_object *self) {
    if (self->core.status == STATUS_RAISED) {
        compat_raise_exception(self->outcome);
        return NULL;
    }
    return Py_NewRef(self->outcome);
}

static PyObject *future_result(future_object *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    if (wait_done(self, args, nargs, kwnames, "result") < 0) {
        return NULL;
    }
    return outcome_of(self);
}

static PyObject *future_exception(future_object *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    if (wait_done(self, args, nargs, kwnames, "exception") < 0) {
        return NULL;
    }
    return Py_NewRef(self->core.status == STATUS_RAISED ? self->outcome : Py_None);
}

static PyObject *future_add_done_callback(future_object *self, PyObject *callback) {
    if (!PyCallable_Check(callback)) {
        return PyErr_Format(PyExc_TypeError, "add_done_callback() needs a callable, not %.100s",
                            Py_TYPE(callback)->tp_name);
    }
    bool run_now = false;
    int rc = 0;
    compat_critical_section section;
    compat_critical_section_begin(&section, (PyObject *)self);
    /* The engine marks the state final before calling future_final_fn,
     * which takes the list: a callback is either in the list it takes, or
     * sees the final state here and runs at once. */
    if (cymade_future_is_final(&self->core)) {
        run_now = true;
    } else {
        if (self->callbacks == NULL) {
            self->callbacks = PyList_New(0);
        }
        rc = self->callbacks ? PyList_Append(self->callbacks, callback) : -1;
    }
    compat_critical_section_end(&section);
    if (rc < 0) {
        return NULL;
    }
    if (run_now) {
        run_done_callback(self, callback);
    }
    Py_RETURN_NONE;
}

/* (done, cancelled, result, exception) in one step: concurrent.futures
 * defines it from 3.15 on, and asyncio.wrap_future copies a finished future
 * through it.  The outcome counts as retrieved: it is handed on. */
static PyObject *future_get_snapshot(future_object *self, PyObject *Py_UNUSED(ignored)) {
    cymade_future_state state = cymade_future_get_state(&self->core);
    if (state == CYMADE_FUTURE_CANCELLED) {
        return Py_BuildValue("(OOOO)", Py_True, Py_True, Py_None, Py_None);
    }
    if (state != CYMADE_FUTURE_DONE) {
        return Py_BuildValue("(OOOO)", Py_False, Py_False, Py_None, Py_None);
    }
    cymade_atomic_u64_store(&self->outcome_retrieved, 1, memory_order_relaxed); /* relaxed: a flag */
    bool raised = self->core.status == STATUS_RAISED;
    return Py_BuildValue("(OOOO)", Py_True, Py_False, raised ? Py_None : self->outcome,
                         raised ? self->outcome : Py_None);
}

static PyObject *future_refuse_completion(future_object *self, PyObject *Py_UNUSED(args)) {
    return PyErr_Format(PyExc_RuntimeError, "a %.100s is completed by its ThreadPool, not by callers",
                        Py_TYPE(self)->tp_name);
}

static PyObject *future_repr(future_object *self) {
    static const char *const names[] = {"pending", "running", "finished", "cancelled"};
    cymade_future_state state = cymade_future_get_state(&self->core);
    if (state == CYMADE_FUTURE_DONE) {
        return PyUnicode_FromFormat("<%s at %p state=finished %s %s>", Py_TYPE(self)->tp_name, self,
                                    self->core.status == STATUS_RAISED ? "raised" : "returned",
                                    Py_TYPE(self->outcome)->tp_name);
    }
    return PyUnicode_FromFormat("<%s at %p state=%s>", Py_TYPE(self)->tp_name, self, names[state]);
}

/* await fut: the asyncio bridge is asyncio.wrap_future, imported the first
 * time any future is awaited. */
static PyObject *future_await(future_object *self) {
    PyObject *wrap_future = lazy_import(&state_of(self)->wrap_future, "asyncio", "wrap_future");
    if (wrap_future == NULL) {
        return NULL;
    }
    PyObject *wrapped = PyObject_CallOneArg(wrap_future, (PyObject *)self);
    if (wrapped == NULL) {
        return NULL;
    }
    PyObject *iterator = PyObject_CallMethod(wrapped, "__await__", NULL);
    Py_DECREF(wrapped);
    return iterator;
}

/* ---------------------------------------------------------------------------
 * Attributes used by concurrent.futures.wait() and as_completed()
 * ------------------------------------------------------------------------- */

/* concurrent.futures changes _state and notifies the waiters in one step,
 * under _condition, and wait() and as_completed() read _state under it
 * too: a future counted as finished there must never notify them again.
 * So _state shows the final state only once it is published, in the same
 * step as that notification (future_final_fn); until then a finished job
 * still shows RUNNING, and a cancelled one CANCELLED, as in the stdlib. */
static PyObject *future_get_state_name(future_object *self, void *Py_UNUSED(closure)) {
    cymade_future_state state = cymade_future_get_state(&self->core);
    int name = (int)state;
    /* acquire: pairs with publish_final_state's release. */
    bool final = state == CYMADE_FUTURE_DONE || state == CYMADE_FUTURE_CANCELLED;
    if (final && cymade_atomic_u64_load(&self->final_published, memory_order_acquire) == 0) {
        name = state == CYMADE_FUTURE_DONE ? STATE_NAME_RUNNING : STATE_NAME_CANCELLED;
    }
    return Py_NewRef(PyTuple_GET_ITEM(state_of(self)->future_states, name));
}

/* Item `index` of `waiting` ((condition, waiters), created with both on
 * first use): a new reference, or NULL with an exception set. */
static PyObject *waiting_item(future_object *self, Py_ssize_t index) {
    PyObject *item = NULL;
    compat_critical_section section;
    compat_critical_section_begin(&section, (PyObject *)self);
    if (self->waiting == NULL) {
        PyObject *condition = PyObject_CallNoArgs(state_of(self)->condition_class);
        PyObject *waiters = condition ? PyList_New(0) : NULL;
        self->waiting = waiters ? PyTuple_Pack(2, condition, waiters) : NULL;
        Py_XDECREF(waiters);
        Py_XDECREF(condition);
    }
    if (self->waiting != NULL) {
        item = Py_NewRef(PyTuple_GET_ITEM(self->waiting, index));
    }
    compat_critical_section_end(&section);
    return item;
}

static PyObject *future_get_condition(future_object *self, void *Py_UNUSED(closure)) {
    return waiting_item(self, 0);
}

static PyObject *future_get_waiters(future_object *self, void *Py_UNUSED(closure)) {
    return waiting_item(self, 1);
}

static PyObject *future_get_uuid(future_object *self, void *Py_UNUSED(closure)) {
    PyObject *uuid = lazy_object_get(&self->uuid);
    if (uuid == NULL) {
        PyObject *uuid4 = lazy_import(&state_of(self)->uuid4, "uuid", "uuid4");
        if (uuid4 == NULL) {
            return NULL;
        }
        uuid = lazy_object_install(&self->uuid, PyObject_CallNoArgs(uuid4));
    }
    return Py_XNewRef(uuid);
}

static PyMethodDef future_methods[] = {
    {"cancel", (PyCFunction)future_cancel, METH_NOARGS,
     "cancel()\n--\n\nCancel the job if it has not started; True if it is (now) cancelled."},
    {"cancelled", (PyCFunction)future_cancelled, METH_NOARGS, "cancelled()\n--\n\nTrue if the job was cancelled."},
    {"running", (PyCFunction)future_running, METH_NOARGS, "running()\n--\n\nTrue while the job is running."},
    {"done", (PyCFunction)future_done, METH_NOARGS, "done()\n--\n\nTrue once the job finished or was cancelled."},
    {"result", (PyCFunction)(void (*)(void))future_result, METH_FASTCALL | METH_KEYWORDS,
     "result(timeout=None)\n--\n\nThe job's return value; re-raises its exception.\n\n"
     "Waits up to `timeout` seconds (None: forever) and raises TimeoutError after that,\n"
     "CancelledError if the job was cancelled."},
    {"exception", (PyCFunction)(void (*)(void))future_exception, METH_FASTCALL | METH_KEYWORDS,
     "exception(timeout=None)\n--\n\nThe exception the job raised, or None; waits like result()."},
    {"add_done_callback", (PyCFunction)future_add_done_callback, METH_O,
     "add_done_callback(fn)\n--\n\nCall fn(future) once it is done or cancelled: on the thread that completes\n"
     "it, or at once if it already is.  Exceptions from fn go to ThreadPool.report_error."},
    {"_get_snapshot", (PyCFunction)future_get_snapshot, METH_NOARGS,
     "_get_snapshot()\n--\n\n(done, cancelled, result, exception), read at one instant."},
    {"set_running_or_notify_cancel", (PyCFunction)future_refuse_completion, METH_NOARGS,
     "Not supported: the ThreadPool completes its futures."},
    {"set_result", (PyCFunction)future_refuse_completion, METH_O,
     "Not supported: the ThreadPool completes its futures."},
    {"set_exception", (PyCFunction)future_refuse_completion, METH_O,
     "Not supported: the ThreadPool completes its futures."},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef future_getset[] = {
    {"uuid", (getter)future_get_uuid, NULL, "A uuid.UUID naming this future (created on first access).", NULL},
    {"_state", (getter)future_get_state_name, NULL, "The state, as concurrent.futures names it.", NULL},
    {"_condition", (getter)future_get_condition, NULL, "For concurrent.futures.wait(); created on demand.", NULL},
    {"_waiters", (getter)future_get_waiters, NULL, "For concurrent.futures.wait(); created on demand.", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyMemberDef future_members[] = {
    COMPAT_PYCLASS_WEAKLIST_MEMBER{NULL, 0, 0, 0, NULL},
};

static PyType_Slot future_slots[] = {
    {Py_tp_doc, "The result of a ThreadPool job: a concurrent.futures.Future that can be awaited.\n\n"
                "Everything the job wrote is visible to whoever sees the future done: after\n"
                "result() or exception() returns, once done() is True, and in done-callbacks."},
    {Py_tp_dealloc, future_dealloc},
    {Py_tp_finalize, future_finalize},
    {Py_tp_traverse, future_traverse},
    {Py_tp_clear, future_clear},
    {Py_tp_repr, future_repr},
    {Py_tp_methods, future_methods},
    {Py_tp_getset, future_getset},
    {Py_tp_members, future_members},
    {Py_am_await, future_await},
    {0, NULL},
};

static PyType_Spec future_spec = {
    .name = "cymade.threadpool.Future",
    .basicsize = sizeof(future_object),
    /* Not Py_TPFLAGS_IMMUTABLETYPE: the base, concurrent.futures.Future, is a
     * mutable Python class, and CPython refuses an immutable type over a
     * mutable base (a DeprecationWarning on 3.12 and 3.13, a TypeError from
     * 3.14 on). */
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_DISALLOW_INSTANTIATION,
    .slots = future_slots,
};

int future_type_init(PyObject *module, threadpool_state *state) {
    PyObject *base_module = PyImport_ImportModule("concurrent.futures._base");
    if (base_module == NULL) {
        return -1;
    }
    PyObject *base = PyObject_GetAttrString(base_module, "Future");
    state->cancelled_error = PyObject_GetAttrString(base_module, "CancelledError");
    /* In the order of cymade_future_state, then STATE_NAME_CANCELLED. */
    state->future_states = Py_BuildValue(
        "(NNNNN)", PyObject_GetAttrString(base_module, "PENDING"), PyObject_GetAttrString(base_module, "RUNNING"),
        PyObject_GetAttrString(base_module, "FINISHED"), PyObject_GetAttrString(base_module, "CANCELLED_AND_NOTIFIED"),
        PyObject_GetAttrString(base_module, "CANCELLED"));
    Py_DECREF(base_module);
    if (base == NULL || state->cancelled_error == NULL || state->future_states == NULL) {
        Py_XDECREF(base);
        return -1;
    }
    /* Our fields start where concurrent.futures.Future's instance layout
     * ends; refuse to load on a Python whose layout we do not match. */
    if (!PyType_Check(base) || !compat_pyclass_layout_matches((PyTypeObject *)base) ||
        ((PyTypeObject *)base)->tp_basicsize != (Py_ssize_t)offsetof(future_object, core)) {
        PyErr_SetString(PyExc_ImportError, "cymade: unsupported concurrent.futures.Future instance layout");
        Py_DECREF(base);
        return -1;
    }
    state->future_type = (PyTypeObject *)PyType_FromModuleAndSpec(module, &future_spec, base);
    Py_DECREF(base);
    if (state->future_type == NULL) {
        return -1;
    }
    PyObject *threading = PyImport_ImportModule("threading");
    if (threading == NULL) {
        return -1;
    }
    state->condition_class = PyObject_GetAttrString(threading, "Condition");
    Py_DECREF(threading);
    if (state->condition_class == NULL) {
        return -1;
    }
    return PyModule_AddType(module, state->future_type);
}
