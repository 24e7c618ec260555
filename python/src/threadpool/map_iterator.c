#include "map_iterator.h"

#include <stdbool.h>

#include "cymade/internal/monotonic_clock.h"
#include "future.h"

typedef struct map_iterator {
    PyObject_HEAD map_jobs jobs; /* the jobs not reached yet */
    threadpool_state *state;
    double deadline;
    bool started; /* next() was called: see the top of map_iterator.h */
} map_iterator;

/* Cancels the jobs not reached, drops them, and ends the iteration. */
static void cancel_remaining(map_iterator *self) {
    for (map_job *job; (job = map_jobs_take(&self->jobs)) != NULL;) {
        cymade_future_cancel(&job->core);
        map_job_release(job);
    }
}

static PyObject *map_iterator_next_locked(map_iterator *self) {
    self->started = true;
    /* Taken before waiting, which releases the GIL: a concurrent next()
     * takes the following job. */
    map_job *job = map_jobs_take(&self->jobs);
    if (job == NULL) {
        return NULL; /* StopIteration */
    }
    /* +inf stays +inf: no deadline. */
    double timeout = self->deadline - (double)monotonic_clock_ns() * 1e-9;
    PyObject *result = future_core_wait(&job->core, timeout) < 0 ? NULL : map_job_outcome(job, self->state);
    if (result == NULL) {
        /* As Executor.map: the failed job is cancelled (a running one after
         * a timeout keeps running), then every later one. */
        PyObject *error = compat_fetch_exception();
        cymade_future_cancel(&job->core);
        cancel_remaining(self);
        compat_raise_exception(error);
        Py_DECREF(error);
    }
    map_job_release(job);
    return result;
}

static PyObject *map_iterator_next(map_iterator *self) {
    PyObject *result;
    compat_critical_section section;
    compat_critical_section_begin(&section, (PyObject *)self);
    result = map_iterator_next_locked(self);
    compat_critical_section_end(&section);
    return result;
}

/* Ends the iteration; cancels what was not reached once it had started,
 * else only lets go of the jobs, which still run. */
static void finish_iteration(map_iterator *self) {
    if (self->started) {
        cancel_remaining(self);
    }
    map_jobs_clear(&self->jobs);
    self->started = true;
}

static PyObject *map_iterator_close(map_iterator *self, PyObject *Py_UNUSED(ignored)) {
    compat_critical_section section;
    compat_critical_section_begin(&section, (PyObject *)self);
    finish_iteration(self);
    compat_critical_section_end(&section);
    Py_RETURN_NONE;
}

static int map_iterator_traverse(map_iterator *self, visitproc visit, void *arg) {
    Py_VISIT(Py_TYPE(self));
    return map_jobs_traverse(&self->jobs, visit, arg);
}

/* Breaks a cycle through the iterator: drops the jobs without cancelling
 * them. */
static int map_iterator_clear(map_iterator *self) {
    map_jobs_clear(&self->jobs);
    return 0;
}

/* Dropping the iterator is closing it, as for Executor.map's generator. */
static void map_iterator_dealloc(map_iterator *self) {
    PyTypeObject *type = Py_TYPE(self);
    PyObject_GC_UnTrack(self);
    PyObject *saved = PyErr_Occurred() ? compat_fetch_exception() : NULL;
    finish_iteration(self);
    if (saved != NULL) {
        compat_raise_exception(saved);
        Py_DECREF(saved);
    }
    type->tp_free((PyObject *)self);
    Py_DECREF(type);
}

PyObject *map_iterator_create(threadpool_state *state, map_jobs *jobs, double deadline) {
    map_iterator *self = PyObject_GC_New(map_iterator, state->map_iterator_type);
    if (self == NULL) {
        map_jobs_clear(jobs);
        return NULL;
    }
    self->jobs = *jobs;
    self->state = state;
    self->deadline = deadline;
    self->started = false;
    PyObject_GC_Track(self);
    return (PyObject *)self;
}

static PyMethodDef map_iterator_methods[] = {
    {"close", (PyCFunction)map_iterator_close, METH_NOARGS,
     "close()\n--\n\nCancel the jobs whose results were not taken yet, and end the iteration."},
    {NULL, NULL, 0, NULL},
};

static PyType_Slot map_iterator_slots[] = {
    {Py_tp_doc, "The results of ThreadPool.map(), in order."},
    {Py_tp_dealloc, map_iterator_dealloc},
    {Py_tp_traverse, map_iterator_traverse},
    {Py_tp_clear, map_iterator_clear},
    {Py_tp_iter, PyObject_SelfIter},
    {Py_tp_iternext, map_iterator_next},
    {Py_tp_methods, map_iterator_methods},
    {0, NULL},
};

static PyType_Spec map_iterator_spec = {
    .name = "cymade._threadpool.MapIterator",
    .basicsize = sizeof(map_iterator),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_IMMUTABLETYPE | Py_TPFLAGS_DISALLOW_INSTANTIATION,
    .slots = map_iterator_slots,
};

int map_iterator_type_init(PyObject *module, threadpool_state *state) {
    state->map_iterator_type = (PyTypeObject *)PyType_FromModuleAndSpec(module, &map_iterator_spec, NULL);
    return state->map_iterator_type == NULL ? -1 : 0;
}
