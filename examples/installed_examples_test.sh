#!/bin/bash
# The C library as a C programmer takes it: installs it (tools/install.sh)
# into a temporary prefix, checks what was installed, compiles every public
# header on its own as C11 and as C++23, then builds each example with plain
# cc and pkg-config, against the shared library and against the static one,
# and runs it, as it runs a program of its own that shares names with the
# engine's internals and links the static library.  Under --config=tsan or
# --config=asan the installed library is a sanitizer build whose cymade.pc
# carries the matching -fsanitize flag, so the examples are built and run
# with that sanitizer too.
#
# Usage: installed_examples_test.sh INSTALL_SCRIPT EXAMPLE.c...
set -euo pipefail

install_script=$1
shift
prefix="$TEST_TMPDIR/prefix"
build="$TEST_TMPDIR/build"
mkdir -p "$build"

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

"$install_script" --prefix "$prefix"

# The layout docs/c-api.md describes.
shared_library=$(cd "$prefix/lib" && echo libcymade.so.*.*.*)
[ -f "$prefix/lib/$shared_library" ] || fail "no lib/libcymade.so.MAJOR.MINOR.PATCH"
version=${shared_library#libcymade.so.}
soname="libcymade.so.${version%%.*}"
[ "$(readlink "$prefix/lib/$soname")" = "$shared_library" ] || fail "$soname is not a link to $shared_library"
[ "$(readlink "$prefix/lib/libcymade.so")" = "$soname" ] || fail "libcymade.so is not a link to $soname"
readelf -d "$prefix/lib/$shared_library" | grep -q "Library soname: \[$soname\]" || fail "SONAME is not $soname"
[ -f "$prefix/lib/libcymade.a" ] || fail "no lib/libcymade.a"

export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
[ "$(pkg-config --modversion cymade)" = "$version" ] || fail "cymade.pc's version is not $version"

# Each public header compiles on its own, as C11 and, through its
# extern "C", as C++23 (the first C++ with <stdatomic.h>).
for header in "$prefix"/include/cymade/*.h; do
    name=$(basename "$header")
    # A declaration of its own, so a header of macros only is no empty unit.
    printf '#include <cymade/%s>\ntypedef int after_the_header;\n' "$name" >"$build/header.c"
    cp "$build/header.c" "$build/header.cc"
    cc -std=c11 -pedantic -Wall -Wextra -Werror -fsyntax-only -I"$prefix/include" "$build/header.c" ||
        fail "$name does not compile as C11"
    c++ -std=c++23 -Wall -Wextra -Werror -fsyntax-only -I"$prefix/include" "$build/header.cc" ||
        fail "$name does not compile as C++23"
done

read -r -a cflags_and_libs <<<"$(pkg-config --cflags --libs cymade)"
# The same, linking the archive: with both libraries in the prefix, -lcymade
# would pick the shared one.
read -r -a static_cflags_and_libs <<<"$(pkg-config --static --cflags --libs cymade | sed 's/-lcymade/-l:libcymade.a/')"

# A program may use the names of the engine's internal functions: in the
# archive they are local (core/BUILD.bazel's static_library), so defining
# ring_create and current_worker here is no duplicate definition, and the
# pool still runs the program's job.
cat >"$build/own_ring_create.c" <<'EOF_C'
#include <cymade/pool.h>
#include <stdio.h>

int ring_create(void) {
    return 7;
}

int current_worker = 5;

static int job(void *arg, void **result) {
    *result = arg;
    return 0;
}

int main(void) {
    cymade_pool_options options;
    cymade_pool_options_init(&options, 2);
    cymade_pool *pool;
    cymade_future *future;
    if (cymade_pool_create(&pool, &options) != CYMADE_OK ||
        cymade_pool_submit(pool, job, &current_worker, &future) != CYMADE_OK) {
        return 1;
    }
    while (cymade_future_wait(future, -1) == CYMADE_EINTR) {
    }
    const int *result = cymade_future_result(future);
    cymade_future_release(future);
    cymade_pool_destroy(pool);
    if (ring_create() + *result != 12) {
        return 1;
    }
    puts("own ring_create and current_worker beside the static library");
    return 0;
}
EOF_C
echo "=== own_ring_create (static)"
cc -std=c11 -Wall -Wextra -Werror -O2 "$build/own_ring_create.c" "${static_cflags_and_libs[@]}" -o "$build/own_ring_create"
"$build/own_ring_create"

for source in "$@"; do
    name=$(basename "$source" .c)
    echo "=== $name (shared)"
    cc -std=c11 -Wall -Wextra -Werror -O2 "$source" "${cflags_and_libs[@]}" -Wl,-rpath,"$prefix/lib" \
        -o "$build/$name"
    readelf -d "$build/$name" | grep -q "Shared library: \[$soname\]" || fail "$name does not load $soname"
    "$build/$name"

    echo "=== $name (static)"
    cc -std=c11 -Wall -Wextra -Werror -O2 "$source" "${static_cflags_and_libs[@]}" -o "$build/${name}_static"
    if readelf -d "$build/${name}_static" | grep -q "libcymade"; then
        fail "${name}_static loads libcymade"
    fi
    "$build/${name}_static"
done
echo "PASS: $# examples against $prefix, shared and static"
