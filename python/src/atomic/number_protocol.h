/*
 * cymade._atomic: the behaviour all four types share by acting as their plain
 * value — binary and unary operators returning plain numbers, comparisons,
 * repr, __format__/__round__/... — plus the slot and method tables built from
 * it and from each type's own load/store/exchange/compare_exchange/fetch_*.
 */
#ifndef CYMADE_PY_NUMBER_PROTOCOL_H
#define CYMADE_PY_NUMBER_PROTOCOL_H

#include "atomic_objects.h"
#include "checked_ops.h"

/* New reference to the plain number an atomic of `kind` holds, or to `o`
 * itself for KIND_NONE. */
PyObject *atomic_plain(PyObject *o, enum atomic_kind kind);

/* `a OP b` on plain Python numbers (`**` without a modulus). */
PyObject *python_binop(cm_op op, PyObject *a, PyObject *b);

/* The forwarded methods of ATOMIC_METHODS. */
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

/* The in-place operator slots of `prefix`_iadd, ... (see DEFINE_INPLACE_SLOT). */
#define INTEGER_INPLACE_SLOTS(prefix)                                                                              \
    ARITHMETIC_INPLACE_SLOTS(prefix), {Py_nb_inplace_lshift, prefix##_ilshift},                                    \
        {Py_nb_inplace_rshift, prefix##_irshift}, {Py_nb_inplace_and, prefix##_iand},                              \
        {Py_nb_inplace_or, prefix##_ior}, {Py_nb_inplace_xor, prefix##_ixor}

#define ARITHMETIC_INPLACE_SLOTS(prefix)                                                                           \
    {Py_nb_inplace_add, prefix##_iadd}, {Py_nb_inplace_subtract, prefix##_isub},                                   \
        {Py_nb_inplace_multiply, prefix##_imul}, {Py_nb_inplace_floor_divide, prefix##_ifloordiv},                 \
        {Py_nb_inplace_remainder, prefix##_imod}, {Py_nb_inplace_power, prefix##_ipow}

/* One slot function per operator, each calling
 * `prefix`_inplace(self, other, op), which is always_inline so `op` is a
 * constant in every copy. */
#define DEFINE_INPLACE_SLOT(prefix, name, op)                                                                      \
    static PyObject *prefix##_##name(PyObject *self, PyObject *other) {                                            \
        return prefix##_inplace(self, other, op);                                                                  \
    }
#define DEFINE_ARITHMETIC_INPLACE_SLOTS(prefix)                                                                    \
    DEFINE_INPLACE_SLOT(prefix, iadd, CM_ADD)                                                                      \
    DEFINE_INPLACE_SLOT(prefix, isub, CM_SUB)                                                                      \
    DEFINE_INPLACE_SLOT(prefix, imul, CM_MUL)                                                                      \
    DEFINE_INPLACE_SLOT(prefix, ifloordiv, CM_FLOORDIV)                                                            \
    DEFINE_INPLACE_SLOT(prefix, imod, CM_MOD)                                                                      \
    static PyObject *prefix##_ipow(PyObject *self, PyObject *other, PyObject *Py_UNUSED(mod)) {                    \
        return prefix##_inplace(self, other, CM_POW);                                                              \
    }
#define DEFINE_INTEGER_INPLACE_SLOTS(prefix)                                                                       \
    DEFINE_ARITHMETIC_INPLACE_SLOTS(prefix)                                                                        \
    DEFINE_INPLACE_SLOT(prefix, ilshift, CM_LSHIFT)                                                                \
    DEFINE_INPLACE_SLOT(prefix, irshift, CM_RSHIFT)                                                                \
    DEFINE_INPLACE_SLOT(prefix, iand, CM_AND)                                                                      \
    DEFINE_INPLACE_SLOT(prefix, ior, CM_OR)                                                                        \
    DEFINE_INPLACE_SLOT(prefix, ixor, CM_XOR)

/* fetch_add and fetch_sub as METH_FASTCALL|METH_KEYWORDS methods calling
 * `prefix`_fetch(self, args, nargs, kwnames, op, name). */
#define DEFINE_FETCH_METHODS(prefix)                                                                               \
    static PyObject *prefix##_fetch_add(PyObject *self, PyObject *const *args, Py_ssize_t nargs,                   \
                                        PyObject *kwnames) {                                                       \
        return prefix##_fetch(self, args, nargs, kwnames, CM_ADD, "fetch_add");                                    \
    }                                                                                                              \
    static PyObject *prefix##_fetch_sub(PyObject *self, PyObject *const *args, Py_ssize_t nargs,                   \
                                        PyObject *kwnames) {                                                       \
        return prefix##_fetch(self, args, nargs, kwnames, CM_SUB, "fetch_sub");                                   \
    }

#define FASTCALL_KW(fn) (PyCFunction)(void (*)(void))(fn), METH_FASTCALL | METH_KEYWORDS

/* The methods of every type: `impl`_load, `impl`_store, ... documented by
 * `doc`_load_doc, `doc`_store_doc, ..., then the forwarded dunder methods
 * (the table's terminator is left to the caller). */
#define ATOMIC_METHODS(impl, doc)                                                                                  \
    {"load", impl##_load, METH_NOARGS, doc##_load_doc}, {"store", FASTCALL_KW(impl##_store), doc##_store_doc},     \
        {"exchange", FASTCALL_KW(impl##_exchange), doc##_exchange_doc},                                            \
        {"compare_exchange", FASTCALL_KW(impl##_compare_exchange), doc##_compare_exchange_doc},                    \
        {"fetch_add", FASTCALL_KW(impl##_fetch_add), doc##_fetch_add_doc},                                         \
        {"fetch_sub", FASTCALL_KW(impl##_fetch_sub), doc##_fetch_sub_doc},                                         \
        {"__format__", (PyCFunction)num_format, METH_O,                                                            \
         PyDoc_STR("Format the current value like the plain number.")},                                            \
        {"__round__", (PyCFunction)(void (*)(void))num_round, METH_FASTCALL,                                       \
         PyDoc_STR("round() of the current value, as for the plain number.")},                                     \
        {"__trunc__", num_trunc, METH_NOARGS, PyDoc_STR("math.trunc() of the current value.")},                    \
        {"__floor__", num_floor, METH_NOARGS, PyDoc_STR("math.floor() of the current value.")},                    \
        {"__ceil__", num_ceil, METH_NOARGS, PyDoc_STR("math.ceil() of the current value.")}

/* Docstrings that read the same for several types. */
#define INT_LOAD_DOC "load($self, /)\n--\n\nReturn the current value (an int)."
#define EXCHANGE_DOC "exchange($self, /, value)\n--\n\nSet the value and return the previous one."
#define FETCH_ADD_DOC "fetch_add($self, /, value)\n--\n\nAdd value atomically; return the previous value."
#define FETCH_SUB_DOC "fetch_sub($self, /, value)\n--\n\nSubtract value atomically; return the previous value."

/* The members table exposing the weak-reference list of `Type`. */
#define WEAKREF_MEMBERS(Type)                                                                                      \
    {                                                                                                              \
        COMPAT_WEAKLIST_MEMBER(Type, weakreflist), { NULL }                                                        \
    }

#endif /* CYMADE_PY_NUMBER_PROTOCOL_H */
