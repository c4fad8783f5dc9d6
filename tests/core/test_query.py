"""The query language: parsing, every operator on a library of our own, hints, sorting."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from readlist.core.digest import parse_text
from readlist.core.importer import parse_input
from readlist.core.library import Library
from readlist.core.query import Filter, Group, Words, needs_index, parse
from readlist.core.search import SearchIndex
from readlist.core.selection import Columns, select_papers
from readlist.core.views import Sort, View
from tests.core.conftest import JUL28, JUL29, JUL29_PAGE, SHARED, digest, open_with


def titles(lib: Library, text: str, **kwargs: object) -> list[str]:
    index = SearchIndex(lib.papers, lib.state.notes(), lib.order)
    selection = select_papers(lib, text, index=index, columns=Columns(lib), **kwargs)  # type: ignore[arg-type]
    return [lib.papers[i].title for i in selection.indices]


def pid(lib: Library, start: str) -> str:
    return next(p.id for p in lib.papers if p.title.startswith(start))


# -- parsing ------------------------------------------------------------------------


def test_plain_words_stay_fuzzy_and_operators_become_filters() -> None:
    query = parse('difusion is:unread tag:RL -survey "robot control" title:policy digest:"Mar 14"')
    assert query.fuzzy == "difusion "
    assert query.filters == [
        Filter("is", "unread"),
        Filter("tag", "rl"),
        Filter("word", "survey", True),
        Filter("phrase", "robot control"),
        Filter("title", "policy"),
        Filter("digest", "mar14"),
    ]
    assert query.hints == []


def test_the_last_plain_word_is_still_being_typed() -> None:
    assert parse("is:starred diffu").fuzzy == "diffu"
    assert parse("diffu is:starred").fuzzy == "diffu "


def test_unknown_operators_and_missing_values_give_hints() -> None:
    query = parse("foo:bar diffusion")
    assert query.fuzzy == "diffusion" and not query.filters
    assert query.hints and "unknown operator foo:" in query.hints[0] and "is:unread" in query.hints[0]
    assert "needs a value" in parse("is:").hints[0]
    assert "not a state" in parse("is:purple").hints[0]
    assert "unknown" in parse("has:wings").hints[0]


def test_negation_and_prefixes_of_values() -> None:
    assert parse("-is:read").filters == [Filter("is", "read", True)]
    assert parse("is:star").filters == [Filter("is", "starred")]
    assert parse("is:unstarred").filters == [Filter("is", "starred", True)]
    assert parse("has:notes").filters == [Filter("has", "note")]


def test_a_pasted_link_is_searched_not_an_operator() -> None:
    query = parse("https://github.com/ex/wild")
    assert not query.hints and query.fuzzy


# -- running ------------------------------------------------------------------------


def test_state_operators(lib: Library) -> None:
    lib.change([pid(lib, "Gaussian")], "star", starred=True)
    lib.change([pid(lib, "Zebra")], "read", read=True)
    lib.change([pid(lib, "Quantization")], "note", note="compare with GPTQ")
    lib.change([pid(lib, "Diffusion Policies")], "tags", tags="rl robots")
    assert titles(lib, "is:starred") == ["Gaussian Splatting in the Wild"]
    assert titles(lib, "is:read") == ["Zebra Finches Learn Songs"]
    assert "Zebra Finches Learn Songs" not in titles(lib, "is:unread") and len(titles(lib, "is:unread")) == 4
    assert titles(lib, "has:note") == ["Quantization of Vision Transformers"]
    assert titles(lib, "has:tags") == ["Diffusion Policies for Robot Control"]
    assert titles(lib, "tag:rl") == ["Diffusion Policies for Robot Control"]
    assert titles(lib, "tag:#RL") == ["Diffusion Policies for Robot Control"]
    assert titles(lib, "tag:rob") == []  # a tag matches whole
    assert len(titles(lib, "-tag:rl")) == 4


def test_tags_and_notes_are_found_by_plain_words(lib: Library) -> None:
    lib.change([pid(lib, "Zebra")], "tags", tags="ornithology")
    lib.change([pid(lib, "Quantization")], "note", note="compare with GPTQ")
    assert titles(lib, "ornithology") == ["Zebra Finches Learn Songs"]
    assert titles(lib, "gptq") == ["Quantization of Vision Transformers"]


def test_text_operators(lib: Library) -> None:
    assert titles(lib, "title:diffusion") == [
        "Diffusion Policies for Robot Control",
        "A Survey of Diffusion Models",
    ]
    assert titles(lib, "title:diff") == [
        "Diffusion Policies for Robot Control",
        "A Survey of Diffusion Models",
    ]
    assert titles(lib, "diffusion -survey") == ["Diffusion Policies for Robot Control"]
    assert titles(lib, '"robot actions"') == ["Diffusion Policies for Robot Control"]
    assert titles(lib, '"actions robot"') == []  # a phrase is in order
    assert titles(lib, "has:link") == ["Gaussian Splatting in the Wild"]
    assert titles(lib, 'digest:"Mar 14" diffusion') == ["A Survey of Diffusion Models"]
    assert titles(lib, "digest:mar15") == [
        "Zebra Finches Learn Songs",
        "Diffusion Policies for Robot Control",
    ]


def test_operators_combine_with_and(lib: Library) -> None:
    lib.change([pid(lib, "A Survey")], "star", starred=True)
    assert titles(lib, "diffusion is:starred") == ["A Survey of Diffusion Models"]
    assert titles(lib, "diffusion is:starred digest:mar15") == []


def test_a_typo_still_finds_papers_with_filters(lib: Library) -> None:
    assert titles(lib, "quantisation is:unread") == ["Quantization of Vision Transformers"]
    assert titles(lib, "gausian splating -survey") == ["Gaussian Splatting in the Wild"]


def test_views_and_picked_digest_narrow_too(lib: Library) -> None:
    lib.change([pid(lib, "Zebra")], "read", read=True)
    assert titles(lib, "", views=[View.UNREAD], digest="Mar 15") == ["Diffusion Policies for Robot Control"]


def test_hints_come_back_with_the_selection(lib: Library) -> None:
    index = SearchIndex(lib.papers, {}, lib.order)
    selection = select_papers(lib, "zebra colour:red", index=index, columns=Columns(lib))
    assert [lib.papers[i].title for i in selection.indices] == ["Zebra Finches Learn Songs"]
    assert selection.hints and "colour:" in selection.hints[0]


# -- sorting ------------------------------------------------------------------------


def test_sort_orders(lib: Library) -> None:
    lib.change([pid(lib, "Quantization")], "star", starred=True)
    newest_digest_first = [
        "Zebra Finches Learn Songs",
        "Diffusion Policies for Robot Control",
        "Gaussian Splatting in the Wild",
        "Quantization of Vision Transformers",
        "A Survey of Diffusion Models",
    ]
    assert titles(lib, "") == newest_digest_first
    assert titles(lib, "", sort=Sort.PUBLISHED) == [
        "Zebra Finches Learn Songs",
        "Diffusion Policies for Robot Control",
        "Gaussian Splatting in the Wild",
        "Quantization of Vision Transformers",
        "A Survey of Diffusion Models",
    ]  # unknown date last
    assert titles(lib, "", sort=Sort.TITLE) == sorted(newest_digest_first, key=str.casefold)
    assert titles(lib, "", sort=Sort.STARRED)[0] == "Quantization of Vision Transformers"
    assert titles(lib, "", sort=Sort.STARRED)[1:] == [
        t for t in newest_digest_first if not t.startswith("Quant")
    ]


def test_relevance_while_filtering_and_sorts_apply_to_results(lib: Library) -> None:
    # "diffusion" in the title beats "diffusion" in the abstract only
    assert titles(lib, "diffusion")[:2] == [
        "Diffusion Policies for Robot Control",
        "A Survey of Diffusion Models",
    ]
    assert titles(lib, "diffusion", sort=Sort.TITLE) == [
        "A Survey of Diffusion Models",
        "Diffusion Policies for Robot Control",
    ]
    assert Sort.DIGEST.label(searching=True) == "relevance"


def test_year_less_published_dates_take_the_digest_year(lib: Library, isolated_data: Path) -> None:
    lib.import_digests(
        [
            parse_text(
                digest("Mar 16", ("Yesterday's Paper", "An abstract about things.", "Mar 10")), "mar16.txt"
            )
        ]
    )
    rank = Columns(lib).rank(Sort.PUBLISHED)
    first = min(range(len(lib.papers)), key=lambda i: rank[i])
    assert lib.papers[first].title == "Yesterday's Paper"


def test_cached_columns_follow_state_changes_and_imports(lib: Library) -> None:
    """The TUI keeps one Columns for the whole session: its arrays must never go stale."""
    index = SearchIndex(lib.papers, lib.state.notes(), lib.order)
    columns = Columns(lib)

    def shown(text: str, **kwargs: object) -> list[str]:
        selection = select_papers(lib, text, index=index, columns=columns, **kwargs)  # type: ignore[arg-type]
        return [lib.papers[i].title for i in selection.indices]

    assert shown("is:starred") == []
    lib.change([pid(lib, "Zebra")], "star", starred=True)
    assert shown("is:starred") == ["Zebra Finches Learn Songs"]
    assert shown("", sort=Sort.STARRED)[0] == "Zebra Finches Learn Songs"
    lib.change([pid(lib, "Zebra")], "tags", tags="birds")
    assert shown("tag:birds") == ["Zebra Finches Learn Songs"]
    lib.undo()
    assert shown("tag:birds") == []
    lib.import_digests(
        [parse_text(digest("Mar 16", ("Birdsong Models", "Songbirds learn from tutors.", None)), "mar16.txt")]
    )
    assert shown("digest:mar16") == ["Birdsong Models"]
    assert shown("", sort=Sort.TITLE)[0] == "A Survey of Diffusion Models"
    assert len(shown("is:unread")) == 6


# -- one digest in its own order ------------------------------------------------------------


@pytest.fixture
def july(isolated_data: Path) -> Iterator[Library]:
    yield from open_with(isolated_data, (JUL28, "jul28.txt"), (JUL29, "jul29.txt"))


def test_one_digest_lists_in_its_own_page_order(july: Library) -> None:
    """The shared paper was first seen in Jul 28, yet stays in the middle of Jul 29."""
    assert titles(july, "", digest="Jul 29") == JUL29_PAGE
    assert titles(july, 'digest:"Jul 29"') == JUL29_PAGE
    assert titles(july, "is:unread digest:jul29 -digest:jun1") == JUL29_PAGE  # a left-out digest is no pick
    assert titles(july, "", digest="Jul 28")[-1] == SHARED
    # The whole list: newest digest first, each paper once, under the newest digest it was in
    # (where a reader of that day looks for it), in that digest's own order.
    assert titles(july, "") == [*JUL29_PAGE, "Alpha Retrieval Benchmarks", "Beta Tokenizers Revisited"]
    assert titles(july, "", digest="Jul 29", sort=Sort.TITLE) == sorted(JUL29_PAGE)


def test_sorts_break_ties_in_display_order(july: Library) -> None:
    """Without published dates (like every seed digest), newest published is newest digest first."""
    assert titles(july, "", sort=Sort.PUBLISHED) == titles(july, "")
    july.import_digests(
        [
            parse_text(
                digest(
                    "Jul 30",
                    ("Dated Paper", "It has a date.", "Jul 1, 2025"),
                    ("Same Day Paper", "It has the same date.", "Jul 1, 2025"),
                ),
                "jul30.txt",
            )
        ]
    )
    assert titles(july, "", sort=Sort.PUBLISHED) == titles(july, "")


def test_cached_columns_see_an_import_that_adds_no_paper(lib: Library) -> None:
    """Re-listing a known paper in a new digest changes no count, but must change what digest: finds."""
    index = SearchIndex(lib.papers, lib.state.notes(), lib.order)
    columns = Columns(lib)
    assert select_papers(lib, "digest:mar17", index=index, columns=columns).indices == []
    lib.import_digests(
        [
            parse_text(
                digest("Mar 17", ("Zebra Finches Learn Songs", "Young birds copy songs.", None)), "mar17.txt"
            )
        ]
    )
    found = select_papers(lib, "digest:mar17", index=index, columns=columns).indices
    assert [lib.papers[i].title for i in found] == ["Zebra Finches Learn Songs"]


def test_a_phrase_with_a_hyphen_matches(lib: Library) -> None:
    lib.import_digests(
        [
            parse_text(
                digest(
                    "Mar 18",
                    (
                        "Sparse Attention Revisited",
                        "Sparse attention captures long-range dependencies cheaply.",
                        None,
                    ),
                    ("Short Context Tricks", "Long range is not needed; dependencies are local.", None),
                ),
                "mar18.txt",
            )
        ]
    )
    assert titles(lib, '"long-range dependencies"') == ["Sparse Attention Revisited"]
    assert titles(lib, '"long range dependencies"') == ["Sparse Attention Revisited"]
    assert "Sparse Attention Revisited" not in titles(lib, '-"long-range dependencies"')


def test_a_left_out_compound_is_a_left_out_phrase(lib: Library) -> None:
    assert parse("-self-supervised").filters == [Filter("phrase", "self-supervised", True)]
    assert parse("-survey").filters == [Filter("word", "survey", True)]
    lib.import_digests(
        [
            parse_text(
                digest(
                    "Mar 18",
                    ("Supervised Baselines", "Supervised learning on the self.", None),
                    ("Self-Supervised Vision", "We pretrain self-supervised encoders.", None),
                ),
                "mar18.txt",
            )
        ]
    )
    kept = titles(lib, "-self-supervised")
    assert "Supervised Baselines" in kept and "Self-Supervised Vision" not in kept


class _RacingColumns(Columns):
    """Columns where another thread's ``_fresh`` runs right after the state masks are stored."""

    race = True

    def __setattr__(self, name: str, value: object) -> None:
        object.__setattr__(self, name, value)
        if name == "_state" and value and self.race:
            self.race = False
            self._state_seen = -1  # the state changed meanwhile
            self._fresh()  # as the other thread would: ``self._state`` is emptied


@pytest.mark.parametrize("lookup", [lambda c: c.state("read"), lambda c: c.tag("rl")])
def test_state_masks_survive_a_reset_from_another_thread(lib: Library, lookup: object) -> None:
    columns = _RacingColumns(lib)
    assert len(lookup(columns)) == len(lib.papers)  # type: ignore[operator]


def test_an_unknown_digest_looks_at_no_paper(lib: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    columns = Columns(lib)

    def scan(name: str) -> list[str]:
        raise AssertionError(f"scanned {name}")

    monkeypatch.setattr(lib.papers, "joined_column", scan)
    mask = columns.digest("mar1")  # half-typed
    assert mask.dtype == bool and len(mask) == len(lib.papers) and not mask.any()


def test_has_link_sees_links_from_outside_the_text(lib: Library) -> None:
    doc = [
        {
            "paper": {
                "id": "2503.09999",
                "title": "Code Elsewhere",
                "summary": "No link in this text.",
                "githubRepo": "https://github.com/ex/elsewhere",
            },
            "submittedOnDailyAt": "2025-03-16T00:00:00Z",
        }
    ]
    lib.import_digests(parse_input(json.dumps(doc).encode(), "in.json", "in"))
    assert sorted(titles(lib, "has:link")) == ["Code Elsewhere", "Gaussian Splatting in the Wild"]
    assert "Code Elsewhere" not in titles(lib, "-has:link")


def test_only_has_link_needs_the_index() -> None:
    assert needs_index(parse("has:link"))
    assert not needs_index(parse("tag:link"))
    assert not needs_index(parse('digest:"link"'))


def test_digest_latest_is_the_newest_digest(july: Library) -> None:
    assert titles(july, "digest:latest") == JUL29_PAGE
    assert titles(july, "-digest:latest") == ["Alpha Retrieval Benchmarks", "Beta Tokenizers Revisited"]


# -- OR, NOT, parentheses ---------------------------------------------------------------------------


def test_or_not_and_parentheses(lib: Library) -> None:
    # each the best match of its search: equal, so in display order (the newer digest first)
    assert titles(lib, "zebra OR quantization") == [
        "Zebra Finches Learn Songs",
        "Quantization of Vision Transformers",
    ]
    assert titles(lib, "zebra | quantization") == titles(lib, "zebra OR quantization")
    assert titles(lib, "zebra|quantization") == titles(lib, "zebra OR quantization")
    assert titles(lib, "title:diffusion NOT survey") == ["Diffusion Policies for Robot Control"]
    assert titles(lib, "title:diffusion NOT title:survey") == ["Diffusion Policies for Robot Control"]
    assert titles(lib, "(zebra OR gaussian) digest:mar15") == ["Zebra Finches Learn Songs"]
    assert titles(lib, "-(zebra OR gaussian) digest:mar15") == ["Diffusion Policies for Robot Control"]
    assert titles(lib, "NOT (zebra OR gaussian) digest:mar15") == ["Diffusion Policies for Robot Control"]
    # in small letters, or and not are words to search
    assert parse("to be or not to be").tree == Words("to be or not to be")


def test_the_tree_of_a_query() -> None:
    assert parse("(diffusion OR gaussian) is:unread").tree == Group(
        "and", (Group("or", (Words("diffusion "), Words("gaussian "))), Filter("is", "unread"))
    )
    assert parse("diffusion NOT survey").tree == Group(
        "and", (Words("diffusion "), Filter("word", "survey", True))
    )
    assert parse("NOT (a b)").tree == Group("not", (Words("a b "),))
    assert parse("NOT -tag:x").tree == Filter("tag", "x")  # two negations undo each other
    # AND between words makes two searches; side by side they are one
    assert parse("a AND b").tree == Group("and", (Words("b"), Words("a ")))
    assert parse("a b").tree == Words("a b")
    # a ")" closes a group unless the word opened it: links and f(x) stay whole
    assert parse("f(x) https://en.wikipedia.org/wiki/Foo_(bar)").tree == Words(
        "f(x) https://en.wikipedia.org/wiki/Foo_(bar)"
    )
    assert parse("(gaussian)").tree == Words("gaussian ")  # a closed group: no word is being typed
    assert parse("(gauss").tree == Words("gauss")  # ...while in an open one it may be


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("(a b", "a ( is not closed: read as if it closed at the end"),
        ("((a b", "2 ( are not closed"),
        ("a) b", "a ) without its ( was left out"),
        ("a OR", "OR needs a term on each side"),
        ("| a", "OR needs a term on each side"),
        ("a NOT", "NOT needs a term after it"),
        ("NOT", "NOT needs a term after it"),
        ("a () b", "an empty ( ) was left out"),
        ("a AND", "AND needs a term on each side"),
    ],
)
def test_malformed_queries_name_what_is_wrong(text: str, hint: str) -> None:
    assert any(hint in h for h in parse(text).hints), parse(text).hints


def test_hints_are_not_given_for_what_is_right() -> None:
    for text in ("(a OR b) NOT (c | d) -e", "author:x abstract:y published:2024..2025", "NOT a", "-(a b)"):
        assert parse(text).hints == [], text


# -- author:, abstract:, published: ----------------------------------------------------------------


AUTHORS_JSON = [
    {
        "paper": {
            "id": "2501.00001",
            "title": "Müller Writes About Splines",
            "summary": "Splines bend smoothly.",
            "authors": [{"name": "Jérôme Müller"}, {"name": "Ana de la Cruz"}],
            "publishedAt": "2025-01-03",
        },
        "submittedOnDailyAt": "2025-03-16T00:00:00Z",
    },
    {
        "paper": {
            "id": "2501.00002",
            "title": "Mullers and Cruzes",
            "summary": "A paper about sparse splines.",
            "authors": [{"name": "Paul Muller-Smith"}, {"name": "Cruz Ana"}],
        },
        "submittedOnDailyAt": "2025-03-16T00:00:00Z",
    },
]


def test_author_matches_a_name_or_a_word_of_one(lib: Library) -> None:
    lib.import_digests(parse_input(json.dumps(AUTHORS_JSON).encode(), "authors.json", "authors"))
    assert titles(lib, "author:muller") == ["Müller Writes About Splines", "Mullers and Cruzes"]
    assert titles(lib, 'author:"Jérôme Müller"') == ["Müller Writes About Splines"]
    assert titles(lib, 'author:"jerome muller"') == ["Müller Writes About Splines"]  # case and accents aside
    assert titles(lib, "author:muller-smith") == ["Mullers and Cruzes"]
    assert titles(lib, 'author:"de la cruz"') == ["Müller Writes About Splines"]
    assert titles(lib, 'author:"ana cruz"') == []  # the words side by side, in order, in one name
    assert titles(lib, "author:mull") == []  # a word of the name, not the start of one
    assert titles(lib, "-author:muller digest:mar16") == []
    assert parse("author:").hints == ['author: needs a value, e.g. author:vaswani or author:"Ashish Vaswani"']


def test_abstract_looks_in_the_abstract_only(lib: Library) -> None:
    lib.import_digests(parse_input(json.dumps(AUTHORS_JSON).encode(), "authors.json", "authors"))
    assert titles(lib, "abstract:splines") == ["Müller Writes About Splines", "Mullers and Cruzes"]
    assert titles(lib, "abstract:spars") == ["Mullers and Cruzes"]  # the start of a word, as title: does
    assert titles(lib, "abstract:mullers") == []  # in its title only
    assert parse("abstract:splines").highlight == frozenset({"splines"})


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024", ["Diffusion Policies for Robot Control", "Gaussian Splatting in the Wild"]),
        ("2024-12", ["Diffusion Policies for Robot Control"]),
        ("2024-12-09", ["Diffusion Policies for Robot Control"]),
        ("2024-12-10", []),
        (">2024-06", ["Zebra Finches Learn Songs", "Diffusion Policies for Robot Control"]),
        (">=2024-12", ["Zebra Finches Learn Songs", "Diffusion Policies for Robot Control"]),
        ("<2024", ["Quantization of Vision Transformers"]),
        ("<=2024-03", ["Gaussian Splatting in the Wild", "Quantization of Vision Transformers"]),
        ("2023..2024-06", ["Gaussian Splatting in the Wild", "Quantization of Vision Transformers"]),
        (
            "2024-03..",
            [
                "Zebra Finches Learn Songs",
                "Diffusion Policies for Robot Control",
                "Gaussian Splatting in the Wild",
            ],
        ),
        ("..2023-1", ["Quantization of Vision Transformers"]),
    ],
)
def test_published_compares_years_months_and_days(lib: Library, value: str, expected: list[str]) -> None:
    assert titles(lib, f"published:{value}") == expected


def test_published_dates_without_a_year_take_the_digest_year(lib: Library) -> None:
    lib.import_digests(
        [
            parse_text(
                digest("Mar 16, 2025", ("Yesterday's Paper", "An abstract about things.", "Mar 10")),
                "mar16.txt",
            )
        ]
    )
    assert titles(lib, "published:2025-03") == ["Yesterday's Paper"]


def test_a_year_alone_is_in_a_span_only_when_all_of_it_is(lib: Library) -> None:
    export = {
        "format": "readlist-export",
        "version": 1,
        "digests": [],
        "papers": [{"title": "Only A Year", "abstract": "From a BibTeX entry.", "published": "2019"}],
    }
    lib.import_digests(parse_input(json.dumps(export).encode(), "year.json", "year"))
    assert titles(lib, "published:2019") == ["Only A Year"]
    assert titles(lib, "published:2018..2020") == ["Only A Year"]
    assert titles(lib, "published:2019-06") == []  # all of 2019 is not in June
    assert "Only A Year" not in titles(lib, "published:>2019-06") + titles(lib, "published:<2019-06")
    assert "Only A Year" in titles(lib, "published:>2018") and "Only A Year" in titles(lib, "published:<2020")


@pytest.mark.parametrize("value", ["13", "2024-13", "2024-02-30", "yesterday", "..", "2024..x", ">"])
def test_a_date_that_is_no_date_gets_a_hint(value: str) -> None:
    query = parse(f"published:{value}")
    assert query.tree is None
    assert query.hints == [query.hints[0]] and f"published:{value} is not a date" in query.hints[0]
