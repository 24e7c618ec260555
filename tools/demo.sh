#!/bin/bash
# The main job: cymade side by side with the standard library and with the
# engine's mutex baseline, on this machine, in about two minutes.
# Pass --full for the full sizes.  Tables and plots go to bench/out/, which
# git ignores (the committed reference results are in bench/results/).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
mode=--quick
[ "${1:-}" = "--full" ] && mode=--full
out=bench/out  # as in bench/python/results_location.py
mkdir -p "$out"
bazel build //bench:pool_throughput //bench:compare
echo "## C engine: no-op jobs through each queue strategy, 2 workers"
if [ "$mode" = --full ]; then
    "$(bazel info bazel-bin)/bench/pool_throughput" 10000000 2 5 | tee "$out/c_pool_throughput_full.md"
else
    "$(bazel info bazel-bin)/bench/pool_throughput" 2000000 2 3 | tee "$out/c_pool_throughput_quick.md"
fi
echo
echo "## Python: cymade vs concurrent.futures / threading.Lock"
bazel run //bench:compare -- "$mode"
