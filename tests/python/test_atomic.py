"""Tests for cymade.atomic: U64, I64, Int and Float against the model in atomic_model.py."""

import gc
import math
import operator
import sys
import threading
import tracemalloc
import weakref
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cymade.atomic
from cymade.atomic import I64, U64, Float, Int
from atomic_model import (
    FLOAT_OPERATIONS,
    I64_MAX,
    I64_MIN,
    INTEGER_MODELS,
    INTEGER_OPERATIONS,
    U64_MAX,
    float_inplace,
    is_error,
    same_float,
)

INT_TYPES = [U64, I64, Int]
ALL_TYPES = [U64, I64, Int, Float]

settings.register_profile("cymade", deadline=None, max_examples=150)
settings.load_profile("cymade")


boundary_ints = st.sampled_from(
    [0, 1, -1, 2, -2, 63, 64, 65, I64_MAX, I64_MIN, I64_MAX + 1, I64_MIN - 1, U64_MAX, U64_MAX + 1, -U64_MAX, 2**70]
)
any_operand = st.one_of(st.integers(-1000, 1000), st.integers(-(2**70), 2**70), boundary_ints)
u64_values = st.one_of(st.integers(0, U64_MAX), st.integers(0, 1000), st.sampled_from([0, 1, 2, I64_MAX, U64_MAX]))
i64_values = st.one_of(
    st.integers(I64_MIN, I64_MAX), st.integers(-1000, 1000), st.sampled_from([0, 1, -1, I64_MIN, I64_MAX])
)
int_values = st.one_of(st.integers(-(2**100), 2**100), st.integers(-1000, 1000))
floats = st.one_of(st.floats(), st.sampled_from([0.0, -0.0, 1.0, -1.0, 0.5, 1e308, -1e308, 5e-324]))
float_operands = st.one_of(floats, st.integers(-1000, 1000), st.booleans(), st.sampled_from([10**400, 0]))

VALUES = {U64: u64_values, I64: i64_values, Int: int_values}


def check_int_iop(kind, op, a, b):
    x = kind(a)
    expected = INTEGER_MODELS[kind.__name__].inplace(op, a, b)
    if is_error(expected):
        with pytest.raises(expected):
            INTEGER_OPERATIONS[op].inplace(x, b)
        assert x.load() == a, "a failed operation changed the value"
    else:
        r = INTEGER_OPERATIONS[op].inplace(x, b)
        assert r is x
        assert x.load() == expected
        assert type(x.load()) is int


# --------------------------------------------------------------------------
# In-place operators against the models (hypothesis)
# --------------------------------------------------------------------------


@pytest.mark.parametrize("op", sorted(INTEGER_OPERATIONS))
@given(a=u64_values, b=any_operand)
def test_u64_inplace_matches_model(op, a, b):
    if op in ("pow", "lshift") and a > 1:
        b = b % 130 - 2 if b > 0 else b  # keep the model cheap; big b covered below
    check_int_iop(U64, op, a, b)


@pytest.mark.parametrize("op", sorted(INTEGER_OPERATIONS))
@given(a=i64_values, b=any_operand)
def test_i64_inplace_matches_model(op, a, b):
    if op in ("pow", "lshift") and abs(a) > 1:
        b = b % 130 - 2 if b > 0 else b
    check_int_iop(I64, op, a, b)


@pytest.mark.parametrize("op", sorted(INTEGER_OPERATIONS))
@given(a=int_values, b=st.one_of(st.integers(-300, 300), st.integers(-(2**70), 2**70), boundary_ints))
def test_int_inplace_matches_model(op, a, b):
    if op in ("pow", "lshift", "rshift") and b > 300:
        b = b % 300
    if op == "pow" and b > 0:
        b = b % 20
    check_int_iop(Int, op, a, b)


@pytest.mark.parametrize("op", sorted(FLOAT_OPERATIONS))
@given(a=floats, b=float_operands)
def test_float_inplace_matches_model(op, a, b):
    x = Float(a)
    expected = float_inplace(op, a, b)
    if is_error(expected):
        with pytest.raises(expected):
            FLOAT_OPERATIONS[op].inplace(x, b)
        assert same_float(x.load(), a)
    else:
        assert FLOAT_OPERATIONS[op].inplace(x, b) is x
        assert type(x.load()) is float
        assert same_float(x.load(), expected)


@pytest.mark.parametrize("kind", [U64, I64])
def test_huge_exponents_and_shifts_do_not_compute_huge_numbers(kind):
    for a, b, expected in [
        (0, 2**100, 0),
        (1, 2**100, 1),
        (2, 2**100, OverflowError),
        (2, 2**63, OverflowError),
        (2, -(2**100), ValueError),
    ]:
        x = kind(a)
        if isinstance(expected, int):
            x **= b
            assert x == expected
        else:
            with pytest.raises(expected):
                x **= b
            assert x == a
    x = kind(5)
    with pytest.raises(OverflowError):
        x <<= 2**100
    assert x == 5
    x = kind(0)
    x <<= 2**100
    assert x == 0
    x = kind(5)
    x >>= 2**100
    assert x == 0
    with pytest.raises(ValueError):
        x >>= -(2**100)
    i = I64(-1)
    i **= 2**100 + 1
    assert i == -1
    i **= 2**100
    assert i == 1
    i = I64(-5)
    i >>= 2**100
    assert i == -1


@pytest.mark.parametrize(
    "kind,a,op,b,exc",
    [
        (U64, U64_MAX, "add", 1, OverflowError),
        (U64, 0, "sub", 1, ValueError),
        (U64, 0, "add", -1, ValueError),
        (U64, 2**32, "mul", 2**32, OverflowError),
        (U64, 5, "mul", -1, ValueError),
        (U64, 5, "floordiv", 0, ZeroDivisionError),
        (U64, 5, "mod", 0, ZeroDivisionError),
        (U64, 5, "floordiv", -2, ValueError),
        (U64, 5, "or", -1, ValueError),
        (U64, 2, "pow", -1, ValueError),
        (U64, 2, "pow", 64, OverflowError),
        (U64, 1, "lshift", 64, OverflowError),
        (U64, 1, "lshift", -1, ValueError),
        (U64, 1, "rshift", -1, ValueError),
        (I64, I64_MAX, "add", 1, OverflowError),
        (I64, I64_MIN, "sub", 1, OverflowError),
        (I64, I64_MIN, "floordiv", -1, OverflowError),
        (I64, I64_MIN, "mul", -1, OverflowError),
        (I64, 7, "floordiv", 0, ZeroDivisionError),
        (I64, 7, "mod", 0, ZeroDivisionError),
        (I64, 2, "pow", 63, OverflowError),
        (I64, 2, "pow", -1, ValueError),
        (I64, 1, "lshift", 63, OverflowError),
        (I64, 1, "lshift", -1, ValueError),
        (Int, 7, "floordiv", 0, ZeroDivisionError),
        (Int, 7, "mod", 0, ZeroDivisionError),
        (Int, 2, "pow", -1, ValueError),
        (Int, 1, "lshift", -1, ValueError),
        (Int, 1, "rshift", -1, ValueError),
    ],
)
def test_errors_leave_value_unchanged(kind, a, op, b, exc):
    x = kind(a)
    with pytest.raises(exc):
        INTEGER_OPERATIONS[op].inplace(x, b)
    assert x.load() == a


def test_boundaries():
    assert U64(U64_MAX).load() == U64_MAX
    x = U64(U64_MAX - 1)
    x += 1
    assert x == U64_MAX
    x = I64(I64_MAX - 1)
    x += 1
    assert x == I64_MAX
    x = I64(I64_MIN + 1)
    x -= 1
    assert x == I64_MIN
    x = I64(I64_MIN)
    x %= -1
    assert x == 0
    x = I64(-(2**62))
    x *= 2
    assert x == I64_MIN
    x = I64(-2)
    x **= 63
    assert x == I64_MIN
    x = U64(2)
    x **= 63
    assert x == 2**63
    x = U64(1)
    x <<= 63
    assert x == 2**63
    x = U64(U64_MAX)
    x &= 2**64 + 0xFF  # an operand beyond int64: Python semantics
    assert x == 0xFF
    x = U64(U64_MAX)
    x -= U64_MAX
    assert x == 0
    x = U64(0)
    x -= -U64_MAX  # subtracting a negative adds
    assert x == U64_MAX


def test_i64_floor_semantics():
    for a in (-7, 7, -8, 8, 0, I64_MIN, I64_MAX):
        for b in (2, -2, 3, -3, 1, -1, I64_MAX, I64_MIN):
            if a == I64_MIN and b == -1:
                continue
            x = I64(a)
            x //= b
            assert x == a // b, (a, b)
            x = I64(a)
            x %= b
            assert x == a % b, (a, b)


@pytest.mark.parametrize("kind", ALL_TYPES)
@pytest.mark.parametrize("bad", ["1", None, [1], b"1", Decimal(1), Fraction(1, 2), object()])
def test_wrong_operand_type_raises_type_error_and_keeps_value(kind, bad):
    x = kind(3)
    operations = FLOAT_OPERATIONS if kind is Float else INTEGER_OPERATIONS
    for name, operation in operations.items():
        with pytest.raises(TypeError):
            operation.inplace(x, bad)
        assert x.load() == 3 and type(x) is kind, name  # not rebound to a plain number
    for method in (x.store, x.exchange, x.fetch_add, x.fetch_sub):
        with pytest.raises(TypeError):
            method(bad)
        assert x.load() == 3
    with pytest.raises(TypeError):
        x.compare_exchange(3, bad)
    assert x.load() == 3


@pytest.mark.parametrize("kind", INT_TYPES)
def test_float_operand_is_a_type_error_for_integer_types(kind):
    x = kind(3)
    for operation in INTEGER_OPERATIONS.values():
        with pytest.raises(TypeError):
            operation.inplace(x, 1.0)
        with pytest.raises(TypeError):
            operation.inplace(x, Float(1.0))
    with pytest.raises(TypeError, match="//="):
        x /= 2
    assert type(x) is kind and x == 3
    with pytest.raises(TypeError):
        x.store(1.0)
    with pytest.raises(TypeError):
        x.compare_exchange(3.0, 4)
    assert x == 3


def test_float_rejects_bitwise_inplace_ops():
    x = Float(2.0)
    for iop in (operator.ilshift, operator.irshift, operator.iand, operator.ior, operator.ixor):
        with pytest.raises(TypeError):
            iop(x, 1)
    assert x == 2.0 and type(x) is Float


def test_operands_may_be_bools_atomics_and_index_objects():
    class Idx:
        def __index__(self):
            return 4

    x = U64(1)
    x += True
    x += I64(2)
    x += Int(3)
    x += U64(4)
    x += Idx()
    assert x == 15
    f = Float(1.0)
    f += True
    f += U64(2)
    f += Float(0.5)
    f += Int(10**20)
    assert f == 4.5 + 1e20
    n = Int(0)
    n += Idx()
    n += I64(-10)
    assert n == -6 and type(n.load()) is int


# --------------------------------------------------------------------------
# Methods
# --------------------------------------------------------------------------


@pytest.mark.parametrize("kind", INT_TYPES)
@given(data=st.data())
def test_methods_match_model(kind, data):
    a = data.draw(VALUES[kind])
    b = data.draw(any_operand)
    x = kind(a)
    for method, op in ((x.fetch_add, "add"), (x.fetch_sub, "sub")):
        x.store(a)
        expected = INTEGER_MODELS[kind.__name__].inplace(op, a, b)
        if is_error(expected):
            with pytest.raises(expected):
                method(b)
            assert x.load() == a
        else:
            assert method(b) == a
            assert x.load() == expected
    x.store(a)
    in_range = not is_error(INTEGER_MODELS[kind.__name__].stored(b))
    if in_range:
        assert x.exchange(b) == a
        assert x.load() == b
        assert x.compare_exchange(b, a) is True
        assert x.load() == a
    else:
        with pytest.raises((OverflowError, ValueError)):
            x.store(b)
        with pytest.raises((OverflowError, ValueError)):
            x.exchange(b)
        with pytest.raises((OverflowError, ValueError)):
            x.compare_exchange(a, b)  # desired is validated even if it would match
        assert x.load() == a
        assert x.compare_exchange(b, a) is False  # out-of-range expected never matches
    assert x.compare_exchange(a + 1, a) is False
    assert x.load() == a


def test_method_keywords_and_arity():
    x = U64(1)
    x.store(value=5)
    assert x.exchange(value=6) == 5
    assert x.compare_exchange(desired=7, expected=6) is True
    assert x.fetch_add(value=1) == 7
    assert x.fetch_sub(value=1) == 8
    with pytest.raises(TypeError):
        x.store()
    with pytest.raises(TypeError):
        x.store(1, 2)
    with pytest.raises(TypeError):
        x.store(v=1)
    with pytest.raises(TypeError):
        x.compare_exchange(1, expected=1)
    with pytest.raises(TypeError):
        x.compare_exchange(1)
    assert x == 7


def test_float_methods():
    f = Float(1.5)
    assert f.fetch_add(1) == 1.5 and f == 2.5
    assert f.fetch_sub(0.5) == 2.5 and f == 2.0
    assert f.exchange(-0.0) == 2.0
    assert f.compare_exchange(0.0, 3.0) is True  # == semantics: 0.0 == -0.0
    assert f.compare_exchange(2.0, 4.0) is False
    f.store(float("nan"))
    assert f.compare_exchange(float("nan"), 1.0) is False  # NaN never compares equal
    f.store(7)
    assert f.load() == 7.0 and type(f.load()) is float
    with pytest.raises(OverflowError):
        f.store(10**400)
    assert f == 7.0


@pytest.mark.parametrize(
    "call,exc",
    [
        (lambda: U64(-1), ValueError),
        (lambda: U64(2**64), OverflowError),
        (lambda: U64(1.0), TypeError),
        (lambda: U64("1"), TypeError),
        (lambda: U64(1, on_zero=5), TypeError),
        (lambda: U64(1, 2), TypeError),
        (lambda: I64(2**63), OverflowError),
        (lambda: I64(-(2**63) - 1), OverflowError),
        (lambda: I64(1.0), TypeError),
        (lambda: Int(1.5), TypeError),
        (lambda: Float("1.0"), TypeError),
        (lambda: Float(None), TypeError),
        (lambda: Float(10**400), OverflowError),
        (lambda: U64(bogus=1), TypeError),
    ],
)
def test_constructor_errors(call, exc):
    with pytest.raises(exc):
        call()


def test_constructor_defaults_and_keywords():
    assert U64().load() == 0 and I64().load() == 0 and Int().load() == 0
    assert Float().load() == 0.0 and type(Float().load()) is float
    assert U64(init_value=3) == 3
    cb = lambda: None  # noqa: E731
    assert U64(on_zero=cb).on_zero is cb
    assert U64().on_zero is None
    assert Int(True).load() == 1 and type(Int(True).load()) is int
    assert Int(10**50) == 10**50


# --------------------------------------------------------------------------
# Conversions, comparisons, binary operators, repr, hash
# --------------------------------------------------------------------------


def test_conversions():
    assert int(U64(U64_MAX)) == U64_MAX
    assert float(U64(3)) == 3.0
    assert operator.index(I64(-3)) == -3
    assert operator.index(Int(10**30)) == 10**30
    assert [10, 20, 30][U64(1)] == 20
    assert int(Float(2.9)) == 2
    with pytest.raises(TypeError):
        operator.index(Float(1.0))
    with pytest.raises(ValueError):
        int(Float(float("nan")))
    with pytest.raises(OverflowError):
        int(Float(float("inf")))
    assert bool(U64(0)) is False and bool(U64(1)) is True
    assert bool(Float(0.0)) is False and bool(Float(float("nan"))) is True
    assert bool(Int(0)) is False and bool(I64(-1)) is True
    assert f"{U64(255):04x}" == "00ff"
    assert f"{Float(1.25):.1f}" == "1.2"
    assert round(Float(2.5)) == 2 and round(Float(2.567), 2) == 2.57
    assert math.floor(Float(-1.5)) == -2 and math.ceil(Float(1.2)) == 2 and math.trunc(Float(-1.7)) == -1
    assert math.floor(U64(U64_MAX)) == U64_MAX


def test_repr():
    assert repr(U64(5)) == "U64(5)"
    assert repr(I64(-3)) == "I64(-3)"
    assert repr(Int(10**30)) == f"Int({10**30})"
    assert repr(Float(1.5)) == "Float(1.5)"
    assert repr(Float(float("nan"))) == "Float(nan)"
    assert repr(U64) == "<class 'cymade.atomic.U64'>"


@pytest.mark.parametrize("kind", ALL_TYPES)
def test_unhashable(kind):
    assert kind.__hash__ is None
    with pytest.raises(TypeError):
        hash(kind(1))
    with pytest.raises(TypeError):
        {kind(1)}


def test_comparisons():
    assert U64(3) == 3 and 3 == U64(3) and U64(3) != 4
    assert U64(3) == 3.0 and U64(3) < 3.5 and U64(3) > 2.5
    assert U64(3) == I64(3) == Int(3) == Float(3.0)
    assert I64(-1) < U64(0) < Float(0.5) < Int(1)
    assert U64(U64_MAX) > I64(I64_MAX)
    assert U64(U64_MAX) != float(U64_MAX) - 4096  # exact int comparison, no float rounding
    assert Float(float("nan")) != Float(float("nan"))
    assert U64(3) != "3" and not (U64(3) == None)  # noqa: E711
    assert Int(2) <= Fraction(5, 2) and Int(3) == Decimal(3)
    with pytest.raises(TypeError):
        U64(3) < "a"
    with pytest.raises(TypeError):
        "a" >= Float(1.0)
    x = U64(1)
    assert x == x


@pytest.mark.parametrize("kind", INT_TYPES)
@given(data=st.data())
def test_binary_operators_return_plain_numbers(kind, data):
    a = data.draw(VALUES[kind])
    b = data.draw(st.integers(-1000, 1000).filter(lambda v: v != 0))
    x = kind(a)
    dividing = (operator.truediv, operator.floordiv, operator.mod)
    for fn in (operator.add, operator.sub, operator.mul, operator.and_, operator.or_, operator.xor, *dividing):
        assert fn(x, b) == fn(a, b) and type(fn(x, b)) is type(fn(a, b))
        if a != 0 or fn not in dividing:  # reflected: b op x
            assert fn(b, x) == fn(b, a) and type(fn(b, x)) is type(fn(b, a))
    assert divmod(x, b) == divmod(a, b)
    assert x + 0.5 == a + 0.5 and type(x + 0.5) is float
    assert x * U64(2) == a * 2 and type(x * U64(2)) is int
    assert -x == -a and +x == a and abs(x) == abs(a) and ~x == ~a
    assert type(-x) is int and type(+x) is int
    assert x >> 3 == a >> 3 and x << 3 == a << 3
    assert pow(x, 2) == a**2 and pow(x, 3, 7) == pow(a, 3, 7)
    assert 2 ** U64(10) == 1024
    assert x.load() == a  # binary operators do not modify


def test_float_binary_operators():
    f = Float(1.5)
    assert f + 1 == 2.5 and type(f + 1) is float
    assert 1 - f == -0.5 and f * 2 == 3.0 and f / 2 == 0.75 and 3 / f == 2.0
    assert f // 1 == 1.0 and f % 1 == 0.5 and divmod(f, 1) == (1.0, 0.5)
    assert f**2 == 2.25 and 2**f == 2**1.5
    assert -f == -1.5 and +f == 1.5 and abs(Float(-2.0)) == 2.0
    assert f + Fraction(1, 2) == 2.0
    with pytest.raises(ZeroDivisionError):
        f / 0
    with pytest.raises(TypeError):
        f + "a"
    with pytest.raises(TypeError):
        ~f
    assert 2 * U64(3) * [1] == [1] * 6  # sequence repetition via __index__


# --------------------------------------------------------------------------
# on_zero
# --------------------------------------------------------------------------


def test_on_zero_called_once_per_zero_result():
    calls = []
    x = U64(3, on_zero=lambda: calls.append(x.load()))
    x -= 3  # 0
    x += 0  # 0 again: another operation with result 0
    x += 5
    x -= 2
    x.store(0)
    x.store(4)
    assert x.exchange(0) == 4
    x.exchange(0)
    assert x.compare_exchange(0, 0) is True
    assert x.compare_exchange(1, 0) is False
    x.store(2)
    assert x.fetch_sub(2) == 2
    assert x.fetch_add(0) == 0
    x.store(6)
    x *= 0
    x.store(6)
    x //= 7
    x.store(6)
    x %= 3
    x.store(6)
    x >>= 10
    x.store(6)
    x &= 1
    x.store(6)
    x ^= 6
    # failed operations do not call it
    with pytest.raises(ValueError):
        x -= 1
    with pytest.raises(ZeroDivisionError):
        x //= 0
    assert calls == [0] * 14
    assert U64(0, on_zero=lambda: calls.append("init")) == 0 and len(calls) == 14


def test_on_zero_exception_propagates_and_value_stays():
    class Boom(Exception):
        pass

    def boom():
        raise Boom

    x = U64(2, on_zero=boom)
    with pytest.raises(Boom):
        x -= 2
    assert x == 0
    x.store(5)
    with pytest.raises(Boom):
        x.store(0)
    assert x == 0
    x.store(5)
    with pytest.raises(Boom):
        x.fetch_sub(5)
    assert x == 0


def test_on_zero_exactly_once_across_threads():
    n_threads, per = 4, 5000
    calls = []
    x = U64(n_threads * per, on_zero=lambda: calls.append(threading.get_ident()))
    barrier = threading.Barrier(n_threads)
    workers = set()

    def work():
        nonlocal x
        workers.add(threading.get_ident())
        barrier.wait()
        for _ in range(per):
            x -= 1

    threads = [threading.Thread(target=work) for _ in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert x == 0
    assert len(calls) == 1 and calls[0] in workers


# --------------------------------------------------------------------------
# Multi-thread exactness
# --------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ALL_TYPES)
def test_threads_increment_exactly(kind):
    n_threads, per = 4, 100_000
    x = kind(0)
    barrier = threading.Barrier(n_threads)

    def work():
        nonlocal x
        barrier.wait()
        for _ in range(per):
            x += 1

    threads = [threading.Thread(target=work) for _ in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert type(x) is kind
    assert x.load() == n_threads * per


def test_threads_fetch_add_returns_distinct_values():
    x = I64(0)
    seen = [[] for _ in range(4)]

    def work(out):
        for _ in range(20_000):
            out.append(x.fetch_add(1))

    threads = [threading.Thread(target=work, args=(s,)) for s in seen]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    everything = sorted(v for s in seen for v in s)
    assert everything == list(range(80_000))


# --------------------------------------------------------------------------
# GC and reference leaks
# --------------------------------------------------------------------------


def test_self_referencing_on_zero_cycle_is_collected():
    def make():
        x = U64(1, on_zero=lambda: x)  # the closure refers back to x: a cycle
        return weakref.ref(x)

    ref = make()
    gc.collect()
    assert ref() is None


@pytest.mark.parametrize("kind", ALL_TYPES)
def test_weakref_and_collection(kind):
    x = kind(1)
    holder = [x]
    holder.append(holder)  # the atomic hangs off a cycle
    ref = weakref.ref(x)
    del x, holder
    gc.collect()
    assert ref() is None


def test_gc_tracks_objects_holding_references():
    assert gc.is_tracked(U64(1, on_zero=print))
    assert gc.is_tracked(Int(1))


def test_no_reference_leaks():
    big = 2**70 + 12345
    bigneg = -(2**70)
    callback_calls = []

    def cb():
        callback_calls.append(None)

    objects = [big, bigneg, cb]
    before = [sys.getrefcount(o) for o in objects]
    u, i, n, f = U64(0, on_zero=cb), I64(0), Int(0), Float(0.0)
    for _ in range(10_000):
        u += 1
        u -= 1  # on_zero
        u &= big
        try:
            u -= big
        except ValueError:
            pass
        try:
            u += big
        except OverflowError:
            pass
        try:
            i *= bigneg
        except OverflowError:
            pass
        n += big
        n -= big
        try:
            n **= -1
        except ValueError:
            pass
        f += 1.5
        try:
            f /= 0
        except ZeroDivisionError:
            pass
        f **= 1
        u.compare_exchange(big, 0)
        n.compare_exchange(0, 0)
    assert len(callback_calls) == 20_000
    del u, i, n, f
    gc.collect()
    after = [sys.getrefcount(o) for o in objects]
    assert after == before


def test_no_memory_growth():
    def churn(k):
        u, i, n, f = U64(5), I64(5), Int(5), Float(5.0)
        for _ in range(k):
            u += 1
            u -= 1
            u.load()
            repr(u)
            _ = u + 1
            _ = u == 5
            i **= 1
            n += 10**30
            n -= 10**30
            n.load()
            f *= 1.0
            f.exchange(5.0)
            for bad in (u, i, n):
                try:
                    bad //= 0
                except ZeroDivisionError:
                    pass

    churn(1000)  # warm caches
    tracemalloc.start()
    try:
        churn(2000)
        gc.collect()
        first, _ = tracemalloc.get_traced_memory()
        churn(20_000)
        gc.collect()
        second, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert second - first < 20_000


# --------------------------------------------------------------------------
# Module surface
# --------------------------------------------------------------------------


def test_module_surface_and_docstrings():
    assert cymade.atomic.__all__ == ["U64", "I64", "Int", "Float"]
    for kind in ALL_TYPES:
        assert kind.__module__ == "cymade.atomic"
        assert kind.__doc__ and len(kind.__doc__) > 40
        for name in ("load", "store", "exchange", "compare_exchange", "fetch_add", "fetch_sub"):
            assert getattr(kind, name).__doc__, (kind, name)
        with pytest.raises(TypeError):

            class Sub(kind):  # final types
                pass

    assert "on_zero" in U64.__doc__
