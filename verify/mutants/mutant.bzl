"""atomic_mutant: proves a verify/ suite can fail.

A mutant is a copy of core/include/cymade/atomic.h with one deliberate bug,
made by a sed script.  The suite's sources are recompiled against the mutant
header and the resulting test must fail with an expected message.  The sed
script must change the header: a mutant that silently stops applying (because
the header changed) fails the build instead of passing vacuously.
"""

load("@rules_cc//cc:defs.bzl", "cc_binary", "cc_library")

def atomic_mutant(name, sed_script, suite_srcs, expected_failure, args = [], data = [], env = {}, tags = [], copts = [], linkopts = []):
    """Declares <name>_is_caught, a test that passes only if the suite rejects the mutant.

    Args:
      name: the mutant's name.
      sed_script: a sed expression applied to atomic.h.
      suite_srcs: the suite's sources (a filegroup), recompiled against the mutant.
      expected_failure: an extended regex the failing suite's output must match.
      args: arguments for the suite binary (e.g. a litmus test filter).
      data: files the suite reads at run time (e.g. litmus kinds.txt).
      env: environment for the suite (e.g. more litmus iterations).
      tags: more tags for the test (e.g. exclusive, for a litmus run).
      copts: extra compile options for the suite (e.g. -fsanitize=thread).
      linkopts: extra link options for the suite.
    """
    native.genrule(
        name = name + "_header",
        srcs = ["//core:include/cymade/atomic.h"],
        outs = [name + "/cymade/atomic.h"],
        cmd = "sed -e '%s' $< > $@ && ! cmp -s $< $@" % sed_script,
    )
    cc_library(
        name = name + "_atomic",
        hdrs = [name + "/cymade/atomic.h"],
        includes = [name],
    )
    # no_sanitizer on the binary too: `bazel test //...` builds every
    # target, and a mutant carrying -fsanitize=thread cannot also take the
    # --config=asan flags.
    cc_binary(
        name = name + "_suite",
        srcs = [suite_srcs],
        copts = ["-O2"] + copts,
        linkopts = ["-pthread"] + linkopts,
        deps = [
            ":" + name + "_atomic",
            "//core:monotonic_clock",
            "//verify:memory_order_name",
        ],
        tags = ["no_sanitizer"],
        testonly = True,
    )
    mutant_is_caught_test(
        name = name + "_is_caught",
        binary = ":" + name + "_suite",
        expected_failure = expected_failure,
        args = args,
        data = data,
        env = env,
        tags = tags,
    )

def mutant_is_caught_test(name, binary, expected_failure, args = [], data = [], env = {}, tags = []):
    """A test that passes only if `binary` fails with output matching `expected_failure`.

    Tagged no_sanitizer: a mutant carries its own sanitizer flags, which the
    --config=asan/tsan flags would clash with.

    Args:
      name: the test's name (by convention `<mutant>_is_caught`).
      binary: the mutant's binary.
      expected_failure: an extended regex (no single quotes).
      args: arguments for the binary.
      data: files the binary reads.
      env: environment for the binary.
      tags: more tags (e.g. exclusive, for a litmus run).
    """
    if "'" in expected_failure:
        fail("expected_failure must not contain single quotes")
    native.sh_test(
        name = name,
        srcs = ["//verify/mutants:expect_failure.sh"],
        args = ["'%s'" % expected_failure, "$(location %s)" % binary] + args,
        data = [binary] + data,
        env = env,
        tags = ["no_sanitizer"] + tags,
    )
