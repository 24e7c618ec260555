#!/bin/bash
# Usage: report_suite.sh LOG
# Prints a suite's log (run_suite.sh) and exits with the suite's status.
set -u
cat "$1"
status=$(sed -n 's/^exit status: \([0-9][0-9]*\)$/\1/p' "$1" | tail -n 1)
exit "${status:-1}"
