"""Running a parsed query over the library: the rows the list shows, in order."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from readlist.core.library import Library
from readlist.core.model import Paper
from readlist.core.papers import SEP, Papers
from readlist.core.query import Filter, Query, digest_key, needs_index, parse
from readlist.core.search import SearchIndex
from readlist.core.text import fold
from readlist.core.tokens import words
from readlist.core.views import Sort, View, select


@dataclass(slots=True)
class Selection:
    indices: list[int]
    matched: frozenset[str]
    hints: list[str]


def run(
    query: Query,
    papers: Sequence[Paper],
    order: Sequence[int],
    record_of: Callable[[str], Mapping[str, Any] | None],
    index: SearchIndex | None,
) -> Selection:
    """The papers ``query`` selects: best match first when it has plain words, else in ``order``.

    ``index`` may be None only for a query without plain words, phrases, words to leave
    out or title words (those use its posting lists).
    """
    matched: frozenset[str] = frozenset()
    if query.fuzzy.strip():
        assert index is not None
        result = index.search(query.fuzzy)
        candidates, matched = result.indices, result.matched
    else:
        candidates = list(order)
    matched |= query.highlight
    if not query.filters:
        return Selection(candidates, matched, query.hints)
    mask = _text_mask(query.filters, papers, record_of, index, len(papers))
    if mask is not None:
        candidates = [i for i in candidates if mask[i]]
    tests = [_state_test(f) for f in query.filters if f.op in ("is", "tag") or f.op == "has" and f.value != "link"]
    if tests:
        ids = papers.ids if isinstance(papers, Papers) else [p.id for p in papers]
        candidates = [i for i in candidates if all(test(record_of(ids[i]) or {}) for test in tests)]
    return Selection(candidates, matched, query.hints)


def _text_mask(
    filters: list[Filter],
    papers: Sequence[Paper],
    record_of: Callable[[str], Mapping[str, Any] | None],
    index: SearchIndex | None,
    size: int,
) -> np.ndarray | None:
    """Which papers pass the phrase, title and left-out-word filters (None: no such filters)."""
    mask: np.ndarray | None = None

    def narrow(part: np.ndarray, negated: bool) -> None:
        nonlocal mask
        part = np.pad(part, (0, size - len(part)))  # papers newer than the index never match
        part = ~part if negated else part
        mask = part if mask is None else mask & part

    for f in filters:
        if f.op == "digest":
            narrow(_digest_mask(f.value, papers), f.negated)
        elif f.op == "has" and f.value == "link":
            assert index is not None
            narrow(index.containing("http", prefix=True), f.negated)
        elif f.op in ("title", "word"):
            assert index is not None
            narrow(index.containing(f.value, title_only=f.op == "title", prefix=f.op == "title"), f.negated)
        elif f.op == "phrase":
            assert index is not None
            narrow(_phrase_mask(f.value, papers, record_of, index, size), f.negated)
    return mask


def _phrase_mask(
    phrase: str,
    papers: Sequence[Paper],
    record_of: Callable[[str], Mapping[str, Any] | None],
    index: SearchIndex,
    size: int,
) -> np.ndarray:
    """Papers whose title, abstract or note holds ``phrase`` word for word (case and accents aside)."""
    terms = words(phrase)
    needle = " ".join(terms)
    mask = np.ones(index.size, dtype=bool)
    for term in terms:  # the posting lists narrow it down; then the text is read
        mask &= index.containing(term)
    found = np.zeros(size, dtype=bool)
    for i in np.flatnonzero(mask).tolist():
        paper = papers[i]
        note = (record_of(paper.id) or {}).get("note") or ""
        if any(needle in " ".join(words(text)) for text in (paper.title, paper.abstract, note)):
            found[i] = True
    return found


def _digest_mask(key: str, papers: Sequence[Paper]) -> np.ndarray:
    """Papers that appeared in the digest whose label folds to ``key``."""
    joined = papers.joined_column("digests") if isinstance(papers, Papers) else [
        SEP.join(p.digests) for p in papers]
    labels = {label for text in set(joined) for label in text.split(SEP) if digest_key(label) == key}
    return np.fromiter((any(label in labels for label in text.split(SEP)) if text else False for text in joined),
                       dtype=bool, count=len(joined))


def _state_test(f: Filter) -> Callable[[Mapping[str, Any]], bool]:
    """A test on a paper's stored state record for an is:, has:note/tags or tag: filter."""
    value, negated = f.value, f.negated
    if f.op == "is":
        field_name, want = ("read", False) if value == "unread" else (value, True)
        return lambda rec: (bool(rec.get(field_name)) == want) != negated
    if f.op == "has":
        key = "note" if value == "note" else "tags"

        def held(rec: Mapping[str, Any]) -> bool:
            value = rec.get(key)
            return bool(value.strip() if isinstance(value, str) else value)

        return lambda rec: held(rec) != negated
    return lambda rec: (value in (rec.get("tags") or ())) != negated


def select_papers(
    library: Library,
    text: str,
    *,
    index: SearchIndex | None,
    orders: Orders,
    views: Sequence[View] = (),
    sort: Sort = Sort.DIGEST,
    digest: str | None = None,
) -> Selection:
    """What the list shows: the query, the view and the picked digest, in ``sort`` order.

    ``index`` is needed once the query has words; without one they are not searched and
    a hint says so.
    """
    query = parse(text)
    if digest is not None:
        query.filters.append(Filter("digest", digest_key(digest)))
    if index is None and needs_index(query):
        query = parse("")
        query.hints.append("the search index is not ready yet")
    papers, record = library.papers, library.state.record
    chosen = run(query, papers, library.order, record, index)
    rows = select(papers.ids, chosen.indices, views, record)
    ids = papers.ids
    rows = orders.sort(rows, sort, lambda i: bool((record(ids[i]) or {}).get("starred")))
    return Selection(rows, chosen.matched, chosen.hints)


class Orders:
    """Sort keys of a library's papers, computed once per sort and reused for every filter."""

    def __init__(self, papers: Papers, year_of_digest: Mapping[str, str]) -> None:
        self.papers = papers
        self.year_of_digest = year_of_digest
        self._ranks: dict[Sort, np.ndarray] = {}

    def rank(self, sort: Sort) -> np.ndarray:
        """``rank[i]``: where paper ``i`` goes under ``sort`` (PUBLISHED or TITLE)."""
        rank = self._ranks.get(sort)
        if rank is None:
            keys = self._published_keys() if sort is Sort.PUBLISHED else [fold(t) for t in self.papers.column("title")]
            order = sorted(range(len(keys)), key=keys.__getitem__)
            rank = np.empty(len(keys), dtype=np.int64)
            rank[order] = np.arange(len(keys))
            self._ranks[sort] = rank
        return rank

    def _published_keys(self) -> list[str]:
        """Newest first; a date without a year takes its first digest's year; unknown last."""
        keys = []
        firsts = [joined.split(SEP, 1)[0] for joined in self.papers.joined_column("digests")]
        for published, first in zip(self.papers.column("published"), firsts, strict=True):
            if published and published.startswith("--"):
                year = self.year_of_digest.get(first)
                published = f"{year}{published[1:]}" if year else None
            # Inverting the digits makes an ascending sort put the newest first.
            keys.append(published.translate(_NEWEST_FIRST) if published else "~")
        return keys

    def sort(self, rows: list[int], sort: Sort, starred: Callable[[int], bool]) -> list[int]:
        """``rows`` in ``sort`` order; equal keys keep their order (best match, or digest order)."""
        if sort is Sort.DIGEST or not rows:
            return rows
        if sort is Sort.STARRED:
            return [i for i in rows if starred(i)] + [i for i in rows if not starred(i)]
        array = np.asarray(rows, dtype=np.int64)
        rank = self.rank(sort)
        return array[np.argsort(rank[array], kind="stable")].tolist()


_NEWEST_FIRST = str.maketrans("0123456789", "9876543210")
