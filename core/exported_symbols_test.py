"""libcymade.so exports exactly the functions the public headers declare.

The set on one side is `nm -D --defined-only --extern-only` of the built
library (the version node itself, an absolute symbol, aside); on the other,
the non-inline functions that tools/c_api.py reads from
core/include/cymade/*.h.  An internal function that leaks, a public one the
linker version script (core/libcymade.map) lacks, or one a header lost
makes the sets differ.

Usage: exported_symbols_test.py LIBRARY HEADER...
"""

import subprocess
import sys

import c_api


def exported_symbols(library):
    listing = subprocess.run(
        ["nm", "-D", "--defined-only", "--extern-only", library], check=True, capture_output=True, text=True
    ).stdout
    symbols = set()
    for line in listing.splitlines():
        _, kind, name = line.split()
        if kind != "A":
            symbols.add(name.split("@")[0])
    return symbols


def main(library, *headers):
    exported = exported_symbols(library)
    declared = c_api.exported_functions(c_api.read_api(list(headers)))
    status = 0
    for name in sorted(exported - declared):
        print("exported but declared in no public header: %s" % name)
        status = 1
    for name in sorted(declared - exported):
        print("declared in a public header but not exported (core/libcymade.map?): %s" % name)
        status = 1
    if status == 0:
        print("%d functions exported, as the headers declare" % len(exported))
    return status


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
