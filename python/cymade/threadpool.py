"""A thread pool with far lower per-job overhead than ThreadPoolExecutor.

``ThreadPool`` runs jobs on cymade's lock-free C engine and hands back
``Future`` objects that are ``concurrent.futures.Future`` instances (so
``concurrent.futures.wait``, ``as_completed``, ``asyncio.wrap_future`` and
``loop.run_in_executor`` accept them) and can be awaited directly.

Priority classes (``schedule``): urgent jobs (priority < 0) run before anything
queued, and no other job starts while one is queued or running; background jobs
(priority > 0) start only after ``priority`` ms with no urgent or normal job
finishing.
"""

import sys
import threading
import weakref
from concurrent.futures import Executor

from cymade import _threadpool

__all__ = ["Future", "ThreadPool"]

Future = _threadpool.Future

# Pools still alive at interpreter exit are shut down (waiting for their
# jobs) before the interpreter finalizes, as concurrent.futures does: worker
# threads must not touch a finalizing interpreter.
_live_pools = weakref.WeakSet()
_live_pools_lock = threading.Lock()


def _shutdown_live_pools():
    with _live_pools_lock:
        pools = list(_live_pools)
    for pool in pools:
        pool.shutdown(wait=True)


threading._register_atexit(_shutdown_live_pools)


class ThreadPool(_threadpool.ThreadPool, Executor):
    """ThreadPool(max_workers=None, *, thread_name_prefix="", initializer=None, initargs=())

    A pool of ``max_workers`` threads (default: the number of CPUs) running
    jobs submitted with ``submit``/``schedule``/``map``.  ``max_workers`` must
    be between 1 and 1024.  Worker threads are named ``thread_name_prefix``
    plus their index at the OS level (at most 15 bytes).  ``initializer(*initargs)``
    runs once in each worker before any job; if it raises, the pool is broken:
    pending jobs are cancelled and later submits raise ``BrokenThreadPool``.

    Use it as a context manager to shut it down on exit.  Submitting after
    ``shutdown`` raises ``RuntimeError``.
    """

    def __init__(self, max_workers=None, *, thread_name_prefix="", initializer=None, initargs=()):
        super().__init__(
            max_workers,
            thread_name_prefix=thread_name_prefix,
            initializer=initializer,
            initargs=initargs,
        )
        with _live_pools_lock:
            _live_pools.add(self)

    def map(self, fn, *iterables, timeout=None, chunksize=1):
        """Like ``map(fn, *iterables)`` with calls run in the pool; results in order.

        Raises ``TimeoutError`` if a result is not ready ``timeout`` seconds
        after the call to ``map``; the calls not yet started are then cancelled.
        """
        return super().map(fn, *iterables, timeout=timeout, chunksize=chunksize)

    def report_error(self, future, exception, traceback_str):
        """Report an error that no caller would otherwise see.

        Called with the future concerned (or ``None``), the exception and its
        formatted traceback, for: an exception raised by a done-callback, a
        job's exception that nobody retrieved (``result()``/``exception()``)
        before its future was destroyed, and a failing ``initializer``.  The
        default writes to ``sys.stderr``; override it in a subclass to log.
        """
        where = f" in {future!r}" if future is not None else ""
        sys.stderr.write(f"cymade.threadpool: unhandled {type(exception).__name__}{where}:\n{traceback_str}")
