/*
 * cymade._atomic: turning Python arguments into C values, and the exceptions
 * every type raises the same way (wrong operand type, out of range, division
 * by zero, bad arguments).
 */
#ifndef CYMADE_PY_OPERANDS_H
#define CYMADE_PY_OPERANDS_H

#include "atomic_objects.h"
#include "checked_ops.h"

/* The value of an exact int that fits one internal digit, read inline (no
 * call): 1 if it did.  Version-specific layouts, each behind its public or
 * documented-unstable accessor. */
static inline int compact_int_value(PyObject *o, long long *v) {
#if PY_VERSION_HEX >= 0x030C0000
    if (PyUnstable_Long_IsCompact((PyLongObject *)o)) {
        *v = (long long)PyUnstable_Long_CompactValue((PyLongObject *)o);
        return 1;
    }
    return 0;
#else
    Py_ssize_t size = Py_SIZE(o); /* sign * number of 30-bit digits */
    if (size >= -1 && size <= 1) {
        *v = size * (long long)((PyLongObject *)o)->ob_digit[0]; /* digit 0 is 0 for the int 0 */
        return 1;
    }
    return 0;
#endif
}

enum operand_kind {
    OPERAND_ERROR = -1,     /* exception set */
    OPERAND_SMALL = 0,      /* fits int64: *small */
    OPERAND_BIG = 1,        /* exact int outside int64: *big (new ref), *big_sign */
    OPERAND_WRONG_TYPE = 2, /* not an integer; no exception set */
};

int int_operand_slow(PyObject *o, long long *small, PyObject **big, int *big_sign);

/* An integer operand: int (bool included), an integer atomic, or anything with
 * __index__.  Returns an operand_kind.  The small exact int is read without a
 * call: it is the `x += 1` hot path. */
static inline int int_operand(PyObject *o, long long *small, PyObject **big, int *big_sign) {
    if (PyLong_CheckExact(o) && compact_int_value(o, small)) {
        return OPERAND_SMALL;
    }
    if (PyLong_Check(o)) {
        int overflow;
        *small = PyLong_AsLongLongAndOverflow(o, &overflow);
        if (overflow == 0) {
            return (*small == -1 && PyErr_Occurred()) ? OPERAND_ERROR : OPERAND_SMALL;
        }
        *big = Py_NewRef(o);
        *big_sign = overflow;
        return OPERAND_BIG;
    }
    return int_operand_slow(o, small, big, big_sign);
}

/* An exact-int operand (new reference), for Int; NULL + *wrong_type = 1 if
 * `o` is not an integer. */
PyObject *exact_int_operand(PyObject *o, int *wrong_type);

/* A Float operand: float, int, any atomic, or anything with __index__.
 * Returns 0 with *out, -1 with an exception, 1 for a wrong type. */
int float_operand(PyObject *o, double *out);

/* TypeError for `self OP= other`; returns NULL. */
PyObject *inplace_type_error(PyObject *self, PyObject *other, cm_op op);

/* TypeError for a method argument that is not `expected`. */
void method_type_error(PyTypeObject *tp, const char *method, const char *expected, PyObject *arg);

/* Raise the exception for a checked-arithmetic status of `type_name OP=`;
 * returns -1 (0 for CM_OK). */
int raise_status(cm_status st, const char *type_name, cm_op op);

/* METH_FASTCALL | METH_KEYWORDS arguments into out[0..nmax) (NULL where
 * absent), without building a tuple or dict.  0, or -1 with TypeError. */
int parse_args(const char *fname, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames,
               const char *const *names, Py_ssize_t nreq, Py_ssize_t nmax, PyObject **out);

/* Keyword names for `m(value)` and `compare_exchange(expected, desired)`. */
extern const char *const kw_value[];
extern const char *const kw_cas[];

#endif /* CYMADE_PY_OPERANDS_H */
