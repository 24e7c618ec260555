/*
 * cymade._atomic, layer 3 (operands; see atomic_module.c for the layers): operand parsing and
 * the shared error messages.
 */
#include "operands.h"

static const char *const op_symbols[] = {
    [CM_ADD] = "+",  [CM_SUB] = "-",     [CM_MUL] = "*",     [CM_TRUEDIV] = "/", [CM_FLOORDIV] = "//", [CM_MOD] = "%",
    [CM_POW] = "**", [CM_LSHIFT] = "<<", [CM_RSHIFT] = ">>", [CM_AND] = "&",     [CM_OR] = "|",        [CM_XOR] = "^",
};

int int_operand_slow(PyObject *o, long long *small, PyObject **big, int *big_sign) {
    int wrong_type;
    PyObject *index = exact_int_operand(o, &wrong_type);
    if (index == NULL) {
        return wrong_type ? OPERAND_WRONG_TYPE : OPERAND_ERROR;
    }
    int r = int_operand(index, small, big, big_sign);
    Py_DECREF(index);
    return r;
}

PyObject *exact_int_operand(PyObject *o, int *wrong_type) {
    *wrong_type = 0;
    if (PyLong_CheckExact(o)) {
        return Py_NewRef(o);
    }
    enum atomic_kind kind = atomic_kind_of(o);
    if (kind == KIND_FLOAT) {
        *wrong_type = 1;
        return NULL;
    }
    if (kind != KIND_NONE) {
        return atomic_plain(o, kind);
    }
    if (PyLong_Check(o) || PyIndex_Check(o)) {
        /* Since 3.10 PyNumber_Index always returns an exact int (bool -> int). */
        return PyNumber_Index(o);
    }
    *wrong_type = 1;
    return NULL;
}

int float_operand(PyObject *o, double *out) {
    if (PyFloat_Check(o)) {
        *out = PyFloat_AS_DOUBLE(o);
        return 0;
    }
    if (PyLong_Check(o)) {
        *out = PyLong_AsDouble(o); /* OverflowError if too large, as float + int */
        return (*out == -1.0 && PyErr_Occurred()) ? -1 : 0;
    }
    enum atomic_kind kind = atomic_kind_of(o);
    if (kind == KIND_FLOAT) {
        *out = cymade_atomic_f64_load(&((FloatObject *)o)->value, LOAD_ORDER);
        return 0;
    }
    int wrong_type;
    PyObject *index = exact_int_operand(o, &wrong_type);
    if (index == NULL) {
        return wrong_type ? 1 : -1;
    }
    *out = PyLong_AsDouble(index);
    Py_DECREF(index);
    return (*out == -1.0 && PyErr_Occurred()) ? -1 : 0;
}

int float_expected_operand(PyObject *o, double *out, int *matchable) {
    *matchable = 1;
    if (PyFloat_Check(o) || atomic_kind_of(o) == KIND_FLOAT) {
        return float_operand(o, out);
    }
    int wrong_type;
    PyObject *exact = exact_int_operand(o, &wrong_type);
    if (exact == NULL) {
        return wrong_type ? 1 : -1;
    }
    *out = PyLong_AsDouble(exact);
    int rc = 0;
    if (*out == -1.0 && PyErr_Occurred()) {
        if (PyErr_ExceptionMatches(PyExc_OverflowError)) {
            PyErr_Clear(); /* beyond every finite double: equal to none */
            *matchable = 0;
        } else {
            rc = -1;
        }
    } else {
        /* Rounded to the nearest double: equal only if that is exact. */
        PyObject *back = PyLong_FromDouble(*out);
        int equal = back ? PyObject_RichCompareBool(back, exact, Py_EQ) : -1;
        Py_XDECREF(back);
        if (equal < 0) {
            rc = -1;
        } else {
            *matchable = equal;
        }
    }
    Py_DECREF(exact);
    return rc;
}

PyObject *inplace_type_error(PyObject *self, PyObject *other, cm_op op) {
    PyErr_Format(PyExc_TypeError, "unsupported operand type(s) for %s=: '%.100s' and '%.100s'", op_symbols[op],
                 Py_TYPE(self)->tp_name, Py_TYPE(other)->tp_name);
    return NULL;
}

void method_type_error(PyTypeObject *tp, const char *method, const char *expected, PyObject *arg) {
    PyErr_Format(PyExc_TypeError, "%.100s.%s() argument must be %s, not '%.100s'", tp->tp_name, method, expected,
                 Py_TYPE(arg)->tp_name);
}

int raise_status(cm_status st, const char *type_name, cm_op op) {
    switch (st) {
    case CM_OK: return 0;
    case CM_OVERFLOW:
        PyErr_Format(PyExc_OverflowError, "%s %s= result out of range of %s", type_name, op_symbols[op], type_name);
        break;
    case CM_BELOW_ZERO:
        PyErr_Format(PyExc_ValueError, "%s %s= result would be negative: U64 cannot go below zero", type_name,
                     op_symbols[op]);
        break;
    case CM_ZERO_DIV:
        PyErr_SetString(PyExc_ZeroDivisionError, op == CM_TRUEDIV ? "float division by zero"
                                                 : op == CM_MOD   ? "modulo by zero"
                                                                  : "division by zero");
        break;
    case CM_NEG_SHIFT: PyErr_SetString(PyExc_ValueError, "negative shift count"); break;
    case CM_NEG_POW:
        PyErr_Format(PyExc_ValueError, "%s **= with a negative exponent: the result would not be an integer",
                     type_name);
        break;
    }
    return -1;
}

int parse_args(const char *fname, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames, const char *const *names,
               Py_ssize_t nreq, Py_ssize_t nmax, PyObject **out) {
    if (nargs > nmax) {
        PyErr_Format(PyExc_TypeError, "%s() takes at most %zd argument%s (%zd given)", fname, nmax,
                     nmax == 1 ? "" : "s", nargs);
        return -1;
    }
    for (Py_ssize_t i = 0; i < nmax; i++) {
        out[i] = i < nargs ? args[i] : NULL;
    }
    if (kwnames != NULL) {
        Py_ssize_t nkw = PyTuple_GET_SIZE(kwnames);
        for (Py_ssize_t k = 0; k < nkw; k++) {
            PyObject *key = PyTuple_GET_ITEM(kwnames, k);
            Py_ssize_t j = 0;
            while (j < nmax && PyUnicode_CompareWithASCIIString(key, names[j]) != 0) {
                j++;
            }
            if (j == nmax) {
                PyErr_Format(PyExc_TypeError, "%s() got an unexpected keyword argument '%U'", fname, key);
                return -1;
            }
            if (out[j] != NULL) {
                PyErr_Format(PyExc_TypeError, "%s() got multiple values for argument '%s'", fname, names[j]);
                return -1;
            }
            out[j] = args[nargs + k];
        }
    }
    for (Py_ssize_t i = 0; i < nreq; i++) {
        if (out[i] == NULL) {
            PyErr_Format(PyExc_TypeError, "%s() missing required argument '%s' (pos %zd)", fname, names[i], i + 1);
            return -1;
        }
    }
    return 0;
}

const char *const kw_value[] = {"value", NULL};
const char *const kw_cas[] = {"expected", "desired", NULL};
