/*
 * cymade._atomic, layer 2 (objects; see atomic_module.c for the layers):
 * what every later file shares — the object layouts, the memory orders, how
 * to recognise our objects and read their values (atomic_objects.c).
 *
 * Memory orders.  Python users expect sequentially consistent behaviour, so
 * every access is seq_cst: loads are plain MOVs on x86, every RMW is a LOCK'd
 * instruction whatever its order, so this costs nothing on x86 and keeps one
 * total order of all operations (errors included) on weaker machines.
 *
 * Errors never store: each operation computes the new value from a loaded old
 * value, validates it, and only then publishes it with a compare-exchange; a
 * failed compare-exchange reloads and recomputes.
 */
#ifndef CYMADE_PY_ATOMIC_OBJECTS_H
#define CYMADE_PY_ATOMIC_OBJECTS_H

#include "compat.h"

#include <stdbool.h>
#include <stdint.h>

#include "cymade/atomic.h"

/* Every successful RMW publishes with seq_cst: one total order for all
 * operations on all atomics, which is what Python code assumes. */
#define RMW_ORDER memory_order_seq_cst
/* Loads (including a failed CAS's reload) are seq_cst: the value may become the
 * basis of an exception (e.g. "U64 below zero"), which must then be a value the
 * atomic held at a point of the same total order; free on x86. */
#define LOAD_ORDER memory_order_seq_cst
/* Plain stores (store()) are seq_cst so store-then-load across two atomics
 * cannot reorder (store buffering), as a Python user would expect. */
#define STORE_ORDER memory_order_seq_cst

/* U64 and I64 share one layout: the 64 bits are stored unsigned and read as
 * int64_t when is_signed (two's complement, so a bitwise compare-exchange is
 * the same for both).  Thread safety: `bits` is an atomic; the other fields
 * are immutable after construction. */
typedef struct {
    PyObject_HEAD cymade_atomic_u64 bits;
    bool is_signed;    /* I64 if true, U64 if false; fixed at construction */
    PyObject *on_zero; /* U64 only: callable or NULL; fixed after construction */
    PyObject *weakreflist;
} Int64Object;

typedef struct {
    PyObject_HEAD
        /* An exact PyLong (never NULL except after tp_clear), replaced whole
     * under `lock`.  The lock is a real mutex, not the GIL: on 3.13+ it is a
     * PyMutex, which detaches the thread state while it waits. */
        PyObject *value;
    compat_mutex lock;
    PyObject *weakreflist;
} BigIntObject;

/* Thread safety: `value` is an atomic; nothing else changes. */
typedef struct {
    PyObject_HEAD cymade_atomic_f64 value;
    PyObject *weakreflist;
} FloatObject;

enum atomic_kind { KIND_NONE, KIND_INT64, KIND_BIGINT, KIND_FLOAT };

/* tp_dealloc of U64 and I64, of Int, of Float (atomic_objects.c). */
void int64_dealloc(PyObject *self);
void bigint_dealloc(PyObject *self);
void float_dealloc(PyObject *self);

/* Which of our types `o` is.  Compares tp_dealloc, not the type object, so it
 * also recognises instances from another interpreter's copy of the module. */
static inline enum atomic_kind atomic_kind_of(PyObject *o) {
    destructor d = Py_TYPE(o)->tp_dealloc;
    if (d == int64_dealloc) {
        return KIND_INT64;
    }
    if (d == bigint_dealloc) {
        return KIND_BIGINT;
    }
    if (d == float_dealloc) {
        return KIND_FLOAT;
    }
    return KIND_NONE;
}

/* The current values as plain numbers (new references). */
static inline PyObject *int64_bits_to_pylong(bool is_signed, uint64_t bits) {
    return is_signed ? PyLong_FromLongLong((long long)(int64_t)bits) : PyLong_FromUnsignedLongLong(bits);
}
PyObject *bigint_get(BigIntObject *self);

/* New reference to the plain number an atomic of `kind` holds, or to `o`
 * itself for KIND_NONE. */
PyObject *atomic_plain(PyObject *o, enum atomic_kind kind);

#endif /* CYMADE_PY_ATOMIC_OBJECTS_H */
