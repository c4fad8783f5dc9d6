"""The command line of issue 16: queries with OR / NOT / parentheses, RIS out, BibTeX in, files that
are no digest refused, --sort foryou, and saved searches."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import rispy

from readlist.core.library import LIBRARY_FILE, STATE_FILE
from tests.conftest import FIXTURES, ROOT
from tests.test_cli import WEEK1, WEEK2, rows, run, titles

ADAPTIVE = "Adaptive Step Sizes for Diffusion Samplers"
LOSSLESS = "Lossless Compression of Model Checkpoints"


def ids(capsys: pytest.CaptureFixture[str], *argv: str) -> set[str]:
    code, out, _ = run(capsys, "list", *argv)
    assert code == 0
    return {line.split()[0] for line in out.splitlines()}


@pytest.fixture
def weeks(capsys: pytest.CaptureFixture[str], isolated_data: Path) -> Path:
    assert run(capsys, "import", str(WEEK1), str(WEEK2))[0] == 0
    return isolated_data


# -- queries ------------------------------------------------------------------------------------------


def test_the_query_algebra_on_the_seeds(
    capsys: pytest.CaptureFixture[str], seeds: list[Path], isolated_data: Path
) -> None:
    assert run(capsys, "import", *map(str, seeds))[0] == 0
    for a, b in [("lora", "quantization"), ("diffusion", "video"), ("mixture of experts", "inference")]:
        left, right = ids(capsys, "--query", a), ids(capsys, "--query", b)
        assert left and right
        assert ids(capsys, "--query", f"({a}) OR ({b})") == left | right
        assert ids(capsys, "--query", f"({a}) | ({b})") == left | right
        assert ids(capsys, "--query", f"({a}) ({b})") == left & right
        assert ids(capsys, "--query", f"({a}) NOT ({b})") == left - right
        assert ids(capsys, f"--query=({a}) -({b})") == left - right


def test_a_malformed_query_is_a_hint_not_an_empty_list(
    capsys: pytest.CaptureFixture[str], weeks: Path
) -> None:
    code, out, err = run(capsys, "list", "--query", "(lossless OR compression")
    assert code == 0 and LOSSLESS in out
    assert err.splitlines()[0] == "readlist: a ( is not closed: read as if it closed at the end"
    code, out, err = run(capsys, "export", "--format", "json", "--query", "lossless OR")
    assert code == 0 and json.loads(out)["papers"][0]["title"] == LOSSLESS
    assert "OR needs a term on each side" in err


def mark_adaptive(capsys: pytest.CaptureFixture[str], note: str) -> None:
    """Star, tag and annotate the adaptive-sampler paper, as a reader would before exporting."""
    run(capsys, "mark", "2410.01234", "--star", "--tags", "sampling, ODE", "--note", note)


# -- RIS out ------------------------------------------------------------------------------------------


def test_export_ris_reads_back_with_every_paper(
    capsys: pytest.CaptureFixture[str], weeks: Path, tmp_path: Path
) -> None:
    mark_adaptive(capsys, "line one\nER  - \nline two")
    everything = rows(capsys)
    target = tmp_path / "papers.ris"
    code, out, _ = run(capsys, "export", "-o", str(target))  # the format from the extension
    assert code == 0 and out == f"{len(everything)} papers written to {target} (ris)\n"
    records = rispy.loads(target.read_text(encoding="utf-8"))
    assert [r["title"] for r in records] == [row["title"] for row in everything]
    assert [r["abstract"] for r in records] == [row["abstract"] for row in everything]
    adaptive = next(r for r in records if r["title"] == ADAPTIVE)
    assert adaptive["keywords"] == ["sampling", "ode"]
    assert adaptive["notes"] == ["line one ER - line two"]
    assert adaptive["doi"] == "10.48550/arXiv.2410.01234"


# -- BibTeX in, and what is no digest -----------------------------------------------------------------


def test_a_bibtex_export_imports_back_into_another_library(
    capsys: pytest.CaptureFixture[str], weeks: Path, tmp_path: Path
) -> None:
    mark_adaptive(capsys, "Compare with DPM-Solver.")
    before = rows(capsys)
    out_file = tmp_path / "refs.bib"
    assert run(capsys, "export", "-o", str(out_file))[0] == 0
    other = tmp_path / "other"
    code, out, err = run(capsys, "--data-dir", str(other), "import", str(out_file))
    assert (code, err) == (0, "")
    assert (
        out.splitlines()[0]
        == f"{out_file}: {len(before)} entries (refs): {len(before)} new, 0 already known"
        + ", state restored for 1"
    )
    after = rows(capsys, "--data-dir", str(other))
    for old, new in zip(
        sorted(before, key=lambda r: r["title"]), sorted(after, key=lambda r: r["title"]), strict=True
    ):
        assert (new["title"], new["abstract"], new["arxiv_id"]) == (
            old["title"],
            old["abstract"],
            old["arxiv_id"],
        )
        assert (new["tags"], new["note"]) == (old["tags"], old["note"])
        assert new["digests"] == ["refs"]


def test_a_malformed_bibtex_entry_is_reported_and_the_others_load(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "zotero.txt"  # the content decides, not the name
    path.write_text(
        "@misc{good, title = {A Good Entry}, eprint = {2401.00001}, archivePrefix = {arXiv}}\n"
        "@misc{bad, title = {Unclosed\n\n@misc{fine, title = {Another Good One}}\n",
        encoding="utf-8",
    )
    code, out, err = run(capsys, "import", str(path))
    assert code == 1
    [line] = err.splitlines()
    assert line.startswith(f"{path}:2: @misc{{bad, title = {{Unclosed: ") and line.endswith("; skipped")
    assert sorted(titles(capsys)) == ["A Good Entry", "Another Good One"]
    assert out.splitlines()[-1] == "total: 2 new, 0 already known, 1 problem"


NOT_DIGESTS = {
    "notes.md": (ROOT / "README.md").read_bytes(),
    "one-line.txt": b"Just one line of text, nothing else\n",
    "script.py": (ROOT / "readlist" / "cli.py").read_bytes(),
    "table.csv": b"id,title,year\n1,Attention Is All You Need,2017\n2,BERT,2018\n",
}


@pytest.mark.parametrize("name", sorted(NOT_DIGESTS))
def test_a_text_that_is_no_digest_is_refused_in_one_line(
    capsys: pytest.CaptureFixture[str], weeks: Path, tmp_path: Path, name: str
) -> None:
    run(capsys, "mark", "2410.01234", "--star")
    library, state = (weeks / LIBRARY_FILE).read_bytes(), (weeks / STATE_FILE).read_bytes()
    path = tmp_path / name
    path.write_bytes(NOT_DIGESTS[name])
    code, out, err = run(capsys, "import", str(path))
    assert code == 1
    assert err.startswith(f"{path}: not a Daily Papers page, BibTeX or JSON: ") and err.count("\n") == 1
    assert "--force" in err
    assert out.splitlines()[-1] == "total: 0 new, 0 already known, 1 problem"
    assert (weeks / LIBRARY_FILE).read_bytes() == library and (weeks / STATE_FILE).read_bytes() == state
    code, out, err = run(capsys, "import", "--force", str(path))
    assert "new" in out.splitlines()[-1]  # read as a page, whatever comes of it


def test_a_refused_import_makes_no_data_folder(
    capsys: pytest.CaptureFixture[str], isolated_data: Path, tmp_path: Path
) -> None:
    path = tmp_path / "README.md"
    path.write_bytes(NOT_DIGESTS["notes.md"])
    code, _, err = run(capsys, "import", str(path))
    assert code == 1 and "not a Daily Papers page" in err
    assert not isolated_data.exists()


def test_every_seed_and_fixture_still_imports(capsys: pytest.CaptureFixture[str], seeds: list[Path]) -> None:
    files = [
        *seeds,
        *sorted(FIXTURES.glob("*.txt")),
        *sorted(FIXTURES.glob("*.json")),
        *sorted((FIXTURES / "hub").glob("*.json")),
        *sorted((ROOT / "readlist" / "sample").glob("*.txt")),
    ]
    for path in files:
        code, out, err = run(capsys, "import", str(path))
        assert "not a Daily Papers page" not in err, path
        if path.name in ("missing_abstract.txt", "no_papers.txt"):
            assert code == 1  # their own problems, as before
        else:
            assert (code, err) == (0, ""), path


# -- for you ------------------------------------------------------------------------------------------


def test_sort_foryou(capsys: pytest.CaptureFixture[str], weeks: Path) -> None:
    code, out, err = run(capsys, "list", "--sort", "foryou")
    assert code == 0 and err.startswith("readlist: for you ranks papers by those you starred")
    assert len(out.splitlines()) == len(rows(capsys))  # the list as it was, not a guess
    run(capsys, "mark", "2410.01234", "--star")
    code, out, err = run(capsys, "list", "--sort", "foryou")
    assert (code, err) == (0, "")
    first = out.splitlines()[0]
    assert "  ~ " in first  # the words that made the match
    listed = rows(capsys, "--sort", "foryou")
    assert listed[0]["for_you"]["words"] and 0 < listed[0]["for_you"]["share"] <= 1


# -- saved searches -----------------------------------------------------------------------------------


def test_saved_searches(capsys: pytest.CaptureFixture[str], weeks: Path) -> None:
    assert run(capsys, "search", "list") == (
        0,
        "",
        "readlist: no saved searches yet ('readlist search save NAME QUERY' saves one)\n",
    )
    code, out, _ = run(capsys, "search", "save", "Compression", "lossless OR compression")
    assert (code, out) == (0, "saved 'Compression': lossless OR compression\n")
    assert run(capsys, "search", "save", "unread", "is:unread")[0] == 0
    assert run(capsys, "search", "list")[1] == "Compression\tlossless OR compression\nunread\tis:unread\n"
    saved = titles(capsys, "--saved", "compression")  # names match whatever their case
    assert LOSSLESS in saved and saved == titles(capsys, "--query", "lossless OR compression")
    assert titles(capsys, "--saved", "Compression", "--query=-lossless") == titles(
        capsys, "--query", "(lossless OR compression) -lossless"
    )
    code, out, _ = run(capsys, "export", "--format", "json", "--saved", "Compression")
    assert [p["title"] for p in json.loads(out)["papers"]] == titles(capsys, "--saved", "Compression")
    # replace, delete, and a name that is not there
    assert run(capsys, "search", "save", "COMPRESSION", "title:lossless")[0] == 0
    assert run(capsys, "search", "list")[1].splitlines()[0] == "COMPRESSION\ttitle:lossless"
    assert run(capsys, "search", "delete", "compression") == (0, "deleted 'compression'\n", "")
    assert run(capsys, "search", "delete", "compression") == (
        1,
        "",
        "readlist: no saved search named 'compression'\n",
    )
    code, out, err = run(capsys, "list", "--saved", "nope")
    assert (code, out) == (
        1,
        "",
    ) and err == "readlist: no saved search named 'nope' ('readlist search list' shows them)\n"
    data = json.loads((weeks / "searches.json").read_text(encoding="utf-8"))
    assert data == {"format": "readlist-searches", "version": 1, "searches": {"unread": "is:unread"}}


def test_saving_a_search_checks_it(capsys: pytest.CaptureFixture[str], weeks: Path) -> None:
    code, _, err = run(capsys, "search", "save", "half", "(lossless")
    assert code == 0 and err == "readlist: a ( is not closed: read as if it closed at the end\n"
    assert run(capsys, "search", "save", "  ", "x")[0] == 1
    assert run(capsys, "search", "save", "empty", "  ")[0] == 1
    code, _, err = run(capsys, "search", "frobnicate")
    assert code == 2 and "invalid choice" in err
    assert run(capsys, "search", "list", "--data-dir", str(weeks))[0] == 0


def test_a_damaged_searches_file_is_left_untouched(capsys: pytest.CaptureFixture[str], weeks: Path) -> None:
    (weeks / "searches.json").write_text("{not json", encoding="utf-8")
    code, _, err = run(capsys, "search", "save", "x", "y")
    assert code == 1 and "searches.json" in err and err.count("\n") == 1
    assert (weeks / "searches.json").read_text(encoding="utf-8") == "{not json"


def test_import_of_stdin_bibtex(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import sys

    bib = b"@misc{x, title = {From Standard Input}, year = {2024}, eprint = {2401.00002}, archivePrefix = {arXiv}}\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(bib), encoding="utf-8"))
    code, out, _ = run(capsys, "import", "-")
    assert code == 0 and out.startswith("<stdin>: 1 entry (stdin): 1 new")
    [row] = rows(capsys)
    assert (row["title"], row["arxiv_id"], row["published"]) == ("From Standard Input", "2401.00002", "2024")
