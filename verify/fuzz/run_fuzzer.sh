#!/bin/bash
# run_fuzzer.sh FUZZER SEED_CORPUS_DIR
#
# Runs the libFuzzer binary FUZZER for $FUZZ_SECONDS (default 20) seconds,
# starting from a writable copy of SEED_CORPUS_DIR (the runfiles tree is
# read-only).  Exits non-zero, as libFuzzer does, on a crash, a leak, a
# sanitizer report or an input that runs longer than $FUZZ_INPUT_TIMEOUT
# (default 10) seconds; the offending input is written next to the test's
# undeclared outputs so that it can be replayed: `FUZZER <input>`.
set -euo pipefail

fuzzer=$1
seeds=$2
scratch=${TEST_TMPDIR:-$(mktemp -d)}
artifacts=${TEST_UNDECLARED_OUTPUTS_DIR:-$scratch}

corpus=$scratch/corpus
rm -rf "$corpus"
mkdir -p "$corpus"
cp "$seeds"/* "$corpus"/

status=0
"$fuzzer" \
    -max_total_time="${FUZZ_SECONDS:-20}" \
    -timeout="${FUZZ_INPUT_TIMEOUT:-10}" \
    -max_len=512 \
    -print_final_stats=1 \
    -artifact_prefix="$artifacts/" \
    "$corpus" || status=$?

if [ "$status" -ne 0 ]; then
    echo "run_fuzzer.sh: the fuzzer failed (exit $status); reproducer(s) in $artifacts:" >&2
    ls -l "$artifacts" >&2
fi
echo "run_fuzzer.sh: corpus grew from $(ls "$seeds" | wc -l) to $(ls "$corpus" | wc -l) inputs"
exit "$status"
