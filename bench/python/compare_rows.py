"""The rows of compare.py's table: what each one measures, its stable id and
displayed number, the sizes it runs at, and the project's performance targets.

- Thread-pool rows: ``cymade.threadpool.ThreadPool(WORKERS)`` vs
  ``concurrent.futures.ThreadPoolExecutor(WORKERS)`` unless the row says
  otherwise.
- Atomics rows: a ``cymade.atomic`` value vs a Python int/float guarded by a
  ``threading.Lock``, plus an unguarded int/float as a reference column (not
  thread-safe: it may lose updates).

A row's id names it everywhere (TARGETS, ``--only``, its child process); its
number is what the table shows, and stays the same when rows are added, so
tables from different runs (bench/out/, bench/results/) line up.
"""

import asyncio
import concurrent.futures
import gc
import math
import statistics
import threading
import time
from dataclasses import asdict, dataclass, field
from time import perf_counter
from typing import Callable

from cymade import atomic
from cymade.threadpool import ThreadPool

from compare_harness import (
    block_workers,
    call_in_child,
    median_runs,
    run_in_threads,
    running_pool,
    submit_all_wait_all,
    submit_loop,
    vm_rss_bytes,
)

WORKERS = 4
POOLS = {"cymade": ThreadPool, "baseline": concurrent.futures.ThreadPoolExecutor}
RSS_TIMEOUT = 300  # s for one RSS child process
ROW_TIMEOUT = {"quick": 600, "full": 2400}  # s for one row's child process

# The project's performance targets: the least ratio (baseline/cymade, in
# "how much better is cymade" terms; see Row.ratio) each row must reach, by
# row id.  Rows without an entry have no target.
TARGETS = {
    "submit_tiny": 33,
    "submit_and_run": 40,
    "short_jobs": 32,
    "first_result": 3,
    "map_tiny": 40,
    "rss_per_pending_job": 3,  # cymade's RSS per pending job <= 1/3 of ThreadPoolExecutor's
}


@dataclass(frozen=True)
class Sizes:
    """The counts one mode uses; every row prints the ones it ran with."""

    repeats: int
    submit: int  # submit_tiny, submit_sleeping, submit_and_run: jobs submitted; map_tiny: items
    fib: int  # cpu_fib: fib(20) jobs
    io: int  # io_sleep, mixed_fib_sleep: jobs
    short: int  # short_jobs: jobs
    priority: int  # priority_urgent_share: jobs
    first_samples: int  # first_result: submit->result samples per run
    throughput: int  # throughput: no-op jobs; to_thread: calls
    scale: int  # scaling_*: math.sqrt jobs per worker count
    rss: int  # rss_per_pending_job: pending jobs
    incr: int  # u64_add_1_thread, float_add_1_thread: single-thread operations
    incr_4: int  # u64_add_4_threads, float_add_4_threads: operations per thread
    incr_20: int  # u64_add_20_threads: operations per thread
    on_zero: int  # u64_on_zero: start value counted down to 0


FULL = Sizes(
    repeats=5, submit=1_000_000, fib=1000, io=100, short=10_000, priority=100,
    first_samples=500, throughput=10_000, scale=1000, rss=1_000_000,
    incr=1_000_000, incr_4=250_000, incr_20=100_000, on_zero=100_000,
)
# Quick: only the slow rows shrink (1M submits -> 100k, 1000 fib -> 200); the
# cheap rows keep the full sizes, which are short already and far less noisy.
QUICK = Sizes(
    repeats=5, submit=100_000, fib=200, io=100, short=10_000, priority=100,
    first_samples=200, throughput=10_000, scale=1000, rss=100_000,
    incr=1_000_000, incr_4=250_000, incr_20=100_000, on_zero=100_000,
)
SIZES = {"quick": QUICK, "full": FULL}


@dataclass
class Row:
    """One line of the table.  ``unit`` says how the values read:
    "s" (median seconds), "tasks/s", "B/task" (lower is better) or "%"
    (no ratio: the row reports two percentages)."""

    bench: str
    size: str
    unit: str  # or "error": the row could not be measured (see notes)
    cymade: float | None
    baseline: float | None
    plain: float | None = None
    target: float | None = None
    notes: list[str] = field(default_factory=list)
    check_failed: bool = False
    number: str = ""  # RowDefinition.number

    @property
    def ratio(self):
        """baseline/cymade in "how much better is cymade" terms, or None."""
        if self.unit in ("%", "error"):
            return None
        if self.unit == "tasks/s":
            return self.cymade / self.baseline
        return self.baseline / self.cymade

    @property
    def missed(self):
        """True when the row has a target and its ratio falls short of it."""
        return self.target is not None and self.ratio < self.target


# --------------------------------------------------------------------------
# Jobs


def noop(_=None):
    """The cheapest job."""


def short_task(_=None):
    """A short job: a few hundred nanoseconds of Python."""
    return sum(range(10))


def fib(n):
    """Pure-Python CPU work (fib(20): ~22k calls)."""
    return n if n < 2 else fib(n - 1) + fib(n - 2)


def mixed_task(i):
    """Even i: fib(20) (CPU); odd i: sleep 10 ms (I/O)."""
    return fib(20) if i % 2 == 0 else time.sleep(0.01)


# --------------------------------------------------------------------------
# Thread-pool rows


def compare_pools(run, repeats):
    """Medians of ``run(pool_class)`` for cymade's ThreadPool and for
    ThreadPoolExecutor: ``(cymade, baseline)``."""
    medians, _ = median_runs({name: (lambda cls=cls: run(cls)) for name, cls in POOLS.items()}, repeats)
    return medians["cymade"], medians["baseline"]


def pool_row(bench, size, run, sz, unit="s", count=None):
    """A thread-pool row from ``run(pool_class) -> seconds``; with
    unit="tasks/s" the medians become count/seconds."""
    cy, base = compare_pools(run, sz.repeats)
    if unit == "tasks/s":
        cy, base = count / cy, count / base
    return Row(bench, size, unit, cy, base)


def measure_submit_tiny(sz):
    """Submission overhead -- only the loop submitting n no-op jobs is timed;
    the pool then runs what is still pending (untimed shutdown)."""
    n = sz.submit

    def run(cls):
        with running_pool(cls, WORKERS) as pool:
            t0 = perf_counter()
            submit_loop(pool, noop, n)
            return perf_counter() - t0

    return pool_row("submit loop, tiny jobs", f"{n:,} jobs", run, sz)


def measure_submit_sleeping(sz):
    """Submission overhead with jobs that each sleep 0.1 s, so the queue only
    grows; the submit loop is timed, then shutdown(cancel_futures=True) runs
    untimed and the last future must come out cancelled on both."""
    n = sz.submit

    def run(cls):
        with running_pool(cls, WORKERS, cancel=True) as pool:
            t0 = perf_counter()
            last = submit_loop(pool, time.sleep, n, 0.1)
            elapsed = perf_counter() - t0
        if not last.cancelled():
            raise AssertionError(f"{cls.__name__}: shutdown(cancel_futures=True) left jobs pending")
        return elapsed

    return pool_row("submit loop, jobs sleeping 0.1 s", f"{n:,} jobs", run, sz)


def measure_submit_and_run(sz):
    """Launch overhead -- n no-op submits plus shutdown(wait=True), which
    runs them all, timed together."""
    n = sz.submit

    def run(cls):
        with running_pool(cls, WORKERS) as pool:
            t0 = perf_counter()
            submit_loop(pool, noop, n)
            pool.shutdown(wait=True)
            return perf_counter() - t0

    return pool_row("submit + run incl. shutdown", f"{n:,} jobs", run, sz)


def measure_map_tiny(sz):
    """map() over n items with a no-op job, every result taken in order."""
    n = sz.submit

    def run(cls):
        with running_pool(cls, WORKERS) as pool:
            t0 = perf_counter()
            for _ in pool.map(noop, range(n)):
                pass
            return perf_counter() - t0

    return pool_row("map over tiny items", f"{n:,} items", run, sz)


def measure_cpu_fib(sz):
    """CPU-bound pure Python, n x fib(20); the GIL serialises it, so ~1x is
    expected."""
    n = sz.fib
    return pool_row("CPU-bound fib(20)", f"{n:,} jobs", lambda cls: submit_all_wait_all(cls, fib, [20] * n, WORKERS), sz)


def measure_io_sleep(sz):
    """I/O-bound, n x time.sleep(0.01); sleep dominates, ~1x expected."""
    n = sz.io
    run = lambda cls: submit_all_wait_all(cls, time.sleep, [0.01] * n, WORKERS)  # noqa: E731
    return pool_row("I/O-bound sleep(0.01)", f"{n:,} jobs", run, sz)


def measure_mixed_fib_sleep(sz):
    """n jobs alternating fib(20) and sleep(0.01)."""
    n = sz.io
    run = lambda cls: submit_all_wait_all(cls, mixed_task, range(n), WORKERS)  # noqa: E731
    return pool_row("mixed fib(20) / sleep(0.01)", f"{n:,} jobs", run, sz)


def measure_short_jobs(sz):
    """n short jobs (sum(range(10))), submit all then collect every result."""
    n = sz.short
    run = lambda cls: submit_all_wait_all(cls, short_task, range(n), WORKERS)  # noqa: E731
    return pool_row("short jobs submit + result", f"{n:,} jobs", run, sz)


def urgent_share(pool_class, n, urgent_every=10):
    """Percentage of urgent jobs among the first 10% of n jobs to finish.

    Every ``urgent_every``-th job is urgent (cymade: schedule(-10, ...);
    ThreadPoolExecutor has no priorities, so it gets the same submit order).
    The workers are held by a gate while all n jobs are queued, so the
    completion order shows the queue's policy, not the submit race.  Each job
    sleeps 1 ms and records its index when it finishes.
    """
    finished = []

    def job(i):
        time.sleep(0.001)
        finished.append(i)

    def is_urgent(i):
        return i % urgent_every == urgent_every - 1

    with running_pool(pool_class, WORKERS) as pool:
        gate = block_workers(pool, WORKERS)
        for i in range(n):
            if is_urgent(i) and isinstance(pool, ThreadPool):
                pool.schedule(-10, job, i)
            else:
                pool.submit(job, i)
        gate.set()
    first = finished[: max(1, n // 10)]
    return 100.0 * sum(map(is_urgent, first)) / len(first)


def measure_priority_urgent_share(sz):
    """Priority scheduling -- % of urgent jobs (10% of all) among the first
    10% to finish; cymade should approach 100%, FIFO gives ~10%."""
    n = sz.priority
    cy, base = compare_pools(lambda cls: urgent_share(cls, n), sz.repeats)
    return Row("priority: urgent share of first 10% done", f"{n:,} jobs, every 10th urgent", "%", cy, base)


def first_result_latency(pool_class, samples):
    """Median seconds from submit() of one no-op job to its result() on a
    warm, idle pool (1 ms pause between samples so the workers go idle)."""
    with running_pool(pool_class, WORKERS) as pool:
        pool.submit(noop).result()
        times = []
        for _ in range(samples):
            time.sleep(0.001)
            t0 = perf_counter()
            pool.submit(noop).result()
            times.append(perf_counter() - t0)
    return statistics.median(times)


def measure_first_result(sz):
    """Time to first result (median of many samples per run)."""
    k = sz.first_samples
    return pool_row("time to first result", f"{k} samples/run", lambda cls: first_result_latency(cls, k), sz)


def measure_throughput(sz):
    """Throughput -- n no-op jobs, submit all + wait all, in tasks/s."""
    n = sz.throughput
    run = lambda cls: submit_all_wait_all(cls, noop, range(n), WORKERS)  # noqa: E731
    return pool_row("throughput, no-op jobs", f"{n:,} jobs", run, sz, unit="tasks/s", count=n)


def to_thread_calls(pool_class, n):
    """Seconds for ``asyncio.to_thread`` of n no-op calls, gathered, with a
    ``pool_class`` pool as the loop's default executor."""

    async def main():
        loop = asyncio.get_running_loop()
        loop.set_default_executor(pool_class(WORKERS))
        t0 = perf_counter()
        await asyncio.gather(*(asyncio.to_thread(noop) for _ in range(n)))
        elapsed = perf_counter() - t0
        await loop.shutdown_default_executor()
        return elapsed

    return asyncio.run(main())


def measure_to_thread(sz):
    """asyncio.to_thread on the default executor: ThreadPool vs ThreadPoolExecutor."""
    n = sz.throughput
    return pool_row("asyncio.to_thread, default executor", f"{n:,} calls", lambda cls: to_thread_calls(cls, n), sz)


def measure_scaling(workers, sz):
    """n math.sqrt jobs (submit all + wait all) on ``workers`` workers."""
    n = sz.scale
    run = lambda cls: submit_all_wait_all(cls, math.sqrt, range(n), workers)  # noqa: E731
    return pool_row(f"scaling: {workers} worker{'s' if workers > 1 else ''}, math.sqrt", f"{n:,} jobs", run, sz)


def pending_job_bytes(side: str, n: str) -> float:
    """RSS growth per pending job, run in a fresh process (call_in_child):
    hold every worker of a ``side`` pool at a gate and submit n no-op jobs
    (futures are not kept by the caller: only what the pool holds counts).
    The pool then runs the jobs at shutdown (cancelling is submit_sleeping's
    business)."""
    count = int(n)
    with running_pool(POOLS[side], WORKERS) as pool:
        gate = block_workers(pool, WORKERS)
        gc.collect()
        before = vm_rss_bytes()
        submit_loop(pool, noop, count)
        after = vm_rss_bytes()
        gate.set()
    return (after - before) / count


def measure_rss_per_pending_job(sz):
    """RSS per pending job with n jobs queued behind blocked workers, each
    side in a fresh process of its own: RSS only says something about one
    pool in a process that never held the other."""
    n = sz.rss
    variants = {
        side: (lambda side=side: call_in_child(__name__, "pending_job_bytes", side, str(n), timeout=RSS_TIMEOUT))
        for side in POOLS
    }
    medians, _ = median_runs(variants, sz.repeats)
    return Row("RSS per pending job (fresh process each)", f"{n:,} pending", "B/task", medians["cymade"], medians["baseline"])


# --------------------------------------------------------------------------
# Atomics rows: cymade vs Lock-guarded vs plain (unsafe)


class CallCounter:
    """A callback that counts its calls."""

    def __init__(self):
        self.calls = 0

    def __call__(self):
        self.calls += 1


def add_variants(atomic_type, step, n_threads, per_thread):
    """The three ways to do ``x += step`` from n_threads threads; each run
    returns (seconds, final value)."""

    def cymade():
        counter = atomic_type()

        def body():
            c = counter
            for _ in range(per_thread):
                c += step

        return run_in_threads(n_threads, body), counter.load()

    def locked():
        cell, lock = [atomic_type().load()], threading.Lock()

        def body():
            for _ in range(per_thread):
                with lock:
                    cell[0] += step

        return run_in_threads(n_threads, body), cell[0]

    def plain():
        cell = [atomic_type().load()]

        def body():
            for _ in range(per_thread):
                cell[0] += step

        return run_in_threads(n_threads, body), cell[0]

    return {"cymade": cymade, "baseline": locked, "plain": plain}


def countdown_variants(n):
    """The three ways to count n down to 0 with ``-= 1`` and call a callback
    when it reaches 0; each run returns (seconds, callback calls)."""

    def cymade():
        callback = CallCounter()
        counter = atomic.U64(n, on_zero=callback)

        def body():
            c = counter
            for _ in range(n):
                c -= 1

        return run_in_threads(1, body), callback.calls

    def locked():
        callback, cell, lock = CallCounter(), [n], threading.Lock()

        def body():
            for _ in range(n):
                with lock:
                    cell[0] -= 1
                    if cell[0] == 0:
                        callback()

        return run_in_threads(1, body), callback.calls

    def plain():
        callback, cell = CallCounter(), [n]

        def body():
            for _ in range(n):
                cell[0] -= 1
                if cell[0] == 0:
                    callback()

        return run_in_threads(1, body), callback.calls

    return {"cymade": cymade, "baseline": locked, "plain": plain}


def atomics_row(bench, size, variants, expected, what, sz):
    """A three-column atomics row.  The cymade and Lock results (``what``)
    must equal ``expected`` in every run (else the row says CHECK FAILED);
    the plain column's results are printed, lost updates and all."""
    medians, observed = median_runs(variants, sz.repeats)
    row = Row(bench, size, "s", medians["cymade"], medians["baseline"], plain=medians["plain"])
    for name, label in (("cymade", "cymade"), ("baseline", "Lock"), ("plain", "plain")):
        exact = all(v == expected for v in observed[name])
        shown = ", ".join(f"{v:,}" for v in observed[name])
        row.notes.append(f"{label} {what}: {shown} ({'exact' if exact else f'expected {expected:,}'})")
        if name != "plain" and not exact:
            row.check_failed = True
    return row


def measure_u64_add(threads, per_thread, sz):
    """``U64 += 1`` from ``threads`` threads (inline for one) vs
    ``with lock: x += 1``; totals must be exact."""
    shown_size = f"{per_thread:,} ops" if threads == 1 else f"{threads} x {per_thread:,} ops"
    return atomics_row(
        f"U64 += 1, {threads} thread{'s' if threads > 1 else ''} (vs Lock+int)", shown_size,
        add_variants(atomic.U64, 1, threads, per_thread), threads * per_thread, "total", sz,
    )


def measure_float_add(threads, per_thread, sz):
    """``Float += 1.5`` vs a Lock-guarded float (sums of 1.5 stay exact in a
    double, so the totals are checked exactly)."""
    return atomics_row(
        f"Float += 1.5, {threads} thread{'s' if threads > 1 else ''} (vs Lock+float)", f"{threads} x {per_thread:,} ops",
        add_variants(atomic.Float, 1.5, threads, per_thread), 1.5 * threads * per_thread, "total", sz,
    )


def measure_u64_on_zero(sz):
    """Count a U64(n, on_zero=cb) down to 0 with ``-= 1`` (cb fires once) vs
    a Lock-guarded int with an explicit ``if x == 0: cb()``."""
    n = sz.on_zero
    return atomics_row("U64 -= 1 to zero with on_zero (vs Lock+int+if)", f"{n:,} ops", countdown_variants(n), 1, "on_zero calls", sz)


# --------------------------------------------------------------------------
# The table


@dataclass(frozen=True)
class RowDefinition:
    """A row of the table: ``id`` names it in code and on the command line,
    ``number`` is what the table's "#" column shows; neither changes when
    rows are added or moved."""

    id: str
    number: str
    measure: Callable[[Sizes], Row]


# Table order.  New rows take the next free number, so the numbers of the
# committed reference results in bench/results/ keep meaning the same rows.
ROWS = [
    RowDefinition("submit_tiny", "1", measure_submit_tiny),
    RowDefinition("submit_sleeping", "2", measure_submit_sleeping),
    RowDefinition("submit_and_run", "3", measure_submit_and_run),
    RowDefinition("cpu_fib", "4", measure_cpu_fib),
    RowDefinition("io_sleep", "5", measure_io_sleep),
    RowDefinition("mixed_fib_sleep", "6", measure_mixed_fib_sleep),
    RowDefinition("short_jobs", "7", measure_short_jobs),
    RowDefinition("priority_urgent_share", "8", measure_priority_urgent_share),
    RowDefinition("first_result", "9", measure_first_result),
    RowDefinition("throughput", "10", measure_throughput),
    RowDefinition("scaling_1_worker", "11a", lambda sz: measure_scaling(1, sz)),
    RowDefinition("scaling_2_workers", "11b", lambda sz: measure_scaling(2, sz)),
    RowDefinition("scaling_4_workers", "11c", lambda sz: measure_scaling(4, sz)),
    RowDefinition("scaling_8_workers", "11d", lambda sz: measure_scaling(8, sz)),
    RowDefinition("scaling_16_workers", "11e", lambda sz: measure_scaling(16, sz)),
    RowDefinition("rss_per_pending_job", "12", measure_rss_per_pending_job),
    RowDefinition("u64_add_1_thread", "13", lambda sz: measure_u64_add(1, sz.incr, sz)),
    RowDefinition("u64_add_4_threads", "14", lambda sz: measure_u64_add(4, sz.incr_4, sz)),
    RowDefinition("float_add_1_thread", "15", lambda sz: measure_float_add(1, sz.incr, sz)),
    RowDefinition("float_add_4_threads", "16", lambda sz: measure_float_add(4, sz.incr_4, sz)),
    RowDefinition("u64_add_20_threads", "17", lambda sz: measure_u64_add(20, sz.incr_20, sz)),
    RowDefinition("u64_on_zero", "18", measure_u64_on_zero),
    RowDefinition("to_thread", "19", measure_to_thread),
    RowDefinition("map_tiny", "20", measure_map_tiny),
]
ROWS_BY_ID = {row.id: row for row in ROWS}
# A target under a misspelt id would silently never be checked.
assert TARGETS.keys() <= ROWS_BY_ID.keys(), sorted(TARGETS.keys() - ROWS_BY_ID.keys())


def measured_fields(row_id: str, mode: str) -> dict:
    """The child process's side of measure_in_child: one row, as a dict."""
    return asdict(ROWS_BY_ID[row_id].measure(SIZES[mode]))


def measure_in_child(definition: RowDefinition, mode: str) -> Row:
    """One row, measured in a child process of its own (both sides in that
    one process), with its number and target.  If the child fails,
    crashes or hangs, the row says so instead of ending the run."""
    try:
        row = Row(**call_in_child(__name__, "measured_fields", definition.id, mode, timeout=ROW_TIMEOUT[mode]))
    except RuntimeError as error:
        row = Row(definition.id, "—", "error", None, None, notes=[str(error)], check_failed=True)
    row.number, row.target = definition.number, TARGETS.get(definition.id)
    return row
