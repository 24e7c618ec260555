#!/bin/bash
# Usage: run_suite.sh LOG SECONDS SUITE [ARGS...]
# Runs a verify/ suite (verify/suite.bzl) for at most SECONDS and writes its
# output to LOG, ending with the line `exit status: N` (124: killed by the
# timeout).  Succeeds whatever the suite did: the test that reports the log
# (report_suite.sh) and the gate (gate.sh) judge the status.
#
# A suite still running at the timeout is a hang (a lost wake-up, a job
# never run), and rare ones show up once in many runs on a loaded machine.
# So before killing it, its threads' stacks go into the log (with gdb, which
# tools/setup.sh installs): the one failing run says where each thread was.
set -u
log=$1
seconds=$2
shift 2
"$@" >"$log" 2>&1 &
suite=$!
sleep "$seconds" &
timer=$!
finished=
wait -n -p finished "$suite" "$timer"
status=$?
if [ "$finished" = "$suite" ]; then
    kill "$timer" 2>/dev/null
else
    {
        echo "run_suite.sh: $(basename "$1") still running after $seconds s; its threads:"
        if command -v gdb >/dev/null; then
            gdb -batch -p "$suite" -ex "info threads" -ex "thread apply all backtrace" 2>&1
        else
            echo "(gdb is not installed: no stacks)"
        fi
    } >>"$log"
    kill -KILL "$suite" 2>/dev/null
    { wait "$suite"; } 2>/dev/null # no "Killed" job report on stderr
    status=124
    echo "run_suite.sh: $(basename "$1") killed after $seconds s" >>"$log"
fi
echo "exit status: $status" >>"$log"
