"""The command line: import, list, mark; exit codes and one-line errors."""

from __future__ import annotations

import functools
import io
import json
import os
import subprocess
import sys
import types
from pathlib import Path
from typing import Any

import pytest

from readlist.cli import main
from readlist.core.library import LIBRARY_FILE, LOCK_FILE, STATE_FILE, Library
from readlist.core.storage import FileLock
from tests.conftest import FIXTURES, SAMPLE
from tests.helpers.disk_full import DiskFull
from tests.helpers.durability import (
    DEFAULTS,
    make_digest,
    readlist_cmd,
    state_on_disk,
    subprocess_env,
)

WEEK1 = FIXTURES / "week1.txt"
WEEK2 = FIXTURES / "week2.txt"
METADATA = FIXTURES / "metadata.txt"
BASIC = FIXTURES / "basic.txt"

JSON_KEYS = {
    "id",
    "title",
    "abstract",
    "authors",
    "author_names",
    "published",
    "upvotes",
    "digests",
    "links",
    "url",
    "read",
    "starred",
    "note",
    "arxiv_id",
    "tags",
    "comments",
    "github_repo",
    "github_stars",
    "project_page",
    "ai_summary",
    "ai_keywords",
}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def rows(capsys: pytest.CaptureFixture[str], *argv: str) -> list[dict[str, Any]]:
    code, out, err = run(capsys, "list", "--json", *argv)
    assert (code, err) == (0, "")
    return json.loads(out)


def titles(capsys: pytest.CaptureFixture[str], *argv: str) -> list[str]:
    return [row["title"] for row in rows(capsys, *argv)]


def by_title(capsys: pytest.CaptureFixture[str], title: str) -> dict[str, Any]:
    (row,) = [r for r in rows(capsys) if r["title"] == title]
    return row


def cli(
    tmp_path: Path, *argv: str, data: Path | None = None, stdin: bytes | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m readlist`` as a real process with its own data dir."""
    env = {
        **os.environ,
        "READLIST_DATA_DIR": str(data or tmp_path / "data"),
        "HOME": str(tmp_path / "home"),
        "XDG_DATA_HOME": str(tmp_path / "home" / ".local" / "share"),
    }
    return subprocess.run(
        [sys.executable, "-m", "readlist", *argv],
        input=stdin.decode("utf-8") if stdin is not None else None,
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )


# -- import ---------------------------------------------------------------------------------


def test_import_summary_as_a_process(tmp_path: Path) -> None:
    result = cli(tmp_path, "import", str(WEEK1), str(WEEK2))
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines() == [
        f"{WEEK1}: 4 entries (Feb 3): 4 new, 0 already known",
        # A paper new in this same run counts as repeated, not as known (and "updated" counts only
        # papers from earlier imports); the counts add up to the entries: week2 lists one paper
        # twice and three of week1's again
        f"{WEEK2}: 5 entries (Feb 10): 1 new, 0 already known, 4 repeated",
        "total: 5 new, 0 already known, 4 repeated, 0 problems",
    ]
    again = cli(tmp_path, "import", str(WEEK2))
    assert (again.returncode, again.stderr) == (0, "")
    assert again.stdout.splitlines() == [
        f"{WEEK2}: 5 entries (Feb 10): 0 new, 4 already known, 1 repeated",
        "total: 0 new, 4 already known, 1 repeated, 0 problems",
    ]


def test_import_summary_in_process(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "import", str(WEEK1))
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        f"{WEEK1}: 4 entries (Feb 3): 4 new, 0 already known",
        "total: 4 new, 0 already known, 0 problems",
    ]


def test_import_in_process(capsys: pytest.CaptureFixture[str], isolated_data: Path) -> None:
    code, _, err = run(capsys, "import", str(WEEK1), str(WEEK2))
    assert (code, err) == (0, "")
    assert (isolated_data / LIBRARY_FILE).is_file()
    assert titles(capsys) == [
        "Multilingual Instruction Tuning With Few Languages",
        "Adaptive Step Sizes for Diffusion Samplers",
        "Contrastive Pretraining on Satellite Image Time Series",
        "Lossless Compression of Model Checkpoints",
        "Counting Objects in Crowded Scenes Without Boxes",
    ]


def test_import_missing_file_fails_but_imports_the_good_ones(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing = tmp_path / "missing.txt"
    code, _, err = run(capsys, "import", str(WEEK1), str(missing), str(BASIC))
    assert code == 1
    assert err.splitlines() == [f"{missing}: no such file"]
    assert len(titles(capsys)) == 7


def test_import_missing_file_as_a_process(tmp_path: Path) -> None:
    missing = tmp_path / "missing.txt"
    result = cli(tmp_path, "import", str(missing), str(WEEK1))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [f"{missing}: no such file"]
    assert "Traceback" not in result.stderr
    assert result.stdout.splitlines() == [
        f"{WEEK1}: 4 entries (Feb 3): 4 new, 0 already known",
        "total: 4 new, 0 already known, 1 problem",
    ]
    listed = cli(tmp_path, "list", "--json")
    assert (listed.returncode, listed.stderr) == (0, "")
    assert len(json.loads(listed.stdout)) == 4


@pytest.mark.parametrize("kind", ["directory", "binary"])
def test_unreadable_inputs_are_one_line_errors_as_a_process(tmp_path: Path, kind: str) -> None:
    if kind == "directory":
        bad = tmp_path / "folder"
        bad.mkdir()
        message = f"{bad}: is a directory, not a digest file"
    else:
        bad = tmp_path / "image.png"
        bad.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
        message = f"{bad}: not a text file (binary data)"
    result = cli(tmp_path, "import", str(bad))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [message]


def test_import_with_a_parse_problem_reports_it_and_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    path = FIXTURES / "missing_abstract.txt"
    code, _, err = run(capsys, "import", str(path))
    assert code == 1
    assert err.splitlines() == [
        f"{path}:7: paper 'Learning to Route Questions Between Small and Large Models' has no abstract"
    ]
    assert len(titles(capsys)) == 4  # the entry without an abstract is still imported


def test_a_windows_1252_file_is_a_warning_not_a_failure(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "cp1252.txt"
    path.write_bytes(
        BASIC.read_text(encoding="utf-8")
        .replace("Scene Capture", "Scene Capture \u00e0 la Carte")
        .encode("cp1252")
    )
    code, out, err = run(capsys, "import", str(path))
    assert code == 0
    assert err.splitlines() == [f"{path}:11: not UTF-8; read as Windows-1252 text"]
    assert out.splitlines()[-1] == "total: 3 new, 0 already known, 0 problems, 1 warning"
    # With a real problem as well, the import fails; the two are counted apart.
    path.write_bytes(path.read_bytes() + b"\n\nA Title Without Its Abstract\n")
    code, out, err = run(capsys, "import", str(path))
    assert code == 1
    assert len(err.splitlines()) == 2
    assert out.splitlines()[-1] == "total: 1 new, 3 already known, 1 problem, 1 warning"


def test_error_for_a_file_name_with_a_newline_is_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(capsys, "import", str(tmp_path / "evil\nname.txt"))
    assert code == 1
    assert err == f"{tmp_path}/evil\\nname.txt: no such file\n"


def test_import_reads_stdin(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(METADATA.read_bytes()), encoding="utf-8"))
    code, _, err = run(capsys, "import", "-")
    assert (code, err) == (0, "")
    listed = rows(capsys)
    assert len(listed) == 6
    assert {tuple(r["digests"]) for r in listed} == {("Oct 2",)}


def test_import_reads_stdin_as_a_process(tmp_path: Path) -> None:
    raw = b"\xef\xbb\xbf" + BASIC.read_bytes().replace(b"\n", b"\r\n")
    result = cli(tmp_path, "import", "-", stdin=raw)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines() == [
        "<stdin>: 3 entries (Mar 14): 3 new, 0 already known",
        "total: 3 new, 0 already known, 0 problems",
    ]


# -- list -------------------------------------------------------------------------------------


def test_list_json_keys_and_nulls(capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "import", str(METADATA))
    listed = rows(capsys)
    assert len(listed) == 6
    assert all(set(row) == JSON_KEYS for row in listed)

    bare = by_title(capsys, "A Benchmark of Everyday Spreadsheet Questions")
    assert {k: bare[k] for k in ("authors", "published", "upvotes", "arxiv_id", "note", "links")} == {
        "authors": None,
        "published": None,
        "upvotes": None,
        "arxiv_id": None,
        "note": None,
        "links": [],
    }
    assert (bare["read"], bare["starred"], bare["digests"]) == (False, False, ["Oct 2"])
    assert bare["url"] == (
        "https://arxiv.org/search/?query=%22A+Benchmark+of+Everyday+Spreadsheet+Questions%22&searchtype=title"
    )
    assert bare["abstract"].startswith("Office workers ask spreadsheets short questions")

    rich = by_title(capsys, "Mixture of Depths for Protein Language Models")
    assert {k: rich[k] for k in ("authors", "published", "upvotes", "arxiv_id", "url")} == {
        "authors": 11,
        "published": "2024-08-21",
        "upvotes": 2,
        "arxiv_id": "2402.05678",
        "url": "https://huggingface.co/papers/2402.05678",
    }


def test_list_json_links(capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "import", str(BASIC))
    assert [r["links"] for r in rows(capsys)] == [
        ["https://github.com/example-lab/sparse-gs"],
        ["https://example.org/ptq_(v2)"],
        ["https://example.net/curriculum-vit", "https://github.com/example-lab/cvit"],
    ]


def test_list_plain_text(capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "import", str(BASIC))
    first = rows(capsys)[0]
    run(capsys, "mark", first["id"], "--read", "--star", "--note", "x")
    code, out, err = run(capsys, "list")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert len(lines) == 3
    # id, then the marks (● unread, ★ starred, ✎ note), the first digest padded to 7, the title
    assert lines[0] == f"{first['id']}   ★✎  Mar 14   Sparse Gaussian Splatting for Real-Time Scene Capture"
    assert lines[1].endswith(
        "  ●    Mar 14   Post-Training Quantization of Language Models Without Calibration Data"
    )


def test_list_on_an_empty_library(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "list") == (
        0,
        "",
        "readlist: the library is empty (readlist fetch, or readlist import DIGEST)\n",
    )
    assert run(capsys, "list", "--json") == (0, "[]\n", "")


def test_list_filters(capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "import", str(WEEK1))
    ids = {r["title"].split()[0]: r["id"] for r in rows(capsys)}
    assert run(capsys, "mark", ids["Adaptive"], "--read")[0] == 0
    assert run(capsys, "mark", ids["Contrastive"], "--star")[0] == 0
    assert run(capsys, "mark", ids["Lossless"], "--star", "--read", "--note", "cite in related work")[0] == 0

    def first(*flags: str) -> list[str]:
        return [t.split()[0] for t in titles(capsys, *flags)]

    assert first("--starred") == ["Contrastive", "Lossless"]
    assert first("--read") == ["Adaptive", "Lossless"]
    assert first("--unread") == ["Contrastive", "Counting"]
    assert first("--notes") == ["Lossless"]
    assert first("--starred", "--unread") == ["Contrastive"]
    assert (
        run(capsys, "list", "--read", "--unread")[0] == 2
    )  # no paper is both: a usage error, not an empty list


def test_list_query_best_match_first(capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "import", str(BASIC), str(METADATA))
    assert titles(capsys, "--query", "gausian splating") == [
        "Sparse Gaussian Splatting for Real-Time Scene Capture"
    ]
    found = titles(capsys, "--query", "quantisation")
    assert found[0] == "Post-Training Quantization of Language Models Without Calibration Data"
    protein = titles(capsys, "-q", "protein")
    assert protein == ["Mixture of Depths for Protein Language Models"]
    assert titles(capsys, "--query", "zeppelin") == []


def test_list_query_finds_papers_added_by_a_later_import(capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "import", str(WEEK1))
    assert titles(capsys, "--query", "multilingual") == []
    run(capsys, "import", str(WEEK2))
    assert titles(capsys, "--query", "multilingual") == ["Multilingual Instruction Tuning With Few Languages"]


def test_list_query_sees_an_abstract_updated_by_a_later_import(capsys: pytest.CaptureFixture[str]) -> None:
    """Week 2 brings a longer abstract for a week-1 paper; its new words must be searchable."""
    run(capsys, "import", str(WEEK1))
    assert titles(capsys, "--query", "trajectory") == []  # builds the on-disk index
    run(capsys, "import", str(WEEK2))
    assert titles(capsys, "--query", "trajectory") == ["Adaptive Step Sizes for Diffusion Samplers"]


def test_list_query_searches_notes_and_combines_with_filters(capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "import", str(WEEK1))
    counting = by_title(capsys, "Counting Objects in Crowded Scenes Without Boxes")
    run(capsys, "mark", counting["id"], "--note", "ask Priya about the drone footage")
    assert titles(capsys, "--query", "drone footage") == [counting["title"]]
    assert titles(capsys, "--query", "drone", "--read") == []


# -- mark ---------------------------------------------------------------------------------------


def test_mark_changes_state(capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "import", str(METADATA))
    row = by_title(capsys, "Sketch-Guided Floor Plan Generation")
    code, out, err = run(capsys, "mark", row["id"], "--read", "--star", "--note", "check the user study")
    assert (code, err) == (0, "")
    assert out == f"{row['id']}  read, starred, note  Sketch-Guided Floor Plan Generation\n"
    after = by_title(capsys, row["title"])
    assert (after["read"], after["starred"], after["note"]) == (True, True, "check the user study")

    code, out, _ = run(capsys, "mark", row["id"][:6], "--unread", "--unstar", "--note", "")
    assert code == 0
    assert out == f"{row['id']}  unread  Sketch-Guided Floor Plan Generation\n"
    after = by_title(capsys, row["title"])
    assert (after["read"], after["starred"], after["note"]) == (False, False, None)


def test_mark_by_arxiv_id(capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "import", str(METADATA))
    code, out, _ = run(capsys, "mark", "2401.01234", "--star")
    assert code == 0
    assert out.endswith("  unread, starred  Token Merging for Faster Speech Recognition\n")
    assert by_title(capsys, "Token Merging for Faster Speech Recognition")["starred"] is True


def test_mark_note_loses_control_characters(capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "import", str(BASIC))
    pid = rows(capsys)[0]["id"]
    run(capsys, "mark", pid, "--note", "first\r\nsecond\x1b[31m red\x07\t")
    assert rows(capsys)[0]["note"] == "first\nsecond red"


def test_mark_unknown_id(capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "import", str(BASIC))
    code, out, err = run(capsys, "mark", "zzzzzzzz", "--read")
    assert (code, out) == (1, "")
    assert err == "readlist: no paper has the id or arXiv id 'zzzzzzzz'\n"


def test_mark_without_a_change_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], isolated_data: Path
) -> None:
    code, out, err = run(capsys, "mark", "abcd")
    assert (code, out) == (2, "")
    assert (
        err == "readlist mark: nothing to change (use --read, --unread, --star, --unstar, --note or --tags)\n"
    )
    assert not isolated_data.exists()  # refused before opening the library


@pytest.mark.parametrize(
    "argv",
    [
        ["mark", "abcd", "--read", "--unread"],
        ["mark", "abcd", "--star", "--unstar"],
        ["mark"],
        ["import"],
        ["list", "--bogus"],
    ],
)
def test_usage_errors_exit_2_with_one_line(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    code, out, err = run(capsys, *argv)
    assert (code, out) == (2, "")
    assert len(err.splitlines()) == 1
    assert err.startswith("readlist ")


def test_errors_as_a_process_have_no_traceback(tmp_path: Path) -> None:
    cli(tmp_path, "import", str(BASIC))
    for argv, code in ((["mark", "nope", "--read"], 1), (["mark", "nope"], 2), (["list", "--nope"], 2)):
        result = cli(tmp_path, *argv)
        assert result.returncode == code, argv
        assert len(result.stderr.splitlines()) == 1, result.stderr
        assert "Traceback" not in result.stderr


def test_corrupt_library_is_a_one_line_error(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / LIBRARY_FILE).write_bytes(b'{"papers": {"1": ')
    result = cli(tmp_path, "list")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"readlist: {data / LIBRARY_FILE}: damaged data file (line 1); it was left untouched"
    ]
    assert (data / LIBRARY_FILE).read_bytes() == b'{"papers": {"1": '


# -- what can go wrong while a command runs -----------------------------------------------------------


def test_a_lock_held_too_long_is_a_one_line_error(
    capsys: pytest.CaptureFixture[str], isolated_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(capsys, "import", str(BASIC))
    pid = rows(capsys)[0]["id"]
    # The lock stays taken until the command gave up, so how long it tries does not matter.
    monkeypatch.setattr("readlist.core.library.FileLock", functools.partial(FileLock, timeout=0.1))
    with FileLock(isolated_data / LOCK_FILE):  # another readlist process is saving
        code, out, err = run(capsys, "mark", pid, "--star")
    assert (code, out) == (1, "")
    assert err == f"readlist: {isolated_data / LOCK_FILE}: another readlist process holds the lock\n"
    assert state_on_disk(isolated_data).get(pid, DEFAULTS)["starred"] is False


def test_a_full_disk_is_a_one_line_error_and_changes_nothing(
    capsys: pytest.CaptureFixture[str], isolated_data: Path, disk_full: DiskFull
) -> None:
    run(capsys, "import", str(BASIC))
    pid = rows(capsys)[0]["id"]
    disk_full.fill(isolated_data / STATE_FILE)
    code, out, err = run(capsys, "mark", pid, "--star", "--note", "lost for want of room")
    assert (code, out) == (1, "")
    assert err == "readlist: No space left on device\n"
    assert pid not in state_on_disk(isolated_data)


@pytest.mark.parametrize("papers", [3, 300], ids=["output-left-at-exit", "output-while-running"])
@pytest.mark.parametrize("argv", [["list"], ["export", "-f", "json"]])
def test_a_reader_that_goes_away_ends_the_output_quietly(
    capsys: pytest.CaptureFixture[str], isolated_data: Path, tmp_path: Path, argv: list[str], papers: int
) -> None:
    """``readlist list | head``: once the reader has closed the pipe, readlist stops without a word,
    also when what it printed is still buffered when it exits (Python's default for a pipe)."""
    digest = tmp_path / "digest.txt"
    digest.write_text(make_digest(papers, "pipe"), encoding="utf-8")
    assert run(capsys, "import", str(digest))[0] == 0
    env = subprocess_env(isolated_data)
    env.pop("PYTHONUNBUFFERED")
    reader, writer = os.pipe()
    os.close(reader)  # gone before the first line
    try:
        result = subprocess.run(
            readlist_cmd(*argv),
            stdout=writer,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=60,
        )
    finally:
        os.close(writer)
    assert (result.returncode, result.stderr) == (0, "")


def test_a_command_run_with_standard_output_closed_still_works(
    capsys: pytest.CaptureFixture[str], isolated_data: Path, tmp_path: Path
) -> None:
    run(capsys, "import", str(BASIC))
    pid = rows(capsys)[0]["id"]
    result = subprocess.run(
        readlist_cmd("mark", pid, "--star"),
        stderr=subprocess.PIPE,
        text=True,
        env=subprocess_env(isolated_data),
        cwd=tmp_path,
        timeout=60,
        preexec_fn=lambda: os.close(1),
    )  # as `readlist mark ... >&-` starts it
    assert (result.returncode, result.stderr) == (0, "")
    assert state_on_disk(isolated_data)[pid]["starred"] is True


# -- where the data lives -------------------------------------------------------------------------


def test_data_dir_option_overrides_the_environment(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, isolated_data: Path
) -> None:
    other = tmp_path / "elsewhere"
    code, _, _ = run(capsys, "--data-dir", str(other), "import", str(BASIC))
    assert code == 0
    assert (other / LIBRARY_FILE).is_file()
    assert not (isolated_data / LIBRARY_FILE).exists()
    assert len(rows(capsys, "--data-dir", str(other))) == 3
    assert rows(capsys) == []
    code, _, _ = run(capsys, "import", "--data-dir", str(other), str(WEEK1))
    assert code == 0
    assert len(rows(capsys, "--data-dir", str(other))) == 7


def test_data_dir_option_as_a_process(tmp_path: Path) -> None:
    env_dir = tmp_path / "env-dir"
    other = tmp_path / "flag-dir"
    result = cli(tmp_path, "import", "--data-dir", str(other), str(BASIC), data=env_dir)
    assert result.returncode == 0
    assert (other / LIBRARY_FILE).is_file()
    assert not env_dir.exists()


# -- a name that is not a file ----------------------------------------------------------------------


@pytest.fixture
def app_runs(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Stands in for the TUI (no terminal, no textual); lists the reports it was opened with."""
    opened: list[Any] = []
    fake = types.ModuleType("readlist.tui.app")
    fake.run = lambda library, *, report=None, demo=False: opened.append(report)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "readlist.tui.app", fake)
    return opened


def test_a_mistyped_command_opens_nothing(
    capsys: pytest.CaptureFixture[str], isolated_data: Path, app_runs: list[Any]
) -> None:
    code, out, err = run(capsys, "bogus")
    assert (code, out) == (2, "")
    assert err == (
        "readlist: bogus: no such file (commands: import, fetch, resolve, list, export, mark, search, "
        "remove, sync, doctor)\n"
    )
    code, _, err = run(capsys, "--demo", str(WEEK1), "bogus")  # one missing name is enough
    assert code == 2 and err.startswith("readlist: bogus: no such file")
    assert app_runs == []
    assert not isolated_data.exists()  # the library was not even opened


def test_a_digest_with_problems_still_opens_the_app(
    capsys: pytest.CaptureFixture[str], app_runs: list[Any]
) -> None:
    code, _, err = run(capsys, str(FIXTURES / "missing_abstract.txt"))
    assert code == 1 and "has no abstract" in err
    [report] = app_runs
    assert report.new == 4


def test_an_import_leaves_the_search_index_ready_for_the_app(isolated_data: Path) -> None:
    """The next start loads the index instead of building it while the reader types."""
    from readlist.core.search import INDEX_DIR, SearchIndex

    assert main(["import", str(SAMPLE)]) == 0
    library = Library(isolated_data)
    try:
        index = SearchIndex.load(library.cache / INDEX_DIR, library.papers)
        assert index is not None and index.size == len(library.papers)
    finally:
        library.close()


def test_usage_mistakes_are_named(capsys: pytest.CaptureFixture[str], isolated_data: Path) -> None:
    assert main(["import", "--bogus"]) == 2
    assert capsys.readouterr().err == "readlist import: no option --bogus (see readlist import --help)\n"
    assert main(["list", "--read", "--unread"]) == 2
    assert "not allowed with argument" in capsys.readouterr().err


def test_mark_says_why_an_id_names_no_paper(capsys: pytest.CaptureFixture[str], isolated_data: Path) -> None:
    assert main(["import", str(FIXTURES / "week1.txt")]) == 0
    ids = Library(isolated_data).papers.ids
    capsys.readouterr()
    assert main(["mark", ids[0][:2], "--star"]) == 1
    assert "too short to be the start of one" in capsys.readouterr().err
    assert main(["mark", "ffffffffff", "--star"]) == 1
    assert capsys.readouterr().err == "readlist: no paper has the id or arXiv id 'ffffffffff'\n"
    assert main(["mark", ids[0][:6], "--star"]) == 0


def test_list_says_when_nothing_matches(capsys: pytest.CaptureFixture[str], isolated_data: Path) -> None:
    assert main(["list"]) == 0
    assert "the library is empty" in capsys.readouterr().err
    assert main(["import", str(FIXTURES / "week1.txt")]) == 0
    capsys.readouterr()
    assert main(["list", "--starred"]) == 0
    out, err = capsys.readouterr()
    assert out == "" and err == "readlist: no paper matches\n"
