#!/bin/bash
# Installs the C library built by Bazel under a prefix:
#
#   bazel run //:install -- --prefix /usr/local
#   bazel run --config=tsan //:install -- --prefix /tmp/cymade-tsan   # a TSan build
#
#   PREFIX/lib/libcymade.so.MAJOR.MINOR.PATCH   SONAME libcymade.so.MAJOR
#   PREFIX/lib/libcymade.so.MAJOR, libcymade.so symlinks to it
#   PREFIX/lib/libcymade.a                      the engine as one object, only the API global
#   PREFIX/lib/pkgconfig/cymade.pc
#   PREFIX/include/cymade/*.h                   the public headers
#
# It runs from its Bazel runfiles (tools/BUILD.bazel lists what it installs);
# a relative PREFIX is taken from the directory `bazel run` was started in.
set -euo pipefail

usage() {
    echo "usage: bazel run //:install -- --prefix DIR" >&2
    exit 2
}

prefix=
while [ $# -gt 0 ]; do
    case "$1" in
    --prefix) [ $# -ge 2 ] || usage; prefix=$2; shift 2 ;;
    --prefix=*) prefix=${1#--prefix=}; shift ;;
    *) usage ;;
    esac
done
[ -n "$prefix" ] || usage
case "$prefix" in
/*) ;;
*) prefix="${BUILD_WORKING_DIRECTORY:-$PWD}/$prefix" ;;
esac

runfiles="${RUNFILES_DIR:-$0.runfiles}/cymade"
shared_library=$(cd "$runfiles/core" && echo libcymade.so.*.*.*)
[ -f "$runfiles/core/$shared_library" ] || {
    echo "install: no libcymade.so.MAJOR.MINOR.PATCH in $runfiles/core" >&2
    exit 1
}
version=${shared_library#libcymade.so.}
soname="libcymade.so.${version%%.*}"

install -d "$prefix/lib/pkgconfig" "$prefix/include/cymade"
install -m 0755 "$runfiles/core/$shared_library" "$prefix/lib/$shared_library"
ln -sfn "$shared_library" "$prefix/lib/$soname"
ln -sfn "$soname" "$prefix/lib/libcymade.so"
install -m 0644 "$runfiles/core/libcymade.a" "$prefix/lib/libcymade.a"
install -m 0644 "$runfiles"/core/include/cymade/*.h "$prefix/include/cymade/"
# `|` delimits the substitution: a prefix is a path, full of slashes.
sed -e "s|@PREFIX@|$prefix|" "$runfiles/core/cymade.pc.prefix_in" >"$prefix/lib/pkgconfig/cymade.pc"
chmod 0644 "$prefix/lib/pkgconfig/cymade.pc"
echo "install: libcymade $version in $prefix"
