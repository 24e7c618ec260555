#!/usr/bin/env python3
"""Fails if a comment or document cites something a clone does not contain.

Every tracked source and document is read, and two kinds of citation are
checked:
  - words that point outside the repository: "SPEC", "the brief", an issue
    number ("issue 12", "issue: 10M jobs");
  - file names (``ring.c``, ``core/src/rcu.h``, ``verify/README.md``): one
    with a directory must match the end of a tracked path, one without must
    be the name of a tracked file.  ``#include`` lines are left to the
    compiler.
Placeholders in capitals (``stress_NAME.c``) stand for a family of files
and are not checked.  Files of other projects that the code cites on
purpose (CPython's, liburcu's, the C library's) and files the build
generates are listed, with where they come from, in
tools/external_citations.txt.

Usage: tools/check_citations.py [REPO_ROOT]   (default: this checkout)
"""

from __future__ import annotations

import pathlib
import re
import subprocess
import sys

CHECKED_SUFFIXES = {".c", ".h", ".cc", ".py", ".pyi", ".bzl", ".bazel", ".sh", ".md", ".txt", ".toml", ".cfg"}
CHECKED_NAMES = {"BUILD", "WORKSPACE", "run", ".bazelrc"}

FORBIDDEN = [
    (re.compile(r"\bSPEC\b"), "cites SPEC, which is not in the repository"),
    (re.compile(r"\bthe brief\b", re.IGNORECASE), "cites the brief, which is not in the repository"),
    (re.compile(r"\bissues?\s*(?:#|:|\bno\.?)?\s*\d+", re.IGNORECASE), "cites an issue number"),
    (re.compile(r"\bissue:\s", re.IGNORECASE), "cites an issue"),
]

FILE_EXTENSIONS = "c|h|cc|py|pyi|md|bzl|sh|txt|toml|csv|png|json"
FILE_NAME = re.compile(
    r"(?<![\w/.@:$%%{}-])((?:[\w.-]+/)*[\w-][\w.-]*\.(?:%s))(?![\w/-])" % FILE_EXTENSIONS
)
# Names with a placeholder in capitals (stress_NAME.c, DIR/c_queue_MODE.csv)
# stand for a family of files, not one.
PLACEHOLDER = re.compile(r"[A-Z]{3,}")


def tracked_files(root: pathlib.Path) -> list[str]:
    listing = subprocess.run(["git", "-C", str(root), "ls-files", "-z"], check=True, capture_output=True).stdout
    return [name for name in listing.decode().split("\0") if name]


def load_external(root: pathlib.Path) -> set[str]:
    external = set()
    for line in (root / "tools" / "external_citations.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            external.add(line.split()[0])
    return external


def is_checked(path: str) -> bool:
    name = pathlib.PurePosixPath(path)
    return name.suffix in CHECKED_SUFFIXES or name.name in CHECKED_NAMES


def main() -> int:
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parent.parent)
    files = tracked_files(root)
    basenames = {pathlib.PurePosixPath(path).name for path in files}
    external = load_external(root)
    problems = []
    for path in files:
        if not is_checked(path) or path == "tools/external_citations.txt":
            continue
        try:
            text = (root / path).read_text()
        except (UnicodeDecodeError, FileNotFoundError):
            continue
        for number, line in enumerate(text.splitlines(), 1):
            if line.lstrip().startswith("#include"):
                continue
            for pattern, why in FORBIDDEN:
                if pattern.search(line) and path != "tools/check_citations.py":
                    problems.append(f"{path}:{number}: {why}: {line.strip()}")
            for match in FILE_NAME.finditer(line):
                cited = match.group(1).lstrip("./")
                if PLACEHOLDER.search(cited):
                    continue
                if cited in external or cited in basenames and "/" not in cited:
                    continue
                if "/" in cited and any(tracked == cited or tracked.endswith("/" + cited) for tracked in files):
                    continue
                problems.append(f"{path}:{number}: cites {cited}, which is not in the repository")
    for problem in problems:
        print(problem)
    print(f"check_citations: {len(files)} tracked files, {len(problems)} citations of files or documents not in the repository")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
