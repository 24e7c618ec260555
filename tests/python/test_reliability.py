"""Fault injection and bad input for cymade.threadpool and cymade.atomic.

Every test checks the exception type, its message, and that the object's
state is unchanged afterwards (pool stats(), atomic values).
"""

import math
import os
import subprocess
import sys
import textwrap
import threading
import time

import pytest

from cymade.atomic import I64, U64, Float, Int
from cymade.threadpool import Future, ThreadPool

LONG = 30.0


def wait_until(predicate, timeout=LONG, message="condition"):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {message}")
        time.sleep(0.002)


class RecordingPool(ThreadPool):
    """report_error overridden to record (future, exception, traceback_str)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.reported = []

    def report_error(self, future, exception, traceback_str):
        self.reported.append((future, exception, traceback_str))


@pytest.fixture
def pool():
    p = RecordingPool(2)
    yield p
    p.shutdown(wait=True, cancel_futures=True)
    assert p.reported == [], f"unexpected report_error calls: {p.reported}"


class Blocker:
    """`count` jobs that each block a worker on an Event until release()."""

    def __init__(self, pool, count=1):
        self.event = threading.Event()
        self.started = threading.Semaphore(0)
        self.futures = [pool.submit(self._run) for _ in range(count)]
        for _ in range(count):
            assert self.started.acquire(timeout=LONG), "blocking jobs did not start"

    def _run(self):
        self.started.release()
        assert self.event.wait(LONG)
        return "released"

    def release(self):
        self.event.set()
        for f in self.futures:
            assert f.result(timeout=LONG) == "released"


def idle_stats(pool):
    """stats() once the pool is idle (nothing queued or running)."""
    wait_until(lambda: pool.stats()["queued"] == 0 and pool.stats()["running"] == 0, message="idle pool")
    return pool.stats()


def run_child(script, timeout=60):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


class JobError(Exception):
    pass


# --------------------------------------------------------------------------
# Jobs that raise, block, or call back into the pool
# --------------------------------------------------------------------------


def test_raising_job_does_not_kill_workers(pool):
    def boom(i):
        raise JobError(f"job {i} failed")

    futures = [pool.submit(boom, i) for i in range(50)]
    for i, f in enumerate(futures):
        with pytest.raises(JobError, match=f"^job {i} failed$"):
            f.result(timeout=LONG)
        exc = f.exception(timeout=0)
        assert type(exc) is JobError and str(exc) == f"job {i} failed"
        assert exc.__traceback__ is not None
        assert f.done() and not f.cancelled()
    # Both workers are still alive: two blocking jobs run at the same time.
    b = Blocker(pool, 2)
    b.release()
    assert pool.submit(lambda: "alive").result(timeout=LONG) == "alive"
    s = idle_stats(pool)
    assert s["workers"] == 2
    assert s["completed"] == 50 + 2 + 1


def test_blocked_job_other_worker_keeps_going_and_pending_can_be_cancelled():
    with RecordingPool(2) as p:
        b = Blocker(p, 1)
        try:
            assert p.submit(lambda: 1).result(timeout=LONG) == 1  # the other worker
            b2 = Blocker(p, 1)  # now both are blocked
            try:
                queued = p.submit(lambda: "never")
                assert not queued.running() and not queued.done()
                assert queued.cancel() is True
                assert queued.cancelled()
                with pytest.raises(TimeoutError):
                    b.futures[0].result(timeout=0.01)
            finally:
                b2.release()
        finally:
            b.release()
        assert p.reported == []


def test_submit_from_inside_a_job(pool):
    def outer():
        inner = pool.submit(lambda a, b: a + b, 1, 2)
        return inner

    inner = pool.submit(outer).result(timeout=LONG)
    assert isinstance(inner, Future)
    assert inner.result(timeout=LONG) == 3


def test_result_of_another_future_inside_a_job_with_free_workers(pool):
    def outer():
        inner = pool.submit(lambda: 21)
        return inner.result(timeout=LONG) * 2

    assert pool.submit(outer).result(timeout=LONG) == 42
    # Also a job waiting on a future submitted earlier by the caller.
    ev = threading.Event()
    first = pool.submit(lambda: ev.wait(LONG) and "first")
    second = pool.submit(lambda: first.result(timeout=LONG) + " seen")
    ev.set()
    assert second.result(timeout=LONG) == "first seen"


def test_shutdown_wait_false_from_inside_a_job():
    p = RecordingPool(2)
    ev = threading.Event()
    blocked = p.submit(lambda: ev.wait(LONG) and "blocked")
    queued = []

    def job():
        queued.append(p.submit(lambda: "queued before shutdown"))
        p.shutdown(wait=False)
        return "shut"

    f = p.submit(job)
    assert f.result(timeout=LONG) == "shut"
    with pytest.raises(RuntimeError, match="^cannot schedule new futures after shutdown$"):
        p.submit(lambda: 1)
    ev.set()
    p.shutdown(wait=True)  # idempotent, waits for what was accepted
    assert blocked.result(timeout=0) == "blocked"
    assert queued[0].result(timeout=0) == "queued before shutdown"
    assert p.reported == []


def test_shutdown_wait_true_from_inside_a_job_raises_instead_of_deadlocking(pool):
    def job():
        pool.shutdown(wait=True)

    f = pool.submit(job)
    exc = f.exception(timeout=LONG)
    assert type(exc) is RuntimeError
    assert str(exc) == (
        "shutdown(wait=True) called from one of the pool's own workers would wait for itself;"
        " use shutdown(wait=False) there"
    )
    # The pool was not shut down: it still accepts and runs jobs.
    assert pool.submit(lambda: "still open").result(timeout=LONG) == "still open"
    assert idle_stats(pool)["workers"] == 2


def test_shutdown_wait_true_with_cancel_futures_from_inside_a_job(pool):
    f = pool.submit(lambda: pool.shutdown(wait=True, cancel_futures=True))
    exc = f.exception(timeout=LONG)
    assert type(exc) is RuntimeError and "would wait for itself" in str(exc)
    assert pool.submit(lambda: 5).result(timeout=LONG) == 5


def test_huge_background_priority_runs_at_shutdown():
    # A background job whose delay is centuries must not hang shutdown(wait=True):
    # once the pool closes, it runs at once.
    p = RecordingPool(1)
    f = p.schedule(2**63 - 1, lambda: "late")
    time.sleep(0.05)
    assert not f.done()
    t0 = time.monotonic()
    p.shutdown(wait=True)
    assert time.monotonic() - t0 < 5
    assert f.result(timeout=0) == "late"


# --------------------------------------------------------------------------
# Done-callbacks that raise
# --------------------------------------------------------------------------


def test_raising_done_callback_is_reported_and_others_still_run():
    p = RecordingPool(1)
    try:
        ev = threading.Event()
        f = p.submit(lambda: ev.wait(LONG) and 7)
        calls = []

        def bad1(fut):
            calls.append("bad1")
            raise ValueError("callback one failed")

        def good(fut):
            calls.append(("good", fut.result(timeout=0)))

        def bad2(fut):
            calls.append("bad2")
            raise KeyError("two")

        f.add_done_callback(bad1)
        f.add_done_callback(good)
        f.add_done_callback(bad2)
        ev.set()
        assert f.result(timeout=LONG) == 7
        wait_until(lambda: len(p.reported) == 2, message="two report_error calls")
        assert calls == ["bad1", ("good", 7), "bad2"]
        (fut1, exc1, tb1), (fut2, exc2, tb2) = p.reported
        assert fut1 is f and fut2 is f
        assert type(exc1) is ValueError and str(exc1) == "callback one failed"
        assert type(exc2) is KeyError and exc2.args == ("two",)
        assert "ValueError: callback one failed" in tb1 and "bad1" in tb1
        assert "KeyError: 'two'" in tb2
        # The future is unaffected.
        assert f.result(timeout=0) == 7 and f.exception(timeout=0) is None
        assert f.done() and not f.cancelled()

        # On a future that is already done: called at once, reported at once.
        p.reported.clear()
        f.add_done_callback(bad1)
        assert len(p.reported) == 1 and str(p.reported[0][1]) == "callback one failed"
        assert f.result(timeout=0) == 7
        # And the pool keeps working.
        assert p.submit(lambda: 8).result(timeout=LONG) == 8
    finally:
        p.shutdown()


def test_raising_callback_on_cancelled_future_is_reported():
    p = RecordingPool(1)
    try:
        b = Blocker(p, 1)
        f = p.submit(lambda: "never")
        seen = []

        def bad(fut):
            seen.append(fut.cancelled())
            raise RuntimeError("cb on cancel")

        f.add_done_callback(bad)
        assert f.cancel() is True
        assert seen == [True]
        assert len(p.reported) == 1
        assert p.reported[0][0] is f and str(p.reported[0][1]) == "cb on cancel"
        assert f.cancelled()
        b.release()
    finally:
        p.shutdown()


def test_report_error_that_itself_raises_does_not_break_the_pool():
    class BadReporter(ThreadPool):
        def report_error(self, future, exception, traceback_str):
            raise OSError("reporter broken")

    script = """
        import sys, threading
        from cymade.threadpool import ThreadPool
        class BadReporter(ThreadPool):
            def report_error(self, future, exception, traceback_str):
                raise OSError("reporter broken")
        p = BadReporter(1)
        f = p.submit(lambda: 3)
        f.result(timeout=30)
        def cb(fut):
            raise ValueError("cb")
        f.add_done_callback(cb)
        print("RESULT", f.result(timeout=0), p.submit(lambda: 4).result(timeout=30))
        p.shutdown()
    """
    r = run_child(script)
    assert r.returncode == 0, r.stderr
    assert "RESULT 3 4" in r.stdout
    # The failure of report_error itself goes to sys.unraisablehook (stderr).
    assert "OSError: reporter broken" in r.stderr
    del BadReporter


# --------------------------------------------------------------------------
# result() interrupted by a signal
# --------------------------------------------------------------------------


def test_signal_handler_exception_interrupts_result_promptly():
    script = """
        import signal, threading, time
        from cymade.threadpool import ThreadPool
        class Alarm(Exception):
            pass
        def handler(signum, frame):
            raise Alarm("alarm fired")
        signal.signal(signal.SIGALRM, handler)
        ev = threading.Event()
        p = ThreadPool(1)
        f = p.submit(lambda: ev.wait(60) and "done")
        signal.setitimer(signal.ITIMER_REAL, 0.2)
        t0 = time.monotonic()
        try:
            f.result(timeout=30)
            print("NOT RAISED")
        except Alarm as e:
            print("RAISED", type(e).__name__, e, "%.3f" % (time.monotonic() - t0))
        print("STATE", f.done(), f.cancelled())
        ev.set()
        print("RESULT", f.result(timeout=30))
        p.shutdown()
    """
    r = run_child(script)
    assert r.returncode == 0, r.stderr
    lines = dict(line.split(" ", 1) for line in r.stdout.splitlines())
    kind, message, elapsed = lines["RAISED"].rsplit(" ", 2)[0], None, float(lines["RAISED"].rsplit(" ", 1)[1])
    assert lines["RAISED"].startswith("Alarm alarm fired ")
    assert 0.15 <= elapsed < 1.5, f"result() took {elapsed} s to notice the signal"
    assert lines["STATE"] == "False False"  # the future is untouched by the interruption
    assert lines["RESULT"] == "done"


def test_signal_handler_that_returns_does_not_disturb_result():
    script = """
        import signal, time
        from cymade.threadpool import ThreadPool
        fired = []
        def handler(signum, frame):
            fired.append(time.monotonic())
        signal.signal(signal.SIGALRM, handler)
        p = ThreadPool(1)
        f = p.submit(lambda: time.sleep(0.8) or 42)
        signal.setitimer(signal.ITIMER_REAL, 0.1, 0.1)
        t0 = time.monotonic()
        v = f.result(timeout=30)
        elapsed = time.monotonic() - t0
        signal.setitimer(signal.ITIMER_REAL, 0)
        print("RESULT", v, len(fired), "%.3f" % elapsed)
        p.shutdown()
    """
    r = run_child(script)
    assert r.returncode == 0, r.stderr
    _, value, fired, elapsed = r.stdout.split()
    assert value == "42"
    assert int(fired) >= 3, "the handler should have run several times during the wait"
    assert 0.5 < float(elapsed) < 5


def test_signal_handler_exception_interrupts_result_with_timeout_and_exception():
    # Same with exception(timeout) and a long timeout given.
    script = """
        import signal, threading, time
        from cymade.threadpool import ThreadPool
        def handler(signum, frame):
            raise InterruptedError("from handler")
        signal.signal(signal.SIGALRM, handler)
        ev = threading.Event()
        p = ThreadPool(1)
        f = p.submit(ev.wait, 60)
        signal.setitimer(signal.ITIMER_REAL, 0.1)
        t0 = time.monotonic()
        try:
            f.exception(timeout=1e9)
        except InterruptedError as e:
            print("RAISED", e, "%.3f" % (time.monotonic() - t0))
        ev.set()
        print("EXC", f.exception(timeout=30))
        p.shutdown()
    """
    r = run_child(script)
    assert r.returncode == 0, r.stderr
    out = r.stdout.splitlines()
    assert out[0].startswith("RAISED from handler ") and float(out[0].split()[-1]) < 1.5
    assert out[1] == "EXC None"


# --------------------------------------------------------------------------
# Non-callable jobs and bad priorities
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call,message",
    [
        (lambda p: p.submit(5), "submit() needs a callable, not int"),
        (lambda p: p.submit(None), "submit() needs a callable, not NoneType"),
        (lambda p: p.submit("print"), "submit() needs a callable, not str"),
        (lambda p: p.schedule(0, None), "schedule() needs a callable, not NoneType"),
        (lambda p: p.schedule(-1, 5), "schedule() needs a callable, not int"),
        (lambda p: p.schedule(3, [print]), "schedule() needs a callable, not list"),
        (lambda p: p.submit(), "submit() missing the callable to run"),
        (lambda p: p.schedule(), "schedule() missing the priority and the callable to run"),
        (lambda p: p.schedule(0), "schedule() missing the callable to run"),
    ],
)
def test_non_callable_jobs_raise_type_error_and_leave_stats_unchanged(pool, call, message):
    assert pool.submit(lambda: 1).result(timeout=LONG) == 1
    before = idle_stats(pool)
    with pytest.raises(TypeError) as info:
        call(pool)
    assert str(info.value) == message
    assert idle_stats(pool) == before
    assert pool.submit(lambda: 2).result(timeout=LONG) == 2


@pytest.mark.parametrize(
    "priority,exc,message",
    [
        (1.0, TypeError, "priority must be an int, not float"),
        (-0.5, TypeError, "priority must be an int, not float"),
        (math.nan, TypeError, "priority must be an int, not float"),
        (math.inf, TypeError, "priority must be an int, not float"),
        (-math.inf, TypeError, "priority must be an int, not float"),
        ("1", TypeError, "priority must be an int, not str"),
        (None, TypeError, "priority must be an int, not NoneType"),
        (1 + 0j, TypeError, "priority must be an int, not complex"),
        (2**70, OverflowError, "priority must fit in 64 bits"),
        (-(2**70), OverflowError, "priority must fit in 64 bits"),
        (2**63, OverflowError, "priority must fit in 64 bits"),
        (-(2**63) - 1, OverflowError, "priority must fit in 64 bits"),
    ],
)
def test_bad_priorities(pool, priority, exc, message):
    ran = []
    before = idle_stats(pool)
    with pytest.raises(exc) as info:
        pool.schedule(priority, ran.append, 1)
    assert type(info.value) is exc
    assert str(info.value) == message
    time.sleep(0.01)
    assert ran == []
    assert idle_stats(pool) == before


def test_bool_priority_is_an_int():
    """Decision: bool is an int subclass, so True is accepted as priority 1
    (background, 1 ms) and False as 0 (normal), like any int."""
    with RecordingPool(1) as p:
        assert p.schedule(True, lambda: "bg").result(timeout=LONG) == "bg"
        assert p.schedule(False, lambda: "normal").result(timeout=LONG) == "normal"
        # Extreme in-range priorities are accepted too.
        assert p.schedule(-(2**63), lambda: "most urgent").result(timeout=LONG) == "most urgent"


def test_index_objects_are_not_priorities(pool):
    """Only real ints: an object with __index__ is rejected (like floats)."""

    class Idx:
        def __index__(self):
            return 1

    with pytest.raises(TypeError, match="^priority must be an int, not Idx$"):
        pool.schedule(Idx(), print)


# --------------------------------------------------------------------------
# Timeouts
# --------------------------------------------------------------------------


@pytest.mark.parametrize("timeout", [-1, -0.001, -1e300, 0, -math.inf])
def test_negative_timeouts_behave_like_zero(pool, timeout):
    b = Blocker(pool, 2)
    try:
        f = pool.submit(lambda: "x")
        for method in (f.result, f.exception):
            t0 = time.monotonic()
            with pytest.raises(TimeoutError) as info:
                method(timeout=timeout)
            assert type(info.value) is TimeoutError
            assert time.monotonic() - t0 < 0.5
        assert not f.done() and not f.cancelled()
    finally:
        b.release()
    assert f.result(timeout=LONG) == "x"
    # On a done future a negative timeout returns at once.
    assert f.result(timeout=-5) == "x" and f.exception(timeout=-5) is None


def test_nan_timeout_is_a_value_error(pool):
    b = Blocker(pool, 2)
    try:
        f = pool.submit(lambda: "x")
        for method in (f.result, f.exception):
            with pytest.raises(ValueError) as info:
                method(timeout=math.nan)
            assert str(info.value) == "timeout must not be NaN"
            with pytest.raises(TypeError):
                method(timeout="1")
        assert not f.done()
    finally:
        b.release()
    assert f.result(timeout=LONG) == "x"


def test_wait_on_cancelled_future_with_bad_timeouts():
    with RecordingPool(1) as p:
        b = Blocker(p, 1)
        f = p.submit(lambda: 1)
        assert f.cancel()
        from concurrent.futures import CancelledError

        for t in (-1, 0, None, 5):
            with pytest.raises(CancelledError):
                f.result(timeout=t)
        b.release()


# --------------------------------------------------------------------------
# max_workers
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value,exc,message",
    [
        (10**6, ValueError, "max_workers must be at most 1024"),
        (1025, ValueError, "max_workers must be at most 1024"),
        (2**100, ValueError, "max_workers must be at most 1024"),
        (2**63, ValueError, "max_workers must be at most 1024"),
        (0, ValueError, "max_workers must be greater than 0"),
        (-1, ValueError, "max_workers must be greater than 0"),
        (-(2**63), ValueError, "max_workers must be greater than 0"),
        ("4", TypeError, "max_workers must be an int or None, not str"),
        (4.0, TypeError, "max_workers must be an int or None, not float"),
        (math.nan, TypeError, "max_workers must be an int or None, not float"),
    ],
)
def test_bad_max_workers(value, exc, message):
    with pytest.raises(exc) as info:
        ThreadPool(value)
    assert type(info.value) is exc
    assert str(info.value) == message
    with pytest.raises(exc):
        ThreadPool(max_workers=value)


# Regression: the overflow of -(2**100) used to be reported as "at most 1024".
def test_hugely_negative_max_workers_message():
    with pytest.raises(ValueError, match="^max_workers must be greater than 0$"):
        ThreadPool(-(2**100))


def test_max_workers_limits_and_bool():
    with ThreadPool(1024) as p:
        assert p.stats()["workers"] == 1024
        assert p.submit(lambda: 1).result(timeout=LONG) == 1
    # bool is an int: True is one worker, False is 0 workers.
    with ThreadPool(True) as p:
        assert p.stats()["workers"] == 1
    with pytest.raises(ValueError, match="^max_workers must be greater than 0$"):
        ThreadPool(False)


def test_bad_initializer():
    with pytest.raises(TypeError, match="^initializer must be a callable$"):
        ThreadPool(1, initializer=5)
    with pytest.raises(TypeError):
        ThreadPool(1, initializer=print, initargs=[1])


# --------------------------------------------------------------------------
# Atomics given bad values
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make,exc,fragment",
    [
        (lambda: U64(1.5), TypeError, "float"),
        (lambda: U64("1"), TypeError, "str"),
        (lambda: U64(None), TypeError, "NoneType"),
        (lambda: U64(2**64), OverflowError, "U64 value must be <= 2**64-1"),
        (lambda: U64(10**100), OverflowError, "U64 value must be <= 2**64-1"),
        (lambda: U64(-1), ValueError, "U64 value must be >= 0"),
        (lambda: U64(-(2**100)), ValueError, "U64 value must be >= 0"),
        (lambda: I64(2**63), OverflowError, "I64 value must be in [-2**63, 2**63-1]"),
        (lambda: I64(-(2**63) - 1), OverflowError, "I64 value must be in [-2**63, 2**63-1]"),
        (lambda: I64(1.0), TypeError, "float"),
        (lambda: I64("x"), TypeError, "str"),
        (lambda: Int(0.5), TypeError, "float"),
        (lambda: Int(None), TypeError, "NoneType"),
        (lambda: Float("1.0"), TypeError, "str"),
        (lambda: Float(None), TypeError, "NoneType"),
        (lambda: Float(10**400), OverflowError, "too large"),
        (lambda: U64(on_zero=5), TypeError, "U64() on_zero must be callable or None, not 'int'"),
        (lambda: U64(0, "x"), TypeError, "U64() on_zero must be callable or None, not 'str'"),
        (lambda: U64(1, on_zero=[]), TypeError, "U64() on_zero must be callable or None, not 'list'"),
    ],
)
def test_atomic_constructor_errors(make, exc, fragment):
    with pytest.raises(exc) as info:
        make()
    assert type(info.value) is exc
    assert fragment in str(info.value)


def test_atomic_edge_values_accepted():
    assert U64(2**64 - 1).load() == 2**64 - 1
    assert U64(True).load() == 1
    assert I64(-(2**63)).load() == -(2**63)
    assert I64(2**63 - 1).load() == 2**63 - 1
    assert Int(10**100).load() == 10**100
    assert Int(-(10**100)).load() == -(10**100)
    x = Int(10**100)
    x += 10**100
    assert x == 2 * 10**100
    assert math.isnan(Float(math.nan).load())
    assert Float(-0.0).load() == 0.0 and math.copysign(1, Float(-0.0).load()) == -1


BAD_OPERANDS = [1.5, "1", None, b"1", [1], 1j]


@pytest.mark.parametrize("kind,init", [(U64, 7), (I64, -7), (Int, 10**30)])
@pytest.mark.parametrize("bad", BAD_OPERANDS, ids=repr)
def test_integer_atomics_reject_bad_operands_and_keep_value(kind, init, bad):
    x = kind(init)
    calls = []
    for name, action in [
        ("store", lambda: x.store(bad)),
        ("exchange", lambda: x.exchange(bad)),
        ("fetch_add", lambda: x.fetch_add(bad)),
        ("fetch_sub", lambda: x.fetch_sub(bad)),
        ("compare_exchange", lambda: x.compare_exchange(init, bad)),
    ]:
        with pytest.raises(TypeError) as info:
            action()
        assert type(bad).__name__ in str(info.value), (name, str(info.value))
        assert x.load() == init, name
    for op in ("+=", "-=", "*=", "//=", "%=", "**=", "<<=", ">>=", "&=", "|=", "^="):
        y = x
        with pytest.raises(TypeError) as info:
            exec(f"y {op} bad", {}, {"y": y, "bad": bad})
        assert "unsupported operand type" in str(info.value) or type(bad).__name__ in str(info.value)
        assert x.load() == init, op
    assert calls == []


@pytest.mark.parametrize("bad", ["1", None, b"1", [1], 1j], ids=repr)
def test_float_atomic_rejects_bad_operands_and_keeps_value(bad):
    x = Float(2.5)
    for action in (lambda: x.store(bad), lambda: x.exchange(bad), lambda: x.fetch_add(bad)):
        with pytest.raises(TypeError):
            action()
        assert x.load() == 2.5
    for op in ("+=", "-=", "*=", "/=", "//=", "%=", "**="):
        with pytest.raises(TypeError):
            exec(f"y {op} bad", {}, {"y": x, "bad": bad})
        assert x.load() == 2.5


@pytest.mark.parametrize(
    "kind,init,action,exc,fragment",
    [
        (U64, 5, lambda x: x.store(2**64), OverflowError, "2**64-1"),
        (U64, 5, lambda x: x.store(-1), ValueError, ">= 0"),
        (U64, 5, lambda x: x.exchange(2**64), OverflowError, "2**64-1"),
        (U64, 5, lambda x: x.exchange(-1), ValueError, ">= 0"),
        (U64, 5, lambda x: x.compare_exchange(5, 2**64), OverflowError, "2**64-1"),
        (U64, 5, lambda x: x.compare_exchange(5, -1), ValueError, ">= 0"),
        (U64, 5, lambda x: x.fetch_sub(6), ValueError, "negative"),
        (U64, 5, lambda x: x.fetch_add(2**64), OverflowError, "out of range"),
        (U64, 2**64 - 1, lambda x: x.fetch_add(1), OverflowError, "out of range"),
        (I64, 5, lambda x: x.store(2**63), OverflowError, "I64"),
        (I64, 5, lambda x: x.store(-(2**63) - 1), OverflowError, "I64"),
        (I64, 2**63 - 1, lambda x: x.fetch_add(1), OverflowError, "out of range"),
        (I64, -(2**63), lambda x: x.fetch_sub(1), OverflowError, "out of range"),
        (I64, 5, lambda x: x.fetch_add(2**64), OverflowError, "out of range"),
        (Int, 5, lambda x: x.store(1.0), TypeError, "float"),
    ],
)
def test_atomic_range_errors_keep_value(kind, init, action, exc, fragment):
    x = kind(init)
    with pytest.raises(exc) as info:
        action(x)
    assert type(info.value) is exc
    assert fragment in str(info.value), str(info.value)
    assert x.load() == init


def test_compare_exchange_with_out_of_range_expected_never_matches():
    x = U64(5)
    assert x.compare_exchange(-1, 3) is False
    assert x.compare_exchange(2**64 + 5, 3) is False
    assert x.load() == 5
    y = I64(5)
    assert y.compare_exchange(2**63, 3) is False
    assert y.load() == 5


def test_on_zero_not_called_by_failed_operations():
    calls = []
    x = U64(1, on_zero=lambda: calls.append(1))
    with pytest.raises(ValueError):
        x -= 2
    with pytest.raises(TypeError):
        x -= 1.0
    with pytest.raises(ZeroDivisionError):
        x //= 0
    assert calls == [] and x.load() == 1
    x -= 1
    assert calls == [1] and x.load() == 0


# --------------------------------------------------------------------------
# MemoryError
# --------------------------------------------------------------------------


# CPython's own fault-injection hook, _testcapi.set_nomemory(start, stop), makes
# every allocation after the `start`-th one fail (in all threads) until
# remove_mem_hooks().  Each case runs in a subprocess (a crash must not take
# the test run down) and sweeps `start` so that every allocation of the
# operation fails once.  The engine's own allocation failures are covered in
# tests/core with an allocator injected through cymade_set_allocator.

MEMORY_SWEEP = """
    import sys, _testcapi
    from cymade.threadpool import ThreadPool
    from cymade.atomic import Int, U64

    class P(ThreadPool):
        def report_error(self, future, exception, tb):
            pass

    p = P(1)
    p.submit(int).result(timeout=10)
    ops = {
        "int_imul": lambda s: s.__setitem__("x", s["x"].__imul__(10**30)),
        "int_store_big": lambda s: s["x"].store(10**40),
        "u64_fetch_add": lambda s: s["u"].fetch_add(1),
        "submit": lambda s: s.__setitem__("f", p.submit(pow, 2, 10)),
        "schedule": lambda s: s.__setitem__("f", p.schedule(-1, pow, 2, 10)),
        # The callback exists before the sweep: CPython 3.13.0 itself crashes
        # when creating a function fails for lack of memory.
        "add_done_callback": lambda s: s["g"].add_done_callback(s["callback"]),
        "map": lambda s: s.__setitem__("m", list(p.map(abs, [1, -2]))),
    }
    counts = {}
    for name, op in ops.items():
        for start in range(0, 60):
            s = {"x": Int(10**30), "u": U64(5), "g": p.submit(int), "callback": lambda f: None}
            s["g"].result(timeout=10)
            outcome = "ok"
            _testcapi.set_nomemory(start, 0)
            try:
                op(s)
            except MemoryError:
                outcome = "MemoryError"
            except BaseException as e:
                outcome = e
            finally:
                _testcapi.remove_mem_hooks()
            if outcome not in ("ok", "MemoryError"):
                print("UNEXPECTED", name, start, repr(outcome))
            if outcome == "MemoryError":
                # Unchanged state after a failed operation.
                assert s["x"].load() == 10**30 and s["u"].load() == 5, (name, start)
            else:
                assert s["x"].load() in (10**30, 10**60, 10**40) and s["u"].load() in (5, 6), (name, start)
            if "f" in s:
                assert s["f"].result(timeout=10) == 1024, (name, start)
            if "m" in s:
                assert s["m"] == [1, 2], (name, start)
            assert p.submit(lambda: 7).result(timeout=10) == 7, (name, start)
            key = outcome if isinstance(outcome, str) else "other"
            counts.setdefault(name, {}).setdefault(key, 0)
            counts[name][key] += 1
    p.shutdown()
    print("COUNTS", counts)
"""


def test_memory_error_leaves_state_unchanged_and_pool_working():
    pytest.importorskip("_testcapi")
    r = run_child(MEMORY_SWEEP, timeout=120)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    assert "UNEXPECTED" not in r.stdout
    counts = eval(r.stdout.split("COUNTS ", 1)[1])
    # Every operation was made to fail at least once by the sweep, except two
    # that may allocate nothing: the U64 one when its result is a cached small
    # int, and add_done_callback where the interpreter's free lists supply its
    # list (3.14).
    for name, c in counts.items():
        if name not in ("u64_fetch_add", "add_done_callback"):
            assert c.get("MemoryError", 0) >= 1, (name, c)


def test_memory_error_while_creating_a_pool_or_submitting_does_not_crash():
    # Every allocation from the Nth on fails, in ThreadPool() (which starts
    # no thread) and in a submit to a pool whose worker runs: MemoryError,
    # or a pool that still runs the job.  Not swept: an allocation failing
    # while threading starts a worker thread, where CPython's own
    # Thread.start() may wait forever for a thread that died before it
    # signalled (ThreadPoolExecutor hangs there too); the engine's handling
    # of a worker that cannot start is tested in tests/core/pool_test.cc.
    pytest.importorskip("_testcapi")
    script = """
        import sys, _testcapi
        from cymade.threadpool import ThreadPool
        p = ThreadPool(1); p.submit(int).result(timeout=10)
        q = future = None
        _testcapi.set_nomemory(int(sys.argv[1]), 0)
        try:
            q = ThreadPool(1)
        except MemoryError:
            pass
        try:
            future = p.submit(int)
        except MemoryError:
            pass
        finally:
            _testcapi.remove_mem_hooks()
        if future is not None:
            assert future.result(timeout=10) == 0
        if q is not None:
            assert q.submit(int).result(timeout=10) == 0
            q.shutdown()
        p.shutdown()
    """
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    crashes = []
    for start in range(0, 40):
        r = subprocess.run(
            [sys.executable, "-c", textwrap.dedent(script), str(start)],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        if r.returncode != 0:
            crashes.append((start, r.returncode, r.stderr[-800:]))
    assert crashes == []


# --------------------------------------------------------------------------
# Found by the soak: shutdown(wait=True) can hang forever
# --------------------------------------------------------------------------


# Regression: a worker that parked while another still held a background job
# was never woken to exit once that job was done (now every exiting worker
# wakes the others, core/src/worker.c, wait_for_job).
def test_shutdown_after_mixed_priorities_never_hangs():
    script = """
        import os, random, threading, time
        from cymade.threadpool import ThreadPool
        deadline = time.monotonic() + 40
        rounds = 0
        while time.monotonic() < deadline and rounds < 2000:
            n = random.randint(2, 8)
            p = ThreadPool(n)
            for _ in range(random.randint(1, 3 * n)):
                p.schedule(-random.randint(1, 5), time.sleep, random.choice((0, 0.0005, 0.002)))
            for _ in range(random.randint(0, 5)):
                p.submit(time.sleep, 0.0005)
            for _ in range(random.randint(0, 3)):
                p.schedule(random.randint(1, 3), int)
            time.sleep(random.choice((0, 0.001, 0.003)))
            def hung(rounds=rounds, n=n):
                print("HANG in round", rounds, "with", n, "workers", flush=True)
                os._exit(3)
            t = threading.Timer(10, hung)
            t.start()
            p.shutdown(wait=True)
            t.cancel()
            rounds += 1
        print("no hang in", rounds, "rounds")
    """
    r = run_child(script, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr[-2000:]
