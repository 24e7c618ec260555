"""Assembles the cymade wheel from files Bazel built (PEP 427).

Usage: make_wheel.py WHEEL VERSION TAG FILE...  where WHEEL is the output
path, TAG the wheel tag of the interpreter the extensions were compiled for
(third_party/python computes it), and each FILE a package file (cymade/*.py,
*.pyi, py.typed, *.so), placed under cymade/ by its basename.
"""

import base64
import hashlib
import sys
import zipfile
from pathlib import Path

SUMMARY = "Fast concurrency utilities: verified C11 atomics and a lock-free thread pool"


def record_line(name, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def main(wheel, version, tag, *files):
    dist_info = f"cymade-{version}.dist-info"
    interpreter = tag.split("-")[0]  # e.g. cp311
    entries = {f"cymade/{Path(path).name}": Path(path).read_bytes() for path in files}
    entries[f"{dist_info}/METADATA"] = (
        f"Metadata-Version: 2.1\nName: cymade\nVersion: {version}\nSummary: {SUMMARY}\n"
        f"Requires-Python: =={interpreter[2]}.{interpreter[3:]}.*\n"
        "Description: The extensions link the system's liburcu (Debian: liburcu8).\n"
    ).encode()
    entries[f"{dist_info}/WHEEL"] = (
        f"Wheel-Version: 1.0\nGenerator: cymade make_wheel.py\nRoot-Is-Purelib: false\nTag: {tag}\n"
    ).encode()
    record = [record_line(name, data) for name, data in sorted(entries.items())]
    record.append(f"{dist_info}/RECORD,,")
    entries[f"{dist_info}/RECORD"] = ("\n".join(record) + "\n").encode()
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in sorted(entries.items()):
            archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)


if __name__ == "__main__":
    main(*sys.argv[1:])
