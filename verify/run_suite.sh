#!/bin/bash
# Usage: run_suite.sh LOG SECONDS SUITE [ARGS...]
# Runs a verify/ suite (verify/suite.bzl) for at most SECONDS and writes its
# output to LOG, ending with the line `exit status: N` (124 or 137: killed
# by the timeout).  Succeeds whatever the suite did: the test that reports
# the log (report_suite.sh) and the gate (gate.sh) judge the status.
set -u
log=$1
seconds=$2
shift 2
timeout --kill-after=10 "$seconds" "$@" >"$log" 2>&1
status=$?
if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
    echo "run_suite.sh: $(basename "$1") killed after $seconds s" >>"$log"
fi
echo "exit status: $status" >>"$log"
