#!/usr/bin/env python3
"""The public C API as its headers declare it, and docs/c-api.md made from it.

The headers in core/include/cymade/ are the reference: every contract is a
comment above its declaration.  This module reads them (no C preprocessor:
they are written in a plain, regular style, one declaration per statement)
and yields, in header order, each declaration with its comment:

  function  a declaration the library exports (the linker version script
            core/libcymade.map must list exactly these)
  inline    a static inline function (atomic.h): part of the API, never a
            symbol of the library
  type      a typedef, struct or enum
  macro     a #define that stays defined (include guards and macros the
            header #undefs are the header's own)
  comment   a comment that belongs to no declaration (a header's overview,
            a section heading)

Usage:
  tools/c_api.py functions HEADER...        the exported function names, one a line
  tools/c_api.py doc DOC HEADER...          prints DOC with its reference part regenerated
  tools/c_api.py write-doc DOC HEADER...    rewrites DOC in place
"""

from __future__ import annotations

import dataclasses
import pathlib
import re
import sys

# Everything after this line of docs/c-api.md is generated; what precedes it
# is written by hand.
GENERATED_MARKER = (
    "<!-- Generated from core/include/cymade/*.h by tools/c_api.py: do not edit below this line. "
    "Regenerate with: python3 tools/c_api.py write-doc docs/c-api.md core/include/cymade/*.h -->"
)

# The order headers appear in the reference: the pool first, the header-only
# atomics last; a header not listed here (a new one) follows in name order.
HEADER_ORDER = ["pool.h", "future.h", "error.h", "alloc.h", "version.h", "atomic.h", "cacheline.h"]

INLINE_MACRO = "CYMADE_ALWAYS_INLINE"
IDENTIFIER = re.compile(r"\b(?:cymade|CYMADE)_\w+")


@dataclasses.dataclass
class Declaration:
    kind: str
    names: list[str]
    code: str
    comment: str


def normalise(text: str) -> str:
    """One space for every run of whitespace, none inside parentheses' edges."""
    text = re.sub(r"\s+", " ", text).strip()
    return text.replace("( ", "(").replace(" )", ")")


def _without_cplusplus_blocks(text: str) -> str:
    """Drops the `#ifdef __cplusplus` / `extern "C" {` / `}` scaffolding."""
    return re.sub(r"#ifdef __cplusplus\n.*?#endif\n", "", text, flags=re.DOTALL)


def _items(text: str):
    """Yields (kind, text, blank_line_before) for comments, preprocessor
    lines and statements at file scope."""
    position = 0
    blank_before = False
    while position < len(text):
        whitespace = re.match(r"\s*", text[position:]).group()
        blank_before = whitespace.count("\n") >= 2
        position += len(whitespace)
        if position >= len(text):
            return
        rest = text[position:]
        if rest.startswith("/*"):
            end = rest.index("*/") + 2
            yield "comment", rest[:end], blank_before
        elif rest.startswith("#"):
            end = 0
            while True:
                newline = rest.find("\n", end)
                end = len(rest) if newline < 0 else newline
                if not rest[:end].endswith("\\"):
                    break
                end += 1
            yield "preprocessor", rest[:end], blank_before
        else:
            end = _statement_end(rest)
            yield "statement", rest[:end], blank_before
        position += end


def _statement_end(text: str) -> int:
    """The end of the statement at the start of `text`: its `;` at brace
    depth 0, or the `}` that closes a function body."""
    depth = 0
    index = 0
    while index < len(text):
        if text.startswith("/*", index):
            index = text.index("*/", index) + 2
            continue
        char = text[index]
        if char == "{":
            if depth == 0 and text[:index].rstrip().endswith(")"):
                return _matching_brace(text, index) + 1
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == ";" and depth == 0:
            return index + 1
        index += 1
    raise ValueError("unterminated statement: %r" % text[:80])


def _matching_brace(text: str, opening: int) -> int:
    depth = 0
    for index in range(opening, len(text)):
        if text[index] == "{":
            depth += 1
        elif text[index] == "}":
            depth -= 1
            if depth == 0:
                return index
    raise ValueError("unbalanced braces")


def _classify(statement: str) -> Declaration:
    code = statement.strip()
    if code.startswith("typedef") or re.match(r"(struct|enum|union)\b", code):
        pointer = re.search(r"\(\s*\*\s*(\w+)\s*\)\s*\(", code)
        if code.startswith("typedef") and pointer and "{" not in code:
            names = [pointer.group(1)]
        else:
            names = re.findall(r"^(?:typedef\s+)?(?:struct|enum|union)\s+(\w+)", code)
            trailing = re.search(r"(\w+)\s*;\s*$", code)
            if code.startswith("typedef") and trailing and trailing.group(1) not in names:
                names.append(trailing.group(1))
        return Declaration("type", names, code, "")
    name = re.search(r"(\w+)\s*\(", code).group(1)
    if code.startswith(INLINE_MACRO) or code.startswith("static"):
        signature = code[: code.index("{")].replace(INLINE_MACRO, "static inline", 1)
        return Declaration("inline", [name], normalise(signature) + ";", "")
    return Declaration("function", [name], code, "")


def parse_header(text: str) -> list[Declaration]:
    text = _without_cplusplus_blocks(text)
    undefined = set(re.findall(r"^#undef\s+(\w+)", text, flags=re.MULTILINE))
    guards = set(re.findall(r"^#ifndef\s+(\w+)", text, flags=re.MULTILINE))
    declarations: list[Declaration] = []
    pending_comment = None
    previous_was_declaration = False
    for kind, item, blank_before in _items(text):
        if pending_comment is not None and blank_before:
            declarations.append(Declaration("comment", [], pending_comment, ""))
            pending_comment = None
        if kind == "comment":
            if pending_comment is not None:
                declarations.append(Declaration("comment", [], pending_comment, ""))
            pending_comment = item
            previous_was_declaration = False
            continue
        declaration = None
        if kind == "preprocessor":
            define = re.match(r"#define\s+(\w+)", item)
            if define and define.group(1) not in undefined and define.group(1) not in guards:
                declaration = Declaration("macro", [define.group(1)], item, "")
        else:
            declaration = _classify(item)
        if declaration is None:
            if pending_comment is not None and re.match(r"#ifndef\s+(\w+)", item):
                # The comment above the include guard is the header's overview.
                declarations.append(Declaration("comment", [], pending_comment, ""))
            pending_comment = None
            previous_was_declaration = False
            continue
        if pending_comment is not None:
            declaration.comment = pending_comment
            pending_comment = None
            declarations.append(declaration)
        elif previous_was_declaration and not blank_before and declarations[-1].kind == declaration.kind:
            # Declarations on consecutive lines share the comment above them.
            declarations[-1].names += declaration.names
            declarations[-1].code += "\n" + declaration.code
        else:
            declarations.append(declaration)
        previous_was_declaration = True
    if pending_comment is not None:
        declarations.append(Declaration("comment", [], pending_comment, ""))
    return declarations


def ordered_headers(paths: list[str]) -> list[pathlib.Path]:
    def rank(path: pathlib.Path):
        name = path.name
        return (HEADER_ORDER.index(name) if name in HEADER_ORDER else len(HEADER_ORDER), name)

    return sorted((pathlib.Path(path) for path in paths), key=rank)


def read_api(paths: list[str]) -> dict[str, list[Declaration]]:
    return {path.name: parse_header(path.read_text()) for path in ordered_headers(paths)}


def prototypes(api: dict[str, list[Declaration]], kinds=("function", "inline")) -> dict[str, str]:
    """Every function's name -> its normalised prototype."""
    result = {}
    for declarations in api.values():
        for declaration in declarations:
            if declaration.kind in kinds:
                for statement in re.findall(r"[^;]*;", declaration.code):
                    name = re.search(r"(\w+)\s*\(", statement).group(1)
                    result[name] = normalise(statement)
    return result


def exported_functions(api: dict[str, list[Declaration]]) -> set[str]:
    return set(prototypes(api, kinds=("function",)))


def declared_names(api: dict[str, list[Declaration]]) -> set[str]:
    """Every cymade_/CYMADE_ identifier the headers' code (not their
    comments) declares or uses: functions, types, fields' types, enum
    constants, macros."""
    names = set()
    for declarations in api.values():
        for declaration in declarations:
            if declaration.kind != "comment":
                code = re.sub(r"/\*.*?\*/", "", declaration.code, flags=re.DOTALL)
                names.update(IDENTIFIER.findall(code))
    return names


def _heading(declaration: Declaration) -> str:
    return ", ".join("`%s`" % name for name in declaration.names)


def generate_reference(api: dict[str, list[Declaration]]) -> str:
    lines = [GENERATED_MARKER, "", "## Functions at a glance", ""]
    lines += ["| function | header |", "|---|---|"]
    for header, declarations in api.items():
        for name, prototype in prototypes({header: declarations}).items():
            lines.append("| `%s` | `cymade/%s` |" % (prototype, header))
    for header, declarations in api.items():
        lines += ["", "## `cymade/%s`" % header]
        for declaration in declarations:
            lines.append("")
            if declaration.kind != "comment":
                lines += ["### %s (%s)" % (_heading(declaration), declaration.kind), ""]
            block = "\n".join(part for part in (declaration.comment, declaration.code) if part)
            lines += ["```c", block, "```"]
    return "\n".join(lines) + "\n"


def regenerate(doc_text: str, api: dict[str, list[Declaration]]) -> str:
    if GENERATED_MARKER not in doc_text:
        raise ValueError("the document has no generated-part marker line")
    handwritten = doc_text[: doc_text.index(GENERATED_MARKER)]
    return handwritten + generate_reference(api)


def main(argv: list[str]) -> int:
    command = argv[1]
    if command == "functions":
        print("\n".join(sorted(exported_functions(read_api(argv[2:])))))
        return 0
    doc = pathlib.Path(argv[2])
    text = regenerate(doc.read_text(), read_api(argv[3:]))
    if command == "doc":
        sys.stdout.write(text)
    elif command == "write-doc":
        doc.write_text(text)
    else:
        raise SystemExit(__doc__)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
