"""Merging and comparing whole versions of the sync repository, file by file.

A file only one side changed is taken whole, by its git id, without reading it; only files both
sides changed are read and merged record by record (merge.py). So a sync of a library of 100k
papers reads what changed, not the library.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from readlist.core.sync import merge
from readlist.core.sync.records import (
    DIGESTS,
    MARKER,
    MARKER_BYTES,
    README,
    README_BYTES,
    STATE,
    Blob,
    Record,
    Tree,
    is_papers,
    lines,
    parse_digests,
    parse_lines,
    parse_state,
    shard,
)

Read = Callable[[list[Blob]], list[bytes]]  # the contents of blobs, in one call


class Files:
    """Reads blobs (through ``read``, once each) and parses them, keeping what it parsed."""

    def __init__(self, read: Read) -> None:
        self._read = read
        self._data: dict[str, bytes] = {}
        self._parsed: dict[tuple[str, str], dict[str, Record]] = {}

    def prefetch(self, blobs: Iterable[Blob | None]) -> None:
        wanted = {b.id: b for b in blobs if b is not None and b.data is None and b.id not in self._data}
        if wanted:
            self._data.update(zip(wanted, self._read(list(wanted.values())), strict=True))

    def data(self, blob: Blob) -> bytes:
        if blob.data is not None:
            return blob.data
        self.prefetch([blob])
        return self._data[blob.id]

    def scan(self, items: Sequence[tuple[str, Blob | None]], batch: int = 64) -> Iterator[dict[str, Record]]:
        """The records of each file (path and blob, None: not there), in order, read a few files
        at a time and not kept: for a look at every paper without holding them all."""
        for start in range(0, len(items), batch):
            chunk = items[start : start + batch]
            missing = {
                b.id: b for _, b in chunk if b is not None and b.data is None and b.id not in self._data
            }
            read = dict(zip(missing, self._read(list(missing.values())), strict=True)) if missing else {}
            for path, blob in chunk:
                if blob is None or (path, blob.id) in self._parsed:
                    yield self.records(path, blob)
                else:
                    known = self._data if blob.id in self._data else read
                    data = blob.data if blob.data is not None else known[blob.id]
                    yield _parser(path)(data, path)

    def records(self, path: str, blob: Blob | None) -> dict[str, Record]:
        """The records of file ``path`` in this version (none when it is not there)."""
        if blob is None:
            return {}
        if (path, blob.id) not in self._parsed:
            self._parsed[path, blob.id] = _parser(path)(self.data(blob), path)
        return dict(self._parsed[path, blob.id])


def _parser(path: str) -> Callable[[bytes, str], dict[str, Record]]:
    return parse_state if path == STATE else parse_digests if path == DIGESTS else parse_lines


def same(one: Blob | None, other: Blob | None) -> bool:
    return (one.id if one else None) == (other.id if other else None)


def constant_files(tree: Tree) -> Tree:
    """``tree`` with readlist's own marker and README."""
    return {**tree, MARKER: Blob.of(MARKER_BYTES), README: Blob.of(README_BYTES)}


def merge_trees(base: Tree, ours: Tree, theirs: Tree, files: Files) -> Tree:
    """The version that keeps every change both sides made since ``base`` (see merge.py)."""
    merged: Tree = {}
    conflicts: list[str] = []
    for path in sorted((ours.keys() | theirs.keys()) - {MARKER, README}):
        b, o, t = base.get(path), ours.get(path), theirs.get(path)
        if same(o, t) or same(b, t):
            chosen = o
        elif same(b, o):
            chosen = t
        else:
            conflicts.append(path)
            continue
        if chosen is not None:
            merged[path] = chosen
    files.prefetch(tree.get(path) for path in conflicts for tree in (base, ours, theirs))
    for path in conflicts:
        rule = (
            merge.merge_state
            if path == STATE
            else merge.merge_digest
            if path == DIGESTS
            else merge.merge_paper
        )
        records = merge.merge_records(
            *(files.records(path, tree.get(path)) for tree in (base, ours, theirs)), rule
        )
        if records:
            merged[path] = Blob.of(lines(records))
    added_theirs = _added(base, theirs, files)
    groups = merge.duplicate_groups(_added(base, ours, files), added_theirs) if added_theirs else []
    if groups:
        _fold(merged, groups, files)
    return constant_files(merged)


def _added(base: Tree, side: Tree, files: Files) -> dict[str, Record]:
    """The papers ``side`` holds that ``base`` does not."""
    changed = [path for path in side if is_papers(path) and not same(base.get(path), side[path])]
    files.prefetch(tree.get(path) for path in changed for tree in (base, side))
    added: dict[str, Record] = {}
    for path in changed:
        before = files.records(path, base.get(path))
        added.update(
            (key, record) for key, record in files.records(path, side[path]).items() if key not in before
        )
    return added


def _fold(tree: Tree, groups: list[list[str]], files: Files) -> None:
    """Fold duplicate papers (merge.fold) in ``tree``: rewrite their files and the state."""
    paths = sorted({shard(key) for group in groups for key in group})
    papers: dict[str, Record] = {}
    for path in paths:
        papers.update(files.records(path, tree.get(path)))
    state = files.records(STATE, tree.get(STATE))
    merge.fold(groups, papers, state)
    for path in paths:
        records = {key: record for key, record in papers.items() if shard(key) == path}
        _put(tree, path, records)
    _put(tree, STATE, state)


def _put(tree: Tree, path: str, records: dict[str, Record]) -> None:
    if records:
        tree[path] = Blob.of(lines(records))
    else:
        tree.pop(path, None)


@dataclass
class Changes:
    """What differs between two versions: papers whose record changed (key → the new record),
    and papers whose state changed (key → the old and the new record, None when absent)."""

    papers: dict[str, Record] = field(default_factory=dict)
    state: dict[str, tuple[Record | None, Record | None]] = field(default_factory=dict)


def changes(old: Tree, new: Tree, files: Files) -> Changes:
    """How ``new`` differs from ``old`` (records gone from ``new`` count in the state only)."""
    found = Changes()
    for path, before, after, differ in _differences(old, new, files):
        if path == STATE:
            found.state.update((key, (before.get(key), after.get(key))) for key in differ)
        elif path != DIGESTS:
            found.papers.update((key, after[key]) for key in differ if key in after)
    return found


def changed_papers(old: Tree, new: Tree, files: Files) -> int:
    """How many papers' record or state differ between two versions (without keeping them)."""
    keys: set[str] = set()
    for path, _, _, differ in _differences(old, new, files):
        if path != DIGESTS:
            keys |= differ
    return len(keys)


def _differences(
    old: Tree, new: Tree, files: Files
) -> Iterator[tuple[str, dict[str, Record], dict[str, Record], set[str]]]:
    """Each file that differs: its path, its records in both versions, and the keys that differ."""
    paths = sorted(
        path
        for path in (old.keys() | new.keys()) - {MARKER, README}
        if not same(old.get(path), new.get(path))
    )
    records = files.scan([(path, tree.get(path)) for path in paths for tree in (old, new)])
    for path in paths:
        before, after = next(records), next(records)
        yield (
            path,
            before,
            after,
            {key for key in before.keys() | after.keys() if before.get(key) != after.get(key)},
        )
