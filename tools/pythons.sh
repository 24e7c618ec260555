#!/bin/bash
# The CPython versions cymade supports, and where each one comes from on a
# Debian 12 machine.  Source it for the functions, or run it:
#   tools/pythons.sh path 3.14     # prints the interpreter for 3.14, setting it up if needed
#   tools/pythons.sh list          # the versions tested by tools/test.sh
#
#   version  interpreter                                       pytest, hypothesis
#   3.11     /usr/bin/python3.11 (Debian 12)                   Debian 12's
#   3.12     pyenv's 3.12.x (the machine image)                Debian 12's (pure Python)
#   3.13     Debian sid's python3.13                           sid's
#   3.14     Debian sid's python3.14                           sid's
#   3.15     Debian sid's python3.15 (a beta: "preview")       sid's
#
# Debian sid's interpreters live in a minimal sid root that this script
# creates once with debootstrap ($CYMADE_SID_ROOT, default
# /var/cache/cymade/sid-root; about 70 s and 500 MB) and reuses after.  They
# run on this machine directly, not in a chroot: each gets a copy of its
# binary whose ELF interpreter and library path point into the sid root, so
# tests, subprocesses and venvs see the same files as everything else.
set -uo pipefail

SUPPORTED_PYTHONS=(3.11 3.12 3.13 3.14)
PREVIEW_PYTHONS=(3.15)

SID_ROOT=${CYMADE_SID_ROOT:-/var/cache/cymade/sid-root}
SID_MIRROR=${CYMADE_SID_MIRROR:-http://deb.debian.org/debian}
SID_PACKAGES=(
    python3.13-dev python3.14-dev python3.15-dev
    python3.13-venv python3.14-venv python3.15-venv
    python3-pytest python3-hypothesis python3-pytest-asyncio python3-pytest-timeout python3-coverage
    libpython3.13-testsuite libpython3.14-testsuite libpython3.15-testsuite
)

# Creates the sid root unless a complete one with the same packages exists.
ensure_sid_root() {
    local stamp="$SID_ROOT/.cymade-packages"
    local wanted="${SID_PACKAGES[*]}"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ]; then
        return 0
    fi
    echo "pythons: creating the Debian sid root $SID_ROOT (once; about a minute)" >&2
    rm -rf "$SID_ROOT"
    mkdir -p "$(dirname "$SID_ROOT")"
    local packages
    packages=$(IFS=,; echo "${SID_PACKAGES[*]}")
    if ! debootstrap --variant=minbase --include="$packages" sid "$SID_ROOT" "$SID_MIRROR" \
        > "$SID_ROOT.log" 2>&1; then
        echo "pythons: debootstrap failed; see $SID_ROOT.log" >&2
        return 1
    fi
    echo "$wanted" > "$stamp"
}

# Prints a copy of sid's python$1 that runs on this machine (see the top).
sid_python() {
    local version=$1
    ensure_sid_root || return 1
    local original="$SID_ROOT/usr/bin/python$version"
    local runnable="$SID_ROOT/usr/bin/python$version-host"
    [ -x "$original" ] || { echo "pythons: sid has no python$version" >&2; return 1; }
    if [ ! -x "$runnable" ] || [ "$original" -nt "$runnable" ]; then
        cp "$original" "$runnable.tmp" &&
            patchelf --set-interpreter "$SID_ROOT/lib64/ld-linux-x86-64.so.2" \
                --force-rpath --set-rpath "$SID_ROOT/lib/x86_64-linux-gnu:$SID_ROOT/usr/lib/x86_64-linux-gnu" \
                "$runnable.tmp" &&
            mv "$runnable.tmp" "$runnable" || return 1
        # ensurepip (and so `python -m venv`) takes pip from the wheel
        # directory compiled into the interpreter: point it into the sid root,
        # not at this machine's older /usr/share/python-wheels.
        sed -i "s|'WHEEL_PKG_DIR': '/usr/share/python-wheels/'|'WHEEL_PKG_DIR': '$SID_ROOT/usr/share/python-wheels/'|" \
            "$SID_ROOT"/usr/lib/python"$version"/_sysconfigdata_*.py || return 1
    fi
    echo "$runnable"
}

# Prints pyenv's newest $1.x interpreter, if the machine has one.
pyenv_python() {
    local root=${PYENV_ROOT:-$HOME/.pyenv}
    local candidate
    candidate=$(ls -d "$root"/versions/"$1".*/bin/python"$1" 2>/dev/null | sort -V | tail -n 1)
    [ -n "$candidate" ] && [ -x "$candidate" ] && echo "$candidate"
}

# Prints the interpreter for version $1, setting it up if needed.
python_path() {
    case "$1" in
    3.11) [ -x /usr/bin/python3.11 ] && echo /usr/bin/python3.11 ;;
    3.12) pyenv_python 3.12 ;;
    3.13 | 3.14 | 3.15) sid_python "$1" ;;
    *) echo "pythons: unsupported Python version '$1'" >&2; return 1 ;;
    esac
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    case "${1:-}" in
    path) python_path "${2:?version}" || { echo "pythons: no Python $2 on this machine" >&2; exit 1; } ;;
    list) echo "${SUPPORTED_PYTHONS[*]} ${PREVIEW_PYTHONS[*]}" ;;
    *) echo "usage: tools/pythons.sh path VERSION | list" >&2; exit 2 ;;
    esac
fi
