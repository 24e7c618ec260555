"""core/include/cymade/version.h and core/version.bzl give the same version.

Usage: version_test.py VERSION_H VERSION_BZL
"""

import re
import sys


def read(pattern, text, path):
    found = re.search(pattern, text, flags=re.MULTILINE)
    if found is None:
        raise SystemExit("%s: no match for %s" % (path, pattern))
    return found.group(1)


def main(header_path, bzl_path):
    header = open(header_path).read()
    bzl = open(bzl_path).read()
    parts = ["MAJOR", "MINOR", "PATCH"]
    from_header = [int(read(r"^#define CYMADE_VERSION_%s (\d+)$" % part, header, header_path)) for part in parts]
    from_bzl = [int(read(r"^VERSION_%s = (\d+)$" % part, bzl, bzl_path)) for part in parts]
    string = read(r'^#define CYMADE_VERSION_STRING "([^"]*)"$', header, header_path)
    dotted = ".".join(str(number) for number in from_header)
    problems = []
    if from_header != from_bzl:
        problems.append("version.h says %s, version.bzl says %s" % (dotted, ".".join(map(str, from_bzl))))
    if string != dotted:
        problems.append("CYMADE_VERSION_STRING is %r, the numbers make %r" % (string, dotted))
    for problem in problems:
        print(problem)
    if not problems:
        print("version %s in both" % dotted)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
