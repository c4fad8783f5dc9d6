"""A fast-loading copy of the library, derived from ``library.json``.

``library.json`` (TinyDB) is the record, but parsing 190 MB of JSON for 100k papers
takes seconds. The snapshot keeps the same papers as marshalled columns plus one
file of abstracts that is read through mmap on demand, so start-up reads a few
megabytes. It names the exact version of ``library.json`` it was made from and is
ignored when that changes: losing or damaging it costs time, never data.
"""

from __future__ import annotations

import marshal
import mmap
from array import array
from pathlib import Path
from typing import Any, NamedTuple

from readlist.core.papers import Papers
from readlist.core.storage import file_signature, write_atomic

VERSION = 10
PAPERS = "papers.snapshot"
ABSTRACTS = "abstracts.snapshot"


class AbstractFile:
    """All abstracts in one UTF-8 file; ``offsets[i]:offsets[i+1]`` is abstract ``i``."""

    def __init__(self, path: Path, offsets: array) -> None:
        self.offsets = offsets
        with path.open("rb") as handle:
            size = path.stat().st_size
            self._map = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) if size else None

    def abstract(self, slot: int) -> str:
        if self._map is None:
            return ""
        return self._map[self.offsets[slot] : self.offsets[slot + 1]].decode("utf-8")


def save(
    folder: Path,
    source: tuple[int, int, int],
    papers: Papers,
    order: list[int],
    doc_ids: list[int],
    digests: list[dict[str, Any]],
    fetched: dict[str, float],
) -> None:
    """Write the snapshot of ``papers`` (in storage order) made from ``source``."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    offsets = array("q", [0])
    chunks = []
    for paper in papers:
        data = paper.abstract.encode("utf-8")
        chunks.append(data)
        offsets.append(offsets[-1] + len(data))
    write_atomic(folder / ABSTRACTS, b"".join(chunks))
    columns = {
        "version": VERSION,
        "source": source,
        "abstracts": file_signature(folder / ABSTRACTS),
        "offsets": offsets.tobytes(),
        "doc_ids": doc_ids,
        "digests": digests,
        "fetched": fetched,
        "order": order,
        "papers": papers.to_columns(),
    }
    write_atomic(folder / PAPERS, marshal.dumps(columns))


class Snapshot(NamedTuple):
    papers: Papers
    order: list[int]
    doc_ids: list[int]
    digests: list[dict[str, Any]]
    fetched: dict[str, float]


def load(folder: Path, source: tuple[int, int, int] | None) -> Snapshot | None:
    """The snapshot made from ``source``, or None if there is no usable one."""
    if source is None:
        return None
    try:
        columns = marshal.loads((folder / PAPERS).read_bytes())
        if columns.get("version") != VERSION or tuple(columns["source"]) != tuple(source):
            return None
        if tuple(columns["abstracts"]) != file_signature(folder / ABSTRACTS):
            return None
        offsets = array("q")
        offsets.frombytes(columns["offsets"])
        papers = Papers(columns["papers"], AbstractFile(folder / ABSTRACTS, offsets))
        if len(offsets) != len(papers) + 1 or len(columns["order"]) != len(papers):
            return None
        return Snapshot(papers, columns["order"], columns["doc_ids"], columns["digests"], columns["fetched"])
    except (OSError, EOFError, ValueError, TypeError, KeyError, IndexError):
        return None
