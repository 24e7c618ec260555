/*
 * cymade._atomic, layer 5 (types; see atomic_module.c for the layers): Int, an
 * arbitrary-precision integer.  A PyLong cannot be
 * updated in place, so each operation swaps the whole value under a
 * per-object mutex (not the GIL).
 */
#include "atomic_types.h"
#include "checked_ops.h"
#include "number_protocol.h"
#include "operands.h"

/* Replace the value with `fn(value, operand)` under the lock.  `operand` is an
 * exact int, so the arithmetic runs no Python code while the lock is held.
 * Returns 0 with new refs in *old_out / *new_out (either may be NULL to skip),
 * or -1 with an exception and the value unchanged. */
static int bigint_rmw(BigIntObject *self, cm_op op, PyObject *operand, PyObject **old_out, PyObject **new_out) {
    compat_mutex_lock(&self->lock);
    PyObject *old = self->value;
    if (old == NULL) {
        old = PyLong_FromLong(0); /* only after tp_clear */
        self->value = old;
        if (old == NULL) {
            compat_mutex_unlock(&self->lock);
            return -1;
        }
    }
    PyObject *new_value = python_binop(op, old, operand);
    if (new_value == NULL) {
        compat_mutex_unlock(&self->lock);
        return -1;
    }
    self->value = new_value;
    if (new_out != NULL) {
        *new_out = Py_NewRef(new_value);
    }
    compat_mutex_unlock(&self->lock);
    if (old_out != NULL) {
        *old_out = old; /* the reference the object held */
    } else {
        Py_DECREF(old);
    }
    return 0;
}

/* Checks for Int that do not depend on the current value.  -1 on error. */
static int bigint_precheck(cm_op op, PyObject *operand) {
    if (op == CM_POW) {
        int overflow;
        long long v = PyLong_AsLongLongAndOverflow(operand, &overflow);
        if (overflow < 0 || (overflow == 0 && v < 0)) {
            return raise_status(CM_NEG_POW, "Int", op);
        }
    }
    return 0;
}

static PyObject *bigint_inplace(PyObject *self, PyObject *other, cm_op op) {
    int wrong_type;
    PyObject *operand = exact_int_operand(other, &wrong_type);
    if (operand == NULL) {
        return wrong_type ? inplace_type_error(self, other, op) : NULL;
    }
    int r = bigint_precheck(op, operand);
    if (r == 0) {
        r = bigint_rmw((BigIntObject *)self, op, operand, NULL, NULL);
    }
    Py_DECREF(operand);
    return r < 0 ? NULL : Py_NewRef(self);
}

/* The in-place operator slots, one per operator. */
static PyObject *bigint_iadd(PyObject *self, PyObject *other) {
    return bigint_inplace(self, other, CM_ADD);
}
static PyObject *bigint_isub(PyObject *self, PyObject *other) {
    return bigint_inplace(self, other, CM_SUB);
}
static PyObject *bigint_imul(PyObject *self, PyObject *other) {
    return bigint_inplace(self, other, CM_MUL);
}
static PyObject *bigint_ifloordiv(PyObject *self, PyObject *other) {
    return bigint_inplace(self, other, CM_FLOORDIV);
}
static PyObject *bigint_imod(PyObject *self, PyObject *other) {
    return bigint_inplace(self, other, CM_MOD);
}
static PyObject *bigint_ipow(PyObject *self, PyObject *other, PyObject *Py_UNUSED(modulus)) {
    return bigint_inplace(self, other, CM_POW);
}
static PyObject *bigint_ilshift(PyObject *self, PyObject *other) {
    return bigint_inplace(self, other, CM_LSHIFT);
}
static PyObject *bigint_irshift(PyObject *self, PyObject *other) {
    return bigint_inplace(self, other, CM_RSHIFT);
}
static PyObject *bigint_iand(PyObject *self, PyObject *other) {
    return bigint_inplace(self, other, CM_AND);
}
static PyObject *bigint_ior(PyObject *self, PyObject *other) {
    return bigint_inplace(self, other, CM_OR);
}
static PyObject *bigint_ixor(PyObject *self, PyObject *other) {
    return bigint_inplace(self, other, CM_XOR);
}

static PyObject *bigint_value_from(PyTypeObject *tp, const char *what, PyObject *o) {
    int wrong_type;
    PyObject *v = exact_int_operand(o, &wrong_type);
    if (v == NULL && wrong_type) {
        method_type_error(tp, what, "an int", o);
    }
    return v;
}

static PyObject *bigint_new(PyTypeObject *type, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"init_value", NULL};
    PyObject *init = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|O:Int", kwlist, &init)) {
        return NULL;
    }
    PyObject *v = init != NULL ? bigint_value_from(type, "__new__", init) : PyLong_FromLong(0);
    if (v == NULL) {
        return NULL;
    }
    BigIntObject *self = (BigIntObject *)type->tp_alloc(type, 0);
    if (self == NULL) {
        Py_DECREF(v);
        return NULL;
    }
    if (compat_mutex_init(&self->lock) < 0) {
        Py_DECREF(v);
        Py_DECREF(self);
        return PyErr_NoMemory();
    }
    self->value = v;
    self->weakreflist = NULL;
    return (PyObject *)self;
}

static int bigint_traverse(PyObject *self, visitproc visit, void *arg) {
    Py_VISIT(Py_TYPE(self));
    /* No lock: the collector runs with every other thread stopped (or holding
     * no GIL); and an int cannot refer back, so this is for completeness. */
    Py_VISIT(((BigIntObject *)self)->value);
    return 0;
}

static int bigint_clear(PyObject *self) {
    Py_CLEAR(((BigIntObject *)self)->value);
    return 0;
}

PyDoc_STRVAR(bigint_load_doc, INT_LOAD_DOC);
static PyObject *bigint_load(PyObject *self, PyObject *Py_UNUSED(ignored)) {
    return bigint_get((BigIntObject *)self);
}

/* Swap in `v` (a new reference, stolen) and return the old value. */
static PyObject *bigint_swap(BigIntObject *self, PyObject *v) {
    compat_mutex_lock(&self->lock);
    PyObject *old = self->value;
    self->value = v;
    compat_mutex_unlock(&self->lock);
    return old != NULL ? old : PyLong_FromLong(0);
}

PyDoc_STRVAR(bigint_store_doc, "store($self, /, value)\n--\n\nSet the value.");
static PyObject *bigint_store(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    PyObject *a[1];
    if (parse_args("store", args, nargs, kwnames, kw_value, 1, 1, a) < 0) {
        return NULL;
    }
    PyObject *v = bigint_value_from(Py_TYPE(self), "store", a[0]);
    if (v == NULL) {
        return NULL;
    }
    Py_XDECREF(bigint_swap((BigIntObject *)self, v));
    Py_RETURN_NONE;
}

PyDoc_STRVAR(bigint_exchange_doc, EXCHANGE_DOC);
static PyObject *bigint_exchange(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    PyObject *a[1];
    if (parse_args("exchange", args, nargs, kwnames, kw_value, 1, 1, a) < 0) {
        return NULL;
    }
    PyObject *v = bigint_value_from(Py_TYPE(self), "exchange", a[0]);
    if (v == NULL) {
        return NULL;
    }
    return bigint_swap((BigIntObject *)self, v);
}

PyDoc_STRVAR(bigint_compare_exchange_doc, "compare_exchange($self, /, expected, desired)\n--\n\n"
                                          "If the value equals expected, set it to desired and return True;\n"
                                          "otherwise return False.");
static PyObject *bigint_compare_exchange(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    PyObject *a[2];
    if (parse_args("compare_exchange", args, nargs, kwnames, kw_cas, 2, 2, a) < 0) {
        return NULL;
    }
    PyObject *desired = bigint_value_from(Py_TYPE(self), "compare_exchange", a[1]);
    if (desired == NULL) {
        return NULL;
    }
    PyObject *expected = bigint_value_from(Py_TYPE(self), "compare_exchange", a[0]);
    if (expected == NULL) {
        Py_DECREF(desired);
        return NULL;
    }
    BigIntObject *io = (BigIntObject *)self;
    PyObject *old = NULL;
    compat_mutex_lock(&io->lock);
    /* Both are exact ints: the comparison runs no Python code and cannot fail. */
    int equal = io->value != NULL && PyObject_RichCompareBool(io->value, expected, Py_EQ) == 1;
    if (equal) {
        old = io->value;
        io->value = desired;
        desired = NULL;
    }
    compat_mutex_unlock(&io->lock);
    Py_XDECREF(old);
    Py_XDECREF(desired);
    Py_DECREF(expected);
    return PyBool_FromLong(equal);
}

static PyObject *bigint_fetch(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames, cm_op op,
                              const char *name) {
    PyObject *a[1];
    if (parse_args(name, args, nargs, kwnames, kw_value, 1, 1, a) < 0) {
        return NULL;
    }
    PyObject *operand = bigint_value_from(Py_TYPE(self), name, a[0]);
    if (operand == NULL) {
        return NULL;
    }
    PyObject *old = NULL;
    int r = bigint_rmw((BigIntObject *)self, op, operand, &old, NULL);
    Py_DECREF(operand);
    return r < 0 ? NULL : old;
}

static PyObject *bigint_fetch_add(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    return bigint_fetch(self, args, nargs, kwnames, CM_ADD, "fetch_add");
}
static PyObject *bigint_fetch_sub(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    return bigint_fetch(self, args, nargs, kwnames, CM_SUB, "fetch_sub");
}

PyDoc_STRVAR(bigint_fetch_add_doc, FETCH_ADD_DOC);
PyDoc_STRVAR(bigint_fetch_sub_doc, FETCH_SUB_DOC);

static PyMethodDef bigint_methods[] = {
    {"load", bigint_load, METH_NOARGS, bigint_load_doc},
    {"store", FASTCALL_KW(bigint_store), bigint_store_doc},
    {"exchange", FASTCALL_KW(bigint_exchange), bigint_exchange_doc},
    {"compare_exchange", FASTCALL_KW(bigint_compare_exchange), bigint_compare_exchange_doc},
    {"fetch_add", FASTCALL_KW(bigint_fetch_add), bigint_fetch_add_doc},
    {"fetch_sub", FASTCALL_KW(bigint_fetch_sub), bigint_fetch_sub_doc},
    PLAIN_NUMBER_METHODS,
    {NULL, NULL, 0, NULL},
};

static PyMemberDef bigint_members[] = WEAKREF_MEMBERS(BigIntObject);

PyDoc_STRVAR(bigint_doc, "Int(init_value=0)\n--\n\n"
                         "An arbitrary-precision integer updated atomically under a per-object\n"
                         "lock (a real mutex, not the GIL).\n\n"
                         "In-place operators (+= -= *= //= %= **= <<= >>= &= |= ^=) follow Python\n"
                         "int semantics; a negative exponent raises ValueError (the result would\n"
                         "not be an integer).  Errors leave the value unchanged.");

static PyType_Slot bigint_slots[] = {
    {Py_tp_doc, (void *)bigint_doc},
    {Py_tp_new, bigint_new},
    {Py_tp_dealloc, bigint_dealloc},
    {Py_tp_traverse, bigint_traverse},
    {Py_tp_clear, bigint_clear},
    {Py_tp_methods, bigint_methods},
    {Py_tp_members, bigint_members},
    {Py_nb_inplace_add, bigint_iadd},
    {Py_nb_inplace_subtract, bigint_isub},
    {Py_nb_inplace_multiply, bigint_imul},
    {Py_nb_inplace_floor_divide, bigint_ifloordiv},
    {Py_nb_inplace_remainder, bigint_imod},
    {Py_nb_inplace_power, bigint_ipow},
    {Py_nb_inplace_lshift, bigint_ilshift},
    {Py_nb_inplace_rshift, bigint_irshift},
    {Py_nb_inplace_and, bigint_iand},
    {Py_nb_inplace_or, bigint_ior},
    {Py_nb_inplace_xor, bigint_ixor},
    {0, NULL},
};

PyType_Spec bigint_spec = {
    .name = "cymade.atomic.Int",
    .basicsize = sizeof(BigIntObject),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_IMMUTABLETYPE,
    .slots = bigint_slots,
};
