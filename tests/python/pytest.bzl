"""pytest_test: one pytest module as a Bazel test, run by the registered interpreter."""

def pytest_test(name, srcs, deps, size = "small", data = []):
    """Runs `<name>.py` (the first of `srcs`) with pytest.

    Tagged no_sanitizer (the interpreter is not instrumented, so the plain
    sanitizer configs skip it), pytest (--config=asan-python selects it) and
    python (it depends on the interpreter: tools/test.sh runs these targets
    again with each supported CPython).

    Args:
      name: the test; its module is `<name>.py`.
      srcs: the module first, then helper modules it imports.
      deps: py_library targets it needs.
      size: the test size.
      data: files it reads.
    """
    native.py_test(
        name = name,
        size = size,
        srcs = ["conftest.py", "run_pytest.py"] + srcs,
        args = ["$(location %s.py)" % name],
        data = data,
        main = "run_pytest.py",
        python_version = "PY3",
        tags = [
            "no_sanitizer",
            "pytest",
            "python",
        ],
        deps = deps,
    )
