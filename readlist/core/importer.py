"""Reading digest files (or stdin) into the library, collecting every problem.

A file is a saved Daily Papers page (text), JSON (a readlist export or a saved answer of the
Daily Papers API, see json_input.py), or BibTeX (bibtex_input.py). The bytes decide which (a
``.bib`` name makes BibTeX too); a text that looks like none of them is refused (``force`` reads
it as a page).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

from readlist.core.bibtex_input import is_bibtex, parse_bibtex
from readlist.core.digest import Digest, decode, file_label, not_a_digest, parse_text, read_input
from readlist.core.errors import InputError
from readlist.core.json_input import parse_json
from readlist.core.library import ImportReport, Library

STDIN = "-"


def parse_input(data: bytes, source: str, default_label: str, force: bool = False) -> list[Digest]:
    """The digests in one input: JSON when it is JSON, BibTeX when it is BibTeX, else the text of
    a digest page; InputError for a text that is none of them, unless ``force``."""
    digests = parse_json(data, source, default_label)
    if digests is not None:
        return digests
    text, problems = decode(data, source)
    if is_bibtex(text, source):
        digest = parse_bibtex(text, source, default_label)
    else:
        reason = None if force else not_a_digest(text)
        if reason is not None:
            raise InputError(f"{source}: {reason}")
        digest = parse_text(text, source, default_label)
    digest.problems[:0] = problems
    return [digest]


def read_inputs(names: Iterable[str], report: ImportReport, force: bool = False) -> list[Digest]:
    """Parse each named file (``-`` is stdin); unreadable ones become report errors."""
    digests: list[Digest] = []
    for name in names:
        try:
            if name == STDIN:
                digests += parse_input(sys.stdin.buffer.read(), "<stdin>", "stdin", force)
            else:
                path = Path(name)
                digests += parse_input(read_input(path), str(path), file_label(path), force)
        except InputError as exc:
            report.errors.append(str(exc))
    return digests


def import_files(
    library: Library, names: Iterable[str], report: ImportReport | None = None, force: bool = False
) -> ImportReport:
    """Import the named files (into ``report``, which may carry on an earlier import's); with
    ``force`` a text that does not look like a digest page is read as one all the same."""
    report = report or ImportReport()
    return library.import_digests(read_inputs(names, report, force), report)
