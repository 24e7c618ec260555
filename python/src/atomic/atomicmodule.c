/*
 * cymade._atomic: U64, I64, Int and Float, numbers that many threads update
 * without a threading.Lock.
 *
 * Hand-written C API in the style of CPython's Modules/_queuemodule.c: heap
 * types made by PyType_FromModuleAndSpec, module state instead of C globals,
 * multi-phase initialisation, and no reliance on the GIL (U64, I64 and Float
 * live in cymade/atomic.h atomics; Int's PyLong is guarded by its own lock).
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
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#if PY_VERSION_HEX >= 0x030C0000
#define MEMBER_PYSSIZET Py_T_PYSSIZET
#define MEMBER_READONLY Py_READONLY
#else
#include <structmember.h>
#define MEMBER_PYSSIZET T_PYSSIZET
#define MEMBER_READONLY READONLY
#endif

#include <stdbool.h>
#include <stdint.h>

#include "checked_ops.h"
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

/* ------------------------------------------------------------------------- */
/* Module state and object layouts                                           */
/* ------------------------------------------------------------------------- */

typedef struct {
    PyTypeObject *U64_type;
    PyTypeObject *I64_type;
    PyTypeObject *Int_type;
    PyTypeObject *Float_type;
} atomic_state;

static inline atomic_state *get_state(PyObject *module) {
    return (atomic_state *)PyModule_GetState(module);
}

typedef struct {
    PyObject_HEAD
    cymade_atomic_u64 value;
    PyObject *on_zero; /* callable or NULL; fixed after construction */
    PyObject *weakreflist;
} U64Object;

typedef struct {
    PyObject_HEAD
    cymade_atomic_i64 value;
    PyObject *weakreflist;
} I64Object;

#if PY_VERSION_HEX >= 0x030D0000
#define INT_LOCK_T PyMutex
#define INT_LOCK(self) PyMutex_Lock(&(self)->lock)
#define INT_UNLOCK(self) PyMutex_Unlock(&(self)->lock)
#else
#define INT_LOCK_T PyThread_type_lock
#define INT_LOCK(self) PyThread_acquire_lock((self)->lock, WAIT_LOCK)
#define INT_UNLOCK(self) PyThread_release_lock((self)->lock)
#endif

typedef struct {
    PyObject_HEAD
    /* An exact PyLong (never NULL except after tp_clear), replaced whole
     * under `lock`.  The lock is a real mutex, not the GIL: on 3.13+ it is a
     * PyMutex, which detaches the thread state while it waits. */
    PyObject *value;
    INT_LOCK_T lock;
    PyObject *weakreflist;
} IntObject;

typedef struct {
    PyObject_HEAD
    cymade_atomic_f64 value;
    PyObject *weakreflist;
} FloatObject;

enum atomic_kind { KIND_NONE, KIND_U64, KIND_I64, KIND_INT, KIND_FLOAT };

static void U64_dealloc(PyObject *self);
static void I64_dealloc(PyObject *self);
static void Int_dealloc(PyObject *self);
static void Float_dealloc(PyObject *self);

/* Which of our types `o` is.  Compares tp_dealloc, not the type object, so it
 * also recognises instances from another interpreter's copy of the module. */
static inline enum atomic_kind atomic_kind_of(PyObject *o) {
    destructor d = Py_TYPE(o)->tp_dealloc;
    if (d == U64_dealloc) {
        return KIND_U64;
    }
    if (d == I64_dealloc) {
        return KIND_I64;
    }
    if (d == Int_dealloc) {
        return KIND_INT;
    }
    if (d == Float_dealloc) {
        return KIND_FLOAT;
    }
    return KIND_NONE;
}

static const char *const op_symbols[] = {
    [CM_ADD] = "+", [CM_SUB] = "-", [CM_MUL] = "*",     [CM_TRUEDIV] = "/", [CM_FLOORDIV] = "//", [CM_MOD] = "%",
    [CM_POW] = "**", [CM_LSHIFT] = "<<", [CM_RSHIFT] = ">>", [CM_AND] = "&",     [CM_OR] = "|",        [CM_XOR] = "^",
};

/* ------------------------------------------------------------------------- */
/* Plain values                                                              */
/* ------------------------------------------------------------------------- */

static PyObject *Int_get(IntObject *self) {
    INT_LOCK(self);
    PyObject *v = self->value;
    Py_XINCREF(v);
    INT_UNLOCK(self);
    return v != NULL ? v : PyLong_FromLong(0);
}

/* New reference to the plain number an atomic holds (int or float). */
static PyObject *atomic_plain(PyObject *o, enum atomic_kind kind) {
    switch (kind) {
    case KIND_U64:
        return PyLong_FromUnsignedLongLong(cymade_atomic_u64_load(&((U64Object *)o)->value, LOAD_ORDER));
    case KIND_I64:
        return PyLong_FromLongLong(cymade_atomic_i64_load(&((I64Object *)o)->value, LOAD_ORDER));
    case KIND_INT:
        return Int_get((IntObject *)o);
    case KIND_FLOAT:
        return PyFloat_FromDouble(cymade_atomic_f64_load(&((FloatObject *)o)->value, LOAD_ORDER));
    case KIND_NONE:
        break;
    }
    return Py_NewRef(o);
}

/* New reference: the plain value of an atomic, or `o` itself. */
static inline PyObject *plain_or_self(PyObject *o) {
    return atomic_plain(o, atomic_kind_of(o));
}

/* ------------------------------------------------------------------------- */
/* Operand parsing                                                           */
/* ------------------------------------------------------------------------- */

enum operand_kind {
    OPERAND_ERROR = -1,     /* exception set */
    OPERAND_SMALL = 0,      /* fits int64: *small */
    OPERAND_BIG = 1,        /* exact int outside int64: *big (new ref), *big_sign */
    OPERAND_WRONG_TYPE = 2, /* not an integer; no exception set */
};

static int int_operand_slow(PyObject *o, long long *small, PyObject **big, int *big_sign);

/* An integer operand: int (bool included), an integer atomic, or anything with
 * __index__.  The int case is inline: it is the `x += 1` hot path. */
static inline int int_operand(PyObject *o, long long *small, PyObject **big, int *big_sign) {
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

static int int_operand_slow(PyObject *o, long long *small, PyObject **big, int *big_sign) {
    enum atomic_kind kind = atomic_kind_of(o);
    PyObject *index;
    if (kind == KIND_FLOAT) {
        return OPERAND_WRONG_TYPE;
    } else if (kind != KIND_NONE) {
        index = atomic_plain(o, kind);
    } else if (PyIndex_Check(o)) {
        index = PyNumber_Index(o);
    } else {
        return OPERAND_WRONG_TYPE;
    }
    if (index == NULL) {
        return OPERAND_ERROR;
    }
    int r = int_operand(index, small, big, big_sign);
    Py_DECREF(index);
    return r;
}

/* An exact-int operand (new reference), for Int; NULL + *wrong_type = 1 if
 * `o` is not an integer. */
static PyObject *exact_int_operand(PyObject *o, int *wrong_type) {
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

/* A Float operand: float, int, any atomic, or anything with __index__.
 * Returns 0 with *out, -1 with an exception, 1 for a wrong type. */
static int float_operand(PyObject *o, double *out) {
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
    PyObject *index;
    if (kind != KIND_NONE) {
        index = atomic_plain(o, kind);
    } else if (PyIndex_Check(o)) {
        index = PyNumber_Index(o);
    } else {
        return 1;
    }
    if (index == NULL) {
        return -1;
    }
    *out = PyLong_AsDouble(index);
    Py_DECREF(index);
    return (*out == -1.0 && PyErr_Occurred()) ? -1 : 0;
}

static PyObject *inplace_type_error(PyObject *self, PyObject *other, cm_op op) {
    PyErr_Format(PyExc_TypeError, "unsupported operand type(s) for %s=: '%.100s' and '%.100s'", op_symbols[op],
                 Py_TYPE(self)->tp_name, Py_TYPE(other)->tp_name);
    return NULL;
}

static void method_type_error(PyTypeObject *tp, const char *method, const char *expected, PyObject *arg) {
    PyErr_Format(PyExc_TypeError, "%.100s.%s() argument must be %s, not '%.100s'", tp->tp_name, method, expected,
                 Py_TYPE(arg)->tp_name);
}

/* Raise the exception for a checked-arithmetic status; returns -1. */
static int raise_status(cm_status st, const char *type_name, cm_op op) {
    switch (st) {
    case CM_OK:
        return 0;
    case CM_OVERFLOW:
        PyErr_Format(PyExc_OverflowError, "%s %s= result out of range of %s", type_name, op_symbols[op],
                     type_name);
        break;
    case CM_BELOW_ZERO:
        PyErr_Format(PyExc_ValueError, "%s %s= result would be negative: U64 cannot go below zero", type_name,
                     op_symbols[op]);
        break;
    case CM_ZERO_DIV:
        PyErr_SetString(PyExc_ZeroDivisionError, op == CM_TRUEDIV  ? "float division by zero"
                                                 : op == CM_MOD    ? "modulo by zero"
                                                                   : "division by zero");
        break;
    case CM_NEG_SHIFT:
        PyErr_SetString(PyExc_ValueError, "negative shift count");
        break;
    case CM_NEG_POW:
        PyErr_Format(PyExc_ValueError, "%s **= with a negative exponent: the result would not be an integer",
                     type_name);
        break;
    }
    return -1;
}

/* ------------------------------------------------------------------------- */
/* Argument parsing for METH_FASTCALL | METH_KEYWORDS (no tuples, no dicts)   */
/* ------------------------------------------------------------------------- */

static int parse_args(const char *fname, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames,
                      const char *const *names, Py_ssize_t nreq, Py_ssize_t nmax, PyObject **out) {
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

static const char *const kw_value[] = {"value", NULL};
static const char *const kw_cas[] = {"expected", "desired", NULL};

/* ------------------------------------------------------------------------- */
/* Shared number protocol: binary operators return plain numbers             */
/* ------------------------------------------------------------------------- */

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

#define DELEGATE_BINARY(name, fn)                                                                                   \
    static PyObject *name(PyObject *a, PyObject *b) {                                                               \
        return delegate_binary(a, b, fn);                                                                           \
    }
DELEGATE_BINARY(num_add, PyNumber_Add)
DELEGATE_BINARY(num_sub, PyNumber_Subtract)
DELEGATE_BINARY(num_mul, PyNumber_Multiply)
DELEGATE_BINARY(num_truediv, PyNumber_TrueDivide)
DELEGATE_BINARY(num_floordiv, PyNumber_FloorDivide)
DELEGATE_BINARY(num_mod, PyNumber_Remainder)
DELEGATE_BINARY(num_divmod, PyNumber_Divmod)
DELEGATE_BINARY(num_lshift, PyNumber_Lshift)
DELEGATE_BINARY(num_rshift, PyNumber_Rshift)
DELEGATE_BINARY(num_and, PyNumber_And)
DELEGATE_BINARY(num_or, PyNumber_Or)
DELEGATE_BINARY(num_xor, PyNumber_Xor)

static PyObject *num_pow(PyObject *a, PyObject *b, PyObject *c) {
    enum atomic_kind ka = atomic_kind_of(a), kb = atomic_kind_of(b);
    PyObject *other = ka == KIND_NONE ? a : b;
    if ((ka == KIND_NONE || kb == KIND_NONE) && !PyNumber_Check(other)) {
        Py_RETURN_NOTIMPLEMENTED;
    }
    PyObject *pa = NULL, *pb = NULL, *pc = NULL, *r = NULL;
    if ((pa = atomic_plain(a, ka)) != NULL && (pb = atomic_plain(b, kb)) != NULL &&
        (pc = plain_or_self(c)) != NULL) {
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

static PyObject *num_format(PyObject *self, PyObject *spec) {
    return forward_method(self, "__format__", &spec, 1);
}
static PyObject *num_round(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs > 1) {
        PyErr_SetString(PyExc_TypeError, "__round__() takes at most 1 argument");
        return NULL;
    }
    return forward_method(self, "__round__", args, nargs);
}
static PyObject *num_trunc(PyObject *self, PyObject *Py_UNUSED(ignored)) {
    return forward_method(self, "__trunc__", NULL, 0);
}
static PyObject *num_floor(PyObject *self, PyObject *Py_UNUSED(ignored)) {
    return forward_method(self, "__floor__", NULL, 0);
}
static PyObject *num_ceil(PyObject *self, PyObject *Py_UNUSED(ignored)) {
    return forward_method(self, "__ceil__", NULL, 0);
}

#define COMMON_METHODS                                                                                              \
    {"__format__", (PyCFunction)num_format, METH_O, PyDoc_STR("Format the current value like the plain number.")}, \
        {"__round__", (PyCFunction)(void (*)(void))num_round, METH_FASTCALL,                                      \
         PyDoc_STR("round() of the current value, as for the plain number.")},                                      \
        {"__trunc__", num_trunc, METH_NOARGS, PyDoc_STR("math.trunc() of the current value.")},                  \
        {"__floor__", num_floor, METH_NOARGS, PyDoc_STR("math.floor() of the current value.")},                  \
        {"__ceil__", num_ceil, METH_NOARGS, PyDoc_STR("math.ceil() of the current value.")}

static PyMemberDef weakref_members_U64[] = {
    {"__weaklistoffset__", MEMBER_PYSSIZET, offsetof(U64Object, weakreflist), MEMBER_READONLY, NULL},
    {NULL},
};
static PyMemberDef weakref_members_I64[] = {
    {"__weaklistoffset__", MEMBER_PYSSIZET, offsetof(I64Object, weakreflist), MEMBER_READONLY, NULL},
    {NULL},
};
static PyMemberDef weakref_members_Int[] = {
    {"__weaklistoffset__", MEMBER_PYSSIZET, offsetof(IntObject, weakreflist), MEMBER_READONLY, NULL},
    {NULL},
};
static PyMemberDef weakref_members_Float[] = {
    {"__weaklistoffset__", MEMBER_PYSSIZET, offsetof(FloatObject, weakreflist), MEMBER_READONLY, NULL},
    {NULL},
};

/* ------------------------------------------------------------------------- */
/* U64                                                                       */
/* ------------------------------------------------------------------------- */

/* Call on_zero after an operation stored 0.  Returns -1 if it raised. */
static inline int U64_notify(U64Object *self, uint64_t stored) {
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

/* A U64 value from a store()-like argument.  0 ok, -1 error set. */
static int U64_value_from(PyTypeObject *tp, const char *what, PyObject *o, uint64_t *out) {
    long long small;
    PyObject *big = NULL;
    int sign = 0;
    switch (int_operand(o, &small, &big, &sign)) {
    case OPERAND_SMALL:
        if (small < 0) {
            PyErr_Format(PyExc_ValueError, "U64 value must be >= 0, got %lld", small);
            return -1;
        }
        *out = (uint64_t)small;
        return 0;
    case OPERAND_BIG:
        if (sign < 0) {
            PyErr_SetString(PyExc_ValueError, "U64 value must be >= 0");
            Py_DECREF(big);
            return -1;
        }
        *out = PyLong_AsUnsignedLongLong(big);
        Py_DECREF(big);
        if (*out == (uint64_t)-1 && PyErr_Occurred()) {
            PyErr_SetString(PyExc_OverflowError, "U64 value must be <= 2**64-1");
            return -1;
        }
        return 0;
    case OPERAND_WRONG_TYPE:
        method_type_error(tp, what, "an int", o);
        return -1;
    default:
        return -1;
    }
}

/* An exact int outside int64 as operand: shifts and powers are decided here
 * without computing a huge number; the rest is computed with Python ints and
 * range-checked. */
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

static PyObject *python_binop(cm_op op, PyObject *a, PyObject *b) {
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

/* new = old OP big for U64, where big does not fit int64. */
static int U64_compute_big(cm_op op, uint64_t old, PyObject *big, int big_sign, uint64_t *out) {
    int handled;
    int64_t r64 = 0;
    cm_status st = big_shift_pow(op, big_sign, old > 1 ? 2 : (int64_t)old, &handled, &r64);
    if (handled) {
        if (st == CM_OK) {
            *out = op == CM_RSHIFT ? 0 : (uint64_t)r64;
        }
        return raise_status(st, "U64", op);
    }
    PyObject *a = PyLong_FromUnsignedLongLong(old);
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
    if (overflow < 0 || (overflow == 0 && v < 0)) {
        Py_DECREF(res);
        return raise_status(CM_BELOW_ZERO, "U64", op);
    }
    if (overflow == 0) {
        Py_DECREF(res);
        *out = (uint64_t)v;
        return 0;
    }
    *out = PyLong_AsUnsignedLongLong(res);
    Py_DECREF(res);
    if (*out == (uint64_t)-1 && PyErr_Occurred()) {
        PyErr_Clear();
        return raise_status(CM_OVERFLOW, "U64", op);
    }
    return 0;
}

/* The U64 read-modify-write: one CAS loop.  Returns 0 and sets *old_out /
 * *new_out, -1 with an exception (nothing stored), or OPERAND_WRONG_TYPE. */
static inline __attribute__((always_inline)) int U64_rmw(U64Object *self, cm_op op, PyObject *operand,
                                                         uint64_t *old_out, uint64_t *new_out) {
    long long v;
    PyObject *big = NULL;
    int big_sign = 0;
    int kind = int_operand(operand, &v, &big, &big_sign);
    if (kind == OPERAND_SMALL) {
        uint64_t old = cymade_atomic_u64_load(&self->value, LOAD_ORDER);
        uint64_t new_value;
        do {
            cm_status st = cm_u64_apply(op, old, (int64_t)v, &new_value);
            if (st != CM_OK) {
                return raise_status(st, "U64", op);
            }
            /* Weak CAS in a retry loop: a spurious failure just recomputes. */
        } while (!cymade_atomic_u64_compare_exchange_weak(&self->value, &old, new_value, RMW_ORDER, LOAD_ORDER));
        *old_out = old;
        *new_out = new_value;
        return 0;
    }
    if (kind != OPERAND_BIG) {
        return kind == OPERAND_WRONG_TYPE ? OPERAND_WRONG_TYPE : -1;
    }
    uint64_t old = cymade_atomic_u64_load(&self->value, LOAD_ORDER);
    uint64_t new_value;
    do {
        if (U64_compute_big(op, old, big, big_sign, &new_value) < 0) {
            Py_DECREF(big);
            return -1;
        }
    } while (!cymade_atomic_u64_compare_exchange_weak(&self->value, &old, new_value, RMW_ORDER, LOAD_ORDER));
    Py_DECREF(big);
    *old_out = old;
    *new_out = new_value;
    return 0;
}

static inline __attribute__((always_inline)) PyObject *U64_inplace(PyObject *self, PyObject *other, cm_op op) {
    uint64_t old = 0, new_value = 0;
    int r = U64_rmw((U64Object *)self, op, other, &old, &new_value);
    if (r != 0) {
        return r == OPERAND_WRONG_TYPE ? inplace_type_error(self, other, op) : NULL;
    }
    if (U64_notify((U64Object *)self, new_value) < 0) {
        return NULL;
    }
    return Py_NewRef(self);
}

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
    if (size == 0 || size == 1) {
        *v = size == 0 ? 0 : (long long)((PyLongObject *)o)->ob_digit[0];
        return 1;
    }
    return 0;
#endif
}

/* x += 1: the hot path.  An exact small non-negative int skips every other
 * check: one compact-int read, one CAS loop, return self. */
static PyObject *U64_iadd(PyObject *self, PyObject *other) {
    long long v;
    if (PyLong_CheckExact(other) && compact_int_value(other, &v)) {
        if (v >= 0) {
            U64Object *u = (U64Object *)self;
            uint64_t old = cymade_atomic_u64_load(&u->value, LOAD_ORDER);
            uint64_t new_value;
            do {
                if (__builtin_add_overflow(old, (uint64_t)v, &new_value)) {
                    return PyErr_Format(PyExc_OverflowError, "U64 += result out of range of U64"), NULL;
                }
            } while (!cymade_atomic_u64_compare_exchange_weak(&u->value, &old, new_value, RMW_ORDER, LOAD_ORDER));
            if (new_value == 0 && U64_notify(u, 0) < 0) {
                return NULL;
            }
            return Py_NewRef(self);
        }
    }
    return U64_inplace(self, other, CM_ADD);
}

#define U64_INPLACE(name, op)                                                                                       \
    static PyObject *name(PyObject *self, PyObject *other) {                                                        \
        return U64_inplace(self, other, op);                                                                        \
    }
U64_INPLACE(U64_isub, CM_SUB)
U64_INPLACE(U64_imul, CM_MUL)
U64_INPLACE(U64_ifloordiv, CM_FLOORDIV)
U64_INPLACE(U64_imod, CM_MOD)
U64_INPLACE(U64_ilshift, CM_LSHIFT)
U64_INPLACE(U64_irshift, CM_RSHIFT)
U64_INPLACE(U64_iand, CM_AND)
U64_INPLACE(U64_ior, CM_OR)
U64_INPLACE(U64_ixor, CM_XOR)

static PyObject *U64_ipow(PyObject *self, PyObject *other, PyObject *Py_UNUSED(mod)) {
    return U64_inplace(self, other, CM_POW);
}

/* Integer types refuse /= rather than let Python fall back to `/` and rebind
 * the name to a plain float. */
static PyObject *integer_itruediv(PyObject *self, PyObject *Py_UNUSED(other)) {
    PyErr_Format(PyExc_TypeError, "%.100s does not support /= (the result would not be an integer); use //=",
                 Py_TYPE(self)->tp_name);
    return NULL;
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
    uint64_t v = 0;
    if (init != NULL && U64_value_from(type, "__new__", init, &v) < 0) {
        return NULL;
    }
    U64Object *self = (U64Object *)type->tp_alloc(type, 0);
    if (self == NULL) {
        return NULL;
    }
    cymade_atomic_u64_init(&self->value, v);
    self->on_zero = on_zero == Py_None ? NULL : Py_NewRef(on_zero);
    self->weakreflist = NULL;
    return (PyObject *)self;
}

static int U64_traverse(PyObject *self, visitproc visit, void *arg) {
    Py_VISIT(Py_TYPE(self));
    Py_VISIT(((U64Object *)self)->on_zero);
    return 0;
}

static int U64_clear(PyObject *self) {
    Py_CLEAR(((U64Object *)self)->on_zero);
    return 0;
}

static void U64_dealloc(PyObject *self) {
    PyTypeObject *tp = Py_TYPE(self);
    PyObject_GC_UnTrack(self);
    if (((U64Object *)self)->weakreflist != NULL) {
        PyObject_ClearWeakRefs(self);
    }
    (void)U64_clear(self);
    tp->tp_free(self);
    Py_DECREF(tp);
}

PyDoc_STRVAR(U64_load_doc, "load($self, /)\n--\n\nReturn the current value (an int).");
static PyObject *U64_load(PyObject *self, PyObject *Py_UNUSED(ignored)) {
    return PyLong_FromUnsignedLongLong(cymade_atomic_u64_load(&((U64Object *)self)->value, LOAD_ORDER));
}

PyDoc_STRVAR(U64_store_doc, "store($self, /, value)\n--\n\n"
                            "Set the value.  Calls on_zero if value is 0.");
static PyObject *U64_store(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    PyObject *a[1];
    uint64_t v;
    if (parse_args("store", args, nargs, kwnames, kw_value, 1, 1, a) < 0 ||
        U64_value_from(Py_TYPE(self), "store", a[0], &v) < 0) {
        return NULL;
    }
    cymade_atomic_u64_store(&((U64Object *)self)->value, v, STORE_ORDER);
    if (U64_notify((U64Object *)self, v) < 0) {
        return NULL;
    }
    Py_RETURN_NONE;
}

PyDoc_STRVAR(U64_exchange_doc, "exchange($self, /, value)\n--\n\n"
                               "Set the value and return the previous one.  Calls on_zero if value is 0.");
static PyObject *U64_exchange(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    PyObject *a[1];
    uint64_t v;
    if (parse_args("exchange", args, nargs, kwnames, kw_value, 1, 1, a) < 0 ||
        U64_value_from(Py_TYPE(self), "exchange", a[0], &v) < 0) {
        return NULL;
    }
    uint64_t old = cymade_atomic_u64_exchange(&((U64Object *)self)->value, v, RMW_ORDER);
    if (U64_notify((U64Object *)self, v) < 0) {
        return NULL;
    }
    return PyLong_FromUnsignedLongLong(old);
}

PyDoc_STRVAR(U64_compare_exchange_doc,
             "compare_exchange($self, /, expected, desired)\n--\n\n"
             "If the value equals expected, set it to desired and return True;\n"
             "otherwise return False.  desired is validated first.  Calls on_zero\n"
             "if desired is 0 and the exchange happened.");
static PyObject *U64_compare_exchange(PyObject *self, PyObject *const *args, Py_ssize_t nargs,
                                      PyObject *kwnames) {
    PyObject *a[2];
    uint64_t desired;
    if (parse_args("compare_exchange", args, nargs, kwnames, kw_cas, 2, 2, a) < 0 ||
        U64_value_from(Py_TYPE(self), "compare_exchange", a[1], &desired) < 0) {
        return NULL;
    }
    long long small;
    PyObject *big = NULL;
    int sign;
    uint64_t expected;
    switch (int_operand(a[0], &small, &big, &sign)) {
    case OPERAND_SMALL:
        if (small < 0) {
            Py_RETURN_FALSE; /* a U64 never holds a negative value */
        }
        expected = (uint64_t)small;
        break;
    case OPERAND_BIG:
        expected = sign > 0 ? PyLong_AsUnsignedLongLong(big) : 0;
        Py_DECREF(big);
        if (sign < 0 || (expected == (uint64_t)-1 && PyErr_Occurred())) {
            PyErr_Clear();
            Py_RETURN_FALSE; /* outside [0, 2**64-1]: cannot be equal */
        }
        break;
    case OPERAND_WRONG_TYPE:
        method_type_error(Py_TYPE(self), "compare_exchange", "an int", a[0]);
        return NULL;
    default:
        return NULL;
    }
    /* Strong CAS: a spurious failure would be a wrong False. */
    if (!cymade_atomic_u64_compare_exchange_strong(&((U64Object *)self)->value, &expected, desired, RMW_ORDER,
                                                   LOAD_ORDER)) {
        Py_RETURN_FALSE;
    }
    if (U64_notify((U64Object *)self, desired) < 0) {
        return NULL;
    }
    Py_RETURN_TRUE;
}

static PyObject *U64_fetch(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames,
                           cm_op op, const char *name) {
    PyObject *a[1];
    if (parse_args(name, args, nargs, kwnames, kw_value, 1, 1, a) < 0) {
        return NULL;
    }
    uint64_t old = 0, new_value = 0;
    int r = U64_rmw((U64Object *)self, op, a[0], &old, &new_value);
    if (r != 0) {
        if (r == OPERAND_WRONG_TYPE) {
            method_type_error(Py_TYPE(self), name, "an int", a[0]);
        }
        return NULL;
    }
    if (U64_notify((U64Object *)self, new_value) < 0) {
        return NULL;
    }
    return PyLong_FromUnsignedLongLong(old);
}

PyDoc_STRVAR(U64_fetch_add_doc, "fetch_add($self, /, value)\n--\n\n"
                                "Add value atomically and return the previous value.  Calls on_zero\n"
                                "if the new value is 0.");
static PyObject *U64_fetch_add(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    return U64_fetch(self, args, nargs, kwnames, CM_ADD, "fetch_add");
}

PyDoc_STRVAR(U64_fetch_sub_doc, "fetch_sub($self, /, value)\n--\n\n"
                                "Subtract value atomically and return the previous value.  Calls\n"
                                "on_zero if the new value is 0.");
static PyObject *U64_fetch_sub(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    return U64_fetch(self, args, nargs, kwnames, CM_SUB, "fetch_sub");
}

static PyObject *U64_get_on_zero(PyObject *self, void *Py_UNUSED(closure)) {
    PyObject *cb = ((U64Object *)self)->on_zero;
    return Py_NewRef(cb != NULL ? cb : Py_None);
}

#define FASTCALL_KW(fn) (PyCFunction)(void (*)(void))(fn), METH_FASTCALL | METH_KEYWORDS

static PyMethodDef U64_methods[] = {
    {"load", U64_load, METH_NOARGS, U64_load_doc},
    {"store", FASTCALL_KW(U64_store), U64_store_doc},
    {"exchange", FASTCALL_KW(U64_exchange), U64_exchange_doc},
    {"compare_exchange", FASTCALL_KW(U64_compare_exchange), U64_compare_exchange_doc},
    {"fetch_add", FASTCALL_KW(U64_fetch_add), U64_fetch_add_doc},
    {"fetch_sub", FASTCALL_KW(U64_fetch_sub), U64_fetch_sub_doc},
    COMMON_METHODS,
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef U64_getset[] = {
    {"on_zero", U64_get_on_zero, NULL, PyDoc_STR("The on_zero callback given at construction, or None."), NULL},
    {NULL},
};

PyDoc_STRVAR(U64_doc,
             "U64(init_value=0, on_zero=None)\n--\n\n"
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

static PyType_Slot U64_slots[] = {
    {Py_tp_doc, (void *)U64_doc},
    {Py_tp_new, U64_new},
    {Py_tp_dealloc, U64_dealloc},
    {Py_tp_traverse, U64_traverse},
    {Py_tp_clear, U64_clear},
    {Py_tp_repr, num_repr},
    {Py_tp_hash, PyObject_HashNotImplemented},
    {Py_tp_richcompare, num_richcompare},
    {Py_tp_methods, U64_methods},
    {Py_tp_getset, U64_getset},
    {Py_tp_members, weakref_members_U64},
    {Py_nb_add, num_add},
    {Py_nb_subtract, num_sub},
    {Py_nb_multiply, num_mul},
    {Py_nb_true_divide, num_truediv},
    {Py_nb_floor_divide, num_floordiv},
    {Py_nb_remainder, num_mod},
    {Py_nb_divmod, num_divmod},
    {Py_nb_power, num_pow},
    {Py_nb_lshift, num_lshift},
    {Py_nb_rshift, num_rshift},
    {Py_nb_and, num_and},
    {Py_nb_or, num_or},
    {Py_nb_xor, num_xor},
    {Py_nb_negative, num_neg},
    {Py_nb_positive, num_pos},
    {Py_nb_absolute, num_abs},
    {Py_nb_invert, num_invert},
    {Py_nb_bool, num_bool},
    {Py_nb_int, num_int},
    {Py_nb_float, num_float},
    {Py_nb_index, num_index},
    {Py_nb_inplace_add, U64_iadd},
    {Py_nb_inplace_subtract, U64_isub},
    {Py_nb_inplace_multiply, U64_imul},
    {Py_nb_inplace_true_divide, integer_itruediv},
    {Py_nb_inplace_floor_divide, U64_ifloordiv},
    {Py_nb_inplace_remainder, U64_imod},
    {Py_nb_inplace_power, U64_ipow},
    {Py_nb_inplace_lshift, U64_ilshift},
    {Py_nb_inplace_rshift, U64_irshift},
    {Py_nb_inplace_and, U64_iand},
    {Py_nb_inplace_or, U64_ior},
    {Py_nb_inplace_xor, U64_ixor},
    {0, NULL},
};

static PyType_Spec U64_spec = {
    .name = "cymade.atomic.U64",
    .basicsize = sizeof(U64Object),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_IMMUTABLETYPE,
    .slots = U64_slots,
};

/* ------------------------------------------------------------------------- */
/* I64                                                                       */
/* ------------------------------------------------------------------------- */

static int I64_value_from(PyTypeObject *tp, const char *what, PyObject *o, int64_t *out) {
    long long small;
    PyObject *big = NULL;
    int sign = 0;
    switch (int_operand(o, &small, &big, &sign)) {
    case OPERAND_SMALL:
        *out = small;
        return 0;
    case OPERAND_BIG:
        Py_DECREF(big);
        PyErr_SetString(PyExc_OverflowError, "I64 value must be in [-2**63, 2**63-1]");
        return -1;
    case OPERAND_WRONG_TYPE:
        method_type_error(tp, what, "an int", o);
        return -1;
    default:
        return -1;
    }
}

static int I64_compute_big(cm_op op, int64_t old, PyObject *big, int big_sign, int64_t *out) {
    int handled;
    int64_t r = 0;
    if (op == CM_POW && old == -1 && big_sign > 0) {
        /* (-1) ** n: the parity of n decides. */
        /* The low 64 bits (mod 2**64) keep the parity. */
        unsigned long long low = PyLong_AsUnsignedLongLongMask(big);
        if (low == (unsigned long long)-1 && PyErr_Occurred()) {
            return -1;
        }
        *out = (low & 1) ? -1 : 1;
        return 0;
    }
    cm_status st = big_shift_pow(op, big_sign, old, &handled, &r);
    if (handled) {
        if (st == CM_OK) {
            *out = r;
        }
        return raise_status(st, "I64", op);
    }
    PyObject *a = PyLong_FromLongLong(old);
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
    Py_DECREF(res);
    if (overflow != 0) {
        return raise_status(CM_OVERFLOW, "I64", op);
    }
    *out = v;
    return 0;
}

static inline __attribute__((always_inline)) int I64_rmw(I64Object *self, cm_op op, PyObject *operand,
                                                         int64_t *old_out, int64_t *new_out) {
    long long v;
    PyObject *big = NULL;
    int big_sign = 0;
    int kind = int_operand(operand, &v, &big, &big_sign);
    if (kind == OPERAND_SMALL) {
        int64_t old = cymade_atomic_i64_load(&self->value, LOAD_ORDER);
        int64_t new_value;
        do {
            cm_status st = cm_i64_apply(op, old, (int64_t)v, &new_value);
            if (st != CM_OK) {
                return raise_status(st, "I64", op);
            }
            /* Weak CAS in a retry loop: a spurious failure just recomputes. */
        } while (!cymade_atomic_i64_compare_exchange_weak(&self->value, &old, new_value, RMW_ORDER, LOAD_ORDER));
        *old_out = old;
        *new_out = new_value;
        return 0;
    }
    if (kind != OPERAND_BIG) {
        return kind == OPERAND_WRONG_TYPE ? OPERAND_WRONG_TYPE : -1;
    }
    int64_t old = cymade_atomic_i64_load(&self->value, LOAD_ORDER);
    int64_t new_value;
    do {
        if (I64_compute_big(op, old, big, big_sign, &new_value) < 0) {
            Py_DECREF(big);
            return -1;
        }
    } while (!cymade_atomic_i64_compare_exchange_weak(&self->value, &old, new_value, RMW_ORDER, LOAD_ORDER));
    Py_DECREF(big);
    *old_out = old;
    *new_out = new_value;
    return 0;
}

static inline __attribute__((always_inline)) PyObject *I64_inplace(PyObject *self, PyObject *other, cm_op op) {
    int64_t old = 0, new_value = 0;
    int r = I64_rmw((I64Object *)self, op, other, &old, &new_value);
    if (r != 0) {
        return r == OPERAND_WRONG_TYPE ? inplace_type_error(self, other, op) : NULL;
    }
    return Py_NewRef(self);
}

#define I64_INPLACE(name, op)                                                                                       \
    static PyObject *name(PyObject *self, PyObject *other) {                                                        \
        return I64_inplace(self, other, op);                                                                        \
    }
I64_INPLACE(I64_iadd, CM_ADD)
I64_INPLACE(I64_isub, CM_SUB)
I64_INPLACE(I64_imul, CM_MUL)
I64_INPLACE(I64_ifloordiv, CM_FLOORDIV)
I64_INPLACE(I64_imod, CM_MOD)
I64_INPLACE(I64_ilshift, CM_LSHIFT)
I64_INPLACE(I64_irshift, CM_RSHIFT)
I64_INPLACE(I64_iand, CM_AND)
I64_INPLACE(I64_ior, CM_OR)
I64_INPLACE(I64_ixor, CM_XOR)

static PyObject *I64_ipow(PyObject *self, PyObject *other, PyObject *Py_UNUSED(mod)) {
    return I64_inplace(self, other, CM_POW);
}

static PyObject *I64_new(PyTypeObject *type, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"init_value", NULL};
    PyObject *init = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|O:I64", kwlist, &init)) {
        return NULL;
    }
    int64_t v = 0;
    if (init != NULL && I64_value_from(type, "__new__", init, &v) < 0) {
        return NULL;
    }
    I64Object *self = (I64Object *)type->tp_alloc(type, 0);
    if (self == NULL) {
        return NULL;
    }
    cymade_atomic_i64_init(&self->value, v);
    self->weakreflist = NULL;
    return (PyObject *)self;
}

static void I64_dealloc(PyObject *self) {
    PyTypeObject *tp = Py_TYPE(self);
    if (((I64Object *)self)->weakreflist != NULL) {
        PyObject_ClearWeakRefs(self);
    }
    tp->tp_free(self);
    Py_DECREF(tp);
}

PyDoc_STRVAR(I64_load_doc, "load($self, /)\n--\n\nReturn the current value (an int).");
static PyObject *I64_load(PyObject *self, PyObject *Py_UNUSED(ignored)) {
    return PyLong_FromLongLong(cymade_atomic_i64_load(&((I64Object *)self)->value, LOAD_ORDER));
}

PyDoc_STRVAR(I64_store_doc, "store($self, /, value)\n--\n\nSet the value.");
static PyObject *I64_store(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    PyObject *a[1];
    int64_t v;
    if (parse_args("store", args, nargs, kwnames, kw_value, 1, 1, a) < 0 ||
        I64_value_from(Py_TYPE(self), "store", a[0], &v) < 0) {
        return NULL;
    }
    cymade_atomic_i64_store(&((I64Object *)self)->value, v, STORE_ORDER);
    Py_RETURN_NONE;
}

PyDoc_STRVAR(I64_exchange_doc, "exchange($self, /, value)\n--\n\nSet the value and return the previous one.");
static PyObject *I64_exchange(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    PyObject *a[1];
    int64_t v;
    if (parse_args("exchange", args, nargs, kwnames, kw_value, 1, 1, a) < 0 ||
        I64_value_from(Py_TYPE(self), "exchange", a[0], &v) < 0) {
        return NULL;
    }
    return PyLong_FromLongLong(cymade_atomic_i64_exchange(&((I64Object *)self)->value, v, RMW_ORDER));
}

PyDoc_STRVAR(I64_compare_exchange_doc, "compare_exchange($self, /, expected, desired)\n--\n\n"
                                       "If the value equals expected, set it to desired and return True;\n"
                                       "otherwise return False.  desired is validated first.");
static PyObject *I64_compare_exchange(PyObject *self, PyObject *const *args, Py_ssize_t nargs,
                                      PyObject *kwnames) {
    PyObject *a[2];
    int64_t desired;
    if (parse_args("compare_exchange", args, nargs, kwnames, kw_cas, 2, 2, a) < 0 ||
        I64_value_from(Py_TYPE(self), "compare_exchange", a[1], &desired) < 0) {
        return NULL;
    }
    long long small;
    PyObject *big = NULL;
    int sign;
    switch (int_operand(a[0], &small, &big, &sign)) {
    case OPERAND_SMALL:
        break;
    case OPERAND_BIG:
        Py_DECREF(big);
        Py_RETURN_FALSE; /* outside int64: cannot be equal */
    case OPERAND_WRONG_TYPE:
        method_type_error(Py_TYPE(self), "compare_exchange", "an int", a[0]);
        return NULL;
    default:
        return NULL;
    }
    int64_t expected = small;
    /* Strong CAS: a spurious failure would be a wrong False. */
    return PyBool_FromLong(cymade_atomic_i64_compare_exchange_strong(&((I64Object *)self)->value, &expected,
                                                                     desired, RMW_ORDER, LOAD_ORDER));
}

static PyObject *I64_fetch(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames,
                           cm_op op, const char *name) {
    PyObject *a[1];
    if (parse_args(name, args, nargs, kwnames, kw_value, 1, 1, a) < 0) {
        return NULL;
    }
    int64_t old = 0, new_value = 0;
    int r = I64_rmw((I64Object *)self, op, a[0], &old, &new_value);
    if (r != 0) {
        if (r == OPERAND_WRONG_TYPE) {
            method_type_error(Py_TYPE(self), name, "an int", a[0]);
        }
        return NULL;
    }
    return PyLong_FromLongLong(old);
}

PyDoc_STRVAR(I64_fetch_add_doc, "fetch_add($self, /, value)\n--\n\nAdd value atomically; return the previous value.");
static PyObject *I64_fetch_add(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    return I64_fetch(self, args, nargs, kwnames, CM_ADD, "fetch_add");
}
PyDoc_STRVAR(I64_fetch_sub_doc,
             "fetch_sub($self, /, value)\n--\n\nSubtract value atomically; return the previous value.");
static PyObject *I64_fetch_sub(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    return I64_fetch(self, args, nargs, kwnames, CM_SUB, "fetch_sub");
}

static PyMethodDef I64_methods[] = {
    {"load", I64_load, METH_NOARGS, I64_load_doc},
    {"store", FASTCALL_KW(I64_store), I64_store_doc},
    {"exchange", FASTCALL_KW(I64_exchange), I64_exchange_doc},
    {"compare_exchange", FASTCALL_KW(I64_compare_exchange), I64_compare_exchange_doc},
    {"fetch_add", FASTCALL_KW(I64_fetch_add), I64_fetch_add_doc},
    {"fetch_sub", FASTCALL_KW(I64_fetch_sub), I64_fetch_sub_doc},
    COMMON_METHODS,
    {NULL, NULL, 0, NULL},
};

PyDoc_STRVAR(I64_doc, "I64(init_value=0)\n--\n\n"
                      "A signed 64-bit integer, range [-2**63, 2**63-1], updated atomically.\n\n"
                      "In-place operators (+= -= *= //= %= **= <<= >>= &= |= ^=) are atomic\n"
                      "read-modify-writes (sequentially consistent) with Python int semantics\n"
                      "(// and % floor).  A result outside the range raises OverflowError\n"
                      "(including -2**63 // -1) and leaves the value unchanged; it never wraps.\n"
                      "Negative shift counts and negative exponents raise ValueError.");

static PyType_Slot I64_slots[] = {
    {Py_tp_doc, (void *)I64_doc},
    {Py_tp_new, I64_new},
    {Py_tp_dealloc, I64_dealloc},
    {Py_tp_repr, num_repr},
    {Py_tp_hash, PyObject_HashNotImplemented},
    {Py_tp_richcompare, num_richcompare},
    {Py_tp_methods, I64_methods},
    {Py_tp_members, weakref_members_I64},
    {Py_nb_add, num_add},
    {Py_nb_subtract, num_sub},
    {Py_nb_multiply, num_mul},
    {Py_nb_true_divide, num_truediv},
    {Py_nb_floor_divide, num_floordiv},
    {Py_nb_remainder, num_mod},
    {Py_nb_divmod, num_divmod},
    {Py_nb_power, num_pow},
    {Py_nb_lshift, num_lshift},
    {Py_nb_rshift, num_rshift},
    {Py_nb_and, num_and},
    {Py_nb_or, num_or},
    {Py_nb_xor, num_xor},
    {Py_nb_negative, num_neg},
    {Py_nb_positive, num_pos},
    {Py_nb_absolute, num_abs},
    {Py_nb_invert, num_invert},
    {Py_nb_bool, num_bool},
    {Py_nb_int, num_int},
    {Py_nb_float, num_float},
    {Py_nb_index, num_index},
    {Py_nb_inplace_add, I64_iadd},
    {Py_nb_inplace_subtract, I64_isub},
    {Py_nb_inplace_multiply, I64_imul},
    {Py_nb_inplace_true_divide, integer_itruediv},
    {Py_nb_inplace_floor_divide, I64_ifloordiv},
    {Py_nb_inplace_remainder, I64_imod},
    {Py_nb_inplace_power, I64_ipow},
    {Py_nb_inplace_lshift, I64_ilshift},
    {Py_nb_inplace_rshift, I64_irshift},
    {Py_nb_inplace_and, I64_iand},
    {Py_nb_inplace_or, I64_ior},
    {Py_nb_inplace_xor, I64_ixor},
    {0, NULL},
};

static PyType_Spec I64_spec = {
    .name = "cymade.atomic.I64",
    .basicsize = sizeof(I64Object),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_IMMUTABLETYPE,
    .slots = I64_slots,
};

/* ------------------------------------------------------------------------- */
/* Int: arbitrary precision under a per-object lock                          */
/* ------------------------------------------------------------------------- */

/* Replace the value with `fn(value, operand)` under the lock.  `operand` is an
 * exact int, so the arithmetic runs no Python code while the lock is held.
 * Returns 0 with new refs in *old_out / *new_out (either may be NULL to skip),
 * or -1 with an exception and the value unchanged. */
static int Int_rmw(IntObject *self, cm_op op, PyObject *operand, PyObject **old_out, PyObject **new_out) {
    INT_LOCK(self);
    PyObject *old = self->value;
    if (old == NULL) {
        old = PyLong_FromLong(0); /* only after tp_clear */
        self->value = old;
        if (old == NULL) {
            INT_UNLOCK(self);
            return -1;
        }
    }
    PyObject *new_value = python_binop(op, old, operand);
    if (new_value == NULL) {
        INT_UNLOCK(self);
        return -1;
    }
    self->value = new_value;
    if (new_out != NULL) {
        *new_out = Py_NewRef(new_value);
    }
    INT_UNLOCK(self);
    if (old_out != NULL) {
        *old_out = old; /* the reference the object held */
    } else {
        Py_DECREF(old);
    }
    return 0;
}

/* Checks for Int that do not depend on the current value.  -1 on error. */
static int Int_precheck(cm_op op, PyObject *operand) {
    if (op == CM_POW) {
        int overflow;
        long long v = PyLong_AsLongLongAndOverflow(operand, &overflow);
        if (overflow < 0 || (overflow == 0 && v < 0)) {
            return raise_status(CM_NEG_POW, "Int", op);
        }
    }
    return 0;
}

static PyObject *Int_inplace(PyObject *self, PyObject *other, cm_op op) {
    int wrong_type;
    PyObject *operand = exact_int_operand(other, &wrong_type);
    if (operand == NULL) {
        return wrong_type ? inplace_type_error(self, other, op) : NULL;
    }
    int r = Int_precheck(op, operand);
    if (r == 0) {
        r = Int_rmw((IntObject *)self, op, operand, NULL, NULL);
    }
    Py_DECREF(operand);
    return r < 0 ? NULL : Py_NewRef(self);
}

#define INT_INPLACE(name, op)                                                                                       \
    static PyObject *name(PyObject *self, PyObject *other) {                                                        \
        return Int_inplace(self, other, op);                                                                        \
    }
INT_INPLACE(Int_iadd, CM_ADD)
INT_INPLACE(Int_isub, CM_SUB)
INT_INPLACE(Int_imul, CM_MUL)
INT_INPLACE(Int_ifloordiv, CM_FLOORDIV)
INT_INPLACE(Int_imod, CM_MOD)
INT_INPLACE(Int_ilshift, CM_LSHIFT)
INT_INPLACE(Int_irshift, CM_RSHIFT)
INT_INPLACE(Int_iand, CM_AND)
INT_INPLACE(Int_ior, CM_OR)
INT_INPLACE(Int_ixor, CM_XOR)

static PyObject *Int_ipow(PyObject *self, PyObject *other, PyObject *Py_UNUSED(mod)) {
    return Int_inplace(self, other, CM_POW);
}

static PyObject *Int_value_from(PyTypeObject *tp, const char *what, PyObject *o) {
    int wrong_type;
    PyObject *v = exact_int_operand(o, &wrong_type);
    if (v == NULL && wrong_type) {
        method_type_error(tp, what, "an int", o);
    }
    return v;
}

static PyObject *Int_new(PyTypeObject *type, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"init_value", NULL};
    PyObject *init = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|O:Int", kwlist, &init)) {
        return NULL;
    }
    PyObject *v = init != NULL ? Int_value_from(type, "__new__", init) : PyLong_FromLong(0);
    if (v == NULL) {
        return NULL;
    }
    IntObject *self = (IntObject *)type->tp_alloc(type, 0);
    if (self == NULL) {
        Py_DECREF(v);
        return NULL;
    }
#if PY_VERSION_HEX >= 0x030D0000
    self->lock = (PyMutex){0};
#else
    self->lock = PyThread_allocate_lock();
    if (self->lock == NULL) {
        Py_DECREF(v);
        Py_DECREF(self);
        return PyErr_NoMemory();
    }
#endif
    self->value = v;
    self->weakreflist = NULL;
    return (PyObject *)self;
}

static int Int_traverse(PyObject *self, visitproc visit, void *arg) {
    Py_VISIT(Py_TYPE(self));
    /* No lock: the collector runs with every other thread stopped (or holding
     * no GIL); and an int cannot refer back, so this is for completeness. */
    Py_VISIT(((IntObject *)self)->value);
    return 0;
}

static int Int_clear(PyObject *self) {
    Py_CLEAR(((IntObject *)self)->value);
    return 0;
}

static void Int_dealloc(PyObject *self) {
    PyTypeObject *tp = Py_TYPE(self);
    IntObject *io = (IntObject *)self;
    PyObject_GC_UnTrack(self);
    if (io->weakreflist != NULL) {
        PyObject_ClearWeakRefs(self);
    }
    (void)Int_clear(self);
#if PY_VERSION_HEX < 0x030D0000
    if (io->lock != NULL) {
        PyThread_free_lock(io->lock);
    }
#endif
    tp->tp_free(self);
    Py_DECREF(tp);
}

PyDoc_STRVAR(Int_load_doc, "load($self, /)\n--\n\nReturn the current value (an int).");
static PyObject *Int_load(PyObject *self, PyObject *Py_UNUSED(ignored)) {
    return Int_get((IntObject *)self);
}

/* Swap in `v` (a new reference, stolen) and return the old value. */
static PyObject *Int_swap(IntObject *self, PyObject *v) {
    INT_LOCK(self);
    PyObject *old = self->value;
    self->value = v;
    INT_UNLOCK(self);
    return old != NULL ? old : PyLong_FromLong(0);
}

PyDoc_STRVAR(Int_store_doc, "store($self, /, value)\n--\n\nSet the value.");
static PyObject *Int_store(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    PyObject *a[1];
    if (parse_args("store", args, nargs, kwnames, kw_value, 1, 1, a) < 0) {
        return NULL;
    }
    PyObject *v = Int_value_from(Py_TYPE(self), "store", a[0]);
    if (v == NULL) {
        return NULL;
    }
    Py_XDECREF(Int_swap((IntObject *)self, v));
    Py_RETURN_NONE;
}

PyDoc_STRVAR(Int_exchange_doc, "exchange($self, /, value)\n--\n\nSet the value and return the previous one.");
static PyObject *Int_exchange(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    PyObject *a[1];
    if (parse_args("exchange", args, nargs, kwnames, kw_value, 1, 1, a) < 0) {
        return NULL;
    }
    PyObject *v = Int_value_from(Py_TYPE(self), "exchange", a[0]);
    if (v == NULL) {
        return NULL;
    }
    return Int_swap((IntObject *)self, v);
}

PyDoc_STRVAR(Int_compare_exchange_doc, "compare_exchange($self, /, expected, desired)\n--\n\n"
                                       "If the value equals expected, set it to desired and return True;\n"
                                       "otherwise return False.");
static PyObject *Int_compare_exchange(PyObject *self, PyObject *const *args, Py_ssize_t nargs,
                                      PyObject *kwnames) {
    PyObject *a[2];
    if (parse_args("compare_exchange", args, nargs, kwnames, kw_cas, 2, 2, a) < 0) {
        return NULL;
    }
    PyObject *desired = Int_value_from(Py_TYPE(self), "compare_exchange", a[1]);
    if (desired == NULL) {
        return NULL;
    }
    PyObject *expected = Int_value_from(Py_TYPE(self), "compare_exchange", a[0]);
    if (expected == NULL) {
        Py_DECREF(desired);
        return NULL;
    }
    IntObject *io = (IntObject *)self;
    PyObject *old = NULL;
    INT_LOCK(io);
    /* Both are exact ints: the comparison runs no Python code and cannot fail. */
    int equal = io->value != NULL && PyObject_RichCompareBool(io->value, expected, Py_EQ) == 1;
    if (equal) {
        old = io->value;
        io->value = desired;
        desired = NULL;
    }
    INT_UNLOCK(io);
    Py_XDECREF(old);
    Py_XDECREF(desired);
    Py_DECREF(expected);
    return PyBool_FromLong(equal);
}

static PyObject *Int_fetch(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames, cm_op op,
                           const char *name) {
    PyObject *a[1];
    if (parse_args(name, args, nargs, kwnames, kw_value, 1, 1, a) < 0) {
        return NULL;
    }
    PyObject *operand = Int_value_from(Py_TYPE(self), name, a[0]);
    if (operand == NULL) {
        return NULL;
    }
    PyObject *old = NULL;
    int r = Int_rmw((IntObject *)self, op, operand, &old, NULL);
    Py_DECREF(operand);
    return r < 0 ? NULL : old;
}

PyDoc_STRVAR(Int_fetch_add_doc, "fetch_add($self, /, value)\n--\n\nAdd value atomically; return the previous value.");
static PyObject *Int_fetch_add(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    return Int_fetch(self, args, nargs, kwnames, CM_ADD, "fetch_add");
}
PyDoc_STRVAR(Int_fetch_sub_doc,
             "fetch_sub($self, /, value)\n--\n\nSubtract value atomically; return the previous value.");
static PyObject *Int_fetch_sub(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    return Int_fetch(self, args, nargs, kwnames, CM_SUB, "fetch_sub");
}

static PyMethodDef Int_methods[] = {
    {"load", Int_load, METH_NOARGS, Int_load_doc},
    {"store", FASTCALL_KW(Int_store), Int_store_doc},
    {"exchange", FASTCALL_KW(Int_exchange), Int_exchange_doc},
    {"compare_exchange", FASTCALL_KW(Int_compare_exchange), Int_compare_exchange_doc},
    {"fetch_add", FASTCALL_KW(Int_fetch_add), Int_fetch_add_doc},
    {"fetch_sub", FASTCALL_KW(Int_fetch_sub), Int_fetch_sub_doc},
    COMMON_METHODS,
    {NULL, NULL, 0, NULL},
};

PyDoc_STRVAR(Int_doc, "Int(init_value=0)\n--\n\n"
                      "An arbitrary-precision integer updated atomically under a per-object\n"
                      "lock (a real mutex, not the GIL).\n\n"
                      "In-place operators (+= -= *= //= %= **= <<= >>= &= |= ^=) follow Python\n"
                      "int semantics; a negative exponent raises ValueError (the result would\n"
                      "not be an integer).  Errors leave the value unchanged.");

static PyType_Slot Int_slots[] = {
    {Py_tp_doc, (void *)Int_doc},
    {Py_tp_new, Int_new},
    {Py_tp_dealloc, Int_dealloc},
    {Py_tp_traverse, Int_traverse},
    {Py_tp_clear, Int_clear},
    {Py_tp_repr, num_repr},
    {Py_tp_hash, PyObject_HashNotImplemented},
    {Py_tp_richcompare, num_richcompare},
    {Py_tp_methods, Int_methods},
    {Py_tp_members, weakref_members_Int},
    {Py_nb_add, num_add},
    {Py_nb_subtract, num_sub},
    {Py_nb_multiply, num_mul},
    {Py_nb_true_divide, num_truediv},
    {Py_nb_floor_divide, num_floordiv},
    {Py_nb_remainder, num_mod},
    {Py_nb_divmod, num_divmod},
    {Py_nb_power, num_pow},
    {Py_nb_lshift, num_lshift},
    {Py_nb_rshift, num_rshift},
    {Py_nb_and, num_and},
    {Py_nb_or, num_or},
    {Py_nb_xor, num_xor},
    {Py_nb_negative, num_neg},
    {Py_nb_positive, num_pos},
    {Py_nb_absolute, num_abs},
    {Py_nb_invert, num_invert},
    {Py_nb_bool, num_bool},
    {Py_nb_int, num_int},
    {Py_nb_float, num_float},
    {Py_nb_index, num_index},
    {Py_nb_inplace_add, Int_iadd},
    {Py_nb_inplace_subtract, Int_isub},
    {Py_nb_inplace_multiply, Int_imul},
    {Py_nb_inplace_true_divide, integer_itruediv},
    {Py_nb_inplace_floor_divide, Int_ifloordiv},
    {Py_nb_inplace_remainder, Int_imod},
    {Py_nb_inplace_power, Int_ipow},
    {Py_nb_inplace_lshift, Int_ilshift},
    {Py_nb_inplace_rshift, Int_irshift},
    {Py_nb_inplace_and, Int_iand},
    {Py_nb_inplace_or, Int_ior},
    {Py_nb_inplace_xor, Int_ixor},
    {0, NULL},
};

static PyType_Spec Int_spec = {
    .name = "cymade.atomic.Int",
    .basicsize = sizeof(IntObject),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_IMMUTABLETYPE,
    .slots = Int_slots,
};

/* ------------------------------------------------------------------------- */
/* Float                                                                     */
/* ------------------------------------------------------------------------- */

/* old ** b with Python float semantics (ZeroDivisionError for 0.0 ** -1,
 * OverflowError on overflow); a complex result is a ValueError. */
static int Float_pow(double old, double b, double *out) {
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
static inline __attribute__((always_inline)) int Float_rmw(FloatObject *self, cm_op op, PyObject *operand,
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
            if (Float_pow(old, b, &new_value) < 0) {
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

static inline __attribute__((always_inline)) PyObject *Float_inplace(PyObject *self, PyObject *other, cm_op op) {
    double old = 0, new_value = 0;
    int r = Float_rmw((FloatObject *)self, op, other, &old, &new_value);
    if (r != 0) {
        return r > 0 ? inplace_type_error(self, other, op) : NULL;
    }
    return Py_NewRef(self);
}

#define FLOAT_INPLACE(name, op)                                                                                     \
    static PyObject *name(PyObject *self, PyObject *other) {                                                        \
        return Float_inplace(self, other, op);                                                                      \
    }
FLOAT_INPLACE(Float_iadd, CM_ADD)
FLOAT_INPLACE(Float_isub, CM_SUB)
FLOAT_INPLACE(Float_imul, CM_MUL)
FLOAT_INPLACE(Float_itruediv, CM_TRUEDIV)
FLOAT_INPLACE(Float_ifloordiv, CM_FLOORDIV)
FLOAT_INPLACE(Float_imod, CM_MOD)

static PyObject *Float_ipow(PyObject *self, PyObject *other, PyObject *Py_UNUSED(mod)) {
    return Float_inplace(self, other, CM_POW);
}

static int Float_value_from(PyTypeObject *tp, const char *what, PyObject *o, double *out) {
    int r = float_operand(o, out);
    if (r > 0) {
        method_type_error(tp, what, "an int or a float", o);
    }
    return r == 0 ? 0 : -1;
}

static PyObject *Float_new(PyTypeObject *type, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"init_value", NULL};
    PyObject *init = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|O:Float", kwlist, &init)) {
        return NULL;
    }
    double v = 0.0;
    if (init != NULL && Float_value_from(type, "__new__", init, &v) < 0) {
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

static void Float_dealloc(PyObject *self) {
    PyTypeObject *tp = Py_TYPE(self);
    if (((FloatObject *)self)->weakreflist != NULL) {
        PyObject_ClearWeakRefs(self);
    }
    tp->tp_free(self);
    Py_DECREF(tp);
}

PyDoc_STRVAR(Float_load_doc, "load($self, /)\n--\n\nReturn the current value (a float).");
static PyObject *Float_load(PyObject *self, PyObject *Py_UNUSED(ignored)) {
    return PyFloat_FromDouble(cymade_atomic_f64_load(&((FloatObject *)self)->value, LOAD_ORDER));
}

PyDoc_STRVAR(Float_store_doc, "store($self, /, value)\n--\n\nSet the value (an int or a float).");
static PyObject *Float_store(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    PyObject *a[1];
    double v;
    if (parse_args("store", args, nargs, kwnames, kw_value, 1, 1, a) < 0 ||
        Float_value_from(Py_TYPE(self), "store", a[0], &v) < 0) {
        return NULL;
    }
    cymade_atomic_f64_store(&((FloatObject *)self)->value, v, STORE_ORDER);
    Py_RETURN_NONE;
}

PyDoc_STRVAR(Float_exchange_doc, "exchange($self, /, value)\n--\n\nSet the value and return the previous one.");
static PyObject *Float_exchange(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    PyObject *a[1];
    double v;
    if (parse_args("exchange", args, nargs, kwnames, kw_value, 1, 1, a) < 0 ||
        Float_value_from(Py_TYPE(self), "exchange", a[0], &v) < 0) {
        return NULL;
    }
    return PyFloat_FromDouble(cymade_atomic_f64_exchange(&((FloatObject *)self)->value, v, RMW_ORDER));
}

PyDoc_STRVAR(Float_compare_exchange_doc,
             "compare_exchange($self, /, expected, desired)\n--\n\n"
             "If the value == expected (float equality: -0.0 matches 0.0, NaN never\n"
             "matches), set it to desired and return True; otherwise return False.");
static PyObject *Float_compare_exchange(PyObject *self, PyObject *const *args, Py_ssize_t nargs,
                                        PyObject *kwnames) {
    PyObject *a[2];
    double expected, desired;
    if (parse_args("compare_exchange", args, nargs, kwnames, kw_cas, 2, 2, a) < 0 ||
        Float_value_from(Py_TYPE(self), "compare_exchange", a[1], &desired) < 0 ||
        Float_value_from(Py_TYPE(self), "compare_exchange", a[0], &expected) < 0) {
        return NULL;
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

static PyObject *Float_fetch(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames,
                             cm_op op, const char *name) {
    PyObject *a[1];
    if (parse_args(name, args, nargs, kwnames, kw_value, 1, 1, a) < 0) {
        return NULL;
    }
    double old = 0, new_value = 0;
    int r = Float_rmw((FloatObject *)self, op, a[0], &old, &new_value);
    if (r != 0) {
        if (r > 0) {
            method_type_error(Py_TYPE(self), name, "an int or a float", a[0]);
        }
        return NULL;
    }
    return PyFloat_FromDouble(old);
}

PyDoc_STRVAR(Float_fetch_add_doc,
             "fetch_add($self, /, value)\n--\n\nAdd value atomically; return the previous value.");
static PyObject *Float_fetch_add(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    return Float_fetch(self, args, nargs, kwnames, CM_ADD, "fetch_add");
}
PyDoc_STRVAR(Float_fetch_sub_doc,
             "fetch_sub($self, /, value)\n--\n\nSubtract value atomically; return the previous value.");
static PyObject *Float_fetch_sub(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    return Float_fetch(self, args, nargs, kwnames, CM_SUB, "fetch_sub");
}

static PyMethodDef Float_methods[] = {
    {"load", Float_load, METH_NOARGS, Float_load_doc},
    {"store", FASTCALL_KW(Float_store), Float_store_doc},
    {"exchange", FASTCALL_KW(Float_exchange), Float_exchange_doc},
    {"compare_exchange", FASTCALL_KW(Float_compare_exchange), Float_compare_exchange_doc},
    {"fetch_add", FASTCALL_KW(Float_fetch_add), Float_fetch_add_doc},
    {"fetch_sub", FASTCALL_KW(Float_fetch_sub), Float_fetch_sub_doc},
    COMMON_METHODS,
    {NULL, NULL, 0, NULL},
};

PyDoc_STRVAR(Float_doc, "Float(init_value=0.0)\n--\n\n"
                        "A double updated atomically (a lock-free CAS loop).\n\n"
                        "In-place operators (+= -= *= /= //= %= **=) follow Python float\n"
                        "semantics: division or modulo by zero raises ZeroDivisionError, **\n"
                        "overflow raises OverflowError, a complex ** result raises ValueError.\n"
                        "Operands are int or float (bool included); others raise TypeError.\n"
                        "Errors leave the value unchanged.");

static PyType_Slot Float_slots[] = {
    {Py_tp_doc, (void *)Float_doc},
    {Py_tp_new, Float_new},
    {Py_tp_dealloc, Float_dealloc},
    {Py_tp_repr, num_repr},
    {Py_tp_hash, PyObject_HashNotImplemented},
    {Py_tp_richcompare, num_richcompare},
    {Py_tp_methods, Float_methods},
    {Py_tp_members, weakref_members_Float},
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
    {Py_nb_inplace_add, Float_iadd},
    {Py_nb_inplace_subtract, Float_isub},
    {Py_nb_inplace_multiply, Float_imul},
    {Py_nb_inplace_true_divide, Float_itruediv},
    {Py_nb_inplace_floor_divide, Float_ifloordiv},
    {Py_nb_inplace_remainder, Float_imod},
    {Py_nb_inplace_power, Float_ipow},
    {0, NULL},
};

static PyType_Spec Float_spec = {
    .name = "cymade.atomic.Float",
    .basicsize = sizeof(FloatObject),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_IMMUTABLETYPE,
    .slots = Float_slots,
};

/* ------------------------------------------------------------------------- */
/* Module                                                                    */
/* ------------------------------------------------------------------------- */

static int add_type(PyObject *module, PyType_Spec *spec, PyTypeObject **slot) {
    *slot = (PyTypeObject *)PyType_FromModuleAndSpec(module, spec, NULL);
    if (*slot == NULL) {
        return -1;
    }
    return PyModule_AddType(module, *slot);
}

static int atomic_exec(PyObject *module) {
    atomic_state *st = get_state(module);
    if (add_type(module, &U64_spec, &st->U64_type) < 0 || add_type(module, &I64_spec, &st->I64_type) < 0 ||
        add_type(module, &Int_spec, &st->Int_type) < 0 || add_type(module, &Float_spec, &st->Float_type) < 0) {
        return -1;
    }
    return 0;
}

static int atomic_traverse(PyObject *module, visitproc visit, void *arg) {
    atomic_state *st = get_state(module);
    Py_VISIT(st->U64_type);
    Py_VISIT(st->I64_type);
    Py_VISIT(st->Int_type);
    Py_VISIT(st->Float_type);
    return 0;
}

static int atomic_clear(PyObject *module) {
    atomic_state *st = get_state(module);
    Py_CLEAR(st->U64_type);
    Py_CLEAR(st->I64_type);
    Py_CLEAR(st->Int_type);
    Py_CLEAR(st->Float_type);
    return 0;
}

static void atomic_free(void *module) {
    (void)atomic_clear((PyObject *)module);
}

static PyModuleDef_Slot atomic_slots[] = {
    {Py_mod_exec, atomic_exec},
#if PY_VERSION_HEX >= 0x030C0000
    {Py_mod_multiple_interpreters, Py_MOD_PER_INTERPRETER_GIL_SUPPORTED},
#endif
#if PY_VERSION_HEX >= 0x030D0000
    {Py_mod_gil, Py_MOD_GIL_NOT_USED},
#endif
    {0, NULL},
};

static struct PyModuleDef atomic_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "cymade._atomic",
    .m_doc = "U64, I64, Int and Float: numbers updated atomically without a threading.Lock.",
    .m_size = sizeof(atomic_state),
    .m_slots = atomic_slots,
    .m_traverse = atomic_traverse,
    .m_clear = atomic_clear,
    .m_free = atomic_free,
};

PyMODINIT_FUNC PyInit__atomic(void) {
    return PyModuleDef_Init(&atomic_module);
}
