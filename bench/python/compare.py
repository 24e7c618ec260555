"""cymade vs the standard library, side by side in one process.

Every row runs cymade and its baseline alternately in the same process
(the order rotates each round, with gc.collect() before every run), repeats
that ``Sizes.repeats`` times and reports the median of each side and the ratio
baseline/cymade (higher = cymade faster, or leaner for the RSS row).  The
rows, their sizes and the project's targets are in compare_rows.py; how they
are timed is in compare_harness.py; the table and plot in compare_report.py.

Output: a markdown table on stdout and in ``<out>/python_{quick,full}.md`` and
a bar chart of the ratios in ``<out>/python_{quick,full}.png``.  ``<out>`` is
``--out``, else ``bench/out`` (git-ignored; see results_location.py).
``--quick`` (the default) shrinks the slow rows to finish in under two minutes
on 2 cores; ``--full`` runs the full sizes.  Each row runs in a child process
of its own, so a crash or hang shows up as a FAILED row, not a lost run.
"""

import argparse
import os
import sys
from time import perf_counter

from compare_report import cpu_model, markdown, plot
from compare_rows import ROWS, SIZES, WORKERS, measure_in_child
from results_location import results_dir


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="scaled-down sizes, under two minutes (default)")
    mode.add_argument("--full", action="store_true", help="the full sizes (compare_rows.FULL)")
    parser.add_argument("--out", help="directory for python_{quick,full}.{md,png}")
    parser.add_argument("--only", help="comma-separated row ids to run, as in compare_rows.ROWS (debugging)")
    args = parser.parse_args(argv)
    mode_name = "full" if args.full else "quick"
    sizes = SIZES[mode_name]
    definitions = ROWS
    if args.only:
        wanted = set(args.only.split(","))
        definitions = [definition for definition in ROWS if definition.id in wanted]
    t0 = perf_counter()
    rows = []
    for definition in definitions:
        started = perf_counter()
        rows.append(measure_in_child(definition, mode_name))
        print(f"[{perf_counter() - t0:6.1f} s] {definition.id} ({perf_counter() - started:.1f} s)", file=sys.stderr, flush=True)
    report = markdown(rows, mode_name, sizes.repeats, WORKERS, perf_counter() - t0)
    print(report)
    out = results_dir(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / f"python_{mode_name}.md").write_text(report)
    title = f"cymade vs stdlib ({mode_name}, medians of {sizes.repeats}): nproc={os.cpu_count()}, {cpu_model()}, Python {sys.version.split()[0]}"
    plot(rows, out / f"python_{mode_name}.png", title)
    print(f"wrote {out / f'python_{mode_name}.md'} and .png", file=sys.stderr)


if __name__ == "__main__":
    main()
