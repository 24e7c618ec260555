"""docs/c-api.md matches the public headers.

Fails when
  - the generated reference part differs from what tools/c_api.py makes of
    the headers now (a function, type or comment was added or changed and
    the document was not regenerated);
  - a function's prototype, whitespace normalised, is not in the document;
  - the document names a cymade_/CYMADE_ identifier the headers do not
    declare (a removed or misspelt function, type or constant).  Version
    nodes of core/libcymade.map (CYMADE_1, ...) are not declarations.

Usage: c_api_doc_test.py DOC HEADER...
"""

import difflib
import re
import sys

import c_api

VERSION_NODE = re.compile(r"CYMADE_\d+$")
REGENERATE = "python3 tools/c_api.py write-doc docs/c-api.md core/include/cymade/*.h"


def main(doc_path, *headers):
    api = c_api.read_api(list(headers))
    doc = open(doc_path).read()
    problems = []

    expected = c_api.regenerate(doc, api)
    if doc != expected:
        diff = difflib.unified_diff(
            doc.splitlines(True), expected.splitlines(True), "docs/c-api.md", "generated from the headers"
        )
        sys.stdout.writelines(diff)
        problems.append("the reference part is out of date; regenerate it with:\n  " + REGENERATE)

    flat_doc = c_api.normalise(doc)
    for name, prototype in sorted(c_api.prototypes(api).items()):
        if prototype not in flat_doc:
            problems.append("%s: its prototype `%s` is not in the document" % (name, prototype))

    declared = c_api.declared_names(api)
    for name in sorted(set(c_api.IDENTIFIER.findall(doc)) - declared):
        if not VERSION_NODE.match(name):
            problems.append("the document names %s, which no public header declares" % name)

    for problem in problems:
        print(problem)
    if not problems:
        print("docs/c-api.md matches %d headers, %d functions" % (len(api), len(c_api.prototypes(api))))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
