"""Helpers for the ThreadPool tests: gates that block pool workers, a pool fixture, polling, subprocesses."""

import os
import subprocess
import sys
import textwrap
import threading
import time

import pytest

# Every blocking wait in the helpers gives up after this long, so that a
# broken pool fails a test instead of hanging the suite.
LONG = 30.0


class Gate:
    """Blocks `count` workers of `pool` until open() is called.

    The gate jobs are normal jobs; the constructor returns only once all of
    them are running, i.e. once `count` workers are busy.
    """

    def __init__(self, pool, count=1):
        self._event = threading.Event()
        self._started = threading.Semaphore(0)
        self.futures = [pool.submit(self._block) for _ in range(count)]
        for _ in range(count):
            if not self._started.acquire(timeout=LONG):
                self._event.set()
                raise AssertionError("the gate jobs did not all start")

    def _block(self):
        self._started.release()
        if not self._event.wait(LONG):
            raise AssertionError("gate never opened")
        return "gate"

    @property
    def is_open(self):
        return self._event.is_set()

    def open(self, wait=True):
        self._event.set()
        if wait:
            for future in self.futures:
                assert future.result(timeout=LONG) == "gate"


def wait_until(predicate, timeout=LONG, interval=0.005, message="condition"):
    """Polls `predicate` until it is true; fails the test after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {message}")
        time.sleep(interval)


def child_env():
    """The environment for a child interpreter that imports the same cymade."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    env["PYTHONUNBUFFERED"] = "1"
    env.pop("PYTHONWARNINGS", None)
    return env


def run_script(script, timeout=30.0):
    """Runs `script` (dedented) in a fresh interpreter; returns CompletedProcess."""
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def popen_script(script):
    """Starts `script` (dedented) in a fresh interpreter with piped stdout/stderr."""
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(script)],
        env=child_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture
def make_pool():
    """make_pool(*args, cls=ThreadPool, **kwargs): pools shut down (cancelling) at teardown.

    Also gate(pool, count) for gates that are opened at teardown, so that a
    failing test never leaves a pool blocked.
    """
    pools, gates = [], []

    from cymade.threadpool import ThreadPool

    def make(*args, cls=ThreadPool, **kwargs):
        pool = cls(*args, **kwargs)
        pools.append(pool)
        return pool

    def gate(pool, count=1):
        g = Gate(pool, count)
        gates.append(g)
        return g

    make.gate = gate
    yield make
    for g in gates:
        g.open(wait=False)
    for pool in pools:
        pool.shutdown(wait=True, cancel_futures=True)
