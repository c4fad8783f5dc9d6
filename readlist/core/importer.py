"""Reading digest files (or stdin) into the library, collecting every problem.

A file is a saved Daily Papers page (text), or JSON: a readlist export or a saved answer of the
Daily Papers API (see json_input.py). The bytes decide which, not the file name.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

from readlist.core.digest import Digest, file_label, parse_bytes, read_input
from readlist.core.errors import InputError
from readlist.core.json_input import parse_json
from readlist.core.library import ImportReport, Library

STDIN = "-"


def parse_input(data: bytes, source: str, default_label: str) -> list[Digest]:
    """The digests in one input: JSON when it is JSON, else the text of a digest page."""
    digests = parse_json(data, source, default_label)
    return digests if digests is not None else [parse_bytes(data, source, default_label)]


def read_inputs(names: Iterable[str], report: ImportReport) -> list[Digest]:
    """Parse each named file (``-`` is stdin); unreadable ones become report errors."""
    digests: list[Digest] = []
    for name in names:
        try:
            if name == STDIN:
                digests += parse_input(sys.stdin.buffer.read(), "<stdin>", default_label="stdin")
            else:
                path = Path(name)
                digests += parse_input(read_input(path), str(path), default_label=file_label(path))
        except InputError as exc:
            report.errors.append(str(exc))
    return digests


def import_files(library: Library, names: Iterable[str], report: ImportReport | None = None) -> ImportReport:
    """Import the named files (into ``report``, which may carry on an earlier import's)."""
    report = report or ImportReport()
    return library.import_digests(read_inputs(names, report), report)
