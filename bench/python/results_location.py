"""Where the benchmarks write their tables and plots.

They write to bench/out/, which git ignores, so running a benchmark never
dirties the checkout.  bench/results/ holds the committed reference results
that README.md quotes; a benchmark writes there only when told to with
--out / --dir.
"""

import os
from pathlib import Path

# Also written out in bench/c/queue_bench.c and tools/demo.sh, and ignored
# in .gitignore: keep the four in step.
OUTPUT_SUBDIR = Path("bench") / "out"


def results_dir(explicit: str | None) -> Path:
    """`explicit` if given, else <workspace>/bench/out under `bazel run`,
    else bench/out in the checkout that holds this script."""
    if explicit:
        return Path(explicit)
    workspace = os.environ.get("BUILD_WORKSPACE_DIRECTORY")
    if workspace:
        return Path(workspace) / OUTPUT_SUBDIR
    return Path(__file__).resolve().parent.parent.parent / OUTPUT_SUBDIR
