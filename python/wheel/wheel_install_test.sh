#!/bin/bash
# Installs the wheel into a fresh virtual environment (no index: offline) and
# uses both modules from there, outside the source tree.
set -euo pipefail
python=$1
wheel=$2
venv="$TEST_TMPDIR/venv"
"$python" -m venv "$venv"
"$venv/bin/pip" install --quiet --no-index "$wheel"
cd "$TEST_TMPDIR"
"$venv/bin/python" - <<'PY'
import concurrent.futures

import cymade
from cymade.atomic import U64
from cymade.threadpool import ThreadPool

assert "site-packages" in cymade.__file__, cymade.__file__
zeros = []
counter = U64(2, on_zero=lambda: zeros.append(True))
with ThreadPool(2) as pool:
    future = pool.submit(sum, [1, 2, 3])
    assert isinstance(future, concurrent.futures.Future)
    assert future.result(timeout=10) == 6
counter -= 2
assert zeros == [True] and int(counter) == 0
print("wheel installed and working:", cymade.__file__)
PY
