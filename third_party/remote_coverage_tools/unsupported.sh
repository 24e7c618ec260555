#!/bin/sh
echo "coverage is not supported in the offline cymade workspace" >&2
exit 1
