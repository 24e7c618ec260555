"""ThreadPool as a drop-in for concurrent.futures.ThreadPoolExecutor.

Workers are threading.Thread objects (names, threading.local, logging,
trace/profile hooks, coverage.py), the pool is asyncio's default executor,
shutdown from any thread never deadlocks, dropping a pool never blocks, and
concurrent.futures.wait()/as_completed() are exact under any interleaving.
"""

import asyncio
import concurrent.futures
import gc
import logging
import operator
import re
import sys
import textwrap
import threading
import time
import weakref
from concurrent.futures import ALL_COMPLETED, FIRST_COMPLETED
from concurrent.futures._base import FINISHED, RUNNING

import pytest

from cymade.threadpool import ThreadPool
from threadpool_helpers import LONG, Gate, make_pool, run_script, wait_until  # noqa: F401 (fixture)

# ---------------------------------------------------------------------------
# Workers are ordinary threads, started as jobs need them
# ---------------------------------------------------------------------------


def test_a_threadpool_is_a_threadpoolexecutor():
    with ThreadPool(1) as pool:
        assert isinstance(pool, concurrent.futures.ThreadPoolExecutor)
        assert isinstance(pool, concurrent.futures.Executor)


@pytest.mark.timeout(30)
def test_workers_start_as_jobs_need_them():
    # A large max_workers costs nothing until used: no thread before the
    # first submit, and one per job that finds no idle worker.
    before = threading.active_count()
    with ThreadPool(1000) as pool:
        assert pool.stats()["started_workers"] == 0
        assert len(pool._threads) == 0
        assert threading.active_count() == before
        assert pool.submit(lambda: 1).result(timeout=LONG) == 1
        assert pool.stats()["started_workers"] == 1
        gate = Gate(pool, 3)  # three jobs blocking at once need three workers
        assert 3 <= pool.stats()["started_workers"] <= 4
        gate.open()
        assert pool.stats()["started_workers"] <= 4


@pytest.mark.timeout(60)
def test_one_job_at_a_time_reuses_the_idle_worker():
    # As the stdlib's test_idle_thread_reuse, many times over: a worker that
    # went idle is counted on by the next submit, even when it is still
    # spinning and pops the job before that submit returns (the engine
    # claims the idle worker before queuing, core/src/pool.c).
    with ThreadPool(4) as pool:
        for i in range(2000):
            assert pool.submit(operator.mul, i, 2).result(timeout=LONG) == 2 * i
        assert len(pool._threads) == 1
        assert pool.stats()["started_workers"] == 1


@pytest.mark.timeout(30)
def test_workers_are_threading_threads_named_like_the_stdlib(make_pool):
    def who():
        thread = threading.current_thread()
        return thread.name, type(thread), thread in threading.enumerate()

    pool = make_pool(3, thread_name_prefix="jobs")
    names = set()
    for name, cls, listed in (pool.submit(who).result(timeout=LONG) for _ in range(10)):
        assert cls is threading.Thread and listed
        names.add(name)
    assert names <= {"jobs_0", "jobs_1", "jobs_2"}
    assert {t.name for t in pool._threads} >= names
    default = make_pool(1)
    name = default.submit(lambda: threading.current_thread().name).result(timeout=LONG)
    assert re.fullmatch(r"ThreadPoolExecutor-\d+_0", name), name


@pytest.mark.timeout(30)
def test_threading_local_is_per_worker(make_pool):
    local = threading.local()

    def mark(gate):
        local.value = threading.current_thread().name
        gate.wait()
        return local.value == threading.current_thread().name

    pool = make_pool(2)
    gate = threading.Barrier(2)
    assert all(f.result(timeout=LONG) for f in [pool.submit(mark, gate) for _ in range(2)])
    assert not hasattr(local, "value")


@pytest.mark.timeout(30)
def test_logging_thread_name_is_the_worker_name(make_pool, caplog):
    pool = make_pool(1, thread_name_prefix="logged")
    with caplog.at_level(logging.INFO, logger="cymade.test"):
        pool.submit(logging.getLogger("cymade.test").info, "from a job").result(timeout=LONG)
    (record,) = [r for r in caplog.records if r.getMessage() == "from a job"]
    assert record.threadName == "logged_0"


@pytest.mark.timeout(30)
def test_job_exceptions_do_not_reach_threading_excepthook(make_pool, monkeypatch):
    hooked = []
    monkeypatch.setattr(threading, "excepthook", hooked.append)
    pool = make_pool(1)
    future = pool.submit(operator.truediv, 1, 0)
    assert isinstance(future.exception(timeout=LONG), ZeroDivisionError)
    pool.shutdown(wait=True)
    assert hooked == []


@pytest.mark.timeout(60)
def test_no_worker_thread_is_listed_after_shutdown():
    # Workers are real threads: shutdown(wait=True) joins them, so none stays
    # in threading.enumerate() (no stale _DummyThread entries either).
    for _ in range(20):
        pool = ThreadPool(3)
        for f in [pool.submit(threading.current_thread) for _ in range(30)]:
            assert not isinstance(f.result(timeout=LONG), threading._DummyThread)
        workers = set(pool._threads)
        pool.shutdown(wait=True)
        assert workers and not workers & set(threading.enumerate())
        assert not any(isinstance(t, threading._DummyThread) for t in threading.enumerate())




@pytest.mark.timeout(30)
def test_trace_and_profile_hooks_reach_jobs():
    def job_function():
        return sum(range(3))

    traced, profiled = [], []

    def tracer(frame, event, arg):
        if frame.f_code is job_function.__code__:
            traced.append(event)
        return tracer

    def profiler(frame, event, arg):
        if frame.f_code is job_function.__code__:
            profiled.append(event)

    threading.settrace(tracer)
    threading.setprofile(profiler)
    try:
        with ThreadPool(2) as pool:
            assert pool.submit(job_function).result(timeout=LONG) == 3
    finally:
        threading.settrace(None)
        threading.setprofile(None)
    assert "call" in traced and "line" in traced and "return" in traced
    assert profiled[:1] == ["call"] and "return" in profiled


@pytest.mark.timeout(60)
def test_cprofile_sees_jobs():
    result = run_script(
        """
        import cProfile, pstats, sys, threading
        from cymade.threadpool import ThreadPool

        def job_function(n):
            return sum(range(n))

        profiles = []

        def start_profiling(*args):
            profile = cProfile.Profile()
            profiles.append(profile)
            profile.enable()

        if sys.version_info >= (3, 12):
            # cProfile is built on sys.monitoring: one profiler sees every thread.
            start_profiling()
        else:
            # One profiler per worker, started by threading.setprofile's hook as
            # each worker starts: how ThreadPoolExecutor jobs get profiled.
            threading.setprofile(start_profiling)
        with ThreadPool(2) as pool:
            for f in [pool.submit(job_function, 100) for _ in range(50)]:
                f.result()
        threading.setprofile(None)
        calls = 0
        for profile in profiles:
            profile.disable()
            stats = pstats.Stats(profile)
            calls += sum(v[1] for k, v in stats.stats.items() if k[2] == "job_function")
        print("job_function calls", calls)
        """
    )
    assert result.returncode == 0, result.stderr
    assert "job_function calls 50" in result.stdout, result.stdout


@pytest.mark.timeout(120)
def test_coverage_measures_lines_run_in_jobs(tmp_path):
    pytest.importorskip("coverage")
    module = tmp_path / "measured_jobs.py"
    module.write_text(
        textwrap.dedent(
            """
            def job(x):
                if x > 0:
                    y = x * 2
                else:
                    y = -x
                return y
            """
        )
    )
    result = run_script(
        f"""
        import sys
        sys.path.insert(0, {str(tmp_path)!r})
        import coverage
        cov = coverage.Coverage(data_file=None, include=[{str(module)!r}])
        cov.start()
        import measured_jobs
        from cymade.threadpool import ThreadPool
        with ThreadPool(2) as pool:
            assert pool.submit(measured_jobs.job, 3).result() == 6
        cov.stop()
        _, statements, _, missing, _ = cov.analysis2({str(module)!r})
        print("statements", statements)
        print("missing", missing)
        """,
        timeout=100,
    )
    assert result.returncode == 0, result.stderr
    statements = eval(re.search(r"statements (\[.*\])", result.stdout).group(1))
    missing = eval(re.search(r"missing (\[.*\])", result.stdout).group(1))
    # Only the else branch (line 6: y = -x) never ran; the lines of job()
    # that ran on a worker are measured.
    assert 3 in statements and 4 in statements and 7 in statements
    assert missing == [6], result.stdout


# ---------------------------------------------------------------------------
# asyncio's default executor
# ---------------------------------------------------------------------------


@pytest.mark.timeout(60)
def test_asyncio_default_executor_runs_to_thread_on_the_pool():
    pool = ThreadPool(3, thread_name_prefix="aio")

    async def main():
        loop = asyncio.get_running_loop()
        loop.set_default_executor(pool)
        names = await asyncio.gather(*(asyncio.to_thread(lambda: threading.current_thread().name) for _ in range(20)))
        via_run_in_executor = await loop.run_in_executor(None, operator.mul, 6, 7)
        await loop.shutdown_default_executor()
        return names, via_run_in_executor

    names, product = asyncio.run(main())
    assert product == 42
    assert names and all(re.fullmatch(r"aio_[0-2]", name) for name in names), names
    with pytest.raises(RuntimeError):
        pool.submit(len, "x")  # shutdown_default_executor shut it down


# ---------------------------------------------------------------------------
# Shutdown from anywhere, concurrently, never deadlocks
# ---------------------------------------------------------------------------


@pytest.mark.timeout(30)
def test_job_calling_shutdown_while_another_thread_waits_in_shutdown():
    pool = ThreadPool(2)
    release = threading.Event()

    def stop_the_pool():
        release.wait(LONG)
        pool.shutdown(wait=False)  # e.g. a job stopping on a fatal error
        return "stopped"

    future = pool.submit(stop_the_pool)
    threading.Timer(0.2, release.set).start()
    pool.shutdown(wait=True)  # holds no lock that the job needs
    assert future.result(timeout=LONG) == "stopped"


@pytest.mark.timeout(30)
def test_shutdown_without_waiting_does_not_wait_for_a_waiting_shutdown():
    pool = ThreadPool(1)
    gate = Gate(pool)
    waiter = threading.Thread(target=pool.shutdown, kwargs={"wait": True})
    waiter.start()
    wait_until(lambda: pool.stats()["queued"] == 0 and waiter.is_alive(), message="the waiting shutdown")
    started = time.monotonic()
    pool.shutdown(wait=False)
    pool.shutdown(wait=False, cancel_futures=True)
    assert time.monotonic() - started < LONG / 2
    assert waiter.is_alive()  # still waiting for the gate job
    gate.open()
    waiter.join(LONG)
    assert not waiter.is_alive()


@pytest.mark.timeout(30)
def test_initializer_shutting_the_pool_down_does_not_deadlock():
    holder = {}

    def init():
        holder["pool"].shutdown(wait=False)

    holder["pool"] = pool = ThreadPool(2, initializer=init)
    try:
        future = pool.submit(len, "ab")
    except RuntimeError:
        future = None
    pool.shutdown(wait=True)
    assert future is None or future.result(timeout=LONG) == 2


@pytest.mark.timeout(30)
def test_failing_initializer_with_a_waiting_shutdown_does_not_deadlock():
    entered = threading.Event()

    def init():
        entered.set()
        time.sleep(0.2)  # the main thread is in shutdown(wait=True) by now
        raise ValueError("init failed")

    pool = ThreadPool(1, initializer=init)
    future = pool.submit(len, "x")
    entered.wait(LONG)
    pool.shutdown(wait=True)
    assert isinstance(future.exception(timeout=LONG), concurrent.futures.thread.BrokenThreadPool)


@pytest.mark.timeout(30)
def test_shutdown_with_wait_from_a_job_is_refused_not_deadlocked():
    with ThreadPool(1) as pool:
        future = pool.submit(lambda: pool.shutdown(wait=True))
        with pytest.raises(RuntimeError):
            future.result(timeout=LONG)


@pytest.mark.timeout(30)
def test_cancel_futures_on_a_new_pool_cancels_what_did_not_start():
    # A pool whose first worker has not taken the GIL yet still honours
    # cancel_futures: nothing started is cancelled, everything else ran.
    for _ in range(20):
        pool = ThreadPool(1)
        futures = [pool.submit(time.sleep, 0.001) for _ in range(50)]
        pool.shutdown(wait=True, cancel_futures=True)
        assert all(f.done() for f in futures)
        assert any(f.cancelled() for f in futures)


# ---------------------------------------------------------------------------
# Dropping a pool never blocks
# ---------------------------------------------------------------------------


@pytest.mark.timeout(30)
def test_dropping_the_last_reference_does_not_wait_for_queued_jobs():
    pool = ThreadPool(1)
    release = threading.Event()
    future = pool.submit(release.wait, LONG)
    later = pool.submit(len, "abc")
    workers = list(pool._threads)
    ref = weakref.ref(pool)
    started = time.monotonic()
    del pool
    assert ref() is None
    assert time.monotonic() - started < LONG / 2
    release.set()  # would deadlock if the drop had waited for the job
    assert future.result(timeout=LONG) is True
    assert later.result(timeout=LONG) == 3  # the workers finish the queue on their own
    for worker in workers:
        worker.join(LONG)
        assert not worker.is_alive()


@pytest.mark.timeout(30)
def test_collecting_a_pool_in_a_cycle_does_not_wait():
    pool = ThreadPool(1)
    pool.myself = pool  # a cycle: only the GC frees it
    release = threading.Event()
    future = pool.submit(release.wait, LONG)
    ref = weakref.ref(pool)
    del pool
    started = time.monotonic()
    gc.collect()
    assert ref() is None
    assert time.monotonic() - started < LONG / 2
    release.set()
    assert future.result(timeout=LONG) is True


@pytest.mark.timeout(30)
def test_a_job_dropping_the_last_reference_to_its_pool():
    holder = {"pool": ThreadPool(1)}
    future = holder["pool"].submit(lambda: holder.clear() or "dropped")
    assert future.result(timeout=LONG) == "dropped"


# ---------------------------------------------------------------------------
# wait() and as_completed() are exact
# ---------------------------------------------------------------------------


@pytest.mark.timeout(30)
def test_state_change_and_waiter_notification_are_one_step(make_pool):
    # A job that finishes while its _condition is held (as wait() holds it)
    # must not show FINISHED before it has notified its waiters: wait()
    # would count it as done and then be notified of it again.
    pool = make_pool(1)
    release = threading.Event()
    future = pool.submit(release.wait, LONG)
    wait_until(future.running, message="the job to start")
    with future._condition:
        release.set()
        wait_until(future.done, message="the job to finish")
        assert future._state == RUNNING
        time.sleep(0.05)
        assert future._state == RUNNING
    wait_until(lambda: future._state == FINISHED, message="the state to be published")


@pytest.mark.timeout(30)
def test_cancelled_state_is_published_with_the_notification(make_pool):
    pool = make_pool(1)
    gate = make_pool.gate(pool)
    future = pool.submit(len, "x")
    waiter = concurrent.futures.wait([future], timeout=0)  # creates the condition
    assert future in waiter.not_done
    assert future.cancel()
    assert future._state == "CANCELLED_AND_NOTIFIED"
    gate.open()


@pytest.mark.timeout(120)
def test_wait_and_as_completed_are_exact_under_fast_switching(make_pool):
    # Before the state and the notification were one step, this failed a few
    # times per thousand rounds: wait(ALL_COMPLETED) returned with futures
    # still pending, and as_completed() raised KeyError.
    pool = make_pool(4)
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        deadline = time.monotonic() + 20
        rounds = 0
        while rounds < 3000 and time.monotonic() < deadline:
            futures = [pool.submit(operator.mul, i, i) for i in range(8)]
            if rounds % 2:
                done, not_done = concurrent.futures.wait(futures, timeout=LONG, return_when=ALL_COMPLETED)
                assert not not_done and len(done) == 8
            else:
                seen = list(concurrent.futures.as_completed(futures, timeout=LONG))
                assert sorted(map(id, seen)) == sorted(map(id, futures))
            first = concurrent.futures.wait(futures, timeout=LONG, return_when=FIRST_COMPLETED)
            assert first.done
            rounds += 1
    finally:
        sys.setswitchinterval(interval)
    assert rounds >= 200


# ---------------------------------------------------------------------------
# Exit and starvation
# ---------------------------------------------------------------------------


@pytest.mark.timeout(60)
def test_no_noise_at_interpreter_exit():
    result = run_script(
        """
        import threading
        from cymade.threadpool import ThreadPool

        pool = ThreadPool(2)
        failed = pool.submit(lambda: 1 / 0)   # never retrieved
        kept = pool.submit(len, "abc")
        kept.tag = "alive at exit"
        dropped = ThreadPool(1)
        dropped.submit(len, "x")
        del dropped
        failed.exception()
        failed_again = pool.submit(lambda: 1 / 0)
        """
    )
    assert result.returncode == 0, result.stderr
    assert "ImportError" not in result.stderr and "Exception ignored" not in result.stderr, result.stderr


@pytest.mark.timeout(60)
def test_a_self_resubmitting_job_does_not_starve_other_threads():
    # A job that keeps resubmitting itself holds a worker busy forever; other
    # threads must still get the GIL at CPython's usual switch rate.
    with ThreadPool(1) as pool:
        stop = threading.Event()

        def resubmit():
            if not stop.is_set():
                pool.submit(resubmit)

        pool.submit(resubmit)
        for _ in range(100):
            thread = threading.Thread(target=time.sleep, args=(0,))
            thread.start()
            thread.join()
        stop.set()
