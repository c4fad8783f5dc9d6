"""Daily backups, restoring from them, and ``readlist doctor``."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from readlist.cli import main
from readlist.core.backup import backup_daily, backups_of, check, newest_good_backup, restore
from readlist.core.errors import CorruptFileError
from readlist.core.importer import import_files
from readlist.core.library import Library
from tests.conftest import SAMPLE


@pytest.fixture
def folder(isolated_data: Path) -> Path:
    library = Library(isolated_data)
    import_files(library, [str(SAMPLE)])
    library.state.update(library.papers[0].id, starred=True, note="keep me")
    library.close()
    return isolated_data


def test_one_backup_a_day_and_only_the_newest_are_kept(folder: Path) -> None:
    start = dt.date(2026, 1, 1)
    for offset in range(10):
        backup_daily(folder, start + dt.timedelta(days=offset))
    assert backup_daily(folder, start + dt.timedelta(days=9)) == []  # already done today
    states = backups_of(folder, "state.json")
    assert [p.name for p in states] == [f"state-2026-01-{d:02d}.json" for d in range(10, 3, -1)]
    assert len(backups_of(folder, "library.json")) == 3
    assert all(p.stat().st_mode & 0o777 == 0o600 for p in states)


def test_a_damaged_file_is_never_backed_up(folder: Path) -> None:
    backup_daily(folder, dt.date(2026, 1, 1))
    (folder / "state.json").write_text("{ broken")
    assert [p.name for p in backup_daily(folder, dt.date(2026, 1, 2))] == ["library-2026-01-02.json"]
    assert newest_good_backup(folder, "state.json").name == "state-2026-01-01.json"


def test_restore_moves_the_damaged_file_aside(folder: Path) -> None:
    backup_daily(folder, dt.date(2026, 1, 1))
    (folder / "state.json").write_bytes(b"\x00garbage")
    backup, moved = restore(folder, "state.json")
    assert backup.name == "state-2026-01-01.json"
    assert moved is not None and moved.read_bytes() == b"\x00garbage"
    library = Library(folder)
    assert library.state_of(library.papers[0].id).note == "keep me"
    library.close()


def test_restore_without_backup_fails_and_touches_nothing(folder: Path) -> None:
    (folder / "state.json").write_text("{ broken")
    with pytest.raises(CorruptFileError):
        restore(folder, "state.json")
    assert (folder / "state.json").read_text() == "{ broken"


def test_doctor_reports_and_restores(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert "library.json: readable, 29 papers" in out and "state.json: readable, 1 paper states" in out
    assert main(["list"]) == 0  # any command takes today's backup
    capsys.readouterr()
    (folder / "state.json").write_text('{"state": {"1": ')
    assert main(["list"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "damaged data file" in err and "doctor --restore" in err
    assert (folder / "state.json").read_text() == '{"state": {"1": '  # never overwritten
    assert main(["doctor"]) == 1
    assert "BAD" in capsys.readouterr().out
    assert main(["doctor", "--restore"]) == 0
    assert "restored state.json" in capsys.readouterr().out
    assert main(["list", "--json", "--starred"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["note"] for r in rows] == ["keep me"]


def test_doctor_flags_files_others_can_read(folder: Path) -> None:
    (folder / "state.json").chmod(0o644)
    assert any(not f.ok and "readable by others" in f.message for f in check(folder))


def test_doctor_before_any_library_is_not_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    none = tmp_path / "qa-none"
    assert main(["doctor", "--data-dir", str(none)]) == 0
    assert capsys.readouterr().out == f"ok   no library at {none} yet (nothing to check)\n"
    assert not none.exists()  # and doctor made none
    none.write_text("a file where the folder should be")
    assert main(["doctor", "--data-dir", str(none)]) == 1  # that is damage
    assert capsys.readouterr().out == f"BAD  data folder {none}\n"


def test_a_file_known_to_be_clean_is_copied_without_parsing_it_again(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    library = Library(folder)
    known = library.clean_versions()
    library.close()
    assert known["library.json"] is not None and known["state.json"] is not None
    parsed: list[Path] = []
    monkeypatch.setattr("readlist.core.backup.load_json", lambda path: parsed.append(path) or {})
    made = backup_daily(folder, dt.date(2026, 1, 1), known_good=known)
    assert sorted(p.name for p in made) == ["library-2026-01-01.json", "state-2026-01-01.json"]
    assert parsed == []  # at 100k papers, parsing library.json again holds the interpreter for seconds
    assert (folder / "backups" / "library-2026-01-01.json").read_bytes() == (
        folder / "library.json"
    ).read_bytes()


def test_a_file_changed_since_it_was_read_is_checked_before_its_backup(folder: Path) -> None:
    library = Library(folder)
    known = library.clean_versions()
    library.close()
    (folder / "state.json").write_text("{ damaged after it was read")
    made = backup_daily(folder, dt.date(2026, 1, 1), known_good=known)
    assert [p.name for p in made] == ["library-2026-01-01.json"]
