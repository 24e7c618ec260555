#!/bin/sh
# Fails, naming each one, if a cymade_atomic_* function defined in
# cymade/atomic.h is not used literally in any litmus source (SPEC.md §4:
# every atomic operation appears in at least one litmus test).
#
# Usage: litmus_coverage_test.sh ATOMIC_H LITMUS_SOURCE...
set -eu

header=$1
shift

# Definitions are the CYMADE_ALWAYS_INLINE lines; the name is the identifier
# that opens the parameter list.
defined=$(grep -E '^CYMADE_ALWAYS_INLINE' "$header" |
    grep -oE 'cymade_atomic_[a-z0-9_]+[[:space:]]*\(' |
    sed -E 's/[[:space:]]*\($//' | sort -u)

if [ -z "$defined" ]; then
    echo "litmus coverage: no cymade_atomic_* definitions found in $header" >&2
    exit 1
fi

missing=0
total=0
for name in $defined; do
    total=$((total + 1))
    if ! grep -qw "$name" "$@"; then
        echo "litmus coverage: $name is not used by any litmus test" >&2
        missing=$((missing + 1))
    fi
done

if [ "$missing" -ne 0 ]; then
    echo "litmus coverage: $missing of $total cymade_atomic_* functions not covered" >&2
    exit 1
fi
echo "litmus coverage: all $total cymade_atomic_* functions are used by litmus tests"
