"""A thread pool with far lower per-job overhead than ThreadPoolExecutor.

``ThreadPool`` runs jobs on cymade's lock-free C engine and hands back
``Future`` objects that are ``concurrent.futures.Future`` instances (so
``concurrent.futures.wait``, ``as_completed``, ``asyncio.wrap_future`` and
``loop.run_in_executor`` accept them) and can be awaited directly.  A
``ThreadPool`` is a ``concurrent.futures.ThreadPoolExecutor`` as far as
``isinstance`` is concerned, so asyncio takes it as its default executor; none
of the stdlib's executor machinery runs.

Priority classes (``schedule``): urgent jobs (priority < 0) are taken before any
queued normal or background job, and a normal or background job submitted after
an urgent job's ``schedule`` returned does not start while any urgent job is
queued or running (jobs submitted earlier may already have been taken by a
worker and run alongside it).  Background jobs (priority > 0) start only when no
urgent job is pending and at least ``priority`` ms have passed since the last
urgent or normal job finished (or since the pool started); after ``shutdown``
they no longer wait.

Visibility: everything the submitter wrote before ``submit``/``schedule`` is
visible to the job, and everything the job wrote is visible to whoever sees its
future done (``result()``, ``exception()``, ``done()``, done-callbacks).
"""

import os
import sys
import threading
import weakref
from concurrent.futures import ThreadPoolExecutor

from cymade import _threadpool

__all__ = ["Future", "ThreadPool"]

Future = _threadpool.Future

# Pools still alive at interpreter exit are shut down (waiting for their
# jobs) before threading joins the worker threads, as concurrent.futures
# does: otherwise idle workers would wait for jobs forever.
_live_pools = weakref.WeakSet()
_live_pools_lock = threading.Lock()


def _shutdown_live_pools():
    with _live_pools_lock:
        pools = list(_live_pools)
    for pool in pools:
        pool.shutdown(wait=True)


threading._register_atexit(_shutdown_live_pools)


def _default_max_workers():
    # ThreadPoolExecutor's default: at least 5 workers for I/O-bound jobs,
    # at most 32 so that many-core machines do not start hundreds of threads.
    cpu_count = getattr(os, "process_cpu_count", os.cpu_count)()
    return min(32, (cpu_count or 1) + 4)


class ThreadPool(_threadpool.ThreadPool, ThreadPoolExecutor):
    """ThreadPool(max_workers=None, *, thread_name_prefix="", initializer=None, initargs=())

    A pool of up to ``max_workers`` threads (default, as ThreadPoolExecutor's:
    ``min(32, cpu_count + 4)``; at most 1024) running jobs submitted with
    ``submit``/``schedule``/``map``.  Workers start as jobs need them and are
    ``threading.Thread`` objects named ``thread_name_prefix_N`` (default prefix
    ``ThreadPoolExecutor-K``, as the stdlib's).  ``initializer(*initargs)`` runs
    once in each worker before any job; if it raises, the failure is logged at
    CRITICAL on the ``concurrent.futures`` logger and the pool is broken: jobs
    not yet started fail, and later submits raise, with ``BrokenThreadPool``.

    Use it as a context manager to shut it down on exit.  Submitting after
    ``shutdown`` raises ``RuntimeError``.  Dropping the last reference shuts it
    down without waiting: the workers finish the queued jobs on their own.
    """

    def __init__(self, max_workers=None, thread_name_prefix="", initializer=None, initargs=()):
        if max_workers is None:
            max_workers = _default_max_workers()
        super().__init__(
            max_workers,
            thread_name_prefix or f"ThreadPoolExecutor-{ThreadPoolExecutor._counter()}",
            initializer=initializer,
            initargs=initargs,
        )
        with _live_pools_lock:
            _live_pools.add(self)

    def report_error(self, future, exception, traceback_str):
        """Report an error that no caller would otherwise see.

        Called with the future concerned, the exception and its formatted
        traceback, for: an exception raised by a done-callback, and a job's
        exception that nobody retrieved (``result()``/``exception()``) before
        its future was destroyed.  The default writes to ``sys.stderr``;
        override it in a subclass to log.
        """
        where = f" in {future!r}" if future is not None else ""
        sys.stderr.write(f"cymade.threadpool: unhandled {type(exception).__name__}{where}:\n{traceback_str}")
