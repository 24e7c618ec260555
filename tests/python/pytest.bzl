"""pytest_test: one pytest module as a Bazel test, run by the registered interpreter."""

def pytest_test(name, srcs, deps, size = "small", data = []):
    """Runs `<name>.py` (the first of `srcs`) with pytest.

    Tagged no_sanitizer (the interpreter is not instrumented, so the plain
    sanitizer configs skip it) and pytest (--config=asan-python selects it).

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
        srcs = ["run_pytest.py"] + srcs,
        args = ["$(location %s.py)" % name],
        data = data,
        main = "run_pytest.py",
        python_version = "PY3",
        tags = [
            "no_sanitizer",
            "pytest",
        ],
        deps = deps,
    )
