"""Between the library and the sync repository: this machine's version out, the merged one in.

``export_library`` writes the library as the repository's files. A paper's key there is its id,
except for a paper this machine holds under another id than the repository (two titles of one
paper): that one keeps the repository's key, remembered in ``keys`` from sync to sync.

``apply`` brings a merged version into the library: the papers that changed go in as an import
of a readlist export would bring them (library.import_digests), and the state that changed is
merged once more, field by field, against what the library holds now, so that a change made
here while the sync ran (in the app) is kept and goes out with the next sync.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson

from readlist.core.json_input import EXPORT_FORMAT, EXPORT_VERSION, read_export
from readlist.core.library import Library
from readlist.core.sync.merge import adds_nothing, identities, merge_state
from readlist.core.sync.records import (
    DIGESTS,
    STATE,
    VERSION,
    Blob,
    Record,
    Tree,
    is_blank,
    is_papers,
    lines,
    paper_record_of,
    papers_of,
    shard,
    state_record,
)
from readlist.core.sync.trees import Files, changes, constant_files, same

SOURCE = "readlist sync"


@dataclass
class Export:
    """This machine's version: the files, the papers whose key is not their id (id → key), and
    what to remember of the papers' files for the next export (see ``_paper_files``)."""

    tree: Tree
    keys: dict[str, str] = field(default_factory=dict)
    papers: dict[str, Any] = field(default_factory=dict)
    stamp: dict[str, Any] = field(
        default_factory=dict
    )  # the version of library.json the papers' files are of

    def key(self, pid: str) -> str:
        return self.keys.get(pid, pid)


def export_library(
    library: Library, head: Tree, files: Files, known: dict[str, str], last: dict[str, Any] | None = None
) -> Export:
    """The library as the repository's files, keyed so that ``head``'s papers keep their keys;
    ``last`` is ``Export.papers`` of an earlier export whose files are in the repository."""
    export = Export({})
    for pid, key in sorted(known.items()):  # a remembered key stays while no paper here has it as its id
        if pid in library.by_id and key not in library.by_id and key not in export.keys.values():
            export.keys[pid] = key
    export.tree = _files(library, export, last)
    new = _new_keys(head, export.tree, files)
    if new:
        index = _index(head, files)
        owner = {key: pid for pid, key in export.keys.items()}
        taken = set(export.keys.values()) | set(library.by_id)
        remapped = False
        for key in sorted(new):
            pid = owner.get(key, key)
            found = sorted(
                {index[i] for i in identities(paper_record_of(library.by_id[pid], key)) if i in index} - taken
            )
            if found:
                export.keys[pid] = found[0]
                taken.add(found[0])
                remapped = True
        if remapped:
            export.tree = _files(library, export)
    _settle(export, head, files)
    export.papers = {
        **export.stamp,
        "files": {path: blob.id for path, blob in export.tree.items() if is_papers(path)},
    }
    return export


def _settle(export: Export, head: Tree, files: Files) -> None:
    """Where this machine's record of a paper tells nothing that ``head``'s does not (another
    capital in the title, the digests in another order), and for a digest ``head`` knows,
    ``head``'s record stands: else two machines would send their own spelling of one paper back
    and forth at every sync."""
    for path, blob in list(export.tree.items()):
        if not (is_papers(path) or path == DIGESTS) or path not in head or same(head[path], blob):
            continue
        ours, known = files.records(path, blob), files.records(path, head[path])
        settled = {
            key: known[key]
            if key in known and record != known[key] and (path == DIGESTS or adds_nothing(known[key], record))
            else record
            for key, record in ours.items()
        }
        if settled != ours:
            export.tree[path] = Blob.of(lines(settled))


def _files(library: Library, export: Export, last: dict[str, Any] | None = None) -> Tree:
    tree = _paper_files(library, export, last)
    mapped = set(export.keys.values())
    state: dict[str, Record] = {}
    for pid, record in library.state.records():
        if is_blank(record) or pid in mapped:
            continue  # (a state kept under an id no paper has here, which is another paper's key)
        state[export.key(pid)] = state_record(export.key(pid), record)
    if state:
        tree[STATE] = Blob.of(lines(state))
    digests = {label: {"label": label, "date": day} for label, day in library.digest_dates().items()}
    if digests:
        tree[DIGESTS] = Blob.of(lines(digests))
    return constant_files(tree)


def _paper_files(library: Library, export: Export, last: dict[str, Any] | None) -> Tree:
    """The papers' files: the last export's while ``library.json`` is the same version (and the
    keys the same), else made afresh (seconds at 100k papers, where the rest of a sync that
    changed a few papers takes a fraction of one)."""
    export.stamp = {
        "format": VERSION,
        "revision": orjson.loads(orjson.dumps(library.revision)),
        "keys": dict(export.keys),
    }
    if last is not None and all(last.get(name) == value for name, value in export.stamp.items()):
        return {path: Blob(blob_id) for path, blob_id in last["files"].items()}
    by_shard: dict[str, list[int]] = {}
    for i, pid in enumerate(library.papers.ids):
        by_shard.setdefault(shard(export.key(pid)), []).append(i)
    tree: Tree = {}
    for path, numbers in by_shard.items():
        papers = (library.papers.peek(i) for i in numbers)
        tree[path] = Blob.of(lines({export.key(p.id): paper_record_of(p, export.key(p.id)) for p in papers}))
    return tree


def _new_keys(head: Tree, tree: Tree, files: Files) -> set[str]:
    """Keys of papers in ``tree`` that ``head`` does not hold (none when ``head`` holds no papers)."""
    if not any(is_papers(path) for path in head):
        return set()
    changed = [path for path in tree if is_papers(path) and not same(head.get(path), tree[path])]
    new: set[str] = set()
    for path in changed:
        before = files.records(path, head.get(path))
        new.update(key for key in files.records(path, tree[path]) if key not in before)
    return new


def _index(head: Tree, files: Files) -> dict[str, str]:
    """What identifies each paper of ``head`` (merge.identities) → its key."""
    index: dict[str, str] = {}
    for records in files.scan([(path, head[path]) for path in sorted(head) if is_papers(path)]):
        for key, record in records.items():
            for identity in identities(record):
                index.setdefault(identity, key)
    return index


@dataclass
class Applied:
    """What a sync changed here: papers added or updated, of which new, and papers whose state changed."""

    papers: int = 0
    new: int = 0
    state: int = 0
    problems: list[str] = field(default_factory=list)
    keys: dict[str, str] = field(default_factory=dict)  # the keys to remember (see ``Export``)

    @property
    def changed(self) -> bool:
        return bool(self.papers or self.state)


def apply(library: Library, export: Export, merged: Tree, files: Files) -> Applied:
    """Bring what ``merged`` holds beyond ``export`` into the library."""
    diff = changes(export.tree, merged, files)
    applied = Applied(keys=dict(export.keys))
    if diff.papers:
        digests = files.records(DIGESTS, merged.get(DIGESTS))
        doc = {
            "format": EXPORT_FORMAT,
            "version": EXPORT_VERSION,
            "digests": [digests[label] for label in sorted(digests)],
            "papers": [diff.papers[key] for key in sorted(diff.papers)],
        }
        report = library.import_digests(read_export(doc, SOURCE))
        applied.papers, applied.new = report.new + report.updated, report.new
        # A paper without an abstract is no problem here (an import of a file says so once).
        applied.problems = [problem for problem in report.problems if not problem.endswith("has no abstract")]
    pids = _local_papers(library, export, merged, files, set(diff.state), applied)
    exported = files.records(STATE, export.tree.get(STATE)) if diff.state else {}
    with library.lock:
        library.state.refresh()  # what this process or another saved since the export
        puts: dict[str, Record] = {}
        for key, (_, theirs) in sorted(diff.state.items()):
            if theirs is None:
                continue  # folded into another paper's record (merge.fold), which brings it
            for pid in pids.get(key, [key]):
                now = state_record(key, library.state.record(pid) or {})
                target = merge_state(key, exported.get(export.key(pid)), now, theirs) or state_record(key, {})
                fields = {
                    name: value for name, value in target.items() if name != "id" and now.get(name) != value
                }
                if fields:
                    puts[pid] = fields
        library.state.put(puts)
        library.state.flush()
    applied.state = sum(1 for fields in puts.values() if any(not name.endswith("_at") for name in fields))
    return applied


def _local_papers(
    library: Library, export: Export, merged: Tree, files: Files, keys: set[str], applied: Applied
) -> dict[str, list[str]]:
    """The papers here that each key of ``keys`` is (none for a paper this library lacks);
    a paper that is known here under another id is remembered in ``applied.keys``."""
    by_key: dict[str, list[str]] = {}
    for pid, key in export.keys.items():
        by_key.setdefault(key, []).append(pid)
    found: dict[str, list[str]] = {}
    unknown: list[str] = []
    for key in keys:
        pids = by_key.get(key, []) + ([key] if key in library.by_id and key not in export.keys else [])
        if pids:
            found[key] = pids
        else:
            unknown.append(key)
    for path in sorted({shard(key) for key in unknown}):
        records = files.records(path, merged.get(path))
        for key in (k for k in unknown if shard(k) == path and k in records):
            paper = library.match(papers_of([records[key]], f"{path}: paper {key}")[0])
            if paper is not None:
                found[key] = [paper.id]
                if paper.id != key:
                    applied.keys[paper.id] = key
    return found
