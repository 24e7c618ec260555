"""engine_stress: TSan stress binaries over the engine's own sources, and mutants of them.

The engine (//core:engine_srcs) is recompiled into each binary together with
the test sources, with -DCYMADE_RCU_RWLOCK (liburcu has no TSan annotations;
see core/src/rcu.h) and ThreadSanitizer on, except under --config=asan, whose
ASan+UBSan flags apply instead (one binary cannot carry both runtimes).

A mutant replaces one engine source by a sed-edited copy.  The sed script
must change the file: a mutant that stops applying (because the source
changed) fails the build instead of passing vacuously.  <name>_is_caught
passes only when the mutant binary fails with output matching
`expected_failure`.
"""

load("@rules_cc//cc:defs.bzl", "cc_binary", "cc_test")

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

ENGINE_SANITIZER_FLAGS = select({
    "//verify/stress:asan_build": [],
    "//conditions:default": [
        "-fsanitize=thread",
        "-O1",
        "-g",
        # eventcount.c's seq_cst fences are intended; TSan not modelling them
        # is covered by verify/litmus (SB+park-wake), not by these tests.
        "-Wno-tsan",
    ],
})

ENGINE_COPTS = [
    "-DCYMADE_RCU_RWLOCK",
    "-Icore/include",
    "-Icore/src",
] + ENGINE_SANITIZER_FLAGS

ENGINE_LINKOPTS = ["-pthread", "-lurcu-common"] + select({
    "//verify/stress:asan_build": [],
    "//conditions:default": ["-fsanitize=thread"],
})

# With the real liburcu instead: no TSan (liburcu has no annotations), so
# these binaries are tagged no_tsan and test RCU's grace periods themselves.
LIBURCU_COPTS = [
    "-Icore/include",
    "-Icore/src",
]

LIBURCU_LINKOPTS = [
    "-pthread",
    "-lurcu-bp",
    "-lurcu-common",
]

def engine_stress(
        name,
        srcs,
        size = "small",
        mutate = None,
        sed_script = None,
        expected_failure = None,
        args = [],
        env = {},
        liburcu = False):
    """A stress binary over the engine, or a mutant of one.

    Without `mutate`: declares cc_binary `name` (for the gate and mutants)
    and cc_test `name_test`.
    With `mutate` (an engine source basename, e.g. "ring.c"): declares the
    mutant binary `name` (engine with `mutate` replaced by its sed-edited
    copy) and sh_test `name_is_caught`.

    Args:
      name: the binary's name.
      srcs: test sources (files or filegroups).
      size: the cc_test size.
      mutate: basename of the engine source to mutate, or None.
      sed_script: the sed expression applied to `mutate` (no single quotes).
      expected_failure: extended regex the mutant's output must match.
      args: arguments for the binary in the test.
      env: environment for the test.
      liburcu: build with the real liburcu and no TSan (see LIBURCU_COPTS).
    """
    engine = name + "_engine_srcs"
    tags = ["no_tsan"] if liburcu else []
    copts = LIBURCU_COPTS if liburcu else ENGINE_COPTS
    linkopts = LIBURCU_LINKOPTS if liburcu else ENGINE_LINKOPTS
    if mutate == None:
        select_files(name = engine, srcs = ["//core:engine_srcs"])
        engine_srcs = [":" + engine]
    else:
        if sed_script == None or expected_failure == None:
            fail("a mutant needs sed_script and expected_failure")
        if "'" in sed_script:
            fail("sed_script must not contain single quotes")
        select_files(name = engine, srcs = ["//core:engine_srcs"], exclude = [mutate])
        select_files(name = name + "_original", srcs = ["//core:engine_srcs"], only = [mutate])
        native.genrule(
            name = name + "_mutated",
            srcs = [":" + name + "_original"],
            outs = [name + "_mutant/" + mutate],
            cmd = "sed -e '%s' $< > $@ && ! cmp -s $< $@" % sed_script,
        )
        engine_srcs = [":" + engine, ":" + name + "_mutated"]
        tags = tags + ["no_sanitizer"]

    cc_binary(
        name = name,
        srcs = srcs + engine_srcs,
        copts = copts,
        linkopts = linkopts,
        deps = ["//core:atomic"],
        tags = tags,
        testonly = mutate != None,
        visibility = ["//verify:__subpackages__"],
    )
    if mutate == None:
        cc_test(
            name = name + "_test",
            size = size,
            srcs = srcs + engine_srcs,
            copts = copts,
            linkopts = linkopts,
            deps = ["//core:atomic"],
            args = args,
            env = env,
            tags = tags,
        )
    else:
        native.sh_test(
            name = name + "_is_caught",
            size = size,
            srcs = ["//verify/mutants:expect_failure.sh"],
            args = ["'%s'" % expected_failure, "$(location :%s)" % name] + args,
            data = [":" + name],
            env = env,
            tags = tags,
        )
