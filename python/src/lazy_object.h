/*
 * lazy_object.h - a Python object created on first use, then immutable.
 *
 * Threads may race to create it, with the GIL or without (free-threaded
 * builds): each creates its own candidate, one compare-exchange installs
 * the winner, and the losers drop theirs.  Readers never take a lock.
 */
#ifndef CYMADE_PY_LAZY_OBJECT_H
#define CYMADE_PY_LAZY_OBJECT_H

#include "compat.h"

#include "cymade/atomic.h"

typedef struct lazy_object {
    cymade_atomic_ptr object; /* NULL until installed; owns one reference */
} lazy_object;

/* An empty slot, for memory that is not already zeroed. */
static inline void lazy_object_init(lazy_object *slot) {
    cymade_atomic_ptr_init(&slot->object, NULL);
}

/* The installed object (borrowed), or NULL if none yet.  acquire: pairs
 * with the installing compare-exchange, so the object's contents are seen
 * fully built. */
static inline PyObject *lazy_object_get(lazy_object *slot) {
    return cymade_atomic_ptr_load(&slot->object, memory_order_acquire);
}

/* Installs `created` (a new reference; NULL with an exception set passes
 * the exception on) unless another thread installed an object first.
 * Returns the installed object (borrowed), or NULL with the exception. */
static inline PyObject *lazy_object_install(lazy_object *slot, PyObject *created) {
    if (created == NULL) {
        return NULL;
    }
    void *expected = NULL;
    /* acq_rel: release publishes `created`; acquire (also on failure) sees
     * the winner's object fully built. */
    if (cymade_atomic_ptr_compare_exchange_strong(&slot->object, &expected, created, memory_order_acq_rel,
                                                  memory_order_acquire)) {
        return created;
    }
    Py_DECREF(created);
    return expected;
}

/* For tp_traverse. relaxed: the collector runs with the world stopped
 * (free-threaded) or under the GIL, after any installation it can see. */
#define LAZY_OBJECT_VISIT(slot) Py_VISIT((PyObject *)cymade_atomic_ptr_load(&(slot)->object, memory_order_relaxed))

/* For tp_clear and module clear: drops the installed object, if any.
 * acq_rel: the exchange takes ownership of exactly what was installed. */
static inline void lazy_object_clear(lazy_object *slot) {
    PyObject *object = cymade_atomic_ptr_exchange(&slot->object, NULL, memory_order_acq_rel);
    Py_XDECREF(object);
}

#endif /* CYMADE_PY_LAZY_OBJECT_H */
