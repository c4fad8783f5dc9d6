"""How two machines' versions of a library merge, given the version they both started from.

Per paper and per field (``merge_state``):

- a field changed on one side only takes that side's change, whatever the clocks say;
- a field changed on both sides takes the later change (each field records when it changed);
- a note written differently on both sides keeps both, the newer first, the older after a
  separator line (unless one holds the other whole); a note written on one side and cleared
  on the other keeps the written one: no note is ever dropped by a merge;
- tags merge one by one against the common version: a tag added on either side is kept, a tag
  removed on either side (and not added back) stays removed. The per-tag add / remove history
  is read from the common version, so the stored state needs no per-tag times.

Papers merge as imports do (library.merge_into): the longer abstract, every title and link, the
newer counts of the Hub. Every rule here treats both sides alike, so the merge is commutative,
and merging a side with itself gives it back (tests/core/test_sync_merge.py checks both).

A paper two machines added under different titles (so under different ids), found to be the
same by its arXiv id or a shared title, is folded into one record under the smaller id
(``duplicate_groups``, ``fold``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import orjson

from readlist.core.library import holds_note, merge_into
from readlist.core.model import PaperState
from readlist.core.state import STATE_FIELDS
from readlist.core.sync.records import Record, is_blank, paper_record_of, papers_of
from readlist.core.text import title_key

NOTE_SEPARATOR = "\n\n--- an older note, written on another machine before this sync; both are kept ---\n\n"

T = TypeVar("T")
Field = tuple[Any, float | None]  # a field's value and when it last changed
Merge = Callable[[str, Record | None, Record | None, Record | None], Record | None]


def three_way(base: T, ours: T, theirs: T, both: Callable[[T, T], T]) -> T:
    """The side that changed since ``base``; ``both(ours, theirs)`` when both did."""
    if ours == theirs:
        return ours
    if ours == base:
        return theirs
    if theirs == base:
        return ours
    return both(ours, theirs)


def _records(
    both: Callable[[Record, Record], Record],
) -> Callable[[Record | None, Record | None], Record | None]:
    """``both`` for two changed records, where one side may have deleted its record (``None``):
    the change is kept."""

    def merged(ours: Record | None, theirs: Record | None) -> Record | None:
        if ours is None or theirs is None:
            return ours if theirs is None else theirs
        return both(ours, theirs)

    return merged


def merge_records(
    base: dict[str, Record], ours: dict[str, Record], theirs: dict[str, Record], merge: Merge
) -> dict[str, Record]:
    """Every record of either side merged by ``merge(key, base, ours, theirs)``."""
    merged = {}
    for key in ours.keys() | theirs.keys():
        record = merge(key, base.get(key), ours.get(key), theirs.get(key))
        if record is not None:
            merged[key] = record
    return merged


# -- reading state ----------------------------------------------------------------------------------


def merge_state(key: str, base: Record | None, ours: Record | None, theirs: Record | None) -> Record | None:
    """One paper's state merged field by field (see the module's rules); None when it says nothing."""
    merged: Record = {"id": key}
    for name in STATE_FIELDS:
        value, at = _merge_field(name, *(_field(record, name) for record in (base, ours, theirs)))
        merged[name] = list(value) if isinstance(value, list) else value
        merged[f"{name}_at"] = at
    return None if is_blank(merged) else merged


def _field(record: Record | None, name: str) -> Field:
    if record is None:
        return PaperState.DEFAULTS[name], None
    return record.get(name, PaperState.DEFAULTS[name]), record.get(f"{name}_at")


def _when(field: Field) -> tuple[float, Any]:
    """Later first; between changes made at the same moment, the value decides (same on both sides)."""
    return field[1] or 0.0, field[0]


def _later(one: float | None, other: float | None) -> float | None:
    return max((t for t in (one, other) if t is not None), default=None)


def _merge_field(name: str, base: Field, ours: Field, theirs: Field) -> Field:
    if name == "note":
        return three_way(base, ours, theirs, _both_notes)
    if name == "tags":
        return three_way(base, ours, theirs, lambda one, other: _both_tags(base, one, other))
    return three_way(base, ours, theirs, lambda one, other: max(one, other, key=_when))


def _both_notes(ours: Field, theirs: Field) -> Field:
    """Notes changed on both sides: one note if they agree or one holds the other, else both."""
    at = _later(ours[1], theirs[1])
    if ours[0] == theirs[0]:
        return ours[0], at
    if not ours[0] or not theirs[0]:
        return ours if ours[0] else theirs  # written beats cleared: a note is never dropped
    newer, older = sorted((ours, theirs), key=_when, reverse=True)
    if holds_note(newer[0], older[0]):
        return newer[0], at
    if holds_note(older[0], newer[0]):
        return older[0], at
    return newer[0] + NOTE_SEPARATOR + older[0], at


def _both_tags(base: Field, ours: Field, theirs: Field) -> Field:
    """Tags changed on both sides: each tag kept unless it was there before and one side removed it."""
    before, mine, other = set(base[0]), set(ours[0]), set(theirs[0])
    first, second = sorted((ours, theirs), key=_when, reverse=True)  # the later side's order leads
    tags = [
        tag
        for tag in dict.fromkeys((*first[0], *second[0]))
        if (tag in mine and tag in other) or (tag not in before and (tag in mine or tag in other))
    ]
    return tags, _later(ours[1], theirs[1])


# -- papers and digests ------------------------------------------------------------------------------


def _canonical(record: Record) -> bytes:
    return orjson.dumps(record, option=orjson.OPT_SORT_KEYS)


def merge_papers(key: str, one: Record, other: Record) -> Record:
    """Two versions of one paper merged as an import merges them, in an order that does not
    depend on which side is which."""
    first, second = sorted((one, other), key=_canonical)
    paper, incoming = papers_of([first, second], f"paper {key}")
    merge_into(paper, incoming)
    return paper_record_of(paper, key)


def adds_nothing(known: Record, other: Record) -> bool:
    """Whether ``other`` tells nothing about a paper that ``known`` does not (another capital in
    the title, the same digests in another order): merging it in, as an import would, changes nothing."""
    paper, incoming = papers_of([known, other], f"paper {known['id']}")
    return not merge_into(paper, incoming)


def merge_paper(key: str, base: Record | None, ours: Record | None, theirs: Record | None) -> Record | None:
    return three_way(base, ours, theirs, _records(lambda one, other: merge_papers(key, one, other)))


def merge_digest(
    label: str, base: Record | None, ours: Record | None, theirs: Record | None
) -> Record | None:
    """A digest's date, when both sides gave it another: the same choice on both sides."""
    return three_way(base, ours, theirs, _records(lambda one, other: min(one, other, key=_canonical)))


# -- the same paper under two ids --------------------------------------------------------------------


def identities(record: Record) -> set[str]:
    """What an import matches a paper by: its arXiv id, its title and its other titles."""
    found = {f"arxiv:{record['arxiv_id']}"} if isinstance(record.get("arxiv_id"), str) else set()
    titles = [record.get("title"), *(record.get("aliases") or [])]
    found.update(f"title:{title_key(title)}" for title in titles if isinstance(title, str) and title)
    return found


def duplicate_groups(added_ours: dict[str, Record], added_theirs: dict[str, Record]) -> list[list[str]]:
    """Papers added on both sides since the common version that are one paper under two ids:
    each group's ids, smallest first."""
    by_identity: dict[str, set[str]] = {}
    for key, record in added_theirs.items():
        for identity in identities(record):
            by_identity.setdefault(identity, set()).add(key)
    parent: dict[str, str] = {}

    def root(key: str) -> str:
        while parent.get(key, key) != key:
            key = parent[key]
        return key

    for key, record in added_ours.items():
        for identity in identities(record):
            for other in by_identity.get(identity, ()):
                if other != key and key not in added_theirs:
                    one, two = root(key), root(other)
                    if one != two:
                        parent[max(one, two)] = min(one, two)
    groups: dict[str, list[str]] = {}
    for key in parent.keys() | set(parent.values()):
        groups.setdefault(root(key), []).append(key)
    return sorted(sorted(group) for group in groups.values())


def fold(groups: Iterable[list[str]], papers: dict[str, Record], state: dict[str, Record]) -> None:
    """Merge each group's papers and state into its first id, as two sides' independent changes."""
    for group in groups:
        key, rest = group[0], group[1:]
        records = [papers.pop(k) for k in group if k in papers]
        if records:
            merged = records[0] if records[0]["id"] == key else {**records[0], "id": key}
            for record in records[1:]:
                merged = merge_papers(key, merged, {**record, "id": key})
            papers[key] = merged
        folded = state.pop(key, None)
        for other in rest:
            if other in state:
                folded = merge_state(key, None, folded, {**state.pop(other), "id": key})
        if folded is not None:
            state[key] = folded
