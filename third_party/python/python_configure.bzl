"""Repository rule that wraps the system's Python interpreter and headers.

The interpreter comes from $PYTHON, else $PYTHON_BIN_PATH, else /usr/bin/python3
(Debian's, which has pytest; the pyenv python3 on PATH does not). The same
interpreter runs py_test targets (through a registered py_runtime) and provides
the headers the extension is compiled against, so the two cannot disagree.

An interpreter that cannot import pytest itself (a pyenv CPython) runs the
tests with Debian's pure-Python pytest and hypothesis appended to its path
(/usr/lib/python3/dist-packages), through a small wrapper script.
"""

_DEFAULT_PYTHON = "/usr/bin/python3"

_DEBIAN_DIST_PACKAGES = "/usr/lib/python3/dist-packages"

_QUERY = """
import importlib.util, os, sys, sysconfig
print(sys.executable)
include = sysconfig.get_paths()["include"]
print(include)
# Debian keeps pyconfig.h in a multiarch directory beside the include directory.
multiarch = sysconfig.get_config_var("MULTIARCH") or ""
platform_include = os.path.join(os.path.dirname(include), multiarch, os.path.basename(include))
print(os.path.join(multiarch, os.path.basename(include)) if multiarch and os.path.isdir(platform_include) else "")
print(platform_include)
python = "cp%d%d" % sys.version_info[:2]
print("%s-%s-%s" % (python, python, sysconfig.get_platform().replace("-", "_").replace(".", "_")))
print("yes" if importlib.util.find_spec("pytest") else "no")
"""

def _python_configure_impl(ctx):
    python = ctx.os.environ.get("PYTHON") or ctx.os.environ.get("PYTHON_BIN_PATH") or _DEFAULT_PYTHON
    found = ctx.which(python) if "/" not in python else ctx.path(python)
    if found == None or not found.exists:
        fail("cymade: Python interpreter '%s' not found; set PYTHON to a python3 with headers" % python)
    result = ctx.execute([found, "-c", _QUERY])
    if result.return_code != 0:
        fail("cymade: '%s' failed to report its configuration:\n%s" % (found, result.stderr))
    executable, include_dir, platform_subdir, platform_include, wheel_tag, has_pytest = (
        result.stdout.strip().split("\n")
    )
    if not ctx.path(include_dir + "/Python.h").exists:
        fail("cymade: no Python.h under %s; install python3-dev" % include_dir)
    ctx.symlink(include_dir, "include")
    if platform_subdir:
        ctx.symlink(platform_include, "platform_include/" + platform_subdir)
    else:
        ctx.file("platform_include/.none", "")  # an empty directory, so `includes` always names one
    interpreter = executable
    if has_pytest != "yes":
        interpreter = str(ctx.path("python_with_pytest"))
        ctx.file("python_with_pytest", """#!/bin/sh
# {executable} with Debian's pure-Python pytest and hypothesis after its own path.
PYTHONPATH="${{PYTHONPATH:+$PYTHONPATH:}}{dist_packages}" exec {executable} "$@"
""".format(executable = executable, dist_packages = _DEBIAN_DIST_PACKAGES), executable = True)
    ctx.file("defs.bzl", "PYTHON_EXECUTABLE = %r\nPYTHON_WHEEL_TAG = %r\n" % (executable, wheel_tag))
    ctx.file("BUILD.bazel", """
load("@bazel_tools//tools/python:toolchain.bzl", "py_runtime_pair")

package(default_visibility = ["//visibility:public"])

cc_library(
    name = "python_headers",
    hdrs = glob(["include/**/*.h", "platform_include/**/*.h"]),
    includes = ["include", "platform_include"],
)

py_runtime(
    name = "py3_runtime",
    interpreter_path = "{interpreter}",
    python_version = "PY3",
    # Bazel's default stub starts with `#!/usr/bin/env python`, and there is
    # no `python` on the test PATH here: run the stub with this interpreter.
    stub_shebang = "#!{interpreter}",
)

py_runtime_pair(
    name = "runtime_pair",
    py3_runtime = ":py3_runtime",
)

toolchain(
    name = "python_toolchain",
    toolchain = ":runtime_pair",
    toolchain_type = "@bazel_tools//tools/python:toolchain_type",
)
""".format(interpreter = interpreter))

python_configure = repository_rule(
    implementation = _python_configure_impl,
    environ = ["PYTHON", "PYTHON_BIN_PATH"],
    local = True,
)
