"""What cymade.atomic's U64, I64, Int and Float should do, computed with plain
Python ints and floats: the model test_atomic and test_atomic_stateful check the
atomics against.

It is written from the documented semantics (python/cymade/atomic.py and
python/cymade/atomic.pyi), never by calling cymade: the 64-bit types never
wrap, and an operation that fails leaves the value unchanged.

Every model function returns either the value the atomic must hold afterwards
or the exception class the operation must raise; `is_error` tells them apart.
Operands are Python numbers: an int (bool included) for the integer types, an
int or a float for Float; anything else is a TypeError.  Atomics and
`__index__` objects as operands are outside the model (test_atomic tests them
directly).
"""

import operator
from typing import Callable, NamedTuple

U64_MAX = 2**64 - 1
I64_MIN, I64_MAX = -(2**63), 2**63 - 1


class Operation(NamedTuple):
    """One in-place operator: the one applied to an atomic, and the binary
    operator the model computes its result with."""

    inplace: Callable[[object, object], object]
    binary: Callable[[object, object], object]


INTEGER_OPERATIONS = {
    "add": Operation(operator.iadd, operator.add),
    "sub": Operation(operator.isub, operator.sub),
    "mul": Operation(operator.imul, operator.mul),
    "floordiv": Operation(operator.ifloordiv, operator.floordiv),
    "mod": Operation(operator.imod, operator.mod),
    "pow": Operation(operator.ipow, operator.pow),
    "lshift": Operation(operator.ilshift, operator.lshift),
    "rshift": Operation(operator.irshift, operator.rshift),
    "and": Operation(operator.iand, operator.and_),
    "or": Operation(operator.ior, operator.or_),
    "xor": Operation(operator.ixor, operator.xor),
}
FLOAT_OPERATIONS = {
    "add": Operation(operator.iadd, operator.add),
    "sub": Operation(operator.isub, operator.sub),
    "mul": Operation(operator.imul, operator.mul),
    "truediv": Operation(operator.itruediv, operator.truediv),
    "floordiv": Operation(operator.ifloordiv, operator.floordiv),
    "mod": Operation(operator.imod, operator.mod),
    "pow": Operation(operator.ipow, operator.pow),
}

# A right shift by more than this many bits leaves only the sign; the model
# answers that directly rather than asking Python to shift by a huge count.
_SIGN_ONLY_SHIFT = 10_000


def is_error(expected):
    """Whether a model's answer is an exception class rather than a value."""
    return isinstance(expected, type)


def is_integer_operand(value):
    return isinstance(value, int)  # bool included


class IntegerModel:
    """The semantics of one integer atomic type; minimum and maximum are None
    for Int, which is unbounded."""

    def __init__(self, minimum=None, maximum=None, below_minimum=OverflowError):
        self.minimum = minimum
        self.maximum = maximum
        self.below_minimum = below_minimum
        self.bounded = maximum is not None

    def in_range(self, result):
        """result, or the exception class an operation producing it must raise."""
        if self.minimum is not None and result < self.minimum:
            return self.below_minimum
        if self.maximum is not None and result > self.maximum:
            return OverflowError
        return result

    def stored(self, value):
        """The value store(value), exchange(value) or compare_exchange(_, value) sets."""
        if not is_integer_operand(value):
            return TypeError
        return self.in_range(int(value))

    def inplace(self, op, a, b):
        """The value `a op= b` leaves (op a key of INTEGER_OPERATIONS)."""
        if not is_integer_operand(b):
            return TypeError
        b = int(b)
        if op == "pow":
            if b < 0:
                return ValueError  # the result would not be an integer
            if b == 0:
                return 1
            if a in (0, 1):
                return a
            if a == -1:
                return -1 if b % 2 else 1
            # |a| >= 2 here, so a**65 is beyond 64 bits: no need to compute a huge power.
            if self.bounded and b > 64:
                return OverflowError
        if op in ("lshift", "rshift") and b < 0:
            return ValueError
        if op == "lshift" and a != 0 and self.bounded and b > 64:
            return OverflowError
        if op == "rshift" and b > _SIGN_ONLY_SHIFT:
            return -1 if a < 0 else 0
        try:
            result = INTEGER_OPERATIONS[op].binary(a, b)
        except (ZeroDivisionError, ValueError) as e:
            return type(e)
        return self.in_range(result)


# The integer atomic types by name (kind.__name__).
INTEGER_MODELS = {
    "U64": IntegerModel(0, U64_MAX, below_minimum=ValueError),
    "I64": IntegerModel(I64_MIN, I64_MAX),
    "Int": IntegerModel(),
}


def float_stored(value):
    """The value Float's store(value), exchange(value) or compare_exchange(_, value) sets."""
    if not isinstance(value, (int, float)):
        return TypeError
    try:
        return float(value)
    except OverflowError:  # an int beyond the float range
        return OverflowError


def float_inplace(op, a, b):
    """The value Float `a op= b` leaves (op a key of FLOAT_OPERATIONS)."""
    if not isinstance(b, (int, float)):
        return TypeError
    try:
        result = FLOAT_OPERATIONS[op].binary(a, b)
    except (ZeroDivisionError, OverflowError) as e:
        return type(e)
    if isinstance(result, complex):  # a negative number to a fractional power
        return ValueError
    return float(result)


def same_float(x, y):
    """Float equality that tells -0.0 from 0.0 and takes NaN as equal to NaN."""
    return repr(float(x)) == repr(float(y))
