"""py_extension: one CPython extension module of the cymade package."""

load("@rules_cc//cc:defs.bzl", "cc_binary")
load("//core:engine_config.bzl", "LTO_COPTS", "LTO_LINKOPTS")

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
        copts = ["-fvisibility=hidden"] + LTO_COPTS,
        additional_linker_inputs = [":extension.map"],
        # Link-time optimisation across the module and the engine
        # (core/engine_config.bzl).
        linkopts = ["-Wl,--version-script=$(location :extension.map)"] + LTO_LINKOPTS,
        linkshared = True,
        deps = deps + [
            ":python_support",
            "//verify:verified_stamp",
            "@local_python//:python_headers",
        ],
    )
