/*
 * cymade._atomic, layer 4 (number protocol; see atomic_module.c for the
 * layers): the behaviour all four types share by acting as their plain
 * value — binary and unary operators returning plain numbers, comparisons,
 * repr, __format__/__round__/... — plus the slot and method tables built from
 * it and from each type's own load/store/exchange/compare_exchange/fetch_*.
 */
#ifndef CYMADE_PY_NUMBER_PROTOCOL_H
#define CYMADE_PY_NUMBER_PROTOCOL_H

#include "atomic_objects.h"
#include "checked_ops.h"

/* `a OP b` on plain Python numbers (`**` without a modulus). */
PyObject *python_binop(cm_op op, PyObject *a, PyObject *b);

/* The forwarded methods of PLAIN_NUMBER_METHODS. */
PyObject *num_format(PyObject *self, PyObject *spec);
PyObject *num_round(PyObject *self, PyObject *const *args, Py_ssize_t nargs);
PyObject *num_trunc(PyObject *self, PyObject *ignored);
PyObject *num_floor(PyObject *self, PyObject *ignored);
PyObject *num_ceil(PyObject *self, PyObject *ignored);

/* The type of `spec` with, added to its own slots, those of a plain number
 * (repr, comparisons, operators returning plain numbers, no __hash__: the
 * value is mutable) and, if is_integer, of a plain int (bit operators,
 * __index__, and a /= that refuses rather than rebinding to a float). */
PyTypeObject *atomic_type_from_spec(PyObject *module, const PyType_Spec *spec, bool is_integer);

#define FASTCALL_KW(fn) (PyCFunction)(void (*)(void))(fn), METH_FASTCALL | METH_KEYWORDS

/* The methods every type forwards to its plain value, for the end of its
 * method table (before the terminator). */
#define PLAIN_NUMBER_METHODS                                                                                       \
    {"__format__", (PyCFunction)num_format, METH_O, PyDoc_STR("Format the current value like the plain number.")}, \
        {"__round__", (PyCFunction)(void (*)(void))num_round, METH_FASTCALL,                                       \
         PyDoc_STR("round() of the current value, as for the plain number.")},                                     \
        {"__trunc__", num_trunc, METH_NOARGS, PyDoc_STR("math.trunc() of the current value.")},                    \
        {"__floor__", num_floor, METH_NOARGS, PyDoc_STR("math.floor() of the current value.")}, {                  \
        "__ceil__", num_ceil, METH_NOARGS, PyDoc_STR("math.ceil() of the current value.")                          \
    }

/* Docstrings that read the same for several types. */
#define INT_LOAD_DOC "load($self, /)\n--\n\nReturn the current value (an int)."
#define EXCHANGE_DOC "exchange($self, /, value)\n--\n\nSet the value and return the previous one."
#define FETCH_ADD_DOC "fetch_add($self, /, value)\n--\n\nAdd value atomically; return the previous value."
#define FETCH_SUB_DOC "fetch_sub($self, /, value)\n--\n\nSubtract value atomically; return the previous value."

/* The members table exposing the weak-reference list of `Type`. */
#define WEAKREF_MEMBERS(Type)                        \
    {                                                \
        COMPAT_WEAKLIST_MEMBER(Type, weakreflist), { \
            NULL                                     \
        }                                            \
    }

#endif /* CYMADE_PY_NUMBER_PROTOCOL_H */
