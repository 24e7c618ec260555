"""Instructions per job, counted by callgrind: cymade's ThreadPool beside
ThreadPoolExecutor and beside the floor (the job called inline).

    bazel run //bench:instructions -- [--runs 3] [--scale 1.0] [--parallel 1] [--out DIR]

Wall-clock ratios on a shared 2-core machine swing by tens of percent from
run to run; instruction counts do not, so this is how per-job cost is
compared.  Each scenario of instruction_scenarios.py runs in a fresh
interpreter under ``valgrind --tool=callgrind`` with PYTHONHASHSEED=0, once
with N units of work and once with 2N; the cost per unit is
(instructions(2N) - instructions(N)) / N, which cancels start-up and
imports.  Each figure is the median of --runs such pairs (the spread comes
from thread scheduling: how long workers spin before they park).

Not a test: there is no threshold here.  The project's target for the
"submit" row is in bench/README.md.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import instruction_scenarios
from results_location import results_dir

SCENARIO_SCRIPT = Path(instruction_scenarios.__file__).resolve()

# N per scenario for ThreadPool and the floors.  ThreadPoolExecutor costs
# ten times more per job; it runs a quarter of N (per-job cost does not
# depend on N once the pool's start-up cancels out).
SIZES = {"submit": 20000, "submit_result": 10000, "map": 50000, "await": 5000}
BASELINE_FRACTION = 0.25
FLOOR_SIZE = 20000

COLLECTED = re.compile(r"Collected\s*:\s*(\d+)")


def count_instructions(scenario: str, pool: str, n: int) -> int:
    """Instructions of one run of the scenario program, all threads."""
    env = dict(os.environ, PYTHONHASHSEED="0", PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    with tempfile.TemporaryDirectory() as scratch:
        completed = subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                f"--callgrind-out-file={scratch}/callgrind.out",
                sys.executable,
                str(SCENARIO_SCRIPT),
                scenario,
                pool,
                str(n),
            ],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
    match = COLLECTED.search(completed.stderr)
    if completed.returncode != 0 or match is None:
        raise RuntimeError(f"{scenario}/{pool}/{n} failed ({completed.returncode}):\n{completed.stderr[-2000:]}")
    return int(match.group(1))


def per_unit(scenario: str, pool: str, n: int) -> float:
    return (count_instructions(scenario, pool, 2 * n) - count_instructions(scenario, pool, n)) / n


def measure(jobs: list[tuple[str, str, int]], runs: int, parallel: int) -> dict[tuple[str, str], list[float]]:
    """Every (scenario, pool, n) `runs` times, `parallel` valgrind processes
    at a time.  One at a time by default: the counts move with load (a
    worker that finds the queue empty more or less often spins and parks a
    different number of times), by about 3 % on this machine."""
    with ThreadPoolExecutor(parallel) as executor:
        futures = {
            (scenario, pool, run): executor.submit(per_unit, scenario, pool, n)
            for run in range(runs)
            for scenario, pool, n in jobs
        }
    results: dict[tuple[str, str], list[float]] = {}
    for (scenario, pool, _), future in futures.items():
        results.setdefault((scenario, pool), []).append(future.result())
    return results


def describe(values: list[float]) -> str:
    return f"{statistics.median(values):,.0f} ({min(values):,.0f}-{max(values):,.0f})"


def report(results, sizes: dict[str, int], floor_size: int, runs: int) -> str:
    floor = statistics.median(results[("inline_call", "-")])
    builtin = statistics.median(results[("builtin_call", "-")])
    lines = [
        f"Instructions per job under callgrind, median of {runs} runs (min-max), "
        f"{sys.implementation.name} {sys.version.split()[0]}, PYTHONHASHSEED=0, "
        f"{instruction_scenarios.WORKERS} workers, job `tiny(x) = x * x`.",
        "",
        "| scenario | N (cymade) | ThreadPoolExecutor | cymade ThreadPool | ratio | cymade above the floor |",
        "|---|---|---|---|---|---|",
    ]
    for scenario, n in sizes.items():
        baseline = results[(scenario, "ThreadPoolExecutor")]
        cymade = results[(scenario, "ThreadPool")]
        ratio = statistics.median(baseline) / statistics.median(cymade)
        lines.append(
            f"| {scenario} | {n:,} | {describe(baseline)} | {describe(cymade)} | {ratio:.1f}x "
            f"| {statistics.median(cymade) - floor:,.0f} |"
        )
    lines += [
        "",
        f"Floor (N = {floor_size:,}): calling the job inline in the loop costs "
        f"{describe(results[('inline_call', '-')])} per call; a two-argument C builtin "
        f"(`operator.is_`) {describe(results[('builtin_call', '-')])}.",
        f"So one C call from the loop is {builtin:,.0f} of the {floor:,.0f}.",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="pairs of runs per figure (median)")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every N (e.g. 0.1 for a quick look)")
    parser.add_argument("--scenarios", nargs="*", default=list(SIZES), choices=list(SIZES))
    parser.add_argument("--parallel", type=int, default=1, help="valgrind processes at once (faster, noisier)")
    parser.add_argument("--out", help="directory for instructions.md (default bench/out/)")
    args = parser.parse_args()
    sizes = {name: max(100, int(SIZES[name] * args.scale)) for name in args.scenarios}
    floor_size = max(100, int(FLOOR_SIZE * args.scale))
    jobs = [("inline_call", "-", floor_size), ("builtin_call", "-", floor_size)]
    for scenario, n in sizes.items():
        jobs.append((scenario, "ThreadPool", n))
        jobs.append((scenario, "ThreadPoolExecutor", max(100, int(n * BASELINE_FRACTION))))
    text = report(measure(jobs, args.runs, args.parallel), sizes, floor_size, args.runs)
    print(text)
    out = results_dir(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "instructions.md").write_text(text)
    print(f"written to {out / 'instructions.md'}")


if __name__ == "__main__":
    main()
