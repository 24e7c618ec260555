#!/bin/bash
# Runs every test: set-up, then `bazel test //...` (GoogleTest, verify/ suites,
# mutants, pytest; building the extensions behind the verify gate) with
# CPython 3.11, then the Python tests (pytest suites, wheel) again with every
# other supported CPython (tools/pythons.sh), `pip install .` into a fresh
# venv for each, a compile of every extension against free-threaded 3.14
# headers, a check that every file a comment or document names is in the
# repository (tools/check_citations.py), and a check of the C/C++ format
# (.clang-format).
#
#   tools/test.sh                      # the whole matrix
#   tools/test.sh --python 3.13        # everything, with one CPython only
#   tools/test.sh --python 3.11 --config=tsan   # extra arguments go to bazel
#                                      # (then no pip install check)
#
# A supported version missing on the machine counts as a failure.  3.15 is a
# preview: its results are shown and counted apart, and do not fail the run.
# The last line is `N passed, N failed` (Bazel test targets and the
# free-threaded compile; preview results not included).
set -uo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh || exit 1
source tools/pythons.sh

only_version=
bazel_args=()
while [ $# -gt 0 ]; do
    case "$1" in
    --python) only_version=${2:?--python needs a version}; shift 2 ;;
    --python=*) only_version=${1#--python=}; shift ;;
    *) bazel_args+=("$1"); shift ;;
    esac
done

total_passed=0
total_failed=0
preview_summary=()
status=0

# Runs bazel with "$@" and adds its per-target results to the totals (or to
# the preview summary when $preview is set).
run_bazel() {
    local label=$1 preview=$2
    shift 2
    local log
    log=$(mktemp)
    echo "=== $label: bazel $*"
    bazel "$@" 2>&1 | tee "$log"
    local run_status=${PIPESTATUS[0]}
    local passed failed
    passed=$(grep -cE '^//[^ ]+ +(\(cached\) )?PASSED' "$log")
    failed=$(grep -cE '^//[^ ]+ +(FAILED|TIMEOUT|NO STATUS|FAILED TO BUILD)' "$log")
    rm -f "$log"
    if [ "$1" = build ]; then
        # A build step is one check of its own.
        if [ "$run_status" -eq 0 ]; then passed=1; else failed=1; fi
    elif [ "$run_status" -ne 0 ] && [ "$failed" -eq 0 ]; then
        failed=1 # the build itself failed (e.g. the verify gate)
    fi
    echo "=== $label: $passed passed, $failed failed"
    if [ -n "$preview" ]; then
        preview_summary+=("$label: $passed passed, $failed failed")
    else
        total_passed=$((total_passed + passed))
        total_failed=$((total_failed + failed))
        [ "$run_status" -eq 0 ] || status=1
    fi
}

# Tests with CPython $1: everything (`//...`) for the first version, only the
# targets tagged `python` (they depend on the interpreter) for the others.
test_version() {
    local version=$1 scope=$2 preview=$3 interpreter
    if ! interpreter=$(python_path "$version"); then
        if [ -n "$preview" ]; then
            preview_summary+=("Python $version: not available on this machine")
        else
            echo "=== Python $version: FAILED: not available on this machine (tools/pythons.sh)"
            total_failed=$((total_failed + 1))
            status=1
        fi
        return
    fi
    local filters=() targets=(//...)
    [ "$scope" = python ] && filters=(--test_tag_filters=python)
    # CPython's own suite (tests/stdlib) runs where the interpreter has it:
    # Debian's libpython3.X-testsuite; pyenv's 3.12 build ships none.
    if ! "$interpreter" -c "import importlib.util, sys; sys.exit(importlib.util.find_spec('test.test_concurrent_futures') is None)" 2>/dev/null; then
        echo "=== Python $version: no test.test_concurrent_futures installed; //tests/stdlib skipped"
        targets+=(-//tests/stdlib:concurrent_futures_suite)
    fi
    PYTHON=$interpreter run_bazel "Python $version${preview:+ (preview)}" "$preview" \
        test "${bazel_args[@]}" "${filters[@]}" -- "${targets[@]}"
}

# A check of the checkout itself, counted as one test: run_check LABEL CMD...
run_check() {
    local label=$1
    shift
    echo "=== $label"
    if "$@"; then
        echo "=== $label: 1 passed, 0 failed"
        total_passed=$((total_passed + 1))
    else
        echo "=== $label: 0 passed, 1 failed"
        total_failed=$((total_failed + 1))
        status=1
    fi
}

# `pip install --no-build-isolation .` from this checkout into a fresh venv of
# CPython $1 (python/build_backend), then every public API from there.
pip_install_and_smoke_check() {
    local interpreter=$1 work checkout=$PWD ok=0
    work=$(mktemp -d)
    if "$interpreter" -m venv "$work/venv" &&
        "$work/venv/bin/pip" install --no-build-isolation --no-index . &&
        (cd "$work" && "$work/venv/bin/python" "$checkout/python/wheel/smoke_check.py"); then
        ok=1
    fi
    rm -rf "$work"
    [ "$ok" -eq 1 ]
}

pip_install_check() {
    local version=$1 interpreter
    interpreter=$(python_path "$version") || return 0 # counted by test_version
    run_check "pip install . (Python $version)" pip_install_and_smoke_check "$interpreter"
}

# Every tracked C and C++ file is formatted as .clang-format says.
check_format() {
    git ls-files -z '*.c' '*.h' '*.cc' | xargs -0 clang-format-14 --dry-run --Werror
}

# Every extension compiled as for a free-threaded (Py_GIL_DISABLED) 3.14,
# warnings as errors.  No free-threaded interpreter can be installed here, so
# nothing runs it.
compile_free_threaded() {
    local interpreter
    if ! interpreter=$(python_path 3.14); then
        echo "=== free-threaded 3.14 compile: FAILED: no Python 3.14 headers"
        total_failed=$((total_failed + 1))
        status=1
        return
    fi
    PYTHON=$interpreter run_bazel "free-threaded 3.14 compile" "" build --config=free-threaded //python:cymade
}

if [ -n "$only_version" ]; then
    test_version "$only_version" all ""
    [ ${#bazel_args[@]} -gt 0 ] || pip_install_check "$only_version"
else
    test_version "${SUPPORTED_PYTHONS[0]}" all ""
    for version in "${SUPPORTED_PYTHONS[@]:1}"; do
        test_version "$version" python ""
    done
    for version in "${PREVIEW_PYTHONS[@]}"; do
        test_version "$version" python preview
    done
    if [ ${#bazel_args[@]} -eq 0 ]; then
        for version in "${SUPPORTED_PYTHONS[@]}"; do
            pip_install_check "$version"
        done
    fi
    compile_free_threaded
    run_check "citations: every file a comment or document names is in the repository" tools/check_citations.py
    run_check "format: every C and C++ file as .clang-format says" check_format
fi

for line in "${preview_summary[@]}"; do
    echo "preview (not counted): $line"
done
echo "$total_passed passed, $total_failed failed"
exit "$status"
