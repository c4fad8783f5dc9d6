"""The library: every imported paper, merged by identity, plus its state.

Papers live in ``library.json`` (rewritten only by imports) and state in
``state.json`` (rewritten by every star, read mark and note), so the large file
with the abstracts is never rewritten by triage.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.table import Document

from readlist.core import snapshot
from readlist.core.digest import Digest, Problem
from readlist.core.links import find_urls
from readlist.core.model import Paper, PaperState, paper_id
from readlist.core.papers import Papers, PapersById
from readlist.core.paths import ensure_dir
from readlist.core.state import StateStore
from readlist.core.storage import AtomicJSONStorage, FileLock, file_signature
from readlist.core.text import title_key

LIBRARY_FILE = "library.json"
STATE_FILE = "state.json"
LOCK_FILE = ".lock"
CACHE_DIR = "cache"


@dataclass(slots=True)
class DigestInfo:
    label: str
    date: str | None
    sources: list[str]
    seq: int
    imported_at: float
    count: int = 0

    def to_record(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "date": self.date,
            "sources": self.sources,
            "seq": self.seq,
            "imported_at": self.imported_at,
            "count": self.count,
        }

    @classmethod
    def from_record(cls, rec: dict[str, Any]) -> DigestInfo:
        return cls(rec["label"], rec.get("date"), list(rec.get("sources", [])), rec.get("seq", 0),
                   rec.get("imported_at", 0.0), rec.get("count", 0))


@dataclass(slots=True)
class FileReport:
    source: str
    label: str
    entries: int = 0
    new: int = 0
    known: int = 0
    updated: int = 0
    problems: list[Problem] = field(default_factory=list)


@dataclass(slots=True)
class ImportReport:
    files: list[FileReport] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def new(self) -> int:
        return sum(f.new for f in self.files)

    @property
    def known(self) -> int:
        return sum(f.known for f in self.files)

    @property
    def updated(self) -> int:
        return sum(f.updated for f in self.files)

    @property
    def problems(self) -> list[str]:
        return [str(p) for f in self.files for p in f.problems] + self.errors

    @property
    def ok(self) -> bool:
        return not self.problems


def merge_into(paper: Paper, other: Paper) -> bool:
    """Keep the richest data of both; return True if ``paper`` gained anything."""
    changed = False
    if other.abstract and other.abstract != paper.abstract:
        longer, shorter = (other.abstract, paper.abstract) if len(other.abstract) > len(paper.abstract) else (
            paper.abstract, other.abstract)
        if longer != paper.abstract:
            paper.abstract = longer
            paper.rev += 1
            changed = True
        kept = find_urls(longer) + paper.extra_links
        for url in find_urls(shorter):  # a link only the other version has is still worth keeping
            if url not in kept:
                paper.extra_links.append(url)
                kept.append(url)
                changed = True
    if title_key(other.title) != title_key(paper.title) and other.title not in paper.aliases:
        paper.aliases.append(other.title)
        paper.rev += 1
        changed = True
    for name in ("authors", "published", "arxiv_id"):
        if getattr(paper, name) is None and getattr(other, name) is not None:
            setattr(paper, name, getattr(other, name))
            changed = True
    if paper.published and paper.published.startswith("--") and other.published and not other.published.startswith("--"):
        paper.published = other.published  # a date with its year beats one without
        changed = True
    if other.upvotes is not None and (paper.upvotes is None or other.upvotes > paper.upvotes):
        paper.upvotes = other.upvotes
        changed = True
    for label in other.digests:
        if label not in paper.digests:
            paper.digests.append(label)
            changed = True
    return changed


def digest_day(info: DigestInfo) -> str:
    """The digest's date as ISO. A page shows no year, so a year-less date takes the year it was
    imported in, or the year before when that would put it in the future (a Dec 30 digest
    imported on Jan 2)."""
    imported = dt.date.fromtimestamp(info.imported_at)
    if info.date is None:
        return imported.isoformat()
    if not info.date.startswith("--"):
        return info.date
    month, day = int(info.date[2:4]), int(info.date[5:7])
    for year in (imported.year, imported.year - 1):
        try:
            candidate = dt.date(year, month, day)
        except ValueError:  # Feb 29 in a year without one
            candidate = dt.date(year, month, 28)
        if candidate <= imported + dt.timedelta(days=2):
            break
    return candidate.isoformat()


def _display_order(papers: Papers, digests: Iterable[DigestInfo]) -> list[int]:
    """Newest digest first (by its date, then by import), then each digest's own order."""
    newest_first = sorted(digests, key=lambda d: (digest_day(d), d.seq), reverse=True)
    rank = {info.seq: i for i, info in enumerate(newest_first)}
    seq, pos = papers.column("seq"), papers.column("pos")
    last = len(rank)
    return sorted(range(len(papers)), key=lambda i: (rank.get(seq[i], last), pos[i]))


class Library:
    """Papers in display order (newest import first), their state, and the digests."""

    def __init__(self, folder: Path) -> None:
        self.folder = ensure_dir(folder)
        self.lock = FileLock(self.folder / LOCK_FILE)
        self.library_path = self.folder / LIBRARY_FILE
        self.cache = self.folder / CACHE_DIR
        self.db = TinyDB(self.library_path, storage=AtomicJSONStorage)
        self.storage: AtomicJSONStorage = self.db.storage  # type: ignore[assignment]
        self._loaded: tuple[int, int, int] | None = None
        self.papers = Papers.of([])
        self.order: list[int] = []
        self.by_id = PapersById(self.papers)
        self.digests: dict[str, DigestInfo] = {}
        self._by_key: dict[str, str] | None = None
        self._by_arxiv: dict[str, str] = {}
        self._doc_ids: dict[str, int] = {}
        self._load()
        self.state = StateStore(self.folder / STATE_FILE, self.lock)

    @classmethod
    def open(cls, folder: Path) -> Library:
        return cls(folder)

    # -- loading ---------------------------------------------------------------

    def _load(self) -> None:
        source = file_signature(self.library_path)
        snap = snapshot.load(self.cache, source)
        if snap is not None:
            papers, order, doc_ids, digest_records = snap
        else:
            table = self.db.table("papers")
            docs = sorted(table, key=lambda doc: doc.doc_id)
            papers = Papers.of(Paper.from_record(doc) for doc in docs)
            doc_ids = [doc.doc_id for doc in docs]
            digest_records = [dict(d) for d in self.db.table("digests")]
            order = _display_order(papers, [DigestInfo.from_record(d) for d in digest_records])
            self._write_snapshot(source, papers, order, doc_ids, digest_records)
        self._loaded = source
        self.papers = papers
        self.order = order
        self.by_id = PapersById(papers)
        self._doc_ids = dict(zip(papers.ids, doc_ids, strict=True))
        self.digests = {d["label"]: DigestInfo.from_record(d) for d in digest_records}
        self._by_key: dict[str, str] | None = None  # built on the first import: it costs a second at 100k
        self._by_arxiv = {a: pid for a, pid in zip(papers.column("arxiv_id"), papers.ids, strict=True) if a}

    def _write_snapshot(self, source: tuple[int, int, int] | None, papers: Papers, order: list[int],
                        doc_ids: list[int], digest_records: list[dict[str, Any]]) -> None:
        if source is None:
            return
        try:
            snapshot.save(self.cache, source, papers, order, doc_ids, digest_records)
        except OSError:
            pass  # only a slower next start

    @property
    def in_order(self) -> list[Paper]:
        """The papers in display order."""
        return [self.papers[i] for i in self.order]

    def changed_on_disk(self) -> bool:
        return file_signature(self.library_path) != self._loaded

    def reload_if_changed(self) -> bool:
        """Re-read papers another process imported; True if anything changed."""
        if not self.changed_on_disk():
            return False
        with self.lock:
            self._load()
        return True

    # -- lookups ---------------------------------------------------------------

    def get(self, pid: str) -> Paper | None:
        return self.by_id.get(pid)

    def state_of(self, pid: str) -> PaperState:
        return self.state.get(pid)

    def find(self, ref: str) -> Paper | None:
        """A paper by id, id prefix (unique), or arXiv id."""
        ref = ref.strip()
        if ref in self.by_id:
            return self.by_id[ref]
        if ref in self._by_arxiv:
            return self.by_id[self._by_arxiv[ref]]
        matches = [pid for pid in self.by_id if pid.startswith(ref)] if len(ref) >= 4 else []
        return self.by_id[matches[0]] if len(matches) == 1 else None

    # -- importing -------------------------------------------------------------

    def import_digests(self, digests: list[Digest], report: ImportReport | None = None) -> ImportReport:
        """Merge parsed digests into the library and save it in one atomic write."""
        report = report or ImportReport()
        with self.lock:
            if self.changed_on_disk():
                self._load()
            new_ids: list[str] = []
            changed_ids: set[str] = set()
            changed_digests: set[str] = set()
            next_seq = max((d.seq for d in self.digests.values()), default=0) + 1
            for digest in digests:
                file_report = FileReport(digest.source, digest.label, problems=list(digest.problems))
                report.files.append(file_report)
                if not digest.entries:
                    continue
                info = self.digests.get(digest.label)
                if info is None:
                    info = DigestInfo(digest.label, digest.date, [], next_seq, time.time())
                    self.digests[digest.label] = info
                    next_seq += 1
                    changed_digests.add(digest.label)
                source = Path(digest.source).name
                if source not in info.sources:
                    info.sources.append(source)
                    changed_digests.add(digest.label)
                seen_here: set[str] = set()
                for pos, entry in enumerate(digest.entries):
                    file_report.entries += 1
                    incoming = Paper(
                        id=paper_id(entry.title),
                        title=entry.title,
                        abstract=entry.abstract,
                        authors=entry.authors,
                        published=entry.published,
                        upvotes=entry.upvotes,
                        arxiv_id=entry.arxiv_id,
                        digests=[digest.label],
                        seq=info.seq,
                        pos=pos,
                    )
                    existing = self._match(incoming)
                    if existing is None:
                        self._add(incoming)
                        new_ids.append(incoming.id)
                        seen_here.add(incoming.id)
                        file_report.new += 1
                        continue
                    if existing.id not in seen_here:
                        file_report.known += 1
                        seen_here.add(existing.id)
                    if merge_into(existing, incoming):
                        if existing.arxiv_id:
                            self._by_arxiv[existing.arxiv_id] = existing.id
                        for title in existing.aliases:
                            self._title_keys().setdefault(title_key(title), existing.id)
                        changed_ids.add(existing.id)
                        if existing.id not in new_ids:
                            file_report.updated += 1
            counts = Counter(label for paper in self.by_id.values() for label in paper.digests)
            for info in self.digests.values():
                if counts[info.label] != info.count:
                    info.count = counts[info.label]
                    changed_digests.add(info.label)
            if new_ids or changed_ids or changed_digests:
                self._save(new_ids, changed_ids - set(new_ids), changed_digests)
        return report

    def _match(self, paper: Paper) -> Paper | None:
        pid = None
        if paper.arxiv_id:
            pid = self._by_arxiv.get(paper.arxiv_id)
        if pid is None:
            pid = self._title_keys().get(title_key(paper.title))
        return self.by_id.get(pid) if pid else None

    def _title_keys(self) -> dict[str, str]:
        if self._by_key is None:
            keys = {}
            for paper in self.papers:
                for title in (*paper.aliases, paper.title):
                    keys[title_key(title)] = paper.id
            self._by_key = keys
        return self._by_key

    def _add(self, paper: Paper) -> None:
        self.papers.append(paper)
        self.by_id.add(paper)
        self._title_keys()[title_key(paper.title)] = paper.id
        if paper.arxiv_id:
            self._by_arxiv[paper.arxiv_id] = paper.id

    def _save(self, new_ids: list[str], changed_ids: set[str], changed_digests: set[str]) -> None:
        papers = self.db.table("papers")
        digests = self.db.table("digests")
        with self.storage.batch():
            if changed_ids:
                ids = {self._doc_ids[pid]: pid for pid in changed_ids}
                papers.update(lambda doc: doc.update(self.by_id[doc["id"]].to_record()), doc_ids=list(ids))
            if new_ids:
                first = max(self._doc_ids.values(), default=0) + 1
                docs = [Document(self.by_id[pid].to_record(), doc_id=first + i) for i, pid in enumerate(new_ids)]
                papers.insert_multiple(docs)
                self._doc_ids.update((pid, first + i) for i, pid in enumerate(new_ids))
            if changed_digests:
                digests.truncate()
                digests.insert_multiple(d.to_record() for d in self.digests.values())
        self._loaded = file_signature(self.library_path)
        self.order = _display_order(self.papers, self.digests.values())
        doc_ids = [self._doc_ids[pid] for pid in self.papers.ids]
        records = [d.to_record() for d in self.digests.values()]
        self._write_snapshot(self._loaded, self.papers, self.order, doc_ids, records)

    def close(self) -> None:
        self.state.close()
        self.db.close()
