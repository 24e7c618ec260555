/*
 * cymade._atomic, layer 2 (objects; see atomic_module.c for the layers):
 * reading an atomic's current value as a plain number, and freeing it.
 */
#include "atomic_objects.h"

PyObject *bigint_get(BigIntObject *self) {
    compat_mutex_lock(&self->lock);
    PyObject *v = self->value;
    Py_XINCREF(v);
    compat_mutex_unlock(&self->lock);
    return v != NULL ? v : PyLong_FromLong(0);
}

PyObject *atomic_plain(PyObject *o, enum atomic_kind kind) {
    switch (kind) {
    case KIND_INT64: {
        Int64Object *self = (Int64Object *)o;
        return int64_bits_to_pylong(self->is_signed, cymade_atomic_u64_load(&self->bits, LOAD_ORDER));
    }
    case KIND_BIGINT: return bigint_get((BigIntObject *)o);
    case KIND_FLOAT: return PyFloat_FromDouble(cymade_atomic_f64_load(&((FloatObject *)o)->value, LOAD_ORDER));
    case KIND_NONE: break;
    }
    return Py_NewRef(o);
}

/* The deallocators live here, not with their types, because atomic_kind_of
 * recognises each type by its tp_dealloc. */

void int64_dealloc(PyObject *self) {
    PyTypeObject *tp = Py_TYPE(self);
    /* Only U64 is a GC type: its on_zero can form a cycle. */
    if (PyType_IS_GC(tp)) {
        PyObject_GC_UnTrack(self);
    }
    if (((Int64Object *)self)->weakreflist != NULL) {
        PyObject_ClearWeakRefs(self);
    }
    Py_CLEAR(((Int64Object *)self)->on_zero);
    tp->tp_free(self);
    Py_DECREF(tp);
}

void bigint_dealloc(PyObject *self) {
    PyTypeObject *tp = Py_TYPE(self);
    BigIntObject *io = (BigIntObject *)self;
    PyObject_GC_UnTrack(self);
    if (io->weakreflist != NULL) {
        PyObject_ClearWeakRefs(self);
    }
    Py_CLEAR(io->value);
    compat_mutex_free(&io->lock);
    tp->tp_free(self);
    Py_DECREF(tp);
}

void float_dealloc(PyObject *self) {
    PyTypeObject *tp = Py_TYPE(self);
    if (((FloatObject *)self)->weakreflist != NULL) {
        PyObject_ClearWeakRefs(self);
    }
    tp->tp_free(self);
    Py_DECREF(tp);
}
