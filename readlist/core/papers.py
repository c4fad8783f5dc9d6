"""The library's papers as a sequence whose objects are made on first touch.

At 100k papers, making every ``Paper`` object up front costs half a second of
start-up; the list on screen needs forty. The columns come from the snapshot.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Container, Iterable, Iterator, Mapping, Sequence
from typing import Any, overload

from readlist.core.model import FIELDS, AbstractSource, Paper

COLUMNS = FIELDS  # one column per field
_JOINED = ("digests", "aliases", "extra_links", "author_names", "ai_keywords")
_ENCODED = (*_JOINED, "positions")  # columns that hold a paper's field as one string
SEP = "\x1f"  # joins list fields: one string per paper loads much faster than a list


def split_joined(joined: str) -> list[str]:
    return joined.split(SEP) if joined else []


def count_labels(joined: list[str]) -> Counter[str]:
    """How many papers name each label, from SEP-joined label lists (most papers share a few)."""
    counts: Counter[str] = Counter()
    for labels, n in Counter(joined).items():
        for label in split_joined(labels):
            counts[label] += n
    return counts


def _join_positions(digests: list[str], positions: Mapping[str, int]) -> str:
    """``positions`` as one string parallel to ``digests`` (empty where the place is not known)."""
    return SEP.join(str(positions[label]) if label in positions else "" for label in digests)


def _split_positions(digests: list[str], joined: str) -> dict[str, int]:
    return {label: int(place) for label, place in zip(digests, split_joined(joined), strict=False) if place}


class Papers(Sequence[Paper]):
    def __init__(self, columns: Mapping[str, list[Any]], source: AbstractSource | None = None) -> None:
        self._columns = columns
        self._source = source
        self._objects: list[Paper | None] = [None] * len(columns["id"])
        self.ids: list[str] = list(columns["id"])

    @classmethod
    def of(cls, papers: Iterable[Paper]) -> Papers:
        made = cls({"id": []})
        for paper in papers:
            made.append(paper)
        return made

    def column(self, name: str) -> list[Any]:
        """One field of every paper, without making objects that were never touched."""
        loaded = self._columns.get(name)
        if loaded is None or name in _ENCODED:
            return [getattr(paper, name) for paper in self]
        return [
            loaded[i] if paper is None else getattr(paper, name)
            for i, paper in enumerate(self._objects[: len(loaded)])
        ] + [getattr(paper, name) for paper in self._objects[len(loaded) :]]

    def joined_column(self, name: str) -> list[str]:
        """A list field (``digests``...) of every paper as one SEP-joined string, without
        making objects: a filter over 100k papers needs the text, not the papers."""
        loaded = self._columns.get(name, [])
        return [
            loaded[i] if i < len(loaded) and paper is None else SEP.join(getattr(paper, name))
            for i, paper in enumerate(self._objects)
        ]

    def texts(self, numbers: Iterable[int]) -> Iterator[tuple[str, str]]:
        """(title and the other titles it was seen under, abstract) of each paper at ``numbers``,
        for indexing, without making objects."""
        c = self._columns
        for i in numbers:
            paper = self._objects[i]
            if paper is not None:
                yield " ".join([paper.title, *paper.aliases]), paper.abstract
            else:
                titles = " ".join([c["title"][i], *split_joined(c["aliases"][i])])
                yield titles, self._source.abstract(i) if self._source is not None else ""

    def place_in(self, i: int, labels: Container[str]) -> int | None:
        """Where paper ``i`` stood in the first of its digests that is one of ``labels``; None when
        it is in none of them or its place there is not known. Makes no object."""
        paper = self._objects[i]
        if paper is None:
            digests = split_joined(self._columns["digests"][i])
            positions = _split_positions(digests, self._columns["positions"][i])
        else:
            digests, positions = paper.digests, paper.positions
        return next((positions.get(label) for label in digests if label in labels), None)

    def __len__(self) -> int:
        return len(self._objects)

    @overload
    def __getitem__(self, i: int) -> Paper: ...
    @overload
    def __getitem__(self, i: slice) -> list[Paper]: ...
    def __getitem__(self, i: int | slice) -> Paper | list[Paper]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        paper = self._objects[i]
        if paper is None:
            paper = self._objects[i] = self._make(i if i >= 0 else len(self) + i)
        return paper

    def __iter__(self) -> Iterator[Paper]:
        for i in range(len(self)):
            yield self[i]

    def peek(self, i: int) -> Paper:
        """Paper ``i``, not kept when it was not made before: one pass over every paper (a sync's
        export) need not hold 100k objects afterwards."""
        return self._objects[i] or self._make(i)

    def _make(self, i: int) -> Paper:
        c = self._columns
        digests, aliases, links, names, keywords = (split_joined(c[name][i]) for name in _JOINED)
        return Paper(
            c["id"][i],
            c["title"][i],
            "",
            c["authors"][i],
            c["published"][i],
            c["upvotes"][i],
            c["arxiv_id"][i],
            digests,
            c["seq"][i],
            c["pos"][i],
            positions=_split_positions(digests, c["positions"][i]),
            aliases=aliases,
            extra_links=links,
            author_names=names,
            rev=c["rev"][i],
            comments=c["comments"][i],
            github_repo=c["github_repo"][i],
            github_stars=c["github_stars"][i],
            project_page=c["project_page"][i],
            ai_summary=c["ai_summary"][i],
            ai_keywords=keywords,
            hub_at=c["hub_at"][i],
            source=self._source,
            slot=i,
        )

    def append(self, paper: Paper) -> None:
        self._objects.append(paper)
        self.ids.append(paper.id)

    def to_columns(self) -> dict[str, list[Any]]:
        columns: dict[str, list[Any]] = {name: [] for name in COLUMNS}
        for paper in self:
            for name in COLUMNS:
                value = getattr(paper, name)
                if name == "positions":
                    value = _join_positions(paper.digests, value)
                elif name in _JOINED:
                    value = SEP.join(value)
                columns[name].append(value)
        return columns


class PapersById(Mapping[str, Paper]):
    """``id → Paper`` over a ``Papers`` sequence, without making every object."""

    def __init__(self, papers: Papers) -> None:
        self.papers = papers
        self.index = {pid: i for i, pid in enumerate(papers.ids)}

    def __getitem__(self, pid: str) -> Paper:
        return self.papers[self.index[pid]]

    def __contains__(self, pid: object) -> bool:
        return pid in self.index

    def __iter__(self) -> Iterator[str]:
        return iter(self.index)

    def __len__(self) -> int:
        return len(self.index)

    def add(self, paper: Paper) -> None:
        self.index[paper.id] = len(self.papers) - 1
