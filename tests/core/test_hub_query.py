"""Query terms and the sort over what the Hub tells: upvotes:>20, has:code, has:summary, sort by upvotes."""

from __future__ import annotations

import pytest

from readlist.core.digest import parse_text
from readlist.core.json_input import read_daily_papers
from readlist.core.library import Library
from readlist.core.model import paper_id
from readlist.core.query import Filter, needs_index, parse
from readlist.core.search import SearchIndex
from readlist.core.selection import Columns, select_papers
from readlist.core.views import Sort
from tests.core.conftest import digest
from tests.helpers.fake_hub import entry

GAUSS, QUANT, SURVEY = (
    "Gaussian Splatting in the Wild",
    "Quantization of Vision Transformers",
    "A Survey of Diffusion Models",
)
ZEBRA, POLICY = "Zebra Finches Learn Songs", "Diffusion Policies for Robot Control"
SOON = "Code Coming Soon"


@pytest.fixture
def hubbed(lib: Library) -> Library:
    """The two text digests, then the Hub's word on three of their papers."""
    lib.import_digests(
        [
            parse_text(
                digest("Mar 16", (SOON, "We will release it on GitHub and GitLab soon.", None)), "mar16.txt"
            )
        ]
    )
    items = [
        entry(QUANT, "2503.00001", "2025-03-14", upvotes=25, ai_summary="Quantizes ViTs."),
        entry(ZEBRA, "2503.00002", "2025-03-15", upvotes=5, githubRepo="https://github.com/z/finch"),
        entry(POLICY, "2503.00003", "2025-03-15", upvotes=25, projectPage="https://gitlab.com/lab/policy"),
    ]
    lib.import_digests(read_daily_papers(items, "hub", "hub"))
    return lib


def titles(lib: Library, text: str, sort: Sort = Sort.DIGEST) -> list[str]:
    index = SearchIndex(lib.papers, lib.state.notes(), lib.order)
    selection = select_papers(lib, text, index=index, columns=Columns(lib), sort=sort)
    assert selection.hints == []
    return [lib.papers[i].title for i in selection.indices]


def test_parsing_counts_and_the_new_has_values() -> None:
    assert parse("upvotes:>20 upvotes:>=5 upvotes:<3 upvotes:<=4 upvotes:=7 upvotes:10").filters == [
        Filter("upvotes", ">20"),
        Filter("upvotes", ">=5"),
        Filter("upvotes", "<3"),
        Filter("upvotes", "<=4"),
        Filter("upvotes", "=7"),
        Filter("upvotes", "=10"),
    ]
    assert parse("-upvotes:>20").filters == [Filter("upvotes", ">20", True)]
    assert parse("has:code has:summary has:c has:sum").filters == [
        Filter("has", "code"),
        Filter("has", "summary"),
        Filter("has", "code"),
        Filter("has", "summary"),
    ]
    assert "not a count" in parse("upvotes:lots").hints[0]
    assert "not a count" in parse("upvotes:>-3").hints[0]
    assert "upvotes:>20" in parse("upvotes:").hints[0]
    assert "has:code" in parse("has:wings").hints[0]
    assert [needs_index(parse(q)) for q in ("has:code", "has:summary", "upvotes:>2", "-has:code")] == [
        True,
        False,
        False,
        True,
    ]


def test_upvotes_compare_and_unknown_counts_meet_none(hubbed: Library) -> None:
    assert titles(hubbed, "upvotes:>20") == [POLICY, QUANT]  # display order: newest digest first
    assert titles(hubbed, "upvotes:<10") == [ZEBRA]
    assert titles(hubbed, "upvotes:=25") == titles(hubbed, "upvotes:25") == [POLICY, QUANT]
    assert titles(hubbed, "upvotes:>=5 upvotes:<=5") == [ZEBRA]
    assert titles(hubbed, "-upvotes:>20") == [SOON, ZEBRA, GAUSS, SURVEY]


def test_has_summary_and_has_code(hubbed: Library) -> None:
    assert titles(hubbed, "has:summary") == [QUANT]
    # The Hub's repository, a code host link from the Hub, a GitHub link in the abstract; a
    # mere mention of GitHub is not code.
    assert titles(hubbed, "has:code") == [ZEBRA, POLICY, GAUSS]
    assert titles(hubbed, "-has:code") == [SOON, QUANT, SURVEY]
    assert titles(hubbed, "has:code upvotes:>3") == [ZEBRA, POLICY]


def test_sort_by_upvotes_most_first_unknown_last_ties_in_display_order(hubbed: Library) -> None:
    assert titles(hubbed, "", Sort.UPVOTES) == [POLICY, QUANT, ZEBRA, SOON, GAUSS, SURVEY]
    assert Sort.UPVOTES.label() == "most upvoted"


def test_counts_follow_a_refetch(hubbed: Library) -> None:
    columns = Columns(hubbed)
    assert columns.upvotes()[hubbed.by_id.index[paper_id(ZEBRA)]] == 5
    again = entry(ZEBRA, "2503.00002", "2025-03-15", upvotes=50)
    digests = read_daily_papers([again], "hub", "hub")
    digests[0].entries[0].hub_at = 1.0
    hubbed.import_digests(digests)
    assert columns.upvotes()[hubbed.by_id.index[paper_id(ZEBRA)]] == 50
    assert titles(hubbed, "upvotes:>20") == [ZEBRA, POLICY, QUANT]
