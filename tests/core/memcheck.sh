#!/bin/bash
# Runs a test binary under valgrind memcheck; fails on any memcheck error or
# definite/indirect leak, or if the binary itself fails.
set -u
exec valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
    --show-leak-kinds=definite,indirect "$@"
