"""engine_stress and engine_mutant: stress suites over the engine, and mutants of it.

A stress suite is built twice, each linked against a cc_library of the engine
(core/engine_config.bzl says how each is configured):

  <name>_checked      //core:engine_checked: ThreadSanitizer (ASan+UBSan
                      under --config=asan) and the reclaiming RCU stand-in
                      with read-side assertions;
  <name>_production   //core:engine: what ships (liburcu-bp, the build's
                      flags), so the gate certifies that build too.

Both also link the baseline queue strategies (core/baselines/) built over
the same engine, which stress_pool and the fuzz replay run pools over.

Each runs once as a verify suite (verify/suite.bzl): `<name>_<variant>_test`
reports it, and the gate reads its log.

A mutant is the checked (or production) engine with one source replaced by a
sed-edited copy, compiled with the same configuration.  The sed script must
change the file: a mutant that stops applying (because the source changed)
fails the build instead of passing vacuously.  `<name>_is_caught` passes only
when the mutant binary fails with output matching `expected_failure`.
"""

load("@rules_cc//cc:defs.bzl", "cc_binary", "cc_library")
load(
    "//core:engine_config.bzl",
    "CHECKED_COPTS",
    "CHECKED_DEFINES",
    "CHECKED_LINKOPTS",
    "PRODUCTION_COPTS",
    "PRODUCTION_DEFINES",
    "PRODUCTION_DEPS",
)
load("//verify:suite.bzl", "verify_suite")
load("//verify/mutants:mutant.bzl", "mutant_is_caught_test")

def _select_files_impl(ctx):
    files = []
    found = {}
    for f in ctx.files.srcs:
        found[f.basename] = True
        if f.basename in ctx.attr.exclude:
            continue
        if ctx.attr.only and f.basename not in ctx.attr.only:
            continue
        files.append(f)
    for wanted in ctx.attr.exclude + ctx.attr.only:
        if wanted not in found:
            fail("%s: no file named %s in %s" % (ctx.label, wanted, ctx.attr.srcs))
    return [DefaultInfo(files = depset(files))]

# Picks files out of a filegroup by basename (`only`), or drops some (`exclude`).
select_files = rule(
    implementation = _select_files_impl,
    attrs = {
        "srcs": attr.label_list(allow_files = True),
        "only": attr.string_list(),
        "exclude": attr.string_list(),
    },
)

# How a test's own sources are compiled next to each engine variant: with
# the checked engine's sanitizer flags, or as plain as the production build.
_TEST_COPTS = {
    "checked": CHECKED_COPTS,
    "production": [],
}

_TEST_LINKOPTS = {
    "checked": CHECKED_LINKOPTS,
    "production": ["-pthread"],
}

_ENGINE = {
    "checked": "//core:engine_checked",
    "production": "//core:engine",
}

# The baseline queue strategies (core/baselines/) built over each engine
# variant, for suites that run pools over them.
_BASELINES = {
    "checked": "//core:baseline_strategies_checked",
    "production": "//core:baseline_strategies",
}

def engine_stress(name, srcs, args = [], data = [], env = {}, timeout_seconds = 600):
    """Declares `<name>_checked` and `<name>_production`, each a binary and a verify suite.

    Args:
      name: the suite's name.
      srcs: test sources (files or filegroups).
      args: arguments for the binaries ($(location) is expanded).
      data: files the binaries read.
      env: environment for the runs.
      timeout_seconds: a run is killed, and fails, after this long.
    """
    for variant in ["checked", "production"]:
        binary = "%s_%s" % (name, variant)
        cc_binary(
            name = binary,
            srcs = srcs,
            copts = _TEST_COPTS[variant],
            linkopts = _TEST_LINKOPTS[variant],
            visibility = ["//verify:__subpackages__"],
            deps = [
                _ENGINE[variant],
                "//core:monotonic_clock",
                _BASELINES[variant],
                "//core:engine_private_headers",
            ],
        )
        verify_suite(
            name = binary,
            binary = ":" + binary,
            args = args,
            data = data,
            env = env,
            timeout_seconds = timeout_seconds,
        )

def engine_mutant(name, srcs, mutate, sed_script, expected_failure, engine = "checked", args = [], data = [], env = {}, tags = []):
    """Declares the mutant binary `name` and the test `<name>_is_caught`.

    Args:
      name: the mutant's name.
      srcs: the test sources that must catch it.
      mutate: basename of the engine source to replace, e.g. "ring.c".
      sed_script: the sed expression applied to it (no single quotes).
      expected_failure: extended regex the binary's output must match.
      engine: "checked" or "production": whose configuration it builds with.
      args: arguments for the binary.
      data: files the binary reads.
      env: environment for the test.
      tags: more tags for the test (e.g. exclusive).
    """
    if "'" in sed_script:
        fail("sed_script must not contain single quotes")
    select_files(name = name + "_unchanged", srcs = ["//core:engine_srcs"], exclude = [mutate])
    select_files(name = name + "_original", srcs = ["//core:engine_srcs"], only = [mutate])
    native.genrule(
        name = name + "_mutated",
        srcs = [":" + name + "_original"],
        outs = [name + "_mutant/" + mutate],
        cmd = "sed -e '%s' $< > $@ && ! cmp -s $< $@" % sed_script,
        testonly = True,
    )
    checked = engine == "checked"
    cc_library(
        name = name + "_engine",
        srcs = [
            ":" + name + "_unchanged",
            ":" + name + "_mutated",
        ],
        copts = CHECKED_COPTS if checked else PRODUCTION_COPTS,
        defines = CHECKED_DEFINES if checked else PRODUCTION_DEFINES,
        linkopts = CHECKED_LINKOPTS if checked else ["-pthread"],
        deps = [
            "//core:atomic",
            "//core:engine_private_headers",
        ] + ([] if checked else PRODUCTION_DEPS),
        tags = ["no_sanitizer"],
        testonly = True,
    )
    cc_binary(
        name = name,
        srcs = srcs,
        copts = _TEST_COPTS[engine],
        linkopts = _TEST_LINKOPTS[engine],
        deps = [
            ":" + name + "_engine",
            "//core:monotonic_clock",
            "//core:engine_private_headers",
        ],
        tags = ["no_sanitizer"],
        testonly = True,
    )
    mutant_is_caught_test(
        name = name + "_is_caught",
        binary = ":" + name,
        expected_failure = expected_failure,
        args = args,
        data = data,
        env = env,
        tags = tags,
    )

def litmus_mutant(name, litmus_test, mutate, sed_script, expected_failure):
    """A mutant of the production engine that the litmus test `litmus_test` must catch.

    The runner (//verify/litmus) is rebuilt against the mutated engine and
    runs that one test for a million iterations (half a second; enough to
    see store buffering every time on a loaded machine), with the CPUs to
    itself.

    Args:
      name: the mutant's name.
      litmus_test: the litmus test's name (a runner filter).
      mutate: basename of the engine source to replace.
      sed_script: the sed expression applied to it.
      expected_failure: extended regex the runner's output must match.
    """
    engine_mutant(
        name = name,
        srcs = ["//verify/litmus:runner_srcs"],
        mutate = mutate,
        sed_script = sed_script,
        expected_failure = expected_failure,
        engine = "production",
        args = [litmus_test],
        data = ["//verify/litmus:kinds.txt"],
        env = {"CYMADE_LITMUS_ITERATIONS": "1000000"},
        tags = ["exclusive"],
    )
