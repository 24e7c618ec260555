/*
 * cymade._atomic, layer 1 (checked arithmetic; see atomic_module.c for the layers): checked
 * 64-bit arithmetic, pure C, no Python.
 *
 * Each cm_*_apply computes `old OP v` with Python's integer semantics (floor
 * division, infinite two's-complement bitwise operators) and reports, instead
 * of wrapping, every result that leaves the type's range.  The caller turns a
 * status other than CM_OK into a Python exception and never stores.
 */
#ifndef CYMADE_PY_CHECKED_OPS_H
#define CYMADE_PY_CHECKED_OPS_H

#include <math.h>
#include <stdbool.h>
#include <stdint.h>

typedef enum cm_op {
    CM_ADD,
    CM_SUB,
    CM_MUL,
    CM_TRUEDIV, /* Float only */
    CM_FLOORDIV,
    CM_MOD,
    CM_POW,
    CM_LSHIFT,
    CM_RSHIFT,
    CM_AND,
    CM_OR,
    CM_XOR,
} cm_op;

typedef enum cm_status {
    CM_OK = 0,
    CM_OVERFLOW,   /* OverflowError: the result leaves the 64-bit range */
    CM_BELOW_ZERO, /* ValueError: a U64 result would be negative */
    CM_ZERO_DIV,   /* ZeroDivisionError */
    CM_NEG_SHIFT,  /* ValueError: negative shift count (as Python) */
    CM_NEG_POW,    /* ValueError: negative exponent, result not an integer */
} cm_status;

/* |v| as an unsigned value; correct for INT64_MIN. */
static inline uint64_t cm_abs64(int64_t v) {
    return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
}

/* base**e in uint64_t; false on overflow.  Squaring the base only while
 * exponent bits remain means an overflowing square implies the final result
 * overflows too (for base >= 2; 0 and 1 never overflow). */
static inline bool cm_u64_pow(uint64_t base, uint64_t e, uint64_t *out) {
    uint64_t acc = 1;
    while (e) {
        if ((e & 1) && __builtin_mul_overflow(acc, base, &acc)) {
            return false;
        }
        e >>= 1;
        if (e && __builtin_mul_overflow(base, base, &base)) {
            return false;
        }
    }
    *out = acc;
    return true;
}

/* base**e in int64_t; false on overflow.  |base|**e in uint64_t, then the
 * sign: negative for a negative base and an odd exponent, where -2**63 is
 * still in range. */
static inline bool cm_i64_pow(int64_t base, uint64_t e, int64_t *out) {
    uint64_t magnitude;
    if (!cm_u64_pow(cm_abs64(base), e, &magnitude)) {
        return false;
    }
    bool negative = base < 0 && (e & 1);
    if (magnitude > (uint64_t)INT64_MAX + negative) {
        return false;
    }
    *out = negative ? (int64_t)((uint64_t)0 - magnitude) : (int64_t)magnitude;
    return true;
}

/* U64: a in [0, 2**64-1], v any int64 (Python semantics for a OP v). */
static inline cm_status cm_u64_apply(cm_op op, uint64_t a, int64_t v, uint64_t *r) {
    uint64_t m = cm_abs64(v);
    switch (op) {
    case CM_ADD:
        if (v >= 0) {
            return __builtin_add_overflow(a, m, r) ? CM_OVERFLOW : CM_OK;
        }
        if (a < m) {
            return CM_BELOW_ZERO;
        }
        *r = a - m;
        return CM_OK;
    case CM_SUB:
        if (v < 0) {
            return __builtin_add_overflow(a, m, r) ? CM_OVERFLOW : CM_OK;
        }
        if (a < m) {
            return CM_BELOW_ZERO;
        }
        *r = a - m;
        return CM_OK;
    case CM_MUL:
        if (a == 0 || v == 0) {
            *r = 0;
            return CM_OK;
        }
        if (v < 0) {
            return CM_BELOW_ZERO;
        }
        return __builtin_mul_overflow(a, m, r) ? CM_OVERFLOW : CM_OK;
    case CM_FLOORDIV:
        if (v == 0) {
            return CM_ZERO_DIV;
        }
        if (v > 0) {
            *r = a / m;
            return CM_OK;
        }
        /* floor(a / v) with v < 0 is <= -1 unless a == 0. */
        if (a != 0) {
            return CM_BELOW_ZERO;
        }
        *r = 0;
        return CM_OK;
    case CM_MOD:
        if (v == 0) {
            return CM_ZERO_DIV;
        }
        if (v > 0) {
            *r = a % m;
            return CM_OK;
        }
        /* The result takes the sign of v: negative unless the remainder is 0. */
        if (a % m != 0) {
            return CM_BELOW_ZERO;
        }
        *r = 0;
        return CM_OK;
    case CM_POW:
        if (v < 0) {
            return CM_NEG_POW;
        }
        return cm_u64_pow(a, m, r) ? CM_OK : CM_OVERFLOW;
    case CM_LSHIFT:
        if (v < 0) {
            return CM_NEG_SHIFT;
        }
        if (a == 0 || v == 0) {
            *r = a;
            return CM_OK;
        }
        if (v >= 64 || (a >> (64 - m)) != 0) {
            return CM_OVERFLOW;
        }
        *r = a << m;
        return CM_OK;
    case CM_RSHIFT:
        if (v < 0) {
            return CM_NEG_SHIFT;
        }
        *r = v >= 64 ? 0 : a >> m;
        return CM_OK;
    case CM_AND:
        /* A negative v has infinitely many high one bits; a has none. */
        *r = a & (uint64_t)v;
        return CM_OK;
    case CM_OR:
    case CM_XOR:
        /* ... so | and ^ with a negative v are negative. */
        if (v < 0) {
            return CM_BELOW_ZERO;
        }
        *r = op == CM_OR ? (a | m) : (a ^ m);
        return CM_OK;
    case CM_TRUEDIV: break;
    }
    return CM_OVERFLOW; /* unreachable */
}

/* I64: Python semantics for a OP v with both in int64. */
static inline cm_status cm_i64_apply(cm_op op, int64_t a, int64_t v, int64_t *r) {
    switch (op) {
    case CM_ADD: return __builtin_add_overflow(a, v, r) ? CM_OVERFLOW : CM_OK;
    case CM_SUB: return __builtin_sub_overflow(a, v, r) ? CM_OVERFLOW : CM_OK;
    case CM_MUL: return __builtin_mul_overflow(a, v, r) ? CM_OVERFLOW : CM_OK;
    case CM_FLOORDIV: {
        if (v == 0) {
            return CM_ZERO_DIV;
        }
        if (a == INT64_MIN && v == -1) {
            return CM_OVERFLOW; /* 2**63 */
        }
        int64_t q = a / v; /* C truncates toward zero; Python floors. */
        if ((a % v != 0) && ((a < 0) != (v < 0))) {
            q -= 1;
        }
        *r = q;
        return CM_OK;
    }
    case CM_MOD: {
        if (v == 0) {
            return CM_ZERO_DIV;
        }
        if (v == -1) {
            *r = 0; /* avoids INT64_MIN % -1, undefined in C */
            return CM_OK;
        }
        int64_t m = a % v; /* Python's result takes the sign of v. */
        if (m != 0 && ((m < 0) != (v < 0))) {
            m += v;
        }
        *r = m;
        return CM_OK;
    }
    case CM_POW:
        if (v < 0) {
            return CM_NEG_POW;
        }
        return cm_i64_pow(a, (uint64_t)v, r) ? CM_OK : CM_OVERFLOW;
    case CM_LSHIFT: {
        if (v < 0) {
            return CM_NEG_SHIFT;
        }
        if (a == 0 || v == 0) {
            *r = a;
            return CM_OK;
        }
        if (v >= 64) {
            return CM_OVERFLOW;
        }
        /* Shift in unsigned (a signed left shift of a negative is UB), then
         * check that shifting back (arithmetic) restores a. */
        int64_t s = (int64_t)((uint64_t)a << v);
        if ((s >> v) != a) {
            return CM_OVERFLOW;
        }
        *r = s;
        return CM_OK;
    }
    case CM_RSHIFT:
        if (v < 0) {
            return CM_NEG_SHIFT;
        }
        /* >> of a negative int64 is arithmetic with GCC and Clang. */
        *r = v >= 64 ? (a < 0 ? -1 : 0) : (a >> v);
        return CM_OK;
    case CM_AND: *r = a & v; return CM_OK;
    case CM_OR: *r = a | v; return CM_OK;
    case CM_XOR: *r = a ^ v; return CM_OK;
    case CM_TRUEDIV: break;
    }
    return CM_OVERFLOW; /* unreachable */
}

/* Float: Python float semantics for + - * / // % (CPython's float_div,
 * float_floor_div and float_rem).  ** is done through PyNumber_Power. */
static inline cm_status cm_f64_apply(cm_op op, double a, double b, double *r) {
    switch (op) {
    case CM_ADD: *r = a + b; return CM_OK;
    case CM_SUB: *r = a - b; return CM_OK;
    case CM_MUL: *r = a * b; return CM_OK;
    case CM_TRUEDIV:
        if (b == 0.0) {
            return CM_ZERO_DIV;
        }
        *r = a / b;
        return CM_OK;
    case CM_FLOORDIV: {
        if (b == 0.0) {
            return CM_ZERO_DIV;
        }
        double mod = fmod(a, b);
        double div = (a - mod) / b;
        if (mod != 0.0) {
            if ((b < 0) != (mod < 0)) {
                div -= 1.0;
            }
        }
        double floordiv;
        if (div != 0.0) {
            floordiv = floor(div);
            if (div - floordiv > 0.5) {
                floordiv += 1.0;
            }
        } else {
            floordiv = copysign(0.0, a / b);
        }
        *r = floordiv;
        return CM_OK;
    }
    case CM_MOD: {
        if (b == 0.0) {
            return CM_ZERO_DIV;
        }
        double mod = fmod(a, b);
        if (mod != 0.0) {
            if ((b < 0) != (mod < 0)) {
                mod += b;
            }
        } else {
            mod = copysign(0.0, b);
        }
        *r = mod;
        return CM_OK;
    }
    default: break;
    }
    return CM_OVERFLOW; /* unreachable: ** and bitwise ops are not here */
}

#endif /* CYMADE_PY_CHECKED_OPS_H */
