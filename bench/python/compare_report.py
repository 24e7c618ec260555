"""compare.py's output: the markdown report (machine line, table, checks)
and the bar chart of the ratios."""

import contextlib
import os
import sys

from compare_rows import Row

PLAIN_HEADER = "plain int/float, not thread-safe (reference)"


def fmt_value(value: float | None, unit: str) -> str:
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


def fmt_target(row: Row) -> str:
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


def cpu_model() -> str:
    """The CPU model name from /proc/cpuinfo."""
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as cpuinfo:
        return next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), "unknown CPU")
    return "unknown CPU"


def machine_line() -> str:
    """nproc, CPU model and the interpreter (sys.version) on one line."""
    return f"Machine: nproc={os.cpu_count()}, CPU: {cpu_model()}; Python: {sys.version.replace(chr(10), ' ')}"


def markdown(rows: list[Row], mode: str, repeats: int, workers: int, wall: float) -> str:
    """The whole report: header lines, the table and the notes."""
    lines = [
        f"# cymade vs standard library ({mode})",
        "",
        machine_line(),
        "",
        f"Medians of {repeats} interleaved runs per side; ratio = baseline/cymade (higher = cymade better). "
        f"Pool rows: ThreadPool({workers}) vs ThreadPoolExecutor({workers}); atomics rows: cymade vs threading.Lock-guarded. "
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


def plot(rows: list[Row], path, title: str) -> None:
    """Horizontal bars of the ratios (log scale), a line at 1x and a marker at
    each target; bars are green (target met), red (missed) or grey (none)."""
    import matplotlib

    matplotlib.use("Agg")  # writes files; needs no display
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
