"""Soak test of cymade.threadpool: random load for a given duration, then exact accounting.

The run is a sequence of *epochs*.  Each epoch creates a ThreadPool with a
random number of workers (1..8), starts 1..4 producer threads that, until the
epoch ends, randomly

  * submit jobs (normal), schedule urgent (priority < 0) and background
    (priority 1..3 ms) jobs; a job returns, raises, sleeps briefly, submits more
    jobs from inside the pool, or waits (with a short timeout) for another job;
  * cancel random futures, wait on random futures with short timeouts,
    add done-callbacks, and call map();

then shuts the pool down (wait=True; sometimes cancel_futures=True, sometimes
through the context manager) and checks, for every job ever accepted:

  * it ran exactly once (job-side counter) and its future is done with the
    right result or exception -- or it never ran and its future is cancelled;
  * no future is left pending after shutdown(wait=True);
  * a successful cancel() means the job never ran;
  * every done-callback ran exactly once;
  * submitting after shutdown raises RuntimeError;
  * before the shutdown, the pool still completes probe jobs on every worker
    after all the raising jobs (no worker died) and stats() reports them;
  * nothing was passed to report_error (every exception was retrieved);
  * the futures of the epoch are all freed once dropped (weakrefs), and RSS
    does not grow without bound over the run.

Usage:  python3 soak.py --seconds 600 [--seed N]     (or SOAK_SECONDS=600)
        bazel run //tests/python:soak -- --seconds 600
"""

import argparse
import faulthandler
import gc
import os
import random
import sys
import threading
import time
import weakref
from concurrent.futures import CancelledError

from cymade.atomic import U64
from cymade.threadpool import ThreadPool

PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE


class SoakError(Exception):
    """What the raising jobs raise (carries the job id)."""


class SoakFailure(AssertionError):
    pass


class RecordingPool(ThreadPool):
    """A pool whose report_error records instead of printing."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.reported = []

    def report_error(self, future, exception, traceback_str):
        self.reported.append((future, exception))


class Job:
    __slots__ = ("jid", "kind", "arg", "future", "runs", "callbacks", "cancel_ok", "__weakref__")

    def __init__(self, jid, kind, arg):
        self.jid = jid
        self.kind = kind
        self.arg = arg
        self.future = None
        self.runs = 0
        self.callbacks = -1  # -1: no callback added; else number of calls
        self.cancel_ok = False


class Epoch:
    """The state of one pool's lifetime."""

    def __init__(self, soak, rng, workers):
        self.soak = soak
        self.workers = workers
        self.pool = RecordingPool(workers, thread_name_prefix="soak")
        self.lock = threading.Lock()
        self.jobs = []  # every Job whose submit was accepted
        self.ran = U64(0)  # job-side count of job executions (atomic)
        self.stop = threading.Event()
        self.seed = rng.getrandbits(32)
        self.map_calls = 0
        self.map_items = 0
        self.errors = []

    # ---- jobs ------------------------------------------------------------

    def body(self, job):
        with self.lock:
            job.runs += 1
        self.ran += 1
        kind = job.kind
        if kind == "return":
            return job.jid * 3
        if kind == "raise":
            raise SoakError(job.jid)
        if kind == "sleep":
            time.sleep(job.arg)
            return job.jid * 3
        if kind == "spawn":
            # Submit children from inside a job; some may be rejected if the
            # pool is shutting down by then.
            rng = random.Random(job.jid)
            accepted = 0
            for _ in range(job.arg):
                if self.submit(rng, depth=1) is not None:
                    accepted += 1
            return accepted
        if kind == "wait":
            # Wait briefly for another job's future from inside a job.
            other = job.arg
            fut = other.future
            if fut is not None:
                try:
                    fut.result(timeout=0.002)
                except (TimeoutError, CancelledError, SoakError):
                    pass
            return job.jid * 3
        raise AssertionError(kind)

    def submit(self, rng, depth=0):
        """Submit/schedule one random job; returns the Job or None if rejected."""
        r = rng.random()
        if r < 0.45:
            kind = "return"
            arg = None
        elif r < 0.65:
            kind = "raise"
            arg = None
        elif r < 0.80:
            kind = "sleep"
            arg = rng.choice((0, 0.0001, 0.0005, 0.001, 0.002))
        elif r < 0.90 and depth == 0:
            kind = "spawn"
            arg = rng.randint(1, 3)
        else:
            with self.lock:
                n = len(self.jobs)
                other = self.jobs[rng.randrange(n)] if n else None
            if other is None:
                kind, arg = "return", None
            else:
                kind, arg = "wait", other
        job = Job(self.soak.next_id(), kind, arg)
        p = rng.random()
        try:
            if p < 0.70:
                fut = self.pool.submit(self.body, job)
            elif p < 0.85:
                fut = self.pool.schedule(-rng.randint(1, 20), self.body, job)
            elif p < 0.95:
                fut = self.pool.schedule(rng.randint(1, 3), self.body, job)
            else:
                fut = self.pool.schedule(0, self.body, job)
        except RuntimeError as e:
            if "after shutdown" not in str(e):
                raise
            self.soak.count("rejected")
            return None
        job.future = fut
        with self.lock:
            self.jobs.append(job)
        if rng.random() < 0.01:
            self.soak.track(fut)
        return job

    def callback(self, job):
        def cb(fut):
            with self.lock:
                job.callbacks += 1
            if fut is not job.future and job.future is not None:
                self.errors.append(f"job {job.jid}: callback got another future")

        return cb

    # ---- producers -------------------------------------------------------

    def producer(self, index):
        rng = random.Random(self.seed * 31 + index)
        try:
            while not self.stop.is_set():
                a = rng.random()
                if a < 0.70:
                    self.submit(rng)
                elif a < 0.80:
                    self.random_cancel(rng)
                elif a < 0.92:
                    self.random_wait(rng)
                elif a < 0.97:
                    self.random_callback(rng)
                else:
                    self.random_map(rng)
                if rng.random() < 0.02:
                    time.sleep(0.001)
                # Keep the backlog bounded so that shutdown drains in time.
                if len(self.jobs) - int(self.ran) > 2000:
                    time.sleep(0.002)
        except BaseException as e:  # reported by the main thread
            self.errors.append(f"producer {index}: {type(e).__name__}: {e}")
            self.stop.set()

    def pick(self, rng):
        with self.lock:
            n = len(self.jobs)
            if not n:
                return None
            # Favour recent jobs: those are the ones likely still pending.
            return self.jobs[max(0, n - 1 - int(rng.expovariate(0.05)))]

    def random_cancel(self, rng):
        job = self.pick(rng)
        if job is None:
            return
        if job.future.cancel():
            # cancel() of an already-cancelled future is True again: count once.
            if not job.cancel_ok:
                self.soak.count("cancel_ok")
            job.cancel_ok = True
            if not job.future.cancelled():
                self.errors.append(f"job {job.jid}: cancel() returned True but not cancelled()")
        else:
            self.soak.count("cancel_refused")

    def random_wait(self, rng):
        job = self.pick(rng)
        if job is None:
            return
        timeout = rng.choice((0, 0.0005, 0.002, 0.01, -1))
        try:
            if rng.random() < 0.5:
                value = job.future.result(timeout=timeout)
                self.check_value(job, value)
            else:
                exc = job.future.exception(timeout=timeout)
                if job.kind == "raise" and not isinstance(exc, SoakError):
                    self.errors.append(f"job {job.jid}: exception() gave {exc!r}")
            self.soak.count("wait_done")
        except TimeoutError:
            self.soak.count("wait_timeout")
        except CancelledError:
            self.soak.count("wait_cancelled")
        except SoakError as e:
            if job.kind != "raise" or e.args != (job.jid,):
                self.errors.append(f"job {job.jid} ({job.kind}) raised {e!r}")
            self.soak.count("wait_done")

    def random_callback(self, rng):
        job = self.pick(rng)
        if job is None or job.callbacks != -1:
            return
        with self.lock:
            if job.callbacks != -1:
                return
            job.callbacks = 0
        job.future.add_done_callback(self.callback(job))
        self.soak.count("callbacks_added")

    def random_map(self, rng):
        n = rng.randint(0, 50)
        values = [rng.randint(-1000, 1000) for _ in range(n)]
        calls = U64(0)

        def square(x):
            calls.fetch_add(1)
            return x * x

        try:
            got = list(self.pool.map(square, values, timeout=60))
        except RuntimeError as e:
            if "after shutdown" not in str(e):
                raise
            return
        if got != [v * v for v in values]:
            self.errors.append(f"map() returned wrong results for {values}")
        if calls.load() != n:
            self.errors.append(f"map() ran its function {calls.load()} times for {n} items")
        self.map_calls += 1
        self.map_items += n

    def check_value(self, job, value):
        if job.kind == "spawn":
            if not (0 <= value <= job.arg):
                self.errors.append(f"job {job.jid}: spawn result {value}")
        elif value != job.jid * 3:
            self.errors.append(f"job {job.jid} ({job.kind}): result {value!r}, expected {job.jid * 3}")

    # ---- the epoch -------------------------------------------------------

    def run(self, duration, rng):
        producers = [threading.Thread(target=self.producer, args=(i,)) for i in range(rng.randint(1, 4))]
        for t in producers:
            t.start()
        deadline = time.monotonic() + duration
        while time.monotonic() < deadline and not self.stop.is_set():
            time.sleep(0.01)
        self.stop.set()
        for t in producers:
            t.join()

        # No worker died: every worker still completes jobs after all the
        # raising ones.  Urgent probes run before the backlog; several of
        # them (one per worker and then some) must all complete.
        probe_count = 2 * self.workers
        probes = [self.pool.schedule(-100, lambda i=i: i) for i in range(probe_count)]
        for i, fut in enumerate(probes):
            try:
                if fut.result(timeout=120) != i:
                    self.errors.append("probe job returned a wrong value")
            except TimeoutError:
                self.errors.append(f"probe job {i} did not complete within 120 s (dead worker or deadlock)")
                break
        stats = self.pool.stats()
        if stats["workers"] != self.workers:
            self.errors.append(f"stats() reports {stats['workers']} workers, expected {self.workers}")

        how = rng.random()
        t0 = time.monotonic()
        # A shutdown that hangs (lost wakeup, deadlock) dumps every thread's
        # stack after 60 s instead of hanging silently.
        faulthandler.dump_traceback_later(60, exit=False, file=sys.__stderr__)
        if how < 0.2:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.soak.count("shutdown_cancel_futures")
        elif how < 0.4:
            with self.pool:
                pass
            self.soak.count("shutdown_context_manager")
        else:
            self.pool.shutdown(wait=True)
            self.soak.count("shutdown_wait")
        faulthandler.cancel_dump_traceback_later()
        self.soak.max_shutdown = max(self.soak.max_shutdown, time.monotonic() - t0)
        self.pool.shutdown()  # idempotent
        try:
            self.pool.submit(int)
            self.errors.append("submit after shutdown was accepted")
        except RuntimeError as e:
            if "after shutdown" not in str(e):
                self.errors.append(f"submit after shutdown: unexpected message {e}")
        self.verify(probe_count)

    def verify(self, probe_count):
        ran = cancelled = raised = 0
        for job in self.jobs:
            fut = job.future
            if not fut.done():
                self.errors.append(f"job {job.jid} ({job.kind}) still pending after shutdown(wait=True)")
                continue
            if fut.cancelled():
                cancelled += 1
                if job.runs != 0:
                    self.errors.append(f"job {job.jid} ran {job.runs} times but its future is cancelled")
            else:
                ran += 1
                if job.cancel_ok:
                    self.errors.append(f"job {job.jid}: cancel() returned True but the job ran")
                if job.runs != 1:
                    self.errors.append(f"job {job.jid} ({job.kind}) ran {job.runs} times")
                exc = fut.exception(timeout=0)
                if job.kind == "raise":
                    raised += 1
                    if not (isinstance(exc, SoakError) and exc.args == (job.jid,)):
                        self.errors.append(f"job {job.jid}: exception {exc!r}")
                elif exc is not None:
                    self.errors.append(f"job {job.jid} ({job.kind}) raised {exc!r}")
                else:
                    self.check_value(job, fut.result(timeout=0))
            if job.callbacks not in (-1, 1):
                self.errors.append(f"job {job.jid}: done-callback ran {job.callbacks} times")
        total_runs = sum(job.runs for job in self.jobs)
        if self.ran.load() != total_runs:
            self.errors.append(f"atomic run counter {self.ran.load()} != sum of job counters {total_runs}")
        stats = self.pool.stats()
        # stats() counts engine jobs: ours, the probes and map()'s calls.
        engine_done = ran + probe_count + self.map_items
        if stats["completed"] != engine_done:
            self.soak.count("stats_completed_mismatch")
            self.soak.notes.append(f"stats() completed={stats['completed']} but {engine_done} jobs ran")
        if stats["queued"] != 0 or stats["running"] != 0:
            self.errors.append(f"stats() after shutdown(wait=True): {stats}")
        if self.pool.reported:
            self.errors.append(f"report_error was called {len(self.pool.reported)} times: {self.pool.reported[:3]}")
        s = self.soak
        s.count("accepted", len(self.jobs))
        s.count("ran", ran)
        s.count("cancelled", cancelled)
        s.count("raised", raised)
        s.count("spawned", sum(1 for j in self.jobs if j.kind == "spawn"))
        s.count("map_calls", self.map_calls)
        s.count("map_items", self.map_items)
        s.count("callbacks_ran", sum(1 for j in self.jobs if j.callbacks == 1))


class Soak:
    def __init__(self, seconds, seed, log=None):
        self.seconds = seconds
        self.seed = seed
        self.log = log or (lambda msg: None)
        self.counts = {}
        self.count_lock = threading.Lock()
        self._id = 0
        self.tracked = []
        self.notes = []
        self.max_shutdown = 0.0
        self.rss = []

    def next_id(self):
        with self.count_lock:
            self._id += 1
            return self._id

    def count(self, key, n=1):
        with self.count_lock:
            self.counts[key] = self.counts.get(key, 0) + n

    def track(self, fut):
        self.tracked.append(weakref.ref(fut))

    def run(self):
        rng = random.Random(self.seed)
        start = time.monotonic()
        end = start + self.seconds
        errors = []
        while time.monotonic() < end:
            workers = rng.randint(1, 8)
            epoch = Epoch(self, rng, workers)
            duration = min(rng.uniform(0.2, 2.0), max(0.05, end - time.monotonic()))
            epoch.run(duration, rng)
            self.count("epochs")
            if epoch.errors:
                errors.extend(epoch.errors)
                break
            del epoch
            gc.collect()
            alive = [r for r in self.tracked if r() is not None]
            if alive:
                errors.append(f"{len(alive)} futures still alive after their epoch was dropped: {alive[0]()!r}")
                break
            self.count("futures_tracked_freed", len(self.tracked))
            self.tracked = []
            self.rss.append((time.monotonic() - start, rss_bytes()))
            n = self.counts["epochs"]
            if n % 20 == 0:
                self.log(f"[{time.monotonic() - start:7.1f} s] epoch {n}: {self.counts} rss={self.rss[-1][1] >> 20} MiB")
        self.elapsed = time.monotonic() - start
        if not errors:
            errors.extend(self.check_memory())
        if errors:
            raise SoakFailure(f"seed {self.seed}: {len(errors)} errors, first ones:\n  " + "\n  ".join(errors[:20]))
        return self.counts

    def check_memory(self):
        """RSS must not keep growing: the last quarter of the samples stays
        within 64 MiB of the first quarter's maximum (after a warm-up).
        Skipped under AddressSanitizer, whose quarantine holds freed memory
        back on purpose (the asan-python config preloads it)."""
        if len(self.rss) < 8 or "libasan" in os.environ.get("LD_PRELOAD", ""):
            return []
        q = len(self.rss) // 4
        early = max(r for _, r in self.rss[:q])
        late = max(r for _, r in self.rss[-q:])
        self.rss_early, self.rss_late = early, late
        if late - early > 64 << 20:
            return [f"RSS grew from {early >> 20} MiB to {late >> 20} MiB over the run"]
        return []

    def summary(self):
        c = self.counts
        lines = [
            f"soak: {self.elapsed:.1f} s, seed {self.seed}, {c.get('epochs', 0)} pools (epochs)",
            f"  accepted jobs {c.get('accepted', 0)}: ran {c.get('ran', 0)} (raised {c.get('raised', 0)}),"
            f" cancelled {c.get('cancelled', 0)}; rejected after shutdown {c.get('rejected', 0)}",
            f"  spawning jobs {c.get('spawned', 0)}; map() calls {c.get('map_calls', 0)} ({c.get('map_items', 0)} items)",
            f"  cancel() ok {c.get('cancel_ok', 0)} / refused {c.get('cancel_refused', 0)};"
            f" waits done {c.get('wait_done', 0)} / timed out {c.get('wait_timeout', 0)} /"
            f" cancelled {c.get('wait_cancelled', 0)}",
            f"  done-callbacks added {c.get('callbacks_added', 0)}, ran once {c.get('callbacks_ran', 0)}",
            f"  shutdowns: wait {c.get('shutdown_wait', 0)}, cancel_futures {c.get('shutdown_cancel_futures', 0)},"
            f" context manager {c.get('shutdown_context_manager', 0)}; slowest {self.max_shutdown:.3f} s",
            f"  tracked futures freed {c.get('futures_tracked_freed', 0)};"
            f" stats() completed mismatches {c.get('stats_completed_mismatch', 0)}",
        ]
        if self.rss:
            lines.append(
                f"  RSS first {self.rss[0][1] >> 20} MiB, max {max(r for _, r in self.rss) >> 20} MiB,"
                f" last {self.rss[-1][1] >> 20} MiB ({len(self.rss)} samples)"
            )
        for note in self.notes[:5]:
            lines.append(f"  note: {note}")
        return "\n".join(lines)


def run(seconds, seed=None, log=None):
    if seed is None:
        seed = random.randrange(2**32)
    soak = Soak(seconds, seed, log)
    soak.run()
    return soak


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("SOAK_SECONDS", 60)))
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else random.randrange(2**32)
    soak = Soak(args.seconds, seed, log=lambda m: print(m, flush=True))
    try:
        soak.run()
    except SoakFailure as e:
        print(f"SOAK FAILED: {e}", flush=True)
        return 1
    print(soak.summary(), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
