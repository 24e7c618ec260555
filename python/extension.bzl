"""py_extension: one CPython extension module of the cymade package."""

load("@rules_cc//cc:defs.bzl", "cc_binary")

def py_extension(name, srcs, deps = []):
    """Builds `cymade/<name>.so` behind the verify gate.

    Every extension depends on //verify:verified_stamp, which exists only when
    every verify/ suite passed, so no extension can be built from an engine
    that failed verification.  Each module includes its cymade/verified.h and
    shows the summary (cymade._core as `verified`, the others as
    `__verified__`).

    Args:
      name: the module's name inside the package, e.g. "_atomic".
      srcs: its C sources and private headers.
      deps: the core/ libraries it calls.
    """
    cc_binary(
        name = "cymade/%s.so" % name,
        srcs = srcs,
        copts = ["-fvisibility=hidden"],
        additional_linker_inputs = [":extension.map"],
        linkopts = ["-Wl,--version-script=$(location :extension.map)"],
        linkshared = True,
        deps = deps + [
            ":python_support",
            "//verify:verified_stamp",
            "@local_python//:python_headers",
        ],
    )
