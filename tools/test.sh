#!/bin/bash
# Runs every test: set-up, then `bazel test //...` (GoogleTest, verify/ suites,
# mutants, pytest; building the extension behind the verify gate).
# Extra arguments go to bazel, e.g. tools/test.sh --config=tsan
set -uo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh || exit 1

log=$(mktemp)
bazel test "$@" //... 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# One closing line a CI runner can read, counted from Bazel's per-target results.
passed=$(grep -cE '^//[^ ]+ +(\(cached\) )?PASSED' "$log")
failed=$(grep -cE '^//[^ ]+ +(FAILED|TIMEOUT|NO STATUS|FAILED TO BUILD)' "$log")
rm -f "$log"
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
    failed=1 # the build itself failed (e.g. the verify gate)
fi
echo "$passed passed, $failed failed"
exit "$status"
