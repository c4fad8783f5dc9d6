"""Exports: Markdown notes, BibTeX a real parser accepts, CSV that round-trips, the JSON document."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from pybtex.database import parse_string

from readlist.core.export import (
    CSV_COLUMNS,
    cite_key,
    paper_bibtex,
    paper_json,
    paper_markdown,
    render,
    to_bibtex,
    to_csv,
    to_json,
    to_markdown,
)
from readlist.core.model import Paper, PaperState, paper_id

NASTY_TITLES = [
    "[CLS] tokens [/] and [bold]x[/bold]",
    "# Not a heading: C# and F# ##",
    "S$^{2}$FT: Efficient Fine-Tuning with \\$184M of {unbalanced braces",
    "Closing } only } and 100% of _under_scores_ & #hashes ~tilde^caret",
    "*emphasis* `code` <b>html</b> | pipes | !not an image",
    '=HYPERLINK("http://evil.example","click")',
    "-1 + 2 @ home",
    "\\textbf{raw LaTeX} \\\\ and a lone backslash \\",
    "Über-Modelle für Ärzte: 日本語のタイトル 🙂",
]


def make(title: str, **fields: object) -> Paper:
    return Paper(id=paper_id(title), title=title, **fields)  # type: ignore[arg-type]


def rich_pair() -> tuple[Paper, PaperState]:
    paper = make(
        "Sparse Gaussian Splatting for Real-Time Scene Capture",
        abstract="We prune primitives (S$^{2}$FT, \\$184M, 100% {faster}); code: https://github.com/ex/sgs.",
        authors=3,
        published="2024-12-09",
        upvotes=42,
        arxiv_id="2412.01234",
        digests=["Mar 14", "Mar 15"],
        author_names=["Mira Okafor", "Research and Development Team", "Łukasz Kaiser"],
        extra_links=["https://ex.github.io/sgs"],
        comments=3,
        github_repo="https://github.com/ex/sgs",
        github_stars=311,
        project_page="https://ex.github.io/sgs",
        ai_summary="Prunes *most* primitives <fast>.",
        ai_keywords=["pruning", "3DGS"],
        hub_at=1741910400.0,
    )
    state = PaperState(
        read=True,
        starred=True,
        note="Compare with 3DGS.\n\n# not a heading\n- a list",
        tags=("rl", "to-read"),
    )
    return paper, state


# -- Markdown --------------------------------------------------------------------------------------


def _markdown_headings(text: str) -> list[tuple[str, str]]:
    tokens = MarkdownIt().parse(text)
    return [
        (tok.tag, "".join(c.content for c in tokens[i + 1].children or []))
        for i, tok in enumerate(tokens)
        if tok.type == "heading_open"
    ]


def test_markdown_gives_one_heading_per_paper_with_the_title_literal() -> None:
    pairs = [(make(title), PaperState()) for title in NASTY_TITLES]
    text = to_markdown(pairs)
    assert _markdown_headings(text) == [("h1", "Reading notes"), *(("h2", title) for title in NASTY_TITLES)]
    assert text.startswith(f"# Reading notes\n\n{len(NASTY_TITLES)} papers\n")


def test_paper_markdown_has_link_marks_tags_dates_and_the_note_as_is() -> None:
    paper, state = rich_pair()
    text = paper_markdown(paper, state)
    assert text.splitlines()[:14] == [
        "## Sparse Gaussian Splatting for Real-Time Scene Capture",
        "",
        "- **Link:** <https://huggingface.co/papers/2412.01234>",
        "- **Status:** read · ★ starred",
        "- **Tags:** rl, to-read",
        "- **Published:** Dec 9, 2024",
        "- **Digests:** Mar 14, Mar 15",
        "- **Authors:** Mira Okafor, Research and Development Team, Łukasz Kaiser",
        "- **Upvotes:** 42",
        "- **Comments:** 3",
        "- **Code:** <https://github.com/ex/sgs> (★ 311)",
        "- **Project page:** <https://ex.github.io/sgs>",
        "- **Hub's AI summary:** Prunes \\*most\\* primitives \\<fast\\>.",
        "",
    ]
    # The note, quoted line by line: its own heading stays inside the quote, not a new section.
    assert text.splitlines()[14:] == ["> Compare with 3DGS.", ">", "> # not a heading", "> - a list"]
    tokens = MarkdownIt().parse(text)
    quoted = [t.tag for t in tokens if t.type == "heading_open" and t.level > 0]
    assert quoted == ["h1"]  # nested in the blockquote (level > 0), the paper heading is level 0


def test_markdown_without_state_or_metadata() -> None:
    text = paper_markdown(make("Plain", authors=5), PaperState())
    assert "- **Status:** unread" in text
    assert "- **Authors:** 5" in text
    assert "Tags" not in text
    assert not any(line.startswith(">") for line in text.splitlines())  # no note, no quote


# -- BibTeX ----------------------------------------------------------------------------------------

_UNLATEX = re.compile(
    r"\\(textbackslash|textbraceleft|textbraceright|textasciitilde|textasciicircum)\{\}|\\([%&#$_])"
)
_COMMANDS = {
    "textbackslash": "\\",
    "textbraceleft": "{",
    "textbraceright": "}",
    "textasciitilde": "~",
    "textasciicircum": "^",
}


def unlatex(value: str) -> str:
    return _UNLATEX.sub(lambda m: _COMMANDS[m[1]] if m[1] else m[2], value)


def parsed(text: str) -> dict[str, dict[str, str]]:
    data = parse_string(text, "bibtex")  # strict: any error raises
    return {
        key: {name: str(value) for name, value in entry.fields.items()} for key, entry in data.entries.items()
    }


def test_bibtex_of_nasty_titles_parses_back_exactly() -> None:
    pairs = [
        (make(title, abstract=title, published="2024-05-01"), PaperState(note=title))
        for title in NASTY_TITLES
    ]
    text = to_bibtex(pairs)
    entries = parsed(text)
    assert len(entries) == len(NASTY_TITLES)
    for (paper, _), (key, fields) in zip(pairs, entries.items(), strict=True):
        assert key == cite_key(paper)
        assert fields["title"].startswith("{") and fields["title"].endswith("}")
        assert unlatex(fields["title"][1:-1]) == paper.title
        assert unlatex(fields["abstract"]) == paper.abstract
        assert unlatex(fields["note"]) == paper.title
        assert fields["url"] == paper.url
        assert fields["year"] == "2024"


def test_bibtex_entry_fields() -> None:
    paper, state = rich_pair()
    text = paper_bibtex(paper, state)
    assert text.startswith(f"@misc{{sparse2024-{paper.id[:6]},\n")
    entry = parse_string(text, "bibtex").entries[f"sparse2024-{paper.id[:6]}"]
    assert entry.fields["eprint"] == "2412.01234"
    assert entry.fields["archivePrefix"] == "arXiv"
    assert entry.fields["url"] == "https://huggingface.co/papers/2412.01234"
    assert entry.fields["keywords"] == "rl, to-read"
    assert unlatex(entry.fields["abstract"]) == paper.abstract
    assert unlatex(entry.fields["note"]) == "Compare with 3DGS. # not a heading - a list"  # one line
    # An organisation named "... and ..." stays one author; the others are split normally.
    assert [str(p) for p in entry.persons["author"]] == [
        "Okafor, Mira",
        "{Research and Development Team}",
        "Kaiser, Łukasz",
    ]


def test_bibtex_without_arxiv_id_or_year() -> None:
    paper = make("A Benchmark of Everyday Spreadsheet Questions", published="--10-08")
    fields = parsed(paper_bibtex(paper, PaperState()))[f"benchmark-{paper.id[:6]}"]
    assert set(fields) == {"title", "url"}
    assert fields["url"] == paper.url  # the arXiv title search, % and & kept as they are


def test_cite_keys_are_stable_and_unique() -> None:
    first = Paper("abcdef0001", "On the Attention of Models", published="2023-01-02")
    clash = Paper("abcdef0002", "On the attention span", published="2023-07-01")
    assert cite_key(first) == "attention2023-abcdef"
    keys = list(parsed(to_bibtex([(first, PaperState()), (clash, PaperState())])))
    assert keys == ["attention2023-abcdef", "attention2023-abcdef0002"]
    # A paper's key does not depend on what else is exported with it.
    assert list(parsed(to_bibtex([(first, PaperState())]))) == ["attention2023-abcdef"]
    assert cite_key(make("日本語のタイトル")).startswith("paper-")
    assert cite_key(make("2024 in Review")).startswith("review-")


_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=60)


@settings(max_examples=150, deadline=None)
@given(
    titles=st.lists(_TEXT.filter(lambda t: t.split()), min_size=1, max_size=4),
    abstract=_TEXT,
    note=st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r"), max_size=60),
    names=st.lists(_TEXT.filter(lambda t: t.strip()), max_size=3),
    tags=st.lists(st.from_regex(r"[a-z0-9_#%&{}$\\-]{1,8}", fullmatch=True), max_size=3),
)
def test_bibtex_always_parses_back(
    titles: list[str], abstract: str, note: str, names: list[str], tags: list[str]
) -> None:
    pairs = [
        (
            make(title, abstract=abstract, author_names=names, published="2021-03-04", arxiv_id="2103.00001"),
            PaperState(note=note, tags=tuple(tags)),
        )
        for title in titles
    ]
    entries = parsed(to_bibtex(pairs))
    assert len(entries) == len(pairs)
    for (paper, _), fields in zip(pairs, entries.values(), strict=True):
        assert unlatex(fields["title"][1:-1]) == " ".join(paper.title.split())
        assert fields["url"] == paper.url
        if abstract.strip():
            assert unlatex(fields["abstract"]) == " ".join(abstract.split())


# -- CSV -------------------------------------------------------------------------------------------


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def unguard(cell: str) -> str:
    return cell[1:] if cell[:1] == "'" and cell[1:2] in ("=", "+", "-", "@", "\t", "\r") else cell


def test_csv_header_and_values() -> None:
    paper, state = rich_pair()
    text = to_csv([(paper, state), (make("Bare"), PaperState())])
    assert text.splitlines()[0] == ",".join(CSV_COLUMNS)
    rich, bare = read_csv(text)
    assert rich == {
        "id": paper.id,
        "title": paper.title,
        "url": "https://huggingface.co/papers/2412.01234",
        "arxiv_id": "2412.01234",
        "published": "2024-12-09",
        "authors": "3",
        "author_names": "Mira Okafor; Research and Development Team; Łukasz Kaiser",
        "upvotes": "42",
        "comments": "3",
        "github_repo": "https://github.com/ex/sgs",
        "github_stars": "311",
        "project_page": "https://ex.github.io/sgs",
        "digests": "Mar 14; Mar 15",
        "tags": "rl; to-read",
        "read": "true",
        "starred": "true",
        "note": state.note,  # newlines intact
        "ai_summary": "Prunes *most* primitives <fast>.",
        "ai_keywords": "pruning; 3DGS",
        "abstract": paper.abstract,
    }
    assert (bare["authors"], bare["published"], bare["read"], bare["note"]) == ("", "", "false", "")


def test_csv_guards_against_formula_injection() -> None:
    pairs = [
        (make(t, published="--03-14"), PaperState(note="@SUM(A1:A9)\nsecond line")) for t in NASTY_TITLES
    ]
    rows = read_csv(to_csv(pairs))
    for row in rows:
        for cell in row.values():
            assert cell[:1] not in ("=", "+", "-", "@"), cell
    assert rows[5]["title"] == '\'=HYPERLINK("http://evil.example","click")'
    assert rows[6]["title"] == "'-1 + 2 @ home"
    assert rows[0]["published"] == "'--03-14"  # a spreadsheet would compute --03-14 = -11
    assert rows[0]["note"] == "'@SUM(A1:A9)\nsecond line"


@settings(max_examples=150, deadline=None)
@given(
    title=_TEXT.filter(lambda t: t.strip()),
    note=st.text(max_size=80),
    tags=st.lists(st.text(max_size=5), max_size=3),
)
def test_csv_round_trips(title: str, note: str, tags: list[str]) -> None:
    paper = make(title, abstract=note)
    [row] = read_csv(to_csv([(paper, PaperState(note=note))]))
    assert unguard(row["title"]) == title
    assert unguard(row["note"]) == note
    assert unguard(row["abstract"]) == note


# -- JSON ------------------------------------------------------------------------------------------


def test_json_document() -> None:
    paper, state = rich_pair()
    doc = json.loads(to_json([(paper, state)], {"Feb 1": "2025-02-01", "Mar 14": "2025-03-14"}))
    assert (doc["format"], doc["version"]) == ("readlist-export", 1)
    # Only the digests of exported papers, in the given order; one without a known date still listed.
    assert doc["digests"] == [{"label": "Mar 14", "date": "2025-03-14"}, {"label": "Mar 15", "date": None}]
    [record] = doc["papers"]
    assert record["state"] == {"read": True, "starred": True, "note": state.note, "tags": ["rl", "to-read"]}
    assert record["links"] == ["https://github.com/ex/sgs", "https://ex.github.io/sgs"]
    assert record["author_names"] == list(paper.author_names)
    assert record["positions"] == {"Mar 14": 0}  # its place in Mar 15 is not known
    assert record["hub_at"] == 1741910400.0  # when the Hub gave its counts: a later import compares
    assert {k: v for k, v in record.items() if k not in ("state", "aliases", "positions", "hub_at")} == {
        k: v for k, v in paper_json(paper, state).items() if k not in ("read", "starred", "note", "tags")
    }


def test_paper_json_has_author_names() -> None:
    paper, state = rich_pair()
    assert paper_json(paper, state)["author_names"] == [
        "Mira Okafor",
        "Research and Development Team",
        "Łukasz Kaiser",
    ]
    assert paper_json(make("Bare"), PaperState())["author_names"] == []


@pytest.mark.parametrize("fmt", ["markdown", "bibtex", "ris", "csv", "json"])
def test_render_of_nothing(fmt: str) -> None:
    text = render(fmt, [])
    assert (
        text
        == {
            "markdown": "# Reading notes\n\n0 papers\n",
            "bibtex": "",
            "ris": "",
            "csv": ",".join(CSV_COLUMNS) + "\r\n",
            "json": to_json([]),
        }[fmt]
    )


def test_bibtex_keeps_math_as_latex_and_escapes_the_rest() -> None:
    paper = make(
        "MedS$^3$: Small Models for \\$5 and 100% {less} on $\\mathcal{O}(n^{2})$", published="2025-01-02"
    )
    entry = parse_string(paper_bibtex(paper, PaperState()), "bibtex").entries[cite_key(paper)]
    title = str(entry.fields["title"])
    assert "MedS$^3$" in title and "$\\mathcal{O}(n^{2})$" in title  # math stays math
    assert "\\textbackslash{}\\$5" in title and "100\\%" in title and "\\textbraceleft{}less" in title
    broken = make("A $ half open {brace", published="2025-01-02")  # no whole math: all of it escaped
    assert "\\$ half open \\textbraceleft{}brace" in paper_bibtex(broken, PaperState())
    # Math LaTeX would not read as written (a bare % starts a comment) is escaped as text.
    bare = paper_bibtex(
        make("Saving $50%$ of $a#b$ and $x&y$, or $50\\%$", published="2025-01-02"), PaperState()
    )
    assert "\\$50\\%\\$ of \\$a\\#b\\$ and \\$x\\&y\\$, or $50\\%$" in bare


def test_csv_gives_a_date_without_its_year_the_year_of_its_digest() -> None:
    paper = make("Yearless", published="--10-10")
    paper.digests = ["Oct 12"]
    rows = list(csv.DictReader(io.StringIO(render("csv", [(paper, PaperState())], {"Oct 12": "2024-10-12"}))))
    assert rows[0]["published"] == "2024-10-10"
