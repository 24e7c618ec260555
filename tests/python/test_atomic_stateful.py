"""Hypothesis stateful tests of cymade.atomic: random operation sequences
compared with the model in atomic_model.py.

After every step the atomic's value equals the model's; a failing operation
(OverflowError / ValueError / ZeroDivisionError / TypeError) must leave both
unchanged; U64's on_zero call count must match the model's.
"""

import math

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from cymade.atomic import I64, U64, Float, Int
from atomic_model import (
    FLOAT_OPERATIONS,
    I64_MAX,
    I64_MIN,
    INTEGER_MODELS,
    INTEGER_OPERATIONS,
    U64_MAX,
    float_inplace,
    float_stored,
    is_error,
    is_integer_operand,
    same_float,
)

INT_CAP = 2**2000  # the Int model is reset above this to keep numbers small

EDGE_INTS = [0, 1, -1, 2, -2, 3, 7, 63, 64, 65, 127, I64_MAX, I64_MIN, I64_MAX + 1, I64_MIN - 1, U64_MAX,
             U64_MAX + 1, -U64_MAX, 2**32, 2**70, -(2**70)]
WRONG_TYPES = [1.5, -0.0, math.nan, "1", None, b"\x01", [1], 1j]

int_operands = st.one_of(
    st.integers(-1000, 1000),
    st.integers(-(2**70), 2**70),
    st.sampled_from(EDGE_INTS),
    st.booleans(),
    st.sampled_from(WRONG_TYPES),
)
float_values = st.one_of(
    st.floats(),
    st.sampled_from([0.0, -0.0, 1.0, -1.0, 0.5, 2.0, 1e308, -1e308, 5e-324, math.inf, -math.inf, math.nan]),
)
float_operands = st.one_of(
    float_values,
    st.integers(-1000, 1000),
    st.booleans(),
    st.sampled_from([10**400, -(10**400), 0, 2**53 + 1]),
    st.sampled_from(["1.0", None, b"1", [1.0], 1j]),
)


def make_int_machine(kind):
    class IntMachine(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.integer_model = INTEGER_MODELS[kind.__name__]
            self.zero_calls = 0
            self.model_zero_calls = 0
            if kind is U64:
                self.x = U64(0, on_zero=self.on_zero)
            else:
                self.x = kind(0)
            self.model = 0

        def on_zero(self):
            self.zero_calls += 1

        # ---- helpers ------------------------------------------------------

        def expect(self, expected, action):
            """Runs action; expected is an exception class or a new model value."""
            if is_error(expected):
                with pytest.raises(expected):
                    action()
            else:
                action()
                self.set_model(expected)

        def set_model(self, value):
            self.model = value
            if value == 0 and kind is U64:
                self.model_zero_calls += 1

        def shrink_int(self):
            # Keep Int's numbers small enough for quick steps.
            if kind is Int and abs(self.model) > INT_CAP:
                self.x.store(7)
                self.set_model(7)

        def safe_operand(self, op, b):
            # For Int, huge exponents/shifts would build gigantic numbers (like
            # plain ints would); clamp them to keep the test fast.
            if kind is Int and is_integer_operand(b):
                if op == "pow" and int(b) > 8 and abs(self.model) > 1:
                    return int(b) % 8
                if op == "lshift" and int(b) > 200 and self.model != 0:
                    return int(b) % 200
            return b

        # ---- rules --------------------------------------------------------

        @rule(op=st.sampled_from(sorted(INTEGER_OPERATIONS)), b=int_operands)
        def inplace(self, op, b):
            b = self.safe_operand(op, b)
            expected = self.integer_model.inplace(op, self.model, b)
            x = self.x

            def action():
                r = INTEGER_OPERATIONS[op].inplace(x, b)
                assert r is x

            self.expect(expected, action)
            self.shrink_int()

        @rule(op=st.sampled_from(sorted(INTEGER_OPERATIONS)), b=st.sampled_from(WRONG_TYPES))
        def inplace_wrong_type(self, op, b):
            with pytest.raises(TypeError):
                INTEGER_OPERATIONS[op].inplace(self.x, b)

        @rule()
        def truediv_is_a_type_error(self):
            with pytest.raises(TypeError):
                x = self.x
                x /= 1

        @rule(v=int_operands)
        def store(self, v):
            self.expect(self.integer_model.stored(v), lambda: self.x.store(v))

        @rule(v=int_operands)
        def exchange(self, v):
            old = self.model
            expected = self.integer_model.stored(v)
            result = []
            self.expect(expected, lambda: result.append(self.x.exchange(v)))
            if result:
                assert result[0] == old and type(result[0]) is int

        @rule(use_current=st.booleans(), expected=int_operands, desired=int_operands)
        def compare_exchange(self, use_current, expected, desired):
            if use_current:
                expected = self.model
            check = self.integer_model.stored(desired)
            if is_error(check):
                with pytest.raises(check):
                    self.x.compare_exchange(expected, desired)
                return
            if not is_integer_operand(expected):
                with pytest.raises(TypeError):
                    self.x.compare_exchange(expected, desired)
                return
            ok = self.x.compare_exchange(expected, desired)
            should = int(expected) == self.model
            assert ok is should
            if should:
                self.set_model(int(desired))

        @rule(v=int_operands, sub=st.booleans())
        def fetch_add_sub(self, v, sub):
            old = self.model
            expected = self.integer_model.inplace("sub" if sub else "add", self.model, v)
            result = []
            fn = self.x.fetch_sub if sub else self.x.fetch_add
            self.expect(expected, lambda: result.append(fn(v)))
            if result:
                assert result[0] == old and type(result[0]) is int
            self.shrink_int()

        @rule()
        def load(self):
            v = self.x.load()
            assert v == self.model and type(v) is int

        @precondition(lambda self: kind is not Int)
        @rule(v=st.sampled_from([0, 1, I64_MAX, U64_MAX, I64_MIN, -1]))
        def store_edge(self, v):
            self.expect(self.integer_model.stored(v), lambda: self.x.store(v))

        @invariant()
        def matches_model(self):
            assert self.x.load() == self.model
            assert int(self.x) == self.model and self.x.__index__() == self.model
            assert self.zero_calls == self.model_zero_calls

    IntMachine.__name__ = f"{kind.__name__}Machine"
    return IntMachine


class FloatMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.x = Float(0.0)
        self.model = 0.0

    def expect(self, expected, action):
        if is_error(expected):
            with pytest.raises(expected):
                action()
        else:
            action()
            self.model = expected

    @rule(op=st.sampled_from(sorted(FLOAT_OPERATIONS)), b=float_operands)
    def inplace(self, op, b):
        x = self.x

        def action():
            r = FLOAT_OPERATIONS[op].inplace(x, b)
            assert r is x

        self.expect(float_inplace(op, self.model, b), action)

    @rule(op=st.sampled_from(["lshift", "rshift", "and", "or", "xor"]), b=st.integers(0, 3))
    def bitwise_is_a_type_error(self, op, b):
        with pytest.raises(TypeError):
            INTEGER_OPERATIONS[op].inplace(self.x, b)

    @rule(v=float_operands)
    def store(self, v):
        self.expect(float_stored(v), lambda: self.x.store(v))

    @rule(v=float_operands)
    def exchange(self, v):
        old = self.model
        result = []
        self.expect(float_stored(v), lambda: result.append(self.x.exchange(v)))
        if result:
            assert same_float(result[0], old) and type(result[0]) is float

    @rule(use_current=st.booleans(), expected=float_operands, desired=float_operands)
    def compare_exchange(self, use_current, expected, desired):
        if use_current:
            expected = self.model
        d = float_stored(desired)
        # desired is converted to float: a wrong type is a TypeError and an
        # int beyond the float range an OverflowError.  expected is compared
        # as Python's == does (exactly, so 2**53 + 1 or 10**400 match no
        # float); only a wrong type is an error.
        e = TypeError if not isinstance(expected, (int, float)) else expected
        if is_error(d) or is_error(e):
            errors = {x for x in (d, e) if is_error(x)}
            with pytest.raises(tuple(errors)):
                self.x.compare_exchange(expected, desired)
            return
        ok = self.x.compare_exchange(expected, desired)
        should = self.model == expected  # float equality: -0.0 == 0.0, NaN never
        assert ok is should, (self.model, expected, desired)
        if should:
            self.model = d

    @rule(v=float_operands, sub=st.booleans())
    def fetch_add_sub(self, v, sub):
        old = self.model
        result = []
        fn = self.x.fetch_sub if sub else self.x.fetch_add
        self.expect(float_inplace("sub" if sub else "add", self.model, v), lambda: result.append(fn(v)))
        if result:
            assert same_float(result[0], old) and type(result[0]) is float

    @rule()
    def load(self):
        v = self.x.load()
        assert same_float(v, self.model) and type(v) is float

    @invariant()
    def matches_model(self):
        assert same_float(self.x.load(), self.model)
        assert same_float(float(self.x), self.model)


STATEFUL = settings(max_examples=60, stateful_step_count=40, deadline=None)

TestU64Stateful = make_int_machine(U64).TestCase
TestU64Stateful.settings = STATEFUL
TestI64Stateful = make_int_machine(I64).TestCase
TestI64Stateful.settings = STATEFUL
TestIntStateful = make_int_machine(Int).TestCase
TestIntStateful.settings = STATEFUL
TestFloatStateful = FloatMachine.TestCase
TestFloatStateful.settings = STATEFUL
