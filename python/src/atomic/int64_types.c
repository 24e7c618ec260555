/*
 * cymade._atomic, layer 5 (types; see atomic_module.c for the layers): U64 and I64, 64-bit integers updated by lock-free CAS loops.
 *
 * One implementation serves both.  The 64 bits are stored unsigned; is_signed
 * decides how they are read, range-checked and converted, and every such
 * difference lives in the int64_* helpers below.  Only U64 has on_zero (an
 * I64's is always NULL) and only U64 is tracked by the GC.
 */
#include "atomic_types.h"
#include "checked_ops.h"
#include "number_protocol.h"
#include "operands.h"

static inline const char *int64_name(bool is_signed) {
    return is_signed ? "I64" : "U64";
}

/* new_bits = old OP v, range-checked for the type.  always_inline so `op` is
 * a constant and the switch in cm_*_apply folds away. */
static inline __attribute__((always_inline)) cm_status int64_apply(bool is_signed, cm_op op, uint64_t old, int64_t v,
                                                                   uint64_t *new_bits) {
    if (is_signed) {
        int64_t r = 0;
        cm_status st = cm_i64_apply(op, (int64_t)old, v, &r);
        *new_bits = (uint64_t)r;
        return st;
    }
    return cm_u64_apply(op, old, v, new_bits);
}

/* The bits of `v` if the type can hold it: CM_OK, or CM_BELOW_ZERO for a
 * negative U64. */
static inline cm_status int64_bits_from_small(bool is_signed, long long v, uint64_t *bits) {
    if (!is_signed && v < 0) {
        return CM_BELOW_ZERO;
    }
    *bits = (uint64_t)v;
    return CM_OK;
}

/* The bits of an int outside int64 (sign `big_sign`) if the type can hold it
 * (only a U64 in [2**63, 2**64-1]): CM_OK, CM_BELOW_ZERO or CM_OVERFLOW, with
 * no exception set. */
static cm_status int64_bits_from_big(bool is_signed, PyObject *big, int big_sign, uint64_t *bits) {
    if (is_signed) {
        return CM_OVERFLOW;
    }
    if (big_sign < 0) {
        return CM_BELOW_ZERO;
    }
    *bits = PyLong_AsUnsignedLongLong(big);
    if (*bits == (uint64_t)-1 && PyErr_Occurred()) {
        PyErr_Clear();
        return CM_OVERFLOW;
    }
    return CM_OK;
}

/* A value for the constructor and store()-like methods.  0, or -1 with an
 * exception. */
static int int64_value_from(bool is_signed, PyTypeObject *tp, const char *what, PyObject *o, uint64_t *bits) {
    long long small;
    PyObject *big = NULL;
    int sign = 0;
    cm_status st;
    switch (int_operand(o, &small, &big, &sign)) {
    case OPERAND_SMALL:
        if (int64_bits_from_small(is_signed, small, bits) != CM_OK) {
            PyErr_Format(PyExc_ValueError, "U64 value must be >= 0, got %lld", small);
            return -1;
        }
        return 0;
    case OPERAND_BIG:
        st = int64_bits_from_big(is_signed, big, sign, bits);
        Py_DECREF(big);
        break;
    case OPERAND_WRONG_TYPE: method_type_error(tp, what, "an int", o); return -1;
    default: return -1;
    }
    if (st == CM_BELOW_ZERO) {
        PyErr_SetString(PyExc_ValueError, "U64 value must be >= 0");
    } else if (st == CM_OVERFLOW) {
        PyErr_SetString(PyExc_OverflowError,
                        is_signed ? "I64 value must be in [-2**63, 2**63-1]" : "U64 value must be <= 2**64-1");
    }
    return st == CM_OK ? 0 : -1;
}

/* An int outside int64 as operand: shifts and powers are decided here without
 * computing a huge number (`old` only matters as 0, 1, -1 or its sign). */
static cm_status big_shift_pow(cm_op op, int big_sign, int64_t old, int *handled, int64_t *r) {
    *handled = 1;
    if (op == CM_POW) {
        if (big_sign < 0) {
            return CM_NEG_POW;
        }
        if (old == 0 || old == 1) {
            *r = old;
            return CM_OK;
        }
        return CM_OVERFLOW; /* old == -1 handled by the caller */
    }
    if (op == CM_LSHIFT) {
        if (big_sign < 0) {
            return CM_NEG_SHIFT;
        }
        if (old == 0) {
            *r = 0;
            return CM_OK;
        }
        return CM_OVERFLOW;
    }
    if (op == CM_RSHIFT) {
        if (big_sign < 0) {
            return CM_NEG_SHIFT;
        }
        *r = old < 0 ? -1 : 0;
        return CM_OK;
    }
    *handled = 0;
    return CM_OK;
}

/* new_bits = old OP big, where big does not fit int64: shifts and powers by
 * big_shift_pow, the rest computed with Python ints and range-checked.  0, or
 * -1 with an exception. */
static int int64_compute_big(bool is_signed, cm_op op, uint64_t old, PyObject *big, int big_sign, uint64_t *new_bits) {
    const char *name = int64_name(is_signed);
    if (is_signed && op == CM_POW && (int64_t)old == -1 && big_sign > 0) {
        /* (-1) ** n: the parity of n decides, and the low 64 bits keep it. */
        unsigned long long low = PyLong_AsUnsignedLongLongMask(big);
        if (low == (unsigned long long)-1 && PyErr_Occurred()) {
            return -1;
        }
        *new_bits = (low & 1) ? (uint64_t)-1 : 1;
        return 0;
    }
    /* A U64 above 1 stands in as 2: its bits read as int64 could look
     * negative, and big_shift_pow only tells 0, 1, -1 and the sign apart. */
    int64_t old_class = is_signed ? (int64_t)old : (old > 1 ? 2 : (int64_t)old);
    int handled;
    int64_t r = 0;
    cm_status st = big_shift_pow(op, big_sign, old_class, &handled, &r);
    if (handled) {
        if (st == CM_OK) {
            *new_bits = (uint64_t)r;
        }
        return raise_status(st, name, op);
    }
    PyObject *a = int64_bits_to_pylong(is_signed, old);
    if (a == NULL) {
        return -1;
    }
    PyObject *res = python_binop(op, a, big);
    Py_DECREF(a);
    if (res == NULL) {
        return -1;
    }
    int overflow;
    long long v = PyLong_AsLongLongAndOverflow(res, &overflow);
    st = overflow == 0 ? int64_bits_from_small(is_signed, v, new_bits)
                       : int64_bits_from_big(is_signed, res, overflow, new_bits);
    Py_DECREF(res);
    return raise_status(st, name, op);
}

/* The read-modify-write: one CAS loop.  Returns 0 and sets *old_out /
 * *new_out, -1 with an exception (nothing stored), or OPERAND_WRONG_TYPE. */
static inline __attribute__((always_inline)) int int64_rmw(Int64Object *self, cm_op op, PyObject *operand,
                                                           uint64_t *old_out, uint64_t *new_out) {
    const bool is_signed = self->is_signed;
    long long v;
    PyObject *big = NULL;
    int big_sign = 0;
    int kind = int_operand(operand, &v, &big, &big_sign);
    uint64_t old = cymade_atomic_u64_load(&self->bits, LOAD_ORDER);
    uint64_t new_bits;
    if (kind == OPERAND_SMALL) {
        do {
            cm_status st = int64_apply(is_signed, op, old, (int64_t)v, &new_bits);
            if (st != CM_OK) {
                return raise_status(st, int64_name(is_signed), op);
            }
            /* Weak CAS in a retry loop: a spurious failure just recomputes. */
        } while (!cymade_atomic_u64_compare_exchange_weak(&self->bits, &old, new_bits, RMW_ORDER, LOAD_ORDER));
    } else if (kind == OPERAND_BIG) {
        do {
            if (int64_compute_big(is_signed, op, old, big, big_sign, &new_bits) < 0) {
                Py_DECREF(big);
                return -1;
            }
        } while (!cymade_atomic_u64_compare_exchange_weak(&self->bits, &old, new_bits, RMW_ORDER, LOAD_ORDER));
        Py_DECREF(big);
    } else {
        return kind == OPERAND_WRONG_TYPE ? OPERAND_WRONG_TYPE : -1;
    }
    *old_out = old;
    *new_out = new_bits;
    return 0;
}

/* Call on_zero after an operation stored 0.  Returns -1 if it raised. */
static inline int int64_notify(Int64Object *self, uint64_t stored) {
    if (stored != 0 || self->on_zero == NULL) {
        return 0;
    }
    PyObject *callback = Py_NewRef(self->on_zero);
    PyObject *r = PyObject_CallNoArgs(callback);
    Py_DECREF(callback);
    if (r == NULL) {
        return -1;
    }
    Py_DECREF(r);
    return 0;
}

/* `self OP= other`; int64_iadd (x += 1) is the hot path. */
static inline __attribute__((always_inline)) PyObject *int64_inplace(PyObject *self, PyObject *other, cm_op op) {
    uint64_t old = 0, new_bits = 0;
    int r = int64_rmw((Int64Object *)self, op, other, &old, &new_bits);
    if (r != 0) {
        return r == OPERAND_WRONG_TYPE ? inplace_type_error(self, other, op) : NULL;
    }
    if (int64_notify((Int64Object *)self, new_bits) < 0) {
        return NULL;
    }
    return Py_NewRef(self);
}

/* The in-place operator slots.  Each passes its operator as a constant to
 * int64_inplace, which is always_inline, so every copy folds the operator
 * switch away. */
static PyObject *int64_iadd(PyObject *self, PyObject *other) {
    return int64_inplace(self, other, CM_ADD);
}
static PyObject *int64_isub(PyObject *self, PyObject *other) {
    return int64_inplace(self, other, CM_SUB);
}
static PyObject *int64_imul(PyObject *self, PyObject *other) {
    return int64_inplace(self, other, CM_MUL);
}
static PyObject *int64_ifloordiv(PyObject *self, PyObject *other) {
    return int64_inplace(self, other, CM_FLOORDIV);
}
static PyObject *int64_imod(PyObject *self, PyObject *other) {
    return int64_inplace(self, other, CM_MOD);
}
static PyObject *int64_ipow(PyObject *self, PyObject *other, PyObject *Py_UNUSED(modulus)) {
    return int64_inplace(self, other, CM_POW);
}
static PyObject *int64_ilshift(PyObject *self, PyObject *other) {
    return int64_inplace(self, other, CM_LSHIFT);
}
static PyObject *int64_irshift(PyObject *self, PyObject *other) {
    return int64_inplace(self, other, CM_RSHIFT);
}
static PyObject *int64_iand(PyObject *self, PyObject *other) {
    return int64_inplace(self, other, CM_AND);
}
static PyObject *int64_ior(PyObject *self, PyObject *other) {
    return int64_inplace(self, other, CM_OR);
}
static PyObject *int64_ixor(PyObject *self, PyObject *other) {
    return int64_inplace(self, other, CM_XOR);
}

static PyObject *int64_create(PyTypeObject *type, bool is_signed, PyObject *init, PyObject *on_zero) {
    uint64_t bits = 0;
    if (init != NULL && int64_value_from(is_signed, type, "__new__", init, &bits) < 0) {
        return NULL;
    }
    Int64Object *self = (Int64Object *)type->tp_alloc(type, 0);
    if (self == NULL) {
        return NULL;
    }
    cymade_atomic_u64_init(&self->bits, bits);
    self->is_signed = is_signed;
    self->on_zero = Py_XNewRef(on_zero);
    self->weakreflist = NULL;
    return (PyObject *)self;
}

static PyObject *U64_new(PyTypeObject *type, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"init_value", "on_zero", NULL};
    PyObject *init = NULL, *on_zero = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|OO:U64", kwlist, &init, &on_zero)) {
        return NULL;
    }
    if (on_zero != Py_None && !PyCallable_Check(on_zero)) {
        PyErr_Format(PyExc_TypeError, "U64() on_zero must be callable or None, not '%.100s'",
                     Py_TYPE(on_zero)->tp_name);
        return NULL;
    }
    return int64_create(type, false, init, on_zero == Py_None ? NULL : on_zero);
}

static PyObject *I64_new(PyTypeObject *type, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"init_value", NULL};
    PyObject *init = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|O:I64", kwlist, &init)) {
        return NULL;
    }
    return int64_create(type, true, init, NULL);
}

static int U64_traverse(PyObject *self, visitproc visit, void *arg) {
    Py_VISIT(Py_TYPE(self));
    Py_VISIT(((Int64Object *)self)->on_zero);
    return 0;
}

static int U64_clear(PyObject *self) {
    Py_CLEAR(((Int64Object *)self)->on_zero);
    return 0;
}

static PyObject *int64_load(PyObject *self, PyObject *Py_UNUSED(ignored)) {
    Int64Object *io = (Int64Object *)self;
    return int64_bits_to_pylong(io->is_signed, cymade_atomic_u64_load(&io->bits, LOAD_ORDER));
}

static PyObject *int64_store(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    Int64Object *io = (Int64Object *)self;
    PyObject *a[1];
    uint64_t v;
    if (parse_args("store", args, nargs, kwnames, kw_value, 1, 1, a) < 0 ||
        int64_value_from(io->is_signed, Py_TYPE(self), "store", a[0], &v) < 0) {
        return NULL;
    }
    cymade_atomic_u64_store(&io->bits, v, STORE_ORDER);
    if (int64_notify(io, v) < 0) {
        return NULL;
    }
    Py_RETURN_NONE;
}

static PyObject *int64_exchange(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    Int64Object *io = (Int64Object *)self;
    PyObject *a[1];
    uint64_t v;
    if (parse_args("exchange", args, nargs, kwnames, kw_value, 1, 1, a) < 0 ||
        int64_value_from(io->is_signed, Py_TYPE(self), "exchange", a[0], &v) < 0) {
        return NULL;
    }
    uint64_t old = cymade_atomic_u64_exchange(&io->bits, v, RMW_ORDER);
    if (int64_notify(io, v) < 0) {
        return NULL;
    }
    return int64_bits_to_pylong(io->is_signed, old);
}

static PyObject *int64_compare_exchange(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    Int64Object *io = (Int64Object *)self;
    PyObject *a[2];
    uint64_t desired;
    if (parse_args("compare_exchange", args, nargs, kwnames, kw_cas, 2, 2, a) < 0 ||
        int64_value_from(io->is_signed, Py_TYPE(self), "compare_exchange", a[1], &desired) < 0) {
        return NULL;
    }
    long long small;
    PyObject *big = NULL;
    int sign;
    uint64_t expected;
    bool in_range;
    switch (int_operand(a[0], &small, &big, &sign)) {
    case OPERAND_SMALL: in_range = int64_bits_from_small(io->is_signed, small, &expected) == CM_OK; break;
    case OPERAND_BIG:
        in_range = int64_bits_from_big(io->is_signed, big, sign, &expected) == CM_OK;
        Py_DECREF(big);
        break;
    case OPERAND_WRONG_TYPE: method_type_error(Py_TYPE(self), "compare_exchange", "an int", a[0]); return NULL;
    default: return NULL;
    }
    if (!in_range) {
        Py_RETURN_FALSE; /* a value the type cannot hold cannot be equal */
    }
    /* Strong CAS: a spurious failure would be a wrong False. */
    if (!cymade_atomic_u64_compare_exchange_strong(&io->bits, &expected, desired, RMW_ORDER, LOAD_ORDER)) {
        Py_RETURN_FALSE;
    }
    if (int64_notify(io, desired) < 0) {
        return NULL;
    }
    Py_RETURN_TRUE;
}

static PyObject *int64_fetch(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames, cm_op op,
                             const char *name) {
    Int64Object *io = (Int64Object *)self;
    PyObject *a[1];
    if (parse_args(name, args, nargs, kwnames, kw_value, 1, 1, a) < 0) {
        return NULL;
    }
    uint64_t old = 0, new_bits = 0;
    int r = int64_rmw(io, op, a[0], &old, &new_bits);
    if (r != 0) {
        if (r == OPERAND_WRONG_TYPE) {
            method_type_error(Py_TYPE(self), name, "an int", a[0]);
        }
        return NULL;
    }
    if (int64_notify(io, new_bits) < 0) {
        return NULL;
    }
    return int64_bits_to_pylong(io->is_signed, old);
}

static PyObject *int64_fetch_add(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    return int64_fetch(self, args, nargs, kwnames, CM_ADD, "fetch_add");
}
static PyObject *int64_fetch_sub(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    return int64_fetch(self, args, nargs, kwnames, CM_SUB, "fetch_sub");
}

static PyObject *U64_get_on_zero(PyObject *self, void *Py_UNUSED(closure)) {
    PyObject *cb = ((Int64Object *)self)->on_zero;
    return Py_NewRef(cb != NULL ? cb : Py_None);
}

PyDoc_STRVAR(U64_load_doc, INT_LOAD_DOC);
PyDoc_STRVAR(U64_store_doc, "store($self, /, value)\n--\n\n"
                            "Set the value.  Calls on_zero if value is 0.");
PyDoc_STRVAR(U64_exchange_doc, "exchange($self, /, value)\n--\n\n"
                               "Set the value and return the previous one.  Calls on_zero if value is 0.");
PyDoc_STRVAR(U64_compare_exchange_doc, "compare_exchange($self, /, expected, desired)\n--\n\n"
                                       "If the value equals expected, set it to desired and return True;\n"
                                       "otherwise return False.  desired is validated first.  Calls on_zero\n"
                                       "if desired is 0 and the exchange happened.");
PyDoc_STRVAR(U64_fetch_add_doc, "fetch_add($self, /, value)\n--\n\n"
                                "Add value atomically and return the previous value.  Calls on_zero\n"
                                "if the new value is 0.");
PyDoc_STRVAR(U64_fetch_sub_doc, "fetch_sub($self, /, value)\n--\n\n"
                                "Subtract value atomically and return the previous value.  Calls\n"
                                "on_zero if the new value is 0.");

PyDoc_STRVAR(I64_load_doc, INT_LOAD_DOC);
PyDoc_STRVAR(I64_store_doc, "store($self, /, value)\n--\n\nSet the value.");
PyDoc_STRVAR(I64_exchange_doc, EXCHANGE_DOC);
PyDoc_STRVAR(I64_compare_exchange_doc, "compare_exchange($self, /, expected, desired)\n--\n\n"
                                       "If the value equals expected, set it to desired and return True;\n"
                                       "otherwise return False.  desired is validated first.");
PyDoc_STRVAR(I64_fetch_add_doc, FETCH_ADD_DOC);
PyDoc_STRVAR(I64_fetch_sub_doc, FETCH_SUB_DOC);

static PyMethodDef U64_methods[] = {
    {"load", int64_load, METH_NOARGS, U64_load_doc},
    {"store", FASTCALL_KW(int64_store), U64_store_doc},
    {"exchange", FASTCALL_KW(int64_exchange), U64_exchange_doc},
    {"compare_exchange", FASTCALL_KW(int64_compare_exchange), U64_compare_exchange_doc},
    {"fetch_add", FASTCALL_KW(int64_fetch_add), U64_fetch_add_doc},
    {"fetch_sub", FASTCALL_KW(int64_fetch_sub), U64_fetch_sub_doc},
    PLAIN_NUMBER_METHODS,
    {NULL, NULL, 0, NULL},
};
static PyMethodDef I64_methods[] = {
    {"load", int64_load, METH_NOARGS, I64_load_doc},
    {"store", FASTCALL_KW(int64_store), I64_store_doc},
    {"exchange", FASTCALL_KW(int64_exchange), I64_exchange_doc},
    {"compare_exchange", FASTCALL_KW(int64_compare_exchange), I64_compare_exchange_doc},
    {"fetch_add", FASTCALL_KW(int64_fetch_add), I64_fetch_add_doc},
    {"fetch_sub", FASTCALL_KW(int64_fetch_sub), I64_fetch_sub_doc},
    PLAIN_NUMBER_METHODS,
    {NULL, NULL, 0, NULL},
};

static PyMemberDef int64_members[] = WEAKREF_MEMBERS(Int64Object);

static PyGetSetDef U64_getset[] = {
    {"on_zero", U64_get_on_zero, NULL, PyDoc_STR("The on_zero callback given at construction, or None."), NULL},
    {NULL},
};

PyDoc_STRVAR(U64_doc, "U64(init_value=0, on_zero=None)\n--\n\n"
                      "An unsigned 64-bit integer, range [0, 2**64-1], updated atomically.\n\n"
                      "In-place operators (+= -= *= //= %= **= <<= >>= &= |= ^=) are atomic\n"
                      "read-modify-writes (sequentially consistent).  An operation whose result\n"
                      "would leave the range raises OverflowError (above 2**64-1) or ValueError\n"
                      "(below zero) and leaves the value unchanged; it never wraps.\n\n"
                      "on_zero, a callable or None, is called with no arguments exactly once\n"
                      "for every operation whose result is 0 (in-place operators, store(0),\n"
                      "exchange(0), a successful compare_exchange(_, 0), fetch_add/fetch_sub),\n"
                      "by the thread that performed it, after the store.  If it raises, the\n"
                      "exception propagates from the operation; the value stays stored.\n"
                      "Construction with init_value=0 does not call it.");

PyDoc_STRVAR(I64_doc, "I64(init_value=0)\n--\n\n"
                      "A signed 64-bit integer, range [-2**63, 2**63-1], updated atomically.\n\n"
                      "In-place operators (+= -= *= //= %= **= <<= >>= &= |= ^=) are atomic\n"
                      "read-modify-writes (sequentially consistent) with Python int semantics\n"
                      "(// and % floor).  A result outside the range raises OverflowError\n"
                      "(including -2**63 // -1) and leaves the value unchanged; it never wraps.\n"
                      "Negative shift counts and negative exponents raise ValueError.");

static PyType_Slot U64_slots[] = {
    {Py_tp_doc, (void *)U64_doc},
    {Py_tp_new, U64_new},
    {Py_tp_dealloc, int64_dealloc},
    {Py_tp_traverse, U64_traverse},
    {Py_tp_clear, U64_clear},
    {Py_tp_methods, U64_methods},
    {Py_tp_getset, U64_getset},
    {Py_tp_members, int64_members},
    {Py_nb_inplace_add, int64_iadd},
    {Py_nb_inplace_subtract, int64_isub},
    {Py_nb_inplace_multiply, int64_imul},
    {Py_nb_inplace_floor_divide, int64_ifloordiv},
    {Py_nb_inplace_remainder, int64_imod},
    {Py_nb_inplace_power, int64_ipow},
    {Py_nb_inplace_lshift, int64_ilshift},
    {Py_nb_inplace_rshift, int64_irshift},
    {Py_nb_inplace_and, int64_iand},
    {Py_nb_inplace_or, int64_ior},
    {Py_nb_inplace_xor, int64_ixor},
    {0, NULL},
};

static PyType_Slot I64_slots[] = {
    {Py_tp_doc, (void *)I64_doc},
    {Py_tp_new, I64_new},
    {Py_tp_dealloc, int64_dealloc},
    {Py_tp_methods, I64_methods},
    {Py_tp_members, int64_members},
    {Py_nb_inplace_add, int64_iadd},
    {Py_nb_inplace_subtract, int64_isub},
    {Py_nb_inplace_multiply, int64_imul},
    {Py_nb_inplace_floor_divide, int64_ifloordiv},
    {Py_nb_inplace_remainder, int64_imod},
    {Py_nb_inplace_power, int64_ipow},
    {Py_nb_inplace_lshift, int64_ilshift},
    {Py_nb_inplace_rshift, int64_irshift},
    {Py_nb_inplace_and, int64_iand},
    {Py_nb_inplace_or, int64_ior},
    {Py_nb_inplace_xor, int64_ixor},
    {0, NULL},
};

PyType_Spec U64_spec = {
    .name = "cymade.atomic.U64",
    .basicsize = sizeof(Int64Object),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_IMMUTABLETYPE,
    .slots = U64_slots,
};

PyType_Spec I64_spec = {
    .name = "cymade.atomic.I64",
    .basicsize = sizeof(Int64Object),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_IMMUTABLETYPE,
    .slots = I64_slots,
};
