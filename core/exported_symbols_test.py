"""libcymade.so and libcymade.a define, as symbols a program can link, exactly
the functions the public headers declare.

On one side, every defined dynamic symbol of the shared library (plain
`nm -D --defined-only`: functions, data, thread-locals and the version
node's own absolute symbol alike) and every defined global symbol of the
static archive (`nm --defined-only --extern-only`); on the other, the
non-inline functions that tools/c_api.py reads from core/include/cymade/*.h.
An internal function or variable that leaks, a public function the linker
version script (core/libcymade.map) lacks, or one a header lost makes the
sets differ.

Usage: exported_symbols_test.py SHARED_LIBRARY STATIC_LIBRARY HEADER...
"""

import subprocess
import sys

import c_api


def defined_symbols(*nm_arguments):
    """The names `nm` lists, without their version (`name@@CYMADE_1`)."""
    listing = subprocess.run(["nm", *nm_arguments], check=True, capture_output=True, text=True).stdout
    symbols = set()
    for line in listing.splitlines():
        fields = line.split()
        # An archive's listing has a `member.o:` line, and blank ones.
        if len(fields) == 3:
            symbols.add(fields[2].split("@")[0])
    return symbols


def compare(library, defined, declared):
    status = 0
    for name in sorted(defined - declared):
        print("%s: defined but declared in no public header: %s" % (library, name))
        status = 1
    for name in sorted(declared - defined):
        print("%s: declared in a public header but not defined (core/libcymade.map?): %s" % (library, name))
        status = 1
    if status == 0:
        print("%s: %d functions, as the headers declare" % (library, len(defined)))
    return status


def main(shared_library, static_library, *headers):
    declared = c_api.exported_functions(c_api.read_api(list(headers)))
    shared = compare(shared_library, defined_symbols("-D", "--defined-only", shared_library), declared)
    static = compare(static_library, defined_symbols("--defined-only", "--extern-only", static_library), declared)
    return shared or static


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
