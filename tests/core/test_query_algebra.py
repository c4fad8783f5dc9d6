"""OR, NOT and parentheses obey set algebra: a composed query selects exactly what set operations
on its parts' selections give, on a library of our own (hypothesis) and on the seeds.

The strong matches (what the list shows above its divider, and the command line prints) follow
the algebra exactly: ``a OR b`` is the union, ``(a) (b)`` the intersection, ``a NOT b`` and
``a -b`` the difference. All the rows shown (weaker matches too) follow it for OR and AND; NOT
takes away the other part's strong matches only.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readlist.core.importer import import_files
from readlist.core.library import Library
from readlist.core.search import SearchIndex
from readlist.core.selection import Columns, select_papers
from tests.conftest import FIXTURES

SOURCES = ["relevance.txt", "daily_papers.json", "week1.txt", "week2.txt", "metadata.txt", "basic.txt"]
WORDS = [
    "diffusion",
    "gaussian",
    "quantization",
    "reward",
    "language models",
    "machine unlearning",
    "lora",
    "splatting",
    "difusion",
    "retrieval",
    "translation",
    "training",
    "model",
    "sparse rewards",
]
FILTERS = [
    "is:unread",
    "is:read",
    "is:starred",
    "has:note",
    "has:tags",
    "has:link",
    "tag:rl",
    "tag:vision",
    'digest:"Jun 3"',
    "title:gaussian",
    "abstract:sparse",
    "author:vaswani",
    'author:"Mira Okafor"',
    "upvotes:>50",
    "published:>2020",
    "published:2017..2020-06",
    '"reward models"',
    "-survey",
    "NOT diffusion",
    "-is:read",
    "is:starred OR has:note",
]


@dataclass
class Shelf:
    library: Library
    index: SearchIndex
    columns: Columns

    def rows(self, text: str) -> tuple[frozenset[int], frozenset[int]]:
        """(strong matches, every row shown) of ``text``, read as finished (no word being typed)."""
        selection = select_papers(self.library, text + " ", index=self.index, columns=self.columns)
        assert len(set(selection.indices)) == len(selection.indices)
        return frozenset(selection.strong_indices), frozenset(selection.indices)


def _mark(library: Library) -> None:
    """A state of every kind, spread over the papers."""
    ids = [paper.id for paper in library.in_order]
    library.change(ids[::3], "star", starred=True)
    library.change(ids[::2], "read", read=True)
    library.change(ids[1::5], "tags", tags="rl")
    library.change(ids[2::5], "tags", tags="vision rl")
    library.change(ids[::7], "note", note="compare with the diffusion baselines")


@pytest.fixture(scope="module")
def shelf(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shelf]:
    library = Library(tmp_path_factory.mktemp("algebra"))
    report = import_files(library, [str(FIXTURES / name) for name in SOURCES])
    assert not report.errors
    _mark(library)
    yield Shelf(library, SearchIndex(library.papers, library.state.notes(), library.order), Columns(library))
    library.close()


def _compose(parts: tuple[str, str, str]) -> str:
    left, op, right = parts
    return f"({left}) -({right})" if op == "-" else f"({left}) {op} ({right})".replace("  ", " ")


queries = st.recursive(
    st.sampled_from(WORDS + FILTERS),
    lambda inner: st.tuples(inner, st.sampled_from(["OR", "|", "", "NOT", "-"]), inner).map(_compose),
    max_leaves=4,
)


def assert_algebra(shelf: Shelf, a: str, b: str) -> None:
    """``a OR b`` (and ``a | b``) is the union, ``(a) (b)`` (and ``a AND b``) the intersection,
    ``a NOT b`` (and ``a -b``) the difference of the strong matches; of all the rows shown for OR
    and AND, while NOT leaves a weaker match of ``b`` in."""
    strong_a, all_a = shelf.rows(a)
    strong_b, all_b = shelf.rows(b)
    expected = {
        "OR": (strong_a | strong_b, all_a | all_b),
        "|": (strong_a | strong_b, all_a | all_b),
        "": (strong_a & strong_b, all_a & all_b),
        "AND": (strong_a & strong_b, all_a & all_b),
        "NOT": (strong_a - strong_b, all_a - strong_b),
        "-": (strong_a - strong_b, all_a - strong_b),
    }
    for op, rows in expected.items():
        assert shelf.rows(_compose((a, op, b))) == rows, op


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(a=queries, b=queries)
def test_or_and_not_obey_set_algebra(shelf: Shelf, a: str, b: str) -> None:
    assert_algebra(shelf, a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("diffusion", "is:starred"),
        ("tag:rl", "author:vaswani"),
        ("title:gaussian", '"reward models"'),
        ("published:>2020", "upvotes:>50"),
    ],
)
def test_terms_need_no_parentheses(shelf: Shelf, a: str, b: str) -> None:
    """A single term (one search, one filter, one phrase) composes as it is."""
    strong_a, _ = shelf.rows(a)
    strong_b, _ = shelf.rows(b)
    assert shelf.rows(f"{a} OR {b}")[0] == strong_a | strong_b
    assert shelf.rows(f"{a} {b}")[0] == strong_a & strong_b
    assert shelf.rows(f"{a} NOT {b}")[0] == strong_a - strong_b


def test_a_word_left_out_is_what_searching_it_finds(shelf: Shelf) -> None:
    """``-word`` and ``NOT word`` leave out the strong matches of ``word``: its plural and other
    spelling too (``-quantisation`` leaves out quantization), not only the word as typed."""
    every = shelf.rows("")[0]
    for word in ("quantisation", "reward", "gaussian"):
        found = shelf.rows(word)[0]
        assert found
        assert shelf.rows(f"-{word}")[0] == every - found
        assert shelf.rows(f"NOT {word}")[0] == every - found


def test_ranking_stays_best_match_first(shelf: Shelf) -> None:
    """The strong matches come first; within them, a paper about both searches beats one about
    either, and a search's own order is kept where nothing else ranks."""
    library, index = shelf.library, shelf.index
    titles = [
        library.papers[i].title
        for i in select_papers(
            library, "(gaussian OR splatting) is:unread ", index=index, columns=shelf.columns
        ).indices
    ]
    unread_splatting = [t for t in titles if "Splatting" in t]
    assert unread_splatting and titles.index(unread_splatting[0]) == 0
    alone = select_papers(library, "reward ", index=index, columns=shelf.columns)
    with_filter = select_papers(library, "reward -is:starred ", index=index, columns=shelf.columns)
    starred = shelf.columns.state("starred")
    assert with_filter.indices == [i for i in alone.indices if not starred[i]]


# -- malformed queries -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "hint", "same_as"),
    [
        ("(gaussian OR splatting", "( is not closed", "(gaussian OR splatting)"),
        ("gaussian OR", "OR needs a term on each side", "gaussian"),
        ("OR gaussian", "OR needs a term on each side", "gaussian"),
        ("gaussian OR OR splatting", "OR needs a term on each side", "gaussian OR splatting"),
        ("gaussian NOT", "NOT needs a term after it", "gaussian"),
        ("() gaussian", "empty ( )", "gaussian"),
        ("gaussian) splatting", ") without its (", "gaussian splatting"),
        ("published:2024-13 gaussian", "is not a date", "gaussian"),
        ("author: gaussian", "author: needs a value", "gaussian"),
    ],
)
def test_a_malformed_query_is_read_as_far_as_it_makes_sense(
    shelf: Shelf, text: str, hint: str, same_as: str
) -> None:
    selection = select_papers(shelf.library, text + " ", index=shelf.index, columns=shelf.columns)
    assert any(hint in h for h in selection.hints), selection.hints
    expected = select_papers(shelf.library, same_as + " ", index=shelf.index, columns=shelf.columns)
    assert selection.indices == expected.indices and selection.indices  # never a silent empty list
    assert not expected.hints


# -- the seeds ----------------------------------------------------------------------------------------

SEED_PAIRS = [
    ("lora", "quantization"),
    ("diffusion", "video"),
    ("language models", "reasoning"),
    ("attention", "sparse"),
    ("mixture of experts", "inference"),
]


def test_the_algebra_holds_on_the_seeds(seeds: list[Path], isolated_data: Path) -> None:
    library = Library(isolated_data)
    try:
        import_files(library, [str(path) for path in seeds])
        ids = [paper.id for paper in library.in_order]
        library.change(ids[::4], "star", starred=True)
        shelf = Shelf(
            library, SearchIndex(library.papers, library.state.notes(), library.order), Columns(library)
        )
        for a, b in [*SEED_PAIRS, ("lora", "is:starred"), ("is:starred", "diffusion")]:
            assert shelf.rows(a)[0] and shelf.rows(b)[0], (a, b)
            assert_algebra(shelf, a, b)
    finally:
        library.close()
