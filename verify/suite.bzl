"""verify_suite: one verify/ suite, run once, reported by a test and read by the gate.

A suite is a binary that prints `<name>: N passed, N failed` and exits 0 only
when every check passed.  `verify_suite` runs it in a build action (the
genrule `<name>_run`, which records its output and exit status in
`<name>.log` and succeeds either way), and declares `<name>_test`, which
prints that log and fails as the suite did.  The gate (verify/BUILD.bazel)
reads the same logs.  So `bazel test //...` runs every suite exactly once,
in the configuration of the build (TSan, ASan, production), and the binary
the gate certifies is the one the test reports on.

A suite's run is cached like any build output.  To run one again, run its
binary (`bazel run //verify/engine:stress_pool_checked`), or rebuild the log with
`bazel build --action_env=CYMADE_STRESS_SEED=<n> //verify/...`: environment
variables reach the suites through --action_env only.
"""

def verify_suite(name, binary, args = [], data = [], env = {}, timeout_seconds = 600):
    """Declares `<name>_run` (the suite's log) and `<name>_test`.

    Args:
      name: the suite's name.
      binary: the suite's binary target.
      args: its arguments ($(location) is expanded).
      data: files it reads at run time (for $(location) in args and env).
      env: environment variables for it ($(location) is expanded).
      timeout_seconds: the run is killed after this long, and fails.
    """
    env_words = " ".join(["%s=%s" % (key, value) for key, value in sorted(env.items())])
    native.genrule(
        name = name + "_run",
        srcs = [binary] + data,
        outs = [name + ".log"],
        cmd = "%s $(location //verify:run_suite.sh) $@ %d $(location %s) %s" % (
            env_words,
            timeout_seconds,
            binary,
            " ".join(args),
        ),
        tools = ["//verify:run_suite.sh"],
        visibility = ["//verify:__pkg__"],
    )
    native.sh_test(
        name = name + "_test",
        size = "small",
        srcs = ["//verify:report_suite.sh"],
        args = ["$(location :%s_run)" % name],
        data = [":" + name + "_run"],
    )
