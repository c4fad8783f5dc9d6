"""Taking papers out of the library: chosen papers, a whole digest, or what the last import added.

Nothing is lost by it: before anything goes, the papers that leave, with their read marks,
stars, notes and tags, are written as a readlist export to ``backups/removed-<time>.json``,
which ``readlist import`` brings back whole. A digest that goes takes the papers that were in no
other digest; the others stay and only leave that digest.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from readlist.core.backup import BACKUP_DIR
from readlist.core.errors import ReadlistError
from readlist.core.library import Library
from readlist.core.paths import ensure_dir
from readlist.core.storage import FILE_MODE, write_atomic


@dataclass(frozen=True, slots=True)
class Removal:
    papers: int  # papers that left the library
    digests: list[str]  # digests that went
    kept: Path | None  # where the papers that left are kept, with their state


def remove_papers(library: Library, pids: Collection[str]) -> Removal:
    return _remove(library, set(pids), [])


def remove_digest(library: Library, label: str) -> Removal:
    """The digest ``label``, and its papers that are in no other digest."""
    if label not in library.digests:
        known = ", ".join(sorted(library.digests)[:6]) or "none yet"
        raise ReadlistError(
            f"no digest {label!r} (the digests: {known}{', …' if len(library.digests) > 6 else ''})"
        )
    only_here = {paper.id for paper in library.papers if paper.digests == [label]}
    return _remove(library, only_here, [label])


def undo_last_import(library: Library) -> Removal:
    """The papers the last import added and the digests it made (papers it only added to keep
    what they gained)."""
    last = library.last_import()
    if last is None:
        raise ReadlistError("no import to undo: the last one was undone already, or none added anything")
    made = [label for label in last.get("digests", []) if label in library.digests]
    added = {pid for pid in last.get("added", []) if pid in library.by_id}
    # A digest the import made goes; so do papers of it no other digest holds.
    added |= {paper.id for paper in library.papers if paper.digests and set(paper.digests) <= set(made)}
    return _remove(library, added, made)


def _remove(library: Library, pids: set[str], labels: list[str]) -> Removal:
    kept = _keep(library, pids) if pids else None
    library.take_out(pids, labels)
    return Removal(len(pids), labels, kept)


def _keep(library: Library, pids: set[str]) -> Path:
    """The papers as a readlist export, with their state, in the backups folder."""
    index = library.by_id.index
    text, _ = library.export(sorted(index[pid] for pid in pids), "json")
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    path = _claim(ensure_dir(library.folder / BACKUP_DIR), f"removed-{stamp}")
    try:
        write_atomic(path, text.encode("utf-8"))
    except BaseException:
        path.unlink(missing_ok=True)  # nothing was removed: no empty file claims otherwise
        raise
    return path


def _claim(folder: Path, stem: str) -> Path:
    """A file name in ``folder`` that no earlier removal has, made (empty) at once so that no
    other removal takes it: two in the same second each keep their own papers."""
    n = 1
    while True:
        path = folder / (f"{stem}.json" if n == 1 else f"{stem}-{n}.json")
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
        except FileExistsError:
            n += 1
            continue
        return path
