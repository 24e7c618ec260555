/*
 * cymade._atomic, layer 3 (operands; see atomic_module.c for the layers): turning Python arguments into C values, and the exceptions
 * every type raises the same way (wrong operand type, out of range, division
 * by zero, bad arguments).
 */
#ifndef CYMADE_PY_OPERANDS_H
#define CYMADE_PY_OPERANDS_H

#include "atomic_objects.h"
#include "checked_ops.h"

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
    if (PyLong_CheckExact(o) && compat_long_compact_value(o, small)) {
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

/* The `expected` operand of Float.compare_exchange, compared as Python's ==
 * compares a float with it: exactly, never by rounding an int to a float.
 * Returns 0 with *matchable = 1 and *out the one double equal to `o`, or
 * with *matchable = 0 when no double equals `o` (an int that no double
 * represents exactly, such as 2**53 + 1 or 10**400); -1 with an exception,
 * 1 for a wrong type. */
int float_expected_operand(PyObject *o, double *out, int *matchable);

/* TypeError for `self OP= other`; returns NULL. */
PyObject *inplace_type_error(PyObject *self, PyObject *other, cm_op op);

/* TypeError for a method argument that is not `expected`. */
void method_type_error(PyTypeObject *tp, const char *method, const char *expected, PyObject *arg);

/* Raise the exception for a checked-arithmetic status of `type_name OP=`;
 * returns -1 (0 for CM_OK). */
int raise_status(cm_status st, const char *type_name, cm_op op);

/* METH_FASTCALL | METH_KEYWORDS arguments into out[0..nmax) (NULL where
 * absent), without building a tuple or dict.  0, or -1 with TypeError. */
int parse_args(const char *fname, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames, const char *const *names,
               Py_ssize_t nreq, Py_ssize_t nmax, PyObject **out);

/* Keyword names for `m(value)` and `compare_exchange(expected, desired)`. */
extern const char *const kw_value[];
extern const char *const kw_cas[];

#endif /* CYMADE_PY_OPERANDS_H */
