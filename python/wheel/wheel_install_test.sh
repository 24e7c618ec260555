#!/bin/bash
# Installs the wheel into a fresh virtual environment (no index: offline) and
# uses every public API from there, outside the source tree.
set -euo pipefail
python=$1
wheel=$2
smoke_check=$(realpath "$3")
venv="$TEST_TMPDIR/venv"
"$python" -m venv "$venv"
"$venv/bin/pip" install --quiet --no-index "$wheel"
cd "$TEST_TMPDIR"
"$venv/bin/python" "$smoke_check"
