"""``readlist export`` and JSON through ``readlist import``: selection, files, errors."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import pytest
from pybtex.database import parse_string

from readlist.cli import main
from readlist.core.library import STATE_FILE
from tests.conftest import FIXTURES
from tests.helpers.disk_full import DiskFull
from tests.test_cli import cli, rows, run

WEEK1 = FIXTURES / "week1.txt"
WEEK2 = FIXTURES / "week2.txt"
BASIC = FIXTURES / "basic.txt"
DAILY = FIXTURES / "daily_papers.json"


@pytest.fixture
def marked(capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    """Two weeks imported; Adaptive read, Contrastive starred, Lossless starred + read + a note."""
    assert run(capsys, "import", str(WEEK1), str(WEEK2))[0] == 0
    ids = {r["title"].split()[0]: r["id"] for r in rows(capsys)}
    assert main(["mark", ids["Adaptive"], "--read"]) == 0
    assert main(["mark", ids["Contrastive"], "--star"]) == 0
    assert main(["mark", ids["Lossless"], "--star", "--read", "--note", "=cite in\nrelated work"]) == 0
    capsys.readouterr()
    return ids


@pytest.mark.parametrize(
    "flags",
    [
        [],
        ["--starred"],
        ["--unread"],
        ["--read", "--starred"],
        ["--notes"],
        ["--query", "diffusion"],
        ["-q", "zeppelin"],
    ],
)
def test_export_chooses_what_list_shows(
    capsys: pytest.CaptureFixture[str], marked: dict[str, str], flags: list[str]
) -> None:
    listed = [r["id"] for r in rows(capsys, *flags)]
    code, out, err = run(capsys, "export", "--format", "csv", *flags)
    assert (code, err) == (0, "")
    assert [row["id"] for row in csv.DictReader(io.StringIO(out, newline=""))] == listed
    code, out, _ = run(capsys, "export", "--format", "json", *flags)
    assert [p["id"] for p in json.loads(out)["papers"]] == listed


def test_export_formats_to_stdout(capsys: pytest.CaptureFixture[str], marked: dict[str, str]) -> None:
    code, out, err = run(capsys, "export", "--format", "markdown", "--notes")
    assert (code, err) == (0, "")
    assert out.startswith("# Reading notes\n\n1 paper\n\n## Lossless Compression of Model Checkpoints\n")
    assert "- **Status:** read · ★ starred\n" in out
    assert out.endswith("\n> =cite in\n> related work\n")
    assert run(capsys, "export", "--notes") == (0, out, "")  # Markdown unless told otherwise

    code, out, err = run(capsys, "export", "-f", "bibtex", "--starred")
    assert (code, err) == (0, "")
    titles = [e.fields["title"] for e in parse_string(out, "bibtex").entries.values()]
    assert titles == [
        "{Contrastive Pretraining on Satellite Image Time Series}",
        "{Lossless Compression of Model Checkpoints}",
    ]

    code, out, _ = run(capsys, "export", "-f", "csv", "--notes")
    [row] = list(csv.DictReader(io.StringIO(out, newline="")))
    assert (row["note"], row["read"], row["starred"]) == ("'=cite in\nrelated work", "true", "true")


def test_export_to_a_file(capsys: pytest.CaptureFixture[str], marked: dict[str, str], tmp_path: Path) -> None:
    target = tmp_path / "out" / "notes.bib"
    target.parent.mkdir()
    target.write_text("old contents")
    code, out, err = run(capsys, "export", "--starred", "-o", str(target))  # the format from the extension
    assert (code, err) == (0, "")
    assert out == f"2 papers written to {target} (bibtex)\n"
    assert run(capsys, "export", "-f", "bibtex", "--starred") == (0, target.read_text(), "")
    assert [p.name for p in target.parent.iterdir()] == ["notes.bib"]  # no temporary file left behind

    code, out, _ = run(capsys, "export", "--format", "markdown", "--output", str(tmp_path / "notes.txt"))
    assert (code, out) == (0, f"5 papers written to {tmp_path / 'notes.txt'} (markdown)\n")


def test_export_to_a_file_keeps_the_old_file_whole_when_the_write_fails(
    capsys: pytest.CaptureFixture[str], marked: dict[str, str], tmp_path: Path, disk_full: DiskFull
) -> None:
    """The file is replaced in one step: a full disk leaves the old export as it was, not half a new one."""
    target = tmp_path / "notes.md"
    target.write_text("# my earlier notes\n")
    disk_full.fill(target)
    code, out, err = run(capsys, "export", "-o", str(target))
    assert (code, out) == (1, "")
    assert err == f"readlist: cannot write {target}: No space left on device\n"
    assert target.read_text() == "# my earlier notes\n"
    assert list(tmp_path.glob(".notes.md*")) == []  # nor a temporary file beside it


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["export", "-o", "notes.txt"],
            "readlist export: no known format ends in .txt: choose a --format (markdown, bibtex, ris, csv or json)",
        ),
        (
            ["export", "-o", "notes"],
            "readlist export: a file name without an extension: choose a --format (markdown, bibtex, ris, csv "
            "or json)",
        ),
        (["export", "--format", "pdf"], "readlist export: argument --format/-f: invalid choice: 'pdf'"),
        (
            ["export", "-f", "csv", "--bogus"],
            "readlist export: no option --bogus (see readlist export --help)",
        ),
    ],
)
def test_export_usage_errors(capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    code, out, err = run(capsys, *argv)
    assert (code, out) == (2, "")
    assert len(err.splitlines()) == 1 and err.startswith(message)


def test_export_to_an_unwritable_place_is_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    run(capsys, "import", str(BASIC))
    missing = tmp_path / "no" / "such\nfolder" / "x.md"
    code, out, err = run(capsys, "export", "-o", str(missing))
    assert (code, out) == (1, "")
    shown = str(missing).replace("\n", "\\n")
    assert err == f"readlist: cannot write {shown}: No such file or directory\n"


def test_export_json_and_import_it_elsewhere_as_processes(tmp_path: Path) -> None:
    assert cli(tmp_path, "import", str(WEEK1), str(WEEK2), str(DAILY)).returncode == 0
    listed = json.loads(cli(tmp_path, "list", "--json").stdout)
    ids = [row["id"] for row in listed]
    assert cli(tmp_path, "mark", ids[0], "--read", "--note", "first\nsecond").returncode == 0
    assert cli(tmp_path, "mark", ids[-1], "--star").returncode == 0
    exported = tmp_path / "all.json"
    result = cli(tmp_path, "export", "-o", str(exported))
    assert (result.returncode, result.stderr) == (0, "")

    other = tmp_path / "other"
    result = cli(tmp_path, "import", str(exported), data=other)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines() == [  # one line for the file, whatever digests its papers are in
        f"{exported}: {len(ids)} papers (readlist export): {len(ids)} new, 0 already known, state restored for 2",
        f"total: {len(ids)} new, 0 already known, 0 problems",
    ]
    assert json.loads(cli(tmp_path, "list", "--json", data=other).stdout) == json.loads(
        cli(tmp_path, "list", "--json").stdout
    )


def test_import_daily_papers_json_on_stdin(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    run(capsys, "import", str(BASIC))
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(DAILY.read_bytes()), encoding="utf-8"))
    code, out, err = run(capsys, "import", "-")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "<stdin>: 3 entries (Mar 14): 2 new, 1 already known, 1 updated",
        "total: 2 new, 1 already known, 1 updated, 0 problems",
    ]
    [sparse] = [r for r in rows(capsys) if r["arxiv_id"] == "2503.01111"]
    assert sparse["url"] == "https://huggingface.co/papers/2503.01111"
    assert (sparse["authors"], sparse["upvotes"]) == (3, 42)
    assert sparse["author_names"] == ["Mira Okafor", "Tomas Lindqvist", "Priya Raman"]


def test_bad_json_is_one_line_without_a_traceback(tmp_path: Path) -> None:
    assert cli(tmp_path, "import", str(BASIC)).returncode == 0
    state = tmp_path / "data" / STATE_FILE
    before = state.read_bytes() if state.exists() else None
    broken = tmp_path / "broken.json"
    broken.write_text('[\n  {"paper": {"title": "A", "summary": "B"}},\n  {"paper": ')
    result = cli(tmp_path, "import", str(broken))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [f"{broken}: not valid JSON (line 3): unexpected end of data"]
    assert result.stdout == "total: 0 new, 0 already known, 1 problem\n"
    assert (state.read_bytes() if state.exists() else None) == before

    partly = tmp_path / "partly.json"
    partly.write_text(
        json.dumps([{"paper": {"title": "Kept", "summary": "Fine."}}, {"paper": {"summary": "?"}}])
    )
    result = cli(tmp_path, "import", str(partly))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [f"{partly}: entry 2: no title; skipped"]
    assert "Kept" in cli(tmp_path, "list").stdout
