"""Where the benchmarks write their tables and plots."""

import os
from pathlib import Path


def results_dir(explicit):
    """`explicit` if given, else <workspace>/bench/results under `bazel run`,
    else bench/results next to this script's directory."""
    if explicit:
        return Path(explicit)
    workspace = os.environ.get("BUILD_WORKSPACE_DIRECTORY")
    if workspace:
        return Path(workspace) / "bench" / "results"
    return Path(__file__).resolve().parent.parent / "results"
