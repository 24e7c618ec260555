"""Tests for cymade.threadpool's ThreadPool and Future (python/cymade/threadpool.pyi):
results, priorities, futures, shutdown and fork.

The machine these run on is small (2 cores) and noisy: no test asserts an
upper bound on timing except generous ones ("promptly" = a few seconds), and
the background-priority delay is checked only from below.
"""

import asyncio
import concurrent.futures
import concurrent.futures.thread
import gc
import itertools
import logging
import math
import operator
import re
import os
import signal
import subprocess
import sys
import threading
import time
import traceback
import tracemalloc
import uuid
import weakref

import pytest

from cymade.threadpool import Future, ThreadPool
from threadpool_helpers import LONG, Gate, make_pool, popen_script, run_script, wait_until  # noqa: F401 (fixture)

CancelledError = concurrent.futures.CancelledError
BrokenThreadPool = concurrent.futures.thread.BrokenThreadPool


class RecordingPool(ThreadPool):
    """A ThreadPool whose report_error records its calls instead of printing."""

    def __init__(self, *args, **kwargs):
        self.reports = []
        super().__init__(*args, **kwargs)

    def report_error(self, future, exception, traceback_str):
        self.reports.append((future, exception, traceback_str, threading.get_ident()))


def raise_value_error(message="boom"):
    raise ValueError(message)


def identity(x):
    return x


# ---------------------------------------------------------------------------
# Results and exceptions
# ---------------------------------------------------------------------------


@pytest.mark.timeout(30)
def test_result_of_simple_jobs(make_pool):
    pool = make_pool(2)
    futures = [pool.submit(pow, 2, i) for i in range(50)]
    assert [f.result(timeout=LONG) for f in futures] == [2**i for i in range(50)]
    for f in futures:
        assert isinstance(f, Future)
        assert f.done() and not f.running() and not f.cancelled()
        assert f.exception() is None
    assert pool.submit(lambda: None).result(timeout=LONG) is None
    sentinel = object()
    assert pool.submit(identity, sentinel).result(timeout=LONG) is sentinel


@pytest.mark.timeout(30)
def test_exception_is_stored_and_reraised_with_its_traceback(make_pool):
    pool = make_pool(2)
    future = pool.submit(raise_value_error, "kaboom")
    error = future.exception(timeout=LONG)
    assert isinstance(error, ValueError) and error.args == ("kaboom",)
    assert future.done() and not future.cancelled()
    with pytest.raises(ValueError, match="kaboom") as info:
        future.result()
    assert info.value is error
    # The job's own frame is in the traceback.
    frames = [frame.name for frame in traceback.extract_tb(error.__traceback__)]
    assert "raise_value_error" in frames
    # result() may be called again and raises the same object.
    with pytest.raises(ValueError) as again:
        future.result()
    assert again.value is error


class CustomBaseException(BaseException):
    pass


@pytest.mark.timeout(30)
@pytest.mark.parametrize("exc_type", [KeyboardInterrupt, SystemExit, GeneratorExit, CustomBaseException])
def test_base_exceptions_in_a_job_are_stored_and_the_worker_survives(make_pool, exc_type):
    pool = make_pool(1)

    def job():
        raise exc_type("from job")

    futures = [pool.submit(job) for _ in range(3)]
    for future in futures:
        error = future.exception(timeout=LONG)
        assert type(error) is exc_type
        with pytest.raises(exc_type):
            future.result()
    # The single worker is still alive and runs more jobs.
    assert [pool.submit(operator.add, i, 1).result(timeout=LONG) for i in range(10)] == list(range(1, 11))
    assert pool.stats()["workers"] == 1


@pytest.mark.timeout(30)
def test_positional_and_keyword_arguments(make_pool):
    pool = make_pool(2)

    def collect(*args, **kwargs):
        return args, kwargs

    assert pool.submit(collect).result(timeout=LONG) == ((), {})
    assert pool.submit(collect, 1, 2, 3).result(timeout=LONG) == ((1, 2, 3), {})
    assert pool.submit(collect, 1, b=2, c=3).result(timeout=LONG) == ((1,), {"b": 2, "c": 3})
    assert pool.submit(collect, a=[1]).result(timeout=LONG) == ((), {"a": [1]})
    # The pool's own parameter names are positional-only: they reach the job.
    assert pool.submit(collect, fn=1, self=2, priority=3).result(timeout=LONG) == (
        (),
        {"fn": 1, "self": 2, "priority": 3},
    )
    assert pool.schedule(-1, collect, 7, priority=4, fn=5).result(timeout=LONG) == ((7,), {"priority": 4, "fn": 5})
    assert pool.schedule(0, collect, x=1).result(timeout=LONG) == ((), {"x": 1})
    # Keyword arguments to a builtin (vectorcall path with a dict).
    assert pool.submit(int, "ff", base=16).result(timeout=LONG) == 255
    assert pool.submit(sorted, [3, 1, 2], reverse=True).result(timeout=LONG) == [3, 2, 1]
    # A TypeError from a bad call is the job's exception, not submit's.
    future = pool.submit(len, 1, 2)
    assert isinstance(future.exception(timeout=LONG), TypeError)


@pytest.mark.timeout(30)
def test_submit_needs_a_callable(make_pool):
    pool = make_pool(1)
    for not_callable in (None, 1, "abc", [len]):
        with pytest.raises(TypeError):
            pool.submit(not_callable)
        with pytest.raises(TypeError):
            pool.schedule(-1, not_callable)
    with pytest.raises(TypeError):
        pool.submit()
    with pytest.raises(TypeError):
        pool.schedule()
    with pytest.raises(TypeError):
        pool.schedule(1)
    assert pool.submit(len, "abc").result(timeout=LONG) == 3


@pytest.mark.timeout(30)
def test_submit_after_shutdown_raises_runtime_error():
    pool = ThreadPool(2)
    assert pool.submit(len, "ab").result(timeout=LONG) == 2
    pool.shutdown()
    with pytest.raises(RuntimeError):
        pool.submit(len, "ab")
    with pytest.raises(RuntimeError):
        pool.schedule(-1, len, "ab")
    with pytest.raises(RuntimeError):
        pool.schedule(5, len, "ab")
    with pytest.raises(RuntimeError):
        list(pool.map(len, ["ab"]))


@pytest.mark.timeout(30)
def test_max_workers_validation():
    for bad in (0, -1, -(2**70)):
        with pytest.raises(ValueError):
            ThreadPool(bad)
    for huge in (1025, 10**6, 2**63, 2**200):
        with pytest.raises(ValueError):
            ThreadPool(huge)
    for not_int in (1.0, 2.5, "2", b"2", [2]):
        with pytest.raises(TypeError):
            ThreadPool(not_int)
    with pytest.raises(TypeError):
        ThreadPool(2, initializer=5)
    with pytest.raises(TypeError):
        ThreadPool(2, initargs=[1])
    with pytest.raises(TypeError):
        ThreadPool(2, 3)  # thread_name_prefix must be a str


@pytest.mark.timeout(30)
def test_max_workers_default_and_explicit():
    # ThreadPoolExecutor's default.
    cpus = getattr(os, "process_cpu_count", os.cpu_count)()
    with ThreadPool() as pool:
        assert pool.max_workers == min(32, cpus + 4)
        assert pool._max_workers == pool.max_workers
        assert pool.stats()["workers"] == pool.max_workers
    with ThreadPool(None) as pool:
        assert pool.max_workers == min(32, cpus + 4)
    with ThreadPool(3) as pool:
        assert pool.max_workers == 3
        assert pool.stats()["workers"] == 3
        assert pool.submit(lambda: 1).result(timeout=LONG) == 1


@pytest.mark.timeout(30)
def test_future_cannot_be_completed_by_callers(make_pool):
    pool = make_pool(1)
    future = pool.submit(lambda: 1)
    assert future.result(timeout=LONG) == 1
    with pytest.raises(TypeError):
        Future()
    for method, args in (("set_result", (2,)), ("set_exception", (ValueError(),)), ("set_running_or_notify_cancel", ())):
        with pytest.raises(RuntimeError):
            getattr(future, method)(*args)
    assert future.result() == 1


# ---------------------------------------------------------------------------
# cancel, running, done
# ---------------------------------------------------------------------------


@pytest.mark.timeout(30)
def test_cancel_a_pending_job(make_pool):
    pool = make_pool(1)
    gate = make_pool.gate(pool)
    ran = []
    pending = pool.submit(ran.append, "pending")
    other = pool.submit(ran.append, "other")
    assert not pending.running() and not pending.done() and not pending.cancelled()
    assert pending.cancel() is True
    assert pending.cancelled() and pending.done() and not pending.running()
    assert pending.cancel() is True  # cancelling again still says cancelled
    with pytest.raises(CancelledError):
        pending.result()
    with pytest.raises(CancelledError):
        pending.result(timeout=0)
    with pytest.raises(CancelledError):
        pending.exception()
    gate.open()
    assert other.result(timeout=LONG) is None
    pool.shutdown(wait=True)
    assert ran == ["other"]


@pytest.mark.timeout(30)
def test_cancel_running_or_done_fails(make_pool):
    pool = make_pool(1)
    gate = make_pool.gate(pool)
    running = gate.futures[0]
    assert running.running() and not running.done()
    assert running.cancel() is False
    assert running.running() and not running.cancelled()
    gate.open()
    assert running.done() and not running.running()
    assert running.cancel() is False
    assert not running.cancelled()
    assert running.result() == "gate"
    failed = pool.submit(raise_value_error)
    failed.exception(timeout=LONG)
    assert failed.cancel() is False and not failed.cancelled()


# ---------------------------------------------------------------------------
# Timeouts
# ---------------------------------------------------------------------------


@pytest.mark.timeout(30)
def test_result_and_exception_timeouts(make_pool):
    pool = make_pool(1)
    gate = make_pool.gate(pool)
    blocked = gate.futures[0]
    queued = pool.submit(lambda: "queued")
    for future in (blocked, queued):
        for wait in (future.result, future.exception):
            start = time.monotonic()
            with pytest.raises(TimeoutError):
                wait(timeout=0.05)
            elapsed = time.monotonic() - start
            assert 0.045 <= elapsed < 5.0
            start = time.monotonic()
            with pytest.raises(concurrent.futures.TimeoutError):
                wait(0.05)  # positional
            assert time.monotonic() - start >= 0.045
    # Negative and zero timeouts poll once.
    for timeout in (0, -1, -1e9, -math.inf, 0.0):
        start = time.monotonic()
        with pytest.raises(TimeoutError):
            blocked.result(timeout=timeout)
        with pytest.raises(TimeoutError):
            blocked.exception(timeout=timeout)
        assert time.monotonic() - start < 5.0
    with pytest.raises((TypeError, ValueError)):
        blocked.result(timeout="1")
    with pytest.raises(ValueError):
        blocked.result(timeout=math.nan)
    assert not blocked.done()
    gate.open()
    assert queued.result(timeout=LONG) == "queued"
    # Once done, any timeout (negative included) returns the outcome.
    assert queued.result(timeout=-1) == "queued"
    assert queued.exception(timeout=0) is None
    assert queued.result(timeout=math.inf) == "queued"


# ---------------------------------------------------------------------------
# Shutdown
# ---------------------------------------------------------------------------


@pytest.mark.timeout(30)
def test_shutdown_is_idempotent():
    pool = ThreadPool(2)
    future = pool.submit(time.sleep, 0.01)
    pool.shutdown()
    pool.shutdown()
    pool.shutdown(wait=False)
    pool.shutdown(wait=True, cancel_futures=True)
    assert future.done() and future.result() is None
    pool.shutdown()


@pytest.mark.timeout(30)
def test_shutdown_wait_waits_for_every_job():
    pool = ThreadPool(2)
    done = []

    def job(i):
        time.sleep(0.005)
        done.append(i)
        return i

    futures = [pool.submit(job, i) for i in range(40)]
    urgent = [pool.schedule(-3, job, 100 + i) for i in range(5)]
    pool.shutdown(wait=True)
    assert all(f.done() for f in futures + urgent)
    assert sorted(done) == list(range(40)) + [100 + i for i in range(5)]
    assert [f.result() for f in futures] == list(range(40))
    assert pool.stats()["running"] == 0


@pytest.mark.timeout(30)
def test_shutdown_cancel_futures_cancels_queued_jobs(make_pool):
    pool = make_pool(1)
    gate = make_pool.gate(pool)
    ran = []
    futures = [pool.submit(ran.append, i) for i in range(10)]
    futures += [pool.schedule(-2, ran.append, "urgent"), pool.schedule(1, ran.append, "background")]
    pool.shutdown(wait=False, cancel_futures=True)
    # Nothing queued can start any more (the worker is still blocked).
    wait_until(lambda: all(f.done() for f in futures), message="queued futures cancelled")
    assert all(f.cancelled() for f in futures)
    gate.open()
    pool.shutdown(wait=True)
    assert ran == []
    for future in futures + gate.futures:
        assert future.done()
        assert future.cancelled() or future.exception() is None


@pytest.mark.timeout(30)
def test_shutdown_cancel_futures_every_future_ends_done():
    pool = ThreadPool(2)
    futures = [pool.submit(time.sleep, 0.001) for _ in range(300)]
    pool.shutdown(wait=True, cancel_futures=True)
    ran = cancelled = 0
    for future in futures:
        assert future.done()
        if future.cancelled():
            cancelled += 1
        else:
            assert future.result() is None
            ran += 1
    assert ran + cancelled == 300


@pytest.mark.timeout(30)
def test_shutdown_without_wait_returns_promptly_and_jobs_still_run(make_pool):
    pool = make_pool(1)
    gate = make_pool.gate(pool)
    queued = [pool.submit(operator.mul, i, 2) for i in range(5)]
    start = time.monotonic()
    pool.shutdown(wait=False)
    assert time.monotonic() - start < 2.0
    assert not gate.futures[0].done()
    with pytest.raises(RuntimeError):
        pool.submit(len, "x")
    gate.open()
    # Without cancel_futures the queued jobs still run.
    assert [f.result(timeout=LONG) for f in queued] == [0, 2, 4, 6, 8]
    pool.shutdown(wait=True)


@pytest.mark.timeout(30)
def test_shutdown_runs_queued_background_jobs_without_their_delay():
    pool = ThreadPool(1)
    start = time.monotonic()
    background = pool.schedule(60_000, lambda: "late")  # one minute of idleness
    pool.shutdown(wait=True)
    assert background.result(timeout=0) == "late"
    assert time.monotonic() - start < 20.0


@pytest.mark.timeout(30)
def test_shutdown_with_wait_from_inside_a_job_raises(make_pool):
    pool = make_pool(2)
    future = pool.submit(lambda: pool.shutdown(wait=True))
    error = future.exception(timeout=LONG)
    assert isinstance(error, RuntimeError)
    # The pool is not shut down by the failed call and keeps working.
    assert pool.submit(len, "abc").result(timeout=LONG) == 3
    error2 = pool.submit(lambda: pool.shutdown()).exception(timeout=LONG)
    assert isinstance(error2, RuntimeError)


@pytest.mark.timeout(30)
def test_shutdown_without_wait_from_inside_a_job(make_pool):
    pool = make_pool(2)
    release = threading.Event()

    def job():
        pool.shutdown(wait=False)
        release.wait(LONG)
        return "ok"

    future = pool.submit(job)
    wait_until(lambda: _raises_runtime_error(pool), message="the pool to refuse submits")
    release.set()
    assert future.result(timeout=LONG) == "ok"
    pool.shutdown(wait=True)
    with pytest.raises(RuntimeError):
        pool.submit(len, "")


def _raises_runtime_error(pool):
    try:
        pool.submit(len, "").result(timeout=LONG)
    except RuntimeError:
        return True
    return False


# ---------------------------------------------------------------------------
# Priorities (schedule)
# ---------------------------------------------------------------------------


@pytest.mark.timeout(30)
def test_urgent_jobs_run_first_lowest_first_then_normal_fifo(make_pool):
    pool = make_pool(1)
    gate = make_pool.gate(pool)
    order = []
    futures = [pool.submit(order.append, f"n{i}") for i in range(5)]
    futures.append(pool.schedule(-1, order.append, "u-1"))
    futures.append(pool.schedule(-5, order.append, "u-5"))
    futures.append(pool.schedule(0, order.append, "n5"))
    futures.append(pool.schedule(-3, order.append, "u-3"))
    futures.append(pool.schedule(-100, order.append, "u-100"))
    gate.open()
    for future in futures:
        future.result(timeout=LONG)
    assert order == ["u-100", "u-5", "u-3", "u-1", "n0", "n1", "n2", "n3", "n4", "n5"]


@pytest.mark.timeout(30)
def test_no_normal_job_starts_while_an_urgent_job_runs(make_pool):
    pool = make_pool(2)
    gate = make_pool.gate(pool, 2)
    events = []

    def job(kind, index, duration):
        events.append(("start", kind, index))
        time.sleep(duration)
        events.append(("end", kind, index))

    futures = [pool.submit(job, "normal", i, 0.001) for i in range(6)]
    futures += [pool.schedule(-1 - (i % 3), job, "urgent", i, 0.03) for i in range(5)]
    futures += [pool.schedule(1, job, "background", 0, 0.001)]
    gate.open()
    for future in futures:
        future.result(timeout=LONG)
    last_urgent_end = max(i for i, e in enumerate(events) if e[0] == "end" and e[1] == "urgent")
    first_other_start = min(i for i, e in enumerate(events) if e[0] == "start" and e[1] != "urgent")
    assert first_other_start > last_urgent_end, events
    # Normal jobs start in FIFO order.
    normal_starts = [e[2] for e in events if e[0] == "start" and e[1] == "normal"]
    assert sorted(normal_starts) == list(range(6))


@pytest.mark.timeout(30)
def test_urgent_job_submitted_while_normal_jobs_queue_overtakes_them(make_pool):
    pool = make_pool(2)
    order = []
    lock = threading.Lock()

    def normal(i):
        time.sleep(0.002)
        with lock:
            order.append(("n", i))

    futures = [pool.submit(normal, i) for i in range(200)]
    time.sleep(0.02)
    urgent = pool.schedule(-1, lambda: order.append(("u", 0)))
    urgent.result(timeout=LONG)
    for future in futures:
        future.result(timeout=LONG)
    # At most the normal jobs already running (2) plus those that started
    # before the urgent one was queued may finish before it; it must not
    # wait for the whole backlog.
    assert order.index(("u", 0)) < 150


@pytest.mark.timeout(30)
def test_background_job_waits_for_idleness_after_the_last_normal_job(make_pool):
    pool = make_pool(2)
    times = {}

    def normal(i):
        time.sleep(0.01)
        times[f"n{i}"] = time.monotonic()

    def background():
        times["background"] = time.monotonic()

    background_future = pool.schedule(50, background)
    normal_futures = [pool.submit(normal, i) for i in range(10)]
    background_future.result(timeout=LONG)
    for future in normal_futures:
        future.result(timeout=LONG)
    last_normal_end = max(t for k, t in times.items() if k.startswith("n"))
    assert times["background"] - last_normal_end >= 0.049, times


@pytest.mark.timeout(30)
def test_background_job_counts_from_pool_start_when_nothing_finished():
    start = time.monotonic()
    with ThreadPool(1) as pool:
        started = pool.schedule(100, time.monotonic).result(timeout=LONG)
    assert started - start >= 0.099


@pytest.mark.timeout(30)
def test_background_job_waits_for_urgent_jobs_too(make_pool):
    pool = make_pool(1)
    times = {}

    def urgent():
        time.sleep(0.02)
        times["urgent"] = time.monotonic()

    gate = make_pool.gate(pool)
    background = pool.schedule(40, lambda: times.setdefault("background", time.monotonic()))
    urgent_future = pool.schedule(-1, urgent)
    gate.open()
    background.result(timeout=LONG)
    urgent_future.result(timeout=LONG)
    assert times["background"] - times["urgent"] >= 0.039, times


@pytest.mark.timeout(30)
def test_background_jobs_run_lowest_priority_value_first(make_pool):
    pool = make_pool(1)
    gate = make_pool.gate(pool)
    order = []
    futures = [pool.schedule(p, order.append, p) for p in (30, 10, 25, 5, 20)]
    gate.open()
    for future in futures:
        future.result(timeout=LONG)
    assert order == [5, 10, 20, 25, 30]


def _every_tenth_job_urgent(gated):
    """100 jobs on 4 workers, every tenth urgent: the share of the urgent ones
    among the first ten to finish, and the order they all finished in."""
    pool = ThreadPool(4)
    try:
        gate = Gate(pool, 4) if gated else None
        completions = []

        def task(i):
            # A little work so that the queue does not drain instantly.
            sum(range(2000))
            completions.append(i)

        futures = []
        for i in range(100):
            if i % 10 == 0:
                futures.append(pool.schedule(-10, task, i))
            else:
                futures.append(pool.submit(task, i))
        if gate is not None:
            gate.open()
        for future in futures:
            future.result(timeout=LONG)
        urgent = set(range(0, 100, 10))
        first_ten = completions[:10]
        return len(urgent & set(first_ten)) / len(urgent), completions
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


@pytest.mark.timeout(30)
def test_every_tenth_job_urgent_gated_urgent_jobs_finish_first():
    fraction, completions = _every_tenth_job_urgent(gated=True)
    assert fraction == 1.0, completions
    assert sorted(completions) == list(range(100))


@pytest.mark.timeout(30)
def test_every_tenth_job_urgent_ungated_is_reported(record_property):
    fractions = []
    for _ in range(5):
        fraction, completions = _every_tenth_job_urgent(gated=False)
        assert sorted(completions) == list(range(100))
        fractions.append(fraction)
    record_property("ungated_urgent_in_first_10pct", fractions)
    print(f"\nevery tenth of 100 jobs urgent, without a gate: urgent jobs among the first 10 completions: {fractions}")


@pytest.mark.timeout(30)
def test_schedule_priority_must_be_a_64_bit_int(make_pool):
    pool = make_pool(1)
    for bad in (1.0, -1.5, math.nan, math.inf, -math.inf, "1", None, b"1", [1]):
        with pytest.raises(TypeError):
            pool.schedule(bad, len, "x")
    for huge in (2**63, -(2**63) - 1, 2**100, -(2**100)):
        with pytest.raises(OverflowError):
            pool.schedule(huge, len, "x")
    # The extremes are accepted.
    assert pool.schedule(-(2**63), len, "ab").result(timeout=LONG) == 2
    assert pool.schedule(0, len, "abc").result(timeout=LONG) == 3


@pytest.mark.parametrize(
    "priority",
    [
        2**62,
        2**63 - 1,
        18_446_744_073_710,  # just above 2**64 ns / 10**6: wraps to 0.45 ms if computed modulo 2**64
        10**12,
    ],
)
@pytest.mark.timeout(30)
def test_huge_background_priority_does_not_wrap_around(make_pool, priority):
    # priority ms of idleness: even 10**12 ms is 31 years, so none of these
    # may start while the pool is open.
    pool = make_pool(1)
    started = []
    future = pool.schedule(priority, started.append, priority)
    time.sleep(0.3)
    assert started == [] and not future.done()
    pool.shutdown(wait=True)
    assert started == [priority]


BACKGROUND_SHUTDOWN_RACE_SCRIPT = r"""
from cymade.threadpool import ThreadPool
for i in range(40):
    pool = ThreadPool(1)
    pool.submit(len, "abc").result(timeout=10)     # a normal job just finished
    late = pool.schedule(10**9, len, "abcd")       # background, 11 days of idleness
    pool.shutdown(wait=True)                       # must run it now, not hang
    assert late.result(timeout=0) == 4
print("ALL GOOD", flush=True)
"""


# Regression test: this hung in an intermediate engine revision (worker parked without a deadline
# while closing made a queued background job due).
@pytest.mark.timeout(60)
def test_shutdown_right_after_scheduling_a_background_job_does_not_hang():
    try:
        proc = run_script(BACKGROUND_SHUTDOWN_RACE_SCRIPT, timeout=8)
    except subprocess.TimeoutExpired:
        pytest.fail("the child hung in shutdown(wait=True)")
    assert proc.returncode == 0 and "ALL GOOD" in proc.stdout, (proc.stdout, proc.stderr)


# ---------------------------------------------------------------------------
# map
# ---------------------------------------------------------------------------


@pytest.mark.timeout(30)
def test_map_preserves_order(make_pool):
    pool = make_pool(2)

    def slow_square(x):
        time.sleep(0.001 * (x % 3))
        return x * x

    assert list(pool.map(slow_square, range(100))) == [x * x for x in range(100)]
    assert list(pool.map(slow_square, [])) == []
    assert list(pool.map(str, range(5), chunksize=3)) == ["0", "1", "2", "3", "4"]


@pytest.mark.timeout(30)
def test_map_several_iterables(make_pool):
    pool = make_pool(2)
    assert list(pool.map(pow, [2, 3, 4], [5, 2, 3])) == [32, 9, 64]
    # Stops at the shortest iterable, like map().
    assert list(pool.map(operator.add, range(10), range(3))) == [0, 2, 4]
    assert list(pool.map(lambda a, b, c: a + b + c, "ab", "cd", "ef")) == ["ace", "bdf"]


@pytest.mark.timeout(30)
def test_map_timeout(make_pool):
    pool = make_pool(1)
    gate = make_pool.gate(pool)
    start = time.monotonic()
    ran = []
    results = pool.map(ran.append, [1, 2, 3], timeout=0.05)
    with pytest.raises(TimeoutError):
        next(results)
    assert time.monotonic() - start >= 0.045
    gate.open()
    # The calls not yet started when the timeout hit were cancelled.
    assert pool.submit(len, "").result(timeout=LONG) == 0
    assert ran == []
    assert list(pool.map(lambda x: x, [1, 2, 3], timeout=LONG)) == [1, 2, 3]


@pytest.mark.timeout(30)
def test_map_exceptions_propagate_at_iteration(make_pool):
    pool = make_pool(2)
    results = pool.map(lambda x: 10 // x, [5, 0, 2])
    assert next(results) == 2
    with pytest.raises(ZeroDivisionError):
        next(results)


@pytest.mark.timeout(30)
@pytest.mark.parametrize("finish", ["exception", "close", "drop"])
def test_map_ending_after_next_cancels_jobs_not_reached(make_pool, finish):
    # As Executor.map's generator: once iteration started, an exception, a
    # close() or dropping the iterator ends it, and the jobs not reached
    # that had not started (2 to 4: the one worker is busy with 1, or 1 was
    # cancelled too) never run.
    pool = make_pool(1)
    release = threading.Event()
    ran = []

    def job(x):
        if x == 1:
            release.wait(LONG)
        ran.append(x)
        if finish == "exception" and x == 0:
            raise ZeroDivisionError

    results = pool.map(job, range(5))
    if finish == "exception":
        with pytest.raises(ZeroDivisionError):
            next(results)
    else:
        assert next(results) is None
        if finish == "close":
            results.close()
    if finish == "drop":
        del results
        gc.collect()
    else:
        assert list(results) == []
    release.set()
    assert pool.submit(len, "").result(timeout=LONG) == 0
    assert ran in ([0, 1], [0])


@pytest.mark.timeout(30)
@pytest.mark.parametrize("finish", ["close", "drop"])
def test_map_close_or_drop_before_next_lets_every_job_run(make_pool, finish):
    # Executor.map's generator has not entered its try block before the
    # first next(), so closing or dropping it cancels nothing.
    pool = make_pool(1)
    gate = make_pool.gate(pool)
    ran = []
    results = pool.map(ran.append, range(5))
    if finish == "close":
        results.close()
    else:
        del results
        gc.collect()
    gate.open()
    pool.shutdown(wait=True)
    assert ran == list(range(5))


@pytest.mark.timeout(30)
def test_map_queues_every_job_before_returning(make_pool):
    pool = make_pool(2)
    done = threading.Event()
    calls = []

    def record(x):
        calls.append(x)
        if len(calls) == 50:
            done.set()

    results = pool.map(record, range(50))
    # Nothing iterated: the jobs run anyway, as with Executor.map.
    assert done.wait(LONG)
    assert sorted(calls) == list(range(50))
    assert list(results) == [None] * 50


@pytest.mark.timeout(30)
def test_map_argument_errors(make_pool):
    pool = make_pool(1)
    with pytest.raises(TypeError, match="not iterable"):
        pool.map(abs, 5)
    with pytest.raises(TypeError, match="unexpected keyword argument 'bogus'"):
        pool.map(abs, [1], bogus=1)
    with pytest.raises(TypeError, match="needs a callable"):
        pool.map(None, [1])
    with pytest.raises(TypeError):
        pool.map(abs, [1], timeout="soon")
    with pytest.raises(TypeError):
        pool.map()
    # Executor.map submits nothing for empty input, so nothing is checked.
    assert list(pool.map(None, [])) == []
    assert list(pool.map(abs)) == []
    pool.shutdown()
    with pytest.raises(RuntimeError, match="after shutdown"):
        pool.map(abs, [1])


def test_map_iterable_errors_propagate_and_jobs_queued_so_far_run(make_pool):
    pool = make_pool(2)
    ran = []

    def items():
        yield 1
        yield 2
        raise KeyError("from the iterable")

    with pytest.raises(KeyError, match="from the iterable"):
        pool.map(ran.append, items())
    pool.shutdown(wait=True)
    assert sorted(ran) == [1, 2]


@pytest.mark.timeout(60)
def test_map_across_job_blocks_keeps_order_and_cancels_from_any_point(make_pool):
    # map() keeps its jobs in blocks of 1024 (map_job.c): results cross
    # block boundaries in order, and ending the iteration inside any block
    # cancels exactly the jobs not reached that had not started.
    pool = make_pool(2)
    n = 3 * 1024 + 5
    assert list(pool.map(operator.neg, range(n))) == [-x for x in range(n)]
    assert list(pool.map(operator.add, range(n), range(n))) == [2 * x for x in range(n)]
    for stop in (1, 1023, 1024, 1025, 2048, n - 1):
        gate = make_pool.gate(pool)
        ran = []
        results = pool.map(ran.append, range(n))
        gate.open()
        taken = [next(results) for _ in range(stop)]
        results.close()
        pool.submit(len, "").result(timeout=LONG)
        assert taken == [None] * stop
        # Every job up to the last one taken ran; of the rest, only those a
        # worker had already started.
        assert sorted(ran)[:stop] == list(range(stop)), stop
        assert len(ran) == len(set(ran)) and len(ran) <= n


@pytest.mark.timeout(30)
def test_map_lets_go_of_arguments_and_results(make_pool):
    class Item:
        pass

    pool = make_pool(2)
    arguments = [Item() for _ in range(2500)]
    watched = [weakref.ref(item) for item in arguments]
    results = pool.map(lambda item: Item(), arguments)
    del arguments
    outputs = [weakref.ref(result) for result in itertools.islice(results, 1500)]
    gc.collect()
    # The results handed out are the caller's; the jobs hold nothing of them.
    assert all(ref() is None for ref in outputs)
    assert all(ref() is None for ref in watched[:1500])
    del results
    pool.shutdown(wait=True)
    gc.collect()
    assert all(ref() is None for ref in watched)


@pytest.mark.timeout(30)
def test_map_jobs_cancelled_by_shutdown_raise_cancelled_error(make_pool):
    pool = make_pool(1)
    gate = make_pool.gate(pool)
    results = pool.map(operator.neg, range(10))
    pool.shutdown(wait=False, cancel_futures=True)
    gate.open()
    with pytest.raises(concurrent.futures.CancelledError):
        next(results)
    assert list(results) == []


@pytest.mark.timeout(30)
def test_map_iterator_in_a_reference_cycle_is_collected(make_pool):
    pool = make_pool(2)

    class Holder:
        def itself(self, _):
            return self

    holder = Holder()
    holder.results = pool.map(holder.itself, range(3000))
    # The holder holds the iterator, which holds it back through fn (a
    # method of the holder) and through every result not reached yet.
    pool.shutdown(wait=True)
    watched = weakref.ref(holder)
    del holder
    gc.collect()
    assert watched() is None


@pytest.mark.timeout(30)
def test_map_buffersize_follows_the_running_python(make_pool):
    pool = make_pool(2)
    if sys.version_info >= (3, 14):
        assert list(pool.map(abs, range(-5, 0), buffersize=2)) == [5, 4, 3, 2, 1]
        with pytest.raises(ValueError):
            pool.map(abs, [1], buffersize=0)
    else:
        with pytest.raises(TypeError, match="buffersize"):
            pool.map(abs, [1], buffersize=2)
    assert list(pool.map(abs, [-1], buffersize=None)) == [1]


# ---------------------------------------------------------------------------
# asyncio
# ---------------------------------------------------------------------------


@pytest.mark.timeout(30)
def test_await_future_directly(make_pool):
    pool = make_pool(2)

    async def main():
        direct = await pool.submit(operator.mul, 6, 7)
        many = await asyncio.gather(*(pool.submit(operator.neg, i) for i in range(100)))
        return direct, many

    direct, many = asyncio.run(main())
    assert direct == 42
    assert many == [-i for i in range(100)]


@pytest.mark.timeout(30)
def test_asyncio_wrap_future_and_run_in_executor(make_pool):
    pool = make_pool(2)

    async def main():
        loop = asyncio.get_running_loop()
        wrapped = await asyncio.wrap_future(pool.submit(operator.add, 1, 2))
        ran = await loop.run_in_executor(pool, operator.mul, 3, 4)
        thread = await loop.run_in_executor(pool, threading.get_ident)
        return wrapped, ran, thread

    wrapped, ran, thread = asyncio.run(main())
    assert (wrapped, ran) == (3, 12)
    assert thread != threading.get_ident()


@pytest.mark.timeout(30)
def test_await_a_job_that_raises(make_pool):
    pool = make_pool(2)

    async def main():
        with pytest.raises(ValueError, match="async boom"):
            await pool.submit(raise_value_error, "async boom")
        loop = asyncio.get_running_loop()
        with pytest.raises(ZeroDivisionError):
            await loop.run_in_executor(pool, operator.truediv, 1, 0)
        with pytest.raises(KeyboardInterrupt):
            await pool.submit(_raise_keyboard_interrupt)
        return "ok"

    assert asyncio.run(main()) == "ok"


def _raise_keyboard_interrupt():
    raise KeyboardInterrupt("inside a job")


def test_get_snapshot_reads_the_state_at_one_instant(make_pool):
    # concurrent.futures.Future._get_snapshot (3.15+), which asyncio.wrap_future
    # uses to copy a finished future.
    pool = make_pool(1)
    gate = Gate(pool)
    pending = pool.submit(int)
    cancelled = pool.submit(int)
    assert pending._get_snapshot() == (False, False, None, None)
    assert cancelled.cancel()
    assert cancelled._get_snapshot() == (True, True, None, None)
    gate.open()
    assert pending.result(timeout=LONG) == 0
    assert pending._get_snapshot() == (True, False, 0, None)
    raised = pool.submit(raise_value_error, "snapshot")
    concurrent.futures.wait([raised], timeout=LONG)
    done, was_cancelled, result, exception = raised._get_snapshot()
    assert (done, was_cancelled, result) == (True, False, None)
    assert isinstance(exception, ValueError) and str(exception) == "snapshot"


@pytest.mark.timeout(30)
def test_cancelling_the_awaiting_task_cancels_a_pending_job(make_pool):
    pool = make_pool(1)
    gate = make_pool.gate(pool)
    ran = []
    future = pool.submit(ran.append, "should not run")

    async def main():
        task = asyncio.ensure_future(asyncio.wrap_future(future))
        await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await asyncio.sleep(0)

    asyncio.run(main())
    wait_until(future.cancelled, message="the cymade future to be cancelled")
    gate.open()
    pool.shutdown(wait=True)
    assert ran == []


@pytest.mark.timeout(30)
def test_cancelling_the_future_while_awaited(make_pool):
    pool = make_pool(1)
    gate = make_pool.gate(pool)
    future = pool.submit(lambda: "never")

    async def main():
        loop = asyncio.get_running_loop()
        loop.call_later(0.02, future.cancel)
        with pytest.raises(asyncio.CancelledError):
            await future
        return "ok"

    assert asyncio.run(main()) == "ok"
    assert future.cancelled()
    gate.open()


# ---------------------------------------------------------------------------
# concurrent.futures interoperability
# ---------------------------------------------------------------------------


@pytest.mark.timeout(30)
def test_isinstance_concurrent_futures_future(make_pool):
    pool = make_pool(1)
    future = pool.submit(len, "abc")
    assert isinstance(future, concurrent.futures.Future)
    assert isinstance(pool, concurrent.futures.Executor)
    future.result(timeout=LONG)
    assert "finished" in repr(future)


@pytest.mark.timeout(30)
def test_wait_first_completed_all_completed_and_timeout(make_pool):
    pool = make_pool(2)
    gate = make_pool.gate(pool)
    blocked = gate.futures[0]
    fast = pool.submit(operator.add, 1, 1)
    done, not_done = concurrent.futures.wait([fast, blocked], timeout=LONG, return_when=concurrent.futures.FIRST_COMPLETED)
    assert done == {fast} and not_done == {blocked}
    start = time.monotonic()
    done, not_done = concurrent.futures.wait([blocked], timeout=0.05)
    assert time.monotonic() - start >= 0.045
    assert done == set() and not_done == {blocked}
    # Woken by a completion while waiting.
    threading.Timer(0.05, gate.open, kwargs={"wait": False}).start()
    done, not_done = concurrent.futures.wait([fast, blocked], timeout=LONG, return_when=concurrent.futures.ALL_COMPLETED)
    assert done == {fast, blocked} and not_done == set()


@pytest.mark.timeout(30)
def test_wait_first_exception(make_pool):
    pool = make_pool(2)
    gate = make_pool.gate(pool)
    blocked = gate.futures[0]
    failing = pool.submit(_sleep_then_raise, 0.02)
    done, not_done = concurrent.futures.wait(
        [blocked, failing], timeout=LONG, return_when=concurrent.futures.FIRST_EXCEPTION
    )
    assert done == {failing} and not_done == {blocked}
    # Already-finished and cancelled futures count as done at once.
    gate2 = make_pool.gate(pool)  # now both workers are blocked
    queued = pool.submit(len, "x")
    queued2 = pool.submit(len, "y")
    assert queued.cancel()
    done, not_done = concurrent.futures.wait([failing, queued], timeout=LONG)
    assert done == {failing, queued} and not_done == set()
    gate.open()
    gate2.open()
    done, not_done = concurrent.futures.wait([queued2, blocked], timeout=LONG, return_when=concurrent.futures.FIRST_EXCEPTION)
    assert done == {queued2, blocked}


def _sleep_then_raise(delay):
    time.sleep(delay)
    raise RuntimeError("failed after a delay")


@pytest.mark.timeout(30)
def test_wait_wakes_up_on_cancellation(make_pool):
    pool = make_pool(1)
    gate = make_pool.gate(pool)
    queued = pool.submit(len, "x")
    threading.Timer(0.05, queued.cancel).start()
    done, not_done = concurrent.futures.wait([queued], timeout=LONG, return_when=concurrent.futures.FIRST_COMPLETED)
    assert done == {queued} and queued.cancelled()
    gate.open()


@pytest.mark.timeout(30)
def test_as_completed(make_pool):
    pool = make_pool(2)
    futures = [pool.submit(_sleep_and_return, 0.002 * (i % 4), i) for i in range(30)]
    seen = [f.result() for f in concurrent.futures.as_completed(futures, timeout=LONG)]
    assert sorted(seen) == list(range(30))
    # Already done futures are yielded too.
    assert {f.result() for f in concurrent.futures.as_completed(futures)} == set(range(30))


def _sleep_and_return(delay, value):
    time.sleep(delay)
    return value


@pytest.mark.timeout(30)
def test_as_completed_timeout(make_pool):
    pool = make_pool(2)
    gate = make_pool.gate(pool)
    fast = pool.submit(len, "ab")
    iterator = concurrent.futures.as_completed([gate.futures[0], fast], timeout=0.2)
    assert next(iterator) is fast
    start = time.monotonic()
    with pytest.raises(TimeoutError):
        next(iterator)
    assert time.monotonic() - start >= 0.05
    gate.open()


@pytest.mark.timeout(30)
def test_wait_mixes_cymade_and_stdlib_futures(make_pool):
    pool = make_pool(2)
    gate = make_pool.gate(pool)
    with concurrent.futures.ThreadPoolExecutor(2) as executor:
        stdlib_event = threading.Event()
        stdlib_blocked = executor.submit(stdlib_event.wait, LONG)
        stdlib_fast = executor.submit(len, "abc")
        ours_fast = pool.submit(len, "abcd")
        ours_blocked = gate.futures[0]
        everything = [stdlib_blocked, stdlib_fast, ours_fast, ours_blocked]
        done, not_done = concurrent.futures.wait(everything, timeout=0.1)
        assert done == {stdlib_fast, ours_fast} and not_done == {stdlib_blocked, ours_blocked}
        # Our future completes first.
        threading.Timer(0.05, gate.open, kwargs={"wait": False}).start()
        done, not_done = concurrent.futures.wait(
            [stdlib_blocked, ours_blocked], timeout=LONG, return_when=concurrent.futures.FIRST_COMPLETED
        )
        assert done == {ours_blocked} and not_done == {stdlib_blocked}
        # Then the stdlib one.
        pending_ours = pool.submit(_sleep_and_return, 0.5, "slow")
        threading.Timer(0.05, stdlib_event.set).start()
        done, not_done = concurrent.futures.wait(
            [stdlib_blocked, pending_ours], timeout=LONG, return_when=concurrent.futures.FIRST_COMPLETED
        )
        assert done == {stdlib_blocked}
        done, not_done = concurrent.futures.wait(everything + [pending_ours], timeout=LONG)
        assert not_done == set()
        assert [f.result() for f in concurrent.futures.as_completed(everything, timeout=LONG)] is not None


# ---------------------------------------------------------------------------
# add_done_callback and report_error
# ---------------------------------------------------------------------------


@pytest.mark.timeout(30)
def test_done_callback_called_once_from_the_completing_thread(make_pool):
    pool = make_pool(1)
    gate = make_pool.gate(pool)
    calls = []
    job_thread = []

    def job():
        job_thread.append(threading.get_ident())
        return "value"

    future = pool.submit(job)
    future.add_done_callback(lambda f: calls.append((f, threading.get_ident(), f.done(), f.result())))
    gate.open()
    assert future.result(timeout=LONG) == "value"
    wait_until(lambda: calls, message="the done-callback")
    time.sleep(0.05)
    assert len(calls) == 1
    called_with, thread, was_done, result = calls[0]
    assert called_with is future
    assert thread == job_thread[0] != threading.get_ident()
    assert was_done and result == "value"


@pytest.mark.timeout(30)
def test_done_callback_added_after_completion_runs_at_once_in_the_caller(make_pool):
    pool = make_pool(1)
    future = pool.submit(len, "abc")
    future.result(timeout=LONG)
    calls = []
    future.add_done_callback(lambda f: calls.append((f, threading.get_ident())))
    assert calls == [(future, threading.get_ident())]


@pytest.mark.timeout(30)
def test_done_callbacks_run_in_registration_order(make_pool):
    pool = make_pool(1)
    gate = make_pool.gate(pool)
    order = []
    future = pool.submit(len, "x")
    for i in range(8):
        future.add_done_callback(lambda f, i=i: order.append(i))
    gate.open()
    future.result(timeout=LONG)
    wait_until(lambda: len(order) == 8, message="8 callbacks")
    future.add_done_callback(lambda f: order.append("late"))
    assert order == list(range(8)) + ["late"]


@pytest.mark.timeout(30)
def test_done_callback_on_cancellation(make_pool):
    pool = make_pool(1)
    gate = make_pool.gate(pool)
    calls = []
    future = pool.submit(len, "x")
    future.add_done_callback(lambda f: calls.append((f.cancelled(), threading.get_ident())))
    assert future.cancel()
    wait_until(lambda: calls, message="the callback of a cancelled future")
    assert calls == [(True, threading.get_ident())]
    future.cancel()
    time.sleep(0.02)
    assert len(calls) == 1
    with pytest.raises(TypeError):
        future.add_done_callback(42)
    gate.open()


@pytest.mark.timeout(30)
def test_raising_done_callback_goes_to_report_error(make_pool):
    pool = make_pool(1, cls=RecordingPool)
    gate = make_pool.gate(pool)
    after = []

    def bad_callback(f):
        raise ValueError("callback boom")

    future = pool.submit(len, "abc")
    future.add_done_callback(bad_callback)
    future.add_done_callback(lambda f: after.append(f))
    gate.open()
    assert future.result(timeout=LONG) == 3
    wait_until(lambda: after, message="the callback after the raising one")
    wait_until(lambda: pool.reports, message="report_error")
    assert len(pool.reports) == 1
    reported_future, exception, text, thread = pool.reports[0]
    assert reported_future is future
    assert isinstance(exception, ValueError) and exception.args == ("callback boom",)
    assert "callback boom" in text and "bad_callback" in text
    assert thread != threading.get_ident()
    # Added after completion: reported in the caller's thread, not raised.
    future.add_done_callback(bad_callback)
    assert len(pool.reports) == 2
    assert pool.reports[1][0] is future and pool.reports[1][3] == threading.get_ident()


@pytest.mark.timeout(30)
def test_default_report_error_writes_to_stderr(make_pool, capsys):
    pool = make_pool(1)
    future = pool.submit(len, "abc")
    future.result(timeout=LONG)

    def bad_callback(f):
        raise ValueError("to stderr")

    future.add_done_callback(bad_callback)
    err = capsys.readouterr().err
    assert "ValueError" in err and "to stderr" in err and "cymade.threadpool" in err


@pytest.mark.timeout(30)
def test_unretrieved_job_exception_is_reported_when_the_future_dies(make_pool):
    pool = make_pool(1, cls=RecordingPool)
    future = pool.submit(raise_value_error, "never retrieved")
    wait_until(future.done, message="the failing job")
    future_id = id(future)
    del future
    # report_error receives the (resurrected) future while it is finalized.
    wait_until(lambda: (gc.collect(), pool.reports)[1], message="report_error")
    assert len(pool.reports) == 1
    reported, exception, text, _ = pool.reports[0]
    assert isinstance(reported, Future) and id(reported) == future_id
    assert isinstance(exception, ValueError) and exception.args == ("never retrieved",)
    assert "never retrieved" in text and "raise_value_error" in text


@pytest.mark.timeout(30)
def test_retrieved_or_successful_outcomes_are_not_reported(make_pool):
    pool = make_pool(1, cls=RecordingPool)
    retrieved_by_result = pool.submit(raise_value_error, "seen")
    with pytest.raises(ValueError):
        retrieved_by_result.result(timeout=LONG)
    retrieved_by_exception = pool.submit(raise_value_error, "seen too")
    assert retrieved_by_exception.exception(timeout=LONG) is not None
    fine = pool.submit(len, "x")
    fine.result(timeout=LONG)
    refs = [weakref.ref(f) for f in (retrieved_by_result, retrieved_by_exception, fine)]
    del retrieved_by_result, retrieved_by_exception, fine
    wait_until(lambda: (gc.collect(), all(r() is None for r in refs))[1], message="the futures to be freed")
    assert pool.reports == []


# ---------------------------------------------------------------------------
# initializer, thread names, context manager, uuid
# ---------------------------------------------------------------------------


@pytest.mark.timeout(30)
def test_initializer_runs_once_per_worker_before_jobs():
    initialized = []

    def init(tag, store):
        time.sleep(0.01)
        store.append((tag, threading.get_ident()))

    with ThreadPool(3, initializer=init, initargs=("tag", initialized)) as pool:
        job_threads = [pool.submit(threading.get_ident) for _ in range(200)]
        seen_at_job = [pool.submit(lambda: list(initialized)) for _ in range(20)]
        threads = {f.result(timeout=LONG) for f in job_threads}
        for f in seen_at_job:
            f.result(timeout=LONG)
    init_threads = {ident for _, ident in initialized}
    assert len(initialized) == 3 and len(init_threads) == 3
    assert all(tag == "tag" for tag, _ in initialized)
    assert threads <= init_threads


@pytest.mark.timeout(30)
def test_raising_initializer_breaks_the_pool(make_pool, caplog):
    # As ThreadPoolExecutor: logged at CRITICAL on "concurrent.futures", and
    # every job not yet started fails with BrokenThreadPool.
    def init():
        raise ZeroDivisionError("init failed")

    pool = make_pool(2, cls=RecordingPool, initializer=init)
    early = []

    def try_submit():
        try:
            early.append(pool.submit(len, "x"))
        except BrokenThreadPool:
            return True
        return False

    with caplog.at_level(logging.CRITICAL, logger="concurrent.futures"):
        wait_until(try_submit, message="BrokenThreadPool from submit")
        with pytest.raises(BrokenThreadPool):
            pool.schedule(-1, len, "x")
        with pytest.raises(concurrent.futures.BrokenExecutor):
            pool.submit(len, "x")
        assert pool._broken == "A thread initializer failed, the thread pool is not usable anymore"
        pool.shutdown(wait=True)
    records = [r for r in caplog.records if r.name == "concurrent.futures"]
    assert records and all(r.levelno == logging.CRITICAL for r in records)
    assert records[0].getMessage() == "Exception in initializer:"
    assert isinstance(records[0].exc_info[1], ZeroDivisionError)
    assert "init failed" in str(records[0].exc_info[1])
    assert pool.reports == []  # logged, not reported twice
    assert early, "the first submit ran before the pool broke"
    for f in early:
        assert isinstance(f.exception(timeout=LONG), BrokenThreadPool)


@pytest.mark.timeout(30)
def test_thread_name_prefix_sets_the_os_thread_name(make_pool):
    def comm():
        with open(f"/proc/self/task/{threading.get_native_id()}/comm") as f:
            return f.read().strip()

    pool = make_pool(2, thread_name_prefix="tpx")
    names = {pool.submit(comm).result(timeout=LONG) for _ in range(20)}
    assert names and all(re.fullmatch(r"tpx_[01]", name) for name in names), names
    long_prefix = make_pool(1, thread_name_prefix="averyverylongprefix")
    assert long_prefix.submit(comm).result(timeout=LONG) == "averyvery_0"


@pytest.mark.timeout(30)
def test_context_manager_shuts_down_on_exit():
    with ThreadPool(2) as pool:
        assert isinstance(pool, ThreadPool)
        future = pool.submit(_sleep_and_return, 0.05, "done")
    assert future.done() and future.result() == "done"
    with pytest.raises(RuntimeError):
        pool.submit(len, "x")
    with pytest.raises(KeyError):
        with ThreadPool(1) as pool2:
            future2 = pool2.submit(_sleep_and_return, 0.05, 2)
            raise KeyError("leave the block")
    assert future2.done() and future2.result() == 2
    with pytest.raises(RuntimeError):
        pool2.submit(len, "x")


@pytest.mark.timeout(30)
def test_uuid_is_stable_and_distinct(make_pool):
    pool = make_pool(2)
    futures = [pool.submit(len, "x") for _ in range(100)]
    uuids = [f.uuid for f in futures]
    assert all(isinstance(u, uuid.UUID) for u in uuids)
    assert len(set(uuids)) == 100
    for f, u in zip(futures, uuids):
        f.result(timeout=LONG)
        assert f.uuid == u
    assert futures[0].uuid is futures[0].uuid
    with pytest.raises(AttributeError):
        futures[0].uuid = uuid.uuid4()


@pytest.mark.timeout(30)
def test_futures_take_attributes_like_the_stdlib(make_pool):
    pool = make_pool(1)
    future = pool.submit(len, "x")
    with pytest.raises(AttributeError):
        future.tag
    future.tag = {"request": 7}
    assert future.tag == {"request": 7}
    assert future.__dict__ == {"tag": {"request": 7}}
    assert vars(future) is future.__dict__
    future.__dict__["other"] = 1
    assert future.other == 1
    del future.tag
    with pytest.raises(AttributeError):
        future.tag
    with pytest.raises(AttributeError):
        del future.tag
    future.done = None  # an instance attribute shadows a method, as in the stdlib
    assert future.done is None
    del future.done
    assert future.result(timeout=LONG) == 1 and future.done()


@pytest.mark.timeout(30)
def test_future_attributes_are_collected_with_their_cycles(make_pool):
    pool = make_pool(1)
    future = pool.submit(len, "x")
    future.result(timeout=LONG)
    future.myself = future  # a cycle through the attributes
    ref = weakref.ref(future)
    del future
    gc.collect()
    assert ref() is None


@pytest.mark.timeout(30)
def test_uuid_created_by_racing_threads_is_one_object(make_pool):
    # Future.uuid is created on first use (python/src/lazy_object.h): threads that race
    # to create it must all get the one that was installed.
    pool = make_pool(2)
    futures = [pool.submit(len, "x") for _ in range(200)]
    start = threading.Barrier(8)
    seen = [[] for _ in range(8)]

    def read_all(out):
        start.wait()
        out.extend(f.uuid for f in futures)

    threads = [threading.Thread(target=read_all, args=(out,)) for out in seen]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for column in zip(*seen):
        assert all(u is column[0] for u in column)
    assert len({u for u in seen[0]}) == 200


@pytest.mark.timeout(30)
def test_report_error_that_raises_goes_to_the_unraisable_hook(make_pool, monkeypatch):
    class FailingReportPool(ThreadPool):
        def report_error(self, future, exception, traceback_str):
            raise OSError("report_error itself failed")

    pool = make_pool(1, cls=FailingReportPool)
    unraisable = []
    monkeypatch.setattr(sys, "unraisablehook", lambda info: unraisable.append(info.exc_value))
    future = pool.submit(len, "x")
    future.result(timeout=LONG)
    future.add_done_callback(lambda f: 1 / 0)  # runs now, in this thread
    assert len(unraisable) == 1 and isinstance(unraisable[0], OSError)


@pytest.mark.timeout(30)
def test_done_callbacks_and_jobs_may_submit_more_jobs(make_pool):
    pool = make_pool(2)
    chain = []
    finished = threading.Event()

    def step(n):
        chain.append(n)
        if n < 20:
            pool.submit(step, n + 1).add_done_callback(lambda f: None)
        else:
            finished.set()

    pool.submit(step, 0)
    assert finished.wait(LONG)
    assert chain == list(range(21))
    # A job waiting for another job of the same pool (2 workers: no deadlock).
    assert pool.submit(lambda: pool.submit(operator.add, 2, 3).result(timeout=LONG)).result(timeout=LONG) == 5
    # A done-callback submitting from the completing worker.
    follow_up = []
    future = pool.submit(len, "abc")
    future.add_done_callback(lambda f: follow_up.append(pool.submit(operator.mul, f.result(), 2)))
    future.result(timeout=LONG)
    wait_until(lambda: follow_up, message="the follow-up job")
    assert follow_up[0].result(timeout=LONG) == 6


# Checks, from inside done-callbacks of futures cancelled by shutdown(cancel_futures=True)
# called in a job, that Python code runs with the GIL held.  Run in a subprocess:
# when it does not, the interpreter typically crashes.
CANCEL_FROM_JOB_SCRIPT = r"""
import ctypes, threading
from cymade.threadpool import ThreadPool

gil_checks = []

def gil_held(_future):
    gil_checks.append(ctypes.pythonapi.PyGILState_Check())

for attempt in range(10):
    if "{which}" == "own":
        pool = other = ThreadPool(2)
    else:
        pool, other = ThreadPool(1), ThreadPool(1)
    started = threading.Semaphore(0)
    release, go = threading.Event(), threading.Event()

    def blocker():
        started.release()
        release.wait(10)

    def shutter():
        started.release()
        go.wait(10)
        other.shutdown(wait=False, cancel_futures=True)

    try:
        other.submit(blocker)                # keeps a worker of `other` busy
        assert started.acquire(timeout=10)
        shutting = pool.submit(shutter)      # a job that will shut `other` down
        assert started.acquire(timeout=10)
        queued = [other.submit(len, "x") for _ in range(5)]
        for future in queued:
            future.add_done_callback(gil_held)
        go.set()
        shutting.result(timeout=10)
        assert all(future.cancelled() for future in queued)
    finally:
        go.set()
        release.set()
    pool.shutdown()
    other.shutdown()
assert gil_checks == [1] * 50, gil_checks
print("ALL GOOD", flush=True)
"""


# Regression: cancellations run from a job's shutdown(cancel_futures=True)
# used to reach future_final_fn without the GIL (a stale thread-local flag).
@pytest.mark.timeout(60)
@pytest.mark.parametrize("which", ["own", "other"])
def test_shutdown_cancel_futures_from_a_job_holds_the_gil_in_callbacks(which):
    proc = run_script(CANCEL_FROM_JOB_SCRIPT.replace("{which}", which), timeout=40)
    assert proc.returncode == 0 and "ALL GOOD" in proc.stdout, (proc.returncode, proc.stdout, proc.stderr[-2000:])


@pytest.mark.timeout(30)
def test_shutdown_cancel_futures_from_the_main_thread_holds_the_gil_in_callbacks(make_pool):
    import ctypes

    pool = make_pool(1)
    gate = make_pool.gate(pool)
    checks = []
    queued = [pool.submit(len, "x") for _ in range(5)]
    for future in queued:
        future.add_done_callback(lambda f: checks.append((ctypes.pythonapi.PyGILState_Check(), f.cancelled())))
    pool.shutdown(wait=False, cancel_futures=True)
    assert checks == [(1, True)] * 5
    gate.open()


# ---------------------------------------------------------------------------
# Process-level behaviour (fork, interpreter exit, Ctrl-C), in subprocesses
# ---------------------------------------------------------------------------

FORK_SCRIPT = r"""
import os, sys, time
from cymade.threadpool import ThreadPool

pool = ThreadPool(2)
assert pool.submit(lambda: 1).result(timeout=30) == 1
busy = pool.submit(time.sleep, 0.2)   # a job in flight during the fork
queued = [pool.submit(time.sleep, 0.01) for _ in range(5)]
pid = os.fork()
if pid == 0:
    try:
        pool.submit(lambda: 2)
    except RuntimeError as error:
        assert "fork" in str(error), error
        print("CHILD submit refused", flush=True)
    else:
        print("CHILD submit accepted?!", flush=True)
        sys.exit(3)
    try:
        pool.schedule(-1, lambda: 2)
    except RuntimeError:
        print("CHILD schedule refused", flush=True)
    pool.shutdown()
    pool.shutdown(wait=False, cancel_futures=True)
    print("CHILD shutdown returned", flush=True)
    fresh = ThreadPool(2)
    assert fresh.submit(lambda: 3).result(timeout=30) == 3
    assert list(fresh.map(abs, [-1, -2])) == [1, 2]
    fresh.shutdown()
    print("CHILD fresh pool works", flush=True)
    sys.exit(0)   # a normal exit: atexit handlers and finalization run
_, status = os.waitpid(pid, 0)
print("PARENT child status", os.waitstatus_to_exitcode(status), flush=True)
assert busy.result(timeout=30) is None
assert all(f.result(timeout=30) is None for f in queued)
assert pool.submit(lambda: 4).result(timeout=30) == 4
pool.shutdown()
print("PARENT pool works", flush=True)
"""


@pytest.mark.timeout(60)
def test_fork_child_gets_a_clear_error_and_parent_keeps_working():
    proc = run_script(FORK_SCRIPT, timeout=40)
    out = proc.stdout
    assert proc.returncode == 0, (out, proc.stderr)
    for marker in (
        "CHILD submit refused",
        "CHILD schedule refused",
        "CHILD shutdown returned",
        "CHILD fresh pool works",
        "PARENT child status 0",
        "PARENT pool works",
    ):
        assert marker in out, (out, proc.stderr)


EXIT_SCRIPT = r"""
import os, sys, time
from cymade.threadpool import ThreadPool

pool = ThreadPool(2)
def job(i):
    time.sleep(0.2)
    os.write(1, f"job {i}\n".encode())  # one write: lines from workers do not interleave
for i in range(6):
    pool.submit(job, i)
os.write(1, b"main done\n")
{ending}
"""


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    "ending, expected_code",
    [
        ("", 0),
        ("raise SystemExit(0)", 0),
        ("sys.exit(3)", 3),
        ("del pool", 0),
        ("pool.schedule(-1, job, 'urgent'); pool.schedule(30, job, 'background')", 0),
        ("raise RuntimeError('main thread dies')", 1),
    ],
)
def test_interpreter_exit_with_a_live_pool_runs_every_job(ending, expected_code):
    start = time.monotonic()
    proc = run_script(EXIT_SCRIPT.replace("{ending}", ending), timeout=40)
    assert proc.returncode == expected_code, (proc.stdout, proc.stderr)
    lines = proc.stdout.splitlines()
    assert "main done" in lines
    for i in range(6):
        assert f"job {i}" in lines, (proc.stdout, proc.stderr)
    if "urgent" in ending:
        assert "job urgent" in lines and "job background" in lines
    assert "Fatal" not in proc.stderr and "Segmentation" not in proc.stderr, proc.stderr
    assert time.monotonic() - start < 40


@pytest.mark.timeout(60)
def test_interpreter_exit_with_a_pool_in_a_reference_cycle_and_pending_callbacks():
    script = r"""
import gc, time
from cymade.threadpool import ThreadPool
class Holder: pass
h = Holder()
h.pool = ThreadPool(2)
h.self = h
futures = [h.pool.submit(time.sleep, 0.05) for _ in range(8)]
for f in futures:
    f.add_done_callback(lambda f, h=h: print("callback", flush=True))
del h
print("main done", flush=True)
"""
    proc = run_script(script, timeout=40)
    assert proc.returncode == 0, (proc.stdout, proc.stderr)
    assert proc.stdout.count("callback") == 8, proc.stdout


KEYBOARD_INTERRUPT_SCRIPT = r"""
import threading, time
from cymade.threadpool import ThreadPool

pool = ThreadPool(1)
release = threading.Event()
future = pool.submit(release.wait, 30)
print("READY", flush=True)
try:
    {call}
except KeyboardInterrupt:
    print("INTERRUPTED", flush=True)
else:
    print("NOT INTERRUPTED", flush=True)
release.set()
assert future.result(timeout=30) is True
pool.shutdown()
print("EXITING", flush=True)
"""


@pytest.mark.timeout(60)
@pytest.mark.parametrize("call", ["future.result()", "future.exception()", "future.result(timeout=60)"])
def test_ctrl_c_during_result_raises_keyboard_interrupt_promptly(call):
    proc = popen_script(KEYBOARD_INTERRUPT_SCRIPT.replace("{call}", call))
    try:
        assert proc.stdout.readline().strip() == "READY"
        time.sleep(0.3)
        sent = time.monotonic()
        proc.send_signal(signal.SIGINT)
        line = proc.stdout.readline().strip()
        elapsed = time.monotonic() - sent
        assert line == "INTERRUPTED", (line, proc.stderr.read() if proc.poll() is not None else "")
        assert elapsed < 2.0
        out, err = proc.communicate(timeout=30)
        assert "EXITING" in out, (out, err)
        assert proc.returncode == 0, err
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


# ---------------------------------------------------------------------------
# Reference leaks and GC
# ---------------------------------------------------------------------------


@pytest.mark.timeout(60)
def test_no_reference_or_memory_leaks_over_many_cycles(make_pool):
    pool = make_pool(2)

    def fn(x, key=None):
        return x

    arg = object()
    kwarg = object()
    for _ in range(200):
        pool.submit(fn, arg, key=kwarg).result()
    gc.collect()
    fn_refs, arg_refs, kwarg_refs = sys.getrefcount(fn), sys.getrefcount(arg), sys.getrefcount(kwarg)

    tracemalloc.start()
    try:
        gc.collect()
        before = tracemalloc.get_traced_memory()[0]
        for i in range(20_000):
            if i % 2:
                assert pool.submit(fn, arg).result() is arg
            else:
                assert pool.submit(fn, arg, key=kwarg).result() is arg
        for _ in range(1000):
            pool.schedule(-1, fn, arg).result()
            error = pool.submit(raise_value_error, arg).exception()
            assert error.args[0] is arg
        del error
        for result in pool.map(fn, [arg] * 1000):
            assert result is arg
        del result

        def settled():
            gc.collect()
            return (sys.getrefcount(fn), sys.getrefcount(arg), sys.getrefcount(kwarg)) == (
                fn_refs,
                arg_refs,
                kwarg_refs,
            )

        wait_until(settled, timeout=10, message="reference counts to return to their start values")
        gc.collect()
        growth = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    # 23k futures leaked would be several MB.
    assert growth < 512 * 1024, growth


@pytest.mark.timeout(30)
def test_cancelled_futures_release_their_arguments(make_pool):
    pool = make_pool(1)
    gate = make_pool.gate(pool)

    def fn(x):
        return x

    arg = object()
    start_refs = sys.getrefcount(arg)
    futures = [pool.submit(fn, arg) for _ in range(100)]
    for f in futures:
        assert f.cancel()
    del futures, f
    gate.open()
    wait_until(lambda: (gc.collect(), sys.getrefcount(arg) == start_refs)[1], timeout=10,
               message="cancelled jobs to release their arguments")


@pytest.mark.timeout(30)
def test_future_in_a_cycle_through_its_done_callback_is_collected(make_pool):
    pool = make_pool(1)
    gate = make_pool.gate(pool)

    def make():
        future = pool.submit(len, "abc")
        future.add_done_callback(lambda f: future)  # the closure refers to the future
        return weakref.ref(future)

    ref = make()
    gate.open()
    wait_until(lambda: ref() is None or ref().done(), message="the job")
    wait_until(lambda: (gc.collect(), ref() is None)[1], timeout=10, message="the future to be collected")


@pytest.mark.timeout(30)
def test_future_in_a_cycle_through_its_result_is_collected(make_pool):
    pool = make_pool(1)
    box = []
    future = pool.submit(lambda: box)
    box.append(future)  # future -> result (box) -> future
    assert future.result(timeout=LONG) is box
    ref = weakref.ref(future)
    del future, box
    wait_until(lambda: (gc.collect(), ref() is None)[1], timeout=10, message="the future to be collected")


@pytest.mark.timeout(30)
def test_pending_future_with_a_callback_cycle_survives_until_done(make_pool):
    pool = make_pool(1)
    gate = make_pool.gate(pool)
    calls = []

    def make():
        future = pool.submit(len, "abcd")
        future.add_done_callback(lambda f: calls.append((f is future, f.result())))
        return weakref.ref(future)

    ref = make()
    gc.collect()
    assert ref() is not None  # the pool keeps a pending future alive
    gate.open()
    wait_until(lambda: calls, message="the callback")
    assert calls == [(True, 4)]
    wait_until(lambda: (gc.collect(), ref() is None)[1], timeout=10, message="the future to be collected")


@pytest.mark.timeout(30)
def test_pool_is_collected_after_shutdown_and_when_dropped():
    pool = ThreadPool(2)
    pool.submit(len, "x").result(timeout=LONG)
    pool.shutdown()
    ref = weakref.ref(pool)
    del pool
    gc.collect()
    assert ref() is None
    # Dropped without shutdown: the queued job still completes.
    pool = ThreadPool(2)
    future = pool.submit(_sleep_and_return, 0.05, "ran")
    ref = weakref.ref(pool)
    del pool
    gc.collect()
    assert ref() is None
    assert future.result(timeout=LONG) == "ran"


@pytest.mark.timeout(30)
def test_pool_whose_last_reference_dies_in_its_own_job():
    box = [ThreadPool(1)]
    ref = weakref.ref(box[0])
    release = threading.Event()

    def drop():
        release.wait(LONG)
        box.clear()  # the pool is deallocated on its own worker
        return "dropped"

    future = box[0].submit(drop)
    later = box[0].submit(lambda: "later")
    release.set()
    assert future.result(timeout=LONG) == "dropped"
    assert later.result(timeout=LONG) == "later"
    gc.collect()
    assert ref() is None
