/*
 * cymade._atomic, layer 4 (number protocol; see atomic_module.c for the layers): an atomic as its
 * plain value.  Binary operators return plain
 * numbers, comparisons and repr use the loaded value, and __format__ and
 * friends are forwarded, so an atomic reads like the int or float it holds.
 */
#include "number_protocol.h"

/* New reference: the plain value of an atomic, or `o` itself. */
static inline PyObject *plain_or_self(PyObject *o) {
    return atomic_plain(o, atomic_kind_of(o));
}

PyObject *python_binop(cm_op op, PyObject *a, PyObject *b) {
    switch (op) {
    case CM_ADD: return PyNumber_Add(a, b);
    case CM_SUB: return PyNumber_Subtract(a, b);
    case CM_MUL: return PyNumber_Multiply(a, b);
    case CM_TRUEDIV: return PyNumber_TrueDivide(a, b);
    case CM_FLOORDIV: return PyNumber_FloorDivide(a, b);
    case CM_MOD: return PyNumber_Remainder(a, b);
    case CM_POW: return PyNumber_Power(a, b, Py_None);
    case CM_LSHIFT: return PyNumber_Lshift(a, b);
    case CM_RSHIFT: return PyNumber_Rshift(a, b);
    case CM_AND: return PyNumber_And(a, b);
    case CM_OR: return PyNumber_Or(a, b);
    case CM_XOR: return PyNumber_Xor(a, b);
    }
    return NULL;
}

/* One of a, b is an atomic.  The other must be an atomic or a number
 * (otherwise NotImplemented, so Python tries the reflected operation and then
 * reports its usual TypeError, and `U64(2) * [1]` still repeats the list). */
static PyObject *delegate_binary(PyObject *a, PyObject *b, binaryfunc fn) {
    enum atomic_kind ka = atomic_kind_of(a), kb = atomic_kind_of(b);
    PyObject *other = ka == KIND_NONE ? a : b;
    if ((ka == KIND_NONE || kb == KIND_NONE) && !PyNumber_Check(other)) {
        Py_RETURN_NOTIMPLEMENTED;
    }
    PyObject *pa = atomic_plain(a, ka);
    if (pa == NULL) {
        return NULL;
    }
    PyObject *pb = atomic_plain(b, kb);
    if (pb == NULL) {
        Py_DECREF(pa);
        return NULL;
    }
    PyObject *r = fn(pa, pb);
    Py_DECREF(pa);
    Py_DECREF(pb);
    return r;
}

static PyObject *num_add(PyObject *a, PyObject *b) {
    return delegate_binary(a, b, PyNumber_Add);
}
static PyObject *num_sub(PyObject *a, PyObject *b) {
    return delegate_binary(a, b, PyNumber_Subtract);
}
static PyObject *num_mul(PyObject *a, PyObject *b) {
    return delegate_binary(a, b, PyNumber_Multiply);
}
static PyObject *num_truediv(PyObject *a, PyObject *b) {
    return delegate_binary(a, b, PyNumber_TrueDivide);
}
static PyObject *num_floordiv(PyObject *a, PyObject *b) {
    return delegate_binary(a, b, PyNumber_FloorDivide);
}
static PyObject *num_mod(PyObject *a, PyObject *b) {
    return delegate_binary(a, b, PyNumber_Remainder);
}
static PyObject *num_divmod(PyObject *a, PyObject *b) {
    return delegate_binary(a, b, PyNumber_Divmod);
}
static PyObject *num_lshift(PyObject *a, PyObject *b) {
    return delegate_binary(a, b, PyNumber_Lshift);
}
static PyObject *num_rshift(PyObject *a, PyObject *b) {
    return delegate_binary(a, b, PyNumber_Rshift);
}
static PyObject *num_and(PyObject *a, PyObject *b) {
    return delegate_binary(a, b, PyNumber_And);
}
static PyObject *num_or(PyObject *a, PyObject *b) {
    return delegate_binary(a, b, PyNumber_Or);
}
static PyObject *num_xor(PyObject *a, PyObject *b) {
    return delegate_binary(a, b, PyNumber_Xor);
}

static PyObject *num_pow(PyObject *a, PyObject *b, PyObject *c) {
    enum atomic_kind ka = atomic_kind_of(a), kb = atomic_kind_of(b);
    PyObject *other = ka == KIND_NONE ? a : b;
    if ((ka == KIND_NONE || kb == KIND_NONE) && !PyNumber_Check(other)) {
        Py_RETURN_NOTIMPLEMENTED;
    }
    PyObject *pa = NULL, *pb = NULL, *pc = NULL, *r = NULL;
    if ((pa = atomic_plain(a, ka)) != NULL && (pb = atomic_plain(b, kb)) != NULL && (pc = plain_or_self(c)) != NULL) {
        r = PyNumber_Power(pa, pb, pc);
    }
    Py_XDECREF(pa);
    Py_XDECREF(pb);
    Py_XDECREF(pc);
    return r;
}

static PyObject *delegate_unary(PyObject *self, unaryfunc fn) {
    PyObject *p = plain_or_self(self);
    if (p == NULL) {
        return NULL;
    }
    PyObject *r = fn(p);
    Py_DECREF(p);
    return r;
}

static PyObject *num_neg(PyObject *self) {
    return delegate_unary(self, PyNumber_Negative);
}
static PyObject *num_pos(PyObject *self) {
    return plain_or_self(self);
}
static PyObject *num_abs(PyObject *self) {
    return delegate_unary(self, PyNumber_Absolute);
}
static PyObject *num_invert(PyObject *self) {
    return delegate_unary(self, PyNumber_Invert);
}
static PyObject *num_int(PyObject *self) {
    return delegate_unary(self, PyNumber_Long);
}
static PyObject *num_float(PyObject *self) {
    return delegate_unary(self, PyNumber_Float);
}
/* __index__ on the integer types: the plain int. */
static PyObject *num_index(PyObject *self) {
    return plain_or_self(self);
}

static int num_bool(PyObject *self) {
    PyObject *p = plain_or_self(self);
    if (p == NULL) {
        return -1;
    }
    int r = PyObject_IsTrue(p);
    Py_DECREF(p);
    return r;
}

/* Comparisons use the loaded value and Python's own semantics; atomics on
 * both sides compare their values.  Non-numbers get NotImplemented. */
static PyObject *num_richcompare(PyObject *self, PyObject *other, int op) {
    enum atomic_kind ko = atomic_kind_of(other);
    if (ko == KIND_NONE && !PyNumber_Check(other)) {
        Py_RETURN_NOTIMPLEMENTED;
    }
    PyObject *ps = plain_or_self(self);
    if (ps == NULL) {
        return NULL;
    }
    PyObject *po = atomic_plain(other, ko);
    if (po == NULL) {
        Py_DECREF(ps);
        return NULL;
    }
    PyObject *r = PyObject_RichCompare(ps, po, op);
    Py_DECREF(ps);
    Py_DECREF(po);
    return r;
}

static PyObject *num_repr(PyObject *self) {
    PyObject *p = plain_or_self(self);
    if (p == NULL) {
        return NULL;
    }
    const char *name = Py_TYPE(self)->tp_name;
    const char *dot = strrchr(name, '.');
    PyObject *r = PyUnicode_FromFormat("%s(%R)", dot ? dot + 1 : name, p);
    Py_DECREF(p);
    return r;
}

/* __format__, __round__, __trunc__, __floor__, __ceil__: forwarded to the
 * plain value, so f"{x:08x}" and round(x) behave as for int / float. */
static PyObject *forward_method(PyObject *self, const char *name, PyObject *const *args, Py_ssize_t nargs) {
    PyObject *p = plain_or_self(self);
    if (p == NULL) {
        return NULL;
    }
    PyObject *meth = PyObject_GetAttrString(p, name);
    Py_DECREF(p);
    if (meth == NULL) {
        return NULL;
    }
    PyObject *r = PyObject_Vectorcall(meth, args, (size_t)nargs, NULL);
    Py_DECREF(meth);
    return r;
}

PyObject *num_format(PyObject *self, PyObject *spec) {
    return forward_method(self, "__format__", &spec, 1);
}
PyObject *num_round(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs > 1) {
        PyErr_SetString(PyExc_TypeError, "__round__() takes at most 1 argument");
        return NULL;
    }
    return forward_method(self, "__round__", args, nargs);
}
PyObject *num_trunc(PyObject *self, PyObject *Py_UNUSED(ignored)) {
    return forward_method(self, "__trunc__", NULL, 0);
}
PyObject *num_floor(PyObject *self, PyObject *Py_UNUSED(ignored)) {
    return forward_method(self, "__floor__", NULL, 0);
}
PyObject *num_ceil(PyObject *self, PyObject *Py_UNUSED(ignored)) {
    return forward_method(self, "__ceil__", NULL, 0);
}

/* Integer types refuse /= rather than let Python fall back to `/` and rebind
 * the name to a plain float. */
static PyObject *integer_itruediv(PyObject *self, PyObject *Py_UNUSED(other)) {
    PyErr_Format(PyExc_TypeError,
                 "%.100s does not support /= (the result would not be an integer); use //=", Py_TYPE(self)->tp_name);
    return NULL;
}

static PyType_Slot plain_number_slots[] = {
    {Py_tp_repr, num_repr},
    {Py_tp_hash, PyObject_HashNotImplemented},
    {Py_tp_richcompare, num_richcompare},
    {Py_nb_add, num_add},
    {Py_nb_subtract, num_sub},
    {Py_nb_multiply, num_mul},
    {Py_nb_true_divide, num_truediv},
    {Py_nb_floor_divide, num_floordiv},
    {Py_nb_remainder, num_mod},
    {Py_nb_divmod, num_divmod},
    {Py_nb_power, num_pow},
    {Py_nb_negative, num_neg},
    {Py_nb_positive, num_pos},
    {Py_nb_absolute, num_abs},
    {Py_nb_bool, num_bool},
    {Py_nb_int, num_int},
    {Py_nb_float, num_float},
    {0, NULL},
};

static PyType_Slot plain_integer_slots[] = {
    {Py_nb_lshift, num_lshift},
    {Py_nb_rshift, num_rshift},
    {Py_nb_and, num_and},
    {Py_nb_or, num_or},
    {Py_nb_xor, num_xor},
    {Py_nb_invert, num_invert},
    {Py_nb_index, num_index},
    {Py_nb_inplace_true_divide, integer_itruediv},
    {0, NULL},
};

/* Appends `from` (up to its terminator) to slots[*n..cap); false if full. */
static bool append_slots(PyType_Slot *slots, size_t *n, size_t cap, const PyType_Slot *from) {
    for (; from->slot != 0; from++) {
        if (*n == cap) {
            return false;
        }
        slots[(*n)++] = *from;
    }
    return true;
}

PyTypeObject *atomic_type_from_spec(PyObject *module, const PyType_Spec *spec, bool is_integer) {
    /* PyType_FromModuleAndSpec copies what it needs from the slot array, so
     * the combined array only has to live for the call. */
    PyType_Slot slots[64];
    size_t n = 0, cap = sizeof slots / sizeof slots[0] - 1; /* room for the terminator */
    if (!append_slots(slots, &n, cap, spec->slots) || !append_slots(slots, &n, cap, plain_number_slots) ||
        (is_integer && !append_slots(slots, &n, cap, plain_integer_slots))) {
        PyErr_Format(PyExc_SystemError, "too many slots for %s", spec->name);
        return NULL;
    }
    slots[n] = (PyType_Slot){0, NULL};
    PyType_Spec combined = *spec;
    combined.slots = slots;
    return (PyTypeObject *)PyType_FromModuleAndSpec(module, &combined, NULL);
}
