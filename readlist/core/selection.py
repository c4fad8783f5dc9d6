"""Running a parsed query over the library: the rows the list shows, in order.

Every filter becomes a boolean array over the papers, so a filter costs the same
at 100k papers whatever it is: state flags, tags and digests come from arrays
that ``Columns`` builds once and keeps until the papers or the state change;
words come from the search index's posting lists. Only an exact phrase reads
text, and only of the papers every other filter let through.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from readlist.core.library import Library, newest_first
from readlist.core.links import CODE_HOSTS, find_urls, is_code_url
from readlist.core.papers import SEP
from readlist.core.query import Filter, Query, digest_key, needs_index, parse, parse_comparison
from readlist.core.search import SearchIndex
from readlist.core.text import fold
from readlist.core.tokens import holds_phrase, phrase_pattern, plain_words
from readlist.core.views import Sort, View

# The views are shorthands for state filters.
VIEW_FILTERS = {View.UNREAD: Filter("is", "unread"), View.READ: Filter("is", "read"),
                View.STARRED: Filter("is", "starred"), View.NOTES: Filter("has", "note")}


@dataclass(slots=True)
class Selection:
    """The rows to show; the first ``strong`` are the strong matches, the rest (when a query's
    words found them only weakly) go below a "weaker matches" divider and no bulk action takes them."""

    indices: list[int]
    matched: frozenset[str]
    hints: list[str]
    strong: int = -1  # -1: all of them

    def __post_init__(self) -> None:
        if self.strong < 0:
            self.strong = len(self.indices)

    @property
    def strong_indices(self) -> list[int]:
        return self.indices[: self.strong]


class Columns:
    """Per-paper arrays for filtering and sorting, made on first use: sort ranks and digest
    masks last until the papers change, state masks until the state changes."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self._papers_seen: tuple[int, object] | None = None
        self._state_seen = -1
        self._ranks: dict[Sort, np.ndarray] = {}
        self._digests: dict[str, np.ndarray] = {}
        self._links: np.ndarray | None = None
        self._hub: dict[str, np.ndarray] = {}
        self._state: dict[str, np.ndarray] = {}

    @property
    def size(self) -> int:
        return len(self.library.papers)

    def _fresh(self) -> None:
        papers = (id(self.library.papers), self.library.revision)
        if papers != self._papers_seen:
            self._papers_seen, self._ranks, self._digests, self._links, self._hub = papers, {}, {}, None, {}
            self._state_seen = -1
        if self.library.state.version != self._state_seen:
            self._state_seen, self._state = self.library.state.version, {}

    # -- state -------------------------------------------------------------------------

    def state(self, name: str) -> np.ndarray:
        """Papers whose stored ``name`` (read, starred, note, tags) is set."""
        return self._states()[name]

    def tag(self, tag: str) -> np.ndarray:
        state = self._states()
        key = f"tag:{tag}"
        mask = state.get(key)
        if mask is None:
            mask = state[key] = self._mask(pid for pid, rec in self.library.state.records()
                                           if tag in (rec.get("tags") or ()))
        return mask

    def _states(self) -> dict[str, np.ndarray]:
        """The state masks, as one dict read or assigned once: another thread's ``_fresh`` may
        reset ``self._state`` at any moment, and must not empty the dict in hand."""
        self._fresh()
        state = self._state
        if not state:
            state = self._state = self._build_state()
        return state

    def _build_state(self) -> dict[str, np.ndarray]:
        records = self.library.state.records()
        return {
            "read": self._mask(pid for pid, rec in records if rec.get("read")),
            "starred": self._mask(pid for pid, rec in records if rec.get("starred")),
            "note": self._mask(pid for pid, rec in records if str(rec.get("note") or "").strip()),
            "tags": self._mask(pid for pid, rec in records if rec.get("tags")),
        }

    def _mask(self, pids: object) -> np.ndarray:
        position = self.library.by_id.index
        mask = np.zeros(self.size, dtype=bool)
        found = [i for i in map(position.get, pids) if i is not None]  # type: ignore[call-overload]
        mask[found] = True
        return mask

    # -- digests -----------------------------------------------------------------------

    def digest_labels(self, key: str) -> set[str]:
        """The digests ``digest:KEY`` names: those whose label folds to it (``mar14``), or with
        ``latest`` the newest one."""
        if key == "latest" and self.library.digests:
            return {newest_first(self.library.digests.values())[0].label}
        return {label for label in self.library.digests if digest_key(label) == key}

    def digest(self, key: str) -> np.ndarray:
        """Papers that appeared in the digest whose label folds to ``key``."""
        self._fresh()
        digests = self._digests
        mask = digests.get(key)
        if mask is None:
            labels = self.digest_labels(key)
            if not labels:  # as while typing digest:mar1...: no need to look at the papers
                mask = np.zeros(self.size, dtype=bool)
            else:
                joined = self.library.papers.joined_column("digests")
                mask = np.fromiter((any(label in labels for label in text.split(SEP)) if text else False
                                    for text in joined), dtype=bool, count=len(joined))
            digests[key] = mask
        return mask

    def extra_links(self) -> np.ndarray:
        """Papers with links besides those in their text (a JSON entry's code or project page)."""
        self._fresh()
        mask = self._links
        if mask is None:
            joined = self.library.papers.joined_column("extra_links")
            mask = self._links = np.fromiter(map(bool, joined), dtype=bool, count=len(joined))
        return mask

    # -- what the Hub tells --------------------------------------------------------------

    def upvotes(self) -> np.ndarray:
        """Each paper's upvotes, NaN where unknown (so that no comparison holds for it)."""
        self._fresh()
        hub = self._hub
        counts = hub.get("upvotes")
        if counts is None:
            column = self.library.papers.column("upvotes")
            counts = hub["upvotes"] = np.array([np.nan if n is None else n for n in column], dtype=float)
        return counts

    def summary(self) -> np.ndarray:
        """Papers with the Hub's AI summary."""
        self._fresh()
        hub = self._hub
        mask = hub.get("summary")
        if mask is None:
            column = self.library.papers.column("ai_summary")
            mask = hub["summary"] = np.fromiter(map(bool, column), dtype=bool, count=len(column))
        return mask

    def code(self, index: SearchIndex) -> np.ndarray:
        """Papers with a code repository: the Hub's, or a link to a code host among their links.
        Only papers whose text names a code host have their links read. Kept per index size: an
        index still catching up with the papers gives an answer for fewer of them."""
        self._fresh()
        hub = self._hub
        key = f"code:{index.size}"
        mask = hub.get(key)
        if mask is None:
            papers = self.library.papers
            repos = papers.column("github_repo")
            mask = np.fromiter(map(bool, repos), dtype=bool, count=len(repos))
            named = np.zeros(index.size, dtype=bool)
            for host in CODE_HOSTS:
                named |= index.containing(host.split(".")[0])
            extra = papers.joined_column("extra_links")
            maybe = np.pad(named, (0, self.size - index.size)) | np.fromiter(
                (any(host in text for host in CODE_HOSTS) for text in extra), dtype=bool, count=len(extra))
            for i in np.flatnonzero(maybe & ~mask).tolist():
                paper = papers[i]
                mask[i] = any(map(is_code_url, [*find_urls(paper.abstract), *paper.extra_links]))
            hub[key] = mask
        return mask

    # -- sorting -----------------------------------------------------------------------

    def rank(self, sort: Sort) -> np.ndarray:
        """``rank[i]``: where paper ``i`` goes under ``sort`` (PUBLISHED, TITLE or UPVOTES)."""
        self._fresh()
        rank = self._ranks.get(sort)
        if rank is None:
            papers = self.library.papers
            keys: list[Any]
            if sort is Sort.PUBLISHED:
                keys = self._published_keys()
            elif sort is Sort.UPVOTES:  # most first; unknown last
                keys = [np.inf if n is None else -n for n in papers.column("upvotes")]
            else:
                keys = [fold(t) for t in papers.column("title")]
            order = sorted(self.library.order, key=keys.__getitem__)  # equal keys stay in display order
            rank = np.empty(len(keys), dtype=np.int64)
            rank[order] = np.arange(len(keys))
            self._ranks[sort] = rank
        return rank

    def _published_keys(self) -> list[str]:
        """Newest first; a date without a year takes its first digest's year; unknown last."""
        papers, years = self.library.papers, self.library.digest_years()
        keys = []
        firsts = [joined.split(SEP, 1)[0] for joined in papers.joined_column("digests")]
        for published, first in zip(papers.column("published"), firsts, strict=True):
            if published and published.startswith("--"):
                year = years.get(first)
                published = f"{year}{published[1:]}" if year else None
            # Inverting the digits makes an ascending sort put the newest first.
            keys.append(published.translate(_NEWEST_FIRST) if published else "~")
        return keys

    def in_digest(self, rows: list[int], key: str) -> list[int]:
        """``rows`` in the order of the digest whose label folds to ``key``, as its page listed
        them; papers whose place there is not known follow, in the order they came."""
        labels = self.digest_labels(key)
        places = [self.library.papers.place_in(i, labels) for i in rows]
        ranked = sorted(range(len(rows)), key=lambda n: (places[n] is None, places[n] or 0))
        return [rows[n] for n in ranked]

    def sort(self, rows: list[int], sort: Sort) -> list[int]:
        """``rows`` in ``sort`` order. Starred first keeps the order of ``rows`` among the starred
        and the rest; newest published, title and upvotes break ties by the display order."""
        if sort is Sort.DIGEST or not rows:
            return rows
        array = np.asarray(rows, dtype=np.int64)
        if sort is Sort.STARRED:
            starred = self.state("starred")[array]
            return np.concatenate([array[starred], array[~starred]]).tolist()
        return array[np.argsort(self.rank(sort)[array], kind="stable")].tolist()


_NEWEST_FIRST = str.maketrans("0123456789", "9876543210")


def select_papers(
    library: Library,
    text: str,
    *,
    index: SearchIndex | None,
    columns: Columns,
    views: Sequence[View] = (),
    sort: Sort = Sort.DIGEST,
    digest: str | None = None,
) -> Selection:
    """What the list shows: the query, the views and the picked digest, in ``sort`` order. With
    one digest picked (``digest`` or a ``digest:`` filter) and no words to rank by, the digest
    order is that digest's own.

    ``index`` is needed once the query has words; without one nothing is searched and a
    hint says so.
    """
    query = parse(text)
    if index is None and needs_index(query):
        query = parse("")
        query.hints.append("the search index is not ready yet")
    query.filters += [VIEW_FILTERS[view] for view in views if view in VIEW_FILTERS]
    if digest is not None:
        query.filters.append(Filter("digest", digest_key(digest)))
    chosen = run(query, library, columns, index)
    rows = chosen.indices
    picked = {f.value for f in query.filters if f.op == "digest" and not f.negated}
    if len(picked) == 1 and sort is Sort.DIGEST and not query.fuzzy.strip():
        rows = columns.in_digest(rows, picked.pop())  # one digest: its own page order
    # The strong matches and the weaker ones are sorted each on their own.
    rows = columns.sort(rows[: chosen.strong], sort) + columns.sort(rows[chosen.strong :], sort)
    return Selection(rows, chosen.matched, chosen.hints, chosen.strong)


def run(query: Query, library: Library, columns: Columns, index: SearchIndex | None) -> Selection:
    """The papers ``query`` selects: best match first when it has plain words, else in display order."""
    matched: frozenset[str] = frozenset()
    if query.fuzzy.strip():
        assert index is not None
        result = index.search(query.fuzzy)
        found, matched, strong = result.indices, result.matched, result.strong
    else:
        found, strong = library.order, len(library.order)
    matched |= query.highlight
    phrases = [f for f in query.filters if f.op == "phrase"]
    if index is not None:  # a phrase also holds its words' plural and other spelling
        matched |= {w for f in phrases if not f.negated for t in plain_words(f.value) for w in index.phrase_variants(t)}
    if not query.filters:  # the common case while typing: no arrays to convert
        return Selection(list(found), matched, query.hints, strong)
    candidates = np.asarray(found, dtype=np.int64)
    weak = np.arange(len(candidates)) >= strong
    mask: np.ndarray | None = None
    for f in query.filters:
        if f.op != "phrase":
            part = _filter_mask(f, columns, index)
            part = ~part if f.negated else part
            mask = part if mask is None else mask & part
    if mask is not None:
        keep = mask[candidates]
        candidates, weak = candidates[keep], weak[keep]
    for f in phrases:
        assert index is not None
        groups = [index.phrase_variants(term) for term in plain_words(f.value)]
        maybe = np.ones(index.size, dtype=bool)
        for group in groups:  # only papers holding every word can hold the phrase
            maybe &= index.containing(group)
        maybe = np.pad(maybe, (0, columns.size - index.size))[candidates]
        holds = np.zeros(len(candidates), dtype=bool)
        holds[maybe] = _holds_phrase(groups, candidates[maybe].tolist(), library)
        keep = holds != f.negated
        candidates, weak = candidates[keep], weak[keep]
    return Selection(candidates.tolist(), matched, query.hints, int(np.count_nonzero(~weak)))


def _filter_mask(f: Filter, columns: Columns, index: SearchIndex | None) -> np.ndarray:
    """The papers one (not negated) filter lets through."""
    if f.op == "is":
        return ~columns.state("read") if f.value == "unread" else columns.state(f.value)
    if f.op == "has" and f.value in ("note", "tags"):
        return columns.state(f.value)
    if f.op == "tag":
        return columns.tag(f.value)
    if f.op == "digest":
        return columns.digest(f.value)
    if f.op == "upvotes":
        return _compare(columns.upvotes(), f.value)
    if f.op == "has" and f.value == "summary":
        return columns.summary()
    assert index is not None
    if f.op == "has" and f.value == "code":
        return columns.code(index)
    if f.op == "has":  # has:link: an http(s) word in the text, or a link from outside it
        found = index.containing("http", prefix=True)
    else:  # title:WORD (a prefix, title only) or a left-out -word
        found = index.containing(f.value, title_only=f.op == "title", prefix=f.op == "title")
    found = np.pad(found, (0, columns.size - len(found)))  # papers newer than the index never match
    return found | columns.extra_links() if f.op == "has" else found


def _compare(counts: np.ndarray, comparison: str) -> np.ndarray:
    """Papers whose count meets ``comparison`` (``>20``...); an unknown count meets none."""
    parsed = parse_comparison(comparison)
    assert parsed is not None  # the query parser let only comparisons through
    sign, number = parsed
    with np.errstate(invalid="ignore"):
        return {">": counts > number, "<": counts < number, ">=": counts >= number, "<=": counts <= number,
                "=": counts == number}[sign]


def _holds_phrase(groups: list[list[str]], candidates: list[int], library: Library) -> np.ndarray:
    """For each candidate: does its title, abstract or note hold one word of each group, in order
    (any punctuation or spacing between the words, case and accents aside)?"""
    holds = np.zeros(len(candidates), dtype=bool)
    if not groups:
        return holds
    pattern = phrase_pattern(groups)
    papers, record = library.papers, library.state.record
    for n, i in enumerate(candidates):
        paper = papers[i]
        note = (record(paper.id) or {}).get("note") or ""
        holds[n] = any(holds_phrase(pattern, fold(text)) for text in (paper.title, paper.abstract, note) if text)
    return holds
