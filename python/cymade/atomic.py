"""Numbers that many threads update without a ``threading.Lock``.

- ``U64(init_value=0, on_zero=None)``: unsigned 64-bit, range [0, 2**64-1], with
  an optional callback run for every operation whose result is 0.
- ``I64(init_value=0)``: signed 64-bit, range [-2**63, 2**63-1].
- ``Int(init_value=0)``: arbitrary precision (a per-object lock, not the GIL).
- ``Float(init_value=0.0)``: a double.

In-place operators (``x += 1`` and friends) are atomic, sequentially consistent
read-modify-writes.  Binary operators return plain ``int``/``float`` values.
An operation that fails (OverflowError, ValueError, ZeroDivisionError,
TypeError) leaves the value unchanged; 64-bit types never wrap.
"""

from cymade._atomic import I64, U64, Float, Int

__all__ = ["U64", "I64", "Int", "Float"]
