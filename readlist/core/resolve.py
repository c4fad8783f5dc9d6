"""Finding the arXiv id of papers that came without one, through the Hub's paper search.

Papers from a saved page carry no arXiv id, so their link is a title search. For each such
paper (newest digest first) the Hub's search is asked for its title, and only an entry whose
title is the same once normalised (text.title_key) is taken: a near miss is another paper. What
is found merges into the paper as a fetch would (library.enrich): it gains its arXiv id, its
Hub link and whatever else the Hub knows. Requests are spaced to at most two a second. Titles
the Hub did not know are remembered in the data folder, so a second run does not ask again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from readlist.core.digest import Entry
from readlist.core.errors import CorruptFileError
from readlist.core.hub import SEARCH_PATH, HubClient, HubError
from readlist.core.json_input import read_paper_entries
from readlist.core.library import Library
from readlist.core.model import Paper
from readlist.core.storage import load_json, write_atomic
from readlist.core.text import title_key

MISSES_FILE = "resolve_misses.json"
MIN_INTERVAL = 0.5  # seconds between requests: at most two a second
MERGE_EVERY = 20  # found papers are saved this many at a time: an interruption loses little


class Misses:
    """Papers the search did not find: id → {"title", "at"}. Losing the file only costs requests
    again, so a damaged one is started afresh."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / MISSES_FILE
        try:
            self.papers: dict[str, Any] = load_json(self.path) or {}
        except CorruptFileError:
            self.papers = {}
        self._changed = False

    def __contains__(self, pid: str) -> bool:
        return pid in self.papers

    def add(self, paper: Paper, at: float) -> None:
        self.papers[paper.id] = {"title": paper.title, "at": at}
        self._changed = True

    def discard(self, pid: str) -> None:
        if self.papers.pop(pid, None) is not None:
            self._changed = True

    def save(self) -> None:
        if self._changed:
            write_atomic(
                self.path, orjson.dumps(self.papers, option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2)
            )
            self._changed = False


@dataclass(slots=True)
class ResolveReport:
    found: list[tuple[str, str]] = field(default_factory=list)  # (paper id, arXiv id)
    missed: list[str] = field(default_factory=list)  # ids the Hub did not know
    skipped: int = 0  # papers not asked about: missed by an earlier run
    conflicts: list[tuple[str, str]] = field(
        default_factory=list
    )  # (paper id, the arXiv id another paper has)
    error: str | None = None  # the one-line failure that stopped the run …
    failed: int = 0  # … at the paper whose request failed (0 or 1)
    remaining: int = 0  # papers not asked about: beyond the limit, or after the run stopped

    @property
    def ok(self) -> bool:
        return self.error is None


def match(paper: Paper, entries: list[Entry]) -> Entry | None:
    """The first entry with an arXiv id whose title is the paper's (or one it was seen under)."""
    keys = {title_key(title) for title in (paper.title, *paper.aliases)}
    return next((e for e in entries if e.arxiv_id and title_key(e.title) in keys), None)


def unresolved(library: Library) -> list[int]:
    """Indices of papers without an arXiv id, in display order (newest digest first)."""
    ids = library.papers.column("arxiv_id")
    return [i for i in library.order if not ids[i]]


def resolve(
    library: Library,
    hub: HubClient,
    *,
    retry_misses: bool = False,
    limit: int | None = None,
    clock: Callable[[], float] = time.time,
    progress: Callable[[int, int, Paper], None] | None = None,
) -> ResolveReport:
    """Look up papers without an arXiv id (at most ``limit`` of them); see the module docstring.
    A failed request stops the run; what was found until then is kept."""
    hub.min_interval = max(hub.min_interval, MIN_INTERVAL)
    report = ResolveReport()
    misses = Misses(library.folder)
    todo = []
    for i in unresolved(library):
        if not retry_misses and library.papers.ids[i] in misses:
            report.skipped += 1
        else:
            todo.append(i)
    if limit is not None:
        report.remaining = max(0, len(todo) - limit)
        todo = todo[:limit]
    found: list[tuple[str, Entry]] = []
    try:
        for n, i in enumerate(todo, 1):
            paper = library.papers[i]
            if progress is not None:
                progress(n, len(todo), paper)
            try:
                items = hub.search_papers(paper.title)
            except HubError as exc:
                report.error, report.failed = str(exc), 1
                report.remaining += len(todo) - n
                break
            entry = match(paper, read_paper_entries(items, hub.url(SEARCH_PATH, {"q": paper.title})))
            if entry is None:
                misses.add(paper, clock())
                report.missed.append(paper.id)
                continue
            entry.hub_at = clock()
            found.append((paper.id, entry))
            misses.discard(paper.id)
            if len(found) >= MERGE_EVERY:
                _merge(library, found, report, misses, clock())
                found = []
    finally:
        if found:
            _merge(library, found, report, misses, clock())
        misses.save()
    return report


def _merge(
    library: Library, found: list[tuple[str, Entry]], report: ResolveReport, misses: Misses, now: float
) -> None:
    """Merge what was found; an id that is another paper's is remembered like a miss, since
    asking again would only find the same."""
    outcome = library.enrich(found)
    for pid, entry in found:
        assert entry.arxiv_id is not None  # match() takes only entries with one
        if outcome[pid] == "conflict":
            report.conflicts.append((pid, entry.arxiv_id))
            misses.add(library.by_id[pid], now)
        elif outcome[pid] != "gone":
            report.found.append((pid, entry.arxiv_id))
