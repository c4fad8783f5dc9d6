"""JSON input: the Daily Papers API's list and readlist's own export, merged into the library."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from readlist.core.digest import Digest, parse_text
from readlist.core.errors import InputError
from readlist.core.export import to_json
from readlist.core.importer import import_files, parse_input
from readlist.core.library import CACHE_DIR, LIBRARY_FILE, STATE_FILE, Library, digest_day, merge_into
from readlist.core.model import Paper, paper_id
from readlist.core.selection import Columns, select_papers
from tests.conftest import FIXTURES
from tests.core.conftest import JUL28, JUL29, JUL29_PAGE, SHARED

DAILY = FIXTURES / "daily_papers.json"
BASIC = FIXTURES / "basic.txt"
SPARSE = "Sparse Gaussian Splatting for Real-Time Scene Capture"


def parse(doc: Any, source: str = "in.json") -> list[Digest]:
    return parse_input(json.dumps(doc).encode(), source, "in")


def problems(digests: list[Digest]) -> list[str]:
    return [str(p) for d in digests for p in d.problems]


def daily(title: str | None, day: str | None = "2025-03-14T01:02:03.000Z", **paper: Any) -> dict[str, Any]:
    """One entry in the API's shape; fields given as None are left out."""
    fields = {
        "id": "2503.00001",
        "title": title,
        "summary": f"About {title}.",
        "submittedOnDailyAt": day,
        **paper,
    }
    inner = {k: v for k, v in fields.items() if v is not None}
    return {"paper": inner, "title": title, "numComments": 0}


def export_paper(title: str, **fields: Any) -> dict[str, Any]:
    return {"id": "ignored", "title": title, "abstract": f"About {title}.", "digests": ["Mar 14"], **fields}


def export_doc(*papers: dict[str, Any], digests: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"format": "readlist-export", "version": 1, "digests": digests or [], "papers": list(papers)}


# -- the Daily Papers API --------------------------------------------------------------------------


def test_daily_papers_fixture() -> None:
    [digest] = parse_input(DAILY.read_bytes(), str(DAILY), "daily_papers")
    assert (digest.label, digest.date, digest.problems) == ("Mar 14", "2025-03-14", [])
    sparse, attention, ddpm = digest.entries
    assert sparse.title == SPARSE  # the title's line break is gone
    assert sparse.abstract.startswith(
        "Gaussian primitives are pruned while a captured scene is optimised, guided"
    )
    assert "\n" not in sparse.abstract
    assert (sparse.arxiv_id, sparse.authors, sparse.upvotes, sparse.published) == (
        "2503.01111",
        3,
        42,
        "2025-03-12",
    )
    assert sparse.author_names == ["Mira Okafor", "Tomas Lindqvist", "Priya Raman"]
    assert sparse.links == [
        "https://github.com/example-lab/sparse-gs",
        "https://example-lab.github.io/sparse-gs",
    ]
    assert (attention.title, attention.arxiv_id, attention.authors) == (
        "Attention Is All You Need",
        "1706.03762",
        8,
    )
    assert attention.author_names[6] == "Łukasz Kaiser"
    assert attention.links == []  # projectPage is null
    assert (ddpm.published, ddpm.upvotes, ddpm.state) == ("2020-06-19", 77, None)


def test_daily_papers_keep_the_hubs_fields() -> None:
    [digest] = parse_input(DAILY.read_bytes(), str(DAILY), "daily_papers")
    sparse, attention, _ = digest.entries
    assert (sparse.comments, sparse.github_repo, sparse.github_stars, sparse.project_page) == (
        3,
        "https://github.com/example-lab/sparse-gs",
        311,
        "https://example-lab.github.io/sparse-gs",
    )
    assert (sparse.ai_summary, sparse.ai_keywords) == (
        "A one-sentence overview written by the site.",
        ["example", "keywords"],
    )
    assert sparse.hub_at is None  # a file: its age is not known
    assert (attention.comments, attention.github_repo, attention.github_stars, attention.project_page) == (
        17,
        None,
        None,
        None,
    )
    [odd] = parse(
        [
            daily(
                "Odd",
                numComments=None,
                githubStars=-1,
                ai_keywords="not a list",
                ai_summary="Two\nlines \x1b[1mbold",
                githubRepo="ftp://x.example/repo",
            )
        ]
    )[0].entries
    assert (odd.github_stars, odd.ai_keywords, odd.github_repo) == (None, [], None)
    assert odd.ai_summary == "Two lines bold"


def test_daily_papers_are_grouped_by_the_day_they_were_featured() -> None:
    digests = parse([daily("One"), daily("Two", "2025-03-13T23:00:00Z"), daily("Three", None), daily("Four")])
    assert [(d.label, d.date, [e.title for e in d.entries]) for d in digests] == [
        ("Mar 14", "2025-03-14", ["One", "Four"]),
        ("Mar 13", "2025-03-13", ["Two"]),
        ("in", None, ["Three"]),  # no date: the file's name
    ]
    top_level = parse([{"submittedOnDailyAt": "2024-12-01", "paper": {"title": "X", "summary": "s"}}])
    assert (top_level[0].label, top_level[0].date) == ("Dec 1", "2024-12-01")


def test_bad_entries_are_problems_and_the_good_ones_load() -> None:
    digests = parse(
        [
            daily("Good"),
            "just a string",
            {"paper": {"id": "2503.00002", "summary": "no title here"}},
            daily("Odd values", upvotes="1.2k", id="not-an-id", authors="Ada", publishedAt="yesterday"),
            daily("x" * 401),
            daily("No abstract", summary=""),
            daily("Versioned", id="arXiv:2503.00003v2", upvotes=0),
        ]
    )
    assert [e.title for d in digests for e in d.entries] == ["Good", "Odd values", "No abstract", "Versioned"]
    assert problems(digests) == [
        "in.json: entry 2: not an object; skipped",
        "in.json: entry 3: no title; skipped",
        "in.json: entry 4: 'authors' is not valid; left out",
        "in.json: entry 4: 'publishedAt' is not valid; left out",
        "in.json: entry 4: 'upvotes' is not valid; left out",
        "in.json: entry 4: 'id' is not valid; left out",
        "in.json: entry 5: a title of 401 characters; skipped",
        "in.json: entry 6: paper 'No abstract' has no abstract",
    ]
    odd, versioned = digests[0].entries[1], digests[0].entries[3]
    assert (odd.upvotes, odd.arxiv_id, odd.authors, odd.published) == (None, None, None, None)
    assert (versioned.arxiv_id, versioned.upvotes) == ("2503.00003", 0)


def test_untrusted_text_is_cleaned() -> None:
    [digest] = parse(
        [
            daily(
                "Evil\x1b[31m title\u202e",
                authors=[{"name": "Ada\x07 Lovelace"}, {"x": 1}],
                githubRepo="javascript:alert(1)",
                projectPage="https://ok.example/p",
            )
        ]
    )
    [entry] = digest.entries
    assert entry.title == "Evil title"
    assert entry.author_names == ["Ada Lovelace"]
    assert entry.authors == 2
    assert entry.links == ["https://ok.example/p"]


def test_spoofed_links_are_not_stored() -> None:
    [digest] = parse(
        [
            daily(
                "Spoof",
                githubRepo="https://github.com/evil/\u202eexe.txt",
                projectPage="https://exa\u200bmple.com",
            )
        ]
    )
    [entry] = digest.entries
    assert not any(ch in url for url in entry.links for ch in "\u202e\u200b")
    assert entry.links == ["https://github.com/evil/exe.txt", "https://example.com"]
    export = {
        "format": "readlist-export",
        "version": 1,
        "papers": [
            {
                "title": "Spoof",
                "links": ["https://github.com/evil/\u202eexe.txt", "https://exa\u200bmple.com"],
            }
        ],
    }
    links = [url for d in parse(export) for e in d.entries for url in e.links]
    assert links == ["https://github.com/evil/exe.txt", "https://example.com"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'[{"paper": {"title": "x"', "in.json: not valid JSON (line 1): "),
        (b'{\n  "format": "readlist-export",\n  "papers": [,]\n}', "in.json: not valid JSON (line 3): "),
        (b'\xef\xbb\xbf  [\n{"a": 1} {"b": 2}]', "in.json: not valid JSON (line 2): "),
        (b'{"format": "readlist-export", "version": 2, "papers": []}', "in.json: made by a newer readlist"),
        (b'{"format": "readlist-export", "papers": []}', "in.json: a readlist export of an unknown version"),
        (b'{"format": "readlist-export", "version": 1, "papers": {}}', "in.json: a readlist export without"),
        (b'{"something": "else"}', "in.json: JSON, but neither a readlist export nor a Daily Papers list"),
    ],
)
def test_broken_json_is_one_line(data: bytes, message: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_input(data, "in.json", "in")
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_a_text_digest_that_opens_with_a_bracket_is_still_text() -> None:
    text = (
        "[CLS] Tokens Are All You Need\n\nWe study the classification token and find that it carries most of "
        "what a sentence means, so a pooled representation is rarely needed in practice.\n\n"
        "{Braces} in Titles\n\nWe show that titles with braces are still titles and must be read as text "
        "rather than as some structured data format of any kind.\n"
    )
    for source in ("saved.txt", "<stdin>"):
        [digest] = parse_input(text.encode(), source, "saved")
        assert [e.title for e in digest.entries] == ["[CLS] Tokens Are All You Need", "{Braces} in Titles"]
    with pytest.raises(InputError, match="not valid JSON"):  # named .json: meant as JSON
        parse_input(text.encode(), "saved.json", "saved")


def test_empty_list_has_no_papers() -> None:
    digests = parse([])
    assert problems(digests) == ["in.json: no papers found in this file"]


# -- into the library ------------------------------------------------------------------------------


@pytest.mark.parametrize("order", [(BASIC, DAILY), (DAILY, BASIC)])
def test_a_paper_in_a_text_digest_and_the_json_is_one_entry(
    isolated_data: Path, order: tuple[Path, Path]
) -> None:
    library = Library.open(isolated_data)
    report = import_files(library, [str(p) for p in order])
    assert report.ok, report.problems
    assert len(library.papers) == 5
    assert list(library.digests) == ["Mar 14"]  # the JSON's day is the text digest's day
    sparse = library.find("2503.01111")
    assert sparse is not None and sparse.title == SPARSE
    assert sparse.url == "https://huggingface.co/papers/2503.01111"
    assert (sparse.authors, sparse.upvotes, sparse.published) == (3, 42, "2025-03-12")
    assert sparse.author_names == ["Mira Okafor", "Tomas Lindqvist", "Priya Raman"]
    assert sparse.abstract.startswith("We render captured scenes")  # the longer abstract wins
    assert sparse.links == [
        "https://github.com/example-lab/sparse-gs",
        "https://example-lab.github.io/sparse-gs",
    ]
    library.close()

    # ... and it all survives a restart, from the snapshot and from library.json alone.
    for drop_cache in (False, True):
        if drop_cache:
            shutil.rmtree(isolated_data / CACHE_DIR)
        reopened = Library.open(isolated_data)
        again = reopened.find("2503.01111")
        assert again is not None and again.to_record() == sparse.to_record()
        reopened.close()


def test_merge_keeps_the_richer_author_list() -> None:
    paper = Paper("a", "T", authors=2, author_names=["A", "B"])
    assert not merge_into(paper, Paper("a", "T", author_names=["A"]))
    assert merge_into(paper, Paper("a", "T", author_names=["A", "B", "C"]))
    assert paper.author_names == ["A", "B", "C"]


def test_malformed_json_changes_nothing(isolated_data: Path, tmp_path: Path) -> None:
    library = Library.open(isolated_data)
    import_files(library, [str(BASIC)])
    library.state.update(library.papers[0].id, note="keep me", starred=True)
    library.close()
    before = {name: (isolated_data / name).read_bytes() for name in (LIBRARY_FILE, STATE_FILE)}

    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "readlist-export", "version": 1, "papers": [\n  {"title": "x", "state": ')
    library = Library.open(isolated_data)
    report = import_files(library, [str(broken)])
    library.close()
    assert report.problems == [f"{broken}: not valid JSON (line 2): unexpected end of data"]
    assert report.files == []
    assert {name: (isolated_data / name).read_bytes() for name in before} == before


# -- readlist's own export -------------------------------------------------------------------------


def comparable(paper: Paper) -> dict[str, Any]:
    """What an export must carry over; seq, pos and rev are bookkeeping of one library."""
    return {k: v for k, v in paper.to_record().items() if k not in ("seq", "pos", "rev")}


def test_export_then_import_restores_papers_and_state(isolated_data: Path, tmp_path: Path) -> None:
    source = Library.open(isolated_data)
    names = ["week1.txt", "week2.txt", "metadata.txt", "basic.txt"]
    assert import_files(source, [str(FIXTURES / n) for n in names] + [str(DAILY)]).ok
    first, second, third = source.in_order[:3]
    source.state.update(first.id, read=True, note="line one\nline two", tags=["rl", "to-read"])
    source.state.update(second.id, starred=True)
    source.state.update(third.id, tags=["later"])
    pairs = [(p, source.state_of(p.id)) for p in source.in_order]
    dates = {info.label: digest_day(info) for info in sorted(source.digests.values(), key=lambda i: i.seq)}
    exported = tmp_path / "export.json"
    exported.write_text(to_json(pairs, dates))

    target = Library.open(tmp_path / "other")
    report = import_files(target, [str(exported)])
    assert report.ok, report.problems
    assert report.new == len(source.papers)
    assert [comparable(p) for p in target.in_order] == [comparable(p) for p in source.in_order]
    assert {label: digest_day(info) for label, info in target.digests.items()} == dates
    assert {pid: (s.read, s.starred, s.note, s.tags) for pid, s in target.state.all().items()} == {
        first.id: (True, False, "line one\nline two", ("rl", "to-read")),
        second.id: (False, True, "", ()),
        third.id: (False, False, "", ("later",)),
    }
    assert sum(f.restored for f in report.files) == 3

    again = import_files(target, [str(exported)])  # a second import changes nothing
    assert (again.new, again.updated, sum(f.restored for f in again.files)) == (0, 0, 0)
    source.close()
    target.close()


def test_a_paper_in_two_digests_comes_back_in_both(isolated_data: Path) -> None:
    doc = export_doc(
        export_paper("Shared", digests=["Feb 10", "Feb 3"], arxiv_id="2402.00001", aliases=["Shared (v2)"]),
        export_paper("Only later", digests=["Feb 10"], links=["https://ex.org/code", "javascript:bad"]),
        digests=[{"label": "Feb 3", "date": "2025-02-03"}, {"label": "Feb 10", "date": "2025-02-10"}],
    )
    library = Library.open(isolated_data)
    report = library.import_digests(parse(doc))
    assert report.ok, report.problems
    # One line for the file, counting its papers, not a digest's entries.
    assert [(f.label, f.entries, f.unit, f.new) for f in report.files] == [("readlist export", 2, "paper", 2)]
    assert {label: (info.date, info.seq, info.count) for label, info in library.digests.items()} == {
        "Feb 3": ("2025-02-03", 1, 1),
        "Feb 10": ("2025-02-10", 2, 2),
    }
    shared = library.find("2402.00001")
    assert shared is not None
    assert (shared.digests, shared.aliases) == (["Feb 10", "Feb 3"], ["Shared (v2)"])
    later = library.by_id[paper_id("Only later")]
    assert later.links == ["https://ex.org/code"]
    # A later digest that names the paper by its alias finds the same paper.
    library.import_digests(parse([daily("Shared (v2)", id="2402.99999")]))
    assert len(library.papers) == 2
    library.close()


def test_an_export_keeps_each_papers_place_in_every_digest(isolated_data: Path, tmp_path: Path) -> None:
    source = Library.open(isolated_data)
    source.import_digests([parse_text(JUL28, "jul28.txt"), parse_text(JUL29, "jul29.txt")])
    by_title = sorted(source.papers, key=lambda p: p.title)  # the file's order is not the pages'
    exported = to_json([(p, source.state_of(p.id)) for p in by_title], source.digest_dates())
    source.close()
    target = Library.open(tmp_path / "other")
    report = target.import_digests(parse(json.loads(exported), "all.json"))
    assert [(f.source, f.label, f.entries, f.unit) for f in report.files] == [
        ("all.json", "readlist export", 5, "paper")
    ]
    assert target.by_id[paper_id(SHARED)].positions == {"Jul 28": 2, "Jul 29": 1}
    selection = select_papers(target, "", index=None, columns=Columns(target), digest="Jul 29")
    assert [target.papers[i].title for i in selection.indices] == JUL29_PAGE
    target.close()


def test_importing_state_never_loses_anything(isolated_data: Path) -> None:
    library = Library.open(isolated_data)
    library.import_digests(parse(export_doc(export_paper("Mine"), export_paper("Other"))))
    mine, other = paper_id("Mine"), paper_id("Other")
    library.state.update(mine, starred=True, note="my thoughts", tags=["a"])
    library.state.update(other, read=True, note="same")

    incoming = export_doc(
        export_paper(
            "Mine", state={"read": True, "starred": False, "note": "their thoughts", "tags": ["b", "a"]}
        ),
        export_paper("Other", state={"read": False, "starred": False, "note": "same", "tags": []}),
        export_paper(
            "New one", state={"read": False, "starred": True, "note": "\x1b[31mred\x1b[0m", "tags": ["#X"]}
        ),
    )
    report = library.import_digests(parse(incoming))
    assert report.ok, report.problems
    got = library.state_of(mine)
    assert (got.read, got.starred, got.note, got.tags) == (
        True,
        True,
        "my thoughts\n\ntheir thoughts",
        ("a", "b"),
    )
    got = library.state_of(other)
    assert (got.read, got.starred, got.note, got.tags) == (True, False, "same", ())
    got = library.state_of(paper_id("New one"))
    assert (got.starred, got.note, got.tags) == (True, "red", ("x",))  # cleaned like typed state
    assert report.files[0].restored == 2  # "Other" gained nothing

    library.import_digests(parse(incoming))  # the same file again: no note is doubled
    assert library.state_of(mine).note == "my thoughts\n\ntheir thoughts"
    library.close()

    reopened = Library.open(isolated_data)  # and it was saved
    assert reopened.state_of(mine).tags == ("a", "b")
    reopened.close()


def test_bad_values_in_an_export_are_problems() -> None:
    digests = parse(
        export_doc(
            export_paper("Fine"),
            export_paper("Bad state", state={"read": "yes"}),
            export_paper("Bad digests", digests="Mar 14", upvotes=-3, published="2025-13-01"),
            {"title": None},
            digests=[{"label": ""}, {"label": "Mar 14", "date": "soon"}],
        )
    )
    assert problems(digests) == [
        "in.json: digest 1: no label; skipped",
        "in.json: digest 2: 'date' is not valid; left out",
        "in.json: entry 2: 'state' is not valid; left out",
        "in.json: entry 3: 'published' is not valid; left out",
        "in.json: entry 3: 'upvotes' is not valid; left out",
        "in.json: entry 3: 'digests' is not valid; left out",
        "in.json: entry 4: no title; skipped",
    ]
    # The listed digest, then every paper in one digest that names the file.
    assert [(d.label, d.summary, [(e.title, e.digests) for e in d.entries]) for d in digests] == [
        ("Mar 14", None, []),
        ("in", "readlist export", [("Fine", ["Mar 14"]), ("Bad state", ["Mar 14"]), ("Bad digests", [])]),
    ]
    assert digests[1].entries[1].state is None  # a bad state is left out whole
