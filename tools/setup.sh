#!/bin/bash
# Installs the Debian packages cymade needs, and only those that are missing.
set -euo pipefail

packages=(
    bazel-bootstrap        # Bazel 4.2.3, run offline (see WORKSPACE)
    gcc g++ clang libclang-rt-14-dev libtsan2
    clang-format-14        # the C/C++ style (.clang-format), checked by tools/test.sh
    liburcu-dev            # userspace RCU: ring reclamation, wfcqueue benchmark
    libgtest-dev googletest
    python3-dev python3-venv python3-pytest python3-pytest-asyncio python3-pytest-timeout
    python3-hypothesis python3-matplotlib python3-coverage
    libpython3.11-testsuite # CPython's own test_concurrent_futures (tests/stdlib)
    valgrind               # memcheck run of a C suite (tests/core:future_test_memcheck)
    gdb                    # the stacks of a verify suite that hangs (verify/run_suite.sh)
    pkg-config             # building examples/ against the installed C library
    lld                    # links libcymade.so (core/BUILD.bazel says why)
    debootstrap patchelf   # Debian sid's CPython 3.14/3.15 (tools/pythons.sh)
)

missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done

if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    sudo_cmd=()
    [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}"
fi
