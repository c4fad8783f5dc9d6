"""What the sync repository holds, file by file, and how each file is read and written.

- ``readlist-sync.json``: says what the repository is (``{"format": "readlist-sync", "version": 1}``);
  a remote whose files lack it holds something else, and is refused.
- ``papers/<first two hex digits of the id>.jsonl``: one paper a line, sorted by id, in the shape
  of a paper in the JSON export (what ``readlist import`` reads), except that ``links`` holds the
  links beyond those in the abstract and there is no ``url`` (both are made from the others).
  Sharding by id keeps a sync's commit small: a fetch of a day's papers rewrites a few dozen
  files of a few hundred papers.
- ``state.jsonl``: one line per paper with reading state, sorted by id: ``read``, ``starred``,
  ``note``, ``tags`` and, for each, when it last changed (``read_at``...).
- ``digests.jsonl``: one line per digest: its ``label`` and ISO ``date``.
- ``README.md``: a word for whoever opens the repository.

Every line is JSON with sorted keys, so the same data always gives the same bytes and git sees
a change as a changed line. Files are read strictly: a line that is not what readlist writes
stops the sync with the file and line, before anything is changed.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

import orjson

from readlist.core.errors import SyncError
from readlist.core.json_input import read_export_papers
from readlist.core.library import paper_of_entry
from readlist.core.model import Paper, PaperState
from readlist.core.state import STATE_FIELDS, full_record
from readlist.core.text import clean_note, clean_tags

FORMAT = "readlist-sync"
VERSION = 1
MARKER = "readlist-sync.json"
README = "README.md"
STATE = "state.jsonl"
DIGESTS = "digests.jsonl"
PAPERS = "papers/"
_HEX2 = re.compile(r"^[0-9a-f]{2}")

Record = dict[str, Any]

MARKER_BYTES = orjson.dumps({"format": FORMAT, "version": VERSION}, option=orjson.OPT_SORT_KEYS) + b"\n"
README_BYTES = b"""# readlist sync

This repository is where `readlist sync` keeps a reading list for several machines: the
papers (`papers/`), the reading state with the time of each change (`state.jsonl`) and the
digests (`digests.jsonl`). readlist writes and merges these files itself; edit them through
readlist, not by hand.
"""


@dataclass(frozen=True, slots=True)
class Blob:
    """A file's content by its git id; ``data`` is None while it is only in the repository."""

    id: str
    data: bytes | None = None

    @classmethod
    def of(cls, data: bytes) -> Blob:
        return cls(blob_id(data), data)


Tree = dict[str, Blob]  # path → content: the files of one commit, or of one about to be made


def blob_id(data: bytes) -> str:
    """The id git gives a file with these bytes."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def shard(key: str) -> str:
    """The file a paper's line is in."""
    return f"{PAPERS}{key[:2]}.jsonl" if _HEX2.match(key) else f"{PAPERS}other.jsonl"


def is_papers(path: str) -> bool:
    return path.startswith(PAPERS)


def lines(records: dict[str, Record]) -> bytes:
    """Records (key → record holding its key) as the file writes them: sorted, one a line."""
    return b"".join(
        orjson.dumps(records[key], option=orjson.OPT_SORT_KEYS) + b"\n" for key in sorted(records)
    )


def parse_lines(data: bytes, path: str, key: str = "id") -> dict[str, Record]:
    """A file's records by their ``key`` field; SyncError naming the line that is not one."""
    records: dict[str, Record] = {}
    for n, line in enumerate(data.splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = orjson.loads(line)
        except orjson.JSONDecodeError:
            raise SyncError(f"sync: {path} line {n}: not JSON") from None
        if not isinstance(record, dict) or not isinstance(record.get(key), str) or not record[key]:
            raise SyncError(f"sync: {path} line {n}: not a record with a {key!r}")
        records[record[key]] = record
    return records


def check_marker(data: bytes | None, where: str) -> None:
    """Refuse a repository that is not a readlist sync repository, or one a newer readlist wrote."""
    try:
        marker = orjson.loads(data) if data is not None else None
    except orjson.JSONDecodeError:
        marker = None
    if not isinstance(marker, dict) or marker.get("format") != FORMAT:
        raise SyncError(
            f"sync: {where} holds something that is not a readlist sync repository; "
            "sync with an empty repository or one readlist made"
        )
    version = marker.get("version")
    if not isinstance(version, int) or version > VERSION:
        raise SyncError(
            f"sync: {where} was written by a newer readlist (sync format {version}); update readlist"
        )


# -- paper records ------------------------------------------------------------------------------------


def paper_record_of(paper: Paper, key: str) -> Record:
    """A paper as the repository keeps it, under ``key``: its stored fields but the ones that
    only say where it stands in this library (``seq``, ``pos``, ``rev``)."""
    record = paper.to_record()
    for local in ("seq", "pos", "rev"):
        del record[local]
    record["links"] = record.pop("extra_links")
    record["id"] = key
    return record


def papers_of(records: list[Record], where: str) -> list[Paper]:
    """Paper records read as an import reads a readlist export (text cleaned, bad fields left out);
    SyncError for one that is no paper at all."""
    entries, problems = read_export_papers(records, where)
    if len(entries) != len(records):
        raise SyncError(f"sync: {problems[0] if problems else where + ': a record that is not a paper'}")
    return [paper_of_entry(entry) for entry in entries]


# -- state records ------------------------------------------------------------------------------------


def state_record(key: str, record: Record) -> Record:
    """A state record as the repository keeps it: every field and its time, defaults filled in."""
    return full_record({**record, "id": key})


def is_blank(record: Record) -> bool:
    """A state record that says nothing: every field at its default, never changed."""
    return all(
        record.get(name, PaperState.DEFAULTS[name]) == PaperState.DEFAULTS[name]
        and record.get(f"{name}_at") is None
        for name in STATE_FIELDS
    )


def parse_state(data: bytes, path: str = STATE) -> dict[str, Record]:
    """The state file's records, checked field by field (notes and tags cleaned as typed ones are)."""
    records = parse_lines(data, path)
    for n, (key, raw) in enumerate(records.items(), 1):
        try:
            records[key] = _checked_state(key, raw)
        except (TypeError, ValueError) as exc:
            raise SyncError(f"sync: {path}: paper {key[:40]!r} (record {n}): {exc}") from None
    return records


def _checked_state(key: str, raw: Record) -> Record:
    record = state_record(key, raw)
    for flag in ("read", "starred"):
        if not isinstance(record[flag], bool):
            raise TypeError(f"{flag} is not true or false")
    if not isinstance(record["note"], str):
        raise TypeError("the note is not text")
    if not isinstance(record["tags"], list) or not all(isinstance(tag, str) for tag in record["tags"]):
        raise TypeError("the tags are not a list of words")
    record["note"] = clean_note(record["note"])
    record["tags"] = clean_tags(record["tags"])
    for name in STATE_FIELDS:
        stamp = record[f"{name}_at"]
        if stamp is not None and (isinstance(stamp, bool) or not isinstance(stamp, int | float)):
            raise TypeError(f"{name}_at is not a time")
    return record


def parse_digests(data: bytes, path: str = DIGESTS) -> dict[str, Record]:
    records = parse_lines(data, path, key="label")
    for label, record in records.items():
        if record.get("date") is not None and not isinstance(record["date"], str):
            raise SyncError(f"sync: {path}: digest {label[:40]!r}: the date is not text")
    return records
