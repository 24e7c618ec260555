"""Typed stubs for cymade.atomic: U64, I64, Int and Float.

All four types are final, unhashable (mutable) and weak-referenceable.  In-place
operators are atomic, sequentially consistent read-modify-writes that return the
same object; binary operators and unary operators return plain ``int`` or
``float`` values computed from the value loaded at that moment.  Comparisons
compare the loaded value with Python semantics (atomics compare by value).
A failed operation leaves the value unchanged.
"""

from typing import Callable, ClassVar, Self, SupportsIndex, final, overload


__all__ = ["U64", "I64", "Int", "Float"]

_IntLike = int | SupportsIndex  # int, bool, U64, I64, Int, or any __index__ object
_Real = float | int | SupportsIndex  # int or float (bool included), or any atomic


class _Atomic:
    """What all four types share: conversions and comparisons of the loaded value."""

    __hash__: ClassVar[None]  # type: ignore[assignment]
    def __repr__(self) -> str:
        """``TypeName(value)``, e.g. ``U64(5)``."""
    def __bool__(self) -> bool:
        """True if the current value is non-zero."""
    def __int__(self) -> int:
        """The current value as an int."""
    def __float__(self) -> float:
        """The current value as a float."""
    def __format__(self, format_spec: str) -> str:
        """Format the current value as the plain number would be."""
    def __trunc__(self) -> int: ...
    def __floor__(self) -> int: ...
    def __ceil__(self) -> int: ...
    def __eq__(self, other: object) -> bool: ...
    def __ne__(self, other: object) -> bool: ...
    def __lt__(self, other: _Real) -> bool: ...
    def __le__(self, other: _Real) -> bool: ...
    def __gt__(self, other: _Real) -> bool: ...
    def __ge__(self, other: _Real) -> bool: ...

class _AtomicInteger(_Atomic):
    """What U64, I64 and Int share: every method and operator except construction."""

    def load(self) -> int:
        """Return the current value."""
    def store(self, value: _IntLike) -> None:
        """Set the value (validated first; errors leave it unchanged)."""
    def exchange(self, value: _IntLike) -> int:
        """Set the value and return the previous one."""
    def compare_exchange(self, expected: _IntLike, desired: _IntLike) -> bool:
        """If the value equals expected, set it to desired and return True, else
        return False.  desired is validated first; an expected outside the
        type's range simply never matches."""
    def fetch_add(self, value: _IntLike) -> int:
        """Add value atomically and return the previous value (same checks as +=)."""
    def fetch_sub(self, value: _IntLike) -> int:
        """Subtract value atomically and return the previous value (same checks as -=)."""
    def __index__(self) -> int:
        """The current value, so the atomic works wherever an int index does."""
    def __round__(self, ndigits: SupportsIndex | None = None) -> int: ...
    # The in-place operators take integers only (a float operand raises
    # TypeError, it does not fall back to the binary operator as mypy assumes),
    # while the binary ones also take floats: the ignores say that is meant.
    def __iadd__(self, other: _IntLike) -> Self:  # type: ignore[misc]
        """Atomic +=; returns self."""
    def __isub__(self, other: _IntLike) -> Self:  # type: ignore[misc]
        """Atomic -=; returns self."""
    def __imul__(self, other: _IntLike) -> Self:  # type: ignore[misc]
        """Atomic *=; returns self."""
    def __ifloordiv__(self, other: _IntLike) -> Self:  # type: ignore[misc]
        """Atomic //= (floor division); returns self."""
    def __imod__(self, other: _IntLike) -> Self:  # type: ignore[misc]
        """Atomic %= (result has the sign of the divisor); returns self."""
    def __ipow__(self, other: _IntLike) -> Self:  # type: ignore[misc]
        """Atomic **= (negative exponent: ValueError); returns self."""
    def __ilshift__(self, other: _IntLike) -> Self:
        """Atomic <<= (negative count: ValueError); returns self."""
    def __irshift__(self, other: _IntLike) -> Self:
        """Atomic >>= (negative count: ValueError); returns self."""
    def __iand__(self, other: _IntLike) -> Self:
        """Atomic &=; returns self."""
    def __ior__(self, other: _IntLike) -> Self:
        """Atomic |=; returns self."""
    def __ixor__(self, other: _IntLike) -> Self:
        """Atomic ^=; returns self."""
    def __itruediv__(self, other: object) -> Self:
        """Always raises TypeError: the result would not be an integer (use //=)."""
    @overload
    def __add__(self, other: _IntLike) -> int: ...
    @overload
    def __add__(self, other: float | Float) -> float: ...
    @overload
    def __radd__(self, other: _IntLike) -> int: ...
    @overload
    def __radd__(self, other: float | Float) -> float: ...
    @overload
    def __sub__(self, other: _IntLike) -> int: ...
    @overload
    def __sub__(self, other: float | Float) -> float: ...
    @overload
    def __rsub__(self, other: _IntLike) -> int: ...
    @overload
    def __rsub__(self, other: float | Float) -> float: ...
    @overload
    def __mul__(self, other: _IntLike) -> int: ...
    @overload
    def __mul__(self, other: float | Float) -> float: ...
    @overload
    def __rmul__(self, other: _IntLike) -> int: ...
    @overload
    def __rmul__(self, other: float | Float) -> float: ...
    @overload
    def __floordiv__(self, other: _IntLike) -> int: ...
    @overload
    def __floordiv__(self, other: float | Float) -> float: ...
    @overload
    def __rfloordiv__(self, other: _IntLike) -> int: ...
    @overload
    def __rfloordiv__(self, other: float | Float) -> float: ...
    @overload
    def __mod__(self, other: _IntLike) -> int: ...
    @overload
    def __mod__(self, other: float | Float) -> float: ...
    @overload
    def __rmod__(self, other: _IntLike) -> int: ...
    @overload
    def __rmod__(self, other: float | Float) -> float: ...
    @overload
    def __pow__(self, other: _IntLike) -> int: ...
    @overload
    def __pow__(self, other: float | Float) -> float: ...
    @overload
    def __rpow__(self, other: _IntLike) -> int: ...
    @overload
    def __rpow__(self, other: float | Float) -> float: ...
    def __truediv__(self, other: _Real) -> float: ...
    def __rtruediv__(self, other: _Real) -> float: ...
    def __divmod__(self, other: _IntLike) -> tuple[int, int]: ...
    def __rdivmod__(self, other: _IntLike) -> tuple[int, int]: ...
    def __lshift__(self, other: _IntLike) -> int: ...
    def __rlshift__(self, other: _IntLike) -> int: ...
    def __rshift__(self, other: _IntLike) -> int: ...
    def __rrshift__(self, other: _IntLike) -> int: ...
    def __and__(self, other: _IntLike) -> int: ...
    def __rand__(self, other: _IntLike) -> int: ...
    def __or__(self, other: _IntLike) -> int: ...
    def __ror__(self, other: _IntLike) -> int: ...
    def __xor__(self, other: _IntLike) -> int: ...
    def __rxor__(self, other: _IntLike) -> int: ...
    def __neg__(self) -> int: ...
    def __pos__(self) -> int: ...
    def __abs__(self) -> int: ...
    def __invert__(self) -> int: ...

@final
class U64(_AtomicInteger):
    """An unsigned 64-bit integer, range [0, 2**64-1], updated atomically.

    In-place operators ``+= -= *= //= %= **= <<= >>= &= |= ^=`` never wrap: a
    result above 2**64-1 raises OverflowError, a result below zero raises
    ValueError, ``//= 0`` and ``%= 0`` raise ZeroDivisionError, a non-integer
    operand raises TypeError; in every case the value is unchanged.

    ``on_zero`` (a callable or None) is called with no arguments exactly once
    for every operation whose result is 0 -- in-place operators, ``store(0)``,
    ``exchange(0)``, a successful ``compare_exchange(_, 0)``, ``fetch_add`` and
    ``fetch_sub`` -- by the thread that performed it, after the store.  If it
    raises, the exception propagates from that operation and the value stays
    stored.  Construction with ``init_value=0`` does not call it.
    """

    def __new__(cls, init_value: _IntLike = 0, on_zero: Callable[[], object] | None = None) -> Self:
        """Create a U64.  init_value must be in [0, 2**64-1] (ValueError below, OverflowError
        above); on_zero must be callable or None (TypeError)."""
    @property
    def on_zero(self) -> Callable[[], object] | None:
        """The callback given at construction, or None."""

@final
class I64(_AtomicInteger):
    """A signed 64-bit integer, range [-2**63, 2**63-1], updated atomically.

    In-place operators ``+= -= *= //= %= **= <<= >>= &= |= ^=`` follow Python
    int semantics (``//`` and ``%`` floor) and never wrap: a result outside the
    range, including ``-2**63 // -1``, raises OverflowError.  Negative shift
    counts and negative exponents raise ValueError, division by zero raises
    ZeroDivisionError, a non-integer operand TypeError; the value is unchanged.
    """

    def __new__(cls, init_value: _IntLike = 0) -> Self:
        """Create an I64; OverflowError if init_value is outside [-2**63, 2**63-1]."""

@final
class Int(_AtomicInteger):
    """An arbitrary-precision integer, updated atomically under a per-object lock
    (a real mutex, not the GIL).

    In-place operators ``+= -= *= //= %= **= <<= >>= &= |= ^=`` follow Python int
    semantics; a negative exponent raises ValueError (the result would not be an
    integer).  Errors leave the value unchanged.
    """

    def __new__(cls, init_value: _IntLike = 0) -> Self:
        """Create an Int from any integer."""

@final
class Float(_Atomic):
    """A double updated atomically (a lock-free compare-exchange loop).

    In-place operators ``+= -= *= /= //= %= **=`` follow Python float semantics:
    ``/= 0``, ``//= 0`` and ``%= 0`` raise ZeroDivisionError, ``**=`` overflow
    raises OverflowError and a complex ``**=`` result raises ValueError.
    Operands are int or float (bool included) or atomics; anything else raises
    TypeError.  Errors leave the value unchanged.
    """

    def __new__(cls, init_value: _Real = 0.0) -> Self:
        """Create a Float from an int or a float."""
    def load(self) -> float:
        """Return the current value."""
    def store(self, value: _Real) -> None:
        """Set the value."""
    def exchange(self, value: _Real) -> float:
        """Set the value and return the previous one."""
    def compare_exchange(self, expected: _Real, desired: _Real) -> bool:
        """If the value == expected, as Python's == compares them, set it to
        desired and return True; otherwise return False.  -0.0 matches 0.0, NaN
        never matches, and an int matches only a float exactly equal to it
        (2**53 + 1 and 10**400 match none)."""
    def fetch_add(self, value: _Real) -> float:
        """Add value atomically and return the previous value."""
    def fetch_sub(self, value: _Real) -> float:
        """Subtract value atomically and return the previous value."""
    @overload
    def __round__(self, ndigits: None = None) -> int: ...
    @overload
    def __round__(self, ndigits: SupportsIndex) -> float: ...
    def __iadd__(self, other: _Real) -> Self:
        """Atomic +=; returns self."""
    def __isub__(self, other: _Real) -> Self:
        """Atomic -=; returns self."""
    def __imul__(self, other: _Real) -> Self:
        """Atomic *=; returns self."""
    def __itruediv__(self, other: _Real) -> Self:
        """Atomic /=; returns self."""
    def __ifloordiv__(self, other: _Real) -> Self:
        """Atomic //=; returns self."""
    def __imod__(self, other: _Real) -> Self:
        """Atomic %=; returns self."""
    def __ipow__(self, other: _Real) -> Self:
        """Atomic **=; returns self."""
    def __add__(self, other: _Real) -> float: ...
    def __radd__(self, other: _Real) -> float: ...
    def __sub__(self, other: _Real) -> float: ...
    def __rsub__(self, other: _Real) -> float: ...
    def __mul__(self, other: _Real) -> float: ...
    def __rmul__(self, other: _Real) -> float: ...
    def __truediv__(self, other: _Real) -> float: ...
    def __rtruediv__(self, other: _Real) -> float: ...
    def __floordiv__(self, other: _Real) -> float: ...
    def __rfloordiv__(self, other: _Real) -> float: ...
    def __mod__(self, other: _Real) -> float: ...
    def __rmod__(self, other: _Real) -> float: ...
    def __pow__(self, other: _Real) -> float: ...
    def __rpow__(self, other: _Real) -> float: ...
    def __divmod__(self, other: _Real) -> tuple[float, float]: ...
    def __rdivmod__(self, other: _Real) -> tuple[float, float]: ...
    def __neg__(self) -> float: ...
    def __pos__(self) -> float: ...
    def __abs__(self) -> float: ...
