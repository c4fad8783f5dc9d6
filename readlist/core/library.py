"""The library: every imported paper, merged by identity, plus its state.

Papers live in ``library.json`` (rewritten only by imports) and state in
``state.json`` (rewritten by every star, read mark and note), so the large file
with the abstracts is never rewritten by triage.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.table import Document

from readlist.core import recovery, snapshot
from readlist.core.digest import Digest, Entry, Problem
from readlist.core.errors import CorruptFileError, ReadlistError, UnsavedChanges
from readlist.core.links import find_urls
from readlist.core.model import COUNTS, Paper, PaperState, paper_id
from readlist.core.papers import Papers, PapersById, count_labels, split_joined
from readlist.core.paths import ensure_dir
from readlist.core.state import StateStore
from readlist.core.storage import AtomicJSONStorage, FileLock, Signature, file_signature
from readlist.core.text import clean_tags, one_line, plural, title_key
from readlist.core.undo import UNDO_FILE, Step, UndoLog

MIN_PREFIX = 4  # the shortest start of an id that may name a paper
LIBRARY_FILE = "library.json"
LAST_IMPORT_TABLE = "last_import"  # one record: {"at", "added": [ids], "digests": [labels it made]}
FETCHED_TABLE = "fetched"  # the days fetched from the Hub: {"day": "2025-03-14", "at": when}
STATE_FILE = "state.json"
LOCK_FILE = ".lock"
CACHE_DIR = "cache"


@dataclass(frozen=True, slots=True)
class Loaded:
    """The papers of ``library.json`` as read at one version of it (``source``)."""

    source: Signature | None
    papers: Papers
    order: list[int]
    doc_ids: list[int]
    digest_records: list[dict[str, Any]]
    fetched: dict[str, float]


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
        return cls(
            rec["label"],
            rec.get("date"),
            list(rec.get("sources", [])),
            rec.get("seq", 0),
            rec.get("imported_at", 0.0),
            rec.get("count", 0),
        )


@dataclass(slots=True)
class FileReport:
    """One line of the import summary: a digest of a file, or a whole readlist export.
    ``entries`` is ``new`` + ``known`` + ``repeats``."""

    source: str
    label: str
    entries: int = 0
    new: int = 0
    known: int = 0
    repeats: int = 0  # entries of a paper listed before in the same digest, or new earlier in this import
    updated: int = 0
    restored: int = 0  # papers whose read / starred / note / tags an export brought
    problems: list[Problem] = field(default_factory=list)
    unit: str = "entry"  # what ``entries`` counts: a digest's entries, or an export's papers


@dataclass(slots=True)
class ImportReport:
    files: list[FileReport] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    added: set[str] = field(default_factory=set)  # ids of the papers new in this import, so far

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
    def repeats(self) -> int:
        return sum(f.repeats for f in self.files)

    @property
    def problems(self) -> list[str]:
        """What failed: the problems that are not warnings, and the inputs that could not be read."""
        return [str(p) for f in self.files for p in f.problems if not p.warning] + self.errors

    @property
    def warnings(self) -> list[str]:
        """Notes about inputs that were read in full (a file in Windows-1252, not UTF-8)."""
        return [str(p) for f in self.files for p in f.problems if p.warning]

    @property
    def ok(self) -> bool:
        return not self.problems

    def totals(self) -> str:
        """``40 new, 2 already known, 1 problem``: the counts of the whole import, in the order
        each file's line gives them."""
        problems, warnings = len(self.problems), len(self.warnings)
        return (
            f"{self.new} new, {self.known} already known"
            + (f", {self.repeats} repeated" if self.repeats else "")
            + (f", {self.updated} updated" if self.updated else "")
            + f", {plural(problems, 'problem')}"
            + (f", {plural(warnings, 'warning')}" if warnings else "")
        )

    def brief(self) -> str:
        """``totals`` for a notice: its problems counted only when there are any."""
        totals = self.totals()
        return totals if self.problems or self.warnings else totals.removesuffix(", 0 problems")

    def summary(self) -> str:
        """``Imported 2 files: 40 new, 2 already known``: one line for the whole import."""
        files = plural(len({f.source for f in self.files}) or len(self.errors), "file")
        return f"Imported {files}: {self.brief()}"


def merge_into(paper: Paper, other: Paper) -> bool:
    """Keep the richest data of both; return True if ``paper`` gained anything."""
    changed = False
    if other.abstract and other.abstract != paper.abstract:
        longer, shorter = (
            (other.abstract, paper.abstract)
            if len(other.abstract) > len(paper.abstract)
            else (paper.abstract, other.abstract)
        )
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
    for title in other.aliases:
        if title_key(title) != title_key(paper.title) and title not in paper.aliases:
            paper.aliases.append(title)
            paper.rev += 1
            changed = True
    if other.extra_links:  # links a JSON entry names besides its abstract (code, project page)
        kept = paper.links
        for url in other.extra_links:
            if url not in kept:
                paper.extra_links.append(url)
                kept.append(url)
                changed = True
    if len(other.author_names) > len(paper.author_names):
        paper.author_names = list(other.author_names)
        changed = True
    for name in ("authors", "published", "arxiv_id"):
        if getattr(paper, name) is None and getattr(other, name) is not None:
            setattr(paper, name, getattr(other, name))
            changed = True
    better = _better_date(other.published, paper.published)
    if better is not None:
        paper.published = better
        changed = True
    changed |= _merge_hub(paper, other)
    for label in other.digests:
        if label not in paper.digests:
            paper.digests.append(label)
            changed = True
    for label, place in other.positions.items():  # the first place seen in a digest stays
        if label in paper.digests and label not in paper.positions:
            paper.positions[label] = place
            changed = True
    if other.hub_at is not None and (paper.hub_at is None or (changed and other.hub_at > paper.hub_at)):
        paper.hub_at = other.hub_at  # when the Hub last told something this paper now holds
        changed = True
    return changed


def _better_date(new: str | None, old: str | None) -> str | None:
    """The published date to keep when ``old`` meets ``new``, if it is not ``old``: a date with its
    year beats one without (``--10-08``), a day beats the month or the year alone it is in, and a
    year alone gives a date without one its year."""
    if not new or not old or new == old or new.startswith("--"):
        return None
    if old.startswith("--"):
        return new + old[1:] if len(new) == 4 else new
    return new if len(new) > len(old) and new.startswith(old) else None


def _merge_hub(paper: Paper, other: Paper) -> bool:
    """Take in the counts and the Hub's own fields of ``other``; True if ``paper`` changed.

    Counts change for real: upvotes rise for days, and a vote, a star or a comment can be taken
    back. So a newer answer of the Hub wins, even with a lower count; ``hub_at`` says when each
    side's answer was. A source of unknown age (a saved page, a saved API answer) cannot be
    newer than a live answer: it only fills a count not known yet, or raises one that no live
    answer set (the rule of every import: the same file twice changes nothing). The Hub's code
    repository, project page, summary and keywords follow the same rule, except that an answer
    without one never takes away the one known.
    """
    changed = False
    newer = other.hub_at is not None and (paper.hub_at is None or other.hub_at >= paper.hub_at)
    for name in COUNTS:
        mine, theirs = getattr(paper, name), getattr(other, name)
        if theirs is None or theirs == mine:
            continue
        if newer or mine is None or (paper.hub_at is None and theirs > mine):
            setattr(paper, name, theirs)
            changed = True
    for name in ("github_repo", "project_page", "ai_summary", "ai_keywords"):
        mine, theirs = getattr(paper, name), getattr(other, name)
        if theirs and theirs != mine and (newer or not mine):
            setattr(paper, name, list(theirs) if isinstance(theirs, list) else theirs)
            changed = True
    return changed


def _labels(entry: Entry, digest: Digest) -> list[str]:
    """The digests an entry puts its paper in: those a readlist export names, else its own."""
    return list(entry.digests or [digest.label])


def holds_note(note: str, part: str) -> bool:
    """Is ``part`` all of ``note``, or a run of its paragraphs (split at blank lines)?"""
    return (
        note == part
        or note.startswith(part + "\n\n")
        or note.endswith("\n\n" + part)
        or f"\n\n{part}\n\n" in note
    )


def merge_state(current: PaperState, incoming: PaperState) -> dict[str, Any]:
    """The state fields to write so that ``current`` keeps everything ``incoming`` adds.

    An import never takes anything away: a read mark or a star set on either side stays set,
    tags are the union (current ones first), and when both sides have a note that differs, both
    are kept, the current one first, a blank line between (unless the current note already
    holds the incoming one whole, as itself or as blank-line-separated paragraphs of it, so
    importing the same file twice adds nothing; a mere substring is not enough).
    """
    fields: dict[str, Any] = {}
    for flag in ("read", "starred"):
        if getattr(incoming, flag) and not getattr(current, flag):
            fields[flag] = True
    tags = list(dict.fromkeys((*current.tags, *incoming.tags)))
    if tags != list(current.tags):
        fields["tags"] = tags
    if incoming.note and not holds_note(current.note, incoming.note):
        fields["note"] = f"{current.note}\n\n{incoming.note}" if current.note else incoming.note
    return fields


def paper_of_entry(entry: Entry) -> Paper:
    """The paper an entry of a readlist export describes, in the digests the entry names, at
    the places it gives (sync merges two versions of a paper this way)."""
    return Library._entry_paper(entry, list(entry.digests), dict(entry.positions), 0, 0)


def import_day(imported_at: float) -> dt.date:
    """The local day of an import: a digest's day when it gives none, and the day a year-less
    date is read against."""
    return dt.date.fromtimestamp(imported_at)


def digest_day(info: DigestInfo) -> str:
    """The digest's date as ISO. A page shows no year, so a year-less date takes the year it was
    imported in, or the year before when that would put it in the future (a Dec 30 digest
    imported on Jan 2)."""
    imported = import_day(info.imported_at)
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


def newest_first(digests: Iterable[DigestInfo]) -> list[DigestInfo]:
    """Digests by their day, newest first; digests of one day by import, latest first."""
    return sorted(digests, key=lambda d: (digest_day(d), d.seq), reverse=True)


def _display_order(papers: Papers, digests: Iterable[DigestInfo]) -> list[int]:
    """Newest digest first, then each digest's own order. A paper seen in several digests is
    listed under the newest of them, where a reader of that day looks for it (it still belongs
    to each of them when the list is narrowed to one)."""
    rank = {info.label: i for i, info in enumerate(newest_first(digests))}
    last = len(rank)
    keys = []
    for i, joined in enumerate(papers.joined_column("digests")):
        labels = split_joined(joined)
        newest = min(labels, key=lambda label: rank.get(label, last)) if labels else None
        place = papers.place_in(i, (newest,)) if newest is not None else None
        keys.append((rank.get(newest, last), place or 0))
    return sorted(range(len(papers)), key=keys.__getitem__)


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
        self.fetched: dict[str, float] = {}  # ISO day → when it was last fetched whole from the Hub
        self._by_key: dict[str, str] | None = None
        self._by_arxiv: dict[str, str] = {}
        self._digest_rank: dict[str, int] | None = None  # label → place among the digests, newest first
        self._doc_ids: dict[str, int] = {}
        self._load()
        self.state = StateStore(self.folder / STATE_FILE, self.lock)
        self.undo_log = UndoLog(self.folder / UNDO_FILE)
        self.notices: list[str] = []  # for the reader, once: what opening the library did by itself
        self._apply_recovery()

    @classmethod
    def open(cls, folder: Path) -> Library:
        return cls(folder)

    # -- loading ---------------------------------------------------------------

    def _load(self) -> None:
        self.take(self._read())

    def _read(self) -> Loaded:
        """The papers as ``library.json`` holds them now: from its snapshot, or parsed (and the
        snapshot written for next time). Changes nothing of this library."""
        source = file_signature(self.library_path)
        snap = snapshot.load(self.cache, source)
        if snap is not None:
            return Loaded(source, *snap)
        table = self.db.table("papers")
        docs = sorted(table, key=lambda doc: doc.doc_id)
        papers = Papers.of(Paper.from_record(doc) for doc in docs)
        doc_ids = [doc.doc_id for doc in docs]
        digest_records = [dict(d) for d in self.db.table("digests")]
        fetched = {d["day"]: d["at"] for d in self.db.table(FETCHED_TABLE) if "day" in d and "at" in d}
        order = _display_order(papers, [DigestInfo.from_record(d) for d in digest_records])
        self._write_snapshot(source, papers, order, doc_ids, digest_records, fetched)
        return Loaded(source, papers, order, doc_ids, digest_records, fetched)

    def take(self, loaded: Loaded) -> None:
        """Put papers read by ``_read`` (maybe on another thread) in place, all at once."""
        papers = loaded.papers
        self._loaded = loaded.source
        self.fetched = dict(loaded.fetched)
        self.papers = papers
        self.order = loaded.order
        self.by_id = PapersById(papers)
        self._doc_ids = dict(zip(papers.ids, loaded.doc_ids, strict=True))
        self.digests = {d["label"]: DigestInfo.from_record(d) for d in loaded.digest_records}
        self._by_key = None  # built on the first import: it costs a second at 100k
        self._digest_rank = None
        self._by_arxiv = {a: pid for a, pid in zip(papers.column("arxiv_id"), papers.ids, strict=True) if a}

    def _write_snapshot(
        self,
        source: tuple[int, int, int] | None,
        papers: Papers,
        order: list[int],
        doc_ids: list[int],
        digest_records: list[dict[str, Any]],
        fetched: dict[str, float],
    ) -> None:
        if source is None:
            return
        try:
            snapshot.save(self.cache, source, papers, order, doc_ids, digest_records, fetched)
        except OSError:
            pass  # only a slower next start

    @property
    def in_order(self) -> list[Paper]:
        """The papers in display order."""
        return [self.papers[i] for i in self.order]

    def clean_versions(self) -> dict[str, Signature | None]:
        """The versions of the data files this library has read (or written) whole and clean,
        by ``file_signature``: a backup of one of those need not parse it again."""
        return {LIBRARY_FILE: self._loaded, STATE_FILE: self.state.storage.clean_version}

    def changed_on_disk(self) -> bool:
        return file_signature(self.library_path) != self._loaded

    def read_changes(self) -> Loaded | None:
        """What another process imported or fetched, read without touching this library (so a
        worker thread can do it while the app goes on using it); None when nothing changed.
        ``take`` puts it in place. Costs one ``stat`` when nothing changed, and reading the
        snapshot the other process left when something did. A damaged ``library.json`` raises
        CorruptFileError."""
        if not self.changed_on_disk():
            return None
        with self.lock:
            return self._read()

    def reload_if_changed(self) -> bool:
        """Take in what another process imported or fetched; True if the papers were re-read.
        The papers, digests and fetched days are replaced whole (Paper objects held from before
        are stale); state, undo history and pending changes are untouched."""
        loaded = self.read_changes()
        if loaded is None:
            return False
        self.take(loaded)
        return True

    @property
    def revision(self) -> tuple[int, tuple[int, int, int] | None]:
        """Changes whenever the papers change (an import here, or a reload of another's):
        anything derived from them can tell when to start over."""
        return len(self.papers), self._loaded

    def newest_digest(self, paper: Paper) -> str:
        """The newest of the digests ``paper`` appeared in (the one it is listed under)."""
        rank = self._digest_rank
        if rank is None or len(rank) != len(self.digests):
            rank = self._digest_rank = {
                info.label: i for i, info in enumerate(newest_first(self.digests.values()))
            }
        return min(paper.digests, key=lambda label: rank.get(label, len(rank)), default="")

    def digest_dates(self) -> dict[str, str]:
        """Each digest's day (ISO), oldest import first."""
        return {info.label: digest_day(info) for info in sorted(self.digests.values(), key=lambda d: d.seq)}

    def export(self, indices: Iterable[int], fmt: str) -> tuple[str, int]:
        """The papers at ``indices`` with their state as text in ``fmt`` (see export.FORMATS),
        and how many there were."""
        from readlist.core.export import render  # not needed to open the app

        pairs = [(self.papers[i], self.state_of(self.papers.ids[i])) for i in indices]
        return render(fmt, pairs, self.digest_dates()), len(pairs)

    def digest_years(self) -> dict[str, str]:
        """Each digest's year, for dates the page gave without one."""
        return {label: day[:4] for label, day in self.digest_dates().items()}

    # -- lookups ---------------------------------------------------------------

    def get(self, pid: str) -> Paper | None:
        return self.by_id.get(pid)

    def state_of(self, pid: str) -> PaperState:
        return self.state.get(pid)

    def find(self, ref: str) -> Paper | None:
        """A paper by id, id prefix (unique), or arXiv id; None when ``ref`` names none."""
        try:
            return self.lookup(ref)
        except ReadlistError:
            return None

    def lookup(self, ref: str) -> Paper:
        """A paper by id, id prefix (unique, at least MIN_PREFIX characters), or arXiv id; a
        ReadlistError that says what is wrong with ``ref`` when it names no one paper."""
        ref = ref.strip()
        if ref in self.by_id:
            return self.by_id[ref]
        if ref in self._by_arxiv:
            return self.by_id[self._by_arxiv[ref]]
        shown = one_line(ref)
        if len(ref) < MIN_PREFIX:
            raise ReadlistError(
                f"{shown!r} is no id, and too short to be the start of one: give at least "
                f"{MIN_PREFIX} characters of an id as 'readlist list' shows it, or an arXiv id"
            )
        matches = [pid for pid in self.by_id if pid.startswith(ref)]
        if len(matches) > 1:
            some = ", ".join(sorted(matches)[:3]) + (", …" if len(matches) > 3 else "")
            raise ReadlistError(f"{shown!r} is the start of {len(matches)} ids ({some}): give more of it")
        if not matches:
            raise ReadlistError(f"no paper has the id or arXiv id {shown!r}")
        return self.by_id[matches[0]]

    # -- importing -------------------------------------------------------------

    def import_digests(
        self,
        digests: list[Digest],
        report: ImportReport | None = None,
        fetched: dict[str, float] | None = None,
    ) -> ImportReport:
        """Merge parsed digests into the library and save it in one atomic write; then merge in
        the state that came with entries (a readlist export), see ``merge_state``. ``fetched``
        (ISO day → when) records days fetched whole from the Hub, in the same write."""
        report = report or ImportReport()
        restores: list[tuple[str, PaperState, FileReport]] = []
        with self.lock:
            if self.changed_on_disk():
                self._load()
            new_ids: list[str] = []
            changed_ids: set[str] = set()
            changed_digests: set[str] = set()
            labels_before = set(self.digests)
            for digest in digests:
                if digest.entries:
                    self._claim_day(digest, changed_digests)
            # Only digests that some paper is in are recorded (an export names them per paper).
            named = {
                label for digest in digests for entry in digest.entries for label in _labels(entry, digest)
            }
            for digest in digests:
                if digest.label in named:
                    self._digest_info(digest.label, digest.date, digest.source, changed_digests)
            added = report.added
            for digest in digests:
                file_report = FileReport(
                    digest.source,
                    digest.summary or digest.label,
                    problems=list(digest.problems),
                    unit="paper" if digest.summary else "entry",
                )
                if digest.entries or digest.problems:
                    report.files.append(file_report)
                seen_here: set[str] = set()  # this digest's papers so far; ``added``: this import's new ones
                for pos, entry in enumerate(digest.entries):
                    file_report.entries += 1
                    for label in entry.digests:
                        self._digest_info(label, None, digest.source, changed_digests)
                    incoming = self._paper_of(entry, digest, pos)
                    existing = self.match(incoming)
                    if existing is None:
                        self._add(incoming)
                        new_ids.append(incoming.id)
                        added.add(incoming.id)
                        seen_here.add(incoming.id)
                        file_report.new += 1
                    else:
                        if existing.id in seen_here or existing.id in added:  # not known before: repeated
                            file_report.repeats += 1
                            seen_here.add(existing.id)
                        else:
                            file_report.known += 1
                            seen_here.add(existing.id)
                        if merge_into(existing, incoming):
                            self._reindex(existing)
                            changed_ids.add(existing.id)
                            if existing.id not in new_ids:
                                file_report.updated += 1
                    if entry.state is not None:
                        restores.append((existing.id if existing else incoming.id, entry.state, file_report))
            counts = count_labels(self.papers.joined_column("digests"))  # makes no Paper objects
            for info in self.digests.values():
                if counts[info.label] != info.count:
                    info.count = counts[info.label]
                    changed_digests.add(info.label)
            days = {
                day: at for day, at in (fetched or {}).items() if at > self.fetched.get(day, float("-inf"))
            }
            self.fetched.update(days)
            if new_ids or changed_ids or changed_digests or days:
                made = [label for label in self.digests if label not in labels_before]
                last = {"at": time.time(), "added": new_ids, "digests": made} if new_ids or made else None
                self._save(new_ids, changed_ids - set(new_ids), changed_digests, bool(days), last)
        if restores:
            self.state.refresh()  # merge with what another process may have saved meanwhile
        for pid, state, file_report in restores:  # only once the papers are saved
            fields = merge_state(self.state.get(pid), state)
            if fields:
                self.state.update(pid, **fields)
                file_report.restored += 1
        return report

    def enrich(self, found: Iterable[tuple[str, Entry]]) -> dict[str, str]:
        """Merge what the Hub says about papers already here (``readlist resolve``): each entry
        into the paper with that id, as an import merges it, but into no digest. Returns for each
        id ``updated``, ``unchanged``, ``gone`` (no such paper now) or ``conflict`` (the entry's
        arXiv id is another paper's: left out)."""
        outcome: dict[str, str] = {}
        with self.lock:
            if self.changed_on_disk():
                self._load()
            changed: set[str] = set()
            for pid, entry in found:
                paper = self.by_id.get(pid)
                if paper is None:
                    outcome[pid] = "gone"
                    continue
                if entry.arxiv_id and self._by_arxiv.get(entry.arxiv_id, pid) != pid:
                    outcome[pid] = "conflict"
                    continue
                incoming = self._entry_paper(entry, [], {}, paper.seq, paper.pos)
                if merge_into(paper, incoming):
                    self._reindex(paper)
                    changed.add(pid)
                outcome[pid] = "updated" if pid in changed else "unchanged"
            if changed:
                self._save([], changed, set())
        return outcome

    def _reindex(self, paper: Paper) -> None:
        """Look-ups for what a merge may have added: an arXiv id, other titles."""
        if paper.arxiv_id:
            self._by_arxiv[paper.arxiv_id] = paper.id
        for title in paper.aliases:
            self._title_keys().setdefault(title_key(title), paper.id)

    def _claim_day(self, digest: Digest, changed: set[str]) -> None:
        """Give a digest of a known day (the Hub's ``2025-03-14``) the digest of that day: the one
        under its label (``Mar 14``) with that date, or with no year (a saved page's, whose year
        was only a guess: now it is known). When the label is taken by another year's digest,
        this one goes under its label with the year (``Mar 14, 2025``)."""
        date = digest.date
        if digest.summary is not None or not date or date.startswith("--"):
            return
        info = self.digests.get(digest.label)
        if info is not None and info.date != date:
            if info.date is None or (info.date.startswith("--") and info.date[2:] == date[5:]):
                info.date = date
                changed.add(info.label)
            else:
                digest.label = f"{digest.label}, {date[:4]}"
        self._digest_info(digest.label, date, digest.source, changed)

    def _digest_info(self, label: str, date: str | None, source: str, changed: set[str]) -> DigestInfo:
        """The digest ``label``, made (as the newest) if it is new, that knows it came from ``source``."""
        info = self.digests.get(label)
        if info is None:
            seq = max((d.seq for d in self.digests.values()), default=0) + 1
            info = self.digests[label] = DigestInfo(label, date, [], seq, time.time())
            changed.add(label)
        name = source if "://" in source else Path(source).name  # a fetch names its URL
        if name not in info.sources:
            info.sources.append(name)
            changed.add(label)
        return info

    def _paper_of(self, entry: Entry, digest: Digest, pos: int) -> Paper:
        """The paper an entry describes, the ``pos``-th of ``digest``: in a readlist export, at
        the places the export gives (``pos`` when it gives none)."""
        labels = _labels(entry, digest)
        positions = {label: place for label, place in entry.positions.items() if label in labels}
        positions.setdefault(labels[0], pos)
        return self._entry_paper(entry, labels, positions, self.digests[labels[0]].seq, positions[labels[0]])

    @staticmethod
    def _entry_paper(entry: Entry, labels: list[str], positions: dict[str, int], seq: int, pos: int) -> Paper:
        in_abstract = find_urls(entry.abstract) if entry.links else []
        return Paper(
            id=paper_id(entry.title),
            title=entry.title,
            abstract=entry.abstract,
            authors=entry.authors,
            published=entry.published,
            upvotes=entry.upvotes,
            arxiv_id=entry.arxiv_id,
            digests=labels,
            seq=seq,
            pos=pos,
            positions=positions,
            aliases=[t for t in dict.fromkeys(entry.aliases) if title_key(t) != title_key(entry.title)]
            if entry.aliases
            else [],
            extra_links=[url for url in dict.fromkeys(entry.links) if url not in in_abstract],
            author_names=list(entry.author_names),
            comments=entry.comments,
            github_repo=entry.github_repo,
            github_stars=entry.github_stars,
            project_page=entry.project_page,
            ai_summary=entry.ai_summary,
            ai_keywords=list(entry.ai_keywords),
            hub_at=entry.hub_at,
        )

    def match(self, paper: Paper) -> Paper | None:
        """The paper of the library that ``paper`` is, as an import matches them: the same arXiv
        id, else the same title (or one of its other titles)."""
        pid = None
        if paper.arxiv_id:
            pid = self._by_arxiv.get(paper.arxiv_id)
        if pid is None:
            keys = self._title_keys()
            pid = next((keys[k] for k in map(title_key, (paper.title, *paper.aliases)) if k in keys), None)
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
        keys = self._title_keys()
        for title in paper.aliases:
            keys.setdefault(title_key(title), paper.id)
        keys[title_key(paper.title)] = paper.id
        if paper.arxiv_id:
            self._by_arxiv[paper.arxiv_id] = paper.id

    def _save(
        self,
        new_ids: list[str],
        changed_ids: set[str],
        changed_digests: set[str],
        fetched_changed: bool = False,
        last_import: dict[str, Any] | None = None,
    ) -> None:
        papers = self.db.table("papers")
        digests = self.db.table("digests")
        with self.storage.batch():
            if last_import is not None:
                table = self.db.table(LAST_IMPORT_TABLE)
                table.truncate()
                table.insert(last_import)
            if fetched_changed:
                table = self.db.table(FETCHED_TABLE)
                table.truncate()
                table.insert_multiple({"day": day, "at": at} for day, at in sorted(self.fetched.items()))
            if changed_ids:
                ids = {self._doc_ids[pid]: pid for pid in changed_ids}
                papers.update(lambda doc: doc.update(self.by_id[doc["id"]].to_record()), doc_ids=list(ids))
            if new_ids:
                first = max(self._doc_ids.values(), default=0) + 1
                docs = [
                    Document(self.by_id[pid].to_record(), doc_id=first + i) for i, pid in enumerate(new_ids)
                ]
                papers.insert_multiple(docs)
                self._doc_ids.update((pid, first + i) for i, pid in enumerate(new_ids))
            if changed_digests:
                digests.truncate()
                digests.insert_multiple(d.to_record() for d in self.digests.values())
        self._loaded = file_signature(self.library_path)
        self._digest_rank = None
        self.order = _display_order(self.papers, self.digests.values())
        doc_ids = [self._doc_ids[pid] for pid in self.papers.ids]
        records = [d.to_record() for d in self.digests.values()]
        self._write_snapshot(self._loaded, self.papers, self.order, doc_ids, records, self.fetched)

    # -- taking papers out -------------------------------------------------------------

    def last_import(self) -> dict[str, Any] | None:
        """What the last import that added anything added: ``at``, ``added`` (paper ids) and
        ``digests`` (the labels it made); None when there is nothing to undo."""
        records = self.db.table(LAST_IMPORT_TABLE).all()
        return dict(records[0]) if records else None

    def take_out(self, pids: Collection[str], labels: Collection[str] = ()) -> None:
        """Remove the papers ``pids`` and their state, and the digests ``labels`` (from the papers
        that stay in the library too), in one write of each file. removal.py decides what goes
        and keeps a copy of it."""
        with self.lock:
            if self.changed_on_disk():
                self._load()
            gone = {pid for pid in pids if pid in self.by_id}
            labels = {label for label in labels if label in self.digests}
            papers = self.db.table("papers")
            with self.storage.batch():
                if gone:
                    papers.remove(doc_ids=[self._doc_ids[pid] for pid in gone])
                if labels:
                    for pid in self.by_id:
                        paper = self.by_id[pid] if pid not in gone else None
                        if paper is not None and labels & set(paper.digests):
                            paper.digests = [label for label in paper.digests if label not in labels]
                            paper.positions = {k: v for k, v in paper.positions.items() if k not in labels}
                            papers.update(paper.to_record(), doc_ids=[self._doc_ids[pid]])
                    for label in labels:
                        del self.digests[label]
                    table = self.db.table("digests")
                    table.truncate()
                    table.insert_multiple(d.to_record() for d in self.digests.values())
                self.db.table(LAST_IMPORT_TABLE).truncate()
            self._load()  # read back as written: the papers' places all change
        self.state.forget(gone)

    # -- state changes, each one undo step -----------------------------------------

    def change(self, pids: Iterable[str], label: str, **changes: Any) -> Step | None:
        """Set state fields of papers as one undoable step; None if nothing changed."""
        return self.change_each({pid: changes for pid in pids}, label)

    def change_each(self, changes_of: dict[str, dict[str, Any]], label: str) -> Step | None:
        """Set each paper's own state fields (tags added to what each has...), all as one
        undoable step; None if nothing changed."""
        defaults = PaperState.DEFAULTS
        before: dict[str, dict[str, Any]] = {}
        after: dict[str, dict[str, Any]] = {}
        for pid, changes in changes_of.items():
            if "tags" in changes:
                changes = {**changes, "tags": clean_tags(changes["tags"])}
            record = self.state.record(pid) or {}
            old = {key: record.get(key, defaults[key]) for key in changes}
            new = {key: value for key, value in changes.items() if old[key] != value}
            if new:
                before[pid] = {key: old[key] for key in new}
                after[pid] = new
        if not after:
            return None
        step = Step(label, before, after)
        self._apply(after)
        self.undo_log.push(step)
        return step

    def undo(self) -> Step | None:
        """Take back the last step; returns it (None when there is nothing to undo)."""
        step = self.undo_log.undo()
        if step is not None:
            self._apply(step.before)
        return step

    def redo(self) -> Step | None:
        step = self.undo_log.redo()
        if step is not None:
            self._apply(step.after)
        return step

    def _apply(self, fields_by_pid: dict[str, dict[str, Any]]) -> None:
        """Write per-paper fields, one ``update_many`` per distinct set of values."""
        groups: dict[str, tuple[dict[str, Any], list[str]]] = {}
        for pid, fields in fields_by_pid.items():
            key = repr(sorted(fields.items()))
            groups.setdefault(key, (fields, []))[1].append(pid)
        for fields, pids in groups.values():
            self.state.update_many(pids, **fields)

    def flush(self) -> set[str]:
        """Save pending state and undo history; return ids another process changed meanwhile."""
        outside = self.state.flush()
        self.undo_log.save()
        return outside

    def flush_or_keep(self) -> set[str]:
        """``flush``; when the state cannot be saved, keep the unsaved changes in the recovery
        file for the next start and raise ``UnsavedChanges`` saying where they are."""
        try:
            return self.flush()
        except (ReadlistError, OSError) as exc:
            pending = self.state.pending()
            if not pending:
                raise
            try:
                path = recovery.save(self.folder, pending)
            except OSError:
                raise exc from None  # nowhere to keep them: the first problem is the one to tell
            raise UnsavedChanges(
                f"{exc}; the unsaved changes of {plural(len(pending), 'paper')} are kept in "
                f"{path} and applied at the next start"
            ) from exc

    def _apply_recovery(self) -> None:
        """Changes an earlier run could not save (recovery.py): applied, saved, then forgotten."""
        try:
            kept = recovery.load(self.folder)
        except CorruptFileError as exc:
            self.notices.append(str(exc))
            return
        if not kept:
            return
        adopted = self.state.adopt(kept)
        self.state.flush()
        recovery.remove(self.folder)
        if adopted:
            self.notices.append(
                f"applied the unsaved changes of {plural(adopted, 'paper')} that an earlier "
                f"run kept in {recovery.RECOVERY_FILE}"
            )

    def close(self) -> None:
        try:
            self.flush()
        finally:
            self.state.db.close()
            self.db.close()
