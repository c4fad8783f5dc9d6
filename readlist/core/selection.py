"""Running a parsed query over the library: the rows the list shows, in order.

Every filter becomes a boolean array over the papers, so a filter costs the same
at 100k papers whatever it is: state flags, tags and digests come from arrays
that ``Columns`` builds once and keeps until the papers or the state change;
words come from the search index's posting lists. Only an exact phrase reads
text, and only of the papers the terms beside it let through.

The query's tree is evaluated in three values per paper: a strong match, a weaker match (a
search found it only weakly: below the list's divider), or none. AND takes the weaker of its
parts, OR the stronger, and NOT lets through the papers its part does not match strongly. So
the strong matches obey set algebra exactly (``a OR b`` is the union of the strong matches of
``a`` and of ``b``, ``a b`` their intersection, ``a NOT b`` their difference), and so do all
the rows shown for OR and AND. Searched words rank the result: each search's scores, relative
to its best match, add up, so a paper two searches found comes before one only either found.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from readlist.core.foryou import ForYou, for_you
from readlist.core.library import Library, newest_first
from readlist.core.links import CODE_HOSTS, find_urls, is_code_url
from readlist.core.model import with_year
from readlist.core.papers import SEP
from readlist.core.query import (
    Filter,
    Group,
    Node,
    Query,
    Words,
    all_of,
    day_span,
    digest_key,
    leaves,
    needs_index,
    parse,
    parse_comparison,
    span_bounds,
)
from readlist.core.search import SearchIndex, SearchResult
from readlist.core.similar import MoreLikeThis
from readlist.core.text import fold
from readlist.core.tokens import holds_phrase, phrase_pattern, plain_words
from readlist.core.views import Sort, View

# The views are shorthands for state filters.
VIEW_FILTERS = {
    View.UNREAD: Filter("is", "unread"),
    View.READ: Filter("is", "read"),
    View.STARRED: Filter("is", "starred"),
    View.NOTES: Filter("has", "note"),
}


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
        self._authors: dict[str, np.ndarray] = {}
        self._author_texts: list[str] | None = None
        self._days: tuple[np.ndarray, np.ndarray] | None = None
        self._similar: MoreLikeThis | None = None
        self._for_you: tuple[tuple[object, ...], ForYou] | None = None

    @property
    def size(self) -> int:
        return len(self.library.papers)

    def _fresh(self) -> None:
        papers = (id(self.library.papers), self.library.revision)
        if papers != self._papers_seen:
            self._papers_seen, self._ranks, self._digests, self._links, self._hub = papers, {}, {}, None, {}
            self._authors, self._author_texts, self._days = {}, None, None
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
            mask = state[key] = self._mask(
                pid for pid, rec in self.library.state.records() if tag in (rec.get("tags") or ())
            )
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
                mask = np.fromiter(
                    (any(label in labels for label in text.split(SEP)) if text else False for text in joined),
                    dtype=bool,
                    count=len(joined),
                )
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

    def author(self, name: str) -> np.ndarray:
        """Papers with an author one of whose names holds the folded words ``name`` side by side:
        a whole name, or a part of one (``vaswani``, ``ashish vaswani``)."""
        self._fresh()
        authors = self._authors
        mask = authors.get(name)
        if mask is None:
            texts = self._author_texts
            if texts is None:
                texts = self._author_texts = [
                    fold(text) for text in self.library.papers.joined_column("author_names")
                ]
            wanted = name.split()
            mask = np.zeros(self.size, dtype=bool)
            for i in [i for i, text in enumerate(texts) if wanted[0] in text]:
                mask[i] = any(_holds_run(plain_words(one), wanted) for one in texts[i].split(SEP))
            authors[name] = mask
        return mask

    def published_days(self) -> tuple[np.ndarray, np.ndarray]:
        """Each paper's first and last possible published day, as ordinals (the same day, or the
        ends of the year or month a date names); -1 where the date is not known."""
        self._fresh()
        days = self._days
        if days is None:
            spans: dict[str | None, tuple[int, int]] = {None: (-1, -1)}  # papers share their days
            for date in (dates := self._published_dates()):
                if date not in spans:
                    span = day_span(date)
                    spans[date] = (span[0].toordinal(), span[1].toordinal()) if span else (-1, -1)
            ends = np.array([spans[date] for date in dates], dtype=np.int64).reshape(-1, 2)
            days = self._days = (ends[:, 0], ends[:, 1])
        return days

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
                (any(host in text for host in CODE_HOSTS) for text in extra), dtype=bool, count=len(extra)
            )
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

    def _published_dates(self) -> list[str | None]:
        """Each paper's published date (a day, or a year or month), a date without a year taking
        its first digest's year."""
        papers, years = self.library.papers, self.library.digest_years()
        dates: list[str | None] = []
        firsts = [joined.split(SEP, 1)[0] for joined in papers.joined_column("digests")]
        for published, first in zip(papers.column("published"), firsts, strict=True):
            dates.append(with_year(published, years.get(first)))
        return dates

    def _published_keys(self) -> list[str]:
        """Newest first; a year or a month alone goes after the days it holds; unknown last."""
        # Inverting the digits makes an ascending sort put the newest first.
        return [
            (date + "-00-00"[len(date) - 4 :]).translate(_NEWEST_FIRST) if date else "~"
            for date in self._published_dates()
        ]

    def display_rank(self) -> np.ndarray:
        """``display_rank()[i]``: where paper ``i`` stands in the display order."""
        self._fresh()
        rank = self._ranks.get(Sort.DIGEST)
        if rank is None:
            rank = np.full(self.size, self.size, dtype=np.int64)  # a paper not in the order: last
            rank[self.library.order] = np.arange(len(self.library.order))
            self._ranks[Sort.DIGEST] = rank
        return rank

    def in_digest(self, rows: list[int], key: str) -> list[int]:
        """``rows`` in the order of the digest whose label folds to ``key``, as its page listed
        them; papers whose place there is not known follow, in the order they came."""
        labels = self.digest_labels(key)
        places = [self.library.papers.place_in(i, labels) for i in rows]
        ranked = sorted(range(len(rows)), key=lambda n: (places[n] is None, places[n] or 0))
        return [rows[n] for n in ranked]

    @property
    def last_for_you(self) -> ForYou | None:
        """The for-you ranking last made, as it was (making it again can take a second at 100k)."""
        return self._for_you[1] if self._for_you is not None else None

    def for_you(self, index: SearchIndex) -> ForYou:
        """The for-you ranking (foryou.py) for the current stars, tags, notes and read marks,
        kept until they or the papers change."""
        self._fresh()
        key = (self._papers_seen, self._state_seen, id(index), index.size)
        if self._for_you is None or self._for_you[0] != key:
            if self._similar is None or self._similar.index is not index:
                self._similar = MoreLikeThis(index)
            previous = self._for_you[1] if self._for_you is not None else None
            ranking = for_you(self.library, self._similar, self.state("read"), self.display_rank(), previous)
            self._for_you = (key, ranking)
        return self._for_you[1]

    def sort(self, rows: list[int], sort: Sort, index: SearchIndex | None = None) -> list[int]:
        """``rows`` in ``sort`` order. Starred first keeps the order of ``rows`` among the starred
        and the rest; newest published, title and upvotes break ties by the display order. For
        you needs the search ``index``."""
        if sort is Sort.DIGEST or not rows:
            return rows
        array = np.asarray(rows, dtype=np.int64)
        if sort is Sort.STARRED:
            starred = self.state("starred")[array]
            return np.concatenate([array[starred], array[~starred]]).tolist()
        if sort is Sort.FORYOU:
            assert index is not None
            rank = self.for_you(index).rank
        else:
            rank = self.rank(sort)
        return array[np.argsort(rank[array], kind="stable")].tolist()


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
    one digest picked (``digest`` or a ``digest:`` filter every paper must pass) and no words to
    rank by, the digest order is that digest's own.

    ``index`` is needed once the query has words; without one nothing is searched and a
    hint says so.
    """
    query = parse(text)
    if index is None and (needs_index(query) or sort is Sort.FORYOU):
        query = Query(text, hints=["the search index is not ready yet"])
        sort = Sort.DIGEST
    elif sort is Sort.FORYOU:
        assert index is not None
        hint = columns.for_you(index).hint
        if hint:
            query.hints.append(hint)
            sort = Sort.DIGEST
    extra = [VIEW_FILTERS[view] for view in views if view in VIEW_FILTERS]
    if digest is not None:
        extra.append(Filter("digest", digest_key(digest)))
    query.tree = all_of(query.tree, *extra)
    chosen = run(query, library, columns, index)
    rows = chosen.indices
    picked = {f.value for f in query.top_filters if f.op == "digest" and not f.negated}
    if len(picked) == 1 and sort is Sort.DIGEST and not query.fuzzy.strip():
        rows = columns.in_digest(rows, picked.pop())  # one digest: its own page order
    # The strong matches and the weaker ones are sorted each on their own.
    rows = columns.sort(rows[: chosen.strong], sort, index) + columns.sort(rows[chosen.strong :], sort, index)
    return Selection(rows, chosen.matched, chosen.hints, chosen.strong)


@dataclass(slots=True)
class _Rows:
    """A part of the query over every paper: its strong matches, all its matches (strong or
    weaker), and how well each matched (None: the part does not rank)."""

    strong: np.ndarray
    member: np.ndarray
    score: np.ndarray | None = None


def run(query: Query, library: Library, columns: Columns, index: SearchIndex | None) -> Selection:
    """The papers ``query`` selects: best match first when it has plain words, else in display order."""
    tree = query.tree
    evaluator = _Evaluator(library, columns, index)
    if tree is None:
        return Selection(list(library.order), query.highlight, query.hints)
    if isinstance(tree, Words):  # the common case while typing: the search's own answer
        result = evaluator.search(tree, positive=True)
        return Selection(result.indices, evaluator.matched | query.highlight, query.hints, result.strong)
    parts = tree.parts if isinstance(tree, Group) and tree.kind == "and" else (tree,)
    ranking = [part for part in parts if _ranks(part)]
    if len(ranking) > 1 or (ranking and not isinstance(ranking[0], Words)):
        found, strong = evaluator.ranked(tree)
    else:
        # One search (or none) ranks, and the other parts only filter: the search's order (or the
        # display order), kept by whatever the filters let through.
        if ranking:
            result = evaluator.search(ranking[0], positive=True)
            order, strong_count = np.asarray(result.indices, dtype=np.int64), result.strong
            within = np.zeros(columns.size, dtype=bool)
            within[order] = True
        else:
            order, strong_count, within = np.asarray(library.order, dtype=np.int64), len(library.order), None
        rest = [part for part in parts if part is not (ranking[0] if ranking else None)]
        weak = np.arange(len(order)) >= strong_count
        if rest:
            keep = evaluator.value(Group("and", tuple(rest)), True, within).member[order]
            order, weak = order[keep], weak[keep]
        found, strong = order.tolist(), int(np.count_nonzero(~weak))
    return Selection(found, evaluator.matched | query.highlight, query.hints, strong)


def _ranks(node: Node) -> bool:
    """Does ``node`` hold a search that ranks (one under no NOT)?"""
    return any(isinstance(leaf, Words) and positive for leaf, positive in leaves(node))


class _Evaluator:
    """Turns the query's parts into ``_Rows`` over every paper."""

    def __init__(self, library: Library, columns: Columns, index: SearchIndex | None) -> None:
        self.library = library
        self.columns = columns
        self.index = index
        self.size = columns.size
        self.matched: frozenset[str] = frozenset()

    def search(self, words: Words, positive: bool) -> SearchResult:
        assert self.index is not None  # select_papers checked: no index, no words
        result = self.index.search(words.text)
        if positive:
            self.matched |= result.matched
        return result

    def ranked(self, tree: Node) -> tuple[list[int], int]:
        """Every match of ``tree``, strong ones first, each best first (display order for ties)."""
        rows = self.value(tree, True, None)
        found = np.flatnonzero(rows.member)
        score = rows.score[found] if rows.score is not None else np.zeros(len(found))
        strong = rows.strong[found]
        order = np.lexsort((self.columns.display_rank()[found], -score, ~strong))
        return found[order].tolist(), int(np.count_nonzero(strong))

    def value(self, node: Node, positive: bool, within: np.ndarray | None) -> _Rows:
        """``node`` over every paper; only the papers in ``within`` (when given) need be right:
        a phrase is checked in those alone."""
        if isinstance(node, Words):
            return self._words(node, positive)
        if isinstance(node, Filter):
            mask = self._filter(node, positive, within)
            return _Rows(mask, mask)
        if node.kind == "not":
            mask = ~self.value(node.parts[0], not positive, within).strong
            return _Rows(mask, mask)
        if node.kind == "or":
            return _either([self.value(part, positive, within) for part in node.parts])
        # AND: a phrase reads text, so it comes last, checked only where the other parts hold.
        result: _Rows | None = None
        for part in sorted(node.parts, key=_reads_text):
            narrowed = (
                within if result is None else result.member if within is None else within & result.member
            )
            value = self.value(part, positive, narrowed)
            result = value if result is None else _both(result, value)
        assert result is not None  # a group has parts
        return result

    def _words(self, words: Words, positive: bool) -> _Rows:
        result = self.search(words, positive)
        hits = np.asarray(result.indices, dtype=np.int64)
        member = np.zeros(self.size, dtype=bool)
        member[hits] = True
        strong = np.zeros(self.size, dtype=bool)
        strong[hits[: result.strong]] = True
        score = np.zeros(self.size, dtype=np.float64)
        if result.scores is not None and len(hits):
            best = float(result.scores.max())
            score[hits] = result.scores / best if best > 0 else 0.0
        return _Rows(strong, member, score)

    def _filter(self, f: Filter, positive: bool, within: np.ndarray | None) -> np.ndarray:
        if f.op == "phrase":
            mask = self._phrase(f, positive and not f.negated, within)
        elif f.op == "word":  # what searching the word finds, strongly
            result = self.search(Words(f.value + " "), positive and not f.negated)
            mask = np.zeros(self.size, dtype=bool)
            mask[result.indices[: result.strong]] = True
        else:
            mask = _filter_mask(f, self.columns, self.index)
        return ~mask if f.negated else mask

    def _phrase(self, f: Filter, positive: bool, within: np.ndarray | None) -> np.ndarray:
        """Papers whose title, abstract or note holds the phrase (checked in ``within`` only)."""
        index = self.index
        assert index is not None
        groups = [index.phrase_variants(term) for term in plain_words(f.value)]
        if positive:  # a phrase also holds its words' plural and other spelling
            self.matched |= {w for group in groups for w in group}
        maybe = np.ones(index.size, dtype=bool)
        for group in groups:  # only papers holding every word can hold the phrase
            maybe &= index.containing(group)
        maybe = np.pad(maybe, (0, self.size - index.size))
        if within is not None:
            maybe &= within
        mask = np.zeros(self.size, dtype=bool)
        candidates = np.flatnonzero(maybe)
        mask[candidates] = _holds_phrase(groups, candidates.tolist(), self.library)
        return mask


def _both(a: _Rows, b: _Rows) -> _Rows:
    """AND: the weaker of the two."""
    return _Rows(a.strong & b.strong, a.member & b.member, _added([a.score, b.score]))


def _either(values: list[_Rows]) -> _Rows:
    """OR: the stronger of them."""
    return _Rows(
        np.logical_or.reduce([v.strong for v in values]),
        np.logical_or.reduce([v.member for v in values]),
        _added([v.score for v in values]),
    )


def _added(scores: list[np.ndarray | None]) -> np.ndarray | None:
    """Scores add up, under AND as under OR: a paper two searches found beats one found by either."""
    present = [score for score in scores if score is not None]
    return np.sum(present, axis=0) if present else None


def _reads_text(node: Node) -> bool:
    return isinstance(node, Filter) and node.op == "phrase"


def _holds_run(name: list[str], wanted: list[str]) -> bool:
    """Does ``name`` hold the words ``wanted`` side by side, in order?"""
    n = len(wanted)
    return any(name[k : k + n] == wanted for k in range(len(name) - n + 1))


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
    if f.op == "author":
        return columns.author(f.value)
    if f.op == "published":
        return _within_days(columns.published_days(), f.value)
    assert index is not None
    if f.op == "has" and f.value == "code":
        return columns.code(index)
    if f.op == "has":  # has:link: an http(s) word in the text, or a link from outside it
        found = index.containing("http", prefix=True)
    else:  # title:WORD or abstract:WORD (the start of a word, in that field only)
        found = index.containing(f.value, only="title" if f.op == "title" else "abstract", prefix=True)
    found = np.pad(found, (0, columns.size - len(found)))  # papers newer than the index never match
    return found | columns.extra_links() if f.op == "has" else found


def _within_days(days: tuple[np.ndarray, np.ndarray], span: str) -> np.ndarray:
    """Papers whose published date lies wholly in ``span`` (see query.span_bounds)."""
    first, last = days
    low, high = span_bounds(span)
    mask = first >= 0
    if low is not None:
        mask &= first >= low
    if high is not None:
        mask &= last <= high
    return mask


def _compare(counts: np.ndarray, comparison: str) -> np.ndarray:
    """Papers whose count meets ``comparison`` (``>20``...); an unknown count meets none."""
    parsed = parse_comparison(comparison)
    assert parsed is not None  # the query parser let only comparisons through
    sign, number = parsed
    with np.errstate(invalid="ignore"):
        return {
            ">": counts > number,
            "<": counts < number,
            ">=": counts >= number,
            "<=": counts <= number,
            "=": counts == number,
        }[sign]


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
        holds[n] = any(
            holds_phrase(pattern, fold(text)) for text in (paper.title, paper.abstract, note) if text
        )
    return holds
