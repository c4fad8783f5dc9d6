"""Crash-safe storage, corrupt files, the cross-process lock and the state store."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import stat
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from tinydb import TinyDB

from readlist.core import storage as storage_mod
from readlist.core.errors import CorruptFileError, LockTimeout
from readlist.core.importer import import_files
from readlist.core.library import LIBRARY_FILE, STATE_FILE, Library
from readlist.core.state import Saver, StateStore
from readlist.core.storage import AtomicJSONStorage, FileLock, load_json, write_atomic
from tests.conftest import FIXTURES, ROOT
from tests.helpers.disk_full import DiskFull
from tests.helpers.waiting import wait_until

# -- atomic writes ------------------------------------------------------------------------


def test_write_atomic_replaces_the_file_and_leaves_no_temp_files(tmp_path: Path) -> None:
    path = tmp_path / "data.json"
    path.write_bytes(b"old")
    for i in range(5):
        write_atomic(path, f'{{"n": {i}}}'.encode())
    assert path.read_bytes() == b'{"n": 4}'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.json"]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_failed_write_keeps_the_old_file_and_removes_the_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "data.json"
    path.write_bytes(b'{"keep": true}')

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(storage_mod.os, "replace", broken_replace)
    with pytest.raises(OSError):
        write_atomic(path, b'{"keep": false}')
    assert path.read_bytes() == b'{"keep": true}'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.json"]


def test_write_atomic_syncs_the_new_file_before_the_rename_and_the_folder_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the first fsync a crash can leave the new name on an empty file; without the
    second, the rename itself can be lost."""
    path = tmp_path / "data.json"
    path.write_bytes(b"old")
    synced: list[tuple[str, int, bytes]] = []  # (what, inode, what the path held at that moment)
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        info = os.fstat(fd)
        synced.append(("folder" if stat.S_ISDIR(info.st_mode) else "file", info.st_ino, path.read_bytes()))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    write_atomic(path, b"new")
    assert path.read_bytes() == b"new"
    assert (
        "file",
        path.stat().st_ino,
        b"old",
    ) in synced  # the new file, while the name was still the old one
    assert ("folder", tmp_path.stat().st_ino, b"new") in synced  # the folder, once the name was the new file


def test_tinydb_on_atomic_storage_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    db = TinyDB(path, storage=AtomicJSONStorage)
    db.table("t").insert({"title": "Ünïcode [CLS] \\$184M"})
    db.close()
    assert json.loads(path.read_text(encoding="utf-8")) == {"t": {"1": {"title": "Ünïcode [CLS] \\$184M"}}}
    db = TinyDB(path, storage=AtomicJSONStorage)
    assert db.table("t").all() == [{"title": "Ünïcode [CLS] \\$184M"}]
    db.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["db.json"]


def test_batch_writes_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    writes: list[Path] = []
    real = storage_mod.write_atomic

    def counting(path: Path, data: bytes) -> None:
        writes.append(path)
        real(path, data)

    monkeypatch.setattr(storage_mod, "write_atomic", counting)
    db = TinyDB(tmp_path / "db.json", storage=AtomicJSONStorage)
    table = db.table("t")
    for i in range(3):
        table.insert({"n": i})
    assert len(writes) == 3
    with db.storage.batch():
        for i in range(3, 8):
            table.insert({"n": i})
        assert len(writes) == 3  # nothing written until the batch ends
    assert len(writes) == 4
    reopened = TinyDB(tmp_path / "db.json", storage=AtomicJSONStorage)
    assert [d["n"] for d in reopened.table("t")] == list(range(8))


def test_changed_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    one = TinyDB(path, storage=AtomicJSONStorage)
    two = TinyDB(path, storage=AtomicJSONStorage)
    one.table("t").insert({"n": 1})
    assert one.storage.changed_on_disk() is False
    assert two.storage.changed_on_disk() is True
    assert two.table("t").all() == [{"n": 1}]
    assert two.storage.changed_on_disk() is False


# -- corrupt files ------------------------------------------------------------------------

DAMAGE = [b'{"papers": {"1": {"id": "ab', b"", b"\x00\x00\x00\x00", b"[1, 2, 3]", b"\xff\xfe{}"]


DAMAGE_IDS = ["truncated", "empty", "zeros", "not-an-object", "bad-encoding"]


@pytest.mark.parametrize("damage", DAMAGE, ids=DAMAGE_IDS)
def test_load_json_raises_on_damaged_files(tmp_path: Path, damage: bytes) -> None:
    path = tmp_path / "x.json"
    path.write_bytes(damage)
    with pytest.raises(CorruptFileError) as info:
        load_json(path)
    assert str(info.value).startswith(f"{path}: damaged data file (")
    assert str(info.value).endswith("); it was left untouched")
    assert path.read_bytes() == damage


def test_load_json_missing_file_is_none(tmp_path: Path) -> None:
    assert load_json(tmp_path / "nope.json") is None


@pytest.mark.parametrize("name", [LIBRARY_FILE, STATE_FILE])
@pytest.mark.parametrize("damage", DAMAGE[:2], ids=["truncated", "empty"])
def test_corrupt_data_file_is_reported_and_never_overwritten(
    isolated_data: Path, name: str, damage: bytes
) -> None:
    lib = Library(isolated_data)
    import_files(lib, [str(FIXTURES / "week1.txt")])
    lib.state.update(lib.papers[0].id, read=True)
    lib.close()
    (isolated_data / name).write_bytes(damage)
    before = _files(isolated_data)

    with pytest.raises(CorruptFileError) as info:
        Library(isolated_data)
    assert str(info.value).startswith(str(isolated_data / name))
    assert "\n" not in str(info.value)
    assert _files(isolated_data) == before


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# -- the cross-process lock ---------------------------------------------------------------

# Tries the lock in another process; prints "waiting" once it has found the lock taken (FileLock
# sleeps only then), then "acquired" or "timeout".
_LOCKER = textwrap.dedent(
    """
    import sys, time, types
    from pathlib import Path
    from readlist.core import storage
    from readlist.core.errors import LockTimeout

    def sleep(seconds):
        if not waited:
            waited.append(True)
            print("waiting", flush=True)
        time.sleep(seconds)

    waited = []
    storage.time = types.SimpleNamespace(monotonic=time.monotonic, sleep=sleep)
    try:
        with storage.FileLock(Path(sys.argv[1]), timeout=float(sys.argv[2])):
            print("acquired", flush=True)
    except LockTimeout:
        print("timeout", flush=True)
    """
)


def _try_lock_in_other_process(path: Path, timeout: float) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", _LOCKER, str(path), str(timeout)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_file_lock_excludes_another_process(tmp_path: Path) -> None:
    path = tmp_path / ".lock"
    lock = FileLock(path)
    with lock:
        assert _try_lock_in_other_process(path, 0.3) == ["waiting", "timeout"]
        with lock:  # re-entrant in the holder
            pass
        assert _try_lock_in_other_process(path, 0.3) == ["waiting", "timeout"]
    assert _try_lock_in_other_process(path, 0.3) == ["acquired"]


def test_file_lock_waits_for_release(tmp_path: Path) -> None:
    """A second process waiting on the lock gets it once the holder lets go."""
    path = tmp_path / ".lock"
    with FileLock(path):
        proc = subprocess.Popen(
            [sys.executable, "-c", _LOCKER, str(path), "60"], stdout=subprocess.PIPE, text=True, cwd=ROOT
        )
        assert proc.stdout is not None
        assert proc.stdout.readline() == "waiting\n"  # it found the lock taken, and waits
    out, _ = proc.communicate(timeout=60)
    assert out.split() == ["acquired"]


def test_file_lock_timeout_in_process(tmp_path: Path) -> None:
    """Two locks on one file exclude each other even inside one process (separate open files)."""
    path = tmp_path / ".lock"
    with FileLock(path), pytest.raises(LockTimeout) as info, FileLock(path, timeout=0.1):
        pass
    assert str(info.value) == f"{path}: another readlist process holds the lock"


# -- two state stores on one folder -----------------------------------------------------


def _store(folder: Path) -> StateStore:
    return StateStore(folder / STATE_FILE, FileLock(folder / ".lock"))


def _on_disk(folder: Path) -> dict[str, tuple[bool, bool, str]]:
    data = load_json(folder / STATE_FILE) or {}
    return {d["id"]: (d["read"], d["starred"], d["note"]) for d in data.get("state", {}).values()}


def test_two_state_stores_merge_interleaved_flushes(tmp_path: Path) -> None:
    """Both stores opened before either wrote; every change of both ends up on disk."""
    one, two = _store(tmp_path), _store(tmp_path)
    one.update("p1", read=True)
    two.update("p2", starred=True)
    two.update("p1", note="from two")
    assert one.flush() == set()
    two.flush()  # must merge the first store's p1 read=True before writing
    assert _on_disk(tmp_path) == {"p1": (True, False, "from two"), "p2": (False, True, "")}
    one.update("p3", read=True, note="from one")
    assert one.flush() == {"p1", "p2"}
    assert "p3" in two.refresh()
    assert two.refresh() == set()

    expected = {
        "p1": (True, False, "from two"),
        "p2": (False, True, ""),
        "p3": (True, False, "from one"),
    }
    assert _on_disk(tmp_path) == expected
    for store in (one, two, _store(tmp_path)):
        assert {pid: (s.read, s.starred, s.note) for pid, s in store.all().items()} == expected


def test_refresh_reports_only_what_other_processes_changed(tmp_path: Path) -> None:
    one, two = _store(tmp_path), _store(tmp_path)
    two.update("mine", starred=True)
    two.flush()
    one.update("theirs", read=True)
    one.flush()
    assert two.refresh() == {"theirs"}


def test_flush_reports_outside_change_to_a_paper_with_pending_changes(tmp_path: Path) -> None:
    """The TUI repaints the rows flush() returns; p1's read mark came from elsewhere."""
    one, two = _store(tmp_path), _store(tmp_path)
    one.update("p1", read=True)
    two.update("p1", note="from two")
    one.flush()
    assert two.flush() == {"p1"}


def test_unsaved_changes_win_over_a_refresh(tmp_path: Path) -> None:
    one, two = _store(tmp_path), _store(tmp_path)
    one.update("p", read=True, starred=True)
    one.flush()
    assert two.refresh() == {"p"}
    one.update("p", read=False)
    one.flush()
    two.update("p", starred=False)  # pending in two
    two.refresh()  # picks up read=False but keeps its own pending starred=False
    state = two.get("p")
    assert (state.read, state.starred) == (False, False)
    assert two.dirty is True
    two.flush()
    assert _on_disk(tmp_path) == {"p": (False, False, "")}
    assert one.refresh() == {"p"}
    assert (one.get("p").read, one.get("p").starred) == (False, False)


def test_a_failed_write_keeps_the_changes_queued_and_the_next_flush_writes_them(
    tmp_path: Path, disk_full: DiskFull
) -> None:
    """A full disk (ENOSPC) fails the save; nothing queued is dropped, and once there is room again
    the next flush writes all of it, also after another process saved meanwhile."""
    store = _store(tmp_path)
    store.update("p1", read=True)
    store.flush()
    disk_full.fill(tmp_path / STATE_FILE)
    store.update("p1", starred=True)  # a paper already on disk
    store.update("p2", note="new paper")  # and one that is not
    with pytest.raises(OSError) as info:
        store.flush()
    assert info.value.errno == errno.ENOSPC
    assert store.dirty is True
    assert _on_disk(tmp_path) == {"p1": (True, False, "")}
    assert sorted(p.name for p in tmp_path.iterdir()) == [".lock", STATE_FILE]  # no temp file left

    with pytest.raises(OSError):  # still full: still queued
        store.flush()
    disk_full.free()
    other = _store(tmp_path)  # another process saves in between
    other.update("p3", read=True)
    other.flush()
    assert store.flush() == {"p3"}
    expected = {"p1": (True, True, ""), "p2": (False, False, "new paper"), "p3": (True, False, "")}
    assert _on_disk(tmp_path) == expected
    assert store.dirty is False
    assert {pid: (s.read, s.starred, s.note) for pid, s in _store(tmp_path).all().items()} == expected


def test_setting_the_same_value_is_written_but_keeps_its_time(tmp_path: Path) -> None:
    """Memory may be stale, so an explicit write is always saved; its time stays the old one."""
    store = _store(tmp_path)
    store.update("p", read=True)
    store.flush()
    first = store.get("p").read_at
    store.update("p", read=True)
    assert store.dirty is True
    store.flush()
    assert store.get("p").read and store.get("p").read_at == first


def test_changes_count_as_unsaved_until_the_write_has_returned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A flush takes the pending changes before it writes them: while it writes, they are still
    not on disk, and ``dirty`` says so (a "saved" shown then would be early)."""
    store = _store(tmp_path)
    writing, release = threading.Event(), threading.Event()
    real = store._write

    def held(pending: dict[str, dict[str, object]]) -> None:
        writing.set()
        release.wait(30)
        real(pending)

    monkeypatch.setattr(store, "_write", held)
    store.update("p", read=True)
    flushing = threading.Thread(target=store.flush)
    flushing.start()
    try:
        assert writing.wait(30)
        assert store.dirty is True
    finally:
        release.set()
        flushing.join(30)
    assert store.dirty is False and _on_disk(tmp_path) == {"p": (True, False, "")}


def test_saver_flushes_soon_after_a_change(tmp_path: Path) -> None:
    store = _store(tmp_path)
    saved: list[set[str]] = []
    saver = Saver(store, delay=0.05, on_saved=saved.append)
    try:
        store.update("p", starred=True, note="saved in the background")
        saver.poke()
        wait_until(lambda: saved, "the saver's report")
        assert _on_disk(tmp_path) == {"p": (False, True, "saved in the background")}
        assert store.dirty is False
    finally:
        saver.stop()
    assert saved == [set()]


def test_saver_stop_flushes_what_is_pending(tmp_path: Path) -> None:
    store = _store(tmp_path)
    saver = Saver(store, delay=5.0)
    store.update("p", read=True)
    saver.stop()
    assert _on_disk(tmp_path) == {"p": (True, False, "")}


def test_saver_reports_errors_and_retries_without_dropping_the_change(tmp_path: Path) -> None:
    store = _store(tmp_path)
    (tmp_path / STATE_FILE).write_bytes(b"{broken")
    errors: list[Exception] = []
    saver = Saver(store, delay=0.01, on_error=errors.append)
    try:
        store.update("p", read=True)
        saver.poke()
        wait_until(lambda: errors, "the saver's error report")
        assert [type(e) for e in errors[:1]] == [CorruptFileError]
        assert store.dirty is True
        assert (tmp_path / STATE_FILE).read_bytes() == b"{broken"
        (tmp_path / STATE_FILE).unlink()  # the user moves the damaged file away
        wait_until(lambda: _on_disk(tmp_path) == {"p": (True, False, "")}, "the saver's retry")
    finally:
        with contextlib.suppress(CorruptFileError):
            saver.stop()
