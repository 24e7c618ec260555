"""CPython's own ThreadPoolExecutor tests, run against cymade.threadpool.ThreadPool.

ThreadPool is meant as a drop-in replacement for
concurrent.futures.ThreadPoolExecutor, so the interpreter's own
test.test_concurrent_futures is the reference for what "drop-in" means.  This
runner imports that suite unchanged from the running interpreter's stdlib test
package (a single module on 3.11, a package from 3.12 on), points every
thread-pool test at ThreadPool, and runs only those tests: every test case
built on the suite's ThreadPoolMixin (executor, wait, as_completed, shutdown,
initializer), none of the process- or interpreter-pool ones.

The redirection happens in this process only, never in the stdlib files:
ThreadPoolMixin.executor_type becomes ThreadPool; the name ``futures`` in the
suite's modules becomes a view of concurrent.futures whose
ThreadPoolExecutor is ThreadPool; and the scripts the suite runs in a fresh
interpreter (script_helper.assert_python_ok) start with a preamble that does
the same there.

Each test runs in its own subprocess, at most --jobs at a time, and one that
gives no result within --timeout seconds counts as a failure (a hang; its
threads' stacks are in its output).  tests/stdlib/exclusions.txt names the
tests not run, each with its reason (see that file); a line there that
matches no test is an error, so the list cannot outlive its tests.

    run_concurrent_futures_suite.py [--jobs 2] [--timeout 60] [TEST_ID ...]

prints each failure's output, then one line: the Python version and how many
tests ran, passed, were excluded and failed; it exits nonzero if any failed.
A test id is ``Class.test_method``, e.g.
``ThreadPoolShutdownTest.test_cancel_futures``.
"""

import argparse
import concurrent.futures
import faulthandler
import importlib
import os
import pkgutil
import re
import signal
import subprocess
import sys
import time
import types
import unittest
from dataclasses import dataclass

import cymade.threadpool
from cymade.threadpool import ThreadPool

SUITE = "test.test_concurrent_futures"
EXCLUSIONS_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "exclusions.txt")

# How a test's subprocess tells its outcome (any other exit status is a failure).
PASSED_EXIT_CODE = 0
SKIPPED_EXIT_CODE = 77

# Seconds between a hung test's stack dump and the end of its subprocess.
HANG_GRACE_SECONDS = 5

# One exclusions.txt line: `Class.test_method [3.12 3.13]: reason`, versions optional.
EXCLUSION_LINE = re.compile(r"(?P<test>\w+\.\w+)(?:\s+\[(?P<versions>[\d. ]+)\])?:\s*(?P<reason>\S.*)")

# Run first in every script the suite starts in a fresh interpreter (which
# ignores PYTHONPATH: assert_python_ok passes -I or -E).  The scripts import
# `executor_type.__name__` from concurrent.futures, hence both names.
CHILD_INTERPRETER_PREAMBLE = """\
import sys
sys.path[:0] = {paths!r}
import concurrent.futures
from cymade.threadpool import ThreadPool
concurrent.futures.ThreadPoolExecutor = concurrent.futures.ThreadPool = ThreadPool
"""


class FuturesWithThreadPool(types.ModuleType):
    """concurrent.futures as the suite sees it: ThreadPoolExecutor is ThreadPool."""

    ThreadPoolExecutor = ThreadPool

    def __getattr__(self, name):
        return getattr(concurrent.futures, name)


def suite_modules():
    """Imports and returns the suite's modules (one on 3.11, the package's from 3.12 on)."""
    suite = importlib.import_module(SUITE)
    if not hasattr(suite, "__path__"):
        return [suite]
    modules = []
    for info in pkgutil.iter_modules(suite.__path__):
        try:
            modules.append(importlib.import_module(f"{SUITE}.{info.name}"))
        except unittest.SkipTest:
            continue  # e.g. test_interpreter_pool without subinterpreter support
    return modules


def thread_pool_mixin(modules):
    """The suite's base class of every thread-pool test case."""
    for module in modules:
        mixin = getattr(module, "ThreadPoolMixin", None)
        if mixin is not None:
            return mixin
    raise RuntimeError(f"{SUITE} has no ThreadPoolMixin: this runner does not know the suite's layout")


def with_threadpool_preamble(run_python):
    """Wraps assert_python_ok so that a `-c` script runs against ThreadPool."""
    package_root = os.path.dirname(os.path.dirname(os.path.abspath(cymade.threadpool.__file__)))
    preamble = CHILD_INTERPRETER_PREAMBLE.format(paths=[package_root])

    def run_python_with_threadpool(*args, **env_vars):
        args = list(args)
        if "-c" in args:
            script = args.index("-c") + 1
            args[script] = preamble + args[script]
        return run_python(*args, **env_vars)

    return run_python_with_threadpool


def redirect_to_threadpool(modules, mixin):
    """Points the suite's thread-pool tests at ThreadPool (this process only)."""
    mixin.executor_type = ThreadPool
    futures_view = FuturesWithThreadPool(concurrent.futures.__name__, concurrent.futures.__doc__)
    for module in modules:
        if getattr(module, "futures", None) is concurrent.futures:
            module.futures = futures_view
        if hasattr(module, "assert_python_ok"):
            module.assert_python_ok = with_threadpool_preamble(module.assert_python_ok)


def flatten(suite):
    for item in suite:
        if isinstance(item, unittest.TestSuite):
            yield from flatten(item)
        else:
            yield item


def short_id(test):
    return f"{type(test).__name__}.{test._testMethodName}"


def thread_pool_tests():
    """{Class.test_method: full unittest id} of every test built on ThreadPoolMixin."""
    modules = suite_modules()
    mixin = thread_pool_mixin(modules)
    tests = {}
    for module in modules:
        for test in flatten(unittest.defaultTestLoader.loadTestsFromModule(module)):
            if not isinstance(test, mixin):
                continue
            name = short_id(test)
            if name in tests and tests[name] != test.id():
                raise RuntimeError(f"two tests named {name}: {tests[name]} and {test.id()}")
            tests[name] = test.id()
    return tests


@dataclass
class Exclusion:
    test: str
    reason: str
    line_number: int


def read_exclusions(path, version):
    """The exclusions that apply to this Python version; a malformed line is an error."""
    exclusions = []
    with open(path, encoding="utf-8") as lines:
        for line_number, line in enumerate(lines, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            match = EXCLUSION_LINE.fullmatch(line)
            if match is None:
                sys.exit(f"{path}:{line_number}: not `Class.test_method [3.X ...]: reason`: {line}")
            versions = (match["versions"] or "").split()
            if any(not re.fullmatch(r"3\.\d+", v) for v in versions):
                sys.exit(f"{path}:{line_number}: versions must look like 3.12: {line}")
            if not versions or version in versions:
                exclusions.append(Exclusion(match["test"], match["reason"], line_number))
    return exclusions


class ImmediateTextTestResult(unittest.TextTestResult):
    """Prints each error as it happens, so a test that then hangs (say in tearDown) shows why."""

    def addError(self, test, err):
        super().addError(test, err)
        self.print_last(self.errors)

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self.print_last(self.failures)

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            self.print_last(self.failures if issubclass(err[0], test.failureException) else self.errors)

    def print_last(self, reports):
        test, traceback = reports[-1]
        self.stream.writeln(f"{self.separator1}\n{self.getDescription(test)}\n{self.separator2}\n{traceback}")
        self.stream.flush()

    def printErrors(self):
        pass  # already printed, as they happened


def run_one(test_id, timeout):
    """Child mode: runs one test (with its module and class fixtures); returns the exit code."""
    faulthandler.dump_traceback_later(timeout, exit=False)
    modules = suite_modules()
    redirect_to_threadpool(modules, thread_pool_mixin(modules))
    test = unittest.defaultTestLoader.loadTestsFromName(test_id)
    runner = unittest.TextTestRunner(stream=sys.stdout, verbosity=2, resultclass=ImmediateTextTestResult)
    result = runner.run(unittest.TestSuite([test]))
    if not result.wasSuccessful():
        return 1
    return SKIPPED_EXIT_CODE if result.skipped else PASSED_EXIT_CODE


@dataclass
class Outcome:
    test: str
    status: str  # "passed", "skipped", "failed" or "hang"
    output: str
    seconds: float


def run_in_subprocess(name, test_id, timeout):
    """Runs one test in a new process group, killed (with its children) on a hang."""
    command = [sys.executable, "-X", "faulthandler", os.path.abspath(__file__), "--run-one", test_id]
    command += ["--timeout", str(timeout)]
    start = time.monotonic()
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace", start_new_session=True
    )
    try:
        output, _ = process.communicate(timeout=timeout + HANG_GRACE_SECONDS)
        status = {PASSED_EXIT_CODE: "passed", SKIPPED_EXIT_CODE: "skipped"}.get(process.returncode, "failed")
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
        output += f"\nno result within {timeout} s: killed (a hang)\n"
        status = "hang"
    return Outcome(name, status, output, time.monotonic() - start)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("tests", nargs="*", metavar="TEST_ID", help="Class.test_method to run (default: all)")
    parser.add_argument("--jobs", type=int, default=2, help="tests run at once (default 2)")
    parser.add_argument("--timeout", type=float, default=60, help="seconds before a test counts as hung (default 60)")
    parser.add_argument("--exclusions", default=EXCLUSIONS_FILE, help="the exclusions file")
    parser.add_argument("--run-one", metavar="UNITTEST_ID", help=argparse.SUPPRESS)
    return parser.parse_args()


def main():
    args = parse_args()
    if args.run_one:
        return run_one(args.run_one, args.timeout)

    version = "%d.%d" % sys.version_info[:2]
    try:
        tests = thread_pool_tests()
    except ModuleNotFoundError as error:
        if not SUITE.startswith(error.name):
            raise
        print(f"Python {version} ({sys.executable}) has no {SUITE}: install its stdlib test suite")
        return 2
    exclusions = read_exclusions(args.exclusions, version)
    stale = [e for e in exclusions if e.test not in tests]
    if stale:
        for exclusion in stale:
            print(f"{args.exclusions}:{exclusion.line_number}: {exclusion.test} matches no test on Python {version}")
        return 2
    excluded = {e.test for e in exclusions}
    unknown = [name for name in args.tests if name not in tests]
    if unknown:
        print(f"no such thread-pool test on Python {version}: {', '.join(unknown)}")
        return 2
    selected = args.tests or sorted(tests)
    to_run = [name for name in selected if name not in excluded]
    for exclusion in exclusions:
        print(f"excluded: {exclusion.test}: {exclusion.reason}")

    print(f"Python {sys.version.split()[0]} ({sys.executable}): {len(to_run)} tests of {SUITE} against {ThreadPool}")
    outcomes = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as runners:
        pending = [runners.submit(run_in_subprocess, name, tests[name], args.timeout) for name in to_run]
        for future in concurrent.futures.as_completed(pending):
            outcome = future.result()
            outcomes.append(outcome)
            print(f"{outcome.status.upper():7} {outcome.test} ({outcome.seconds:.1f} s)", flush=True)

    failures = sorted((o for o in outcomes if o.status in ("failed", "hang")), key=lambda o: o.test)
    for outcome in failures:
        print(f"\n======== {outcome.status.upper()}: {outcome.test}\n{outcome.output.rstrip()}")
    skipped = [o.test for o in outcomes if o.status == "skipped"]
    if skipped:
        print(f"\nskipped by the suite itself (counted as passed): {', '.join(sorted(skipped))}")
    if failures:
        print(f"\nfailed: {' '.join(o.test for o in failures)}")
    passed = len(outcomes) - len(failures)
    excluded_here = len([name for name in selected if name in excluded])
    print(
        f"\nPython {version}: {len(outcomes)} ran, {passed} passed, {excluded_here} excluded, {len(failures)} failed"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
