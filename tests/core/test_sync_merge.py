"""The sync merge (core/sync/merge.py, trees.py): per field, later change wins, notes both kept,
tags per tag; commutative, idempotent, and no change made on one side is lost."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from readlist.core.library import holds_note
from readlist.core.model import Paper
from readlist.core.sync.merge import (
    NOTE_SEPARATOR,
    duplicate_groups,
    fold,
    merge_paper,
    merge_papers,
    merge_records,
    merge_state,
)
from readlist.core.sync.records import (
    STATE,
    Blob,
    Tree,
    lines,
    paper_record_of,
    parse_lines,
    shard,
    state_record,
)
from readlist.core.sync.trees import Files, merge_trees

FIELDS = ("read", "starred", "note", "tags")
NOTES = ["", "first thoughts", "a second look", "first thoughts\n\nmore", "x"]
TAGS = ["rl", "vision", "to-read", "survey"]

# -- strategies: a common version, and each side's changes made after it --------------------------------


@st.composite
def state_records(draw: st.DrawFn, stamps: st.SearchStrategy[float | None]) -> dict[str, Any]:
    record: dict[str, Any] = {"id": "p1"}
    record["read"], record["starred"] = draw(st.booleans()), draw(st.booleans())
    record["note"] = draw(st.sampled_from(NOTES))
    record["tags"] = draw(st.lists(st.sampled_from(TAGS), unique=True, max_size=4))
    for name in FIELDS:
        record[f"{name}_at"] = draw(stamps)
    return record


@st.composite
def changed(draw: st.DrawFn, base: dict[str, Any]) -> dict[str, Any]:
    """``base`` with some fields changed later (a change gets a time after every time in base)."""
    other = draw(state_records(st.just(None)))
    side = dict(base)
    for name in FIELDS:
        if draw(st.booleans()):
            side[name] = other[name]
            side[f"{name}_at"] = draw(st.sampled_from([200.0, 300.0, 300.5, 400.0]))
    return side


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[dict[str, Any] | None, dict[str, Any], dict[str, Any]]:
    base = draw(
        st.one_of(st.none(), state_records(st.one_of(st.none(), st.sampled_from([1.0, 50.0, 100.0]))))
    )
    start = base or state_record("p1", {})
    return base, draw(changed(start)), draw(changed(start))


def field_of(record: dict[str, Any] | None, name: str) -> tuple[Any, Any]:
    full = state_record("p1", record or {})
    return full[name], full[f"{name}_at"]


# -- reading state ------------------------------------------------------------------------------------


@settings(max_examples=400, deadline=None)
@given(scenarios())
def test_state_merge_is_commutative(case: tuple[Any, Any, Any]) -> None:
    base, ours, theirs = case
    assert merge_state("p1", base, ours, theirs) == merge_state("p1", base, theirs, ours)


@settings(max_examples=300, deadline=None)
@given(scenarios())
def test_state_merge_is_idempotent(case: tuple[Any, Any, Any]) -> None:
    base, ours, theirs = case
    merged = merge_state("p1", base, ours, theirs)
    assert merge_state("p1", base, ours, ours) == merge_state("p1", None, ours, ours)  # a side with itself...
    assert field_of(merge_state("p1", base, ours, ours), "note") == field_of(ours, "note")  # ...is that side
    # Merging the result with either side again (the next sync of each machine) changes nothing.
    assert merge_state("p1", ours, merged, ours) == merged
    assert merge_state("p1", ours, ours, merged) == merged
    assert merge_state("p1", merged, merged, merged) == merged


@settings(max_examples=500, deadline=None)
@given(scenarios())
def test_no_field_change_is_lost(case: tuple[Any, Any, Any]) -> None:
    base, ours, theirs = case
    merged = merge_state("p1", base, ours, theirs)
    for name in FIELDS:
        b, o, t = field_of(base, name), field_of(ours, name), field_of(theirs, name)
        m = field_of(merged, name)
        if o == t:
            assert m == o
        elif t == b:  # changed here only: this change stays, whatever the other clock says
            assert m == o
        elif o == b:
            assert m == t
        elif name in ("read", "starred"):
            if o[1] != t[1]:  # both changed: the later change wins
                assert m == max(o, t, key=lambda f: f[1])
        elif name == "note":
            for note, _ in (o, t):  # both notes kept, in one note
                assert holds_note(m[0], note) if note else True
            if o[0] and t[0] and not holds_note(o[0], t[0]) and not holds_note(t[0], o[0]):
                newer, older = sorted((o, t), key=lambda f: (f[1], f[0]), reverse=True)
                assert m[0] == newer[0] + NOTE_SEPARATOR + older[0]
        else:
            for tag in set(o[0]) | set(t[0]) | set(b[0]):
                added = tag not in b[0] and (tag in o[0] or tag in t[0])
                kept_by_both = tag in o[0] and tag in t[0]
                assert (tag in m[0]) == (added or kept_by_both), tag


def test_a_tag_removed_on_one_side_and_untouched_on_the_other_stays_removed() -> None:
    base = state_record("p1", {"tags": ["rl", "vision"], "tags_at": 10.0})
    ours = {**base, "tags": ["vision"], "tags_at": 20.0}  # removed rl
    theirs = {**base, "tags": ["rl", "vision", "survey"], "tags_at": 30.0}  # added survey, later
    merged = merge_state("p1", base, ours, theirs)
    assert merged is not None and merged["tags"] == ["vision", "survey"]
    assert merge_state("p1", base, ours, base)["tags"] == ["vision"]  # type: ignore[index]


def test_an_unstar_made_later_wins_over_a_star_and_one_made_alone_always_survives() -> None:
    base = state_record("p1", {"starred": True, "starred_at": 10.0})
    unstar = {**base, "starred": False, "starred_at": 20.0}
    assert merge_state("p1", base, unstar, base)["starred"] is False  # type: ignore[index]
    # The other side's clock is ahead, but it did not touch the star: the unstar stays.
    other = {**base, "read": True, "read_at": 999.0}
    assert merge_state("p1", base, unstar, other)["starred"] is False  # type: ignore[index]
    restar = {**base, "starred": True, "starred_at": 30.0}
    assert merge_state("p1", base, unstar, restar)["starred"] is True  # type: ignore[index]


def test_a_note_written_on_one_side_and_cleared_on_the_other_is_kept() -> None:
    base = state_record("p1", {"note": "old", "note_at": 10.0})
    cleared = {**base, "note": "", "note_at": 30.0}
    rewritten = {**base, "note": "new thoughts", "note_at": 20.0}
    assert merge_state("p1", base, cleared, rewritten)["note"] == "new thoughts"  # type: ignore[index]
    assert merge_state("p1", base, cleared, base) is not None
    assert merge_state("p1", base, cleared, base)["note"] == ""  # type: ignore[index]


def test_blank_state_is_no_record() -> None:
    assert merge_state("p1", None, None, None) is None
    assert merge_state("p1", None, state_record("p1", {}), None) is None


# -- papers --------------------------------------------------------------------------------------------


@st.composite
def papers(draw: st.DrawFn) -> dict[str, Any]:
    paper = Paper(
        id="p1",
        title=draw(
            st.sampled_from(["Sparse Attention Scales", "Sparse attention scales", "SPARSE ATTENTION SCALES"])
        ),
        abstract=draw(
            st.sampled_from(
                [
                    "",
                    "Short.",
                    "A longer abstract, code at https://github.com/ex/sparse.",
                    "Another abstract of the same length!!!!!!!!!!!!!!!!!!!!",
                ]
            )
        ),
        upvotes=draw(st.one_of(st.none(), st.integers(0, 50))),
        arxiv_id=draw(st.sampled_from([None, "2401.00001"])),
        digests=draw(
            st.lists(st.sampled_from(["Mar 14", "Mar 15", "Mar 16"]), unique=True, min_size=1, max_size=3)
        ),
        aliases=draw(
            st.lists(st.sampled_from(["Sparse Attention at Scale", "Attention, Sparsely"]), unique=True)
        ),
        github_repo=draw(st.sampled_from([None, "https://github.com/ex/sparse"])),
        hub_at=draw(st.one_of(st.none(), st.sampled_from([100.0, 200.0]))),
    )
    return paper_record_of(paper, "p1")


@settings(max_examples=200, deadline=None)
@given(papers(), papers())
def test_paper_merge_is_commutative_and_keeps_what_either_side_knows(
    one: dict[str, Any], other: dict[str, Any]
) -> None:
    merged = merge_papers("p1", one, other)
    assert merged == merge_papers("p1", other, one)
    assert set(merged["digests"]) == set(one["digests"]) | set(other["digests"])
    assert len(merged["abstract"]) == max(len(one["abstract"]), len(other["abstract"]))
    assert set(merged["links"]) >= set(one["links"]) | set(other["links"])
    assert set(merged["aliases"]) >= set(one["aliases"]) | set(other["aliases"])
    assert merged["arxiv_id"] == (one["arxiv_id"] or other["arxiv_id"])


@settings(max_examples=100, deadline=None)
@given(papers())
def test_paper_merge_is_idempotent(one: dict[str, Any]) -> None:
    assert merge_papers("p1", one, one) == one
    assert merge_paper("p1", None, one, one) == one


# -- whole versions ------------------------------------------------------------------------------------

KEYS = ["0a11", "0a22", "5b33", "f044"]


@st.composite
def versions(draw: st.DrawFn) -> tuple[dict[str, dict[str, Any]], ...]:
    """A common version's state and each side's, over a few papers in a few files."""
    base: dict[str, dict[str, Any]] = {}
    for key in draw(st.lists(st.sampled_from(KEYS), unique=True)):
        base[key] = {**draw(state_records(st.sampled_from([1.0, 50.0]))), "id": key}
    sides = []
    for _ in range(2):
        side = {}
        for key in KEYS:
            start = base.get(key) or state_record(key, {})
            record = {**draw(changed(start)), "id": key} if draw(st.booleans()) else base.get(key)
            if record is not None and (key in base or record != start):
                side[key] = record
        sides.append(side)
    return base, sides[0], sides[1]


def tree_of(state: dict[str, dict[str, Any]], store: dict[str, bytes]) -> Tree:
    """A version holding ``state`` and one paper per key (sharded as the repository is)."""
    tree: Tree = {}
    if state:
        tree[STATE] = Blob.of(lines(state))
    by_shard: dict[str, dict[str, dict[str, Any]]] = {}
    for key in state:
        record = paper_record_of(
            Paper(id=key, title=f"Paper {key}", abstract="Text.", digests=["Mar 14"]), key
        )
        by_shard.setdefault(shard(key), {})[key] = record
    for path, records in by_shard.items():
        tree[path] = Blob.of(lines(records))
    for blob in tree.values():
        store[blob.id] = blob.data  # type: ignore[assignment]
    return {path: Blob(blob.id) for path, blob in tree.items()}  # as read back from a commit


def reader(store: dict[str, bytes]) -> Files:
    return Files(lambda blobs: [store[blob.id] for blob in blobs])


@settings(max_examples=150, deadline=None)
@given(versions())
def test_merging_versions_is_commutative_and_merges_every_record(case: tuple[dict[str, Any], ...]) -> None:
    base, ours, theirs = case
    store: dict[str, bytes] = {}
    trees = [tree_of(version, store) for version in (base, ours, theirs)]
    one = merge_trees(trees[0], trees[1], trees[2], reader(store))
    other = merge_trees(trees[0], trees[2], trees[1], reader(store))
    assert {p: b.id for p, b in one.items()} == {p: b.id for p, b in other.items()}
    files = reader(store)
    merged_state = parse_lines(files.data(one[STATE]), STATE) if STATE in one else {}
    assert merged_state == merge_records(base, ours, theirs, merge_state)
    again = merge_trees(
        trees[1], one, trees[1], reader(store)
    )  # the next sync of a side that changed nothing
    assert {p: b.id for p, b in again.items()} == {p: b.id for p, b in one.items()}


def test_one_paper_added_under_two_ids_on_two_sides_is_folded_with_both_states() -> None:
    laptop = paper_record_of(
        Paper(
            id="aa",
            title="Sparse Attention Scales",
            abstract="Short.",
            digests=["Mar 14"],
            arxiv_id="2401.00001",
        ),
        "aa",
    )
    desktop = paper_record_of(
        Paper(
            id="bb",
            title="Sparse Attention Scales Well",
            abstract="A longer abstract.",
            digests=["Mar 15"],
            arxiv_id="2401.00001",
        ),
        "bb",
    )
    groups = duplicate_groups({"aa": laptop}, {"bb": desktop})
    assert groups == [["aa", "bb"]]
    papers = {"aa": laptop, "bb": desktop}
    state = {
        "aa": state_record(
            "aa", {"note": "laptop note", "note_at": 10.0, "starred": True, "starred_at": 5.0}
        ),
        "bb": state_record("bb", {"note": "desktop note", "note_at": 20.0, "read": True, "read_at": 6.0}),
    }
    fold(groups, papers, state)
    assert list(papers) == ["aa"] and list(state) == ["aa"]
    assert {papers["aa"]["title"], *papers["aa"]["aliases"]} == {
        "Sparse Attention Scales",
        "Sparse Attention Scales Well",
    }
    assert (
        set(papers["aa"]["digests"]) == {"Mar 14", "Mar 15"}
        and papers["aa"]["abstract"] == "A longer abstract."
    )
    folded = state["aa"]
    assert (folded["read"], folded["starred"]) == (True, True)
    assert folded["note"] == "desktop note" + NOTE_SEPARATOR + "laptop note"


def test_papers_with_other_ids_and_other_identities_are_not_folded() -> None:
    one = paper_record_of(Paper(id="aa", title="One Paper", digests=["Mar 14"]), "aa")
    two = paper_record_of(Paper(id="bb", title="Another Paper", digests=["Mar 14"]), "bb")
    assert duplicate_groups({"aa": one}, {"bb": two}) == []
    assert duplicate_groups({"aa": one}, {"aa": one}) == []
