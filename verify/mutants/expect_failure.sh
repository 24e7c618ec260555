#!/bin/bash
# Usage: expect_failure.sh REGEX SUITE [ARGS...]
# Passes only if SUITE exits non-zero and its output matches REGEX, so a mutant
# that crashes for an unrelated reason does not count as caught.
set -u
expected=$1
shift
output=$("$@" 2>&1)
status=$?
if [ "$status" -eq 0 ]; then
    echo "mutant NOT caught: $* exited 0"
    echo "$output" | tail -n 20
    exit 1
fi
if ! grep -Eq -- "$expected" <<<"$output"; then
    echo "mutant failed, but not as expected (wanted /$expected/, exit $status):"
    echo "$output" | tail -n 20
    exit 1
fi
echo "mutant caught (exit $status): $(grep -E -m1 -- "$expected" <<<"$output")"
