"""Tags in the state, and undo / redo of every state change, across restarts too."""

from __future__ import annotations

import errno
import json
from pathlib import Path

import pytest

from readlist.core import undo
from readlist.core.library import Library
from readlist.core.text import clean_tags
from readlist.core.undo import KEEP, LIMIT, UNDO_FILE, Step, UndoLog
from tests.helpers.disk_full import DiskFull
from tests.helpers.durability import state_on_disk


def test_clean_tags() -> None:
    assert clean_tags("RL, to-read  #RL robots,") == ["rl", "to-read", "robots"]
    assert clean_tags(["a b", "\x1b[31mred"]) == ["a", "b", "red"]
    assert clean_tags("   ") == []
    assert clean_tags("x" * 100) == ["x" * 40]


def test_tags_persist_and_are_counted(lib: Library, isolated_data: Path) -> None:
    a, b = lib.papers.ids[:2]
    lib.change([a], "tags", tags="rl robots")
    lib.change([b], "tags", tags=["RL"])
    assert lib.state_of(a).tags == ("rl", "robots")
    assert lib.state.tags() == {"rl": 2, "robots": 1}
    lib.close()
    again = Library(isolated_data)
    assert again.state_of(a).tags == ("rl", "robots")
    stored = json.loads((isolated_data / "state.json").read_text())["state"]
    assert any(doc["tags"] == ["rl"] for doc in stored.values())
    again.close()


def test_undo_and_redo_each_kind_of_change(lib: Library) -> None:
    pid = lib.papers.ids[0]
    lib.change([pid], "read", read=True)
    lib.change([pid], "star", starred=True)
    lib.change([pid], "note", note="first thoughts")
    lib.change([pid], "tags", tags="keep")
    for field, empty in (("tags", ()), ("note", ""), ("starred", False), ("read", False)):
        step = lib.undo()
        assert step is not None and getattr(lib.state_of(pid), field) == empty
    assert lib.undo() is None
    assert lib.redo().label == "read" and lib.state_of(pid).read
    assert lib.redo().label == "star" and lib.state_of(pid).starred
    lib.change([pid], "note", note="a new branch")
    assert lib.redo() is None  # a new change forgets what was undone


def test_a_change_that_changes_nothing_is_no_step(lib: Library) -> None:
    pid = lib.papers.ids[0]
    assert lib.change([pid], "unread", read=False) is None
    assert lib.undo() is None


def test_bulk_change_is_one_step_and_keeps_each_papers_own_before(lib: Library) -> None:
    ids = lib.papers.ids
    lib.change([ids[0]], "read", read=True)
    step = lib.change(ids, "all read", read=True)
    assert step is not None and len(step.after) == len(ids) - 1  # the one already read is not part of it
    assert all(lib.state_of(pid).read for pid in ids)
    lib.undo()
    assert lib.state_of(ids[0]).read  # it was read before the bulk change
    assert not any(lib.state_of(pid).read for pid in ids[1:])


def test_history_survives_a_restart(lib: Library, isolated_data: Path) -> None:
    pid = lib.papers.ids[0]
    lib.change([pid], "star", starred=True)
    lib.change([pid], "note", note="n")
    lib.close()
    again = Library(isolated_data)
    assert again.undo().label == "note" and again.state_of(pid).note == ""
    assert again.undo().label == "star" and not again.state_of(pid).starred
    again.close()
    third = Library(isolated_data)
    assert third.redo().label == "star" and third.state_of(pid).starred
    third.close()


def test_only_the_last_few_steps_are_kept_on_disk(lib: Library, isolated_data: Path) -> None:
    pid = lib.papers.ids[0]
    for i in range(KEEP + 5):
        lib.change([pid], f"note {i}", note=str(i))
    lib.flush()
    saved = json.loads((isolated_data / UNDO_FILE).read_text())
    assert [s["label"] for s in saved["done"]] == [f"note {i}" for i in range(5, KEEP + 5)]


def test_memory_holds_the_last_limit_steps_only(lib: Library) -> None:
    pid = lib.papers.ids[0]
    for i in range(LIMIT + 5):
        lib.change([pid], f"note {i}", note=str(i))
    undone = []
    while (step := lib.undo()) is not None:
        undone.append(step.label)
    assert undone == [f"note {i}" for i in reversed(range(5, LIMIT + 5))]
    assert lib.state_of(pid).note == "4"  # the oldest steps are gone: their changes stay


def test_a_failed_history_save_is_kept_for_the_next_flush(
    lib: Library, isolated_data: Path, disk_full: DiskFull
) -> None:
    pid = lib.papers.ids[0]
    lib.change([pid], "star", starred=True)
    disk_full.fill(isolated_data / UNDO_FILE)
    with pytest.raises(OSError) as info:
        lib.flush()
    assert info.value.errno == errno.ENOSPC
    assert state_on_disk(isolated_data)[pid]["starred"] is True  # the state itself went first
    assert not (isolated_data / UNDO_FILE).exists()
    disk_full.free()
    lib.flush()
    saved = json.loads((isolated_data / UNDO_FILE).read_text())
    assert [s["label"] for s in saved["done"]] == ["star"]


def test_a_damaged_history_is_an_empty_one(lib: Library, isolated_data: Path) -> None:
    lib.change([lib.papers.ids[0]], "star", starred=True)
    lib.close()
    (isolated_data / UNDO_FILE).write_text('{"done": [{"label": 3')
    again = Library(isolated_data)
    assert again.undo() is None
    assert again.state_of(again.papers.ids[0]).starred  # the state itself is untouched
    again.close()


@pytest.mark.parametrize("fields", [{"colour": 1}, 5, None, ["read"]])
def test_a_history_with_bad_fields_is_an_empty_one(lib: Library, isolated_data: Path, fields: object) -> None:
    pid = lib.papers.ids[0]
    lib.change([pid], "star", starred=True)
    lib.close()
    step = {"label": "x", "before": {pid: fields}, "after": {pid: {"starred": True}}}
    good = {"label": "star", "before": {pid: {"starred": False}}, "after": {pid: {"starred": True}}}
    (isolated_data / UNDO_FILE).write_text(json.dumps({"done": [good, step], "undone": []}))
    again = Library(isolated_data)
    assert again.undo() is None  # the whole history is dropped, and ``u`` does not crash
    assert again.state_of(pid).starred
    again.close()


def test_saved_history_holds_a_bounded_number_of_papers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(undo, "KEEP_PAPERS", 5)
    saved: list[bytes] = []
    monkeypatch.setattr(undo, "write_atomic", lambda path, data: saved.append(data))
    log = UndoLog()
    log.path = Path("undo.json")  # set after loading: nothing is read, and writes go to ``saved``
    for label, count in (("old", 1), ("bulk", 4), ("small", 2), ("newest", 3)):
        pids = [str(i) for i in range(count)]
        log.push(Step(label, {p: {"read": False} for p in pids}, {p: {"read": True} for p in pids}))
    log.save()
    data = json.loads(saved[-1])
    assert [s["label"] for s in data["done"]] == [
        "small",
        "newest",
    ]  # "bulk" would go over; older ones go with it
    assert data["undone"] == []
