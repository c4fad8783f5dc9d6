"""readlist remove: papers, a digest, a search's papers, or the last import; what goes is kept,
with its state, in a file that readlist import brings back whole."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from readlist.cli import main
from readlist.core import removal
from readlist.core.library import Library
from tests.conftest import FIXTURES

WEEK1, WEEK2 = FIXTURES / "week1.txt", FIXTURES / "week2.txt"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def kept_in(out: str) -> Path:
    """The file ``readlist remove`` says it kept the papers in."""
    found = re.search(r"kept with (?:its|their) state in (.+?) \(readlist import", out)
    assert found is not None, out
    return Path(found[1])


def titles(data: Path) -> list[str]:
    library = Library(data)
    try:
        return sorted(paper.title for paper in library.papers)
    finally:
        library.close()


@pytest.fixture
def two_weeks(capsys: pytest.CaptureFixture[str], isolated_data: Path) -> list[str]:
    assert run(capsys, "import", str(WEEK1))[0] == 0
    assert run(capsys, "import", str(WEEK2))[0] == 0
    return titles(isolated_data)


def test_the_last_import_can_be_undone_and_brought_back(
    capsys: pytest.CaptureFixture[str], isolated_data: Path, two_weeks: list[str]
) -> None:
    library = Library(isolated_data)
    shared = next(p for p in library.papers if p.digests == ["Feb 3", "Feb 10"])
    library.close()
    assert run(capsys, "mark", shared.id, "--star", "--note", "kept")[0] == 0
    code, out, err = run(capsys, "remove", "--last-import")
    assert (code, err) == (0, "")
    assert out.startswith("removed 1 paper and the digest Feb 10; kept with its state in ")
    assert out.rstrip().endswith("(readlist import brings it back)")
    after = Library(isolated_data)
    # Only the paper the import brought goes: those it updated were there before.
    assert sorted(p.title for p in after.papers) == [
        t for t in two_weeks if t != "Multilingual Instruction Tuning With Few Languages"
    ]
    assert "Feb 10" not in after.digests and after.get(shared.id).digests == ["Feb 3"]
    assert after.state_of(shared.id).note == "kept"  # it was there before the import
    after.close()
    assert run(capsys, "remove", "--last-import")[0] == 1  # nothing more to undo
    kept = kept_in(out)
    assert run(capsys, "import", str(kept))[0] == 0
    assert set(two_weeks) - set(titles(isolated_data)) == set()


def test_a_paper_by_id_goes_with_its_state_and_comes_back_with_it(
    capsys: pytest.CaptureFixture[str], isolated_data: Path, two_weeks: list[str]
) -> None:
    library = Library(isolated_data)
    paper = library.papers[0]
    library.close()
    assert run(capsys, "mark", paper.id, "--star", "--tags", "rl")[0] == 0
    code, out, _ = run(capsys, "remove", paper.id[:6])
    assert code == 0 and paper.title not in titles(isolated_data)
    kept = json.loads(kept_in(out).read_text())
    assert [p["title"] for p in kept["papers"]] == [paper.title]
    assert kept["papers"][0]["state"]["starred"] is True
    state = json.loads((isolated_data / "state.json").read_text())["state"]
    assert paper.id not in {doc["id"] for doc in state.values()}  # its state left with it
    code, out, _ = run(capsys, "list", "--starred")
    assert out == ""


def test_a_digest_takes_only_the_papers_no_other_digest_holds(
    capsys: pytest.CaptureFixture[str], isolated_data: Path, two_weeks: list[str]
) -> None:
    library = Library(isolated_data)
    stay = {p.title for p in library.papers if "Feb 10" in p.digests}
    library.close()
    assert run(capsys, "remove", "--digest", "Feb 3")[0] == 0
    after = Library(isolated_data)
    assert {p.title for p in after.papers} == stay
    assert all(p.digests == ["Feb 10"] for p in after.papers)
    after.close()
    code, _, err = run(capsys, "remove", "--digest", "Mar 99")
    assert code == 1 and err.startswith("readlist: no digest 'Mar 99' (the digests: Feb 10)")


def test_a_searchs_papers_go(
    capsys: pytest.CaptureFixture[str], isolated_data: Path, two_weeks: list[str]
) -> None:
    code, out, _ = run(capsys, "list", "--query", "title:satellite")
    assert code == 0 and out
    assert run(capsys, "remove", "--query", "title:satellite")[0] == 0
    assert run(capsys, "list", "--query", "title:satellite")[1] == ""
    assert run(capsys, "remove")[0] == 2  # say what to remove


def test_two_removals_in_one_second_keep_a_file_each(
    capsys: pytest.CaptureFixture[str],
    isolated_data: Path,
    two_weeks: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    one_second = dt.datetime(2026, 3, 14, 9, 30, 5)
    monkeypatch.setattr(removal, "dt", SimpleNamespace(datetime=SimpleNamespace(now=lambda: one_second)))
    library = Library(isolated_data)
    first, second = library.papers[0], library.papers[1]
    library.close()
    assert run(capsys, "mark", first.id, "--star", "--note", "precious")[0] == 0
    kept = []
    for paper in (first, second):
        code, out, _ = run(capsys, "remove", paper.id)
        assert code == 0
        kept.append(kept_in(out))
    assert kept[0] != kept[1]
    for path, paper in zip(kept, (first, second), strict=True):
        assert [p["title"] for p in json.loads(path.read_text())["papers"]] == [paper.title]
    assert json.loads(kept[0].read_text())["papers"][0]["state"]["note"] == "precious"


def test_a_removal_that_cannot_keep_its_papers_removes_nothing_and_leaves_no_file(
    capsys: pytest.CaptureFixture[str],
    isolated_data: Path,
    two_weeks: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def full(path: Path, data: bytes) -> None:
        raise OSError(28, "No space left on device", str(path))

    monkeypatch.setattr(removal, "write_atomic", full)
    library = Library(isolated_data)
    paper = library.papers[0]
    library.close()
    code, out, err = run(capsys, "remove", paper.id)
    assert code == 1 and out == "" and "No space left on device" in err and err.count("\n") == 1
    assert titles(isolated_data) == two_weeks
    assert list((isolated_data / "backups").glob("removed-*")) == []
