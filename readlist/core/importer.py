"""Reading digest files (or stdin) into the library, collecting every problem."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

from readlist.core.digest import Digest, parse_bytes, read_digest
from readlist.core.errors import InputError
from readlist.core.library import ImportReport, Library

STDIN = "-"


def read_inputs(names: Iterable[str], report: ImportReport) -> list[Digest]:
    """Parse each named file (``-`` is stdin); unreadable ones become report errors."""
    digests: list[Digest] = []
    for name in names:
        try:
            if name == STDIN:
                digests.append(parse_bytes(sys.stdin.buffer.read(), "<stdin>", default_label="stdin"))
            else:
                digests.append(read_digest(Path(name)))
        except InputError as exc:
            report.errors.append(str(exc))
    return digests


def import_files(library: Library, names: Iterable[str]) -> ImportReport:
    report = ImportReport()
    return library.import_digests(read_inputs(names, report), report)
