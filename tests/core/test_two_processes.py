"""Two readlist processes on one data folder: every change of both ends up on disk.

For conflicting writes to one field the later write wins; different fields of one paper both
survive. "Later" is exact here: the helper stamps each write while it still holds the data lock.
"""

from __future__ import annotations

import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from readlist.core.library import Library
from tests.helpers.durability import (
    DEFAULTS,
    STATE_WRITER,
    import_sample,
    parse_saved_lines,
    readlist_cmd,
    run_readlist,
    state_on_disk,
    state_via_fresh_library,
    subprocess_env,
)


def _writer(
    data: Path,
    tag: str,
    seed: int,
    count: int,
    pids: str,
    fields: str = "read,starred,note",
    max_sleep: float = 0.01,
    stop_file: Path | None = None,
    first_saved: Path | None = None,
    before_last: Path | None = None,
) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            str(STATE_WRITER),
            str(data),
            "--seed",
            str(seed),
            "--tag",
            tag,
            "--count",
            str(count),
            "--pids",
            pids,
            "--fields",
            fields,
            "--max-sleep",
            str(max_sleep),
            "--stop-file",
            str(stop_file or ""),
            "--first-saved",
            str(first_saved or ""),
            "--before-last",
            str(before_last or ""),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=subprocess_env(data),
    )


def _finish(proc: subprocess.Popen[str]) -> list[dict[str, Any]]:
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert out.endswith("done\n"), out[-300:]
    saved, in_flight = parse_saved_lines(out)
    assert in_flight is None
    return saved


def _last_writes(changes: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """pid -> fields after applying ``changes`` in the order they reached the file."""
    result: dict[str, dict[str, Any]] = {}
    for change in sorted(changes, key=lambda c: c["stamp"]):
        result.setdefault(change["pid"], dict(DEFAULTS))[change["field"]] = change["value"]
    return result


def _non_default(states: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {pid: fields for pid, fields in states.items() if fields != DEFAULTS}


def test_two_writers_interleaving_on_shared_and_own_papers(isolated_data: Path, tmp_path: Path) -> None:
    data = isolated_data
    import_sample(data)
    # papers 0-3 are changed by both, 4-5 only by A, 6-7 only by B; neither makes its last change
    # before the other has made its first, so the two overlap however the system schedules them
    started_a, started_b = tmp_path / "a-started", tmp_path / "b-started"
    one = _writer(
        data, "A", seed=1, count=60, pids="0,1,2,3,4,5", first_saved=started_a, before_last=started_b
    )
    two = _writer(
        data, "B", seed=2, count=60, pids="0,1,2,3,6,7", first_saved=started_b, before_last=started_a
    )
    saved = _finish(one) + _finish(two)
    stamps = [c["stamp"] for c in saved]
    assert len(set(stamps)) == len(stamps) == 120
    by_a = sorted(c["stamp"] for c in saved if c["tag"] == "A")
    by_b = sorted(c["stamp"] for c in saved if c["tag"] == "B")
    assert by_a[0] < by_b[-1] and by_b[0] < by_a[-1], "the writers did not overlap"
    expected = _last_writes(saved)
    assert _non_default(state_on_disk(data)) == _non_default(expected)
    assert _non_default(state_via_fresh_library(data)) == _non_default(expected)


def test_conflicting_notes_later_write_wins_and_other_fields_survive(isolated_data: Path) -> None:
    """Both write notes of papers 0-1 (conflicts); A also toggles read, B starred (merges)."""
    data = isolated_data
    ids = import_sample(data)
    one = _writer(data, "A", seed=3, count=40, pids="0,1", fields="note,read", max_sleep=0.005)
    two = _writer(data, "B", seed=4, count=40, pids="0,1", fields="note,starred", max_sleep=0.005)
    saved = _finish(one) + _finish(two)
    expected = _last_writes(saved)
    disk = state_on_disk(data)
    for pid in ids[:2]:
        want = expected.get(pid, DEFAULTS)
        got = disk.get(pid, DEFAULTS)
        assert got == want, pid
    last_note_writer = {
        c["pid"]: c["tag"] for c in sorted(saved, key=lambda c: c["stamp"]) if c["field"] == "note"
    }
    assert set(last_note_writer.values()) <= {"A", "B"}


def test_core_writer_and_cli_mark_on_the_same_paper(isolated_data: Path, tmp_path: Path) -> None:
    """A long-running process toggles read/starred while `readlist mark` writes notes; after each
    mark the test waits until the writer has saved again, so writes and marks take turns for certain."""
    data = isolated_data
    ids = import_sample(data)
    stop = tmp_path / "stop"
    writer = _writer(
        data, "A", seed=5, count=0, pids="0,1,2", fields="read,starred", max_sleep=0.004, stop_file=stop
    )
    assert writer.stdout is not None and writer.stdout.readline() == "ready\n"
    notes = {}
    seen = ""  # the writer's output read so far
    started = time.monotonic_ns()
    for i in range(6):
        pid = ids[i % 3]
        notes[pid] = f"from the command line, round {i}"
        result = run_readlist(data, "mark", pid, "--note", notes[pid])
        assert result.returncode == 0, result.stderr
        marked, latest = time.monotonic_ns(), 0
        while latest <= marked:
            line = writer.stdout.readline()
            assert line, "the writer stopped"
            seen += line
            if line.startswith("saved "):
                latest = parse_saved_lines(line)[0][0]["stamp"]
    ended = time.monotonic_ns()
    stop.touch()
    saved = parse_saved_lines(seen)[0] + _finish(writer)
    during = [c for c in saved if started < c["stamp"] < ended]
    assert len(during) >= 6
    expected = _last_writes(saved)
    for pid, note in notes.items():
        expected.setdefault(pid, dict(DEFAULTS))["note"] = note
    assert _non_default(state_on_disk(data)) == _non_default(expected)


def test_a_running_library_sees_a_change_made_by_readlist_mark(isolated_data: Path) -> None:
    data = isolated_data
    ids = import_sample(data)
    library = Library(data)
    try:
        pid = ids[3]
        library.state.update(pid, read=True)  # pending here, not yet saved
        assert library.state.refresh() == set()
        result = run_readlist(data, "mark", pid, "--star", "--note", "written by another process")
        assert result.returncode == 0, result.stderr
        assert library.state.refresh() == {pid}
        state = library.state.get(pid)
        assert (state.read, state.starred, state.note) == (True, True, "written by another process")
        library.state.flush()
    finally:
        library.close()
    assert state_on_disk(data)[pid] == {"read": True, "starred": True, "note": "written by another process"}


def test_a_running_library_picks_up_repeated_outside_changes(isolated_data: Path) -> None:
    """Polling refresh() (as the app does every second) sees each of several quick CLI marks."""
    data = isolated_data
    ids = import_sample(data)
    library = Library(data)
    try:
        for i in range(5):
            result = run_readlist(data, "mark", ids[0], "--note", f"outside {i}")
            assert result.returncode == 0, result.stderr
            assert library.state.refresh() == {ids[0]}
            assert library.state.get(ids[0]).note == f"outside {i}"
    finally:
        library.close()


# Regression (was a bug, found by this test): StateStore.update_many (readlist/core/state.py:114,
# `current.get(key, ...) != value`) compares with a possibly stale in-memory copy: setting a value
# that memory already holds queues nothing, so a change another process saved meanwhile silently
# survives the caller's explicit write
def test_an_explicit_write_wins_even_when_memory_is_stale(isolated_data: Path) -> None:
    data = isolated_data
    ids = import_sample(data)
    stale = Library(data)  # opened before the other process writes
    try:
        result = run_readlist(data, "mark", ids[0], "--star")
        assert result.returncode == 0, result.stderr
        stale.state.update(ids[0], starred=False)  # the later write: unstar it
        stale.state.flush()
    finally:
        stale.close()
    assert state_on_disk(data).get(ids[0], DEFAULTS)["starred"] is False


def test_random_marks_from_many_short_processes(isolated_data: Path) -> None:
    """Several `readlist mark` processes started at once on different papers all land."""
    data = isolated_data
    ids = import_sample(data)
    rng = random.Random(7)
    procs = []
    expected: dict[str, dict[str, Any]] = {}
    for i, pid in enumerate(rng.sample(ids, 8)):
        expected[pid] = {"read": True, "starred": i % 2 == 0, "note": f"parallel {i}"}
        args = ["mark", pid, "--read", "--note", f"parallel {i}"] + (["--star"] if i % 2 == 0 else [])
        procs.append(
            subprocess.Popen(
                readlist_cmd(*args),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=subprocess_env(data),
            )
        )
    for proc in procs:
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
    assert _non_default(state_on_disk(data)) == expected
