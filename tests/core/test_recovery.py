"""Changes that could not be saved go to recovery.json and come back at the next start."""

from __future__ import annotations

from pathlib import Path

import pytest

from readlist.core import recovery
from readlist.core.errors import CorruptFileError, UnsavedChanges
from readlist.core.importer import import_files
from readlist.core.library import Library
from tests.conftest import SAMPLE


@pytest.fixture
def folder(isolated_data: Path) -> Path:
    library = Library(isolated_data)
    import_files(library, [str(SAMPLE)])
    library.state.update(library.papers[0].id, note="saved before")
    library.close()
    return isolated_data


def test_a_damaged_state_file_keeps_the_changes_in_the_recovery_file(folder: Path) -> None:
    library = Library(folder)
    good = (folder / "state.json").read_bytes()
    first, second = library.papers.ids[:2]
    library.state.update(first, starred=True)
    library.state.update(second, note="written while the file was damaged")
    (folder / "state.json").write_bytes(b'{"state": {"1": ')  # half a file, as a sync tool leaves it
    with pytest.raises(
        UnsavedChanges, match=r"state\.json.*the unsaved changes of 2 papers are kept in .*recovery\.json"
    ):
        library.flush_or_keep()  # what the app does when it ends
    with pytest.raises(CorruptFileError):
        library.close()  # a command line that could not save says so, and keeps nothing behind
    assert (folder / "state.json").read_bytes() == b'{"state": {"1": '  # never written over
    kept = recovery.load(folder)
    assert kept[first]["starred"] is True and kept[second]["note"] == "written while the file was damaged"

    (folder / "state.json").write_bytes(good)  # what `readlist doctor --restore` does
    again = Library(folder)
    assert (
        again.state_of(first).starred and again.state_of(second).note == "written while the file was damaged"
    )
    assert again.state_of(first).note == "saved before"
    assert any("unsaved changes of 2 papers" in notice for notice in again.notices)
    assert not (folder / recovery.RECOVERY_FILE).exists()
    again.close()
    assert Library(folder).state_of(first).starred  # saved for good, and said only once
    assert not Library(folder).notices


def test_a_kept_change_never_overrides_a_later_one(folder: Path) -> None:
    library = Library(folder)
    pid = library.papers.ids[0]
    record = library.state.record(pid)
    kept = {pid: {"note": "older", "note_at": record["note_at"] - 10, "starred": True, "starred_at": 5.0}}
    recovery.save(folder, kept)
    library.close()
    again = Library(folder)
    assert again.state_of(pid).note == "saved before"  # the state file's is newer
    assert again.state_of(pid).starred  # nothing there to compare with: the kept change wins
    again.close()


def test_two_failures_keep_the_newest_of_each_field(folder: Path) -> None:
    recovery.save(folder, {"a": {"note": "first", "note_at": 1.0, "read": True, "read_at": 1.0}})
    recovery.save(
        folder, {"a": {"note": "second", "note_at": 2.0}, "b": {"starred": True, "starred_at": 2.0}}
    )
    assert recovery.load(folder) == {
        "a": {"note": "second", "note_at": 2.0, "read": True, "read_at": 1.0},
        "b": {"starred": True, "starred_at": 2.0},
    }


def test_a_damaged_recovery_file_is_left_alone_and_said(folder: Path) -> None:
    (folder / recovery.RECOVERY_FILE).write_text("{ not json")
    library = Library(folder)
    assert any("recovery.json" in notice for notice in library.notices)
    library.close()
    assert (folder / recovery.RECOVERY_FILE).read_text() == "{ not json"
    with pytest.raises(CorruptFileError):
        recovery.load(folder)
