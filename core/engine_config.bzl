"""How each build of the engine is configured.

Shared by //core (the `engine` and `engine_checked` libraries), by the
mutant builds in verify/engine, which compile a sed-edited engine source
with exactly the configuration of the library they stand in for, and by
verify/'s atomics suites, which take the checked sanitizer flags.

  production   liburcu-bp, the flags of the build plus link-time
               optimisation objects (what the Python extension and C users
               link); under --config=tsan the rwlock RCU stand-in instead,
               since liburcu has no TSan annotations.
  checked      what verify/ stresses: the reclaiming rwlock RCU stand-in
               with read-side assertions (src/rcu.h), and ThreadSanitizer
               (ASan+UBSan under --config=asan, whose flags the whole
               build then carries).
"""

PRODUCTION_DEFINES = select({
    "//core:tsan_build": ["CYMADE_RCU_RWLOCK"],
    "//conditions:default": [],
})

# Objects that carry GCC's link-time optimisation IR beside their ordinary
# code (-ffat-lto-objects).  The Python extensions link with LTO_LINKOPTS, so
# the engine's small functions on the per-job path (a submit down to the
# ring push, a future's start and completion, the arguments' calls) are
# inlined into the extension's callers: about 120 of a tiny job's 2,530
# instructions, counted as bench/README.md describes.  Every other link
# (libcymade.so, which lld links and which keeps each public function a real
# symbol; the tests) uses the ordinary code.  The sanitizer builds are for
# finding bugs and stay without.
LTO_COPTS = select({
    "//core:tsan_build": [],
    "//core:asan_build": [],
    "//conditions:default": [
        "-flto",
        "-ffat-lto-objects",
    ],
})

LTO_LINKOPTS = select({
    "//core:tsan_build": [],
    "//core:asan_build": [],
    "//conditions:default": ["-flto=auto"],
})

PRODUCTION_COPTS = LTO_COPTS

PRODUCTION_DEPS = select({
    "//core:tsan_build": [],
    "//conditions:default": ["//third_party/urcu:urcu_bp"],
})

CHECKED_DEFINES = ["CYMADE_RCU_RWLOCK"]

CHECKED_COPTS = select({
    "//core:asan_build": [],
    "//conditions:default": [
        "-fsanitize=thread",
        "-O1",
        "-g",
        # eventcount.c's seq_cst fences are intended; TSan not modelling
        # them is covered by verify/litmus, which runs the engine's own
        # eventcount against the hardware.
        "-Wno-tsan",
    ],
})

CHECKED_LINKOPTS = ["-pthread"] + select({
    "//core:asan_build": [],
    "//conditions:default": ["-fsanitize=thread"],
})
