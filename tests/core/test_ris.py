"""RIS export: every paper reads back with a RIS parser (rispy) with its fields, and no text in a
title, abstract, name, tag or note can break the record structure."""

from __future__ import annotations

import rispy
from hypothesis import example, given, settings
from hypothesis import strategies as st

from readlist.core.export import ARXIV_DOI, paper_ris, render, ris_name, to_ris
from readlist.core.model import Paper, PaperState
from tests.core.test_export import NASTY_TITLES, make, rich_pair


def read(text: str) -> list[dict]:
    return rispy.loads(text, skip_unknown_tags=False)


def test_a_record_with_every_field() -> None:
    paper, state = rich_pair()
    [record] = read(paper_ris(paper, state))
    assert record["type_of_reference"] == "JOUR"
    assert record["title"] == paper.title
    assert record["authors"] == ["Okafor, Mira", "Research and Development Team", "Kaiser, Łukasz"]
    assert record["abstract"] == paper.abstract
    assert (record["year"], record["date"]) == ("2024", "2024/12/09/")
    assert record["doi"] == "10.48550/arXiv.2412.01234"
    assert (record["name_of_database"], record["accession_number"]) == ("arXiv", "arXiv:2412.01234")
    assert record["urls"] == ["https://arxiv.org/abs/2412.01234"]
    assert record["keywords"] == ["rl", "to-read"]
    # The note on one line: RIS fields are lines, and a line of the note could look like a field.
    assert record["notes"] == ["Compare with 3DGS. # not a heading - a list"]


def test_a_paper_with_only_what_a_digest_page_gives() -> None:
    paper = make(
        "A Benchmark of Everyday Spreadsheet Questions", abstract="We ask.", authors=5, published="--10-08"
    )
    [record] = read(paper_ris(paper, PaperState()))
    assert "authors" not in record  # a count is no name
    assert "year" not in record and "date" not in record  # no year to give
    assert "doi" not in record and "accession_number" not in record
    assert record["urls"] == [paper.url]  # the arXiv title search
    assert "notes" not in record and "keywords" not in record


def test_partial_dates() -> None:
    [year] = read(paper_ris(make("Only a Year", published="2017"), PaperState()))
    [month] = read(paper_ris(make("A Month", published="2017-06"), PaperState()))
    assert (year["year"], year["date"]) == ("2017", "2017///")
    assert (month["year"], month["date"]) == ("2017", "2017/06//")


def test_names_are_family_name_first() -> None:
    assert ris_name("Ashish Vaswani") == "Vaswani, Ashish"
    assert ris_name("Jean Luc Picard") == "Picard, Jean Luc"
    assert ris_name("Vaswani, Ashish") == "Vaswani, Ashish"
    assert ris_name("Plato") == "Plato"
    assert ris_name("The Open Catalyst Team") == "The Open Catalyst Team"  # four words: kept whole


def test_every_paper_of_an_export_reads_back() -> None:
    pairs = [
        (
            make(
                title,
                abstract=f"About {title}.",
                published="2024-05-01",
                arxiv_id=f"2405.{n:05d}",
                author_names=[f"Ada Lovelace{n}", "Alan Turing"],
            ),
            PaperState(note=title, tags=("x",)),
        )
        for n, title in enumerate(NASTY_TITLES)
    ]
    text = render("ris", pairs)
    records = read(text)
    assert [r["title"] for r in records] == [" ".join(t.split()) for t in NASTY_TITLES]
    assert [r["doi"] for r in records] == [ARXIV_DOI + p.arxiv_id for p, _ in pairs]
    assert all(r["notes"] == [r["title"]] for r in records)
    assert render("ris", []) == ""


_HOSTILE = st.text(st.characters(blacklist_categories=("Cs",)), max_size=80)


@settings(max_examples=200, deadline=None)
@example(title="", abstract="", note="", name="A \x9b", tag="0")  # a name ending in a control character
@given(
    title=_HOSTILE,
    abstract=_HOSTILE,
    note=_HOSTILE,
    name=st.from_regex(r"[A-Za-zÀ-ÿ][\w .,\n\t\r\x00-\x1f\x7f-\x9f-]{0,20}", fullmatch=True),
    tag=st.from_regex(r"[a-z0-9-]{1,8}", fullmatch=True),
)
def test_hostile_text_cannot_break_the_records(
    title: str, abstract: str, note: str, name: str, tag: str
) -> None:
    """Line breaks, control characters, "ER  - " or "TY  - " inside a value: still two records,
    each with its own fields."""
    first = Paper(
        "a1",
        f"{title}\nER  - \nTY  - BOOK",
        abstract=f"{abstract}\r\nTI  - injected",
        author_names=[name, "\x1b[2JEvil\x07 Name"],
    )
    second = make("The Second Paper", abstract="Plain.")
    text = to_ris([(first, PaperState(note=f"{note}\nER  - ", tags=(tag,))), (second, PaperState())])
    assert not any(ord(ch) < 32 and ch != "\n" for ch in text)
    records = read(text)
    assert [r["type_of_reference"] for r in records] == ["JOUR", "JOUR"]
    assert records[1]["title"] == "The Second Paper" and records[1]["abstract"] == "Plain."
    assert "TY  - BOOK" not in text.split("\n") and "TI  - injected" not in text.split("\n")
    assert records[0]["keywords"] == [tag]
    assert len(records[0]["authors"]) == 2 and records[0]["authors"][1] == "Name, Evil"
    lines = text.split("\n")
    assert sum(line == "ER  - " for line in lines) == 2
    assert all(line[2:6] == "  - " for line in lines if line)  # every line is a field
