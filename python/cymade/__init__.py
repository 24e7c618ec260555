"""cymade: fast concurrency utilities on a verified lock-free C11 core.

- ``cymade.atomic``: ``U64`` (with an on-zero callback), ``I64``, ``Int`` and
  ``Float``, updated by many threads without a ``threading.Lock``.
- ``cymade.threadpool``: ``ThreadPool``, a low-overhead executor with urgent
  and background priority classes, whose ``Future`` objects are
  ``concurrent.futures.Future`` instances and can be awaited in asyncio.

``cymade.verified`` names the verification suites this build passed.
"""

from cymade._core import verified

__all__ = ["verified"]
