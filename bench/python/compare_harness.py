"""How compare.py measures: interleaved runs and their medians, timed
submit loops and threads, and functions run in a child process of their own.

Nothing here knows which rows exist (compare_rows.py) or how they are shown
(compare_report.py).
"""

import contextlib
import gc
import json
import os
import signal
import statistics
import subprocess
import sys
import threading
from time import perf_counter
from typing import Any, Callable

GATE_TIMEOUT = 30  # s for a pool's gate jobs to start on its idle workers

# The child's whole program: call module.function(*string arguments) and print
# the result as JSON on the last line (whatever the function prints comes first).
CHILD_PROGRAM = (
    "import importlib, json, sys; "
    "print(json.dumps(getattr(importlib.import_module(sys.argv[1]), sys.argv[2])(*sys.argv[3:])))"
)


def median_runs(variants: dict[str, Callable[[], Any]], repeats: int) -> tuple[dict[str, float], dict[str, list]]:
    """Run every variant ``repeats`` times, interleaved, rotating which side
    goes first each round, with gc.collect() before each run, so that noise
    from the machine falls on every side alike.

    A variant returns its measurement, or ``(measurement, observation)``.
    Returns ``{name: median}`` and ``{name: [observations]}``.
    """
    names = list(variants)
    values = {name: [] for name in names}
    observed = {name: [] for name in names}
    for round_no in range(repeats):
        start = round_no % len(names)
        for name in names[start:] + names[:start]:
            gc.collect()
            result = variants[name]()
            value, seen = result if isinstance(result, tuple) else (result, None)
            values[name].append(value)
            observed[name].append(seen)
    return {name: statistics.median(v) for name, v in values.items()}, observed


@contextlib.contextmanager
def running_pool(pool_class, workers: int, cancel: bool = False):
    """A pool that is always shut down (waiting; cancelling pending jobs if
    ``cancel``) when the block ends, so a failed run leaves no threads behind.
    shutdown() is idempotent on both pools."""
    pool = pool_class(workers)
    try:
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=cancel)


def block_workers(pool, workers: int) -> threading.Event:
    """Occupy every worker with a job waiting on a gate; returns the gate
    (a threading.Event) once all of them are running.  RuntimeError if they
    do not all start within GATE_TIMEOUT seconds (idle workers not woken)."""
    gate = threading.Event()
    started = threading.Semaphore(0)

    def hold():
        started.release()
        gate.wait()

    for _ in range(workers):
        pool.submit(hold)
    for k in range(workers):
        if not started.acquire(timeout=GATE_TIMEOUT):
            gate.set()
            raise RuntimeError(f"{type(pool).__name__}: only {k} of {workers} gate jobs started within {GATE_TIMEOUT} s")
    return gate


def submit_loop(pool, fn, n: int, *args):
    """Submit fn(*args) n times, keeping only the last future."""
    submit = pool.submit
    future = None
    for _ in range(n):
        future = submit(fn, *args)
    return future


def submit_all_wait_all(pool_class, fn, args, workers: int) -> float:
    """Seconds to submit fn(a) for every a in args and collect every result
    (the pool is created before and shut down after the timed part)."""
    with running_pool(pool_class, workers) as pool:
        submit = pool.submit
        t0 = perf_counter()
        futures = [submit(fn, a) for a in args]
        for future in futures:
            future.result()
        return perf_counter() - t0


def run_in_threads(n_threads: int, body: Callable[[], None]) -> float:
    """Seconds for n_threads threads each running body(), from a shared
    start barrier to the last join; body runs inline for one thread."""
    if n_threads == 1:
        t0 = perf_counter()
        body()
        return perf_counter() - t0
    barrier = threading.Barrier(n_threads + 1)

    def worker():
        barrier.wait()
        body()

    threads = [threading.Thread(target=worker) for _ in range(n_threads)]
    for thread in threads:
        thread.start()
    barrier.wait()
    t0 = perf_counter()
    for thread in threads:
        thread.join()
    return perf_counter() - t0


def vm_rss_bytes() -> int:
    """This process's resident set size from /proc/self/status."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def call_in_child(module: str, function: str, *args: str, timeout: float) -> Any:
    """``module.function(*args)`` in a fresh interpreter with this sys.path,
    so that a crash, a hang or a process-wide measurement (RSS) stays its own;
    returns what the function returned, through JSON.  A child that fails,
    dies or outlives ``timeout`` seconds raises RuntimeError naming the exit
    status, signal or timeout and the end of its stderr."""
    call = f"{module}.{function}({', '.join(args)})"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    try:
        child = subprocess.run(
            [sys.executable, "-c", CHILD_PROGRAM, module, function, *args],
            env=env, capture_output=True, text=True, timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"child {call} hung: killed after {timeout} s") from None
    if child.returncode != 0:
        status = (f"killed by {signal.Signals(-child.returncode).name}" if child.returncode < 0
                  else f"exit status {child.returncode}")
        tail = " | ".join(child.stderr.strip().splitlines()[-3:])
        raise RuntimeError(f"child {call} {status}" + (f": {tail}" if tail else ""))
    return json.loads(child.stdout.strip().splitlines()[-1])
