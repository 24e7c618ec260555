"""Plots queue_bench's CSV: jobs/s against workers, one line per strategy.

    bazel run //bench:plot_queue_bench -- [--mode quick|full] [--dir DIR]

Reads DIR/c_queue_MODE.csv and writes DIR/c_queue_MODE.png.  DIR defaults
to bench/out, where queue_bench writes (see results_location.py); pass
``--dir bench/results`` to plot the committed reference CSV.  One subplot per
(producers, job cost) pair in the data; ring capacity 1024 when both
capacities were run, as the small one only matters to the rings strategy
and would double the lines.
"""

import argparse
import csv
from collections import defaultdict

from results_location import results_dir

DEFAULT_CAPACITY = 1024
JOB_ORDER = {"no-op": 0, "1us": 1, "10us": 2}
STRATEGY_STYLE = {"rings": "o-", "mutex": "s--", "wfcqueue": "^:"}


def read_rows(path):
    with open(path, newline="") as file:
        rows = list(csv.DictReader(file))
    if not rows:
        raise SystemExit(f"error: {path} has no rows")
    capacities = {int(row["capacity"]) for row in rows}
    keep = DEFAULT_CAPACITY if DEFAULT_CAPACITY in capacities else max(capacities)
    return [row for row in rows if int(row["capacity"]) == keep], keep


def panels_of(rows):
    """{(producers, job): {strategy: [(workers, median, min, max)]}}"""
    panels = defaultdict(lambda: defaultdict(list))
    for row in rows:
        key = (int(row["producers"]), row["job"])
        point = (
            int(row["workers"]),
            float(row["jobs_per_s_median"]),
            float(row["jobs_per_s_min"]),
            float(row["jobs_per_s_max"]),
        )
        panels[key][row["strategy"]].append(point)
    return panels


def plot_panel(axes, title, lines):
    for strategy, points in sorted(lines.items()):
        points.sort()
        workers = [p[0] for p in points]
        medians = [p[1] for p in points]
        # Error bars from min to max of the runs: the spread on a noisy box.
        below = [p[1] - p[2] for p in points]
        above = [p[3] - p[1] for p in points]
        axes.errorbar(workers, medians, yerr=[below, above], fmt=STRATEGY_STYLE.get(strategy, "x-"),
                      capsize=3, label=strategy)
    axes.set_yscale("log")
    axes.set_xscale("log", base=2)
    axes.set_xticks([1, 2, 4, 8])
    axes.set_xticklabels(["1", "2", "4", "8"])
    axes.set_title(title, fontsize=10)
    axes.set_xlabel("workers")
    axes.set_ylabel("jobs/s (median, min-max)")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend(fontsize=8)


def plot(csv_path, png_path, mode):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows, capacity = read_rows(csv_path)
    panels = panels_of(rows)
    producer_counts = sorted({key[0] for key in panels})
    jobs = sorted({key[1] for key in panels}, key=lambda job: JOB_ORDER.get(job, 99))
    figure, grid = plt.subplots(len(jobs), len(producer_counts), squeeze=False,
                                figsize=(4.5 * len(producer_counts), 3.6 * len(jobs)))
    for row_index, job in enumerate(jobs):
        for column, producers in enumerate(producer_counts):
            lines = panels.get((producers, job), {})
            title = f"{job} jobs, {producers} producer{'s' if producers > 1 else ''}"
            plot_panel(grid[row_index][column], title, lines)
    figure.suptitle(f"cymade C engine queue strategies ({mode}, ring capacity {capacity})")
    figure.tight_layout()
    figure.savefig(png_path, dpi=100)
    print(f"wrote {png_path}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=["quick", "full"], default="quick")
    parser.add_argument("--dir", help="where c_queue_MODE.csv is and the PNG goes")
    args = parser.parse_args()
    directory = results_dir(args.dir)
    plot(directory / f"c_queue_{args.mode}.csv", directory / f"c_queue_{args.mode}.png", args.mode)


if __name__ == "__main__":
    main()
