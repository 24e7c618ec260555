"""In-tree PEP 517 build backend: `pip install --no-build-isolation .` from a checkout.

It builds the wheel the same way as `bazel build //python/wheel:wheel`, for the
interpreter that runs pip (passed to Bazel as $PYTHON, see
third_party/python/python_configure.bzl), so the extensions are behind the
verify gate like every other build.  Needs no network and no package from
PyPI: tools/setup.sh installs Bazel and the other Debian packages if missing.
Only wheels are built; there is no sdist (the Bazel workspace is the source).
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WHEEL_TARGET = "//python/wheel:wheel"


def _run(command, env):
    # Bazel and apt write progress to stdout; pip shows the backend's stderr.
    subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=sys.stderr)


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    env = dict(os.environ, PYTHON=sys.executable)
    _run([str(ROOT / "tools" / "setup.sh")], env)
    _run(["bazel", "build", WHEEL_TARGET], env)
    bazel_bin = subprocess.run(
        ["bazel", "info", "bazel-bin"], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout.strip()
    tag = "cp%d%d" % sys.version_info[:2]
    wheels = sorted(Path(bazel_bin, "python", "wheel").glob(f"cymade-*-{tag}-{tag}-*.whl"))
    if len(wheels) != 1:
        raise RuntimeError(f"cymade: expected one {tag} wheel from {WHEEL_TARGET}, found {wheels}")
    shutil.copy(wheels[0], wheel_directory)
    return wheels[0].name


def get_requires_for_build_wheel(config_settings=None):
    return []
