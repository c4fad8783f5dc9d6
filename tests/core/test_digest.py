"""Parsing saved Daily Papers pages (fixtures under tests/fixtures, written for these tests)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from readlist.core.digest import (
    Digest,
    Entry,
    InputError,
    Problem,
    parse_bytes,
    parse_date,
    parse_text,
    read_digest,
)
from readlist.core.model import display_date
from readlist.core.text import clean_line, fold, strip_controls, title_key
from tests.conftest import FIXTURES, SAMPLE

BASIC_TITLES = [
    "Sparse Gaussian Splatting for Real-Time Scene Capture",
    "Post-Training Quantization of Language Models Without Calibration Data",
    "Curriculum Schedules for Small Vision Transformers",
]
BASIC_FIRST_ABSTRACT = (
    "We render captured scenes at interactive rates by pruning the set of Gaussian primitives while the "
    "scene is being optimised. A learned importance score decides which primitives survive, and a short "
    "fine-tuning stage repairs the small loss in fidelity. On three public benchmarks the pruned scenes "
    "keep ninety percent fewer primitives and match the image quality of the dense baseline. Code is at "
    "https://github.com/example-lab/sparse-gs."
)


def meta(entry: Entry) -> tuple[int | None, str | None, int | None, str | None]:
    return (entry.authors, entry.published, entry.upvotes, entry.arxiv_id)


def summary(digest: Digest) -> list[tuple[str, int, str, tuple]]:
    """Everything an entry carries, for comparing two parses of the same digest."""
    return [(e.title, e.line, e.abstract, meta(e)) for e in digest.entries]


# -- the seed layout ------------------------------------------------------------------


def test_basic_layout_skips_chrome_and_reads_date() -> None:
    digest = read_digest(FIXTURES / "basic.txt")
    assert digest.label == "Mar 14"
    assert digest.date == "--03-14"
    assert [e.title for e in digest.entries] == BASIC_TITLES
    assert digest.entries[0].abstract == BASIC_FIRST_ABSTRACT
    assert [e.line for e in digest.entries] == [11, 15, 19]
    assert digest.problems == []
    assert all(meta(e) == (None, None, None, None) for e in digest.entries)


def test_source_is_the_path_and_label_falls_back_to_stem(tmp_path: Path) -> None:
    """Without a date line the digest is named after its file."""
    text = (FIXTURES / "basic.txt").read_text(encoding="utf-8").replace("\nMar 14\n", "\n")
    path = tmp_path / "my-saved-page.txt"
    path.write_text(text, encoding="utf-8")
    digest = read_digest(path)
    assert digest.source == str(path)
    assert digest.label == "my-saved-page"
    assert digest.date is None
    assert [e.title for e in digest.entries] == BASIC_TITLES


def test_metadata_lines_are_attached_to_their_entry() -> None:
    digest = read_digest(FIXTURES / "metadata.txt")
    assert digest.label == "Oct 2"
    assert digest.problems == []
    got = [(e.title, meta(e)) for e in digest.entries]
    assert got == [
        ("Token Merging for Faster Speech Recognition", (6, "2024-12-09", None, "2401.01234")),
        ("A Benchmark of Everyday Spreadsheet Questions", (None, None, None, None)),
        ("Reward Models That Explain Their Preferences", (3, "--10-08", None, None)),
        ("Mixture of Depths for Protein Language Models", (11, "2024-08-21", 2, "2402.05678")),
        ("Sketch-Guided Floor Plan Generation", (None, None, None, None)),
        ("Stable Training of Very Deep Graph Networks", (4, "2025-01-05", 15, None)),
    ]


def test_metadata_lines_never_leak_into_abstracts() -> None:
    digest = read_digest(FIXTURES / "metadata.txt")
    first = digest.entries[0]
    assert first.abstract.endswith("encoding becomes almost twice as fast.")
    for entry in digest.entries:
        for marker in ("arxiv", "authors", "·", "2024", "Oct 8"):
            assert marker.casefold() not in entry.abstract.casefold(), (entry.title, marker)


@pytest.mark.parametrize(
    ("line", "iso", "label", "count"),
    [
        ("Mar 14", "--03-14", "Mar 14", None),
        ("Dec 9, 2024", "2024-12-09", "Dec 9, 2024", None),
        ("Oct 8", "--10-08", "Oct 8", None),
        ("Aug 21, 2024 2", "2024-08-21", "Aug 21, 2024", 2),
        ("Feb 29", "--02-29", "Feb 29", None),
        ("September 3, 2023", "2023-09-03", "Sep 3, 2023", None),
    ],
)
def test_parse_date(line: str, iso: str, label: str, count: int | None) -> None:
    date = parse_date(line)
    assert date is not None
    assert (date.iso, date.label, date.count, date.has_year) == (iso, label, count, not iso.startswith("--"))


@pytest.mark.parametrize("line", ["Feb 30", "Foo 3", "Mar", "14 Mar", "Mar 2024", ""])
def test_parse_date_rejects(line: str) -> None:
    assert parse_date(line) is None


@pytest.mark.parametrize(
    ("iso", "shown"), [("2024-12-09", "Dec 9, 2024"), ("--10-08", "Oct 8"), (None, ""), ("", "")]
)
def test_display_date(iso: str | None, shown: str) -> None:
    assert display_date(iso) == shown


# -- the same digest saved on other machines -------------------------------------------


def _variants(raw: bytes) -> dict[str, bytes]:
    text = raw.decode("utf-8")
    lines = text.split("\n")
    return {
        "crlf": text.replace("\n", "\r\n").encode("utf-8"),
        "bom": b"\xef\xbb\xbf" + raw,
        "bom+crlf": b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"),
        "trailing-whitespace": "\n".join(line + "  \t " for line in lines).encode("utf-8"),
        "trailing-blank-lines": (text + "\n \n\t\n\n").encode("utf-8"),
        "no-final-newline": text.rstrip("\n").encode("utf-8"),
        "old-mac-cr": text.replace("\n", "\r").encode("utf-8"),
    }


@pytest.mark.parametrize("variant", list(_variants(b"x\n")))
@pytest.mark.parametrize("name", ["basic.txt", "metadata.txt", "missing_abstract.txt"])
def test_line_end_and_whitespace_variants_parse_the_same(name: str, variant: str) -> None:
    raw = (FIXTURES / name).read_bytes()
    expected = parse_bytes(raw, "d.txt", "d")
    got = parse_bytes(_variants(raw)[variant], "d.txt", "d")
    assert summary(got) == summary(expected)
    assert (got.label, got.date) == (expected.label, expected.date)
    assert [str(p) for p in got.problems] == [str(p) for p in expected.problems]


def test_non_breaking_spaces_become_plain_spaces() -> None:
    raw = (FIXTURES / "basic.txt").read_text(encoding="utf-8")
    nbsp = raw.replace("Sparse Gaussian Splatting", "Sparse\u00a0Gaussian\u202fSplatting").replace(
        "Mar 14", "Mar\u00a014"
    )
    digest = parse_text(nbsp, "nbsp.txt")
    assert digest.label == "Mar 14"
    assert digest.entries[0].title == BASIC_TITLES[0]
    assert summary(digest) == summary(read_digest(FIXTURES / "basic.txt"))


def test_no_final_newline_keeps_the_last_abstract_whole() -> None:
    text = (FIXTURES / "basic.txt").read_text(encoding="utf-8").rstrip("\n")
    digest = parse_text(text, "x.txt")
    assert digest.entries[-1].abstract.endswith("code: https://github.com/example-lab/cvit.")


# -- irregular entries -----------------------------------------------------------------


def test_wrapped_abstract_is_joined_into_one_paragraph() -> None:
    digest = read_digest(FIXTURES / "wrapped.txt")
    assert digest.problems == []
    assert [e.title for e in digest.entries] == [
        "Wrapping Text Is Harder Than It Looks",
        "Another Paper With One Line",
    ]
    assert digest.entries[0].abstract == (
        "Text saved from a narrow browser window can arrive with its abstract "
        "broken over several lines, and a reader should still see one paragraph "
        "instead of several fragments; this abstract is split into four pieces "
        "that together form a single sentence."
    )
    assert digest.entries[1].line == 10
    assert digest.entries[1].abstract.startswith("This abstract sits on a single line")


def test_wrapped_abstract_whose_continuation_looks_like_an_abstract() -> None:
    """Wrapped at ~75 columns, the last line ends a sentence: the first line is still abstract text."""
    text = (
        "Apr 3\n\n"
        "Short Wraps Should Not Become Titles\n\n"
        "This abstract was saved from a narrow window so that its text is broken\n"
        "over two lines and the second line ends with a full stop like most do.\n\n"
        "A Following Paper\n\n"
        "This is the second abstract and it is written on one line, as usual for the digests we read.\n"
    )
    digest = parse_text(text, "w.txt")
    assert [e.title for e in digest.entries] == ["Short Wraps Should Not Become Titles", "A Following Paper"]
    assert digest.entries[0].abstract.startswith("This abstract was saved")
    assert digest.problems == []


def test_missing_abstract_is_reported_and_later_entries_still_parse() -> None:
    path = FIXTURES / "missing_abstract.txt"
    digest = read_digest(path)
    assert [(e.title, e.line, bool(e.abstract)) for e in digest.entries] == [
        ("Cheap Uncertainty Estimates for Image Classifiers", 3, True),
        ("Learning to Route Questions Between Small and Large Models", 7, False),
        ("Federated Evaluation of Medical Imaging Models", 9, True),
        ("Compressing Key-Value Caches With Learned Codebooks", 13, True),
    ]
    assert digest.entries[2].abstract.startswith("Hospitals cannot share patient scans")
    assert digest.entries[3].abstract.endswith("at a negligible cost in quality.")
    assert [(p.line, p.message) for p in digest.problems] == [
        (7, "paper 'Learning to Route Questions Between Small and Large Models' has no abstract")
    ]
    assert str(digest.problems[0]) == (
        f"{path}:7: paper 'Learning to Route Questions Between Small and Large Models' has no abstract"
    )


def test_missing_abstract_with_metadata_and_at_end_of_file() -> None:
    text = (
        "Mar 1\n\n"
        "A Paper Whose Abstract Was Lost\n\n"
        "  • 2 authors\n·\nJan 3, 2025 7\n\n"
        "A Paper With Everything\n\n"
        "This one has its abstract, which is long enough and ends with a full stop like any other.\n\n"
        "The Last Title In The File\n"
    )
    digest = parse_text(text, "m.txt")
    assert [(e.title, e.abstract == "", meta(e)) for e in digest.entries] == [
        ("A Paper Whose Abstract Was Lost", True, (2, "2025-01-03", 7, None)),
        ("A Paper With Everything", False, (None, None, None, None)),
        ("The Last Title In The File", True, (None, None, None, None)),
    ]
    assert [p.line for p in digest.problems] == [3, 13]


def test_digest_without_papers() -> None:
    path = FIXTURES / "no_papers.txt"
    digest = read_digest(path)
    assert (digest.label, digest.date, digest.entries) == ("Jun 30", "--06-30", [])
    assert [str(p) for p in digest.problems] == [f"{path}: no papers found in this file"]


@pytest.mark.parametrize("content", [b"", b"   \n\n\t \r\n  ", b"\xef\xbb\xbf", b"\n"])
def test_empty_and_whitespace_only_files(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "blank.txt"
    path.write_bytes(content)
    digest = read_digest(path)
    assert digest.entries == []
    assert digest.label == "blank"
    assert [str(p) for p in digest.problems] == [f"{path}: no papers found in this file"]


def test_windows_1252_bytes_are_read_with_a_problem(tmp_path: Path) -> None:
    text = (
        "Mar 14\n\n"
        "Caf\xe9 Recommendations for Na\xefve Users\n\n"
        "We recommend caf\xe9s to people who have never used a recommender, "
        "and call the result \u201cgentle\u201d "
        "because it asks only three questions before it starts to suggest places worth a visit.\n"
    )
    path = tmp_path / "cp1252.txt"
    path.write_bytes(text.encode("cp1252"))
    digest = read_digest(path)
    assert [e.title for e in digest.entries] == ["Café Recommendations for Naïve Users"]
    assert "call the result “gentle” because" in digest.entries[0].abstract
    assert [str(p) for p in digest.problems] == [f"{path}:3: not UTF-8; read as Windows-1252 text"]


# -- files that cannot be read -----------------------------------------------------------


def test_binary_file_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "picture.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with pytest.raises(InputError) as info:
        read_digest(path)
    assert str(info.value) == f"{path}: not a text file (binary data)"


def test_directory_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        read_digest(tmp_path)
    assert str(info.value) == f"{tmp_path}: is a directory, not a digest file"


def test_missing_path_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "nope.txt"
    with pytest.raises(InputError) as info:
        read_digest(path)
    assert str(info.value) == f"{path}: no such file"
    assert "\n" not in str(info.value)


# -- untrusted text ------------------------------------------------------------------------


def test_control_characters_and_ansi_escapes_are_stripped_from_titles() -> None:
    text = (
        "Mar 14\n\n"
        "\x1b[1;31mRed\x1b[0m Alert: \x1b]0;owned\x07Terminal\x07 Escapes\x00 in\x9b2J Titles\x7f\n\n"
        "Titles pasted from terminals can carry escape sequences that clear the screen or change its title, "
        "so they must be removed before anything is shown.\n"
    )
    digest = parse_text(text, "esc.txt")
    assert [e.title for e in digest.entries] == ["Red Alert: Terminal Escapes in Titles"]


def test_markup_in_titles_is_kept_literally() -> None:
    digest = read_digest(FIXTURES / "markup.txt")
    assert digest.problems == []
    assert [e.title for e in digest.entries] == [
        "Why [CLS] tokens [/] and [bold]x[/bold] Matter for Retrieval",
        "Escaping [all] Brackets in $\\mathcal{O}(n)$ Time",
    ]
    assert digest.entries[1].abstract.endswith("including upper-case and closing ones like [/B].")


def test_overlong_title_line_is_skipped_with_a_problem() -> None:
    long_line = "word " * 100
    abstract = "An abstract for the real title that has enough words to be one, ending here."
    text = f"Mar 1\n\n{long_line}\n\nA Real Title\n\n{abstract}\n"
    digest = parse_text(text, "long.txt")
    assert [e.title for e in digest.entries] == ["A Real Title"]
    assert [str(p) for p in digest.problems] == [
        f"long.txt:3: expected a title, found {len(long_line.strip())} characters of text; skipped"
    ]


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("  a\u00a0\u00a0b \t c  ", "a b c"),
        ("zero\u200bwidth\ufeff", "zerowidth"),
        ("bidi \u202eevil\u202c", "bidi evil"),
        ("\x1b[2Jclear", "clear"),
    ],
)
def test_clean_line(raw: str, clean: str) -> None:
    assert clean_line(raw) == clean


def test_strip_controls_keeps_newlines_and_tabs() -> None:
    assert strip_controls("a\x1b[31mb\nc\td\x07\x85") == "ab\nc\td"


def test_title_key_ignores_case_accents_and_punctuation() -> None:
    assert title_key("Naïve  Bayes: A Re-Visit!") == "naivebayesarevisit"
    assert title_key("naive bayes a revisit") == "naivebayesarevisit"
    assert fold("Ünïcödé") == "unicode"


def test_problem_str_without_line() -> None:
    assert str(Problem("a.txt", None, "oops")) == "a.txt: oops"
    assert str(Problem("a.txt", 4, "oops")) == "a.txt:4: oops"


# -- the bundled sample --------------------------------------------------------------------


def test_bundled_sample() -> None:
    digest = read_digest(SAMPLE)
    assert (digest.label, digest.date) == ("Nov 20", "--11-20")
    assert digest.problems == []
    assert len(digest.entries) == 30
    with_meta = [e for e in digest.entries if meta(e) != (None, None, None, None)]
    assert len(with_meta) == 18
    titles = [e.title for e in digest.entries]
    assert titles.count("Segment Anything") == 2
    assert len(set(titles)) == 29
    first = digest.entries[0]
    assert (first.title, meta(first)) == ("Attention Is All You Need", (8, "2017-06-12", 142, "1706.03762"))


# -- properties --------------------------------------------------------------------------------

_WORDS = [
    "Sparse",
    "Neural",
    "Fields",
    "Graph",
    "Diffusion",
    "Tokens",
    "Robust",
    "Vision",
    "Agents",
    "LLMs",
    "Scaling",
    "via",
    "of",
    "for",
    "Efficient",
    "Learning",
    "3D",
    "Video",
    "Long-Context",
    "(Re)Ranking",
]
_title = st.lists(st.sampled_from(_WORDS), min_size=2, max_size=12).map(" ".join)
_sentence = st.lists(
    st.sampled_from([w.lower() for w in _WORDS] + ["we", "show", "that", "a", "the"]),
    min_size=14,
    max_size=60,
).map(lambda ws: " ".join(ws).capitalize() + ".")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_title, _sentence), min_size=1, max_size=8), st.booleans(), st.booleans())
def test_well_formed_digests_round_trip(papers: list[tuple[str, str]], crlf: bool, bom: bool) -> None:
    """Any digest in the seed layout parses back to exactly the titles and abstracts written."""
    text = "new\n\nSubscribe\n\nMar 14\n\n" + "".join(f"{t}\n\n{a}\n\n" for t, a in papers)
    raw = (text.replace("\n", "\r\n") if crlf else text).encode("utf-8")
    digest = parse_bytes((b"\xef\xbb\xbf" if bom else b"") + raw, "p.txt", "p")
    assert [(e.title, e.abstract) for e in digest.entries] == papers
    assert [e.line for e in digest.entries] == [7 + 4 * i for i in range(len(papers))]
    assert digest.problems == []


_LINES = st.sampled_from(
    [
        "",
        "Mar 14",
        "A Title Here",
        "  • 3 authors",
        "·",
        "Oct 8",
        "Aug 21, 2024 2",
        "12",
        "arXiv:2401.01234",
        "https://arxiv.org/abs/2401.01234",
        "new",
        "Subscribe",
        "\x1b[31m",
        "\u00a0",
        "\ufeff",
        "x" * 500,
        "An abstract sentence that ends with a period and has more than twelve spaces in it, as they do.",
    ]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_LINES, max_size=40), st.binary(max_size=40))
def test_parser_never_crashes(lines: list[str], noise: bytes) -> None:
    for data in ("\n".join(lines).encode("utf-8"), noise.replace(b"\x00", b"")):
        digest = parse_bytes(data, "f.txt", "f")
        n_lines = len(
            data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")
        )  # lone CR ends a line too
        for entry in digest.entries:
            assert entry.title and entry.title == entry.title.strip()
            assert not any(ord(ch) < 32 or 127 <= ord(ch) < 160 for ch in entry.title + entry.abstract)
            assert 1 <= entry.line <= n_lines
        assert all(p.line is None or 1 <= p.line <= n_lines for p in digest.problems)
