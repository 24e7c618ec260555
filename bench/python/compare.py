"""cymade vs the standard library, side by side in one process (SPEC §5).

Every row runs cymade and its baseline alternately in the same process
(the order rotates each round, with gc.collect() before every run), repeats
that ``--repeats`` times and reports the median of each side and the ratio
baseline/cymade (higher = cymade faster, or leaner for the RSS row).

- Thread-pool rows: ``cymade.threadpool.ThreadPool(4)`` vs
  ``concurrent.futures.ThreadPoolExecutor(4)`` unless the row says otherwise.
- Atomics rows: a ``cymade.atomic`` value vs a Python int/float guarded by a
  ``threading.Lock``, plus an unguarded int/float as a reference column (not
  thread-safe: it may lose updates).

Output: a markdown table on stdout and in ``<out>/python_{quick,full}.md`` and
a bar chart of the ratios in ``<out>/python_{quick,full}.png``.  ``<out>`` is
``--out``, else ``bench/out`` (git-ignored; see results_location.py).
``--quick`` (the default) shrinks the slow rows to finish in under two minutes
on 2 cores; ``--full`` runs the sizes SPEC §5 names.  Each row runs in a child
process of its own, so a crash or hang shows up as a FAILED row, not a lost run.
"""

import argparse
import asyncio
import concurrent.futures
import contextlib
import gc
import json
import math
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from time import perf_counter

from cymade import atomic
from cymade.threadpool import ThreadPool

from results_location import results_dir

WORKERS = 4
POOLS = {"cymade": ThreadPool, "baseline": concurrent.futures.ThreadPoolExecutor}
GATE_TIMEOUT = 30  # s for max_workers jobs to start on idle workers
RSS_TIMEOUT = 300  # s for one RSS child process
ROW_TIMEOUT = {"quick": 600, "full": 2400}  # s for one row's child process
PLAIN_HEADER = "plain int/float, not thread-safe (reference)"


@dataclass(frozen=True)
class Sizes:
    """The counts one mode uses; every row prints the ones it ran with."""

    repeats: int
    submit: int  # rows 1-3: jobs submitted
    fib: int  # row 4: fib(20) jobs
    io: int  # rows 5-6: jobs
    short: int  # row 7: short jobs
    priority: int  # row 8: jobs
    first_samples: int  # row 9: submit->result samples per run
    throughput: int  # row 10: no-op jobs
    scale: int  # row 11: math.sqrt jobs per worker count
    rss: int  # row 12: pending jobs
    incr: int  # rows 13, 15: single-thread operations
    incr_4: int  # rows 14, 16: operations per thread, 4 threads
    incr_20: int  # row 17: operations per thread, 20 threads
    on_zero: int  # row 18: start value counted down to 0


FULL = Sizes(
    repeats=5, submit=1_000_000, fib=1000, io=100, short=10_000, priority=100,
    first_samples=500, throughput=10_000, scale=1000, rss=1_000_000,
    incr=1_000_000, incr_4=250_000, incr_20=100_000, on_zero=100_000,
)
# Quick: only the slow rows shrink (1M submits -> 100k, 1000 fib -> 200); the
# cheap rows keep the spec sizes, which are short already and far less noisy.
QUICK = Sizes(
    repeats=5, submit=100_000, fib=200, io=100, short=10_000, priority=100,
    first_samples=200, throughput=10_000, scale=1000, rss=100_000,
    incr=1_000_000, incr_4=250_000, incr_20=100_000, on_zero=100_000,
)


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
    number: str = ""  # the brief's row number, with a letter when one benchmark gives several rows

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
# Measurement helpers


def median_runs(variants, repeats):
    """Run every variant ``repeats`` times, interleaved, rotating which side
    goes first each round, with gc.collect() before each run.

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


def compare_pools(run, repeats):
    """Medians of ``run(pool_class)`` for cymade's ThreadPool and for
    ThreadPoolExecutor: ``(cymade, baseline)``."""
    medians, _ = median_runs({name: (lambda cls=cls: run(cls)) for name, cls in POOLS.items()}, repeats)
    return medians["cymade"], medians["baseline"]


@contextlib.contextmanager
def running_pool(pool_class, workers=WORKERS, cancel=False):
    """A pool that is always shut down (waiting; cancelling pending jobs if
    ``cancel``) when the block ends.  shutdown() is idempotent on both."""
    pool = pool_class(workers)
    try:
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=cancel)


def block_workers(pool, workers):
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


def submit_loop(pool, fn, n, *args):
    """Submit fn(*args) n times, keeping only the last future."""
    submit = pool.submit
    future = None
    for _ in range(n):
        future = submit(fn, *args)
    return future


def submit_all_wait_all(pool_class, fn, args, workers=WORKERS):
    """Seconds to submit fn(a) for every a in args and collect every result
    (the pool is created before and shut down after the timed part)."""
    with running_pool(pool_class, workers) as pool:
        submit = pool.submit
        t0 = perf_counter()
        futures = [submit(fn, a) for a in args]
        for future in futures:
            future.result()
        return perf_counter() - t0


def pool_row(bench, size, run, sz, target=None, unit="s", count=None):
    """A thread-pool row from ``run(pool_class) -> seconds``; with
    unit="tasks/s" the medians become count/seconds."""
    cy, base = compare_pools(run, sz.repeats)
    if unit == "tasks/s":
        cy, base = count / cy, count / base
    return Row(bench, size, unit, cy, base, target=target)


# --------------------------------------------------------------------------
# Thread-pool rows (1-12)


def bench_submit_short(sz):
    """Row 1: submission overhead -- only the loop submitting n no-op jobs is
    timed; the pool then runs what is still pending (untimed shutdown)."""
    n = sz.submit

    def run(cls):
        with running_pool(cls) as pool:
            t0 = perf_counter()
            submit_loop(pool, noop, n)
            return perf_counter() - t0

    return [pool_row("submit loop, tiny jobs", f"{n:,} jobs", run, sz, target=45)]


def bench_submit_long(sz):
    """Row 2: submission overhead with jobs that each sleep 0.1 s, so the
    queue only grows; the submit loop is timed, then shutdown(cancel_futures=
    True) runs untimed and the last future must come out cancelled on both."""
    n = sz.submit

    def run(cls):
        with running_pool(cls, cancel=True) as pool:
            t0 = perf_counter()
            last = submit_loop(pool, time.sleep, n, 0.1)
            elapsed = perf_counter() - t0
        if not last.cancelled():
            raise AssertionError(f"{cls.__name__}: shutdown(cancel_futures=True) left jobs pending")
        return elapsed

    return [pool_row("submit loop, jobs sleeping 0.1 s", f"{n:,} jobs", run, sz)]


def bench_launch(sz):
    """Row 3: launch overhead -- n no-op submits plus shutdown(wait=True),
    which runs them all, timed together."""
    n = sz.submit

    def run(cls):
        with running_pool(cls) as pool:
            t0 = perf_counter()
            submit_loop(pool, noop, n)
            pool.shutdown(wait=True)
            return perf_counter() - t0

    return [pool_row("submit + run incl. shutdown", f"{n:,} jobs", run, sz, target=40)]


def bench_cpu(sz):
    """Row 4: CPU-bound pure Python, n x fib(20); the GIL serialises it, so
    ~1x is expected."""
    n = sz.fib
    return [pool_row("CPU-bound fib(20)", f"{n:,} jobs", lambda cls: submit_all_wait_all(cls, fib, [20] * n), sz)]


def bench_io(sz):
    """Row 5: I/O-bound, n x time.sleep(0.01); sleep dominates, ~1x expected."""
    n = sz.io
    return [pool_row("I/O-bound sleep(0.01)", f"{n:,} jobs", lambda cls: submit_all_wait_all(cls, time.sleep, [0.01] * n), sz)]


def bench_mixed(sz):
    """Row 6: n jobs alternating fib(20) and sleep(0.01)."""
    n = sz.io
    return [pool_row("mixed fib(20) / sleep(0.01)", f"{n:,} jobs", lambda cls: submit_all_wait_all(cls, mixed_task, range(n)), sz)]


def bench_short(sz):
    """Row 7: n short jobs (sum(range(10))), submit all then collect every
    result."""
    n = sz.short
    return [pool_row("short jobs submit + result", f"{n:,} jobs", lambda cls: submit_all_wait_all(cls, short_task, range(n)), sz, target=32)]


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

    with running_pool(pool_class) as pool:
        gate = block_workers(pool, WORKERS)
        for i in range(n):
            if is_urgent(i) and isinstance(pool, ThreadPool):
                pool.schedule(-10, job, i)
            else:
                pool.submit(job, i)
        gate.set()
    first = finished[: max(1, n // 10)]
    return 100.0 * sum(map(is_urgent, first)) / len(first)


def bench_priority(sz):
    """Row 8: priority scheduling -- % of urgent jobs (10% of all) among the
    first 10% to finish; cymade should approach 100%, FIFO gives ~10%."""
    n = sz.priority
    cy, base = compare_pools(lambda cls: urgent_share(cls, n), sz.repeats)
    return [Row("priority: urgent share of first 10% done", f"{n:,} jobs, every 10th urgent", "%", cy, base)]


def first_result_latency(pool_class, samples):
    """Median seconds from submit() of one no-op job to its result() on a
    warm, idle pool (1 ms pause between samples so the workers go idle)."""
    with running_pool(pool_class) as pool:
        pool.submit(noop).result()
        times = []
        for _ in range(samples):
            time.sleep(0.001)
            t0 = perf_counter()
            pool.submit(noop).result()
            times.append(perf_counter() - t0)
    return statistics.median(times)


def bench_first_result(sz):
    """Row 9: time to first result (median of many samples per run)."""
    k = sz.first_samples
    return [pool_row("time to first result", f"{k} samples/run", lambda cls: first_result_latency(cls, k), sz, target=1.5)]


def bench_throughput(sz):
    """Row 10: throughput -- n no-op jobs, submit all + wait all, in tasks/s."""
    n = sz.throughput
    run = lambda cls: submit_all_wait_all(cls, noop, range(n))  # noqa: E731
    return [pool_row("throughput, no-op jobs", f"{n:,} jobs", run, sz, target=30, unit="tasks/s", count=n)]


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


def bench_to_thread(sz):
    """asyncio.to_thread on the default executor: ThreadPool vs ThreadPoolExecutor."""
    n = sz.throughput
    return [pool_row("asyncio.to_thread, default executor", f"{n:,} calls", lambda cls: to_thread_calls(cls, n), sz)]


def bench_scaling(sz):
    """Row 11: n math.sqrt jobs (submit all + wait all) at 1, 2, 4, 8 and 16
    workers on both pools, one row per worker count."""
    n = sz.scale
    return [
        pool_row(f"scaling: {w} worker{'s' if w > 1 else ''}, math.sqrt", f"{n:,} jobs", lambda cls, w=w: submit_all_wait_all(cls, math.sqrt, range(n), w), sz)
        for w in (1, 2, 4, 8, 16)
    ]


def vm_rss_bytes():
    """This process's resident set size from /proc/self/status."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def rss_child(side, n):
    """In a fresh process: hold every worker at a gate, submit n no-op jobs
    (futures are not kept by the caller: only what the pool holds counts) and
    print the RSS growth per pending job as JSON.  The pool then runs the
    jobs at shutdown (cancelling is row 2's business)."""
    with running_pool(POOLS[side]) as pool:
        gate = block_workers(pool, WORKERS)
        gc.collect()
        before = vm_rss_bytes()
        submit_loop(pool, noop, n)
        after = vm_rss_bytes()
        gate.set()
    print(json.dumps({"bytes_per_job": (after - before) / n}))


def run_self(*args, timeout):
    """Run this script with ``args`` in a fresh interpreter with this
    sys.path; returns the JSON on its last stdout line.  A child that fails,
    dies or outlives ``timeout`` seconds raises RuntimeError naming the exit
    status, signal or timeout and the end of its stderr."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    try:
        child = subprocess.run(
            [sys.executable, os.path.abspath(__file__), *args], env=env, capture_output=True, text=True, timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"child {' '.join(args)} hung: killed after {timeout} s") from None
    if child.returncode != 0:
        status = (f"killed by {signal.Signals(-child.returncode).name}" if child.returncode < 0
                  else f"exit status {child.returncode}")
        tail = " | ".join(child.stderr.strip().splitlines()[-3:])
        raise RuntimeError(f"child {' '.join(args)} {status}" + (f": {tail}" if tail else ""))
    return json.loads(child.stdout.strip().splitlines()[-1])


def rss_in_subprocess(side, n):
    """Bytes per pending job from rss_child(side, n) in a fresh interpreter."""
    return run_self("--rss-child", side, str(n), timeout=RSS_TIMEOUT)["bytes_per_job"]


def bench_rss(sz):
    """Row 12: RSS per pending job with n jobs queued behind blocked workers,
    each side in its own subprocess; target: cymade <= 1/3 of TPE (ratio >= 3)."""
    n = sz.rss
    medians, _ = median_runs({side: (lambda side=side: rss_in_subprocess(side, n)) for side in POOLS}, sz.repeats)
    return [Row("RSS per pending job (fresh process each)", f"{n:,} pending", "B/task", medians["cymade"], medians["baseline"], target=3)]


# --------------------------------------------------------------------------
# Atomics rows (13-18): cymade vs Lock-guarded vs plain (unsafe)


def run_in_threads(n_threads, body):
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


def atomics_row(bench, size, variants, expected, what, sz, target=None):
    """A three-column atomics row.  The cymade and Lock results (``what``)
    must equal ``expected`` in every run (else the row says CHECK FAILED);
    the plain column's results are printed, lost updates and all."""
    medians, observed = median_runs(variants, sz.repeats)
    row = Row(bench, size, "s", medians["cymade"], medians["baseline"], plain=medians["plain"], target=target)
    for name, label in (("cymade", "cymade"), ("baseline", "Lock"), ("plain", "plain")):
        exact = all(v == expected for v in observed[name])
        shown = ", ".join(f"{v:,}" for v in observed[name])
        row.notes.append(f"{label} {what}: {shown} ({'exact' if exact else f'expected {expected:,}'})")
        if name != "plain" and not exact:
            row.check_failed = True
    return row


def bench_u64_single(sz):
    """Row 13: ``U64 += 1`` n times in one thread vs ``with lock: x += 1``."""
    n = sz.incr
    return [atomics_row("U64 += 1, 1 thread (vs Lock+int)", f"{n:,} ops", add_variants(atomic.U64, 1, 1, n), n, "total", sz, target=12)]


def bench_u64_threads(threads, per_thread, target=None):
    """Rows 14 and 17: ``U64 += 1`` from several threads; totals must be exact."""

    def bench(sz):
        per = getattr(sz, per_thread)
        return [
            atomics_row(
                f"U64 += 1, {threads} threads (vs Lock+int)", f"{threads} x {per:,} ops",
                add_variants(atomic.U64, 1, threads, per), threads * per, "total", sz, target=target,
            )
        ]

    bench.__name__ = f"bench_u64_{threads}_threads"
    bench.__doc__ = f"U64 += 1 from {threads} threads ({per_thread} each); totals checked."
    return bench


def bench_float(threads, per_thread):
    """Rows 15 and 16: ``Float += 1.5`` vs a Lock-guarded float (sums of 1.5
    stay exact in a double, so the totals are checked exactly)."""

    def bench(sz):
        per = getattr(sz, per_thread)
        return [
            atomics_row(
                f"Float += 1.5, {threads} thread{'s' if threads > 1 else ''} (vs Lock+float)", f"{threads} x {per:,} ops",
                add_variants(atomic.Float, 1.5, threads, per), 1.5 * threads * per, "total", sz,
            )
        ]

    bench.__name__ = f"bench_float_{threads}_threads"
    bench.__doc__ = f"Float += 1.5 from {threads} thread(s) ({per_thread} each); totals checked."
    return bench


def bench_on_zero(sz):
    """Row 18: count a U64(n, on_zero=cb) down to 0 with ``-= 1`` (cb fires
    once) vs a Lock-guarded int with an explicit ``if x == 0: cb()``."""
    n = sz.on_zero
    return [atomics_row("U64 -= 1 to zero with on_zero (vs Lock+int+if)", f"{n:,} ops", countdown_variants(n), 1, "on_zero calls", sz)]


REGISTRY = [
    bench_submit_short,
    bench_submit_long,
    bench_launch,
    bench_cpu,
    bench_io,
    bench_mixed,
    bench_short,
    bench_priority,
    bench_first_result,
    bench_throughput,
    bench_to_thread,
    bench_scaling,
    bench_rss,
    bench_u64_single,
    bench_u64_threads(4, "incr_4", target=5),
    bench_float(1, "incr"),
    bench_float(4, "incr_4"),
    bench_u64_threads(20, "incr_20"),
    bench_on_zero,
]


# --------------------------------------------------------------------------
# Output


def fmt_value(value, unit):
    """A measurement in readable units."""
    if value is None:
        return "—"
    if unit == "%":
        return f"{value:.0f}%"
    if unit == "B/task":
        return f"{value:,.0f} B/job"
    if unit == "tasks/s":
        return f"{value / 1e6:.2f}M tasks/s" if value >= 1e6 else f"{value / 1e3:,.0f}k tasks/s"
    for scale, suffix in ((1, "s"), (1e-3, "ms"), (1e-6, "µs")):
        if value >= scale:
            return f"{value / scale:.3g} {suffix}"
    return f"{value * 1e9:.3g} ns"


def fmt_target(row):
    """The target cell: "—", "≥ 45x ok" or "≥ 45x MISSED"; a failed
    correctness check always shows."""
    if row.unit == "error":
        return "**FAILED** (see notes)"
    if row.check_failed:
        return "**CHECK FAILED** (see notes)"
    if row.target is None:
        return "—"
    label = f"≥ {row.target:g}x" + (" (RSS ≤ 1/3)" if row.unit == "B/task" else "")
    return f"{label} {'**MISSED**' if row.missed else 'ok'}"


def cpu_model():
    """The CPU model name from /proc/cpuinfo."""
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as cpuinfo:
        return next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), "unknown CPU")
    return "unknown CPU"


def machine_line():
    """nproc, CPU model and the interpreter (sys.version) on one line."""
    return f"Machine: nproc={os.cpu_count()}, CPU: {cpu_model()}; Python: {sys.version.replace(chr(10), ' ')}"


def markdown(rows, mode, sz, wall):
    """The whole report: header lines, the table and the notes."""
    lines = [
        f"# cymade vs standard library ({mode})",
        "",
        machine_line(),
        "",
        f"Medians of {sz.repeats} interleaved runs per side; ratio = baseline/cymade (higher = cymade better). "
        f"Pool rows: ThreadPool({WORKERS}) vs ThreadPoolExecutor({WORKERS}); atomics rows: cymade vs threading.Lock-guarded. "
        f"Total wall time: {wall:.1f} s.",
        "",
        f"| # | benchmark | size | cymade (median) | baseline (median) | ratio | target | {PLAIN_HEADER} |",
        "|---|---|---|---|---|---|---|---|",
    ]
    notes = []
    for row in rows:
        ratio = "—" if row.ratio is None else f"{row.ratio:.2f}x"
        lines.append(
            f"| {row.number} | {row.bench} | {row.size} | {fmt_value(row.cymade, row.unit)} | "
            f"{fmt_value(row.baseline, row.unit)} | {ratio} | {fmt_target(row)} | {fmt_value(row.plain, row.unit)} |"
        )
        notes += [f"- row {row.number}: {note}" for note in row.notes]
    missed = [row.number for row in rows if row.missed or row.check_failed]
    summary = f"Rows missing a target or failing a check: {', '.join(missed)}." if missed else "All targets met."
    return "\n".join(lines + ["", summary, "", "Checks (every run) and failures:", *notes, ""])


def plot(rows, path, title):
    """Horizontal bars of the ratios (log scale), a line at 1x and a marker at
    each target; bars are green (target met), red (missed) or grey (none)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    shown = [row for row in rows if row.ratio is not None]
    labels = [f"{row.number}. {row.bench} ({row.size})" for row in shown]
    colors = ["grey" if row.target is None else ("tab:red" if row.missed else "tab:green") for row in shown]
    fig, ax = plt.subplots(figsize=(11, 0.42 * len(shown) + 1.5))
    y = range(len(shown))
    ax.barh(y, [row.ratio for row in shown], color=colors)
    targets = [(i, row.target) for i, row in enumerate(shown) if row.target is not None]
    ax.scatter([t for _, t in targets], [i for i, _ in targets], marker="D", color="black", zorder=3, label="target")
    ax.axvline(1.0, color="black", linewidth=1, linestyle="--", label="1x (parity)")
    ax.set_xscale("log")
    ax.set_yticks(list(y), labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("baseline / cymade (higher = cymade better), log scale")
    ax.set_title(title, fontsize=10)
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def run_isolated(bench, mode_name):
    """Rows of one registry entry, measured in a child process of its own
    (both sides in that one process), numbered as in the brief.  If the
    child fails or crashes, the row says so instead of ending the run."""
    number = REGISTRY.index(bench) + 1
    try:
        rows = [Row(**fields) for fields in run_self("--row", str(number - 1), f"--{mode_name}", timeout=ROW_TIMEOUT[mode_name])]
    except RuntimeError as error:
        rows = [Row(bench.__name__, "—", "error", None, None, notes=[str(error)], check_failed=True)]
    for k, row in enumerate(rows):
        row.number = f"{number}{'abcdefgh'[k]}" if len(rows) > 1 else str(number)
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="scaled-down sizes, under two minutes (default)")
    mode.add_argument("--full", action="store_true", help="the sizes SPEC §5 names")
    parser.add_argument("--out", help="directory for python_{quick,full}.{md,png}")
    parser.add_argument("--only", help="comma-separated row-function names to run (debugging)")
    parser.add_argument("--rss-child", nargs=2, metavar=("SIDE", "N"), help=argparse.SUPPRESS)
    parser.add_argument("--row", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    mode_name, sz = ("full", FULL) if args.full else ("quick", QUICK)
    if args.rss_child:
        side, n = args.rss_child
        rss_child(side, int(n))
        return
    if args.row is not None:
        print(json.dumps([asdict(row) for row in REGISTRY[args.row](sz)]))
        return
    registry = REGISTRY
    if args.only:
        wanted = set(args.only.split(","))
        registry = [bench for bench in REGISTRY if bench.__name__ in wanted]
    t0 = perf_counter()
    rows = []
    for bench in registry:
        started = perf_counter()
        rows += run_isolated(bench, mode_name)
        print(f"[{perf_counter() - t0:6.1f} s] {bench.__name__} ({perf_counter() - started:.1f} s)", file=sys.stderr, flush=True)
    report = markdown(rows, mode_name, sz, perf_counter() - t0)
    print(report)
    out = results_dir(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / f"python_{mode_name}.md").write_text(report)
    plot(rows, out / f"python_{mode_name}.png", f"cymade vs stdlib ({mode_name}, medians of {sz.repeats}): nproc={os.cpu_count()}, {cpu_model()}, Python {sys.version.split()[0]}")
    print(f"wrote {out / f'python_{mode_name}.md'} and .png", file=sys.stderr)


if __name__ == "__main__":
    main()
