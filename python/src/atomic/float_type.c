/*
 * cymade._atomic, layer 5 (types; see atomic_module.c for the layers): Float, a double
 * updated by a lock-free CAS loop on its bits.
 */
#include "atomic_types.h"
#include "checked_ops.h"
#include "number_protocol.h"
#include "operands.h"

/* old ** b with Python float semantics (ZeroDivisionError for 0.0 ** -1,
 * OverflowError on overflow); a complex result is a ValueError. */
static int float_pow(double old, double b, double *out) {
    PyObject *pa = PyFloat_FromDouble(old);
    if (pa == NULL) {
        return -1;
    }
    PyObject *pb = PyFloat_FromDouble(b);
    if (pb == NULL) {
        Py_DECREF(pa);
        return -1;
    }
    PyObject *r = PyNumber_Power(pa, pb, Py_None);
    Py_DECREF(pa);
    Py_DECREF(pb);
    if (r == NULL) {
        return -1;
    }
    if (!PyFloat_Check(r)) {
        Py_DECREF(r);
        PyErr_SetString(PyExc_ValueError, "Float **= result would be complex");
        return -1;
    }
    *out = PyFloat_AS_DOUBLE(r);
    Py_DECREF(r);
    return 0;
}

/* Returns 0, -1 with an exception (nothing stored), or 1 for a wrong type. */
static inline __attribute__((always_inline)) int float_rmw(FloatObject *self, cm_op op, PyObject *operand,
                                                           double *old_out, double *new_out) {
    double b;
    int r = float_operand(operand, &b);
    if (r != 0) {
        return r;
    }
    double old = cymade_atomic_f64_load(&self->value, LOAD_ORDER);
    double new_value;
    do {
        if (op == CM_POW) {
            if (float_pow(old, b, &new_value) < 0) {
                return -1;
            }
        } else {
            cm_status st = cm_f64_apply(op, old, b, &new_value);
            if (st != CM_OK) {
                return raise_status(st, "Float", op);
            }
        }
        /* Weak (bitwise) CAS in a retry loop: a spurious failure recomputes. */
    } while (!cymade_atomic_f64_compare_exchange_weak(&self->value, &old, new_value, RMW_ORDER, LOAD_ORDER));
    *old_out = old;
    *new_out = new_value;
    return 0;
}

static inline __attribute__((always_inline)) PyObject *float_inplace(PyObject *self, PyObject *other, cm_op op) {
    double old = 0, new_value = 0;
    int r = float_rmw((FloatObject *)self, op, other, &old, &new_value);
    if (r != 0) {
        return r > 0 ? inplace_type_error(self, other, op) : NULL;
    }
    return Py_NewRef(self);
}

/* The in-place operator slots.  Each passes its operator as a constant to
 * float_inplace, which is always_inline, so every copy folds the operator
 * switch away. */
static PyObject *float_iadd(PyObject *self, PyObject *other) {
    return float_inplace(self, other, CM_ADD);
}
static PyObject *float_isub(PyObject *self, PyObject *other) {
    return float_inplace(self, other, CM_SUB);
}
static PyObject *float_imul(PyObject *self, PyObject *other) {
    return float_inplace(self, other, CM_MUL);
}
static PyObject *float_ifloordiv(PyObject *self, PyObject *other) {
    return float_inplace(self, other, CM_FLOORDIV);
}
static PyObject *float_imod(PyObject *self, PyObject *other) {
    return float_inplace(self, other, CM_MOD);
}
static PyObject *float_itruediv(PyObject *self, PyObject *other) {
    return float_inplace(self, other, CM_TRUEDIV);
}
static PyObject *float_ipow(PyObject *self, PyObject *other, PyObject *Py_UNUSED(modulus)) {
    return float_inplace(self, other, CM_POW);
}

static int float_value_from(PyTypeObject *tp, const char *what, PyObject *o, double *out) {
    int r = float_operand(o, out);
    if (r > 0) {
        method_type_error(tp, what, "an int or a float", o);
    }
    return r == 0 ? 0 : -1;
}

static PyObject *float_new(PyTypeObject *type, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"init_value", NULL};
    PyObject *init = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|O:Float", kwlist, &init)) {
        return NULL;
    }
    double v = 0.0;
    if (init != NULL && float_value_from(type, "__new__", init, &v) < 0) {
        return NULL;
    }
    FloatObject *self = (FloatObject *)type->tp_alloc(type, 0);
    if (self == NULL) {
        return NULL;
    }
    cymade_atomic_f64_init(&self->value, v);
    self->weakreflist = NULL;
    return (PyObject *)self;
}

PyDoc_STRVAR(float_load_doc, "load($self, /)\n--\n\nReturn the current value (a float).");
static PyObject *float_load(PyObject *self, PyObject *Py_UNUSED(ignored)) {
    return PyFloat_FromDouble(cymade_atomic_f64_load(&((FloatObject *)self)->value, LOAD_ORDER));
}

PyDoc_STRVAR(float_store_doc, "store($self, /, value)\n--\n\nSet the value (an int or a float).");
static PyObject *float_store(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    PyObject *a[1];
    double v;
    if (parse_args("store", args, nargs, kwnames, kw_value, 1, 1, a) < 0 ||
        float_value_from(Py_TYPE(self), "store", a[0], &v) < 0) {
        return NULL;
    }
    cymade_atomic_f64_store(&((FloatObject *)self)->value, v, STORE_ORDER);
    Py_RETURN_NONE;
}

PyDoc_STRVAR(float_exchange_doc, EXCHANGE_DOC);
static PyObject *float_exchange(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    PyObject *a[1];
    double v;
    if (parse_args("exchange", args, nargs, kwnames, kw_value, 1, 1, a) < 0 ||
        float_value_from(Py_TYPE(self), "exchange", a[0], &v) < 0) {
        return NULL;
    }
    return PyFloat_FromDouble(cymade_atomic_f64_exchange(&((FloatObject *)self)->value, v, RMW_ORDER));
}

PyDoc_STRVAR(float_compare_exchange_doc, "compare_exchange($self, /, expected, desired)\n--\n\n"
                                         "If the value == expected, as Python's == compares them, set it to desired\n"
                                         "and return True; otherwise return False.  -0.0 matches 0.0, NaN never\n"
                                         "matches, and an int matches only a float exactly equal to it (2**53 + 1 and\n"
                                         "10**400 match none).  desired must be an int or a float that fits a float.");
static PyObject *float_compare_exchange(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    PyObject *a[2];
    double expected, desired;
    int matchable;
    if (parse_args("compare_exchange", args, nargs, kwnames, kw_cas, 2, 2, a) < 0 ||
        float_value_from(Py_TYPE(self), "compare_exchange", a[1], &desired) < 0) {
        return NULL;
    }
    int r = float_expected_operand(a[0], &expected, &matchable);
    if (r != 0) {
        if (r > 0) {
            method_type_error(Py_TYPE(self), "compare_exchange", "an int or a float", a[0]);
        }
        return NULL;
    }
    if (!matchable) {
        Py_RETURN_FALSE;
    }
    FloatObject *fo = (FloatObject *)self;
    double cur = cymade_atomic_f64_load(&fo->value, LOAD_ORDER);
    for (;;) {
        if (!(cur == expected)) {
            Py_RETURN_FALSE;
        }
        /* The layer's CAS is bitwise: swap the exact bits just seen (so 0.0
         * vs -0.0 still counts as equal); if they changed, re-check.  Strong
         * CAS so an unchanged value never loops spuriously. */
        if (cymade_atomic_f64_compare_exchange_strong(&fo->value, &cur, desired, RMW_ORDER, LOAD_ORDER)) {
            Py_RETURN_TRUE;
        }
    }
}

static PyObject *float_fetch(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames, cm_op op,
                             const char *name) {
    PyObject *a[1];
    if (parse_args(name, args, nargs, kwnames, kw_value, 1, 1, a) < 0) {
        return NULL;
    }
    double old = 0, new_value = 0;
    int r = float_rmw((FloatObject *)self, op, a[0], &old, &new_value);
    if (r != 0) {
        if (r > 0) {
            method_type_error(Py_TYPE(self), name, "an int or a float", a[0]);
        }
        return NULL;
    }
    return PyFloat_FromDouble(old);
}

static PyObject *float_fetch_add(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    return float_fetch(self, args, nargs, kwnames, CM_ADD, "fetch_add");
}
static PyObject *float_fetch_sub(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    return float_fetch(self, args, nargs, kwnames, CM_SUB, "fetch_sub");
}

PyDoc_STRVAR(float_fetch_add_doc, FETCH_ADD_DOC);
PyDoc_STRVAR(float_fetch_sub_doc, FETCH_SUB_DOC);

static PyMethodDef float_methods[] = {
    {"load", float_load, METH_NOARGS, float_load_doc},
    {"store", FASTCALL_KW(float_store), float_store_doc},
    {"exchange", FASTCALL_KW(float_exchange), float_exchange_doc},
    {"compare_exchange", FASTCALL_KW(float_compare_exchange), float_compare_exchange_doc},
    {"fetch_add", FASTCALL_KW(float_fetch_add), float_fetch_add_doc},
    {"fetch_sub", FASTCALL_KW(float_fetch_sub), float_fetch_sub_doc},
    PLAIN_NUMBER_METHODS,
    {NULL, NULL, 0, NULL},
};

static PyMemberDef float_members[] = WEAKREF_MEMBERS(FloatObject);

PyDoc_STRVAR(float_doc, "Float(init_value=0.0)\n--\n\n"
                        "A double updated atomically (a lock-free CAS loop).\n\n"
                        "In-place operators (+= -= *= /= //= %= **=) follow Python float\n"
                        "semantics: division or modulo by zero raises ZeroDivisionError, **\n"
                        "overflow raises OverflowError, a complex ** result raises ValueError.\n"
                        "Operands are int or float (bool included); others raise TypeError.\n"
                        "Errors leave the value unchanged.");

static PyType_Slot float_slots[] = {
    {Py_tp_doc, (void *)float_doc},
    {Py_tp_new, float_new},
    {Py_tp_dealloc, float_dealloc},
    {Py_tp_methods, float_methods},
    {Py_tp_members, float_members},
    {Py_nb_inplace_add, float_iadd},
    {Py_nb_inplace_subtract, float_isub},
    {Py_nb_inplace_multiply, float_imul},
    {Py_nb_inplace_floor_divide, float_ifloordiv},
    {Py_nb_inplace_remainder, float_imod},
    {Py_nb_inplace_power, float_ipow},
    {Py_nb_inplace_true_divide, float_itruediv},
    {0, NULL},
};

PyType_Spec float_spec = {
    .name = "cymade.atomic.Float",
    .basicsize = sizeof(FloatObject),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_IMMUTABLETYPE,
    .slots = float_slots,
};
