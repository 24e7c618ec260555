"""libcymade.so defines, as dynamic symbols, exactly the functions the public
headers declare.

On one side, every defined dynamic symbol of the library (plain
`nm -D --defined-only`: functions, data, thread-locals and the version
node's own absolute symbol alike); on the other, the non-inline functions
that tools/c_api.py reads from core/include/cymade/*.h.  An internal
function or variable that leaks, a public function the linker version
script (core/libcymade.map) lacks, or one a header lost makes the sets
differ.

Usage: exported_symbols_test.py LIBRARY HEADER...
"""

import subprocess
import sys

import c_api


def defined_symbols(*nm_arguments):
    """The names `nm` lists, without their version (`name@@CYMADE_1`)."""
    listing = subprocess.run(["nm", *nm_arguments], check=True, capture_output=True, text=True).stdout
    return {line.split()[2].split("@")[0] for line in listing.splitlines()}


def main(library, *headers):
    defined = defined_symbols("-D", "--defined-only", library)
    declared = c_api.exported_functions(c_api.read_api(list(headers)))
    status = 0
    for name in sorted(defined - declared):
        print("defined but declared in no public header: %s" % name)
        status = 1
    for name in sorted(declared - defined):
        print("declared in a public header but not defined (core/libcymade.map?): %s" % name)
        status = 1
    if status == 0:
        print("%d functions defined, as the headers declare" % len(defined))
    return status


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
